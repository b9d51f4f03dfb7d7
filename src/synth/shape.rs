//! Shapes of planted objects as lists of pixels, with the core (the hottest pixel) first.
//!
//! * Blobs: a priority flood from the core through an anisotropic, noisy score field: compact,
//!   irregular, 4-connected shapes with lobes and ragged edges (see [`blob`]).
//! * Strips: pixels within half a width of a centre line that follows a seam outcrop (an arc
//!   of a circle, straight when its curvature is 0), 1–3 px wide.

use std::collections::HashSet;
use std::hash::BuildHasherDefault;

use super::rng::{SplitMix64, hash2, unit_f64};

/// Deterministic hashing for membership tests (never iterated).
type PixelSet = HashSet<(i64, i64), BuildHasherDefault<std::collections::hash_map::DefaultHasher>>;

/// A blob of exactly `size` pixels around `(0, 0)`, core `(0, 0)` first.
///
/// Priority flood from the core: the pixel added next is the frontier pixel with the lowest
/// score `e + 0.35 * lobes + 0.15 * grain`, where `e` is the distance to the core in an ellipse
/// of random orientation and aspect ratio 1–2.5 (normalised by the radius of a disc of `size`
/// pixels), `lobes` three random plane waves of one to two radii wavelength (bays and lobes) and
/// `grain` per-pixel white noise (a ragged edge). The result is 4-connected, compact and
/// irregular.
pub fn blob(rng: &mut SplitMix64, size: usize) -> Vec<(i64, i64)> {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    const STEPS: [(i64, i64); 4] = [(-1, 0), (1, 0), (0, -1), (0, 1)];

    let radius = (size as f64 / std::f64::consts::PI).sqrt().max(0.5);
    let phi = rng.uniform(0.0, std::f64::consts::PI);
    let aspect = rng.uniform(1.0, 2.5).sqrt();
    let (sp, cp) = phi.sin_cos();
    let waves: Vec<(f64, f64, f64, f64)> = (0..3)
        .map(|_| {
            let dir = rng.uniform(0.0, std::f64::consts::TAU);
            let k = std::f64::consts::TAU / (radius * rng.uniform(1.0, 2.0));
            (
                k * dir.cos(),
                k * dir.sin(),
                rng.uniform(0.0, std::f64::consts::TAU),
                1.0 / 3.0,
            )
        })
        .collect();
    let grain_seed = rng.next_u64();
    let score = |(r, c): (i64, i64)| -> f64 {
        let (rf, cf) = (r as f64, c as f64);
        let u = rf * cp + cf * sp;
        let w = -rf * sp + cf * cp;
        let e = ((u / aspect).powi(2) + (w * aspect).powi(2)).sqrt() / radius;
        let lobes: f64 = waves
            .iter()
            .map(|&(kr, kc, ph, a)| a * (kr * rf + kc * cf + ph).cos())
            .sum();
        let grain = unit_f64(hash2(grain_seed, r as u64, c as u64)) * 2.0 - 1.0;
        e + 0.35 * lobes + 0.15 * grain
    };
    // Scores are finite; ties broken by position so the order never depends on the heap.
    let key = |p: (i64, i64)| (Reverse(OrdF64(score(p))), Reverse(p));
    let mut pixels = Vec::with_capacity(size);
    let mut seen = PixelSet::default();
    let mut heap = BinaryHeap::new();
    seen.insert((0, 0));
    heap.push(key((0, 0)));
    while pixels.len() < size {
        let Some((_, Reverse(p))) = heap.pop() else {
            break;
        };
        pixels.push(p);
        for (dr, dc) in STEPS {
            let q = (p.0 + dr, p.1 + dc);
            if seen.insert(q) {
                heap.push(key(q));
            }
        }
    }
    pixels
}

/// `f64` ordered by `total_cmp`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct OrdF64(f64);

impl Eq for OrdF64 {}

impl PartialOrd for OrdF64 {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for OrdF64 {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// A seam outcrop: an arc through `(row, col)` with direction `angle` (radians, from the column
/// axis towards increasing rows) and curvature `curvature` (1/px).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Seam {
    pub row: f64,
    pub col: f64,
    pub angle: f64,
    pub curvature: f64,
}

impl Seam {
    /// Point at arc length `s` from `(row, col)` and the unit tangent there, as
    /// `((row, col), (d_row, d_col))`.
    pub fn at(&self, s: f64) -> ((f64, f64), (f64, f64)) {
        let a = self.angle + self.curvature * s;
        let (dr, dc) = (a.sin(), a.cos());
        let (r, c) = if self.curvature.abs() < 1e-12 {
            (
                self.row + s * self.angle.sin(),
                self.col + s * self.angle.cos(),
            )
        } else {
            let k = self.curvature;
            (
                self.row + (self.angle.cos() - a.cos()) / k,
                self.col + (a.sin() - self.angle.sin()) / k,
            )
        };
        ((r, c), (dr, dc))
    }
}

/// A strip of exactly `size` pixels (absolute coordinates) along `seam` from arc length `s0`,
/// `width` pixels wide, core first (the pixel on the centre line at the middle of its length).
pub fn strip(seam: &Seam, s0: f64, width: usize, size: usize) -> Vec<(i64, i64)> {
    const STEP: f64 = 0.25;
    let offsets: Vec<f64> = (0..width)
        .map(|k| k as f64 - (width as f64 - 1.0) / 2.0)
        .collect();
    let mut pixels = Vec::with_capacity(size);
    let mut seen = PixelSet::default();
    let mut s = s0;
    // Each step of 0.25 px adds at most `width` pixels; 8 * size steps always suffice.
    for _ in 0..8 * size + 8 {
        let ((r, c), (dr, dc)) = seam.at(s);
        for &o in &offsets {
            // Normal to the tangent: (-dc, dr) in (row, col).
            let p = ((r + o * dc).floor() as i64, (c - o * dr).floor() as i64);
            if pixels.len() < size && seen.insert(p) {
                pixels.push(p);
            }
        }
        if pixels.len() >= size {
            break;
        }
        s += STEP;
    }
    // Core: the centre-line pixel half-way along.
    let length = (size as f64 / width as f64).max(1.0);
    let ((r, c), _) = seam.at(s0 + length / 2.0);
    let core = (r.floor() as i64, c.floor() as i64);
    let k = pixels
        .iter()
        .position(|&p| p == core)
        .unwrap_or_else(|| nearest(&pixels, (r, c)));
    pixels.swap(0, k);
    pixels
}

fn nearest(pixels: &[(i64, i64)], (r, c): (f64, f64)) -> usize {
    let d = |p: &(i64, i64)| (p.0 as f64 + 0.5 - r).powi(2) + (p.1 as f64 + 0.5 - c).powi(2);
    let mut best = 0;
    for (i, p) in pixels.iter().enumerate() {
        if d(p) < d(&pixels[best]) {
            best = i;
        }
    }
    best
}

/// Heat factor of each pixel: 1 at the core (first pixel), falling smoothly (raised cosine of
/// the distance to the core) to `edge` at the farthest pixel.
pub fn falloff(pixels: &[(i64, i64)], edge: f64) -> Vec<f64> {
    let core = pixels[0];
    let dist: Vec<f64> = pixels
        .iter()
        .map(|p| (((p.0 - core.0).pow(2) + (p.1 - core.1).pow(2)) as f64).sqrt())
        .collect();
    let dmax = dist.iter().copied().fold(0.0, f64::max);
    dist.iter()
        .map(|&d| {
            if dmax == 0.0 {
                1.0
            } else {
                edge + (1.0 - edge) * 0.5 * (1.0 + (std::f64::consts::PI * d / dmax).cos())
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn connected8(pixels: &[(i64, i64)]) -> bool {
        let set: std::collections::BTreeSet<_> = pixels.iter().copied().collect();
        let mut seen = std::collections::BTreeSet::new();
        let mut stack = vec![pixels[0]];
        while let Some(p) = stack.pop() {
            if !seen.insert(p) {
                continue;
            }
            for dr in -1..=1 {
                for dc in -1..=1 {
                    let q = (p.0 + dr, p.1 + dc);
                    if set.contains(&q) && !seen.contains(&q) {
                        stack.push(q);
                    }
                }
            }
        }
        seen.len() == set.len()
    }

    #[test]
    fn blobs_have_exact_size_and_are_connected() {
        let mut rng = SplitMix64::new(11);
        for size in [1, 2, 5, 17, 80] {
            let b = blob(&mut rng, size);
            assert_eq!(b.len(), size);
            assert_eq!(b[0], (0, 0));
            let unique: std::collections::BTreeSet<_> = b.iter().collect();
            assert_eq!(unique.len(), size);
            assert!(connected8(&b));
        }
    }

    #[test]
    fn strips_have_exact_size_width_and_are_connected() {
        let seam = Seam {
            row: 50.0,
            col: 10.0,
            angle: 0.4,
            curvature: 1.0 / 300.0,
        };
        for (width, size) in [(1, 4), (1, 30), (2, 20), (3, 80)] {
            let s = strip(&seam, 5.0, width, size);
            assert_eq!(s.len(), size);
            let unique: std::collections::BTreeSet<_> = s.iter().collect();
            assert_eq!(unique.len(), size);
            assert!(connected8(&s), "width {width} size {size}");
        }
    }

    #[test]
    fn falloff_from_one_to_edge() {
        let mut rng = SplitMix64::new(2);
        let b = blob(&mut rng, 40);
        let f = falloff(&b, 0.4);
        assert_eq!(f[0], 1.0);
        let min = f.iter().copied().fold(1.0, f64::min);
        assert!((min - 0.4).abs() < 1e-12);
        assert_eq!(falloff(&[(3, 3)], 0.3), vec![1.0]);
    }
}

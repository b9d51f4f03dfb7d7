//! Planting: objects placed one after another at random positions, each accepted only when
//! every pixel lies on plantable ground (valid, at least `min_gap_px` from any invalid pixel
//! and from every object already placed, outside the 2-px scene border).

use ndarray::Array2;
use serde::Serialize;

use super::rng::SplitMix64;
use super::shape::{self, Seam};
use super::terrain::stream;
use super::{ObjectKind, PlantedObject, SynthParams};

/// Pixels at the scene edge never planted on.
pub const BORDER_PX: usize = 2;
/// Placement attempts per object before it is given up.
const ATTEMPTS: usize = 400;

/// The planted truth.
pub(crate) struct Plants {
    pub truth_id: Array2<u32>,
    pub truth_delta_k: Array2<f32>,
    pub objects: Vec<PlantedObject>,
    pub seams: Vec<Seam>,
}

/// Seam outcrops: near-parallel arcs sharing a regional strike (±15°), a third of them straight,
/// the others curved with radii of 300 px or more; `n` of them.
fn draw_seams(rng: &mut SplitMix64, rows: usize, cols: usize, n: usize) -> Vec<Seam> {
    let strike = rng.uniform(0.0, std::f64::consts::PI);
    (0..n)
        .map(|_| {
            let curvature = if rng.chance(1.0 / 3.0) {
                0.0
            } else {
                let k = rng.uniform(1.0 / 3000.0, 1.0 / 300.0);
                if rng.chance(0.5) { k } else { -k }
            };
            Seam {
                row: rng.uniform(0.0, rows as f64),
                col: rng.uniform(0.0, cols as f64),
                angle: strike + rng.uniform(-0.26, 0.26),
                curvature,
            }
        })
        .collect()
}

/// Integer log-uniform in `[lo, hi]`.
fn log_uniform_size(rng: &mut SplitMix64, lo: usize, hi: usize) -> usize {
    if lo >= hi {
        return lo;
    }
    let v = rng.log_uniform(lo as f64, (hi + 1) as f64).floor() as usize;
    v.clamp(lo, hi)
}

/// Statistical summary of what was placed.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PlantCounts {
    pub requested: usize,
    pub planted: usize,
    pub blobs: usize,
    pub strips: usize,
    pub pixels: usize,
}

struct Grid<'a> {
    valid: &'a Array2<bool>,
    truth_id: &'a Array2<u32>,
    gap: i64,
}

impl Grid<'_> {
    /// True when every pixel of `pixels` is plantable.
    fn fits(&self, pixels: &[(i64, i64)]) -> bool {
        let (rows, cols) = self.valid.dim();
        let (rows, cols) = (rows as i64, cols as i64);
        let b = BORDER_PX as i64;
        if pixels
            .iter()
            .any(|&(r, c)| r < b || c < b || r >= rows - b || c >= cols - b)
        {
            return false;
        }
        let g = self.gap;
        pixels.iter().all(|&(r, c)| {
            if !self.valid[[r as usize, c as usize]] {
                return false;
            }
            for rr in (r - g).max(0)..=(r + g).min(rows - 1) {
                for cc in (c - g).max(0)..=(c + g).min(cols - 1) {
                    let i = [rr as usize, cc as usize];
                    if !self.valid[i] || self.truth_id[i] != 0 {
                        return false;
                    }
                }
            }
            true
        })
    }
}

/// Places `p.n_objects` objects on the pixels where `valid` is true.
pub(crate) fn plant(valid: &Array2<bool>, p: &SynthParams) -> Plants {
    let (rows, cols) = valid.dim();
    let mut rng = SplitMix64::stream(p.seed, stream::OBJECTS);
    // Two seams plus one per six expected strips, so that strips (1–80 px long, 5 px apart)
    // find room along them.
    let n_seams = 2 + (p.n_objects as f64 * p.strip_fraction / 6.0).ceil() as usize;
    let seams = draw_seams(
        &mut SplitMix64::stream(p.seed, stream::SEAMS),
        rows,
        cols,
        n_seams,
    );
    let mut truth_id = Array2::<u32>::zeros((rows, cols));
    let mut truth_delta_k = Array2::<f32>::zeros((rows, cols));
    let mut objects = Vec::new();
    let diag = ((rows * rows + cols * cols) as f64).sqrt();
    let (dmin, dmax) = p.delta_range_k;
    let (smin, smax) = p.size_range_px;
    let interior = rows > 2 * BORDER_PX && cols > 2 * BORDER_PX;
    for _ in 0..p.n_objects {
        if !interior {
            break;
        }
        let size = log_uniform_size(&mut rng, smin, smax);
        let mut kind = if size >= 4 && rng.chance(p.strip_fraction) {
            ObjectKind::Strip
        } else {
            ObjectKind::Blob
        };
        let peak = if dmax > dmin {
            rng.log_uniform(dmin, dmax)
        } else {
            dmin
        };
        let edge = rng.uniform(0.3, 0.5);
        let width = rng.range_inclusive(1, 3).min(size / 4).max(1);
        let mut blob = (kind == ObjectKind::Blob).then(|| shape::blob(&mut rng, size));
        let grid = Grid {
            valid,
            truth_id: &truth_id,
            gap: p.min_gap_px as i64,
        };
        let mut placed = None;
        for attempt in 0..2 * ATTEMPTS {
            if attempt == ATTEMPTS {
                if kind == ObjectKind::Blob {
                    break;
                }
                // No room along the seams: the strip becomes a blob elsewhere.
                kind = ObjectKind::Blob;
                blob = Some(shape::blob(&mut rng, size));
            }
            let pixels: Vec<(i64, i64)> = match &blob {
                Some(b) => {
                    let r0 = rng.range_inclusive(BORDER_PX, rows - 1 - BORDER_PX) as i64;
                    let c0 = rng.range_inclusive(BORDER_PX, cols - 1 - BORDER_PX) as i64;
                    b.iter().map(|&(r, c)| (r + r0, c + c0)).collect()
                }
                None => {
                    let seam = &seams[rng.below(seams.len())];
                    let s0 = rng.uniform(-diag, diag);
                    let ((r, c), _) = seam.at(s0);
                    if r < 0.0 || c < 0.0 || r >= rows as f64 || c >= cols as f64 {
                        continue;
                    }
                    shape::strip(seam, s0, width, size)
                }
            };
            if grid.fits(&pixels) {
                placed = Some(pixels);
                break;
            }
        }
        let Some(pixels) = placed else {
            continue;
        };
        let id = objects.len() as u32 + 1;
        let f = shape::falloff(&pixels, edge);
        let (mut sr, mut sc) = (0.0, 0.0);
        let (mut r0, mut c0, mut r1, mut c1) = (usize::MAX, usize::MAX, 0, 0);
        for (&(r, c), &fi) in pixels.iter().zip(&f) {
            let (r, c) = (r as usize, c as usize);
            truth_id[[r, c]] = id;
            truth_delta_k[[r, c]] = (peak * fi) as f32;
            sr += r as f64;
            sc += c as f64;
            (r0, c0, r1, c1) = (r0.min(r), c0.min(c), r1.max(r), c1.max(c));
        }
        let n = pixels.len() as f64;
        objects.push(PlantedObject {
            id,
            kind,
            peak_delta_k: peak,
            pixels: pixels.len(),
            centroid_rc: (sr / n, sc / n),
            bbox: (r0, c0, r1, c1),
            core_rc: (pixels[0].0 as usize, pixels[0].1 as usize),
            width_px: (kind == ObjectKind::Strip).then_some(width),
        });
    }
    Plants {
        truth_id,
        truth_delta_k,
        objects,
        seams,
    }
}

/// Counts of a list of objects.
pub fn counts(requested: usize, objects: &[PlantedObject]) -> PlantCounts {
    PlantCounts {
        requested,
        planted: objects.len(),
        blobs: objects
            .iter()
            .filter(|o| o.kind == ObjectKind::Blob)
            .count(),
        strips: objects
            .iter()
            .filter(|o| o.kind == ObjectKind::Strip)
            .count(),
        pixels: objects.iter().map(|o| o.pixels).sum(),
    }
}

//! The scene's median and MAD from one pass over the values: a histogram on a fixed grid of
//! the `f32` values themselves, so that strips read in any order merge into the whole raster's
//! histogram without knowing its range first (the range, value and deviation histograms took
//! three passes).
//!
//! Bins: the value's bits in an order-preserving `u32` key (negative values mirrored), without
//! the lowest [`DROPPED_BITS`] bits. A bin therefore spans 32 adjacent `f32` values: 0.98 mK
//! between 256 and 512 K, 0.49 mK below, 1.95 mK up to 1024 K (a relative resolution of 2^-18).
//! Keys are grouped in chunks of [`CHUNK_BINS`] bins (4 K wide at 256–512 K) that are allocated
//! when a value lands in them: a scene of 250–330 K touches about 20. A raster whose values
//! occupy more than [`MAX_FINE_CHUNKS`] chunks (spread over several octaves, such as unscaled
//! counts or noise) is summarised at the chunk level instead, a relative resolution of 2^-6;
//! whether that happens depends on the set of values only, not on how it was cut into strips.
//!
//! The key of `−v` is `KEYS − 1 −` the key of `v`, so the histogram of `−T` is the mirror image
//! of that of `T`: [`SceneHistogram::mirrored`] gives it without another pass.

use ndarray::Array2;

/// Low key bits dropped: 32 adjacent `f32` values per bin.
const DROPPED_BITS: u32 = 5;
/// Bins per chunk (a power of two).
const CHUNK_BINS: usize = 4096;
const CHUNK_SHIFT: u32 = CHUNK_BINS.trailing_zeros();
/// Keys in all: `2^(32 − DROPPED_BITS)`.
const KEYS: u32 = 1 << (32 - DROPPED_BITS);
/// Chunks in all.
const CHUNKS: usize = (KEYS >> CHUNK_SHIFT) as usize;
/// Above this many occupied chunks, the median and MAD come from the chunk counts.
pub const MAX_FINE_CHUNKS: usize = 256;

/// The order-preserving key of a non-NaN `f32` (without the dropped bits).
fn key(v: f32) -> u32 {
    let bits = v.to_bits();
    let ordered = if bits >> 31 == 1 {
        !bits
    } else {
        bits | 0x8000_0000
    };
    ordered >> DROPPED_BITS
}

/// The `f32` whose ordered bits are `ordered`.
fn value_of_ordered(ordered: u32) -> f32 {
    if ordered >> 31 == 1 {
        f32::from_bits(ordered & 0x7FFF_FFFF)
    } else {
        f32::from_bits(!ordered)
    }
}

/// The centre of the values of `bins` consecutive keys from `first` (NaN bit patterns left
/// out: the bin of infinity is infinity).
fn centre(first: u32, bins: u32) -> f64 {
    let lo = value_of_ordered(first << DROPPED_BITS);
    let hi = value_of_ordered(((first + bins) << DROPPED_BITS).wrapping_sub(1));
    let (lo, hi) = (f64::from(lo), f64::from(hi));
    // Infinities start (+∞) or end (−∞) a bin whose other patterns are NaN.
    match (lo.is_nan(), hi.is_nan()) {
        (false, false) => (lo + hi) / 2.0,
        (true, _) => hi,
        (false, true) => lo,
    }
}

/// Counts of the valid, non-NaN values per bin. Mergeable: counts add exactly.
#[derive(Debug, Clone)]
pub struct SceneHistogram {
    /// Values per chunk (all chunks; 256 KiB).
    chunk_counts: Vec<u64>,
    /// Per chunk, 1 + its index in `fine` (0: no bin counts).
    slot: Vec<u16>,
    /// Per-bin counts of the occupied chunks, until more than [`MAX_FINE_CHUNKS`] are.
    fine: Vec<(u32, Box<[u64]>)>,
    overflowed: bool,
    n: u64,
}

impl Default for SceneHistogram {
    fn default() -> Self {
        Self {
            chunk_counts: vec![0; CHUNKS],
            slot: vec![0; CHUNKS],
            fine: Vec::new(),
            overflowed: false,
            n: 0,
        }
    }
}

impl SceneHistogram {
    /// The histogram of the values of `values` where `valid` holds and the value is not NaN.
    pub fn of(values: &Array2<f32>, valid: &Array2<bool>) -> Self {
        let mut h = Self::default();
        match (values.as_slice(), valid.as_slice()) {
            (Some(v), Some(ok)) => h.add(v.iter().zip(ok)),
            _ => h.add(values.iter().zip(valid.iter())),
        }
        h
    }

    fn add<'a>(&mut self, pixels: impl Iterator<Item = (&'a f32, &'a bool)>) {
        for (&v, &ok) in pixels {
            if !ok || v.is_nan() {
                continue;
            }
            let k = key(v);
            let chunk = (k >> CHUNK_SHIFT) as usize;
            self.n += 1;
            self.chunk_counts[chunk] += 1;
            if let Some(counts) = self.bins_of(chunk) {
                counts[(k as usize) & (CHUNK_BINS - 1)] += 1;
            }
        }
    }

    /// The bin counts of `chunk`, allocated on first use; `None` once the histogram has
    /// overflowed to chunk level.
    fn bins_of(&mut self, chunk: usize) -> Option<&mut Box<[u64]>> {
        if self.overflowed {
            return None;
        }
        if self.slot[chunk] == 0 {
            if self.fine.len() >= MAX_FINE_CHUNKS {
                self.overflow();
                return None;
            }
            self.fine
                .push((chunk as u32, vec![0; CHUNK_BINS].into_boxed_slice()));
            self.slot[chunk] = self.fine.len() as u16;
        }
        Some(&mut self.fine[usize::from(self.slot[chunk]) - 1].1)
    }

    fn overflow(&mut self) {
        self.overflowed = true;
        self.fine = Vec::new();
        self.slot.fill(0);
    }

    /// Adds the counts of `b`.
    pub fn merge(&mut self, b: Self) {
        self.n += b.n;
        for (a, x) in self.chunk_counts.iter_mut().zip(&b.chunk_counts) {
            *a += x;
        }
        if b.overflowed {
            self.overflow();
        }
        for (c, counts) in b.fine {
            let c = c as usize;
            if self.overflowed {
                return;
            }
            if self.slot[c] == 0 && self.fine.len() < MAX_FINE_CHUNKS {
                // A chunk this histogram has not seen: take `b`'s counts as they are.
                self.fine.push((c as u32, counts));
                self.slot[c] = self.fine.len() as u16;
                continue;
            }
            if let Some(a) = self.bins_of(c) {
                a.iter_mut().zip(counts.iter()).for_each(|(a, x)| *a += x);
            }
        }
    }

    /// Values counted.
    pub fn count(&self) -> u64 {
        self.n
    }

    /// The histogram of the negated values (`−v` for every `v`).
    pub fn mirrored(&self) -> Self {
        let mirror = |c: usize| CHUNKS - 1 - c;
        let mut slot = vec![0; CHUNKS];
        let fine = self
            .fine
            .iter()
            .enumerate()
            .map(|(i, (c, counts))| {
                let m = mirror(*c as usize);
                slot[m] = (i + 1) as u16;
                (m as u32, counts.iter().rev().copied().collect())
            })
            .collect();
        Self {
            chunk_counts: self.chunk_counts.iter().rev().copied().collect(),
            slot,
            fine,
            overflowed: self.overflowed,
            n: self.n,
        }
    }

    /// Occupied bins in ascending order of value: `(centre, count)`. Chunk-level bins when the
    /// values occupy more than [`MAX_FINE_CHUNKS`] chunks.
    fn bins(&self) -> Vec<(f64, u64)> {
        let occupied = self.chunk_counts.iter().filter(|&&n| n > 0).count();
        if self.overflowed || occupied > MAX_FINE_CHUNKS {
            return self
                .chunk_counts
                .iter()
                .enumerate()
                .filter(|(_, n)| **n > 0)
                .map(|(c, &n)| (centre((c as u32) << CHUNK_SHIFT, CHUNK_BINS as u32), n))
                .collect();
        }
        let mut chunks: Vec<_> = self.fine.iter().collect();
        chunks.sort_unstable_by_key(|(c, _)| *c);
        chunks
            .into_iter()
            .flat_map(|(c, counts)| {
                let c = *c;
                counts
                    .iter()
                    .enumerate()
                    .filter(|(_, n)| **n > 0)
                    .map(move |(i, &n)| (centre((c << CHUNK_SHIFT) + i as u32, 1), n))
            })
            .collect()
    }

    /// `(median, MAD)`: the centre of the bin holding the middle value (rank ⌈n/2⌉), and the
    /// same of the distances of the bins' centres from it. `None` without values.
    pub fn median_mad(&self) -> Option<(f64, f64)> {
        if self.n == 0 {
            return None;
        }
        let bins = self.bins();
        let target = self.n.div_ceil(2);
        let mut acc = 0;
        let m = bins.iter().position(|&(_, n)| {
            acc += n;
            acc >= target
        })?;
        let med = bins[m].0;
        // Distances grow outward from the median's bin on both sides: merge the two walks.
        let (mut below, mut above) = (m as isize - 1, m + 1);
        let mut acc = bins[m].1;
        let mut mad = 0.0;
        while acc < target {
            let d_below = (below >= 0).then(|| med - bins[below as usize].0);
            let d_above = bins.get(above).map(|b| b.0 - med);
            let take_below = match (d_below, d_above) {
                (Some(b), Some(a)) => b <= a,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => break,
            };
            if take_below {
                acc += bins[below as usize].1;
                mad = d_below.unwrap_or(mad);
                below -= 1;
            } else {
                acc += bins[above].1;
                mad = d_above.unwrap_or(mad);
                above += 1;
            }
        }
        Some((med, mad))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Median (rank ⌈n/2⌉) and MAD by sorting, the independent reference.
    fn sorted_median_mad(mut xs: Vec<f64>) -> (f64, f64) {
        xs.sort_by(f64::total_cmp);
        let med = xs[xs.len().div_ceil(2) - 1];
        let mut dev: Vec<f64> = xs.iter().map(|x| (x - med).abs()).collect();
        dev.sort_by(f64::total_cmp);
        (med, dev[dev.len().div_ceil(2) - 1])
    }

    /// The bin width around `v`: 32 `f32` steps.
    fn bin_width(v: f64) -> f64 {
        let v = v.abs() as f32;
        f64::from(v.next_up() - v) * 32.0
    }

    #[test]
    fn keys_order_every_kind_of_f32_and_mirror_under_negation() {
        let mut vs: Vec<f32> = (0..100_000u32)
            .map(|i| f32::from_bits(i.wrapping_mul(2_654_435_761)))
            .filter(|v| !v.is_nan())
            .collect();
        vs.extend([
            0.0,
            -0.0,
            f32::INFINITY,
            f32::NEG_INFINITY,
            f32::MIN_POSITIVE,
            1e-45,
        ]);
        vs.sort_by(f32::total_cmp);
        for w in vs.windows(2) {
            assert!(key(w[0]) <= key(w[1]), "{} {}", w[0], w[1]);
        }
        for &v in &vs {
            assert_eq!(key(-v), KEYS - 1 - key(v), "{v}");
            let c = centre(key(v), 1);
            assert!(
                (c - f64::from(v)).abs() <= bin_width(f64::from(v)) || v.is_infinite(),
                "{v}: bin centre {c}"
            );
        }
    }

    #[test]
    fn median_and_mad_match_sorting_within_a_bin() {
        let v = Array2::from_shape_fn((300, 301), |(r, c)| {
            280.0 + ((r * 7919 + c * 104_729) % 10_007) as f32 * 0.003
        });
        let ok = Array2::from_shape_fn((300, 301), |(r, c)| (r + c) % 5 != 0);
        let xs: Vec<f64> = v
            .iter()
            .zip(&ok)
            .filter(|(_, o)| **o)
            .map(|(x, _)| f64::from(*x))
            .collect();
        let (med, mad) = sorted_median_mad(xs);
        let (m, d) = SceneHistogram::of(&v, &ok).median_mad().unwrap();
        assert!((m - med).abs() <= bin_width(med), "{m} vs {med}");
        assert!((d - mad).abs() <= 2.0 * bin_width(med), "{d} vs {mad}");
    }

    #[test]
    fn strips_in_any_order_merge_into_the_whole_histogram() {
        let v = Array2::from_shape_fn((90, 70), |(r, c)| {
            if (r * 3 + c) % 41 == 0 {
                f32::NAN
            } else {
                250.0 + ((r * 131 + c * 71) % 997) as f32 * 0.07 - (c as f32 % 7.0) * 0.001
            }
        });
        let ok = Array2::from_shape_fn((90, 70), |(r, c)| (r * c) % 13 != 1);
        let whole = SceneHistogram::of(&v, &ok);
        let mut merged = SceneHistogram::default();
        for r0 in [60, 0, 30] {
            let s = ndarray::s![r0..r0 + 30, ..];
            merged.merge(SceneHistogram::of(
                &v.slice(s).to_owned(),
                &ok.slice(s).to_owned(),
            ));
        }
        assert_eq!(merged.median_mad(), whole.median_mad());
        assert_eq!(merged.count(), whole.count());
        assert!(whole.count() > 5000);
    }

    #[test]
    fn the_mirror_is_the_histogram_of_the_negated_values() {
        let v = Array2::from_shape_fn((40, 50), |(r, c)| 290.0 + (r * c % 17) as f32 * 0.31);
        let ok = Array2::from_elem((40, 50), true);
        let neg = v.mapv(|x| -x);
        let direct = SceneHistogram::of(&neg, &ok);
        let mirrored = SceneHistogram::of(&v, &ok).mirrored();
        assert_eq!(mirrored.bins(), direct.bins());
        assert_eq!(mirrored.count(), direct.count());
        let (m, d) = direct.median_mad().unwrap();
        let xs = neg.iter().map(|&x| f64::from(x)).collect();
        let (med, mad) = sorted_median_mad(xs);
        assert!((m - med).abs() <= bin_width(med) && (d - mad).abs() <= 2.0 * bin_width(med));
    }

    #[test]
    fn values_over_many_octaves_fall_back_to_chunk_bins_whatever_the_strips() {
        // Three strips of 50 rows, each spanning two octaves of its own (128 chunks, under the
        // limit alone), 384 chunks together.
        let v = Array2::from_shape_fn((150, 300), |(r, c)| {
            let i = ((r % 50) * 300 + c) as f32;
            2f32.powi(10 + 2 * (r / 50) as i32) * (1.0 + 3.0 * i / 15_000.0)
        });
        let ok = Array2::from_elem((150, 300), true);
        let whole = SceneHistogram::of(&v, &ok);
        assert!(whole.overflowed);
        let mut merged = SceneHistogram::default();
        for r0 in [100, 0, 50] {
            let s = ndarray::s![r0..r0 + 50, ..];
            let strip = SceneHistogram::of(&v.slice(s).to_owned(), &ok.slice(s).to_owned());
            assert!(!strip.overflowed && strip.fine.len() == 128);
            merged.merge(strip);
        }
        let (m, d) = whole.median_mad().unwrap();
        assert_eq!(merged.median_mad(), Some((m, d)));
        let (med, mad) = sorted_median_mad(v.iter().map(|&x| f64::from(x)).collect());
        // Chunk bins are 1/64 of an octave.
        assert!((m - med).abs() <= med / 64.0, "{m} vs {med}");
        assert!((d - mad).abs() <= 2.0 * med / 64.0, "{d} vs {mad}");
    }

    #[test]
    fn no_values_no_statistics_and_infinities_count() {
        let v = ndarray::array![[f32::NAN, 1.0]];
        assert_eq!(
            SceneHistogram::of(&v, &ndarray::array![[true, false]]).median_mad(),
            None
        );
        let v = ndarray::array![[f32::INFINITY, f32::INFINITY, 300.0]];
        let (m, _) = SceneHistogram::of(&v, &ndarray::array![[true, true, true]])
            .median_mad()
            .unwrap();
        assert_eq!(m, f64::INFINITY);
    }
}

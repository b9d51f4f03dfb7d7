//! Scene-level robust statistics: median and MAD of the valid pixels.

use ndarray::Array2;
use rayon::prelude::*;

/// Resolution of [`median_mad`], in the unit of the values (K).
pub const MEDIAN_RESOLUTION: f64 = 1e-3;

/// `(median, MAD)` of the values where `valid` holds and the value is not NaN; `None` when
/// there is none. Computed from parallel histograms with [`MEDIAN_RESOLUTION`] bins (values
/// spread over more than 10⁶ bins coarsen the bins accordingly), so both are exact to one bin:
/// a full Landsat scene takes two parallel passes instead of sorting 60 million values.
pub fn median_mad(values: &Array2<f32>, valid: &Array2<bool>) -> Option<(f64, f64)> {
    let range = ValueRange::of(values, valid);
    let med = range
        .median_histogram()?
        .added(values, valid)
        .median(range)?;
    let mad = range
        .deviation_histogram(med)?
        .added_deviations(values, valid, med)
        .median(range)?;
    Some((med, mad))
}

/// Minimum, maximum and count of the valid values: the first of the three passes of
/// [`median_mad`]. Mergeable, so a raster read in strips gives exactly the whole raster's.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ValueRange {
    pub lo: f64,
    pub hi: f64,
    pub n: u64,
}

impl ValueRange {
    pub const EMPTY: Self = Self {
        lo: f64::INFINITY,
        hi: f64::NEG_INFINITY,
        n: 0,
    };

    /// The range of the valid, non-NaN `values`.
    pub fn of(values: &Array2<f32>, valid: &Array2<bool>) -> Self {
        values
            .as_slice_memory_order()
            .zip(valid.as_slice_memory_order())
            .map(|(v, ok)| {
                v.par_iter()
                    .zip(ok.par_iter())
                    .filter(|(x, o)| **o && !x.is_nan())
                    .map(|(x, _)| Self {
                        lo: f64::from(*x),
                        hi: f64::from(*x),
                        n: 1,
                    })
                    .reduce(|| Self::EMPTY, Self::merge)
            })
            .unwrap_or_else(|| {
                let xs = selected(values, valid, |x| x);
                Self {
                    lo: xs.iter().copied().fold(f64::INFINITY, f64::min),
                    hi: xs.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                    n: xs.len() as u64,
                }
            })
    }

    pub fn merge(self, b: Self) -> Self {
        Self {
            lo: self.lo.min(b.lo),
            hi: self.hi.max(b.hi),
            n: self.n + b.n,
        }
    }

    /// The empty histogram of the values (second pass); `None` without valid values.
    pub fn median_histogram(&self) -> Option<Histogram> {
        (self.n > 0).then(|| Histogram::new(self.lo, self.hi))
    }

    /// The empty histogram of the absolute deviations from `med` (third pass).
    pub fn deviation_histogram(&self, med: f64) -> Option<Histogram> {
        (self.n > 0).then(|| Histogram::new(0.0, (self.hi - med).max(med - self.lo)))
    }
}

/// A histogram over `[lo, hi]` with [`MEDIAN_RESOLUTION`] bins (coarser past 10⁶ bins).
/// Counts add exactly, so strips merged in any order give the whole raster's histogram.
#[derive(Debug, Clone, PartialEq)]
pub struct Histogram {
    lo: f64,
    hi: f64,
    width: f64,
    counts: Vec<u64>,
}

impl Histogram {
    fn new(lo: f64, hi: f64) -> Self {
        let width = ((hi - lo) / 1e6).max(MEDIAN_RESOLUTION);
        let bins = ((hi - lo) / width) as usize + 1;
        Self {
            lo,
            hi,
            width,
            counts: vec![0; bins],
        }
    }

    /// Adds the valid values.
    pub fn added(self, values: &Array2<f32>, valid: &Array2<bool>) -> Self {
        self.added_with(values, valid, |x| x)
    }

    /// Adds the absolute deviations of the valid values from `med`.
    pub fn added_deviations(self, values: &Array2<f32>, valid: &Array2<bool>, med: f64) -> Self {
        self.added_with(values, valid, |x| (x - med).abs())
    }

    fn added_with(
        self,
        values: &Array2<f32>,
        valid: &Array2<bool>,
        f: impl Fn(f64) -> f64 + Sync,
    ) -> Self {
        let (lo, width, bins) = (self.lo, self.width, self.counts.len());
        let bin = |x: f64| (((x - lo) / width) as usize).min(bins - 1);
        let hist = values
            .axis_iter(ndarray::Axis(0))
            .into_par_iter()
            .zip(valid.axis_iter(ndarray::Axis(0)).into_par_iter())
            .fold(
                || vec![0u64; bins],
                |mut h, (row, ok)| {
                    for (&v, &o) in row.iter().zip(ok.iter()) {
                        if o && !v.is_nan() {
                            h[bin(f(f64::from(v)))] += 1;
                        }
                    }
                    h
                },
            )
            .reduce(|| vec![0u64; bins], add_counts);
        Self {
            counts: add_counts(self.counts, hist),
            ..self
        }
    }

    /// Adds the counts of `b`, a histogram of the same range.
    pub fn merge(&mut self, b: &Self) {
        self.counts
            .iter_mut()
            .zip(&b.counts)
            .for_each(|(x, y)| *x += y);
    }

    /// The centre of the bin holding the middle of the `range.n` values (within half a bin of
    /// the median); `None` when there are none.
    pub fn median(&self, range: ValueRange) -> Option<f64> {
        if range.n == 0 {
            return None;
        }
        let target = range.n.div_ceil(2);
        let mut acc = 0;
        for (i, &h) in self.counts.iter().enumerate() {
            acc += h;
            if acc >= target {
                return Some(self.lo + (i as f64 + 0.5) * self.width);
            }
        }
        Some(self.hi)
    }
}

fn add_counts(mut a: Vec<u64>, b: Vec<u64>) -> Vec<u64> {
    a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
    a
}

fn selected(values: &Array2<f32>, valid: &Array2<bool>, f: impl Fn(f64) -> f64) -> Vec<f64> {
    values
        .iter()
        .zip(valid.iter())
        .filter(|(v, ok)| **ok && !v.is_nan())
        .map(|(v, _)| f(f64::from(*v)))
        .collect()
}

/// Mean and population standard deviation of the valid values.
pub fn mean_std(values: &Array2<f32>, valid: &Array2<bool>) -> Option<(f64, f64)> {
    let (n, s, s2) = values
        .iter()
        .zip(valid.iter())
        .filter(|(v, ok)| **ok && !v.is_nan())
        .fold((0u64, 0f64, 0f64), |(n, s, s2), (&v, _)| {
            let v = f64::from(v);
            (n + 1, s + v, s2 + v * v)
        });
    if n == 0 {
        return None;
    }
    let m = s / n as f64;
    Some((m, (s2 / n as f64 - m * m).max(0.0).sqrt()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    /// Exact median by sorting, the independent reference.
    fn exact_median(mut xs: Vec<f64>) -> f64 {
        xs.sort_by(f64::total_cmp);
        xs[(xs.len() - 1) / 2]
    }

    #[test]
    fn histogram_median_matches_sorting_within_resolution() {
        let v = Array2::from_shape_fn((300, 301), |(r, c)| {
            280.0 + ((r * 7919 + c * 104_729) % 10_007) as f32 * 0.003
        });
        let ok = Array2::from_shape_fn((300, 301), |(r, c)| (r + c) % 5 != 0);
        let xs = selected(&v, &ok, |x| x);
        let med = exact_median(xs.clone());
        let mad = exact_median(xs.iter().map(|x| (x - med).abs()).collect());
        let (m, d) = median_mad(&v, &ok).unwrap();
        assert!((m - med).abs() <= MEDIAN_RESOLUTION, "{m} vs {med}");
        assert!((d - mad).abs() <= 2.0 * MEDIAN_RESOLUTION, "{d} vs {mad}");
    }

    #[test]
    fn median_and_mad() {
        let v = array![[1.0f32, 2.0, 3.0, 100.0, f32::NAN]];
        let ok = array![[true, true, true, true, true]];
        // values 1,2,3,100 → the middle values are 2 and 3; deviations from ~2 → MAD ~1.0.
        let (m, mad) = median_mad(&v, &ok).unwrap();
        assert!((2.0 - 1e-3..=3.0 + 1e-3).contains(&m), "{m}");
        assert!((mad - 1.0).abs() <= 1.0, "{mad}");
        let ok = array![[true, true, true, false, true]];
        let (m, mad) = median_mad(&v, &ok).unwrap();
        assert!((m - 2.0).abs() <= MEDIAN_RESOLUTION, "{m}");
        assert!((mad - 1.0).abs() <= 2.0 * MEDIAN_RESOLUTION, "{mad}");
        let (m, s) = mean_std(&v, &ok).unwrap();
        assert!((m - 2.0).abs() < 1e-12 && (s - (2.0f64 / 3.0).sqrt()).abs() < 1e-12);
    }
}

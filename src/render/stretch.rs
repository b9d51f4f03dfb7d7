//! Value ranges and contrast stretches: robust percentile ranges, fixed ranges, gamma.
//!
//! Percentiles follow numpy's default (`method="linear"`): the value at rank
//! `p / 100 · (n − 1)` of the sorted valid values, interpolated between the two neighbouring
//! order statistics. NaN values are never counted. Above [`MAX_SAMPLES`] values (pixels) every
//! `k`-th value in row-major order is taken, `k = ceil(n / MAX_SAMPLES)`, and the valid ones
//! among them are used: a systematic sample, which changes a percentile of a smooth image by far
//! less than one display level, and which strips of a raster can take independently
//! ([`Sampler`]).

use ndarray::{Array2, Zip};

/// Values (pixels, valid or not) above which a percentile subsamples them in row-major order.
pub const MAX_SAMPLES: usize = 4_000_000;

/// Lower and upper percentile of the robust ranges (the 2nd and 98th, as xarray's
/// `robust=True` and most remote-sensing viewers).
pub const ROBUST_PERCENTILES: (f64, f64) = (2.0, 98.0);

/// Band metadata item of a temperature product (`bt.tif`) holding the robust range of its
/// values, written by the detection as it writes them, so that the thermal map need not read
/// the raster once more to sample it: `"MIN MAX ROWSxCOLS"`, the unrounded 2nd and 98th
/// percentiles ([`Sampler::robust_range`]) in Rust's shortest round-trip notation and the
/// shape they were taken on (a copy cut to another size does not match and is sampled again).
pub const RANGE_TAG: &str = "SEAMFIRE_ROBUST_RANGE_K";

/// The [`RANGE_TAG`] value of `range` over a raster of `shape = (rows, cols)`.
pub fn range_tag(range: Range, shape: (usize, usize)) -> String {
    format!("{} {} {}x{}", range.min, range.max, shape.0, shape.1)
}

/// The [`RANGE_TAG`] value of the robust range of `sampler`'s values over a raster of `shape`;
/// `None` when none was valid.
pub fn sampled_range_tag(sampler: Sampler, shape: (usize, usize)) -> Option<String> {
    sampler.robust_range().map(|r| range_tag(r, shape))
}

/// The range of a [`RANGE_TAG`] value when it was taken on `shape`; `None` otherwise or when
/// it is not one.
pub fn parse_range_tag(text: &str, shape: (usize, usize)) -> Option<Range> {
    let mut it = text.split_whitespace();
    let min: f64 = it.next()?.parse().ok()?;
    let max: f64 = it.next()?.parse().ok()?;
    let (rows, cols) = it.next()?.split_once('x')?;
    let tagged: (usize, usize) = (rows.parse().ok()?, cols.parse().ok()?);
    (it.next().is_none() && tagged == shape && min.is_finite() && max > min)
        .then_some(Range { min, max })
}

/// A closed value range `[min, max]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Range {
    pub min: f64,
    pub max: f64,
}

impl Range {
    /// A range from `min < max`, both finite.
    pub fn new(min: f64, max: f64) -> Option<Self> {
        (min.is_finite() && max.is_finite() && min < max).then_some(Self { min, max })
    }

    /// Parses `MIN:MAX` (e.g. `270:340`).
    pub fn parse(text: &str) -> Result<Self, String> {
        let (a, b) = text
            .split_once(':')
            .ok_or_else(|| format!("{text:?}: expected MIN:MAX, e.g. 270:340"))?;
        let num = |s: &str| {
            s.trim()
                .parse::<f64>()
                .map_err(|_| format!("{text:?}: {s:?} is not a number"))
        };
        let (min, max) = (num(a)?, num(b)?);
        Self::new(min, max).ok_or_else(|| format!("{text:?}: expected finite MIN < MAX"))
    }

    /// The range widened outwards to multiples of `step` (e.g. 0.1 K), so legends show round
    /// numbers and every value of the original range stays inside.
    pub fn rounded_out(self, step: f64) -> Self {
        // Work in units of `step` and divide at the end (`2834 / 10` is the double nearest
        // 283.4, `2834 * 0.1` is not); a value within 1e-9 step of a multiple counts as on it.
        let inv = 1.0 / step;
        let min = (self.min * inv + 1e-9).floor() / inv;
        let max = (self.max * inv - 1e-9).ceil() / inv;
        if max > min {
            Self { min, max }
        } else {
            Self {
                min,
                max: (min * inv + 1.0) / inv,
            }
        }
    }
}

/// The `p`-th percentiles (0–100) of the non-NaN values, in the order of `ps`. `None` when no
/// value is valid.
pub fn percentiles(values: impl Iterator<Item = f32> + Clone, ps: &[f64]) -> Option<Vec<f64>> {
    let mut sampler = Sampler::new(values.clone().count());
    sampler.push(0, values);
    sampler.percentiles(ps)
}

/// The systematic subsample of [`percentiles`] taken in pieces: strips of a raster read one at a
/// time or in parallel, each knowing the row-major index of its first value. The same values as
/// from the whole raster, so the same percentiles, without holding the raster.
#[derive(Debug, Clone)]
pub struct Sampler {
    step: usize,
    sample: Vec<f32>,
}

impl Sampler {
    /// A sampler for a whole of `n_values` values (pixels, valid or not).
    pub fn new(n_values: usize) -> Self {
        Self {
            step: n_values.div_ceil(MAX_SAMPLES).max(1),
            sample: Vec::new(),
        }
    }

    /// Takes the valid values among `values` whose index in the whole is a multiple of the
    /// step; `first` is the index of the first of `values` in the whole.
    pub fn push(&mut self, first: usize, values: impl Iterator<Item = f32>) {
        let skip = (self.step - first % self.step) % self.step;
        self.sample
            .extend(values.skip(skip).step_by(self.step).filter(|v| !v.is_nan()));
    }

    /// Appends the sample of `later`, a piece that comes after the pieces fed so far.
    pub fn append(&mut self, later: Sampler) {
        self.sample.extend(later.sample);
    }

    /// The `p`-th percentiles of the sample; `None` when no value was valid.
    pub fn percentiles(mut self, ps: &[f64]) -> Option<Vec<f64>> {
        if self.sample.is_empty() {
            return None;
        }
        Some(
            ps.iter()
                .map(|&p| percentile_of(&mut self.sample, p))
                .collect(),
        )
    }

    /// The robust range ([`robust_range`]) of the sample.
    pub fn robust_range(self) -> Option<Range> {
        let (lo, hi) = ROBUST_PERCENTILES;
        let p = self.percentiles(&[lo, hi])?;
        Some(range_of(p[0], p[1]))
    }
}

/// Percentile `p` of `v` (no NaN), numpy's linear method; reorders `v`.
fn percentile_of(v: &mut [f32], p: f64) -> f64 {
    let n = v.len();
    let rank = (p.clamp(0.0, 100.0) / 100.0) * (n - 1) as f64;
    let lo = rank.floor() as usize;
    let hi = rank.ceil() as usize;
    let (_, a, _) = v.select_nth_unstable_by(lo, f32::total_cmp);
    let a = f64::from(*a);
    if hi == lo {
        return a;
    }
    let (_, b, _) = v.select_nth_unstable_by(hi, f32::total_cmp);
    let b = f64::from(*b);
    a + (b - a) * (rank - lo as f64)
}

/// The robust range of the non-NaN values: the [`ROBUST_PERCENTILES`] (2nd–98th). `None` when
/// there is no valid value; a flat image gives `[v, v + 1e-6·max(|v|, 1)]`.
pub fn robust_range(values: impl Iterator<Item = f32> + Clone) -> Option<Range> {
    let (lo, hi) = ROBUST_PERCENTILES;
    let p = percentiles(values, &[lo, hi])?;
    Some(range_of(p[0], p[1]))
}

/// `[min, max]`, widened by `1e-6·max(|min|, 1)` when flat.
fn range_of(min: f64, max: f64) -> Range {
    if max > min {
        Range { min, max }
    } else {
        Range {
            min,
            max: min + 1e-6 * min.abs().max(1.0),
        }
    }
}

/// A linear stretch of `[lo, hi]` onto 0–255 followed by a gamma:
/// `out = round(255 · t^(1/γ))`, `t = clamp((v − lo)/(hi − lo), 0, 1)`. γ > 1 brightens the
/// mid-tones, γ = 1 is linear.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stretch {
    pub lo: f64,
    pub hi: f64,
    pub gamma: f64,
}

impl Stretch {
    /// The identity of 8-bit data: `[0, 255]`, γ 1.
    pub const BYTE_IDENTITY: Stretch = Stretch {
        lo: 0.0,
        hi: 255.0,
        gamma: 1.0,
    };

    /// The display level of `v`; `None` for NaN.
    pub fn apply(&self, v: f32) -> Option<u8> {
        if v.is_nan() {
            return None;
        }
        let span = self.hi - self.lo;
        let t = if span > 0.0 {
            ((f64::from(v) - self.lo) / span).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let g = if self.gamma > 0.0 { self.gamma } else { 1.0 };
        let t = if g == 1.0 { t } else { t.powf(1.0 / g) };
        Some((t * 255.0).round() as u8)
    }
}

/// Per-band percentile stretches of `bands` (same shape): each band's `[p_lo, p_hi]`
/// percentiles over the pixels valid (non-NaN) in **every** band, with gamma `gamma`. `None`
/// when no pixel is valid in all bands.
pub fn band_stretches(bands: &[&Array2<f32>], p: (f64, f64), gamma: f64) -> Option<Vec<Stretch>> {
    let first = bands.first()?;
    let mut all_valid = first.mapv(|v| !v.is_nan());
    for b in &bands[1..] {
        Zip::from(&mut all_valid)
            .and(*b)
            .for_each(|ok, &v| *ok &= !v.is_nan());
    }
    bands
        .iter()
        .map(|b| {
            let values = b
                .iter()
                .zip(all_valid.iter())
                .map(|(&v, &ok)| if ok { v } else { f32::NAN });
            let q = percentiles(values, &[p.0, p.1])?;
            let (lo, hi) = if q[1] > q[0] {
                (q[0], q[1])
            } else {
                (q[0], q[0] + 1e-6 * q[0].abs().max(1.0))
            };
            Some(Stretch { lo, hi, gamma })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn percentiles_match_numpy_linear() {
        // numpy.percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [2, 50, 98]) = [1.18, 5.5, 9.82]
        let v: Vec<f32> = (1..=10).map(|i| i as f32).collect();
        let p = percentiles(v.iter().copied(), &[2.0, 50.0, 98.0]).unwrap();
        assert!((p[0] - 1.18).abs() < 1e-9, "{p:?}");
        assert!((p[1] - 5.5).abs() < 1e-9);
        assert!((p[2] - 9.82).abs() < 1e-9);
        // NaN is ignored; order of input does not matter.
        let w = [f32::NAN, 10.0, 1.0, 5.0, f32::NAN, 3.0];
        // numpy.percentile([10, 1, 5, 3], [0, 100, 50]) = [1, 10, 4]
        let p = percentiles(w.iter().copied(), &[0.0, 100.0, 50.0]).unwrap();
        assert_eq!(p, vec![1.0, 10.0, 4.0]);
        assert!(percentiles([f32::NAN].iter().copied(), &[50.0]).is_none());
    }

    #[test]
    fn robust_range_ignores_outliers() {
        let mut v: Vec<f32> = (0..1000).map(|i| 280.0 + (i % 100) as f32 * 0.1).collect();
        v.extend([600.0; 5]);
        let r = robust_range(v.iter().copied()).unwrap();
        assert!(r.min >= 280.0 && r.min < 280.5, "{r:?}");
        assert!(r.max > 289.0 && r.max < 290.0, "{r:?}");
        let flat = robust_range([300.0f32; 4].iter().copied()).unwrap();
        assert!(flat.max > flat.min);
    }

    #[test]
    fn a_sampler_fed_in_strips_takes_the_whole_raster_subsample() {
        // 4.5 M values with NaN holes: more than MAX_SAMPLES, so every 2nd value is taken
        // (k = ceil(4.5 M / 4 M) = 2) and the NaN among them dropped. Expected: the 2nd and
        // 98th percentiles of that subsample taken directly (`step_by(2)` over all values),
        // here fed in pieces of uneven (odd) length, in order and apart then joined.
        let v: Vec<f32> = (0..4_500_000u32)
            .map(|i| {
                if i % 97 == 0 {
                    f32::NAN
                } else {
                    ((i.wrapping_mul(2_654_435_761) >> 8) % 100_000) as f32 * 0.001
                }
            })
            .collect();
        let mut direct: Vec<f32> = v
            .iter()
            .copied()
            .step_by(2)
            .filter(|x| !x.is_nan())
            .collect();
        let expect = [
            percentile_of(&mut direct, 2.0),
            percentile_of(&mut direct, 98.0),
        ];
        assert_eq!(
            percentiles(v.iter().copied(), &[2.0, 98.0]).unwrap(),
            expect
        );
        let mut s = Sampler::new(v.len());
        for (i, piece) in v.chunks(700_001).enumerate() {
            s.push(i * 700_001, piece.iter().copied());
        }
        assert_eq!(s.clone().percentiles(&[2.0, 98.0]).unwrap(), expect);
        let mut joined = Sampler::new(v.len());
        for (i, piece) in v.chunks(999_983).enumerate() {
            let mut p = Sampler::new(v.len());
            p.push(i * 999_983, piece.iter().copied());
            joined.append(p);
        }
        assert_eq!(joined.percentiles(&[2.0, 98.0]).unwrap(), expect);
        let r = s.robust_range().unwrap();
        assert_eq!((r.min, r.max), (expect[0], expect[1]));
        assert!(Sampler::new(0).robust_range().is_none());
    }

    #[test]
    fn range_parse_and_round() {
        assert_eq!(
            Range::parse("270:340").unwrap(),
            Range {
                min: 270.0,
                max: 340.0
            }
        );
        assert_eq!(Range::parse(" -5.5 : 3 ").unwrap().min, -5.5);
        assert!(Range::parse("340:270").is_err());
        assert!(Range::parse("270").is_err());
        assert!(Range::parse("a:3").is_err());
        assert!(Range::parse("1:inf").is_err());
        let r = Range::new(283.4321, 301.0049).unwrap().rounded_out(0.1);
        assert_eq!((r.min, r.max), (283.4, 301.1));
    }

    #[test]
    fn stretch_levels_and_gamma() {
        let s = Stretch {
            lo: 0.0,
            hi: 1.0,
            gamma: 1.0,
        };
        assert_eq!(s.apply(0.0), Some(0));
        assert_eq!(s.apply(1.0), Some(255));
        assert_eq!(s.apply(0.5), Some(128));
        assert_eq!(s.apply(-3.0), Some(0));
        assert_eq!(s.apply(7.0), Some(255));
        assert_eq!(s.apply(f32::NAN), None);
        let g = Stretch { gamma: 2.0, ..s };
        // 255 · 0.25^(1/2) = 127.5 → 128
        assert_eq!(g.apply(0.25), Some(128));
        assert_eq!(Stretch::BYTE_IDENTITY.apply(77.0), Some(77));
    }

    #[test]
    fn band_stretches_use_pixels_valid_in_every_band() {
        let r = array![[0.0f32, 1.0], [2.0, 100.0]];
        let g = array![[0.0f32, 1.0], [2.0, f32::NAN]];
        let s = band_stretches(&[&r, &g], (0.0, 100.0), 1.0).unwrap();
        // The 100 of band r is excluded: its pixel is NaN in band g.
        assert_eq!((s[0].lo, s[0].hi), (0.0, 2.0));
        assert_eq!((s[1].lo, s[1].hi), (0.0, 2.0));
        let none = array![[f32::NAN]];
        assert!(band_stretches(&[&none], (2.0, 98.0), 1.0).is_none());
    }
}

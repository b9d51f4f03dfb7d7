//! `otsu`: the threshold that maximises the between-class variance of the temperature
//! histogram, `σ_B²(t) = ω0(t)·ω1(t)·(μ0(t) − μ1(t))²` (Otsu 1979, IEEE SMC 9:62), applied to the
//! valid pixels of the scene or AOI. Pixels above the threshold are flagged; the class below
//! the threshold is their background.

use ndarray::Array2;
use serde::{Deserialize, Serialize};

use super::Detection;
use super::Method;
use super::ksigma::threshold_detection;

/// Parameters of [`detect_otsu`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OtsuParams {
    /// Histogram bins between the minimum and maximum valid temperature.
    pub bins: usize,
    pub nominal_z: f64,
    pub high_z: f64,
}

impl Default for OtsuParams {
    fn default() -> Self {
        Self {
            bins: 1024,
            nominal_z: 3.0,
            high_z: 4.0,
        }
    }
}

/// Otsu threshold of the valid values, with the mean and std of the class below it; `None`
/// when there are fewer than two distinct values.
pub fn otsu_threshold(
    t: &Array2<f32>,
    valid: &Array2<bool>,
    bins: usize,
) -> Option<(f64, f64, f64)> {
    let xs: Vec<f64> = t
        .iter()
        .zip(valid.iter())
        .filter(|(v, ok)| **ok && !v.is_nan())
        .map(|(v, _)| f64::from(*v))
        .collect();
    let (lo, hi) = xs
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| {
            (a.min(x), b.max(x))
        });
    if xs.is_empty() || hi <= lo {
        return None;
    }
    let bins = bins.max(2);
    let width = (hi - lo) / bins as f64;
    let bin = |x: f64| (((x - lo) / width) as usize).min(bins - 1);
    let mut hist = vec![0f64; bins];
    let mut sums = vec![0f64; bins];
    for &x in &xs {
        hist[bin(x)] += 1.0;
        sums[bin(x)] += x;
    }
    let total = xs.len() as f64;
    let total_sum: f64 = sums.iter().sum();
    let (mut w0, mut s0, mut best, mut best_i) = (0f64, 0f64, -1f64, 0usize);
    for i in 0..bins - 1 {
        w0 += hist[i];
        s0 += sums[i];
        let w1 = total - w0;
        if w0 == 0.0 || w1 == 0.0 {
            continue;
        }
        let (m0, m1) = (s0 / w0, (total_sum - s0) / w1);
        let between = w0 * w1 * (m0 - m1) * (m0 - m1);
        if between > best {
            best = between;
            best_i = i;
        }
    }
    let threshold = lo + width * (best_i + 1) as f64;
    let below: Vec<f64> = xs.into_iter().filter(|&x| x <= threshold).collect();
    let n = below.len() as f64;
    let mean = below.iter().sum::<f64>() / n;
    let std = (below.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n).sqrt();
    Some((threshold, mean, std))
}

/// Flags valid pixels above the Otsu threshold.
pub fn detect_otsu(t: &Array2<f32>, valid: &Array2<bool>, p: &OtsuParams) -> Detection {
    let found = otsu_threshold(t, valid, p.bins);
    let threshold = found.map_or(f64::INFINITY, |f| f.0);
    threshold_detection(
        t,
        valid,
        Method::Otsu,
        |_, _| threshold,
        found.map(|f| (f.1, f.2)),
        p.nominal_z,
        p.high_z,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_a_bimodal_histogram_between_the_modes() {
        // 90 pixels near 290 K, 10 near 320 K: the threshold falls between the modes.
        let t = Array2::from_shape_fn((10, 10), |(r, c)| {
            if r == 0 {
                320.0 + c as f32 * 0.1
            } else {
                290.0 + c as f32 * 0.1
            }
        });
        let valid = Array2::from_elem((10, 10), true);
        let (th, mean, _) = otsu_threshold(&t, &valid, 256).unwrap();
        assert!(th > 290.9 && th < 320.0, "{th}");
        assert!((mean - 290.45).abs() < 1e-4, "{th} {mean}");
        let d = detect_otsu(&t, &valid, &OtsuParams::default());
        assert_eq!(d.flagged.len(), 10);
        assert!(d.flagged.iter().all(|f| f.row == 0));
    }
}

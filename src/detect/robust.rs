//! Scene-level robust statistics: median and MAD of the valid pixels.

use ndarray::Array2;

use super::scene_histogram::SceneHistogram;

/// `(median, MAD)` of the values where `valid` holds and the value is not NaN; `None` when
/// there is none. From the one-pass histogram of [`super::scene_histogram`] (bins of 32
/// adjacent `f32` values, about 1 mK at 256–512 K), so that a raster read in strips gives the
/// same statistics as the whole raster.
pub fn median_mad(values: &Array2<f32>, valid: &Array2<bool>) -> Option<(f64, f64)> {
    SceneHistogram::of(values, valid).median_mad()
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

    #[test]
    fn median_and_mad() {
        // Histogram bins near 1–100 K are below 1e-4 K wide.
        let tol = 1e-4;
        let v = array![[1.0f32, 2.0, 3.0, 100.0, f32::NAN]];
        let ok = array![[true, true, true, true, true]];
        // Values 1, 2, 3, 100: the median of rank ⌈4/2⌉ is 2, deviations 1, 0, 1, 98: MAD 1.
        let (m, mad) = median_mad(&v, &ok).unwrap();
        assert!(
            (m - 2.0).abs() <= tol && (mad - 1.0).abs() <= 2.0 * tol,
            "{m} {mad}"
        );
        let ok = array![[true, true, true, false, true]];
        let (m, mad) = median_mad(&v, &ok).unwrap();
        assert!((m - 2.0).abs() <= tol, "{m}");
        assert!((mad - 1.0).abs() <= 2.0 * tol, "{mad}");
        let (m, s) = mean_std(&v, &ok).unwrap();
        assert!((m - 2.0).abs() < 1e-12 && (s - (2.0f64 / 3.0).sqrt()).abs() < 1e-12);
    }
}

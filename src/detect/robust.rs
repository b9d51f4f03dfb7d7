//! Scene-level robust statistics: median and MAD of the valid pixels.

use ndarray::Array2;

/// `(median, MAD)` of the values where `valid` holds and the value is not NaN; `None` when
/// there is none. O(n) with selection, one copy of the values.
pub fn median_mad(values: &Array2<f32>, valid: &Array2<bool>) -> Option<(f64, f64)> {
    let mut xs: Vec<f32> = values
        .iter()
        .zip(valid.iter())
        .filter(|(v, ok)| **ok && !v.is_nan())
        .map(|(v, _)| *v)
        .collect();
    if xs.is_empty() {
        return None;
    }
    let med = median_in_place(&mut xs);
    for x in xs.iter_mut() {
        *x = (f64::from(*x) - med).abs() as f32;
    }
    let mad = median_in_place(&mut xs);
    Some((med, mad))
}

/// Median (mean of the two middle values for even counts). Reorders `xs`.
fn median_in_place(xs: &mut [f32]) -> f64 {
    let n = xs.len();
    let cmp = |a: &f32, b: &f32| a.total_cmp(b);
    let (_, &mut hi, _) = xs.select_nth_unstable_by(n / 2, cmp);
    if n % 2 == 1 {
        return f64::from(hi);
    }
    let lo = xs[..n / 2].iter().copied().max_by(cmp).unwrap_or(hi);
    (f64::from(lo) + f64::from(hi)) / 2.0
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
        let v = array![[1.0f32, 2.0, 3.0, 100.0, f32::NAN]];
        let ok = array![[true, true, true, true, true]];
        // values 1,2,3,100 → median 2.5; deviations 1.5,0.5,0.5,97.5 → MAD 1.0
        assert_eq!(median_mad(&v, &ok), Some((2.5, 1.0)));
        let ok = array![[true, true, true, false, true]];
        assert_eq!(median_mad(&v, &ok), Some((2.0, 1.0)));
        let (m, s) = mean_std(&v, &ok).unwrap();
        assert!((m - 2.0).abs() < 1e-12 && (s - (2.0f64 / 3.0).sqrt()).abs() < 1e-12);
    }
}

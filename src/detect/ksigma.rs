//! `ksigma`: one threshold `mean + k·std` over every valid pixel of the scene or AOI, the
//! classic coal-field rule (e.g. Biswal & Gorai 2020, IJRS 41:9545, Jharia; science.md §2.1:
//! k = 1–3, about 2 by day, smaller at night).

use ndarray::Array2;
use serde::{Deserialize, Serialize};

use super::params::confidence_from_z;
use super::robust::mean_std;
use super::{Detection, DetectionStats, Flagged, Method, confidence, initial_classes};

/// Parameters of [`detect_ksigma`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KsigmaParams {
    /// Threshold in standard deviations above the scene mean.
    pub k: f64,
    /// z edges of the nominal and high confidence classes.
    pub nominal_z: f64,
    pub high_z: f64,
}

impl Default for KsigmaParams {
    fn default() -> Self {
        Self {
            k: 2.0,
            nominal_z: 3.0,
            high_z: 4.0,
        }
    }
}

/// Flags valid pixels above `mean + k·std` of all valid pixels.
pub fn detect_ksigma(t: &Array2<f32>, valid: &Array2<bool>, p: &KsigmaParams) -> Detection {
    let stats = mean_std(t, valid);
    threshold_detection(
        t,
        valid,
        Method::Ksigma,
        |mean, std| mean + p.k * std,
        stats,
        p.nominal_z,
        p.high_z,
    )
}

/// Shared by the scene-wide threshold methods: flags `t > threshold(mean, std)` with the scene
/// statistics as background and z-based confidence.
pub(crate) fn threshold_detection(
    t: &Array2<f32>,
    valid: &Array2<bool>,
    method: Method,
    threshold: impl Fn(f64, f64) -> f64,
    stats: Option<(f64, f64)>,
    nominal_z: f64,
    high_z: f64,
) -> Detection {
    let mut classes = initial_classes(t, valid);
    let n_valid = classes
        .iter()
        .filter(|&&k| k != confidence::NOT_PROCESSED)
        .count();
    let mut flagged = Vec::new();
    if let Some((mean, std)) = stats {
        let th = threshold(mean, std);
        for ((r, c), &v) in t.indexed_iter() {
            if classes[[r, c]] == confidence::NOT_PROCESSED || f64::from(v) <= th {
                continue;
            }
            let z = (f64::from(v) - mean) / std.max(f64::EPSILON);
            let conf = confidence_from_z(z, nominal_z, high_z);
            classes[[r, c]] = conf;
            flagged.push(Flagged {
                row: r,
                col: c,
                value: v,
                bg_mean: mean as f32,
                bg_std: std as f32,
                z: z as f32,
                window_px: 0,
                n_background: n_valid as u32,
                confidence: conf,
                method,
            });
        }
    }
    let stats = DetectionStats {
        valid: n_valid,
        candidates: flagged.len(),
        flagged: flagged.len(),
        unresolved: 0,
    };
    Detection {
        method,
        classes,
        flagged,
        stats,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_above_mean_plus_k_std() {
        // 99 pixels at 300 K and one at 330 K: mean 300.3, std = sqrt(0.99*0.09 + 0.01*882.09)
        let mut t = Array2::from_elem((10, 10), 300.0f32);
        t[[4, 5]] = 330.0;
        let valid = Array2::from_elem((10, 10), true);
        let d = detect_ksigma(&t, &valid, &KsigmaParams::default());
        assert_eq!(d.flagged.len(), 1);
        let f = d.flagged[0];
        assert_eq!((f.row, f.col), (4, 5));
        let std = (0.99f64 * 0.09 + 0.01 * 29.7f64.powi(2)).sqrt();
        assert!((f64::from(f.bg_std) - std).abs() < 1e-4);
        assert_eq!(d.classes[[0, 0]], confidence::NONE);
    }
}

//! Accuracy of a detection against planted truth: object recall by peak-delta bin, pixel
//! precision, and false zones per million valid pixels (the measures of `docs/accuracy.md`).

use ndarray::Array2;
use serde::Serialize;

use super::cluster::label_components;

/// Peak-delta bins, kelvin: `< 3`, `3–6`, `≥ 6`.
pub const BIN_EDGES_K: [f64; 2] = [3.0, 6.0];

/// A planted object as the evaluation sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TruthObject {
    /// Its value in the truth raster.
    pub id: u32,
    pub peak_delta_k: f64,
}

/// Scores of one detection.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Accuracy {
    /// `[detected, total]` objects per bin (`< 3 K`, `3–6 K`, `≥ 6 K`).
    pub objects: [[usize; 2]; 3],
    pub flagged_pixels: usize,
    /// Flagged pixels that belong to a planted object.
    pub true_pixels: usize,
    /// 8-connected flagged zones that touch no planted pixel.
    pub false_zones: usize,
    pub valid_pixels: usize,
}

impl Accuracy {
    /// Recall of one bin (NaN when the bin is empty).
    pub fn recall(&self, bin: usize) -> f64 {
        let [d, t] = self.objects[bin];
        if t == 0 {
            f64::NAN
        } else {
            d as f64 / t as f64
        }
    }

    /// Flagged pixels that are planted, over all flagged pixels (NaN when none is flagged).
    pub fn pixel_precision(&self) -> f64 {
        if self.flagged_pixels == 0 {
            f64::NAN
        } else {
            self.true_pixels as f64 / self.flagged_pixels as f64
        }
    }

    /// False zones per million valid pixels.
    pub fn false_zones_per_mpx(&self) -> f64 {
        self.false_zones as f64 * 1e6 / self.valid_pixels.max(1) as f64
    }

    /// Adds another scene's counts (for several seeds).
    pub fn add(&mut self, o: &Accuracy) {
        for b in 0..3 {
            self.objects[b][0] += o.objects[b][0];
            self.objects[b][1] += o.objects[b][1];
        }
        self.flagged_pixels += o.flagged_pixels;
        self.true_pixels += o.true_pixels;
        self.false_zones += o.false_zones;
        self.valid_pixels += o.valid_pixels;
    }
}

/// The bin of a peak delta.
pub fn delta_bin(peak_delta_k: f64) -> usize {
    BIN_EDGES_K.iter().filter(|&&e| peak_delta_k >= e).count()
}

/// Scores `flagged` against `truth` (object ids, 0 = none). An object is detected when at
/// least one of its pixels is flagged.
pub fn evaluate(
    flagged: &Array2<bool>,
    truth: &Array2<u32>,
    objects: &[TruthObject],
    valid: &Array2<bool>,
) -> Accuracy {
    let mut hit = std::collections::HashSet::new();
    let mut acc = Accuracy {
        valid_pixels: valid.iter().filter(|v| **v).count(),
        ..Default::default()
    };
    for (&f, &t) in flagged.iter().zip(truth.iter()) {
        if f {
            acc.flagged_pixels += 1;
            if t != 0 {
                acc.true_pixels += 1;
                hit.insert(t);
            }
        }
    }
    for o in objects {
        let b = delta_bin(o.peak_delta_k);
        acc.objects[b][1] += 1;
        if hit.contains(&o.id) {
            acc.objects[b][0] += 1;
        }
    }
    let (_, components) = label_components(flagged);
    acc.false_zones = components
        .iter()
        .filter(|px| px.iter().all(|&(r, c)| truth[[r, c]] == 0))
        .count();
    acc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_by_hand() {
        let mut truth = Array2::<u32>::zeros((6, 6));
        truth[[1, 1]] = 1; // 2 K object, missed
        truth[[4, 4]] = 2; // 8 K object, hit
        truth[[4, 5]] = 2;
        let mut flagged = Array2::from_elem((6, 6), false);
        flagged[[4, 4]] = true;
        flagged[[0, 5]] = true; // false zone 1
        flagged[[2, 3]] = true; // false zone 2 ...
        flagged[[3, 2]] = true; // ... diagonal neighbour: same zone
        let valid = Array2::from_elem((6, 6), true);
        let objects = [
            TruthObject {
                id: 1,
                peak_delta_k: 2.0,
            },
            TruthObject {
                id: 2,
                peak_delta_k: 8.0,
            },
        ];
        let a = evaluate(&flagged, &truth, &objects, &valid);
        assert_eq!(a.objects, [[0, 1], [0, 0], [1, 1]]);
        assert_eq!(a.false_zones, 2);
        assert_eq!(a.flagged_pixels, 4);
        assert_eq!(a.true_pixels, 1);
        assert_eq!(a.pixel_precision(), 0.25);
        assert!((a.false_zones_per_mpx() - 2e6 / 36.0).abs() < 1e-9);
        assert_eq!(delta_bin(2.99), 0);
        assert_eq!(delta_bin(3.0), 1);
        assert_eq!(delta_bin(6.0), 2);
    }
}

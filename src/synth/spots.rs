//! Small warm and cold spots of the background: roofs, car parks, pools, irrigated fields,
//! industrial sites, farmyards. They are what real thermal backgrounds have and smooth fractal
//! terrain has not: on real night and day LST (ECOSTRESS over Los Angeles, 70 m) the contextual
//! pixel test finds 900–3 900 evidence zones per Mpx, peaking 1–5 K above their background with
//! an exponential upper tail (docs/synth.md, *Realism*). Without them a generated background
//! gives no false zone at all and flatters every detector.
//!
//! Each cell of `CELL_PX x CELL_PX` pixels holds at most one spot (with the preset's
//! probability), a Gaussian of radius `σ` (0.5–1.5 px) at a random position in the cell, with an
//! amplitude `sign · (a0 + Exp(scale))` K. A pixel's value depends only on the seed and the
//! cells around it, so rows can be computed in any order on any thread.

use super::Preset;
use super::rng::{hash3, unit_f64};

/// Side of the cells that hold at most one spot, px.
const CELL_PX: usize = 8;
/// Cells searched around a pixel's own (spots are at most 1.5 px wide: 3σ < one cell).
const REACH: i64 = 1;

/// The spot population of a preset.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct SpotModel {
    /// Spots per million pixels.
    pub per_mpx: f64,
    /// Fraction that are warmer than their surroundings.
    pub warm_fraction: f64,
    /// Smallest amplitude, K.
    pub min_k: f64,
    /// Exponential scale of the amplitude above `min_k`, K.
    pub scale_k: f64,
    /// Fraction of warm spots that are industrial heat (plants, refineries, flares), with a
    /// longer tail ...
    pub industrial_fraction: f64,
    /// ... of this exponential scale above `min_k`, K.
    pub industrial_scale_k: f64,
}

impl SpotModel {
    /// Measured on real passes (docs/synth.md): night spots are mostly warm (roofs and paved
    /// ground keep the day's heat), with a light tail; day spots are warm and cold (irrigated
    /// fields, shade) with a tail twice as long.
    pub fn of(preset: Preset) -> Self {
        match preset {
            Preset::Night => Self {
                per_mpx: 3000.0,
                warm_fraction: 0.85,
                min_k: 1.0,
                scale_k: 0.35,
                industrial_fraction: 0.004,
                industrial_scale_k: 2.0,
            },
            Preset::Day => Self {
                per_mpx: 4000.0,
                warm_fraction: 0.65,
                min_k: 0.8,
                scale_k: 0.8,
                industrial_fraction: 0.0,
                industrial_scale_k: 0.0,
            },
        }
    }
}

/// A realised spot field.
#[derive(Debug, Clone, Copy)]
pub struct Spots {
    seed: u64,
    model: SpotModel,
}

impl Spots {
    pub fn new(seed: u64, model: SpotModel) -> Self {
        Self { seed, model }
    }

    /// The spot of cell `(cr, cc)`: centre (row, col), σ (px) and amplitude (K).
    fn spot(&self, cr: i64, cc: i64) -> Option<(f64, f64, f64, f64)> {
        if cr < 0 || cc < 0 {
            return None;
        }
        let h = |k: u64| unit_f64(hash3(self.seed, cr as u64, cc as u64, k));
        let p = self.model.per_mpx * (CELL_PX * CELL_PX) as f64 / 1e6;
        if h(0) >= p {
            return None;
        }
        let row = (cr as f64 + h(1)) * CELL_PX as f64;
        let col = (cc as f64 + h(2)) * CELL_PX as f64;
        let sigma = 0.5 + h(3);
        let warm = h(5) < self.model.warm_fraction;
        let industrial = warm && h(6) < self.model.industrial_fraction;
        let scale = if industrial {
            self.model.industrial_scale_k
        } else {
            self.model.scale_k
        };
        let amp = self.model.min_k - scale * (1.0 - h(4)).ln();
        let sign = if warm { 1.0 } else { -1.0 };
        Some((row, col, sigma, sign * amp))
    }

    /// Adds the spots to one row of temperatures.
    pub fn add_row(&self, r: usize, out: &mut [f32]) {
        let (y, cr) = (r as f64 + 0.5, (r / CELL_PX) as i64);
        for (c, v) in out.iter_mut().enumerate() {
            let (x, cc) = (c as f64 + 0.5, (c / CELL_PX) as i64);
            let mut add = 0.0;
            for dr in -REACH..=REACH {
                for dc in -REACH..=REACH {
                    if let Some((sr, sc, s, a)) = self.spot(cr + dr, cc + dc) {
                        let d2 = (y - sr).powi(2) + (x - sc).powi(2);
                        if d2 < 9.0 * s * s {
                            add += a * (-0.5 * d2 / (s * s)).exp();
                        }
                    }
                }
            }
            *v += add as f32;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn density_sign_and_amplitudes_follow_the_model() {
        let model = SpotModel::of(Preset::Day);
        let spots = Spots::new(7, model);
        let (mut n, mut warm, mut sum) = (0usize, 0usize, 0f64);
        let cells = 250i64; // 2000 x 2000 px = 4 Mpx (the day model has no industrial tail)
        for cr in 0..cells {
            for cc in 0..cells {
                if let Some((_, _, s, a)) = spots.spot(cr, cc) {
                    n += 1;
                    warm += usize::from(a > 0.0);
                    sum += a.abs() - model.min_k;
                    assert!((0.5..=1.5).contains(&s));
                }
            }
        }
        let per_mpx = n as f64 / 4.0;
        assert!(
            (per_mpx - model.per_mpx).abs() < 0.05 * model.per_mpx,
            "{per_mpx}"
        );
        let wf = warm as f64 / n as f64;
        assert!((wf - model.warm_fraction).abs() < 0.03, "{wf}");
        let mean_excess = sum / n as f64;
        assert!((mean_excess - model.scale_k).abs() < 0.05, "{mean_excess}");
    }

    #[test]
    fn rows_are_the_same_whatever_the_order() {
        let spots = Spots::new(3, SpotModel::of(Preset::Day));
        let mut a = vec![0f32; 100];
        let mut b = vec![0f32; 100];
        spots.add_row(17, &mut a);
        spots.add_row(3, &mut vec![0f32; 100]);
        spots.add_row(17, &mut b);
        assert_eq!(a, b);
        assert!(a.iter().any(|&v| v != 0.0));
    }
}

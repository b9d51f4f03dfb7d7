//! False-alarm budget: which zones of thermal evidence become fire zones, decided from the
//! scene's own distribution of zone excess temperatures (a CFAR-style threshold).
//!
//! The pixel test of a thermal method (`contextual`, `multiscale`) gives *evidence*: pixels
//! warmer than their local background by `z ≥ k` and `ΔT ≥ min_delta_k`. On real backgrounds
//! most of that evidence is the background's own texture (streets, roofs, warm water edges,
//! sunlit slopes): thousands of zones per Mpx on a 70 m night LST of a city. This step groups
//! the evidence into 8-connected zones and keeps as fire zones only those whose peak ΔT the
//! background texture of *this scene* is not expected to reach more often than
//! `false_zones_per_mpx` times per million valid pixels:
//!
//! 1. `m_i` = peak `T − bg_mean` of evidence zone `i` (K).
//! 2. Peaks-over-threshold tail fit (Pickands 1975; Davison & Smith 1990): `u` = the
//!    `tail_quantile` quantile of the peaks (but at least `min_tail_zones` zones above it); the
//!    excesses of the `n_u` zones above `u` are modelled as exponential, with the scale taken
//!    robustly from their lower quartile, `q25(excess) / ln(4/3)`, so that a minority of large
//!    excesses barely moves it.
//! 3. Expected background zones with a peak above `x`: `n_u · exp(−(x − u)/scale)`; the
//!    threshold is the `x` where that equals the budget (`false_zones_per_mpx × valid Mpx`).
//! 4. Which peaks the tail is fitted on. Real fires are evidence too, and a burning coal field
//!    can hold a hundred fire zones per Mpx: a fit on them would raise the threshold until it
//!    hides them. So the **hot** evidence zones are the background sample only when the scene is
//!    *rough*: at least `rough_zones_per_mpx` evidence zones per Mpx, far more than fires make,
//!    so that fires are a minority of the tail (and the lower-quartile scale ignores them).
//!    Otherwise the sample is the **cold** evidence: the same pixel test run on `−T`
//!    (anomalously cold pixels, the mirror image of the background texture, which fires do not
//!    reach: the "negative image" false-detection estimate of astronomical source extraction).
//!    Night texture is skewed warm (roofs, streets, warm water), so the cold tail is used only
//!    where the hot one cannot be trusted. With too few zones to fit either, the threshold is
//!    `min_zone_delta_k`. The threshold is clamped to `[min_zone_delta_k, max_zone_delta_k]`:
//!    `delta_nominal_k`; `delta_high_k` is the same for a budget ten times smaller.
//! 5. A zone with peak `≥ delta_nominal_k` is a fire zone: all its pixels become *nominal*
//!    (*high* at `≥ delta_high_k`). Other evidence stays *low*: written to the anomaly layer and
//!    the hotspots with `confidence = low`, never a fire zone, map sheet or report line.
//!
//! The step is a pure function of the evidence of the whole scene (a few numbers per zone), so it
//! runs after the per-block pixel tests and after zones are assembled across block borders.

use ndarray::Array2;
use serde::{Deserialize, Serialize};

use super::{Flagged, Method, confidence};

/// Parameters of the false-alarm budget (TOML `[detect.budget]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BudgetParams {
    /// Apply the budget (off: every evidence zone is a fire zone, confidence from z as before).
    pub enabled: bool,
    /// Expected background (false) fire zones per million valid pixels at nominal confidence.
    pub false_zones_per_mpx: f64,
    /// Quantile of the zone peaks above which the tail is fitted.
    pub tail_quantile: f64,
    /// At least this many zones above the tail threshold.
    pub min_tail_zones: usize,
    /// The hot evidence is used as a background sample only with at least this many evidence
    /// zones per Mpx (fires alone do not make that many).
    pub rough_zones_per_mpx: f64,
    /// The threshold never goes below this peak `ΔT` (K).
    pub min_zone_delta_k: f64,
    /// Nor above this one (K): anomalies this strong are reported whatever the background.
    pub max_zone_delta_k: f64,
}

impl Default for BudgetParams {
    /// Chosen on real night and day backgrounds (`docs/accuracy.md`).
    fn default() -> Self {
        Self {
            enabled: true,
            false_zones_per_mpx: 1.0,
            tail_quantile: 0.8,
            min_tail_zones: 5,
            rough_zones_per_mpx: 300.0,
            min_zone_delta_k: 2.0,
            max_zone_delta_k: 5.0,
        }
    }
}

/// An exponential fit of the upper tail of zone peaks.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TailFit {
    /// Tail threshold `u`, K.
    pub u_k: f64,
    /// Zones above `u`.
    pub n_u: usize,
    /// Exponential scale of the excesses, K.
    pub scale_k: f64,
}

impl TailFit {
    /// The peak `x` above which `expected_zones` background zones are expected.
    pub fn threshold_k(&self, expected_zones: f64) -> f64 {
        let n = self.n_u as f64;
        if expected_zones >= n {
            return self.u_k;
        }
        self.u_k + self.scale_k * (n / expected_zones.max(1e-9)).ln()
    }
}

/// Fits the tail of `peaks` (any order); `None` with fewer than `min_tail + 1` values.
pub fn fit_tail(peaks: &[f64], quantile: f64, min_tail: usize) -> Option<TailFit> {
    let mut v: Vec<f64> = peaks.iter().copied().filter(|x| x.is_finite()).collect();
    if v.len() < min_tail.max(1) + 1 {
        return None;
    }
    v.sort_by(|a, b| b.total_cmp(a));
    let n_u = (((1.0 - quantile).max(0.0) * v.len() as f64).ceil() as usize)
        .max(min_tail.max(1))
        .min(v.len() - 1);
    let u = v[n_u];
    let mut excess: Vec<f64> = v[..n_u].iter().map(|x| x - u).collect();
    excess.sort_by(f64::total_cmp);
    // Lower quartile by linear interpolation between order statistics.
    let pos = 0.25 * (n_u - 1) as f64;
    let (lo, frac) = (pos.floor() as usize, pos.fract());
    let q25 = excess[lo] + frac * (excess[(lo + 1).min(n_u - 1)] - excess[lo]);
    Some(TailFit {
        u_k: u,
        n_u,
        scale_k: (q25 / (4.0f64 / 3.0).ln()).max(1e-3),
    })
}

/// What the budget decided, for `detection.json`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BudgetOutcome {
    /// Evidence zones (before the budget).
    pub evidence_zones: usize,
    /// Zones kept as fire zones.
    pub fire_zones: usize,
    /// Peak ΔT threshold of nominal confidence, K.
    pub delta_nominal_k: f64,
    /// Peak ΔT threshold of high confidence, K.
    pub delta_high_k: f64,
    /// Cold (mirror-image) evidence zones; `None` when the scene was rough enough for the hot
    /// fit, so that the cold pixel test was not run.
    pub cold_zones: Option<usize>,
    /// The fit on the hot evidence, when the scene was rough enough to use it.
    pub hot_fit: Option<TailFit>,
    /// The fit on the cold evidence, when the hot one was not used and there was enough.
    pub cold_fit: Option<TailFit>,
    /// Budget used, zones per Mpx.
    pub false_zones_per_mpx: f64,
}

/// The fit on the hot evidence when the scene is rough enough to use it (step 4).
fn hot_tail(peaks: &[f64], valid_px: usize, p: &BudgetParams) -> Option<TailFit> {
    let mpx = valid_px as f64 / 1e6;
    let rough = peaks.len() as f64 >= p.rough_zones_per_mpx * mpx;
    rough
        .then(|| fit_tail(peaks, p.tail_quantile, p.min_tail_zones))
        .flatten()
}

/// True when the budget of a scene with these hot zone peaks needs the cold (mirror-image)
/// sample: the scene is not rough enough for a fit on its own evidence. On rough scenes (real
/// backgrounds, by day and by night) the cold pixel test is skipped: it would not be used.
pub fn needs_cold_sample(peaks: &[f64], valid_px: usize, p: &BudgetParams) -> bool {
    p.enabled && hot_tail(peaks, valid_px, p).is_none()
}

/// Thresholds for a scene with these hot zone peaks, `valid_px` valid pixels, and the cold
/// zone peaks when [`needs_cold_sample`] (`None` otherwise).
pub fn thresholds(
    peaks: &[f64],
    cold_peaks: Option<&[f64]>,
    valid_px: usize,
    p: &BudgetParams,
) -> BudgetOutcome {
    let mpx = valid_px as f64 / 1e6;
    let budget = p.false_zones_per_mpx.max(0.0) * mpx;
    let hot_fit = hot_tail(peaks, valid_px, p);
    let cold_fit = match (hot_fit, cold_peaks) {
        (None, Some(c)) => fit_tail(c, p.tail_quantile, p.min_tail_zones),
        _ => None,
    };
    let ceiling = p.max_zone_delta_k.max(p.min_zone_delta_k);
    let at = |b: f64| {
        hot_fit
            .or(cold_fit)
            .map_or(p.min_zone_delta_k, |f| f.threshold_k(b))
            .clamp(p.min_zone_delta_k, ceiling)
    };
    let nominal = at(budget);
    let high = if hot_fit.is_none() && cold_fit.is_none() {
        (2.0 * p.min_zone_delta_k).min(ceiling)
    } else {
        at(budget / 10.0)
    };
    BudgetOutcome {
        evidence_zones: peaks.len(),
        fire_zones: peaks.iter().filter(|&&m| m >= nominal).count(),
        delta_nominal_k: nominal,
        delta_high_k: high.max(nominal),
        cold_zones: cold_peaks.map(<[f64]>::len),
        hot_fit,
        cold_fit,
        false_zones_per_mpx: p.false_zones_per_mpx,
    }
}

/// Peak `delta()` of each 8-connected zone of thermal `flagged` pixels, with the zones' pixels
/// (indices into `flagged`), zones ordered by their first pixel in row-major order. Memory is
/// proportional to the flagged pixels (`sparse_zones`), never a whole-raster array, so the
/// whole-raster and the streamed detection share it.
pub fn zone_peaks(flagged: &[Flagged]) -> (Vec<f64>, Vec<Vec<usize>>) {
    let thermal: Vec<usize> = (0..flagged.len())
        .filter(|&i| flagged[i].method != Method::Swir)
        .collect();
    let positions: Vec<(usize, usize)> = thermal
        .iter()
        .map(|&i| (flagged[i].row, flagged[i].col))
        .collect();
    let members: Vec<Vec<usize>> = super::sparse_zones::components(&positions)
        .into_iter()
        .map(|m| m.into_iter().map(|k| thermal[k]).collect())
        .collect();
    let peaks = members
        .iter()
        .map(|m| {
            m.iter()
                .map(|&i| f64::from(flagged[i].delta()))
                .fold(f64::NEG_INFINITY, f64::max)
        })
        .collect();
    (peaks, members)
}

/// Applies the budget to the evidence of one thermal method: sets the confidence of every
/// flagged pixel to that of its zone (low, nominal or high) and updates `classes`.
/// `cold_peaks`: runs the same method on `−T` and returns its zone peaks (see [`zone_peaks`]);
/// called only when [`needs_cold_sample`].
pub fn apply(
    flagged: &mut [Flagged],
    classes: &mut Array2<u8>,
    cold_peaks: impl FnOnce() -> Vec<f64>,
    valid_px: usize,
    p: &BudgetParams,
) -> Option<BudgetOutcome> {
    // `cold_peaks` cannot fail here, so neither can `apply_to_flagged`.
    let out = apply_to_flagged(flagged, || Ok(cold_peaks()), valid_px, p).ok()??;
    for f in flagged.iter().filter(|f| f.method != Method::Swir) {
        classes[[f.row, f.col]] = f.confidence;
    }
    Some(out)
}

/// [`apply`] without a class raster, for streamed detection: the classes are written later
/// from the flagged pixels' confidences.
pub fn apply_to_flagged(
    flagged: &mut [Flagged],
    cold_peaks: impl FnOnce() -> crate::error::Result<Vec<f64>>,
    valid_px: usize,
    p: &BudgetParams,
) -> crate::error::Result<Option<BudgetOutcome>> {
    if !p.enabled {
        return Ok(None);
    }
    let (peaks, members) = zone_peaks(flagged);
    let cold = if needs_cold_sample(&peaks, valid_px, p) {
        Some(cold_peaks()?)
    } else {
        None
    };
    let out = thresholds(&peaks, cold.as_deref(), valid_px, p);
    tracing::debug!("false-alarm budget: {out:?}");
    for (m, &peak) in members.iter().zip(&peaks) {
        let conf = if peak >= out.delta_high_k {
            confidence::HIGH
        } else if peak >= out.delta_nominal_k {
            confidence::NOMINAL
        } else {
            confidence::LOW
        };
        for &i in m {
            flagged[i].confidence = conf;
        }
    }
    Ok(Some(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exponential_tail_gives_the_budget_threshold() {
        // Peaks 1 + Exp(scale 0.5) by inverse CDF at evenly spaced probabilities: 10 000 zones.
        let peaks: Vec<f64> = (0..10_000)
            .map(|i| 1.0 - 0.5 * (1.0 - (i as f64 + 0.5) / 10_000.0).ln())
            .collect();
        let fit = fit_tail(&peaks, 0.9, 5).unwrap();
        assert_eq!(fit.n_u, 1000);
        assert!(
            fit_tail(&peaks[..5], 0.9, 5).is_none(),
            "5 zones: no tail above 5"
        );
        // Memorylessness: the excesses above u are Exp(0.5) again.
        assert!((fit.scale_k - 0.5).abs() < 0.01, "{fit:?}");
        // Expected count above x is 10 000·exp(−(x − 1)/0.5); 1 zone at x = 1 + 0.5·ln 10 000.
        let x = fit.threshold_k(1.0);
        assert!((x - (1.0 + 0.5 * 10_000f64.ln())).abs() < 0.05, "{x}");
        let above = peaks.iter().filter(|&&m| m >= x).count();
        assert!(above <= 2, "{above}");
    }

    #[test]
    fn a_few_real_fires_do_not_move_the_threshold_much() {
        let mut peaks: Vec<f64> = (0..2000)
            .map(|i| 1.0 - 0.3 * (1.0 - (i as f64 + 0.5) / 2000.0).ln())
            .collect();
        let clean = fit_tail(&peaks, 0.9, 5).unwrap().threshold_k(1.0);
        peaks.extend([15.0, 22.0, 9.0, 30.0, 12.0, 8.0, 40.0, 11.0, 6.0, 25.0]);
        let with_fires = fit_tail(&peaks, 0.9, 5).unwrap().threshold_k(1.0);
        assert!((with_fires - clean).abs() < 0.15, "{clean} {with_fires}");
    }

    #[test]
    fn thresholds_are_clamped_and_smooth_scenes_use_the_floor() {
        let p = BudgetParams::default();
        let none = thresholds(&[1.2, 3.0], Some(&[]), 1_000_000, &p);
        assert!(none.hot_fit.is_none() && none.cold_fit.is_none());
        assert_eq!(none.delta_nominal_k, p.min_zone_delta_k);
        assert_eq!(none.fire_zones, 1);
        // A very rough background: the threshold would be far above the ceiling.
        let rough: Vec<f64> = (0..5000).map(|i| 1.0 + (i % 100) as f64 * 0.2).collect();
        let out = thresholds(&rough, None, 1_000_000, &p);
        assert!(out.hot_fit.is_some() && out.cold_fit.is_none());
        assert_eq!(out.delta_nominal_k, p.max_zone_delta_k);
        // Sparse hot evidence (not rough): the cold mirror image is the background sample.
        let cold: Vec<f64> = (0..1000)
            .map(|i| 1.0 - 0.4 * (1.0 - (i as f64 + 0.5) / 1000.0).ln())
            .collect();
        let out = thresholds(&[3.0, 4.0, 9.0], Some(&cold), 1_000_000, &p);
        assert!(out.hot_fit.is_none());
        let fit = out.cold_fit.unwrap();
        assert!((fit.scale_k - 0.4).abs() < 0.03, "{fit:?}");
        // 1000·exp(−(x − 1)/0.4) = 1 at x = 1 + 0.4·ln 1000 = 3.76 K.
        assert!((out.delta_nominal_k - 3.76).abs() < 0.1, "{out:?}");
        assert_eq!(out.fire_zones, 2);
    }

    #[test]
    fn the_cold_sample_is_computed_only_when_the_hot_one_cannot_be_fitted() {
        let p = BudgetParams::default();
        // 400 zones on 1 Mpx: rough (>= 300 per Mpx), the hot fit is used.
        let rough: Vec<f64> = (0..400).map(|i| 1.0 + (i % 40) as f64 * 0.05).collect();
        assert!(!needs_cold_sample(&rough, 1_000_000, &p));
        // The same 400 zones on 2 Mpx (200 per Mpx): not rough.
        assert!(needs_cold_sample(&rough, 2_000_000, &p));
        // Rough, but too few zones to fit (5 zones on 0.01 Mpx): the cold sample is needed.
        assert!(needs_cold_sample(&rough[..5], 10_000, &p));
        let off = BudgetParams {
            enabled: false,
            ..p.clone()
        };
        assert!(!needs_cold_sample(&rough[..5], 10_000, &off));

        // `apply` asks for the cold peaks on the smooth scene only.
        let f = |row, col| Flagged {
            row,
            col,
            value: 302.0,
            bg_mean: 300.0,
            bg_std: 0.3,
            z: 6.0,
            window_px: 11,
            n_background: 100,
            confidence: confidence::HIGH,
            method: Method::Contextual,
        };
        // 6 one-pixel zones (every other column) on a 1 x 12 grid.
        let mut flagged: Vec<Flagged> = (0..6).map(|i| f(0, 2 * i)).collect();
        let mut classes = Array2::from_elem((1, 12), confidence::NONE);
        let called = std::cell::Cell::new(false);
        let cold = || {
            called.set(true);
            Vec::new()
        };
        // 6 zones on 12 px = 500 000 per Mpx: rough, the hot fit is used.
        let out = apply(&mut flagged, &mut classes, cold, 12, &p).unwrap();
        assert!(!called.get() && out.hot_fit.is_some() && out.cold_zones.is_none());
        // The same zones on 1 Mpx of valid pixels: smooth, the cold sample is asked for.
        let out = apply(&mut flagged, &mut classes, cold, 1_000_000, &p).unwrap();
        assert!(called.get() && out.hot_fit.is_none());
        assert_eq!(out.cold_zones, Some(0));
    }

    #[test]
    fn fires_in_a_smooth_scene_do_not_raise_the_threshold() {
        // 60 fire zones per Mpx with peaks 2.5–25 K and almost no background evidence: the hot
        // sample is not used (not rough), the cold one is too small: the floor applies.
        let p = BudgetParams::default();
        let fires: Vec<f64> = (0..60).map(|i| 2.5 + i as f64 * 0.38).collect();
        let out = thresholds(&fires, Some(&[1.1, 1.3, 1.0]), 1_000_000, &p);
        assert!(out.hot_fit.is_none());
        assert_eq!(out.delta_nominal_k, p.min_zone_delta_k);
        assert_eq!(out.fire_zones, 60);
    }

    #[test]
    fn zones_take_the_confidence_of_their_peak() {
        let f = |row, col, value: f32| Flagged {
            row,
            col,
            value,
            bg_mean: 300.0,
            bg_std: 0.3,
            z: 9.0,
            window_px: 11,
            n_background: 100,
            confidence: confidence::HIGH,
            method: Method::Contextual,
        };
        // Zone A: two pixels, peak 6 K; zone B: one pixel at 1.5 K.
        let mut flagged = vec![f(1, 1, 306.0), f(2, 2, 302.0), f(5, 5, 301.5)];
        let mut classes = Array2::from_elem((8, 8), confidence::NONE);
        let p = BudgetParams::default(); // two zones: no fit, thresholds 2 K and 4 K
        let out = apply(&mut flagged, &mut classes, Vec::new, 64, &p).unwrap();
        assert_eq!(out.evidence_zones, 2);
        assert_eq!(out.fire_zones, 1);
        assert_eq!((out.delta_nominal_k, out.delta_high_k), (2.0, 4.0));
        assert_eq!(flagged[0].confidence, confidence::HIGH);
        assert_eq!(
            flagged[1].confidence,
            confidence::HIGH,
            "whole zone, not the pixel"
        );
        assert_eq!(flagged[2].confidence, confidence::LOW);
        assert_eq!(classes[[5, 5]], confidence::LOW);
    }
}

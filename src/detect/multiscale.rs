//! `multiscale`: votes of a background test over several spatial scales, in the spirit of the
//! multi-window approach of Kuenzer et al. 2007 (IJRS 28:4561), built as a matched filter.
//!
//! Subsurface coal fires heat patches and strips of several pixels by a few kelvin; a per-pixel
//! z test sees each pixel's own noise. At scale `b` (an odd box side) the test compares the
//! `b x b` box mean `S_b(x)` with the distribution of the same box means over a background
//! window around `x` (the window minus a guard box of side `b + 2·guard_px`), so noise is
//! averaged over the anomaly's extent and the background spread is measured at the same scale:
//!
//! `z_b(x) = (S_b(x) − mean_bg(S_b)) / max(std_bg(S_b), std_floor_k)`.
//!
//! A scale votes for `x` when `z_b ≥ k` and `S_b(x) − mean_bg ≥ min_delta_k`. A pixel is flagged
//! when at least `min_votes` scales vote and its own temperature exceeds the background mean
//! of the voting scale by `pixel_delta_k` (so the box does not flag cool pixels next to an
//! anomaly). The test runs `passes` times; each pass removes the previous pass's flagged pixels
//! and the scene-level hot pixels (`median + scene_k·1.4826·MAD`) from every background. The
//! background window grows from `window_m` to `max_window_m` until it holds
//! `max(min_valid_count, min_valid_fraction·w²)` background pixels.
//!
//! NaN and invalid pixels are never tested nor background; windows are clipped at the edges;
//! temperatures are not capped.

use ndarray::{Array2, Zip};
use serde::{Deserialize, Serialize};

use super::contextual::window_sizes;
use super::params::{confidence_from_z, window_px};
use super::robust::median_mad;
use super::window::SummedArea;
use super::{Detection, DetectionStats, Flagged, Method, initial_classes};

/// Parameters of [`detect_multiscale`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MultiscaleParams {
    /// Box sides in metres (odd pixel counts, at least 1: 30, 90, 150 m → 1, 3, 5 px at 30 m).
    pub scales_m: Vec<f64>,
    /// Smallest and largest background window (metres).
    pub window_m: f64,
    pub max_window_m: f64,
    pub window_step_px: usize,
    /// Guard ring around the box, in pixels.
    pub guard_px: usize,
    pub min_valid_fraction: f64,
    pub min_valid_count: u32,
    pub k: f64,
    pub min_delta_k: f64,
    pub pixel_delta_k: f64,
    pub std_floor_k: f64,
    pub min_votes: usize,
    pub passes: u32,
    pub scene_k: f64,
    pub nominal_z: f64,
    pub high_z: f64,
}

impl Default for MultiscaleParams {
    fn default() -> Self {
        Self {
            scales_m: vec![30.0, 90.0, 150.0],
            window_m: 930.0,
            max_window_m: 3030.0,
            window_step_px: 10,
            guard_px: 1,
            min_valid_fraction: 0.25,
            min_valid_count: 8,
            k: 4.0,
            min_delta_k: 1.0,
            pixel_delta_k: 1.0,
            std_floor_k: 0.1,
            min_votes: 1,
            passes: 2,
            scene_k: 4.0,
            nominal_z: 6.0,
            high_z: 9.0,
        }
    }
}

/// Box side in pixels for a scale in metres (odd, at least 1).
fn box_px(scale_m: f64, pixel_m: f64) -> usize {
    2 * (scale_m / (2.0 * pixel_m)).floor().max(0.0) as usize + 1
}

/// Best vote of one pixel: (z, bg mean, bg std, window, background count).
type Vote = (f64, f64, f64, usize, u32);

/// Runs the multiscale test on temperatures `t` (K) with validity `valid` on a `pixel_m` grid.
pub fn detect_multiscale(
    t: &Array2<f32>,
    valid: &Array2<bool>,
    pixel_m: f64,
    p: &MultiscaleParams,
) -> Detection {
    let ok = Zip::from(t)
        .and(valid)
        .map_collect(|v, &m| m && !v.is_nan());
    let mut hot = Array2::from_elem(t.dim(), false);
    if let Some((med, mad)) = median_mad(t, &ok) {
        let th = med + p.scene_k * 1.4826 * mad;
        Zip::from(&mut hot)
            .and(t)
            .and(&ok)
            .for_each(|h, &v, &o| *h = o && f64::from(v) > th);
    }
    let all = SummedArea::new(t, |r, c| ok[[r, c]]);
    let sizes = window_sizes(
        window_px(p.window_m, pixel_m),
        window_px(p.max_window_m, pixel_m),
        p.window_step_px,
    );
    let boxes: Vec<usize> = p.scales_m.iter().map(|&s| box_px(s, pixel_m)).collect();
    let smoothed: Vec<Array2<f32>> = boxes.iter().map(|&b| box_mean(&all, &ok, b)).collect();

    let mut flagged_mask = Array2::from_elem(t.dim(), false);
    let mut best: Array2<Option<Vote>> = Array2::from_elem(t.dim(), None);
    let mut unresolved = 0;
    for _ in 0..p.passes.max(1) {
        let exclude = Zip::from(&hot)
            .and(&flagged_mask)
            .map_collect(|&h, &f| h || f);
        let mut votes = Array2::<usize>::zeros(t.dim());
        let mut vote_best: Array2<Option<Vote>> = Array2::from_elem(t.dim(), None);
        let mut resolved_any = Array2::from_elem(t.dim(), false);
        for (&b, s) in boxes.iter().zip(&smoothed) {
            let sat = SummedArea::new(s, |r, c| ok[[r, c]] && !exclude[[r, c]]);
            let hole = b + 2 * p.guard_px;
            Zip::indexed(&mut votes)
                .and(&mut vote_best)
                .and(&mut resolved_any)
                .par_for_each(|(r, c), n, vb, res| {
                    if !ok[[r, c]] {
                        return;
                    }
                    let sv = f64::from(s[[r, c]]);
                    for &w in sizes.iter().filter(|&&w| w > hole) {
                        let need = (p.min_valid_fraction * (w * w) as f64)
                            .ceil()
                            .max(f64::from(p.min_valid_count));
                        let Some(st) = sat.centred(r, c, w, hole) else {
                            continue;
                        };
                        if f64::from(st.count) < need {
                            continue;
                        }
                        *res = true;
                        let delta = sv - st.mean;
                        let z = delta / st.std.max(p.std_floor_k);
                        let own = f64::from(t[[r, c]]) - st.mean;
                        if z >= p.k && delta >= p.min_delta_k && own >= p.pixel_delta_k {
                            *n += 1;
                            if vb.is_none_or(|v| z > v.0) {
                                *vb = Some((z, st.mean, st.std, w, st.count));
                            }
                        }
                        break;
                    }
                });
        }
        unresolved = Zip::from(&resolved_any)
            .and(&ok)
            .fold(0, |acc, &r, &o| acc + usize::from(o && !r));
        flagged_mask = votes.mapv(|n| n >= p.min_votes.max(1));
        best = vote_best;
    }
    assemble(t, &ok, &flagged_mask, &best, unresolved, p)
}

/// Mean of valid pixels in the `b x b` box around each valid pixel (NaN elsewhere).
fn box_mean(all: &SummedArea, ok: &Array2<bool>, b: usize) -> Array2<f32> {
    let mut out = Array2::from_elem(ok.dim(), f32::NAN);
    Zip::indexed(&mut out).par_for_each(|(r, c), o| {
        if ok[[r, c]]
            && let Some(s) = all.centred(r, c, b, 0)
        {
            *o = s.mean as f32;
        }
    });
    out
}

fn assemble(
    t: &Array2<f32>,
    ok: &Array2<bool>,
    flagged_mask: &Array2<bool>,
    best: &Array2<Option<Vote>>,
    unresolved: usize,
    p: &MultiscaleParams,
) -> Detection {
    let mut classes = initial_classes(t, ok);
    let mut flagged = Vec::new();
    for ((r, c), &f) in flagged_mask.indexed_iter() {
        let (true, Some((z, mean, std, w, n))) = (f, best[[r, c]]) else {
            continue;
        };
        let conf = confidence_from_z(z, p.nominal_z, p.high_z);
        classes[[r, c]] = conf;
        flagged.push(Flagged {
            row: r,
            col: c,
            value: t[[r, c]],
            bg_mean: mean as f32,
            bg_std: std as f32,
            z: z as f32,
            window_px: w as u32,
            n_background: n,
            confidence: conf,
            method: Method::Multiscale,
        });
    }
    let valid = ok.iter().filter(|o| **o).count();
    let stats = DetectionStats {
        valid,
        candidates: flagged.len(),
        flagged: flagged.len(),
        unresolved,
    };
    Detection {
        method: Method::Multiscale,
        classes,
        flagged,
        stats,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn noisy(rows: usize, cols: usize, amp: f32) -> Array2<f32> {
        // Deterministic pseudo-noise in [-amp, amp].
        Array2::from_shape_fn((rows, cols), |(r, c)| {
            let h = (r as u64 * 73_856_093) ^ (c as u64 * 19_349_663);
            let u = (h.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40) as f32 / (1u64 << 24) as f32;
            290.0 + amp * (2.0 * u - 1.0)
        })
    }

    #[test]
    fn a_faint_blob_beats_the_noise_at_a_larger_scale() {
        let mut t = noisy(120, 120, 0.5);
        // 5x5 blob, +1.5 K: invisible to a per-pixel 3-sigma test of 0.5 K noise.
        for r in 58..63 {
            for c in 58..63 {
                t[[r, c]] += 1.5;
            }
        }
        let valid = Array2::from_elem(t.dim(), true);
        let d = detect_multiscale(&t, &valid, 30.0, &MultiscaleParams::default());
        let inside = d
            .flagged
            .iter()
            .filter(|f| (58..63).contains(&f.row) && (58..63).contains(&f.col))
            .count();
        assert!(inside >= 5, "blob pixels flagged: {inside}");
        assert_eq!(
            d.flagged.len(),
            inside,
            "no false pixels: {:?}",
            d.flagged.iter().map(|f| (f.row, f.col)).collect::<Vec<_>>()
        );
    }

    #[test]
    fn wide_hot_area_is_flagged_whole() {
        let mut t = noisy(200, 200, 0.3);
        for r in 80..120 {
            for c in 80..120 {
                t[[r, c]] += 30.0;
            }
        }
        let valid = Array2::from_elem(t.dim(), true);
        let d = detect_multiscale(&t, &valid, 30.0, &MultiscaleParams::default());
        assert_eq!(d.flagged.len(), 1600);
        assert!(
            d.flagged
                .iter()
                .all(|f| (80..120).contains(&f.row) && (80..120).contains(&f.col))
        );
    }
}

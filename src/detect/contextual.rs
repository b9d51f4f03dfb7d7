//! `contextual`: thermal anomalies against a local background (detection.md §1).
//!
//! In the family of the MODIS/VIIRS/Landsat contextual fire tests (Giglio et al. 2003, RSE
//! 87:273; Schroeder et al. 2014, RSE 143:85; Schroeder et al. 2016, RSE 185:210), adapted to
//! the few-kelvin anomalies of subsurface coal fires:
//!
//! 1. Candidates: `T > mean + candidate_k·std` and `T − mean ≥ min_delta_k/2` over the
//!    candidate window (centre included), repeated `candidate_passes` times with each pass's
//!    statistics computed without the previous pass's candidates; plus every pixel above
//!    `median + scene_k·1.4826·MAD` of the scene (hot areas wider than the window).
//! 2. Background per candidate: valid non-candidate pixels of a window grown from
//!    `min_window` by `window_step_px` to `max_window`, minus the guard box, until it holds
//!    `max(min_valid_count, min_valid_fraction·w²)` pixels; none qualifies → unresolved.
//! 3. Flag when `z = (T − bg_mean)/max(bg_std, std_floor_k) ≥ k` and `T − bg_mean ≥ min_delta_k`.
//!
//! # Notes
//! - NaN and `valid == false` pixels are neither tested nor background.
//! - Windows are clipped at the raster edge; the fraction rule uses the full `w²` area.
//! - In passes after the first, a pixel whose window holds no non-candidate pixel keeps its
//!   candidacy from the previous pass.
//! - No temperature is capped.

use ndarray::{Array2, Zip};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::params::{confidence_from_z, window_px};
use super::robust::median_mad;
use super::test_buffers::TestBuffers;
use super::window::WindowStats;
use super::window_direct::DirectSums;
use super::window_exact::{ExactSummedArea as SummedArea, exceeds_mean_by_k_std};
use super::window_running;
use super::{Detection, DetectionStats, Flagged, Method, confidence, initial_classes};

/// Parameters of [`detect_contextual`]; see detection.md §1 for each.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ContextualParams {
    pub candidate_window_m: f64,
    pub candidate_k: f64,
    pub candidate_passes: u32,
    pub scene_k: f64,
    pub min_window_m: f64,
    pub max_window_m: f64,
    pub window_step_px: usize,
    pub guard_px: usize,
    pub min_valid_fraction: f64,
    pub min_valid_count: u32,
    pub k: f64,
    pub min_delta_k: f64,
    pub std_floor_k: f64,
    pub nominal_z: f64,
    pub high_z: f64,
    /// Process in bands of this many rows (plus a halo) to bound memory: each band's
    /// summed-area tables take 20 bytes per pixel. `0` (default): the whole scene at once,
    /// which is faster on a full Landsat scene (`docs/performance.md`). Results are identical.
    pub tile_rows: usize,
}

impl ContextualParams {
    /// The starting values of detection.md §1, kept for comparison with other
    /// implementations (the shipped defaults are tuned, see `docs/accuracy.md`).
    pub fn spec() -> Self {
        Self {
            candidate_window_m: 930.0,
            candidate_k: 2.0,
            candidate_passes: 2,
            scene_k: 4.0,
            min_window_m: 330.0,
            max_window_m: 3030.0,
            window_step_px: 10,
            guard_px: 1,
            min_valid_fraction: 0.25,
            min_valid_count: 8,
            k: 3.0,
            min_delta_k: 2.0,
            std_floor_k: 0.5,
            nominal_z: 4.5,
            high_z: 6.0,
            tile_rows: 0,
        }
    }
}

impl Default for ContextualParams {
    /// The shipped defaults: the spec's structure with `k = 4`, `min_delta_k = 1 K` and
    /// `std_floor_k = 0.2 K`, chosen on planted night-like, day-like and Pensacola scenes
    /// (`docs/accuracy.md`, `seamfire accuracy`).
    fn default() -> Self {
        Self {
            k: 4.0,
            min_delta_k: 1.0,
            std_floor_k: 0.2,
            ..Self::spec()
        }
    }
}

/// Background window sides, in pixels, from `min` growing by `step` up to `max` (always ending
/// at `max`).
pub fn window_sizes(min: usize, max: usize, step: usize) -> Vec<usize> {
    let mut v: Vec<usize> = (min..=max).step_by(step.max(2) & !1).collect();
    if v.last() != Some(&max) && max >= min {
        v.push(max);
    }
    v
}

/// Candidate mask of step 1.
pub fn candidates(
    t: &Array2<f32>,
    valid: &Array2<bool>,
    pixel_m: f64,
    p: &ContextualParams,
) -> Array2<bool> {
    let (q, finite) = window_running::quantize(t);
    let bufs = &mut TestBuffers::default();
    candidates_with(
        t,
        valid,
        (&q, &finite),
        pixel_m,
        p,
        median_mad(t, valid),
        bufs,
    )
}

/// Step 1 with the scene's `(median, MAD)`. Every pixel is tested against its own window, so
/// the window sums slide over the raster ([`window_running`]) instead of going through
/// summed-area tables; the statistics are the tables' bit for bit.
/// `(q, finite)`: `t` quantized ([`window_running::quantize`]).
fn candidates_with(
    t: &Array2<f32>,
    valid: &Array2<bool>,
    (q, finite): (&Array2<i64>, &Array2<bool>),
    pixel_m: f64,
    p: &ContextualParams,
    scene: Option<(f64, f64)>,
    bufs: &mut TestBuffers,
) -> Array2<bool> {
    let side = window_px(p.candidate_window_m, pixel_m);
    let ok = |r: usize, c: usize| valid[[r, c]] && !t[[r, c]].is_nan();
    let mut cand = bufs.mask(t.dim(), false);
    for _ in 0..p.candidate_passes.max(1) {
        let prev = bufs.mask_copy(&cand);
        let mut include = bufs.mask(t.dim(), false);
        Zip::from(&mut include)
            .and(finite)
            .and(valid)
            .and(&prev)
            .par_for_each(|i, &f, &v, &p| *i = f && v && !p);
        window_running::window_test(q, &include, side, &mut cand, |r, c, sums| {
            if !ok(r, c) {
                return false;
            }
            // The excess over the mean first: most pixels fail it, and it needs no spread.
            match sums.mean() {
                Some(mean) => {
                    let v = f64::from(t[[r, c]]);
                    v - mean >= p.min_delta_k / 2.0
                        && exceeds_mean_by_k_std(v, mean, sums.variance(), p.candidate_k)
                }
                None => prev[[r, c]],
            }
        });
        bufs.give_mask(include);
        bufs.give_mask(prev);
    }
    if let Some((med, mad)) = scene {
        let threshold = med + p.scene_k * 1.4826 * mad;
        Zip::from(&mut cand)
            .and(t)
            .and(valid)
            .par_for_each(|c, &v, &ok| {
                if ok && f64::from(v) > threshold {
                    *c = true;
                }
            });
    }
    cand
}

/// Runs the contextual test on temperatures `t` (K) with validity `valid` on a grid of
/// `pixel_m` metres.
///
/// ```
/// use ndarray::Array2;
/// use seamfire::detect::contextual::{ContextualParams, detect_contextual};
/// // 41 x 41 pixels at 300 K with a small checkerboard texture and one 310 K pixel.
/// let mut t = Array2::from_shape_fn((41, 41), |(r, c)| 300.0 + 0.2 * ((r + c) % 2) as f32);
/// t[[20, 20]] = 310.0;
/// let valid = Array2::from_elem((41, 41), true);
/// let d = detect_contextual(&t, &valid, 30.0, &ContextualParams::spec());
/// assert_eq!(d.flagged.len(), 1);
/// assert_eq!((d.flagged[0].row, d.flagged[0].col), (20, 20));
/// ```
pub fn detect_contextual(
    t: &Array2<f32>,
    valid: &Array2<bool>,
    pixel_m: f64,
    p: &ContextualParams,
) -> Detection {
    let tile_rows = if p.tile_rows == 0 {
        usize::MAX / 4
    } else {
        p.tile_rows
    };
    detect_contextual_tiled(t, valid, pixel_m, p, tile_rows)
}

/// Every candidate (row-major) and its outcome: `None` unresolved, `Some(None)` tested and not
/// flagged, `Some(Some(f))` flagged.
pub(crate) type Outcomes = Vec<((usize, usize), Option<Option<Flagged>>)>;

/// Steps 1–3 on one raster (a whole scene or one band with its halo).
pub(crate) fn contextual_core(
    t: &Array2<f32>,
    valid: &Array2<bool>,
    pixel_m: f64,
    p: &ContextualParams,
    scene: Option<(f64, f64)>,
    bufs: &mut TestBuffers,
) -> Outcomes {
    let (q, finite) = window_running::quantize_with(t, bufs);
    let cand = candidates_with(t, valid, (&q, &finite), pixel_m, p, scene, bufs);
    let coords: Vec<(usize, usize)> = cand
        .indexed_iter()
        .filter(|(_, c)| **c)
        .map(|(rc, _)| rc)
        .collect();
    let mut include = finite;
    Zip::from(&mut include)
        .and(valid)
        .and(&cand)
        .par_for_each(|i, &v, &c| *i &= v && !c);
    let bg = Background::new(&q, &include, coords.len());
    let sizes = window_sizes(
        window_px(p.min_window_m, pixel_m),
        window_px(p.max_window_m, pixel_m),
        p.window_step_px,
    );
    let outcomes = test_all(t, &coords, &bg, &sizes, 2 * p.guard_px + 1, p);
    drop(bg);
    bufs.give_fixed(q);
    bufs.give_mask(include);
    bufs.give_mask(cand);
    outcomes
}

/// Steps 2–3 for every candidate of `coords`, windows of `sizes` without a `guard` box.
fn test_all(
    t: &Array2<f32>,
    coords: &[(usize, usize)],
    bg: &Background,
    sizes: &[usize],
    guard: usize,
    p: &ContextualParams,
) -> Outcomes {
    coords
        .par_iter()
        .map(|&(r, c)| {
            let v = t[[r, c]];
            let outcome = match bg {
                Background::Direct(d) => {
                    let mut g = d.growing(r, c, guard);
                    test_candidate(v, r, c, |w| g.stats(w), sizes, p)
                }
                Background::Tables(sat) => {
                    test_candidate(v, r, c, |w| sat.centred(r, c, w, guard), sizes, p)
                }
            };
            ((r, c), outcome)
        })
        .collect()
}

/// Where the candidates' background windows come from: summed from the pixels when candidates
/// are few (the usual case, no tables to build), summed-area tables when they are many
/// (large hot areas); both give the same exact sums.
enum Background<'a> {
    Direct(DirectSums<'a>),
    Tables(SummedArea),
}

/// Candidates per pixel above which the tables pay: the first background window sums 121
/// pixels per candidate, the tables write 28 bytes per pixel and read them back. On a
/// 928 x 7801 strip (`cargo bench --bench detect -- background`) the sums took 87 ms at 12 %
/// candidates and 215 ms at 25 %, the tables 155–175 ms at any density: the crossover is near
/// 18 %, and windows that grow past 11 x 11 cost the sums more, hence 1/8.
const TABLES_ABOVE_CANDIDATE_FRACTION: f64 = 1.0 / 8.0;

impl<'a> Background<'a> {
    /// `include`: the background pixels (valid, finite, not candidates).
    fn new(q: &'a Array2<i64>, include: &'a Array2<bool>, candidates: usize) -> Self {
        if candidates as f64 > TABLES_ABOVE_CANDIDATE_FRACTION * q.len() as f64 {
            Self::Tables(SummedArea::from_quantized(q, include))
        } else {
            Self::Direct(DirectSums::new(q, include))
        }
    }
}

/// Rows a band needs beyond its own on each side so that its results equal the whole-scene
/// computation: the candidate window for each candidate pass, then the largest background
/// window.
pub fn halo_rows(pixel_m: f64, p: &ContextualParams) -> usize {
    let candidate_half = window_px(p.candidate_window_m, pixel_m) / 2;
    let background_half = window_px(p.max_window_m, pixel_m) / 2;
    candidate_half * p.candidate_passes.max(1) as usize + background_half
}

/// [`detect_contextual`] in bands of `tile_rows` rows (plus [`halo_rows`] on each side), in
/// parallel: each band's summed-area tables stay small and the result is the whole-scene
/// result (the scene median/MAD is computed once for the whole raster; windows that reach the
/// raster edge are clipped exactly as before).
pub fn detect_contextual_tiled(
    t: &Array2<f32>,
    valid: &Array2<bool>,
    pixel_m: f64,
    p: &ContextualParams,
    tile_rows: usize,
) -> Detection {
    let scene = median_mad(t, valid);
    let rows = t.nrows();
    let halo = halo_rows(pixel_m, p);
    let tile_rows = tile_rows.max(1);
    let outcomes: Outcomes = if rows <= tile_rows + 2 * halo {
        contextual_core(t, valid, pixel_m, p, scene, &mut TestBuffers::default())
    } else {
        let starts: Vec<usize> = (0..rows).step_by(tile_rows).collect();
        let per_band: Vec<Outcomes> = starts
            .par_iter()
            .map(|&start| {
                let (lo, hi) = (
                    start.saturating_sub(halo),
                    (start + tile_rows + halo).min(rows),
                );
                let end = (start + tile_rows).min(rows);
                let band_t = t.slice(ndarray::s![lo..hi, ..]).to_owned();
                let band_v = valid.slice(ndarray::s![lo..hi, ..]).to_owned();
                contextual_core(
                    &band_t,
                    &band_v,
                    pixel_m,
                    p,
                    scene,
                    &mut TestBuffers::default(),
                )
                .into_iter()
                .map(|((r, c), o)| {
                    (
                        (r + lo, c),
                        o.map(|f| {
                            f.map(|f| Flagged {
                                row: f.row + lo,
                                ..f
                            })
                        }),
                    )
                })
                .filter(|((r, _), _)| (start..end).contains(r))
                .collect()
            })
            .collect();
        per_band.into_iter().flatten().collect()
    };
    assemble(t, valid, outcomes)
}

fn assemble(t: &Array2<f32>, valid: &Array2<bool>, outcomes: Outcomes) -> Detection {
    let mut classes = initial_classes(t, valid);
    let mut stats = DetectionStats {
        valid: classes
            .iter()
            .filter(|&&k| k != confidence::NOT_PROCESSED)
            .count(),
        candidates: outcomes.len(),
        ..Default::default()
    };
    let mut flagged = Vec::new();
    for (_, res) in outcomes {
        match res {
            None => stats.unresolved += 1,
            Some(Some(f)) => {
                classes[[f.row, f.col]] = f.confidence;
                flagged.push(f);
            }
            Some(None) => {}
        }
    }
    stats.flagged = flagged.len();
    Detection {
        method: Method::Contextual,
        classes,
        flagged,
        stats,
    }
}

/// The test of candidate `v` at `(r, c)`, `background(w)` giving the statistics of its `w`
/// background window (without the guard box) for each of `sizes` in turn. `None`: unresolved;
/// `Some(None)`: tested, not flagged; `Some(Some(f))`: flagged.
fn test_candidate(
    v: f32,
    r: usize,
    c: usize,
    mut background: impl FnMut(usize) -> Option<WindowStats>,
    sizes: &[usize],
    p: &ContextualParams,
) -> Option<Option<Flagged>> {
    for &w in sizes {
        let need = (p.min_valid_fraction * (w * w) as f64)
            .ceil()
            .max(f64::from(p.min_valid_count));
        let Some(s) = background(w) else {
            continue;
        };
        if f64::from(s.count) < need {
            continue;
        }
        let delta = f64::from(v) - s.mean;
        let z = delta / s.std.max(p.std_floor_k);
        if z >= p.k && delta >= p.min_delta_k {
            return Some(Some(Flagged {
                row: r,
                col: c,
                value: v,
                bg_mean: s.mean as f32,
                bg_std: s.std as f32,
                z: z as f32,
                window_px: w as u32,
                n_background: s.count,
                confidence: confidence_from_z(z, p.nominal_z, p.high_z),
                method: Method::Contextual,
            }));
        }
        return Some(None);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn textured(rows: usize, cols: usize) -> Array2<f32> {
        Array2::from_shape_fn((rows, cols), |(r, c)| {
            295.0 + 0.3 * (((r * 7 + c * 13) % 5) as f32 - 2.0)
        })
    }

    #[test]
    fn bands_give_the_whole_scene_result() {
        use crate::synth::{Preset, SynthParams, generate};
        let scene = generate(&SynthParams::new(3, 420, 300, Preset::Day));
        let valid = scene.bt_k.mapv(|v| !v.is_nan());
        let p = ContextualParams::default();
        let whole = detect_contextual_tiled(&scene.bt_k, &valid, 30.0, &p, usize::MAX / 4);
        let bands = detect_contextual_tiled(&scene.bt_k, &valid, 30.0, &p, 40);
        assert!(halo_rows(30.0, &p) * 2 + 40 < 420, "really banded");
        assert!(!whole.flagged.is_empty());
        assert_eq!(whole.stats, bands.stats);
        assert_eq!(whole.classes, bands.classes);
        let key = |d: &Detection| {
            d.flagged
                .iter()
                .map(|f| (f.row, f.col, f.window_px, f.n_background))
                .collect::<Vec<_>>()
        };
        assert_eq!(key(&whole), key(&bands));
    }

    #[test]
    fn pixel_sums_and_tables_give_the_same_outcomes() {
        use crate::synth::{Preset, SynthParams, generate};
        let mut t = generate(&SynthParams::new(5, 300, 280, Preset::Day)).bt_k;
        for r in 100..140 {
            for c in 30..70 {
                t[[r, c]] += 12.0; // candidates needing grown windows
            }
        }
        t.slice_mut(ndarray::s![.., 0..3]).fill(f32::NAN);
        let valid = Array2::from_shape_fn(t.dim(), |(r, c)| (r * 13 + c * 7) % 29 != 0);
        let p = ContextualParams::default();
        let (q, finite) = window_running::quantize(&t);
        let scene = median_mad(&t, &valid);
        let bufs = &mut TestBuffers::default();
        let cand = candidates_with(&t, &valid, (&q, &finite), 30.0, &p, scene, bufs);
        let coords: Vec<_> = cand
            .indexed_iter()
            .filter(|(_, c)| **c)
            .map(|(rc, _)| rc)
            .collect();
        let include = Array2::from_shape_fn(t.dim(), |(r, c)| {
            finite[[r, c]] && valid[[r, c]] && !cand[[r, c]]
        });
        let sizes = window_sizes(11, 101, 10);
        let direct = Background::Direct(DirectSums::new(&q, &include));
        let tables = Background::Tables(SummedArea::from_quantized(&q, &include));
        let a = test_all(&t, &coords, &direct, &sizes, 3, &p);
        let b = test_all(&t, &coords, &tables, &sizes, 3, &p);
        assert!(coords.len() > 1600, "the hot square's candidates and more");
        let grown = a
            .iter()
            .filter_map(|(_, o)| o.as_ref()?.as_ref())
            .filter(|f| f.window_px > 11)
            .count();
        assert!(grown > 20, "windows grew for {grown} flagged pixels");
        assert_eq!(a, b);
    }

    #[test]
    fn windows_grow_to_the_maximum() {
        assert_eq!(
            window_sizes(11, 101, 10),
            vec![11, 21, 31, 41, 51, 61, 71, 81, 91, 101]
        );
        assert_eq!(window_sizes(11, 35, 10), vec![11, 21, 31, 35]);
    }

    #[test]
    fn hot_area_wider_than_the_window_is_flagged_whole() {
        let mut t = textured(200, 200);
        for r in 80..120 {
            for c in 80..120 {
                t[[r, c]] += 30.0;
            }
        }
        let valid = Array2::from_elem(t.dim(), true);
        let d = detect_contextual(&t, &valid, 30.0, &ContextualParams::spec());
        let inside = d
            .flagged
            .iter()
            .filter(|f| (80..120).contains(&f.row) && (80..120).contains(&f.col))
            .count();
        assert_eq!(inside, 1600, "all 40x40 flagged");
        assert_eq!(d.flagged.len(), 1600, "nothing outside");
    }

    #[test]
    fn invalid_pixels_are_not_processed_and_edges_work() {
        let mut t = textured(60, 60);
        t[[0, 0]] = 320.0; // corner anomaly: clipped windows
        t[[30, 30]] = f32::NAN;
        let mut valid = Array2::from_elem(t.dim(), true);
        valid[[10, 10]] = false;
        let d = detect_contextual(&t, &valid, 30.0, &ContextualParams::spec());
        assert_eq!(d.classes[[30, 30]], confidence::NOT_PROCESSED);
        assert_eq!(d.classes[[10, 10]], confidence::NOT_PROCESSED);
        assert_eq!(d.stats.valid, 3600 - 2);
        assert_eq!(d.flagged.len(), 1);
        assert_eq!(d.classes[[0, 0]], confidence::HIGH);
    }

    #[test]
    fn too_little_background_is_unresolved() {
        // A 3x3 valid island: a hot centre has 8 background pixels at most, below 25 % of 11².
        let mut t = Array2::from_elem((30, 30), 300.0f32);
        t[[15, 15]] = 330.0;
        let valid = Array2::from_shape_fn((30, 30), |(r, c)| {
            (13..=17).contains(&r) && (13..=17).contains(&c)
        });
        let d = detect_contextual(&t, &valid, 30.0, &ContextualParams::spec());
        assert_eq!(d.flagged.len(), 0);
        assert_eq!(d.stats.unresolved, 1);
    }
}

//! Thermal detection over strips: the configured `contextual` test and its false-alarm budget
//! on a raster that is never held whole. The caller supplies a strip reader (per worker
//! state `R`, e.g. open GDAL datasets); this module does no I/O itself. Passes over the strips:
//!
//! 1. the histogram of `T` (`scene_histogram`): the valid-pixel count and the scene medians
//!    and MADs of `T` and of `−T` (its mirror image);
//! 2. the pixel test on each strip of `T` with its halo ([`super::strip::contextual_strip`]):
//!    only the flagged pixels are kept;
//! 3. the budget on the sparse evidence (`budget::apply_to_flagged`). Only when the scene is
//!    too smooth for a fit on its own evidence (`budget::needs_cold_sample`), pass 2 runs again
//!    on `−T` for the cold sample (one more read); on rough scenes (real backgrounds) it is
//!    skipped.
//!
//! Memory: the strips in flight (one per worker) and the flagged pixels. The result equals
//! `stage::run_thermal_budgeted` on the whole raster (same flagged pixels, classes, stats and
//! budget decisions; tested below).

use ndarray::Array2;

use super::budget::{self, BudgetOutcome};
use super::config::DetectConfig;
use super::contextual::ContextualParams;
use super::scene_histogram::SceneHistogram;
use super::strip::{contextual_strip, halo_rows};
use super::test_buffers::TestBuffers;
use super::{DetectionStats, Flagged, Method};
use crate::error::Result;
use crate::raster::{Block, PixelWindow, for_each_block, tile};

/// Temperatures (K, NaN = none) and validity of one window.
#[derive(Debug, Clone)]
pub struct ThermalWindow {
    pub t: Array2<f32>,
    pub valid: Array2<bool>,
    /// Masked water (for `shore`), when the scene's mask has any.
    pub water: Option<Array2<bool>>,
}

/// What a streamed thermal detection found.
#[derive(Debug, Clone)]
pub struct StreamedThermal {
    pub method: Method,
    /// Flagged pixels, row-major, with the budget's confidences.
    pub flagged: Vec<Flagged>,
    pub stats: DetectionStats,
    pub budget: Option<BudgetOutcome>,
    /// Wall-clock seconds of the scene-statistics pass (the histogram of `T`).
    pub scene_stats_s: f64,
}

/// True when `cfg`'s thermal method runs streamed (`contextual`); others run on the whole
/// raster.
pub fn can_stream(cfg: &DetectConfig) -> bool {
    cfg.thermal.method() == Some(Method::Contextual)
}

/// The halo rows a strip of `cfg`'s thermal method needs at `pixel_m`.
pub fn thermal_halo_rows(cfg: &DetectConfig, pixel_m: f64) -> usize {
    halo_rows(pixel_m, &cfg.contextual)
}

/// Scene `(median, MAD)` of `T`, of `−T` when `cold` (the mirror image of the same
/// histogram), and the valid-pixel count: one pass ([`SceneHistogram`]).
fn scene_stats<R: Send>(
    blocks: &[Block],
    readers: &mut [R],
    read: &(dyn Fn(&mut R, PixelWindow) -> Result<ThermalWindow> + Sync),
    cold: bool,
) -> Result<SceneStats> {
    let mut hist = SceneHistogram::default();
    for_each_block(
        blocks,
        readers,
        |r, b| {
            let w = read(r, b.core)?;
            Ok(SceneHistogram::of(&w.t, &w.valid))
        },
        |_, h| {
            hist.merge(h);
            Ok(())
        },
    )?;
    Ok(SceneStats {
        hot: hist.median_mad(),
        cold: if cold {
            hist.mirrored().median_mad()
        } else {
            None
        },
        valid_px: hist.count() as usize,
    })
}

/// The scene-level statistics of the streamed passes.
struct SceneStats {
    /// `(median, MAD)` of `T`.
    hot: Option<(f64, f64)>,
    /// `(median, MAD)` of `−T`, when asked for.
    cold: Option<(f64, f64)>,
    valid_px: usize,
}

/// The pixel test on every strip of `T` (of `−T` when `negate`): the flagged pixels in strip
/// order (without those next to water when `drop_shore`), and the candidate and unresolved
/// counts.
#[allow(clippy::too_many_arguments)]
fn strip_pass<R: Send>(
    strips: &[Block],
    readers: &mut [R],
    read: &(dyn Fn(&mut R, PixelWindow) -> Result<ThermalWindow> + Sync),
    pixel_m: f64,
    p: &ContextualParams,
    scene: Option<(f64, f64)>,
    negate: bool,
    drop_shore: bool,
) -> Result<(Vec<Flagged>, usize, usize)> {
    let mut flagged = Vec::new();
    let (mut candidates, mut unresolved) = (0, 0);
    // Each worker keeps its test's buffers from strip to strip (`test_buffers`).
    let mut workers: Vec<(&mut R, TestBuffers)> = readers
        .iter_mut()
        .map(|r| (r, TestBuffers::default()))
        .collect();
    for_each_block(
        strips,
        &mut workers,
        |(r, bufs), b| {
            let mut w = read(r, b.read)?;
            if negate {
                // `−T` in place: negation is exact, the same bits as a negated copy.
                w.t.mapv_inplace(|v| -v);
            }
            let mut s = contextual_strip(&w.t, &w.valid, b, pixel_m, p, scene, bufs);
            if let (true, Some(water)) = (drop_shore, &w.water) {
                super::shore::drop_next_to_water(&mut s.flagged, water, b.read.row0);
            }
            Ok(s)
        },
        |_, s| {
            candidates += s.candidates;
            unresolved += s.unresolved;
            flagged.extend(s.flagged);
            Ok(())
        },
    )?;
    Ok((flagged, candidates, unresolved))
}

/// The contextual test and its budget on a `shape` raster read in full-width strips of
/// `strip_rows` rows (plus the halo) through `read`, one strip per reader at a time.
/// `cfg` is the effective configuration (window preset applied); its thermal method must be
/// `contextual` ([`can_stream`]). `check_median` sees the valid pixels' median (K) once the
/// first pass has read every strip, and may refuse the scene
/// ([`super::plausible::check_median_k`]); `after_first_pass` runs after it (the caller may
/// start work that needs the whole raster read, beside the pixel test).
#[allow(clippy::too_many_arguments)]
pub fn detect_thermal_streamed<R: Send>(
    shape: (usize, usize),
    pixel_m: f64,
    cfg: &DetectConfig,
    strip_rows: usize,
    readers: &mut [R],
    read: &(dyn Fn(&mut R, PixelWindow) -> Result<ThermalWindow> + Sync),
    check_median: &dyn Fn(f64) -> Result<()>,
    after_first_pass: impl FnOnce(),
) -> Result<StreamedThermal> {
    debug_assert!(can_stream(cfg));
    let p = &cfg.contextual;
    let cores = tile(shape, (strip_rows.max(1), 0), 0);
    let start = std::time::Instant::now();
    // The statistics of `−T` cost no extra read: they come with those of `T`, in case the
    // budget needs the cold sample.
    let SceneStats {
        hot: scene_hot,
        cold: scene_cold,
        valid_px,
    } = scene_stats(&cores, readers, read, cfg.budget.enabled)?;
    if let Some((median, _)) = scene_hot {
        check_median(median)?;
    }
    after_first_pass();
    let scene_stats_s = start.elapsed().as_secs_f64();
    let strips = tile(shape, (strip_rows.max(1), 0), halo_rows(pixel_m, p));
    let (mut flagged, candidates, unresolved) = strip_pass(
        &strips,
        readers,
        read,
        pixel_m,
        p,
        scene_hot,
        false,
        cfg.drop_shore,
    )?;
    // The cold sample (the same test on −T), only when the budget needs it.
    let cold_peaks = || -> Result<Vec<f64>> {
        let (cold, ..) = strip_pass(
            &strips,
            readers,
            read,
            pixel_m,
            p,
            scene_cold,
            true,
            cfg.drop_shore,
        )?;
        Ok(budget::zone_peaks(&cold).0)
    };
    let outcome = budget::apply_to_flagged(&mut flagged, cold_peaks, valid_px, &cfg.budget)?;
    Ok(StreamedThermal {
        method: Method::Contextual,
        stats: DetectionStats {
            valid: valid_px,
            candidates,
            flagged: flagged.len(),
            unresolved,
        },
        flagged,
        budget: outcome,
        scene_stats_s,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stage::run_thermal_near_water;
    use crate::synth::{Preset, SynthParams, generate};

    /// A day-like scene with NaN rows and columns on its edges, invalid (masked) pixels, and
    /// hot blobs across the borders of `strip_rows`-row strips.
    fn scene(
        seed: u64,
        rows: usize,
        cols: usize,
        strip_rows: usize,
    ) -> (Array2<f32>, Array2<bool>) {
        let mut t = generate(&SynthParams::new(seed, rows, cols, Preset::Day)).bt_k;
        for ((r, c), v) in t.indexed_iter_mut() {
            if r < 3 || c < 2 || c + 5 >= cols || (r + 2 >= rows && c % 3 == 0) {
                *v = f32::NAN;
            }
        }
        for (i, border) in (strip_rows..rows).step_by(strip_rows).enumerate() {
            let c0 = 10 + (i * 37 + seed as usize * 11) % (cols - 30);
            for r in border.saturating_sub(2)..(border + 2).min(rows) {
                for c in c0..c0 + 3 + i % 4 {
                    t[[r, c]] += 4.0 + (i % 3) as f32 * 3.0;
                }
            }
        }
        let valid = Array2::from_shape_fn((rows, cols), |(r, c)| (r * 31 + c * 17) % 97 != 0);
        (t, valid)
    }

    /// Masked water: the scattered invalid pixels of [`scene`] (its `valid` pattern), so that
    /// evidence next to water occurs everywhere, across strip borders too.
    fn water(rows: usize, cols: usize) -> Array2<bool> {
        Array2::from_shape_fn((rows, cols), |(r, c)| (r * 31 + c * 17) % 97 == 0)
    }

    fn streamed(
        t: &Array2<f32>,
        valid: &Array2<bool>,
        water: Option<&Array2<bool>>,
        cfg: &DetectConfig,
        strip_rows: usize,
    ) -> StreamedThermal {
        let read = |_: &mut (), w: PixelWindow| -> Result<ThermalWindow> {
            let s = ndarray::s![w.row0..w.row_end(), w.col0..w.col_end()];
            Ok(ThermalWindow {
                t: t.slice(s).to_owned(),
                valid: valid.slice(s).to_owned(),
                water: water.map(|w| w.slice(s).to_owned()),
            })
        };
        let mut readers = vec![(); 2];
        detect_thermal_streamed(
            t.dim(),
            30.0,
            cfg,
            strip_rows,
            &mut readers,
            &read,
            &|_| Ok(()),
            || (),
        )
        .unwrap()
    }

    fn check(
        seed: u64,
        rows: usize,
        cols: usize,
        strip_rows: usize,
        cfg: &DetectConfig,
    ) -> Option<BudgetOutcome> {
        check_with(seed, (rows, cols), strip_rows, cfg, false)
    }

    /// [`check`], with masked [`water`] when `with_water`.
    fn check_with(
        seed: u64,
        (rows, cols): (usize, usize),
        strip_rows: usize,
        cfg: &DetectConfig,
        with_water: bool,
    ) -> Option<BudgetOutcome> {
        let (t, valid) = scene(seed, rows, cols, strip_rows);
        let water = with_water.then(|| water(rows, cols));
        assert_ne!(rows % strip_rows, 0, "the last strip is partial");
        let (whole, whole_budget) =
            run_thermal_near_water(&t, &valid, water.as_ref(), 30.0, cfg).unwrap();
        let s = streamed(&t, &valid, water.as_ref(), cfg, strip_rows);
        assert!(whole.flagged.len() > 5, "seed {seed}: something to compare");
        assert_eq!(s.stats, whole.stats, "seed {seed}");
        // Equal to the last bit, background statistics and z included: a strip's summed-area
        // tables start at the strip rather than at the raster, but on these scenes the f64
        // rounding differences vanish in the f32 results (docs/performance.md, "Streamed
        // detect").
        assert_eq!(s.flagged, whole.flagged, "seed {seed}");
        let classes = crate::detect::strip::window_classes(
            &t,
            &valid,
            PixelWindow::full(t.dim()),
            &s.flagged,
        );
        assert_eq!(classes, whole.classes, "seed {seed}");
        assert_eq!(s.budget, whole_budget, "seed {seed}");
        whole_budget
    }

    #[test]
    fn rough_and_smooth_scenes_take_the_same_sample_in_both() {
        // Default: these generated scenes are smooth, the cold sample is computed in both runs.
        let cfg = DetectConfig::default();
        let smooth = check(4, 240, 200, 70, &cfg).unwrap();
        assert!(
            smooth.cold_zones.is_some() && smooth.hot_fit.is_none(),
            "{smooth:?}"
        );
        // Any evidence makes the scene rough: the cold pass is skipped in both.
        let mut cfg = DetectConfig::default();
        cfg.budget.rough_zones_per_mpx = 1.0;
        let rough = check(4, 240, 200, 70, &cfg).unwrap();
        assert!(
            rough.cold_zones.is_none() && rough.hot_fit.is_some(),
            "{rough:?}"
        );
    }

    #[test]
    fn strips_give_the_whole_raster_result() {
        let cfg = DetectConfig::default();
        assert!(can_stream(&cfg));
        for (seed, rows, cols, strip_rows) in [
            (1, 301, 230, 64),
            (2, 257, 190, 41),
            (5, 199, 260, 100),
            (8, 350, 150, 256),
        ] {
            check(seed, rows, cols, strip_rows, &cfg);
        }
    }

    #[test]
    fn evidence_next_to_water_is_dropped_in_both() {
        let cfg = DetectConfig::default();
        let (t, valid) = scene(6, 260, 180, 64);
        let water = water(260, 180);
        let kept = streamed(&t, &valid, Some(&water), &cfg, 64);
        let mut off = cfg.clone();
        off.drop_shore = false;
        let all = streamed(&t, &valid, Some(&water), &off, 64);
        assert!(
            kept.flagged.len() < all.flagged.len(),
            "some evidence is on a shore"
        );
        assert!(
            kept.flagged
                .iter()
                .all(|f| !crate::detect::shore::next_to_water(&water, f.row, f.col))
        );
        // Checked against the whole raster (with its budget).
        check_with(6, (260, 180), 64, &cfg, true);
        check_with(6, (260, 180), 64, &off, true);
    }

    #[test]
    fn without_the_budget_too() {
        let mut cfg = DetectConfig::default();
        cfg.budget.enabled = false;
        check(3, 233, 170, 50, &cfg);
    }

    #[test]
    fn an_all_invalid_raster_flags_nothing() {
        let t = Array2::from_elem((70, 40), f32::NAN);
        let valid = Array2::from_elem((70, 40), true);
        let s = streamed(&t, &valid, None, &DetectConfig::default(), 16);
        assert!(s.flagged.is_empty());
        assert_eq!(s.stats, DetectionStats::default());
    }
}

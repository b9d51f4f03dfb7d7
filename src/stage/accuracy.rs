//! Accuracy harness: generate scenes with planted truth, run a detection configuration, score
//! it (object recall by peak-delta bin, pixel precision, false zones per million valid pixels on
//! the planted scene and on the same background without plants). Behind `seamfire accuracy`
//! and the accuracy tests; the numbers of `docs/accuracy.md` come from here.

use ndarray::{Array2, Zip};
use serde::Serialize;

use super::detect::run_thermal;
use crate::calibrate::{QaLayout, qa_mask};
use crate::detect::accuracy::{Accuracy, TruthObject, evaluate};
use crate::detect::confidence;
use crate::detect::config::DetectConfig;
use crate::raster::MaskReason;
use crate::synth::{Preset, SynthParams, SynthScene, generate};

/// Scores of one configuration over several scenes.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Score {
    /// Planted scenes.
    pub planted: Accuracy,
    /// Backgrounds alone: every flagged zone is false.
    pub background: Accuracy,
}

/// Validity of a synthetic scene: QA_PIXEL (fill, cloud, shadow, water) and not NaN.
pub fn scene_validity(scene: &SynthScene) -> Array2<bool> {
    let flags = qa_mask(&scene.qa_pixel, QaLayout::C2QaPixel).flags;
    let reject = MaskReason::FILL | MaskReason::CLOUD | MaskReason::SHADOW | MaskReason::WATER;
    Zip::from(&flags)
        .and(&scene.bt_k)
        .map_collect(|&f, &t| f & reject == 0 && !t.is_nan())
}

/// Scores `cfg`'s thermal method on one scene (planted and background-only).
pub fn score_scene(scene: &SynthScene, cfg: &DetectConfig) -> Score {
    let valid = scene_validity(scene);
    let pixel_m = scene.georef.nominal_pixel_m(scene.bt_k.nrows());
    let (cfg, _) = crate::detect::preset::effective(cfg, pixel_m);
    let cfg = &cfg;
    let objects: Vec<TruthObject> = scene
        .objects
        .iter()
        .map(|o| TruthObject {
            id: o.id,
            peak_delta_k: o.peak_delta_k,
        })
        .collect();
    let flagged_of = |t: &Array2<f32>| -> Array2<bool> {
        let mut mask = Array2::from_elem(t.dim(), false);
        if let Some(d) = run_thermal(t, &valid, pixel_m, cfg) {
            // Fire zones only: low-confidence evidence is not a zone (unless configured).
            for f in d
                .flagged
                .iter()
                .filter(|f| cfg.low_confidence_zones || f.confidence >= confidence::NOMINAL)
            {
                mask[[f.row, f.col]] = true;
            }
        }
        mask
    };
    let planted = evaluate(&flagged_of(&scene.bt_k), &scene.truth_id, &objects, &valid);
    let empty = Array2::<u32>::zeros(scene.truth_id.dim());
    let background = evaluate(&flagged_of(&scene.background_k), &empty, &[], &valid);
    Score {
        planted,
        background,
    }
}

/// Generates `seeds` scenes of `size x size` pixels of `preset` and sums the scores.
pub fn score_generated(preset: Preset, seeds: &[u64], size: usize, cfg: &DetectConfig) -> Score {
    let mut total = Score::default();
    for &seed in seeds {
        let s = score_scene(&generate(&SynthParams::new(seed, size, size, preset)), cfg);
        total.planted.add(&s.planted);
        total.background.add(&s.background);
    }
    total
}

/// Plants objects into the thermal band of a real scene (`path`: anything `seamfire info`
/// opens; `generic` says how to read a raster without MTL), once per seed, and sums the scores.
/// The planted population is the generator's (log-uniform 1.5–25 K, 1–80 px, 60 per Mpx).
pub fn score_background(
    path: &std::path::Path,
    generic: crate::calibrate::GenericRequest,
    seeds: &[u64],
    cfg: &DetectConfig,
) -> crate::error::Result<Score> {
    use super::{CalibrateOptions, calibrate_scene, thermal_validity};
    let scene = crate::scene::open_scene(path, None)?;
    let cal = calibrate_scene(
        &scene,
        &CalibrateOptions {
            generic,
            ..CalibrateOptions::default()
        },
    )?;
    let valid = thermal_validity(&cal, cfg.mask_cirrus);
    let (rows, cols) = cal.raster.shape();
    let mut total = Score::default();
    for &seed in seeds {
        let p = SynthParams::new(seed, rows, cols, Preset::Day);
        let planted =
            crate::synth::plant_into(&cal.raster.data, &valid, cal.raster.georef.clone(), &p);
        let s = score_scene(&planted, cfg);
        total.planted.add(&s.planted);
        total.background.add(&s.background);
    }
    Ok(total)
}

/// One markdown table row: recall per bin, pixel precision, false zones per Mpx (planted scene,
/// background only).
pub fn table_row(label: &str, scene: &str, s: &Score) -> String {
    let p = &s.planted;
    let r = |b: usize| {
        let [d, t] = p.objects[b];
        format!("{:.2} ({d}/{t})", p.recall(b))
    };
    format!(
        "| {label} | {scene} | {} | {} | {} | {:.2} | {:.1} | {:.1} |",
        r(0),
        r(1),
        r(2),
        p.pixel_precision(),
        p.false_zones_per_mpx(),
        s.background.false_zones_per_mpx()
    )
}

/// Header of [`table_row`]'s table.
pub const TABLE_HEADER: &str = "| method / parameters | scene | recall < 3 K | recall 3–6 K | recall ≥ 6 K | pixel precision | false zones / Mpx (planted) | false zones / Mpx (background only) |\n|---|---|---|---|---|---|---|---|";

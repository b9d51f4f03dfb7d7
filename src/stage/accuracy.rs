//! Accuracy harness: generate scenes with planted truth, run a detection configuration, score
//! it (object recall by peak-delta bin, pixel precision, false zones per million valid pixels on
//! the planted scene and on the same background without plants). Behind `seamfire accuracy`
//! and the accuracy tests; the numbers of `docs/accuracy.md` come from here.

use ndarray::{Array2, Zip};
use serde::Serialize;

use super::detect::run_thermal;
use crate::calibrate::{QaLayout, qa_mask};
use crate::detect::accuracy::{Accuracy, TruthObject, evaluate};
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
    let pixel_m = scene.georef.transform.0[1].abs();
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
            for f in &d.flagged {
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

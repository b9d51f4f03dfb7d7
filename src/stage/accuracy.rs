//! Accuracy harness: generate scenes with planted truth, run a detection configuration, score
//! it (object recall by peak-delta bin, pixel precision, false zones per million valid pixels on
//! the planted scene and on the same background without plants). Behind `seamfire accuracy`
//! and the accuracy tests; the numbers of `docs/accuracy.md` come from here.

use ndarray::{Array2, Zip};
use serde::Serialize;

use crate::calibrate::{QaLayout, qa_mask};
use crate::detect::accuracy::{Accuracy, TruthObject, evaluate};
use crate::detect::cluster::label_components;
use crate::detect::config::DetectConfig;
use crate::detect::object_outcome::{self, ObjectOutcome, Planted};
use crate::raster::{GeoTransform, MaskReason};
use crate::synth::{Preset, SynthParams, SynthScene, generate};
use crate::vector::exclude::Exclusions;
use crate::vector::polygonize::zone_polygon_by;
use geo::Geometry;

/// Scores of one configuration over several scenes.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Score {
    /// Planted scenes.
    pub planted: Accuracy,
    /// Backgrounds alone: every flagged zone is false.
    pub background: Accuracy,
    /// What became of each planted object (objects inside an excluded site are left out), with
    /// the seed of its scene.
    pub objects: Vec<(u64, ObjectOutcome)>,
}

impl Score {
    /// Adds another scene's scores.
    pub fn add(&mut self, o: Score) {
        self.planted.add(&o.planted);
        self.background.add(&o.background);
        self.objects.extend(o.objects);
    }
}

/// Validity of a synthetic scene: QA_PIXEL (fill, cloud, shadow, water) and not NaN.
pub fn scene_validity(scene: &SynthScene) -> Array2<bool> {
    let flags = qa_mask(&scene.qa_pixel, QaLayout::C2QaPixel).flags;
    let reject = MaskReason::FILL | MaskReason::CLOUD | MaskReason::SHADOW | MaskReason::WATER;
    Zip::from(&flags)
        .and(&scene.bt_k)
        .map_collect(|&f, &t| f & reject == 0 && !t.is_nan())
}

/// Scores `cfg`'s thermal method on one scene (planted and background-only); `seed` labels its
/// objects.
pub fn score_scene(scene: &SynthScene, seed: u64, cfg: &DetectConfig) -> Score {
    score_scene_excluding(scene, seed, cfg, None)
}

/// [`score_scene`] with known non-fire heat sources: a fire zone within the buffer of one of
/// `exclusions`' sites is reported `excluded` by `seamfire detect --exclude` (no fire zone, map
/// sheet or report line), so it is neither a false zone nor a found object here.
pub fn score_scene_excluding(
    scene: &SynthScene,
    seed: u64,
    cfg: &DetectConfig,
    exclusions: Option<&Exclusions>,
) -> Score {
    let valid = scene_validity(scene);
    let water = Zip::from(&scene.qa_pixel).map_collect(|&q| q == crate::synth::qa::QA_WATER);
    let water = water.iter().any(|&w| w).then_some(water);
    let pixel_m = scene.georef.nominal_pixel_m(scene.bt_k.nrows());
    let (cfg, _) = crate::detect::preset::effective(cfg, pixel_m);
    let cfg = &cfg;
    // An object planted inside an excluded site would be reported `excluded` like the site's own
    // heat: it is not counted (its pixels still keep the zones that touch it from being false).
    let in_site = exclusions.map_or_else(Default::default, |e| {
        labels_near_sites(&scene.truth_id, e, &scene.georef.transform)
    });
    let objects: Vec<TruthObject> = scene
        .objects
        .iter()
        .filter(|o| !in_site.contains(&o.id))
        .map(|o| TruthObject {
            id: o.id,
            peak_delta_k: o.peak_delta_k,
        })
        .collect();
    let zone_of = |f: &crate::detect::Flagged| object_outcome::in_zone(f, cfg.low_confidence_zones);
    let detect_on = |t: &Array2<f32>| -> Vec<crate::detect::Flagged> {
        super::detect::run_thermal_near_water(t, &valid, water.as_ref(), pixel_m, cfg)
            .map(|(d, _)| d.flagged)
            .unwrap_or_default()
    };
    let mask_of = |flagged: &[crate::detect::Flagged]| -> Array2<bool> {
        let mut mask = Array2::from_elem(valid.dim(), false);
        // Fire zones only: low-confidence evidence is not a zone (unless configured).
        for f in flagged.iter().filter(|f| zone_of(f)) {
            mask[[f.row, f.col]] = true;
        }
        if let Some(e) = exclusions {
            drop_excluded_zones(&mut mask, e, &scene.georef.transform);
        }
        mask
    };
    let flagged = detect_on(&scene.bt_k);
    let planted = evaluate(&mask_of(&flagged), &scene.truth_id, &objects, &valid);
    let counted: std::collections::HashSet<u32> = objects.iter().map(|o| o.id).collect();
    let planted_objects: Vec<Planted> = scene
        .objects
        .iter()
        .filter(|o| counted.contains(&o.id))
        .map(|o| Planted {
            id: o.id,
            kind: match o.kind {
                crate::synth::ObjectKind::Blob => "blob",
                crate::synth::ObjectKind::Strip => "strip",
            },
            pixels: o.pixels,
            peak_delta_k: o.peak_delta_k,
        })
        .collect();
    let outcomes = object_outcome::outcomes(&flagged, &scene.truth_id, &planted_objects, zone_of);
    let empty = Array2::<u32>::zeros(scene.truth_id.dim());
    let background = evaluate(
        &mask_of(&detect_on(&scene.background_k)),
        &empty,
        &[],
        &valid,
    );
    Score {
        planted,
        background,
        objects: outcomes.into_iter().map(|o| (seed, o)).collect(),
    }
}

/// Clears the 8-connected zones of `mask` whose outline (as `seamfire detect` polygonizes it)
/// lies within the buffer of an excluded site.
fn drop_excluded_zones(mask: &mut Array2<bool>, e: &Exclusions, gt: &GeoTransform) {
    let (labels, components) = label_components(mask);
    for id in labels_near_sites(&labels, e, gt) {
        for &(r, c) in &components[id as usize - 1] {
            mask[[r, c]] = false;
        }
    }
}

/// The labels (values of `labels`, 0 = none: zone numbers, planted object ids) whose outline, as
/// `seamfire detect` polygonizes it, lies within the buffer of an excluded site.
fn labels_near_sites(
    labels: &Array2<u32>,
    e: &Exclusions,
    gt: &GeoTransform,
) -> std::collections::BTreeSet<u32> {
    let mut bboxes: std::collections::BTreeMap<u32, [usize; 4]> = Default::default();
    for ((r, c), &id) in labels.indexed_iter().filter(|(_, id)| **id != 0) {
        let b = bboxes.entry(id).or_insert([r, c, r, c]);
        *b = [b[0].min(r), b[1].min(c), b[2].max(r), b[3].max(c)];
    }
    bboxes
        .into_iter()
        .filter(|&(id, bbox)| {
            let outline = zone_polygon_by(|r, c| labels[[r, c]] == id, bbox, gt);
            e.site_near(&Geometry::MultiPolygon(outline)).is_some()
        })
        .map(|(id, _)| id)
        .collect()
}

/// Generates `seeds` scenes of `size x size` pixels of `preset` and sums the scores.
pub fn score_generated(preset: Preset, seeds: &[u64], size: usize, cfg: &DetectConfig) -> Score {
    let mut total = Score::default();
    for &seed in seeds {
        total.add(score_scene(
            &generate(&SynthParams::new(seed, size, size, preset)),
            seed,
            cfg,
        ));
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
    score_background_excluding(path, generic, seeds, cfg, None)
}

/// [`score_background`] with an exclusion layer (`--exclude FILE`, buffer in metres), read on
/// the background's grid as `seamfire detect --exclude` reads it.
pub fn score_background_excluding(
    path: &std::path::Path,
    generic: crate::calibrate::GenericRequest,
    seeds: &[u64],
    cfg: &DetectConfig,
    exclude: Option<(&std::path::Path, f64)>,
) -> crate::error::Result<Score> {
    use super::{CalibrateOptions, calibrate_scene, thermal_validity};
    let scene = crate::scene::open_scene(path, None)?;
    let cal = calibrate_scene(
        &scene,
        &CalibrateOptions {
            generic,
            spectral_water: cfg.spectral_water,
            mask: cfg.mask.clone(),
            ..CalibrateOptions::default()
        },
    )?;
    let valid = thermal_validity(&cal, cfg.mask_cirrus);
    let water = super::detect::water_of(&cal);
    let exclusions = match exclude {
        Some((file, buffer_m)) => {
            let (e, warnings) = crate::io::read_exclusions(file, &cal.raster.georef, buffer_m)?;
            for w in warnings {
                tracing::warn!("{w}");
            }
            Some(e)
        }
        None => None,
    };
    let (rows, cols) = cal.raster.shape();
    let mut total = Score::default();
    for &seed in seeds {
        let p = SynthParams::new(seed, rows, cols, Preset::Day);
        let mut planted =
            crate::synth::plant_into(&cal.raster.data, &valid, cal.raster.georef.clone(), &p);
        // The background's masked water, as a generated scene's QA says it (`detect::shore`).
        if let Some(water) = &water {
            Zip::from(&mut planted.qa_pixel)
                .and(water)
                .for_each(|q, &w| {
                    if w {
                        *q = crate::synth::qa::QA_WATER;
                    }
                });
        }
        total.add(score_scene_excluding(
            &planted,
            seed,
            cfg,
            exclusions.as_ref(),
        ));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::object_outcome::Outcome;
    use crate::vector::ExcludedSite;
    use geo::Point;

    fn site_at(scene: &SynthScene, row: usize, col: usize) -> ExcludedSite {
        let (x, y) = scene.georef.transform.pixel_centre(row, col);
        ExcludedSite {
            id: format!("{row}-{col}"),
            name: None,
            geometry: Geometry::Point(Point::new(x, y)),
        }
    }

    #[test]
    fn excluded_sites_are_neither_false_zones_nor_objects() {
        let mut scene = generate(&SynthParams::new(3, 240, 240, Preset::Night));
        // A "refinery": 3 x 3 px at +15 K in the background itself (not planted truth), far from
        // every planted object (checked), so it is a false zone of its own without exclusions.
        let (r0, c0) = (30..210)
            .flat_map(|r| (30..210).map(move |c| (r, c)))
            .find(|&(r, c)| {
                let near = |rr: usize, cc: usize| scene.truth_id[[rr, cc]] != 0;
                (r - 20..=r + 20).all(|rr| (c - 20..=c + 20).all(|cc| !near(rr, cc)))
            })
            .expect("a clear 41 x 41 px square");
        for r in r0 - 1..=r0 + 1 {
            for c in c0 - 1..=c0 + 1 {
                scene.bt_k[[r, c]] += 15.0;
                scene.background_k[[r, c]] += 15.0;
            }
        }
        let cfg = DetectConfig::default();
        let plain = score_scene(&scene, 3, &cfg);
        // A site on the refinery's centre pixel, 0 m buffer: its zone (the 3 x 3 px around it,
        // found: 15 K is above the 5 K ceiling) is excluded, exactly one false zone less.
        let on_refinery = Exclusions::new(vec![site_at(&scene, r0, c0)], 0.0, "t".into());
        let ex = score_scene_excluding(&scene, 3, &cfg, Some(&on_refinery));
        assert!(plain.background.false_zones >= 1, "{plain:?}");
        assert_eq!(ex.background.false_zones, plain.background.false_zones - 1);
        assert_eq!(ex.planted.false_zones, plain.planted.false_zones - 1);
        assert_eq!(ex.planted.objects, plain.planted.objects);

        // A site on a planted object's pixel: that object (alone: no other object within 3 px)
        // leaves the truth set.
        let o = scene
            .objects
            .iter()
            .find_map(|o| {
                let (r, c) = scene
                    .truth_id
                    .indexed_iter()
                    .find(|(_, id)| **id == o.id)?
                    .0;
                let alone = (r.saturating_sub(3)..(r + 4).min(240)).all(|rr| {
                    (c.saturating_sub(3)..(c + 4).min(240))
                        .all(|cc| [0, o.id].contains(&scene.truth_id[[rr, cc]]))
                });
                alone.then_some((o.id, o.peak_delta_k, r, c))
            })
            .expect("an isolated object");
        let on_object = Exclusions::new(vec![site_at(&scene, o.2, o.3)], 0.0, "t".into());
        let ex = score_scene_excluding(&scene, 3, &cfg, Some(&on_object));
        let bin = crate::detect::accuracy::delta_bin(o.1);
        let total = |s: &Score, b: usize| s.planted.objects[b][1];
        assert_eq!(total(&ex, bin), total(&plain, bin) - 1, "object {}", o.0);
        let others: usize = (0..3).filter(|&b| b != bin).map(|b| total(&ex, b)).sum();
        let others_plain: usize = (0..3).filter(|&b| b != bin).map(|b| total(&plain, b)).sum();
        assert_eq!(others, others_plain);
        assert!(plain.objects.iter().any(|(_, x)| x.id == o.0));
        assert!(
            !ex.objects.iter().any(|(_, x)| x.id == o.0),
            "left out with it"
        );
        assert_eq!(ex.objects.len(), plain.objects.len() - 1);
        // Every object has a row, and the rows' fire zones are the recall's detections.
        let counted = |s: &Score, i: usize| s.planted.objects.iter().map(|b| b[i]).sum::<usize>();
        assert_eq!(plain.objects.len(), counted(&plain, 1));
        let zones = plain
            .objects
            .iter()
            .filter(|(_, x)| x.outcome == Outcome::Zone);
        assert_eq!(zones.count(), counted(&plain, 0));
        assert!(plain.objects.iter().all(|(seed, _)| *seed == 3));
    }
}

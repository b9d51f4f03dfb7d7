//! Detection stage: temperature from the thermal input, SWIR reflectance from optical inputs,
//! the configured methods, one merged anomaly layer and fire zones.

use std::path::Path;
use std::time::Instant;

use ndarray::{Array2, Zip};
use serde::Serialize;

use super::calibrate::{CalibrateOptions, Calibrated, calibrate_scene};
use super::swir::read_swir_bands;
use crate::detect::budget::{self, BudgetOutcome};
use crate::detect::cluster::{FireZone, fire_zones};
use crate::detect::config::DetectConfig;
use crate::detect::contextual::detect_contextual;
use crate::detect::ksigma::detect_ksigma;
use crate::detect::otsu::detect_otsu;
use crate::detect::swir::detect_swir;
use crate::detect::{Detection, DetectionStats, Flagged, Method, confidence};
use crate::error::{Error, Result};
use crate::io::aoi_mask;
use crate::raster::{Georef, MaskReason, check_same_grid};
use crate::scene::Scene;

/// Wall-clock time of one stage, for `detection.json`.
#[derive(Debug, Clone, Serialize)]
pub struct Timing {
    pub stage: String,
    pub seconds: f64,
}

/// Everything one detection run produces, in memory.
#[derive(Debug, Clone)]
pub struct SceneDetection {
    /// The calibrated temperature (BT or LST), when a thermal band was present.
    pub temperature: Option<Calibrated>,
    /// Merged classes: 0 none, 1 low, 2 nominal, 3 high, 255 not processed.
    pub anomaly: Array2<u8>,
    pub georef: Georef,
    /// Flagged pixels of every method, row-major per method.
    pub flagged: Vec<Flagged>,
    pub zones: Vec<FireZone>,
    /// Zone id per pixel (0 = none).
    pub zone_labels: Array2<u32>,
    pub methods: Vec<(Method, DetectionStats)>,
    pub timings: Vec<Timing>,
    pub day: Option<bool>,
    pub warnings: Vec<String>,
    /// What the false-alarm budget decided for the thermal evidence.
    pub budget: Option<BudgetOutcome>,
    /// The window preset the thermal method ran with (`drone`/`satellite`; `detect::preset`).
    pub windows: Option<&'static str>,
}

/// The validity of a temperature raster for detection: not NaN, not fill, cloud, cloud shadow
/// or water (QA), and not cirrus when `mask_cirrus`.
pub fn thermal_validity(cal: &Calibrated, mask_cirrus: bool) -> Array2<bool> {
    let reject = thermal_reject_flags(mask_cirrus);
    let mut valid = cal.raster.data.mapv(|v| !v.is_nan());
    if let Some(mask) = &cal.mask {
        Zip::from(&mut valid)
            .and(&mask.flags)
            .for_each(|v, &f| *v &= f & reject == 0);
    }
    valid
}

/// The mask flags that make a pixel invalid for thermal detection.
pub fn thermal_reject_flags(mask_cirrus: bool) -> u8 {
    let mut reject = MaskReason::FILL
        | MaskReason::CLOUD
        | MaskReason::SHADOW
        | MaskReason::WATER
        | MaskReason::MASK_FILE;
    if mask_cirrus {
        reject |= MaskReason::CIRRUS;
    }
    reject
}

/// The scene whose thermal band detection uses: the first with a temperature band.
pub fn thermal_scene(scenes: &[Scene]) -> Option<&Scene> {
    scenes.iter().find(|s| {
        s.default_thermal_band()
            .is_some_and(|b| is_temperature_band(s, &b))
    })
}

/// Runs the configured thermal method, then its false-alarm budget (`detect::budget`).
pub fn run_thermal(
    t: &Array2<f32>,
    valid: &Array2<bool>,
    pixel_m: f64,
    cfg: &DetectConfig,
) -> Option<Detection> {
    run_thermal_budgeted(t, valid, pixel_m, cfg).map(|(d, _)| d)
}

/// [`run_thermal`] with what the budget decided (for methods with a local background:
/// `contextual` and `multiscale`; the scene-wide `ksigma` and `otsu` keep their z classes).
pub fn run_thermal_budgeted(
    t: &Array2<f32>,
    valid: &Array2<bool>,
    pixel_m: f64,
    cfg: &DetectConfig,
) -> Option<(Detection, Option<BudgetOutcome>)> {
    run_thermal_near_water(t, valid, None, pixel_m, cfg)
}

/// The masked water of a calibrated band, when its mask has any.
pub fn water_of(cal: &Calibrated) -> Option<Array2<bool>> {
    crate::raster::where_flagged(&cal.mask.as_ref()?.flags, MaskReason::WATER)
}

/// [`run_thermal_budgeted`] on a scene with masked `water`: with `drop_shore`, the evidence
/// next to it is dropped before the budget (`detect::shore`), for the local-background methods.
pub fn run_thermal_near_water(
    t: &Array2<f32>,
    valid: &Array2<bool>,
    water: Option<&Array2<bool>>,
    pixel_m: f64,
    cfg: &DetectConfig,
) -> Option<(Detection, Option<BudgetOutcome>)> {
    let shore = water.filter(|_| cfg.drop_shore);
    let run_method = |t: &Array2<f32>| {
        let mut det = run_method(t, valid, pixel_m, cfg)?;
        if let (Some(water), Method::Contextual | Method::Multiscale) = (shore, det.method) {
            let before: Vec<(usize, usize)> = det.flagged.iter().map(|f| (f.row, f.col)).collect();
            crate::detect::shore::drop_next_to_water(&mut det.flagged, water, 0);
            if det.flagged.len() != before.len() {
                for &(r, c) in &before {
                    det.classes[[r, c]] = crate::detect::confidence::NONE;
                }
                for f in &det.flagged {
                    det.classes[[f.row, f.col]] = f.confidence;
                }
                det.stats.flagged = det.flagged.len();
            }
        }
        Some(det)
    };
    let mut det = run_method(t)?;
    let outcome = match det.method {
        Method::Contextual | Method::Multiscale if cfg.budget.enabled => {
            // The mirror image: the same test on −T samples the background texture's tail
            // without the fires (`detect::budget`), when the scene is too smooth for a fit on
            // its own evidence.
            let cold_peaks = || {
                run_method(&t.mapv(|v| -v))
                    .map(|cold| budget::zone_peaks(&cold.flagged).0)
                    .unwrap_or_default()
            };
            let valid_px = det.stats.valid;
            budget::apply(
                &mut det.flagged,
                &mut det.classes,
                cold_peaks,
                valid_px,
                &cfg.budget,
            )
        }
        _ => None,
    };
    Some((det, outcome))
}

fn run_method(
    t: &Array2<f32>,
    valid: &Array2<bool>,
    pixel_m: f64,
    cfg: &DetectConfig,
) -> Option<Detection> {
    match cfg.thermal.method()? {
        Method::Contextual => Some(detect_contextual(t, valid, pixel_m, &cfg.contextual)),
        Method::Ksigma => Some(detect_ksigma(t, valid, &cfg.ksigma)),
        Method::Otsu => Some(detect_otsu(t, valid, &cfg.otsu)),
        Method::Multiscale => Some(crate::detect::multiscale::detect_multiscale(
            t,
            valid,
            pixel_m,
            &cfg.multiscale,
        )),
        Method::Swir => None,
    }
}

fn timed<T>(timings: &mut Vec<Timing>, stage: &str, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    timings.push(Timing {
        stage: stage.to_string(),
        seconds: start.elapsed().as_secs_f64(),
    });
    out
}

/// Detects anomalies in `scenes` (a thermal scene and/or OLI optical scenes on the same grid).
/// `aoi` is a polygon file limiting processing to an area (pixels outside are not processed).
pub fn detect_scenes(
    scenes: &[Scene],
    cfg: &DetectConfig,
    aoi: Option<&Path>,
) -> Result<SceneDetection> {
    let mut timings = Vec::new();
    let mut warnings = Vec::new();
    let mut detections: Vec<Detection> = Vec::new();
    let mut grid: Option<(Georef, (usize, usize), String)> = None;
    let mut temperature = None;
    let mut day = None;
    let mut budget_outcome = None;
    let mut windows = None;
    let thermal_scene = thermal_scene(scenes);
    if let (Some(scene), Some(_)) = (thermal_scene, cfg.thermal.method()) {
        let cal = timed(&mut timings, "calibrate", || {
            calibrate_scene(
                scene,
                &CalibrateOptions {
                    band: None,
                    lst: cfg.lst,
                    generic: cfg.input,
                    spectral_water: cfg.spectral_water,
                    mask: cfg.mask.clone(),
                },
            )
        })?;
        warnings.extend(cal.warnings.iter().cloned());
        let mut valid = thermal_validity(&cal, cfg.mask_cirrus);
        if let Some(aoi) = aoi {
            let inside = timed(&mut timings, "aoi", || {
                aoi_mask(aoi, &cal.raster.georef, cal.raster.shape())
            })?;
            Zip::from(&mut valid).and(&inside).for_each(|v, &i| *v &= i);
        }
        let pixel_m = cal.raster.georef.nominal_pixel_m(cal.raster.shape().0);
        check_pixel_size(&scene.input, pixel_m, &cal.raster.georef)?;
        // A scene that is not surface temperatures (a wrong unit or scale) is refused before
        // any test, as the streamed path does after its first pass.
        if let Some((median, _)) = crate::detect::robust::median_mad(&cal.raster.data, &valid) {
            let band_file = scene.bands.get(&cal.band).unwrap_or(&scene.input);
            crate::detect::plausible::check_median_k(median)
                .map_err(|why| Error::input(band_file, why))?;
        }
        let name = cfg.thermal.method().map_or("thermal", |m| m.name());
        let (cfg_eff, preset) = crate::detect::preset::effective(cfg, pixel_m);
        windows = Some(preset);
        let water = water_of(&cal);
        let det = timed(&mut timings, name, || {
            run_thermal_near_water(&cal.raster.data, &valid, water.as_ref(), pixel_m, &cfg_eff)
        });
        if let Some((det, outcome)) = det {
            detections.push(det);
            budget_outcome = outcome;
        }
        // Grid mismatches name the band files, not the product directory.
        let band_file = scene.bands.get(&cal.band).unwrap_or(&scene.input);
        grid = Some((
            cal.raster.georef.clone(),
            cal.raster.shape(),
            band_file.display().to_string(),
        ));
        day = scene.metadata.is_day();
        temperature = Some(cal);
    }
    if cfg.swir_enabled {
        for scene in scenes.iter().filter(|s| has_swir(s)) {
            if scene.metadata.is_day() != Some(true) {
                warnings.push(format!(
                    "{}: night scene, swir test skipped (it runs only by day)",
                    scene.input.display()
                ));
                continue;
            }
            let bands = timed(&mut timings, "read swir", || read_swir_bands(scene))?;
            if let Some((g, shape, name)) = &grid {
                check_same_grid(
                    *shape,
                    g,
                    bands.dim(),
                    &bands.georef,
                    name,
                    &scene
                        .bands
                        .get("B5")
                        .unwrap_or(&scene.input)
                        .display()
                        .to_string(),
                )?;
            }
            let mut det = timed(&mut timings, "swir", || {
                detect_swir(&bands.input(), &cfg.swir)
            });
            if let Some(aoi) = aoi {
                let inside = aoi_mask(aoi, &bands.georef, bands.dim())?;
                restrict_to(&mut det, &inside);
            }
            if grid.is_none() {
                grid = Some((
                    bands.georef.clone(),
                    bands.dim(),
                    scene.input.display().to_string(),
                ));
            }
            day = day.or(Some(true));
            detections.push(det);
        }
    }
    let Some((georef, shape, _)) = grid else {
        let names: Vec<String> = scenes
            .iter()
            .map(|s| s.input.display().to_string())
            .collect();
        return Err(Error::input(
            names.join(", "),
            "nothing to detect on: no thermal band, and no daytime OLI SWIR bands (B5, B6, B7)",
        ));
    };
    let anomaly = merge_classes(&detections, shape);
    let flagged: Vec<Flagged> = detections
        .iter()
        .flat_map(|d| d.flagged.iter().copied())
        .collect();
    // Low-confidence evidence stays in the anomaly layer and the hotspots, but makes no zone.
    let zone_pixels: Vec<Flagged> = flagged
        .iter()
        .filter(|f| cfg.low_confidence_zones || f.confidence >= confidence::NOMINAL)
        .copied()
        .collect();
    let (mut zones, zone_labels) = timed(&mut timings, "zones", || {
        fire_zones(
            &zone_pixels,
            shape,
            temperature.as_ref().map(|c: &Calibrated| &c.raster.data),
            &georef.transform,
        )
    });
    ground_areas(&mut zones, &zone_labels, &georef);
    Ok(SceneDetection {
        temperature,
        anomaly,
        georef,
        flagged,
        zones,
        zone_labels,
        methods: detections.iter().map(|d| (d.method, d.stats)).collect(),
        timings,
        day,
        warnings,
        budget: budget_outcome,
        windows,
    })
}

/// Refuses grids whose pixel size cannot size the detection windows (no geotransform, zero or
/// absurd sizes), instead of running for ever or on nonsense windows.
pub(super) fn check_pixel_size(input: &Path, pixel_m: f64, georef: &Georef) -> Result<()> {
    if pixel_m.is_finite() && (1e-3..=1e5).contains(&pixel_m) {
        return Ok(());
    }
    Err(Error::input(
        input,
        format!(
            "pixel size {pixel_m} m (geotransform {:?}) cannot size the detection windows; \
             the raster needs a valid georeferencing",
            georef.transform.0
        ),
    ))
}

/// Sets each zone's area from the ground area of its pixels (their latitude, on a
/// geographic grid; pixel count × the scaled pixel area on a grid whose units are not ground
/// metres, [`Georef::ground_m_per_unit`]; on any other projected grid this equals pixel
/// count × pixel area, already set).
fn ground_areas(zones: &mut [FireZone], labels: &Array2<u32>, georef: &Georef) {
    if !georef.is_geographic() && georef.ground_m_per_unit.is_none() {
        return;
    }
    let mut area = vec![0f64; zones.len() + 1];
    for ((r, _), &id) in labels.indexed_iter() {
        if id != 0 {
            area[id as usize] += georef.pixel_area_m2_at(r as f64);
        }
    }
    for z in zones.iter_mut() {
        z.area_m2 = area[z.id as usize];
    }
}

fn is_temperature_band(scene: &Scene, band: &str) -> bool {
    use crate::mtl::Sensor;
    match scene.metadata.sensor {
        Sensor::OliTirs => matches!(band, "B10" | "B11" | "ST_B10"),
        Sensor::Tm | Sensor::EtmPlus => band.starts_with("B6") || band == "ST_B6",
        Sensor::Aster | Sensor::Generic => true,
        Sensor::Mss => false,
    }
}

fn has_swir(scene: &Scene) -> bool {
    scene.metadata.sensor == crate::mtl::Sensor::OliTirs
        && scene.metadata.level == crate::mtl::Level::L1
        && ["B5", "B6", "B7"]
            .iter()
            .all(|b| scene.bands.contains_key(*b))
}

/// Marks pixels outside the AOI not processed and drops their detections.
fn restrict_to(det: &mut Detection, inside: &Array2<bool>) {
    Zip::from(&mut det.classes).and(inside).for_each(|k, &i| {
        if !i {
            *k = confidence::NOT_PROCESSED;
        }
    });
    det.flagged.retain(|f| inside[[f.row, f.col]]);
    det.stats.flagged = det.flagged.len();
}

/// One class per pixel: the highest confidence of the methods that processed it;
/// `NOT_PROCESSED` only where no method did.
pub fn merge_classes(detections: &[Detection], shape: (usize, usize)) -> Array2<u8> {
    let mut out = Array2::from_elem(shape, confidence::NOT_PROCESSED);
    for d in detections {
        Zip::from(&mut out).and(&d.classes).for_each(|o, &k| {
            if k != confidence::NOT_PROCESSED && (*o == confidence::NOT_PROCESSED || k > *o) {
                *o = k;
            }
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    fn det(classes: Array2<u8>) -> Detection {
        Detection {
            method: Method::Contextual,
            classes,
            flagged: vec![],
            stats: DetectionStats::default(),
        }
    }

    #[test]
    fn merge_keeps_the_highest_processed_class() {
        let a = det(array![[0, 1, 255, 255]]);
        let b = det(array![[255, 3, 2, 255]]);
        assert_eq!(merge_classes(&[a, b], (1, 4)), array![[0, 3, 2, 255]]);
    }
}

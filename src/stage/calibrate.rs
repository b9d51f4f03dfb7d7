//! Calibration stage: picks the band, reads it, applies the matching calibration, decodes QA.

use std::path::Path;

use crate::calibrate::{
    self, GenericRequest, GenericThermal, GenericUnit, QaLayout, Quantity, constants, dn_to_bt_k,
    dn_to_reflectance, dn_to_st_k, generic_to_bt_k, qa_mask,
};
use crate::error::{Error, Result};
use crate::io;
use crate::mtl::{Level, Mission, Rescale, Sensor, ThermalConstants};
use crate::raster::{MaskReason, Raster, Unit, ValidityMask};
use crate::scene::{Scene, normalize_band_arg};

use super::read_dn::read_dn;

/// What to calibrate and how.
#[derive(Debug, Clone, Default)]
pub struct CalibrateOptions {
    /// Band id or number (`10`, `B10`, `ST_B10`); default: the scene's thermal band.
    pub band: Option<String>,
    /// Land-surface temperature instead of brightness temperature.
    pub lst: bool,
    /// How to read a generic (non-Landsat) raster; default: the band's own unit tag and GDAL
    /// scale/offset.
    pub generic: GenericRequest,
}

/// The scale, offset and unit a generic raster is read with, and a log line saying where each
/// came from (GDAL's unscaled-value convention: `value = raw · scale + offset`).
pub fn resolve_generic(
    path: &Path,
    req: GenericRequest,
    file_scale: Option<f64>,
    file_offset: Option<f64>,
    file_unit: &Unit,
) -> Result<(GenericThermal, Option<String>)> {
    let unit = match (req.unit, file_unit) {
        (Some(u), _) => u,
        (None, Unit::Kelvin) => GenericUnit::Kelvin,
        (None, Unit::Celsius) => GenericUnit::Celsius,
        (None, _) => {
            return Err(Error::input(
                path,
                "cannot tell the unit of this raster (no Landsat MTL, no unit tag); pass --input-unit kelvin|celsius|radiance",
            ));
        }
    };
    let pick = |user: Option<f64>, file: Option<f64>, neutral: f64, what: &str| match (user, file) {
        (Some(u), Some(f)) if u != f => (u, Some(format!("{what} {u} (given; the file says {f})"))),
        (Some(u), _) => (u, Some(format!("{what} {u} (given)"))),
        (None, Some(f)) if f != neutral => (
            f,
            Some(format!("{what} {f} (from the file's GDAL metadata)")),
        ),
        (None, _) => (neutral, None),
    };
    let (scale, s_note) = pick(req.scale, file_scale, 1.0, "scale");
    let (offset, o_note) = pick(req.offset, file_offset, 0.0, "offset");
    for (v, name) in [(scale, "scale"), (offset, "offset")] {
        if !v.is_finite() || (name == "scale" && v == 0.0) {
            return Err(Error::input(path, format!("{name} {v} is not usable")));
        }
    }
    let notes: Vec<String> = [s_note, o_note].into_iter().flatten().collect();
    let note = (!notes.is_empty()).then(|| {
        format!(
            "{}: values read as raw · scale + offset with {}",
            path.display(),
            notes.join(", ")
        )
    });
    Ok((
        GenericThermal {
            scale,
            offset,
            unit,
        },
        note,
    ))
}

/// A calibrated band with everything needed to write and report it.
#[derive(Debug, Clone)]
pub struct Calibrated {
    /// Float32 values, NaN = nodata.
    pub raster: Raster<f32>,
    pub quantity: Quantity,
    /// Band id that was calibrated.
    pub band: String,
    /// Fill plus QA flags, when the scene has a QA band of known layout.
    pub mask: Option<ValidityMask>,
    /// Fallbacks used and other things the user should know.
    pub warnings: Vec<String>,
    /// Constants applied, for the record.
    pub constants: serde_json::Value,
    /// K1/K2 used, for thermal Level-1 bands.
    pub thermal: Option<ThermalConstants>,
}

/// Calibrates one band of `scene`.
pub fn calibrate_scene(scene: &Scene, opts: &CalibrateOptions) -> Result<Calibrated> {
    let band = match &opts.band {
        Some(b) => normalize_band_arg(b),
        None => scene.default_thermal_band().ok_or_else(|| {
            Error::input(&scene.input, "no thermal band found; name one with --band")
        })?,
    };
    let band = if scene.metadata.mission == Mission::Generic && band == "B1" {
        "1".to_string()
    } else {
        band
    };
    let path = scene.bands.get(&band).ok_or_else(|| {
        let present: Vec<&str> = scene.bands.keys().map(String::as_str).collect();
        Error::input(
            &scene.input,
            format!(
                "band {band} not found (bands present: {})",
                present.join(", ")
            ),
        )
    })?;
    let mut out = if scene.metadata.mission == Mission::Generic {
        calibrate_generic(path, &band, opts.generic)?
    } else {
        calibrate_dn(scene, path, &band)?
    };
    if opts.lst {
        apply_lst(scene, &mut out)?;
    }
    let mut warnings = std::mem::take(&mut out.warnings);
    out.mask = qa_validity(scene, &out, &mut warnings)?;
    out.warnings = warnings;
    Ok(out)
}

fn calibrate_generic(path: &Path, band: &str, req: GenericRequest) -> Result<Calibrated> {
    let info = io::raster_info(path)?;
    let raster = io::read_band::<f64>(path, 1)?;
    let (how, note) = resolve_generic(path, req, info.scale, info.offset, &raster.unit)?;
    if let Some(note) = &note {
        tracing::info!("{note}");
    }
    let bt = generic_to_bt_k(&raster.data, raster.nodata, how);
    require_valid(path, &bt)?;
    Ok(Calibrated {
        raster: float_raster(bt, &raster.georef),
        quantity: Quantity::BrightnessTemperature,
        band: band.to_string(),
        mask: None,
        warnings: Vec::new(),
        constants: serde_json::json!({ "generic": how }),
        thermal: None,
    })
}

fn is_thermal(sensor: Sensor, band: &str) -> bool {
    match sensor {
        Sensor::OliTirs => matches!(band, "B10" | "B11"),
        Sensor::Tm => band == "B6",
        Sensor::EtmPlus => band.starts_with("B6_VCID"),
        Sensor::Aster => matches!(band, "B10" | "B11" | "B12" | "B13" | "B14"),
        _ => false,
    }
}

fn calibrate_dn(scene: &Scene, path: &Path, band: &str) -> Result<Calibrated> {
    let m = &scene.metadata;
    let cal = m.calibration.get(band).copied().unwrap_or_default();
    let dn = read_dn(path)?;
    let mut warnings = Vec::new();
    let mut thermal = None;
    let (data, quantity, constants) = if band.starts_with("ST_B") {
        let scale = cal.temperature.unwrap_or_else(|| {
            warnings.push(format!("{}: no TEMPERATURE_MULT/ADD_BAND_{band}; using the USGS Collection-2 scale 0.00341802, 149.0", m.source.display()));
            Rescale { mult: 0.00341802, add: 149.0 }
        });
        (
            dn_to_st_k(&dn.raster.data, |d| dn.is_fill(d), scale),
            Quantity::SurfaceTemperature,
            serde_json::json!({ "temperature": scale }),
        )
    } else if is_thermal(m.sensor, band) {
        let (rescale, k) = thermal_constants(scene, band, cal, &mut warnings)?;
        thermal = Some(k);
        (
            dn_to_bt_k(&dn.raster.data, |d| dn.is_fill(d), rescale, k),
            Quantity::BrightnessTemperature,
            serde_json::json!({ "radiance": rescale, "thermal": k }),
        )
    } else {
        let rescale = cal.reflectance.ok_or_else(|| {
            Error::metadata(
                &m.source,
                format!(
                    "no reflectance rescaling (REFLECTANCE_MULT/ADD) for band {band}{}",
                    m.missing_groups_note()
                ),
            )
        })?;
        let (sun, quantity) = if band.starts_with("SR_") {
            (None, Quantity::SurfaceReflectance)
        } else {
            let elev = m.sun_elevation_deg.filter(|e| *e > 0.0).ok_or_else(|| {
                Error::metadata(
                    &m.source,
                    "TOA reflectance needs SUN_ELEVATION > 0 (a daytime scene)",
                )
            })?;
            (Some(elev), Quantity::ToaReflectance)
        };
        (
            dn_to_reflectance(&dn.raster.data, |d| dn.is_fill(d), rescale, sun),
            quantity,
            serde_json::json!({ "reflectance": rescale, "sun_elevation_deg": sun }),
        )
    };
    let unit = match quantity {
        Quantity::ToaReflectance | Quantity::SurfaceReflectance => Unit::Reflectance,
        _ => Unit::Kelvin,
    };
    let mut raster = float_raster(data, &dn.raster.georef);
    raster.unit = unit;
    Ok(Calibrated {
        raster,
        quantity,
        band: band.to_string(),
        mask: None,
        warnings,
        constants,
        thermal,
    })
}

/// Radiance rescale and K1/K2 from the MTL; per-sensor published constants when it lacks them.
fn thermal_constants(
    scene: &Scene,
    band: &str,
    cal: crate::mtl::BandCalibration,
    warnings: &mut Vec<String>,
) -> Result<(Rescale, ThermalConstants)> {
    let m = &scene.metadata;
    let fallback = if m.sensor == Sensor::Aster {
        constants::aster_tir(band)
    } else {
        constants::landsat_thermal(m.mission, band)
    };
    let source = m.source.display();
    let rescale = match (cal.radiance, fallback) {
        (Some(r), _) => r,
        (None, Some((r, _))) => {
            warnings.push(format!("{source}: no radiance rescaling for {band}{}; using published {} constants ML={} AL={}", m.missing_groups_note(), m.mission, r.mult, r.add));
            r
        }
        (None, None) => {
            return Err(Error::metadata(
                &m.source,
                format!(
                    "no RADIANCE_MULT/ADD for band {band}{} and no published fallback for {}",
                    m.missing_groups_note(),
                    m.mission
                ),
            ));
        }
    };
    let k = match (cal.thermal, fallback) {
        (Some(k), _) => k,
        (None, Some((_, k))) => {
            warnings.push(format!(
                "{source}: no K1/K2 for {band}{}; using published {} constants K1={} K2={}",
                m.missing_groups_note(),
                m.mission,
                k.k1,
                k.k2_k
            ));
            k
        }
        (None, None) => {
            return Err(Error::metadata(
                &m.source,
                format!(
                    "no K1/K2 constants for band {band}{} and no published fallback for {}",
                    m.missing_groups_note(),
                    m.mission
                ),
            ));
        }
    };
    Ok((rescale, k))
}

fn apply_lst(scene: &Scene, out: &mut Calibrated) -> Result<()> {
    if out.quantity != Quantity::BrightnessTemperature || scene.metadata.level == Level::L2Sp {
        return Err(Error::input(
            &scene.input,
            format!(
                "--lst applies to Level-1 thermal bands; band {} is {}",
                out.band,
                out.quantity.label()
            ),
        ));
    }
    let (red_id, nir_id) = scene.red_nir_bands().ok_or_else(|| {
        Error::input(
            &scene.input,
            "--lst needs red and near-infrared bands, which this sensor has none of",
        )
    })?;
    let refl = |id: &str| -> Result<Raster<f32>> {
        let path = scene.bands.get(id).ok_or_else(|| {
            Error::input(
                &scene.input,
                format!("--lst needs band {id} (red/NIR for NDVI) beside the thermal band"),
            )
        })?;
        let c = calibrate_dn(scene, path, id)?;
        c.raster.check_same_grid(
            &out.raster,
            &path.display().to_string(),
            &band_file(scene, &out.band),
        )?;
        Ok(c.raster)
    };
    let (red, nir) = (refl(red_id)?, refl(nir_id)?);
    let k = out
        .thermal
        .ok_or_else(|| Error::input(&scene.input, "--lst needs a thermal band with K1/K2"))?;
    let wavelength_um = constants::effective_wavelength_um(scene.metadata.mission, &out.band, k);
    out.raster.data =
        calibrate::land_surface_temperature(&out.raster.data, &red.data, &nir.data, wavelength_um);
    out.quantity = Quantity::LandSurfaceTemperature;
    out.constants["lst"] = serde_json::json!({
        "emissivity": "NDVI threshold (Sobrino 2004): NDVI<0.2: 0.973-0.047*red; NDVI>0.5: 0.99; else 0.004*Pv+0.986",
        "wavelength_um": wavelength_um, "red_band": red_id, "nir_band": nir_id,
    });
    Ok(())
}

/// Fill (NaN) plus the decoded QA band, when the scene has one of known layout on the same grid.
fn qa_validity(
    scene: &Scene,
    out: &Calibrated,
    warnings: &mut Vec<String>,
) -> Result<Option<ValidityMask>> {
    let Some((qa_id, qa_path)) = scene.qa_band() else {
        return Ok(None);
    };
    let m = &scene.metadata;
    let Some(layout) = QaLayout::for_band(qa_id, m.collection, m.sensor) else {
        warnings.push(format!(
            "{}: QA layout of {qa_id} for {:?} {:?} unknown; QA not applied",
            qa_path.display(),
            m.collection,
            m.sensor
        ));
        return Ok(None);
    };
    let qa = super::read_dn::read_qa(qa_path)?;
    qa.check_same_grid(
        &out.raster,
        &qa_path.display().to_string(),
        &band_file(scene, &out.band),
    )?;
    let mut mask = qa_mask(&qa.data, layout);
    mask.flag_where(MaskReason::FILL, |r, c| out.raster.data[[r, c]].is_nan());
    Ok(Some(mask))
}

/// The file of band `id` of `scene` for messages (the id itself when it has none).
fn band_file(scene: &Scene, id: &str) -> String {
    scene
        .bands
        .get(id)
        .map_or_else(|| id.to_string(), |p| p.display().to_string())
}

fn float_raster(data: ndarray::Array2<f32>, georef: &crate::raster::Georef) -> Raster<f32> {
    Raster {
        data,
        georef: georef.clone(),
        nodata: Some(f64::NAN),
        unit: Unit::Kelvin,
    }
}

fn require_valid(path: &Path, data: &ndarray::Array2<f32>) -> Result<()> {
    if data.iter().all(|v| v.is_nan()) {
        return Err(Error::input(path, "no valid pixels: every pixel is nodata"));
    }
    Ok(())
}

//! Calibration stage: picks the band, reads it, applies the matching calibration, decodes QA
//! (the decisions and the per-block computation are in `calibrate_plan`).

use super::calibrate_plan::{mask_of, plan_calibration};
use crate::calibrate::{GenericRequest, GenericThermal, GenericUnit, Quantity};
use crate::error::{Error, Result};
use crate::mtl::ThermalConstants;
use crate::raster::{PixelWindow, Raster, Unit, ValidityMask};
use crate::scene::Scene;
use std::path::Path;

/// What to calibrate and how.
#[derive(Debug, Clone)]
pub struct CalibrateOptions {
    /// Band id or number (`10`, `B10`, `ST_B10`); default: the scene's thermal band.
    pub band: Option<String>,
    /// Land-surface temperature instead of brightness temperature.
    pub lst: bool,
    /// How to read a generic (non-Landsat) raster; default: the band's own unit tag and GDAL
    /// scale/offset.
    pub generic: GenericRequest,
    /// Mask water in a temperature's validity mask by its spectral test when the QA band
    /// cannot say where water is and the optical bands are present (default on).
    pub spectral_water: bool,
    /// A validity raster on the band's grid whose non-zero values (other than its nodata) are
    /// not processed (`--mask`: a cloud mask of an LST product, Fmask, a hand-made mask).
    pub mask: Option<std::path::PathBuf>,
}

impl Default for CalibrateOptions {
    fn default() -> Self {
        Self {
            band: None,
            lst: false,
            generic: GenericRequest::default(),
            spectral_water: true,
            mask: None,
        }
    }
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
                "cannot tell the unit of this raster (no Landsat MTL, no unit tag or `units` metadata); pass --input-unit kelvin|celsius|radiance",
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
    /// The predictor the values compress best with (`CalibrationPlan::predictor`).
    pub predictor: crate::io::Predictor,
}

/// Calibrates one band of `scene`, whole (one block covering the raster; the streamed path,
/// [`super::calibrate_stream`], computes the same pixels block by block).
pub fn calibrate_scene(scene: &Scene, opts: &CalibrateOptions) -> Result<Calibrated> {
    let plan = plan_calibration(scene, opts)?;
    let readers = plan.open_readers()?;
    let block = plan.calibrate_block(&readers, PixelWindow::full(plan.shape))?;
    plan.check_valid(block.input_counts)?;
    Ok(Calibrated {
        raster: Raster {
            data: block.values,
            georef: plan.georef.clone(),
            nodata: Some(f64::NAN),
            unit: plan.unit.clone(),
        },
        quantity: plan.quantity,
        band: plan.band,
        mask: block.mask.map(mask_of),
        warnings: plan.warnings,
        constants: plan.constants,
        thermal: plan.thermal,
        predictor: plan.predictor,
    })
}

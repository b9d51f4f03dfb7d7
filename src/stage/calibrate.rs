//! Calibration stage: picks the band, reads it, applies the matching calibration, decodes QA
//! (the decisions and the per-block computation are in `calibrate_plan`).

use super::calibrate_plan::{mask_of, plan_calibration};
use crate::calibrate::{GenericThermal, Quantity};
use crate::error::Result;
use crate::mtl::ThermalConstants;
use crate::raster::{PixelWindow, Raster, ValidityMask};
use crate::scene::Scene;

/// What to calibrate and how.
#[derive(Debug, Clone, Default)]
pub struct CalibrateOptions {
    /// Band id or number (`10`, `B10`, `ST_B10`); default: the scene's thermal band.
    pub band: Option<String>,
    /// Land-surface temperature instead of brightness temperature.
    pub lst: bool,
    /// How to read a generic (non-Landsat) raster; default: from the band's unit tag.
    pub generic: Option<GenericThermal>,
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

/// Calibrates one band of `scene`, whole (one block covering the raster; the streamed path,
/// [`super::calibrate_stream`], computes the same pixels block by block).
pub fn calibrate_scene(scene: &Scene, opts: &CalibrateOptions) -> Result<Calibrated> {
    let plan = plan_calibration(scene, opts)?;
    let readers = plan.open_readers()?;
    let block = plan.calibrate_block(&readers, PixelWindow::full(plan.shape))?;
    plan.check_valid(block.valid_inputs)?;
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
    })
}

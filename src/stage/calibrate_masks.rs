//! The validity a temperature gets beyond its QA band: water by its spectral test when the QA
//! band cannot say where water is, the mask rasters an LST product ships beside it and the
//! user's `--mask`, and the warning that says what stays unmasked. Decided from names and
//! headers; the per-block flags are set by [`super::calibrate_plan::CalibrationPlan::calibrate_block`].

use std::path::{Path, PathBuf};

use super::calibrate_plan::{CalibrationPlan, Input, on_output_grid, open_on_grid, plan_dn};
use crate::calibrate::Quantity;
use crate::error::Result;
use crate::raster::MaskReason;
use crate::scene::Scene;

/// A mask raster: its non-zero values other than its nodata set `reason`.
#[derive(Debug, Clone)]
pub(super) struct MaskInput {
    pub(super) path: PathBuf,
    pub(super) reason: u8,
    pub(super) nodata: Option<f64>,
}

/// The spectral water test's bands, when the thermal output's QA cannot say where water is
/// (no QA band, or a layout without a water bit) and the scene has them on the output's grid.
/// Never an error: without the bands (or by night, with no reflectance) water stays unmasked,
/// as [`warn_unmasked`] says.
pub(super) fn plan_water(scene: &Scene, out: &mut CalibrationPlan) {
    let temperature = !matches!(
        out.quantity,
        Quantity::ToaReflectance | Quantity::SurfaceReflectance
    );
    let qa_has_water = out.qa.as_ref().is_some_and(|(_, l)| l.has_water());
    if !temperature || qa_has_water {
        return;
    }
    let Some(ids) = scene.water_bands() else {
        return;
    };
    let mut inputs = Vec::with_capacity(4);
    for id in &ids {
        let Some(path) = scene.bands.get(id) else {
            return;
        };
        // A night scene has no reflectance (plan_dn refuses it): no test, no message beyond
        // the unmasked-water warning.
        let Ok(p) = plan_dn(scene, path, id) else {
            return;
        };
        if let Err(e) = on_output_grid(&p, path, scene, out) {
            out.warnings
                .push(format!("{e}: water is not masked by its spectral test"));
            return;
        }
        inputs.push(p.main);
    }
    let Ok([g, r, n, s]) = <[Input; 4]>::try_from(inputs) else {
        return;
    };
    tracing::info!(
        "{}: water masked by its spectral test (MNDWI > 0 and NDVI < 0 from {}), the QA band \
         having no water bit",
        scene.input.display(),
        ids.join(", ")
    );
    out.water = Some(Box::new([g, r, n, s]));
}

/// The mask rasters: an LST product's cloud and water masks found beside it (skipped with a
/// warning when they do not fit its grid), and the user's `--mask` (an error when it does not).
pub(super) fn plan_masks(
    scene: &Scene,
    out: &mut CalibrationPlan,
    user: Option<&Path>,
) -> Result<()> {
    use crate::scene::{CLOUD_MASK, WATER_MASK};
    for (id, reason, what) in [
        (CLOUD_MASK, MaskReason::CLOUD, "cloud"),
        (WATER_MASK, MaskReason::WATER, "water"),
    ] {
        let Some(path) = scene.bands.get(id) else {
            continue;
        };
        match open_mask(path, scene, out) {
            Ok(nodata) => {
                tracing::info!(
                    "{}: its {what} mask {} is applied (non-zero: {what}, not processed)",
                    scene.input.display(),
                    path.display()
                );
                out.masks.push(MaskInput {
                    path: path.clone(),
                    reason,
                    nodata,
                });
            }
            Err(e) => out.warnings.push(format!("{e}: {what} mask not applied")),
        }
    }
    if let Some(path) = user {
        let nodata = open_mask(path, scene, out)?;
        out.masks.push(MaskInput {
            path: path.to_path_buf(),
            reason: MaskReason::MASK_FILE,
            nodata,
        });
    }
    Ok(())
}

/// Opens a mask raster (band 1) and checks that it is on `out`'s grid: its nodata value.
fn open_mask(path: &Path, scene: &Scene, out: &CalibrationPlan) -> Result<Option<f64>> {
    Ok(open_on_grid(path, scene, out)?.nodata())
}

/// Says what the validity mask cannot hold, rather than detect on clouds in silence: the scene
/// names a QA band that is not among the inputs.
pub(super) fn warn_unmasked(scene: &Scene, out: &mut CalibrationPlan) {
    let Some((id, file)) = scene.missing_qa_file() else {
        return;
    };
    let what = if out.water.is_some() {
        "clouds and cloud shadows are not masked (water is, by its spectral test)"
    } else {
        "clouds, cloud shadows and water are not masked"
    };
    out.warnings.push(format!(
        "{}: names the {id} band {file}, which is not among the inputs: {what}",
        scene.metadata.source.display()
    ));
}

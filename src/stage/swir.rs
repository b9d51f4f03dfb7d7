//! Reads the OLI bands of a daytime Level-1 scene into the inputs of the `swir` method
//! (detection.md §2): sun-corrected TOA reflectance of bands 1 (optional) to 7, the fill mask
//! and the B7 saturation mask.
//!
//! Fill differs from [`read_dn`]'s per-band rule: a pixel is fill only where the QA band says so
//! (fill bit 0 of `QA_PIXEL`/`BQA`) or where *every* band read is fill (DN 0 or the band's declared
//! nodata). A single band at DN 0 among non-zero bands is a folded SWIR count over a hot fire; its
//! reflectance is computed as usual, `Aρ / sin(θ_SE)` (negative).

use ndarray::{Array2, Zip};

use super::read_dn::read_dn;
use crate::calibrate::{QaLayout, dn_to_reflectance};
use crate::detect::swir::SwirInput;
use crate::error::{Error, Result};
use crate::mtl::{Level, Sensor};
use crate::raster::{Georef, MaskReason};
use crate::scene::Scene;

/// B7 DN of a saturated pixel.
pub const B7_SATURATED_DN: u16 = 65535;

/// The inputs of [`crate::detect::swir::detect_swir`] for one scene, on one grid.
#[derive(Debug, Clone)]
pub struct SwirBands {
    /// Sun-corrected TOA reflectance of band 1, when the scene has it. NaN at fill pixels.
    pub r1: Option<Array2<f32>>,
    pub r2: Array2<f32>,
    pub r3: Array2<f32>,
    pub r4: Array2<f32>,
    pub r5: Array2<f32>,
    pub r6: Array2<f32>,
    pub r7: Array2<f32>,
    /// B7 DN 65535 (never set on fill pixels).
    pub b7_saturated: Array2<bool>,
    /// B7 DN 0 on a non-fill pixel: a folded count.
    pub b7_folded: Array2<bool>,
    /// Some band at DN 0 on a non-fill pixel (folded SWIR counts), for reporting.
    pub zero_dn: Array2<bool>,
    /// QA fill, or every band fill.
    pub fill: Array2<bool>,
    /// Grid of all the bands.
    pub georef: Georef,
    /// `SUN_ELEVATION` used for the sun correction (degrees, > 0).
    pub sun_elevation_deg: f64,
    /// Band ids read, in order (`B1` first when present).
    pub bands: Vec<String>,
}

impl SwirBands {
    /// Borrowed view for [`crate::detect::swir::detect_swir`].
    pub fn input(&self) -> SwirInput<'_> {
        SwirInput {
            r1: self.r1.as_ref(),
            r2: &self.r2,
            r3: &self.r3,
            r4: &self.r4,
            r5: &self.r5,
            r6: &self.r6,
            r7: &self.r7,
            b7_saturated: &self.b7_saturated,
            b7_folded: Some(&self.b7_folded),
            fill: &self.fill,
        }
    }

    /// `(rows, cols)`.
    pub fn dim(&self) -> (usize, usize) {
        self.r7.dim()
    }
}

/// Reads B1 (optional) and B2–B7 (required) of a daytime OLI Level-1 scene. Errors naming the
/// scene when a band or its `REFLECTANCE_MULT/ADD` is missing, when the sensor is not OLI, when
/// the scene is a Level-2 product, when `SUN_ELEVATION` is missing or `<= 0` (night: `swir` runs
/// only by day), or when the bands do not share one grid.
pub fn read_swir_bands(scene: &Scene) -> Result<SwirBands> {
    let m = &scene.metadata;
    if m.sensor != Sensor::OliTirs {
        return Err(Error::input(
            &scene.input,
            format!(
                "the swir method needs Landsat 8/9 OLI bands; this scene's sensor is {}",
                m.sensor
            ),
        ));
    }
    if m.level == Level::L2Sp {
        return Err(Error::input(
            &scene.input,
            "the swir method needs Level-1 bands (TOA reflectance); this is a Level-2 product",
        ));
    }
    let elev = match m.sun_elevation_deg {
        None => {
            return Err(Error::input(
                &scene.input,
                "the swir method needs SUN_ELEVATION in the metadata (it runs only by day)",
            ));
        }
        Some(e) if e <= 0.0 => {
            return Err(Error::input(
                &scene.input,
                format!(
                    "night scene (SUN_ELEVATION = {e}): the swir method runs only by day (sun elevation > 0)"
                ),
            ));
        }
        Some(e) => e,
    };

    let mut ids: Vec<&str> = Vec::with_capacity(7);
    if scene.bands.contains_key("B1") {
        ids.push("B1");
    }
    ids.extend(["B2", "B3", "B4", "B5", "B6", "B7"]);
    for id in &ids {
        if !scene.bands.contains_key(*id) {
            let present: Vec<&str> = scene.bands.keys().map(String::as_str).collect();
            return Err(Error::input(
                &scene.input,
                format!(
                    "the swir method needs band {id} (OLI B2–B7, B1 optional), which this scene lacks (bands present: {})",
                    present.join(", ")
                ),
            ));
        }
    }

    let mut refl: Vec<Array2<f32>> = Vec::with_capacity(ids.len());
    let mut all_fill: Option<Array2<bool>> = None;
    let mut zero_dn: Option<Array2<bool>> = None;
    let mut b7_dn_state: Option<Array2<u8>> = None;
    let mut grid: Option<crate::raster::Raster<u16>> = None;
    for id in &ids {
        let path = &scene.bands[*id];
        let rescale = m
            .calibration
            .get(*id)
            .and_then(|c| c.reflectance)
            .ok_or_else(|| {
                Error::metadata(
                    &m.source,
                    format!("no reflectance rescaling (REFLECTANCE_MULT/ADD) for band {id}"),
                )
            })?;
        let dn = read_dn(path)?;
        if let Some(first) = &grid {
            let first_path = scene.bands[ids[0]].display().to_string();
            dn.raster
                .check_same_grid(first, &path.display().to_string(), &first_path)?;
        }
        refl.push(dn_to_reflectance(
            &dn.raster.data,
            |_| false,
            rescale,
            Some(elev),
        ));
        let band_fill = Zip::from(&dn.raster.data).par_map_collect(|&d| dn.is_fill(d));
        let band_zero = dn.raster.data.mapv(|d| d == 0);
        match &mut all_fill {
            None => all_fill = Some(band_fill),
            Some(a) => a.zip_mut_with(&band_fill, |x, &y| *x &= y),
        }
        match &mut zero_dn {
            None => zero_dn = Some(band_zero),
            Some(a) => a.zip_mut_with(&band_zero, |x, &y| *x |= y),
        }
        if *id == "B7" {
            b7_dn_state = Some(dn.raster.data.mapv(|d| match d {
                0 => 1,
                B7_SATURATED_DN => 2,
                _ => 0,
            }));
        }
        if grid.is_none() {
            grid = Some(dn.raster);
        }
    }
    let grid = grid.expect("at least one band read");
    let mut fill = all_fill.expect("at least one band read");
    if let Some((qa_id, qa_path)) = scene.qa_band()
        && let Some(layout) = QaLayout::for_band(qa_id, m.collection, m.sensor)
    {
        let qa = super::read_dn::read_qa(qa_path)?;
        let first_path = scene.bands[ids[0]].display().to_string();
        qa.check_same_grid(&grid, &qa_path.display().to_string(), &first_path)?;
        Zip::from(&mut fill)
            .and(&qa.data)
            .par_for_each(|f, &q| *f |= layout.decode(q) & MaskReason::FILL != 0);
    }
    for r in &mut refl {
        Zip::from(r).and(&fill).par_for_each(|v, &f| {
            if f {
                *v = f32::NAN;
            }
        });
    }
    let b7 = b7_dn_state.expect("B7 read");
    let b7_saturated = Zip::from(&b7).and(&fill).map_collect(|&s, &f| s == 2 && !f);
    let b7_folded = Zip::from(&b7).and(&fill).map_collect(|&s, &f| s == 1 && !f);
    let mut zero_dn = zero_dn.expect("at least one band read");
    zero_dn.zip_mut_with(&fill, |z, &f| *z &= !f);

    let mut it = refl.into_iter();
    let r1 = (ids[0] == "B1").then(|| it.next().expect("B1"));
    let mut next = || it.next().expect("B2–B7");
    Ok(SwirBands {
        r1,
        r2: next(),
        r3: next(),
        r4: next(),
        r5: next(),
        r6: next(),
        r7: next(),
        b7_saturated,
        b7_folded,
        zero_dn,
        fill,
        georef: grid.georef,
        sun_elevation_deg: elev,
        bands: ids.iter().map(|s| s.to_string()).collect(),
    })
}

//! What a calibration will do, decided from the metadata and the raster headers before any pixel
//! is read (band, constants, fallbacks, inputs and their grids), and the per-block computation
//! that the whole-raster and the streamed paths share: a block of the output depends only on the
//! same block of the inputs, so both paths give the same pixels by construction.

use std::path::{Path, PathBuf};

use ndarray::Array2;

use super::calibrate::CalibrateOptions;
use super::calibrate_masks::{MaskInput, plan_masks, plan_water, warn_unmasked};
use crate::calibrate::{
    GenericRequest, GenericThermal, QaLayout, Quantity, constants, dn_to_bt_k, dn_to_reflectance,
    dn_to_st_k, generic_to_bt_k, land_surface_temperature, qa_mask, water_mask,
};
use crate::error::{Error, Result};
use crate::io;
use crate::io::BlockReader;
use crate::mtl::{Level, Mission, Rescale, Sensor, ThermalConstants};
use crate::raster::{Georef, MaskReason, PixelWindow, Unit, ValidityMask, check_same_grid};
use crate::scene::{Scene, normalize_band_arg};

/// The pixel formula of one input band.
#[derive(Debug, Clone, Copy)]
enum Kernel {
    /// Already-physical raster (no MTL): scale, offset, unit; the file's nodata.
    Generic {
        how: GenericThermal,
        nodata: Option<f64>,
    },
    /// Level-2 surface temperature DN.
    St { scale: Rescale, fill: Option<u16> },
    /// Level-1 thermal DN → brightness temperature.
    Bt {
        rescale: Rescale,
        k: ThermalConstants,
        fill: Option<u16>,
    },
    /// Optical DN → reflectance (TOA with the sun elevation, or surface).
    Reflectance {
        rescale: Rescale,
        sun_elevation_deg: Option<f64>,
        fill: Option<u16>,
    },
}

/// One input band: where it is and how its pixels become physical values.
#[derive(Debug, Clone)]
pub(super) struct Input {
    path: PathBuf,
    kernel: Kernel,
}

/// Land-surface temperature inputs.
#[derive(Debug, Clone)]
struct LstPlan {
    red: Input,
    nir: Input,
    wavelength_um: f64,
}

/// Everything decided before reading pixels.
#[derive(Debug, Clone)]
pub struct CalibrationPlan {
    /// Band id calibrated.
    pub band: String,
    pub quantity: Quantity,
    /// Unit of the output values.
    pub unit: Unit,
    /// `(rows, cols)` of the output.
    pub shape: (usize, usize),
    pub georef: Georef,
    pub constants: serde_json::Value,
    pub warnings: Vec<String>,
    /// K1/K2 used, for thermal Level-1 bands.
    pub thermal: Option<ThermalConstants>,
    /// The predictor the output values compress best with ([`crate::io::Predictor`]): floating
    /// point when they come from a floating-point raster (continuous values), none when they
    /// come from integer counts (DNs, scaled integers: few distinct values).
    pub predictor: crate::io::Predictor,
    pub(super) main: Input,
    lst: Option<LstPlan>,
    pub(super) qa: Option<(PathBuf, QaLayout)>,
    /// Green, red, NIR and SWIR1 reflectance for the spectral water test, when the QA band
    /// cannot say where water is.
    pub(super) water: Option<Box<[Input; 4]>>,
    /// Mask rasters on the output grid: an LST product's own cloud and water masks, the
    /// user's `--mask`.
    pub(super) masks: Vec<MaskInput>,
}

/// Open readers of a plan's inputs (one set per worker thread).
#[derive(Debug)]
pub struct PlanReaders {
    main: BlockReader,
    lst: Option<(BlockReader, BlockReader)>,
    qa: Option<BlockReader>,
    water: Option<Box<[BlockReader; 4]>>,
    masks: Vec<BlockReader>,
}

/// One calibrated block and the counts the validity checks need.
#[derive(Debug)]
pub struct BlockOutput {
    /// Calibrated values, NaN = nodata.
    pub values: Array2<f32>,
    /// Validity flags (fill where `values` is NaN, plus the QA flags and the spectral water
    /// test), when the scene has QA or the water test applies.
    pub mask: Option<Array2<u8>>,
    /// Input pixels that are not fill/nodata ([`InputCounts`]).
    pub input_counts: InputCounts,
}

/// Pixel counts of a block's inputs, summed over blocks: `[0]` main band, `[1]` red and `[2]`
/// NIR (for LST) pixels that are not fill/nodata; `[3]` main-band pixels that were not nodata
/// but came out at or below 0 K (not temperatures: not processed, and reported once).
pub type InputCounts = [usize; 4];

impl CalibrationPlan {
    /// Whether a validity mask is produced.
    pub fn has_mask(&self) -> bool {
        self.qa.is_some() || self.water.is_some() || !self.masks.is_empty()
    }

    /// Whether water is masked by the spectral test (no QA water bit, optical bands present).
    pub fn spectral_water(&self) -> bool {
        self.water.is_some()
    }

    /// The calibrated band's file.
    pub fn path(&self) -> &Path {
        &self.main.path
    }

    /// Opens every input for block reads.
    pub fn open_readers(&self) -> Result<PlanReaders> {
        let lst = match &self.lst {
            Some(l) => Some((
                BlockReader::open(&l.red.path, 1)?,
                BlockReader::open(&l.nir.path, 1)?,
            )),
            None => None,
        };
        let qa = match &self.qa {
            Some((p, _)) => Some(BlockReader::open(p, 1)?),
            None => None,
        };
        let water = match &self.water {
            Some(bands) => {
                let [g, r, n, s] = &**bands;
                let open = |i: &Input| BlockReader::open(&i.path, 1);
                Some(Box::new([open(g)?, open(r)?, open(n)?, open(s)?]))
            }
            None => None,
        };
        let masks = self
            .masks
            .iter()
            .map(|m| BlockReader::open(&m.path, 1))
            .collect::<Result<Vec<_>>>()?;
        Ok(PlanReaders {
            main: BlockReader::open(&self.main.path, 1)?,
            lst,
            qa,
            water,
            masks,
        })
    }

    /// Bytes held per pixel of a block while it is computed (inputs as read, intermediates,
    /// outputs and the writer's copy), for sizing blocks to a memory budget.
    pub fn bytes_per_block_px(&self) -> usize {
        let main_in = match self.main.kernel {
            Kernel::Generic { .. } => 8,
            _ => 2,
        };
        // values + writer copy (f32); LST: red and nir DN and reflectance + BT kept.
        let lst = if self.lst.is_some() {
            2 * (2 + 4) + 4
        } else {
            0
        };
        let mask = if self.has_mask() { 2 + 1 + 1 } else { 0 };
        // Four DN bands and their reflectances, one at a time, and the test's booleans.
        let water = if self.water.is_some() {
            4 * 2 + 4 + 1
        } else {
            0
        };
        // Each mask file's window, read as f64.
        let masks = 8 * self.masks.len();
        main_in + 4 + 4 + lst + mask + water + masks
    }

    /// The file of the band being calibrated.
    pub fn input_path(&self) -> &std::path::Path {
        &self.main.path
    }

    /// Calibrates the pixels of `window`.
    pub fn calibrate_block(&self, r: &PlanReaders, window: PixelWindow) -> Result<BlockOutput> {
        let (mut values, main_valid, not_k) = run_kernel(&self.main, &r.main, window)?;
        let mut input_counts = [main_valid, 0, 0, not_k];
        if let (Some(l), Some((red_r, nir_r))) = (&self.lst, &r.lst) {
            let (red, n_red, _) = run_kernel(&l.red, red_r, window)?;
            let (nir, n_nir, _) = run_kernel(&l.nir, nir_r, window)?;
            input_counts[1] = n_red;
            input_counts[2] = n_nir;
            values = land_surface_temperature(&values, &red, &nir, l.wavelength_um);
        }
        let mut mask = match (&self.qa, &r.qa) {
            (Some((_, layout)), Some(qa_r)) => {
                let qa = qa_r.read::<u16>(window)?;
                Some(qa_mask(&qa.data, *layout))
            }
            _ => None,
        };
        if let (Some(bands), Some(readers)) = (&self.water, &r.water) {
            let mut rho = Vec::with_capacity(4);
            for (input, reader) in bands.iter().zip(readers.iter()) {
                rho.push(run_kernel(input, reader, window)?.0);
            }
            let water = water_mask(&rho[0], &rho[1], &rho[2], &rho[3]);
            mask.get_or_insert_with(|| ValidityMask::all_valid(values.dim()))
                .flag_where(MaskReason::WATER, |row, col| water[[row, col]]);
        }
        for (m, reader) in self.masks.iter().zip(&r.masks) {
            let x = reader.read::<f64>(window)?.data;
            mask.get_or_insert_with(|| ValidityMask::all_valid(values.dim()))
                .flag_where(m.reason, |row, col| {
                    let v = x[[row, col]];
                    v != 0.0 && !v.is_nan() && m.nodata != Some(v)
                });
        }
        let mask = mask.map(|mut mask| {
            mask.flag_where(MaskReason::FILL, |row, col| values[[row, col]].is_nan());
            mask.flags
        });
        Ok(BlockOutput {
            values,
            mask,
            input_counts,
        })
    }

    /// Errors when an input had no valid pixel at all (`input_counts` summed over all blocks),
    /// naming the file, as the whole-raster reads always did; warns once about values that
    /// were not temperatures.
    pub fn check_valid(&self, input_counts: InputCounts) -> Result<()> {
        if input_counts[3] > 0 {
            tracing::warn!(
                "{}: {} pixels came out at or below 0 K (a fill value such as -9999 without a \
                 declared nodata value, or the wrong --input-unit/--scale): not processed, as \
                 nodata; declare the file's nodata value (gdal_edit.py -a_nodata VALUE)",
                self.main.path.display(),
                input_counts[3]
            );
        }
        let none = |input: &Input| match input.kernel {
            Kernel::Generic { .. } => {
                Error::input(&input.path, "no valid pixels: every pixel is nodata")
            }
            _ => Error::input(
                &input.path,
                "no valid pixels: every pixel is fill (DN 0) or nodata",
            ),
        };
        if input_counts[0] == 0 {
            return Err(none(&self.main));
        }
        if let Some(l) = &self.lst {
            if input_counts[1] == 0 {
                return Err(none(&l.red));
            }
            if input_counts[2] == 0 {
                return Err(none(&l.nir));
            }
        }
        Ok(())
    }
}

/// Reads `window` of `input` and applies its formula; also counts its valid input pixels, and
/// (generic rasters) those that were not nodata but came out at or below 0 K.
fn run_kernel(
    input: &Input,
    reader: &BlockReader,
    window: PixelWindow,
) -> Result<(Array2<f32>, usize, usize)> {
    let dn_fill = |fill: Option<u16>| move |d: u16| d == 0 || fill == Some(d);
    let dn_valid = |dn: &Array2<u16>, fill: Option<u16>| {
        let is_fill = dn_fill(fill);
        dn.iter().filter(|&&d| !is_fill(d)).count()
    };
    Ok(match input.kernel {
        Kernel::Generic { how, nodata } => {
            let x = reader.read::<f64>(window)?;
            let mut v = generic_to_bt_k(&x.data, nodata, how);
            // Pixels an alpha or mask band leaves out are nodata too (GDAL RFC 15).
            let valid = reader.read_valid(window)?;
            if let Some(valid) = &valid {
                v.zip_mut_with(valid, |v, &ok| {
                    if !ok {
                        *v = f32::NAN;
                    }
                });
            }
            let n = v.iter().filter(|v| !v.is_nan()).count();
            let is_given = |&d: &f64| !d.is_nan() && nodata != Some(d);
            let given = match &valid {
                Some(valid) => x
                    .data
                    .iter()
                    .zip(valid)
                    .filter(|&(d, &ok)| ok && is_given(d))
                    .count(),
                None => x.data.iter().filter(|d| is_given(d)).count(),
            };
            (v, n, given - n)
        }
        Kernel::St { scale, fill } => {
            let dn = reader.read::<u16>(window)?.data;
            (
                dn_to_st_k(&dn, dn_fill(fill), scale),
                dn_valid(&dn, fill),
                0,
            )
        }
        Kernel::Bt { rescale, k, fill } => {
            let dn = reader.read::<u16>(window)?.data;
            (
                dn_to_bt_k(&dn, dn_fill(fill), rescale, k),
                dn_valid(&dn, fill),
                0,
            )
        }
        Kernel::Reflectance {
            rescale,
            sun_elevation_deg,
            fill,
        } => {
            let dn = reader.read::<u16>(window)?.data;
            (
                dn_to_reflectance(&dn, dn_fill(fill), rescale, sun_elevation_deg),
                dn_valid(&dn, fill),
                0,
            )
        }
    })
}

/// Decides how to calibrate one band of `scene`: reads metadata and raster headers only.
pub fn plan_calibration(scene: &Scene, opts: &CalibrateOptions) -> Result<CalibrationPlan> {
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
    let mut plan = if scene.metadata.mission == Mission::Generic {
        plan_generic(path, &band, opts.generic)?
    } else {
        plan_dn(scene, path, &band)?
    };
    if opts.lst {
        plan_lst(scene, &mut plan)?;
    }
    plan_qa(scene, &mut plan)?;
    if opts.spectral_water {
        plan_water(scene, &mut plan);
    }
    plan_masks(scene, &mut plan, opts.mask.as_deref())?;
    warn_unmasked(scene, &mut plan);
    Ok(plan)
}

fn plan_generic(path: &Path, band: &str, req: GenericRequest) -> Result<CalibrationPlan> {
    let info = io::raster_info(path)?;
    let reader = BlockReader::open(path, 1)?;
    let (how, note) =
        super::calibrate::resolve_generic(path, req, info.scale, info.offset, reader.unit())?;
    if let Some(note) = &note {
        tracing::info!("{note}");
    }
    let mut warnings = Vec::new();
    let mask = reader.mask_source();
    if let Some(m) = mask {
        tracing::info!(
            "{}: pixels its {} marks transparent (0) are not processed",
            path.display(),
            m.label()
        );
    }
    // An alpha band beside one thermal band is not a second band to choose from.
    let alpha_band = usize::from(mask == Some(crate::io::MaskSource::Alpha));
    if info.band_count > 1 + alpha_band {
        // A stack, or a colour rendering (3–4 Byte bands of a palette are not temperatures).
        let rendering = if (3..=4).contains(&info.band_count) && info.data_type == "Byte" {
            "; 3–4 Byte bands are usually a colour rendering, not temperatures: use the \
             radiometric export"
        } else {
            ""
        };
        warnings.push(format!(
            "{}: holds {} bands; band 1 is read as the thermal band (extract another with \
             gdal_translate -b N){rendering}",
            path.display(),
            info.band_count
        ));
    }
    Ok(CalibrationPlan {
        band: band.to_string(),
        quantity: Quantity::BrightnessTemperature,
        unit: Unit::Kelvin,
        shape: reader.shape(),
        georef: reader.georef().clone(),
        constants: serde_json::json!({ "generic": how }),
        warnings,
        thermal: None,
        // Integer counts (a radiometric DN, ECOSTRESS's scaled UInt16) take few distinct
        // values; a floating-point raster's are continuous.
        predictor: if matches!(info.data_type.as_str(), "Float32" | "Float64") {
            crate::io::Predictor::FloatingPoint
        } else {
            crate::io::Predictor::None
        },
        main: Input {
            path: path.to_path_buf(),
            kernel: Kernel::Generic {
                how,
                nodata: reader.nodata(),
            },
        },
        lst: None,
        qa: None,
        water: None,
        masks: Vec::new(),
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

/// Opens a DN band's header: a DN band is `Byte`, `UInt16` or `Int16`
/// ([`super::read_dn::require_dn_type`]); its declared nodata counts as fill when it is a valid
/// `u16`, and negative values are read as DN 0 (fill).
fn open_dn(path: &Path) -> Result<(BlockReader, Option<u16>)> {
    super::read_dn::require_single_band(&io::raster_info(path)?, path)?;
    let reader = BlockReader::open(path, 1)?;
    super::read_dn::require_dn_type(reader.data_type(), path)?;
    let fill = reader
        .nodata()
        .filter(|n| n.fract() == 0.0 && (0.0..=65535.0).contains(n))
        .map(|n| n as u16);
    Ok((reader, fill))
}

pub(super) fn plan_dn(scene: &Scene, path: &Path, band: &str) -> Result<CalibrationPlan> {
    let m = &scene.metadata;
    let cal = m.calibration.get(band).copied().unwrap_or_default();
    let (reader, fill) = open_dn(path)?;
    let mut warnings = Vec::new();
    let mut thermal = None;
    let (kernel, quantity, constants) = if band.starts_with("ST_B") {
        let scale = cal.temperature.unwrap_or_else(|| {
            warnings.push(format!("{}: no TEMPERATURE_MULT/ADD_BAND_{band}; using the USGS Collection-2 scale 0.00341802, 149.0", m.source.display()));
            Rescale { mult: 0.00341802, add: 149.0 }
        });
        (
            Kernel::St { scale, fill },
            Quantity::SurfaceTemperature,
            serde_json::json!({ "temperature": scale }),
        )
    } else if is_thermal(m.sensor, band) {
        let (rescale, k) = thermal_constants(scene, band, cal, &mut warnings)?;
        thermal = Some(k);
        (
            Kernel::Bt { rescale, k, fill },
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
            Kernel::Reflectance {
                rescale,
                sun_elevation_deg: sun,
                fill,
            },
            quantity,
            serde_json::json!({ "reflectance": rescale, "sun_elevation_deg": sun }),
        )
    };
    let unit = match quantity {
        Quantity::ToaReflectance | Quantity::SurfaceReflectance => Unit::Reflectance,
        _ => Unit::Kelvin,
    };
    Ok(CalibrationPlan {
        band: band.to_string(),
        quantity,
        unit,
        shape: reader.shape(),
        georef: reader.georef().clone(),
        constants,
        warnings,
        thermal,
        // From UInt16 DNs: few distinct values.
        predictor: crate::io::Predictor::None,
        main: Input {
            path: path.to_path_buf(),
            kernel,
        },
        lst: None,
        qa: None,
        water: None,
        masks: Vec::new(),
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

fn plan_lst(scene: &Scene, out: &mut CalibrationPlan) -> Result<()> {
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
    let refl = |id: &str| -> Result<Input> {
        let path = scene.bands.get(id).ok_or_else(|| {
            Error::input(
                &scene.input,
                format!("--lst needs band {id} (red/NIR for NDVI) beside the thermal band"),
            )
        })?;
        // The band's own warnings (fallback constants) are not reported, as before streaming.
        let p = plan_dn(scene, path, id)?;
        on_output_grid(&p, path, scene, out)?;
        Ok(p.main)
    };
    let (red, nir) = (refl(red_id)?, refl(nir_id)?);
    let k = out
        .thermal
        .ok_or_else(|| Error::input(&scene.input, "--lst needs a thermal band with K1/K2"))?;
    let wavelength_um = constants::effective_wavelength_um(scene.metadata.mission, &out.band, k);
    out.quantity = Quantity::LandSurfaceTemperature;
    out.constants["lst"] = serde_json::json!({
        "emissivity": "NDVI threshold (Sobrino 2004): NDVI<0.2: 0.973-0.047*red; NDVI>0.5: 0.99; else 0.004*Pv+0.986",
        "wavelength_um": wavelength_um, "red_band": red_id, "nir_band": nir_id,
    });
    out.lst = Some(LstPlan {
        red,
        nir,
        wavelength_um,
    });
    Ok(())
}

/// The QA band, when the scene has one of known layout on the same grid.
fn plan_qa(scene: &Scene, out: &mut CalibrationPlan) -> Result<()> {
    let m = &scene.metadata;
    let Some((qa_id, qa_path)) = scene.qa_band() else {
        return Ok(());
    };
    let Some(layout) = QaLayout::for_band(qa_id, m.collection, m.sensor) else {
        out.warnings.push(format!(
            "{}: QA layout of {qa_id} for {:?} {:?} unknown; QA not applied",
            qa_path.display(),
            m.collection,
            m.sensor
        ));
        return Ok(());
    };
    super::read_dn::require_single_band(&io::raster_info(qa_path)?, qa_path)?;
    open_on_grid(qa_path, scene, out)?;
    out.qa = Some((qa_path.clone(), layout));
    Ok(())
}

/// Opens band 1 of `path`, a raster that qualifies `out` pixel by pixel (QA, mask), and errors,
/// naming both files, unless it is on `out`'s grid.
pub(super) fn open_on_grid(
    path: &Path,
    scene: &Scene,
    out: &CalibrationPlan,
) -> Result<BlockReader> {
    let reader = BlockReader::open(path, 1)?;
    check_same_grid(
        reader.shape(),
        reader.georef(),
        out.shape,
        &out.georef,
        &path.display().to_string(),
        &band_file(scene, &out.band),
    )?;
    Ok(reader)
}

/// Errors, naming both files, unless band plan `p` (of file `path`) is on `out`'s grid.
pub(super) fn on_output_grid(
    p: &CalibrationPlan,
    path: &Path,
    scene: &Scene,
    out: &CalibrationPlan,
) -> Result<()> {
    check_same_grid(
        p.shape,
        &p.georef,
        out.shape,
        &out.georef,
        &path.display().to_string(),
        &band_file(scene, &out.band),
    )
}

/// The file of band `id` of `scene` for messages (the id itself when it has none).
pub(super) fn band_file(scene: &Scene, id: &str) -> String {
    scene
        .bands
        .get(id)
        .map_or_else(|| id.to_string(), |p| p.display().to_string())
}

/// A validity mask from its flags.
pub(super) fn mask_of(flags: Array2<u8>) -> ValidityMask {
    ValidityMask { flags }
}

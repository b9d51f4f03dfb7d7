//! Truth-bearing scene generator: Landsat-8-like Level-1 thermal scenes with planted coal-fire
//! anomalies whose every pixel is known (`seamfire synth`; `docs/synth.md`).
//!
//! The library part is pure (no I/O) so tests and the accuracy harness can make scenes in
//! memory:
//!
//! * [`generate`]: a generated background (fractal terrain, regional gradient, elevation lapse,
//!   land-cover texture, solar heating of slopes by day, lakes, fill, sensor noise) with
//!   objects planted on it;
//! * [`plant_into`]: objects planted on a real background (e.g. the calibrated Pensacola B10),
//!   only where it is valid.
//!
//! [`write_scene`] writes a scene as a Level-1 product (`<PID>_B10.TIF`, `<PID>_QA_PIXEL.TIF`,
//! `<PID>_MTL.txt`, optional OLI B1–B7) plus its truth (`truth.tif`, `truth.geojson`,
//! `synth.json`).
//!
//! Everything is a function of [`SynthParams`]: the same seed gives the same arrays on every
//! run and with any number of threads (one SplitMix64 stream per concern, counter-based hashes
//! per pixel).
//!
//! ```
//! use seamfire::synth::{generate, Preset, SynthParams};
//! let p = SynthParams { n_objects: 5, ..SynthParams::new(7, 128, 160, Preset::Night) };
//! let s = generate(&p);
//! assert_eq!(s.bt_k.dim(), (128, 160));
//! assert_eq!(s.objects.len(), 5);
//! // Truth is exact: heat exists only where truth_id is set.
//! for ((&id, &bt), &bg) in s.truth_id.iter().zip(&s.bt_k).zip(&s.background_k) {
//!     assert_eq!(id != 0, bt - bg > 0.0);
//! }
//! ```

pub mod dn;
mod fill;
mod model;
pub mod mosaic;
mod mtl_text;
mod noise;
mod plant;
pub mod qa;
pub mod rng;
pub mod season;
mod season_vectors;
mod season_write;
mod shape;
pub mod spots;
mod swir;
mod terrain;
mod water;
mod write;
mod write_mosaic;

pub use fill::{DiagonalBand, FillLayout};
pub use model::{BackgroundModel, LAPSE_K_PER_M};
pub use mtl_text::{mtl_text, mtl_text_on, product_id, product_id_on};
pub use plant::{BORDER_PX, PlantCounts};
pub use season_write::{SEASON_TRUTH, SeasonOutput, write_season};
pub use shape::Seam;
pub use water::Lake;
pub use write::{SWIR_BANDS, write_scene, write_scene_on};
pub use write_mosaic::{MOSAIC_EPSG, write_mosaic};

use ndarray::{Array2, Zip};
use serde::Serialize;

use crate::raster::{GeoTransform, Georef};

/// Day or night scene.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Preset {
    /// Smooth terrain, no sun, pixel noise 0.1–0.2 K.
    Night,
    /// Rough terrain with solar heating of slopes (sun ~45° high from the south-east), pixel
    /// noise 0.3–0.6 K.
    Day,
}

impl Preset {
    pub fn name(self) -> &'static str {
        match self {
            Preset::Night => "night",
            Preset::Day => "day",
        }
    }
}

/// What to generate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SynthParams {
    pub seed: u64,
    pub rows: usize,
    pub cols: usize,
    /// Pixel size, m (30 for Landsat TIRS as delivered).
    pub pixel_m: f64,
    pub preset: Preset,
    /// Objects to plant (fewer are planted when there is no room; see `SceneFacts::counts`).
    pub n_objects: usize,
    /// Put lakes in the scene (QA water).
    pub water: bool,
    /// Put fill (DN 0, QA fill) in the scene: corner triangles, dropped lines, a diagonal band.
    pub fill_stripes: bool,
    /// Peak heating of an object, K, drawn log-uniform in this range.
    pub delta_range_k: (f64, f64),
    /// Object size, pixels, drawn log-uniform in this range.
    pub size_range_px: (usize, usize),
    /// Also generate OLI bands 1–7 (daytime only; no fire signal in them).
    pub swir: bool,
    /// Clear pixels kept between objects, and between an object and any invalid pixel.
    pub min_gap_px: usize,
    /// Fraction of objects (of 4 px or more) that are strips along seam outcrops.
    pub strip_fraction: f64,
}

/// Default object density, per million pixels.
pub const OBJECTS_PER_MPX: f64 = 60.0;

impl SynthParams {
    /// Defaults for a `rows` x `cols` scene: 30 m pixels, [`OBJECTS_PER_MPX`] objects, water
    /// and fill, peaks 1.5–25 K, sizes 1–80 px, 5 px gap, 35 % strips.
    pub fn new(seed: u64, rows: usize, cols: usize, preset: Preset) -> Self {
        Self {
            seed,
            rows,
            cols,
            pixel_m: 30.0,
            preset,
            n_objects: Self::default_objects(rows, cols),
            water: true,
            fill_stripes: true,
            delta_range_k: (1.5, 25.0),
            size_range_px: (1, 80),
            swir: false,
            min_gap_px: 5,
            strip_fraction: 0.35,
        }
    }

    /// [`OBJECTS_PER_MPX`] per million pixels, at least 1.
    pub fn default_objects(rows: usize, cols: usize) -> usize {
        ((rows * cols) as f64 * OBJECTS_PER_MPX / 1e6)
            .round()
            .max(1.0) as usize
    }

    /// Checks the parameters; the message names the offending one.
    pub fn validate(&self) -> Result<(), String> {
        if self.rows < 8 || self.cols < 8 {
            return Err(format!(
                "scene size {}x{} too small (at least 8x8)",
                self.cols, self.rows
            ));
        }
        if !(self.pixel_m.is_finite() && self.pixel_m > 0.0) {
            return Err(format!("pixel size {} m must be positive", self.pixel_m));
        }
        let (lo, hi) = self.delta_range_k;
        if !(lo.is_finite() && hi.is_finite() && lo > 0.0 && lo <= hi) {
            return Err(format!(
                "delta range {lo}..{hi} K must satisfy 0 < min <= max"
            ));
        }
        let (lo, hi) = self.size_range_px;
        if lo == 0 || lo > hi {
            return Err(format!(
                "size range {lo}..{hi} px must satisfy 1 <= min <= max"
            ));
        }
        if !(0.0..=1.0).contains(&self.strip_fraction) {
            return Err(format!(
                "strip fraction {} not in [0, 1]",
                self.strip_fraction
            ));
        }
        Ok(())
    }
}

impl Default for SynthParams {
    fn default() -> Self {
        Self::new(1, 1024, 1024, Preset::Night)
    }
}

/// Shape class of a planted object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ObjectKind {
    /// Irregular compact patch (random walk).
    Blob,
    /// Thin line (1–3 px) along a seam outcrop.
    Strip,
}

/// One planted anomaly. Pixel coordinates are `(row, col)` indices; the centre of pixel
/// `(r, c)` is at `(r + 0.5, c + 0.5)` in the geotransform's pixel space.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlantedObject {
    /// 1-based, the value of its pixels in `truth_id`.
    pub id: u32,
    pub kind: ObjectKind,
    /// Heat added at the core pixel, K (other pixels get less, down to 0.3–0.5 of it).
    pub peak_delta_k: f64,
    /// Number of pixels.
    pub pixels: usize,
    /// Mean `(row, col)` index of its pixels.
    pub centroid_rc: (f64, f64),
    /// `(row_min, col_min, row_max, col_max)`, inclusive.
    pub bbox: (usize, usize, usize, usize),
    /// The core (hottest) pixel.
    pub core_rc: (usize, usize),
    /// Width of a strip, px.
    pub width_px: Option<usize>,
}

/// Where the background came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BackgroundSource {
    Generated,
    /// A real scene (its path is recorded by the writer).
    Real,
}

/// How a scene was made, beyond the arrays (written to `synth.json`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SceneFacts {
    pub background: BackgroundSource,
    /// The real scene planted into, as the caller names it.
    pub source: Option<String>,
    /// The drawn constants of a generated background.
    pub model: Option<BackgroundModel>,
    pub lakes: Vec<Lake>,
    pub fill: Option<FillLayout>,
    pub seams: Vec<Seam>,
    pub counts: PlantCounts,
    /// Pixels objects may be planted on (valid background).
    pub valid_pixels: usize,
    pub water_pixels: usize,
    pub fill_pixels: usize,
}

/// A scene with its truth.
#[derive(Debug, Clone)]
pub struct SynthScene {
    /// True brightness temperature including the anomalies, K; NaN on fill.
    pub bt_k: Array2<f32>,
    /// The same without the anomalies.
    pub background_k: Array2<f32>,
    /// 0 where nothing was planted, else the object's id.
    pub truth_id: Array2<u32>,
    /// Heat added, K (0 outside objects): `bt_k - background_k`.
    pub truth_delta_k: Array2<f32>,
    /// Collection-2 QA_PIXEL: 1 fill, 21952 water (bit 7), 21824 clear land (bit 6); for real
    /// backgrounds also cloud, shadow and cirrus values (see [`qa`]).
    pub qa_pixel: Array2<u16>,
    pub objects: Vec<PlantedObject>,
    pub georef: Georef,
    /// Negative at night.
    pub sun_elevation_deg: f64,
    pub sun_azimuth_deg: f64,
    /// OLI B1–B7 DN (index 0 = B1) when asked for and the scene is daytime.
    pub swir_dn: Option<Vec<Array2<u16>>>,
    pub facts: SceneFacts,
}

impl SynthScene {
    /// Sensor noise of a generated background, K.
    pub fn noise_sigma_k(&self) -> Option<f64> {
        self.facts.model.as_ref().map(|m| m.noise_sigma_k)
    }

    /// `(rows, cols)`.
    pub fn shape(&self) -> (usize, usize) {
        self.bt_k.dim()
    }
}

/// UTM zone 48N (EPSG:32648), the zone of the Wuda and Rujigou coal fields of Inner Mongolia
/// and Ningxia.
pub const SYNTH_EPSG: u32 = 32648;
/// Scene centre (easting, northing) in [`SYNTH_EPSG`], near Wuda (39.5°N, 106.6°E).
pub const SYNTH_CENTRE_EN: (f64, f64) = (640_000.0, 4_375_000.0);

/// The grid of a generated scene: north-up, `pixel_m` pixels, centred on [`SYNTH_CENTRE_EN`]
/// with a corner on a whole multiple of the pixel size, CRS [`SYNTH_EPSG`].
pub fn synth_georef(rows: usize, cols: usize, pixel_m: f64) -> Georef {
    let x0 = SYNTH_CENTRE_EN.0 - (cols / 2) as f64 * pixel_m;
    let y0 = SYNTH_CENTRE_EN.1 + (rows / 2) as f64 * pixel_m;
    // The WKT comes from GDAL's EPSG database; without it the EPSG code alone is kept.
    let crs_wkt = gdal::spatial_ref::SpatialRef::from_epsg(SYNTH_EPSG)
        .and_then(|s| s.to_wkt())
        .unwrap_or_default();
    Georef {
        transform: GeoTransform([x0, pixel_m, 0.0, y0, 0.0, -pixel_m]),
        crs_wkt,
        epsg: Some(SYNTH_EPSG),
        ground_m_per_unit: None,
    }
}

fn add(background: &Array2<f32>, delta: &Array2<f32>) -> Array2<f32> {
    Zip::from(background)
        .and(delta)
        .par_map_collect(|&b, &d| if d != 0.0 { b + d } else { b })
}

/// Generates a scene: background from the preset, objects planted on it.
///
/// # Panics
/// When `p` does not pass [`SynthParams::validate`].
pub fn generate(p: &SynthParams) -> SynthScene {
    if let Err(e) = p.validate() {
        panic!("invalid synth parameters: {e}");
    }
    let bg = terrain::generate_background(p);
    let plants = plant::plant(&bg.valid, p);
    let bt_k = add(&bg.temperature_k, &plants.truth_delta_k);
    let water_pixels = bg.qa.iter().filter(|&&q| q == qa::QA_WATER).count();
    let fill_pixels = bg.qa.iter().filter(|&&q| q == qa::QA_FILL).count();
    let valid_pixels = bg.valid.iter().filter(|&&v| v).count();
    let m = &bg.model;
    let swir_dn = match (p.swir, p.preset, &bg.dem_m) {
        (true, Preset::Day, Some(dem)) => Some(swir::oli_bands(
            p.seed,
            dem,
            &bg.qa,
            p.pixel_m,
            m.sun_elevation_deg,
            m.sun_azimuth_deg,
        )),
        _ => None,
    };
    SynthScene {
        bt_k,
        background_k: bg.temperature_k,
        truth_id: plants.truth_id,
        truth_delta_k: plants.truth_delta_k,
        qa_pixel: bg.qa,
        georef: synth_georef(p.rows, p.cols, p.pixel_m),
        sun_elevation_deg: m.sun_elevation_deg,
        sun_azimuth_deg: m.sun_azimuth_deg,
        swir_dn,
        facts: SceneFacts {
            background: BackgroundSource::Generated,
            source: None,
            counts: plant::counts(p.n_objects, &plants.objects),
            model: Some(bg.model),
            lakes: bg.lakes,
            fill: bg.fill,
            seams: plants.seams,
            valid_pixels,
            water_pixels,
            fill_pixels,
        },
        objects: plants.objects,
    }
}

/// Plants objects into a real background (kelvin, NaN = nodata), only on pixels where `valid`
/// is true and the background is not NaN, keeping `p.min_gap_px` from every other pixel. The
/// grid is the background's (`p.rows`/`p.cols` are ignored); `p.swir` is ignored. The QA band
/// marks NaN pixels as fill and other invalid pixels as cloud (use [`qa::qa_from_flags`] to
/// keep the real reasons); the sun is the preset's typical one (45° from 135° by day, −30° at
/// night) for the caller to replace with the scene's own.
pub fn plant_into(
    background_k: &Array2<f32>,
    valid: &Array2<bool>,
    georef: Georef,
    p: &SynthParams,
) -> SynthScene {
    assert_eq!(
        background_k.dim(),
        valid.dim(),
        "background and validity mask differ in shape"
    );
    let valid = Zip::from(valid)
        .and(background_k)
        .par_map_collect(|&v, &t| v && !t.is_nan());
    let plants = plant::plant(&valid, p);
    let bt_k = add(background_k, &plants.truth_delta_k);
    let qa_pixel = Zip::from(&valid)
        .and(background_k)
        .par_map_collect(|&v, &t| {
            if t.is_nan() {
                qa::QA_FILL
            } else if v {
                qa::QA_CLEAR
            } else {
                qa::QA_CLOUD
            }
        });
    let (sun_elevation_deg, sun_azimuth_deg) = match p.preset {
        Preset::Night => (-30.0, 300.0),
        Preset::Day => (45.0, 135.0),
    };
    SynthScene {
        bt_k,
        background_k: background_k.clone(),
        truth_id: plants.truth_id,
        truth_delta_k: plants.truth_delta_k,
        georef,
        sun_elevation_deg,
        sun_azimuth_deg,
        swir_dn: None,
        facts: SceneFacts {
            background: BackgroundSource::Real,
            source: None,
            model: None,
            lakes: Vec::new(),
            fill: None,
            seams: plants.seams,
            counts: plant::counts(p.n_objects, &plants.objects),
            valid_pixels: valid.iter().filter(|&&v| v).count(),
            water_pixels: 0,
            fill_pixels: qa_pixel.iter().filter(|&&q| q == qa::QA_FILL).count(),
        },
        qa_pixel,
        objects: plants.objects,
    }
}

#[cfg(test)]
mod tests;

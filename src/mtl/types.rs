//! Typed scene metadata extracted from a Landsat MTL (ODL text, JSON or XML) or built for
//! non-Landsat inputs. No I/O here.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;

/// Satellite mission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Mission {
    Landsat1,
    Landsat2,
    Landsat3,
    Landsat4,
    Landsat5,
    Landsat7,
    Landsat8,
    Landsat9,
    /// ASTER on Terra.
    Terra,
    /// Anything else (drone mosaics, other calibrated rasters).
    Generic,
}

/// Imaging instrument.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Sensor {
    /// Multispectral Scanner (Landsat 1–5): no thermal band.
    Mss,
    /// Thematic Mapper (Landsat 4/5), thermal band 6.
    Tm,
    /// Enhanced Thematic Mapper Plus (Landsat 7), thermal B6_VCID_1/2.
    EtmPlus,
    /// OLI/TIRS (Landsat 8) or OLI-2/TIRS-2 (Landsat 9), thermal B10/B11.
    OliTirs,
    /// ASTER TIR (bands 10–14).
    Aster,
    Generic,
}

/// Landsat collection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Collection {
    /// Before Collection 1 (root `L1_METADATA_FILE`, no `COLLECTION_NUMBER`).
    PreCollection,
    C1,
    C2,
    /// Not a Landsat collection product.
    None,
}

/// Processing level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Level {
    /// Level-1 (L1TP, L1GT, L1GS, L1T, …): DNs with radiometric rescaling.
    L1,
    /// Level-2 science product (surface reflectance and surface temperature).
    L2Sp,
    /// Already calibrated or unknown.
    Other,
}

/// Linear rescaling `value = mult * DN + add`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Rescale {
    pub mult: f64,
    pub add: f64,
}

/// Planck constants of a thermal band, `BT = k2 / ln(k1 / L + 1)`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ThermalConstants {
    /// K1 in W m⁻² sr⁻¹ µm⁻¹.
    pub k1: f64,
    /// K2 in kelvin.
    pub k2_k: f64,
}

/// Calibration constants of one band, each from the MTL group that belongs to that band.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct BandCalibration {
    /// DN → TOA radiance (W m⁻² sr⁻¹ µm⁻¹), Level-1 `RADIANCE_MULT/ADD_BAND_x`.
    pub radiance: Option<Rescale>,
    /// DN → TOA reflectance without sun correction, Level-1 `REFLECTANCE_MULT/ADD_BAND_x`;
    /// or DN → surface reflectance for Level-2 `SR_Bx` bands.
    pub reflectance: Option<Rescale>,
    /// K1/K2 of a Level-1 thermal band.
    pub thermal: Option<ThermalConstants>,
    /// DN → kelvin of a Level-2 `ST_Bx` band (`TEMPERATURE_MULT/ADD_BAND_ST_Bx`).
    pub temperature: Option<Rescale>,
}

/// What seamfire knows about a scene from its metadata.
///
/// Band ids are the USGS file-name suffixes: `B1`…`B11`, `B6_VCID_1`, `B6_VCID_2`, `SR_B4`,
/// `ST_B10`, `ST_B6`, `QA_PIXEL`, `QA_RADSAT`, `BQA`, `ST_QA`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SceneMetadata {
    /// The metadata file this came from (may be a GDAL /vsitar/ path).
    pub source: PathBuf,
    /// Root group name (`LANDSAT_METADATA_FILE`, `L1_METADATA_FILE`).
    pub root: String,
    /// `LANDSAT_PRODUCT_ID` (C1/C2) or `LANDSAT_SCENE_ID` (pre-collection).
    pub product_id: Option<String>,
    pub mission: Mission,
    pub sensor: Sensor,
    pub collection: Collection,
    pub level: Level,
    /// Raw processing level string as written (`L1TP`, `L2SP`, `L1T`, …).
    pub level_name: Option<String>,
    /// `DATE_ACQUIRED`, `YYYY-MM-DD`.
    pub acquisition_date: Option<String>,
    /// `SCENE_CENTER_TIME`, `HH:MM:SS.fffffffZ` (UTC), quotes removed.
    pub scene_center_time: Option<String>,
    /// `SUN_ELEVATION` in degrees (negative at night).
    pub sun_elevation_deg: Option<f64>,
    /// `SUN_AZIMUTH` in degrees.
    pub sun_azimuth_deg: Option<f64>,
    /// `EARTH_SUN_DISTANCE` in astronomical units.
    pub earth_sun_distance_au: Option<f64>,
    /// `CLOUD_COVER` in percent.
    pub cloud_cover_pct: Option<f64>,
    /// `WRS_PATH`, `WRS_ROW`.
    pub wrs_path_row: Option<(u32, u32)>,
    /// Band id → file name, from the product-contents group of this product's own level.
    pub band_files: BTreeMap<String, String>,
    /// Band id → calibration constants found in the MTL.
    pub calibration: BTreeMap<String, BandCalibration>,
}

impl SceneMetadata {
    /// Day when the sun is above the horizon at scene centre (`SUN_ELEVATION > 0`); `None` when
    /// the metadata has no sun elevation.
    pub fn is_day(&self) -> Option<bool> {
        self.sun_elevation_deg.map(|e| e > 0.0)
    }
}

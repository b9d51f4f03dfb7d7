//! Typed scene metadata extracted from a Landsat MTL (ODL text, JSON or XML) or built for
//! non-Landsat inputs. No I/O here.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;

/// Satellite mission. Serialized (in `info --json`, detection.json, the season summary) under
/// the product's own name, [`Mission::name`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Mission {
    #[serde(rename = "LANDSAT_1")]
    Landsat1,
    #[serde(rename = "LANDSAT_2")]
    Landsat2,
    #[serde(rename = "LANDSAT_3")]
    Landsat3,
    #[serde(rename = "LANDSAT_4")]
    Landsat4,
    #[serde(rename = "LANDSAT_5")]
    Landsat5,
    #[serde(rename = "LANDSAT_7")]
    Landsat7,
    #[serde(rename = "LANDSAT_8")]
    Landsat8,
    #[serde(rename = "LANDSAT_9")]
    Landsat9,
    /// ASTER on Terra.
    #[serde(rename = "TERRA")]
    Terra,
    /// Anything else (drone mosaics, other calibrated rasters).
    #[serde(rename = "GENERIC")]
    Generic,
}

impl Mission {
    /// The name USGS products use (`SPACECRAFT_ID`: `LANDSAT_8`); `TERRA`; `GENERIC`.
    pub fn name(self) -> &'static str {
        match self {
            Mission::Landsat1 => "LANDSAT_1",
            Mission::Landsat2 => "LANDSAT_2",
            Mission::Landsat3 => "LANDSAT_3",
            Mission::Landsat4 => "LANDSAT_4",
            Mission::Landsat5 => "LANDSAT_5",
            Mission::Landsat7 => "LANDSAT_7",
            Mission::Landsat8 => "LANDSAT_8",
            Mission::Landsat9 => "LANDSAT_9",
            Mission::Terra => "TERRA",
            Mission::Generic => "GENERIC",
        }
    }
}

impl std::fmt::Display for Mission {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Imaging instrument. Serialized under the product's own name, [`Sensor::name`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Sensor {
    /// Multispectral Scanner (Landsat 1–5): no thermal band.
    #[serde(rename = "MSS")]
    Mss,
    /// Thematic Mapper (Landsat 4/5), thermal band 6.
    #[serde(rename = "TM")]
    Tm,
    /// Enhanced Thematic Mapper Plus (Landsat 7), thermal B6_VCID_1/2.
    #[serde(rename = "ETM")]
    EtmPlus,
    /// OLI/TIRS (Landsat 8) or OLI-2/TIRS-2 (Landsat 9), thermal B10/B11.
    #[serde(rename = "OLI_TIRS")]
    OliTirs,
    /// ASTER TIR (bands 10–14).
    #[serde(rename = "ASTER")]
    Aster,
    #[serde(rename = "GENERIC")]
    Generic,
}

impl Sensor {
    /// The name USGS products use (`SENSOR_ID`: `MSS`, `TM`, `ETM`, `OLI_TIRS`); `ASTER`;
    /// `GENERIC`.
    pub fn name(self) -> &'static str {
        match self {
            Sensor::Mss => "MSS",
            Sensor::Tm => "TM",
            Sensor::EtmPlus => "ETM",
            Sensor::OliTirs => "OLI_TIRS",
            Sensor::Aster => "ASTER",
            Sensor::Generic => "GENERIC",
        }
    }
}

impl std::fmt::Display for Sensor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
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
    /// Level-1 calibration groups this product should carry and its MTL lacks
    /// (`LEVEL1_RADIOMETRIC_RESCALING`, `LEVEL1_THERMAL_CONSTANTS`, or their Collection-1
    /// names). Calibration then falls back to published constants (with a warning naming the
    /// group) or fails where there are none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing_groups: Vec<String>,
}

impl SceneMetadata {
    /// Day when the sun is above the horizon at scene centre (`SUN_ELEVATION > 0`); `None` when
    /// the metadata has no sun elevation.
    pub fn is_day(&self) -> Option<bool> {
        self.sun_elevation_deg.map(|e| e > 0.0)
    }

    /// `" (the MTL has no GROUP group)"` naming [`SceneMetadata::missing_groups`], or `""`:
    /// appended to messages about missing constants so that they say where they should be.
    pub fn missing_groups_note(&self) -> String {
        match self.missing_groups.as_slice() {
            [] => String::new(),
            [g] => format!(" (the MTL has no {g} group)"),
            gs => format!(" (the MTL has no {} groups)", gs.join(" or ")),
        }
    }
}

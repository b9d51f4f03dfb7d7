//! Scene ingestion: turns what the user names (a Landsat product directory, a USGS `.tar` /
//! `.tar.gz` package, a band file next to its MTL, an ASTER TIR band or any thermal GeoTIFF) into
//! a [`Scene`]: its metadata and the GDAL paths of the bands present.

mod bandname;
mod discover;
mod generic;
mod sibling_masks;

pub use bandname::{band_id_from_name, normalize_band_arg, product_prefix};
pub use discover::open_scene;
pub use generic::{aster_metadata, generic_metadata};
pub use sibling_masks::{CLOUD_MASK, WATER_MASK, sibling_mask_names};

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;

use crate::mtl::{Level, Mission, SceneMetadata, Sensor};

/// How the input was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum InputKind {
    /// A directory holding the product's files.
    Directory,
    /// A USGS tar package read in place through `/vsitar/`.
    Archive,
    /// One band file whose MTL was found beside it (or named with `--mtl`).
    BandWithMtl,
    /// A raster without Landsat metadata (ASTER band, drone mosaic, any calibrated thermal raster).
    Raster,
}

/// A scene ready for calibration.
#[derive(Debug, Clone, Serialize)]
pub struct Scene {
    /// What the user named.
    pub input: PathBuf,
    pub kind: InputKind,
    /// The MTL used, real or virtual path.
    pub mtl_path: Option<PathBuf>,
    pub metadata: SceneMetadata,
    /// Band id → readable path (real or `/vsitar/…`) for the bands actually present.
    pub bands: BTreeMap<String, PathBuf>,
    /// The band the user pointed at, for single-file inputs.
    pub given_band: Option<String>,
}

/// QA band ids, in the order they are looked for.
const QA_BANDS: [&str; 2] = ["QA_PIXEL", "BQA"];

impl Scene {
    /// The thermal band calibrated by default: the one the user gave; else Landsat 8/9 `B10`,
    /// Landsat 7 `B6_VCID_1` (low gain, saturates later over fires), Landsat 4/5 `B6`, Level-2
    /// `ST_B10`/`ST_B6`, ASTER `B13`, generic band `1`.
    pub fn default_thermal_band(&self) -> Option<String> {
        if let Some(b) = &self.given_band {
            return Some(b.clone());
        }
        let m = &self.metadata;
        let candidates: &[&str] = match (m.level, m.sensor) {
            (Level::L2Sp, _) => &["ST_B10", "ST_B6"],
            (_, Sensor::OliTirs) => &["B10", "B11"],
            (_, Sensor::EtmPlus) => &["B6_VCID_1", "B6_VCID_2"],
            (_, Sensor::Tm) => &["B6"],
            (_, Sensor::Aster) => &["B13", "B14", "B12", "B11", "B10"],
            _ => &["1"],
        };
        candidates
            .iter()
            .find(|b| self.bands.contains_key(**b))
            .map(|b| b.to_string())
    }

    /// The QA band present, if any: `QA_PIXEL` (Collection 2) or `BQA` (Collection 1 and
    /// pre-collection).
    pub fn qa_band(&self) -> Option<(&str, &PathBuf)> {
        QA_BANDS
            .into_iter()
            .find_map(|b| self.bands.get(b).map(|p| (b, p)))
    }

    /// The QA band the metadata names (band id and file name) when none is among the inputs:
    /// a subset or a partial download, where nothing can be masked.
    pub fn missing_qa_file(&self) -> Option<(&str, &str)> {
        if self.qa_band().is_some() {
            return None;
        }
        QA_BANDS
            .into_iter()
            .find_map(|b| self.metadata.band_files.get(b).map(|f| (b, f.as_str())))
    }

    /// Red and near-infrared band ids for NDVI: OLI B4/B5, TM/ETM+ B3/B4.
    pub fn red_nir_bands(&self) -> Option<(&'static str, &'static str)> {
        match self.metadata.sensor {
            Sensor::OliTirs => Some(("B4", "B5")),
            Sensor::Tm | Sensor::EtmPlus => Some(("B3", "B4")),
            _ => None,
        }
    }

    /// Green, red, near-infrared and 1.6 µm SWIR band ids for the spectral water test
    /// ([`crate::calibrate::is_water`]): OLI B3/B4/B5/B6, TM/ETM+ B2/B3/B4/B5, their `SR_`
    /// surface reflectance in a Level-2 product. Whether they are present is the caller's
    /// question.
    pub fn water_bands(&self) -> Option<[String; 4]> {
        let ids: [&str; 4] = match self.metadata.sensor {
            Sensor::OliTirs => ["B3", "B4", "B5", "B6"],
            Sensor::Tm | Sensor::EtmPlus => ["B2", "B3", "B4", "B5"],
            _ => return None,
        };
        let prefix = if self.metadata.level == Level::L2Sp {
            "SR_"
        } else {
            ""
        };
        Some(ids.map(|b| format!("{prefix}{b}")))
    }

    /// True for a Landsat mission.
    pub fn is_landsat(&self) -> bool {
        !matches!(self.metadata.mission, Mission::Terra | Mission::Generic)
    }
}

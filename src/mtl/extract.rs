//! Tree → [`SceneMetadata`] for USGS MTL roots (`LANDSAT_METADATA_FILE`, `L1_METADATA_FILE`).
//!
//! Collection 2 keeps identity in `PRODUCT_CONTENTS` and scene facts in `IMAGE_ATTRIBUTES`;
//! Collection 1 and pre-collection files spread them over `METADATA_FILE_INFO`,
//! `PRODUCT_METADATA` and `IMAGE_ATTRIBUTES` (very old files also `PRODUCT_PARAMETERS`).
//! Level-1 records inside an L2 MTL (`LEVEL1_PROCESSING_RECORD`) are never read for identity or
//! band files: they describe the parent product.

use std::collections::BTreeMap;
use std::path::Path;

use super::band_id::{band_id, is_file_key, is_raster};
use super::calibration::{calibration, missing_groups, number};
use super::ident;
use super::tree::MtlTree;
use super::types::{Collection, Level, SceneMetadata, Sensor};
use crate::error::{Error, Result};

const C2_ROOT: &str = "LANDSAT_METADATA_FILE";
const C1_ROOT: &str = "L1_METADATA_FILE";

/// Builds scene metadata from any supported tree (USGS MTL or ESPA XML).
pub(crate) fn scene_metadata(tree: &MtlTree, source: &Path) -> Result<SceneMetadata> {
    match tree.root_name() {
        C2_ROOT | C1_ROOT => landsat(tree, source),
        "espa_metadata" => super::espa::scene_metadata(tree, source),
        other => Err(Error::metadata(
            source,
            format!(
                "root group is `{other}`: no LANDSAT_METADATA_FILE or L1_METADATA_FILE root \
                 group (nor ESPA espa_metadata)"
            ),
        )),
    }
}

/// Reads keys from an ordered list of groups.
struct Lookup<'a> {
    tree: &'a MtlTree,
    groups: &'static [&'static str],
    source: &'a Path,
}

impl<'a> Lookup<'a> {
    /// `(group, value)` of the first group holding `key`; empty values count as absent.
    fn find(&self, key: &str) -> Option<(&'static str, &'a str)> {
        self.groups.iter().find_map(|g| {
            let v = self.tree.get(g, key)?.trim().trim_matches('"');
            (!v.is_empty()).then_some((*g, v))
        })
    }

    fn text(&self, keys: &[&str]) -> Option<String> {
        keys.iter()
            .find_map(|k| self.find(k))
            .map(|(_, v)| v.to_string())
    }

    fn number(&self, key: &str) -> Result<Option<f64>> {
        self.find(key)
            .map(|(g, v)| number(g, key, v, self.source))
            .transpose()
    }

    fn unsigned(&self, keys: &[&str]) -> Result<Option<u32>> {
        let Some((key, (g, v))) = keys.iter().find_map(|k| Some((*k, self.find(k)?))) else {
            return Ok(None);
        };
        v.parse::<u32>().map(Some).map_err(|_| {
            Error::metadata(
                self.source,
                format!("{g}: {key} = `{v}` is not a whole number"),
            )
        })
    }
}

fn landsat(tree: &MtlTree, source: &Path) -> Result<SceneMetadata> {
    let c2_root = tree.root_name() == C2_ROOT;
    let (groups, product_group): (&'static [&'static str], &str) = if c2_root {
        (
            &["PRODUCT_CONTENTS", "IMAGE_ATTRIBUTES"],
            "PRODUCT_CONTENTS",
        )
    } else {
        (
            &[
                "METADATA_FILE_INFO",
                "PRODUCT_METADATA",
                "IMAGE_ATTRIBUTES",
                "PRODUCT_PARAMETERS",
            ],
            "PRODUCT_METADATA",
        )
    };
    let look = Lookup {
        tree,
        groups,
        source,
    };

    let product_id = look.text(&["LANDSAT_PRODUCT_ID", "LANDSAT_SCENE_ID"]);
    let id = product_id.as_deref();

    // COLLECTION_NUMBER decides; a number this parser does not know keeps the root's layout.
    let collection = match look.find("COLLECTION_NUMBER") {
        Some((_, n)) => ident::collection_number(n).unwrap_or(if c2_root {
            Collection::C2
        } else {
            Collection::C1
        }),
        None if c2_root => Collection::C2,
        None => Collection::PreCollection,
    };

    let mission = match look.find("SPACECRAFT_ID") {
        Some((g, v)) => ident::mission(v).ok_or_else(|| {
            Error::metadata(
                source,
                format!("{g}: SPACECRAFT_ID = `{v}` is not a supported Landsat mission"),
            )
        })?,
        None => id.and_then(ident::mission_from_id).ok_or_else(|| {
            Error::metadata(
                source,
                "no SPACECRAFT_ID, and no product id naming the mission",
            )
        })?,
    };
    let sensor = match look.find("SENSOR_ID") {
        Some((g, v)) => ident::sensor(v).ok_or_else(|| {
            Error::metadata(
                source,
                format!("{g}: SENSOR_ID = `{v}` is not a Landsat sensor"),
            )
        })?,
        None => id.and_then(ident::sensor_from_id).ok_or_else(|| {
            Error::metadata(source, "no SENSOR_ID, and no product id naming the sensor")
        })?,
    };

    let level_name = if c2_root {
        tree.get("PRODUCT_CONTENTS", "PROCESSING_LEVEL")
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    } else {
        look.text(&["DATA_TYPE", "PRODUCT_TYPE"])
    };
    let level = level_name.as_deref().map_or(Level::Other, ident::level);

    let wrs_path = look.unsigned(&["WRS_PATH"])?;
    let wrs_row = look.unsigned(&["WRS_ROW", "STARTING_ROW"])?;
    let cloud = look.number("CLOUD_COVER")?.filter(|c| *c >= 0.0);

    Ok(SceneMetadata {
        source: source.to_path_buf(),
        root: tree.root_name().to_string(),
        band_files: band_files(tree, product_group, id),
        calibration: calibration(tree, c2_root, source)?,
        missing_groups: if level == Level::L1 {
            missing_groups(
                tree,
                c2_root,
                collection == Collection::PreCollection,
                sensor != Sensor::Mss,
            )
        } else {
            Vec::new()
        },
        product_id,
        mission,
        sensor,
        collection,
        level,
        level_name,
        acquisition_date: look.text(&["DATE_ACQUIRED", "ACQUISITION_DATE"]),
        scene_center_time: look.text(&["SCENE_CENTER_TIME", "SCENE_CENTER_SCAN_TIME"]),
        sun_elevation_deg: look.number("SUN_ELEVATION")?,
        sun_azimuth_deg: look.number("SUN_AZIMUTH")?,
        earth_sun_distance_au: look.number("EARTH_SUN_DISTANCE")?,
        cloud_cover_pct: cloud,
        wrs_path_row: wrs_path.zip(wrs_row),
    })
}

/// Band id → GeoTIFF file name, from the product's own contents group only.
fn band_files(tree: &MtlTree, group: &str, product_id: Option<&str>) -> BTreeMap<String, String> {
    let Some(g) = tree.group(group) else {
        return BTreeMap::new();
    };
    let mut out = BTreeMap::new();
    for (key, file) in g.entries() {
        let file = file.trim();
        if is_file_key(key) && is_raster(file) {
            out.entry(band_id(key, file, product_id))
                .or_insert_with(|| file.to_string());
        }
    }
    out
}

//! Metadata for rasters that carry no MTL: ASTER L1T TIR bands and generic thermal rasters.

use std::collections::BTreeMap;
use std::path::Path;

use crate::mtl::{BandCalibration, Collection, Level, Mission, SceneMetadata, Sensor};

/// Metadata for a raster without Landsat metadata.
pub fn generic_metadata(source: &Path) -> SceneMetadata {
    SceneMetadata {
        source: source.to_path_buf(),
        root: String::new(),
        product_id: crate::io::subdataset::short_name(&source.to_string_lossy())
            .or_else(|| source.file_stem().map(|s| s.to_string_lossy().into_owned())),
        mission: Mission::Generic,
        sensor: Sensor::Generic,
        collection: Collection::None,
        level: Level::Other,
        level_name: None,
        acquisition_date: None,
        scene_center_time: None,
        sun_elevation_deg: None,
        sun_azimuth_deg: None,
        earth_sun_distance_au: None,
        cloud_cover_pct: None,
        wrs_path_row: None,
        band_files: BTreeMap::new(),
        calibration: BTreeMap::new(),
        missing_groups: Vec::new(),
    }
}

/// Metadata for an ASTER L1T TIR band file (`AST_L1T_…` with a `B10`…`B14` suffix). The
/// calibration constants come from [`crate::calibrate::constants::aster_tir`] when the
/// calibration runs (with a warning), so they are not filled here.
pub fn aster_metadata(source: &Path) -> SceneMetadata {
    let mut m = generic_metadata(source);
    m.mission = Mission::Terra;
    m.sensor = Sensor::Aster;
    m.level = Level::L1;
    m.level_name = Some("L1T".into());
    // AST_L1T_003MMDDYYYYHHMMSS_… carries the acquisition date and UTC time.
    if let Some(stamp) = source
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.strip_prefix("AST_L1T_003"))
        .filter(|s| s.len() >= 14 && s[..14].chars().all(|c| c.is_ascii_digit()))
    {
        let (mm, dd, yyyy) = (&stamp[0..2], &stamp[2..4], &stamp[4..8]);
        m.acquisition_date = Some(format!("{yyyy}-{mm}-{dd}"));
        m.scene_center_time = Some(format!(
            "{}:{}:{}Z",
            &stamp[8..10],
            &stamp[10..12],
            &stamp[12..14]
        ));
    }
    m.calibration = BTreeMap::<String, BandCalibration>::new();
    m
}

/// True when the file name looks like an ASTER L1T product.
pub fn is_aster_name(name: &str) -> bool {
    name.to_ascii_uppercase().starts_with("AST_L1T")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aster_date_from_name() {
        let m = aster_metadata(Path::new("AST_L1T_00308142015044017_20150815_TIR_B13.tif"));
        assert_eq!(m.acquisition_date.as_deref(), Some("2015-08-14"));
        assert_eq!(m.scene_center_time.as_deref(), Some("04:40:17Z"));
        assert_eq!(m.sensor, Sensor::Aster);
        assert!(is_aster_name("ast_l1t_x_B10.tif"));
    }
}

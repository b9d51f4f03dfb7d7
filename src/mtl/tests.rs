//! Tests of [`parse_mtl`] on small hand-written MTLs: the group-aware calibration trap, legacy
//! layouts and malformed input. The real USGS files are exercised in `tests/mtl_formats.rs`.

use std::path::Path;

use proptest::prelude::*;

use super::*;

fn parse(s: &str) -> crate::error::Result<SceneMetadata> {
    parse_mtl(s.as_bytes(), Path::new("unit_MTL.txt"))
}

fn rescale(mult: f64, add: f64) -> Option<Rescale> {
    Some(Rescale { mult, add })
}

/// A cut-down L2SP MTL with the same key names in level-1 and level-2 groups.
const L2SP: &str = r#"GROUP = LANDSAT_METADATA_FILE
  GROUP = PRODUCT_CONTENTS
    LANDSAT_PRODUCT_ID = "LC08_L2SP_204023_20200927_20201006_02_T1"
    PROCESSING_LEVEL = "L2SP"
    COLLECTION_NUMBER = 02
    FILE_NAME_BAND_4 = "LC08_L2SP_204023_20200927_20201006_02_T1_SR_B4.TIF"
    FILE_NAME_BAND_ST_B10 = "LC08_L2SP_204023_20200927_20201006_02_T1_ST_B10.TIF"
    FILE_NAME_ANGLE_COEFFICIENT = "LC08_L2SP_204023_20200927_20201006_02_T1_ANG.txt"
  END_GROUP = PRODUCT_CONTENTS
  GROUP = IMAGE_ATTRIBUTES
    SPACECRAFT_ID = "LANDSAT_8"
    SENSOR_ID = "OLI_TIRS"
    WRS_PATH = 204
    WRS_ROW = 23
    SCENE_CENTER_TIME = "11:10:50.3140030Z"
    SUN_ELEVATION = -12.5
    CLOUD_COVER = -1
  END_GROUP = IMAGE_ATTRIBUTES
  GROUP = LEVEL2_SURFACE_REFLECTANCE_PARAMETERS
    REFLECTANCE_MULT_BAND_4 = 2.75e-05
    REFLECTANCE_ADD_BAND_4 = -0.2
  END_GROUP = LEVEL2_SURFACE_REFLECTANCE_PARAMETERS
  GROUP = LEVEL2_SURFACE_TEMPERATURE_PARAMETERS
    TEMPERATURE_MULT_BAND_ST_B10 = 0.00341802
    TEMPERATURE_ADD_BAND_ST_B10 = 149.0
  END_GROUP = LEVEL2_SURFACE_TEMPERATURE_PARAMETERS
  GROUP = LEVEL1_PROCESSING_RECORD
    LANDSAT_PRODUCT_ID = "LC08_L1TP_204023_20200927_20201006_02_T1"
    FILE_NAME_BAND_4 = "LC08_L1TP_204023_20200927_20201006_02_T1_B4.TIF"
  END_GROUP = LEVEL1_PROCESSING_RECORD
  GROUP = LEVEL1_RADIOMETRIC_RESCALING
    REFLECTANCE_MULT_BAND_4 = 2.0000E-05
    REFLECTANCE_ADD_BAND_4 = -0.100000
  END_GROUP = LEVEL1_RADIOMETRIC_RESCALING
END_GROUP = LANDSAT_METADATA_FILE
END
"#;

#[test]
fn l2sp_constants_come_from_their_own_groups() {
    let m = parse(L2SP).unwrap();
    assert_eq!((m.level, m.collection), (Level::L2Sp, Collection::C2));
    assert_eq!(
        m.product_id.as_deref(),
        Some("LC08_L2SP_204023_20200927_20201006_02_T1")
    );
    assert_eq!(m.calibration["SR_B4"].reflectance, rescale(2.75e-05, -0.2));
    assert_eq!(m.calibration["B4"].reflectance, rescale(2.0e-05, -0.1));
    assert_eq!(
        m.calibration["ST_B10"].temperature,
        rescale(0.00341802, 149.0)
    );
    let files: Vec<&str> = m.band_files.keys().map(String::as_str).collect();
    assert_eq!(files, ["SR_B4", "ST_B10"], "no level-1 files, no ANG.txt");
    assert_eq!(m.scene_center_time.as_deref(), Some("11:10:50.3140030Z"));
    assert_eq!(m.is_day(), Some(false));
    assert_eq!(m.cloud_cover_pct, None, "-1 means not calculated");
    assert_eq!(m.wrs_path_row, Some((204, 23)));
}

/// The pre-2012 LPGS/NLAPS layout (no sample in the corpus; key names as USGS wrote them):
/// `BANDn_FILE_NAME`, `LMAX_BANDn`/`QCALMAX_BANDn`, `ACQUISITION_DATE`, L7 bands `61`/`62`.
const LEGACY_L7: &str = r#"GROUP = L1_METADATA_FILE
  GROUP = PRODUCT_METADATA
    PRODUCT_TYPE = "L1T"
    SPACECRAFT_ID = "Landsat7"
    SENSOR_ID = "ETM+"
    ACQUISITION_DATE = 2002-07-01
    SCENE_CENTER_SCAN_TIME = 10:27:13.0000000Z
    WRS_PATH = 160
    STARTING_ROW = 31
    BAND1_FILE_NAME = "L71160031_03120020701_B10.TIF"
    BAND61_FILE_NAME = "L71160031_03120020701_B61.TIF"
    METADATA_L1_FILE_NAME = "L71160031_03120020701_MTL.txt"
  END_GROUP = PRODUCT_METADATA
  GROUP = MIN_MAX_RADIANCE
    LMAX_BAND1 = 191.600
    LMIN_BAND1 = -6.200
    LMAX_BAND61 = 17.040
    LMIN_BAND61 = 0.000
  END_GROUP = MIN_MAX_RADIANCE
  GROUP = MIN_MAX_PIXEL_VALUE
    QCALMAX_BAND1 = 255.0
    QCALMIN_BAND1 = 1.0
    QCALMAX_BAND61 = 255.0
    QCALMIN_BAND61 = 1.0
  END_GROUP = MIN_MAX_PIXEL_VALUE
  GROUP = PRODUCT_PARAMETERS
    SUN_AZIMUTH = 125.5
    SUN_ELEVATION = 61.25
  END_GROUP = PRODUCT_PARAMETERS
END_GROUP = L1_METADATA_FILE
END
"#;

#[test]
fn legacy_lmax_lmin_layout() {
    let m = parse(LEGACY_L7).unwrap();
    assert_eq!((m.mission, m.sensor), (Mission::Landsat7, Sensor::EtmPlus));
    assert_eq!(
        (m.collection, m.level),
        (Collection::PreCollection, Level::L1)
    );
    assert_eq!(m.product_id, None);
    assert_eq!(m.acquisition_date.as_deref(), Some("2002-07-01"));
    assert_eq!(m.sun_elevation_deg, Some(61.25));
    assert_eq!(m.wrs_path_row, Some((160, 31)));
    assert_eq!(m.band_files["B1"], "L71160031_03120020701_B10.TIF");
    assert_eq!(m.band_files["B6_VCID_1"], "L71160031_03120020701_B61.TIF");
    let b6 = m.calibration["B6_VCID_1"];
    let mult = 17.04 / 254.0;
    assert_eq!(b6.radiance, rescale(mult, -mult));
    assert_eq!(b6.thermal, None, "K1/K2 are never invented");
    let b1 = m.calibration["B1"].radiance.unwrap();
    assert!((b1.mult - 197.8 / 254.0).abs() < 1e-12);
    assert!((b1.add - (-6.2 - b1.mult)).abs() < 1e-12);
}

#[test]
fn radiance_mult_wins_over_min_max() {
    let odl = "GROUP = L1_METADATA_FILE\nGROUP = PRODUCT_METADATA\nSPACECRAFT_ID = \"LANDSAT_5\"\n\
        SENSOR_ID = \"TM\"\nEND_GROUP = PRODUCT_METADATA\nGROUP = MIN_MAX_RADIANCE\n\
        RADIANCE_MAXIMUM_BAND_6 = 15.303\nRADIANCE_MINIMUM_BAND_6 = 1.238\n\
        RADIANCE_MAXIMUM_BAND_7 = 16.5\nRADIANCE_MINIMUM_BAND_7 = -0.15\n\
        END_GROUP = MIN_MAX_RADIANCE\nGROUP = MIN_MAX_PIXEL_VALUE\n\
        QUANTIZE_CAL_MAX_BAND_6 = 255\nQUANTIZE_CAL_MIN_BAND_6 = 1\n\
        QUANTIZE_CAL_MAX_BAND_7 = 255\nQUANTIZE_CAL_MIN_BAND_7 = 255\n\
        END_GROUP = MIN_MAX_PIXEL_VALUE\nGROUP = RADIOMETRIC_RESCALING\n\
        RADIANCE_MULT_BAND_6 = 0.055\nRADIANCE_ADD_BAND_6 = 1.18243\n\
        END_GROUP = RADIOMETRIC_RESCALING\nEND_GROUP = L1_METADATA_FILE\nEND\n";
    let m = parse(odl).unwrap();
    assert_eq!(m.calibration["B6"].radiance, rescale(0.055, 1.18243));
    assert!(
        !m.calibration.contains_key("B7"),
        "QCALMAX == QCALMIN gives no rescale"
    );
}

#[test]
fn identity_errors_name_the_key() {
    let no_root = "GROUP = SOMETHING_ELSE\nEND_GROUP = SOMETHING_ELSE\nEND\n";
    let e = parse(no_root).unwrap_err().to_string();
    assert!(
        e.contains("no LANDSAT_METADATA_FILE or L1_METADATA_FILE root group"),
        "{e}"
    );

    let bad_craft = L2SP.replace("LANDSAT_8", "SPOT_5");
    assert!(
        parse(&bad_craft)
            .unwrap_err()
            .to_string()
            .contains("SPACECRAFT_ID = `SPOT_5`")
    );

    let bad_number = L2SP.replace("SUN_ELEVATION = -12.5", "SUN_ELEVATION = high");
    let e = parse(&bad_number).unwrap_err().to_string();
    assert!(
        e.contains("IMAGE_ATTRIBUTES: SUN_ELEVATION = `high` is not a number"),
        "{e}"
    );

    let bad_k = L2SP.replace("149.0", "NaN");
    assert!(parse(&bad_k).is_err(), "non-finite constants are rejected");
}

#[test]
fn mission_and_sensor_fall_back_to_the_product_id() {
    let odl = L2SP
        .replace("    SPACECRAFT_ID = \"LANDSAT_8\"\n", "")
        .replace("    SENSOR_ID = \"OLI_TIRS\"\n", "");
    let m = parse(&odl).unwrap();
    assert_eq!((m.mission, m.sensor), (Mission::Landsat8, Sensor::OliTirs));
}

#[test]
fn malformed_inputs_are_errors() {
    let cases: &[(&str, &[u8])] = &[
        ("empty", b""),
        ("blank", b"  \r\n\n"),
        ("nul only", &[0u8; 64]),
        ("garbage", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
        ("truncated", &L2SP.as_bytes()[..L2SP.len() / 2]),
        (
            "unbalanced",
            b"GROUP = L1_METADATA_FILE\nGROUP = A\nEND_GROUP = L1_METADATA_FILE\n",
        ),
        ("json array", b"[1, 2]"),
        ("xml fragment", b"<LANDSAT_METADATA_FILE><PRODUCT_CONTENTS>"),
    ];
    for (what, bytes) in cases {
        assert!(
            parse_mtl(bytes, Path::new("bad")).is_err(),
            "{what} should be an error"
        );
    }
    let cut = L2SP.find("  END_GROUP = PRODUCT_CONTENTS").unwrap();
    let e = parse_mtl(&L2SP.as_bytes()[..cut], Path::new("cut_MTL.txt"))
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("cut_MTL.txt: line"), "{e}");
    assert!(e.contains("unterminated GROUP = PRODUCT_CONTENTS"), "{e}");
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse_mtl(&bytes, Path::new("fuzz"));
    }

    #[test]
    fn format_prefixed_garbage_never_panics(
        prefix in prop::sample::select(vec!["{", "<", "<?xml version=\"1.0\"?><a ", "GROUP = ", "{\"A\": {"]),
        rest in ".{0,200}",
    ) {
        let _ = parse_mtl(format!("{prefix}{rest}").as_bytes(), Path::new("fuzz"));
    }

    #[test]
    fn mutated_mtl_never_panics(cut in 0usize..L2SP.len(), byte in any::<u8>()) {
        let mut b = L2SP.as_bytes().to_vec();
        b[cut] = byte;
        let _ = parse_mtl(&b, Path::new("fuzz"));
        let _ = parse_mtl(&b[..cut], Path::new("fuzz"));
    }
}

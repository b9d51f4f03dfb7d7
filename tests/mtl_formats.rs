//! Every real metadata file in `testdata/mtl/` parses to the expected mission, sensor,
//! collection and level, with the thermal constants written in that file.
//!
//! Expected constants were read off the files with grep, e.g.
//! `grep -E 'K[12]_CONSTANT_BAND_10|RADIANCE_(MULT|ADD)_BAND_10' <file>` and
//! `grep TEMPERATURE_ <file>`; json/xml twins carry the same values as the txt file.

use std::path::{Path, PathBuf};

use seamfire::mtl::{
    Collection, Level, Mission, Rescale, SceneMetadata, Sensor, ThermalConstants, parse_mtl,
    parse_tree,
};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/mtl")
}

fn read(rel: &str) -> (Vec<u8>, PathBuf) {
    let p = root().join(rel);
    let bytes = std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    (bytes, p)
}

fn meta(rel: &str) -> SceneMetadata {
    let (bytes, p) = read(rel);
    parse_mtl(&bytes, &p).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn rs(mult: f64, add: f64) -> Option<Rescale> {
    Some(Rescale { mult, add })
}

fn th(k1: f64, k2_k: f64) -> Option<ThermalConstants> {
    Some(ThermalConstants { k1, k2_k })
}

/// Every file under `testdata/mtl/` except the README, as paths relative to it.
fn corpus() -> Vec<String> {
    let mut out = Vec::new();
    let mut dirs = vec![root()];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.file_name().is_some_and(|n| n != "README.md") {
                out.push(
                    p.strip_prefix(root())
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/"),
                );
            }
        }
    }
    out.sort();
    out
}

/// Level-1 thermal band: `RADIANCE_MULT/ADD` and, when the file has them, K1/K2.
#[derive(Clone, Copy)]
struct Th(&'static str, f64, f64, Option<(f64, f64)>);

// L8 TIRS: RADIANCE_MULT_BAND_10 = 3.3420E-04, RADIANCE_ADD_BAND_10 = 0.10000,
// K1_CONSTANT_BAND_10 = 774.8853, K2_CONSTANT_BAND_10 = 1321.0789 (same in every L8 file here).
const L8_B10: &[Th] = &[Th("B10", 3.3420E-04, 0.10000, Some((774.8853, 1321.0789)))];
// L9 TIRS-2: RADIANCE_MULT_BAND_10 = 3.8000E-04, ADD 0.10000, K1 799.0284, K2 1329.2405.
const L9_B10: &[Th] = &[Th("B10", 3.8000E-04, 0.10000, Some((799.0284, 1329.2405)))];
// L7 ETM+: RADIANCE_MULT_BAND_6_VCID_1 = 6.7087E-02, ADD -0.06709; VCID_2 3.7205E-02, 3.16280;
// K1_CONSTANT_BAND_6_VCID_1/2 = 666.09, K2 = 1282.71.
const L7_B6: &[Th] = &[
    Th("B6_VCID_1", 6.7087E-02, -0.06709, Some((666.09, 1282.71))),
    Th("B6_VCID_2", 3.7205E-02, 3.16280, Some((666.09, 1282.71))),
];
// L5 TM C1/C2: RADIANCE_MULT_BAND_6 = 5.5375E-02, ADD 1.18243, K1 607.76, K2 1260.56.
const L5_B6: &[Th] = &[Th("B6", 5.5375E-02, 1.18243, Some((607.76, 1260.56)))];
// L5 TM pre-collection (para 1988): RADIANCE_MULT_BAND_6 = 0.055, ADD 1.18243, no K1/K2.
const L5_B6_NO_K: &[Th] = &[Th("B6", 0.055, 1.18243, None)];
const NONE: &[Th] = &[];
// L2SP: TEMPERATURE_MULT_BAND_ST_B10 (ST_B6 for L5/L7) = 0.00341802, ADD 149.0.
const ST_B10: Option<(&str, f64, f64)> = Some(("ST_B10", 0.00341802, 149.0));
const ST_B6: Option<(&str, f64, f64)> = Some(("ST_B6", 0.00341802, 149.0));

use Collection::{C1, C2, PreCollection};
use Level::{L1, L2Sp};
use Mission::{Landsat3, Landsat5, Landsat7, Landsat8, Landsat9};
use Sensor::{EtmPlus, Mss, OliTirs, Tm};

type Row = (
    &'static str,
    Mission,
    Sensor,
    Collection,
    Level,
    &'static [Th],
    Option<(&'static str, f64, f64)>,
);

#[rustfmt::skip]
const EXPECTED: &[Row] = &[
    ("LC08_L1GT_089074_20220506_20220512_02_T2/LC08_L1GT_089074_20220506_20220512_02_T2_MTL.json", Landsat8, OliTirs, C2, L1, L8_B10, None),
    ("LC08_L1GT_089074_20220506_20220512_02_T2/LC08_L1GT_089074_20220506_20220512_02_T2_MTL.txt", Landsat8, OliTirs, C2, L1, L8_B10, None),
    ("LC08_L1GT_089074_20220506_20220512_02_T2/LC08_L1GT_089074_20220506_20220512_02_T2_MTL.xml", Landsat8, OliTirs, C2, L1, L8_B10, None),
    ("LC08_L1TP_090084_20160121_20170405_01_T1.tar.gz/LC08_L1TP_090084_20160121_20170405_01_T1_MTL.txt", Landsat8, OliTirs, C1, L1, L8_B10, None),
    ("LC08_L1TP_090084_20160121_20170405_01_T1/LC08_L1TP_090084_20160121_20170405_01_T1_MTL.txt", Landsat8, OliTirs, C1, L1, L8_B10, None),
    ("LC08_L1TP_090084_20160121_20200907_02_T1/LC08_L1TP_090084_20160121_20200907_02_T1_MTL.txt", Landsat8, OliTirs, C2, L1, L8_B10, None),
    ("LC08_L1TP_227074_20190809_20200827_02_T1/LC08_L1TP_227074_20190809_20200827_02_T1_MTL.txt", Landsat8, OliTirs, C2, L1, L8_B10, None),
    ("LC08_L1TP_227074_20190825_20200826_02_T1/LC08_L1TP_227074_20190825_20200826_02_T1_MTL.txt", Landsat8, OliTirs, C2, L1, L8_B10, None),
    ("LC08_L2SP_001062_20201031_20201106_02_T2/LC08_L2SP_001062_20201031_20201106_02_T2_MTL.json", Landsat8, OliTirs, C2, L2Sp, L8_B10, ST_B10),
    ("LC08_L2SP_001062_20201031_20201106_02_T2/LC08_L2SP_001062_20201031_20201106_02_T2_MTL.txt", Landsat8, OliTirs, C2, L2Sp, L8_B10, ST_B10),
    ("LC08_L2SP_001062_20201031_20201106_02_T2/LC08_L2SP_001062_20201031_20201106_02_T2_MTL.xml", Landsat8, OliTirs, C2, L2Sp, L8_B10, ST_B10),
    ("LC08_L2SP_098084_20210503_20210508_02_T1/LC08_L2SP_098084_20210503_20210508_02_T1_MTL.txt", Landsat8, OliTirs, C2, L2Sp, L8_B10, ST_B10),
    ("LC08_L2SP_098084_20210503_20210508_02_T1/LC08_L2SP_098084_20210503_20210508_02_T1_MTL.xml", Landsat8, OliTirs, C2, L2Sp, L8_B10, ST_B10),
    ("LC08_L2SP_204023_20200927_20201006_02_T1/LC08_L2SP_204023_20200927_20201006_02_T1_MTL.txt", Landsat8, OliTirs, C2, L2Sp, L8_B10, ST_B10),
    ("LC09_L1TP_112081_20220209_20220209_02_T1/LC09_L1TP_112081_20220209_20220209_02_T1_MTL.txt", Landsat9, OliTirs, C2, L1, L9_B10, None),
    ("LC09_L1TP_112081_20220209_20220209_02_T1/LC09_L1TP_112081_20220209_20220209_02_T1_MTL.xml", Landsat9, OliTirs, C2, L1, L9_B10, None),
    ("LE07_L1GT_104078_20131209_20161119_01_T2.tar.gz/LE07_L1GT_104078_20131209_20161119_01_T2_MTL.txt", Landsat7, EtmPlus, C1, L1, L7_B6, None),
    ("LE07_L1TP_104078_20130429_20161124_01_T1.tar/LE07_L1TP_104078_20130429_20161124_01_T1_MTL.txt", Landsat7, EtmPlus, C1, L1, L7_B6, None),
    ("LE07_L1TP_107068_20220310_20220405_02_T1/LE07_L1TP_107068_20220310_20220405_02_T1_MTL.json", Landsat7, EtmPlus, C2, L1, L7_B6, None),
    ("LE07_L1TP_107068_20220310_20220405_02_T1/LE07_L1TP_107068_20220310_20220405_02_T1_MTL.txt", Landsat7, EtmPlus, C2, L1, L7_B6, None),
    ("LE07_L1TP_107068_20220310_20220405_02_T1/LE07_L1TP_107068_20220310_20220405_02_T1_MTL.xml", Landsat7, EtmPlus, C2, L1, L7_B6, None),
    ("LE07_L2SP_090084_20210331_20210426_02_T1/LE07_L2SP_090084_20210331_20210426_02_T1_MTL.txt", Landsat7, EtmPlus, C2, L2Sp, L7_B6, ST_B6),
    ("LE07_L2SP_090084_20210331_20210426_02_T1/LE07_L2SP_090084_20210331_20210426_02_T1_MTL.xml", Landsat7, EtmPlus, C2, L2Sp, L7_B6, ST_B6),
    ("LT05_L1TP_090085_19970406_20161231_01_T1.tar.gz/LT05_L1TP_090085_19970406_20161231_01_T1_MTL.txt", Landsat5, Tm, C1, L1, L5_B6, None),
    ("LT05_L2SP_090084_19980308_20200909_02_T1/LT05_L2SP_090084_19980308_20200909_02_T1_MTL.json", Landsat5, Tm, C2, L2Sp, L5_B6, ST_B6),
    ("LT05_L2SP_090084_19980308_20200909_02_T1/LT05_L2SP_090084_19980308_20200909_02_T1_MTL.txt", Landsat5, Tm, C2, L2Sp, L5_B6, ST_B6),
    ("LT05_L2SP_090084_19980308_20200909_02_T1/LT05_L2SP_090084_19980308_20200909_02_T1_MTL.xml", Landsat5, Tm, C2, L2Sp, L5_B6, ST_B6),
    ("landsat5-tm-para-1988/LT52240631988227CUB02_MTL.txt", Landsat5, Tm, PreCollection, L1, L5_B6_NO_K, None),
    ("landsat5-tm-para-1988/metadata_samples/LC08_L1TP_193024_20180824_20200831_02_T1_MTL.txt", Landsat8, OliTirs, C2, L1, L8_B10, None),
    ("landsat5-tm-para-1988/metadata_samples/LC08_L1TP_195025_20130707_20170503_01_T1_MTL.txt", Landsat8, OliTirs, C1, L1, L8_B10, None),
    // ESPA surface-reflectance orders: no thermal band, no constants beyond scale_factor.
    ("landsat5-tm-para-1988/metadata_samples/LC80980762015235LGN00.xml", Landsat8, OliTirs, PreCollection, L2Sp, NONE, None),
    ("landsat5-tm-para-1988/metadata_samples/LE07_L1TP_160031_20110416_20161210_01_T1.xml", Landsat7, EtmPlus, C1, L2Sp, NONE, None),
    ("landsat5-tm-para-1988/metadata_samples/LE07_L1TP_160031_20110416_20161210_01_T1_MTL.TXT", Landsat7, EtmPlus, C1, L1, L7_B6, None),
    ("landsat5-tm-para-1988/metadata_samples/LM50490251987214PAC00_MTL.txt", Landsat5, Mss, PreCollection, L1, NONE, None),
    ("landsat5-tm-para-1988/metadata_samples/LT05_L1TP_047027_20101006_20160512_01_T1_MTL.txt", Landsat5, Tm, C1, L1, L5_B6, None),
    ("landsat5-tm-para-1988/metadata_samples/LT05_L1TP_218072_20100801_20161015_01_T1_MTL.txt", Landsat5, Tm, C1, L1, L5_B6, None),
    ("landsat5-tm-para-1988/metadata_samples/mss_MTL.txt", Landsat3, Mss, PreCollection, L1, NONE, None),
    ("landsat8-l1t-pensacola-2015/l8_MTL.txt", Landsat8, OliTirs, PreCollection, L1, L8_B10, None),
];

#[test]
fn every_corpus_file_has_an_expectation() {
    let listed: Vec<String> = EXPECTED.iter().map(|r| r.0.to_string()).collect();
    assert_eq!(
        corpus(),
        listed,
        "testdata/mtl and EXPECTED must list the same files"
    );
}

#[test]
fn corpus_parses_to_expected_identity_and_constants() {
    for &(rel, mission, sensor, collection, level, thermal, st) in EXPECTED {
        let m = meta(rel);
        assert_eq!(
            (m.mission, m.sensor, m.collection, m.level),
            (mission, sensor, collection, level),
            "{rel}"
        );
        for &Th(band, ml, al, k) in thermal {
            let c = m
                .calibration
                .get(band)
                .unwrap_or_else(|| panic!("{rel}: no {band}"));
            assert_eq!(c.radiance, rs(ml, al), "{rel} {band}");
            assert_eq!(
                c.thermal,
                k.map(|(k1, k2_k)| ThermalConstants { k1, k2_k }),
                "{rel} {band}"
            );
            assert!(
                m.band_files.contains_key(band) || level == L2Sp,
                "{rel}: no file for {band}"
            );
        }
        if let Some((band, mult, add)) = st {
            assert_eq!(m.calibration[band].temperature, rs(mult, add), "{rel}");
            assert!(m.band_files.contains_key(band), "{rel}: no file for {band}");
        }
        assert!(!m.band_files.is_empty(), "{rel}: no band files");
        assert!(
            m.band_files
                .values()
                .all(|f| f.to_ascii_lowercase().ends_with(".tif")),
            "{rel}"
        );
        assert!(
            m.acquisition_date.is_some() && m.sun_elevation_deg.is_some(),
            "{rel}"
        );
    }
}

/// Drops the one field that must differ between the txt, json and xml of one product.
fn without_source(mut m: SceneMetadata) -> SceneMetadata {
    m.source = PathBuf::new();
    m
}

#[test]
fn txt_json_and_xml_of_one_product_agree() {
    // Same product = same path up to `_MTL.` (txt, json and xml sit side by side).
    let mut by_product: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for f in corpus() {
        if let Some((stem, _)) = f.split_once("_MTL.") {
            by_product
                .entry(stem.to_string())
                .or_default()
                .push(f.clone());
        }
    }
    let twins: Vec<&Vec<String>> = by_product.values().filter(|v| v.len() > 1).collect();
    assert_eq!(twins.len(), 7, "multi-format products in the corpus");
    for files in twins {
        let first = without_source(meta(&files[0]));
        for other in &files[1..] {
            assert_eq!(
                without_source(meta(other)),
                first,
                "{other} vs {}",
                files[0]
            );
        }
    }
    // The MTL inside the C1 tar.gz is the same file as the unpacked one.
    let a =
        "LC08_L1TP_090084_20160121_20170405_01_T1/LC08_L1TP_090084_20160121_20170405_01_T1_MTL.txt";
    let b = "LC08_L1TP_090084_20160121_20170405_01_T1.tar.gz/LC08_L1TP_090084_20160121_20170405_01_T1_MTL.txt";
    assert_eq!(without_source(meta(a)), without_source(meta(b)));
}

#[test]
fn nul_padded_l5_has_no_k1_k2() {
    let rel = "landsat5-tm-para-1988/LT52240631988227CUB02_MTL.txt";
    let (bytes, _) = read(rel);
    assert!(
        bytes.ends_with(&[0, 0, 0]),
        "the sample must still be NUL padded"
    );
    let m = meta(rel);
    assert_eq!(m.root, "L1_METADATA_FILE");
    assert_eq!(m.product_id.as_deref(), Some("LT52240631988227CUB02"));
    let b6 = m.calibration["B6"];
    // grep RADIANCE_MULT_BAND_6 / RADIANCE_ADD_BAND_6: 0.055 and 1.18243.
    assert_eq!(b6.radiance, rs(0.055, 1.18243));
    assert_eq!(b6.thermal, None);
    assert_eq!(m.band_files["B6"], "LT52240631988227CUB02_B6.TIF");
}

#[test]
fn l2sp_reads_each_band_from_its_own_group() {
    let m = meta(
        "LC08_L2SP_204023_20200927_20201006_02_T1/LC08_L2SP_204023_20200927_20201006_02_T1_MTL.txt",
    );
    // grep in LEVEL2_SURFACE_TEMPERATURE_PARAMETERS / LEVEL2_SURFACE_REFLECTANCE_PARAMETERS /
    // LEVEL1_RADIOMETRIC_RESCALING.
    assert_eq!(m.calibration["ST_B10"].temperature, rs(0.00341802, 149.0));
    assert_eq!(m.calibration["SR_B4"].reflectance, rs(2.75e-05, -0.2));
    assert_eq!(m.calibration["B4"].reflectance, rs(2.0e-05, -0.1));
    assert_eq!(m.calibration["B10"].thermal, th(774.8853, 1321.0789));
    // Band files come from PRODUCT_CONTENTS, not the L1 names in LEVEL1_PROCESSING_RECORD.
    assert!(m.band_files["SR_B4"].ends_with("_02_T1_SR_B4.TIF"));
    assert!(m.band_files["ST_B10"].starts_with("LC08_L2SP_"));
    assert!(!m.band_files.contains_key("B4") && !m.band_files.contains_key("B10"));
    assert_eq!(
        m.product_id.as_deref(),
        Some("LC08_L2SP_204023_20200927_20201006_02_T1")
    );
}

#[test]
fn pensacola_pre_collection_b10() {
    let m = meta("landsat8-l1t-pensacola-2015/l8_MTL.txt");
    assert_eq!(m.root, "L1_METADATA_FILE");
    assert_eq!(m.collection, PreCollection);
    assert_eq!(m.level_name.as_deref(), Some("L1T"));
    // grep K1_CONSTANT_BAND_10 / K2_CONSTANT_BAND_10 (group TIRS_THERMAL_CONSTANTS).
    assert_eq!(m.calibration["B10"].thermal, th(774.8853, 1321.0789));
    assert_eq!(m.band_files["BQA"], "LC80200392015216LGN00_BQA.TIF");
    assert_eq!(m.band_files["B10"], "LC80200392015216LGN00_B10.TIF");
}

#[test]
fn l7_and_l9_thermal_bands() {
    let m = meta(
        "LE07_L1TP_107068_20220310_20220405_02_T1/LE07_L1TP_107068_20220310_20220405_02_T1_MTL.txt",
    );
    let (v1, v2) = (m.calibration["B6_VCID_1"], m.calibration["B6_VCID_2"]);
    assert_ne!(
        v1.radiance, v2.radiance,
        "VCID_1 and VCID_2 have their own rescaling"
    );
    assert!(m.band_files["B6_VCID_2"].ends_with("_B6_VCID_2.TIF"));
    let m = meta(
        "LC09_L1TP_112081_20220209_20220209_02_T1/LC09_L1TP_112081_20220209_20220209_02_T1_MTL.xml",
    );
    assert_eq!(m.calibration["B10"].thermal, th(799.0284, 1329.2405));
    assert_eq!(m.calibration["B11"].thermal, th(475.6581, 1198.3494));
}

#[test]
fn espa_xml_global_metadata() {
    let m = meta("landsat5-tm-para-1988/metadata_samples/LC80980762015235LGN00.xml");
    assert_eq!(m.root, "espa_metadata");
    assert_eq!(m.product_id.as_deref(), Some("LC80980762015235LGN00"));
    // <solar_angles zenith="46.230179" azimuth="44.607460"/>: elevation = 90 - zenith.
    assert!((m.sun_elevation_deg.unwrap() - 43.769821).abs() < 1e-9);
    assert_eq!(m.sun_azimuth_deg, Some(44.60746));
    assert_eq!(m.wrs_path_row, Some((98, 76)));
    assert_eq!(m.calibration["SR_B4"].reflectance, rs(0.0001, 0.0));
    assert_eq!(m.band_files["SR_B4"], "LC80980762015235LGN00_sr_band4.tif");
}

#[test]
fn raw_tree_keeps_groups_and_strips_quotes() {
    let (bytes, p) = read(
        "LC08_L2SP_204023_20200927_20201006_02_T1/LC08_L2SP_204023_20200927_20201006_02_T1_MTL.txt",
    );
    let t = parse_tree(&bytes, &p).unwrap();
    assert_eq!(t.root_name(), "LANDSAT_METADATA_FILE");
    assert_eq!(
        t.get("LEVEL1_PROCESSING_RECORD", "LANDSAT_PRODUCT_ID"),
        Some("LC08_L1TP_204023_20200927_20201006_02_T1")
    );
    assert_eq!(
        t.get("IMAGE_ATTRIBUTES", "DATE_ACQUIRED"),
        Some("2020-09-27")
    );
    assert_eq!(
        t.group("LEVEL1_THERMAL_CONSTANTS")
            .unwrap()
            .entries()
            .count(),
        4
    );
}

#[test]
fn truncated_corpus_files_are_errors() {
    for rel in corpus() {
        let (bytes, p) = read(&rel);
        let text_len = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
        for cut in [text_len / 3, text_len / 2, text_len * 9 / 10] {
            assert!(
                parse_mtl(&bytes[..cut], &p).is_err(),
                "{rel} cut at {cut} parsed"
            );
        }
    }
}

// --- structure-aware property tests: one generated MTL in the three USGS encodings -------------

/// Constants of a generated Landsat 8 C2 MTL.
#[derive(Debug, Clone)]
struct Gen {
    sun_elevation_deg: f64,
    mult: f64,
    add: f64,
    k1: f64,
    k2: f64,
    /// JSON numbers as JSON numbers instead of USGS-style strings.
    json_numbers: bool,
}

const PID: &str = "LC08_L1TP_227074_20190825_20200826_02_T1";

/// `(key, value, is_number)` of one MTL entry.
type Entry = (&'static str, String, bool);

fn groups(g: &Gen) -> Vec<(&'static str, Vec<Entry>)> {
    vec![
        (
            "PRODUCT_CONTENTS",
            vec![
                ("LANDSAT_PRODUCT_ID", PID.to_string(), false),
                ("PROCESSING_LEVEL", "L1TP".into(), false),
                ("FILE_NAME_BAND_10", format!("{PID}_B10.TIF"), false),
            ],
        ),
        (
            "IMAGE_ATTRIBUTES",
            vec![
                ("SPACECRAFT_ID", "LANDSAT_8".into(), false),
                ("SENSOR_ID", "OLI_TIRS".into(), false),
                ("SUN_ELEVATION", format!("{:?}", g.sun_elevation_deg), true),
            ],
        ),
        (
            "LEVEL1_RADIOMETRIC_RESCALING",
            vec![
                ("RADIANCE_MULT_BAND_10", format!("{:E}", g.mult), true),
                ("RADIANCE_ADD_BAND_10", format!("{:?}", g.add), true),
            ],
        ),
        (
            "LEVEL1_THERMAL_CONSTANTS",
            vec![
                ("K1_CONSTANT_BAND_10", format!("{:?}", g.k1), true),
                ("K2_CONSTANT_BAND_10", format!("{:?}", g.k2), true),
            ],
        ),
    ]
}

fn odl(g: &Gen) -> String {
    let mut s = String::from("GROUP = LANDSAT_METADATA_FILE\n");
    for (name, entries) in groups(g) {
        s.push_str(&format!("  GROUP = {name}\n"));
        for (k, v, num) in entries {
            let v = if num { v } else { format!("\"{v}\"") };
            s.push_str(&format!("    {k} = {v}\n"));
        }
        s.push_str(&format!("  END_GROUP = {name}\n"));
    }
    s.push_str("END_GROUP = LANDSAT_METADATA_FILE\nEND\n");
    s
}

fn json(g: &Gen) -> String {
    let groups: Vec<String> = groups(g)
        .into_iter()
        .map(|(name, entries)| {
            let members: Vec<String> = entries
                .into_iter()
                .map(|(k, v, num)| {
                    if num && g.json_numbers {
                        // serde_json writes the shortest form that reads back exactly.
                        let x: f64 = v.parse().unwrap();
                        format!("\"{k}\": {}", serde_json::to_string(&x).unwrap())
                    } else {
                        format!("\"{k}\": \"{v}\"")
                    }
                })
                .collect();
            format!("\"{name}\": {{{}}}", members.join(", "))
        })
        .collect();
    format!("{{\"LANDSAT_METADATA_FILE\": {{{}}}}}", groups.join(", "))
}

fn xml(g: &Gen) -> String {
    let mut s =
        String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<LANDSAT_METADATA_FILE>\n");
    for (name, entries) in groups(g) {
        s.push_str(&format!("  <{name}>\n"));
        for (k, v, _) in entries {
            s.push_str(&format!("    <{k}>{v}</{k}>\n"));
        }
        s.push_str(&format!("  </{name}>\n"));
    }
    s.push_str("</LANDSAT_METADATA_FILE>\n");
    s
}

/// The checks of docs/calibration.md, computed here independently of the library: gain > 0,
/// K1 > 0, K2 > 0, c2/K2 within 3–20 µm, K1 within a factor 2 of c1/λ⁵.
fn physically_valid(g: &Gen) -> bool {
    let (c1, c2) = (1.191_042_8e8, 14_387.752);
    if !(g.mult > 0.0 && g.k1 > 0.0 && g.k2 > 0.0) {
        return false;
    }
    let lambda = c2 / g.k2;
    let ratio = g.k1 / (c1 / lambda.powi(5));
    (3.0..=20.0).contains(&lambda) && (0.5..=2.0).contains(&ratio)
}

fn gen_strategy() -> impl proptest::strategy::Strategy<Value = Gen> {
    use proptest::prelude::*;
    let plausible_k = (600.0f64..900.0, 1200.0f64..1400.0);
    let any_k = (-2000.0f64..5000.0, -500.0f64..6000.0);
    (
        -90.0f64..90.0,
        prop_oneof![3 => 1e-4f64..1e-3, 1 => -1e-3f64..1e-3, 1 => Just(0.0)],
        -10.0f64..10.0,
        prop_oneof![3 => plausible_k, 2 => any_k, 1 => (Just(1321.0789), Just(774.8853))],
        any::<bool>(),
    )
        .prop_map(|(sun, mult, add, (k1, k2), json_numbers)| Gen {
            sun_elevation_deg: sun,
            mult,
            add,
            k1,
            k2,
            json_numbers,
        })
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 256, ..Default::default() })]

    /// One generated MTL written as ODL text, JSON and XML: the three parse to the same
    /// metadata with exactly the generated constants when they are physically valid, and are
    /// refused naming the file and the band-10 key when they are not.
    #[test]
    fn generated_mtl_in_three_encodings(g in gen_strategy()) {
        let encodings = [
            ("g_MTL.txt", odl(&g)),
            ("g_MTL.json", json(&g)),
            ("g_MTL.xml", xml(&g)),
        ];
        let valid = physically_valid(&g);
        let mut parsed = Vec::new();
        for (name, text) in &encodings {
            match parse_mtl(text.as_bytes(), Path::new(name)) {
                Ok(m) => {
                    proptest::prop_assert!(valid, "{name} accepted {g:?}");
                    let c = m.calibration["B10"];
                    proptest::prop_assert_eq!(c.radiance, rs(g.mult, g.add));
                    proptest::prop_assert_eq!(c.thermal, th(g.k1, g.k2));
                    proptest::prop_assert_eq!(m.sun_elevation_deg, Some(g.sun_elevation_deg));
                    proptest::prop_assert_eq!(m.product_id.as_deref(), Some(PID));
                    parsed.push(without_source(m));
                }
                Err(e) => {
                    let msg = e.to_string();
                    proptest::prop_assert!(!valid, "{name} refused valid {g:?}: {msg}");
                    proptest::prop_assert!(msg.contains(name) && msg.contains("BAND_10"), "{msg}");
                }
            }
        }
        if valid {
            proptest::prop_assert_eq!(parsed.len(), 3);
            proptest::prop_assert_eq!(&parsed[0], &parsed[1]);
            proptest::prop_assert_eq!(&parsed[0], &parsed[2]);
        }
    }
}

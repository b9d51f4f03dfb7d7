//! Bad inputs: a clear error naming the file and the problem, a non-zero exit, and no output
//! left behind (not even a partial one).

mod common;

use std::path::{Path, PathBuf};

use common::{fixture, listing, seamfire};
use ndarray::Array2;
use seamfire::raster::{GeoTransform, Georef, Raster, Unit};

/// Runs `seamfire calibrate <input> [extra] --out <out_dir>/bt.tif`, expects failure, and returns
/// stderr after checking that `out_dir` stayed empty.
fn fails(input: &Path, extra: &[&str], out_dir: &Path) -> String {
    let output = seamfire()
        .arg("calibrate")
        .arg(input)
        .args(extra)
        .arg("--out")
        .arg(out_dir.join("bt.tif"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(1), "stderr: {stderr}");
    assert!(stderr.contains("error:"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let left = if out_dir.exists() {
        listing(out_dir)
    } else {
        vec![]
    };
    assert!(left.is_empty(), "outputs left behind: {left:?}");
    stderr
}

/// A scene folder with the Pensacola MTL (optionally edited) and B10 (optionally replaced).
fn pensacola_copy(dir: &Path, mtl_edit: impl Fn(String) -> String) -> PathBuf {
    let scene = dir.join("scene");
    std::fs::create_dir_all(&scene).unwrap();
    let src = fixture("landsat8-l1t-pensacola-2015");
    let mtl = std::fs::read_to_string(src.join("l8_MTL.txt")).unwrap();
    std::fs::write(scene.join("l8_MTL.txt"), mtl_edit(mtl)).unwrap();
    std::fs::copy(src.join("l8_B10.tif"), scene.join("l8_B10.tif")).unwrap();
    std::fs::copy(src.join("l8_B4.tif"), scene.join("l8_B4.tif")).unwrap();
    scene
}

#[test]
fn missing_file() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("nope/LC08_X_B10.TIF");
    let stderr = fails(&input, &[], &dir.path().join("out"));
    assert!(
        stderr.contains(input.to_str().unwrap()) && stderr.contains("not found"),
        "{stderr}"
    );
}

#[test]
fn truncated_tiff() {
    let dir = tempfile::tempdir().unwrap();
    let scene = pensacola_copy(dir.path(), |m| m);
    let b10 = scene.join("l8_B10.tif");
    let bytes = std::fs::read(&b10).unwrap();
    std::fs::write(&b10, &bytes[..bytes.len() / 3]).unwrap();
    let stderr = fails(&b10, &[], &dir.path().join("out"));
    assert!(stderr.contains(b10.to_str().unwrap()), "{stderr}");
}

#[test]
fn mtl_without_the_needed_group() {
    let dir = tempfile::tempdir().unwrap();
    // Optical calibration needs REFLECTANCE_MULT/ADD from RADIOMETRIC_RESCALING; no fallback.
    let scene = pensacola_copy(dir.path(), |m| {
        let start = m.find("  GROUP = RADIOMETRIC_RESCALING").unwrap();
        let end_tag = "  END_GROUP = RADIOMETRIC_RESCALING\n";
        let end = m.find(end_tag).unwrap() + end_tag.len();
        format!("{}{}", &m[..start], &m[end..])
    });
    let stderr = fails(&scene, &["--band", "4"], &dir.path().join("out"));
    assert!(
        stderr.contains("l8_MTL.txt") && stderr.contains("REFLECTANCE"),
        "{stderr}"
    );
}

#[test]
fn mtl_that_is_not_an_mtl() {
    let dir = tempfile::tempdir().unwrap();
    let scene = pensacola_copy(dir.path(), |_| "this is not metadata\n".into());
    let stderr = fails(&scene, &[], &dir.path().join("out"));
    assert!(stderr.contains("l8_MTL.txt"), "{stderr}");
}

#[test]
fn band_from_another_product_than_the_mtl() {
    let dir = tempfile::tempdir().unwrap();
    let l8 = fixture(
        "landsat-tiny-formats/LC08_L1TP_090084_20160121_20200907_02_T1/LC08_L1TP_090084_20160121_20200907_02_T1_B10.TIF",
    );
    let l9_mtl = fixture(
        "landsat-tiny-formats/LC09_L1TP_112081_20220209_20220209_02_T1/LC09_L1TP_112081_20220209_20220209_02_T1_MTL.txt",
    );
    let stderr = fails(
        &l8,
        &["--mtl", l9_mtl.to_str().unwrap()],
        &dir.path().join("out"),
    );
    assert!(
        stderr.contains("LC08_L1TP_090084_20160121_20200907_02_T1_B10.TIF"),
        "{stderr}"
    );
    assert!(
        stderr.contains("LC09_L1TP_112081_20220209_20220209_02_T1"),
        "{stderr}"
    );
}

#[test]
fn all_nodata_raster() {
    let dir = tempfile::tempdir().unwrap();
    let scene = pensacola_copy(dir.path(), |m| m);
    let b10 = scene.join("l8_B10.tif");
    let zeros = Raster {
        data: Array2::<u16>::zeros((40, 50)),
        georef: Georef {
            transform: GeoTransform([452_475.0, 30.0, 0.0, 3_408_645.0, 0.0, -30.0]),
            crs_wkt: String::new(),
            epsg: None,
            ground_m_per_unit: None,
        },
        nodata: Some(0.0),
        unit: Unit::Dn,
    };
    seamfire::io::write_cog(&zeros, &b10, &Default::default()).unwrap();
    let stderr = fails(&b10, &[], &dir.path().join("out"));
    assert!(
        stderr.contains(b10.to_str().unwrap()) && stderr.contains("no valid pixels"),
        "{stderr}"
    );
}

#[test]
fn generic_raster_without_a_unit() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mosaic.tif");
    let r = Raster {
        data: Array2::<f32>::from_elem((8, 8), 25.0),
        georef: Georef {
            transform: GeoTransform([500_000.0, 0.1, 0.0, 4_000_000.0, 0.0, -0.1]),
            crs_wkt: String::new(),
            epsg: None,
            ground_m_per_unit: None,
        },
        nodata: None,
        unit: Unit::Dn,
    };
    seamfire::io::write_cog(&r, &path, &Default::default()).unwrap();
    let stderr = fails(&path, &[], &dir.path().join("out"));
    assert!(
        stderr.contains("mosaic.tif") && stderr.contains("--input-unit"),
        "{stderr}"
    );
}

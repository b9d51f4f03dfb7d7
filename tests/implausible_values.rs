//! Generic rasters whose values are not kelvin as read: `detect` refuses a scene whose median
//! is not a surface temperature and says what the user probably meant (`detect::plausible`),
//! and takes pixels that come out at or below 0 K (a `−9999` fill value without its nodata
//! declaration) as not processed, with a warning, so that they do not poison the windows.
//!
//! The scene is made here: 120 x 120 pixels of 30 m (UTM 49N), 290 K plus a ±0.3 K
//! checkerboard texture, with a 3 x 3 block at 304 K (rows and columns 50–52), written as:
//! * `kelvin.tif`: Float32 kelvin, unit tag `K` (the reference run);
//! * `deci.tif`: Int16 deci-kelvin counts (`round(10 · T)`, no unit, no scale in the file);
//! * `fill.tif`, `fill_declared.tif`: Float32 kelvin with a 10-pixel border of −9999, its
//!   nodata not declared, and declared.

mod common;

use std::path::{Path, PathBuf};

use common::{fire_zones as zones, listing, read_json, seamfire};
use ndarray::Array2;
use seamfire::raster::Unit;

fn temperatures() -> Array2<f32> {
    Array2::from_shape_fn((120, 120), |(r, c)| {
        if (50..=52).contains(&r) && (50..=52).contains(&c) {
            304.0
        } else {
            290.0 + if (r + c) % 2 == 0 { 0.3 } else { -0.3 }
        }
    })
}

fn write<T: gdal::raster::GdalType + seamfire::raster::pyramid::PyramidValue>(
    path: &Path,
    data: Array2<T>,
    unit: Unit,
    nodata: Option<f64>,
) -> PathBuf {
    common::write_utm_raster(path, data, 30.0, unit, nodata);
    path.to_path_buf()
}

/// Runs `detect --products none` on `input` with `args`, whole-raster or, with `strips`, in
/// strips of that many rows (`SEAMFIRE_DETECT_STRIP_ROWS`): exit status and stderr.
fn detect_with(input: &Path, out: &Path, args: &[&str], strips: Option<usize>) -> (bool, String) {
    let mut cmd = seamfire();
    if let Some(rows) = strips {
        cmd.env("SEAMFIRE_DETECT_STRIP_ROWS", rows.to_string());
    }
    let res = cmd
        .arg("detect")
        .arg(input)
        .args(["--products", "none", "--out"])
        .arg(out)
        .args(args)
        .output()
        .unwrap();
    (
        res.status.success(),
        String::from_utf8_lossy(&res.stderr).into_owned(),
    )
}

fn detect(input: &Path, out: &Path, args: &[&str]) -> (bool, String) {
    detect_with(input, out, args, None)
}

#[test]
fn scaled_counts_read_as_kelvin_are_refused_with_the_scale_to_use() {
    let dir = tempfile::tempdir().unwrap();
    let kelvin = write(
        &dir.path().join("kelvin.tif"),
        temperatures(),
        Unit::Kelvin,
        None,
    );
    let reference = dir.path().join("ref");
    assert!(detect(&kelvin, &reference, &[]).0);
    let want = zones(&reference);
    assert_eq!(want.len(), 1, "the 3 x 3 block: {want:?}");

    let deci = write(
        &dir.path().join("deci.tif"),
        temperatures().mapv(|t| (10.0 * t).round() as i16),
        Unit::Dn,
        None,
    );
    let out = dir.path().join("deci");
    // Whole-raster, and in strips of 32 rows (refused after the first pass).
    for strips in [None, Some(32)] {
        let (ok, err) = detect_with(&deci, &out, &["--input-unit", "kelvin"], strips);
        assert!(!ok);
        // Median 2897 or 2903 (the checkerboard's two values, 289.7 and 290.3 K, × 10).
        assert!(
            err.contains("deci.tif") && err.contains("median is 29") && err.contains("--scale 0.1"),
            "{strips:?}: {err}"
        );
        assert!(
            !out.exists() || listing(&out).is_empty(),
            "no partial outputs"
        );
    }
    // With the scale it says, the reference's zone.
    let (ok, err) = detect(&deci, &out, &["--input-unit", "kelvin", "--scale", "0.1"]);
    assert!(ok, "{err}");
    let got = zones(&out);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].0, want[0].0);
    assert!((got[0].1 - want[0].1).abs() < 0.01, "{got:?} vs {want:?}");

    // Degrees Celsius read as kelvin.
    let celsius = write(
        &dir.path().join("celsius.tif"),
        temperatures().mapv(|t| t - 273.15),
        Unit::Dn,
        None,
    );
    let (ok, err) = detect(&celsius, &dir.path().join("c"), &["--input-unit", "kelvin"]);
    assert!(!ok && err.contains("--input-unit celsius"), "{err}");
}

#[test]
fn an_undeclared_fill_value_is_not_a_temperature() {
    let dir = tempfile::tempdir().unwrap();
    let with_fill = || {
        let mut t = temperatures();
        t.indexed_iter_mut()
            .filter(|((r, c), _)| *r < 10 || *c < 10 || *r >= 110 || *c >= 110)
            .for_each(|(_, v)| *v = -9999.0);
        t
    };
    let declared = write(
        &dir.path().join("fill_declared.tif"),
        with_fill(),
        Unit::Kelvin,
        Some(-9999.0),
    );
    let undeclared = write(
        &dir.path().join("fill.tif"),
        with_fill(),
        Unit::Kelvin,
        None,
    );
    let valid = |out: &Path| read_json(&out.join("detection.json"))["methods"][0]["valid"].clone();
    let a = dir.path().join("a");
    let (ok, err) = detect(&declared, &a, &[]);
    assert!(ok && !err.contains("at or below 0 K"), "{err}");
    assert_eq!(zones(&a).len(), 1);
    assert_eq!(valid(&a), 10_000, "the 100 x 100 inside");
    for strips in [None, Some(32)] {
        let b = dir.path().join(format!("b{strips:?}"));
        let (ok, err) = detect_with(&undeclared, &b, &[], strips);
        assert!(ok, "{err}");
        // 120² − 100² = 4400 border pixels, counted once in either path.
        assert!(
            err.contains("fill.tif: 4400 pixels came out at or below 0 K"),
            "{strips:?}: {err}"
        );
        assert_eq!(zones(&a), zones(&b), "{strips:?}");
        assert_eq!(valid(&a), valid(&b));
    }
}

//! Shared helpers for the integration tests: fixture paths, running the binary, comparing
//! rasters against the independent oracles in `testdata/oracles/`.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// A file or folder under `testdata/`.
pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata")
        .join(rel)
}

/// The `seamfire` binary, logging as text.
pub fn seamfire() -> Command {
    Command::cargo_bin("seamfire").expect("binary built")
}

/// Runs `cmd` (a `seamfire()` command with its arguments) and asserts it succeeded, showing its
/// stderr otherwise.
pub fn run_ok(cmd: &mut Command) -> std::process::Output {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A JSON file, parsed (the path in the message when it is missing or not JSON).
pub fn read_json(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `testdata/oracles/oracles.json`, produced by `testdata/oracles/make_expected.py`.
pub fn oracles() -> serde_json::Value {
    let text = std::fs::read_to_string(fixture("oracles/oracles.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Reads band 1 as f32.
pub fn read_f32(path: &Path) -> seamfire::raster::Raster<f32> {
    seamfire::io::read_band::<f32>(path, 1).unwrap_or_else(|e| panic!("{e}"))
}

/// Asserts `got` and `expected` have the same NaN pattern and differ by at most `tol` elsewhere,
/// skipping `(row, col)` pairs in `skip`. Returns the largest difference seen.
pub fn assert_close(got: &Path, expected: &Path, tol: f64, skip: &[(usize, usize)]) -> f64 {
    let g = read_f32(got);
    let e = read_f32(expected);
    assert_eq!(g.shape(), e.shape(), "shape of {}", got.display());
    assert_eq!(
        g.georef.transform,
        e.georef.transform,
        "geotransform of {}",
        got.display()
    );
    let mut worst = 0f64;
    let mut compared = 0usize;
    for ((rc, &a), &b) in g.data.indexed_iter().zip(e.data.iter()) {
        if skip.contains(&rc) {
            continue;
        }
        assert_eq!(
            a.is_nan(),
            b.is_nan(),
            "nodata differs at {rc:?}: got {a}, expected {b}"
        );
        if !a.is_nan() {
            let d = (f64::from(a) - f64::from(b)).abs();
            assert!(
                d <= tol,
                "at {rc:?}: got {a}, expected {b} (|diff| {d} > {tol})"
            );
            worst = worst.max(d);
            compared += 1;
        }
    }
    assert!(compared > 0, "no valid pixel compared");
    worst
}

/// Names of the entries of a directory, sorted.
pub fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// Writes `data` as a single-band COG on a north-up UTM 49N grid (EPSG:32649) of `pixel_m`
/// pixels with its top-left corner at (500000, 4400000), with `unit` and `nodata`.
pub fn write_utm_raster<T: gdal::raster::GdalType + seamfire::raster::pyramid::PyramidValue>(
    path: &Path,
    data: ndarray::Array2<T>,
    pixel_m: f64,
    unit: seamfire::raster::Unit,
    nodata: Option<f64>,
) {
    use seamfire::raster::{GeoTransform, Georef, Raster};
    let r = Raster {
        data,
        georef: Georef {
            transform: GeoTransform([500_000.0, pixel_m, 0.0, 4_400_000.0, 0.0, -pixel_m]),
            crs_wkt: gdal::spatial_ref::SpatialRef::from_epsg(32649)
                .unwrap()
                .to_wkt()
                .unwrap(),
            epsg: Some(32649),
            ground_m_per_unit: None,
        },
        nodata,
        unit,
    };
    seamfire::io::write_cog(&r, path, &Default::default()).unwrap();
}

/// `(pixel_count, max_delta_k)` of every fire zone of a `seamfire detect` output directory.
pub fn fire_zones(out: &Path) -> Vec<(u64, f64)> {
    read_json(&out.join("fire_zones.geojson"))["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|z| {
            let p = &z["properties"];
            (
                p["pixel_count"].as_u64().unwrap(),
                p["max_delta_k"].as_f64().unwrap(),
            )
        })
        .collect()
}

/// Scene → what the last run did (`done`, `skipped`, `failed`) from `run.json`.
pub fn outcome_of(root: &Path) -> std::collections::BTreeMap<String, String> {
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(root.join("run.json")).unwrap()).unwrap();
    v["scenes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["scene_id"].as_str().unwrap().to_string(),
                s["outcome"]["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

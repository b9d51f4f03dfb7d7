//! Inputs as LST products arrive: integer counts with a GDAL scale (ECOSTRESS LST, `Scale: 0.02`,
//! UInt16, nodata 0) on a geographic grid (EPSG:4326, degrees). The fixture is a 1024 x 1024
//! crop of a real night pass (`testdata/README.md`).

mod common;

use common::{fixture, read_f32, read_json, run_ok, seamfire};

const CROP: &str = "ecostress-la/ECO_L2_LSTE.002_LST_doy2023207063732_aid0001_crop.tif";

#[test]
fn calibrate_applies_the_gdal_scale_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("lst.tif");
    let output = seamfire()
        .args(["calibrate", "--input-unit", "kelvin", "--out"])
        .arg(&out)
        .arg(fixture(CROP))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("scale 0.02 (from the file's GDAL metadata)"),
        "{stderr}"
    );
    let r = read_f32(&out);
    // Independent: `gdal_translate -ot Float64 -unscale <crop> u.tif; gdalinfo -stats u.tif`
    // → min 289.120, max 304.800, mean 296.645 K; `gdallocationinfo -valonly` at pixel (x 100,
    // y 200): raw 14874, unscaled 297.48 K.
    assert!(
        (r.data[[200, 100]] - 297.48).abs() < 1e-3,
        "{}",
        r.data[[200, 100]]
    );
    let (lo, hi) = r
        .data
        .iter()
        .filter(|v| !v.is_nan())
        .fold((f32::MAX, f32::MIN), |(a, b), &v| (a.min(v), b.max(v)));
    assert!(
        (lo - 289.12).abs() < 1e-3 && (hi - 304.80).abs() < 1e-3,
        "{lo} {hi}"
    );
    let mean = r.data.iter().map(|&v| f64::from(v)).sum::<f64>() / r.data.len() as f64;
    assert!((mean - 296.645).abs() < 1e-3, "{mean}");

    // A scale given on the command line replaces the file's (and is logged as such).
    let out2 = dir.path().join("raw.tif");
    let output = seamfire()
        .args([
            "calibrate",
            "--input-unit",
            "kelvin",
            "--scale",
            "1",
            "--out",
        ])
        .arg(&out2)
        .arg(fixture(CROP))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("scale 1 (given; the file says 0.02)"),
        "{stderr}"
    );
    assert_eq!(read_f32(&out2).data[[200, 100]], 14874.0);
}

#[test]
fn detect_runs_on_a_geographic_grid_with_ground_sized_windows() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("det");
    let output = seamfire()
        .args([
            "detect",
            "--input-unit",
            "kelvin",
            "--products",
            "none",
            "--json",
            "--out",
        ])
        .arg(&out)
        .arg(fixture(CROP))
        .timeout(std::time::Duration::from_secs(300))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let record: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("detection.json")).unwrap())
            .unwrap();
    // Zone areas are ground areas: at ≈ 34° N a 0.000631253° pixel is 58.3 m x 70.0 m
    // (≈ 4080 m², see raster::georef tests), never squared degrees.
    let zones = record["zones"].as_array().unwrap();
    for z in zones {
        let per_px = z["area_m2"].as_f64().unwrap() / z["pixel_count"].as_f64().unwrap();
        assert!((per_px - 4080.0).abs() < 30.0, "{z}");
    }
    // The budget ran and is recorded; the real night background's texture makes thousands of
    // low-confidence evidence zones, of which only a handful are fire zones.
    let budget = &record["budget"];
    assert!(budget["evidence_zones"].as_u64().unwrap() > 500, "{budget}");
    assert!(
        zones.len() <= 5,
        "{} fire zones on a 1 Mpx real background",
        zones.len()
    );
    // Without --input-unit: the file has no GDAL unit type, but its dataset metadata says
    // `units=K` (as AppEEARS exports ECOSTRESS): read as kelvin, the same detection.
    let out2 = dir.path().join("det2");
    run_ok(
        seamfire()
            .args(["detect", "--products", "none", "--json", "--out"])
            .arg(&out2)
            .arg(fixture(CROP))
            .timeout(std::time::Duration::from_secs(300)),
    );
    let record2 = read_json(&out2.join("detection.json"));
    assert_eq!(record2["zones"], record["zones"]);
    assert_eq!(record2["budget"], record["budget"]);
    // A raster with no unit anywhere is refused with the flag to pass: tests/bad_inputs.rs.
}

#[test]
fn map_sheets_of_a_geographic_grid_frame_their_zones_in_ground_units() {
    // The 300 m sheet margin is a ground distance: on this EPSG:4326 grid it is
    // 300 / (111 320 · cos 33.9°) ≈ 0.0033°, not 300°. Before this was so, every zone shared one
    // sheet 730° wide at 1:340 000 000.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("det");
    run_ok(
        seamfire()
            .args(["detect", "--input-unit", "kelvin", "--out"])
            .arg(&out)
            .arg(fixture(CROP))
            .timeout(std::time::Duration::from_secs(600)),
    );
    let index = read_json(&out.join("maps/sheets.json"));
    let zone_sheets: Vec<&serde_json::Value> = index["sheets"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["kind"] == "thermal")
        .collect();
    assert!(!zone_sheets.is_empty(), "{index}");
    for s in zone_sheets {
        let e: Vec<f64> = s["extent"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        let lat = (e[1] + e[3]) / 2.0;
        assert!((33.0..35.0).contains(&lat), "{s}");
        let width_m = (e[2] - e[0]) * 111_320.0 * lat.to_radians().cos();
        let height_m = (e[3] - e[1]) * 110_574.0;
        // A zone of a few 70 m pixels with its 300 m margin, fitted to the page: a few km.
        assert!(width_m < 10_000.0 && height_m < 10_000.0, "{s}");
        assert!(s["scale"].as_f64().unwrap() < 100_000.0, "{s}");
    }
}

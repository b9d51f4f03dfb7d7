//! `seamfire detect` in strips (issue 10) against the whole-raster run of the same command:
//! `bt.tif` and `anomaly.tif` byte for byte, the same zones, counts and budget in
//! `detection.json`, and the same hotspot, fire-zone and known-zone layers. Strips are forced small (`SEAMFIRE_DETECT_STRIP_ROWS`) so that the
//! rasters (sizes not multiples of the strip, fill and dropped lines, NaN outside a flown
//! area) have zones crossing strip borders.

mod common;

use std::path::Path;

use common::{listing, seamfire};

fn run(args: &[&str]) {
    let res = seamfire().args(args).output().unwrap();
    assert!(
        res.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&res.stderr)
    );
}

/// `scratch: false` runs without the scratch file (`SEAMFIRE_DETECT_NO_SCRATCH`), as on a full
/// disk: every pass reads the input, and `bt.tif` is written after the pixel test instead of on
/// its own thread beside it.
fn detect(
    input: &Path,
    out: &Path,
    strip_rows: Option<usize>,
    known: Option<&Path>,
    scratch: bool,
) -> serde_json::Value {
    let mut cmd = seamfire();
    if !scratch {
        cmd.env("SEAMFIRE_DETECT_NO_SCRATCH", "1");
    }
    cmd.arg("detect")
        .args(["--products", "none"])
        .arg(input)
        .arg("--out")
        .arg(out);
    if let Some(k) = known {
        cmd.arg("--known-fires").arg(k);
    }
    match strip_rows {
        Some(r) => cmd.env("SEAMFIRE_DETECT_STRIP_ROWS", r.to_string()),
        None => cmd.env_remove("SEAMFIRE_DETECT_STRIP_ROWS"),
    };
    let res = cmd.output().unwrap();
    assert!(
        res.status.success(),
        "{}",
        String::from_utf8_lossy(&res.stderr)
    );
    serde_json::from_slice(&std::fs::read(out.join("detection.json")).unwrap()).unwrap()
}

/// `strip_rows`: `None` puts a strip border through the middle of the first zone taller than a
/// pixel.
fn compare(input: &Path, dir: &Path, strip_rows: Option<usize>) {
    // A known zone: a 400 m square (native CRS) around the centroid of the whole run's first
    // zone, written after a first whole run; both compared runs use it.
    let first = detect(input, &dir.join("first"), None, None, true);
    let z0 = &first["zones"][0];
    let (x, y) = (
        z0["centroid_x"].as_f64().unwrap(),
        z0["centroid_y"].as_f64().unwrap(),
    );
    let epsg = first["grid"]["epsg"].as_u64().expect("a projected grid");
    let known = dir.join("known.geojson");
    std::fs::write(
        &known,
        format!(
            r#"{{"type":"FeatureCollection","crs":{{"type":"name","properties":{{"name":"urn:ogc:def:crs:EPSG::{epsg}"}}}},"features":[{{"type":"Feature","properties":{{"id":"K1"}},"geometry":{{"type":"Polygon","coordinates":[[[{x0},{y0}],[{x1},{y0}],[{x1},{y1}],[{x0},{y1}],[{x0},{y0}]]]}}}}]}}"#,
            x0 = x - 200.0,
            x1 = x + 200.0,
            y0 = y - 200.0,
            y1 = y + 200.0
        ),
    )
    .unwrap();
    let whole_dir = dir.join("whole");
    let whole = detect(input, &whole_dir, None, Some(&known), true);
    let strip_rows = strip_rows.unwrap_or_else(|| {
        let tall = whole["zones"]
            .as_array()
            .unwrap()
            .iter()
            .map(|z| {
                (
                    z["bbox_px"][0].as_u64().unwrap(),
                    z["bbox_px"][2].as_u64().unwrap(),
                )
            })
            .find(|(r0, r1)| r1 > r0)
            .expect("a zone taller than one pixel");
        tall.0 as usize + 1
    });
    let rows = whole["grid"]["height"].as_u64().unwrap() as usize;
    assert_ne!(rows % strip_rows, 0, "the last strip is partial");
    let strips_dir = dir.join(format!("strips{strip_rows}"));
    let strips = detect(input, &strips_dir, Some(strip_rows), Some(&known), true);
    assert_eq!(listing(&strips_dir), listing(&whole_dir));
    compare_layers(&whole_dir, &strips_dir);
    for key in ["hotspot_status", "zone_status", "known_fires", "risk"] {
        assert!(!whole[key].is_null(), "{key}");
        assert_eq!(strips[key], whole[key], "{key}");
    }
    assert_eq!(whole["known_fires"]["detected"], 1);
    let direct_dir = dir.join(format!("strips{strip_rows}-no-scratch"));
    detect(input, &direct_dir, Some(strip_rows), Some(&known), false);
    for name in ["anomaly.tif", "bt.tif"] {
        let a = std::fs::read(whole_dir.join(name)).unwrap();
        for other in [&strips_dir, &direct_dir] {
            let b = std::fs::read(other.join(name)).unwrap();
            assert!(a == b, "{name} differs ({})", other.display());
        }
    }
    // bt.tif carries the robust range of its own values for the thermal map (the same bytes in
    // the three runs, above): the range a sample of the values read back gives.
    let bt_path = whole_dir.join("bt.tif");
    let bt = seamfire::io::read_band::<f32>(&bt_path, 1).unwrap();
    let tag = {
        use gdal::Metadata;
        let ds = gdal::Dataset::open(&bt_path).unwrap();
        let band = ds.rasterband(1).unwrap();
        band.metadata_item(seamfire::render::stretch::RANGE_TAG, "")
            .expect("bt.tif is tagged")
    };
    let shape = bt.data.dim();
    let mut sampler = seamfire::render::stretch::Sampler::new(shape.0 * shape.1);
    sampler.push(0, bt.data.iter().copied());
    assert_eq!(
        seamfire::render::stretch::parse_range_tag(&tag, shape),
        sampler.robust_range(),
        "{tag}"
    );
    let anomaly = seamfire::io::read_band::<u8>(&strips_dir.join("anomaly.tif"), 1).unwrap();
    let flagged = anomaly
        .data
        .iter()
        .filter(|&&k| (1..=3).contains(&k))
        .count();
    assert!(
        flagged > 10,
        "something to compare: {flagged} flagged pixels"
    );
    let (wz, sz) = (
        whole["zones"].as_array().unwrap(),
        strips["zones"].as_array().unwrap(),
    );
    assert_eq!(sz.len(), wz.len(), "zone count");
    // Exact: the window sums are integers, the same whatever the strip (detect::window_exact).
    for (a, b) in sz.iter().zip(wz) {
        assert_eq!(a, b, "zone {}", b["id"]);
    }
    for key in [
        "methods",
        "budget",
        "anomaly_pixels",
        "grid",
        "windows",
        "day",
    ] {
        assert_eq!(strips[key], whole[key], "{key}");
    }
    let zones = whole["zones"].as_array().unwrap();
    let crossing = zones
        .iter()
        .filter(|z| {
            let b = &z["bbox_px"];
            let (r0, r1) = (b[0].as_u64().unwrap(), b[2].as_u64().unwrap());
            r0 / strip_rows as u64 != r1 / strip_rows as u64
        })
        .count();
    assert!(
        crossing > 0,
        "a zone crosses a strip border ({} zones)",
        zones.len()
    );
    // The strips ran: their scene-statistics pass is timed, the whole-raster run has none.
    let stages = |r: &serde_json::Value| -> Vec<String> {
        r["timings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["stage"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(stages(&strips).contains(&"scene statistics".to_string()));
    assert!(!stages(&whole).contains(&"scene statistics".to_string()));
}

/// The GeoJSON layers of both runs: equal as parsed JSON, every property and geometry; the CSV
/// byte for byte.
fn compare_layers(whole: &Path, strips: &Path) {
    for name in [
        "hotspots.geojson",
        "fire_zones.geojson",
        "known_zones.geojson",
    ] {
        let read = |d: &Path| -> serde_json::Value {
            serde_json::from_slice(&std::fs::read(d.join(name)).unwrap()).unwrap()
        };
        let (a, b) = (read(whole), read(strips));
        assert!(
            !a["features"].as_array().unwrap().is_empty(),
            "{name}: something to compare"
        );
        assert_eq!(a, b, "{name}");
    }
    let csv = |d: &Path| std::fs::read_to_string(d.join("hotspots.csv")).unwrap();
    assert!(csv(whole) == csv(strips), "hotspots.csv differs");
}

#[test]
fn landsat_like_scene_in_strips_equals_the_whole_raster_run() {
    let dir = tempfile::tempdir().unwrap();
    let scene = dir.path().join("scene");
    run(&[
        "synth",
        "--out",
        scene.to_str().unwrap(),
        "--seed",
        "7",
        "--preset",
        "day",
        "--size",
        "333x407",
        "--objects",
        "300",
        "--quiet",
    ]);
    compare(&scene, dir.path(), Some(38));
}

#[test]
fn drone_mosaic_in_strips_equals_the_whole_raster_run() {
    let dir = tempfile::tempdir().unwrap();
    let synth = dir.path().join("synth");
    run(&[
        "synth",
        "--mosaic",
        "--out",
        synth.to_str().unwrap(),
        "--seed",
        "4",
        "--size",
        "517x389",
        "--quiet",
    ]);
    compare(&synth.join("mosaic.tif"), dir.path(), None);
}

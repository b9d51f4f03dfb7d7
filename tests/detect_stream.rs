//! `seamfire detect` in strips (issue 10) against the whole-raster run of the same command:
//! `bt.tif` and `anomaly.tif` byte for byte, and the same zones, counts and budget in
//! `detection.json`. Strips are forced small (`SEAMFIRE_DETECT_STRIP_ROWS`) so that the
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

fn detect(input: &Path, out: &Path, strip_rows: Option<usize>) -> serde_json::Value {
    let mut cmd = seamfire();
    cmd.arg("detect")
        .args(["--products", "none"])
        .arg(input)
        .arg("--out")
        .arg(out);
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
    let whole_dir = dir.join("whole");
    let whole = detect(input, &whole_dir, None);
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
    let strips = detect(input, &strips_dir, Some(strip_rows));
    assert_eq!(
        listing(&strips_dir),
        ["anomaly.tif", "bt.tif", "detection.json"],
        "vector layers are not streamed yet"
    );
    for name in ["anomaly.tif", "bt.tif"] {
        let a = std::fs::read(whole_dir.join(name)).unwrap();
        let b = std::fs::read(strips_dir.join(name)).unwrap();
        assert!(a == b, "{name} differs (strips of {strip_rows} rows)");
    }
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
    for (a, b) in sz.iter().zip(wz) {
        // A strip's summed-area tables add from the strip's first row, not the raster's, so a
        // background mean may differ by one f32 step (3e-5 K at 300 K); the peak ΔT and z carry
        // that. Every other attribute (pixels, temperatures, confidence) is exact.
        let (mut a, mut b) = (a.clone(), b.clone());
        for key in ["max_delta_k", "max_z"] {
            let (x, y) = (a[key].as_f64().unwrap(), b[key].as_f64().unwrap());
            assert!(
                (x - y).abs() <= 1e-4 * y.abs().max(1.0),
                "zone {} {key}: {x} vs {y}",
                b["id"]
            );
            a[key] = serde_json::Value::Null;
            b[key] = serde_json::Value::Null;
        }
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
    let warnings = strips["warnings"].as_array().unwrap();
    assert!(
        warnings
            .iter()
            .any(|w| w.as_str().unwrap().contains("detected in strips")),
        "{warnings:?}"
    );
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

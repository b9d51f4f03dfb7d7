//! `seamfire synth --preset season`: deterministic files, a complete inventory, refused flags.

mod common;

use std::path::Path;

fn read(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn season_is_deterministic_and_complete() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    for dir in [&a, &b] {
        common::seamfire()
            .args(["synth", "--preset", "season", "--seed", "11", "--out"])
            .arg(dir)
            .assert()
            .success();
    }
    // Byte-identical inputs from the same seed (rasters, MTL, vectors, truth).
    for rel in [
        "known_fires.geojson",
        "roads.geojson",
        "water.geojson",
        "buildings.geojson",
        "season_truth.json",
        "scenes/demo-2020-09-15-night/LC08_L1TP_SYNTH11_20200915_20200915_02_T1_B10.TIF",
        "scenes/demo-2020-09-07-day/LC08_L1TP_SYNTH11_20200907_20200907_02_T1_B4.TIF",
        "scenes/demo-2020-10-01-night/LC08_L1TP_SYNTH11_20201001_20201001_02_T1_MTL.txt",
    ] {
        assert_eq!(read(&a.join(rel)), read(&b.join(rel)), "{rel}");
    }
    // The inventory: 20 polygons with unique ids and names.
    let inv: serde_json::Value =
        serde_json::from_slice(&read(&a.join("known_fires.geojson"))).unwrap();
    let feats = inv["features"].as_array().unwrap();
    assert_eq!(feats.len(), 20);
    let ids: std::collections::BTreeSet<&str> = feats
        .iter()
        .map(|f| f["properties"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 20);
    assert!(feats.iter().all(|f| {
        f["geometry"]["type"] == "Polygon"
            && f["properties"]["name"]
                .as_str()
                .is_some_and(|n| !n.is_empty())
    }));
    // Each pass is read like a USGS product with its own date.
    let out = common::seamfire()
        .args(["info", "--json"])
        .arg(a.join("scenes/demo-2020-10-01-night"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let info = String::from_utf8(out.stdout).unwrap();
    assert!(info.contains("2020-10-01"), "{info}");
    // A second run over an earlier season replaces it; another directory is refused.
    common::seamfire()
        .args(["synth", "--preset", "season", "--seed", "12", "--out"])
        .arg(&a)
        .assert()
        .success();
    assert!(
        a.join("scenes/demo-2020-09-15-night/LC08_L1TP_SYNTH12_20200915_20200915_02_T1_MTL.txt")
            .is_file()
    );
    assert!(
        !a.join("scenes/demo-2020-09-15-night/LC08_L1TP_SYNTH11_20200915_20200915_02_T1_MTL.txt")
            .exists()
    );
    let other = tmp.path().join("other");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(other.join("keep.txt"), "x").unwrap();
    common::seamfire()
        .args(["synth", "--preset", "season", "--seed", "1", "--out"])
        .arg(&other)
        .assert()
        .code(1);
    assert_eq!(read(&other.join("keep.txt")), b"x");
}

#[test]
fn scene_flags_are_refused_with_the_season() {
    let tmp = tempfile::tempdir().unwrap();
    for flag in [&["--size", "64x64"][..], &["--swir"], &["--no-water"]] {
        common::seamfire()
            .args(["synth", "--preset", "season", "--seed", "1", "--out"])
            .arg(tmp.path().join("s"))
            .args(flag)
            .assert()
            .code(2);
    }
    assert!(!tmp.path().join("s").exists());
}

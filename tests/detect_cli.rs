//! `seamfire detect` end to end: outputs, their grids and nodata, the detection record, AOI,
//! configuration errors.

mod common;

use std::path::Path;

use common::{fixture, listing, seamfire};

fn detect(args: &[&str], out: &Path) -> serde_json::Value {
    let res = seamfire()
        .arg("detect")
        .args(["--products", "none"]) // map products are tested in tests/products.rs
        .args(args)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    assert!(
        res.status.success(),
        "{}",
        String::from_utf8_lossy(&res.stderr)
    );
    serde_json::from_slice(&std::fs::read(out.join("detection.json")).unwrap()).unwrap()
}

#[test]
fn corumba_fire_by_swir_and_its_quiet_earlier_date() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fire");
    let rec = detect(
        &[fixture("LC08_L1TP_227074_20190825_20200826_02_T1")
            .to_str()
            .unwrap()],
        &out,
    );
    assert_eq!(
        listing(&out),
        [
            "anomaly.tif",
            "detection.json",
            "fire_zones.geojson",
            "hotspots.csv",
            "hotspots.geojson",
            "seamfire.gpkg"
        ],
        "no thermal band → no bt.tif"
    );
    let anomaly = seamfire::io::read_band::<u8>(&out.join("anomaly.tif"), 1).unwrap();
    assert_eq!(anomaly.nodata, Some(255.0));
    let fire = anomaly
        .data
        .iter()
        .filter(|&&k| (1..=3).contains(&k))
        .count();
    assert!(fire >= 550, "fire pixels {fire}");
    assert_eq!(rec["methods"][0]["method"], "swir");
    assert_eq!(
        rec["methods"][0]["flagged"].as_u64().unwrap() as usize,
        fire
    );
    let zone_pixels: u64 = rec["zones"]
        .as_array()
        .unwrap()
        .iter()
        .map(|z| z["pixel_count"].as_u64().unwrap())
        .sum();
    assert_eq!(zone_pixels as usize, fire);
    // Zone centroids near Corumbá (about 19.6°S 57.5°W, from the MTL corner coordinates).
    let z = &rec["zones"][0];
    let (lon, lat) = (
        z["centroid_lon"].as_f64().unwrap(),
        z["centroid_lat"].as_f64().unwrap(),
    );
    assert!(
        (-58.5..-56.5).contains(&lon) && (-20.5..-18.5).contains(&lat),
        "{lon} {lat}"
    );

    let before = dir.path().join("before");
    detect(
        &[fixture("LC08_L1TP_227074_20190809_20200827_02_T1")
            .to_str()
            .unwrap()],
        &before,
    );
    let anomaly = seamfire::io::read_band::<u8>(&before.join("anomaly.tif"), 1).unwrap();
    assert!(
        anomaly
            .data
            .iter()
            .filter(|&&k| (1..=3).contains(&k))
            .count()
            <= 3
    );
}

#[test]
fn pensacola_thermal_outputs_share_the_grid_and_mask_clouds() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("p");
    let rec = detect(
        &[fixture("landsat8-l1t-pensacola-2015").to_str().unwrap()],
        &out,
    );
    assert_eq!(
        listing(&out),
        [
            "anomaly.tif",
            "bt.tif",
            "detection.json",
            "fire_zones.geojson",
            "hotspots.csv",
            "hotspots.geojson",
            "seamfire.gpkg"
        ]
    );
    let bt = seamfire::io::read_band::<f32>(&out.join("bt.tif"), 1).unwrap();
    let anomaly = seamfire::io::read_band::<u8>(&out.join("anomaly.tif"), 1).unwrap();
    bt.check_same_grid(&anomaly, "bt", "anomaly").unwrap();
    assert_eq!(bt.georef.epsg, Some(32616));
    // bt.tif is the calibrated B10 (oracle within 0.01 K).
    common::assert_close(
        &out.join("bt.tif"),
        &fixture("oracles/pensacola_b10_bt.tif"),
        0.01,
        &[],
    );
    // Cloud (BQA cloud confidence high: 22776 px per oracles.json) is not processed.
    let not_processed = anomaly.data.iter().filter(|&&k| k == 255).count();
    assert_eq!(not_processed, 22776);
    assert_eq!(rec["anomaly_pixels"]["not_processed"], 22776);
    assert_eq!(rec["day"], true);
    assert!(
        rec["timings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["stage"] == "calibrate")
    );
    let m = &rec["methods"][0];
    assert_eq!(m["valid"].as_u64().unwrap(), 378_081 - 22_776);
}

#[test]
fn aoi_limits_processing() {
    let dir = tempfile::tempdir().unwrap();
    let aoi = dir.path().join("aoi.geojson");
    // A lon/lat box inside the Pensacola crop.
    std::fs::write(
        &aoi,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[-87.42,30.70],[-87.30,30.70],[-87.30,30.80],[-87.42,30.80],[-87.42,30.70]]]}}]}"#,
    )
    .unwrap();
    let out = dir.path().join("a");
    let rec = detect(
        &[
            fixture("landsat8-l1t-pensacola-2015").to_str().unwrap(),
            "--aoi",
            aoi.to_str().unwrap(),
        ],
        &out,
    );
    let anomaly = seamfire::io::read_band::<u8>(&out.join("anomaly.tif"), 1).unwrap();
    let processed = anomaly.data.iter().filter(|&&k| k != 255).count();
    let valid = rec["methods"][0]["valid"].as_u64().unwrap() as usize;
    assert_eq!(processed, valid);
    assert!(valid > 100_000 && valid < 200_000, "{valid}");
    // Every zone lies inside the box.
    for z in rec["zones"].as_array().unwrap() {
        let (lon, lat) = (
            z["centroid_lon"].as_f64().unwrap(),
            z["centroid_lat"].as_f64().unwrap(),
        );
        assert!(
            (-87.42..=-87.30).contains(&lon) && (30.70..=30.80).contains(&lat),
            "{lon} {lat}"
        );
    }
}

#[test]
fn configuration_errors_exit_2_and_name_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("bad.toml");
    std::fs::write(&cfg, "[detect.contextual]\nkay = 3\n").unwrap();
    let out = dir.path().join("o");
    let res = seamfire()
        .args([
            "detect",
            fixture("landsat8-l1t-pensacola-2015").to_str().unwrap(),
            "--config",
        ])
        .arg(&cfg)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(res.status.code(), Some(2));
    let err = String::from_utf8_lossy(&res.stderr);
    assert!(err.contains("kay") && err.contains("bad.toml"), "{err}");
    assert!(!out.exists());
}

#[test]
fn nothing_to_detect_is_an_error_without_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o");
    // A Level-2 scene with the thermal method off: Level-2 reflectance is not used by swir.
    let res = seamfire()
        .args([
            "detect",
            fixture("LC08_L2SP_204023_20200927_20201006_02_T1")
                .to_str()
                .unwrap(),
            "--method",
            "off",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(res.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&res.stderr).contains("nothing to detect"));
    assert!(!out.exists() || listing(&out).is_empty());
}

#[test]
fn clouds_from_qa_pixel_and_c1_bqa_produce_no_zones() {
    let dir = tempfile::tempdir().unwrap();
    // Collection-2 QA_PIXEL: the 99.9 % cloudy Level-2 scene (oracles.json: 101378 cloud,
    // 44854 fill of 146294 pixels); Collection-1 BQA: a tiny L8 scene whose BQA values are all
    // fill (1), cloud (2800, 6896: bit 4 set) or high shadow/cirrus confidence (2976, 7072).
    for (scene, name) in [
        ("LC08_L2SP_001062_20201031_20201106_02_T2", "c2"),
        (
            "landsat-tiny-formats/LC08_L1TP_090084_20160121_20170405_01_T1",
            "c1",
        ),
    ] {
        let out = dir.path().join(name);
        let rec = detect(&[fixture(scene).to_str().unwrap(), "--no-swir"], &out);
        assert_eq!(rec["zones"].as_array().unwrap().len(), 0, "{scene}");
        let anomaly = seamfire::io::read_band::<u8>(&out.join("anomaly.tif"), 1).unwrap();
        let processed = anomaly.data.iter().filter(|&&k| k != 255).count();
        assert_eq!(
            processed as u64,
            rec["methods"][0]["valid"].as_u64().unwrap(),
            "{scene}"
        );
        assert!(
            processed * 1000 < anomaly.data.len(),
            "{scene}: {processed} pixels processed"
        );
    }
}

#[test]
fn water_without_a_qa_band_is_not_background() {
    // The Liverpool crop without its QA_PIXEL: by day the city is 7–8 K warmer than the Mersey
    // and the Irish Sea, and with water in the background the shore becomes fire zones. The
    // spectral water test takes 86 014 of its 115 611 pixels (numpy count, see
    // tests/calibrate_real.rs), leaving 29 597 to the thermal test and no fire zone.
    let dir = tempfile::tempdir().unwrap();
    let scene = fixture("LC08_L2SP_204023_20200927_20201006_02_T1");
    let scene = scene.to_str().unwrap();
    let rec = detect(&[scene], &dir.path().join("masked"));
    assert_eq!(rec["methods"][0]["valid"].as_u64(), Some(29_597));
    assert_eq!(rec["zones"].as_array().unwrap().len(), 0);
    let unmasked = detect(
        &[scene, "-p", "spectral_water=false"],
        &dir.path().join("unmasked"),
    );
    assert_eq!(unmasked["methods"][0]["valid"].as_u64(), Some(115_611));
    assert!(!unmasked["zones"].as_array().unwrap().is_empty());
}

//! `seamfire synth` end to end: determinism of the files, the round trip through `seamfire info`
//! and `seamfire calibrate`, the truth files, planting into the real Pensacola scene, and
//! argument errors.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{fixture, listing, seamfire};
use seamfire::synth::{Preset, SynthParams, generate};

fn synth(out: &Path, args: &[&str]) -> std::process::Output {
    let output = seamfire()
        .arg("synth")
        .arg("--out")
        .arg(out)
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "seamfire synth {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn run_ok(args: &[&str]) -> std::process::Output {
    let output = seamfire().args(args).output().unwrap();
    assert!(
        output.status.success(),
        "seamfire {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// Every file of a directory with its bytes.
fn contents(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    listing(dir)
        .into_iter()
        .map(|name| {
            let bytes = std::fs::read(dir.join(&name)).unwrap();
            (name, bytes)
        })
        .collect()
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

const PID5: &str = "LC08_L1TP_SYNTH5_20200915_20200915_02_T1";

#[test]
fn same_seed_gives_byte_identical_files_other_seed_differs() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b, c) = (
        tmp.path().join("a"),
        tmp.path().join("b"),
        tmp.path().join("c"),
    );
    let args = [
        "--seed", "11", "--size", "200x180", "--preset", "day", "--swir",
    ];
    synth(&a, &args);
    synth(&b, &args);
    let (ca, cb) = (contents(&a), contents(&b));
    let names: Vec<&String> = ca.keys().collect();
    assert_eq!(
        names.len(),
        13,
        "B1–B7, B10, QA, MTL, truth x2, synth.json: {names:?}"
    );
    assert_eq!(ca, cb, "two runs with the same seed differ");
    synth(
        &c,
        &["--seed", "12", "--size", "200x180", "--preset", "day"],
    );
    let cc = contents(&c);
    let b10 = |m: &BTreeMap<String, Vec<u8>>| {
        m.iter()
            .find(|(k, _)| k.ends_with("_B10.TIF"))
            .map(|(_, v)| v.clone())
            .unwrap()
    };
    assert_ne!(b10(&ca), b10(&cc));
    assert_ne!(ca["truth.tif"], cc["truth.tif"]);
}

#[test]
fn info_and_calibrate_read_the_scene_back() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("scene");
    let out = synth(&dir, &["--seed", "5", "--size", "240x200"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(PID5) && stdout.contains("objects"),
        "{stdout}"
    );

    // The same scene in memory (the CLI's defaults are SynthParams::new's).
    let p = SynthParams::new(5, 200, 240, Preset::Night);
    let scene = generate(&p);

    let info = run_ok(&["info", dir.to_str().unwrap(), "--json"]);
    let info: serde_json::Value = serde_json::from_slice(&info.stdout).unwrap();
    assert_eq!(info["product_id"], PID5);
    assert_eq!(info["day_night"], "night");
    assert_eq!(info["thermal_band"], "B10");
    assert_eq!(info["grid"]["epsg"], 32648);
    assert_eq!(info["grid"]["width"], 240);
    assert_eq!(info["bands"], serde_json::json!(["B10", "QA_PIXEL"]));

    let bt_path = tmp.path().join("bt.tif");
    run_ok(&[
        "calibrate",
        dir.to_str().unwrap(),
        "--out",
        bt_path.to_str().unwrap(),
    ]);
    let bt = seamfire::io::read_band::<f32>(&bt_path, 1).unwrap();
    assert_eq!(bt.data.dim(), (200, 240));
    assert_eq!(bt.georef.transform, scene.georef.transform);
    let mut worst = 0f32;
    for (got, want) in bt.data.iter().zip(&scene.bt_k) {
        assert_eq!(got.is_nan(), want.is_nan());
        if !want.is_nan() {
            worst = worst.max((got - want).abs());
        }
    }
    assert!(
        worst < 0.05,
        "calibrated BT differs from the scene by {worst} K"
    );
    // QA decoded by calibrate: water (8) and fill (1) where the scene has them.
    let mask = seamfire::io::read_band::<u8>(&tmp.path().join("bt_mask.tif"), 1).unwrap();
    for (&m, &q) in mask.data.iter().zip(&scene.qa_pixel) {
        let want = match q {
            seamfire::synth::qa::QA_FILL => 1,
            seamfire::synth::qa::QA_WATER => 8,
            _ => 0,
        };
        assert_eq!(m, want);
    }

    // Truth raster and vector.
    let truth = seamfire::io::read_band::<u32>(&dir.join("truth.tif"), 1).unwrap();
    assert_eq!(truth.data, scene.truth_id);
    assert_eq!(truth.nodata, None);
    let gj = json(&dir.join("truth.geojson"));
    assert_eq!(gj["type"], "FeatureCollection");
    let features = gj["features"].as_array().unwrap();
    assert_eq!(features.len(), scene.objects.len());
    for (f, o) in features.iter().zip(&scene.objects) {
        let props = &f["properties"];
        assert_eq!(props["id"], o.id);
        assert_eq!(props["pixels"], o.pixels);
        assert_eq!(props["peak_delta_k"].as_f64().unwrap(), o.peak_delta_k);
        assert!(props["kind"] == "blob" || props["kind"] == "strip");
        assert_eq!(props["bbox"].as_array().unwrap().len(), 4);
        let c = f["geometry"]["coordinates"].as_array().unwrap();
        let (lon, lat) = (c[0].as_f64().unwrap(), c[1].as_f64().unwrap());
        // Near Wuda, Inner Mongolia: lon first (RFC 7946).
        assert!(
            (106.0..107.5).contains(&lon) && (39.0..40.0).contains(&lat),
            "{lon}, {lat}"
        );
    }
    let meta = json(&dir.join("synth.json"));
    assert_eq!(meta["seed"], 5);
    assert_eq!(meta["preset"], "night");
    assert_eq!(meta["facts"]["counts"]["planted"], scene.objects.len());
    assert_eq!(
        meta["objects"].as_array().unwrap().len(),
        scene.objects.len()
    );
    let sigma = meta["noise_sigma_k"].as_f64().unwrap();
    assert!((0.1..=0.2).contains(&sigma));
}

#[test]
fn swir_bands_calibrate_to_reflectance() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("scene");
    synth(
        &dir,
        &[
            "--seed", "3", "--size", "120x100", "--preset", "day", "--swir",
        ],
    );
    let out = tmp.path().join("b7.tif");
    run_ok(&[
        "calibrate",
        dir.to_str().unwrap(),
        "--band",
        "7",
        "--out",
        out.to_str().unwrap(),
    ]);
    let r7 = seamfire::io::read_band::<f32>(&out, 1).unwrap();
    let valid: Vec<f32> = r7.data.iter().copied().filter(|v| !v.is_nan()).collect();
    assert!(!valid.is_empty());
    assert!(
        valid.iter().all(|&v| (0.0..0.6).contains(&v)),
        "B7 reflectance out of range"
    );
}

#[test]
fn plants_into_pensacola_without_touching_it() {
    let tmp = tempfile::tempdir().unwrap();
    let scene_dir = fixture("landsat8-l1t-pensacola-2015");
    let before = contents(&scene_dir);
    let dir = tmp.path().join("planted");
    synth(
        &dir,
        &["--seed", "2", "--background", scene_dir.to_str().unwrap()],
    );
    let by_file = tmp.path().join("planted_b10");
    synth(
        &by_file,
        &[
            "--seed",
            "2",
            "--background",
            scene_dir.join("l8_B10.tif").to_str().unwrap(),
        ],
    );
    assert_eq!(
        contents(&scene_dir),
        before,
        "the background scene was modified"
    );

    // Pensacola's BT and mask as `seamfire calibrate` sees them.
    let orig = tmp.path().join("orig.tif");
    run_ok(&[
        "calibrate",
        scene_dir.to_str().unwrap(),
        "--out",
        orig.to_str().unwrap(),
    ]);
    let orig_bt = seamfire::io::read_band::<f32>(&orig, 1).unwrap();
    let orig_mask = seamfire::io::read_band::<u8>(&tmp.path().join("orig_mask.tif"), 1).unwrap();

    for d in [&dir, &by_file] {
        let bt_path = d.with_extension("bt.tif");
        run_ok(&[
            "calibrate",
            d.to_str().unwrap(),
            "--out",
            bt_path.to_str().unwrap(),
        ]);
        let bt = seamfire::io::read_band::<f32>(&bt_path, 1).unwrap();
        assert_eq!(bt.georef.transform, orig_bt.georef.transform);
        assert_eq!(bt.georef.epsg, Some(32616));
        let mask = seamfire::io::read_band::<u8>(&d.with_extension("bt_mask.tif"), 1).unwrap();
        let truth = seamfire::io::read_band::<u32>(&d.join("truth.tif"), 1).unwrap();
        let meta = json(&d.join("synth.json"));
        let n = meta["facts"]["counts"]["planted"].as_u64().unwrap() as u32;
        assert!(n >= 10, "only {n} objects planted");
        assert_eq!(meta["facts"]["background"], "real");
        let mut seen = vec![false; n as usize + 1];
        for ((i, &id), &m) in truth.data.indexed_iter().zip(&orig_mask.data) {
            // The synthetic QA keeps every masked pixel masked.
            assert_eq!(mask.data[i] == 0, m == 0, "mask differs at {i:?}");
            let (a, b) = (bt.data[i], orig_bt.data[i]);
            assert_eq!(a.is_nan(), b.is_nan());
            if id == 0 {
                if !a.is_nan() {
                    assert!(
                        (a - b).abs() < 0.05,
                        "background changed at {i:?}: {b} → {a}"
                    );
                }
            } else {
                assert_eq!(m, 0, "object {id} planted on a masked pixel {i:?}");
                assert!(a - b > 0.3, "object {id} not hotter at {i:?}");
                seen[id as usize] = true;
            }
        }
        assert!(seen[1..].iter().all(|&s| s));
    }
}

#[test]
fn argument_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("x");
    let code = |args: &[&str]| {
        let o = seamfire()
            .arg("synth")
            .arg("--out")
            .arg(&out)
            .args(args)
            .output()
            .unwrap();
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    for bad in [
        &["--seed", "1", "--size", "12"][..],
        &["--seed", "1", "--size", "4x4"],
        &["--seed", "1", "--delta-range", "5,2"],
        &["--seed", "1", "--size-range", "0,3"],
        &["--seed", "1", "--swir"],
        &["--seed", "1", "--preset", "dusk"],
        &["--size", "64x64"],
    ] {
        let (c, err) = code(bad);
        assert_eq!(c, Some(2), "{bad:?}: {err}");
    }
    assert!(!out.exists(), "nothing written on usage errors");
    let missing = tmp.path().join("no_such_scene");
    let (c, err) = code(&["--seed", "1", "--background", missing.to_str().unwrap()]);
    assert_eq!(c, Some(1));
    assert!(err.contains("no_such_scene"), "{err}");
}

#[test]
fn refuses_a_directory_holding_another_product() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("scene");
    synth(&dir, &["--seed", "1", "--size", "64x64"]);
    // The same product again is fine (overwritten with identical files).
    synth(&dir, &["--seed", "1", "--size", "64x64"]);
    let o = seamfire()
        .args(["synth", "--seed", "2", "--size", "64x64", "--out"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("another product"));
    assert_eq!(listing(&dir).len(), 6);
}

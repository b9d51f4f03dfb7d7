//! A drone thermal orthomosaic (0.25 m pixels, `seamfire synth --mosaic`): `detect` picks the
//! drone window preset by itself and finds every planted vent as one fire zone, with no other.

mod common;

use common::seamfire;

#[test]
fn drone_mosaic_vents_are_found_with_drone_windows() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("mosaic");
    let out = dir.path().join("det");
    let ok = |args: &[&std::ffi::OsStr]| {
        let o = seamfire().args(args).output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    ok(&[
        "synth".as_ref(),
        "--mosaic".as_ref(),
        "--size".as_ref(),
        "800x800".as_ref(),
        "--seed".as_ref(),
        "3".as_ref(),
        "--out".as_ref(),
        data.as_os_str(),
    ]);
    ok(&[
        "detect".as_ref(),
        data.join("mosaic.tif").as_os_str(),
        "--products".as_ref(),
        "none".as_ref(),
        "--out".as_ref(),
        out.as_os_str(),
    ]);
    let read = |p: std::path::PathBuf| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
    };
    let truth = read(data.join("mosaic_vents.json"));
    let record = read(out.join("detection.json"));
    assert_eq!(record["windows"], "drone");
    let vents = truth["vents"].as_array().unwrap();
    let zones = record["zones"].as_array().unwrap();
    assert!(vents.len() >= 2, "{} vents", vents.len());
    // Each vent (centre and radius from the generator's truth file) holds exactly one zone's
    // centroid, and every zone is a vent's.
    let pixel_m = truth["pixel_m"].as_f64().unwrap();
    let near = |v: &serde_json::Value, z: &serde_json::Value| {
        let d = (v["row"].as_f64().unwrap() - z["centroid_row"].as_f64().unwrap())
            .hypot(v["col"].as_f64().unwrap() - z["centroid_col"].as_f64().unwrap());
        d * pixel_m <= v["radius_m"].as_f64().unwrap()
    };
    for v in vents {
        assert_eq!(zones.iter().filter(|z| near(v, z)).count(), 1, "vent {v}");
    }
    for z in zones {
        assert!(vents.iter().any(|v| near(v, z)), "false zone {z}");
    }
}

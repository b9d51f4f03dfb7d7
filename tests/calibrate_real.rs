//! Calibration of real Landsat crops against independent numpy computations.
//!
//! Expected rasters come from `testdata/oracles/make_expected.py` (numpy + GDAL Python bindings,
//! float64 arithmetic, constants read from each MTL by the script itself; B10/B11 also
//! cross-checked bit-identically with `gdal_calc.py`, see testdata/README.md).

mod common;

use common::{assert_close, fixture, oracles, seamfire};

fn calibrate(args: &[&str], out: &std::path::Path) -> std::process::Output {
    let mut cmd = seamfire();
    cmd.arg("calibrate").args(args).arg("--out").arg(out);
    let output = cmd.output().unwrap();
    assert!(
        output.status.success(),
        "seamfire calibrate {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

#[test]
fn pensacola_b10_and_b11_match_numpy_within_0_01_k() {
    let dir = tempfile::tempdir().unwrap();
    let scene = fixture("landsat8-l1t-pensacola-2015");
    let inputs_before = common::listing(&scene);
    for (band, oracle) in [
        ("10", "pensacola_b10_bt.tif"),
        ("11", "pensacola_b11_bt.tif"),
    ] {
        let out = dir.path().join(format!("bt{band}.tif"));
        calibrate(&[scene.to_str().unwrap(), "--band", band], &out);
        let worst = assert_close(&out, &fixture(&format!("oracles/{oracle}")), 0.01, &[]);
        assert!(worst < 1e-3, "B{band}: worst difference {worst} K");
    }
    assert_eq!(
        common::listing(&scene),
        inputs_before,
        "inputs are never modified"
    );
}

#[test]
fn single_band_file_finds_its_mtl_and_writes_mask() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("bt.tif");
    calibrate(
        &[fixture("landsat8-l1t-pensacola-2015/l8_B10.tif")
            .to_str()
            .unwrap()],
        &out,
    );
    assert_close(&out, &fixture("oracles/pensacola_b10_bt.tif"), 0.01, &[]);
    // Pre-collection BQA decoded into the mask beside the output; counts from oracles.json
    // (numpy: ((bqa>>14)&3)==3 → 22776 cloud, ((bqa>>12)&3)==3 → 117856 cirrus).
    let mask = seamfire::io::read_band::<u8>(&dir.path().join("bt_mask.tif"), 1).unwrap();
    let count = |bit: u8| mask.data.iter().filter(|&&f| f & bit != 0).count();
    let qa = &oracles()["qa_counts"]["pensacola_l8_BQA"];
    let n = |k: &str| qa[k].as_u64().unwrap() as usize;
    assert_eq!(
        count(seamfire::raster::MaskReason::CLOUD),
        n("cloud_conf_high")
    );
    assert_eq!(count(seamfire::raster::MaskReason::CLOUD), 22776);
    assert_eq!(
        count(seamfire::raster::MaskReason::CIRRUS),
        n("cirrus_conf_high")
    );
    assert_eq!(
        count(seamfire::raster::MaskReason::WATER),
        n("water_conf_high")
    );
    assert_eq!(count(seamfire::raster::MaskReason::FILL), n("fill"));
}

#[test]
fn level2_surface_temperature_scale() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("st.tif");
    calibrate(
        &[fixture("LC08_L2SP_204023_20200927_20201006_02_T1")
            .to_str()
            .unwrap()],
        &out,
    );
    assert_close(&out, &fixture("oracles/liverpool_st_b10.tif"), 1e-4, &[]);
}

#[test]
fn landsat5_uses_fallback_constants_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("bt.tif");
    let output = calibrate(&[fixture("landsat5-tm-para-1988").to_str().unwrap()], &out);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("K1=607.76") && stderr.contains("K2=1260.56"),
        "{stderr}"
    );
    assert_close(&out, &fixture("oracles/para_l5_b6_bt.tif"), 0.01, &[]);
}

#[test]
fn optical_band_gives_sun_corrected_toa_reflectance() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("b4.tif");
    calibrate(
        &[
            fixture("landsat8-l1t-pensacola-2015").to_str().unwrap(),
            "--band",
            "4",
        ],
        &out,
    );
    assert_close(&out, &fixture("oracles/pensacola_b4_toa.tif"), 1e-6, &[]);
}

#[test]
fn lst_matches_numpy_except_exact_ndvi_ties() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("lst.tif");
    calibrate(
        &[
            fixture("landsat8-l1t-pensacola-2015").to_str().unwrap(),
            "--lst",
        ],
        &out,
    );
    // Pixels whose NDVI is exactly 0.2 or 0.5 may fall on either side of the threshold in
    // floating point; the oracle lists them (both candidate values) and they are skipped here.
    let ties: Vec<(usize, usize)> = oracles()["pensacola_lst"]["ndvi_exact_ties"]["pixels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["row"].as_u64().unwrap() as usize,
                p["col"].as_u64().unwrap() as usize,
            )
        })
        .collect();
    assert_eq!(ties.len(), 50);
    assert_close(&out, &fixture("oracles/pensacola_lst.tif"), 0.01, &ties);
}

#[test]
fn level2_qa_pixel_mask_counts() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("st.tif");
    calibrate(
        &[fixture("LC08_L2SP_001062_20201031_20201106_02_T2")
            .to_str()
            .unwrap()],
        &out,
    );
    let mask = seamfire::io::read_band::<u8>(&dir.path().join("st_mask.tif"), 1).unwrap();
    let count = |bit: u8| mask.data.iter().filter(|&&f| f & bit != 0).count();
    // numpy counts in oracles.json: np.count_nonzero((qa >> bit) & 1)
    let c = &oracles()["qa_counts"]["LC08_L2SP_001062_20201031_20201106_02_T2_QA_PIXEL"]["bit_set_counts"];
    let n = |k: &str| c[k].as_u64().unwrap() as usize;
    assert_eq!(count(seamfire::raster::MaskReason::CLOUD), 101378);
    assert_eq!(
        count(seamfire::raster::MaskReason::CLOUD),
        n("cloud") + n("dilated_cloud")
    );
    assert_eq!(count(seamfire::raster::MaskReason::CIRRUS), n("cirrus"));
    assert_eq!(
        count(seamfire::raster::MaskReason::SHADOW),
        n("cloud_shadow")
    );
    assert!(count(seamfire::raster::MaskReason::FILL) >= n("fill"));
}

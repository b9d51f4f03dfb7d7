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
fn level2_without_qa_masks_water_by_its_spectral_test() {
    // The Liverpool crop has SR_B3–B6 but not its QA_PIXEL. Expected count from numpy on the
    // SR DNs (gdal_translate -of ENVI; ρ = 2.75e-5·DN − 0.2, DN 0 fill; water where
    // (ρ3 − ρ6)/(ρ3 + ρ6) > 0 and (ρ5 − ρ4)/(ρ5 + ρ4) < 0 with positive sums): 86 014 of the
    // 115 611 pixels, the same in float32 and float64; none is ST_B10 fill.
    let dir = tempfile::tempdir().unwrap();
    let scene = fixture("LC08_L2SP_204023_20200927_20201006_02_T1");
    let out = dir.path().join("st.tif");
    let output = calibrate(&[scene.to_str().unwrap()], &out);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("water is, by its spectral test") && stderr.contains("SR_B6"),
        "{stderr}"
    );
    let mask = seamfire::io::read_band::<u8>(&dir.path().join("st_mask.tif"), 1).unwrap();
    let count = |reason: u8| mask.data.iter().filter(|&&f| f & reason != 0).count();
    assert_eq!(count(seamfire::raster::MaskReason::WATER), 86_014);
    assert_eq!(count(seamfire::raster::MaskReason::FILL), 0);
    assert_eq!(mask.data.iter().filter(|&&f| f == 0).count(), 29_597);
    // The temperatures are the same with or without the test.
    assert_close(&out, &fixture("oracles/liverpool_st_b10.tif"), 1e-4, &[]);
    // Opting out: no mask at all (the scene has no other source of flags).
    let out_off = dir.path().join("off.tif");
    calibrate(&[scene.to_str().unwrap(), "--no-spectral-water"], &out_off);
    assert!(!dir.path().join("off_mask.tif").exists());
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

/// The Marburg crop (`testdata/landsat8-l1-marburg-2013`, 41 x 41 px) stores its B10 DNs as
/// `Int16` with nodata −32768, as the R package `satellite` wrote it: a DN band all the same.
/// Expected values from numpy on the file's DNs (`gdal_translate -of ENVI` of B10, then
/// `L = 3.342e-4·DN + 0.1`, `BT = 1321.0789 / ln(774.8853 / L + 1)` in float64, constants from
/// the MTL): min 297.8184, max 307.9593, mean 302.534948 K over all 1681 pixels;
/// BT[0,0] = 302.0137 (DN 29283), BT[20,20] = 300.3850 (DN 28581), BT[40,40] = 297.8637 (DN 27513).
#[test]
fn int16_dn_band_calibrates_like_uint16_and_its_negative_values_are_fill() {
    let dir = tempfile::tempdir().unwrap();
    let scene = fixture("landsat8-l1-marburg-2013");
    let inputs_before = common::listing(&scene);
    let out = dir.path().join("bt.tif");
    let run = calibrate(&[scene.to_str().unwrap()], &out);
    // The MTL names a BQA file that the crop does not have: nothing is masked, and it is said.
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("BQA") && stderr.contains("not masked"),
        "{stderr}"
    );
    let bt = common::read_f32(&out);
    let px = |r: usize, c: usize| f64::from(bt.data[[r, c]]);
    for (r, c, want) in [(0, 0, 302.0137), (20, 20, 300.3850), (40, 40, 297.8637)] {
        assert!((px(r, c) - want).abs() < 1e-3, "BT[{r},{c}] = {}", px(r, c));
    }
    let v: Vec<f64> = bt.data.iter().map(|&x| f64::from(x)).collect();
    assert_eq!(v.iter().filter(|x| x.is_finite()).count(), 1681);
    let mean = v.iter().sum::<f64>() / v.len() as f64;
    assert!((mean - 302.534948).abs() < 1e-3, "mean {mean}");
    assert_eq!(
        common::listing(&scene),
        inputs_before,
        "inputs are never modified"
    );

    // The same band with its first row set to the declared nodata (−32768) and one pixel to
    // another negative value: both are fill, every other pixel calibrates as before.
    let edited = dir.path().join("scene");
    std::fs::create_dir(&edited).unwrap();
    let pid = "LC08_L1TP_195025_20130707_20170503_01_T1";
    for f in ["MTL.txt", "B11.TIF"] {
        std::fs::copy(
            scene.join(format!("{pid}_{f}")),
            edited.join(format!("{pid}_{f}")),
        )
        .unwrap();
    }
    let mut dn = seamfire::io::read_band::<i16>(&scene.join(format!("{pid}_B10.TIF")), 1).unwrap();
    assert_eq!(dn.nodata, Some(-32768.0));
    dn.data.row_mut(0).fill(-32768);
    dn.data[[20, 20]] = -5;
    seamfire::io::write_cog(
        &dn,
        &edited.join(format!("{pid}_B10.TIF")),
        &Default::default(),
    )
    .unwrap();
    let out2 = dir.path().join("bt2.tif");
    calibrate(&[edited.to_str().unwrap()], &out2);
    let bt2 = common::read_f32(&out2);
    assert!(
        bt2.data.row(0).iter().all(|x| x.is_nan()),
        "nodata row is fill"
    );
    assert!(bt2.data[[20, 20]].is_nan(), "a negative DN is fill");
    assert_eq!(
        bt2.data.iter().filter(|x| x.is_finite()).count(),
        1681 - 41 - 1
    );
    assert_eq!(bt2.data[[40, 40]], bt.data[[40, 40]]);
}

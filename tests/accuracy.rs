//! Accuracy at the shipped default parameters on generated scenes and on real thermal
//! backgrounds with planted truth (`seamfire::synth`), scored by `seamfire::stage` (object
//! recall by peak delta, false fire zones per million valid pixels on the planted scene and on
//! the background alone). The real backgrounds here (two ECOSTRESS LST crops, a night and a day
//! pass) were held out of tuning; the full table and how the defaults were chosen are in
//! docs/accuracy.md.

use ndarray::Array2;
use seamfire::calibrate::{GenericRequest, GenericUnit};
use seamfire::detect::confidence;
use seamfire::detect::config::DetectConfig;
use seamfire::stage::{
    run_thermal, scene_validity, score_background, score_background_excluding, score_generated,
};
use seamfire::synth::{Preset, SynthParams, generate};

mod common;

const SEEDS: [u64; 4] = [11, 12, 13, 14];
const SIZE: usize = 768;

#[test]
fn hot_area_wider_than_the_candidate_window_is_flagged_whole() {
    // 40 x 40 px at +30 K (wider than the 31 px candidate window) on a rough day background.
    let mut p = SynthParams::new(5, 400, 400, Preset::Day);
    p.n_objects = 0;
    p.water = false;
    p.fill_stripes = false;
    let scene = generate(&p);
    let mut t = scene.background_k.clone();
    let mut truth = Array2::from_elem(t.dim(), false);
    for r in 180..220 {
        for c in 180..220 {
            t[[r, c]] += 30.0;
            truth[[r, c]] = true;
        }
    }
    let valid = scene_validity(&scene);
    let d = run_thermal(&t, &valid, 30.0, &DetectConfig::default()).unwrap();
    let inside: Vec<_> = d.flagged.iter().filter(|f| truth[[f.row, f.col]]).collect();
    assert_eq!(inside.len(), 1600);
    assert!(
        inside.iter().all(|f| f.confidence == confidence::HIGH),
        "one zone, high confidence as a whole"
    );
}

/// Real LST crops of two passes that were not used to choose the defaults (testdata/README.md).
fn held_out(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/ecostress-la")
        .join(name)
}

const KELVIN: GenericRequest = GenericRequest {
    unit: Some(GenericUnit::Kelvin),
    scale: None,
    offset: None,
};

/// False zones per Mpx on the backgrounds alone.
fn background_rate(s: &seamfire::stage::Score) -> f64 {
    s.background.false_zones_per_mpx()
}

#[test]
fn night_generated_and_held_out_real() {
    let cfg = DetectConfig::default();
    let path = held_out("ECO_L2_LSTE.002_LST_doy2023207063732_aid0001_crop.tif");
    let real = score_background(&path, KELVIN, &[21, 22], &cfg).unwrap();
    let gen_ = score_generated(Preset::Night, &SEEDS, SIZE, &cfg);
    for (name, s) in [("real", &real), ("generated", &gen_)] {
        let p = &s.planted;
        eprintln!("night {name}: {p:?}, background {:?}", s.background);
        assert!(
            p.objects[2][1] >= 50,
            "enough strong objects: {:?}",
            p.objects
        );
        assert!(p.recall(2) >= 0.95, "{name} ≥ 6 K recall {}", p.recall(2));
        assert!(p.recall(1) >= 0.4, "{name} 3–6 K recall {}", p.recall(1));
        assert!(
            p.false_zones_per_mpx() <= 5.0,
            "{name} {}",
            p.false_zones_per_mpx()
        );
        assert!(background_rate(s) <= 5.0, "{name} {}", background_rate(s));
    }
    // The generator is as hard as reality: its false-zone rate is within a factor of 2 of the
    // real night background's (2.2 vs 3.8 per Mpx when this was written).
    let ratio = background_rate(&gen_) / background_rate(&real);
    assert!((0.5..=2.0).contains(&ratio), "generated / real = {ratio}");
    // Side by side, the same pixel test without the budget: every evidence zone a fire zone.
    let mut off = cfg.clone();
    off.budget.enabled = false;
    let base = score_background(&path, KELVIN, &[21], &off).unwrap();
    eprintln!("without the budget: {:?}", base.background);
    assert!(
        background_rate(&base) >= 100.0 * background_rate(&real).max(1.0),
        "the budget removes at least 99 % of the false zones: {} vs {}",
        background_rate(&base),
        background_rate(&real)
    );
}

#[test]
fn day_generated_and_held_out_real() {
    let cfg = DetectConfig::default();
    let real = score_background(
        &held_out("ECO_L2_LSTE.002_LST_doy2023217182715_aid0001_crop.tif"),
        KELVIN,
        &[21, 22],
        &cfg,
    )
    .unwrap();
    let gen_ = score_generated(Preset::Day, &SEEDS, SIZE, &cfg);
    for (name, s) in [("real", &real), ("generated", &gen_)] {
        let p = &s.planted;
        eprintln!("day {name}: {p:?}, background {:?}", s.background);
        assert!(p.recall(2) >= 0.9, "{name} ≥ 6 K recall {}", p.recall(2));
        assert!(
            p.false_zones_per_mpx() <= 25.0,
            "{name} {}",
            p.false_zones_per_mpx()
        );
        assert!(background_rate(s) <= 25.0, "{name} {}", background_rate(s));
    }
    // 18.2 vs 12.4 per Mpx when this was written.
    let ratio = background_rate(&gen_) / background_rate(&real);
    assert!((0.5..=2.0).contains(&ratio), "generated / real = {ratio}");
}

#[test]
fn night_held_out_with_the_basin_s_industrial_sites_excluded() {
    // The night target (≤ 1 false zone per Mpx) on the held-out night crop, scored as a survey
    // with an inventory of the Los Angeles basin's refineries, landfills and power plants
    // reports it (`--exclude`, 1500 m; testdata/README.md says where the sites come from).
    // Measured when this was written (`seamfire accuracy --seeds 21,22 --background …crop.tif`):
    // 3.8 false zones/Mpx on the background without the layer, 0.0 with it.
    let cfg = DetectConfig::default();
    let path = held_out("ECO_L2_LSTE.002_LST_doy2023207063732_aid0001_crop.tif");
    let sites = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/exclude/los-angeles-industrial.geojson");
    let plain = score_background(&path, KELVIN, &[21, 22], &cfg).unwrap();
    let with_sites =
        score_background_excluding(&path, KELVIN, &[21, 22], &cfg, Some((&sites, 1500.0))).unwrap();
    eprintln!("without: {plain:?}\nwith: {with_sites:?}");
    assert!(
        background_rate(&plain) > 1.0,
        "the crop's false zones are industrial"
    );
    assert!(background_rate(&with_sites) <= 1.0, "{with_sites:?}");
    assert!(with_sites.planted.false_zones_per_mpx() <= 1.0);
    let p = &with_sites.planted;
    assert!(p.recall(2) >= 0.95, "≥ 6 K recall {}", p.recall(2));
    // Objects planted inside a site's buffer leave the truth set, nothing else changes.
    let total =
        |s: &seamfire::stage::Score| -> usize { s.planted.objects.iter().map(|b| b[1]).sum() };
    assert!(total(&with_sites) < total(&plain));
    assert!(
        total(&with_sites) * 10 > total(&plain) * 9,
        "under 10 % are in sites"
    );
}

#[test]
fn day_held_out_landsat_without_qa_meets_the_day_target_with_water_masked() {
    // The Liverpool Level-2 crop (held out; no QA_PIXEL, SR_B3–B6 present): the day target,
    // ≤ 10 false zones per Mpx and ≥ 0.95 recall of ≥ 6 K objects, holds with the spectral
    // water test (0.0 per Mpx, 23/23 when this was written: scripts/accuracy-real) and not
    // without it (17.3 per Mpx, 17/23: the city against the Mersey and the Irish Sea).
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/LC08_L2SP_204023_20200927_20201006_02_T1");
    let seeds = [1, 2, 3, 4, 5, 6];
    let cfg = DetectConfig::default();
    let masked = score_background(&path, GenericRequest::default(), &seeds, &cfg).unwrap();
    let mut off = cfg.clone();
    off.spectral_water = false;
    let unmasked = score_background(&path, GenericRequest::default(), &seeds, &off).unwrap();
    eprintln!("masked: {masked:?}\nunmasked: {unmasked:?}");
    assert!(background_rate(&masked) <= 10.0, "{masked:?}");
    assert!(masked.planted.false_zones_per_mpx() <= 10.0);
    let p = &masked.planted;
    assert!(
        p.objects[2][1] >= 15,
        "enough strong objects: {:?}",
        p.objects
    );
    assert!(p.recall(2) >= 0.95, "≥ 6 K recall {}", p.recall(2));
    assert!(background_rate(&unmasked) > 10.0, "{unmasked:?}");
}

#[test]
fn accuracy_lists_every_planted_object_with_its_outcome() {
    // `seamfire accuracy --objects`: one row per planted object of the generated scene, each
    // with the size and peak the generator planted (regenerated here from the same seed), and
    // as many `zone` rows as the table counts found objects.
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("objects.csv");
    let out = common::run_ok(
        common::seamfire()
            .args([
                "accuracy",
                "--preset",
                "night",
                "--seeds",
                "3",
                "--size",
                "256",
                "--objects",
            ])
            .arg(&csv),
    );
    let table = String::from_utf8(out.stdout).unwrap();
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("background,seed,id,kind,pixels,peak_delta_k,outcome,max_delta_k,max_z,bg_std_k")
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let scene = generate(&SynthParams::new(3, 256, 256, Preset::Night));
    assert_eq!(rows.len(), scene.objects.len());
    assert!(rows.len() > 1);
    for (row, o) in rows.iter().zip(&scene.objects) {
        assert_eq!(row[..3], ["generated night 256²", "3", &o.id.to_string()]);
        assert_eq!(row[4], o.pixels.to_string());
        assert_eq!(row[5], format!("{:.3}", o.peak_delta_k));
        assert!(["zone", "low", "missed"].contains(&row[6]), "{row:?}");
        assert_eq!(row[7].is_empty(), row[6] == "missed", "{row:?}");
    }
    // The table's "(found/total)" of the three bins, summed.
    let found: usize = table
        .split('(')
        .skip(1)
        .map(|s| s.split('/').next().unwrap().parse::<usize>().unwrap())
        .sum();
    assert_eq!(
        rows.iter().filter(|r| r[6] == "zone").count(),
        found,
        "{table}"
    );
}

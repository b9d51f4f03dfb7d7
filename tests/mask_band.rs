//! Thermal rasters whose valid area is given by an alpha band or a GDAL mask band instead of a
//! nodata value, as `gdalwarp -dstalpha`, QGIS and drone-mapping exports write them: the pixels
//! the mask leaves out are not processed, exactly as if their nodata value had been declared.
//!
//! The scene: 120 x 120 pixels of 30 m (UTM 49N) in degrees Celsius, 16.85 °C (290 K) with a
//! ±0.3 K checkerboard texture and a 3 x 3 block at 30.85 °C (304 K; rows and columns 50–52),
//! inside a 10-pixel border that is not data. Four files:
//! * `declared.tif`: the border −9999, nodata −9999 declared (the reference);
//! * `alpha.tif`: two Float32 bands, the border 0.0 in band 1 (0 °C: a plausible temperature)
//!   and 0 in band 2, an alpha band (255 inside), as `gdalwarp -dstalpha` writes;
//! * `mask.tif`: one band, the border 0.0, and a GDAL mask band (0 on the border);
//! * `unmasked.tif`: band 1 of `alpha.tif` alone: the border is 0 °C and processed (the
//!   counterfactual that shows what the mask prevents).

mod common;

use std::path::{Path, PathBuf};

use common::{read_json, seamfire};
use gdal::raster::{Buffer, ColorInterpretation};

const N: usize = 120;
const BORDER: usize = 10;

fn inside(r: usize, c: usize) -> bool {
    (BORDER..N - BORDER).contains(&r) && (BORDER..N - BORDER).contains(&c)
}

fn celsius(r: usize, c: usize) -> f32 {
    let k = if (50..=52).contains(&r) && (50..=52).contains(&c) {
        304.0
    } else {
        290.0 + if (r + c).is_multiple_of(2) { 0.3 } else { -0.3 }
    };
    k - 273.15
}

/// A GeoTIFF of `bands` Float32 bands on the test grid, band `b` (1-based) from `value(b, r, c)`.
fn write(path: &Path, bands: usize, value: impl Fn(usize, usize, usize) -> f32) -> gdal::Dataset {
    let driver = gdal::DriverManager::get_driver_by_name("GTiff").unwrap();
    let mut ds = driver
        .create_with_band_type::<f32, _>(path, N, N, bands)
        .unwrap();
    ds.set_geo_transform(&[500_000.0, 30.0, 0.0, 4_400_000.0, 0.0, -30.0])
        .unwrap();
    ds.set_spatial_ref(&gdal::spatial_ref::SpatialRef::from_epsg(32649).unwrap())
        .unwrap();
    for b in 1..=bands {
        let values: Vec<f32> = (0..N * N).map(|i| value(b, i / N, i % N)).collect();
        let mut buf = Buffer::new((N, N), values);
        ds.rasterband(b)
            .unwrap()
            .write((0, 0), (N, N), &mut buf)
            .unwrap();
    }
    ds
}

fn scenes(dir: &Path) -> [PathBuf; 4] {
    let [declared, alpha, mask, unmasked] =
        ["declared", "alpha", "mask", "unmasked"].map(|n| dir.join(format!("{n}.tif")));
    let t = |r, c| if inside(r, c) { celsius(r, c) } else { 0.0 };

    let ds = write(&declared, 1, |_, r, c| {
        if inside(r, c) { celsius(r, c) } else { -9999.0 }
    });
    ds.rasterband(1)
        .unwrap()
        .set_no_data_value(Some(-9999.0))
        .unwrap();
    ds.close().unwrap();

    let ds = write(&alpha, 2, |b, r, c| match b {
        1 => t(r, c),
        _ => 255.0 * f32::from(u8::from(inside(r, c))),
    });
    ds.rasterband(2)
        .unwrap()
        .set_color_interpretation(ColorInterpretation::AlphaBand)
        .unwrap();
    ds.close().unwrap();

    let ds = write(&mask, 1, |_, r, c| t(r, c));
    let mut band = ds.rasterband(1).unwrap();
    band.create_mask_band(true).unwrap();
    let mut m = band.open_mask_band().unwrap();
    let flags: Vec<u8> = (0..N * N)
        .map(|i| 255 * u8::from(inside(i / N, i % N)))
        .collect();
    m.write((0, 0), (N, N), &mut Buffer::new((N, N), flags))
        .unwrap();
    ds.close().unwrap();

    write(&unmasked, 1, |_, r, c| t(r, c)).close().unwrap();
    [declared, alpha, mask, unmasked]
}

/// `detect --products none --input-unit celsius`, whole or in strips of `strips` rows:
/// (valid pixels, fire zones as (pixel count, max ΔT), stderr).
/// `detect --products none ARGS` (in strips of `strips` rows when given): valid pixels, fire
/// zones as (pixel count, max ΔT), stderr.
fn detect_with(
    input: &Path,
    out: &Path,
    strips: Option<usize>,
    args: &[&str],
) -> (u64, Vec<(u64, f64)>, String) {
    let mut cmd = seamfire();
    if let Some(rows) = strips {
        cmd.env("SEAMFIRE_DETECT_STRIP_ROWS", rows.to_string());
    }
    let res = common::run_ok(
        cmd.arg("detect")
            .arg(input)
            .args(["--products", "none"])
            .args(args)
            .arg("--out")
            .arg(out),
    );
    let rec = read_json(&out.join("detection.json"));
    (
        rec["methods"][0]["valid"].as_u64().unwrap(),
        common::fire_zones(out),
        String::from_utf8_lossy(&res.stderr).into_owned(),
    )
}

/// The scene in degrees Celsius.
fn detect(input: &Path, out: &Path, strips: Option<usize>) -> (u64, Vec<(u64, f64)>, String) {
    detect_with(input, out, strips, &["--input-unit", "celsius"])
}

#[test]
fn an_alpha_or_mask_band_is_the_valid_area() {
    let dir = tempfile::tempdir().unwrap();
    let [declared, alpha, mask, unmasked] = scenes(dir.path());
    let inner = ((N - 2 * BORDER) * (N - 2 * BORDER)) as u64;
    let (valid, reference, _) = detect(&declared, &dir.path().join("o_declared"), None);
    assert_eq!(valid, inner);
    assert_eq!(reference.len(), 1, "the 304 K block: {reference:?}");
    for (input, what) in [(&alpha, "alpha band"), (&mask, "mask band")] {
        for strips in [None, Some(32)] {
            let out = dir.path().join(format!("o_{what}_{strips:?}"));
            let (valid, zones, stderr) = detect(input, &out, strips);
            assert_eq!(valid, inner, "{what} {strips:?}");
            assert_eq!(zones, reference, "{what} {strips:?}");
            assert!(
                stderr.contains(&format!("its {what} marks transparent")),
                "{stderr}"
            );
            // The alpha band is not taken for a second thermal band.
            assert!(!stderr.contains("holds 2 bands"), "{stderr}");
        }
    }
    // Without its alpha band the border is 0 °C, a temperature, and processed.
    let (valid, _, _) = detect(&unmasked, &dir.path().join("o_unmasked"), None);
    assert_eq!(valid, (N * N) as u64);
}

#[test]
fn calibrate_writes_nodata_where_the_alpha_band_is_transparent() {
    let dir = tempfile::tempdir().unwrap();
    let [_, alpha, _, _] = scenes(dir.path());
    let out = dir.path().join("bt.tif");
    common::run_ok(
        seamfire()
            .arg("calibrate")
            .arg(&alpha)
            .args(["--input-unit", "celsius", "--out"])
            .arg(&out),
    );
    let bt = seamfire::io::read_band::<f32>(&out, 1).unwrap();
    for ((r, c), &v) in bt.data.indexed_iter() {
        if inside(r, c) {
            let want = f64::from(celsius(r, c)) + 273.15;
            assert!(
                (f64::from(v) - want).abs() < 1e-3,
                "({r}, {c}) {v} vs {want}"
            );
        } else {
            assert!(v.is_nan(), "({r}, {c}) {v} on the transparent border");
        }
    }
}

/// A Byte raster on the test grid, 1 on the 5 x 5 block around the hot block (rows and
/// columns 49–53), 255 (its nodata) on row 0, 0 elsewhere: an ECOSTRESS-style cloud mask.
fn write_cloud_mask(path: &Path, cols: usize) {
    let driver = gdal::DriverManager::get_driver_by_name("GTiff").unwrap();
    let mut ds = driver
        .create_with_band_type::<u8, _>(path, cols, N, 1)
        .unwrap();
    ds.set_geo_transform(&[500_000.0, 30.0, 0.0, 4_400_000.0, 0.0, -30.0])
        .unwrap();
    ds.set_spatial_ref(&gdal::spatial_ref::SpatialRef::from_epsg(32649).unwrap())
        .unwrap();
    let values: Vec<u8> = (0..N * cols)
        .map(|i| {
            let (r, c) = (i / cols, i % cols);
            if r == 0 {
                255
            } else {
                u8::from((49..=53).contains(&r) && (49..=53).contains(&c))
            }
        })
        .collect();
    let mut band = ds.rasterband(1).unwrap();
    band.write((0, 0), (cols, N), &mut Buffer::new((cols, N), values))
        .unwrap();
    band.set_no_data_value(Some(255.0)).unwrap();
    ds.close().unwrap();
}

#[test]
fn an_lst_product_s_cloud_mask_beside_it_or_a_mask_file_is_not_processed() {
    let dir = tempfile::tempdir().unwrap();
    // The scene in kelvin, everything valid, under an ECOSTRESS (AppEEARS) name.
    let lst = dir
        .path()
        .join("ECO_L2_LSTE.002_LST_doy2023183080644_aid0001.tif");
    write(&lst, 1, |_, r, c| celsius(r, c) + 273.15)
        .close()
        .unwrap();
    let (all, zones, _) = detect_kelvin(&lst, &dir.path().join("o_plain"));
    assert_eq!((all, zones.len()), ((N * N) as u64, 1), "the hot block");
    // Its cloud mask beside it: 25 cloudy pixels over the hot block; row 0 is the mask's
    // nodata, which masks nothing.
    write_cloud_mask(
        &dir.path()
            .join("ECO_L2_LSTE.002_cloud_mask_doy2023183080644_aid0001.tif"),
        N,
    );
    let (valid, zones, stderr) = detect_kelvin(&lst, &dir.path().join("o_sibling"));
    assert_eq!(valid, (N * N - 25) as u64, "{stderr}");
    assert!(zones.is_empty(), "the block is under the cloud: {zones:?}");
    assert!(stderr.contains("its cloud mask"), "{stderr}");

    // The same mask given with --mask to a raster of another name.
    let plain = dir.path().join("thermal.tif");
    std::fs::copy(&lst, &plain).unwrap();
    let other = dir.path().join("clouds.tif");
    write_cloud_mask(&other, N);
    let out = dir.path().join("o_mask");
    let args = ["--input-unit", "kelvin", "--mask", other.to_str().unwrap()];
    let (valid, zones, _) = detect_with(&plain, &out, None, &args);
    assert_eq!((valid, zones.len()), ((N * N - 25) as u64, 0));
    // calibrate flags them (64: a mask file) in its validity mask.
    let bt = dir.path().join("bt.tif");
    common::run_ok(
        seamfire()
            .arg("calibrate")
            .arg(&plain)
            .args(["--input-unit", "kelvin", "--mask"])
            .arg(&other)
            .arg("--out")
            .arg(&bt),
    );
    let flags = seamfire::io::read_band::<u8>(&dir.path().join("bt_mask.tif"), 1).unwrap();
    let flagged = flags
        .data
        .iter()
        .filter(|&&f| f == seamfire::raster::MaskReason::MASK_FILE)
        .count();
    assert_eq!(flagged, 25);

    // A mask on another grid is refused, naming it, and nothing is written.
    let narrow = dir.path().join("narrow.tif");
    write_cloud_mask(&narrow, N - 1);
    let out = dir.path().join("o_narrow");
    let res = seamfire()
        .arg("detect")
        .arg(&plain)
        .args(["--products", "none", "--input-unit", "kelvin", "--mask"])
        .arg(&narrow)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(!res.status.success());
    assert!(String::from_utf8_lossy(&res.stderr).contains("narrow.tif"));
    assert!(!out.exists());
}

fn detect_kelvin(input: &Path, out: &Path) -> (u64, Vec<(u64, f64)>, String) {
    detect_with(input, out, None, &["--input-unit", "kelvin"])
}

#[test]
fn a_pipeline_scene_names_its_mask_and_validate_checks_its_grid() {
    let dir = tempfile::tempdir().unwrap();
    let t = ndarray::Array2::from_shape_fn((N, N), |(r, c)| celsius(r, c) + 273.15);
    common::write_utm_raster(
        &dir.path().join("thermal.tif"),
        t,
        30.0,
        seamfire::raster::Unit::Kelvin,
        None,
    );
    write_cloud_mask(&dir.path().join("clouds.tif"), N);
    write_cloud_mask(&dir.path().join("narrow.tif"), N - 1);
    let pipeline = |mask: &str| {
        let p = dir.path().join(format!("survey_{mask}"));
        std::fs::write(
            &p,
            format!(
                "name = \"t\"\noutput = \"out\"\nproducts = [\"rasters\", \"vectors\"]\n\
                 [[scene]]\npath = \"thermal.tif\"\nid = \"masked\"\nmask = \"{mask}\"\n\
                 [[scene]]\npath = \"thermal.tif\"\nid = \"plain\"\n"
            ),
        )
        .unwrap();
        p
    };
    let good = pipeline("clouds.tif");
    common::run_ok(seamfire().arg("validate").arg(&good));
    common::run_ok(seamfire().arg("run").arg(&good));
    let valid = |id: &str| {
        let out = dir.path().join("out").join(id);
        let rec = read_json(&out.join("detection.json"));
        (
            rec["methods"][0]["valid"].as_u64().unwrap(),
            common::fire_zones(&out).len(),
        )
    };
    assert_eq!(valid("masked"), ((N * N - 25) as u64, 0));
    assert_eq!(valid("plain"), ((N * N) as u64, 1));
    let res = seamfire()
        .arg("validate")
        .arg(pipeline("narrow.tif"))
        .output()
        .unwrap();
    assert!(!res.status.success());
    let err = String::from_utf8_lossy(&res.stderr);
    assert!(
        err.contains("scene masked") && err.contains("narrow.tif"),
        "{err}"
    );
}

#[test]
fn a_shore_next_to_masked_water_is_not_a_fire() {
    // A night scene under an ECOSTRESS name with its water mask beside it: land at 290 K
    // (± 0.3 K), a lake (rows and columns 30–59) warmer at 296 K, its ring of shore pixels at
    // 294 K (part water), and the 304 K block at rows and columns 80–82, far from the lake.
    let dir = tempfile::tempdir().unwrap();
    let lake = |r: usize, c: usize| (30..60).contains(&r) && (30..60).contains(&c);
    let shore = |r: usize, c: usize| !lake(r, c) && (29..61).contains(&r) && (29..61).contains(&c);
    let lst = dir
        .path()
        .join("ECO_L2_LSTE.002_LST_doy2023190054140_aid0001.tif");
    write(&lst, 1, |_, r, c| {
        if lake(r, c) {
            296.0
        } else if shore(r, c) {
            294.0
        } else if (80..=82).contains(&r) && (80..=82).contains(&c) {
            304.0
        } else {
            290.0 + if (r + c).is_multiple_of(2) { 0.3 } else { -0.3 }
        }
    })
    .close()
    .unwrap();
    let mask = dir
        .path()
        .join("ECO_L2_LSTE.002_water_mask_doy2023190054140_aid0001.tif");
    write(&mask, 1, |_, r, c| f32::from(u8::from(lake(r, c))))
        .close()
        .unwrap();
    let (valid, zones, stderr) = detect_kelvin(&lst, &dir.path().join("o"));
    assert_eq!(
        valid,
        (N * N - 900) as u64,
        "the lake is not processed: {stderr}"
    );
    assert!(stderr.contains("its water mask"), "{stderr}");
    assert_eq!(zones.len(), 1, "the block alone, not the shore: {zones:?}");
    assert_eq!(zones[0].0, 9);
    // Without dropping the shore, its 124 pixels are evidence too.
    let (_, zones, _) = detect_with(
        &lst,
        &dir.path().join("o_shore"),
        None,
        &["--input-unit", "kelvin", "-p", "drop_shore=false"],
    );
    assert!(zones.len() > 1, "{zones:?}");
}

#[test]
fn a_pipeline_scene_says_how_to_read_a_raster_without_a_unit() {
    // The scene in degrees Celsius without a unit tag: a pipeline names the unit per scene, as
    // `detect --input-unit` does; the unit is part of the scene's parameters, so changing it
    // reprocesses the scene (here into a refusal: the same values read as kelvin).
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("c.tif"), 1, |_, r, c| celsius(r, c))
        .close()
        .unwrap();
    let pipeline = |unit: &str| {
        let p = dir.path().join("survey.toml");
        std::fs::write(
            &p,
            format!(
                "name = \"t\"\noutput = \"out\"\nproducts = [\"rasters\", \"vectors\"]\n\
                 [[scene]]\npath = \"c.tif\"\nid = \"c\"\n{unit}"
            ),
        )
        .unwrap();
        p
    };
    let outcome = || common::outcome_of(&dir.path().join("out"))["c"].clone();
    let res = seamfire().arg("run").arg(pipeline("")).output().unwrap();
    assert!(!res.status.success(), "no unit: the scene fails");
    assert_eq!(outcome(), "failed");
    common::run_ok(
        seamfire()
            .arg("run")
            .arg(pipeline("input_unit = \"celsius\"")),
    );
    assert_eq!(outcome(), "done");
    let out = dir.path().join("out/c");
    let rec = read_json(&out.join("detection.json"));
    assert_eq!(rec["methods"][0]["valid"].as_u64(), Some((N * N) as u64));
    assert_eq!(common::fire_zones(&out).len(), 1, "the 304 K block");
    common::run_ok(
        seamfire()
            .arg("run")
            .arg(pipeline("input_unit = \"celsius\"")),
    );
    assert_eq!(outcome(), "skipped", "unchanged");
    let res = seamfire()
        .arg("run")
        .arg(pipeline("input_unit = \"kelvin\""))
        .output()
        .unwrap();
    assert!(!res.status.success());
    assert_eq!(
        outcome(),
        "failed",
        "reprocessed with the new unit, and refused"
    );
    // Radiance needs K1 and K2: a usage error naming the file.
    let res = seamfire()
        .arg("validate")
        .arg(pipeline("input_unit = \"radiance\"\nk1 = 774.9"))
        .output()
        .unwrap();
    assert_eq!(res.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&res.stderr).contains("survey.toml"));
}

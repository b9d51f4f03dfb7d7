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
fn detect(input: &Path, out: &Path, strips: Option<usize>) -> (u64, Vec<(u64, f64)>, String) {
    let mut cmd = seamfire();
    if let Some(rows) = strips {
        cmd.env("SEAMFIRE_DETECT_STRIP_ROWS", rows.to_string());
    }
    let res = cmd
        .arg("detect")
        .arg(input)
        .args(["--products", "none", "--input-unit", "celsius", "--out"])
        .arg(out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&res.stderr).into_owned();
    assert!(res.status.success(), "{}: {stderr}", input.display());
    let rec = read_json(&out.join("detection.json"));
    (
        rec["methods"][0]["valid"].as_u64().unwrap(),
        common::fire_zones(out),
        stderr,
    )
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

//! `seamfire synth --mosaic` streams a drone mosaic, and `seamfire calibrate` streams it back:
//! the mosaic's values survive the generic Kelvin calibration bit for bit, whatever the
//! `--memory-limit` (strip height), and the mosaic equals the pure generator's output.

mod common;

use std::path::Path;

use common::{listing, seamfire};
use seamfire::raster::PixelWindow;
use seamfire::synth::mosaic::{MosaicParams, mosaic_block};

fn run_ok(args: &[&str], out: &Path) {
    let o = seamfire().args(args).arg(out).output().unwrap();
    assert!(
        o.status.success(),
        "seamfire {args:?} failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn mosaic_round_trips_through_streamed_calibration() {
    let dir = tempfile::tempdir().unwrap();
    let m = dir.path().join("m");
    // 3000 x 700: neither a multiple of the 256-row strips nor of the COG tiles.
    run_ok(
        &[
            "synth", "--mosaic", "--size", "3000x700", "--seed", "3", "--out",
        ],
        &m,
    );
    assert_eq!(listing(&m), ["mosaic.tif", "mosaic_vents.json"]);
    let mosaic = seamfire::io::read_band::<f32>(&m.join("mosaic.tif"), 1).unwrap();
    assert_eq!(mosaic.georef.epsg, Some(32648));
    assert_eq!(mosaic.georef.transform.0[1], 0.25);
    assert!(mosaic.nodata.unwrap().is_nan());
    let expect = mosaic_block(
        &MosaicParams {
            seed: 3,
            shape: (700, 3000),
            pixel_m: 0.25,
        },
        PixelWindow::full((700, 3000)),
    );
    let same = |a: &ndarray::Array2<f32>, b: &ndarray::Array2<f32>| {
        a.dim() == b.dim()
            && a.iter()
                .zip(b.iter())
                .all(|(x, y)| x.to_bits() == y.to_bits())
    };
    let diff = mosaic
        .data
        .indexed_iter()
        .find(|(i, v)| v.to_bits() != expect[*i].to_bits());
    assert!(
        diff.is_none(),
        "{diff:?} vs {:?}",
        diff.map(|(i, _)| expect[i])
    );
    let vents: serde_json::Value =
        serde_json::from_slice(&std::fs::read(m.join("mosaic_vents.json")).unwrap()).unwrap();
    assert!(!vents["vents"].as_array().unwrap().is_empty());

    // 128M leaves 32 MiB for strips after GDAL's cache (32 MiB) and the fixed 64 MiB: less
    // than two waves of two 256-row strips (4 x 3000 px x 16 B x 256 rows = 49 MB), so strips
    // are one tile row, the minimum; the default limit gives each worker one strip of 512 rows
    // (700 rows / 2, rounded up to tiles). Same file either way.
    let mut files = Vec::new();
    for (limit, rows) in [(None, "block_rows=512"), (Some("128M"), "block_rows=256")] {
        let out = dir
            .path()
            .join(format!("bt-{}.tif", limit.unwrap_or("default")));
        let mut owned: Vec<String> = Vec::new();
        if let Some(l) = limit {
            owned.extend(["--memory-limit".to_string(), l.to_string()]);
        }
        let o = seamfire()
            .env("SEAMFIRE_LOG", "seamfire=debug")
            .env("RAYON_NUM_THREADS", "2")
            .arg("calibrate")
            .arg(m.join("mosaic.tif"))
            .args(&owned)
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        let log = String::from_utf8_lossy(&o.stderr);
        assert!(o.status.success(), "{log}");
        assert!(log.contains(rows), "{limit:?}: {log}");
        let bt = seamfire::io::read_band::<f32>(&out, 1).unwrap();
        assert!(same(&bt.data, &mosaic.data));
        files.push(std::fs::read(&out).unwrap());
    }
    assert_eq!(files[0], files[1]);
}

#[test]
fn a_memory_limit_that_is_not_a_size_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("bt.tif");
    let o = seamfire()
        .args(["calibrate", "x.tif", "--memory-limit", "lots", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("not a size"));
    assert!(!out.exists());
}

//! `seamfire calibrate`: one band to a physical-unit COG.

use serde::Serialize;

use super::args::CalibrateArgs;
use crate::error::{Error, Result};
use crate::io::{self, CogOptions};
use crate::raster::Raster;
use crate::scene::open_scene;
use crate::stage::{CalibrateOptions, calibrate_scene};

/// Summary printed after a calibration (also its `--json` schema).
#[derive(Debug, Serialize)]
pub struct CalibrateReport {
    pub output: String,
    pub mask: Option<String>,
    pub band: String,
    pub quantity: String,
    pub valid_pixels: usize,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub mean: Option<f64>,
    pub constants: serde_json::Value,
    pub warnings: Vec<String>,
}

/// `<stem>_mask.tif` beside `out`.
fn mask_path(out: &std::path::Path) -> std::path::PathBuf {
    let stem = out
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    out.with_file_name(format!("{stem}_mask.tif"))
}

fn stats(r: &Raster<f32>) -> (usize, Option<f64>, Option<f64>, Option<f64>) {
    let (mut n, mut sum, mut lo, mut hi) = (0usize, 0f64, f64::INFINITY, f64::NEG_INFINITY);
    for &v in r.data.iter().filter(|v| !v.is_nan()) {
        let v = f64::from(v);
        n += 1;
        sum += v;
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if n == 0 {
        (0, None, None, None)
    } else {
        (n, Some(lo), Some(hi), Some(sum / n as f64))
    }
}

pub fn run(a: &CalibrateArgs) -> Result<()> {
    let generic = a.generic.request()?;
    let scene = open_scene(&a.input.input, a.input.mtl.as_deref())?;
    let opts = CalibrateOptions {
        band: a.band.clone(),
        lst: a.lst,
        generic,
    };
    let cal = calibrate_scene(&scene, &opts)?;
    for w in &cal.warnings {
        tracing::warn!("{w}");
    }
    if let Some(dir) = a.out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    let cog = CogOptions {
        description: Some(cal.quantity.label().to_string()),
        ..CogOptions::default()
    };
    let mut staged = vec![io::stage_cog(&cal.raster, &a.out, &cog)?];
    let mask_out = cal.mask.as_ref().map(|_| mask_path(&a.out));
    if let (Some(mask), Some(path)) = (&cal.mask, &mask_out) {
        let r = Raster {
            data: mask.flags.clone(),
            georef: cal.raster.georef.clone(),
            nodata: None,
            unit: crate::raster::Unit::Other("flags".into()),
        };
        let opts = CogOptions {
            resampling: "NEAREST",
            description: Some(
                "validity flags: 0 valid; 1 fill, 2 cloud, 4 shadow, 8 water, 16 cirrus".into(),
            ),
        };
        staged.push(io::stage_cog(&r, path, &opts)?);
    }
    io::commit_all(staged)?;
    let (valid_pixels, min, max, mean) = stats(&cal.raster);
    let report = CalibrateReport {
        output: a.out.display().to_string(),
        mask: mask_out.map(|p| p.display().to_string()),
        band: cal.band.clone(),
        quantity: cal.quantity.label().to_string(),
        valid_pixels,
        min,
        max,
        mean,
        constants: cal.constants.clone(),
        warnings: cal.warnings.clone(),
    };
    if a.json {
        return super::print_json(&report);
    }
    if super::quiet() {
        return Ok(());
    }
    let f = |v: Option<f64>| v.map_or("-".into(), |v| format!("{v:.3}"));
    println!(
        "wrote {} — band {}, {}",
        report.output, report.band, report.quantity
    );
    println!(
        "  {} valid pixels, min {} max {} mean {}",
        valid_pixels,
        f(min),
        f(max),
        f(mean)
    );
    if let Some(m) = &report.mask {
        println!("  validity mask {m}");
    }
    Ok(())
}

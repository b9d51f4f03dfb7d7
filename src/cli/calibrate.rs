//! `seamfire calibrate`: one band to a physical-unit COG.

use serde::Serialize;

use super::args::CalibrateArgs;
use crate::error::{Error, Result};
use crate::io::{self, CogOptions};
use crate::scene::open_scene;
use crate::stage::{
    CalibrateOptions, StreamOptions, calibrate_streamed, plan_calibration, plan_strips,
};

use super::memory;

/// Rasters from this many pixels on get a progress bar (smaller ones finish in about a second).
const PROGRESS_MIN_PX: usize = 16 << 20;

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

pub fn run(a: &CalibrateArgs) -> Result<()> {
    let generic = a.generic.request()?;
    let scene = open_scene(&a.input.input, a.input.mtl.as_deref())?;
    let opts = CalibrateOptions {
        band: a.band.clone(),
        lst: a.lst,
        generic,
        spectral_water: !a.no_spectral_water,
        mask: a.generic.mask.clone(),
    };
    let plan = plan_calibration(&scene, &opts)?;
    for w in &plan.warnings {
        tracing::warn!("{w}");
    }
    let created = match a.out.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(dir) => created_dirs(dir)?,
        None => Vec::new(),
    };
    let result = write(a, &plan);
    if result.is_err() {
        // A failed run leaves nothing behind, not even the folders it made (deepest first;
        // `remove_dir` only removes empty ones).
        for d in created.iter().rev() {
            let _ = std::fs::remove_dir(d);
        }
    }
    result
}

/// Creates `dir` and its missing parents; returns the ones it created, outermost first.
fn created_dirs(dir: &std::path::Path) -> Result<Vec<std::path::PathBuf>> {
    let mut missing: Vec<std::path::PathBuf> = dir
        .ancestors()
        .take_while(|d| !d.as_os_str().is_empty() && !d.exists())
        .map(std::path::Path::to_path_buf)
        .collect();
    missing.reverse();
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    Ok(missing)
}

/// Calibrates in strips, writes and commits the products, prints the summary.
fn write(a: &CalibrateArgs, plan: &crate::stage::CalibrationPlan) -> Result<()> {
    let cog = CogOptions {
        description: Some(plan.quantity.label().to_string()),
        predictor: plan.predictor,
        ..CogOptions::default()
    };
    let mask_out = plan.has_mask().then(|| mask_path(&a.out));
    let mask_opts = CogOptions {
        resampling: "NEAREST",
        description: Some(
            "validity flags: 0 valid; 1 fill, 2 cloud, 4 shadow, 8 water, 16 cirrus".into(),
        ),
        ..CogOptions::default()
    };
    let memory_limit_bytes = memory::resolve(a.memory_limit);
    let (rows, cols) = plan.shape;
    let stream = StreamOptions {
        memory_limit_bytes,
        block_rows: None,
        in_flight: None,
        progress: super::progress_allowed() && rows * cols >= PROGRESS_MIN_PX,
    };
    let in_flight = rayon::current_num_threads();
    let strips = plan_strips(
        plan.shape,
        plan.bytes_per_block_px(),
        in_flight,
        memory_limit_bytes,
    );
    io::set_gdal_cache_bytes(strips.gdal_cache_bytes);
    let out = calibrate_streamed(
        plan,
        (&a.out, &cog),
        mask_out.as_deref().map(|p| (p, &mask_opts)),
        &stream,
    )?;
    tracing::debug!(
        memory_limit_mib = memory_limit_bytes >> 20,
        block_rows = out.block_rows,
        strips = out.blocks,
        "calibrated in strips"
    );
    io::commit_all(out.staged)?;
    let stats = out.stats;
    let (valid_pixels, min, max, mean) =
        (stats.valid_pixels, stats.min(), stats.max(), stats.mean());
    let report = CalibrateReport {
        output: a.out.display().to_string(),
        mask: mask_out.map(|p| p.display().to_string()),
        band: plan.band.clone(),
        quantity: plan.quantity.label().to_string(),
        valid_pixels,
        min,
        max,
        mean,
        constants: plan.constants.clone(),
        warnings: plan.warnings.clone(),
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

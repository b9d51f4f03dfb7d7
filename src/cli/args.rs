//! Argument definitions (clap derive). Help text here is the user documentation of each flag.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// seamfire: finds coal-seam fires in thermal-infrared and optical imagery.
#[derive(Debug, Parser)]
#[command(version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Log format on stderr: `text` for people, `json` (one object per line) for schedulers.
    #[arg(long, value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,
    /// Only print errors.
    #[arg(long, short, global = true)]
    pub quiet: bool,
}

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Identify a scene: sensor, collection, level, date, day/night, bands, grid and CRS.
    Info(InfoArgs),
    /// Write brightness temperature (K), LST, or reflectance of one band as a COG.
    Calibrate(CalibrateArgs),
    /// Flag thermal anomalies and active fires, group them into fire zones.
    Detect(super::detect::DetectArgs),
    /// Map products of a detect output directory: thermal map, orthophotos, sheets, QGIS project.
    Render(super::render::RenderArgs),
    /// Generate a Landsat-8-like scene with planted coal-fire anomalies and its truth.
    Synth(super::synth::SynthArgs),
    /// Score a detection configuration on scenes with planted anomalies (docs/accuracy.md).
    Accuracy(super::accuracy::AccuracyArgs),
    /// Run a survey pipeline file: every scene, incrementally, then the season outputs.
    Run(super::pipeline::RunArgs),
    /// Check a pipeline file (files, grids, CRSs, parameters) without processing.
    Validate(super::pipeline::ValidateArgs),
    /// Build the season outputs from the scene directories of an output root (after shards).
    Merge(super::pipeline::MergeArgs),
    /// Fire-risk assessment report of a run: report.html/.pdf, CSV tables, atlas.pdf, STAC catalog.
    Report(super::report::ReportArgs),
}

/// Where a scene comes from.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// A Landsat product directory, a USGS .tar/.tar.gz package, a band file next to its MTL,
    /// an ASTER L1T TIR band, or any thermal GeoTIFF.
    pub input: PathBuf,
    /// The MTL metadata file to use, whatever the file names are.
    #[arg(long)]
    pub mtl: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct InfoArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Print JSON instead of a readable summary.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct CalibrateArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Output GeoTIFF (Cloud Optimized, Float32, nodata NaN). A validity mask
    /// `<name>_mask.tif` is written beside it when the scene has a QA band.
    #[arg(long, short)]
    pub out: PathBuf,
    /// Band to calibrate: `10`, `B10`, `6_VCID_1`, `ST_B10`, `4` (optical → reflectance).
    /// Default: the scene's thermal band.
    #[arg(long)]
    pub band: Option<String>,
    /// Land-surface temperature (NDVI-threshold emissivity, single-channel correction) instead
    /// of brightness temperature; needs the red and NIR bands.
    #[arg(long)]
    pub lst: bool,
    /// Unit of a generic raster (no MTL) after `--scale`/`--offset`. Default: the band's unit tag.
    #[arg(long, value_enum)]
    pub input_unit: Option<InputUnit>,
    /// Multiply generic raster values by this before reading them in `--input-unit`.
    #[arg(long, default_value_t = 1.0)]
    pub scale: f64,
    /// Add this to generic raster values (after `--scale`).
    #[arg(long, default_value_t = 0.0, allow_negative_numbers = true)]
    pub offset: f64,
    /// K1 (W m-2 sr-1 um-1) for `--input-unit radiance`.
    #[arg(long)]
    pub k1: Option<f64>,
    /// K2 (K) for `--input-unit radiance`.
    #[arg(long)]
    pub k2: Option<f64>,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Unit of a generic thermal raster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InputUnit {
    Kelvin,
    Celsius,
    Radiance,
}

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
    Detect(Box<super::detect::DetectArgs>),
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
    /// Do not mask water by its spectral test (MNDWI > 0 and NDVI < 0 from the green, red,
    /// NIR and SWIR1 bands), which a temperature's mask gets when the QA band has no water bit
    /// or is missing and those bands are present.
    #[arg(long)]
    pub no_spectral_water: bool,
    #[command(flatten)]
    pub generic: GenericArgs,
    /// Memory the calibration may use (`512M`, `2G`): sizes the strips read, calibrated and
    /// written at once, and GDAL's block cache. Default: 1 GiB, or half the memory available at start if that is less.
    #[arg(long, value_parser = super::memory::parse_size, value_name = "SIZE")]
    pub memory_limit: Option<u64>,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

/// How to read a generic thermal raster (no Landsat MTL): a drone radiometric mosaic, an LST
/// product. Without them the band's unit tag and its GDAL scale/offset are used.
#[derive(Debug, Clone, Args, Default)]
pub struct GenericArgs {
    /// Unit of a generic raster (no MTL) after scale and offset. Default: the band's unit tag.
    #[arg(long, value_enum)]
    pub input_unit: Option<crate::calibrate::InputUnit>,
    /// Scale of a generic raster's values (`value = raw · scale + offset`). Default: the band's
    /// GDAL scale metadata (e.g. 0.02 for ECOSTRESS LST), else 1.
    #[arg(long)]
    pub scale: Option<f64>,
    /// Offset added after `--scale`. Default: the band's GDAL offset metadata, else 0.
    #[arg(long, allow_negative_numbers = true)]
    pub offset: Option<f64>,
    /// K1 (W m-2 sr-1 um-1) for `--input-unit radiance`.
    #[arg(long)]
    pub k1: Option<f64>,
    /// K2 (K) for `--input-unit radiance`.
    #[arg(long)]
    pub k2: Option<f64>,
    /// A mask raster on the thermal band's grid: pixels where it is non-zero (and not its
    /// nodata) are not processed (a cloud mask of an LST product, an Fmask, a hand-made mask).
    /// An LST product's own `cloud_mask`/`water_mask` beside it are used without it.
    #[arg(long, value_name = "FILE")]
    pub mask: Option<std::path::PathBuf>,
}

impl GenericArgs {
    /// The request these arguments make (errors on `radiance` without K1/K2).
    pub fn request(&self) -> crate::error::Result<crate::calibrate::GenericRequest> {
        use crate::calibrate::{GenericRequest, RequestError};
        use crate::error::Error;
        GenericRequest::from_parts(self.input_unit, self.scale, self.offset, self.k1, self.k2)
            .map_err(|e| {
                Error::Usage(
                    match e {
                        RequestError::ConstantsNeedRadiance => {
                            "--k1/--k2 need --input-unit radiance"
                        }
                        RequestError::RadianceNeedsConstants => {
                            "--input-unit radiance needs --k1 and --k2"
                        }
                    }
                    .into(),
                )
            })
    }
}

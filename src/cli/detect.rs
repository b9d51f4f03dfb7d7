//! `seamfire detect`: anomalies, fire zones and the detection record of one scene.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::detect::config::{DetectConfig, ThermalChoice};
use crate::detect::{DetectionStats, confidence};
use crate::error::{Error, Result};
use crate::io::{self, CogOptions};
use crate::raster::{Georef, Raster, Unit};
use crate::scene::{Scene, open_scene};
use crate::stage::{SceneDetection, Timing, detect_scenes};

/// Arguments of `seamfire detect`.
#[derive(Debug, clap::Args)]
pub struct DetectArgs {
    /// Thermal scene and/or OLI optical scenes on the same grid (each as for `seamfire info`).
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Output directory (created if needed).
    #[arg(long, short)]
    pub out: PathBuf,
    /// Thermal method: contextual, multiscale, ksigma, otsu, off. Overrides the config file.
    #[arg(long, value_enum)]
    pub method: Option<MethodArg>,
    /// TOML file with a `[detect]` table (`[detect.contextual]`, `[detect.swir]`, …).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Parameter override, e.g. `--param contextual.k=4.5` (repeatable).
    #[arg(long = "param", short = 'p', value_name = "KEY=VALUE")]
    pub params: Vec<String>,
    /// Polygon file (GeoJSON, GeoPackage, …; any CRS) limiting processing to an area.
    #[arg(long)]
    pub aoi: Option<PathBuf>,
    /// Detect on land-surface temperature instead of brightness temperature.
    #[arg(long)]
    pub lst: bool,
    /// Do not run the SWIR active-fire test.
    #[arg(long)]
    pub no_swir: bool,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Thermal method names on the command line.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum MethodArg {
    Contextual,
    Multiscale,
    Ksigma,
    Otsu,
    Off,
}

/// `detection.json`.
#[derive(Debug, Serialize)]
pub struct DetectionRecord<'a> {
    pub seamfire_version: &'static str,
    pub inputs: Vec<String>,
    /// What `bt.tif` holds (`brightness temperature (K)`, `land-surface temperature (K)`, …).
    pub temperature: Option<&'static str>,
    pub day: Option<bool>,
    pub config: &'a DetectConfig,
    pub grid: GridRecord,
    pub methods: Vec<MethodRecord>,
    /// Pixels per merged class.
    pub anomaly_pixels: ClassCounts,
    pub zones: &'a [crate::detect::cluster::FireZone],
    pub timings: &'a [Timing],
    pub warnings: &'a [String],
}

/// The grid of every raster output.
#[derive(Debug, Serialize)]
pub struct GridRecord {
    pub width: usize,
    pub height: usize,
    pub geotransform: [f64; 6],
    pub epsg: Option<u32>,
    pub pixel_area_m2: f64,
}

/// Counts of one method.
#[derive(Debug, Serialize)]
pub struct MethodRecord {
    pub method: &'static str,
    #[serde(flatten)]
    pub stats: DetectionStats,
}

/// Pixels per class of `anomaly.tif`.
#[derive(Debug, Default, Serialize)]
pub struct ClassCounts {
    pub none: usize,
    pub low: usize,
    pub nominal: usize,
    pub high: usize,
    pub not_processed: usize,
}

fn config(a: &DetectArgs) -> Result<DetectConfig> {
    let mut cfg = match &a.config {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
            DetectConfig::from_toml(&text, &path.display().to_string(), &a.params)?
        }
        None => DetectConfig::with_overrides(&a.params)?,
    };
    if let Some(m) = a.method {
        apply_method(&mut cfg, m);
    }
    cfg.lst |= a.lst;
    cfg.swir_enabled &= !a.no_swir;
    Ok(cfg)
}

/// Sets the thermal method chosen on the command line.
pub fn apply_method(cfg: &mut DetectConfig, m: MethodArg) {
    cfg.thermal = match m {
        MethodArg::Contextual => ThermalChoice::Contextual,
        MethodArg::Multiscale => ThermalChoice::Multiscale,
        MethodArg::Ksigma => ThermalChoice::Ksigma,
        MethodArg::Otsu => ThermalChoice::Otsu,
        MethodArg::Off => ThermalChoice::Off,
    };
}

fn counts(anomaly: &ndarray::Array2<u8>) -> ClassCounts {
    let mut c = ClassCounts::default();
    for &k in anomaly {
        match k {
            confidence::NONE => c.none += 1,
            confidence::LOW => c.low += 1,
            confidence::NOMINAL => c.nominal += 1,
            confidence::HIGH => c.high += 1,
            _ => c.not_processed += 1,
        }
    }
    c
}

/// Fills the zones' WGS84 centroids.
fn add_lonlat(det: &mut SceneDetection) -> Result<()> {
    let xy: Vec<(f64, f64)> = det
        .zones
        .iter()
        .map(|z| (z.centroid_x, z.centroid_y))
        .collect();
    if xy.is_empty() || (det.georef.crs_wkt.is_empty() && det.georef.epsg.is_none()) {
        return Ok(());
    }
    for (z, (lon, lat)) in det.zones.iter_mut().zip(io::to_lonlat(&det.georef, &xy)?) {
        z.centroid_lon = Some(lon);
        z.centroid_lat = Some(lat);
    }
    Ok(())
}

/// Writes `bt.tif`, `anomaly.tif` and `detection.json` into `dir`, all or nothing.
fn write_outputs(
    dir: &Path,
    det: &SceneDetection,
    record: &DetectionRecord,
) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut staged = Vec::new();
    if let Some(t) = &det.temperature {
        let opts = CogOptions {
            description: Some(t.quantity.label().into()),
            ..Default::default()
        };
        staged.push(io::stage_cog(&t.raster, &dir.join("bt.tif"), &opts)?);
    }
    let anomaly = Raster {
        data: det.anomaly.clone(),
        georef: det.georef.clone(),
        nodata: Some(255.0),
        unit: Unit::Other("class".into()),
    };
    let opts = CogOptions {
        resampling: "NEAREST",
        description: Some(
            "anomaly confidence: 0 none, 1 low, 2 nominal, 3 high, 255 not processed".into(),
        ),
    };
    staged.push(io::stage_cog(&anomaly, &dir.join("anomaly.tif"), &opts)?);
    let json = serde_json::to_vec_pretty(record).map_err(|e| Error::Usage(e.to_string()))?;
    let json_path = dir.join("detection.json");
    let tmp = io::staging_path(&json_path);
    std::fs::write(&tmp, json).map_err(|e| Error::io(&json_path, e))?;
    staged.push(io::Staged::new(tmp, json_path));
    io::commit_all(staged)
}

fn grid_record(g: &Georef, shape: (usize, usize)) -> GridRecord {
    GridRecord {
        width: shape.1,
        height: shape.0,
        geotransform: g.transform.0,
        epsg: g.epsg,
        pixel_area_m2: g.transform.pixel_area(),
    }
}

pub fn run(a: &DetectArgs) -> Result<()> {
    let cfg = config(a)?;
    let scenes: Vec<Scene> = a
        .inputs
        .iter()
        .map(|p| open_scene(p, None))
        .collect::<Result<_>>()?;
    let mut det = detect_scenes(&scenes, &cfg, a.aoi.as_deref())?;
    add_lonlat(&mut det)?;
    for w in &det.warnings {
        tracing::warn!("{w}");
    }
    let record = DetectionRecord {
        seamfire_version: env!("CARGO_PKG_VERSION"),
        inputs: a.inputs.iter().map(|p| p.display().to_string()).collect(),
        temperature: det.temperature.as_ref().map(|t| t.quantity.label()),
        day: det.day,
        config: &cfg,
        grid: grid_record(&det.georef, det.anomaly.dim()),
        methods: det
            .methods
            .iter()
            .map(|(m, s)| MethodRecord {
                method: m.name(),
                stats: *s,
            })
            .collect(),
        anomaly_pixels: counts(&det.anomaly),
        zones: &det.zones,
        timings: &det.timings,
        warnings: &det.warnings,
    };
    let written = write_outputs(&a.out, &det, &record)?;
    if a.json {
        return super::print_json(&record);
    }
    let c = &record.anomaly_pixels;
    println!("wrote {} files to {}", written.len(), a.out.display());
    for m in &record.methods {
        println!(
            "  {:<11} valid {} candidates {} flagged {} unresolved {}",
            m.method, m.stats.valid, m.stats.candidates, m.stats.flagged, m.stats.unresolved
        );
    }
    println!(
        "  anomaly pixels: {} high, {} nominal, {} low; {} fire zones",
        c.high,
        c.nominal,
        c.low,
        det.zones.len()
    );
    Ok(())
}

//! `seamfire detect`: anomalies, fire zones, their vector layers (hotspots, zone polygons,
//! known-fire inventory, hazard context) and the detection record of one scene
//! (`docs/outputs.md`).

use std::path::PathBuf;

use crate::detect::config::{DetectConfig, ThermalChoice};
use crate::error::{Error, Result};
use crate::scene::{Scene, open_scene};
use crate::stage::products::{DetectJob, detect_and_render};
use crate::vector::RiskParams;

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
    /// TOML file with a `[detect]` table (`[detect.contextual]`, `[detect.swir]`, …) and an
    /// optional `[risk]` table (risk-class rule of fire zones, see docs/outputs.md).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Parameter override, e.g. `--param contextual.k=4.5`; `risk.` keys set the `[risk]` table,
    /// e.g. `--param risk.delta_k=[1,3,6]` (repeatable).
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
    /// Polygons of known burning zones (GeoJSON, GeoPackage, …; any CRS) with an id attribute
    /// (`id`, `zone_id`, `known_zone_id`, `fire_id` or `known_id`; else the feature id) and a
    /// name (`name`, `zone_name`, `known_zone_name` or `fire_name`). Labels every hotspot and
    /// zone `known` or `new` and writes `known_zones.geojson`.
    #[arg(long)]
    pub known_fires: Option<PathBuf>,
    /// An anomaly within this distance (m) of a known zone is `known`.
    #[arg(long, default_value_t = 100.0, allow_negative_numbers = true)]
    pub known_buffer_m: f64,
    /// Known non-fire heat sources: refineries, power plants, steel works, gas flares (points,
    /// lines or polygons; any format and CRS GDAL reads; id and name attributes as for
    /// `--known-fires`). Anomalies in or near them get status `excluded`: kept in the layers,
    /// but not new anomalies, map sheets or report lines.
    #[arg(long)]
    pub exclude: Option<PathBuf>,
    /// An anomaly within this distance (m) of an excluded site is `excluded`.
    #[arg(long, default_value_t = 100.0, allow_negative_numbers = true)]
    pub exclude_buffer_m: f64,
    /// Road lines or polygons (any format and CRS GDAL reads): `dist_road_m` of each zone.
    #[arg(long)]
    pub roads: Option<PathBuf>,
    /// Rivers and water bodies: `dist_water_m` of each zone.
    #[arg(long)]
    pub water: Option<PathBuf>,
    /// Buildings (polygons or points): `dist_building_m` of each zone.
    #[arg(long)]
    pub buildings: Option<PathBuf>,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
    /// Memory detection may use (`512M`, `2G`). A single thermal scene whose whole-raster
    /// detection would not fit is detected in strips sized to it (docs/performance.md,
    /// "Streamed detect"). Default: 1 GiB, or half the memory available at start if that is less.
    #[arg(long, value_parser = super::memory::parse_size, value_name = "SIZE")]
    pub memory_limit: Option<u64>,
    /// How to read a generic thermal raster (as for `seamfire calibrate`).
    #[command(flatten)]
    pub generic: super::args::GenericArgs,
    /// Map products written after the detection (docs/products.md).
    #[command(flatten)]
    pub products: super::render::ProductArgs,
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

fn config(a: &DetectArgs) -> Result<(DetectConfig, RiskParams)> {
    let (mut cfg, risk) = detect_config(a.config.as_deref(), &a.params, a.method)?;
    cfg.lst |= a.lst;
    cfg.swir_enabled &= !a.no_swir;
    cfg.input = a.generic.request()?;
    cfg.mask = a.generic.mask.clone();
    Ok((cfg, risk))
}

/// Detection and risk configuration from a TOML file (`[detect]`, `[risk]`), `--param`
/// overrides (`risk.`-prefixed ones go to the risk rule) and `--method`.
pub fn detect_config(
    file: Option<&std::path::Path>,
    params: &[String],
    method: Option<MethodArg>,
) -> Result<(DetectConfig, RiskParams)> {
    let (risk_params, detect_params): (Vec<String>, Vec<String>) = params
        .iter()
        .cloned()
        .partition(|p| p.trim_start().starts_with("risk."));
    let risk_params: Vec<String> = risk_params
        .iter()
        .map(|p| p.trim_start()["risk.".len()..].to_string())
        .collect();
    let (mut cfg, risk) = match file {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
            let origin = path.display().to_string();
            (
                DetectConfig::from_toml(&text, &origin, &detect_params)?,
                RiskParams::from_toml(&text, &origin, &risk_params)?,
            )
        }
        None => (
            DetectConfig::with_overrides(&detect_params)?,
            RiskParams::with_overrides(&risk_params)?,
        ),
    };
    if let Some(m) = method {
        apply_method(&mut cfg, m);
    }
    Ok((cfg, risk))
}

/// Checks the vector options before the (long) detection runs.
fn check_vector_args(a: &DetectArgs) -> Result<()> {
    if !(a.known_buffer_m.is_finite() && a.known_buffer_m >= 0.0) {
        return Err(Error::Usage(format!(
            "--known-buffer-m {}: expected a distance in metres >= 0",
            a.known_buffer_m
        )));
    }
    if !(a.exclude_buffer_m.is_finite() && a.exclude_buffer_m >= 0.0) {
        return Err(Error::Usage(format!(
            "--exclude-buffer-m {}: expected a distance in metres >= 0",
            a.exclude_buffer_m
        )));
    }
    for p in [&a.known_fires, &a.exclude, &a.roads, &a.water, &a.buildings]
        .into_iter()
        .flatten()
    {
        if !p.exists() {
            return Err(Error::input(p, "file not found"));
        }
    }
    Ok(())
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

/// A name for the job's scene: the first input's file name.
fn scene_id(a: &DetectArgs) -> String {
    a.inputs[0]
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "scene".into())
}

pub fn run(a: &DetectArgs) -> Result<()> {
    crate::stage::detect_stream::set_memory_limit_bytes(super::memory::resolve(a.memory_limit));
    let (cfg, risk) = config(a)?;
    check_vector_args(a)?;
    let render_opts = a.products.options()?;
    let scenes: Vec<Scene> = a
        .inputs
        .iter()
        .map(|p| open_scene(p, None))
        .collect::<Result<_>>()?;
    let job = DetectJob {
        scene_id: scene_id(a),
        scenes,
        config: cfg,
        out: a.out.clone(),
        aoi: a.aoi.clone(),
        known_fires: a.known_fires.clone(),
        known_buffer_m: a.known_buffer_m,
        exclude: a.exclude.clone(),
        exclude_buffer_m: a.exclude_buffer_m,
        roads: a.roads.clone(),
        water: a.water.clone(),
        buildings: a.buildings.clone(),
        risk,
        vectors: true,
    };
    let outcome = detect_and_render(&job, &a.products.products, &render_opts)?;
    if a.json {
        return super::print_json(&outcome.record_json);
    }
    if super::quiet() {
        return Ok(());
    }
    let c = &outcome.classes;
    println!(
        "wrote {} files to {}",
        outcome.written.len(),
        a.out.display()
    );
    for (method, s) in &outcome.methods {
        println!(
            "  {method:<11} valid {} candidates {} flagged {} unresolved {}",
            s.valid, s.candidates, s.flagged, s.unresolved
        );
    }
    println!(
        "  anomaly pixels: {} high, {} nominal, {} low; {} fire zones",
        c.high, c.nominal, c.low, outcome.zones
    );
    if let Some(v) = &outcome.vector {
        let (h, z) = (v.hotspot_status, v.zone_status);
        if let Some(k) = &v.known_fires {
            println!(
                "  known fires: {} hotspots known, {} new; {} zones known, {} new; {} of {} known zones detected ({} observed)",
                h.known, h.new, z.known, z.new, k.detected, k.zones_reported, k.observed
            );
        }
        let r = v.risk.zones_per_class;
        println!(
            "  zone risk: {} extreme, {} high, {} moderate, {} low",
            r.extreme, r.high, r.moderate, r.low
        );
    }
    Ok(())
}

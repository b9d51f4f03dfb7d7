//! `seamfire info`: what a scene is.

use serde::Serialize;

use super::args::InfoArgs;
use crate::error::Result;
use crate::io::{self, RasterInfo};
use crate::mtl::SceneMetadata;
use crate::scene::{InputKind, Scene, open_scene};

/// Everything `info` reports (also its `--json` schema): the scene metadata (mission, sensor,
/// collection, level, date, sun, band files and calibration constants) plus what was found on
/// disk.
#[derive(Debug, Serialize)]
pub struct InfoReport {
    pub input: String,
    pub input_kind: InputKind,
    #[serde(flatten)]
    pub metadata: SceneMetadata,
    /// `day`, `night` or `unknown` (from SUN_ELEVATION).
    pub day_night: &'static str,
    /// Band ids present on disk (or in the package).
    pub bands: Vec<String>,
    pub thermal_band: Option<String>,
    /// Grid of the thermal band (else the first band).
    pub grid: Option<Grid>,
}

/// Grid summary.
#[derive(Debug, Serialize)]
pub struct Grid {
    pub band: String,
    pub width: usize,
    pub height: usize,
    /// Pixel size in CRS units (degrees on a geographic grid).
    pub pixel_size_x: f64,
    pub pixel_size_y: f64,
    /// Whether the CRS is geographic (pixel sizes in degrees).
    pub geographic: bool,
    /// Ground width and height of a pixel at the grid's middle row, metres (geodesic on a
    /// geographic grid, scaled on Web Mercator or feet grids).
    pub ground_pixel_m: [f64; 2],
    pub geotransform: [f64; 6],
    pub epsg: Option<u32>,
    pub crs_wkt: String,
    pub data_type: String,
    pub nodata: Option<f64>,
}

/// Builds the report for a scene (reads the grid of one band).
pub fn report(scene: &Scene) -> Result<InfoReport> {
    let m = &scene.metadata;
    let thermal = scene.default_thermal_band();
    let grid_band = thermal
        .clone()
        .or_else(|| scene.bands.keys().next().cloned());
    let grid = match &grid_band {
        Some(b) => Some(grid_of(b, &io::raster_info(&scene.bands[b])?)),
        None => None,
    };
    Ok(InfoReport {
        input: scene.input.display().to_string(),
        input_kind: scene.kind,
        metadata: m.clone(),
        day_night: match m.is_day() {
            Some(true) => "day",
            Some(false) => "night",
            None => "unknown",
        },
        bands: scene.bands.keys().cloned().collect(),
        thermal_band: thermal,
        grid,
    })
}

fn grid_of(band: &str, info: &RasterInfo) -> Grid {
    let gt = info.georef.transform.0;
    Grid {
        band: band.to_string(),
        width: info.width,
        height: info.height,
        pixel_size_x: gt[1],
        pixel_size_y: gt[5],
        geographic: info.georef.is_geographic(),
        ground_pixel_m: {
            let (w, h) = info.georef.ground_pixel_m(info.height as f64 / 2.0);
            [w, h]
        },
        geotransform: gt,
        epsg: info.georef.epsg,
        crs_wkt: info.georef.crs_wkt.clone(),
        data_type: info.data_type.clone(),
        nodata: info.nodata,
    }
}

pub fn run(args: &InfoArgs) -> Result<()> {
    let scene = open_scene(&args.input.input, args.input.mtl.as_deref())?;
    let r = report(&scene)?;
    if args.json {
        return super::print_json(&r);
    }
    if super::quiet() {
        return Ok(());
    }
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    let m = &r.metadata;
    let mtl = scene.mtl_path.as_ref().map(|p| p.display().to_string());
    println!("input        {} ({:?})", r.input, r.input_kind);
    println!("metadata     {}", opt(&mtl));
    println!("product      {}", opt(&m.product_id));
    println!("mission      {} / {}", m.mission, m.sensor);
    let level = opt(&m.level_name);
    println!(
        "collection   {:?}, level {:?} ({level})",
        m.collection, m.level
    );
    let when = format!("{} {}", opt(&m.acquisition_date), opt(&m.scene_center_time));
    println!("acquired     {when}");
    let elev = m
        .sun_elevation_deg
        .map_or("-".into(), |e| format!("{e:.2}°"));
    println!("sun          elevation {elev} → {}", r.day_night);
    println!("bands        {}", r.bands.join(" "));
    println!("thermal      {}", opt(&r.thermal_band));
    if let Some(g) = &r.grid {
        let crs = g
            .epsg
            .map_or("CRS without EPSG code".into(), |e| format!("EPSG:{e}"));
        let [w, h] = g.ground_pixel_m;
        let size = if g.geographic {
            format!(
                "{}° x {}° (≈ {w:.1} m x {h:.1} m on the ground)",
                g.pixel_size_x, g.pixel_size_y
            )
        } else if (w - g.pixel_size_x.abs()).abs() > 1e-6 * w
            || (h - g.pixel_size_y.abs()).abs() > 1e-6 * h
        {
            format!(
                "{} x {} CRS units (≈ {w:.2} m x {h:.2} m on the ground)",
                g.pixel_size_x, g.pixel_size_y
            )
        } else {
            format!("{} m x {} m", g.pixel_size_x, g.pixel_size_y)
        };
        println!(
            "grid         {} x {} px ({}), {size}, origin ({}, {}), {crs}, {}",
            g.width, g.height, g.band, g.geotransform[0], g.geotransform[3], g.data_type
        );
    }
    Ok(())
}

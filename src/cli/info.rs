//! `seamfire info`: what a scene is.

use serde::Serialize;

use super::args::InfoArgs;
use crate::error::Result;
use crate::io::{self, RasterInfo};
use crate::mtl::{Collection, Level, Mission, Sensor};
use crate::scene::{InputKind, Scene, open_scene};

/// Everything `info` reports (also its `--json` schema).
#[derive(Debug, Serialize)]
pub struct InfoReport {
    pub input: String,
    pub input_kind: InputKind,
    pub mtl: Option<String>,
    pub product_id: Option<String>,
    pub mission: Mission,
    pub sensor: Sensor,
    pub collection: Collection,
    pub level: Level,
    pub level_name: Option<String>,
    pub acquisition_date: Option<String>,
    pub scene_center_time: Option<String>,
    pub sun_elevation_deg: Option<f64>,
    /// `day`, `night` or `unknown` (from SUN_ELEVATION).
    pub day_night: &'static str,
    pub cloud_cover_pct: Option<f64>,
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
    pub pixel_size_x: f64,
    pub pixel_size_y: f64,
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
        mtl: scene.mtl_path.as_ref().map(|p| p.display().to_string()),
        product_id: m.product_id.clone(),
        mission: m.mission,
        sensor: m.sensor,
        collection: m.collection,
        level: m.level,
        level_name: m.level_name.clone(),
        acquisition_date: m.acquisition_date.clone(),
        scene_center_time: m.scene_center_time.clone(),
        sun_elevation_deg: m.sun_elevation_deg,
        day_night: match m.is_day() {
            Some(true) => "day",
            Some(false) => "night",
            None => "unknown",
        },
        cloud_cover_pct: m.cloud_cover_pct,
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
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    println!("input        {} ({:?})", r.input, r.input_kind);
    println!("metadata     {}", opt(&r.mtl));
    println!("product      {}", opt(&r.product_id));
    println!("mission      {:?} / {:?}", r.mission, r.sensor);
    println!(
        "collection   {:?}, level {:?} ({})",
        r.collection,
        r.level,
        opt(&r.level_name)
    );
    println!(
        "acquired     {} {}",
        opt(&r.acquisition_date),
        opt(&r.scene_center_time)
    );
    let elev = r
        .sun_elevation_deg
        .map_or("-".into(), |e| format!("{e:.2}°"));
    println!("sun          elevation {elev} → {}", r.day_night);
    println!("bands        {}", r.bands.join(" "));
    println!("thermal      {}", opt(&r.thermal_band));
    if let Some(g) = &r.grid {
        let crs = g
            .epsg
            .map_or("CRS without EPSG code".into(), |e| format!("EPSG:{e}"));
        println!(
            "grid         {} x {} px ({}), {} m x {} m, origin ({}, {}), {crs}, {}",
            g.width,
            g.height,
            g.band,
            g.pixel_size_x,
            g.pixel_size_y,
            g.geotransform[0],
            g.geotransform[3],
            g.data_type
        );
    }
    Ok(())
}

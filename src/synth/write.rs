//! Writing a synthetic scene: the Level-1 product (B10, QA_PIXEL, MTL, optional OLI B1–B7) and
//! its truth (`truth.tif`, `truth.geojson`, `synth.json`), all staged under temporary names and
//! renamed together once every file is complete.

use std::path::{Path, PathBuf};

use gdal::spatial_ref::{AxisMappingStrategy, CoordTransform, SpatialRef};
use serde_json::{Value, json};

use super::dn::{B10_RESCALE, B10_THERMAL, OLI_REFLECTANCE, b10_dn};
use super::mtl_text::{ACQUISITION_DATE, mtl_text_on, product_id_on};
use super::{SynthParams, SynthScene};
use crate::error::{Error, Result};
use crate::io::{self, CogOptions};
use crate::raster::{Georef, Raster, Unit};

/// OLI band ids written with `swir`.
pub const SWIR_BANDS: [&str; 7] = ["B1", "B2", "B3", "B4", "B5", "B6", "B7"];

fn raster<T>(
    data: ndarray::Array2<T>,
    georef: &Georef,
    nodata: Option<f64>,
    unit: Unit,
) -> Raster<T> {
    Raster {
        data,
        georef: georef.clone(),
        nodata,
        unit,
    }
}

/// The generated bands are written as USGS writes Landsat Collection-2 GeoTIFFs: DEFLATE with
/// horizontal differencing (their integer DNs).
fn cog(description: &str, resampling: &'static str) -> CogOptions {
    CogOptions {
        resampling,
        description: Some(description.to_string()),
        predictor: crate::io::Predictor::Horizontal,
        ..CogOptions::default()
    }
}

/// Refuses a directory that already holds another product's MTL: two MTLs in one directory make
/// the scene ambiguous for every reader.
fn check_directory(dir: &Path, pid: &str) -> Result<()> {
    let own = format!("{pid}_MTL.txt");
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let up = name.to_ascii_uppercase();
        let is_mtl = up.contains("MTL")
            && (up.ends_with(".TXT") || up.ends_with(".JSON") || up.ends_with(".XML"))
            && !name.starts_with('.');
        if is_mtl && name != own {
            return Err(Error::input(
                dir,
                format!(
                    "already holds another product ({name}); write each synthetic scene to its own directory"
                ),
            ));
        }
    }
    Ok(())
}

/// Centroids of the objects in WGS 84 longitude/latitude (`None` when the grid has no CRS or
/// GDAL cannot transform it).
fn centroids_lon_lat(scene: &SynthScene) -> Option<Vec<(f64, f64)>> {
    let g = &scene.georef;
    let mut src = if g.crs_wkt.is_empty() {
        SpatialRef::from_epsg(g.epsg?).ok()?
    } else {
        SpatialRef::from_wkt(&g.crs_wkt).ok()?
    };
    let mut dst = SpatialRef::from_epsg(4326).ok()?;
    src.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    dst.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    let t = CoordTransform::new(&src, &dst).ok()?;
    let (mut xs, mut ys): (Vec<f64>, Vec<f64>) = scene
        .objects
        .iter()
        .map(|o| {
            g.transform
                .pixel_to_map(o.centroid_rc.0 + 0.5, o.centroid_rc.1 + 0.5)
        })
        .unzip();
    if xs.is_empty() {
        return Some(Vec::new());
    }
    let mut zs = vec![0.0; xs.len()];
    t.transform_coords(&mut xs, &mut ys, &mut zs).ok()?;
    Some(xs.into_iter().zip(ys).collect())
}

fn round(v: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (v * f).round() / f
}

/// `truth.geojson`: one Point per object at its centroid (RFC 7946, lon/lat WGS 84).
pub(crate) fn truth_geojson(scene: &SynthScene) -> Value {
    let lonlat = centroids_lon_lat(scene);
    let features: Vec<Value> = scene
        .objects
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let geometry = match &lonlat {
                Some(ll) => json!({
                    "type": "Point",
                    "coordinates": [round(ll[i].0, 7), round(ll[i].1, 7)],
                }),
                None => Value::Null,
            };
            let (x, y) = scene
                .georef
                .transform
                .pixel_to_map(o.centroid_rc.0 + 0.5, o.centroid_rc.1 + 0.5);
            json!({
                "type": "Feature",
                "id": o.id,
                "geometry": geometry,
                "properties": {
                    "id": o.id,
                    "kind": o.kind,
                    "peak_delta_k": o.peak_delta_k,
                    "pixels": o.pixels,
                    "row": o.centroid_rc.0,
                    "col": o.centroid_rc.1,
                    "core_row": o.core_rc.0,
                    "core_col": o.core_rc.1,
                    "bbox": [o.bbox.0, o.bbox.1, o.bbox.2, o.bbox.3],
                    "width_px": o.width_px,
                    "map_x": x,
                    "map_y": y,
                },
            })
        })
        .collect();
    json!({ "type": "FeatureCollection", "features": features })
}

/// `synth.json`: parameters, the drawn background model, counts and the objects.
pub(crate) fn synth_json(
    scene: &SynthScene,
    p: &SynthParams,
    pid: &str,
    files: &[String],
) -> Value {
    let (rows, cols) = scene.shape();
    let truth_pixels = scene.truth_id.iter().filter(|&&v| v != 0).count();
    json!({
        "generator": "seamfire synth",
        "version": env!("CARGO_PKG_VERSION"),
        "product_id": pid,
        "seed": p.seed,
        "preset": p.preset,
        "rows": rows,
        "cols": cols,
        "params": p,
        "noise_sigma_k": scene.noise_sigma_k(),
        "sun_elevation_deg": scene.sun_elevation_deg,
        "sun_azimuth_deg": scene.sun_azimuth_deg,
        "georef": {
            "geotransform": scene.georef.transform.0,
            "epsg": scene.georef.epsg,
        },
        "encoding": {
            "b10": { "radiance": B10_RESCALE, "thermal": B10_THERMAL, "fill_dn": 0 },
            "oli_reflectance": OLI_REFLECTANCE,
        },
        "truth": {
            "raster": "truth.tif: object id per pixel (UInt32, 0 = background)",
            "vector": "truth.geojson: one point per object at its centroid",
            "pixels": truth_pixels,
        },
        "facts": scene.facts,
        "objects": scene.objects,
        "files": files,
    })
}

/// Writes `scene` into `dir` (created if needed) as product `LC08_L1TP_SYNTH<seed>_…`: `<PID>_B10.TIF`
/// (UInt16 DN, nodata 0), `<PID>_QA_PIXEL.TIF`, `<PID>_B1.TIF`…`<PID>_B7.TIF` when the scene has
/// them, `<PID>_MTL.txt`, `truth.tif`, `truth.geojson`, `synth.json`. Nothing appears under a final
/// name unless every file was written. Returns the paths written.
pub fn write_scene(dir: &Path, scene: &SynthScene, p: &SynthParams) -> Result<Vec<PathBuf>> {
    write_scene_on(dir, scene, p, ACQUISITION_DATE)
}

/// [`write_scene`] for a scene acquired on `date` (`YYYY-MM-DD`): the date goes into the
/// product id, the file names and the MTL's `DATE_ACQUIRED` (the demo season's passes).
pub fn write_scene_on(
    dir: &Path,
    scene: &SynthScene,
    p: &SynthParams,
    date: &str,
) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let pid = product_id_on(p.seed, date);
    check_directory(dir, &pid)?;
    let g = &scene.georef;
    let path = |name: &str| dir.join(name);
    let mut staged = Vec::new();

    let truth = raster(
        scene.truth_id.clone(),
        g,
        None,
        Unit::Other("object id".into()),
    );
    staged.push(io::stage_cog(
        &truth,
        &path("truth.tif"),
        &cog("planted object id (0 = none)", "NEAREST"),
    )?);
    let b10 = raster(b10_dn(&scene.bt_k), g, Some(0.0), Unit::Dn);
    staged.push(io::stage_cog(
        &b10,
        &path(&format!("{pid}_B10.TIF")),
        &cog("B10 DN", "AVERAGE"),
    )?);
    drop(b10);
    let qa = raster(
        scene.qa_pixel.clone(),
        g,
        Some(1.0),
        Unit::Other("bit flags".into()),
    );
    staged.push(io::stage_cog(
        &qa,
        &path(&format!("{pid}_QA_PIXEL.TIF")),
        &cog("QA_PIXEL (Collection 2)", "NEAREST"),
    )?);
    drop(qa);
    if let Some(bands) = &scene.swir_dn {
        for (band, data) in SWIR_BANDS.iter().zip(bands) {
            let r = raster(data.clone(), g, Some(0.0), Unit::Dn);
            staged.push(io::stage_cog(
                &r,
                &path(&format!("{pid}_{band}.TIF")),
                &cog(&format!("{band} DN"), "AVERAGE"),
            )?);
        }
    }
    let geojson = truth_geojson(scene);
    staged.push(io::stage_bytes(
        &path("truth.geojson"),
        pretty(&geojson, dir)?.as_bytes(),
    )?);
    let mtl_name = format!("{pid}_MTL.txt");
    let mut files: Vec<String> = staged
        .iter()
        .filter_map(|s| {
            s.dest()
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
        })
        .collect();
    files.push(mtl_name.clone());
    files.push("synth.json".into());
    let meta = synth_json(scene, p, &pid, &files);
    staged.push(io::stage_bytes(
        &path("synth.json"),
        pretty(&meta, dir)?.as_bytes(),
    )?);
    // The MTL last: a directory with an MTL holds the whole product.
    staged.push(io::stage_bytes(
        &path(&mtl_name),
        mtl_text_on(scene, &pid, date).as_bytes(),
    )?);
    io::commit_all(staged)
}

fn pretty(v: &Value, dir: &Path) -> Result<String> {
    serde_json::to_string_pretty(v)
        .map(|s| s + "\n")
        .map_err(|e| Error::input(dir, format!("cannot serialise JSON: {e}")))
}

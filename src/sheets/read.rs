//! Reading what the sheets show from an output directory: `detection.json`, the GeoJSON
//! layers (reprojected to the native grid through GDAL/OSR), `thermal_map.json`, and crops of
//! `thermal_map.tif` / `orthophoto.tif` for a map view. Every error names its file.

use std::path::{Path, PathBuf};

use gdal::Dataset;
use gdal::raster::ResampleAlg;
use gdal::spatial_ref::{AxisMappingStrategy, CoordTransform, SpatialRef};
use geo::Geometry;

use super::compose::{KnownData, SceneInfo, SheetData, ZoneData};
use super::layout::MapView;
use super::select::{Extent, RiskClass, ZoneRef};
use super::svg::{Hotspot, MapImage, Palette, Rings, ThermalLegend};
use crate::error::{Error, Result};
use crate::io::{BlockReader, VectorFeature, polygons_of, raster_info, read_features};
use crate::raster::{Georef, PixelWindow};

/// What an output directory holds for the sheets.
#[derive(Debug)]
pub struct DirInputs {
    pub data: SheetData,
    pub georef: Georef,
    /// `thermal_map.tif` and its legend, when present.
    pub thermal: Option<(PathBuf, ThermalLegend)>,
    /// `orthophoto.tif` and a line saying what its bands are, when present.
    pub ortho: Option<(PathBuf, String)>,
}

fn has_crs(g: &Georef) -> bool {
    !(g.crs_wkt.is_empty() && g.epsg.is_none())
}

fn srs_of(g: &Georef, path: &Path) -> Result<SpatialRef> {
    let mut srs = match g.epsg {
        Some(code) => SpatialRef::from_epsg(code),
        None => SpatialRef::from_wkt(&g.crs_wkt),
    }
    .map_err(|e| Error::gdal(path, format!("CRS not understood: {e}")))?;
    srs.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    Ok(srs)
}

fn read_json(path: &Path) -> Result<serde_json::Value> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    serde_json::from_str(&text).map_err(|e| Error::input(path, format!("not valid JSON: {e}")))
}

fn opt_str(v: &serde_json::Value) -> Option<String> {
    v.as_str().map(str::to_string)
}

/// `thermal_map.json`: the range the thermal map's colours span and its palette.
pub fn read_thermal_legend(path: &Path) -> Result<ThermalLegend> {
    let v = read_json(path)?;
    let num = |key: &str| {
        v[key]
            .as_f64()
            .filter(|x| x.is_finite())
            .ok_or_else(|| Error::input(path, format!("`{key}` must be a number (kelvin)")))
    };
    let (min_k, max_k) = (num("min_k")?, num("max_k")?);
    if min_k >= max_k {
        return Err(Error::input(
            path,
            format!("min_k {min_k} must be below max_k {max_k}"),
        ));
    }
    let name = v["palette"].as_str().unwrap_or("inferno");
    let palette = Palette::from_name(name).ok_or_else(|| {
        Error::input(
            path,
            format!("palette `{name}` unknown to the sheet legend (inferno, magma)"),
        )
    })?;
    let quantity = v["quantity"]
        .as_str()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or("temperature")
        .to_string();
    Ok(ThermalLegend {
        min_k,
        max_k,
        palette,
        quantity,
    })
}

fn rings_of(g: &Geometry<f64>) -> Rings {
    polygons_of(g)
        .iter()
        .flat_map(|p| {
            std::iter::once(p.exterior())
                .chain(p.interiors())
                .map(|r| r.coords().map(|c| (c.x, c.y)).collect::<Vec<_>>())
                .collect::<Vec<_>>()
        })
        .collect()
}

fn rings_extent(r: &Rings) -> Option<Extent> {
    Extent::of_points(r.iter().flatten().copied())
}

fn rect_rings(e: &Extent) -> Rings {
    vec![vec![
        (e.xmin, e.ymin),
        (e.xmax, e.ymin),
        (e.xmax, e.ymax),
        (e.xmin, e.ymax),
        (e.xmin, e.ymin),
    ]]
}

fn attr_f64(f: &VectorFeature, name: &str) -> Option<f64> {
    f.attr(&[name]).and_then(|s| s.parse().ok())
}

fn read_layer(path: &Path, georef: &Georef) -> Result<Option<Vec<VectorFeature>>> {
    if !path.exists() || !has_crs(georef) {
        return Ok(None);
    }
    let (features, warnings) = read_features(path, georef)?;
    for w in warnings {
        tracing::warn!("{w}");
    }
    Ok(Some(features))
}

fn scene_of(rec: &serde_json::Value) -> SceneInfo {
    let s = &rec["scene"];
    SceneInfo {
        id: opt_str(&s["id"]).unwrap_or_default(),
        product_id: opt_str(&s["product_id"]),
        mission: opt_str(&s["mission"]).unwrap_or_default(),
        sensor: opt_str(&s["sensor"]).unwrap_or_default(),
        date: opt_str(&s["acquisition_date"]),
        time: opt_str(&s["scene_center_time"]),
    }
}

fn zones_of(rec: &serde_json::Value, path: &Path) -> Result<Vec<ZoneData>> {
    let Some(list) = rec["zones"].as_array() else {
        return Err(Error::input(path, "no `zones` array"));
    };
    list.iter()
        .map(|z| {
            let id = z["id"]
                .as_u64()
                .and_then(|v| u32::try_from(v).ok())
                .ok_or_else(|| Error::input(path, "a zone without a numeric `id`"))?;
            let b: Vec<f64> = z["bbox_map"]
                .as_array()
                .map(|a| a.iter().filter_map(serde_json::Value::as_f64).collect())
                .unwrap_or_default();
            if b.len() != 4 {
                return Err(Error::input(
                    path,
                    format!("zone {id}: `bbox_map` must be [xmin, ymin, xmax, ymax]"),
                ));
            }
            let extent = Extent::new(b[0], b[1], b[2], b[3]);
            Ok(ZoneData {
                zone: ZoneRef {
                    id,
                    risk: z["risk_class"].as_str().and_then(RiskClass::parse),
                    max_delta_k: z["max_delta_k"].as_f64(),
                    area_m2: z["area_m2"].as_f64().unwrap_or(0.0),
                    extent,
                },
                rings: rect_rings(&extent),
                risk_score: z["risk_score"].as_f64(),
                status: opt_str(&z["status"]),
            })
        })
        .collect()
}

/// Bounding box of the processed pixels of `anomaly.tif` (value ≠ 255), else the whole grid.
/// Read in strips of about 64 MiB, so memory does not grow with the raster.
fn data_extent(path: &Path) -> Result<Extent> {
    data_extent_in(path, None)
}

/// [`data_extent`] with strips of `strip_rows` rows (`None`: about 64 MiB).
fn data_extent_in(path: &Path, strip_rows: Option<usize>) -> Result<Extent> {
    let reader = BlockReader::open(path, 1)?;
    let (rows, cols) = reader.shape();
    let strip = strip_rows.unwrap_or((64usize << 20) / cols.max(1)).max(1);
    let (mut r0, mut c0, mut r1, mut c1) = (usize::MAX, usize::MAX, 0, 0);
    for row0 in (0..rows).step_by(strip) {
        let w = PixelWindow {
            row0,
            col0: 0,
            rows: strip.min(rows - row0),
            cols,
        };
        for ((row, col), &v) in reader.read::<u8>(w)?.data.indexed_iter() {
            if v != 255 {
                r0 = r0.min(row0 + row);
                r1 = r1.max(row0 + row);
                c0 = c0.min(col);
                c1 = c1.max(col);
            }
        }
    }
    if r0 == usize::MAX {
        (r0, c0, r1, c1) = (0, 0, rows.saturating_sub(1), cols.saturating_sub(1));
    }
    let t = &reader.georef().transform;
    let corners = [
        t.pixel_to_map(r0 as f64, c0 as f64),
        t.pixel_to_map(r0 as f64, (c1 + 1) as f64),
        t.pixel_to_map((r1 + 1) as f64, c0 as f64),
        t.pixel_to_map((r1 + 1) as f64, (c1 + 1) as f64),
    ];
    Extent::of_points(corners).ok_or_else(|| Error::input(path, "grid without finite corners"))
}

/// CRS name, metres per CRS unit, whether geographic, and the clockwise angle from grid
/// north to true north at `centre`.
fn crs_facts(georef: &Georef, centre: (f64, f64), path: &Path) -> Result<(String, f64, bool, f64)> {
    let srs = srs_of(georef, path)?;
    let name = srs.name().unwrap_or_else(|| "unnamed CRS".into());
    let label = match georef.epsg {
        Some(code) => format!("{name} (EPSG:{code})"),
        None => name,
    };
    let geographic = srs.is_geographic();
    let (cx, cy) = centre;
    if geographic {
        let lat = cy.to_radians();
        return Ok((label, 111_320.0 * lat.cos().abs().max(1e-6), true, 0.0));
    }
    let ll = crate::io::to_lonlat(georef, &[(cx, cy), (cx, cy + 1000.0)])?;
    let (lon0, lat0) = ll[0];
    let (lon1, lat1) = ll[1];
    // Azimuth of grid north from true north; true north is that much anticlockwise of up.
    let az = ((lon1 - lon0) * lat0.to_radians().cos())
        .atan2(lat1 - lat0)
        .to_degrees();
    // Ground metres per unit at the grid's centre where the CRS is not at true scale (Web
    // Mercator: the bar and the 1:N are true at the centre), else the CRS's unit.
    let unit = srs.linear_units();
    let mpu = match georef.ground_m_per_unit {
        Some((kx, ky)) => (kx * ky).sqrt(),
        None if unit.is_finite() && unit > 0.0 => unit,
        None => 1.0,
    };
    Ok((label, mpu, false, -az))
}

/// Reads everything the sheets of `dir` need except the rasters' pixels.
pub fn read_inputs(dir: &Path) -> Result<DirInputs> {
    let anomaly = dir.join("anomaly.tif");
    let det_path = dir.join("detection.json");
    for p in [&det_path, &anomaly] {
        if !p.exists() {
            return Err(Error::input(
                p,
                "missing: map sheets are made from a `seamfire detect` output directory",
            ));
        }
    }
    let rec = read_json(&det_path)?;
    let georef = raster_info(&anomaly)?.georef;
    let pixel_size = georef.transform.0[1]
        .abs()
        .max(georef.transform.0[5].abs())
        .max(f64::MIN_POSITIVE);
    let mut zones = zones_of(&rec, &det_path)?;
    let data_extent = data_extent(&anomaly)?;

    let fz_path = dir.join("fire_zones.geojson");
    if let Some(features) = read_layer(&fz_path, &georef)? {
        for f in features {
            let Some(id) = f.attr(&["zone_id"]).and_then(|s| s.parse::<u32>().ok()) else {
                continue;
            };
            let Some(z) = zones.iter_mut().find(|z| z.zone.id == id) else {
                continue;
            };
            let rings = rings_of(&f.geometry);
            if let Some(e) = rings_extent(&rings) {
                z.zone.extent = e;
                z.rings = rings;
            }
            if let Some(r) = f.attr(&["risk_class"]).and_then(RiskClass::parse) {
                z.zone.risk = Some(r);
            }
            z.risk_score = attr_f64(&f, "risk_score").or(z.risk_score);
            if let Some(s) = f.attr(&["status"]) {
                z.status = Some(s.to_string());
            }
        }
    }

    let hs_path = dir.join("hotspots.geojson");
    let hotspots = read_layer(&hs_path, &georef)?
        .unwrap_or_default()
        .into_iter()
        .filter_map(|f| {
            let Geometry::Point(p) = f.geometry else {
                return None;
            };
            let confidence = match f.attr(&["confidence"]) {
                Some("h") => 3,
                Some("n") => 2,
                _ => 1,
            };
            Some(Hotspot {
                x: p.x(),
                y: p.y(),
                confidence,
            })
        })
        .collect();

    let kz_path = dir.join("known_zones.geojson");
    let mut known: Vec<KnownData> = Vec::new();
    for f in read_layer(&kz_path, &georef)?.unwrap_or_default() {
        // A known zone with no pixel of this scene's grid (another part of the territory) gets
        // no sheet; it is still reported in known_zones.geojson.
        if f.attr(&["n_px"]).and_then(|s| s.parse::<f64>().ok()) == Some(0.0) {
            continue;
        }
        let rings = rings_of(&f.geometry);
        let Some(extent) = rings_extent(&rings) else {
            continue;
        };
        let id = f
            .attr(&["known_zone_id"])
            .map(str::to_string)
            .or_else(|| f.fid.map(|v| v.to_string()))
            .unwrap_or_else(|| (known.len() + 1).to_string());
        let detected = f.attr(&["detected"]).map(|s| s == "1" || s == "true");
        known.push(KnownData {
            name: f.attr(&["known_zone_name"]).map(str::to_string),
            id,
            rings,
            extent,
            detected,
        });
    }

    let (crs_label, metres_per_unit, geographic, north_deg) = if has_crs(&georef) {
        let (l, m, g, n) = crs_facts(&georef, data_extent.centre(), &anomaly)?;
        (l, m, g, Some(n))
    } else {
        (String::new(), 1.0, false, None)
    };

    let tm = dir.join("thermal_map.tif");
    let thermal = if tm.exists() {
        Some((tm, read_thermal_legend(&dir.join("thermal_map.json"))?))
    } else {
        None
    };
    let op = dir.join("orthophoto.tif");
    let ortho = if op.exists() {
        let d = ortho_description(&op)?;
        Some((op, d))
    } else {
        None
    };
    Ok(DirInputs {
        data: SheetData {
            scene: scene_of(&rec),
            zones,
            known,
            hotspots,
            pixel_size,
            metres_per_unit,
            north_deg,
            crs_label,
            geographic,
            data_extent,
        },
        georef,
        thermal,
        ortho,
    })
}

/// `R: B7, G: B5, B: B4` from the band descriptions, else `RGB composite`.
fn ortho_description(path: &Path) -> Result<String> {
    use gdal::Metadata;
    let ds = open(path)?;
    let names: Vec<String> = (1..=ds.raster_count().min(3))
        .filter_map(|i| ds.rasterband(i).ok())
        .map(|b| b.description().unwrap_or_default().trim().to_string())
        .collect();
    if names.len() == 3 && names.iter().all(|n| !n.is_empty()) {
        Ok(format!("R: {}, G: {}, B: {}", names[0], names[1], names[2]))
    } else {
        Ok("RGB composite".into())
    }
}

fn open(path: &Path) -> Result<Dataset> {
    crate::io::ensure_gdal_config();
    Dataset::open(path).map_err(|e| Error::gdal(path, format!("cannot open as a raster: {e}")))
}

/// Reads a window as RGBA: bands 1–3 as colour (band 1 thrice for one or two bands), alpha
/// from GDAL's mask of band 1 (an alpha band, nodata, or all valid), or band 4 when the file
/// has four bands and declares no mask.
fn read_rgba(
    ds: &Dataset,
    path: &Path,
    offset: (usize, usize),
    window: (usize, usize),
    out: (usize, usize),
) -> Result<Vec<u8>> {
    let count = ds.raster_count();
    let alg = if out.0 < window.0 || out.1 < window.1 {
        ResampleAlg::Average
    } else {
        ResampleAlg::NearestNeighbour
    };
    let gerr = |e: gdal::errors::GdalError| Error::gdal(path, format!("reading pixels: {e}"));
    let off = (
        isize::try_from(offset.0).map_err(|e| Error::gdal(path, e))?,
        isize::try_from(offset.1).map_err(|e| Error::gdal(path, e))?,
    );
    let read = |band: usize| -> Result<Vec<u8>> {
        let b = ds.rasterband(band).map_err(gerr)?;
        Ok(b.read_as::<u8>(off, window, out, Some(alg))
            .map_err(gerr)?
            .into_shape_and_vec()
            .1)
    };
    let colour: Vec<Vec<u8>> = if count >= 3 {
        vec![read(1)?, read(2)?, read(3)?]
    } else {
        let g = read(1)?;
        vec![g.clone(), g.clone(), g]
    };
    let b1 = ds.rasterband(1).map_err(gerr)?;
    let flags = b1.mask_flags().map_err(gerr)?;
    let alpha = if flags.is_all_valid() {
        if count == 4 {
            read(4)?
        } else {
            vec![255; out.0 * out.1]
        }
    } else {
        let mask = b1.open_mask_band().map_err(gerr)?;
        mask.read_as::<u8>(off, window, out, Some(alg))
            .map_err(gerr)?
            .into_shape_and_vec()
            .1
    };
    let mut rgba = vec![0u8; out.0 * out.1 * 4];
    for (i, px) in rgba.chunks_exact_mut(4).enumerate() {
        px.copy_from_slice(&[colour[0][i], colour[1][i], colour[2][i], alpha[i]]);
    }
    Ok(rgba)
}

fn encode_png(rgba: Vec<u8>, w: usize, h: usize, path: &Path) -> Result<Vec<u8>> {
    let img = image::RgbaImage::from_raw(w as u32, h as u32, rgba)
        .ok_or_else(|| Error::input(path, "crop buffer of the wrong size"))?;
    let mut png = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .map_err(|e| Error::input(path, format!("encoding the crop as PNG: {e}")))?;
    Ok(png)
}

/// The part of the raster at `path` under `view`, as PNG with the map extent it covers;
/// `None` when the raster does not reach the view. A raster in the native CRS and north-up is
/// cut at its own pixel edges (at most as many pixels as the frame has at `dpi`, averaged when
/// the raster is finer); any other is resampled (nearest) onto the frame through GDAL/OSR.
pub fn read_crop(
    path: &Path,
    native: &Georef,
    view: &MapView,
    dpi: f64,
) -> Result<Option<MapImage>> {
    let info = raster_info(path)?;
    let ds = open(path)?;
    let g = info.georef.transform.0;
    let same_crs = info.georef.same_crs(native) || !has_crs(native);
    if same_crs && g[2] == 0.0 && g[4] == 0.0 && g[1] > 0.0 && g[5] < 0.0 {
        let e = view.extent;
        let (w, h) = (info.width as f64, info.height as f64);
        let c0 = ((e.xmin - g[0]) / g[1]).floor().clamp(0.0, w);
        let c1 = ((e.xmax - g[0]) / g[1]).ceil().clamp(0.0, w);
        let r0 = ((e.ymax - g[3]) / g[5]).floor().clamp(0.0, h);
        let r1 = ((e.ymin - g[3]) / g[5]).ceil().clamp(0.0, h);
        if c1 <= c0 || r1 <= r0 {
            return Ok(None);
        }
        let window = ((c1 - c0) as usize, (r1 - r0) as usize);
        let frame_px = view.frame.w / 25.4 * dpi;
        let density = (e.width() / g[1]) / frame_px;
        let out = if density > 1.0 {
            (
                ((window.0 as f64 / density).ceil() as usize).max(1),
                ((window.1 as f64 / density).ceil() as usize).max(1),
            )
        } else {
            window
        };
        let rgba = read_rgba(&ds, path, (c0 as usize, r0 as usize), window, out)?;
        let extent = Extent::new(
            g[0] + c0 * g[1],
            g[3] + r1 * g[5],
            g[0] + c1 * g[1],
            g[3] + r0 * g[5],
        );
        return Ok(Some(MapImage {
            png: encode_png(rgba, out.0, out.1, path)?,
            extent,
        }));
    }
    resample_onto_view(&ds, path, &info.georef, native, view, dpi)
}

fn resample_onto_view(
    ds: &Dataset,
    path: &Path,
    src: &Georef,
    native: &Georef,
    view: &MapView,
    dpi: f64,
) -> Result<Option<MapImage>> {
    let g = src.transform.0;
    let det = g[1] * g[5] - g[2] * g[4];
    if det == 0.0 || !det.is_finite() {
        return Err(Error::input(path, "degenerate geotransform"));
    }
    let tw = ((view.frame.w / 25.4 * dpi).round() as usize).clamp(1, 1600);
    let th = ((tw as f64 * view.frame.h / view.frame.w).round() as usize).max(1);
    let e = view.extent;
    let (dx, dy) = (e.width() / tw as f64, e.height() / th as f64);
    let mut xs = Vec::with_capacity(tw * th);
    let mut ys = Vec::with_capacity(tw * th);
    for r in 0..th {
        for c in 0..tw {
            xs.push(e.xmin + (c as f64 + 0.5) * dx);
            ys.push(e.ymax - (r as f64 + 0.5) * dy);
        }
    }
    if has_crs(native) && has_crs(src) && !src.same_crs(native) {
        let ct = CoordTransform::new(&srs_of(native, path)?, &srs_of(src, path)?)
            .map_err(|e| Error::gdal(path, format!("CRS transform: {e}")))?;
        let mut zs = vec![0.0; xs.len()];
        ct.transform_coords(&mut xs, &mut ys, &mut zs)
            .map_err(|e| {
                Error::gdal(path, format!("reprojecting the sheet onto the raster: {e}"))
            })?;
    }
    // Source pixel coordinates of every target pixel centre.
    let px: Vec<(f64, f64)> = xs
        .iter()
        .zip(&ys)
        .map(|(&x, &y)| {
            let (u, v) = (x - g[0], y - g[3]);
            ((g[5] * u - g[2] * v) / det, (-g[4] * u + g[1] * v) / det)
        })
        .collect();
    let (cols, rows) = ds.raster_size();
    let Some(b) = Extent::of_points(px.iter().copied()) else {
        return Ok(None);
    };
    let c0 = b.xmin.floor().clamp(0.0, cols as f64) as usize;
    let c1 = b.xmax.ceil().clamp(0.0, cols as f64) as usize;
    let r0 = b.ymin.floor().clamp(0.0, rows as f64) as usize;
    let r1 = b.ymax.ceil().clamp(0.0, rows as f64) as usize;
    if c1 <= c0 || r1 <= r0 {
        return Ok(None);
    }
    let window = (c1 - c0, r1 - r0);
    let out = (window.0.min(2 * tw), window.1.min(2 * th));
    let src_rgba = read_rgba(ds, path, (c0, r0), window, out)?;
    let (sx, sy) = (
        out.0 as f64 / window.0 as f64,
        out.1 as f64 / window.1 as f64,
    );
    let mut rgba = vec![0u8; tw * th * 4];
    for (i, &(col, row)) in px.iter().enumerate() {
        let (lc, lr) = ((col - c0 as f64) * sx, (row - r0 as f64) * sy);
        if !(lc >= 0.0 && lr >= 0.0) {
            continue;
        }
        let (lc, lr) = (lc as usize, lr as usize);
        if lc < out.0 && lr < out.1 {
            let s = (lr * out.0 + lc) * 4;
            rgba[i * 4..i * 4 + 4].copy_from_slice(&src_rgba[s..s + 4]);
        }
    }
    Ok(Some(MapImage {
        png: encode_png(rgba, tw, th, path)?,
        extent: e,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raster::{GeoTransform, Raster, Unit};
    use ndarray::Array2;

    #[test]
    fn data_extent_is_the_same_in_any_strips() {
        // 50 x 37 grid, 30 m pixels from (1000, 5000): processed pixels (≠ 255) at rows 11–38,
        // columns 4–30, the rest 255. Expected footprint: x 1000 + 4·30 = 1120 to
        // 1000 + 31·30 = 1930, y 5000 − 39·30 = 3830 to 5000 − 11·30 = 4670.
        let mut data = Array2::from_elem((50, 37), 255u8);
        data[[11, 20]] = 0;
        data[[38, 9]] = 3;
        data[[25, 4]] = 1;
        data[[30, 30]] = 0;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("anomaly.tif");
        let raster = Raster {
            data,
            georef: Georef {
                transform: GeoTransform([1000.0, 30.0, 0.0, 5000.0, 0.0, -30.0]),
                crs_wkt: String::new(),
                epsg: None,
                ground_m_per_unit: None,
            },
            nodata: Some(255.0),
            unit: Unit::Dn,
        };
        crate::io::write_cog(&raster, &path, &Default::default()).unwrap();
        let expect = Extent::new(1120.0, 3830.0, 1930.0, 4670.0);
        for strip in [None, Some(1), Some(7), Some(11), Some(50), Some(64)] {
            assert_eq!(data_extent_in(&path, strip).unwrap(), expect, "{strip:?}");
        }
    }
}

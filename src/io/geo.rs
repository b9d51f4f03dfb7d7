//! CRS work through GDAL/OSR: map coordinates to WGS84 lon/lat, and AOI polygons rasterised
//! onto a grid.

use std::path::Path;

use gdal::DriverManager;
use gdal::spatial_ref::{AxisMappingStrategy, CoordTransform, SpatialRef};
use ndarray::Array2;

use crate::error::{Error, Result};
use crate::raster::Georef;
use crate::raster::SCALE_TOLERANCE;

pub(super) fn srs_of(georef: &Georef) -> Result<SpatialRef> {
    let mut srs = match georef.epsg {
        Some(code) => SpatialRef::from_epsg(code),
        None => SpatialRef::from_wkt(&georef.crs_wkt),
    }
    .map_err(|e| Error::Usage(format!("raster CRS not understood: {e}")))?;
    srs.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    Ok(srs)
}

/// True when EPSG `code` is a geographic CRS (longitude/latitude degrees); false when it is
/// projected or GDAL does not know it.
pub fn epsg_is_geographic(code: u32) -> bool {
    super::ensure_gdal_config();
    SpatialRef::from_epsg(code).is_ok_and(|s| s.is_geographic())
}

/// True when a `detection.json` record's grid (`grid.epsg`) is in a geographic CRS, so that its
/// zones' map extents are degrees.
pub fn detection_grid_is_geographic(detection: &serde_json::Value) -> bool {
    detection["grid"]["epsg"]
        .as_u64()
        .and_then(|c| u32::try_from(c).ok())
        .is_some_and(epsg_is_geographic)
}

/// Ground metres per map unit of a `detection.json` record's projected grid: the square root of
/// its ground pixel area (`grid.pixel_area_m2`) over its pixel area in map units (the
/// geotransform's determinant). 1 for UTM and other true-scale grids, `cos φ` on Web Mercator,
/// 0.3048 in feet (`Georef::ground_m_per_unit`); 1 when the record lacks either (older records,
/// geographic grids, whose extents are degrees and are handled as such).
pub fn detection_grid_m_per_unit(detection: &serde_json::Value) -> f64 {
    let grid = &detection["grid"];
    let g: Vec<f64> = grid["geotransform"]
        .as_array()
        .map(|a| a.iter().filter_map(serde_json::Value::as_f64).collect())
        .unwrap_or_default();
    let ground = grid["pixel_area_m2"].as_f64();
    match (g.as_slice(), ground) {
        ([_, dx, rx, _, ry, dy], Some(ground)) if !detection_grid_is_geographic(detection) => {
            let map = (dx * dy - rx * ry).abs();
            let k = (ground / map).sqrt();
            if k.is_finite() && k > 0.0 { k } else { 1.0 }
        }
        _ => 1.0,
    }
}

fn wgs84() -> Result<SpatialRef> {
    let mut srs =
        SpatialRef::from_epsg(4326).map_err(|e| Error::Usage(format!("EPSG:4326: {e}")))?;
    srs.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    Ok(srs)
}

/// Map coordinates of `georef`'s CRS → `(lon, lat)` in WGS84 degrees (longitude first). Errors
/// when the raster has no CRS.
pub fn to_lonlat(georef: &Georef, xy: &[(f64, f64)]) -> Result<Vec<(f64, f64)>> {
    super::ensure_gdal_config();
    if georef.crs_wkt.is_empty() && georef.epsg.is_none() {
        return Err(Error::Usage(
            "the raster has no CRS: cannot compute longitude/latitude".into(),
        ));
    }
    if xy.is_empty() {
        return Ok(Vec::new());
    }
    let ct = CoordTransform::new(&srs_of(georef)?, &wgs84()?)
        .map_err(|e| Error::Usage(format!("CRS transform: {e}")))?;
    let mut xs: Vec<f64> = xy.iter().map(|p| p.0).collect();
    let mut ys: Vec<f64> = xy.iter().map(|p| p.1).collect();
    let mut zs = vec![0.0; xy.len()];
    ct.transform_coords(&mut xs, &mut ys, &mut zs)
        .map_err(|e| Error::Usage(format!("CRS transform: {e}")))?;
    Ok(xs.into_iter().zip(ys).collect())
}

/// Ground metres per CRS unit along the CRS's x and y axes at the centre of a `(rows, cols)`
/// grid ([`Georef::ground_m_per_unit`]): the geodesic lengths (WGS84, Karney 2013) of one
/// pixel's size stepped east and north from the centre in map units, divided by that size.
/// `None` for a geographic grid, a grid without a CRS, a CRS GDAL cannot transform, and where
/// both factors are within [`SCALE_TOLERANCE`] of 1 (UTM: measured in its own metres).
/// Catches Web Mercator (`cos φ` ground metres per unit) and CRSs in feet (0.3048), whose units
/// are not ground metres.
pub fn ground_scale(georef: &Georef, (rows, cols): (usize, usize)) -> Option<(f64, f64)> {
    use geo::{Distance, Geodesic, Point};
    if georef.is_geographic() || (georef.crs_wkt.is_empty() && georef.epsg.is_none()) {
        return None;
    }
    let (x, y) = georef
        .transform
        .pixel_to_map(rows as f64 / 2.0, cols as f64 / 2.0);
    let g = georef.transform.0;
    let step = g[1].hypot(g[4]).max(g[2].hypot(g[5]));
    if !(step.is_finite() && step > 0.0) {
        return None;
    }
    let ll = to_lonlat(georef, &[(x, y), (x + step, y), (x, y + step)]).ok()?;
    let at = |i: usize| Point::new(ll[i].0, ll[i].1.clamp(-90.0, 90.0));
    let kx = Geodesic.distance(at(0), at(1)) / step;
    let ky = Geodesic.distance(at(0), at(2)) / step;
    let off = |k: f64| (k - 1.0).abs() > SCALE_TOLERANCE;
    (kx.is_finite() && ky.is_finite() && kx > 0.0 && ky > 0.0 && (off(kx) || off(ky)))
        .then_some((kx, ky))
}

/// Pixels of a `shape = (rows, cols)` grid whose centre lies inside the polygons of the vector
/// file at `path` (any format and CRS GDAL reads; reprojected to the grid's CRS).
pub fn aoi_mask(path: &Path, georef: &Georef, shape: (usize, usize)) -> Result<Array2<bool>> {
    use gdal::vector::ToGdal;
    let (features, warnings) = super::vector::read_features(path, georef)?;
    for w in warnings {
        tracing::warn!("{w}");
    }
    let geoms = features
        .iter()
        .map(|f| f.geometry.to_gdal())
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| Error::gdal(path, format!("AOI geometry: {e}")))?;
    if geoms.is_empty() {
        return Err(Error::input(path, "the AOI file holds no geometry"));
    }
    let (rows, cols) = shape;
    let driver = DriverManager::get_driver_by_name("MEM").map_err(|e| Error::gdal(path, e))?;
    let mut mem = driver
        .create_with_band_type::<u8, _>("", cols, rows, 1)
        .map_err(|e| Error::gdal(path, e))?;
    mem.set_geo_transform(&georef.transform.0)
        .map_err(|e| Error::gdal(path, e))?;
    let burn = vec![1.0; geoms.len()];
    gdal::raster::rasterize(&mut mem, &[1], &geoms, &burn, None)
        .map_err(|e| Error::gdal(path, format!("rasterising the AOI: {e}")))?;
    let buf = mem
        .rasterband(1)
        .and_then(|b| b.read_band_as::<u8>())
        .map_err(|e| Error::gdal(path, e))?;
    let (_, data) = buf.into_shape_and_vec();
    let inside = Array2::from_shape_vec(shape, data).map_err(|e| Error::gdal(path, e))?;
    Ok(inside.mapv(|v| v != 0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn detection_records_give_their_grid_s_ground_metres_per_unit() {
        // UTM, 30 m pixels of 900 m²: map units are metres.
        let utm = json!({"grid": {"epsg": 32616, "pixel_area_m2": 900.0,
            "geotransform": [452475.0, 30.0, 0.0, 3408645.0, 0.0, -30.0]}});
        assert_eq!(detection_grid_m_per_unit(&utm), 1.0);
        // The Pensacola crop warped to Web Mercator (`seamfire detect`'s record): 34.9659 map
        // units per pixel, 900.49 m² of ground: √900.492149747575 / 34.965858496284284.
        let merc = json!({"grid": {"epsg": 3857, "pixel_area_m2": 900.492149747575,
            "geotransform": [-9740103.15, 34.965858496284284, 0.0, 3608169.87, 0.0,
                -34.965858496284284]}});
        assert!((detection_grid_m_per_unit(&merc) - 0.858_214_345_8).abs() < 1e-9);
        // Geographic grids (degrees, handled as such) and records without the fields: 1.
        let lonlat = json!({"grid": {"epsg": 4326, "pixel_area_m2": 4000.0,
            "geotransform": [-118.4, 0.000631, 0.0, 34.1, 0.0, -0.000631]}});
        assert_eq!(detection_grid_m_per_unit(&lonlat), 1.0);
        assert_eq!(detection_grid_m_per_unit(&json!({})), 1.0);
    }
}

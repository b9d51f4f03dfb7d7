//! The demo season's vector layers as RFC 7946 GeoJSON (WGS 84 longitude/latitude): the known
//! burning zones (`known_fires.geojson`: polygons with `id` and `name`), roads, the river and
//! houses, and the truth of the season (`season_truth.json`). The geometry is made in the
//! season's pixel space and taken through the grid's geotransform and GDAL/OSR to lon/lat.

use gdal::spatial_ref::{AxisMappingStrategy, CoordTransform, SpatialRef};
use serde_json::{Value, json};

use super::season::{Course, PASSES, SeasonPlan, fires};
use crate::error::{Error, Result};
use crate::raster::Georef;

/// Pixel `(row, col)` coordinates → lon/lat through the grid and its CRS.
pub(crate) struct ToLonLat {
    georef: Georef,
    transform: CoordTransform,
}

impl ToLonLat {
    pub fn new(georef: &Georef) -> Result<Self> {
        let bad = |e: gdal::errors::GdalError| Error::Usage(format!("season grid CRS: {e}"));
        let mut src =
            SpatialRef::from_epsg(georef.epsg.unwrap_or(super::SYNTH_EPSG)).map_err(bad)?;
        let mut dst = SpatialRef::from_epsg(4326).map_err(bad)?;
        src.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
        dst.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
        Ok(Self {
            georef: georef.clone(),
            transform: CoordTransform::new(&src, &dst).map_err(bad)?,
        })
    }

    /// `[[lon, lat], …]` of pixel-space points, rounded to 1e-7°.
    pub fn coords(&self, rc: &[(f64, f64)]) -> Result<Vec<[f64; 2]>> {
        let (mut xs, mut ys): (Vec<f64>, Vec<f64>) = rc
            .iter()
            .map(|&(r, c)| self.georef.transform.pixel_to_map(r, c))
            .unzip();
        let mut zs = vec![0.0; xs.len()];
        self.transform
            .transform_coords(&mut xs, &mut ys, &mut zs)
            .map_err(|e| Error::Usage(format!("season coordinates: {e}")))?;
        Ok(xs
            .into_iter()
            .zip(ys)
            .map(|(x, y)| [round7(x), round7(y)])
            .collect())
    }

    fn ring(&self, rc: &[(f64, f64)]) -> Result<Value> {
        let mut pts = self.coords(rc)?;
        // RFC 7946: exterior rings counter-clockwise (lon/lat signed area > 0).
        if signed_area(&pts) < 0.0 {
            pts.reverse();
        }
        if let Some(&first) = pts.first() {
            pts.push(first);
        }
        Ok(json!({"type": "Polygon", "coordinates": [pts]}))
    }
}

fn round7(v: f64) -> f64 {
    (v * 1e7).round() / 1e7
}

fn signed_area(p: &[[f64; 2]]) -> f64 {
    (0..p.len())
        .map(|i| {
            let (a, b) = (p[i], p[(i + 1) % p.len()]);
            a[0] * b[1] - b[0] * a[1]
        })
        .sum::<f64>()
        / 2.0
}

fn collection(name: &str, features: Vec<Value>) -> Value {
    json!({"type": "FeatureCollection", "name": name, "features": features})
}

/// `known_fires.geojson`: the inventory (what a survey technician is handed).
pub(crate) fn known_fires(plan: &SeasonPlan, t: &ToLonLat) -> Result<Value> {
    let features = plan
        .known
        .iter()
        .map(|k| {
            Ok(json!({
                "type": "Feature",
                "properties": {"id": k.id, "name": k.name},
                "geometry": t.ring(&k.ring_rc)?,
            }))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(collection("known burning zones", features))
}

/// The river as a polygon: its centre line offset by half its width on both sides.
fn river_polygon(plan: &SeasonPlan) -> Vec<(f64, f64)> {
    let line = &plan.river_rc;
    let h = plan.river_width_px / 2.0;
    let normal = |i: usize| {
        let a = line[i.saturating_sub(1)];
        let b = line[(i + 1).min(line.len() - 1)];
        let (dr, dc) = (b.0 - a.0, b.1 - a.1);
        let n = dr.hypot(dc).max(1e-9);
        (-dc / n, dr / n)
    };
    let left: Vec<(f64, f64)> = (0..line.len())
        .map(|i| {
            let n = normal(i);
            (line[i].0 + h * n.0, line[i].1 + h * n.1)
        })
        .collect();
    let right = (0..line.len()).rev().map(|i| {
        let n = normal(i);
        (line[i].0 - h * n.0, line[i].1 - h * n.1)
    });
    left.into_iter().chain(right).collect()
}

pub(crate) fn water(plan: &SeasonPlan, t: &ToLonLat) -> Result<Value> {
    let f = json!({
        "type": "Feature",
        "properties": {"name": "river", "kind": "river", "width_m": plan.river_width_px * 30.0},
        "geometry": t.ring(&river_polygon(plan))?,
    });
    Ok(collection("water", vec![f]))
}

pub(crate) fn roads(plan: &SeasonPlan, t: &ToLonLat) -> Result<Value> {
    let features = plan
        .roads
        .iter()
        .enumerate()
        .map(|(i, (class, line))| {
            Ok(json!({
                "type": "Feature",
                "properties": {"id": i + 1, "class": class},
                "geometry": {"type": "LineString", "coordinates": t.coords(line)?},
            }))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(collection("roads", features))
}

pub(crate) fn buildings(plan: &SeasonPlan, t: &ToLonLat) -> Result<Value> {
    let features = plan
        .houses
        .iter()
        .enumerate()
        .map(|(i, &((r, c), h))| {
            let ring = [
                (r - h, c - h),
                (r - h, c + h),
                (r + h, c + h),
                (r + h, c - h),
            ];
            Ok(json!({
                "type": "Feature",
                "properties": {"id": i + 1, "kind": "house"},
                "geometry": t.ring(&ring)?,
            }))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(collection("buildings", features))
}

fn course_name(c: Course) -> &'static str {
    match c {
        Course::Persistent => "persistent",
        Course::Extinguished => "extinguished",
        Course::Late => "late",
        Course::Cold => "cold",
    }
}

/// `season_truth.json`: every fire with its known zone (if any), centre, course and the passes
/// it burns on; the passes with their dates and presets.
pub(crate) fn truth(plan: &SeasonPlan, t: &ToLonLat) -> Result<Value> {
    let all = fires(plan);
    let mut out = Vec::new();
    for (k, f) in all.iter().enumerate() {
        let ll = t.coords(&[(f.core_rc.0, f.core_rc.1)])?[0];
        let known = plan.known.get(k);
        out.push(json!({
            "object_id": k + 1,
            "known_zone_id": known.map(|z| z.id.clone()),
            "known_zone_name": known.map(|z| z.name.clone()),
            "course": course_name(f.course),
            "burns_on": PASSES.iter().enumerate().filter(|(i, _)| f.course.burns_on(*i)).map(|(_, p)| p.id).collect::<Vec<_>>(),
            "lon": ll[0], "lat": ll[1],
            "row": f.core_rc.0, "col": f.core_rc.1,
            "radius_px": f.radius_px,
            "peak_night_k": f.peak_k,
        }));
    }
    Ok(json!({
        "generator": "seamfire synth --preset season",
        "version": env!("CARGO_PKG_VERSION"),
        "seed": plan.seed,
        "rows": plan.rows, "cols": plan.cols, "pixel_m": 30.0,
        "passes": PASSES,
        "known_zones": plan.known.len(),
        "new_fires": plan.new_fires.len(),
        "fires": out,
    }))
}

//! Fire-zone features: the exact footprint of each zone with the zone attributes of
//! detection.md §3, its perimeter, known-fire status, hazard distances and risk class.

use geo::MultiPolygon;

use super::ground::Ground;
use super::risk::RiskAssessment;
use super::table::{Field, FieldType, Value, field};
use crate::detect::cluster::FireZone;
use crate::detect::confidence;

/// One fire zone as a vector feature.
#[derive(Debug, Clone, PartialEq)]
pub struct ZoneFeature {
    pub zone: FireZone,
    /// Union of the zone's pixel footprints, native CRS.
    pub geometry: MultiPolygon<f64>,
    /// Length of every ring of `geometry` (holes included), ground metres ([`perimeter`]).
    pub perimeter_m: f64,
    /// Known zone `(id, name)` the zone lies in or near.
    pub known: Option<(String, Option<String>)>,
    /// `Some((id, name))` of the known non-fire heat source (`--exclude`) it lies in or near.
    pub excluded: Option<(String, Option<String>)>,
    pub dist_road_m: Option<f64>,
    pub dist_water_m: Option<f64>,
    pub dist_building_m: Option<f64>,
    pub risk: RiskAssessment,
    pub scene_id: String,
    pub acq_date: Option<String>,
}

/// Perimeter of a multipolygon in map units of a projected CRS: the length of all its rings
/// (`Ground::perimeter` measures it on any grid).
pub fn perimeter(mp: &MultiPolygon<f64>) -> f64 {
    Ground::Map.perimeter(mp)
}

/// Columns of `fire_zones.geojson` and the `fire_zones` GeoPackage layer, in order.
pub const ZONE_FIELDS: &[Field] = &[
    field("zone_id", FieldType::Integer),
    field("pixel_count", FieldType::Integer),
    field("area_m2", FieldType::Real),
    field("perimeter_m", FieldType::Real),
    field("max_t_k", FieldType::Real),
    field("mean_t_k", FieldType::Real),
    field("max_delta_k", FieldType::Real),
    field("max_z", FieldType::Real),
    field("confidence", FieldType::String),
    field("methods", FieldType::String),
    field("centroid_lon", FieldType::Real),
    field("centroid_lat", FieldType::Real),
    field("centroid_x", FieldType::Real),
    field("centroid_y", FieldType::Real),
    field("centroid_row", FieldType::Real),
    field("centroid_col", FieldType::Real),
    field("bbox_min_row", FieldType::Integer),
    field("bbox_min_col", FieldType::Integer),
    field("bbox_max_row", FieldType::Integer),
    field("bbox_max_col", FieldType::Integer),
    field("bbox_xmin", FieldType::Real),
    field("bbox_ymin", FieldType::Real),
    field("bbox_xmax", FieldType::Real),
    field("bbox_ymax", FieldType::Real),
    field("status", FieldType::String),
    field("known_zone_id", FieldType::String),
    field("known_zone_name", FieldType::String),
    field("excluded_site_id", FieldType::String),
    field("excluded_site_name", FieldType::String),
    field("dist_road_m", FieldType::Real),
    field("dist_water_m", FieldType::Real),
    field("dist_building_m", FieldType::Real),
    field("risk_intensity", FieldType::Integer),
    field("risk_size", FieldType::Integer),
    field("risk_proximity", FieldType::Integer),
    field("risk_score", FieldType::Integer),
    field("risk_class", FieldType::String),
    field("scene_id", FieldType::String),
    field("acq_date", FieldType::String),
];

/// A value that was single precision before widening (zone maxima of `f32` rasters), written
/// without the digits the widening added.
fn single(v: f64) -> Value {
    Value::real32(v as f32)
}

impl ZoneFeature {
    /// `excluded`, `known` or `new` (`hotspots::status`).
    pub fn status(&self) -> &'static str {
        super::hotspots::status(self.known.is_some(), self.excluded.is_some())
    }

    /// Values in [`ZONE_FIELDS`] order.
    pub fn values(&self) -> Vec<Value> {
        let z = &self.zone;
        let letter = confidence::letter(z.confidence);
        let methods: Vec<&str> = z.methods.iter().map(|m| m.name()).collect();
        vec![
            Value::Int(i64::from(z.id)),
            Value::Int(z.pixel_count as i64),
            Value::real(z.area_m2),
            Value::real(self.perimeter_m),
            single(z.max_t_k),
            Value::real(z.mean_t_k),
            single(z.max_delta_k),
            single(z.max_z),
            Value::opt_str((!letter.is_empty()).then_some(letter)),
            Value::Str(methods.join("+")),
            Value::degrees(z.centroid_lon),
            Value::degrees(z.centroid_lat),
            Value::real(z.centroid_x),
            Value::real(z.centroid_y),
            Value::real(z.centroid_row),
            Value::real(z.centroid_col),
            Value::Int(z.bbox_px[0] as i64),
            Value::Int(z.bbox_px[1] as i64),
            Value::Int(z.bbox_px[2] as i64),
            Value::Int(z.bbox_px[3] as i64),
            Value::real(z.bbox_map[0]),
            Value::real(z.bbox_map[1]),
            Value::real(z.bbox_map[2]),
            Value::real(z.bbox_map[3]),
            Value::Str(self.status().into()),
            Value::opt_str(self.known.as_ref().map(|k| k.0.as_str())),
            Value::opt_str(self.known.as_ref().and_then(|k| k.1.as_deref())),
            Value::opt_str(self.excluded.as_ref().map(|k| k.0.as_str())),
            Value::opt_str(self.excluded.as_ref().and_then(|k| k.1.as_deref())),
            Value::opt_real(self.dist_road_m),
            Value::opt_real(self.dist_water_m),
            Value::opt_real(self.dist_building_m),
            Value::Int(i64::from(self.risk.intensity)),
            Value::Int(i64::from(self.risk.size)),
            Value::Int(i64::from(self.risk.proximity)),
            Value::Int(i64::from(self.risk.score)),
            Value::Str(self.risk.class.name().into()),
            Value::Str(self.scene_id.clone()),
            Value::opt_str(self.acq_date.as_deref()),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raster::GeoTransform;
    use crate::vector::polygonize::zone_polygon;
    use ndarray::Array2;

    #[test]
    fn perimeter_counts_hole_edges() {
        // 3x3 ring of 8 pixels around a hole, 30 m pixels: outer 4·90, hole 4·30.
        let gt = GeoTransform([0.0, 30.0, 0.0, 0.0, 0.0, -30.0]);
        let mut labels = Array2::<u32>::ones((3, 3));
        labels[[1, 1]] = 0;
        let mp = zone_polygon(&labels, 1, [0, 0, 2, 2], &gt);
        assert_eq!(perimeter(&mp), 480.0);
    }
}

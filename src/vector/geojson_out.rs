//! RFC 7946 GeoJSON text: WGS84 longitude/latitude (in that order) rounded to 7 decimals, no
//! `crs` member, polygons with counter-clockwise exteriors and clockwise holes, properties in
//! schema order.

use std::fmt::Write as _;
use std::io::Write;

use geo::orient::Direction;
use geo::{Geometry, LineString, Orient, Polygon};

use super::table::{Field, Value, round7};

fn coord(out: &mut String, x: f64, y: f64) {
    let _ = write!(out, "[{},{}]", round7(x), round7(y));
}

fn ring(out: &mut String, ls: &LineString<f64>) {
    out.push('[');
    for (i, c) in ls.0.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        coord(out, c.x, c.y);
    }
    out.push(']');
}

fn polygon_rings(out: &mut String, p: &Polygon<f64>) {
    out.push('[');
    ring(out, p.exterior());
    for h in p.interiors() {
        out.push(',');
        ring(out, h);
    }
    out.push(']');
}

/// Writes `g` (lon/lat) as a GeoJSON geometry object; a one-part multipolygon is written as a
/// Polygon. Types other than points and polygons are written as `null`.
pub fn geometry(out: &mut String, g: &Geometry<f64>) {
    match g {
        Geometry::Point(p) => {
            out.push_str(r#"{"type":"Point","coordinates":"#);
            coord(out, p.x(), p.y());
            out.push('}');
        }
        Geometry::Polygon(p) => {
            out.push_str(r#"{"type":"Polygon","coordinates":"#);
            polygon_rings(out, &p.orient(Direction::Default));
            out.push('}');
        }
        Geometry::MultiPolygon(mp) if mp.0.len() == 1 => {
            geometry(out, &Geometry::Polygon(mp.0[0].clone()));
        }
        Geometry::MultiPolygon(mp) if !mp.0.is_empty() => {
            out.push_str(r#"{"type":"MultiPolygon","coordinates":["#);
            for (i, p) in mp.0.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                polygon_rings(out, &p.orient(Direction::Default));
            }
            out.push_str("]}");
        }
        _ => out.push_str("null"),
    }
}

/// A property value as JSON.
pub fn value(out: &mut String, v: &Value) {
    match v {
        Value::Str(s) => {
            out.push_str(&serde_json::to_string(s).unwrap_or_else(|_| "null".into()));
        }
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        other => out.push_str(other.text().as_deref().unwrap_or("null")),
    }
}

/// The text of one feature (geometry in lon/lat, values in `fields` order), without separator.
pub fn feature(out: &mut String, fields: &[Field], g: &Geometry<f64>, values: &[Value]) {
    out.push_str(r#"{"type":"Feature","properties":{"#);
    for (j, (f, v)) in fields.iter().zip(values).enumerate() {
        if j > 0 {
            out.push(',');
        }
        out.push_str(&serde_json::to_string(f.name).unwrap_or_default());
        out.push(':');
        value(out, v);
    }
    out.push_str(r#"},"geometry":"#);
    geometry(out, g);
    out.push('}');
}

/// A FeatureCollection's text before its first feature, between features (the separator before
/// feature `i`), and after its last one.
const OPEN: &str = "{\"type\":\"FeatureCollection\",\"features\":[";
const CLOSE: &str = "\n]}\n";
fn separator(i: usize) -> &'static str {
    if i == 0 { "\n" } else { ",\n" }
}

/// Writes a FeatureCollection feature by feature to `W` (a staging file), one feature per line:
/// the same bytes as [`feature_collection`] without holding more than one feature's text.
pub struct FeatureCollectionWriter<'f, W: Write> {
    out: W,
    fields: &'f [Field],
    features: usize,
    buf: String,
}

impl<'f, W: Write> FeatureCollectionWriter<'f, W> {
    /// Writes the collection's opening to `out`.
    pub fn new(mut out: W, fields: &'f [Field]) -> std::io::Result<Self> {
        out.write_all(OPEN.as_bytes())?;
        Ok(Self {
            out,
            fields,
            features: 0,
            buf: String::new(),
        })
    }

    /// Appends one feature.
    pub fn feature(&mut self, g: &Geometry<f64>, values: &[Value]) -> std::io::Result<()> {
        self.buf.clear();
        self.buf.push_str(separator(self.features));
        feature(&mut self.buf, self.fields, g, values);
        self.features += 1;
        self.out.write_all(self.buf.as_bytes())
    }

    /// Closes the collection and returns the sink (not flushed).
    pub fn finish(mut self) -> std::io::Result<W> {
        self.out.write_all(CLOSE.as_bytes())?;
        Ok(self.out)
    }
}

/// A FeatureCollection of `features` (geometry in lon/lat, values in `fields` order), one
/// feature per line. No features gives a valid empty collection.
pub fn feature_collection<'a>(
    fields: &[Field],
    features: impl IntoIterator<Item = (&'a Geometry<f64>, &'a [Value])>,
) -> String {
    let mut out = String::from(OPEN);
    for (i, (g, values)) in features.into_iter().enumerate() {
        out.push_str(separator(i));
        feature(&mut out, fields, g, values);
    }
    out.push_str(CLOSE);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vector::table::{FieldType, field};
    use geo::{Coord, MultiPolygon, Point, Winding};

    #[test]
    fn points_round_to_seven_decimals_lon_first() {
        let fields = [
            field("name", FieldType::String),
            field("t_k", FieldType::Real),
            field("ok", FieldType::Boolean),
        ];
        let g = Geometry::Point(Point::new(-57.123456789, -19.987654321));
        let vals = [Value::Str("a\"b".into()), Value::Null, Value::Bool(true)];
        let text = feature_collection(&fields, [(&g, &vals[..])]);
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        let f = &v["features"][0];
        assert_eq!(f["geometry"]["coordinates"][0], -57.1234568);
        assert_eq!(f["geometry"]["coordinates"][1], -19.9876543);
        assert_eq!(f["properties"]["name"], "a\"b");
        assert!(f["properties"]["t_k"].is_null());
        assert_eq!(f["properties"]["ok"], true);
        assert!(v.get("crs").is_none());
        // The geojson crate reads it.
        assert!(text.parse::<geojson::GeoJson>().is_ok());
    }

    #[test]
    fn empty_collection_is_valid() {
        let text = feature_collection(&[], std::iter::empty());
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["features"].as_array().unwrap().len(), 0);
    }

    #[test]
    fn clockwise_input_is_written_counter_clockwise() {
        let c = |x, y| Coord { x, y };
        let cw = LineString(vec![
            c(0.0, 0.0),
            c(0.0, 1.0),
            c(1.0, 1.0),
            c(1.0, 0.0),
            c(0.0, 0.0),
        ]);
        assert!(cw.is_cw());
        let g = Geometry::MultiPolygon(MultiPolygon(vec![Polygon::new(cw, vec![])]));
        let mut out = String::new();
        geometry(&mut out, &g);
        let gj: geojson::Geometry = out.parse().unwrap();
        let poly: Polygon<f64> = gj.try_into().unwrap();
        assert!(poly.exterior().is_ccw());
    }
}

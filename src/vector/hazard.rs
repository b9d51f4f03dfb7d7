//! Hazard context: ground distance (m; `ground`: Euclidean in a projected CRS, on the WGS84
//! ellipsoid in a geographic one) from a fire zone to the nearest road, water body and
//! building of optional asset layers.

use geo::{BoundingRect, Geometry, Rect};
use serde::{Deserialize, Serialize};

use super::ground::Ground;

/// Kinds of asset layers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AssetKind {
    Road,
    Water,
    Building,
}

impl AssetKind {
    pub const ALL: [AssetKind; 3] = [AssetKind::Road, AssetKind::Water, AssetKind::Building];

    pub fn name(self) -> &'static str {
        match self {
            AssetKind::Road => "road",
            AssetKind::Water => "water",
            AssetKind::Building => "building",
        }
    }
}

/// The geometries of one asset layer, in the native CRS.
#[derive(Debug, Clone)]
pub struct AssetLayer {
    pub kind: AssetKind,
    /// The file it came from.
    pub source: String,
    pub geometries: Vec<Geometry<f64>>,
    /// How map units become metres ([`AssetLayer::with_ground`]; map units by default).
    pub ground: Ground,
    rects: Vec<Rect<f64>>,
}

impl AssetLayer {
    /// Empty geometries are dropped.
    pub fn new(kind: AssetKind, source: String, geometries: Vec<Geometry<f64>>) -> AssetLayer {
        let (geometries, rects) = geometries
            .into_iter()
            .filter_map(|g| {
                let r = g.bounding_rect()?;
                Some((g, r))
            })
            .unzip();
        AssetLayer {
            kind,
            source,
            geometries,
            ground: Ground::Map,
            rects,
        }
    }

    /// The same layer measured as `ground` says (its geometries are in map units of a grid of
    /// that kind).
    pub fn with_ground(self, ground: Ground) -> AssetLayer {
        AssetLayer { ground, ..self }
    }

    /// Distance from `g` to the nearest asset (0 when they touch or overlap); `None` when the
    /// layer is empty. Assets are visited nearest bounding box first and skipped once their box
    /// is farther than the best distance found.
    pub fn distance_to(&self, g: &Geometry<f64>) -> Option<f64> {
        let rect = g.bounding_rect()?;
        let mut order: Vec<(f64, usize)> = self
            .rects
            .iter()
            .enumerate()
            .map(|(i, r)| (self.ground.rect_lower_bound(&rect, r), i))
            .collect();
        order.sort_by(|a, b| a.0.total_cmp(&b.0));
        let frame = self.ground.frame(g);
        let mapped = frame.map(g);
        let mut best: Option<f64> = None;
        for (lower, i) in order {
            if best.is_some_and(|b| lower >= b) {
                break;
            }
            let d = frame.distance(&mapped, &self.geometries[i]);
            if best.is_none_or(|b| d < b) {
                best = Some(d);
            }
            if d == 0.0 {
                break;
            }
        }
        best
    }
}

/// The asset layers given on the command line.
#[derive(Debug, Clone, Default)]
pub struct Assets {
    pub layers: Vec<AssetLayer>,
}

impl Assets {
    /// The layer of one kind.
    pub fn layer(&self, kind: AssetKind) -> Option<&AssetLayer> {
        self.layers.iter().find(|l| l.kind == kind)
    }

    /// Distance to the nearest asset of `kind`; `None` without such a layer or when it is empty.
    pub fn distance(&self, kind: AssetKind, g: &Geometry<f64>) -> Option<f64> {
        self.layer(kind)?.distance_to(g)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vector::inventory::tests::square;
    use geo::{Coord, LineString, Point};

    fn line(a: (f64, f64), b: (f64, f64)) -> Geometry<f64> {
        Geometry::LineString(LineString(vec![
            Coord { x: a.0, y: a.1 },
            Coord { x: b.0, y: b.1 },
        ]))
    }

    #[test]
    fn distances_to_lines_and_polygons() {
        // Zone: the 30 m square [0, 30]².
        let zone = Geometry::MultiPolygon(square(0.0, 0.0, 30.0));
        let roads = AssetLayer::new(
            AssetKind::Road,
            "roads.geojson".into(),
            vec![
                // Vertical road at x = 130: 100 m east.
                line((130.0, -500.0), (130.0, 500.0)),
                // Horizontal road at y = 270: 240 m north.
                line((-500.0, 270.0), (500.0, 270.0)),
            ],
        );
        assert_eq!(roads.distance_to(&zone), Some(100.0));
        // Building: 10 m square whose nearest corner (70, 70) is (40, 40) from (30, 30).
        let buildings = AssetLayer::new(
            AssetKind::Building,
            "b.gpkg".into(),
            vec![Geometry::MultiPolygon(square(70.0, 70.0, 10.0))],
        );
        let d = buildings.distance_to(&zone).unwrap();
        assert!((d - 40.0 * 2f64.sqrt()).abs() < 1e-9, "{d}");
        // A lake overlapping the zone: 0.
        let water = AssetLayer::new(
            AssetKind::Water,
            "w.shp".into(),
            vec![Geometry::MultiPolygon(square(20.0, 20.0, 100.0))],
        );
        assert_eq!(water.distance_to(&zone), Some(0.0));
        let assets = Assets {
            layers: vec![roads, buildings, water],
        };
        assert_eq!(assets.distance(AssetKind::Road, &zone), Some(100.0));
        let p = Geometry::Point(Point::new(130.0, 0.0));
        assert_eq!(assets.distance(AssetKind::Road, &p), Some(0.0));
        let empty = AssetLayer::new(AssetKind::Road, "e".into(), vec![]);
        assert_eq!(empty.distance_to(&zone), None);
    }

    #[test]
    fn geographic_distances_are_geodesic_metres() {
        use geo::{Distance, Geodesic, Polygon};
        // A one-pixel zone of the ECOSTRESS grid (0.000631253314490°) at 33.9° N and a
        // meridian road 0.01° east of its east edge.
        let w = 0.000631253314490;
        let (x0, y0) = (-118.42, 33.90);
        let zone = Geometry::Polygon(Polygon::new(
            LineString::from(vec![(x0, y0), (x0 + w, y0), (x0 + w, y0 + w), (x0, y0 + w)]),
            vec![],
        ));
        let road_lon = x0 + w + 0.01;
        let roads = AssetLayer::new(
            AssetKind::Road,
            "roads.geojson".into(),
            vec![line((road_lon, 33.5), (road_lon, 34.5))],
        )
        .with_ground(Ground::Geographic);
        // Independent: the nearest point is the zone's north-east corner (a degree of longitude
        // shrinks northwards); Karney's inverse from it to the road at its latitude. By hand,
        // N cos φ Δλ at φ = 33.900631° is 924.922 m (python3, WGS84).
        let corner = Point::new(x0 + w, y0 + w);
        let truth = Geodesic.distance(corner, Point::new(road_lon, y0 + w));
        let got = roads.distance_to(&zone).unwrap();
        assert!((got - truth).abs() < 0.01, "{got} vs {truth}");
        assert!((got - 924.922).abs() < 0.01, "{got}");
    }
}

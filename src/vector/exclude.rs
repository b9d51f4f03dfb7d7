//! Known non-fire heat sources (`--exclude`): refineries, power plants, steel works, gas flares,
//! kilns. An anomaly within `buffer_m` of one is reported with status `excluded`: it stays in
//! the hotspots and fire-zone layers (never silently dropped, as FIRMS keeps its static and
//! industrial sources with their own type), but it is not a new anomaly, not a map sheet and
//! not a report line. Geometry in the scene's native CRS; the buffer in ground metres
//! (`ground`).

use geo::{BoundingRect, Geometry, Rect};

use super::ground::Ground;
use super::inventory::nearest_within;

/// One excluded site (points, lines or polygons).
#[derive(Debug, Clone, PartialEq)]
pub struct ExcludedSite {
    pub id: String,
    pub name: Option<String>,
    pub geometry: Geometry<f64>,
}

/// The exclusion layer and its buffer.
#[derive(Debug, Clone)]
pub struct Exclusions {
    pub sites: Vec<ExcludedSite>,
    pub buffer_m: f64,
    /// The file the sites came from.
    pub source: String,
    /// How map units become metres ([`Exclusions::with_ground`]; map units by default).
    pub ground: Ground,
    rects: Vec<Option<Rect<f64>>>,
    geoms: Vec<Geometry<f64>>,
}

impl Exclusions {
    pub fn new(sites: Vec<ExcludedSite>, buffer_m: f64, source: String) -> Exclusions {
        let rects = sites.iter().map(|s| s.geometry.bounding_rect()).collect();
        let geoms = sites.iter().map(|s| s.geometry.clone()).collect();
        Exclusions {
            sites,
            buffer_m,
            source,
            ground: Ground::Map,
            rects,
            geoms,
        }
    }

    /// The same layer measured as `ground` says (its geometries are in map units of a grid of
    /// that kind).
    pub fn with_ground(self, ground: Ground) -> Exclusions {
        Exclusions { ground, ..self }
    }

    /// `(id, name)` of the nearest site within `buffer_m` ground metres of `g` (map units of
    /// the raster's CRS), if any.
    pub fn site_near(&self, g: &Geometry<f64>) -> Option<(String, Option<String>)> {
        nearest_within(self.ground, &self.geoms, &self.rects, self.buffer_m, g).map(|(i, _)| {
            let s = &self.sites[i];
            (s.id.clone(), s.name.clone())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Point, polygon};

    fn layer(buffer_m: f64) -> Exclusions {
        Exclusions::new(
            vec![
                ExcludedSite {
                    id: "refinery".into(),
                    name: Some("Refinery".into()),
                    geometry: Geometry::Polygon(polygon![
                        (x: 0.0, y: 0.0), (x: 100.0, y: 0.0), (x: 100.0, y: 100.0), (x: 0.0, y: 100.0)
                    ]),
                },
                ExcludedSite {
                    id: "flare".into(),
                    name: None,
                    geometry: Geometry::Point(Point::new(1000.0, 0.0)),
                },
            ],
            buffer_m,
            "sites.geojson".into(),
        )
    }

    #[test]
    fn anomalies_inside_or_within_the_buffer_are_excluded() {
        let l = layer(50.0);
        let at = |x: f64, y: f64| l.site_near(&Geometry::Point(Point::new(x, y)));
        assert_eq!(at(50.0, 50.0).unwrap().0, "refinery", "inside the polygon");
        // 149 m east of the polygon's edge at x = 100: 49 m < 50 m buffer.
        assert_eq!(at(149.0, 50.0).unwrap().0, "refinery");
        assert_eq!(at(151.0, 50.0), None, "51 m from the polygon");
        // A point site: distances to the point itself (3-4-5 triangle: 50 m).
        assert_eq!(at(1030.0, 40.0).unwrap(), ("flare".to_string(), None));
        assert_eq!(at(1030.0, 41.0), None);
    }

    #[test]
    fn geographic_buffers_are_ground_metres() {
        // The bug report: an ECOSTRESS (EPSG:4326) scene near Los Angeles, one exclusion point,
        // `--exclude-buffer-m 1000`. Compared in degrees, every anomaly within 1000° was
        // excluded. Anomalies 500 m and 30 km from the site (Karney's direct problem on WGS84):
        use geo::{Destination, Geodesic};
        let site = Point::new(-118.412, 33.912);
        let l = Exclusions::new(
            vec![ExcludedSite {
                id: "plant".into(),
                name: None,
                geometry: Geometry::Point(site),
            }],
            1000.0,
            "pts.geojson".into(),
        )
        .with_ground(Ground::Geographic);
        let at = |az: f64, d: f64| l.site_near(&Geometry::Point(Geodesic.destination(site, az, d)));
        assert_eq!(at(30.0, 500.0).unwrap().0, "plant");
        assert_eq!(at(120.0, 999.0).unwrap().0, "plant");
        assert_eq!(at(120.0, 1001.0), None);
        assert_eq!(at(250.0, 30_000.0), None, "30 km away");
        // A one-pixel zone footprint (0.000631° ≈ 58 x 70 m) whose nearest corner is 990 m or
        // 1010 m due north of the site.
        let zone = |d: f64| {
            let c = Geodesic.destination(site, 0.0, d);
            let w = 0.000631253314490;
            Geometry::Polygon(geo::polygon![
                (x: c.x() - w / 2.0, y: c.y()), (x: c.x() + w / 2.0, y: c.y()),
                (x: c.x() + w / 2.0, y: c.y() + w), (x: c.x() - w / 2.0, y: c.y() + w)
            ])
        };
        assert!(l.site_near(&zone(990.0)).is_some());
        assert!(l.site_near(&zone(1010.0)).is_none());
        // Without the ground measure (map units), 30 km = 0.27° is "within 1000".
        let degrees = Exclusions::new(l.sites.clone(), 1000.0, "pts.geojson".into());
        let far = Geometry::Point(Geodesic.destination(site, 250.0, 30_000.0));
        assert!(degrees.site_near(&far).is_some());
    }
}

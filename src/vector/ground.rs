//! Ground metres from map coordinates: the distances, lengths and areas of geometries given in
//! the raster's CRS.
//!
//! On a projected grid the CRS units are metres and every measure is Euclidean in the CRS, as a
//! GIS measures a projected layer. On a geographic grid (longitude/latitude degrees, e.g.
//! ECOSTRESS in EPSG:4326) the measures are taken on the WGS84 ellipsoid, as PostGIS does for
//! `geography`:
//!
//! * distances in a local azimuthal equidistant frame centred on the query geometry (the
//!   hotspot, fire zone or grid outline whose neighbours are sought): every vertex is placed at
//!   its geodesic distance and azimuth from the centre (Karney 2013, `geo::Geodesic`), then
//!   distances are Euclidean in that frame. Distances from the centre are exact; between two
//!   points within `r` of the centre the frame overstates the geodesic distance by at most a
//!   factor `1 + (r/R)²/6` (`R` ≈ 6371 km): under 0.01 mm at 1 km, 4 mm at 10 km, 4 m at
//!   100 km (checked in the tests below). Segments longer than [`MAX_SEGMENT_DEG`] are split
//!   first, so that a segment stays the straight line in longitude/latitude of RFC 7946 to
//!   within 1.3 cm.
//! * lengths (fire-zone perimeters): the geodesic length of each segment;
//! * areas (known zones): the geodesic polygon area (Karney 2013), exact for geodesic edges.
//!
//! Output geometries stay in the raster's CRS; only the measures change.

use std::borrow::Cow;

use geo::{
    Area, Bearing, BoundingRect, Coord, Densify, Distance, Euclidean, Geodesic, GeodesicArea,
    Geometry, Length, LineString, MapCoords, MultiPolygon, Point, Rect,
};

use crate::raster::{GeoTransform, Georef};
use geo::orient::{Direction, Orient};

/// Segments longer than this (degrees of longitude or latitude) are split before they are put
/// in a metric frame: 0.01° is at most 1.1 km, whose sagitta in the frame is ≤ 1.3 cm.
pub const MAX_SEGMENT_DEG: f64 = 0.01;

/// Metres per degree of latitude at the equator, the smallest anywhere (WGS84 meridional
/// radius of curvature `a(1 − e²)` × π/180).
const MIN_M_PER_DEG_LAT: f64 = 110_574.27;
/// Metres per degree of longitude on the equator (`a` × π/180); times `cos φ` a lower bound of
/// the length of a degree of longitude at latitude φ.
const M_PER_DEG_LON_EQUATOR: f64 = 111_319.49;

/// How map units of a grid's CRS become ground metres.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Ground {
    /// A projected CRS: map units are metres.
    #[default]
    Map,
    /// A geographic CRS: map units are degrees of longitude and latitude (WGS84 ellipsoid).
    Geographic,
    /// A projected CRS whose units are not ground metres at the grid
    /// ([`Georef::ground_m_per_unit`]: Web Mercator away from the equator, a CRS in feet):
    /// map units along x and y times `kx`, `ky` are metres. The factors are the grid centre's
    /// (Web Mercator's changes by 0.16 % over 10 km north–south at 45°).
    Scaled { kx: f64, ky: f64 },
}

impl Ground {
    /// The measure of `georef`'s CRS.
    pub fn of(georef: &Georef) -> Ground {
        if georef.is_geographic() {
            return Ground::Geographic;
        }
        match georef.ground_m_per_unit {
            Some((kx, ky)) => Ground::Scaled { kx, ky },
            None => Ground::Map,
        }
    }

    /// The frame in which distances from `near` (a geometry in map units) are measured.
    pub fn frame(self, near: &Geometry<f64>) -> Frame {
        match (self, near.bounding_rect()) {
            (Ground::Geographic, Some(r)) => Frame::Aeqd(Point::from(r.center())),
            (Ground::Scaled { kx, ky }, _) => Frame::Scaled { kx, ky },
            _ => Frame::Map,
        }
    }

    /// Ground distance (m) between two geometries in map units (0 when they touch or overlap).
    pub fn distance(self, a: &Geometry<f64>, b: &Geometry<f64>) -> f64 {
        let frame = self.frame(a);
        frame.distance(&frame.map(a), b)
    }

    /// A lower bound (m) of the ground distance between anything in rectangle `a` and anything
    /// in `b` (map units), to skip far geometries before measuring them.
    pub fn rect_lower_bound(self, a: &Rect<f64>, b: &Rect<f64>) -> f64 {
        // The gaps between the rectangles along x and y (0 where they overlap), map units.
        let dx = (a.min().x - b.max().x).max(b.min().x - a.max().x).max(0.0);
        let dy = (a.min().y - b.max().y).max(b.min().y - a.max().y).max(0.0);
        match self {
            Ground::Map => dx.hypot(dy),
            Ground::Scaled { kx, ky } => (dx * kx).hypot(dy * ky),
            Ground::Geographic => {
                // A degree of longitude is shortest at the rectangles' highest |latitude|; the
                // 1 % margin covers geodesics bulging poleward and the frame's small excess.
                let lat = [a.min().y, a.max().y, b.min().y, b.max().y]
                    .iter()
                    .fold(0f64, |m, y| m.max(y.abs()))
                    .min(90.0);
                let kx = M_PER_DEG_LON_EQUATOR * lat.to_radians().cos();
                0.99 * (dx * kx).hypot(dy * MIN_M_PER_DEG_LAT)
            }
        }
    }

    /// Length (m) of every ring of `mp`, holes included.
    pub fn perimeter(self, mp: &MultiPolygon<f64>) -> f64 {
        let rings =
            mp.0.iter()
                .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()));
        match self {
            Ground::Map => rings.map(|r| Euclidean.length(r)).sum(),
            Ground::Scaled { kx, ky } => rings
                .map(|r| Euclidean.length(&r.map_coords(|c| scaled(c, kx, ky))))
                .sum(),
            Ground::Geographic => rings.map(|r| Geodesic.length(&clamped(r))).sum(),
        }
    }

    /// Area (m²) of `mp`.
    pub fn area(self, mp: &MultiPolygon<f64>) -> f64 {
        match self {
            Ground::Map => mp.unsigned_area(),
            Ground::Scaled { kx, ky } => mp.unsigned_area() * kx * ky,
            // Per polygon, so that the orientation of one part does not cancel another.
            // Exterior counter-clockwise first: Karney's area is that of the region to the left.
            Ground::Geographic => {
                mp.0.iter()
                    .map(|p| p.orient(Direction::Default).geodesic_area_unsigned())
                    .sum()
            }
        }
    }

    /// Ground area (m²) of a pixel of row `row` of grid `gt`.
    pub fn pixel_area_m2(self, gt: &GeoTransform, row: f64) -> f64 {
        match self {
            Ground::Map => gt.pixel_area(),
            Ground::Scaled { kx, ky } => gt.pixel_area() * kx * ky,
            Ground::Geographic => {
                let (w, h) = gt.geodesic_pixel_m(row);
                w * h
            }
        }
    }
}

/// `c` with x and y multiplied by `kx` and `ky` (map units to ground metres).
fn scaled(c: Coord<f64>, kx: f64, ky: f64) -> Coord<f64> {
    Coord {
        x: c.x * kx,
        y: c.y * ky,
    }
}

/// Latitudes clamped to ±90° (a ring at a grid's polar edge can overshoot by rounding).
fn clamped(r: &LineString<f64>) -> LineString<f64> {
    r.map_coords(|c| Coord {
        x: c.x,
        y: c.y.clamp(-90.0, 90.0),
    })
}

/// Where distances are measured: map units (a projected CRS), map units scaled to metres
/// ([`Ground::Scaled`]), or a local azimuthal equidistant frame on the WGS84 ellipsoid centred on
/// a query geometry (metres).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Frame {
    /// Map units: a projected CRS in metres.
    Map,
    /// Map units times `kx`, `ky` ([`Ground::Scaled`]).
    Scaled { kx: f64, ky: f64 },
    /// The azimuthal equidistant frame around this point (lon/lat).
    Aeqd(Point<f64>),
}

impl Frame {
    /// `g` (map units) in this frame; borrowed unchanged in map units.
    pub fn map<'a>(&self, g: &'a Geometry<f64>) -> Cow<'a, Geometry<f64>> {
        match *self {
            Frame::Map => Cow::Borrowed(g),
            Frame::Scaled { kx, ky } => Cow::Owned(g.map_coords(|c| scaled(c, kx, ky))),
            Frame::Aeqd(c) => Cow::Owned(to_aeqd(c, g)),
        }
    }

    /// Ground distance (m) from `mapped` (already in this frame, [`Frame::map`]) to `g` (map
    /// units).
    pub fn distance(&self, mapped: &Geometry<f64>, g: &Geometry<f64>) -> f64 {
        Euclidean.distance(mapped, self.map(g).as_ref())
    }
}

/// Azimuthal equidistant coordinates (m, x east, y north) of `(lon, lat)` around `c`.
fn aeqd(c: Point<f64>, p: Coord<f64>) -> Coord<f64> {
    let p = Point::new(p.x, p.y.clamp(-90.0, 90.0));
    let d = Geodesic.distance(c, p);
    if d == 0.0 {
        return Coord { x: 0.0, y: 0.0 };
    }
    let az = Geodesic.bearing(c, p).to_radians();
    Coord {
        x: d * az.sin(),
        y: d * az.cos(),
    }
}

/// `g` in the azimuthal equidistant frame around `c`, long segments split first.
fn to_aeqd(c: Point<f64>, g: &Geometry<f64>) -> Geometry<f64> {
    let f = |p: Coord<f64>| aeqd(c, p);
    let step = MAX_SEGMENT_DEG;
    match g {
        Geometry::Point(_) | Geometry::MultiPoint(_) => g.map_coords(f),
        Geometry::Line(l) => Geometry::LineString(Euclidean.densify(l, step).map_coords(f)),
        Geometry::LineString(l) => Geometry::LineString(Euclidean.densify(l, step).map_coords(f)),
        Geometry::MultiLineString(l) => {
            Geometry::MultiLineString(Euclidean.densify(l, step).map_coords(f))
        }
        Geometry::Polygon(p) => Geometry::Polygon(Euclidean.densify(p, step).map_coords(f)),
        Geometry::MultiPolygon(p) => {
            Geometry::MultiPolygon(Euclidean.densify(p, step).map_coords(f))
        }
        Geometry::Rect(r) => Geometry::Polygon(Euclidean.densify(r, step).map_coords(f)),
        Geometry::Triangle(t) => Geometry::Polygon(Euclidean.densify(t, step).map_coords(f)),
        Geometry::GeometryCollection(gc) => Geometry::GeometryCollection(
            gc.0.iter()
                .map(|g| to_aeqd(c, g))
                .collect::<Vec<_>>()
                .into(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Destination, LineString, Polygon};

    /// The ECOSTRESS LA scene's latitude, where the bug was seen.
    const LA: (f64, f64) = (-118.412, 33.912);

    fn pt(lon: f64, lat: f64) -> Geometry<f64> {
        Geometry::Point(Point::new(lon, lat))
    }

    #[test]
    fn scaled_grids_measure_map_units_times_their_factors() {
        // kx = 0.5, ky = 0.25 by hand: a 3-4-5 triangle in ground metres.
        let g = Ground::Scaled { kx: 0.5, ky: 0.25 };
        let (a, b) = (pt(100.0, 200.0), pt(106.0, 216.0));
        assert_eq!(g.distance(&a, &b), 5.0, "(6·0.5, 16·0.25) = (3, 4)");
        let ra = a.bounding_rect().unwrap();
        let rb = b.bounding_rect().unwrap();
        assert_eq!(g.rect_lower_bound(&ra, &rb), 5.0);
        // A 10 x 8 map-unit rectangle: ground 5 x 2, perimeter 14, area 10.
        let rect: MultiPolygon<f64> = vec![Polygon::new(
            LineString::from(vec![
                (0.0, 0.0),
                (10.0, 0.0),
                (10.0, 8.0),
                (0.0, 8.0),
                (0.0, 0.0),
            ]),
            vec![],
        )]
        .into();
        assert_eq!(g.perimeter(&rect), 14.0);
        assert_eq!(g.area(&rect), 10.0);
        let gt = GeoTransform([0.0, 10.0, 0.0, 0.0, 0.0, -8.0]);
        assert_eq!(g.pixel_area_m2(&gt, 3.0), 10.0);
    }

    #[test]
    fn point_distances_are_geodesic() {
        let a = Point::new(LA.0, LA.1);
        // Points 500 m, 30 km and 100 km from `a` (Karney's direct problem), and pairs of them:
        // the frame around the first point gives the geodesic (Karney inverse) distance.
        for (az, d) in [(0.0, 500.0), (77.0, 30_000.0), (200.0, 100_000.0)] {
            let b = Geodesic.destination(a, az, d);
            let got = Ground::Geographic.distance(&Geometry::Point(a), &Geometry::Point(b));
            assert!((got - d).abs() < 1e-6, "{got} vs {d}");
        }
        // Two points off the frame's centre: `q` and `q2` 10 km either side of `a` (the centre
        // of the query's bounding box is ≈ `a`), `s` 12 km from `a`, 55° from `q`: `q` is the
        // nearest and the frame gives its geodesic distance.
        let q = Geodesic.destination(a, 45.0, 10_000.0);
        let q2 = Geodesic.destination(a, 225.0, 10_000.0);
        let s = Geodesic.destination(a, 100.0, 12_000.0);
        let mp = Geometry::MultiPoint(vec![q, q2].into());
        let truth = Geodesic.distance(q, s);
        let got = Ground::Geographic.distance(&mp, &Geometry::Point(s));
        // Bound (r/R)²/6 with r = 12 km: 5.9e-7 of 10.4 km ≈ 6 mm.
        assert!((got - truth).abs() < 0.006, "{got} vs {truth}");
    }

    #[test]
    fn frame_error_is_within_the_stated_bound() {
        // Pairs of points within r of the frame's centre, at 34° N and 70° N, against Karney's
        // inverse: the frame's excess stays below the documented (r/R)²/6 (R = 6371 km).
        for lat in [34.0, 70.0] {
            let c = Point::new(-118.0, lat);
            for r in [1_000.0, 10_000.0, 100_000.0] {
                let bound = (r / 6_371_000f64).powi(2) / 6.0;
                let frame = Frame::Aeqd(c);
                for (az1, az2) in [(0.0, 90.0), (30.0, 200.0), (45.0, 135.0), (10.0, 350.0)] {
                    let p = Geodesic.destination(c, az1, r);
                    let q = Geodesic.destination(c, az2, 0.7 * r);
                    let got = frame.distance(&frame.map(&Geometry::Point(p)), &Geometry::Point(q));
                    let truth = Geodesic.distance(p, q);
                    let rel = (got - truth) / truth;
                    assert!(rel.abs() <= bound, "{lat}° r {r}: {rel:e} > {bound:e}");
                }
            }
        }
    }

    #[test]
    fn distances_to_lines_use_the_nearest_point() {
        // A meridian road at longitude lon0 + 0.01°, 0.2° long; a point on the parallel: the
        // nearest point is due east, at the geodesic distance along the parallel.
        let (lon0, lat0) = LA;
        let road = Geometry::LineString(LineString::from(vec![
            (lon0 + 0.01, lat0 - 0.1),
            (lon0 + 0.01, lat0 + 0.1),
        ]));
        let truth = Geodesic.distance(Point::new(lon0, lat0), Point::new(lon0 + 0.01, lat0));
        let got = Ground::Geographic.distance(&pt(lon0, lat0), &road);
        assert!((got - truth).abs() < 0.01, "{got} vs {truth}");
        // ≈ 924.80 m (N cos φ Δλ at 33.912° N, python3 with the WGS84 constants above), not
        // 0.01 "metres".
        assert!((got - 924.80).abs() < 0.01, "{got}");
    }

    #[test]
    fn projected_measures_are_the_map_units() {
        let sq = MultiPolygon(vec![Polygon::new(
            LineString::from(vec![(0.0, 0.0), (30.0, 0.0), (30.0, 30.0), (0.0, 30.0)]),
            vec![],
        )]);
        assert_eq!(Ground::Map.perimeter(&sq), 120.0);
        assert_eq!(Ground::Map.area(&sq), 900.0);
        let d = Ground::Map.distance(&Geometry::MultiPolygon(sq), &pt(33.0, 34.0));
        assert_eq!(d, 5.0);
        let gt = GeoTransform([0.0, 30.0, 0.0, 0.0, 0.0, -30.0]);
        assert_eq!(Ground::Map.pixel_area_m2(&gt, 7.0), 900.0);
    }

    #[test]
    fn geographic_pixel_perimeter_and_area() {
        // One ECOSTRESS pixel (0.000631253314490°) at 34° N.
        let dx = 0.000631253314490;
        let (x0, y0) = (-118.4, 34.0);
        let gt = GeoTransform([x0, dx, 0.0, y0, 0.0, -dx]);
        let px = MultiPolygon(vec![Polygon::new(
            LineString::from(vec![
                (x0, y0),
                (x0 + dx, y0),
                (x0 + dx, y0 - dx),
                (x0, y0 - dx),
            ]),
            vec![],
        )]);
        let (w, h) = gt.geodesic_pixel_m(0.0);
        // Independent: N cos φ Δλ = 58.318 m wide and M Δφ = 70.020 m high at φ = 33.99968°
        // (python3: a = 6378137, f = 1/298.257223563, N = a/√(1−e²sin²φ),
        // M = a(1−e²)/(1−e²sin²φ)^1.5).
        assert!(
            (w - 58.318).abs() < 0.01 && (h - 70.020).abs() < 0.01,
            "{w} {h}"
        );
        let p = Ground::Geographic.perimeter(&px);
        assert!((p - 2.0 * (w + h)).abs() < 1e-3, "{p} vs {}", 2.0 * (w + h));
        let a = Ground::Geographic.area(&px);
        assert!((a - w * h).abs() < 0.01, "{a} vs {}", w * h);
        assert!((Ground::Geographic.pixel_area_m2(&gt, 0.0) - w * h).abs() < 1e-9);
    }

    #[test]
    fn rect_lower_bound_never_exceeds_the_distance() {
        let a = Point::new(LA.0, LA.1);
        for (az, d) in [
            (0.0, 900.0),
            (90.0, 900.0),
            (45.0, 5_000.0),
            (250.0, 40_000.0f64),
        ] {
            let b = Geodesic.destination(a, az, d);
            let lb =
                Ground::Geographic.rect_lower_bound(&Rect::new(a.0, a.0), &Rect::new(b.0, b.0));
            assert!(lb <= d && lb > 0.97 * d, "{lb} vs {d} at {az}°");
        }
    }
}

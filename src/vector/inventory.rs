//! Known-fire inventory: which anomalies lie in (or within a buffer of) a known burning zone,
//! and what was seen in each known zone. Geometry in the scene's native CRS; distances and
//! areas in ground metres (`ground`: the CRS units when projected, the WGS84 ellipsoid when
//! geographic).

use std::collections::HashMap;

use geo::{Area, BooleanOps, BoundingRect, Contains, Geometry, MultiPolygon, Point, Rect};
use ndarray::Array2;

use super::ground::Ground;
use super::hotspots::Hotspot;
use super::table::{Field, FieldType, Value, field};
use crate::detect::confidence;
use crate::error::Result;
use crate::raster::{GeoTransform, PixelWindow};

/// One known burning zone (features of the inventory with the same id are merged).
#[derive(Debug, Clone, PartialEq)]
pub struct KnownZone {
    pub id: String,
    pub name: Option<String>,
    /// Native CRS.
    pub geometry: MultiPolygon<f64>,
}

/// Known zones and the distance within which an anomaly counts as known.
#[derive(Debug, Clone)]
pub struct Inventory {
    pub zones: Vec<KnownZone>,
    pub buffer_m: f64,
    /// The file the zones came from.
    pub source: String,
    /// How map units become metres ([`Inventory::with_ground`]; map units by default).
    pub ground: Ground,
    rects: Vec<Option<Rect<f64>>>,
    geoms: Vec<Geometry<f64>>,
}

/// The geometry of `geoms` nearest to `g` among those within `buffer_m` ground metres of it
/// (distance 0 when they intersect), as `(index, distance_m)`; ties go to the one listed first.
/// `rects` are the bounding rectangles of `geoms`, used to skip the far ones; all geometries
/// are in map units, measured as `ground` says.
pub fn nearest_within(
    ground: Ground,
    geoms: &[Geometry<f64>],
    rects: &[Option<Rect<f64>>],
    buffer_m: f64,
    g: &Geometry<f64>,
) -> Option<(usize, f64)> {
    let rect = g.bounding_rect()?;
    let frame = ground.frame(g);
    let mut mapped = None;
    let mut best: Option<(usize, f64)> = None;
    for (i, (zg, r)) in geoms.iter().zip(rects).enumerate() {
        let Some(r) = r else { continue };
        let lower = ground.rect_lower_bound(&rect, r);
        if lower > buffer_m || best.is_some_and(|(_, d)| lower >= d) {
            continue;
        }
        let gm = mapped.get_or_insert_with(|| frame.map(g));
        let d = frame.distance(gm, zg);
        if d <= buffer_m && best.is_none_or(|(_, b)| d < b) {
            best = Some((i, d));
        }
    }
    best
}

impl Inventory {
    pub fn new(zones: Vec<KnownZone>, buffer_m: f64, source: String) -> Inventory {
        let rects = zones.iter().map(|z| z.geometry.bounding_rect()).collect();
        let geoms = zones
            .iter()
            .map(|z| Geometry::MultiPolygon(z.geometry.clone()))
            .collect();
        Inventory {
            zones,
            buffer_m,
            source,
            ground: Ground::Map,
            rects,
            geoms,
        }
    }

    /// The same inventory measured as `ground` says (its geometries are in map units of a grid
    /// of that kind).
    pub fn with_ground(self, ground: Ground) -> Inventory {
        Inventory { ground, ..self }
    }

    /// The known zone nearest to `g` among those within `buffer_m` of it (distance 0 when
    /// they intersect), as `(index, distance_m)`; ties go to the zone listed first.
    pub fn nearest(&self, g: &Geometry<f64>) -> Option<(usize, f64)> {
        nearest_within(self.ground, &self.geoms, &self.rects, self.buffer_m, g)
    }

    /// Id and name of zone `i`.
    pub fn label(&self, i: usize) -> (String, Option<String>) {
        let z = &self.zones[i];
        (z.id.clone(), z.name.clone())
    }
}

/// What one known zone looked like in this scene.
#[derive(Debug, Clone, PartialEq)]
pub struct KnownZoneReport {
    pub id: String,
    pub name: Option<String>,
    /// The known zone clipped to the AOI (native CRS).
    pub geometry: MultiPolygon<f64>,
    /// Area of `geometry`, m².
    pub area_m2: f64,
    /// Grid pixels whose centre lies in `geometry`, and those of them that were processed
    /// (not nodata, cloud, water or outside the AOI).
    pub n_px: usize,
    pub n_observed_px: usize,
    /// At least one anomalous pixel or fire zone was assigned to this known zone.
    pub detected: bool,
    /// Hotspots (flagged pixels) assigned to this zone (inside or within the buffer).
    pub n_anomalous_px: usize,
    /// `n_anomalous_px` × pixel area, m².
    pub anomalous_area_m2: f64,
    pub max_bt_k: Option<f64>,
    pub max_lst_k: Option<f64>,
    pub max_delta_k: Option<f64>,
    /// Highest confidence class of those hotspots (0 none).
    pub max_confidence: u8,
    /// Fire zones assigned to this zone.
    pub n_fire_zones: usize,
}

/// Inverse of a geotransform: map `(x, y)` → fractional `(row, col)`.
fn map_to_pixel(gt: &GeoTransform, x: f64, y: f64) -> Option<(f64, f64)> {
    let g = &gt.0;
    let det = g[1] * g[5] - g[2] * g[4];
    if det == 0.0 {
        return None;
    }
    let (dx, dy) = (x - g[0], y - g[3]);
    let col = (g[5] * dx - g[2] * dy) / det;
    let row = (-g[4] * dx + g[1] * dy) / det;
    Some((row, col))
}

/// The anomaly classes of a detection (`anomaly.tif`), whole in memory or read by windows
/// from the file (a streamed detection).
pub trait AnomalyClasses {
    /// `(rows, cols)` of the grid.
    fn dim(&self) -> (usize, usize);
    /// The classes of `window` (inside the grid).
    fn window(&self, window: PixelWindow) -> Result<Array2<u8>>;
}

impl AnomalyClasses for Array2<u8> {
    fn dim(&self) -> (usize, usize) {
        Array2::dim(self)
    }

    fn window(&self, w: PixelWindow) -> Result<Array2<u8>> {
        Ok(self
            .slice(ndarray::s![w.row0..w.row_end(), w.col0..w.col_end()])
            .to_owned())
    }
}

/// Pixels of `anomaly`'s grid whose centre lies in `geometry`: `(all, processed)`.
pub fn pixels_inside(
    geometry: &MultiPolygon<f64>,
    gt: &GeoTransform,
    anomaly: &dyn AnomalyClasses,
) -> Result<(usize, usize)> {
    let Some(rect) = geometry.bounding_rect() else {
        return Ok((0, 0));
    };
    let (rows, cols) = anomaly.dim();
    let corners = [
        (rect.min().x, rect.min().y),
        (rect.min().x, rect.max().y),
        (rect.max().x, rect.min().y),
        (rect.max().x, rect.max().y),
    ];
    let Some(px) = corners
        .iter()
        .map(|&(x, y)| map_to_pixel(gt, x, y))
        .collect::<Option<Vec<_>>>()
    else {
        return Ok((0, 0));
    };
    let clamp = |v: f64, n: usize| v.max(0.0).min(n as f64) as usize;
    let r0 = clamp(
        px.iter().map(|p| p.0).fold(f64::INFINITY, f64::min).floor(),
        rows,
    );
    let r1 = clamp(
        px.iter()
            .map(|p| p.0)
            .fold(f64::NEG_INFINITY, f64::max)
            .ceil(),
        rows,
    );
    let c0 = clamp(
        px.iter().map(|p| p.1).fold(f64::INFINITY, f64::min).floor(),
        cols,
    );
    let c1 = clamp(
        px.iter()
            .map(|p| p.1)
            .fold(f64::NEG_INFINITY, f64::max)
            .ceil(),
        cols,
    );
    let (mut all, mut seen) = (0, 0);
    if r1 <= r0 || c1 <= c0 {
        return Ok((0, 0));
    }
    let classes = anomaly.window(PixelWindow {
        row0: r0,
        col0: c0,
        rows: r1 - r0,
        cols: c1 - c0,
    })?;
    for r in r0..r1 {
        for c in c0..c1 {
            let (x, y) = gt.pixel_centre(r, c);
            if geometry.contains(&Point::new(x, y)) {
                all += 1;
                if classes[[r - r0, c - c0]] != confidence::NOT_PROCESSED {
                    seen += 1;
                }
            }
        }
    }
    Ok((all, seen))
}

/// One report per known zone that touches the scene's grid or lies within the inventory's buffer
/// of it, in inventory order: zones far away are left out, so that a per-scene layer covers the
/// scene (the season outputs are built from every scene). With an AOI, zones outside it are
/// left out too and the others are clipped to it (labelling still used the whole zone).
/// `zone_known` holds the known-zone index of each fire zone.
pub fn report(
    inv: &Inventory,
    hotspots: &[Hotspot],
    zone_known: &[Option<usize>],
    anomaly: &dyn AnomalyClasses,
    gt: &GeoTransform,
    aoi: Option<&MultiPolygon<f64>>,
) -> Result<Vec<KnownZoneReport>> {
    let index: HashMap<&str, usize> = inv
        .zones
        .iter()
        .enumerate()
        .map(|(i, z)| (z.id.as_str(), i))
        .collect();
    let mut per_zone: Vec<Vec<&Hotspot>> = vec![Vec::new(); inv.zones.len()];
    for h in hotspots {
        if let Some(i) = h.known.as_ref().and_then(|k| index.get(k.0.as_str())) {
            per_zone[*i].push(h);
        }
    }
    let mut n_fire_zones = vec![0usize; inv.zones.len()];
    for i in zone_known.iter().flatten() {
        n_fire_zones[*i] += 1;
    }
    let ground = inv.ground;
    let footprint = grid_footprint(gt, anomaly.dim());
    // The grid outline is placed in the distance frame once; on a geographic grid, zones whose
    // box is farther than the buffer are skipped before they are placed in it.
    let frame = ground.frame(&footprint);
    let outline = frame.map(&footprint);
    let outline_rect = footprint.bounding_rect();
    let near_grid = |i: usize| {
        let far = ground == Ground::Geographic
            && matches!((&outline_rect, &inv.rects[i]), (Some(a), Some(b))
                if ground.rect_lower_bound(a, b) > inv.buffer_m);
        !far && frame.distance(&outline, &inv.geoms[i]) <= inv.buffer_m
    };
    let max_of = |hs: &[&Hotspot], f: fn(&Hotspot) -> Option<f64>| {
        hs.iter().filter_map(|h| f(h)).reduce(f64::max)
    };
    inv.zones
        .iter()
        .enumerate()
        .filter_map(|(i, z)| {
            let near = n_fire_zones[i] > 0 || !per_zone[i].is_empty() || near_grid(i);
            if !near {
                return None;
            }
            let geometry = match aoi {
                Some(a) => {
                    let clipped = z.geometry.intersection(a);
                    if clipped.unsigned_area() <= 0.0 {
                        return None;
                    }
                    clipped
                }
                None => z.geometry.clone(),
            };
            let (n_px, n_observed_px) = match pixels_inside(&geometry, gt, anomaly) {
                Ok(n) => n,
                Err(e) => return Some(Err(e)),
            };
            let hs = &per_zone[i];
            Some(Ok(KnownZoneReport {
                id: z.id.clone(),
                name: z.name.clone(),
                area_m2: ground.area(&geometry),
                geometry,
                n_px,
                n_observed_px,
                detected: !hs.is_empty() || n_fire_zones[i] > 0,
                n_anomalous_px: hs.len(),
                anomalous_area_m2: anomalous_area_m2(ground, gt, hs),
                max_bt_k: max_of(hs, |h| h.bt_k),
                max_lst_k: max_of(hs, |h| h.lst_k),
                max_delta_k: max_of(hs, |h| h.delta_k),
                max_confidence: hs.iter().map(|h| h.confidence).max().unwrap_or(0),
                n_fire_zones: n_fire_zones[i],
            }))
        })
        .collect()
}

/// Ground area (m²) of the pixels of `hs`: their count × the pixel area on a projected grid,
/// the sum of each pixel's area at its latitude on a geographic one.
fn anomalous_area_m2(ground: Ground, gt: &GeoTransform, hs: &[&Hotspot]) -> f64 {
    match ground {
        Ground::Map | Ground::Scaled { .. } => hs.len() as f64 * ground.pixel_area_m2(gt, 0.0),
        Ground::Geographic => hs
            .iter()
            .map(|h| ground.pixel_area_m2(gt, h.row as f64))
            .sum(),
    }
}

/// The outline of a `(rows, cols)` grid in map coordinates (a rotated grid stays rotated).
fn grid_footprint(gt: &GeoTransform, (rows, cols): (usize, usize)) -> Geometry<f64> {
    let (rows, cols) = (rows as f64, cols as f64);
    let ring: Vec<(f64, f64)> = [
        (0.0, 0.0),
        (0.0, cols),
        (rows, cols),
        (rows, 0.0),
        (0.0, 0.0),
    ]
    .iter()
    .map(|&(r, c)| gt.pixel_to_map(r, c))
    .collect();
    Geometry::Polygon(geo::Polygon::new(ring.into(), vec![]))
}

/// Columns of `known_zones.geojson` and the `known_zones` GeoPackage layer.
pub const KNOWN_ZONE_FIELDS: &[Field] = &[
    field("known_zone_id", FieldType::String),
    field("known_zone_name", FieldType::String),
    field("detected", FieldType::Boolean),
    field("observed", FieldType::Boolean),
    field("n_anomalous_px", FieldType::Integer),
    field("anomalous_area_m2", FieldType::Real),
    field("max_bt_k", FieldType::Real),
    field("max_lst_k", FieldType::Real),
    field("max_delta_k", FieldType::Real),
    field("max_confidence", FieldType::String),
    field("n_fire_zones", FieldType::Integer),
    field("area_m2", FieldType::Real),
    field("n_px", FieldType::Integer),
    field("n_observed_px", FieldType::Integer),
    field("observed_fraction", FieldType::Real),
];

impl KnownZoneReport {
    /// Some pixel of the zone was processed.
    pub fn observed(&self) -> bool {
        self.n_observed_px > 0
    }

    /// Values in [`KNOWN_ZONE_FIELDS`] order.
    pub fn values(&self) -> Vec<Value> {
        let letter = confidence::letter(self.max_confidence);
        vec![
            Value::Str(self.id.clone()),
            Value::opt_str(self.name.as_deref()),
            Value::Bool(self.detected),
            Value::Bool(self.observed()),
            Value::Int(self.n_anomalous_px as i64),
            Value::real(self.anomalous_area_m2),
            Value::opt_real(self.max_bt_k),
            Value::opt_real(self.max_lst_k),
            Value::opt_real(self.max_delta_k),
            Value::opt_str((!letter.is_empty()).then_some(letter)),
            Value::Int(self.n_fire_zones as i64),
            Value::real(self.area_m2),
            Value::Int(self.n_px as i64),
            Value::Int(self.n_observed_px as i64),
            if self.n_px == 0 {
                Value::Null
            } else {
                Value::real(self.n_observed_px as f64 / self.n_px as f64)
            },
        ]
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use geo::{Coord, LineString, Polygon};

    pub(crate) fn square(x0: f64, y0: f64, side: f64) -> MultiPolygon<f64> {
        let c = |x, y| Coord { x, y };
        MultiPolygon(vec![Polygon::new(
            LineString(vec![
                c(x0, y0),
                c(x0 + side, y0),
                c(x0 + side, y0 + side),
                c(x0, y0 + side),
                c(x0, y0),
            ]),
            vec![],
        )])
    }

    fn inv() -> Inventory {
        Inventory::new(
            vec![
                KnownZone {
                    id: "A".into(),
                    name: Some("North pit".into()),
                    geometry: square(0.0, 0.0, 300.0),
                },
                KnownZone {
                    id: "B".into(),
                    name: None,
                    geometry: square(1000.0, 0.0, 300.0),
                },
            ],
            100.0,
            "known.geojson".into(),
        )
    }

    #[test]
    fn inside_near_and_far_points() {
        let inv = inv();
        let p = |x, y| Geometry::Point(Point::new(x, y));
        assert_eq!(inv.nearest(&p(150.0, 150.0)), Some((0, 0.0)));
        // 60 m east of A: within 100 m.
        assert_eq!(inv.nearest(&p(360.0, 150.0)), Some((0, 60.0)));
        // 3-4-5: (380, 380) is 80·√2 ≈ 113 m from A's corner (300, 300): new.
        assert_eq!(inv.nearest(&p(380.0, 380.0)), None);
        // 650 m: 350 from A, 350 from B → neither.
        assert_eq!(inv.nearest(&p(650.0, 150.0)), None);
        // 920 m: 80 m west of B.
        assert_eq!(inv.nearest(&p(920.0, 10.0)), Some((1, 80.0)));
        // Exactly 100 m counts as known.
        assert_eq!(inv.nearest(&p(400.0, 100.0)), Some((0, 100.0)));
    }

    #[test]
    fn polygons_within_the_buffer_and_the_nearest_wins() {
        let inv = inv();
        // A zone between A and B, 50 m from B and 620 m from A.
        let z = Geometry::MultiPolygon(square(920.0, 100.0, 30.0));
        assert_eq!(inv.nearest(&z), Some((1, 50.0)));
        // Overlapping A.
        let z = Geometry::MultiPolygon(square(290.0, 290.0, 30.0));
        assert_eq!(inv.nearest(&z), Some((0, 0.0)));
    }

    #[test]
    fn pixel_counts_inside_a_known_zone() {
        // 10x10 grid of 30 m pixels from (0, 300) downwards; known zone A covers x, y ∈
        // [0, 300] → all 100 pixel centres; mark 10 of them not processed.
        let gt = GeoTransform([0.0, 30.0, 0.0, 300.0, 0.0, -30.0]);
        let mut anomaly = Array2::<u8>::zeros((10, 10));
        anomaly.row_mut(0).fill(confidence::NOT_PROCESSED);
        let (all, seen) = pixels_inside(&square(0.0, 0.0, 300.0), &gt, &anomaly).unwrap();
        assert_eq!((all, seen), (100, 90));
        // A 60x60 m square at (90, 90): centres at x, y ∈ {105, 135} → 4 pixels.
        assert_eq!(
            pixels_inside(&square(90.0, 90.0, 60.0), &gt, &anomaly)
                .unwrap()
                .0,
            4
        );
    }

    #[test]
    fn scene_reports_only_zones_touching_the_grid_or_its_buffer() {
        // Grid: 10x10 pixels of 30 m covering x, y ∈ [0, 300]. A overlaps it; C starts 50 m
        // east of its edge (inside the 100 m buffer); B starts 700 m east (outside).
        let mut inv = inv();
        inv = Inventory::new(
            {
                let mut z = inv.zones.clone();
                z.push(KnownZone {
                    id: "C".into(),
                    name: None,
                    geometry: square(350.0, 0.0, 50.0),
                });
                z
            },
            inv.buffer_m,
            inv.source,
        );
        let gt = GeoTransform([0.0, 30.0, 0.0, 300.0, 0.0, -30.0]);
        let anomaly = Array2::<u8>::zeros((10, 10));
        let ids: Vec<String> = report(&inv, &[], &[], &anomaly, &gt, None)
            .unwrap()
            .into_iter()
            .map(|r| r.id)
            .collect();
        assert_eq!(ids, ["A", "C"]);
        // A fire zone assigned to B keeps B in the report, wherever it is.
        let ids: Vec<String> = report(&inv, &[], &[Some(1)], &anomaly, &gt, None)
            .unwrap()
            .into_iter()
            .map(|r| r.id)
            .collect();
        assert_eq!(ids, ["A", "B", "C"]);
    }

    #[test]
    fn geographic_inventory_buffers_and_areas_are_ground_metres() {
        use geo::{Destination, Geodesic};
        // A known zone 0.01° x 0.01° with its south-west corner at (-118.42, 33.90), on an
        // EPSG:4326 grid, 100 m buffer.
        let (x0, y0, s) = (-118.42, 33.90, 0.01);
        let mp = |x0: f64, y0: f64, s: f64| {
            MultiPolygon(vec![Polygon::new(
                LineString::from(vec![(x0, y0), (x0 + s, y0), (x0 + s, y0 + s), (x0, y0 + s)]),
                vec![],
            )])
        };
        let inv = Inventory::new(
            vec![KnownZone {
                id: "K".into(),
                name: None,
                geometry: mp(x0, y0, s),
            }],
            100.0,
            "known.geojson".into(),
        )
        .with_ground(Ground::Geographic);
        let sw = Point::new(x0, y0);
        let p = |az: f64, d: f64| Geometry::Point(Geodesic.destination(sw, az, d));
        // South of the south-west corner: 90 m is known, 110 m and 30 km are not.
        assert_eq!(inv.nearest(&p(180.0, 90.0)).map(|n| n.0), Some(0));
        let (_, d) = inv.nearest(&p(180.0, 90.0)).unwrap();
        assert!((d - 90.0).abs() < 1e-3, "{d}");
        assert_eq!(inv.nearest(&p(180.0, 110.0)), None);
        assert_eq!(inv.nearest(&p(225.0, 30_000.0)), None);
        // Area: the ellipsoidal lat/lon rectangle, closed form
        // a²(1−e²)·Δλ/2·[q(φ2) − q(φ1)] with q the authalic function
        // q(φ) = sinφ/(1−e²sin²φ) + atanh(e sinφ)/e (python3, WGS84): 1 025 877.6 m².
        let reports = report(
            &inv,
            &[],
            &[Some(0)],
            &Array2::<u8>::zeros((1, 1)),
            &GeoTransform([x0, s, 0.0, y0 + s, 0.0, -s]),
            None,
        )
        .unwrap();
        assert!(
            (reports[0].area_m2 - 1_025_877.6).abs() < 0.5,
            "{}",
            reports[0].area_m2
        );
        // The grid's pixel centre is inside the zone (one pixel = the zone).
        assert_eq!(reports[0].n_px, 1);

        // Which zones are near the grid (the one pixel = K): K, and F 90 m east of it (a
        // 0.001° square), not G 0.3° (≈ 27.7 km) west, which in degrees was "within 100".
        let east = Geodesic.destination(Point::new(x0 + s, y0 + s / 2.0), 90.0, 90.0);
        let g = |id: &str, geometry| KnownZone {
            id: id.into(),
            name: None,
            geometry,
        };
        let inv = Inventory::new(
            vec![
                g("K", mp(x0, y0, s)),
                g("F", mp(east.x(), east.y(), 0.001)),
                g("G", mp(x0 - 0.3, y0, s)),
            ],
            100.0,
            "known.geojson".into(),
        )
        .with_ground(Ground::Geographic);
        let gt = GeoTransform([x0, s, 0.0, y0 + s, 0.0, -s]);
        let ids: Vec<String> = report(&inv, &[], &[], &Array2::<u8>::zeros((1, 1)), &gt, None)
            .unwrap()
            .into_iter()
            .map(|r| r.id)
            .collect();
        assert_eq!(ids, ["K", "F"]);
    }
}

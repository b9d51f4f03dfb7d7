//! Vector analytics of `seamfire detect` on a geographic grid (EPSG:4326, degrees, as ECOSTRESS
//! LST arrives): exclusion and known-fire buffers, asset distances, perimeters and areas are
//! ground metres on the WGS84 ellipsoid, never degrees compared with metres (docs/outputs.md,
//! "Distances on geographic grids").
//!
//! The scene is made here: a 60 x 60 Float32 raster in kelvin, 0.0006° pixels with the
//! top-left corner at (-118.45° E, 33.95° N), 300 K with two hot objects:
//! * A: rows 10–12, cols 10–12 at 312 K (lon −118.444 to −118.4422, lat 33.9422 to 33.944);
//! * B: the single pixel row 40, col 40 at 315 K (lon −118.426 to −118.4254, lat 33.9254 to
//!   33.926).
//!
//! Places near them are put at geodesic distances with Karney's direct problem
//! (`geo::Geodesic::destination`); expected lengths by hand are worked out in the comments.

mod common;

use std::path::{Path, PathBuf};

use common::{read_json, run_ok, seamfire};
use geo::{Destination, Distance, Geodesic, Point};
use seamfire::raster::{GeoTransform, Georef, Raster, Unit};
use serde_json::Value;

const X0: f64 = -118.45;
const Y0: f64 = 33.95;
const D: f64 = 0.0006;

fn scene(dir: &Path) -> PathBuf {
    let mut t = ndarray::Array2::from_elem((60, 60), 300f32);
    for r in 10..=12 {
        for c in 10..=12 {
            t[[r, c]] = 312.0;
        }
    }
    t[[40, 40]] = 315.0;
    let raster = Raster {
        data: t,
        georef: Georef {
            transform: GeoTransform([X0, D, 0.0, Y0, 0.0, -D]),
            crs_wkt: gdal::spatial_ref::SpatialRef::from_epsg(4326)
                .unwrap()
                .to_wkt()
                .unwrap(),
            epsg: Some(4326),
            ground_m_per_unit: None,
        },
        nodata: None,
        unit: Unit::Kelvin,
    };
    assert!(raster.georef.is_geographic());
    let path = dir.join("lst_4326.tif");
    seamfire::io::write_cog(&raster, &path, &Default::default()).unwrap();
    path
}

/// Map coordinates of the top-left corner of pixel `(row, col)`.
fn corner(row: f64, col: f64) -> Point<f64> {
    Point::new(X0 + col * D, Y0 - row * D)
}

/// A GeoJSON FeatureCollection (WGS84 lon/lat) of `(properties, geometry)`.
fn collection(features: &[(&str, String)]) -> String {
    let fs: Vec<String> = features
        .iter()
        .map(|(p, g)| format!(r#"{{"type":"Feature","properties":{p},"geometry":{g}}}"#))
        .collect();
    format!(
        r#"{{"type":"FeatureCollection","features":[{}]}}"#,
        fs.join(",")
    )
}

fn point(p: Point<f64>) -> String {
    format!(
        r#"{{"type":"Point","coordinates":[{:.10},{:.10}]}}"#,
        p.x(),
        p.y()
    )
}

/// Runs detect with `args`; returns the fire-zone features (A first, then B) and hotspots.
fn detect(scene: &Path, out: &Path, args: &[&str]) -> (Vec<Value>, Vec<Value>) {
    run_ok(
        seamfire()
            .arg("detect")
            .arg(scene)
            .args(["--products", "none", "--out"])
            .arg(out)
            .args(args),
    );
    let zones = read_json(&out.join("fire_zones.geojson"))["features"]
        .as_array()
        .unwrap()
        .clone();
    let hotspots = read_json(&out.join("hotspots.geojson"))["features"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(zones.len(), 2, "zones A and B");
    assert_eq!(zones[0]["properties"]["pixel_count"], 9);
    assert_eq!(zones[1]["properties"]["pixel_count"], 1);
    (zones, hotspots)
}

fn statuses(hotspots: &[Value], zone_id: u64) -> Vec<String> {
    hotspots
        .iter()
        .filter(|h| h["properties"]["zone_id"] == zone_id)
        .map(|h| h["properties"]["status"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn buffers_distances_and_perimeters_are_ground_metres() {
    let dir = tempfile::tempdir().unwrap();
    let scene = scene(dir.path());
    // Exclusion sites: P1 500 m due east of the middle of A's east edge (lon −118.4422,
    // lat 33.9431); P2 30 km west of A. P1 is ≈ 2.1 km from B (1.0 km east, 1.9 km north).
    let a_east = corner(11.5, 13.0);
    let p1 = Geodesic.destination(a_east, 90.0, 500.0);
    let p2 = Geodesic.destination(a_east, 270.0, 30_000.0);
    let exclude = dir.path().join("sites.geojson");
    std::fs::write(
        &exclude,
        collection(&[(r#"{"id":"P1"}"#, point(p1)), (r#"{"id":"P2"}"#, point(p2))]),
    )
    .unwrap();
    // Known zone K: a 0.002° square whose west edge is 600 m due east of B's north-east corner.
    let k = Geodesic.destination(corner(40.0, 41.0), 90.0, 600.0);
    let ring: Vec<String> = [(0.0, 0.0), (0.002, 0.0), (0.002, -0.002), (0.0, -0.002)]
        .iter()
        .chain(std::iter::once(&(0.0, 0.0)))
        .map(|(dx, dy)| format!("[{:.10},{:.10}]", k.x() + dx, k.y() + dy))
        .collect();
    let known = dir.path().join("known.geojson");
    std::fs::write(
        &known,
        collection(&[(
            r#"{"id":"K"}"#,
            format!(
                r#"{{"type":"Polygon","coordinates":[[{}]]}}"#,
                ring.join(",")
            ),
        )]),
    )
    .unwrap();
    // A meridian road 0.01° east of B's east edge, from 33.8° to 34.0° N.
    let road_lon = X0 + 41.0 * D + 0.01;
    let roads = dir.path().join("roads.geojson");
    std::fs::write(
        &roads,
        collection(&[(
            "{}",
            format!(
                r#"{{"type":"LineString","coordinates":[[{road_lon},33.8],[{road_lon},34.0]]}}"#
            ),
        )]),
    )
    .unwrap();
    let files = |exclude_m: &str, known_m: &str| {
        vec![
            "--exclude".to_string(),
            exclude.to_str().unwrap().to_string(),
            "--exclude-buffer-m".into(),
            exclude_m.into(),
            "--known-fires".into(),
            known.to_str().unwrap().into(),
            "--known-buffer-m".into(),
            known_m.into(),
            "--roads".into(),
            roads.to_str().unwrap().into(),
        ]
    };

    // 1000 m buffers: A (500 m from P1) is excluded, B (≈ 2.1 km from P1, 30 km from P2) is not;
    // B (600 m from K) is known.
    let args = files("1000", "1000");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (zones, hotspots) = detect(&scene, &dir.path().join("wide"), &args);
    let (a, b) = (&zones[0]["properties"], &zones[1]["properties"]);
    assert_eq!(a["status"], "excluded");
    assert_eq!(a["excluded_site_id"], "P1");
    assert_eq!(b["status"], "known");
    assert_eq!(b["known_zone_id"], "K");
    assert!(b["excluded_site_id"].is_null());
    // A's pixel centres are 500 + 27.7 … 500 + 138.5 m from P1 (pixel 55.5 m wide): excluded.
    assert_eq!(statuses(&hotspots, 1), vec!["excluded"; 9]);
    assert_eq!(statuses(&hotspots, 2), vec!["known"]);

    // 450 m and 550 m buffers: A is 500 m from P1 and B 600 m from K (its centre 627.7 m):
    // neither is excluded or known.
    let args = files("450", "550");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (zones, hotspots) = detect(&scene, &dir.path().join("narrow"), &args);
    let (a, b) = (&zones[0]["properties"], &zones[1]["properties"]);
    assert_eq!(a["status"], "new");
    assert_eq!(b["status"], "new");
    assert!(hotspots.iter().all(|h| h["properties"]["status"] == "new"));

    // dist_road_m of B: its north-east corner is nearest (a degree of longitude shrinks
    // northwards). Karney's inverse from it to the road at its latitude, and by hand
    // N cos φ Δλ at φ = 33.926° for Δλ = 0.01°: 924.648 m (python3, a = 6378137,
    // f = 1/298.257223563, N = a/√(1−e²sin²φ)).
    let ne = corner(40.0, 41.0);
    let truth = Geodesic.distance(ne, Point::new(road_lon, ne.y()));
    let got = b["dist_road_m"].as_f64().unwrap();
    assert!((got - truth).abs() < 0.01, "{got} vs {truth}");
    assert!((got - 924.648).abs() < 0.01, "{got}");
    // perimeter_m and area_m2 of B, one pixel at φ = 33.9257° (its centre): ground width
    // N cos φ Δλ = 55.479 m, height M Δφ = 66.553 m (python3, M = a(1−e²)/(1−e²sin²φ)^1.5):
    // perimeter 2 (w + h) = 244.063 m, area w h = 3692.28 m².
    let p = b["perimeter_m"].as_f64().unwrap();
    assert!((p - 244.063).abs() < 0.01, "{p}");
    let area = b["area_m2"].as_f64().unwrap();
    assert!((area - 3692.28).abs() < 0.1, "{area}");
    // A: 3 x 3 pixels, perimeter ≈ 4 · 3 · (w + h) / 2 at A's latitude, never degrees.
    let p = a["perimeter_m"].as_f64().unwrap();
    assert!((p - 2.0 * 3.0 * (55.46 + 66.55)).abs() < 0.5, "{p}");
}

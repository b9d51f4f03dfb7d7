//! Vector outputs of `seamfire detect` (docs/outputs.md): hotspots (GeoJSON, CSV), exact
//! fire-zone polygons, the GeoPackage, the known-fire inventory and hazard distances.
//!
//! Checks: lon/lat of hotspots against `gdaltransform` on a southern-hemisphere scene with
//! negative northings (Corumbá, UTM 21N), RFC 7946 rules (lon/lat ranges and order, 7 decimals,
//! right-hand winding, no `crs`), `ogrinfo` opening every layer, zone area = pixel count × pixel
//! area with every vertex on a pixel corner and holes kept, known/new labels and distances on a
//! hand-made scene whose answers are worked out in the comments.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{fixture, listing, read_json, seamfire};
use gdal::vector::LayerAccess;
use geo::{Area, Coord, LineString, Polygon, Winding};
use seamfire::raster::{GeoTransform, Georef, Raster, Unit};
use serde_json::Value;

const CORUMBA: &str = "LC08_L1TP_227074_20190825_20200826_02_T1";
const CORUMBA_BEFORE: &str = "LC08_L1TP_227074_20190809_20200827_02_T1";

fn run_detect(args: &[&str], out: &Path) -> Value {
    let res = seamfire()
        .arg("detect")
        .args(["--products", "none"]) // map products are tested in tests/products.rs
        .args(args)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    assert!(
        res.status.success(),
        "{}",
        String::from_utf8_lossy(&res.stderr)
    );
    read_json(&out.join("detection.json"))
}

/// `ogrinfo -so -al FILE`: must succeed; returns its output.
fn ogrinfo(path: &Path) -> String {
    let res = Command::new("ogrinfo")
        .args(["-so", "-al"])
        .arg(path)
        .output()
        .expect("ogrinfo (gdal-bin) is installed by scripts/setup");
    let out = String::from_utf8_lossy(&res.stdout).into_owned();
    assert!(
        res.status.success(),
        "ogrinfo {}: {}{}",
        path.display(),
        out,
        String::from_utf8_lossy(&res.stderr)
    );
    out
}

fn features(fc: &Value) -> &Vec<Value> {
    fc["features"].as_array().unwrap()
}

fn ring_of(v: &Value) -> LineString<f64> {
    LineString(
        v.as_array()
            .unwrap()
            .iter()
            .map(|c| Coord {
                x: c[0].as_f64().unwrap(),
                y: c[1].as_f64().unwrap(),
            })
            .collect(),
    )
}

/// The polygons of a GeoJSON Polygon or MultiPolygon geometry.
fn polygons(g: &Value) -> Vec<Polygon<f64>> {
    let one = |rings: &Value| {
        let rings = rings.as_array().unwrap();
        Polygon::new(ring_of(&rings[0]), rings[1..].iter().map(ring_of).collect())
    };
    match g["type"].as_str().unwrap() {
        "Polygon" => vec![one(&g["coordinates"])],
        "MultiPolygon" => g["coordinates"]
            .as_array()
            .unwrap()
            .iter()
            .map(one)
            .collect(),
        t => panic!("unexpected geometry {t}"),
    }
}

/// RFC 7946: no `crs`, lon in [-180, 180] first and lat in [-90, 90] second, at most 7
/// decimals, closed rings with counter-clockwise exteriors and clockwise holes. `lon`/`lat`
/// bound the expected area (so swapped axes fail).
fn check_rfc7946(fc: &Value, lon: (f64, f64), lat: (f64, f64)) {
    assert_eq!(fc["type"], "FeatureCollection");
    assert!(fc.get("crs").is_none(), "legacy crs member present");
    // The geojson crate parses it.
    let text = serde_json::to_string(fc).unwrap();
    assert!(text.parse::<geojson::GeoJson>().is_ok());
    let check_coord = |c: &Coord<f64>| {
        assert!((-180.0..=180.0).contains(&c.x) && (-90.0..=90.0).contains(&c.y));
        assert!(
            (lon.0..=lon.1).contains(&c.x) && (lat.0..=lat.1).contains(&c.y),
            "{c:?} outside lon {lon:?} lat {lat:?}"
        );
        for v in [c.x, c.y] {
            assert!(
                ((v * 1e7).round() - v * 1e7).abs() < 1e-6,
                "{v} has > 7 decimals"
            );
        }
    };
    for f in features(fc) {
        assert!(f.get("crs").is_none());
        let g = &f["geometry"];
        if g["type"] == "Point" {
            let c = Coord {
                x: g["coordinates"][0].as_f64().unwrap(),
                y: g["coordinates"][1].as_f64().unwrap(),
            };
            check_coord(&c);
            continue;
        }
        for p in polygons(g) {
            assert!(p.exterior().is_closed());
            assert!(p.exterior().is_ccw(), "exterior not counter-clockwise");
            for h in p.interiors() {
                assert!(h.is_closed());
                assert!(h.is_cw(), "hole not clockwise");
            }
            p.exterior().0.iter().for_each(check_coord);
        }
    }
}

/// Geometry and properties of every feature of one GeoPackage layer (native CRS).
fn gpkg_layer(path: &Path, name: &str) -> Vec<(gdal::vector::Geometry, Vec<(String, String)>)> {
    let ds = gdal::Dataset::open(path).unwrap();
    let mut layer = ds.layer_by_name(name).unwrap();
    layer
        .features()
        .map(|f| {
            let props = f
                .fields()
                .map(|(k, v)| {
                    let v = match v {
                        Some(gdal::vector::FieldValue::RealValue(x)) => format!("{x}"),
                        Some(gdal::vector::FieldValue::Integer64Value(x)) => format!("{x}"),
                        Some(gdal::vector::FieldValue::IntegerValue(x)) => format!("{x}"),
                        Some(gdal::vector::FieldValue::StringValue(s)) => s,
                        Some(other) => format!("{other:?}"),
                        None => String::new(),
                    };
                    (k, v)
                })
                .collect();
            (f.geometry().unwrap().clone(), props)
        })
        .collect()
}

fn prop<'a>(props: &'a [(String, String)], key: &str) -> &'a str {
    &props.iter().find(|(k, _)| k == key).unwrap().1
}

/// Every vertex of a native-CRS polygon lies on a pixel corner of the grid.
fn assert_on_pixel_corners(g: &gdal::vector::Geometry, gt: &[f64; 6]) {
    let geo = g.to_geo().unwrap();
    use geo::CoordsIter;
    for c in geo.coords_iter() {
        let col = (c.x - gt[0]) / gt[1];
        let row = (c.y - gt[3]) / gt[5];
        assert!(
            (col - col.round()).abs() < 1e-9 && (row - row.round()).abs() < 1e-9,
            "vertex {c:?} is not a pixel corner (col {col}, row {row})"
        );
    }
}

/// Largest difference (degrees) between the hotspot coordinates and `gdaltransform -t_srs
/// EPSG:4326 RASTER` run on their pixel centres (`col + 0.5 row + 0.5` pixel/line input).
fn gdaltransform_difference(raster: &Path, hs: &[Value]) -> f64 {
    let input: String = hs
        .iter()
        .map(|f| {
            let p = &f["properties"];
            format!(
                "{}.5 {}.5\n",
                p["col"].as_u64().unwrap(),
                p["row"].as_u64().unwrap()
            )
        })
        .collect();
    let mut child = Command::new("gdaltransform")
        .args(["-t_srs", "EPSG:4326"])
        .arg(raster)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(input.as_bytes()).unwrap();
    }
    let res = child.wait_with_output().unwrap();
    assert!(res.status.success());
    let text = String::from_utf8(res.stdout).unwrap();
    assert_eq!(text.lines().count(), hs.len());
    let mut worst = 0f64;
    for (f, line) in hs.iter().zip(text.lines()) {
        let v: Vec<f64> = line
            .split_whitespace()
            .map(|s| s.parse().unwrap())
            .collect();
        let c = &f["geometry"]["coordinates"];
        worst = worst
            .max((c[0].as_f64().unwrap() - v[0]).abs())
            .max((c[1].as_f64().unwrap() - v[1]).abs());
    }
    worst
}

#[test]
fn corumba_layers_agree_with_gdaltransform_and_validate() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fire");
    let scene = fixture(CORUMBA);
    let rec = run_detect(&[scene.to_str().unwrap()], &out);
    assert_eq!(
        listing(&out),
        [
            "anomaly.tif",
            "detection.json",
            "fire_zones.geojson",
            "hotspots.csv",
            "hotspots.geojson",
            "seamfire.gpkg"
        ]
    );
    let flagged = rec["methods"][0]["flagged"].as_u64().unwrap() as usize;
    let hot = read_json(&out.join("hotspots.geojson"));
    let hs = features(&hot);
    assert_eq!(hs.len(), flagged);
    assert!(hs.len() >= 550);
    // Corumbá is near 19.6°S 57.5°W: longitude first, latitude second.
    check_rfc7946(&hot, (-58.5, -56.5), (-20.5, -18.5));

    // Pixel centres against GDAL's own transformer, recorded (pixel/line input on the B7 band,
    // whose geotransform is the scene grid; column + 0.5, row + 0.5):
    //
    //   printf "441.5 485.5\n176.5 835.5\n186.5 862.5\n" | gdaltransform -t_srs EPSG:4326 \
    //     testdata/LC08_L1TP_227074_20190825_20200826_02_T1/LC08_L1TP_227074_20190825_20200826_02_T1_B7.TIF
    //   -57.4373231080283 -19.9189331377715 0
    //   -57.5135887196238 -20.01361185858 0
    //   -57.5107442921664 -20.0209395631149 0
    let recorded = [
        ((485, 441), (-57.4373231080283, -19.9189331377715)),
        ((835, 176), (-57.5135887196238, -20.01361185858)),
        ((862, 186), (-57.5107442921664, -20.0209395631149)),
    ];
    let by_pixel = |row: u64, col: u64| {
        hs.iter()
            .find(|f| f["properties"]["row"] == row && f["properties"]["col"] == col)
            .unwrap_or_else(|| panic!("no hotspot at ({row}, {col})"))
    };
    for ((row, col), (lon, lat)) in recorded {
        let f = by_pixel(row, col);
        let c = &f["geometry"]["coordinates"];
        let (glon, glat) = (c[0].as_f64().unwrap(), c[1].as_f64().unwrap());
        assert!(
            (glon - lon).abs() <= 1e-7 && (glat - lat).abs() <= 1e-7,
            "({row}, {col}): {glon} {glat} vs gdaltransform {lon} {lat}"
        );
        assert_eq!(f["properties"]["longitude"], c[0]);
        assert_eq!(f["properties"]["latitude"], c[1]);
    }
    // And every hotspot, with gdaltransform run now on all pixel centres.
    let worst = gdaltransform_difference(&scene.join(format!("{CORUMBA}_B7.TIF")), hs);
    assert!(
        worst <= 1e-7,
        "largest difference to gdaltransform {worst}°"
    );

    // FIRMS fields of a SWIR detection on Landsat 8.
    let p = &hs[0]["properties"];
    assert_eq!(p["satellite"], "L8");
    assert_eq!(p["instrument"], "OLI");
    assert_eq!(p["acq_date"], "2019-08-25");
    assert_eq!(p["daynight"], "D");
    assert_eq!(p["method"], "swir");
    assert_eq!(p["scene_id"], CORUMBA);
    assert!(["l", "n", "h"].contains(&p["confidence"].as_str().unwrap()));
    assert!(p["brightness"].is_null() && p["delta_k"].is_null());
    assert_eq!(p["status"], "new");
    let acq_time = p["acq_time"].as_str().unwrap();
    assert!(
        acq_time.len() == 4 && acq_time.starts_with("13"),
        "{acq_time}"
    );

    // CSV: the same columns in the same order, one row per hotspot.
    let csv = std::fs::read_to_string(out.join("hotspots.csv")).unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let keys: Vec<&str> = p.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(header[..2], ["latitude", "longitude"]);
    let mut sorted_header = header.clone();
    sorted_header.sort_unstable();
    let mut sorted_keys = keys.clone();
    sorted_keys.sort_unstable();
    assert_eq!(sorted_header, sorted_keys);
    let first: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(first[0], p["latitude"].to_string());
    assert_eq!(first[1], p["longitude"].to_string());
    assert_eq!(lines.count() + 1, hs.len());

    // Fire zones: one feature per zone, exact footprints.
    let zones = read_json(&out.join("fire_zones.geojson"));
    check_rfc7946(&zones, (-58.5, -56.5), (-20.5, -18.5));
    let zs = features(&zones);
    let rec_zones = rec["zones"].as_array().unwrap();
    assert_eq!(zs.len(), rec_zones.len());
    let total: u64 = zs
        .iter()
        .map(|z| z["properties"]["pixel_count"].as_u64().unwrap())
        .sum();
    assert_eq!(total as usize, flagged);
    for (z, r) in zs.iter().zip(rec_zones) {
        assert_eq!(z["properties"]["zone_id"], r["id"]);
        let lon = r["centroid_lon"].as_f64().unwrap();
        assert!((z["properties"]["centroid_lon"].as_f64().unwrap() - lon).abs() < 1e-7);
    }
    // In the GeoPackage (native UTM 21N): area = pixel count × 900 m², vertices on corners,
    // valid geometry (GEOS), perimeter a whole number of pixel sides.
    let gt = rec["grid"]["geotransform"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect::<Vec<_>>();
    let gt: [f64; 6] = gt.try_into().unwrap();
    assert_eq!(gt[3], -2_188_005.0, "negative northings");
    let layer = gpkg_layer(&out.join("seamfire.gpkg"), "fire_zones");
    assert_eq!(layer.len(), zs.len());
    let mut multi = 0;
    for (g, props) in &layer {
        let n: f64 = prop(props, "pixel_count").parse().unwrap();
        assert_eq!(g.area(), n * 900.0, "zone {}", prop(props, "zone_id"));
        assert_eq!(prop(props, "area_m2").parse::<f64>().unwrap(), n * 900.0);
        assert!(g.is_valid(), "zone {} invalid", prop(props, "zone_id"));
        assert_on_pixel_corners(g, &gt);
        let perimeter: f64 = prop(props, "perimeter_m").parse().unwrap();
        assert_eq!((perimeter / 30.0).fract(), 0.0);
        assert!(perimeter >= 120.0);
        multi += usize::from(g.geometry_count() > 1);
    }
    assert!(multi > 0, "some zones join only through diagonal contacts");
    // The lon/lat polygon area is positive and matches the native area to < 0.1 %
    // (degrees² scaled by 111.32 km and cos(latitude)).
    let z0 = &zs[0];
    let deg2: f64 = polygons(&z0["geometry"])
        .iter()
        .map(|p| p.signed_area())
        .sum();
    let lat0 = z0["properties"]["centroid_lat"]
        .as_f64()
        .unwrap()
        .to_radians();
    let m2 = deg2 * 110_574.0 * 111_320.0 * lat0.cos();
    let n0 = z0["properties"]["pixel_count"].as_f64().unwrap();
    assert!((m2 / (n0 * 900.0) - 1.0).abs() < 0.01, "{m2}");

    // ogrinfo opens every layer.
    let info = ogrinfo(&out.join("seamfire.gpkg"));
    assert!(info.contains("Layer name: hotspots") && info.contains("Layer name: fire_zones"));
    assert!(info.contains(&format!("Feature Count: {flagged}")));
    assert!(info.contains("WGS 84 / UTM zone 21N"));
    let info = ogrinfo(&out.join("hotspots.geojson"));
    assert!(info.contains(&format!("Feature Count: {flagged}")));
    let info = ogrinfo(&out.join("fire_zones.geojson"));
    assert!(info.contains(&format!("Feature Count: {}", zs.len())));

    // Run summary.
    assert_eq!(
        rec["hotspot_status"]["new"].as_u64().unwrap() as usize,
        flagged
    );
    assert_eq!(rec["hotspot_status"]["known"], 0);
    assert!(rec["known_fires"].is_null());
    assert!(rec["risk"]["rule"].as_str().unwrap().contains("score"));
}

#[test]
fn a_quiet_scene_writes_valid_empty_layers() {
    let dir = tempfile::tempdir().unwrap();
    let known = dir.path().join("known.geojson");
    // One known zone around the town of Corumbá area of the crop (lon/lat).
    std::fs::write(
        &known,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"P1","name":"Pantanal"},"geometry":{"type":"Polygon","coordinates":[[[-57.45,-19.93],[-57.42,-19.93],[-57.42,-19.91],[-57.45,-19.91],[-57.45,-19.93]]]}}]}"#,
    )
    .unwrap();
    let out = dir.path().join("before");
    let rec = run_detect(
        &[
            fixture(CORUMBA_BEFORE).to_str().unwrap(),
            "--known-fires",
            known.to_str().unwrap(),
        ],
        &out,
    );
    let hot = read_json(&out.join("hotspots.geojson"));
    let zones = read_json(&out.join("fire_zones.geojson"));
    // 16 days before the fire: no fire pixel (docs/detection.md), so every layer is empty.
    assert_eq!(rec["methods"][0]["flagged"], 0);
    assert_eq!(features(&hot).len(), 0);
    assert_eq!(features(&zones).len(), 0);
    check_rfc7946(&hot, (-58.5, -56.5), (-20.5, -18.5));
    check_rfc7946(&zones, (-58.5, -56.5), (-20.5, -18.5));
    let csv = std::fs::read_to_string(out.join("hotspots.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1, "header only");
    let kz = read_json(&out.join("known_zones.geojson"));
    check_rfc7946(&kz, (-58.5, -56.5), (-20.5, -18.5));
    let k = &features(&kz)[0]["properties"];
    assert_eq!(k["known_zone_id"], "P1");
    assert_eq!(k["known_zone_name"], "Pantanal");
    assert_eq!(k["observed"], true);
    assert_eq!(k["detected"], false);
    assert_eq!(k["n_anomalous_px"], 0);
    assert!(k["max_delta_k"].is_null());
    let info = ogrinfo(&out.join("seamfire.gpkg"));
    assert_eq!(info.matches("Feature Count: 0").count(), 2, "{info}");
    assert!(info.contains("Layer name: hotspots") && info.contains("Layer name: fire_zones"));
    assert!(info.contains("Layer name: known_zones"));
    // Empty FeatureCollections still open.
    assert!(ogrinfo(&out.join("hotspots.geojson")).contains("Feature Count: 0"));
    assert!(ogrinfo(&out.join("fire_zones.geojson")).contains("Feature Count: 0"));
    assert_eq!(rec["known_fires"]["zones_reported"], 1);
    assert_eq!(rec["known_fires"]["observed_not_detected"], 1);
}

const X0: f64 = 500_000.0;
const Y0: f64 = 4_400_000.0;

fn hand_made_georef() -> Georef {
    Georef {
        transform: GeoTransform([X0, 30.0, 0.0, Y0, 0.0, -30.0]),
        crs_wkt: gdal::spatial_ref::SpatialRef::from_epsg(32648)
            .unwrap()
            .to_wkt()
            .unwrap(),
        epsg: Some(32648),
        ground_m_per_unit: None,
    }
}

/// A 60x60 generic thermal GeoTIFF (K, UTM 48N, 30 m, origin (500000, 4400000)) at 300 K with
/// three hot objects:
/// * A: rows 10–12, cols 10–12 at 312 K (footprint x 500300–500390, y 4399610–4399700);
/// * C: the ring rows 20–24 × cols 40–44 without its 3x3 inside, 309 K (x 501200–501350,
///   y 4399250–4399400; the inside is a hole of 9 pixels);
/// * B: rows 40–41, cols 40–43 at 308 K (x 501200–501320, y 4398740–4398800).
fn hand_made_scene(dir: &Path) -> PathBuf {
    let mut t = ndarray::Array2::from_elem((60, 60), 300f32);
    for r in 10..=12 {
        for c in 10..=12 {
            t[[r, c]] = 312.0;
        }
    }
    for r in 20..=24 {
        for c in 40..=44 {
            if r == 20 || r == 24 || c == 40 || c == 44 {
                t[[r, c]] = 309.0;
            }
        }
    }
    for r in 40..=41 {
        for c in 40..=43 {
            t[[r, c]] = 308.0;
        }
    }
    let path = dir.join("thermal.tif");
    let raster = Raster {
        data: t,
        georef: hand_made_georef(),
        nodata: None,
        unit: Unit::Kelvin,
    };
    seamfire::io::write_cog(&raster, &path, &Default::default()).unwrap();
    path
}

/// `{"type":"FeatureCollection", …}` of features `(properties, geometry)` in EPSG:32648, with
/// the legacy `crs` member GDAL reads.
fn utm_geojson(features: &[(&str, &str)]) -> String {
    let fs: Vec<String> = features
        .iter()
        .map(|(p, g)| format!(r#"{{"type":"Feature","properties":{p},"geometry":{g}}}"#))
        .collect();
    format!(
        r#"{{"type":"FeatureCollection","crs":{{"type":"name","properties":{{"name":"urn:ogc:def:crs:EPSG::32648"}}}},"features":[{}]}}"#,
        fs.join(",")
    )
}

fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> String {
    format!(
        r#"{{"type":"Polygon","coordinates":[[[{x0},{y0}],[{x1},{y0}],[{x1},{y1}],[{x0},{y1}],[{x0},{y0}]]]}}"#
    )
}

/// A line given in UTM 48N written as lon/lat GeoJSON (GDAL reprojects it back).
fn lonlat_line(a: (f64, f64), b: (f64, f64)) -> String {
    let ll = seamfire::io::to_lonlat(&hand_made_georef(), &[a, b]).unwrap();
    format!(
        r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{}},"geometry":{{"type":"LineString","coordinates":[[{},{}],[{},{}]]}}}}]}}"#,
        ll[0].0, ll[0].1, ll[1].0, ll[1].1
    )
}

fn close(v: &Value, expected: f64) -> bool {
    v.as_f64().is_some_and(|x| (x - expected).abs() < 1e-6)
}

#[test]
fn known_new_labels_distances_and_risk_on_a_hand_made_scene() {
    let dir = tempfile::tempdir().unwrap();
    let scene = hand_made_scene(dir.path());
    // Known zones (UTM 48N), each with a different accepted id attribute:
    // K1 "Pit A" x 500250–500450, y 4399600–4399750: contains A.
    // zone_id 2 "Ring edge" x 501020–501120, y 4399250–4399400: 80 m west of C's footprint
    //   (≤ 100 m: C is known); C's column-40 pixel centres (x 501215) are 95 m away (known),
    //   its column-41 centres 125 m (new): 5 known hotspots.
    // FIRE_ID K3 x 500600–500700, y 4398200–4398300: no anomaly near; 3x3 = 9 pixel centres.
    let known = dir.path().join("known.geojson");
    std::fs::write(
        &known,
        utm_geojson(&[
            (
                r#"{"id":"K1","name":"Pit A"}"#,
                &rect(500_250.0, 4_399_600.0, 500_450.0, 4_399_750.0),
            ),
            (
                r#"{"zone_id":2,"zone_name":"Ring edge"}"#,
                &rect(501_020.0, 4_399_250.0, 501_120.0, 4_399_400.0),
            ),
            (
                r#"{"FIRE_ID":"K3"}"#,
                &rect(500_600.0, 4_398_200.0, 500_700.0, 4_398_300.0),
            ),
        ]),
    )
    .unwrap();
    // Road x = 501500 (lon/lat file): 1110 m from A, 150 m from C, 180 m from B.
    let roads = dir.path().join("roads.geojson");
    std::fs::write(
        &roads,
        lonlat_line((501_500.0, 4_398_000.0), (501_500.0, 4_400_500.0)),
    )
    .unwrap();
    // River y = 4398600 (lon/lat): 1010 m from A, 650 m from C, 140 m from B.
    let water = dir.path().join("water.geojson");
    std::fs::write(
        &water,
        lonlat_line((500_000.0, 4_398_600.0), (501_800.0, 4_398_600.0)),
    )
    .unwrap();
    // Building x 500400–500420, y 4399650–4399670 (UTM): 10 m east of A; from C
    // hypot(780, 250) = 819.05 m; from B hypot(780, 850) = 1153.64 m.
    let buildings = dir.path().join("buildings.geojson");
    std::fs::write(
        &buildings,
        utm_geojson(&[(
            r#"{"kind":"house"}"#,
            &rect(500_400.0, 4_399_650.0, 500_420.0, 4_399_670.0),
        )]),
    )
    .unwrap();
    let out = dir.path().join("out");
    let rec = run_detect(
        &[
            scene.to_str().unwrap(),
            "--known-fires",
            known.to_str().unwrap(),
            "--roads",
            roads.to_str().unwrap(),
            "--water",
            water.to_str().unwrap(),
            "--buildings",
            buildings.to_str().unwrap(),
        ],
        &out,
    );
    assert_eq!(
        listing(&out),
        [
            "anomaly.tif",
            "bt.tif",
            "detection.json",
            "fire_zones.geojson",
            "hotspots.csv",
            "hotspots.geojson",
            "known_zones.geojson",
            "seamfire.gpkg"
        ]
    );
    // Zones in row-major order of their first pixel: A (1), C (2), B (3).
    let zones = read_json(&out.join("fire_zones.geojson"));
    check_rfc7946(&zones, (105.0, 106.2), (39.6, 39.8));
    let zs = features(&zones);
    assert_eq!(zs.len(), 3);
    let z = |i: usize| &zs[i]["properties"];
    let expect = [
        // pixels, perimeter, status, known id, road, water, building, (i, s, p), class
        (
            9,
            360.0,
            "known",
            "K1",
            1110.0,
            1010.0,
            10.0,
            (3, 1, 3),
            "extreme",
        ),
        (
            16,
            960.0,
            "known",
            "2",
            150.0,
            650.0,
            780f64.hypot(250.0),
            (2, 1, 2),
            "high",
        ),
        (
            8,
            360.0,
            "new",
            "",
            180.0,
            140.0,
            780f64.hypot(850.0),
            (2, 1, 2),
            "high",
        ),
    ];
    for (i, (n, per, status, kid, road, water, building, pts, class)) in
        expect.into_iter().enumerate()
    {
        let p = z(i);
        assert_eq!(p["zone_id"], i as u64 + 1);
        assert_eq!(p["pixel_count"], n, "zone {}", i + 1);
        assert!(close(&p["area_m2"], f64::from(n) * 900.0));
        assert!(
            close(&p["perimeter_m"], per),
            "zone {}: {}",
            i + 1,
            p["perimeter_m"]
        );
        assert_eq!(p["status"], status);
        if kid.is_empty() {
            assert!(p["known_zone_id"].is_null());
        } else {
            assert_eq!(p["known_zone_id"], kid);
        }
        assert!(
            close(&p["dist_road_m"], road),
            "zone {}: {}",
            i + 1,
            p["dist_road_m"]
        );
        assert!(
            close(&p["dist_water_m"], water),
            "zone {}: {}",
            i + 1,
            p["dist_water_m"]
        );
        assert!(
            close(&p["dist_building_m"], building),
            "zone {}: {}",
            i + 1,
            p["dist_building_m"]
        );
        assert_eq!(
            (
                p["risk_intensity"].as_u64().unwrap(),
                p["risk_size"].as_u64().unwrap(),
                p["risk_proximity"].as_u64().unwrap()
            ),
            (pts.0, pts.1, pts.2),
            "zone {}",
            i + 1
        );
        assert_eq!(p["risk_class"], class, "zone {}", i + 1);
    }
    assert_eq!(z(0)["known_zone_name"], "Pit A");
    assert!(close(&z(0)["max_delta_k"], 12.0));
    // The ring keeps its hole: one polygon, one interior ring, 16 pixels of area.
    let ring = polygons(&zs[1]["geometry"]);
    assert_eq!(ring.len(), 1);
    assert_eq!(ring[0].interiors().len(), 1);
    let gpkg = gpkg_layer(&out.join("seamfire.gpkg"), "fire_zones");
    assert_eq!(gpkg[1].0.area(), 16.0 * 900.0);
    assert_on_pixel_corners(&gpkg[1].0, &[X0, 30.0, 0.0, Y0, 0.0, -30.0]);
    // Exact rectangle of A: (500300, 4399610)–(500390, 4399700).
    let a = gpkg[0].0.to_geo().unwrap();
    use geo::BoundingRect;
    let r = a.bounding_rect().unwrap();
    assert_eq!(
        (r.min().x, r.min().y, r.max().x, r.max().y),
        (500_300.0, 4_399_610.0, 500_390.0, 4_399_700.0)
    );

    // Hotspots: 9 + 16 + 8 = 33; known: A's 9 (K1) and C's 5 column-40 pixels (zone "2").
    let hot = read_json(&out.join("hotspots.geojson"));
    check_rfc7946(&hot, (105.0, 106.2), (39.6, 39.8));
    let hs = features(&hot);
    assert_eq!(hs.len(), 33);
    // Northern hemisphere (UTM 48N) thermal detections agree with gdaltransform too.
    let worst = gdaltransform_difference(&scene, hs);
    assert!(
        worst <= 1e-7,
        "largest difference to gdaltransform {worst}°"
    );
    let known_to = |id: &str| {
        hs.iter()
            .filter(|f| f["properties"]["known_zone_id"] == id)
            .count()
    };
    assert_eq!(known_to("K1"), 9);
    assert_eq!(known_to("2"), 5);
    for f in hs {
        let p = &f["properties"];
        let known = p["status"] == "known";
        assert_eq!(known, !p["known_zone_id"].is_null());
        if p["zone_id"] == 2 && known {
            assert_eq!(p["col"], 40);
        }
        // Thermal evidence in kelvin on a generic raster.
        assert!(p["bt_k"].as_f64().unwrap() > 307.0);
        assert_eq!(p["brightness"], p["bt_k"]);
        assert!(p["delta_k"].as_f64().unwrap() > 7.0);
        assert!(p["satellite"].is_null() && p["daynight"].is_null());
    }

    // Known zones report.
    let kz = read_json(&out.join("known_zones.geojson"));
    check_rfc7946(&kz, (105.0, 106.2), (39.6, 39.8));
    let ks = features(&kz);
    assert_eq!(ks.len(), 3);
    let k = |i: usize| &ks[i]["properties"];
    assert_eq!(k(0)["known_zone_id"], "K1");
    assert_eq!(k(0)["detected"], true);
    assert_eq!(k(0)["n_anomalous_px"], 9);
    assert!(close(&k(0)["anomalous_area_m2"], 8100.0));
    assert!(close(&k(0)["max_bt_k"], 312.0));
    assert!(close(&k(0)["max_delta_k"], 12.0));
    assert_eq!(k(0)["n_fire_zones"], 1);
    assert!(close(&k(0)["area_m2"], 30_000.0));
    // Pixel centres in K1: cols 8–14 × rows 8–12.
    assert_eq!(k(0)["n_px"], 35);
    assert_eq!(k(1)["known_zone_id"], "2");
    assert_eq!(k(1)["known_zone_name"], "Ring edge");
    assert_eq!(k(1)["n_anomalous_px"], 5);
    assert!(close(&k(1)["max_bt_k"], 309.0));
    assert_eq!(k(1)["n_px"], 15);
    assert_eq!(k(2)["known_zone_id"], "K3");
    assert!(k(2)["known_zone_name"].is_null());
    assert_eq!(k(2)["detected"], false);
    assert_eq!(k(2)["observed"], true);
    assert_eq!(k(2)["n_anomalous_px"], 0);
    assert!(k(2)["max_bt_k"].is_null());
    assert_eq!(k(2)["n_px"], 9);
    assert_eq!(k(2)["n_observed_px"], 9);

    // Run summary.
    assert_eq!(rec["hotspot_status"]["total"], 33);
    assert_eq!(rec["hotspot_status"]["known"], 14);
    assert_eq!(rec["hotspot_status"]["new"], 19);
    assert_eq!(rec["zone_status"]["known"], 2);
    assert_eq!(rec["zone_status"]["new"], 1);
    let kf = &rec["known_fires"];
    assert_eq!(kf["zones_in_file"], 3);
    assert_eq!(kf["detected"], 2);
    assert_eq!(kf["observed_not_detected"], 1);
    assert_eq!(kf["buffer_m"], 100.0);
    assert_eq!(rec["risk"]["zones_per_class"]["extreme"], 1);
    assert_eq!(rec["risk"]["zones_per_class"]["high"], 2);
    assert_eq!(rec["assets"].as_array().unwrap().len(), 3);

    // Every layer opens, in the native CRS for the GeoPackage.
    let info = ogrinfo(&out.join("seamfire.gpkg"));
    for name in ["hotspots", "fire_zones", "known_zones"] {
        assert!(info.contains(&format!("Layer name: {name}")), "{info}");
    }
    assert!(info.contains("UTM zone 48N"));
    for f in [
        "hotspots.geojson",
        "fire_zones.geojson",
        "known_zones.geojson",
    ] {
        ogrinfo(&out.join(f));
    }
}

#[test]
fn aoi_clips_every_layer_and_risk_rule_comes_from_the_config() {
    let dir = tempfile::tempdir().unwrap();
    let scene = hand_made_scene(dir.path());
    let known = dir.path().join("known.geojson");
    std::fs::write(
        &known,
        utm_geojson(&[
            (
                r#"{"id":"K1"}"#,
                &rect(500_250.0, 4_399_600.0, 500_450.0, 4_399_750.0),
            ),
            (
                r#"{"id":"K2"}"#,
                &rect(501_020.0, 4_399_250.0, 501_120.0, 4_399_400.0),
            ),
            (
                r#"{"id":"K3"}"#,
                &rect(500_600.0, 4_398_200.0, 500_700.0, 4_398_300.0),
            ),
        ]),
    )
    .unwrap();
    // AOI: x 499990–500900 (all rows), so A, K1 and K3 are inside; B, C and K2 outside.
    let aoi = dir.path().join("aoi.geojson");
    std::fs::write(
        &aoi,
        utm_geojson(&[("{}", &rect(499_990.0, 4_398_000.0, 500_900.0, 4_400_010.0))]),
    )
    .unwrap();
    let cfg = dir.path().join("seamfire.toml");
    std::fs::write(&cfg, "[risk]\nclass_min_score = [2, 4, 8]\n").unwrap();
    let out = dir.path().join("out");
    let rec = run_detect(
        &[
            scene.to_str().unwrap(),
            "--aoi",
            aoi.to_str().unwrap(),
            "--known-fires",
            known.to_str().unwrap(),
            "--config",
            cfg.to_str().unwrap(),
            "--param",
            "risk.swir_points=2",
        ],
        &out,
    );
    let hs = read_json(&out.join("hotspots.geojson"));
    assert_eq!(features(&hs).len(), 9);
    assert!(
        features(&hs)
            .iter()
            .all(|f| f["properties"]["status"] == "known")
    );
    let zones = read_json(&out.join("fire_zones.geojson"));
    assert_eq!(features(&zones).len(), 1);
    // A without asset layers: intensity 3 (12 K) + size 1 (8100 m²) + proximity 0 = 4, which
    // is `high` under class_min_score [2, 4, 8] (it would be `moderate` by default).
    let p = &features(&zones)[0]["properties"];
    assert_eq!(p["risk_score"], 4);
    assert_eq!(p["risk_class"], "high");
    assert!(p["dist_road_m"].is_null());
    let kz = read_json(&out.join("known_zones.geojson"));
    let ids: Vec<&str> = features(&kz)
        .iter()
        .map(|f| f["properties"]["known_zone_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["K1", "K3"], "K2 lies outside the AOI");
    assert_eq!(rec["known_fires"]["zones_in_file"], 3);
    assert_eq!(rec["known_fires"]["zones_reported"], 2);
    let params = &rec["risk"]["params"];
    assert_eq!(params["class_min_score"], serde_json::json!([2, 4, 8]));
    assert_eq!(params["swir_points"], 2);
}

#[test]
fn bad_vector_inputs_are_errors_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let scene = hand_made_scene(dir.path());
    let lines = dir.path().join("only_lines.geojson");
    std::fs::write(
        &lines,
        lonlat_line((500_000.0, 4_398_600.0), (501_800.0, 4_398_600.0)),
    )
    .unwrap();
    let run = |extra: &[&str]| {
        let out = dir.path().join("o");
        let res = seamfire()
            .arg("detect")
            .arg(&scene)
            .args(extra)
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&res.stderr).into_owned();
        let wrote = out.exists() && !listing(&out).is_empty();
        (res.status.code(), err, wrote)
    };
    let (code, err, wrote) = run(&["--known-fires", lines.to_str().unwrap()]);
    assert_eq!(code, Some(1));
    assert!(
        err.contains("only_lines.geojson") && err.contains("no polygon"),
        "{err}"
    );
    assert!(!wrote);
    let (code, err, _) = run(&["--roads", "/nonexistent/roads.gpkg"]);
    assert_eq!(code, Some(1));
    assert!(err.contains("roads.gpkg"), "{err}");
    let (code, err, _) = run(&["--known-buffer-m", "-5"]);
    assert_eq!(code, Some(2), "{err}");
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "[risk]\ndelta_k = [5, 2, 1]\n").unwrap();
    let (code, err, _) = run(&["--config", bad.to_str().unwrap()]);
    assert_eq!(code, Some(2));
    assert!(err.contains("bad.toml") && err.contains("delta_k"), "{err}");
    let (code, err, _) = run(&["--param", "risk.colour=1"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("colour"), "{err}");
}

#[test]
fn a_grid_without_crs_gets_rasters_only_and_vector_options_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = ndarray::Array2::from_elem((40, 40), 300f32);
    t[[20, 20]] = 315.0;
    let path = dir.path().join("drone.tif");
    let raster = Raster {
        data: t,
        georef: Georef {
            transform: GeoTransform([0.0, 1.0, 0.0, 40.0, 0.0, -1.0]),
            crs_wkt: String::new(),
            epsg: None,
            ground_m_per_unit: None,
        },
        nodata: None,
        unit: Unit::Kelvin,
    };
    seamfire::io::write_cog(&raster, &path, &Default::default()).unwrap();
    let out = dir.path().join("o");
    let rec = run_detect(&[path.to_str().unwrap()], &out);
    assert_eq!(listing(&out), ["anomaly.tif", "bt.tif", "detection.json"]);
    assert!(rec.get("hotspot_status").is_none());
    assert!(
        rec["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w.as_str().unwrap().contains("no CRS"))
    );
    let known = dir.path().join("known.geojson");
    std::fs::write(&known, utm_geojson(&[("{}", &rect(0.0, 0.0, 10.0, 10.0))])).unwrap();
    let res = seamfire()
        .arg("detect")
        .arg(&path)
        .arg("--known-fires")
        .arg(&known)
        .arg("--out")
        .arg(dir.path().join("o2"))
        .output()
        .unwrap();
    assert_eq!(res.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&res.stderr).contains("no CRS"));
}

#[test]
fn excluded_sites_keep_their_anomalies_with_their_own_status() {
    let dir = tempfile::tempdir().unwrap();
    let scene = hand_made_scene(dir.path());
    // K1 contains A (as in the test above): known, unless excluded.
    let known = dir.path().join("known.geojson");
    std::fs::write(
        &known,
        utm_geojson(&[(
            r#"{"id":"K1","name":"Pit A"}"#,
            &rect(500_250.0, 4_399_600.0, 500_450.0, 4_399_750.0),
        )]),
    )
    .unwrap();
    // Exclusions (UTM 48N):
    // * R1 "Coking plant": exactly A's footprint (x 500300–500390, y 4399610–4399700): A is
    //   excluded although it is also in the known zone K1 (the user said it is not a fire);
    // * a flare point (no id attribute: the feature's position, 2) at (501260, 4398700): 40 m
    //   south of B's footprint (y 4398740); B's pixel centres (x 501215–501305, y 4398755 and
    //   4398785) are at most hypot(45, 85) = 96.2 m away (≤ 100 m): B and its 8 hotspots
    //   are excluded;
    // * C (x 501200–501350, y 4399250–4399400) is 550 m from the flare: new.
    let exclude = dir.path().join("industry.geojson");
    std::fs::write(
        &exclude,
        utm_geojson(&[
            (
                r#"{"id":"R1","name":"Coking plant"}"#,
                &rect(500_300.0, 4_399_610.0, 500_390.0, 4_399_700.0),
            ),
            (
                r#"{"kind":"flare"}"#,
                r#"{"type":"Point","coordinates":[501260.0,4398700.0]}"#,
            ),
        ]),
    )
    .unwrap();
    let out = dir.path().join("out");
    let rec = run_detect(
        &[
            scene.to_str().unwrap(),
            "--known-fires",
            known.to_str().unwrap(),
            "--exclude",
            exclude.to_str().unwrap(),
        ],
        &out,
    );
    let zones = read_json(&out.join("fire_zones.geojson"));
    let zs = features(&zones);
    assert_eq!(zs.len(), 3, "excluded zones stay in the layer");
    let p = |i: usize| &zs[i]["properties"];
    // Zones in row-major order of their first pixel: A (1), C (2), B (3).
    assert_eq!(p(0)["status"], "excluded");
    assert_eq!(p(0)["excluded_site_id"], "R1");
    assert_eq!(p(0)["excluded_site_name"], "Coking plant");
    assert_eq!(p(0)["known_zone_id"], "K1", "the known zone stays recorded");
    assert_eq!(p(1)["status"], "new");
    assert!(p(1)["excluded_site_id"].is_null());
    assert_eq!(p(2)["status"], "excluded");
    assert!(p(2)["excluded_site_name"].is_null());
    let flare_id = p(2)["excluded_site_id"].as_str().unwrap().to_string();
    // Hotspots: A's 9 and B's 8 excluded, C's 16 new.
    let hot = read_json(&out.join("hotspots.geojson"));
    let count = |s: &str| {
        features(&hot)
            .iter()
            .filter(|f| f["properties"]["status"] == s)
            .count()
    };
    assert_eq!(
        (count("excluded"), count("new"), count("known")),
        (17, 16, 0)
    );
    for f in features(&hot) {
        let h = &f["properties"];
        let zone = h["zone_id"].as_u64().unwrap();
        let site = h["excluded_site_id"].as_str();
        match zone {
            1 => assert_eq!(site, Some("R1")),
            2 => assert_eq!(site, None),
            _ => assert_eq!(site, Some(flare_id.as_str())),
        }
    }
    assert_eq!(rec["zone_status"]["excluded"], 2);
    assert_eq!(rec["zone_status"]["new"], 1);
    assert_eq!(rec["zone_status"]["known"], 0);
    assert_eq!(rec["hotspot_status"]["excluded"], 17);
    assert_eq!(rec["exclude"]["sites"], 2);
    assert_eq!(rec["exclude"]["buffer_m"], 100.0);
    // The CSV and the GeoPackage carry the same status.
    let gpkg = gpkg_layer(&out.join("seamfire.gpkg"), "fire_zones");
    let statuses: Vec<&str> = gpkg.iter().map(|(_, p)| prop(p, "status")).collect();
    assert_eq!(statuses, ["excluded", "new", "excluded"]);
    let csv = std::fs::read_to_string(out.join("hotspots.csv")).unwrap();
    assert!(csv.lines().next().unwrap().contains("excluded_site_id"));
    assert_eq!(csv.lines().filter(|l| l.contains(",excluded,")).count(), 17);

    // A smaller buffer (30 m): B's pixel centres are 57–96 m from the flare, B is new again;
    // A still lies inside R1.
    let out30 = dir.path().join("out30");
    let rec = run_detect(
        &[
            scene.to_str().unwrap(),
            "--exclude",
            exclude.to_str().unwrap(),
            "--exclude-buffer-m",
            "30",
        ],
        &out30,
    );
    // B's footprint is 40 m from the flare: beyond 30 m.
    assert_eq!(rec["zone_status"]["excluded"], 1);
    assert_eq!(rec["zone_status"]["new"], 2);
    assert_eq!(rec["hotspot_status"]["excluded"], 9);

    // Excluded zones get no map sheet of their own.
    let res = seamfire()
        .arg("render")
        .arg(&out)
        .args(["--products", "thermal,sheets", "--sheets", "all"])
        .output()
        .unwrap();
    assert!(
        res.status.success(),
        "{}",
        String::from_utf8_lossy(&res.stderr)
    );
    let sheets = read_json(&out.join("maps/sheets.json"));
    let mut sheet_zones: Vec<u64> = sheets["sheets"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["kind"] != "overview") // the overview draws every zone
        .flat_map(|s| s["zones"].as_array().unwrap().iter())
        .map(|z| z.as_u64().unwrap())
        .collect();
    sheet_zones.sort();
    sheet_zones.dedup();
    assert_eq!(sheet_zones, [2], "only the new zone C has a sheet");
    let overview = sheets["sheets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["kind"] == "overview")
        .unwrap();
    assert_eq!(overview["zones"], serde_json::json!([1, 2, 3]));
}

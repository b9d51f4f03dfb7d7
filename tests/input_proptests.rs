//! Structure-aware property tests of the readers of user-written inputs: pipeline TOML files,
//! and GeoJSON / GeoPackage vector layers (AOI, known-fire inventory, assets). Generated
//! documents mix valid structure with wrong types, typos and degenerate geometry; every outcome
//! must be a value or an error naming the file, never a panic. Where the expected value can be
//! computed from the generated document (zone counts, polygon areas), it is checked.

use std::collections::BTreeSet;
use std::path::Path;

use geo::{Area, Geometry, LineString, MultiPolygon, Polygon};
use proptest::prelude::*;
use seamfire::io::{LayerGeometry, OutLayer, read_aoi_polygons, read_assets, read_known_fires};
use seamfire::pipeline::{PipelineSpec, Plan};
use seamfire::raster::{GeoTransform, Georef};
use seamfire::vector::{AssetKind, FieldType, Value, table::field};

fn utm21() -> Georef {
    Georef {
        transform: GeoTransform([400_000.0, 30.0, 0.0, -2_100_000.0, 0.0, -30.0]),
        crs_wkt: String::new(),
        epsg: Some(32621),
        ground_m_per_unit: None,
    }
}

// --- pipeline TOML -------------------------------------------------------------------------------

/// A TOML value of any kind, including ones no key accepts.
fn toml_value() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z_./]{0,12}".prop_map(|s| format!("{s:?}")),
        any::<i64>().prop_map(|i| i.to_string()),
        prop_oneof![
            Just(0.0f64),
            Just(-1.0),
            Just(100.0),
            Just(1e300),
            -1e6f64..1e6
        ]
        .prop_map(|f| format!("{f:?}")),
        Just("nan".to_string()),
        Just("-inf".to_string()),
        any::<bool>().prop_map(|b| b.to_string()),
        Just("[]".to_string()),
        Just("[\"rasters\", \"vectors\"]".to_string()),
        Just("[\"maps\"]".to_string()),
        Just("{}".to_string()),
        Just("{ k = 4.0 }".to_string()),
        Just("\"bt\"".to_string()),
        Just("\"lst\"".to_string()),
    ]
}

/// Keys of a pipeline file and of its tables, with typos.
const TOP_KEYS: &[&str] = &[
    "name",
    "output",
    "aoi",
    "known_fires",
    "known_buffer_m",
    "roads",
    "water",
    "buildings",
    "temperature",
    "products",
    "outptu",
    "known_buffer",
];
const SCENE_KEYS: &[&str] = &["path", "glob", "id", "pth"];
const DETECT_KEYS: &[&str] = &[
    "thermal",
    "swir_enabled",
    "mask_cirrus",
    "contextual.k",
    "contextual.min_delta_k",
    "contextual.window_px",
    "ksigma.k",
    "no_such_key",
];

/// A value of the right type for `key` (not always a valid one).
fn good_value(key: &str, choice: u8) -> String {
    match key {
        "known_buffer_m" | "known_buffer" => {
            ["50.0", "0.0", "-5.0", "1e400"][usize::from(choice % 4)].into()
        }
        "temperature" => ["\"bt\"", "\"lst\"", "\"kelvin\""][usize::from(choice % 3)].into(),
        "products" => {
            ["[\"rasters\"]", "[]", "[\"rasters\", \"qgis\"]"][usize::from(choice % 3)].into()
        }
        "thermal" => ["\"contextual\"", "\"off\"", "\"magic\""][usize::from(choice % 3)].into(),
        "swir_enabled" | "mask_cirrus" => "true".into(),
        k if k.contains('.') => ["4.0", "-1.0", "0", "\"x\""][usize::from(choice % 4)].into(),
        _ => "\"scene_a\"".into(),
    }
}

/// `(key, value)` with a right-typed value more often than not.
fn entry(keys: &'static [&'static str]) -> impl Strategy<Value = (&'static str, String)> {
    (proptest::sample::select(keys), any::<u8>(), toml_value()).prop_map(|(k, c, random)| {
        if c % 5 < 3 {
            (k, good_value(k, c / 5))
        } else {
            (k, random)
        }
    })
}

fn pipeline_text() -> impl Strategy<Value = String> {
    let top = proptest::collection::vec(entry(TOP_KEYS), 0..8);
    let scenes = proptest::collection::vec(
        proptest::collection::vec((proptest::sample::select(SCENE_KEYS), toml_value()), 0..3),
        0..3,
    );
    let detect =
        proptest::collection::vec((proptest::sample::select(DETECT_KEYS), toml_value()), 0..4);
    (any::<bool>(), top, scenes, detect).prop_map(|(named, top, scenes, detect)| {
        let mut s = String::new();
        if named {
            s.push_str("name = \"survey\"\noutput = \"out\"\n");
        }
        let mut seen = BTreeSet::new();
        for (k, v) in top {
            if seen.insert(k) {
                s.push_str(&format!("{k} = {v}\n"));
            }
        }
        if named {
            s.push_str("[[scene]]\npath = \"scene_a\"\nid = \"a\"\n");
        }
        for entries in scenes {
            s.push_str("[[scene]]\n");
            let mut seen = BTreeSet::new();
            for (k, v) in entries {
                if seen.insert(k) {
                    s.push_str(&format!("{k} = {v}\n"));
                }
            }
        }
        if !detect.is_empty() {
            s.push_str("[detect]\n");
            let mut seen = BTreeSet::new();
            for (k, v) in detect {
                let k = k.replace('.', "_dot_");
                if seen.insert(k.clone()) {
                    s.push_str(&format!("{} = {v}\n", k.replace("_dot_", ".")));
                }
            }
        }
        s
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Any generated pipeline file gives a plan or an error naming the file; a plan never
    /// holds a negative or non-finite buffer.
    #[test]
    fn pipeline_files_give_a_plan_or_an_error_naming_the_file(text in pipeline_text()) {
        let dir = tempfile::tempdir().unwrap();
        let origin = dir.path().join("survey.toml");
        let r = PipelineSpec::from_text(&text, &origin)
            .and_then(|spec| Plan::from_spec(spec, &origin, None));
        match r {
            Ok(plan) => {
                prop_assert!(plan.known_buffer_m.is_finite() && plan.known_buffer_m >= 0.0);
                prop_assert!(!plan.scenes.is_empty());
            }
            Err(e) => {
                let msg = e.to_string();
                prop_assert!(msg.contains("survey.toml"), "{msg}\n--- file ---\n{text}");
            }
        }
    }
}

// --- vector layers -------------------------------------------------------------------------------

/// A generated feature: a polygon (valid square, or degenerate), a point, a line or nothing.
#[derive(Debug, Clone)]
enum Feat {
    Square { x: f64, y: f64, side: f64, id: u8 },
    Flat { x: f64, y: f64, id: u8 },
    Point { x: f64, y: f64 },
    Line { x: f64, y: f64 },
    NoGeometry,
}

fn feature() -> impl Strategy<Value = Feat> {
    let x = 400_000.0f64..430_000.0;
    let y = -2_130_000.0f64..-2_100_000.0;
    prop_oneof![
        4 => (x.clone(), y.clone(), 1.0f64..3000.0, 0u8..4).prop_map(|(x, y, side, id)| Feat::Square { x, y, side, id }),
        1 => (x.clone(), y.clone(), 0u8..4).prop_map(|(x, y, id)| Feat::Flat { x, y, id }),
        1 => (x.clone(), y.clone()).prop_map(|(x, y)| Feat::Point { x, y }),
        1 => (x, y).prop_map(|(x, y)| Feat::Line { x, y }),
        1 => Just(Feat::NoGeometry),
    ]
}

fn square(x: f64, y: f64, side: f64) -> Polygon<f64> {
    Polygon::new(
        LineString::from(vec![
            (x, y),
            (x + side, y),
            (x + side, y + side),
            (x, y + side),
            (x, y),
        ]),
        vec![],
    )
}

fn ring_json(coords: &[(f64, f64)]) -> String {
    let pts: Vec<String> = coords.iter().map(|(x, y)| format!("[{x},{y}]")).collect();
    format!("[{}]", pts.join(","))
}

/// GeoJSON in EPSG:32621 (named CRS member, as GDAL writes for non-WGS84 layers).
fn geojson(feats: &[Feat]) -> String {
    let mut out = Vec::new();
    for f in feats {
        let (geom, id) = match f {
            Feat::Square { x, y, side, id } => {
                let c = square(*x, *y, *side)
                    .exterior()
                    .0
                    .iter()
                    .map(|c| (c.x, c.y))
                    .collect::<Vec<_>>();
                (
                    format!(
                        "{{\"type\":\"Polygon\",\"coordinates\":[{}]}}",
                        ring_json(&c)
                    ),
                    Some(*id),
                )
            }
            Feat::Flat { x, y, id } => {
                // A zero-area polygon: three collinear points.
                let c = [(*x, *y), (x + 10.0, *y), (x + 20.0, *y), (*x, *y)];
                (
                    format!(
                        "{{\"type\":\"Polygon\",\"coordinates\":[{}]}}",
                        ring_json(&c)
                    ),
                    Some(*id),
                )
            }
            Feat::Point { x, y } => (
                format!("{{\"type\":\"Point\",\"coordinates\":[{x},{y}]}}"),
                None,
            ),
            Feat::Line { x, y } => (
                format!(
                    "{{\"type\":\"LineString\",\"coordinates\":{}}}",
                    ring_json(&[(*x, *y), (x + 100.0, y + 50.0)])
                ),
                None,
            ),
            Feat::NoGeometry => ("null".to_string(), None),
        };
        let props = match id {
            Some(i) => format!("{{\"zone_id\":\"z{i}\"}}"),
            None => "{}".to_string(),
        };
        out.push(format!(
            "{{\"type\":\"Feature\",\"properties\":{props},\"geometry\":{geom}}}"
        ));
    }
    format!(
        "{{\"type\":\"FeatureCollection\",\"crs\":{{\"type\":\"name\",\"properties\":{{\"name\":\"urn:ogc:def:crs:EPSG::32621\"}}}},\"features\":[{}]}}",
        out.join(",")
    )
}

/// Distinct ids of the polygon features (squares and flat ones), and whether there is any
/// feature with a geometry that is not a polygon.
fn expected_zones(feats: &[Feat]) -> (BTreeSet<u8>, bool) {
    let ids = feats
        .iter()
        .filter_map(|f| match f {
            Feat::Square { id, .. } | Feat::Flat { id, .. } => Some(*id),
            _ => None,
        })
        .collect();
    let other = feats
        .iter()
        .any(|f| matches!(f, Feat::Point { .. } | Feat::Line { .. }));
    (ids, other)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// A GeoJSON inventory: one zone per distinct id of its polygons; no polygon but other
    /// geometries is an error naming the file; no feature at all is an empty inventory.
    #[test]
    fn geojson_inventories(feats in proptest::collection::vec(feature(), 0..8)) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("known.geojson");
        std::fs::write(&p, geojson(&feats)).unwrap();
        let (ids, other) = expected_zones(&feats);
        match read_known_fires(&p, &utm21(), 100.0) {
            Ok((inv, _)) => {
                let got: BTreeSet<String> = inv.zones.iter().map(|z| z.id.clone()).collect();
                let want: BTreeSet<String> = ids.iter().map(|i| format!("z{i}")).collect();
                prop_assert_eq!(got, want);
            }
            Err(e) => {
                let msg = e.to_string();
                prop_assert!(msg.contains("known.geojson"), "{}", msg);
                prop_assert!(ids.is_empty() && other, "refused although it has polygons: {}", msg);
            }
        }
        // The same file as an AOI: the union of the squares (flat polygons add no area).
        match read_aoi_polygons(&p, &utm21()) {
            Ok(aoi) => {
                let squares: Vec<Polygon<f64>> = feats.iter().filter_map(|f| match f {
                    Feat::Square { x, y, side, .. } => Some(square(*x, *y, *side)),
                    _ => None,
                }).collect();
                let sum: f64 = squares.iter().map(|s| s.unsigned_area()).sum();
                let largest = squares.iter().map(|s| s.unsigned_area()).fold(0.0, f64::max);
                let area = aoi.unsigned_area();
                prop_assert!(area <= sum * (1.0 + 1e-6) + 1e-3, "{area} > {sum}");
                prop_assert!(area >= largest * (1.0 - 1e-6) - 1e-3, "{area} < {largest}");
            }
            Err(e) => {
                prop_assert!(e.to_string().contains("known.geojson"));
                prop_assert!(ids.is_empty(), "{}", e);
            }
        }
        // As an asset layer every feature with a geometry is kept.
        let (layer, _) = read_assets(&p, AssetKind::Road, &utm21()).unwrap();
        let with_geometry = feats.iter().filter(|f| !matches!(f, Feat::NoGeometry)).count();
        prop_assert_eq!(layer.geometries.len(), with_geometry);
    }

    /// A GeoPackage inventory written through seamfire's own writer reads back with one zone
    /// per distinct id and each zone's area equal to the union of its squares.
    #[test]
    fn geopackage_inventories(squares in proptest::collection::vec((0.0f64..20_000.0, 0.0f64..20_000.0, 10.0f64..500.0, 0u8..3), 1..6)) {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("known.gpkg");
        let fields = [field("zone_id", FieldType::String)];
        let features: Vec<(Geometry<f64>, Vec<Value>)> = squares
            .iter()
            .map(|(x, y, s, id)| {
                let g = Geometry::MultiPolygon(MultiPolygon(vec![square(400_000.0 + x, -2_120_000.0 + y, *s)]));
                (g, vec![Value::Str(format!("z{id}"))])
            })
            .collect();
        let staged = seamfire::io::stage_gpkg(
            &dest,
            &utm21(),
            vec![OutLayer { name: "known", geometry: LayerGeometry::MultiPolygon, fields: &fields, features: Box::new(features.into_iter()) }],
        )
        .unwrap();
        seamfire::io::commit_all(vec![staged]).unwrap();
        let (inv, _) = read_known_fires(&dest, &utm21(), 100.0).unwrap();
        let want: BTreeSet<String> = squares.iter().map(|s| format!("z{}", s.3)).collect();
        let got: BTreeSet<String> = inv.zones.iter().map(|z| z.id.clone()).collect();
        prop_assert_eq!(&got, &want);
        for z in &inv.zones {
            use geo::BooleanOps;
            let union = squares
                .iter()
                .filter(|s| format!("z{}", s.3) == z.id)
                .fold(MultiPolygon(vec![]), |acc, (x, y, s, _)| {
                    acc.union(&MultiPolygon(vec![square(400_000.0 + x, -2_120_000.0 + y, *s)]))
                });
            let (a, b) = (z.geometry.unsigned_area(), union.unsigned_area());
            prop_assert!((a - b).abs() <= 1e-6 * b.max(1.0), "zone {}: {} vs {}", z.id, a, b);
        }
    }
}

#[test]
fn a_junk_file_is_refused_by_every_vector_reader() {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in [
        ("junk.geojson", b"{\"type\": \"Feat".to_vec()),
        ("junk.gpkg", b"SQLite format 3\0garbage".to_vec()),
        ("empty.gpkg", Vec::new()),
    ] {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        let e = read_known_fires(&p, &utm21(), 100.0)
            .unwrap_err()
            .to_string();
        assert!(e.contains(name), "{e}");
        let e = read_aoi_polygons(&p, &utm21()).unwrap_err().to_string();
        assert!(e.contains(name), "{e}");
        let e = read_assets(&p, AssetKind::Water, &utm21())
            .unwrap_err()
            .to_string();
        assert!(e.contains(name), "{e}");
    }
    let _ = Path::new("");
}

//! A STAC 1.0.0 catalog of a run (`docs/report.md`, "Catalog"): `catalog.json` at the root,
//! one `collection.json` for the season (its fire zones, summary, report and atlas as assets),
//! and one item per scene (`<scene>/<scene>.json`) with its products as assets, the projection
//! (v1.1.0) and raster (v1.1.0) extensions. All links and hrefs are relative, so the run can be
//! moved or published as it is (a "self-contained" catalog in STAC terms).
//!
//! Pure: the caller says which files exist and writes the JSON.

use serde_json::{Value, json};

use crate::report::model::RunData;

pub const STAC_VERSION: &str = "1.0.0";
pub const PROJECTION: &str = "https://stac-extensions.github.io/projection/v1.1.0/schema.json";
pub const RASTER: &str = "https://stac-extensions.github.io/raster/v1.1.0/schema.json";

const COG: &str = "image/tiff; application=geotiff; profile=cloud-optimized";
const GEOJSON: &str = "application/geo+json";
const JSON: &str = "application/json";

/// Asset candidates of a scene directory: `(key, file, media type, roles, title)`.
const SCENE_ASSETS: &[(&str, &str, &str, &[&str], &str)] = &[
    (
        "bt",
        "bt.tif",
        COG,
        &["data"],
        "Temperature (K) the detection worked on",
    ),
    (
        "anomaly",
        "anomaly.tif",
        COG,
        &["data"],
        "Anomaly class per pixel: 0 none, 1 low, 2 nominal, 3 high, 255 not processed",
    ),
    (
        "fire_zones",
        "fire_zones.geojson",
        GEOJSON,
        &["data"],
        "Fire zones with status, risk class and distances",
    ),
    (
        "hotspots",
        "hotspots.geojson",
        GEOJSON,
        &["data"],
        "Anomalous pixels as points",
    ),
    (
        "known_zones",
        "known_zones.geojson",
        GEOJSON,
        &["data"],
        "Known burning zones as observed in this scene",
    ),
    (
        "hotspots_csv",
        "hotspots.csv",
        "text/csv",
        &["data"],
        "Anomalous pixels as a table",
    ),
    (
        "geopackage",
        "seamfire.gpkg",
        "application/geopackage+sqlite3",
        &["data"],
        "Vector layers in the native CRS",
    ),
    (
        "thermal_map",
        "thermal_map.tif",
        COG,
        &["visual"],
        "Thermal map (RGBA)",
    ),
    (
        "orthophoto",
        "orthophoto.tif",
        COG,
        &["visual"],
        "Orthophoto, true colour (RGBA)",
    ),
    (
        "orthophoto_swir",
        "orthophoto_swir.tif",
        COG,
        &["visual"],
        "SWIR false colour (RGBA)",
    ),
    (
        "thumbnail",
        "thermal_map.png",
        "image/png",
        &["thumbnail"],
        "Thermal map quicklook",
    ),
    (
        "overview_map",
        "maps/overview.png",
        "image/png",
        &["overview"],
        "Overview map sheet",
    ),
    (
        "sheets",
        "maps/sheets.json",
        JSON,
        &["metadata"],
        "Index of the map sheets",
    ),
    (
        "detection",
        "detection.json",
        JSON,
        &["metadata"],
        "Detection record: parameters, counts, zones",
    ),
    (
        "manifest",
        "manifest.json",
        JSON,
        &["metadata"],
        "Inputs and outputs with SHA-256",
    ),
    (
        "qgis",
        "seamfire.qgs",
        "application/x-qgis",
        &["metadata"],
        "QGIS project",
    ),
];

/// Season-level assets of the collection.
const SEASON_ASSETS: &[(&str, &str, &str, &[&str], &str)] = &[
    (
        "season_zones",
        "season.geojson",
        GEOJSON,
        &["data"],
        "Fire zones of every scene with their persistence",
    ),
    (
        "season_summary",
        "season_summary.json",
        JSON,
        &["metadata"],
        "Season summary per scene and known zone",
    ),
    (
        "season_summary_csv",
        "season_summary.csv",
        "text/csv",
        &["metadata"],
        "Season summary as a table",
    ),
    (
        "report_html",
        "report.html",
        "text/html",
        &["metadata"],
        "Fire-risk assessment report",
    ),
    (
        "report_pdf",
        "report.pdf",
        "application/pdf",
        &["metadata"],
        "Fire-risk assessment report (PDF)",
    ),
    (
        "report_zh_html",
        "report.zh-CN.html",
        "text/html",
        &["metadata"],
        "Fire-risk assessment report (Simplified Chinese)",
    ),
    (
        "report_zh_pdf",
        "report.zh-CN.pdf",
        "application/pdf",
        &["metadata"],
        "Fire-risk assessment report (Simplified Chinese, PDF)",
    ),
    (
        "atlas",
        "atlas.pdf",
        "application/pdf",
        &["metadata"],
        "Map atlas: every map sheet",
    ),
    (
        "atlas_zh",
        "atlas.zh-CN.pdf",
        "application/pdf",
        &["metadata"],
        "Map atlas (Simplified Chinese): every map sheet",
    ),
];

/// `2020-09-15T15:06:44.287Z` from a date and a Landsat scene-centre time.
pub fn datetime(date: &str, time: &str) -> String {
    let t = time.trim_end_matches('Z');
    let (hms, frac) = t.split_once('.').unwrap_or((t, ""));
    let hms = if hms.len() == 8 { hms } else { "00:00:00" };
    let frac: String = frac.chars().take(3).collect();
    if frac.is_empty() {
        format!("{date}T{hms}Z")
    } else {
        format!("{date}T{hms}.{frac}Z")
    }
}

fn link(rel: &str, href: &str) -> Value {
    json!({"rel": rel, "href": href, "type": JSON})
}

fn asset(href: String, media: &str, roles: &[&str], title: &str) -> Value {
    json!({"href": href, "type": media, "roles": roles, "title": title})
}

/// Platform and instruments from `detection.json` `scene.mission` / `sensor`.
fn platform(scene: &Value) -> (Option<String>, Vec<String>) {
    let mission = scene["mission"].as_str().unwrap_or("");
    let platform = mission
        .strip_prefix("Landsat")
        .map(|n| format!("landsat-{}", n.trim()))
        .or_else(|| (!mission.is_empty()).then(|| mission.to_lowercase()));
    let instruments = match scene["sensor"].as_str().unwrap_or("") {
        "OliTirs" => vec!["oli".into(), "tirs".into()],
        "" => Vec::new(),
        s => vec![s.to_lowercase()],
    };
    (platform, instruments)
}

/// The item of one scene; `exists(path)` says whether a file (relative to the scene
/// directory) exists.
pub fn item(
    scene_id: &str,
    detection: &Value,
    collection_id: &str,
    exists: &dyn Fn(&str) -> bool,
) -> Value {
    let g = &detection["grid"];
    let f = |i: usize| g["footprint_lonlat"][i].as_f64().unwrap_or(0.0);
    let bbox = [f(0), f(1), f(2), f(3)];
    let geometry = json!({"type": "Polygon", "coordinates": [[
        [bbox[0], bbox[1]], [bbox[2], bbox[1]], [bbox[2], bbox[3]], [bbox[0], bbox[3]], [bbox[0], bbox[1]]
    ]]});
    let scene = &detection["scene"];
    let (platform, instruments) = platform(scene);
    let mut props = serde_json::Map::new();
    props.insert(
        "datetime".into(),
        json!(datetime(
            scene["acquisition_date"].as_str().unwrap_or("1970-01-01"),
            scene["scene_center_time"].as_str().unwrap_or("")
        )),
    );
    if let Some(p) = platform {
        props.insert("platform".into(), json!(p));
    }
    if !instruments.is_empty() {
        props.insert("instruments".into(), json!(instruments));
    }
    props.insert("proj:epsg".into(), g["epsg"].clone());
    props.insert("proj:shape".into(), json!([g["height"], g["width"]]));
    if let Some(t) = g["geotransform"].as_array().filter(|t| t.len() == 6) {
        // STAC (rasterio/Affine) order: a, b, c, d, e, f = gt[1], gt[2], gt[0], gt[4], gt[5], gt[3].
        props.insert(
            "proj:transform".into(),
            json!([t[1], t[2], t[0], t[4], t[5], t[3]]),
        );
    }
    props.insert("seamfire:product_id".into(), scene["product_id"].clone());
    props.insert("seamfire:day".into(), detection["day"].clone());
    props.insert(
        "seamfire:zones".into(),
        json!(detection["zones"].as_array().map_or(0, Vec::len)),
    );
    props.insert(
        "seamfire:zone_status".into(),
        detection["zone_status"].clone(),
    );
    props.insert(
        "seamfire:version".into(),
        detection["seamfire_version"].clone(),
    );
    let mut assets = serde_json::Map::new();
    for (key, file, media, roles, title) in SCENE_ASSETS {
        if !exists(file) {
            continue;
        }
        let mut a = asset(format!("./{file}"), media, roles, title);
        match *key {
            "bt" => {
                a["raster:bands"] = json!([{"data_type": "float32", "nodata": "nan", "unit": "K"}]);
            }
            "anomaly" => {
                a["raster:bands"] = json!([{"data_type": "uint8", "nodata": 255}]);
            }
            _ => {}
        }
        assets.insert(key.to_string(), a);
    }
    json!({
        "type": "Feature",
        "stac_version": STAC_VERSION,
        "stac_extensions": [PROJECTION, RASTER],
        "id": scene_id,
        "geometry": geometry,
        "bbox": bbox,
        "properties": props,
        "links": [
            link("root", "../catalog.json"),
            link("parent", "../collection.json"),
            link("collection", "../collection.json"),
        ],
        "assets": assets,
        "collection": collection_id,
    })
}

/// Files of the catalog, `(path relative to the run root, JSON)`; `exists(path)` says whether a
/// file (relative to the run root) exists or is being written with it.
pub fn catalog(run: &RunData, exists: &dyn Fn(&str) -> bool) -> Vec<(String, Value)> {
    let survey = if run.survey.is_empty() {
        "survey"
    } else {
        &run.survey
    };
    let collection_id = format!("{survey}-season");
    let mut files = Vec::new();
    let mut bbox: Option<[f64; 4]> = None;
    let mut times: Vec<String> = Vec::new();
    let mut item_links = Vec::new();
    for s in run.scenes.iter().filter(|s| !s.dir.is_empty()) {
        let dir = s.dir.clone();
        let it = item(&s.id, &s.detection, &collection_id, &|f: &str| {
            exists(&format!("{dir}/{f}"))
        });
        let b = &it["bbox"];
        let v = |i: usize| b[i].as_f64().unwrap_or(0.0);
        bbox = Some(match bbox {
            None => [v(0), v(1), v(2), v(3)],
            Some(a) => [
                a[0].min(v(0)),
                a[1].min(v(1)),
                a[2].max(v(2)),
                a[3].max(v(3)),
            ],
        });
        if let Some(t) = it["properties"]["datetime"].as_str() {
            times.push(t.to_string());
        }
        let path = format!("{dir}/{}.json", s.id);
        item_links.push(link("item", &format!("./{path}")));
        files.push((path, it));
    }
    times.sort();
    let mut assets = serde_json::Map::new();
    for (key, file, media, roles, title) in SEASON_ASSETS {
        if exists(file) {
            assets.insert(
                key.to_string(),
                asset(format!("./{file}"), media, roles, title),
            );
        }
    }
    let mut links = vec![
        link("root", "./catalog.json"),
        link("parent", "./catalog.json"),
    ];
    links.extend(item_links);
    let collection = json!({
        "type": "Collection",
        "stac_version": STAC_VERSION,
        "stac_extensions": [],
        "id": collection_id,
        "title": format!("{survey}: coal-fire survey season"),
        "description": "Thermal-infrared coal-fire survey processed by seamfire: per scene the temperature, anomaly classes, fire zones, map products; for the season the fire zones with their persistence, the assessment report and the map atlas.",
        "license": "proprietary",
        "keywords": ["coal fire", "thermal infrared", "hotspots"],
        "providers": [{"name": "seamfire", "roles": ["processor"]}],
        "extent": {
            "spatial": {"bbox": [bbox.map_or(vec![-180.0, -90.0, 180.0, 90.0], |b| b.to_vec())]},
            "temporal": {"interval": [[times.first(), times.last()]]},
        },
        "links": links,
        "assets": assets,
    });
    files.push(("collection.json".into(), collection));
    files.push((
        "catalog.json".into(),
        json!({
            "type": "Catalog",
            "stac_version": STAC_VERSION,
            "id": survey,
            "title": format!("{survey} (seamfire run)"),
            "description": format!("STAC catalog of the seamfire run {survey}: one collection for the season, one item per scene."),
            "links": [link("root", "./catalog.json"), link("child", "./collection.json")],
        }),
    ));
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datetimes_are_rfc3339() {
        assert_eq!(
            datetime("2020-09-15", "15:06:44.2870000Z"),
            "2020-09-15T15:06:44.287Z"
        );
        assert_eq!(datetime("2020-09-15", "03:41:27Z"), "2020-09-15T03:41:27Z");
        assert_eq!(datetime("2020-09-15", ""), "2020-09-15T00:00:00Z");
    }

    #[test]
    fn affine_order_of_the_transform() {
        let det = json!({"grid": {"epsg": 32648, "width": 3, "height": 2,
            "geotransform": [600000.0, 30.0, 0.0, 4400000.0, 0.0, -30.0],
            "footprint_lonlat": [1.0, 2.0, 3.0, 4.0]},
            "scene": {"mission": "Landsat8", "sensor": "OliTirs", "acquisition_date": "2020-01-02"}});
        let it = item("s", &det, "c", &|f| f == "bt.tif");
        assert_eq!(
            it["properties"]["proj:transform"],
            json!([30.0, 0.0, 600000.0, 0.0, -30.0, 4400000.0])
        );
        assert_eq!(it["properties"]["proj:shape"], json!([2, 3]));
        assert_eq!(it["properties"]["platform"], "landsat-8");
        assert_eq!(it["assets"].as_object().unwrap().len(), 1);
        assert_eq!(it["assets"]["bt"]["raster:bands"][0]["unit"], "K");
    }
}

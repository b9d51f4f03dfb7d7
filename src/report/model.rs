//! What the report says, computed from a run's outputs already read into memory ([`RunData`]):
//! scene rows (exactly `season_summary.json`'s numbers), known zones with their observations per
//! date, new-anomaly sites (new zones of all dates grouped by place), the risk rule and the
//! limitations' numbers. Pure: no file access.

use serde_json::Value;

/// A scene directory's outputs.
#[derive(Debug, Clone, Default)]
pub struct SceneData {
    pub id: String,
    /// Directory relative to the report root (`""` when the root is the scene).
    pub dir: String,
    pub detection: Value,
    /// Properties of `fire_zones.geojson` features.
    pub fire_zones: Vec<Value>,
    /// Properties of `known_zones.geojson` features.
    pub known_zones: Vec<Value>,
    /// `maps/sheets.json`.
    pub sheets: Option<Value>,
    /// `manifest.json`.
    pub manifest: Option<Value>,
}

/// Everything the report is made from.
#[derive(Debug, Clone, Default)]
pub struct RunData {
    pub survey: String,
    /// `season_summary.json` (for a single scene: the same shape, built from its detection).
    pub summary: Value,
    /// Scenes in the summary's order.
    pub scenes: Vec<SceneData>,
}

/// One scene row.
#[derive(Debug, Clone, PartialEq)]
pub struct SceneRow {
    pub id: String,
    pub dir: String,
    pub date: String,
    pub time: String,
    pub sensor: String,
    pub day: Option<bool>,
    pub area_km2: f64,
    /// Pixels not processed / all pixels of the grid, %.
    pub masked_pct: Option<f64>,
    pub zones: u64,
    pub zones_known: Option<u64>,
    pub zones_new: Option<u64>,
    pub known_detected: Option<u64>,
    pub first_seen: u64,
    pub persistent: u64,
    pub extinguished: u64,
    pub max_bt_k: Option<f64>,
    pub ok: bool,
    pub product_id: String,
    pub level: String,
    pub config_sha256: String,
    pub unresolved: u64,
    pub valid: u64,
    /// Index of the scene's data in [`RunData::scenes`].
    pub data: Option<usize>,
    /// Properties of the scene's `fire_zones.geojson` features.
    pub fire_zones: Vec<Value>,
}

/// One observation of a place on one date.
#[derive(Debug, Clone, PartialEq)]
pub enum Seen {
    /// Anomaly detected (the zone's properties).
    Detected(Value),
    /// Observed, nothing detected.
    Nothing,
    /// Not covered or not observed.
    NotObserved,
}

/// A sheet image, relative to the report root.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Sheets {
    pub thermal: Option<String>,
    pub thermal_svg: Option<String>,
    pub ortho: Option<String>,
    pub ortho_svg: Option<String>,
}

/// A known zone across the season.
#[derive(Debug, Clone, PartialEq)]
pub struct KnownRow {
    pub id: String,
    pub name: String,
    /// Per scene row (same order), with the `known_zones.geojson` properties when detected.
    pub seen: Vec<Seen>,
    /// Fire zones linked to it on the latest date it burned (properties).
    pub zones: Vec<Value>,
    pub sheets: Sheets,
}

/// A place outside the known zones where anomalies were found on one or more dates.
#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    /// `N-01`, … in order of first sighting, then longitude.
    pub id: String,
    pub seen: Vec<Seen>,
    pub sheets: Sheets,
}

/// History of a place from its observations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum History {
    Persistent,
    Extinguished,
    FirstSeen,
    Once,
    NotFound,
}

impl History {
    pub fn key(self) -> &'static str {
        match self {
            History::Persistent => "hist_persistent",
            History::Extinguished => "hist_extinguished",
            History::FirstSeen => "hist_new",
            History::Once => "hist_once",
            History::NotFound => "hist_not_found",
        }
    }
}

/// Persistent: detected on the last observation and an earlier one; extinguished: detected
/// before but not on the last observation; first seen: only on the last observation (with
/// earlier ones that saw nothing); once: the only observation; not found: never detected.
pub fn history(seen: &[Seen]) -> History {
    let obs: Vec<bool> = seen
        .iter()
        .filter(|s| !matches!(s, Seen::NotObserved))
        .map(|s| matches!(s, Seen::Detected(_)))
        .collect();
    let Some(&last) = obs.last() else {
        return History::NotFound;
    };
    let earlier = obs[..obs.len() - 1].iter().any(|&d| d);
    match (last, earlier, obs.len()) {
        (true, true, _) => History::Persistent,
        (true, false, 1) => History::Once,
        (true, false, _) => History::FirstSeen,
        (false, true, _) => History::Extinguished,
        (false, false, _) => History::NotFound,
    }
}

impl KnownRow {
    pub fn history(&self) -> History {
        history(&self.seen)
    }
}

impl Site {
    pub fn history(&self) -> History {
        history(&self.seen)
    }

    /// The latest detection's zone properties.
    pub fn latest(&self) -> Option<&Value> {
        self.seen.iter().rev().find_map(|s| match s {
            Seen::Detected(v) => Some(v),
            _ => None,
        })
    }
}

/// The report's content.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub survey: String,
    pub version: String,
    pub scenes: Vec<SceneRow>,
    pub known: Vec<KnownRow>,
    pub sites: Vec<Site>,
    /// Overview sheet of the latest scene with one, and that scene's row index.
    pub overview: Option<(String, usize)>,
    /// `detection.json` `risk.params` of the latest scene.
    pub risk_params: Value,
    /// `detection.json` `config` of the latest scene.
    pub config: Value,
    pub inventory: Option<String>,
    pub assets: Vec<String>,
}

fn u(v: &Value) -> Option<u64> {
    v.as_u64()
}

fn s(v: &Value) -> String {
    v.as_str().unwrap_or("").to_string()
}

/// `L1TP` from `LC08_L1TP_…` (the second field of a Landsat product id).
pub fn level_of(product_id: &str) -> String {
    let f: Vec<&str> = product_id.split('_').collect();
    if f.len() >= 7 {
        f[1].to_string()
    } else {
        String::new()
    }
}

fn scene_rows(run: &RunData) -> Vec<SceneRow> {
    let rows = run.summary["scenes"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    rows.iter()
        .map(|r| {
            let id = s(&r["scene_id"]);
            let data = run.scenes.iter().position(|d| d.id == id);
            let d = data.map(|i| &run.scenes[i]);
            let det = d.map_or(&Value::Null, |d| &d.detection);
            let ap = &det["anomaly_pixels"];
            let total: u64 = ["none", "low", "nominal", "high", "not_processed"]
                .iter()
                .filter_map(|k| ap[*k].as_u64())
                .sum();
            let masked_pct = (total > 0)
                .then(|| 100.0 * ap["not_processed"].as_u64().unwrap_or(0) as f64 / total as f64);
            let methods = det["methods"].as_array().cloned().unwrap_or_default();
            let product_id = s(&det["scene"]["product_id"]);
            SceneRow {
                dir: d.map_or(String::new(), |d| d.dir.clone()),
                date: s(&r["acquisition_date"]),
                time: s(&r["acquisition_time"]),
                sensor: s(&r["sensor"]),
                day: r["day"].as_bool(),
                area_km2: r["area_covered_km2"].as_f64().unwrap_or(0.0),
                masked_pct,
                zones: u(&r["zones"]).unwrap_or(0),
                zones_known: u(&r["zones_known"]),
                zones_new: u(&r["zones_new"]),
                known_detected: u(&r["known_zones_detected"]),
                first_seen: u(&r["zones_first_seen"]).unwrap_or(0),
                persistent: u(&r["zones_persistent"]).unwrap_or(0),
                extinguished: u(&r["zones_extinguished"]).unwrap_or(0),
                max_bt_k: r["max_bt_k"].as_f64(),
                ok: r["status"].as_str() == Some("ok"),
                level: level_of(&product_id),
                product_id,
                config_sha256: d
                    .and_then(|d| d.manifest.as_ref())
                    .map_or(String::new(), |m| s(&m["params_sha256"])),
                unresolved: methods
                    .iter()
                    .filter_map(|m| m["unresolved"].as_u64())
                    .sum(),
                // Pixels the thermal method tested (the SWIR test counts its own).
                valid: methods
                    .iter()
                    .filter(|m| m["method"] == det["config"]["thermal"])
                    .chain(&methods)
                    .find_map(|m| m["valid"].as_u64())
                    .unwrap_or(0),
                data,
                fire_zones: d.map(|d| d.fire_zones.clone()).unwrap_or_default(),
                id,
            }
        })
        .collect()
}

/// Sheets of `scene` whose `field` (`known_zones` or `zones`) holds `key`, by kind.
fn sheets_with(scene: &SceneData, field: &str, key: &Value) -> Sheets {
    let mut out = Sheets::default();
    let Some(index) = &scene.sheets else {
        return out;
    };
    let prefix = if scene.dir.is_empty() {
        "maps/".to_string()
    } else {
        format!("{}/maps/", scene.dir)
    };
    for sh in index["sheets"].as_array().into_iter().flatten() {
        if !sh[field].as_array().is_some_and(|a| a.contains(key)) {
            continue;
        }
        let png = Some(format!("{prefix}{}", s(&sh["png"])));
        let svg = Some(format!("{prefix}{}", s(&sh["svg"])));
        match sh["kind"].as_str() {
            Some("thermal") if out.thermal.is_none() => {
                out.thermal = png;
                out.thermal_svg = svg;
            }
            Some("ortho") if out.ortho.is_none() => {
                out.ortho = png;
                out.ortho_svg = svg;
            }
            _ => {}
        }
    }
    out
}

/// Thermal sheet from the latest scene that has one (preferring scenes where the place was
/// detected), orthophoto sheet likewise.
fn pick_sheets(candidates: &[(bool, Sheets)]) -> Sheets {
    let mut out = Sheets::default();
    for detected_first in [true, false] {
        for (detected, sh) in candidates.iter().rev() {
            if *detected != detected_first {
                continue;
            }
            if out.thermal.is_none() && sh.thermal.is_some() {
                out.thermal = sh.thermal.clone();
                out.thermal_svg = sh.thermal_svg.clone();
            }
            if out.ortho.is_none() && sh.ortho.is_some() {
                out.ortho = sh.ortho.clone();
                out.ortho_svg = sh.ortho_svg.clone();
            }
        }
    }
    out
}

fn known_rows(run: &RunData, scenes: &[SceneRow]) -> Vec<KnownRow> {
    // The inventory order of the first scene that has one.
    let mut ids: Vec<(String, String)> = Vec::new();
    for d in &run.scenes {
        for k in &d.known_zones {
            let id = s(&k["known_zone_id"]);
            if !ids.iter().any(|(i, _)| *i == id) {
                ids.push((id, s(&k["known_zone_name"])));
            }
        }
    }
    ids.into_iter()
        .map(|(id, name)| {
            let mut seen = Vec::new();
            let mut zones = Vec::new();
            let mut candidates = Vec::new();
            for row in scenes {
                let Some(d) = row.data.map(|i| &run.scenes[i]) else {
                    seen.push(Seen::NotObserved);
                    continue;
                };
                let k = d.known_zones.iter().find(|k| s(&k["known_zone_id"]) == id);
                let obs = match k {
                    Some(k) if k["detected"].as_bool() == Some(true) => Seen::Detected(k.clone()),
                    Some(k) if k["observed"].as_bool() == Some(true) => Seen::Nothing,
                    _ => Seen::NotObserved,
                };
                let detected = matches!(obs, Seen::Detected(_));
                if detected {
                    zones = d
                        .fire_zones
                        .iter()
                        .filter(|z| s(&z["known_zone_id"]) == id)
                        .cloned()
                        .collect();
                }
                candidates.push((
                    detected,
                    sheets_with(d, "known_zones", &Value::String(id.clone())),
                ));
                seen.push(obs);
            }
            KnownRow {
                id,
                name,
                seen,
                zones,
                sheets: pick_sheets(&candidates),
            }
        })
        .collect()
}

/// Extent of a zone in map units `[xmin, ymin, xmax, ymax]`.
fn bbox(z: &Value) -> Option<[f64; 4]> {
    Some([
        z["bbox_xmin"].as_f64()?,
        z["bbox_ymin"].as_f64()?,
        z["bbox_xmax"].as_f64()?,
        z["bbox_ymax"].as_f64()?,
    ])
}

/// Zones of two dates closer than this (m, between extents) are the same place (as the season's
/// persistence: 0.001° ≈ 100 m).
pub const SAME_PLACE_M: f64 = 100.0;

/// Metres per degree of latitude and of longitude at `lat_deg` (WGS84, local scale; sites are
/// compared over a few hundred metres, where this is exact to well under a metre).
fn metres_per_degree(lat_deg: f64) -> (f64, f64) {
    (110_574.0, 111_320.0 * lat_deg.to_radians().cos())
}

/// Where a zone is, to compare zones of different dates whatever their grids' CRSs: its extent
/// `[xmin, ymin, xmax, ymax]` in its scene's map units, and, when the zone has a WGS84 centroid,
/// the WGS84 centre of that extent and its half-sizes in metres (north-up box).
#[derive(Debug, Clone, Copy)]
struct Place {
    bbox: [f64; 4],
    ground: Option<((f64, f64), (f64, f64))>,
}

impl Place {
    /// `geographic`: the scene's CRS is in degrees (its extents are lon/lat already);
    /// otherwise `m_per_unit` ground metres per map unit (1 for UTM, `cos φ` on Web Mercator).
    fn of(z: &Value, geographic: bool, m_per_unit: f64) -> Option<Place> {
        let bbox = bbox(z)?;
        let centroid = z["centroid_lon"].as_f64().zip(z["centroid_lat"].as_f64());
        let ground = centroid.map(|(lon, lat)| {
            let (cx, cy) = ((bbox[0] + bbox[2]) / 2.0, (bbox[1] + bbox[3]) / 2.0);
            let (half_x, half_y) = ((bbox[2] - bbox[0]) / 2.0, (bbox[3] - bbox[1]) / 2.0);
            let (m_lat, m_lon) = metres_per_degree(lat);
            if geographic {
                ((cx, cy), (half_x * m_lon, half_y * m_lat))
            } else {
                // Metres: the extent's centre is the centroid moved by the (small) offset.
                let k = m_per_unit;
                let dx = (cx - z["centroid_x"].as_f64().unwrap_or(cx)) * k;
                let dy = (cy - z["centroid_y"].as_f64().unwrap_or(cy)) * k;
                (
                    (lon + dx / m_lon, lat + dy / m_lat),
                    (half_x * k, half_y * k),
                )
            }
        });
        Some(Place { bbox, ground })
    }
}

/// Two zones are the same place when their extents are within [`SAME_PLACE_M`] of each other:
/// in metres on the ground when both have WGS84 centres (any CRSs, geographic grids included),
/// else in map units.
fn near(a: &Place, b: &Place) -> bool {
    let t = SAME_PLACE_M;
    match (a.ground, b.ground) {
        (Some(((lon_a, lat_a), (hx_a, hy_a))), Some(((lon_b, lat_b), (hx_b, hy_b)))) => {
            let (m_lat, m_lon) = metres_per_degree((lat_a + lat_b) / 2.0);
            let dx = (lon_a - lon_b).abs() * m_lon;
            let dy = (lat_a - lat_b).abs() * m_lat;
            dx - hx_a - hx_b <= t && dy - hy_a - hy_b <= t
        }
        _ => {
            let (a, b) = (&a.bbox, &b.bbox);
            a[0] - t <= b[2] && b[0] - t <= a[2] && a[1] - t <= b[3] && b[1] - t <= a[3]
        }
    }
}

fn covers(det: &Value, z: &Value) -> bool {
    let (Some(lon), Some(lat)) = (z["centroid_lon"].as_f64(), z["centroid_lat"].as_f64()) else {
        return true;
    };
    match det["grid"]["footprint_lonlat"].as_array() {
        Some(f) if f.len() == 4 => {
            let g = |i: usize| f[i].as_f64().unwrap_or(0.0);
            (g(0)..=g(2)).contains(&lon) && (g(1)..=g(3)).contains(&lat)
        }
        _ => true,
    }
}

fn sites(run: &RunData, scenes: &[SceneRow]) -> Vec<Site> {
    // Every new zone of every scene: (scene row, properties, extent).
    let mut zones: Vec<(usize, Value, Place)> = Vec::new();
    for (i, row) in scenes.iter().enumerate() {
        let Some(d) = row.data.map(|k| &run.scenes[k]) else {
            continue;
        };
        let geographic = crate::io::detection_grid_is_geographic(&d.detection);
        let m_per_unit = crate::io::detection_grid_m_per_unit(&d.detection);
        for z in &d.fire_zones {
            if z["status"].as_str() == Some("new")
                && let Some(b) = Place::of(z, geographic, m_per_unit)
            {
                zones.push((i, z.clone(), b));
            }
        }
    }
    // Union–find over zones of different scenes that are the same place.
    let mut parent: Vec<usize> = (0..zones.len()).collect();
    fn root(p: &mut [usize], mut i: usize) -> usize {
        while p[i] != i {
            p[i] = p[p[i]];
            i = p[i];
        }
        i
    }
    for a in 0..zones.len() {
        for b in a + 1..zones.len() {
            if near(&zones[a].2, &zones[b].2) {
                let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
                parent[ra] = rb;
            }
        }
    }
    let mut groups: std::collections::BTreeMap<usize, Vec<usize>> = Default::default();
    for i in 0..zones.len() {
        let r = root(&mut parent, i);
        groups.entry(r).or_default().push(i);
    }
    let mut out: Vec<Site> = groups
        .values()
        .map(|members| {
            let mut seen = Vec::new();
            let mut candidates = Vec::new();
            let any = &zones[members[0]].1;
            for (i, row) in scenes.iter().enumerate() {
                let here: Vec<&(usize, Value, Place)> = members
                    .iter()
                    .map(|&m| &zones[m])
                    .filter(|z| z.0 == i)
                    .collect();
                let Some(d) = row.data.map(|k| &run.scenes[k]) else {
                    seen.push(Seen::NotObserved);
                    continue;
                };
                // The largest zone of the place on this date stands for it.
                match here.iter().max_by(|a, b| {
                    a.1["area_m2"]
                        .as_f64()
                        .unwrap_or(0.0)
                        .total_cmp(&b.1["area_m2"].as_f64().unwrap_or(0.0))
                }) {
                    Some(z) => {
                        candidates.push((true, sheets_with(d, "zones", &z.1["zone_id"])));
                        seen.push(Seen::Detected(z.1.clone()));
                    }
                    None if covers(&d.detection, any) => seen.push(Seen::Nothing),
                    None => seen.push(Seen::NotObserved),
                }
            }
            Site {
                id: String::new(),
                seen,
                sheets: pick_sheets(&candidates),
            }
        })
        .collect();
    let first = |s: &Site| s.seen.iter().position(|o| matches!(o, Seen::Detected(_)));
    let lon = |s: &Site| {
        s.latest()
            .and_then(|z| z["centroid_lon"].as_f64())
            .unwrap_or(0.0)
    };
    out.sort_by(|a, b| first(a).cmp(&first(b)).then(lon(a).total_cmp(&lon(b))));
    for (i, s) in out.iter_mut().enumerate() {
        s.id = format!("N-{:02}", i + 1);
    }
    out
}

/// Builds the report's content from a run.
pub fn build(run: &RunData) -> Report {
    let scenes = scene_rows(run);
    let known = known_rows(run, &scenes);
    let sites = sites(run, &scenes);
    let latest = scenes
        .iter()
        .rev()
        .find_map(|r| r.data.map(|i| (r, &run.scenes[i])));
    let overview = scenes.iter().enumerate().rev().find_map(|(i, r)| {
        let d = &run.scenes[r.data?];
        let sh = d.sheets.as_ref()?;
        let o = sh["sheets"]
            .as_array()?
            .iter()
            .find(|x| x["kind"].as_str() == Some("overview"))?;
        let prefix = if d.dir.is_empty() {
            "maps/".to_string()
        } else {
            format!("{}/maps/", d.dir)
        };
        Some((format!("{prefix}{}", s(&o["png"])), i))
    });
    let det = latest.map_or(&Value::Null, |(_, d)| &d.detection);
    Report {
        survey: run.survey.clone(),
        version: run
            .scenes
            .iter()
            .find_map(|d| d.detection["seamfire_version"].as_str())
            .unwrap_or(env!("CARGO_PKG_VERSION"))
            .to_string(),
        risk_params: det["risk"]["params"].clone(),
        config: det["config"].clone(),
        inventory: det["known_fires"]["file"].as_str().map(String::from),
        assets: det["assets"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|a| format!("{}: {}", s(&a["kind"]), s(&a["file"])))
            .collect(),
        scenes,
        known,
        sites,
        overview,
    }
}

/// Probability that a standard normal exceeds `k` (Abramowitz & Stegun 7.1.26 for erfc,
/// absolute error below 1.5e-7).
pub fn normal_tail(k: f64) -> f64 {
    let x = k / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.327_591_1 * x.abs());
    let poly = t
        * (0.254_829_592
            + t * (-0.284_496_736
                + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
    let erfc = poly * (-x * x).exp();
    let erfc = if x >= 0.0 { erfc } else { 2.0 - erfc };
    erfc / 2.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn histories() {
        let d = || Seen::Detected(json!({}));
        use History::*;
        use Seen::{NotObserved as X, Nothing as N};
        assert_eq!(history(&[d(), d(), d()]), Persistent);
        assert_eq!(history(&[d(), d(), N]), Extinguished);
        assert_eq!(history(&[N, N, d()]), FirstSeen);
        assert_eq!(history(&[N, N, N]), NotFound);
        assert_eq!(history(&[X, X, d()]), Once);
        assert_eq!(history(&[d(), d(), X]), Persistent);
        assert_eq!(history(&[]), NotFound);
    }

    #[test]
    fn normal_tail_matches_tables() {
        // Q(k) from standard normal tables: Q(1) = 0.158655, Q(3) = 1.3499e-3, Q(4) = 3.1671e-5.
        assert!((normal_tail(1.0) - 0.158_655).abs() < 1e-6);
        assert!((normal_tail(3.0) - 1.3499e-3).abs() < 1e-6);
        assert!((normal_tail(4.0) - 3.1671e-5).abs() < 2e-7);
        assert!((normal_tail(0.0) - 0.5).abs() < 1e-7);
    }

    #[test]
    fn level_from_product_id() {
        assert_eq!(level_of("LC08_L1TP_227074_20190809_20200827_02_T1"), "L1TP");
        assert_eq!(level_of("scene"), "");
    }

    #[test]
    fn sites_on_geographic_grids_are_compared_in_metres() {
        // Two dates of an EPSG:4326 scene at 34° N: one-pixel zones (0.000631°, ≈ 58 x 70 m).
        // Date b's first zone is 0.0015° east: a gap of 0.0015 − 0.000631 = 0.000869° of
        // longitude = 0.000869 · 111 320 · cos 34° = 80 m (same place); its second is 0.01° east
        // (≈ 864 m gap: another place). In degrees read as metres, all three were one site.
        let px = 0.000631;
        let zone = |id: u64, lon: f64| {
            json!({"zone_id": id, "status": "new", "area_m2": 4080.0,
                   "centroid_lon": lon + px / 2.0, "centroid_lat": 34.0 - px / 2.0,
                   "bbox_xmin": lon, "bbox_ymin": 34.0 - px,
                   "bbox_xmax": lon + px, "bbox_ymax": 34.0})
        };
        let scene = |id: &str, zones: Vec<Value>| SceneData {
            id: id.into(),
            detection: json!({"grid": {"epsg": 4326}}),
            fire_zones: zones,
            ..Default::default()
        };
        let run = RunData {
            summary: json!({"scenes": [{"scene_id": "a", "status": "ok"}, {"scene_id": "b", "status": "ok"}]}),
            scenes: vec![
                scene("a", vec![zone(1, -118.0)]),
                scene("b", vec![zone(1, -118.0 + 0.0015), zone(2, -118.0 + 0.01)]),
            ],
            ..Default::default()
        };
        let r = build(&run);
        assert_eq!(r.sites.len(), 2, "{:?}", r.sites.len());
        assert_eq!(r.sites[0].history(), History::Persistent);
        assert_eq!(r.sites[1].history(), History::FirstSeen);
        // 120 m apart instead of 80: two places.
        let far = RunData {
            scenes: vec![
                scene("a", vec![zone(1, -118.0)]),
                scene(
                    "b",
                    vec![zone(
                        1,
                        -118.0 + px + 120.0 / (111_320.0 * 34f64.to_radians().cos()),
                    )],
                ),
            ],
            ..run
        };
        assert_eq!(build(&far).sites.len(), 2);
    }

    #[test]
    fn new_zones_of_two_dates_are_one_site() {
        let zone = |id: u64, x: f64| {
            json!({"zone_id": id, "status": "new", "area_m2": 900.0, "centroid_lon": 1.0,
                   "bbox_xmin": x, "bbox_ymin": 0.0, "bbox_xmax": x + 60.0, "bbox_ymax": 60.0})
        };
        let scene = |id: &str, zones: Vec<Value>| SceneData {
            id: id.into(),
            fire_zones: zones,
            ..Default::default()
        };
        let run = RunData {
            summary: json!({"scenes": [{"scene_id": "a", "status": "ok"}, {"scene_id": "b", "status": "ok"}]}),
            // 90 m apart on the second date: same place; 5 km away: another.
            scenes: vec![
                scene("a", vec![zone(1, 0.0)]),
                scene("b", vec![zone(1, 150.0), zone(2, 5000.0)]),
            ],
            ..Default::default()
        };
        let r = build(&run);
        assert_eq!(r.sites.len(), 2);
        assert_eq!(r.sites[0].id, "N-01");
        assert_eq!(r.sites[0].history(), History::Persistent);
        assert_eq!(r.sites[1].history(), History::FirstSeen);
    }
}

//! Season outputs built from the per-scene output directories (by `seamfire run`, or by
//! `seamfire merge` from directories written by any number of shards):
//! `season.geojson` (every zone of every scene, with its persistence across dates),
//! `season_summary.json` and `season_summary.csv` (one row per scene, and per known zone when
//! an inventory was used).

use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::{Value, json};

use crate::error::{Error, Result};
use crate::io::write_atomic;

/// Distance under which zones of two acquisitions are the same place, degrees (≈ 100 m).
pub const MATCH_TOLERANCE_DEG: f64 = 0.001;

/// How a scene ended in this run (written to `run.json`; the season summary only says `ok` or
/// `failed`, so that it does not depend on which run produced a result).
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "status", rename_all = "lowercase")]
pub enum SceneStatus {
    /// Processed in this run.
    Done,
    /// Inputs, parameters and version unchanged, outputs intact: not redone.
    Skipped,
    /// Failed at `stage` with `reason`; its outputs (if any) are from an earlier run.
    Failed { stage: String, reason: String },
}

/// One row of `season_summary`.
#[derive(Debug, Clone, Serialize)]
pub struct SceneRow {
    pub scene_id: String,
    pub acquisition_date: Option<String>,
    pub acquisition_time: Option<String>,
    pub sensor: Option<String>,
    pub day: Option<bool>,
    pub area_covered_km2: f64,
    pub anomalous_pixels: u64,
    pub anomalous_area_m2: f64,
    pub zones: usize,
    /// Zones and hotspots inside (or near) a known burning zone, and the others.
    pub zones_known: Option<u64>,
    pub zones_new: Option<u64>,
    pub hotspots_known: Option<u64>,
    pub hotspots_new: Option<u64>,
    /// Known zones with at least one anomaly in this scene.
    pub known_zones_detected: Option<u64>,
    /// Persistence across dates (see `season.geojson`).
    pub zones_first_seen: usize,
    pub zones_persistent: usize,
    pub zones_extinguished: usize,
    pub max_bt_k: Option<f64>,
    #[serde(flatten)]
    pub status: ResultStatus,
}

/// Whether a scene has a current result.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "status", rename_all = "lowercase")]
pub enum ResultStatus {
    Ok,
    Failed { stage: String, reason: String },
}

impl From<SceneStatus> for ResultStatus {
    fn from(s: SceneStatus) -> Self {
        match s {
            SceneStatus::Done | SceneStatus::Skipped => ResultStatus::Ok,
            SceneStatus::Failed { stage, reason } => ResultStatus::Failed { stage, reason },
        }
    }
}

/// A zone as the season sees it.
#[derive(Debug, Clone)]
struct Zone {
    scene: usize,
    lon: f64,
    lat: f64,
    bbox: [f64; 4],
    props: serde_json::Map<String, Value>,
    /// The zone's footprint from the scene's `fire_zones.geojson`, when it was written.
    geometry: Option<Value>,
}

/// A scene directory's record.
#[derive(Debug, Clone)]
struct SceneRecord {
    id: String,
    date: String,
    detection: Value,
    footprint: Option<[f64; 4]>,
    /// Zone id → footprint geometry (WGS84) from `fire_zones.geojson`.
    polygons: std::collections::BTreeMap<u64, Value>,
    /// Zones at known non-fire heat sources (status `excluded` in `fire_zones.geojson`): not
    /// season zones.
    excluded: std::collections::BTreeSet<u64>,
    /// The scene's grid is in a geographic CRS (`grid.epsg`): its `bbox_map` is in degrees.
    geographic: bool,
    /// Otherwise, ground metres per map unit of its grid (1 for UTM; `cos φ` on Web Mercator).
    m_per_unit: f64,
}

fn read_json(path: &Path) -> Result<Value> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    serde_json::from_slice(&bytes).map_err(|e| Error::input(path, format!("not valid JSON: {e}")))
}

fn f(v: &Value) -> Option<f64> {
    v.as_f64()
}

fn read_scenes(dirs: &[(String, PathBuf)]) -> Result<Vec<SceneRecord>> {
    let mut out = Vec::new();
    for (id, dir) in dirs {
        let path = dir.join("detection.json");
        if !path.exists() {
            continue;
        }
        let detection = read_json(&path)?;
        let scene = &detection["scene"];
        let date = format!(
            "{}T{}",
            scene["acquisition_date"].as_str().unwrap_or(""),
            scene["scene_center_time"].as_str().unwrap_or("")
        );
        let footprint = detection["grid"]["footprint_lonlat"]
            .as_array()
            .and_then(|a| {
                (a.len() == 4).then(|| {
                    [
                        f(&a[0]).unwrap_or(0.0),
                        f(&a[1]).unwrap_or(0.0),
                        f(&a[2]).unwrap_or(0.0),
                        f(&a[3]).unwrap_or(0.0),
                    ]
                })
            });
        let features = read_json(&dir.join("fire_zones.geojson"))
            .ok()
            .and_then(|v| v["features"].as_array().cloned())
            .unwrap_or_default();
        let excluded = features
            .iter()
            .filter(|f| f["properties"]["status"].as_str() == Some("excluded"))
            .filter_map(|f| f["properties"]["zone_id"].as_u64())
            .collect();
        let polygons = features
            .into_iter()
            .filter_map(|f| Some((f["properties"]["zone_id"].as_u64()?, f["geometry"].clone())))
            .collect();
        let geographic = crate::io::detection_grid_is_geographic(&detection);
        let m_per_unit = crate::io::detection_grid_m_per_unit(&detection);
        out.push(SceneRecord {
            id: id.clone(),
            date,
            detection,
            footprint,
            polygons,
            excluded,
            geographic,
            m_per_unit,
        });
    }
    // Acquisition order; ties by id, so the result does not depend on directory order.
    out.sort_by(|a, b| (&a.date, &a.id).cmp(&(&b.date, &b.id)));
    Ok(out)
}

fn zones_of(scenes: &[SceneRecord]) -> Vec<Zone> {
    let mut zones = Vec::new();
    for (i, s) in scenes.iter().enumerate() {
        for z in s.detection["zones"].as_array().into_iter().flatten() {
            let (Some(lon), Some(lat)) = (f(&z["centroid_lon"]), f(&z["centroid_lat"])) else {
                continue;
            };
            if z["id"].as_u64().is_some_and(|id| s.excluded.contains(&id)) {
                continue;
            }
            let mut props = z.as_object().cloned().unwrap_or_default();
            props.insert("scene_id".into(), json!(s.id));
            props.insert(
                "acquisition_date".into(),
                s.detection["scene"]["acquisition_date"].clone(),
            );
            let (half_w, half_h) = half_extent_deg(&z["bbox_map"], lat, s.geographic, s.m_per_unit);
            let geometry = z["id"].as_u64().and_then(|id| s.polygons.get(&id).cloned());
            zones.push(Zone {
                scene: i,
                lon,
                lat,
                bbox: [lon - half_w, lat - half_h, lon + half_w, lat + half_h],
                props,
                geometry,
            });
        }
    }
    zones
}

/// Half the width and height (degrees) of a zone's `bbox_map`: as they are on a geographic
/// grid, else its map units times `m_per_unit` (ground metres per unit) divided by the length of
/// a degree at latitude `lat`.
fn half_extent_deg(bbox_map: &Value, lat: f64, geographic: bool, m_per_unit: f64) -> (f64, f64) {
    let side = |lo: usize, hi: usize| {
        bbox_map.as_array().map_or(0.0, |b| {
            (f(&b[hi]).unwrap_or(0.0) - f(&b[lo]).unwrap_or(0.0)) / 2.0
        })
    };
    if geographic {
        return (side(0, 2), side(1, 3));
    }
    let half_w = side(0, 2) * m_per_unit / 111_320.0;
    let half_h = side(1, 3) * m_per_unit / 110_540.0;
    (half_w / lat.to_radians().cos().max(0.01), half_h)
}

fn overlaps(a: &[f64; 4], b: &[f64; 4], tol: f64) -> bool {
    a[0] - tol <= b[2] && b[0] - tol <= a[2] && a[1] - tol <= b[3] && b[1] - tol <= a[3]
}

fn covers(footprint: &Option<[f64; 4]>, lon: f64, lat: f64) -> bool {
    footprint.is_some_and(|f| (f[0]..=f[2]).contains(&lon) && (f[1]..=f[3]).contains(&lat))
}

/// `new`, `persistent` or `extinguished` for every zone (see `docs/pipeline-config.md`).
fn persistence(scenes: &[SceneRecord], zones: &[Zone]) -> Vec<&'static str> {
    let same_place = |a: &Zone, b: &Zone| overlaps(&a.bbox, &b.bbox, MATCH_TOLERANCE_DEG);
    zones
        .iter()
        .map(|z| {
            let later_scene_misses = scenes.iter().enumerate().skip(z.scene + 1).any(|(j, s)| {
                scenes[j].date > scenes[z.scene].date
                    && covers(&s.footprint, z.lon, z.lat)
                    && !zones.iter().any(|o| o.scene == j && same_place(z, o))
            });
            let earlier = zones
                .iter()
                .any(|o| scenes[o.scene].date < scenes[z.scene].date && same_place(z, o));
            if later_scene_misses {
                "extinguished"
            } else if earlier {
                "persistent"
            } else {
                "new"
            }
        })
        .collect()
}

/// Builds the season outputs in `root` from the scene directories `dirs` (`(id, dir)`), with
/// `statuses` of this run (scenes not listed there are reported as `done`).
pub fn write_season(
    root: &Path,
    name: &str,
    dirs: &[(String, PathBuf)],
    statuses: &[(String, SceneStatus)],
) -> Result<Vec<SceneRow>> {
    let scenes = read_scenes(dirs)?;
    let zones = zones_of(&scenes);
    let pers = persistence(&scenes, &zones);

    let features: Vec<Value> = zones
        .iter()
        .zip(&pers)
        .map(|(z, p)| {
            let mut props = z.props.clone();
            props.insert("persistence".into(), json!(p));
            json!({
                "type": "Feature",
                "geometry": z.geometry.clone().unwrap_or_else(|| json!({"type": "Point", "coordinates": [round7(z.lon), round7(z.lat)]})),
                "properties": props,
            })
        })
        .collect();
    let collection = json!({"type": "FeatureCollection", "name": format!("{name} season zones"), "features": features});

    let mut rows = Vec::new();
    for (id, _) in dirs {
        let status: ResultStatus = statuses
            .iter()
            .find(|(s, _)| s == id)
            .map_or(SceneStatus::Done, |(_, st)| st.clone())
            .into();
        let Some((i, s)) = scenes.iter().enumerate().find(|(_, s)| &s.id == id) else {
            rows.push(empty_row(id, status));
            continue;
        };
        let d = &s.detection;
        let count = |p: &str| {
            zones
                .iter()
                .zip(&pers)
                .filter(|(z, q)| z.scene == i && **q == p)
                .count()
        };
        let a = &d["anomaly_pixels"];
        let anomalous = ["low", "nominal", "high"]
            .iter()
            .filter_map(|k| a[*k].as_u64())
            .sum::<u64>();
        let pixel_area = f(&d["grid"]["pixel_area_m2"]).unwrap_or(0.0);
        let valid = d["methods"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|m| m["valid"].as_u64())
            .max()
            .unwrap_or(0);
        let max_bt = d["zones"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|z| f(&z["max_t_k"]))
            .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))));
        rows.push(SceneRow {
            scene_id: id.clone(),
            acquisition_date: d["scene"]["acquisition_date"].as_str().map(String::from),
            acquisition_time: d["scene"]["scene_center_time"].as_str().map(String::from),
            sensor: d["scene"]["sensor"].as_str().map(String::from),
            day: d["day"].as_bool(),
            area_covered_km2: valid as f64 * pixel_area / 1e6,
            anomalous_pixels: anomalous,
            anomalous_area_m2: anomalous as f64 * pixel_area,
            zones: zones.iter().filter(|z| z.scene == i).count(),
            zones_known: d["zone_status"]["known"].as_u64(),
            zones_new: d["zone_status"]["new"].as_u64(),
            hotspots_known: d["hotspot_status"]["known"].as_u64(),
            hotspots_new: d["hotspot_status"]["new"].as_u64(),
            known_zones_detected: d["known_fires"]["detected"].as_u64(),
            zones_first_seen: count("new"),
            zones_persistent: count("persistent"),
            zones_extinguished: count("extinguished"),
            max_bt_k: max_bt,
            status,
        });
    }
    let known = known_zone_rows(&scenes, dirs);
    let summary =
        json!({"survey": name, "scenes": rows, "zones": zones.len(), "known_zones": known});
    write_atomic(&root.join("season.geojson"), &to_bytes(&collection)?)?;
    write_atomic(&root.join("season_summary.json"), &to_bytes(&summary)?)?;
    write_atomic(&root.join("season_summary.csv"), csv(&rows).as_bytes())?;
    Ok(rows)
}

/// One row per known zone and scene, from each scene's `known_zones.geojson`, in date order.
fn known_zone_rows(scenes: &[SceneRecord], dirs: &[(String, PathBuf)]) -> Vec<Value> {
    let mut rows = Vec::new();
    for s in scenes {
        let Some((_, dir)) = dirs.iter().find(|(id, _)| id == &s.id) else {
            continue;
        };
        let Ok(v) = read_json(&dir.join("known_zones.geojson")) else {
            continue;
        };
        for f in v["features"].as_array().into_iter().flatten() {
            let p = &f["properties"];
            rows.push(json!({
                "known_zone_id": p["known_zone_id"], "known_zone_name": p["known_zone_name"],
                "scene_id": s.id, "acquisition_date": s.detection["scene"]["acquisition_date"],
                "observed": p["observed"], "detected": p["detected"], "n_anomalous_px": p["n_anomalous_px"],
                "anomalous_area_m2": p["anomalous_area_m2"], "max_bt_k": p["max_bt_k"], "max_delta_k": p["max_delta_k"],
            }));
        }
    }
    rows
}

fn empty_row(id: &str, status: ResultStatus) -> SceneRow {
    SceneRow {
        scene_id: id.to_string(),
        acquisition_date: None,
        acquisition_time: None,
        sensor: None,
        day: None,
        area_covered_km2: 0.0,
        anomalous_pixels: 0,
        anomalous_area_m2: 0.0,
        zones: 0,
        zones_known: None,
        zones_new: None,
        hotspots_known: None,
        hotspots_new: None,
        known_zones_detected: None,
        zones_first_seen: 0,
        zones_persistent: 0,
        zones_extinguished: 0,
        max_bt_k: None,
        status,
    }
}

fn round7(x: f64) -> f64 {
    (x * 1e7).round() / 1e7
}

fn to_bytes(v: &Value) -> Result<Vec<u8>> {
    serde_json::to_vec_pretty(v).map_err(|e| Error::Usage(e.to_string()))
}

fn csv(rows: &[SceneRow]) -> String {
    let mut s = String::from(
        "scene_id,acquisition_date,acquisition_time,sensor,day,area_covered_km2,anomalous_pixels,anomalous_area_m2,zones,zones_known,zones_new,hotspots_known,hotspots_new,known_zones_detected,zones_first_seen,zones_persistent,zones_extinguished,max_bt_k,status,stage,reason\n",
    );
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let n = |v: Option<u64>| v.map_or(String::new(), |k| k.to_string());
    for r in rows {
        let (status, stage, reason) = match &r.status {
            ResultStatus::Ok => ("ok", String::new(), String::new()),
            ResultStatus::Failed { stage, reason } => {
                ("failed", stage.clone(), reason.replace('"', "'"))
            }
        };
        s.push_str(&format!(
            "{},{},{},{},{},{:.6},{},{:.1},{},{},{},{},{},{},{},{},{},{},{},{},\"{}\"\n",
            r.scene_id,
            opt(&r.acquisition_date),
            opt(&r.acquisition_time),
            opt(&r.sensor),
            r.day
                .map_or(String::new(), |d| if d { "D".into() } else { "N".into() }),
            r.area_covered_km2,
            r.anomalous_pixels,
            r.anomalous_area_m2,
            r.zones,
            n(r.zones_known),
            n(r.zones_new),
            n(r.hotspots_known),
            n(r.hotspots_new),
            n(r.known_zones_detected),
            r.zones_first_seen,
            r.zones_persistent,
            r.zones_extinguished,
            r.max_bt_k.map_or(String::new(), |t| format!("{t:.3}")),
            status,
            stage,
            reason
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scene(id: &str, date: &str, zones: &[(f64, f64)]) -> SceneRecord {
        let zones: Vec<Value> = zones
            .iter()
            .map(|(lon, lat)| json!({"centroid_lon": lon, "centroid_lat": lat, "bbox_map": [0.0, 0.0, 60.0, 60.0]}))
            .collect();
        SceneRecord {
            id: id.into(),
            date: date.into(),
            detection: json!({"zones": zones, "scene": {"acquisition_date": date}}),
            footprint: Some([100.0, 30.0, 101.0, 31.0]),
            polygons: Default::default(),
            excluded: Default::default(),
            geographic: false,
            m_per_unit: 1.0,
        }
    }

    #[test]
    fn zone_extents_of_geographic_grids_are_degrees() {
        // A 3 x 3 zone of 0.000631° pixels (ECOSTRESS, EPSG:4326): its bbox_map is degrees.
        let b = json!([-118.40, 33.90, -118.398107, 33.901893]);
        let (w, h) = half_extent_deg(&b, 33.9, true, 1.0);
        assert!((w - 0.0009465).abs() < 1e-9 && (h - 0.0009465).abs() < 1e-9);
        // A 60 m UTM zone at 60° N: 30 m / 111 320 m per degree / cos 60° = 0.000539°.
        let (w, h) = half_extent_deg(&json!([0.0, 0.0, 60.0, 60.0]), 60.0, false, 1.0);
        assert!((w - 30.0 / 111_320.0 / 0.5).abs() < 1e-12);
        assert!((h - 30.0 / 110_540.0).abs() < 1e-12);
        // The same 60 m of ground on Web Mercator at 60° N: 120 map units of 0.5 m each.
        let (wm, hm) = half_extent_deg(&json!([0.0, 0.0, 120.0, 120.0]), 60.0, false, 0.5);
        assert!((wm - w).abs() < 1e-12 && (hm - h).abs() < 1e-12);
        assert!(crate::io::epsg_is_geographic(4326) && !crate::io::epsg_is_geographic(32611));
    }

    #[test]
    fn new_persistent_extinguished() {
        // Place A burns on all three dates, B only on the first, C appears on the last.
        let scenes = vec![
            scene("s1", "2020-01-01", &[(100.1, 30.1), (100.5, 30.5)]),
            scene("s2", "2020-02-01", &[(100.1, 30.1)]),
            scene("s3", "2020-03-01", &[(100.10002, 30.1), (100.8, 30.8)]),
        ];
        let zones = zones_of(&scenes);
        let p = persistence(&scenes, &zones);
        assert_eq!(
            p,
            vec!["new", "extinguished", "persistent", "persistent", "new"]
        );
    }
}

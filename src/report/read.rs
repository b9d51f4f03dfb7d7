//! Reading a run's outputs into [`RunData`]: a season root (`season_summary.json`,
//! one directory per scene) or a single scene directory (`detection.json`).

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::model::{RunData, SceneData};
use crate::error::{Error, Result};

fn read_json(path: &Path) -> Result<Value> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    serde_json::from_slice(&bytes).map_err(|e| Error::input(path, format!("not valid JSON: {e}")))
}

fn optional_json(path: &Path) -> Result<Option<Value>> {
    if path.exists() {
        read_json(path).map(Some)
    } else {
        Ok(None)
    }
}

fn properties(path: &Path) -> Result<Vec<Value>> {
    Ok(optional_json(path)?
        .and_then(|v| v["features"].as_array().cloned())
        .unwrap_or_default()
        .into_iter()
        .map(|f| f["properties"].clone())
        .collect())
}

fn scene(dir: &Path, id: &str, rel: &str) -> Result<SceneData> {
    Ok(SceneData {
        id: id.to_string(),
        dir: rel.to_string(),
        detection: read_json(&dir.join("detection.json"))?,
        fire_zones: properties(&dir.join("fire_zones.geojson"))?,
        known_zones: properties(&dir.join("known_zones.geojson"))?,
        sheets: optional_json(&dir.join("maps").join(crate::sheets::INDEX_FILE))?,
        manifest: optional_json(&dir.join("manifest.json"))?,
    })
}

/// A one-row summary for a single scene directory, with the fields `season_summary.json` has.
fn single_summary(s: &SceneData) -> Value {
    let d = &s.detection;
    let a = &d["anomaly_pixels"];
    let anomalous: u64 = ["low", "nominal", "high"]
        .iter()
        .filter_map(|k| a[*k].as_u64())
        .sum();
    let pixel = d["grid"]["pixel_area_m2"].as_f64().unwrap_or(0.0);
    let valid = d["methods"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|m| m["valid"].as_u64())
        .max()
        .unwrap_or(0);
    let zones = d["zones"].as_array().map_or(0, Vec::len);
    let max_bt = d["zones"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|z| z["max_t_k"].as_f64())
        .reduce(f64::max);
    json!({
        "survey": s.id,
        "zones": zones,
        "scenes": [{
            "scene_id": s.id,
            "acquisition_date": d["scene"]["acquisition_date"],
            "acquisition_time": d["scene"]["scene_center_time"],
            "sensor": d["scene"]["sensor"],
            "day": d["day"],
            "area_covered_km2": valid as f64 * pixel / 1e6,
            "anomalous_pixels": anomalous,
            "zones": zones,
            "zones_known": d["zone_status"]["known"],
            "zones_new": d["zone_status"]["new"],
            "known_zones_detected": d["known_fires"]["detected"],
            "zones_first_seen": zones,
            "zones_persistent": 0,
            "zones_extinguished": 0,
            "max_bt_k": max_bt,
            "status": "ok",
        }],
    })
}

/// Reads the run at `root`.
pub fn read_run(root: &Path) -> Result<RunData> {
    let summary_path = root.join("season_summary.json");
    if summary_path.exists() {
        let summary = read_json(&summary_path)?;
        let survey = summary["survey"].as_str().unwrap_or("survey").to_string();
        let mut scenes = Vec::new();
        for row in summary["scenes"].as_array().into_iter().flatten() {
            let Some(id) = row["scene_id"].as_str() else {
                continue;
            };
            let dir: PathBuf = root.join(id);
            if dir.join("detection.json").exists() {
                scenes.push(scene(&dir, id, id)?);
            }
        }
        if scenes.is_empty() {
            return Err(Error::input(
                &summary_path,
                "names no scene with a detection.json beside it: nothing to report",
            ));
        }
        return Ok(RunData {
            survey,
            summary,
            scenes,
        });
    }
    if root.join("detection.json").exists() {
        let id = read_json(&root.join("detection.json"))?["scene"]["id"]
            .as_str()
            .map(String::from)
            .or_else(|| root.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "scene".into());
        let s = scene(root, &id, "")?;
        return Ok(RunData {
            survey: id,
            summary: single_summary(&s),
            scenes: vec![s],
        });
    }
    Err(Error::input(
        root,
        "is neither a season root (season_summary.json) nor a scene directory (detection.json)",
    ))
}

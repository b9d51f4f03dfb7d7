//! The report's tables as translated text cells: one definition serves the HTML, the PDF and
//! the CSV files beside them, so the three always agree.

use serde_json::Value;

use super::i18n::{Lang, fill};
use super::model::{History, KnownRow, Report, SceneRow, Seen, Site};

/// A table: translated headers and text cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Base name of its CSV file (`report_<name>.csv`).
    pub name: &'static str,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

pub fn f1(v: Option<f64>) -> String {
    v.map_or(String::new(), |v| format!("{v:.1}"))
}

pub fn f0(v: Option<f64>) -> String {
    v.map_or(String::new(), |v| format!("{v:.0}"))
}

fn opt(v: Option<u64>) -> String {
    v.map_or(String::new(), |v| v.to_string())
}

/// `●`, `○` or `–` per observation.
pub fn symbol(s: &Seen) -> &'static str {
    match s {
        Seen::Detected(_) => "●",
        Seen::Nothing => "○",
        Seen::NotObserved => "–",
    }
}

/// Translated risk class name (`none` when missing).
pub fn risk_name(lang: Lang, class: Option<&str>) -> String {
    lang.t(match class {
        Some("low") => "low",
        Some("moderate") => "moderate",
        Some("high") => "high",
        Some("extreme") => "extreme",
        _ => "none",
    })
    .to_string()
}

fn rank(class: Option<&str>) -> u8 {
    match class {
        Some("extreme") => 4,
        Some("high") => 3,
        Some("moderate") => 2,
        Some("low") => 1,
        _ => 0,
    }
}

/// The highest risk class among `zones`.
pub fn max_risk(zones: &[Value]) -> Option<&Value> {
    zones
        .iter()
        .max_by_key(|z| (rank(z["risk_class"].as_str()), z["risk_score"].as_u64()))
}

fn min_of(zones: &[Value], key: &str) -> Option<f64> {
    zones
        .iter()
        .filter_map(|z| z[key].as_f64())
        .fold(None, |m, v| Some(m.map_or(v, |m: f64| m.min(v))))
}

fn max_of(zones: &[Value], key: &str) -> Option<f64> {
    zones
        .iter()
        .filter_map(|z| z[key].as_f64())
        .fold(None, |m, v| Some(m.map_or(v, |m: f64| m.max(v))))
}

fn date_of(scenes: &[SceneRow], seen: &[Seen], first: bool) -> String {
    let idx: Vec<usize> = seen
        .iter()
        .enumerate()
        .filter(|(_, s)| matches!(s, Seen::Detected(_)))
        .map(|(i, _)| i)
        .collect();
    let i = if first { idx.first() } else { idx.last() };
    i.map_or(String::new(), |&i| scenes[i].date.clone())
}

/// Scene table (numbers exactly as `season_summary.json`).
pub fn scenes(r: &Report, l: Lang) -> Table {
    let h = [
        "scene",
        "date",
        "time_utc",
        "sensor",
        "day_night",
        "area_km2",
        "masked_pct",
        "fire_zones",
        "zones_known",
        "zones_new",
        "known_detected",
        "first_seen",
        "persistent",
        "extinguished",
        "max_bt_k",
        "status",
    ];
    Table {
        name: "scenes",
        headers: h.iter().map(|k| l.t(k).to_string()).collect(),
        rows: r
            .scenes
            .iter()
            .map(|s| {
                vec![
                    s.id.clone(),
                    s.date.clone(),
                    s.time.get(..8).unwrap_or(&s.time).to_string(),
                    s.sensor.clone(),
                    s.day.map_or(String::new(), |d| {
                        l.t(if d { "day" } else { "night" }).into()
                    }),
                    format!("{:.2}", s.area_km2),
                    f1(s.masked_pct),
                    s.zones.to_string(),
                    opt(s.zones_known),
                    opt(s.zones_new),
                    opt(s.known_detected),
                    s.first_seen.to_string(),
                    s.persistent.to_string(),
                    s.extinguished.to_string(),
                    f1(s.max_bt_k),
                    l.t(if s.ok { "ok" } else { "failed" }).into(),
                ]
            })
            .collect(),
    }
}

fn history_cells(r: &Report, seen: &[Seen]) -> Vec<String> {
    let _ = r;
    seen.iter().map(|s| symbol(s).to_string()).collect()
}

fn date_headers(r: &Report) -> Vec<String> {
    r.scenes.iter().map(|s| s.date.clone()).collect()
}

fn hist(l: Lang, h: History) -> String {
    l.t(h.key()).to_string()
}

/// Known zones: id, name, one column per date, history, latest numbers, risk, distances.
/// The season history table: per scene, zones first seen, persistent, extinguished, known
/// zones detected and new zones.
pub fn history(r: &Report, l: Lang) -> Table {
    let mut h = Table {
        name: "history",
        headers: [
            "scene",
            "date",
            "first_seen",
            "persistent",
            "extinguished",
            "known_detected",
            "zones_new",
        ]
        .iter()
        .map(|k| l.t(k).to_string())
        .collect(),
        rows: Vec::new(),
    };
    for s in &r.scenes {
        h.rows.push(vec![
            s.id.clone(),
            s.date.clone(),
            s.first_seen.to_string(),
            s.persistent.to_string(),
            s.extinguished.to_string(),
            s.known_detected.map_or(String::new(), |v| v.to_string()),
            s.zones_new.map_or(String::new(), |v| v.to_string()),
        ]);
    }
    h
}

pub fn known(r: &Report, l: Lang) -> Table {
    let mut headers = vec![l.t("id").to_string(), l.t("name").to_string()];
    headers.extend(date_headers(r));
    for k in [
        "course",
        "burning_latest",
        "first_seen",
        "max_dt_k",
        "max_t_k",
        "anom_area_m2",
        "risk",
        "dist_road_m",
        "dist_water_m",
        "dist_building_m",
    ] {
        headers.push(l.t(k).to_string());
    }
    let rows = r
        .known
        .iter()
        .map(|k: &KnownRow| {
            let last = k
                .seen
                .iter()
                .rev()
                .find(|s| !matches!(s, Seen::NotObserved));
            let latest = k.seen.iter().rev().find_map(|s| match s {
                Seen::Detected(v) => Some(v),
                _ => None,
            });
            let mut row = vec![k.id.clone(), k.name.clone()];
            row.extend(history_cells(r, &k.seen));
            row.push(hist(l, k.history()));
            row.push(
                l.t(if matches!(last, Some(Seen::Detected(_))) {
                    "yes"
                } else {
                    "no"
                })
                .into(),
            );
            row.push(date_of(&r.scenes, &k.seen, true));
            row.push(f1(latest.and_then(|v| v["max_delta_k"].as_f64())));
            row.push(f1(latest.and_then(|v| v["max_bt_k"].as_f64())));
            row.push(f0(latest.and_then(|v| v["anomalous_area_m2"].as_f64())));
            row.push(if k.zones.is_empty() {
                String::new()
            } else {
                risk_name(l, max_risk(&k.zones).and_then(|z| z["risk_class"].as_str()))
            });
            for key in ["dist_road_m", "dist_water_m", "dist_building_m"] {
                row.push(f0(min_of(&k.zones, key)));
            }
            row
        })
        .collect();
    Table {
        name: "known_zones",
        headers,
        rows,
    }
}

/// New-anomaly sites.
pub fn sites(r: &Report, l: Lang) -> Table {
    let mut headers = vec![l.t("site").to_string()];
    headers.extend(date_headers(r));
    for k in [
        "course",
        "first_seen",
        "last_seen",
        "lon",
        "lat",
        "max_dt_k",
        "max_t_k",
        "area_m2",
        "risk",
        "dist_road_m",
        "dist_water_m",
        "dist_building_m",
    ] {
        headers.push(l.t(k).to_string());
    }
    let rows = r
        .sites
        .iter()
        .map(|s: &Site| {
            let z = s.latest().cloned().unwrap_or(Value::Null);
            let mut row = vec![s.id.clone()];
            row.extend(history_cells(r, &s.seen));
            row.push(hist(l, s.history()));
            row.push(date_of(&r.scenes, &s.seen, true));
            row.push(date_of(&r.scenes, &s.seen, false));
            row.push(
                z["centroid_lon"]
                    .as_f64()
                    .map_or(String::new(), |v| format!("{v:.5}")),
            );
            row.push(
                z["centroid_lat"]
                    .as_f64()
                    .map_or(String::new(), |v| format!("{v:.5}")),
            );
            row.push(f1(z["max_delta_k"].as_f64()));
            row.push(f1(z["max_t_k"].as_f64()));
            row.push(f0(z["area_m2"].as_f64()));
            row.push(risk_name(l, z["risk_class"].as_str()));
            for key in ["dist_road_m", "dist_water_m", "dist_building_m"] {
                row.push(f0(z[key].as_f64()));
            }
            row
        })
        .collect();
    Table {
        name: "new_anomalies",
        headers,
        rows,
    }
}

/// Per-date numbers of one place (a zone sheet's table): date, observation, max/mean T, ΔT,
/// area, risk class and score.
pub fn observations(
    r: &Report,
    l: Lang,
    seen: &[Seen],
    zones_of: &dyn Fn(usize) -> Vec<Value>,
) -> Table {
    let headers = [
        "date",
        "status",
        "max_t_k",
        "mean_t_k",
        "max_dt_k",
        "area_m2",
        "risk",
        "risk_score",
    ]
    .iter()
    .map(|k| l.t(k).to_string())
    .collect();
    let rows = seen
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let zones = zones_of(i);
            let status = match s {
                Seen::Detected(_) => l.t("detected"),
                Seen::Nothing => l.t("nothing"),
                Seen::NotObserved => l.t("not_observed"),
            };
            let best = max_risk(&zones);
            vec![
                r.scenes[i].date.clone(),
                status.to_string(),
                f1(max_of(&zones, "max_t_k")),
                f1(max_of(&zones, "mean_t_k")),
                f1(max_of(&zones, "max_delta_k")),
                f0(if zones.is_empty() {
                    None
                } else {
                    Some(zones.iter().filter_map(|z| z["area_m2"].as_f64()).sum())
                }),
                if zones.is_empty() {
                    String::new()
                } else {
                    risk_name(l, best.and_then(|z| z["risk_class"].as_str()))
                },
                best.and_then(|z| z["risk_score"].as_u64())
                    .map_or(String::new(), |v| v.to_string()),
            ]
        })
        .collect();
    Table {
        name: "observations",
        headers,
        rows,
    }
}

/// Provenance: one row per scene.
pub fn provenance(r: &Report, l: Lang) -> Table {
    Table {
        name: "provenance",
        headers: [
            "scene",
            "product_id",
            "level",
            "sensor",
            "version",
            "config_hash",
        ]
        .iter()
        .map(|k| l.t(k).to_string())
        .collect(),
        rows: r
            .scenes
            .iter()
            .map(|s| {
                vec![
                    s.id.clone(),
                    s.product_id.clone(),
                    s.level.clone(),
                    s.sensor.clone(),
                    r.version.clone(),
                    s.config_sha256.clone(),
                ]
            })
            .collect(),
    }
}

/// Method parameters (the thermal method's table of `detection.json` `config`).
pub fn parameters(r: &Report, l: Lang) -> Table {
    let method = r.config["thermal"].as_str().unwrap_or("contextual");
    let mut rows = vec![vec!["thermal".to_string(), method.to_string()]];
    if let Some(p) = r.config[method].as_object() {
        for (k, v) in p {
            rows.push(vec![format!("{method}.{k}"), v.to_string()]);
        }
    }
    rows.push(vec![
        "swir_enabled".into(),
        r.config["swir_enabled"].to_string(),
    ]);
    if let Some(p) = r.risk_params.as_object() {
        for (k, v) in p {
            rows.push(vec![format!("risk.{k}"), v.to_string()]);
        }
    }
    Table {
        name: "parameters",
        headers: vec![l.t("parameter").into(), l.t("value").into()],
        rows,
    }
}

/// The risk rule in words, from the parameters in force.
pub fn risk_rule(r: &Report, l: Lang) -> String {
    let p = &r.risk_params;
    let list = |k: &str| {
        p[k].as_array()
            .map(|a| {
                a.iter()
                    .map(|v| v.to_string())
                    .collect::<Vec<_>>()
                    .join("/")
            })
            .unwrap_or_default()
    };
    let c = |i: usize| p["class_min_score"][i].to_string();
    let exposed = p["exposed"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str())
                .map(|k| match (l, k) {
                    (Lang::ZhCn, "road") => "道路",
                    (Lang::ZhCn, "building") => "建筑",
                    (Lang::ZhCn, "water") => "水体",
                    (_, k) => k,
                })
                .collect::<Vec<_>>()
                .join("/")
        })
        .unwrap_or_default();
    fill(
        l.t("risk_rule_text"),
        &[
            ("dk", list("delta_k")),
            ("am", list("area_m2")),
            ("dm", list("distance_m")),
            ("exposed", exposed),
            ("c0", c(0)),
            ("c1", c(1)),
            ("c2", c(2)),
        ],
    )
}

/// How a zone got its class: `intensity 3 + size 2 + proximity 0 = 5 → high`.
pub fn risk_breakdown(z: &Value, l: Lang) -> String {
    let n = |k: &str| z[k].as_u64().map_or("?".to_string(), |v| v.to_string());
    fill(
        l.t("risk_breakdown"),
        &[
            ("i", n("risk_intensity")),
            ("s", n("risk_size")),
            ("p", n("risk_proximity")),
            ("score", n("risk_score")),
            ("class", risk_name(l, z["risk_class"].as_str())),
        ],
    )
}

/// Distances of a zone to the nearest road, water body and building (`–` without the layer).
pub fn distances(zones: &[Value], l: Lang) -> String {
    let d = |k: &str| min_of(zones, k).map_or("–".to_string(), |v| format!("{v:.0}"));
    fill(
        l.t("distances"),
        &[
            ("road", d("dist_road_m")),
            ("water", d("dist_water_m")),
            ("building", d("dist_building_m")),
        ],
    )
}

/// The table as CSV (RFC 4180 quoting; a UTF-8 byte-order mark for Chinese so spreadsheet
/// programs read the characters).
pub fn to_csv(t: &Table, l: Lang) -> String {
    let q = |s: &str| {
        if s.contains([',', '"', '\n']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        }
    };
    let mut out = String::new();
    if l != Lang::En {
        out.push('\u{feff}');
    }
    let line = |cells: &[String]| cells.iter().map(|c| q(c)).collect::<Vec<_>>().join(",");
    out.push_str(&line(&t.headers));
    out.push('\n');
    for r in &t.rows {
        out.push_str(&line(r));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_and_marks_chinese() {
        let t = Table {
            name: "x",
            headers: vec!["a".into(), "b,c".into()],
            rows: vec![vec!["say \"hi\"".into(), "1".into()]],
        };
        assert_eq!(to_csv(&t, Lang::En), "a,\"b,c\"\n\"say \"\"hi\"\"\",1\n");
        assert!(to_csv(&t, Lang::ZhCn).starts_with('\u{feff}'));
    }
}

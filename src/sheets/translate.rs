//! The sheets of an output directory composed again with their labels in another language
//! (the Chinese atlas): the same inputs, options and sheet selection as the files in `maps/`,
//! read back from `maps/sheets.json`; nothing is written.

use std::path::Path;

use serde_json::Value;

use super::i18n::Lang;
use super::svg::sheet_svg;
use super::{INDEX_FILE, MAPS_DIR, SheetCount, SheetOptions, plan_jobs, read};
use crate::error::{Error, Result};

/// A sheet composed in memory: the name its English file has in `maps/` (`overview.svg`,
/// `known_KZ-01_thermal.svg`, …), its title and its SVG text.
#[derive(Debug, Clone, PartialEq)]
pub struct ComposedSheet {
    pub svg_name: String,
    pub title: String,
    pub svg: String,
}

/// The options `maps/sheets.json` was written with. The number of zones with a sheet is not
/// recorded: it is the number of fire zones the zone sheets name (the selection ranks zones,
/// so the same count selects the same zones).
pub fn options_of(index: &Value) -> Result<SheetOptions> {
    let bad = |what: &str| Error::Usage(format!("{INDEX_FILE}: {what} missing or not a number"));
    let page = index["page_mm"].as_array().ok_or_else(|| bad("page_mm"))?;
    let num = |v: &Value, what: &str| v.as_f64().ok_or_else(|| bad(what));
    let mut zones = std::collections::BTreeSet::new();
    for s in index["sheets"].as_array().into_iter().flatten() {
        if s["kind"] != "overview" {
            zones.extend(
                s["zones"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_u64),
            );
        }
    }
    let opts = SheetOptions {
        count: SheetCount::Top(zones.len()),
        margin_m: num(&index["margin_m"], "margin_m")?,
        dpi: num(&index["dpi"], "dpi")?,
        width_mm: num(page.first().unwrap_or(&Value::Null), "page_mm")?,
        height_mm: num(page.get(1).unwrap_or(&Value::Null), "page_mm")?,
    };
    opts.validate()?;
    Ok(opts)
}

/// The sheets of the output directory `dir` (which has `maps/sheets.json`) with their labels
/// in `lang`.
pub fn compose_in(dir: &Path, lang: Lang) -> Result<Vec<ComposedSheet>> {
    let index_path = dir.join(MAPS_DIR).join(INDEX_FILE);
    let text = std::fs::read_to_string(&index_path).map_err(|e| Error::io(&index_path, e))?;
    let index: Value =
        serde_json::from_str(&text).map_err(|e| Error::input(&index_path, e.to_string()))?;
    let opts = options_of(&index)?;
    let inputs = read::read_inputs(dir)?;
    let jobs = plan_jobs(&inputs, &opts, lang)?;
    Ok(jobs
        .iter()
        .map(|j| ComposedSheet {
            svg_name: format!("{}.svg", j.stem),
            title: j.content.title.clone(),
            svg: sheet_svg(&j.content),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_from_the_index() {
        let index = serde_json::json!({
            "page_mm": [297.0, 210.0],
            "dpi": 150.0,
            "margin_m": 300.0,
            "sheets": [
                {"kind": "thermal", "zones": [3, 4]},
                {"kind": "ortho", "zones": [3, 4]},
                {"kind": "thermal", "zones": [9]},
                {"kind": "overview", "zones": [1, 2, 3, 4, 5, 9]},
            ],
        });
        let o = options_of(&index).unwrap();
        assert_eq!(o.count, SheetCount::Top(3));
        assert_eq!(
            (o.width_mm, o.height_mm, o.dpi, o.margin_m),
            (297.0, 210.0, 150.0, 300.0)
        );
        let mut broken = index.clone();
        broken["dpi"] = serde_json::json!("x");
        assert!(options_of(&broken).is_err());
        broken["dpi"] = serde_json::json!(5.0);
        assert!(options_of(&broken).is_err(), "validated");
    }
}

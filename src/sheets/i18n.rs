//! The map sheets' fixed labels (titles, legend, scale bar, north arrow, notes) in English and
//! Simplified Chinese, one table per language in the style of `crate::report::i18n`. The
//! sheets written to `maps/` are English; the Chinese atlas re-composes them with
//! [`Lang::ZhCn`].

pub use crate::report::i18n::Lang;
use crate::report::i18n::fill;

/// English.
pub const EN: &[(&str, &str)] = &[
    ("kind_thermal", "thermal infrared"),
    ("kind_ortho", "orthophoto"),
    ("known_zone", "Known zone"),
    ("known_zones", "Known zones"),
    ("fire_zone_title", "Fire zone"),
    ("fire_zones_title", "Fire zones"),
    ("fire_zone_after", "fire zone"),
    ("fire_zones_after", "fire zones"),
    ("n_fire_zones", "{n} fire zones"),
    ("id_list_more", "{ids}, \u{2026} ({n} zones)"),
    ("zone_line", "Zone {id}: {parts}"),
    ("list_sep", ", "),
    ("risk_of", "{class} risk"),
    ("low", "low"),
    ("moderate", "moderate"),
    ("high", "high"),
    ("extreme", "extreme"),
    ("status_known", "known"),
    ("status_new", "new"),
    ("status_excluded", "excluded"),
    ("known_note", "Known zone {label}{seen}"),
    ("seen_yes", ": anomalies detected"),
    ("seen_no", ": no anomaly detected"),
    ("more_zones", "\u{2026} and {n} more zones"),
    ("grid_none", "Grid: no CRS; ticks in raster units"),
    ("grid", "Grid: {crs}"),
    ("ticks_deg", "Ticks: longitude / latitude, degrees"),
    ("ticks_m", "Ticks: easting / northing, metres"),
    (
        "north_note",
        "North arrow: true north ({deg}\u{b0} from grid north)",
    ),
    (
        "overview_counts",
        "{zones} fire zones, {known} known zones, {sheets} zone sheets",
    ),
    (
        "risk_counts",
        "Risk: {extreme} extreme, {high} high, {moderate} moderate, {low} low",
    ),
    ("overview_title", "Overview \u{2014} {zones} fire zones"),
    (
        "overview_title_known",
        "Overview \u{2014} {zones} fire zones, {known} known zones",
    ),
    (
        "credit_landsat",
        "Landsat data courtesy of the U.S. Geological Survey",
    ),
    (
        "credit_aster",
        "ASTER data courtesy of NASA/METI/AIST/Japan Space Systems and U.S./Japan ASTER Science Team",
    ),
    ("credit_source", "Source: {id}"),
    ("maker", "Map: seamfire {version}"),
    ("generic_raster", "generic raster"),
    ("temperature", "Temperature"),
    ("brightness temperature", "Brightness temperature"),
    ("surface temperature", "Surface temperature"),
    ("land-surface temperature", "Land-surface temperature"),
    ("legend_ortho", "Orthophoto"),
    ("legend_nodata", "no data / outside the scene"),
    ("legend_zone", "fire zone (id)"),
    ("legend_frame", "extent of a zone sheet"),
    ("legend_hotspot", "hotspot, {conf} confidence"),
    ("conf_low", "low"),
    ("conf_nominal", "nominal"),
    ("conf_high", "high"),
    ("legend_known", "known burning zone"),
    ("scale", "scale 1:{d}"),
    ("north_unknown", "no CRS: north unknown"),
    ("north", "N"),
];

/// Simplified Chinese.
pub const ZH_CN: &[(&str, &str)] = &[
    ("kind_thermal", "热红外"),
    ("kind_ortho", "正射影像"),
    ("known_zone", "已知燃烧区"),
    ("known_zones", "已知燃烧区"),
    ("fire_zone_title", "火区"),
    ("fire_zones_title", "火区"),
    ("fire_zone_after", "火区"),
    ("fire_zones_after", "火区"),
    ("n_fire_zones", "{n} 个火区"),
    ("id_list_more", "{ids}, \u{2026}（共 {n} 个）"),
    ("zone_line", "火区 {id}：{parts}"),
    ("list_sep", "，"),
    ("risk_of", "{class}风险"),
    ("low", "低"),
    ("moderate", "中"),
    ("high", "高"),
    ("extreme", "极高"),
    ("status_known", "已知"),
    ("status_new", "新"),
    ("status_excluded", "已排除"),
    ("known_note", "已知燃烧区 {label}{seen}"),
    ("seen_yes", "：检测到异常"),
    ("seen_no", "：未检测到异常"),
    ("more_zones", "\u{2026}另有 {n} 个火区"),
    ("grid_none", "坐标网：无坐标系，刻度为栅格单位"),
    ("grid", "坐标网：{crs}"),
    ("ticks_deg", "刻度：经度 / 纬度，度"),
    ("ticks_m", "刻度：东坐标 / 北坐标，米"),
    ("north_note", "指北针：真北（偏离坐标北 {deg}\u{b0}）"),
    (
        "overview_counts",
        "{zones} 个火区，{known} 个已知燃烧区，{sheets} 幅火区图",
    ),
    (
        "risk_counts",
        "风险：极高 {extreme}，高 {high}，中 {moderate}，低 {low}",
    ),
    ("overview_title", "总览图 \u{2014} {zones} 个火区"),
    (
        "overview_title_known",
        "总览图 \u{2014} {zones} 个火区，{known} 个已知燃烧区",
    ),
    ("credit_landsat", "Landsat 数据由美国地质调查局（USGS）提供"),
    (
        "credit_aster",
        "ASTER 数据由 NASA/METI/AIST/Japan Space Systems 及美日 ASTER 科学团队提供",
    ),
    ("credit_source", "来源：{id}"),
    ("maker", "制图：seamfire {version}"),
    ("generic_raster", "通用栅格"),
    ("temperature", "温度"),
    ("brightness temperature", "亮温"),
    ("surface temperature", "表面温度"),
    ("land-surface temperature", "地表温度"),
    ("legend_ortho", "正射影像"),
    ("legend_nodata", "无数据 / 景外"),
    ("legend_zone", "火区（编号）"),
    ("legend_frame", "火区图范围"),
    ("legend_hotspot", "热点，{conf}置信度"),
    ("conf_low", "低"),
    ("conf_nominal", "中"),
    ("conf_high", "高"),
    ("legend_known", "已知燃烧区"),
    ("scale", "比例尺 1:{d}"),
    ("north_unknown", "无坐标系：北向未知"),
    ("north", "北"),
];

fn table(lang: Lang) -> &'static [(&'static str, &'static str)] {
    match lang {
        Lang::En => EN,
        Lang::ZhCn => ZH_CN,
    }
}

/// The label `key` in `lang` (the key itself when missing: the tests make sure none is).
pub fn t(lang: Lang, key: &str) -> &'static str {
    table(lang)
        .iter()
        .chain(EN.iter())
        .find(|(k, _)| *k == key)
        .map_or("", |(_, v)| v)
}

/// The label `key` in `lang` with its `{placeholders}` filled.
pub fn tf(lang: Lang, key: &str, values: &[(&str, String)]) -> String {
    fill(t(lang, key), values)
}

/// The thermal legend's heading for a quantity label such as `brightness temperature (K)`:
/// capitalised in English, translated when the table knows it, else as given.
pub fn quantity_heading(lang: Lang, quantity: &str) -> String {
    let q = quantity.trim().trim_end_matches("(K)").trim();
    let q = if q.is_empty() { "temperature" } else { q };
    if let Some((_, v)) = table(lang).iter().find(|(k, _)| *k == q) {
        return (*v).to_string();
    }
    let mut c = q.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => t(lang, "temperature").to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn placeholders(s: &str) -> BTreeSet<String> {
        s.split('{')
            .skip(1)
            .filter_map(|p| p.split_once('}').map(|(a, _)| a.to_string()))
            .collect()
    }

    #[test]
    fn both_tables_have_the_same_keys_and_placeholders() {
        let keys =
            |t: &[(&'static str, &'static str)]| t.iter().map(|(k, _)| *k).collect::<BTreeSet<_>>();
        assert_eq!(keys(EN).len(), EN.len(), "duplicate English key");
        assert_eq!(keys(ZH_CN).len(), ZH_CN.len(), "duplicate Chinese key");
        assert_eq!(keys(EN), keys(ZH_CN));
        for (k, en) in EN {
            let zh = ZH_CN.iter().find(|(z, _)| z == k).map(|(_, v)| *v);
            assert_eq!(placeholders(en), placeholders(zh.unwrap_or("")), "{k}");
        }
    }

    #[test]
    fn chinese_labels_are_chinese() {
        let cjk = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
        for (k, v) in ZH_CN {
            // Separators and names that stay Latin are the only exceptions.
            if !["list_sep", "id_list_more"].contains(k) {
                assert!(cjk(v), "{k}: {v}");
            }
        }
        assert!(EN.iter().all(|(_, v)| !cjk(v)));
    }

    #[test]
    fn lookups_and_headings() {
        assert_eq!(t(Lang::ZhCn, "legend_known"), "已知燃烧区");
        assert_eq!(
            tf(Lang::En, "scale", &[("d", "25 000".into())]),
            "scale 1:25 000"
        );
        assert_eq!(
            quantity_heading(Lang::En, "brightness temperature (K)"),
            "Brightness temperature"
        );
        assert_eq!(
            quantity_heading(Lang::ZhCn, "brightness temperature (K)"),
            "亮温"
        );
        assert_eq!(quantity_heading(Lang::ZhCn, "radiance"), "Radiance");
        assert_eq!(quantity_heading(Lang::En, " (K)"), "Temperature");
    }
}

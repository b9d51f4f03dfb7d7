//! Every word of the report in one table per language (`--lang en|zh-CN`). A key missing from a
//! table is a test failure, never a silent English word in a Chinese report.

use serde::Serialize;

/// Report language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum, serde::Deserialize)]
pub enum Lang {
    #[value(name = "en")]
    #[serde(rename = "en")]
    En,
    #[value(name = "zh-CN")]
    #[serde(rename = "zh-CN")]
    ZhCn,
}

impl Lang {
    /// BCP 47 tag (`lang` attribute, file names).
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhCn => "zh-CN",
        }
    }

    /// File stem of the report in this language: `report` (English), `report.zh-CN`.
    pub fn stem(self) -> String {
        match self {
            Lang::En => "report".into(),
            other => format!("report.{}", other.tag()),
        }
    }

    fn table(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Lang::En => EN,
            Lang::ZhCn => ZH_CN,
        }
    }

    /// The colon after a label: `: ` in English, a full-width `：` in Chinese.
    pub fn colon(self) -> &'static str {
        match self {
            Lang::En => ": ",
            Lang::ZhCn => "：",
        }
    }

    /// The text of `key` (the key itself when missing: the tests make sure none is).
    pub fn t(self, key: &'static str) -> &'static str {
        self.table()
            .iter()
            .find(|(k, _)| *k == key)
            .map_or(key, |(_, v)| v)
    }
}

/// English.
pub const EN: &[(&str, &str)] = &[
    ("title", "Coal-fire risk assessment"),
    ("subtitle", "Thermal-infrared survey report"),
    ("contents", "Contents"),
    ("summary", "Survey summary"),
    ("known", "Known burning zones"),
    ("new", "New anomalies"),
    ("zones", "Zone sheets"),
    ("history", "History across the season"),
    ("methods", "Methods and parameters"),
    ("provenance", "Data provenance"),
    ("limitations", "Limitations"),
    ("survey", "Survey"),
    ("scenes", "Scenes"),
    ("dates", "Dates"),
    ("sensors", "Sensors"),
    ("area_km2", "Area covered (km²)"),
    ("scene", "Scene"),
    ("date", "Date"),
    ("time_utc", "Time (UTC)"),
    ("sensor", "Sensor"),
    ("day_night", "Day/night"),
    ("day", "day"),
    ("night", "night"),
    ("masked_pct", "Masked (cloud, water, no data) %"),
    ("fire_zones", "Fire zones"),
    ("zones_known", "Known"),
    ("zones_new", "New"),
    ("known_detected", "Known zones burning"),
    ("first_seen", "First seen"),
    ("persistent", "Persistent"),
    ("extinguished", "Extinguished"),
    ("max_bt_k", "Max BT (K)"),
    ("status", "Status"),
    ("ok", "ok"),
    ("failed", "failed"),
    (
        "known_intro",
        "Known zones checked: {checked}; found burning on the latest date: {burning}; found burning on at least one date: {ever}.",
    ),
    ("id", "Id"),
    ("name", "Name"),
    ("burning_latest", "Burning (latest)"),
    ("yes", "yes"),
    ("no", "no"),
    ("max_dt_k", "Max ΔT (K)"),
    ("max_t_k", "Max T (K)"),
    ("mean_t_k", "Mean T (K)"),
    ("anom_area_m2", "Anomalous area (m²)"),
    ("area_m2", "Area (m²)"),
    ("risk", "Risk class"),
    ("risk_score", "Score"),
    ("dist_road_m", "Road (m)"),
    ("dist_water_m", "Water (m)"),
    ("dist_building_m", "Building (m)"),
    ("course", "Course"),
    (
        "new_intro",
        "{sites} new anomaly sites outside the known zones over the season ({per_scene}).",
    ),
    ("new_per_scene", "{date}: {n}"),
    ("site", "Site"),
    ("lon", "Longitude"),
    ("lat", "Latitude"),
    ("last_seen", "Last seen"),
    ("overview", "Overview map"),
    (
        "overview_caption",
        "Overview of {scene} ({date}): every fire zone and known zone of that pass.",
    ),
    ("thermal_sheet", "Thermal infrared"),
    ("ortho_sheet", "Orthophoto"),
    ("no_sheet", "no sheet for this zone"),
    ("rule", "Rule"),
    (
        "risk_rule_text",
        "score = intensity + size + proximity (0–9); intensity: max ΔT ≥ {dk} K gives 1/2/3 points; size: area ≥ {am} m² gives 1/2/3; proximity: nearest {exposed} within {dm} m gives 1/2/3; class: low < {c0} ≤ moderate < {c1} ≤ high < {c2} ≤ extreme.",
    ),
    (
        "risk_breakdown",
        "intensity {i} + size {s} + proximity {p} = {score} → {class}",
    ),
    ("low", "low"),
    ("moderate", "moderate"),
    ("high", "high"),
    ("extreme", "extreme"),
    ("none", "none"),
    ("hist_persistent", "persistent"),
    ("hist_extinguished", "extinguished"),
    ("hist_new", "first seen"),
    ("hist_not_found", "not found burning"),
    ("hist_once", "seen once"),
    (
        "legend_hist",
        "● anomaly detected · ○ observed, nothing detected · – not observed",
    ),
    ("method", "Thermal method"),
    ("parameter", "Parameter"),
    ("value", "Value"),
    ("citations", "References"),
    ("product_id", "Product id"),
    ("level", "Processing level"),
    ("version", "seamfire version"),
    ("config_hash", "Configuration SHA-256"),
    ("inputs", "Input files"),
    ("inventory", "Known-fire inventory"),
    ("assets", "Asset layers"),
    (
        "lim_clouds",
        "Clouds, water and missing data: {masked} of the pixels were masked and not tested (per scene above); a fire under a cloud or on a masked pixel cannot be seen.",
    ),
    (
        "lim_saturation",
        "Saturation: Landsat 8 B10 saturates near 368 K; the hottest zone measured {max} K, {sat}.",
    ),
    ("lim_sat_ok", "below saturation"),
    (
        "lim_sat_bad",
        "AT OR ABOVE saturation: its temperature is a lower bound",
    ),
    (
        "lim_unresolved",
        "Unresolved pixels (no valid background window): {n}.",
    ),
    (
        "lim_budget",
        "False-alarm budget: the contextual test at k = {k} flags a pixel of a Gaussian background with probability {p}; over {valid} valid pixels per pass that is about {expected} false pixels per pass, before the ΔT ≥ {dt} K condition.",
    ),
    (
        "lim_pixel",
        "A 30 m thermal pixel (100 m native TIRS resolution) averages a fire with its surroundings: temperatures are pixel means, areas are pixel counts × pixel area; subsurface fires smaller than a pixel may be missed.",
    ),
    (
        "lim_bt",
        "Temperatures are top-of-atmosphere brightness temperatures unless stated; no emissivity or atmospheric correction.",
    ),
    (
        "generated_by",
        "Generated by seamfire {version} from {root}.",
    ),
    ("zone_detail", "{id} — {name}"),
    ("site_detail", "New anomaly {id}"),
    ("not_observed", "not observed"),
    ("nothing", "nothing detected"),
    ("detected", "detected"),
    ("observations", "Observations"),
    ("page", "Page {n} / {total}"),
    ("atlas", "Map atlas"),
    ("atlas_contents", "Contents of the atlas"),
    ("atlas_thermal", "Thermal infrared"),
    ("atlas_ortho", "Orthophoto"),
    ("atlas_no_thermal", "No thermal sheet for this zone"),
    ("atlas_no_ortho", "No orthophoto sheet for this zone"),
    ("atlas_no_sheet", "Sheet missing"),
    ("sheet", "Sheet"),
    ("kind", "Kind"),
    ("zone_ids", "Fire zones"),
    (
        "distances",
        "Nearest road {road} m · water {water} m · building {building} m",
    ),
];

/// Simplified Chinese.
pub const ZH_CN: &[(&str, &str)] = &[
    ("title", "煤火风险评估"),
    ("subtitle", "热红外调查报告"),
    ("contents", "目录"),
    ("summary", "调查概况"),
    ("known", "已知燃烧区"),
    ("new", "新异常"),
    ("zones", "火区图件"),
    ("history", "季节内变化"),
    ("methods", "方法与参数"),
    ("provenance", "数据来源"),
    ("limitations", "局限性"),
    ("survey", "调查"),
    ("scenes", "景数"),
    ("dates", "日期"),
    ("sensors", "传感器"),
    ("area_km2", "覆盖面积（平方千米）"),
    ("scene", "景"),
    ("date", "日期"),
    ("time_utc", "时间（UTC）"),
    ("sensor", "传感器"),
    ("day_night", "昼/夜"),
    ("day", "白天"),
    ("night", "夜间"),
    ("masked_pct", "掩膜比例（云、水体、无数据）%"),
    ("fire_zones", "火区"),
    ("zones_known", "已知"),
    ("zones_new", "新增"),
    ("known_detected", "燃烧中的已知区"),
    ("first_seen", "首次发现"),
    ("persistent", "持续"),
    ("extinguished", "已熄灭"),
    ("max_bt_k", "最高亮温（K）"),
    ("status", "状态"),
    ("ok", "正常"),
    ("failed", "失败"),
    (
        "known_intro",
        "已核查的已知区：{checked}；最近日期仍在燃烧：{burning}；至少一个日期燃烧：{ever}。",
    ),
    ("id", "编号"),
    ("name", "名称"),
    ("burning_latest", "燃烧（最近）"),
    ("yes", "是"),
    ("no", "否"),
    ("max_dt_k", "最大温差 ΔT（K）"),
    ("max_t_k", "最高温度（K）"),
    ("mean_t_k", "平均温度（K）"),
    ("anom_area_m2", "异常面积（平方米）"),
    ("area_m2", "面积（平方米）"),
    ("risk", "风险等级"),
    ("risk_score", "得分"),
    ("dist_road_m", "距道路（米）"),
    ("dist_water_m", "距水体（米）"),
    ("dist_building_m", "距建筑（米）"),
    ("course", "变化"),
    (
        "new_intro",
        "本季在已知区以外共发现 {sites} 处新异常（{per_scene}）。",
    ),
    ("new_per_scene", "{date}：{n}"),
    ("site", "异常点"),
    ("lon", "经度"),
    ("lat", "纬度"),
    ("last_seen", "最后发现"),
    ("overview", "总览图"),
    (
        "overview_caption",
        "{scene}（{date}）总览：该次过境的全部火区与已知区。",
    ),
    ("thermal_sheet", "热红外图"),
    ("ortho_sheet", "正射影像图"),
    ("no_sheet", "该区无图件"),
    ("rule", "规则"),
    (
        "risk_rule_text",
        "得分 = 强度 + 面积 + 邻近度（0–9）；强度：最大温差 ≥ {dk} K 分别得 1/2/3 分；面积：≥ {am} 平方米分别得 1/2/3 分；邻近度：最近的{exposed}在 {dm} 米以内分别得 1/2/3 分；等级：低 < {c0} ≤ 中 < {c1} ≤ 高 < {c2} ≤ 极高。",
    ),
    (
        "risk_breakdown",
        "强度 {i} + 面积 {s} + 邻近度 {p} = {score} → {class}",
    ),
    ("low", "低"),
    ("moderate", "中"),
    ("high", "高"),
    ("extreme", "极高"),
    ("none", "无"),
    ("hist_persistent", "持续燃烧"),
    ("hist_extinguished", "已熄灭"),
    ("hist_new", "首次发现"),
    ("hist_not_found", "未发现燃烧"),
    ("hist_once", "仅发现一次"),
    (
        "legend_hist",
        "● 检测到异常 · ○ 已观测、未检测到 · – 未观测",
    ),
    ("method", "热异常方法"),
    ("parameter", "参数"),
    ("value", "取值"),
    ("citations", "参考文献"),
    ("product_id", "产品编号"),
    ("level", "处理级别"),
    ("version", "seamfire 版本"),
    ("config_hash", "配置 SHA-256"),
    ("inputs", "输入文件"),
    ("inventory", "已知火区清单"),
    ("assets", "承灾体图层"),
    (
        "lim_clouds",
        "云、水体与缺失数据：{masked} 的像元被掩膜、未参与检测（各景见上表）；云下或掩膜像元上的火无法被发现。",
    ),
    (
        "lim_saturation",
        "饱和：Landsat 8 B10 约在 368 K 饱和；最热火区测得 {max} K，{sat}。",
    ),
    ("lim_sat_ok", "低于饱和值"),
    ("lim_sat_bad", "达到或超过饱和值：其温度为下限"),
    ("lim_unresolved", "无法判定的像元（无有效背景窗口）：{n}。"),
    (
        "lim_budget",
        "虚警预算：上下文检验在 k = {k} 时，高斯背景像元被标记的概率为 {p}；每景 {valid} 个有效像元约产生 {expected} 个虚警像元（未计 ΔT ≥ {dt} K 条件）。",
    ),
    (
        "lim_pixel",
        "30 米热红外像元（TIRS 原始分辨率 100 米）将火与周边平均：温度为像元均值，面积为像元数 × 像元面积；小于一个像元的地下火可能漏检。",
    ),
    (
        "lim_bt",
        "除特别说明外，温度均为大气层顶亮温，未做发射率与大气校正。",
    ),
    ("generated_by", "由 seamfire {version} 根据 {root} 生成。"),
    ("zone_detail", "{id} — {name}"),
    ("site_detail", "新异常 {id}"),
    ("not_observed", "未观测"),
    ("nothing", "未检测到"),
    ("detected", "检测到"),
    ("observations", "观测记录"),
    ("page", "第 {n} 页，共 {total} 页"),
    ("atlas", "图集"),
    ("atlas_contents", "图集目录"),
    ("atlas_thermal", "热红外"),
    ("atlas_ortho", "正射影像"),
    ("atlas_no_thermal", "本区无热红外图"),
    ("atlas_no_ortho", "本区无正射影像图"),
    ("atlas_no_sheet", "缺少图幅"),
    ("sheet", "图幅"),
    ("kind", "类型"),
    ("zone_ids", "火区"),
    (
        "distances",
        "距最近道路 {road} 米 · 水体 {water} 米 · 建筑 {building} 米",
    ),
];

/// `text` with every `{name}` replaced by its value.
pub fn fill(text: &str, values: &[(&str, String)]) -> String {
    let mut s = text.to_string();
    for (k, v) in values {
        s = s.replace(&format!("{{{k}}}"), v);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn every_language_has_every_key_once() {
        let keys = |t: &'static [(&'static str, &'static str)]| {
            t.iter().map(|(k, _)| *k).collect::<BTreeSet<_>>()
        };
        assert_eq!(keys(EN).len(), EN.len(), "duplicate English key");
        assert_eq!(keys(ZH_CN).len(), ZH_CN.len(), "duplicate Chinese key");
        assert_eq!(keys(EN), keys(ZH_CN));
        // Placeholders agree between the languages.
        for (k, en) in EN {
            let zh = Lang::ZhCn.t(k);
            let ph = |s: &str| {
                s.split('{')
                    .skip(1)
                    .filter_map(|p| p.split_once('}').map(|(a, _)| a.to_string()))
                    .collect::<BTreeSet<_>>()
            };
            assert_eq!(ph(en), ph(zh), "placeholders of {k}");
        }
    }

    #[test]
    fn chinese_text_is_chinese() {
        // Every Chinese heading has at least one CJK character (not an English fallback).
        for k in [
            "title",
            "summary",
            "known",
            "new",
            "methods",
            "limitations",
            "risk",
        ] {
            assert!(
                Lang::ZhCn
                    .t(k)
                    .chars()
                    .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{k}"
            );
        }
        assert_eq!(fill("a {x} b", &[("x", "1".into())]), "a 1 b");
        assert_eq!(Lang::ZhCn.stem(), "report.zh-CN");
    }
}

//! What goes on each sheet (pure): titles, notes, credit, the map view, and the zones, known
//! zones and hotspots handed to the SVG writer.

use super::i18n::{Lang, t, tf};
use super::layout::{FONT_SMALL, MapView, PageLayout, text_width};
use super::select::{Extent, SheetGroup, ZoneRef};
use super::svg::{Background, Hotspot, KnownShape, MapImage, Rings, SheetContent, ZoneShape};

/// Where and when the scene was taken (`detection.json` `scene`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SceneInfo {
    pub id: String,
    pub product_id: Option<String>,
    /// `Landsat8`, `Terra`, `Generic`, … as `detection.json` writes it.
    pub mission: String,
    /// `OliTirs`, `Tm`, `EtmPlus`, `Aster`, … as `detection.json` writes it.
    pub sensor: String,
    pub date: Option<String>,
    /// `HH:MM:SS.sssZ` (UTC).
    pub time: Option<String>,
}

/// A fire zone with what the sheets show of it.
#[derive(Debug, Clone, PartialEq)]
pub struct ZoneData {
    pub zone: ZoneRef,
    pub rings: Rings,
    pub risk_score: Option<f64>,
    /// `known` or `new`.
    pub status: Option<String>,
}

/// A known burning zone.
#[derive(Debug, Clone, PartialEq)]
pub struct KnownData {
    pub id: String,
    pub name: Option<String>,
    pub rings: Rings,
    pub extent: Extent,
    pub detected: Option<bool>,
}

/// Everything read from an output directory that the sheets share.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetData {
    pub scene: SceneInfo,
    pub zones: Vec<ZoneData>,
    pub known: Vec<KnownData>,
    pub hotspots: Vec<Hotspot>,
    /// Detection grid pixel size, CRS units.
    pub pixel_size: f64,
    /// Metres per CRS unit (1 for metres; along x at the scene centre for degrees).
    pub metres_per_unit: f64,
    /// Clockwise angle from grid north (page up) to true north, degrees; `None` without CRS.
    pub north_deg: Option<f64>,
    /// `WGS 84 / UTM zone 21N (EPSG:32621)`; empty without a CRS.
    pub crs_label: String,
    /// True for a geographic CRS (ticks in degrees).
    pub geographic: bool,
    /// The processed part of the scene (or AOI), CRS units.
    pub data_extent: Extent,
}

/// The two renderings of a zone sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SheetKind {
    Thermal,
    Ortho,
}

impl SheetKind {
    pub fn suffix(self) -> &'static str {
        match self {
            Self::Thermal => "thermal",
            Self::Ortho => "ortho",
        }
    }

    fn title(self, lang: Lang) -> &'static str {
        match self {
            Self::Thermal => t(lang, "kind_thermal"),
            Self::Ortho => t(lang, "kind_ortho"),
        }
    }
}

/// `Landsat 8 OLI/TIRS`, `Landsat 5 TM`, `Terra ASTER`; the raw names for anything else.
/// Accepts the product's names (`LANDSAT_8`, `OLI_TIRS`) and the names detection.json files
/// of seamfire 0.1.0 carried (`Landsat8`, `OliTirs`).
pub fn sensor_label(mission: &str, sensor: &str, lang: Lang) -> String {
    let norm = |s: &str| {
        s.chars()
            .filter(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_uppercase()
    };
    let (mn, sn) = (norm(mission), norm(sensor));
    let m = match mn.as_str() {
        m if m.starts_with("LANDSAT") => format!("Landsat {}", &m["LANDSAT".len()..]),
        "TERRA" => "Terra".to_string(),
        "GENERIC" | "" => String::new(),
        _ => mission.to_string(),
    };
    let s = match (mn.as_str(), sn.as_str()) {
        ("LANDSAT9", "OLITIRS") => "OLI-2/TIRS-2",
        (_, "OLITIRS") => "OLI/TIRS",
        (_, "TM") => "TM",
        (_, "ETM" | "ETMPLUS") => "ETM+",
        (_, "MSS") => "MSS",
        (_, "ASTER") => "ASTER",
        (_, "GENERIC") => "",
        _ => sensor,
    };
    match (m.is_empty(), s.is_empty()) {
        (false, false) => format!("{m} {s}"),
        (false, true) => m,
        (true, false) => s.to_string(),
        (true, true) => t(lang, "generic_raster").to_string(),
    }
}

/// The data credit for the mission (the provider's requested wording).
pub fn credit(scene: &SceneInfo, lang: Lang) -> String {
    if scene.mission.to_ascii_uppercase().starts_with("LANDSAT") {
        t(lang, "credit_landsat").into()
    } else if scene.mission.eq_ignore_ascii_case("Terra") {
        t(lang, "credit_aster").into()
    } else {
        tf(lang, "credit_source", &[("id", scene.id.clone())])
    }
}

/// `seamfire <version>`.
pub fn maker(lang: Lang) -> String {
    tf(
        lang,
        "maker",
        &[("version", env!("CARGO_PKG_VERSION").to_string())],
    )
}

/// `Landsat 8 OLI/TIRS · 2019-08-25 13:53 UTC · LC08_…`.
pub fn subtitle(scene: &SceneInfo, lang: Lang) -> String {
    let mut parts = vec![sensor_label(&scene.mission, &scene.sensor, lang)];
    match (&scene.date, &scene.time) {
        (Some(d), Some(t)) if t.len() >= 5 => parts.push(format!("{d} {} UTC", &t[..5])),
        (Some(d), _) => parts.push(d.clone()),
        _ => {}
    }
    parts.push(scene.product_id.clone().unwrap_or_else(|| scene.id.clone()));
    parts.join(" \u{b7} ")
}

/// `3, 7, 12`, or the first eight and a count.
fn id_list(ids: &[u32], lang: Lang) -> String {
    let shown: Vec<String> = ids.iter().take(8).map(u32::to_string).collect();
    if ids.len() > 8 {
        tf(
            lang,
            "id_list_more",
            &[("ids", shown.join(", ")), ("n", ids.len().to_string())],
        )
    } else {
        shown.join(", ")
    }
}

fn known_label(k: &KnownData) -> String {
    match &k.name {
        Some(name) if !name.is_empty() && name != &k.id => {
            format!("{} \u{201c}{name}\u{201d}", k.id)
        }
        _ => k.id.clone(),
    }
}

/// `Known zone KZ-01 “Name” · fire zones 3, 4 — thermal infrared`.
pub fn sheet_title(group: &SheetGroup, known: &[KnownData], kind: SheetKind, lang: Lang) -> String {
    let mut parts = Vec::new();
    if !group.known_ids.is_empty() {
        let labels: Vec<String> = group
            .known_ids
            .iter()
            .map(|id| {
                known
                    .iter()
                    .find(|k| &k.id == id)
                    .map_or_else(|| id.clone(), known_label)
            })
            .collect();
        let word = if labels.len() == 1 {
            t(lang, "known_zone")
        } else {
            t(lang, "known_zones")
        };
        parts.push(format!("{word} {}", labels.join(", ")));
    }
    if !group.zone_ids.is_empty() {
        let word = match (group.known_ids.is_empty(), group.zone_ids.len()) {
            (true, 1) => t(lang, "fire_zone_title"),
            (true, _) => t(lang, "fire_zones_title"),
            (false, 1) => t(lang, "fire_zone_after"),
            (false, _) => t(lang, "fire_zones_after"),
        };
        parts.push(format!("{word} {}", id_list(&group.zone_ids, lang)));
    }
    let title = format!("{} \u{2014} {}", parts.join(" \u{b7} "), kind.title(lang));
    if title_chars(&title) <= MAX_TITLE_CHARS || group.zone_ids.len() < 2 {
        return title;
    }
    // Too long for the page width: count the zones (the notes list them one by one).
    if let Some(last) = parts.last_mut() {
        *last = tf(
            lang,
            "n_fire_zones",
            &[("n", group.zone_ids.len().to_string())],
        );
    }
    format!("{} \u{2014} {}", parts.join(" \u{b7} "), kind.title(lang))
}

/// Longest title that fits the width of an A4 landscape sheet at the title font size, in
/// Latin characters.
const MAX_TITLE_CHARS: usize = 72;

/// Length of `s` in Latin characters: a CJK character counts two (it is about 1.6 as wide).
fn title_chars(s: &str) -> usize {
    s.chars()
        .map(|c| if super::layout::is_wide(c) { 2 } else { 1 })
        .sum()
}

/// One line per zone of the group: `Zone 12: high risk, 7.7 ha, ΔT 6.1 K, new`.
pub fn zone_line(z: &ZoneData, lang: Lang) -> String {
    let mut parts = Vec::new();
    if let Some(r) = z.zone.risk {
        parts.push(tf(
            lang,
            "risk_of",
            &[("class", t(lang, r.as_str()).to_string())],
        ));
    }
    let ha = z.zone.area_m2 / 10_000.0;
    parts.push(if ha >= 10.0 {
        format!("{ha:.0} ha")
    } else {
        format!("{ha:.1} ha")
    });
    if let Some(d) = z.zone.max_delta_k {
        parts.push(format!("\u{394}T {d:.1} K"));
    }
    if let Some(s) = &z.status {
        parts.push(match s.as_str() {
            "known" => t(lang, "status_known").to_string(),
            "new" => t(lang, "status_new").to_string(),
            "excluded" => t(lang, "status_excluded").to_string(),
            other => other.to_string(),
        });
    }
    tf(
        lang,
        "zone_line",
        &[
            ("id", z.zone.id.to_string()),
            ("parts", parts.join(t(lang, "list_sep"))),
        ],
    )
}

/// Words of `text` wrapped to lines no wider than `width_mm` at the small font.
pub fn wrap(text: &str, width_mm: f64) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if !line.is_empty() && text_width(&candidate, FONT_SMALL) > width_mm {
            lines.push(std::mem::take(&mut line));
            line = word.to_string();
        } else {
            line = candidate;
        }
        // Chinese has no spaces: a line too wide breaks between characters.
        if line.chars().any(super::layout::is_wide) {
            while text_width(&line, FONT_SMALL) > width_mm && line.chars().count() > 1 {
                let mut head = String::new();
                for c in line.chars() {
                    head.push(c);
                    if text_width(&head, FONT_SMALL) > width_mm {
                        head.pop();
                        break;
                    }
                }
                if head.is_empty() {
                    break;
                }
                line = line[head.len()..].to_string();
                lines.push(head);
            }
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Notes common to every sheet: grid, ticks, north.
fn grid_notes(data: &SheetData, lang: Lang) -> Vec<String> {
    let mut notes = Vec::new();
    if data.crs_label.is_empty() {
        notes.push(t(lang, "grid_none").to_string());
    } else {
        notes.push(tf(lang, "grid", &[("crs", data.crs_label.clone())]));
        notes.push(if data.geographic {
            t(lang, "ticks_deg").to_string()
        } else {
            t(lang, "ticks_m").to_string()
        });
    }
    if let Some(a) = data.north_deg {
        notes.push(tf(
            lang,
            "north_note",
            &[("deg", format!("{:.2}", a.abs()))],
        ));
    }
    notes
}

fn wrap_all(lines: Vec<String>, width_mm: f64) -> Vec<String> {
    lines.iter().flat_map(|l| wrap(l, width_mm)).collect()
}

/// The view of a zone sheet: the group's extent (margin included) fitted to the map frame,
/// at least 20 detection pixels across.
pub fn sheet_view(layout: &PageLayout, group: &SheetGroup, pixel_size: f64) -> MapView {
    MapView::fit(group.extent, layout.map, 20.0 * pixel_size)
}

/// The view of the overview: the processed part of the scene and every zone and known zone,
/// with 2 % to spare.
pub fn overview_view(layout: &PageLayout, data: &SheetData) -> MapView {
    let mut e = data.data_extent;
    for z in &data.zones {
        e = e.union(&z.zone.extent);
    }
    for k in &data.known {
        e = e.union(&k.extent);
    }
    let pad = 0.02 * e.width().max(e.height());
    MapView::fit(e.grow(pad), layout.map, 20.0 * data.pixel_size)
}

fn shapes(data: &SheetData, view: &MapView) -> (Vec<ZoneShape>, Vec<KnownShape>) {
    let zones = data
        .zones
        .iter()
        .filter(|z| view.extent.intersects(&z.zone.extent))
        .map(|z| ZoneShape {
            id: z.zone.id,
            rings: z.rings.clone(),
            extent: z.zone.extent,
        })
        .collect();
    let known = data
        .known
        .iter()
        .filter(|k| view.extent.intersects(&k.extent))
        .map(|k| KnownShape {
            label: known_label(k),
            rings: k.rings.clone(),
            extent: k.extent,
        })
        .collect();
    (zones, known)
}

/// A zone sheet.
#[allow(clippy::too_many_arguments)]
pub fn sheet_content(
    lang: Lang,
    data: &SheetData,
    layout: PageLayout,
    view: MapView,
    group: &SheetGroup,
    kind: SheetKind,
    background: Background,
    image: Option<MapImage>,
) -> SheetContent {
    let (zones, known) = shapes(data, &view);
    let hotspots = data
        .hotspots
        .iter()
        .filter(|h| view.extent.contains(h.x, h.y))
        .copied()
        .collect();
    let mut notes: Vec<String> = Vec::new();
    for k in group
        .known_ids
        .iter()
        .filter_map(|id| data.known.iter().find(|k| &k.id == id))
    {
        let seen = match k.detected {
            Some(true) => t(lang, "seen_yes"),
            Some(false) => t(lang, "seen_no"),
            None => "",
        };
        notes.push(tf(
            lang,
            "known_note",
            &[("label", known_label(k)), ("seen", seen.to_string())],
        ));
    }
    let members: Vec<&ZoneData> = group
        .zone_ids
        .iter()
        .filter_map(|id| data.zones.iter().find(|z| z.zone.id == *id))
        .collect();
    let max_lines = 8;
    for z in members.iter().take(max_lines) {
        notes.push(zone_line(z, lang));
    }
    if members.len() > max_lines {
        notes.push(tf(
            lang,
            "more_zones",
            &[("n", (members.len() - max_lines).to_string())],
        ));
    }
    notes.push(String::new());
    notes.extend(grid_notes(data, lang));
    let width = layout.panel.w - 2.0;
    SheetContent {
        layout,
        view,
        title: sheet_title(group, &data.known, kind, lang),
        subtitle: subtitle(&data.scene, lang),
        background,
        image,
        zones,
        known,
        hotspots,
        overview: false,
        sheet_frames: Vec::new(),
        pixel_size: data.pixel_size,
        metres_per_unit: data.metres_per_unit,
        north_deg: data.north_deg,
        notes: wrap_all(notes, width),
        credit: credit(&data.scene, lang),
        maker: maker(lang),
        lang,
    }
}

/// The overview sheet: every zone labelled, the zone sheets' extents outlined.
pub fn overview_content(
    lang: Lang,
    data: &SheetData,
    layout: PageLayout,
    view: MapView,
    sheet_frames: Vec<Extent>,
    background: Background,
    image: Option<MapImage>,
) -> SheetContent {
    let (zones, known) = shapes(data, &view);
    let mut per_class = [0usize; 5];
    for z in &data.zones {
        per_class[z.zone.risk.map_or(4, |r| r as usize)] += 1;
    }
    let mut notes = vec![tf(
        lang,
        "overview_counts",
        &[
            ("zones", data.zones.len().to_string()),
            ("known", data.known.len().to_string()),
            ("sheets", sheet_frames.len().to_string()),
        ],
    )];
    if per_class[4] < data.zones.len() {
        notes.push(tf(
            lang,
            "risk_counts",
            &[
                ("extreme", per_class[3].to_string()),
                ("high", per_class[2].to_string()),
                ("moderate", per_class[1].to_string()),
                ("low", per_class[0].to_string()),
            ],
        ));
    }
    notes.push(String::new());
    notes.extend(grid_notes(data, lang));
    let width = layout.panel.w - 2.0;
    let counts = [
        ("zones", data.zones.len().to_string()),
        ("known", data.known.len().to_string()),
    ];
    let title = match data.known.len() {
        0 => tf(lang, "overview_title", &counts),
        _ => tf(lang, "overview_title_known", &counts),
    };
    SheetContent {
        layout,
        view,
        title,
        subtitle: subtitle(&data.scene, lang),
        background,
        image,
        zones,
        known,
        hotspots: Vec::new(),
        overview: true,
        sheet_frames,
        pixel_size: data.pixel_size,
        metres_per_unit: data.metres_per_unit,
        north_deg: data.north_deg,
        notes: wrap_all(notes, width),
        credit: credit(&data.scene, lang),
        maker: maker(lang),
        lang,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sheets::select::RiskClass;

    #[test]
    fn labels_and_titles() {
        assert_eq!(
            sensor_label("Landsat8", "OliTirs", Lang::En),
            "Landsat 8 OLI/TIRS"
        );
        assert_eq!(
            sensor_label("Landsat9", "OliTirs", Lang::En),
            "Landsat 9 OLI-2/TIRS-2"
        );
        assert_eq!(
            sensor_label("Landsat7", "EtmPlus", Lang::En),
            "Landsat 7 ETM+"
        );
        assert_eq!(sensor_label("Terra", "Aster", Lang::En), "Terra ASTER");
        assert_eq!(
            sensor_label("Generic", "Generic", Lang::En),
            "generic raster"
        );
        assert_eq!(
            sensor_label("LANDSAT_8", "OLI_TIRS", Lang::En),
            "Landsat 8 OLI/TIRS"
        );
        assert_eq!(
            sensor_label("LANDSAT_9", "OLI_TIRS", Lang::En),
            "Landsat 9 OLI-2/TIRS-2"
        );
        assert_eq!(sensor_label("LANDSAT_7", "ETM", Lang::En), "Landsat 7 ETM+");
        assert_eq!(sensor_label("LANDSAT_5", "TM", Lang::En), "Landsat 5 TM");
        assert_eq!(sensor_label("TERRA", "ASTER", Lang::En), "Terra ASTER");
        assert_eq!(
            sensor_label("GENERIC", "GENERIC", Lang::En),
            "generic raster"
        );
        let scene = SceneInfo {
            id: "x".into(),
            product_id: Some("LC08_X".into()),
            mission: "Landsat8".into(),
            sensor: "OliTirs".into(),
            date: Some("2019-08-25".into()),
            time: Some("13:53:10.8714120Z".into()),
        };
        assert_eq!(
            subtitle(&scene, Lang::En),
            "Landsat 8 OLI/TIRS \u{b7} 2019-08-25 13:53 UTC \u{b7} LC08_X"
        );
        assert!(credit(&scene, Lang::En).contains("U.S. Geological Survey"));
        let group = SheetGroup {
            stem: "known_KZ-01".into(),
            known_ids: vec!["KZ-01".into()],
            zone_ids: vec![3, 4],
            extent: Extent::new(0.0, 0.0, 1.0, 1.0),
        };
        let known = vec![KnownData {
            id: "KZ-01".into(),
            name: Some("Old pit".into()),
            rings: Vec::new(),
            extent: group.extent,
            detected: Some(true),
        }];
        assert_eq!(
            sheet_title(&group, &known, SheetKind::Thermal, Lang::En),
            "Known zone KZ-01 \u{201c}Old pit\u{201d} \u{b7} fire zones 3, 4 \u{2014} thermal infrared"
        );
        let group = SheetGroup {
            known_ids: Vec::new(),
            zone_ids: (1..=10).collect(),
            ..group
        };
        assert_eq!(
            sheet_title(&group, &known, SheetKind::Ortho, Lang::En),
            "Fire zones 1, 2, 3, 4, 5, 6, 7, 8, \u{2026} (10 zones) \u{2014} orthophoto"
        );
        // A long known-zone name and many zones: the zone list becomes a count.
        let long = vec![KnownData {
            name: Some("Corumbá south front, the long burning outcrop".into()),
            ..known[0].clone()
        }];
        let group = SheetGroup {
            known_ids: vec!["KZ-01".into()],
            zone_ids: (2..=20).collect(),
            ..group
        };
        let title = sheet_title(&group, &long, SheetKind::Ortho, Lang::En);
        assert!(
            title.ends_with("\u{b7} 19 fire zones \u{2014} orthophoto"),
            "{title}"
        );
        let z = ZoneData {
            zone: ZoneRef {
                id: 12,
                risk: Some(RiskClass::High),
                max_delta_k: Some(6.14),
                area_m2: 76_500.0,
                extent: group.extent,
            },
            rings: Vec::new(),
            risk_score: Some(5.0),
            status: Some("new".into()),
        };
        assert_eq!(
            zone_line(&z, Lang::En),
            "Zone 12: high risk, 7.7 ha, \u{394}T 6.1 K, new"
        );
        assert_eq!(
            zone_line(&z, Lang::ZhCn),
            "火区 12：高风险，7.7 ha，\u{394}T 6.1 K，新"
        );
        assert_eq!(sensor_label("Generic", "Generic", Lang::ZhCn), "通用栅格");
    }

    #[test]
    fn chinese_titles() {
        let group = SheetGroup {
            stem: "known_KZ-01".into(),
            known_ids: vec!["KZ-01".into()],
            zone_ids: vec![3],
            extent: Extent::new(0.0, 0.0, 1.0, 1.0),
        };
        let known = vec![KnownData {
            id: "KZ-01".into(),
            name: Some("老矿坑".into()),
            rings: Vec::new(),
            extent: group.extent,
            detected: None,
        }];
        assert_eq!(
            sheet_title(&group, &known, SheetKind::Thermal, Lang::ZhCn),
            "已知燃烧区 KZ-01 \u{201c}老矿坑\u{201d} \u{b7} 火区 3 \u{2014} 热红外"
        );
        // A CJK character counts two towards the title length.
        assert_eq!(title_chars("ab火区"), 6);
    }

    #[test]
    fn wrapping() {
        let w = text_width("aaaa bbbb", FONT_SMALL) + 0.01;
        assert_eq!(wrap("aaaa bbbb cccc", w), ["aaaa bbbb", "cccc"]);
        assert_eq!(wrap("", w), Vec::<String>::new());
        // Chinese breaks between characters, every line within the width.
        let zh = "火区 12：高风险，7.7 ha，检测到异常的已知燃烧区附近的道路和建筑";
        let w = text_width("火区火区火区火区火区", FONT_SMALL) + 0.01;
        let lines = wrap(zh, w);
        assert!(lines.len() > 2, "{lines:?}");
        assert!(
            lines.iter().all(|l| text_width(l, FONT_SMALL) <= w),
            "{lines:?}"
        );
        assert_eq!(lines.concat().replace(' ', ""), zh.replace(' ', ""));
    }
}

//! The atlas's pages as SVG text (pure): A3 landscape pages, the contents first (one line per
//! page), then per scene (summary order) its overview on a page of its own and one page per
//! zone with its thermal and orthophoto sheets side by side, each scaled into its half keeping
//! its aspect ratio (vector: the sheets are nested SVG images). A zone with only one of the two
//! sheets shows it in its half and a note in the other. Every page is numbered `Page n / N`.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde_json::Value;

use super::html::esc;
use super::i18n::{Lang, fill};
use super::layout::text_width;
use super::model::RunData;
use super::pdf::Page;

/// Page size, mm (A3 landscape).
pub const PAGE_W: f64 = 420.0;
pub const PAGE_H: f64 = 297.0;
const MARGIN: f64 = 12.0;
/// Top of the sheets' area (below the page heading) and bottom (above the page number).
const AREA_TOP: f64 = 30.0;
const AREA_BOTTOM: f64 = 280.0;
/// Gap between the two halves, mm.
const GAP: f64 = 8.0;

/// Contents lines per page.
pub const CONTENTS_LINES: usize = 44;

/// Number of contents pages for `n` atlas pages.
pub fn contents_pages(n: usize) -> usize {
    n.div_ceil(CONTENTS_LINES).max(1)
}

/// One sheet of the atlas: its SVG path relative to the root, the English title of
/// `maps/sheets.json` and its page size.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetRef {
    pub svg: String,
    pub title: String,
    pub width_mm: f64,
    pub height_mm: f64,
}

/// What one atlas page (after the contents) shows.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Overview(SheetRef),
    Zone {
        thermal: Option<SheetRef>,
        ortho: Option<SheetRef>,
    },
}

/// An atlas page of a scene.
#[derive(Debug, Clone, PartialEq)]
pub struct AtlasItem {
    pub scene: String,
    pub date: String,
    pub item: Item,
}

impl AtlasItem {
    /// Every sheet of the page.
    pub fn sheets(&self) -> Vec<&SheetRef> {
        match &self.item {
            Item::Overview(s) => vec![s],
            Item::Zone { thermal, ortho } => thermal.iter().chain(ortho.iter()).collect(),
        }
    }
}

/// `known_KZ-01` of `known_KZ-01_thermal.svg`.
fn base(name: &str) -> &str {
    let stem = name.trim_end_matches(".svg");
    stem.strip_suffix("_thermal")
        .or_else(|| stem.strip_suffix("_ortho"))
        .unwrap_or(stem)
}

/// The atlas's pages: per scene (summary order) its overview(s), then one page per zone sheet
/// pair in the index's order.
pub fn atlas_items(run: &RunData) -> Vec<AtlasItem> {
    let mut out = Vec::new();
    let order = run.summary["scenes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["scene_id"].as_str());
    for id in order {
        let Some(d) = run.scenes.iter().find(|d| d.id == id) else {
            continue;
        };
        let Some(index) = &d.sheets else { continue };
        let prefix = if d.dir.is_empty() {
            "maps/".to_string()
        } else {
            format!("{}/maps/", d.dir)
        };
        let page = index["page_mm"].as_array();
        let dim = |i: usize, default: f64| {
            page.and_then(|p| p.get(i))
                .and_then(Value::as_f64)
                .filter(|v| *v > 0.0)
                .unwrap_or(default)
        };
        let (w, h) = (dim(0, 297.0), dim(1, 210.0));
        let date = d.detection["scene"]["acquisition_date"]
            .as_str()
            .unwrap_or("")
            .to_string();
        let sheets = index["sheets"].as_array().cloned().unwrap_or_default();
        let name = |s: &Value| s["svg"].as_str().unwrap_or("").to_string();
        let sheet = |s: &Value| SheetRef {
            svg: format!("{prefix}{}", name(s)),
            title: s["title"].as_str().unwrap_or("").to_string(),
            width_mm: w,
            height_mm: h,
        };
        let item = |item| AtlasItem {
            scene: id.to_string(),
            date: date.clone(),
            item,
        };
        for s in sheets.iter().filter(|s| s["kind"] == "overview") {
            out.push(item(Item::Overview(sheet(s))));
        }
        let mut done = std::collections::BTreeSet::new();
        for s in sheets.iter().filter(|s| s["kind"] != "overview") {
            let n = name(s);
            let b = base(&n).to_string();
            if !done.insert(b.clone()) {
                continue;
            }
            let find = |kind: &str| {
                sheets
                    .iter()
                    .find(|t| t["kind"] == kind && base(&name(t)) == b)
                    .map(sheet)
            };
            out.push(item(Item::Zone {
                thermal: find("thermal"),
                ortho: find("ortho"),
            }));
        }
    }
    out
}

/// A sheet to place: its title (in the atlas's language) and SVG text.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetText {
    pub title: String,
    pub svg: String,
}

/// The title of a zone page: the sheet title without its ` — thermal infrared` tail.
fn zone_title(title: &str) -> &str {
    title.rsplit_once(" \u{2014} ").map_or(title, |(a, _)| a)
}

/// The page heading of an item (titles looked up in `texts` by SVG path, else the index's).
fn heading(item: &AtlasItem, texts: &BTreeMap<String, SheetText>) -> String {
    let title = |s: &SheetRef| {
        texts
            .get(&s.svg)
            .map_or(s.title.clone(), |t| t.title.clone())
    };
    match &item.item {
        Item::Overview(s) => title(s),
        Item::Zone { thermal, ortho } => thermal
            .as_ref()
            .or(ortho.as_ref())
            .map(|s| zone_title(&title(s)).to_string())
            .unwrap_or_default(),
    }
}

/// `title` cut with `…` to at most `width` mm at `size`.
fn fit(title: &str, size: f64, width: f64) -> String {
    let mut t = title.to_string();
    while text_width(&t, size) > width && t.chars().count() > 4 {
        t.pop();
    }
    if t != title {
        t.push('…');
    }
    t
}

/// The box of a `w` × `h` sheet scaled to fit `(x, y, bw, bh)`, centred.
fn fit_box(w: f64, h: f64, x: f64, y: f64, bw: f64, bh: f64) -> (f64, f64, f64, f64) {
    let s = (bw / w).min(bh / h);
    let (fw, fh) = (w * s, h * s);
    (x + (bw - fw) / 2.0, y + (bh - fh) / 2.0, fw, fh)
}

fn image(body: &mut String, svg: &str, (x, y, w, h): (f64, f64, f64, f64)) {
    let _ = write!(
        body,
        "<image x=\"{x:.2}\" y=\"{y:.2}\" width=\"{w:.2}\" height=\"{h:.2}\" href=\"data:image/svg+xml;base64,{}\"/><rect x=\"{x:.2}\" y=\"{y:.2}\" width=\"{w:.2}\" height=\"{h:.2}\" fill=\"none\" stroke=\"#999999\" stroke-width=\"0.3\"/>",
        crate::sheets::encode::base64(svg.as_bytes())
    );
}

/// Atlas pages of `items`: contents, then one page per item. `texts` holds every sheet's
/// title and SVG text by its path (a sheet missing there is drawn as missing).
pub fn atlas_pages(
    items: &[AtlasItem],
    texts: &BTreeMap<String, SheetText>,
    l: Lang,
    survey: &str,
    family: &str,
) -> Vec<Page> {
    let (w, h) = (PAGE_W, PAGE_H);
    let c = contents_pages(items.len());
    let total = c + items.len();
    let fam = esc(family);
    let text = |x: f64, y: f64, size: f64, extra: &str, s: &str| {
        format!(
            "<text x=\"{x:.1}\" y=\"{y:.1}\" font-size=\"{size}\" font-family=\"{fam}\" {extra}>{}</text>",
            esc(s)
        )
    };
    let page = |body: String, n: usize, bookmarks: Vec<String>| {
        let number = text(
            w / 2.0,
            h - 8.0,
            3.5,
            "text-anchor=\"middle\" fill=\"#333333\"",
            &fill(
                l.t("page"),
                &[("n", n.to_string()), ("total", total.to_string())],
            ),
        );
        Page {
            svg: format!(
                "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" width=\"{w}mm\" height=\"{h}mm\" viewBox=\"0 0 {w} {h}\">{body}{number}</svg>"
            ),
            width_mm: w as f32,
            height_mm: h as f32,
            bookmarks,
        }
    };
    let mut pages = Vec::new();
    for p in 0..c {
        let mut body = text(
            MARGIN,
            22.0,
            8.0,
            "font-weight=\"bold\" fill=\"#7a1c00\"",
            &format!("{} — {survey}", l.t("atlas")),
        );
        body += &text(MARGIN, 31.0, 4.5, "fill=\"#555555\"", l.t("atlas_contents"));
        for (i, item) in items
            .iter()
            .enumerate()
            .skip(p * CONTENTS_LINES)
            .take(CONTENTS_LINES)
        {
            let y = 42.0 + (i - p * CONTENTS_LINES) as f64 * 5.3;
            let title = fit(&heading(item, texts), 3.6, 290.0);
            body += &text(MARGIN, y, 3.6, "", &format!("{} {title}", i + 1));
            body += &text(330.0, y, 3.6, "fill=\"#555555\"", &item.date);
            body += &text(
                w - MARGIN,
                y,
                3.6,
                "text-anchor=\"end\"",
                &(c + i + 1).to_string(),
            );
        }
        let marks = if p == 0 {
            vec![l.t("atlas_contents").to_string()]
        } else {
            Vec::new()
        };
        pages.push(page(body, p + 1, marks));
    }
    for (i, item) in items.iter().enumerate() {
        let head = heading(item, texts);
        let mut body = text(
            MARGIN,
            17.0,
            6.0,
            "font-weight=\"bold\" fill=\"#7a1c00\"",
            &fit(&head, 6.0, w - 2.0 * MARGIN),
        );
        body += &text(
            MARGIN,
            24.0,
            3.6,
            "fill=\"#555555\"",
            &format!("{} · {}", item.date, item.scene),
        );
        let (aw, ah) = (w - 2.0 * MARGIN, AREA_BOTTOM - AREA_TOP);
        match &item.item {
            Item::Overview(s) => {
                let b = fit_box(s.width_mm, s.height_mm, MARGIN, AREA_TOP, aw, ah);
                match texts.get(&s.svg) {
                    Some(t) => image(&mut body, &t.svg, b),
                    None => missing(&mut body, &text, b, l.t("atlas_no_sheet")),
                }
            }
            Item::Zone { thermal, ortho } => {
                let half = (aw - GAP) / 2.0;
                // Both halves share the height of the taller sheet, captions under them.
                let caption_h = 8.0;
                let sheet_h = [thermal, ortho]
                    .iter()
                    .filter_map(|s| s.as_ref())
                    .map(|s| fit_box(s.width_mm, s.height_mm, 0.0, 0.0, half, ah - caption_h).3)
                    .fold(0.0, f64::max);
                let top = AREA_TOP + (ah - sheet_h - caption_h) / 2.0;
                let halves = [
                    (thermal, MARGIN, "atlas_thermal", "atlas_no_thermal"),
                    (ortho, MARGIN + half + GAP, "atlas_ortho", "atlas_no_ortho"),
                ];
                for (sheet, x, caption, none) in halves {
                    let b = match sheet {
                        Some(s) => fit_box(s.width_mm, s.height_mm, x, top, half, sheet_h),
                        None => (x, top, half, sheet_h),
                    };
                    match sheet.as_ref().and_then(|s| texts.get(&s.svg)) {
                        Some(t) => {
                            image(&mut body, &t.svg, b);
                            let y = b.1 + b.3 + 5.0;
                            body += &text(b.0, y, 3.6, "fill=\"#555555\"", l.t(caption));
                        }
                        None => missing(&mut body, &text, b, l.t(none)),
                    }
                }
            }
        }
        let mark = format!("{} · {head}", item.date);
        pages.push(page(body, c + i + 1, vec![mark]));
    }
    pages
}

/// A dashed box with a note where a sheet would be.
fn missing(
    body: &mut String,
    text: &dyn Fn(f64, f64, f64, &str, &str) -> String,
    (x, y, w, h): (f64, f64, f64, f64),
    note: &str,
) {
    let _ = write!(
        body,
        "<rect x=\"{x:.2}\" y=\"{y:.2}\" width=\"{w:.2}\" height=\"{h:.2}\" fill=\"#f4f4f4\" stroke=\"#999999\" stroke-width=\"0.3\" stroke-dasharray=\"2,1.5\"/>"
    );
    *body += &text(
        x + w / 2.0,
        y + h / 2.0,
        4.0,
        "text-anchor=\"middle\" fill=\"#555555\"",
        note,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::model::SceneData;

    fn run() -> RunData {
        let sheet = |svg: &str, kind: &str| serde_json::json!({"svg": svg, "kind": kind, "title": format!("T {svg} \u{2014} {kind}")});
        let index = serde_json::json!({
            "page_mm": [297.0, 210.0],
            "sheets": [
                sheet("known_A_thermal.svg", "thermal"),
                sheet("known_A_ortho.svg", "ortho"),
                sheet("zone_007_thermal.svg", "thermal"),
                sheet("overview.svg", "overview"),
            ],
        });
        RunData {
            survey: "s".into(),
            summary: serde_json::json!({"scenes": [{"scene_id": "d1"}]}),
            scenes: vec![SceneData {
                id: "d1".into(),
                dir: "d1".into(),
                detection: serde_json::json!({"scene": {"acquisition_date": "2020-01-02"}}),
                fire_zones: Vec::new(),
                known_zones: Vec::new(),
                sheets: Some(index),
                manifest: None,
            }],
        }
    }

    #[test]
    fn one_page_per_overview_and_zone_pair() {
        let items = atlas_items(&run());
        assert_eq!(items.len(), 3);
        assert!(matches!(&items[0].item, Item::Overview(s) if s.svg == "d1/maps/overview.svg"));
        match &items[1].item {
            Item::Zone { thermal, ortho } => {
                assert_eq!(thermal.as_ref().unwrap().svg, "d1/maps/known_A_thermal.svg");
                assert_eq!(ortho.as_ref().unwrap().svg, "d1/maps/known_A_ortho.svg");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            &items[2].item,
            Item::Zone {
                thermal: Some(_),
                ortho: None
            }
        ));
        assert_eq!(items[2].date, "2020-01-02");
    }

    #[test]
    fn pages_place_the_pair_side_by_side() {
        let items = atlas_items(&run());
        let sheet = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 297 210\"/>";
        let texts: BTreeMap<String, SheetText> = items
            .iter()
            .flat_map(|i| i.sheets())
            .map(|s| {
                (
                    s.svg.clone(),
                    SheetText {
                        title: s.title.clone(),
                        svg: sheet.into(),
                    },
                )
            })
            .collect();
        let pages = atlas_pages(&items, &texts, Lang::En, "s", "DejaVu Sans");
        assert_eq!(pages.len(), 1 + 3);
        assert!(
            pages[0].svg.contains("T known_A_thermal.svg<"),
            "pair title without kind"
        );
        assert!(pages[0].svg.contains("Page 1 / 4"));
        // The pair: two images of equal size in the two halves, aspect kept.
        let pair = &pages[2].svg;
        let boxes: Vec<(f64, f64, f64, f64)> = pair
            .split("<image ")
            .skip(1)
            .map(|s| {
                let num = |k: &str| {
                    let v = s.split(&format!("{k}=\"")).nth(1).unwrap();
                    v[..v.find('"').unwrap()].parse::<f64>().unwrap()
                };
                (num("x"), num("y"), num("width"), num("height"))
            })
            .collect();
        assert_eq!(boxes.len(), 2);
        let (a, b) = (boxes[0], boxes[1]);
        assert!(a.0 + a.2 <= b.0, "side by side: {a:?} {b:?}");
        assert!((a.1 - b.1).abs() < 1e-9 && (a.2 - b.2).abs() < 1e-9);
        assert!((a.2 / a.3 - 297.0 / 210.0).abs() < 1e-2, "aspect {a:?}");
        assert!(a.0 >= MARGIN - 1e-9 && b.0 + b.2 <= PAGE_W - MARGIN + 1e-9);
        assert!(pair.contains("Page 3 / 4"));
        // The zone without an orthophoto sheet: one image and the note.
        assert_eq!(pages[3].svg.matches("<image ").count(), 1);
        assert!(pages[3].svg.contains(Lang::En.t("atlas_no_ortho")));
    }

    #[test]
    fn contents_pages_count() {
        assert_eq!(contents_pages(0), 1);
        assert_eq!(contents_pages(CONTENTS_LINES), 1);
        assert_eq!(contents_pages(CONTENTS_LINES + 1), 2);
    }
}

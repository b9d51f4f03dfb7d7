//! SVG text of a map sheet (pure): page in millimetres (`viewBox` = page size), text as
//! `<text>` in DejaVu Sans, the map raster embedded as a base64 PNG `<image>`.

use std::fmt::Write as _;

use super::encode::base64;
use super::i18n::{Lang, quantity_heading, t, tf};
use super::layout::{
    FONT_SMALL, FONT_SUBTITLE, FONT_TEXT, FONT_TITLE, LabelAnchor, MapView, PageLayout, RectMm,
    coord_step, decimals_for, format_coord, legend_ticks, place_labels, scale_bar, text_width,
    tick_positions,
};
use super::select::Extent;
pub use crate::render::Palette;

/// Font family of every text; the PNG renderer embeds this font.
pub const FONT_FAMILY: &str = "DejaVu Sans";

/// Stops of the legend's colour bar: every 8th palette entry and the last (33 stops), the
/// same table `thermal_map.tif` was coloured with.
pub fn palette_stops(palette: Palette) -> Vec<(f64, String)> {
    (0..=256u16)
        .step_by(8)
        .map(|i| {
            let i = u8::try_from(i.min(255)).unwrap_or(u8::MAX);
            (f64::from(i) / 255.0, palette.hex(i))
        })
        .collect()
}

/// The thermal map's colour range, as `thermal_map.json` gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct ThermalLegend {
    pub min_k: f64,
    pub max_k: f64,
    pub palette: Palette,
    /// What the colours show (`brightness temperature`, …).
    pub quantity: String,
}

/// Hundredths of a value, rounded (legend labels are exact to 0.01).
fn hundredths(v: f64) -> i64 {
    (v * 100.0).round() as i64
}

/// `±int.frac` of a count of hundredths with `decimals` (1 or 2) decimals, `−` for negatives.
fn format_hundredths(h: i64, decimals: usize) -> String {
    let sign = if h < 0 { "\u{2212}" } else { "" };
    let a = h.unsigned_abs();
    if decimals == 1 {
        format!("{sign}{}.{}", a / 100, (a % 100) / 10)
    } else {
        format!("{sign}{}.{:02}", a / 100, a % 100)
    }
}

/// Text of a kelvin legend label: the value to 0.01 K, one decimal when that is exact
/// (`285.3 K`, `270.25 K`).
pub fn kelvin_label(k: f64) -> String {
    let h = hundredths(k);
    let decimals = if h % 10 == 0 { 1 } else { 2 };
    format!("{} K", format_hundredths(h, decimals))
}

/// Text of a Celsius legend label for a kelvin value: `K − 273.15` computed in exact
/// hundredths, two decimals (`285.3 K` → `12.15 °C`).
pub fn celsius_label(k: f64) -> String {
    format!("{} \u{b0}C", format_hundredths(hundredths(k) - 27_315, 2))
}

/// What the map frame shows under the vectors.
#[derive(Debug, Clone, PartialEq)]
pub enum Background {
    Thermal(ThermalLegend),
    /// An orthophoto, with a line saying what its bands are.
    Ortho {
        description: String,
    },
}

/// A raster embedded under the vectors: PNG bytes and the map extent its pixels cover.
#[derive(Debug, Clone, PartialEq)]
pub struct MapImage {
    pub png: Vec<u8>,
    pub extent: Extent,
}

/// A polygon outline: rings of map coordinates (exterior and holes alike).
pub type Rings = Vec<Vec<(f64, f64)>>;

/// A fire zone drawn on the sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct ZoneShape {
    pub id: u32,
    pub rings: Rings,
    pub extent: Extent,
}

/// A known zone drawn on the sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct KnownShape {
    pub label: String,
    pub rings: Rings,
    pub extent: Extent,
}

/// A hotspot: map position and confidence class (1 low, 2 nominal, 3 high).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hotspot {
    pub x: f64,
    pub y: f64,
    pub confidence: u8,
}

/// Everything a sheet shows; [`sheet_svg`] turns it into SVG text.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetContent {
    pub layout: PageLayout,
    pub view: MapView,
    pub title: String,
    pub subtitle: String,
    pub background: Background,
    pub image: Option<MapImage>,
    pub zones: Vec<ZoneShape>,
    pub known: Vec<KnownShape>,
    pub hotspots: Vec<Hotspot>,
    /// Overview: zones marked at their centre (no hotspots), sheet extents outlined.
    pub overview: bool,
    pub sheet_frames: Vec<Extent>,
    /// Pixel size of the detection grid, CRS units (sizes the hotspot symbols).
    pub pixel_size: f64,
    /// Metres per CRS unit along x at the map centre (1 for projected metres).
    pub metres_per_unit: f64,
    /// Clockwise angle (degrees) from the top of the page to true north; `None` without a CRS.
    pub north_deg: Option<f64>,
    /// Lines of notes at the bottom of the panel (zones on the sheet, scale, CRS).
    pub notes: Vec<String>,
    /// Left: data credit; right: the map's maker.
    pub credit: String,
    pub maker: String,
    /// Language of the fixed labels (legend, scale, north arrow).
    pub lang: Lang,
}

/// Colours of the overlays.
const ZONE_STROKE: &str = "#ffffff";
const KNOWN_STROKE: &str = "#7cfc00";
const HALO: &str = "#000000";
const NODATA_FILL: &str = "#d0d0d0";
const FRAME_STROKE: &str = "#00e5ff";
/// Hotspot fill for confidence 1, 2, 3.
const HOTSPOT_FILL: [&str; 3] = ["#b388ff", "#2979ff", "#00e5ff"];
/// Label keys of the hotspot confidence classes 1, 2, 3.
const HOTSPOT_NAME: [&str; 3] = ["conf_low", "conf_nominal", "conf_high"];

/// CJK families named after DejaVu Sans in Chinese sheets (the first one the renderer has
/// draws the characters DejaVu Sans lacks).
const CJK_FAMILIES: &str = "Noto Sans CJK SC, Source Han Sans SC, WenQuanYi Micro Hei, WenQuanYi Zen Hei, Droid Sans Fallback, AR PL UMing CN";

/// Millimetres with at most two decimals.
fn n(v: f64) -> String {
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.into() }
}

/// XML-escaped text.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && c != '\t' && c != '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// One legend row's label at `row_y`, then the next row.
fn legend_label(svg: &mut Svg, text_x: f64, row_y: &mut f64, row: f64, label: &str) {
    // Baseline of FONT_TEXT text centred on the row.
    svg.text(
        text_x,
        *row_y + 0.36 * FONT_TEXT,
        FONT_TEXT,
        "start",
        "",
        label,
    );
    *row_y += row;
}

struct Svg {
    s: String,
}

impl Svg {
    fn raw(&mut self, text: &str) {
        self.s.push_str(text);
        self.s.push('\n');
    }

    /// A text element; `extra` holds further attributes.
    fn text(&mut self, x: f64, y: f64, size: f64, anchor: &str, extra: &str, content: &str) {
        let _ = writeln!(
            self.s,
            r##"<text x="{}" y="{}" font-size="{}" text-anchor="{anchor}"{extra}>{}</text>"##,
            n(x),
            n(y),
            n(size),
            esc(content)
        );
    }
}

/// Path data of rings in page millimetres, dropping points closer than 0.1 mm to the last
/// kept one.
fn path_data(view: &MapView, rings: &Rings) -> String {
    let mut d = String::new();
    for ring in rings {
        let mut last: Option<(f64, f64)> = None;
        let mut count = 0;
        for (i, &(x, y)) in ring.iter().enumerate() {
            let p = view.to_page(x, y);
            let is_last = i + 1 == ring.len();
            if let Some(l) = last
                && (p.0 - l.0).hypot(p.1 - l.1) < 0.1
                && !is_last
            {
                continue;
            }
            let _ = write!(
                d,
                "{}{},{} ",
                if count == 0 { "M" } else { "L" },
                n(p.0),
                n(p.1)
            );
            last = Some(p);
            count += 1;
        }
        if count > 0 {
            d.push_str("Z ");
        }
    }
    d.trim_end().to_string()
}

/// Whether a shape's extent meets the view.
fn visible(view: &MapView, e: &Extent) -> bool {
    view.extent.intersects(e)
}

/// SVG text of a sheet.
pub fn sheet_svg(c: &SheetContent) -> String {
    let l = &c.layout;
    let mut svg = Svg {
        s: String::with_capacity(64 * 1024),
    };
    let family = match c.lang {
        Lang::En => format!("{FONT_FAMILY}, Verdana, sans-serif"),
        _ => format!("{FONT_FAMILY}, {CJK_FAMILIES}, sans-serif"),
    };
    let _ = writeln!(
        svg.s,
        r##"<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" version="1.1" width="{w}mm" height="{h}mm" viewBox="0 0 {w} {h}" font-family="{family}" fill="#000000">
<title>{title}</title>"##,
        w = n(l.width_mm),
        h = n(l.height_mm),
        title = esc(&c.title)
    );
    defs(&mut svg, c);
    svg.raw(&format!(
        r##"<rect x="0" y="0" width="{}" height="{}" fill="#ffffff"/>"##,
        n(l.width_mm),
        n(l.height_mm)
    ));
    // Title block.
    svg.text(
        l.title.x,
        l.title.y + FONT_TITLE,
        FONT_TITLE,
        "start",
        r##" id="title""##,
        &c.title,
    );
    svg.text(
        l.title.x,
        l.title.y + FONT_TITLE + 1.5 + FONT_SUBTITLE + 1.0,
        FONT_SUBTITLE,
        "start",
        r##" id="subtitle" fill="#333333""##,
        &c.subtitle,
    );
    map_frame(&mut svg, c);
    ticks(&mut svg, c);
    panel(&mut svg, c);
    // Credit line.
    let fy = l.footer.bottom() - 1.0;
    svg.text(
        l.footer.x,
        fy,
        FONT_SMALL,
        "start",
        r##" id="credit" fill="#333333""##,
        &c.credit,
    );
    svg.text(
        l.footer.right(),
        fy,
        FONT_SMALL,
        "end",
        r##" id="maker" fill="#333333""##,
        &c.maker,
    );
    svg.raw("</svg>");
    svg.s
}

fn defs(svg: &mut Svg, c: &SheetContent) {
    let f = c.view.frame;
    svg.raw("<defs>");
    svg.raw(&format!(
        r##"<clipPath id="frame-clip"><rect x="{}" y="{}" width="{}" height="{}"/></clipPath>"##,
        n(f.x),
        n(f.y),
        n(f.w),
        n(f.h)
    ));
    if let Background::Thermal(t) = &c.background {
        svg.raw(r##"<linearGradient id="palette" x1="0" y1="1" x2="0" y2="0">"##);
        for (offset, colour) in palette_stops(t.palette) {
            svg.raw(&format!(
                r##"<stop offset="{offset:.4}" stop-color="{colour}"/>"##
            ));
        }
        svg.raw("</linearGradient>");
    }
    svg.raw("</defs>");
}

fn hotspot_radius(c: &SheetContent, confidence: u8) -> f64 {
    let px_mm = c.pixel_size / c.view.units_per_mm;
    let base = (0.4 * px_mm).clamp(0.35, 0.9);
    base * [0.7, 0.85, 1.0][usize::from(confidence.clamp(1, 3) - 1)]
}

fn map_frame(svg: &mut Svg, c: &SheetContent) {
    let v = &c.view;
    let f = v.frame;
    svg.raw(r##"<g id="map" clip-path="url(#frame-clip)">"##);
    svg.raw(&format!(
        r##"<rect x="{}" y="{}" width="{}" height="{}" fill="{NODATA_FILL}"/>"##,
        n(f.x),
        n(f.y),
        n(f.w),
        n(f.h)
    ));
    if let Some(img) = &c.image {
        let r = v.rect_of(&img.extent);
        let _ = writeln!(
            svg.s,
            r##"<image id="raster" x="{}" y="{}" width="{}" height="{}" preserveAspectRatio="none" image-rendering="optimizeSpeed" style="image-rendering:pixelated" xlink:href="data:image/png;base64,{}"/>"##,
            n(r.x),
            n(r.y),
            n(r.w),
            n(r.h),
            base64(&img.png)
        );
    }
    for e in &c.sheet_frames {
        if !visible(v, e) {
            continue;
        }
        let r = v.rect_of(e);
        svg.raw(&format!(
            r##"<rect x="{}" y="{}" width="{}" height="{}" fill="none" stroke="{FRAME_STROKE}" stroke-width="0.3" stroke-dasharray="1.2,0.8"/>"##,
            n(r.x),
            n(r.y),
            n(r.w),
            n(r.h)
        ));
    }
    for k in c.known.iter().filter(|k| visible(v, &k.extent)) {
        let d = path_data(v, &k.rings);
        svg.raw(&format!(
            r##"<path d="{d}" fill="none" fill-rule="evenodd" stroke="{HALO}" stroke-width="0.9" stroke-linejoin="round"/>"##
        ));
        svg.raw(&format!(
            r##"<path class="known-zone" d="{d}" fill="none" fill-rule="evenodd" stroke="{KNOWN_STROKE}" stroke-width="0.5" stroke-dasharray="1.6,0.9" stroke-linejoin="round"/>"##
        ));
    }
    for z in c.zones.iter().filter(|z| visible(v, &z.extent)) {
        let d = path_data(v, &z.rings);
        svg.raw(&format!(
            r##"<path d="{d}" fill="none" fill-rule="evenodd" stroke="{HALO}" stroke-width="0.75" stroke-linejoin="round"/>"##
        ));
        svg.raw(&format!(
            r##"<path class="fire-zone" d="{d}" fill="none" fill-rule="evenodd" stroke="{ZONE_STROKE}" stroke-width="0.35" stroke-linejoin="round"/>"##
        ));
    }
    if c.overview {
        for z in c.zones.iter().filter(|z| visible(v, &z.extent)) {
            let (x, y) = v.to_page(z.extent.centre().0, z.extent.centre().1);
            svg.raw(&format!(
                r##"<circle cx="{}" cy="{}" r="1.3" fill="none" stroke="{HALO}" stroke-width="0.7"/><circle class="zone-marker" cx="{}" cy="{}" r="1.3" fill="none" stroke="{ZONE_STROKE}" stroke-width="0.35"/>"##,
                n(x),
                n(y),
                n(x),
                n(y)
            ));
        }
    } else {
        // Low confidence first so that high confidence stays on top.
        let mut hs: Vec<&Hotspot> = c
            .hotspots
            .iter()
            .filter(|h| v.extent.contains(h.x, h.y))
            .collect();
        hs.sort_by_key(|h| h.confidence);
        for h in hs {
            let (x, y) = v.to_page(h.x, h.y);
            let k = usize::from(h.confidence.clamp(1, 3) - 1);
            svg.raw(&format!(
                r##"<circle class="hotspot-{}" cx="{}" cy="{}" r="{}" fill="{}" stroke="{HALO}" stroke-width="0.15"/>"##,
                HOTSPOT_NAME[k].trim_start_matches("conf_"),
                n(x),
                n(y),
                n(hotspot_radius(c, h.confidence)),
                HOTSPOT_FILL[k]
            ));
        }
    }
    labels(svg, c);
    svg.raw("</g>");
    svg.raw(&format!(
        r##"<rect x="{}" y="{}" width="{}" height="{}" fill="none" stroke="#000000" stroke-width="0.3"/>"##,
        n(f.x),
        n(f.y),
        n(f.w),
        n(f.h)
    ));
}

/// Zone and known-zone labels with a dark halo, placed to avoid each other (on the overview
/// also the zone markers), with a leader line when moved away.
fn labels(svg: &mut Svg, c: &SheetContent) {
    let v = &c.view;
    let size = if c.overview { FONT_SMALL } else { FONT_TEXT };
    let h = size * 1.15;
    let mut items: Vec<(String, &str, LabelAnchor)> = Vec::new();
    let mut obstacles: Vec<RectMm> = Vec::new();
    for k in c.known.iter().filter(|k| visible(v, &k.extent)) {
        items.push((
            k.label.clone(),
            KNOWN_STROKE,
            LabelAnchor::Box(v.rect_of(&k.extent)),
        ));
    }
    for z in c.zones.iter().filter(|z| visible(v, &z.extent)) {
        let anchor = if c.overview {
            let (cx, cy) = z.extent.centre();
            let (x, y) = v.to_page(cx, cy);
            obstacles.push(RectMm {
                x: x - 1.3,
                y: y - 1.3,
                w: 2.6,
                h: 2.6,
            });
            LabelAnchor::Point(x + 0.6, y)
        } else {
            LabelAnchor::Box(v.rect_of(&z.extent))
        };
        items.push((z.id.to_string(), ZONE_STROKE, anchor));
    }
    let boxes: Vec<(LabelAnchor, f64, f64)> = items
        .iter()
        .map(|(t, _, a)| (*a, text_width(t, size), h))
        .collect();
    let placed = place_labels(&boxes, &v.frame, &obstacles);
    for ((text, colour, _), p) in items.iter().zip(placed) {
        if let Some(((x0, y0), (x1, y1))) = p.leader {
            svg.raw(&format!(
                r##"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{HALO}" stroke-width="0.5"/><line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{colour}" stroke-width="0.2"/>"##,
                n(x0),
                n(y0),
                n(x1),
                n(y1),
                n(x0),
                n(y0),
                n(x1),
                n(y1)
            ));
        }
        svg.text(
            p.x,
            p.y + 0.82 * h,
            size,
            "start",
            &format!(
                r##" class="map-label" fill="{colour}" stroke="{HALO}" stroke-width="{}" stroke-linejoin="round" paint-order="stroke""##,
                n(size * 0.22)
            ),
            text,
        );
    }
}

fn ticks(svg: &mut Svg, c: &SheetContent) {
    let v = &c.view;
    let f = v.frame;
    let e = v.extent;
    let step_x = coord_step(e.width(), f.w, 38.0);
    let step_y = coord_step(e.height(), f.h, 30.0);
    let step = step_x.max(step_y);
    let dec = decimals_for(step);
    let t = 1.5;
    svg.raw(r##"<g id="ticks" stroke="#000000" stroke-width="0.25">"##);
    let xs = tick_positions(e.xmin, e.xmax, step);
    let ys = tick_positions(e.ymin, e.ymax, step);
    for &x in &xs {
        let (px, _) = v.to_page(x, e.ymin);
        svg.raw(&format!(
            r##"<line x1="{p}" y1="{}" x2="{p}" y2="{}"/><line x1="{p}" y1="{}" x2="{p}" y2="{}"/>"##,
            n(f.y - t),
            n(f.y),
            n(f.bottom()),
            n(f.bottom() + t),
            p = n(px)
        ));
    }
    for &y in &ys {
        let (_, py) = v.to_page(e.xmin, y);
        svg.raw(&format!(
            r##"<line x1="{}" y1="{p}" x2="{}" y2="{p}"/><line x1="{}" y1="{p}" x2="{}" y2="{p}"/>"##,
            n(f.x - t),
            n(f.x),
            n(f.right()),
            n(f.right() + t),
            p = n(py)
        ));
    }
    svg.raw("</g>");
    for &x in &xs {
        let (px, _) = v.to_page(x, e.ymin);
        let label = format_coord(x, dec);
        let half = text_width(&label, FONT_SMALL) / 2.0;
        if px - half < f.x - 4.0 || px + half > f.right() + 2.0 {
            continue;
        }
        svg.text(
            px,
            f.bottom() + t + FONT_SMALL + 0.3,
            FONT_SMALL,
            "middle",
            r##" class="tick-x""##,
            &label,
        );
    }
    for &y in &ys {
        let (_, py) = v.to_page(e.xmin, y);
        let label = format_coord(y, dec);
        let half = text_width(&label, FONT_SMALL) / 2.0;
        if py - half < f.y - 2.0 || py + half > f.bottom() + 4.0 {
            continue;
        }
        let x = f.x - t - 0.8;
        let _ = writeln!(
            svg.s,
            r##"<text class="tick-y" transform="translate({} {}) rotate(-90)" x="0" y="0" font-size="{}" text-anchor="middle">{}</text>"##,
            n(x),
            n(py),
            n(FONT_SMALL),
            esc(&label)
        );
    }
}

/// Legend, symbols, north arrow, scale bar and notes, top to bottom in the panel.
fn panel(svg: &mut Svg, c: &SheetContent) {
    let p = c.layout.panel;
    let x = p.x + 1.0;
    let row = 3.9;
    let mut y = p.y;
    // Heights of the fixed blocks below the colour bar, to size the bar.
    let n_symbol_rows = 1 + if c.overview { 2 } else { 4 } + usize::from(!c.known.is_empty());
    let symbols_h = 4.5 + n_symbol_rows as f64 * row;
    let arrow_h = 19.0;
    let notes_h = c.notes.len() as f64 * (FONT_SMALL + 1.1) + 2.0;
    svg.raw(r##"<g id="legend">"##);
    match &c.background {
        Background::Thermal(t) => {
            let heading = quantity_heading(c.lang, &t.quantity);
            svg.text(x, y + FONT_TEXT, FONT_TEXT, "start", "", &heading);
            y += FONT_TEXT + 2.8;
            let fixed = (y - p.y) + 2.0 + 3.0 + symbols_h + arrow_h + notes_h;
            let bar_h = (p.h - fixed).clamp(22.0, 70.0);
            colour_bar(svg, t, x, y + 1.5, bar_h);
            y += 1.5 + bar_h + 3.0;
        }
        Background::Ortho { description } => {
            svg.text(
                x,
                y + FONT_TEXT,
                FONT_TEXT,
                "start",
                "",
                t(c.lang, "legend_ortho"),
            );
            y += FONT_TEXT + 1.2;
            svg.text(
                x,
                y + FONT_SMALL,
                FONT_SMALL,
                "start",
                r##" fill="#333333""##,
                description,
            );
            y += FONT_SMALL + 2.5;
        }
    }
    // Symbols.
    let sym_x = x + 2.5;
    let text_x = x + 7.0;
    let mut row_y = y + row / 2.0;
    svg.raw(&format!(
        r##"<rect x="{}" y="{}" width="5" height="2.6" fill="{NODATA_FILL}" stroke="#000000" stroke-width="0.15"/>"##,
        n(x),
        n(row_y - 1.3)
    ));
    legend_label(svg, text_x, &mut row_y, row, t(c.lang, "legend_nodata"));
    if c.overview {
        svg.raw(&format!(
            r##"<circle cx="{}" cy="{}" r="1.3" fill="none" stroke="{HALO}" stroke-width="0.7"/><circle cx="{}" cy="{}" r="1.3" fill="none" stroke="{ZONE_STROKE}" stroke-width="0.35"/>"##,
            n(sym_x),
            n(row_y),
            n(sym_x),
            n(row_y)
        ));
        legend_label(svg, text_x, &mut row_y, row, t(c.lang, "legend_zone"));
        svg.raw(&format!(
            r##"<rect x="{}" y="{}" width="5" height="2.6" fill="none" stroke="{FRAME_STROKE}" stroke-width="0.3" stroke-dasharray="1.2,0.8"/>"##,
            n(x),
            n(row_y - 1.3)
        ));
        legend_label(svg, text_x, &mut row_y, row, t(c.lang, "legend_frame"));
    } else {
        for conf in [3u8, 2, 1] {
            let k = usize::from(conf - 1);
            svg.raw(&format!(
                r##"<circle cx="{}" cy="{}" r="{}" fill="{}" stroke="{HALO}" stroke-width="0.15"/>"##,
                n(sym_x),
                n(row_y),
                n(0.9 * [0.7, 0.85, 1.0][k]),
                HOTSPOT_FILL[k]
            ));
            legend_label(
                svg,
                text_x,
                &mut row_y,
                row,
                &tf(
                    c.lang,
                    "legend_hotspot",
                    &[("conf", t(c.lang, HOTSPOT_NAME[k]).to_string())],
                ),
            );
        }
        svg.raw(&format!(
            r##"<rect x="{}" y="{}" width="5" height="2.6" fill="#555555" stroke="{HALO}" stroke-width="0.75"/><rect x="{}" y="{}" width="5" height="2.6" fill="none" stroke="{ZONE_STROKE}" stroke-width="0.35"/>"##,
            n(x),
            n(row_y - 1.3),
            n(x),
            n(row_y - 1.3)
        ));
        legend_label(svg, text_x, &mut row_y, row, t(c.lang, "legend_zone"));
    }
    if !c.known.is_empty() {
        svg.raw(&format!(
            r##"<rect x="{}" y="{}" width="5" height="2.6" fill="#555555" stroke="{HALO}" stroke-width="0.9"/><rect x="{}" y="{}" width="5" height="2.6" fill="none" stroke="{KNOWN_STROKE}" stroke-width="0.5" stroke-dasharray="1.6,0.9"/>"##,
            n(x),
            n(row_y - 1.3),
            n(x),
            n(row_y - 1.3)
        ));
        legend_label(svg, text_x, &mut row_y, row, t(c.lang, "legend_known"));
    }
    y = row_y - row / 2.0 + 3.0;
    // North arrow (left) and scale bar (right).
    north_arrow(svg, c.north_deg, x + 4.5, y + 10.0, c.lang);
    let bar_x = x + 13.0;
    let max_mm = p.right() - bar_x - 7.0;
    let bar = scale_bar(c.view.units_per_mm * c.metres_per_unit, max_mm);
    let bar_y = y + 9.5;
    svg.raw(r##"<g id="scale-bar">"##);
    let seg = bar.length_mm / bar.segments as f64;
    for i in 0..bar.segments {
        let fill = if i % 2 == 0 { "#000000" } else { "#ffffff" };
        svg.raw(&format!(
            r##"<rect x="{}" y="{}" width="{}" height="1.6" fill="{fill}" stroke="#000000" stroke-width="0.2"/>"##,
            n(bar_x + i as f64 * seg),
            n(bar_y),
            n(seg)
        ));
    }
    for (pos, text) in &bar.labels {
        svg.text(
            bar_x + pos,
            bar_y - 1.2,
            FONT_SMALL,
            "middle",
            r##" class="scale-label""##,
            text,
        );
    }
    svg.text(
        bar_x,
        bar_y + 1.6 + FONT_SMALL + 0.8,
        FONT_SMALL,
        "start",
        r##" fill="#333333""##,
        &tf(
            c.lang,
            "scale",
            &[(
                "d",
                format_coord(round_scale(c.view.scale_denominator(c.metres_per_unit)), 0),
            )],
        ),
    );
    svg.raw("</g>");
    y += arrow_h;
    // Notes, as many as fit.
    for line in &c.notes {
        if y + FONT_SMALL > p.bottom() {
            break;
        }
        svg.text(
            x,
            y + FONT_SMALL,
            FONT_SMALL,
            "start",
            r##" class="note""##,
            line,
        );
        y += FONT_SMALL + 1.1;
    }
    svg.raw("</g>");
}

/// A scale denominator rounded to two significant digits (12 345 → 12 000).
pub fn round_scale(d: f64) -> f64 {
    if !(d.is_finite() && d > 0.0) {
        return 0.0;
    }
    let p = 10f64.powf(d.log10().floor() - 1.0).max(1.0);
    (d / p).round() * p
}

/// Vertical colour bar, `min_k` at the bottom: kelvin labels on the left, Celsius on the
/// right, the two ends labelled with the exact range.
fn colour_bar(svg: &mut Svg, t: &ThermalLegend, x: f64, top: f64, height: f64) {
    let bar_x = x + 19.0;
    let bar_w = 5.0;
    let range = t.max_k - t.min_k;
    let ypos = |k: f64| top + height * (1.0 - (k - t.min_k) / range);
    svg.raw(&format!(
        r##"<rect id="colour-bar" x="{}" y="{}" width="{}" height="{}" fill="url(#palette)" stroke="#000000" stroke-width="0.2"/>"##,
        n(bar_x),
        n(top),
        n(bar_w),
        n(height)
    ));
    let dy = 0.36 * FONT_TEXT;
    let tick = |svg: &mut Svg, y: f64| {
        svg.raw(&format!(
            r##"<line x1="{}" y1="{y}" x2="{}" y2="{y}" stroke="#000000" stroke-width="0.2"/><line x1="{}" y1="{y}" x2="{}" y2="{y}" stroke="#000000" stroke-width="0.2"/>"##,
            n(bar_x - 0.9),
            n(bar_x),
            n(bar_x + bar_w),
            n(bar_x + bar_w + 0.9),
            y = n(y)
        ));
    };
    // Ends.
    for (k, which) in [(t.min_k, "min"), (t.max_k, "max")] {
        let y = ypos(k);
        tick(svg, y);
        svg.text(
            bar_x - 1.3,
            y + dy,
            FONT_TEXT,
            "end",
            &format!(r##" id="legend-{which}-k""##),
            &kelvin_label(k),
        );
        svg.text(
            bar_x + bar_w + 1.3,
            y + dy,
            FONT_TEXT,
            "start",
            &format!(r##" id="legend-{which}-c""##),
            &celsius_label(k),
        );
    }
    // Interior nice values, each scale its own.
    for k in legend_ticks(t.min_k, t.max_k) {
        let y = ypos(k);
        svg.raw(&format!(
            r##"<line x1="{}" y1="{y}" x2="{}" y2="{y}" stroke="#000000" stroke-width="0.2"/>"##,
            n(bar_x - 0.9),
            n(bar_x),
            y = n(y)
        ));
        svg.text(
            bar_x - 1.3,
            y + dy,
            FONT_SMALL,
            "end",
            r##" class="legend-k" fill="#333333""##,
            &format!("{} K", super::layout::trim_number(k)),
        );
    }
    for c in legend_ticks(t.min_k - 273.15, t.max_k - 273.15) {
        let y = ypos(c + 273.15);
        svg.raw(&format!(
            r##"<line x1="{}" y1="{y}" x2="{}" y2="{y}" stroke="#000000" stroke-width="0.2"/>"##,
            n(bar_x + bar_w),
            n(bar_x + bar_w + 0.9),
            y = n(y)
        ));
        svg.text(
            bar_x + bar_w + 1.3,
            y + dy,
            FONT_SMALL,
            "start",
            r##" class="legend-c" fill="#333333""##,
            &format!("{} \u{b0}C", super::layout::trim_number(c)).replace('-', "\u{2212}"),
        );
    }
}

/// North arrow centred at `(cx, cy)`, rotated clockwise by `deg` (true north); without a CRS
/// a note instead.
fn north_arrow(svg: &mut Svg, deg: Option<f64>, cx: f64, cy: f64, lang: Lang) {
    let Some(deg) = deg else {
        svg.text(
            cx - 4.0,
            cy,
            FONT_SMALL,
            "start",
            "",
            t(lang, "north_unknown"),
        );
        return;
    };
    svg.raw(&format!(
        r##"<g id="north-arrow" transform="translate({} {}) rotate({})"><path d="M0,-6 L2.3,3.2 L0,1.6 Z" fill="#ffffff" stroke="#000000" stroke-width="0.25" stroke-linejoin="round"/><path d="M0,-6 L-2.3,3.2 L0,1.6 Z" fill="#000000" stroke="#000000" stroke-width="0.25" stroke-linejoin="round"/><text x="0" y="-7" font-size="{}" text-anchor="middle">{}</text></g>"##,
        n(cx),
        n(cy),
        n(deg),
        n(FONT_SUBTITLE),
        esc(t(lang, "north"))
    ));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sheets::layout::page_layout;

    #[test]
    fn palette_stops_span_the_table() {
        let stops = palette_stops(Palette::Inferno);
        assert_eq!(stops.len(), 33);
        assert_eq!(stops[0], (0.0, Palette::Inferno.hex(0)));
        assert_eq!(stops[32], (1.0, Palette::Inferno.hex(255)));
        assert!((stops[16].0 - 128.0 / 255.0).abs() < 1e-12);
    }

    #[test]
    fn legend_labels() {
        assert_eq!(kelvin_label(285.3), "285.3 K");
        assert_eq!(kelvin_label(290.0), "290.0 K");
        assert_eq!(kelvin_label(270.25), "270.25 K");
        assert_eq!(celsius_label(285.3), "12.15 \u{b0}C");
        assert_eq!(celsius_label(321.7), "48.55 \u{b0}C");
        assert_eq!(celsius_label(263.15), "\u{2212}10.00 \u{b0}C");
        assert_eq!(celsius_label(273.0), "\u{2212}0.15 \u{b0}C");
        assert_eq!(celsius_label(273.15), "0.00 \u{b0}C");
        assert_eq!(round_scale(12_345.0), 12_000.0);
        assert_eq!(round_scale(987.0), 990.0);
        assert_eq!(esc("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }

    #[test]
    fn path_drops_tiny_steps_and_closes() {
        let layout = page_layout(297.0, 210.0);
        let view = MapView::fit(Extent::new(0.0, 0.0, 1000.0, 1000.0), layout.map, 0.0);
        let d = path_data(
            &view,
            &vec![vec![
                (0.0, 0.0),
                (0.01, 0.0),
                (500.0, 0.0),
                (500.0, 500.0),
                (0.0, 0.0),
            ]],
        );
        assert_eq!(d.matches('L').count(), 3, "{d}");
        assert!(d.starts_with('M') && d.ends_with('Z'));
    }
}

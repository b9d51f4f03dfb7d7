//! Page layout of the PDFs as SVG text (pure): the report flowed onto A4 portrait pages
//! (headings, wrapped paragraphs, tables that shrink their type to fit and repeat their header
//! on a new page, map sheets as nested vector images); the atlas's pages are in
//! [`super::atlas`]. Text widths are estimated (0.6 em per Latin character, 1 em per CJK
//! character, slightly wide for DejaVu Sans), so lines never overflow.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde_json::Value;

use super::html::{CITATIONS, esc, known_zones_on, limitations};
use super::i18n::{Lang, fill};
use super::model::{Report, Seen, Sheets};
use super::pdf::Page;
use super::tables::{self, Table};

const W: f64 = 210.0;
const H: f64 = 297.0;
const M: f64 = 15.0;
const BOTTOM: f64 = 280.0;
const BODY: f64 = 3.2;
const LEAD: f64 = 1.35;

/// Bold type is about this much wider than regular (DejaVu Sans Bold).
const BOLD: f64 = 1.1;

fn is_wide(c: char) -> bool {
    matches!(c, '\u{2e80}'..='\u{9fff}' | '\u{f900}'..='\u{faff}' | '\u{ff00}'..='\u{ffef}')
}

/// Advance of `c` in em, rounded up from DejaVu Sans's metrics (digits 0.636, lower case
/// 0.55–0.63, upper case 0.63–0.78, `m`/`w` 0.97/0.82) so estimates are never short.
fn advance(c: char) -> f64 {
    match c {
        _ if is_wide(c) => 1.0,
        'i' | 'l' | 'j' | 'I' | '!' | '.' | ',' | ':' | ';' | '\'' | '|' => 0.32,
        ' ' => 0.33,
        'f' | 't' | 'r' | '(' | ')' | '[' | ']' | '-' => 0.45,
        'm' | 'M' | 'W' => 1.0,
        'w' => 0.85,
        c if c.is_ascii_uppercase() => 0.78,
        c if c.is_ascii_digit() => 0.65,
        c if c.is_ascii_lowercase() => 0.63,
        _ => 0.7,
    }
}

/// Estimated width of `s` at font size `size` (mm).
pub fn text_width(s: &str, size: f64) -> f64 {
    s.chars().map(advance).sum::<f64>() * size
}

/// Full-width punctuation that never starts a line (it stays with what precedes it).
fn is_closing(c: char) -> bool {
    matches!(
        c,
        '）' | '，' | '。' | '、' | '：' | '；' | '！' | '？' | '」' | '』' | '》' | '】'
    )
}

/// Full-width punctuation that never ends a line (it stays with what follows it).
fn is_opening(c: char) -> bool {
    matches!(c, '（' | '「' | '『' | '《' | '【')
}

/// Pieces of `word` a line never breaks inside (unless one is wider than the line): each CJK
/// character on its own, runs of other characters whole (numbers, Latin words, `ΔT`), opening
/// punctuation joined to the next piece and closing punctuation to the previous one.
fn units(word: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut run = String::new();
    let mut open = String::new();
    for c in word.chars() {
        if is_closing(c) {
            match out.last_mut() {
                Some(last) if run.is_empty() && open.is_empty() => last.push(c),
                _ => {
                    if run.is_empty() {
                        run = std::mem::take(&mut open);
                    }
                    run.push(c);
                }
            }
        } else if is_opening(c) {
            if !run.is_empty() {
                out.push(std::mem::take(&mut run));
            }
            open.push(c);
        } else if is_wide(c) {
            if !run.is_empty() {
                out.push(std::mem::take(&mut run));
            }
            out.push(std::mem::take(&mut open) + &c.to_string());
        } else {
            if run.is_empty() {
                run = std::mem::take(&mut open);
            }
            run.push(c);
        }
    }
    run.push_str(&open);
    if !run.is_empty() {
        out.push(run);
    }
    out
}

/// Greedy line breaking at spaces, and in text without spaces (CJK) between characters but
/// not inside numbers or Latin words; a piece too long for a line breaks between any two
/// characters.
pub fn wrap(s: &str, size: f64, width: f64) -> Vec<String> {
    let fits = |t: &str| text_width(t, size) <= width + 1e-6;
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in s.split(' ') {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if fits(&candidate) {
            line = candidate;
            continue;
        }
        // CJK text continues the line; anything else starts a new one.
        let mut sep = if line.is_empty() { "" } else { " " };
        if !word.chars().any(is_wide) && !line.is_empty() {
            lines.push(std::mem::take(&mut line));
            sep = "";
        }
        for u in units(word) {
            let cand = format!("{line}{sep}{u}");
            sep = "";
            if fits(&cand) {
                line = cand;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            for c in u.chars() {
                line.push(c);
                if !fits(&line) && line.chars().count() > 1 {
                    let last = line.pop().unwrap_or(' ');
                    lines.push(std::mem::take(&mut line));
                    line.push(last);
                }
            }
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Width below which a header's word cannot be wrapped: its widest Latin run, and of a CJK run
/// at most four characters (longer CJK headers wrap between characters).
fn header_min_width(h: &str, size: f64) -> f64 {
    let mut widest: f64 = 0.0;
    for word in h.split(' ') {
        let mut cjk = 0.0;
        for u in units(word) {
            if u.chars().any(is_wide) {
                cjk += text_width(&u, size);
                widest = widest.max(cjk.min(4.0 * size));
            } else {
                cjk = 0.0;
                widest = widest.max(text_width(&u, size));
            }
        }
    }
    widest
}

/// The report flowed onto pages.
struct Flow<'a> {
    pages: Vec<String>,
    cur: String,
    /// Bookmarks per finished page, and of the current page.
    marks: Vec<Vec<String>>,
    cur_marks: Vec<String>,
    y: f64,
    family: &'a str,
}

impl<'a> Flow<'a> {
    fn new(family: &'a str) -> Self {
        Self {
            pages: Vec::new(),
            cur: String::new(),
            marks: Vec::new(),
            cur_marks: Vec::new(),
            y: M,
            family,
        }
    }

    fn new_page(&mut self) {
        let done = std::mem::take(&mut self.cur);
        self.pages.push(done);
        let marks = std::mem::take(&mut self.cur_marks);
        self.marks.push(marks);
        self.y = M;
    }

    fn room(&mut self, h: f64) {
        if self.y + h > BOTTOM && self.y > M + 0.1 {
            self.new_page();
        }
    }

    fn text(&mut self, x: f64, y: f64, size: f64, s: &str, extra: &str) {
        let _ = write!(
            self.cur,
            "<text x=\"{x:.2}\" y=\"{y:.2}\" font-size=\"{size:.2}\" font-family=\"{}\" {extra}>{}</text>",
            esc(self.family),
            esc(s)
        );
    }

    fn heading(&mut self, s: &str, size: f64, colour: &str) {
        self.room(size * 3.5);
        if size >= 5.0 {
            self.cur_marks.push(s.to_string());
        }
        self.y += size * 0.9;
        self.y += size;
        let y = self.y;
        self.text(
            M,
            y,
            size,
            s,
            &format!("fill=\"{colour}\" font-weight=\"bold\""),
        );
        if size >= 5.0 {
            let _ = write!(
                self.cur,
                "<line x1=\"{M}\" y1=\"{:.2}\" x2=\"{:.2}\" y2=\"{:.2}\" stroke=\"#b8410b\" stroke-width=\"0.5\"/>",
                y + 1.5,
                W - M,
                y + 1.5
            );
            self.y += 2.0;
        }
        self.y += size * 0.5;
    }

    fn para(&mut self, s: &str, size: f64) {
        for line in wrap(s, size, W - 2.0 * M) {
            self.room(size * LEAD);
            self.y += size * LEAD;
            let y = self.y;
            self.text(M, y, size, &line, "fill=\"#1a1a1a\"");
        }
        self.y += size * 0.5;
    }

    fn table(&mut self, t: &Table) {
        let avail = W - 2.0 * M;
        let pad = 1.0;
        // Cells never wrap and header words never break if the type can shrink enough (down
        // to 1.6 mm): every column is as wide as its widest cell and its widest header word
        // (bold: 10 % wider), headers wrapping between words. Below 1.6 mm the cells keep their
        // width and the headers share what is left.
        let cell_widths = |size: f64| -> Vec<f64> {
            (0..t.headers.len())
                .map(|c| {
                    t.rows
                        .iter()
                        .map(|r| text_width(r.get(c).map_or("", String::as_str), size))
                        .fold(size, f64::max)
                        + 2.0 * pad
                })
                .collect()
        };
        let head_widths = |size: f64| -> Vec<f64> {
            t.headers
                .iter()
                .map(|h| BOLD * header_min_width(h, size) + 2.0 * pad)
                .collect()
        };
        let both = |size: f64| -> Vec<f64> {
            cell_widths(size)
                .iter()
                .zip(head_widths(size))
                .map(|(c, h)| c.max(h))
                .collect()
        };
        let pads = 2.0 * pad * t.headers.len() as f64;
        let mut size: f64 = 2.4;
        let sum: f64 = both(size).iter().sum();
        if sum > avail {
            // Widths are linear in the size: scale the text part to fit.
            size = (size * (avail - pads).max(1.0) / (sum - pads).max(1.0)).clamp(1.6, 2.4);
        }
        let mut widths = both(size);
        if widths.iter().sum::<f64>() > avail + 1e-6 {
            widths = cell_widths(size);
            let heads = head_widths(size);
            let spare = avail - widths.iter().sum::<f64>();
            if spare >= 0.0 {
                let need: Vec<f64> = heads
                    .iter()
                    .zip(&widths)
                    .map(|(h, w)| (h - w).max(0.0))
                    .collect();
                let total_need: f64 = need.iter().sum();
                let share = if total_need > spare {
                    spare / total_need
                } else {
                    1.0
                };
                for (w, n) in widths.iter_mut().zip(&need) {
                    *w += n * share;
                }
            } else {
                let total: f64 = widths.iter().sum();
                widths.iter_mut().for_each(|w| *w *= avail / total);
            }
        }
        let line_h = size * 1.25;
        let cells = |row: &[String], wide: f64| -> Vec<Vec<String>> {
            row.iter()
                .zip(&widths)
                .map(|(c, w)| wrap(c, size * wide, w - 2.0 * pad))
                .collect()
        };
        let header = cells(&t.headers, BOLD);
        let head_h = header.iter().map(Vec::len).max().unwrap_or(1) as f64 * line_h + 1.2;
        let draw_row = |f: &mut Flow,
                        lines: &[Vec<String>],
                        h: f64,
                        fill: Option<&str>,
                        bold: bool| {
            let mut x = M;
            let y0 = f.y;
            for (c, w) in lines.iter().zip(&widths) {
                let _ = write!(
                    f.cur,
                    "<rect x=\"{x:.2}\" y=\"{y0:.2}\" width=\"{w:.2}\" height=\"{h:.2}\" fill=\"{}\" stroke=\"#bbbbbb\" stroke-width=\"0.2\"/>",
                    fill.unwrap_or("none")
                );
                for (i, line) in c.iter().enumerate() {
                    let numeric = !line.is_empty() && line.parse::<f64>().is_ok();
                    let (tx, anchor) = if numeric && !bold {
                        (x + w - pad, "text-anchor=\"end\"")
                    } else {
                        (x + pad, "")
                    };
                    let weight = if bold { "font-weight=\"bold\"" } else { "" };
                    f.text(
                        tx,
                        y0 + 0.6 + size * 0.95 + i as f64 * line_h,
                        size,
                        line,
                        &format!("{anchor} {weight}"),
                    );
                }
                x += w;
            }
            f.y += h;
        };
        self.room(head_h + line_h * 2.0);
        draw_row(self, &header, head_h, Some("#f3e3d6"), true);
        for (i, row) in t.rows.iter().enumerate() {
            let lines = cells(row, 1.0);
            let h = lines.iter().map(Vec::len).max().unwrap_or(1) as f64 * line_h + 1.2;
            if self.y + h > BOTTOM {
                self.new_page();
                draw_row(self, &header, head_h, Some("#f3e3d6"), true);
            }
            let fill = if i % 2 == 1 { Some("#faf7f4") } else { None };
            draw_row(self, &lines, h, fill, false);
        }
        self.y += 3.0;
    }

    /// A map sheet (A4 landscape SVG) `width` mm wide.
    fn sheet(&mut self, data_uri: Option<&String>, caption: &str, width: f64) {
        let h = width * 210.0 / 297.0;
        self.room(h + 6.0);
        let x = (W - width) / 2.0;
        let y = self.y + 1.0;
        match data_uri {
            Some(uri) => {
                let _ = write!(
                    self.cur,
                    "<image x=\"{x:.2}\" y=\"{y:.2}\" width=\"{width:.2}\" height=\"{h:.2}\" href=\"{uri}\"/><rect x=\"{x:.2}\" y=\"{y:.2}\" width=\"{width:.2}\" height=\"{h:.2}\" fill=\"none\" stroke=\"#999999\" stroke-width=\"0.3\"/>"
                );
                self.y = y + h + 1.0;
            }
            None => self.y = y,
        }
        self.y += 2.6;
        let yy = self.y;
        self.text(x, yy, 2.4, caption, "fill=\"#555555\"");
        self.y += 2.0;
    }

    fn finish(mut self, footer: &str, page_word: &str) -> Vec<Page> {
        if !self.cur.is_empty() {
            self.new_page();
        }
        let n = self.pages.len();
        let family = esc(self.family);
        let marks = self.marks;
        self.pages
            .into_iter()
            .zip(marks)
            .enumerate()
            .map(|(i, (body, bookmarks))| {
                let svg = format!(
                    "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" width=\"{W}mm\" height=\"{H}mm\" viewBox=\"0 0 {W} {H}\">{body}<text x=\"{M}\" y=\"{fy}\" font-size=\"2.4\" font-family=\"{family}\" fill=\"#666666\">{}</text><text x=\"{rx}\" y=\"{fy}\" font-size=\"2.4\" font-family=\"{family}\" fill=\"#666666\" text-anchor=\"end\">{}</text></svg>",
                    esc(footer),
                    esc(&fill(page_word, &[("n", (i + 1).to_string()), ("total", n.to_string())])),
                    fy = H - 9.0,
                    rx = W - M,
                );
                Page {
                    svg,
                    width_mm: W as f32,
                    height_mm: H as f32,
                    bookmarks,
                }
            })
            .collect()
    }
}

/// Every sheet SVG the report shows (relative to the run root).
pub fn sheet_svgs(r: &Report) -> Vec<String> {
    let mut v = Vec::new();
    if let Some((p, _)) = &r.overview {
        v.push(p.trim_end_matches(".png").to_string() + ".svg");
    }
    for sh in r
        .known
        .iter()
        .map(|k| &k.sheets)
        .chain(r.sites.iter().map(|s| &s.sheets))
    {
        v.extend(sh.thermal_svg.iter().cloned());
        v.extend(sh.ortho_svg.iter().cloned());
    }
    v
}

fn sheets(f: &mut Flow, l: Lang, sh: &Sheets, svgs: &BTreeMap<String, String>) {
    let colon = l.colon();
    for (path, key) in [
        (&sh.thermal_svg, "thermal_sheet"),
        (&sh.ortho_svg, "ortho_sheet"),
    ] {
        match path {
            Some(p) => f.sheet(svgs.get(p), &format!("{} — {p}", l.t(key)), 128.0),
            None => f.para(&format!("{}{colon}{}", l.t(key), l.t("no_sheet")), 2.6),
        }
    }
}

/// The report's pages. `svgs` maps each path of [`sheet_svgs`] to its `data:` URI.
pub fn report_pages(
    r: &Report,
    l: Lang,
    svgs: &BTreeMap<String, String>,
    root_name: &str,
    family: &str,
) -> Vec<Page> {
    let colon = l.colon();
    let mut f = Flow::new(family);
    let red = "#7a1c00";
    f.y += 10.0;
    let y = f.y;
    f.text(
        M,
        y,
        8.0,
        l.t("title"),
        &format!("fill=\"{red}\" font-weight=\"bold\""),
    );
    f.y += 8.0;
    let dates: Vec<&str> = r.scenes.iter().map(|s| s.date.as_str()).collect();
    let sub = format!(
        "{} · {} · {}",
        l.t("subtitle"),
        r.survey,
        match (dates.first(), dates.last()) {
            (Some(a), Some(b)) if a != b => format!("{a} – {b}"),
            (Some(a), _) => a.to_string(),
            _ => String::new(),
        }
    );
    f.para(&sub, 4.0);

    f.heading(l.t("summary"), 5.0, red);
    let mut sensors: Vec<String> = r.scenes.iter().map(|s| s.sensor.clone()).collect();
    sensors.dedup();
    let facts = Table {
        name: "facts",
        headers: vec![l.t("survey").into(), r.survey.clone()],
        rows: vec![
            vec![l.t("scenes").into(), r.scenes.len().to_string()],
            vec![l.t("dates").into(), dates.join(", ")],
            vec![l.t("sensors").into(), sensors.join(", ")],
            vec![
                l.t("area_km2").into(),
                format!(
                    "{:.2}",
                    r.scenes.iter().map(|s| s.area_km2).fold(0.0, f64::max)
                ),
            ],
            vec![l.t("known").into(), r.known.len().to_string()],
            vec![l.t("new").into(), r.sites.len().to_string()],
        ],
    };
    f.table(&facts);
    f.table(&tables::scenes(r, l));

    f.heading(l.t("known"), 5.0, red);
    let latest_burning = r
        .known
        .iter()
        .filter(|k| {
            matches!(
                k.seen
                    .iter()
                    .rev()
                    .find(|s| !matches!(s, Seen::NotObserved)),
                Some(Seen::Detected(_))
            )
        })
        .count();
    let ever = r
        .known
        .iter()
        .filter(|k| k.seen.iter().any(|s| matches!(s, Seen::Detected(_))))
        .count();
    f.para(
        &fill(
            l.t("known_intro"),
            &[
                ("checked", r.known.len().to_string()),
                ("burning", latest_burning.to_string()),
                ("ever", ever.to_string()),
            ],
        ),
        BODY,
    );
    f.para(l.t("legend_hist"), 2.6);
    f.table(&tables::known(r, l));

    f.heading(l.t("new"), 5.0, red);
    let per_scene: Vec<String> = r
        .scenes
        .iter()
        .map(|s| {
            fill(
                l.t("new_per_scene"),
                &[
                    ("date", s.date.clone()),
                    ("n", s.zones_new.map_or("–".into(), |n| n.to_string())),
                ],
            )
        })
        .collect();
    f.para(
        &fill(
            l.t("new_intro"),
            &[
                ("sites", r.sites.len().to_string()),
                ("per_scene", per_scene.join("; ")),
            ],
        ),
        BODY,
    );
    f.table(&tables::sites(r, l));
    if let Some((p, i)) = &r.overview {
        let svg = p.trim_end_matches(".png").to_string() + ".svg";
        let s = &r.scenes[*i];
        f.sheet(
            svgs.get(&svg),
            &fill(
                l.t("overview_caption"),
                &[("scene", s.id.clone()), ("date", s.date.clone())],
            ),
            W - 2.0 * M,
        );
    }

    f.heading(l.t("history"), 5.0, red);
    let h = tables::history(r, l);
    f.table(&h);

    f.heading(l.t("methods"), 5.0, red);
    let method = r.config["thermal"].as_str().unwrap_or("contextual");
    f.para(&format!("{}{colon}{method}", l.t("method")), BODY);
    f.para(
        &format!("{}{colon}{}", l.t("rule"), tables::risk_rule(r, l)),
        2.8,
    );
    f.table(&tables::parameters(r, l));
    f.heading(l.t("citations"), 4.0, "#1a1a1a");
    for (i, c) in CITATIONS.iter().enumerate() {
        f.para(&format!("[{}] {c}", i + 1), 2.6);
    }

    f.heading(l.t("provenance"), 5.0, red);
    // The 64-digit hashes get their own lines so the table keeps readable columns.
    let mut prov = tables::provenance(r, l);
    let hash_header = prov.headers.pop().unwrap_or_default();
    let hashes: Vec<(String, String)> = prov
        .rows
        .iter_mut()
        .map(|row| (row[0].clone(), row.pop().unwrap_or_default()))
        .collect();
    f.table(&prov);
    for (scene, hash) in hashes {
        f.para(&format!("{hash_header} ({scene}){colon}{hash}"), 2.4);
    }
    if let Some(inv) = &r.inventory {
        f.para(&format!("{}{colon}{inv}", l.t("inventory")), 2.6);
    }
    for a in &r.assets {
        f.para(&format!("{}{colon}{a}", l.t("assets")), 2.6);
    }

    f.heading(l.t("limitations"), 5.0, red);
    for p in limitations(r, l) {
        f.para(&format!("• {p}"), BODY);
    }
    f.para(
        &fill(
            l.t("generated_by"),
            &[
                ("version", r.version.clone()),
                ("root", root_name.to_string()),
            ],
        ),
        2.6,
    );

    // Zone pages: one (or more) per known zone and new site.
    for k in &r.known {
        f.new_page();
        f.heading(
            &fill(
                l.t("zone_detail"),
                &[("id", k.id.clone()), ("name", k.name.clone())],
            ),
            5.0,
            red,
        );
        f.para(
            &format!("{}{colon}{}", l.t("course"), l.t(k.history().key())),
            BODY,
        );
        let per = known_zones_on(r, k);
        f.table(&tables::observations(r, l, &k.seen, &|i| per[i].clone()));
        if let Some(z) = tables::max_risk(&k.zones) {
            f.para(
                &format!("{}{colon}{}", l.t("risk"), tables::risk_breakdown(z, l)),
                2.8,
            );
            f.para(&tables::distances(&k.zones, l), 2.8);
        }
        sheets(&mut f, l, &k.sheets, svgs);
    }
    for s in &r.sites {
        f.new_page();
        f.heading(&fill(l.t("site_detail"), &[("id", s.id.clone())]), 5.0, red);
        f.para(
            &format!("{}{colon}{}", l.t("course"), l.t(s.history().key())),
            BODY,
        );
        let per: Vec<Vec<Value>> = s
            .seen
            .iter()
            .map(|x| match x {
                Seen::Detected(v) => vec![v.clone()],
                _ => Vec::new(),
            })
            .collect();
        f.table(&tables::observations(r, l, &s.seen, &|i| per[i].clone()));
        if let Some(z) = s.latest() {
            f.para(
                &format!("{}{colon}{}", l.t("risk"), tables::risk_breakdown(z, l)),
                2.8,
            );
            f.para(&tables::distances(std::slice::from_ref(z), l), 2.8);
        }
        sheets(&mut f, l, &s.sheets, svgs);
    }
    let footer = format!("{} — {}", l.t("title"), r.survey);
    f.finish(&footer, l.t("page"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_keeps_lines_within_width() {
        let s = "The contextual test compares each pixel with its background window";
        let lines = wrap(s, 3.0, 40.0);
        assert!(lines.len() > 1);
        assert_eq!(lines.join(" "), s);
        assert!(lines.iter().all(|l| text_width(l, 3.0) <= 40.0));
        // Chinese breaks between characters.
        let zh = "已核查的已知区最近日期仍在燃烧至少一个日期燃烧";
        let lines = wrap(zh, 3.0, 30.0);
        assert_eq!(lines.concat(), zh);
        assert!(lines.iter().all(|l| text_width(l, 3.0) <= 30.0));
        // Numbers inside Chinese text stay whole.
        let mixed = "面积：≥ 5000.0/20000.0/100000.0 平方米分别得 1/2/3 分，邻近度：最近的道路";
        let lines = wrap(mixed, 3.0, 60.0);
        assert!(lines.len() > 1, "{lines:?}");
        assert!(
            lines.iter().all(|l| text_width(l, 3.0) <= 60.0),
            "{lines:?}"
        );
        assert!(
            lines.iter().any(|l| l.contains("5000.0/20000.0/100000.0")),
            "{lines:?}"
        );
        assert_eq!(lines.concat().replace(' ', ""), mixed.replace(' ', ""));
    }

    #[test]
    fn chinese_table_headers_keep_dates_and_short_words_whole() {
        let headers: Vec<String> = [
            "编号",
            "2020-09-07",
            "2020-09-15",
            "距建筑物（米）",
            "最大温差 ΔT（K）",
        ]
        .iter()
        .map(|s| s.to_string())
        .chain((0..10).map(|i| format!("异常面积{i}")))
        .collect();
        let rows = vec![
            (0..headers.len())
                .map(|i| format!("{i}"))
                .collect::<Vec<_>>(),
        ];
        let t = Table {
            name: "t",
            headers,
            rows,
        };
        let mut f = Flow::new("DejaVu Sans");
        f.table(&t);
        let bold: Vec<&str> = f
            .cur
            .split("<text ")
            .filter(|s| s.contains("font-weight=\"bold\""))
            .filter_map(|s| s.split_once('>').map(|(_, r)| r))
            .filter_map(|s| s.split_once("</text>").map(|(l, _)| l))
            .collect();
        for whole in ["编号", "2020-09-07", "2020-09-15", "ΔT"] {
            assert!(bold.iter().any(|l| l.contains(whole)), "{whole}: {bold:?}");
        }
        assert!(bold.iter().all(|l| !l.starts_with('）')), "{bold:?}");
        assert_eq!(units("ΔT（K）"), ["ΔT", "（K）"]);
        assert_eq!(units("面积（平方米）"), ["面", "积", "（平", "方", "米）"]);
        assert_eq!(units("（）"), ["（）"]);
    }

    #[test]
    fn table_headers_wrap_between_words_only() {
        // Fourteen narrow numeric columns with long header words (the scene table's shape).
        let headers: Vec<String> = (0..14)
            .map(|i| format!("Anomalous area{i} (m²) Buildings"))
            .collect();
        let rows = vec![(0..14).map(|i| format!("{}", 100 + i)).collect::<Vec<_>>()];
        let t = Table {
            name: "t",
            headers: headers.clone(),
            rows,
        };
        let mut f = Flow::new("DejaVu Sans");
        f.table(&t);
        let bold: Vec<&str> = f
            .cur
            .split("<text ")
            .filter(|s| s.contains("font-weight=\"bold\""))
            .filter_map(|s| s.split_once('>').map(|(_, r)| r))
            .filter_map(|s| s.split_once("</text>").map(|(l, _)| l))
            .collect();
        let words: std::collections::BTreeSet<&str> =
            headers.iter().flat_map(|h| h.split(' ')).collect();
        assert!(!bold.is_empty());
        for line in &bold {
            for w in line.split(' ') {
                assert!(words.contains(w), "broken header word {w:?} in {line:?}");
            }
        }
        // Every column still fits the page width.
        let right: f64 = f
            .cur
            .split("<rect x=\"")
            .skip(1)
            .map(|r| {
                let x: f64 = r[..r.find('"').unwrap()].parse().unwrap();
                let w = r.split("width=\"").nth(1).unwrap();
                x + w[..w.find('"').unwrap()].parse::<f64>().unwrap()
            })
            .fold(0.0, f64::max);
        assert!(right <= W - M + 1e-6, "{right}");
    }
}

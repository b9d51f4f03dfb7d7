//! `report.html`: one self-contained page (CSS inline, images as `data:` URIs), printable on A4.
//! Pure: the images come in as a map from their path (relative to the run root) to a data URI;
//! each `<img>` keeps that path in `data-src` so tests and readers can trace it.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::i18n::{Lang, fill};
use super::model::{Report, Seen};
use super::tables::{self, Table};

/// Escapes text for HTML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

const CSS: &str = r#"
@page { size: A4; margin: 16mm 14mm 18mm 14mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Noto Sans", "Noto Sans CJK SC", "WenQuanYi Micro Hei", "Microsoft YaHei", sans-serif;
  font-size: 10pt; line-height: 1.4; color: #1a1a1a; max-width: 200mm; margin: 0 auto; padding: 8mm 6mm; }
h1 { font-size: 20pt; margin: 0 0 2mm; color: #7a1c00; }
h2 { font-size: 14pt; border-bottom: 2px solid #b8410b; padding-bottom: 1mm; margin-top: 9mm; color: #7a1c00; }
h3 { font-size: 11.5pt; margin: 6mm 0 2mm; }
.subtitle { font-size: 12pt; color: #555; margin-bottom: 5mm; }
table { border-collapse: collapse; width: 100%; margin: 2mm 0 4mm; font-size: 7.5pt; }
th, td { border: 1px solid #bbb; padding: 1px 3px; text-align: left; vertical-align: top; }
td.k { white-space: nowrap; }
th { font-size: 7pt; }
th { background: #f3e3d6; }
td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr:nth-child(even) td { background: #faf7f4; }
/* The scene table has 16 columns: smaller type so that it stays within the page. */
table.t-scenes { font-size: 6.6pt; }
table.t-scenes th { font-size: 6.2pt; }
.facts td:first-child { width: 45mm; font-weight: bold; background: #f7f0ea; }
figure { margin: 3mm 0; page-break-inside: avoid; break-inside: avoid; }
figure img { width: 100%; border: 1px solid #999; }
figcaption { font-size: 8pt; color: #555; }
.pair { display: flex; gap: 3mm; }
.pair figure { flex: 1; }
.zone { page-break-before: always; break-before: page; }
.zone:first-of-type { page-break-before: auto; }
.legend { font-size: 8pt; color: #444; }
.rule { font-size: 8.5pt; background: #f7f0ea; padding: 2mm 3mm; border-left: 3px solid #b8410b; }
nav ol { columns: 2; font-size: 9.5pt; }
footer { margin-top: 10mm; font-size: 8pt; color: #666; border-top: 1px solid #ccc; padding-top: 2mm; }
@media print { body { max-width: none; padding: 0; } .pair { display: block; } .pair figure img { width: 88%; } a { color: inherit; text-decoration: none; } h2 { break-after: avoid; } }
"#;

fn table(out: &mut String, t: &Table) {
    let _ = write!(out, "<table class=\"t-{}\"><thead><tr>", t.name);
    for h in &t.headers {
        let _ = write!(out, "<th>{}</th>", esc(h));
    }
    out.push_str("</tr></thead><tbody>");
    for r in &t.rows {
        out.push_str("<tr>");
        for c in r {
            let numeric = !c.is_empty() && c.parse::<f64>().is_ok();
            if numeric {
                let _ = write!(out, "<td class=\"n\">{}</td>", esc(c));
            } else if !c.contains(' ') && c.chars().count() <= 12 {
                let _ = write!(out, "<td class=\"k\">{}</td>", esc(c));
            } else {
                let _ = write!(out, "<td>{}</td>", esc(c));
            }
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>\n");
}

fn img(out: &mut String, images: &BTreeMap<String, String>, path: &str, caption: &str) {
    let src = images.get(path).map_or("", String::as_str);
    let _ = write!(
        out,
        "<figure><img src=\"{}\" data-src=\"{}\" alt=\"{}\"/><figcaption>{}</figcaption></figure>",
        esc(src),
        esc(path),
        esc(caption),
        esc(caption)
    );
}

fn sheets_pair(
    out: &mut String,
    images: &BTreeMap<String, String>,
    l: Lang,
    sh: &super::model::Sheets,
) {
    let colon = l.colon();
    out.push_str("<div class=\"pair\">");
    match &sh.thermal {
        Some(p) => img(out, images, p, l.t("thermal_sheet")),
        None => {
            let _ = write!(
                out,
                "<p class=\"legend\">{}{colon}{}</p>",
                l.t("thermal_sheet"),
                l.t("no_sheet")
            );
        }
    }
    match &sh.ortho {
        Some(p) => img(out, images, p, l.t("ortho_sheet")),
        None => {
            let _ = write!(
                out,
                "<p class=\"legend\">{}{colon}{}</p>",
                l.t("ortho_sheet"),
                l.t("no_sheet")
            );
        }
    }
    out.push_str("</div>\n");
}

/// Every image path the report shows (relative to the run root), in order.
pub fn image_paths(r: &Report) -> Vec<String> {
    let mut v = Vec::new();
    if let Some((p, _)) = &r.overview {
        v.push(p.clone());
    }
    for sh in r
        .known
        .iter()
        .map(|k| &k.sheets)
        .chain(r.sites.iter().map(|s| &s.sheets))
    {
        v.extend(sh.thermal.iter().cloned());
        v.extend(sh.ortho.iter().cloned());
    }
    v
}

/// Zones of a known zone on each scene row: the scene's fire zones linked to it.
pub fn known_zones_on(r: &Report, k: &super::model::KnownRow) -> Vec<Vec<serde_json::Value>> {
    k.seen
        .iter()
        .enumerate()
        .map(|(i, s)| match s {
            Seen::Detected(_) => r.scenes[i]
                .fire_zones
                .iter()
                .filter(|&z| z["known_zone_id"].as_str() == Some(&k.id))
                .cloned()
                .collect(),
            _ => Vec::new(),
        })
        .collect()
}

/// The section ids and heading keys, in order.
pub const SECTIONS: [(&str, &str); 8] = [
    ("summary", "summary"),
    ("known", "known"),
    ("new", "new"),
    ("history", "history"),
    ("zones", "zones"),
    ("methods", "methods"),
    ("provenance", "provenance"),
    ("limitations", "limitations"),
];

/// Limitation paragraphs (shared with the PDF).
pub fn limitations(r: &Report, l: Lang) -> Vec<String> {
    let masked: Vec<f64> = r.scenes.iter().filter_map(|s| s.masked_pct).collect();
    let masked = match (
        masked.iter().cloned().reduce(f64::min),
        masked.iter().cloned().reduce(f64::max),
    ) {
        (Some(a), Some(b)) if (a - b).abs() < 0.05 => format!("{a:.1} %"),
        (Some(a), Some(b)) => format!("{a:.1}–{b:.1} %"),
        _ => "?".into(),
    };
    let max = r.scenes.iter().filter_map(|s| s.max_bt_k).reduce(f64::max);
    let sat = if max.is_some_and(|m| m >= 368.0) {
        "lim_sat_bad"
    } else {
        "lim_sat_ok"
    };
    let unresolved: u64 = r.scenes.iter().map(|s| s.unresolved).sum();
    let method = r.config["thermal"].as_str().unwrap_or("contextual");
    let k = r.config[method]["k"].as_f64().unwrap_or(4.0);
    let dt = r.config[method]["min_delta_k"].as_f64().unwrap_or(1.0);
    let valid = r.scenes.iter().map(|s| s.valid).max().unwrap_or(0);
    let p = super::model::normal_tail(k);
    vec![
        fill(l.t("lim_clouds"), &[("masked", masked)]),
        fill(
            l.t("lim_saturation"),
            &[("max", tables::f1(max)), ("sat", l.t(sat).to_string())],
        ),
        fill(l.t("lim_unresolved"), &[("n", unresolved.to_string())]),
        fill(
            l.t("lim_budget"),
            &[
                ("k", format!("{k}")),
                ("p", format!("{p:.2e}")),
                ("valid", valid.to_string()),
                ("expected", format!("{:.1}", p * valid as f64)),
                ("dt", format!("{dt}")),
            ],
        ),
        l.t("lim_pixel").to_string(),
        l.t("lim_bt").to_string(),
    ]
}

/// The references cited in the methods section.
pub const CITATIONS: [&str; 5] = [
    "Giglio, L., Descloitres, J., Justice, C. O., Kaufman, Y. J. (2003). An enhanced contextual fire detection algorithm for MODIS. Remote Sensing of Environment 87, 273–282.",
    "Schroeder, W., Oliva, P., Giglio, L., Csiszar, I. A. (2014). The New VIIRS 375 m active fire detection data product. Remote Sensing of Environment 143, 85–96.",
    "Schroeder, W., Oliva, P., Giglio, L., Quayle, B., Lorenz, E., Morelli, F. (2016). Active fire detection using Landsat-8/OLI data. Remote Sensing of Environment 185, 210–220.",
    "Kuenzer, C., Zhang, J., Tetzlaff, A., et al. (2007). Uncontrolled coal fires and their environmental impacts: investigating two arid mining regions in north-central China. Applied Geography 27, 42–62; and Kuenzer et al. (2007), IJRS 28, 4561–4585.",
    "Biswal, S. S., Gorai, A. K. (2020). Change detection analysis in coverage area of coal fire from 2009 to 2019 in Jharia Coalfield using remote sensing data. International Journal of Remote Sensing 41, 9545–9564.",
];

/// The whole page.
pub fn render(r: &Report, l: Lang, images: &BTreeMap<String, String>, root_name: &str) -> String {
    let colon = l.colon();
    let mut o = String::new();
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>{} — {}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        l.tag(),
        esc(l.t("title")),
        esc(&r.survey)
    );
    let dates: Vec<&str> = r.scenes.iter().map(|s| s.date.as_str()).collect();
    let _ = writeln!(
        o,
        "<header><h1>{}</h1><div class=\"subtitle\">{} · {} · {}</div></header>",
        esc(l.t("title")),
        esc(l.t("subtitle")),
        esc(&r.survey),
        esc(&match (dates.first(), dates.last()) {
            (Some(a), Some(b)) if a != b => format!("{a} – {b}"),
            (Some(a), _) => a.to_string(),
            _ => String::new(),
        })
    );
    // Contents.
    let _ = write!(o, "<nav><h2>{}</h2><ol>", esc(l.t("contents")));
    for (id, key) in SECTIONS.iter() {
        let _ = write!(o, "<li><a href=\"#{id}\">{}</a></li>", esc(l.t(key)));
    }
    o.push_str("</ol></nav>\n");

    // Summary.
    let _ = write!(
        o,
        "<section id=\"summary\"><h2>{}</h2>",
        esc(l.t("summary"))
    );
    let mut sensors: Vec<String> = r.scenes.iter().map(|s| s.sensor.clone()).collect();
    sensors.dedup();
    let area = r.scenes.iter().map(|s| s.area_km2).fold(0.0, f64::max);
    let dn: Vec<String> = r
        .scenes
        .iter()
        .map(|s| {
            format!(
                "{} {}",
                s.date,
                s.day.map_or("", |d| l.t(if d { "day" } else { "night" }))
            )
        })
        .collect();
    let facts = [
        (l.t("survey"), r.survey.clone()),
        (l.t("scenes"), r.scenes.len().to_string()),
        (l.t("dates"), dn.join(", ")),
        (l.t("sensors"), sensors.join(", ")),
        (l.t("area_km2"), format!("{area:.2}")),
        (l.t("known"), r.known.len().to_string()),
        (l.t("new"), r.sites.len().to_string()),
    ];
    o.push_str("<table class=\"facts\"><tbody>");
    for (k, v) in facts {
        let _ = write!(o, "<tr><td>{}</td><td>{}</td></tr>", esc(k), esc(&v));
    }
    o.push_str("</tbody></table>");
    table(&mut o, &tables::scenes(r, l));
    o.push_str("</section>\n");

    // Known zones.
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
    let _ = write!(
        o,
        "<section id=\"known\"><h2>{}</h2><p>{}</p><p class=\"legend\">{}</p>",
        esc(l.t("known")),
        esc(&fill(
            l.t("known_intro"),
            &[
                ("checked", r.known.len().to_string()),
                ("burning", latest_burning.to_string()),
                ("ever", ever.to_string()),
            ]
        )),
        esc(l.t("legend_hist"))
    );
    table(&mut o, &tables::known(r, l));
    o.push_str("</section>\n");

    // New anomalies.
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
    let _ = write!(
        o,
        "<section id=\"new\"><h2>{}</h2><p>{}</p>",
        esc(l.t("new")),
        esc(&fill(
            l.t("new_intro"),
            &[
                ("sites", r.sites.len().to_string()),
                ("per_scene", per_scene.join("; "))
            ]
        ))
    );
    if let Some((p, i)) = &r.overview {
        let s = &r.scenes[*i];
        let cap = fill(
            l.t("overview_caption"),
            &[("scene", s.id.clone()), ("date", s.date.clone())],
        );
        let _ = write!(o, "<h3>{}</h3>", esc(l.t("overview")));
        img(&mut o, images, p, &cap);
    }
    table(&mut o, &tables::sites(r, l));
    o.push_str("</section>\n");

    // History.
    let _ = write!(
        o,
        "<section id=\"history\"><h2>{}</h2>",
        esc(l.t("history"))
    );
    let h = tables::history(r, l);
    table(&mut o, &h);
    let _ = writeln!(
        o,
        "<p class=\"legend\">{}</p></section>",
        esc(l.t("legend_hist"))
    );

    // Zone sheets.
    let _ = write!(o, "<section id=\"zones\"><h2>{}</h2>", esc(l.t("zones")));
    for k in &r.known {
        let per = known_zones_on(r, k);
        let _ = write!(
            o,
            "<article class=\"zone\" id=\"zone-{}\"><h3>{}</h3>",
            esc(&k.id),
            esc(&fill(
                l.t("zone_detail"),
                &[("id", k.id.clone()), ("name", k.name.clone())]
            ))
        );
        let _ = write!(
            o,
            "<p>{}{colon}{}</p>",
            esc(l.t("course")),
            esc(l.t(k.history().key()))
        );
        table(
            &mut o,
            &tables::observations(r, l, &k.seen, &|i| per[i].clone()),
        );
        if let Some(z) = tables::max_risk(&k.zones) {
            let _ = write!(
                o,
                "<p class=\"rule\">{}{colon}{}</p>",
                esc(l.t("risk")),
                esc(&tables::risk_breakdown(z, l))
            );
            let _ = write!(o, "<p>{}</p>", esc(&tables::distances(&k.zones, l)));
        }
        sheets_pair(&mut o, images, l, &k.sheets);
        o.push_str("</article>\n");
    }
    for s in &r.sites {
        let _ = write!(
            o,
            "<article class=\"zone\" id=\"site-{}\"><h3>{}</h3>",
            esc(&s.id),
            esc(&fill(l.t("site_detail"), &[("id", s.id.clone())]))
        );
        let _ = write!(
            o,
            "<p>{}{colon}{}</p>",
            esc(l.t("course")),
            esc(l.t(s.history().key()))
        );
        let per: Vec<Vec<serde_json::Value>> = s
            .seen
            .iter()
            .map(|x| match x {
                Seen::Detected(v) => vec![v.clone()],
                _ => Vec::new(),
            })
            .collect();
        table(
            &mut o,
            &tables::observations(r, l, &s.seen, &|i| per[i].clone()),
        );
        if let Some(z) = s.latest() {
            let _ = write!(
                o,
                "<p class=\"rule\">{}{colon}{}</p>",
                esc(l.t("risk")),
                esc(&tables::risk_breakdown(z, l))
            );
            let _ = write!(
                o,
                "<p>{}</p>",
                esc(&tables::distances(std::slice::from_ref(z), l))
            );
        }
        sheets_pair(&mut o, images, l, &s.sheets);
        o.push_str("</article>\n");
    }
    o.push_str("</section>\n");

    // Methods.
    let method = r.config["thermal"].as_str().unwrap_or("contextual");
    let _ = write!(
        o,
        "<section id=\"methods\"><h2>{}</h2><p>{}{colon}<b>{}</b></p><p class=\"rule\">{}{colon}{}</p>",
        esc(l.t("methods")),
        esc(l.t("method")),
        esc(method),
        esc(l.t("rule")),
        esc(&tables::risk_rule(r, l))
    );
    table(&mut o, &tables::parameters(r, l));
    let _ = write!(o, "<h3>{}</h3><ol>", esc(l.t("citations")));
    for c in CITATIONS {
        let _ = write!(o, "<li>{}</li>", esc(c));
    }
    o.push_str("</ol></section>\n");

    // Provenance.
    let _ = write!(
        o,
        "<section id=\"provenance\"><h2>{}</h2>",
        esc(l.t("provenance"))
    );
    table(&mut o, &tables::provenance(r, l));
    if let Some(inv) = &r.inventory {
        let _ = write!(
            o,
            "<p>{}{colon}<code>{}</code></p>",
            esc(l.t("inventory")),
            esc(inv)
        );
    }
    if !r.assets.is_empty() {
        let _ = write!(o, "<p>{}{colon}</p><ul>", esc(l.t("assets")));
        for a in &r.assets {
            let _ = write!(o, "<li><code>{}</code></li>", esc(a));
        }
        o.push_str("</ul>");
    }
    o.push_str("</section>\n");

    // Limitations.
    let _ = write!(
        o,
        "<section id=\"limitations\"><h2>{}</h2><ul>",
        esc(l.t("limitations"))
    );
    for p in limitations(r, l) {
        let _ = write!(o, "<li>{}</li>", esc(&p));
    }
    o.push_str("</ul></section>\n");
    let _ = write!(
        o,
        "<footer>{}</footer>\n</body>\n</html>\n",
        esc(&fill(
            l.t("generated_by"),
            &[
                ("version", r.version.clone()),
                ("root", root_name.to_string())
            ]
        ))
    );
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(esc("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;");
    }
}

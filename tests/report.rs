//! The demo season end to end: `seamfire synth --preset season`, `seamfire run` with
//! `[report]` in both languages, then the report, the CSV tables, the PDFs, the atlas and the
//! STAC catalog checked against the run's own outputs and the season's truth.
//!
//! Expected values are not hard-coded: they come from `season_summary.json` (the pipeline's
//! numbers), `season_truth.json` (where the generator planted fires) and `maps/sheets.json`.
//! PDF text is extracted with `pdftotext` and pages counted with `pdfinfo` (poppler-utils,
//! installed by scripts/setup).

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use serde_json::Value;

struct Season {
    _tmp: tempfile::TempDir,
    data: PathBuf,
    out: PathBuf,
}

fn season() -> &'static Season {
    static S: OnceLock<Season> = OnceLock::new();
    S.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("data");
        let out = tmp.path().join("out");
        common::seamfire()
            .args(["synth", "--preset", "season", "--seed", "2020", "--out"])
            .arg(&data)
            .assert()
            .success();
        let pipeline = tmp.path().join("season.toml");
        let d = data.display();
        std::fs::write(
            &pipeline,
            format!(
                r#"name = "test-season"
output = "{out}"
known_fires = "{d}/known_fires.geojson"
roads = "{d}/roads.geojson"
water = "{d}/water.geojson"
buildings = "{d}/buildings.geojson"
products = ["rasters", "vectors", "thermal", "ortho", "sheets"]
[[scene]]
glob = "{d}/scenes/demo-*"
[detect]
thermal = "contextual"
[report]
lang = ["en", "zh-CN"]
"#,
                out = out.display()
            ),
        )
        .unwrap();
        common::seamfire()
            .arg("--quiet")
            .arg("run")
            .arg(&pipeline)
            .assert()
            .success();
        Season {
            _tmp: tmp,
            data,
            out,
        }
    })
}

fn json(p: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())))
        .unwrap()
}

fn csv(p: &Path) -> Vec<Vec<String>> {
    std::fs::read_to_string(p)
        .unwrap()
        .trim_start_matches('\u{feff}')
        .lines()
        .map(split_csv)
        .collect()
}

/// One CSV line with RFC 4180 quoting.
fn split_csv(line: &str) -> Vec<String> {
    let mut cells = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                cells.last_mut().unwrap().push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => cells.push(String::new()),
            (c, _) => cells.last_mut().unwrap().push(c),
        }
    }
    cells
}

fn poppler(tool: &str, args: &[&str], file: &Path) -> String {
    let out = Command::new(tool)
        .args(args)
        .arg(file)
        .args(if tool == "pdftotext" {
            vec!["-"]
        } else {
            vec![]
        })
        .output()
        .unwrap_or_else(|e| panic!("{tool} (poppler-utils, scripts/setup installs it): {e}"));
    assert!(out.status.success(), "{tool} {}", file.display());
    String::from_utf8(out.stdout).unwrap()
}

fn pages(pdf: &Path) -> usize {
    poppler("pdfinfo", &[], pdf)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|v| v.trim().parse().ok())
        .expect("page count")
}

#[test]
fn scene_numbers_equal_the_season_summary() {
    let s = season();
    let summary = json(&s.out.join("season_summary.json"));
    let rows = csv(&s.out.join("report_scenes.csv"));
    let scenes = summary["scenes"].as_array().unwrap();
    assert_eq!(rows.len() - 1, scenes.len());
    let col = |name: &str| {
        rows[0]
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("{name}"))
    };
    for (row, sc) in rows[1..].iter().zip(scenes) {
        assert_eq!(row[col("Scene")], sc["scene_id"].as_str().unwrap());
        for (h, k) in [
            ("Fire zones", "zones"),
            ("Known", "zones_known"),
            ("New", "zones_new"),
            ("Known zones burning", "known_zones_detected"),
            ("First seen", "zones_first_seen"),
            ("Persistent", "zones_persistent"),
            ("Extinguished", "zones_extinguished"),
        ] {
            assert_eq!(row[col(h)], sc[k].as_u64().unwrap().to_string(), "{h}");
        }
        assert_eq!(
            row[col("Area covered (km²)")],
            format!("{:.2}", sc["area_covered_km2"].as_f64().unwrap())
        );
        assert_eq!(
            row[col("Max BT (K)")],
            format!("{:.1}", sc["max_bt_k"].as_f64().unwrap())
        );
    }
    // The same numbers are in the HTML table cells.
    let html = std::fs::read_to_string(s.out.join("report.html")).unwrap();
    for sc in scenes {
        let id = sc["scene_id"].as_str().unwrap();
        assert!(html.contains(&format!(">{id}<")), "{id}");
    }
}

#[test]
fn report_names_every_known_and_new_zone() {
    let s = season();
    let truth = json(&s.data.join("season_truth.json"));
    let html = std::fs::read_to_string(s.out.join("report.html")).unwrap();
    let known = csv(&s.out.join("report_known_zones.csv"));
    let fires = truth["fires"].as_array().unwrap();
    for f in fires.iter().filter(|f| f["known_zone_id"].is_string()) {
        let (id, name) = (
            f["known_zone_id"].as_str().unwrap(),
            f["known_zone_name"].as_str().unwrap(),
        );
        assert!(html.contains(id) && html.contains(name), "{id} {name}");
        assert!(known.iter().any(|r| r[0] == id && r[1] == name), "{id}");
    }
    assert_eq!(known.len() - 1, 20);
    // Every new fire the generator planted on a night pass is a site of the report, within
    // 150 m of it (lon/lat of its core against the site's centroid; 1° lat = 111 km).
    let sites = csv(&s.out.join("report_new_anomalies.csv"));
    let h = &sites[0];
    let (ilon, ilat) = (
        h.iter().position(|c| c == "Longitude").unwrap(),
        h.iter().position(|c| c == "Latitude").unwrap(),
    );
    for f in fires.iter().filter(|f| f["known_zone_id"].is_null()) {
        let (lon, lat) = (f["lon"].as_f64().unwrap(), f["lat"].as_f64().unwrap());
        let near = sites[1..].iter().any(|r| {
            let dx = (r[ilon].parse::<f64>().unwrap() - lon) * 111_320.0 * lat.to_radians().cos();
            let dy = (r[ilat].parse::<f64>().unwrap() - lat) * 110_540.0;
            dx.hypot(dy) < 150.0
        });
        assert!(
            near,
            "new fire {} at {lon} {lat} not in the report",
            f["object_id"]
        );
        let _ = &html;
    }
    for r in &sites[1..] {
        assert!(html.contains(&format!("id=\"site-{}\"", r[0])), "{}", r[0]);
    }
    // Site counts: never fewer than the planted new fires, a few day-pass false alarms at most.
    let planted = fires
        .iter()
        .filter(|f| f["known_zone_id"].is_null())
        .count();
    assert!(
        (planted..=planted + 4).contains(&(sites.len() - 1)),
        "{}",
        sites.len() - 1
    );
}

#[test]
fn html_is_well_formed_and_every_image_exists() {
    let s = season();
    for name in ["report.html", "report.zh-CN.html"] {
        let html = std::fs::read_to_string(s.out.join(name)).unwrap();
        // Well formed as XML (void elements closed, every tag balanced).
        let mut reader = quick_xml::Reader::from_str(&html);
        reader.config_mut().check_end_names = true;
        let mut depth = 0i64;
        loop {
            match reader.read_event() {
                Ok(quick_xml::events::Event::Start(_)) => depth += 1,
                Ok(quick_xml::events::Event::End(_)) => depth -= 1,
                Ok(quick_xml::events::Event::Eof) => break,
                Ok(_) => {}
                Err(e) => panic!(
                    "{name} not well formed at {}: {e}",
                    reader.buffer_position()
                ),
            }
        }
        assert_eq!(depth, 0, "{name}");
        assert!(
            !html.contains("src=\"http") && !html.contains("href=\"http"),
            "{name} is not self-contained"
        );
        // Every image: its file exists and the embedded data is that file (English), or, in
        // Chinese, the same sheet composed again with Chinese labels (an SVG beside the PNG).
        let mut n = 0;
        let mut chinese_sheets = 0;
        for part in html.split("<img ").skip(1) {
            let attr = |a: &str| {
                let start = part.find(&format!("{a}=\"")).unwrap() + a.len() + 2;
                part[start..start + part[start..].find('"').unwrap()].to_string()
            };
            let path = s.out.join(attr("data-src"));
            assert!(path.is_file(), "{}", path.display());
            let src = attr("src");
            if let Some(b64) = src.strip_prefix("data:image/svg+xml;base64,") {
                assert_eq!(name, "report.zh-CN.html", "English embeds the PNG files");
                assert!(path.with_extension("svg").is_file(), "{}", path.display());
                let svg = String::from_utf8(base64_decode(b64)).unwrap();
                assert!(
                    svg.starts_with("<svg") || svg.starts_with("<?xml"),
                    "{name}"
                );
                assert!(
                    ["热红外", "正射影像", "总览图"]
                        .iter()
                        .any(|l| svg.contains(l)),
                    "{}: a Chinese sheet label",
                    path.display()
                );
                chinese_sheets += 1;
            } else {
                let bytes = std::fs::read(&path).unwrap();
                assert_eq!(
                    src,
                    format!(
                        "data:image/png;base64,{}",
                        seamfire::sheets::encode::base64(&bytes)
                    )
                );
            }
            n += 1;
        }
        if name == "report.zh-CN.html" {
            assert_eq!(
                chinese_sheets, n,
                "every sheet of the Chinese report is Chinese"
            );
        }
        // The overview and, per known zone with a sheet, its thermal sheet at least.
        assert!(n > 20, "{name}: {n} images");
    }
}

#[test]
fn pdf_text_has_the_zone_table_in_both_languages() {
    let s = season();
    let truth = json(&s.data.join("season_truth.json"));
    let en = poppler("pdftotext", &["-layout"], &s.out.join("report.pdf"));
    let zh = poppler("pdftotext", &["-layout"], &s.out.join("report.zh-CN.pdf"));
    for f in truth["fires"].as_array().unwrap() {
        if let Some(id) = f["known_zone_id"].as_str() {
            let name = f["known_zone_name"].as_str().unwrap();
            assert!(en.contains(id) && en.contains(name), "en: {id} {name}");
            assert!(zh.contains(id) && zh.contains(name), "zh: {id} {name}");
        }
    }
    for h in [
        "Known burning zones",
        "Risk class",
        "New anomalies",
        "Limitations",
    ] {
        assert!(en.contains(h), "en: {h}");
    }
    for h in ["已知燃烧区", "风险等级", "新异常", "局限性", "持续燃烧"] {
        assert!(zh.contains(h), "zh: {h}");
    }
    assert!(!zh.contains("Known burning zones"));
}

/// The atlas's pages as `docs/report.md` describes them, from every `maps/sheets.json`: per
/// scene (summary order) each overview, then one page per zone (a thermal sheet and its
/// orthophoto twin share the stem before `_thermal`/`_ortho`). Each page's sheet titles.
fn atlas_plan(s: &Season) -> Vec<Vec<String>> {
    let summary = json(&s.out.join("season_summary.json"));
    let mut plan = Vec::new();
    for sc in summary["scenes"].as_array().unwrap() {
        let idx = json(
            &s.out
                .join(sc["scene_id"].as_str().unwrap())
                .join("maps/sheets.json"),
        );
        let sheets = idx["sheets"].as_array().unwrap();
        let title = |x: &Value| x["title"].as_str().unwrap().to_string();
        for o in sheets.iter().filter(|x| x["kind"] == "overview") {
            plan.push(vec![title(o)]);
        }
        let mut stems: Vec<(String, Vec<String>)> = Vec::new();
        for x in sheets.iter().filter(|x| x["kind"] != "overview") {
            let svg = x["svg"].as_str().unwrap();
            let kind = x["kind"].as_str().unwrap();
            let stem = svg.trim_end_matches(&format!("_{kind}.svg")).to_string();
            match stems.iter_mut().find(|(s, _)| *s == stem) {
                Some((_, titles)) => titles.push(title(x)),
                None => stems.push((stem, vec![title(x)])),
            }
        }
        plan.extend(stems.into_iter().map(|(_, t)| t));
    }
    plan
}

/// Lines of a contents page of the atlas (`docs/report.md`).
const CONTENTS_LINES: usize = 44;

#[test]
fn atlas_has_one_page_per_zone_pair_and_overview_and_contents() {
    let s = season();
    let plan = atlas_plan(s);
    let pairs = plan.iter().filter(|p| p.len() == 2).count();
    assert!(pairs > 0, "the day scene has thermal and orthophoto sheets");
    let contents = plan.len().div_ceil(CONTENTS_LINES).max(1);
    for name in ["atlas.pdf", "atlas.zh-CN.pdf"] {
        let atlas = s.out.join(name);
        assert_eq!(pages(&atlas), contents + plan.len(), "{name}");
    }
    let atlas = s.out.join("atlas.pdf");
    let page = |n: usize| {
        let n = n.to_string();
        poppler("pdftotext", &["-f", &n, "-l", &n], &atlas)
    };
    for p in 1..=contents {
        assert!(page(p).contains("Contents of the atlas"), "page {p}");
    }
    // Every page after the contents shows the sheets of its plan entry (vector: their text is
    // text), a pair's two sheets on the same page.
    let total = pages(&atlas);
    for (i, titles) in plan.iter().enumerate() {
        let n = contents + i + 1;
        let text = page(n).replace('\n', " ");
        assert!(!text.contains("Contents of the atlas"), "page {n}");
        for t in titles {
            assert!(text.contains(t.as_str()), "page {n}: {t}\n{text}");
        }
        assert!(text.contains(&format!("Page {n} / {total}")), "page {n}");
    }
    let first = page(1);
    assert!(first.contains("Overview"), "{first}");
    let last = page(total);
    assert!(last.contains("Landsat data courtesy"), "{last}");
}

#[test]
fn chinese_atlas_has_chinese_sheet_labels() {
    let s = season();
    let zh = poppler("pdftotext", &[], &s.out.join("atlas.zh-CN.pdf"));
    let en = poppler("pdftotext", &[], &s.out.join("atlas.pdf"));
    // Fixed labels of the sheets (titles, legend, scale bar, north arrow, notes, credit).
    for (zh_label, en_label) in [
        ("热红外", "thermal infrared"),
        ("正射影像", "orthophoto"),
        ("已知燃烧区", "known burning zone"),
        ("无数据 / 景外", "no data / outside the scene"),
        ("比例尺 1:", "scale 1:"),
        ("坐标网：", "Grid: "),
        ("亮温", "Brightness temperature"),
        ("总览图", "Overview"),
        ("美国地质调查局", "U.S. Geological Survey"),
    ] {
        assert!(zh.contains(zh_label), "zh: {zh_label}");
        assert!(!zh.contains(en_label), "zh still has {en_label}");
        assert!(en.contains(en_label), "en: {en_label}");
    }
    // Zone names and ids stay as they are.
    let known = json(&s.data.join("known_fires.geojson"));
    for f in known["features"].as_array().unwrap() {
        for key in ["id", "name"] {
            if let Some(v) = f["properties"][key].as_str() {
                assert!(zh.contains(v), "zh atlas: {v}");
            }
        }
    }
    // The Chinese report shows the Chinese sheets too.
    let report = poppler("pdftotext", &[], &s.out.join("report.zh-CN.pdf"));
    assert!(report.contains("比例尺 1:") && !report.contains("scale 1:"));
    // The English sheets in maps/ stay English.
    let summary = json(&s.out.join("season_summary.json"));
    let scene = summary["scenes"][0]["scene_id"].as_str().unwrap();
    let svg = std::fs::read_to_string(s.out.join(scene).join("maps/overview.svg")).unwrap();
    assert!(svg.contains("Overview") && !svg.contains("总览图"));
}

struct Local(HashMap<String, Value>);

impl jsonschema::Retrieve for Local {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let key = uri.as_str().trim_end_matches('#');
        self.0
            .get(key)
            .cloned()
            .ok_or_else(|| format!("schema not vendored: {key}").into())
    }
}

fn schemas() -> HashMap<String, Value> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/stac-schemas");
    let mut out = HashMap::new();
    let mut stack = vec![root];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "json") {
                let v = json(&p);
                let id = v["$id"].as_str().unwrap().trim_end_matches('#').to_string();
                out.insert(id, v);
            }
        }
    }
    out
}

fn validate(schemas: &HashMap<String, Value>, schema_id: &str, doc: &Value, what: &str) {
    let errors = errors(schemas, schema_id, doc);
    assert!(errors.is_empty(), "{what} against {schema_id}: {errors:#?}");
}

fn errors(schemas: &HashMap<String, Value>, schema_id: &str, doc: &Value) -> Vec<String> {
    let schema = &schemas[schema_id];
    let v = jsonschema::options()
        .with_retriever(Local(schemas.clone()))
        .should_validate_formats(true)
        .build(schema)
        .unwrap_or_else(|e| panic!("{schema_id}: {e}"));
    v.iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

#[test]
fn stac_catalog_validates() {
    let s = season();
    let sc = schemas();
    let base = "https://schemas.stacspec.org/v1.0.0";
    let catalog = json(&s.out.join("catalog.json"));
    validate(
        &sc,
        &format!("{base}/catalog-spec/json-schema/catalog.json"),
        &catalog,
        "catalog.json",
    );
    let collection = json(&s.out.join("collection.json"));
    validate(
        &sc,
        &format!("{base}/collection-spec/json-schema/collection.json"),
        &collection,
        "collection.json",
    );
    assert!(collection["assets"]["season_zones"]["href"] == "./season.geojson");
    assert!(collection["assets"]["atlas"].is_object());
    assert_eq!(
        collection["assets"]["atlas_zh"]["href"], "./atlas.zh-CN.pdf",
        "{}",
        collection["assets"]
    );
    let items: Vec<&str> = collection["links"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["rel"] == "item")
        .map(|l| l["href"].as_str().unwrap())
        .collect();
    assert_eq!(items.len(), 3);
    for href in items {
        let path = s.out.join(href.trim_start_matches("./"));
        let item = json(&path);
        let what = path.display().to_string();
        validate(
            &sc,
            &format!("{base}/item-spec/json-schema/item.json"),
            &item,
            &what,
        );
        validate(&sc, seamfire::stac::PROJECTION, &item, &what);
        validate(&sc, seamfire::stac::RASTER, &item, &what);
        // Every asset's file exists beside the item.
        for (k, a) in item["assets"].as_object().unwrap() {
            let f = path.parent().unwrap().join(a["href"].as_str().unwrap());
            assert!(f.is_file(), "{what}: asset {k} → {}", f.display());
        }
        assert!(item["assets"]["fire_zones"]["roles"][0] == "data");
        // The validators are live: a broken item fails each schema.
        let mut bad = item.clone();
        bad["properties"]
            .as_object_mut()
            .unwrap()
            .remove("datetime");
        assert!(
            !errors(
                &sc,
                &format!("{base}/item-spec/json-schema/item.json"),
                &bad
            )
            .is_empty()
        );
        bad["properties"]["proj:epsg"] = serde_json::json!("EPSG:32648");
        assert!(!errors(&sc, seamfire::stac::PROJECTION, &bad).is_empty());
        bad["assets"]["bt"]["raster:bands"][0]["data_type"] = serde_json::json!("f32");
        assert!(!errors(&sc, seamfire::stac::RASTER, &bad).is_empty());
    }
}

/// Standard base64 (RFC 4648, with padding), for the images embedded in the HTML.
fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| -> u32 {
        match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a') + 26,
            b'0'..=b'9' => u32::from(c - b'0') + 52,
            b'+' => 62,
            b'/' => 63,
            _ => panic!("not base64: {c}"),
        }
    };
    let mut out = Vec::new();
    for chunk in text.trim_end_matches('=').as_bytes().chunks(4) {
        let mut acc = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            acc |= value(c) << (18 - 6 * i);
        }
        let bytes = acc.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    out
}

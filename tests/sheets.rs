//! Map sheets (`seamfire::sheets`): selection on a hand-made case, and sheets of a real
//! `seamfire detect` output (Corumbá fire scene) over fixture thermal maps and orthophotos
//! written here: SVG parses and carries the title and the legend range of
//! `thermal_map.json`, PNG of the requested size, one sheet pair per group of zones.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Instant;

use common::{fixture, seamfire};
use gdal::DriverManager;
use gdal::raster::{Buffer, ColorInterpretation, RasterCreationOptions};
use quick_xml::Reader;
use quick_xml::events::Event;
use seamfire::raster::Georef;
use seamfire::render::{Palette, palette_index};
use seamfire::sheets::select::{Extent, KnownRef, RiskClass, ZoneRef, plan_groups};
use seamfire::sheets::svg::{celsius_label, kelvin_label};
use seamfire::sheets::{SheetCount, SheetOptions, write_sheets};

const SCENE: &str = "LC08_L1TP_227074_20190825_20200826_02_T1";

fn band_path(b: &str) -> PathBuf {
    fixture(SCENE).join(format!("{SCENE}_{b}.TIF"))
}

/// A known-fires file: KZ-01 around fire zone 1 (centroid −57.43625, −19.92023) and KZ-02, a
/// quiet square in the south-east of the scene.
fn known_fires(path: &Path) {
    let square = |lon: f64, lat: f64, d: f64| {
        format!(
            "[[[{a},{b}],[{c},{b}],[{c},{e}],[{a},{e}],[{a},{b}]]]",
            a = lon - d,
            b = lat - d,
            c = lon + d,
            e = lat + d
        )
    };
    let text = format!(
        r#"{{"type":"FeatureCollection","features":[
{{"type":"Feature","properties":{{"id":"KZ-01","name":"Old pit"}},"geometry":{{"type":"Polygon","coordinates":{}}}}},
{{"type":"Feature","properties":{{"id":"KZ-02","name":"Quiet dump"}},"geometry":{{"type":"Polygon","coordinates":{}}}}}]}}"#,
        square(-57.43625, -19.92023, 0.002),
        square(-57.395, -20.015, 0.003)
    );
    std::fs::write(path, text).unwrap();
}

/// One `seamfire detect` run of the Corumbá scene with the known fires, shared by the tests
/// (each copies it).
fn detect_output() -> PathBuf {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let known = dir.path().join("known.geojson");
        known_fires(&known);
        let out = dir.path().join("det");
        // The real thermal map (none here: no thermal band) and orthophoto; sheets by the
        // tests.
        let res = seamfire()
            .arg("detect")
            .arg(fixture(SCENE))
            .arg("--known-fires")
            .arg(&known)
            .args(["--products", "thermal,ortho"])
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        assert!(
            res.status.success(),
            "{}",
            String::from_utf8_lossy(&res.stderr)
        );
        dir
    })
    .path()
    .join("det")
}

/// A copy of the detect output in a fresh directory; `with_rasters`: with the map rasters
/// `seamfire detect` rendered (`thermal_map.*`, `orthophoto*`), else without them.
fn fresh_copy(with_rasters: bool) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("out");
    std::fs::create_dir(&dir).unwrap();
    for e in std::fs::read_dir(detect_output()).unwrap() {
        let e = e.unwrap();
        let name = e.file_name().to_string_lossy().into_owned();
        let raster = name.starts_with("thermal_map") || name.starts_with("orthophoto");
        if e.path().is_file() && (with_rasters || !raster) {
            std::fs::copy(e.path(), dir.join(&name)).unwrap();
        }
    }
    (tmp, dir)
}

/// Writes an 8-bit COG (bands in order; with `alpha` the last band is declared alpha).
fn write_rgba_cog(
    path: &Path,
    w: usize,
    h: usize,
    georef: &Georef,
    bands: &[Vec<u8>],
    alpha: bool,
) {
    let driver = DriverManager::get_driver_by_name("MEM").unwrap();
    let mut mem = driver
        .create_with_band_type::<u8, _>("", w, h, bands.len())
        .unwrap();
    mem.set_geo_transform(&georef.transform.0).unwrap();
    mem.set_projection(&georef.crs_wkt).unwrap();
    for (i, b) in bands.iter().enumerate() {
        let mut band = mem.rasterband(i + 1).unwrap();
        let mut buf = Buffer::new((w, h), b.clone());
        band.write((0, 0), (w, h), &mut buf).unwrap();
        let ci = if alpha && i + 1 == bands.len() {
            ColorInterpretation::AlphaBand
        } else {
            match i {
                0 => ColorInterpretation::RedBand,
                1 => ColorInterpretation::GreenBand,
                _ => ColorInterpretation::BlueBand,
            }
        };
        band.set_color_interpretation(ci).unwrap();
    }
    let cog = DriverManager::get_driver_by_name("COG").unwrap();
    let mut co = RasterCreationOptions::new();
    co.set_name_value("COMPRESS", "DEFLATE").unwrap();
    co.set_name_value("OVERVIEWS", "AUTO").unwrap();
    co.set_name_value("RESAMPLING", "AVERAGE").unwrap();
    mem.create_copy(&cog, path, &co).unwrap().close().unwrap();
}

/// Fixture thermal map: B7 (SWIR, where this scene's fires are hot) spread linearly over
/// 290–340 K for the legend, coloured with inferno over `range`; DN 0 transparent.
fn write_thermal_fixture(dir: &Path, range: (f64, f64)) {
    let b7 = seamfire::io::read_band::<u16>(&band_path("B7"), 1).unwrap();
    let (h, w) = b7.data.dim();
    let mut bands = vec![vec![0u8; w * h]; 4];
    for (i, &dn) in b7.data.iter().enumerate() {
        if dn == 0 {
            continue;
        }
        let k = 290.0 + (f64::from(dn) - 7000.0) / 15000.0 * 50.0;
        let idx = palette_index(k, range.0, range.1).unwrap();
        let [r, g, b] = Palette::Inferno.rgb8(idx);
        bands[0][i] = r;
        bands[1][i] = g;
        bands[2][i] = b;
        bands[3][i] = 255;
    }
    write_rgba_cog(&dir.join("thermal_map.tif"), w, h, &b7.georef, &bands, true);
    std::fs::write(
        dir.join("thermal_map.json"),
        format!(
            r#"{{"min_k": {}, "max_k": {}, "palette": "inferno", "source": "bt.tif", "quantity": "brightness temperature (fixture from B7)"}}"#,
            range.0, range.1
        ),
    )
    .unwrap();
}

/// Fixture orthophoto: true colour B4/B3/B2 with a 2–98 % linear stretch, no alpha band
/// (nodata 0 declared instead).
fn write_ortho_fixture(dir: &Path) {
    let mut bands = Vec::new();
    let mut georef = None;
    let mut size = (0, 0);
    for b in ["B4", "B3", "B2"] {
        let r = seamfire::io::read_band::<u16>(&band_path(b), 1).unwrap();
        let mut v: Vec<u16> = r.data.iter().copied().filter(|&d| d > 0).collect();
        v.sort_unstable();
        let lo = f64::from(v[v.len() / 50]);
        let hi = f64::from(v[v.len() * 49 / 50]);
        bands.push(
            r.data
                .iter()
                .map(|&d| {
                    if d == 0 {
                        0
                    } else {
                        ((f64::from(d) - lo) / (hi - lo) * 254.0 + 1.0).clamp(1.0, 255.0) as u8
                    }
                })
                .collect::<Vec<u8>>(),
        );
        size = (r.data.dim().1, r.data.dim().0);
        georef = Some(r.georef);
    }
    let path = dir.join("orthophoto.tif");
    write_rgba_cog(&path, size.0, size.1, &georef.unwrap(), &bands, false);
}

/// Text content of every `<text>` element with its `id` and `class` attributes; panics when
/// the document is not well-formed XML.
fn svg_texts(svg: &str) -> Vec<(String, String, String)> {
    let mut reader = Reader::from_str(svg);
    let mut out = Vec::new();
    let mut current: Option<(String, String, String)> = None;
    loop {
        match reader
            .read_event()
            .unwrap_or_else(|e| panic!("SVG is not XML: {e}"))
        {
            Event::Start(e) if e.name().as_ref() == b"text" => {
                let attr = |name: &[u8]| {
                    e.attributes()
                        .flatten()
                        .find(|a| a.key.as_ref() == name)
                        .map(|a| a.unescape_value().unwrap().into_owned())
                        .unwrap_or_default()
                };
                current = Some((attr(b"id"), attr(b"class"), String::new()));
            }
            Event::Text(t) => {
                if let Some(c) = current.as_mut() {
                    c.2.push_str(&t.unescape().unwrap());
                }
            }
            Event::End(e) if e.name().as_ref() == b"text" => {
                out.extend(current.take());
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

fn text_with_id<'a>(texts: &'a [(String, String, String)], id: &str) -> &'a str {
    texts
        .iter()
        .find(|t| t.0 == id)
        .map(|t| t.2.as_str())
        .unwrap_or_else(|| panic!("no text with id {id}"))
}

/// The `y` attribute of the element with `id` (the legend labels' baseline).
fn y_of(svg: &str, id: &str) -> f64 {
    let at = svg.find(&format!(r#"id="{id}""#)).unwrap();
    let start = svg[..at].rfind("<text").unwrap();
    let tag = &svg[start..at];
    let y = tag.split(" y=\"").nth(1).unwrap();
    y[..y.find('"').unwrap()].parse().unwrap()
}

fn png_size(path: &Path) -> (u32, u32) {
    let img = image::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (img.width(), img.height())
}

/// Sheets expected from the zones, computed here independently of the library: known zones
/// plus the top `n` fire zones (risk class, then max delta, then area, then id), merged while
/// their bounding boxes are closer than the margin.
fn expected_groups(dir: &Path, georef: &Georef, n: usize, margin: f64) -> Vec<Vec<String>> {
    let fz: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("fire_zones.geojson")).unwrap())
            .unwrap();
    let rank = |c: &str| {
        ["low", "moderate", "high", "extreme"]
            .iter()
            .position(|x| *x == c)
    };
    // (risk rank, max delta, area, id, bbox)
    type Zone = (Option<usize>, f64, f64, u64, [f64; 4]);
    let mut zones: Vec<Zone> = fz["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let p = &f["properties"];
            (
                p["risk_class"].as_str().and_then(rank),
                p["max_delta_k"].as_f64().unwrap_or(f64::NEG_INFINITY),
                p["area_m2"].as_f64().unwrap(),
                p["zone_id"].as_u64().unwrap(),
                [
                    p["bbox_xmin"].as_f64().unwrap(),
                    p["bbox_ymin"].as_f64().unwrap(),
                    p["bbox_xmax"].as_f64().unwrap(),
                    p["bbox_ymax"].as_f64().unwrap(),
                ],
            )
        })
        .collect();
    zones.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then(b.1.total_cmp(&a.1))
            .then(b.2.total_cmp(&a.2))
            .then(a.3.cmp(&b.3))
    });
    zones.truncate(n);
    let mut items: Vec<(Vec<String>, [f64; 4])> = Vec::new();
    let kz = dir.join("known_zones.geojson");
    if kz.exists() {
        let (features, _) = seamfire::io::read_features(&kz, georef).unwrap();
        for f in features {
            let mut b = [
                f64::INFINITY,
                f64::INFINITY,
                f64::NEG_INFINITY,
                f64::NEG_INFINITY,
            ];
            for p in seamfire::io::polygons_of(&f.geometry) {
                for c in p.exterior().coords() {
                    b = [b[0].min(c.x), b[1].min(c.y), b[2].max(c.x), b[3].max(c.y)];
                }
            }
            items.push((vec![format!("K{}", f.attr(&["known_zone_id"]).unwrap())], b));
        }
    }
    for z in &zones {
        items.push((vec![format!("Z{}", z.3)], z.4));
    }
    let gap = |a: &[f64; 4], b: &[f64; 4]| {
        let dx = (b[0] - a[2]).max(a[0] - b[2]).max(0.0);
        let dy = (b[1] - a[3]).max(a[1] - b[3]).max(0.0);
        dx.hypot(dy)
    };
    'again: loop {
        for i in 0..items.len() {
            for j in i + 1..items.len() {
                let g = gap(&items[i].1, &items[j].1);
                if g == 0.0 || g < margin {
                    let (m, b) = items.remove(j);
                    items[i].0.extend(m);
                    let a = items[i].1;
                    items[i].1 = [
                        a[0].min(b[0]),
                        a[1].min(b[1]),
                        a[2].max(b[2]),
                        a[3].max(b[3]),
                    ];
                    continue 'again;
                }
            }
        }
        break;
    }
    let mut groups: Vec<Vec<String>> = items
        .into_iter()
        .map(|(mut m, _)| {
            m.sort();
            m
        })
        .collect();
    groups.sort();
    groups
}

fn native_georef(dir: &Path) -> Georef {
    seamfire::io::raster_info(&dir.join("anomaly.tif"))
        .unwrap()
        .georef
}

#[test]
fn hand_made_selection_top_n_known_and_merging() {
    let zone = |id, risk, delta: Option<f64>, x0: f64| ZoneRef {
        id,
        risk,
        max_delta_k: delta,
        area_m2: 900.0,
        extent: Extent::new(x0, 0.0, x0 + 90.0, 60.0),
    };
    use RiskClass::*;
    let zones = vec![
        zone(1, Some(Low), Some(9.0), 0.0),
        zone(2, Some(High), Some(2.0), 10_000.0),
        zone(3, Some(High), Some(7.0), 10_250.0), // 160 m east of zone 2
        zone(4, Some(Moderate), Some(30.0), 20_000.0),
        zone(5, Some(Extreme), None, 30_000.0),
        zone(6, Some(Moderate), Some(3.0), 40_000.0),
    ];
    let known = vec![KnownRef {
        id: "KZ-9".into(),
        extent: Extent::new(-500.0, -500.0, -400.0, -400.0),
    }];
    // Top 3 = 5 (extreme), 3 and 2 (high, by delta); 2 and 3 share a sheet; the known zone
    // always has one (zone 1 is not selected, so it does not join it).
    let g = plan_groups(&zones, &known, SheetCount::Top(3), 300.0);
    let got: Vec<(String, Vec<u32>)> = g
        .iter()
        .map(|g| (g.stem.clone(), g.zone_ids.clone()))
        .collect();
    assert_eq!(
        got,
        [
            ("known_KZ-9".to_string(), vec![]),
            ("zone_005".to_string(), vec![5]),
            ("zone_002".to_string(), vec![2, 3]),
        ]
    );
    // All zones: zone 1 is 566 m from the known zone: still apart at 300 m (six sheets:
    // known, 5, 2+3, 4, 6, 1)...
    let g = plan_groups(&zones, &known, SheetCount::All, 300.0);
    assert_eq!(g.len(), 6);
    // ... and together at a 600 m margin (gap √(400² + 400²) ≈ 566 m).
    let g = plan_groups(&zones, &known, SheetCount::All, 600.0);
    assert_eq!(g[0].zone_ids, [1]);
    assert_eq!(g[0].known_ids, ["KZ-9"]);
}

#[test]
fn corumba_sheets_thermal_and_ortho() {
    let (_tmp, dir) = fresh_copy(true);
    // Kept after the run (target/tmp/sheets-corumba) for looking at the sheets.
    let keep = Path::new(env!("CARGO_TARGET_TMPDIR")).join("sheets-corumba");
    // The renderer makes no thermal map of this OLI-only run: a fixture one stands in.
    let range = (285.3, 321.7);
    if !dir.join("thermal_map.tif").exists() {
        write_thermal_fixture(&dir, range);
    }
    let legend = seamfire::sheets::read_thermal_legend(&dir.join("thermal_map.json")).unwrap();
    let range = (legend.min_k, legend.max_k);
    let real_ortho = dir.join("orthophoto.tif").exists();
    if !real_ortho {
        write_ortho_fixture(&dir);
    }
    let opts = SheetOptions::default();
    let t = Instant::now();
    let written = write_sheets(&dir, &opts).unwrap();
    let secs = t.elapsed().as_secs_f64();

    let georef = native_georef(&dir);
    let groups = expected_groups(&dir, &georef, 20, opts.margin_m);
    assert!(groups.len() >= 4, "{groups:?}");
    // Thermal + ortho per group, an overview, each as SVG and PNG, plus the index.
    assert_eq!(written.len(), (2 * groups.len() + 1) * 2 + 1, "{written:?}");
    for p in &written {
        assert!(p.exists(), "{}", p.display());
        assert_eq!(p.parent().unwrap(), dir.join("maps"));
    }
    let index: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("maps/sheets.json")).unwrap())
            .unwrap();
    let mut from_index: Vec<Vec<String>> = index["sheets"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["kind"] == "thermal")
        .map(|s| {
            let mut m: Vec<String> = s["known_zones"]
                .as_array()
                .unwrap()
                .iter()
                .map(|k| format!("K{}", k.as_str().unwrap()))
                .chain(
                    s["zones"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|z| format!("Z{}", z.as_u64().unwrap())),
                )
                .collect();
            m.sort();
            m
        })
        .collect();
    from_index.sort();
    assert_eq!(from_index, groups);
    // The known zones have their sheets, named after them.
    for name in [
        "known_KZ-01_thermal.svg",
        "known_KZ-01_ortho.png",
        "known_KZ-02_thermal.png",
        "overview.svg",
        "overview.png",
    ] {
        assert!(dir.join("maps").join(name).exists(), "{name}");
    }
    let mut bytes = 0u64;
    for p in &written {
        bytes += std::fs::metadata(p).unwrap().len();
        match p.extension().and_then(|e| e.to_str()) {
            Some("png") => assert_eq!(png_size(p), (1754, 1240), "{}", p.display()),
            Some("svg") => {
                let svg = std::fs::read_to_string(p).unwrap();
                let texts = svg_texts(&svg);
                let title = text_with_id(&texts, "title");
                assert!(!title.is_empty());
                assert!(text_with_id(&texts, "subtitle").contains("2019-08-25"));
                assert!(text_with_id(&texts, "subtitle").contains("Landsat 8 OLI/TIRS"));
                assert_eq!(
                    text_with_id(&texts, "credit"),
                    "Landsat data courtesy of the U.S. Geological Survey"
                );
                assert!(text_with_id(&texts, "maker").contains("seamfire"));
                assert!(svg.contains(r#"id="north-arrow""#));
                assert!(svg.contains(r#"id="scale-bar""#));
                assert!(texts.iter().any(|t| t.1 == "tick-x"));
                assert!(texts.iter().any(|t| t.1 == "tick-y"));
                assert!(
                    svg.contains("data:image/png;base64,"),
                    "map raster embedded"
                );
                let name = p.file_name().unwrap().to_string_lossy();
                if name.ends_with("_thermal.svg") || name == "overview.svg" {
                    // Legend ends: exactly thermal_map.json's range, in K and °C.
                    assert_eq!(text_with_id(&texts, "legend-min-k"), kelvin_label(range.0));
                    assert_eq!(text_with_id(&texts, "legend-max-k"), kelvin_label(range.1));
                    if range == (285.3, 321.7) {
                        assert_eq!(text_with_id(&texts, "legend-min-k"), "285.3 K");
                        assert_eq!(text_with_id(&texts, "legend-max-c"), "48.55 \u{b0}C");
                        assert_eq!(text_with_id(&texts, "legend-min-c"), "12.15 \u{b0}C");
                    }
                    assert_eq!(text_with_id(&texts, "legend-min-c"), celsius_label(range.0));
                    assert!(y_of(&svg, "legend-min-k") > y_of(&svg, "legend-max-k"));
                    assert_eq!(y_of(&svg, "legend-min-k"), y_of(&svg, "legend-min-c"));
                } else {
                    assert!(!svg.contains("legend-min-k"), "{name}: no colour bar");
                    assert!(texts.iter().any(|t| t.2 == "Orthophoto"));
                    if real_ortho {
                        let bands = "R: B4, G: B3, B: B2";
                        assert!(texts.iter().any(|t| t.2 == bands), "band names");
                    }
                }
                if name.starts_with("known_KZ-01") {
                    assert!(
                        title.starts_with("Known zone KZ-01 \u{201c}Old pit\u{201d}"),
                        "{title}"
                    );
                    assert!(
                        title.contains("fire zone"),
                        "zone 1 shares the sheet: {title}"
                    );
                }
                if name.starts_with("zone_") {
                    assert!(title.starts_with("Fire zone"), "{title}");
                }
            }
            _ => assert!(p.ends_with("maps/sheets.json")),
        }
    }
    let _ = std::fs::remove_dir_all(&keep);
    std::fs::create_dir_all(&keep).unwrap();
    for p in &written {
        std::fs::copy(p, keep.join(p.file_name().unwrap())).unwrap();
    }
    eprintln!(
        "{} sheets ({} files, {:.1} MB) in {secs:.1} s, copied to {}",
        2 * groups.len() + 1,
        written.len(),
        bytes as f64 / 1e6,
        keep.display()
    );
}

#[test]
fn portrait_at_another_dpi_and_old_sheets_go() {
    let (_tmp, dir) = fresh_copy(false);
    write_thermal_fixture(&dir, (290.0, 330.0));
    let opts = SheetOptions {
        count: SheetCount::Top(3),
        dpi: 100.0,
        width_mm: 210.0,
        height_mm: 297.0,
        ..Default::default()
    };
    let first = write_sheets(&dir, &opts).unwrap();
    let georef = native_georef(&dir);
    let groups = expected_groups(&dir, &georef, 3, opts.margin_m);
    // Thermal only (no orthophoto), plus the overview and the index.
    assert_eq!(first.len(), (groups.len() + 1) * 2 + 1);
    for p in first.iter().filter(|p| p.extension().unwrap() == "png") {
        // 210 mm and 297 mm at 100 dpi.
        assert_eq!(png_size(p), (827, 1169));
    }
    assert!(!first.iter().any(|p| p.to_string_lossy().contains("_ortho")));
    // Fewer zones the second time: sheets of zones no longer drawn are removed.
    let opts = SheetOptions {
        count: SheetCount::Top(0),
        ..opts
    };
    let second = write_sheets(&dir, &opts).unwrap();
    let mut on_disk: Vec<PathBuf> = std::fs::read_dir(dir.join("maps"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    on_disk.sort();
    let mut expected = second.clone();
    expected.sort();
    assert_eq!(on_disk, expected, "only this run's sheets stay");
    assert!(second.iter().all(|p| {
        let n = p.file_name().unwrap().to_string_lossy().into_owned();
        n.starts_with("known_") || n.starts_with("overview") || n == "sheets.json"
    }));
}

#[test]
fn orthophoto_in_another_crs_is_resampled() {
    let (_tmp, dir) = fresh_copy(false);
    // An orthophoto in WGS84 degrees over the scene's footprint: red west of the centre
    // longitude, blue east of it.
    let rec: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("detection.json")).unwrap())
            .unwrap();
    let fp: Vec<f64> = rec["grid"]["footprint_lonlat"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    let (w, h) = (400usize, 500usize);
    let (dx, dy) = ((fp[2] - fp[0]) / w as f64, (fp[3] - fp[1]) / h as f64);
    let georef = Georef {
        transform: seamfire::raster::GeoTransform([fp[0], dx, 0.0, fp[3], 0.0, -dy]),
        crs_wkt: gdal::spatial_ref::SpatialRef::from_epsg(4326)
            .unwrap()
            .to_wkt()
            .unwrap(),
        epsg: Some(4326),
        ground_m_per_unit: None,
    };
    let mut bands = vec![vec![0u8; w * h]; 4];
    for r in 0..h {
        for c in 0..w {
            let i = r * w + c;
            if c < w / 2 {
                bands[0][i] = 220;
            } else {
                bands[2][i] = 220;
            }
            bands[3][i] = 255;
        }
    }
    write_rgba_cog(&dir.join("orthophoto.tif"), w, h, &georef, &bands, true);
    let opts = SheetOptions {
        count: SheetCount::Top(1),
        ..Default::default()
    };
    let written = write_sheets(&dir, &opts).unwrap();
    assert!(
        !written
            .iter()
            .any(|p| p.to_string_lossy().contains("_thermal"))
    );
    // Where is the centre longitude on the overview? Project it with the library's CRS code
    // path's inverse: the sheet index gives the view extent.
    let index: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("maps/sheets.json")).unwrap())
            .unwrap();
    let ov = index["sheets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["kind"] == "overview")
        .unwrap();
    let e: Vec<f64> = ov["extent"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    let layout = seamfire::sheets::layout::page_layout(297.0, 210.0);
    let native = native_georef(&dir);
    let src = gdal::spatial_ref::SpatialRef::from_epsg(4326).unwrap();
    let mut dst = gdal::spatial_ref::SpatialRef::from_epsg(native.epsg.unwrap()).unwrap();
    let mut src = src;
    src.set_axis_mapping_strategy(gdal::spatial_ref::AxisMappingStrategy::TraditionalGisOrder);
    dst.set_axis_mapping_strategy(gdal::spatial_ref::AxisMappingStrategy::TraditionalGisOrder);
    let ct = gdal::spatial_ref::CoordTransform::new(&src, &dst).unwrap();
    let mid_lon = (fp[0] + fp[2]) / 2.0;
    let lat = fp[1] + 0.5 * (fp[3] - fp[1]);
    let mut xs = [mid_lon - 0.04, mid_lon + 0.04];
    let mut ys = [lat, lat];
    let mut zs = [0.0, 0.0];
    ct.transform_coords(&mut xs, &mut ys, &mut zs).unwrap();
    let upm = (e[2] - e[0]) / layout.map.w;
    let img = image::open(dir.join("maps/overview.png"))
        .unwrap()
        .to_rgb8();
    let px_per_mm = 150.0 / 25.4;
    let sample = |x: f64, y: f64| {
        let mx = layout.map.x + (x - e[0]) / upm;
        let my = layout.map.y + (e[3] - y) / upm;
        // Majority over a 5×5 patch, away from any single overlay line.
        let (cx, cy) = ((mx * px_per_mm) as i64, (my * px_per_mm) as i64);
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for dy in -2..=2 {
            for dx in -2..=2 {
                let p = img.get_pixel((cx + dx) as u32, (cy + dy) as u32).0;
                let k = if p[0] > 150 && p[2] < 80 {
                    "red"
                } else if p[2] > 150 && p[0] < 80 {
                    "blue"
                } else {
                    "other"
                };
                *counts.entry(k).or_default() += 1;
            }
        }
        counts.into_iter().max_by_key(|c| c.1).unwrap().0
    };
    assert_eq!(sample(xs[0], ys[0]), "red");
    assert_eq!(sample(xs[1], ys[1]), "blue");
}

#[test]
fn missing_inputs_are_errors_naming_the_file() {
    let (_tmp, dir) = fresh_copy(false);
    let opts = SheetOptions::default();
    let err = write_sheets(&dir, &opts).unwrap_err().to_string();
    assert!(
        err.contains("thermal_map.tif") && err.contains(&*dir.to_string_lossy()),
        "{err}"
    );
    // A thermal map without its legend file.
    write_thermal_fixture(&dir, (290.0, 330.0));
    std::fs::remove_file(dir.join("thermal_map.json")).unwrap();
    let err = write_sheets(&dir, &opts).unwrap_err().to_string();
    assert!(err.contains("thermal_map.json"), "{err}");
    std::fs::write(
        dir.join("thermal_map.json"),
        r#"{"min_k": 300, "max_k": 290}"#,
    )
    .unwrap();
    let err = write_sheets(&dir, &opts).unwrap_err().to_string();
    assert!(
        err.contains("thermal_map.json") && err.contains("below"),
        "{err}"
    );
    std::fs::write(
        dir.join("thermal_map.json"),
        r#"{"min_k": 290, "max_k": 300, "palette": "rainbow"}"#,
    )
    .unwrap();
    let err = write_sheets(&dir, &opts).unwrap_err().to_string();
    assert!(err.contains("rainbow"), "{err}");
    // Not a detect output at all.
    let empty = tempfile::tempdir().unwrap();
    let err = write_sheets(empty.path(), &opts).unwrap_err().to_string();
    assert!(err.contains("detection.json"), "{err}");
    // Bad options are usage errors before anything is read.
    let bad = SheetOptions { dpi: 0.0, ..opts };
    assert!(matches!(
        write_sheets(empty.path(), &bad),
        Err(seamfire::error::Error::Usage(_))
    ));
    assert!(!dir.join("maps").exists(), "no partial output");
}

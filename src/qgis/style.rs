//! Layer styles: the renderer elements QGIS reads from a `.qml` file or from a `<maplayer>` of
//! a project. Each function returns the style *body* (the children of `<qgis>` in a `.qml`);
//! [`qml_document`] wraps it, `project` embeds the same body in the layer.

use super::QGIS_VERSION;
use super::xml::{El, data_defined, option_map};
use crate::render::{Palette, Range};

/// A `.qml` style file around `body`.
pub fn qml_document(body: &[El]) -> String {
    let mut root = El::new("qgis")
        .attr("version", QGIS_VERSION)
        .attr("styleCategories", "AllStyleCategories")
        .attr("hasScaleBasedVisibilityFlag", "0")
        .attr("maxScale", "0")
        .attr("minScale", "1e+08");
    root = root.children(body.iter().cloned());
    format!(
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n{}",
        root.to_xml(0)
    )
}

/// `r,g,b,a` as QGIS writes colours in property maps.
fn rgba(c: [u8; 4]) -> String {
    format!("{},{},{},{}", c[0], c[1], c[2], c[3])
}

fn hex(c: [u8; 3]) -> String {
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}

// ---------------------------------------------------------------- rasters

fn min_max_origin() -> El {
    El::new("minMaxOrigin")
        .child(El::with_text("limits", "None"))
        .child(El::with_text("extent", "WholeRaster"))
        .child(El::with_text("statAccuracy", "Estimated"))
        .child(El::with_text("cumulativeCutLower", "0.02"))
        .child(El::with_text("cumulativeCutUpper", "0.98"))
        .child(El::with_text("stdDevFactor", "2"))
}

/// The `<pipe>` around a raster renderer and `<blendMode>`.
fn raster_body(renderer: El) -> Vec<El> {
    vec![
        El::new("pipe")
            .child(renderer)
            .child(
                El::new("brightnesscontrast")
                    .attr("brightness", "0")
                    .attr("contrast", "0")
                    .attr("gamma", "1"),
            )
            .child(
                El::new("huesaturation")
                    .attr("saturation", "0")
                    .attr("grayscaleMode", "0")
                    .attr("invertColors", "0")
                    .attr("colorizeOn", "0")
                    .attr("colorizeRed", "255")
                    .attr("colorizeGreen", "128")
                    .attr("colorizeBlue", "128")
                    .attr("colorizeStrength", "100"),
            )
            .child(El::new("rasterresampler").attr("maxOversampling", "2"))
            .child(El::with_text("resamplingStage", "resamplingFilter")),
        El::with_text("blendMode", "0"),
    ]
}

/// Value of palette entry `i` when the 256 entries are spread over `range` (as the thermal
/// map does: entry `i` is the colour of `min + i/255 · (max − min)`).
pub fn palette_value(range: Range, i: usize) -> f64 {
    range.min + (range.max - range.min) * i as f64 / 255.0
}

/// Single-band pseudocolour: `palette` spread linearly over `range` on band 1 (the thermal
/// map's colours, on `bt.tif`): 256 interpolated ramp items, labels in `unit`; values
/// outside the range take the end colours (`clip="0"`), nodata is transparent.
pub fn pseudocolor(range: Range, palette: Palette, unit: &str) -> Vec<El> {
    let stops: Vec<String> = (16..255)
        .step_by(16)
        .map(|i| {
            let [r, g, b] = palette.rgb8(i as u8);
            format!("{};{}", i as f64 / 255.0, rgba([r, g, b, 255]))
        })
        .collect();
    let [r0, g0, b0] = palette.rgb8(0);
    let [r1, g1, b1] = palette.rgb8(255);
    let ramp = El::new("colorramp")
        .attr("name", "[source]")
        .attr("type", "gradient")
        .child(option_map([
            ("color1", rgba([r0, g0, b0, 255])),
            ("color2", rgba([r1, g1, b1, 255])),
            ("discrete", "0".into()),
            ("rampType", "gradient".into()),
            ("stops", stops.join(":")),
        ]));
    let items = (0..256).map(|i| {
        let v = palette_value(range, i);
        El::new("item")
            .attr("alpha", "255")
            .attr("value", v)
            .attr("label", format!("{v:.1} {unit}"))
            .attr("color", hex(palette.rgb8(i as u8)))
    });
    let shader = El::new("colorrampshader")
        .attr("colorRampType", "INTERPOLATED")
        .attr("classificationMode", "1")
        .attr("clip", "0")
        .attr("minimumValue", range.min)
        .attr("maximumValue", range.max)
        .attr("labelPrecision", "1")
        .child(ramp)
        .children(items);
    let renderer = El::new("rasterrenderer")
        .attr("type", "singlebandpseudocolor")
        .attr("band", "1")
        .attr("opacity", "1")
        .attr("alphaBand", "-1")
        .attr("nodataColor", "")
        .attr("classificationMin", range.min)
        .attr("classificationMax", range.max)
        .child(El::new("rasterTransparency"))
        .child(min_max_origin())
        .child(El::new("rastershader").child(shader));
    raster_body(renderer)
}

/// One class of a paletted raster style.
#[derive(Debug, Clone)]
pub struct PaletteClass {
    pub value: i64,
    pub color: [u8; 3],
    /// 0 transparent … 255 opaque.
    pub alpha: u8,
    pub label: String,
}

/// The classes of `anomaly.tif`: 0 none (transparent), 1 low, 2 nominal, 3 high (ColorBrewer
/// YlOrRd), 255 not processed (nodata, transparent).
pub fn anomaly_classes() -> Vec<PaletteClass> {
    let c = |value, color, alpha, label: &str| PaletteClass {
        value,
        color,
        alpha,
        label: label.to_string(),
    };
    vec![
        c(0, [255, 255, 255], 0, "0 no anomaly"),
        c(1, [254, 204, 92], 255, "1 low confidence"),
        c(2, [253, 141, 60], 255, "2 nominal confidence"),
        c(3, [227, 26, 28], 255, "3 high confidence"),
        c(
            255,
            [128, 128, 128],
            0,
            "255 not processed (nodata, cloud, shadow, water, outside AOI)",
        ),
    ]
}

/// Paletted / unique values on band 1.
pub fn paletted(classes: &[PaletteClass]) -> Vec<El> {
    let entries = classes.iter().map(|c| {
        El::new("paletteEntry")
            .attr("value", c.value)
            .attr("color", hex(c.color))
            .attr("alpha", c.alpha)
            .attr("label", &c.label)
    });
    let renderer = El::new("rasterrenderer")
        .attr("type", "paletted")
        .attr("band", "1")
        .attr("opacity", "1")
        .attr("alphaBand", "-1")
        .attr("nodataColor", "")
        .child(El::new("rasterTransparency"))
        .child(min_max_origin())
        .child(El::new("colorPalette").children(entries));
    raster_body(renderer)
}

/// Multiband colour: bands 1/2/3 red/green/blue shown as stored (8-bit, no contrast
/// enhancement), band 4 as alpha when `alpha`.
pub fn multiband(alpha: bool) -> Vec<El> {
    let enhancement = |name: &str| {
        El::new(name)
            .child(El::with_text("minValue", "0"))
            .child(El::with_text("maxValue", "255"))
            .child(El::with_text("algorithm", "NoEnhancement"))
    };
    let renderer = El::new("rasterrenderer")
        .attr("type", "multibandcolor")
        .attr("redBand", "1")
        .attr("greenBand", "2")
        .attr("blueBand", "3")
        .attr("alphaBand", if alpha { "4" } else { "-1" })
        .attr("opacity", "1")
        .attr("nodataColor", "")
        .child(El::new("rasterTransparency"))
        .child(min_max_origin())
        .child(enhancement("redContrastEnhancement"))
        .child(enhancement("greenContrastEnhancement"))
        .child(enhancement("blueContrastEnhancement"));
    raster_body(renderer)
}

// ---------------------------------------------------------------- vectors

fn symbol(kind: &str, name: &str, layer_class: &str, props: Vec<(&str, String)>) -> El {
    El::new("symbol")
        .attr("type", kind)
        .attr("name", name)
        .attr("alpha", "1")
        .attr("clip_to_extent", "1")
        .attr("force_rhr", "0")
        .child(data_defined("data_defined_properties"))
        .child(
            El::new("layer")
                .attr("class", layer_class)
                .attr("enabled", "1")
                .attr("pass", "0")
                .attr("locked", "0")
                .child(option_map(props))
                .child(data_defined("data_defined_properties")),
        )
}

/// A circle marker of `size` mm.
fn marker(name: &str, fill: [u8; 4], size_mm: f64) -> El {
    symbol(
        "marker",
        name,
        "SimpleMarker",
        vec![
            ("angle", "0".into()),
            ("color", rgba(fill)),
            ("horizontal_anchor_point", "1".into()),
            ("joinstyle", "bevel".into()),
            ("name", "circle".into()),
            ("offset", "0,0".into()),
            ("offset_unit", "MM".into()),
            ("outline_color", "35,35,35,255".into()),
            ("outline_style", "solid".into()),
            ("outline_width", "0.2".into()),
            ("outline_width_unit", "MM".into()),
            ("scale_method", "diameter".into()),
            ("size", size_mm.to_string()),
            ("size_unit", "MM".into()),
            ("vertical_anchor_point", "1".into()),
        ],
    )
}

/// A polygon fill (`style` `solid` or `no`) with an outline (`solid`, `dash`, `dot`).
fn fill(
    name: &str,
    fill: [u8; 4],
    style: &str,
    outline: [u8; 4],
    outline_style: &str,
    width_mm: f64,
) -> El {
    symbol(
        "fill",
        name,
        "SimpleFill",
        vec![
            ("border_width_unit", "MM".into()),
            ("color", rgba(fill)),
            ("joinstyle", "bevel".into()),
            ("offset", "0,0".into()),
            ("offset_unit", "MM".into()),
            ("outline_color", rgba(outline)),
            ("outline_style", outline_style.into()),
            ("outline_width", width_mm.to_string()),
            ("outline_width_unit", "MM".into()),
            ("style", style.into()),
        ],
    )
}

fn renderer(kind: &str) -> El {
    El::new("renderer-v2")
        .attr("type", kind)
        .attr("forceraster", "0")
        .attr("symbollevels", "0")
        .attr("enableorderby", "0")
        .attr("referencescale", "-1")
}

fn vector_body(renderer: El) -> Vec<El> {
    vec![
        renderer,
        El::with_text("blendMode", "0"),
        El::with_text("featureBlendMode", "0"),
    ]
}

/// Deterministic rule keys (QGIS only needs them unique within the renderer).
fn key(i: usize) -> String {
    format!("{{5eaf1e00-0000-4000-8000-{i:012x}}}")
}

/// A rule of a rule-based renderer: QGIS expression, legend label, symbol.
struct Rule {
    filter: String,
    label: String,
    symbol: El,
}

fn rule_based(rules: Vec<Rule>) -> Vec<El> {
    let mut rules_el = El::new("rules").attr("key", key(0));
    let mut symbols = El::new("symbols");
    for (i, r) in rules.into_iter().enumerate() {
        rules_el = rules_el.child(
            El::new("rule")
                .attr("key", key(i + 1))
                .attr("filter", &r.filter)
                .attr("label", &r.label)
                .attr("symbol", i),
        );
        symbols = symbols.child(r.symbol);
    }
    vector_body(renderer("RuleRenderer").child(rules_el).child(symbols))
}

/// Hotspots categorised by `confidence`: `l` low (yellow, 2.0 mm), `n` nominal (orange,
/// 2.6 mm), `h` high (red, 3.2 mm).
///
/// Low-confidence hotspots (evidence within the scene's false-alarm budget, docs/detection.md)
/// can outnumber the others a thousand to one on a city's night LST: their category is
/// unticked, so the layer opens showing the fire-zone hotspots; one tick in the legend shows them.
pub fn hotspots() -> Vec<El> {
    let cats = [
        (
            "l",
            "low confidence (evidence, not a fire zone)",
            [254, 217, 118, 255],
            2.0,
            false,
        ),
        ("n", "nominal confidence", [253, 141, 60, 255], 2.6, true),
        ("h", "high confidence", [227, 26, 28, 255], 3.2, true),
    ];
    let mut categories = El::new("categories");
    let mut symbols = El::new("symbols");
    for (i, (value, label, color, size, shown)) in cats.into_iter().enumerate() {
        categories = categories.child(
            El::new("category")
                .attr("value", value)
                .attr("label", label)
                .attr("symbol", i)
                .attr("render", if shown { "true" } else { "false" })
                .attr("type", "string"),
        );
        symbols = symbols.child(marker(&i.to_string(), color, size));
    }
    vector_body(
        renderer("categorizedSymbol")
            .attr("attr", "confidence")
            .child(categories)
            .child(symbols)
            .child(El::new("rotation"))
            .child(El::new("sizescale")),
    )
}

/// Risk classes and their fill colours (ColorBrewer YlOrRd).
pub const RISK_CLASSES: [(&str, [u8; 3]); 4] = [
    ("low", [255, 255, 178]),
    ("moderate", [254, 204, 92]),
    ("high", [253, 141, 60]),
    ("extreme", [227, 26, 28]),
];

/// Fire zones, rule-based on `risk_class` (fill colour) and `status` (outline: `new` solid
/// dark red, `known` dashed blue); anything else, such as `excluded` (a known non-fire heat
/// source, `--exclude`), grey.
pub fn fire_zones() -> Vec<El> {
    let mut rules = Vec::new();
    for (class, [r, g, b]) in RISK_CLASSES {
        for (status, outline, style) in [
            ("new", [153, 0, 13, 255], "solid"),
            ("known", [33, 102, 172, 255], "dash"),
        ] {
            rules.push(Rule {
                filter: format!("\"risk_class\" = '{class}' AND \"status\" = '{status}'"),
                label: format!("{class} risk, {status}"),
                symbol: fill(
                    &rules.len().to_string(),
                    [r, g, b, 200],
                    "solid",
                    outline,
                    style,
                    0.5,
                ),
            });
        }
    }
    rules.push(Rule {
        filter: "ELSE".into(),
        label: "excluded or other".into(),
        symbol: fill(
            &rules.len().to_string(),
            [180, 180, 180, 160],
            "solid",
            [80, 80, 80, 255],
            "solid",
            0.4,
        ),
    });
    rule_based(rules)
}

/// Known burning zones (outline only): detected (red, dashed), observed and not detected
/// (green), not observed (grey, dotted).
pub fn known_zones() -> Vec<El> {
    let rules = vec![
        Rule {
            filter: "\"detected\"".into(),
            label: "known zone, anomaly detected".into(),
            symbol: fill("0", [0, 0, 0, 0], "no", [203, 24, 29, 255], "dash", 0.7),
        },
        Rule {
            filter: "NOT \"detected\" AND \"observed\"".into(),
            label: "known zone, observed, nothing detected".into(),
            symbol: fill("1", [0, 0, 0, 0], "no", [35, 139, 69, 255], "solid", 0.6),
        },
        Rule {
            filter: "ELSE".into(),
            label: "known zone, not observed (cloud, nodata, outside AOI)".into(),
            symbol: fill("2", [0, 0, 0, 0], "no", [115, 115, 115, 255], "dot", 0.6),
        },
    ];
    rule_based(rules)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::qgis::tests::parse_all;

    #[test]
    fn every_style_is_well_formed() {
        let range = Range::new(280.0, 300.0).unwrap();
        for body in [
            pseudocolor(range, Palette::Inferno, "K"),
            paletted(&anomaly_classes()),
            multiband(true),
            hotspots(),
            fire_zones(),
            known_zones(),
        ] {
            let doc = qml_document(&body);
            let names = parse_all(&doc);
            assert_eq!(names[0], "qgis");
        }
    }

    #[test]
    fn pseudocolor_items_follow_the_palette() {
        let range = Range::new(270.0, 340.0).unwrap();
        let doc = qml_document(&pseudocolor(range, Palette::Inferno, "K"));
        assert_eq!(doc.matches("<item ").count(), 256);
        assert!(
            doc.contains("value=\"270\" label=\"270.0 K\" color=\"#000004\""),
            "{}",
            &doc[..2000]
        );
        assert!(doc.contains("value=\"340\" label=\"340.0 K\" color=\"#fcffa4\""));
        assert!(doc.contains("classificationMin=\"270\" classificationMax=\"340\""));
    }

    #[test]
    fn anomaly_palette_has_the_five_classes() {
        let doc = qml_document(&paletted(&anomaly_classes()));
        for v in ["0", "1", "2", "3", "255"] {
            assert!(doc.contains(&format!("<paletteEntry value=\"{v}\"")), "{v}");
        }
        assert!(doc.contains("value=\"0\" color=\"#ffffff\" alpha=\"0\""));
    }

    #[test]
    fn vector_styles_name_their_fields() {
        let h = qml_document(&hotspots());
        assert!(h.contains("type=\"categorizedSymbol\"") && h.contains("attr=\"confidence\""));
        for v in ["l", "n", "h"] {
            assert!(h.contains(&format!("value=\"{v}\"")));
        }
        // Low-confidence evidence is unticked; nominal and high are shown.
        assert!(h.contains("value=\"l\" label=\"low confidence (evidence, not a fire zone)\" symbol=\"0\" render=\"false\""), "{h}");
        assert_eq!(h.matches("render=\"true\"").count(), 2);
        let z = qml_document(&fire_zones());
        assert!(z.contains("&quot;risk_class&quot; = &apos;extreme&apos; AND &quot;status&quot; = &apos;known&apos;"));
        assert_eq!(z.matches("<rule ").count(), 9);
        let k = qml_document(&known_zones());
        assert!(k.contains("filter=\"&quot;detected&quot;\""));
    }
}

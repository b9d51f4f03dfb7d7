//! `report.pdf` and `atlas.pdf` without a browser: every page is an SVG (the report's pages laid
//! out by [`super::layout`], the atlas's by [`super::atlas`] around the map sheets), converted to PDF
//! by krilla-svg with text kept as text (selectable, extractable) and fonts embedded as
//! subsets. English uses the DejaVu Sans compiled into the binary; Chinese needs a CJK font from
//! the system (`SEAMFIRE_CJK_FONT=FILE`, or one of [`CJK_FAMILIES`] found by fontconfig paths).

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use krilla::Document;
use krilla::geom::Size;
use krilla::page::PageSettings;
use krilla_svg::{SurfaceExt, SvgSettings};
use usvg047 as usvg;

use super::atlas;
use super::i18n::Lang;
use super::layout;
use super::model::{Report, RunData};
use crate::error::{Error, Result};

/// DejaVu Sans, the sheets' font (`assets/fonts/DejaVuSans.ttf`).
static DEJAVU_SANS: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// CJK font families looked for, in order (Debian/Ubuntu packages `fonts-noto-cjk`,
/// `fonts-wqy-microhei`, `fonts-wqy-zenhei`, `fonts-arphic-uming`).
pub const CJK_FAMILIES: [&str; 6] = [
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Droid Sans Fallback",
    "AR PL UMing CN",
];

/// The font family names to use in the SVG pages of `lang`.
pub struct Fonts {
    pub db: Arc<usvg::fontdb::Database>,
    /// `font-family` attribute value.
    pub family: String,
}

/// Fonts for `lang`. Chinese without a CJK font is an error saying what to install.
pub fn fonts(lang: Lang) -> Result<Fonts> {
    let mut db = usvg::fontdb::Database::new();
    db.load_font_data(DEJAVU_SANS.to_vec());
    let mut family = "DejaVu Sans".to_string();
    if lang == Lang::ZhCn {
        let found = if let Ok(path) = std::env::var("SEAMFIRE_CJK_FONT") {
            let p = Path::new(&path);
            db.load_font_file(p).map_err(|e| {
                Error::input(p, format!("SEAMFIRE_CJK_FONT: cannot load font: {e}"))
            })?;
            db.faces()
                .flat_map(|f| f.families.iter().map(|(n, _)| n.clone()))
                .find(|n| n != "DejaVu Sans")
        } else {
            let mut sys = usvg::fontdb::Database::new();
            sys.load_system_fonts();
            let hit = CJK_FAMILIES.iter().find_map(|want| {
                sys.faces()
                    .find(|f| f.families.iter().any(|(n, _)| n == want))
                    .map(|f| (want, f.source.clone(), f.index))
            });
            match hit {
                Some((want, source, _)) => {
                    db.load_font_source(source);
                    Some(want.to_string())
                }
                None => None,
            }
        };
        let Some(cjk) = found else {
            return Err(Error::Usage(format!(
                "--lang zh-CN needs a CJK font and none was found ({}); install one, e.g. `apt-get install fonts-wqy-microhei` (scripts/setup does), or set SEAMFIRE_CJK_FONT=FILE",
                CJK_FAMILIES.join(", ")
            )));
        };
        family = format!("{cjk}, DejaVu Sans");
    }
    Ok(Fonts {
        db: Arc::new(db),
        family,
    })
}

/// One page: SVG text and its size in millimetres.
pub struct Page {
    pub svg: String,
    pub width_mm: f32,
    pub height_mm: f32,
    /// Entries of the PDF's outline (bookmarks) pointing at this page, in order.
    pub bookmarks: Vec<String>,
}

const PT_PER_MM: f32 = 72.0 / 25.4;

fn parse(svg: &str, fonts: &Fonts, what: &str) -> Result<usvg::Tree> {
    let opt = usvg::Options {
        fontdb: fonts.db.clone(),
        font_family: "DejaVu Sans".into(),
        ..Default::default()
    };
    usvg::Tree::from_str(svg, &opt)
        .map_err(|e| Error::Usage(format!("{what}: not a valid SVG page: {e}")))
}

/// PDF of `pages` (each page's size from the page).
pub fn pages_to_pdf(
    pages: &[Page],
    fonts: &Fonts,
    what: &str,
    title: &str,
    lang: Lang,
) -> Result<Vec<u8>> {
    let mut doc = Document::new();
    doc.set_metadata(
        krilla::metadata::Metadata::new()
            .title(title.to_string())
            .language(lang.tag().to_string())
            .creator(format!("seamfire {}", env!("CARGO_PKG_VERSION"))),
    );
    let mut outline = krilla::outline::Outline::new();
    for (i, p) in pages.iter().enumerate() {
        for b in &p.bookmarks {
            outline.push_child(krilla::outline::OutlineNode::new(
                b.clone(),
                krilla::destination::XyzDestination::new(i, krilla::geom::Point::from_xy(0.0, 0.0)),
            ));
        }
    }
    doc.set_outline(outline);
    for (i, p) in pages.iter().enumerate() {
        let tree = parse(&p.svg, fonts, &format!("{what} page {}", i + 1))?;
        let size = Size::from_wh(p.width_mm * PT_PER_MM, p.height_mm * PT_PER_MM)
            .ok_or_else(|| Error::Usage(format!("{what}: empty page size")))?;
        let mut page = doc.start_page_with(PageSettings::new(size));
        let mut surface = page.surface();
        surface.draw_svg(&tree, size, SvgSettings::default());
        surface.finish();
        page.finish();
    }
    doc.finish()
        .map_err(|e| Error::Usage(format!("{what}: cannot write the PDF: {e:?}")))
}

fn read_text(root: &Path, rel: &str) -> Result<String> {
    let path = root.join(rel);
    std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))
}

/// `report.pdf` of `lang`; its map sheets from `translated` (by path, see
/// [`translated_sheets`]), else the files.
pub fn report_pdf(
    r: &Report,
    lang: Lang,
    root: &Path,
    root_name: &str,
    translated: &BTreeMap<String, atlas::SheetText>,
) -> Result<Vec<u8>> {
    let fonts = fonts(lang)?;
    let mut svgs = BTreeMap::new();
    for p in layout::sheet_svgs(r) {
        if let std::collections::btree_map::Entry::Vacant(e) = svgs.entry(p) {
            let text = match translated.get(e.key()) {
                Some(t) => t.svg.clone(),
                None => read_text(root, e.key())?,
            };
            e.insert(format!(
                "data:image/svg+xml;base64,{}",
                crate::sheets::encode::base64(text.as_bytes())
            ));
        }
    }
    let pages = layout::report_pages(r, lang, &svgs, root_name, &fonts.family);
    let title = format!("{} — {}", lang.t("title"), r.survey);
    pages_to_pdf(&pages, &fonts, "report.pdf", &title, lang)
}

/// The atlas file of `lang`: `atlas.pdf` (English), `atlas.zh-CN.pdf`.
pub fn atlas_name(lang: Lang) -> String {
    match lang {
        Lang::En => "atlas.pdf".into(),
        other => format!("atlas.{}.pdf", other.tag()),
    }
}

/// Every map sheet of the run composed again from each scene's outputs with its labels in
/// `lang`, by path relative to the root (`<scene>/maps/<name>.svg`); none for English (the
/// files are English). A scene whose sheets cannot be composed again keeps its English
/// sheets, with a warning.
pub fn translated_sheets(
    run: &RunData,
    lang: Lang,
    root: &Path,
) -> BTreeMap<String, atlas::SheetText> {
    let mut texts = BTreeMap::new();
    if lang != Lang::En {
        for d in &run.scenes {
            if d.sheets.is_none() {
                continue;
            }
            let prefix = if d.dir.is_empty() {
                "maps/".to_string()
            } else {
                format!("{}/maps/", d.dir)
            };
            match crate::sheets::compose_in(&root.join(&d.dir), lang) {
                Ok(sheets) => {
                    for s in sheets {
                        texts.insert(
                            format!("{prefix}{}", s.svg_name),
                            atlas::SheetText {
                                title: s.title,
                                svg: s.svg,
                            },
                        );
                    }
                }
                Err(e) => tracing::warn!(
                    "the {} report and atlas keep the English sheets of scene {}: {e}",
                    lang.tag(),
                    d.id
                ),
            }
        }
    }
    texts
}

/// The sheets of the atlas's `items`: `translated` ones, the rest read from the files.
fn atlas_sheets(
    items: &[atlas::AtlasItem],
    translated: &BTreeMap<String, atlas::SheetText>,
    root: &Path,
) -> Result<BTreeMap<String, atlas::SheetText>> {
    let mut texts = translated.clone();
    for s in items.iter().flat_map(atlas::AtlasItem::sheets) {
        if !texts.contains_key(&s.svg) {
            let svg = read_text(root, &s.svg)?;
            texts.insert(
                s.svg.clone(),
                atlas::SheetText {
                    title: s.title.clone(),
                    svg,
                },
            );
        }
    }
    Ok(texts)
}

/// The atlas of `lang`: contents, then per scene its overview and one page per zone with its
/// thermal and orthophoto sheets side by side.
/// `translated` as for [`report_pdf`].
pub fn atlas_pdf(
    run: &RunData,
    lang: Lang,
    root: &Path,
    translated: &BTreeMap<String, atlas::SheetText>,
) -> Result<Vec<u8>> {
    let fonts = fonts(lang)?;
    let items = atlas::atlas_items(run);
    let texts = atlas_sheets(&items, translated, root)?;
    let pages = atlas::atlas_pages(&items, &texts, lang, &run.survey, &fonts.family);
    let title = format!("{} — {}", lang.t("atlas"), run.survey);
    pages_to_pdf(&pages, &fonts, &atlas_name(lang), &title, lang)
}

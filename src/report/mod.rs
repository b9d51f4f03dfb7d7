//! The fire-risk assessment report of a run (`seamfire report ROOT`, `report = true` in a
//! pipeline): `report.html` (self-contained), `report.pdf`, the tables as CSV, and `atlas.pdf`
//! (every map sheet on vector pages, a zone's thermal and orthophoto sheets side by side; one
//! atlas per language). See `docs/report.md`.
//!
//! * [`read`] reads a run's outputs (I/O);
//! * [`model`] turns them into what the report says, [`tables`] into translated tables,
//!   [`html`] into the page (pure);
//! * [`pdf`] lays the same content out on A4 pages and writes PDFs with krilla.

pub mod atlas;
pub mod html;
pub mod i18n;
pub mod layout;
pub mod model;
pub mod pdf;
pub mod read;
pub mod tables;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use i18n::Lang;

use crate::error::{Error, Result};
use crate::io;

/// What to write.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportOptions {
    /// One report (HTML, PDF, CSV) per language.
    pub langs: Vec<Lang>,
    /// Also `report*.pdf`.
    pub pdf: bool,
    /// Also the atlas in every language (`atlas.pdf`, `atlas.zh-CN.pdf`).
    pub atlas: bool,
    /// Also the STAC catalog (`catalog.json`, …).
    pub catalog: bool,
}

impl Default for ReportOptions {
    fn default() -> Self {
        Self {
            langs: vec![Lang::En],
            pdf: true,
            atlas: true,
            catalog: true,
        }
    }
}

/// `data:` URIs of the report's images, read from `root`. A missing image is an error naming
/// it (the sheets index promised it).
fn images(root: &Path, paths: &[String]) -> Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for p in paths {
        if out.contains_key(p) {
            continue;
        }
        let path = root.join(p);
        let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
        let mime = if p.ends_with(".svg") {
            "image/svg+xml"
        } else {
            "image/png"
        };
        out.insert(
            p.clone(),
            format!(
                "data:{mime};base64,{}",
                crate::sheets::encode::base64(&bytes)
            ),
        );
    }
    Ok(out)
}

/// `images` with every PNG sheet whose translated SVG is in `translated` (same path, `.svg`)
/// replaced by that SVG as a data URI; the keys (the `data-src` paths) stay the PNG files'.
fn translated_images(
    images: &BTreeMap<String, String>,
    translated: &BTreeMap<String, atlas::SheetText>,
) -> BTreeMap<String, String> {
    images
        .iter()
        .map(|(path, uri)| {
            let svg = path
                .strip_suffix(".png")
                .and_then(|stem| translated.get(&format!("{stem}.svg")));
            let uri = svg.map_or_else(
                || uri.clone(),
                |t| {
                    format!(
                        "data:image/svg+xml;base64,{}",
                        crate::sheets::encode::base64(t.svg.as_bytes())
                    )
                },
            );
            (path.clone(), uri)
        })
        .collect()
}

/// Writes the report files of the run at `root` into `root`; all appear together or none.
/// Returns the files written.
pub fn write_report(root: &Path, opts: &ReportOptions) -> Result<Vec<PathBuf>> {
    let run = read::read_run(root)?;
    let report = model::build(&run);
    let paths = html::image_paths(&report);
    let imgs = images(root, &paths)?;
    let root_name = root
        .canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| root.display().to_string());
    let mut staged = Vec::new();
    for &lang in &opts.langs {
        let stem = lang.stem();
        // Other languages show the map sheets with translated labels: in the PDFs, and in the
        // HTML as the translated SVG in place of the English PNG.
        let translated = pdf::translated_sheets(&run, lang, root);
        let imgs = translated_images(&imgs, &translated);
        let page = html::render(&report, lang, &imgs, &root_name);
        staged.push(io::stage_bytes(
            &root.join(format!("{stem}.html")),
            page.as_bytes(),
        )?);
        for t in [
            tables::scenes(&report, lang),
            tables::known(&report, lang),
            tables::sites(&report, lang),
            tables::provenance(&report, lang),
            tables::parameters(&report, lang),
        ] {
            let name = match lang {
                Lang::En => format!("report_{}.csv", t.name),
                other => format!("report_{}.{}.csv", t.name, other.tag()),
            };
            staged.push(io::stage_bytes(
                &root.join(name),
                tables::to_csv(&t, lang).as_bytes(),
            )?);
        }
        if opts.pdf {
            let bytes = pdf::report_pdf(&report, lang, root, &root_name, &translated)?;
            staged.push(io::stage_bytes(&root.join(format!("{stem}.pdf")), &bytes)?);
        }
        if opts.atlas {
            let bytes = pdf::atlas_pdf(&run, lang, root, &translated)?;
            staged.push(io::stage_bytes(&root.join(pdf::atlas_name(lang)), &bytes)?);
        }
    }
    // A catalog describes a season root; a single scene directory has none.
    if opts.catalog && run.scenes.iter().any(|s| !s.dir.is_empty()) {
        let written: std::collections::BTreeSet<PathBuf> =
            staged.iter().map(|s| s.dest().to_path_buf()).collect();
        let exists = |rel: &str| {
            let p = root.join(rel);
            written.contains(&p) || p.is_file()
        };
        for (rel, value) in crate::stac::catalog(&run, &exists) {
            let text = serde_json::to_string_pretty(&value)
                .map_err(|e| Error::Usage(format!("{rel}: cannot serialise: {e}")))?;
            staged.push(io::stage_bytes(&root.join(&rel), (text + "\n").as_bytes())?);
        }
    }
    io::commit_all(staged)
}

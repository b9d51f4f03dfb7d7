//! Map sheets of a detection output directory (`docs/products.md`, "Map sheets"): for every
//! known zone and the fire zones that matter, a thermal sheet (over `thermal_map.tif`) and an
//! orthophoto sheet (over `orthophoto.tif`) clipped to the zones plus a margin, and one
//! overview sheet; each as SVG (text as text) and PNG (rendered by resvg with an embedded
//! font) in `DIR/maps/`.
//!
//! Pure parts: [`select`] (which sheets, merging of neighbours), [`layout`] (page geometry,
//! scale bar, ticks), [`compose`] (titles, notes), [`svg`] (SVG text), [`encode`] (base64,
//! PNG DPI). I/O: `read` (GDAL/OGR reads of the directory), `render` (SVG → PNG) and
//! [`write_sheets`] (atomic writing).

pub mod compose;
pub mod encode;
pub mod i18n;
pub mod layout;
mod read;
mod render;
pub mod select;
pub mod svg;
mod translate;

use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::io::{Staged, commit_all};
use compose::{SheetKind, overview_content, overview_view, sheet_content, sheet_view};
use layout::{MIN_PAGE_MM, page_layout};
use select::{Extent, KnownRef, ZoneRef, plan_groups};
use svg::{Background, SheetContent, sheet_svg};

pub use read::read_thermal_legend;
pub use render::{pixel_size, svg_to_png};
pub use select::SheetCount;
pub use translate::{ComposedSheet, compose_in};

/// Sub-directory of the output directory the sheets go to.
pub const MAPS_DIR: &str = "maps";
/// Index of the sheets written, in [`MAPS_DIR`].
pub const INDEX_FILE: &str = "sheets.json";

/// How many sheets, and how they look.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetOptions {
    /// Fire zones with a sheet of their own (known zones always have one).
    pub count: SheetCount,
    /// Ground distance shown around the zones, and below which neighbours share a sheet, m.
    pub margin_m: f64,
    /// Resolution of the PNG, dots per inch.
    pub dpi: f64,
    /// Page size, mm.
    pub width_mm: f64,
    pub height_mm: f64,
}

impl Default for SheetOptions {
    /// Top 20 zones, 300 m margin, A4 landscape (297 × 210 mm) at 150 dpi.
    fn default() -> Self {
        Self {
            count: SheetCount::default(),
            margin_m: 300.0,
            dpi: 150.0,
            width_mm: 297.0,
            height_mm: 210.0,
        }
    }
}

/// Largest PNG accepted, pixels.
const MAX_PIXELS: f64 = 100e6;

impl SheetOptions {
    /// Usage errors for sizes and resolutions that cannot make a sheet.
    pub fn validate(&self) -> Result<()> {
        let bad = |m: String| Err(Error::Usage(m));
        if !(self.margin_m.is_finite() && self.margin_m >= 0.0) {
            return bad(format!(
                "sheet margin must be 0 m or more, not {}",
                self.margin_m
            ));
        }
        if !(self.dpi.is_finite() && (30.0..=1200.0).contains(&self.dpi)) {
            return bad(format!("sheet DPI must be 30–1200, not {}", self.dpi));
        }
        let (w, h) = (self.width_mm, self.height_mm);
        if !(w.is_finite() && h.is_finite())
            || w.max(h) < MIN_PAGE_MM.0
            || w.min(h) < MIN_PAGE_MM.1
            || w.max(h) > 2000.0
        {
            return bad(format!(
                "sheet size {w} x {h} mm: each side 100–2000 mm and the longer at least 150 mm"
            ));
        }
        let (pw, ph) = pixel_size(w, h, self.dpi);
        if f64::from(pw) * f64::from(ph) > MAX_PIXELS {
            return bad(format!(
                "sheet of {pw} x {ph} pixels is too large: lower the DPI or the page size"
            ));
        }
        Ok(())
    }
}

/// One sheet to render: its file stem, content and index record.
struct Job {
    stem: String,
    content: SheetContent,
    record: serde_json::Value,
}

fn record(
    stem: &str,
    kind: &str,
    zones: &[u32],
    known: &[String],
    content: &SheetContent,
) -> serde_json::Value {
    let e = content.view.extent;
    serde_json::json!({
        "svg": format!("{stem}.svg"),
        "png": format!("{stem}.png"),
        "kind": kind,
        "title": content.title,
        "zones": zones,
        "known_zones": known,
        "extent": [e.xmin, e.ymin, e.xmax, e.ymax],
        "scale": svg::round_scale(content.view.scale_denominator(content.metres_per_unit)),
    })
}

fn is_sheet_file(name: &str) -> bool {
    let stem_ok =
        name.starts_with("zone_") || name.starts_with("known_") || name.starts_with("overview.");
    stem_ok && (name.ends_with(".svg") || name.ends_with(".png"))
}

/// The sheets of a directory's inputs with their contents (zone sheets in group order, thermal
/// before orthophoto, then the overview), labels in `lang`.
fn plan_jobs(inputs: &read::DirInputs, opts: &SheetOptions, lang: i18n::Lang) -> Result<Vec<Job>> {
    let data = &inputs.data;
    let layout = page_layout(opts.width_mm, opts.height_mm);
    // Zones at known non-fire heat sources (`--exclude`) get no sheet of their own; they are
    // still drawn on the sheets that cover them.
    let zone_refs: Vec<ZoneRef> = data
        .zones
        .iter()
        .filter(|z| z.status.as_deref() != Some("excluded"))
        .map(|z| z.zone.clone())
        .collect();
    let known_refs: Vec<KnownRef> = data
        .known
        .iter()
        .map(|k| KnownRef {
            id: k.id.clone(),
            extent: k.extent,
        })
        .collect();
    // The margin is a ground distance; on a geographic grid it becomes degrees at the data's
    // latitude (`metres_per_unit`, as for the scale bar).
    let margin = opts.margin_m / data.metres_per_unit;
    let groups = plan_groups(&zone_refs, &known_refs, opts.count, margin);

    let mut sources: Vec<(SheetKind, &Path, Background)> = Vec::new();
    if let Some((p, legend)) = &inputs.thermal {
        sources.push((SheetKind::Thermal, p, Background::Thermal(legend.clone())));
    }
    if let Some((p, description)) = &inputs.ortho {
        sources.push((
            SheetKind::Ortho,
            p,
            Background::Ortho {
                description: description.clone(),
            },
        ));
    }

    // Crops are read on this thread (GDAL); rendering runs in parallel below.
    let mut jobs: Vec<Job> = Vec::new();
    let mut frames: Vec<Extent> = Vec::new();
    for g in &groups {
        let view = sheet_view(&layout, g, data.pixel_size);
        frames.push(view.extent);
        for (kind, path, background) in &sources {
            let image = read::read_crop(path, &inputs.georef, &view, opts.dpi)?;
            let content = sheet_content(
                lang,
                data,
                layout,
                view,
                g,
                *kind,
                background.clone(),
                image,
            );
            let stem = format!("{}_{}", g.stem, kind.suffix());
            let record = record(&stem, kind.suffix(), &g.zone_ids, &g.known_ids, &content);
            jobs.push(Job {
                stem,
                content,
                record,
            });
        }
    }
    let Some((_, path, background)) = sources.first() else {
        return Err(Error::Usage(
            "neither thermal_map.tif nor orthophoto.tif is there: no sheet to compose".into(),
        ));
    };
    let view = overview_view(&layout, data);
    let image = read::read_crop(path, &inputs.georef, &view, opts.dpi)?;
    let content = overview_content(lang, data, layout, view, frames, background.clone(), image);
    let all_zones: Vec<u32> = data.zones.iter().map(|z| z.zone.id).collect();
    let all_known: Vec<String> = data.known.iter().map(|k| k.id.clone()).collect();
    let record = record("overview", "overview", &all_zones, &all_known, &content);
    jobs.push(Job {
        stem: "overview".into(),
        content,
        record,
    });
    Ok(jobs)
}

/// Writes the map sheets of the `seamfire detect` output directory `dir` into `dir/maps/`
/// and returns the files written (SVG and PNG of every sheet, then `sheets.json`).
///
/// Reads `detection.json`, `anomaly.tif`, `fire_zones.geojson`, `hotspots.geojson`,
/// `known_zones.geojson` (the GeoJSON files when present), and `thermal_map.tif` with
/// `thermal_map.json` and/or `orthophoto.tif`; at least one of the two rasters must be there.
/// Sheets: `known_<id>_{thermal,ortho}` and `zone_<NNN>_{thermal,ortho}` (see
/// [`select::plan_groups`]) and `overview` (over the thermal map, else the orthophoto). All
/// files are staged and renamed together; sheet files of an earlier run that this run did not
/// write are then removed.
pub fn write_sheets(dir: &Path, opts: &SheetOptions) -> Result<Vec<PathBuf>> {
    opts.validate()?;
    let t0 = Instant::now();
    let inputs = read::read_inputs(dir)?;
    if inputs.thermal.is_none() && inputs.ortho.is_none() {
        return Err(Error::input(
            dir,
            "neither thermal_map.tif nor orthophoto.tif is there: render the thermal map or \
             the orthophoto before the map sheets",
        ));
    }
    let jobs = plan_jobs(&inputs, opts, i18n::Lang::En)?;
    let t_read = t0.elapsed().as_secs_f64();

    let maps = dir.join(MAPS_DIR);
    std::fs::create_dir_all(&maps).map_err(|e| Error::io(&maps, e))?;
    let (pw, ph) = pixel_size(opts.width_mm, opts.height_mm, opts.dpi);
    let t1 = Instant::now();
    let staged: Vec<Result<[Staged; 2]>> = jobs
        .par_iter()
        .map(|job| {
            let svg_path = maps.join(format!("{}.svg", job.stem));
            let png_path = maps.join(format!("{}.png", job.stem));
            let text = sheet_svg(&job.content);
            let svg = crate::io::stage_bytes(&svg_path, text.as_bytes())?;
            let png_bytes =
                svg_to_png(&text, pw, ph, opts.dpi).map_err(|m| Error::input(&png_path, m))?;
            let png = crate::io::stage_bytes(&png_path, &png_bytes)?;
            Ok([svg, png])
        })
        .collect();
    let mut all: Vec<Staged> = Vec::with_capacity(2 * jobs.len() + 1);
    for s in staged {
        all.extend(s?);
    }
    let index = serde_json::json!({
        "page_mm": [opts.width_mm, opts.height_mm],
        "dpi": opts.dpi,
        "png_px": [pw, ph],
        "margin_m": opts.margin_m,
        "crs": inputs.data.crs_label,
        "sheets": jobs.iter().map(|j| j.record.clone()).collect::<Vec<_>>(),
    });
    let index_path = maps.join(INDEX_FILE);
    let text = serde_json::to_string_pretty(&index)
        .map_err(|e| Error::input(&index_path, e.to_string()))?;
    all.push(crate::io::stage_bytes(&index_path, text.as_bytes())?);
    let written = commit_all(all)?;

    // Sheets of an earlier run that this one did not write would contradict it.
    if let Ok(entries) = std::fs::read_dir(&maps) {
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if is_sheet_file(&name)
                && !written.contains(&path)
                && let Err(e) = std::fs::remove_file(&path)
            {
                tracing::warn!("cannot remove the old sheet {}: {e}", path.display());
            }
        }
    }
    tracing::info!(
        sheets = jobs.len(),
        read_s = t_read,
        render_s = t1.elapsed().as_secs_f64(),
        "wrote {} map sheets to {}",
        jobs.len(),
        maps.display()
    );
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_are_checked() {
        assert!(SheetOptions::default().validate().is_ok());
        let bad = [
            SheetOptions {
                dpi: 10.0,
                ..Default::default()
            },
            SheetOptions {
                margin_m: -1.0,
                ..Default::default()
            },
            SheetOptions {
                width_mm: 90.0,
                ..Default::default()
            },
            SheetOptions {
                width_mm: f64::NAN,
                ..Default::default()
            },
            SheetOptions {
                dpi: 1200.0,
                width_mm: 841.0,
                height_mm: 594.0,
                ..Default::default()
            },
        ];
        for o in bad {
            assert!(matches!(o.validate(), Err(Error::Usage(_))), "{o:?}");
        }
        // Portrait is fine.
        let p = SheetOptions {
            width_mm: 210.0,
            height_mm: 297.0,
            ..Default::default()
        };
        assert!(p.validate().is_ok());
        assert!(is_sheet_file("zone_001_thermal.png"));
        assert!(is_sheet_file("overview.svg"));
        assert!(!is_sheet_file("sheets.json"));
        assert!(!is_sheet_file("notes.png"));
    }
}

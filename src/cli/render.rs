//! `seamfire render`: map products (thermal map, orthophotos, map sheets, QGIS styles and
//! project) of an existing `seamfire detect` output directory (`docs/products.md`); the same
//! flags choose the products `seamfire detect` writes.

use std::path::PathBuf;

use crate::error::{Error, Result};
use crate::render::{Palette, Range, RangeChoice};
use crate::sheets::{SheetCount, SheetOptions};
use crate::stage::render::{Products, RenderOptions, render_products_with};

/// Which map products to write and how (shared by `detect` and `render`).
#[derive(Debug, Clone, clap::Args)]
pub struct ProductArgs {
    /// Map products: a comma-separated list of thermal, ortho, sheets, qgis (or all, none).
    #[arg(long, value_name = "LIST", default_value = "thermal,ortho,sheets,qgis", value_parser = parse_products)]
    pub products: Products,
    /// Fixed temperature range of the thermal map in kelvin, MIN:MAX (e.g. 270:340).
    /// Default: 2nd–98th percentile of bt.tif, widened to 0.1 K.
    #[arg(long, value_name = "MIN:MAX", value_parser = parse_range, allow_hyphen_values = true)]
    pub range_k: Option<Range>,
    /// Thermal palette: inferno or magma.
    #[arg(long, default_value = "inferno", value_parser = parse_palette)]
    pub palette: Palette,
    /// Pan-sharpen the true-colour orthophoto with B8 (Brovey, on a grid of half the pixel
    /// size) when the scene has a B8 band.
    #[arg(long)]
    pub pansharpen: bool,
    /// An RGB orthophoto GeoTIFF (e.g. a drone mosaic, 8- or 16-bit) to render as
    /// orthophoto.tif instead of the scene's optical bands; warped onto the detection grid.
    #[arg(long, value_name = "FILE")]
    pub orthophoto: Option<PathBuf>,
    /// Fire zones with a map sheet of their own: a number (top by risk class, then delta) or
    /// `all`. Known zones always get one.
    #[arg(long, value_name = "N|all", default_value = "20", value_parser = parse_sheet_count)]
    pub sheets: SheetCount,
    /// Map sheet PNG resolution, dots per inch.
    #[arg(long, default_value_t = 150.0)]
    pub sheet_dpi: f64,
    /// Ground margin around the zones of a sheet (neighbours closer than it share a sheet), m.
    #[arg(long, default_value_t = 300.0)]
    pub sheet_margin_m: f64,
}

impl ProductArgs {
    /// The render options these flags ask for.
    pub fn options(&self) -> Result<RenderOptions> {
        if let Some(p) = &self.orthophoto
            && !p.exists()
        {
            return Err(Error::input(p, "file not found"));
        }
        let sheets = SheetOptions {
            count: self.sheets,
            margin_m: self.sheet_margin_m,
            dpi: self.sheet_dpi,
            ..SheetOptions::default()
        };
        if self.products.sheets {
            sheets.validate()?;
        }
        Ok(RenderOptions {
            range: self.range_k.map_or(RangeChoice::Robust, RangeChoice::Fixed),
            palette: self.palette,
            pansharpen: self.pansharpen,
            orthophoto: self.orthophoto.clone(),
            sheets,
        })
    }
}

fn parse_products(s: &str) -> std::result::Result<Products, String> {
    s.parse()
}

fn parse_range(s: &str) -> std::result::Result<Range, String> {
    Range::parse(s)
}

fn parse_palette(s: &str) -> std::result::Result<Palette, String> {
    Palette::from_name(s).ok_or_else(|| format!("{s:?}: expected inferno or magma"))
}

fn parse_sheet_count(s: &str) -> std::result::Result<SheetCount, String> {
    if s.trim().eq_ignore_ascii_case("all") {
        return Ok(SheetCount::All);
    }
    s.trim()
        .parse::<usize>()
        .map(SheetCount::Top)
        .map_err(|_| format!("{s:?}: expected a number of zones or `all`"))
}

/// Arguments of `seamfire render`.
#[derive(Debug, clap::Args)]
pub struct RenderArgs {
    /// Output directory of `seamfire detect` (holds detection.json, anomaly.tif, bt.tif, …).
    pub dir: PathBuf,
    #[command(flatten)]
    pub products: ProductArgs,
    /// Print the files written as JSON.
    #[arg(long)]
    pub json: bool,
}

/// GDAL's block cache while rendering, as `calibrate`'s cap.
const RENDER_GDAL_CACHE_BYTES: u64 = 128 << 20;

pub fn run(a: &RenderArgs) -> Result<()> {
    if !a.dir.is_dir() {
        return Err(Error::input(&a.dir, "not a directory"));
    }
    let opts = a.products.options()?;
    // The map products stream through GDAL's block cache; a larger cache than calibrate's cap
    // does not make the COG builds faster, it only fills memory (docs/performance.md).
    // GDAL_CACHEMAX in the environment, when set, is the user's choice.
    if std::env::var_os("GDAL_CACHEMAX").is_none() {
        crate::io::set_gdal_cache_bytes(RENDER_GDAL_CACHE_BYTES);
    }
    let written = render_products_with(&a.dir, &a.products.products, &opts)?;
    if a.json {
        return super::print_json(&serde_json::json!({ "written": written }));
    }
    if super::quiet() {
        return Ok(());
    }
    println!("wrote {} files to {}", written.len(), a.dir.display());
    for p in &written {
        if let Ok(rel) = p.strip_prefix(&a.dir) {
            println!("  {}", rel.display());
        }
    }
    Ok(())
}

//! SVG → PNG through resvg, with DejaVu Sans compiled into the binary so that rendering never
//! depends on the fonts installed on the machine.

use std::sync::{Arc, OnceLock};

use resvg::tiny_skia;
use resvg::usvg::{self, fontdb};

use super::encode::with_dpi;
use super::svg::FONT_FAMILY;

/// DejaVu Sans (Bitstream Vera licence, `assets/fonts/LICENSE-DejaVu.txt`).
static DEJAVU_SANS: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// A font database holding only the embedded DejaVu Sans, which also stands in for every
/// generic family.
fn fonts() -> Arc<fontdb::Database> {
    static DB: OnceLock<Arc<fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = fontdb::Database::new();
        db.load_font_data(DEJAVU_SANS.to_vec());
        db.set_sans_serif_family(FONT_FAMILY);
        db.set_serif_family(FONT_FAMILY);
        db.set_monospace_family(FONT_FAMILY);
        db.set_cursive_family(FONT_FAMILY);
        db.set_fantasy_family(FONT_FAMILY);
        Arc::new(db)
    })
    .clone()
}

/// Pixel size of a `width_mm × height_mm` page at `dpi`: `round(mm / 25.4 × dpi)`.
pub fn pixel_size(width_mm: f64, height_mm: f64, dpi: f64) -> (u32, u32) {
    let px = |mm: f64| (mm / 25.4 * dpi).round().max(1.0) as u32;
    (px(width_mm), px(height_mm))
}

/// Renders SVG text onto a white `width_px × height_px` canvas (the SVG's page stretched to
/// it) and encodes it as PNG carrying `dpi`. Errors are messages for the caller to attach to
/// a file name.
pub fn svg_to_png(svg: &str, width_px: u32, height_px: u32, dpi: f64) -> Result<Vec<u8>, String> {
    let opt = usvg::Options {
        font_family: FONT_FAMILY.to_string(),
        fontdb: fonts(),
        // No file is ever read: the map is embedded as a data URL.
        resources_dir: None,
        ..Default::default()
    };
    let tree = usvg::Tree::from_str(svg, &opt).map_err(|e| format!("SVG not understood: {e}"))?;
    let mut pixmap = tiny_skia::Pixmap::new(width_px, height_px)
        .ok_or_else(|| format!("cannot allocate a {width_px}x{height_px} image"))?;
    pixmap.fill(tiny_skia::Color::WHITE);
    let size = tree.size();
    let transform = tiny_skia::Transform::from_scale(
        width_px as f32 / size.width(),
        height_px as f32 / size.height(),
    );
    resvg::render(&tree, transform, &mut pixmap.as_mut());
    let png = pixmap
        .encode_png()
        .map_err(|e| format!("PNG encoding failed: {e}"))?;
    with_dpi(&png, dpi).ok_or_else(|| "PNG encoder wrote no IHDR".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_renders_with_the_embedded_font() {
        assert_eq!(fonts().faces().count(), 1);
        let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" width="40mm" height="20mm" viewBox="0 0 40 20"><text x="2" y="14" font-size="12" font-family="sans-serif">N°</text></svg>"#;
        let png = svg_to_png(svg, 160, 80, 101.6).unwrap();
        let img = image::load_from_memory(&png).unwrap().to_rgba8();
        assert_eq!(img.dimensions(), (160, 80));
        let dark = img.pixels().filter(|p| p.0[0] < 128).count();
        assert!(dark > 100, "text was drawn: {dark} dark pixels");
        assert_eq!(pixel_size(297.0, 210.0, 150.0), (1754, 1240));
        assert!(svg_to_png("<svg", 10, 10, 96.0).is_err());
    }
}

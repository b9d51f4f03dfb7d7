//! PNG quicklooks with their world file and CRS side-car, and small staged text files.
//!
//! A world file (`.pgw` for `.png`, `.jgw` for `.jpg`) holds six numbers, one per line:
//! `A` pixel width, `D` row rotation, `B` column rotation, `E` pixel height (negative for
//! north-up), `C`, `F` map coordinates of the **centre** of the top-left pixel. GDAL's
//! geotransform `[x0, dx, rx, y0, ry, dy]` names the top-left **corner**, so
//! `A = dx, D = ry, B = rx, E = dy, C = x0 + dx/2 + rx/2, F = y0 + ry/2 + dy/2`.
//! The CRS goes into `<image>.aux.xml` (GDAL's PAM side-car, `<PAMDataset><SRS>WKT</SRS>`),
//! which GDAL and QGIS read together with the world file.

use std::path::{Path, PathBuf};

use image::ImageEncoder;
use image::codecs::png::{CompressionType, FilterType, PngEncoder};

use super::atomic::Staged;
use crate::error::{Error, Result};
use crate::raster::GeoTransform;
use crate::render::Rgba8Image;

/// The six lines of a world file for an image on `gt` (pixel-centre convention).
pub fn world_file_text(gt: &GeoTransform) -> String {
    let g = gt.0;
    let (c, f) = gt.pixel_to_map(0.5, 0.5);
    format!("{}\n{}\n{}\n{}\n{}\n{}\n", g[1], g[4], g[2], g[5], c, f)
}

/// The world-file name of an image: extension's first and last letters plus `w`
/// (`thermal_map.png` → `thermal_map.pgw`, `x.jpg` → `x.jgw`, `x.tif` → `x.tfw`).
pub fn world_file_path(image: &Path) -> PathBuf {
    let ext = image
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let mut chars = ext.chars();
    let wext = match (chars.next(), chars.last()) {
        (Some(a), Some(b)) => format!("{a}{b}w"),
        (Some(a), None) => format!("{a}w"),
        _ => "wld".into(),
    };
    image.with_extension(wext)
}

/// The GDAL PAM side-car `<image>.aux.xml` text carrying the CRS (traditional GIS axis order,
/// easting/longitude first).
pub fn aux_xml_text(crs_wkt: &str) -> String {
    format!(
        "<PAMDataset>\n  <SRS dataAxisToSRSAxisMapping=\"1,2\">{}</SRS>\n</PAMDataset>\n",
        crate::qgis::xml::escape(crs_wkt)
    )
}

/// PNG bytes of an RGBA image (8-bit, with alpha). A quicklook is for looking: fast
/// compression (on a full-scene thermal map 12 % larger than the default level, and the map
/// renders 8–13 % faster; docs/performance.md).
pub fn encode_png(img: &Rgba8Image) -> std::result::Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let (w, h) = (
        u32::try_from(img.width).map_err(|e| e.to_string())?,
        u32::try_from(img.height).map_err(|e| e.to_string())?,
    );
    PngEncoder::new_with_quality(&mut out, CompressionType::Fast, FilterType::Adaptive)
        .write_image(&img.data, w, h, image::ExtendedColorType::Rgba8)
        .map_err(|e| e.to_string())?;
    Ok(out)
}

/// Stages an RGBA PNG quicklook at `dest` (`….png`) with its world file and, when the image
/// has a CRS, `<dest>.aux.xml`. Returns the staged files (PNG first).
pub fn stage_png_quicklook(img: &Rgba8Image, dest: &Path) -> Result<Vec<Staged>> {
    let png = encode_png(img).map_err(|e| Error::input(dest, format!("cannot encode PNG: {e}")))?;
    let mut staged = vec![super::stage_bytes(dest, &png)?];
    staged.push(super::stage_bytes(
        &world_file_path(dest),
        world_file_text(&img.georef.transform).as_bytes(),
    )?);
    if !img.georef.crs_wkt.is_empty() {
        let mut aux = dest.as_os_str().to_owned();
        aux.push(".aux.xml");
        staged.push(super::stage_bytes(
            Path::new(&aux),
            aux_xml_text(&img.georef.crs_wkt).as_bytes(),
        )?);
    }
    Ok(staged)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn world_file_is_shifted_to_the_pixel_centre() {
        let gt = GeoTransform([452_475.0, 30.0, 0.0, 3_408_645.0, 0.0, -30.0]);
        assert_eq!(world_file_text(&gt), "30\n0\n0\n-30\n452490\n3408630\n");
        let rotated = GeoTransform([100.0, 2.0, 0.5, 200.0, 0.25, -2.0]);
        // C = 100 + 1 + 0.25, F = 200 + 0.125 - 1.
        assert_eq!(
            world_file_text(&rotated),
            "2\n0.25\n0.5\n-2\n101.25\n199.125\n"
        );
    }

    #[test]
    fn world_file_names() {
        assert_eq!(
            world_file_path(Path::new("/d/thermal_map.png")),
            Path::new("/d/thermal_map.pgw")
        );
        assert_eq!(world_file_path(Path::new("o.jpg")), Path::new("o.jgw"));
        assert_eq!(world_file_path(Path::new("o.tif")), Path::new("o.tfw"));
    }

    #[test]
    fn aux_xml_escapes_the_wkt() {
        let t = aux_xml_text("PROJCS[\"a<b&c\"]");
        assert!(t.contains("PROJCS[&quot;a&lt;b&amp;c&quot;]"), "{t}");
        assert!(t.starts_with("<PAMDataset>"));
    }
}

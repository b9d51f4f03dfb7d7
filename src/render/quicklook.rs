//! Quicklooks: the map images reduced to at most [`QUICKLOOK_MAX_PX`] pixels on the long side
//! by block averaging (full resolution when the grid is already that small).

use super::image::Rgba8Image;
use crate::raster::{GeoTransform, Georef};

/// Longest side of a quicklook, in pixels.
pub const QUICKLOOK_MAX_PX: usize = 4096;

/// The integer reduction factor that brings `width × height` to at most `max_px` on the long
/// side (1 when it already fits).
pub fn quicklook_factor(width: usize, height: usize, max_px: usize) -> usize {
    width.max(height).div_ceil(max_px.max(1)).max(1)
}

/// The grid of an image reduced by `factor`: same origin, pixel size times `factor`.
pub fn reduced_georef(georef: &Georef, factor: usize) -> Georef {
    let g = georef.transform.0;
    let f = factor as f64;
    Georef {
        transform: GeoTransform([g[0], g[1] * f, g[2] * f, g[3], g[4] * f, g[5] * f]),
        ..georef.clone()
    }
}

/// `img` reduced by `factor`: each output pixel covers a `factor × factor` block (the last
/// row and column of blocks may be partial and are averaged over the pixels they hold). Colours
/// are alpha-weighted means (transparent pixels do not darken the edges), alpha is the mean
/// alpha. The geotransform keeps its origin and scales its pixel size by `factor`.
pub fn downsample(img: &Rgba8Image, factor: usize) -> Rgba8Image {
    if factor <= 1 {
        return img.clone();
    }
    let (w, h) = (img.width.div_ceil(factor), img.height.div_ceil(factor));
    let mut out = Rgba8Image::transparent(w, h, reduced_georef(&img.georef, factor));
    for row in 0..h {
        for col in 0..w {
            let mut sum = [0u64; 4];
            let mut n = 0u64;
            for r in row * factor..((row + 1) * factor).min(img.height) {
                for c in col * factor..((col + 1) * factor).min(img.width) {
                    let [pr, pg, pb, pa] = img.pixel(r, c);
                    let a = u64::from(pa);
                    sum[0] += u64::from(pr) * a;
                    sum[1] += u64::from(pg) * a;
                    sum[2] += u64::from(pb) * a;
                    sum[3] += a;
                    n += 1;
                }
            }
            if sum[3] == 0 || n == 0 {
                continue;
            }
            let avg = |s: u64| ((s + sum[3] / 2) / sum[3]) as u8;
            let alpha = ((sum[3] + n / 2) / n) as u8;
            out.set(row, col, [avg(sum[0]), avg(sum[1]), avg(sum[2]), alpha]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn factor_fits_the_long_side() {
        assert_eq!(quicklook_factor(627, 603, 4096), 1);
        assert_eq!(quicklook_factor(7801, 7901, 4096), 2);
        assert_eq!(quicklook_factor(10, 9000, 4096), 3);
    }

    #[test]
    fn downsample_averages_opaque_pixels() {
        let georef = Georef {
            transform: GeoTransform([10.0, 30.0, 0.0, 100.0, 0.0, -30.0]),
            crs_wkt: String::new(),
            epsg: None,
            ground_m_per_unit: None,
        };
        let mut img = Rgba8Image::transparent(3, 2, georef);
        img.set(0, 0, [100, 0, 0, 255]);
        img.set(0, 1, [200, 0, 0, 255]);
        img.set(1, 0, [0, 0, 0, 0]);
        img.set(1, 1, [150, 30, 0, 255]);
        img.set(0, 2, [9, 9, 9, 255]);
        let q = downsample(&img, 2);
        assert_eq!((q.width, q.height), (2, 1));
        assert_eq!(q.georef.transform.0, [10.0, 60.0, 0.0, 100.0, 0.0, -60.0]);
        // (100 + 200 + 150) / 3 = 150, alpha 3/4 of 255.
        assert_eq!(q.pixel(0, 0), [150, 10, 0, 191]);
        // Partial block: one opaque pixel of two.
        assert_eq!(q.pixel(0, 1), [9, 9, 9, 128]);
        assert_eq!(downsample(&img, 1), img);
    }
}

//! Thermal map: a temperature raster (BT, LST or ST in kelvin) coloured with a 256-entry palette
//! spread linearly over a range; NaN pixels are transparent.

use ndarray::Array2;
use rayon::prelude::*;

use super::image::Rgba8Image;
use super::palette::{Palette, palette_index};
use super::stretch::{Range, robust_range};
use crate::raster::Raster;

/// Legend step: robust ranges are widened outwards to multiples of 0.1 K.
pub const RANGE_STEP_K: f64 = 0.1;

/// How the colour range is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum RangeChoice {
    /// 2nd–98th percentile of the valid pixels, widened outwards to 0.1 K.
    #[default]
    Robust,
    /// A fixed range in kelvin (`--range-k 270:340`), used as given.
    Fixed(Range),
}

/// The range the thermal map uses for `t`; `None` when `t` has no valid pixel and no fixed
/// range was given.
pub fn thermal_range(t: &Array2<f32>, choice: RangeChoice) -> Option<Range> {
    match choice {
        RangeChoice::Fixed(r) => Some(r),
        RangeChoice::Robust => robust_range(t.iter().copied()).map(|r| r.rounded_out(RANGE_STEP_K)),
    }
}

/// Colours `t` with `palette` over `range`: pixel value `v` takes palette entry
/// `round(255 · (v − min)/(max − min))` (clamped, so colder and hotter values take the end
/// colours), alpha 255; NaN pixels are `[0, 0, 0, 0]`.
pub fn render_thermal(t: &Raster<f32>, range: Range, palette: Palette) -> Rgba8Image {
    let (rows, cols) = t.shape();
    let lut = palette.lut();
    let mut img = Rgba8Image::transparent(cols, rows, t.georef.clone());
    let values = t.data.as_standard_layout();
    let values = values.as_slice().unwrap_or(&[]);
    img.data
        .par_chunks_mut(4)
        .zip(values.par_iter())
        .for_each(|(px, &v)| {
            if let Some(i) = palette_index(f64::from(v), range.min, range.max) {
                let [r, g, b] = lut[usize::from(i)];
                px.copy_from_slice(&[r, g, b, 255]);
            }
        });
    img
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raster::{GeoTransform, Georef, Unit};
    use ndarray::array;

    fn raster(data: Array2<f32>) -> Raster<f32> {
        Raster {
            data,
            georef: Georef {
                transform: GeoTransform([100.0, 30.0, 0.0, 500.0, 0.0, -30.0]),
                crs_wkt: String::new(),
                epsg: Some(32616),
                ground_m_per_unit: None,
            },
            nodata: Some(f64::NAN),
            unit: Unit::Kelvin,
        }
    }

    #[test]
    fn known_temperature_gets_its_palette_colour() {
        let t = raster(array![[270.0, 305.0, f32::NAN], [340.0, 250.0, 400.0]]);
        let range = Range::new(270.0, 340.0).unwrap();
        let img = render_thermal(&t, range, Palette::Inferno);
        assert_eq!((img.width, img.height), (3, 2));
        assert_eq!(img.georef, t.georef);
        // 270 K → entry 0, 305 K → entry 128 (127.5 rounds up), 340 K → entry 255.
        assert_eq!(img.pixel(0, 0), [0, 0, 4, 255]);
        let [r, g, b] = Palette::Inferno.rgb8(128);
        assert_eq!(img.pixel(0, 1), [r, g, b, 255]);
        assert_eq!(img.pixel(1, 0), [252, 255, 164, 255]);
        // NaN is transparent; out-of-range values take the end colours.
        assert_eq!(img.pixel(0, 2), [0, 0, 0, 0]);
        assert_eq!(img.pixel(1, 1), [0, 0, 4, 255]);
        assert_eq!(img.pixel(1, 2), [252, 255, 164, 255]);
    }

    #[test]
    fn robust_range_is_rounded_out() {
        let data = Array2::from_shape_fn((10, 10), |(r, c)| 280.03 + (r * 10 + c) as f32 * 0.1);
        let r = thermal_range(&data, RangeChoice::Robust).unwrap();
        // 2nd percentile 280.228, 98th 289.732 → [280.2, 289.8].
        assert!((r.min - 280.2).abs() < 1e-9, "{r:?}");
        assert!((r.max - 289.8).abs() < 1e-9, "{r:?}");
        let fixed = Range::new(270.0, 340.0).unwrap();
        assert_eq!(thermal_range(&data, RangeChoice::Fixed(fixed)), Some(fixed));
        assert_eq!(
            thermal_range(&array![[f32::NAN]], RangeChoice::Robust),
            None
        );
    }
}

//! Spectral water test, for scenes whose QA band cannot say where water is (no QA band among
//! the inputs, or a Collection-1 `BQA`, which has no water bit).
//!
//! Water is open to the sky and cooler than land by day; left in a thermal background it makes
//! every warm shore a "hot spot" (science.md §2.5: background statistics must exclude water, by
//! the QA bit or a spectral test). The test (`docs/calibration.md`, "Water without a QA bit"):
//!
//! * `MNDWI = (ρ_green − ρ_swir1) / (ρ_green + ρ_swir1) > 0` (Xu 2006, Int. J. Remote Sens.
//!   27:3025): water reflects green and absorbs the 1.6 µm band;
//! * and `NDVI = (ρ_nir − ρ_red) / (ρ_nir + ρ_red) < 0`: water absorbs the near infrared more
//!   than red, while terrain shadow on vegetated or bare slopes (which MNDWI confuses with water)
//!   keeps a positive NDVI. MOD14's unmasked-water rule uses the same NDVI sign (science.md §2.2).
//!
//! Snow and ice pass MNDWI (it is the snow index NDSI) but mostly fail the NDVI sign; where they
//! pass both they are masked as water, which for a thermal background they are as good as.

use ndarray::{Array2, Zip};

/// MNDWI above this is water (Xu 2006).
pub const MNDWI_MIN: f32 = 0.0;
/// NDVI below this is water.
pub const NDVI_MAX: f32 = 0.0;

/// Whether one pixel's reflectances (green, red, NIR, SWIR1 at 1.6 µm; TOA or surface) are
/// water. Fill (NaN) in any band is not water.
pub fn is_water(green: f32, red: f32, nir: f32, swir1: f32) -> bool {
    let index = |a: f32, b: f32| {
        let sum = a + b;
        // A non-positive sum (dark pixels with negative surface reflectance) has no index.
        (sum > 0.0).then(|| (a - b) / sum)
    };
    match (index(green, swir1), index(nir, red)) {
        (Some(mndwi), Some(ndvi)) => mndwi > MNDWI_MIN && ndvi < NDVI_MAX,
        _ => false,
    }
}

/// The water test over a block: `true` where [`is_water`] holds.
pub fn water_mask(
    green: &Array2<f32>,
    red: &Array2<f32>,
    nir: &Array2<f32>,
    swir1: &Array2<f32>,
) -> Array2<bool> {
    let mut out = Array2::from_elem(green.dim(), false);
    Zip::from(&mut out)
        .and(green)
        .and(red)
        .and(nir)
        .and(swir1)
        .par_for_each(|w, &g, &r, &n, &s| *w = is_water(g, r, n, s));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    /// Reflectances of typical surfaces, Landsat 8 OLI surface reflectance (green, red, NIR,
    /// SWIR1): clear and turbid water (USGS spectral library shapes: NIR < red, SWIR ~ 0),
    /// vegetation, bare soil, a city, and a vegetated slope in terrain shadow (all bands
    /// dark, green above SWIR1 as for water, but NIR still above red).
    #[test]
    fn surfaces() {
        let cases = [
            ("clear water", [0.06, 0.04, 0.02, 0.01], true),
            ("turbid estuary", [0.10, 0.09, 0.06, 0.03], true),
            ("vegetation", [0.08, 0.05, 0.35, 0.18], false),
            ("bare soil", [0.12, 0.16, 0.22, 0.30], false),
            ("city", [0.10, 0.11, 0.15, 0.17], false),
            ("shadowed slope", [0.03, 0.02, 0.06, 0.02], false),
            ("coal outcrop", [0.05, 0.05, 0.06, 0.07], false),
        ];
        for (name, [g, r, n, s], water) in cases {
            assert_eq!(is_water(g, r, n, s), water, "{name}");
        }
    }

    #[test]
    fn fill_and_dark_pixels_are_not_water() {
        assert!(!is_water(f32::NAN, 0.04, 0.02, 0.01));
        assert!(!is_water(0.06, 0.04, 0.02, f32::NAN));
        // Negative surface reflectance sums: no index, not water.
        assert!(!is_water(-0.01, 0.04, 0.02, -0.02));
        assert!(!is_water(0.06, -0.03, 0.01, 0.01));
    }

    #[test]
    fn block_is_the_pixel_test() {
        let g = array![[0.06f32, 0.08], [f32::NAN, 0.10]];
        let r = array![[0.04f32, 0.05], [0.04, 0.09]];
        let n = array![[0.02f32, 0.35], [0.02, 0.06]];
        let s = array![[0.01f32, 0.18], [0.01, 0.03]];
        assert_eq!(
            water_mask(&g, &r, &n, &s),
            array![[true, false], [false, true]]
        );
    }
}

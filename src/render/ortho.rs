//! Orthophoto: three optical bands (or the three bands of an RGB orthophoto GeoTIFF) on one
//! grid → an 8-bit RGBA image, per-band percentile stretch plus gamma, optional Brovey
//! pan-sharpening. Band choice per sensor is here too; reading and warping are in `io`.

use ndarray::{Array2, Zip};
use rayon::prelude::*;

use super::image::Rgba8Image;
use super::stretch::{Stretch, band_stretches};
use crate::mtl::{Level, Sensor};
use crate::raster::Georef;

/// Which colour composite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Composite {
    /// Red, green, blue: OLI B4/B3/B2, TM/ETM+ B3/B2/B1 (a drone orthophoto's bands 1/2/3).
    TrueColour,
    /// SWIR false colour, where flaming fires show bright red-orange: OLI B7/B5/B4,
    /// TM/ETM+ B7/B4/B3 (SWIR-2, NIR, red).
    SwirFalseColour,
}

impl Composite {
    /// Short name written to the sidecar JSON (`true_colour`, `swir_false_colour`).
    pub fn name(self) -> &'static str {
        match self {
            Composite::TrueColour => "true_colour",
            Composite::SwirFalseColour => "swir_false_colour",
        }
    }

    /// Base name of the product files (`orthophoto`, `orthophoto_swir`).
    pub fn file_stem(self) -> &'static str {
        match self {
            Composite::TrueColour => "orthophoto",
            Composite::SwirFalseColour => "orthophoto_swir",
        }
    }

    /// Band ids (red, green, blue channels) of this composite for a sensor and level; `None`
    /// for sensors without those bands (MSS, ASTER TIR, generic rasters). Level-2 products use
    /// their surface-reflectance bands (`SR_B4`, …).
    pub fn bands(self, sensor: Sensor, level: Level) -> Option<[String; 3]> {
        let ids: [&str; 3] = match (self, sensor) {
            (Composite::TrueColour, Sensor::OliTirs) => ["B4", "B3", "B2"],
            (Composite::TrueColour, Sensor::Tm | Sensor::EtmPlus) => ["B3", "B2", "B1"],
            (Composite::SwirFalseColour, Sensor::OliTirs) => ["B7", "B5", "B4"],
            (Composite::SwirFalseColour, Sensor::Tm | Sensor::EtmPlus) => ["B7", "B4", "B3"],
            _ => return None,
        };
        let prefix = if level == Level::L2Sp { "SR_" } else { "" };
        Some(ids.map(|b| format!("{prefix}{b}")))
    }
}

/// The panchromatic band of a sensor (OLI and ETM+ `B8`, Level-1 only).
pub fn pan_band(sensor: Sensor, level: Level) -> Option<&'static str> {
    match (sensor, level) {
        (Sensor::OliTirs | Sensor::EtmPlus, Level::L1) => Some("B8"),
        _ => None,
    }
}

/// How the three bands are mapped to display levels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum OrthoStretch {
    /// Per-band `[p_lo, p_hi]` percentiles over the pixels valid in all three bands, then
    /// gamma (see [`Stretch`]).
    Percentile { p: (f64, f64), gamma: f64 },
    /// The same fixed stretch on every band (8-bit orthophotos: [`Stretch::BYTE_IDENTITY`]).
    Fixed(Stretch),
}

/// Default stretch of reflectance and 16-bit bands: 2nd–98th percentile per band, gamma 1.2.
pub const DEFAULT_ORTHO_STRETCH: OrthoStretch = OrthoStretch::Percentile {
    p: (2.0, 98.0),
    gamma: 1.2,
};

/// Brovey pan-sharpening on one grid: with the intensity `I = (R + G + B) / 3` of the
/// resampled multispectral bands, each band becomes `band · P / I`. Pixels where `P` is NaN or
/// `I <= 0` keep their multispectral values. Inputs must share a shape.
pub fn brovey(bands: [&Array2<f32>; 3], pan: &Array2<f32>) -> [Array2<f32>; 3] {
    let ratio = Zip::from(bands[0])
        .and(bands[1])
        .and(bands[2])
        .and(pan)
        .par_map_collect(|&r, &g, &b, &p| {
            let i = (r + g + b) / 3.0;
            if p.is_nan() || i.is_nan() || i <= 0.0 {
                1.0
            } else {
                p / i
            }
        });
    bands.map(|b| Zip::from(b).and(&ratio).par_map_collect(|&v, &k| v * k))
}

/// Renders three bands (same shape, NaN = nodata) to RGBA: alpha 255 where all three bands are
/// valid, transparent elsewhere. Returns `None` when no pixel is valid in all three bands
/// (nothing to stretch). The stretches used are returned with the image.
pub fn render_rgb(
    bands: [&Array2<f32>; 3],
    georef: &Georef,
    stretch: OrthoStretch,
) -> Option<(Rgba8Image, [Stretch; 3])> {
    let stretches: [Stretch; 3] = match stretch {
        OrthoStretch::Fixed(s) => {
            if !bands[0]
                .iter()
                .zip(bands[1].iter())
                .zip(bands[2].iter())
                .any(|((r, g), b)| !(r.is_nan() || g.is_nan() || b.is_nan()))
            {
                return None;
            }
            [s; 3]
        }
        OrthoStretch::Percentile { p, gamma } => {
            let v = band_stretches(&bands, p, gamma)?;
            [v[0], v[1], v[2]]
        }
    };
    let (rows, cols) = bands[0].dim();
    let mut img = Rgba8Image::transparent(cols, rows, georef.clone());
    let std: Vec<_> = bands.iter().map(|b| b.as_standard_layout()).collect();
    let slices: Vec<&[f32]> = std.iter().map(|b| b.as_slice().unwrap_or(&[])).collect();
    img.data.par_chunks_mut(4).enumerate().for_each(|(i, px)| {
        let levels = (
            stretches[0].apply(slices[0][i]),
            stretches[1].apply(slices[1][i]),
            stretches[2].apply(slices[2][i]),
        );
        if let (Some(r), Some(g), Some(b)) = levels {
            px.copy_from_slice(&[r, g, b, 255]);
        }
    });
    Some((img, stretches))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raster::GeoTransform;
    use ndarray::array;

    fn georef() -> Georef {
        Georef {
            transform: GeoTransform([0.0, 30.0, 0.0, 0.0, 0.0, -30.0]),
            crs_wkt: String::new(),
            epsg: None,
            ground_m_per_unit: None,
        }
    }

    #[test]
    fn band_choice_per_sensor() {
        let t = Composite::TrueColour;
        let s = Composite::SwirFalseColour;
        assert_eq!(
            t.bands(Sensor::OliTirs, Level::L1).unwrap(),
            ["B4", "B3", "B2"]
        );
        assert_eq!(
            s.bands(Sensor::OliTirs, Level::L1).unwrap(),
            ["B7", "B5", "B4"]
        );
        assert_eq!(s.bands(Sensor::Tm, Level::L1).unwrap(), ["B7", "B4", "B3"]);
        assert_eq!(
            t.bands(Sensor::EtmPlus, Level::L2Sp).unwrap(),
            ["SR_B3", "SR_B2", "SR_B1"]
        );
        assert!(t.bands(Sensor::Aster, Level::L1).is_none());
        assert_eq!(pan_band(Sensor::OliTirs, Level::L1), Some("B8"));
        assert_eq!(pan_band(Sensor::Tm, Level::L1), None);
    }

    #[test]
    fn brovey_scales_by_pan_over_intensity() {
        let r = array![[0.3f32, 0.1]];
        let g = array![[0.2f32, 0.1]];
        let b = array![[0.1f32, 0.1]];
        let p = array![[0.4f32, f32::NAN]];
        let [r2, g2, b2] = brovey([&r, &g, &b], &p);
        // I = 0.2, ratio 2.
        assert!((r2[[0, 0]] - 0.6).abs() < 1e-6);
        assert!((g2[[0, 0]] - 0.4).abs() < 1e-6);
        assert!((b2[[0, 0]] - 0.2).abs() < 1e-6);
        // No pan value: unchanged.
        assert_eq!(r2[[0, 1]], 0.1);
    }

    #[test]
    fn rgb_alpha_needs_all_bands() {
        let r = array![[0.0f32, 255.0, 10.0]];
        let g = array![[0.0f32, 128.0, f32::NAN]];
        let b = array![[0.0f32, 1.0, 10.0]];
        let (img, s) = render_rgb(
            [&r, &g, &b],
            &georef(),
            OrthoStretch::Fixed(Stretch::BYTE_IDENTITY),
        )
        .unwrap();
        assert_eq!(s[0], Stretch::BYTE_IDENTITY);
        assert_eq!(img.pixel(0, 0), [0, 0, 0, 255]);
        assert_eq!(img.pixel(0, 1), [255, 128, 1, 255]);
        assert_eq!(img.pixel(0, 2), [0, 0, 0, 0]);
        let nan = array![[f32::NAN]];
        assert!(
            render_rgb(
                [&nan, &nan, &nan],
                &georef(),
                OrthoStretch::Fixed(Stretch::BYTE_IDENTITY)
            )
            .is_none()
        );
    }

    #[test]
    fn percentile_stretch_spreads_each_band() {
        let r = Array2::from_shape_fn((10, 10), |(i, j)| (i * 10 + j) as f32 / 1000.0);
        let g = r.mapv(|v| v * 2.0);
        let b = r.mapv(|v| v + 0.5);
        let (img, s) = render_rgb(
            [&r, &g, &b],
            &georef(),
            OrthoStretch::Percentile {
                p: (0.0, 100.0),
                gamma: 1.0,
            },
        )
        .unwrap();
        assert_eq!(img.pixel(0, 0), [0, 0, 0, 255]);
        assert_eq!(img.pixel(9, 9), [255, 255, 255, 255]);
        assert!((s[2].lo - 0.5).abs() < 1e-6 && (s[1].hi - 0.198).abs() < 1e-6);
    }
}

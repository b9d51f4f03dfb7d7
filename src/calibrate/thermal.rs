//! Thermal calibration: DN → radiance → brightness temperature, Level-2 surface temperature, and
//! already-calibrated rasters. Pure functions over arrays, parallel over pixels with rayon.
//!
//! Formulas (USGS Landsat 8–9 Data Users Handbook §5; satpy `readers/core/landsat.py`):
//! `L = ML·DN + AL` [W m⁻² sr⁻¹ µm⁻¹], `BT = K2 / ln(K1/L + 1)` [K]. Level-2 ST:
//! `ST = mult·DN + add` (USGS C2 L2: 0.00341802, 149.0). Temperatures are never capped.

use ndarray::{Array2, Zip};

use crate::mtl::{Rescale, ThermalConstants};

/// Brightness temperature in kelvin of radiance `l`; NaN when `l <= 0` (no physical solution).
///
/// ```
/// use seamfire::calibrate::radiance_to_bt_k;
/// use seamfire::mtl::ThermalConstants;
/// // science.md §1.1 sanity value: L8 B10 DN 30000 → L = 3.342e-4*30000 + 0.1 → 303.65 K.
/// let k = ThermalConstants { k1: 774.8853, k2_k: 1321.0789 };
/// let bt = radiance_to_bt_k(3.342e-4 * 30000.0 + 0.1, k);
/// assert!((bt - 303.65).abs() < 0.01);
/// ```
pub fn radiance_to_bt_k(l: f64, k: ThermalConstants) -> f64 {
    if l > 0.0 {
        k.k2_k / (k.k1 / l + 1.0).ln()
    } else {
        f64::NAN
    }
}

/// Level-1 DN → brightness temperature (K, `f32`, NaN where `is_fill(dn)`).
///
/// A DN has 65 536 values and the temperature is a function of the DN alone, so above
/// [`LUT_ABOVE_PX`] pixels the formula is evaluated once per DN into a table and each pixel
/// looks its value up: the same numbers (the same expression makes each entry), without a
/// logarithm and two divisions per pixel.
pub fn dn_to_bt_k(
    dn: &Array2<u16>,
    is_fill: impl Fn(u16) -> bool + Sync,
    rescale: Rescale,
    k: ThermalConstants,
) -> Array2<f32> {
    let bt = |d: u16| radiance_to_bt_k(rescale.mult * f64::from(d) + rescale.add, k) as f32;
    if dn.len() > LUT_ABOVE_PX {
        let lut: Vec<f32> = (0..=u16::MAX).map(bt).collect();
        return Zip::from(dn).par_map_collect(|&d| {
            if is_fill(d) {
                f32::NAN
            } else {
                lut[usize::from(d)]
            }
        });
    }
    Zip::from(dn).par_map_collect(|&d| if is_fill(d) { f32::NAN } else { bt(d) })
}

/// Pixels above which [`dn_to_bt_k`] tabulates the formula: a table costs 65 536 evaluations,
/// so it pays from about twice as many pixels.
pub const LUT_ABOVE_PX: usize = 1 << 17;

/// Level-2 ST DN → surface temperature (K, NaN where `is_fill(dn)`).
pub fn dn_to_st_k(
    dn: &Array2<u16>,
    is_fill: impl Fn(u16) -> bool + Sync,
    scale: Rescale,
) -> Array2<f32> {
    Zip::from(dn).par_map_collect(|&d| {
        if is_fill(d) {
            f32::NAN
        } else {
            (scale.mult * f64::from(d) + scale.add) as f32
        }
    })
}

/// How to read a raster that is not a Landsat/ASTER DN band (drone radiometric mosaic, a
/// temperature or radiance product): `v = scale·x + offset`, then `v` is read in `unit`.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct GenericThermal {
    pub scale: f64,
    pub offset: f64,
    pub unit: GenericUnit,
}

/// The unit of a generic thermal raster after scale and offset.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub enum GenericUnit {
    Kelvin,
    Celsius,
    /// Spectral radiance, converted with the given Planck constants.
    Radiance(ThermalConstants),
}

/// The unit a user names for a generic raster (`--input-unit`, a pipeline's `input_unit`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InputUnit {
    Kelvin,
    Celsius,
    Radiance,
}

/// Why a unit and Planck constants do not go together ([`GenericRequest::from_parts`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestError {
    /// `radiance` without both K1 and K2.
    RadianceNeedsConstants,
    /// K1 or K2 without a unit (they mean something only with `radiance`).
    ConstantsNeedRadiance,
}

/// What the user said about a generic raster; what they leave out comes from the file.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct GenericRequest {
    /// Unit after scale and offset; `None`: the band's unit tag.
    pub unit: Option<GenericUnit>,
    /// Replaces the band's GDAL scale; `None`: the band's scale (1 when it has none).
    pub scale: Option<f64>,
    /// Replaces the band's GDAL offset; `None`: the band's offset (0 when it has none).
    pub offset: Option<f64>,
}

impl GenericRequest {
    /// The request of a named unit, scale, offset and Planck constants (K1/K2 are used with
    /// `radiance` only, and are an error without any unit). The CLI and pipelines word the
    /// error in their own terms.
    pub fn from_parts(
        unit: Option<InputUnit>,
        scale: Option<f64>,
        offset: Option<f64>,
        k1: Option<f64>,
        k2: Option<f64>,
    ) -> std::result::Result<Self, RequestError> {
        let unit = match (unit, k1, k2) {
            (None, None, None) => None,
            (None, ..) => return Err(RequestError::ConstantsNeedRadiance),
            (Some(InputUnit::Kelvin), ..) => Some(GenericUnit::Kelvin),
            (Some(InputUnit::Celsius), ..) => Some(GenericUnit::Celsius),
            (Some(InputUnit::Radiance), Some(k1), Some(k2_k)) => {
                Some(GenericUnit::Radiance(ThermalConstants { k1, k2_k }))
            }
            (Some(InputUnit::Radiance), ..) => return Err(RequestError::RadianceNeedsConstants),
        };
        Ok(Self {
            unit,
            scale,
            offset,
        })
    }
}

/// Generic raster → kelvin (NaN where `x` is NaN or equals `nodata`, and where the result is
/// not a temperature: at or below 0 K, or not finite, as a `−9999` fill value read without its
/// nodata declaration, or a negative radiance, gives. That is not capping: such a value cannot
/// be a temperature, so the pixel is not processed).
pub fn generic_to_bt_k(x: &Array2<f64>, nodata: Option<f64>, how: GenericThermal) -> Array2<f32> {
    Zip::from(x).par_map_collect(|&v| {
        if v.is_nan() || nodata.is_some_and(|n| v == n) {
            return f32::NAN;
        }
        let v = how.scale * v + how.offset;
        let k = (match how.unit {
            GenericUnit::Kelvin => v,
            GenericUnit::Celsius => v + 273.15,
            GenericUnit::Radiance(k) => radiance_to_bt_k(v, k),
        }) as f32;
        if k > 0.0 && k.is_finite() {
            k
        } else {
            f32::NAN
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    const K10: ThermalConstants = ThermalConstants {
        k1: 774.8853,
        k2_k: 1321.0789,
    };
    const ML_AL: Rescale = Rescale {
        mult: 3.342e-4,
        add: 0.1,
    };

    #[test]
    fn the_table_gives_the_formula_s_values_bit_for_bit() {
        // Every DN once, in a raster large enough for the table, against the formula per
        // pixel; fill 0 and 7 (a declared fill) are NaN either way.
        let all = ndarray::Array2::from_shape_fn((256, 256), |(r, c)| (r * 256 + c) as u16);
        let big = ndarray::concatenate![ndarray::Axis(0), all, all, all];
        assert!(big.len() > LUT_ABOVE_PX);
        let fill = |d: u16| d == 0 || d == 7;
        let table = dn_to_bt_k(&big, fill, ML_AL, K10);
        for (&d, &t) in big.iter().zip(&table) {
            let want = if fill(d) {
                f32::NAN
            } else {
                radiance_to_bt_k(ML_AL.mult * f64::from(d) + ML_AL.add, K10) as f32
            };
            assert!(
                t.to_bits() == want.to_bits() || (t.is_nan() && want.is_nan()),
                "DN {d}: {t} vs {want}"
            );
        }
        // A small raster takes the per-pixel path: the same values.
        let small = dn_to_bt_k(
            &all.slice(ndarray::s![..2, ..]).to_owned(),
            fill,
            ML_AL,
            K10,
        );
        assert_eq!(small.row(1), table.row(1));
    }

    #[test]
    fn fill_is_nan_and_values_follow_formula() {
        let dn = array![[0u16, 30000], [20000, 65535]];
        let bt = dn_to_bt_k(&dn, |d| d == 0, ML_AL, K10);
        assert!(bt[[0, 0]].is_nan());
        // Independent: python3 -c "import math;L=3.342e-4*30000+0.1;print(1321.0789/math.log(774.8853/L+1))"
        assert!(
            (f64::from(bt[[0, 1]]) - 303.654_99).abs() < 1e-3,
            "{}",
            bt[[0, 1]]
        );
        // DN 65535 (top of range) is not capped: L = 22.0018 → ≈ 368 K (science.md §1.2).
        assert!((bt[[1, 1]] - 368.0).abs() < 1.0, "{}", bt[[1, 1]]);
    }

    #[test]
    fn level2_scale() {
        let dn = array![[0u16, 44000]];
        let st = dn_to_st_k(
            &dn,
            |d| d == 0,
            Rescale {
                mult: 0.00341802,
                add: 149.0,
            },
        );
        assert!(st[[0, 0]].is_nan());
        // 0.00341802*44000 + 149.0 = 299.39288
        assert!((st[[0, 1]] - 299.39288).abs() < 1e-4);
    }

    #[test]
    fn generic_celsius_and_radiance() {
        let x = array![[25.0, -9999.0, f64::NAN]];
        let c = GenericThermal {
            scale: 1.0,
            offset: 0.0,
            unit: GenericUnit::Celsius,
        };
        let bt = generic_to_bt_k(&x, Some(-9999.0), c);
        assert!((bt[[0, 0]] - 298.15).abs() < 1e-4);
        assert!(bt[[0, 1]].is_nan() && bt[[0, 2]].is_nan());
        let r = GenericThermal {
            scale: 1.0,
            offset: 0.0,
            unit: GenericUnit::Radiance(K10),
        };
        let l = array![[3.342e-4 * 30000.0 + 0.1]];
        assert!((f64::from(generic_to_bt_k(&l, None, r)[[0, 0]]) - 303.654_99).abs() < 1e-3);
    }
}

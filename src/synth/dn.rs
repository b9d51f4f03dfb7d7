//! Temperatures and reflectances back to Landsat 8 Level-1 digital numbers: the inverse of
//! `calibrate::dn_to_bt_k` and `calibrate::dn_to_reflectance` with the published Landsat 8
//! constants (USGS Landsat 8 Data Users Handbook §5; the values every L8 C2 MTL carries).

use ndarray::{Array2, Zip};

use crate::mtl::{Rescale, ThermalConstants};

/// B10 radiance rescaling `L = ML·DN + AL`.
pub const B10_RESCALE: Rescale = Rescale {
    mult: 3.3420e-4,
    add: 0.1,
};
/// B10 Planck constants.
pub const B10_THERMAL: ThermalConstants = ThermalConstants {
    k1: 774.8853,
    k2_k: 1321.0789,
};
/// OLI reflectance rescaling, the same for bands 1–9.
pub const OLI_REFLECTANCE: Rescale = Rescale {
    mult: 2.0e-5,
    add: -0.1,
};

/// B10 DN of brightness temperature `t_k`: `L = K1 / (exp(K2/T) - 1)`,
/// `DN = round((L - AL) / ML)` clamped to 1..=65535; 0 (fill) for NaN or non-positive `t_k`.
pub fn b10_dn_of(t_k: f64) -> u16 {
    if t_k.is_nan() || t_k <= 0.0 {
        return 0;
    }
    let l = B10_THERMAL.k1 / ((B10_THERMAL.k2_k / t_k).exp() - 1.0);
    ((l - B10_RESCALE.add) / B10_RESCALE.mult)
        .round()
        .clamp(1.0, 65535.0) as u16
}

/// B10 DN band of a brightness-temperature raster (NaN → 0).
pub fn b10_dn(bt_k: &Array2<f32>) -> Array2<u16> {
    Zip::from(bt_k).par_map_collect(|&t| b10_dn_of(f64::from(t)))
}

/// OLI DN of sun-corrected TOA reflectance `rho`: inverse of
/// `rho = (Mρ·DN + Aρ) / sin(elevation)`, clamped to 1..=65535.
pub fn oli_dn_of(rho: f64, sun_elevation_deg: f64) -> u16 {
    oli_dn_sin(rho, sun_elevation_deg.to_radians().sin())
}

/// [`oli_dn_of`] with `sin(elevation)` already computed.
#[inline]
pub fn oli_dn_sin(rho: f64, sin_elevation: f64) -> u16 {
    ((rho * sin_elevation - OLI_REFLECTANCE.add) / OLI_REFLECTANCE.mult)
        .round()
        .clamp(1.0, 65535.0) as u16
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calibrate::{dn_to_bt_k, dn_to_reflectance, radiance_to_bt_k};
    use ndarray::array;

    #[test]
    fn b10_round_trip_within_quantisation() {
        for t in [240.0, 273.15, 285.0, 300.0, 325.0, 360.0] {
            let dn = b10_dn_of(t);
            let back = radiance_to_bt_k(
                B10_RESCALE.mult * f64::from(dn) + B10_RESCALE.add,
                B10_THERMAL,
            );
            assert!((back - t).abs() < 0.005, "{t} K → DN {dn} → {back} K");
        }
        // The handbook's sanity value: DN 30000 is 303.65 K.
        assert_eq!(b10_dn_of(303.655), 30000);
        assert_eq!(b10_dn_of(f64::NAN), 0);
        // B10 saturates near 368 K.
        assert_eq!(b10_dn_of(400.0), 65535);
        let bt = dn_to_bt_k(
            &array![[b10_dn_of(290.0)]],
            |d| d == 0,
            B10_RESCALE,
            B10_THERMAL,
        );
        assert!((bt[[0, 0]] - 290.0).abs() < 0.005);
    }

    #[test]
    fn oli_round_trip() {
        let dn = oli_dn_of(0.25, 45.0);
        let r = dn_to_reflectance(&array![[dn]], |d| d == 0, OLI_REFLECTANCE, Some(45.0));
        assert!((r[[0, 0]] - 0.25).abs() < 1e-4);
    }
}

//! Optical calibration: DN → TOA reflectance with the sun-elevation correction.
//!
//! `ρ = (Mρ·DN + Aρ) / sin(θ_SE)` (USGS Landsat 8 Data Users Handbook §5.2; science.md §1.1),
//! θ_SE = `SUN_ELEVATION` at scene centre. Level-2 surface reflectance uses its own rescale
//! (2.75e-5, −0.2) and no sun correction.

use ndarray::{Array2, Zip};

use crate::mtl::Rescale;

/// TOA reflectance (unitless, NaN where `is_fill`). `sun_elevation_deg = None` skips the sun
/// correction (Level-2 surface reflectance). Values are not clipped: saturated SWIR over fires
/// may exceed 1.
pub fn dn_to_reflectance(
    dn: &Array2<u16>,
    is_fill: impl Fn(u16) -> bool + Sync,
    rescale: Rescale,
    sun_elevation_deg: Option<f64>,
) -> Array2<f32> {
    let divisor = sun_elevation_deg.map_or(1.0, |e| e.to_radians().sin());
    Zip::from(dn).par_map_collect(|&d| {
        if is_fill(d) {
            f32::NAN
        } else {
            ((rescale.mult * f64::from(d) + rescale.add) / divisor) as f32
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn sun_correction() {
        let dn = array![[0u16, 10000]];
        let r = Rescale {
            mult: 2.0e-5,
            add: -0.1,
        };
        let rho = dn_to_reflectance(&dn, |d| d == 0, r, Some(30.0));
        assert!(rho[[0, 0]].is_nan());
        // (2e-5*10000 - 0.1) / sin(30°) = 0.1 / 0.5 = 0.2
        assert!((rho[[0, 1]] - 0.2).abs() < 1e-6);
        let sr = dn_to_reflectance(&dn, |d| d == 0, r, None);
        assert!((sr[[0, 1]] - 0.1).abs() < 1e-6);
    }
}

//! Land-surface temperature from one thermal band: NDVI-threshold emissivity and the
//! emissivity-corrected single-channel formula.
//!
//! - NDVI = (ρ_nir − ρ_red) / (ρ_nir + ρ_red) from sun-corrected TOA reflectance.
//! - Emissivity, NDVI thresholds method (Sobrino et al. 2004, RSE 90:434; Valor & Caselles 1996):
//!   NDVI < 0.2 bare soil `ε = 0.973 − 0.047·ρ_red`; NDVI > 0.5 vegetation `ε = 0.99`;
//!   in between `P_v = ((NDVI − 0.2)/0.3)²`, `ε = 0.004·P_v + 0.986` (science.md §1.7).
//! - `LST = BT / (1 + (λ·BT/ρ)·ln ε)`, λ in µm, ρ = hc/k = 14388 µm K ("Artis & Carnahan").
//!
//! Hot pixels are never capped or removed: coal fires are the pixels of interest.

use ndarray::{Array2, Zip};

/// hc/k in µm K, as used by the single-channel formula.
pub const RHO_UM_K: f64 = 14_388.0;

/// Emissivity from NDVI and red reflectance (NDVI-threshold method). NaN in, NaN out.
pub fn emissivity_ndvi_threshold(ndvi: f64, red: f64) -> f64 {
    if ndvi.is_nan() || red.is_nan() {
        f64::NAN
    } else if ndvi < 0.2 {
        0.973 - 0.047 * red
    } else if ndvi > 0.5 {
        0.99
    } else {
        let pv = ((ndvi - 0.2) / 0.3).powi(2);
        0.004 * pv + 0.986
    }
}

/// Emissivity-corrected single-channel LST in kelvin.
pub fn lst_single_channel_k(bt_k: f64, emissivity: f64, wavelength_um: f64) -> f64 {
    bt_k / (1.0 + (wavelength_um * bt_k / RHO_UM_K) * emissivity.ln())
}

/// Per-pixel LST from BT and red/NIR reflectance on the same grid (the caller checks the grids).
pub fn land_surface_temperature(
    bt_k: &Array2<f32>,
    red: &Array2<f32>,
    nir: &Array2<f32>,
    wavelength_um: f64,
) -> Array2<f32> {
    let mut out = Array2::<f32>::zeros(bt_k.dim());
    Zip::from(&mut out)
        .and(bt_k)
        .and(red)
        .and(nir)
        .par_for_each(|o, &bt, &r, &n| {
            let (r, n) = (f64::from(r), f64::from(n));
            let ndvi = (n - r) / (n + r);
            let eps = emissivity_ndvi_threshold(ndvi, r);
            *o = lst_single_channel_k(f64::from(bt), eps, wavelength_um) as f32;
        });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emissivity_branches() {
        assert!((emissivity_ndvi_threshold(0.1, 0.2) - (0.973 - 0.047 * 0.2)).abs() < 1e-12);
        assert_eq!(emissivity_ndvi_threshold(0.7, 0.05), 0.99);
        // NDVI 0.35 → Pv = 0.25 → ε = 0.987
        assert!((emissivity_ndvi_threshold(0.35, 0.1) - 0.987).abs() < 1e-12);
        assert!(emissivity_ndvi_threshold(f64::NAN, 0.1).is_nan());
    }

    #[test]
    fn lst_exceeds_bt_for_grey_body_and_is_not_capped() {
        // ε < 1 ⇒ ln ε < 0 ⇒ LST > BT.
        let lst = lst_single_channel_k(300.0, 0.97, 10.895);
        // python3 -c "import math;print(300/(1+(10.895*300/14388)*math.log(0.97)))" → 302.09
        assert!((lst - 302.09).abs() < 0.01, "{lst}");
        let hot = lst_single_channel_k(450.0, 0.95, 10.895);
        assert!(hot > 450.0);
    }
}

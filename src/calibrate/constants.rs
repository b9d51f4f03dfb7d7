//! Published per-sensor constants, used only when the scene's own metadata lacks them (with a
//! warning). Sources: science.md §1.2 (USGS Landsat handbooks, `LEVEL1_THERMAL_CONSTANTS` blocks)
//! and §1.5 (ASTER user handbook).

use crate::mtl::{Mission, Rescale, ThermalConstants};

/// Fallback thermal constants `(radiance rescale, K1/K2)` of a Landsat thermal band.
pub fn landsat_thermal(mission: Mission, band: &str) -> Option<(Rescale, ThermalConstants)> {
    let r = |mult, add| Rescale { mult, add };
    let k = |k1, k2_k| ThermalConstants { k1, k2_k };
    Some(match (mission, band) {
        (Mission::Landsat8, "B10") => (r(3.3420e-4, 0.1), k(774.8853, 1321.0789)),
        (Mission::Landsat8, "B11") => (r(3.3420e-4, 0.1), k(480.8883, 1201.1442)),
        (Mission::Landsat9, "B10") => (r(3.8000e-4, 0.1), k(799.0284, 1329.2405)),
        (Mission::Landsat9, "B11") => (r(3.4900e-4, 0.1), k(475.6581, 1198.3494)),
        (Mission::Landsat7, "B6_VCID_1") => (r(6.7087e-2, -0.06709), k(666.09, 1282.71)),
        (Mission::Landsat7, "B6_VCID_2") => (r(3.7205e-2, 3.16280), k(666.09, 1282.71)),
        (Mission::Landsat5, "B6") => (r(5.5375e-2, 1.18243), k(607.76, 1260.56)),
        // Landsat 4 TM: K1/K2 from the TM handbook; its rescaling must come from the MTL, the
        // value here is Landsat 5's and only used if the MTL has none.
        (Mission::Landsat4, "B6") => (r(5.5375e-2, 1.18243), k(671.62, 1284.30)),
        _ => return None,
    })
}

/// ASTER L1T TIR band constants: `L = (DN - 1) * UCC`, so the rescale is `mult = UCC`,
/// `add = -UCC`; K1/K2 from the effective wavelengths (science.md §1.5).
pub fn aster_tir(band: &str) -> Option<(Rescale, ThermalConstants)> {
    let (ucc, k1, k2_k) = match band {
        "B10" => (0.006822, 3040.136402, 1735.337945),
        "B11" => (0.006780, 2482.375199, 1666.398761),
        "B12" => (0.006590, 1935.060183, 1585.420044),
        "B13" => (0.005693, 866.468575, 1350.069147),
        "B14" => (0.005225, 641.326517, 1271.221673),
        _ => return None,
    };
    Some((
        Rescale {
            mult: ucc,
            add: -ucc,
        },
        ThermalConstants { k1, k2_k },
    ))
}

/// Second radiation constant `c2 = hc/k` in µm K.
pub const C2_UM_K: f64 = 14_387.752;

/// Effective wavelength in µm used by the single-channel LST correction. Landsat 8 B10 uses the
/// 10.895 µm of the common single-channel implementations (science.md §1.7); other bands use
/// `c2 / K2`.
pub fn effective_wavelength_um(mission: Mission, band: &str, k: ThermalConstants) -> f64 {
    match (mission, band) {
        (Mission::Landsat8 | Mission::Landsat9, "B10") => 10.895,
        _ => C2_UM_K / k.k2_k,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn k2_matches_wavelength_table() {
        // science.md §1.2: λ_eff = c2/K2 = 10.89 µm (L8 B10), 11.41 µm (L5 B6).
        let (_, k) = landsat_thermal(Mission::Landsat8, "B10").unwrap();
        assert!((C2_UM_K / k.k2_k - 10.89).abs() < 0.01);
        let (_, k) = landsat_thermal(Mission::Landsat5, "B6").unwrap();
        assert!((C2_UM_K / k.k2_k - 11.41).abs() < 0.01);
        // science.md §1.5: ASTER B13 λ_eff 10.657 µm.
        let (_, k) = aster_tir("B13").unwrap();
        assert!((C2_UM_K / k.k2_k - 10.657).abs() < 0.001);
    }
}

//! Physical range checks of calibration constants, applied as they are read so that a failed
//! check names the metadata file, the group, the key and the value.
//!
//! What is checked (docs/calibration.md, "Checks on the constants"):
//! * every gain (`RADIANCE_MULT`, `REFLECTANCE_MULT`, `TEMPERATURE_MULT`, ESPA `gain` and
//!   `scale_factor`, the gain implied by `LMAX/LMIN`) is finite and `> 0`: a zero or negative
//!   gain turns every DN into the same or a mirrored value;
//! * `K1 > 0` and `K2 > 0` (W m⁻² sr⁻¹ µm⁻¹ and K);
//! * `K2` implies an effective wavelength `λ = c2 / K2` inside the thermal infrared
//!   ([`TIR_UM`]), and `K1` agrees with that wavelength within a factor of [`K1_TOLERANCE`]
//!   (`K1 ≈ c1 / λ⁵`; 0.3 % for Landsat 8 B10, 1.2 % for Landsat 5 B6). A file with K1 and K2
//!   swapped fails this test.
//!
//! Offsets (`ADD`) may be any finite number (Landsat 7 B6 has a negative one).

use std::path::Path;

use super::types::ThermalConstants;
use crate::calibrate::constants::C2_UM_K;
use crate::error::{Error, Result};

/// First radiation constant for spectral radiance, `c1 = 2hc²`, in W m⁻² sr⁻¹ µm⁴.
pub const C1_W_UM4: f64 = 1.191_042_8e8;
/// Wavelengths accepted as thermal infrared for a band's `K2`, µm (MIR to far TIR).
pub const TIR_UM: (f64, f64) = (3.0, 20.0);
/// Largest accepted ratio between `K1` and `c1 / λ⁵` (either way).
pub const K1_TOLERANCE: f64 = 2.0;

/// Errors unless `value` (read from `group`/`key`) is finite and `> 0`. `what` says what the
/// value is (`radiance gain`).
pub(crate) fn positive(
    source: &Path,
    group: &str,
    key: &str,
    value: f64,
    what: &str,
) -> Result<()> {
    if value.is_finite() && value > 0.0 {
        return Ok(());
    }
    Err(Error::metadata(
        source,
        format!("{group}: {key} = {value}: the {what} must be greater than 0"),
    ))
}

/// Checks a band's K1/K2 (`k1_key`, `k2_key` in `group`), see the module documentation.
pub(crate) fn thermal(
    source: &Path,
    group: &str,
    k1_key: &str,
    k2_key: &str,
    k: ThermalConstants,
) -> Result<()> {
    positive(source, group, k1_key, k.k1, "thermal constant K1")?;
    positive(source, group, k2_key, k.k2_k, "thermal constant K2")?;
    let wavelength_um = C2_UM_K / k.k2_k;
    if !(TIR_UM.0..=TIR_UM.1).contains(&wavelength_um) {
        return Err(Error::metadata(
            source,
            format!(
                "{group}: {k2_key} = {} K implies a wavelength of {wavelength_um:.2} µm \
                 (c2/K2), outside the thermal infrared ({}–{} µm)",
                k.k2_k, TIR_UM.0, TIR_UM.1
            ),
        ));
    }
    let expected_k1 = C1_W_UM4 / wavelength_um.powi(5);
    let ratio = k.k1 / expected_k1;
    if !(1.0 / K1_TOLERANCE..=K1_TOLERANCE).contains(&ratio) {
        return Err(Error::metadata(
            source,
            format!(
                "{group}: {k1_key} = {} does not match {k2_key} = {} (K2 implies \
                 λ = {wavelength_um:.2} µm and K1 ≈ {expected_k1:.1}); are K1 and K2 swapped?",
                k.k1, k.k2_k
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p() -> &'static Path {
        Path::new("x_MTL.txt")
    }

    fn k(k1: f64, k2_k: f64) -> ThermalConstants {
        ThermalConstants { k1, k2_k }
    }

    #[test]
    fn published_constants_pass() {
        // USGS handbooks: L8 B10/B11, L9 B10, L7 B6, L5 B6, L4 B6; ASTER B10 and B14.
        for (k1, k2) in [
            (774.8853, 1321.0789),
            (480.8883, 1201.1442),
            (799.0284, 1329.2405),
            (666.09, 1282.71),
            (607.76, 1260.56),
            (671.62, 1284.30),
            (3040.136402, 1735.337945),
            (641.326517, 1271.221673),
        ] {
            thermal(p(), "G", "K1", "K2", k(k1, k2)).unwrap();
        }
    }

    #[test]
    fn zero_negative_swapped_and_absurd_constants_fail_naming_the_key() {
        let msg = |k1, k2| {
            thermal(
                p(),
                "LEVEL1_THERMAL_CONSTANTS",
                "K1_B10",
                "K2_B10",
                k(k1, k2),
            )
            .unwrap_err()
            .to_string()
        };
        let m = msg(0.0, 1321.0789);
        assert!(m.contains("x_MTL.txt") && m.contains("K1_B10 = 0"), "{m}");
        let m = msg(774.8853, -1321.0);
        assert!(m.contains("K2_B10 = -1321"), "{m}");
        // Swapped: K2 = 774.9 K → λ = 18.57 µm, K1 expected ≈ 54, got 1321.
        let m = msg(1321.0789, 774.8853);
        assert!(m.contains("swapped"), "{m}");
        // K2 = 100 K → λ = 144 µm: not thermal infrared.
        let m = msg(774.8853, 100.0);
        assert!(m.contains("143.88 µm"), "{m}");
        let m = msg(f64::NAN, 1321.0);
        assert!(m.contains("K1_B10 = NaN"), "{m}");
    }

    #[test]
    fn gains_must_be_positive() {
        positive(p(), "G", "RADIANCE_MULT_BAND_10", 3.342e-4, "radiance gain").unwrap();
        for v in [0.0, -3.342e-4, f64::INFINITY] {
            let m = positive(p(), "G", "RADIANCE_MULT_BAND_10", v, "radiance gain")
                .unwrap_err()
                .to_string();
            assert!(m.contains("RADIANCE_MULT_BAND_10") && m.contains("radiance gain"));
        }
    }
}

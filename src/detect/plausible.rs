//! Is a scene's temperature a surface temperature? A generic raster read in the wrong unit or
//! without its scale (deci-kelvin counts read as kelvin, °C read as K) still runs through every
//! window test, with `ΔT` thresholds off by its factor, and reports nonsense zones. Earth's
//! surfaces range from about 180 K (Antarctic night) to 340 K (sunlit desert); a burning coal
//! seam reaches 1000 K only where it burns, never across most of a scene. So a scene whose
//! valid pixels have a median outside [`MEDIAN_RANGE_K`] is refused, with the likely cause.

/// The medians a thermal scene can have, K: wide on both sides of Earth's surface range.
pub const MEDIAN_RANGE_K: (f64, f64) = (150.0, 1000.0);

/// `Ok` when `median_k` (the valid pixels' median, K) can be a scene of surface temperatures;
/// otherwise what is wrong and what the user probably meant.
pub fn check_median_k(median_k: f64) -> Result<(), String> {
    let (lo, hi) = MEDIAN_RANGE_K;
    if (lo..=hi).contains(&median_k) {
        return Ok(());
    }
    let mut why = format!(
        "the valid pixels' median is {median_k:.1} K, not a scene of surface temperatures \
         (Earth's surfaces are 180-340 K, a burning seam up to ~1000 K only where it burns)"
    );
    // Scaled counts: the power of ten that brings the median to 200-400 K.
    let scale = [0.1, 0.01, 0.001]
        .into_iter()
        .find(|s| (200.0..=400.0).contains(&(median_k * s)));
    if let Some(s) = scale {
        why.push_str(&format!(
            ": the values look scaled (x {s} gives {:.1} K): pass --scale {s}, or set the \
             band's scale in the file (gdal_edit.py -scale {s})",
            median_k * s
        ));
    } else if (-90.0..=70.0).contains(&median_k) {
        why.push_str(&format!(
            ": the values look like degrees Celsius ({:.1} K): pass --input-unit celsius",
            median_k + 273.15
        ));
    } else {
        why.push_str(": check --input-unit, --scale and --offset");
    }
    Err(why)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn surface_temperatures_pass_and_others_say_why() {
        for ok in [150.0, 183.0, 295.3, 340.0, 650.0, 1000.0] {
            assert!(check_median_k(ok).is_ok(), "{ok}");
        }
        // Deci-kelvin counts read as kelvin: ×0.1 suggested (2993.5 × 0.1 = 299.35 K).
        let e = check_median_k(2993.5).unwrap_err();
        assert!(
            e.contains("2993.5 K") && e.contains("--scale 0.1") && e.contains("299.4 K"),
            "{e}"
        );
        // Centi-kelvin (×0.01 → 300.12 K).
        assert!(
            check_median_k(30012.0)
                .unwrap_err()
                .contains("--scale 0.01")
        );
        // Degrees Celsius read as kelvin: 26.85 + 273.15 = 300.0 K.
        let e = check_median_k(26.85).unwrap_err();
        assert!(
            e.contains("--input-unit celsius") && e.contains("300.0 K"),
            "{e}"
        );
        // Below zero kelvin cannot be: nothing fits, the generic advice.
        assert!(
            check_median_k(-5000.0)
                .unwrap_err()
                .contains("check --input-unit")
        );
        assert!(
            check_median_k(1500.0)
                .unwrap_err()
                .contains("check --input-unit")
        );
    }
}

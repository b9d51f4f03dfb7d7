//! Band ids from USGS file names (`…_B10.TIF` → `B10`). Pure string handling.

pub use crate::mtl::band_id_from_file_name as band_id_from_name;

/// Normalises a user's band argument: `10` → `B10`, `b6_vcid_1` → `B6_VCID_1`, `st_b10` → `ST_B10`.
pub fn normalize_band_arg(arg: &str) -> String {
    let up = arg.trim().to_ascii_uppercase();
    if up.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        format!("B{up}")
    } else {
        up
    }
}

/// The product-id prefix of a USGS file name (`LC08_L1TP_…_T1_B10.TIF` → `LC08_L1TP_…_T1`),
/// when the name starts like a Landsat product id.
pub fn product_prefix(file_name: &str) -> Option<String> {
    let name = file_name.rsplit('/').next()?;
    let up = name.to_ascii_uppercase();
    let looks_landsat = up.len() > 4
        && up.starts_with('L')
        && matches!(&up[1..2], "C" | "O" | "T" | "E" | "M")
        && up[2..4].chars().all(|c| c.is_ascii_digit());
    if !looks_landsat {
        return None;
    }
    let band = band_id_from_name(name)?;
    let stem = name.split('.').next()?;
    stem.len()
        .checked_sub(band.len() + 1)
        .map(|cut| stem[..cut].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qa_and_legacy_names() {
        assert_eq!(
            band_id_from_name("X_QA_PIXEL.TIF").as_deref(),
            Some("QA_PIXEL")
        );
        assert_eq!(band_id_from_name("l8_BQA.tif").as_deref(), Some("BQA"));
        assert_eq!(band_id_from_name("X_ST_QA.TIF").as_deref(), Some("ST_QA"));
        assert_eq!(
            band_id_from_name("LT52240631988227CUB02_B6.TIF").as_deref(),
            Some("B6")
        );
        assert_eq!(band_id_from_name("X_MTL.txt"), None);
    }

    #[test]
    fn band_args() {
        assert_eq!(normalize_band_arg("10"), "B10");
        assert_eq!(normalize_band_arg("6_vcid_1"), "B6_VCID_1");
        assert_eq!(normalize_band_arg("st_b10"), "ST_B10");
    }

    #[test]
    fn prefixes() {
        assert_eq!(
            product_prefix("LC08_L1TP_227074_20190825_20200826_02_T1_B7.TIF").as_deref(),
            Some("LC08_L1TP_227074_20190825_20200826_02_T1")
        );
        assert_eq!(
            product_prefix("LT52240631988227CUB02_B6.TIF").as_deref(),
            Some("LT52240631988227CUB02")
        );
        assert_eq!(product_prefix("l8_B10.tif"), None);
    }
}

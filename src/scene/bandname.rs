//! Band ids from USGS file names (`…_B10.TIF` → `B10`). Pure string handling.

/// The band id encoded at the end of a file name, if any: `B1`…`B14`, `B6_VCID_1`, `SR_B4`,
/// `ST_B10`, `ST_QA`, `QA_PIXEL`, `QA_RADSAT`, `BQA`. Case-insensitive; the extension is ignored.
///
/// ```
/// use seamfire::scene::band_id_from_name;
/// assert_eq!(band_id_from_name("LC08_L1TP_227074_20190825_20200826_02_T1_B10.TIF").as_deref(), Some("B10"));
/// assert_eq!(band_id_from_name("l8_B11.tif").as_deref(), Some("B11"));
/// assert_eq!(band_id_from_name("LE07_X_B6_VCID_1.TIF").as_deref(), Some("B6_VCID_1"));
/// assert_eq!(band_id_from_name("LC08_X_ST_B10.TIF").as_deref(), Some("ST_B10"));
/// assert_eq!(band_id_from_name("mosaic.tif"), None);
/// ```
pub fn band_id_from_name(file_name: &str) -> Option<String> {
    let stem = file_name.rsplit('/').next()?;
    let stem = stem.split('.').next()?.to_ascii_uppercase();
    let tokens: Vec<&str> = stem.split('_').collect();
    let n = tokens.len();
    let last = |k: usize| -> Option<&str> { (n >= k).then(|| tokens[n - k]) };
    if n >= 3 && last(2) == Some("VCID") && last(3).is_some_and(is_band_token) {
        return Some(format!("{}_VCID_{}", last(3)?, last(1)?));
    }
    match (last(2), last(1)?) {
        (Some("QA"), t @ ("PIXEL" | "RADSAT" | "AEROSOL")) => Some(format!("QA_{t}")),
        (Some("ST"), "QA") => Some("ST_QA".into()),
        (Some(p @ ("ST" | "SR")), t) if is_band_token(t) => Some(format!("{p}_{t}")),
        (_, "BQA") => Some("BQA".into()),
        (_, t) if is_band_token(t) => Some(t.to_string()),
        _ => None,
    }
}

fn is_band_token(t: &str) -> bool {
    t.len() >= 2 && t.starts_with('B') && t[1..].chars().all(|c| c.is_ascii_digit())
}

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
        assert_eq!(band_id_from_name("X_QA_PIXEL.TIF").as_deref(), Some("QA_PIXEL"));
        assert_eq!(band_id_from_name("l8_BQA.tif").as_deref(), Some("BQA"));
        assert_eq!(band_id_from_name("X_ST_QA.TIF").as_deref(), Some("ST_QA"));
        assert_eq!(band_id_from_name("LT52240631988227CUB02_B6.TIF").as_deref(), Some("B6"));
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

//! Band ids: the USGS file-name suffix of a band (`B10`, `B6_VCID_1`, `SR_B4`, `ST_B10`,
//! `QA_PIXEL`, `BQA`, …), derived from a file name or, failing that, from the MTL key.

/// True for GeoTIFF names (`.TIF`, `.tif`, `.tiff`): the only files that are bands.
pub(crate) fn is_raster(file: &str) -> bool {
    let lower = file.to_ascii_lowercase();
    lower.ends_with(".tif") || lower.ends_with(".tiff")
}

/// True for MTL keys that name a product file: `FILE_NAME_BAND_4` (C2, C1) or the legacy
/// `BAND4_FILE_NAME`, `METADATA_FILE_NAME`.
pub(crate) fn is_file_key(key: &str) -> bool {
    key.starts_with("FILE_NAME_") || key.ends_with("_FILE_NAME")
}

/// The band id of `file`, listed under `key` in a product whose id is `product_id`.
///
/// Order: the text after `<product id>_`; for legacy `BANDn_FILE_NAME` keys the key (old file
/// names say `_B10` for band 1); a known suffix at the end of the name; the key.
pub(crate) fn band_id(key: &str, file: &str, product_id: Option<&str>) -> String {
    let stem = file_stem(file);
    if let Some(rest) = product_id
        .filter(|p| !p.is_empty())
        .and_then(|p| stem.strip_prefix(p))
        .and_then(|r| r.strip_prefix('_'))
        .filter(|r| !r.is_empty())
    {
        return rest.to_string();
    }
    if let Some(n) = key
        .strip_prefix("BAND")
        .and_then(|k| k.strip_suffix("_FILE_NAME"))
    {
        return from_key_suffix(n.trim_start_matches('_'));
    }
    known_suffix(stem).unwrap_or_else(|| from_file_key(key))
}

/// The band id a file name ends with, if any (`…_B10.TIF` → `B10`, `l8_B11.tif` → `B11`,
/// `…_B6_VCID_1.TIF` → `B6_VCID_1`, `…_ST_B10.TIF` → `ST_B10`, `…_QA_PIXEL.TIF` → `QA_PIXEL`).
/// Case-insensitive; directories and the extension are ignored.
///
/// ```
/// use seamfire::mtl::band_id_from_file_name;
/// assert_eq!(band_id_from_file_name("LC08_L1TP_227074_20190825_20200826_02_T1_B10.TIF").as_deref(), Some("B10"));
/// assert_eq!(band_id_from_file_name("l8_b11.tif").as_deref(), Some("B11"));
/// assert_eq!(band_id_from_file_name("LE07_X_B6_VCID_1.TIF").as_deref(), Some("B6_VCID_1"));
/// assert_eq!(band_id_from_file_name("mosaic.tif"), None);
/// ```
pub fn band_id_from_file_name(file: &str) -> Option<String> {
    known_suffix(file_stem(file))
}

/// The file name without directories and extension.
fn file_stem(file: &str) -> &str {
    let name = file.rsplit(['/', '\\']).next().unwrap_or(file);
    match name.rfind('.') {
        Some(dot) if dot > 0 => &name[..dot],
        _ => name,
    }
}

/// The longest trailing `_`-separated part of `stem` (up to 3 parts) that is a known band
/// suffix, e.g. `B6_VCID_1` in `LE07_…_T1_B6_VCID_1`.
fn known_suffix(stem: &str) -> Option<String> {
    let parts: Vec<&str> = stem.split('_').collect();
    let n = parts.len();
    (1..=3.min(n.saturating_sub(1)))
        .rev()
        .map(|k| parts[n - k..].join("_"))
        .find(|tail| is_known_suffix(&tail.to_ascii_uppercase()))
        .map(|tail| tail.to_ascii_uppercase())
}

fn is_known_suffix(t: &str) -> bool {
    const FIXED: &[&str] = &[
        "BQA",
        "QA_PIXEL",
        "QA_RADSAT",
        "SR_QA_AEROSOL",
        "SR_ATMOS_OPACITY",
        "SR_CLOUD_QA",
        "ST_QA",
        "ST_TRAD",
        "ST_URAD",
        "ST_DRAD",
        "ST_ATRAN",
        "ST_EMIS",
        "ST_EMSD",
        "ST_CDIST",
        "SAA",
        "SZA",
        "VAA",
        "VZA",
    ];
    if FIXED.contains(&t) {
        return true;
    }
    let band = t
        .strip_prefix("SR_")
        .or_else(|| t.strip_prefix("ST_"))
        .or_else(|| t.strip_prefix("GM_"))
        .unwrap_or(t);
    let Some(rest) = band.strip_prefix('B') else {
        return false;
    };
    let (num, vcid) = match rest.split_once("_VCID_") {
        Some((num, v)) => (num, Some(v)),
        None => (rest, None),
    };
    is_digits(num) && vcid.is_none_or(is_digits)
}

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Band id from the key naming a file: `FILE_NAME_BAND_10` → `B10`,
/// `FILE_NAME_QUALITY_L1_PIXEL` → `QA_PIXEL`, `FILE_NAME_BAND_ST_B10` → `ST_B10`, …
pub(crate) fn from_file_key(key: &str) -> String {
    let rest = key
        .strip_prefix("FILE_NAME_")
        .or_else(|| key.strip_suffix("_FILE_NAME"))
        .unwrap_or(key);
    if let Some(b) = rest.strip_prefix("BAND_") {
        return from_key_suffix(b);
    }
    let id = match rest {
        "QUALITY_L1_PIXEL" => "QA_PIXEL",
        "QUALITY_L1_RADIOMETRIC_SATURATION" => "QA_RADSAT",
        "QUALITY_L2_AEROSOL" => "SR_QA_AEROSOL",
        "QUALITY_L2_SURFACE_TEMPERATURE" => "ST_QA",
        "QUALITY_L2_SURFACE_REFLECTANCE_CLOUD" => "SR_CLOUD_QA",
        "ATMOSPHERIC_OPACITY" => "SR_ATMOS_OPACITY",
        "THERMAL_RADIANCE" => "ST_TRAD",
        "UPWELL_RADIANCE" => "ST_URAD",
        "DOWNWELL_RADIANCE" => "ST_DRAD",
        "ATMOSPHERIC_TRANSMITTANCE" => "ST_ATRAN",
        "EMISSIVITY" => "ST_EMIS",
        "EMISSIVITY_STDEV" => "ST_EMSD",
        "CLOUD_DISTANCE" => "ST_CDIST",
        "ANGLE_SENSOR_AZIMUTH_BAND_4" => "VAA",
        "ANGLE_SENSOR_ZENITH_BAND_4" => "VZA",
        "ANGLE_SOLAR_AZIMUTH_BAND_4" => "SAA",
        "ANGLE_SOLAR_ZENITH_BAND_4" => "SZA",
        other => other,
    };
    id.to_string()
}

/// Band id from the band part of a key: `10` → `B10`, `6_VCID_1` → `B6_VCID_1`, legacy `61`
/// → `B6_VCID_1`, `QUALITY` → `BQA`, `ST_B10` → `ST_B10`.
pub(crate) fn from_key_suffix(s: &str) -> String {
    match s {
        "61" => return "B6_VCID_1".to_string(),
        "62" => return "B6_VCID_2".to_string(),
        "QUALITY" => return "BQA".to_string(),
        _ => {}
    }
    let num = s.split_once("_VCID_").map_or(s, |(n, _)| n);
    if is_digits(num) {
        format!("B{s}")
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const C2: &str = "LC08_L2SP_204023_20200927_20201006_02_T1";

    #[test]
    fn suffix_after_the_product_id() {
        fn f(key: &str, file: &str) -> String {
            band_id(key, file, Some(C2))
        }
        assert_eq!(
            f(
                "FILE_NAME_BAND_10",
                "LC08_L2SP_204023_20200927_20201006_02_T1_B10.TIF"
            ),
            "B10"
        );
        assert_eq!(f("FILE_NAME_BAND_4", &format!("{C2}_SR_B4.TIF")), "SR_B4");
        assert_eq!(
            f("FILE_NAME_BAND_ST_B10", &format!("{C2}_ST_B10.TIF")),
            "ST_B10"
        );
        assert_eq!(
            f("FILE_NAME_QUALITY_L1_PIXEL", &format!("{C2}_QA_PIXEL.TIF")),
            "QA_PIXEL"
        );
        assert_eq!(
            band_id(
                "FILE_NAME_BAND_QUALITY",
                "LC80200392015216LGN00_BQA.TIF",
                Some("LC80200392015216LGN00")
            ),
            "BQA"
        );
    }

    #[test]
    fn known_suffix_when_the_prefix_differs() {
        let other = Some("SOMETHING_ELSE");
        assert_eq!(
            band_id("FILE_NAME_BAND_6_VCID_1", "LE07_X_T1_B6_VCID_1.TIF", other),
            "B6_VCID_1"
        );
        assert_eq!(band_id("FILE_NAME_BAND_4", "x_T1_SR_B4.tif", None), "SR_B4");
        assert_eq!(band_id("K", "l8_B10.tif", None), "B10");
        assert_eq!(band_id("K", "a_b_SR_QA_AEROSOL.TIF", None), "SR_QA_AEROSOL");
        assert_eq!(band_id("K", "a_GM_B8.TIF", None), "GM_B8");
    }

    #[test]
    fn key_when_the_name_says_nothing() {
        assert_eq!(band_id("FILE_NAME_BAND_10", "thermal.TIF", None), "B10");
        assert_eq!(band_id("FILE_NAME_BAND_QUALITY", "qa.tif", None), "BQA");
        assert_eq!(
            band_id("FILE_NAME_QUALITY_L1_PIXEL", "x.TIF", None),
            "QA_PIXEL"
        );
        assert_eq!(band_id("FILE_NAME_BAND_ST_B10", "x.TIF", None), "ST_B10");
        assert_eq!(
            band_id("FILE_NAME_THERMAL_RADIANCE", "x.TIF", None),
            "ST_TRAD"
        );
        // Legacy names: `_B10` is band 1, `_B61` band 6 low gain; the key decides.
        assert_eq!(
            band_id("BAND1_FILE_NAME", "L71_20000101_B10.TIF", None),
            "B1"
        );
        assert_eq!(
            band_id("BAND61_FILE_NAME", "L71_20000101_B61.TIF", None),
            "B6_VCID_1"
        );
    }

    #[test]
    fn rasters_and_file_keys() {
        assert!(is_raster("a_B1.TIF") && is_raster("b.tif") && is_raster("c.tiff"));
        assert!(!is_raster("a_MTL.txt") && !is_raster("a_ANG.txt") && !is_raster("CPF.01"));
        assert!(is_file_key("FILE_NAME_BAND_1") && is_file_key("METADATA_FILE_NAME"));
        assert!(!is_file_key("DATA_TYPE_BAND_1"));
    }

    #[test]
    fn key_suffixes() {
        assert_eq!(from_key_suffix("10"), "B10");
        assert_eq!(from_key_suffix("6_VCID_2"), "B6_VCID_2");
        assert_eq!(from_key_suffix("62"), "B6_VCID_2");
        assert_eq!(from_key_suffix("ST_B6"), "ST_B6");
    }
}

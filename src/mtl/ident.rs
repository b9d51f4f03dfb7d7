//! Mission, sensor, collection and level from MTL strings and Landsat product ids.
//!
//! Product ids come in two shapes: Collection 1/2 `LXSS_LLLL_PPPRRR_YYYYMMDD_yyyymmdd_CC_TX`
//! (`LC08_L1TP_…_02_T1`) and the pre-collection scene id `LXSPPPRRRYYYYDDDGSIVV`
//! (`LC80200392015216LGN00`), where X is the sensor letter and S the satellite number.

use super::types::{Collection, Level, Mission, Sensor};

/// Mission from `SPACECRAFT_ID` / ESPA `satellite` (`LANDSAT_8`, `Landsat5`, `LANDSAT 7`).
pub(crate) fn mission(spacecraft: &str) -> Option<Mission> {
    let norm: String = spacecraft
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_uppercase();
    mission_number(norm.strip_prefix("LANDSAT")?)
}

fn mission_number(n: &str) -> Option<Mission> {
    Some(match n.trim_start_matches('0') {
        "1" => Mission::Landsat1,
        "2" => Mission::Landsat2,
        "3" => Mission::Landsat3,
        "4" => Mission::Landsat4,
        "5" => Mission::Landsat5,
        "7" => Mission::Landsat7,
        "8" => Mission::Landsat8,
        "9" => Mission::Landsat9,
        _ => return None,
    })
}

/// Sensor from `SENSOR_ID` / ESPA `instrument` (`MSS`, `TM`, `ETM`, `ETM+`, `OLI_TIRS`, `OLI`,
/// `TIRS`).
pub(crate) fn sensor(sensor_id: &str) -> Option<Sensor> {
    let norm = sensor_id
        .trim()
        .to_ascii_uppercase()
        .replace(['-', ' '], "_");
    Some(match norm.as_str() {
        "MSS" => Sensor::Mss,
        "TM" => Sensor::Tm,
        "ETM" | "ETM+" | "ETM_PLUS" => Sensor::EtmPlus,
        "OLI_TIRS" | "OLI" | "TIRS" | "OLI_2_TIRS_2" | "OLI2_TIRS2" => Sensor::OliTirs,
        _ => return None,
    })
}

/// The sensor letter and satellite number of a product or scene id (`LC08_…` → `('C', "8")`,
/// `LT5224…` → `('T', "5")`).
fn id_parts(id: &str) -> Option<(char, &str)> {
    let b = id.as_bytes();
    if b.len() < 4 || b[0] != b'L' || !b[1].is_ascii_alphabetic() {
        return None;
    }
    let letter = char::from(b[1]).to_ascii_uppercase();
    if b.len() >= 5 && b[2].is_ascii_digit() && b[3].is_ascii_digit() && b[4] == b'_' {
        Some((letter, &id[2..4]))
    } else if b[2].is_ascii_digit() {
        Some((letter, &id[2..3]))
    } else {
        None
    }
}

/// Mission named by a product or scene id.
pub(crate) fn mission_from_id(id: &str) -> Option<Mission> {
    id_parts(id).and_then(|(_, n)| mission_number(n))
}

/// Sensor named by a product or scene id (`T` is TM on Landsat 4/5 but TIRS on 8/9).
pub(crate) fn sensor_from_id(id: &str) -> Option<Sensor> {
    let (letter, n) = id_parts(id)?;
    let modern = matches!(mission_number(n)?, Mission::Landsat8 | Mission::Landsat9);
    Some(match letter {
        'M' => Sensor::Mss,
        'T' if !modern => Sensor::Tm,
        'E' => Sensor::EtmPlus,
        'C' | 'O' | 'T' => Sensor::OliTirs,
        _ => return None,
    })
}

/// Collection named by a product id: `_01_` → C1, `_02_` → C2, a 21-character scene id →
/// pre-collection, anything else `None`.
pub(crate) fn collection_from_id(id: &str) -> Option<Collection> {
    let parts: Vec<&str> = id.split('_').collect();
    if parts.len() == 7 && id_parts(id).is_some() {
        return collection_number(parts[5]);
    }
    let legacy = id.len() == 21 && id.is_ascii() && id_parts(id).is_some();
    legacy.then_some(Collection::PreCollection)
}

/// `COLLECTION_NUMBER` text (`01`, `2`) → collection; other numbers → `None`.
pub(crate) fn collection_number(s: &str) -> Option<Collection> {
    match s.trim().parse::<u32>().ok()? {
        1 => Some(Collection::C1),
        2 => Some(Collection::C2),
        _ => None,
    }
}

/// Level from `PROCESSING_LEVEL` (C2) or `DATA_TYPE` (C1, pre-collection): `L1*` → L1,
/// `L2SP`/`L2SR` → L2Sp, anything else Other.
pub(crate) fn level(name: &str) -> Level {
    let n = name.trim().to_ascii_uppercase();
    if n.starts_with("L1") {
        Level::L1
    } else if n == "L2SP" || n == "L2SR" {
        Level::L2Sp
    } else {
        Level::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missions_and_sensors() {
        assert_eq!(mission("LANDSAT_8"), Some(Mission::Landsat8));
        assert_eq!(mission("Landsat5"), Some(Mission::Landsat5));
        assert_eq!(mission("LANDSAT_6"), None);
        assert_eq!(mission("SENTINEL_2"), None);
        assert_eq!(sensor("OLI_TIRS"), Some(Sensor::OliTirs));
        assert_eq!(sensor("ETM"), Some(Sensor::EtmPlus));
        assert_eq!(sensor("tm"), Some(Sensor::Tm));
        assert_eq!(sensor("MSI"), None);
    }

    #[test]
    fn from_product_and_scene_ids() {
        assert_eq!(
            mission_from_id("LC09_L1TP_112081_20220209_20220209_02_T1"),
            Some(Mission::Landsat9)
        );
        assert_eq!(
            mission_from_id("LT52240631988227CUB02"),
            Some(Mission::Landsat5)
        );
        assert_eq!(sensor_from_id("LT52240631988227CUB02"), Some(Sensor::Tm));
        assert_eq!(
            sensor_from_id("LT08_L1GT_001002_20200101_20200101_02_T2"),
            Some(Sensor::OliTirs)
        );
        assert_eq!(sensor_from_id("LM30520251978217PAC03"), Some(Sensor::Mss));
        assert_eq!(
            collection_from_id("LE07_L1TP_160031_20110416_20161210_01_T1"),
            Some(Collection::C1)
        );
        assert_eq!(
            collection_from_id("LC08_L2SP_204023_20200927_20201006_02_T1"),
            Some(Collection::C2)
        );
        assert_eq!(
            collection_from_id("LC80980762015235LGN00"),
            Some(Collection::PreCollection)
        );
        assert_eq!(collection_from_id("scene"), None);
        assert_eq!(mission_from_id("L"), None);
    }

    #[test]
    fn levels() {
        for l in ["L1TP", "L1GT", "L1GS", "L1T", "L1G"] {
            assert_eq!(level(l), Level::L1, "{l}");
        }
        assert_eq!(level("L2SP"), Level::L2Sp);
        assert_eq!(level("L2SR"), Level::L2Sp);
        assert_eq!(level("PR"), Level::Other);
    }
}

//! Tree → [`SceneMetadata`] for ESPA on-demand products (`<espa_metadata>` XML).
//!
//! ```text
//! <global_metadata> satellite, instrument, acquisition_date, scene_center_time,
//!                   <solar_angles zenith= azimuth=/>, earth_sun_distance, <wrs path= row=/>,
//!                   product_id (v2 only), lpgs_metadata_file
//! <bands> <band product= name= scale_factor= add_offset=> file_name … </band> …
//! ```
//!
//! Band ids follow the USGS style: `sr_band4` → `SR_B4`, `toa_band4` → `TOA_B4`, `bt_band6` →
//! `BT_B6`, level-1 `b6`/`band6` → `B6`, anything else upper-cased (`PIXEL_QA`). SR/TOA bands
//! get `reflectance`, BT bands `temperature` from `scale_factor`/`add_offset`; `<radiance
//! gain= bias=/>`, `<reflectance …/>` and `k1`/`k2` are read when a band carries them.
//! ESPA has no cloud-cover figure and no processing-level string: `cloud_cover_pct` and
//! `level_name` stay `None`; the level is L2Sp when the product has surface-reflectance or
//! surface-temperature bands, L1 when it only has level-1 bands.

use std::collections::BTreeMap;
use std::path::Path;

use super::band_id::{from_key_suffix, is_raster};
use super::calibration::number;
use super::ident;
use super::tree::{MtlGroup, MtlTree};
use super::types::{BandCalibration, Collection, Level, Rescale, SceneMetadata, ThermalConstants};
use super::validate;
use crate::error::{Error, Result};

/// Builds scene metadata from an `espa_metadata` tree.
pub(crate) fn scene_metadata(tree: &MtlTree, source: &Path) -> Result<SceneMetadata> {
    let gm = tree
        .group("global_metadata")
        .ok_or_else(|| Error::metadata(source, "espa_metadata without global_metadata"))?;
    let text = |k: &str| {
        gm.get(k)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let num = |g: &MtlGroup, k: &str| -> Result<Option<f64>> {
        g.get(k).map(|v| number(g.name(), k, v, source)).transpose()
    };

    let product_id = text("product_id").or_else(|| {
        text("lpgs_metadata_file").map(|f| {
            let stem = f.rsplit_once('.').map_or(f.as_str(), |(s, _)| s);
            let stem = stem
                .strip_suffix("_MTL")
                .or_else(|| stem.strip_suffix("_mtl"))
                .unwrap_or(stem);
            stem.to_string()
        })
    });
    let id = product_id.as_deref();

    let mission = text("satellite")
        .as_deref()
        .and_then(ident::mission)
        .or_else(|| id.and_then(ident::mission_from_id))
        .ok_or_else(|| {
            Error::metadata(
                source,
                "global_metadata: satellite missing or not a Landsat mission",
            )
        })?;
    let sensor = text("instrument")
        .as_deref()
        .and_then(ident::sensor)
        .or_else(|| id.and_then(ident::sensor_from_id))
        .ok_or_else(|| {
            Error::metadata(
                source,
                "global_metadata: instrument missing or not a Landsat sensor",
            )
        })?;

    let (sun_elevation_deg, sun_azimuth_deg) = match gm.group("solar_angles") {
        Some(sa) => (num(sa, "zenith")?.map(|z| 90.0 - z), num(sa, "azimuth")?),
        None => (None, None),
    };
    let wrs_path_row = gm.group("wrs").and_then(|w| {
        let p = w.get("path")?.trim().parse().ok()?;
        let r = w.get("row")?.trim().parse().ok()?;
        Some((p, r))
    });

    let bands: Vec<&MtlGroup> = tree
        .group("bands")
        .map(|b| b.groups().iter().filter(|g| g.name() == "band").collect())
        .unwrap_or_default();
    let mut band_files = BTreeMap::new();
    let mut calibration = BTreeMap::new();
    for band in &bands {
        let Some(file) = band.get("file_name").map(str::trim) else {
            continue;
        };
        if !is_raster(file) {
            continue;
        }
        let id = band_id(file, band.get("name"), id);
        let cal = band_calibration(band, &id, source)?;
        if cal != BandCalibration::default() {
            calibration.insert(id.clone(), cal);
        }
        band_files.entry(id).or_insert_with(|| file.to_string());
    }

    Ok(SceneMetadata {
        source: source.to_path_buf(),
        root: tree.root_name().to_string(),
        collection: id
            .and_then(ident::collection_from_id)
            .unwrap_or(Collection::None),
        level: level(&bands),
        level_name: None,
        product_id,
        mission,
        sensor,
        acquisition_date: text("acquisition_date"),
        scene_center_time: text("scene_center_time").map(|t| t.trim_matches('"').to_string()),
        sun_elevation_deg,
        sun_azimuth_deg,
        earth_sun_distance_au: num(gm, "earth_sun_distance")?,
        cloud_cover_pct: None,
        wrs_path_row,
        band_files,
        calibration,
        missing_groups: Vec::new(),
    })
}

/// L2Sp if any band is surface reflectance or surface temperature, L1 if any is level-1.
fn level(bands: &[&MtlGroup]) -> Level {
    let products: Vec<String> = bands
        .iter()
        .filter_map(|b| b.get("product"))
        .map(|p| p.trim().to_ascii_lowercase())
        .collect();
    if products
        .iter()
        .any(|p| p == "sr_refl" || p.starts_with("st") || p == "lst")
    {
        Level::L2Sp
    } else if products.iter().any(|p| p.starts_with("l1")) {
        Level::L1
    } else {
        Level::Other
    }
}

/// Band id from the file name after `<product id>_`, else from the band's `name` attribute.
fn band_id(file: &str, name: Option<&str>, product_id: Option<&str>) -> String {
    let base = file.rsplit(['/', '\\']).next().unwrap_or(file);
    let stem = base.rsplit_once('.').map_or(base, |(s, _)| s);
    let suffix = product_id
        .and_then(|p| stem.strip_prefix(p))
        .and_then(|r| r.strip_prefix('_'))
        .filter(|r| !r.is_empty())
        .or(name.map(str::trim).filter(|n| !n.is_empty()))
        .unwrap_or(stem);
    let upper = suffix.to_ascii_uppercase();
    for (prefix, out) in [
        ("SR_BAND", "SR_"),
        ("TOA_BAND", "TOA_"),
        ("BT_BAND", "BT_"),
        ("BAND", ""),
        ("B", ""),
    ] {
        if let Some(n) = upper.strip_prefix(prefix) {
            let id = from_key_suffix(n);
            if id.len() > 1 && id.starts_with('B') && id.as_bytes()[1].is_ascii_digit() {
                return format!("{out}{id}");
            }
        }
    }
    upper
}

/// Constants carried by one ESPA band.
fn band_calibration(band: &MtlGroup, id: &str, source: &Path) -> Result<BandCalibration> {
    let mut cal = BandCalibration::default();
    let num = |g: &MtlGroup, k: &str| -> Result<Option<f64>> {
        g.get(k).map(|v| number(g.name(), k, v, source)).transpose()
    };
    let positive = |group: &str, key: &str, v: f64, what: &str| -> Result<f64> {
        validate::positive(source, &format!("band {id} {group}"), key, v, what).map(|()| v)
    };
    let scaled = match num(band, "scale_factor")? {
        Some(mult) => Some(Rescale {
            mult: positive(band.name(), "scale_factor", mult, "scale factor")?,
            add: num(band, "add_offset")?.unwrap_or(0.0),
        }),
        None => None,
    };
    if id.starts_with("SR_B") || id.starts_with("TOA_B") {
        cal.reflectance = scaled;
    } else if id.starts_with("BT_B") {
        cal.temperature = scaled;
    }
    let gain_bias = |g: &MtlGroup| -> Result<Option<Rescale>> {
        Ok(match (num(g, "gain")?, num(g, "bias")?) {
            (Some(mult), Some(add)) => Some(Rescale {
                mult: positive(g.name(), "gain", mult, "gain")?,
                add,
            }),
            _ => None,
        })
    };
    if let Some(g) = band.group("radiance") {
        cal.radiance = gain_bias(g)?.or(cal.radiance);
    }
    if let Some(g) = band.group("reflectance").or(band.group("toa_reflectance")) {
        cal.reflectance = gain_bias(g)?.or(cal.reflectance);
    }
    for g in std::iter::once(band).chain(band.groups()) {
        let k1 = num(g, "k1")?.or(num(g, "k1_const")?);
        let k2 = num(g, "k2")?.or(num(g, "k2_const")?);
        if let (Some(k1), Some(k2)) = (k1, k2) {
            let k = ThermalConstants { k1, k2_k: k2 };
            validate::thermal(source, &format!("band {id}"), "k1", "k2", k)?;
            cal.thermal = Some(k);
            break;
        }
    }
    Ok(cal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn espa_band_ids() {
        let p = Some("LE07_L1TP_160031_20110416_20161210_01_T1");
        assert_eq!(
            band_id(
                "LE07_L1TP_160031_20110416_20161210_01_T1_sr_band4.tif",
                None,
                p
            ),
            "SR_B4"
        );
        assert_eq!(
            band_id(
                "LE07_L1TP_160031_20110416_20161210_01_T1_pixel_qa.tif",
                None,
                p
            ),
            "PIXEL_QA"
        );
        assert_eq!(band_id("x_toa_band1.tif", Some("toa_band1"), p), "TOA_B1");
        assert_eq!(band_id("x_bt_band6.tif", Some("bt_band6"), None), "BT_B6");
        assert_eq!(band_id("x_b61.tif", Some("b61"), None), "B6_VCID_1");
        assert_eq!(band_id("x_b3.tif", Some("b3"), None), "B3");
        assert_eq!(band_id("x_cfmask.tif", Some("cfmask"), None), "CFMASK");
    }

    #[test]
    fn level1_band_constants_are_read_when_present() {
        let xml = r#"<espa_metadata><global_metadata><satellite>LANDSAT_7</satellite>
            <instrument>ETM</instrument><product_id>LE07_L1TP_160031_20110416_20161210_01_T1</product_id>
            </global_metadata><bands>
            <band product="L1TP" name="b61" scale_factor="1.0">
              <file_name>LE07_L1TP_160031_20110416_20161210_01_T1_b61.tif</file_name>
              <radiance gain="0.067087" bias="-0.06709"/>
              <thermal_const k1="666.09" k2="1282.71"/>
            </band></bands></espa_metadata>"#;
        let m = crate::mtl::parse_mtl(xml.as_bytes(), Path::new("e.xml")).unwrap();
        assert_eq!(m.level, Level::L1);
        assert_eq!(m.collection, Collection::C1);
        let c = m.calibration["B6_VCID_1"];
        assert_eq!(
            c.radiance,
            Some(Rescale {
                mult: 0.067087,
                add: -0.06709
            })
        );
        assert_eq!(
            c.thermal,
            Some(ThermalConstants {
                k1: 666.09,
                k2_k: 1282.71
            })
        );
        assert_eq!(
            c.reflectance, None,
            "scale_factor only applies to SR/TOA/BT bands"
        );
    }
}

//! The Collection-2 Level-1 MTL (ODL text) of a synthetic scene, readable by
//! [`crate::mtl::parse_mtl`] and therefore by `seamfire info` and `seamfire calibrate`.

use std::fmt::Write;

use super::SynthScene;
use super::dn::{B10_RESCALE, B10_THERMAL, OLI_REFLECTANCE};
use super::qa::QA_CLOUD;

/// Acquisition date written for every synthetic scene.
pub const ACQUISITION_DATE: &str = "2020-09-15";
/// Mid-September Earth–Sun distance, AU.
const EARTH_SUN_DISTANCE_AU: f64 = 1.0058;
/// OLI radiance rescaling of bands 1–7 (a 2019 C2 product; only the reflectance rescaling is
/// used by seamfire).
const OLI_RADIANCE: [(f64, f64); 7] = [
    (1.2287e-2, -61.43394),
    (1.2582e-2, -62.90910),
    (1.1594e-2, -57.97020),
    (9.7767e-3, -48.88374),
    (5.9829e-3, -29.91441),
    (1.4879e-3, -7.43944),
    (5.0150e-4, -2.50749),
];

/// The product id of seed `seed`: `LC08_L1TP_SYNTH<seed>_20200915_20200915_02_T1`. It has the
/// seven fields of a Collection-2 id, so every tool that splits product ids reads it.
pub fn product_id(seed: u64) -> String {
    product_id_on(seed, ACQUISITION_DATE)
}

/// The product id of seed `seed` acquired on `date` (`YYYY-MM-DD`), as [`product_id`].
pub fn product_id_on(seed: u64, date: &str) -> String {
    let d = date.replace('-', "");
    format!("LC08_L1TP_SYNTH{seed}_{d}_{d}_02_T1")
}

/// USGS style scientific notation: `3.3420E-04`.
fn sci(v: f64) -> String {
    let t = format!("{v:.4E}");
    match t.split_once('E') {
        Some((m, e)) => {
            let e: i32 = e.parse().unwrap_or(0);
            let sign = if e < 0 { '-' } else { '+' };
            format!("{m}E{sign}{:02}", e.abs())
        }
        None => t,
    }
}

/// UTM zone of an EPSG code of WGS 84 / UTM (326zz north, 327zz south).
fn utm_zone(epsg: Option<u32>) -> Option<u32> {
    match epsg? {
        e @ 32601..=32660 => Some(e - 32600),
        e @ 32701..=32760 => Some(e - 32700),
        _ => None,
    }
}

/// The MTL text of `scene` written as product `pid`.
pub fn mtl_text(scene: &SynthScene, pid: &str) -> String {
    mtl_text_on(scene, pid, ACQUISITION_DATE)
}

/// [`mtl_text`] with another acquisition date (`YYYY-MM-DD`; the demo season's passes).
pub fn mtl_text_on(scene: &SynthScene, pid: &str, date: &str) -> String {
    let (rows, cols) = scene.shape();
    let swir = scene.swir_dn.is_some();
    let mut s = String::new();
    let mut kv = |indent: usize, key: &str, value: String| {
        let _ = writeln!(s, "{:width$}{key} = {value}", "", width = indent);
    };
    let q = |v: &str| format!("\"{v}\"");
    kv(0, "GROUP", "LANDSAT_METADATA_FILE".into());
    kv(2, "GROUP", "PRODUCT_CONTENTS".into());
    kv(
        4,
        "ORIGIN",
        q("seamfire synth: synthetic scene with planted anomalies, not a USGS product"),
    );
    kv(4, "LANDSAT_PRODUCT_ID", q(pid));
    kv(4, "PROCESSING_LEVEL", q("L1TP"));
    kv(4, "COLLECTION_NUMBER", "02".into());
    kv(4, "COLLECTION_CATEGORY", q("T1"));
    kv(4, "OUTPUT_FORMAT", q("GEOTIFF"));
    if swir {
        for b in 1..=7 {
            kv(
                4,
                &format!("FILE_NAME_BAND_{b}"),
                q(&format!("{pid}_B{b}.TIF")),
            );
        }
    }
    kv(4, "FILE_NAME_BAND_10", q(&format!("{pid}_B10.TIF")));
    kv(
        4,
        "FILE_NAME_QUALITY_L1_PIXEL",
        q(&format!("{pid}_QA_PIXEL.TIF")),
    );
    kv(4, "FILE_NAME_METADATA_ODL", q(&format!("{pid}_MTL.txt")));
    if swir {
        for b in 1..=7 {
            kv(4, &format!("DATA_TYPE_BAND_{b}"), q("UINT16"));
        }
    }
    kv(4, "DATA_TYPE_BAND_10", q("UINT16"));
    kv(4, "DATA_TYPE_QUALITY_L1_PIXEL", q("UINT16"));
    kv(2, "END_GROUP", "PRODUCT_CONTENTS".into());

    let valid = scene
        .qa_pixel
        .iter()
        .filter(|&&v| v != super::qa::QA_FILL)
        .count();
    let cloud = scene.qa_pixel.iter().filter(|&&v| v == QA_CLOUD).count();
    let cloud_pct = if valid > 0 {
        100.0 * cloud as f64 / valid as f64
    } else {
        0.0
    };
    let time = if scene.sun_elevation_deg > 0.0 {
        "03:41:27.5120000Z"
    } else {
        "15:06:44.2870000Z"
    };
    kv(2, "GROUP", "IMAGE_ATTRIBUTES".into());
    kv(4, "SPACECRAFT_ID", q("LANDSAT_8"));
    kv(4, "SENSOR_ID", q("OLI_TIRS"));
    kv(4, "DATE_ACQUIRED", date.into());
    kv(4, "SCENE_CENTER_TIME", q(time));
    kv(4, "CLOUD_COVER", format!("{cloud_pct:.2}"));
    kv(4, "SUN_AZIMUTH", format!("{:.8}", scene.sun_azimuth_deg));
    kv(
        4,
        "SUN_ELEVATION",
        format!("{:.8}", scene.sun_elevation_deg),
    );
    kv(
        4,
        "EARTH_SUN_DISTANCE",
        format!("{EARTH_SUN_DISTANCE_AU:.7}"),
    );
    kv(2, "END_GROUP", "IMAGE_ATTRIBUTES".into());

    let g = scene.georef.transform.0;
    let (px, py) = (g[1], -g[5]);
    kv(2, "GROUP", "PROJECTION_ATTRIBUTES".into());
    if let Some(zone) = utm_zone(scene.georef.epsg) {
        kv(4, "MAP_PROJECTION", q("UTM"));
        kv(4, "DATUM", q("WGS84"));
        kv(4, "ELLIPSOID", q("WGS84"));
        kv(4, "UTM_ZONE", zone.to_string());
    }
    kv(4, "GRID_CELL_SIZE_REFLECTIVE", format!("{px:.2}"));
    kv(4, "GRID_CELL_SIZE_THERMAL", format!("{px:.2}"));
    kv(4, "REFLECTIVE_LINES", rows.to_string());
    kv(4, "REFLECTIVE_SAMPLES", cols.to_string());
    kv(4, "THERMAL_LINES", rows.to_string());
    kv(4, "THERMAL_SAMPLES", cols.to_string());
    kv(4, "ORIENTATION", q("NORTH_UP"));
    let (x1, y1) = (g[0] + cols as f64 * px, g[3] - rows as f64 * py);
    for (corner, x, y) in [
        ("UL", g[0], g[3]),
        ("UR", x1, g[3]),
        ("LL", g[0], y1),
        ("LR", x1, y1),
    ] {
        kv(
            4,
            &format!("CORNER_{corner}_PROJECTION_X_PRODUCT"),
            format!("{x:.1}"),
        );
        kv(
            4,
            &format!("CORNER_{corner}_PROJECTION_Y_PRODUCT"),
            format!("{y:.1}"),
        );
    }
    kv(2, "END_GROUP", "PROJECTION_ATTRIBUTES".into());

    kv(2, "GROUP", "LEVEL1_RADIOMETRIC_RESCALING".into());
    if swir {
        for (b, (m, _)) in OLI_RADIANCE.iter().enumerate() {
            kv(4, &format!("RADIANCE_MULT_BAND_{}", b + 1), sci(*m));
        }
    }
    kv(4, "RADIANCE_MULT_BAND_10", sci(B10_RESCALE.mult));
    if swir {
        for (b, (_, a)) in OLI_RADIANCE.iter().enumerate() {
            kv(
                4,
                &format!("RADIANCE_ADD_BAND_{}", b + 1),
                format!("{a:.5}"),
            );
        }
    }
    kv(4, "RADIANCE_ADD_BAND_10", format!("{:.5}", B10_RESCALE.add));
    if swir {
        for b in 1..=7 {
            kv(
                4,
                &format!("REFLECTANCE_MULT_BAND_{b}"),
                sci(OLI_REFLECTANCE.mult),
            );
        }
        for b in 1..=7 {
            kv(
                4,
                &format!("REFLECTANCE_ADD_BAND_{b}"),
                format!("{:.6}", OLI_REFLECTANCE.add),
            );
        }
    }
    kv(2, "END_GROUP", "LEVEL1_RADIOMETRIC_RESCALING".into());
    kv(2, "GROUP", "LEVEL1_THERMAL_CONSTANTS".into());
    kv(4, "K1_CONSTANT_BAND_10", format!("{:.4}", B10_THERMAL.k1));
    kv(4, "K2_CONSTANT_BAND_10", format!("{:.4}", B10_THERMAL.k2_k));
    kv(2, "END_GROUP", "LEVEL1_THERMAL_CONSTANTS".into());
    kv(0, "END_GROUP", "LANDSAT_METADATA_FILE".into());
    s.push_str("END\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usgs_scientific_notation() {
        assert_eq!(sci(3.342e-4), "3.3420E-04");
        assert_eq!(sci(2.0e-5), "2.0000E-05");
        assert_eq!(sci(1.2287e-2), "1.2287E-02");
    }

    #[test]
    fn product_id_has_seven_fields() {
        let pid = product_id(42);
        assert_eq!(pid, "LC08_L1TP_SYNTH42_20200915_20200915_02_T1");
        assert_eq!(pid.split('_').count(), 7);
    }
}

//! Per-band calibration constants, each read from the MTL group that belongs to the band.
//!
//! An L2SP MTL carries `REFLECTANCE_MULT_BAND_4` twice: in `LEVEL1_RADIOMETRIC_RESCALING`
//! (TOA, for the level-1 `B4`) and in `LEVEL2_SURFACE_REFLECTANCE_PARAMETERS` (surface
//! reflectance, for `SR_B4`). Keys are therefore only ever looked up inside a named group.

use std::collections::BTreeMap;
use std::path::Path;

use super::band_id::from_key_suffix;
use super::tree::{MtlGroup, MtlTree};
use super::types::{BandCalibration, Rescale, ThermalConstants};
use crate::error::{Error, Result};

/// Where one MTL layout keeps its level-1 constants.
struct Layout {
    rescaling: &'static [&'static str],
    thermal: &'static [&'static str],
    min_max_radiance: &'static [&'static str],
    min_max_pixel: &'static [&'static str],
}

const C2: Layout = Layout {
    rescaling: &["LEVEL1_RADIOMETRIC_RESCALING"],
    thermal: &["LEVEL1_THERMAL_CONSTANTS"],
    min_max_radiance: &["LEVEL1_MIN_MAX_RADIANCE"],
    min_max_pixel: &["LEVEL1_MIN_MAX_PIXEL_VALUE"],
};

/// Collection 1 and pre-collection (`L1_METADATA_FILE`). L8 put K1/K2 in
/// `TIRS_THERMAL_CONSTANTS`, L4/5/7 C1 in `THERMAL_CONSTANTS`; some writers used
/// `TIR_THERMAL_CONSTANTS` or left them in `RADIOMETRIC_RESCALING`.
const C1: Layout = Layout {
    rescaling: &["RADIOMETRIC_RESCALING"],
    thermal: &[
        "TIRS_THERMAL_CONSTANTS",
        "THERMAL_CONSTANTS",
        "TIR_THERMAL_CONSTANTS",
        "RADIOMETRIC_RESCALING",
    ],
    min_max_radiance: &["MIN_MAX_RADIANCE"],
    min_max_pixel: &["MIN_MAX_PIXEL_VALUE"],
};

/// Calibration of every band the MTL has constants for. `c2_root` selects the
/// `LANDSAT_METADATA_FILE` group names; the level-2 groups are read whenever present.
pub(crate) fn calibration(
    tree: &MtlTree,
    c2_root: bool,
    source: &Path,
) -> Result<BTreeMap<String, BandCalibration>> {
    let layout = if c2_root { &C2 } else { &C1 };
    let mut out: BTreeMap<String, BandCalibration> = BTreeMap::new();
    let groups =
        |names: &[&str]| -> Vec<&MtlGroup> { names.iter().filter_map(|n| tree.group(n)).collect() };

    for g in groups(layout.rescaling) {
        for (band, r) in pairs(g, "RADIANCE_MULT_BAND_", "RADIANCE_ADD_BAND_", source)? {
            out.entry(from_key_suffix(&band)).or_default().radiance = Some(r);
        }
        for (band, r) in pairs(g, "REFLECTANCE_MULT_BAND_", "REFLECTANCE_ADD_BAND_", source)? {
            out.entry(from_key_suffix(&band)).or_default().reflectance = Some(r);
        }
    }
    for g in groups(layout.thermal) {
        for (band, r) in pairs(g, "K1_CONSTANT_BAND_", "K2_CONSTANT_BAND_", source)? {
            let cal = out.entry(from_key_suffix(&band)).or_default();
            cal.thermal.get_or_insert(ThermalConstants {
                k1: r.mult,
                k2_k: r.add,
            });
        }
    }
    min_max_fallback(
        &mut out,
        &groups(layout.min_max_radiance),
        &groups(layout.min_max_pixel),
        source,
    )?;

    if let Some(g) = tree.group("LEVEL2_SURFACE_REFLECTANCE_PARAMETERS") {
        for (band, r) in pairs(g, "REFLECTANCE_MULT_BAND_", "REFLECTANCE_ADD_BAND_", source)? {
            out.entry(format!("SR_{}", from_key_suffix(&band)))
                .or_default()
                .reflectance = Some(r);
        }
    }
    if let Some(g) = tree.group("LEVEL2_SURFACE_TEMPERATURE_PARAMETERS") {
        for (band, r) in pairs(g, "TEMPERATURE_MULT_BAND_", "TEMPERATURE_ADD_BAND_", source)? {
            let id = from_key_suffix(&band);
            let id = if id.starts_with("ST_") {
                id
            } else {
                format!("ST_{id}")
            };
            out.entry(id).or_default().temperature = Some(r);
        }
    }
    Ok(out)
}

/// Every `<mult_prefix><band>` in `g` that has a matching `<add_prefix><band>`, as
/// `(band, Rescale { mult, add })`. A key without its partner is skipped.
fn pairs(
    g: &MtlGroup,
    mult_prefix: &str,
    add_prefix: &str,
    source: &Path,
) -> Result<Vec<(String, Rescale)>> {
    let mut out = Vec::new();
    for (key, value) in g.entries() {
        let Some(band) = key.strip_prefix(mult_prefix).filter(|b| !b.is_empty()) else {
            continue;
        };
        let add_key = format!("{add_prefix}{band}");
        let Some(add) = g.get(&add_key) else { continue };
        let mult = number(g.name(), key, value, source)?;
        let add = number(g.name(), &add_key, add, source)?;
        out.push((band.to_string(), Rescale { mult, add }));
    }
    Ok(out)
}

/// For bands without `RADIANCE_MULT/ADD` (old MTLs), radiance rescaling from the radiance and
/// pixel-value ranges: `mult = (LMAX − LMIN) / (QCALMAX − QCALMIN)`, `add = LMIN − mult·QCALMIN`.
/// Reads `RADIANCE_MAXIMUM/MINIMUM_BAND_x` with `QUANTIZE_CAL_MAX/MIN_BAND_x`, or the older
/// `LMAX/LMIN_BANDx` with `QCALMAX/QCALMIN_BANDx`.
fn min_max_fallback(
    out: &mut BTreeMap<String, BandCalibration>,
    radiance: &[&MtlGroup],
    pixel: &[&MtlGroup],
    source: &Path,
) -> Result<()> {
    let styles = [
        (
            "RADIANCE_MAXIMUM_BAND_",
            "RADIANCE_MINIMUM_BAND_",
            "QUANTIZE_CAL_MAX_BAND_",
            "QUANTIZE_CAL_MIN_BAND_",
        ),
        ("LMAX_BAND", "LMIN_BAND", "QCALMAX_BAND", "QCALMIN_BAND"),
    ];
    for (lmax_p, lmin_p, qmax_p, qmin_p) in styles {
        for g in radiance {
            for (band, l) in pairs(g, lmax_p, lmin_p, source)? {
                let id = from_key_suffix(band.trim_start_matches('_'));
                if out.get(&id).is_some_and(|c| c.radiance.is_some()) {
                    continue;
                }
                let q = pixel
                    .iter()
                    .chain(radiance.iter())
                    .find_map(|p| Some((p, p.get(&format!("{qmax_p}{band}"))?)))
                    .and_then(|(p, qmax)| Some((p, qmax, p.get(&format!("{qmin_p}{band}"))?)));
                let Some((p, qmax, qmin)) = q else { continue };
                let qmax = number(p.name(), &format!("{qmax_p}{band}"), qmax, source)?;
                let qmin = number(p.name(), &format!("{qmin_p}{band}"), qmin, source)?;
                if qmax == qmin {
                    continue;
                }
                let (lmax, lmin) = (l.mult, l.add);
                let mult = (lmax - lmin) / (qmax - qmin);
                let add = lmin - mult * qmin;
                out.entry(id).or_default().radiance = Some(Rescale { mult, add });
            }
        }
    }
    Ok(())
}

/// A finite number, or an error naming group and key.
pub(crate) fn number(group: &str, key: &str, value: &str, source: &Path) -> Result<f64> {
    let v = value.trim().trim_matches('"');
    match v.parse::<f64>() {
        Ok(x) if x.is_finite() => Ok(x),
        _ => Err(Error::metadata(
            source,
            format!("{group}: {key} = `{v}` is not a number"),
        )),
    }
}

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
use super::validate;
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

/// The level-1 calibration groups a product of this layout should have and this file lacks:
/// the radiometric rescaling group (for a pre-collection file, unless the older radiance-range
/// groups stand in for it; Collection 1 and 2 always carry it) and, when `thermal` (the sensor
/// has thermal bands), the thermal-constants group.
pub(crate) fn missing_groups(
    tree: &MtlTree,
    c2_root: bool,
    pre_collection: bool,
    thermal: bool,
) -> Vec<String> {
    let layout = if c2_root { &C2 } else { &C1 };
    let absent = |names: &[&str]| names.iter().all(|n| tree.group(n).is_none());
    let mut out = Vec::new();
    if absent(layout.rescaling) && (!pre_collection || absent(layout.min_max_radiance)) {
        out.push(layout.rescaling[0].to_string());
    }
    if thermal && absent(layout.thermal) {
        out.push(layout.thermal[0].to_string());
    }
    out
}

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
        for p in pairs(g, "RADIANCE_MULT_BAND_", "RADIANCE_ADD_BAND_", source)? {
            validate::positive(source, g.name(), &p.mult_key, p.value.mult, "radiance gain")?;
            out.entry(from_key_suffix(&p.band)).or_default().radiance = Some(p.value);
        }
        for p in pairs(g, "REFLECTANCE_MULT_BAND_", "REFLECTANCE_ADD_BAND_", source)? {
            validate::positive(
                source,
                g.name(),
                &p.mult_key,
                p.value.mult,
                "reflectance gain",
            )?;
            out.entry(from_key_suffix(&p.band)).or_default().reflectance = Some(p.value);
        }
    }
    for g in groups(layout.thermal) {
        for p in pairs(g, "K1_CONSTANT_BAND_", "K2_CONSTANT_BAND_", source)? {
            let k = ThermalConstants {
                k1: p.value.mult,
                k2_k: p.value.add,
            };
            validate::thermal(source, g.name(), &p.mult_key, &p.add_key, k)?;
            let cal = out.entry(from_key_suffix(&p.band)).or_default();
            cal.thermal.get_or_insert(k);
        }
    }
    min_max_fallback(
        &mut out,
        &groups(layout.min_max_radiance),
        &groups(layout.min_max_pixel),
        source,
    )?;

    if let Some(g) = tree.group("LEVEL2_SURFACE_REFLECTANCE_PARAMETERS") {
        for p in pairs(g, "REFLECTANCE_MULT_BAND_", "REFLECTANCE_ADD_BAND_", source)? {
            validate::positive(
                source,
                g.name(),
                &p.mult_key,
                p.value.mult,
                "reflectance gain",
            )?;
            out.entry(format!("SR_{}", from_key_suffix(&p.band)))
                .or_default()
                .reflectance = Some(p.value);
        }
    }
    if let Some(g) = tree.group("LEVEL2_SURFACE_TEMPERATURE_PARAMETERS") {
        for p in pairs(g, "TEMPERATURE_MULT_BAND_", "TEMPERATURE_ADD_BAND_", source)? {
            validate::positive(
                source,
                g.name(),
                &p.mult_key,
                p.value.mult,
                "temperature gain",
            )?;
            let (id, r) = (from_key_suffix(&p.band), p.value);
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

/// One `<mult_prefix><band>` / `<add_prefix><band>` pair of a group.
struct Pair {
    band: String,
    value: Rescale,
    mult_key: String,
    add_key: String,
}

/// Every `<mult_prefix><band>` in `g` with its `<add_prefix><band>`. A key without its partner
/// and a key that holds a group (a JSON object) instead of a number are errors naming the key:
/// a half-written constant must not silently turn into a published fallback.
fn pairs(g: &MtlGroup, mult_prefix: &str, add_prefix: &str, source: &Path) -> Result<Vec<Pair>> {
    for child in g.groups() {
        if child.name().starts_with(mult_prefix) || child.name().starts_with(add_prefix) {
            return Err(Error::metadata(
                source,
                format!(
                    "{}: {} is an object (a group), not a number",
                    g.name(),
                    child.name()
                ),
            ));
        }
    }
    let mut out = Vec::new();
    for (key, value) in g.entries() {
        if let Some(band) = key.strip_prefix(add_prefix).filter(|b| !b.is_empty())
            && g.get(&format!("{mult_prefix}{band}")).is_none()
        {
            return Err(Error::metadata(
                source,
                format!("{}: {key} without {mult_prefix}{band}", g.name()),
            ));
        }
        let Some(band) = key.strip_prefix(mult_prefix).filter(|b| !b.is_empty()) else {
            continue;
        };
        let add_key = format!("{add_prefix}{band}");
        let Some(add) = g.get(&add_key) else {
            return Err(Error::metadata(
                source,
                format!("{}: {key} without {add_key}", g.name()),
            ));
        };
        for k in [key, add_key.as_str()] {
            let mut values = g.entries().filter(|(e, _)| *e == k).map(|(_, v)| v.trim());
            let first = values.next();
            if let Some(other) = values.find(|v| Some(*v) != first) {
                return Err(Error::metadata(
                    source,
                    format!(
                        "{}: {k} is given twice with different values (`{}` and `{other}`)",
                        g.name(),
                        first.unwrap_or_default()
                    ),
                ));
            }
        }
        let mult = number(g.name(), key, value, source)?;
        let add = number(g.name(), &add_key, add, source)?;
        out.push(Pair {
            band: band.to_string(),
            value: Rescale { mult, add },
            mult_key: key.to_string(),
            add_key,
        });
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
            for l in pairs(g, lmax_p, lmin_p, source)? {
                let band = l.band;
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
                let (lmax, lmin) = (l.value.mult, l.value.add);
                let mult = (lmax - lmin) / (qmax - qmin);
                let add = lmin - mult * qmin;
                if !(mult.is_finite() && mult > 0.0) {
                    return Err(Error::metadata(
                        source,
                        format!(
                            "{}: {} = {lmax}, {} = {lmin} with {qmax_p}{band} = {qmax}, \
                             {qmin_p}{band} = {qmin} give a radiance gain of {mult}; it must be \
                             greater than 0",
                            g.name(),
                            l.mult_key,
                            l.add_key
                        ),
                    ));
                }
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

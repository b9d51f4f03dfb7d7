//! Detection configuration: the `[detect]` table of a TOML file, overridable with `key=value`
//! pairs on the command line (`--param contextual.k=4.5`).

use serde::{Deserialize, Serialize};

use super::Method;
use super::contextual::ContextualParams;
use super::ksigma::KsigmaParams;
use super::multiscale::MultiscaleParams;
use super::otsu::OtsuParams;
use super::swir::SwirParams;
use crate::error::{Error, Result};

/// Everything `seamfire detect` needs to know about methods and parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DetectConfig {
    /// Thermal method run on the temperature raster (`contextual`, `ksigma`, `otsu`,
    /// `multiscale`), or none with `thermal = "off"`.
    pub thermal: ThermalChoice,
    /// Run the SWIR active-fire test by day when OLI SWIR bands are present.
    pub swir_enabled: bool,
    /// Land-surface temperature instead of brightness temperature for the thermal method.
    pub lst: bool,
    /// Treat QA cirrus as invalid (off by default: thin cirrus only cools BT slightly, and the
    /// pre-collection cirrus confidence flags a third of some scenes).
    pub mask_cirrus: bool,
    /// Mask water by its spectral test (MNDWI > 0, NDVI < 0) when the scene's QA band has no
    /// water bit (or is missing) and the optical bands are present (`calibrate::is_water`).
    pub spectral_water: bool,
    /// Drop thermal evidence next to masked water (a shoreline's mixed pixels: `detect::shore`).
    pub drop_shore: bool,
    pub contextual: ContextualParams,
    pub ksigma: KsigmaParams,
    pub otsu: OtsuParams,
    pub swir: SwirParams,
    pub multiscale: MultiscaleParams,
    /// False-alarm budget deciding which thermal evidence zones are fire zones
    /// (`detect::budget`).
    pub budget: super::budget::BudgetParams,
    /// Also make fire zones (and sheets, report lines) of low-confidence evidence.
    pub low_confidence_zones: bool,
    /// Window preset: `auto` (drone windows for pixels up to 5 m), `satellite` or `drone`
    /// (`detect::preset`).
    pub windows: super::preset::WindowChoice,
    /// How a generic thermal raster (no MTL) is read: `--input-unit/--scale/--offset` of
    /// `detect`; not a TOML key.
    #[serde(skip)]
    pub input: crate::calibrate::GenericRequest,
    /// A mask raster of the thermal band's grid (`--mask`): non-zero is not processed. Not a
    /// TOML key (a pipeline's scene names it).
    #[serde(skip)]
    pub mask: Option<std::path::PathBuf>,
    /// Dotted keys (`contextual.max_window_m`) the TOML table or `--param` set: a window preset
    /// replaces defaults, never choices (`detect::preset::effective`). Not a TOML key.
    #[serde(skip)]
    pub explicit: std::collections::BTreeSet<String>,
}

/// The thermal method choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ThermalChoice {
    Contextual,
    Ksigma,
    Otsu,
    Multiscale,
    Off,
}

impl ThermalChoice {
    /// The method, or `None` for `off`.
    pub fn method(self) -> Option<Method> {
        match self {
            ThermalChoice::Contextual => Some(Method::Contextual),
            ThermalChoice::Ksigma => Some(Method::Ksigma),
            ThermalChoice::Otsu => Some(Method::Otsu),
            ThermalChoice::Multiscale => Some(Method::Multiscale),
            ThermalChoice::Off => None,
        }
    }
}

impl Default for DetectConfig {
    fn default() -> Self {
        Self {
            thermal: ThermalChoice::Contextual,
            swir_enabled: true,
            lst: false,
            mask_cirrus: false,
            spectral_water: true,
            drop_shore: true,
            contextual: ContextualParams::default(),
            ksigma: KsigmaParams::default(),
            otsu: OtsuParams::default(),
            swir: SwirParams::default(),
            multiscale: MultiscaleParams::default(),
            budget: Default::default(),
            low_confidence_zones: false,
            windows: Default::default(),
            input: Default::default(),
            mask: None,
            explicit: Default::default(),
        }
    }
}

impl DetectConfig {
    /// Checks that parameters are in range; the message names the offending key.
    pub fn validate(&self) -> std::result::Result<(), String> {
        let c = &self.contextual;
        let positive = [
            ("contextual.candidate_window_m", c.candidate_window_m),
            ("contextual.min_window_m", c.min_window_m),
            ("contextual.max_window_m", c.max_window_m),
            ("contextual.k", c.k),
            ("contextual.std_floor_k", c.std_floor_k),
            ("multiscale.window_m", self.multiscale.window_m),
            ("multiscale.k", self.multiscale.k),
            ("ksigma.k", self.ksigma.k),
        ];
        if let Some((k, v)) = positive.iter().find(|(_, v)| !(v.is_finite() && *v > 0.0)) {
            return Err(format!("{k} = {v} must be a positive number"));
        }
        if c.min_window_m > c.max_window_m {
            return Err(format!(
                "contextual.min_window_m {} > max_window_m {}",
                c.min_window_m, c.max_window_m
            ));
        }
        if !(0.0..=1.0).contains(&c.min_valid_fraction) {
            return Err(format!(
                "contextual.min_valid_fraction {} not in [0, 1]",
                c.min_valid_fraction
            ));
        }
        if self.multiscale.scales_m.is_empty() {
            return Err("multiscale.scales_m is empty".into());
        }
        Ok(())
    }
}

/// Wrapper for a file whose detection settings sit in a `[detect]` table.
#[derive(Debug, Deserialize)]
struct File {
    #[serde(default)]
    detect: Option<toml::Value>,
}

impl DetectConfig {
    /// Reads the `[detect]` table of a TOML document (other tables are ignored, so a pipeline
    /// file can be passed), then applies `overrides` (`section.key=value`, TOML values).
    pub fn from_toml(text: &str, origin: &str, overrides: &[String]) -> Result<Self> {
        let file: File =
            toml::from_str(text).map_err(|e| Error::Usage(format!("{origin}: {e}")))?;
        let table = file
            .detect
            .unwrap_or_else(|| toml::Value::Table(Default::default()));
        Self::from_value(table, origin, overrides)
    }

    /// Default configuration with `overrides` applied.
    pub fn with_overrides(overrides: &[String]) -> Result<Self> {
        Self::from_value(toml::Value::Table(Default::default()), "--param", overrides)
    }

    /// Builds the configuration from the contents of a `[detect]` table plus `overrides`.
    pub fn from_value(mut table: toml::Value, origin: &str, overrides: &[String]) -> Result<Self> {
        for o in overrides {
            apply_override(&mut table, o)?;
        }
        let mut explicit = std::collections::BTreeSet::new();
        leaf_keys(&table, "", &mut explicit);
        let mut cfg: Self = table
            .try_into()
            .map_err(|e: toml::de::Error| Error::Usage(format!("{origin}: [detect] {e}")))?;
        cfg.explicit = explicit;
        Ok(cfg)
    }

    /// Whether the user set `key` (dotted, `contextual.max_window_m`).
    pub fn is_explicit(&self, key: &str) -> bool {
        self.explicit.contains(key)
    }
}

/// The dotted paths of the non-table values under `v` (tables are walked, arrays are leaves).
fn leaf_keys(v: &toml::Value, prefix: &str, out: &mut std::collections::BTreeSet<String>) {
    match v.as_table() {
        Some(t) => {
            for (k, child) in t {
                let path = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                leaf_keys(child, &path, out);
            }
        }
        None => {
            out.insert(prefix.to_string());
        }
    }
}

/// Sets `a.b.c = value` inside `table`; `value` is parsed as TOML (`4.5`, `true`,
/// `"multiscale"`), bare words are taken as strings.
pub(crate) fn apply_override(table: &mut toml::Value, assignment: &str) -> Result<()> {
    let (path, raw) = assignment
        .split_once('=')
        .ok_or_else(|| Error::Usage(format!("--param {assignment}: expected key=value")))?;
    let value: toml::Value = toml::from_str::<toml::Table>(&format!("v = {raw}"))
        .ok()
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| toml::Value::String(raw.trim().to_string()));
    let keys: Vec<&str> = path.trim().split('.').collect();
    let mut cur = table;
    for key in &keys[..keys.len() - 1] {
        let t = cur
            .as_table_mut()
            .ok_or_else(|| Error::Usage(format!("--param {assignment}: {key} is not a table")))?;
        cur = t
            .entry(key.to_string())
            .or_insert_with(|| toml::Value::Table(Default::default()));
    }
    cur.as_table_mut()
        .ok_or_else(|| Error::Usage(format!("--param {assignment}: not a table")))?
        .insert(keys[keys.len() - 1].to_string(), value);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_table_and_overrides() {
        let text = "[detect]\nthermal = \"ksigma\"\n[detect.contextual]\nk = 4.0\n[other]\nx = 1\n";
        let c = DetectConfig::from_toml(
            text,
            "t.toml",
            &["contextual.min_delta_k=1.5".into(), "ksigma.k=2.5".into()],
        )
        .unwrap();
        assert_eq!(c.thermal, ThermalChoice::Ksigma);
        assert_eq!(c.contextual.k, 4.0);
        assert_eq!(c.contextual.min_delta_k, 1.5);
        assert_eq!(c.ksigma.k, 2.5);
        assert_eq!(c.contextual.guard_px, ContextualParams::default().guard_px);
        // Set keys are recorded whether or not they equal the default (4.0 is the default k).
        assert!(c.is_explicit("contextual.k") && c.is_explicit("ksigma.k"));
        assert!(c.is_explicit("thermal") && c.is_explicit("contextual.min_delta_k"));
        assert!(!c.is_explicit("contextual.guard_px") && !c.is_explicit("contextual"));
    }

    #[test]
    fn unknown_keys_are_errors_naming_the_key() {
        let err = DetectConfig::with_overrides(&["contextual.kk=4".into()]).unwrap_err();
        assert!(err.to_string().contains("kk"), "{err}");
        let err =
            DetectConfig::from_toml("[detect]\nthermol = \"x\"\n", "p.toml", &[]).unwrap_err();
        assert!(
            err.to_string().contains("p.toml") && err.to_string().contains("thermol"),
            "{err}"
        );
        assert!(DetectConfig::with_overrides(&["thermal=multiscale".into()]).is_ok());
    }
}

//! Risk classes of fire zones: a points rule combining thermal intensity, zone area and
//! proximity to exposed assets. No standard exists (science.md §3.3), so every edge is a
//! parameter of the `[risk]` table of the `--config` file, and the rule in force is written to
//! `detection.json` (`docs/outputs.md`).
//!
//! ```text
//! intensity = #{e in delta_k  : max_delta_k >= e}   (0..3; at least swir_points with SWIR detections)
//! size      = #{e in area_m2  : area_m2     >= e}   (0..3)
//! proximity = #{e in distance_m: nearest exposed asset <= e}   (0..3; 0 without asset layers)
//! score     = intensity + size + proximity           (0..9)
//! class     = low | moderate (score >= class_min_score[0]) | high ([1]) | extreme ([2])
//! ```

use serde::{Deserialize, Serialize};

use super::hazard::AssetKind;
use crate::error::{Error, Result};

/// Parameters of the risk rule (`[risk]` TOML table; unknown keys are errors).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RiskParams {
    /// Increasing `max_delta_k` edges (K): reaching each adds one intensity point.
    pub delta_k: [f64; 3],
    /// Intensity points of a zone with SWIR (active-fire) detections, 0–3.
    pub swir_points: u8,
    /// Increasing zone-area edges (m²): reaching each adds one size point.
    pub area_m2: [f64; 3],
    /// Decreasing distance edges (m) to the nearest exposed asset: being within each adds one
    /// proximity point.
    pub distance_m: [f64; 3],
    /// Asset kinds whose distance counts for proximity (`road`, `building`, `water`).
    pub exposed: Vec<AssetKind>,
    /// Increasing lowest scores of `moderate`, `high` and `extreme`.
    pub class_min_score: [u8; 3],
}

impl Default for RiskParams {
    fn default() -> Self {
        Self {
            delta_k: [2.0, 5.0, 10.0],
            swir_points: 3,
            area_m2: [5_000.0, 20_000.0, 100_000.0],
            distance_m: [1_000.0, 300.0, 100.0],
            exposed: vec![AssetKind::Road, AssetKind::Building],
            class_min_score: [3, 5, 7],
        }
    }
}

/// Risk class of a zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RiskClass {
    Low,
    Moderate,
    High,
    Extreme,
}

impl RiskClass {
    pub const ALL: [RiskClass; 4] = [
        RiskClass::Low,
        RiskClass::Moderate,
        RiskClass::High,
        RiskClass::Extreme,
    ];

    pub fn name(self) -> &'static str {
        match self {
            RiskClass::Low => "low",
            RiskClass::Moderate => "moderate",
            RiskClass::High => "high",
            RiskClass::Extreme => "extreme",
        }
    }
}

/// The points and class of one zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RiskAssessment {
    pub intensity: u8,
    pub size: u8,
    pub proximity: u8,
    pub score: u8,
    pub class: RiskClass,
}

/// What the rule needs to know about a zone.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RiskInput {
    /// Maximum `T − bg_mean` (K) of the zone's thermal detections; NaN if none.
    pub max_delta_k: f64,
    /// The zone has SWIR detections.
    pub swir: bool,
    pub area_m2: f64,
    /// Distance (m) to the nearest exposed asset; `None` without asset layers of those kinds.
    pub nearest_exposed_m: Option<f64>,
}

fn ordered(v: &[f64; 3], increasing: bool) -> bool {
    v.iter().all(|x| x.is_finite() && *x >= 0.0)
        && v.windows(2)
            .all(|w| if increasing { w[0] < w[1] } else { w[0] > w[1] })
}

impl RiskParams {
    /// Checks the edges; `origin` names the file or option they came from.
    pub fn validate(&self, origin: &str) -> Result<()> {
        let bad = |what: &str| Err(Error::Usage(format!("{origin}: [risk] {what}")));
        if !ordered(&self.delta_k, true) {
            return bad("delta_k must be three increasing non-negative kelvin values");
        }
        if !ordered(&self.area_m2, true) {
            return bad("area_m2 must be three increasing non-negative areas in m²");
        }
        if !ordered(&self.distance_m, false) {
            return bad("distance_m must be three decreasing non-negative distances in metres");
        }
        if self.swir_points > 3 {
            return bad("swir_points must be 0 to 3");
        }
        let c = self.class_min_score;
        if !(c[0] < c[1] && c[1] < c[2] && c[2] <= 9) {
            return bad("class_min_score must be three increasing scores of at most 9");
        }
        Ok(())
    }

    /// Reads the `[risk]` table of a TOML document (other tables are ignored), then applies
    /// `overrides` (`key=value`, TOML values, e.g. `delta_k=[1,3,6]`), and validates.
    pub fn from_toml(text: &str, origin: &str, overrides: &[String]) -> Result<RiskParams> {
        #[derive(Deserialize)]
        struct File {
            #[serde(default)]
            risk: Option<toml::Value>,
        }
        let file: File =
            toml::from_str(text).map_err(|e| Error::Usage(format!("{origin}: {e}")))?;
        let table = file
            .risk
            .unwrap_or_else(|| toml::Value::Table(Default::default()));
        Self::from_value(table, origin, overrides)
    }

    /// Defaults with `overrides` applied.
    pub fn with_overrides(overrides: &[String]) -> Result<RiskParams> {
        Self::from_value(toml::Value::Table(Default::default()), "--param", overrides)
    }

    /// The rule from the contents of a `[risk]` table plus `overrides` (`key=value`).
    pub fn from_value(mut table: toml::Value, origin: &str, overrides: &[String]) -> Result<Self> {
        for o in overrides {
            crate::detect::config::apply_override(&mut table, o)?;
        }
        let p: RiskParams = table
            .try_into()
            .map_err(|e: toml::de::Error| Error::Usage(format!("{origin}: [risk] {e}")))?;
        let origin = if overrides.is_empty() {
            origin.to_string()
        } else {
            format!("{origin} (with --param risk.*)")
        };
        p.validate(&origin)?;
        Ok(p)
    }

    /// Points and class of one zone.
    pub fn assess(&self, z: &RiskInput) -> RiskAssessment {
        let count = |pred: &dyn Fn(f64) -> bool, edges: &[f64; 3]| {
            edges.iter().filter(|&&e| pred(e)).count() as u8
        };
        let mut intensity = if z.max_delta_k.is_nan() {
            0
        } else {
            count(&|e| z.max_delta_k >= e, &self.delta_k)
        };
        if z.swir {
            intensity = intensity.max(self.swir_points);
        }
        let size = count(&|e| z.area_m2 >= e, &self.area_m2);
        let proximity = z
            .nearest_exposed_m
            .map_or(0, |d| count(&|e| d <= e, &self.distance_m));
        let score = intensity + size + proximity;
        let c = self.class_min_score;
        let class = if score >= c[2] {
            RiskClass::Extreme
        } else if score >= c[1] {
            RiskClass::High
        } else if score >= c[0] {
            RiskClass::Moderate
        } else {
            RiskClass::Low
        };
        RiskAssessment {
            intensity,
            size,
            proximity,
            score,
            class,
        }
    }

    /// The rule in words, with the parameters in force.
    pub fn rule(&self) -> String {
        let join = |v: &[f64; 3]| {
            v.iter()
                .map(|x| format!("{x}"))
                .collect::<Vec<_>>()
                .join("/")
        };
        let exposed: Vec<&str> = self.exposed.iter().map(|k| k.name()).collect();
        let c = self.class_min_score;
        format!(
            "score = intensity + size + proximity (0-9). intensity: max_delta_k >= {} K gives \
             1/2/3 points (zones with SWIR detections at least {}); size: area_m2 >= {} m² gives \
             1/2/3; proximity: nearest {} within {} m gives 1/2/3 (0 without those asset \
             layers). class: low < {} <= moderate < {} <= high < {} <= extreme.",
            join(&self.delta_k),
            self.swir_points,
            join(&self.area_m2),
            if exposed.is_empty() {
                "asset (none selected)".to_string()
            } else {
                exposed.join("/")
            },
            join(&self.distance_m),
            c[0],
            c[1],
            c[2]
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(delta: f64, swir: bool, area: f64, d: Option<f64>) -> RiskInput {
        RiskInput {
            max_delta_k: delta,
            swir,
            area_m2: area,
            nearest_exposed_m: d,
        }
    }

    #[test]
    fn default_rule_on_hand_made_zones() {
        let p = RiskParams::default();
        // 1.5 K, one pixel, no assets: 0 points.
        let a = p.assess(&input(1.5, false, 900.0, None));
        assert_eq!((a.score, a.class), (0, RiskClass::Low));
        // 6 K (2), 2.7 ha (2), road 250 m (2) → 6, high.
        let a = p.assess(&input(6.0, false, 27_000.0, Some(250.0)));
        assert_eq!((a.intensity, a.size, a.proximity), (2, 2, 2));
        assert_eq!(a.class, RiskClass::High);
        // SWIR active fire (3), 12 ha (3), building 50 m (3) → 9, extreme.
        let a = p.assess(&input(f64::NAN, true, 120_000.0, Some(50.0)));
        assert_eq!((a.score, a.class), (9, RiskClass::Extreme));
        // Edges are inclusive: 2 K, 5000 m², 1000 m → 1 + 1 + 1 = 3, moderate.
        let a = p.assess(&input(2.0, false, 5_000.0, Some(1_000.0)));
        assert_eq!((a.score, a.class), (3, RiskClass::Moderate));
    }

    #[test]
    fn toml_table_overrides_and_errors() {
        let text = "[detect]\nthermal = \"ksigma\"\n[risk]\ndelta_k = [1.0, 3.0, 6.0]\nexposed = [\"road\", \"water\"]\n";
        let p = RiskParams::from_toml(text, "c.toml", &["swir_points=2".into()]).unwrap();
        assert_eq!(p.delta_k, [1.0, 3.0, 6.0]);
        assert_eq!(p.swir_points, 2);
        assert_eq!(p.exposed, vec![AssetKind::Road, AssetKind::Water]);
        assert_eq!(p.area_m2, RiskParams::default().area_m2);
        let err = RiskParams::from_toml("[risk]\ndelta = 1\n", "c.toml", &[]).unwrap_err();
        assert!(
            err.to_string().contains("c.toml") && err.to_string().contains("delta"),
            "{err}"
        );
        let err = RiskParams::from_toml("[risk]\ndistance_m = [100, 300, 1000]\n", "c.toml", &[])
            .unwrap_err();
        assert!(err.to_string().contains("distance_m"), "{err}");
        assert!(RiskParams::with_overrides(&["class_min_score=[2,4,10]".into()]).is_err());
        assert!(RiskParams::from_toml("[detect]\n", "c.toml", &[]).is_ok());
    }

    #[test]
    fn rule_text_names_the_edges() {
        let r = RiskParams::default().rule();
        assert!(r.contains("2/5/10 K") && r.contains("road/building within 1000/300/100 m"));
    }
}

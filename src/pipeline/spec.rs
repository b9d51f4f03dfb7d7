//! The pipeline file as written (TOML, every key checked): the raw form, resolved into a
//! [`super::Plan`] before anything runs. Every key is documented in `docs/pipeline-config.md`.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Result};

/// A survey pipeline file (`pipelines/*.toml`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PipelineSpec {
    /// Survey name, used in the season outputs.
    pub name: String,
    /// Output root (relative to the pipeline file). `seamfire run --out DIR` overrides it.
    pub output: PathBuf,
    /// Area of interest polygons limiting every scene (optional).
    #[serde(default)]
    pub aoi: Option<PathBuf>,
    /// Known burning zones (polygons with an id and a name; optional).
    #[serde(default)]
    pub known_fires: Option<PathBuf>,
    /// An anomaly within this distance (m) of a known zone is `known` (default 100 m).
    #[serde(default)]
    pub known_buffer_m: Option<f64>,
    /// Known non-fire heat sources (refineries, power plants, flares; optional): anomalies near
    /// them are `excluded`.
    #[serde(default)]
    pub exclude: Option<PathBuf>,
    /// An anomaly within this distance (m) of an excluded site is `excluded` (default 100 m).
    #[serde(default)]
    pub exclude_buffer_m: Option<f64>,
    /// Asset layers for the hazard context (optional).
    #[serde(default)]
    pub roads: Option<PathBuf>,
    #[serde(default)]
    pub water: Option<PathBuf>,
    #[serde(default)]
    pub buildings: Option<PathBuf>,
    /// `bt` (brightness temperature) or `lst` (land-surface temperature) for the thermal method.
    #[serde(default)]
    pub temperature: Temperature,
    /// Products to write per scene: `rasters` (bt.tif, anomaly.tif, detection.json: always),
    /// `vectors` (hotspots, fire-zone polygons, known zones, GeoPackage), `thermal` (thermal
    /// map COG + quicklook), `ortho` (orthophotos), `sheets` (map sheets in maps/), `qgis`
    /// (.qml styles and seamfire.qgs).
    #[serde(default = "default_products")]
    pub products: Vec<Product>,
    /// Scenes: paths, globs or USGS tar packages, each with optional overrides.
    #[serde(rename = "scene", default)]
    pub scenes: Vec<SceneSpec>,
    /// The `[detect]` table (methods and parameters), as for `seamfire detect --config`.
    #[serde(default)]
    pub detect: Option<toml::Value>,
    /// The `[risk]` table for the hazard rule, passed through to the vector products.
    #[serde(default)]
    pub risk: Option<toml::Value>,
    /// `report = true` or a `[report]` table: the assessment report, atlas and catalog of the
    /// season after the run (`docs/report.md`).
    #[serde(default)]
    pub report: Option<ReportSpec>,
}

/// `report = true|false` or `[report]` with `lang`, `pdf`, `atlas`, `catalog`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum ReportSpec {
    On(bool),
    Table(ReportTable),
}

/// The `[report]` table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportTable {
    /// Languages, default `["en"]`.
    #[serde(default = "default_langs")]
    pub lang: Vec<crate::report::Lang>,
    #[serde(default = "yes")]
    pub pdf: bool,
    #[serde(default = "yes")]
    pub atlas: bool,
    #[serde(default = "yes")]
    pub catalog: bool,
}

fn default_langs() -> Vec<crate::report::Lang> {
    vec![crate::report::Lang::En]
}

fn yes() -> bool {
    true
}

impl ReportSpec {
    /// The report options, `None` when off.
    pub fn options(&self) -> Option<crate::report::ReportOptions> {
        match self {
            ReportSpec::On(false) => None,
            ReportSpec::On(true) => Some(crate::report::ReportOptions::default()),
            ReportSpec::Table(t) => Some(crate::report::ReportOptions {
                langs: t.lang.clone(),
                pdf: t.pdf,
                atlas: t.atlas,
                catalog: t.catalog,
            }),
        }
    }
}

/// A product family a pipeline writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Product {
    Rasters,
    Vectors,
    Thermal,
    Ortho,
    Sheets,
    Qgis,
}

fn default_products() -> Vec<Product> {
    use Product::*;
    vec![Rasters, Vectors, Thermal, Ortho, Sheets, Qgis]
}

/// Temperature the thermal method works on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Temperature {
    #[default]
    Bt,
    Lst,
}

/// One `[[scene]]` entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SceneSpec {
    /// A product directory, tar package, band file or GDAL virtual path (`/vsis3/…`).
    #[serde(default)]
    pub path: Option<String>,
    /// A glob pattern (relative to the pipeline file) matching several inputs.
    #[serde(default)]
    pub glob: Option<String>,
    /// Scene id (default: the input's file name); must be unique.
    #[serde(default)]
    pub id: Option<String>,
    /// Per-scene overrides of the `[detect]` table (same keys).
    #[serde(default)]
    pub detect: Option<toml::Value>,
    /// A mask raster on the scene's thermal grid (as `detect --mask`; relative to the file).
    #[serde(default)]
    pub mask: Option<PathBuf>,
    /// How to read a raster without Landsat metadata, as `detect --input-unit/--scale/--offset
    /// /--k1/--k2` (default: the band's unit tag and GDAL scale/offset).
    #[serde(default)]
    pub input_unit: Option<crate::calibrate::InputUnit>,
    #[serde(default)]
    pub scale: Option<f64>,
    #[serde(default)]
    pub offset: Option<f64>,
    #[serde(default)]
    pub k1: Option<f64>,
    #[serde(default)]
    pub k2: Option<f64>,
}

impl SceneSpec {
    /// The generic-raster request of this scene; an error (naming `origin`) for radiance
    /// without both K1 and K2, or K1/K2 without radiance.
    pub fn generic_request(&self, origin: &Path) -> Result<crate::calibrate::GenericRequest> {
        use crate::calibrate::{GenericRequest, RequestError};
        let request =
            GenericRequest::from_parts(self.input_unit, self.scale, self.offset, self.k1, self.k2)
                .map_err(|e| {
                    let why = match e {
                        RequestError::RadianceNeedsConstants => {
                            "input_unit = \"radiance\" needs k1 and k2"
                        }
                        RequestError::ConstantsNeedRadiance => {
                            "k1/k2 need input_unit = \"radiance\""
                        }
                    };
                    Error::Usage(format!("{}: {why}", origin.display()))
                })?;
        for (name, v) in [("scale", self.scale), ("offset", self.offset)] {
            if v.is_some_and(|v| !v.is_finite() || (name == "scale" && v == 0.0)) {
                return Err(Error::Usage(format!(
                    "{}: {name} = {} is not usable",
                    origin.display(),
                    v.unwrap_or_default()
                )));
            }
        }
        Ok(request)
    }
}

impl PipelineSpec {
    /// Reads and checks a pipeline file; errors name the file and, for unknown keys, the key.
    pub fn from_file(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Self::from_text(&text, path)
    }

    /// Parses pipeline text; `origin` names it in errors.
    pub fn from_text(text: &str, origin: &Path) -> Result<Self> {
        toml::from_str(text).map_err(|e| Error::Usage(format!("{}: {e}", origin.display())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_are_named() {
        let err = PipelineSpec::from_text(
            "name = \"x\"\noutput = \"o\"\noutptu = 1\n",
            Path::new("p.toml"),
        )
        .unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("p.toml") && msg.contains("outptu"), "{msg}");
        let err = PipelineSpec::from_text(
            "name = \"x\"\noutput = \"o\"\n[[scene]]\npth = \"a\"\n",
            Path::new("p.toml"),
        )
        .unwrap_err();
        assert!(err.to_string().contains("pth"));
    }

    #[test]
    fn products_are_checked() {
        let s = PipelineSpec::from_text(
            "name = \"x\"\noutput = \"o\"\nproducts = [\"rasters\"]\n",
            Path::new("p.toml"),
        )
        .unwrap();
        assert_eq!(s.products, vec![Product::Rasters]);
        let err = PipelineSpec::from_text(
            "name = \"x\"\noutput = \"o\"\nproducts = [\"maps\"]\n",
            Path::new("p.toml"),
        )
        .unwrap_err();
        assert!(err.to_string().contains("maps"), "{err}");
    }

    #[test]
    fn report_key() {
        let on = PipelineSpec::from_text(
            "name = \"x\"\noutput = \"o\"\nreport = true\n",
            Path::new("p.toml"),
        )
        .unwrap();
        assert_eq!(
            on.report.and_then(|r| r.options()),
            Some(crate::report::ReportOptions::default())
        );
        let t = PipelineSpec::from_text(
            "name = \"x\"\noutput = \"o\"\n[report]\nlang = [\"en\", \"zh-CN\"]\natlas = false\n",
            Path::new("p.toml"),
        )
        .unwrap();
        let o = t.report.and_then(|r| r.options()).unwrap();
        assert_eq!(
            o.langs,
            vec![crate::report::Lang::En, crate::report::Lang::ZhCn]
        );
        assert!(!o.atlas && o.pdf && o.catalog);
        assert!(
            PipelineSpec::from_text(
                "name = \"x\"\noutput = \"o\"\n[report]\nlang = [\"fr\"]\n",
                Path::new("p.toml")
            )
            .is_err()
        );
    }

    #[test]
    fn minimal_file() {
        let s = PipelineSpec::from_text(
            "name = \"x\"\noutput = \"o\"\n[[scene]]\npath = \"a\"\n[detect]\nthermal = \"off\"\n",
            Path::new("p.toml"),
        )
        .unwrap();
        assert_eq!(s.scenes.len(), 1);
        assert_eq!(s.temperature, Temperature::Bt);
        assert!(s.detect.is_some());
    }
}

//! The resolved pipeline: absolute paths, expanded globs, unique scene ids, the effective
//! detection configuration of every scene. Stages receive a `Plan`, never raw TOML.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::spec::{PipelineSpec, SceneSpec, Temperature};
use crate::detect::config::DetectConfig;
use crate::error::{Error, Result};
use crate::vector::RiskParams;

/// One scene to process.
#[derive(Debug, Clone, Serialize)]
pub struct PlannedScene {
    /// Unique id; also the name of the scene's output directory.
    pub id: String,
    /// Input path (absolute) or GDAL virtual path.
    pub input: PathBuf,
    /// Effective detection configuration (global table, scene overrides, temperature choice).
    pub detect: DetectConfig,
}

/// A validated pipeline.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    pub name: String,
    pub output_root: PathBuf,
    pub aoi: Option<PathBuf>,
    pub known_fires: Option<PathBuf>,
    pub known_buffer_m: f64,
    pub exclude: Option<PathBuf>,
    pub exclude_buffer_m: f64,
    pub roads: Option<PathBuf>,
    pub water: Option<PathBuf>,
    pub buildings: Option<PathBuf>,
    pub risk: RiskParams,
    /// Write the vector layers (`products` includes `vectors`).
    pub vectors: bool,
    /// Map products to render after detection.
    #[serde(skip)]
    pub render: crate::stage::render::Products,
    pub scenes: Vec<PlannedScene>,
    /// The season report after the run (`report` key).
    #[serde(skip)]
    pub report: Option<crate::report::ReportOptions>,
}

fn resolve(base: &Path, p: &Path) -> PathBuf {
    let s = p.to_string_lossy();
    if let Some(named) = crate::io::subdataset::with_base(&s, base) {
        PathBuf::from(named)
    } else if p.is_absolute() || s.starts_with("/vsi") {
        p.to_path_buf()
    } else {
        normalize(&base.join(p))
    }
}

/// Removes `.` and `..` components lexically (`/a/b/../c` → `/a/c`), so paths in logs and
/// manifests read the way the user thinks of them.
fn normalize(p: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Deep-merges `over` into `base` (tables merge key by key; other values replace).
fn merge(base: &mut toml::Value, over: &toml::Value) {
    match (base, over) {
        (toml::Value::Table(b), toml::Value::Table(o)) => {
            for (k, v) in o {
                match b.get_mut(k) {
                    Some(existing) => merge(existing, v),
                    None => {
                        b.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (b, o) => *b = o.clone(),
    }
}

fn expand(base: &Path, s: &SceneSpec, origin: &Path) -> Result<Vec<PathBuf>> {
    match (&s.path, &s.glob) {
        (Some(p), None) => Ok(vec![resolve(base, Path::new(p))]),
        (None, Some(g)) => {
            let pattern = resolve(base, Path::new(g));
            let mut found: Vec<PathBuf> = glob::glob(&pattern.to_string_lossy())
                .map_err(|e| Error::Usage(format!("{}: glob {g}: {e}", origin.display())))?
                .filter_map(|p| p.ok())
                .collect();
            found.sort();
            if found.is_empty() {
                return Err(Error::Usage(format!(
                    "{}: glob {g} matches no file",
                    origin.display()
                )));
            }
            Ok(found)
        }
        _ => Err(Error::Usage(format!(
            "{}: every [[scene]] needs exactly one of path or glob",
            origin.display()
        ))),
    }
}

fn default_id(input: &Path) -> String {
    if let Some(short) = crate::io::subdataset::short_name(&input.to_string_lossy()) {
        return short;
    }
    let name = input
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "scene".into());
    for ext in [".tar.gz", ".tgz", ".tar", ".TIF", ".tif", ".tiff"] {
        if let Some(stem) = name.strip_suffix(ext) {
            return stem.to_string();
        }
    }
    name
}

impl Plan {
    /// Resolves `spec`, read from `origin`, against the file's directory; `output` overrides
    /// the output root.
    pub fn from_spec(spec: PipelineSpec, origin: &Path, output: Option<&Path>) -> Result<Plan> {
        let base = origin
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let base = std::path::absolute(base).map_err(|e| Error::io(base, e))?;
        if spec.scenes.is_empty() {
            return Err(Error::Usage(format!(
                "{}: no [[scene]] entries",
                origin.display()
            )));
        }
        let global = spec
            .detect
            .clone()
            .unwrap_or_else(|| toml::Value::Table(Default::default()));
        let mut scenes = Vec::new();
        for s in &spec.scenes {
            let inputs = expand(&base, s, origin)?;
            if s.id.is_some() && inputs.len() > 1 {
                return Err(Error::Usage(format!(
                    "{}: an id cannot be given to a glob matching {} inputs",
                    origin.display(),
                    inputs.len()
                )));
            }
            for input in inputs {
                let mut table = global.clone();
                if let Some(over) = &s.detect {
                    merge(&mut table, over);
                }
                let mut detect =
                    DetectConfig::from_value(table, &origin.display().to_string(), &[])?;
                detect.lst |= spec.temperature == Temperature::Lst;
                detect.mask = s.mask.as_ref().map(|m| resolve(&base, m));
                detect.input = s.generic_request(origin)?;
                let id = s.id.clone().unwrap_or_else(|| default_id(&input));
                scenes.push(PlannedScene { id, input, detect });
            }
        }
        scenes.sort_by(|a, b| a.id.cmp(&b.id));
        if let Some(w) = scenes.windows(2).find(|w| w[0].id == w[1].id) {
            return Err(Error::Usage(format!(
                "{}: two scenes have the id {}; give them distinct ids",
                origin.display(),
                w[0].id
            )));
        }
        let r = |p: &Option<PathBuf>| p.as_ref().map(|p| resolve(&base, p));
        let origin_name = origin.display().to_string();
        let risk = RiskParams::from_value(
            spec.risk
                .clone()
                .unwrap_or_else(|| toml::Value::Table(Default::default())),
            &origin_name,
            &[],
        )?;
        let known_buffer_m = spec.known_buffer_m.unwrap_or(100.0);
        if !(known_buffer_m.is_finite() && known_buffer_m >= 0.0) {
            return Err(Error::Usage(format!(
                "{origin_name}: known_buffer_m = {known_buffer_m} must be a distance in metres >= 0"
            )));
        }
        let exclude_buffer_m = spec.exclude_buffer_m.unwrap_or(100.0);
        if !(exclude_buffer_m.is_finite() && exclude_buffer_m >= 0.0) {
            return Err(Error::Usage(format!(
                "{origin_name}: exclude_buffer_m = {exclude_buffer_m} must be a distance in metres >= 0"
            )));
        }
        Ok(Plan {
            name: spec.name.clone(),
            output_root: output
                .map(Path::to_path_buf)
                .unwrap_or_else(|| resolve(&base, &spec.output)),
            aoi: r(&spec.aoi),
            known_fires: r(&spec.known_fires),
            known_buffer_m,
            exclude: r(&spec.exclude),
            exclude_buffer_m,
            roads: r(&spec.roads),
            water: r(&spec.water),
            buildings: r(&spec.buildings),
            risk,
            vectors: spec.products.contains(&super::spec::Product::Vectors),
            render: {
                use super::spec::Product;
                let has = |p: Product| spec.products.contains(&p);
                crate::stage::render::Products {
                    thermal: has(Product::Thermal),
                    ortho: has(Product::Ortho),
                    sheets: has(Product::Sheets),
                    qgis: has(Product::Qgis),
                }
            },
            scenes,
            report: spec.report.as_ref().and_then(|r| r.options()),
        })
    }

    /// The pipeline-wide vector inputs that are given (AOI, inventory, asset layers).
    pub fn vector_inputs(&self) -> impl Iterator<Item = &PathBuf> {
        [
            &self.aoi,
            &self.known_fires,
            &self.exclude,
            &self.roads,
            &self.water,
            &self.buildings,
        ]
        .into_iter()
        .flatten()
    }

    /// Reads, checks and resolves a pipeline file.
    pub fn load(path: &Path, output: Option<&Path>) -> Result<Plan> {
        Self::from_spec(PipelineSpec::from_file(path)?, path, output)
    }

    /// The scenes of shard `index` of `count` (0-based): every `count`-th scene in id order,
    /// so each shard is the same on every machine.
    pub fn shard(mut self, index: usize, count: usize) -> Plan {
        self.scenes = self
            .scenes
            .into_iter()
            .enumerate()
            .filter(|(i, _)| i % count == index)
            .map(|(_, s)| s)
            .collect();
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_merge_and_paths_resolve() {
        let text = "name = \"s\"\noutput = \"out\"\ntemperature = \"lst\"\n[[scene]]\npath = \"a/scene1\"\n[scene.detect.contextual]\nk = 5.0\n[[scene]]\npath = \"/abs/scene2\"\nid = \"two\"\n[detect]\nthermal = \"contextual\"\n[detect.contextual]\nmin_delta_k = 1.5\n";
        let spec = PipelineSpec::from_text(text, Path::new("/p/pipe.toml")).unwrap();
        let plan = Plan::from_spec(spec, Path::new("/p/pipe.toml"), None).unwrap();
        assert_eq!(plan.output_root, PathBuf::from("/p/out"));
        let s1 = plan.scenes.iter().find(|s| s.id == "scene1").unwrap();
        assert_eq!(s1.input, PathBuf::from("/p/a/scene1"));
        assert_eq!(s1.detect.contextual.k, 5.0);
        assert_eq!(s1.detect.contextual.min_delta_k, 1.5);
        assert!(s1.detect.lst);
        let s2 = plan.scenes.iter().find(|s| s.id == "two").unwrap();
        assert_eq!(s2.detect.contextual.k, DetectConfig::default().contextual.k);
        assert_eq!(
            plan.clone().shard(0, 2).scenes.len() + plan.shard(1, 2).scenes.len(),
            2
        );
    }

    #[test]
    fn duplicate_ids_and_bad_scene_entries_are_errors() {
        let dup =
            "name = \"s\"\noutput = \"o\"\n[[scene]]\npath = \"x/a\"\n[[scene]]\npath = \"y/a\"\n";
        let spec = PipelineSpec::from_text(dup, Path::new("/p/f.toml")).unwrap();
        assert!(
            Plan::from_spec(spec, Path::new("/p/f.toml"), None)
                .unwrap_err()
                .to_string()
                .contains("id a")
        );
        let both = "name = \"s\"\noutput = \"o\"\n[[scene]]\npath = \"a\"\nglob = \"b*\"\n";
        let spec = PipelineSpec::from_text(both, Path::new("/p/f.toml")).unwrap();
        assert!(Plan::from_spec(spec, Path::new("/p/f.toml"), None).is_err());
        let bad_param =
            "name = \"s\"\noutput = \"o\"\n[[scene]]\npath = \"a\"\n[detect.contextual]\nkk = 1\n";
        let spec = PipelineSpec::from_text(bad_param, Path::new("/p/f.toml")).unwrap();
        assert!(
            Plan::from_spec(spec, Path::new("/p/f.toml"), None)
                .unwrap_err()
                .to_string()
                .contains("kk")
        );
    }

    #[test]
    fn exclusion_layer_resolves_and_its_buffer_is_checked() {
        let base = "name = \"s\"\noutput = \"o\"\nexclude = \"layers/industry.gpkg\"\n";
        let text = format!("{base}exclude_buffer_m = 250\n[[scene]]\npath = \"a\"\n");
        let spec = PipelineSpec::from_text(&text, Path::new("/p/f.toml")).unwrap();
        let plan = Plan::from_spec(spec, Path::new("/p/f.toml"), None).unwrap();
        assert_eq!(plan.exclude, Some(PathBuf::from("/p/layers/industry.gpkg")));
        assert_eq!(plan.exclude_buffer_m, 250.0);
        assert!(plan.vector_inputs().any(|p| p.ends_with("industry.gpkg")));
        let text = format!("{base}[[scene]]\npath = \"a\"\n");
        let spec = PipelineSpec::from_text(&text, Path::new("/p/f.toml")).unwrap();
        let plan = Plan::from_spec(spec, Path::new("/p/f.toml"), None).unwrap();
        assert_eq!(
            plan.exclude_buffer_m, 100.0,
            "the default, as --exclude-buffer-m"
        );
        let text = format!("{base}exclude_buffer_m = -1\n[[scene]]\npath = \"a\"\n");
        let spec = PipelineSpec::from_text(&text, Path::new("/p/f.toml")).unwrap();
        let err = Plan::from_spec(spec, Path::new("/p/f.toml"), None).unwrap_err();
        assert!(err.to_string().contains("exclude_buffer_m = -1"), "{err}");
    }
}

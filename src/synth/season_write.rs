//! Writing the demo season: one Level-1 product per pass under `scenes/<pass id>/` (with its
//! truth, by [`super::write_scene_on`]), the vector layers and `season_truth.json`. The whole
//! tree is built in a hidden sibling directory and renamed into place at the end, so an
//! interrupted run never leaves half a season.

use std::path::{Path, PathBuf};

use super::season::{PASSES, SeasonPlan, pass_scene, plan};
use super::season_vectors::{self as vectors, ToLonLat};
use super::synth_georef;
use crate::error::{Error, Result};

/// Marker file of a season directory (and its truth).
pub const SEASON_TRUTH: &str = "season_truth.json";

/// What [`write_season`] wrote.
#[derive(Debug, Clone)]
pub struct SeasonOutput {
    pub plan: SeasonPlan,
    /// `(pass id, product directory)`.
    pub scenes: Vec<(String, PathBuf)>,
    pub files: Vec<PathBuf>,
}

fn write_json(path: &Path, v: &serde_json::Value) -> Result<PathBuf> {
    let text = serde_json::to_string_pretty(v)
        .map_err(|e| Error::input(path, format!("cannot serialise JSON: {e}")))?;
    std::fs::write(path, text + "\n").map_err(|e| Error::io(path, e))?;
    Ok(path.to_path_buf())
}

/// Writes the season of `seed` into `out`. `out` must not exist, be empty, or hold an earlier
/// season (it has `season_truth.json`), which is replaced.
pub fn write_season(out: &Path, seed: u64) -> Result<SeasonOutput> {
    if out.exists() {
        let empty = std::fs::read_dir(out)
            .map_err(|e| Error::io(out, e))?
            .next()
            .is_none();
        if !empty && !out.join(SEASON_TRUTH).exists() {
            return Err(Error::input(
                out,
                "exists and is not a demo season (no season_truth.json); choose another --out",
            ));
        }
    }
    let name = out
        .file_name()
        .map_or("season".into(), |n| n.to_string_lossy().into_owned());
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, e))?;
    let staging = parent.join(format!(".{name}.{}.partial", std::process::id()));
    if staging.exists() {
        std::fs::remove_dir_all(&staging).map_err(|e| Error::io(&staging, e))?;
    }
    let result = write_into(&staging, seed);
    let written = match result {
        Ok(w) => w,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(e);
        }
    };
    if out.exists() {
        std::fs::remove_dir_all(out).map_err(|e| Error::io(out, e))?;
    }
    std::fs::rename(&staging, out).map_err(|e| Error::io(out, e))?;
    let rebase = |p: &Path| out.join(p.strip_prefix(&staging).unwrap_or(p));
    Ok(SeasonOutput {
        plan: written.plan,
        scenes: written
            .scenes
            .iter()
            .map(|(id, d)| (id.clone(), rebase(d)))
            .collect(),
        files: written.files.iter().map(|f| rebase(f)).collect(),
    })
}

fn write_into(dir: &Path, seed: u64) -> Result<SeasonOutput> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let plan = plan(seed);
    let mut files = Vec::new();
    let mut scenes = Vec::new();
    for (i, pass) in PASSES.iter().enumerate() {
        let (scene, p) = pass_scene(&plan, i);
        let sdir = dir.join("scenes").join(pass.id);
        files.extend(super::write_scene_on(&sdir, &scene, &p, pass.date)?);
        scenes.push((pass.id.to_string(), sdir));
    }
    let t = ToLonLat::new(&synth_georef(plan.rows, plan.cols, 30.0))?;
    files.push(write_json(
        &dir.join("known_fires.geojson"),
        &vectors::known_fires(&plan, &t)?,
    )?);
    files.push(write_json(
        &dir.join("roads.geojson"),
        &vectors::roads(&plan, &t)?,
    )?);
    files.push(write_json(
        &dir.join("water.geojson"),
        &vectors::water(&plan, &t)?,
    )?);
    files.push(write_json(
        &dir.join("buildings.geojson"),
        &vectors::buildings(&plan, &t)?,
    )?);
    files.push(write_json(
        &dir.join(SEASON_TRUTH),
        &vectors::truth(&plan, &t)?,
    )?);
    Ok(SeasonOutput {
        plan,
        scenes,
        files,
    })
}

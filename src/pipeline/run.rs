//! `seamfire run`: every scene of a plan (in parallel), incrementally and atomically, then the
//! season outputs. A failed scene is reported, never fatal to the others.

use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;
use serde_json::json;

use super::lock::RunLock;
use super::manifest::{Manifest, identify_inputs, identify_outputs, sha256_bytes};
use super::plan::{Plan, PlannedScene};
use super::progress::{Progress, SceneProgress};
use super::season::{SceneStatus, write_season};
use crate::error::{Error, Result};
use crate::scene::{InputKind, Scene, open_scene};
use crate::stage::products::{DetectJob, detect_and_render};
use crate::stage::render::RenderOptions;

/// How to run a plan.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Worker threads (scenes in parallel and inside each scene); default all cores.
    pub jobs: Option<usize>,
    /// Redo scenes even when their manifest says they are current.
    pub force: bool,
    /// `(index, count)`: process only this shard of the scenes (season outputs are then left
    /// to `seamfire merge`).
    pub shard: Option<(usize, usize)>,
}

/// What a run did.
#[derive(Debug, Clone)]
pub struct RunReport {
    pub statuses: Vec<(String, SceneStatus)>,
}

impl RunReport {
    /// True when every scene is done or skipped.
    pub fn all_ok(&self) -> bool {
        self.statuses
            .iter()
            .all(|(_, s)| !matches!(s, SceneStatus::Failed { .. }))
    }
}

/// The directory of a scene's outputs.
pub fn scene_dir(root: &Path, id: &str) -> PathBuf {
    root.join(id)
}

/// Runs `plan` (already sharded by the caller when `opts.shard` is set).
pub fn run_plan(plan: &Plan, opts: &RunOptions, progress: &Progress) -> Result<RunReport> {
    let lock_name = opts
        .shard
        .map(|(i, n)| format!(".seamfire.shard-{i}-of-{n}.lock"));
    let _lock = RunLock::acquire_named(&plan.output_root, lock_name.as_deref())?;
    remove_stale_partials(&plan.output_root);
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(j) = opts.jobs {
        builder = builder.num_threads(j.max(1));
    }
    let pool = builder
        .build()
        .map_err(|e| Error::Usage(format!("thread pool: {e}")))?;
    progress.start(plan.scenes.len());
    let statuses: Vec<(String, SceneStatus)> = pool.install(|| {
        plan.scenes
            .par_iter()
            .map(|s| {
                let started = Instant::now();
                let scene_line = progress.scene_started(&s.id);
                let status = std::panic::catch_unwind(AssertUnwindSafe(|| {
                    process(plan, s, opts.force, &scene_line)
                }))
                .unwrap_or_else(|_| SceneStatus::Failed {
                    stage: "internal".into(),
                    reason: "panic (a bug: please report it)".into(),
                });
                drop(scene_line);
                progress.scene_done(&s.id, &status, started.elapsed().as_secs_f64());
                (s.id.clone(), status)
            })
            .collect()
    });
    let run_name = opts.shard.map_or_else(
        || "run.json".to_string(),
        |(i, n)| format!("run-shard-{i}-of-{n}.json"),
    );
    let record = json!({"survey": plan.name, "seamfire_version": env!("CARGO_PKG_VERSION"), "scenes": statuses.iter().map(|(id, s)| json!({"scene_id": id, "outcome": s})).collect::<Vec<_>>()});
    crate::io::write_atomic(
        &plan.output_root.join(run_name),
        record.to_string().as_bytes(),
    )?;
    if opts.shard.is_none() {
        let dirs: Vec<(String, PathBuf)> = plan
            .scenes
            .iter()
            .map(|s| (s.id.clone(), scene_dir(&plan.output_root, &s.id)))
            .collect();
        write_season(&plan.output_root, &plan.name, &dirs, &statuses)?;
        if let Some(opts) = &plan.report {
            let files = crate::report::write_report(&plan.output_root, opts)?;
            tracing::info!(files = files.len(), "wrote the season report");
        }
    }
    progress.finish();
    Ok(RunReport { statuses })
}

/// Removes `.*.partial*` files (staged outputs and GDAL's temporary files beside them) left by
/// a killed run anywhere under the output root (scene directories and their `maps/`). The lock
/// guarantees no other run is writing them.
fn remove_stale_partials(root: &Path) {
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push(path);
            } else if name.starts_with('.') && name.contains(".partial") {
                tracing::info!("removing {} left by an interrupted run", path.display());
                let _ = std::fs::remove_file(&path);
            }
        }
    }
}

fn failed(stage: &str, e: impl std::fmt::Display) -> SceneStatus {
    SceneStatus::Failed {
        stage: stage.into(),
        reason: e.to_string(),
    }
}

/// The files a scene's result depends on: its bands and MTL (or the archive), its mask file,
/// and the pipeline's vector inputs.
fn input_files(plan: &Plan, planned: &PlannedScene, scene: &Scene) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = match scene.kind {
        InputKind::Archive => vec![scene.input.clone()],
        // A subdataset name stands for the container file it names; other virtual paths
        // (`/vsicurl/…`) have no file here to fingerprint.
        _ => scene
            .bands
            .values()
            .chain(scene.mtl_path.iter())
            .filter_map(|p| {
                let s = p.to_string_lossy();
                match crate::io::subdataset::parse(&s) {
                    Some(name) => Some(PathBuf::from(name.file)),
                    None => (!crate::io::is_virtual(p)).then(|| p.clone()),
                }
            })
            .filter(|p| !crate::io::is_virtual(p))
            .collect(),
    };
    files.extend(planned.detect.mask.iter().cloned());
    files.extend(plan.vector_inputs().cloned());
    files
}

fn process(plan: &Plan, s: &PlannedScene, force: bool, line: &SceneProgress) -> SceneStatus {
    let dir = scene_dir(&plan.output_root, &s.id);
    line.stage("ingest");
    let scene = match open_scene(&s.input, None) {
        Ok(scene) => scene,
        Err(e) => return failed("ingest", e),
    };
    let inputs = match identify_inputs(&input_files(plan, s, &scene)) {
        Ok(i) => i,
        Err(e) => return failed("ingest", e),
    };
    let mut params = json!({
        "detect": s.detect, "aoi": plan.aoi, "known_fires": plan.known_fires, "roads": plan.roads,
        "water": plan.water, "buildings": plan.buildings, "risk": plan.risk, "known_buffer_m": plan.known_buffer_m, "vectors": plan.vectors,
        "render": [plan.render.thermal, plan.render.ortho, plan.render.sheets, plan.render.qgis],
    });
    // How a raster without metadata is read decides its temperatures: part of the parameters,
    // only when given (so that other runs keep their parameter hash).
    if s.detect.input != crate::calibrate::GenericRequest::default() {
        params["input"] = json!(format!("{:?}", s.detect.input));
    }
    // Only when given, so that runs without an exclusion layer keep their parameter hash.
    if let Some(e) = &plan.exclude {
        params["exclude"] = json!(e);
        params["exclude_buffer_m"] = json!(plan.exclude_buffer_m);
    }
    let params_sha256 = sha256_bytes(params.to_string().as_bytes());
    if !force && let Some(m) = Manifest::read(&dir) {
        match m.stale_reason(&dir, &inputs, &params_sha256) {
            None => return SceneStatus::Skipped,
            Some(why) => tracing::info!(scene = %s.id, "reprocessing: {why}"),
        }
    }
    let job = DetectJob {
        scene_id: s.id.clone(),
        scenes: vec![scene],
        config: s.detect.clone(),
        out: dir.clone(),
        aoi: plan.aoi.clone(),
        known_fires: plan.known_fires.clone(),
        known_buffer_m: plan.known_buffer_m,
        exclude: plan.exclude.clone(),
        exclude_buffer_m: plan.exclude_buffer_m,
        roads: plan.roads.clone(),
        water: plan.water.clone(),
        buildings: plan.buildings.clone(),
        risk: plan.risk.clone(),
        vectors: plan.vectors,
    };
    line.stage("detect and write");
    let written = match detect_and_render(&job, &plan.render, &RenderOptions::default()) {
        Ok(o) => o.written,
        Err(e) => return failed("detect", e),
    };
    line.stage("manifest");
    let outputs = match identify_outputs(&dir, &written) {
        Ok(o) => o,
        Err(e) => return failed("manifest", e),
    };
    let manifest = Manifest {
        seamfire_version: env!("CARGO_PKG_VERSION").into(),
        scene_id: s.id.clone(),
        inputs,
        params_sha256,
        params,
        outputs,
    };
    match manifest.write(&dir) {
        Ok(()) => SceneStatus::Done,
        Err(e) => failed("manifest", e),
    }
}

/// `seamfire merge`: season outputs from every scene directory under `root` holding a
/// `manifest.json`, whoever wrote them.
pub fn merge_root(root: &Path, name: &str) -> Result<usize> {
    let rd = std::fs::read_dir(root).map_err(|e| Error::io(root, e))?;
    let mut dirs: Vec<(String, PathBuf)> = rd
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.join(super::manifest::MANIFEST).exists())
        .map(|p| {
            (
                p.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                p,
            )
        })
        .collect();
    dirs.sort();
    if dirs.is_empty() {
        return Err(Error::input(
            root,
            "no scene directory with a manifest.json",
        ));
    }
    let _lock = RunLock::acquire_named(root, None)?;
    write_season(root, name, &dirs, &[])?;
    Ok(dirs.len())
}

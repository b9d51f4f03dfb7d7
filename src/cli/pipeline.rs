//! `seamfire run`, `seamfire validate`, `seamfire merge`: survey pipelines.

use std::path::PathBuf;

use crate::error::{Error, Result};
use crate::io;
use crate::pipeline::progress::Progress;
use crate::pipeline::{Plan, RunOptions, merge_root, run_plan};
use crate::scene::open_scene;

/// Arguments of `seamfire run`.
#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// Pipeline file (TOML, see docs/pipeline-config.md).
    pub pipeline: PathBuf,
    /// Output root, overriding the pipeline's `output`.
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    /// Worker threads (default: all cores).
    #[arg(long, short)]
    pub jobs: Option<usize>,
    /// Redo every scene even when its inputs, parameters and outputs are unchanged.
    #[arg(long)]
    pub force: bool,
    /// Process only shard I of N (0-based, e.g. `--shard 0/4`); season outputs come from
    /// `seamfire merge ROOT` afterwards.
    #[arg(long, value_parser = parse_shard)]
    pub shard: Option<(usize, usize)>,
    /// Memory the run may use (`512M`, `2G`), shared by the scenes processed at once: a thermal
    /// scene whose whole-raster detection would not fit its share is detected in strips
    /// (docs/performance.md, "Streamed detect"). Default: 1 GiB, or half the memory available at start if that is less.
    #[arg(long, value_parser = super::memory::parse_size, value_name = "SIZE")]
    pub memory_limit: Option<u64>,
}

/// The memory share of one scene when `jobs` workers (all cores: `None`) process `scenes`
/// scenes at once, each taking one: `total / min(workers, scenes)`, at least the minimum
/// seamfire needs.
fn per_scene_limit_bytes(total: u64, jobs: Option<usize>, scenes: usize) -> u64 {
    let workers = jobs.unwrap_or_else(rayon::current_num_threads).max(1);
    let at_once = workers.min(scenes).max(1) as u64;
    (total / at_once).max(super::memory::MIN_BYTES)
}

/// Arguments of `seamfire validate`.
#[derive(Debug, clap::Args)]
pub struct ValidateArgs {
    /// Pipeline file.
    pub pipeline: PathBuf,
}

/// Arguments of `seamfire merge`.
#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// Output root holding one directory per scene.
    pub root: PathBuf,
    /// Survey name for the season outputs (default: the root's directory name).
    #[arg(long)]
    pub name: Option<String>,
}

fn parse_shard(s: &str) -> std::result::Result<(usize, usize), String> {
    let (i, n) = s.split_once('/').ok_or("expected I/N, e.g. 0/4")?;
    let (i, n): (usize, usize) = (
        i.trim().parse().map_err(|_| "I is not a number")?,
        n.trim().parse().map_err(|_| "N is not a number")?,
    );
    if n == 0 || i >= n {
        return Err(format!("shard {i}/{n}: need 0 <= I < N"));
    }
    Ok((i, n))
}

pub fn run(a: &RunArgs, quiet: bool) -> Result<()> {
    let mut plan = Plan::load(&a.pipeline, a.out.as_deref())?;
    if let Some((i, n)) = a.shard {
        plan = plan.shard(i, n);
    }
    crate::stage::detect_stream::set_memory_limit_bytes(per_scene_limit_bytes(
        super::memory::resolve(a.memory_limit),
        a.jobs,
        plan.scenes.len(),
    ));
    let opts = RunOptions {
        jobs: a.jobs,
        force: a.force,
        shard: a.shard,
    };
    let report = run_plan(&plan, &opts, &Progress::new(quiet))?;
    let failed = report
        .statuses
        .iter()
        .filter(|(_, s)| matches!(s, crate::pipeline::season::SceneStatus::Failed { .. }))
        .count();
    let skipped = report
        .statuses
        .iter()
        .filter(|(_, s)| matches!(s, crate::pipeline::season::SceneStatus::Skipped))
        .count();
    if !quiet {
        println!(
            "{}: {} scenes, {} processed, {} unchanged, {} failed → {}",
            plan.name,
            report.statuses.len(),
            report.statuses.len() - skipped - failed,
            skipped,
            failed,
            plan.output_root.display()
        );
    }
    if failed > 0 {
        return Err(Error::ScenesFailed {
            failed,
            total: report.statuses.len(),
            summary: plan.output_root.join("season_summary.json"),
        });
    }
    Ok(())
}

pub fn validate(a: &ValidateArgs, quiet: bool) -> Result<()> {
    let plan = Plan::load(&a.pipeline, None)?;
    let mut problems = Vec::new();
    for p in plan.vector_inputs() {
        if !p.exists() {
            problems.push(format!("{}: file not found", p.display()));
        }
    }
    for s in &plan.scenes {
        if let Err(e) = s.detect.validate() {
            problems.push(format!("scene {}: {e}", s.id));
        }
        match open_scene(&s.input, None) {
            Ok(scene) => {
                let band = scene
                    .default_thermal_band()
                    .or_else(|| scene.bands.keys().next().cloned());
                match band.map(|b| io::raster_info(&scene.bands[&b])) {
                    Some(Ok(info))
                        if info.georef.crs_wkt.is_empty() && info.georef.epsg.is_none() =>
                    {
                        problems.push(format!("scene {}: {} has no CRS", s.id, s.input.display()));
                    }
                    Some(Ok(info)) => {
                        if let Some(e) = mask_problem(s.detect.mask.as_deref(), &info, &s.input) {
                            problems.push(format!("scene {}: {e}", s.id));
                        } else if !quiet {
                            println!(
                                "ok  {:<40} {} x {} px, EPSG {:?}",
                                s.id, info.width, info.height, info.georef.epsg
                            );
                        }
                    }
                    Some(Err(e)) => problems.push(format!("scene {}: {e}", s.id)),
                    None => problems.push(format!(
                        "scene {}: no raster band found in {}",
                        s.id,
                        s.input.display()
                    )),
                }
            }
            Err(e) => problems.push(format!("scene {}: {e}", s.id)),
        }
    }
    if problems.is_empty() {
        if !quiet {
            println!(
                "{}: valid ({} scenes)",
                a.pipeline.display(),
                plan.scenes.len()
            );
        }
        Ok(())
    } else {
        Err(Error::Usage(format!(
            "{}: {} problem(s):\n  {}",
            a.pipeline.display(),
            problems.len(),
            problems.join("\n  ")
        )))
    }
}

/// Why a scene's `mask` file cannot be used on its thermal grid (`info`), if it cannot.
fn mask_problem(
    mask: Option<&std::path::Path>,
    info: &io::RasterInfo,
    input: &std::path::Path,
) -> Option<String> {
    let mask = mask?;
    let m = match io::raster_info(mask) {
        Ok(m) => m,
        Err(e) => return Some(e.to_string()),
    };
    crate::raster::check_same_grid(
        (m.height, m.width),
        &m.georef,
        (info.height, info.width),
        &info.georef,
        &mask.display().to_string(),
        &input.display().to_string(),
    )
    .err()
    .map(|e| e.to_string())
}

pub fn merge(a: &MergeArgs, quiet: bool) -> Result<()> {
    let name = a.name.clone().unwrap_or_else(|| {
        a.root
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "season".into())
    });
    let n = merge_root(&a.root, &name)?;
    if !quiet {
        println!(
            "merged {n} scene directories into {}",
            a.root.join("season_summary.json").display()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scenes_at_once_share_the_limit() {
        let g = 1u64 << 30;
        // Two workers, five scenes: two at once, half each.
        assert_eq!(per_scene_limit_bytes(4 * g, Some(2), 5), 2 * g);
        // One scene takes it all, whatever the workers.
        assert_eq!(per_scene_limit_bytes(4 * g, Some(8), 1), 4 * g);
        // Never below the minimum (128 MiB).
        assert_eq!(per_scene_limit_bytes(g / 2, Some(16), 16), 128 << 20);
    }
}

//! `seamfire synth --preset season`: the demo season (see `docs/synth.md`, "The demo season").

use super::synth::SynthArgs;
use crate::error::{Error, Result};
use crate::synth;

pub fn run(a: &SynthArgs) -> Result<()> {
    let scene_flags = [
        (a.size.is_some(), "--size"),
        (a.objects.is_some(), "--objects"),
        (a.no_water, "--no-water"),
        (a.no_fill, "--no-fill"),
        (a.background.is_some(), "--background"),
        (a.swir, "--swir"),
    ];
    if let Some((_, flag)) = scene_flags.iter().find(|(set, _)| *set) {
        return Err(Error::Usage(format!(
            "{flag} does not apply to --preset season (the season fixes its scenes)"
        )));
    }
    let t0 = std::time::Instant::now();
    let out = synth::write_season(&a.out, a.seed)?;
    tracing::debug!("synth season in {:.2} s", t0.elapsed().as_secs_f64());
    let plan = &out.plan;
    if a.json {
        let report = serde_json::json!({
            "out": a.out.display().to_string(),
            "scenes": out.scenes.iter().map(|(id, d)| serde_json::json!({"id": id, "dir": d.display().to_string()})).collect::<Vec<_>>(),
            "known_zones": plan.known.len(),
            "new_fires": plan.new_fires.len(),
            "files": out.files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>(),
        });
        return super::print_json(&report);
    }
    println!(
        "wrote the demo season to {}: {} passes, {} known zones, {} new fires, {} roads, {} houses, a river",
        a.out.display(),
        out.scenes.len(),
        plan.known.len(),
        plan.new_fires.len(),
        plan.roads.len(),
        plan.houses.len()
    );
    for (id, dir) in &out.scenes {
        println!("  {id}: {}", dir.display());
    }
    Ok(())
}

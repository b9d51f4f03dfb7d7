//! `seamfire accuracy`: scores a detection configuration on generated scenes with planted
//! truth (or on a real background with planted anomalies) and prints markdown table rows.

use std::path::PathBuf;

use super::detect::{MethodArg, detect_config};
use crate::error::Result;
use crate::scene::open_scene;
use crate::stage::{
    CalibrateOptions, Score, TABLE_HEADER, calibrate_scene, score_generated, score_scene,
    table_row, thermal_validity,
};
use crate::synth::{Preset, SynthParams, plant_into};

/// Arguments of `seamfire accuracy`.
#[derive(Debug, clap::Args)]
pub struct AccuracyArgs {
    /// Scene kinds to generate.
    #[arg(long, value_enum, value_delimiter = ',', default_values = ["night", "day"])]
    pub preset: Vec<Preset>,
    /// Seeds, one scene each.
    #[arg(long, value_delimiter = ',', default_values = ["1", "2", "3", "4"])]
    pub seeds: Vec<u64>,
    /// Side of the generated scenes, pixels.
    #[arg(long, default_value_t = 1024)]
    pub size: usize,
    /// Also plant into this real scene's thermal band (e.g. the Pensacola directory), once per seed.
    #[arg(long)]
    pub background: Option<PathBuf>,
    /// Thermal method (default: the configured one).
    #[arg(long, value_enum)]
    pub method: Option<MethodArg>,
    /// TOML file with a `[detect]` table.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Parameter override, e.g. `--param contextual.k=4.5` (repeatable).
    #[arg(long = "param", short = 'p', value_name = "KEY=VALUE")]
    pub params: Vec<String>,
    /// Label of the rows (default: the method and overrides).
    #[arg(long)]
    pub label: Option<String>,
    /// Print the table header first.
    #[arg(long)]
    pub header: bool,
}

pub fn run(a: &AccuracyArgs) -> Result<()> {
    let (cfg, _) = detect_config(a.config.as_deref(), &a.params, a.method)?;
    let label = a.label.clone().unwrap_or_else(|| {
        let name = cfg.thermal.method().map_or("off", |m| m.name());
        if a.params.is_empty() {
            name.to_string()
        } else {
            format!("{name} {}", a.params.join(" "))
        }
    });
    if a.header {
        println!("{TABLE_HEADER}");
    }
    for &preset in &a.preset {
        let score = score_generated(preset, &a.seeds, a.size, &cfg);
        println!(
            "{}",
            table_row(
                &label,
                &format!("{} x{} {}²", preset.name(), a.seeds.len(), a.size),
                &score
            )
        );
    }
    if let Some(bg) = &a.background {
        let scene = open_scene(bg, None)?;
        let cal = calibrate_scene(&scene, &CalibrateOptions::default())?;
        let valid = thermal_validity(&cal, cfg.mask_cirrus);
        let (rows, cols) = cal.raster.shape();
        let mut total = Score::default();
        for &seed in &a.seeds {
            let p = SynthParams::new(seed, rows, cols, Preset::Day);
            let planted = plant_into(&cal.raster.data, &valid, cal.raster.georef.clone(), &p);
            let s = score_scene(&planted, &cfg);
            total.planted.add(&s.planted);
            total.background.add(&s.background);
        }
        let name = bg
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        println!(
            "{}",
            table_row(&label, &format!("{name} x{}", a.seeds.len()), &total)
        );
    }
    Ok(())
}

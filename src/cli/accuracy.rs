//! `seamfire accuracy`: scores a detection configuration on generated scenes with planted
//! truth (or on a real background with planted anomalies) and prints markdown table rows.

use std::path::PathBuf;

use super::detect::{MethodArg, detect_config};
use crate::detect::object_outcome::{CSV_HEADER, csv_row};
use crate::error::{Error, Result};
use crate::stage::{TABLE_HEADER, score_background_excluding, score_generated, table_row};
use crate::synth::Preset;

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
    /// Also plant into these real scenes' thermal bands (a Landsat directory, an LST raster),
    /// once per seed; one table row per background (repeatable, or comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub background: Vec<PathBuf>,
    /// Generic backgrounds (no MTL): unit, scale and offset, as for `seamfire calibrate`.
    #[command(flatten)]
    pub generic: super::args::GenericArgs,
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
    /// With `--background`, also score the generated presets (by default only the backgrounds).
    #[arg(long)]
    pub generated: bool,
    /// Print the table header first.
    #[arg(long)]
    pub header: bool,
    /// Known non-fire heat sources on the backgrounds (refineries, power plants, landfills):
    /// fire zones within `--exclude-buffer-m` of one are `excluded`, as `seamfire detect
    /// --exclude` reports them, and count neither as false zones nor as found objects.
    #[arg(long, value_name = "FILE")]
    pub exclude: Option<PathBuf>,
    /// Buffer of `--exclude`, metres (as `seamfire detect`).
    #[arg(
        long,
        default_value_t = 100.0,
        allow_negative_numbers = true,
        value_name = "M"
    )]
    pub exclude_buffer_m: f64,
    /// Also write every planted object's outcome to this CSV file (background, seed, id, kind,
    /// pixels, planted peak, `zone`/`low`/`missed`, measured excess, z, background spread):
    /// why a bin's recall is what it is.
    #[arg(long, value_name = "FILE")]
    pub objects: Option<PathBuf>,
}

pub fn run(a: &AccuracyArgs) -> Result<()> {
    if !(a.exclude_buffer_m.is_finite() && a.exclude_buffer_m >= 0.0) {
        return Err(Error::Usage(format!(
            "--exclude-buffer-m {}: expected a distance in metres >= 0",
            a.exclude_buffer_m
        )));
    }
    if a.exclude.is_some() && a.background.is_empty() {
        return Err(Error::Usage(
            "--exclude needs --background (generated scenes have no industrial sites)".into(),
        ));
    }
    let (mut cfg, _) = detect_config(a.config.as_deref(), &a.params, a.method)?;
    cfg.mask = a.generic.mask.clone();
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
    let presets = if a.background.is_empty() || a.generated {
        a.preset.clone()
    } else {
        Vec::new()
    };
    let mut rows = vec![CSV_HEADER.to_string()];
    for &preset in &presets {
        let score = score_generated(preset, &a.seeds, a.size, &cfg);
        println!(
            "{}",
            table_row(
                &label,
                &format!("{} x{} {}²", preset.name(), a.seeds.len(), a.size),
                &score
            )
        );
        let name = format!("generated {} {}²", preset.name(), a.size);
        rows.extend(score.objects.iter().map(|(s, o)| csv_row(&name, *s, o)));
    }
    let generic = a.generic.request()?;
    for bg in &a.background {
        let exclude = a.exclude.as_deref().map(|f| (f, a.exclude_buffer_m));
        let total = score_background_excluding(bg, generic, &a.seeds, &cfg, exclude)?;
        let name = bg
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        println!(
            "{}",
            table_row(&label, &format!("{name} x{}", a.seeds.len()), &total)
        );
        let name = bg.to_string_lossy();
        rows.extend(total.objects.iter().map(|(s, o)| csv_row(&name, *s, o)));
    }
    if let Some(file) = &a.objects {
        rows.push(String::new());
        crate::io::write_atomic(file, rows.join("\n").as_bytes())?;
    }
    Ok(())
}

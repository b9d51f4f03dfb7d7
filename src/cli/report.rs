//! `seamfire report ROOT`: the fire-risk assessment report, the map atlas and the STAC catalog
//! of a run (see `docs/report.md`).

use std::path::PathBuf;

use crate::error::Result;
use crate::report::{Lang, ReportOptions, write_report};

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// A season output root (with season_summary.json) or one scene output directory.
    pub root: PathBuf,
    /// Report language(s): `en`, `zh-CN`, or both (`--lang en --lang zh-CN`). English files are
    /// `report.*` and `atlas.pdf`, Chinese `report.zh-CN.*` and `atlas.zh-CN.pdf`.
    #[arg(long, value_enum, default_values_t = vec![Lang::En])]
    pub lang: Vec<Lang>,
    /// Skip report.pdf (HTML and CSV only).
    #[arg(long)]
    pub no_pdf: bool,
    /// Skip the atlas (atlas.pdf, atlas.zh-CN.pdf).
    #[arg(long)]
    pub no_atlas: bool,
    /// Skip the STAC catalog.
    #[arg(long)]
    pub no_catalog: bool,
    /// Print the files written as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(a: &ReportArgs) -> Result<()> {
    let t0 = std::time::Instant::now();
    let opts = ReportOptions {
        langs: a.lang.clone(),
        pdf: !a.no_pdf,
        atlas: !a.no_atlas,
        catalog: !a.no_catalog,
    };
    let files = write_report(&a.root, &opts)?;
    tracing::debug!("report in {:.2} s", t0.elapsed().as_secs_f64());
    if a.json {
        let v: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
        return super::print_json(&serde_json::json!({ "files": v }));
    }
    for f in &files {
        println!("{}", f.display());
    }
    Ok(())
}

//! Run progress: a bar on a terminal (indicatif), plain log lines otherwise (text or JSON, as
//! `--log-format` says), nothing but errors with `--quiet`.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

use super::season::SceneStatus;

/// Reports scenes as they finish.
#[derive(Debug)]
pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    /// A bar when stderr is a terminal and not `quiet`; log lines otherwise.
    pub fn new(quiet: bool) -> Self {
        let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::new(0);
            if let Ok(style) = ProgressStyle::with_template(
                "{elapsed_precise} [{bar:30}] {pos}/{len} scenes  {msg}",
            ) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar
        });
        Self { bar }
    }

    /// Announces `n` scenes.
    pub fn start(&self, n: usize) {
        match &self.bar {
            Some(b) => b.set_length(n as u64),
            None => tracing::info!(scenes = n, "run started"),
        }
    }

    /// One scene finished.
    pub fn scene_done(&self, id: &str, status: &SceneStatus, seconds: f64) {
        let (word, detail) = match status {
            SceneStatus::Done => ("done", String::new()),
            SceneStatus::Skipped => ("skipped (unchanged)", String::new()),
            SceneStatus::Failed { stage, reason } => ("FAILED", format!(" at {stage}: {reason}")),
        };
        match &self.bar {
            Some(b) => {
                b.inc(1);
                b.set_message(format!("{id}: {word}"));
                if matches!(status, SceneStatus::Failed { .. }) {
                    b.println(format!("{id}: {word}{detail}"));
                }
            }
            None => match status {
                SceneStatus::Failed { stage, reason } => tracing::error!(
                    scene = id,
                    stage = stage.as_str(),
                    seconds,
                    "scene failed: {reason}"
                ),
                _ => tracing::info!(scene = id, seconds, "scene {word}"),
            },
        }
    }

    /// Run finished.
    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_with_message("done");
        }
    }
}

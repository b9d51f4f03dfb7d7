//! Run progress: on a terminal, an overall bar plus one line per running scene showing its
//! stage (indicatif); plain log lines otherwise (text or JSON, as `--log-format` says); nothing
//! but errors with `--quiet`.

use std::io::IsTerminal;

use indicatif::{MultiProgress, ProgressBar, ProgressStyle};

use super::season::SceneStatus;

/// Reports scenes and their stages as they run.
#[derive(Debug)]
pub struct Progress {
    bars: Option<(MultiProgress, ProgressBar)>,
}

/// The progress line of one running scene.
#[derive(Debug)]
pub struct SceneProgress {
    id: String,
    bar: Option<ProgressBar>,
}

impl SceneProgress {
    /// The scene entered `stage` (`ingest`, `detect`, `write`, `manifest`).
    pub fn stage(&self, stage: &str) {
        match &self.bar {
            Some(b) => b.set_message(format!("{}: {stage}", self.id)),
            None => tracing::debug!(scene = self.id.as_str(), stage, "stage"),
        }
    }
}

impl Drop for SceneProgress {
    fn drop(&mut self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

impl Progress {
    /// Bars when stderr is a terminal and not `quiet`; log lines otherwise.
    pub fn new(quiet: bool) -> Self {
        let bars = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let multi = MultiProgress::new();
            let total = multi.add(ProgressBar::new(0));
            if let Ok(style) = ProgressStyle::with_template(
                "{elapsed_precise} [{bar:30}] {pos}/{len} scenes  {msg}",
            ) {
                total.set_style(style.progress_chars("=> "));
            }
            (multi, total)
        });
        Self { bars }
    }

    /// Announces `n` scenes.
    pub fn start(&self, n: usize) {
        match &self.bars {
            Some((_, total)) => total.set_length(n as u64),
            None => tracing::info!(scenes = n, "run started"),
        }
    }

    /// A scene starts: its own progress line.
    pub fn scene_started(&self, id: &str) -> SceneProgress {
        let bar = self.bars.as_ref().map(|(multi, _)| {
            let b = multi.add(ProgressBar::new_spinner());
            if let Ok(style) = ProgressStyle::with_template("  {spinner} {msg} ({elapsed})") {
                b.set_style(style);
            }
            b.enable_steady_tick(std::time::Duration::from_millis(200));
            b
        });
        SceneProgress {
            id: id.to_string(),
            bar,
        }
    }

    /// One scene finished.
    pub fn scene_done(&self, id: &str, status: &SceneStatus, seconds: f64) {
        let (word, detail) = match status {
            SceneStatus::Done => ("done", String::new()),
            SceneStatus::Skipped => ("skipped (unchanged)", String::new()),
            SceneStatus::Failed { stage, reason } => ("FAILED", format!(" at {stage}: {reason}")),
        };
        match &self.bars {
            Some((multi, total)) => {
                total.inc(1);
                total.set_message(format!("{id}: {word}"));
                if matches!(status, SceneStatus::Failed { .. }) {
                    let _ = multi.println(format!("{id}: {word}{detail}"));
                }
            }
            None => match status {
                SceneStatus::Failed { stage, reason } => {
                    tracing::error!(
                        scene = id,
                        stage = stage.as_str(),
                        seconds,
                        "scene failed: {reason}"
                    )
                }
                _ => tracing::info!(scene = id, seconds, "scene {word}"),
            },
        }
    }

    /// Run finished.
    pub fn finish(&self) {
        if let Some((_, total)) = &self.bars {
            total.finish_and_clear();
        }
    }
}

//! Command-line interface: argument definitions, logging set-up, exit codes.
//!
//! Exit codes: 0 success; 1 the command ran but failed (bad input, unreadable file, write
//! error); 2 usage error (unknown flag, missing argument, contradictory options).

mod accuracy;
mod args;
mod calibrate;
mod detect;
mod info;
mod memory;
mod pipeline;
mod render;
mod report;
mod synth;
mod synth_season;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;

pub use args::{Cli, Command, LogFormat};

use crate::error::Error;

/// Parses the command line, runs the command and maps the outcome to an exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    init_logging(cli.log_format, cli.quiet);
    PROGRESS.store(
        !cli.quiet && cli.log_format == LogFormat::Text && std::io::stderr().is_terminal(),
        std::sync::atomic::Ordering::Relaxed,
    );
    match run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!("{err}");
            if cli.log_format == LogFormat::Text {
                eprintln!("error: {err}");
            }
            ExitCode::from(exit_code(&err))
        }
    }
}

/// Runs a parsed command line in this process (no logging set-up, no exit code): what the
/// binary does after parsing, callable from tests and harnesses (`tests/fuzz.rs`).
pub fn run(cli: &Cli) -> crate::error::Result<()> {
    QUIET.store(cli.quiet, std::sync::atomic::Ordering::Relaxed);
    crate::io::init_gdal();
    match &cli.command {
        Command::Info(a) => info::run(a),
        Command::Calibrate(a) => calibrate::run(a),
        Command::Detect(a) => detect::run(a),
        Command::Render(a) => render::run(a),
        Command::Synth(a) => synth::run(a),
        Command::Accuracy(a) => accuracy::run(a),
        Command::Run(a) => pipeline::run(a, cli.quiet),
        Command::Validate(a) => pipeline::validate(a, cli.quiet),
        Command::Merge(a) => pipeline::merge(a, cli.quiet),
        Command::Report(a) => report::run(a),
    }
}

static QUIET: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

static PROGRESS: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Progress bars may be drawn: stderr is a terminal, text logs, not `--quiet`.
fn progress_allowed() -> bool {
    PROGRESS.load(std::sync::atomic::Ordering::Relaxed)
}

/// `--quiet` was given: commands print no summary.
fn quiet() -> bool {
    QUIET.load(std::sync::atomic::Ordering::Relaxed)
}

/// The exit code of a failed command: 2 for usage errors, 1 otherwise.
pub fn exit_code(err: &Error) -> u8 {
    match err {
        Error::Usage(_) => 2,
        _ => 1,
    }
}

fn init_logging(format: LogFormat, quiet: bool) {
    use tracing_subscriber::EnvFilter;
    // resvg logs a warning for every degenerate (zero-length) stroke of a sheet; not actionable.
    let default = if quiet {
        "error"
    } else {
        "warn,seamfire=info,resvg=error,usvg=error,tiny_skia=error"
    };
    let filter =
        EnvFilter::try_from_env("SEAMFIRE_LOG").unwrap_or_else(|_| EnvFilter::new(default));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false);
    let _ = match format {
        LogFormat::Json => builder.json().try_init(),
        // Errors are printed once by `main`; text logs show warnings and progress.
        LogFormat::Text => builder.without_time().try_init(),
    };
}

/// Writes `value` as pretty JSON to stdout.
fn print_json(value: &impl serde::Serialize) -> crate::error::Result<()> {
    let s = serde_json::to_string_pretty(value).map_err(|e| Error::Usage(e.to_string()))?;
    println!("{s}");
    Ok(())
}

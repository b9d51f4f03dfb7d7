//! Runs one seamfire command in this process (as `seamfire::cli::run`), in its own thread with a
//! timeout, and checks the outcome: no panic, no hang, no partial output.

use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use clap::Parser;
use seamfire::cli::Cli;

/// How a command ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    /// A clean error, with its exit code and message.
    Error(u8, String),
    /// A bug: panic, hang, or outputs left after an error.
    Bug(String),
}

/// Runs `args` (without the program name) with a timeout; `out` is the output directory the
/// command may write (checked for leftovers).
pub fn run(args: &[String], out: &Path, timeout: Duration) -> (Outcome, Duration) {
    let start = Instant::now();
    let cli = match Cli::try_parse_from(
        std::iter::once("seamfire".to_string()).chain(args.iter().cloned()),
    ) {
        Ok(c) => c,
        Err(e) => return (Outcome::Error(2, e.to_string()), start.elapsed()),
    };
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| seamfire::cli::run(&cli)));
        let _ = tx.send(r);
    });
    let outcome = match rx.recv_timeout(timeout) {
        Err(_) => Outcome::Bug(format!("no answer within {timeout:?} (hang?)")),
        Ok(Err(panic)) => {
            let msg = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            Outcome::Bug(format!("panic: {msg}"))
        }
        Ok(Ok(Ok(()))) => Outcome::Ok,
        Ok(Ok(Err(e))) => Outcome::Error(seamfire::cli::exit_code(&e), e.to_string()),
    };
    let left = leftovers(out);
    let outcome = match outcome {
        Outcome::Error(..) if !left.is_empty() => {
            Outcome::Bug(format!("failed but left outputs: {left:?}"))
        }
        Outcome::Ok if left.iter().any(|f| f.ends_with(".partial")) => {
            Outcome::Bug(format!("staging files left: {left:?}"))
        }
        o => o,
    };
    (outcome, start.elapsed())
}

/// Every file under `dir` (relative names).
fn leftovers(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p.strip_prefix(dir).unwrap_or(&p).display().to_string());
            }
        }
    }
    out.sort();
    out
}

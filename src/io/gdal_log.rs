//! GDAL's own messages (`CPLError`) routed into seamfire's `tracing` log with the file they
//! concern, instead of GDAL's default handler printing `ERROR 1: …` / `Warning 1: …` on stderr.
//!
//! Every `io` function that hands a file to GDAL opens a [`scope`] naming it; the handler reads
//! the innermost scope of the calling thread. Levels:
//!
//! * GDAL warnings (`CE_Warning`) → `WARN` with the file, each distinct (file, message) once
//!   per process (GDAL repeats a warning on every open of the same file);
//! * failures (`CE_Failure`, `CE_Fatal`) → `DEBUG`: GDAL also returns them to the caller, whose
//!   error (naming the file) carries the same text, so they are not lost and not printed twice;
//! * debug messages (`CE_Debug`, with `CPL_DEBUG=ON`) → `TRACE`.
//!
//! Events use the target `gdal`: `SEAMFIRE_LOG=gdal=debug` shows the failures too. With
//! `--log-format json` the file is also a separate `file` field.

use std::cell::RefCell;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use gdal::errors::CplErrType;

thread_local! {
    static FILES: RefCell<Vec<PathBuf>> = const { RefCell::new(Vec::new()) };
}

/// Most distinct warnings remembered for de-duplication; later ones are all logged.
const MAX_REMEMBERED: usize = 10_000;

static SEEN: Mutex<Option<HashSet<(PathBuf, String)>>> = Mutex::new(None);

/// While alive, GDAL messages of this thread are attributed to `path`.
#[must_use = "the scope ends when this guard is dropped"]
pub struct FileScope(());

impl Drop for FileScope {
    fn drop(&mut self) {
        FILES.with(|f| {
            f.borrow_mut().pop();
        });
    }
}

/// Attributes GDAL messages of the current thread to `path` until the guard is dropped.
pub fn scope(path: &Path) -> FileScope {
    FILES.with(|f| f.borrow_mut().push(path.to_path_buf()));
    FileScope(())
}

/// The file of the innermost scope of this thread.
fn current_file() -> Option<PathBuf> {
    FILES.with(|f| f.borrow().last().cloned())
}

/// Installs the handler (called once per process by `ensure_gdal_config`).
pub(super) fn install() {
    gdal::config::set_error_handler(handle);
}

fn handle(kind: CplErrType, code: i32, msg: &str) {
    let msg = msg.trim();
    let file = current_file();
    let shown = file
        .as_ref()
        .map_or_else(|| "(no file)".to_string(), |f| f.display().to_string());
    match kind {
        CplErrType::Warning => {
            if !first_time(file.as_deref(), msg) {
                return;
            }
            // GDAL often names the file itself; do not say it twice.
            if file.is_some() && msg.contains(&shown) {
                tracing::warn!(target: "gdal", file = %shown, code, "GDAL: {msg}");
            } else {
                tracing::warn!(target: "gdal", file = %shown, code, "{shown}: GDAL: {msg}");
            }
        }
        CplErrType::Failure | CplErrType::Fatal => {
            tracing::debug!(target: "gdal", file = %shown, code, "{shown}: GDAL error: {msg}");
        }
        CplErrType::Debug | CplErrType::None => {
            tracing::trace!(target: "gdal", file = %shown, code, "{shown}: {msg}");
        }
    }
}

/// True the first time this (file, message) pair is seen.
fn first_time(file: Option<&Path>, msg: &str) -> bool {
    let mut seen = SEEN.lock().unwrap_or_else(|p| p.into_inner());
    let set = seen.get_or_insert_with(HashSet::new);
    if set.len() >= MAX_REMEMBERED {
        return true;
    }
    set.insert((
        file.map(Path::to_path_buf).unwrap_or_default(),
        msg.to_string(),
    ))
}

#[cfg(test)]
mod tests {
    use std::ffi::CString;
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    use super::*;

    /// A `tracing` writer into a shared buffer.
    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);

    impl Write for Buffer {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// Raises a GDAL message the way GDAL's drivers do.
    fn cpl_error(kind: gdal_sys::CPLErr::Type, msg: &str) {
        let fmt = CString::new("%s").unwrap();
        let msg = CString::new(msg).unwrap();
        // SAFETY: CPLError is called with a "%s" format and one NUL-terminated string argument.
        unsafe { gdal_sys::CPLError(kind, 1, fmt.as_ptr(), msg.as_ptr()) };
    }

    #[test]
    fn gdal_warnings_name_the_file_once_and_failures_stay_out_of_the_default_log() {
        crate::io::ensure_gdal_config();
        let buf = Buffer::default();
        let writer = buf.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .with_max_level(tracing::Level::INFO)
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            let _s = scope(Path::new("/data/scene_B10.TIF"));
            cpl_error(gdal_sys::CPLErr::CE_Warning, "unit-test warning 7f3a");
            cpl_error(gdal_sys::CPLErr::CE_Warning, "unit-test warning 7f3a");
            cpl_error(gdal_sys::CPLErr::CE_Failure, "unit-test failure 7f3a");
            {
                let _inner = scope(Path::new("/data/other.tif"));
                cpl_error(gdal_sys::CPLErr::CE_Warning, "unit-test warning 7f3a");
            }
        });
        let text = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2, "{text}");
        assert!(
            lines[0].contains("WARN")
                && lines[0].contains("/data/scene_B10.TIF: GDAL: unit-test warning 7f3a"),
            "{text}"
        );
        assert!(lines[1].contains("/data/other.tif: GDAL"), "{text}");
        assert!(!text.contains("failure"), "{text}");
        assert_eq!(current_file(), None, "scopes are popped");
    }
}

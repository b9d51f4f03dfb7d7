//! What a path on disk is, for messages that name the real problem: a dangling link, a link
//! loop, a directory where a file belongs.

use std::ffi::CString;
use std::path::Path;

use crate::error::{Error, Result};

/// Ok when `path` is (or links to) a regular file; otherwise an error naming it and saying what
/// it is instead.
pub fn regular_file(path: &Path) -> Result<()> {
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() => Ok(()),
        Ok(m) if m.is_dir() => Err(Error::input(path, "is a directory, not a file")),
        Ok(_) => Err(Error::input(
            path,
            "is not a regular file (a device, socket or pipe)",
        )),
        Err(e) => {
            let link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
            let what = if !link && e.kind() == std::io::ErrorKind::NotFound {
                "file not found".to_string()
            } else if !link {
                format!("cannot be read: {e}")
            } else if e.kind() == std::io::ErrorKind::NotFound {
                "is a symbolic link whose target does not exist".to_string()
            } else if e.raw_os_error() == Some(ELOOP) {
                "is a symbolic link that loops (too many levels of symbolic links)".to_string()
            } else {
                format!("is a symbolic link that cannot be followed: {e}")
            };
            Err(Error::input(path, what))
        }
    }
}

/// `ELOOP` on Linux and the BSDs/macOS ("too many levels of symbolic links").
#[cfg(target_os = "linux")]
const ELOOP: i32 = 40;
#[cfg(not(target_os = "linux"))]
const ELOOP: i32 = 62;

/// The error for a path that does not resolve: "not found", or what is wrong with the link.
pub fn not_found(path: &Path) -> Error {
    match regular_file(path) {
        Err(e) => e,
        Ok(()) => Error::input(path, "file not found"),
    }
}

/// Free bytes for an unprivileged writer on the file system holding `dir` (GDAL's
/// `VSIGetDiskFreeSpace`); `None` when it cannot tell.
pub fn disk_free_bytes(dir: &Path) -> Option<u64> {
    let c = CString::new(dir.to_string_lossy().as_bytes()).ok()?;
    // SAFETY: `c` is a NUL-terminated path that outlives the call; GDAL only reads it.
    let free = unsafe { gdal_sys::VSIGetDiskFreeSpace(c.as_ptr()) };
    u64::try_from(free).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_loops_and_directories_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("f"), b"x").unwrap();
        std::os::unix::fs::symlink(d.join("f"), d.join("good")).unwrap();
        std::os::unix::fs::symlink(d.join("b"), d.join("a")).unwrap();
        std::os::unix::fs::symlink(d.join("a"), d.join("b")).unwrap();
        std::os::unix::fs::symlink(d.join("gone"), d.join("dangling")).unwrap();
        assert!(regular_file(&d.join("good")).is_ok());
        let msg = |n: &str| regular_file(&d.join(n)).unwrap_err().to_string();
        assert!(msg("a").contains("loops"), "{}", msg("a"));
        assert!(msg("dangling").contains("target does not exist"));
        assert!(msg(".").contains("is a directory"));
        assert!(
            not_found(&d.join("nope"))
                .to_string()
                .contains("file not found")
        );
    }
}

//! Atomic outputs: everything is written under a temporary name in the destination directory,
//! then renamed. A killed run leaves at most a `.*.partial` file, never a half-written file under
//! the final name.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The temporary name used while `dest` is being written: `.<name>.<pid>.partial` in the same
/// directory (so the final rename never crosses filesystems).
pub fn staging_path(dest: &Path) -> PathBuf {
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    dest.with_file_name(format!(".{name}.{}.partial", std::process::id()))
}

/// A file written under its staging name, waiting to be renamed to its destination.
/// Dropping it without [`Staged::commit`] deletes the temporary file.
#[derive(Debug)]
pub struct Staged {
    tmp: PathBuf,
    dest: PathBuf,
    committed: bool,
}

impl Staged {
    /// Registers a staged file at `tmp` destined for `dest`.
    pub fn new(tmp: PathBuf, dest: PathBuf) -> Self {
        Self {
            tmp,
            dest,
            committed: false,
        }
    }

    /// The final path.
    pub fn dest(&self) -> &Path {
        &self.dest
    }

    /// Where the file is until it is committed (complete: it can be read back).
    pub fn staged_path(&self) -> &Path {
        &self.tmp
    }

    /// Renames the temporary file to its destination.
    pub fn commit(mut self) -> Result<PathBuf> {
        std::fs::rename(&self.tmp, &self.dest).map_err(|e| Error::io(&self.dest, e))?;
        self.committed = true;
        Ok(self.dest.clone())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// Commits every staged file, in order. All were completely written before this is called, so
/// only a rename can fail here.
pub fn commit_all(staged: Vec<Staged>) -> Result<Vec<PathBuf>> {
    staged.into_iter().map(Staged::commit).collect()
}

/// Streams a file to the staging name of `dest` through a buffered writer: `write` gets the
/// writer, then the file is flushed and fsynced and the pending rename returned, for
/// [`commit_all`] with the other products of a step. When `write` or the flush fails, the
/// staging file is deleted and nothing is left at `dest`.
pub fn stage_writer(
    dest: &Path,
    write: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> Result<()>,
) -> Result<Staged> {
    use std::io::Write;
    let tmp = staging_path(dest);
    let staged = Staged::new(tmp.clone(), dest.to_path_buf());
    let f = std::fs::File::create(&tmp).map_err(|e| Error::io(dest, e))?;
    let mut w = std::io::BufWriter::with_capacity(1 << 20, f);
    write(&mut w)?;
    w.flush().map_err(|e| Error::io(dest, e))?;
    let f = w
        .into_inner()
        .map_err(|e| Error::io(dest, e.into_error()))?;
    f.sync_all().map_err(|e| Error::io(dest, e))?;
    Ok(staged)
}

/// Writes `bytes` under the staging name of `dest` (fsynced) and returns the pending rename,
/// for [`commit_all`] with the other products of a step.
pub fn stage_bytes(dest: &Path, bytes: &[u8]) -> Result<Staged> {
    use std::io::Write;
    stage_writer(dest, |w| w.write_all(bytes).map_err(|e| Error::io(dest, e)))
}

/// Writes `bytes` to `dest` atomically (temporary file, fsync, rename).
pub fn write_atomic(dest: &Path, bytes: &[u8]) -> Result<()> {
    stage_bytes(dest, bytes)?.commit().map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uncommitted_stage_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("x.json");
        let tmp = staging_path(&dest);
        std::fs::write(&tmp, b"half").unwrap();
        drop(Staged::new(tmp.clone(), dest.clone()));
        assert!(!tmp.exists());
        assert!(!dest.exists());
    }

    #[test]
    fn write_atomic_leaves_only_the_final_file() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("x.json");
        write_atomic(&dest, b"{}").unwrap();
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("x.json")]);
        assert_eq!(std::fs::read(&dest).unwrap(), b"{}");
    }

    #[test]
    fn failed_stream_leaves_nothing() {
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("big.csv");
        let err = stage_writer(&dest, |w| {
            // More than the buffer, so part of it reached the staging file.
            for _ in 0..3000 {
                w.write_all(&[b'x'; 1000])
                    .map_err(|e| Error::io(&dest, e))?;
            }
            assert!(staging_path(&dest).metadata().unwrap().len() > 0);
            Err(Error::input(&dest, "feature 3001 failed"))
        })
        .unwrap_err();
        assert!(err.to_string().contains("feature 3001"), "{err}");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);

        let staged = stage_writer(&dest, |w| {
            w.write_all(b"a,b\n").map_err(|e| Error::io(&dest, e))
        })
        .unwrap();
        assert!(
            !dest.exists(),
            "nothing at the final path before the commit"
        );
        commit_all(vec![staged]).unwrap();
        assert_eq!(std::fs::read(&dest).unwrap(), b"a,b\n");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}

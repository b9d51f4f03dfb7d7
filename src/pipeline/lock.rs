//! One run per output root: `ROOT/.seamfire.lock`, created exclusively, holding the owner's
//! pid and host. A lock left by a process that no longer exists on this host is stale and is
//! taken over.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Lock file name in the output root.
pub const LOCK: &str = ".seamfire.lock";

#[derive(Debug, Serialize, Deserialize)]
struct Owner {
    pid: u32,
    host: String,
}

/// A held lock; released (file removed) when dropped.
#[derive(Debug)]
pub struct RunLock {
    path: PathBuf,
}

fn host() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .or_else(|_| std::env::var("HOSTNAME"))
        .unwrap_or_default()
}

fn alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

impl RunLock {
    /// Takes the lock of `root` (created if needed), or explains who holds it.
    pub fn acquire(root: &Path) -> Result<RunLock> {
        Self::acquire_named(root, None)
    }

    /// Takes the lock file `name` (default [`LOCK`]) of `root`: shards of one pipeline take one
    /// lock each so they can share an output root.
    pub fn acquire_named(root: &Path, name: Option<&str>) -> Result<RunLock> {
        std::fs::create_dir_all(root).map_err(|e| Error::io(root, e))?;
        let path = root.join(name.unwrap_or(LOCK));
        for _ in 0..2 {
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(mut f) => {
                    let owner = Owner {
                        pid: std::process::id(),
                        host: host(),
                    };
                    let json =
                        serde_json::to_vec(&owner).map_err(|e| Error::Usage(e.to_string()))?;
                    f.write_all(&json).map_err(|e| Error::io(&path, e))?;
                    return Ok(RunLock { path });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let owner: Option<Owner> = std::fs::read(&path)
                        .ok()
                        .and_then(|b| serde_json::from_slice(&b).ok());
                    match owner {
                        Some(o) if o.host == host() && !alive(o.pid) => {
                            tracing::warn!(
                                "{}: stale lock of process {} (no longer running) taken over",
                                path.display(),
                                o.pid
                            );
                            std::fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
                        }
                        Some(o) => {
                            return Err(Error::Usage(format!(
                                "{}: another seamfire run (pid {} on {}) is using this output root",
                                path.display(),
                                o.pid,
                                o.host
                            )));
                        }
                        None => {
                            // Empty or torn lock (killed between create and write): stale.
                            std::fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
                        }
                    }
                }
                Err(e) => return Err(Error::io(&path, e)),
            }
        }
        Err(Error::Usage(format!(
            "{}: could not take the lock",
            path.display()
        )))
    }
}

impl Drop for RunLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exclusive_and_stale_takeover() {
        let dir = tempfile::tempdir().unwrap();
        let lock = RunLock::acquire(dir.path()).unwrap();
        // This process holds it: a second acquire is refused.
        let err = RunLock::acquire(dir.path()).unwrap_err().to_string();
        assert!(err.contains("another seamfire run"), "{err}");
        drop(lock);
        assert!(!dir.path().join(LOCK).exists());
        // A lock of a dead pid on this host is taken over (pid 4294967 cannot exist: pid_max is at most 4194304).
        std::fs::write(
            dir.path().join(LOCK),
            format!("{{\"pid\":4294967,\"host\":\"{}\"}}", host()),
        )
        .unwrap();
        let _lock = RunLock::acquire(dir.path()).unwrap();
    }
}

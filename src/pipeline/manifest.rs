//! `manifest.json` of a scene output directory: what went in (size, mtime, SHA-256 of every
//! input file), with which parameters and seamfire version, and what came out (SHA-256 of
//! every output). A rerun skips a scene whose manifest still matches.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// Name of the manifest in a scene directory.
pub const MANIFEST: &str = "manifest.json";

/// Identity of one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileIdentity {
    /// Absolute path for inputs, path relative to the scene directory for outputs.
    pub path: String,
    pub size: u64,
    /// Modification time, nanoseconds since the Unix epoch (inputs only: an output is known
    /// by its content).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mtime_ns: Option<u128>,
    pub sha256: String,
}

/// The record of one processed scene.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub seamfire_version: String,
    pub scene_id: String,
    pub inputs: Vec<FileIdentity>,
    /// SHA-256 of the canonical JSON of the effective parameters.
    pub params_sha256: String,
    pub params: serde_json::Value,
    pub outputs: Vec<FileIdentity>,
}

/// SHA-256 of a file's content, hex.
pub fn sha256_file(path: &Path) -> Result<String> {
    let mut f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf).map_err(|e| Error::io(path, e))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(hex(&h.finalize()))
}

/// SHA-256 of bytes, hex.
pub fn sha256_bytes(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(d: &[u8]) -> String {
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// Size, mtime and content hash of `path`; `recorded_as` is the path written in the record.
pub fn identify(path: &Path, recorded_as: String) -> Result<FileIdentity> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    let mtime_ns = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map(|d| d.as_nanos());
    Ok(FileIdentity {
        path: recorded_as,
        size: meta.len(),
        mtime_ns,
        sha256: sha256_file(path)?,
    })
}

/// Identities of input files (absolute paths), sorted by path.
pub fn identify_inputs(files: &[PathBuf]) -> Result<Vec<FileIdentity>> {
    let mut v: Vec<FileIdentity> = files
        .iter()
        .map(|p| identify(p, p.display().to_string()))
        .collect::<Result<_>>()?;
    v.sort_by(|a, b| a.path.cmp(&b.path));
    v.dedup_by(|a, b| a.path == b.path);
    Ok(v)
}

/// Identities of the outputs `files` (inside `dir`), recorded relative to `dir`.
pub fn identify_outputs(dir: &Path, files: &[PathBuf]) -> Result<Vec<FileIdentity>> {
    let mut v: Vec<FileIdentity> = files
        .iter()
        .map(|p| {
            let rel = p.strip_prefix(dir).unwrap_or(p).display().to_string();
            identify(p, rel).map(|id| FileIdentity {
                mtime_ns: None,
                ..id
            })
        })
        .collect::<Result<_>>()?;
    v.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(v)
}

impl Manifest {
    /// Reads `dir/manifest.json`, `None` when absent or unreadable (then the scene is redone).
    pub fn read(dir: &Path) -> Option<Manifest> {
        let bytes = std::fs::read(dir.join(MANIFEST)).ok()?;
        serde_json::from_slice(&bytes).ok()
    }

    /// Writes `dir/manifest.json` atomically.
    pub fn write(&self, dir: &Path) -> Result<()> {
        let json = serde_json::to_vec_pretty(self).map_err(|e| Error::Usage(e.to_string()))?;
        crate::io::write_atomic(&dir.join(MANIFEST), &json)
    }

    /// Why this manifest does not describe a finished, current result for `inputs` (fresh
    /// identities), `params_sha256` and this seamfire version; `None` when the scene can be
    /// skipped. Outputs are re-hashed to catch damaged or deleted files.
    pub fn stale_reason(
        &self,
        dir: &Path,
        inputs: &[FileIdentity],
        params_sha256: &str,
    ) -> Option<String> {
        if self.seamfire_version != env!("CARGO_PKG_VERSION") {
            return Some(format!(
                "seamfire version changed ({} → {})",
                self.seamfire_version,
                env!("CARGO_PKG_VERSION")
            ));
        }
        if self.params_sha256 != params_sha256 {
            return Some("parameters changed".into());
        }
        if self.inputs != inputs {
            let changed = inputs
                .iter()
                .find(|i| !self.inputs.contains(i))
                .map_or_else(
                    || "an input was removed".to_string(),
                    |i| format!("input changed: {}", i.path),
                );
            return Some(changed);
        }
        for out in &self.outputs {
            match identify(&dir.join(&out.path), out.path.clone()) {
                Ok(now) if now.sha256 == out.sha256 && now.size == out.size => {}
                _ => return Some(format!("output missing or altered: {}", out.path)),
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_known_bytes() {
        // printf abc | sha256sum
        assert_eq!(
            sha256_bytes(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn staleness_reasons() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.txt");
        std::fs::write(&input, "x").unwrap();
        let out = dir.path().join("o.txt");
        std::fs::write(&out, "y").unwrap();
        let inputs = identify_inputs(std::slice::from_ref(&input)).unwrap();
        let m = Manifest {
            seamfire_version: env!("CARGO_PKG_VERSION").into(),
            scene_id: "s".into(),
            inputs: inputs.clone(),
            params_sha256: "p".into(),
            params: serde_json::json!({}),
            outputs: identify_outputs(dir.path(), std::slice::from_ref(&out)).unwrap(),
        };
        assert_eq!(m.stale_reason(dir.path(), &inputs, "p"), None);
        assert_eq!(
            m.stale_reason(dir.path(), &inputs, "q").as_deref(),
            Some("parameters changed")
        );
        std::fs::write(&out, "z").unwrap();
        assert!(
            m.stale_reason(dir.path(), &inputs, "p")
                .unwrap()
                .contains("o.txt")
        );
        std::fs::write(&input, "xx").unwrap();
        let now = identify_inputs(&[input]).unwrap();
        assert!(
            m.stale_reason(dir.path(), &now, "p")
                .unwrap()
                .contains("in.txt")
        );
    }
}

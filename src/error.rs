//! One error type for the library, with the file and the problem in every variant.
//!
//! The binary turns these into messages and exit codes (see `cli`). Each variant's doc says what
//! the user can do about it.

use std::path::PathBuf;

/// Result alias used across the crate.
pub type Result<T> = std::result::Result<T, Error>;

/// Everything that can go wrong in seamfire, each naming the file involved.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file or directory could not be opened, read or written. Check that it exists and is readable.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// GDAL could not open or decode a raster. Check that the file is a complete GeoTIFF.
    #[error("{path}: {message}")]
    Gdal { path: PathBuf, message: String },
    /// A metadata (MTL) file is malformed or lacks a needed group or key.
    #[error("{path}: {message}")]
    Metadata { path: PathBuf, message: String },
    /// The input is readable but cannot be used as asked (wrong band, no valid pixels, grids that
    /// do not match, …). The message says what is wrong.
    #[error("{path}: {message}")]
    Input { path: PathBuf, message: String },
    /// Two rasters that must share a grid do not.
    #[error("grid mismatch between {a} and {b}: {detail}")]
    GridMismatch {
        a: String,
        b: String,
        detail: String,
    },
    /// Command-line or configuration usage error.
    #[error("{0}")]
    Usage(String),
    /// A run finished, but some of its scenes failed (the others are complete); the season
    /// summary names each failure with its stage and reason.
    #[error("{failed} of {total} scenes failed (see {summary})")]
    ScenesFailed {
        failed: usize,
        total: usize,
        summary: PathBuf,
    },
}

impl Error {
    /// Shorthand for an [`Error::Input`].
    pub fn input(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Error::Input {
            path: path.into(),
            message: message.into(),
        }
    }

    /// Shorthand for an [`Error::Metadata`].
    pub fn metadata(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Error::Metadata {
            path: path.into(),
            message: message.into(),
        }
    }

    /// Shorthand for an [`Error::Gdal`].
    pub fn gdal(path: impl Into<PathBuf>, message: impl std::fmt::Display) -> Self {
        Error::Gdal {
            path: path.into(),
            message: message.to_string(),
        }
    }

    /// Shorthand for an [`Error::Io`].
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

//! The only module that touches files: GDAL raster reads, atomic COG writes, virtual (archive)
//! paths.

mod atomic;
mod cog;
mod read;
mod vsi;

pub use atomic::{Staged, commit_all, staging_path, write_atomic};
pub use cog::{CogOptions, stage_cog, write_cog};
pub use read::{RasterInfo, raster_info, read_band, read_window};
pub use vsi::{is_virtual, list_archive, read_bytes, vsi_path_in_archive};

/// Routes GDAL's own error messages to `tracing` instead of stderr, so the CLI prints one clear
/// message per failure. Call once at start-up.
pub fn init_gdal() {
    gdal::config::set_error_handler(|kind, code, msg| {
        tracing::debug!(target: "gdal", ?kind, code, "{msg}");
    });
}

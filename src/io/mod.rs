//! The only module that touches files: GDAL raster reads, atomic COG writes, virtual (archive)
//! paths.

mod atomic;
mod block_read;
mod cog;
mod cog_stream;
mod files;
mod gdal_log;
mod geo;
mod overviews;
mod quicklook;
mod read;
mod rgba_stream;
pub mod subdataset;
mod vector;
mod vector_text;
mod vsi;
mod warp;

pub use atomic::{Staged, commit_all, stage_bytes, stage_writer, staging_path, write_atomic};
pub use block_read::{BlockReader, MaskSource};
pub use cog::{CogOptions, Predictor, stage_cog, stage_rgba_cog, write_cog};
pub use cog_stream::StreamedCog;
pub use files::{disk_free_bytes, not_found, regular_file};
pub use gdal_log::{FileScope, scope as gdal_file_scope};
pub use geo::{
    aoi_mask, detection_grid_is_geographic, detection_grid_m_per_unit, epsg_is_geographic,
    to_lonlat,
};
pub use overviews::MAX_VALID;
pub use quicklook::{
    aux_xml_text, encode_png, stage_png_quicklook, world_file_path, world_file_text,
};
pub use read::{RasterInfo, raster_info, read_band, read_window};
pub use rgba_stream::StreamedRgbaCog;
pub use vector::{
    KNOWN_ID_FIELDS, KNOWN_NAME_FIELDS, LayerGeometry, OutLayer, VectorFeature, polygons_of,
    read_aoi_polygons, read_assets, read_exclusions, read_features, read_known_fires, stage_gpkg,
};
pub use vector_text::{stage_csv, stage_geojson};
pub use vsi::{is_virtual, list_archive, read_bytes, vsi_path_in_archive};
pub use warp::{Resampling, RgbBands, read_rgb, warp_bands};

/// Sets the size of GDAL's block cache (process-wide; GDAL's default is 5 % of RAM). Streamed
/// writes go through it, so it is part of a run's memory budget.
pub fn set_gdal_cache_bytes(bytes: u64) {
    let bytes = i64::try_from(bytes).unwrap_or(i64::MAX);
    // SAFETY: plain setter of a global; GDAL serialises access to its cache internally.
    unsafe { gdal_sys::GDALSetCacheMax64(bytes) }
}

/// Applies [`ensure_gdal_config`], which also routes GDAL's own messages into the log
/// (module `gdal_log`). Call once at start-up.
pub fn init_gdal() {
    ensure_gdal_config();
}

/// GDAL settings every read and write relies on, applied once per process (every `io` entry
/// point calls this): inputs are never modified, so GDAL must not drop `.aux.xml` side-cars
/// (`GDAL_PAM_ENABLED=NO`) or `.properties` files for gzip archives
/// (`CPL_VSIL_GZIP_WRITE_PROPERTIES=NO`) next to them; and outputs must be reproducible, so the
/// GeoPackage `last_change` timestamps are fixed (`OGR_CURRENT_DATE`; file times still tell
/// when a product was written). GDAL's warnings and errors go to the `tracing` log with the
/// file they concern (see `gdal_log`), never raw to stderr.
pub fn ensure_gdal_config() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        gdal_log::install();
        for (key, value) in [
            ("GDAL_PAM_ENABLED", "NO"),
            ("CPL_VSIL_GZIP_WRITE_PROPERTIES", "NO"),
            ("OGR_CURRENT_DATE", "2000-01-01T00:00:00.000Z"),
        ] {
            if let Err(e) = gdal::config::set_config_option(key, value) {
                tracing::warn!("cannot set GDAL option {key}={value}: {e}");
            }
        }
    });
}

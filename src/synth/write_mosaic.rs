//! Writing a generated drone mosaic: `mosaic.tif` (Float32 COG, K, nodata NaN) streamed strip
//! by strip, and `mosaic_vents.json` (the planted vents), staged and committed together.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::mosaic::{MosaicParams, mosaic_block, vents};
use crate::error::{Error, Result};
use crate::io::{self, CogOptions, StreamedCog};
use crate::raster::{GeoTransform, Georef, Unit, tile};

/// Where the generated mosaic lies: UTM zone 48N (EPSG:32648, the Wuda coal field's zone), top
/// left corner at (650000 E, 4380000 N).
pub const MOSAIC_EPSG: u32 = 32648;
const ORIGIN_M: (f64, f64) = (650_000.0, 4_380_000.0);

/// Strips generated at once per wave (each 256 rows).
const STRIP_ROWS: usize = 256;

/// Writes the mosaic of `p` into `dir` (created if needed). Returns the files written.
pub fn write_mosaic(dir: &Path, p: &MosaicParams) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let srs = gdal::spatial_ref::SpatialRef::from_epsg(MOSAIC_EPSG)
        .and_then(|s| s.to_wkt())
        .map_err(|e| Error::gdal(dir, format!("EPSG:{MOSAIC_EPSG}: {e}")))?;
    let georef = Georef {
        transform: GeoTransform([ORIGIN_M.0, p.pixel_m, 0.0, ORIGIN_M.1, 0.0, -p.pixel_m]),
        crs_wkt: srs,
        epsg: Some(MOSAIC_EPSG),
        ground_m_per_unit: None,
    };
    let tif = dir.join("mosaic.tif");
    let opts = CogOptions {
        resampling: "AVERAGE",
        description: Some("surface temperature (K), generated drone mosaic".into()),
        // Continuous floats, as a real orthomosaic's blended values.
        predictor: crate::io::Predictor::FloatingPoint,
        ..CogOptions::default()
    };
    let mut w =
        StreamedCog::<f32>::create(&tif, p.shape, &georef, Some(f64::NAN), &Unit::Kelvin, &opts)?;
    let strips = tile(p.shape, (STRIP_ROWS, 0), 0);
    let wave = rayon::current_num_threads().max(1) * 2;
    for chunk in strips.chunks(wave) {
        let blocks: Vec<_> = chunk.par_iter().map(|b| mosaic_block(p, b.core)).collect();
        for (b, data) in chunk.iter().zip(blocks) {
            w.write(b.core, data.view())?;
        }
    }
    let vents = vents(p);
    let truth = serde_json::json!({
        "seed": p.seed,
        "rows": p.shape.0,
        "cols": p.shape.1,
        "pixel_m": p.pixel_m,
        "epsg": MOSAIC_EPSG,
        "vents": vents,
    });
    let json_path = dir.join("mosaic_vents.json");
    let text = serde_json::to_string_pretty(&truth).map_err(|e| Error::io(&json_path, e.into()))?;
    let staged = vec![w.finish()?, io::stage_bytes(&json_path, text.as_bytes())?];
    io::commit_all(staged)
}

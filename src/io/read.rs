//! Raster reads through GDAL: whole bands and windows, with the file named in every error.

use std::path::Path;

use gdal::Dataset;
use gdal::raster::GdalType;
use ndarray::Array2;

use crate::error::{Error, Result};
use crate::raster::{GeoTransform, Georef, Raster, Unit};

/// What GDAL reports about a raster file without reading pixels.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RasterInfo {
    /// Columns.
    pub width: usize,
    /// Rows.
    pub height: usize,
    pub band_count: usize,
    pub georef: Georef,
    /// Nodata of band 1.
    pub nodata: Option<f64>,
    /// GDAL data type name of band 1 (`UInt16`, `Float32`, …).
    pub data_type: String,
    /// Unit string of band 1 (may be empty).
    pub unit: String,
}

pub(super) fn open(path: &Path) -> Result<Dataset> {
    super::ensure_gdal_config();
    Dataset::open(path).map_err(|e| {
        if !crate::io::is_virtual(path) && !path.exists() {
            Error::input(path, "file not found")
        } else {
            Error::gdal(path, format!("cannot open as a raster: {e}"))
        }
    })
}

/// Geotransform and CRS of an open dataset.
pub(super) fn georef_of(ds: &Dataset, path: &Path) -> Result<Georef> {
    let transform = ds
        .geo_transform()
        .map_err(|e| Error::gdal(path, format!("no geotransform: {e}")))?;
    let crs_wkt = ds.projection();
    let epsg = ds.spatial_ref().ok().and_then(|srs| {
        (srs.auth_name().as_deref() == Some("EPSG"))
            .then(|| srs.auth_code().ok())
            .flatten()
            .and_then(|c| u32::try_from(c).ok())
    });
    Ok(Georef {
        transform: GeoTransform(transform),
        crs_wkt,
        epsg,
    })
}

/// Size, georeferencing, nodata and type of a raster file.
pub fn raster_info(path: &Path) -> Result<RasterInfo> {
    let ds = open(path)?;
    let band = ds
        .rasterband(1)
        .map_err(|e| Error::gdal(path, format!("no band 1: {e}")))?;
    let (width, height) = ds.raster_size();
    Ok(RasterInfo {
        width,
        height,
        band_count: ds.raster_count(),
        georef: georef_of(&ds, path)?,
        nodata: band.no_data_value(),
        data_type: band.band_type().name(),
        unit: band.unit(),
    })
}

/// Reads band `band` (1-based) of `path` whole.
pub fn read_band<T: GdalType + Copy>(path: &Path, band: usize) -> Result<Raster<T>> {
    let ds = open(path)?;
    let (cols, rows) = ds.raster_size();
    read_from(&ds, path, band, (0, 0), (rows, cols))
}

/// Reads a window of `shape = (rows, cols)` pixels whose top-left pixel is `offset = (row, col)`.
/// The returned raster's geotransform is that of the window. A window reaching outside the
/// raster is an error.
pub fn read_window<T: GdalType + Copy>(
    path: &Path,
    band: usize,
    offset: (usize, usize),
    shape: (usize, usize),
) -> Result<Raster<T>> {
    let ds = open(path)?;
    let (cols, rows) = ds.raster_size();
    if offset.0 + shape.0 > rows || offset.1 + shape.1 > cols {
        return Err(Error::input(
            path,
            format!(
                "window rows {}..{} cols {}..{} is outside the {cols}x{rows} raster",
                offset.0,
                offset.0 + shape.0,
                offset.1,
                offset.1 + shape.1
            ),
        ));
    }
    read_from(&ds, path, band, offset, shape)
}

/// The `Unit` of a GDAL unit string (empty: raw DN).
pub(super) fn unit_of(name: &str) -> Unit {
    match name {
        "" => Unit::Dn,
        "K" | "kelvin" | "Kelvin" => Unit::Kelvin,
        "deg C" | "degC" | "celsius" | "Celsius" | "°C" => Unit::Celsius,
        other => Unit::Other(other.to_string()),
    }
}

fn read_from<T: GdalType + Copy>(
    ds: &Dataset,
    path: &Path,
    band: usize,
    offset: (usize, usize),
    shape: (usize, usize),
) -> Result<Raster<T>> {
    let count = ds.raster_count();
    if band == 0 || band > count {
        return Err(Error::input(
            path,
            format!("band {band} requested but the file has {count} band(s)"),
        ));
    }
    let rb = ds
        .rasterband(band)
        .map_err(|e| Error::gdal(path, format!("band {band}: {e}")))?;
    let buf = rb
        .read_as::<T>(
            (offset.1 as isize, offset.0 as isize),
            (shape.1, shape.0),
            (shape.1, shape.0),
            None,
        )
        .map_err(|e| {
            Error::gdal(
                path,
                format!("cannot read band {band} (truncated or corrupt?): {e}"),
            )
        })?;
    let (_, data) = buf.into_shape_and_vec();
    let data = Array2::from_shape_vec(shape, data)
        .map_err(|e| Error::gdal(path, format!("unexpected buffer shape: {e}")))?;
    let georef = georef_of(ds, path)?;
    let unit = unit_of(&rb.unit());
    Ok(Raster {
        data,
        georef: Georef {
            transform: georef.transform.window(offset.0, offset.1),
            ..georef
        },
        nodata: rb.no_data_value(),
        unit,
    })
}

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
    /// GDAL scale of band 1 (`unscaled = raw · scale + offset`), when the file declares one.
    pub scale: Option<f64>,
    /// GDAL offset of band 1, when the file declares one.
    pub offset: Option<f64>,
}

pub(super) fn open(path: &Path) -> Result<Dataset> {
    super::ensure_gdal_config();
    let ds = Dataset::open(path).map_err(|e| {
        if !crate::io::is_virtual(path) && !path.exists() {
            super::not_found(path)
        } else {
            Error::gdal(path, format!("cannot open as a raster: {e}"))
        }
    })?;
    if ds.raster_count() == 0 {
        return Err(no_bands(&ds, path));
    }
    Ok(ds)
}

/// The error for a file GDAL opens but that has no raster band of its own: a container
/// (NetCDF, HDF, GeoPackage) whose rasters are subdatasets, named by GDAL's subdataset names.
fn no_bands(ds: &Dataset, path: &Path) -> Error {
    use gdal::Metadata;
    let names: Vec<String> = ds
        .metadata_domain("SUBDATASETS")
        .unwrap_or_default()
        .into_iter()
        .filter_map(|kv| {
            let (k, v) = kv.split_once('=')?;
            k.ends_with("_NAME").then(|| v.to_string())
        })
        .collect();
    match names.first() {
        None => Error::input(path, "holds no raster band"),
        Some(first) => Error::input(
            path,
            format!(
                "holds {} subdatasets and no raster band of its own: name one as GDAL does, \
                 e.g. '{first}' ({}; `gdalinfo` lists them)",
                names.len(),
                names.iter().take(5).cloned().collect::<Vec<_>>().join(", ")
            ),
        ),
    }
}

/// Errors, instead of letting the allocation abort the process (or GDAL fill terabytes of a
/// sparse file), when `rows × cols` pixels of `bytes_per_px` bytes cannot be held in memory. A
/// corrupt or hostile header can declare millions of pixels a side in a file of a few
/// kilobytes. The limit is the machine's RAM plus swap (Linux `/proc/meminfo`) and what the
/// allocator grants (a reservation released at once); no fixed size is imposed.
pub(super) fn ensure_allocatable(
    path: &Path,
    rows: usize,
    cols: usize,
    bytes_per_px: usize,
) -> Result<()> {
    let bytes = rows
        .checked_mul(cols)
        .and_then(|n| n.checked_mul(bytes_per_px))
        .filter(|&b| b <= isize::MAX as usize);
    let fits = |b: usize| {
        memory_bytes().is_none_or(|m| b as u64 <= m)
            && Vec::<u8>::new().try_reserve_exact(b).is_ok()
    };
    if bytes.is_some_and(fits) {
        return Ok(());
    }
    let gib = rows as f64 * cols as f64 * bytes_per_px as f64 / f64::from(1u32 << 30);
    Err(Error::input(
        path,
        format!(
            "declares {cols} x {rows} pixels ({gib:.1} GiB to read), more than this machine can \
             hold; the file header is corrupt, or the raster must be cropped or tiled first"
        ),
    ))
}

/// `MemTotal + SwapTotal` of `/proc/meminfo` in bytes, when readable.
fn memory_bytes() -> Option<u64> {
    static MEMORY: std::sync::OnceLock<Option<u64>> = std::sync::OnceLock::new();
    *MEMORY.get_or_init(|| {
        let text = std::fs::read_to_string("/proc/meminfo").ok()?;
        let kib = |key: &str| -> Option<u64> {
            let line = text.lines().find(|l| l.starts_with(key))?;
            line.split_whitespace().nth(1)?.parse().ok()
        };
        Some((kib("MemTotal:")? + kib("SwapTotal:").unwrap_or(0)) * 1024)
    })
}

/// Geotransform and CRS of an open dataset.
pub(super) fn georef_of(ds: &Dataset, path: &Path) -> Result<Georef> {
    let transform = ds.geo_transform().map_err(|_| {
        Error::input(
            path,
            "has no georeferencing (no geotransform): seamfire sizes its windows in metres and \
                 places its products on the map, so it needs the pixel size and position; \
                 georeference a copy first, e.g. gdal_edit.py -a_ullr ULX ULY LRX LRY -a_srs \
                 EPSG:CODE COPY.tif",
        )
    })?;
    let crs_wkt = ds.projection();
    let epsg = ds.spatial_ref().ok().and_then(|srs| {
        (srs.auth_name().as_deref() == Some("EPSG"))
            .then(|| srs.auth_code().ok())
            .flatten()
            .and_then(|c| u32::try_from(c).ok())
    });
    let mut georef = Georef {
        transform: GeoTransform(transform),
        crs_wkt,
        epsg,
        ground_m_per_unit: None,
    };
    let (cols, rows) = ds.raster_size();
    georef.ground_m_per_unit = super::geo::ground_scale(&georef, (rows, cols));
    Ok(georef)
}

/// Size, georeferencing, nodata and type of a raster file.
pub fn raster_info(path: &Path) -> Result<RasterInfo> {
    let _log = super::gdal_log::scope(path);
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
        scale: band.scale(),
        offset: band.offset(),
    })
}

/// Reads band `band` (1-based) of `path` whole.
pub fn read_band<T: GdalType + Copy>(path: &Path, band: usize) -> Result<Raster<T>> {
    let _log = super::gdal_log::scope(path);
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
    let _log = super::gdal_log::scope(path);
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

/// The unit of band `rb` of `ds`: GDAL's unit type (`GDALGetRasterUnitType`), else a CF-style
/// `units`/`unit` metadata item of the band, else (single-band files) of the dataset, as netCDF
/// and HDF products keep it when exported to GeoTIFF (ECOSTRESS LST from AppEEARS: `units=K`).
pub(super) fn band_unit(ds: &Dataset, rb: &gdal::raster::RasterBand) -> Unit {
    use gdal::Metadata;
    let tag = rb.unit();
    if !tag.trim().is_empty() {
        return unit_of(tag.trim());
    }
    let keys = ["units", "unit", "UNITS", "UNIT"];
    let from_band = keys.iter().find_map(|k| rb.metadata_item(k, ""));
    let from_dataset = || {
        (ds.raster_count() == 1)
            .then(|| keys.iter().find_map(|k| ds.metadata_item(k, "")))
            .flatten()
    };
    match from_band.or_else(from_dataset) {
        Some(u) => unit_of(u.trim()),
        None => Unit::Dn,
    }
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
    ensure_allocatable(path, shape.0, shape.1, std::mem::size_of::<T>())?;
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
    let unit = band_unit(ds, &rb);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn impossible_sizes_are_errors_not_aborts() {
        let p = Path::new("x_B10.TIF");
        assert!(ensure_allocatable(p, 60, 60, 2).is_ok());
        let m = ensure_allocatable(p, 2_000_000, 2_000_000, 2)
            .unwrap_err()
            .to_string();
        assert!(
            m.contains("x_B10.TIF") && m.contains("2000000 x 2000000"),
            "{m}"
        );
        assert!(ensure_allocatable(p, usize::MAX, 2, 1).is_err(), "overflow");
    }
}

//! Core raster types. No I/O here.
//!
//! # Conventions
//! - Arrays are `ndarray::Array2<T>` indexed `[row, col]` (row 0 at the top, north-up images have
//!   row numbers increasing southwards). Shapes are `(rows, cols)`; GDAL's own `(cols, rows)`
//!   buffer order never leaves the `io` module.
//! - Georeferencing follows GDAL's affine geotransform: map coordinates of the **top-left corner**
//!   of pixel `(row, col)` are `x = gt[0] + col*gt[1] + row*gt[2]`,
//!   `y = gt[3] + col*gt[4] + row*gt[5]`. The centre of that pixel is at `(col + 0.5, row + 0.5)`.
//! - Temperatures are kelvin (`Unit::Kelvin`), never capped; nodata in floating rasters is NaN.
//! - `nodata` keeps the value the file declares (GDAL stores it as a double) so integer rasters
//!   such as DN bands keep their fill value explicit.

mod blocks;
mod georef;
mod mask;
mod ordered;
pub mod pyramid;

pub use blocks::{Block, PixelWindow, tile};
pub use georef::{GeoTransform, Georef, SCALE_TOLERANCE};
pub use mask::{MaskReason, ValidityMask, where_flagged};
pub use ordered::for_each_block;

use ndarray::Array2;

use crate::error::{Error, Result};

/// Physical unit of raster values.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub enum Unit {
    /// Raw digital numbers.
    Dn,
    /// Kelvin.
    Kelvin,
    /// Degrees Celsius.
    Celsius,
    /// Spectral radiance, W m⁻² sr⁻¹ µm⁻¹.
    Radiance,
    /// Reflectance, unitless (0–1, may exceed 1 over hot or specular targets).
    Reflectance,
    /// Dimensionless (e.g. NDVI, emissivity).
    Unitless,
    /// Anything else, as written in the file.
    Other(String),
}

impl Unit {
    /// The unit string GDAL stores with a band (`GDALSetRasterUnitType`).
    pub fn gdal_name(&self) -> &str {
        match self {
            Unit::Dn => "",
            Unit::Kelvin => "K",
            Unit::Celsius => "deg C",
            Unit::Radiance => "W m-2 sr-1 um-1",
            Unit::Reflectance | Unit::Unitless => "1",
            Unit::Other(s) => s,
        }
    }
}

/// A georeferenced single-band raster.
#[derive(Debug, Clone, PartialEq)]
pub struct Raster<T> {
    /// Values, `[row, col]`.
    pub data: Array2<T>,
    /// Where the pixels are.
    pub georef: Georef,
    /// The nodata value declared for the band, if any (NaN for float products).
    pub nodata: Option<f64>,
    /// What the values mean.
    pub unit: Unit,
}

impl<T> Raster<T> {
    /// `(rows, cols)`.
    pub fn shape(&self) -> (usize, usize) {
        self.data.dim()
    }

    /// Errors unless `other` lies on exactly the same grid (shape, geotransform, CRS). Call this
    /// before combining two rasters pixel by pixel; `a` and `b` name them in the message.
    pub fn check_same_grid<U>(&self, other: &Raster<U>, a: &str, b: &str) -> Result<()> {
        check_same_grid(
            self.shape(),
            &self.georef,
            other.shape(),
            &other.georef,
            a,
            b,
        )
    }
}

/// Grid equality check shared by rasters and masks (see [`Raster::check_same_grid`]). The
/// message describes both grids (size, origin, pixel size, EPSG code) and what differs.
pub fn check_same_grid(
    shape_a: (usize, usize),
    georef_a: &Georef,
    shape_b: (usize, usize),
    georef_b: &Georef,
    a: &str,
    b: &str,
) -> Result<()> {
    let what = if shape_a != shape_b {
        "different sizes".to_string()
    } else if let Err(e) = georef_a.transform.check_close(&georef_b.transform) {
        e
    } else if !georef_a.same_crs(georef_b) {
        "different coordinate reference systems".to_string()
    } else {
        return Ok(());
    };
    Err(Error::GridMismatch {
        a: a.to_string(),
        b: b.to_string(),
        detail: format!(
            "{what}; {a} is {}, {b} is {}",
            describe_grid(shape_a, georef_a),
            describe_grid(shape_b, georef_b)
        ),
    })
}

/// `60 x 60 px (cols x rows), origin (x, y), pixel 30 x -30, EPSG:32656`.
fn describe_grid(shape: (usize, usize), g: &Georef) -> String {
    let t = g.transform.0;
    let crs = match (g.epsg, g.crs_wkt.is_empty()) {
        (Some(e), _) => format!("EPSG:{e}"),
        (None, true) => "no CRS".to_string(),
        (None, false) => "CRS without EPSG code".to_string(),
    };
    format!(
        "{} x {} px (cols x rows), origin ({}, {}), pixel {} x {}, {crs}",
        shape.1, shape.0, t[0], t[3], t[1], t[5]
    )
}

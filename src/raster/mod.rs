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

pub use blocks::{Block, PixelWindow, tile};
pub use georef::{GeoTransform, Georef};
pub use mask::{MaskReason, ValidityMask};

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

/// Grid equality check shared by rasters and masks (see [`Raster::check_same_grid`]).
pub fn check_same_grid(
    shape_a: (usize, usize),
    georef_a: &Georef,
    shape_b: (usize, usize),
    georef_b: &Georef,
    a: &str,
    b: &str,
) -> Result<()> {
    let mismatch = |detail: String| Error::GridMismatch {
        a: a.to_string(),
        b: b.to_string(),
        detail,
    };
    if shape_a != shape_b {
        return Err(mismatch(format!(
            "{}x{} pixels vs {}x{} (cols x rows)",
            shape_a.1, shape_a.0, shape_b.1, shape_b.0
        )));
    }
    georef_a
        .transform
        .check_close(&georef_b.transform)
        .map_err(mismatch)?;
    if !georef_a.same_crs(georef_b) {
        return Err(mismatch("different coordinate reference systems".into()));
    }
    Ok(())
}

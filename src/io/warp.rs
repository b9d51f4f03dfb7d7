//! Bringing rasters onto a common grid with GDAL's warper, and reading RGB orthophoto
//! GeoTIFFs (drone mosaics, 8- or 16-bit, with nodata, alpha band or internal mask).
//!
//! [`warp_bands`] copies the bands into a `MEM` dataset (Float32, nodata NaN, source
//! geotransform and CRS), creates a `MEM` destination on the target grid filled with NaN and
//! calls `GDALReprojectImage` (exact transformation, no approximation): the source CRS is
//! reprojected to the target CRS when they differ, and source NaN pixels never contribute.
//! Target pixels no source pixel reaches stay NaN.

use std::path::Path;

use gdal::raster::Buffer;
use gdal::{Dataset, DriverManager};
use ndarray::Array2;

use crate::error::{Error, Result};
use crate::raster::{Georef, Raster, Unit};

/// Resampling used when warping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resampling {
    Nearest,
    /// Bilinear: optical bands onto a grid of similar or finer pixels.
    Bilinear,
    /// Average: onto coarser pixels (e.g. a 5 cm drone mosaic onto a 30 cm thermal grid).
    Average,
}

impl Resampling {
    fn gdal(self) -> gdal_sys::GDALResampleAlg::Type {
        match self {
            Resampling::Nearest => gdal_sys::GDALResampleAlg::GRA_NearestNeighbour,
            Resampling::Bilinear => gdal_sys::GDALResampleAlg::GRA_Bilinear,
            Resampling::Average => gdal_sys::GDALResampleAlg::GRA_Average,
        }
    }
}

fn mem_dataset(
    georef: &Georef,
    shape: (usize, usize),
    bands: usize,
) -> gdal::errors::Result<Dataset> {
    let driver = DriverManager::get_driver_by_name("MEM")?;
    let mut ds = driver.create_with_band_type::<f32, _>("", shape.1, shape.0, bands)?;
    ds.set_geo_transform(&georef.transform.0)?;
    if !georef.crs_wkt.is_empty() {
        ds.set_projection(&georef.crs_wkt)?;
    }
    Ok(ds)
}

/// Resamples `bands` (all on one grid, NaN = nodata) onto the grid `target` of `shape =
/// (rows, cols)`. `name` is the file the bands came from (for error messages). Bands already
/// on exactly that grid are returned unchanged without warping.
pub fn warp_bands(
    bands: &[&Raster<f32>],
    target: &Georef,
    shape: (usize, usize),
    resampling: Resampling,
    name: &Path,
) -> Result<Vec<Array2<f32>>> {
    let _log = super::gdal_log::scope(name);
    let Some(first) = bands.first() else {
        return Ok(Vec::new());
    };
    if first.shape() == shape
        && first
            .georef
            .transform
            .check_close(&target.transform)
            .is_ok()
        && first.georef.same_crs(target)
    {
        return Ok(bands.iter().map(|b| b.data.clone()).collect());
    }
    if first.georef.crs_wkt.is_empty() != target.crs_wkt.is_empty() {
        return Err(Error::input(
            name,
            "one grid has a CRS and the other none: cannot bring them onto a common grid",
        ));
    }
    super::ensure_gdal_config();
    warp_with_gdal(bands, target, shape, resampling)
        .map_err(|e| Error::gdal(name, format!("cannot warp onto the common grid: {e}")))
}

fn warp_with_gdal(
    bands: &[&Raster<f32>],
    target: &Georef,
    shape: (usize, usize),
    resampling: Resampling,
) -> gdal::errors::Result<Vec<Array2<f32>>> {
    let n = bands.len();
    let (srows, scols) = bands[0].shape();
    let src = mem_dataset(&bands[0].georef, (srows, scols), n)?;
    for (i, b) in bands.iter().enumerate() {
        let mut band = src.rasterband(i + 1)?;
        let values: Vec<f32> = b.data.iter().copied().collect();
        let mut buf = Buffer::new((scols, srows), values);
        band.write((0, 0), (scols, srows), &mut buf)?;
        band.set_no_data_value(Some(f64::NAN))?;
    }
    let dst = mem_dataset(target, shape, n)?;
    for i in 0..n {
        let mut band = dst.rasterband(i + 1)?;
        band.set_no_data_value(Some(f64::NAN))?;
        band.fill(f64::NAN, None)?;
    }
    // SAFETY: both dataset handles are valid for the duration of the call; null WKT pointers
    // mean "read the CRS from the dataset"; no progress callback or options are passed.
    let rv = unsafe {
        gdal_sys::GDALReprojectImage(
            src.c_dataset(),
            std::ptr::null(),
            dst.c_dataset(),
            std::ptr::null(),
            resampling.gdal(),
            0.0,
            0.0,
            None,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
        )
    };
    if rv != gdal_sys::CPLErr::CE_None {
        return Err(gdal::errors::GdalError::CplError {
            class: rv,
            number: 0,
            msg: "GDALReprojectImage failed".into(),
        });
    }
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let band = dst.rasterband(i + 1)?;
        let buf = band.read_as::<f32>((0, 0), (shape.1, shape.0), (shape.1, shape.0), None)?;
        let (_, data) = buf.into_shape_and_vec();
        out.push(
            Array2::from_shape_vec(shape, data)
                .map_err(|e| gdal::errors::GdalError::BadArgument(e.to_string()))?,
        );
    }
    Ok(out)
}

/// The three colour bands of an orthophoto GeoTIFF.
#[derive(Debug, Clone)]
pub struct RgbBands {
    /// Red, green, blue as Float32 on the file's grid; NaN where GDAL's mask (nodata value,
    /// alpha band or internal mask) of any of the three bands says "no data".
    pub bands: [Raster<f32>; 3],
    /// GDAL data type of band 1 (`Byte`, `UInt16`, …).
    pub data_type: String,
}

/// Reads bands 1–3 of an RGB(A) orthophoto GeoTIFF.
pub fn read_rgb(path: &Path) -> Result<RgbBands> {
    super::ensure_gdal_config();
    let _log = super::gdal_log::scope(path);
    let ds = Dataset::open(path).map_err(|e| {
        if path.exists() {
            Error::gdal(path, format!("cannot open as a raster: {e}"))
        } else {
            Error::input(path, "file not found")
        }
    })?;
    let count = ds.raster_count();
    if count < 3 {
        return Err(Error::input(
            path,
            format!("an orthophoto needs 3 colour bands (red, green, blue); the file has {count}"),
        ));
    }
    let (cols, rows) = ds.raster_size();
    let gerr = |e: gdal::errors::GdalError| Error::gdal(path, format!("cannot read: {e}"));
    let georef = super::read::georef_of(&ds, path)?;
    let data_type = ds.rasterband(1).map_err(gerr)?.band_type().name();
    // Three f32 bands, a mask band being read and the validity flags.
    super::read::ensure_allocatable(path, rows, cols, 3 * 4 + 1 + 1)?;
    let mut valid = vec![true; rows * cols];
    let mut data = Vec::with_capacity(3);
    for i in 1..=3 {
        let band = ds.rasterband(i).map_err(gerr)?;
        let values = band
            .read_as::<f32>((0, 0), (cols, rows), (cols, rows), None)
            .map_err(gerr)?
            .into_shape_and_vec()
            .1;
        let mask = band
            .open_mask_band()
            .and_then(|m| m.read_as::<u8>((0, 0), (cols, rows), (cols, rows), None))
            .map_err(gerr)?
            .into_shape_and_vec()
            .1;
        for (ok, (&m, &v)) in valid.iter_mut().zip(mask.iter().zip(values.iter())) {
            *ok &= m != 0 && !v.is_nan();
        }
        data.push(values);
    }
    let mut bands = data.into_iter().map(|mut values| {
        for (v, &ok) in values.iter_mut().zip(valid.iter()) {
            if !ok {
                *v = f32::NAN;
            }
        }
        Raster {
            data: Array2::from_shape_vec((rows, cols), values)
                .unwrap_or_else(|_| Array2::from_elem((rows, cols), f32::NAN)),
            georef: georef.clone(),
            nodata: Some(f64::NAN),
            unit: Unit::Dn,
        }
    });
    let (Some(r), Some(g), Some(b)) = (bands.next(), bands.next(), bands.next()) else {
        return Err(Error::input(path, "cannot read the three colour bands"));
    };
    Ok(RgbBands {
        bands: [r, g, b],
        data_type,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raster::GeoTransform;

    fn raster(data: Array2<f32>, gt: [f64; 6]) -> Raster<f32> {
        Raster {
            data,
            georef: Georef {
                transform: GeoTransform(gt),
                crs_wkt: String::new(),
                epsg: None,
                ground_m_per_unit: None,
            },
            nodata: Some(f64::NAN),
            unit: Unit::Dn,
        }
    }

    #[test]
    fn same_grid_is_not_warped() {
        let r = raster(
            Array2::from_elem((2, 3), 1.5),
            [0.0, 1.0, 0.0, 2.0, 0.0, -1.0],
        );
        let out = warp_bands(
            &[&r],
            &r.georef,
            (2, 3),
            Resampling::Bilinear,
            Path::new("x"),
        )
        .unwrap();
        assert_eq!(out[0], r.data);
    }

    #[test]
    fn nearest_warp_onto_a_finer_grid_without_crs() {
        // 2x2 source of 2-unit pixels onto a 4x4 grid of 1-unit pixels, same origin.
        let src = raster(
            ndarray::array![[1.0, 2.0], [3.0, f32::NAN]],
            [0.0, 2.0, 0.0, 4.0, 0.0, -2.0],
        );
        let target = Georef {
            transform: GeoTransform([0.0, 1.0, 0.0, 4.0, 0.0, -1.0]),
            crs_wkt: String::new(),
            epsg: None,
            ground_m_per_unit: None,
        };
        let out = warp_bands(
            &[&src],
            &target,
            (5, 4),
            Resampling::Nearest,
            Path::new("x"),
        )
        .unwrap();
        let o = &out[0];
        assert_eq!(o[[0, 0]], 1.0);
        assert_eq!(o[[1, 1]], 1.0);
        assert_eq!(o[[0, 3]], 2.0);
        assert_eq!(o[[3, 0]], 3.0);
        assert!(o[[3, 3]].is_nan(), "source nodata stays nodata");
        assert!(o[[4, 0]].is_nan(), "outside the source stays NaN");
    }
}

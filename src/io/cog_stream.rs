//! Streamed COG writer: a product written block by block, never held whole in memory.
//!
//! GDAL's COG driver is CreateCopy-only, so blocks go first into an uncompressed, 256x256-tiled
//! GTiff under a `.partial` name in the destination directory (any order, any block shape;
//! block rows that are multiples of 256 write whole tiles), then [`StreamedCog::finish`] copies
//! it to the COG staging name with exactly the creation options of [`crate::io::stage_cog`],
//! and deletes the tiled file. GDAL reads the tiled file back through its block cache, so memory
//! stays bounded by `GDAL_CACHEMAX` and the blocks in flight, whatever the raster size. The
//! result is byte-for-byte the file the whole-raster writer makes (tested).
//!
//! Atomicity is that of [`crate::io::Staged`]: nothing appears under the final name before the
//! caller commits, a dropped writer deletes its tiled file, and a killed run leaves only
//! `.*.partial` files.

use std::marker::PhantomData;
use std::path::{Path, PathBuf};

use gdal::raster::{Buffer, GdalType, RasterCreationOptions};
use gdal::{Dataset, DriverManager};
use ndarray::ArrayView2;

use super::atomic::{Staged, staging_path};
use super::cog::{CogOptions, copy_to_cog, set_band_metadata};
use super::overviews::OwnOverviews;
use crate::error::{Error, Result};
use crate::raster::pyramid::PyramidValue;
use crate::raster::{Georef, PixelWindow, Unit};

/// Name of the tiled intermediate of `dest`: `.<name>.<pid>.blocks.partial`.
pub(super) fn blocks_path(dest: &Path) -> PathBuf {
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    dest.with_file_name(format!(".{name}.{}.blocks.partial", std::process::id()))
}

/// A single-band COG being written block by block. Share it between threads behind a `Mutex`.
pub struct StreamedCog<T> {
    ds: Option<Dataset>,
    /// The overview levels filled as rows arrive (`io::overviews`).
    overviews: Option<OwnOverviews<T>>,
    blocks: PathBuf,
    dest: PathBuf,
    opts: CogOptions,
    shape: (usize, usize),
    written_px: usize,
    _values: PhantomData<T>,
}

impl<T> std::fmt::Debug for StreamedCog<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StreamedCog")
            .field("dest", &self.dest)
            .field("shape", &self.shape)
            .field("written_px", &self.written_px)
            .finish()
    }
}

impl<T: GdalType + PyramidValue> StreamedCog<T> {
    /// Starts a `shape = (rows, cols)` product destined for `dest`, with the georeferencing,
    /// nodata, unit and band description the whole-raster writer would give it.
    pub fn create(
        dest: &Path,
        shape: (usize, usize),
        georef: &Georef,
        nodata: Option<f64>,
        unit: &Unit,
        opts: &CogOptions,
    ) -> Result<Self> {
        super::ensure_gdal_config();
        let blocks = blocks_path(dest);
        let created =
            create_blocks::<T>(&blocks, shape, georef, nodata, unit, opts).and_then(|mut ds| {
                let overviews = OwnOverviews::of_band(&mut ds, shape, nodata, opts)?;
                Ok((ds, overviews))
            });
        let (ds, overviews) = created.map_err(|e| {
            let _ = std::fs::remove_file(&blocks);
            Error::gdal(dest, format!("cannot create the tiled intermediate: {e}"))
        })?;
        Ok(Self {
            ds: Some(ds),
            overviews,
            blocks,
            dest: dest.to_path_buf(),
            opts: opts.clone(),
            shape,
            written_px: 0,
            _values: PhantomData,
        })
    }

    /// The final path.
    pub fn dest(&self) -> &Path {
        &self.dest
    }

    /// Adds a band metadata item (default domain) known only once the rows are written, such
    /// as a statistic of them; the COG carries it.
    pub fn set_metadata_item(&mut self, key: &str, value: &str) -> Result<()> {
        use gdal::Metadata;
        let ds = self.ds.as_ref().expect("dataset open until finish");
        ds.rasterband(1)
            .and_then(|mut b| b.set_metadata_item(key, value, ""))
            .map_err(|e| Error::gdal(&self.dest, format!("cannot set {key}: {e}")))
    }

    /// Writes `data` at `window` (same shape, inside the raster).
    pub fn write(&mut self, window: PixelWindow, data: ArrayView2<'_, T>) -> Result<()> {
        if data.dim() != window.shape() || !PixelWindow::full(self.shape).contains(&window) {
            return Err(Error::gdal(
                &self.dest,
                format!(
                    "block of {:?} pixels at rows {}..{} cols {}..{} does not fit the {}x{} raster",
                    data.dim(),
                    window.row0,
                    window.row_end(),
                    window.col0,
                    window.col_end(),
                    self.shape.1,
                    self.shape.0
                ),
            ));
        }
        let ds = self.ds.as_ref().expect("dataset open until finish");
        let values: Vec<T> = data.iter().copied().collect();
        let mut buf = Buffer::new((window.cols, window.rows), values);
        ds.rasterband(1)
            .and_then(|mut band| {
                band.write(
                    (window.col0 as isize, window.row0 as isize),
                    (window.cols, window.rows),
                    &mut buf,
                )
            })
            .and_then(|()| match self.overviews.as_mut() {
                Some(o) => o.feed(ds, window, data),
                None => Ok(()),
            })
            .map_err(|e| {
                Error::gdal(
                    &self.dest,
                    format!(
                        "cannot write rows {}..{}: {e}",
                        window.row0,
                        window.row_end()
                    ),
                )
            })?;
        self.written_px += window.len();
        Ok(())
    }

    /// Builds the COG under its staging name from the written blocks and returns the pending
    /// rename. Errors when fewer pixels than the raster holds were written.
    pub fn finish(mut self) -> Result<Staged> {
        let total = self.shape.0 * self.shape.1;
        if self.written_px != total {
            return Err(Error::gdal(
                &self.dest,
                format!(
                    "internal: {} of {total} pixels written before finishing",
                    self.written_px
                ),
            ));
        }
        let mut ds = self.ds.take().expect("dataset open until finish");
        if let Some(o) = self.overviews.take() {
            o.finish(&mut ds)
                .map_err(|e| Error::gdal(&self.dest, format!("cannot build overviews: {e}")))?;
        }
        finish_blocks(ds, &self.blocks, &self.dest, &self.opts)
    }
}

/// Copies the tiled intermediate `ds` (file `blocks`) to the COG staging name of `dest` with
/// `opts`, deletes the intermediate and returns the pending rename: the end of every streamed
/// writer.
pub(super) fn finish_blocks(
    mut ds: Dataset,
    blocks: &Path,
    dest: &Path,
    opts: &CogOptions,
) -> Result<Staged> {
    ds.flush_cache()
        .map_err(|e| Error::gdal(dest, format!("cannot flush blocks: {e}")))?;
    let tmp = staging_path(dest);
    let staged = Staged::new(tmp.clone(), dest.to_path_buf());
    copy_to_cog(&ds, &tmp, opts)
        .map_err(|e| Error::gdal(dest, format!("cannot write COG: {e}")))?;
    drop(ds);
    let _ = std::fs::remove_file(blocks);
    Ok(staged)
}

impl<T> Drop for StreamedCog<T> {
    fn drop(&mut self) {
        drop(self.ds.take());
        let _ = std::fs::remove_file(&self.blocks);
    }
}

fn create_blocks<T: GdalType>(
    path: &Path,
    shape: (usize, usize),
    georef: &Georef,
    nodata: Option<f64>,
    unit: &Unit,
    opts: &CogOptions,
) -> gdal::errors::Result<Dataset> {
    let driver = DriverManager::get_driver_by_name("GTiff")?;
    let mut co = RasterCreationOptions::new();
    co.set_name_value("TILED", "YES")?;
    co.set_name_value("BLOCKXSIZE", "256")?;
    co.set_name_value("BLOCKYSIZE", "256")?;
    co.set_name_value("COMPRESS", "NONE")?;
    co.set_name_value("BIGTIFF", "IF_NEEDED")?;
    let mut ds =
        driver.create_with_band_type_with_options::<T, _>(path, shape.1, shape.0, 1, &co)?;
    ds.set_geo_transform(&georef.transform.0)?;
    if !georef.crs_wkt.is_empty() {
        ds.set_projection(&georef.crs_wkt)?;
    }
    let mut band = ds.rasterband(1)?;
    set_band_metadata(&mut band, nodata, unit, opts)?;
    Ok(ds)
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::raster::{GeoTransform, Raster, tile};
    use ndarray::Array2;

    fn georef() -> Georef {
        let srs = gdal::spatial_ref::SpatialRef::from_epsg(32648).unwrap();
        Georef {
            transform: GeoTransform([500_000.0, 0.25, 0.0, 4_400_000.0, 0.0, -0.25]),
            crs_wkt: srs.to_wkt().unwrap(),
            epsg: Some(32648),
            ground_m_per_unit: None,
        }
    }

    /// 533 x 700: neither dimension a multiple of the 256 COG tile or of the blocks below.
    /// Smooth field plus a hot spot, with a NaN (nodata) corner and a NaN column. Also the
    /// raster of `io::cog`'s tests.
    pub(in crate::io) fn field() -> Raster<f32> {
        let data = Array2::from_shape_fn((533, 700), |(r, c)| {
            if (r < 40 && c < 90) || c == 311 {
                f32::NAN
            } else {
                let (x, y) = (c as f32 / 700.0, r as f32 / 533.0);
                let hot = if (r as i32 - 300).pow(2) + (c as i32 - 420).pow(2) < 64 {
                    120.0
                } else {
                    0.0
                };
                280.0
                    + 15.0 * (7.0 * x).sin() * (5.0 * y).cos()
                    + hot
                    + (r * 31 + c * 17) as f32 % 7.0 * 0.01
            }
        });
        Raster {
            data,
            georef: georef(),
            nodata: Some(f64::NAN),
            unit: Unit::Kelvin,
        }
    }

    fn stream<T: GdalType + PyramidValue>(
        r: &Raster<T>,
        dest: &Path,
        opts: &CogOptions,
        block: (usize, usize),
    ) {
        let mut w =
            StreamedCog::<T>::create(dest, r.shape(), &r.georef, r.nodata, &r.unit, opts).unwrap();
        // Reverse order: the writer must not depend on blocks arriving in raster order.
        for b in tile(r.shape(), block, 0).iter().rev() {
            let core = b.core;
            let view = r.data.slice(ndarray::s![
                core.row0..core.row_end(),
                core.col0..core.col_end()
            ]);
            w.write(core, view).unwrap();
        }
        w.finish().unwrap().commit().unwrap();
    }

    fn listing(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn streamed_float_cog_is_the_whole_raster_cog_byte_for_byte() {
        let dir = tempfile::tempdir().unwrap();
        let r = field();
        let opts = CogOptions {
            resampling: "AVERAGE",
            description: Some("brightness temperature (K)".into()),
            ..CogOptions::default()
        };
        let whole = dir.path().join("whole.tif");
        crate::io::write_cog(&r, &whole, &opts).unwrap();
        for (i, block) in [(100, 0), (256, 256), (300, 128), (37, 701)]
            .into_iter()
            .enumerate()
        {
            let out = dir.path().join(format!("streamed{i}.tif"));
            stream(&r, &out, &opts, block);
            assert_eq!(
                std::fs::read(&whole).unwrap(),
                std::fs::read(&out).unwrap(),
                "blocks {block:?}"
            );
        }
        // Only the products remain: no tiled intermediate, no staging file.
        assert_eq!(
            listing(dir.path()),
            [
                "streamed0.tif",
                "streamed1.tif",
                "streamed2.tif",
                "streamed3.tif",
                "whole.tif"
            ]
        );
        // And the file is what a reader expects: values (NaN kept), nodata, unit, overviews.
        let back = crate::io::read_band::<f32>(&dir.path().join("streamed2.tif"), 1).unwrap();
        assert!(back.nodata.unwrap().is_nan());
        assert_eq!(back.unit, Unit::Kelvin);
        assert_eq!(back.georef.transform, r.georef.transform);
        for (a, b) in back.data.iter().zip(r.data.iter()) {
            assert_eq!(a.to_bits(), b.to_bits());
        }
        let ds = Dataset::open(dir.path().join("streamed2.tif")).unwrap();
        assert_eq!(ds.rasterband(1).unwrap().overview_count().unwrap(), 2);
    }

    #[test]
    fn streamed_mask_cog_is_the_whole_raster_cog_byte_for_byte() {
        let dir = tempfile::tempdir().unwrap();
        let r = Raster {
            data: Array2::from_shape_fn((300, 517), |(r, c)| ((r / 9 + c / 13) % 5) as u8 * 2),
            georef: georef(),
            nodata: None,
            unit: Unit::Other("flags".into()),
        };
        let opts = CogOptions {
            resampling: "NEAREST",
            description: Some("validity flags".into()),
            ..CogOptions::default()
        };
        let whole = dir.path().join("whole.tif");
        crate::io::write_cog(&r, &whole, &opts).unwrap();
        let out = dir.path().join("mask.tif");
        stream(&r, &out, &opts, (64, 200));
        assert_eq!(std::fs::read(&whole).unwrap(), std::fs::read(&out).unwrap());
    }

    #[test]
    fn an_unfinished_or_incomplete_stream_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let r = field();
        let dest = dir.path().join("bt.tif");
        let opts = CogOptions::default();
        let mut w =
            StreamedCog::<f32>::create(&dest, r.shape(), &r.georef, r.nodata, &r.unit, &opts)
                .unwrap();
        let first = PixelWindow {
            row0: 0,
            col0: 0,
            rows: 10,
            cols: 700,
        };
        w.write(first, r.data.slice(ndarray::s![0..10, ..]))
            .unwrap();
        assert_eq!(
            listing(dir.path()).len(),
            1,
            "the tiled intermediate exists while writing"
        );
        assert!(listing(dir.path())[0].ends_with(".blocks.partial"));
        // A block that does not fit is refused and names the product.
        let bad = PixelWindow {
            row0: 530,
            col0: 0,
            rows: 10,
            cols: 700,
        };
        let err = w
            .write(bad, r.data.slice(ndarray::s![0..10, ..]))
            .unwrap_err();
        assert!(err.to_string().contains("bt.tif"), "{err}");
        let err = w.finish().unwrap_err().to_string();
        assert!(err.contains("7000 of 373100 pixels"), "{err}");
        assert!(listing(dir.path()).is_empty());

        // Finished but never committed (another product of the step failed): nothing either.
        let mut w =
            StreamedCog::<f32>::create(&dest, r.shape(), &r.georef, r.nodata, &r.unit, &opts)
                .unwrap();
        w.write(PixelWindow::full(r.shape()), r.data.view())
            .unwrap();
        drop(w.finish().unwrap());
        assert!(listing(dir.path()).is_empty());
    }
}

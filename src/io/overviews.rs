//! Overviews computed by seamfire and handed to GDAL's COG driver as the source's own.
//!
//! The COG driver (`OVERVIEWS=AUTO`) uses a source's overviews when it has them and otherwise
//! builds them itself, serially, through a temporary file: about 40 % of the time of the COG
//! copy of a full-scene `bt.tif` (docs/performance.md). Here the source (the streamed writer's
//! tiled intermediate, or the whole-raster writer's `MEM` dataset) gets empty overview levels
//! (`GDALBuildOverviews` with `NONE`), the same levels the driver would make, and they are
//! filled from the rows as they are written ([`crate::raster::pyramid`]: the mean of the valid
//! pixels of each 2 x 2 block for `AVERAGE`, the top-left pixel for `NEAREST`). Both writers
//! go through this module, so they still write the same file byte for byte.
//!
//! Rows that arrive full width and top to bottom are reduced as they come; if they do not (a
//! caller writing blocks in another order), the levels are computed at the end from the raster
//! read back in strips, the same values either way.

use gdal::Dataset;
use gdal::raster::{Buffer, GdalType};
use ndarray::ArrayView2;

use super::cog::CogOptions;
use crate::raster::PixelWindow;
use crate::raster::pyramid::{LevelRows, Pyramid, PyramidValue, Reduction};

/// Block size of every COG seamfire writes (`BLOCKSIZE=256`).
pub(super) const COG_BLOCK: usize = 256;

/// The overview levels of one band being filled.
pub(super) struct OwnOverviews<T> {
    /// `None` once rows arrived out of order: the levels are computed at the end.
    pyramid: Option<Pyramid<T>>,
    reduction: Reduction,
    /// `(rows, cols)` of the raster.
    shape: (usize, usize),
}

/// The pyramid reduction for `opts`' resampling, when seamfire computes it.
fn reduction(opts: &CogOptions, nodata: Option<f64>) -> Option<Reduction> {
    match opts.resampling {
        "AVERAGE" => Some(Reduction::Average { nodata }),
        "NEAREST" => Some(Reduction::Nearest),
        _ => None,
    }
}

impl<T: GdalType + PyramidValue> OwnOverviews<T> {
    /// Adds empty overview levels to `ds` (one band of `shape`) when seamfire can compute them
    /// for `opts`; `None` when the raster needs no overviews or GDAL must make them.
    pub(super) fn start(
        ds: &mut Dataset,
        shape: (usize, usize),
        nodata: Option<f64>,
        opts: &CogOptions,
    ) -> gdal::errors::Result<Option<Self>> {
        let Some(r) = reduction(opts, nodata) else {
            return Ok(None);
        };
        let pyramid = Pyramid::new(shape, COG_BLOCK, r);
        if pyramid.shapes().is_empty() {
            return Ok(None);
        }
        let factors: Vec<i32> = (1..=pyramid.shapes().len()).map(|l| 1 << l).collect();
        ds.build_overviews("NONE", &factors, &[])?;
        Ok(Some(Self {
            pyramid: Some(pyramid),
            reduction: r,
            shape,
        }))
    }

    /// Takes rows just written at `window` of `ds`'s band 1 and writes the overview rows they
    /// complete.
    pub(super) fn feed(
        &mut self,
        ds: &Dataset,
        window: PixelWindow,
        data: ArrayView2<'_, T>,
    ) -> gdal::errors::Result<()> {
        let Some(p) = self.pyramid.as_mut() else {
            return Ok(());
        };
        let full_width = window.col0 == 0 && window.cols == self.shape.1;
        if !full_width || window.row0 != p.next_row() {
            self.pyramid = None;
            return Ok(());
        }
        write_levels(ds, p.push(data))
    }

    /// Completes the levels. When the rows did not all arrive in order, the levels are
    /// computed again from the written raster, read back in strips of [`COG_BLOCK`] rows, so
    /// the file is the same whatever the order of the writes.
    pub(super) fn finish(self, ds: &mut Dataset) -> gdal::errors::Result<()> {
        if self.pyramid.as_ref().is_some_and(Pyramid::is_complete) {
            return Ok(());
        }
        let (rows, cols) = self.shape;
        let mut p = Pyramid::<T>::new(self.shape, COG_BLOCK, self.reduction);
        let band = ds.rasterband(1)?;
        for row0 in (0..rows).step_by(COG_BLOCK) {
            let n = COG_BLOCK.min(rows - row0);
            let buf = band.read_as::<T>((0, row0 as isize), (cols, n), (cols, n), None)?;
            let strip = ndarray::Array2::from_shape_vec((n, cols), buf.into_shape_and_vec().1)
                .expect("rows x cols values");
            write_levels(ds, p.push(strip.view()))?;
        }
        Ok(())
    }
}

/// Writes overview rows into band 1's overview levels of `ds`.
fn write_levels<T: GdalType + Copy>(
    ds: &Dataset,
    rows: Vec<LevelRows<T>>,
) -> gdal::errors::Result<()> {
    let band = ds.rasterband(1)?;
    for LevelRows { level, row0, data } in rows {
        let (n, cols) = data.dim();
        let mut buf = Buffer::new((cols, n), data.into_raw_vec_and_offset().0);
        let mut ovr = band.overview(level)?;
        ovr.write((0, row0 as isize), (cols, n), &mut buf)?;
    }
    Ok(())
}

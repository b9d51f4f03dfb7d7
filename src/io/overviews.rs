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

/// The `CogOptions::resampling` of class layers whose overviews keep the largest class
/// ([`Reduction::MaxValid`]); GDAL has no such resampling: should it have to build the levels
/// itself, it uses `NEAREST` ([`gdal_resampling`]).
pub const MAX_VALID: &str = "MAX_VALID";

/// The resampling GDAL's COG driver is given for `resampling`.
pub(super) fn gdal_resampling(resampling: &'static str) -> &'static str {
    if resampling == MAX_VALID {
        "NEAREST"
    } else {
        resampling
    }
}

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

/// A pyramid of a `shape` raster and its levels added, empty, to every band of `ds`
/// (`GDALBuildOverviews` with `NONE`); `None` when the raster needs no overviews.
fn empty_levels<T: PyramidValue>(
    ds: &mut Dataset,
    shape: (usize, usize),
    r: Reduction,
) -> gdal::errors::Result<Option<Pyramid<T>>> {
    let pyramid = Pyramid::new(shape, COG_BLOCK, r);
    if pyramid.shapes().is_empty() {
        return Ok(None);
    }
    let factors: Vec<i32> = (1..=pyramid.shapes().len()).map(|l| 1 << l).collect();
    ds.build_overviews("NONE", &factors, &[])?;
    Ok(Some(pyramid))
}

/// The pyramid reduction for `opts`' resampling, when seamfire computes it.
fn reduction(opts: &CogOptions, nodata: Option<f64>) -> Option<Reduction> {
    match opts.resampling {
        "AVERAGE" => Some(Reduction::Average { nodata }),
        "NEAREST" => Some(Reduction::Nearest),
        MAX_VALID => Some(Reduction::MaxValid { nodata }),
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
        Ok(empty_levels(ds, shape, r)?.map(|pyramid| Self {
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

/// The overview levels of an RGB or RGBA image (bands 1–3 colours, band 4 alpha when
/// `bands == 4`) being filled from full-width strips written top to bottom: colours averaged
/// weighted by alpha, alpha averaged (`raster::pyramid`'s `[u8; 4]`; without an alpha band every
/// pixel counts as opaque). Strips out of order are reduced at the end from the written image.
pub(super) struct OwnRgbaOverviews {
    pyramid: Option<Pyramid<[u8; 4]>>,
    bands: usize,
}

impl OwnRgbaOverviews {
    /// Adds empty overview levels to `ds` (`bands` bands of `shape`); `None` when the image
    /// needs none.
    pub(super) fn start(
        ds: &mut Dataset,
        shape: (usize, usize),
        bands: usize,
    ) -> gdal::errors::Result<Option<Self>> {
        let r = Reduction::Average { nodata: None };
        Ok(empty_levels(ds, shape, r)?.map(|pyramid| Self {
            pyramid: Some(pyramid),
            bands,
        }))
    }

    /// Takes the `rows x cols` RGBA pixels (row-major, 4 bytes each) just written at row `row0`
    /// and writes the overview rows they complete.
    pub(super) fn feed(
        &mut self,
        ds: &Dataset,
        row0: usize,
        (rows, cols): (usize, usize),
        rgba: &[u8],
    ) -> gdal::errors::Result<()> {
        let Some(p) = self.pyramid.as_mut() else {
            return Ok(());
        };
        if row0 != p.next_row() {
            self.pyramid = None;
            return Ok(());
        }
        let opaque = self.bands < 4;
        let pixels: Vec<[u8; 4]> = rgba
            .chunks_exact(4)
            .map(|p| [p[0], p[1], p[2], if opaque { 255 } else { p[3] }])
            .collect();
        let strip = ndarray::Array2::from_shape_vec((rows, cols), pixels).expect("rows x cols");
        for LevelRows { level, row0, data } in p.push(strip.view()) {
            let (n, cols) = data.dim();
            for b in 0..self.bands {
                let values: Vec<u8> = data.iter().map(|px| px[b]).collect();
                let mut buf = Buffer::new((cols, n), values);
                let mut ovr = ds.rasterband(b + 1)?.overview(level)?;
                ovr.write((0, row0 as isize), (cols, n), &mut buf)?;
            }
        }
        Ok(())
    }

    /// Completes the levels: when the strips did not all arrive in order, they are computed
    /// again from the written image, read back in strips of [`COG_BLOCK`] rows, so the file is
    /// the same whatever the order of the writes.
    pub(super) fn finish(mut self, ds: &mut Dataset) -> gdal::errors::Result<()> {
        if self.pyramid.as_ref().is_some_and(Pyramid::is_complete) {
            return Ok(());
        }
        let (cols, rows) = ds.raster_size();
        self.pyramid = Some(Pyramid::new(
            (rows, cols),
            COG_BLOCK,
            Reduction::Average { nodata: None },
        ));
        for row0 in (0..rows).step_by(COG_BLOCK) {
            let n = COG_BLOCK.min(rows - row0);
            let mut rgba = vec![255u8; n * cols * 4];
            for b in 0..self.bands {
                let buf = ds.rasterband(b + 1)?.read_as::<u8>(
                    (0, row0 as isize),
                    (cols, n),
                    (cols, n),
                    None,
                )?;
                for (px, &v) in rgba.chunks_exact_mut(4).zip(buf.data()) {
                    px[b] = v;
                }
            }
            self.feed(ds, row0, (n, cols), &rgba)?;
        }
        Ok(())
    }
}

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
use ndarray::{Array2, ArrayView2};

use super::cog::CogOptions;
use crate::raster::PixelWindow;
use crate::raster::pyramid::{LevelRows, Pyramid, PyramidValue, Reduction, Rgba};

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

/// How pixels of a pyramid lie in a dataset's bands: a value of band 1, or an RGB(A) pixel
/// across bands 1–3 (4: alpha).
pub(super) trait BandPixel: PyramidValue + Sized {
    /// Writes `data` at row `row0` of overview `level` of the first `bands` bands of `ds`.
    fn write_level(
        ds: &Dataset,
        bands: usize,
        level: usize,
        row0: usize,
        data: &Array2<Self>,
    ) -> gdal::errors::Result<()>;

    /// Reads `dim = (rows, cols)` pixels from row `row0` (every column) of the first `bands`
    /// bands of `ds`.
    fn read_rows(
        ds: &Dataset,
        bands: usize,
        row0: usize,
        dim: (usize, usize),
    ) -> gdal::errors::Result<Array2<Self>>;
}

/// Writes `values` (`rows x cols`, row-major) at row `row0` of overview `level` of band `band`.
fn write_band_level<T: GdalType + Copy>(
    ds: &Dataset,
    band: usize,
    level: usize,
    row0: usize,
    (rows, cols): (usize, usize),
    values: Vec<T>,
) -> gdal::errors::Result<()> {
    let mut buf = Buffer::new((cols, rows), values);
    let mut ovr = ds.rasterband(band)?.overview(level)?;
    ovr.write((0, row0 as isize), (cols, rows), &mut buf)
}

/// Rows `row0..row0 + rows` of band `band`, row-major.
fn read_band_rows<T: GdalType + Copy>(
    ds: &Dataset,
    band: usize,
    row0: usize,
    (rows, cols): (usize, usize),
) -> gdal::errors::Result<Vec<T>> {
    let buf =
        ds.rasterband(band)?
            .read_as::<T>((0, row0 as isize), (cols, rows), (cols, rows), None)?;
    Ok(buf.into_shape_and_vec().1)
}

impl<T: GdalType + PyramidValue> BandPixel for T {
    fn write_level(
        ds: &Dataset,
        _: usize,
        level: usize,
        row0: usize,
        data: &Array2<T>,
    ) -> gdal::errors::Result<()> {
        let values = data.iter().copied().collect();
        write_band_level(ds, 1, level, row0, data.dim(), values)
    }

    fn read_rows(
        ds: &Dataset,
        _: usize,
        row0: usize,
        dim: (usize, usize),
    ) -> gdal::errors::Result<Array2<T>> {
        let values = read_band_rows(ds, 1, row0, dim)?;
        Ok(Array2::from_shape_vec(dim, values).expect("rows x cols values"))
    }
}

impl BandPixel for Rgba {
    fn write_level(
        ds: &Dataset,
        bands: usize,
        level: usize,
        row0: usize,
        data: &Array2<Rgba>,
    ) -> gdal::errors::Result<()> {
        for b in 0..bands {
            let values = data.iter().map(|px| px.0[b]).collect();
            write_band_level(ds, b + 1, level, row0, data.dim(), values)?;
        }
        Ok(())
    }

    /// Without an alpha band (`bands == 3`) every pixel is opaque.
    fn read_rows(
        ds: &Dataset,
        bands: usize,
        row0: usize,
        dim: (usize, usize),
    ) -> gdal::errors::Result<Array2<Rgba>> {
        let mut px = Array2::from_elem(dim, Rgba([0, 0, 0, 255]));
        for b in 0..bands {
            let values: Vec<u8> = read_band_rows(ds, b + 1, row0, dim)?;
            for (p, v) in px.iter_mut().zip(values) {
                p.0[b] = v;
            }
        }
        Ok(px)
    }
}

/// The overview levels of a raster being filled as its rows are written.
pub(super) struct OwnOverviews<P> {
    /// `None` once rows arrived out of order: the levels are computed at the end.
    pyramid: Option<Pyramid<P>>,
    reduction: Reduction,
    /// `(rows, cols)` of the raster.
    shape: (usize, usize),
    /// Bands the pixels span ([`BandPixel`]).
    bands: usize,
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
    /// For band 1 of `ds` (a `shape` raster): adds empty overview levels when seamfire can
    /// compute them for `opts`; `None` when the raster needs no overviews or GDAL must make
    /// them.
    pub(super) fn of_band(
        ds: &mut Dataset,
        shape: (usize, usize),
        nodata: Option<f64>,
        opts: &CogOptions,
    ) -> gdal::errors::Result<Option<Self>> {
        match reduction(opts, nodata) {
            Some(r) => Self::start(ds, shape, 1, r),
            None => Ok(None),
        }
    }
}

impl OwnOverviews<Rgba> {
    /// For an RGB (`bands == 3`) or RGBA image: colours averaged weighted by alpha, alpha
    /// averaged (`raster::pyramid::Rgba`; without an alpha band every pixel counts as
    /// opaque).
    pub(super) fn of_image(
        ds: &mut Dataset,
        shape: (usize, usize),
        bands: usize,
    ) -> gdal::errors::Result<Option<Self>> {
        Self::start(ds, shape, bands, Reduction::Average { nodata: None })
    }

    /// Takes `rows x cols` RGBA pixels (row-major, 4 bytes each) written at row `row0`.
    pub(super) fn feed_rgba(
        &mut self,
        ds: &Dataset,
        row0: usize,
        (rows, cols): (usize, usize),
        rgba: &[u8],
    ) -> gdal::errors::Result<()> {
        let opaque = self.bands < 4;
        let pixels: Vec<Rgba> = rgba
            .chunks_exact(4)
            .map(|p| Rgba([p[0], p[1], p[2], if opaque { 255 } else { p[3] }]))
            .collect();
        let strip = Array2::from_shape_vec((rows, cols), pixels).expect("rows x cols pixels");
        let window = PixelWindow {
            row0,
            col0: 0,
            rows,
            cols,
        };
        self.feed(ds, window, strip.view())
    }
}

impl<P: BandPixel> OwnOverviews<P> {
    /// Adds empty overview levels to every band of `ds` (`GDALBuildOverviews` with `NONE`), the
    /// levels of [`Pyramid`]; `None` when the raster needs none.
    fn start(
        ds: &mut Dataset,
        shape: (usize, usize),
        bands: usize,
        reduction: Reduction,
    ) -> gdal::errors::Result<Option<Self>> {
        let pyramid = Pyramid::new(shape, COG_BLOCK, reduction);
        if pyramid.shapes().is_empty() {
            return Ok(None);
        }
        let factors: Vec<i32> = (1..=pyramid.shapes().len()).map(|l| 1 << l).collect();
        ds.build_overviews("NONE", &factors, &[])?;
        Ok(Some(Self {
            pyramid: Some(pyramid),
            reduction,
            shape,
            bands,
        }))
    }

    /// Takes pixels just written at `window` of `ds` and writes the overview rows they
    /// complete.
    pub(super) fn feed(
        &mut self,
        ds: &Dataset,
        window: PixelWindow,
        data: ArrayView2<'_, P>,
    ) -> gdal::errors::Result<()> {
        let Some(p) = self.pyramid.as_mut() else {
            return Ok(());
        };
        let full_width = window.col0 == 0 && window.cols == self.shape.1;
        if !full_width || window.row0 != p.next_row() {
            self.pyramid = None;
            return Ok(());
        }
        for LevelRows { level, row0, data } in p.push(data) {
            P::write_level(ds, self.bands, level, row0, &data)?;
        }
        Ok(())
    }

    /// Completes the levels. When the rows did not all arrive in order, the levels are
    /// computed again from the written raster, read back in strips of [`COG_BLOCK`] rows, so
    /// the file is the same whatever the order of the writes.
    pub(super) fn finish(mut self, ds: &mut Dataset) -> gdal::errors::Result<()> {
        if self.pyramid.as_ref().is_some_and(Pyramid::is_complete) {
            return Ok(());
        }
        let (rows, cols) = self.shape;
        self.pyramid = Some(Pyramid::new(self.shape, COG_BLOCK, self.reduction));
        for row0 in (0..rows).step_by(COG_BLOCK) {
            let n = COG_BLOCK.min(rows - row0);
            let strip = P::read_rows(ds, self.bands, row0, (n, cols))?;
            let window = PixelWindow {
                row0,
                col0: 0,
                rows: n,
                cols,
            };
            self.feed(ds, window, strip.view())?;
        }
        Ok(())
    }
}

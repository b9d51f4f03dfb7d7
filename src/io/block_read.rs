//! Windowed block reads from one open raster band, for streamed processing: the dataset is
//! opened once per reader (one reader per worker thread; a GDAL dataset handle must not be
//! shared between threads) and each block is read as its halo window, clipped at the raster
//! edge (see [`crate::raster::tile`]).

use std::path::{Path, PathBuf};

use gdal::Dataset;
use gdal::raster::GdalType;
use ndarray::Array2;

use super::read::{band_unit, georef_of, open};
use crate::error::{Error, Result};
use crate::raster::{Georef, PixelWindow, Raster, Unit};

/// One band of one raster file, open for window reads.
pub struct BlockReader {
    ds: Dataset,
    path: PathBuf,
    band: usize,
    shape: (usize, usize),
    georef: Georef,
    nodata: Option<f64>,
    unit: Unit,
    data_type: String,
    /// Where the validity comes from, and the 1-based alpha band to read when GDAL does not
    /// take it as the band's mask itself (a non-byte alpha, as `gdalwarp -dstalpha` writes
    /// beside `Float32`); `None`: GDAL's mask band.
    mask: Option<(MaskSource, Option<usize>)>,
}

/// Where a band's validity comes from when it is not its nodata value (GDAL RFC 15 mask bands).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MaskSource {
    /// An alpha band (`gdalwarp -dstalpha`, OpenDroneMap, QGIS exports): 0 is transparent.
    Alpha,
    /// A mask band of the dataset (internal TIFF mask or `.msk` sidecar): 0 is not valid.
    MaskBand,
}

impl MaskSource {
    /// How a message names it.
    pub fn label(self) -> &'static str {
        match self {
            MaskSource::Alpha => "alpha band",
            MaskSource::MaskBand => "mask band",
        }
    }
}

impl std::fmt::Debug for BlockReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BlockReader")
            .field("path", &self.path)
            .field("band", &self.band)
            .field("shape", &self.shape)
            .finish()
    }
}

impl BlockReader {
    /// Opens band `band` (1-based) of `path`.
    pub fn open(path: &Path, band: usize) -> Result<Self> {
        let ds = open(path)?;
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
        let (nodata, unit, data_type) = (rb.no_data_value(), band_unit(&ds, &rb), {
            rb.band_type().name()
        });
        // A nodata value, or no mask at all, is not a mask band of its own. GDAL takes a byte
        // or UInt16 alpha band as the mask itself; another band marked alpha is read here.
        let gdal_mask = rb
            .mask_flags()
            .ok()
            .filter(|f| !f.is_all_valid() && !f.is_nodata())
            .map(|f| {
                let source = if f.is_alpha() {
                    MaskSource::Alpha
                } else {
                    MaskSource::MaskBand
                };
                (source, None)
            });
        let alpha_band = || {
            (1..=count)
                .filter(|&b| b != band)
                .find(|&b| {
                    ds.rasterband(b).is_ok_and(|a| {
                        a.color_interpretation() == gdal::raster::ColorInterpretation::AlphaBand
                    })
                })
                .map(|b| (MaskSource::Alpha, Some(b)))
        };
        let mask = gdal_mask.or_else(alpha_band);
        let (cols, rows) = ds.raster_size();
        let georef = georef_of(&ds, path)?;
        Ok(Self {
            ds,
            path: path.to_path_buf(),
            band,
            shape: (rows, cols),
            georef,
            nodata,
            unit,
            data_type,
            mask,
        })
    }

    /// The band's mask band or alpha band, when its validity is given by one rather than by a
    /// nodata value.
    pub fn mask_source(&self) -> Option<MaskSource> {
        self.mask.map(|(source, _)| source)
    }

    /// Which pixels of `window` the band's mask or alpha band marks valid (non-zero); `None`
    /// when the band has no such mask ([`Self::mask_source`]).
    pub fn read_valid(&self, window: PixelWindow) -> Result<Option<Array2<bool>>> {
        let Some((_, alpha)) = self.mask else {
            return Ok(None);
        };
        let rb = self
            .ds
            .rasterband(alpha.unwrap_or(self.band))
            .map_err(|e| Error::gdal(&self.path, format!("band {}: {e}", self.band)))?;
        let mask = match alpha {
            Some(_) => rb,
            None => rb
                .open_mask_band()
                .map_err(|e| Error::gdal(&self.path, format!("mask of band {}: {e}", self.band)))?,
        };
        // Read as f64 so that a floating-point alpha of 0.4 is not truncated to 0.
        let values = self.read_band_window::<f64>(&mask, window, "the mask of ")?;
        Ok(Some(values.mapv(|m| m != 0.0)))
    }

    /// `window` of `rb` (this reader's band, or its mask: `what` says which in messages).
    fn read_band_window<T: GdalType + Copy>(
        &self,
        rb: &gdal::raster::RasterBand<'_>,
        window: PixelWindow,
        what: &str,
    ) -> Result<Array2<T>> {
        let buf = rb
            .read_as::<T>(
                (window.col0 as isize, window.row0 as isize),
                (window.cols, window.rows),
                (window.cols, window.rows),
                None,
            )
            .map_err(|e| {
                Error::gdal(
                    &self.path,
                    format!(
                        "cannot read {what}band {} rows {}..{} (truncated or corrupt?): {e}",
                        self.band,
                        window.row0,
                        window.row_end()
                    ),
                )
            })?;
        let (_, data) = buf.into_shape_and_vec();
        Array2::from_shape_vec(window.shape(), data)
            .map_err(|e| Error::gdal(&self.path, format!("unexpected buffer shape: {e}")))
    }

    /// The file read.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A metadata item (default domain) of the band read; `None` when it has none.
    pub fn metadata_item(&self, key: &str) -> Option<String> {
        use gdal::Metadata;
        self.ds
            .rasterband(self.band)
            .ok()
            .and_then(|b| b.metadata_item(key, ""))
    }

    /// `(rows, cols)` of the whole raster.
    pub fn shape(&self) -> (usize, usize) {
        self.shape
    }

    /// Georeferencing of the whole raster.
    pub fn georef(&self) -> &Georef {
        &self.georef
    }

    /// Nodata declared by the band.
    pub fn nodata(&self) -> Option<f64> {
        self.nodata
    }

    /// Unit of the band.
    pub fn unit(&self) -> &Unit {
        &self.unit
    }

    /// GDAL data type name of the band (`UInt16`, `Float32`, …).
    pub fn data_type(&self) -> &str {
        &self.data_type
    }

    /// Reads `window` (which must lie inside the raster) converted to `T` by GDAL, exactly as
    /// [`crate::io::read_window`] does: the raster's nodata and unit are kept, the geotransform
    /// is the window's.
    pub fn read<T: GdalType + Copy>(&self, window: PixelWindow) -> Result<Raster<T>> {
        if !PixelWindow::full(self.shape).contains(&window) {
            return Err(Error::input(
                &self.path,
                format!(
                    "window rows {}..{} cols {}..{} is outside the {}x{} raster",
                    window.row0,
                    window.row_end(),
                    window.col0,
                    window.col_end(),
                    self.shape.1,
                    self.shape.0
                ),
            ));
        }
        let rb = self
            .ds
            .rasterband(self.band)
            .map_err(|e| Error::gdal(&self.path, format!("band {}: {e}", self.band)))?;
        let data = self.read_band_window::<T>(&rb, window, "")?;
        Ok(Raster {
            data,
            georef: Georef {
                transform: self.georef.transform.window(window.row0, window.col0),
                ..self.georef.clone()
            },
            nodata: self.nodata,
            unit: self.unit.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raster::tile;

    fn fixture() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("testdata/landsat8-l1t-pensacola-2015/l8_B10.tif")
    }

    #[test]
    fn blocks_with_halo_equal_windows_of_the_whole_band() {
        let path = fixture();
        let whole = crate::io::read_band::<u16>(&path, 1).unwrap();
        let reader = BlockReader::open(&path, 1).unwrap();
        assert_eq!(reader.shape(), whole.shape());
        // 627 x 603 in 100 x 128 blocks with a 7-pixel halo: neither dimension is a multiple.
        for b in tile(reader.shape(), (100, 128), 7) {
            let r = reader.read::<u16>(b.read).unwrap();
            let expect = whole.data.slice(ndarray::s![
                b.read.row0..b.read.row_end(),
                b.read.col0..b.read.col_end()
            ]);
            assert_eq!(r.data, expect);
            assert_eq!(r.nodata, whole.nodata);
            assert_eq!(r.unit, whole.unit);
            assert_eq!(
                r.georef.transform,
                whole.georef.transform.window(b.read.row0, b.read.col0)
            );
        }
    }

    #[test]
    fn window_outside_the_raster_names_the_file() {
        let path = fixture();
        let reader = BlockReader::open(&path, 1).unwrap();
        let (rows, cols) = reader.shape();
        let err = reader
            .read::<u16>(PixelWindow {
                row0: rows - 1,
                col0: 0,
                rows: 2,
                cols,
            })
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("l8_B10.tif") && err.contains("outside"),
            "{err}"
        );
        assert!(BlockReader::open(&path, 2).is_err());
    }
}

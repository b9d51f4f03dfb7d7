//! Streamed RGBA COG writer: an 8-bit map image (the thermal map) written strip by strip, never
//! held whole in memory. As [`crate::io::StreamedCog`] for single-band products: the strips go
//! into an uncompressed, 256x256-tiled GTiff under a `.partial` name (red, green, blue and, with
//! alpha, alpha bands, with the colour interpretations [`crate::io::stage_rgba_cog`] gives), and
//! [`StreamedRgbaCog::finish`] copies it to the COG staging name with the same creation options;
//! the overview levels are filled as the strips arrive (`io::overviews`). The result is the
//! whole-image writer's file (tested).

use std::path::{Path, PathBuf};

use gdal::raster::{Buffer, ColorInterpretation, RasterCreationOptions};
use gdal::{Dataset, DriverManager, Metadata};

use super::atomic::Staged;
use super::cog::{CogOptions, Predictor};
use super::cog_stream::{blocks_path, finish_blocks};
use super::overviews::OwnOverviews;
use crate::error::{Error, Result};
use crate::raster::Georef;
use crate::render::Rgba8Image;

/// An RGB(A) COG being written in strips of full rows, top to bottom or in any order.
pub struct StreamedRgbaCog {
    ds: Option<Dataset>,
    /// The overview levels filled as strips arrive (`io::overviews`).
    overviews: Option<OwnOverviews<crate::raster::pyramid::Rgba>>,
    blocks: PathBuf,
    dest: PathBuf,
    shape: (usize, usize),
    bands: usize,
    written_px: usize,
    predictor: Predictor,
}

impl std::fmt::Debug for StreamedRgbaCog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StreamedRgbaCog")
            .field("dest", &self.dest)
            .field("shape", &self.shape)
            .finish()
    }
}

impl StreamedRgbaCog {
    /// Starts a `shape = (rows, cols)` image destined for `dest`; `alpha` adds band 4;
    /// `descriptions` name the bands in order; the COG is compressed with `predictor`.
    pub fn create(
        dest: &Path,
        shape: (usize, usize),
        georef: &Georef,
        alpha: bool,
        descriptions: &[&str],
        predictor: Predictor,
    ) -> Result<Self> {
        super::ensure_gdal_config();
        let blocks = blocks_path(dest);
        let bands = if alpha { 4 } else { 3 };
        let created =
            create_blocks(&blocks, shape, georef, bands, descriptions).and_then(|mut ds| {
                let overviews = OwnOverviews::of_image(&mut ds, shape, bands)?;
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
            shape,
            bands,
            written_px: 0,
            predictor,
        })
    }

    /// Writes `strip` (full width; its `height` rows) at row `row0`.
    pub fn write_rows(&mut self, row0: usize, strip: &Rgba8Image) -> Result<()> {
        if strip.width != self.shape.1 || row0 + strip.height > self.shape.0 {
            return Err(Error::gdal(
                &self.dest,
                format!(
                    "strip of {}x{} pixels at row {row0} does not fit the {}x{} image",
                    strip.width, strip.height, self.shape.1, self.shape.0
                ),
            ));
        }
        let ds = self.ds.as_ref().expect("dataset open until finish");
        for b in 0..self.bands {
            let values: Vec<u8> = strip.data.iter().skip(b).step_by(4).copied().collect();
            let mut buf = Buffer::new((strip.width, strip.height), values);
            ds.rasterband(b + 1)
                .and_then(|mut band| {
                    band.write((0, row0 as isize), (strip.width, strip.height), &mut buf)
                })
                .map_err(|e| {
                    Error::gdal(
                        &self.dest,
                        format!("cannot write rows {row0}..{}: {e}", row0 + strip.height),
                    )
                })?;
        }
        if let Some(o) = self.overviews.as_mut() {
            o.feed_rgba(ds, row0, (strip.height, strip.width), &strip.data)
                .map_err(|e| Error::gdal(&self.dest, format!("cannot write overviews: {e}")))?;
        }
        self.written_px += strip.width * strip.height;
        Ok(())
    }

    /// Builds the COG under its staging name; errors when rows are missing.
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
        let opts = CogOptions {
            predictor: self.predictor,
            ..CogOptions::default()
        };
        finish_blocks(ds, &self.blocks, &self.dest, &opts)
    }
}

impl Drop for StreamedRgbaCog {
    fn drop(&mut self) {
        drop(self.ds.take());
        let _ = std::fs::remove_file(&self.blocks);
    }
}

fn create_blocks(
    path: &Path,
    shape: (usize, usize),
    georef: &Georef,
    bands: usize,
    descriptions: &[&str],
) -> gdal::errors::Result<Dataset> {
    let driver = DriverManager::get_driver_by_name("GTiff")?;
    let mut co = RasterCreationOptions::new();
    co.set_name_value("TILED", "YES")?;
    co.set_name_value("BLOCKXSIZE", "256")?;
    co.set_name_value("BLOCKYSIZE", "256")?;
    co.set_name_value("COMPRESS", "NONE")?;
    co.set_name_value("INTERLEAVE", "BAND")?;
    co.set_name_value("PHOTOMETRIC", "RGB")?;
    if bands == 4 {
        // `YES`: an unassociated alpha extra sample, as the MEM → COG path writes.
        co.set_name_value("ALPHA", "YES")?;
    }
    co.set_name_value("BIGTIFF", "IF_NEEDED")?;
    let mut ds =
        driver.create_with_band_type_with_options::<u8, _>(path, shape.1, shape.0, bands, &co)?;
    ds.set_geo_transform(&georef.transform.0)?;
    if !georef.crs_wkt.is_empty() {
        ds.set_projection(&georef.crs_wkt)?;
    }
    use ColorInterpretation as Ci;
    let interp = [Ci::RedBand, Ci::GreenBand, Ci::BlueBand, Ci::AlphaBand];
    for (i, ci) in interp.into_iter().take(bands).enumerate() {
        let mut band = ds.rasterband(i + 1)?;
        band.set_color_interpretation(ci)?;
        if let Some(d) = descriptions.get(i) {
            band.set_description(d)?;
        }
    }
    Ok(ds)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raster::GeoTransform;

    fn georef() -> Georef {
        let srs = gdal::spatial_ref::SpatialRef::from_epsg(32648).unwrap();
        Georef {
            transform: GeoTransform([500_000.0, 30.0, 0.0, 4_400_000.0, 0.0, -30.0]),
            crs_wkt: srs.to_wkt().unwrap(),
            epsg: Some(32648),
            ground_m_per_unit: None,
        }
    }

    /// 533 x 700 (not multiples of the 256 tile): a colour ramp with a transparent corner.
    fn image() -> Rgba8Image {
        let mut img = Rgba8Image::transparent(700, 533, georef());
        for r in 0..533 {
            for c in 0..700 {
                if r < 40 && c < 90 {
                    continue;
                }
                img.set(
                    r,
                    c,
                    [
                        (c % 256) as u8,
                        (r % 256) as u8,
                        ((r * 7 + c) % 251) as u8,
                        255,
                    ],
                );
            }
        }
        img
    }

    fn rows(img: &Rgba8Image, r0: usize, r1: usize) -> Rgba8Image {
        Rgba8Image {
            width: img.width,
            height: r1 - r0,
            data: img.data[r0 * img.width * 4..r1 * img.width * 4].to_vec(),
            georef: img.georef.clone(),
        }
    }

    #[test]
    fn streamed_strips_give_the_whole_image_file() {
        let dir = tempfile::tempdir().unwrap();
        let img = image();
        let names = ["red", "green", "blue", "alpha"];
        // Both predictors: the streamed writer passes its own to the copy as the whole one does.
        for (alpha, predictor) in [
            (true, Predictor::None),
            (false, Predictor::None),
            (true, Predictor::Horizontal),
        ] {
            let case = format!("{alpha}_{predictor:?}");
            let whole = dir.path().join(format!("whole_{case}.tif"));
            crate::io::stage_rgba_cog(&img, &whole, alpha, &names, predictor)
                .unwrap()
                .commit()
                .unwrap();
            let streamed = dir.path().join(format!("streamed_{case}.tif"));
            let mut w = StreamedRgbaCog::create(
                &streamed,
                (533, 700),
                &img.georef,
                alpha,
                &names,
                predictor,
            )
            .unwrap();
            // Strips of 100 rows, bottom first: order and strip height do not matter.
            let starts: Vec<usize> = (0..533).step_by(100).collect();
            for &r0 in starts.iter().rev() {
                w.write_rows(r0, &rows(&img, r0, (r0 + 100).min(533)))
                    .unwrap();
            }
            w.finish().unwrap().commit().unwrap();
            assert_eq!(
                std::fs::read(&whole).unwrap(),
                std::fs::read(&streamed).unwrap(),
                "{case}"
            );
            let ds = gdal::Dataset::open(&whole).unwrap();
            let md = ds
                .metadata_item("COMPRESSION", "IMAGE_STRUCTURE")
                .unwrap_or_default();
            assert_eq!(md, "DEFLATE");
            let pred = ds
                .metadata_item("PREDICTOR", "IMAGE_STRUCTURE")
                .unwrap_or_else(|| "1".into());
            let expect = if predictor == Predictor::Horizontal {
                "2"
            } else {
                "1"
            };
            assert_eq!(pred, expect, "{case}");
        }
        // Only the two products per case remain: no tiled intermediate is left behind.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 6);
    }

    #[test]
    fn missing_rows_are_an_error_and_leave_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let img = image();
        let dest = dir.path().join("t.tif");
        let mut w =
            StreamedRgbaCog::create(&dest, (533, 700), &img.georef, true, &[], Predictor::None)
                .unwrap();
        w.write_rows(0, &rows(&img, 0, 100)).unwrap();
        assert!(
            w.write_rows(500, &rows(&img, 0, 100)).is_err(),
            "past the end"
        );
        assert!(w.finish().is_err());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}

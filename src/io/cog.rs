//! Cloud Optimized GeoTIFF writer.
//!
//! The COG driver is CreateCopy-only, so the bands are assembled in a `MEM` dataset and copied
//! with `COMPRESS=DEFLATE, LEVEL=1, BLOCKSIZE=256, OVERVIEWS=AUTO` and the product's
//! [`Predictor`] (none, but for photographic images). The copy goes to a
//! staging name in the destination directory and is renamed only once GDAL has closed it
//! without error (see [`crate::io::Staged`]).

use std::ffi::CString;
use std::path::Path;

use gdal::raster::{Buffer, GdalType, RasterCreationOptions};
use gdal::{Dataset, DriverManager};
use ndarray::Array2;

use super::atomic::{Staged, staging_path};
use super::overviews::OwnOverviews;
use crate::error::{Error, Result};
use crate::raster::PixelWindow;
use crate::raster::pyramid::PyramidValue;
use crate::raster::{Georef, Raster, Unit};
use crate::render::Rgba8Image;

/// How to write a COG.
#[derive(Debug, Clone)]
pub struct CogOptions {
    /// Overview resampling: `AVERAGE` for continuous values, `NEAREST` for classes,
    /// [`crate::io::MAX_VALID`] for ordered classes whose highest must stay visible.
    pub resampling: &'static str,
    /// Band description (shown by QGIS and gdalinfo).
    pub description: Option<String>,
    /// The TIFF predictor applied before DEFLATE.
    pub predictor: Predictor,
    /// Band metadata items (default domain), e.g. the robust range the thermal map uses
    /// ([`crate::render::stretch::RANGE_TAG`]).
    pub metadata: Vec<(String, String)>,
}

impl Default for CogOptions {
    fn default() -> Self {
        Self {
            resampling: "AVERAGE",
            description: None,
            predictor: Predictor::None,
            metadata: Vec::new(),
        }
    }
}

/// The TIFF predictor a COG is compressed with (`PREDICTOR`), chosen per kind of product by the
/// sizes it gives at DEFLATE level 1 (docs/performance.md, "No predictor"): values computed from
/// integer counts (temperature from Landsat DNs or ECOSTRESS's scaled integers, reflectance)
/// take a few thousand distinct `f32` values that DEFLATE finds again, and differences of them
/// do not recur (4–45 % *larger* files with the floating-point predictor); palette-coloured maps
/// and class layers likewise. Continuous floats (a drone orthomosaic's blended temperatures)
/// compress better as floating-point differences (22 % smaller on the generated 16000² mosaic),
/// photographs as horizontal differences (6–13 % smaller).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Predictor {
    /// No predictor (`PREDICTOR=NO`): values from integer counts, classes, thermal maps.
    #[default]
    None,
    /// Horizontal differencing (TIFF predictor 2, `PREDICTOR=STANDARD`): photographic images
    /// (orthophotos).
    Horizontal,
    /// Floating-point differencing (TIFF predictor 3, `PREDICTOR=FLOATING_POINT`): continuous
    /// floating-point values (temperatures of a floating-point input raster).
    FloatingPoint,
}

impl Predictor {
    fn creation_value(self) -> &'static str {
        match self {
            Predictor::None => "NO",
            Predictor::Horizontal => "STANDARD",
            Predictor::FloatingPoint => "FLOATING_POINT",
        }
    }
}

/// Writes a single-band raster as a COG at `dest`, atomically.
pub fn write_cog<T: GdalType + PyramidValue>(
    raster: &Raster<T>,
    dest: &Path,
    opts: &CogOptions,
) -> Result<()> {
    stage_cog(raster, dest, opts)?.commit().map(|_| ())
}

/// Writes a COG under its staging name and returns the pending rename, so several products can be
/// committed together once all of them were written.
pub fn stage_cog<T: GdalType + PyramidValue>(
    raster: &Raster<T>,
    dest: &Path,
    opts: &CogOptions,
) -> Result<Staged> {
    super::ensure_gdal_config();
    let _log = super::gdal_log::scope(dest);
    let mem = build_mem(
        &[&raster.data],
        &raster.georef,
        raster.nodata,
        &raster.unit,
        opts,
    )
    .map_err(|e| Error::gdal(dest, format!("cannot assemble raster in memory: {e}")))?;
    let tmp = staging_path(dest);
    let staged = Staged::new(tmp.clone(), dest.to_path_buf());
    copy_to_cog(&mem, &tmp, opts)
        .map_err(|e| Error::gdal(dest, format!("cannot write COG: {e}")))?;
    Ok(staged)
}

/// Writes an 8-bit image as a COG under its staging name: bands red, green, blue (colour
/// interpretation `Red`, `Green`, `Blue`, TIFF `PHOTOMETRIC=RGB`) plus, with `alpha`, band 4
/// with colour interpretation `Alpha` (TIFF `EXTRASAMPLES` unassociated alpha: 0 transparent,
/// 255 opaque). No nodata value is declared: transparency is the alpha band's. Overviews are
/// seamfire's (`io::overviews`: colours weighted by alpha, alpha averaged). Georeferencing is
/// the image's.
/// `descriptions` name the bands in order (e.g. `["B4", "B3", "B2", "alpha"]`); missing ones
/// stay empty.
pub fn stage_rgba_cog(
    img: &Rgba8Image,
    dest: &Path,
    alpha: bool,
    descriptions: &[&str],
    predictor: Predictor,
) -> Result<Staged> {
    super::ensure_gdal_config();
    let mem = build_rgba_mem(img, alpha, descriptions)
        .map_err(|e| Error::gdal(dest, format!("cannot assemble image in memory: {e}")))?;
    let tmp = staging_path(dest);
    let staged = Staged::new(tmp.clone(), dest.to_path_buf());
    let opts = CogOptions {
        predictor,
        ..CogOptions::default()
    };
    copy_to_cog(&mem, &tmp, &opts)
        .map_err(|e| Error::gdal(dest, format!("cannot write COG: {e}")))?;
    Ok(staged)
}

fn build_rgba_mem(
    img: &Rgba8Image,
    alpha: bool,
    descriptions: &[&str],
) -> gdal::errors::Result<Dataset> {
    use gdal::raster::ColorInterpretation as Ci;
    let (cols, rows) = (img.width, img.height);
    let nbands = if alpha { 4 } else { 3 };
    let driver = DriverManager::get_driver_by_name("MEM")?;
    let mut ds = driver.create_with_band_type::<u8, _>("", cols, rows, nbands)?;
    ds.set_geo_transform(&img.georef.transform.0)?;
    if !img.georef.crs_wkt.is_empty() {
        ds.set_projection(&img.georef.crs_wkt)?;
    }
    let interp = [Ci::RedBand, Ci::GreenBand, Ci::BlueBand, Ci::AlphaBand];
    for (i, ci) in interp.into_iter().take(nbands).enumerate() {
        let mut band = ds.rasterband(i + 1)?;
        let values: Vec<u8> = img.data.iter().skip(i).step_by(4).copied().collect();
        let mut buf = Buffer::new((cols, rows), values);
        band.write((0, 0), (cols, rows), &mut buf)?;
        band.set_color_interpretation(ci)?;
        if let Some(d) = descriptions.get(i) {
            use gdal::Metadata;
            band.set_description(d)?;
        }
    }
    // The overviews the streamed writer computes, from the same pixels (`io::overviews`).
    if let Some(mut o) = OwnOverviews::of_image(&mut ds, (rows, cols), nbands)? {
        o.feed_rgba(&ds, 0, (rows, cols), &img.data)?;
        o.finish(&mut ds)?;
    }
    Ok(ds)
}

fn build_mem<T: GdalType + PyramidValue>(
    bands: &[&Array2<T>],
    georef: &Georef,
    nodata: Option<f64>,
    unit: &Unit,
    opts: &CogOptions,
) -> gdal::errors::Result<Dataset> {
    let (rows, cols) = bands[0].dim();
    let driver = DriverManager::get_driver_by_name("MEM")?;
    let mut ds = driver.create_with_band_type::<T, _>("", cols, rows, bands.len())?;
    ds.set_geo_transform(&georef.transform.0)?;
    if !georef.crs_wkt.is_empty() {
        ds.set_projection(&georef.crs_wkt)?;
    }
    for (i, data) in bands.iter().enumerate() {
        let mut band = ds.rasterband(i + 1)?;
        let values: Vec<T> = data.iter().copied().collect();
        let mut buf = Buffer::new((cols, rows), values);
        band.write((0, 0), (cols, rows), &mut buf)?;
        set_band_metadata(&mut band, nodata, unit, opts)?;
    }
    // The overviews the streamed writer would compute, from the same rows (`io::overviews`).
    if let [data] = bands
        && let Some(mut o) = OwnOverviews::<T>::of_band(&mut ds, (rows, cols), nodata, opts)?
    {
        o.feed(&ds, PixelWindow::full((rows, cols)), data.view())?;
        o.finish(&mut ds)?;
    }
    Ok(ds)
}

/// Nodata, unit and description of a product band (the same for whole-raster and streamed
/// writes, so both give the same file).
pub(super) fn set_band_metadata(
    band: &mut gdal::raster::RasterBand<'_>,
    nodata: Option<f64>,
    unit: &Unit,
    opts: &CogOptions,
) -> gdal::errors::Result<()> {
    band.set_no_data_value(nodata)?;
    set_unit(band, unit.gdal_name());
    use gdal::Metadata;
    if let Some(d) = &opts.description {
        band.set_description(d)?;
    }
    for (key, value) in &opts.metadata {
        band.set_metadata_item(key, value, "")?;
    }
    Ok(())
}

fn set_unit(band: &gdal::raster::RasterBand<'_>, unit: &str) {
    if unit.is_empty() {
        return;
    }
    if let Ok(c) = CString::new(unit) {
        // SAFETY: the band handle is valid for the borrow; GDAL copies the string.
        unsafe {
            gdal_sys::GDALSetRasterUnitType(band.c_rasterband(), c.as_ptr());
        }
    }
}

pub(super) fn copy_to_cog(
    mem: &Dataset,
    tmp: &Path,
    opts: &CogOptions,
) -> gdal::errors::Result<()> {
    let driver = DriverManager::get_driver_by_name("COG")?;
    let mut co = RasterCreationOptions::new();
    co.set_name_value("COMPRESS", "DEFLATE")?;
    // DEFLATE level 1: half the time of the default level 6 on a Float32 scene (5.1 → 2.6 s
    // for a full Landsat `bt.tif` with overviews) for 3 % larger files (docs/performance.md).
    co.set_name_value("LEVEL", "1")?;
    co.set_name_value("PREDICTOR", opts.predictor.creation_value())?;
    co.set_name_value("BLOCKSIZE", "256")?;
    co.set_name_value("OVERVIEWS", "AUTO")?;
    co.set_name_value(
        "RESAMPLING",
        super::overviews::gdal_resampling(opts.resampling),
    )?;
    co.set_name_value("NUM_THREADS", "ALL_CPUS")?;
    let _tmp_overviews = FastTmpOverviews::set()?;
    let out = mem.create_copy(&driver, tmp, &co)?;
    out.close()
}

/// GDAL's COG driver builds the overviews in a temporary file beside the output, compressed
/// with ZSTD at GDAL's default level 9: compressing and decompressing that file was 9 % of the CPU
/// time of a full-scene `detect`. At ZSTD level 1 (`ZSTD_LEVEL_OVERVIEW`, which GDAL reads for
/// that file) the copy of a full-scene `bt.tif` takes 2.4–2.6 s instead of 3.1–3.4 s and writes
/// the same bytes (docs/performance.md). (Leaving the file uncompressed,
/// `COG_TMP_COMPRESSION=NONE`, is faster still but takes GDAL 3.6 down another overview path
/// whose `AVERAGE` overviews of a full scene (7801 x 7911) are off by up to a few mK on every
/// 128th overview row.) Set for the calling thread only (the COG copies of two products run
/// side by side), and not when the user set the option.
struct FastTmpOverviews(bool);

impl FastTmpOverviews {
    const KEY: &'static str = "ZSTD_LEVEL_OVERVIEW";

    fn set() -> gdal::errors::Result<Self> {
        let users = !gdal::config::get_config_option(Self::KEY, "")?.is_empty();
        if !users {
            gdal::config::set_thread_local_config_option(Self::KEY, "1")?;
        }
        Ok(Self(!users))
    }
}

impl Drop for FastTmpOverviews {
    fn drop(&mut self) {
        if self.0 {
            // Clearing an option we set cannot fail but for an interior NUL in the key.
            let _ = gdal::config::clear_thread_local_config_option(Self::KEY);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    // Larger than a block, so OVERVIEWS=AUTO builds overviews; an odd size; NaN nodata.
    use crate::io::cog_stream::tests::field as raster;
    use gdal::Metadata;

    #[test]
    fn the_predictor_is_the_product_s_and_leaves_the_values_alone() {
        let dir = tempfile::tempdir().unwrap();
        let r = raster();
        let mut sizes = Vec::new();
        for (predictor, tag) in [
            (Predictor::None, None),
            (Predictor::Horizontal, Some("2")),
            (Predictor::FloatingPoint, Some("3")),
        ] {
            let path = dir.path().join(format!("{predictor:?}.tif"));
            let opts = CogOptions {
                predictor,
                ..CogOptions::default()
            };
            write_cog(&r, &path, &opts).unwrap();
            let ds = Dataset::open(&path).unwrap();
            assert_eq!(
                ds.metadata_item("PREDICTOR", "IMAGE_STRUCTURE").as_deref(),
                tag,
                "{predictor:?}"
            );
            let back: Raster<f32> = crate::io::read_band(&path, 1).unwrap();
            assert_eq!(back.data.shape(), r.data.shape());
            for (a, b) in back.data.iter().zip(r.data.iter()) {
                assert!(a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()));
            }
            sizes.push(std::fs::metadata(&path).unwrap().len());
        }
        // Different encodings of the same values.
        assert!(sizes[0] != sizes[1] && sizes[0] != sizes[2] && sizes[1] != sizes[2]);
    }

    #[test]
    fn fast_temporary_overviews_write_the_same_file_and_leave_the_option_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let r = raster();
        // A resampling seamfire does not compute itself: GDAL builds these overviews, through
        // its temporary file.
        let opts = CogOptions {
            resampling: "BILINEAR",
            ..CogOptions::default()
        };
        let key = FastTmpOverviews::KEY;
        let ours = dir.path().join("ours.tif");
        write_cog(&r, &ours, &opts).unwrap();
        assert_eq!(gdal::config::get_config_option(key, "").unwrap(), "");
        // GDAL's own default level (9), set by the "user" of this thread: respected, and the
        // file is byte for byte the same.
        gdal::config::set_thread_local_config_option(key, "9").unwrap();
        let guard = FastTmpOverviews::set().unwrap();
        assert_eq!(gdal::config::get_config_option(key, "").unwrap(), "9");
        drop(guard);
        let zstd = dir.path().join("level9.tif");
        write_cog(&r, &zstd, &opts).unwrap();
        assert_eq!(gdal::config::get_config_option(key, "").unwrap(), "9");
        gdal::config::clear_thread_local_config_option(key).unwrap();
        let ds = Dataset::open(&ours).unwrap();
        assert!(
            ds.rasterband(1).unwrap().overview_count().unwrap() > 0,
            "overviews were built"
        );
        assert_eq!(std::fs::read(&ours).unwrap(), std::fs::read(&zstd).unwrap());
        // Without a user setting, the guard sets level 1 for this thread only and clears it.
        let guard = FastTmpOverviews::set().unwrap();
        assert_eq!(gdal::config::get_config_option(key, "").unwrap(), "1");
        let other = std::thread::spawn(move || gdal::config::get_config_option(key, "").unwrap());
        assert_eq!(other.join().unwrap(), "");
        drop(guard);
        assert_eq!(gdal::config::get_config_option(key, "").unwrap(), "");
    }

    /// Band 1's overview `level` of `path`, `(rows, cols)` and values.
    fn overview(path: &Path, level: usize) -> ((usize, usize), Vec<f32>) {
        let ds = Dataset::open(path).unwrap();
        let ovr = ds.rasterband(1).unwrap().overview(level).unwrap();
        let (cols, rows) = ovr.size();
        let buf = ovr
            .read_as::<f32>((0, 0), (cols, rows), (cols, rows), None)
            .unwrap();
        ((rows, cols), buf.into_shape_and_vec().1)
    }

    /// The same raster through GDAL's COG driver alone: no source overviews, so it builds them
    /// (`OVERVIEWS=AUTO`, `AVERAGE`).
    fn gdal_cog(r: &Raster<f32>, dest: &Path) {
        let driver = DriverManager::get_driver_by_name("MEM").unwrap();
        let (rows, cols) = r.shape();
        let mut mem = driver
            .create_with_band_type::<f32, _>("", cols, rows, 1)
            .unwrap();
        mem.set_geo_transform(&r.georef.transform.0).unwrap();
        let mut band = mem.rasterband(1).unwrap();
        let mut buf = Buffer::new((cols, rows), r.data.iter().copied().collect());
        band.write((0, 0), (cols, rows), &mut buf).unwrap();
        band.set_no_data_value(Some(f64::NAN)).unwrap();
        copy_to_cog(&mem, dest, &CogOptions::default()).unwrap();
    }

    #[test]
    fn own_overviews_have_gdal_s_levels_and_agree_with_its_average() {
        let dir = tempfile::tempdir().unwrap();
        let full = raster();
        // Sizes around the 256 px block: one level, two, none; odd and even.
        let shapes = [
            (533, 700),
            (257, 200),
            (512, 513),
            (256, 256),
            (300, 1030),
            (512, 660),
        ];
        let mut compared = 0;
        for shape in shapes {
            let r = Raster {
                data: full
                    .data
                    .slice(ndarray::s![..shape.0.min(533), ..shape.1.min(700)])
                    .to_owned(),
                ..full.clone()
            };
            // 1030 columns: the field repeated.
            let r = if shape.1 > 700 {
                let wide = ndarray::concatenate(
                    ndarray::Axis(1),
                    &[r.data.view(), r.data.slice(ndarray::s![.., ..330])],
                )
                .unwrap();
                Raster { data: wide, ..r }
            } else {
                r
            };
            let shape = r.shape();
            let (ours, theirs) = (dir.path().join("ours.tif"), dir.path().join("gdal.tif"));
            write_cog(&r, &ours, &CogOptions::default()).unwrap();
            gdal_cog(&r, &theirs);
            let count = |p: &Path| {
                let ds = Dataset::open(p).unwrap();
                ds.rasterband(1).unwrap().overview_count().unwrap() as usize
            };
            let levels = crate::raster::pyramid::overview_shapes(shape, 256);
            let mut p = crate::raster::pyramid::Pyramid::new(
                shape,
                256,
                crate::raster::pyramid::Reduction::Average {
                    nodata: Some(f64::NAN),
                },
            );
            let pyramid = p.push(r.data.view());
            assert_eq!(count(&ours), levels.len(), "{shape:?}");
            assert_eq!(count(&theirs), levels.len(), "{shape:?}: GDAL's own levels");
            for (level, &expected) in levels.iter().enumerate() {
                let (s_ours, v_ours) = overview(&ours, level);
                let (s_gdal, v_gdal) = overview(&theirs, level);
                assert_eq!(s_ours, expected);
                // The file's levels are the pyramid's, bit for bit (not the driver's own).
                let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                assert_eq!(bits(&v_ours), bits(pyramid[level].data.as_slice().unwrap()));
                // GDAL's COG driver sizes its levels floor(n / factor), a pixel less than ours on
                // odd sizes, and then weighs fractions of pixels in every window. Where the
                // factor divides the raster's size, both average the same 2 x 2 blocks: the values
                // agree to float rounding, NaN where GDAL has NaN.
                let factor = 1usize << (level + 1);
                assert_eq!(
                    s_gdal,
                    (shape.0 / factor, shape.1 / factor),
                    "{shape:?} {level}"
                );
                if shape.0 % factor != 0 || shape.1 % factor != 0 {
                    continue;
                }
                assert_eq!(s_gdal, s_ours);
                for (i, (&a, &b)) in v_ours.iter().zip(&v_gdal).enumerate() {
                    assert_eq!(a.is_nan(), b.is_nan(), "{shape:?} level {level} pixel {i}");
                    if !a.is_nan() {
                        assert!((a - b).abs() <= 1e-4 * b.abs().max(1.0), "{a} vs {b}");
                    }
                    compared += 1;
                }
            }
        }
        // 512 x 660: 256 x 330 and 128 x 165 compared; 300 x 1030: 150 x 515.
        assert_eq!(compared, 256 * 330 + 128 * 165 + 150 * 515);
    }

    /// A 512 x 660 RGBA image: the field's values as colours, transparent where it has NaN.
    fn rgba() -> Rgba8Image {
        let r = raster();
        let part = r.data.slice(ndarray::s![..512, ..660]);
        let data = part
            .iter()
            .flat_map(|&v| {
                if v.is_nan() {
                    [0, 0, 0, 0]
                } else {
                    let g = (v - 250.0).clamp(0.0, 255.0) as u8;
                    [g, 255 - g, g / 2, 255]
                }
            })
            .collect();
        Rgba8Image {
            width: 660,
            height: 512,
            data,
            georef: r.georef,
        }
    }

    #[test]
    fn rgba_overviews_are_alpha_weighted_means_close_to_gdal_s() {
        use crate::raster::pyramid::Rgba;
        let dir = tempfile::tempdir().unwrap();
        let img = rgba();
        let ours = dir.path().join("ours.tif");
        stage_rgba_cog(&img, &ours, true, &[], Predictor::None)
            .unwrap()
            .commit()
            .unwrap();
        // GDAL's own: the same image through the driver without source overviews.
        let theirs = dir.path().join("gdal.tif");
        let driver = DriverManager::get_driver_by_name("MEM").unwrap();
        let mut mem = driver
            .create_with_band_type::<u8, _>("", 660, 512, 4)
            .unwrap();
        mem.set_geo_transform(&img.georef.transform.0).unwrap();
        for b in 0..4 {
            let mut band = mem.rasterband(b + 1).unwrap();
            let v: Vec<u8> = img.data.iter().skip(b).step_by(4).copied().collect();
            band.write((0, 0), (660, 512), &mut Buffer::new((660, 512), v))
                .unwrap();
            if b == 3 {
                band.set_color_interpretation(gdal::raster::ColorInterpretation::AlphaBand)
                    .unwrap();
            }
        }
        copy_to_cog(&mem, &theirs, &CogOptions::default()).unwrap();
        let level0 = |p: &Path, b: usize| -> Vec<u8> {
            let ds = Dataset::open(p).unwrap();
            let ovr = ds.rasterband(b).unwrap().overview(0).unwrap();
            assert_eq!(ovr.size(), (330, 256));
            ovr.read_as::<u8>((0, 0), (330, 256), (330, 256), None)
                .unwrap()
                .data()
                .to_vec()
        };
        // Ours, bit for bit: the pyramid of the pixels.
        let pixels: Vec<Rgba> = img
            .data
            .chunks_exact(4)
            .map(|p| Rgba([p[0], p[1], p[2], p[3]]))
            .collect();
        let pixels = Array2::from_shape_vec((512, 660), pixels).unwrap();
        let mut p = crate::raster::pyramid::Pyramid::new(
            (512, 660),
            256,
            crate::raster::pyramid::Reduction::Average { nodata: None },
        );
        let want = p.push(pixels.view()).remove(0).data;
        let (mut opaque, mut partial) = (0, 0);
        for b in 0..4 {
            let (o, g) = (level0(&ours, b + 1), level0(&theirs, b + 1));
            let w: Vec<u8> = want.iter().map(|px| px.0[b]).collect();
            assert_eq!(o, w, "band {}", b + 1);
            // Where the whole 2 x 2 block is opaque, GDAL's average is the same to rounding.
            for (i, Rgba(px)) in want.iter().enumerate() {
                if px[3] == 255 {
                    assert!(
                        o[i].abs_diff(g[i]) <= 1,
                        "band {} pixel {i}: {} vs {}",
                        b + 1,
                        o[i],
                        g[i]
                    );
                    opaque += 1;
                } else if px[3] > 0 {
                    partial += 1;
                }
            }
        }
        assert!(opaque > 4 * 50_000 && partial > 0, "{opaque} {partial}");
    }

    #[test]
    fn class_layers_keep_their_highest_class_in_the_overviews() {
        // 600 x 700 classes: 0 everywhere, one isolated pixel of class 3 at (301, 451), one of 1
        // at (3, 3) beside not-processed pixels (255), and a not-processed block.
        let mut data = Array2::from_elem((600, 700), 0u8);
        data[[301, 451]] = 3;
        data[[3, 3]] = 1;
        data.slice_mut(ndarray::s![0..3, ..]).fill(255);
        data.slice_mut(ndarray::s![500.., 600..]).fill(255);
        let r = Raster {
            data,
            georef: raster().georef,
            nodata: Some(255.0),
            unit: Unit::Other("class".into()),
        };
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("anomaly.tif");
        let opts = CogOptions {
            resampling: crate::io::MAX_VALID,
            ..CogOptions::default()
        };
        write_cog(&r, &path, &opts).unwrap();
        let ds = Dataset::open(&path).unwrap();
        let band = ds.rasterband(1).unwrap();
        assert_eq!(band.overview_count().unwrap(), 2);
        let ovr = band.overview(0).unwrap();
        assert_eq!(ovr.size(), (350, 300));
        let v = ovr
            .read_as::<u8>((0, 0), (350, 300), (350, 300), None)
            .unwrap();
        let at = |r: usize, c: usize| v.data()[r * 350 + c];
        assert_eq!(at(150, 225), 3, "the isolated class-3 pixel survives");
        assert_eq!(at(1, 1), 1, "class 1 beside not-processed pixels");
        assert_eq!(
            at(1, 100),
            0,
            "not processed beside processed: the processed class"
        );
        assert_eq!(at(0, 100), 255, "not processed where every pixel is");
        assert_eq!(at(299, 349), 255, "not processed where every pixel is");
        assert_eq!(v.data().iter().filter(|&&x| x == 3).count(), 1);
    }
}

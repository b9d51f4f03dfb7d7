//! The thermal map (`thermal_map.tif` and its quicklook `thermal_map.png`) streamed from
//! `bt.tif` in strips of full rows, so that memory does not grow with the raster: a strip is
//! read, coloured (`render::render_thermal`), written into the streamed RGBA COG and reduced
//! into the quicklook (at most [`QUICKLOOK_MAX_PX`] on the long side). A robust colour range
//! takes one pass first, each strip taking its part of the systematic subsample of
//! `render::percentiles` (`render::Sampler`). Strips hold a multiple of the quicklook factor in rows, so every
//! quicklook block lies in one strip and the files are those of the whole-raster path (tested).

use std::path::Path;

use crate::error::{Error, Result};
use crate::io::{self, BlockReader, Staged, StreamedRgbaCog};
use crate::raster::{for_each_block, tile};
use crate::render::{
    self, Palette, QUICKLOOK_MAX_PX, Range, RangeChoice, Rgba8Image, Sampler, downsample,
    quicklook_factor, reduced_georef, render_thermal,
};

/// Working memory aimed at per strip: 4 bytes of temperature and 4 of colour per pixel.
const STRIP_BYTES: usize = 32 << 20;

/// The staged thermal map files and the colour range used.
#[derive(Debug)]
pub struct ThermalMap {
    pub range: Range,
    pub staged: Vec<Staged>,
}

/// Stages `thermal_map.tif` and `thermal_map.png` (+ world file, aux.xml) in `dir` from the
/// temperature raster `bt_path`.
pub fn stage_thermal_map(
    bt_path: &Path,
    dir: &Path,
    choice: RangeChoice,
    palette: Palette,
) -> Result<ThermalMap> {
    stage_with(bt_path, dir, choice, palette, None, QUICKLOOK_MAX_PX)
}

/// The colour range of the temperature raster `bt_path` (`render::thermal_range` of the whole
/// raster, read in strips); `None` when it has no valid pixel and no fixed range was given.
pub fn thermal_range_of_file(bt_path: &Path, choice: RangeChoice) -> Result<Option<Range>> {
    let mut readers = readers(bt_path)?;
    let rows = strip_rows(readers[0].shape().1, 1);
    range_in(&mut readers, choice, rows)
}

fn range_in(
    readers: &mut [BlockReader],
    choice: RangeChoice,
    rows: usize,
) -> Result<Option<Range>> {
    if let RangeChoice::Fixed(r) = choice {
        return Ok(Some(r));
    }
    let shape = readers[0].shape();
    // The detection tags bt.tif with this very range as it writes it (`RANGE_TAG`): no second
    // read of the raster to sample it.
    let tagged = readers[0]
        .metadata_item(render::stretch::RANGE_TAG)
        .and_then(|t| render::stretch::parse_range_tag(&t, shape));
    if let Some(r) = tagged {
        return Ok(Some(r.rounded_out(render::thermal::RANGE_STEP_K)));
    }
    let n_px = shape.0 * shape.1;
    let mut sampler = Sampler::new(n_px);
    for_each_block(
        &tile(shape, (rows, 0), 0),
        readers,
        |r, b| {
            let t = r.read::<f32>(b.core)?;
            let mut s = Sampler::new(n_px);
            s.push(b.core.row0 * shape.1, t.data.iter().copied());
            Ok(s)
        },
        |_, piece| {
            sampler.append(piece);
            Ok(())
        },
    )?;
    Ok(sampler
        .robust_range()
        .map(|r| r.rounded_out(render::thermal::RANGE_STEP_K)))
}

/// One reader of band 1 of `path` per worker thread.
fn readers(path: &Path) -> Result<Vec<BlockReader>> {
    (0..rayon::current_num_threads().max(1))
        .map(|_| BlockReader::open(path, 1))
        .collect()
}

/// Rows per strip for `cols` columns: about [`STRIP_BYTES`], a multiple of `factor`.
fn strip_rows(cols: usize, factor: usize) -> usize {
    let rows = (STRIP_BYTES / (cols.max(1) * 8)).max(1);
    (rows / factor).max(1) * factor
}

/// [`stage_thermal_map`] with the strip height (`None`: [`strip_rows`]) and the quicklook size
/// as parameters, for the tests.
fn stage_with(
    bt_path: &Path,
    dir: &Path,
    choice: RangeChoice,
    palette: Palette,
    rows: Option<usize>,
    quicklook_max_px: usize,
) -> Result<ThermalMap> {
    let mut readers = readers(bt_path)?;
    let shape = readers[0].shape();
    let georef = readers[0].georef().clone();
    let factor = quicklook_factor(shape.1, shape.0, quicklook_max_px);
    let rows = rows.map_or_else(|| strip_rows(shape.1, factor), |r| r.max(1) * factor);
    let range = range_in(&mut readers, choice, rows)?
        .ok_or_else(|| Error::input(bt_path, "no valid pixel: cannot choose a colour range"))?;
    let tif = dir.join("thermal_map.tif");
    let mut cog = StreamedRgbaCog::create(
        &tif,
        shape,
        &georef,
        true,
        &["red", "green", "blue", "alpha"],
        // Palette colours: no predictor (io::Predictor).
        io::Predictor::None,
    )?;
    let mut quick = Rgba8Image::transparent(
        shape.1.div_ceil(factor),
        shape.0.div_ceil(factor),
        reduced_georef(&georef, factor),
    );
    // Strips are read, coloured and reduced in parallel, and written in order.
    for_each_block(
        &tile(shape, (rows, 0), 0),
        &mut readers,
        |r, b| {
            let img = render_thermal(&r.read::<f32>(b.core)?, range, palette);
            let small = downsample(&img, factor);
            Ok((img, small))
        },
        |b, (img, small)| {
            cog.write_rows(b.core.row0, &img)?;
            let at = (b.core.row0 / factor) * quick.width * 4;
            quick.data[at..at + small.data.len()].copy_from_slice(&small.data);
            Ok(())
        },
    )?;
    // GDAL's COG copy and the PNG encoding are each mostly serial: side by side they take
    // the time of the longer one.
    let png = dir.join("thermal_map.png");
    let (cog, quicklook) = rayon::join(|| cog.finish(), || io::stage_png_quicklook(&quick, &png));
    let mut staged = vec![cog?];
    staged.extend(quicklook?);
    Ok(ThermalMap { range, staged })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raster::{GeoTransform, Georef, Raster, Unit};
    use ndarray::Array2;

    fn bt(dir: &Path) -> std::path::PathBuf {
        let srs = gdal::spatial_ref::SpatialRef::from_epsg(32648).unwrap();
        // 533 x 700 (no multiple of any strip or tile), NaN corner and column, a hot spot.
        let data = Array2::from_shape_fn((533, 700), |(r, c)| {
            if (r < 40 && c < 90) || c == 311 {
                f32::NAN
            } else {
                let hot = if (r as i32 - 300).pow(2) + (c as i32 - 420).pow(2) < 64 {
                    60.0
                } else {
                    0.0
                };
                285.0 + 10.0 * ((c as f32 / 70.0).sin() * (r as f32 / 50.0).cos()) + hot
            }
        });
        let path = dir.join("bt.tif");
        let raster = Raster {
            data,
            georef: Georef {
                transform: GeoTransform([500_000.0, 30.0, 0.0, 4_400_000.0, 0.0, -30.0]),
                crs_wkt: srs.to_wkt().unwrap(),
                epsg: Some(32648),
                ground_m_per_unit: None,
            },
            nodata: Some(f64::NAN),
            unit: Unit::Kelvin,
        };
        io::write_cog(&raster, &path, &Default::default()).unwrap();
        path
    }

    /// The whole-raster path: read all of bt.tif, range, colour, write, reduce.
    fn whole(bt: &Path, dir: &Path, choice: RangeChoice, max_px: usize) -> Range {
        let t: Raster<f32> = io::read_band(bt, 1).unwrap();
        let range = render::thermal_range(&t.data, choice).unwrap();
        let img = render_thermal(&t, range, Palette::Inferno);
        io::stage_rgba_cog(
            &img,
            &dir.join("thermal_map.tif"),
            true,
            &["red", "green", "blue", "alpha"],
            io::Predictor::None,
        )
        .unwrap()
        .commit()
        .unwrap();
        let f = quicklook_factor(img.width, img.height, max_px);
        for s in
            io::stage_png_quicklook(&downsample(&img, f), &dir.join("thermal_map.png")).unwrap()
        {
            s.commit().unwrap();
        }
        range
    }

    #[test]
    fn streamed_thermal_map_equals_the_whole_raster_map() {
        let tmp = tempfile::tempdir().unwrap();
        let bt = bt(tmp.path());
        let fixed = RangeChoice::Fixed(Range::new(280.0, 320.0).unwrap());
        // (range, strip rows in quicklook blocks, quicklook size): factor 1 and factor 3
        // (700 / 256 → 3, strips of 3·37 = 111 rows), robust and fixed ranges.
        for (n, (choice, rows, max_px)) in [
            (RangeChoice::Robust, 37, 4096),
            (RangeChoice::Robust, 37, 256),
            (fixed, 50, 256),
            (RangeChoice::Robust, 1000, 256),
        ]
        .into_iter()
        .enumerate()
        {
            let a = tmp.path().join(format!("whole{n}"));
            let b = tmp.path().join(format!("streamed{n}"));
            std::fs::create_dir_all(&a).unwrap();
            std::fs::create_dir_all(&b).unwrap();
            let expect = whole(&bt, &a, choice, max_px);
            let got = stage_with(&bt, &b, choice, Palette::Inferno, Some(rows), max_px).unwrap();
            assert_eq!(got.range, expect, "case {n}");
            for s in got.staged {
                s.commit().unwrap();
            }
            for f in [
                "thermal_map.tif",
                "thermal_map.png",
                "thermal_map.pgw",
                "thermal_map.png.aux.xml",
            ] {
                let (x, y) = (std::fs::read(a.join(f)), std::fs::read(b.join(f)));
                assert_eq!(x.is_ok(), y.is_ok(), "case {n}: {f}");
                assert!(x.is_ok() || f.ends_with(".pgw"), "case {n}: no {f}");
                if let (Ok(x), Ok(y)) = (x, y) {
                    assert!(x == y, "case {n}: {f} differs");
                }
            }
        }
        let t: Raster<f32> = io::read_band(&bt, 1).unwrap();
        assert_eq!(
            thermal_range_of_file(&bt, RangeChoice::Robust).unwrap(),
            render::thermal_range(&t.data, RangeChoice::Robust)
        );
        assert!(strip_rows(40_000, 10).is_multiple_of(10) && strip_rows(40_000, 10) >= 10);
        assert_eq!(strip_rows(700, 1), (32 << 20) / (700 * 8));
    }

    #[test]
    fn a_range_tag_that_fits_the_raster_is_used_without_sampling() {
        let tmp = tempfile::tempdir().unwrap();
        let plain = bt(tmp.path());
        let sampled = thermal_range_of_file(&plain, RangeChoice::Robust)
            .unwrap()
            .unwrap();
        assert!(sampled.min < 280.0, "unlike the tag below: {sampled:?}");
        let t: Raster<f32> = io::read_band(&plain, 1).unwrap();
        // The same pixels tagged with a range their sample does not give (it gives 275.6–294.4 K
        // for the 285 ± 10 K field): used as it is, rounded out to 0.1 K; a tag taken on another shape,
        // or one that is not a range, is not.
        for (n, (tag, want)) in [
            ("290.52 300.21 533x700", Range::new(290.5, 300.3).unwrap()),
            ("290.52 300.21 533x699", sampled),
            ("290.52 533x700", sampled),
        ]
        .into_iter()
        .enumerate()
        {
            let path = tmp.path().join(format!("tagged{n}.tif"));
            let opts = io::CogOptions {
                metadata: vec![(render::stretch::RANGE_TAG.into(), tag.into())],
                ..Default::default()
            };
            io::write_cog(&t, &path, &opts).unwrap();
            let got = thermal_range_of_file(&path, RangeChoice::Robust)
                .unwrap()
                .unwrap();
            assert_eq!(got, want, "{tag}");
        }
    }
}

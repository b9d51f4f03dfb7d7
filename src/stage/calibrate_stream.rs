//! Streamed calibration: the raster is cut into full-width strips sized to a memory budget;
//! each wave of strips (one per worker thread) is read and calibrated in parallel, then
//! written in raster order into streamed COG writers ([`crate::io::StreamedCog`]). Memory is
//! bounded by the budget, not by the raster size; the output is byte-for-byte that of the
//! whole-raster path ([`super::calibrate_scene`] + [`crate::io::stage_cog`], tested).

use std::path::Path;

use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;

use super::calibrate_plan::CalibrationPlan;
use crate::error::Result;
use crate::io::{CogOptions, Staged, StreamedCog};
use crate::raster::{Block, Unit, tile};

/// Rows of the COG's internal tiles: strips are a multiple of this so each write fills whole
/// tiles of the intermediate file.
pub const TILE_ROWS: usize = 256;

/// Bytes kept for everything that is not a block (binary, GDAL drivers, writer state).
const FIXED_OVERHEAD_BYTES: u64 = 64 << 20;

/// How to stream.
#[derive(Debug, Clone)]
pub struct StreamOptions {
    /// Total memory the calibration may use, bytes (blocks in flight plus GDAL's block cache).
    pub memory_limit_bytes: u64,
    /// Strip height; `None` sizes it from the memory limit.
    pub block_rows: Option<usize>,
    /// Strips calibrated at once; `None`: one per rayon thread.
    pub in_flight: Option<usize>,
    /// Show a progress bar (callers pass false when stderr is not a terminal, with JSON logs or
    /// `--quiet`).
    pub progress: bool,
}

/// Count, minimum, maximum and mean of the valid (non-NaN) values, accumulated in raster order
/// exactly as a single pass over the whole raster would (same additions in the same order).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ValueStats {
    pub valid_pixels: usize,
    sum: f64,
    lo: f64,
    hi: f64,
}

impl Default for ValueStats {
    fn default() -> Self {
        Self {
            valid_pixels: 0,
            sum: 0.0,
            lo: f64::INFINITY,
            hi: f64::NEG_INFINITY,
        }
    }
}

impl ValueStats {
    /// Adds values in order.
    pub fn add<'a>(&mut self, values: impl IntoIterator<Item = &'a f32>) {
        for &v in values.into_iter().filter(|v| !v.is_nan()) {
            let v = f64::from(v);
            self.valid_pixels += 1;
            self.sum += v;
            self.lo = self.lo.min(v);
            self.hi = self.hi.max(v);
        }
    }

    pub fn min(&self) -> Option<f64> {
        (self.valid_pixels > 0).then_some(self.lo)
    }

    pub fn max(&self) -> Option<f64> {
        (self.valid_pixels > 0).then_some(self.hi)
    }

    pub fn mean(&self) -> Option<f64> {
        (self.valid_pixels > 0).then(|| self.sum / self.valid_pixels as f64)
    }
}

/// What a streamed calibration wrote (still under staging names) and found.
#[derive(Debug)]
pub struct StreamedCalibration {
    /// The product, then the mask when there is one; commit them together.
    pub staged: Vec<Staged>,
    pub stats: ValueStats,
    /// Strip height used and the number of strips.
    pub block_rows: usize,
    pub blocks: usize,
}

/// Memory split of a budget: GDAL's block cache and strip height.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StripPlan {
    pub block_rows: usize,
    pub gdal_cache_bytes: u64,
    /// False when even one tile row per strip exceeds the budget (the strips are then one tile
    /// row high and the limit is exceeded; the caller warns).
    pub fits: bool,
}

/// Working memory a strip aims at: larger strips do not run faster (the time goes to decoding
/// and compressing, per pixel) but cost memory.
pub const TARGET_STRIP_BYTES: u64 = 64 << 20;

/// Splits `memory_limit_bytes` between GDAL's block cache (a quarter, at most 128 MiB: a larger
/// cache does not make the COG build faster, measured in docs/performance.md) and two
/// waves (one being written, one computed) of `in_flight` strips of `bytes_per_px` per pixel
/// over a `shape = (rows, cols)` raster. Strips
/// are a multiple of [`TILE_ROWS`] high, about [`TARGET_STRIP_BYTES`] each (at least one tile
/// row), fewer when the limit is tighter, and no higher than needed to give every worker one.
pub fn plan_strips(
    shape: (usize, usize),
    bytes_per_px: usize,
    in_flight: usize,
    memory_limit_bytes: u64,
) -> StripPlan {
    let gdal_cache_bytes = (memory_limit_bytes / 4).clamp(16 << 20, 128 << 20);
    let for_blocks = memory_limit_bytes.saturating_sub(gdal_cache_bytes + FIXED_OVERHEAD_BYTES);
    let per_tile_row = (shape.1.max(1) * bytes_per_px * TILE_ROWS) as u64;
    let alive = 2 * in_flight.max(1) as u64;
    let tile_rows_fit = (for_blocks / (per_tile_row * alive)) as usize;
    let tile_rows_target = ((TARGET_STRIP_BYTES / per_tile_row) as usize).max(1);
    let needed = shape
        .0
        .div_ceil(in_flight.max(1))
        .div_ceil(TILE_ROWS)
        .max(1);
    StripPlan {
        block_rows: tile_rows_fit.min(tile_rows_target).clamp(1, needed) * TILE_ROWS,
        gdal_cache_bytes,
        fits: tile_rows_fit >= 1,
    }
}

/// Calibrates `plan` into a COG at `out` (and its validity mask at `mask`, when the plan has
/// one), strip by strip. Returns the staged files; nothing is under a final name yet. The
/// caller sets GDAL's block cache to [`plan_strips`]'s share of the budget beforehand.
pub fn calibrate_streamed(
    plan: &CalibrationPlan,
    out: (&Path, &CogOptions),
    mask: Option<(&Path, &CogOptions)>,
    opts: &StreamOptions,
) -> Result<StreamedCalibration> {
    let in_flight = opts
        .in_flight
        .unwrap_or_else(rayon::current_num_threads)
        .max(1);
    let strips = plan_strips(
        plan.shape,
        plan.bytes_per_block_px(),
        in_flight,
        opts.memory_limit_bytes,
    );
    if !strips.fits && opts.block_rows.is_none() {
        tracing::warn!(
            "--memory-limit {} MiB is too small for {in_flight} strips of {} columns; using {}-row strips",
            opts.memory_limit_bytes >> 20,
            plan.shape.1,
            TILE_ROWS
        );
    }
    let block_rows = opts.block_rows.unwrap_or(strips.block_rows).max(1);
    let blocks = tile(plan.shape, (block_rows, 0), 0);
    tracing::debug!(
        block_rows,
        blocks = blocks.len(),
        in_flight,
        "streaming calibration"
    );

    let mut readers = (0..in_flight.min(blocks.len()))
        .map(|_| plan.open_readers())
        .collect::<Result<Vec<_>>>()?;
    let mut writer = StreamedCog::<f32>::create(
        out.0,
        plan.shape,
        &plan.georef,
        Some(f64::NAN),
        &plan.unit,
        out.1,
    )?;
    let mut mask_writer = match (mask, plan.has_mask()) {
        (Some((path, o)), true) => Some(StreamedCog::<u8>::create(
            path,
            plan.shape,
            &plan.georef,
            None,
            &Unit::Other("flags".into()),
            o,
        )?),
        _ => None,
    };
    let t0 = std::time::Instant::now();
    let bar = progress_bar(opts.progress, blocks.len(), &plan.band);
    let mut stats = ValueStats::default();
    let mut valid = [0usize; 4];
    // Wave i is written (in raster order, on the calling thread) while wave i + 1 is read and
    // calibrated on the other workers: two waves are in memory at once.
    let mut pending: Option<(&[Block], Vec<super::BlockOutput>)> = None;
    let mut sink = |wave: &[Block], outs: Vec<super::BlockOutput>| -> Result<()> {
        for (b, o) in wave.iter().zip(outs) {
            write_block(b, &o, &mut writer, mask_writer.as_mut())?;
            stats.add(o.values.iter());
            for (v, n) in valid.iter_mut().zip(o.input_counts) {
                *v += n;
            }
            bar.inc(1);
        }
        Ok(())
    };
    for wave in blocks.chunks(readers.len()) {
        let previous = pending.take();
        let (written, outs) = rayon::join(
            || previous.map_or(Ok(()), |(w, o)| sink(w, o)),
            || {
                wave.par_iter()
                    .zip(readers.par_iter_mut())
                    .map(|(b, r)| plan.calibrate_block(r, b.core))
                    .collect::<Result<Vec<_>>>()
            },
        );
        written?;
        pending = Some((wave, outs?));
    }
    if let Some((w, o)) = pending.take() {
        sink(w, o)?;
    }
    drop(readers);
    release_freed_memory();
    plan.check_valid(valid)?;
    let strips_s = t0.elapsed().as_secs_f64();
    bar.set_message(format!("{}: building COG overviews", plan.band));
    let mut staged = vec![writer.finish()?];
    if let Some(w) = mask_writer {
        staged.push(w.finish()?);
    }
    bar.finish_and_clear();
    tracing::debug!(
        strips_s,
        cog_s = t0.elapsed().as_secs_f64() - strips_s,
        "streamed calibration timings"
    );
    Ok(StreamedCalibration {
        staged,
        stats,
        block_rows,
        blocks: blocks.len(),
    })
}

/// Hands the strips' freed memory back to the system before GDAL builds the COG: glibc keeps
/// freed blocks of the worker threads' arenas, which would otherwise add to the peak of the
/// COG stage.
fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        unsafe extern "C" {
            fn malloc_trim(pad: usize) -> std::ffi::c_int;
        }
        // SAFETY: glibc's malloc_trim only returns free heap memory to the OS.
        unsafe {
            malloc_trim(0);
        }
    }
}

fn write_block(
    b: &Block,
    o: &super::BlockOutput,
    writer: &mut StreamedCog<f32>,
    mask_writer: Option<&mut StreamedCog<u8>>,
) -> Result<()> {
    writer.write(b.core, o.values.view())?;
    if let (Some(w), Some(m)) = (mask_writer, &o.mask) {
        w.write(b.core, m.view())?;
    }
    Ok(())
}

fn progress_bar(show: bool, blocks: usize, band: &str) -> ProgressBar {
    if !show {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(blocks as u64);
    if let Ok(style) =
        ProgressStyle::with_template("{elapsed_precise} [{bar:30}] {pos}/{len} strips  {msg}")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(format!("{band}: calibrating"));
    bar.enable_steady_tick(std::time::Duration::from_millis(250));
    bar
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_fit_the_budget() {
        // 16000 cols, 10 bytes per pixel: one tile row of one strip is 16000*10*256 = 40.96 MB,
        // so the 64 MiB target gives 1 tile row (256 rows), and 500 - 125 - 64 = 311 MiB hold
        // the 4 strips alive (164 MB); GDAL's cache is a quarter of the limit, at most 128 MiB.
        let p = plan_strips((16000, 16000), 10, 2, 500 << 20);
        assert_eq!(p.gdal_cache_bytes, 125 << 20);
        assert_eq!(p.block_rows, 256);
        assert!(p.fits);
        // 2000 cols: a tile row is 5.12 MB → 13 tile rows (66.6 MB) is the most under 64 MiB
        // (67.1 MB).
        assert_eq!(
            plan_strips((16000, 2000), 10, 2, 8 << 30).block_rows,
            13 * 256
        );
        // ... unless the limit is tighter: 200 MiB - 50 MiB cache - 64 MiB = 86 MiB for two
        // waves of 2 strips → 4 tile rows each (4 x 4 x 5.12 MB = 81.9 MB ≤ 90.2 MB).
        assert_eq!(
            plan_strips((16000, 2000), 10, 2, 200 << 20).block_rows,
            4 * 256
        );
        // Small raster: never more than one strip per worker (603 rows / 2 → 302 → 512).
        assert_eq!(plan_strips((603, 627), 10, 2, 8 << 30).block_rows, 512);
        // Budget too small for even one tile row: one tile row, flagged.
        let p = plan_strips((16000, 160000), 10, 2, 128 << 20);
        assert_eq!(p.block_rows, 256);
        assert!(!p.fits);
        // The cache is capped.
        assert_eq!(
            plan_strips((10, 10), 4, 2, 64 << 30).gdal_cache_bytes,
            128 << 20
        );
    }

    #[test]
    fn stats_accumulate_like_one_pass() {
        let v = [1.5f32, f32::NAN, -2.0, 7.25];
        let mut whole = ValueStats::default();
        whole.add(v.iter());
        let mut parts = ValueStats::default();
        parts.add(v[..2].iter());
        parts.add(v[2..].iter());
        assert_eq!(whole, parts);
        assert_eq!(whole.valid_pixels, 3);
        assert_eq!((whole.min(), whole.max()), (Some(-2.0), Some(7.25)));
        assert_eq!(whole.mean(), Some(6.75 / 3.0));
        assert_eq!(ValueStats::default().mean(), None);
    }
}

#[cfg(test)]
mod identity_tests {
    //! The streamed files are byte-for-byte the whole-raster path's (`calibrate_scene`, then
    //! `io::stage_cog` of the values and of the mask), on real crops whose sizes are not
    //! multiples of the strips.
    use super::*;
    use crate::raster::Raster;
    use crate::stage::{CalibrateOptions, calibrate_scene, plan_calibration};

    fn fixture(rel: &str) -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("testdata")
            .join(rel)
    }

    fn check(scene_dir: &str, opts: CalibrateOptions, expect_mask: bool) {
        check_input(&fixture(scene_dir), opts, expect_mask);
    }

    fn check_input(input: &Path, opts: CalibrateOptions, expect_mask: bool) {
        let scene_dir = input.display();
        let scene = crate::scene::open_scene(input, None).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let cog = CogOptions {
            description: Some("value".into()),
            ..CogOptions::default()
        };
        let mask_cog = CogOptions {
            resampling: "NEAREST",
            description: Some("flags".into()),
            ..CogOptions::default()
        };
        // Whole-raster path.
        let cal = calibrate_scene(&scene, &opts).unwrap();
        let whole = dir.path().join("whole.tif");
        let whole_mask = dir.path().join("whole_mask.tif");
        crate::io::write_cog(&cal.raster, &whole, &cog).unwrap();
        assert_eq!(cal.mask.is_some(), expect_mask);
        if let Some(m) = &cal.mask {
            let r = Raster {
                data: m.flags.clone(),
                georef: cal.raster.georef.clone(),
                nodata: None,
                unit: Unit::Other("flags".into()),
            };
            crate::io::write_cog(&r, &whole_mask, &mask_cog).unwrap();
        }
        let mut expect_stats = ValueStats::default();
        expect_stats.add(cal.raster.data.iter());

        let plan = plan_calibration(&scene, &opts).unwrap();
        for (rows, in_flight) in [(100, 2), (256, 1), (7, 3), (100_000, 2)] {
            let out = dir.path().join("s.tif");
            let mask = dir.path().join("s_mask.tif");
            let s = calibrate_streamed(
                &plan,
                (&out, &cog),
                Some((&mask, &mask_cog)),
                &StreamOptions {
                    memory_limit_bytes: 1 << 30,
                    block_rows: Some(rows),
                    in_flight: Some(in_flight),
                    progress: false,
                },
            )
            .unwrap();
            assert_eq!(s.stats, expect_stats, "{scene_dir} rows {rows}");
            assert_eq!(s.staged.len(), 1 + usize::from(expect_mask));
            crate::io::commit_all(s.staged).unwrap();
            let same = |a: &Path, b: &Path| std::fs::read(a).unwrap() == std::fs::read(b).unwrap();
            assert!(same(&whole, &out), "{scene_dir} {opts:?} rows {rows}");
            if expect_mask {
                assert!(same(&whole_mask, &mask), "{scene_dir} mask rows {rows}");
            } else {
                assert!(!mask.exists());
            }
            std::fs::remove_file(&out).unwrap();
            let _ = std::fs::remove_file(&mask);
        }
    }

    #[test]
    fn level1_bt_and_pre_collection_mask() {
        check(
            "landsat8-l1t-pensacola-2015",
            CalibrateOptions::default(),
            true,
        );
    }

    #[test]
    fn level1_lst_reads_three_bands_per_strip() {
        let opts = CalibrateOptions {
            lst: true,
            ..CalibrateOptions::default()
        };
        check("landsat8-l1t-pensacola-2015", opts, true);
    }

    #[test]
    fn level2_surface_temperature_and_qa_pixel() {
        let opts = CalibrateOptions {
            band: Some("ST_B10".into()),
            ..CalibrateOptions::default()
        };
        check("LC08_L2SP_001062_20201031_20201106_02_T2", opts, true);
    }

    #[test]
    fn level2_without_qa_masks_water_from_four_bands_per_strip() {
        // No QA_PIXEL among the inputs, SR_B3–B6 present: the mask is the spectral water test.
        let scene = "LC08_L2SP_204023_20200927_20201006_02_T1";
        check(scene, CalibrateOptions::default(), true);
        let off = CalibrateOptions {
            spectral_water: false,
            ..CalibrateOptions::default()
        };
        check(scene, off, false);
    }

    #[test]
    fn optical_reflectance_without_qa() {
        let opts = CalibrateOptions {
            band: Some("B4".into()),
            ..CalibrateOptions::default()
        };
        check("LC08_L1TP_227074_20190809_20200827_02_T1", opts, false);
    }

    #[test]
    fn generic_celsius_raster_with_nodata() {
        // Float32 in deg C with a -9999 nodata block and NaNs: read as f64, nodata → NaN.
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("mosaic.tif");
        let r = Raster {
            data: ndarray::Array2::from_shape_fn((413, 389), |(r, c)| {
                if r < 50 && c < 60 {
                    -9999.0f32
                } else if (r + c) % 97 == 0 {
                    f32::NAN
                } else {
                    10.0 + (r as f32 * 0.37).sin() * 4.0 + c as f32 * 0.01
                }
            }),
            georef: crate::raster::Georef {
                transform: crate::raster::GeoTransform([0.0, 0.25, 0.0, 0.0, 0.0, -0.25]),
                crs_wkt: String::new(),
                epsg: None,
                ground_m_per_unit: None,
            },
            nodata: Some(-9999.0),
            unit: Unit::Celsius,
        };
        crate::io::write_cog(&r, &input, &CogOptions::default()).unwrap();
        check_input(&input, CalibrateOptions::default(), false);
    }

    #[test]
    fn an_input_without_valid_pixels_stages_nothing() {
        // A DN band of fill only: the error names the file, and no file is left behind.
        let dir = tempfile::tempdir().unwrap();
        let band = dir.path().join("fill.tif");
        let r = Raster {
            data: ndarray::Array2::<u16>::zeros((300, 40)),
            georef: crate::raster::Georef {
                transform: crate::raster::GeoTransform([0.0, 30.0, 0.0, 0.0, 0.0, -30.0]),
                crs_wkt: String::new(),
                epsg: None,
                ground_m_per_unit: None,
            },
            nodata: None,
            unit: Unit::Dn,
        };
        crate::io::write_cog(&r, &band, &CogOptions::default()).unwrap();
        std::fs::copy(
            fixture("landsat8-l1t-pensacola-2015/l8_MTL.txt"),
            dir.path().join("l8_MTL.txt"),
        )
        .unwrap();
        let renamed = dir.path().join("l8_B10.tif");
        std::fs::rename(&band, &renamed).unwrap();
        let scene = crate::scene::open_scene(&renamed, None).unwrap();
        let plan = plan_calibration(&scene, &CalibrateOptions::default()).unwrap();
        let out_dir = tempfile::tempdir().unwrap();
        let out = out_dir.path().join("bt.tif");
        let err = calibrate_streamed(
            &plan,
            (&out, &CogOptions::default()),
            None,
            &StreamOptions {
                memory_limit_bytes: 1 << 30,
                block_rows: Some(64),
                in_flight: Some(2),
                progress: false,
            },
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("l8_B10.tif") && err.contains("no valid pixels"),
            "{err}"
        );
        assert_eq!(std::fs::read_dir(out_dir.path()).unwrap().count(), 0);
    }
}

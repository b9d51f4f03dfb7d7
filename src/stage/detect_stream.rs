//! Streamed detection stage (issue 10): a thermal scene too large for the whole-raster path is
//! calibrated, tested and written strip by strip, so memory is bounded by the strips in flight
//! and the flagged pixels, not by the raster:
//!
//! 1. the `contextual` test and its budget over strips ([`crate::detect::streamed`]), each
//!    strip read and calibrated as `calibrate` streams ([`super::CalibrationPlan`]) on the
//!    first pass and read back from a scratch file on the later ones
//!    ([`super::thermal_scratch`]);
//! 2. `bt.tif` on a thread of its own from the scratch file, as soon as the first pass has
//!    filled it, beside the pixel test; after the test, a last pass over the strips writes
//!    `anomaly.tif` (and `bt.tif` when there is no scratch file) with
//!    [`crate::io::StreamedCog`] (classes: `NOT_PROCESSED` where invalid, `NONE` elsewhere,
//!    overwritten by the flagged pixels' confidences);
//! 3. fire zones from the sparse flagged pixels (`detect::sparse_zones` + `detect::stitch`).
//!
//! The files and zones are those of the whole-raster path (tested); the vector layers are built
//! from them in `detect_stream_job`. What is not streamed yet: an AOI, SWIR and the `ksigma`,
//! `otsu` and `multiscale` methods: such jobs run whole-raster ([`stream_plan`]).

use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

use ndarray::{Array2, Zip};

use super::calibrate::CalibrateOptions;
use super::calibrate_plan::{BlockOutput, CalibrationPlan, PlanReaders, plan_calibration};
use super::calibrate_stream::{TILE_ROWS, plan_strips};
use super::detect::{Timing, thermal_reject_flags};
use super::thermal_scratch::{CountedWindow, ThermalScratch};
use crate::detect::cluster::FireZone;
use crate::detect::config::DetectConfig;
use crate::detect::streamed::{
    StreamedThermal, ThermalWindow, can_stream, detect_thermal_streamed,
};
use crate::detect::strip::window_classes;
use crate::detect::{Flagged, confidence, sparse_zones, stitch};
use crate::error::{Error, Result};
use crate::io::{CogOptions, Staged, StreamedCog};
use crate::raster::MaskReason;
use crate::raster::{PixelWindow, Unit, for_each_block, tile};
use crate::render::stretch::{RANGE_TAG, Sampler, sampled_range_tag};
use crate::scene::Scene;

/// Working bytes per pixel of a detection strip beyond the calibration's: the fixed-point copy
/// of the window sums (8), candidate and background masks (4), validity and classes (2), with
/// room to spare. A strip whose candidates exceed 1/8 of its pixels also builds summed-area
/// tables (28 B/px, `detect::contextual`); this budget does not cover that case (measured peaks
/// stay well inside the limit: docs/performance.md).
const DETECT_BYTES_PER_PX: usize = 32;

/// Memory of `bt.tif`'s writer running beside the pixel test, beyond GDAL's block cache: its
/// window (256 rows, 5 B/px) and the COG driver's buffers, which grow with the width. Measured
/// when the driver still built the overviews itself (it now copies seamfire's, `io::overviews`,
/// so this is on the safe side): peak RSS rose by 115 MiB on a 16000-column mosaic and by less
/// than the run-to-run spread (about 60 MiB) on a 7801-column scene; 8 KiB per column covers
/// both (125 and 61 MiB).
fn bt_writer_bytes(cols: usize) -> u64 {
    cols as u64 * 8192
}

/// Bytes per pixel the whole-raster detection holds (measured: 1.8 GB for a 61.7 Mpx Landsat
/// scene, docs/performance.md), to decide when to stream.
pub const WHOLE_RASTER_BYTES_PER_PX: u64 = 30;

/// Environment variable forcing the streamed path with strips of this many rows (tests and
/// benchmarks; hidden).
pub const STRIP_ROWS_ENV: &str = "SEAMFIRE_DETECT_STRIP_ROWS";

/// Environment variable (set to any value) making every pass read the input, as when the disk
/// has no room for the scratch file (tests of that path; hidden).
pub const NO_SCRATCH_ENV: &str = "SEAMFIRE_DETECT_NO_SCRATCH";

/// How to stream one detection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamOptions {
    pub memory_limit_bytes: u64,
    /// Strip height (rows, without the halo); `None`: sized from the memory limit.
    pub strip_rows: Option<usize>,
}

/// The memory limit `seamfire detect` was given (`--memory-limit`), for [`stream_plan`].
static MEMORY_LIMIT_BYTES: std::sync::OnceLock<u64> = std::sync::OnceLock::new();

/// Sets the memory limit detection jobs of this process use to decide whether to stream.
pub fn set_memory_limit_bytes(bytes: u64) {
    let _ = MEMORY_LIMIT_BYTES.set(bytes);
}

/// Whether `scenes`/`cfg` run streamed: one thermal scene with the `contextual` method, no AOI
/// and no SWIR evidence, and either a forced strip height ([`STRIP_ROWS_ENV`]) or a raster whose
/// whole-raster detection would exceed the memory limit. `None`: run whole-raster.
pub fn stream_plan(
    scenes: &[Scene],
    cfg: &DetectConfig,
    aoi: Option<&Path>,
    thermal: Option<&Scene>,
) -> Option<StreamOptions> {
    let scene = thermal?;
    let swir = cfg.swir_enabled && scenes.iter().any(|s| s.bands.contains_key("B7"));
    if scenes.len() != 1 || aoi.is_some() || swir || !can_stream(cfg) {
        return None;
    }
    let memory_limit_bytes = *MEMORY_LIMIT_BYTES.get().unwrap_or(&(u64::MAX / 2));
    let forced: Option<usize> = std::env::var(STRIP_ROWS_ENV)
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&r| r > 0);
    if forced.is_some() {
        return Some(StreamOptions {
            memory_limit_bytes,
            strip_rows: forced,
        });
    }
    let band = scene.default_thermal_band()?;
    let info = crate::io::raster_info(scene.bands.get(&band).unwrap_or(&scene.input)).ok()?;
    let (rows, cols) = (info.height, info.width);
    too_large_for_whole((rows, cols), memory_limit_bytes).then_some(StreamOptions {
        memory_limit_bytes,
        strip_rows: None,
    })
}

/// True when the whole-raster detection of a `shape` raster would exceed the limit.
pub fn too_large_for_whole(shape: (usize, usize), memory_limit_bytes: u64) -> bool {
    (shape.0 as u64 * shape.1 as u64).saturating_mul(WHOLE_RASTER_BYTES_PER_PX) > memory_limit_bytes
}

/// What a streamed detection produced.
#[derive(Debug)]
pub struct StreamedDetection {
    /// `bt.tif` then `anomaly.tif`, staged (not yet under their final names).
    pub staged: Vec<Staged>,
    pub plan: CalibrationPlan,
    pub thermal: StreamedThermal,
    pub zones: Vec<FireZone>,
    /// Fire zone id of each zone pixel (the sparse equivalent of the whole run's zone labels).
    pub zone_of_pixel: HashMap<(usize, usize), u32>,
    /// Pixels per class of `anomaly.tif`: none, low, nominal, high, not processed.
    pub class_counts: [usize; 5],
    pub windows: &'static str,
    pub timings: Vec<Timing>,
    pub strip_rows: usize,
}

/// Detects on `scene`'s thermal band in strips and stages `bt.tif` and `anomaly.tif` in `dir`.
pub fn detect_streamed(
    scene: &Scene,
    cfg: &DetectConfig,
    dir: &Path,
    opts: &StreamOptions,
) -> Result<StreamedDetection> {
    let mut timings = Vec::new();
    let plan = plan_calibration(
        scene,
        &CalibrateOptions {
            band: None,
            lst: cfg.lst,
            generic: cfg.input,
            spectral_water: cfg.spectral_water,
            mask: cfg.mask.clone(),
        },
    )?;
    let pixel_m = plan.georef.nominal_pixel_m(plan.shape.0);
    super::detect::check_pixel_size(&scene.input, pixel_m, &plan.georef)?;
    let (cfg_eff, windows) = crate::detect::preset::effective(cfg, pixel_m);
    let in_flight = rayon::current_num_threads().max(1);
    let strips = plan_strips(
        plan.shape,
        plan.bytes_per_block_px() + DETECT_BYTES_PER_PX,
        in_flight,
        opts.memory_limit_bytes,
    );
    crate::io::set_gdal_cache_bytes(strips.gdal_cache_bytes);
    let halo_rows = crate::detect::streamed::thermal_halo_rows(&cfg_eff, pixel_m);
    let strip_rows = opts
        .strip_rows
        .unwrap_or_else(|| {
            detect_strip_rows(
                plan.shape.1,
                plan.bytes_per_block_px() + DETECT_BYTES_PER_PX,
                in_flight,
                halo_rows,
                opts.memory_limit_bytes
                    .saturating_sub(strips.gdal_cache_bytes)
                    .saturating_sub(bt_writer_bytes(plan.shape.1)),
            )
        })
        .max(1);
    tracing::info!(strip_rows, halo_rows, "detecting in strips");
    let mut readers = (0..in_flight)
        .map(|_| plan.open_readers())
        .collect::<Result<Vec<_>>>()?;
    let reject = thermal_reject_flags(cfg.mask_cirrus);
    let scratch = if std::env::var_os(NO_SCRATCH_ENV).is_some() {
        None
    } else {
        ThermalScratch::create(dir, plan.shape)
    };
    let read_counted = |r: &mut PlanReaders, w: PixelWindow| -> Result<CountedWindow> {
        let source = |r: &mut PlanReaders| -> Result<CountedWindow> {
            let out = plan.calibrate_block(r, w)?;
            let inputs = out.input_counts;
            Ok((thermal_window(out, reject), inputs))
        };
        match &scratch {
            Some(s) => s.read(w, || source(r)),
            None => source(r),
        }
    };
    let (mut thermal, staged, class_counts, [contextual_s, writes_s]) = test_and_write(
        &plan,
        dir,
        &cfg_eff,
        (pixel_m, strip_rows),
        &mut readers,
        &read_counted,
        scratch.is_some(),
    )?;
    timings.push(Timing {
        stage: "scene statistics".into(),
        seconds: thermal.scene_stats_s,
    });
    timings.push(Timing {
        stage: "contextual".into(),
        seconds: contextual_s - thermal.scene_stats_s,
    });
    drop(readers);
    drop(scratch);
    // The raster writes after the test (`anomaly.tif`, and waiting for `bt.tif`'s thread).
    timings.push(Timing {
        stage: "write rasters".into(),
        seconds: writes_s,
    });

    let start = Instant::now();
    let (zones, components) = zones_of(&thermal.flagged, cfg, &plan);
    let zone_of_pixel = components
        .iter()
        .enumerate()
        .flat_map(|(i, px)| px.iter().map(move |&rc| (rc, i as u32 + 1)))
        .collect();
    timings.push(timing("zones", start));
    thermal.stats.flagged = thermal.flagged.len();
    Ok(StreamedDetection {
        staged,
        plan,
        thermal,
        zones,
        zone_of_pixel,
        class_counts,
        windows,
        timings,
        strip_rows,
    })
}

/// Strip height for detection: the halo is read and tested again by both neighbours, so strips
/// aim at 8 halos high (a multiple of [`TILE_ROWS`], at least one), as high as `in_flight`
/// strips with their halos fit in `memory_bytes` at `bytes_per_px`.
pub fn detect_strip_rows(
    cols: usize,
    bytes_per_px: usize,
    in_flight: usize,
    halo_rows: usize,
    memory_bytes: u64,
) -> usize {
    let per_row = (cols.max(1) * bytes_per_px * in_flight.max(1)) as u64;
    let fit_rows = (memory_bytes.saturating_sub(FIXED_OVERHEAD_BYTES) / per_row) as usize;
    let core_fit = fit_rows.saturating_sub(2 * halo_rows);
    let want = (8 * halo_rows).div_ceil(TILE_ROWS).max(1) * TILE_ROWS;
    let fit = (core_fit / TILE_ROWS).max(1) * TILE_ROWS;
    want.min(fit)
}

/// Bytes kept for everything that is not a strip (binary, GDAL drivers, writers' state).
const FIXED_OVERHEAD_BYTES: u64 = 64 << 20;

/// Temperatures and thermal validity of a calibrated block (as `stage::thermal_validity`).
fn thermal_window(out: BlockOutput, reject: u8) -> ThermalWindow {
    let mut valid = out.values.mapv(|v| !v.is_nan());
    if let Some(flags) = &out.mask {
        Zip::from(&mut valid)
            .and(flags)
            .for_each(|v, &f| *v &= f & reject == 0);
    }
    let water = out
        .mask
        .as_ref()
        .and_then(|flags| crate::raster::where_flagged(flags, MaskReason::WATER));
    ThermalWindow {
        t: out.values,
        valid,
        water,
    }
}

fn timing(stage: &str, start: Instant) -> Timing {
    Timing {
        stage: stage.into(),
        seconds: start.elapsed().as_secs_f64(),
    }
}

/// What [`test_and_write`] gives: the detection, the staged rasters, the class counts and the
/// seconds of the test and of the writes after it.
type TestedAndWritten = (StreamedThermal, Vec<Staged>, [usize; 5], [f64; 2]);

/// The pixel test and budget over the strips, then the rasters: what [`detect_streamed`] times
/// as "scene statistics", "contextual" and "write rasters" (the last two returned in seconds).
/// With a scratch file (`scratch`), `bt.tif` needs only the temperatures the first pass put
/// there, so its COG is written on a thread of its own beside the pixel test (whose reads no
/// longer go to GDAL): GDAL's copy is partly serial and would otherwise leave a core idle after
/// the test.
fn test_and_write(
    plan: &CalibrationPlan,
    dir: &Path,
    cfg: &DetectConfig,
    (pixel_m, strip_rows): (f64, usize),
    readers: &mut [PlanReaders],
    read_counted: &(dyn Fn(&mut PlanReaders, PixelWindow) -> Result<CountedWindow> + Sync),
    scratch: bool,
) -> Result<TestedAndWritten> {
    let read = |r: &mut PlanReaders, w: PixelWindow| -> Result<ThermalWindow> {
        Ok(read_counted(r, w)?.0)
    };
    let start = Instant::now();
    std::thread::scope(|s| {
        let mut bt_writer = None;
        let thermal = detect_thermal_streamed(
            plan.shape,
            pixel_m,
            cfg,
            strip_rows,
            readers,
            &read,
            &|median| {
                crate::detect::plausible::check_median_k(median)
                    .map_err(|why| Error::input(plan.input_path(), why))
            },
            || {
                if scratch {
                    bt_writer = Some(s.spawn(|| write_bt(plan, dir, read_counted)));
                }
            },
        );
        let contextual_s = start.elapsed().as_secs_f64();
        let written = thermal.and_then(|thermal| {
            let (staged, counts) = write_rasters(
                plan,
                dir,
                strip_rows,
                readers,
                read_counted,
                &thermal,
                bt_writer.is_none(),
            )?;
            Ok((thermal, staged, counts))
        });
        // Joined whatever happened, so that its error (or the detection's) is the one reported.
        let bt = bt_writer.map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)));
        let (thermal, mut staged, counts) = written?;
        if let Some(bt) = bt {
            staged.insert(0, bt?);
        }
        let writes_s = start.elapsed().as_secs_f64() - contextual_s;
        Ok((thermal, staged, counts, [contextual_s, writes_s]))
    })
}

/// `bt.tif`'s streamed writer.
fn create_bt(plan: &CalibrationPlan, dir: &Path) -> Result<StreamedCog<f32>> {
    let bt_opts = CogOptions {
        description: Some(plan.quantity.label().into()),
        predictor: plan.predictor,
        ..Default::default()
    };
    StreamedCog::<f32>::create(
        &dir.join("bt.tif"),
        plan.shape,
        &plan.georef,
        Some(f64::NAN),
        &plan.unit,
        &bt_opts,
    )
}

/// `bt.tif` on its own, in windows of [`TILE_ROWS`] rows read through `read` (from the scratch
/// file once the first pass has filled it; from the input, with readers of its own, if not).
fn write_bt(
    plan: &CalibrationPlan,
    dir: &Path,
    read: &(dyn Fn(&mut PlanReaders, PixelWindow) -> Result<CountedWindow> + Sync),
) -> Result<Staged> {
    let mut readers = plan.open_readers()?;
    let mut bt = create_bt(plan, dir)?;
    let mut sampler = Sampler::new(plan.shape.0 * plan.shape.1);
    for b in tile(plan.shape, (TILE_ROWS, 0), 0) {
        let (w, _) = read(&mut readers, b.core)?;
        bt.write(b.core, w.t.view())?;
        sampler.push(b.core.row0 * plan.shape.1, w.t.iter().copied());
    }
    tag_range(&mut bt, sampler, plan.shape)?;
    bt.finish()
}

/// Tags `bt.tif` with the robust range of its values ([`RANGE_TAG`]): the thermal map then need
/// not read it once more to sample it.
fn tag_range(bt: &mut StreamedCog<f32>, sampler: Sampler, shape: (usize, usize)) -> Result<()> {
    match sampled_range_tag(sampler, shape) {
        Some(tag) => bt.set_metadata_item(RANGE_TAG, &tag),
        None => Ok(()),
    }
}

/// Second pass: `anomaly.tif` (and `bt.tif` when `with_bt`), strip by strip, with the class
/// counts.
fn write_rasters(
    plan: &CalibrationPlan,
    dir: &Path,
    strip_rows: usize,
    readers: &mut [PlanReaders],
    read: &(dyn Fn(&mut PlanReaders, PixelWindow) -> Result<CountedWindow> + Sync),
    thermal: &StreamedThermal,
    with_bt: bool,
) -> Result<(Vec<Staged>, [usize; 5])> {
    let mut bt = with_bt.then(|| create_bt(plan, dir)).transpose()?;
    let anomaly_opts = CogOptions {
        // Overviews keep the highest class of each block: a flagged pixel stays visible when
        // zoomed out.
        resampling: crate::io::MAX_VALID,
        description: Some(
            "anomaly confidence: 0 none, 1 low, 2 nominal, 3 high, 255 not processed".into(),
        ),
        ..CogOptions::default()
    };
    let mut anomaly = StreamedCog::<u8>::create(
        &dir.join("anomaly.tif"),
        plan.shape,
        &plan.georef,
        Some(f64::from(confidence::NOT_PROCESSED)),
        &Unit::Other("class".into()),
        &anomaly_opts,
    )?;
    let mut counts = [0usize; 5];
    let mut input_counts = [0usize; 4];
    let mut sampler = Sampler::new(plan.shape.0 * plan.shape.1);
    let blocks = tile(plan.shape, (strip_rows, 0), 0);
    for_each_block(
        &blocks,
        readers,
        |r, b| {
            let (w, inputs) = read(r, b.core)?;
            let classes = window_classes(&w.t, &w.valid, b.core, &thermal.flagged);
            Ok((w.t, classes, inputs))
        },
        |b, (t, classes, inputs)| {
            if let Some(bt) = bt.as_mut() {
                bt.write(b.core, t.view())?;
                sampler.push(b.core.row0 * plan.shape.1, t.iter().copied());
            }
            anomaly.write(b.core, classes.view())?;
            add_counts(&mut counts, &classes);
            for (v, n) in input_counts.iter_mut().zip(inputs) {
                *v += n;
            }
            Ok(())
        },
    )?;
    // The whole-raster read refuses inputs without a valid pixel, naming the file.
    plan.check_valid(input_counts)?;
    if let Some(bt) = bt.as_mut() {
        tag_range(bt, sampler, plan.shape)?;
    }
    // The two COG copies run side by side: each is partly serial inside GDAL, so one core
    // would otherwise wait.
    let (bt, anomaly) = rayon::join(|| bt.map(StreamedCog::finish), || anomaly.finish());
    let mut staged = Vec::new();
    if let Some(bt) = bt {
        staged.push(bt?);
    }
    staged.push(anomaly?);
    Ok((staged, counts))
}

fn add_counts(counts: &mut [usize; 5], classes: &Array2<u8>) {
    for &k in classes {
        let i = match k {
            confidence::NONE => 0,
            confidence::LOW => 1,
            confidence::NOMINAL => 2,
            confidence::HIGH => 3,
            _ => 4,
        };
        counts[i] += 1;
    }
}

/// Fire zones of the flagged pixels (low-confidence ones only with `low_confidence_zones`), as
/// `cluster::fire_zones` would give them on the whole raster; ground areas on geographic grids.
/// The fire zones of `flagged` and their pixels (zone `i + 1` is component `i`).
type ZonesAndPixels = (Vec<FireZone>, Vec<Vec<(usize, usize)>>);

fn zones_of(flagged: &[Flagged], cfg: &DetectConfig, plan: &CalibrationPlan) -> ZonesAndPixels {
    let zone_pixels: Vec<Flagged> = flagged
        .iter()
        .filter(|f| cfg.low_confidence_zones || f.confidence >= confidence::NOMINAL)
        .copied()
        .collect();
    let positions: Vec<(usize, usize)> = zone_pixels.iter().map(|f| (f.row, f.col)).collect();
    let components: Vec<Vec<(usize, usize)>> = sparse_zones::components(&positions)
        .into_iter()
        .map(|m| {
            let mut px: Vec<(usize, usize)> = m.into_iter().map(|i| positions[i]).collect();
            px.dedup();
            px
        })
        .collect();
    // A thermal flagged pixel's value is its temperature.
    let temperature: HashMap<(usize, usize), f32> = zone_pixels
        .iter()
        .map(|f| ((f.row, f.col), f.value))
        .collect();
    let mut zones = stitch::stitched_fire_zones(
        &zone_pixels,
        &components,
        &|r, c| temperature.get(&(r, c)).copied(),
        &plan.georef.transform,
    );
    // Ground areas where the CRS units are not ground metres (`stage::detect::ground_areas`).
    if plan.georef.is_geographic() || plan.georef.ground_m_per_unit.is_some() {
        for (z, px) in zones.iter_mut().zip(&components) {
            z.area_m2 = px
                .iter()
                .map(|&(r, _)| plan.georef.pixel_area_m2_at(r as f64))
                .sum();
        }
    }
    (zones, components)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_landsat_scene_streams_under_a_1g_limit() {
        let gib = 1u64 << 30;
        // 7801 x 7911 = 61.7 Mpx x 30 B = 1.85 GB.
        assert!(too_large_for_whole((7911, 7801), gib));
        assert!(!too_large_for_whole((7911, 7801), 2 * gib));
        assert!(!too_large_for_whole((1000, 1000), 128 << 20));
    }

    #[test]
    fn strips_are_several_halos_high_within_the_memory() {
        // 16000 columns at 48 B/px, two strips, 120-row halos: 8 halos = 960 → 1024 rows, and
        // (1024 + 240) rows x 16000 x 48 B x 2 = 1.94 GB fit in 2 GiB less a 128 MiB cache.
        let mib = 1u64 << 20;
        let rows = detect_strip_rows(16000, 48, 2, 120, 1920 * mib);
        assert_eq!(rows, 1024);
        let read_bytes = (rows + 240) as u64 * 16000 * 48 * 2;
        assert!(read_bytes <= 1920 * mib - FIXED_OVERHEAD_BYTES);
        // A tight limit: as many tile rows as fit, at least one.
        assert_eq!(detect_strip_rows(16000, 48, 2, 120, 600 * mib), 256);
        assert_eq!(detect_strip_rows(40000, 48, 2, 120, 100 * mib), 256);
        // Small halos (satellite windows at 30 m, 80 rows) ask for 640 → 768 rows.
        assert_eq!(detect_strip_rows(7801, 48, 2, 80, 4096 * mib), 768);
    }
}

//! Detection throughput on generated day-like scenes: the shipped `contextual` method on a
//! 2048 x 2048 scene and on a full 7801 x 7911 Landsat-size scene, on one thread and on all
//! threads (rayon), with divan's allocation profiler for peak memory. The summed-area table
//! build is benched on its own. Run: `cargo bench --bench detect`.
//! Side-by-side I/O floor (GDAL writing the same band as a COG): `scripts/bench-detect`.

use divan::{AllocProfiler, Bencher, black_box};
use ndarray::Array2;
use rayon::prelude::*;
use seamfire::detect::config::DetectConfig;
use seamfire::detect::window::SummedArea;
use seamfire::detect::window_exact::{ExactSummedArea, exceeds_mean_by_k_std};
use seamfire::detect::window_running::{quantize, window_test};
use seamfire::stage::{run_thermal, scene_validity};
use seamfire::synth::{Preset, SynthParams, generate};

#[global_allocator]
static ALLOC: AllocProfiler = AllocProfiler::system();

fn main() {
    divan::main();
}

fn scene(rows: usize, cols: usize) -> (Array2<f32>, Array2<bool>) {
    let s = generate(&SynthParams::new(7, rows, cols, Preset::Day));
    let valid = scene_validity(&s);
    (s.bt_k, valid)
}

fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("thread pool")
}

/// `threads = 0` means all cores.
#[divan::bench(args = [1, 0], sample_count = 10)]
fn contextual_2048(b: Bencher, threads: usize) {
    let (t, valid) = scene(2048, 2048);
    let cfg = DetectConfig::default();
    let pool = pool(threads);
    b.bench(|| pool.install(|| run_thermal(black_box(&t), &valid, 30.0, &cfg)));
}

#[divan::bench(args = [1, 0], sample_count = 2, sample_size = 1)]
fn contextual_full_scene(b: Bencher, threads: usize) {
    let (t, valid) = scene(7911, 7801);
    let cfg = DetectConfig::default();
    let pool = pool(threads);
    b.bench(|| pool.install(|| run_thermal(black_box(&t), &valid, 30.0, &cfg)));
}

/// Band height of the tiled contextual test on the full scene (all threads); `0` = one band
/// (the whole scene at once, the untiled baseline).
#[divan::bench(args = [0, 2048], sample_count = 2, sample_size = 1)]
fn contextual_full_scene_bands(b: Bencher, tile_rows: usize) {
    let (t, valid) = scene(7911, 7801);
    let p = DetectConfig::default().contextual;
    let rows = if tile_rows == 0 {
        usize::MAX / 4
    } else {
        tile_rows
    };
    b.bench(|| {
        seamfire::detect::contextual::detect_contextual_tiled(black_box(&t), &valid, 30.0, &p, rows)
    });
}

#[divan::bench(sample_count = 10)]
fn summed_area_2048(b: Bencher) {
    let (t, valid) = scene(2048, 2048);
    b.bench(|| SummedArea::new(black_box(&t), |r, c| valid[[r, c]]));
}

/// The candidates' background windows (11 x 11 without the 3 x 3 guard, where most stop) on a
/// strip-sized 928 x 7801 raster, for candidate densities in per mille: summed from the pixels
/// (`DirectSums`) against building the exact summed-area tables and querying them. The
/// crossover sets `contextual`'s `TABLES_ABOVE_CANDIDATE_FRACTION`.
#[divan::bench(args = [10, 30, 60, 120, 250], sample_count = 5, sample_size = 1)]
fn background_direct(b: Bencher, per_mille: usize) {
    let (q, include, coords) = background_case(per_mille);
    let d = seamfire::detect::window_direct::DirectSums::new(&q, &include);
    b.bench(|| {
        coords
            .par_iter()
            .filter_map(|&(r, c)| d.growing(r, c, 3).stats(11))
            .count()
    });
}

#[divan::bench(args = [10, 30, 60, 120, 250], sample_count = 5, sample_size = 1)]
fn background_tables(b: Bencher, per_mille: usize) {
    let (q, include, coords) = background_case(per_mille);
    b.bench(|| {
        let sat = ExactSummedArea::from_quantized(black_box(&q), &include);
        coords
            .par_iter()
            .filter_map(|&(r, c)| sat.centred(r, c, 11, 3))
            .count()
    });
}

/// Fixed-point values of a day scene strip, candidates spread at `per_mille`, and the
/// background mask without them.
fn background_case(per_mille: usize) -> (Array2<i64>, Array2<bool>, Vec<(usize, usize)>) {
    let (t, valid) = scene(928, 7801);
    let (q, finite) = quantize(&t);
    let cand = |r: usize, c: usize| (r * 7919 + c * 104_729) % 1000 < per_mille;
    let coords = (0..928)
        .flat_map(|r| (0..7801).map(move |c| (r, c)))
        .filter(|&(r, c)| cand(r, c))
        .collect();
    let include = Array2::from_shape_fn(t.dim(), |(r, c)| {
        finite[[r, c]] && valid[[r, c]] && !cand(r, c)
    });
    (q, include, coords)
}

/// One candidate pass alone: every pixel of a 928 x 7801 strip against its 31 x 31 window (the
/// satellite candidate window at 30 m) by running sums, with `contextual`'s candidate test
/// (`candidate_k = 2`, half of `min_delta_k = 1`); one thread, so the kernel's own cost.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn running_window_test(b: Bencher) {
    let (t, valid) = scene(928, 7801);
    let (q, finite) = quantize(&t);
    let include = Array2::from_shape_fn(t.dim(), |(r, c)| finite[[r, c]] && valid[[r, c]]);
    let pool = pool(1);
    b.bench(|| {
        let mut out = Array2::from_elem(t.dim(), false);
        pool.install(|| {
            window_test(&q, &include, 31, &mut out, |r, c, s| {
                if !valid[[r, c]] || t[[r, c]].is_nan() {
                    return false;
                }
                s.mean().is_some_and(|m| {
                    let v = f64::from(t[[r, c]]);
                    v - m >= 0.5 && exceeds_mean_by_k_std(v, m, s.variance(), 2.0)
                })
            })
        });
        out
    });
}

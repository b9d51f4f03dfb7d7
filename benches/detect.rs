//! Detection throughput on generated day-like scenes: the shipped `contextual` method on a
//! 2048 x 2048 scene and on a full 7801 x 7911 Landsat-size scene, on one thread and on all
//! threads (rayon), with divan's allocation profiler for peak memory. The summed-area table
//! build is benched on its own. Run: `cargo bench --bench detect`.
//! Side-by-side I/O floor (GDAL writing the same band as a COG): `scripts/bench-detect`.

use divan::{AllocProfiler, Bencher, black_box};
use ndarray::Array2;
use seamfire::detect::config::DetectConfig;
use seamfire::detect::window::SummedArea;
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

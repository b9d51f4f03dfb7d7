//! Calibration throughput: the rayon-parallel DN → BT kernel (a per-DN table above 2¹⁷ pixels)
//! against the same formula per pixel in parallel (what the kernel did before the table) and a
//! plain serial loop, over the same 2000 x 2000 scene (the baselines, run side by side in the
//! same command), plus the QA decoder. Run: `cargo bench --bench calibrate`.

use divan::{Bencher, black_box};
use ndarray::Array2;
use seamfire::calibrate::{QaLayout, dn_to_bt_k, qa_mask, radiance_to_bt_k};
use seamfire::mtl::{Rescale, ThermalConstants};

const SIZE: usize = 2000;
const K10: ThermalConstants = ThermalConstants {
    k1: 774.8853,
    k2_k: 1321.0789,
};
const ML_AL: Rescale = Rescale {
    mult: 3.342e-4,
    add: 0.1,
};

fn main() {
    divan::main();
}

/// A deterministic DN field around 290 K with fill on the first rows.
fn scene() -> Array2<u16> {
    Array2::from_shape_fn((SIZE, SIZE), |(r, c)| {
        if r < 10 {
            0
        } else {
            20_000 + ((r * 31 + c * 17) % 8_000) as u16
        }
    })
}

#[divan::bench]
fn bt_parallel(b: Bencher) {
    let dn = scene();
    b.bench(|| dn_to_bt_k(black_box(&dn), |d| d == 0, ML_AL, K10));
}

#[divan::bench]
fn bt_parallel_formula_per_pixel(b: Bencher) {
    use ndarray::Zip;
    let dn = scene();
    b.bench(|| {
        Zip::from(black_box(&dn)).par_map_collect(|&d| {
            if d == 0 {
                f32::NAN
            } else {
                radiance_to_bt_k(ML_AL.mult * f64::from(d) + ML_AL.add, K10) as f32
            }
        })
    });
}

#[divan::bench]
fn bt_serial_baseline(b: Bencher) {
    let dn = scene();
    b.bench(|| {
        black_box(&dn).map(|&d| {
            if d == 0 {
                f32::NAN
            } else {
                radiance_to_bt_k(ML_AL.mult * f64::from(d) + ML_AL.add, K10) as f32
            }
        })
    });
}

#[divan::bench]
fn qa_pixel_decode(b: Bencher) {
    let qa = scene();
    b.bench(|| qa_mask(black_box(&qa), QaLayout::C2QaPixel));
}

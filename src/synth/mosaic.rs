//! A drone thermal orthomosaic of any size, computed block by block: every pixel is a pure
//! function of `(seed, row, col)`, so a mosaic far larger than memory can be generated in
//! strips (and in parallel) and is the same whatever the strip size or thread count.
//!
//! Model (kelvin, `f32`, NaN outside the flown area):
//! - background: 283 K plus four seeded sinusoidal terrain undulations (wavelengths 40–400 m,
//!   at most ±2.5 K together) plus uniform per-pixel noise of ±0.4 K;
//! - vents: a lattice of 50 m cells; each cell holds a vent with probability 0.35, at a seeded
//!   position at least 8 m inside the cell, radius 0.5–3 m, peak heating 5–60 K with a Gaussian
//!   profile (σ = radius / 2, zero beyond the radius). Vents never reach a neighbouring cell, so
//!   a pixel only looks at its own cell;
//! - nodata: outside an ellipse filling the raster, with a seeded wobble of the edge (as the
//!   irregular edge of a flight block looks).
//!
//! Pure: no I/O; [`crate::synth::write_mosaic`] streams it to a COG.

use ndarray::Array2;

use super::rng::{hash2, hash3, unit_f64};
use crate::raster::PixelWindow;

/// Side of a vent cell, metres.
const CELL_M: f64 = 50.0;
/// Closest a vent centre comes to its cell edge, metres (> the largest radius).
const CELL_MARGIN_M: f64 = 8.0;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MosaicParams {
    pub seed: u64,
    /// `(rows, cols)`.
    pub shape: (usize, usize),
    /// Square pixel side, metres.
    pub pixel_m: f64,
}

/// One planted vent, for the truth file.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Vent {
    /// Centre in fractional pixel coordinates.
    pub row: f64,
    pub col: f64,
    pub radius_m: f64,
    pub peak_delta_k: f64,
}

fn terrain_waves(seed: u64) -> [(f64, f64, f64, f64); 4] {
    // (kx, ky in rad/m, phase, amplitude K)
    std::array::from_fn(|i| {
        let h = |k: u64| unit_f64(hash3(seed, 0x7e11a1, i as u64, k));
        let wavelength_m = 40.0 + 360.0 * h(0);
        let angle = std::f64::consts::TAU * h(1);
        let k = std::f64::consts::TAU / wavelength_m;
        (
            k * angle.cos(),
            k * angle.sin(),
            std::f64::consts::TAU * h(2),
            0.25 + 0.375 * h(3),
        )
    })
}

/// The vent of lattice cell `(cy, cx)`, if any.
fn vent_in_cell(p: &MosaicParams, cy: u64, cx: u64) -> Option<Vent> {
    let h = |k: u64| unit_f64(hash3(p.seed, cy, cx, k));
    if h(0) >= 0.35 {
        return None;
    }
    let span = CELL_M - 2.0 * CELL_MARGIN_M;
    let y_m = cy as f64 * CELL_M + CELL_MARGIN_M + span * h(1);
    let x_m = cx as f64 * CELL_M + CELL_MARGIN_M + span * h(2);
    Some(Vent {
        row: y_m / p.pixel_m,
        col: x_m / p.pixel_m,
        radius_m: 0.5 + 2.5 * h(3),
        peak_delta_k: 5.0 + 55.0 * h(4),
    })
}

/// Every vent whose centre lies inside the raster, row-major by cell.
pub fn vents(p: &MosaicParams) -> Vec<Vent> {
    let (rows, cols) = p.shape;
    let cells = |n: usize| ((n as f64 * p.pixel_m) / CELL_M).ceil() as u64;
    let mut out = Vec::new();
    for cy in 0..cells(rows) {
        for cx in 0..cells(cols) {
            if let Some(v) = vent_in_cell(p, cy, cx)
                && v.row < rows as f64
                && v.col < cols as f64
                && inside_footprint(p, v.row, v.col)
            {
                out.push(v);
            }
        }
    }
    out
}

/// Inside the flown area: an ellipse touching the raster edges, its radius wobbling by up to
/// 6 % with the direction.
fn inside_footprint(p: &MosaicParams, row: f64, col: f64) -> bool {
    let (rows, cols) = (p.shape.0 as f64, p.shape.1 as f64);
    let (dy, dx) = (
        (row - rows / 2.0) / (rows / 2.0),
        (col - cols / 2.0) / (cols / 2.0),
    );
    let angle = dy.atan2(dx);
    let ph = unit_f64(hash2(p.seed, 0xf007, 0)) * std::f64::consts::TAU;
    let r = 1.0 - 0.03 * (1.0 + (5.0 * angle + ph).sin());
    dx * dx + dy * dy <= r * r
}

/// Temperature of pixel `(row, col)`, K; NaN outside the flown area.
fn pixel(p: &MosaicParams, waves: &[(f64, f64, f64, f64); 4], row: usize, col: usize) -> f32 {
    let (rc, cc) = (row as f64 + 0.5, col as f64 + 0.5);
    if !inside_footprint(p, rc, cc) {
        return f32::NAN;
    }
    let (y_m, x_m) = (rc * p.pixel_m, cc * p.pixel_m);
    let mut t = 283.0;
    for &(kx, ky, phase, amp) in waves {
        t += amp * (kx * x_m + ky * y_m + phase).sin();
    }
    t += 0.8 * (unit_f64(hash2(p.seed, row as u64, col as u64)) - 0.5);
    let (cy, cx) = ((y_m / CELL_M) as u64, (x_m / CELL_M) as u64);
    if let Some(v) = vent_in_cell(p, cy, cx) {
        let d_m = ((rc - v.row).hypot(cc - v.col)) * p.pixel_m;
        if d_m <= v.radius_m {
            let sigma = v.radius_m / 2.0;
            t += v.peak_delta_k * (-0.5 * (d_m / sigma).powi(2)).exp();
        }
    }
    t as f32
}

/// The pixels of `window`.
pub fn mosaic_block(p: &MosaicParams, window: PixelWindow) -> Array2<f32> {
    let waves = terrain_waves(p.seed);
    Array2::from_shape_fn(window.shape(), |(r, c)| {
        pixel(p, &waves, window.row0 + r, window.col0 + c)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raster::tile;

    fn params() -> MosaicParams {
        MosaicParams {
            seed: 7,
            shape: (1003, 1201),
            pixel_m: 0.25,
        }
    }

    #[test]
    fn blocks_assemble_to_the_whole_mosaic() {
        let p = params();
        let whole = mosaic_block(&p, PixelWindow::full(p.shape));
        for b in tile(p.shape, (97, 250), 0) {
            let part = mosaic_block(&p, b.core);
            let expect = whole.slice(ndarray::s![
                b.core.row0..b.core.row_end(),
                b.core.col0..b.core.col_end()
            ]);
            assert!(
                part.iter()
                    .zip(expect.iter())
                    .all(|(a, b)| a.to_bits() == b.to_bits())
            );
        }
    }

    #[test]
    fn vents_are_hot_and_corners_are_nodata() {
        let p = params();
        let m = mosaic_block(&p, PixelWindow::full(p.shape));
        assert!(m[[0, 0]].is_nan() && m[[1002, 1200]].is_nan());
        assert!(!m[[501, 600]].is_nan());
        let vs = vents(&p);
        // 250 m x 300 m: 5 x 6 cells at 0.35 → about 10 vents, all inside the footprint.
        assert!((3..=20).contains(&vs.len()), "{} vents", vs.len());
        for v in &vs {
            // The pixel holding the centre is ≤ 0.18 m from it and σ ≥ 0.25 m, so it keeps at
            // least exp(-0.25) = 0.78 of the peak above a background of at least 280.1 K.
            let t = f64::from(m[[v.row as usize, v.col as usize]]);
            assert!(t >= 280.1 + 0.77 * v.peak_delta_k, "{v:?}: {t}");
        }
        // Nothing is colder than the background's floor, and vents (≤ 28 m² per 2500 m² cell)
        // leave more than 99 % of the flown pixels within the background's 283 ± 2.9 K.
        let valid: Vec<f32> = m.iter().copied().filter(|t| !t.is_nan()).collect();
        assert!(valid.iter().all(|&t| t >= 280.1));
        let bg = valid.iter().filter(|&&t| t <= 285.9).count();
        assert!(
            bg as f64 > 0.99 * valid.len() as f64,
            "{bg} of {}",
            valid.len()
        );
    }
}

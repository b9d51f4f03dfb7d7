//! Fractal value noise: a sum of octaves of random lattice values, each interpolated with the
//! cubic B-spline (C² smooth, so slopes computed from it show no lattice seams).
//!
//! Lattice values are counter-based hashes of `(octave, lattice row, lattice col)`
//! ([`crate::synth::rng::hash3`]), so any row can be evaluated on its own, in any order and on
//! any thread, with identical results. One row costs, per octave, 4 lattice rows combined
//! (`4 * cols / cell` hashes) plus 4 multiply-adds per pixel.

use super::rng::{SplitMix64, hash3, signed_unit_f32};

/// Mean over a cell of `sum_k w_k(t)^2` for the cubic B-spline (= β⁷(0) = 151/315): the variance
/// of B-spline-interpolated i.i.d. lattice values relative to theirs, per axis (squared in 2-D).
const BSPLINE_VARIANCE: f64 = 151.0 / 315.0;
/// Variance of a lattice value uniform in [-1, 1).
const LATTICE_VARIANCE: f64 = 1.0 / 3.0;
/// Mean over a cell of `sum_k w_k'(t)^2` (= −β⁷''(0) = 2/3): the variance of the derivative (per
/// lattice unit) of B-spline-interpolated i.i.d. lattice values relative to theirs.
const BSPLINE_SLOPE_VARIANCE: f64 = 2.0 / 3.0;

#[derive(Debug, Clone)]
struct Octave {
    /// Cell size in pixels.
    cell: f64,
    amp: f32,
    seed: u64,
    /// Random offsets in lattice units, so octaves do not share lattice points.
    off_r: f64,
    off_c: f64,
}

/// A sum of value-noise octaves.
#[derive(Debug, Clone)]
pub struct Fractal {
    octaves: Vec<Octave>,
}

/// Cubic B-spline weights for the four lattice points around fractional position `t`.
#[inline]
fn bspline(t: f32) -> [f32; 4] {
    let t2 = t * t;
    let t3 = t2 * t;
    let u = 1.0 - t;
    [
        u * u * u / 6.0,
        (3.0 * t3 - 6.0 * t2 + 4.0) / 6.0,
        (-3.0 * t3 + 3.0 * t2 + 3.0 * t + 1.0) / 6.0,
        t3 / 6.0,
    ]
}

impl Fractal {
    /// Octaves of cell sizes `cells` (pixels) with amplitudes `amps`; the sum is scaled so its
    /// standard deviation is `std`. Offsets and lattice keys come from `rng`.
    pub fn new(rng: &mut SplitMix64, cells: &[f64], amps: &[f64], std: f64) -> Self {
        assert_eq!(cells.len(), amps.len());
        let var: f64 = amps.iter().map(|a| a * a).sum::<f64>()
            * LATTICE_VARIANCE
            * BSPLINE_VARIANCE
            * BSPLINE_VARIANCE;
        let scale = if var > 0.0 { std / var.sqrt() } else { 0.0 };
        let octaves = cells
            .iter()
            .zip(amps)
            .map(|(&cell, &a)| Octave {
                cell,
                amp: (a * scale) as f32,
                seed: rng.next_u64(),
                off_r: rng.uniform(0.0, 64.0),
                off_c: rng.uniform(0.0, 64.0),
            })
            .collect();
        Self { octaves }
    }

    /// Power-law octaves: cells `max_cell, max_cell/2, …` down to `min_cell`, amplitude
    /// proportional to `cell^hurst` (larger `hurst`, smoother field), total standard deviation
    /// `std`.
    pub fn power_law(
        rng: &mut SplitMix64,
        max_cell: f64,
        min_cell: f64,
        hurst: f64,
        std: f64,
    ) -> Self {
        let mut cells = Vec::new();
        let mut c = max_cell;
        while c >= min_cell * 0.999 {
            cells.push(c);
            c /= 2.0;
        }
        let amps: Vec<f64> = cells.iter().map(|c| c.powf(hurst)).collect();
        Self::new(rng, &cells, &amps, std)
    }

    /// Standard deviation of the derivative along one axis, field units per metre, for pixels
    /// of `pixel_m` metres (from the B-spline derivative variance, octaves independent).
    pub fn slope_std(&self, pixel_m: f64) -> f64 {
        self.octaves
            .iter()
            .map(|o| {
                // Derivative along one axis, interpolation along the other.
                let per_lattice = f64::from(o.amp).powi(2)
                    * LATTICE_VARIANCE
                    * BSPLINE_SLOPE_VARIANCE
                    * BSPLINE_VARIANCE;
                per_lattice / (o.cell * pixel_m).powi(2)
            })
            .sum::<f64>()
            .sqrt()
    }

    /// Multiplies every octave by `factor`.
    pub fn scale(&mut self, factor: f64) {
        for o in &mut self.octaves {
            o.amp = (f64::from(o.amp) * factor) as f32;
        }
    }

    /// Column tables of every octave for rows of `cols` pixels (reused for every row).
    pub fn columns(&self, cols: usize) -> ColumnTables {
        let tables = self
            .octaves
            .iter()
            .map(|o| {
                let x0 = (0.5 / o.cell + o.off_c).floor() as i64 - 1;
                let mut idx = Vec::with_capacity(cols);
                let mut w = Vec::with_capacity(cols);
                for c in 0..cols {
                    let x = (c as f64 + 0.5) / o.cell + o.off_c;
                    let xi = x.floor();
                    idx.push((xi as i64 - 1 - x0) as u32);
                    w.push(bspline((x - xi) as f32));
                }
                let width = idx.last().map_or(0, |&i| i as usize + 4);
                ColumnTable { x0, idx, w, width }
            })
            .collect();
        ColumnTables { tables }
    }

    /// Adds the noise of pixel row `row` to `out` (one value per column).
    pub fn add_row(&self, row: usize, cols: &ColumnTables, out: &mut [f32], comb: &mut Vec<f32>) {
        for (oct, (o, t)) in self.octaves.iter().zip(&cols.tables).enumerate() {
            let y = (row as f64 + 0.5) / o.cell + o.off_r;
            let yi = y.floor();
            let wy = bspline((y - yi) as f32);
            let y0 = yi as i64 - 1;
            comb.clear();
            comb.resize(t.width, 0.0);
            for (j, &wj) in wy.iter().enumerate() {
                let ly = (y0 + j as i64) as u64;
                for (k, v) in comb.iter_mut().enumerate() {
                    let lx = (t.x0 + k as i64) as u64;
                    *v += wj * signed_unit_f32(hash3(o.seed, ly, lx, oct as u64));
                }
            }
            let amp = o.amp;
            for ((v, &i), w) in out.iter_mut().zip(&t.idx).zip(&t.w) {
                let i = i as usize;
                let s =
                    w[0] * comb[i] + w[1] * comb[i + 1] + w[2] * comb[i + 2] + w[3] * comb[i + 3];
                *v += amp * s;
            }
        }
    }
}

/// Per-octave column indices and weights.
#[derive(Debug, Clone)]
pub struct ColumnTables {
    tables: Vec<ColumnTable>,
}

#[derive(Debug, Clone)]
struct ColumnTable {
    /// First lattice column used.
    x0: i64,
    /// Per pixel column: first of its 4 lattice columns, relative to `x0`.
    idx: Vec<u32>,
    w: Vec<[f32; 4]>,
    /// Lattice columns spanned.
    width: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(f: &Fractal, rows: usize, cols: usize) -> Vec<Vec<f32>> {
        let t = f.columns(cols);
        let mut comb = Vec::new();
        (0..rows)
            .map(|r| {
                let mut row = vec![0.0; cols];
                f.add_row(r, &t, &mut row, &mut comb);
                row
            })
            .collect()
    }

    #[test]
    fn weights_sum_to_one() {
        for t in [0.0f32, 0.25, 0.5, 0.99] {
            let s: f32 = bspline(t).iter().sum();
            assert!((s - 1.0).abs() < 1e-6);
        }
    }

    #[test]
    fn standard_deviation_as_asked_and_rows_independent() {
        let mut rng = SplitMix64::new(3);
        let f = Fractal::power_law(&mut rng, 8.0, 2.0, 0.5, 2.0);
        let rows = field(&f, 300, 300);
        let all: Vec<f64> = rows.iter().flatten().map(|&v| f64::from(v)).collect();
        let n = all.len() as f64;
        let mean = all.iter().sum::<f64>() / n;
        let std = (all.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n).sqrt();
        assert!((std - 2.0).abs() < 0.2, "std {std}");
        // Slope: central differences of a smooth field approximate the derivative.
        let (mut n2, mut g2) = (0.0, 0.0);
        for r in &rows {
            for w in r.windows(3) {
                g2 += f64::from((w[2] - w[0]) / 2.0).powi(2);
                n2 += 1.0;
            }
        }
        let slope = (g2 / n2).sqrt();
        let want = f.slope_std(1.0);
        assert!(
            (slope - want).abs() < 0.25 * want,
            "slope {slope} vs {want}"
        );
        // Row 123 alone equals row 123 of the whole field.
        let t = f.columns(300);
        let mut one = vec![0.0; 300];
        f.add_row(123, &t, &mut one, &mut Vec::new());
        assert_eq!(one, rows[123]);
    }

    #[test]
    fn smooth_between_neighbours() {
        let mut rng = SplitMix64::new(5);
        let f = Fractal::power_law(&mut rng, 64.0, 16.0, 1.0, 1.0);
        let rows = field(&f, 64, 64);
        for r in &rows {
            for w in r.windows(2) {
                assert!((w[0] - w[1]).abs() < 0.3);
            }
        }
    }
}

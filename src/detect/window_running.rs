//! Exact window sums of *every* pixel by running sums: the candidate passes of `contextual`,
//! which test each pixel against the one square window around it.
//!
//! [`super::window_exact::ExactSummedArea`] answers any window in O(1), but building its tables
//! writes 28 bytes per pixel and reads them back, and each query touches four far-apart corners
//! of three tables: the candidate passes were the largest cost of a full scene. When every pixel
//! needs the same `side x side` window, column sums over `side` rows can slide down the raster
//! (add the row entering, subtract the row leaving) and a row sum can slide along the columns:
//! a few integer additions per pixel on data that stays in cache. The sums are the same exact
//! integers as the tables' (same fixed point, [`super::window_exact::fixed`]), and go through the
//! same conversion ([`super::window_exact::stats_of`]), so every statistic is the tables' bit for
//! bit (tested against them).

use ndarray::{Array2, ArrayViewMut1, Axis};
use rayon::prelude::*;

use super::test_buffers::TestBuffers;
use super::window::WindowStats;
use super::window_exact::{fixed, mean_of, stats_of, variance_of};

/// Exact sums of the included pixels of one window.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sums {
    pub n: u32,
    pub s: i64,
    pub s2: i128,
}

impl Sums {
    fn add(&mut self, o: &Sums) {
        self.n += o.n;
        self.s += o.s;
        self.s2 += o.s2;
    }

    fn sub(&mut self, o: &Sums) {
        self.n -= o.n;
        self.s -= o.s;
        self.s2 -= o.s2;
    }

    /// Adds one included pixel of fixed-point value `q`.
    pub fn add_value(&mut self, q: i64) {
        self.n += 1;
        self.s += q;
        self.s2 += i128::from(q) * i128::from(q);
    }

    /// `self − o` in wrapping arithmetic, as the summed-area tables subtract a guard box.
    pub fn wrapping_minus(&self, o: &Sums) -> Sums {
        Sums {
            n: self.n.wrapping_sub(o.n),
            s: self.s.wrapping_sub(o.s),
            s2: self.s2.wrapping_sub(o.s2),
        }
    }

    /// The window mean alone (no sum of squares needed), bit for bit the `mean` of
    /// [`Self::stats`]; `None` without included pixels.
    pub fn mean(&self) -> Option<f64> {
        (self.n > 0).then(|| mean_of(self.n, self.s))
    }

    /// The variance of [`Self::stats`] (its `std` squared before the square root); meaningless
    /// without included pixels.
    pub fn variance(&self) -> f64 {
        variance_of(self.n, self.s, self.s2)
    }

    /// Mean, spread and count, bit for bit [`super::window_exact::ExactSummedArea::centred`].
    pub fn stats(&self) -> Option<WindowStats> {
        stats_of(self.n, self.s, self.s2)
    }
}

/// One pixel's contribution: nothing unless included and finite.
fn cell(q: i64, include: bool) -> Sums {
    if include {
        Sums {
            n: 1,
            s: q,
            s2: i128::from(q) * i128::from(q),
        }
    } else {
        Sums::default()
    }
}

/// Fixed-point values of `values` (0 where not finite) and whether each is finite: computed
/// once per raster, used by every pass.
pub fn quantize(values: &Array2<f32>) -> (Array2<i64>, Array2<bool>) {
    quantize_with(values, &mut TestBuffers::default())
}

/// [`quantize`] into storage from `bufs` (written once, in parallel; no zeroing first).
pub fn quantize_with(values: &Array2<f32>, bufs: &mut TestBuffers) -> (Array2<i64>, Array2<bool>) {
    let dim = values.dim();
    let (mut q, mut finite) = (bufs.fixed_vec(), bufs.mask_vec());
    let Some(v) = values.as_slice() else {
        // Not in standard layout (never, for the arrays of this crate): element by element.
        q.extend(
            values
                .iter()
                .map(|&v| if v.is_finite() { fixed(v) } else { 0 }),
        );
        finite.extend(values.iter().map(|v| v.is_finite()));
        return (shaped(dim, q), shaped(dim, finite));
    };
    q.par_extend(
        v.par_iter()
            .map(|&v| if v.is_finite() { fixed(v) } else { 0 }),
    );
    finite.par_extend(v.par_iter().map(|v| v.is_finite()));
    (shaped(dim, q), shaped(dim, finite))
}

/// `v` (of `dim.0 · dim.1` elements, row-major) as an array.
fn shaped<T>(dim: (usize, usize), v: Vec<T>) -> Array2<T> {
    Array2::from_shape_vec(dim, v).expect("one element per pixel")
}

/// Rows of the output handled by one task: each task first sums the `side` rows around its
/// first row, so a task is eight windows tall (at least 64 rows).
fn task_rows(side: usize) -> usize {
    (8 * side).max(64)
}

/// For every pixel `(r, c)`, `out[r, c] = test(r, c, sums)` where `sums` are the exact sums of
/// the pixels where `include` is true (which must imply finite: see [`quantize`]) in the
/// `side x side` window centred on it, clipped
/// at the raster's edges (as [`super::window::Rect::centred`]). Row blocks run in parallel.
pub fn window_test(
    q: &Array2<i64>,
    include: &Array2<bool>,
    side: usize,
    out: &mut Array2<bool>,
    test: impl Fn(usize, usize, &Sums) -> bool + Sync,
) {
    let (rows, cols) = q.dim();
    assert_eq!(out.dim(), (rows, cols));
    assert_eq!(include.dim(), (rows, cols));
    if rows == 0 || cols == 0 {
        return;
    }
    let h = side / 2;
    let row_sums = |r: usize, col: &mut [Sums], add: bool| {
        let cells = q.row(r).into_iter().zip(include.row(r));
        for (acc, (&v, &inc)) in col.iter_mut().zip(cells) {
            let x = cell(v, inc);
            if add { acc.add(&x) } else { acc.sub(&x) }
        }
    };
    let task_rows = task_rows(side);
    out.axis_chunks_iter_mut(Axis(0), task_rows)
        .into_par_iter()
        .enumerate()
        .for_each(|(task, mut block)| {
            let r0 = task * task_rows;
            let mut col = vec![Sums::default(); cols];
            for r in r0.saturating_sub(h)..(r0 + h + 1).min(rows) {
                row_sums(r, &mut col, true);
            }
            for (i, line) in block.axis_iter_mut(Axis(0)).enumerate() {
                let r = r0 + i;
                if i > 0 {
                    if r + h < rows {
                        row_sums(r + h, &mut col, true);
                    }
                    if r > h {
                        row_sums(r - h - 1, &mut col, false);
                    }
                }
                slide_row(r, &col, h, line, &test);
            }
        });
}

/// Slides the window along row `r` over the column sums `col`.
fn slide_row(
    r: usize,
    col: &[Sums],
    h: usize,
    mut line: ArrayViewMut1<bool>,
    test: &(impl Fn(usize, usize, &Sums) -> bool + Sync),
) {
    let cols = col.len();
    let mut acc = Sums::default();
    for x in &col[..(h + 1).min(cols)] {
        acc.add(x);
    }
    for c in 0..cols {
        if c > 0 {
            if c + h < cols {
                acc.add(&col[c + h]);
            }
            if c > h {
                acc.sub(&col[c - h - 1]);
            }
        }
        line[c] = test(r, c, &acc);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::window_exact::{ExactSummedArea, test_field};

    /// The window tests' field with infinities added.
    fn field(rows: usize, cols: usize) -> Array2<f32> {
        let mut v = test_field(rows, cols);
        for ((r, c), x) in v.indexed_iter_mut() {
            if (r * 31 + c * 17) % 97 == 2 {
                *x = f32::INFINITY;
            }
        }
        v
    }

    #[test]
    fn every_window_equals_the_summed_area_tables_bit_for_bit() {
        // Sizes around the task height and windows wider than the raster, odd and even sides.
        for (rows, cols) in [(1, 1), (7, 300), (129, 40), (300, 57), (257, 3)] {
            let v = field(rows, cols);
            let include = |r: usize, c: usize| !(10..20).contains(&r) || !c.is_multiple_of(3);
            let sat = ExactSummedArea::new(&v, include);
            let (q, finite) = quantize(&v);
            let inc = Array2::from_shape_fn((rows, cols), |(r, c)| finite[[r, c]] && include(r, c));
            for side in [1, 3, 31, 301] {
                let mut out = Array2::from_elem((rows, cols), false);
                window_test(&q, &inc, side, &mut out, |r, c, s| {
                    let want = sat.centred(r, c, side, 0);
                    assert_eq!(s.stats(), want, "({r}, {c}) side {side} of {rows}x{cols}");
                    assert_eq!(
                        s.mean().map(f64::to_bits),
                        want.map(|w| w.mean.to_bits()),
                        "the mean alone is the full statistics' mean"
                    );
                    (r + c) % 2 == 0
                });
                assert!(
                    out.indexed_iter()
                        .all(|((r, c), &o)| o == ((r + c) % 2 == 0)),
                    "the test's answers land on their pixels"
                );
            }
        }
    }
}

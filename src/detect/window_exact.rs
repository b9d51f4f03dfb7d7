//! Window statistics whose result does not depend on where the tables start: the summed-area
//! tables of the thermal tests (`contextual`), in integers.
//!
//! [`super::window::SummedArea`] sums in f64: the sum over a window is a difference of prefix
//! sums that carry rounding from every pixel above and left of it, so a strip's tables (which
//! start at the strip) and the whole raster's give window statistics that differ in the last
//! bits, and a pixel on a threshold can flip between the two runs. Here every value is first
//! rounded to a fixed point of 2^-24 K (6e-8 K, below the f32 resolution of a temperature above
//! 2 K), then counted, summed (`i64`) and summed in squares (`i128`) with wrapping arithmetic:
//! the prefix sums may wrap, but a window's sum is exact (it fits its type) and so is the same
//! whatever the tables' origin. The variance numerator `n·Σq² − (Σq)²` is computed exactly in
//! `i128` before the one conversion to f64. Memory: 28 bytes per pixel (count 4, sum 8, sum of
//! squares 16) instead of 20.
//!
//! Range: a window's `n·Σq² ≤ n²·q²` stays within `i128` for windows up to 4 million pixels
//! (2000 a side) with values up to 10^4 K; the largest windows in use are a few hundred pixels
//! a side.

use ndarray::Array2;
use rayon::prelude::*;

use super::window::{Rect, WindowStats};

/// Fixed-point scale: values are summed as integers of `2^-FIXED_BITS`.
pub const FIXED_BITS: i32 = 24;

/// Integer summed-area tables of one masked raster.
#[derive(Debug, Clone)]
pub struct ExactSummedArea {
    rows: usize,
    cols: usize,
    count: Vec<u32>,
    sum: Vec<i64>,
    sum_sq: Vec<i128>,
}

/// A value in the fixed point of the exact sums: `v·2^24` rounded half away from zero.
///
/// An `f32` of magnitude at least 1 has no bits below 2^-23, so `v·2^24` is already an integer
/// (exact in f64) and needs no rounding: only smaller values go through `round`, which is a
/// library call on x86-64 (no instruction rounds half away from zero) and was a visible cost of
/// quantizing every strip.
pub fn fixed(v: f32) -> i64 {
    let x = f64::from(v) * f64::powi(2.0, FIXED_BITS);
    if v.abs() >= 1.0 {
        x as i64
    } else {
        x.round() as i64
    }
}

/// Mean and standard deviation of a window from its exact count `n`, sum `s` and sum of squares
/// `s2` of fixed-point values: the one conversion to f64 that every exact window statistic uses,
/// so that the tables and the running sums ([`super::window_running`]) agree bit for bit. `None`
/// when `n == 0`.
pub fn stats_of(n: u32, s: i64, s2: i128) -> Option<WindowStats> {
    if n == 0 {
        return None;
    }
    Some(WindowStats {
        mean: mean_of(n, s),
        std: variance_of(n, s, s2).sqrt(),
        count: n,
    })
}

/// The variance whose square root is the `std` of [`stats_of`]; meaningless for `n == 0`.
pub fn variance_of(n: u32, s: i64, s2: i128) -> f64 {
    let scale = f64::powi(2.0, FIXED_BITS);
    let nf = f64::from(n);
    let num = i128::from(n) * s2 - i128::from(s) * i128::from(s);
    (num.max(0) as f64) / (nf * nf) / (scale * scale)
}

/// `v > mean + k·std` with `std = var.sqrt()`: the same answer, bit for bit, as that expression
/// on [`stats_of`]'s `mean` and `std`, but without the square root where the answer is clear.
/// The candidate test asks this of about a fifth of all pixels, and the square root's latency
/// was an eighth of the test's time.
///
/// The squares are compared with a relative margin of 1e-6, far wider than the rounding of
/// either side (a few 1e-16 relative, plus `|mean|`·1e-16 absolute from the sum `mean + k·std`,
/// which the condition `d ≥ 1e-6·|v|, |mean|` keeps below 1e-9 of `d`); inside the margin, and
/// for `k < 0`, the expression itself decides.
pub fn exceeds_mean_by_k_std(v: f64, mean: f64, var: f64, k: f64) -> bool {
    const MARGIN: f64 = 1e-6;
    let d = v - mean;
    if k >= 0.0 && d > 0.0 && d >= MARGIN * v.abs().max(mean.abs()) {
        let (d2, k2v) = (d * d, k * k * var);
        if d2 > k2v * (1.0 + MARGIN) {
            return true;
        }
        if d2 < k2v * (1.0 - MARGIN) {
            return false;
        }
    }
    v > mean + k * var.sqrt()
}

/// The mean of [`stats_of`] alone (no sum of squares needed); meaningless for `n == 0`.
pub fn mean_of(n: u32, s: i64) -> f64 {
    s as f64 / f64::from(n) / f64::powi(2.0, FIXED_BITS)
}

impl ExactSummedArea {
    /// Tables of no raster, to be filled.
    fn empty() -> Self {
        Self {
            rows: 0,
            cols: 0,
            count: Vec::new(),
            sum: Vec::new(),
            sum_sq: Vec::new(),
        }
    }

    /// Builds the tables over `values` where `include` is true and the value is finite.
    pub fn new(values: &Array2<f32>, include: impl Fn(usize, usize) -> bool + Sync) -> Self {
        let mut sat = Self::empty();
        sat.refill(values, include);
        sat
    }

    /// Builds the tables over fixed-point values `q` where `include` is true (which must imply
    /// finite: [`super::window_running::quantize`]); the same tables as [`Self::new`].
    pub fn from_quantized(q: &Array2<i64>, include: &Array2<bool>) -> Self {
        let mut sat = Self::empty();
        sat.fill(q.dim(), |r, c| include[[r, c]].then(|| q[[r, c]]));
        sat
    }

    /// Rebuilds the tables for new values or a new mask, reusing the allocations.
    pub fn refill(&mut self, values: &Array2<f32>, include: impl Fn(usize, usize) -> bool + Sync) {
        self.fill(values.dim(), |r, c| {
            let v = values[[r, c]];
            (v.is_finite() && include(r, c)).then(|| fixed(v))
        });
    }

    /// Rebuilds the tables of a `rows x cols` raster whose pixel `(r, c)` adds `cell(r, c)`.
    fn fill(
        &mut self,
        (rows, cols): (usize, usize),
        cell: impl Fn(usize, usize) -> Option<i64> + Sync,
    ) {
        let w = cols + 1;
        let len = (rows + 1) * w;
        self.count.resize(len, 0);
        self.sum.resize(len, 0);
        self.sum_sq.resize(len, 0);
        self.count[..w].fill(0);
        self.sum[..w].fill(0);
        self.sum_sq[..w].fill(0);
        let (count, sum, sum_sq) = (&mut self.count, &mut self.sum, &mut self.sum_sq);
        count[w..]
            .par_chunks_mut(w)
            .zip(sum[w..].par_chunks_mut(w))
            .zip(sum_sq[w..].par_chunks_mut(w))
            .enumerate()
            .for_each(|(r, ((cn, s), s2))| {
                let (mut n, mut a, mut b) = (0u32, 0i64, 0i128);
                (cn[0], s[0], s2[0]) = (0, 0, 0);
                for c in 0..cols {
                    if let Some(q) = cell(r, c) {
                        n += 1;
                        a = a.wrapping_add(q);
                        b = b.wrapping_add(i128::from(q) * i128::from(q));
                    }
                    cn[c + 1] = n;
                    s[c + 1] = a;
                    s2[c + 1] = b;
                }
            });
        rayon::join(
            || accumulate(count, w, |a, b| a.wrapping_add(b)),
            || {
                rayon::join(
                    || accumulate(sum, w, |a, b| a.wrapping_add(b)),
                    || accumulate(sum_sq, w, |a, b| a.wrapping_add(b)),
                )
            },
        );
        self.rows = rows;
        self.cols = cols;
    }

    /// `(rows, cols)` of the raster.
    pub fn dim(&self) -> (usize, usize) {
        (self.rows, self.cols)
    }

    fn rect_sums(&self, r: Rect) -> (u32, i64, i128) {
        let w = self.cols + 1;
        let (a, b, c, d) = (
            r.r0 * w + r.c0,
            r.r0 * w + r.c1 + 1,
            (r.r1 + 1) * w + r.c0,
            (r.r1 + 1) * w + r.c1 + 1,
        );
        (
            self.count[d]
                .wrapping_add(self.count[a])
                .wrapping_sub(self.count[b])
                .wrapping_sub(self.count[c]),
            self.sum[d]
                .wrapping_add(self.sum[a])
                .wrapping_sub(self.sum[b])
                .wrapping_sub(self.sum[c]),
            self.sum_sq[d]
                .wrapping_add(self.sum_sq[a])
                .wrapping_sub(self.sum_sq[b])
                .wrapping_sub(self.sum_sq[c]),
        )
    }

    /// Statistics of the included pixels in `outer` minus those in `hole` (inside `outer`;
    /// `None` for the full window). `None` when no pixel is included.
    pub fn stats(&self, outer: Rect, hole: Option<Rect>) -> Option<WindowStats> {
        let (mut n, mut s, mut s2) = self.rect_sums(outer);
        if let Some(h) = hole {
            let (hn, hs, hs2) = self.rect_sums(h);
            n = n.wrapping_sub(hn);
            s = s.wrapping_sub(hs);
            s2 = s2.wrapping_sub(hs2);
        }
        stats_of(n, s, s2)
    }

    /// Statistics of the `side x side` window centred on `(row, col)`, clipped at the edges,
    /// without the `guard x guard` box around the centre when `guard > 0`.
    pub fn centred(
        &self,
        row: usize,
        col: usize,
        side: usize,
        guard: usize,
    ) -> Option<WindowStats> {
        let (outer, hole) = Rect::window_and_guard((row, col), side, guard, self.dim());
        self.stats(outer, hole)
    }
}

/// Turns row prefix sums into a summed-area table: each row adds the row above.
fn accumulate<T: Copy>(table: &mut [T], w: usize, add: impl Fn(T, T) -> T) {
    for r in 1..table.len() / w {
        let (prev, cur) = table.split_at_mut(r * w);
        for (a, &b) in cur[..w].iter_mut().zip(&prev[(r - 1) * w..]) {
            *a = add(*a, b);
        }
    }
}

/// A rough 300 K test field with NaN and hot pixels (the window tests of this module and of
/// [`super::window_running`]).
#[cfg(test)]
pub(crate) fn test_field(rows: usize, cols: usize) -> Array2<f32> {
    Array2::from_shape_fn((rows, cols), |(r, c)| {
        let h = ((r * 7919 + c * 104_729) % 1000) as f32 / 1000.0;
        match (r * 31 + c * 17) % 97 {
            0 => f32::NAN,
            1 => 900.0 + h,
            _ => 290.0 + 20.0 * h + (r as f32 * 0.37).sin(),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::test_field as field;
    use super::*;
    use crate::detect::window::brute_force;
    use ndarray::s;

    #[test]
    fn fixed_point_is_the_rounded_scaled_value_for_every_kind_of_f32() {
        let reference = |v: f32| (f64::from(v) * f64::powi(2.0, FIXED_BITS)).round() as i64;
        let mut vs = vec![
            0.0f32,
            -0.0,
            1.0,
            -1.0,
            0.5,
            2f32.powi(-25),
            3.0 * 2f32.powi(-25),
            -3.0 * 2f32.powi(-25),
            f32::MIN_POSITIVE,
            1e-40,
            f32::MAX,
            f32::MIN,
            f32::INFINITY,
            f32::NEG_INFINITY,
            f32::NAN,
        ];
        // Around 1 (where the shortcut starts) and over temperatures, ulp by ulp.
        for start in [1.0f32, -1.0, 0.999, 271.15, 300.0, 1e4, 5e11] {
            let (mut up, mut down) = (start, start);
            for _ in 0..2000 {
                vs.extend([up, down]);
                up = up.next_up();
                down = down.next_down();
            }
        }
        // A spread of bit patterns across every exponent.
        vs.extend((0..200_000u32).map(|i| f32::from_bits(i.wrapping_mul(2_654_435_761))));
        for v in vs {
            assert_eq!(fixed(v), reference(v), "{v:e} ({:#x})", v.to_bits());
        }
    }

    /// The reference: the expression on `stats_of`'s mean and spread.
    fn exceeds_reference(v: f64, mean: f64, var: f64, k: f64) -> bool {
        v > mean + k * var.sqrt()
    }

    #[test]
    fn exceeding_k_spreads_decides_as_the_square_root_does_at_and_around_the_boundary() {
        let mut checked = 0;
        for mean in [0.0, 1e-3, 2.5, 271.3, 300.0, 1.2e3, -40.0, 5e9] {
            for var in [0.0, 1e-20, 1e-9, 0.04, 0.3, 2.25, 17.0, 1e4] {
                for k in [0.0, 0.5, 1.5, 3.0, 4.0, 10.0, -2.0] {
                    let edge = mean + k * f64::sqrt(var);
                    // The boundary itself, a few ulps either side, and relative steps straddling
                    // the margin.
                    let mut vs = vec![edge, mean, mean + 0.5, mean - 0.5];
                    let (mut up, mut down) = (edge, edge);
                    for _ in 0..4 {
                        up = up.next_up();
                        down = down.next_down();
                        vs.extend([up, down]);
                    }
                    for rel in [1e-9, 1e-7, 5e-7, 1e-6, 2e-6, 1e-5, 1e-3, 0.1] {
                        let d = edge - mean;
                        vs.extend([mean + d * (1.0 + rel), mean + d * (1.0 - rel)]);
                        vs.extend([edge * (1.0 + rel), edge * (1.0 - rel)]);
                    }
                    vs.extend([f64::INFINITY, f64::NEG_INFINITY, f64::NAN]);
                    for v in vs {
                        assert_eq!(
                            exceeds_mean_by_k_std(v, mean, var, k),
                            exceeds_reference(v, mean, var, k),
                            "v {v:e} mean {mean:e} var {var:e} k {k}"
                        );
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 10_000);
    }

    #[test]
    fn exceeding_k_spreads_on_real_window_sums_matches_the_window_statistics() {
        // Windows of the test field's values with their exact sums, and the pixel values of the
        // field tested against them: the candidate test's own inputs.
        let v = field(40, 40);
        let q: Vec<i64> = v.iter().map(|&x| fixed(x)).collect();
        let mut flips = 0;
        for start in (0..1500).step_by(7) {
            for len in [1usize, 2, 9, 25, 121] {
                let window = &q[start..(start + len).min(q.len())];
                let n = window.len() as u32;
                let s: i64 = window.iter().sum();
                let s2: i128 = window.iter().map(|&x| i128::from(x) * i128::from(x)).sum();
                let st = stats_of(n, s, s2).unwrap();
                let var = variance_of(n, s, s2);
                assert_eq!(st.std.to_bits(), var.sqrt().to_bits());
                for &x in v.iter().step_by(13) {
                    for k in [1.0, 3.0, 4.0] {
                        let x = f64::from(x);
                        let want = x > st.mean + k * st.std;
                        assert_eq!(exceeds_mean_by_k_std(x, st.mean, var, k), want);
                        flips += usize::from(want);
                    }
                }
            }
        }
        assert!(flips > 100, "both answers occur ({flips} true)");
    }

    #[test]
    fn windows_agree_with_brute_force() {
        let v = field(60, 70);
        let include = |r: usize, c: usize| !(10..20).contains(&r) || c > 30;
        let sat = ExactSummedArea::new(&v, include);
        for &(r, c, side, guard) in &[
            (0, 0, 5, 0),
            (30, 35, 21, 3),
            (59, 69, 9, 1),
            (15, 20, 11, 3),
        ] {
            let outer = Rect::centred(r, c, side, 60, 70);
            let hole = (guard > 0).then(|| Rect::centred(r, c, guard, 60, 70));
            let a = sat.stats(outer, hole).unwrap();
            let b = brute_force(&v, include, outer, hole).unwrap();
            assert_eq!(a.count, b.count);
            assert!((a.mean - b.mean).abs() < 1e-6, "{a:?} {b:?}");
            assert!((a.std - b.std).abs() < 1e-6, "{a:?} {b:?}");
        }
        assert!(
            ExactSummedArea::new(&v, |_, _| false)
                .centred(5, 5, 3, 0)
                .is_none()
        );
    }

    #[test]
    fn a_window_is_the_same_whatever_the_tables_origin() {
        // The tables of a strip (rows 23..60) give bit-identical statistics to the whole
        // raster's for every window inside the strip: what streamed detection relies on.
        let v = field(60, 70);
        let whole = ExactSummedArea::new(&v, |_, _| true);
        let strip = v.slice(s![23..60, ..]).to_owned();
        let part = ExactSummedArea::new(&strip, |_, _| true);
        for r in 30..50 {
            for c in (0..70).step_by(7) {
                let w = Rect::centred(r, c, 13, 60, 70);
                let local = Rect {
                    r0: w.r0 - 23,
                    r1: w.r1 - 23,
                    ..w
                };
                let hole = Rect::centred(r, c, 3, 60, 70);
                let local_hole = Rect {
                    r0: hole.r0 - 23,
                    r1: hole.r1 - 23,
                    ..hole
                };
                assert_eq!(
                    whole.stats(w, Some(hole)),
                    part.stats(local, Some(local_hole)),
                    "window at ({r}, {c})"
                );
            }
        }
    }
}

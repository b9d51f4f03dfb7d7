//! Window statistics in O(1) per pixel through summed-area tables (integral images).
//!
//! Three tables over the masked raster: count of included pixels, sum and sum of squares of
//! their values, in f64, each `(rows + 1) x (cols + 1)` with a zero first row and column. The
//! sum over any axis-aligned rectangle is four look-ups. Values are shifted by a constant
//! (their mean) before accumulation so that sums of squares of ~300 K temperatures do not lose
//! precision over a full scene. The algorithm is the one of whitebox-tools'
//! `stdev_filter.rs` (integral, integral², integral of counts), rewritten and tested against a
//! brute-force window (`tests` below and the proptest in `tests/window_stats.rs`).
//!
//! Windows are clipped at the raster edge: no padding, no reflection.

use ndarray::Array2;
use rayon::prelude::*;

/// Mean, population standard deviation and count of the included pixels of one window.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WindowStats {
    pub mean: f64,
    pub std: f64,
    pub count: u32,
}

/// Summed-area tables of one masked raster.
#[derive(Debug, Clone)]
pub struct SummedArea {
    rows: usize,
    cols: usize,
    shift: f64,
    count: Vec<u32>,
    sum: Vec<f64>,
    sum_sq: Vec<f64>,
}

/// Inclusive rectangle `[r0, r1] x [c0, c1]`, already clipped to the raster.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rect {
    pub r0: usize,
    pub c0: usize,
    pub r1: usize,
    pub c1: usize,
}

impl Rect {
    /// The `side` window centred on `(row, col)` and, when `guard > 0`, its `guard` box: the
    /// rectangles of a background window without its guard.
    pub fn window_and_guard(
        (row, col): (usize, usize),
        side: usize,
        guard: usize,
        (rows, cols): (usize, usize),
    ) -> (Rect, Option<Rect>) {
        let outer = Rect::centred(row, col, side, rows, cols);
        let hole = (guard > 0).then(|| Rect::centred(row, col, guard, rows, cols));
        (outer, hole)
    }

    /// The `side x side` square (odd side) centred on `(row, col)`, clipped to `rows x cols`.
    pub fn centred(row: usize, col: usize, side: usize, rows: usize, cols: usize) -> Rect {
        let h = side / 2;
        Rect {
            r0: row.saturating_sub(h),
            c0: col.saturating_sub(h),
            r1: (row + h).min(rows - 1),
            c1: (col + h).min(cols - 1),
        }
    }
}

impl SummedArea {
    /// Builds the tables over `values` where `include` is true and the value is not NaN.
    pub fn new(values: &Array2<f32>, include: impl Fn(usize, usize) -> bool + Sync) -> Self {
        let mut sat = Self {
            rows: 0,
            cols: 0,
            shift: 0.0,
            count: Vec::new(),
            sum: Vec::new(),
            sum_sq: Vec::new(),
        };
        sat.refill(values, include);
        sat
    }

    /// Rebuilds the tables for new values or a new mask, reusing the allocations (a full
    /// scene's tables are over a gigabyte; reusing them saves the page faults of a fresh one).
    pub fn refill(&mut self, values: &Array2<f32>, include: impl Fn(usize, usize) -> bool + Sync) {
        let (rows, cols) = values.dim();
        let shift = mean_of(values, &include);
        let w = cols + 1;
        let len = (rows + 1) * w;
        self.count.resize(len, 0);
        self.sum.resize(len, 0.0);
        self.sum_sq.resize(len, 0.0);
        // The first row and column stay zero; every other entry is overwritten below.
        self.count[..w].fill(0);
        self.sum[..w].fill(0.0);
        self.sum_sq[..w].fill(0.0);
        let (count, sum, sum_sq) = (&mut self.count, &mut self.sum, &mut self.sum_sq);
        // Row prefix sums in parallel, then column accumulation down the rows.
        count[w..]
            .par_chunks_mut(w)
            .zip(sum[w..].par_chunks_mut(w))
            .zip(sum_sq[w..].par_chunks_mut(w))
            .enumerate()
            .for_each(|(r, ((cn, s), s2))| {
                let (mut n, mut a, mut b) = (0u32, 0f64, 0f64);
                (cn[0], s[0], s2[0]) = (0, 0.0, 0.0);
                for c in 0..cols {
                    let v = values[[r, c]];
                    if !v.is_nan() && include(r, c) {
                        let x = f64::from(v) - shift;
                        n += 1;
                        a += x;
                        b += x * x;
                    }
                    cn[c + 1] = n;
                    s[c + 1] = a;
                    s2[c + 1] = b;
                }
            });
        // Column accumulation is sequential down the rows; the three tables run in parallel.
        rayon::join(
            || accumulate_columns(count, w),
            || {
                rayon::join(
                    || accumulate_columns(sum, w),
                    || accumulate_columns(sum_sq, w),
                )
            },
        );
        self.rows = rows;
        self.cols = cols;
        self.shift = shift;
    }

    /// `(rows, cols)` of the raster.
    pub fn dim(&self) -> (usize, usize) {
        (self.rows, self.cols)
    }

    fn rect_sums(&self, r: Rect) -> (u32, f64, f64) {
        let w = self.cols + 1;
        let (a, b, c, d) = (
            r.r0 * w + r.c0,
            r.r0 * w + r.c1 + 1,
            (r.r1 + 1) * w + r.c0,
            (r.r1 + 1) * w + r.c1 + 1,
        );
        (
            self.count[d] + self.count[a] - self.count[b] - self.count[c],
            self.sum[d] + self.sum[a] - self.sum[b] - self.sum[c],
            self.sum_sq[d] + self.sum_sq[a] - self.sum_sq[b] - self.sum_sq[c],
        )
    }

    /// Statistics of the included pixels in `outer` minus those in `hole` (`hole` must lie
    /// inside `outer`; pass `None` for the full window). `None` when no pixel is included.
    pub fn stats(&self, outer: Rect, hole: Option<Rect>) -> Option<WindowStats> {
        let (mut n, mut s, mut s2) = self.rect_sums(outer);
        if let Some(h) = hole {
            let (hn, hs, hs2) = self.rect_sums(h);
            n -= hn;
            s -= hs;
            s2 -= hs2;
        }
        if n == 0 {
            return None;
        }
        let nf = f64::from(n);
        let m = s / nf;
        let var = (s2 / nf - m * m).max(0.0);
        Some(WindowStats {
            mean: m + self.shift,
            std: var.sqrt(),
            count: n,
        })
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
fn accumulate_columns<T: Copy + std::ops::AddAssign>(table: &mut [T], w: usize) {
    for r in 1..table.len() / w {
        let (prev, cur) = table.split_at_mut(r * w);
        for (a, &b) in cur[..w].iter_mut().zip(&prev[(r - 1) * w..]) {
            *a += b;
        }
    }
}

fn mean_of(values: &Array2<f32>, include: &(impl Fn(usize, usize) -> bool + Sync)) -> f64 {
    let (n, s) = values
        .axis_iter(ndarray::Axis(0))
        .into_par_iter()
        .enumerate()
        .map(|(r, row)| {
            row.iter()
                .enumerate()
                .filter(|&(c, v)| !v.is_nan() && include(r, c))
                .fold((0u64, 0f64), |(n, s), (_, &v)| (n + 1, s + f64::from(v)))
        })
        .reduce(|| (0, 0.0), |a, b| (a.0 + b.0, a.1 + b.1));
    if n == 0 { 0.0 } else { s / n as f64 }
}

/// Brute-force reference: statistics of included, non-NaN pixels of `outer` minus `hole`.
/// Used by the tests and benchmarks as the independent computation.
pub fn brute_force(
    values: &Array2<f32>,
    include: impl Fn(usize, usize) -> bool,
    outer: Rect,
    hole: Option<Rect>,
) -> Option<WindowStats> {
    let mut xs = Vec::new();
    for r in outer.r0..=outer.r1 {
        for c in outer.c0..=outer.c1 {
            let in_hole =
                hole.is_some_and(|h| (h.r0..=h.r1).contains(&r) && (h.c0..=h.c1).contains(&c));
            let v = values[[r, c]];
            if !in_hole && !v.is_nan() && include(r, c) {
                xs.push(f64::from(v));
            }
        }
    }
    if xs.is_empty() {
        return None;
    }
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n;
    Some(WindowStats {
        mean,
        std: var.sqrt(),
        count: xs.len() as u32,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn small_grid_by_hand() {
        let v = array![[1.0f32, 2.0, 3.0], [4.0, f32::NAN, 6.0], [7.0, 8.0, 9.0]];
        let sat = SummedArea::new(&v, |_, _| true);
        let all = sat.centred(1, 1, 3, 0).unwrap();
        assert_eq!(all.count, 8);
        assert!((all.mean - 5.0).abs() < 1e-12);
        // Population std of 1,2,3,4,6,7,8,9: sqrt(7.5)
        assert!((all.std - 7.5f64.sqrt()).abs() < 1e-12);
        // Corner window clipped: (0,0) with side 3 covers rows 0..1, cols 0..1 → 1,2,4.
        let corner = sat.centred(0, 0, 3, 0).unwrap();
        assert_eq!(corner.count, 3);
        assert!((corner.mean - 7.0 / 3.0).abs() < 1e-12);
        // Guard box = the centre pixel itself.
        let ring = sat.centred(2, 2, 3, 1).unwrap();
        assert_eq!(ring.count, 2); // 6 and 8 (NaN excluded)
        assert!((ring.mean - 7.0).abs() < 1e-12);
    }

    #[test]
    fn mask_excludes_pixels_and_empty_is_none() {
        let v = Array2::from_elem((4, 4), 300.0f32);
        let sat = SummedArea::new(&v, |r, _| r >= 2);
        assert!(sat.centred(0, 0, 3, 0).is_none());
        assert_eq!(sat.centred(3, 3, 5, 0).unwrap().count, 6);
    }
}

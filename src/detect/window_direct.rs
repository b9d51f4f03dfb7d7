//! Background window statistics summed straight from the pixels, for rasters where few pixels
//! need one: the candidates of `contextual`, about 1 % of a scene.
//!
//! [`super::window_exact::ExactSummedArea`] answers any window in O(1), but its tables cost
//! 28 bytes per pixel of the whole raster (a 200 MB allocation per 7.2 Mpx strip, written and
//! read back, and most of it freshly mapped pages the kernel zeroes first) to answer windows
//! around 1 % of the pixels. Summing a window's pixels costs its area, 121 pixels for the first
//! 11 x 11 background window where most candidates stop; a window that must grow adds only the
//! ring between the two sizes ([`Growing`]). The sums are the tables' exact integers (same fixed
//! point as [`super::window_running::quantize`], same wrapping subtraction of the guard box,
//! same conversion [`super::window_exact::stats_of`]), so every statistic is the tables' bit for
//! bit (tested below).

use ndarray::Array2;

use super::window::{Rect, WindowStats};
use super::window_exact::stats_of;
use super::window_running::Sums;

/// The fixed-point values and the mask of included pixels of one raster.
#[derive(Debug, Clone, Copy)]
pub struct DirectSums<'a> {
    q: &'a Array2<i64>,
    include: &'a Array2<bool>,
}

impl<'a> DirectSums<'a> {
    /// `q` from [`super::window_running::quantize`]; `include` must imply finite.
    pub fn new(q: &'a Array2<i64>, include: &'a Array2<bool>) -> Self {
        assert_eq!(q.dim(), include.dim());
        Self { q, include }
    }

    /// `(rows, cols)` of the raster.
    pub fn dim(&self) -> (usize, usize) {
        self.q.dim()
    }

    /// Exact sums of the included pixels of `r`.
    pub fn rect_sums(&self, r: Rect) -> Sums {
        let mut acc = Sums::default();
        self.add_rows(r.r0..r.r1 + 1, r.c0..r.c1 + 1, &mut acc);
        acc
    }

    fn add_rows(&self, rows: std::ops::Range<usize>, cols: std::ops::Range<usize>, acc: &mut Sums) {
        if cols.is_empty() {
            return;
        }
        for r in rows {
            let q = &self.q.row(r).to_slice().expect("standard layout")[cols.clone()];
            let inc = &self.include.row(r).to_slice().expect("standard layout")[cols.clone()];
            for (&v, &i) in q.iter().zip(inc) {
                if i {
                    acc.add_value(v);
                }
            }
        }
    }

    /// The growing background windows of pixel `(row, col)` without its `guard` box.
    pub fn growing(&self, row: usize, col: usize, guard: usize) -> Growing<'_, 'a> {
        Growing {
            src: self,
            row,
            col,
            guard,
            window: None,
            hole: None,
        }
    }
}

/// The background windows of one pixel, asked for in growing sizes: each size adds the ring
/// around the previous one (a smaller size than the last is summed afresh).
#[derive(Debug, Clone)]
pub struct Growing<'s, 'a> {
    src: &'s DirectSums<'a>,
    row: usize,
    col: usize,
    guard: usize,
    /// The last window asked for and its sums.
    window: Option<(usize, Rect, Sums)>,
    /// The guard box's sums, once summed.
    hole: Option<Sums>,
}

impl Growing<'_, '_> {
    /// Statistics of the `side x side` window, clipped at the raster's edges, without the
    /// `guard x guard` box (when `guard > 0`): bit for bit
    /// [`super::window_exact::ExactSummedArea::centred`].
    pub fn stats(&mut self, side: usize) -> Option<WindowStats> {
        let dim = self.src.dim();
        let at = (self.row, self.col);
        let (outer, hole) = Rect::window_and_guard(at, side, self.guard, dim);
        let sums = match self.window {
            Some((last, inner, sums)) if last <= side => self.ring(inner, outer, sums),
            _ => self.src.rect_sums(outer),
        };
        self.window = Some((side, outer, sums));
        let mut s = sums;
        if let Some(h) = hole {
            let hs = *self.hole.get_or_insert_with(|| self.src.rect_sums(h));
            s = s.wrapping_minus(&hs);
        }
        stats_of(s.n, s.s, s.s2)
    }

    /// `sums` of `inner` plus the pixels of `outer` (which contains it) outside it.
    fn ring(&self, inner: Rect, outer: Rect, mut sums: Sums) -> Sums {
        let all_cols = outer.c0..outer.c1 + 1;
        self.src
            .add_rows(outer.r0..inner.r0, all_cols.clone(), &mut sums);
        self.src
            .add_rows(inner.r1 + 1..outer.r1 + 1, all_cols, &mut sums);
        let rows = inner.r0..inner.r1 + 1;
        self.src
            .add_rows(rows.clone(), outer.c0..inner.c0, &mut sums);
        self.src
            .add_rows(rows, inner.c1 + 1..outer.c1 + 1, &mut sums);
        sums
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::window_exact::{ExactSummedArea, test_field};
    use crate::detect::window_running::quantize;

    #[test]
    fn growing_windows_equal_the_summed_area_tables_bit_for_bit() {
        // Rasters smaller and larger than the windows, pixels on every edge and corner, a mask
        // with holes and NaN, guards 0, 1 and 3, and sizes asked growing, repeated and shrinking.
        for (rows, cols) in [(1, 1), (5, 40), (37, 23), (60, 61)] {
            let v = test_field(rows, cols);
            let (q, finite) = quantize(&v);
            let include = Array2::from_shape_fn((rows, cols), |(r, c)| {
                finite[[r, c]] && (r * 7 + c * 3) % 11 != 0
            });
            let sat = ExactSummedArea::new(&v, |r, c| (r * 7 + c * 3) % 11 != 0);
            let direct = DirectSums::new(&q, &include);
            for guard in [0, 1, 3] {
                for (r, c) in (0..rows).flat_map(|r| (0..cols).map(move |c| (r, c))) {
                    let mut g = direct.growing(r, c, guard);
                    for side in [1, 5, 11, 11, 21, 9, 41, 101] {
                        assert_eq!(
                            g.stats(side),
                            sat.centred(r, c, side, guard),
                            "({r}, {c}) side {side} guard {guard} of {rows}x{cols}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn a_window_of_excluded_pixels_has_no_statistics() {
        let q = Array2::from_elem((9, 9), 5i64);
        let include = Array2::from_shape_fn((9, 9), |(r, c)| r == 4 && c == 4);
        let direct = DirectSums::new(&q, &include);
        let mut g = direct.growing(4, 4, 3);
        assert_eq!(g.stats(5), None, "only the guarded centre is included");
        let mut g = direct.growing(4, 4, 0);
        let s = g.stats(5).expect("the centre counts without a guard");
        assert_eq!((s.count, s.std), (1, 0.0));
    }
}

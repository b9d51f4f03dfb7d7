//! The overview pyramid of a raster, computed from its rows as they arrive, top to bottom, so
//! that a streamed writer holds at most one pending row per level.
//!
//! Levels: factors 2, 4, 8, … while `floor(size / previous factor)` is larger than one block
//! (256 px) in either dimension, as GDAL's COG driver decides for `OVERVIEWS=AUTO`; each level
//! `ceil(rows / factor) x ceil(cols / factor)`, the size `GDALBuildOverviews` gives a level of
//! a GeoTIFF or `MEM` dataset ([`overview_shapes`]; the COG driver's own levels are
//! `floor(…)`, a pixel less on odd sizes). Each level is reduced from the one above it: pixel
//! `(i, j)` from the 2 x 2 pixels `(2i..2i+2, 2j..2j+2)` clipped at the edge (the last row or
//! column of a level takes one row or column where the level above has an odd size):
//! - [`Reduction::Average`] (continuous values): the mean of the valid pixels (neither NaN nor
//!   the nodata value), summed in `f64` and rounded once to `f32` (integers: to the nearest
//!   integer, halves away from zero); nodata (NaN, or 0 for integers, when the band declares
//!   none) when none is valid;
//! - [`Reduction::Nearest`] (any type): the top-left pixel;
//! - [`Reduction::MaxValid`] (ordered classes such as the anomaly layer's confidence): the
//!   largest value that is not nodata, so that a single flagged pixel stays visible at every
//!   zoom; nodata where every pixel is.
//!
//! Pure: no I/O.

use ndarray::{Array2, ArrayView2};

/// How a 2 x 2 block of a level becomes one pixel of the next.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Reduction {
    /// Mean of the valid pixels; `nodata` is the band's nodata value.
    Average { nodata: Option<f64> },
    /// The top-left pixel.
    Nearest,
    /// The largest value that is not `nodata` (nor NaN); `nodata` where none is.
    MaxValid { nodata: Option<f64> },
}

/// Shapes `(rows, cols)` of the overview levels of a `shape` raster tiled in `block` px
/// blocks, finest first: none when the raster fits one block.
pub fn overview_shapes(shape: (usize, usize), block: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut factor = 1usize;
    // The COG driver's test, on its own (floor) sizes.
    while shape.0 / factor > block || shape.1 / factor > block {
        factor *= 2;
        out.push((shape.0.div_ceil(factor), shape.1.div_ceil(factor)));
    }
    out
}

/// Values a pyramid can reduce.
pub trait PyramidValue: Copy {
    /// The mean of the valid values among `v` (at least one value), or the nodata value.
    fn average(v: &[Self], nodata: Option<f64>) -> Self;
    /// The largest valid value among `v` (at least one value), or the nodata value.
    fn max_valid(v: &[Self], nodata: Option<f64>) -> Self;
}

/// The largest of the values `valid` keeps, else `none`.
fn largest<T: Copy + PartialOrd>(v: &[T], valid: impl Fn(T) -> bool, none: T) -> T {
    v.iter()
        .copied()
        .filter(|&x| valid(x))
        .fold(None, |m: Option<T>, x| match m {
            Some(m) if m >= x => Some(m),
            _ => Some(x),
        })
        .unwrap_or(none)
}

impl PyramidValue for f32 {
    fn max_valid(v: &[f32], nodata: Option<f64>) -> f32 {
        let valid = |x: f32| !x.is_nan() && nodata.is_none_or(|nd| f64::from(x) != nd);
        largest(v, valid, nodata.map_or(f32::NAN, |nd| nd as f32))
    }

    fn average(v: &[f32], nodata: Option<f64>) -> f32 {
        let (mut sum, mut n) = (0.0f64, 0u32);
        for &x in v {
            if !x.is_nan() && nodata.is_none_or(|nd| f64::from(x) != nd) {
                sum += f64::from(x);
                n += 1;
            }
        }
        if n == 0 {
            nodata.map_or(f32::NAN, |nd| nd as f32)
        } else {
            (sum / f64::from(n)) as f32
        }
    }
}

impl PyramidValue for f64 {
    fn max_valid(v: &[f64], nodata: Option<f64>) -> f64 {
        let valid = |x: f64| !x.is_nan() && nodata.is_none_or(|nd| x != nd);
        largest(v, valid, nodata.unwrap_or(f64::NAN))
    }

    fn average(v: &[f64], nodata: Option<f64>) -> f64 {
        let (mut sum, mut n) = (0.0f64, 0u32);
        for &x in v {
            if !x.is_nan() && nodata.is_none_or(|nd| x != nd) {
                sum += x;
                n += 1;
            }
        }
        if n == 0 {
            nodata.unwrap_or(f64::NAN)
        } else {
            sum / f64::from(n)
        }
    }
}

/// Integers: the mean of the valid values rounded to the nearest integer (halves away from
/// zero); the nodata value when none is valid (0 when the band declares none).
macro_rules! integer_average {
    ($($t:ty),*) => {$(
        impl PyramidValue for $t {
            fn max_valid(v: &[$t], nodata: Option<f64>) -> $t {
                let valid = |x: $t| nodata.is_none_or(|nd| f64::from(x) != nd);
                largest(v, valid, nodata.map_or(0, |nd| nd as $t))
            }

            fn average(v: &[$t], nodata: Option<f64>) -> $t {
                let (mut sum, mut n) = (0i64, 0i64);
                for &x in v {
                    if nodata.is_none_or(|nd| f64::from(x) != nd) {
                        sum += i64::from(x);
                        n += 1;
                    }
                }
                if n == 0 {
                    return nodata.map_or(0, |nd| nd as $t);
                }
                (sum as f64 / n as f64).round() as $t
            }
        }
    )*};
}
integer_average!(u8, i8, u16, i16, u32, i32);

/// An 8-bit RGBA pixel (red, green, blue, alpha: 0 transparent, 255 opaque).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgba(pub [u8; 4]);

/// RGBA pixels: colours averaged weighted by alpha, alpha averaged.
impl PyramidValue for Rgba {
    /// Colours have no order: each channel's largest value.
    fn max_valid(v: &[Rgba], _: Option<f64>) -> Rgba {
        let mut m = [0u8; 4];
        for Rgba(p) in v {
            for (a, &b) in m.iter_mut().zip(p) {
                *a = (*a).max(b);
            }
        }
        Rgba(m)
    }

    /// Each colour the alpha-weighted mean, `(Σ c·a + Σa/2) / Σa`; alpha the mean,
    /// `(Σa + n/2) / n`; fully transparent (all zero) where every pixel is (the quicklook's
    /// block means, `render::quicklook::downsample`, for a 2 x 2 block).
    fn average(v: &[Rgba], _: Option<f64>) -> Rgba {
        let mut sum = [0u64; 4];
        for Rgba(p) in v {
            let a = u64::from(p[3]);
            for (s, &c) in sum.iter_mut().zip(&p[..3]) {
                *s += u64::from(c) * a;
            }
            sum[3] += a;
        }
        if sum[3] == 0 {
            return Rgba([0; 4]);
        }
        let colour = |s: u64| ((s + sum[3] / 2) / sum[3]) as u8;
        let n = v.len() as u64;
        Rgba([
            colour(sum[0]),
            colour(sum[1]),
            colour(sum[2]),
            ((sum[3] + n / 2) / n) as u8,
        ])
    }
}

/// Rows of one overview level, ready to be written.
#[derive(Debug, Clone, PartialEq)]
pub struct LevelRows<T> {
    /// 0 for the first overview (factor 2).
    pub level: usize,
    /// First row in the level.
    pub row0: usize,
    pub data: Array2<T>,
}

/// Overview levels built from full-width rows pushed in order.
#[derive(Debug, Clone)]
pub struct Pyramid<T> {
    /// `(rows, cols)` of the raster, then of each level.
    shapes: Vec<(usize, usize)>,
    reduction: Reduction,
    /// Per level of input (0 = the raster itself): rows received so far.
    received: Vec<usize>,
    /// Per level of input: the rows received but not yet reduced (row-major).
    pending: Vec<Vec<T>>,
    /// Per overview level: rows produced so far.
    produced: Vec<usize>,
}

impl<T: PyramidValue> Pyramid<T> {
    /// A pyramid of a `shape` raster with the levels of [`overview_shapes`] for `block`.
    pub fn new(shape: (usize, usize), block: usize, reduction: Reduction) -> Self {
        let mut shapes = vec![shape];
        shapes.extend(overview_shapes(shape, block));
        let n = shapes.len() - 1;
        Self {
            shapes,
            reduction,
            received: vec![0; n],
            pending: vec![Vec::new(); n],
            produced: vec![0; n],
        }
    }

    /// Shapes of the overview levels, finest first.
    pub fn shapes(&self) -> &[(usize, usize)] {
        &self.shapes[1..]
    }

    /// The next row of the raster the pyramid expects.
    pub fn next_row(&self) -> usize {
        self.received.first().copied().unwrap_or(0)
    }

    /// True once every row of the raster was pushed.
    pub fn is_complete(&self) -> bool {
        self.received.is_empty() || self.next_row() == self.shapes[0].0
    }

    /// Takes the next full-width rows of the raster (starting at [`Self::next_row`]) and
    /// returns the overview rows they complete, every level.
    pub fn push(&mut self, rows: ArrayView2<T>) -> Vec<LevelRows<T>> {
        let mut out: Vec<LevelRows<T>> = Vec::new();
        for level in 0..self.received.len() {
            // The rows just pushed, then each level's new rows (never empty: see below).
            let input = out.last().map_or(rows, |above| above.data.view());
            let reduced = self.reduce_level(level, input);
            let row0 = self.produced[level];
            self.produced[level] += reduced.nrows();
            if reduced.nrows() == 0 {
                break;
            }
            out.push(LevelRows {
                level,
                row0,
                data: reduced,
            });
        }
        out
    }

    /// Feeds `input` rows of the level above overview `level` and returns the overview rows
    /// they complete.
    fn reduce_level(&mut self, level: usize, input: ArrayView2<T>) -> Array2<T> {
        let (above_rows, above_cols) = self.shapes[level];
        let (rows, cols) = self.shapes[level + 1];
        let input = input.as_standard_layout();
        let input = input.as_slice().expect("standard layout");
        // A row left from the previous call (the top of a pair), then the new rows; `first`
        // is the level-above index of the first of them.
        let carried = std::mem::take(&mut self.pending[level]);
        let carried_rows = carried.len() / above_cols;
        let first = self.received[level] - carried_rows;
        self.received[level] += input.len() / above_cols;
        let have = self.received[level];
        let line = |r: usize| -> &[T] {
            let k = r - first;
            if k < carried_rows {
                &carried[k * above_cols..(k + 1) * above_cols]
            } else {
                let k = k - carried_rows;
                &input[k * above_cols..(k + 1) * above_cols]
            }
        };
        let reduce = |v: &[T]| match self.reduction {
            Reduction::Nearest => v[0],
            Reduction::Average { nodata } => T::average(v, nodata),
            Reduction::MaxValid { nodata } => T::max_valid(v, nodata),
        };
        let mut out = Vec::new();
        let mut i = self.produced[level];
        while i < rows && (2 * i + 2).min(above_rows) <= have {
            let top = line(2 * i);
            let bottom = (2 * i + 1 < above_rows).then(|| line(2 * i + 1));
            for j in 0..cols {
                let c = 2 * j;
                out.push(match (bottom, c + 1 < above_cols) {
                    (Some(b), true) => reduce(&[top[c], top[c + 1], b[c], b[c + 1]]),
                    (Some(b), false) => reduce(&[top[c], b[c]]),
                    (None, true) => reduce(&[top[c], top[c + 1]]),
                    (None, false) => reduce(&[top[c]]),
                });
            }
            i += 1;
        }
        // Keep the row the next output row starts from, if it arrived.
        if 2 * i < have {
            self.pending[level] = line(2 * i).to_vec();
        }
        let n = i - self.produced[level];
        Array2::from_shape_vec((n, cols), out).expect("row-major")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_are_those_of_the_cog_driver() {
        // 7801 x 7911 (a Landsat scene): `gdaladdo -r average bt.tif 2 4 8 16 32` made
        // 3901x3956, 1951x1978, 976x989, 488x495, 244x248 (`gdalinfo`), the five levels GDAL
        // 3.6's COG driver makes (3900x3955 … 243x247 there).
        assert_eq!(
            overview_shapes((7911, 7801), 256),
            vec![
                (3956, 3901),
                (1978, 1951),
                (989, 976),
                (495, 488),
                (248, 244)
            ]
        );
        assert!(overview_shapes((256, 256), 256).is_empty());
        assert_eq!(overview_shapes((257, 3), 256), vec![(129, 2)]);
        // 513 / 2 = 256: the driver stops after one level.
        assert_eq!(overview_shapes((512, 513), 256), vec![(256, 257)]);
    }

    /// The next level by definition, straight from the whole level above: each pixel from
    /// the slice `2i..2i+2, 2j..2j+2` clipped at the edge.
    fn reference_level(above: &Array2<f32>, shape: (usize, usize), r: Reduction) -> Array2<f32> {
        Array2::from_shape_fn(shape, |(i, j)| {
            let rows = 2 * i..(2 * i + 2).min(above.nrows());
            let cols = 2 * j..(2 * j + 2).min(above.ncols());
            let block = above.slice(ndarray::s![rows, cols]);
            match r {
                Reduction::Nearest => block[[0, 0]],
                Reduction::MaxValid { nodata } => block
                    .iter()
                    .copied()
                    .filter(|v| !v.is_nan() && nodata != Some(f64::from(*v)))
                    .reduce(f32::max)
                    .unwrap_or(nodata.map_or(f32::NAN, |n| n as f32)),
                Reduction::Average { nodata } => {
                    let valid: Vec<f64> = block
                        .iter()
                        .filter(|v| !v.is_nan() && nodata != Some(f64::from(**v)))
                        .map(|&v| f64::from(v))
                        .collect();
                    if valid.is_empty() {
                        nodata.map_or(f32::NAN, |n| n as f32)
                    } else {
                        (valid.iter().sum::<f64>() / valid.len() as f64) as f32
                    }
                }
            }
        })
    }

    /// A field with NaN holes, nodata values and a gradient, `rows x cols`.
    fn field(rows: usize, cols: usize) -> Array2<f32> {
        Array2::from_shape_fn((rows, cols), |(r, c)| {
            if (r * 7 + c * 3) % 23 == 0 || (r > 40 && r < 44) {
                f32::NAN
            } else if (r + c) % 31 == 0 {
                -9999.0
            } else {
                280.0 + (r as f32 * 0.37).sin() * 5.0 + c as f32 * 0.013
            }
        })
    }

    fn same(a: &Array2<f32>, b: &Array2<f32>) -> bool {
        a.dim() == b.dim() && a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits())
    }

    #[test]
    fn rows_pushed_in_any_chunks_give_the_levels_of_the_definition() {
        for (rows, cols, block) in [(300, 517, 64), (129, 70, 16), (64, 64, 8), (5, 300, 2)] {
            let t = field(rows, cols);
            for r in [
                Reduction::Average { nodata: None },
                Reduction::Average {
                    nodata: Some(-9999.0),
                },
                Reduction::Nearest,
                Reduction::MaxValid { nodata: None },
                Reduction::MaxValid {
                    nodata: Some(-9999.0),
                },
            ] {
                // Reference: level by level from the whole array.
                let shapes = overview_shapes((rows, cols), block);
                let mut expected = Vec::new();
                let mut above = t.clone();
                for &s in &shapes {
                    above = reference_level(&above, s, r);
                    expected.push(above.clone());
                }
                for chunk in [1, 2, 3, 7, 256, rows] {
                    let mut p = Pyramid::<f32>::new((rows, cols), block, r);
                    let mut got: Vec<Array2<f32>> = shapes
                        .iter()
                        .map(|&s| Array2::from_elem(s, 1234.5))
                        .collect();
                    let mut written: Vec<usize> = vec![0; shapes.len()];
                    let mut row = 0;
                    while row < rows {
                        let n = chunk.min(rows - row);
                        assert_eq!(p.next_row(), row);
                        for out in p.push(t.slice(ndarray::s![row..row + n, ..])) {
                            assert_eq!(out.row0, written[out.level], "rows in order");
                            written[out.level] += out.data.nrows();
                            let dst = ndarray::s![out.row0..out.row0 + out.data.nrows(), ..];
                            got[out.level].slice_mut(dst).assign(&out.data);
                        }
                        row += n;
                    }
                    assert!(p.is_complete());
                    let rows_of: Vec<usize> = shapes.iter().map(|s| s.0).collect();
                    assert_eq!(written, rows_of, "{rows}x{cols} chunk {chunk} {r:?}");
                    for (g, e) in got.iter().zip(&expected) {
                        assert!(same(g, e), "{rows}x{cols} chunk {chunk} {r:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn averages_skip_nodata_and_nan_and_keep_nodata_where_nothing_is_valid() {
        let nd = Some(-9999.0);
        assert_eq!(f32::average(&[1.0, 2.0, f32::NAN, -9999.0], nd), 1.5);
        assert_eq!(f32::average(&[f32::NAN, -9999.0], nd), -9999.0);
        assert!(f32::average(&[f32::NAN, f32::NAN], None).is_nan());
        // Without a declared nodata, -9999 is a value like any other.
        assert_eq!(f32::average(&[-9999.0, 1.0], None), -4999.0);
        // Summed in f64: the mean of values whose f32 sum would round.
        let v = [16_777_216.0f32, 1.0, 1.0, 1.0];
        assert_eq!(
            f32::average(&v, None),
            ((16_777_216.0f64 + 3.0) / 4.0) as f32
        );
        // Integers round half away from zero, skip nodata, keep it where nothing is valid.
        assert_eq!(u8::average(&[1, 2], None), 2);
        assert_eq!(u8::average(&[1, 2, 255, 255], Some(255.0)), 2);
        assert_eq!(u8::average(&[255, 255], Some(255.0)), 255);
        assert_eq!(i16::average(&[-1, -2], None), -2);
        assert_eq!(u16::average(&[65535, 65535, 65534, 65535], None), 65535);
        // The largest valid class; nodata only where every pixel is.
        assert_eq!(u8::max_valid(&[0, 1, 255, 3], Some(255.0)), 3);
        assert_eq!(u8::max_valid(&[255, 255], Some(255.0)), 255);
        assert_eq!(u8::max_valid(&[255, 2], None), 255);
        assert_eq!(
            f32::max_valid(&[f32::NAN, 2.0, -9999.0], Some(-9999.0)),
            2.0
        );
        // RGBA: a transparent pixel does not tint its block; alpha is the mean.
        let (red, clear) = (Rgba([200, 10, 0, 255]), Rgba([0, 0, 255, 0]));
        assert_eq!(
            Rgba::average(&[red, clear, clear, clear], None),
            Rgba([200, 10, 0, 64])
        );
        assert_eq!(Rgba::average(&[clear, clear], None), Rgba([0; 4]));
        // Half-transparent weighs half: (100·255 + 200·127 + 191) / 382 = 133.
        let half = Rgba([200, 0, 0, 127]);
        assert_eq!(
            Rgba::average(&[Rgba([100, 0, 0, 255]), half], None).0[0],
            133
        );
    }
}

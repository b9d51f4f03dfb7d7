//! Block geometry for streamed processing: a raster cut into blocks (the last row and column of
//! blocks may be smaller), each read with a halo of extra pixels on every side, clipped at the
//! raster edge. Pure: no I/O.

/// A rectangle of pixels: rows `row0..row0 + rows`, columns `col0..col0 + cols`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PixelWindow {
    pub row0: usize,
    pub col0: usize,
    pub rows: usize,
    pub cols: usize,
}

impl PixelWindow {
    /// The whole raster of `shape = (rows, cols)`.
    pub fn full(shape: (usize, usize)) -> Self {
        Self {
            row0: 0,
            col0: 0,
            rows: shape.0,
            cols: shape.1,
        }
    }

    /// `(rows, cols)`.
    pub fn shape(&self) -> (usize, usize) {
        (self.rows, self.cols)
    }

    /// One past the last row.
    pub fn row_end(&self) -> usize {
        self.row0 + self.rows
    }

    /// One past the last column.
    pub fn col_end(&self) -> usize {
        self.col0 + self.cols
    }

    /// Number of pixels.
    pub fn len(&self) -> usize {
        self.rows * self.cols
    }

    /// True when the window holds no pixel.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// This window grown by `halo` pixels on every side, clipped to a raster of `shape`.
    pub fn with_halo(&self, halo: usize, shape: (usize, usize)) -> Self {
        let row0 = self.row0.saturating_sub(halo);
        let col0 = self.col0.saturating_sub(halo);
        let row_end = (self.row_end() + halo).min(shape.0);
        let col_end = (self.col_end() + halo).min(shape.1);
        Self {
            row0,
            col0,
            rows: row_end - row0,
            cols: col_end - col0,
        }
    }

    /// True when `other` lies entirely inside this window.
    pub fn contains(&self, other: &PixelWindow) -> bool {
        other.row0 >= self.row0
            && other.col0 >= self.col0
            && other.row_end() <= self.row_end()
            && other.col_end() <= self.col_end()
    }

    /// `other` in this window's own pixel coordinates (`other` must lie inside it).
    pub fn relative(&self, other: &PixelWindow) -> PixelWindow {
        debug_assert!(self.contains(other));
        PixelWindow {
            row0: other.row0 - self.row0,
            col0: other.col0 - self.col0,
            rows: other.rows,
            cols: other.cols,
        }
    }
}

/// One block of a tiling: the pixels it produces (`core`) and the pixels it must read (`read`:
/// the core plus the halo, clipped at the raster edge).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Block {
    /// Position in the tiling, row-major from 0.
    pub index: usize,
    pub core: PixelWindow,
    pub read: PixelWindow,
}

impl Block {
    /// Where the core lies inside the read window.
    pub fn core_in_read(&self) -> PixelWindow {
        self.read.relative(&self.core)
    }
}

/// Cuts a raster of `shape = (rows, cols)` into blocks of `block = (rows, cols)` (the last ones
/// smaller), row-major, each with `halo` pixels of context. The cores cover every pixel exactly
/// once. A zero block dimension means the raster's full extent in that direction.
pub fn tile(shape: (usize, usize), block: (usize, usize), halo: usize) -> Vec<Block> {
    let step = |b: usize, n: usize| if b == 0 { n.max(1) } else { b };
    let (brows, bcols) = (step(block.0, shape.0), step(block.1, shape.1));
    let mut out = Vec::new();
    for row0 in (0..shape.0).step_by(brows) {
        for col0 in (0..shape.1).step_by(bcols) {
            let core = PixelWindow {
                row0,
                col0,
                rows: brows.min(shape.0 - row0),
                cols: bcols.min(shape.1 - col0),
            };
            out.push(Block {
                index: out.len(),
                core,
                read: core.with_halo(halo, shape),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cores_cover_every_pixel_once() {
        // 7 x 10 raster in 3 x 4 blocks: 3 block rows (3, 3, 1) and 3 block columns (4, 4, 2).
        let blocks = tile((7, 10), (3, 4), 2);
        assert_eq!(blocks.len(), 9);
        let mut hits = ndarray::Array2::<u8>::zeros((7, 10));
        for b in &blocks {
            hits.slice_mut(ndarray::s![
                b.core.row0..b.core.row_end(),
                b.core.col0..b.core.col_end()
            ])
            .mapv_inplace(|h| h + 1);
            assert!(b.read.contains(&b.core));
        }
        assert!(hits.iter().all(|&h| h == 1));
        assert_eq!(blocks[8].core.shape(), (1, 2));
        assert_eq!(
            blocks.iter().map(|b| b.index).collect::<Vec<_>>(),
            (0..9).collect::<Vec<_>>()
        );
    }

    #[test]
    fn halo_is_clipped_at_the_edges() {
        let blocks = tile((7, 10), (3, 4), 2);
        // Top-left block: core rows 0..3 cols 0..4, read rows 0..5 cols 0..6.
        assert_eq!(
            blocks[0].read,
            PixelWindow {
                row0: 0,
                col0: 0,
                rows: 5,
                cols: 6
            }
        );
        // Centre block: core rows 3..6 cols 4..8 → read rows 1..7 (clipped at 7) cols 2..10.
        assert_eq!(
            blocks[4].read,
            PixelWindow {
                row0: 1,
                col0: 2,
                rows: 6,
                cols: 8
            }
        );
        assert_eq!(
            blocks[4].core_in_read(),
            PixelWindow {
                row0: 2,
                col0: 2,
                rows: 3,
                cols: 4
            }
        );
    }

    #[test]
    fn zero_block_means_full_extent() {
        let blocks = tile((5, 6), (2, 0), 0);
        assert_eq!(blocks.len(), 3);
        assert!(blocks.iter().all(|b| b.core.cols == 6 && b.read == b.core));
    }
}

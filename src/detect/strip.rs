//! The contextual test on one full-width strip read with a halo: a pure function of the strip,
//! returning the evidence of the strip's core rows in raster coordinates. Run over strips that
//! cover a raster (`raster::tile` with [`halo_rows`] of halo), it gives the whole-raster
//! [`super::contextual::detect_contextual`] evidence (tested in `detect::streamed`), with
//! memory bounded by the strip. The scene-level `(median, MAD)` comes from the caller
//! (`scene_histogram::SceneHistogram` merges over strips).

use ndarray::Array2;

use super::Flagged;
use super::contextual::{ContextualParams, contextual_core};
use super::test_buffers::TestBuffers;
use crate::raster::Block;

/// The halo (rows) a strip needs: the candidate window for each candidate pass, then the
/// largest background window.
pub fn halo_rows(pixel_m: f64, p: &ContextualParams) -> usize {
    super::contextual::halo_rows(pixel_m, p)
}

/// The contextual evidence of one strip's core rows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StripEvidence {
    /// Flagged pixels in raster coordinates, row-major, confidence from z (before the budget).
    pub flagged: Vec<Flagged>,
    /// Candidates of the core rows, and those left unresolved.
    pub candidates: usize,
    pub unresolved: usize,
}

/// Runs the contextual test on `t`/`valid`, the pixels of `block.read` (full-width: columns are
/// the raster's), and keeps the core rows' results. `scene`: the whole raster's
/// `(median, MAD)` of the valid temperatures. `bufs`: the worker's reusable storage.
pub fn contextual_strip(
    t: &Array2<f32>,
    valid: &Array2<bool>,
    block: &Block,
    pixel_m: f64,
    p: &ContextualParams,
    scene: Option<(f64, f64)>,
    bufs: &mut TestBuffers,
) -> StripEvidence {
    debug_assert_eq!(t.dim(), block.read.shape());
    let core = block.core_in_read();
    let (row0, col0) = (block.read.row0, block.read.col0);
    let mut out = StripEvidence::default();
    for ((r, _), outcome) in contextual_core(t, valid, pixel_m, p, scene, bufs) {
        if !(core.row0..core.row_end()).contains(&r) {
            continue;
        }
        out.candidates += 1;
        match outcome {
            None => out.unresolved += 1,
            Some(Some(f)) => out.flagged.push(Flagged {
                row: f.row + row0,
                col: f.col + col0,
                ..f
            }),
            Some(None) => {}
        }
    }
    out
}

/// Pixels a thermal method tests in a window: valid and not NaN (the complement of
/// `NOT_PROCESSED` in `initial_classes`).
pub fn valid_pixels(t: &Array2<f32>, valid: &Array2<bool>) -> usize {
    t.iter()
        .zip(valid)
        .filter(|(v, ok)| **ok && !v.is_nan())
        .count()
}

/// The classes of a window from its temperatures, validity and the flagged pixels that fall in
/// it (raster coordinates, sorted by row; others are ignored): `NOT_PROCESSED` where invalid,
/// else `NONE`, overwritten by the flagged pixels' confidences.
pub fn window_classes(
    t: &Array2<f32>,
    valid: &Array2<bool>,
    window: crate::raster::PixelWindow,
    flagged: &[Flagged],
) -> Array2<u8> {
    let mut classes = super::initial_classes(t, valid);
    let lo = flagged.partition_point(|f| f.row < window.row0);
    let hi = flagged.partition_point(|f| f.row < window.row_end());
    for f in &flagged[lo..hi] {
        if (window.col0..window.col_end()).contains(&f.col) {
            classes[[f.row - window.row0, f.col - window.col0]] = f.confidence;
        }
    }
    classes
}

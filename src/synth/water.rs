//! Lakes: irregular smooth water bodies, flagged as water in QA and colder than the land.
//!
//! A pixel belongs to a lake when `d / R + shore(r, c) < 1`, with `d` the distance to the lake
//! centre, `R` its radius and `shore` a low-frequency fractal (standard deviation 0.18) that
//! makes the shoreline irregular but smooth.

use serde::Serialize;

use super::noise::{ColumnTables, Fractal};
use super::rng::SplitMix64;

/// One lake.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Lake {
    pub centre_row: f64,
    pub centre_col: f64,
    pub radius_px: f64,
}

/// The lakes of a scene and their shoreline noise.
#[derive(Debug, Clone)]
pub struct Lakes {
    pub lakes: Vec<Lake>,
    shore: Fractal,
    shore_cols: ColumnTables,
}

/// Reach of the shoreline noise beyond the nominal radius.
const SHORE_REACH: f64 = 1.8;

impl Lakes {
    /// One lake per started 4 Mpx, radius 4–9 % of the smaller side (capped at 2048 px).
    pub fn draw(rng: &mut SplitMix64, rows: usize, cols: usize) -> Self {
        let side = rows.min(cols).min(2048) as f64;
        let n = 1 + rows * cols / 4_000_000;
        let lakes = (0..n)
            .map(|_| {
                let radius_px = (rng.uniform(0.04, 0.09) * side).max(6.0);
                let pick = |rng: &mut SplitMix64, len: usize| {
                    let len = len as f64;
                    if len > 2.0 * radius_px {
                        rng.uniform(radius_px, len - radius_px)
                    } else {
                        rng.uniform(0.0, len)
                    }
                };
                Lake {
                    centre_row: pick(rng, rows),
                    centre_col: pick(rng, cols),
                    radius_px,
                }
            })
            .collect();
        let typical = (0.065 * side).max(6.0);
        let shore = Fractal::new(
            rng,
            &[typical / 2.0, typical / 4.0, typical / 8.0],
            &[1.0, 0.5, 0.25],
            0.18,
        );
        let shore_cols = shore.columns(cols);
        Self {
            lakes,
            shore,
            shore_cols,
        }
    }

    /// Sets `out[c]` for the water pixels of row `row`. `scratch` is reused between rows.
    pub fn mark_row(&self, row: usize, out: &mut [bool], scratch: &mut (Vec<f32>, Vec<f32>)) {
        let r = row as f64 + 0.5;
        let hits: Vec<&Lake> = self
            .lakes
            .iter()
            .filter(|l| (r - l.centre_row).abs() < SHORE_REACH * l.radius_px)
            .collect();
        if hits.is_empty() {
            return;
        }
        let (noise, comb) = scratch;
        noise.clear();
        noise.resize(out.len(), 0.0);
        self.shore.add_row(row, &self.shore_cols, noise, comb);
        for l in hits {
            let reach = SHORE_REACH * l.radius_px;
            let c0 = (l.centre_col - reach).floor().max(0.0) as usize;
            let c1 = ((l.centre_col + reach).ceil().max(0.0) as usize).min(out.len());
            let dr = r - l.centre_row;
            for c in c0..c1 {
                let dc = c as f64 + 0.5 - l.centre_col;
                let d = (dr * dr + dc * dc).sqrt() / l.radius_px;
                if d + f64::from(noise[c]) < 1.0 {
                    out[c] = true;
                }
            }
        }
    }
}

//! Fill (no data, DN 0, QA bit 0) like a Level-1 scene's: triangles at the corners of the
//! tilted footprint, dropped lines (horizontal stripes) and one diagonal band.

use serde::Serialize;

use super::rng::SplitMix64;

/// Where the fill is.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FillLayout {
    /// Legs `(along columns, along rows)` in pixels of the fill triangle at each corner, in the
    /// order top-left, top-right, bottom-left, bottom-right.
    pub corners: [(f64, f64); 4],
    /// Horizontal stripes: `(first row, rows)`.
    pub stripes: Vec<(usize, usize)>,
    /// Diagonal bands: a point `(row, col)` on the centre line, its direction (degrees from the
    /// column axis) and width in pixels.
    pub bands: Vec<DiagonalBand>,
}

/// A straight fill band across the scene.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DiagonalBand {
    pub row: f64,
    pub col: f64,
    pub angle_deg: f64,
    pub width_px: f64,
}

impl FillLayout {
    pub fn draw(rng: &mut SplitMix64, rows: usize, cols: usize) -> Self {
        let (rf, cf) = (rows as f64, cols as f64);
        let mut corners = [(0.0, 0.0); 4];
        for c in &mut corners {
            *c = (rng.uniform(0.02, 0.06) * cf, rng.uniform(0.02, 0.06) * rf);
        }
        let stripes = (0..1 + rows / 2048)
            .map(|_| {
                let start = rng.uniform(0.1 * rf, 0.9 * rf) as usize;
                (start, rng.range_inclusive(1, 3))
            })
            .collect();
        let sign = if rng.chance(0.5) { 1.0 } else { -1.0 };
        let bands = vec![DiagonalBand {
            row: rng.uniform(0.3 * rf, 0.7 * rf),
            col: rng.uniform(0.3 * cf, 0.7 * cf),
            angle_deg: sign * rng.uniform(20.0, 70.0),
            width_px: rng.uniform(2.0, 6.0),
        }];
        Self {
            corners,
            stripes,
            bands,
        }
    }

    /// Sets `out[c]` for the fill pixels of row `row`.
    pub fn mark_row(&self, row: usize, rows: usize, out: &mut [bool]) {
        let cols = out.len();
        if self.stripes.iter().any(|&(s, n)| row >= s && row < s + n) {
            out.fill(true);
            return;
        }
        let r = row as f64 + 0.5;
        for (i, &(a, b)) in self.corners.iter().enumerate() {
            let dr = if i < 2 { r } else { rows as f64 - r };
            if a <= 0.0 || b <= 0.0 || dr >= b {
                continue;
            }
            // Columns with dc / a + dr / b < 1, counted from the corner's side.
            let reach = (a * (1.0 - dr / b)).ceil() as usize;
            for k in 0..reach.min(cols) {
                let dc = k as f64 + 0.5;
                if dc / a + dr / b < 1.0 {
                    let c = if i % 2 == 0 { k } else { cols - 1 - k };
                    out[c] = true;
                }
            }
        }
        for band in &self.bands {
            let (s, co) = band.angle_deg.to_radians().sin_cos();
            let half = band.width_px / 2.0;
            for (c, o) in out.iter_mut().enumerate() {
                let dc = c as f64 + 0.5 - band.col;
                // Distance from the line through (row, col) with direction (sin, cos).
                if ((r - band.row) * co - dc * s).abs() < half {
                    *o = true;
                }
            }
        }
    }
}

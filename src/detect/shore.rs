//! Evidence on a shore is not a fire: a pixel next to masked water is part water (a 30–70 m
//! pixel across a shoreline), and with the water taken out of the background it is compared
//! with land alone. By night, when water is warmer than land, every such mixed pixel is warm
//! against its land neighbours, and each reservoir and coastline becomes "hot spots" (found on
//! the Los Angeles passes once their water masks were applied; docs/accuracy.md). MOD14 handles
//! the same by rejecting or down-weighting detections adjacent to water (science.md §2.2:
//! "detections next to unmasked water", confidence `C5 = 1 − S(N_adj_water; 0, 6)`).
//!
//! Here a flagged pixel with masked water among its 8 neighbours is dropped from the evidence:
//! it stays a valid background pixel, but is never a hotspot or part of a fire zone. A pure
//! function of the pixel's 3 x 3 neighbourhood, so strips with a halo of at least one row give
//! the whole raster's answer.

use ndarray::Array2;

use super::Flagged;

/// Whether pixel `(r, c)` of `water` has water among its 8 neighbours (not itself).
pub fn next_to_water(water: &Array2<bool>, r: usize, c: usize) -> bool {
    let (rows, cols) = water.dim();
    (r.saturating_sub(1)..(r + 2).min(rows)).any(|rr| {
        (c.saturating_sub(1)..(c + 2).min(cols)).any(|cc| (rr, cc) != (r, c) && water[[rr, cc]])
    })
}

/// Drops the flagged pixels next to water. `water` covers rows `row0..` of the raster (all its
/// columns); the flagged pixels are in raster coordinates and must lie inside it, away from its
/// first and last rows unless those are the raster's own.
pub fn drop_next_to_water(flagged: &mut Vec<Flagged>, water: &Array2<bool>, row0: usize) {
    flagged.retain(|f| !next_to_water(water, f.row - row0, f.col));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::{Method, confidence};
    use ndarray::array;

    fn f(row: usize, col: usize) -> Flagged {
        Flagged {
            row,
            col,
            value: 300.0,
            bg_mean: 296.0,
            bg_std: 0.5,
            z: 8.0,
            window_px: 11,
            n_background: 100,
            confidence: confidence::HIGH,
            method: Method::Contextual,
        }
    }

    #[test]
    fn eight_neighbours_and_raster_edges() {
        let water = array![
            [false, false, false, false],
            [false, false, false, true],
            [false, false, false, false]
        ];
        assert!(next_to_water(&water, 0, 2), "diagonal");
        assert!(next_to_water(&water, 2, 3), "below");
        assert!(!next_to_water(&water, 1, 1), "two columns away");
        assert!(!next_to_water(&water, 1, 3), "the water pixel itself");
        // Rows 10–12 of a raster: the flagged pixels are in raster rows.
        let mut flagged = vec![f(10, 0), f(10, 2), f(11, 1), f(12, 3)];
        drop_next_to_water(&mut flagged, &water, 10);
        let kept: Vec<(usize, usize)> = flagged.iter().map(|f| (f.row, f.col)).collect();
        assert_eq!(kept, vec![(10, 0), (11, 1)]);
    }
}

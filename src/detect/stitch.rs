//! Fire zones assembled across tile borders: 8-connected components are labelled per tile
//! (only the tile's core is held), then merged with a union-find over the pixels on the tile
//! edges, so a zone cut by a tile edge is one zone. The zones are identical to
//! [`super::cluster::fire_zones`] on the whole raster: same ids (numbered by first pixel in
//! row-major order), same pixels, and the attributes computed by the same function over the
//! same pixel order. Memory is one tile's mask plus the flagged pixels, never a whole-raster
//! array. Pure: no I/O.

use std::collections::{BTreeMap, HashMap};

use ndarray::ArrayView2;

use super::Flagged;
use super::cluster::{FireZone, label_components, summarise};
use super::union_find::UnionFind;
use crate::raster::{GeoTransform, PixelWindow};

/// The 8-connected components of one tile's core, in raster (not tile) coordinates.
#[derive(Debug, Clone, PartialEq)]
pub struct TileComponents {
    pub core: PixelWindow,
    /// Each component's pixels `(row, col)` in row-major order.
    pub components: Vec<Vec<(usize, usize)>>,
}

/// Labels the components of `mask`, the flagged pixels of the tile `core` (same shape).
pub fn tile_components(mask: ArrayView2<'_, bool>, core: PixelWindow) -> TileComponents {
    debug_assert_eq!(mask.dim(), core.shape());
    let (_, local) = label_components(&mask.to_owned());
    let components = local
        .into_iter()
        .map(|px| {
            px.into_iter()
                .map(|(r, c)| (r + core.row0, c + core.col0))
                .collect()
        })
        .collect();
    TileComponents { core, components }
}

/// True when `(r, c)` lies on the outer ring of `w`.
fn on_edge(w: &PixelWindow, (r, c): (usize, usize)) -> bool {
    r == w.row0 || c == w.col0 || r + 1 == w.row_end() || c + 1 == w.col_end()
}

/// Merges the components of tiles that together cover a raster without overlap: components
/// with 8-adjacent pixels across a tile edge (or corner) become one. Returns the raster's
/// components, pixels in row-major order, ordered by their first pixel — exactly what
/// [`label_components`] gives on the whole mask.
pub fn merge_components(tiles: &[TileComponents]) -> Vec<Vec<(usize, usize)>> {
    // Global component index of every edge pixel.
    let mut edge: HashMap<(usize, usize), usize> = HashMap::new();
    let mut all: Vec<&Vec<(usize, usize)>> = Vec::new();
    let mut owner: Vec<usize> = Vec::new();
    for (t, tile) in tiles.iter().enumerate() {
        for comp in &tile.components {
            let id = all.len();
            for &p in comp.iter().filter(|&&p| on_edge(&tile.core, p)) {
                edge.insert(p, id);
            }
            all.push(comp);
            owner.push(t);
        }
    }
    let mut uf = UnionFind::new(all.len());
    for (&(r, c), &id) in &edge {
        let core = &tiles[owner[id]].core;
        for nr in r.saturating_sub(1)..=r + 1 {
            for nc in c.saturating_sub(1)..=c + 1 {
                let outside = nr < core.row0
                    || nc < core.col0
                    || nr >= core.row_end()
                    || nc >= core.col_end();
                if outside && let Some(&other) = edge.get(&(nr, nc)) {
                    uf.union(id, other);
                }
            }
        }
    }
    let mut merged: BTreeMap<usize, Vec<(usize, usize)>> = BTreeMap::new();
    for (id, comp) in all.iter().enumerate() {
        let root = uf.find(id);
        merged.entry(root).or_default().extend(comp.iter().copied());
    }
    let mut out: Vec<Vec<(usize, usize)>> = merged
        .into_values()
        .map(|mut px| {
            px.sort_unstable();
            px
        })
        .collect();
    out.sort_unstable_by_key(|px| px[0]);
    out
}

/// Fire zones from tile-merged components: the same zones, ids and attributes as
/// [`super::cluster::fire_zones`] on the whole raster. `temperature(row, col)` gives the
/// temperature of a zone pixel (`None`: no temperature raster); a streamed run keeps only the
/// flagged pixels' temperatures.
pub fn stitched_fire_zones(
    flagged: &[Flagged],
    components: &[Vec<(usize, usize)>],
    temperature: &dyn Fn(usize, usize) -> Option<f32>,
    transform: &GeoTransform,
) -> Vec<FireZone> {
    let mut by_pixel: BTreeMap<(usize, usize), Vec<&Flagged>> = BTreeMap::new();
    for f in flagged {
        by_pixel.entry((f.row, f.col)).or_default().push(f);
    }
    components
        .iter()
        .enumerate()
        .map(|(i, px)| summarise(i as u32 + 1, px, &by_pixel, temperature, transform))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::cluster::fire_zones;
    use crate::detect::{Method, confidence};
    use crate::raster::tile;
    use ndarray::Array2;
    use proptest::prelude::*;

    fn flagged_of(mask: &Array2<bool>, t: &Array2<f32>) -> Vec<Flagged> {
        let mut out = Vec::new();
        for ((row, col), &m) in mask.indexed_iter() {
            if m {
                let value = t[[row, col]];
                out.push(Flagged {
                    row,
                    col,
                    value,
                    bg_mean: 300.0,
                    bg_std: 1.5,
                    z: (value - 300.0) / 1.5,
                    window_px: 11,
                    n_background: 80,
                    confidence: [confidence::LOW, confidence::NOMINAL, confidence::HIGH]
                        [(row + 2 * col) % 3],
                    method: if (row * 7 + col) % 5 == 0 {
                        Method::Swir
                    } else {
                        Method::Contextual
                    },
                });
            }
        }
        out
    }

    /// Stitched zones for tiles of `block`, against `fire_zones` on the whole raster. Zones are
    /// compared through their `Debug` text, which shows every float exactly (shortest
    /// round-trip form) and treats NaN attributes (zones of SWIR-only pixels) as equal.
    fn check(mask: &Array2<bool>, t: &Array2<f32>, block: (usize, usize)) {
        let gt = GeoTransform([500.0, 0.25, 0.0, 900.0, 0.0, -0.25]);
        let flagged = flagged_of(mask, t);
        let (whole, labels) = fire_zones(&flagged, mask.dim(), Some(t), &gt);
        let tiles: Vec<TileComponents> = tile(mask.dim(), block, 0)
            .iter()
            .map(|b| {
                let view = mask.slice(ndarray::s![
                    b.core.row0..b.core.row_end(),
                    b.core.col0..b.core.col_end()
                ]);
                tile_components(view, b.core)
            })
            .collect();
        let components = merge_components(&tiles);
        // Only the flagged pixels' temperatures are kept, as a streamed run would.
        let temps: HashMap<(usize, usize), f32> = flagged
            .iter()
            .map(|f| ((f.row, f.col), t[[f.row, f.col]]))
            .collect();
        let stitched = stitched_fire_zones(
            &flagged,
            &components,
            &|r, c| temps.get(&(r, c)).copied(),
            &gt,
        );
        assert_eq!(
            format!("{whole:?}"),
            format!("{stitched:?}"),
            "block {block:?}"
        );
        for (i, px) in components.iter().enumerate() {
            assert!(px.iter().all(|&(r, c)| labels[[r, c]] == i as u32 + 1));
        }
    }

    #[test]
    fn a_zone_cut_by_tile_edges_and_corners_is_one_zone() {
        // With 4x4 tiles: a ring around (4, 4) crossing the 4-way tile corner; a diagonal pair
        // (3,7)-(4,8) touching only across a tile corner; a U whose arms (rows 6-7, tile row 1)
        // meet only in row 8 (tile row 2). 3 zones.
        let mut mask = Array2::from_elem((9, 11), false);
        let ring = [
            (2, 3),
            (2, 4),
            (3, 5),
            (4, 5),
            (5, 4),
            (5, 3),
            (4, 2),
            (3, 2),
        ];
        let pair = [(3, 7), (4, 8)];
        let u = [(6, 8), (7, 8), (8, 8), (8, 9), (8, 10), (7, 10), (6, 10)];
        for &(r, c) in ring.iter().chain(&pair).chain(&u) {
            mask[[r, c]] = true;
        }
        let t = Array2::from_shape_fn((9, 11), |(r, c)| 300.0 + (r * 11 + c) as f32 * 0.37);
        check(&mask, &t, (4, 4));
        let gt = GeoTransform([0.0, 1.0, 0.0, 0.0, 0.0, -1.0]);
        let (whole, _) = fire_zones(&flagged_of(&mask, &t), (9, 11), Some(&t), &gt);
        let sizes: Vec<usize> = whole.iter().map(|z| z.pixel_count).collect();
        assert_eq!(sizes, [8, 2, 7]);
        check(&mask, &t, (1, 1));
        check(&mask, &t, (3, 0));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn stitched_zones_equal_whole_raster_zones(
            rows in 1usize..48,
            cols in 1usize..48,
            density in 0.05f64..0.7,
            seed in any::<u64>(),
            block_rows in 1usize..17,
            block_cols in 0usize..17,
        ) {
            // Cheap deterministic pseudo-random mask and temperatures (incl. NaN) from the seed.
            let mut s = seed | 1;
            let mut next = move || {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                (s >> 11) as f64 / (1u64 << 53) as f64
            };
            let mask = Array2::from_shape_fn((rows, cols), |_| next() < density);
            let t = Array2::from_shape_fn((rows, cols), |_| {
                let u = next();
                if u < 0.03 { f32::NAN } else { 280.0 + 400.0 * u as f32 }
            });
            check(&mask, &t, (block_rows, block_cols));
        }
    }
}

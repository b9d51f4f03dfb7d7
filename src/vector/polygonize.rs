//! Exact polygons of raster regions: the union of the pixel footprints of a region, traced along
//! pixel edges on the native grid (every vertex is a pixel corner), holes kept.
//!
//! Boundary edges are directed with the region on their right in pixel space (`x = col` to the
//! right, `y = row` downwards), linked into rings (at a corner where two region pixels touch only
//! diagonally the ring turns to hug the pixel it is following), and rings that pass a corner
//! twice are split there, so every ring is simple. Rings around region pixels are shells, rings
//! around non-region pixels are holes; each hole goes to the smallest shell that contains it.
//! Parts that touch only at a corner are separate polygons of one `MultiPolygon` (valid in the
//! OGC sense: polygons of a multipolygon may touch at points; a hole may touch its shell at a
//! point). Map coordinates come from the geotransform; rings are then oriented exterior
//! counter-clockwise, holes clockwise (RFC 7946, right-hand rule).

use std::collections::HashMap;

use geo::orient::Direction;
use geo::{Contains, Coord, LineString, MultiPolygon, Orient, Point, Polygon};
use ndarray::Array2;

use crate::raster::GeoTransform;

/// A pixel corner `(x = col, y = row)`.
pub type Corner = (i64, i64);

/// A ring of pixel corners, closed implicitly (the first corner is not repeated).
pub type PixelRing = Vec<Corner>;

/// One polygon in pixel-corner coordinates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PixelPolygon {
    pub exterior: PixelRing,
    pub holes: Vec<PixelRing>,
}

impl PixelPolygon {
    /// Area in pixels (shell minus holes).
    pub fn area_px(&self) -> i64 {
        (doubled_area(&self.exterior) + self.holes.iter().map(|h| doubled_area(h)).sum::<i64>()) / 2
    }
}

/// Directions in pixel space: east (+x), south (+y), west (−x), north (−y).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dir {
    E,
    S,
    W,
    N,
}

impl Dir {
    fn step(self, (x, y): Corner) -> Corner {
        match self {
            Dir::E => (x + 1, y),
            Dir::S => (x, y + 1),
            Dir::W => (x - 1, y),
            Dir::N => (x, y - 1),
        }
    }

    /// Clockwise on screen (the side the region is on).
    fn right(self) -> Dir {
        match self {
            Dir::E => Dir::S,
            Dir::S => Dir::W,
            Dir::W => Dir::N,
            Dir::N => Dir::E,
        }
    }

    fn left(self) -> Dir {
        self.right().right().right()
    }
}

/// Twice the signed area of a ring in pixel space: positive for shells (region on the right,
/// clockwise on screen), negative for holes.
pub fn doubled_area(ring: &[Corner]) -> i64 {
    let n = ring.len();
    (0..n)
        .map(|i| {
            let (a, b) = (ring[i], ring[(i + 1) % n]);
            a.0 * b.1 - b.0 * a.1
        })
        .sum()
}

/// Polygons of the pixels where `inside(row, col)` holds, looking only at the inclusive pixel
/// box `bbox = [min_row, min_col, max_row, max_col]` (pixels outside it count as outside).
pub fn polygonize_region(
    inside: impl Fn(usize, usize) -> bool,
    bbox: [usize; 4],
) -> Vec<PixelPolygon> {
    let [r0, c0, r1, c1] = bbox;
    let is_in = |r: i64, c: i64| {
        r >= r0 as i64
            && c >= c0 as i64
            && r <= r1 as i64
            && c <= c1 as i64
            && inside(r as usize, c as usize)
    };
    // Boundary edges: (start corner, direction), region on the right.
    let mut edges: Vec<(Corner, Dir)> = Vec::new();
    for r in r0 as i64..=r1 as i64 {
        for c in c0 as i64..=c1 as i64 {
            if !is_in(r, c) {
                continue;
            }
            if !is_in(r - 1, c) {
                edges.push(((c, r), Dir::E));
            }
            if !is_in(r, c + 1) {
                edges.push(((c + 1, r), Dir::S));
            }
            if !is_in(r + 1, c) {
                edges.push(((c + 1, r + 1), Dir::W));
            }
            if !is_in(r, c - 1) {
                edges.push(((c, r + 1), Dir::N));
            }
        }
    }
    let mut from: HashMap<Corner, Vec<usize>> = HashMap::with_capacity(edges.len());
    for (i, (start, _)) in edges.iter().enumerate() {
        from.entry(*start).or_default().push(i);
    }
    let mut used = vec![false; edges.len()];
    let mut loops = Vec::new();
    for first in 0..edges.len() {
        if used[first] {
            continue;
        }
        let mut ring = Vec::new();
        let mut cur = first;
        loop {
            used[cur] = true;
            let (start, dir) = edges[cur];
            ring.push(start);
            let end = dir.step(start);
            let next = [dir.right(), dir, dir.left()].iter().find_map(|want| {
                from.get(&end)?
                    .iter()
                    .copied()
                    .find(|&j| !used[j] && edges[j].1 == *want)
            });
            match next {
                Some(j) => cur = j,
                None => break,
            }
        }
        loops.extend(split_simple(ring).into_iter().map(drop_collinear));
    }
    assemble(loops)
}

/// Splits a closed walk that may pass a corner several times into simple rings.
fn split_simple(walk: Vec<Corner>) -> Vec<PixelRing> {
    let mut out = Vec::new();
    let mut stack: Vec<Corner> = Vec::with_capacity(walk.len());
    let mut pos: HashMap<Corner, usize> = HashMap::with_capacity(walk.len());
    for v in walk {
        if let Some(&i) = pos.get(&v) {
            let ring: Vec<Corner> = stack.drain(i..).collect();
            for u in &ring {
                pos.remove(u);
            }
            out.push(ring);
        }
        pos.insert(v, stack.len());
        stack.push(v);
    }
    if !stack.is_empty() {
        out.push(stack);
    }
    out
}

/// Removes corners where the ring goes straight on.
fn drop_collinear(ring: PixelRing) -> PixelRing {
    let n = ring.len();
    let dir = |a: Corner, b: Corner| ((b.0 - a.0).signum(), (b.1 - a.1).signum());
    (0..n)
        .filter(|&i| {
            let (p, v, q) = (ring[(i + n - 1) % n], ring[i], ring[(i + 1) % n]);
            dir(p, v) != dir(v, q)
        })
        .map(|i| ring[i])
        .collect()
}

fn ring_f64(ring: &[Corner]) -> LineString<f64> {
    let mut coords: Vec<Coord<f64>> = ring
        .iter()
        .map(|&(x, y)| Coord {
            x: x as f64,
            y: y as f64,
        })
        .collect();
    if let Some(&c) = coords.first() {
        coords.push(c);
    }
    LineString(coords)
}

/// Shells with their holes.
fn assemble(loops: Vec<PixelRing>) -> Vec<PixelPolygon> {
    let (shells, holes): (Vec<PixelRing>, Vec<PixelRing>) =
        loops.into_iter().partition(|r| doubled_area(r) > 0);
    let shell_polys: Vec<Polygon<f64>> = shells
        .iter()
        .map(|s| Polygon::new(ring_f64(s), vec![]))
        .collect();
    let mut out: Vec<PixelPolygon> = shells
        .into_iter()
        .map(|exterior| PixelPolygon {
            exterior,
            holes: Vec::new(),
        })
        .collect();
    for hole in holes {
        // A point a quarter pixel to the right of the hole's first edge lies inside a region
        // pixel of the shell the hole belongs to (never on a boundary).
        let (a, b) = (hole[0], hole[1]);
        let (dx, dy) = ((b.0 - a.0).signum() as f64, (b.1 - a.1).signum() as f64);
        let p = Point::new(
            a.0 as f64 + 0.5 * dx - 0.25 * dy,
            a.1 as f64 + 0.5 * dy + 0.25 * dx,
        );
        let owner = shell_polys
            .iter()
            .enumerate()
            .filter(|(_, s)| s.contains(&p))
            .min_by_key(|(i, _)| doubled_area(&out[*i].exterior))
            .map(|(i, _)| i);
        if let Some(i) = owner {
            out[i].holes.push(hole);
        }
    }
    out
}

/// Pixel polygons → map polygons through `gt`, oriented exterior counter-clockwise and holes
/// clockwise in map coordinates.
pub fn to_map(polys: &[PixelPolygon], gt: &GeoTransform) -> MultiPolygon<f64> {
    let map_ring = |ring: &[Corner]| {
        let mut ls = ring_f64(ring);
        for c in ls.0.iter_mut() {
            let (x, y) = gt.pixel_to_map(c.y, c.x);
            *c = Coord { x, y };
        }
        ls
    };
    MultiPolygon(
        polys
            .iter()
            .map(|p| {
                Polygon::new(
                    map_ring(&p.exterior),
                    p.holes.iter().map(|h| map_ring(h)).collect(),
                )
            })
            .collect(),
    )
    .orient(Direction::Default)
}

/// The footprint of zone `id` of a label raster (map coordinates), with the zone's inclusive
/// pixel box `bbox = [min_row, min_col, max_row, max_col]`.
pub fn zone_polygon(
    labels: &Array2<u32>,
    id: u32,
    bbox: [usize; 4],
    gt: &GeoTransform,
) -> MultiPolygon<f64> {
    zone_polygon_by(|r, c| labels[[r, c]] == id, bbox, gt)
}

/// [`zone_polygon`] of the pixels of `bbox` for which `inside(row, col)` holds.
pub fn zone_polygon_by(
    inside: impl Fn(usize, usize) -> bool,
    bbox: [usize; 4],
    gt: &GeoTransform,
) -> MultiPolygon<f64> {
    to_map(&polygonize_region(inside, bbox), gt)
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Area, Winding};

    fn mask(rows: &[&str]) -> Array2<bool> {
        let cols = rows[0].len();
        Array2::from_shape_fn((rows.len(), cols), |(r, c)| rows[r].as_bytes()[c] == b'#')
    }

    fn polys(rows: &[&str]) -> Vec<PixelPolygon> {
        let m = mask(rows);
        let (nr, nc) = m.dim();
        polygonize_region(|r, c| m[[r, c]], [0, 0, nr - 1, nc - 1])
    }

    #[test]
    fn single_pixel_is_a_unit_square_on_pixel_corners() {
        let p = polys(&["...", ".#.", "..."]);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].exterior, vec![(1, 1), (2, 1), (2, 2), (1, 2)]);
        assert!(p[0].holes.is_empty());
        assert_eq!(p[0].area_px(), 1);
    }

    #[test]
    fn rectangle_keeps_only_its_four_corners() {
        let p = polys(&["###", "###"]);
        assert_eq!(p[0].exterior, vec![(0, 0), (3, 0), (3, 2), (0, 2)]);
        assert_eq!(p[0].area_px(), 6);
    }

    #[test]
    fn ring_of_pixels_keeps_its_hole() {
        let p = polys(&["#####", "#...#", "#.#.#", "#...#", "#####"]);
        // The outer ring with one hole, and the centre pixel as an island inside the hole.
        assert_eq!(p.len(), 2);
        let outer = p.iter().find(|q| q.area_px() == 16).unwrap();
        assert_eq!(outer.holes.len(), 1);
        assert_eq!(doubled_area(&outer.holes[0]), -18);
        assert!(p.iter().any(|q| q.area_px() == 1 && q.holes.is_empty()));
    }

    #[test]
    fn diagonal_contact_gives_two_parts_touching_at_a_corner() {
        let p = polys(&["#.", ".#"]);
        assert_eq!(p.len(), 2);
        assert_eq!(p.iter().map(PixelPolygon::area_px).sum::<i64>(), 2);
        let p = polys(&[".#", "#."]);
        assert_eq!(p.len(), 2);
    }

    #[test]
    fn pocket_closed_by_a_diagonal_contact_is_a_hole_touching_the_shell() {
        // The C-shape closes diagonally at corner (1, 1): the background pixel (1,1) is
        // enclosed only through that corner.
        let p = polys(&[".##", "#.#", "###"]);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].area_px(), 7);
        assert_eq!(p[0].holes.len(), 1);
        // Every ring is simple: no corner twice.
        for ring in std::iter::once(&p[0].exterior).chain(&p[0].holes) {
            let mut seen = ring.clone();
            seen.sort_unstable();
            seen.dedup();
            assert_eq!(seen.len(), ring.len(), "{ring:?}");
        }
    }

    #[test]
    fn diamond_of_diagonal_pixels_is_four_squares() {
        let p = polys(&[".#.", "#.#", ".#."]);
        assert_eq!(p.len(), 4);
        assert!(p.iter().all(|q| q.area_px() == 1 && q.holes.is_empty()));
    }

    #[test]
    fn areas_match_pixel_counts_on_a_random_pattern() {
        // A fixed pseudo-random 40x40 pattern: the total area equals the pixel count, and every
        // ring is simple.
        let mut s = 12345u64;
        let m = Array2::from_shape_fn((40, 40), |_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            s % 5 < 2
        });
        let p = polygonize_region(|r, c| m[[r, c]], [0, 0, 39, 39]);
        let total: i64 = p.iter().map(PixelPolygon::area_px).sum();
        assert_eq!(total as usize, m.iter().filter(|&&b| b).count());
        for q in &p {
            for ring in std::iter::once(&q.exterior).chain(&q.holes) {
                let mut seen = ring.clone();
                seen.sort_unstable();
                seen.dedup();
                assert_eq!(seen.len(), ring.len());
            }
        }
    }

    #[test]
    fn map_polygons_are_counter_clockwise_with_clockwise_holes() {
        let gt = GeoTransform([500_000.0, 30.0, 0.0, -2_000_000.0, 0.0, -30.0]);
        let mut labels = Array2::<u32>::zeros((5, 5));
        for (r, c) in [
            (1, 1),
            (1, 2),
            (1, 3),
            (2, 1),
            (2, 3),
            (3, 1),
            (3, 2),
            (3, 3),
        ] {
            labels[[r, c]] = 7;
        }
        let mp = zone_polygon(&labels, 7, [1, 1, 3, 3], &gt);
        assert_eq!(mp.0.len(), 1);
        let poly = &mp.0[0];
        assert!(poly.exterior().is_ccw());
        assert_eq!(poly.interiors().len(), 1);
        assert!(poly.interiors()[0].is_cw());
        assert_eq!(mp.unsigned_area(), 8.0 * 900.0);
        // Every vertex is a pixel corner: (x − x0)/30 and (y0 − y)/30 are integers.
        for c in poly.exterior().0.iter().chain(poly.interiors()[0].0.iter()) {
            let (i, j) = ((c.x - 500_000.0) / 30.0, (-2_000_000.0 - c.y) / 30.0);
            assert_eq!((i.fract(), j.fract()), (0.0, 0.0), "{c:?}");
        }
    }
}

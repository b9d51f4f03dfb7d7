//! 8-connected components of a sparse set of pixels, with memory proportional to the pixels
//! (a hash of their positions and a union-find), never a whole-raster array: what a streamed
//! detection uses to group its flagged pixels into zones after all strips ran. The components
//! are those [`super::cluster::label_components`] finds on the dense mask of the same pixels
//! (tested). Pure: no I/O.

use super::union_find::UnionFind;
use std::collections::{BTreeMap, HashMap};

/// The 8-connected components of `pixels` (`(row, col)`, any order; a position listed twice
/// belongs to one component with both indices). Each component is a list of indices into
/// `pixels`, sorted by position in row-major order; components are ordered by their first
/// pixel in row-major order, as `label_components` numbers them.
pub fn components(pixels: &[(usize, usize)]) -> Vec<Vec<usize>> {
    let mut at: HashMap<(usize, usize), usize> = HashMap::with_capacity(pixels.len());
    let mut uf = UnionFind::new(pixels.len());
    for (i, &p) in pixels.iter().enumerate() {
        if let Some(&j) = at.get(&p) {
            uf.union(i, j);
        } else {
            at.insert(p, i);
        }
    }
    for (i, &(r, c)) in pixels.iter().enumerate() {
        // The four neighbours before (r, c) in row-major order cover every 8-adjacent pair once.
        let before = [
            (r.checked_sub(1), c.checked_sub(1)),
            (r.checked_sub(1), Some(c)),
            (r.checked_sub(1), c.checked_add(1)),
            (Some(r), c.checked_sub(1)),
        ];
        for (nr, nc) in before {
            if let (Some(nr), Some(nc)) = (nr, nc)
                && let Some(&j) = at.get(&(nr, nc))
            {
                uf.union(i, j);
            }
        }
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..pixels.len() {
        let root = uf.find(i);
        groups.entry(root).or_default().push(i);
    }
    let mut out: Vec<Vec<usize>> = groups
        .into_values()
        .map(|mut m| {
            m.sort_by_key(|&i| (pixels[i], i));
            m
        })
        .collect();
    out.sort_by_key(|m| pixels[m[0]]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::cluster::label_components;
    use ndarray::Array2;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn sparse_components_equal_dense_labelling(
            rows in 1usize..40,
            cols in 1usize..40,
            density in 0.05f64..0.6,
            seed in any::<u64>(),
        ) {
            // A pseudo-random mask from a hash of the position (no RNG state to share).
            let mask = Array2::from_shape_fn((rows, cols), |(r, c)| {
                let h = (r as u64 * 7919 + c as u64 * 104_729 + seed)
                    .wrapping_mul(0x9E37_79B9_7F4A_7C15);
                ((h >> 11) as f64 / (1u64 << 53) as f64) < density
            });
            let (_, dense) = label_components(&mask);
            // Listed in reverse order: the result must not depend on it.
            let mut pixels: Vec<(usize, usize)> = mask
                .indexed_iter()
                .filter(|(_, m)| **m)
                .map(|(p, _)| p)
                .collect();
            pixels.reverse();
            let sparse: Vec<Vec<(usize, usize)>> = components(&pixels)
                .iter()
                .map(|m| m.iter().map(|&i| pixels[i]).collect())
                .collect();
            prop_assert_eq!(sparse, dense);
        }
    }

    #[test]
    fn a_position_listed_twice_is_one_component() {
        let comps = components(&[(3, 3), (0, 0), (3, 3), (1, 1)]);
        assert_eq!(comps, vec![vec![1, 3], vec![0, 2]]);
    }
}

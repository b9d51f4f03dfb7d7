//! Buffers of the contextual pixel test that one worker reuses from strip to strip.
//!
//! Each strip's test needs the fixed-point copy of its values (8 bytes per pixel) and a few
//! masks (1 byte per pixel each). Allocated afresh, every strip's arrays are new pages the
//! kernel maps and zeroes (they are above glibc's mmap threshold): a fifth of a profile of the
//! streamed detection was page faults. A worker that keeps its buffers writes into pages it
//! already has. The buffers hold no more than the strip in flight already did, and are freed
//! with the worker's state at the end of the pass.

use ndarray::Array2;

/// Reusable storage for [`super::contextual`]'s per-raster arrays. `Default` is empty: the
/// whole-raster path passes a fresh one and drops it.
#[derive(Debug, Default)]
pub struct TestBuffers {
    fixed: Vec<Vec<i64>>,
    masks: Vec<Vec<bool>>,
}

impl TestBuffers {
    /// An empty vector with the capacity of a returned one, if any (for `par_extend`).
    pub fn fixed_vec(&mut self) -> Vec<i64> {
        let mut v = self.fixed.pop().unwrap_or_default();
        v.clear();
        v
    }

    /// An empty mask vector with the capacity of a returned one, if any.
    pub fn mask_vec(&mut self) -> Vec<bool> {
        let mut v = self.masks.pop().unwrap_or_default();
        v.clear();
        v
    }

    /// A `dim` mask, every element `value`.
    pub fn mask(&mut self, dim: (usize, usize), value: bool) -> Array2<bool> {
        let mut v = self.mask_vec();
        v.resize(dim.0 * dim.1, value);
        Array2::from_shape_vec(dim, v).unwrap_or_else(|_| Array2::from_elem(dim, value))
    }

    /// A copy of `a` in a reused mask.
    pub fn mask_copy(&mut self, a: &Array2<bool>) -> Array2<bool> {
        let Some(src) = a.as_slice() else {
            let mut m = self.mask(a.dim(), false);
            m.assign(a);
            return m;
        };
        let mut v = self.mask_vec();
        v.extend_from_slice(src);
        Array2::from_shape_vec(a.dim(), v).unwrap_or_else(|_| a.clone())
    }

    /// Takes `a`'s storage back.
    pub fn give_fixed(&mut self, a: Array2<i64>) {
        self.fixed.push(a.into_raw_vec_and_offset().0);
    }

    /// Takes `a`'s storage back.
    pub fn give_mask(&mut self, a: Array2<bool>) {
        self.masks.push(a.into_raw_vec_and_offset().0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn returned_storage_is_handed_out_again_with_the_requested_contents() {
        let mut b = TestBuffers::default();
        let m = b.mask((30, 40), true);
        assert!(m.iter().all(|&x| x) && m.dim() == (30, 40));
        let ptr = m.as_ptr();
        b.give_mask(m);
        // Smaller and filled with the other value: the same allocation, new contents.
        let m = b.mask((20, 10), false);
        assert_eq!(m.as_ptr(), ptr);
        assert!(m.iter().all(|&x| !x) && m.len() == 200);
        let src = Array2::from_shape_fn((20, 10), |(r, c)| (r + c) % 3 == 0);
        b.give_mask(m);
        let copy = b.mask_copy(&src);
        assert_eq!(copy, src);
        assert_eq!(copy.as_ptr(), ptr);
        let q = Array2::from_elem((5, 5), 7i64);
        let qptr = q.as_ptr();
        b.give_fixed(q);
        let v = b.fixed_vec();
        assert!(v.is_empty() && v.capacity() >= 25 && v.as_ptr() == qptr);
    }
}

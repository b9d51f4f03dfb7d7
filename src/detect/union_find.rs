//! Disjoint sets over indices (path halving; the smaller root wins, so roots are stable): the
//! zone assembly of tiles (`stitch`) and of sparse pixels (`sparse_zones`).

/// Disjoint sets over `0..n`.
pub(crate) struct UnionFind(Vec<usize>);

impl UnionFind {
    /// `n` singletons.
    pub(crate) fn new(n: usize) -> Self {
        Self((0..n).collect())
    }

    pub(crate) fn find(&mut self, mut i: usize) -> usize {
        while self.0[i] != i {
            self.0[i] = self.0[self.0[i]];
            i = self.0[i];
        }
        i
    }

    pub(crate) fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            self.0[ra.max(rb)] = ra.min(rb);
        }
    }
}

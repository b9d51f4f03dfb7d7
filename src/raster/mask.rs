//! Validity mask: why a pixel must not be used.

use ndarray::Array2;

/// Reasons a pixel is not valid background, as bit flags (a `u8` per pixel; 0 = valid).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MaskReason;

impl MaskReason {
    /// No data: DN 0 fill, the band's nodata value, or QA fill.
    pub const FILL: u8 = 1;
    /// Cloud or dilated cloud (QA).
    pub const CLOUD: u8 = 2;
    /// Cloud shadow (QA).
    pub const SHADOW: u8 = 4;
    /// Water (QA).
    pub const WATER: u8 = 8;
    /// Cirrus (QA, Landsat 8/9).
    pub const CIRRUS: u8 = 16;
    /// Outside the area of interest.
    pub const OUTSIDE_AOI: u8 = 32;
    /// Marked by a mask file the user gave (`--mask`).
    pub const MASK_FILE: u8 = 64;
}

/// Where `reason` is set in `flags`; `None` when it is set nowhere (no array to carry).
pub fn where_flagged(flags: &Array2<u8>, reason: u8) -> Option<Array2<bool>> {
    flags
        .iter()
        .any(|&f| f & reason != 0)
        .then(|| flags.mapv(|f| f & reason != 0))
}

/// Per-pixel reason flags, `[row, col]`, same grid as the raster it qualifies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidityMask {
    /// Bit flags from [`MaskReason`]; 0 means valid.
    pub flags: Array2<u8>,
}

impl ValidityMask {
    /// All pixels valid.
    pub fn all_valid(shape: (usize, usize)) -> Self {
        Self {
            flags: Array2::zeros(shape),
        }
    }

    /// True where no reason flag is set.
    pub fn is_valid(&self, row: usize, col: usize) -> bool {
        self.flags[[row, col]] == 0
    }

    /// Adds `reason` wherever `pred(row, col)` holds.
    pub fn flag_where(&mut self, reason: u8, mut pred: impl FnMut(usize, usize) -> bool) {
        for ((r, c), f) in self.flags.indexed_iter_mut() {
            if pred(r, c) {
                *f |= reason;
            }
        }
    }

    /// Merges another mask's flags into this one (same shape required by the caller).
    pub fn merge(&mut self, other: &ValidityMask) {
        self.flags.zip_mut_with(&other.flags, |a, b| *a |= *b);
    }

    /// Number of pixels with no flag.
    pub fn count_valid(&self) -> usize {
        self.flags.iter().filter(|&&f| f == 0).count()
    }

    /// Number of pixels carrying `reason`.
    pub fn count(&self, reason: u8) -> usize {
        self.flags.iter().filter(|&&f| f & reason != 0).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_accumulate() {
        let mut m = ValidityMask::all_valid((2, 3));
        m.flag_where(MaskReason::CLOUD, |r, _| r == 0);
        m.flag_where(MaskReason::WATER, |_, c| c == 2);
        assert_eq!(m.count_valid(), 2);
        assert_eq!(m.count(MaskReason::CLOUD), 3);
        assert_eq!(m.flags[[0, 2]], MaskReason::CLOUD | MaskReason::WATER);
        assert!(m.is_valid(1, 0));
    }
}

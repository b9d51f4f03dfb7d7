//! Quality bands → validity flags, one decoder per bit layout (science.md §1.4).
//!
//! | layout | fill | cloud | shadow | water | cirrus |
//! |---|---|---|---|---|---|
//! | C2 `QA_PIXEL` | bit 0 | bits 1 (dilated) and 3 | bit 4 | bit 7 | bit 2 |
//! | C1 `BQA`, OLI | bit 0 | bit 4, or conf. bits 5–6 = 3 | conf. bits 7–8 = 3 | — | conf. bits 11–12 = 3 |
//! | C1 `BQA`, TM/ETM+ | bit 0 | bit 4, or conf. bits 5–6 = 3 | conf. bits 7–8 = 3 | — | — |
//! | pre-collection OLI `BQA` | bit 0 | conf. bits 14–15 = 3 | — | conf. bits 4–5 = 3 | conf. bits 12–13 = 3 |

use ndarray::{Array2, Zip};

use crate::mtl::{Collection, Sensor};
use crate::raster::{MaskReason, ValidityMask};

/// Which bit layout a QA band uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum QaLayout {
    /// Collection-2 `QA_PIXEL` (all sensors).
    C2QaPixel,
    /// Collection-1 `BQA` of Landsat 8.
    C1BqaOli,
    /// Collection-1 `BQA` of Landsat 4–7.
    C1BqaTm,
    /// Pre-collection Landsat 8 `BQA`.
    PreCollectionOli,
}

impl QaLayout {
    /// The layout of `band` (`QA_PIXEL` or `BQA`) for this collection and sensor; `None` when
    /// seamfire does not know the layout (pre-collection TM/ETM+ quality bands).
    pub fn for_band(band: &str, collection: Collection, sensor: Sensor) -> Option<Self> {
        match (band, collection, sensor) {
            ("QA_PIXEL", _, _) => Some(Self::C2QaPixel),
            ("BQA", Collection::C1, Sensor::OliTirs) => Some(Self::C1BqaOli),
            ("BQA", Collection::C1, Sensor::Tm | Sensor::EtmPlus) => Some(Self::C1BqaTm),
            ("BQA", Collection::PreCollection, Sensor::OliTirs) => Some(Self::PreCollectionOli),
            _ => None,
        }
    }

    /// Whether the layout has a water flag (Collection-1 `BQA` has none).
    pub fn has_water(self) -> bool {
        matches!(self, Self::C2QaPixel | Self::PreCollectionOli)
    }

    /// Mask reasons of one QA value.
    pub fn decode(self, q: u16) -> u8 {
        let bit = |b: u16| q >> b & 1 == 1;
        let conf_high = |b: u16| q >> b & 0b11 == 0b11;
        let mut f = 0u8;
        let mut set = |cond: bool, reason: u8| {
            if cond {
                f |= reason;
            }
        };
        match self {
            Self::C2QaPixel => {
                set(bit(0), MaskReason::FILL);
                set(bit(1) || bit(3), MaskReason::CLOUD);
                set(bit(2), MaskReason::CIRRUS);
                set(bit(4), MaskReason::SHADOW);
                set(bit(7), MaskReason::WATER);
            }
            Self::C1BqaOli | Self::C1BqaTm => {
                set(bit(0), MaskReason::FILL);
                set(bit(4) || conf_high(5), MaskReason::CLOUD);
                set(conf_high(7), MaskReason::SHADOW);
                set(self == Self::C1BqaOli && conf_high(11), MaskReason::CIRRUS);
            }
            Self::PreCollectionOli => {
                set(bit(0), MaskReason::FILL);
                set(conf_high(14), MaskReason::CLOUD);
                set(conf_high(4), MaskReason::WATER);
                set(conf_high(12), MaskReason::CIRRUS);
            }
        }
        f
    }
}

/// Decodes a whole QA band into a validity mask.
pub fn qa_mask(qa: &Array2<u16>, layout: QaLayout) -> ValidityMask {
    ValidityMask {
        flags: Zip::from(qa).par_map_collect(|&q| layout.decode(q)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c2_bits() {
        let l = QaLayout::C2QaPixel;
        assert_eq!(l.decode(1), MaskReason::FILL);
        assert_eq!(l.decode(1 << 3), MaskReason::CLOUD);
        assert_eq!(l.decode(1 << 1), MaskReason::CLOUD);
        assert_eq!(l.decode(1 << 4), MaskReason::SHADOW);
        assert_eq!(l.decode(1 << 7), MaskReason::WATER);
        // 21824 = clear land (bit 6) with low confidences: the commonest C2 value.
        assert_eq!(l.decode(21824), 0);
    }

    #[test]
    fn precollection_confidences() {
        let l = QaLayout::PreCollectionOli;
        assert_eq!(l.decode(0b11 << 14), MaskReason::CLOUD);
        assert_eq!(l.decode(0b10 << 14), 0, "medium confidence is not masked");
        assert_eq!(l.decode(0b11 << 4), MaskReason::WATER);
        // 20480 = 0b0101_0000_0000_0000: cloud and cirrus confidence low → clear.
        assert_eq!(l.decode(20480), 0);
    }

    #[test]
    fn c1_layouts() {
        assert_eq!(QaLayout::C1BqaOli.decode(0b11 << 11), MaskReason::CIRRUS);
        assert_eq!(QaLayout::C1BqaTm.decode(0b11 << 11), 0);
        assert_eq!(QaLayout::C1BqaTm.decode(1 << 4), MaskReason::CLOUD);
        assert_eq!(QaLayout::C1BqaTm.decode(0b11 << 7), MaskReason::SHADOW);
    }
}

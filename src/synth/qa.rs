//! Collection-2 `QA_PIXEL` values written with a synthetic scene. They are the values real C2
//! Level-1 scenes carry for each class (low confidences set in bits 8–15 as USGS does).

use ndarray::{Array2, Zip};

use crate::raster::MaskReason;

/// Fill: bit 0 only.
pub const QA_FILL: u16 = 1;
/// Clear land: bit 6 (clear) with low cloud, shadow, snow and cirrus confidence.
pub const QA_CLEAR: u16 = 21824;
/// Clear water: bit 7 (water) on top of [`QA_CLEAR`].
pub const QA_WATER: u16 = 21952;
/// Cloud: bit 3 with high cloud confidence (bits 8–9), not clear.
pub const QA_CLOUD: u16 = 22280;
/// Cloud shadow: bit 4 with high shadow confidence (bits 10–11).
pub const QA_SHADOW: u16 = 23888;
/// Cirrus: bit 2 with high cirrus confidence (bits 14–15).
pub const QA_CIRRUS: u16 = 54596;

/// The QA value of a pixel with validity flags `f` ([`MaskReason`] bits); the first of fill,
/// cloud, shadow, cirrus, water that applies. Other reasons (outside the AOI) count as cloud, so
/// that the pixel stays masked.
pub fn qa_of_flags(f: u8) -> u16 {
    if f == 0 {
        QA_CLEAR
    } else if f & MaskReason::FILL != 0 {
        QA_FILL
    } else if f & MaskReason::CLOUD != 0 {
        QA_CLOUD
    } else if f & MaskReason::SHADOW != 0 {
        QA_SHADOW
    } else if f & MaskReason::CIRRUS != 0 {
        QA_CIRRUS
    } else if f & MaskReason::WATER != 0 {
        QA_WATER
    } else {
        QA_CLOUD
    }
}

/// A whole QA band from validity flags (see [`qa_of_flags`]).
pub fn qa_from_flags(flags: &Array2<u8>) -> Array2<u16> {
    Zip::from(flags).par_map_collect(|&f| qa_of_flags(f))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calibrate::QaLayout;

    #[test]
    fn values_decode_to_their_reason() {
        let l = QaLayout::C2QaPixel;
        for reason in [
            0,
            MaskReason::FILL,
            MaskReason::CLOUD,
            MaskReason::SHADOW,
            MaskReason::CIRRUS,
            MaskReason::WATER,
        ] {
            assert_eq!(l.decode(qa_of_flags(reason)), reason, "reason {reason}");
        }
        assert_eq!(QA_WATER & (1 << 7), 1 << 7);
        assert_eq!(QA_CLEAR & (1 << 6), 1 << 6);
    }
}

//! Reading a Landsat/ASTER DN band with its fill rule.

use std::path::Path;

use crate::error::{Error, Result};
use crate::io;
use crate::raster::Raster;

/// A DN band and its fill rule: DN 0 (USGS fill) and the declared nodata value are invalid.
#[derive(Debug, Clone)]
pub struct DnBand {
    pub raster: Raster<u16>,
    /// Nodata declared by the file, when it is a valid `u16`.
    pub nodata: Option<u16>,
}

impl DnBand {
    /// True when `dn` is fill or nodata.
    pub fn is_fill(&self, dn: u16) -> bool {
        dn == 0 || self.nodata == Some(dn)
    }

    /// Number of pixels that are neither fill nor nodata.
    pub fn count_valid(&self) -> usize {
        self.raster
            .data
            .iter()
            .filter(|&&d| !self.is_fill(d))
            .count()
    }
}

/// Reads band 1 of `path` as unsigned integer DNs. Errors when the file holds another data type
/// (a DN band is `Byte` or `UInt16`) or has no valid pixel.
pub fn read_dn(path: &Path) -> Result<DnBand> {
    let info = io::raster_info(path)?;
    if !matches!(info.data_type.as_str(), "Byte" | "UInt16") {
        return Err(Error::input(
            path,
            format!(
                "expected a Byte or UInt16 DN band, found {}; for a calibrated raster use the generic options (--input-unit)",
                info.data_type
            ),
        ));
    }
    let raster = io::read_band::<u16>(path, 1)?;
    let nodata = raster
        .nodata
        .filter(|n| n.fract() == 0.0 && (0.0..=65535.0).contains(n))
        .map(|n| n as u16);
    let band = DnBand { raster, nodata };
    if band.count_valid() == 0 {
        return Err(Error::input(
            path,
            "no valid pixels: every pixel is fill (DN 0) or nodata",
        ));
    }
    Ok(band)
}

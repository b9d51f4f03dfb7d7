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

/// Errors unless the raster at `path` holds exactly one band, as every USGS band file does: a
/// three-band file named `…_B10.TIF` is an RGB rendering or a stack, not the thermal band.
pub fn require_single_band(info: &io::RasterInfo, path: &Path) -> Result<()> {
    if info.band_count == 1 {
        return Ok(());
    }
    Err(Error::input(
        path,
        format!(
            "holds {} bands, but a Landsat band file holds one; extract the band you mean \
             (gdal_translate -b N) or pass the right file",
            info.band_count
        ),
    ))
}

/// Errors unless `data_type` (GDAL's name) can hold Landsat/ASTER DNs: `Byte` and `UInt16` as
/// USGS writes them, and `Int16`, as DN subsets written by R (`raster`, `terra`) and other GIS
/// exports arrive (nodata −32768). DNs are read as `u16` through GDAL, which clamps negative
/// values to 0, so a negative value (the nodata, or anything else) is fill like DN 0; an
/// `Int16` cannot exceed 32767, below every thermal band's saturation DN of interest.
pub fn require_dn_type(data_type: &str, path: &Path) -> Result<()> {
    if matches!(data_type, "Byte" | "UInt16" | "Int16") {
        return Ok(());
    }
    Err(Error::input(
        path,
        format!(
            "expected a Byte, UInt16 or Int16 DN band, found {data_type}; for a calibrated raster use the generic options (--input-unit)"
        ),
    ))
}

/// Reads a QA band (`QA_PIXEL`, `BQA`) as `u16`, refusing multi-band files.
pub fn read_qa(path: &Path) -> Result<Raster<u16>> {
    require_single_band(&io::raster_info(path)?, path)?;
    io::read_band::<u16>(path, 1)
}

/// Reads band 1 of `path` as unsigned integer DNs. Errors when the file holds more than one band,
/// another data type ([`require_dn_type`]) or no valid pixel.
pub fn read_dn(path: &Path) -> Result<DnBand> {
    let info = io::raster_info(path)?;
    require_single_band(&info, path)?;
    require_dn_type(&info.data_type, path)?;
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

//! Landsat metadata (MTL) parsing: ODL text, JSON and XML, Collection 2, Collection 1 and
//! pre-collection layouts, and ESPA `espa_metadata` XML.
//!
//! Two entry points:
//!
//! * [`parse_mtl`] → [`SceneMetadata`]: mission, sensor, collection, level, scene facts, band
//!   files and per-band calibration constants, each constant read from the group that belongs
//!   to its band (an L2SP MTL repeats `REFLECTANCE_MULT_BAND_x` with level-1 values).
//! * [`parse_tree`] → [`MtlTree`]: the raw groups and keys, for callers that need a key
//!   `SceneMetadata` does not carry.
//!
//! Both accept the file's bytes as read: a UTF-8 BOM, CRLF line ends and NUL padding are
//! tolerated. Malformed input (empty, truncated, unbalanced groups, garbage) is an
//! [`Error::Metadata`](crate::error::Error::Metadata) naming the problem, never a panic.
//! No I/O happens here.
//!
//! ```
//! use std::path::Path;
//! use seamfire::mtl::{parse_mtl, Collection, Level, Mission};
//!
//! let odl = b"GROUP = LANDSAT_METADATA_FILE
//!   GROUP = PRODUCT_CONTENTS
//!     LANDSAT_PRODUCT_ID = \"LC08_L1TP_204023_20200927_20201006_02_T1\"
//!     PROCESSING_LEVEL = \"L1TP\"
//!   END_GROUP = PRODUCT_CONTENTS
//!   GROUP = IMAGE_ATTRIBUTES
//!     SPACECRAFT_ID = \"LANDSAT_8\"
//!     SENSOR_ID = \"OLI_TIRS\"
//!   END_GROUP = IMAGE_ATTRIBUTES
//!   GROUP = LEVEL1_THERMAL_CONSTANTS
//!     K1_CONSTANT_BAND_10 = 774.8853
//!     K2_CONSTANT_BAND_10 = 1321.0789
//!   END_GROUP = LEVEL1_THERMAL_CONSTANTS
//! END_GROUP = LANDSAT_METADATA_FILE
//! END
//! ";
//! let meta = parse_mtl(odl, Path::new("LC08_MTL.txt")).unwrap();
//! assert_eq!(meta.mission, Mission::Landsat8);
//! assert_eq!((meta.collection, meta.level), (Collection::C2, Level::L1));
//! assert_eq!(meta.calibration["B10"].thermal.unwrap().k1, 774.8853);
//! ```

pub mod types;
pub use types::*;

mod band_id;
mod calibration;
mod espa;
mod extract;
mod ident;
mod json;
mod odl;
mod text;
mod tree;
mod validate;
mod xml;

pub use band_id::band_id_from_file_name;
pub use tree::{MtlGroup, MtlTree};

use std::path::Path;

use crate::error::Result;

/// Parses MTL bytes (ODL text, JSON or XML; NUL padding and UTF-8 BOM tolerated) into scene
/// metadata. `source` is only used for error messages and [`SceneMetadata::source`].
///
/// Accepted roots: `LANDSAT_METADATA_FILE` (Collection 2), `L1_METADATA_FILE` (Collection 1 and
/// pre-collection) and ESPA `espa_metadata`. Thermal K1/K2 are never invented: a file without
/// them yields `thermal: None`, and the caller decides on fallbacks.
pub fn parse_mtl(bytes: &[u8], source: &Path) -> Result<SceneMetadata> {
    let tree = parse_tree(bytes, source)?;
    extract::scene_metadata(&tree, source)
}

/// Parses MTL bytes into the generic tree: the root group with its nested groups and
/// `KEY = value` entries in file order, ODL quotes removed. The format is chosen from the first
/// non-blank character (`{` JSON, `<` XML, otherwise ODL).
pub fn parse_tree(bytes: &[u8], source: &Path) -> Result<MtlTree> {
    let text = text::decode(bytes, source)?;
    match text::sniff(&text) {
        text::Format::Odl => odl::parse(&text, source),
        text::Format::Json => json::parse(&text, source),
        text::Format::Xml => xml::parse(&text, source),
    }
}

#[cfg(test)]
mod tests;

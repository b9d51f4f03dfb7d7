//! seamfire finds coal-seam fires in thermal-infrared and optical imagery.
//!
//! Data flow for one scene (see `docs/architecture.md`):
//!
//! ```text
//! input ─► scene::open_scene ─► Scene ─► stage::calibrate_scene ─► Calibrated ─► io::write_cog
//!            (mtl::parse_mtl)            (calibrate::* pure kernels,  (Raster<f32> K,
//!                                         io::read_band)               ValidityMask)
//! ```
//!
//! Only [`io`] touches raster files; [`calibrate`] and [`raster`] are pure. Arrays are
//! `[row, col]`, geotransforms follow GDAL (top-left pixel corner), temperatures are kelvin and
//! never capped, and float nodata is NaN.
//!
//! ```
//! use ndarray::array;
//! use seamfire::calibrate::dn_to_bt_k;
//! use seamfire::mtl::{Rescale, ThermalConstants};
//! // Landsat 8 B10: DN 0 is fill, DN 30000 is 303.65 K.
//! let dn = array![[0u16, 30000]];
//! let bt = dn_to_bt_k(
//!     &dn,
//!     |d| d == 0,
//!     Rescale { mult: 3.342e-4, add: 0.1 },
//!     ThermalConstants { k1: 774.8853, k2_k: 1321.0789 },
//! );
//! assert!(bt[[0, 0]].is_nan());
//! assert!((bt[[0, 1]] - 303.655).abs() < 0.001);
//! ```

pub mod calibrate;
pub mod cli;
pub mod detect;
pub mod error;
pub mod io;
pub mod mtl;
pub mod pipeline;
pub mod qgis;
pub mod raster;
pub mod render;
pub mod report;
pub mod scene;
pub mod sheets;
pub mod stac;
pub mod stage;
pub mod synth;
pub mod vector;

//! seamfire: finds coal-seam fires in thermal-infrared and optical imagery.
pub mod error;
pub mod mtl;
pub mod raster;
pub mod calibrate;
pub mod cli;
pub mod io;
pub mod scene;
pub mod stage;

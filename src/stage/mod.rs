//! Stages: the steps of a run that read inputs, call the pure computations and hand results to
//! the writers. Each stage returns in-memory products; the caller decides where they go.

mod calibrate;
mod read_dn;

pub use calibrate::{CalibrateOptions, Calibrated, calibrate_scene};
pub use read_dn::{DnBand, read_dn};

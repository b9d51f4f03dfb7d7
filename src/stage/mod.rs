//! Stages: the steps of a run that read inputs, call the pure computations and hand results to
//! the writers. Each stage returns in-memory products; the caller decides where they go.

mod accuracy;
mod calibrate;
mod calibrate_masks;
mod calibrate_plan;
mod calibrate_stream;
mod detect;
pub mod detect_stream;
mod detect_stream_job;
pub mod heap;
pub mod products;
mod read_dn;
pub mod render;
mod swir;
mod thermal_map;
mod thermal_scratch;
mod vector_files;

pub use accuracy::{
    Score, TABLE_HEADER, scene_validity, score_background, score_background_excluding,
    score_generated, score_scene, score_scene_excluding, table_row,
};
pub use calibrate::{CalibrateOptions, Calibrated, calibrate_scene};
pub use calibrate_plan::{BlockOutput, CalibrationPlan, PlanReaders, plan_calibration};
pub use calibrate_stream::{
    StreamOptions, StreamedCalibration, StripPlan, TILE_ROWS, ValueStats, calibrate_streamed,
    plan_strips,
};
pub use detect::{
    SceneDetection, Timing, detect_scenes, merge_classes, run_thermal, run_thermal_budgeted,
    run_thermal_near_water, thermal_validity,
};
pub use read_dn::{DnBand, read_dn};
pub use swir::{B7_SATURATED_DN, SwirBands, read_swir_bands};

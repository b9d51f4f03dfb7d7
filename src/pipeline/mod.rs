//! Survey pipelines: a TOML file names scenes, areas and parameters; `seamfire run` processes
//! every scene (in parallel, incrementally, atomically) and builds the season outputs.

pub mod lock;
pub mod manifest;
pub mod plan;
pub mod progress;
pub mod run;
pub mod season;
pub mod spec;

pub use plan::{Plan, PlannedScene};
pub use run::{RunOptions, RunReport, merge_root, run_plan};
pub use spec::PipelineSpec;

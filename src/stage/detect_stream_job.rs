//! A detection job run streamed ([`super::detect_stream`]): the same `bt.tif`, `anomaly.tif`
//! and `detection.json` as [`super::products::detect_to_dir`], without the vector layers
//! (not streamed yet; a warning says so).

use super::detect_stream::{StreamOptions, detect_streamed};
use super::products::{
    ClassCounts, DetectJob, DetectionRecord, JobOutcome, MethodRecord, grid_record, has_crs,
    scene_record,
};
use crate::error::{Error, Result};
use crate::io;

/// The warning of a streamed job: what it does not write.
pub const NO_VECTORS_WARNING: &str = "raster detected in strips: hotspot, fire-zone and \
     GeoPackage layers are not written on this path yet; fire zones are in detection.json";

/// Runs `job` (one thermal scene, see `detect_stream::stream_plan`) in strips.
pub fn detect_streamed_to_dir(job: &DetectJob, opts: &StreamOptions) -> Result<JobOutcome> {
    let scene = job
        .scenes
        .first()
        .ok_or_else(|| Error::Usage("no input scene".into()))?;
    std::fs::create_dir_all(&job.out).map_err(|e| Error::io(&job.out, e))?;
    let mut det = detect_streamed(scene, &job.config, &job.out, opts)?;
    let georef = det.plan.georef.clone();
    let xy: Vec<(f64, f64)> = det
        .zones
        .iter()
        .map(|z| (z.centroid_x, z.centroid_y))
        .collect();
    if !xy.is_empty() && has_crs(&georef) {
        for (z, (lon, lat)) in det.zones.iter_mut().zip(io::to_lonlat(&georef, &xy)?) {
            z.centroid_lon = Some(lon);
            z.centroid_lat = Some(lat);
        }
    }
    let mut warnings = det.plan.warnings.clone();
    if job.vectors {
        warnings.push(NO_VECTORS_WARNING.into());
    }
    for w in &warnings {
        tracing::warn!(scene = %job.scene_id, "{w}");
    }
    let [none, low, nominal, high, not_processed] = det.class_counts;
    let classes = ClassCounts {
        none,
        low,
        nominal,
        high,
        not_processed,
    };
    let method = det.thermal.method.name();
    let record = DetectionRecord {
        seamfire_version: env!("CARGO_PKG_VERSION"),
        inputs: job
            .scenes
            .iter()
            .map(|s| s.input.display().to_string())
            .collect(),
        scene: scene_record(job),
        temperature: Some(det.plan.quantity.label()),
        day: scene.metadata.is_day(),
        config: &job.config,
        grid: grid_record(&georef, det.plan.shape)?,
        methods: vec![MethodRecord {
            method,
            stats: det.thermal.stats,
        }],
        anomaly_pixels: classes,
        zones: &det.zones,
        budget: det.thermal.budget.as_ref(),
        windows: Some(det.windows),
        timings: &det.timings,
        warnings: &warnings,
        vector: None,
    };
    let record_json = serde_json::to_value(&record).map_err(|e| Error::Usage(e.to_string()))?;
    let bytes = serde_json::to_vec_pretty(&record_json).map_err(|e| Error::Usage(e.to_string()))?;
    let mut staged = std::mem::take(&mut det.staged);
    staged.push(io::stage_bytes(&job.out.join("detection.json"), &bytes)?);
    let written = io::commit_all(staged)?;
    Ok(JobOutcome {
        written,
        methods: vec![(method, det.thermal.stats)],
        classes,
        zones: det.zones.len(),
        vector: None,
        record_json,
    })
}

//! A detection job run streamed ([`super::detect_stream`]): the same `bt.tif`, `anomaly.tif`,
//! `detection.json` and vector layers as [`super::products::detect_to_dir`]. The vector
//! products see the detection through sparse lookups (zone of a flagged pixel, its
//! temperature) and window reads of the staged `anomaly.tif`, never a whole-raster array.

use super::detect_stream::{StreamOptions, detect_streamed};
use std::collections::HashMap;

use ndarray::Array2;

use super::products::{
    ClassCounts, DetectJob, DetectionRecord, JobOutcome, MethodRecord, grid_record, has_crs,
    scene_record, sources_of, vector_products_with,
};
use super::vector_files::stage_vectors;
use crate::error::{Error, Result};
use crate::io;
use crate::raster::PixelWindow;
use crate::vector::{self, AnomalyClasses, DetectionView};

/// `anomaly.tif` read back by windows (the known-zone report's observed pixels).
struct AnomalyFile(io::BlockReader);

impl AnomalyClasses for AnomalyFile {
    fn dim(&self) -> (usize, usize) {
        self.0.shape()
    }

    fn window(&self, w: PixelWindow) -> Result<Array2<u8>> {
        Ok(self.0.read::<u8>(w)?.data)
    }
}

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
    let mut timings = std::mem::take(&mut det.timings);
    let vectors = if job.vectors {
        let anomaly_path = det
            .staged
            .iter()
            .find(|s| s.dest().ends_with("anomaly.tif"))
            .map(|s| s.staged_path().to_path_buf())
            .ok_or_else(|| Error::Usage("internal: anomaly.tif was not staged".into()))?;
        let anomaly = AnomalyFile(io::BlockReader::open(&anomaly_path, 1)?);
        let temperature: HashMap<(usize, usize), f32> = det
            .thermal
            .flagged
            .iter()
            .map(|f| ((f.row, f.col), f.value))
            .collect();
        let zone_at = |r: usize, c: usize| det.zone_of_pixel.get(&(r, c)).copied().unwrap_or(0);
        let t_at = |r: usize, c: usize| temperature.get(&(r, c)).copied().unwrap_or(f32::NAN);
        let view = DetectionView {
            georef: &georef,
            flagged: &det.thermal.flagged,
            zones: &det.zones,
            day: scene.metadata.is_day(),
            zone_at: &zone_at,
            temperature: Some((&t_at, det.plan.quantity)),
            anomaly: &anomaly,
        };
        let sources = sources_of(&job.scenes, true, false);
        vector_products_with(
            job,
            &georef,
            &sources,
            &|inputs, lonlat| vector::build(&view, inputs, lonlat),
            &mut warnings,
            &mut timings,
        )?
    } else {
        None
    };
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
        timings: &timings,
        warnings: &warnings,
        vector: vectors.as_ref().map(|v| &v.summary),
    };
    let record_json = serde_json::to_value(&record).map_err(|e| Error::Usage(e.to_string()))?;
    let bytes = serde_json::to_vec_pretty(&record_json).map_err(|e| Error::Usage(e.to_string()))?;
    let mut staged = std::mem::take(&mut det.staged);
    if let Some(v) = &vectors {
        staged.extend(stage_vectors(&job.out, &georef, v)?);
    }
    staged.push(io::stage_bytes(&job.out.join("detection.json"), &bytes)?);
    let written = io::commit_all(staged)?;
    Ok(JobOutcome {
        written,
        methods: vec![(method, det.thermal.stats)],
        classes,
        zones: det.zones.len(),
        vector: vectors.map(|v| v.summary),
        record_json,
    })
}

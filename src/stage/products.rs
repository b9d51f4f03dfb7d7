//! One detection job from inputs to files: detection, the vector layers (hotspots, fire-zone
//! polygons, known-fire inventory, hazard context), then `bt.tif`, `anomaly.tif`,
//! `detection.json`, the GeoJSON/CSV layers and `seamfire.gpkg` written into one directory, all
//! or nothing. Shared by `seamfire detect` and `seamfire run` (`docs/outputs.md`).

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::detect::{SceneDetection, Timing, detect_scenes};
use super::vector_files::stage_vectors;
use crate::detect::config::DetectConfig;
use crate::detect::{DetectionStats, Method, confidence};
use crate::error::{Error, Result};
use crate::io::{self, CogOptions};
use crate::mtl::{Level, Sensor};
use crate::raster::{Georef, Raster, Unit};
use crate::render::stretch::{RANGE_TAG, Sampler, sampled_range_tag};
use crate::scene::Scene;
use crate::vector::{
    self, AssetKind, Assets, Inventory, RiskParams, SceneInfo, Sources, VectorInputs,
    VectorProducts, VectorSummary,
};

/// Everything one detection job needs.
#[derive(Debug, Clone)]
pub struct DetectJob {
    /// Scene id written into the outputs (the pipeline's id, or the first input's name).
    pub scene_id: String,
    pub scenes: Vec<Scene>,
    pub config: DetectConfig,
    /// Output directory (created if needed).
    pub out: PathBuf,
    pub aoi: Option<PathBuf>,
    pub known_fires: Option<PathBuf>,
    /// An anomaly within this distance (m) of a known zone is `known`.
    pub known_buffer_m: f64,
    /// Known non-fire heat sources (`--exclude`): anomalies near them are `excluded`.
    pub exclude: Option<PathBuf>,
    /// An anomaly within this distance (m) of an excluded site is `excluded`.
    pub exclude_buffer_m: f64,
    pub roads: Option<PathBuf>,
    pub water: Option<PathBuf>,
    pub buildings: Option<PathBuf>,
    pub risk: RiskParams,
    /// Write the vector layers (hotspots, zone polygons, known zones, GeoPackage).
    pub vectors: bool,
}

/// `detection.json`.
#[derive(Debug, Serialize)]
pub struct DetectionRecord<'a> {
    pub seamfire_version: &'static str,
    pub inputs: Vec<String>,
    pub scene: SceneRecord,
    /// What `bt.tif` holds (`brightness temperature (K)`, `land-surface temperature (K)`, …).
    pub temperature: Option<&'static str>,
    pub day: Option<bool>,
    pub config: &'a DetectConfig,
    pub grid: GridRecord,
    pub methods: Vec<MethodRecord>,
    /// Pixels per merged class.
    pub anomaly_pixels: ClassCounts,
    pub zones: &'a [crate::detect::cluster::FireZone],
    /// The false-alarm budget's thresholds and tail fit (docs/detection.md).
    pub budget: Option<&'a crate::detect::budget::BudgetOutcome>,
    /// The window preset the thermal method ran with (`drone` or `satellite`).
    pub windows: Option<&'static str>,
    /// Wall-clock seconds per stage (the only part of the record that changes between two runs
    /// on the same inputs).
    pub timings: &'a [Timing],
    pub warnings: &'a [String],
    /// Known/new counts, inventory, asset layers and the risk rule (absent when the grid has
    /// no CRS and no vector layer was written).
    #[serde(flatten)]
    pub vector: Option<&'a VectorSummary>,
}

/// Where and when the scene was taken.
#[derive(Debug, Serialize)]
pub struct SceneRecord {
    pub id: String,
    pub product_id: Option<String>,
    pub mission: String,
    pub sensor: String,
    pub acquisition_date: Option<String>,
    pub scene_center_time: Option<String>,
    pub sun_elevation_deg: Option<f64>,
}

/// The grid of every raster output.
#[derive(Debug, Serialize)]
pub struct GridRecord {
    pub width: usize,
    pub height: usize,
    pub geotransform: [f64; 6],
    pub epsg: Option<u32>,
    pub pixel_area_m2: f64,
    /// `[min lon, min lat, max lon, max lat]` of the grid's corners (WGS84), when it has a CRS.
    pub footprint_lonlat: Option<[f64; 4]>,
}

/// Counts of one method.
#[derive(Debug, Serialize)]
pub struct MethodRecord {
    pub method: &'static str,
    #[serde(flatten)]
    pub stats: DetectionStats,
}

/// Pixels per class of `anomaly.tif`.
#[derive(Debug, Default, Clone, Copy, Serialize)]
pub struct ClassCounts {
    pub none: usize,
    pub low: usize,
    pub nominal: usize,
    pub high: usize,
    pub not_processed: usize,
}

/// What a job wrote, for the caller's summary.
#[derive(Debug)]
pub struct JobOutcome {
    pub written: Vec<PathBuf>,
    pub methods: Vec<(&'static str, DetectionStats)>,
    pub classes: ClassCounts,
    pub zones: usize,
    pub vector: Option<VectorSummary>,
    /// `detection.json` as written.
    pub record_json: serde_json::Value,
}

fn counts(anomaly: &ndarray::Array2<u8>) -> ClassCounts {
    let mut c = ClassCounts::default();
    for &k in anomaly {
        match k {
            confidence::NONE => c.none += 1,
            confidence::LOW => c.low += 1,
            confidence::NOMINAL => c.nominal += 1,
            confidence::HIGH => c.high += 1,
            _ => c.not_processed += 1,
        }
    }
    c
}

pub(super) fn has_crs(g: &Georef) -> bool {
    !(g.crs_wkt.is_empty() && g.epsg.is_none())
}

/// Fills the zones' WGS84 centroids.
fn add_lonlat(det: &mut SceneDetection) -> Result<()> {
    let xy: Vec<(f64, f64)> = det
        .zones
        .iter()
        .map(|z| (z.centroid_x, z.centroid_y))
        .collect();
    if xy.is_empty() || !has_crs(&det.georef) {
        return Ok(());
    }
    for (z, (lon, lat)) in det.zones.iter_mut().zip(io::to_lonlat(&det.georef, &xy)?) {
        z.centroid_lon = Some(lon);
        z.centroid_lat = Some(lat);
    }
    Ok(())
}

pub(super) fn grid_record(g: &Georef, shape: (usize, usize)) -> Result<GridRecord> {
    let (rows, cols) = (shape.0 as f64, shape.1 as f64);
    let corners: Vec<(f64, f64)> = [(0.0, 0.0), (0.0, cols), (rows, 0.0), (rows, cols)]
        .iter()
        .map(|&(r, c)| g.transform.pixel_to_map(r, c))
        .collect();
    let footprint_lonlat = if has_crs(g) {
        let ll = io::to_lonlat(g, &corners)?;
        let lon = ll.iter().map(|p| p.0);
        let lat = ll.iter().map(|p| p.1);
        Some([
            lon.clone().fold(f64::INFINITY, f64::min),
            lat.clone().fold(f64::INFINITY, f64::min),
            lon.fold(f64::NEG_INFINITY, f64::max),
            lat.fold(f64::NEG_INFINITY, f64::max),
        ])
    } else {
        None
    };
    Ok(GridRecord {
        width: shape.1,
        height: shape.0,
        geotransform: g.transform.0,
        epsg: g.epsg,
        pixel_area_m2: g.pixel_area_m2_at(shape.0 as f64 / 2.0),
        footprint_lonlat,
    })
}

pub(super) fn scene_record(job: &DetectJob) -> SceneRecord {
    let m = job.scenes.first().map(|s| &s.metadata);
    SceneRecord {
        id: job.scene_id.clone(),
        product_id: m.and_then(|m| m.product_id.clone()),
        mission: m.map_or_else(String::new, |m| m.mission.name().to_string()),
        sensor: m.map_or_else(String::new, |m| m.sensor.name().to_string()),
        acquisition_date: m.and_then(|m| m.acquisition_date.clone()),
        scene_center_time: m.and_then(|m| m.scene_center_time.clone()),
        sun_elevation_deg: m.and_then(|m| m.sun_elevation_deg),
    }
}

/// The acquisitions behind thermal and SWIR detections, for the hotspot attributes.
fn sources(scenes: &[Scene], det: &SceneDetection) -> Sources {
    sources_of(
        scenes,
        det.temperature.is_some(),
        det.methods.iter().any(|(m, _)| *m == Method::Swir),
    )
}

/// [`sources`] of a detection with a temperature raster (`thermal`) and SWIR detections
/// (`swir`).
pub(super) fn sources_of(scenes: &[Scene], thermal: bool, swir: bool) -> Sources {
    let info = |s: &Scene| {
        let fallback = s
            .input
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        SceneInfo::from_metadata(&s.metadata, &fallback)
    };
    let thermal = scenes
        .iter()
        .filter(|_| thermal)
        .find(|s| s.metadata.sensor != Sensor::Mss && s.default_thermal_band().is_some())
        .map(info);
    let swir = swir
        .then(|| {
            scenes
                .iter()
                .find(|s| {
                    s.metadata.sensor == Sensor::OliTirs
                        && s.metadata.level == Level::L1
                        && ["B5", "B6", "B7"].iter().all(|b| s.bands.contains_key(*b))
                })
                .map(info)
        })
        .flatten();
    Sources { thermal, swir }
}

/// Reads the inventory, asset layers and AOI polygons (native CRS) and builds the vector
/// products. `None` (with a warning) when the grid has no CRS and no vector option was given.
fn vector_products(job: &DetectJob, det: &mut SceneDetection) -> Result<Option<VectorProducts>> {
    let sources = sources(&job.scenes, det);
    let mut warnings = std::mem::take(&mut det.warnings);
    let mut timings = std::mem::take(&mut det.timings);
    let g = det.georef.clone();
    let out = vector_products_with(
        job,
        &g,
        &sources,
        &|inputs, lonlat| det.with_view(|view| vector::build(view, inputs, lonlat)),
        &mut warnings,
        &mut timings,
    );
    det.warnings = warnings;
    det.timings = timings;
    out
}

/// Reads the inventory, exclusions, asset layers and AOI on `g` and builds the vector products
/// with `build` (a whole-raster or a streamed detection's view); warnings and the timing are
/// added to `warnings` and `timings`.
pub(super) fn vector_products_with(
    job: &DetectJob,
    g: &Georef,
    sources: &Sources,
    build: &dyn Fn(&VectorInputs, vector::products::LonLat) -> Result<VectorProducts>,
    det_warnings: &mut Vec<String>,
    timings: &mut Vec<Timing>,
) -> Result<Option<VectorProducts>> {
    let (a, risk) = (job, &job.risk);
    let g = g.clone();
    if g.crs_wkt.is_empty() && g.epsg.is_none() {
        let given = [
            &a.known_fires,
            &a.exclude,
            &a.roads,
            &a.water,
            &a.buildings,
            &a.aoi,
        ]
        .iter()
        .any(|p| p.is_some());
        if given {
            return Err(Error::Usage(
                "the input grid has no CRS: --known-fires, --exclude, --roads, --water, \
                 --buildings and --aoi cannot be placed on it"
                    .into(),
            ));
        }
        det_warnings.push(
            "the input grid has no CRS: no hotspot, fire-zone or GeoPackage layer written".into(),
        );
        return Ok(None);
    }
    let mut warnings = Vec::new();
    let inventory: Option<Inventory> = match &a.known_fires {
        Some(p) => {
            let (inv, w) = io::read_known_fires(p, &g, a.known_buffer_m)?;
            warnings.extend(w);
            Some(inv)
        }
        None => None,
    };
    let exclusions = match &a.exclude {
        Some(p) => {
            let (e, w) = io::read_exclusions(p, &g, a.exclude_buffer_m)?;
            warnings.extend(w);
            Some(e)
        }
        None => None,
    };
    let mut assets = Assets::default();
    for (kind, path) in [
        (AssetKind::Road, &a.roads),
        (AssetKind::Water, &a.water),
        (AssetKind::Building, &a.buildings),
    ] {
        if let Some(p) = path {
            let (layer, w) = io::read_assets(p, kind, &g)?;
            warnings.extend(w);
            assets.layers.push(layer);
        }
    }
    let aoi = match &a.aoi {
        Some(p) => Some(io::read_aoi_polygons(p, &g)?),
        None => None,
    };
    let inputs = VectorInputs {
        sources,
        inventory: inventory.as_ref(),
        exclusions: exclusions.as_ref(),
        assets: &assets,
        risk,
        aoi: aoi.as_ref(),
    };
    let lonlat = |xy: &[(f64, f64)]| io::to_lonlat(&g, xy);
    let start = std::time::Instant::now();
    let products = build(&inputs, &lonlat)?;
    timings.push(Timing {
        stage: "vectors".into(),
        seconds: start.elapsed().as_secs_f64(),
    });
    det_warnings.extend(warnings);
    Ok(Some(products))
}

/// Stages the rasters of `det` in `dir`.
fn stage_rasters(dir: &Path, det: &SceneDetection) -> Result<Vec<io::Staged>> {
    let mut staged = Vec::new();
    if let Some(t) = &det.temperature {
        // The robust range the thermal map will use, as the streamed writer tags it.
        let shape = t.raster.shape();
        let mut sampler = Sampler::new(shape.0 * shape.1);
        sampler.push(0, t.raster.data.iter().copied());
        let opts = CogOptions {
            description: Some(t.quantity.label().into()),
            predictor: t.predictor,
            metadata: sampled_range_tag(sampler, shape)
                .map(|tag| (RANGE_TAG.to_string(), tag))
                .into_iter()
                .collect(),
            ..Default::default()
        };
        staged.push(io::stage_cog(&t.raster, &dir.join("bt.tif"), &opts)?);
    }
    let anomaly = Raster {
        data: det.anomaly.clone(),
        georef: det.georef.clone(),
        nodata: Some(255.0),
        unit: Unit::Other("class".into()),
    };
    let opts = CogOptions {
        // Overviews keep the highest class of each block: a flagged pixel stays visible when
        // zoomed out.
        resampling: crate::io::MAX_VALID,
        description: Some(
            "anomaly confidence: 0 none, 1 low, 2 nominal, 3 high, 255 not processed".into(),
        ),
        ..CogOptions::default()
    };
    staged.push(io::stage_cog(&anomaly, &dir.join("anomaly.tif"), &opts)?);
    Ok(staged)
}

/// Runs the job: detection, vector products, then every output written under a staging name
/// and renamed only when all were written.
pub fn detect_to_dir(job: &DetectJob) -> Result<JobOutcome> {
    let thermal = super::detect::thermal_scene(&job.scenes);
    if let Some(opts) =
        super::detect_stream::stream_plan(&job.scenes, &job.config, job.aoi.as_deref(), thermal)
    {
        return super::detect_stream_job::detect_streamed_to_dir(job, &opts);
    }
    let mut det = detect_scenes(&job.scenes, &job.config, job.aoi.as_deref())?;
    add_lonlat(&mut det)?;
    let vectors = if job.vectors {
        vector_products(job, &mut det)?
    } else {
        None
    };
    for w in &det.warnings {
        tracing::warn!(scene = %job.scene_id, "{w}");
    }
    let record = DetectionRecord {
        seamfire_version: env!("CARGO_PKG_VERSION"),
        inputs: job
            .scenes
            .iter()
            .map(|s| s.input.display().to_string())
            .collect(),
        scene: scene_record(job),
        temperature: det.temperature.as_ref().map(|t| t.quantity.label()),
        day: det.day,
        config: &job.config,
        grid: grid_record(&det.georef, det.anomaly.dim())?,
        methods: det
            .methods
            .iter()
            .map(|(m, s)| MethodRecord {
                method: m.name(),
                stats: *s,
            })
            .collect(),
        anomaly_pixels: counts(&det.anomaly),
        zones: &det.zones,
        budget: det.budget.as_ref(),
        windows: det.windows,
        timings: &det.timings,
        warnings: &det.warnings,
        vector: vectors.as_ref().map(|v| &v.summary),
    };
    std::fs::create_dir_all(&job.out).map_err(|e| Error::io(&job.out, e))?;
    let mut staged = stage_rasters(&job.out, &det)?;
    if let Some(v) = &vectors {
        staged.extend(stage_vectors(&job.out, &det.georef, v)?);
    }
    let record_json = serde_json::to_value(&record).map_err(|e| Error::Usage(e.to_string()))?;
    let bytes = serde_json::to_vec_pretty(&record_json).map_err(|e| Error::Usage(e.to_string()))?;
    staged.push(io::stage_bytes(&job.out.join("detection.json"), &bytes)?);
    let written = io::commit_all(staged)?;
    Ok(JobOutcome {
        written,
        methods: record.methods.iter().map(|m| (m.method, m.stats)).collect(),
        classes: record.anomaly_pixels,
        zones: det.zones.len(),
        vector: vectors.map(|v| v.summary),
        record_json,
    })
}

/// [`detect_to_dir`], then the map products `which` written into the same directory
/// ([`super::render::render_products_with`]): the hook `seamfire detect` (and the pipeline)
/// call. The detection outputs are committed before the map products are rendered from them.
pub fn detect_and_render(
    job: &DetectJob,
    which: &super::render::Products,
    opts: &super::render::RenderOptions,
) -> Result<JobOutcome> {
    let mut outcome = detect_to_dir(job)?;
    if !which.is_empty() {
        super::heap::release_free_heap();
        let written = super::render::render_products_with(&job.out, which, opts)?;
        outcome.written.extend(written);
    }
    Ok(outcome)
}

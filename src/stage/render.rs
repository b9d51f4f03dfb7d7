//! Map products of a `seamfire detect` output directory (`docs/products.md`): the thermal map
//! and orthophotos (COG, PNG quicklook, world file, CRS side-car, JSON side-car), the QGIS
//! styles and project, then the map sheets. Everything this module writes is staged first and
//! renamed together once all of it was written; the sheets (`crate::sheets`) read the committed
//! files afterwards and write their own.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::Serialize;

use super::calibrate::{CalibrateOptions, calibrate_scene};
use crate::error::{Error, Result};
use crate::io::{self, Resampling, Staged};
use crate::mtl::Level;
use crate::qgis::{self, Crs, Group, LayerKind, Project, ProjectLayer, style};
use crate::raster::{GeoTransform, Georef, Raster};
use crate::render::{
    self, Composite, DEFAULT_ORTHO_STRETCH, OrthoStretch, Palette, QUICKLOOK_MAX_PX, Range,
    RangeChoice, Rgba8Image, Stretch,
};
use crate::scene::{Scene, open_scene};

/// Which map products to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Products {
    pub thermal: bool,
    pub ortho: bool,
    pub sheets: bool,
    pub qgis: bool,
}

impl Products {
    /// All four products (the default of `seamfire detect` and `seamfire render`).
    pub const ALL: Products = Products {
        thermal: true,
        ortho: true,
        sheets: true,
        qgis: true,
    };
    /// None: `seamfire detect` writes only its detection outputs.
    pub const NONE: Products = Products {
        thermal: false,
        ortho: false,
        sheets: false,
        qgis: false,
    };

    /// Parses a comma-separated list of `thermal`, `ortho`, `sheets`, `qgis`, or `all` /
    /// `none`.
    pub fn parse(text: &str) -> Result<Self> {
        let mut p = Products::NONE;
        for item in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            match item.to_ascii_lowercase().as_str() {
                "thermal" => p.thermal = true,
                "ortho" => p.ortho = true,
                "sheets" => p.sheets = true,
                "qgis" => p.qgis = true,
                "all" => p = Products::ALL,
                "none" => {}
                other => {
                    return Err(Error::Usage(format!(
                        "--products: unknown product {other:?} (expected a comma-separated list of thermal, ortho, sheets, qgis, or all / none)"
                    )));
                }
            }
        }
        Ok(p)
    }

    /// True when nothing is selected.
    pub fn is_empty(&self) -> bool {
        *self == Products::NONE
    }
}

impl Default for Products {
    fn default() -> Self {
        Products::ALL
    }
}

impl FromStr for Products {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, String> {
        Products::parse(s).map_err(|e| e.to_string())
    }
}

/// How the products are made.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// Temperature range of the thermal map (robust percentiles or `--range-k`).
    pub range: RangeChoice,
    pub palette: Palette,
    /// Brovey pan-sharpening of the true-colour orthophoto with B8 (OLI, ETM+) when present.
    pub pansharpen: bool,
    /// An RGB orthophoto GeoTIFF (e.g. a drone mosaic) to render instead of the scene's
    /// optical bands.
    pub orthophoto: Option<PathBuf>,
    /// Map sheet options (`crate::sheets`).
    pub sheets: crate::sheets::SheetOptions,
}

/// `thermal_map.json`: what the thermal map's colours mean (read by the map sheets for their
/// legend).
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct ThermalMapInfo {
    /// Temperature of palette entry 0, K.
    pub min_k: f64,
    /// Temperature of palette entry 255, K.
    pub max_k: f64,
    /// `inferno` or `magma`.
    pub palette: String,
    /// The raster the colours come from (`bt.tif`).
    pub source: String,
    /// What it holds (`brightness temperature (K)`, …; `detection.json` `temperature`).
    pub quantity: String,
}

/// `orthophoto.json` / `orthophoto_swir.json`: how an orthophoto was made.
#[derive(Debug, Clone, Serialize)]
pub struct OrthoInfo {
    /// `true_colour` or `swir_false_colour`.
    pub composite: &'static str,
    /// Bands shown as red, green, blue.
    pub bands: Vec<String>,
    /// The input they were read from.
    pub source: String,
    /// `TOA reflectance`, `surface reflectance` or `DN` (orthophoto GeoTIFF).
    pub quantity: String,
    pub pansharpened: bool,
    /// Output pixel size = detection grid pixel size / `grid_factor`.
    pub grid_factor: usize,
    pub geotransform: [f64; 6],
    pub width: usize,
    pub height: usize,
    /// Per band (red, green, blue): value mapped to 0 (`lo`), to 255 (`hi`) and gamma.
    pub stretch: Vec<StretchRecord>,
}

/// One band's stretch.
#[derive(Debug, Clone, Serialize)]
pub struct StretchRecord {
    pub lo: f64,
    pub hi: f64,
    pub gamma: f64,
}

/// Largest orthophoto written, in pixels (the refinement factor of a drone mosaic is reduced
/// until it fits).
pub const MAX_ORTHO_PIXELS: usize = 100_000_000;

/// Writes the products `which` for the detection output directory `dir` with default options.
pub fn render_products(dir: &Path, which: &Products) -> Result<Vec<PathBuf>> {
    render_products_with(dir, which, &RenderOptions::default())
}

/// The detection grid of a directory: `anomaly.tif`'s georeferencing and `(rows, cols)`.
struct Grid {
    georef: Georef,
    shape: (usize, usize),
}

impl Grid {
    fn extent(&self) -> [f64; 4] {
        let (rows, cols) = (self.shape.0 as f64, self.shape.1 as f64);
        let corners = [(0.0, 0.0), (0.0, cols), (rows, 0.0), (rows, cols)]
            .map(|(r, c)| self.georef.transform.pixel_to_map(r, c));
        let xs = corners.map(|p| p.0);
        let ys = corners.map(|p| p.1);
        [
            xs.iter().copied().fold(f64::INFINITY, f64::min),
            ys.iter().copied().fold(f64::INFINITY, f64::min),
            xs.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            ys.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        ]
    }

    /// This grid with pixels `factor` times smaller (same origin and extent).
    fn refined(&self, factor: usize) -> Grid {
        let g = self.georef.transform.0;
        let f = factor as f64;
        Grid {
            georef: Georef {
                transform: GeoTransform([g[0], g[1] / f, g[2] / f, g[3], g[4] / f, g[5] / f]),
                ..self.georef.clone()
            },
            shape: (self.shape.0 * factor, self.shape.1 * factor),
        }
    }
}

/// Everything this run stages, and what the QGIS step needs to know about it.
#[derive(Default)]
struct Staging {
    files: Vec<Staged>,
    thermal_range: Option<Range>,
}

impl Staging {
    fn will_exist(&self, dir: &Path, name: &str) -> bool {
        let p = dir.join(name);
        p.exists() || self.files.iter().any(|s| s.dest() == p)
    }
}

/// Writes the products `which` for `dir` (see the module documentation).
pub fn render_products_with(
    dir: &Path,
    which: &Products,
    opts: &RenderOptions,
) -> Result<Vec<PathBuf>> {
    let record = read_record(dir)?;
    let info = io::raster_info(&dir.join("anomaly.tif"))?;
    let grid = Grid {
        georef: info.georef,
        shape: (info.height, info.width),
    };
    let mut staging = Staging::default();
    if which.thermal {
        stage_thermal(dir, &record, opts, &mut staging)?;
    }
    if which.ortho {
        stage_orthophotos(dir, &record, &grid, opts, &mut staging)?;
    }
    if which.qgis {
        stage_qgis(dir, &record, &grid, opts, &mut staging)?;
    }
    let mut written = io::commit_all(staging.files)?;
    // Map sheets read the committed thermal map and orthophoto: they come last.
    if which.sheets {
        if dir.join("thermal_map.tif").exists() || dir.join("orthophoto.tif").exists() {
            written.extend(crate::sheets::write_sheets(dir, &opts.sheets)?);
        } else {
            tracing::warn!(
                "{}: neither thermal_map.tif nor orthophoto.tif: no map sheets",
                dir.display()
            );
        }
    }
    Ok(written)
}

fn read_record(dir: &Path) -> Result<serde_json::Value> {
    let path = dir.join("detection.json");
    let text = std::fs::read_to_string(&path).map_err(|e| {
        if path.exists() {
            Error::io(&path, e)
        } else {
            Error::input(
                &path,
                "not found: render needs the output directory of `seamfire detect`",
            )
        }
    })?;
    serde_json::from_str(&text).map_err(|e| Error::input(&path, format!("not valid JSON: {e}")))
}

// ------------------------------------------------------------------ thermal map

fn quantity_of(record: &serde_json::Value) -> String {
    record["temperature"]
        .as_str()
        .unwrap_or("temperature (K)")
        .to_string()
}

/// The staged PNG quicklook of `img` (at most [`QUICKLOOK_MAX_PX`] on the long side) with its
/// world file and CRS side-car.
fn quicklook_files(img: &Rgba8Image, dest: &Path) -> Result<Vec<io::Staged>> {
    let factor = render::quicklook_factor(img.width, img.height, QUICKLOOK_MAX_PX);
    io::stage_png_quicklook(&render::downsample(img, factor), dest)
}

fn stage_json(dest: &Path, value: &impl Serialize, staging: &mut Staging) -> Result<()> {
    let mut bytes =
        serde_json::to_vec_pretty(value).map_err(|e| Error::input(dest, e.to_string()))?;
    bytes.push(b'\n');
    staging.files.push(io::stage_bytes(dest, &bytes)?);
    Ok(())
}

fn stage_thermal(
    dir: &Path,
    record: &serde_json::Value,
    opts: &RenderOptions,
    staging: &mut Staging,
) -> Result<()> {
    let bt_path = dir.join("bt.tif");
    if !bt_path.exists() {
        tracing::warn!(
            "{}: no bt.tif (no thermal band was used): no thermal map",
            dir.display()
        );
        return Ok(());
    }
    // Streamed in strips: memory does not grow with the raster (`stage::thermal_map`).
    let map = super::thermal_map::stage_thermal_map(&bt_path, dir, opts.range, opts.palette)?;
    staging.files.extend(map.staged);
    let range = map.range;
    let info = ThermalMapInfo {
        min_k: range.min,
        max_k: range.max,
        palette: opts.palette.name().to_string(),
        source: "bt.tif".into(),
        quantity: quantity_of(record),
    };
    stage_json(&dir.join("thermal_map.json"), &info, staging)?;
    staging.thermal_range = Some(range);
    Ok(())
}

// ------------------------------------------------------------------ orthophotos

/// An input path of `detection.json` as given: absolute, relative to the working directory,
/// or relative to the output directory.
fn resolve_input(dir: &Path, input: &str) -> Option<PathBuf> {
    let p = PathBuf::from(input);
    if p.is_absolute() || p.exists() {
        return p.exists().then_some(p);
    }
    let q = dir.join(&p);
    q.exists().then_some(q)
}

/// The input scenes listed in `detection.json` that can still be opened.
fn input_scenes(dir: &Path, record: &serde_json::Value) -> Vec<Scene> {
    let inputs = record["inputs"].as_array().cloned().unwrap_or_default();
    let mut scenes = Vec::new();
    for input in inputs.iter().filter_map(|v| v.as_str()) {
        let Some(path) = resolve_input(dir, input) else {
            tracing::warn!("{input}: input of {} not found", dir.display());
            continue;
        };
        match open_scene(&path, None) {
            Ok(s) => scenes.push(s),
            Err(e) => tracing::warn!("{e}"),
        }
    }
    scenes
}

/// Bands of one composite, read and ready to put on the common grid.
struct OrthoSource {
    composite: Composite,
    band_ids: Vec<String>,
    bands: Vec<Raster<f32>>,
    pan: Option<Raster<f32>>,
    source: String,
    quantity: String,
    stretch: OrthoStretch,
}

fn reflectance(scene: &Scene, band: &str) -> Result<Raster<f32>> {
    let opts = CalibrateOptions {
        band: Some(band.to_string()),
        ..Default::default()
    };
    Ok(calibrate_scene(scene, &opts)?.raster)
}

/// The composite's bands from the first scene that has them all (daytime for Level-1 TOA
/// reflectance).
fn scene_source(
    scenes: &[Scene],
    composite: Composite,
    pansharpen: bool,
) -> Result<Option<OrthoSource>> {
    for scene in scenes {
        let m = &scene.metadata;
        let Some(ids) = composite.bands(m.sensor, m.level) else {
            continue;
        };
        if !ids.iter().all(|b| scene.bands.contains_key(b)) {
            continue;
        }
        if m.level == Level::L1 && !m.sun_elevation_deg.is_some_and(|e| e > 0.0) {
            tracing::warn!(
                "{}: night or unknown sun elevation: no TOA reflectance for the {} orthophoto",
                scene.input.display(),
                composite.name()
            );
            continue;
        }
        let bands = ids
            .iter()
            .map(|b| reflectance(scene, b))
            .collect::<Result<Vec<_>>>()?;
        let pan = match render::pan_band(m.sensor, m.level) {
            Some(p) if pansharpen && composite == Composite::TrueColour => {
                if scene.bands.contains_key(p) {
                    Some(reflectance(scene, p)?)
                } else {
                    tracing::warn!(
                        "{}: no {p} band: orthophoto not pan-sharpened",
                        scene.input.display()
                    );
                    None
                }
            }
            _ => None,
        };
        let quantity = if m.level == Level::L2Sp {
            "surface reflectance"
        } else {
            "TOA reflectance"
        };
        return Ok(Some(OrthoSource {
            composite,
            band_ids: ids.to_vec(),
            bands,
            pan,
            source: scene.input.display().to_string(),
            quantity: quantity.into(),
            stretch: DEFAULT_ORTHO_STRETCH,
        }));
    }
    Ok(None)
}

/// An RGB orthophoto GeoTIFF: 8-bit data shown as stored, other types stretched.
fn file_source(path: &Path) -> Result<OrthoSource> {
    let rgb = io::read_rgb(path)?;
    let stretch = if rgb.data_type == "Byte" {
        OrthoStretch::Fixed(Stretch::BYTE_IDENTITY)
    } else {
        DEFAULT_ORTHO_STRETCH
    };
    Ok(OrthoSource {
        composite: Composite::TrueColour,
        band_ids: vec!["band 1".into(), "band 2".into(), "band 3".into()],
        bands: rgb.bands.into(),
        pan: None,
        source: path.display().to_string(),
        quantity: "DN".into(),
        stretch,
    })
}

/// Pixel width of a grid (length of the column vector), in CRS units.
fn pixel_size(g: &GeoTransform) -> f64 {
    g.0[1].hypot(g.0[4])
}

/// The refinement factor of the orthophoto grid: detection pixel / finest source pixel,
/// rounded, at least 1, reduced until the image fits [`MAX_ORTHO_PIXELS`]. Sources in
/// another CRS than the detection grid get factor 1.
fn grid_factor(grid: &Grid, src: &OrthoSource) -> usize {
    let finest = src
        .bands
        .iter()
        .chain(src.pan.iter())
        .filter(|b| b.georef.same_crs(&grid.georef))
        .map(|b| pixel_size(&b.georef.transform))
        .fold(f64::INFINITY, f64::min);
    let target = pixel_size(&grid.georef.transform);
    let mut k = if finest.is_finite() && finest > 0.0 {
        ((target / finest).round() as usize).max(1)
    } else {
        1
    };
    while k > 1 && grid.shape.0 * k * grid.shape.1 * k > MAX_ORTHO_PIXELS {
        k -= 1;
    }
    k
}

fn stage_orthophotos(
    dir: &Path,
    record: &serde_json::Value,
    grid: &Grid,
    opts: &RenderOptions,
    staging: &mut Staging,
) -> Result<()> {
    let mut sources = Vec::new();
    // Thermal rasters without metadata (drone mosaics, LST) never have optical bands: their
    // missing orthophoto is expected, not something a scheduler's log should flag every run.
    let mut thermal_only = false;
    if let Some(path) = &opts.orthophoto {
        sources.push(file_source(path)?);
    } else {
        let scenes = input_scenes(dir, record);
        thermal_only = !scenes.is_empty()
            && scenes
                .iter()
                .all(|s| s.metadata.mission == crate::mtl::Mission::Generic);
        // An input scene that cannot give reflectances (no rescaling in its MTL, unreadable
        // band) costs its orthophoto, not the other products: a warning, not an error.
        for composite in [Composite::TrueColour, Composite::SwirFalseColour] {
            match scene_source(&scenes, composite, opts.pansharpen) {
                Ok(Some(s)) => sources.push(s),
                Ok(None) => {}
                Err(e) => tracing::warn!("no {} orthophoto: {e}", composite.name()),
            }
        }
    }
    if sources.is_empty() && thermal_only {
        tracing::info!(
            "{}: no orthophoto: the inputs are thermal rasters only (give an RGB mosaic with \
             --orthophoto FILE)",
            dir.display()
        );
    } else if sources.is_empty() {
        tracing::warn!(
            "{}: no optical bands among the inputs (B4/B3/B2 or SWIR): no orthophoto",
            dir.display()
        );
    }
    for src in sources {
        stage_orthophoto(dir, grid, src, staging)?;
    }
    Ok(())
}

fn stage_orthophoto(
    dir: &Path,
    grid: &Grid,
    src: OrthoSource,
    staging: &mut Staging,
) -> Result<()> {
    let k = grid_factor(grid, &src);
    let target = grid.refined(k);
    let name = Path::new(&src.source);
    let finer = src
        .bands
        .iter()
        .all(|b| pixel_size(&b.georef.transform) < 0.75 * pixel_size(&target.georef.transform));
    let resampling = if finer {
        Resampling::Average
    } else {
        Resampling::Bilinear
    };
    let refs: Vec<&Raster<f32>> = src.bands.iter().collect();
    let warped = io::warp_bands(&refs, &target.georef, target.shape, resampling, name)?;
    let [r, g, b]: [ndarray::Array2<f32>; 3] = warped
        .try_into()
        .map_err(|_| Error::input(name, "expected three bands"))?;
    let (bands, pansharpened) = match &src.pan {
        Some(pan) => {
            let p = io::warp_bands(
                &[pan],
                &target.georef,
                target.shape,
                Resampling::Bilinear,
                name,
            )?;
            (render::brovey([&r, &g, &b], &p[0]), true)
        }
        None => ([r, g, b], false),
    };
    let Some((img, stretches)) = render::render_rgb(
        [&bands[0], &bands[1], &bands[2]],
        &target.georef,
        src.stretch,
    ) else {
        tracing::warn!(
            "{}: no pixel valid in all three bands on the detection grid: no {}",
            src.source,
            src.composite.file_stem()
        );
        return Ok(());
    };
    let stem = src.composite.file_stem();
    let mut names: Vec<&str> = src.band_ids.iter().map(String::as_str).collect();
    names.push("alpha");
    // The COG copy and the quicklook's PNG encoding side by side (each mostly serial).
    let (tif, png) = (
        dir.join(format!("{stem}.tif")),
        dir.join(format!("{stem}.png")),
    );
    let (cog, quicklook) = rayon::join(
        // A photograph: horizontal differencing makes it smaller (io::Predictor).
        || io::stage_rgba_cog(&img, &tif, true, &names, io::Predictor::Horizontal),
        || quicklook_files(&img, &png),
    );
    staging.files.push(cog?);
    staging.files.extend(quicklook?);
    let info = OrthoInfo {
        composite: src.composite.name(),
        bands: src.band_ids,
        source: src.source,
        quantity: src.quantity,
        pansharpened,
        grid_factor: k,
        geotransform: target.georef.transform.0,
        width: target.shape.1,
        height: target.shape.0,
        stretch: stretches
            .iter()
            .map(|s| StretchRecord {
                lo: s.lo,
                hi: s.hi,
                gamma: s.gamma,
            })
            .collect(),
    };
    stage_json(&dir.join(format!("{stem}.json")), &info, staging)
}

// ------------------------------------------------------------------ QGIS

/// Range for `bt.qml`: this run's thermal map, else `thermal_map.json` of an earlier run, else
/// computed from `bt.tif` as the thermal map would.
fn qml_range(
    dir: &Path,
    opts: &RenderOptions,
    staging: &Staging,
) -> Result<Option<(Range, Palette)>> {
    if let Some(r) = staging.thermal_range {
        return Ok(Some((r, opts.palette)));
    }
    let json = dir.join("thermal_map.json");
    if let Ok(text) = std::fs::read_to_string(&json)
        && let Ok(info) = serde_json::from_str::<ThermalMapInfo>(&text)
        && let Some(r) = Range::new(info.min_k, info.max_k)
    {
        return Ok(Some((
            r,
            Palette::from_name(&info.palette).unwrap_or_default(),
        )));
    }
    let bt = dir.join("bt.tif");
    if !bt.exists() {
        return Ok(None);
    }
    let range = super::thermal_map::thermal_range_of_file(&bt, opts.range)?;
    Ok(range.map(|r| (r, opts.palette)))
}

fn stage_qgis(
    dir: &Path,
    record: &serde_json::Value,
    grid: &Grid,
    opts: &RenderOptions,
    staging: &mut Staging,
) -> Result<()> {
    let scene_crs = (!grid.georef.crs_wkt.is_empty())
        .then(|| Crs::from_wkt(&grid.georef.crs_wkt, grid.georef.epsg));
    let mut layers: Vec<ProjectLayer> = Vec::new();
    let mut add = |file: &str,
                   name: &str,
                   kind: LayerKind,
                   crs: Option<Crs>,
                   group,
                   visible,
                   style: Vec<qgis::xml::El>| {
        layers.push(ProjectLayer {
            id: file.replace('.', "_"),
            name: name.to_string(),
            file: file.to_string(),
            kind,
            crs,
            style,
            group,
            visible,
        });
    };
    let exists = |name: &str| staging.will_exist(dir, name);
    let wgs84 = Some(Crs::wgs84());
    // Drawing order: top first.
    if exists("hotspots.geojson") {
        add(
            "hotspots.geojson",
            "hotspots",
            LayerKind::Vector { geometry: "Point" },
            wgs84.clone(),
            Group::Detections,
            true,
            style::hotspots(),
        );
    }
    if exists("fire_zones.geojson") {
        add(
            "fire_zones.geojson",
            "fire zones",
            LayerKind::Vector {
                geometry: "Polygon",
            },
            wgs84.clone(),
            Group::Detections,
            true,
            style::fire_zones(),
        );
    }
    if exists("anomaly.tif") {
        add(
            "anomaly.tif",
            "anomaly classes",
            LayerKind::Raster,
            scene_crs.clone(),
            Group::Detections,
            true,
            style::paletted(&style::anomaly_classes()),
        );
    }
    if exists("known_zones.geojson") {
        add(
            "known_zones.geojson",
            "known burning zones",
            LayerKind::Vector {
                geometry: "Polygon",
            },
            wgs84.clone(),
            Group::Context,
            true,
            style::known_zones(),
        );
    }
    if exists("thermal_map.tif") {
        add(
            "thermal_map.tif",
            "thermal map",
            LayerKind::Raster,
            scene_crs.clone(),
            Group::Thermal,
            true,
            style::multiband(true),
        );
    }
    let bt_range = if exists("bt.tif") {
        qml_range(dir, opts, staging)?
    } else {
        None
    };
    if let Some((range, palette)) = bt_range {
        add(
            "bt.tif",
            &quantity_of(record),
            LayerKind::Raster,
            scene_crs.clone(),
            Group::Thermal,
            false,
            style::pseudocolor(range, palette, "K"),
        );
    }
    if exists("orthophoto_swir.tif") {
        add(
            "orthophoto_swir.tif",
            "orthophoto, SWIR false colour",
            LayerKind::Raster,
            scene_crs.clone(),
            Group::Optical,
            false,
            style::multiband(true),
        );
    }
    if exists("orthophoto.tif") {
        add(
            "orthophoto.tif",
            "orthophoto",
            LayerKind::Raster,
            scene_crs.clone(),
            Group::Optical,
            true,
            style::multiband(true),
        );
    }
    for l in &layers {
        let stem = l.file.rsplit_once('.').map_or(l.file.as_str(), |(s, _)| s);
        let qml = qgis::qml_document(&l.style);
        staging.files.push(io::stage_bytes(
            &dir.join(format!("{stem}.qml")),
            qml.as_bytes(),
        )?);
    }
    let scene_id = record["scene"]["id"].as_str().unwrap_or("scene");
    let date = record["scene"]["acquisition_date"].as_str().unwrap_or("");
    let project = Project {
        title: format!("seamfire {scene_id} {date}").trim_end().to_string(),
        crs: scene_crs,
        extent: grid.extent(),
        layers,
    };
    staging.files.push(io::stage_bytes(
        &dir.join("seamfire.qgs"),
        qgis::project_xml(&project).as_bytes(),
    )?);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn products_parse() {
        assert_eq!(
            Products::parse("thermal,ortho,sheets,qgis").unwrap(),
            Products::ALL
        );
        assert_eq!(Products::parse("all").unwrap(), Products::ALL);
        assert!(Products::parse("none").unwrap().is_empty());
        assert!(Products::parse("").unwrap().is_empty());
        let p = Products::parse(" QGIS , thermal").unwrap();
        assert!(p.qgis && p.thermal && !p.ortho && !p.sheets);
        let err = Products::parse("thermal,maps").unwrap_err().to_string();
        assert!(err.contains("\"maps\""), "{err}");
        assert!("ortho".parse::<Products>().unwrap().ortho);
    }

    #[test]
    fn refined_grid_nests_in_the_detection_grid() {
        let g = Grid {
            georef: Georef {
                transform: GeoTransform([452_475.0, 30.0, 0.0, 3_408_645.0, 0.0, -30.0]),
                crs_wkt: String::new(),
                epsg: None,
                ground_m_per_unit: None,
            },
            shape: (603, 627),
        };
        let r = g.refined(2);
        assert_eq!(r.shape, (1206, 1254));
        assert_eq!(
            r.georef.transform.0,
            [452_475.0, 15.0, 0.0, 3_408_645.0, 0.0, -15.0]
        );
        assert_eq!(r.extent(), g.extent());
        assert_eq!(g.extent(), [452_475.0, 3_390_555.0, 471_285.0, 3_408_645.0]);
    }
}

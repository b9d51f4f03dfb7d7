//! `seamfire synth`: a Landsat-8-like Level-1 scene with planted coal-fire anomalies and its
//! truth (see `docs/synth.md`).

use std::path::PathBuf;

use crate::error::{Error, Result};
use crate::raster::MaskReason;
use crate::scene::open_scene;
use crate::stage::{CalibrateOptions, calibrate_scene};
use crate::synth::{self, Preset, SynthParams, SynthScene};

#[derive(Debug, clap::Args)]
pub struct SynthArgs {
    /// Output directory (created if needed; must not hold another product).
    #[arg(long, short)]
    pub out: PathBuf,
    /// Seed: the same seed and options give byte-identical files.
    #[arg(long)]
    pub seed: u64,
    /// Background preset: `night` (smooth terrain, noise 0.1–0.2 K) or `day` (rough terrain
    /// with solar heating of slopes, noise 0.3–0.6 K); `season` writes the demo season (a coal
    /// field with 20 known zones, roads, a river, houses and three passes; see docs/synth.md).
    #[arg(long, value_enum, default_value_t = PresetArg::Night)]
    pub preset: PresetArg,
    /// Scene size COLSxROWS (default 1024x1024; a full Landsat scene is 7801x7911).
    #[arg(long)]
    pub size: Option<String>,
    /// Objects to plant (default: 60 per million pixels).
    #[arg(long)]
    pub objects: Option<usize>,
    /// No lakes.
    #[arg(long)]
    pub no_water: bool,
    /// No fill (corner triangles, dropped lines, diagonal band).
    #[arg(long)]
    pub no_fill: bool,
    /// Plant into a real thermal scene instead of a generated background: a Landsat product
    /// directory, package, band file, or any thermal GeoTIFF (as `seamfire calibrate` reads
    /// it). Its QA mask is honoured; the input is only read.
    #[arg(long)]
    pub background: Option<PathBuf>,
    /// Also write OLI bands B1–B7 (day preset only; no fire signal in them).
    #[arg(long)]
    pub swir: bool,
    /// Smallest and largest peak heating, K: `MIN,MAX`.
    #[arg(long, default_value = "1.5,25")]
    pub delta_range: String,
    /// Smallest and largest object, pixels: `MIN,MAX`.
    #[arg(long, default_value = "1,80")]
    pub size_range: String,
    /// Clear pixels kept between objects and between an object and any invalid pixel.
    #[arg(long, default_value_t = 5)]
    pub gap: usize,
    /// Write a drone thermal orthomosaic instead of a Landsat scene: `mosaic.tif` (Float32 K,
    /// nodata NaN outside the flown area, `--pixel-m` pixels, EPSG:32648) with planted vents
    /// listed in `mosaic_vents.json`. Generated and written in strips, so `--size` may exceed
    /// memory (e.g. 40000x40000).
    #[arg(long, conflicts_with_all = ["background", "swir", "objects", "preset"])]
    pub mosaic: bool,
    /// Pixel size of `--mosaic`, metres.
    #[arg(long, default_value_t = 0.25, requires = "mosaic")]
    pub pixel_m: f64,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

/// `--preset`: a scene preset or the demo season.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PresetArg {
    Night,
    Day,
    Season,
}

impl PresetArg {
    fn scene_preset(self) -> Option<Preset> {
        match self {
            PresetArg::Night => Some(Preset::Night),
            PresetArg::Day => Some(Preset::Day),
            PresetArg::Season => None,
        }
    }
}

/// `COLSxROWS` → `(rows, cols)`.
fn parse_size(s: &str) -> Result<(usize, usize)> {
    let bad = || Error::Usage(format!("--size {s}: expected COLSxROWS, e.g. 1024x1024"));
    let (c, r) = s.trim().split_once(['x', 'X']).ok_or_else(bad)?;
    let cols: usize = c.trim().parse().map_err(|_| bad())?;
    let rows: usize = r.trim().parse().map_err(|_| bad())?;
    Ok((rows, cols))
}

fn parse_pair<T: std::str::FromStr>(flag: &str, s: &str) -> Result<(T, T)> {
    let bad = || Error::Usage(format!("{flag} {s}: expected MIN,MAX"));
    let (a, b) = s.split_once(',').ok_or_else(bad)?;
    Ok((
        a.trim().parse().map_err(|_| bad())?,
        b.trim().parse().map_err(|_| bad())?,
    ))
}

fn params(a: &SynthArgs, rows: usize, cols: usize) -> Result<SynthParams> {
    let preset = a.preset.scene_preset().unwrap_or(Preset::Night);
    let mut p = SynthParams::new(a.seed, rows, cols, preset);
    if let Some(n) = a.objects {
        p.n_objects = n;
    }
    p.water = !a.no_water;
    p.fill_stripes = !a.no_fill;
    p.swir = a.swir;
    p.delta_range_k = parse_pair("--delta-range", &a.delta_range)?;
    p.size_range_px = parse_pair("--size-range", &a.size_range)?;
    p.min_gap_px = a.gap;
    p.validate().map_err(Error::Usage)?;
    Ok(p)
}

/// Calibrates the background scene and plants into it.
fn plant_into_real(a: &SynthArgs, path: &std::path::Path) -> Result<(SynthScene, SynthParams)> {
    let scene = open_scene(path, None)?;
    let cal = calibrate_scene(&scene, &CalibrateOptions::default())?;
    for w in &cal.warnings {
        tracing::warn!("{w}");
    }
    let bt = &cal.raster.data;
    let (rows, cols) = bt.dim();
    let p = params(a, rows, cols)?;
    let flags = match &cal.mask {
        Some(m) => m.flags.clone(),
        None => ndarray::Zip::from(bt)
            .par_map_collect(|t| if t.is_nan() { MaskReason::FILL } else { 0 }),
    };
    let valid = flags.mapv(|f| f == 0);
    let mut s = synth::plant_into(bt, &valid, cal.raster.georef.clone(), &p);
    s.qa_pixel = synth::qa::qa_from_flags(&flags);
    if let Some(e) = scene.metadata.sun_elevation_deg {
        s.sun_elevation_deg = e;
    }
    if let Some(az) = scene.metadata.sun_azimuth_deg {
        s.sun_azimuth_deg = az;
    }
    s.facts.source = Some(path.display().to_string());
    s.facts.water_pixels = flags
        .iter()
        .filter(|&&f| f & MaskReason::WATER != 0)
        .count();
    Ok((s, p))
}

/// GDAL block cache while writing a mosaic.
const MOSAIC_GDAL_CACHE_BYTES: u64 = 256 << 20;

/// `--mosaic`: the drone mosaic, streamed.
fn run_mosaic(a: &SynthArgs) -> Result<()> {
    let shape = parse_size(a.size.as_deref().unwrap_or("1024x1024"))?;
    if shape.0 == 0 || shape.1 == 0 || !(a.pixel_m > 0.0 && a.pixel_m.is_finite()) {
        return Err(Error::Usage(
            "--mosaic needs a non-empty --size and a positive --pixel-m".into(),
        ));
    }
    let p = synth::mosaic::MosaicParams {
        seed: a.seed,
        shape,
        pixel_m: a.pixel_m,
    };
    // Streamed writes go through GDAL's block cache (5 % of RAM by default): bound it.
    crate::io::set_gdal_cache_bytes(MOSAIC_GDAL_CACHE_BYTES);
    let files = synth::write_mosaic(&a.out, &p)?;
    let vents = synth::mosaic::vents(&p).len();
    if a.json {
        return super::print_json(&serde_json::json!({
            "out": a.out.display().to_string(),
            "files": files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>(),
            "rows": shape.0,
            "cols": shape.1,
            "pixel_m": a.pixel_m,
            "vents": vents,
        }));
    }
    println!(
        "wrote {} ({}x{} px at {} m, {vents} vents)",
        files[0].display(),
        shape.1,
        shape.0,
        a.pixel_m
    );
    Ok(())
}

pub fn run(a: &SynthArgs) -> Result<()> {
    if a.mosaic {
        return run_mosaic(a);
    }
    if a.preset == PresetArg::Season {
        return super::synth_season::run(a);
    }
    let t0 = std::time::Instant::now();
    let (scene, p) = match &a.background {
        Some(bg) => {
            if a.size.is_some() {
                return Err(Error::Usage(
                    "--size does not apply with --background (the grid is the background's)".into(),
                ));
            }
            if a.swir {
                return Err(Error::Usage(
                    "--swir needs a generated background (not --background)".into(),
                ));
            }
            plant_into_real(a, bg)?
        }
        None => {
            let (rows, cols) = parse_size(a.size.as_deref().unwrap_or("1024x1024"))?;
            if a.swir && a.preset != PresetArg::Day {
                return Err(Error::Usage(
                    "--swir needs --preset day (OLI reflective bands are daytime only)".into(),
                ));
            }
            let p = params(a, rows, cols)?;
            (synth::generate(&p), p)
        }
    };
    let t1 = std::time::Instant::now();
    let written = synth::write_scene(&a.out, &scene, &p)?;
    tracing::debug!(
        "synth: scene in {:.2} s, writing in {:.2} s",
        (t1 - t0).as_secs_f64(),
        t1.elapsed().as_secs_f64()
    );
    let c = &scene.facts.counts;
    let (rows, cols) = scene.shape();
    let total = (rows * cols) as f64;
    let pct = |n: usize| 100.0 * n as f64 / total;
    let background = match &scene.facts.source {
        Some(s) => format!("background {s}"),
        None => format!("{} preset", p.preset.name()),
    };
    let noise = scene
        .noise_sigma_k()
        .map_or(String::new(), |n| format!(", noise {n:.3} K"));
    if a.json {
        let report = serde_json::json!({
            "out": a.out.display().to_string(),
            "product_id": synth::product_id(p.seed),
            "files": written.iter().map(|f| f.display().to_string()).collect::<Vec<_>>(),
            "rows": rows,
            "cols": cols,
            "counts": c,
            "noise_sigma_k": scene.noise_sigma_k(),
            "water_pixels": scene.facts.water_pixels,
            "fill_pixels": scene.facts.fill_pixels,
        });
        return super::print_json(&report);
    }
    println!(
        "wrote {} files to {} (product {})",
        written.len(),
        a.out.display(),
        synth::product_id(p.seed)
    );
    println!(
        "  {cols}x{rows}, {background}{noise}: {}/{} objects ({} blobs, {} strips, {} px), water {:.1} %, fill {:.1} %",
        c.planted,
        c.requested,
        c.blobs,
        c.strips,
        c.pixels,
        pct(scene.facts.water_pixels),
        pct(scene.facts.fill_pixels),
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_pairs() {
        assert_eq!(parse_size("7801x7911").unwrap(), (7911, 7801));
        assert!(matches!(parse_size("100"), Err(Error::Usage(_))));
        assert!(matches!(parse_size("ax3"), Err(Error::Usage(_))));
        assert_eq!(
            parse_pair::<f64>("--delta-range", "1.5,25").unwrap(),
            (1.5, 25.0)
        );
        assert!(parse_pair::<usize>("--size-range", "1-80").is_err());
    }
}

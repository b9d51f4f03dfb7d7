//! A generated thermal background: fractal DEM → surface temperature (regional gradient,
//! elevation lapse, land-cover texture, small warm and cold spots, solar heating of slopes by
//! day), lakes, fill and Gaussian sensor noise. Rows are computed in parallel; every value depends only on the seed and
//! the pixel, never on the thread that computed it.

use ndarray::{Array2, Axis, Zip};
use rayon::prelude::*;

use super::SynthParams;
use super::fill::FillLayout;
use super::model::BackgroundModel;
use super::noise::Fractal;
use super::qa::{QA_CLEAR, QA_FILL, QA_WATER};
use super::rng::{SplitMix64, hash2, normal_pair};
use super::spots::{SpotModel, Spots};
use super::water::{Lake, Lakes};

/// Independent random streams of one seed.
pub(crate) mod stream {
    pub const MODEL: u64 = 1;
    pub const DEM: u64 = 2;
    pub const TEXTURE: u64 = 3;
    pub const WATER: u64 = 4;
    pub const FILL: u64 = 5;
    pub const NOISE: u64 = 6;
    pub const OBJECTS: u64 = 7;
    pub const SEAMS: u64 = 8;
    pub const SWIR: u64 = 9;
    pub const SPOTS: u64 = 10;
}

/// DEM octaves of the large-scale relief, px (2048 px ≈ 61 km at 30 m).
const RELIEF_CELLS_PX: (f64, f64) = (2048.0, 64.0);
/// DEM octaves of the rough terrain, px, and their spectral slope.
const ROUGH_CELLS_PX: (f64, f64) = (32.0, 2.0);
const ROUGH_HURST: f64 = 0.8;
/// Land-cover texture octaves, px.
const TEXTURE_MAX_CELL_PX: f64 = 64.0;

/// A generated background and what it is made of.
pub(crate) struct Background {
    /// K, NaN on fill.
    pub temperature_k: Array2<f32>,
    pub qa: Array2<u16>,
    /// Not fill, not water.
    pub valid: Array2<bool>,
    pub model: BackgroundModel,
    pub lakes: Vec<Lake>,
    pub fill: Option<FillLayout>,
    /// Kept for the optional SWIR bands (illumination and land cover follow the same terrain).
    pub dem_m: Option<Array2<f32>>,
}

/// Unit vector towards the sun in (east, north, up).
pub(crate) fn sun_vector(elevation_deg: f64, azimuth_deg: f64) -> [f32; 3] {
    let (se, ce) = elevation_deg.to_radians().sin_cos();
    let (sa, ca) = azimuth_deg.to_radians().sin_cos();
    [(ce * sa) as f32, (ce * ca) as f32, se as f32]
}

/// Cosine of the solar incidence angle on the DEM at `(r, c)` (unclamped), from central
/// differences (one-sided at the edges).
#[inline]
pub(crate) fn cos_incidence(
    dem: &Array2<f32>,
    r: usize,
    c: usize,
    pixel_m: f32,
    sun: [f32; 3],
) -> f32 {
    let (rows, cols) = dem.dim();
    let (c0, c1) = (c.saturating_sub(1), (c + 1).min(cols - 1));
    let (r0, r1) = (r.saturating_sub(1), (r + 1).min(rows - 1));
    let dzdx = if c1 > c0 {
        (dem[[r, c1]] - dem[[r, c0]]) / ((c1 - c0) as f32 * pixel_m)
    } else {
        0.0
    };
    // Rows grow southwards: north is towards r0.
    let dzdy = if r1 > r0 {
        (dem[[r0, c]] - dem[[r1, c]]) / ((r1 - r0) as f32 * pixel_m)
    } else {
        0.0
    };
    let norm = (dzdx * dzdx + dzdy * dzdy + 1.0).sqrt();
    (-dzdx * sun[0] - dzdy * sun[1] + sun[2]) / norm
}

/// Generates the background of `p`.
pub(crate) fn generate_background(p: &SynthParams) -> Background {
    let (rows, cols) = (p.rows, p.cols);
    let model = BackgroundModel::draw(p.preset, &mut SplitMix64::stream(p.seed, stream::MODEL));
    let day = model.solar_k > 0.0;

    // DEM, metres around 0: smooth relief plus, by day, rough terrain scaled to its slope.
    let mut dem_rng = SplitMix64::stream(p.seed, stream::DEM);
    let relief = Fractal::power_law(
        &mut dem_rng,
        RELIEF_CELLS_PX.0,
        RELIEF_CELLS_PX.1,
        1.0,
        model.relief_std_m,
    );
    let mut rough = Fractal::power_law(
        &mut dem_rng,
        ROUGH_CELLS_PX.0,
        ROUGH_CELLS_PX.1,
        ROUGH_HURST,
        1.0,
    );
    let s = rough.slope_std(p.pixel_m);
    rough.scale(if s > 0.0 {
        model.roughness_slope / s
    } else {
        0.0
    });
    let with_rough = model.roughness_slope > 0.0;
    let mut dem = Array2::<f32>::zeros((rows, cols));
    let (relief_cols, rough_cols) = (relief.columns(cols), rough.columns(cols));
    dem.axis_iter_mut(Axis(0))
        .into_par_iter()
        .enumerate()
        .for_each_init(Vec::new, |comb, (r, mut row)| {
            let out = row.as_slice_mut().expect("standard layout");
            relief.add_row(r, &relief_cols, out, comb);
            if with_rough {
                rough.add_row(r, &rough_cols, out, comb);
            }
        });

    let texture_f = Fractal::power_law(
        &mut SplitMix64::stream(p.seed, stream::TEXTURE),
        TEXTURE_MAX_CELL_PX,
        if day { 2.0 } else { 4.0 },
        0.5,
        model.texture_std_k,
    );
    let texture_cols = texture_f.columns(cols);
    let lakes = p
        .water
        .then(|| Lakes::draw(&mut SplitMix64::stream(p.seed, stream::WATER), rows, cols));
    let fill = p
        .fill_stripes
        .then(|| FillLayout::draw(&mut SplitMix64::stream(p.seed, stream::FILL), rows, cols));
    let noise_seed = SplitMix64::stream(p.seed, stream::NOISE).next_u64();
    let spots = Spots::new(
        SplitMix64::stream(p.seed, stream::SPOTS).next_u64(),
        SpotModel::of(p.preset),
    );

    // Regional gradient: K per pixel along rows and columns.
    let diag = ((rows * rows + cols * cols) as f64).sqrt().max(1.0);
    let (sa, ca) = model.gradient_azimuth_deg.to_radians().sin_cos();
    let g_col = (model.gradient_k / diag * sa) as f32;
    let g_row = (-model.gradient_k / diag * ca) as f32;
    let (rc, cc) = (rows as f32 / 2.0, cols as f32 / 2.0);
    let lapse = (model.lapse_k_per_km / 1000.0) as f32;
    let base = model.base_k as f32;
    let water_delta = model.water_delta_k as f32;
    let sigma = model.noise_sigma_k as f32;
    let solar = model.solar_k as f32;
    let sun = sun_vector(model.sun_elevation_deg, model.sun_azimuth_deg);
    let flat = sun[2];
    let pixel_m = p.pixel_m as f32;

    let mut temperature_k = Array2::<f32>::zeros((rows, cols));
    let mut qa = Array2::<u16>::zeros((rows, cols));
    temperature_k
        .axis_iter_mut(Axis(0))
        .into_par_iter()
        .zip(qa.axis_iter_mut(Axis(0)).into_par_iter())
        .enumerate()
        .for_each_init(
            || RowScratch::new(cols),
            |s, (r, (mut t_row, mut q_row))| {
                s.reset();
                texture_f.add_row(r, &texture_cols, &mut s.texture, &mut s.comb);
                spots.add_row(r, &mut s.texture);
                if let Some(l) = &lakes {
                    l.mark_row(r, &mut s.water, &mut s.shore);
                }
                if let Some(f) = &fill {
                    f.mark_row(r, rows, &mut s.fill);
                }
                let regional_r = base + g_row * (r as f32 + 0.5 - rc);
                for c in 0..cols {
                    let (n0, n1) = normal_pair(hash2(noise_seed, r as u64, (c / 2) as u64));
                    let noise = sigma * if c % 2 == 0 { n0 } else { n1 } as f32;
                    let regional = regional_r + g_col * (c as f32 + 0.5 - cc);
                    let (t, q) = if s.fill[c] {
                        (f32::NAN, QA_FILL)
                    } else if s.water[c] {
                        (regional - water_delta + noise, QA_WATER)
                    } else {
                        let mut t = regional + lapse * dem[[r, c]] + s.texture[c] + noise;
                        if day {
                            let ci = cos_incidence(&dem, r, c, pixel_m, sun);
                            t += solar * (ci.max(0.0) - flat);
                        }
                        (t, QA_CLEAR)
                    };
                    t_row[c] = t;
                    q_row[c] = q;
                }
            },
        );
    let valid = Zip::from(&qa).par_map_collect(|&q| q == QA_CLEAR);
    Background {
        temperature_k,
        qa,
        valid,
        model,
        lakes: lakes.map(|l| l.lakes).unwrap_or_default(),
        fill,
        dem_m: (p.swir && day).then_some(dem),
    }
}

struct RowScratch {
    texture: Vec<f32>,
    comb: Vec<f32>,
    water: Vec<bool>,
    fill: Vec<bool>,
    shore: (Vec<f32>, Vec<f32>),
}

impl RowScratch {
    fn new(cols: usize) -> Self {
        Self {
            texture: vec![0.0; cols],
            comb: Vec::new(),
            water: vec![false; cols],
            fill: vec![false; cols],
            shore: (Vec::new(), Vec::new()),
        }
    }

    fn reset(&mut self) {
        self.texture.fill(0.0);
        self.water.fill(false);
        self.fill.fill(false);
    }
}

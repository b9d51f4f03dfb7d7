//! Optional OLI bands 1–7 for a daytime generated scene: a plausible surface (bare soil and
//! rock, sparse vegetation, dark coal spoil, water) lit over the same DEM as the thermal
//! background. There is **no fire signal** in them: subsurface coal fires heat the ground by a
//! few to a few tens of kelvin, far too little to emit measurably at 1.6–2.2 µm (at 2.2 µm a
//! 320 K blackbody emits under 0.1 % of the sunlight a 0.25-reflectance surface reflects;
//! emission only equals it near 500 K), so the SWIR bands of a planted object are those of the
//! ground around it.

use ndarray::{Array2, Axis};
use rayon::prelude::*;

use super::dn::oli_dn_sin;
use super::noise::Fractal;
use super::qa::{QA_FILL, QA_WATER};
use super::rng::{SplitMix64, approx_normal, hash3};
use super::terrain::{cos_incidence, stream, sun_vector};

/// Sun-corrected TOA reflectance of each cover in OLI bands 1–7.
const SOIL: [f32; 7] = [0.13, 0.12, 0.13, 0.16, 0.22, 0.28, 0.24];
const VEGETATION: [f32; 7] = [0.10, 0.08, 0.08, 0.06, 0.30, 0.17, 0.09];
const COAL: [f32; 7] = [0.09, 0.08, 0.07, 0.07, 0.09, 0.11, 0.10];
const WATER: [f32; 7] = [0.11, 0.09, 0.07, 0.05, 0.03, 0.015, 0.01];
/// Per-band reflectance noise (standard deviation; near-Gaussian, see `approx_normal`).
const NOISE: f64 = 0.002;

/// DN bands 1–7 (index 0 is B1). `dem_m` is the DEM of the thermal background, `qa` its QA
/// band (fill and water follow it).
pub(crate) fn oli_bands(
    seed: u64,
    dem_m: &Array2<f32>,
    qa: &Array2<u16>,
    pixel_m: f64,
    sun_elevation_deg: f64,
    sun_azimuth_deg: f64,
) -> Vec<Array2<u16>> {
    let (rows, cols) = dem_m.dim();
    let mut rng = SplitMix64::stream(seed, stream::SWIR);
    let veg = Fractal::power_law(&mut rng, 256.0, 4.0, 0.7, 1.0);
    let coal = Fractal::power_law(&mut rng, 128.0, 2.0, 0.6, 1.0);
    let noise_seed = rng.next_u64();
    let (veg_cols, coal_cols) = (veg.columns(cols), coal.columns(cols));
    let sun = sun_vector(sun_elevation_deg, sun_azimuth_deg);
    let flat = sun[2].max(1e-3);
    let sin_elev = sun_elevation_deg.to_radians().sin();
    let pixel_m = pixel_m as f32;
    let mut bands: Vec<Array2<u16>> = (0..7).map(|_| Array2::zeros((rows, cols))).collect();
    // One pass over rows writing all seven bands: gather row views per band.
    let mut rows_of: Vec<Vec<ndarray::ArrayViewMut1<u16>>> =
        (0..rows).map(|_| Vec::new()).collect();
    for band in &mut bands {
        for (r, row) in band.axis_iter_mut(Axis(0)).enumerate() {
            rows_of[r].push(row);
        }
    }
    rows_of.par_iter_mut().enumerate().for_each_init(
        || (vec![0f32; cols], vec![0f32; cols], Vec::new()),
        |(v, k, comb), (r, out)| {
            v.fill(0.0);
            k.fill(0.0);
            veg.add_row(r, &veg_cols, v, comb);
            coal.add_row(r, &coal_cols, k, comb);
            for c in 0..cols {
                let q = qa[[r, c]];
                if q == QA_FILL {
                    continue;
                }
                let mut rho = [0f32; 7];
                if q == QA_WATER {
                    rho = WATER;
                } else {
                    let fv = (0.35 + 0.25 * v[c]).clamp(0.0, 0.9);
                    let fk = (0.5 * k[c] - 0.4).clamp(0.0, 0.6) * (1.0 - fv);
                    let fs = 1.0 - fv - fk;
                    let light = cos_incidence(dem_m, r, c, pixel_m, sun).max(0.05) / flat;
                    for (b, x) in rho.iter_mut().enumerate() {
                        *x = light * (fs * SOIL[b] + fv * VEGETATION[b] + fk * COAL[b]);
                    }
                }
                for (b, row) in out.iter_mut().enumerate() {
                    let z = approx_normal(hash3(noise_seed, r as u64, c as u64, b as u64));
                    let x = f64::from(rho[b]) + NOISE * f64::from(z);
                    row[c] = oli_dn_sin(x, sin_elev);
                }
            }
        },
    );
    drop(rows_of);
    bands
}

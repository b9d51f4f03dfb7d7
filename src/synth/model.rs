//! The physical constants of a generated background, drawn per scene from the seed within the
//! ranges of its preset (see `docs/synth.md` for the reasoning behind each range).

use serde::Serialize;

use super::Preset;
use super::rng::SplitMix64;

/// Environmental lapse rate, K per metre (−6.5 K/km, ICAO standard atmosphere): surface
/// temperature follows air temperature down with height.
pub const LAPSE_K_PER_M: f64 = -0.0065;

/// What one generated background is made of. Recorded in `synth.json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BackgroundModel {
    pub preset: Preset,
    /// Scene-mean land temperature, K.
    pub base_k: f64,
    /// Regional gradient: total change across the scene diagonal, K, and its direction
    /// (degrees clockwise from north, towards warmer).
    pub gradient_k: f64,
    pub gradient_azimuth_deg: f64,
    /// Standard deviation of the large-scale relief (DEM octaves of 2048 down to 64 px,
    /// amplitude ∝ cell), m.
    pub relief_std_m: f64,
    /// Standard deviation of the slope (rise over run, along one axis) of the small-scale rough
    /// terrain (DEM octaves of 32 down to 2 px, amplitude ∝ cell^0.8); 0 for smooth terrain.
    pub roughness_slope: f64,
    pub lapse_k_per_km: f64,
    /// Standard deviation of the land-cover texture (emissivity, moisture, vegetation), K.
    pub texture_std_k: f64,
    /// Solar heating of a surface facing the sun relative to flat ground, K per unit of
    /// `cos(i) - sin(elevation)`; 0 at night.
    pub solar_k: f64,
    pub sun_elevation_deg: f64,
    pub sun_azimuth_deg: f64,
    /// Gaussian sensor noise (NEdT), K.
    pub noise_sigma_k: f64,
    /// How much colder open water is than the land around it, K.
    pub water_delta_k: f64,
}

impl BackgroundModel {
    /// Draws the model of a scene of `preset` from `rng`.
    pub fn draw(preset: Preset, rng: &mut SplitMix64) -> Self {
        let gradient_k = rng.uniform(1.0, 4.0);
        let gradient_azimuth_deg = rng.uniform(0.0, 360.0);
        match preset {
            Preset::Night => Self {
                preset,
                base_k: rng.uniform(282.0, 290.0),
                gradient_k,
                gradient_azimuth_deg,
                relief_std_m: rng.uniform(60.0, 120.0),
                roughness_slope: 0.0,
                lapse_k_per_km: LAPSE_K_PER_M * 1000.0,
                texture_std_k: rng.uniform(0.15, 0.3),
                solar_k: 0.0,
                sun_elevation_deg: rng.uniform(-40.0, -25.0),
                sun_azimuth_deg: rng.uniform(290.0, 320.0),
                noise_sigma_k: rng.uniform(0.1, 0.2),
                water_delta_k: rng.uniform(5.0, 10.0),
            },
            Preset::Day => Self {
                preset,
                base_k: rng.uniform(292.0, 300.0),
                gradient_k,
                gradient_azimuth_deg,
                relief_std_m: rng.uniform(100.0, 160.0),
                roughness_slope: rng.uniform(0.18, 0.28),
                lapse_k_per_km: LAPSE_K_PER_M * 1000.0,
                texture_std_k: rng.uniform(0.5, 1.0),
                solar_k: rng.uniform(10.0, 16.0),
                sun_elevation_deg: rng.uniform(42.0, 48.0),
                sun_azimuth_deg: rng.uniform(128.0, 142.0),
                noise_sigma_k: rng.uniform(0.3, 0.6),
                water_delta_k: rng.uniform(8.0, 14.0),
            },
        }
    }
}

//! DN → physical units. Pure functions over arrays; reading and writing happen in
//! [`crate::stage`]. See `docs/calibration.md` for formulas, constants and sources.

pub mod constants;
mod lst;
mod optical;
mod qa;
mod thermal;
mod water;

pub use lst::{emissivity_ndvi_threshold, land_surface_temperature, lst_single_channel_k};
pub use optical::dn_to_reflectance;
pub use qa::{QaLayout, qa_mask};
pub use thermal::{
    GenericRequest, GenericThermal, GenericUnit, InputUnit, RequestError, dn_to_bt_k, dn_to_st_k,
    generic_to_bt_k, radiance_to_bt_k,
};
pub use water::{is_water, water_mask};

/// The physical quantity a calibrated raster holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Quantity {
    /// At-sensor brightness temperature, K.
    BrightnessTemperature,
    /// Level-2 surface temperature, K.
    SurfaceTemperature,
    /// Land-surface temperature from BT with NDVI emissivity, K.
    LandSurfaceTemperature,
    /// Top-of-atmosphere reflectance (sun-corrected), unitless.
    ToaReflectance,
    /// Level-2 surface reflectance, unitless.
    SurfaceReflectance,
}

impl Quantity {
    /// Short human label.
    pub fn label(self) -> &'static str {
        match self {
            Quantity::BrightnessTemperature => "brightness temperature (K)",
            Quantity::SurfaceTemperature => "surface temperature (K)",
            Quantity::LandSurfaceTemperature => "land-surface temperature (K)",
            Quantity::ToaReflectance => "TOA reflectance",
            Quantity::SurfaceReflectance => "surface reflectance",
        }
    }
}

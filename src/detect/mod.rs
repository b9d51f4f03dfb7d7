//! Anomaly detection: thermal anomalies against background statistics (`contextual`, `ksigma`,
//! `otsu`, `multiscale`), daytime active fire in OLI SWIR (`swir`), and 8-connected fire zones.
//! Pure computations over arrays; see `docs/detection.md`.

pub mod accuracy;
pub mod budget;
pub mod cluster;
pub mod config;
pub mod contextual;
pub mod ksigma;
pub mod multiscale;
pub mod object_outcome;
pub mod otsu;
pub mod params;
pub mod plausible;
pub mod preset;
pub mod robust;
pub mod scene_histogram;
pub mod shore;
pub mod sparse_zones;
pub mod stitch;
pub mod streamed;
pub mod strip;
pub mod swir;
pub mod test_buffers;
mod union_find;
pub mod window;
pub mod window_direct;
pub mod window_exact;
pub mod window_running;

use ndarray::Array2;
use serde::Serialize;

/// Confidence classes of the anomaly layer (`anomaly.tif`).
pub mod confidence {
    /// No anomaly.
    pub const NONE: u8 = 0;
    pub const LOW: u8 = 1;
    pub const NOMINAL: u8 = 2;
    pub const HIGH: u8 = 3;
    /// Not processed: nodata, cloud, water, outside the AOI (the layer's nodata value).
    pub const NOT_PROCESSED: u8 = 255;

    /// FIRMS-style letter: `l`, `n`, `h`.
    pub fn letter(c: u8) -> &'static str {
        match c {
            LOW => "l",
            NOMINAL => "n",
            HIGH => "h",
            _ => "",
        }
    }
}

/// A detection method, selectable by name.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// Per-pixel z test against a local background (detection.md §1).
    Contextual,
    /// Landsat 8/9 OLI daytime active fire (Schroeder et al. 2016; detection.md §2).
    Swir,
    /// Scene/AOI-wide `mean + k·std` threshold.
    Ksigma,
    /// Otsu's histogram threshold.
    Otsu,
    /// Votes of a background test over several scales.
    Multiscale,
}

impl Method {
    /// The method's name as used on the command line and in outputs.
    pub fn name(self) -> &'static str {
        match self {
            Method::Contextual => "contextual",
            Method::Swir => "swir",
            Method::Ksigma => "ksigma",
            Method::Otsu => "otsu",
            Method::Multiscale => "multiscale",
        }
    }
}

/// One flagged pixel and the evidence behind it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Flagged {
    pub row: usize,
    pub col: usize,
    /// The tested value: temperature in K for thermal methods, ρ7 for `swir`.
    pub value: f32,
    /// Background mean of the tested quantity (K for thermal methods).
    pub bg_mean: f32,
    /// Background population standard deviation.
    pub bg_std: f32,
    /// `(value - bg_mean) / max(bg_std, floor)`; NaN when the method has no z.
    pub z: f32,
    /// Side of the background window in pixels (0 for scene-wide methods).
    pub window_px: u32,
    /// Number of background pixels used.
    pub n_background: u32,
    /// [`confidence`] class.
    pub confidence: u8,
    pub method: Method,
}

impl Flagged {
    /// `value - bg_mean` (K for thermal methods).
    pub fn delta(&self) -> f32 {
        self.value - self.bg_mean
    }
}

/// Pixel counts of one run, for `detection.json`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DetectionStats {
    /// Pixels the method could test.
    pub valid: usize,
    /// Pixels that passed the candidate stage.
    pub candidates: usize,
    /// Pixels flagged.
    pub flagged: usize,
    /// Candidates left untested because no background window qualified.
    pub unresolved: usize,
}

/// The result of one method on one raster.
#[derive(Debug, Clone)]
pub struct Detection {
    pub method: Method,
    /// Per-pixel class: [`confidence`] values, `NOT_PROCESSED` where the input was invalid.
    pub classes: Array2<u8>,
    /// Flagged pixels in row-major order.
    pub flagged: Vec<Flagged>,
    pub stats: DetectionStats,
}

/// The starting class layer of a thermal method: `NONE` where `t` is a number and `valid`
/// holds, `NOT_PROCESSED` elsewhere.
pub fn initial_classes(t: &Array2<f32>, valid: &Array2<bool>) -> Array2<u8> {
    ndarray::Zip::from(t).and(valid).par_map_collect(|v, &ok| {
        if ok && !v.is_nan() {
            confidence::NONE
        } else {
            confidence::NOT_PROCESSED
        }
    })
}

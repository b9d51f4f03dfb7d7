//! Window sizes that fit the data: the shipped defaults are sized for 30–100 m satellite pixels
//! (a 930 m candidate window, backgrounds up to 3 km); on a 0.25 m drone mosaic those are 3721-
//! and 12121-pixel windows, far larger than the vents, cracks and outcrop strips a drone survey
//! resolves, and a halo that defeats streaming. The `drone` preset gives windows of metres to
//! tens of metres, chosen automatically below [`DRONE_MAX_PIXEL_M`] (see docs/detection.md,
//! "Drone preset"). Pure: a function from pixel size to window sizes in metres; the caller
//! overrides any value the user set explicitly.

/// Pixels up to this size (metres) get the drone preset: airborne and UAV thermal cameras give
/// 0.05–2 m; the finest spaceborne thermal bands are 30 m (Landsat, resampled) and 90 m (ASTER).
pub const DRONE_MAX_PIXEL_M: f64 = 5.0;

/// Window sizes in metres for one pixel size (the fields mirror the window parameters of the
/// `contextual` and `multiscale` configuration sections).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct WindowPreset {
    /// `"drone"` or `"satellite"`.
    pub name: &'static str,
    pub contextual_candidate_window_m: f64,
    pub contextual_min_window_m: f64,
    pub contextual_max_window_m: f64,
    pub multiscale_scales_m: Vec<f64>,
    pub multiscale_window_m: f64,
    pub multiscale_max_window_m: f64,
}

/// The shipped satellite windows (detection.md §1, `ContextualParams::default`,
/// `MultiscaleParams::default`).
pub fn satellite() -> WindowPreset {
    WindowPreset {
        name: "satellite",
        contextual_candidate_window_m: 930.0,
        contextual_min_window_m: 330.0,
        contextual_max_window_m: 3030.0,
        multiscale_scales_m: vec![30.0, 90.0, 150.0],
        multiscale_window_m: 930.0,
        multiscale_max_window_m: 3030.0,
    }
}

/// The drone windows for `pixel_m` (metres). Targets, from field descriptions of coal-fire
/// surfaces (cracks 0.1–1 m wide, vents 0.3–3 m across, hot outcrop strips a few metres wide,
/// fire zones tens to hundreds of metres): candidate window 15 m, background windows 5–30 m,
/// multiscale boxes 0.5, 1.5 and 4 m. Each window keeps at least as many pixels as the
/// satellite preset has at 30 m (candidate 31 px, backgrounds 11–101 px, boxes 1–5 px), so
/// coarse airborne pixels (2–5 m) still get usable statistics.
pub fn drone(pixel_m: f64) -> WindowPreset {
    let at_least = |m: f64, px: f64| m.max(px * pixel_m);
    WindowPreset {
        name: "drone",
        contextual_candidate_window_m: at_least(15.0, 31.0),
        contextual_min_window_m: at_least(5.0, 11.0),
        contextual_max_window_m: at_least(30.0, 101.0),
        multiscale_scales_m: vec![at_least(0.5, 1.0), at_least(1.5, 3.0), at_least(4.0, 5.0)],
        multiscale_window_m: at_least(15.0, 31.0),
        multiscale_max_window_m: at_least(30.0, 101.0),
    }
}

/// The preset chosen automatically for `pixel_m`: drone windows up to [`DRONE_MAX_PIXEL_M`],
/// satellite windows above.
pub fn for_pixel_size(pixel_m: f64) -> WindowPreset {
    if pixel_m <= DRONE_MAX_PIXEL_M {
        drone(pixel_m)
    } else {
        satellite()
    }
}

/// Which window preset a run uses (TOML `[detect] windows`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WindowChoice {
    /// Drone windows for pixels up to [`DRONE_MAX_PIXEL_M`], satellite windows above.
    #[default]
    Auto,
    /// The shipped satellite windows whatever the pixel size.
    Satellite,
    /// Drone windows whatever the pixel size.
    Drone,
}

/// The configuration a raster of `pixel_m` metres is detected with: `cfg` with the window sizes
/// of the chosen preset. Window keys the user set (any value other than the shipped satellite
/// default) are kept: the preset replaces defaults, never choices.
pub fn effective(
    cfg: &crate::detect::config::DetectConfig,
    pixel_m: f64,
) -> (crate::detect::config::DetectConfig, &'static str) {
    let preset = match cfg.windows {
        WindowChoice::Auto => for_pixel_size(pixel_m),
        WindowChoice::Satellite => satellite(),
        WindowChoice::Drone => drone(pixel_m),
    };
    let sat = satellite();
    let mut out = cfg.clone();
    let keep_or = |v: f64, default: f64, preset: f64| if v == default { preset } else { v };
    let c = &mut out.contextual;
    c.candidate_window_m = keep_or(
        c.candidate_window_m,
        sat.contextual_candidate_window_m,
        preset.contextual_candidate_window_m,
    );
    c.min_window_m = keep_or(
        c.min_window_m,
        sat.contextual_min_window_m,
        preset.contextual_min_window_m,
    );
    c.max_window_m = keep_or(
        c.max_window_m,
        sat.contextual_max_window_m,
        preset.contextual_max_window_m,
    );
    let m = &mut out.multiscale;
    if m.scales_m == sat.multiscale_scales_m {
        m.scales_m = preset.multiscale_scales_m.clone();
    }
    m.window_m = keep_or(
        m.window_m,
        sat.multiscale_window_m,
        preset.multiscale_window_m,
    );
    m.max_window_m = keep_or(
        m.max_window_m,
        sat.multiscale_max_window_m,
        preset.multiscale_max_window_m,
    );
    (out, preset.name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::config::DetectConfig;
    use crate::detect::params::window_px;

    #[test]
    fn the_preset_replaces_defaults_but_not_choices() {
        let (cfg, name) = effective(&DetectConfig::default(), 0.25);
        assert_eq!(name, "drone");
        assert_eq!(cfg.contextual.candidate_window_m, 15.0);
        assert_eq!(cfg.contextual.max_window_m, 30.0);
        assert_eq!(cfg.multiscale.scales_m, [0.5, 1.5, 4.0]);
        let mut mine = DetectConfig::default();
        mine.contextual.max_window_m = 50.0;
        let (cfg, _) = effective(&mine, 0.25);
        assert_eq!(cfg.contextual.max_window_m, 50.0, "the user's value stays");
        assert_eq!(cfg.contextual.min_window_m, 5.0);
        let (cfg, name) = effective(&DetectConfig::default(), 30.0);
        assert_eq!(name, "satellite");
        assert_eq!(cfg, DetectConfig::default());
        mine.windows = WindowChoice::Satellite;
        let (cfg, name) = effective(&mine, 0.25);
        assert_eq!((name, cfg.contextual.min_window_m), ("satellite", 330.0));
    }

    #[test]
    fn drone_windows_at_a_quarter_metre() {
        let p = for_pixel_size(0.25);
        assert_eq!(p.name, "drone");
        // 15 m / 0.25 m = 60 → 61 px; 5 m → 21 px; 30 m → 121 px (window_px: 2·floor(m/2p)+1).
        assert_eq!(window_px(p.contextual_candidate_window_m, 0.25), 61);
        assert_eq!(window_px(p.contextual_min_window_m, 0.25), 21);
        assert_eq!(window_px(p.contextual_max_window_m, 0.25), 121);
        assert_eq!(p.multiscale_scales_m, [0.5, 1.5, 4.0]);
    }

    #[test]
    fn coarse_airborne_pixels_keep_satellite_pixel_counts() {
        // 2 m: 31 px x 2 m = 62 m > 15 m, 101 px x 2 m = 202 m > 30 m.
        let p = drone(2.0);
        assert_eq!(p.contextual_candidate_window_m, 62.0);
        assert_eq!(window_px(p.contextual_candidate_window_m, 2.0), 31);
        assert_eq!(window_px(p.contextual_min_window_m, 2.0), 11);
        assert_eq!(window_px(p.contextual_max_window_m, 2.0), 101);
        assert_eq!(p.multiscale_scales_m, [2.0, 6.0, 10.0]);
    }

    #[test]
    fn satellite_pixels_keep_the_shipped_defaults() {
        assert_eq!(for_pixel_size(30.0), satellite());
        assert_eq!(for_pixel_size(5.0).name, "drone");
        assert_eq!(for_pixel_size(5.01).name, "satellite");
        let d = crate::detect::contextual::ContextualParams::default();
        let s = satellite();
        assert_eq!(
            (d.candidate_window_m, d.min_window_m, d.max_window_m),
            (
                s.contextual_candidate_window_m,
                s.contextual_min_window_m,
                s.contextual_max_window_m
            )
        );
        let m = crate::detect::multiscale::MultiscaleParams::default();
        assert_eq!(
            (m.scales_m, m.window_m, m.max_window_m),
            (
                s.multiscale_scales_m,
                s.multiscale_window_m,
                s.multiscale_max_window_m
            )
        );
    }
}

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
/// `MultiscaleParams::default`), as metres: what a 30–100 m grid uses.
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

/// Pixel-count floors of the satellite windows on coarse grids: candidate window 9 px, background
/// windows from 5 px (a 16-pixel ring around the 3 x 3 guard box) up to 21 px, the largest
/// window of the MODIS and VIIRS active-fire contextual tests (Giglio et al. 2003, 2016;
/// Schroeder et al. 2014). In metres the satellite windows give 3 px everywhere at 900 m, and a
/// 3 x 3 window minus its 3 x 3 guard box holds no background: nothing could be found. The floors
/// bind only where the metre sizes give fewer pixels: the candidate window above 103 m, the
/// smallest background above 82 m, the largest above 144 m; 30–70 m grids are unchanged.
pub const SATELLITE_FLOOR_PX: SatelliteFloors = SatelliteFloors {
    candidate: 9.0,
    min_background: 5.0,
    max_background: 21.0,
};

/// See [`SATELLITE_FLOOR_PX`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SatelliteFloors {
    pub candidate: f64,
    pub min_background: f64,
    pub max_background: f64,
}

/// The satellite windows for `pixel_m`: [`satellite`] with the [`SATELLITE_FLOOR_PX`] floors.
pub fn satellite_for(pixel_m: f64) -> WindowPreset {
    let f = SATELLITE_FLOOR_PX;
    let at_least = |m: f64, px: f64| m.max(px * pixel_m);
    let s = satellite();
    WindowPreset {
        name: "satellite",
        contextual_candidate_window_m: at_least(s.contextual_candidate_window_m, f.candidate),
        contextual_min_window_m: at_least(s.contextual_min_window_m, f.min_background),
        contextual_max_window_m: at_least(s.contextual_max_window_m, f.max_background),
        multiscale_scales_m: s.multiscale_scales_m,
        multiscale_window_m: at_least(s.multiscale_window_m, f.candidate),
        multiscale_max_window_m: at_least(s.multiscale_max_window_m, f.max_background),
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
/// satellite windows (with their pixel-count floors) above.
pub fn for_pixel_size(pixel_m: f64) -> WindowPreset {
    if pixel_m <= DRONE_MAX_PIXEL_M {
        drone(pixel_m)
    } else {
        satellite_for(pixel_m)
    }
}

/// Which window preset a run uses (TOML `[detect] windows`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WindowChoice {
    /// Drone windows for pixels up to [`DRONE_MAX_PIXEL_M`], satellite windows above.
    #[default]
    Auto,
    /// The satellite windows whatever the pixel size (with their pixel-count floors).
    Satellite,
    /// Drone windows whatever the pixel size.
    Drone,
}

/// The configuration a raster of `pixel_m` metres is detected with: `cfg` with the window sizes
/// of the chosen preset. Window keys the user set (in the TOML table or with `--param`, whatever
/// the value: `DetectConfig::explicit`) are kept: the preset replaces defaults, never choices.
pub fn effective(
    cfg: &crate::detect::config::DetectConfig,
    pixel_m: f64,
) -> (crate::detect::config::DetectConfig, &'static str) {
    let preset = match cfg.windows {
        WindowChoice::Auto => for_pixel_size(pixel_m),
        WindowChoice::Satellite => satellite_for(pixel_m),
        WindowChoice::Drone => drone(pixel_m),
    };
    let mut out = cfg.clone();
    let set = |target: &mut f64, key: &str, value: f64| {
        if !cfg.is_explicit(key) {
            *target = value;
        }
    };
    let c = &mut out.contextual;
    set(
        &mut c.candidate_window_m,
        "contextual.candidate_window_m",
        preset.contextual_candidate_window_m,
    );
    set(
        &mut c.min_window_m,
        "contextual.min_window_m",
        preset.contextual_min_window_m,
    );
    set(
        &mut c.max_window_m,
        "contextual.max_window_m",
        preset.contextual_max_window_m,
    );
    let m = &mut out.multiscale;
    if !cfg.is_explicit("multiscale.scales_m") {
        m.scales_m = preset.multiscale_scales_m.clone();
    }
    set(
        &mut m.window_m,
        "multiscale.window_m",
        preset.multiscale_window_m,
    );
    set(
        &mut m.max_window_m,
        "multiscale.max_window_m",
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
        let mut mine =
            DetectConfig::with_overrides(&["contextual.max_window_m=50".into()]).unwrap();
        let (cfg, _) = effective(&mine, 0.25);
        assert_eq!(cfg.contextual.max_window_m, 50.0, "the user's value stays");
        assert_eq!(cfg.contextual.min_window_m, 5.0);
        // A value the user set equal to the satellite default is still the user's choice.
        let same =
            DetectConfig::with_overrides(&["contextual.candidate_window_m=930".into()]).unwrap();
        let (cfg, _) = effective(&same, 0.25);
        assert_eq!(cfg.contextual.candidate_window_m, 930.0);
        assert_eq!(cfg.contextual.max_window_m, 30.0);
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
    fn coarse_satellite_grids_keep_usable_pixel_counts() {
        // 900 m (a decimated Landsat scene): the metre windows give 3 px everywhere.
        assert_eq!(window_px(930.0, 900.0), 3);
        let p = for_pixel_size(900.0);
        assert_eq!(p.name, "satellite");
        assert_eq!(window_px(p.contextual_candidate_window_m, 900.0), 9);
        assert_eq!(window_px(p.contextual_min_window_m, 900.0), 5);
        assert_eq!(window_px(p.contextual_max_window_m, 900.0), 21);
        assert_eq!(window_px(p.multiscale_max_window_m, 900.0), 21);
        // 100 m (Landsat TIRS native): only the smallest background window is raised (3 → 5 px).
        let p = for_pixel_size(100.0);
        assert_eq!(window_px(p.contextual_candidate_window_m, 100.0), 9);
        assert_eq!(window_px(p.contextual_min_window_m, 100.0), 5);
        assert_eq!(window_px(p.contextual_max_window_m, 100.0), 31);
        // 70 m (ECOSTRESS): window pixel counts as the metre sizes give them (13, 5, 43).
        let p = for_pixel_size(70.0);
        let s = satellite();
        for (a, b) in [
            (
                p.contextual_candidate_window_m,
                s.contextual_candidate_window_m,
            ),
            (p.contextual_min_window_m, s.contextual_min_window_m),
            (p.contextual_max_window_m, s.contextual_max_window_m),
        ] {
            assert_eq!(window_px(a, 70.0), window_px(b, 70.0));
        }
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

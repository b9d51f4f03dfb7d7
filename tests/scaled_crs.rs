//! `seamfire detect` on a grid whose CRS units are not ground metres: Web Mercator (EPSG:3857,
//! as drone-mapping services export orthomosaics) at 45° N, where a map metre is 0.71 ground
//! metres. Windows, areas, perimeters and distances are ground metres (the CRS's scale at the
//! grid's centre, `Georef::ground_m_per_unit`), so the scene gives what the same pixels give
//! on a UTM grid of the same ground size (docs/outputs.md, "Distances on geographic grids").
//!
//! The scene is made here: 60 x 60 Float32 pixels in kelvin at 300 K with a 3 x 3 block at
//! 312 K (rows and columns 10–12) and one 315 K pixel (row 40, column 40), written twice:
//! on EPSG:3857 with square map pixels of `D_MAP` units whose centre is at 45° N, 3° E, and on
//! UTM zone 31N (EPSG:32631, central meridian 3° E, scale 0.9996) with 30 m pixels.
//!
//! Expected ground scale, independently of GDAL and of the code under test: EPSG:3857 maps
//! longitude λ to `x = a·λ` and latitude φ to `y = a·ln tan(π/4 + φ/2)` on the WGS84 axis
//! `a`; a ground step east is `N(φ)·cos φ·dλ` and north `M(φ)·dφ` (radii of curvature
//! `N = a/W`, `M = a(1 − e²)/W³`, `W = √(1 − e² sin² φ)`), so ground metres per map unit are
//! `kx = cos φ / W` and `ky = (1 − e²)·cos φ / W³`.

mod common;

use std::path::{Path, PathBuf};

use common::{read_json, run_ok, seamfire};
use seamfire::raster::{GeoTransform, Georef, Raster, Unit};
use serde_json::Value;

const A: f64 = 6_378_137.0;
const E2: f64 = 0.006_694_379_990_14;
const LAT: f64 = 45.0;
/// Map units per pixel on EPSG:3857: 30 m of ground at 45° N is about 42.4 units.
const D_MAP: f64 = 42.4;

fn ground_scale(lat_deg: f64) -> (f64, f64) {
    let phi = lat_deg.to_radians();
    let w = (1.0 - E2 * phi.sin().powi(2)).sqrt();
    (phi.cos() / w, (1.0 - E2) * phi.cos() / w.powi(3))
}

fn temperatures() -> ndarray::Array2<f32> {
    let mut t = ndarray::Array2::from_elem((60, 60), 300f32);
    for r in 10..=12 {
        for c in 10..=12 {
            t[[r, c]] = 312.0;
        }
    }
    t[[40, 40]] = 315.0;
    t
}

fn write(dir: &Path, name: &str, epsg: u32, transform: [f64; 6]) -> PathBuf {
    let raster = Raster {
        data: temperatures(),
        georef: Georef {
            transform: GeoTransform(transform),
            crs_wkt: gdal::spatial_ref::SpatialRef::from_epsg(epsg)
                .unwrap()
                .to_wkt()
                .unwrap(),
            epsg: Some(epsg),
            ground_m_per_unit: None,
        },
        nodata: None,
        unit: Unit::Kelvin,
    };
    let path = dir.join(name);
    seamfire::io::write_cog(&raster, &path, &Default::default()).unwrap();
    path
}

/// The Web Mercator scene, centred on (3° E, 45° N).
fn mercator(dir: &Path) -> PathBuf {
    let cx = A * 3f64.to_radians();
    let cy = A
        * (std::f64::consts::FRAC_PI_4 + LAT.to_radians() / 2.0)
            .tan()
            .ln();
    let half = 30.0 * D_MAP;
    write(
        dir,
        "mercator.tif",
        3857,
        [cx - half, D_MAP, 0.0, cy + half, 0.0, -D_MAP],
    )
}

/// The UTM twin: 30 m pixels, near the central meridian at 45° N.
fn utm(dir: &Path) -> PathBuf {
    write(
        dir,
        "utm.tif",
        32631,
        [499_100.0, 30.0, 0.0, 4_984_900.0, 0.0, -30.0],
    )
}

fn detect(scene: &Path, out: &Path) -> (Value, Vec<Value>) {
    run_ok(
        seamfire()
            .arg("detect")
            .arg(scene)
            .args(["--products", "none", "--out"])
            .arg(out),
    );
    let zones = read_json(&out.join("fire_zones.geojson"))["features"]
        .as_array()
        .unwrap()
        .clone();
    (read_json(&out.join("detection.json")), zones)
}

fn prop(z: &Value, key: &str) -> f64 {
    z["properties"][key].as_f64().unwrap()
}

#[test]
fn web_mercator_measures_are_ground_metres() {
    let dir = tempfile::tempdir().unwrap();
    let (kx, ky) = ground_scale(LAT);
    // The centre pixel's latitude is LAT to within half a pixel: the scale moves by
    // tan φ · 21 m / 6.4e6 m ≈ 3e-6 across it.
    let (record, zones) = detect(&mercator(dir.path()), &dir.path().join("merc"));
    let pixel_m2 = D_MAP * kx * D_MAP * ky;
    let got = record["grid"]["pixel_area_m2"].as_f64().unwrap();
    assert!(
        (got / pixel_m2 - 1.0).abs() < 1e-4,
        "pixel area {got} m² vs {pixel_m2} m² (map units² × kx·ky; {} in map units²)",
        D_MAP * D_MAP
    );
    assert_eq!(zones.len(), 2, "{zones:?}");
    let (block, single) = (&zones[0], &zones[1]);
    assert_eq!(prop(block, "pixel_count"), 9.0);
    assert_eq!(prop(single, "pixel_count"), 1.0);
    for (z, n) in [(block, 9.0), (single, 1.0)] {
        let area = prop(z, "area_m2");
        assert!(
            (area / (n * pixel_m2) - 1.0).abs() < 1e-4,
            "{area} vs {n} px"
        );
    }
    // The 3 x 3 block's outline: 6 pixel sides along x and 6 along y.
    let perimeter = prop(block, "perimeter_m");
    let want = 6.0 * D_MAP * kx + 6.0 * D_MAP * ky;
    assert!(
        (perimeter / want - 1.0).abs() < 1e-4,
        "{perimeter} vs {want}"
    );

    // The same pixels on a UTM grid of 30 m: the same zones (the windows have the same pixel
    // sizes: 42.4 units × 0.7087 ≈ 30.05 m), areas within the two grids' ground sizes.
    let (_, utm_zones) = detect(&utm(dir.path()), &dir.path().join("utm"));
    assert_eq!(utm_zones.len(), 2);
    for (m, u) in zones.iter().zip(&utm_zones) {
        assert_eq!(prop(m, "pixel_count"), prop(u, "pixel_count"));
        assert_eq!(prop(m, "max_delta_k"), prop(u, "max_delta_k"));
        let ratio = prop(m, "area_m2") / prop(u, "area_m2");
        assert!((ratio - pixel_m2 / 900.0).abs() < 1e-4, "{ratio}");
    }
}

#[test]
fn the_crs_scale_is_found_where_it_matters_only() {
    // Independent of the detection: `io::geo::ground_scale` against the formulas above, and
    // UTM and geographic grids left alone.
    let dir = tempfile::tempdir().unwrap();
    let merc = seamfire::io::read_band::<f32>(&mercator(dir.path()), 1).unwrap();
    let (kx, ky) = merc
        .georef
        .ground_m_per_unit
        .expect("Web Mercator is scaled");
    let (ex, ey) = ground_scale(LAT);
    assert!((kx / ex - 1.0).abs() < 1e-5, "{kx} vs {ex}");
    assert!((ky / ey - 1.0).abs() < 1e-5, "{ky} vs {ey}");
    let utm = seamfire::io::read_band::<f32>(&utm(dir.path()), 1).unwrap();
    assert_eq!(
        utm.georef.ground_m_per_unit, None,
        "UTM: within 1 % of true scale"
    );
    // A state-plane grid in US survey feet (EPSG:2263, New York Long Island, around Manhattan):
    // a unit is 1200/3937 m, times the Lambert projection's scale there (within 1e-4 of 1).
    let feet = write(
        dir.path(),
        "feet.tif",
        2263,
        [990_000.0, 100.0, 0.0, 220_000.0, 0.0, -100.0],
    );
    let feet = seamfire::io::read_band::<f32>(&feet, 1).unwrap();
    let (fx, fy) = feet.georef.ground_m_per_unit.expect("feet are not metres");
    let us_ft = 1200.0 / 3937.0;
    for f in [fx, fy] {
        assert!((f / us_ft - 1.0).abs() < 1e-4, "{f} vs {us_ft}");
    }
    let geographic = seamfire::io::read_band::<f32>(
        &write(
            dir.path(),
            "lonlat.tif",
            4326,
            [2.9, 0.0004, 0.0, 45.1, 0.0, -0.0004],
        ),
        1,
    )
    .unwrap();
    assert_eq!(
        geographic.georef.ground_m_per_unit, None,
        "geographic grids are measured on the ellipsoid"
    );
}

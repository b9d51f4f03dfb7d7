//! Affine geotransform and CRS.

use serde::Serialize;

/// GDAL affine geotransform `[x0, dx, rx, y0, ry, dy]`.
///
/// `x0, y0` are the map coordinates of the top-left **corner** of pixel (0, 0); `dx` is the pixel
/// width, `dy` the pixel height (negative for north-up images), `rx, ry` rotation terms (0 for
/// north-up). Map coordinates are in the units of the CRS (metres for UTM).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct GeoTransform(pub [f64; 6]);

impl GeoTransform {
    /// Map coordinates of the top-left corner of pixel `(row, col)`; fractional indices allowed.
    pub fn pixel_to_map(&self, row: f64, col: f64) -> (f64, f64) {
        let g = &self.0;
        (
            g[0] + col * g[1] + row * g[2],
            g[3] + col * g[4] + row * g[5],
        )
    }

    /// Map coordinates of the centre of pixel `(row, col)`.
    pub fn pixel_centre(&self, row: usize, col: usize) -> (f64, f64) {
        self.pixel_to_map(row as f64 + 0.5, col as f64 + 0.5)
    }

    /// Pixel area in squared CRS units (m² for projected CRSs), from the determinant.
    pub fn pixel_area(&self) -> f64 {
        let g = &self.0;
        (g[1] * g[5] - g[2] * g[4]).abs()
    }

    /// Ground width and height (metres) of a pixel of row `row` (fractional allowed) of a
    /// grid in longitude/latitude degrees: the geodesic lengths on the WGS84 ellipsoid across
    /// the pixel through its centre (Karney 2013, via `geo::Geodesic`).
    pub fn geodesic_pixel_m(&self, row: f64) -> (f64, f64) {
        use geo::{Distance, Geodesic, Point};
        let at = |dr: f64, dc: f64| {
            let (x, y) = self.pixel_to_map(row + 0.5 + dr, 0.5 + dc);
            Point::new(x, y.clamp(-90.0, 90.0))
        };
        (
            Geodesic.distance(at(0.0, -0.5), at(0.0, 0.5)),
            Geodesic.distance(at(-0.5, 0.0), at(0.5, 0.0)),
        )
    }

    /// True when the image is north-up without rotation.
    pub fn is_north_up(&self) -> bool {
        self.0[2] == 0.0 && self.0[4] == 0.0 && self.0[5] < 0.0
    }

    /// Geotransform of a window starting at `(row_off, col_off)` of this grid.
    pub fn window(&self, row_off: usize, col_off: usize) -> GeoTransform {
        let (x, y) = self.pixel_to_map(row_off as f64, col_off as f64);
        let g = self.0;
        GeoTransform([x, g[1], g[2], y, g[4], g[5]])
    }

    /// Ok when both transforms agree to 1e-6 of a pixel; otherwise a description of the first
    /// difference.
    pub fn check_close(&self, other: &GeoTransform) -> Result<(), String> {
        let tol = 1e-6 * self.0[1].abs().max(self.0[5].abs()).max(1e-12);
        for (i, (a, b)) in self.0.iter().zip(other.0.iter()).enumerate() {
            if (a - b).abs() > tol {
                return Err(format!("geotransform[{i}] {a} vs {b}"));
            }
        }
        Ok(())
    }
}

/// Georeferencing of a grid: geotransform plus CRS as WKT (empty when the file has none).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Georef {
    pub transform: GeoTransform,
    /// OGC WKT of the CRS, as GDAL reports it.
    pub crs_wkt: String,
    /// EPSG code when the CRS has one.
    pub epsg: Option<u32>,
    /// Ground metres per CRS unit along the CRS's x and y axes, when the CRS is projected and its
    /// scale at the grid's centre differs from 1 by more than [`SCALE_TOLERANCE`] (Web Mercator
    /// away from the equator: `cos φ`, 0.87 at 30°, 0.71 at 45°); `None` for geographic grids
    /// (measured on the ellipsoid instead) and for projections close to true scale (UTM, whose
    /// scale stays within 0.9996–1.001 in its zone, is measured in its own metres as GIS do).
    /// Set by `io` from the CRS (`io::geo::ground_scale`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ground_m_per_unit: Option<(f64, f64)>,
}

/// A projected CRS's scale at a grid's centre is applied to its measures when it differs from 1
/// by more than this (1 %): Web Mercator and other far-from-true-scale grids, not UTM or national
/// transverse Mercator grids.
pub const SCALE_TOLERANCE: f64 = 0.01;

impl Georef {
    /// True when the CRS is geographic (longitude/latitude in degrees, e.g. EPSG:4326), where
    /// pixel sizes in CRS units are not lengths.
    pub fn is_geographic(&self) -> bool {
        let wkt = self.crs_wkt.trim_start();
        wkt.starts_with("GEOGCS[") || wkt.starts_with("GEOGCRS[") || wkt.starts_with("GEODCRS[")
    }

    /// Ground width and height (metres) of a pixel of row `row` (fractional allowed): the CRS
    /// units for projected grids (times [`Georef::ground_m_per_unit`] when set), the geodesic
    /// lengths on the WGS84 ellipsoid across the pixel at that row's latitude for geographic
    /// grids ([`GeoTransform::geodesic_pixel_m`]).
    pub fn ground_pixel_m(&self, row: f64) -> (f64, f64) {
        let g = &self.transform.0;
        if self.is_geographic() {
            return self.transform.geodesic_pixel_m(row);
        }
        // A pixel's sides are the vectors (dx, ry) and (rx, dy) in CRS units.
        let (kx, ky) = self.ground_m_per_unit.unwrap_or((1.0, 1.0));
        ((g[1] * kx).hypot(g[4] * ky), (g[2] * kx).hypot(g[5] * ky))
    }

    /// Ground area (m²) of a pixel of row `row` (see [`Georef::ground_pixel_m`]).
    pub fn pixel_area_m2_at(&self, row: f64) -> f64 {
        if !self.is_geographic() {
            let (kx, ky) = self.ground_m_per_unit.unwrap_or((1.0, 1.0));
            return self.transform.pixel_area() * kx * ky;
        }
        let (w, h) = self.ground_pixel_m(row);
        w * h
    }

    /// The pixel size (metres) that detection windows are sized with: the geometric mean of the
    /// ground width and height at the middle row of a grid of `rows` rows. For a 70 m UTM grid
    /// that is 70; for an EPSG:4326 grid of 0.000631° at 34° N it is ≈ 63.9 (58.3 m wide, 70.0 m
    /// high).
    pub fn nominal_pixel_m(&self, rows: usize) -> f64 {
        let (w, h) = self.ground_pixel_m(rows as f64 / 2.0);
        (w * h).sqrt()
    }

    /// Same CRS: same EPSG code when both have one, else identical WKT.
    pub fn same_crs(&self, other: &Georef) -> bool {
        match (self.epsg, other.epsg) {
            (Some(a), Some(b)) => a == b,
            _ => self.crs_wkt == other.crs_wkt,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Pensacola B10 grid (gdalinfo testdata/landsat8-l1t-pensacola-2015/l8_B10.tif).
    const GT: GeoTransform = GeoTransform([384_000.0, 30.0, 0.0, 3_469_500.0, 0.0, -30.0]);

    #[test]
    fn corner_and_centre() {
        assert_eq!(GT.pixel_to_map(0.0, 0.0), (384_000.0, 3_469_500.0));
        assert_eq!(GT.pixel_centre(0, 0), (384_015.0, 3_469_485.0));
        assert_eq!(GT.pixel_centre(2, 1), (384_045.0, 3_469_425.0));
        assert_eq!(GT.pixel_area(), 900.0);
        assert!(GT.is_north_up());
    }

    #[test]
    fn geographic_pixels_have_ground_sizes() {
        // The ECOSTRESS LA grid (gdalinfo shared/data/ecostress-la/…LST…183080644…tif).
        let g = Georef {
            transform: GeoTransform([
                -118.709632587232,
                0.000631253314490,
                0.0,
                34.322936397734,
                0.0,
                -0.000631253314490,
            ]),
            crs_wkt: "GEOGCRS[\"WGS 84\",DATUM[\"World Geodetic System 1984\"]]".into(),
            epsg: Some(4326),
            ground_m_per_unit: None,
        };
        assert!(g.is_geographic());
        // Independent (WGS84 radii of curvature at φ = 33.9906° N, the centre of row 526):
        // width N·cosφ·Δλ = 58.325 m, height M·Δφ = 70.020 m (python3, a = 6378137,
        // f = 1/298.257223563; N = a/√(1−e²sin²φ), M = a(1−e²)/(1−e²sin²φ)^1.5).
        let (w, h) = g.ground_pixel_m(526.0);
        assert!((w - 58.325).abs() < 0.01, "{w}");
        assert!((h - 70.020).abs() < 0.01, "{h}");
        assert!((g.pixel_area_m2_at(526.0) - w * h).abs() < 1e-9);
        let utm = Georef {
            transform: GT,
            crs_wkt: "PROJCRS[\"WGS 84 / UTM zone 16N\"]".into(),
            epsg: Some(32616),
            ground_m_per_unit: None,
        };
        assert!(!utm.is_geographic());
        assert_eq!(utm.ground_pixel_m(3.0), (30.0, 30.0));
        assert_eq!(utm.nominal_pixel_m(100), 30.0);
        assert_eq!(utm.pixel_area_m2_at(0.0), 900.0);
    }

    #[test]
    fn window_shifts_origin() {
        let w = GT.window(10, 20);
        assert_eq!(w.0[0], 384_600.0);
        assert_eq!(w.0[3], 3_469_200.0);
    }

    #[test]
    fn check_close_reports_index() {
        let mut other = GT;
        other.0[3] += 30.0;
        let err = GT.check_close(&other).unwrap_err();
        assert!(err.starts_with("geotransform[3]"), "{err}");
        assert!(GT.check_close(&GT).is_ok());
    }
}

//! Fire zones: 8-connected components of flagged pixels (detection.md §3; the 3x3 structure of
//! Pereira et al. 2021 `metrics.py`).

use std::collections::{BTreeMap, BTreeSet};

use ndarray::Array2;
use serde::Serialize;

use super::{Flagged, Method};
use crate::raster::GeoTransform;

/// One 8-connected zone of flagged pixels.
///
/// Pixel coordinates are `(row, col)` of the native grid; map coordinates are in the raster's
/// CRS (metres for UTM); `centroid_lon/lat` (WGS84) are filled by the caller that knows the CRS.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FireZone {
    /// 1-based, ordered by the zone's first pixel in row-major order (stable across runs).
    pub id: u32,
    pub pixel_count: usize,
    /// `pixel_count` × pixel area of the native grid.
    pub area_m2: f64,
    /// Maximum and mean temperature over the zone (K); NaN without a temperature raster.
    pub max_t_k: f64,
    pub mean_t_k: f64,
    /// Maximum `T − bg_mean` (K) and z over the zone's thermal detections; NaN if none.
    pub max_delta_k: f64,
    pub max_z: f64,
    /// Highest confidence class in the zone.
    pub confidence: u8,
    /// Methods that flagged at least one pixel of the zone.
    pub methods: Vec<Method>,
    /// Mean pixel-centre position, fractional `(row, col)`.
    pub centroid_row: f64,
    pub centroid_col: f64,
    /// Centroid in map coordinates.
    pub centroid_x: f64,
    pub centroid_y: f64,
    pub centroid_lon: Option<f64>,
    pub centroid_lat: Option<f64>,
    /// Inclusive pixel bounding box `[min_row, min_col, max_row, max_col]`.
    pub bbox_px: [usize; 4],
    /// Map bounding box of the pixel footprints `[xmin, ymin, xmax, ymax]`.
    pub bbox_map: [f64; 4],
}

/// 8-connected components of `mask`: a label raster (0 = background, else 1-based component
/// number) and each component's pixels in row-major order. Components are numbered by their
/// first pixel in row-major order.
pub fn label_components(mask: &Array2<bool>) -> (Array2<u32>, Vec<Vec<(usize, usize)>>) {
    let (rows, cols) = mask.dim();
    let mut labels = Array2::<u32>::zeros((rows, cols));
    let mut components = Vec::new();
    for ((r0, c0), &m) in mask.indexed_iter() {
        if !m || labels[[r0, c0]] != 0 {
            continue;
        }
        let id = components.len() as u32 + 1;
        labels[[r0, c0]] = id;
        let mut stack = vec![(r0, c0)];
        let mut pixels = Vec::new();
        while let Some((r, c)) = stack.pop() {
            pixels.push((r, c));
            for nr in r.saturating_sub(1)..=(r + 1).min(rows - 1) {
                for nc in c.saturating_sub(1)..=(c + 1).min(cols - 1) {
                    if mask[[nr, nc]] && labels[[nr, nc]] == 0 {
                        labels[[nr, nc]] = id;
                        stack.push((nr, nc));
                    }
                }
            }
        }
        pixels.sort_unstable();
        components.push(pixels);
    }
    (labels, components)
}

/// Groups flagged pixels into 8-connected zones. Returns the zones and a label raster of
/// `shape` (0 = no zone, else the zone id).
pub fn fire_zones(
    flagged: &[Flagged],
    shape: (usize, usize),
    temperature: Option<&Array2<f32>>,
    transform: &GeoTransform,
) -> (Vec<FireZone>, Array2<u32>) {
    // Several methods may flag one pixel: keep all their evidence.
    let mut by_pixel: BTreeMap<(usize, usize), Vec<&Flagged>> = BTreeMap::new();
    let mut mask = Array2::from_elem(shape, false);
    for f in flagged {
        by_pixel.entry((f.row, f.col)).or_default().push(f);
        mask[[f.row, f.col]] = true;
    }
    let (labels, components) = label_components(&mask);
    let zones = components
        .iter()
        .enumerate()
        .map(|(i, pixels)| {
            let t = |r: usize, c: usize| temperature.map(|t| t[[r, c]]);
            summarise(i as u32 + 1, pixels, &by_pixel, &t, transform)
        })
        .collect();
    (zones, labels)
}

/// The attributes of zone `id` from its pixels (row-major), their evidence and a temperature
/// lookup (`None`: no temperature raster). Shared with the tile-stitched zones
/// (`detect::stitch`), so both give the same numbers.
pub(crate) fn summarise(
    id: u32,
    pixels: &[(usize, usize)],
    by_pixel: &BTreeMap<(usize, usize), Vec<&Flagged>>,
    temperature: &dyn Fn(usize, usize) -> Option<f32>,
    gt: &GeoTransform,
) -> FireZone {
    let n = pixels.len();
    let (mut max_t, mut sum_t, mut n_t) = (f64::NAN, 0f64, 0usize);
    let (mut max_delta, mut max_z, mut conf) = (f64::NAN, f64::NAN, 0u8);
    let mut methods = BTreeSet::new();
    let (mut sr, mut sc) = (0f64, 0f64);
    let mut bbox = [usize::MAX, usize::MAX, 0, 0];
    for &(r, c) in pixels {
        sr += r as f64 + 0.5;
        sc += c as f64 + 0.5;
        bbox = [
            bbox[0].min(r),
            bbox[1].min(c),
            bbox[2].max(r),
            bbox[3].max(c),
        ];
        if let Some(t) = temperature(r, c).map(f64::from).filter(|t| !t.is_nan()) {
            max_t = max_t.max(t);
            sum_t += t;
            n_t += 1;
        }
        for f in &by_pixel[&(r, c)] {
            methods.insert(f.method);
            conf = conf.max(f.confidence);
            if f.method != Method::Swir {
                max_delta = max_delta.max(f64::from(f.delta()));
                max_z = max_z.max(f64::from(f.z));
            }
        }
    }
    let (cr, cc) = (sr / n as f64, sc / n as f64);
    let (cx, cy) = gt.pixel_to_map(cr, cc);
    let corners = [
        gt.pixel_to_map(bbox[0] as f64, bbox[1] as f64),
        gt.pixel_to_map((bbox[2] + 1) as f64, (bbox[3] + 1) as f64),
    ];
    FireZone {
        id,
        pixel_count: n,
        area_m2: n as f64 * gt.pixel_area(),
        max_t_k: max_t,
        mean_t_k: if n_t == 0 {
            f64::NAN
        } else {
            sum_t / n_t as f64
        },
        max_delta_k: max_delta,
        max_z,
        confidence: conf,
        methods: methods.into_iter().collect(),
        centroid_row: cr,
        centroid_col: cc,
        centroid_x: cx,
        centroid_y: cy,
        centroid_lon: None,
        centroid_lat: None,
        bbox_px: bbox,
        bbox_map: [
            corners[0].0.min(corners[1].0),
            corners[0].1.min(corners[1].1),
            corners[0].0.max(corners[1].0),
            corners[0].1.max(corners[1].1),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::confidence;

    fn flag(row: usize, col: usize, value: f32, conf: u8) -> Flagged {
        Flagged {
            row,
            col,
            value,
            bg_mean: 300.0,
            bg_std: 0.5,
            z: (value - 300.0) / 0.5,
            window_px: 11,
            n_background: 100,
            confidence: conf,
            method: Method::Contextual,
        }
    }

    #[test]
    fn diagonal_neighbours_join_and_ids_follow_row_major_order() {
        let gt = GeoTransform([1000.0, 30.0, 0.0, 5000.0, 0.0, -30.0]);
        // Zone A: (1,5),(2,6) diagonal; zone B: (2,1) alone (first pixel is later in row-major).
        let f = vec![
            flag(2, 1, 305.0, confidence::LOW),
            flag(1, 5, 310.0, confidence::HIGH),
            flag(2, 6, 304.0, confidence::LOW),
        ];
        let t = Array2::from_elem((5, 8), 300.0f32);
        let (zones, labels) = fire_zones(&f, (5, 8), Some(&t), &gt);
        assert_eq!(zones.len(), 2);
        assert_eq!(zones[0].pixel_count, 2);
        assert_eq!(zones[0].bbox_px, [1, 5, 2, 6]);
        assert_eq!(labels[[1, 5]], 1);
        assert_eq!(labels[[2, 6]], 1);
        assert_eq!(labels[[2, 1]], 2);
        assert_eq!(zones[0].area_m2, 1800.0);
        assert_eq!(zones[0].max_delta_k, 10.0);
        assert_eq!(zones[0].confidence, confidence::HIGH);
        // Centroid (row 2.0, col 6.0) → x = 1000 + 6*30, y = 5000 - 2*30.
        assert_eq!((zones[0].centroid_x, zones[0].centroid_y), (1180.0, 4940.0));
        assert_eq!(zones[0].bbox_map, [1150.0, 4910.0, 1210.0, 4970.0]);
    }
}

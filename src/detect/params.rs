//! Parameters shared by the thermal methods: window sizes in metres → odd pixel counts.

/// Odd window side in pixels for a size in metres on a grid of `pixel_m`:
/// `max(3, 2·floor(size_m / (2·pixel_m)) + 1)` (detection.md §1). At 30 m: 930 m → 31 px,
/// 330 m → 11 px, 3030 m → 101 px.
///
/// ```
/// use seamfire::detect::params::window_px;
/// assert_eq!(window_px(930.0, 30.0), 31);
/// assert_eq!(window_px(330.0, 30.0), 11);
/// assert_eq!(window_px(3030.0, 30.0), 101);
/// assert_eq!(window_px(930.0, 90.0), 11);   // ASTER
/// assert_eq!(window_px(10.0, 30.0), 3);
/// ```
pub fn window_px(size_m: f64, pixel_m: f64) -> usize {
    let half = (size_m / (2.0 * pixel_m)).floor().max(0.0) as usize;
    (2 * half + 1).max(3)
}

/// Confidence class from a z value and the two class edges.
pub fn confidence_from_z(z: f64, nominal_z: f64, high_z: f64) -> u8 {
    use super::confidence::{HIGH, LOW, NOMINAL};
    if z >= high_z {
        HIGH
    } else if z >= nominal_z {
        NOMINAL
    } else {
        LOW
    }
}

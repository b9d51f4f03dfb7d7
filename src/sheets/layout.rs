//! Page geometry of a map sheet (pure): where the title, map frame, legend panel and credit go,
//! the map-to-paper transform, nice scale-bar lengths, coordinate and legend ticks, and label
//! placement. Lengths on paper are millimetres from the top-left corner of the page.

use super::select::Extent;

/// A rectangle on the page, millimetres, `(x, y)` its top-left corner.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RectMm {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl RectMm {
    pub fn right(&self) -> f64 {
        self.x + self.w
    }

    pub fn bottom(&self) -> f64 {
        self.y + self.h
    }

    /// True when the two rectangles overlap (touching edges do not).
    pub fn overlaps(&self, o: &RectMm) -> bool {
        self.x < o.right() && o.x < self.right() && self.y < o.bottom() && o.y < self.bottom()
    }

    /// True when `o` lies entirely inside.
    pub fn holds(&self, o: &RectMm) -> bool {
        o.x >= self.x && o.y >= self.y && o.right() <= self.right() && o.bottom() <= self.bottom()
    }
}

/// Outer page margin, mm.
pub const PAGE_MARGIN_MM: f64 = 8.0;
/// Smallest page accepted (either orientation), mm.
pub const MIN_PAGE_MM: (f64, f64) = (150.0, 100.0);

/// Font sizes (em height, mm): title, subtitle, legend text, small text (ticks, credit).
pub const FONT_TITLE: f64 = 5.5;
pub const FONT_SUBTITLE: f64 = 3.2;
pub const FONT_TEXT: f64 = 2.7;
pub const FONT_SMALL: f64 = 2.3;

/// Where the parts of a sheet go.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PageLayout {
    pub width_mm: f64,
    pub height_mm: f64,
    /// Title and subtitle band across the top.
    pub title: RectMm,
    /// The map frame; coordinate labels go outside it (left and below).
    pub map: RectMm,
    /// Legend, north arrow, scale bar and notes, right of the map.
    pub panel: RectMm,
    /// Data credit band across the bottom.
    pub footer: RectMm,
}

/// The layout of a `width_mm × height_mm` page (any size from [`MIN_PAGE_MM`]; the panel is
/// 22 % of the width, 56–72 mm).
pub fn page_layout(width_mm: f64, height_mm: f64) -> PageLayout {
    let m = PAGE_MARGIN_MM;
    let title = RectMm {
        x: m,
        y: m,
        w: width_mm - 2.0 * m,
        h: 15.0,
    };
    let footer = RectMm {
        x: m,
        y: height_mm - m - 5.0,
        w: width_mm - 2.0 * m,
        h: 5.0,
    };
    let panel_w = (0.22 * width_mm).clamp(56.0, 72.0);
    let top = title.bottom() + 2.0;
    let panel = RectMm {
        x: width_mm - m - panel_w,
        y: top,
        w: panel_w,
        h: footer.y - 2.0 - top,
    };
    // Room for the rotated northing labels on the left and the easting labels below.
    let left = m + 11.0;
    let map = RectMm {
        x: left,
        y: top,
        w: panel.x - 6.0 - left,
        h: footer.y - 8.5 - top,
    };
    PageLayout {
        width_mm,
        height_mm,
        title,
        map,
        panel,
        footer,
    }
}

/// The map-to-paper transform of a map frame: north-up, the same scale along both axes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MapView {
    /// The area the frame shows (the requested extent grown to the frame's shape), CRS units.
    pub extent: Extent,
    pub frame: RectMm,
    /// CRS units per millimetre of paper.
    pub units_per_mm: f64,
}

impl MapView {
    /// Shows at least `extent` (grown around its centre to `min_size` on each axis) in `frame`:
    /// the extent is widened along one axis to the frame's aspect ratio, centred.
    pub fn fit(extent: Extent, frame: RectMm, min_size: f64) -> MapView {
        let (cx, cy) = extent.centre();
        let w = extent.width().max(min_size).max(f64::MIN_POSITIVE);
        let h = extent.height().max(min_size).max(f64::MIN_POSITIVE);
        let units_per_mm = (w / frame.w).max(h / frame.h);
        let (hw, hh) = (0.5 * units_per_mm * frame.w, 0.5 * units_per_mm * frame.h);
        MapView {
            extent: Extent::new(cx - hw, cy - hh, cx + hw, cy + hh),
            frame,
            units_per_mm,
        }
    }

    /// Page position (mm) of map coordinates.
    pub fn to_page(&self, x: f64, y: f64) -> (f64, f64) {
        (
            self.frame.x + (x - self.extent.xmin) / self.units_per_mm,
            self.frame.y + (self.extent.ymax - y) / self.units_per_mm,
        )
    }

    /// The page rectangle of a map extent.
    pub fn rect_of(&self, e: &Extent) -> RectMm {
        let (x0, y0) = self.to_page(e.xmin, e.ymax);
        let (x1, y1) = self.to_page(e.xmax, e.ymin);
        RectMm {
            x: x0,
            y: y0,
            w: x1 - x0,
            h: y1 - y0,
        }
    }

    /// Scale denominator (1:N) for `metres_per_unit` metres per CRS unit.
    pub fn scale_denominator(&self, metres_per_unit: f64) -> f64 {
        self.units_per_mm * metres_per_unit * 1000.0
    }
}

fn pow10(e: f64) -> f64 {
    10f64.powf(e)
}

/// The smallest of 1, 2, 5 × 10^k that is `>= x` (`x > 0`).
pub fn nice_ceil(x: f64) -> f64 {
    if !(x.is_finite() && x > 0.0) {
        return 1.0;
    }
    let e = x.log10().floor();
    let base = pow10(e);
    for m in [1.0, 2.0, 5.0, 10.0] {
        // Tolerance so that 200.0000001 from float noise stays 200.
        if m * base >= x * (1.0 - 1e-9) {
            return m * base;
        }
    }
    10.0 * base
}

/// The largest of 1, 2, 5 × 10^k that is `<= x` (`x > 0`).
pub fn nice_floor(x: f64) -> f64 {
    if !(x.is_finite() && x > 0.0) {
        return 1.0;
    }
    let e = x.log10().floor();
    let base = pow10(e);
    for m in [10.0, 5.0, 2.0, 1.0] {
        if m * base <= x * (1.0 + 1e-9) {
            return m * base;
        }
    }
    base
}

/// Multiples of `step` within `[min, max]`, ascending.
pub fn tick_positions(min: f64, max: f64, step: f64) -> Vec<f64> {
    if !(step > 0.0 && min.is_finite() && max.is_finite()) || max < min {
        return Vec::new();
    }
    let first = (min / step - 1e-9).ceil() as i64;
    let last = (max / step + 1e-9).floor() as i64;
    (first..=last)
        .map(|k| {
            let v = k as f64 * step;
            // Snap float noise (0.30000000000000004) to the step's own decimals.
            let dec = decimals_for(step);
            let p = 10f64.powi(dec as i32);
            (v * p).round() / p
        })
        .collect()
}

/// Coordinate tick step along a frame side `len_mm` long showing `range` CRS units: the
/// smallest nice step whose ticks are at least `spacing_mm` apart.
pub fn coord_step(range: f64, len_mm: f64, spacing_mm: f64) -> f64 {
    nice_ceil(range * spacing_mm / len_mm.max(1e-9))
}

/// Decimals needed to print multiples of `step` exactly (0 for steps of 1 and more).
pub fn decimals_for(step: f64) -> usize {
    if step.is_nan() || step <= 0.0 || step >= 1.0 {
        return 0;
    }
    (-(step.log10()) - 1e-9).ceil().clamp(0.0, 12.0) as usize
}

/// A coordinate label: integer part grouped by thousands with spaces, `−` (U+2212) for
/// negatives, `decimals` decimals.
pub fn format_coord(v: f64, decimals: usize) -> String {
    let s = format!("{:.*}", decimals, v.abs());
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i.to_string(), Some(f.to_string())),
        None => (s.clone(), None),
    };
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(' ');
        }
        grouped.push(c);
    }
    let zero = s.chars().all(|c| c == '0' || c == '.');
    let mut out = if v < 0.0 && !zero {
        format!("\u{2212}{grouped}")
    } else {
        grouped
    };
    if let Some(f) = frac {
        out.push('.');
        out.push_str(&f);
    }
    out
}

/// A number without trailing zeros (`0.5`, `250`, `1.25`).
pub fn trim_number(v: f64) -> String {
    let s = format!("{v:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.into() }
}

/// A segmented scale bar.
#[derive(Debug, Clone, PartialEq)]
pub struct ScaleBar {
    /// Ground length of the whole bar, metres.
    pub length_m: f64,
    /// Its length on paper, mm.
    pub length_mm: f64,
    /// Alternating black and white segments.
    pub segments: usize,
    /// Labels: position along the bar (mm) and text; the last carries the unit.
    pub labels: Vec<(f64, String)>,
}

/// The longest bar of a nice ground length (1, 2 or 5 × 10^k m) that fits `max_mm` at
/// `metres_per_mm` metres of ground per millimetre of paper. Lengths from 1000 m are labelled
/// in km. Four segments for lengths starting with 1 or 2, five for 5.
pub fn scale_bar(metres_per_mm: f64, max_mm: f64) -> ScaleBar {
    let length_m = nice_floor(metres_per_mm * max_mm);
    let length_mm = length_m / metres_per_mm;
    let lead = (length_m / pow10(length_m.log10().floor())).round() as u32;
    let segments = if lead == 5 { 5 } else { 4 };
    let (div, unit) = if length_m >= 1000.0 {
        (1000.0, "km")
    } else {
        (1.0, "m")
    };
    let mid = if segments == 4 { 2 } else { 0 };
    let mut labels = vec![(0.0, "0".to_string())];
    if mid > 0 {
        labels.push((
            length_mm * mid as f64 / segments as f64,
            trim_number(length_m / 2.0 / div),
        ));
    }
    labels.push((length_mm, format!("{} {unit}", trim_number(length_m / div))));
    ScaleBar {
        length_m,
        length_mm,
        segments,
        labels,
    }
}

/// Interior legend ticks: nice values strictly inside `(min, max)` (about four intervals),
/// leaving out those closer than 8 % of the range to an end (the ends carry their own labels).
pub fn legend_ticks(min: f64, max: f64) -> Vec<f64> {
    let range = max - min;
    if !(range > 0.0 && range.is_finite()) {
        return Vec::new();
    }
    let step = nice_ceil(range / 5.0);
    tick_positions(min, max, step)
        .into_iter()
        .filter(|v| (v - min) > 0.08 * range && (max - v) > 0.08 * range)
        .collect()
}

/// Rough width of `text` in DejaVu Sans at `size` mm (0.62 em per character, a little wider
/// than the font's average so that boxes err on the safe side; 1 em per CJK character).
pub fn text_width(text: &str, size: f64) -> f64 {
    let latin = text.chars().filter(|&c| !is_wide(c)).count() as f64;
    let wide = text.chars().filter(|&c| is_wide(c)).count() as f64;
    (latin * 0.62 + wide) * size
}

/// A CJK or full-width character (about 1 em wide).
pub fn is_wide(c: char) -> bool {
    matches!(c, '\u{2e80}'..='\u{9fff}' | '\u{f900}'..='\u{faff}' | '\u{ff00}'..='\u{ffef}')
}

/// What a label names: a point (a zone marker) or a box (a zone's outline on the page).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LabelAnchor {
    Point(f64, f64),
    Box(RectMm),
}

/// A placed label: the top-left corner of its box, and a leader line from the anchor to the
/// box when the label had to move away from it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlacedLabel {
    pub x: f64,
    pub y: f64,
    pub leader: Option<((f64, f64), (f64, f64))>,
}

/// The point of `r` nearest to `(x, y)`.
fn nearest_on(r: &RectMm, x: f64, y: f64) -> (f64, f64) {
    (x.clamp(r.x, r.right()), y.clamp(r.y, r.bottom()))
}

/// Places labels (`anchor`, width, height; mm) in order so that they avoid each other and
/// `obstacles` and stay inside `bounds`. A box label goes above its box (left- then
/// right-aligned), below it, or beside its top; a point label into one of eight places around
/// the point; then both try the eight places at 3 and 5.5 mm from the point (the box's
/// top-left corner), with a leader line. When nothing is free the first place is used.
pub fn place_labels(
    labels: &[(LabelAnchor, f64, f64)],
    bounds: &RectMm,
    obstacles: &[RectMm],
) -> Vec<PlacedLabel> {
    let mut placed: Vec<RectMm> = obstacles.to_vec();
    let mut out = Vec::with_capacity(labels.len());
    for &(anchor, w, h) in labels {
        let around = |x: f64, y: f64, d: f64| {
            let e = d * std::f64::consts::FRAC_1_SQRT_2;
            [
                (x + d, y - h / 2.0),
                (x - d - w, y - h / 2.0),
                (x - w / 2.0, y - d - h),
                (x - w / 2.0, y + d),
                (x + e, y - e - h),
                (x + e, y + e),
                (x - e - w, y - e - h),
                (x - e - w, y + e),
            ]
        };
        let (point, near): ((f64, f64), Vec<(f64, f64)>) = match anchor {
            LabelAnchor::Point(x, y) => ((x, y), around(x, y, 1.0).to_vec()),
            LabelAnchor::Box(b) => {
                let g = 0.6;
                (
                    (b.x, b.y),
                    vec![
                        (b.x, b.y - g - h),
                        (b.right() - w, b.y - g - h),
                        (b.x, b.bottom() + g),
                        (b.right() + g, b.y),
                        (b.x - g - w, b.y),
                    ],
                )
            }
        };
        let far: Vec<(f64, f64)> = [3.0, 5.5]
            .iter()
            .flat_map(|&d| around(point.0, point.1, d))
            .collect();
        let rect = |(cx, cy): (f64, f64)| RectMm { x: cx, y: cy, w, h };
        let free = |c: &(f64, f64)| {
            let r = rect(*c);
            bounds.holds(&r) && !placed.iter().any(|p| p.overlaps(&r))
        };
        let (chosen, leader) = if let Some(c) = near.iter().find(|c| free(c)) {
            (*c, false)
        } else if let Some(c) = far.iter().find(|c| free(c)) {
            (*c, true)
        } else {
            (near[0], false)
        };
        let r = rect(chosen);
        placed.push(r);
        out.push(PlacedLabel {
            x: chosen.0,
            y: chosen.1,
            leader: leader.then(|| (point, nearest_on(&r, point.0, point.1))),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_numbers() {
        assert_eq!(nice_floor(650.0), 500.0);
        assert_eq!(nice_floor(500.0), 500.0);
        assert_eq!(nice_floor(199.9), 100.0);
        assert_eq!(nice_floor(3_000.0), 2_000.0);
        assert_eq!(nice_floor(0.07), 0.05);
        assert_eq!(nice_ceil(650.0), 1_000.0);
        assert_eq!(nice_ceil(200.0), 200.0);
        assert_eq!(nice_ceil(201.0), 500.0);
        assert_eq!(nice_ceil(0.013), 0.02);
    }

    #[test]
    fn scale_bar_lengths_by_hand() {
        // 1:10 000 (10 m per mm), 50 mm available: 500 m = 50 mm, five 100 m segments.
        let b = scale_bar(10.0, 50.0);
        assert_eq!(b.length_m, 500.0);
        assert!((b.length_mm - 50.0).abs() < 1e-9);
        assert_eq!(b.segments, 5);
        assert_eq!(b.labels, vec![(0.0, "0".into()), (50.0, "500 m".into())]);
        // 13 m per mm, 50 mm: 650 m → 500 m on 38.46 mm.
        let b = scale_bar(13.0, 50.0);
        assert_eq!(b.length_m, 500.0);
        assert!((b.length_mm - 500.0 / 13.0).abs() < 1e-9);
        // 100 m per mm, 50 mm: 5 km.
        let b = scale_bar(100.0, 50.0);
        assert_eq!(b.length_m, 5_000.0);
        assert_eq!(b.labels.last().unwrap().1, "5 km");
        // 45 m per mm, 50 mm: 2250 m → 2 km, four 500 m segments, "1" in the middle.
        let b = scale_bar(45.0, 50.0);
        assert_eq!(b.length_m, 2_000.0);
        assert_eq!(b.segments, 4);
        let texts: Vec<&str> = b.labels.iter().map(|l| l.1.as_str()).collect();
        assert_eq!(texts, ["0", "1", "2 km"]);
        assert!((b.labels[1].0 - 1000.0 / 45.0).abs() < 1e-9);
        // 3 m per mm, 50 mm: 150 m → 100 m, "50" in the middle.
        let b = scale_bar(3.0, 50.0);
        assert_eq!(b.length_m, 100.0);
        let texts: Vec<&str> = b.labels.iter().map(|l| l.1.as_str()).collect();
        assert_eq!(texts, ["0", "50", "100 m"]);
    }

    #[test]
    fn coordinate_ticks_by_hand() {
        // 2.5 km over 200 mm, ticks at least 35 mm apart: 437.5 m → 500 m steps.
        let step = coord_step(2_500.0, 200.0, 35.0);
        assert_eq!(step, 500.0);
        assert_eq!(
            tick_positions(453_120.0, 455_620.0, step),
            [453_500.0, 454_000.0, 454_500.0, 455_000.0, 455_500.0]
        );
        assert_eq!(
            tick_positions(-2_203_400.0, -2_202_100.0, 500.0),
            [-2_203_000.0, -2_202_500.0]
        );
        // A tick exactly on the edge is kept.
        assert_eq!(
            tick_positions(1000.0, 2000.0, 500.0),
            [1000.0, 1500.0, 2000.0]
        );
        // Degrees: 0.1° steps print with one decimal.
        assert_eq!(tick_positions(-57.43, -57.18, 0.1), [-57.4, -57.3, -57.2]);
        assert_eq!(decimals_for(0.1), 1);
        assert_eq!(decimals_for(0.05), 2);
        assert_eq!(decimals_for(500.0), 0);
        assert_eq!(format_coord(454_000.0, 0), "454 000");
        assert_eq!(format_coord(-2_202_500.0, 0), "\u{2212}2 202 500");
        assert_eq!(format_coord(-57.4, 1), "\u{2212}57.4");
        assert_eq!(format_coord(500.0, 0), "500");
        assert_eq!(format_coord(-0.0, 0), "0");
    }

    #[test]
    fn legend_ticks_skip_the_ends() {
        // 285.3–321.7 K: steps of 10 K; 290 is 4.7 K (13 %) from the low end: kept; 320 is
        // 1.7 K (5 %) from the high end: left out.
        assert_eq!(legend_ticks(285.3, 321.7), [290.0, 300.0, 310.0]);
        // °C of the same range: 12.15–48.55 → 20, 30, 40 (48.55 − 40 = 8.55 > 8 %).
        assert_eq!(legend_ticks(12.15, 48.55), [20.0, 30.0, 40.0]);
        assert!(legend_ticks(5.0, 5.0).is_empty());
    }

    #[test]
    fn view_fits_the_frame_aspect() {
        let frame = RectMm {
            x: 10.0,
            y: 20.0,
            w: 200.0,
            h: 100.0,
        };
        // 1000 × 1000 m into a 2:1 frame: widened to 2000 × 1000 m, 10 m per mm.
        let v = MapView::fit(Extent::new(0.0, 0.0, 1000.0, 1000.0), frame, 0.0);
        assert_eq!(v.extent, Extent::new(-500.0, 0.0, 1500.0, 1000.0));
        assert_eq!(v.units_per_mm, 10.0);
        assert_eq!(v.to_page(-500.0, 1000.0), (10.0, 20.0));
        assert_eq!(v.to_page(1500.0, 0.0), (210.0, 120.0));
        assert_eq!(v.scale_denominator(1.0), 10_000.0);
        // A 30 m zone with a minimum size of 600 m.
        let v = MapView::fit(Extent::new(0.0, 0.0, 30.0, 30.0), frame, 600.0);
        assert_eq!(v.extent.height(), 600.0);
        assert_eq!(v.extent.centre(), (15.0, 15.0));
    }

    #[test]
    fn layout_keeps_parts_apart() {
        for (w, h) in [
            (297.0, 210.0),
            (420.0, 297.0),
            (210.0, 297.0),
            (150.0, 100.0),
        ] {
            let l = page_layout(w, h);
            let page = RectMm {
                x: 0.0,
                y: 0.0,
                w,
                h,
            };
            for r in [l.title, l.map, l.panel, l.footer] {
                assert!(page.holds(&r) && r.w > 0.0 && r.h > 0.0, "{w}x{h}: {r:?}");
            }
            assert!(!l.map.overlaps(&l.panel));
            assert!(!l.map.overlaps(&l.title) && !l.map.overlaps(&l.footer));
            assert!(!l.panel.overlaps(&l.footer));
        }
    }

    #[test]
    fn labels_avoid_each_other() {
        let bounds = RectMm {
            x: 0.0,
            y: 0.0,
            w: 100.0,
            h: 100.0,
        };
        let p = LabelAnchor::Point(50.0, 50.0);
        let pos = place_labels(
            &[
                (p, 10.0, 3.0),
                (p, 10.0, 3.0),
                (LabelAnchor::Point(99.0, 50.0), 10.0, 3.0),
            ],
            &bounds,
            &[],
        );
        assert_eq!((pos[0].x, pos[0].y), (51.0, 48.5));
        assert_eq!((pos[1].x, pos[1].y), (39.0, 48.5), "second label goes left");
        assert_eq!(
            (pos[2].x, pos[2].y),
            (88.0, 48.5),
            "no room on the right at the edge"
        );
        assert!(pos.iter().all(|p| p.leader.is_none()));
        // A box label goes above its box; a second one with the same box above right-aligned.
        let b = LabelAnchor::Box(RectMm {
            x: 20.0,
            y: 20.0,
            w: 30.0,
            h: 10.0,
        });
        let pos = place_labels(&[(b, 5.0, 3.0), (b, 5.0, 3.0)], &bounds, &[]);
        assert_eq!((pos[0].x, pos[0].y), (20.0, 16.4));
        assert_eq!((pos[1].x, pos[1].y), (45.0, 16.4));
        // Eight labels on one point: those without room next to it move out with a leader
        // line; none overlaps another.
        let pos = place_labels(&vec![(p, 4.0, 3.0); 8], &bounds, &[]);
        let rects: Vec<RectMm> = pos
            .iter()
            .map(|p| RectMm {
                x: p.x,
                y: p.y,
                w: 4.0,
                h: 3.0,
            })
            .collect();
        for (i, a) in rects.iter().enumerate() {
            assert!(rects[i + 1..].iter().all(|b| !a.overlaps(b)), "{i}: {a:?}");
        }
        assert!(pos[0].leader.is_none());
        let moved: Vec<_> = pos.iter().filter_map(|p| p.leader).collect();
        assert!(moved.len() >= 2, "{moved:?}");
        for (from, to) in moved {
            assert_eq!(from, (50.0, 50.0));
            assert!((to.0 - from.0).hypot(to.1 - from.1) > 1.5);
        }
    }
}

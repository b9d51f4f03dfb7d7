//! The demo season (`seamfire synth --preset season`): a generated coal field that mirrors the
//! survey seamfire was built for — 20 known burning zones with ids and names, a river, roads and
//! villages, and three Landsat-8-like passes (a day pass with optical bands, two night thermal
//! passes 8 and 24 days later) in which most known zones burn on every date, some go out, and
//! new anomalies appear beyond the inventory (`docs/synth.md`, "The demo season").
//!
//! Pure: [`plan`] draws the field from the seed, [`pass_scene`] makes one pass's scene in
//! memory. Writing is in `season_write.rs`, the vector layers in `season_vectors.rs`.

use ndarray::Array2;
use serde::Serialize;

use super::qa::QA_WATER;
use super::rng::{SplitMix64, hash3, normal_pair};
use super::{ObjectKind, PlantedObject, Preset, SynthParams, SynthScene, generate};

/// Scene size of the season, pixels (30 m): 15.36 km a side.
pub const SEASON_ROWS: usize = 512;
pub const SEASON_COLS: usize = 512;
/// Known burning zones in the inventory.
pub const KNOWN_ZONES: usize = 20;
/// Fires outside the inventory (some appear late, some go out).
pub const NEW_FIRES: usize = 14;

/// One acquisition of the season.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Pass {
    /// Scene id used by the pipeline and as directory name.
    pub id: &'static str,
    /// `YYYY-MM-DD`.
    pub date: &'static str,
    pub preset: Preset,
    /// Regional temperature change against the first night pass, K (autumn cooling).
    pub offset_k: f32,
}

/// The three passes, in date order: a day pass with OLI bands (the orthophoto), then two night
/// thermal passes 16 days apart (a Landsat 8 repeat cycle).
pub const PASSES: [Pass; 3] = [
    Pass {
        id: "demo-2020-09-07-day",
        date: "2020-09-07",
        preset: Preset::Day,
        offset_k: 0.0,
    },
    Pass {
        id: "demo-2020-09-15-night",
        date: "2020-09-15",
        preset: Preset::Night,
        offset_k: 0.0,
    },
    Pass {
        id: "demo-2020-10-01-night",
        date: "2020-10-01",
        preset: Preset::Night,
        offset_k: -2.5,
    },
];

/// Names of the known zones (invented, in the style of the pits and ridges of a northern
/// Chinese coal field).
const NAMES: [&str; KNOWN_ZONES] = [
    "Wuhu Ridge North",
    "Wuhu Ridge South",
    "Suhai East Pit",
    "Suhai West Pit",
    "Huangbai Gully",
    "Laoshi Terrace",
    "Hongqi Opencast",
    "Gongwu Slope",
    "Baiyin Hollow",
    "Kala Ridge",
    "Qianli Outcrop",
    "Luotuo Hill",
    "Pingluo Bench",
    "Rujia Gully West",
    "Dafeng Pit",
    "Shizui Gully",
    "Black Ridge",
    "Ash Hollow",
    "Yellow Bank",
    "Old Shaft No. 3",
];

/// What a fire does over the season.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Course {
    /// Burns on every pass.
    Persistent,
    /// Burns on the first two passes, out on the last.
    Extinguished,
    /// Appears on the last pass only.
    Late,
    /// Never burns (a known zone found cold).
    Cold,
}

impl Course {
    /// Whether the fire burns on pass `i` (0-based, of [`PASSES`]).
    pub fn burns_on(self, i: usize) -> bool {
        match self {
            Course::Persistent => true,
            Course::Extinguished => i + 1 < PASSES.len(),
            Course::Late => i + 1 == PASSES.len(),
            Course::Cold => false,
        }
    }
}

/// A fire (inside a known zone or new), in pixel coordinates of the season grid.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fire {
    /// `(row, col)` of the hottest pixel.
    pub core_rc: (f64, f64),
    /// Radius of the burning patch, px.
    pub radius_px: f64,
    /// Peak heating at the core on a night pass, K (the day pass adds 30 %).
    pub peak_k: f64,
    pub course: Course,
    /// Lobe phase and strength of the patch outline.
    lobes: (f64, f64),
}

/// A known burning zone of the inventory.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KnownSite {
    /// `KZ-01` … `KZ-20`.
    pub id: String,
    pub name: String,
    /// Outline, `(row, col)` pixel coordinates (closed ring without the repeated vertex).
    pub ring_rc: Vec<(f64, f64)>,
    pub fire: Fire,
}

/// The generated field: everything but the per-pass rasters.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SeasonPlan {
    pub seed: u64,
    pub rows: usize,
    pub cols: usize,
    pub known: Vec<KnownSite>,
    pub new_fires: Vec<Fire>,
    /// River centre line, `(row, col)`, top to bottom.
    pub river_rc: Vec<(f64, f64)>,
    pub river_width_px: f64,
    /// Road centre lines, `(row, col)`, with their class (`primary`, `track`).
    pub roads: Vec<(String, Vec<(f64, f64)>)>,
    /// House footprints: centre `(row, col)` and half-size, px.
    pub houses: Vec<((f64, f64), f64)>,
}

fn river_line(rng: &mut SplitMix64, rows: usize, cols: usize) -> Vec<(f64, f64)> {
    let c0 = cols as f64 * rng.uniform(0.15, 0.2);
    let phase = rng.uniform(0.0, std::f64::consts::TAU);
    (0..=32)
        .map(|i| {
            let r = i as f64 / 32.0 * (rows as f64 - 1.0);
            let t = r / rows as f64;
            let c = c0
                + 14.0 * (t * 9.0 + phase).sin()
                + 6.0 * (t * 23.0 + 2.0 * phase).sin()
                + 20.0 * t;
            (r, c)
        })
        .collect()
}

/// Distance from `p` to the polyline `line` (px).
pub fn distance_to_line(p: (f64, f64), line: &[(f64, f64)]) -> f64 {
    line.windows(2)
        .map(|w| {
            let (a, b) = (w[0], w[1]);
            let (dr, dc) = (b.0 - a.0, b.1 - a.1);
            let len2 = dr * dr + dc * dc;
            let t = if len2 > 0.0 {
                (((p.0 - a.0) * dr + (p.1 - a.1) * dc) / len2).clamp(0.0, 1.0)
            } else {
                0.0
            };
            (p.0 - a.0 - t * dr).hypot(p.1 - a.1 - t * dc)
        })
        .fold(f64::INFINITY, f64::min)
}

fn roads(
    rng: &mut SplitMix64,
    rows: usize,
    cols: usize,
    river: &[(f64, f64)],
) -> Vec<(String, Vec<(f64, f64)>)> {
    let (rf, cf) = (rows as f64 - 1.0, cols as f64 - 1.0);
    // A highway along the river's east bank, 1.2–1.8 km from it.
    let off = rng.uniform(40.0, 60.0);
    let highway: Vec<(f64, f64)> = river
        .iter()
        .step_by(4)
        .map(|&(r, c)| (r, c + off))
        .collect();
    let mut out = vec![("primary".to_string(), highway.clone())];
    // Mine tracks from the highway east into the field.
    for frac in [0.22, 0.55, 0.83] {
        let r0 = rf * (frac + rng.uniform(-0.04, 0.04));
        let start = (r0, highway_col(&highway, r0));
        let r1 = (r0 + rng.uniform(-60.0, 60.0)).clamp(0.0, rf);
        let mid = (
            (r0 + r1) / 2.0 + rng.uniform(-15.0, 15.0),
            (start.1 + cf) / 2.0,
        );
        out.push(("track".to_string(), vec![start, mid, (r1, cf)]));
    }
    out
}

fn highway_col(line: &[(f64, f64)], r: f64) -> f64 {
    for w in line.windows(2) {
        if (w[0].0..=w[1].0).contains(&r) {
            let t = (r - w[0].0) / (w[1].0 - w[0].0).max(1e-9);
            return w[0].1 + t * (w[1].1 - w[0].1);
        }
    }
    line.last().map_or(0.0, |p| p.1)
}

fn irregular_ring(rng: &mut SplitMix64, centre: (f64, f64), radius: f64) -> Vec<(f64, f64)> {
    let n = 14;
    let phase = rng.uniform(0.0, std::f64::consts::TAU);
    let aspect = rng.uniform(1.0, 1.6);
    (0..n)
        .map(|i| {
            let a = i as f64 / n as f64 * std::f64::consts::TAU;
            let r = radius * (1.0 + 0.18 * (3.0 * a + phase).sin()) * rng.uniform(0.9, 1.1);
            let (s, c) = (a + phase).sin_cos();
            (centre.0 + r * s / aspect, centre.1 + r * c * aspect.sqrt())
        })
        .collect()
}

fn fire(rng: &mut SplitMix64, core: (f64, f64), radius: (f64, f64), course: Course) -> Fire {
    Fire {
        core_rc: core,
        radius_px: rng.uniform(radius.0, radius.1),
        peak_k: rng.log_uniform(4.0, 22.0),
        course,
        lobes: (
            rng.uniform(0.0, std::f64::consts::TAU),
            rng.uniform(0.1, 0.35),
        ),
    }
}

/// Draws the field from `seed`: river, roads, villages, 20 known zones (15 persistent, 3
/// extinguished on the last pass, 2 cold) and 14 new fires (9 persistent, 2 extinguished, 3
/// appearing on the last pass), all fires at least 750 m from the river and from each other.
pub fn plan(seed: u64) -> SeasonPlan {
    let (rows, cols) = (SEASON_ROWS, SEASON_COLS);
    let mut rng = SplitMix64::stream(seed, 0x5EA5_0001);
    let river = river_line(&mut rng, rows, cols);
    let roads = roads(&mut rng, rows, cols, &river);

    // Villages at the junctions of the tracks with the highway, and one by the river.
    let mut houses = Vec::new();
    let centres: Vec<(f64, f64)> = roads
        .iter()
        .skip(1)
        .map(|(_, l)| (l[0].0, l[0].1 + 8.0))
        .collect();
    for c in centres {
        for _ in 0..rng.range_inclusive(8, 14) {
            let p = (c.0 + rng.uniform(-9.0, 9.0), c.1 + rng.uniform(-4.0, 12.0));
            houses.push((p, rng.uniform(0.25, 0.45)));
        }
    }

    let mut placed: Vec<((f64, f64), f64)> = Vec::new();
    let free = |p: (f64, f64), r: f64, placed: &[((f64, f64), f64)]| {
        distance_to_line(p, &river) > r + 25.0
            && placed
                .iter()
                .all(|(q, rq)| (p.0 - q.0).hypot(p.1 - q.1) > r + rq + 25.0)
    };
    let mut known = Vec::with_capacity(KNOWN_ZONES);
    // Courses of the known zones: a fixed mix, shuffled by the seed.
    let mut courses = vec![Course::Persistent; KNOWN_ZONES];
    courses[0..3].fill(Course::Extinguished);
    courses[3..5].fill(Course::Cold);
    shuffle(&mut rng, &mut courses);
    let mut attempts = 0;
    while known.len() < KNOWN_ZONES && attempts < 100_000 {
        attempts += 1;
        let radius = rng.uniform(6.0, 11.0);
        let c = (
            rng.uniform(20.0, rows as f64 - 20.0),
            rng.uniform(cols as f64 * 0.35, cols as f64 - 20.0),
        );
        if !free(c, radius, &placed) {
            continue;
        }
        placed.push((c, radius));
        let i = known.len();
        let ring = irregular_ring(&mut rng, c, radius);
        let f = fire(&mut rng, c, (radius * 0.35, radius * 0.6), courses[i]);
        known.push(KnownSite {
            id: format!("KZ-{:02}", i + 1),
            name: NAMES[i].to_string(),
            ring_rc: ring,
            fire: f,
        });
    }
    let mut new_courses = vec![Course::Persistent; NEW_FIRES];
    new_courses[0..2].fill(Course::Extinguished);
    new_courses[2..5].fill(Course::Late);
    shuffle(&mut rng, &mut new_courses);
    let mut new_fires = Vec::with_capacity(NEW_FIRES);
    while new_fires.len() < NEW_FIRES && attempts < 200_000 {
        attempts += 1;
        let c = (
            rng.uniform(15.0, rows as f64 - 15.0),
            rng.uniform(cols as f64 * 0.3, cols as f64 - 15.0),
        );
        let r = rng.uniform(1.5, 4.0);
        if !free(c, r, &placed) {
            continue;
        }
        placed.push((c, r));
        let course = new_courses[new_fires.len()];
        new_fires.push(fire(&mut rng, c, (r, r), course));
    }
    SeasonPlan {
        seed,
        rows,
        cols,
        known,
        new_fires,
        river_rc: river,
        river_width_px: 9.0,
        roads,
        houses,
    }
}

fn shuffle<T>(rng: &mut SplitMix64, v: &mut [T]) {
    for i in (1..v.len()).rev() {
        let j = rng.below(i + 1);
        v.swap(i, j);
    }
}

/// Heat of `fire` at pixel `(r, c)` on a pass (peak `peak`), 0 outside its patch: a raised
/// cosine from the core (1) to the lobed edge (0.35).
fn heat(fire: &Fire, peak: f64, r: f64, c: f64) -> f64 {
    let (dr, dc) = (r - fire.core_rc.0, c - fire.core_rc.1);
    let d = dr.hypot(dc);
    let a = dr.atan2(dc);
    let edge = fire.radius_px * (1.0 + fire.lobes.1 * (3.0 * a + fire.lobes.0).sin()).max(0.3);
    let edge = edge.max(0.75);
    if d > edge {
        return 0.0;
    }
    let e = 0.35;
    peak * (e + (1.0 - e) * 0.5 * (1.0 + (std::f64::consts::PI * d / edge).cos()))
}

/// Every fire of the plan: known zones first (in inventory order), then the new ones.
pub fn fires(plan: &SeasonPlan) -> Vec<&Fire> {
    plan.known
        .iter()
        .map(|k| &k.fire)
        .chain(&plan.new_fires)
        .collect()
}

/// Synth parameters of pass `i` (background only: the season plants its own fires).
pub fn pass_params(plan: &SeasonPlan, i: usize) -> SynthParams {
    let pass = PASSES[i];
    SynthParams {
        n_objects: 0,
        water: false,
        fill_stripes: false,
        swir: pass.preset == Preset::Day,
        ..SynthParams::new(plan.seed, plan.rows, plan.cols, pass.preset)
    }
}

/// The scene of pass `i`: the generated background of its preset (same seed for every pass,
/// so the terrain is the same), an autumn offset and independent per-pass noise (σ 0.08 K), the
/// river as water, and the fires that burn on that pass planted with exact truth (object ids
/// in [`fires`] order + 1, so a fire keeps its id across passes).
pub fn pass_scene(plan: &SeasonPlan, i: usize) -> (SynthScene, SynthParams) {
    let p = pass_params(plan, i);
    let pass = PASSES[i];
    let mut s = generate(&p);
    let (rows, cols) = (plan.rows, plan.cols);
    // Regional level before the river and fires: mean of the land.
    let mean = s.background_k.iter().map(|&v| f64::from(v)).sum::<f64>() / (rows * cols) as f64;
    let half_w = plan.river_width_px / 2.0;
    let water_k = (mean - if pass.preset == Preset::Day { 9.0 } else { 4.0 }) as f32;
    let mut river = Array2::from_elem((rows, cols), false);
    for ((r, c), bg) in s.background_k.indexed_iter_mut() {
        let u = hash3(plan.seed, 0x5EA5_0002 + i as u64, r as u64, c as u64);
        let noise = (normal_pair(u).0 * 0.08) as f32;
        let pc = (r as f64 + 0.5, c as f64 + 0.5);
        if distance_to_line(pc, &plan.river_rc) <= half_w {
            river[[r, c]] = true;
            *bg = water_k + pass.offset_k + noise;
            s.qa_pixel[[r, c]] = QA_WATER;
        } else {
            *bg += pass.offset_k + noise;
        }
    }
    s.facts.water_pixels = river.iter().filter(|&&w| w).count();
    if let Some(bands) = &mut s.swir_dn {
        // Water in the optical bands, and the roads as bright 1-px lines.
        const WATER_RHO: [f64; 7] = [0.09, 0.08, 0.07, 0.05, 0.03, 0.012, 0.008];
        for (b, band) in bands.iter_mut().enumerate() {
            for ((r, c), v) in band.indexed_iter_mut() {
                let pc = (r as f64 + 0.5, c as f64 + 0.5);
                if river[[r, c]] {
                    *v = super::dn::oli_dn_of(WATER_RHO[b], s.sun_elevation_deg);
                } else if plan
                    .roads
                    .iter()
                    .any(|(_, l)| distance_to_line(pc, l) <= 0.6)
                {
                    *v = v.saturating_add(2500 + 300 * b as u16);
                }
            }
        }
    }

    let peak_scale = if pass.preset == Preset::Day { 1.3 } else { 1.0 };
    let mut truth_id = Array2::<u32>::zeros((rows, cols));
    let mut delta = Array2::<f32>::zeros((rows, cols));
    let mut objects = Vec::new();
    for (k, f) in fires(plan).into_iter().enumerate() {
        if !f.course.burns_on(i) {
            continue;
        }
        let id = k as u32 + 1;
        // A small change of intensity from pass to pass (±15 %).
        let u = hash3(plan.seed, 0x5EA5_0003, k as u64, i as u64);
        let peak = f.peak_k * peak_scale * (0.85 + 0.3 * super::rng::unit_f64(u));
        let reach = f.radius_px * 1.4 + 1.0;
        let (r0, r1) = (
            (f.core_rc.0 - reach).floor().max(0.0) as usize,
            ((f.core_rc.0 + reach).ceil() as usize).min(rows - 1),
        );
        let (c0, c1) = (
            (f.core_rc.1 - reach).floor().max(0.0) as usize,
            ((f.core_rc.1 + reach).ceil() as usize).min(cols - 1),
        );
        let mut px = Vec::new();
        for r in r0..=r1 {
            for c in c0..=c1 {
                let h = heat(f, peak, r as f64 + 0.5, c as f64 + 0.5);
                if h > 0.0 && !river[[r, c]] && truth_id[[r, c]] == 0 {
                    truth_id[[r, c]] = id;
                    delta[[r, c]] = h as f32;
                    px.push((r, c, h));
                }
            }
        }
        if px.is_empty() {
            continue;
        }
        let n = px.len() as f64;
        let core = px
            .iter()
            .max_by(|a, b| a.2.total_cmp(&b.2))
            .map(|p| (p.0, p.1))
            .unwrap_or_default();
        objects.push(PlantedObject {
            id,
            kind: ObjectKind::Blob,
            peak_delta_k: delta[[core.0, core.1]] as f64,
            pixels: px.len(),
            centroid_rc: (
                px.iter().map(|p| p.0 as f64).sum::<f64>() / n,
                px.iter().map(|p| p.1 as f64).sum::<f64>() / n,
            ),
            bbox: (
                px.iter().map(|p| p.0).min().unwrap_or(0),
                px.iter().map(|p| p.1).min().unwrap_or(0),
                px.iter().map(|p| p.0).max().unwrap_or(0),
                px.iter().map(|p| p.1).max().unwrap_or(0),
            ),
            core_rc: core,
            width_px: None,
        });
    }
    s.bt_k = ndarray::Zip::from(&s.background_k)
        .and(&delta)
        .map_collect(|&b, &d| if d != 0.0 { b + d } else { b });
    s.truth_id = truth_id;
    s.truth_delta_k = delta;
    s.facts.counts = super::PlantCounts {
        requested: objects.len(),
        planted: objects.len(),
        blobs: objects.len(),
        strips: 0,
        pixels: objects.iter().map(|o| o.pixels).sum(),
    };
    s.objects = objects;
    (s, p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_is_deterministic_and_complete() {
        let a = plan(2020);
        assert_eq!(a, plan(2020));
        assert_ne!(a, plan(2021));
        assert_eq!(a.known.len(), KNOWN_ZONES);
        assert_eq!(a.new_fires.len(), NEW_FIRES);
        let count = |c: Course| a.known.iter().filter(|k| k.fire.course == c).count();
        assert_eq!(count(Course::Persistent), 15);
        assert_eq!(count(Course::Extinguished), 3);
        assert_eq!(count(Course::Cold), 2);
        // Fires keep 25 px (750 m) plus both radii from each other and from the river.
        let all = fires(&a);
        for (i, f) in all.iter().enumerate() {
            assert!(distance_to_line(f.core_rc, &a.river_rc) > 25.0);
            for g in &all[i + 1..] {
                let d = (f.core_rc.0 - g.core_rc.0).hypot(f.core_rc.1 - g.core_rc.1);
                assert!(d > 25.0, "{d}");
            }
        }
    }

    #[test]
    fn pass_truth_follows_the_courses() {
        let a = plan(7);
        let all = fires(&a);
        for i in 0..PASSES.len() {
            let (s, p) = pass_scene(&a, i);
            assert_eq!(p.swir, i == 0);
            assert_eq!(s.swir_dn.is_some(), i == 0);
            let burning: Vec<u32> = (0..all.len())
                .filter(|&k| all[k].course.burns_on(i))
                .map(|k| k as u32 + 1)
                .collect();
            let planted: Vec<u32> = s.objects.iter().map(|o| o.id).collect();
            assert_eq!(planted, burning, "pass {i}");
            // Heat exactly where the truth says, and nowhere on the river.
            for (((&id, &bt), &bg), &q) in s
                .truth_id
                .iter()
                .zip(&s.bt_k)
                .zip(&s.background_k)
                .zip(&s.qa_pixel)
            {
                assert_eq!(id != 0, bt > bg);
                if q == QA_WATER {
                    assert_eq!(id, 0);
                }
            }
            assert!(s.facts.water_pixels > 512 * 6, "{}", s.facts.water_pixels);
        }
    }
}

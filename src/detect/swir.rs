//! `swir`: daytime active-fire test for Landsat 8/9 OLI (Schroeder et al. 2016, RSE 185:210),
//! exactly as `detection.md` §2 states it. Pure: arrays in, [`Detection`] out.
//!
//! Inputs are sun-corrected TOA reflectances `ρ = (Mρ·DN + Aρ) / sin(SUN_ELEVATION)` of OLI
//! bands 1–7 (band 1 optional, band 2 stands in for it). A single band at DN 0 among non-zero
//! bands is *not* fill (folded SWIR counts over very hot fires): its reflectance is the usual,
//! negative `Aρ / sin(θ)`, and the folding test catches it. Per pixel, in this order:
//!
//! 1. Fill pixels are not processed.
//! 2. Water (Eq. 7–9): `ρ4 > ρ5 > ρ6 > ρ7 ∧ ρ1 − ρ7 < 0.2 ∧ (ρ3 > ρ2 ∨ ρ1 > ρ2 > ρ3 > ρ4)`. Never
//!    fire, never background; not processed in the output.
//! 3. Unambiguous (Eq. 1, 2): `R75 > 2.5 ∧ ρ7 − ρ5 > 0.3 ∧ ρ7 > 0.5`, or the saturation/folding
//!    case `ρ6 > 0.8 ∧ ρ1 < 0.2 ∧ (ρ5 > 0.4 ∨ ρ7 < 0.1)`. Then, in one pass (no chaining), a pixel
//!    with saturated B7 (DN 65535) in the 3x3 neighbourhood of an unambiguous pixel is unambiguous.
//! 4. Candidate (Eq. 3, 6): `R75 > 1.8 ∧ ρ7 − ρ5 > 0.17 ∧ R76 > 1.6`.
//! 5. Contextual (Eq. 4, 5) for a candidate that is not unambiguous: over the 61x61 window
//!    (clipped at the raster edge, no guard box) the background is the valid, non-water,
//!    non-candidate, non-unambiguous pixels with `ρ7 > 0`; with at least 10 of them, fire when
//!    `R75 > mean(R75) + max(3σ(R75), 0.8)` and `ρ7 > mean(ρ7) + max(3σ(ρ7), 0.08)` (population σ).
//!    Fewer than 10: *unresolved* (not flagged, counted).
//!
//! Window statistics come from [`SummedArea`] tables (O(1) per pixel).

use ndarray::{Array2, Zip};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::window::SummedArea;
use super::{Detection, DetectionStats, Flagged, Method, confidence};
use crate::error::{Error, Result};

/// Thresholds of the `swir` method (`[detect.swir]`); defaults are the values of detection.md
/// §2 / Schroeder et al. 2016.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SwirParams {
    /// Unambiguous (Eq. 1): `R75 >` this.
    pub unambiguous_r75: f32,
    /// Unambiguous (Eq. 1): `ρ7 − ρ5 >` this.
    pub unambiguous_r7_minus_r5: f32,
    /// Unambiguous (Eq. 1): `ρ7 >` this.
    pub unambiguous_r7: f32,
    /// Saturation/folding case (Eq. 2): `ρ6 >` this ...
    pub folding_r6: f32,
    /// ... and `ρ1 <` this (ρ2 when band 1 is absent) ...
    pub folding_r1: f32,
    /// ... and (`ρ5 >` this ...
    pub folding_r5: f32,
    /// ... or `ρ7 <` this).
    pub folding_r7: f32,
    /// Water (Eq. 7–9): `ρ1 − ρ7 <` this (with the band-order conditions).
    pub water_r1_minus_r7: f32,
    /// Candidate (Eq. 3): `R75 >` this.
    pub candidate_r75: f32,
    /// Candidate (Eq. 3): `ρ7 − ρ5 >` this.
    pub candidate_r7_minus_r5: f32,
    /// Candidate (Eq. 6): `R76 >` this.
    pub candidate_r76: f32,
    /// Side of the square background window in pixels (odd; 61 px = 1830 m at 30 m).
    pub window_px: usize,
    /// Fewest background pixels for the contextual test; fewer → unresolved.
    pub min_background: u32,
    /// Contextual multiplier of the background standard deviations.
    pub k: f32,
    /// Contextual floor of `k·σ(R75)`.
    pub r75_floor: f32,
    /// Contextual floor of `k·σ(ρ7)`.
    pub r7_floor: f32,
    /// Extension, **off by default** (not in detection.md): also promote, in the same one pass,
    /// a 3x3 neighbour of an unambiguous pixel whose B7 folded to DN 0 (`SwirInput::b7_folded`),
    /// as if it were saturated.
    pub promote_folded_b7: bool,
}

impl Default for SwirParams {
    fn default() -> Self {
        Self {
            unambiguous_r75: 2.5,
            unambiguous_r7_minus_r5: 0.3,
            unambiguous_r7: 0.5,
            folding_r6: 0.8,
            folding_r1: 0.2,
            folding_r5: 0.4,
            folding_r7: 0.1,
            water_r1_minus_r7: 0.2,
            candidate_r75: 1.8,
            candidate_r7_minus_r5: 0.17,
            candidate_r76: 1.6,
            window_px: 61,
            min_background: 10,
            k: 3.0,
            r75_floor: 0.8,
            r7_floor: 0.08,
            promote_folded_b7: false,
        }
    }
}

impl SwirParams {
    /// Errors on an even or zero window, a non-positive `k`, or a NaN threshold.
    pub fn validate(&self) -> Result<()> {
        if self.window_px == 0 || self.window_px.is_multiple_of(2) {
            return Err(Error::Usage(format!(
                "detect.swir.window_px must be odd and positive, got {}",
                self.window_px
            )));
        }
        if self.k.is_nan() || self.k <= 0.0 {
            return Err(Error::Usage(format!(
                "detect.swir.k must be positive, got {}",
                self.k
            )));
        }
        let all = [
            self.unambiguous_r75,
            self.unambiguous_r7_minus_r5,
            self.unambiguous_r7,
            self.folding_r6,
            self.folding_r1,
            self.folding_r5,
            self.folding_r7,
            self.water_r1_minus_r7,
            self.candidate_r75,
            self.candidate_r7_minus_r5,
            self.candidate_r76,
            self.r75_floor,
            self.r7_floor,
        ];
        if all.iter().any(|v| v.is_nan()) {
            return Err(Error::Usage("detect.swir: a threshold is NaN".into()));
        }
        Ok(())
    }

    /// Floor of the ρ7 standard deviation in `z`: `r7_floor / k`, so that the contextual ρ7
    /// test `ρ7 > mean + max(k·σ, r7_floor)` is exactly `z > k`.
    pub fn r7_std_floor(&self) -> f32 {
        self.r7_floor / self.k
    }
}

/// Inputs of [`detect_swir`], all on one grid. Reflectances are sun-corrected TOA reflectances,
/// finite at a single-band DN 0 (see the module doc); their value at fill pixels is ignored.
#[derive(Debug, Clone, Copy)]
pub struct SwirInput<'a> {
    /// Coastal/aerosol band 1; `None` → band 2 stands in for it.
    pub r1: Option<&'a Array2<f32>>,
    pub r2: &'a Array2<f32>,
    pub r3: &'a Array2<f32>,
    pub r4: &'a Array2<f32>,
    pub r5: &'a Array2<f32>,
    pub r6: &'a Array2<f32>,
    pub r7: &'a Array2<f32>,
    /// B7 DN 65535.
    pub b7_saturated: &'a Array2<bool>,
    /// B7 DN 0 on a non-fill pixel (folded counts); used only with
    /// [`SwirParams::promote_folded_b7`].
    pub b7_folded: Option<&'a Array2<bool>>,
    /// No data: QA fill, or every band at DN 0.
    pub fill: &'a Array2<bool>,
}

impl SwirInput<'_> {
    /// `(rows, cols)` of the inputs.
    pub fn dim(&self) -> (usize, usize) {
        self.r7.dim()
    }

    fn check_shapes(&self) {
        let d = self.dim();
        let shapes = [
            self.r1.map(Array2::dim),
            Some(self.r2.dim()),
            Some(self.r3.dim()),
            Some(self.r4.dim()),
            Some(self.r5.dim()),
            Some(self.r6.dim()),
            Some(self.b7_saturated.dim()),
            self.b7_folded.map(Array2::dim),
            Some(self.fill.dim()),
        ];
        for s in shapes.into_iter().flatten() {
            assert_eq!(s, d, "swir inputs must share one shape");
        }
    }
}

/// Per-pixel class bits of the first pass.
mod kind {
    pub const FILL: u8 = 1;
    pub const WATER: u8 = 2;
    /// Unambiguous by Eq. 1 or 2 (before neighbour promotion).
    pub const UNAMBIGUOUS: u8 = 4;
    /// Promoted by the saturated-B7 neighbour rule.
    pub const PROMOTED: u8 = 8;
    pub const CANDIDATE: u8 = 16;
    pub const FIRE_HIGH: u8 = UNAMBIGUOUS | PROMOTED;
}

/// Per-pixel reflectances of one pixel, with ρ1 already substituted.
#[derive(Debug, Clone, Copy)]
struct Px {
    r1: f32,
    r2: f32,
    r3: f32,
    r4: f32,
    r5: f32,
    r6: f32,
    r7: f32,
}

impl Px {
    fn at(input: &SwirInput, r: usize, c: usize) -> Px {
        let r2 = input.r2[[r, c]];
        Px {
            r1: input.r1.map_or(r2, |a| a[[r, c]]),
            r2,
            r3: input.r3[[r, c]],
            r4: input.r4[[r, c]],
            r5: input.r5[[r, c]],
            r6: input.r6[[r, c]],
            r7: input.r7[[r, c]],
        }
    }

    fn is_water(&self, p: &SwirParams) -> bool {
        self.r4 > self.r5
            && self.r5 > self.r6
            && self.r6 > self.r7
            && self.r1 - self.r7 < p.water_r1_minus_r7
            && (self.r3 > self.r2 || (self.r1 > self.r2 && self.r2 > self.r3 && self.r3 > self.r4))
    }

    fn is_unambiguous(&self, p: &SwirParams) -> bool {
        let r75 = self.r7 / self.r5;
        let eq1 = r75 > p.unambiguous_r75
            && self.r7 - self.r5 > p.unambiguous_r7_minus_r5
            && self.r7 > p.unambiguous_r7;
        let eq2 = self.r6 > p.folding_r6
            && self.r1 < p.folding_r1
            && (self.r5 > p.folding_r5 || self.r7 < p.folding_r7);
        eq1 || eq2
    }

    fn is_candidate(&self, p: &SwirParams) -> bool {
        self.r7 / self.r5 > p.candidate_r75
            && self.r7 - self.r5 > p.candidate_r7_minus_r5
            && self.r7 / self.r6 > p.candidate_r76
    }
}

/// Runs the `swir` test (detection.md §2). The caller guarantees a daytime scene
/// (`stage::read_swir_bands` refuses others) and valid `params` ([`SwirParams::validate`]).
///
/// Output classes: `HIGH` unambiguous (incl. promoted neighbours), `NOMINAL` confirmed by the
/// contextual test, `NONE` elsewhere, `NOT_PROCESSED` for fill and water. Each flagged pixel
/// records `value = ρ7`, the ρ7 background mean and population σ of its window (also for
/// unambiguous pixels; NaN when the window holds no background pixel),
/// `z = (ρ7 − mean) / max(σ, r7_floor / k)`, `window_px` and the background count.
///
/// Statistics: `valid` = non-fill pixels (water included), `candidates` = non-water pixels
/// that passed the candidate test or are unambiguous, `unresolved` = candidates needing the
/// contextual test whose window held fewer than `min_background` background pixels.
///
/// # Panics
/// When the input arrays differ in shape.
pub fn detect_swir(input: &SwirInput, params: &SwirParams) -> Detection {
    input.check_shapes();
    let (rows, cols) = input.dim();

    // Pass 1: fill, water, unambiguous, candidate.
    let mut kinds = Array2::<u8>::zeros((rows, cols));
    Zip::indexed(&mut kinds).par_for_each(|(r, c), k| {
        if input.fill[[r, c]] {
            *k = kind::FILL;
            return;
        }
        let px = Px::at(input, r, c);
        if px.is_water(params) {
            *k = kind::WATER;
            return;
        }
        if px.is_unambiguous(params) {
            *k |= kind::UNAMBIGUOUS;
        }
        if px.is_candidate(params) {
            *k |= kind::CANDIDATE;
        }
    });

    // Pass 2, one pass: saturated-B7 (and optionally folded-B7) neighbours of unambiguous pixels.
    let promotable = |r: usize, c: usize| {
        input.b7_saturated[[r, c]]
            || (params.promote_folded_b7 && input.b7_folded.is_some_and(|f| f[[r, c]]))
    };
    let promoted: Vec<(usize, usize)> = (0..rows)
        .into_par_iter()
        .flat_map_iter(|r| {
            let kinds = &kinds;
            (0..cols).filter_map(move |c| {
                let k = kinds[[r, c]];
                let eligible = k & (kind::FILL | kind::WATER | kind::UNAMBIGUOUS) == 0;
                (eligible && promotable(r, c) && has_unambiguous_neighbour(kinds, r, c))
                    .then_some((r, c))
            })
        })
        .collect();
    for &(r, c) in &promoted {
        kinds[[r, c]] |= kind::PROMOTED;
    }

    // Pixels to report on: unambiguous (HIGH) and candidates needing the contextual test.
    let tested: Vec<(usize, usize)> = kinds
        .indexed_iter()
        .filter(|&(_, &k)| k & (kind::FIRE_HIGH | kind::CANDIDATE) != 0)
        .map(|(idx, _)| idx)
        .collect();
    let valid = kinds.iter().filter(|&&k| k & kind::FILL == 0).count();
    let mut classes = kinds.mapv(|k| {
        if k & (kind::FILL | kind::WATER) != 0 {
            confidence::NOT_PROCESSED
        } else {
            confidence::NONE
        }
    });
    let mut stats = DetectionStats {
        valid,
        candidates: tested.len(),
        ..DetectionStats::default()
    };
    if tested.is_empty() {
        return Detection {
            method: Method::Swir,
            classes,
            flagged: Vec::new(),
            stats,
        };
    }

    // Background: valid, not water, not candidate, not unambiguous, ρ7 > 0 (and finite R75, so
    // that a ρ5 of exactly 0 cannot poison the sums). Values NaN outside it.
    let mut bg_r75 = Array2::<f32>::from_elem((rows, cols), f32::NAN);
    let mut bg_r7 = Array2::<f32>::from_elem((rows, cols), f32::NAN);
    Zip::from(&mut bg_r75)
        .and(&mut bg_r7)
        .and(&kinds)
        .and(input.r5)
        .and(input.r7)
        .par_for_each(|a, b, &k, &r5, &r7| {
            let r75 = r7 / r5;
            if k == 0 && r7 > 0.0 && r75.is_finite() {
                *a = r75;
                *b = r7;
            }
        });
    let sat_r75 = SummedArea::new(&bg_r75, |_, _| true);
    let sat_r7 = SummedArea::new(&bg_r7, |_, _| true);
    drop((bg_r75, bg_r7));

    let side = params.window_px;
    let std_floor = f64::from(params.r7_std_floor());
    let outcomes: Vec<Outcome> = tested
        .par_iter()
        .map(|&(r, c)| {
            let k = kinds[[r, c]];
            let r7 = input.r7[[r, c]];
            let w7 = sat_r7.centred(r, c, side, 0);
            let n = w7.map_or(0, |w| w.count);
            let (mean, std) = w7.map_or((f64::NAN, f64::NAN), |w| (w.mean, w.std));
            let z = (f64::from(r7) - mean) / std.max(std_floor);
            let flag = |conf| Flagged {
                row: r,
                col: c,
                value: r7,
                bg_mean: mean as f32,
                bg_std: std as f32,
                z: z as f32,
                window_px: side as u32,
                n_background: n,
                confidence: conf,
                method: Method::Swir,
            };
            if k & kind::FIRE_HIGH != 0 {
                return Outcome::Flagged(flag(confidence::HIGH));
            }
            if n < params.min_background {
                return Outcome::Unresolved;
            }
            let (Some(w75), Some(w7)) = (sat_r75.centred(r, c, side, 0), w7) else {
                return Outcome::Unresolved;
            };
            let kf = f64::from(params.k);
            let r75 = f64::from(r7 / input.r5[[r, c]]);
            let pass_r75 = r75 > w75.mean + (kf * w75.std).max(f64::from(params.r75_floor));
            let pass_r7 = f64::from(r7) > w7.mean + (kf * w7.std).max(f64::from(params.r7_floor));
            if pass_r75 && pass_r7 {
                Outcome::Flagged(flag(confidence::NOMINAL))
            } else {
                Outcome::Rejected
            }
        })
        .collect();

    let mut flagged = Vec::new();
    for o in outcomes {
        match o {
            Outcome::Flagged(f) => {
                classes[[f.row, f.col]] = f.confidence;
                flagged.push(f);
            }
            Outcome::Unresolved => stats.unresolved += 1,
            Outcome::Rejected => {}
        }
    }
    stats.flagged = flagged.len();
    Detection {
        method: Method::Swir,
        classes,
        flagged,
        stats,
    }
}

enum Outcome {
    Flagged(Flagged),
    Unresolved,
    Rejected,
}

fn has_unambiguous_neighbour(kinds: &Array2<u8>, r: usize, c: usize) -> bool {
    let (rows, cols) = kinds.dim();
    (r.saturating_sub(1)..=(r + 1).min(rows - 1)).any(|rr| {
        (c.saturating_sub(1)..=(c + 1).min(cols - 1))
            .any(|cc| (rr, cc) != (r, c) && kinds[[rr, cc]] & kind::UNAMBIGUOUS != 0)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A scene of plain vegetated land: ρ1..ρ7 = 0.08, 0.07, 0.06, 0.05, 0.30, 0.20, 0.10
    /// (R75 = 0.33, not water since ρ4 < ρ5).
    struct Scene {
        r: [Array2<f32>; 7],
        sat: Array2<bool>,
        folded: Array2<bool>,
        fill: Array2<bool>,
        with_b1: bool,
    }

    const LAND: [f32; 7] = [0.08, 0.07, 0.06, 0.05, 0.30, 0.20, 0.10];

    impl Scene {
        fn new(rows: usize, cols: usize) -> Self {
            Self {
                r: LAND.map(|v| Array2::from_elem((rows, cols), v)),
                sat: Array2::from_elem((rows, cols), false),
                folded: Array2::from_elem((rows, cols), false),
                fill: Array2::from_elem((rows, cols), false),
                with_b1: true,
            }
        }

        /// Sets ρ1..ρ7 of one pixel.
        fn set(&mut self, rc: (usize, usize), v: [f32; 7]) {
            for (b, x) in v.into_iter().enumerate() {
                self.r[b][[rc.0, rc.1]] = x;
            }
        }

        fn run(&self, p: &SwirParams) -> Detection {
            let input = SwirInput {
                r1: self.with_b1.then_some(&self.r[0]),
                r2: &self.r[1],
                r3: &self.r[2],
                r4: &self.r[3],
                r5: &self.r[4],
                r6: &self.r[5],
                r7: &self.r[6],
                b7_saturated: &self.sat,
                b7_folded: Some(&self.folded),
                fill: &self.fill,
            };
            detect_swir(&input, p)
        }
    }

    /// Eq. 1 fire: R75 = 0.8 / 0.2 = 4, ρ7 − ρ5 = 0.6, ρ7 = 0.8.
    const FIRE: [f32; 7] = [0.08, 0.07, 0.06, 0.05, 0.20, 0.40, 0.80];

    #[test]
    fn defaults_are_the_spec_values_and_serde_round_trips() {
        let p = SwirParams::default();
        assert_eq!(
            (
                p.unambiguous_r75,
                p.unambiguous_r7_minus_r5,
                p.unambiguous_r7
            ),
            (2.5, 0.3, 0.5)
        );
        assert_eq!(
            (p.folding_r6, p.folding_r1, p.folding_r5, p.folding_r7),
            (0.8, 0.2, 0.4, 0.1)
        );
        assert_eq!(
            (p.candidate_r75, p.candidate_r7_minus_r5, p.candidate_r76),
            (1.8, 0.17, 1.6)
        );
        assert_eq!((p.window_px, p.min_background, p.k), (61, 10, 3.0));
        assert_eq!(
            (p.r75_floor, p.r7_floor, p.water_r1_minus_r7),
            (0.8, 0.08, 0.2)
        );
        assert!(!p.promote_folded_b7);
        p.validate().unwrap();
        let q: SwirParams = toml::from_str("k = 4.0\n").unwrap();
        assert_eq!(
            q,
            SwirParams {
                k: 4.0,
                ..SwirParams::default()
            }
        );
        assert!(toml::from_str::<SwirParams>("kk = 4.0\n").is_err());
        assert!(
            SwirParams {
                window_px: 60,
                ..p.clone()
            }
            .validate()
            .is_err()
        );
        assert!(SwirParams { k: 0.0, ..p }.validate().is_err());
    }

    #[test]
    fn unambiguous_eq1_is_high_with_background_stats() {
        let mut s = Scene::new(15, 15);
        s.set((7, 7), FIRE);
        // Just below each Eq. 1 threshold, and not a candidate either (R76 < 1.6).
        s.set((2, 2), [0.08, 0.07, 0.06, 0.05, 0.20, 0.40, 0.49]);
        let d = s.run(&SwirParams::default());
        assert_eq!(d.method, Method::Swir);
        assert_eq!(d.flagged.len(), 1);
        let f = d.flagged[0];
        assert_eq!((f.row, f.col, f.confidence), (7, 7, confidence::HIGH));
        assert_eq!(f.value, 0.80);
        // Background: every other pixel, (2, 2) included (ρ7 > 0, not a candidate).
        assert_eq!(f.n_background, 15 * 15 - 1);
        let n = 224.0f64;
        let mean = (223.0 * 0.1 + 0.49) / n;
        let std = ((223.0 * (0.1 - mean).powi(2) + (0.49 - mean).powi(2)) / n).sqrt();
        assert!((f64::from(f.bg_mean) - mean).abs() < 1e-6, "{}", f.bg_mean);
        assert!((f64::from(f.bg_std) - std).abs() < 1e-5, "{}", f.bg_std);
        // σ = 0.026 is below the floor 0.08 / 3 = 0.0267.
        let z = (0.8 - mean) / std.max(0.08 / 3.0);
        assert!((f64::from(f.z) - z).abs() < 1e-3, "{} vs {z}", f.z);
        assert_eq!(d.classes[[7, 7]], confidence::HIGH);
        assert_eq!(d.classes[[2, 2]], confidence::NONE);
        assert_eq!(
            d.stats,
            DetectionStats {
                valid: 225,
                candidates: 1,
                flagged: 1,
                unresolved: 0
            }
        );
    }

    #[test]
    fn folding_case_uses_r2_when_band_1_is_absent() {
        // ρ6 > 0.8, ρ7 folded negative (< 0.1): Eq. 2 when ρ1 < 0.2.
        let folded = [0.30, 0.10, 0.06, 0.05, 0.20, 0.95, -0.137];
        let mut s = Scene::new(5, 5);
        s.set((2, 2), folded);
        // With band 1 present, ρ1 = 0.30 fails `ρ1 < 0.2`.
        assert!(s.run(&SwirParams::default()).flagged.is_empty());
        // Without band 1, ρ2 = 0.10 stands in and passes.
        s.with_b1 = false;
        let d = s.run(&SwirParams::default());
        assert_eq!(d.flagged.len(), 1);
        assert_eq!(d.classes[[2, 2]], confidence::HIGH);
        // The other branch: ρ5 > 0.4 with ρ7 large.
        let mut s = Scene::new(5, 5);
        s.set((1, 1), [0.1, 0.1, 0.06, 0.05, 0.45, 0.85, 0.3]);
        assert_eq!(
            s.run(&SwirParams::default()).classes[[1, 1]],
            confidence::HIGH
        );
    }

    #[test]
    fn saturated_b7_neighbours_promoted_in_one_pass() {
        let mut s = Scene::new(7, 9);
        s.set((3, 2), FIRE);
        // Saturated chain (3,3), (3,4): only (3,3) touches the unambiguous pixel.
        s.sat[[3, 3]] = true;
        s.sat[[3, 4]] = true;
        // Folded B7 neighbour: promoted only with the extension switched on.
        s.folded[[2, 1]] = true;
        let d = s.run(&SwirParams::default());
        assert_eq!(d.classes[[3, 3]], confidence::HIGH);
        assert_eq!(d.classes[[3, 4]], confidence::NONE, "no chaining");
        assert_eq!(d.classes[[2, 1]], confidence::NONE);
        assert_eq!(d.stats.flagged, 2);
        let p = SwirParams {
            promote_folded_b7: true,
            ..SwirParams::default()
        };
        assert_eq!(s.run(&p).classes[[2, 1]], confidence::HIGH);
        // A saturated pixel away from any unambiguous pixel is not fire by itself.
        let mut s = Scene::new(5, 5);
        s.sat[[2, 2]] = true;
        assert!(s.run(&SwirParams::default()).flagged.is_empty());
    }

    #[test]
    fn water_is_never_fire_nor_background() {
        // Water: ρ4 > ρ5 > ρ6 > ρ7, ρ1 − ρ7 < 0.2, ρ3 > ρ2.
        let water = [0.10, 0.08, 0.09, 0.07, 0.04, 0.02, 0.01];
        let mut s = Scene::new(11, 11);
        for r in 0..11 {
            for c in 0..6 {
                s.set((r, c), water);
            }
        }
        // A water pixel with saturated B7 next to a fire is not promoted.
        s.set((5, 6), FIRE);
        s.sat[[5, 5]] = true;
        let d = s.run(&SwirParams::default());
        assert_eq!(d.classes[[0, 0]], confidence::NOT_PROCESSED);
        assert_eq!(
            d.classes[[5, 5]],
            confidence::NOT_PROCESSED,
            "water is never fire"
        );
        assert_eq!(d.classes[[5, 6]], confidence::HIGH);
        // Background of the fire: the 11x5 land block minus the fire itself.
        assert_eq!(d.flagged[0].n_background, 11 * 5 - 1);
        assert_eq!(d.stats.valid, 121);
        // Water with ρ1 > ρ2 > ρ3 > ρ4 branch.
        let mut s = Scene::new(3, 3);
        s.set((1, 1), [0.12, 0.10, 0.08, 0.07, 0.04, 0.02, 0.01]);
        assert_eq!(
            s.run(&SwirParams::default()).classes[[1, 1]],
            confidence::NOT_PROCESSED
        );
    }

    /// Candidate: R75 = 0.45 / 0.22 = 2.05 (< 2.5), ρ7 − ρ5 = 0.23, R76 = 0.45 / 0.25 = 1.8.
    const CANDIDATE: [f32; 7] = [0.08, 0.07, 0.06, 0.05, 0.22, 0.25, 0.45];

    #[test]
    fn candidate_confirmed_or_rejected_by_context() {
        let mut s = Scene::new(21, 21);
        s.set((10, 10), CANDIDATE);
        let d = s.run(&SwirParams::default());
        // Background R75 = 0.333, σ 0 → threshold 0.333 + 0.8 < 2.05; ρ7 0.1 + 0.08 < 0.45.
        assert_eq!(d.classes[[10, 10]], confidence::NOMINAL);
        let f = d.flagged[0];
        assert_eq!(f.n_background, 21 * 21 - 1);
        assert!((f.z - 0.35 / (0.08 / 3.0)).abs() < 0.01);
        assert_eq!(d.stats.candidates, 1);
        // A hot, variable background: half the window at ρ7 0.35 / ρ5 0.3 (R75 1.17), half at
        // plain land → σ(ρ7) = 0.125, mean 0.225 → threshold 0.225 + 0.375 = 0.6 > 0.45.
        for r in 0..21 {
            for c in 0..21 {
                if (r + c) % 2 == 0 && (r, c) != (10, 10) {
                    s.set((r, c), [0.08, 0.07, 0.06, 0.05, 0.30, 0.30, 0.35]);
                }
            }
        }
        let d = s.run(&SwirParams::default());
        assert_eq!(d.classes[[10, 10]], confidence::NONE);
        assert_eq!(
            d.stats,
            DetectionStats {
                valid: 441,
                candidates: 1,
                flagged: 0,
                unresolved: 0
            }
        );
    }

    #[test]
    fn fewer_than_10_background_pixels_is_unresolved() {
        // 3x3 scene: 8 background pixels around the candidate.
        let mut s = Scene::new(3, 3);
        s.set((1, 1), CANDIDATE);
        let d = s.run(&SwirParams::default());
        assert!(d.flagged.is_empty());
        assert_eq!(d.stats.unresolved, 1);
        assert_eq!(d.stats.candidates, 1);
        // ρ7 ≤ 0 and fill pixels are no background either: 4x4, candidate at a corner, 7 of the
        // other 15 unusable → 8 background pixels.
        let mut s = Scene::new(4, 4);
        s.set((0, 0), CANDIDATE);
        for (r, c) in [(0, 1), (0, 2), (0, 3), (1, 0)] {
            s.r[6][[r, c]] = -0.05;
        }
        for (r, c) in [(1, 1), (2, 2), (3, 3)] {
            s.fill[[r, c]] = true;
        }
        let d = s.run(&SwirParams::default());
        assert_eq!(d.stats.unresolved, 1);
        assert_eq!(d.classes[[1, 1]], confidence::NOT_PROCESSED);
        assert_eq!(d.stats.valid, 13);
        let p = SwirParams {
            min_background: 9,
            ..SwirParams::default()
        };
        assert_eq!(s.run(&p).stats.unresolved, 1);
        let p = SwirParams {
            min_background: 8,
            ..SwirParams::default()
        };
        let d = s.run(&p);
        assert_eq!(d.stats.unresolved, 0);
        assert_eq!(d.flagged[0].n_background, 8);
    }

    #[test]
    fn fill_pixels_are_not_processed_and_not_background() {
        let mut s = Scene::new(12, 12);
        s.set((6, 6), CANDIDATE);
        for r in 0..12 {
            for c in 0..12 {
                if (r, c) != (6, 6) && (r + c) % 3 != 0 {
                    s.fill[[r, c]] = true;
                    // Values under fill must be ignored, even fire-like ones.
                    s.set((r, c), FIRE);
                }
            }
        }
        let d = s.run(&SwirParams::default());
        let n_fill = s.fill.iter().filter(|&&f| f).count();
        assert_eq!(d.stats.valid, 144 - n_fill);
        assert_eq!(d.flagged.len(), 1);
        assert_eq!(d.flagged[0].confidence, confidence::NOMINAL);
        assert_eq!(d.flagged[0].n_background as usize, 144 - n_fill - 1);
        assert!(
            d.classes
                .iter()
                .filter(|&&c| c == confidence::NOT_PROCESSED)
                .count()
                == n_fill
        );
    }

    #[test]
    fn unambiguous_without_background_has_nan_stats() {
        let mut s = Scene::new(1, 2);
        s.set((0, 0), FIRE);
        s.set((0, 1), FIRE);
        let d = s.run(&SwirParams::default());
        assert_eq!(d.flagged.len(), 2);
        assert!(d.flagged[0].bg_mean.is_nan() && d.flagged[0].z.is_nan());
        assert_eq!(d.flagged[0].n_background, 0);
    }
}

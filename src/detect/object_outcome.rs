//! What became of each planted object in one detection: found as a fire zone, seen only as
//! low-confidence evidence, or missed by the pixel test. `seamfire accuracy --objects FILE`
//! writes these rows, so that a tuning study can see *why* a bin's recall is what it is (the
//! object's size, its measured excess, the spread of its background) instead of a count alone.

use ndarray::Array2;
use serde::Serialize;

use super::Flagged;
use super::confidence;

/// How far a planted object got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// At least one of its pixels is in a fire zone (nominal or high confidence).
    Zone,
    /// Some of its pixels passed the pixel test, but only as low-confidence evidence (below the
    /// scene's budget threshold).
    Low,
    /// None of its pixels passed the pixel test.
    Missed,
}

impl Outcome {
    pub fn name(self) -> &'static str {
        match self {
            Self::Zone => "zone",
            Self::Low => "low",
            Self::Missed => "missed",
        }
    }
}

/// One planted object's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ObjectOutcome {
    pub id: u32,
    /// `blob` or `strip`.
    pub kind: &'static str,
    pub pixels: usize,
    /// The planted peak excess, K.
    pub peak_delta_k: f64,
    pub outcome: Outcome,
    /// Largest `T − bg_mean` among its flagged pixels, K (`None` when missed).
    pub max_delta_k: Option<f64>,
    /// Largest `z` among its flagged pixels.
    pub max_z: Option<f64>,
    /// Background spread (`bg_std`) at its pixel of largest excess, K.
    pub bg_std_k: Option<f64>,
}

/// A planted object as [`outcomes`] needs it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Planted {
    pub id: u32,
    pub kind: &'static str,
    pub pixels: usize,
    pub peak_delta_k: f64,
}

/// The outcome of every object of `objects` given the flagged pixels of a detection and the
/// truth raster (`truth[r, c]` = object id, 0 = none). `zone_of(f)`: whether a flagged pixel is
/// part of a fire zone (nominal or high, or low when low-confidence zones are configured).
pub fn outcomes(
    flagged: &[Flagged],
    truth: &Array2<u32>,
    objects: &[Planted],
    zone_of: impl Fn(&Flagged) -> bool,
) -> Vec<ObjectOutcome> {
    #[derive(Default, Clone, Copy)]
    struct Best {
        zone: bool,
        seen: bool,
        delta_k: f64,
        z: f64,
        bg_std_k: f64,
    }
    let mut best = std::collections::HashMap::<u32, Best>::new();
    for f in flagged {
        let id = truth[[f.row, f.col]];
        if id == 0 {
            continue;
        }
        let b = best.entry(id).or_default();
        let delta_k = f64::from(f.value) - f64::from(f.bg_mean);
        b.zone |= zone_of(f);
        if !b.seen || delta_k > b.delta_k {
            b.delta_k = delta_k;
            b.bg_std_k = f64::from(f.bg_std);
        }
        b.z = if b.seen {
            b.z.max(f64::from(f.z))
        } else {
            f64::from(f.z)
        };
        b.seen = true;
    }
    objects
        .iter()
        .map(|o| {
            let b = best.get(&o.id).copied();
            let outcome = match b {
                Some(b) if b.zone => Outcome::Zone,
                Some(_) => Outcome::Low,
                None => Outcome::Missed,
            };
            ObjectOutcome {
                id: o.id,
                kind: o.kind,
                pixels: o.pixels,
                peak_delta_k: o.peak_delta_k,
                outcome,
                max_delta_k: b.map(|b| b.delta_k),
                max_z: b.map(|b| b.z),
                bg_std_k: b.map(|b| b.bg_std_k),
            }
        })
        .collect()
}

/// Whether a flagged pixel is a fire-zone pixel under `low_confidence_zones`.
pub fn in_zone(f: &Flagged, low_confidence_zones: bool) -> bool {
    low_confidence_zones || f.confidence >= confidence::NOMINAL
}

/// Header of [`csv_row`].
pub const CSV_HEADER: &str =
    "background,seed,id,kind,pixels,peak_delta_k,outcome,max_delta_k,max_z,bg_std_k";

/// One CSV row (empty fields where the object was missed).
pub fn csv_row(background: &str, seed: u64, o: &ObjectOutcome) -> String {
    let opt = |v: Option<f64>| v.map(|v| format!("{v:.3}")).unwrap_or_default();
    let name = if background.contains([',', '"']) {
        format!("\"{}\"", background.replace('"', "\"\""))
    } else {
        background.to_string()
    };
    format!(
        "{name},{seed},{},{},{},{:.3},{},{},{},{}",
        o.id,
        o.kind,
        o.pixels,
        o.peak_delta_k,
        o.outcome.name(),
        opt(o.max_delta_k),
        opt(o.max_z),
        opt(o.bg_std_k)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::Method;

    fn flag(row: usize, col: usize, value: f32, bg_mean: f32, z: f32, confidence: u8) -> Flagged {
        Flagged {
            row,
            col,
            value,
            bg_mean,
            bg_std: 0.5,
            z,
            window_px: 11,
            n_background: 100,
            confidence,
            method: Method::Contextual,
        }
    }

    #[test]
    fn each_object_gets_its_best_pixel_and_the_right_outcome() {
        let mut truth = Array2::<u32>::zeros((4, 4));
        truth[[0, 0]] = 1; // two low pixels
        truth[[0, 1]] = 1;
        truth[[2, 2]] = 2; // one low, one high: a zone
        truth[[2, 3]] = 2;
        truth[[3, 0]] = 3; // nothing flagged
        let flagged = [
            flag(0, 0, 303.0, 300.0, 4.5, confidence::LOW),
            flag(0, 1, 302.0, 299.5, 5.0, confidence::LOW),
            flag(2, 2, 310.0, 300.0, 20.0, confidence::HIGH),
            flag(2, 3, 304.0, 300.0, 8.0, confidence::LOW),
            flag(1, 3, 309.0, 300.0, 9.0, confidence::HIGH), // background: ignored
        ];
        let objects: Vec<Planted> = (1..=3)
            .map(|id| Planted {
                id,
                kind: "blob",
                pixels: 2,
                peak_delta_k: 4.0,
            })
            .collect();
        let o = outcomes(&flagged, &truth, &objects, |f| in_zone(f, false));
        assert_eq!(
            o.iter().map(|o| o.outcome).collect::<Vec<_>>(),
            [Outcome::Low, Outcome::Zone, Outcome::Missed]
        );
        assert_eq!(o[0].max_delta_k, Some(3.0));
        assert_eq!(
            o[0].max_z,
            Some(5.0),
            "the largest z, not the largest excess's"
        );
        assert_eq!(o[1].max_delta_k, Some(10.0));
        assert_eq!(o[2].max_delta_k, None);
        let all = outcomes(&flagged, &truth, &objects, |f| in_zone(f, true));
        assert_eq!(
            all[0].outcome,
            Outcome::Zone,
            "low evidence is a zone when asked"
        );
        assert_eq!(
            csv_row("a,b.tif", 3, &o[2]),
            "\"a,b.tif\",3,3,blob,2,4.000,missed,,,"
        );
        assert_eq!(
            csv_row("x.tif", 1, &o[0]),
            "x.tif,1,1,blob,2,4.000,low,3.000,5.000,0.500"
        );
    }
}

//! Summed-area window statistics equal a brute-force window computation on random rasters with
//! NaN and masks, at every position (edges included) and every odd window size up to larger
//! than the raster, with and without a guard hole.

use ndarray::Array2;
use proptest::prelude::*;
use seamfire::detect::window::{Rect, SummedArea, brute_force};

fn raster() -> impl Strategy<Value = (Array2<f32>, Array2<bool>)> {
    (1usize..14, 1usize..14).prop_flat_map(|(rows, cols)| {
        let n = rows * cols;
        (
            prop::collection::vec(prop_oneof![8 => 250.0f32..350.0, 1 => Just(f32::NAN)], n),
            prop::collection::vec(prop::bool::weighted(0.8), n),
        )
            .prop_map(move |(v, m)| {
                (
                    Array2::from_shape_vec((rows, cols), v).unwrap(),
                    Array2::from_shape_vec((rows, cols), m).unwrap(),
                )
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn summed_area_equals_brute_force((values, mask) in raster(), guard_half in 0usize..3) {
        let (rows, cols) = values.dim();
        // Built for another mask first, then refilled: reused tables must hold no stale sums.
        let mut sat = SummedArea::new(&values, |r, c| !mask[[r, c]]);
        sat.refill(&values, |r, c| mask[[r, c]]);
        let max_side = 2 * rows.max(cols) + 1;
        for side in (1..=max_side).step_by(2) {
            for r in 0..rows {
                for c in 0..cols {
                    let guard = 2 * guard_half + 1;
                    let guard = if guard_half == 0 { 0 } else { guard.min(side) };
                    let got = sat.centred(r, c, side, guard);
                    let outer = Rect::centred(r, c, side, rows, cols);
                    let hole = (guard > 0).then(|| Rect::centred(r, c, guard, rows, cols));
                    let want = brute_force(&values, |rr, cc| mask[[rr, cc]], outer, hole);
                    match (got, want) {
                        (None, None) => {}
                        (Some(g), Some(w)) => {
                            prop_assert_eq!(g.count, w.count);
                            prop_assert!((g.mean - w.mean).abs() < 1e-9, "mean {} vs {}", g.mean, w.mean);
                            // Variances agree to 1e-6 K² (the std of a single value may come out
                            // as 1e-6 instead of 0 from cancellation, which is harmless).
                            let (gv, wv) = (g.std * g.std, w.std * w.std);
                            prop_assert!((gv - wv).abs() < 1e-6, "var {} vs {} (n={})", gv, wv, w.count);
                        }
                        (g, w) => prop_assert!(false, "presence differs: {g:?} vs {w:?}"),
                    }
                }
            }
        }
    }
}

#[test]
fn full_scene_magnitudes_keep_precision() {
    // 2000 x 2000 at ~300 K with 0.1 K texture: the shift keeps sums of squares precise.
    let values = Array2::from_shape_fn((2000, 2000), |(r, c)| {
        300.0 + 0.1 * (((r * 31 + c * 17) % 7) as f32 - 3.0)
    });
    let sat = SummedArea::new(&values, |_, _| true);
    let (r, c) = (1999, 1999);
    let got = sat.centred(r, c, 101, 3).unwrap();
    let outer = Rect::centred(r, c, 101, 2000, 2000);
    let hole = Some(Rect::centred(r, c, 3, 2000, 2000));
    let want = brute_force(&values, |_, _| true, outer, hole).unwrap();
    assert_eq!(got.count, want.count);
    assert!(
        (got.std - want.std).abs() < 1e-6,
        "{} vs {}",
        got.std,
        want.std
    );
}

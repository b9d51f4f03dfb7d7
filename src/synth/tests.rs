//! Unit tests of the generator on small in-memory scenes.

use ndarray::Array2;

use super::qa::{QA_CLEAR, QA_FILL, QA_WATER};
use super::*;

fn small(seed: u64, preset: Preset) -> SynthParams {
    SynthParams::new(seed, 300, 340, preset)
}

fn same_bits(a: &Array2<f32>, b: &Array2<f32>) -> bool {
    a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits())
}

/// Robust standard deviation (1.4826 · MAD) of a sample.
fn robust_std(mut v: Vec<f64>) -> f64 {
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let m = median(&mut v);
    let mut dev: Vec<f64> = v.iter().map(|x| (x - m).abs()).collect();
    1.4826 * median(&mut dev)
}

/// Robust standard deviation of the row and column second differences over pixels of clear land
/// whose 3x3 neighbourhood is clear land without objects, divided by sqrt(6): the white-noise
/// level (robust, so that the sparse warm and cold spots do not count as noise).
fn noise_from_second_differences(s: &SynthScene) -> f64 {
    let (rows, cols) = s.shape();
    let ok = |r: usize, c: usize| s.qa_pixel[[r, c]] == QA_CLEAR && s.truth_id[[r, c]] == 0;
    let mut d = Vec::new();
    for r in 1..rows - 1 {
        for c in 1..cols - 1 {
            if !(ok(r, c) && ok(r, c - 1) && ok(r, c + 1) && ok(r - 1, c) && ok(r + 1, c)) {
                continue;
            }
            let t = |r: usize, c: usize| f64::from(s.background_k[[r, c]]);
            d.push(t(r, c - 1) - 2.0 * t(r, c) + t(r, c + 1));
            d.push(t(r - 1, c) - 2.0 * t(r, c) + t(r + 1, c));
        }
    }
    robust_std(d) / 6f64.sqrt()
}

/// Standard deviation of the background minus its 15x15 mean (clear land only): local texture,
/// as a plain and as a robust standard deviation.
fn local_texture_k(s: &SynthScene) -> (f64, f64) {
    let (rows, cols) = s.shape();
    let h = 7;
    let mut ds = Vec::new();
    for r in (h..rows - h).step_by(3) {
        for c in (h..cols - h).step_by(3) {
            let mut m = 0f64;
            let mut k = 0usize;
            for rr in r - h..=r + h {
                for cc in c - h..=c + h {
                    if s.qa_pixel[[rr, cc]] == QA_CLEAR {
                        m += f64::from(s.background_k[[rr, cc]]);
                        k += 1;
                    }
                }
            }
            if k < 200 || s.qa_pixel[[r, c]] != QA_CLEAR {
                continue;
            }
            ds.push(f64::from(s.background_k[[r, c]]) - m / k as f64);
        }
    }
    let plain = (ds.iter().map(|d| d * d).sum::<f64>() / ds.len() as f64).sqrt();
    (plain, robust_std(ds))
}

/// Asserts the invariants every scene must hold: truth exact, objects disjoint with the gap,
/// nothing on invalid pixels or the border, object records consistent with the rasters.
fn check_truth(s: &SynthScene, p: &SynthParams, plantable: &Array2<bool>) {
    let (rows, cols) = s.shape();
    let gap = p.min_gap_px as i64;
    let mut counts = vec![0usize; s.objects.len() + 1];
    for ((r, c), &id) in s.truth_id.indexed_iter() {
        let heat = s.bt_k[[r, c]] - s.background_k[[r, c]];
        assert_eq!(id != 0, heat > 0.0, "truth vs heat at {r},{c}");
        assert_eq!(id != 0, s.truth_delta_k[[r, c]] > 0.0);
        if id == 0 {
            assert!(s.bt_k[[r, c]].to_bits() == s.background_k[[r, c]].to_bits());
            continue;
        }
        counts[id as usize] += 1;
        assert!(plantable[[r, c]], "object {id} on an invalid pixel {r},{c}");
        assert!(
            r >= BORDER_PX && c >= BORDER_PX && r < rows - BORDER_PX && c < cols - BORDER_PX,
            "object {id} on the border"
        );
        let (r, c) = (r as i64, c as i64);
        for rr in (r - gap).max(0)..=(r + gap).min(rows as i64 - 1) {
            for cc in (c - gap).max(0)..=(c + gap).min(cols as i64 - 1) {
                let (ur, uc) = (rr as usize, cc as usize);
                let other = s.truth_id[[ur, uc]];
                assert!(
                    other == 0 || other == id,
                    "objects {id} and {other} closer than the gap"
                );
                assert!(
                    plantable[[ur, uc]],
                    "object {id} within the gap of an invalid pixel"
                );
            }
        }
    }
    let (dmin, dmax) = p.delta_range_k;
    let (smin, smax) = p.size_range_px;
    for (i, o) in s.objects.iter().enumerate() {
        assert_eq!(o.id as usize, i + 1);
        assert_eq!(o.pixels, counts[i + 1], "pixel count of object {}", o.id);
        assert!((smin..=smax).contains(&o.pixels), "size {}", o.pixels);
        assert!(
            o.peak_delta_k >= dmin && o.peak_delta_k <= dmax,
            "peak {}",
            o.peak_delta_k
        );
        let core = s.truth_delta_k[[o.core_rc.0, o.core_rc.1]];
        assert!(
            (f64::from(core) - o.peak_delta_k).abs() < 1e-5,
            "core heat = peak"
        );
        let (r0, c0, r1, c1) = o.bbox;
        assert!(r0 as f64 <= o.centroid_rc.0 && o.centroid_rc.0 <= r1 as f64);
        assert!(c0 as f64 <= o.centroid_rc.1 && o.centroid_rc.1 <= c1 as f64);
        // Every pixel carries between 0.3 and 1 times the peak.
        let mut inside = 0;
        for r in r0..=r1 {
            for c in c0..=c1 {
                if s.truth_id[[r, c]] == o.id {
                    inside += 1;
                    let f = f64::from(s.truth_delta_k[[r, c]]) / o.peak_delta_k;
                    assert!((0.3 - 1e-6..=1.0 + 1e-6).contains(&f), "falloff {f}");
                }
            }
        }
        assert_eq!(inside, o.pixels, "bbox holds the whole object");
        if o.kind == ObjectKind::Strip {
            assert!((1..=3).contains(&o.width_px.unwrap()));
        }
    }
}

fn plantable_of(s: &SynthScene) -> Array2<bool> {
    s.qa_pixel.mapv(|q| q == QA_CLEAR)
}

#[test]
fn same_seed_same_scene_different_seed_different_scene() {
    for preset in [Preset::Night, Preset::Day] {
        let a = generate(&small(9, preset));
        let b = generate(&small(9, preset));
        assert!(same_bits(&a.bt_k, &b.bt_k));
        assert!(same_bits(&a.background_k, &b.background_k));
        assert_eq!(a.truth_id, b.truth_id);
        assert_eq!(a.qa_pixel, b.qa_pixel);
        assert_eq!(a.objects, b.objects);
        let c = generate(&small(10, preset));
        assert!(!same_bits(&a.background_k, &c.background_k));
        assert_ne!(a.truth_id, c.truth_id);
    }
}

#[test]
fn same_scene_with_one_thread() {
    let p = small(4, Preset::Day);
    let many = generate(&p);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let one = pool.install(|| generate(&p));
    assert!(same_bits(&many.bt_k, &one.bt_k));
    assert_eq!(many.truth_id, one.truth_id);
}

#[test]
fn truth_is_exact_and_objects_respect_ranges_and_gaps() {
    for seed in 1..=3 {
        for preset in [Preset::Night, Preset::Day] {
            let p = small(seed, preset);
            let s = generate(&p);
            assert_eq!(s.objects.len(), p.n_objects, "all objects placed");
            check_truth(&s, &p, &plantable_of(&s));
        }
    }
    // Narrow ranges are honoured exactly.
    let p = SynthParams {
        delta_range_k: (4.0, 4.0),
        size_range_px: (12, 12),
        n_objects: 20,
        min_gap_px: 8,
        ..small(5, Preset::Night)
    };
    let s = generate(&p);
    check_truth(&s, &p, &plantable_of(&s));
    assert!(
        s.objects
            .iter()
            .all(|o| o.pixels == 12 && o.peak_delta_k == 4.0)
    );
}

#[test]
fn sizes_and_peaks_spread_over_their_ranges() {
    let p = SynthParams {
        n_objects: 400,
        ..SynthParams::new(21, 1000, 1000, Preset::Night)
    };
    let s = generate(&p);
    assert_eq!(s.objects.len(), 400);
    let small = s.objects.iter().filter(|o| o.pixels <= 3).count();
    let large = s.objects.iter().filter(|o| o.pixels >= 40).count();
    let weak = s.objects.iter().filter(|o| o.peak_delta_k < 3.0).count();
    let mid = s
        .objects
        .iter()
        .filter(|o| (3.0..6.0).contains(&o.peak_delta_k))
        .count();
    let strong = s.objects.iter().filter(|o| o.peak_delta_k >= 6.0).count();
    let strips = s
        .objects
        .iter()
        .filter(|o| o.kind == ObjectKind::Strip)
        .count();
    // Log-uniform: about a quarter of peaks below 3 K, a quarter in 3–6 K, half above.
    assert!(
        weak > 60 && mid > 60 && strong > 140,
        "{weak} {mid} {strong}"
    );
    assert!(small > 40 && large > 40, "{small} {large}");
    assert!(strips > 60, "{strips} strips");
}

#[test]
fn water_and_fill_flagged_and_avoided() {
    let p = small(2, Preset::Night);
    let s = generate(&p);
    assert!(s.facts.water_pixels > 0 && s.facts.fill_pixels > 0);
    for ((r, c), &q) in s.qa_pixel.indexed_iter() {
        let t = s.bt_k[[r, c]];
        match q {
            QA_FILL => assert!(t.is_nan() && s.background_k[[r, c]].is_nan()),
            QA_WATER | QA_CLEAR => assert!(t.is_finite()),
            other => panic!("unexpected QA value {other}"),
        }
    }
    // Water is colder than the land around it.
    let mean = |want: u16| {
        let v: Vec<f64> = s
            .qa_pixel
            .iter()
            .zip(&s.background_k)
            .filter(|&(&q, _)| q == want)
            .map(|(_, &t)| f64::from(t))
            .collect();
        v.iter().sum::<f64>() / v.len() as f64
    };
    let m = s.facts.model.as_ref().unwrap();
    let cold = mean(QA_CLEAR) - mean(QA_WATER);
    assert!(cold > m.water_delta_k - 3.0, "water {cold} K colder");
    let none = generate(&SynthParams {
        water: false,
        fill_stripes: false,
        ..p
    });
    assert!(none.qa_pixel.iter().all(|&q| q == QA_CLEAR));
    assert!(none.bt_k.iter().all(|t| t.is_finite()));
}

#[test]
fn temperatures_in_the_range_of_the_presets() {
    for (preset, lo, hi) in [(Preset::Night, 272.0, 300.0), (Preset::Day, 278.0, 315.0)] {
        let s = generate(&small(6, preset));
        let bg: Vec<f32> = s
            .background_k
            .iter()
            .copied()
            .filter(|t| t.is_finite())
            .collect();
        let mean = bg.iter().map(|&t| f64::from(t)).sum::<f64>() / bg.len() as f64;
        assert!((280.0..=302.0).contains(&mean), "{preset:?} mean {mean}");
        for &t in &bg {
            assert!((lo..=hi).contains(&t), "{preset:?} {t} K");
        }
        assert_eq!(s.sun_elevation_deg > 0.0, preset == Preset::Day);
    }
}

#[test]
fn night_noise_in_preset_range_and_day_rougher() {
    for seed in 1..=4 {
        let night = generate(&small(seed, Preset::Night));
        let sigma = night.noise_sigma_k().unwrap();
        assert!((0.1..=0.2).contains(&sigma));
        let measured = noise_from_second_differences(&night);
        assert!(
            (0.095..=0.21).contains(&measured) && (measured - sigma).abs() < 0.1 * sigma,
            "night noise measured {measured}, drawn {sigma}"
        );
        let day = generate(&small(seed, Preset::Day));
        let sigma = day.noise_sigma_k().unwrap();
        assert!((0.3..=0.6).contains(&sigma));
        assert!(noise_from_second_differences(&day) >= 0.3);
        // Solar heating of rough slopes: local texture well above the noise by day; at night
        // the bulk of the texture is the noise, and sparse warm spots (roofs, industry) make
        // its tail heavier than Gaussian (plain std well above the robust one).
        let ((tn, tn_robust), (_, td)) = (local_texture_k(&night), local_texture_k(&day));
        let night_sigma = night.noise_sigma_k().unwrap();
        assert!(tn_robust < 1.3 * night_sigma, "night texture {tn_robust}");
        assert!(
            tn > 1.1 * tn_robust,
            "night spots: {tn} vs robust {tn_robust}"
        );
        assert!(td > 0.8 && td > 1.5 * sigma, "day texture {td}");
    }
}

#[test]
fn plant_into_honours_the_mask() {
    let (rows, cols) = (200, 260);
    let bg = Array2::from_shape_fn((rows, cols), |(r, c)| {
        if c < 10 {
            f32::NAN
        } else {
            290.0 + 0.01 * r as f32
        }
    });
    // A cloud over the middle.
    let valid = Array2::from_shape_fn((rows, cols), |(r, c)| {
        !((80..120).contains(&r) && (100..160).contains(&c))
    });
    let georef = synth_georef(rows, cols, 30.0);
    let p = SynthParams {
        n_objects: 30,
        ..SynthParams::new(3, rows, cols, Preset::Day)
    };
    let s = plant_into(&bg, &valid, georef, &p);
    assert_eq!(s.objects.len(), 30);
    let plantable =
        Array2::from_shape_fn((rows, cols), |(r, c)| valid[[r, c]] && !bg[[r, c]].is_nan());
    check_truth(&s, &p, &plantable);
    assert_eq!(s.qa_pixel[[0, 0]], QA_FILL);
    assert_eq!(s.qa_pixel[[100, 120]], qa::QA_CLOUD);
    assert_eq!(s.qa_pixel[[10, 50]], QA_CLEAR);
    assert!(s.noise_sigma_k().is_none());
}

#[test]
fn crowded_scene_plants_what_fits() {
    let p = SynthParams {
        n_objects: 500,
        ..SynthParams::new(1, 40, 40, Preset::Night)
    };
    let s = generate(&p);
    assert!(s.objects.len() < 500);
    assert_eq!(s.facts.counts.planted, s.objects.len());
    check_truth(&s, &p, &plantable_of(&s));
}

#[test]
fn swir_bands_only_by_day_and_without_fire() {
    let p = SynthParams {
        swir: true,
        ..small(8, Preset::Day)
    };
    let s = generate(&p);
    let bands = s.swir_dn.as_ref().expect("swir bands");
    assert_eq!(bands.len(), 7);
    let rho = |b: usize, r: usize, c: usize| {
        (2e-5 * f64::from(bands[b][[r, c]]) - 0.1) / s.sun_elevation_deg.to_radians().sin()
    };
    for ((r, c), &q) in s.qa_pixel.indexed_iter() {
        if q == QA_FILL {
            assert!(bands.iter().all(|b| b[[r, c]] == 0));
            continue;
        }
        // No Schroeder et al. candidate anywhere, objects included: R75 <= 1.8.
        let (r5, r7) = (rho(4, r, c), rho(6, r, c));
        assert!(r7 / r5 < 1.8, "R75 {} at {r},{c}", r7 / r5);
        assert!((0.0..0.7).contains(&r5));
    }
    assert!(
        generate(&SynthParams {
            swir: true,
            ..small(8, Preset::Night)
        })
        .swir_dn
        .is_none()
    );
}

#[test]
fn parameters_are_validated() {
    let ok = small(1, Preset::Night);
    assert!(ok.validate().is_ok());
    assert!(
        SynthParams {
            rows: 4,
            ..ok.clone()
        }
        .validate()
        .is_err()
    );
    assert!(
        SynthParams {
            delta_range_k: (3.0, 2.0),
            ..ok.clone()
        }
        .validate()
        .is_err()
    );
    assert!(
        SynthParams {
            delta_range_k: (0.0, 2.0),
            ..ok.clone()
        }
        .validate()
        .is_err()
    );
    assert!(
        SynthParams {
            size_range_px: (0, 2),
            ..ok.clone()
        }
        .validate()
        .is_err()
    );
    assert!(
        SynthParams {
            strip_fraction: 1.5,
            ..ok
        }
        .validate()
        .is_err()
    );
    assert_eq!(SynthParams::default_objects(1024, 1024), 63);
    assert_eq!(SynthParams::default_objects(10, 10), 1);
}

#[test]
fn georef_is_utm48_centred_on_wuda() {
    let g = synth_georef(1000, 800, 30.0);
    assert_eq!(g.epsg, Some(SYNTH_EPSG));
    assert_eq!(
        g.transform.0,
        [628_000.0, 30.0, 0.0, 4_390_000.0, 0.0, -30.0]
    );
    assert!(g.crs_wkt.contains("48N"), "{}", g.crs_wkt);
}

//! `swir` (detection.md §2, Schroeder et al. 2016) on the real Corumbá (Pantanal, BR) fire of
//! 2019-08-25 and on the same footprint 16 days earlier, through the library API
//! (`scene::open_scene` → `stage::read_swir_bands` → `detect::swir::detect_swir`).
//!
//! Independent check of the reflectances and of one contextual background, computed with numpy
//! (float64) + the GDAL Python bindings and an MTL reader of its own, from the repository root:
//!
//! ```sh
//! cd testdata && /usr/bin/python3 - <<'EOF'
//! import glob, re, math, numpy as np
//! from osgeo import gdal
//! d = 'LC08_L1TP_227074_20190825_20200826_02_T1'
//! mtl = open(glob.glob(d + '/*_MTL.txt')[0]).read()
//! g = lambda k: float(re.search(k + r' = ([-\dE.+]+)', mtl).group(1))
//! s = math.sin(math.radians(g('SUN_ELEVATION')))
//! dn = {b: gdal.Open(glob.glob(d + f'/*_B{b}.TIF')[0]).ReadAsArray().astype(np.float64) for b in range(2, 8)}
//! r = {b: (g(f'REFLECTANCE_MULT_BAND_{b}') * dn[b] + g(f'REFLECTANCE_ADD_BAND_{b}')) / s for b in dn}
//! for (i, j) in [(486, 439), (487, 442), (486, 441), (825, 238)]:
//!     print((i, j), [int(dn[b][i, j]) for b in (5, 6, 7)], ['%.9f' % r[b][i, j] for b in (5, 6, 7)])
//! with np.errstate(all='ignore'):
//!     fill = np.all([dn[b] == 0 for b in dn], axis=0)
//!     R75 = r[7] / r[5]; R76 = r[7] / r[6]
//!     un = ((R75 > 2.5) & (r[7] - r[5] > 0.3) & (r[7] > 0.5)) | ((r[6] > 0.8) & (r[2] < 0.2) & ((r[5] > 0.4) | (r[7] < 0.1)))
//!     water = (r[4] > r[5]) & (r[5] > r[6]) & (r[6] > r[7]) & (r[2] - r[7] < 0.2) & (r[3] > r[2])
//!     cand = (R75 > 1.8) & (r[7] - r[5] > 0.17) & (R76 > 1.6)
//!     bg = ~fill & ~un & ~water & ~cand & (r[7] > 0)
//!     i, j = 488, 440
//!     w = (slice(i - 30, i + 31), slice(j - 30, j + 31)); b = bg[w]
//!     print(b.sum(), R75[w][b].mean(), R75[w][b].std(), r[7][w][b].mean(), r[7][w][b].std())
//! EOF
//! ```
//!
//! Output (GDAL 3.6.2, numpy 1.24.2), `SUN_ELEVATION = 46.93822012`, Mρ = 2e-5, Aρ = −0.1:
//!
//! ```text
//! (486, 439) [13800, 55392, 0] ['0.240891989', '1.379435126', '-0.136870448']   folding case, B7 DN 0
//! (487, 442) [11408, 0, 57632] ['0.175413167', '-0.136870448', '1.440753087']   Eq. 1, B6 DN 0
//! (486, 441) [13824, 0, 0] ['0.241548967', '-0.136870448', '-0.136870448']      B6 and B7 DN 0
//! (825, 238) [9256, 31520, 65472] ['0.116504126', '0.725960858', '1.655365950'] largest ρ7
//! 3631 0.632074602 0.189357133 0.112608395 0.032392118                          background of (488, 440)
//! ```
//!
//! The same numpy code, extended with the neighbour rule and the contextual test
//! (61x61 box sums by cumulative sums), gives 607 fire pixels on 2019-08-25 (419 by Eq. 1,
//! 69 by Eq. 2, 119 confirmed by context; 80 of them with a band at DN 0) and 0 on 2019-08-09.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};

use ndarray::Array2;
use seamfire::detect::swir::{SwirParams, detect_swir};
use seamfire::detect::{Detection, Method, confidence};
use seamfire::error::Error;
use seamfire::scene::open_scene;
use seamfire::stage::{SwirBands, read_swir_bands};

const FIRE: &str = "LC08_L1TP_227074_20190825_20200826_02_T1";
const BEFORE: &str = "LC08_L1TP_227074_20190809_20200827_02_T1";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata")
        .join(name)
}

fn bands(dir: &Path) -> SwirBands {
    let scene = open_scene(dir, None).unwrap_or_else(|e| panic!("{e}"));
    read_swir_bands(&scene).unwrap_or_else(|e| panic!("{e}"))
}

fn fire_mask(d: &Detection) -> Array2<bool> {
    d.classes
        .mapv(|c| c == confidence::HIGH || c == confidence::NOMINAL)
}

/// Sizes of the 8-connected components of `mask`, largest first.
fn cluster_sizes(mask: &Array2<bool>) -> Vec<usize> {
    let (rows, cols) = mask.dim();
    let mut seen = Array2::from_elem((rows, cols), false);
    let mut sizes = Vec::new();
    for ((r0, c0), &m) in mask.indexed_iter() {
        if !m || seen[[r0, c0]] {
            continue;
        }
        seen[[r0, c0]] = true;
        let mut queue = VecDeque::from([(r0, c0)]);
        let mut n = 0;
        while let Some((r, c)) = queue.pop_front() {
            n += 1;
            for rr in r.saturating_sub(1)..=(r + 1).min(rows - 1) {
                for cc in c.saturating_sub(1)..=(c + 1).min(cols - 1) {
                    if mask[[rr, cc]] && !seen[[rr, cc]] {
                        seen[[rr, cc]] = true;
                        queue.push_back((rr, cc));
                    }
                }
            }
        }
        sizes.push(n);
    }
    sizes.sort_unstable_by(|a, b| b.cmp(a));
    sizes
}

#[test]
fn reflectances_match_numpy_at_hand_picked_pixels() {
    let b = bands(&fixture(FIRE));
    assert!(b.r1.is_none(), "the crop has no band 1");
    assert_eq!(b.bands, ["B2", "B3", "B4", "B5", "B6", "B7"]);
    assert_eq!(b.dim(), (901, 667));
    assert!((b.sun_elevation_deg - 46.93822012).abs() < 1e-9);
    let expected = [
        ((486, 439), [0.240891989, 1.379435126, -0.136870448]),
        ((487, 442), [0.175413167, -0.136870448, 1.440753087]),
        ((486, 441), [0.241548967, -0.136870448, -0.136870448]),
        ((825, 238), [0.116504126, 0.725960858, 1.655365950]),
    ];
    for ((r, c), [e5, e6, e7]) in expected {
        for (got, want, band) in [(&b.r5, e5, 5), (&b.r6, e6, 6), (&b.r7, e7, 7)] {
            let g = f64::from(got[[r, c]]);
            assert!(
                (g - want).abs() < 1e-6,
                "ρ{band} at ({r}, {c}): {g} vs numpy {want}"
            );
        }
    }
    // A single band at DN 0 is not fill; the crop has no fill at all.
    assert_eq!(b.fill.iter().filter(|&&f| f).count(), 0);
    assert!(b.zero_dn[[486, 441]] && b.b7_folded[[486, 441]]);
    assert!(b.zero_dn[[487, 442]] && !b.b7_folded[[487, 442]]);
    assert_eq!(b.zero_dn.iter().filter(|&&z| z).count(), 123);
    assert_eq!(b.b7_folded.iter().filter(|&&z| z).count(), 109);
    // Multiples of 8 up to 65472: no B7 pixel of the crop reaches 65535.
    assert_eq!(b.b7_saturated.iter().filter(|&&s| s).count(), 0);
}

#[test]
fn corumba_fire_has_at_least_550_clustered_fire_pixels() {
    let b = bands(&fixture(FIRE));
    let d = detect_swir(&b.input(), &SwirParams::default());
    assert_eq!(d.method, Method::Swir);
    let fire = fire_mask(&d);
    let n_fire = fire.iter().filter(|&&f| f).count();
    let high = d
        .flagged
        .iter()
        .filter(|f| f.confidence == confidence::HIGH)
        .count();
    let nominal = d
        .flagged
        .iter()
        .filter(|f| f.confidence == confidence::NOMINAL)
        .count();
    let zero_in_fire = d
        .flagged
        .iter()
        .filter(|f| b.zero_dn[[f.row, f.col]])
        .count();
    let zero_total = b.zero_dn.iter().filter(|&&z| z).count();
    let sizes = cluster_sizes(&fire);
    let in_big: usize = sizes.iter().filter(|&&s| s >= 10).sum();
    println!(
        "Corumbá 2019-08-25: {n_fire} fire pixels ({high} high, {nominal} nominal), stats {:?}",
        d.stats
    );
    println!("  DN-0 (folded) pixels flagged: {zero_in_fire} of {zero_total}");
    println!(
        "  {} clusters, sizes {:?}; {in_big} px ({:.1} %) in clusters >= 10 px",
        sizes.len(),
        sizes,
        100.0 * in_big as f64 / n_fire as f64
    );
    assert_eq!(n_fire, d.flagged.len());
    assert_eq!(d.stats.flagged, n_fire);
    assert!(n_fire >= 550, "only {n_fire} fire pixels");
    // Same as the independent numpy implementation (see the module doc).
    assert_eq!((high, nominal), (488, 119));
    assert_eq!(d.stats.valid, 901 * 667);
    assert_eq!(d.stats.unresolved, 0);
    assert!(zero_in_fire >= 80, "{zero_in_fire} folded pixels flagged");
    // Every unflagged folded pixel sits right next to the fire: inside the fire, not noise.
    for ((r, c), &z) in b.zero_dn.indexed_iter() {
        if z && !fire[[r, c]] {
            let near = (r - 1..=r + 1).any(|rr| (c - 1..=c + 1).any(|cc| fire[[rr, cc]]));
            assert!(near, "folded pixel ({r}, {c}) away from the fire");
        }
    }
    // Clustered along the fire fronts: few large clusters hold most fire pixels.
    assert!(
        in_big * 10 >= n_fire * 9,
        "{in_big} of {n_fire} in clusters >= 10 px"
    );
    assert!(sizes[0] >= 150 && sizes.len() <= 40, "{sizes:?}");

    // Contextual evidence of one pixel against numpy (module doc).
    let f = d
        .flagged
        .iter()
        .find(|f| (f.row, f.col) == (488, 440))
        .expect("(488, 440) flagged");
    assert_eq!(f.confidence, confidence::NOMINAL);
    assert_eq!((f.n_background, f.window_px), (3631, 61));
    assert!(
        (f64::from(f.bg_mean) - 0.112608395).abs() < 1e-6,
        "{}",
        f.bg_mean
    );
    assert!(
        (f64::from(f.bg_std) - 0.032392118).abs() < 1e-6,
        "{}",
        f.bg_std
    );
    assert!((f.value - b.r7[[488, 440]]).abs() == 0.0);
    let z = (f64::from(f.value) - 0.112608395) / 0.032392118;
    assert!((f64::from(f.z) - z).abs() < 1e-3, "{} vs {z}", f.z);
}

#[test]
fn folded_b7_promotion_extension_adds_the_remaining_folded_pixels() {
    let b = bands(&fixture(FIRE));
    let p = SwirParams {
        promote_folded_b7: true,
        ..SwirParams::default()
    };
    let d = detect_swir(&b.input(), &p);
    let zero_in_fire = d
        .flagged
        .iter()
        .filter(|f| b.zero_dn[[f.row, f.col]])
        .count();
    println!(
        "with promote_folded_b7: {} fire pixels, {zero_in_fire} folded",
        d.flagged.len()
    );
    assert_eq!(d.flagged.len(), 607 + 41);
    assert_eq!(zero_in_fire, 80 + 41);
}

#[test]
fn same_footprint_16_days_earlier_has_at_most_3_fire_pixels() {
    let b = bands(&fixture(BEFORE));
    let d = detect_swir(&b.input(), &SwirParams::default());
    let n_fire = fire_mask(&d).iter().filter(|&&f| f).count();
    println!(
        "Corumbá 2019-08-09: {n_fire} fire pixels, stats {:?}",
        d.stats
    );
    assert!(n_fire <= 3, "{n_fire} false alarms");
    assert_eq!(d.stats.valid, 901 * 667);
}

/// Copies the scene's files into a temporary directory, rewriting the MTL with `edit`.
fn copy_scene(name: &str, edit: impl Fn(&str) -> String, skip: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let dst = tmp.path().join(name);
    std::fs::create_dir(&dst).unwrap();
    for e in std::fs::read_dir(fixture(name)).unwrap() {
        let e = e.unwrap();
        let file = e.file_name().to_string_lossy().into_owned();
        if !skip.is_empty() && file.ends_with(skip) {
            continue;
        }
        if file.ends_with("_MTL.txt") {
            let text = std::fs::read_to_string(e.path()).unwrap();
            std::fs::write(dst.join(&file), edit(&text)).unwrap();
        } else {
            std::fs::copy(e.path(), dst.join(&file)).unwrap();
        }
    }
    tmp
}

#[test]
fn night_scene_is_refused() {
    let tmp = copy_scene(
        FIRE,
        |t| t.replace("SUN_ELEVATION = 46.93822012", "SUN_ELEVATION = -12.5"),
        "",
    );
    let scene = open_scene(&tmp.path().join(FIRE), None).unwrap();
    assert_eq!(scene.metadata.sun_elevation_deg, Some(-12.5));
    let err = read_swir_bands(&scene).unwrap_err();
    assert!(matches!(err, Error::Input { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(msg.contains("night") && msg.contains("-12.5"), "{msg}");
}

#[test]
fn missing_band_is_named() {
    let tmp = copy_scene(FIRE, str::to_string, "_B6.TIF");
    let scene = open_scene(&tmp.path().join(FIRE), None).unwrap();
    let err = read_swir_bands(&scene).unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, Error::Input { .. }), "{err:?}");
    assert!(msg.contains("B6") && msg.contains(FIRE), "{msg}");
}

#[test]
fn fill_only_where_every_band_is_zero() {
    // Zero a 3x4 block in all six bands, and (2, 2) in B7 only.
    let tmp = copy_scene(FIRE, str::to_string, "");
    let dir = tmp.path().join(FIRE);
    for band in 2..=7 {
        let path = dir.join(format!("{FIRE}_B{band}.TIF"));
        let mut r = seamfire::io::read_band::<u16>(&path, 1).unwrap();
        for row in 10..13 {
            for col in 20..24 {
                r.data[[row, col]] = 0;
            }
        }
        if band == 7 {
            r.data[[2, 2]] = 0;
        }
        std::fs::remove_file(&path).unwrap();
        seamfire::io::write_cog(&r, &path, &Default::default()).unwrap();
    }
    let b = bands(&dir);
    let fill: Vec<(usize, usize)> = b
        .fill
        .indexed_iter()
        .filter(|&(_, &f)| f)
        .map(|(i, _)| i)
        .collect();
    assert_eq!(fill.len(), 12);
    assert!(
        fill.iter()
            .all(|&(r, c)| (10..13).contains(&r) && (20..24).contains(&c))
    );
    assert!(b.r7[[11, 21]].is_nan());
    assert!(!b.fill[[2, 2]] && b.b7_folded[[2, 2]]);
    assert!(
        (f64::from(b.r7[[2, 2]]) + 0.136870448).abs() < 1e-6,
        "{}",
        b.r7[[2, 2]]
    );
    let d = detect_swir(&b.input(), &SwirParams::default());
    assert_eq!(d.stats.valid, 901 * 667 - 12);
    assert_eq!(d.classes[[11, 21]], confidence::NOT_PROCESSED);
    assert_eq!(d.classes[[2, 2]], confidence::NONE);
}

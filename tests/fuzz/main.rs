//! Mutation fuzzing on stable Rust (cargo-fuzz needs nightly). Mutants of test inputs
//! (truncated files, flipped bytes, broken TIFF tags and IFDs, edited MTL and GeoJSON lines) of
//! four product directories (with a known-fires inventory), two USGS packages and a generic
//! raster go through `info`, `calibrate` and `detect` in this process, each with a timeout: no
//! panic, no hang, no partial output. Mutants of every MTL file of testdata/ go through the MTL
//! parser.
//!
//! `cargo test --test fuzz` runs a small fixed-seed set. The long run (docs/robustness.md):
//!
//! ```text
//! nice -n 19 env SEAMFIRE_FUZZ_SECONDS=600 SEAMFIRE_FUZZ_SEED=1 \
//!     cargo test --test fuzz -- --nocapture --test-threads 1
//! ```
//!
//! `SEAMFIRE_FUZZ_CASES=N` sets the number of product mutants, `SEAMFIRE_FUZZ_SEED` the seed,
//! `SEAMFIRE_FUZZ_ONLY=i` replays mutant `i` of that seed. A failing mutant is kept under
//! `target/fuzz-failures/` for a regression test.

mod mutate;
mod run;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use mutate::{Rng, mutate};
use run::Outcome;

fn testdata(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata")
        .join(rel)
}

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

/// Product directories mutants are made from (Collection 2 L1 of Landsat 8 and 7, Collection 1
/// Landsat 8, Collection 2 L2SP Landsat 5).
const PRODUCTS: &[&str] = &[
    "bad/base/LC08_L1GT_089074_20220506_20220512_02_T2",
    "landsat-tiny-formats/LE07_L1TP_107068_20220310_20220405_02_T1",
    "landsat-tiny-formats/LC08_L1TP_090084_20160121_20170405_01_T1",
    "landsat-tiny-formats/LT05_L2SP_090084_19980308_20200909_02_T1",
];

/// The files of a product that its commands read (bands, QA, MTLs), in name order.
fn inputs_of(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| {
            [
                "_B10.TIF",
                "_B6.TIF",
                "_B6_VCID_1.TIF",
                "_ST_B6.TIF",
                "_QA_PIXEL.TIF",
                "_BQA.TIF",
                "_B4.TIF",
                "_MTL.txt",
                "_MTL.json",
                "_MTL.xml",
            ]
            .iter()
            .any(|s| n.ends_with(s))
        })
        .collect();
    names.sort();
    names
}

/// USGS packages read in place (`/vsitar/`), mutated as a whole.
const PACKAGES: &[&str] = &[
    "landsat-tiny-formats/LE07_L1GT_104078_20131209_20161119_01_T2.tar.gz",
    "landsat-tiny-formats/LE07_L1TP_104078_20130429_20161124_01_T1.tar",
];

/// A generic Float32 raster (calibrated with `--input-unit kelvin`).
const GENERIC: &str = "bad/files/generic_no_unit.tif";

/// What a mutant is.
enum Kind {
    /// A product directory, with a known-fires inventory for `detect`.
    Product,
    /// A package file.
    Package,
    /// A generic raster file.
    Generic,
}

/// One mutant: a copy of a seed with one or two of its files mutated.
struct Mutant {
    dir: tempfile::TempDir,
    /// The input given to the commands.
    input: PathBuf,
    kind: Kind,
    what: Vec<String>,
}

fn mutate_file(p: &Path, rng: &mut Rng, what: &mut Vec<String>) {
    let name = p.file_name().unwrap().to_string_lossy().into_owned();
    let mut bytes = std::fs::read(p).unwrap();
    let applied = mutate(&name, &mut bytes, rng);
    std::fs::write(p, bytes).unwrap();
    what.push(format!("{name}: {applied}"));
}

fn make_mutant(rng: &mut Rng) -> Mutant {
    let dir = tempfile::tempdir().unwrap();
    let mut what = Vec::new();
    let pick = rng.below(10);
    if pick == 0 {
        let src = testdata(PACKAGES[rng.below(PACKAGES.len())]);
        let input = dir.path().join(src.file_name().unwrap());
        std::fs::copy(&src, &input).unwrap();
        mutate_file(&input, rng, &mut what);
        return Mutant {
            dir,
            input,
            kind: Kind::Package,
            what,
        };
    }
    if pick == 1 {
        let input = dir.path().join("mosaic.tif");
        std::fs::copy(testdata(GENERIC), &input).unwrap();
        mutate_file(&input, rng, &mut what);
        return Mutant {
            dir,
            input,
            kind: Kind::Generic,
            what,
        };
    }
    let product: &str = PRODUCTS[rng.below(PRODUCTS.len())];
    let src = testdata(product);
    let input = dir.path().join(src.file_name().unwrap());
    std::fs::create_dir_all(&input).unwrap();
    for e in std::fs::read_dir(&src).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), input.join(e.file_name())).unwrap();
    }
    let known = dir.path().join("known_fires.geojson");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("pipelines/known_fires.geojson"),
        &known,
    )
    .unwrap();
    let inputs = inputs_of(&input);
    for _ in 0..1 + rng.below(2) {
        if rng.below(5) == 0 {
            mutate_file(&known, rng, &mut what);
        } else {
            let name = rng.pick(&inputs).clone();
            mutate_file(&input.join(name), rng, &mut what);
        }
    }
    Mutant {
        dir,
        input,
        kind: Kind::Product,
        what,
    }
}

/// The commands run on each mutant.
fn commands(m: &Mutant) -> Vec<(&'static str, Vec<String>, PathBuf)> {
    let p = m.input.display().to_string();
    let out = m.dir.path().join("out");
    let cal = out.join("cal/bt.tif").display().to_string();
    let det = out.join("det").display().to_string();
    let known = m
        .dir
        .path()
        .join("known_fires.geojson")
        .display()
        .to_string();
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let info = ("info", s(&["info", &p, "-q"]), out.join("info"));
    match m.kind {
        Kind::Product => vec![
            info,
            (
                "calibrate",
                s(&["calibrate", &p, "-q", "--out", &cal]),
                out.join("cal"),
            ),
            (
                "detect",
                s(&[
                    "detect",
                    &p,
                    "-q",
                    "--products",
                    "none",
                    "--known-fires",
                    &known,
                    "--out",
                    &det,
                ]),
                out.join("det"),
            ),
        ],
        Kind::Package => vec![
            info,
            (
                "calibrate",
                s(&["calibrate", &p, "-q", "--out", &cal]),
                out.join("cal"),
            ),
        ],
        Kind::Generic => vec![
            info,
            (
                "calibrate",
                s(&[
                    "calibrate",
                    &p,
                    "-q",
                    "--input-unit",
                    "kelvin",
                    "--out",
                    &cal,
                ]),
                out.join("cal"),
            ),
        ],
    }
}

#[derive(Default)]
struct Tally {
    mutants: usize,
    runs: usize,
    ok: usize,
    errors: usize,
    bugs: Vec<String>,
    slowest: Duration,
}

fn keep_failure(m: &Mutant, seed: u64, i: u64) -> PathBuf {
    let dest = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/fuzz-failures")
        .join(format!("seed{seed}-case{i}"));
    let _ = std::fs::create_dir_all(&dest);
    let mut stack = vec![m.dir.path().to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            let rel = p.strip_prefix(m.dir.path()).unwrap();
            if p.is_dir() {
                if !rel.starts_with("out") {
                    let _ = std::fs::create_dir_all(dest.join(rel));
                    stack.push(p);
                }
            } else {
                let _ = std::fs::copy(&p, dest.join(rel));
            }
        }
    }
    dest
}

#[test]
fn product_mutants_through_info_calibrate_detect() {
    let seed = env_u64("SEAMFIRE_FUZZ_SEED").unwrap_or(20_261_201);
    let seconds = env_u64("SEAMFIRE_FUZZ_SECONDS");
    let cases =
        env_u64("SEAMFIRE_FUZZ_CASES").unwrap_or(if seconds.is_some() { u64::MAX } else { 24 });
    let only = env_u64("SEAMFIRE_FUZZ_ONLY");
    let timeout = Duration::from_secs(env_u64("SEAMFIRE_FUZZ_TIMEOUT").unwrap_or(120));
    let start = Instant::now();
    let mut t = Tally::default();
    for i in 0..cases {
        if seconds.is_some_and(|s| start.elapsed().as_secs() >= s) {
            break;
        }
        if only.is_some_and(|o| o != i) {
            continue;
        }
        // Each mutant has its own generator: replayable alone with SEAMFIRE_FUZZ_ONLY.
        let mut rng = Rng::new(seed.wrapping_mul(1_000_003).wrapping_add(i));
        let m = make_mutant(&mut rng);
        t.mutants += 1;
        for (name, args, out) in commands(&m) {
            let (outcome, took) = run::run(&args, &out, timeout);
            t.runs += 1;
            t.slowest = t.slowest.max(took);
            match outcome {
                Outcome::Ok => t.ok += 1,
                Outcome::Error(..) => t.errors += 1,
                Outcome::Bug(b) => {
                    let kept = keep_failure(&m, seed, i);
                    t.bugs.push(format!(
                        "seed {seed} case {i} `{name}` ({}): {b}\n  mutant kept in {}",
                        m.what.join("; "),
                        kept.display()
                    ));
                }
            }
        }
    }
    println!(
        "fuzz: seed {seed}, {} mutants, {} command runs in {:.0} s: {} ok, {} clean errors, {} bugs; slowest run {:.2} s",
        t.mutants,
        t.runs,
        start.elapsed().as_secs_f64(),
        t.ok,
        t.errors,
        t.bugs.len(),
        t.slowest.as_secs_f64()
    );
    assert!(t.bugs.is_empty(), "{}", t.bugs.join("\n"));
    if only.is_none() && seconds.is_none() {
        assert_eq!(t.mutants as u64, cases);
        assert!(
            t.errors > 0,
            "mutants that all pass are not exercising anything"
        );
    }
}

/// Every MTL file of testdata/ (text, JSON, XML; USGS and ESPA), mutated many times, through
/// the parser: an error or metadata, never a panic.
#[test]
fn mtl_mutants_of_every_mtl_file_through_the_parser() {
    let seed = env_u64("SEAMFIRE_FUZZ_SEED").unwrap_or(20_261_201);
    let per_file = env_u64("SEAMFIRE_FUZZ_MTL_PER_FILE").unwrap_or(40);
    let mut files = Vec::new();
    let mut stack = vec![testdata("")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            let name = p
                .file_name()
                .unwrap()
                .to_string_lossy()
                .to_ascii_uppercase();
            if p.is_dir() {
                stack.push(p);
            } else if name.contains("MTL") || name.ends_with(".XML") {
                files.push(p);
            }
        }
    }
    files.sort();
    assert!(files.len() >= 40, "{} MTL files", files.len());
    let (mut parsed, mut refused) = (0usize, 0usize);
    for (fi, f) in files.iter().enumerate() {
        let bytes = std::fs::read(f).unwrap();
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        for i in 0..per_file {
            // The seed is spread by a multiplication first: seeds 8 and 9 XORed with 0..100 would
            // give the same set of generators.
            let mut rng = Rng::new(seed.wrapping_mul(1_000_003) ^ ((fi as u64) << 40) ^ i);
            let mut b = bytes.clone();
            let what = mutate(&format!("{name}_MTL"), &mut b, &mut rng);
            let r = std::panic::catch_unwind(|| seamfire::mtl::parse_mtl(&b, Path::new(&name)));
            match r {
                Ok(Ok(_)) => parsed += 1,
                Ok(Err(e)) => {
                    refused += 1;
                    assert!(e.to_string().contains(&name), "{e}");
                }
                Err(_) => panic!("{} mutant {i} ({what}) panicked", f.display()),
            }
        }
    }
    println!(
        "fuzz: {} MTL files x {per_file} mutants: {parsed} parsed, {refused} refused",
        files.len()
    );
    assert!(refused > 0 && parsed > 0);
}

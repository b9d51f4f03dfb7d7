//! Mutation fuzzing on stable Rust (cargo-fuzz needs nightly). Mutants of the test products
//! (truncated files, flipped bytes, broken TIFF tags and IFDs, edited MTL lines) go through
//! `info`, `calibrate` and `detect` in this process, each with a timeout: no panic, no hang, no
//! partial output. Mutants of every MTL file of testdata/ go through the MTL parser.
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

/// One mutant: a copy of a product with one or two files mutated.
struct Mutant {
    dir: tempfile::TempDir,
    product: PathBuf,
    what: Vec<String>,
}

fn make_mutant(rng: &mut Rng) -> Mutant {
    let product: &str = PRODUCTS[rng.below(PRODUCTS.len())];
    let src = testdata(product);
    let dir = tempfile::tempdir().unwrap();
    let product = dir.path().join(src.file_name().unwrap());
    std::fs::create_dir_all(&product).unwrap();
    for e in std::fs::read_dir(&src).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), product.join(e.file_name())).unwrap();
    }
    let inputs = inputs_of(&product);
    let mut what = Vec::new();
    for _ in 0..1 + rng.below(2) {
        let name = rng.pick(&inputs).clone();
        let p = product.join(&name);
        let mut bytes = std::fs::read(&p).unwrap();
        let applied = mutate(&name, &mut bytes, rng);
        std::fs::write(&p, bytes).unwrap();
        what.push(format!("{name}: {applied}"));
    }
    Mutant { dir, product, what }
}

/// The commands run on each mutant.
fn commands(m: &Mutant) -> Vec<(&'static str, Vec<String>, PathBuf)> {
    let p = m.product.display().to_string();
    let out = m.dir.path().join("out");
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    vec![
        ("info", s(&["info", &p, "-q"]), out.join("info")),
        (
            "calibrate",
            s(&[
                "calibrate",
                &p,
                "-q",
                "--out",
                &out.join("cal/bt.tif").display().to_string(),
            ]),
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
                "--out",
                &out.join("det").display().to_string(),
            ]),
            out.join("det"),
        ),
    ]
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
    for e in std::fs::read_dir(&m.product).unwrap().flatten() {
        let _ = std::fs::copy(e.path(), dest.join(e.file_name()));
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
            let mut rng = Rng::new(seed ^ ((fi as u64) << 32) ^ i);
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

//! The bad-input corpus, `testdata/bad/cases.toml`, run as one test: every case's exit code and
//! message words, no panic, no raw GDAL message, nothing left in the output directory after a
//! failure, inputs untouched. The manifest's header explains the case format; docs/robustness.md
//! lists what the corpus covers.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{fixture, seamfire};
use serde::Deserialize;

const PRODUCT: &str = "LC08_L1GT_089074_20220506_20220512_02_T2";

#[derive(Debug, Deserialize)]
struct Manifest {
    case: Vec<Case>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    why: String,
    args: Vec<String>,
    exit: i32,
    stderr: Vec<String>,
    #[serde(default)]
    remove: Vec<String>,
    #[serde(default)]
    copy: Vec<(String, String)>,
    #[serde(default)]
    replace: Vec<(String, String, String)>,
    #[serde(default)]
    truncate: Vec<(String, u64)>,
    #[serde(default)]
    write: Vec<(String, String)>,
    #[serde(default)]
    write_hex: Vec<(String, String)>,
    #[serde(default)]
    mkdir: Vec<String>,
    #[serde(default)]
    symlink: Vec<(String, String)>,
    #[serde(default)]
    links: bool,
}

/// Where one case runs.
struct Dirs {
    tmp: PathBuf,
    scene: PathBuf,
    out: PathBuf,
    bad: PathBuf,
}

impl Dirs {
    fn expand(&self, s: &str) -> String {
        s.replace("{scene}", &self.scene.to_string_lossy())
            .replace("{out}", &self.out.to_string_lossy())
            .replace("{tmp}", &self.tmp.to_string_lossy())
            .replace("{bad}", &self.bad.to_string_lossy())
            .replace("{P}", PRODUCT)
    }

    /// `_SUFFIX` → the one file of the scene whose name ends with it; otherwise the expanded
    /// name, relative to the scene directory.
    fn resolve(&self, name: &str) -> PathBuf {
        if name.starts_with('_') {
            let hits: Vec<PathBuf> = std::fs::read_dir(&self.scene)
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.to_string_lossy().ends_with(name))
                .collect();
            assert_eq!(hits.len(), 1, "`{name}` must match one file: {hits:?}");
            return hits[0].clone();
        }
        self.scene.join(self.expand(name))
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// Applies the case's edits to its copy of the base product.
fn prepare(case: &Case, d: &Dirs) {
    copy_dir(&d.bad.join("base").join(PRODUCT), &d.scene);
    for n in &case.remove {
        std::fs::remove_file(d.resolve(n)).unwrap();
    }
    for (src, dest) in &case.copy {
        std::fs::copy(d.bad.join(d.expand(src)), d.resolve(dest)).unwrap();
    }
    for (n, from, to) in &case.replace {
        let p = d.resolve(n);
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(
            text.contains(from.as_str()),
            "{}: `{from}` not in {p:?}",
            case.name
        );
        std::fs::write(&p, text.replace(from.as_str(), to)).unwrap();
    }
    for (n, len) in &case.truncate {
        let f = std::fs::OpenOptions::new()
            .write(true)
            .open(d.resolve(n))
            .unwrap();
        f.set_len(*len).unwrap();
    }
    for (n, text) in &case.write {
        std::fs::write(d.resolve(n), text).unwrap();
    }
    for (n, bytes) in &case.write_hex {
        std::fs::write(d.resolve(n), hex(bytes)).unwrap();
    }
    for n in &case.mkdir {
        std::fs::create_dir_all(d.resolve(n)).unwrap();
    }
    for (link, target) in &case.symlink {
        std::os::unix::fs::symlink(d.expand(target), d.resolve(link)).unwrap();
    }
    if case.links {
        // Every file becomes an absolute link to a copy kept elsewhere.
        let store = d.tmp.join("store");
        std::fs::create_dir_all(&store).unwrap();
        for e in std::fs::read_dir(&d.scene).unwrap() {
            let p = e.unwrap().path();
            let kept = store.join(p.file_name().unwrap());
            std::fs::rename(&p, &kept).unwrap();
            std::os::unix::fs::symlink(&kept, &p).unwrap();
        }
    }
}

/// Every entry under `dir` (not following links) with its content or link target.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd {
            let p = e.unwrap().path();
            let m = std::fs::symlink_metadata(&p).unwrap();
            let content = if m.file_type().is_symlink() {
                std::fs::read_link(&p)
                    .unwrap()
                    .into_os_string()
                    .into_encoded_bytes()
            } else if m.is_dir() {
                stack.push(p.clone());
                b"<dir>".to_vec()
            } else {
                std::fs::read(&p).unwrap()
            };
            out.insert(p, content);
        }
    }
    out
}

/// Runs one case; returns what went wrong (empty when it passed).
fn run_case(case: &Case, bad: &Path) -> Vec<String> {
    let tmp = tempfile::tempdir().unwrap();
    let d = Dirs {
        tmp: tmp.path().to_path_buf(),
        scene: tmp.path().join(PRODUCT),
        out: tmp.path().join("out"),
        bad: bad.to_path_buf(),
    };
    prepare(case, &d);
    let before: BTreeMap<PathBuf, Vec<u8>> = snapshot(&d.tmp);
    let args: Vec<String> = case.args.iter().map(|a| d.expand(a)).collect();
    let output = seamfire()
        .args(&args)
        .env("SEAMFIRE_LOG", "warn")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let mut problems = Vec::new();
    if output.status.code() != Some(case.exit) {
        problems.push(format!(
            "exit {:?}, expected {}",
            output.status.code(),
            case.exit
        ));
    }
    for w in &case.stderr {
        let w = d.expand(w);
        if !stderr.contains(&w) {
            problems.push(format!("stderr lacks `{w}`"));
        }
    }
    for raw in ["panicked", "ERROR 1:", "Warning 1:", "RUST_BACKTRACE"] {
        if stderr.contains(raw) {
            problems.push(format!("stderr shows `{raw}`"));
        }
    }
    let after = snapshot(&d.tmp);
    let outputs: Vec<&PathBuf> = after.keys().filter(|p| p.starts_with(&d.out)).collect();
    if case.exit != 0 && !outputs.is_empty() {
        problems.push(format!("outputs left behind: {outputs:?}"));
    }
    if outputs
        .iter()
        .any(|p| p.to_string_lossy().ends_with(".partial"))
    {
        problems.push(format!("staging files left behind: {outputs:?}"));
    }
    let inputs_after: BTreeMap<&PathBuf, &Vec<u8>> = after
        .iter()
        .filter(|(p, _)| !p.starts_with(&d.out))
        .collect();
    let inputs_before: BTreeMap<&PathBuf, &Vec<u8>> = before.iter().collect();
    if inputs_after != inputs_before {
        let changed: Vec<&&PathBuf> = inputs_after
            .keys()
            .chain(inputs_before.keys())
            .filter(|p| inputs_after.get(**p) != inputs_before.get(**p))
            .collect();
        problems.push(format!("inputs modified: {changed:?}"));
    }
    if !problems.is_empty() {
        problems.push(format!("args {args:?}\n--- stderr ---\n{stderr}"));
    }
    problems
}

#[test]
fn bad_input_corpus() {
    let bad = fixture("bad");
    let text = std::fs::read_to_string(bad.join("cases.toml")).unwrap();
    let manifest: Manifest = toml::from_str(&text).unwrap();
    assert!(manifest.case.len() >= 40, "{} cases", manifest.case.len());
    let mut names = std::collections::BTreeSet::new();
    let mut failures = Vec::new();
    for case in &manifest.case {
        assert!(names.insert(&case.name), "duplicate case {}", case.name);
        assert!(!case.why.is_empty(), "{}: say why", case.name);
        assert!(
            case.exit == 0 || !case.stderr.is_empty(),
            "{}: a failing case must name the words of its message",
            case.name
        );
        let problems = run_case(case, &bad);
        if !problems.is_empty() {
            failures.push(format!("[{}] {}", case.name, problems.join("\n  ")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        manifest.case.len(),
        failures.join("\n\n")
    );
}

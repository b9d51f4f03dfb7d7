//! Survey pipelines end to end: validation of every bundled pipeline, the demo run, incremental
//! reruns, kill-and-resume, failed scenes, unknown keys, shards plus merge.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use common::{fixture, seamfire};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A small pipeline over copies of two scenes (so tests may touch inputs), written to `dir`.
fn small_pipeline(dir: &Path, extra: &str) -> PathBuf {
    let data = dir.join("data");
    for (src, files) in [
        (
            "landsat8-l1t-pensacola-2015",
            vec!["l8_B10.tif", "l8_BQA.tif", "l8_MTL.txt"],
        ),
        (
            "landsat5-tm-para-1988",
            vec![
                "LT52240631988227CUB02_B6.TIF",
                "LT52240631988227CUB02_MTL.txt",
            ],
        ),
    ] {
        std::fs::create_dir_all(data.join(src)).unwrap();
        for f in files {
            std::fs::copy(fixture(&format!("{src}/{f}")), data.join(src).join(f)).unwrap();
        }
    }
    let text = format!(
        "name = \"test\"\noutput = \"out\"\nproducts = [\"rasters\", \"vectors\", \"thermal\", \"sheets\", \"qgis\"]\n[[scene]]\npath = \"data/landsat8-l1t-pensacola-2015\"\nid = \"pensacola\"\n[[scene]]\npath = \"data/landsat5-tm-para-1988\"\nid = \"para\"\n{extra}"
    );
    let p = dir.join("survey.toml");
    std::fs::write(&p, text).unwrap();
    p
}

fn run(pipeline: &Path, args: &[&str]) -> std::process::Output {
    seamfire()
        .arg("run")
        .arg(pipeline)
        .args(args)
        .output()
        .unwrap()
}

/// Every file under `dir` with its content; `detection.json` without its `timings` (wall-clock
/// seconds, the one part that differs between two runs) and `manifest.json` without input
/// mtimes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let rel = p.strip_prefix(dir).unwrap().display().to_string();
            if rel.starts_with("run") && rel.ends_with(".json") {
                continue; // what one run did, not a product
            }
            let mut bytes = std::fs::read(&p).unwrap();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            if name == "detection.json" || name == "manifest.json" {
                let mut v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
                v.as_object_mut().unwrap().remove("timings");
                if let Some(outs) = v.get_mut("outputs").and_then(|o| o.as_array_mut()) {
                    outs.retain(|o| o["path"] != "detection.json");
                }
                if let Some(ins) = v.get_mut("inputs").and_then(|o| o.as_array_mut()) {
                    for i in ins.iter_mut().filter(|i| i.is_object()) {
                        i.as_object_mut().unwrap().remove("mtime_ns");
                    }
                }
                bytes = serde_json::to_vec(&v).unwrap();
            }
            out.insert(rel, bytes);
        }
    }
    out
}

/// Asserts two snapshots hold the same files with the same content, naming what differs.
fn assert_same(got: &BTreeMap<String, Vec<u8>>, want: &BTreeMap<String, Vec<u8>>, context: &str) {
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        want.keys().collect::<Vec<_>>(),
        "{context}: file lists"
    );
    let differing: Vec<&String> = want.keys().filter(|k| got[*k] != want[*k]).collect();
    assert!(
        differing.is_empty(),
        "{context}: content differs in {differing:?}"
    );
}

/// Scene → `ok`/`failed` from the season summary.
fn status_of(root: &Path) -> BTreeMap<String, String> {
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(root.join("season_summary.json")).unwrap()).unwrap();
    v["scenes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["scene_id"].as_str().unwrap().to_string(),
                s["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Scene → what the last run did (`done`, `skipped`, `failed`) from `run.json`.
fn outcome_of(root: &Path) -> BTreeMap<String, String> {
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(root.join("run.json")).unwrap()).unwrap();
    v["scenes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["scene_id"].as_str().unwrap().to_string(),
                s["outcome"]["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Where a bundled pipeline can be validated: in place, or, for the demo season (whose inputs
/// are generated by `seamfire synth --preset season` into `../out/demo-season-data`), a copy
/// beside freshly generated inputs in `tmp`.
fn validatable(p: &std::path::Path, tmp: &std::path::Path) -> std::path::PathBuf {
    if p.file_name().is_none_or(|n| n != "demo-season.toml") {
        return p.to_path_buf();
    }
    let data = tmp.join("out/demo-season-data");
    let o = seamfire()
        .args(["synth", "--preset", "season", "--seed", "2020", "--out"])
        .arg(&data)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    std::fs::create_dir_all(tmp.join("pipelines")).unwrap();
    let copy = tmp.join("pipelines/demo-season.toml");
    std::fs::copy(p, &copy).unwrap();
    copy
}

#[test]
fn every_bundled_pipeline_validates() {
    let dir = root().join("pipelines");
    let tmp = tempfile::tempdir().unwrap();
    let mut n = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "toml") {
            let p = validatable(&p, tmp.path());
            let out = seamfire().arg("validate").arg(&p).output().unwrap();
            assert!(
                out.status.success(),
                "{}: {}",
                p.display(),
                String::from_utf8_lossy(&out.stderr)
            );
            n += 1;
        }
    }
    assert!(n >= 1);
}

#[test]
fn demo_pipeline_runs_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(
        &root().join("pipelines/demo.toml"),
        &["--out", dir.path().to_str().unwrap()],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for f in [
        "season.geojson",
        "season_summary.json",
        "season_summary.csv",
    ] {
        assert!(dir.path().join(f).exists(), "{f}");
    }
    let st = status_of(dir.path());
    assert_eq!(st.len(), 5);
    assert!(st.values().all(|s| s == "ok"), "{st:?}");
    assert!(outcome_of(dir.path()).values().all(|s| s == "done"));
    // The fire date's zones are new; the earlier date of the same footprint had none.
    let season: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("season.geojson")).unwrap()).unwrap();
    let fire: Vec<&serde_json::Value> = season["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["properties"]["scene_id"] == "LC08_L1TP_227074_20190825_20200826_02_T1")
        .collect();
    assert_eq!(fire.len(), 23);
    assert!(fire.iter().all(|f| f["properties"]["persistence"] == "new"));
    // pipelines/known_fires.geojson covers the southern fire front (KZ-01): its zones are known.
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("season_summary.json")).unwrap())
            .unwrap();
    let row = summary["scenes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["scene_id"] == "LC08_L1TP_227074_20190825_20200826_02_T1")
        .unwrap();
    assert_eq!(row["known_zones_detected"], 1);
    assert_eq!(
        row["zones_known"].as_u64().unwrap() + row["zones_new"].as_u64().unwrap(),
        23
    );
    assert!(
        row["zones_known"].as_u64().unwrap() > 0 && row["zones_new"].as_u64().unwrap() > 0,
        "{row}"
    );
    let kz01: Vec<&serde_json::Value> = summary["known_zones"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|k| k["known_zone_id"] == "KZ-01" && k["detected"] == true)
        .collect();
    assert_eq!(kz01.len(), 1, "KZ-01 detected on the fire date only");
    assert_eq!(kz01[0]["acquisition_date"], "2019-08-25");

    // Per-scene known_zones hold the inventory zones near that scene only: KZ-01 lies at
    // Corumbá (-57.5°, -20.0°), KZ-02 at Pensacola (-87.3°, 30.7°); Liverpool is near neither.
    let known_ids = |scene: &str| -> Vec<String> {
        let p = dir.path().join(scene).join("known_zones.geojson");
        let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
        v["features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                f["properties"]["known_zone_id"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect()
    };
    assert_eq!(known_ids("pensacola-2015-08-04"), ["KZ-02"]);
    assert_eq!(
        known_ids("LC08_L1TP_227074_20190825_20200826_02_T1"),
        ["KZ-01"]
    );
    assert!(known_ids("liverpool-l2sp").is_empty());

    // Sensor and mission under the product's own names (SENSOR_ID, SPACECRAFT_ID).
    let csv = std::fs::read_to_string(dir.path().join("season_summary.csv")).unwrap();
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let col = header.iter().position(|h| *h == "sensor").unwrap();
    let sensors: BTreeMap<String, String> = csv
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[0].to_string(), f[col].to_string())
        })
        .collect();
    assert_eq!(sensors["para-1988"], "TM");
    assert_eq!(sensors["pensacola-2015-08-04"], "OLI_TIRS");
    let det: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir.path().join("pensacola-2015-08-04/detection.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(det["scene"]["mission"], "LANDSAT_8");
    assert_eq!(det["scene"]["sensor"], "OLI_TIRS");
}

#[test]
fn reruns_are_incremental() {
    let dir = tempfile::tempdir().unwrap();
    let p = small_pipeline(dir.path(), "");
    let out_root = dir.path().join("out");
    assert!(run(&p, &[]).status.success());
    let first = snapshot(&out_root);
    let raw_first: Vec<u8> = std::fs::read(out_root.join("pensacola/bt.tif")).unwrap();

    // Nothing changed: nothing processed, scene outputs untouched byte for byte.
    let out = run(&p, &[]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("0 processed, 2 unchanged"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(
        std::fs::read(out_root.join("pensacola/bt.tif")).unwrap(),
        raw_first
    );
    assert_eq!(
        std::fs::read(out_root.join("pensacola/detection.json")).unwrap(),
        std::fs::read(out_root.join("pensacola/detection.json")).unwrap()
    );
    assert_eq!(
        snapshot(&out_root.join("pensacola")),
        first
            .iter()
            .filter(|(k, _)| k.starts_with("pensacola/"))
            .map(|(k, v)| (k["pensacola/".len()..].to_string(), v.clone()))
            .collect()
    );

    // Touching one input reprocesses exactly that scene.
    let b6 = dir
        .path()
        .join("data/landsat5-tm-para-1988/LT52240631988227CUB02_B6.TIF");
    let f = std::fs::File::options().append(true).open(&b6).unwrap();
    f.set_modified(std::time::SystemTime::now() + Duration::from_secs(5))
        .unwrap();
    drop(f);
    let out = run(&p, &[]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("1 processed, 1 unchanged"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let st = outcome_of(&out_root);
    assert_eq!(st["para"], "done");
    assert_eq!(st["pensacola"], "skipped");

    // Changing a parameter reprocesses all.
    let text = std::fs::read_to_string(&p).unwrap() + "[detect.contextual]\nk = 4.5\n";
    std::fs::write(&p, &text).unwrap();
    let out = run(&p, &[]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("2 processed, 0 unchanged"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    // So does an exclusion layer (a top-level key, before the tables), which reaches every
    // scene's detection: one flare site (lon/lat GeoJSON), far from both scenes.
    std::fs::write(
        dir.path().join("industry.geojson"),
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"F1"},"geometry":{"type":"Point","coordinates":[10.0,10.0]}}]}"#,
    )
    .unwrap();
    std::fs::write(&p, format!("exclude = \"industry.geojson\"\n{text}")).unwrap();
    let out = run(&p, &[]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("2 processed, 0 unchanged"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let rec: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out_root.join("pensacola/detection.json")).unwrap())
            .unwrap();
    assert_eq!(rec["exclude"]["sites"], 1);
    assert_eq!(rec["exclude"]["buffer_m"], 100.0);
    assert_eq!(
        rec["zone_status"]["excluded"], 0,
        "the site is far from Pensacola"
    );
}

#[test]
fn killed_run_then_rerun_equals_a_clean_run() {
    let dir = tempfile::tempdir().unwrap();
    let p = small_pipeline(dir.path(), "");
    let clean = dir.path().join("clean");
    let started = std::time::Instant::now();
    assert!(
        run(&p, &["--out", clean.to_str().unwrap(), "--force"])
            .status
            .success()
    );
    let clean_ms = started.elapsed().as_millis() as u64;
    let want = snapshot(&clean);

    // Kill at several moments of a run as long as the clean one (detection, vector writing,
    // map sheets, manifests), whatever the build's speed.
    for fraction in [0.15, 0.4, 0.65, 0.9] {
        let delay_ms = (clean_ms as f64 * fraction) as u64;
        let killed = dir.path().join(format!("killed-{delay_ms}"));
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("seamfire"))
            .arg("-q")
            .arg("run")
            .arg(&p)
            .args(["--out", killed.to_str().unwrap()])
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        // No file under a final name is partial: every product that exists opens whole.
        for (name, bytes) in snapshot_if_exists(&killed) {
            if name.ends_with(".tif") {
                seamfire::io::read_band::<f64>(&killed.join(&name), 1)
                    .unwrap_or_else(|e| panic!("partial {name}: {e}"));
            } else if name.ends_with(".png") {
                image::load_from_memory(&bytes).unwrap_or_else(|e| panic!("partial {name}: {e}"));
            } else if name.ends_with(".json") || name.ends_with(".geojson") {
                serde_json::from_slice::<serde_json::Value>(&bytes)
                    .unwrap_or_else(|e| panic!("partial {name}: {e}"));
            }
        }
        let out = run(&p, &["--out", killed.to_str().unwrap()]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let got = snapshot(&killed);
        let leftovers: Vec<&String> = got.keys().filter(|k| k.contains(".partial")).collect();
        assert!(
            leftovers.is_empty(),
            "the rerun removes what the killed run left: {leftovers:?}"
        );
        assert_eq!(
            got.keys().collect::<Vec<_>>(),
            want.keys().collect::<Vec<_>>(),
            "killed after {delay_ms} ms"
        );
        for (k, v) in &want {
            assert!(got[k] == *v, "{k} differs after a kill at {delay_ms} ms");
        }
    }
}

fn snapshot_if_exists(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    if dir.exists() {
        snapshot(dir)
    } else {
        BTreeMap::new()
    }
}

#[test]
fn a_corrupt_scene_fails_alone() {
    let dir = tempfile::tempdir().unwrap();
    let p = small_pipeline(dir.path(), "");
    let b6 = dir
        .path()
        .join("data/landsat5-tm-para-1988/LT52240631988227CUB02_B6.TIF");
    let bytes = std::fs::read(&b6).unwrap();
    std::fs::write(&b6, &bytes[..bytes.len() / 4]).unwrap();
    let out = run(&p, &[]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let root = dir.path().join("out");
    let st = status_of(&root);
    assert_eq!(st["pensacola"], "ok");
    assert_eq!(st["para"], "failed");
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(root.join("season_summary.json")).unwrap()).unwrap();
    let para = v["scenes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["scene_id"] == "para")
        .unwrap();
    assert_eq!(para["stage"], "detect");
    assert!(
        para["reason"]
            .as_str()
            .unwrap()
            .contains("LT52240631988227CUB02_B6.TIF"),
        "{para}"
    );
    assert!(root.join("pensacola/anomaly.tif").exists());
    assert!(!root.join("para/anomaly.tif").exists());
}

#[test]
fn unknown_key_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = small_pipeline(dir.path(), "[detect.contextual]\nkay = 4\n");
    for cmd in ["run", "validate"] {
        let out = seamfire().arg(cmd).arg(&p).output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains("kay"));
    }
    assert!(!dir.path().join("out").exists(), "no work before the error");
}

#[test]
fn two_shards_and_merge_equal_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let p = small_pipeline(dir.path(), "");
    let whole = dir.path().join("whole");
    assert!(
        run(&p, &["--out", whole.to_str().unwrap()])
            .status
            .success()
    );
    let sharded = dir.path().join("sharded");
    for s in ["0/2", "1/2"] {
        assert!(
            run(&p, &["--out", sharded.to_str().unwrap(), "--shard", s])
                .status
                .success()
        );
    }
    assert!(
        !sharded.join("season_summary.json").exists(),
        "shards leave the season to merge"
    );
    let out = seamfire()
        .args(["merge", sharded.to_str().unwrap(), "--name", "test"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_same(
        &snapshot(&sharded),
        &snapshot(&whole),
        "two shards + merge vs one run",
    );
}

#[test]
fn slurm_example_runs_shards_that_merge_to_one_run() {
    // docs/scale-out/slurm.sh with the environment Slurm gives an array of two tasks.
    let dir = tempfile::tempdir().unwrap();
    let p = small_pipeline(dir.path(), "");
    let bin = assert_cmd::cargo::cargo_bin("seamfire");
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for task in ["0", "1"] {
        let out = std::process::Command::new("bash")
            .arg(root().join("docs/scale-out/slurm.sh"))
            .arg(&p)
            .env("PATH", &path)
            .env("SLURM_ARRAY_TASK_ID", task)
            .env("SLURM_ARRAY_TASK_COUNT", "2")
            .env("SLURM_CPUS_PER_TASK", "1")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "task {task}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let root_dir = dir.path().join("out");
    assert!(
        seamfire()
            .arg("merge")
            .arg(&root_dir)
            .args(["--name", "test"])
            .output()
            .unwrap()
            .status
            .success()
    );
    assert_eq!(status_of(&root_dir).len(), 2);
}

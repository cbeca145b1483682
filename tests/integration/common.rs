//! Test harness: build a repository in a temporary directory, run the real binary with a
//! scrubbed environment and a pinned `--as-of`, and look at what it printed and wrote.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

pub const AS_OF: &str = "2026-11-22T12:00:00Z";

pub struct Repo {
    pub dir: tempfile::TempDir,
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }
    #[track_caller]
    pub fn ok(self) -> Self {
        assert_eq!(
            self.code, 0,
            "expected success\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }
    #[track_caller]
    pub fn invalid(self) -> Self {
        assert_eq!(
            self.code, 2,
            "expected exit 2\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

impl Repo {
    pub fn new() -> Repo {
        Repo {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file (creating directories); returns self for chaining.
    pub fn file(&self, rel: &str, content: &str) -> &Self {
        self.bytes(rel, content.as_bytes())
    }

    pub fn bytes(&self, rel: &str, content: &[u8]) -> &Self {
        let p = self.dir.path().join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, content).expect("write");
        self
    }

    /// Runs `vigocli --repo <repo> --as-of AS_OF <args>`.
    pub fn run(&self, args: &[&str]) -> Run {
        let mut all = vec![
            "--repo".to_string(),
            self.dir.path().display().to_string(),
            "--as-of".to_string(),
            AS_OF.to_string(),
        ];
        all.extend(args.iter().map(|s| s.to_string()));
        run_raw(&all, self.dir.path())
    }

    /// Runs `vigocli --as-of AS_OF <args>` inside the repository, without --repo (as a
    /// pre-commit hook runs: paths relative to the repository root).
    pub fn run_in(&self, args: &[&str]) -> Run {
        let mut all = vec!["--as-of".to_string(), AS_OF.to_string()];
        all.extend(args.iter().map(|s| s.to_string()));
        run_raw(&all, self.dir.path())
    }

    pub fn report(&self, framework: &str, extra: &[&str]) -> Value {
        let mut args = vec!["compliance", "report", framework, "--format", "json"];
        args.extend_from_slice(extra);
        self.run(&args).ok().json()
    }
}

/// The committed fixture repository tests/fixtures/clinic.
pub fn clinic() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/clinic")
}

/// Runs `vigocli --repo <clinic> --as-of AS_OF <args>`.
pub fn run_clinic(args: &[&str]) -> Run {
    let mut all: Vec<String> = vec![
        "--repo".into(),
        clinic().display().to_string(),
        "--as-of".into(),
        AS_OF.into(),
    ];
    all.extend(args.iter().map(|s| s.to_string()));
    run_raw(&all, &clinic())
}

pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_vigocli"))
}

pub fn run_raw(args: &[String], cwd: &Path) -> Run {
    run_env(args, cwd, &[])
}

/// Runs the binary in `dir` with a scrubbed environment plus `env` (no pinned `--as-of`).
pub fn vig(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    run_env(args, dir, env)
}

/// Runs the binary in `cwd` with a scrubbed environment (colour off) plus `env`.
pub fn run_env<S: AsRef<std::ffi::OsStr>>(args: &[S], cwd: &Path, env: &[(&str, &str)]) -> Run {
    let out = Command::new(bin())
        .args(args)
        .current_dir(cwd)
        .env_clear()
        .env("NO_COLOR", "1")
        .envs(env.iter().copied())
        .output()
        .expect("run vigocli");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The control row with this id.
pub fn control<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["controls"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["id"] == id))
        .unwrap_or_else(|| panic!("no control {id} in report"))
}

pub fn status(report: &Value, id: &str) -> String {
    control(report, id)["status"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

pub fn envoy<'a>(report: &'a Value, host: &str) -> &'a Value {
    report["envoys"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["hostname"] == host))
        .unwrap_or_else(|| panic!("no envoy {host} in report"))
}

pub fn codes(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .map(|f| {
            f.iter()
                .filter_map(|x| x["code"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// A small custom framework (T1–T6 under heading T) and capabilities, so numbers are easy.
pub const TEST_FRAMEWORK: &str = r#"id: tf
name: Test Framework
version: "1"
aliases: [testfw]
source: "written for the tests"
controls:
  - { id: "T", title: "Heading", assessable: false }
  - { id: "T1", title: "One", parent: "T" }
  - { id: "T2", title: "Two", parent: "T" }
  - { id: "T3", title: "Three", parent: "T" }
  - { id: "T4", title: "Four", parent: "T" }
  - { id: "T5", title: "Five", parent: "T" }
  - { id: "T6", title: "Six", parent: "T" }
  - { id: "T9", title: "Gone", parent: "T", withdrawn: true, incorporated_into: "T1" }
"#;

pub const TEST_CAPABILITIES: &str = r#"capabilities:
  cap-a:
    description: "A"
    controls: { tf: ["T1", "T2"] }
  cap-b:
    description: "B"
    controls: { tf: ["T3"] }
bundles:
  tf/basic:
    framework: tf
    controls: ["T4", "T5"]
"#;

/// A repo with the test framework and capabilities.
pub fn tf_repo() -> Repo {
    let r = Repo::new();
    r.file("frameworks/tf.yaml", TEST_FRAMEWORK)
        .file("frameworks/caps.yaml", TEST_CAPABILITIES);
    r
}

/// Three envoys: a-1, a-2 under stacks/zone-a, b-1 under stacks/zone-b.
pub fn three_envoy_fleet() -> Repo {
    let r = tf_repo();
    r.file("stacks/configcrates/base.vgo", "compliance:\n  tf: [T1]\n")
        .file(
            "stacks/configcrates/extra.vgo",
            "compliance:\n  tf: [T2, T3]\n",
        )
        .file("stacks/common.vgo", "configcrates: [base]\n")
        .file(
            "stacks/zone-a/envoys.vgo",
            "envoys:\n  - match: \"a-*\"\n    labels: { phi: true }\n",
        )
        .file(
            "stacks/zone-b/envoys.vgo",
            "envoys:\n  - match: \"b-*\"\n    configcrates: [extra]\n    labels: { phi: false }\n",
        )
        .file(
            "inventory/envoys.json",
            r#"{"envoys": [
  {"hostname": "a-1", "last_converged": "2026-11-21T08:00:00Z", "status": "converged"},
  {"hostname": "a-2", "last_converged": "2026-11-20T08:00:00Z"},
  {"hostname": "b-1", "last_converged": "2026-11-22T08:00:00Z", "status": "failed"}
]}"#,
        );
    r
}

/// Whether this is a CI run (`CI` set and not `false`, as `.ci/run` and CI services set
/// it): there a test that cannot run fails instead of being ignored.
pub fn in_ci() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false")
}

/// Whether an external tool a test needs runs (`tool version_arg` succeeds). When it does
/// not, in CI (`CI` set, as `.ci/run` and CI services set it) the calling test fails: a
/// test that cannot run must not pass. Elsewhere it says on stderr that it is ignored, and
/// the caller returns.
#[track_caller]
pub fn require_tool(tool: &str, version_arg: &str, test: &str, install: &str) -> bool {
    let runs = Command::new(tool)
        .arg(version_arg)
        .output()
        .is_ok_and(|o| o.status.success());
    if runs {
        return true;
    }
    assert!(
        !in_ci(),
        "{test}: `{tool}` is not on PATH, and CI must run this test ({install})"
    );
    eprintln!("ignored {test}: `{tool}` is not on PATH ({install}; in CI this fails)");
    false
}

/// A copy of the directory `from` (e.g. a fixture repository) at `to`.
pub fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.expect("walk");
        let rel = e.path().strip_prefix(from).expect("inside");
        let target = to.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
        } else {
            std::fs::copy(e.path(), &target).expect("copy");
        }
    }
}

/// Runs `vigocli --repo REPO --as-of AS_OF ARGS` in `repo`.
pub fn run_repo(repo: &Path, as_of: &str, args: &[&str]) -> Run {
    let mut all: Vec<String> = vec![
        "--repo".into(),
        repo.display().to_string(),
        "--as-of".into(),
        as_of.into(),
    ];
    all.extend(args.iter().map(|s| s.to_string()));
    run_raw(&all, repo)
}

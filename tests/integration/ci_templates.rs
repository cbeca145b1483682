//! The one-line CI setups (docs/ci.md): the GitHub composite action `action.yml` is valid
//! against SchemaStore's `github-action` schema and the GitLab template
//! `ci/vigocli.gitlab-ci.yml` against GitLab's own `ci.json` (both vendored under
//! tests/schemas/, see its README), validated with Python's `jsonschema` and PyYAML from
//! PyPI (installed by `.ci/run`; in CI a missing module fails the test).

use crate::common::{in_ci, require_tool};
use std::path::{Path, PathBuf};
use std::process::Command;

const INSTALL: &str = "python3 -m pip install jsonschema pyyaml";

/// Validates each YAML document of argv[2] against the JSON schema argv[1]; prints the
/// errors and exits 1 when there are any, 3 when a module is missing.
const VALIDATE: &str = r#"
import json, sys
try:
    import jsonschema, yaml
except ImportError as e:
    print(e)
    sys.exit(3)
schema = json.load(open(sys.argv[1], encoding="utf-8"))
cls = jsonschema.validators.validator_for(schema)
cls.check_schema(schema)
validator = cls(schema)
errors = []
for doc in yaml.safe_load_all(open(sys.argv[2], encoding="utf-8")):
    for e in validator.iter_errors(doc):
        errors.append(f"{'/'.join(map(str, e.absolute_path))}: {e.message}")
print("\n".join(errors))
sys.exit(1 if errors else 0)
"#;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// None when the validator cannot run here (and this is not CI); else whether `file` is
/// valid, with the validator's output.
fn validate(schema: &str, file: &Path) -> Option<(bool, String)> {
    if !require_tool("python3", "--version", "ci_templates", INSTALL) {
        return None;
    }
    let out = Command::new("python3")
        .arg("-c")
        .arg(VALIDATE)
        .arg(root().join("tests/schemas").join(schema))
        .arg(file)
        .output()
        .expect("run python3");
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    if out.status.code() == Some(3) {
        assert!(
            !in_ci(),
            "ci_templates: {text} and CI must run this test ({INSTALL})"
        );
        eprintln!("ignored ci_templates: {text} ({INSTALL}; in CI this fails)");
        return None;
    }
    Some((out.status.success(), text))
}

/// `file` with `from` replaced by `to`, written into a temporary directory.
fn broken(file: &str, from: &str, to: &str) -> (tempfile::TempDir, PathBuf) {
    let text = std::fs::read_to_string(root().join(file)).unwrap();
    assert!(text.contains(from), "{file} has no `{from}`");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.yml");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    (dir, path)
}

#[test]
fn the_github_action_is_valid_against_the_action_schema() {
    let action = root().join("action.yml");
    let Some((ok, out)) = validate("github-action.json", &action) else {
        return;
    };
    assert!(ok, "action.yml:\n{out}");
    // The schema does reject what is wrong: a misspelt key of a step.
    let (_dir, bad) = broken(
        "action.yml",
        "      working-directory:",
        "      working-dir:",
    );
    let (ok, out) = validate("github-action.json", &bad).unwrap();
    assert!(!ok, "a broken action.yml was accepted: {out}");
}

#[test]
fn the_github_action_installs_caches_checks_uploads_and_summarises() {
    let text = std::fs::read_to_string(root().join("action.yml")).unwrap();
    for needle in [
        "using: composite",
        "uses: actions/cache@v4",
        "cargo install --locked --root \"$ROOT\" --git \"$SERVER/$REPOSITORY\" --tag \"$VERSION\" vigocli",
        "compliance check",
        "--format sarif",
        "uses: github/codeql-action/upload-sarif@v3",
        "--format markdown >> \"$GITHUB_STEP_SUMMARY\"",
    ] {
        assert!(text.contains(needle), "action.yml lacks `{needle}`");
    }
}

#[test]
fn the_gitlab_template_is_valid_against_the_gitlab_ci_schema() {
    let template = root().join("ci/vigocli.gitlab-ci.yml");
    let Some((ok, out)) = validate("gitlab-ci.json", &template) else {
        return;
    };
    assert!(ok, "ci/vigocli.gitlab-ci.yml:\n{out}");
    let (_dir, bad) = broken(
        "ci/vigocli.gitlab-ci.yml",
        "    when: always\n",
        "    when: sometimes\n",
    );
    let (ok, out) = validate("gitlab-ci.json", &bad).unwrap();
    assert!(!ok, "a broken template was accepted: {out}");
}

#[test]
fn the_gitlab_template_reports_junit_and_code_quality() {
    let text = std::fs::read_to_string(root().join("ci/vigocli.gitlab-ci.yml")).unwrap();
    for needle in [
        "--format junit --output vigocli-junit.xml",
        "--format gitlab --output gl-code-quality-report.json",
        "junit: vigocli-junit.xml",
        "codequality: gl-code-quality-report.json",
        "--git \"$VIGOCLI_GIT\" --tag \"$VIGOCLI_VERSION\"",
    ] {
        assert!(
            text.contains(needle),
            "the GitLab template lacks `{needle}`"
        );
    }
}

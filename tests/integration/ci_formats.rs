//! The formats CI systems read: `check --format junit` (validated with xmllint against the
//! Jenkins xUnit plugin's JUnit XSD), `check --format gitlab` (every entry validated against
//! the schema GitLab validates Code Quality entries with), and `check`/`report --format
//! markdown` (snapshots, escaping, GitHub's comment limit).

use crate::common::*;
use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn example() -> PathBuf {
    root().join("examples/healthcare-saas")
}

/// Whether `xml` is valid against the vendored JUnit XSD (None: xmllint missing, not CI).
fn junit_valid(xml: &str) -> Option<(bool, String)> {
    if !require_tool(
        "xmllint",
        "--version",
        "ci_formats junit",
        "apt-get install libxml2-utils",
    ) {
        return None;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("junit.xml");
    std::fs::write(&file, xml).expect("write");
    let out = Command::new("xmllint")
        .args(["--noout", "--schema"])
        .arg(root().join("tests/schemas/junit-10.xsd"))
        .arg(&file)
        .output()
        .expect("xmllint runs");
    Some((
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    ))
}

#[test]
fn junit_is_valid_and_has_a_case_per_gate_and_per_failing_control() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("vigocli-junit.xml");
    let run = run_repo(
        &example(),
        AS_OF,
        &[
            "compliance",
            "check",
            "--format",
            "junit",
            "--output",
            &file.display().to_string(),
        ],
    );
    assert_eq!(run.code, 1, "the example fails its gates: {}", run.stderr);
    let xml = std::fs::read_to_string(&file).expect("junit written");
    if let Some((ok, out)) = junit_valid(&xml) {
        assert!(ok, "{out}\n{xml}");
    }
    // hipaa: min_coverage fails, min_assured and must_cover pass; 13 controls fail min_coverage.
    assert!(xml.contains(
        "<testcase name=\"min_coverage: coverage &gt;= 80.00 %\" classname=\"vigocli.hipaa.gates\">\n      <failure type=\"coverage-below-minimum\""
    ));
    assert!(xml.contains(
        "<testcase name=\"min_assured: assured &gt;= 50.00 %\" classname=\"vigocli.hipaa.gates\"/>"
    ));
    assert!(xml.contains(
        "<testcase name=\"must_cover: 3 must-cover control(s) covered\" classname=\"vigocli.hipaa.gates\"/>"
    ));
    assert_eq!(
        xml.matches("classname=\"vigocli.hipaa.controls\"").count(),
        13
    );
    assert!(xml.contains(
        "<testcase name=\"164.312(c)(1)\" classname=\"vigocli.hipaa.controls\">\n      <failure type=\"control\" message=\"164.312(c)(1) (partial) fails min_coverage\">"
    ));
    // pci-dss passes its one gate.
    assert!(
        xml.contains("<testsuite name=\"vigocli.pci-dss\" tests=\"1\" failures=\"0\" errors=\"0\"")
    );
    // Repository-wide gate failures, and the warnings in system-out.
    assert!(xml.contains("<testcase name=\"expired-waiver at stacks/waivers.vgo:84\" classname=\"vigocli.repository\">"));
    assert!(xml.contains("<testcase name=\"evidence-changed at evidence/records.yaml:112\""));
    assert!(
        xml.contains("\nwarning[expiring-waiver]: waiver for pci-dss:11.4.5 expires on 2026-12-05")
    );
    assert!(xml.contains(
        "<testsuites name=\"vigocli compliance check\" tests=\"19\" failures=\"16\" errors=\"0\">"
    ));
}

#[test]
fn junit_of_a_passing_check_and_of_invalid_inputs() {
    let r = three_envoy_fleet();
    let pass = r.run(&["compliance", "check", "--format", "junit"]);
    assert_eq!(pass.code, 0, "{}", pass.stderr);
    assert!(
        pass.stdout.contains("failures=\"0\" errors=\"0\""),
        "{}",
        pass.stdout
    );
    assert!(pass.stdout.contains(
        "<testcase name=\"inputs valid, no repository-wide gate failed\" classname=\"vigocli.repository\"/>"
    ));
    if let Some((ok, out)) = junit_valid(&pass.stdout) {
        assert!(ok, "{out}");
    }
    // An input error with markup and control characters in it: an <error>, still valid XML.
    r.file(
        "stacks/configcrates/bad.vgo",
        "compliance:\n  tf: [\"T<&\\u0001>\"]\n",
    )
    .file("stacks/common.vgo", "configcrates: [base, bad]\n");
    let bad = r.run(&["compliance", "check", "--format", "junit"]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    assert!(bad.stdout.contains("<error type=\""), "{}", bad.stdout);
    assert!(bad.stdout.contains("T&lt;&amp;\\x01&gt;"), "{}", bad.stdout);
    if let Some((ok, out)) = junit_valid(&bad.stdout) {
        assert!(ok, "{out}\n{}", bad.stdout);
    }
}

const VALIDATE_ENTRIES: &str = r#"
import json, sys
try:
    import jsonschema
except ImportError:
    print("python3 has no jsonschema module"); sys.exit(3)
schema = json.load(open(sys.argv[1]))
report = json.load(open(sys.argv[2]))
assert isinstance(report, list), "a Code Quality report is a JSON array"
v = jsonschema.Draft7Validator(schema)
bad = [f"{i}: {e.message}" for i, entry in enumerate(report) for e in v.iter_errors(entry)]
print("\n".join(bad)); sys.exit(1 if bad else 0)
"#;

#[test]
fn gitlab_code_quality_is_valid_with_stable_unique_fingerprints_and_repository_paths() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("gl-code-quality-report.json");
    let args = [
        "compliance",
        "check",
        "--format",
        "gitlab",
        "--output",
        &file.display().to_string(),
    ];
    assert_eq!(run_repo(&example(), AS_OF, &args).code, 1);
    let first = std::fs::read_to_string(&file).expect("written");
    assert_eq!(run_repo(&example(), AS_OF, &args).code, 1);
    assert_eq!(
        first,
        std::fs::read_to_string(&file).expect("written"),
        "stable"
    );

    if require_tool(
        "python3",
        "--version",
        "ci_formats gitlab",
        "install python3 with jsonschema",
    ) {
        let out = Command::new("python3")
            .args(["-c", VALIDATE_ENTRIES])
            .arg(root().join("tests/schemas/gitlab-codeclimate.json"))
            .arg(&file)
            .output()
            .expect("python3 runs");
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        if out.status.code() == Some(3) {
            assert!(!in_ci(), "{text}: CI must run this test");
        } else {
            assert!(out.status.success(), "{text}");
        }
    }
    let entries: Vec<Value> = serde_json::from_str(&first).expect("JSON array");
    let check: Value = run_repo(
        &example(),
        AS_OF,
        &["compliance", "check", "--format", "json"],
    )
    .json();
    assert_eq!(
        entries.len(),
        check["problems"].as_array().map_or(0, Vec::len),
        "one entry per problem"
    );
    let mut fingerprints: Vec<&str> = entries
        .iter()
        .map(|e| e["fingerprint"].as_str().unwrap_or(""))
        .collect();
    fingerprints.sort_unstable();
    fingerprints.dedup();
    assert_eq!(fingerprints.len(), entries.len(), "fingerprints are unique");
    for e in &entries {
        let sev = e["severity"].as_str().unwrap_or("");
        assert!(
            ["info", "minor", "major", "critical", "blocker"].contains(&sev),
            "{e}"
        );
        let path = e["location"]["path"].as_str().unwrap_or("");
        assert!(
            path == "." || example().join(path).exists(),
            "a repository-relative path that exists: {path}"
        );
        assert!(e["location"]["lines"]["begin"].as_u64().unwrap_or(0) >= 1);
        assert!(
            e["check_name"]
                .as_str()
                .is_some_and(|c| c.starts_with("vigocli/"))
        );
    }
    assert!(entries.iter().any(|e| e["severity"] == "critical"
        && e["check_name"] == "vigocli/coverage-below-minimum"
        && e["location"]["path"] == "vigocli.toml"));
    assert!(entries.iter().any(|e| e["severity"] == "minor"));
}

#[test]
fn the_fingerprint_of_a_gate_failure_survives_a_change_of_coverage() {
    let fp = |min: &str| -> String {
        let run = run_repo(
            &example(),
            AS_OF,
            &[
                "compliance",
                "check",
                "--framework",
                "soc2",
                "--min-coverage",
                min,
                "--format",
                "gitlab",
            ],
        );
        let entries: Vec<Value> = serde_json::from_str(&run.stdout).expect("JSON");
        entries
            .iter()
            .find(|e| e["check_name"] == "vigocli/coverage-below-minimum")
            .and_then(|e| e["fingerprint"].as_str())
            .map(String::from)
            .expect("a coverage gate failure")
    };
    assert_eq!(fp("99"), fp("98"));
}

#[test]
fn markdown_snapshots() {
    for (name, args) in [
        (
            "check_markdown",
            &["compliance", "check", "--format", "markdown"][..],
        ),
        (
            "report_markdown_hipaa",
            &["compliance", "report", "hipaa", "--format", "markdown"][..],
        ),
    ] {
        let run = run_clinic(args);
        insta::assert_snapshot!(name, run.stdout);
    }
}

#[test]
fn markdown_is_capped_at_githubs_comment_limit_and_says_what_it_cut() {
    for args in [
        &[
            "compliance",
            "report",
            "nist-800-53",
            "--format",
            "markdown",
        ][..],
        &[
            "compliance",
            "check",
            "--framework",
            "nist-800-53",
            "--min-coverage",
            "100",
            "--min-assured",
            "100",
            "--format",
            "markdown",
        ][..],
    ] {
        let run = run_repo(&example(), AS_OF, args);
        assert!(run.stdout.chars().count() <= 65_536, "{}", run.stdout.len());
        if args[1] == "report" {
            assert!(run.stdout.len() > 60_000, "a NIST report fills the comment");
            let last = run.stdout.lines().last().unwrap_or("");
            assert!(
                last.starts_with("**Cut:** ")
                    && last.contains(" lines are not shown, to stay within GitHub's 65,536 character limit for a comment."),
                "{last}"
            );
        } else {
            // A long control list is shortened in place instead.
            assert!(run.stdout.contains(" more\n"), "{}", run.stdout);
        }
    }
}

#[test]
fn markdown_shows_data_as_text_never_as_markup() {
    let r = tf_repo();
    r.file(
        "frameworks/tf.yaml",
        &TEST_FRAMEWORK.replace(
            "title: \"One\"",
            "title: \"<img src=x onerror=alert(1)> [click](http://evil.example) | `x` *b*\"",
        ),
    )
    .file("stacks/configcrates/base.vgo", "compliance:\n  tf: [T2]\n")
    .file("stacks/common.vgo", "configcrates: [base]\n");
    let run = r.run(&["compliance", "report", "tf", "--format", "markdown"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains(
            "| T1 | \\<img src=x onerror=alert(1)\\> \\[click\\](http://evil.example) \\| \\`x\\` \\*b\\* | uncovered | 1 |"
        ),
        "{}",
        run.stdout
    );
}

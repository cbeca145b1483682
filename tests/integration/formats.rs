//! Every output format and the diagnostics on stderr, snapshotted whole (exit code,
//! stdout, stderr and written files) on the clinic fixture: the contract a refactor must
//! keep byte for byte.

use crate::common::*;

/// `exit`, stdout and stderr of a run as one text, with the fixture's path replaced.
fn transcript(run: &Run) -> String {
    let repo = clinic().display().to_string();
    format!(
        "exit: {}\n--- stdout\n{}\n--- stderr\n{}",
        run.code, run.stdout, run.stderr
    )
    .replace(&repo, "[REPO]")
}

/// Runs on the clinic fixture, writing `--output` files into a temp dir whose content is
/// appended to the transcript.
fn with_output(args: &[&str], file: &str) -> String {
    let out = tempfile::tempdir().unwrap();
    let path = out.path().join(file).display().to_string();
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--output", path.as_str()]);
    let run = run_clinic(&all);
    let written = std::fs::read_to_string(&path).unwrap_or_else(|_| "[not written]".into());
    format!("{}\n--- {file}\n{written}", transcript(&run))
        .replace(&out.path().display().to_string(), "[OUT]")
}

#[test]
fn check_in_every_format() {
    for (name, format) in [
        ("check_human", "human"),
        ("check_json", "json"),
        ("check_sarif", "sarif"),
        ("check_github", "github"),
    ] {
        let run = run_clinic(&["compliance", "check", "--format", format]);
        assert_eq!(run.code, 1, "the clinic carries an expired waiver");
        insta::assert_snapshot!(name, transcript(&run));
    }
}

#[test]
fn waivers_status_and_catalog() {
    let run = run_clinic(&["compliance", "waivers"]);
    insta::assert_snapshot!("waivers_table", transcript(&run));
    let run = run_clinic(&["compliance", "waivers", "--expiring", "30"]);
    insta::assert_snapshot!("waivers_expiring", transcript(&run));
    let run = run_clinic(&["compliance", "status", "--format", "json"]);
    insta::assert_snapshot!("status_json", transcript(&run));
    let run = run_clinic(&["catalog", "list"]);
    insta::assert_snapshot!("catalog_list", transcript(&run));
}

#[test]
fn diff_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old.json");
    let new = dir.path().join("new.json");
    let report_at = |as_of: &str| {
        let args: Vec<String> = [
            "--repo",
            &clinic().display().to_string(),
            "--as-of",
            as_of,
            "compliance",
            "report",
            "hipaa",
            "--format",
            "json",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        run_raw(&args, &clinic()).ok().stdout
    };
    // Three weeks later a waiver has lapsed: a regression to report.
    std::fs::write(&old, report_at(AS_OF)).unwrap();
    std::fs::write(&new, report_at("2026-12-15T12:00:00Z")).unwrap();
    let (o, n) = (old.display().to_string(), new.display().to_string());
    for format in ["table", "json", "markdown"] {
        let run = run_clinic(&["compliance", "diff", &o, &n, "--format", format]);
        let text = transcript(&run).replace(&dir.path().display().to_string(), "[OUT]");
        insta::assert_snapshot!(format!("diff_{format}"), text);
    }
}

#[test]
fn exports_in_every_format() {
    insta::assert_snapshot!(
        "export_oscal_hipaa",
        with_output(
            &["compliance", "export", "oscal", "--framework", "hipaa"],
            "oscal.json"
        )
    );
    insta::assert_snapshot!(
        "export_cmdb",
        with_output(&["compliance", "export", "cmdb"], "cmdb.json")
    );
    insta::assert_snapshot!(
        "export_siem_hipaa",
        with_output(
            &["compliance", "export", "siem", "--framework", "hipaa"],
            "events.jsonl"
        )
    );
}

#[test]
fn diagnostics_on_stderr() {
    let r = Repo::new();
    r.file("vigocli.toml", "[scope]\nhipaa = { tier = \"prod\" }\nbogus = 1\n")
        .file(
            "stacks/configcrates/nginx.vgo",
            "name: nginx\ncompliance:\n  hipaa: [\"164.312(e)(1)\", \"164.999\"]\n  pci-dss: [\"4.1\"]\n",
        )
        .file("stacks/production/envoy.vgo", "configcrates: [nginx, nginxx]\n")
        .file("inventory/envoys.json", "[{\"hostname\": \"web-1\", \"stack\": \"production\"}");
    let run = r.run(&["compliance", "report", "hipaa"]);
    assert_eq!(run.code, 2);
    let text = format!("exit: {}\n--- stderr\n{}", run.code, run.stderr)
        .replace(&r.path().display().to_string(), "[REPO]");
    insta::assert_snapshot!("diagnostics_bad_repo", text);
}

//! Every JSON output of the clinic fixture and the example repository, validated against
//! its published JSON Schema under `schemas/` (see schemas/README.md), and the report,
//! status and check JSON read into mirror structs that refuse unknown fields.
//!
//! The schemas are resolved from the files alone (one registry keyed by their `$id`,
//! nothing fetched), and formats (`date-time`, `date`, `uuid`) are checked.

use crate::audit::{WINDOW, build, clinic_with_log, unzip, verify};
use crate::common::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const SCHEMA_BASE: &str = "https://vigocli.dev/schemas/";
const REPORT: &str = "compliance-report-v1.json";
const STATUS: &str = "compliance-status-v1.json";
const CHECK: &str = "check-result-v1.json";
const WAIVERS: &str = "waivers-v1.json";
const DIFF: &str = "compliance-diff-v1.json";
const CMDB: &str = "cmdb-v1.json";
const GRC: &str = "grc-evidence-v1.json";
const SIEM: &str = "siem-event-v1.json";
const VERIFICATION: &str = "bundle-verification-v1.json";
const BOUNDARY: &str = "audit-boundary-v1.json";
const MANIFEST: &str = "audit-bundle-manifest-v1.json";
const SNAPSHOT: &str = "snapshot-v1.json";
const TREND: &str = "trend-v1.json";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn example() -> PathBuf {
    root().join("examples/healthcare-saas")
}

/// Every `schemas/*.json`, by file name.
fn schema_files() -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    for e in std::fs::read_dir(root().join("schemas")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "json") {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            let v: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap())
                .unwrap_or_else(|e| panic!("{name} is not JSON: {e}"));
            out.insert(name, v);
        }
    }
    out
}

/// One validator per schema file, built once: cross-file `$ref`s resolve through a
/// registry of every schema by its `$id`, and nothing is fetched.
fn validators() -> &'static BTreeMap<String, jsonschema::Validator> {
    static V: OnceLock<BTreeMap<String, jsonschema::Validator>> = OnceLock::new();
    V.get_or_init(|| {
        let files = schema_files();
        let registry = jsonschema::Registry::new()
            .extend(
                files
                    .iter()
                    .map(|(name, v)| (format!("{SCHEMA_BASE}{name}"), v.clone())),
            )
            .unwrap()
            .prepare()
            .unwrap();
        files
            .iter()
            .map(|(name, v)| {
                let validator = jsonschema::options()
                    .with_draft(jsonschema::Draft::Draft202012)
                    .should_validate_formats(true)
                    .with_registry(&registry)
                    .build(v)
                    .unwrap_or_else(|e| panic!("schemas/{name} does not compile: {e}"));
                (name.clone(), validator)
            })
            .collect()
    })
}

fn errors(schema: &str, doc: &Value) -> Vec<String> {
    let v = validators()
        .get(schema)
        .unwrap_or_else(|| panic!("no schemas/{schema}"));
    v.iter_errors(doc)
        .take(10)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

#[track_caller]
pub(crate) fn assert_valid(schema: &str, doc: &Value, what: &str) {
    let errors = errors(schema, doc);
    assert!(
        errors.is_empty(),
        "{what} does not match schemas/{schema}:\n{}",
        errors.join("\n")
    );
}

#[track_caller]
fn assert_invalid(schema: &str, doc: &Value, what: &str) {
    assert!(
        !errors(schema, doc).is_empty(),
        "schemas/{schema} accepts a broken document: {what}"
    );
}

/// Runs `vigocli --repo <repo> --as-of AS_OF <args>` in `repo`.
fn run_at(repo: &Path, args: &[&str]) -> Run {
    let mut all: Vec<String> = vec![
        "--repo".into(),
        repo.display().to_string(),
        "--as-of".into(),
        AS_OF.into(),
    ];
    all.extend(args.iter().map(|s| s.to_string()));
    run_raw(&all, repo)
}

fn parse(text: &str, what: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{what} is not JSON ({e}):\n{text}"))
}

/// `report all --format json --output-dir`: every framework's report, by file name.
fn all_reports(repo: &Path, extra: &[&str]) -> BTreeMap<String, Value> {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().display().to_string();
    let mut args = vec![
        "compliance",
        "report",
        "all",
        "--format",
        "json",
        "--output-dir",
        &out,
    ];
    args.extend_from_slice(extra);
    run_at(repo, &args).ok();
    // Every report (`.vigocli-site`, the list of files the run wrote, is not one).
    std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            let doc = parse(&std::fs::read_to_string(&p).unwrap(), &name);
            (name, doc)
        })
        .collect()
}

/// The ids of every framework the repository's catalogs define.
fn framework_ids(repo: &Path) -> Vec<String> {
    let status = run_at(repo, &["compliance", "status", "--format", "json"])
        .ok()
        .json();
    status["frameworks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["framework"]["id"].as_str().unwrap().to_string())
        .collect()
}

/// Runs an export into a temporary file and returns its text.
fn export(repo: &Path, kind: &str, extra: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = out.display().to_string();
    let mut args = vec!["compliance", "export", kind, "--output", &o];
    args.extend_from_slice(extra);
    run_at(repo, &args).ok();
    std::fs::read_to_string(&out).unwrap()
}

/// A report of the repository, checked against the schema and the mirror.
#[track_caller]
fn assert_report(doc: &Value, what: &str) {
    assert_valid(REPORT, doc, what);
    mirror::round_trip::<mirror::Report>(doc, what);
}

// ---- the schemas themselves -------------------------------------------------------------

#[test]
fn every_schema_is_draft_2020_12_named_by_its_file_and_listed_in_the_readme() {
    let readme = std::fs::read_to_string(root().join("schemas/README.md")).unwrap();
    let files = schema_files();
    assert!(files.len() >= 11, "{:?}", files.keys());
    for (name, v) in &files {
        assert_eq!(
            v["$schema"], "https://json-schema.org/draft/2020-12/schema",
            "{name}"
        );
        assert_eq!(v["$id"], format!("{SCHEMA_BASE}{name}"), "{name}");
        if let Err(e) = jsonschema::meta::validate(v) {
            panic!("schemas/{name} is not a valid JSON Schema: {e}");
        }
        assert!(
            v["title"].is_string() && v["description"].is_string(),
            "{name} has a title and a description"
        );
        assert!(
            readme.contains(&format!("`{name}`")),
            "schemas/README.md does not describe {name}"
        );
    }
    // Built once, every cross-file reference resolving offline.
    assert_eq!(validators().len(), files.len());
}

/// Every `vigocli/<name>/v<N>` schema string the program writes has a published schema
/// whose `schema` is that string (so a new JSON output cannot ship without one).
#[test]
fn every_schema_string_in_the_source_has_a_published_schema() {
    let published: Vec<String> = schema_files()
        .values()
        .filter_map(|v| {
            v["properties"]["schema"]["const"]
                .as_str()
                .map(String::from)
        })
        .collect();
    let mut found = Vec::new();
    for e in walkdir::WalkDir::new(root().join("src")) {
        let e = e.unwrap();
        if e.path().extension().is_none_or(|x| x != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(e.path()).unwrap();
        let mut rest = text.as_str();
        while let Some(i) = rest.find("\"vigocli/") {
            let tail = &rest[i + 1..];
            let end = tail.find('"').unwrap_or(tail.len());
            let s = &tail[..end];
            let parts: Vec<&str> = s.split('/').collect();
            let is_schema = parts.len() == 3
                && !parts[1].is_empty()
                && parts[1].chars().all(|c| c.is_ascii_lowercase() || c == '-')
                && parts[2].starts_with('v')
                && parts[2][1..].chars().all(|c| c.is_ascii_digit());
            if is_schema {
                found.push(s.to_string());
            }
            rest = &tail[end..];
        }
    }
    found.sort();
    found.dedup();
    assert!(found.len() >= 9, "{found:?}");
    for s in &found {
        assert!(
            published.contains(s),
            "`{s}` is written by src/ but no schema under schemas/ has `schema: {s}`"
        );
    }
}

// ---- compliance-report/v1 ---------------------------------------------------------------

#[test]
fn report_of_every_framework_matches_the_schema_and_the_mirror() {
    for (repo, label) in [(clinic(), "clinic"), (example(), "example")] {
        let ids = framework_ids(&repo);
        let reports = all_reports(&repo, &[]);
        assert_eq!(
            reports.len(),
            ids.len(),
            "{label}: one report per framework"
        );
        for id in &ids {
            let doc = &reports[&format!("{id}.json")];
            assert_eq!(doc["framework"]["id"], id.as_str());
            assert_report(doc, &format!("{label} report {id}"));
        }
        // The same report on stdout.
        let doc = run_at(
            &repo,
            &["compliance", "report", "hipaa", "--format", "json"],
        )
        .ok()
        .json();
        assert_report(&doc, &format!("{label} report hipaa on stdout"));
    }
    // Profiles carry `based_on`; the clinic has expiring and expired waivers and findings.
    let reports = all_reports(&clinic(), &[]);
    assert_eq!(
        reports["nist-800-53-moderate.json"]["framework"]["based_on"],
        "nist-800-53"
    );
    let hipaa = &reports["hipaa.json"];
    assert!(!hipaa["waivers"]["expired"].as_array().unwrap().is_empty());
    assert!(!hipaa["waivers"]["expiring"].as_array().unwrap().is_empty());
    assert!(!hipaa["findings"].as_array().unwrap().is_empty());
}

#[test]
fn report_without_envoys_in_scope_and_in_declared_mode_match_the_schema() {
    // No envoy in scope: null means and no weakest envoy, a no-envoys-in-scope finding.
    let doc = run_clinic(&[
        "--scope",
        "nowhere=true",
        "compliance",
        "report",
        "hipaa",
        "--format",
        "json",
    ])
    .ok()
    .json();
    assert!(doc["summary"]["envoy_mean_pct"].is_null());
    assert!(doc["summary"]["weakest_envoy"].is_null());
    assert_report(&doc, "clinic report with an empty scope");

    // Declared mode (no inventory), waivers with labels and globs.
    let r = tf_repo();
    r.file("stacks/configcrates/base.vgo", "compliance:\n  tf: [T1, T2]\n")
        .file(
            "stacks/waivers.vgo",
            "waivers:\n  - control: \"tf:T3\"\n    rationale: r\n    expires: \"2027-01-01\"\n    owner: o@example.com\n    envoys: \"*\"\n    labels: { zone: a }\n",
        );
    let doc = r.report("tf", &[]);
    assert_eq!(doc["mode"], "declared");
    assert_report(&doc, "declared-mode report");
}

// ---- compliance-status/v1 ---------------------------------------------------------------

#[test]
fn status_json_matches_the_schema_and_the_mirror() {
    for (repo, label) in [(clinic(), "clinic"), (example(), "example")] {
        for extra in [&[][..], &["--framework", "pci", "--framework", "hipaa"][..]] {
            let mut args = vec!["compliance", "status", "--format", "json"];
            args.extend_from_slice(extra);
            let doc = run_at(&repo, &args).ok().json();
            let what = format!("{label} status {extra:?}");
            assert_valid(STATUS, &doc, &what);
            mirror::round_trip::<mirror::Status>(&doc, &what);
        }
    }
}

// ---- check-result/v1 --------------------------------------------------------------------

/// `check --format json` with `args`; the exit code must be `code` and agree with the JSON.
#[track_caller]
fn check_json(repo: &Path, args: &[&str], code: i32, what: &str) -> Value {
    let mut all = vec!["compliance", "check", "--format", "json"];
    all.extend_from_slice(args);
    let run = run_at(repo, &all);
    assert_eq!(run.code, code, "{what}\n{}\n{}", run.stdout, run.stderr);
    let doc = run.json();
    assert_eq!(doc["exit_code"], code, "{what}");
    assert_valid(CHECK, &doc, what);
    mirror::round_trip::<mirror::Check>(&doc, what);
    doc
}

#[test]
fn check_json_matches_the_schema_passing_failing_invalid_and_with_a_baseline() {
    // The clinic fails on its expired waiver; the example passes its own gates.
    check_json(&clinic(), &[], 1, "clinic check");
    check_json(&example(), &[], 1, "example check");
    check_json(
        &example(),
        &["--expiring-days", "0"],
        1,
        "example check, no expiring window",
    );
    // Failing gates, each with its controls.
    let r = clinic_with_log(0);
    r.file(
        "vigocli.toml",
        "[frameworks.hipaa]\nscope = { phi = true }\nmin_coverage = 90\nmin_covered = 60\nmust_cover = [\"164.312(b)\", \"164.312(e)(1)\"]\nmax_partial = 0\n",
    );
    let doc = check_json(r.path(), &["--framework", "pci"], 1, "failing gates");
    let codes: Vec<&str> = doc["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["code"].as_str())
        .collect();
    for code in [
        "coverage-below-minimum",
        "covered-below-minimum",
        "must-cover-not-covered",
        "too-many-partial",
        "contradicted-claim",
    ] {
        assert!(codes.contains(&code), "{code} in {codes:?}");
    }
    check_json(
        &example(),
        &["--min-coverage", "99.5"],
        1,
        "example with --min-coverage",
    );

    // A baseline that the repository regresses from (the example's report, checked against
    // the clinic): every regression carries a baseline status and a severity.
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("hipaa.json");
    let b = base.display().to_string();
    run_at(
        &example(),
        &[
            "compliance",
            "report",
            "hipaa",
            "--format",
            "json",
            "-o",
            &b,
        ],
    )
    .ok();
    let doc = check_json(&clinic(), &["--baseline", &b], 1, "clinic check --baseline");
    let regressed = doc["problems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code"] == "control-regressed")
        .expect("a control-regressed problem");
    assert!(regressed["controls"][0]["severity"].is_string());
    assert_eq!(doc["frameworks"][0]["baseline"], b.as_str());
    // The same baseline for the repository it came from: nothing regressed.
    check_json(
        &example(),
        &["--baseline", &b, "--expiring-days", "0"],
        1,
        "example check --baseline",
    );

    // Invalid inputs (exit 2) and `check FILES`.
    let bad = Repo::new();
    bad.file(
        "stacks/configcrates/x.vgo",
        "compliance:\n  hipaa: [\"999\"]\n",
    );
    let doc = check_json(bad.path(), &[], 2, "invalid repository");
    assert_eq!(doc["result"], "invalid");
    let doc = check_json(
        &clinic(),
        &["stacks/waivers.vgo", "stacks/roles.vgo"],
        0,
        "check FILES",
    );
    assert_eq!(doc["mode"], "files");
    check_json(
        bad.path(),
        &["stacks/configcrates/x.vgo"],
        2,
        "check bad FILES",
    );
}

// ---- waivers/v1 -------------------------------------------------------------------------

#[test]
fn waivers_json_matches_the_schema() {
    for (repo, label) in [(clinic(), "clinic"), (example(), "example")] {
        let doc = run_at(&repo, &["compliance", "waivers", "--format", "json"])
            .ok()
            .json();
        assert_valid(WAIVERS, &doc, &format!("{label} waivers"));
        let run = run_at(
            &repo,
            &[
                "compliance",
                "waivers",
                "--format",
                "json",
                "--expiring",
                "60",
            ],
        );
        assert_eq!(run.code, 1, "{}", run.stderr);
        assert_valid(WAIVERS, &run.json(), &format!("{label} waivers --expiring"));
    }
}

// ---- compliance-diff/v1 -----------------------------------------------------------------

fn write_reports(dir: &Path, reports: &BTreeMap<String, Value>) {
    std::fs::create_dir_all(dir).unwrap();
    for (name, doc) in reports {
        std::fs::write(dir.join(name), serde_json::to_string_pretty(doc).unwrap()).unwrap();
    }
}

#[test]
fn diff_json_matches_the_schema() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old");
    let new = dir.path().join("new");
    let mut clinic_reports = all_reports(&clinic(), &[]);
    let mut example_reports = all_reports(&example(), &[]);
    // A catalog change on both sides (a control only in one report), and a framework
    // reported on one side only.
    clinic_reports.get_mut("hipaa.json").unwrap()["controls"]
        .as_array_mut()
        .unwrap()
        .remove(0);
    example_reports.get_mut("pci-dss.json").unwrap()["controls"]
        .as_array_mut()
        .unwrap()
        .remove(1);
    clinic_reports.remove("soc2.json");
    example_reports.remove("hitrust.json");
    write_reports(&old, &clinic_reports);
    write_reports(&new, &example_reports);
    let (o, n) = (old.display().to_string(), new.display().to_string());
    let mut frameworks = Vec::new();
    for (a, b, label) in [(&o, &n, "clinic → example"), (&n, &o, "example → clinic")] {
        let run = run_raw(
            &[
                "compliance".into(),
                "diff".into(),
                a.clone(),
                b.clone(),
                "--format".into(),
                "json".into(),
            ],
            dir.path(),
        )
        .ok();
        let doc = run.json();
        assert_valid(DIFF, &doc, label);
        assert!(!doc["only_old"].as_array().unwrap().is_empty());
        assert!(!doc["only_new"].as_array().unwrap().is_empty());
        frameworks.extend(doc["frameworks"].as_array().unwrap().iter().cloned());
    }
    // Every kind of entry occurs in one direction or the other.
    for key in [
        "added_controls",
        "removed_controls",
        "regressed",
        "improved",
        "envoys",
    ] {
        assert!(
            frameworks
                .iter()
                .any(|f| !f[key].as_array().unwrap().is_empty()),
            "no `{key}` entry was validated"
        );
    }
}

// ---- exports: CMDB, GRC, SIEM -----------------------------------------------------------

#[test]
fn cmdb_export_matches_the_schema() {
    for (repo, label) in [(clinic(), "clinic"), (example(), "example")] {
        for extra in [&[][..], &["--framework", "hipaa"][..]] {
            let doc = parse(&export(&repo, "cmdb", extra), "cmdb export");
            let what = format!("{label} cmdb {extra:?}");
            assert_valid(CMDB, &doc, &what);
            // Both kinds of cell occur.
            let cells: Vec<&Value> = doc["envoys"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|e| e["coverage"].as_object().unwrap().values())
                .collect();
            assert!(cells.iter().any(|c| c["in_scope"] == true), "{what}");
            assert!(cells.iter().any(|c| c["in_scope"] == false), "{what}");
        }
    }
}

/// The request bodies a `push grc --dry-run` prints, one per batch.
fn dry_run_bodies(repo: &Path, extra: &[&str]) -> Vec<Value> {
    let mut all: Vec<String> = vec![
        "--repo".into(),
        repo.display().to_string(),
        "--as-of".into(),
        AS_OF.into(),
        "compliance".into(),
        "push".into(),
        "grc".into(),
        "--endpoint".into(),
        "http://127.0.0.1:9/v1/evidence".into(),
        "--dry-run".into(),
        "--token-env".into(),
        "GRC_TOKEN".into(),
    ];
    all.extend(extra.iter().map(|s| s.to_string()));
    let out = std::process::Command::new(bin())
        .args(&all)
        .env_clear()
        .env("NO_COLOR", "1")
        .env("GRC_TOKEN", "a-token-that-never-occurs-in-output-4242")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let mut bodies = Vec::new();
    let mut cur: Option<String> = None;
    for line in text.lines() {
        if line.starts_with("--- request ") {
            if let Some(b) = cur.take() {
                bodies.push(parse(&b, "a dry-run body"));
            }
            cur = Some(String::new());
        } else if let Some(b) = cur.as_mut() {
            b.push_str(line);
            b.push('\n');
        }
    }
    if let Some(b) = cur {
        bodies.push(parse(&b, "a dry-run body"));
    }
    bodies
}

#[test]
fn grc_export_and_pushed_batches_match_the_schema() {
    for (repo, label) in [(clinic(), "clinic"), (example(), "example")] {
        for vendor in ["generic", "vanta", "servicenow"] {
            let doc = parse(&export(&repo, "grc", &["--vendor", vendor]), "grc export");
            assert_valid(GRC, &doc, &format!("{label} grc {vendor}"));
            assert!(doc.get("batch").is_none());
        }
        let bodies = dry_run_bodies(
            &repo,
            &[
                "--vendor",
                "drata",
                "--framework",
                "hipaa",
                "--batch-size",
                "30",
            ],
        );
        assert!(bodies.len() >= 2, "{label}: {} batches", bodies.len());
        for b in &bodies {
            assert!(b["batch"].is_object());
            assert_valid(GRC, b, &format!("{label} pushed batch"));
        }
    }
}

#[track_caller]
fn assert_siem(text: &str, what: &str) -> usize {
    let mut n = 0;
    for (i, line) in text.lines().enumerate() {
        let doc = parse(line, what);
        assert_valid(SIEM, &doc, &format!("{what}, line {}", i + 1));
        n += 1;
    }
    assert!(n > 0, "{what}: no events");
    n
}

#[test]
fn every_siem_line_matches_the_schema() {
    for (repo, label) in [(clinic(), "clinic"), (example(), "example")] {
        assert_siem(&export(&repo, "siem", &[]), &format!("{label} siem"));
    }
    assert_siem(
        &export(&clinic(), "siem", &["--per-envoy"]),
        "clinic siem --per-envoy",
    );
    // A profile named with --framework is exported per envoy too.
    assert_siem(
        &export(
            &clinic(),
            "siem",
            &["--per-envoy", "--framework", "nist-low"],
        ),
        "clinic siem --per-envoy --framework nist-low",
    );
    // The example's per-envoy export: 60,764 lines, about 20 s of validation in a debug build.
    assert_siem(
        &export(&example(), "siem", &["--per-envoy"]),
        "example siem --per-envoy",
    );
}

// ---- outputs with evidence records and applicability decisions -------------------------

#[test]
fn outputs_with_evidence_and_decisions_match_the_schemas() {
    let r = crate::evidence_outputs::clinic_with_evidence();
    let repo = r.path();
    let report = run_at(repo, &["compliance", "report", "hipaa", "--format", "json"])
        .ok()
        .json();
    assert_report(&report, "report with evidence");
    let status = run_at(repo, &["compliance", "status", "--format", "json"])
        .ok()
        .json();
    assert_valid(STATUS, &status, "status with evidence");
    mirror::round_trip::<mirror::Status>(&status, "status with evidence");
    let cmdb = parse(&export(repo, "cmdb", &[]), "cmdb");
    assert_valid(CMDB, &cmdb, "cmdb with evidence");
    let grc = parse(&export(repo, "grc", &["--vendor", "generic"]), "grc");
    assert_valid(GRC, &grc, "grc with evidence");
    assert!(
        grc["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["result"] == "not-applicable")
    );
    // A not-applicable record without its decision, or an attested one that fails, is not v1.
    let na = grc["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .position(|e| e["result"] == "not-applicable")
        .unwrap();
    let mut bad = grc.clone();
    bad["evidence"][na]
        .as_object_mut()
        .unwrap()
        .remove("not_applicable");
    assert_invalid(GRC, &bad, "a not-applicable record without its decision");
    let attested = grc["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .position(|e| e["status"] == "attested")
        .unwrap();
    let mut bad = grc.clone();
    bad["evidence"][attested]["result"] = "fail".into();
    assert_invalid(GRC, &bad, "an attested control that fails");
    assert_siem(&export(repo, "siem", &[]), "siem with evidence");
    assert_siem(
        &export(repo, "siem", &["--per-envoy", "--framework", "hipaa"]),
        "siem --per-envoy with evidence",
    );

    // A diff with lost evidence and a withdrawn decision.
    let old = repo.join("old.json");
    std::fs::write(&old, report.to_string()).unwrap();
    r.file(
        "evidence/files/policy.md",
        &format!("{}edited\n", crate::evidence_outputs::POLICY),
    );
    let new = repo.join("new.json");
    let new_report = run_at(repo, &["compliance", "report", "hipaa", "--format", "json"])
        .ok()
        .json();
    assert_report(&new_report, "report with changed evidence");
    std::fs::write(&new, new_report.to_string()).unwrap();
    let diff = run_at(
        repo,
        &[
            "compliance",
            "diff",
            &old.display().to_string(),
            &new.display().to_string(),
            "--format",
            "json",
        ],
    )
    .ok()
    .json();
    assert_valid(DIFF, &diff, "diff with lost evidence");
    assert!(
        diff["frameworks"][0]["regressed"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c.get("evidence_lost").is_some())
    );
}

// ---- audit bundles: verification, boundary.json, manifest.json ---------------------------

fn member(members: &[(String, Vec<u8>)], name: &str) -> Value {
    let bytes = &members
        .iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no {name} in the bundle"))
        .1;
    serde_json::from_slice(bytes).unwrap()
}

#[track_caller]
fn assert_bundle(bytes: &[u8], what: &str) {
    let m = unzip(bytes);
    assert_valid(
        BOUNDARY,
        &member(&m, "boundary.json"),
        &format!("{what} boundary.json"),
    );
    assert_valid(
        MANIFEST,
        &member(&m, "manifest.json"),
        &format!("{what} manifest.json"),
    );
    assert_report(&member(&m, "report.json"), &format!("{what} report.json"));
}

#[track_caller]
fn verification(run: Run, code: i32, what: &str) -> Value {
    assert_eq!(run.code, code, "{what}\n{}\n{}", run.stdout, run.stderr);
    let doc = run.json();
    assert_valid(VERIFICATION, &doc, what);
    doc
}

#[test]
fn bundle_members_and_verification_match_the_schemas() {
    let r = clinic_with_log(6);
    // A window inside the log (both boundary entries), the whole log (neither), and an
    // empty window.
    let windowed = build(&r, "w.zip", WINDOW);
    assert_bundle(&windowed, "windowed bundle");
    let m = unzip(&windowed);
    assert!(member(&m, "boundary.json")["before"].is_object());
    assert!(member(&m, "boundary.json")["after"].is_string());
    assert_bundle(&build(&r, "all.zip", &[]), "whole-log bundle");
    assert_bundle(
        &build(&r, "empty.zip", &["--since", "2027-01-01"]),
        "empty-window bundle",
    );

    // Signed, and chained to a previous bundle.
    let dir = r.path().display().to_string();
    vig(r.path(), &["keygen", "--output", "pub"], &[]).ok();
    let first = build(
        &r,
        "b1.zip",
        &["--until", "2026-11-04", "--sign-key", "pub.key"],
    );
    let second = build(
        &r,
        "b2.zip",
        &[
            "--since",
            "2026-11-04",
            "--previous",
            "b1.zip",
            "--sign-key",
            "pub.key",
        ],
    );
    assert_bundle(&first, "first signed bundle");
    assert_bundle(&second, "chained bundle");
    assert!(member(&unzip(&second), "manifest.json")["predicate"]["previous"].is_object());

    let doc = verification(verify(&r, &windowed, &["--format", "json"]), 0, "verify ok");
    assert_eq!(doc["ok"], true);
    let b1 = format!("{dir}/b1.zip");
    let doc = verification(
        verify(
            &r,
            &second,
            &["--format", "json", "--key", "pub.pub", "--previous", &b1],
        ),
        0,
        "verify signed and chained",
    );
    assert!(
        doc["checks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["status"] == "ok"),
        "{doc}"
    );

    // A failing bundle: a member changed after sealing.
    let mut m = unzip(&windowed);
    m.iter_mut().find(|(n, _)| n == "VERIFY.txt").unwrap().1 = b"forged\n".to_vec();
    let doc = verification(
        verify(&r, &crate::audit::rezip(&m), &["--format", "json"]),
        1,
        "verify a tampered bundle",
    );
    assert_eq!(doc["ok"], false);
    assert_eq!(doc["first_failure"]["status"], "fail");
    // Signed, but checked with another key.
    vig(r.path(), &["keygen", "--output", "other"], &[]).ok();
    verification(
        verify(&r, &first, &["--format", "json", "--key", "other.pub"]),
        1,
        "verify with the wrong key",
    );
}

// ---- a broken document is rejected ------------------------------------------------------

/// Removes the member at `path` (`/a/0/b`) of `doc`.
fn remove(doc: &mut Value, path: &str) {
    let (parent, key) = path.rsplit_once('/').unwrap();
    let p = doc
        .pointer_mut(parent)
        .unwrap_or_else(|| panic!("no {parent}"));
    let gone = p.as_object_mut().unwrap().remove(key);
    assert!(gone.is_some(), "no {path} to remove");
}

/// Sets the member at `path` of `doc` (its parent must exist; array elements by index).
fn insert(doc: &mut Value, path: &str, v: Value) {
    let (parent, key) = path.rsplit_once('/').unwrap();
    let p = doc
        .pointer_mut(parent)
        .unwrap_or_else(|| panic!("no {parent}"));
    match p {
        Value::Array(a) => a[key.parse::<usize>().unwrap()] = v,
        Value::Object(o) => {
            o.insert(key.to_string(), v);
        }
        _ => panic!("{parent} is neither an array nor an object"),
    }
}

/// Each schema rejects its valid document with a required field removed, with an unknown
/// field added (at the top and nested), and with a field of the wrong kind.
#[track_caller]
fn assert_rejects_breakage(
    schema: &str,
    valid: &Value,
    required: &[&str],
    unknown: &[&str],
    wrong: &[(&str, Value)],
) {
    assert_valid(schema, valid, "the unbroken document");
    for path in required {
        let mut doc = valid.clone();
        remove(&mut doc, path);
        assert_invalid(schema, &doc, &format!("without {path}"));
    }
    for path in unknown {
        let mut doc = valid.clone();
        insert(&mut doc, path, Value::from("unplanned"));
        assert_invalid(schema, &doc, &format!("with {path} added"));
    }
    for (path, v) in wrong {
        let mut doc = valid.clone();
        insert(&mut doc, path, v.clone());
        assert_invalid(schema, &doc, &format!("with {path} = {v}"));
    }
}

#[test]
fn each_schema_rejects_a_broken_document() {
    use serde_json::json;
    let clinic = clinic();
    let report = run_at(
        &clinic,
        &["compliance", "report", "hipaa", "--format", "json"],
    )
    .ok()
    .json();
    assert_rejects_breakage(
        REPORT,
        &report,
        &[
            "/summary",
            "/controls/0/status",
            "/summary/formulas/covered_pct",
            "/findings/0/code",
        ],
        &[
            "/extra",
            "/controls/0/extra",
            "/findings/0/extra",
            "/waivers/active/0/extra",
        ],
        &[
            ("/controls/0/status", json!("mostly")),
            ("/summary/coverage_pct", json!(100.5)),
            ("/as_of", json!("2026-11-22 12:00")),
            ("/inputs_digest", json!("ABC")),
            ("/waivers/expired/0/state", json!("active")),
            ("/findings/0/severity", json!("fatal")),
            ("/controls/0/status", json!("not-applicable")),
        ],
    );

    let status = run_at(&clinic, &["compliance", "status", "--format", "json"])
        .ok()
        .json();
    assert_rejects_breakage(
        STATUS,
        &status,
        &[
            "/frameworks/0/summary",
            "/frameworks/0/summary/weakest_envoy",
        ],
        &[
            "/extra",
            "/frameworks/0/extra",
            "/frameworks/0/framework/extra",
        ],
        &[("/mode", json!("fleets"))],
    );

    let check = run_at(&clinic, &["compliance", "check", "--format", "json"]).json();
    let with_controls = check["problems"]
        .as_array()
        .unwrap()
        .iter()
        .position(|p| p.get("controls").is_some())
        .unwrap();
    let bad_status = format!("/problems/{with_controls}/controls/0/status");
    assert_rejects_breakage(
        CHECK,
        &check,
        &[
            "/result",
            "/frameworks/0/thresholds/must_cover",
            "/problems/0/message",
        ],
        &[
            "/extra",
            "/problems/0/extra",
            "/frameworks/0/thresholds/extra",
        ],
        &[
            ("/exit_code", json!(0)),
            (bad_status.as_str(), json!("gone")),
        ],
    );

    let waivers = run_at(&clinic, &["compliance", "waivers", "--format", "json"])
        .ok()
        .json();
    assert_rejects_breakage(
        WAIVERS,
        &waivers,
        &["/waivers/0/owner"],
        &["/extra", "/waivers/0/extra"],
        &[("/waivers/0/expires", json!("2026-13-45"))],
    );

    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old.json");
    let mut old_report = report.clone();
    old_report["controls"][0]["status"] = json!("covered");
    std::fs::write(&old, old_report.to_string()).unwrap();
    let new = dir.path().join("new.json");
    std::fs::write(&new, report.to_string()).unwrap();
    let diff = run_raw(
        &[
            "compliance".into(),
            "diff".into(),
            old.display().to_string(),
            new.display().to_string(),
            "--format".into(),
            "json".into(),
        ],
        dir.path(),
    )
    .ok()
    .json();
    assert_rejects_breakage(
        DIFF,
        &diff,
        &["/regressions", "/frameworks/0/regressed/0/severity"],
        &[
            "/extra",
            "/frameworks/0/extra",
            "/frameworks/0/regressed/0/extra",
        ],
        &[("/frameworks/0/regressed/0/new", json!("worse"))],
    );

    let cmdb = parse(&export(&clinic, "cmdb", &["--framework", "hipaa"]), "cmdb");
    let in_scope = cmdb["envoys"]
        .as_array()
        .unwrap()
        .iter()
        .position(|e| e["coverage"]["hipaa"]["in_scope"] == true)
        .unwrap();
    let out_of_scope = cmdb["envoys"]
        .as_array()
        .unwrap()
        .iter()
        .position(|e| e["coverage"]["hipaa"]["in_scope"] == false)
        .unwrap();
    // Out of scope, a cell has no numbers (never 0 %).
    let out_of_scope_pct = format!("/envoys/{out_of_scope}/coverage/hipaa/coverage_pct");
    assert_rejects_breakage(
        CMDB,
        &cmdb,
        &[
            "/envoys",
            "/envoys/0/matched",
            &format!("/envoys/{in_scope}/coverage/hipaa/coverage_pct"),
        ],
        &[
            "/extra",
            "/envoys/0/extra",
            "/envoys/0/coverage/hipaa/extra",
        ],
        &[(out_of_scope_pct.as_str(), json!(0.0))],
    );

    let grc = parse(&export(&clinic, "grc", &["--vendor", "generic"]), "grc");
    let failing = grc["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .position(|e| e["status"] != "covered")
        .unwrap();
    let pass = format!("/evidence/{failing}/result");
    assert_rejects_breakage(
        GRC,
        &grc,
        &["/evidence/0/result", "/inputs_digest"],
        &["/extra", "/evidence/0/extra"],
        &[
            (pass.as_str(), json!("pass")), // only a covered control passes
            ("/evidence/0/id", json!("not-a-uuid")),
        ],
    );

    let siem = export(&clinic, "siem", &["--framework", "hipaa"]);
    let line = parse(siem.lines().next().unwrap(), "siem");
    assert_rejects_breakage(
        SIEM,
        &line,
        &["/finding_info/uid", "/unmapped/fleet", "/class_uid"],
        &[
            "/extra",
            "/unmapped/extra",
            "/unmapped/fleet/extra",
            "/compliance/extra",
        ],
        &[
            ("/severity", json!("Low")),
            ("/compliance/status", json!("Pass")),
            ("/class_uid", json!(2004)),
        ],
    );
    let per_envoy = export(&clinic, "siem", &["--framework", "hipaa", "--per-envoy"]);
    let line = parse(per_envoy.lines().next().unwrap(), "siem --per-envoy");
    assert_rejects_breakage(
        SIEM,
        &line,
        &["/resources"],
        &["/resources/0/extra"],
        &[("/unmapped/vigocli_status", json!("partial"))],
    );

    let r = clinic_with_log(4);
    let bundle = build(
        &r,
        "b.zip",
        &["--since", "2026-11-02", "--until", "2026-11-04"],
    );
    let m = unzip(&bundle);
    assert_rejects_breakage(
        BOUNDARY,
        &member(&m, "boundary.json"),
        &["/before", "/before/previous_chain", "/head"],
        &["/extra"],
        &[("/head", json!("00")), ("/after", json!("not an entry"))],
    );
    assert_rejects_breakage(
        MANIFEST,
        &member(&m, "manifest.json"),
        &[
            "/predicate/previous",
            "/predicate/log/head",
            "/subject/0/digest",
        ],
        &[
            "/extra",
            "/predicate/extra",
            "/predicate/window/extra",
            "/subject/0/extra",
        ],
        &[
            ("/_type", json!("https://in-toto.io/Statement/v0.1")),
            ("/subject/0/name", json!("../evil")),
        ],
    );
    let run = verify(&r, &bundle, &["--format", "json"]);
    let doc = verification(run, 0, "verify");
    assert_rejects_breakage(
        VERIFICATION,
        &doc,
        &["/first_failure", "/checks/0/detail"],
        &["/extra", "/checks/0/extra"],
        &[
            ("/ok", json!(false)), // a failed verification names its first failure
            ("/checks/0/status", json!("fail")), // … and is not ok
            ("/checks/0/name", json!("vibes")),
        ],
    );
}

/// The mirror structs refuse a field they do not know, and miss none the output has.
#[test]
fn the_mirror_refuses_an_unplanned_field() {
    let mut report = run_clinic(&["compliance", "report", "hipaa", "--format", "json"])
        .ok()
        .json();
    mirror::round_trip::<mirror::Report>(&report, "clinic report");
    report["summary"]["median_pct"] = 1.into();
    let Err(err) = serde_json::from_value::<mirror::Report>(report) else {
        panic!("an unknown summary field must not deserialise");
    };
    assert!(err.to_string().contains("median_pct"), "{err}");
    let mut check = run_clinic(&["compliance", "check", "--format", "json"]).json();
    check["problems"][0]["hint"] = "x".into();
    assert!(serde_json::from_value::<mirror::Check>(check).is_err());
}

/// Test-side mirrors of the report, status and check JSON. Every struct refuses unknown
/// fields, and serialising what was read must give back the very document, so a field
/// added to (or dropped from) an output fails here until the schema and the mirror are
/// updated on purpose (schemas/README.md, versioning).
mod mirror {
    use serde::{Deserialize, Serialize, de::DeserializeOwned};
    use serde_json::Value;
    use std::collections::BTreeMap;

    /// Deserialises `doc` into `T`, serialises it back, and requires the same document.
    #[track_caller]
    pub fn round_trip<T: DeserializeOwned + Serialize>(doc: &Value, what: &str) {
        let t: T = serde_json::from_value(doc.clone())
            .unwrap_or_else(|e| panic!("{what} does not fit the mirror: {e}"));
        let back = serde_json::to_value(&t).unwrap();
        assert!(
            &back == doc,
            "{what}: the mirror loses or invents fields:\nmirror: {back}\noutput: {doc}"
        );
    }

    type Map = BTreeMap<String, String>;

    #[derive(Deserialize, Serialize)]
    #[serde(deny_unknown_fields)]
    pub struct Report {
        schema: String,
        tool: Tool,
        generated_at: String,
        as_of: String,
        mode: String,
        framework: Framework,
        scope: Map,
        inputs_digest: String,
        summary: Summary,
        categories: Vec<Category>,
        controls: Vec<Control>,
        envoys: Vec<Envoy>,
        waivers: Waivers,
        evidence: Vec<EvidenceRecord>,
        not_applicable: Vec<NotApplicable>,
        findings: Vec<Diagnostic>,
    }

    #[derive(Deserialize, Serialize)]
    #[serde(deny_unknown_fields)]
    struct Category {
        name: String,
        controls_total: u64,
        covered: u64,
        attested: u64,
        partial: u64,
        waived: u64,
        uncovered: u64,
        not_applicable: u64,
        coverage_pct: f64,
        covered_pct: f64,
        assured_pct: f64,
    }

    #[derive(Deserialize, Serialize)]
    #[serde(deny_unknown_fields)]
    struct EvidenceRef {
        id: String,
        kind: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        path: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        url: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        audit_seq: Option<u64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sha256: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reviewed_by: Option<String>,
        expires: String,
    }

    #[derive(Deserialize, Serialize)]
    #[serde(deny_unknown_fields)]
    struct EvidenceRecord {
        id: String,
        title: String,
        source: String,
        kind: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        path: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        url: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        audit_seq: Option<u64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sha256: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        current_sha256: Option<String>,
        controls: Vec<String>,
        owner: String,
        collected: String,
        expires: String,
        days_left: i64,
        status: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reviewed_by: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reviewed_at: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
        state: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        broken: Option<String>,
        envoys: u64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        envoys_glob: Option<String>,
        #[serde(default, skip_serializing_if = "Map::is_empty")]
        labels: Map,
    }

    #[derive(Deserialize, Serialize)]
    #[serde(deny_unknown_fields)]
    struct NotApplicable {
        id: String,
        title: String,
        status: String,
        decision: String,
        rationale: String,
        owner: String,
        approved_by: String,
        approved_at: String,
        review_by: String,
    }

    #[derive(Deserialize, Serialize)]
    #[serde(deny_unknown_fields)]
    struct Tool {
        name: String,
        version: String,
    }

    #[derive(Deserialize, Serialize)]
    #[serde(deny_unknown_fields)]
    struct Framework {
        id: String,
        name: String,
        version: String,
        source: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        based_on: Option<String>,
    }

    #[derive(Deserialize, Serialize)]
    #[serde(deny_unknown_fields)]
    struct Summary {
        controls_total: u64,
        covered: u64,
        attested: u64,
        partial: u64,
        waived: u64,
        uncovered: u64,
        not_applicable: u64,
        coverage_pct: f64,
        covered_pct: f64,
        assured_pct: f64,
        envoys_in_scope: u64,
        envoy_mean_pct: Option<f64>,
        weakest_envoy: Option<Weakest>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        covered_via_mapping: Option<u64>,
        formulas: Formulas,
    }

    #[derive(Deserialize, Serialize)]
    #[serde(deny_unknown_fields)]
    struct Weakest {
        hostname: String,
        coverage_pct: f64,
    }

    #[derive(Deserialize, Serialize)]
    #[serde(deny_unknown_fields)]
    struct Formulas {
        assured_pct: String,
        coverage_pct: String,
        covered_pct: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        covered_via_mapping: Option<String>,
        envoy_mean_pct: String,
        not_applicable: String,
    }

    #[derive(Deserialize, Serialize)]
    #[serde(deny_unknown_fields)]
    struct Control {
        id: String,
        title: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        category: Option<String>,
        status: String,
        envoys_covered: u64,
        envoys_attested: u64,
        envoys_waived: u64,
        envoys_uncovered: u64,
        envoys_contradicted: u64,
        configcrates: Vec<String>,
        capabilities: Vec<String>,
        connwaer: Vec<String>,
        envoys_connwaer_only: u64,
        evidence: Vec<EvidenceRef>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        envoys_via_mapping: Option<u64>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        via_mapping: Vec<ViaMapping>,
        waivers: Vec<String>,
        uncovered_envoys: Vec<String>,
        last_converged: Option<String>,
    }

    #[derive(Deserialize, Serialize)]
    #[serde(deny_unknown_fields)]
    struct ViaMapping {
        mapping: String,
        from: Vec<String>,
        relationship: String,
    }

    #[derive(Deserialize, Serialize)]
    #[serde(deny_unknown_fields)]
    struct Envoy {
        hostname: String,
        coverage_pct: f64,
        covered_pct: f64,
        assured_pct: f64,
        covered: u64,
        attested: u64,
        waived: u64,
        uncovered: u64,
        last_converged: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        environment: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        status: Option<String>,
    }

    #[derive(Deserialize, Serialize)]
    #[serde(deny_unknown_fields)]
    struct Waivers {
        active: Vec<Waiver>,
        expiring: Vec<Waiver>,
        expired: Vec<Waiver>,
    }

    #[derive(Deserialize, Serialize)]
    #[serde(deny_unknown_fields)]
    struct Waiver {
        source: String,
        controls: Vec<String>,
        rationale: String,
        owner: String,
        expires: String,
        days_left: i64,
        state: String,
        envoys: u64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        envoys_glob: Option<String>,
        #[serde(default, skip_serializing_if = "Map::is_empty")]
        labels: Map,
    }

    #[derive(Deserialize, Serialize)]
    #[serde(deny_unknown_fields)]
    struct Location {
        file: String,
        line: u64,
        col: u64,
    }

    #[derive(Deserialize, Serialize)]
    #[serde(deny_unknown_fields)]
    struct Diagnostic {
        severity: String,
        code: String,
        message: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        location: Option<Location>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        help: Option<String>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        related: Vec<Location>,
    }

    #[derive(Deserialize, Serialize)]
    #[serde(deny_unknown_fields)]
    pub struct Status {
        schema: String,
        tool: Tool,
        as_of: String,
        mode: String,
        inputs_digest: String,
        frameworks: Vec<StatusRow>,
    }

    #[derive(Deserialize, Serialize)]
    #[serde(deny_unknown_fields)]
    struct StatusRow {
        framework: Framework,
        scope: Map,
        summary: Summary,
    }

    #[derive(Deserialize, Serialize)]
    #[serde(deny_unknown_fields)]
    pub struct Check {
        schema: String,
        tool: Tool,
        as_of: String,
        mode: String,
        result: String,
        exit_code: u8,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        files: Vec<String>,
        frameworks: Vec<Gate>,
        problems: Vec<Problem>,
    }

    #[derive(Deserialize, Serialize)]
    #[serde(deny_unknown_fields)]
    struct Gate {
        id: String,
        name: String,
        version: String,
        scope: Map,
        controls_total: u64,
        covered: u64,
        attested: u64,
        waived: u64,
        partial: u64,
        uncovered: u64,
        not_applicable: u64,
        coverage_pct: f64,
        covered_pct: f64,
        assured_pct: f64,
        thresholds: Thresholds,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        baseline: Option<String>,
        passed: bool,
    }

    #[derive(Deserialize, Serialize)]
    #[serde(deny_unknown_fields)]
    struct Thresholds {
        min_coverage: Option<f64>,
        min_covered: Option<f64>,
        min_assured: Option<f64>,
        must_cover: Vec<String>,
        max_partial: Option<u64>,
    }

    /// A diagnostic with the check's own fields. (`flatten` does not combine with
    /// `deny_unknown_fields`, so the diagnostic's fields are repeated here.)
    #[derive(Deserialize, Serialize)]
    #[serde(deny_unknown_fields)]
    struct Problem {
        severity: String,
        code: String,
        message: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        location: Option<Location>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        help: Option<String>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        related: Vec<Location>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        framework: Option<String>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        controls: Vec<ControlRef>,
    }

    #[derive(Deserialize, Serialize)]
    #[serde(deny_unknown_fields)]
    struct ControlRef {
        id: String,
        status: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        baseline_status: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        severity: Option<String>,
    }
}

#[test]
fn history_snapshots_and_trend_match_their_schemas() {
    use serde_json::json;
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    copy_dir(&example(), &repo);
    for day in ["2026-11-20", "2026-11-21", "2026-11-22"] {
        run_repo(
            &repo,
            &format!("{day}T10:00:00Z"),
            &["compliance", "snapshot"],
        )
        .ok();
    }
    let mut lines = 0;
    for e in std::fs::read_dir(repo.join("history")).unwrap() {
        let text = std::fs::read_to_string(e.unwrap().path()).unwrap();
        for l in text.lines() {
            let doc = parse(l, "history line");
            let errs = errors(SNAPSHOT, &doc);
            assert!(errs.is_empty(), "{errs:?}");
            lines += 1;
        }
    }
    assert!(lines >= 3, "{lines}");
    let trend = run_repo(
        &repo,
        "2026-11-22T12:00:00Z",
        &[
            "compliance",
            "trend",
            "hipaa",
            "--format",
            "json",
            "--verify",
        ],
    )
    .ok()
    .json();
    let errs = errors(TREND, &trend);
    assert!(errs.is_empty(), "{errs:?}");
    let text = std::fs::read_to_string(repo.join("history/hipaa.jsonl")).unwrap();
    let snap = parse(text.lines().next().unwrap(), "history line");
    assert_rejects_breakage(
        SNAPSHOT,
        &snap,
        &["/statuses", "/catalog/digest"],
        &["/extra", "/summary/extra"],
        &[
            ("/statuses", json!("CCX")),
            ("/categories/0", json!(["x", 1])),
            ("/summary/coverage_pct", json!(101)),
        ],
    );
    assert_rejects_breakage(
        TREND,
        &trend,
        &["/points", "/points/0/worse"],
        &["/extra", "/points/0/extra"],
        &[("/points/0/date", json!("22 Nov"))],
    );
}

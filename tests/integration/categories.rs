//! Category roll-ups: `categories[]` of the JSON report adds up to the summary for every
//! built-in framework, with the summary's formulas; `--format table --by category`.

use crate::common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Every framework's JSON report of `repo` (`report all --format json --output-dir`).
fn all_reports(repo: &Path) -> Vec<Value> {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("site");
    let args: Vec<String> = [
        "--repo",
        &repo.display().to_string(),
        "--as-of",
        AS_OF,
        "compliance",
        "report",
        "all",
        "--format",
        "json",
        "--output-dir",
        &out.display().to_string(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let run = run_raw(&args, repo);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&out)
        .expect("output dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|f| serde_json::from_str(&std::fs::read_to_string(f).expect("read")).expect("JSON"))
        .collect()
}

/// 100 × num / den rounded half up to hundredths, as docs/semantics.md defines percentages.
fn pct(num: u64, den: u64) -> f64 {
    if den == 0 {
        return 0.0;
    }
    ((num as u128 * 10_000 * 2 + den as u128) / (2 * den as u128)) as f64 / 100.0
}

#[test]
fn categories_add_up_to_the_summary_for_every_built_in_framework() {
    let example = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/healthcare-saas");
    for repo in [example, clinic()] {
        let reports = all_reports(&repo);
        assert!(
            reports.len() >= 27,
            "every built-in framework: {}",
            reports.len()
        );
        let mut grouped = 0;
        for r in &reports {
            let fw = r["framework"]["id"].as_str().unwrap_or("?");
            let cats = r["categories"].as_array().expect("categories[]");
            let s = &r["summary"];
            for key in [
                "controls_total",
                "covered",
                "attested",
                "partial",
                "waived",
                "uncovered",
                "not_applicable",
            ] {
                let sum: u64 = cats.iter().map(|c| c[key].as_u64().unwrap_or(0)).sum();
                assert_eq!(Some(sum), s[key].as_u64(), "{fw}: {key}");
            }
            let mut names: Vec<&str> = cats.iter().filter_map(|c| c["name"].as_str()).collect();
            let n = names.len();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), n, "{fw}: category names are unique");
            for c in cats {
                let get = |k: &str| c[k].as_u64().unwrap_or(0);
                let total = get("controls_total");
                assert_eq!(
                    total,
                    get("covered")
                        + get("attested")
                        + get("partial")
                        + get("waived")
                        + get("uncovered"),
                    "{fw}: {c}"
                );
                assert_eq!(
                    c["coverage_pct"].as_f64(),
                    Some(pct(get("covered") + get("attested") + get("waived"), total)),
                    "{fw}: {c}"
                );
                assert_eq!(c["covered_pct"].as_f64(), Some(pct(get("covered"), total)));
                assert_eq!(
                    c["assured_pct"].as_f64(),
                    Some(pct(get("covered") + get("attested"), total))
                );
            }
            // The controls of each category are those whose row names it.
            for c in cats {
                let name = c["name"].as_str().unwrap_or("");
                let rows = r["controls"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter(|row| {
                                row["category"].as_str().unwrap_or("(no category)") == name
                            })
                            .count()
                    })
                    .unwrap_or(0);
                assert_eq!(
                    Some(rows as u64),
                    c["controls_total"].as_u64(),
                    "{fw}: {name}"
                );
            }
            if cats.len() > 1 {
                grouped += 1;
            }
        }
        assert!(grouped >= 20, "most catalogs have categories: {grouped}");
    }
}

#[test]
fn known_categories_of_the_built_in_catalogs() {
    let names = |fw: &str| -> Vec<String> {
        run_clinic(&["compliance", "report", fw, "--format", "json"])
            .ok()
            .json()["categories"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|c| c["name"].as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    };
    assert_eq!(
        names("hipaa"),
        [
            "Administrative safeguards",
            "Physical safeguards",
            "Technical safeguards",
            "Organizational requirements",
            "Policies, procedures and documentation"
        ]
    );
    let nist = names("nist-800-53");
    assert_eq!(nist.len(), 20, "the 20 control families: {nist:?}");
    assert_eq!(nist[0], "Access Control");
    // The 12 principal requirements, then appendices A1, A2 and A3.
    let pci = names("pci-dss");
    assert_eq!(pci.len(), 15, "{pci:?}");
    assert_eq!(pci[0], "Network security controls");
    assert_eq!(pci[11], "Policies and programs");
    assert_eq!(pci[14], "Designated entities (DESV)");
}

#[test]
fn a_custom_framework_groups_uncategorised_and_not_applicable_controls() {
    let r = Repo::new();
    r.file(
        "frameworks/cf.yaml",
        r#"id: cf
name: Custom
version: "1"
source: "written for the tests"
controls:
  - { id: "A1", title: "a1", category: "Alpha" }
  - { id: "B1", title: "b1" }
  - { id: "A2", title: "a2", category: "Alpha" }
  - { id: "C1", title: "c1", category: "Gamma" }
"#,
    )
    .file("stacks/configcrates/base.vgo", "compliance:\n  cf: [A1]\n")
    .file("stacks/common.vgo", "configcrates: [base]\n")
    .file(
        "stacks/waivers.vgo",
        "not_applicable:\n  - controls: [\"cf:C1\"]\n    rationale: \"no such system\"\n    owner: \"a@example.com\"\n    approved_by: \"b@example.com\"\n    approved_at: 2026-11-01\n    review_by: 2027-11-01\n",
    );
    let run = r.run(&["compliance", "report", "cf", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let cats = run.json()["categories"].clone();
    let rows: Vec<(String, u64, u64, u64)> = cats
        .as_array()
        .expect("categories")
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap_or("").to_string(),
                c["controls_total"].as_u64().unwrap_or(0),
                c["covered"].as_u64().unwrap_or(0),
                c["not_applicable"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("Alpha".to_string(), 2, 1, 0),
            ("(no category)".to_string(), 1, 0, 0),
            ("Gamma".to_string(), 0, 0, 1),
        ]
    );
}

#[test]
fn table_by_category_and_its_refusals() {
    let run = run_clinic(&["compliance", "report", "hipaa", "--by", "category"]).ok();
    insta::assert_snapshot!("report_table_by_category", run.stdout);
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("r.json");
    let bad = run_clinic(&[
        "compliance",
        "report",
        "hipaa",
        "--format",
        "json",
        "--by",
        "category",
        "--output",
        &out.display().to_string(),
    ])
    .invalid();
    assert!(
        bad.stderr.contains(
            "error[bad-argument]: --by category groups the terminal table (--format table)"
        ),
        "{}",
        bad.stderr
    );
    assert!(!out.exists());
}

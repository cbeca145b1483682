//! The NIST-family catalogs generated from the publishers' own machine-readable data
//! (FedRAMP, NIST SP 800-171 Rev. 2 and Rev. 3, CMMC 2.0, NIST CSF 2.0): every catalog's
//! count and first/last ids against the committed source data, `catalog show` lists them,
//! tags resolve through the NIST-style spellings, and the generators re-create the
//! committed YAML byte for byte.

use crate::common::{Repo, status};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn data(rel: &str) -> Value {
    let p = root().join("scripts/data").join(rel);
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_str(&text).unwrap()
}

/// The counted control ids `vigocli catalog show <id>` lists (not headings, not withdrawn
/// ones), in catalog order.
fn shown_ids(id: &str) -> Vec<String> {
    let r = Repo::new();
    let run = r.run(&["catalog", "show", id]).ok();
    run.stdout
        .lines()
        .filter(|l| l.contains('\t') && !l.ends_with("(heading)") && !l.ends_with("(withdrawn)"))
        .filter_map(|l| l.split('\t').next().map(str::to_string))
        .collect()
}

/// Runs one generator with `--check` (python3 standard library only).
pub(crate) fn generator_is_current(script: &str) {
    let out = Command::new("python3")
        .arg(root().join("scripts").join(script))
        .arg("--check")
        .current_dir(root())
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{script} --check: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn oscal_to_nist(oid: &str) -> String {
    let up = oid.to_uppercase();
    match up.split_once('.') {
        Some((base, enh)) => format!("{base}({enh})"),
        None => up,
    }
}

fn counted(report: &Value) -> u64 {
    report["summary"]["controls_total"].as_u64().unwrap()
}

fn exists(p: &Path) -> bool {
    p.exists()
}

// ---------------------------------------------------------------- FedRAMP

#[test]
fn fedramp_baselines_match_gsa_profiles() {
    for (fw, level, n, last) in [
        ("fedramp-low", "LOW", 156, "SR-12"),
        ("fedramp-moderate", "MODERATE", 323, "SR-12"),
        ("fedramp-high", "HIGH", 410, "SR-12"),
        ("fedramp-li-saas", "LI-SaaS", 156, "SR-12"),
    ] {
        let prof = data(&format!(
            "fedramp/FedRAMP_rev5_{level}-baseline_profile.json"
        ));
        let gsa: Vec<String> = prof["profile"]["imports"][0]["include-controls"][0]["with-ids"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| oscal_to_nist(v.as_str().unwrap()))
            .collect();
        assert_eq!(gsa.len(), n, "{fw}: GSA's profile");
        assert_eq!(gsa.first().map(String::as_str), Some("AC-1"), "{fw}");
        assert_eq!(gsa.last().map(String::as_str), Some(last), "{fw}");
        let r = Repo::new();
        r.file(
            "stacks/configcrates/a.vgo",
            "compliance:\n  nist-800-53: [AC-1]\n",
        );
        let rep = r.report(fw, &[]);
        assert_eq!(counted(&rep), n as u64, "{fw}");
        assert_eq!(rep["framework"]["based_on"], "nist-800-53", "{fw}");
        let mut shown = shown_ids(fw);
        shown.retain(|id| gsa.contains(id));
        let mut want = gsa.clone();
        want.sort();
        shown.sort();
        assert_eq!(shown, want, "{fw}: catalog show lists every GSA id");
    }
}

#[test]
fn fedramp_counts_nist_tags_and_its_own_spelling() {
    let r = Repo::new();
    r.file(
        "stacks/configcrates/a.vgo",
        "compliance:\n  nist-800-53: [SC-7, \"AC-6(8)\", \"AC-17 (2)\"]\n  fedramp-high: [\"AC-2 (1)\", \"ac-2.2\"]\n",
    );
    let high = r.report("fedramp-high", &[]);
    // `AC-17 (2)` is tagged on the base catalog in FedRAMP's spelling, `AC-2 (1)` on the
    // profile itself: both resolve to NIST's canonical ids.
    for id in ["SC-7", "AC-6(8)", "AC-17(2)", "AC-2(1)", "AC-2(2)"] {
        assert_eq!(status(&high, id), "covered", "{id}");
    }
    assert_eq!(high["summary"]["covered"], 5);
    // The same tags on the base catalog count for the Moderate baseline too, but
    // AC-6(8) is High-only.
    let moderate = r.report("fedramp-moderate", &[]);
    assert_eq!(status(&moderate, "AC-2(1)"), "covered");
    assert!(
        moderate["controls"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["id"] != "AC-6(8)")
    );
}

#[test]
fn fedramp_generator_recreates_the_committed_files() {
    assert!(exists(&root().join("scripts/data/fedramp/README.md")));
    generator_is_current("gen-fedramp.py");
}

// ---------------------------------------------------------------- NIST OSCAL catalogs

fn groups(file: &str) -> Vec<Value> {
    data(&format!("nist-oscal/{file}"))["catalog"]["groups"]
        .as_array()
        .unwrap()
        .clone()
}

fn withdrawn(c: &Value) -> bool {
    c["props"].as_array().is_some_and(|ps| {
        ps.iter()
            .any(|p| p["name"] == "status" && p["value"] == "withdrawn")
    })
}

#[test]
fn nist_800_171r3_matches_nists_oscal_catalog() {
    let mut live = Vec::new();
    let mut gone = Vec::new();
    for g in groups("NIST_SP800-171_rev3_catalog-min.json") {
        for c in g["controls"].as_array().unwrap() {
            let id = c["id"]
                .as_str()
                .unwrap()
                .trim_start_matches("SP_800_171_")
                .to_string();
            if withdrawn(c) {
                gone.push(id);
            } else {
                live.push(id);
            }
        }
    }
    assert_eq!(live.len(), 97);
    assert_eq!(live.first().map(String::as_str), Some("03.01.01"));
    assert_eq!(live.last().map(String::as_str), Some("03.17.03"));
    let shown = shown_ids("nist-800-171r3");
    assert_eq!(
        shown, live,
        "catalog show lists NIST's requirements in order"
    );

    let r = Repo::new();
    r.file(
        "stacks/configcrates/a.vgo",
        "compliance:\n  nist-800-171r3: [\"03.01.01\", \"03.13.08\"]\n",
    );
    let rep = r.report("800-171r3", &[]);
    assert_eq!(counted(&rep), 97);
    assert_eq!(status(&rep, "03.13.08"), "covered");
    // A withdrawn Rev. 3 number is refused and names where NIST moved it.
    r.file(
        "stacks/configcrates/b.vgo",
        "compliance:\n  nist-800-171r3: [\"03.01.14\"]\n",
    );
    let run = r
        .run(&["compliance", "report", "nist-800-171r3", "--format", "json"])
        .invalid();
    assert!(run.stderr.contains("withdrawn-control"), "{}", run.stderr);
    assert!(run.stderr.contains("03.01.12"), "{}", run.stderr);
    assert!(gone.contains(&"03.01.14".to_string()));
}

#[test]
fn nist_csf_2_has_the_106_subcategories() {
    let mut live = Vec::new();
    for f in groups("NIST_CSF_v2.0_catalog-min.json") {
        for cat in f["controls"].as_array().unwrap() {
            for s in cat["controls"].as_array().unwrap() {
                let examples = s["parts"]
                    .as_array()
                    .is_some_and(|ps| ps.iter().any(|p| p["name"] == "example"));
                if examples {
                    live.push(s["id"].as_str().unwrap().to_string());
                }
            }
        }
    }
    assert_eq!(live.len(), 106);
    let shown = shown_ids("nist-csf-2");
    assert_eq!(shown.len(), 106);
    assert_eq!(shown.first().map(String::as_str), Some("GV.OC-01"));
    assert_eq!(shown.last().map(String::as_str), Some("RC.CO-04"));
    let mut a = shown.clone();
    a.sort();
    live.sort();
    assert_eq!(a, live);

    let r = Repo::new();
    r.file(
        "stacks/configcrates/a.vgo",
        "compliance:\n  nist-csf-2: [\"GV.OC-01\", \"pr.aa-01\", \"RC.CO-04\"]\n",
    );
    let rep = r.report("csf", &[]);
    assert_eq!(counted(&rep), 106);
    for id in ["GV.OC-01", "PR.AA-01", "RC.CO-04"] {
        assert_eq!(status(&rep, id), "covered", "{id}");
    }
    // A category is a heading, and a CSF 1.1 number is withdrawn in 2.0.
    r.file(
        "stacks/configcrates/b.vgo",
        "compliance:\n  nist-csf-2: [\"GV.OC\", \"PR.AC-01\"]\n",
    );
    let run = r
        .run(&["compliance", "report", "nist-csf-2", "--format", "json"])
        .invalid();
    assert!(run.stderr.contains("GV.OC"), "{}", run.stderr);
    assert!(run.stderr.contains("withdrawn-control"), "{}", run.stderr);
}

#[test]
fn nist_oscal_generator_recreates_the_committed_files() {
    assert!(exists(&root().join("scripts/data/nist-oscal/README.md")));
    generator_is_current("gen-nist-oscal.py");
}

// ---------------------------------------------------------------- 800-171 Rev. 2, CMMC

fn rev2_data() -> Value {
    data("nist-800-171r2/sp800-171r2-cmmc.json")
}

#[test]
fn nist_800_171_rev2_has_the_110_requirements() {
    let d = rev2_data();
    let reqs: Vec<String> = d["nist_800_171r2"]["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(reqs.len(), 110);
    assert_eq!(reqs.first().map(String::as_str), Some("3.1.1"));
    assert_eq!(reqs.last().map(String::as_str), Some("3.14.7"));
    assert_eq!(shown_ids("nist-800-171"), reqs);

    let r = Repo::new();
    r.file(
        "stacks/configcrates/a.vgo",
        "compliance:\n  800-171: [\"3.1.1\", \"3.14.7\"]\n",
    );
    let rep = r.report("nist-800-171", &[]);
    assert_eq!(counted(&rep), 110);
    assert_eq!(status(&rep, "3.14.7"), "covered");
    // A family number is a heading.
    r.file(
        "stacks/configcrates/b.vgo",
        "compliance:\n  nist-800-171: [\"3.1\"]\n",
    );
    let run = r
        .run(&["compliance", "report", "nist-800-171", "--format", "json"])
        .invalid();
    assert!(run.stderr.contains("heading-control"), "{}", run.stderr);
}

#[test]
fn cmmc_level_2_names_all_110_and_accepts_the_800_171_number() {
    let d = rev2_data();
    let want: Vec<String> = d["cmmc_2_0"]["practices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            // The 2.13 guide names every Level 2 requirement .L2-, the earlier guides
            // numbered 17 of them .L1-.
            p["id"].as_str().unwrap().replace(".L1-", ".L2-")
        })
        .collect();
    let shown = shown_ids("cmmc-l2");
    assert_eq!(shown.len(), 110);
    assert_eq!(shown.first().map(String::as_str), Some("AC.L2-3.1.1"));
    assert_eq!(shown.last().map(String::as_str), Some("SI.L2-3.14.7"));
    let (mut a, mut b) = (shown.clone(), want);
    a.sort();
    b.sort();
    assert_eq!(a, b);

    let r = Repo::new();
    r.file(
        "stacks/configcrates/a.vgo",
        "compliance:\n  cmmc-l2: [\"3.1.1\", \"AC.L2-3.1.3\", \"ac.l1-3.1.2\", \"SC.L2-3.13.11\"]\n",
    );
    let rep = r.report("cmmc", &[]);
    assert_eq!(counted(&rep), 110);
    for id in ["AC.L2-3.1.1", "AC.L2-3.1.2", "AC.L2-3.1.3", "SC.L2-3.13.11"] {
        assert_eq!(status(&rep, id), "covered", "{id}");
    }
    assert_eq!(rep["summary"]["covered"], 4);
}

#[test]
fn cmmc_level_1_is_the_15_far_requirements_with_the_17_practice_ids_as_aliases() {
    let shown = shown_ids("cmmc-l1");
    assert_eq!(shown.len(), 15);
    assert_eq!(shown.first().map(String::as_str), Some("AC.L1-b.1.i"));
    assert_eq!(shown.last().map(String::as_str), Some("SI.L1-b.1.xv"));
    // Every one of the 17 Level 1 practices of the DoD list is an alias of one of them.
    let d = rev2_data();
    let l1: Vec<String> = d["cmmc_2_0"]["practices"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["levels"].as_array().unwrap().iter().any(|l| l == "L1"))
        .map(|p| p["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(l1.len(), 17);
    let r = Repo::new();
    let tags: Vec<String> = l1.iter().map(|id| format!("\"{id}\"")).collect();
    r.file(
        "stacks/configcrates/a.vgo",
        &format!("compliance:\n  cmmc-l1: [{}]\n", tags.join(", ")),
    );
    let rep = r.report("cmmc-l1", &[]);
    assert_eq!(counted(&rep), 15);
    assert_eq!(rep["summary"]["covered"], 15);
    assert_eq!(status(&rep, "PE.L1-b.1.ix"), "covered");
}

#[test]
fn nist_800_171r2_generator_recreates_the_committed_files() {
    assert!(exists(
        &root().join("scripts/data/nist-800-171r2/README.md")
    ));
    generator_is_current("gen-nist-800-171r2.py");
}

//! Mappings between frameworks (docs/catalogs.md#mappings): claims on one framework count
//! for another only with `infer_from`, only through `equal` / `subset-of` pairs whose every
//! source control is covered by configuration on the envoy, and never for waivers or
//! evidence.

use crate::common::*;
use serde_json::json;

/// A second framework and a repository mapping from tf into it.
const UF: &str = r#"id: uf
name: Target Framework
version: "1"
source: "written for the tests"
controls:
  - { id: "U1", title: "One" }
  - { id: "U2", title: "Two" }
  - { id: "U3", title: "Three" }
  - { id: "U4", title: "Four" }
"#;

const MAPPING: &str = r#"mappings:
  - id: uf-from-tf
    from: tf
    to: uf
    source: "written for the tests"
    pairs:
      "U1": { from: ["T1"], relationship: equal }
      "U2": { from: ["T2", "T3"], relationship: subset-of }
      "U3": { from: ["T1"], relationship: intersects-with }
      "U4": { from: ["T4"], relationship: superset-of }
"#;

fn fleet() -> Repo {
    let r = three_envoy_fleet();
    r.file("frameworks/uf.yaml", UF)
        .file("frameworks/uf-map.yaml", MAPPING);
    r
}

#[test]
fn without_infer_from_nothing_is_inferred() {
    let r = fleet();
    let rep = r.report("uf", &[]);
    assert_eq!(rep["summary"]["covered"], 0);
    assert_eq!(rep["summary"]["partial"], 0);
    assert!(rep["summary"].get("covered_via_mapping").is_none());
    assert!(control(&rep, "U1").get("via_mapping").is_none());
    assert!(control(&rep, "U1").get("envoys_via_mapping").is_none());
}

#[test]
fn equal_and_subset_pairs_count_when_every_source_is_covered() {
    let r = fleet();
    r.file("vigocli.toml", "[frameworks.uf]\ninfer_from = [\"tf\"]\n");
    let rep = r.report("uf", &[]);
    // T1 is covered everywhere: U1 (equal) is covered everywhere, through the mapping.
    assert_eq!(status(&rep, "U1"), "covered");
    let u1 = control(&rep, "U1");
    assert_eq!(u1["envoys_via_mapping"], 3);
    assert_eq!(
        u1["via_mapping"],
        json!([{"mapping": "uf-from-tf", "from": ["tf:T1"], "relationship": "equal"}])
    );
    // T2 and T3 are covered on b-1 only: U2 needs both, so b-1 only.
    assert_eq!(status(&rep, "U2"), "partial");
    assert_eq!(control(&rep, "U2")["envoys_covered"], 1);
    assert_eq!(
        control(&rep, "U2")["uncovered_envoys"],
        json!(["a-1", "a-2"])
    );
    // intersects-with and superset-of never count.
    assert_eq!(status(&rep, "U3"), "uncovered");
    assert_eq!(status(&rep, "U4"), "uncovered");
    let s = &rep["summary"];
    assert_eq!(
        (s["covered"].clone(), s["covered_via_mapping"].clone()),
        (json!(1), json!(1))
    );
    assert_eq!(
        s["formulas"]["covered_via_mapping"],
        "covered controls whose coverage rests on a mapping on at least one envoy = 1 of covered = 1 (infer_from, mappings: uf-from-tf)"
    );
    assert_eq!(envoy(&rep, "b-1")["covered"], 2);
}

#[test]
fn removing_one_source_of_a_multi_control_pair_removes_the_target() {
    let r = fleet();
    r.file("vigocli.toml", "[frameworks.uf]\ninfer_from = [\"tf\"]\n")
        .file("stacks/configcrates/extra.vgo", "compliance:\n  tf: [T2]\n");
    let rep = r.report("uf", &[]);
    assert_eq!(status(&rep, "U2"), "uncovered", "T3 is no longer claimed");
    assert_eq!(status(&rep, "U1"), "covered");
}

#[test]
fn direct_claims_are_not_attributed_to_the_mapping() {
    let r = fleet();
    r.file("vigocli.toml", "[frameworks.uf]\ninfer_from = [\"tf\"]\n")
        .file(
            "stacks/configcrates/base.vgo",
            "compliance:\n  tf: [T1]\n  uf: [U1]\n",
        );
    let rep = r.report("uf", &[]);
    assert_eq!(status(&rep, "U1"), "covered");
    assert_eq!(control(&rep, "U1")["envoys_via_mapping"], 0);
    assert!(control(&rep, "U1").get("via_mapping").is_none());
    assert_eq!(control(&rep, "U1")["configcrates"], json!(["base"]));
    assert_eq!(rep["summary"]["covered_via_mapping"], 0);
}

#[test]
fn waivers_and_evidence_never_propagate_through_a_mapping() {
    let r = fleet();
    let doc = "policy\n";
    r.file("vigocli.toml", "[frameworks.uf]\ninfer_from = [\"tf\"]\n")
        .file("stacks/configcrates/base.vgo", "compliance:\n  tf: []\n")
        .file(
            "stacks/waivers.vgo",
            "waivers:\n  - control: \"tf:T1\"\n    rationale: r\n    owner: o\n    expires: \"2027-06-01\"\n",
        )
        .file("evidence/files/p.md", doc)
        .file(
            "evidence/records.yaml",
            &format!(
                "evidence:\n  - id: p\n    title: p\n    controls: [\"tf:T2\", \"tf:T3\"]\n    kind: file\n    path: evidence/files/p.md\n    sha256: \"{}\"\n    collected: 2026-01-01\n    expires: 2027-01-01\n    owner: o\n    status: accepted\n    reviewed_by: r\n    reviewed_at: 2026-01-02\n",
                vigocli::audit::bundle::sha256_hex(doc.as_bytes())
            ),
        );
    let tf = r.report("tf", &[]);
    assert_eq!(status(&tf, "T1"), "waived");
    let rep = r.report("uf", &[]);
    assert_eq!(
        status(&rep, "U1"),
        "uncovered",
        "a waived source proves nothing"
    );
    // U2: T2/T3 covered on b-1 by configuration, attested on a-*: only b-1 counts.
    assert_eq!(status(&rep, "U2"), "partial");
    assert_eq!(control(&rep, "U2")["envoys_covered"], 1);
    assert_eq!(control(&rep, "U2")["envoys_attested"], 0);
}

#[test]
fn built_in_mapping_from_800_53_to_800_171r3() {
    let r = Repo::new();
    r.file(
        "stacks/configcrates/web.vgo",
        "compliance:\n  nist-800-53: [AC-12, SC-8, SC-8(1), SC-28]\n",
    )
    .file("stacks/common.vgo", "configcrates: [web]\n")
    .file("stacks/envoys.vgo", "envoys:\n  - match: \"*\"\n")
    .file(
        "inventory/envoys.json",
        r#"{"envoys": [{"hostname": "web-1"}]}"#,
    )
    .file(
        "vigocli.toml",
        "[frameworks.nist-800-171r3]\ninfer_from = [\"nist-800-53\"]\n",
    );
    let rep = r.report("nist-800-171r3", &[]);
    // 03.01.11 Session Termination comes from AC-12 alone.
    assert_eq!(status(&rep, "03.01.11"), "covered");
    assert_eq!(
        control(&rep, "03.01.11")["via_mapping"][0]["mapping"],
        "nist-800-171r3-from-nist-800-53"
    );
    // 03.13.08 needs SC-8, SC-8(1), SC-28 and SC-28(1): one is missing.
    assert_eq!(status(&rep, "03.13.08"), "uncovered");
    r.file(
        "stacks/configcrates/web.vgo",
        "compliance:\n  nist-800-53: [AC-12, SC-8, SC-8(1), SC-28, SC-28(1)]\n",
    );
    let rep = r.report("nist-800-171r3", &[]);
    assert_eq!(status(&rep, "03.13.08"), "covered");
    assert_eq!(rep["summary"]["covered_via_mapping"], 2);
    crate::schemas::assert_valid("compliance-report-v1.json", &rep, "a report with mappings");
}

#[test]
fn infer_from_without_a_mapping_and_broken_mappings_are_errors() {
    let r = fleet();
    r.file(
        "vigocli.toml",
        "[frameworks.uf]\ninfer_from = [\"hipaa\", \"nope\"]\n",
    );
    let run = r
        .run(&["compliance", "report", "uf", "--format", "json"])
        .invalid();
    assert!(
        run.stderr
            .contains("error[bad-mapping]: no mapping leads from `hipaa` to `uf`"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("vigocli.toml:2:15"), "{}", run.stderr);
    assert!(
        run.stderr.contains("names no framework: `nope`"),
        "{}",
        run.stderr
    );
    r.file("vigocli.toml", "")
        .file(
            "frameworks/uf-map.yaml",
            "mappings:\n  - id: uf-from-tf\n    from: tf\n    to: uf\n    source: s\n    pairs:\n      \"U1\": { from: [\"T99\"], relationship: equal }\n      \"U9\": { from: [\"T1\"], relationship: equal }\n      \"U2\": { from: [\"T2\"], relationship: same }\n      \"U3\": { from: [\"T3\"] }\n",
        );
    let run = r
        .run(&["compliance", "report", "uf", "--format", "json"])
        .invalid();
    for needle in [
        "frameworks/uf-map.yaml:7:",
        "T99",
        "frameworks/uf-map.yaml:8:",
        "U9",
        "`relationship: same` is not a mapping relationship",
        "pair `U3` has no `relationship:`",
    ] {
        assert!(
            run.stderr.contains(needle),
            "missing `{needle}` in\n{}",
            run.stderr
        );
    }
}

#[test]
fn the_mapping_generator_recreates_the_committed_files() {
    crate::catalogs_new::generator_is_current("gen-mappings.py");
}

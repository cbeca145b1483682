//! SPEC §3: how the repository is read.

use crate::common::*;

fn crates(r: &Repo) {
    r.file(
        "stacks/configcrates/c1.vgo",
        "name: c1\ncompliance:\n  tf: [T1]\n",
    )
    .file(
        "stacks/configcrates/c2.vgo",
        "name: c2\ncompliance:\n  tf: [T2]\n",
    )
    .file(
        "stacks/configcrates/c3.vgo",
        "name: c3\ncompliance:\n  tf: [T3]\n",
    )
    .file(
        "stacks/configcrates/c4.vgo",
        "name: c4\ncompliance:\n  tf: [T4]\n",
    );
}

#[test]
fn first_matching_block_in_path_order_wins() {
    let r = tf_repo();
    crates(&r);
    // a/ sorts before b/; within a file the first block wins.
    r.file("stacks/b/envoys.vgo", "envoys:\n  - match: \"web-*\"\n    configcrates: [c3]\n")
        .file(
            "stacks/a/envoys.vgo",
            "envoys:\n  - match: \"WEB-0?.example.com\"\n    configcrates: [c1]\n  - match: \"web-*\"\n    configcrates: [c2]\n",
        )
        .file("inventory/envoys.json", r#"{"envoys": [{"hostname": "web-01.example.com"}, {"hostname": "web-10.example.com"}, {"hostname": "db-1"}]}"#);
    let rep = r.report("tf", &[]);
    assert_eq!(envoy(&rep, "web-01.example.com")["covered"], 1);
    assert_eq!(
        control(&rep, "T1")["envoys_covered"],
        1,
        "web-01 matched the first block of a/"
    );
    assert_eq!(
        control(&rep, "T2")["envoys_covered"],
        1,
        "web-10 matched the second block of a/, not b/"
    );
    assert_eq!(
        control(&rep, "T3")["envoys_covered"],
        0,
        "b/ is never reached"
    );
    assert!(codes(&rep).contains(&"unmatched-envoy".to_string()));
    assert_eq!(envoy(&rep, "db-1")["covered"], 0);
}

#[test]
fn path_order_is_component_wise() {
    let r = tf_repo();
    crates(&r);
    // As strings "a-b/x" < "a/x" ('-' < '/'), but component-wise "a" < "a-b".
    r.file(
        "stacks/a-b/envoys.vgo",
        "envoys:\n  - match: \"*\"\n    configcrates: [c2]\n",
    )
    .file(
        "stacks/a/envoys.vgo",
        "envoys:\n  - match: \"*\"\n    configcrates: [c1]\n",
    )
    .file("inventory/e.json", r#"[{"hostname": "h1"}]"#);
    let rep = r.report("tf", &[]);
    assert_eq!(status(&rep, "T1"), "covered");
    assert_eq!(status(&rep, "T2"), "uncovered");
}

#[test]
fn common_vgo_inherits_parent_before_child_and_roles_include() {
    let r = tf_repo();
    crates(&r);
    r.file("stacks/common.vgo", "configcrates: [c1]\nlabels: { tier: base, phi: false }\n")
        .file("stacks/prod/common.vgo", "labels: { phi: true }\nroles: [app]\n")
        .file("stacks/roles.vgo", "roles:\n  app:\n    configcrates: [c2]\n    includes: [db]\n  db:\n    configcrates: [c3]\n")
        .file("stacks/prod/envoys.vgo", "envoys:\n  - match: \"p-*\"\n    labels: { tier: gold }\n")
        .file("stacks/staging/envoys.vgo", "envoys:\n  - match: \"s-*\"\n")
        .file("inventory/e.yaml", "envoys:\n  - hostname: p-1\n  - hostname: s-1\n");
    // prod envoys: c1 (root common) + c2, c3 (role app includes db); staging: c1 only.
    let rep = r.report("tf", &[]);
    assert_eq!(envoy(&rep, "p-1")["covered"], 3);
    assert_eq!(envoy(&rep, "s-1")["covered"], 1);
    // labels: child overrides parent, block overrides both → scope phi=true selects p-1 only.
    let rep = r.report("tf", &["--scope", "phi=true", "--scope", "tier=gold"]);
    assert_eq!(rep["summary"]["envoys_in_scope"], 1);
    assert_eq!(rep["envoys"][0]["hostname"], "p-1");
}

#[test]
fn inventory_assignment_is_used_as_is_and_labels_override_the_tree() {
    let r = tf_repo();
    crates(&r);
    r.file("stacks/envoys.vgo", "envoys:\n  - match: \"*\"\n    configcrates: [c1]\n    labels: { phi: true }\n")
        .file(
            "inventory/a.jsonl",
            "{\"hostname\": \"h1\", \"configcrates\": [\"c4\"]}\n\n{\"hostname\": \"h2\", \"labels\": {\"phi\": false}}\n{\"hostname\": \"old\", \"revoked\": true}\n",
        )
        .file("inventory/b.yaml", "- hostname: H3\n  labels: { phi: \"true\" }\n");
    let rep = r.report("tf", &[]);
    assert_eq!(
        rep["summary"]["envoys_in_scope"], 3,
        "revoked envoy excluded, files concatenated"
    );
    assert_eq!(
        control(&rep, "T4")["configcrates"],
        serde_json::json!(["c4"])
    );
    assert_eq!(
        control(&rep, "T1")["envoys_covered"],
        2,
        "h1 uses its server-side list, without c1"
    );
    let rep = r.report("tf", &["--scope", "phi=true"]);
    let hosts: Vec<_> = rep["envoys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["hostname"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        hosts,
        ["h1", "h3"],
        "h2's inventory label overrides the tree; hostnames are lower-cased"
    );
}

#[test]
fn configcrate_names_stems_and_inherited_claims() {
    let r = tf_repo();
    r.file(
        "stacks/configcrates/web/nginx.vgo",
        "compliance:\n  tf: [T1]\nresources:\n  - package: nginx\n",
    )
    .file(
        "stacks/configcrates/web/compliance.vgo",
        "compliance:\n  testfw: [T2]\nprovides: [cap-b]\n",
    )
    .file(
        "stacks/configcrates/other.vgo",
        "configcrate: renamed\nbundle: tf/basic\n",
    )
    .file(
        "stacks/envoys.vgo",
        "envoys:\n  - match: \"*\"\n    configcrates: [nginx, renamed]\n",
    )
    .file("inventory/e.json", r#"[{"hostname": "h"}]"#);
    let rep = r.report("tf", &[]);
    for id in ["T1", "T2", "T3", "T4", "T5"] {
        assert_eq!(status(&rep, id), "covered", "{id}");
    }
    assert_eq!(status(&rep, "T6"), "uncovered");
    assert_eq!(
        control(&rep, "T3")["capabilities"],
        serde_json::json!(["cap-b"])
    );
    assert_eq!(
        control(&rep, "T4")["configcrates"],
        serde_json::json!(["renamed"])
    );
}

#[test]
fn nist_spellings_resolve_to_the_canonical_control() {
    let r = Repo::new();
    r.file(
        "stacks/configcrates/tls.vgo",
        "name: tls\ncompliance:\n  nist-800-53: [\"SC-8 (1)\", \"sc-28.1\", \"CM-6(a)\", \"ac-2_smt.a\", \"au-8\"]\n",
    );
    let rep = r.report("nist-800-53", &[]);
    for id in ["SC-8(1)", "SC-28(1)", "CM-6", "AC-2", "AU-8"] {
        assert_eq!(status(&rep, id), "covered", "{id}");
    }
    // SC-13(1) is withdrawn in rev 5: that spelling must be rejected, not silently matched.
    let r2 = Repo::new();
    r2.file(
        "stacks/configcrates/x.vgo",
        "compliance:\n  nist: [\"sc-13.1\"]\n",
    );
    let out = r2
        .run(&["compliance", "report", "nist", "--format", "json"])
        .invalid();
    assert!(out.stderr.contains("withdrawn-control"), "{}", out.stderr);
}

#[test]
fn declared_mode_without_inventory() {
    let r = tf_repo();
    crates(&r);
    r.file("stacks/envoys.vgo", "envoys:\n  - match: \"*\"\n    configcrates: [c1]\n")
        .file("stacks/waivers.vgo", "waivers:\n  - control: \"tf:T5\"\n    rationale: r\n    expires: \"2027-01-01\"\n    owner: o\n    envoys: \"nomatch-*\"\n    labels: { x: y }\n")
        .file("traits/h/cap-a.json", r#"{"status": "pass", "checked_at": "2026-11-22T10:00:00Z"}"#);
    let rep = r.report("tf", &["--scope", "phi=true"]);
    assert_eq!(rep["mode"], "declared");
    assert_eq!(rep["envoys"][0]["hostname"], "(repository)");
    assert_eq!(
        rep["summary"]["envoys_in_scope"], 1,
        "scope is not used in declared mode"
    );
    assert_eq!(rep["summary"]["covered"], 4, "every configcrate counts");
    assert_eq!(
        status(&rep, "T5"),
        "waived",
        "filters are not used in declared mode"
    );
    assert_eq!(status(&rep, "T6"), "uncovered");
}

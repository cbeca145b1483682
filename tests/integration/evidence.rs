//! Evidence records and applicability decisions (docs/evidence.md): every rule of the
//! engine, driven through the binary on the three-envoy test fleet and read back from the
//! report JSON.
//!
//! The fleet (tests/integration/common.rs): T1 covered on a-1, a-2 and b-1; T2 and T3
//! covered on b-1 only; T4–T6 uncovered. The run's `as_of` is 2026-11-22.

use crate::common::*;
use serde_json::{Value, json};
use vigocli::audit::bundle::sha256_hex;

const POLICY: &str = "# Access control policy\n\nReviewed yearly.\n";

/// A record of kind file for `controls`, accepted and pinned to POLICY unless the extra
/// lines override fields (later keys are refused as duplicates, so extras only add).
fn file_record(id: &str, controls: &str, status_lines: &str, extra: &str) -> String {
    format!(
        "  - id: {id}\n    title: \"Policy {id}\"\n    controls: {controls}\n    kind: file\n    path: evidence/files/policy.md\n    collected: 2026-01-10\n    owner: \"sec@example.com\"\n{status_lines}{extra}"
    )
}

fn accepted(expires: &str) -> String {
    format!(
        "    expires: {expires}\n    status: accepted\n    reviewed_by: \"auditor@example.com\"\n    reviewed_at: 2026-01-12\n    sha256: \"{}\"\n",
        sha256_hex(POLICY.as_bytes())
    )
}

fn fleet_with(records: &[String]) -> Repo {
    let r = three_envoy_fleet();
    r.file("evidence/files/policy.md", POLICY);
    r.file(
        "evidence/records.yaml",
        &format!("evidence:\n{}", records.concat()),
    );
    r
}

fn finding<'a>(rep: &'a Value, code: &str) -> &'a Value {
    rep["findings"]
        .as_array()
        .and_then(|f| f.iter().find(|x| x["code"] == code))
        .unwrap_or_else(|| panic!("no finding {code} in {:#}", rep["findings"]))
}

fn counts(c: &Value) -> (Value, Value, Value, Value) {
    (
        c["envoys_covered"].clone(),
        c["envoys_attested"].clone(),
        c["envoys_waived"].clone(),
        c["envoys_uncovered"].clone(),
    )
}

fn record_state(rep: &Value, id: &str) -> String {
    rep["evidence"]
        .as_array()
        .and_then(|l| l.iter().find(|e| e["id"] == id))
        .unwrap_or_else(|| panic!("no evidence {id} in report"))["state"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn accepted_in_date_intact_record_attests_and_the_numbers_say_so() {
    let r = fleet_with(&[
        file_record("ok", "[\"tf:T4\"]", &accepted("2027-06-01"), ""),
        file_record(
            "waiting",
            "[\"tf:T5\"]",
            "    expires: 2027-06-01\n    status: pending_review\n",
            "",
        ),
        file_record(
            "refused",
            "[\"tf:T6\"]",
            "    expires: 2027-06-01\n    status: rejected\n    reviewed_by: \"auditor@example.com\"\n    reviewed_at: 2026-01-12\n",
            "",
        ),
    ]);
    let rep = r.report("tf", &[]);
    assert_eq!(status(&rep, "T4"), "attested");
    assert_eq!(
        counts(control(&rep, "T4")),
        (json!(0), json!(3), json!(0), json!(0))
    );
    assert_eq!(
        status(&rep, "T5"),
        "uncovered",
        "pending review attests nothing"
    );
    assert_eq!(status(&rep, "T6"), "uncovered", "rejected attests nothing");
    let ev = &control(&rep, "T4")["evidence"];
    assert_eq!(
        ev,
        &json!([{
            "id": "ok",
            "kind": "file",
            "path": "evidence/files/policy.md",
            "sha256": sha256_hex(POLICY.as_bytes()),
            "reviewed_by": "auditor@example.com",
            "expires": "2027-06-01"
        }])
    );
    assert_eq!(control(&rep, "T5")["evidence"], json!([]));
    assert_eq!(record_state(&rep, "ok"), "attesting");
    assert_eq!(record_state(&rep, "waiting"), "pending-review");
    assert_eq!(record_state(&rep, "refused"), "rejected");
    assert_eq!(
        codes(&rep)
            .iter()
            .filter(|c| *c == "evidence-not-accepted")
            .count(),
        2
    );

    let s = &rep["summary"];
    assert_eq!(
        (
            s["controls_total"].clone(),
            s["covered"].clone(),
            s["attested"].clone()
        ),
        (json!(6), json!(1), json!(1))
    );
    assert_eq!(
        (
            s["partial"].clone(),
            s["waived"].clone(),
            s["uncovered"].clone()
        ),
        (json!(2), json!(0), json!(2))
    );
    assert_eq!(s["not_applicable"], 0);
    assert_eq!(s["covered_pct"], 16.67);
    assert_eq!(s["assured_pct"], 33.33);
    assert_eq!(s["coverage_pct"], 33.33);
    let f = &s["formulas"];
    assert_eq!(
        f["assured_pct"],
        "100 × (covered + attested) / controls_total = 100 × (1 + 1) / 6 = 33.33 %"
    );
    assert_eq!(
        f["coverage_pct"],
        "100 × (covered + attested + waived) / controls_total = 100 × (1 + 1 + 0) / 6 = 33.33 %"
    );
    assert_eq!(
        f["covered_pct"],
        "100 × covered / controls_total = 100 × 1 / 6 = 16.67 %"
    );
    assert_eq!(
        f["not_applicable"],
        "controls removed by 0 current applicability decision(s) = 0; controls_total = 6 counted − 0 not applicable = 6"
    );
    // Per envoy: a-1 has T1 covered and T4 attested of 6.
    let a1 = envoy(&rep, "a-1");
    assert_eq!(
        (a1["covered"].clone(), a1["attested"].clone()),
        (json!(1), json!(1))
    );
    assert_eq!(
        (
            a1["covered_pct"].clone(),
            a1["assured_pct"].clone(),
            a1["coverage_pct"].clone()
        ),
        (json!(16.67), json!(33.33), json!(33.33))
    );
}

#[test]
fn a_changed_or_missing_document_is_an_error_finding_and_attests_nothing() {
    let r = fleet_with(&[
        file_record("edited", "[\"tf:T4\"]", &accepted("2027-06-01"), ""),
        "  - id: gone\n    title: \"Gone\"\n    controls: [\"tf:T5\"]\n    kind: file\n    path: evidence/files/missing.md\n    sha256: \"0000000000000000000000000000000000000000000000000000000000000000\"\n    collected: 2026-01-10\n    expires: 2027-06-01\n    owner: \"sec@example.com\"\n    status: accepted\n    reviewed_by: \"auditor@example.com\"\n    reviewed_at: 2026-01-12\n".to_string(),
    ]);
    let edited = format!("{POLICY}One more line, added after the review.\n");
    r.file("evidence/files/policy.md", &edited);
    let rep = r.report("tf", &[]);
    assert_eq!(status(&rep, "T4"), "uncovered");
    assert_eq!(status(&rep, "T5"), "uncovered");
    assert_eq!(control(&rep, "T4")["evidence"], json!([]));
    assert_eq!(record_state(&rep, "edited"), "changed");
    assert_eq!(record_state(&rep, "gone"), "changed");
    let f = finding(&rep, "evidence-changed");
    assert_eq!(f["severity"], "error");
    let changed: Vec<&Value> = rep["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["code"] == "evidence-changed")
        .collect();
    assert_eq!(changed.len(), 2);
    let text = serde_json::to_string(&changed).unwrap();
    assert!(text.contains("edited"), "{text}");
    assert!(text.contains("evidence/files/policy.md"), "{text}");
    assert!(
        text.contains(&sha256_hex(POLICY.as_bytes())),
        "pinned hash: {text}"
    );
    assert!(
        text.contains(&sha256_hex(edited.as_bytes())),
        "current hash: {text}"
    );
    assert!(text.contains("missing.md"), "{text}");
    let row = rep["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == "edited")
        .unwrap();
    assert_eq!(row["current_sha256"], sha256_hex(edited.as_bytes()));
}

#[test]
fn expired_and_not_yet_collected_records_attest_nothing_expiring_ones_warn() {
    let r = fleet_with(&[
        file_record("old", "[\"tf:T4\"]", &accepted("2026-11-01"), ""),
        file_record("soon", "[\"tf:T5\"]", &accepted("2026-12-10"), ""),
        "  - id: future\n    title: \"Next year's test\"\n    controls: [\"tf:T6\"]\n    kind: url\n    url: \"https://docs.example.com/ir-test\"\n    collected: 2026-12-01\n    expires: 2027-12-01\n    owner: \"sec@example.com\"\n    status: accepted\n    reviewed_by: \"auditor@example.com\"\n    reviewed_at: 2026-11-20\n".to_string(),
    ]);
    let rep = r.report("tf", &[]);
    assert_eq!(status(&rep, "T4"), "uncovered", "expired");
    assert_eq!(status(&rep, "T5"), "attested", "expiring still attests");
    assert_eq!(status(&rep, "T6"), "uncovered", "collected after as_of");
    assert_eq!(record_state(&rep, "old"), "expired");
    assert_eq!(record_state(&rep, "soon"), "expiring");
    assert_eq!(record_state(&rep, "future"), "not-yet-collected");
    assert_eq!(finding(&rep, "evidence-expired")["severity"], "warning");
    let soon = finding(&rep, "evidence-expiring");
    assert_eq!(soon["severity"], "warning");
    assert!(soon["message"].as_str().unwrap().contains("soon"), "{soon}");
    assert_eq!(rep["summary"]["attested"], 1);
}

#[test]
fn url_and_audit_entry_records_attest_when_intact() {
    let r = fleet_with(&[]);
    r.run(&[
        "audit",
        "append",
        "--actor",
        "ciso@example.com",
        "--action",
        "training.completed",
        "--target",
        "workforce-2026",
    ])
    .ok();
    r.file(
        "evidence/records.yaml",
        "evidence:\n  - id: training\n    title: \"Training completion\"\n    controls: [\"tf:T5\"]\n    kind: audit-entry\n    audit_seq: 0\n    collected: 2026-02-01\n    expires: 2027-02-01\n    owner: \"hr@example.com\"\n    status: accepted\n    reviewed_by: \"auditor@example.com\"\n    reviewed_at: 2026-02-03\n  - id: no-such-entry\n    title: \"Not in the log\"\n    controls: [\"tf:T6\"]\n    kind: audit-entry\n    audit_seq: 7\n    collected: 2026-02-01\n    expires: 2027-02-01\n    owner: \"hr@example.com\"\n    status: accepted\n    reviewed_by: \"auditor@example.com\"\n    reviewed_at: 2026-02-03\n  - id: pentest\n    title: \"Penetration test report\"\n    controls: [\"tf:T4\"]\n    kind: url\n    url: \"https://docs.example.com/pentest-2026\"\n    collected: 2026-02-01\n    expires: 2027-02-01\n    owner: \"sec@example.com\"\n    status: accepted\n    reviewed_by: \"auditor@example.com\"\n    reviewed_at: 2026-02-03\n",
    );
    let rep = r.report("tf", &[]);
    assert_eq!(status(&rep, "T4"), "attested", "url");
    assert_eq!(
        status(&rep, "T5"),
        "attested",
        "audit entry 0 exists and verifies"
    );
    assert_eq!(status(&rep, "T6"), "uncovered", "no entry 7");
    assert_eq!(record_state(&rep, "no-such-entry"), "changed");
    let t5 = &control(&rep, "T5")["evidence"][0];
    assert_eq!(t5["kind"], "audit-entry");
    assert_eq!(t5["audit_seq"], 0);
    assert_eq!(
        t5["sha256"].as_str().map(str::len),
        Some(64),
        "the entry's leaf hash"
    );
    assert_eq!(
        control(&rep, "T4")["evidence"][0]["url"],
        "https://docs.example.com/pentest-2026"
    );
}

#[test]
fn filters_choose_the_envoys_a_record_attests_on() {
    let r = fleet_with(&[
        file_record(
            "zone-a",
            "[\"tf:T4\"]",
            &accepted("2027-06-01"),
            "    envoys: [\"a-*\"]\n",
        ),
        file_record(
            "non-phi",
            "[\"tf:T5\"]",
            &accepted("2027-06-01"),
            "    labels: { phi: false }\n",
        ),
    ]);
    let rep = r.report("tf", &[]);
    assert_eq!(status(&rep, "T4"), "partial");
    assert_eq!(
        counts(control(&rep, "T4")),
        (json!(0), json!(2), json!(0), json!(1))
    );
    assert_eq!(control(&rep, "T4")["uncovered_envoys"], json!(["b-1"]));
    assert_eq!(status(&rep, "T5"), "partial");
    assert_eq!(
        counts(control(&rep, "T5")),
        (json!(0), json!(1), json!(0), json!(2))
    );
    assert_eq!(envoy(&rep, "b-1")["attested"], 1);
    assert_eq!(envoy(&rep, "a-1")["attested"], 1);
    // A framework scoped to phi = true sees only a-1 and a-2: the non-phi record attests
    // on none of them.
    r.file("vigocli.toml", "[frameworks.tf]\nscope = { phi = true }\n");
    let rep = r.report("tf", &[]);
    assert_eq!(status(&rep, "T4"), "attested");
    assert_eq!(status(&rep, "T5"), "uncovered");
}

#[test]
fn covered_beats_attested_beats_waived() {
    let r = fleet_with(&[file_record(
        "policy",
        "[\"tf:T2\", \"tf:T5\"]",
        &accepted("2027-06-01"),
        "",
    )]);
    r.file(
        "stacks/waivers.vgo",
        "waivers:\n  - controls: [\"tf:T2\", \"tf:T5\", \"tf:T6\"]\n    rationale: \"accepted risk\"\n    expires: \"2027-06-01\"\n    owner: \"sec@example.com\"\n",
    );
    let rep = r.report("tf", &[]);
    // T2: covered on b-1 by configuration, attested on a-1 and a-2; the waiver counts nowhere.
    assert_eq!(status(&rep, "T2"), "attested");
    assert_eq!(
        counts(control(&rep, "T2")),
        (json!(1), json!(2), json!(0), json!(0))
    );
    // T5: evidence and waiver everywhere: attested, never waived.
    assert_eq!(status(&rep, "T5"), "attested");
    assert_eq!(
        counts(control(&rep, "T5")),
        (json!(0), json!(3), json!(0), json!(0))
    );
    // T6: the waiver alone.
    assert_eq!(status(&rep, "T6"), "waived");
    let b1 = envoy(&rep, "b-1");
    assert_eq!(
        (
            b1["covered"].clone(),
            b1["attested"].clone(),
            b1["waived"].clone(),
            b1["uncovered"].clone()
        ),
        (json!(3), json!(1), json!(1), json!(1)),
        "b-1: T1–T3 covered, T5 attested, T6 waived, T4 uncovered"
    );
    assert_eq!(
        (
            b1["covered_pct"].clone(),
            b1["assured_pct"].clone(),
            b1["coverage_pct"].clone()
        ),
        (json!(50.0), json!(66.67), json!(83.33))
    );
    let s = &rep["summary"];
    assert_eq!(
        (
            s["covered"].clone(),
            s["attested"].clone(),
            s["waived"].clone()
        ),
        (json!(1), json!(2), json!(1))
    );
    assert_eq!(
        s["formulas"]["coverage_pct"],
        "100 × (covered + attested + waived) / controls_total = 100 × (1 + 2 + 1) / 6 = 66.67 %"
    );
}

/// A framework with two headings, so a decision on one leaves the other counted.
const NF: &str = r#"id: nf
name: Headings Framework
version: "1"
source: "written for the tests"
controls:
  - { id: "G1", title: "Group one", assessable: false }
  - { id: "N1", title: "One", parent: "G1" }
  - { id: "N2", title: "Two", parent: "G1" }
  - { id: "G2", title: "Group two", assessable: false }
  - { id: "N3", title: "Three", parent: "G2" }
  - { id: "N4", title: "Four", parent: "G2" }
"#;

fn decision(controls: &str, review_by: &str) -> String {
    format!(
        "  - controls: {controls}\n    rationale: \"No cardholder data in this environment\"\n    owner: \"grc@example.com\"\n    approved_by: \"ciso@example.com\"\n    approved_at: 2026-01-15\n    review_by: {review_by}\n"
    )
}

#[test]
fn a_decision_on_a_heading_removes_every_control_under_it() {
    let r = three_envoy_fleet();
    r.file("frameworks/nf.yaml", NF)
        .file(
            "stacks/configcrates/base.vgo",
            "compliance:\n  tf: [T1]\n  nf: [N3]\n",
        )
        .file(
            "stacks/waivers.vgo",
            &format!("not_applicable:\n{}", decision("[\"nf:G1\"]", "2027-01-15")),
        );
    let rep = r.report("nf", &[]);
    // Listed, never counted: the decided controls leave `controls` for `not_applicable`.
    let ids: Vec<&str> = rep["controls"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["id"].as_str())
        .collect();
    assert_eq!(ids, ["N3", "N4"]);
    assert_eq!(status(&rep, "N3"), "covered");
    assert_eq!(status(&rep, "N4"), "uncovered");
    let s = &rep["summary"];
    assert_eq!(
        (s["controls_total"].clone(), s["not_applicable"].clone()),
        (json!(2), json!(2))
    );
    assert_eq!(
        (s["covered"].clone(), s["coverage_pct"].clone()),
        (json!(1), json!(50.0))
    );
    assert_eq!(
        s["formulas"]["not_applicable"],
        "controls removed by 1 current applicability decision(s) = 2; controls_total = 4 counted − 2 not applicable = 2"
    );
    let na = rep["not_applicable"].as_array().unwrap();
    let decided: Vec<&str> = na.iter().filter_map(|d| d["id"].as_str()).collect();
    assert_eq!(
        decided,
        ["N1", "N2"],
        "every control under the heading, in catalog order"
    );
    for d in na {
        assert_eq!(d["status"], "not-applicable");
        assert_eq!(d["rationale"], "No cardholder data in this environment");
        assert_eq!(d["approved_by"], "ciso@example.com");
        assert_eq!(d["owner"], "grc@example.com");
        assert_eq!(d["approved_at"], "2026-01-15");
        assert_eq!(d["review_by"], "2027-01-15");
        assert_eq!(d["decision"], "stacks/waivers.vgo:2");
    }
    // Another framework's numbers do not move.
    let tf = r.report("tf", &[]);
    assert_eq!(tf["summary"]["not_applicable"], 0);
    assert_eq!(tf["summary"]["controls_total"], 6);
}

#[test]
fn a_lapsed_decision_counts_the_controls_again_and_warns() {
    let r = three_envoy_fleet();
    r.file(
        "stacks/waivers.vgo",
        &format!(
            "not_applicable:\n{}",
            decision("[\"tf:T5\", \"tf:T6\"]", "2026-11-01")
        ),
    );
    let rep = r.report("tf", &[]);
    assert_eq!(status(&rep, "T5"), "uncovered");
    assert_eq!(rep["not_applicable"], json!([]));
    assert_eq!(rep["summary"]["controls_total"], 6);
    assert_eq!(rep["summary"]["not_applicable"], 0);
    let f = finding(&rep, "applicability-lapsed");
    assert_eq!(f["severity"], "warning");
    assert!(f["message"].as_str().unwrap().contains("2026-11-01"), "{f}");
    // The same decision still in date removes both.
    r.file(
        "stacks/waivers.vgo",
        &format!(
            "not_applicable:\n{}",
            decision("[\"tf:T5\", \"tf:T6\"]", "2027-11-01")
        ),
    );
    let rep = r.report("tf", &[]);
    assert_eq!(rep["not_applicable"].as_array().map(Vec::len), Some(2));
    assert_eq!(rep["not_applicable"][0]["id"], "T5");
    assert_eq!(rep["summary"]["controls_total"], 4);
    assert!(!codes(&rep).contains(&"applicability-lapsed".to_string()));
}

#[test]
fn a_decision_on_a_claimed_control_warns() {
    let r = three_envoy_fleet();
    r.file(
        "stacks/compliance.vgo",
        &format!("not_applicable:\n{}", decision("[\"tf:T1\"]", "2027-01-15")),
    );
    let rep = r.report("tf", &[]);
    let f = finding(&rep, "claimed-not-applicable");
    assert_eq!(f["severity"], "warning");
    assert!(f["message"].as_str().unwrap().contains("T1"), "{f}");
    assert_eq!(
        rep["not_applicable"][0]["id"], "T1",
        "the decision stands; the claim is questioned"
    );
    assert_eq!(rep["summary"]["controls_total"], 5);
}

#[test]
fn decisions_live_at_the_stacks_root_only() {
    let r = three_envoy_fleet();
    r.file(
        "stacks/zone-a/waivers.vgo",
        &format!("not_applicable:\n{}", decision("[\"tf:T5\"]", "2027-01-15")),
    );
    let run = r
        .run(&["compliance", "report", "tf", "--format", "json"])
        .invalid();
    assert!(run.stderr.contains("bad-applicability"), "{}", run.stderr);
    assert!(
        run.stderr.contains("stacks/zone-a/waivers.vgo:2:3"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty());
}

#[test]
fn every_mistake_in_records_and_decisions_is_reported_in_one_run() {
    let r = three_envoy_fleet();
    r.file("evidence/files/policy.md", POLICY);
    r.file(
        "evidence/records.yaml",
        "evidence:\n  - id: dup\n    title: \"A\"\n    controls: [\"tf:T99\"]\n    kind: file\n    path: evidence/files/policy.md\n    collected: 2026-01-10\n    expires: 2027-01-10\n    owner: \"o\"\n    status: pending_review\n  - id: dup\n    title: \"B\"\n    controls: [\"tf:T4\"]\n    kind: file\n    path: ../outside.md\n    collected: 2026-01-10\n    expires: 2025-01-10\n    owner: \"o\"\n    status: accepted\n    reviewed_by: \"r\"\n    reviewed_at: 2026-13-01\n  - id: Bad_Id\n    title: \"C\"\n    controls: [\"tf:T4\"]\n    kind: url\n    url: \"ftp://x\"\n    collected: 2026-01-10\n    expires: 2027-01-10\n    owner: \"o\"\n    status: accepted\n    colour: blue\n",
    );
    r.file(
        "stacks/waivers.vgo",
        "not_applicable:\n  - controls: [\"tf:T5\"]\n    rationale: \"x\"\n",
    );
    let run = r
        .run(&["compliance", "report", "tf", "--format", "json"])
        .invalid();
    let e = &run.stderr;
    for needle in [
        "unknown-control",
        "T99",
        "evidence/records.yaml:4:",
        "duplicate-evidence",
        "evidence/records.yaml:11:",
        "../outside.md",
        "before it was collected",
        "an accepted file record has no `sha256:`",
        "2026-13-01",
        "Bad_Id",
        "ftp://x",
        "has no `reviewed_by:`",
        "colour",
        "stacks/waivers.vgo:2:",
        "approved_by",
    ] {
        assert!(e.contains(needle), "missing `{needle}` in:\n{e}");
    }
    assert!(run.stdout.is_empty());
}

#[test]
fn declared_mode_applies_every_accepted_record() {
    // No inventory: declared mode, filters unused.
    let r = tf_repo();
    r.file("stacks/configcrates/base.vgo", "compliance:\n  tf: [T1]\n")
        .file("evidence/files/policy.md", POLICY)
        .file(
            "evidence/records.yaml",
            &format!(
                "evidence:\n{}",
                file_record(
                    "policy",
                    "[\"tf:T4\"]",
                    &accepted("2027-06-01"),
                    "    envoys: [\"db-*\"]\n"
                )
            ),
        );
    let rep = r.report("tf", &[]);
    assert_eq!(rep["mode"], "declared");
    assert_eq!(status(&rep, "T4"), "attested");
    assert_eq!(rep["summary"]["assured_pct"], 33.33);
}

#[test]
fn records_that_name_no_control_of_the_framework_change_nothing_there() {
    let r = three_envoy_fleet();
    r.file("frameworks/nf.yaml", NF)
        .file("evidence/files/policy.md", POLICY)
        .file(
            "evidence/records.yaml",
            &format!(
                "evidence:\n{}",
                file_record("policy", "[\"nf:N1\"]", &accepted("2027-06-01"), "")
            ),
        );
    let rep = r.report("tf", &[]);
    assert_eq!(
        rep["evidence"],
        json!([]),
        "the tf report lists only records naming tf"
    );
    assert_eq!(rep["summary"]["attested"], 0);
    assert_eq!(status(&r.report("nf", &[]), "N1"), "attested");
}

/// Removes the fields that evidence and applicability added (and the category roll-up that
/// came later), so a report of a repository without either compares with the report main
/// wrote before they existed.
fn strip_new_fields(mut rep: Value) -> Value {
    let obj = rep.as_object_mut().unwrap();
    obj.remove("categories");
    obj.remove("evidence");
    obj.remove("not_applicable");
    let s = obj["summary"].as_object_mut().unwrap();
    for k in ["attested", "not_applicable", "assured_pct"] {
        s.remove(k);
    }
    let f = s["formulas"].as_object_mut().unwrap();
    f.remove("assured_pct");
    f.remove("not_applicable");
    for c in obj["controls"].as_array_mut().unwrap() {
        let c = c.as_object_mut().unwrap();
        c.remove("envoys_attested");
        c.remove("evidence");
    }
    for e in obj["envoys"].as_array_mut().unwrap() {
        let e = e.as_object_mut().unwrap();
        for k in ["covered_pct", "assured_pct", "attested"] {
            e.remove(k);
        }
    }
    rep
}

#[test]
fn a_repository_without_evidence_reports_what_it_reported_before() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pre-evidence");
    for fw in ["hipaa", "pci-dss", "soc2"] {
        let now = run_clinic(&["compliance", "report", fw, "--format", "json"])
            .ok()
            .json();
        // The new fields hold what the old numbers imply: nothing attested, nothing removed.
        assert_eq!(now["summary"]["attested"], 0);
        assert_eq!(now["summary"]["not_applicable"], 0);
        assert_eq!(now["summary"]["assured_pct"], now["summary"]["covered_pct"]);
        for e in now["envoys"].as_array().unwrap() {
            assert_eq!(e["attested"], 0);
            assert_eq!(e["assured_pct"], e["covered_pct"]);
        }
        let before: Value = serde_json::from_str(
            &std::fs::read_to_string(dir.join(format!("clinic-{fw}.json"))).unwrap(),
        )
        .unwrap();
        assert_eq!(strip_new_fields(now), before, "{fw}");
    }
}

#[test]
fn a_decision_approved_after_as_of_does_not_count_yet() {
    let r = three_envoy_fleet();
    r.file(
        "stacks/waivers.vgo",
        "not_applicable:\n  - controls: [\"tf:T5\"]\n    rationale: r\n    owner: o\n    approved_by: a\n    approved_at: 2026-12-01\n    review_by: 2027-12-01\n",
    );
    let rep = r.report("tf", &[]);
    assert_eq!(rep["summary"]["not_applicable"], 0);
    assert_eq!(status(&rep, "T5"), "uncovered");
}

#[test]
fn the_example_tells_its_story_and_the_first_command_says_so() {
    let example = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/healthcare-saas");
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("hipaa.json");
    let args: Vec<String> = [
        "--repo",
        &example.display().to_string(),
        "--as-of",
        AS_OF,
        "compliance",
        "report",
        "hipaa",
        "--format",
        "json",
        "--output",
        &file.display().to_string(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let run = run_raw(&args, out.path()).ok();
    assert!(
        run.stderr.contains(
            "hipaa: covered 21.31 % · assured 54.10 % · coverage 78.69 % of 61 controls (7 not applicable)"
        ),
        "{}",
        run.stderr
    );
    let rep: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let states: Vec<(String, String)> = rep["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["id"].as_str().unwrap().into(),
                e["state"].as_str().unwrap().into(),
            )
        })
        .collect();
    let want = [
        ("security-policies-2026", "attesting"),
        ("workforce-training-2025", "expired"),
        ("workforce-training-2026", "attesting"),
        ("baa-register-2026-q3", "attesting"),
        ("contingency-plan-2026", "attesting"),
        ("incident-response-tabletop-2026", "changed"),
        ("risk-assessment-2026", "pending-review"),
    ];
    assert_eq!(
        states,
        want.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect::<Vec<_>>()
    );
    assert_eq!(status(&rep, "164.308(a)(5)(i)"), "attested");
    assert_eq!(status(&rep, "164.308(a)(6)(i)"), "uncovered");
    assert_eq!(rep["not_applicable"].as_array().map(Vec::len), Some(7));
}

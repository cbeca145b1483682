//! SPEC §4: coverage semantics and numbers.

use crate::common::*;
use serde_json::json;

#[test]
fn per_control_status_and_numbers() {
    let r = three_envoy_fleet();
    r.file(
        "stacks/waivers.vgo",
        "waivers:\n  - control: \"tf:T4\"\n    rationale: \"physical\"\n    expires: \"2027-06-01\"\n    owner: \"sec@example.com\"\n",
    )
    .file(
        "stacks/zone-a/waivers.vgo",
        "waivers:\n  - controls: [\"tf:T2\", \"testfw:T3\"]\n    rationale: \"zone a only\"\n    expires: \"2027-06-01\"\n    owner: \"a@example.com\"\n",
    );
    let rep = r.report("tf", &[]);
    // T1 all covered; T2/T3 covered on b-1, waived on a-*: waived; T4 waived everywhere; T5, T6 uncovered.
    assert_eq!(status(&rep, "T1"), "covered");
    assert_eq!(status(&rep, "T2"), "waived");
    assert_eq!(status(&rep, "T4"), "waived");
    assert_eq!(status(&rep, "T5"), "uncovered");
    let t2 = control(&rep, "T2");
    assert_eq!(
        (
            t2["envoys_covered"].clone(),
            t2["envoys_waived"].clone(),
            t2["envoys_uncovered"].clone()
        ),
        (json!(1), json!(2), json!(0))
    );
    assert_eq!(t2["waivers"], json!(["stacks/zone-a/waivers.vgo:2"]));
    assert_eq!(t2["configcrates"], json!(["extra"]));
    let s = &rep["summary"];
    assert_eq!(
        s["controls_total"], 6,
        "headings and withdrawn controls do not count"
    );
    assert_eq!(
        (
            s["covered"].clone(),
            s["waived"].clone(),
            s["partial"].clone(),
            s["uncovered"].clone()
        ),
        (json!(1), json!(3), json!(0), json!(2))
    );
    assert_eq!(s["coverage_pct"], 66.67);
    assert_eq!(s["covered_pct"], 16.67);
    // per envoy: a-1, a-2: T1 + waived T2,T3,T4 = 4/6; b-1: T1,T2,T3 + waived T4 = 4/6.
    assert_eq!(envoy(&rep, "a-1")["coverage_pct"], 66.67);
    assert_eq!(s["envoy_mean_pct"], 66.67);
    assert_eq!(
        s["weakest_envoy"],
        json!({"hostname": "a-1", "coverage_pct": 66.67}),
        "ties go to the smallest hostname"
    );
    assert!(
        s["formulas"]["coverage_pct"]
            .as_str()
            .unwrap()
            .contains("100 × (1 + 3) / 6")
    );
    // last_converged: oldest among envoys that cover the control.
    assert_eq!(
        control(&rep, "T1")["last_converged"],
        "2026-11-20T08:00:00Z"
    );
    assert_eq!(
        control(&rep, "T2")["last_converged"],
        "2026-11-22T08:00:00Z"
    );
    assert_eq!(
        control(&rep, "T5")["last_converged"],
        serde_json::Value::Null
    );
    assert_eq!(
        control(&rep, "T5")["uncovered_envoys"],
        json!(["a-1", "a-2", "b-1"])
    );
    assert!(codes(&rep).contains(&"envoy-not-converged".to_string()));
}

#[test]
fn partial_when_some_envoys_lack_a_control() {
    let r = three_envoy_fleet();
    let rep = r.report("tf", &[]);
    assert_eq!(status(&rep, "T2"), "partial");
    assert_eq!(
        control(&rep, "T2")["uncovered_envoys"],
        json!(["a-1", "a-2"])
    );
    assert_eq!(rep["summary"]["partial"], 2);
    assert_eq!(rep["summary"]["weakest_envoy"]["hostname"], "a-1");
    assert_eq!(envoy(&rep, "b-1")["coverage_pct"], 50.0);
}

#[test]
fn scope_from_config_and_flag() {
    let r = three_envoy_fleet();
    r.file(
        "vigocli.toml",
        "[frameworks.testfw]\nscope = { phi = true }\n",
    );
    let rep = r.report("tf", &[]);
    assert_eq!(rep["scope"], json!({"phi": "true"}));
    assert_eq!(rep["summary"]["envoys_in_scope"], 2);
    assert_eq!(status(&rep, "T2"), "uncovered", "b-1 is out of scope");
    let rep = r.report("tf", &["--scope", "phi=false"]);
    assert_eq!(rep["summary"]["envoys_in_scope"], 1);
    assert_eq!(status(&rep, "T2"), "covered");
    let rep = r.report("tf", &["--scope", "phi=maybe"]);
    assert_eq!(rep["summary"]["envoys_in_scope"], 0);
    assert_eq!(
        rep["summary"]["uncovered"], 6,
        "no envoy in scope: every control uncovered"
    );
    assert_eq!(rep["summary"]["envoy_mean_pct"], serde_json::Value::Null);
    assert!(codes(&rep).contains(&"no-envoys-in-scope".to_string()));
}

#[test]
fn waiver_filters_expiry_and_directory_scope() {
    let r = three_envoy_fleet();
    r.file(
        "stacks/waivers.vgo",
        r#"waivers:
  - control: "tf:T5"
    rationale: "only a-2, by glob"
    expires: "2026-12-10"
    owner: "o"
    envoys: "A-2"
  - control: "tf:T6"
    rationale: "label filter"
    expires: "2027-12-10"
    owner: "o"
    labels: { phi: false }
  - control: "tf:T4"
    rationale: "expired yesterday"
    expires: "2026-11-21"
    owner: "o"
  - control: "tf:T4"
    rationale: "expires today: still active"
    expires: "2026-11-22"
    owner: "o"
    envoys: "b-*"
"#,
    )
    .file("stacks/zone-b/waivers.vgo", "waivers:\n  - control: \"tf:T3\"\n    rationale: \"zone b scope cannot reach a-*\"\n    expires: \"2027-01-01\"\n    owner: o\n    envoys: \"a-*\"\n");
    let rep = r.report("tf", &[]);
    assert_eq!(control(&rep, "T5")["envoys_waived"], 1);
    assert_eq!(control(&rep, "T6")["envoys_waived"], 1);
    assert_eq!(
        control(&rep, "T6")["uncovered_envoys"],
        json!(["a-1", "a-2"])
    );
    assert_eq!(
        control(&rep, "T4")["envoys_waived"],
        1,
        "the expired waiver applies to nothing"
    );
    let w = &rep["waivers"];
    assert_eq!(w["expired"].as_array().unwrap().len(), 1);
    assert_eq!(w["expired"][0]["rationale"], "expired yesterday");
    let expiring: Vec<_> = w["expiring"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["days_left"].clone())
        .collect();
    assert_eq!(expiring, [json!(18), json!(0)]);
    assert_eq!(
        w["active"].as_array().unwrap().len(),
        4,
        "active includes expiring, not expired"
    );
    let c = codes(&rep);
    assert!(c.contains(&"expired-waiver".to_string()));
    assert!(
        c.contains(&"unused-waiver".to_string()),
        "the zone-b waiver for a-* matches nothing: {c:?}"
    );
}

#[test]
fn connwaer_results_escalate_contradict_and_go_stale() {
    let r = three_envoy_fleet();
    r.file("traits/a-1/cap-a.json", r#"{"envoy": "a-1", "capability": "cap-a", "status": "pass", "checked_at": "2026-11-22T01:00:00Z"}"#)
        .file("traits/a-2/cap-a.json", r#"{"status": "pass", "checked_at": "2026-11-21T11:59:59Z"}"#)
        .file(
            "traits/run.jsonl",
            concat!(
                "{\"envoy\": \"b-1\", \"capability\": \"cap-b\", \"status\": \"fail\", \"checked_at\": \"2026-11-22T02:00:00Z\"}\n",
                "{\"envoy\": \"a-2\", \"capability\": \"cap-b\", \"status\": \"pass\", \"checked_at\": \"2026-11-22T13:00:00Z\"}\n",
                "{\"envoy\": \"a-2\", \"capability\": \"cap-b\", \"status\": \"pass\"}\n",
                "{\"envoy\": \"ghost\", \"capability\": \"cap-b\", \"status\": \"pass\", \"checked_at\": \"2026-11-22T02:00:00Z\"}\n",
                "{\"envoy\": \"a-1\", \"capability\": \"cap-b\", \"status\": \"pass\", \"checked_at\": \"2026-11-22T02:00:00Z\"}\n",
                "{\"envoy\": \"a-1\", \"capability\": \"cap-b\", \"status\": \"fail\", \"checked_at\": \"2026-11-22T03:00:00Z\"}\n",
            ),
        );
    let rep = r.report("tf", &[]);
    // a-1: fresh cap-a pass → T1, T2; its later cap-b fail wins over the earlier pass.
    assert_eq!(
        control(&rep, "T2")["envoys_covered"],
        2,
        "a-1 by Connwaer, b-1 by configcrate"
    );
    assert_eq!(control(&rep, "T2")["connwaer"], json!(["cap-a"]));
    assert_eq!(
        control(&rep, "T2")["capabilities"],
        json!([]),
        "no configcrate provides cap-a"
    );
    assert_eq!(control(&rep, "T2")["envoys_connwaer_only"], 1);
    let contradicted = rep["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "contradicted-claim")
        .unwrap();
    assert_eq!(
        contradicted["location"],
        json!({"file": "traits/run.jsonl", "line": 1, "col": 1})
    );
    // a-2's cap-a result is 24 h + 1 s old: stale; its future and undated ones are ignored.
    assert_eq!(
        control(&rep, "T3")["envoys_covered"],
        1,
        "only b-1's configcrate; fail does not remove it"
    );
    assert_eq!(control(&rep, "T3")["envoys_contradicted"], 1);
    let c = codes(&rep);
    for code in [
        "stale-trait",
        "future-trait",
        "unknown-trait-envoy",
        "contradicted-claim",
    ] {
        assert!(c.contains(&code.to_string()), "{code} missing from {c:?}");
    }
    let stale = c.iter().filter(|x| *x == "stale-trait").count();
    assert_eq!(stale, 2);
}

#[test]
fn profiles_count_claims_and_waivers_on_their_base() {
    let r = Repo::new();
    r.file("stacks/configcrates/a.vgo", "compliance:\n  nist-800-53: [AC-2, SC-8(1)]\n  nist-800-53-low: [AU-2]\n")
        .file("stacks/waivers.vgo", "waivers:\n  - control: \"nist:PE-3\"\n    rationale: \"hosted\"\n    expires: \"2027-01-01\"\n    owner: o\n");
    let low = r.report("nist-800-53-low", &[]);
    assert_eq!(low["framework"]["based_on"], "nist-800-53");
    assert_eq!(low["summary"]["controls_total"], 149);
    assert_eq!(status(&low, "AC-2"), "covered");
    assert_eq!(status(&low, "AU-2"), "covered");
    assert_eq!(status(&low, "PE-3"), "waived");
    assert!(
        low["controls"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["id"] != "SC-8(1)"),
        "SC-8(1) is not in the Low baseline"
    );
    let full = r.report("nist-800-53", &[]);
    assert_eq!(full["summary"]["covered"], 3);
    assert_eq!(full["summary"]["controls_total"], 1009);
}

//! `compliance check`, `waivers` and `diff`: every gate and warning with its exit code and
//! the control IDs it prints; SARIF validated against the SARIF 2.1.0 schema.

use crate::common::{Repo, Run, tf_repo};
use serde_json::Value;

/// Two envoys: web-01 has configcrates a and b, db-01 only a. With the waivers:
/// T1, T2 covered; T3 partial (only web-01); T4, T5 waived (T5 expiring in 9 days);
/// T6 uncovered (its waiver, when present, expired). coverage 4/6, covered 2/6.
fn fleet(expired_waiver: bool) -> Repo {
    let r = tf_repo();
    r.file(
        "stacks/configcrates/a.vgo",
        "name: a\ncompliance:\n  tf: [T1, T2]\n",
    )
    .file("stacks/configcrates/b.vgo", "name: b\ncompliance:\n  tf: [T3]\n")
    .file(
        "stacks/envoys.vgo",
        "envoys:\n  - match: \"web-*\"\n    configcrates: [a, b]\n  - match: \"db-*\"\n    configcrates: [a]\n",
    )
    .file(
        "inventory/envoys.json",
        r#"{"envoys": [{"hostname": "web-01.example.com"}, {"hostname": "db-01.example.com"}]}"#,
    );
    let mut waivers = String::from(
        "waivers:\n  - control: \"tf:T4\"\n    rationale: \"compensating control\"\n    expires: \"2027-06-01\"\n    owner: \"sec@example.com\"\n  - control: \"tf:T5\"\n    rationale: \"vendor fix pending\"\n    expires: \"2026-12-01\"\n    owner: \"ops@example.com\"\n",
    );
    if expired_waiver {
        waivers.push_str("  - control: \"tf:T6\"\n    rationale: \"old\"\n    expires: \"2026-01-01\"\n    owner: \"old@example.com\"\n");
    }
    r.file("stacks/waivers.vgo", &waivers);
    r
}

fn check(r: &Repo, args: &[&str]) -> Run {
    let mut all = vec!["compliance", "check"];
    all.extend_from_slice(args);
    r.run(&all)
}

#[track_caller]
fn assert_code(run: &Run, code: i32) {
    assert_eq!(
        run.code, code,
        "exit code\nstdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
}

fn problems<'a>(json: &'a Value, code: &str) -> Vec<&'a Value> {
    json["problems"]
        .as_array()
        .map(|p| p.iter().filter(|p| p["code"] == code).collect())
        .unwrap_or_default()
}

fn control_ids(problem: &Value) -> Vec<String> {
    problem["controls"]
        .as_array()
        .map(|c| {
            c.iter()
                .map(|c| c["id"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn passes_with_no_gate_and_no_expired_waiver() {
    let r = fleet(false);
    let run = check(&r, &[]);
    assert_code(&run, 0);
    assert!(run.stdout.contains("check passed"), "{}", run.stdout);
    // The expiring waiver is a warning, not a failure.
    assert!(run.stdout.contains("warning[expiring-waiver]"));
    assert!(
        run.stdout
            .contains("tf:T5 expires on 2026-12-01 (9 day(s) left)")
    );
}

#[test]
fn min_coverage_flag_fails_and_prints_every_failing_control() {
    let r = fleet(false);
    let run = check(&r, &["--framework", "tf", "--min-coverage", "70"]);
    assert_code(&run, 1);
    assert!(
        run.stdout.contains(
            "error[coverage-below-minimum]: tf: coverage 66.67 % is below the minimum 70.00 %"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("T3 (partial), T6 (uncovered)"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("check failed: 1 gate failure(s)"));
    // At or below the actual coverage, the gate passes.
    assert_code(
        &check(&r, &["--framework", "tf", "--min-coverage", "66.5"]),
        0,
    );
}

#[test]
fn config_thresholds_gate_without_flags() {
    let r = fleet(false);
    r.file(
        "vigocli.toml",
        "[frameworks.tf]\nmin_covered = 50\nmust_cover = [\"T1\", \"t3\"]\nmax_partial = 0\n",
    );
    let run = check(&r, &["--format", "json"]);
    assert_code(&run, 1);
    let j = run.json();
    assert_eq!(j["schema"], "vigocli/check-result/v1");
    assert_eq!(j["result"], "failed");
    assert_eq!(j["exit_code"], 1);
    let covered = problems(&j, "covered-below-minimum");
    assert_eq!(covered.len(), 1);
    assert_eq!(control_ids(covered[0]), ["T3", "T4", "T5", "T6"]);
    assert_eq!(covered[0]["location"]["file"], "vigocli.toml");
    assert_eq!(covered[0]["location"]["line"], 1);
    let must = problems(&j, "must-cover-not-covered");
    assert_eq!(must.len(), 1);
    // Canonical spelling, and T1 (covered) is not listed.
    assert_eq!(control_ids(must[0]), ["T3"]);
    assert_eq!(must[0]["controls"][0]["status"], "partial");
    let partial = problems(&j, "too-many-partial");
    assert_eq!(control_ids(partial[0]), ["T3"]);
    assert_eq!(j["frameworks"][0]["id"], "tf");
    assert_eq!(j["frameworks"][0]["passed"], false);

    // Human output names the same controls.
    let run = check(&r, &[]);
    assert_code(&run, 1);
    assert!(
        run.stdout
            .contains("error[must-cover-not-covered]: tf: 1 must-cover control(s) not covered: T3")
    );
    assert!(run.stdout.contains(
        "error[too-many-partial]: tf: 1 controls are partial, more than max_partial = 0"
    ));
    assert!(
        run.stdout.contains("--> vigocli.toml:1:2"),
        "{}",
        run.stdout
    );
}

#[test]
fn config_gates_that_hold_pass() {
    let r = fleet(false);
    r.file(
        "vigocli.toml",
        "[frameworks.tf]\nmin_coverage = 60\nmin_covered = 30\nmust_cover = [\"T1\"]\nmax_partial = 1\n",
    );
    let run = check(&r, &["--format", "json"]);
    assert_code(&run, 0);
    let j = run.json();
    assert_eq!(j["frameworks"][0]["passed"], true);
    assert!(problems(&j, "coverage-below-minimum").is_empty());
    // --min-coverage overrides the table's min_coverage.
    assert_code(&check(&r, &["--min-coverage", "90"]), 1);
}

#[test]
fn expired_waiver_fails_with_its_position() {
    let r = fleet(true);
    let run = check(&r, &[]);
    assert_code(&run, 1);
    assert!(
        run.stdout
            .contains("error[expired-waiver]: waiver for tf:T6 expired on 2026-01-01"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("--> stacks/waivers.vgo:10:5"),
        "{}",
        run.stdout
    );
}

#[test]
fn baseline_regressions_fail_worst_first() {
    let r = fleet(false);
    let mut base = r.report("tf", &[]);
    for c in base["controls"].as_array_mut().unwrap() {
        match c["id"].as_str().unwrap() {
            "T3" => c["status"] = "covered".into(),
            "T6" => c["status"] = "waived".into(),
            _ => {}
        }
    }
    r.file("old.json", &serde_json::to_string(&base).unwrap());
    let old = r.path().join("old.json").display().to_string();
    let run = check(&r, &["--baseline", &old, "--format", "json"]);
    assert_code(&run, 1);
    let j = run.json();
    let reg = problems(&j, "control-regressed");
    assert_eq!(reg.len(), 1);
    assert_eq!(control_ids(reg[0]), ["T3", "T6"]);
    assert_eq!(reg[0]["controls"][0]["baseline_status"], "covered");
    assert_eq!(reg[0]["controls"][0]["status"], "partial");
    assert_eq!(reg[0]["controls"][0]["severity"], "high");
    assert_eq!(reg[0]["controls"][1]["baseline_status"], "waived");
    assert_eq!(reg[0]["controls"][1]["severity"], "high");
    let human = check(&r, &["--baseline", &old]);
    assert_code(&human, 1);
    assert!(
        human
            .stdout
            .contains("T3 (covered → partial), T6 (waived → uncovered)"),
        "{}",
        human.stdout
    );

    // A baseline equal to the current state passes; an improvement is no regression.
    let same = r.report("tf", &[]);
    r.file("same.json", &serde_json::to_string(&same).unwrap());
    let same = r.path().join("same.json").display().to_string();
    assert_code(&check(&r, &["--baseline", &same]), 0);
}

#[test]
fn bad_baseline_and_bad_flags_are_invalid_input() {
    let r = fleet(false);
    r.file("bad.json", "{\"schema\": \"something/else\"\n");
    let bad = r.path().join("bad.json").display().to_string();
    let run = check(&r, &["--baseline", &bad]);
    assert_code(&run, 2);
    assert!(run.stdout.contains("error[bad-report]"), "{}", run.stdout);
    assert!(run.stdout.contains("bad.json:2:"), "{}", run.stdout);
    let run = check(&r, &["--min-coverage", "50"]);
    assert_code(&run, 2);
    assert!(
        run.stdout
            .contains("--min-coverage has no framework to gate")
    );
    assert_code(
        &check(&r, &["--framework", "tf", "--min-coverage", "101"]),
        2,
    );
    let run = check(&r, &["--framework", "nope"]);
    assert_code(&run, 2);
    assert!(run.stdout.contains("error[unknown-framework]"));
}

#[test]
fn warnings_do_not_fail_and_are_all_listed() {
    let r = fleet(false);
    r.file(
        "stacks/configcrates/c.vgo",
        "name: c\ncompliance:\n  tf: [T6]\n",
    )
    .file(
        "stacks/extra-waivers/waivers.vgo",
        "waivers:\n  - control: \"tf:T6\"\n    rationale: \"nobody\"\n    expires: \"2027-06-01\"\n    owner: \"x@example.com\"\n    envoys: \"nomatch-*\"\n",
    )
    .file(
        "traits/web-01.example.com/cap-a.json",
        r#"{"envoy": "web-01.example.com", "capability": "cap-a", "status": "fail", "checked_at": "2026-11-22T10:00:00Z"}"#,
    )
    .file(
        "traits/db-01.example.com/cap-b.json",
        r#"{"envoy": "db-01.example.com", "capability": "cap-b", "status": "pass", "checked_at": "2026-11-20T10:00:00Z"}"#,
    );
    let run = check(&r, &["--format", "json"]);
    assert_code(&run, 0);
    let j = run.json();
    assert_eq!(j["result"], "passed");
    for code in [
        "expiring-waiver",
        "unused-waiver",
        "unassigned-configcrate",
        "stale-trait",
        "contradicted-claim",
    ] {
        let p = problems(&j, code);
        assert!(!p.is_empty(), "no {code} in {j:#}");
        assert_eq!(p[0]["severity"], "warning", "{code}");
    }
    let message = |code: &str| {
        problems(&j, code)[0]["message"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(
        message("unused-waiver"),
        "waiver for tf:T6 applies to no envoy"
    );
    assert!(message("expiring-waiver").starts_with("waiver for tf:T5 expires on 2026-12-01"));
    assert!(message("stale-trait").contains("`cap-b` for `db-01.example.com`"));
    assert_eq!(
        message("unassigned-configcrate"),
        "configcrate `c` carries control tags but no envoy has it"
    );
    assert_eq!(
        problems(&j, "unused-waiver")[0]["location"]["file"],
        "stacks/extra-waivers/waivers.vgo"
    );
    let contradicted = problems(&j, "contradicted-claim");
    assert_eq!(control_ids(contradicted[0]), ["tf:T1", "tf:T2"]);
    assert_eq!(
        contradicted[0]["location"]["file"],
        "traits/web-01.example.com/cap-a.json"
    );
    assert_eq!(
        problems(&j, "unassigned-configcrate")[0]["location"]["file"],
        "stacks/configcrates/c.vgo"
    );
    // The notification window is configurable.
    let run = check(&r, &["--format", "json", "--expiring-days", "5"]);
    assert!(problems(&run.json(), "expiring-waiver").is_empty());
    r.file("vigocli.toml", "[waivers]\nexpiring_days = 5\n");
    let run = check(&r, &["--format", "json"]);
    assert!(problems(&run.json(), "expiring-waiver").is_empty());
}

#[test]
fn input_errors_exit_2_in_every_format() {
    let r = fleet(false);
    r.file(
        "stacks/configcrates/bad.vgo",
        "name: bad\ncompliance:\n  tf: [T1, T77]\n",
    );
    let run = check(&r, &[]);
    assert_code(&run, 2);
    assert!(
        run.stdout.contains("error[unknown-control]"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("--> stacks/configcrates/bad.vgo:3:12"),
        "{}",
        run.stdout
    );
    let j = check(&r, &["--format", "json"]);
    assert_code(&j, 2);
    assert_eq!(j.json()["result"], "invalid");
    let gh = check(&r, &["--format", "github"]);
    assert_code(&gh, 2);
    assert!(
        gh.stdout.contains(
            "::error file=stacks/configcrates/bad.vgo,line=3,col=12,title=vigocli unknown-control::"
        ),
        "{}",
        gh.stdout
    );
}

#[test]
fn files_mode_validates_only_the_given_files() {
    let r = fleet(true); // an expired waiver elsewhere must not fail a pre-commit run
    r.file(
        "stacks/configcrates/bad.vgo",
        "name: bad\ncompliance:\n  tf: [T1, T77]\n  nope: [X]\nprovides: [cap-z]\n",
    )
    .file(
        "stacks/configcrates/good.vgo",
        "compliance:\n  tf: [T2]\nbundle: tf/basic\n",
    )
    .file("notes.txt", "not an input");
    let run = r.run_in(&[
        "compliance",
        "check",
        "stacks/configcrates/good.vgo",
        "notes.txt",
    ]);
    assert_code(&run, 0);
    assert!(run.stdout.contains("1 file(s)"), "{}", run.stdout);
    let run = r.run_in(&[
        "compliance",
        "check",
        "stacks/configcrates/good.vgo",
        "stacks/configcrates/bad.vgo",
    ]);
    assert_code(&run, 2);
    for needle in [
        "error[unknown-control]",
        "--> stacks/configcrates/bad.vgo:3:12",
        "error[unknown-framework]",
        "--> stacks/configcrates/bad.vgo:4:3",
        "error[unknown-capability]",
        "--> stacks/configcrates/bad.vgo:5:12",
    ] {
        assert!(run.stdout.contains(needle), "{needle}\n{}", run.stdout);
    }
    // A waivers file: its expired waiver is a warning here, a failure in the full check.
    let run = r.run_in(&["compliance", "check", "stacks/waivers.vgo"]);
    assert_code(&run, 0);
    assert!(
        run.stdout.contains("warning[expired-waiver]"),
        "{}",
        run.stdout
    );
    // An envoy-tree file references configcrates: the tree is loaded, only its errors kept.
    r.file(
        "stacks/envoys.vgo",
        "envoys:\n  - match: \"web-*\"\n    configcrates: [a, bb]\n",
    );
    let run = r.run_in(&[
        "compliance",
        "check",
        "--format",
        "json",
        "stacks/envoys.vgo",
    ]);
    assert_code(&run, 2);
    let j = run.json();
    assert_eq!(j["mode"], "files");
    let codes: Vec<&str> = j["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["unknown-configcrate"], "{j:#}");
    assert_eq!(j["problems"][0]["location"]["line"], 3);
}

#[test]
fn sarif_output_is_valid_sarif_2_1_0() {
    let mut schema: Value = serde_json::from_str(
        &std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/schemas/sarif-schema-2.1.0.json"),
        )
        .unwrap(),
    )
    .unwrap();
    // SARIF 2.1.0 errata 01 fixed this pattern (an unbalanced `]`) in the published schema;
    // apply the same fix so that the regex compiles (tests/schemas/README.md).
    fn errata(v: &mut Value, fixed: &mut usize) {
        match v {
            Value::Object(m) => {
                for (k, v) in m.iter_mut() {
                    if k == "pattern" && v == "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$" {
                        *v = "^[a-zA-Z]{2}(-[a-zA-Z]{2})?$".into();
                        *fixed += 1;
                    } else {
                        errata(v, fixed);
                    }
                }
            }
            Value::Array(a) => a.iter_mut().for_each(|v| errata(v, fixed)),
            _ => {}
        }
    }
    let mut fixed = 0;
    errata(&mut schema, &mut fixed);
    assert_eq!(fixed, 2, "the schema's language patterns");
    let validator = jsonschema::validator_for(&schema).unwrap();
    let r = fleet(true);
    r.file(
        "vigocli.toml",
        "[frameworks.tf]\nmin_coverage = 90\nmust_cover = [\"T3\"]\n",
    );
    let out = r.path().join("check.sarif");
    let run = check(
        &r,
        &["--format", "sarif", "--output", out.to_str().unwrap()],
    );
    assert_code(&run, 1);
    let sarif: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}\n{sarif:#}");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let rule_ids: Vec<&str> = results
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    assert!(rule_ids.contains(&"coverage-below-minimum"));
    assert!(rule_ids.contains(&"must-cover-not-covered"));
    assert!(rule_ids.contains(&"expired-waiver"));
    let expired = results
        .iter()
        .find(|r| r["ruleId"] == "expired-waiver")
        .unwrap();
    assert_eq!(expired["level"], "error");
    assert_eq!(
        expired["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "stacks/waivers.vgo"
    );
    assert_eq!(
        expired["locations"][0]["physicalLocation"]["region"]["startLine"],
        10
    );
    // Input errors are SARIF too.
    r.file("stacks/configcrates/bad.vgo", "compliance:\n  tf: [T77]\n");
    let run = check(&r, &["--format", "sarif"]);
    assert_code(&run, 2);
    let sarif = run.json();
    assert!(validator.is_valid(&sarif), "{sarif:#}");
    assert_eq!(sarif["runs"][0]["results"][0]["ruleId"], "unknown-control");
    assert_eq!(sarif["runs"][0]["invocations"][0]["exitCode"], 2);
}

#[test]
fn github_annotations_name_file_and_line() {
    let r = fleet(true);
    let run = check(
        &r,
        &[
            "--format",
            "github",
            "--framework",
            "tf",
            "--min-coverage",
            "90",
        ],
    );
    assert_code(&run, 1);
    assert!(run.stdout.contains("::error file=stacks/waivers.vgo,line=10,col=5,title=vigocli expired-waiver::waiver for tf:T6 expired on 2026-01-01"), "{}", run.stdout);
    assert!(run.stdout.contains("::error title=vigocli coverage-below-minimum::tf: coverage 66.67 %25 is below the minimum 90.00 %25%0Acontrols: T3 (partial), T6 (uncovered)"), "{}", run.stdout);
    assert!(run.stdout.contains(
        "::warning file=stacks/waivers.vgo,line=6,col=5,title=vigocli expiring-waiver::"
    ));
}

#[test]
fn waivers_lists_states_owners_and_days_left() {
    let r = fleet(true);
    let run = r.run(&["compliance", "waivers"]);
    assert_code(&run, 0);
    for needle in [
        "expired",
        "2026-01-01",
        "old@example.com",
        "expiring",
        "ops@example.com",
        "active",
        "sec@example.com",
        "191",
    ] {
        assert!(run.stdout.contains(needle), "{needle}\n{}", run.stdout);
    }
    let run = r.run(&[
        "compliance",
        "waivers",
        "--format",
        "json",
        "--expiring",
        "30",
    ]);
    assert_code(&run, 1);
    let j = run.json();
    let states: Vec<(&str, i64)> = j["waivers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["state"].as_str().unwrap(),
                w["days_left"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(states, [("expired", -325), ("expiring", 9)]);
    let fine = fleet(false);
    let run = fine.run(&["compliance", "waivers", "--expiring", "5"]);
    assert_code(&run, 0);
    assert!(run.stdout.contains("0 expired"), "{}", run.stdout);
}

#[test]
fn diff_lists_regressions_first_and_can_fail() {
    // OLD: both envoys have a and b, and T6 is waived; NEW: the fleet above.
    let old = fleet(false);
    old.file(
        "stacks/envoys.vgo",
        "envoys:\n  - match: \"web-*\"\n    configcrates: [a, b]\n  - match: \"db-*\"\n    configcrates: [a, b]\n",
    );
    let mut w = std::fs::read_to_string(old.path().join("stacks/waivers.vgo")).unwrap();
    w.push_str("  - control: \"tf:T6\"\n    rationale: \"r\"\n    expires: \"2027-01-01\"\n    owner: \"o@example.com\"\n");
    old.file("stacks/waivers.vgo", &w);
    let new = fleet(false);
    new.file("stacks/configcrates/d.vgo", "compliance:\n  tf: [T4]\n")
        .file(
            "stacks/envoys.vgo",
            "envoys:\n  - match: \"web-*\"\n    configcrates: [a, b, d]\n  - match: \"db-*\"\n    configcrates: [a, d]\n",
        );
    let o = old.path().join("old.json");
    let n = new.path().join("new.json");
    old.run(&[
        "compliance",
        "report",
        "tf",
        "--format",
        "json",
        "-o",
        o.to_str().unwrap(),
    ])
    .ok();
    new.run(&[
        "compliance",
        "report",
        "tf",
        "--format",
        "json",
        "-o",
        n.to_str().unwrap(),
    ])
    .ok();
    let (o, n) = (o.to_str().unwrap(), n.to_str().unwrap());

    let run = new.run(&["compliance", "diff", o, n]);
    assert_code(&run, 0);
    let text = &run.stdout;
    let reg = text.find("regressed controls: 2").expect(text);
    let imp = text.find("improved controls: 1").expect(text);
    let env = text.find("changed envoys: 2").expect(text);
    assert!(reg < imp && imp < env, "{text}");
    // Regressions, worst first: T3 covered → partial (high) and T6 waived → uncovered (high).
    let t3 = text.find("T3").unwrap();
    let t6 = text.find("T6").unwrap();
    let t4 = text.find("T4").unwrap();
    assert!(t3 < t6 && t6 < t4, "{text}");
    assert!(text.contains("db-01.example.com"));

    let run = new.run(&[
        "compliance",
        "diff",
        o,
        n,
        "--format",
        "json",
        "--fail-on-regression",
    ]);
    assert_code(&run, 1);
    let j = run.json();
    let f = &j["frameworks"][0];
    let regressed: Vec<(&str, &str, &str, &str)> = f["regressed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap(),
                c["old"].as_str().unwrap(),
                c["new"].as_str().unwrap(),
                c["severity"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        regressed,
        [
            ("T3", "covered", "partial", "high"),
            ("T6", "waived", "uncovered", "high")
        ]
    );
    assert_eq!(f["improved"][0]["id"], "T4");
    assert_eq!(j["regressions"], 2);

    let md = new.run(&["compliance", "diff", o, n, "--format", "markdown"]);
    assert_code(&md, 0);
    assert!(
        md.stdout
            .contains("### Regressed (2)\n\n| severity | control"),
        "{}",
        md.stdout
    );
    assert!(md.stdout.contains("| high | T3 | covered | partial |"));
    // No regression the other way round… but improvements are listed.
    let run = new.run(&["compliance", "diff", n, n, "--fail-on-regression"]);
    assert_code(&run, 0);
    assert!(run.stdout.contains("0 regressed control(s)"));
    // Not a report: invalid input.
    let run = new.run(&[
        "compliance",
        "diff",
        o,
        new.path().join("inventory/envoys.json").to_str().unwrap(),
    ]);
    assert_code(&run, 2);
    assert!(run.stderr.contains("error[bad-report]"), "{}", run.stderr);
}

#[test]
fn diff_of_the_example_repository_across_waiver_expiry() {
    // The same repository evaluated later: waivers have expired and Connwaer results are
    // stale, so controls regress; the worst come first.
    let example = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/healthcare-saas");
    let out = tempfile::tempdir().unwrap();
    let report = |as_of: &str, name: &str| {
        let path = out.path().join(name);
        let args: Vec<String> = [
            "--repo",
            example.to_str().unwrap(),
            "--as-of",
            as_of,
            "compliance",
            "report",
            "hipaa",
            "--format",
            "json",
            "--output",
            path.to_str().unwrap(),
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let run = crate::common::run_raw(&args, out.path());
        assert_code(&run, 0);
        path.display().to_string()
    };
    let old = report("2026-11-22T12:00:00Z", "old.json");
    let new = report("2027-08-01T00:00:00Z", "new.json");
    let diff = |extra: &[&str]| {
        let mut args = vec![
            "compliance".to_string(),
            "diff".into(),
            old.clone(),
            new.clone(),
        ];
        args.extend(extra.iter().map(|s| s.to_string()));
        crate::common::run_raw(&args, out.path())
    };
    let run = diff(&["--format", "json", "--fail-on-regression"]);
    assert_code(&run, 1);
    let j = run.json();
    let regressed = j["frameworks"][0]["regressed"].as_array().unwrap();
    assert!(regressed.len() > 5, "{j:#}");
    let order: Vec<u8> = regressed
        .iter()
        .map(|c| match c["severity"].as_str().unwrap() {
            "critical" => 0,
            "high" => 1,
            _ => 2,
        })
        .collect();
    assert!(
        order.windows(2).all(|w| w[0] <= w[1]),
        "worst first: {order:?}"
    );
    let text = diff(&[]);
    assert_code(&text, 0);
    let regressed_at = text.stdout.find("regressed controls:").unwrap();
    let first_id = regressed[0]["id"].as_str().unwrap();
    assert!(text.stdout[regressed_at..].find(first_id).is_some());
    assert!(regressed_at < text.stdout.find("changed envoys:").unwrap());
}

//! `evidence add|review|list` and the evidence gates of `compliance check`, through the
//! binary: the review workflow from a new document to an attested control, the records
//! file kept byte for byte, the audit entry, list states and exit codes, `min_assured`,
//! and every refusal exiting 2 with nothing changed.

use crate::common::{AS_OF, Repo, Run, control, run_raw, tf_repo};
use serde_json::Value;

/// The as-of date of [`AS_OF`].
const TODAY: &str = "2026-11-22";

/// Two envoys (web-01, db-01) with configcrate `a` claiming tf:T1 on both; T2–T6 open.
/// Written into `r`, with a document to record as evidence.
fn fleet() -> Repo {
    let r = tf_repo();
    r.file(
        "stacks/configcrates/a.vgo",
        "name: a\ncompliance:\n  tf: [T1]\n",
    )
    .file(
        "stacks/envoys.vgo",
        "envoys:\n  - match: \"*\"\n    configcrates: [a]\n",
    )
    .file(
        "inventory/envoys.json",
        r#"{"envoys": [{"hostname": "web-01"}, {"hostname": "db-01"}]}"#,
    )
    .file(
        "evidence/files/Risk Assessment 2026.md",
        "# Risk assessment 2026\n\nEvery asset, every threat.\n",
    );
    r
}

fn add(r: &Repo, extra: &[&str]) -> Run {
    let mut args = vec![
        "evidence",
        "add",
        "evidence/files/Risk Assessment 2026.md",
        "--control",
        "tf:T2",
        "--control",
        "testfw:T3",
        "--title",
        "Annual risk assessment",
        "--owner",
        "security@example.com",
    ];
    args.extend_from_slice(extra);
    // Paths are relative to the current directory: the binary runs in the repository.
    r.run_in(&args)
}

fn read(r: &Repo, rel: &str) -> String {
    std::fs::read_to_string(r.path().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn sha256(r: &Repo, rel: &str) -> String {
    use sha2::Digest as _;
    let bytes = std::fs::read(r.path().join(rel)).unwrap();
    sha2::Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn audit_lines(r: &Repo) -> Vec<Value> {
    let dir = r.path().join("audit");
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return out;
    };
    let mut files: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
    files.sort();
    for f in files {
        for l in std::fs::read_to_string(f).unwrap().lines() {
            out.push(serde_json::from_str(l).unwrap());
        }
    }
    out
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

#[test]
fn add_review_report_then_an_edited_file_fails_the_check() {
    let r = fleet();
    let doc = "evidence/files/Risk Assessment 2026.md";
    let reviewed = sha256(&r, doc);

    let run = add(&r, &[]);
    assert_code(&run, 0);
    assert_eq!(run.stdout, "risk-assessment-2026\n");
    assert!(
        run.stderr.contains(&format!(
            "added evidence `risk-assessment-2026` to evidence/records.yaml (pending review; sha256 {reviewed})"
        )),
        "{}",
        run.stderr
    );
    let records = read(&r, "evidence/records.yaml");
    assert!(records.starts_with("# Evidence records"), "{records}");
    assert!(
        records.ends_with(&format!(
            "evidence:
  - id: risk-assessment-2026
    title: \"Annual risk assessment\"
    controls: [\"tf:T2\", \"testfw:T3\"]
    kind: file
    path: \"{doc}\"
    sha256: \"{reviewed}\"
    collected: {TODAY}
    expires: 2027-11-22
    owner: \"security@example.com\"
    status: pending_review
"
        )),
        "{records}"
    );
    // Pending: it attests nothing yet.
    let rep = r.report("tf", &[]);
    assert_eq!(control(&rep, "T2")["status"], "uncovered");

    let run = r.run(&[
        "evidence",
        "review",
        "risk-assessment-2026",
        "--accept",
        "--reviewer",
        "auditor@example.com",
    ]);
    assert_code(&run, 0);
    assert!(
        run.stderr.contains(&format!(
            "evidence `risk-assessment-2026` accepted by auditor@example.com on {TODAY}; sha256 pinned: {reviewed}"
        )),
        "{}",
        run.stderr
    );
    let rep = r.report("tf", &[]);
    for id in ["T2", "T3"] {
        let c = control(&rep, id);
        assert_eq!(c["status"], "attested", "{c}");
        assert_eq!(c["envoys_attested"], 2, "{c}");
        assert_eq!(c["evidence"][0]["id"], "risk-assessment-2026");
        assert_eq!(c["evidence"][0]["sha256"], reviewed.as_str());
    }
    assert_eq!(rep["summary"]["attested"], 2);
    assert_eq!(rep["summary"]["assured_pct"], 50.0);
    assert_code(&r.run(&["compliance", "check", "--framework", "tf"]), 0);

    // The document changes after the review: the check fails, naming the record, the file
    // and both hashes, in every format.
    r.file(doc, "# Risk assessment 2026\n\nSome threats.\n");
    let now = sha256(&r, doc);
    assert_ne!(now, reviewed);
    let run = r.run(&["compliance", "check", "--framework", "tf"]);
    assert_code(&run, 1);
    let expected = format!(
        "error[evidence-changed]: evidence `risk-assessment-2026`: file `{doc}` has changed since it was reviewed: pinned sha256 {reviewed}, current sha256 {now}; it attests nothing\n  --> evidence/records.yaml:4:5"
    );
    assert!(run.stdout.contains(&expected), "{}", run.stdout);
    assert!(run.stdout.contains("check failed: 1 gate failure(s)"));
    let json = r
        .run(&[
            "compliance",
            "check",
            "--framework",
            "tf",
            "--format",
            "json",
        ])
        .json();
    assert_eq!(json["result"], "failed");
    let p = problems(&json, "evidence-changed");
    assert_eq!(p.len(), 1, "{json}");
    let msg = p[0]["message"].as_str().unwrap();
    assert!(
        msg.contains("risk-assessment-2026")
            && msg.contains(doc)
            && msg.contains(&reviewed)
            && msg.contains(&now),
        "{msg}"
    );
    assert_eq!(p[0]["severity"], "error");
    assert_eq!(p[0]["location"]["file"], "evidence/records.yaml");
    crate::schemas::assert_valid("check-result-v1.json", &json, "check with changed evidence");
    let github = r.run(&["compliance", "check", "--format", "github"]);
    assert_code(&github, 1);
    assert!(
        github.stdout.contains("::error file=evidence/records.yaml,line=4,col=5,title=vigocli evidence-changed::evidence `risk-assessment-2026`"),
        "{}",
        github.stdout
    );
    assert!(github.stdout.contains(&now), "{}", github.stdout);
    let sarif = r.run(&["compliance", "check", "--format", "sarif"]);
    assert_code(&sarif, 1);
    let sarif = sarif.json();
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "evidence-changed");
    assert!(
        result["message"]["text"]
            .as_str()
            .unwrap()
            .contains(&reviewed),
        "{result}"
    );
    // The changed record attests nothing.
    let rep = r.report("tf", &[]);
    assert_eq!(control(&rep, "T2")["status"], "uncovered");

    // Reviewing the new version pins its hash, and the check passes again.
    assert_code(
        &r.run(&[
            "evidence",
            "review",
            "risk-assessment-2026",
            "--accept",
            "--reviewer",
            "auditor@example.com",
        ]),
        0,
    );
    assert!(read(&r, "evidence/records.yaml").contains(&format!("sha256: \"{now}\"")));
    assert_code(&r.run(&["compliance", "check", "--framework", "tf"]), 0);
    assert_eq!(audit_lines(&r).len(), 2);
}

#[test]
fn add_keeps_an_existing_records_file_byte_for_byte() {
    let r = fleet();
    let existing = [
        "# Policies we keep.   (a comment with trailing spaces)   ",
        "evidence:   # the list",
        "",
        "    # first, the policy",
        "    -   id: policy",
        "        title: 'Security policy'   # quoted the other way",
        "        controls: [tf:T4]",
        "        kind: url",
        "        url: https://intranet.example.com/policy",
        "        collected: 2026-01-01",
        "        expires: 2027-01-01",
        "        owner: ciso@example.com",
        "        status: pending_review",
        "",
        "# the end",
    ]
    .join("\n");
    let existing = existing.as_str();
    r.file("evidence/records.yaml", existing);
    let run = add(
        &r,
        &["--id", "ra", "--envoys", "web-*", "--label", "tier=1"],
    );
    assert_code(&run, 0);
    let after = read(&r, "evidence/records.yaml");
    let appended = after
        .strip_prefix(existing)
        .unwrap_or_else(|| panic!("the old text is not kept:\n{after}"));
    assert_eq!(
        appended,
        format!(
            "\n    -   id: ra
        title: \"Annual risk assessment\"
        controls: [\"tf:T2\", \"testfw:T3\"]
        kind: file
        path: \"evidence/files/Risk Assessment 2026.md\"
        sha256: \"{}\"
        collected: {TODAY}
        expires: 2027-11-22
        owner: \"security@example.com\"
        status: pending_review
        envoys: [\"web-*\"]
        labels: {{ \"tier\": \"1\" }}
",
            sha256(&r, "evidence/files/Risk Assessment 2026.md")
        )
    );
    let list = r.run(&["evidence", "list", "--format", "json"]).ok().json();
    let ids: Vec<&str> = list["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["policy", "ra"]);

    // --into another records file; --url with an id from the title; given dates.
    let run = r.run_in(&[
        "evidence",
        "add",
        "--url",
        "https://vendor.example.com/soc2-report",
        "--control",
        "tf:T5",
        "--title",
        "Vendor SOC 2 report (2026)",
        "--owner",
        "vendor-mgmt@example.com",
        "--collected",
        "2026-02-29",
        "--into",
        "evidence/vendors.yml",
    ]);
    assert_code(&run, 2);
    assert!(
        run.stderr
            .contains("--collected `2026-02-29` is not a date"),
        "{}",
        run.stderr
    );
    assert!(!r.path().join("evidence/vendors.yml").exists());
    let run = r.run_in(&[
        "evidence",
        "add",
        "--url",
        "https://vendor.example.com/soc2-report",
        "--control",
        "tf:T5",
        "--title",
        "Vendor SOC 2 report (2026)",
        "--owner",
        "vendor-mgmt@example.com",
        "--collected",
        "2024-02-29",
        "--into",
        "evidence/vendors.yml",
    ]);
    assert_code(&run, 0);
    assert_eq!(run.stdout, "vendor-soc-2-report-2026\n");
    let vendors = read(&r, "evidence/vendors.yml");
    assert!(
        vendors.ends_with(
            "  - id: vendor-soc-2-report-2026
    title: \"Vendor SOC 2 report (2026)\"
    controls: [\"tf:T5\"]
    kind: url
    url: \"https://vendor.example.com/soc2-report\"
    collected: 2024-02-29
    expires: 2025-02-28
    owner: \"vendor-mgmt@example.com\"
    status: pending_review
"
        ),
        "{vendors}"
    );
    // The first file is untouched by the second add.
    assert_eq!(read(&r, "evidence/records.yaml"), after);
}

#[test]
fn review_edits_only_the_record_and_appends_one_audit_entry() {
    let r = fleet();
    let doc = "evidence/files/Risk Assessment 2026.md";
    let hash = sha256(&r, doc);
    let records = format!(
        "\
# Reviewed quarterly.
evidence:
  # the assessment
  - id: ra
    title: Risk assessment
    controls: [\"tf:T2\"]
    kind: file
    path: {doc}
    sha256: {}   # pinned by add
    collected: 2026-11-01
    expires: 2027-11-01
    owner: security@example.com
    status: pending_review   # waiting for the auditor
    note: |
      first draft

  # the training log
  - id: training
    title: Training
    controls: [\"tf:T4\"]
    kind: url
    url: https://lms.example.com/report
    collected: 2026-11-01
    expires: 2027-11-01
    owner: hr@example.com
    status: pending_review
",
        "0".repeat(64)
    );
    r.file("evidence/records.yaml", &records);
    // An earlier entry in the log: the review links to it.
    assert_code(
        &r.run(&[
            "audit",
            "append",
            "--actor",
            "ops",
            "--action",
            "report.publish",
            "--target",
            "tf",
        ]),
        0,
    );
    let run = r.run(&[
        "evidence",
        "review",
        "ra",
        "--accept",
        "--reviewer",
        "Ann \"Auditor\" <ann@example.com>",
        "--note",
        "complete; signed off",
        "--at",
        "2026-11-20",
    ]);
    assert_code(&run, 0);
    let expected = records
        .replace(
            &format!("    sha256: {}   # pinned by add\n", "0".repeat(64)),
            &format!("    sha256: \"{hash}\"   # pinned by add\n"),
        )
        .replace(
            "    status: pending_review   # waiting for the auditor\n    note: |\n      first draft\n",
            "    status: accepted   # waiting for the auditor\n    note: \"complete; signed off\"\n    reviewed_by: \"Ann \\\"Auditor\\\" <ann@example.com>\"\n    reviewed_at: 2026-11-20\n",
        );
    assert_eq!(read(&r, "evidence/records.yaml"), expected);

    let log = audit_lines(&r);
    assert_eq!(log.len(), 2, "exactly one entry appended: {log:?}");
    let e = &log[1];
    assert_eq!(e["seq"], 1);
    assert_eq!(e["action"], "evidence.accepted");
    assert_eq!(e["actor"], "Ann \"Auditor\" <ann@example.com>");
    assert_eq!(e["target"], "ra");
    assert_eq!(e["ts"], AS_OF);
    assert_eq!(
        e["details"],
        serde_json::json!({
            "id": "ra",
            "kind": "file",
            "path": doc,
            "sha256": hash,
            "status": "accepted",
            "reviewed_at": "2026-11-20",
            "note": "complete; signed off",
            "records_file": "evidence/records.yaml",
        })
    );
    // The entry is printed as `audit append` prints it.
    assert_eq!(
        run.stdout.trim_end(),
        std::fs::read_to_string(r.path().join("audit/audit.jsonl"))
            .unwrap()
            .lines()
            .nth(1)
            .unwrap()
    );
    let verify = r.run(&["audit", "verify"]);
    assert_code(&verify, 0);
    assert!(
        verify.stdout.starts_with("ok: 2 entries"),
        "{}",
        verify.stdout
    );
    let rep = r.report("tf", &[]);
    assert_eq!(control(&rep, "T2")["status"], "attested");
}

#[test]
fn reject_records_the_verdict_and_attests_nothing() {
    let r = fleet();
    assert_code(&add(&r, &[]), 0);
    let before = read(&r, "evidence/records.yaml");
    let run = r.run(&[
        "evidence",
        "review",
        "risk-assessment-2026",
        "--reject",
        "--reviewer",
        "auditor@example.com",
        "--note",
        "out of date",
    ]);
    assert_code(&run, 0);
    let after = read(&r, "evidence/records.yaml");
    assert_eq!(
        after,
        before.replace(
            "    status: pending_review\n",
            &format!("    status: rejected\n    reviewed_by: \"auditor@example.com\"\n    reviewed_at: {TODAY}\n    note: \"out of date\"\n")
        )
    );
    let log = audit_lines(&r);
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["action"], "evidence.rejected");
    assert_eq!(log[0]["details"]["status"], "rejected");
    assert_eq!(
        log[0]["details"]["sha256"],
        sha256(&r, "evidence/files/Risk Assessment 2026.md")
    );
    let rep = r.report("tf", &[]);
    assert_eq!(control(&rep, "T2")["status"], "uncovered");
    let list = r.run(&["evidence", "list", "--format", "json"]).ok().json();
    assert_eq!(list["evidence"][0]["state"], "rejected");
    assert_eq!(list["evidence"][0]["reviewed_by"], "auditor@example.com");
    // Rejected records need no attention from `--expiring`.
    assert_code(&r.run(&["evidence", "list", "--expiring", "30"]), 0);
    // Neither --accept nor --reject, or both: usage errors.
    for verdict in [&[][..], &["--accept", "--reject"][..]] {
        let mut args = vec![
            "evidence",
            "review",
            "risk-assessment-2026",
            "--reviewer",
            "x",
        ];
        args.extend_from_slice(verdict);
        assert_code(&r.run(&args), 2);
    }
    assert_eq!(read(&r, "evidence/records.yaml"), after);
}

/// Accepted url records in every dated state (as of 2026-11-22, window 30 days), and a
/// pending one.
fn dated(r: &Repo) {
    let rec = |id: &str, control: &str, collected: &str, expires: &str, status: &str| {
        let review = if status == "accepted" {
            "    reviewed_by: auditor@example.com\n    reviewed_at: 2026-01-10\n"
        } else {
            ""
        };
        format!(
            "  - id: {id}\n    title: {id}\n    controls: [\"{control}\"]\n    kind: url\n    url: https://docs.example.com/{id}\n    collected: {collected}\n    expires: {expires}\n    owner: owner-{id}@example.com\n    status: {status}\n{review}"
        )
    };
    let text = [
        "evidence:\n".to_string(),
        rec("current", "tf:T2", "2026-01-01", "2027-06-01", "accepted"),
        rec("soon", "tf:T3", "2026-01-01", "2026-12-10", "accepted"),
        rec("old", "tf:T4", "2025-01-01", "2026-01-01", "accepted"),
        rec(
            "draft",
            "hipaa:164.308(a)(1)(ii)(A)",
            "2026-01-01",
            "2027-01-01",
            "pending_review",
        ),
    ]
    .concat();
    r.file("evidence/records.yaml", &text);
}

#[test]
fn list_states_filters_and_exit_codes() {
    let r = fleet();
    dated(&r);
    let run = r.run(&["evidence", "list", "--format", "json"]);
    assert_code(&run, 0);
    let doc = run.json();
    crate::schemas::assert_valid("evidence-list-v1.json", &doc, "evidence list");
    let rows: Vec<(String, String, i64)> = doc["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["id"].as_str().unwrap().to_string(),
                e["state"].as_str().unwrap().to_string(),
                e["days_left"].as_i64().unwrap(),
            )
        })
        .collect();
    // Soonest expiry first.
    assert_eq!(
        rows,
        [
            ("old".into(), "expired".into(), -325),
            ("soon".into(), "expiring".into(), 18),
            ("draft".into(), "pending-review".into(), 40),
            ("current".into(), "attesting".into(), 191),
        ]
    );
    assert_eq!(doc["expiring_days"], 30);
    assert_eq!(doc["attention_only"], false);
    assert_eq!(doc["evidence"][3]["reviewed_by"], "auditor@example.com");
    assert_eq!(doc["evidence"][3]["envoys"], 2);
    assert_eq!(doc["evidence"][3]["controls"], serde_json::json!(["tf:T2"]));

    let table = r.run(&["evidence", "list"]);
    assert_code(&table, 0);
    assert!(
        table.stdout.starts_with("evidence as of 2026-11-22T12:00:00Z: 2 attesting (1 expiring within 30 days), 0 changed, 1 expired, 1 pending review, 0 rejected, 0 not yet collected\n"),
        "{}",
        table.stdout
    );
    assert!(table.stdout.contains("│ expiring"), "{}", table.stdout);

    // --expiring: only what needs attention, and exit 1 when anything does.
    let run = r.run(&["evidence", "list", "--expiring", "30", "--format", "json"]);
    assert_code(&run, 1);
    let doc = run.json();
    crate::schemas::assert_valid("evidence-list-v1.json", &doc, "evidence list --expiring");
    let ids: Vec<&str> = doc["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["old", "soon"]);
    // A wider window makes `current` expiring too; a narrower one leaves the expired record.
    let doc = r
        .run(&["evidence", "list", "--expiring", "200", "--format", "json"])
        .json();
    assert_eq!(doc["evidence"].as_array().unwrap().len(), 3);
    let doc = r
        .run(&["evidence", "list", "--expiring", "5", "--format", "json"])
        .json();
    assert_eq!(doc["evidence"][0]["id"], "old");
    assert_eq!(doc["evidence"].as_array().unwrap().len(), 1);

    // --framework: records naming a counted control of it.
    let doc = r
        .run(&[
            "evidence",
            "list",
            "--framework",
            "hipaa",
            "--format",
            "json",
        ])
        .ok()
        .json();
    assert_eq!(doc["framework"], "hipaa");
    assert_eq!(doc["evidence"].as_array().unwrap().len(), 1);
    assert_eq!(doc["evidence"][0]["id"], "draft");
    let run = r.run(&[
        "evidence",
        "list",
        "--framework",
        "hipaa",
        "--expiring",
        "30",
    ]);
    assert_code(&run, 0);
    assert_code(&r.run(&["evidence", "list", "--framework", "nope"]), 2);
    assert_code(&r.run(&["evidence", "list", "--expiring", "-1"]), 2);

    // The configured window is the default, as for waivers.
    r.file("vigocli.toml", "[waivers]\nexpiring_days = 10\n");
    let doc = r.run(&["evidence", "list", "--format", "json"]).ok().json();
    assert_eq!(doc["expiring_days"], 10);
    assert_eq!(doc["evidence"][1]["state"], "attesting");
}

#[test]
fn check_warns_about_expired_and_expiring_evidence() {
    let r = fleet();
    dated(&r);
    let json = r
        .run(&[
            "compliance",
            "check",
            "--framework",
            "tf",
            "--format",
            "json",
        ])
        .json();
    assert_eq!(json["result"], "passed", "{json}");
    crate::schemas::assert_valid("check-result-v1.json", &json, "check with dated evidence");
    let expired = problems(&json, "evidence-expired");
    assert_eq!(expired.len(), 1);
    assert_eq!(expired[0]["severity"], "warning");
    assert_eq!(
        expired[0]["message"],
        "evidence `old` expired on 2026-01-01; it attests nothing; owner owner-old@example.com"
    );
    let expiring = problems(&json, "evidence-expiring");
    assert_eq!(expiring.len(), 1);
    assert_eq!(
        expiring[0]["message"],
        "evidence `soon` expires on 2026-12-10 (18 day(s) left); owner owner-soon@example.com"
    );
    assert_eq!(expiring[0]["location"]["file"], "evidence/records.yaml");
    // --expiring-days sets the window for evidence as for waivers.
    let json = r
        .run(&[
            "compliance",
            "check",
            "--expiring-days",
            "200",
            "--format",
            "json",
        ])
        .json();
    let ids: Vec<String> = problems(&json, "evidence-expiring")
        .iter()
        .map(|p| {
            p["message"]
                .as_str()
                .unwrap()
                .split('`')
                .nth(1)
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(ids, ["current", "soon"]);
    let gate = &r
        .run(&[
            "compliance",
            "check",
            "--framework",
            "tf",
            "--format",
            "json",
        ])
        .json()["frameworks"][0];
    // T1 covered, T2 and T3 attested (`soon` still attests), of six controls.
    assert_eq!(gate["attested"], 2);
    assert_eq!(gate["assured_pct"], 50.0);
    assert_eq!(gate["covered_pct"], 16.67);
    assert_eq!(gate["coverage_pct"], 50.0);
}

#[test]
fn min_assured_gates_from_the_config_and_the_flag() {
    let r = fleet();
    dated(&r);
    // assured = (1 covered + 2 attested) / 6 = 50 %.
    r.file("vigocli.toml", "[frameworks.tf]\nmin_assured = 60\n");
    let run = r.run(&["compliance", "check"]);
    assert_code(&run, 1);
    assert!(
        run.stdout.contains("  tf               coverage  50.00 %  assured  50.00 %  covered  16.67 %  partial 0    FAILED  [min_assured 60.00 %]"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("error[assured-below-minimum]: tf: assured 50.00 % (covered + attested, waivers not counted) is below the minimum 60.00 %\n  --> vigocli.toml:1:2"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("T4 (uncovered), T5 (uncovered), T6 (uncovered)"),
        "{}",
        run.stdout
    );
    let json = r.run(&["compliance", "check", "--format", "json"]).json();
    crate::schemas::assert_valid("check-result-v1.json", &json, "min_assured failure");
    assert_eq!(json["frameworks"][0]["thresholds"]["min_assured"], 60.0);
    let p = problems(&json, "assured-below-minimum");
    assert_eq!(p.len(), 1);
    assert_eq!(p[0]["framework"], "tf");
    let github = r.run(&["compliance", "check", "--format", "github"]);
    assert!(
        github
            .stdout
            .contains("tf: coverage 50.00 %, assured 50.00 %, covered 16.67 %, 0 partial: FAILED"),
        "{}",
        github.stdout
    );
    let sarif = r.run(&["compliance", "check", "--format", "sarif"]).json();
    assert_eq!(
        sarif["runs"][0]["results"][0]["ruleId"],
        "assured-below-minimum"
    );

    // The flag overrides the table; a threshold exactly met passes.
    assert_code(&r.run(&["compliance", "check", "--min-assured", "50"]), 0);
    assert_code(
        &r.run(&["compliance", "check", "--min-assured", "50.01"]),
        1,
    );
    r.file("vigocli.toml", "");
    // min_coverage counts attested controls, as coverage_pct does (3 of 6 = 50 %).
    assert_code(
        &r.run(&[
            "compliance",
            "check",
            "--framework",
            "tf",
            "--min-coverage",
            "50",
        ]),
        0,
    );
    let run = r.run(&[
        "compliance",
        "check",
        "--framework",
        "tf",
        "--min-assured",
        "51",
    ]);
    assert_code(&run, 1);
    assert!(
        run.stdout.contains("[min_assured 51.00 %]"),
        "{}",
        run.stdout
    );
    // Bad thresholds are input errors.
    let run = r.run(&[
        "compliance",
        "check",
        "--framework",
        "tf",
        "--min-assured",
        "101",
    ]);
    assert_code(&run, 2);
    assert!(
        run.stdout.contains("--min-assured 101 is not a percentage"),
        "{}",
        run.stdout
    );
    let run = r.run(&["compliance", "check", "--min-assured", "50"]);
    assert_code(&run, 2);
    assert!(
        run.stdout
            .contains("--min-assured has no framework to gate"),
        "{}",
        run.stdout
    );
    r.file("vigocli.toml", "[frameworks.tf]\nmin_assured = -1\n");
    let run = r.run(&["compliance", "check"]);
    assert_code(&run, 2);
    assert!(
        run.stdout
            .contains("`[frameworks.tf] min_assured = -1` is not a percentage"),
        "{}",
        run.stdout
    );
}

#[test]
fn bad_input_exits_2_and_changes_nothing() {
    let r = fleet();
    r.file("outside.md", "not in evidence/");
    let cases: &[(&[&str], &str)] = &[
        (
            &["--control", "tf:T99"],
            "error[unknown-control]: \"T99\" is not a control of Test Framework 1",
        ),
        (&["--control", "tf:T"], "error[heading-control]"),
        (
            &["--control", "nofw:T1"],
            "error[unknown-framework]: unknown framework `nofw` in --control `nofw:T1`",
        ),
        (&["--control", "T1"], "--control `T1` has no framework"),
        (
            &["--id", "Bad_Id"],
            "--id `Bad_Id` may hold only lower-case letters, digits and `-`",
        ),
        (
            &["--expires", "2026-01-01"],
            "--expires 2026-01-01 is before the collection date 2026-11-22",
        ),
        (
            &["--expires", "soon"],
            "error[bad-date]: --expires `soon` is not a date",
        ),
        (
            &["--envoys", "db-["],
            "error[bad-glob]: --envoys `db-[` is not a hostname glob",
        ),
        (&["--label", "phi"], "--label `phi` is not KEY=VALUE"),
        (
            &["--into", "records.yaml"],
            "--into `records.yaml` is not a records file of this repository",
        ),
        (
            &["--into", "evidence/sub/x.yaml"],
            "is not a records file of this repository",
        ),
        (
            &["--into", "evidence/.hidden.yaml"],
            "is not a records file of this repository",
        ),
        (&["--url", "https://x.example.com"], "cannot be used with"),
    ];
    for (extra, expected) in cases {
        let run = add(&r, extra);
        assert_code(&run, 2);
        assert!(run.stderr.contains(expected), "{extra:?}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{extra:?}: {}", run.stdout);
        assert!(
            !r.path().join("evidence/records.yaml").exists(),
            "{extra:?}"
        );
    }
    // Every problem of one run is reported.
    let run = add(&r, &["--control", "tf:T99", "--expires", "soon"]);
    assert!(
        run.stderr.contains("unknown-control") && run.stderr.contains("bad-date"),
        "{}",
        run.stderr
    );

    let doc = |path: &str| {
        r.run_in(&[
            "evidence",
            "add",
            path,
            "--control",
            "tf:T2",
            "--title",
            "t",
            "--owner",
            "o",
        ])
    };
    let run = doc("missing.md");
    assert_code(&run, 2);
    assert!(
        run.stderr
            .contains("error[missing-path]: document `missing.md` does not exist"),
        "{}",
        run.stderr
    );
    let elsewhere = tempfile::NamedTempFile::new().unwrap();
    let shown = elsewhere.path().display().to_string();
    let run = doc(&shown);
    assert_code(&run, 2);
    assert!(
        run.stderr
            .contains(&format!("document `{shown}` is outside the repository")),
        "{}",
        run.stderr
    );
    let run = r.run_in(&[
        "evidence",
        "add",
        "--url",
        "https://x.example.com",
        "--control",
        "tf:T2",
        "--title",
        " ",
        "--owner",
        "o",
    ]);
    assert_code(&run, 2);
    assert!(
        run.stderr.contains("error[bad-argument]: --title is empty"),
        "{}",
        run.stderr
    );
    let run = doc("evidence/files");
    assert_code(&run, 2);
    assert!(run.stderr.contains("not a regular file"), "{}", run.stderr);
    let run = r.run_in(&[
        "evidence",
        "add",
        "--url",
        "ftp://x",
        "--control",
        "tf:T2",
        "--title",
        "t",
        "--owner",
        "o",
    ]);
    assert_code(&run, 2);
    assert!(
        run.stderr
            .contains("--url `ftp://x` is not an http(s) address"),
        "{}",
        run.stderr
    );
    assert!(!r.path().join("evidence/records.yaml").exists());

    // A duplicate id points at the record that has it.
    assert_code(&add(&r, &[]), 0);
    let before = read(&r, "evidence/records.yaml");
    let run = add(&r, &[]);
    assert_code(&run, 2);
    assert!(
        run.stderr.contains("error[duplicate-evidence]: evidence id `risk-assessment-2026` is already used by the record at evidence/records.yaml:4\n  --> evidence/records.yaml:4:5"),
        "{}",
        run.stderr
    );
    assert_eq!(read(&r, "evidence/records.yaml"), before);

    // A records file in flow style is not rewritten.
    r.file("evidence/flow.yaml", "evidence: [{id: x, title: x, controls: [\"tf:T6\"], kind: url, url: \"https://x.example.com\", collected: 2026-01-01, expires: 2027-01-01, owner: o, status: pending_review}]\n");
    let run = add(&r, &["--id", "y", "--into", "evidence/flow.yaml"]);
    assert_code(&run, 2);
    assert!(
        run.stderr.contains(
            "error[bad-evidence]: `evidence/flow.yaml` writes its `evidence:` list in flow style"
        ),
        "{}",
        run.stderr
    );
    let run = r.run(&["evidence", "review", "x", "--accept", "--reviewer", "r"]);
    assert_code(&run, 2);
    assert!(
        run.stderr.contains("evidence `x` is written in flow style"),
        "{}",
        run.stderr
    );

    // review: an unknown id, a date after as-of, an empty reviewer, a missing file.
    let review = |args: &[&str]| {
        let mut all = vec!["evidence", "review"];
        all.extend_from_slice(args);
        r.run(&all)
    };
    let run = review(&["risk-assesment-2026", "--accept", "--reviewer", "r"]);
    assert_code(&run, 2);
    assert!(
        run.stderr
            .contains("no evidence record has the id `risk-assesment-2026`")
            && run.stderr.contains("did you mean `risk-assessment-2026`?"),
        "{}",
        run.stderr
    );
    let run = review(&[
        "risk-assessment-2026",
        "--accept",
        "--reviewer",
        "r",
        "--at",
        "2026-12-01",
    ]);
    assert_code(&run, 2);
    assert!(
        run.stderr
            .contains("--at 2026-12-01 is after the as-of date 2026-11-22"),
        "{}",
        run.stderr
    );
    let run = review(&["risk-assessment-2026", "--accept", "--reviewer", "  "]);
    assert_code(&run, 2);
    assert!(run.stderr.contains("--reviewer is empty"), "{}", run.stderr);
    std::fs::remove_file(r.path().join("evidence/files/Risk Assessment 2026.md")).unwrap();
    let run = review(&["risk-assessment-2026", "--accept", "--reviewer", "r"]);
    assert_code(&run, 2);
    assert!(run.stderr.contains("evidence `risk-assessment-2026` cannot be accepted: `evidence/files/Risk Assessment 2026.md` does not exist"), "{}", run.stderr);
    assert_eq!(read(&r, "evidence/records.yaml"), before);
    assert!(audit_lines(&r).is_empty());
}

#[test]
fn a_review_the_audit_log_refuses_leaves_the_record_as_it_was() {
    let r = fleet();
    assert_code(&add(&r, &[]), 0);
    let before = read(&r, "evidence/records.yaml");
    // The log's last entry is later than this run's as-of: no entry can follow it.
    let later = run_raw(
        &[
            "--repo",
            &r.path().display().to_string(),
            "--as-of",
            "2027-01-01T00:00:00Z",
            "audit",
            "append",
            "--actor",
            "a",
            "--action",
            "x",
            "--target",
            "y",
        ]
        .map(String::from),
        r.path(),
    );
    assert_code(&later, 0);
    let run = r.run(&[
        "evidence",
        "review",
        "risk-assessment-2026",
        "--accept",
        "--reviewer",
        "r",
    ]);
    assert_code(&run, 2);
    assert!(
        run.stderr.contains(
            "error[audit-append-failed]: the review of `risk-assessment-2026` is not recorded"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(read(&r, "evidence/records.yaml"), before);
    assert_eq!(audit_lines(&r).len(), 1);
}

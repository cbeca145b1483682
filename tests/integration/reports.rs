//! Report outputs: snapshots, determinism, files written atomically.

use crate::common::*;

#[test]
fn json_report_snapshot() {
    let run = run_clinic(&["compliance", "report", "compliance", "--format", "json"]).ok();
    insta::assert_snapshot!("clinic_hipaa_json", run.stdout);
    let rep = run.json();
    assert_eq!(rep["schema"], "vigocli/compliance-report/v1");
    assert_eq!(
        rep["framework"]["id"], "hipaa",
        "the `compliance` verb means HIPAA"
    );
}

#[test]
fn table_report_and_status_snapshots() {
    let run = run_clinic(&["compliance", "report", "pci", "--format", "table"]).ok();
    insta::assert_snapshot!("clinic_pci_table", run.stdout);
    let run = run_clinic(&["compliance", "status"]).ok();
    insta::assert_snapshot!("clinic_status_table", run.stdout);
    assert!(
        !run.stdout.contains('\u{1b}'),
        "no colour when not on a TTY"
    );
    let run = run_clinic(&[
        "compliance",
        "status",
        "--format",
        "json",
        "--framework",
        "soc2",
        "--framework",
        "cis",
    ])
    .ok();
    let v = run.json();
    let ids: Vec<_> = v["frameworks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["framework"]["id"].clone())
        .collect();
    assert_eq!(
        ids,
        [serde_json::json!("soc2"), serde_json::json!("cis-ubuntu")]
    );
}

#[test]
fn identical_output_whatever_the_thread_count() {
    let one = run_clinic(&[
        "--threads",
        "1",
        "compliance",
        "report",
        "nist-800-53",
        "--format",
        "json",
    ])
    .ok()
    .stdout;
    let many = run_clinic(&[
        "--threads",
        "8",
        "compliance",
        "report",
        "nist-800-53",
        "--format",
        "json",
    ])
    .ok()
    .stdout;
    assert_eq!(one, many);
    let again = run_clinic(&["compliance", "report", "nist-800-53", "--format", "json"])
        .ok()
        .stdout;
    assert_eq!(one, again);
}

#[test]
fn source_date_epoch_pins_as_of() {
    let all: Vec<String> = vec![
        "--repo".into(),
        clinic().display().to_string(),
        "compliance".into(),
        "report".into(),
        "soc2".into(),
        "--format".into(),
        "json".into(),
    ];
    let out = std::process::Command::new(bin())
        .args(&all)
        .env_clear()
        .env("SOURCE_DATE_EPOCH", "1795348800")
        .output()
        .expect("run");
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["as_of"], "2026-11-22T12:00:00Z");
    assert_eq!(v["generated_at"], "2026-11-22T12:00:00Z");
}

#[test]
fn output_file_is_written_whole() {
    let dir = tempfile::tempdir().expect("tmp");
    let target = dir.path().join("hipaa.json");
    let t = target.display().to_string();
    let run = run_clinic(&[
        "compliance",
        "report",
        "hipaa",
        "--format",
        "json",
        "--output",
        &t,
    ])
    .ok();
    assert!(run.stdout.is_empty());
    let written = std::fs::read_to_string(&target).expect("written");
    let stdout = run_clinic(&["compliance", "report", "hipaa", "--format", "json"])
        .ok()
        .stdout;
    assert_eq!(written, stdout);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .expect("ls")
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        .collect();
    assert_eq!(
        leftovers.len(),
        1,
        "no temporary files left behind: {leftovers:?}"
    );
}

#[test]
fn catalog_commands() {
    let run = run_raw(&["catalog".into(), "list".into()], &clinic()).ok();
    for id in [
        "hipaa",
        "soc2",
        "pci-dss",
        "hitrust",
        "cis-ubuntu",
        "nist-800-53",
        "iso-27001",
        "iso-27001-2022",
        "nist-800-53-moderate",
    ] {
        assert!(
            run.stdout.contains(&format!("  {id} ")),
            "{id} missing:\n{}",
            run.stdout
        );
    }
    let run = run_raw(&["catalog".into(), "show".into(), "pci".into()], &clinic()).ok();
    assert!(
        run.stdout.contains("2.3\tWireless environments") || run.stdout.contains("2.3\t"),
        "{}",
        &run.stdout[..200]
    );
    assert!(run.stdout.contains("(heading)"));
}

#[test]
fn help_and_version_exit_zero() {
    let run = run_raw(&["--help".into()], &clinic());
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains(
        "Exit codes: 0 success, 1 a gate or verification failed, 2 invalid input or usage."
    ));
    let run = run_raw(&["--version".into()], &clinic());
    assert_eq!(run.code, 0);
    assert!(run.stdout.starts_with("vigocli "));
}

/// A report lists at most 100 findings per code and counts the rest; `--findings all` lists
/// every one (here 150 unconverged envoys and 150 contradicted claims), with no truncation
/// note, and the rest of the report is the same.
#[test]
fn findings_all_lists_every_finding() {
    let r = tf_repo();
    r.file("stacks/configcrates/base.vgo", "compliance:\n  tf: [T1]\n")
        .file("stacks/common.vgo", "configcrates: [base]\n")
        .file("stacks/fleet/envoys.vgo", "envoys:\n  - match: \"h-*\"\n");
    let hosts: Vec<String> = (0..150).map(|i| format!("h-{i:03}")).collect();
    let inventory: Vec<String> = hosts
        .iter()
        .map(|h| format!(r#"{{"hostname": "{h}", "status": "failed"}}"#))
        .collect();
    r.file(
        "inventory/envoys.json",
        &format!("{{\"envoys\": [{}]}}", inventory.join(",\n")),
    );
    let results: Vec<String> = hosts
        .iter()
        .map(|h| format!(r#"{{"envoy": "{h}", "capability": "cap-a", "status": "fail", "checked_at": "2026-11-22T10:00:00Z"}}"#))
        .collect();
    r.file("traits/results.jsonl", &(results.join("\n") + "\n"));
    let count = |rep: &serde_json::Value, code: &str| {
        rep["findings"]
            .as_array()
            .map(|a| a.iter().filter(|f| f["code"] == code).count())
            .unwrap_or(0)
    };
    let listed = r.report("tf", &[]);
    assert_eq!(count(&listed, "envoy-not-converged"), 100);
    assert_eq!(count(&listed, "contradicted-claim"), 100);
    assert_eq!(
        count(&listed, "findings-truncated"),
        2,
        "{:#}",
        listed["findings"]
    );
    let all = r.report("tf", &["--findings", "all"]);
    assert_eq!(count(&all, "envoy-not-converged"), 150);
    assert_eq!(count(&all, "contradicted-claim"), 150);
    assert_eq!(count(&all, "findings-truncated"), 0);
    for key in ["summary", "controls", "envoys", "categories"] {
        assert_eq!(listed[key], all[key], "{key}");
    }
}

/// Connwaer results that do not count are findings made only when listed: the first 100
/// per code in file order, a count of the rest, and every one with `--findings all`, in
/// the same order as every other finding; `check` lists and counts them alike.
#[test]
fn ignored_connwaer_results_are_listed_in_order_and_counted() {
    let r = tf_repo();
    r.file("stacks/configcrates/base.vgo", "compliance:\n  tf: [T1]\n")
        .file("stacks/common.vgo", "configcrates: [base]\n")
        .file("stacks/fleet/envoys.vgo", "envoys:\n  - match: \"h-*\"\n");
    let inventory: Vec<String> = (0..150)
        .map(|i| format!(r#"{{"hostname": "h-{i:03}"}}"#))
        .collect();
    r.file("inventory/envoys.jsonl", &(inventory.join("\n") + "\n"));
    // Line n (1-based): a stale result for h-(150-n), so file order is not hostname order;
    // then 120 results for hosts the inventory does not have, one from the future.
    let mut results: Vec<String> = (0..150)
        .map(|i| format!(r#"{{"envoy": "h-{:03}", "capability": "cap-a", "status": "pass", "checked_at": "2026-11-20T10:00:00Z"}}"#, 149 - i))
        .collect();
    results.extend((0..120).map(|i| format!(r#"{{"envoy": "gone-{i:03}", "capability": "cap-a", "status": "pass", "checked_at": "2026-11-22T10:00:00Z"}}"#)));
    results.push(r#"{"envoy": "h-000", "capability": "cap-a", "status": "fail", "checked_at": "2026-11-23T10:00:00Z"}"#.into());
    r.file("traits/results.jsonl", &(results.join("\n") + "\n"));
    let lines = |rep: &serde_json::Value, code: &str| -> Vec<u64> {
        rep["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["code"] == code)
            .map(|f| f["location"]["line"].as_u64().unwrap())
            .collect()
    };
    let listed = r.report("tf", &[]);
    assert_eq!(
        lines(&listed, "stale-trait"),
        (1..=100).collect::<Vec<u64>>()
    );
    assert_eq!(
        lines(&listed, "unknown-trait-envoy"),
        (151..=250).collect::<Vec<u64>>()
    );
    assert_eq!(lines(&listed, "future-trait"), vec![271]);
    let notes: Vec<&str> = listed["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "findings-truncated")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        notes,
        [
            "50 more `stale-trait` findings are not listed (150 in all)",
            "20 more `unknown-trait-envoy` findings are not listed (120 in all)",
        ]
    );
    let stale = &listed["findings"].as_array().unwrap()[0];
    assert_eq!(
        stale["message"],
        "Connwaer result `cap-a` for `h-149` was checked at 2026-11-20T10:00:00Z, more than 24 h before 2026-11-22T12:00:00Z; ignored"
    );
    let all = r.report("tf", &["--findings", "all"]);
    assert_eq!(lines(&all, "stale-trait"), (1..=150).collect::<Vec<u64>>());
    assert_eq!(
        lines(&all, "unknown-trait-envoy"),
        (151..=270).collect::<Vec<u64>>()
    );
    // Every finding in one order: by file, then line.
    let order: Vec<(String, u64)> = all["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["location"].is_object())
        .map(|f| {
            (
                f["location"]["file"].as_str().unwrap().to_string(),
                f["location"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted);
    let check = r.run(&["compliance", "check", "--format", "json"]).json();
    let codes: Vec<&str> = check["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes.iter().filter(|c| **c == "stale-trait").count(), 100);
    assert_eq!(
        codes
            .iter()
            .filter(|c| **c == "unknown-trait-envoy")
            .count(),
        100
    );
    let messages: Vec<&str> = check["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["code"] == "findings-truncated")
        .map(|p| p["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        messages,
        [
            "50 more `stale-trait` warnings are not listed (150 in all)",
            "20 more `unknown-trait-envoy` warnings are not listed (120 in all)",
        ]
    );
}

//! `compliance export csv`: RFC 4180 tables a spreadsheet opens, read back by Python's
//! `csv` module, equal to the JSON report, with formula cells escaped.

use crate::common::*;
use serde_json::Value;
use std::path::Path;
use std::process::Command;

/// The rows of a CSV file as Python's `csv` module reads them (UTF-8, RFC 4180), as JSON.
fn python_rows(path: &Path) -> Option<Vec<Vec<String>>> {
    if !require_tool(
        "python3",
        "--version",
        "csv export read back",
        "install python3",
    ) {
        return None;
    }
    let script = "import csv, json, sys\n\
        with open(sys.argv[1], newline='', encoding='utf-8', errors='strict') as f:\n\
        \x20   print(json.dumps(list(csv.reader(f, strict=True))))\n";
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(path)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "python csv failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(serde_json::from_slice(&out.stdout).expect("rows as JSON"))
}

fn column(header: &[String], name: &str) -> usize {
    header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name} in {header:?}"))
}

#[test]
fn control_table_reads_back_and_equals_the_json_report() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("hipaa.csv");
    let out_s = out.display().to_string();
    let run = run_clinic(&[
        "compliance",
        "export",
        "csv",
        "--framework",
        "hipaa",
        "--output",
        &out_s,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.is_empty(), "stdout stays empty: {}", run.stdout);
    assert!(
        run.stderr.contains(&format!("wrote {out_s}: ")),
        "{}",
        run.stderr
    );
    let bytes = std::fs::read(&out).expect("csv written");
    assert!(!bytes.starts_with(b"\xef\xbb\xbf"), "no byte-order mark");
    let text = String::from_utf8(bytes).expect("UTF-8");
    assert!(text.ends_with("\r\n"), "RFC 4180 line ends");
    assert_eq!(
        text.matches('\n').count(),
        text.matches("\r\n").count(),
        "every line ends in CRLF (the clinic has no line break inside a cell)"
    );

    let Some(rows) = python_rows(&out) else {
        return;
    };
    let report = run_clinic(&["compliance", "report", "hipaa", "--format", "json"])
        .ok()
        .json();
    let header = &rows[0];
    let controls = report["controls"].as_array().expect("controls");
    let na = report["not_applicable"].as_array().expect("not_applicable");
    assert_eq!(rows.len(), 1 + controls.len() + na.len());
    for (row, c) in rows[1..].iter().zip(controls) {
        assert_eq!(row.len(), header.len());
        assert_eq!(row[column(header, "framework")], "hipaa");
        assert_eq!(
            row[column(header, "control")],
            c["id"].as_str().unwrap_or("")
        );
        assert_eq!(
            row[column(header, "title")],
            c["title"].as_str().unwrap_or("")
        );
        assert_eq!(
            row[column(header, "status")],
            c["status"].as_str().unwrap_or("")
        );
        for n in [
            "envoys_covered",
            "envoys_attested",
            "envoys_waived",
            "envoys_uncovered",
            "envoys_contradicted",
        ] {
            assert_eq!(
                row[column(header, n)],
                c[n].to_string(),
                "{n} of {}",
                c["id"]
            );
        }
        assert_eq!(
            row[column(header, "envoys_in_scope")],
            report["summary"]["envoys_in_scope"].to_string()
        );
        let crates: Vec<&str> = c["configcrates"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        assert_eq!(row[column(header, "configcrates")], crates.join("; "));
        assert_eq!(
            row[column(header, "as_of")],
            report["as_of"].as_str().unwrap_or("")
        );
        assert_eq!(
            row[column(header, "inputs_digest")],
            report["inputs_digest"].as_str().unwrap_or("")
        );
    }
    // The status counts of the table are the summary's.
    for status in ["covered", "attested", "partial", "waived", "uncovered"] {
        let n = rows[1..]
            .iter()
            .filter(|r| r[column(header, "status")] == status)
            .count();
        assert_eq!(
            n.to_string(),
            report["summary"][status].to_string(),
            "{status}"
        );
    }
}

/// A framework whose titles and categories are formulas, and text a CSV must quote.
const HOSTILE_FRAMEWORK: &str = r#"id: hf
name: Hostile
version: "1"
source: "written for the tests"
controls:
  - { id: "H1", title: "=HYPERLINK(\"http://evil.example\",\"x\")", category: "+cat" }
  - { id: "H2", title: "-2+3", category: "@SUM(A1)" }
  - { id: "H3", title: "comma, \"quote\"\nand a line break", category: "plain" }
  - { id: "H4", title: "Tab\tinside", category: "a=b" }
"#;

#[test]
fn formula_cells_are_escaped_and_awkward_text_round_trips() {
    let r = Repo::new();
    r.file("frameworks/hf.yaml", HOSTILE_FRAMEWORK)
        .file("stacks/configcrates/base.vgo", "compliance:\n  hf: [H1]\n")
        .file("stacks/common.vgo", "configcrates: [base]\n")
        .file(
            "inventory/envoys.json",
            r#"{"envoys": [{"hostname": "web-1", "last_converged": "2026-11-21T08:00:00Z"}]}"#,
        );
    let out = r.path().join("out.csv");
    let out_s = out.display().to_string();
    r.run(&[
        "compliance",
        "export",
        "csv",
        "--framework",
        "hf",
        "-o",
        &out_s,
    ])
    .ok();
    let Some(rows) = python_rows(&out) else {
        return;
    };
    let header = &rows[0];
    let (t, cat) = (column(header, "title"), column(header, "category"));
    let cells: Vec<(&str, &str)> = rows[1..]
        .iter()
        .map(|row| (row[t].as_str(), row[cat].as_str()))
        .collect();
    assert_eq!(
        cells,
        [
            ("'=HYPERLINK(\"http://evil.example\",\"x\")", "'+cat"),
            ("'-2+3", "'@SUM(A1)"),
            ("comma, \"quote\"\nand a line break", "plain"),
            ("Tab\tinside", "a=b"),
        ]
    );
}

#[test]
fn per_envoy_matrix_has_one_row_per_envoy_and_control() {
    let r = three_envoy_fleet();
    let out = r.path().join("matrix.csv");
    let out_s = out.display().to_string();
    let run = r
        .run(&[
            "compliance",
            "export",
            "csv",
            "--framework",
            "tf",
            "--per-envoy",
            "-o",
            &out_s,
        ])
        .ok();
    assert!(run.stderr.contains("wrote "), "{}", run.stderr);
    let Some(rows) = python_rows(&out) else {
        return;
    };
    assert_eq!(
        rows[0],
        [
            "framework",
            "hostname",
            "environment",
            "control",
            "status",
            "evidence"
        ]
    );
    let report = r.report("tf", &[]);
    let mut want: Vec<Vec<String>> = Vec::new();
    // Envoy statuses from the JSON report: an envoy's covered controls are those whose
    // uncovered list does not name it (the fixture has no waivers or evidence).
    let controls = report["controls"].as_array().expect("controls");
    for e in report["envoys"].as_array().expect("envoys") {
        let host = e["hostname"].as_str().unwrap_or("");
        for c in controls {
            let uncovered = c["uncovered_envoys"]
                .as_array()
                .is_some_and(|u| u.iter().any(|h| h == host));
            want.push(vec![
                "tf".into(),
                host.into(),
                String::new(),
                c["id"].as_str().unwrap_or("").into(),
                if uncovered { "uncovered" } else { "covered" }.into(),
                String::new(),
            ]);
        }
    }
    assert_eq!(rows[1..], want[..]);
    assert_eq!(rows.len(), 1 + 3 * controls.len());
}

#[test]
fn per_envoy_matrix_of_every_framework_skips_repeating_profiles_and_says_so() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("all.csv");
    let out_s = out.display().to_string();
    let run = run_clinic(&["compliance", "export", "csv", "--per-envoy", "-o", &out_s]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("their per-envoy rows would repeat those of their base framework"),
        "{}",
        run.stderr
    );
    let text = std::fs::read_to_string(&out).expect("csv");
    assert!(!text.contains("\nnist-800-53-moderate,"), "profile skipped");
    assert!(text.contains("\r\nnist-800-53,"), "base framework kept");
}

#[test]
fn same_inputs_give_the_same_bytes_whatever_the_threads() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut outputs = Vec::new();
    for threads in ["1", "2", "1"] {
        let out = dir.path().join(format!("m-{}.csv", outputs.len()));
        let out_s = out.display().to_string();
        run_clinic(&[
            "--threads",
            threads,
            "compliance",
            "export",
            "csv",
            "--per-envoy",
            "--framework",
            "pci-dss",
            "-o",
            &out_s,
        ])
        .ok();
        outputs.push(std::fs::read(&out).expect("csv"));
    }
    assert_eq!(outputs[0], outputs[1]);
    assert_eq!(outputs[0], outputs[2]);
}

#[test]
fn an_unknown_framework_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("x.csv");
    let out_s = out.display().to_string();
    let run = run_clinic(&[
        "compliance",
        "export",
        "csv",
        "--framework",
        "no-such",
        "-o",
        &out_s,
    ])
    .invalid();
    assert!(run.stderr.contains("no-such"), "{}", run.stderr);
    assert!(!out.exists());
}

#[test]
fn per_envoy_statuses_and_evidence_equal_the_per_envoy_siem_events() {
    let example =
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/healthcare-saas");
    let dir = tempfile::tempdir().expect("temp dir");
    let (csv, siem) = (dir.path().join("m.csv"), dir.path().join("m.jsonl"));
    for (kind, out) in [("csv", &csv), ("siem", &siem)] {
        let args: Vec<String> = [
            "--repo",
            &example.display().to_string(),
            "--as-of",
            AS_OF,
            "compliance",
            "export",
            kind,
            "--framework",
            "hipaa",
            "--per-envoy",
            "-o",
            &out.display().to_string(),
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let run = run_raw(&args, &example);
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    let Some(rows) = python_rows(&csv) else {
        return;
    };
    let from_siem: Vec<Vec<String>> = std::fs::read_to_string(&siem)
        .expect("siem")
        .lines()
        .map(|l| {
            let e: Value = serde_json::from_str(l).expect("event");
            let ev: Vec<&str> = e["unmapped"]["evidence"]
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            vec![
                e["unmapped"]["framework"].as_str().unwrap_or("").into(),
                e["resources"][0]["name"].as_str().unwrap_or("").into(),
                e["resources"][0]["environment"]
                    .as_str()
                    .unwrap_or("")
                    .into(),
                e["unmapped"]["control"].as_str().unwrap_or("").into(),
                e["unmapped"]["vigocli_status"]
                    .as_str()
                    .unwrap_or("")
                    .into(),
                ev.join("; "),
            ]
        })
        .collect();
    assert_eq!(rows[1..], from_siem[..]);
    assert!(
        rows.iter().any(|r| r[4] == "attested" && !r[5].is_empty()),
        "the example has attested controls with their records"
    );
}

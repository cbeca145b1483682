//! `report --format pdf` and `audit export --format pdf` (docs/exports.md, "PDF"): the text
//! an auditor's tools extract (`pdftotext`, Debian's poppler-utils), byte-identical runs,
//! tables that break across pages with their header, and text outside WinAnsi.

use crate::common::{AS_OF, Repo, bin, require_tool, run_env, tf_repo};
use std::path::{Path, PathBuf};
use std::process::Command;

const INSTALL: &str = "apt-get install poppler-utils";

fn example() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/healthcare-saas")
}

/// `vigocli --repo REPO --as-of AS_OF ARGS`, with extra environment.
fn vig(repo: &Path, args: &[&str], env: &[(&str, &str)]) -> crate::common::Run {
    let mut all = vec![
        "--repo".to_string(),
        repo.display().to_string(),
        "--as-of".to_string(),
        AS_OF.to_string(),
    ];
    all.extend(args.iter().map(|s| s.to_string()));
    run_env(&all, repo, env)
}

/// The text of a PDF as pdftotext reads it, pages separated by form feeds.
fn pdftotext(pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("run pdftotext");
    assert!(
        out.status.success(),
        "pdftotext failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("pdftotext prints UTF-8")
}

/// Runs of whitespace as one space: wrapped lines join back into the sentence.
fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn report_pdf(repo: &Path, framework: &str, out: &Path, env: &[(&str, &str)]) -> Vec<u8> {
    let args = [
        "compliance",
        "report",
        framework,
        "--format",
        "pdf",
        "--output",
        out.to_str().unwrap(),
    ];
    vig(repo, &args, env).ok();
    std::fs::read(out).unwrap()
}

#[test]
fn the_hipaa_pdf_has_every_control_id_and_the_summary_formulas() {
    if !require_tool("pdftotext", "-v", "pdf", INSTALL) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("hipaa.pdf");
    let bytes = report_pdf(&example(), "hipaa", &pdf, &[]);
    assert!(bytes.starts_with(b"%PDF-"));
    let text = squash(&pdftotext(&pdf));
    let json = vig(
        &example(),
        &["compliance", "report", "hipaa", "--format", "json"],
        &[],
    )
    .ok()
    .json();
    assert!(text.contains(AS_OF), "{text}");
    assert!(text.contains(json["inputs_digest"].as_str().unwrap()));
    let controls = json["controls"].as_array().unwrap();
    assert!(controls.len() > 50);
    for c in controls {
        let id = c["id"].as_str().unwrap();
        assert!(text.contains(id), "control {id} is not in the PDF's text");
    }
    let formulas = json["summary"]["formulas"].as_object().unwrap();
    assert!(formulas.len() >= 4);
    for (name, formula) in formulas {
        let formula = squash(formula.as_str().unwrap());
        assert!(
            text.contains(&formula),
            "formula {name} `{formula}` is not in the PDF's text"
        );
    }
    // The JSON report's headline numbers, as printed.
    assert!(text.contains("coverage_pct 78.69 %"), "{text}");
}

#[test]
fn two_runs_are_byte_identical_whatever_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let a = report_pdf(
        &example(),
        "hipaa",
        &dir.path().join("a.pdf"),
        &[("RAYON_NUM_THREADS", "1")],
    );
    let b = report_pdf(
        &example(),
        "hipaa",
        &dir.path().join("b.pdf"),
        &[("RAYON_NUM_THREADS", "4")],
    );
    assert!(a == b, "two runs gave different PDFs");
    // Nothing of the clock: no creation or modification date in the document.
    let raw = String::from_utf8_lossy(&a);
    assert!(!raw.contains("/CreationDate") && !raw.contains("/ModDate"));
    assert!(raw.trim_end().ends_with("%%EOF"));
}

#[test]
fn a_long_table_breaks_across_pages_and_repeats_its_header() {
    if !require_tool("pdftotext", "-v", "pdf", INSTALL) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("nist.pdf");
    report_pdf(&example(), "nist-800-53", &pdf, &[]);
    let text = pdftotext(&pdf);
    let pages: Vec<&str> = text
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .collect();
    assert!(pages.len() > 20, "{} pages", pages.len());
    let total = pages.len();
    let mut with_table = 0;
    for (i, page) in pages.iter().enumerate() {
        assert!(page.contains(&format!("Page {} of {total}", i + 1)));
        // The control table runs from the first page to the findings (a table of its own).
        if page.contains("Findings (") {
            break;
        }
        {
            // Every page of the control table starts it with its header row.
            assert!(
                page.contains("Status") && page.contains("Evidence") && page.contains("Waivers"),
                "page {} lacks the header row",
                i + 1
            );
            with_table += 1;
        }
    }
    assert!(with_table > 20);
    let squashed = squash(&text);
    for id in ["AC-1", "AC-2(12)", "SI-4(25)", "SR-12"] {
        assert!(squashed.contains(id), "{id}");
    }
}

#[test]
fn report_all_writes_one_pdf_per_framework() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("pdfs");
    let run = vig(
        &example(),
        &[
            "compliance",
            "report",
            "all",
            "--format",
            "pdf",
            "--output-dir",
            site.to_str().unwrap(),
        ],
        &[],
    )
    .ok();
    assert!(run.stdout.is_empty());
    for fw in ["hipaa.pdf", "nist-800-53.pdf", "soc2.pdf"] {
        let bytes = std::fs::read(site.join(fw)).unwrap_or_else(|e| panic!("{fw}: {e}"));
        assert!(bytes.starts_with(b"%PDF-"), "{fw}");
    }
}

#[test]
fn text_outside_winansi_stays_searchable() {
    if !require_tool("pdftotext", "-v", "pdf", INSTALL) {
        return;
    }
    let r = tf_repo();
    r.file(
        "frameworks/intl.yaml",
        r#"id: intl
name: "Contrôles Zürich"
version: "1"
source: "written for the tests"
controls:
  - { id: "Z-1", title: "Zugriffsschutz für Geräte — Übersicht" }
  - { id: "Z-2", title: "東京 data-centre access" }
  - { id: "Z-3", title: "Контроль доступа → журнал" }
"#,
    )
    .file("stacks/configcrates/base.vgo", "compliance:\n  intl: [Z-1]\n")
    .file("stacks/common.vgo", "configcrates: [base]\n")
    .file("stacks/envoys.vgo", "envoys:\n  - match: \"*\"\n")
    .file(
        "inventory/envoys.json",
        r#"{"envoys": [{"hostname": "bücher-01.example", "last_converged": "2026-11-21T08:00:00Z"}]}"#,
    );
    let pdf = r.path().join("intl.pdf");
    report_pdf(r.path(), "intl", &pdf, &[]);
    let text = squash(&pdftotext(&pdf));
    for s in [
        "Contrôles Zürich",
        "Zugriffsschutz für Geräte — Übersicht",
        "東京 data-centre access",
        "Контроль доступа → журнал",
        "bücher-01.example",
    ] {
        assert!(text.contains(s), "`{s}` is not in the PDF's text:\n{text}");
    }
}

#[test]
fn audit_export_pdf_lists_the_window_and_to_is_until() {
    let r = Repo::new();
    for (i, day) in ["2026-11-01", "2026-11-02", "2026-11-03"]
        .iter()
        .enumerate()
    {
        let ts = format!("{day}T10:00:00Z");
        let details = format!("{{\"ticket\":\"SEC-{i}\"}}");
        let args = [
            "--repo",
            r.path().to_str().unwrap(),
            "--as-of",
            &ts,
            "audit",
            "append",
            "--actor",
            "José Müller",
            "--action",
            "waiver.approve",
            "--target",
            "hipaa:164.312(b) → 東京",
            "--details",
            &details,
        ];
        run_env(&args, r.path(), &[]).ok();
    }
    let export = |flag: &str, out: &str| {
        r.run(&[
            "audit",
            "export",
            "--since",
            "2026-11-02",
            flag,
            "2026-11-03",
            "--format",
            "pdf",
            "-o",
            out,
        ])
        .ok();
        std::fs::read(r.path().join(out)).unwrap()
    };
    let a = export("--to", "a.pdf");
    let b = export("--until", "b.pdf");
    assert!(a.starts_with(b"%PDF-"));
    assert!(a == b, "--to and --until gave different PDFs");
    // The JSON Lines export of the same window: the same one entry.
    let lines = r
        .run(&[
            "audit",
            "export",
            "--since",
            "2026-11-02",
            "--to",
            "2026-11-03",
        ])
        .ok()
        .stdout;
    assert_eq!(lines.lines().count(), 1);
    if !require_tool("pdftotext", "-v", "pdf", INSTALL) {
        return;
    }
    let text = squash(&pdftotext(&r.path().join("a.pdf")));
    for s in [
        "Audit log export",
        "José Müller",
        "hipaa:164.312(b) → 東京",
        "2026-11-02T10:00:00Z",
        "SEC-1",
    ] {
        assert!(text.contains(s), "`{s}` is not in the PDF's text:\n{text}");
    }
    assert!(!text.contains("SEC-0") && !text.contains("SEC-2"));
}

#[test]
fn a_pdf_is_bytes_on_stdout_when_it_is_not_a_terminal() {
    let out = Command::new(bin())
        .args(["--repo", example().to_str().unwrap(), "--as-of", AS_OF])
        .args(["compliance", "report", "hipaa", "--format", "pdf"])
        .env_clear()
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.starts_with(b"%PDF-"));
    let dir = tempfile::tempdir().unwrap();
    let file = report_pdf(&example(), "hipaa", &dir.path().join("h.pdf"), &[]);
    assert!(out.stdout == file);
}

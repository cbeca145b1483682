//! `catalog import`: NIST's resolved High baseline catalog becomes a framework that counts
//! exactly the controls of the built-in `nist-800-53-high`; a CSV import round-trips through
//! `catalog show`; broken inputs give positioned `bad-import` errors, exit 2 and no file;
//! the output is never replaced without `--force`. And the stricter control-ID matching
//! through the binary: assessment-objective spellings refused with both readings,
//! zero-padded NIST ids accepted, a HIPAA paragraph that only groups specifications named
//! as a heading.

use crate::common::{Repo, Run, run_raw, status};
use serde_json::Value;
use sha2::Digest as _;
use std::path::PathBuf;

const HIGH: &str = "NIST_SP-800-53_rev5_HIGH-baseline-resolved-profile_catalog-min.json";

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/oscal")
        .join(name)
}

/// A repository with one configcrate (a report needs one), holding `tags` as its
/// `compliance:` mapping.
fn repo(tags: &str) -> Repo {
    let r = Repo::new();
    r.file("stacks/configcrates/a.vgo", &format!("compliance:\n{tags}"));
    r
}

/// The ids of a JSON report's controls, sorted.
fn report_ids(report: &Value) -> Vec<String> {
    let mut ids: Vec<String> = report["controls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids
}

/// (id, parent) of every control `catalog show --format json` lists.
fn shown(r: &Repo, id: &str) -> Vec<(String, Option<String>)> {
    let run = r
        .run(&[
            "catalog",
            "show",
            id,
            "--catalog",
            "frameworks",
            "--format",
            "json",
        ])
        .ok();
    run.json()["controls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap().to_string(),
                c["parent"].as_str().map(str::to_string),
            )
        })
        .collect()
}

#[test]
fn the_resolved_high_baseline_counts_the_same_370_controls_as_the_built_in_one() {
    let r = repo("  high-imported: [AC-2]\n  nist-800-53: [AC-2]\n");
    let src = r.path().join(HIGH);
    std::fs::copy(fixture(HIGH), &src).unwrap();
    let run = r
        .run(&[
            "catalog",
            "import",
            "--from",
            "oscal",
            HIGH,
            "--id",
            "high-imported",
        ])
        .ok();
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(
        run.stderr.contains("frameworks/high-imported.yaml")
            && run
                .stderr
                .contains("370 controls counted, 18 headings, 0 withdrawn"),
        "{}",
        run.stderr
    );
    let written = std::fs::read_to_string(r.path().join("frameworks/high-imported.yaml")).unwrap();
    // The header names the source, its digest and the command.
    let digest: String = sha2::Sha256::digest(std::fs::read(fixture(HIGH)).unwrap())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert!(
        written.contains(&format!("# Source file: {HIGH}\n")),
        "{written}"
    );
    assert!(written.contains(&format!("# SHA-256: {digest}\n")));
    assert!(written.contains(&format!(
        "# Command: vigocli catalog import --from oscal {HIGH} --id high-imported\n"
    )));
    assert!(written.contains("\nversion: \"5.1.1+u4\"\n"));

    let imported = r.report("high-imported", &[]);
    let builtin = r.report("nist-800-53-high", &[]);
    assert_eq!(imported["summary"]["controls_total"], 370);
    assert_eq!(builtin["summary"]["controls_total"], 370);
    assert_eq!(report_ids(&imported), report_ids(&builtin));
    assert_eq!(status(&imported, "AC-2"), "covered");
    assert_eq!(imported["summary"]["covered"], 1);
    // Enhancements are children of their control, families are headings.
    let controls = shown(&r, "high-imported");
    assert!(controls.contains(&("AC-2(1)".into(), Some("AC-2".into()))));
    assert!(controls.contains(&("AC".into(), None)));

    // The same input writes the same bytes (here with --force over the first file).
    r.run(&[
        "catalog",
        "import",
        "--from",
        "oscal",
        HIGH,
        "--id",
        "high-imported",
        "--force",
    ])
    .ok();
    assert_eq!(
        std::fs::read_to_string(r.path().join("frameworks/high-imported.yaml")).unwrap(),
        written
    );
}

const CSV: &str = "id,title,parent,category,assessable\r\n\
A.1.1,\"Keys, rotated\",A.1,Crypto,\r\n\
A,\"Annex \"\"A\"\"\",,,false\r\n\
A.1,Cryptography,A,,false\r\n\
A.1.2,\"Two\nlines\",a.1,Crypto,TRUE\r\n\
B.1,Backups,,Ops,\r\n";

#[test]
fn a_csv_import_round_trips_through_catalog_show() {
    let r = repo("  mine: [A.1.2, \"b.1\"]\n");
    r.file("controls.csv", CSV);
    let run = r
        .run(&[
            "catalog",
            "import",
            "--from",
            "csv",
            "controls.csv",
            "--id",
            "mine",
            "--name",
            "Our controls",
            "--framework-version",
            "2026",
        ])
        .ok();
    assert!(
        run.stderr
            .contains("3 controls counted, 2 headings, 0 withdrawn"),
        "{}",
        run.stderr
    );
    // Parents first (A.1.1 waited for A.1), each with its parent's spelling.
    assert_eq!(
        shown(&r, "mine"),
        [
            ("A".to_string(), None),
            ("A.1".into(), Some("A".into())),
            ("A.1.1".into(), Some("A.1".into())),
            ("A.1.2".into(), Some("A.1".into())),
            ("B.1".into(), None),
        ]
    );
    let run = r
        .run(&[
            "catalog",
            "show",
            "mine",
            "--catalog",
            "frameworks/mine.yaml",
        ])
        .ok();
    assert!(
        run.stdout
            .starts_with("Our controls 2026 — 3 counted controls\nsource: CSV file controls.csv\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("A\tAnnex \"A\" (heading)\n"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("A.1.1\tKeys, rotated\n"));
    let rep = r.report("mine", &[]);
    assert_eq!(rep["summary"]["controls_total"], 3);
    assert_eq!(rep["framework"]["name"], "Our controls");
    assert_eq!(status(&rep, "A.1.2"), "covered");
    assert_eq!(status(&rep, "B.1"), "covered");
    assert_eq!(status(&rep, "A.1.1"), "uncovered");
    // `catalog list` sees it too, with --catalog.
    let run = r.run(&["catalog", "list", "--catalog", "frameworks"]).ok();
    assert!(run.stdout.contains("  mine "), "{}", run.stdout);
    let run = r.run(&["catalog", "list"]).ok();
    assert!(!run.stdout.contains("  mine "));
}

/// Runs an import of `name` holding `content`; it must fail with exit 2, print every
/// `(code, file:line:col)` of `want` in that order, and write nothing.
#[track_caller]
fn refused(from: &str, name: &str, content: &str, want: &[(&str, &str)]) -> Run {
    let r = repo("  hipaa: [\"164.312(b)\"]\n");
    r.file(name, content);
    let run = r
        .run(&["catalog", "import", "--from", from, name, "--id", "broken"])
        .invalid();
    assert!(run.stdout.is_empty());
    let mut at = 0;
    for (code, pos) in want {
        let needle = format!("error[{code}]");
        let found = run.stderr[at..]
            .find(&needle)
            .unwrap_or_else(|| panic!("no {needle} after byte {at}:\n{}", run.stderr));
        let rest = &run.stderr[at + found..];
        let loc = rest.lines().nth(1).unwrap_or_default();
        assert_eq!(loc.trim(), format!("--> {pos}"), "{}", run.stderr);
        at += found + needle.len();
    }
    assert_eq!(
        run.stderr.matches("error[").count(),
        want.len(),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("nothing was written"), "{}", run.stderr);
    assert!(!r.path().join("frameworks").exists(), "a file was written");
    run
}

#[test]
fn broken_inputs_give_positioned_errors_exit_2_and_no_file() {
    // Bad JSON, at serde_json's position.
    let run = refused(
        "oscal",
        "bad.json",
        "{\"catalog\": {\"groups\": [\n  {\"id\": \"ac\", \"title\": \"A\",\n   \"controls\": [}\n]}}\n",
        &[("bad-import", "bad.json:3:17")],
    );
    assert!(run.stderr.contains("invalid OSCAL JSON"), "{}", run.stderr);
    // A control without an id and two controls with one id: every error of the run.
    let run = refused(
        "oscal",
        "ids.json",
        "{\"catalog\": {\"controls\": [\n  {\"title\": \"no id\"},\n  {\"id\": \"x-1\", \"title\": \"one\"},\n  {\"id\": \"X-1\", \"title\": \"again\"}\n]}}\n",
        &[
            ("bad-import", "ids.json:2:3"),
            ("bad-import", "ids.json:4:3"),
        ],
    );
    assert!(
        run.stderr.contains("an OSCAL control has no `id`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("control id \"X-1\" is listed twice (first as \"x-1\")")
    );
    // An unresolved profile is not a catalog.
    let run = refused(
        "oscal",
        "profile.json",
        "{\"profile\": {\"imports\": []}}",
        &[("bad-import", "profile.json:1:1")],
    );
    assert!(
        run.stderr.contains("resolve the profile first"),
        "{}",
        run.stderr
    );
    // CSV: a duplicate id (after case folding), a missing id.
    refused(
        "csv",
        "dup.csv",
        "id,title\nA1,One\n,No id\na1,Again\n",
        &[("bad-import", "dup.csv:3:1"), ("bad-import", "dup.csv:4:1")],
    );
    // CSV: an unknown parent, at its cell.
    let run = refused(
        "csv",
        "parent.csv",
        "id,title,parent\nA,Alpha,\nB,Beta,Z\n",
        &[("bad-import", "parent.csv:3:8")],
    );
    assert!(
        run.stderr
            .contains("parent \"Z\" of control \"B\" is not a control of this file")
    );
    // CSV: bad quoting, twice, and a row of the wrong width, all in one run.
    let run = refused(
        "csv",
        "quotes.csv",
        "id,title\nA,say \"hi\"\n\"B\"x,Bee\nC,Sea,extra\n\"D,never closed\n",
        &[
            ("bad-import", "quotes.csv:2:7"),
            ("bad-import", "quotes.csv:3:4"),
            ("bad-import", "quotes.csv:4:1"),
            ("bad-import", "quotes.csv:5:1"),
        ],
    );
    assert!(
        run.stderr.contains("this quoted field is never closed"),
        "{}",
        run.stderr
    );
    // Not UTF-8: the file's own error, still nothing written.
    let r = repo("  hipaa: [\"164.312(b)\"]\n");
    r.bytes("latin1.csv", b"id,title\nA,caf\xe9\n");
    let run = r
        .run(&[
            "catalog",
            "import",
            "--from",
            "csv",
            "latin1.csv",
            "--id",
            "x",
        ])
        .invalid();
    assert!(run.stderr.contains("error[not-utf8]"), "{}", run.stderr);
    assert!(!r.path().join("frameworks").exists());
}

#[test]
fn an_existing_output_is_replaced_only_with_force() {
    let r = repo("  hipaa: [\"164.312(b)\"]\n");
    r.file("c.csv", "id,title\nA,Alpha\n");
    r.file("frameworks/mine.yaml", "# mine\n");
    let run = r
        .run(&[
            "catalog", "import", "--from", "csv", "c.csv", "--id", "mine",
        ])
        .invalid();
    assert!(
        run.stderr.contains("error[output-exists]"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--force"));
    assert_eq!(
        std::fs::read_to_string(r.path().join("frameworks/mine.yaml")).unwrap(),
        "# mine\n"
    );
    // The input's own errors come in the same run.
    r.file("bad.csv", "id,title\n,x\n");
    let run = r
        .run(&[
            "catalog", "import", "--from", "csv", "bad.csv", "--id", "mine",
        ])
        .invalid();
    assert!(
        run.stderr.contains("error[output-exists]") && run.stderr.contains("error[bad-import]")
    );
    r.run(&[
        "catalog", "import", "--from", "csv", "c.csv", "--id", "mine", "--force",
    ])
    .ok();
    assert!(
        std::fs::read_to_string(r.path().join("frameworks/mine.yaml"))
            .unwrap()
            .contains("\nid: \"mine\"\nname: \"mine\"\nversion: \"unversioned\"\nsource: \"CSV file c.csv\"\n")
    );
    // --output writes anywhere (no repository needed), never over the input itself.
    let out = r.path().join("elsewhere.yaml");
    let dir = tempfile::tempdir().unwrap();
    let args: Vec<String> = [
        "catalog",
        "import",
        "--from",
        "csv",
        &r.path().join("c.csv").display().to_string(),
        "--id",
        "mine",
        "--output",
        &out.display().to_string(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    run_raw(&args, dir.path()).ok();
    assert!(out.exists());
    let run = r
        .run(&[
            "catalog", "import", "--from", "csv", "c.csv", "--id", "mine", "--output", "c.csv",
            "--force",
        ])
        .invalid();
    assert!(
        run.stderr.contains("error[output-is-input]"),
        "{}",
        run.stderr
    );
    assert_eq!(
        std::fs::read_to_string(r.path().join("c.csv")).unwrap(),
        "id,title\nA,Alpha\n"
    );
    // Without --output, outside a repository: refused.
    let args: Vec<String> = [
        "catalog", "import", "--from", "csv", "x.csv", "--id", "mine",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let run = run_raw(&args, dir.path()).invalid();
    assert!(
        run.stderr.contains("error[not-a-repository]"),
        "{}",
        run.stderr
    );
    // An id that cannot name a file, or that a built-in framework uses as an alias.
    for (id, says) in [
        ("../up", "is not a framework id"),
        ("pci", "is an alias of the built-in framework `pci-dss`"),
    ] {
        let run = r
            .run(&[
                "catalog", "import", "--from", "csv", "c.csv", "--id", id, "--force",
            ])
            .invalid();
        assert!(run.stderr.contains("error[bad-argument]"), "{}", run.stderr);
        assert!(run.stderr.contains(says), "{}", run.stderr);
    }
}

#[test]
fn ambiguous_spellings_are_refused_and_zero_padded_ids_accepted() {
    let r = repo(
        "  nist-800-53: [\"AC-02\", \"AC-02(01)\", \"sc-8.1\", \"CM-6(a)\", \"ac-2_smt.a\"]\n",
    );
    let rep = r.report("nist-800-53", &[]);
    for id in ["AC-2", "AC-2(1)", "SC-8(1)", "CM-6"] {
        assert_eq!(status(&rep, id), "covered", "{id}");
    }
    assert_eq!(rep["summary"]["covered"], 4);

    let r =
        repo("  nist-800-53: [\"AU-12.1(ii)\", \"AU-5.1(ii)\", \"CM-6.1(iv)\", \"CM-7.1(ii)\"]\n");
    let run = r
        .run(&["compliance", "report", "nist-800-53", "--format", "json"])
        .invalid();
    assert_eq!(
        run.stderr.matches("error[ambiguous-control]").count(),
        4,
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains(
        "= help: AU-12.1(ii) reads as an assessment objective of AU-12, or as enhancement AU-12(1); write AU-12 or AU-12(1)"
    ), "{}", run.stderr);
    assert!(
        run.stderr.contains("--> stacks/configcrates/a.vgo:2:46"),
        "{}",
        run.stderr
    );

    let r = repo("  hipaa: [\"164.310(d)(2)\"]\n");
    let run = r
        .run(&["compliance", "report", "hipaa", "--format", "json"])
        .invalid();
    assert!(
        run.stderr.contains(
            "error[heading-control]: \"164.310(d)(2)\" is a heading of HIPAA Security Rule"
        ),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains(
        "= help: tag the requirements under it instead: 164.310(d)(2)(i), 164.310(d)(2)(ii), 164.310(d)(2)(iii), 164.310(d)(2)(iv)"
    ), "{}", run.stderr);
}

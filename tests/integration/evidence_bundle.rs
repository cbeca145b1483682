//! Evidence in audit bundles (docs/audit.md, "Evidence in a bundle"): the framework's
//! records and documents go in, `unzip -t` and `sha256sum -c` accept the result,
//! `compliance verify` checks every document against its record's pinned hash and names
//! a changed one, and two builds are byte-identical.

use crate::audit::{WINDOW, build, clinic_with_log, rejected, rezip, unzip, verify};
use crate::common::*;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::process::Command;
use vigocli::audit::bundle::{self, sha256_hex};
use vigocli::audit::zipfmt;

const RISK: &str = "# Risk assessment 2026\n\nScope: the clinic portal. Method: NIST SP 800-30.\n";
const TRAINING: &str =
    "# Workforce training log\n\n| who | when |\n| --- | --- |\n| ana | 2026-02-01 |\n";
const BAA: &str = "# BAA register\n\n- Hosting provider, signed 2026-01-15\n";
const SOC2_ONLY: &str = "# Board minutes\n";

const RISK_DOC: &str = "evidence/files/risk-assessment.md";
const RISK_MEMBER: &str = "evidence/files/evidence/files/risk-assessment.md";
const TRAINING_MEMBER: &str = "evidence/files/evidence/files/training-log.md";
/// `BAA register.md`: the space becomes `_` inside the bundle.
const BAA_MEMBER: &str = "evidence/files/evidence/files/BAA_register.md";

fn reviewed(sha: &str, expires: &str) -> String {
    format!(
        "    expires: {expires}\n    status: accepted\n    reviewed_by: \"auditor@example.com\"\n    reviewed_at: 2026-01-20\n    sha256: \"{sha}\"\n"
    )
}

fn record(id: &str, controls: &str, kind: &str, rest: &str) -> String {
    format!(
        "  - id: {id}\n    title: \"{id}\"\n    controls: {controls}\n{kind}    collected: 2026-01-10\n    owner: \"security@example.com\"\n{rest}"
    )
}

fn file(path: &str) -> String {
    format!("    kind: file\n    path: \"{path}\"\n")
}

/// The clinic with a log of six entries and evidence for HIPAA in every state that
/// matters to a bundle: accepted and intact (two records on one document), a document
/// edited after review (`changed`), expired, pending (no hash pinned, a path with a
/// space), a URL, and a record of another framework only (not in a HIPAA bundle).
fn clinic_with_evidence() -> Repo {
    let r = clinic_with_log(6);
    r.file(RISK_DOC, RISK)
        .file("evidence/files/training-log.md", TRAINING)
        .file("evidence/files/BAA register.md", BAA)
        .file("evidence/files/minutes.md", SOC2_ONLY);
    let records = [
        record(
            "risk-assessment-2026",
            "[\"hipaa:164.308(a)(1)(ii)(A)\", \"soc2:CC3.2\"]",
            &file(RISK_DOC),
            &reviewed(&sha256_hex(RISK.as_bytes()), "2027-03-01"),
        ),
        record(
            "risk-management-plan",
            "[\"hipaa:164.308(a)(1)(ii)(B)\"]",
            &file(RISK_DOC),
            &reviewed(&sha256_hex(RISK.as_bytes()), "2027-03-01"),
        ),
        record(
            "training-2026",
            "[\"hipaa:164.308(a)(5)(i)\"]",
            &file("evidence/files/training-log.md"),
            &reviewed(&sha256_hex(b"the log as it was reviewed\n"), "2027-03-01"),
        ),
        record(
            "old-risk-assessment",
            "[\"hipaa:164.308(a)(1)(ii)(A)\"]",
            &file(RISK_DOC),
            &reviewed(&sha256_hex(RISK.as_bytes()), "2026-06-01"),
        ),
        record(
            "baa-register",
            "[\"hipaa:164.308(b)(1)\"]",
            &file("evidence/files/BAA register.md"),
            "    expires: 2027-03-01\n    status: pending_review\n",
        ),
        record(
            "contingency-plan",
            "[\"hipaa:164.308(a)(7)(i)\"]",
            "    kind: url\n    url: \"https://wiki.example.com/contingency\"\n",
            "    expires: 2027-03-01\n    status: accepted\n    reviewed_by: \"auditor@example.com\"\n    reviewed_at: 2026-01-20\n",
        ),
        record(
            "board-minutes",
            "[\"soc2:CC1.2\"]",
            &file("evidence/files/minutes.md"),
            &reviewed(&sha256_hex(SOC2_ONLY.as_bytes()), "2027-03-01"),
        ),
    ];
    r.file(
        "evidence/records.yaml",
        &format!("evidence:\n{}", records.concat()),
    );
    r
}

fn get<'a>(m: &'a [(String, Vec<u8>)], name: &str) -> &'a [u8] {
    &m.iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no {name} in the bundle"))
        .1
}

fn set(m: &mut [(String, Vec<u8>)], name: &str, bytes: Vec<u8>) {
    m.iter_mut()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no {name} in the bundle"))
        .1 = bytes;
}

fn json_of(m: &[(String, Vec<u8>)], name: &str) -> Value {
    serde_json::from_slice(get(m, name)).unwrap()
}

fn set_json(m: &mut [(String, Vec<u8>)], name: &str, v: &Value) {
    let mut s = serde_json::to_string_pretty(v).unwrap();
    s.push('\n');
    set(m, name, s.into_bytes());
}

/// What someone without the signing key does after an edit: recompute every subject
/// digest and SHA256SUMS, leaving the rest of the manifest as it was.
fn reseal(m: &mut [(String, Vec<u8>)]) {
    let mut manifest = json_of(m, bundle::MANIFEST);
    let names: Vec<String> = m
        .iter()
        .map(|(n, _)| n.clone())
        .filter(|n| ![bundle::MANIFEST, bundle::SUMS, bundle::SIGNATURE].contains(&n.as_str()))
        .collect();
    manifest["subject"] = names
        .iter()
        .map(|n| json!({"name": n, "digest": {"sha256": sha256_hex(get(m, n))}}))
        .collect();
    set_json(m, bundle::MANIFEST, &manifest);
    let mut sums = String::new();
    let mut sorted = m.to_vec();
    sorted.sort();
    for (name, bytes) in &sorted {
        if name != bundle::SUMS {
            sums.push_str(&format!("{}  {name}\n", sha256_hex(bytes)));
        }
    }
    set(m, bundle::SUMS, sums.into_bytes());
}

fn line_of<'a>(stdout: &'a str, check: &str) -> &'a str {
    stdout
        .lines()
        .find(|l| l.split_whitespace().nth(1) == Some(check))
        .unwrap_or_else(|| panic!("no `{check}` line:\n{stdout}"))
}

// ---- JSON Schemas of the evidence members ---------------------------------------------

fn validator(name: &str) -> jsonschema::Validator {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("schemas");
    let mut docs = Vec::new();
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "json") {
            let v: Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
            let file = p.file_name().unwrap().to_string_lossy().into_owned();
            docs.push((format!("https://vigocli.dev/schemas/{file}"), v));
        }
    }
    let registry = jsonschema::Registry::new()
        .extend(docs.iter().cloned())
        .unwrap()
        .prepare()
        .unwrap();
    let schema = &docs
        .iter()
        .find(|(id, _)| id.ends_with(&format!("/{name}")))
        .unwrap()
        .1;
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .with_registry(&registry)
        .build(schema)
        .unwrap()
}

#[track_caller]
fn assert_schema(name: &str, doc: &Value) {
    let v = validator(name);
    let errors: Vec<String> = v.iter_errors(doc).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{name}:\n{}", errors.join("\n"));
}

// ---- the tests -------------------------------------------------------------------------

#[test]
fn a_bundle_with_evidence_verifies_and_standard_tools_accept_it() {
    let r = clinic_with_evidence();
    let zip = build(&r, "b.zip", WINDOW);
    let m = unzip(&zip);
    let names: Vec<&str> = m.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "SHA256SUMS",
            "VERIFY.txt",
            "audit-log.jsonl",
            "boundary.json",
            "evidence/files/evidence/files/BAA_register.md",
            "evidence/files/evidence/files/risk-assessment.md",
            "evidence/files/evidence/files/training-log.md",
            "evidence/records.json",
            "manifest.json",
            "report.html",
            "report.json"
        ],
        "one copy of a document however many records name it; no other framework's document"
    );
    assert_eq!(get(&m, RISK_MEMBER), RISK.as_bytes());
    assert_eq!(
        get(&m, TRAINING_MEMBER),
        TRAINING.as_bytes(),
        "a changed document goes in as it is now"
    );
    assert_eq!(get(&m, BAA_MEMBER), BAA.as_bytes());

    // The manifest: every document a subject, one predicate entry per record.
    let manifest = json_of(&m, bundle::MANIFEST);
    assert_schema("audit-bundle-manifest-v1.json", &manifest);
    let subjects: Vec<&str> = manifest["subject"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    for member in [
        RISK_MEMBER,
        TRAINING_MEMBER,
        BAA_MEMBER,
        "evidence/records.json",
    ] {
        assert!(subjects.contains(&member), "{member} in {subjects:?}");
    }
    let risk = sha256_hex(RISK.as_bytes());
    let reviewed_training = sha256_hex(b"the log as it was reviewed\n");
    assert_eq!(
        manifest["predicate"]["evidence"],
        json!([
            {"id": "risk-assessment-2026", "kind": "file", "state": "attesting",
             "path": RISK_MEMBER, "source": RISK_DOC, "sha256": risk},
            {"id": "risk-management-plan", "kind": "file", "state": "attesting",
             "path": RISK_MEMBER, "source": RISK_DOC, "sha256": risk},
            {"id": "training-2026", "kind": "file", "state": "changed",
             "path": TRAINING_MEMBER, "source": "evidence/files/training-log.md",
             "sha256": reviewed_training, "current_sha256": sha256_hex(TRAINING.as_bytes())},
            {"id": "old-risk-assessment", "kind": "file", "state": "expired",
             "path": RISK_MEMBER, "source": RISK_DOC, "sha256": risk},
            {"id": "baa-register", "kind": "file", "state": "pending-review",
             "path": BAA_MEMBER, "source": "evidence/files/BAA register.md",
             "current_sha256": sha256_hex(BAA.as_bytes())},
            {"id": "contingency-plan", "kind": "url", "state": "attesting"}
        ])
    );

    // records.json: the report's rows, the same objects, and the documents.
    let records = json_of(&m, "evidence/records.json");
    assert_schema("evidence-records-v1.json", &records);
    let report = json_of(&m, "report.json");
    assert_eq!(records["records"], report["evidence"]);
    assert_eq!(records["framework"], "hipaa");
    assert_eq!(records["as_of"], report["as_of"]);
    assert_eq!(
        records["files"][1],
        json!({"path": RISK_MEMBER, "source": RISK_DOC, "sha256": risk})
    );
    let readme = String::from_utf8_lossy(get(&m, "VERIFY.txt")).into_owned();
    assert!(
        readme.contains("Evidence: 6 record(s) in evidence/records.json, 3 document(s)"),
        "{readme}"
    );

    // verify: passes; the record that was already changed is a warning naming it.
    let run = verify(&r, &zip, &[]).ok();
    let line = line_of(&run.stdout, "evidence");
    assert!(line.starts_with("warn  evidence"), "{}", run.stdout);
    assert!(
        line.contains("6 record(s), 3 document(s); 3 match their record's pinned sha256"),
        "{line}"
    );
    assert!(
        line.contains(&format!(
            "record `training-2026` (changed): `{TRAINING_MEMBER}` already differed from its pinned sha256 when the bundle was made (pinned {reviewed_training}, bundled {})",
            sha256_hex(TRAINING.as_bytes())
        )),
        "{line}"
    );
    assert!(
        run.stdout
            .lines()
            .last()
            .unwrap()
            .starts_with("verified: 9 checks passed (1 with a warning), 2 skipped"),
        "{}",
        run.stdout
    );
    let doc = verify(&r, &zip, &["--format", "json"]).ok().json();
    assert_schema("bundle-verification-v1.json", &doc);
    assert_eq!(doc["ok"], true);
    let check = doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "evidence")
        .unwrap();
    assert_eq!(check["status"], "warn");

    // The auditor's own tools.
    if require_tool(
        "unzip",
        "-v",
        "the auditor's unzip -t and sha256sum -c of a bundle with evidence",
        ".ci/run installs it",
    ) {
        let out = Command::new("unzip")
            .arg("-t")
            .arg(r.path().join("b.zip"))
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{text}");
        assert!(text.contains("No errors detected"), "{text}");
        let dir = r.path().join("extracted");
        let out = Command::new("unzip")
            .arg("-q")
            .arg(r.path().join("b.zip"))
            .arg("-d")
            .arg(&dir)
            .output()
            .unwrap();
        assert!(out.status.success());
        let verified = zipfmt::read_all(&zip, zipfmt::DEFAULT_LIMITS).unwrap();
        assert_eq!(
            extracted(&dir),
            verified,
            "unzip extracts exactly the files verify hashed, directories included"
        );
        if require_tool(
            "sha256sum",
            "--version",
            "the auditor's sha256sum -c of a bundle with evidence",
            "install coreutils",
        ) {
            let out = Command::new("sha256sum")
                .args(["-c", "SHA256SUMS"])
                .current_dir(&dir)
                .output()
                .unwrap();
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(out.status.success(), "{text}");
            assert_eq!(text.matches(": OK").count(), 10, "{text}");
            assert!(text.contains(&format!("{RISK_MEMBER}: OK")), "{text}");
        }
    }
}

/// Every file under `dir`, by `/`-separated relative path.
fn extracted(dir: &std::path::Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap();
            let name: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            (name.join("/"), std::fs::read(e.path()).unwrap())
        })
        .collect()
}

#[test]
fn python_zipfile_extracts_what_verify_verified() {
    if !require_tool(
        "python3",
        "--version",
        "python zipfile extraction of a bundle with evidence",
        "install python3",
    ) {
        return;
    }
    let r = clinic_with_evidence();
    let zip = build(&r, "b.zip", WINDOW);
    let dir = r.path().join("py");
    let out = Command::new("python3")
        .args([
            "-c",
            "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])",
        ])
        .arg(r.path().join("b.zip"))
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        extracted(&dir),
        zipfmt::read_all(&zip, zipfmt::DEFAULT_LIMITS).unwrap()
    );
}

#[test]
fn the_reader_refuses_a_name_that_is_both_file_and_directory() {
    let r = clinic_with_log(1);
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for name in ["evidence/files/a", "evidence/files/a/b"] {
        w.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut w, b"x").unwrap();
    }
    let bytes = w.finish().unwrap().into_inner();
    rejected(
        &verify(&r, &bytes, &[]),
        "zip-structure",
        "member `evidence/files/a/b` is a file where another member needs a directory",
    );
}

#[test]
fn changing_an_evidence_file_inside_the_bundle_fails_verification_naming_it() {
    let r = clinic_with_evidence();
    let zip = build(&r, "b.zip", WINDOW);

    // An edit alone: the manifest's subject digest no longer matches.
    let mut m = unzip(&zip);
    set(
        &mut m,
        RISK_MEMBER,
        b"# Risk assessment 2026\n\nAll fine.\n".to_vec(),
    );
    let run = verify(&r, &rezip(&m), &[]);
    rejected(&run, "subjects", &format!("`{RISK_MEMBER}` was changed"));
    assert!(
        line_of(&run.stdout, "evidence").starts_with("FAIL  evidence"),
        "{}",
        run.stdout
    );

    // Subjects and SHA256SUMS recomputed: the record's pinned hash still says no.
    reseal(&mut m);
    let run = verify(&r, &rezip(&m), &[]);
    rejected(
        &run,
        "evidence",
        &format!(
            "evidence file `{RISK_MEMBER}` (record `risk-assessment-2026`) was changed: its record's pinned sha256 is {}",
            sha256_hex(RISK.as_bytes())
        ),
    );

    // A document that had already changed is checked against the hash it was bundled with.
    let mut m = unzip(&zip);
    set(&mut m, TRAINING_MEMBER, b"| ana | 2026-02-02 |\n".to_vec());
    reseal(&mut m);
    rejected(
        &verify(&r, &rezip(&m), &[]),
        "evidence",
        &format!("evidence file `{TRAINING_MEMBER}` (record `training-2026`) was changed"),
    );

    // The manifest re-pinned to the forged bytes: records.json still disagrees (and a
    // signature, when there is one, fails).
    let mut m = unzip(&zip);
    let forged = b"forged\n".to_vec();
    let mut manifest = json_of(&m, bundle::MANIFEST);
    for e in manifest["predicate"]["evidence"].as_array_mut().unwrap() {
        if e["path"] == RISK_MEMBER {
            e["sha256"] = sha256_hex(&forged).into();
        }
    }
    set_json(&mut m, bundle::MANIFEST, &manifest);
    set(&mut m, RISK_MEMBER, forged);
    reseal(&mut m);
    rejected(
        &verify(&r, &rezip(&m), &[]),
        "evidence",
        "evidence/records.json and the manifest disagree on record `risk-assessment-2026`",
    );

    // A document slipped in under evidence/files/ and sealed.
    let mut m = unzip(&zip);
    m.push((
        "evidence/files/evidence/files/extra.md".into(),
        b"x\n".to_vec(),
    ));
    reseal(&mut m);
    rejected(
        &verify(&r, &rezip(&m), &[]),
        "evidence",
        "`evidence/files/evidence/files/extra.md` is in the bundle, but no evidence record of the manifest names it",
    );

    // A document removed, and the manifest's subjects with it.
    let mut m = unzip(&zip);
    m.retain(|(n, _)| n != BAA_MEMBER);
    reseal(&mut m);
    rejected(
        &verify(&r, &rezip(&m), &[]),
        "evidence",
        &format!("evidence file `{BAA_MEMBER}` of record `baa-register` is missing from the zip"),
    );

    // records.json removed.
    let mut m = unzip(&zip);
    m.retain(|(n, _)| n != "evidence/records.json");
    reseal(&mut m);
    rejected(
        &verify(&r, &rezip(&m), &[]),
        "evidence",
        "evidence/records.json is missing",
    );
}

#[test]
fn bundles_with_evidence_are_byte_identical_at_any_thread_count() {
    let r = clinic_with_evidence();
    let a = build(&r, "a.zip", WINDOW);
    let b = build(&r, "b.zip", WINDOW);
    assert_eq!(a, b, "same inputs, as-of and SOURCE_DATE_EPOCH, same bytes");
    let repo = r.path().display().to_string();
    for threads in ["1", "2", "4"] {
        let run = vig(
            r.path(),
            &[
                "--repo",
                &repo,
                "--as-of",
                AS_OF,
                "--threads",
                threads,
                "compliance",
                "report",
                "audit-bundle",
                "hipaa",
                "--output",
                "t.zip",
                "--since",
                "2026-11-02",
                "--until",
                "2026-11-05",
            ],
            &[("SOURCE_DATE_EPOCH", crate::audit::EPOCH)],
        )
        .ok();
        assert!(
            run.stderr.contains(
                ": 3 audit entries (seq 1..3), 6 evidence record(s) with 3 document(s), unsigned"
            ),
            "{}",
            run.stderr
        );
        assert_eq!(
            std::fs::read(r.path().join("t.zip")).unwrap(),
            a,
            "--threads {threads}"
        );
    }
}

#[test]
fn a_document_missing_when_bundled_is_disclosed_not_invented() {
    let r = clinic_with_evidence();
    std::fs::remove_file(r.path().join("evidence/files/training-log.md")).unwrap();
    let zip = build(&r, "b.zip", WINDOW);
    let m = unzip(&zip);
    assert!(m.iter().all(|(n, _)| n != TRAINING_MEMBER));
    let manifest = json_of(&m, bundle::MANIFEST);
    assert_eq!(
        manifest["predicate"]["evidence"][2],
        json!({"id": "training-2026", "kind": "file", "state": "changed",
               "source": "evidence/files/training-log.md",
               "sha256": sha256_hex(b"the log as it was reviewed\n")})
    );
    let run = verify(&r, &zip, &[]).ok();
    assert!(
        line_of(&run.stdout, "evidence").contains(
            "record `training-2026` was already `changed` when the bundle was made (`evidence/files/training-log.md` did not exist, so it is not in the bundle)"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn a_bundle_without_evidence_has_no_evidence_members_and_no_evidence_check() {
    let r = clinic_with_log(6);
    // A record of another framework only: nothing of it goes into a HIPAA bundle.
    r.file("evidence/files/minutes.md", SOC2_ONLY).file(
        "evidence/records.yaml",
        &format!(
            "evidence:\n{}",
            record(
                "board-minutes",
                "[\"soc2:CC1.2\"]",
                &file("evidence/files/minutes.md"),
                &reviewed(&sha256_hex(SOC2_ONLY.as_bytes()), "2027-03-01"),
            )
        ),
    );
    let zip = build(&r, "b.zip", WINDOW);
    let m = unzip(&zip);
    assert!(m.iter().all(|(n, _)| !n.starts_with("evidence/")));
    let manifest = json_of(&m, bundle::MANIFEST);
    assert!(
        manifest["predicate"].get("evidence").is_none(),
        "{manifest:#}"
    );
    assert!(!String::from_utf8_lossy(get(&m, "VERIFY.txt")).contains("Evidence:"));
    let run = verify(&r, &zip, &[]).ok();
    assert!(
        !run.stdout.contains("evidence"),
        "verified as before evidence existed:\n{}",
        run.stdout
    );
    assert!(
        run.stdout
            .ends_with("verified: 8 checks passed, 2 skipped\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn documents_whose_bundle_names_clash_stop_the_bundle() {
    let r = clinic_with_log(2);
    r.file("evidence/files/Policy.md", "A\n")
        .file("evidence/files/policy.md", "B\n");
    let records = [
        record(
            "policy-upper",
            "[\"hipaa:164.308(a)(1)(ii)(A)\"]",
            &file("evidence/files/Policy.md"),
            "    expires: 2027-03-01\n    status: pending_review\n",
        ),
        record(
            "policy-lower",
            "[\"hipaa:164.308(a)(1)(ii)(B)\"]",
            &file("evidence/files/policy.md"),
            "    expires: 2027-03-01\n    status: pending_review\n",
        ),
    ];
    r.file(
        "evidence/records.yaml",
        &format!("evidence:\n{}", records.concat()),
    );
    let repo = r.path().display().to_string();
    let run = vig(
        r.path(),
        &[
            "--repo",
            &repo,
            "--as-of",
            AS_OF,
            "compliance",
            "report",
            "audit-bundle",
            "hipaa",
            "--output",
            "b.zip",
        ],
        &[],
    )
    .invalid();
    assert!(
        run.stderr.contains("evidence-not-bundlable"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(
            "evidence document `evidence/files/policy.md` cannot go into the bundle: its bundle name `evidence/files/evidence/files/policy.md` clashes with another document's (`evidence/files/Policy.md` becomes `evidence/files/evidence/files/Policy.md`)"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("evidence/records.yaml:"),
        "positioned at the record: {}",
        run.stderr
    );
    assert!(!r.path().join("b.zip").exists(), "no half-written bundle");
}

/// The loader hashes each distinct document once; every record that names a document
/// still gets its own diagnostic, at its own `path:`.
#[test]
fn each_record_naming_a_bad_document_is_reported_at_its_own_path() {
    let r = clinic_with_log(0);
    std::fs::create_dir_all(r.path().join("evidence/files/folder")).unwrap();
    let outside = Repo::new();
    outside.file("secret.md", "outside\n");
    std::os::unix::fs::symlink(
        outside.path().join("secret.md"),
        r.path().join("evidence/files/link.md"),
    )
    .unwrap();
    let pending = "    expires: 2027-03-01\n    status: pending_review\n";
    let records = [
        record(
            "dir-a",
            "[\"hipaa:164.308(a)(1)(ii)(A)\"]",
            &file("evidence/files/folder"),
            pending,
        ),
        record(
            "dir-b",
            "[\"hipaa:164.308(a)(1)(ii)(B)\"]",
            &file("evidence/files/folder"),
            pending,
        ),
        record(
            "link-a",
            "[\"hipaa:164.308(a)(1)(ii)(A)\"]",
            &file("evidence/files/link.md"),
            pending,
        ),
        record(
            "link-b",
            "[\"hipaa:164.308(a)(1)(ii)(B)\"]",
            &file("evidence/files/link.md"),
            pending,
        ),
    ];
    r.file(
        "evidence/records.yaml",
        &format!("evidence:\n{}", records.concat()),
    );
    let run = r
        .run(&["compliance", "report", "hipaa", "--format", "json"])
        .invalid();
    assert_eq!(run.stdout, "", "no half-written output");
    let lines: Vec<&str> = run.stderr.lines().collect();
    for (line, what) in [
        (
            6,
            "cannot read `evidence/files/folder`: it is a directory, not a regular file",
        ),
        (
            15,
            "cannot read `evidence/files/folder`: it is a directory, not a regular file",
        ),
        (
            24,
            "evidence path `evidence/files/link.md` resolves outside the repository",
        ),
        (
            33,
            "evidence path `evidence/files/link.md` resolves outside the repository",
        ),
    ] {
        let at = format!("  --> evidence/records.yaml:{line}:11");
        assert!(
            lines.windows(2).any(|w| w[0].contains(what) && w[1] == at),
            "`{what}` at {at}:\n{}",
            run.stderr
        );
    }
    // And once more where the walk of the repository meets the link.
    assert_eq!(run.stderr.matches("error[").count(), 5, "{}", run.stderr);
}

//! The audit log and audit bundles: every tamper case must be caught and named.

use crate::common::*;
use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;
use vigocli::audit::{bundle, chain, zipfmt};

pub(crate) const EPOCH: &str = "1767225600"; // 2026-01-01T00:00:00Z

/// The clinic fixture in a temp dir with `n` audit entries, one a day from 2026-11-01.
pub(crate) fn clinic_with_log(n: usize) -> Repo {
    let r = Repo::new();
    copy_dir(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/clinic"),
        r.path(),
    );
    for i in 0..n {
        append(
            &r,
            &format!("2026-11-{:02}T10:00:00Z", i + 1),
            &format!("{{\"n\":{i}}}"),
        )
        .ok();
    }
    r
}

fn append(r: &Repo, at: &str, details: &str) -> Run {
    let repo = r.path().display().to_string();
    vig(
        r.path(),
        &[
            "--repo",
            &repo,
            "--as-of",
            at,
            "audit",
            "append",
            "--actor",
            "alice",
            "--action",
            "waiver.approve",
            "--target",
            "hipaa:164.312(b)",
            "--details",
            details,
        ],
        &[],
    )
}

/// Builds a bundle (pinned as-of and SOURCE_DATE_EPOCH) and returns its bytes.
pub(crate) fn build(r: &Repo, name: &str, extra: &[&str]) -> Vec<u8> {
    let run = try_build(r, name, extra).ok();
    assert!(run.stderr.contains("wrote"), "{}", run.stderr);
    std::fs::read(r.path().join(name)).unwrap()
}

fn try_build(r: &Repo, name: &str, extra: &[&str]) -> Run {
    let repo = r.path().display().to_string();
    let mut args = vec![
        "--repo",
        &repo,
        "--as-of",
        AS_OF,
        "compliance",
        "report",
        "audit-bundle",
        "hipaa",
        "--output",
        name,
    ];
    args.extend_from_slice(extra);
    vig(r.path(), &args, &[("SOURCE_DATE_EPOCH", EPOCH)])
}

pub(crate) const WINDOW: &[&str] = &["--since", "2026-11-02", "--until", "2026-11-05"];

/// Verifies `bytes` (written to a file) with extra arguments.
pub(crate) fn verify(r: &Repo, bytes: &[u8], extra: &[&str]) -> Run {
    let path = r.path().join("under-test.zip");
    std::fs::write(&path, bytes).unwrap();
    let p = path.display().to_string();
    let mut args = vec!["compliance", "verify", p.as_str()];
    args.extend_from_slice(extra);
    vig(r.path(), &args, &[])
}

/// Asserts verification fails (exit 1) with `check` as the first failure, naming `why`.
#[track_caller]
pub(crate) fn rejected(run: &Run, check: &str, why: &str) {
    assert_eq!(
        run.code, 1,
        "expected exit 1\n{}\n{}",
        run.stdout, run.stderr
    );
    let summary = run.stdout.lines().last().unwrap_or_default();
    assert!(
        summary.starts_with("NOT VERIFIED: ") && summary.contains(&format!("first: {check}: ")),
        "first failure should be `{check}`:\n{}",
        run.stdout
    );
    assert!(
        summary.contains(why),
        "summary should name `{why}`:\n{}",
        run.stdout
    );
}

pub(crate) type Members = Vec<(String, Vec<u8>)>;

pub(crate) fn unzip(bytes: &[u8]) -> Members {
    let mut a = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..a.len())
        .map(|i| {
            let mut f = a.by_index(i).unwrap();
            let mut buf = Vec::new();
            std::io::Read::read_to_end(&mut f, &mut buf).unwrap();
            (f.name().to_string(), buf)
        })
        .collect()
}

/// Zips members the way vigocli does (what an attacker who edits files and re-zips them
/// would produce; structural forgeries are in the bundle_zip tests).
pub(crate) fn rezip(members: &Members) -> Vec<u8> {
    let mut sorted = members.clone();
    sorted.sort();
    let mut w = zipfmt::Writer::new(zipfmt::DosTime::of(jiff::Timestamp::UNIX_EPOCH));
    for (name, bytes) in &sorted {
        w.add(name, bytes).unwrap();
    }
    w.finish().unwrap()
}

fn get<'a>(m: &'a Members, name: &str) -> &'a [u8] {
    &m.iter().find(|(n, _)| n == name).unwrap().1
}

fn set(m: &mut Members, name: &str, bytes: Vec<u8>) {
    m.iter_mut().find(|(n, _)| n == name).unwrap().1 = bytes;
}

fn json(m: &Members, name: &str) -> Value {
    serde_json::from_slice(get(m, name)).unwrap()
}

fn set_json(m: &mut Members, name: &str, v: &Value) {
    let mut s = serde_json::to_string_pretty(v).unwrap();
    s.push('\n');
    set(m, name, s.into_bytes());
}

/// What an attacker without the signing key can do: recompute every subject digest and
/// SHA256SUMS after an edit (the signature, if any, is left as it was).
fn reseal(m: &mut Members) {
    let mut manifest = json(m, bundle::MANIFEST);
    for s in manifest["subject"].as_array_mut().unwrap() {
        let name = s["name"].as_str().unwrap().to_string();
        s["digest"]["sha256"] = bundle::sha256_hex(get(m, &name)).into();
    }
    let report = bundle::sha256_hex(get(m, bundle::REPORT));
    manifest["predicate"]["report"]["digest"]["sha256"] = report.into();
    set_json(m, bundle::MANIFEST, &manifest);
    let mut sums = String::new();
    for (name, bytes) in m.iter() {
        if name != bundle::SUMS {
            sums.push_str(&format!("{}  {name}\n", bundle::sha256_hex(bytes)));
        }
    }
    set(m, bundle::SUMS, sums.into_bytes());
}

fn log_lines(m: &Members) -> Vec<String> {
    String::from_utf8(get(m, bundle::LOG).to_vec())
        .unwrap()
        .lines()
        .map(String::from)
        .collect()
}

fn set_log(m: &mut Members, lines: &[String]) {
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    set(m, bundle::LOG, text.into_bytes());
}

/// Rewrites the window's entries from `from` on with fresh hashes, as a forger would,
/// and makes the boundary and manifest agree with the new head.
fn forge_from(m: &mut Members, lines: &mut [String], from: usize) {
    let boundary = json(m, bundle::BOUNDARY);
    let mut prev = if from == 0 {
        chain::parse_hex(boundary["anchor"].as_str().unwrap()).unwrap()
    } else {
        chain::parse_line(&lines[from - 1]).unwrap().chain
    };
    let relink = |line: &str, prev: &mut chain::Hash| -> String {
        let mut v: Value = serde_json::from_str(line).unwrap();
        let obj = v.as_object_mut().unwrap();
        obj.remove("leaf");
        obj.remove("chain");
        let body = vigocli::audit::jcs::to_string(&v).unwrap();
        let leaf = chain::leaf_hash(body.as_bytes());
        let c = chain::chain_hash(prev, &leaf);
        v["leaf"] = chain::hex(&leaf).into();
        v["chain"] = chain::hex(&c).into();
        *prev = c;
        vigocli::audit::jcs::to_string(&v).unwrap()
    };
    for l in lines.iter_mut().skip(from) {
        *l = relink(l, &mut prev);
    }
    let mut b = boundary;
    b["head"] = chain::hex(&prev).into();
    if let Some(after) = b["after"].as_str().map(String::from) {
        let mut p = prev;
        b["after"] = relink(&after, &mut p).into();
    }
    set_json(m, bundle::BOUNDARY, &b);
    let mut manifest = json(m, bundle::MANIFEST);
    manifest["predicate"]["log"]["head"] = chain::hex(&prev).into();
    set_json(m, bundle::MANIFEST, &manifest);
    set_log(m, lines);
    reseal(m);
}

#[test]
fn append_verify_and_export() {
    let r = clinic_with_log(5);
    let log = r.path().join("audit/audit.jsonl");
    let text = std::fs::read_to_string(&log).unwrap();
    assert_eq!(text.lines().count(), 5);
    let first: Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!(first["seq"], 0);
    assert_eq!(first["ts"], "2026-11-01T10:00:00Z");
    assert_eq!(first["details"], serde_json::json!({"n": 0}));

    let run = r.run(&["audit", "verify"]).ok();
    assert!(run.stdout.starts_with("ok: 5 entries"), "{}", run.stdout);
    let run = r.run(&["audit", "verify", &log.display().to_string()]).ok();
    assert!(run.stdout.contains("seq 0..4"));

    let run = r
        .run(&[
            "audit",
            "export",
            "--since",
            "2026-11-02",
            "--until",
            "2026-11-04",
        ])
        .ok();
    let seqs: Vec<u64> = run
        .stdout
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["seq"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(seqs, [1, 2], "since inclusive, until exclusive");
    assert!(
        run.stderr.contains("2 entries from seq 1"),
        "{}",
        run.stderr
    );
}

#[test]
fn audit_verify_names_file_line_seq_expected_and_found() {
    let r = clinic_with_log(4);
    let log = r.path().join("audit/audit.jsonl");
    let text = std::fs::read_to_string(&log).unwrap();
    std::fs::write(&log, text.replacen("\"n\":2", "\"n\":7", 1)).unwrap();
    let run = r.run(&["audit", "verify"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("error[audit-log-invalid]: seq 2: leaf does not match"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("audit.jsonl:3:1"), "{}", run.stderr);
    assert!(run.stderr.contains("expected: ") && run.stderr.contains("found:    "));

    // A deleted line breaks the seq, named at the line after the gap.
    let lines: Vec<&str> = text.lines().collect();
    std::fs::write(&log, format!("{}\n{}\n", lines[0], lines[2])).unwrap();
    let run = r.run(&["audit", "verify"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("seq 2: seq out of order"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("expected: 1"), "{}", run.stderr);

    // A cut-short last write is named, and append refuses to build on it.
    std::fs::write(&log, format!("{}\n{}", lines[0], &lines[1][..20])).unwrap();
    let run = r.run(&["audit", "verify"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("no newline"), "{}", run.stderr);
    let run = append(&r, AS_OF, "{}").invalid();
    assert!(run.stderr.contains("audit-append-failed"), "{}", run.stderr);
}

#[test]
fn append_refuses_bad_details_and_backwards_time() {
    let r = clinic_with_log(1);
    for bad in ["{\"x\":1.5}", "{\"x\":9007199254740992}", "{not json"] {
        let run = append(&r, AS_OF, bad).invalid();
        assert!(run.stderr.contains("--details"), "{bad}: {}", run.stderr);
    }
    let run = append(&r, "2026-10-01T00:00:00Z", "{}").invalid();
    assert!(
        run.stderr.contains("earlier than the last entry"),
        "{}",
        run.stderr
    );
    let text = std::fs::read_to_string(r.path().join("audit/audit.jsonl")).unwrap();
    assert_eq!(text.lines().count(), 1, "nothing appended");
}

#[test]
fn concurrent_appends_keep_the_chain() {
    let r = clinic_with_log(0);
    std::thread::scope(|s| {
        for _ in 0..6 {
            s.spawn(|| {
                for _ in 0..5 {
                    append(&r, AS_OF, "{}").ok();
                }
            });
        }
    });
    let run = r.run(&["audit", "verify"]).ok();
    assert!(run.stdout.starts_with("ok: 30 entries"), "{}", run.stdout);
}

#[test]
fn untouched_bundle_verifies_and_standard_tools_accept_it() {
    let r = clinic_with_log(6);
    let zip = build(&r, "b.zip", WINDOW);
    let run = verify(&r, &zip, &[]).ok();
    for check in [
        "zip-structure",
        "manifest",
        "subjects",
        "sha256sums",
        "chain",
        "boundary",
        "anchor-head",
        "report",
    ] {
        assert!(
            run.stdout.contains(&format!("ok    {check}")),
            "{check}:\n{}",
            run.stdout
        );
    }
    assert!(
        run.stdout
            .contains("3 entries link from the anchor (seq 1..3)"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.lines().last().unwrap().starts_with("verified: "));

    let m = unzip(&zip);
    let names: Vec<&str> = m.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "SHA256SUMS",
            "VERIFY.txt",
            "audit-log.jsonl",
            "boundary.json",
            "manifest.json",
            "report.html",
            "report.json"
        ]
    );
    let html = m
        .iter()
        .find(|(n, _)| n == "report.html")
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .unwrap_or_default();
    assert!(
        html.starts_with("<!DOCTYPE html>") || html.starts_with("<!doctype html>"),
        "report.html is the HTML report"
    );
    let manifest = json(&m, "manifest.json");
    assert_eq!(manifest["_type"], "https://in-toto.io/Statement/v1");
    let p = &manifest["predicate"];
    assert_eq!(p["framework"]["id"], "hipaa");
    assert_eq!(p["window"]["since"], "2026-11-02T00:00:00Z");
    assert_eq!(p["log"]["entry_count"], 3);
    assert_eq!(p["log"]["first_seq"], 1);
    assert_eq!(p["previous"], Value::Null);
    let report = json(&m, "report.json");
    assert_eq!(report["schema"], "vigocli/compliance-report/v1");

    let json_run = verify(&r, &zip, &["--format", "json"]).ok().json();
    assert_eq!(json_run["ok"], true);
    assert_eq!(json_run["first_failure"], Value::Null);

    // The tools an auditor has: unzip -t and sha256sum -c (required in CI).
    if crate::common::require_tool(
        "unzip",
        "-v",
        "the auditor's unzip -t and sha256sum -c of a bundle",
        ".ci/run installs it",
    ) {
        let out = Command::new("unzip")
            .arg("-t")
            .arg(r.path().join("b.zip"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
        let dir = r.path().join("extracted");
        let out = Command::new("unzip")
            .arg("-q")
            .arg(r.path().join("b.zip"))
            .arg("-d")
            .arg(&dir)
            .output()
            .unwrap();
        assert!(out.status.success());
        if crate::common::require_tool(
            "sha256sum",
            "--version",
            "the auditor's sha256sum -c of a bundle",
            "install coreutils",
        ) {
            let out = Command::new("sha256sum")
                .args(["-c", "SHA256SUMS"])
                .current_dir(&dir)
                .output()
                .unwrap();
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(out.status.success(), "{text}");
            assert_eq!(text.matches(": OK").count(), 6, "{text}");
        }
    }
}

#[test]
fn builds_are_byte_identical() {
    let r = clinic_with_log(6);
    let a = build(&r, "a.zip", WINDOW);
    let b = build(&r, "b.zip", WINDOW);
    assert_eq!(
        a, b,
        "same inputs, as-of and SOURCE_DATE_EPOCH give the same bytes"
    );
    // The members carry the SOURCE_DATE_EPOCH time and mode 0644.
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(&a)).unwrap();
    for i in 0..z.len() {
        let f = z.by_index(i).unwrap();
        assert_eq!(f.unix_mode(), Some(0o100644));
        let t = f.last_modified().unwrap();
        assert_eq!((t.year(), t.month(), t.day()), (2026, 1, 1));
    }
    // Before 1980, the zip time is clamped rather than wrapped.
    let repo = r.path().display().to_string();
    vig(
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
            "-o",
            "old.zip",
        ],
        &[("SOURCE_DATE_EPOCH", "0")],
    )
    .ok();
    let old = std::fs::read(r.path().join("old.zip")).unwrap();
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(&old)).unwrap();
    assert_eq!(z.by_index(0).unwrap().last_modified().unwrap().year(), 1980);
}

#[test]
fn tampered_files_are_named() {
    let r = clinic_with_log(6);
    let zip = build(&r, "b.zip", WINDOW);

    let mut m = unzip(&zip);
    let mut report = get(&m, "report.json").to_vec();
    report[100] ^= 1;
    set(&mut m, "report.json", report);
    rejected(
        &verify(&r, &rezip(&m), &[]),
        "subjects",
        "`report.json` was changed",
    );
    // Recomputing the sums does not help: the manifest's report digest still differs.
    let mut m2 = m.clone();
    reseal(&mut m2);
    let mut manifest = json(&m2, bundle::MANIFEST);
    manifest["predicate"]["report"]["digest"]["sha256"] =
        bundle::sha256_hex(get(&unzip(&zip), "report.json")).into();
    set_json(&mut m2, bundle::MANIFEST, &manifest);
    let run = verify(&r, &rezip(&m2), &[]);
    rejected(&run, "sha256sums", "`manifest.json` was changed");
    assert!(run.stdout.contains("FAIL  report"), "{}", run.stdout);

    let mut m = unzip(&zip);
    m.push(("extra.txt".into(), b"hello".to_vec()));
    rejected(
        &verify(&r, &rezip(&m), &[]),
        "subjects",
        "`extra.txt` is in the zip but is not a subject",
    );

    let mut m = unzip(&zip);
    m.retain(|(n, _)| n != "boundary.json");
    rejected(
        &verify(&r, &rezip(&m), &[]),
        "subjects",
        "subject `boundary.json` is missing",
    );

    let mut m = unzip(&zip);
    m.iter_mut().find(|(n, _)| n == "report.json").unwrap().0 = "report-v2.json".into();
    rejected(
        &verify(&r, &rezip(&m), &[]),
        "subjects",
        "subject `report.json` is missing",
    );

    let mut m = unzip(&zip);
    m.retain(|(n, _)| n != "SHA256SUMS");
    rejected(
        &verify(&r, &rezip(&m), &[]),
        "sha256sums",
        "SHA256SUMS is missing",
    );
}

#[test]
fn tampered_entries_are_named() {
    let r = clinic_with_log(6);
    let zip = build(&r, "b.zip", WINDOW);
    let lines = log_lines(&unzip(&zip));
    assert_eq!(lines.len(), 3);
    let cases: Vec<(&str, Vec<String>, &str)> = vec![
        (
            "body edited",
            {
                let mut l = lines.clone();
                l[1] = l[1].replace("alice", "mallory");
                l
            },
            "seq 2: leaf does not match the entry body",
        ),
        (
            "deleted",
            vec![lines[0].clone(), lines[2].clone()],
            "seq 3: seq out of order",
        ),
        (
            "duplicated",
            vec![
                lines[0].clone(),
                lines[0].clone(),
                lines[1].clone(),
                lines[2].clone(),
            ],
            "seq 1: seq out of order",
        ),
        (
            "swapped",
            vec![lines[1].clone(), lines[0].clone(), lines[2].clone()],
            "seq 2: seq out of order",
        ),
        (
            "non-canonical",
            {
                let mut l = lines.clone();
                l[0] = l[0].replacen(",", ", ", 1);
                l
            },
            "line is not RFC 8785 canonical JSON",
        ),
    ];
    for (what, new_lines, why) in cases {
        let mut m = unzip(&zip);
        set_log(&mut m, &new_lines);
        reseal(&mut m);
        let run = verify(&r, &rezip(&m), &[]);
        rejected(&run, "chain", why);
        assert!(
            run.stdout.contains("audit-log.jsonl:"),
            "{what}: names the line\n{}",
            run.stdout
        );
    }

    // Inserted: a well-formed entry linked to its predecessor still breaks the next seq.
    let mut m = unzip(&zip);
    let prev = chain::parse_line(&lines[0]).unwrap();
    let (inserted, _) = chain::make_line(
        &chain::NewEntry {
            ts: "2026-11-02T12:00:00Z".parse().unwrap(),
            actor: "mallory".into(),
            action: "waiver.approve".into(),
            target: "x".into(),
            details: Value::Null,
        },
        prev.seq + 1,
        &prev.chain,
    )
    .unwrap();
    let mut l = lines.clone();
    l.insert(1, inserted);
    set_log(&mut m, &l);
    reseal(&mut m);
    rejected(
        &verify(&r, &rezip(&m), &[]),
        "chain",
        "seq 2: seq out of order",
    );
}

#[test]
fn forged_chain_is_caught_only_by_the_signature() {
    let r = clinic_with_log(6);
    let repo = r.path().display().to_string();
    vig(r.path(), &["keygen", "--output", "pub1"], &[]).ok();
    vig(r.path(), &["keygen", "--output", "other"], &[]).ok();
    let key = r.path().join("pub1.pub").display().to_string();
    let signed = build(&r, "s.zip", &[WINDOW, &["--sign-key", "pub1.key"]].concat());
    verify(&r, &signed, &["--key", &key]).ok();
    // The signature of an untouched bundle: without --key it is reported, not trusted.
    let run = verify(&r, &signed, &[]).ok();
    assert!(
        run.stdout
            .contains("skip  signature      signed, but no --key given"),
        "{}",
        run.stdout
    );
    let _ = repo;

    let mut m = unzip(&signed);
    let mut lines = log_lines(&m);
    lines[1] = lines[1].replace("alice", "mallory");
    forge_from(&mut m, &mut lines, 1);
    let forged = rezip(&m);
    // Hashes, sums and manifest all agree: only the signature can tell.
    let run = verify(&r, &forged, &[]).ok();
    assert!(run.stdout.contains("ok    chain"));
    rejected(
        &verify(&r, &forged, &["--key", &key]),
        "signature",
        "the envelope signs a different manifest",
    );

    // Re-signed by the forger's own key: the pinned key still rejects it.
    let forged_signed = {
        let sk = vigocli::audit::keys::read_signing_key(&r.path().join("other.key")).unwrap();
        let manifest = get(&m, bundle::MANIFEST).to_vec();
        set(
            &mut m,
            bundle::SIGNATURE,
            vigocli::audit::keys::sign(&sk, &manifest).into_bytes(),
        );
        reseal(&mut m);
        rezip(&m)
    };
    rejected(
        &verify(&r, &forged_signed, &["--key", &key]),
        "signature",
        "no signature verifies with the given key",
    );

    // An unsigned bundle checked with a key fails rather than passing quietly.
    let unsigned = build(&r, "u.zip", WINDOW);
    rejected(
        &verify(&r, &unsigned, &["--key", &key]),
        "signature",
        "has no manifest.dsse.json",
    );
}

#[test]
fn truncated_window_edges_and_altered_anchor_are_named() {
    let r = clinic_with_log(6);
    let zip = build(&r, "b.zip", WINDOW);
    let lines = log_lines(&unzip(&zip));

    // Head cut: drop the first entry and present it as the one before the window.
    let mut m = unzip(&zip);
    let mut b = json(&m, bundle::BOUNDARY);
    let before_prev = b["anchor"].clone();
    b["before"] = serde_json::json!({"line": lines[0], "previous_chain": before_prev});
    let cut = chain::parse_line(&lines[0]).unwrap();
    b["anchor"] = chain::hex(&cut.chain).into();
    b["first_seq"] = 2.into();
    b["entry_count"] = 2.into();
    set_json(&mut m, bundle::BOUNDARY, &b);
    let mut manifest = json(&m, bundle::MANIFEST);
    manifest["predicate"]["log"]["anchor"] = b["anchor"].clone();
    manifest["predicate"]["log"]["first_seq"] = 2.into();
    manifest["predicate"]["log"]["entry_count"] = 2.into();
    set_json(&mut m, bundle::MANIFEST, &manifest);
    set_log(&mut m, &lines[1..]);
    reseal(&mut m);
    rejected(
        &verify(&r, &rezip(&m), &[]),
        "boundary",
        "the window's first entries were cut off",
    );

    // Tail cut, keeping the real entry after the window: it no longer follows the head.
    let mut m = unzip(&zip);
    let head = chain::parse_line(&lines[1]).unwrap().chain;
    let mut b = json(&m, bundle::BOUNDARY);
    b["head"] = chain::hex(&head).into();
    b["entry_count"] = 2.into();
    set_json(&mut m, bundle::BOUNDARY, &b);
    let mut manifest = json(&m, bundle::MANIFEST);
    manifest["predicate"]["log"]["head"] = chain::hex(&head).into();
    manifest["predicate"]["log"]["entry_count"] = 2.into();
    set_json(&mut m, bundle::MANIFEST, &manifest);
    set_log(&mut m, &lines[..2]);
    reseal(&mut m);
    let tail = rezip(&m);
    rejected(
        &verify(&r, &tail, &[]),
        "boundary",
        "entries at the end of the window were cut off",
    );
    // … and presenting the cut entry as the one after the window puts it inside the window.
    let mut b = json(&m, bundle::BOUNDARY);
    b["after"] = lines[2].clone().into();
    set_json(&mut m, bundle::BOUNDARY, &b);
    reseal(&mut m);
    rejected(
        &verify(&r, &rezip(&m), &[]),
        "boundary",
        "the window's last entries were cut off",
    );
    // Dropping the entry after the window altogether leaves a window that does not start
    // at the genesis without its predecessor… and one that ends early: the head in the
    // manifest is then the only witness, which is why an external copy of it matters.

    // Anchor altered in the manifest only.
    let mut m = unzip(&zip);
    let mut manifest = json(&m, bundle::MANIFEST);
    manifest["predicate"]["log"]["anchor"] = "00".repeat(32).into();
    set_json(&mut m, bundle::MANIFEST, &manifest);
    reseal(&mut m);
    rejected(
        &verify(&r, &rezip(&m), &[]),
        "anchor-head",
        "manifest anchor is 0000",
    );
    // Anchor altered in boundary.json: the first entry no longer links.
    let mut m = unzip(&zip);
    let mut b = json(&m, bundle::BOUNDARY);
    b["anchor"] = "11".repeat(32).into();
    set_json(&mut m, bundle::BOUNDARY, &b);
    reseal(&mut m);
    rejected(
        &verify(&r, &rezip(&m), &[]),
        "chain",
        "seq 1: chain does not link to the previous entry",
    );
    // Anchor and first entries re-forged to match: the entry before the window disagrees.
    let mut m = unzip(&zip);
    let mut b = json(&m, bundle::BOUNDARY);
    b["anchor"] = "11".repeat(32).into();
    set_json(&mut m, bundle::BOUNDARY, &b);
    let mut manifest = json(&m, bundle::MANIFEST);
    manifest["predicate"]["log"]["anchor"] = "11".repeat(32).into();
    set_json(&mut m, bundle::MANIFEST, &manifest);
    let mut l = lines.clone();
    forge_from(&mut m, &mut l, 0);
    rejected(
        &verify(&r, &rezip(&m), &[]),
        "boundary",
        "the anchor was altered",
    );
}

/// A zip built by hand whose member names are patched after writing.
fn patched(names: &[(&str, &[u8])], from: &str, to: &str) -> Vec<u8> {
    let members: Members = names
        .iter()
        .map(|(n, b)| (n.to_string(), b.to_vec()))
        .collect();
    let zip = rezip(&members);
    assert_eq!(from.len(), to.len());
    let mut out = zip.clone();
    let (f, t) = (from.as_bytes(), to.as_bytes());
    let mut i = 0;
    while i + f.len() <= out.len() {
        if &out[i..i + f.len()] == f {
            out[i..i + f.len()].copy_from_slice(t);
        }
        i += 1;
    }
    out
}

#[test]
fn hostile_zips_are_refused_before_reading() {
    let r = clinic_with_log(2);
    let zip = build(&r, "b.zip", &[]);
    let mut m = unzip(&zip);

    let escape = patched(&[("zzzx", b"x"), ("manifest.json", b"{}")], "zzzx", "../x");
    rejected(
        &verify(&r, &escape, &[]),
        "zip-structure",
        "unsafe name (`..` or `.` path component)",
    );
    let absolute = patched(&[("XetcXpasswd", b"x")], "XetcXpasswd", "/etc/passwd");
    rejected(
        &verify(&r, &absolute, &[]),
        "zip-structure",
        "unsafe name (absolute path)",
    );

    let dup = patched(
        &[("report.json", b"a"), ("report.jsoX", b"b")],
        "report.jsoX",
        "report.json",
    );
    rejected(
        &verify(&r, &dup, &[]),
        "zip-structure",
        "member `report.json` appears twice",
    );

    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    w.add_symlink(
        "report.json",
        "/etc/passwd",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    let link = w.finish().unwrap().into_inner();
    rejected(
        &verify(&r, &link, &[]),
        "zip-structure",
        "member `report.json` is a symbolic link",
    );

    m.push(("big.bin".into(), vec![0u8; 2 * 1024 * 1024]));
    let big = rezip(&m);
    rejected(
        &verify(&r, &big, &["--max-entry-mib", "1"]),
        "zip-structure",
        "over the 1048576 byte cap",
    );

    // A member whose central directory understates its size.
    let small = rezip(&vec![("report.json".to_string(), vec![b'a'; 100])]);
    let cd = small
        .windows(4)
        .rposition(|w| w == [0x50, 0x4b, 0x01, 0x02])
        .unwrap();
    let mut lying = small.clone();
    lying[cd + 24..cd + 28].copy_from_slice(&10u32.to_le_bytes());
    let run = verify(&r, &lying, &[]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("FAIL  zip-structure"), "{}", run.stdout);

    let run = verify(&r, b"not a zip at all", &[]);
    rejected(&run, "zip-structure", "not a zip file");
    // An unreadable bundle path is invalid input, not a failed verification.
    r.run(&["compliance", "verify", "missing.zip"]).invalid();
}

#[test]
fn bundles_chain_to_their_predecessor() {
    let r = clinic_with_log(6);
    let first = build(&r, "b1.zip", &["--until", "2026-11-04"]);
    let second = build(
        &r,
        "b2.zip",
        &["--since", "2026-11-04", "--previous", "b1.zip"],
    );
    let b1 = r.path().join("b1.zip").display().to_string();
    let run = verify(&r, &second, &["--previous", &b1]).ok();
    assert!(run.stdout.contains("ok    previous"), "{}", run.stdout);
    assert!(
        run.stdout.contains("shared entries agree"),
        "{}",
        run.stdout
    );
    let p = &json(&unzip(&second), bundle::MANIFEST)["predicate"]["previous"];
    assert_eq!(
        p["manifest"]["sha256"],
        bundle::sha256_hex(get(&unzip(&first), bundle::MANIFEST))
    );
    // Without --previous, the link is reported as unchecked.
    let run = verify(&r, &second, &[]).ok();
    assert!(run.stdout.contains("skip  previous"), "{}", run.stdout);

    // A different bundle offered as the previous one disagrees.
    build(&r, "other.zip", &["--until", "2026-11-03"]);
    let other = r.path().join("other.zip").display().to_string();
    rejected(
        &verify(&r, &second, &["--previous", &other]),
        "previous",
        "the manifest names previous manifest sha256",
    );

    // A previous bundle from a rewritten history: building on it refuses, and a bundle of
    // the new history contradicts it on the shared entries.
    let r2 = clinic_with_log(0);
    for i in 0..6 {
        append(&r2, &format!("2026-11-{:02}T11:00:00Z", i + 1), "{}").ok();
    }
    std::fs::copy(r.path().join("b1.zip"), r2.path().join("b1.zip")).unwrap();
    let run = try_build(
        &r2,
        "x.zip",
        &["--since", "2026-11-04", "--previous", "b1.zip"],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("previous-bundle-invalid")
            && run.stderr.contains("the log was rewritten since"),
        "{}",
        run.stderr
    );
    let rewritten = build(&r2, "y.zip", &["--since", "2026-11-03"]);
    rejected(
        &verify(&r2, &rewritten, &["--previous", "b1.zip"]),
        "previous",
        "the manifest names no previous bundle",
    );
}

#[test]
fn keygen_writes_a_private_and_a_public_key() {
    let r = Repo::new();
    vig(r.path(), &["keygen", "--output", "k"], &[]).ok();
    let private = std::fs::read_to_string(r.path().join("k.key")).unwrap();
    let public = std::fs::read_to_string(r.path().join("k.pub")).unwrap();
    assert!(private.starts_with("-----BEGIN PRIVATE KEY-----"));
    assert!(public.starts_with("-----BEGIN PUBLIC KEY-----"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(r.path().join("k.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let run = vig(r.path(), &["keygen", "--output", "k"], &[]).invalid();
    assert!(run.stderr.contains("not overwriting"), "{}", run.stderr);
    // A public key is not a signing key.
    let r2 = clinic_with_log(1);
    std::fs::copy(r.path().join("k.pub"), r2.path().join("k.pub")).unwrap();
    let run = try_build(&r2, "x.zip", &["--sign-key", "k.pub"]).invalid();
    assert!(run.stderr.contains("bad-key"), "{}", run.stderr);
    assert!(!r2.path().join("x.zip").exists(), "nothing written");
}

#[test]
fn report_framework_still_works_beside_audit_bundle() {
    let r = clinic_with_log(0);
    let rep = r.report("hipaa", &[]);
    assert_eq!(rep["framework"]["id"], "hipaa");
    r.run(&["compliance", "report"]).invalid();
    let run = r
        .run(&[
            "compliance",
            "report",
            "audit-bundle",
            "nope",
            "-o",
            "x.zip",
        ])
        .invalid();
    assert!(run.stderr.contains("unknown-framework"), "{}", run.stderr);
}

#[test]
fn an_independent_implementation_agrees() {
    // scripts/verify_audit_log.py (standard-library Python, docs/audit.md) must reproduce
    // vigocli's head for the log and for a bundle's window, and reject an edit.
    if !crate::common::require_tool(
        "python3",
        "--version",
        "an_independent_implementation_agrees",
        "install Python 3",
    ) {
        return;
    }
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scripts/verify_audit_log.py");
    let r = clinic_with_log(0);
    append(
        &r,
        "2026-11-01T00:00:00Z",
        r#"{"ünï":"€ 😂 \u0001","n":-9007199254740991,"k":[true,null],"😂":1,"\ufb33":2}"#,
    )
    .ok();
    for i in 1..6 {
        append(
            &r,
            &format!("2026-11-{:02}T10:00:00Z", i + 1),
            &format!("{{\"n\":{i}}}"),
        )
        .ok();
    }
    let head = r.run(&["audit", "verify"]).ok().stdout;
    let head = head.trim().rsplit(' ').next().unwrap().to_string();
    let py = |args: &[&str]| {
        let out = Command::new("python3")
            .arg(&script)
            .args(args)
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).trim().to_string(),
        )
    };
    let log = r.path().join("audit/audit.jsonl").display().to_string();
    assert_eq!(py(&[&log]), (true, head.clone()));

    let zip = build(&r, "b.zip", WINDOW);
    let m = unzip(&zip);
    let window = r.path().join("window.jsonl");
    std::fs::write(&window, get(&m, bundle::LOG)).unwrap();
    let p = json(&m, bundle::MANIFEST)["predicate"]["log"].clone();
    let (ok, out) = py(&[
        &window.display().to_string(),
        p["anchor"].as_str().unwrap(),
        &p["first_seq"].to_string(),
    ]);
    assert!(ok);
    assert_eq!(out, p["head"].as_str().unwrap());

    let text = std::fs::read_to_string(&log).unwrap();
    std::fs::write(&log, text.replacen("\"n\":3", "\"n\":4", 1)).unwrap();
    assert!(!py(&[&log]).0, "the script must reject an edited entry");
}

#[test]
fn a_rotated_log_is_one_chain_and_audit_log_overrides_the_path() {
    let r = clinic_with_log(3);
    std::fs::rename(
        r.path().join("audit/audit.jsonl"),
        r.path().join("audit/2026-a.jsonl"),
    )
    .unwrap();
    std::fs::write(r.path().join("audit/2026-b.jsonl"), "").unwrap();
    let line = append(&r, AS_OF, "{}").ok().stdout;
    assert!(line.contains("\"seq\":3"), "{line}");
    let second = std::fs::read_to_string(r.path().join("audit/2026-b.jsonl")).unwrap();
    assert_eq!(second.lines().count(), 1, "appends go to the last file");
    let run = r.run(&["audit", "verify"]).ok();
    assert!(run.stdout.starts_with("ok: 4 entries"), "{}", run.stdout);
    // One part alone does not start at the genesis, and says so.
    let part = r.path().join("audit/2026-b.jsonl").display().to_string();
    let run = r.run(&["audit", "verify", &part]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("seq 3: seq out of order"),
        "{}",
        run.stderr
    );

    let other = r.path().join("elsewhere/log.jsonl").display().to_string();
    let repo = r.path().display().to_string();
    vig(
        r.path(),
        &[
            "--repo",
            &repo,
            "--as-of",
            AS_OF,
            "audit",
            "append",
            "--audit-log",
            &other,
            "--actor",
            "a",
            "--action",
            "b",
            "--target",
            "c",
        ],
        &[],
    )
    .ok();
    let run = r.run(&["audit", "verify", "--audit-log", &other]).ok();
    assert!(
        run.stdout.starts_with("ok: 1 entry links"),
        "{}",
        run.stdout
    );
    let zip = build(&r, "x.zip", &["--audit-log", &other]);
    assert_eq!(
        json(&unzip(&zip), bundle::MANIFEST)["predicate"]["log"]["entry_count"],
        1
    );
}

mod mutation {
    use super::*;
    use proptest::prelude::*;
    use std::sync::OnceLock;
    use vigocli::audit::{verify, zipfmt};

    /// One signed bundle and its public key, built once through the binary.
    fn fixture() -> &'static (Vec<u8>, ed25519_dalek::VerifyingKey) {
        static F: OnceLock<(Vec<u8>, ed25519_dalek::VerifyingKey)> = OnceLock::new();
        F.get_or_init(|| {
            let r = clinic_with_log(6);
            vig(r.path(), &["keygen", "--output", "k"], &[]).ok();
            let zip = build(&r, "b.zip", &[WINDOW, &["--sign-key", "k.key"]].concat());
            let key = vigocli::audit::keys::read_verifying_key(&r.path().join("k.pub")).unwrap();
            (zip, key)
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, .. ProptestConfig::default() })]
        /// Arbitrary byte edits never panic the verifier, and an edited zip that still
        /// verifies holds exactly the same files (only zip metadata changed).
        #[test]
        fn byte_edits_never_pass_with_changed_content(
            edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4)
        ) {
            let (zip, key) = fixture();
            let mut bytes = zip.clone();
            for (at, b) in &edits {
                let i = at.index(bytes.len());
                bytes[i] = *b;
            }
            let opts = verify::Options { key: Some(key), limits: zipfmt::DEFAULT_LIMITS };
            let (outcome, _) = verify::verify_bytes(&bytes, &opts);
            if outcome.ok() {
                let original = zipfmt::read_all(zip, zipfmt::DEFAULT_LIMITS).unwrap();
                let edited = zipfmt::read_all(&bytes, zipfmt::DEFAULT_LIMITS).unwrap();
                prop_assert_eq!(original, edited);
            }
        }
    }
}

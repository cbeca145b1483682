//! SPEC §6.3 exports: OSCAL (validated against the official NIST schema), SIEM JSONL,
//! CMDB JSON, GRC payloads, and pushing to a local HTTP server.

use crate::common::*;
use serde_json::Value;
use sha2::{Digest as _, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn run_in(repo: &Path, args: &[&str]) -> Run {
    let mut all: Vec<String> = vec![
        "--repo".into(),
        repo.display().to_string(),
        "--as-of".into(),
        AS_OF.into(),
    ];
    all.extend(args.iter().map(|s| s.to_string()));
    run_raw(&all, repo)
}

/// Runs an export into a temporary file and returns its text.
fn export(repo: &Path, kind: &str, extra: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = out.display().to_string();
    let mut args = vec!["compliance", "export", kind, "--output", &o];
    args.extend_from_slice(extra);
    let run = run_in(repo, &args).ok();
    assert!(run.stdout.is_empty(), "exports write only the file");
    std::fs::read_to_string(&out).unwrap()
}

fn oscal_validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("tests/schemas/oscal_assessment-results_schema.json"))
            .unwrap(),
    )
    .unwrap();
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap()
}

#[track_caller]
fn assert_valid_oscal(v: &jsonschema::Validator, doc: &Value) {
    let errors: Vec<String> = v
        .iter_errors(doc)
        .take(10)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "OSCAL schema errors:\n{}",
        errors.join("\n")
    );
}

/// A small fleet on the test framework: two envoys in scope, a waiver, Connwaer results.
fn tf_fleet() -> Repo {
    let r = three_envoy_fleet();
    r.file(
        "stacks/configcrates/extra.vgo",
        "compliance:\n  tf: [T2, T3]\nprovides: [cap-b]\n",
    )
    .file(
        "stacks/zone-a/envoys.vgo",
        "envoys:\n  - match: \"a-*\"\n    environment: production\n    labels: { phi: true }\n",
    )
        .file(
            "stacks/waivers.vgo",
            "waivers:\n  - control: \"tf:T5\"\n    rationale: \"<b>vendor</b> & co\"\n    expires: \"2027-01-31\"\n    owner: \"grc@example.com\"\n",
        )
        .file(
            "traits/run.jsonl",
            "{\"envoy\": \"a-1\", \"capability\": \"cap-a\", \"status\": \"pass\", \"checked_at\": \"2026-11-22T01:00:00Z\"}\n{\"envoy\": \"b-1\", \"capability\": \"cap-b\", \"status\": \"fail\", \"checked_at\": \"2026-11-22T02:00:00Z\"}\n",
        )
        ;
    r
}

#[test]
fn oscal_exports_of_the_fixtures_validate_against_the_official_schema() {
    let v = oscal_validator();
    let tf = tf_fleet();
    let declared = tf_repo();
    declared.file(
        "stacks/configcrates/base.vgo",
        "compliance:\n  tf: [T1, T2]\n",
    );
    // Awkward text from input files must still give valid OSCAL strings and lines.
    let odd = Repo::new();
    odd.file(
        "frameworks/odd.yaml",
        "id: odd\nname: \"Odd\\nName \"\nversion: \" 1 \"\nsource: \"s\"\ncontrols:\n  - { id: \"1(a)\", title: \"Line one\\nline two <i>\" }\n  - { id: \"X.2\", title: \"x\" }\n",
    )
    .file("stacks/configcrates/c.vgo", "compliance:\n  odd: [\"1(a)\"]\n")
    .file(
        "stacks/waivers.vgo",
        "waivers:\n  - control: \"odd:X.2\"\n    rationale: \"multi\\nline\"\n    expires: \"2027-01-01\"\n    owner: \"  a b  \"\n",
    );
    let cases: Vec<(PathBuf, Vec<&str>)> = vec![
        (root().join("tests/fixtures/clinic"), vec![]),
        (root().join("examples/healthcare-saas"), vec![]),
        (tf.path().to_path_buf(), vec!["--framework", "tf"]),
        (declared.path().to_path_buf(), vec![]),
        (odd.path().to_path_buf(), vec!["--framework", "odd"]),
    ];
    for (repo, extra) in cases {
        let text = export(&repo, "oscal", &extra);
        let doc: Value = serde_json::from_str(&text).unwrap();
        assert_valid_oscal(&v, &doc);
        let ar = &doc["assessment-results"];
        assert_eq!(ar["metadata"]["oscal-version"], "1.2.1");
        assert_eq!(ar["metadata"]["last-modified"], AS_OF);
        // One finding per counted control, in every result.
        for result in ar["results"].as_array().unwrap() {
            let fw = prop(result, "framework-id");
            let total: usize = prop(result, "controls-total").parse().unwrap();
            assert_eq!(
                result["findings"].as_array().map_or(0, Vec::len),
                total,
                "{fw} in {}",
                repo.display()
            );
        }
    }
}

fn prop(v: &Value, name: &str) -> String {
    v["props"]
        .as_array()
        .and_then(|p| p.iter().find(|p| p["name"] == name))
        .and_then(|p| p["value"].as_str())
        .unwrap_or_else(|| panic!("no prop {name}"))
        .to_string()
}

#[test]
fn the_schema_check_rejects_broken_oscal() {
    // The validator must catch what the export is careful to avoid.
    let v = oscal_validator();
    let r = tf_fleet();
    let doc: Value =
        serde_json::from_str(&export(r.path(), "oscal", &["--framework", "tf"])).unwrap();
    assert_valid_oscal(&v, &doc);
    let mut bad = doc.clone();
    bad["assessment-results"]["results"][0]["findings"][0]["target"]["target-id"] =
        "164.312(e)(1)".into();
    assert!(
        !v.is_valid(&bad),
        "a control ID with parentheses is not a token"
    );
    let mut bad = doc.clone();
    bad["assessment-results"]["results"][0]["risks"][0]["deadline"] = "2027-01-31".into();
    assert!(!v.is_valid(&bad), "a deadline needs a time and zone");
    let mut bad = doc;
    bad["assessment-results"]["results"][0]["findings"][0]["target"]["status"]["state"] =
        "waived".into();
    assert!(!v.is_valid(&bad));
}

#[test]
fn oscal_content_findings_observations_risks_and_hashes() {
    let r = tf_fleet();
    let text = export(
        r.path(),
        "oscal",
        &["--framework", "tf", "--framework", "tf"],
    );
    assert_eq!(
        text,
        export(r.path(), "oscal", &["--framework", "tf"]),
        "same inputs and as_of give the same bytes (UUIDs included)"
    );
    let doc: Value = serde_json::from_str(&text).unwrap();
    let ar = &doc["assessment-results"];
    let results = ar["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "one result per framework (named twice)");
    let res = &results[0];
    let rep = r.report("tf", &[]);
    assert_eq!(
        prop(res, "coverage-pct"),
        rep["summary"]["coverage_pct"].to_string()
    );
    let findings = res["findings"].as_array().unwrap();
    let by_id: BTreeMap<String, &Value> = findings
        .iter()
        .map(|f| (prop(f, "control-id"), f))
        .collect();
    for c in rep["controls"].as_array().unwrap() {
        let id = c["id"].as_str().unwrap();
        let f = by_id[id];
        assert_eq!(prop(f, "vigocli-status"), c["status"].as_str().unwrap());
        let state = f["target"]["status"]["state"].as_str().unwrap();
        assert_eq!(state == "satisfied", c["status"] == "covered", "{id}");
        assert_eq!(f["target"]["target-id"], id.to_lowercase());
    }
    // T5 is waived on every envoy: a risk with an approved deviation and the expiry.
    let risks = res["risks"].as_array().unwrap();
    assert_eq!(risks.len(), 1);
    assert_eq!(risks[0]["status"], "deviation-approved");
    assert_eq!(risks[0]["deadline"], "2027-01-31T23:59:59Z");
    assert_eq!(
        risks[0]["description"], "&lt;b&gt;vendor&lt;/b&gt; &amp; co",
        "markup from input files is escaped"
    );
    assert_eq!(
        by_id["T5"]["related-risks"][0]["risk-uuid"],
        risks[0]["uuid"]
    );
    // Observations: configcrate claims per group of identical envoys, Connwaer with `collected`.
    let obs = res["observations"].as_array().unwrap();
    let conn: Vec<&Value> = obs
        .iter()
        .filter(|o| prop(o, "evidence-kind") == "connwaer-results")
        .collect();
    assert_eq!(conn.len(), 2, "a-1 (pass) and b-1 (fail)");
    let collected: Vec<&str> = conn
        .iter()
        .map(|o| o["collected"].as_str().unwrap())
        .collect();
    assert!(collected.contains(&"2026-11-22T01:00:00Z"), "{collected:?}");
    let claims: Vec<&Value> = obs
        .iter()
        .filter(|o| prop(o, "evidence-kind") == "configcrate-claims")
        .collect();
    // a-1 differs from a-2 by its Connwaer result; b-1 has `extra`.
    assert_eq!(claims.len(), 3);
    let t1_related = by_id["T1"]["related-observations"].as_array().unwrap();
    assert_eq!(t1_related.len(), 4, "three claim groups and a-1's pass");
    // UUIDs are version 5.
    assert_eq!(&ar["uuid"].as_str().unwrap()[14..15], "5");
    // back-matter: every input file with its SHA-256.
    let resources = ar["back-matter"]["resources"].as_array().unwrap();
    let inventory = resources
        .iter()
        .find(|r| r["title"] == "inventory/envoys.json")
        .expect("inventory listed");
    let want = vigocli::load::hex(&Sha256::digest(
        std::fs::read(r.path().join("inventory/envoys.json")).unwrap(),
    ));
    assert_eq!(inventory["rlinks"][0]["hashes"][0]["algorithm"], "SHA-256");
    assert_eq!(inventory["rlinks"][0]["hashes"][0]["value"], want);
    assert!(resources.iter().any(|r| r["title"] == "stacks/waivers.vgo"));
}

#[test]
fn control_ids_become_oscal_tokens() {
    let text = export(
        &root().join("tests/fixtures/clinic"),
        "oscal",
        &["--framework", "hipaa", "--framework", "nist-800-53"],
    );
    let doc: Value = serde_json::from_str(&text).unwrap();
    let results = doc["assessment-results"]["results"].as_array().unwrap();
    let target = |res: &Value, id: &str| -> String {
        res["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| prop(f, "control-id") == id)
            .map(|f| f["target"]["target-id"].as_str().unwrap().to_string())
            .unwrap()
    };
    assert_eq!(target(&results[0], "164.312(e)(1)"), "_164.312.e.1");
    assert_eq!(target(&results[1], "SC-8(1)"), "sc-8.1");
}

/// Each line of a JSONL text as JSON.
fn lines(text: &str) -> Vec<Value> {
    text.lines()
        .enumerate()
        .map(|(i, l)| {
            serde_json::from_str(l).unwrap_or_else(|e| panic!("line {}: {e}: {l}", i + 1))
        })
        .collect()
}

#[test]
fn siem_snapshots_and_ocsf_shape() {
    let r = tf_fleet();
    let fleet = export(r.path(), "siem", &["--framework", "tf"]);
    insta::assert_snapshot!("tf_siem_jsonl", fleet);
    let events = lines(&fleet);
    assert_eq!(events.len(), 6, "one event per control");
    for e in &events {
        assert_eq!(e["class_uid"], 2003);
        assert_eq!(e["category_uid"], 2);
        assert_eq!(e["type_uid"], 200301);
        assert!(e.get("resources").is_none());
    }
    let per = export(r.path(), "siem", &["--framework", "tf", "--per-envoy"]);
    insta::assert_snapshot!("tf_siem_per_envoy_jsonl", per);
    let events = lines(&per);
    assert_eq!(events.len(), 18, "3 envoys × 6 controls");
    let t5_a1 = events
        .iter()
        .find(|e| e["compliance"]["control"] == "T5" && e["resources"][0]["name"] == "a-1")
        .unwrap();
    assert_eq!(t5_a1["compliance"]["status"], "Warning");
    assert_eq!(t5_a1["unmapped"]["vigocli_status"], "waived");
}

#[test]
fn siem_per_envoy_counts_add_up_to_the_report() {
    // The per-envoy statuses must agree with the engine's per-control counts.
    let clinic = root().join("tests/fixtures/clinic");
    let example = root().join("examples/healthcare-saas");
    for (repo, fw) in [
        (&clinic, "hipaa"),
        (&clinic, "nist-800-53"),
        (&example, "hipaa"),
        (&example, "pci"),
        (&example, "nist-800-53-moderate"),
    ] {
        let rep = run_in(repo, &["compliance", "report", fw, "--format", "json"])
            .ok()
            .json();
        let events = lines(&export(repo, "siem", &["--framework", fw, "--per-envoy"]));
        let mut counts: BTreeMap<String, [u64; 4]> = BTreeMap::new();
        for e in &events {
            let c = counts
                .entry(e["compliance"]["control"].as_str().unwrap().into())
                .or_default();
            match e["unmapped"]["vigocli_status"].as_str().unwrap() {
                "covered" => c[0] += 1,
                "attested" => c[1] += 1,
                "waived" => c[2] += 1,
                _ => c[3] += 1,
            }
        }
        let n_envoys = rep["summary"]["envoys_in_scope"].as_u64().unwrap();
        for c in rep["controls"].as_array().unwrap() {
            let got = counts
                .get(c["id"].as_str().unwrap())
                .copied()
                .unwrap_or_default();
            let want = [
                c["envoys_covered"].as_u64().unwrap(),
                c["envoys_attested"].as_u64().unwrap(),
                c["envoys_waived"].as_u64().unwrap(),
                c["envoys_uncovered"].as_u64().unwrap(),
            ];
            assert_eq!(got, want, "{fw} {} in {}", c["id"], repo.display());
            assert_eq!(got.iter().sum::<u64>(), n_envoys);
        }
    }
}

#[test]
fn cmdb_snapshot_and_numbers() {
    let r = tf_fleet();
    let text = export(r.path(), "cmdb", &["--framework", "tf"]);
    insta::assert_snapshot!("tf_cmdb_json", text);
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["schema"], "vigocli/cmdb/v1");
    let envoys = doc["envoys"].as_array().unwrap();
    assert_eq!(envoys.len(), 3);
    let rep = r.report("tf", &[]);
    for e in envoys {
        let host = e["hostname"].as_str().unwrap();
        assert_eq!(
            e["coverage"]["tf"]["coverage_pct"],
            envoy(&rep, host)["coverage_pct"]
        );
    }
    assert_eq!(envoys[0]["configcrates"], serde_json::json!(["base"]));
    assert_eq!(envoys[0]["last_converged"], "2026-11-21T08:00:00Z");
    assert_eq!(envoys[2]["status"], "failed");

    // Out-of-scope envoys say so instead of reporting 0 %.
    let clinic = root().join("tests/fixtures/clinic");
    let text = export(&clinic, "cmdb", &[]);
    let doc: Value = serde_json::from_str(&text).unwrap();
    // Each envoy record is one line that parses on its own (for line-oriented loaders).
    let records: Vec<Value> = text
        .lines()
        .filter(|l| l.starts_with("    {\"hostname\""))
        .map(|l| serde_json::from_str(l.trim().trim_end_matches(',')).unwrap())
        .collect();
    assert_eq!(records.len(), 5, "five envoys once the revoked one is gone");
    assert_eq!(&Value::Array(records), &doc["envoys"]);
    let staging = doc["envoys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["hostname"] == "web-1.staging.example.com")
        .unwrap();
    assert_eq!(staging["coverage"]["hipaa"]["in_scope"], false);
    assert!(staging["coverage"]["hipaa"].get("coverage_pct").is_none());
    assert_eq!(staging["coverage"]["soc2"]["in_scope"], true);
}

#[test]
fn grc_payload_per_control_pass_fail() {
    let r = tf_fleet();
    let text = export(
        r.path(),
        "grc",
        &["--vendor", "generic", "--framework", "tf"],
    );
    insta::assert_snapshot!("tf_grc_generic_json", text);
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["schema"], "vigocli/grc-evidence/v1");
    let ev = doc["evidence"].as_array().unwrap();
    assert_eq!(ev.len(), 6);
    for e in ev {
        assert_eq!(e["result"] == "pass", e["status"] == "covered", "{e}");
    }
    let vanta: Value = serde_json::from_str(&export(
        r.path(),
        "grc",
        &["--vendor", "vanta", "--framework", "tf"],
    ))
    .unwrap();
    assert_eq!(vanta["vendor"], "vanta");
    assert_eq!(vanta["shape"], "generic");
    assert_eq!(vanta["evidence"], doc["evidence"]);
}

#[test]
fn export_errors_exit_2_and_write_nothing() {
    let r = tf_fleet();
    let run = r.run(&[
        "compliance",
        "export",
        "oscal",
        "--framework",
        "nope",
        "--output",
        "x.json",
    ]);
    run.invalid();
    assert!(!r.path().join("x.json").exists());
    let run = r
        .run(&[
            "compliance",
            "export",
            "siem",
            "--output",
            "missing-dir/x.jsonl",
        ])
        .invalid();
    assert!(run.stderr.contains("write-failed"), "{}", run.stderr);
    let run = r.run(&[
        "compliance",
        "export",
        "grc",
        "--vendor",
        "acme",
        "--output",
        "x.json",
    ]);
    run.invalid();
}

// ---- push ----------------------------------------------------------------------------

const TOKEN: &str = "s3cr3t-t0ken-4242";

#[derive(Debug, Clone)]
struct Request {
    head: String,
    body: String,
}

/// An HTTP server on 127.0.0.1 that answers the scripted statuses in order (then 200),
/// records the requests, and stops after `max` requests.
fn server(statuses: Vec<u16>, max: usize) -> (String, std::thread::JoinHandle<Vec<Request>>) {
    use std::io::{BufRead as _, BufReader, Read as _, Write as _};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/v1/evidence", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        let mut seen = Vec::new();
        // Never wait forever: a run that sends fewer requests than expected must fail the
        // test's assertions, not hang it.
        listener.set_nonblocking(true).unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        let mut i = 0;
        loop {
            let mut stream = match listener.accept() {
                Ok((s, _)) => s,
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    if std::time::Instant::now() > deadline {
                        break;
                    }
                    std::thread::sleep(std::time::Duration::from_millis(10));
                    continue;
                }
                Err(e) => panic!("accept: {e}"),
            };
            stream.set_nonblocking(false).unwrap();
            stream
                .set_read_timeout(Some(std::time::Duration::from_secs(10)))
                .unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut head = String::new();
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                head.push_str(&line);
            }
            let len: usize = head
                .lines()
                .find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    k.eq_ignore_ascii_case("content-length")
                        .then(|| v.trim().parse().ok())?
                })
                .unwrap_or(0);
            let mut body = vec![0; len];
            reader.read_exact(&mut body).unwrap();
            seen.push(Request {
                head,
                body: String::from_utf8(body).unwrap(),
            });
            let status = statuses.get(i).copied().unwrap_or(200);
            let reply = format!("{{\"echo\": \"Bearer {TOKEN}\", \"status\": {status}}}");
            let extra = if status == 503 {
                "Retry-After: 0\r\n"
            } else {
                ""
            };
            write!(
                stream,
                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\n{extra}Connection: close\r\n\r\n{reply}",
                reply.len()
            )
            .unwrap();
            i += 1;
            if seen.len() >= max {
                break;
            }
        }
        seen
    });
    (url, handle)
}

fn push(r: &Repo, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut all: Vec<String> = vec![
        "--repo".into(),
        r.path().display().to_string(),
        "--as-of".into(),
        AS_OF.into(),
        "compliance".into(),
        "push".into(),
        "grc".into(),
    ];
    all.extend(args.iter().map(|s| s.to_string()));
    let out = std::process::Command::new(bin())
        .args(&all)
        .env_clear()
        .env("NO_COLOR", "1")
        .envs(env.iter().copied())
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[track_caller]
fn assert_no_token(run: &Run) {
    assert!(
        !run.stdout.contains(TOKEN),
        "token in stdout:\n{}",
        run.stdout
    );
    assert!(
        !run.stderr.contains(TOKEN),
        "token in stderr:\n{}",
        run.stderr
    );
}

#[test]
fn push_sends_headers_and_body_in_batches() {
    let r = tf_fleet();
    let (url, server) = server(vec![], 2);
    let run = push(
        &r,
        &[
            "--vendor",
            "drata",
            "--endpoint",
            &url,
            "--token-env",
            "GRC_TOKEN",
            "--framework",
            "tf",
            "--batch-size",
            "4",
        ],
        &[("GRC_TOKEN", TOKEN)],
    );
    assert_no_token(&run);
    let run = run.ok();
    assert!(
        run.stderr
            .contains("pushed 6 evidence record(s) for drata in 2 request(s)"),
        "{}",
        run.stderr
    );
    let reqs = server.join().unwrap();
    assert_eq!(reqs.len(), 2);
    let head = reqs[0].head.to_ascii_lowercase();
    assert!(head.starts_with("post /v1/evidence http/1.1"), "{head}");
    assert!(
        reqs[0].head.contains(&format!("Bearer {TOKEN}")),
        "{}",
        reqs[0].head
    );
    assert!(head.contains("content-type: application/json"));
    assert!(head.contains("idempotency-key: "));
    assert!(head.contains("user-agent: vigocli/"));
    let b0: Value = serde_json::from_str(&reqs[0].body).unwrap();
    let b1: Value = serde_json::from_str(&reqs[1].body).unwrap();
    assert_eq!(b0["vendor"], "drata");
    assert_eq!(b0["batch"]["index"], 0);
    assert_eq!(b0["batch"]["count"], 2);
    assert_eq!(b0["evidence"].as_array().unwrap().len(), 4);
    assert_eq!(b1["evidence"].as_array().unwrap().len(), 2);
    assert_eq!(b1["evidence"][1]["control"], "T6");
}

#[test]
fn push_retries_on_503_and_fails_with_exit_1_on_401() {
    let r = tf_fleet();
    let dir = tempfile::tempdir().unwrap();
    let token_file = dir.path().join("token");
    std::fs::write(&token_file, format!("{TOKEN}\n")).unwrap();
    let tf = token_file.display().to_string();

    let (url, server_handle) = server(vec![503, 503], 3);
    let run = push(
        &r,
        &[
            "--vendor",
            "generic",
            "--endpoint",
            &url,
            "--token-file",
            &tf,
            "--framework",
            "tf",
        ],
        &[],
    );
    assert_no_token(&run);
    let run = run.ok();
    let reqs = server_handle.join().unwrap();
    assert_eq!(reqs.len(), 3, "two 503s, then success");
    assert_eq!(reqs[0].body, reqs[2].body, "a retry resends the same body");
    let key = |r: &Request| {
        r.head
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with("idempotency-key"))
            .map(str::to_string)
    };
    assert_eq!(key(&reqs[0]), key(&reqs[2]), "and the same Idempotency-Key");
    assert!(run.stderr.contains("attempt 1: HTTP 503"), "{}", run.stderr);
    assert!(
        run.stderr.contains("[redacted]"),
        "the echoed token is redacted:\n{}",
        run.stderr
    );

    let (url, server_handle) = server(vec![401], 1);
    let run = push(
        &r,
        &[
            "--vendor",
            "vanta",
            "--endpoint",
            &url,
            "--token-env",
            "T",
            "--framework",
            "tf",
        ],
        &[("T", TOKEN)],
    );
    assert_no_token(&run);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("push-failed"), "{}", run.stderr);
    assert!(run.stderr.contains("HTTP 401"), "{}", run.stderr);
    assert_eq!(server_handle.join().unwrap().len(), 1, "401 is not retried");
}

#[test]
fn push_gives_up_after_bounded_attempts() {
    let r = tf_fleet();
    let (url, server_handle) = server(vec![503; 10], 4);
    let run = push(
        &r,
        &[
            "--vendor",
            "generic",
            "--endpoint",
            &url,
            "--token-env",
            "T",
            "--framework",
            "tf",
        ],
        &[("T", TOKEN)],
    );
    assert_no_token(&run);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(server_handle.join().unwrap().len(), 4);
}

#[test]
fn push_dry_run_and_token_rules() {
    let r = tf_fleet();
    let run = push(
        &r,
        &[
            "--vendor",
            "secureframe",
            "--endpoint",
            "https://grc.example.com/api",
            "--token-env",
            "T",
            "--framework",
            "tf",
            "--dry-run",
        ],
        &[("T", TOKEN)],
    );
    assert_no_token(&run);
    let run = run.ok();
    assert!(
        run.stdout.contains("Authorization: Bearer [redacted]"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("\"vendor\": \"secureframe\""));

    // No token on the command line, ever: there is no flag for it.
    let run = push(
        &r,
        &[
            "--vendor",
            "generic",
            "--endpoint",
            "https://x.example",
            "--token",
            TOKEN,
        ],
        &[],
    );
    assert_eq!(run.code, 2);
    // A token source is required.
    let run = push(
        &r,
        &["--vendor", "generic", "--endpoint", "https://x.example"],
        &[],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    // Unset variable, plain http to a remote host: usage errors.
    let run = push(
        &r,
        &[
            "--vendor",
            "generic",
            "--endpoint",
            "https://x.example",
            "--token-env",
            "UNSET",
        ],
        &[],
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("`UNSET` is not set"), "{}", run.stderr);
    let run = push(
        &r,
        &[
            "--vendor",
            "generic",
            "--endpoint",
            "http://grc.example.com/x",
            "--token-env",
            "T",
        ],
        &[("T", TOKEN)],
    );
    assert_no_token(&run);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("plain http"), "{}", run.stderr);
}

#[test]
fn push_does_not_follow_redirects() {
    // A redirect could carry the token elsewhere: it fails the push instead.
    let r = tf_fleet();
    let (url, server_handle) = server(vec![302], 1);
    let run = push(
        &r,
        &[
            "--vendor",
            "generic",
            "--endpoint",
            &url,
            "--token-env",
            "T",
            "--framework",
            "tf",
        ],
        &[("T", TOKEN)],
    );
    assert_no_token(&run);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("HTTP 302"), "{}", run.stderr);
    assert_eq!(server_handle.join().unwrap().len(), 1);
}

#[test]
fn exports_do_not_depend_on_the_thread_count() {
    let example = root().join("examples/healthcare-saas");
    for (kind, extra) in [
        ("oscal", vec![]),
        ("siem", vec!["--per-envoy", "--framework", "pci"]),
        ("cmdb", vec![]),
    ] {
        let one = export(&example, kind, &[&["--threads", "1"][..], &extra].concat());
        let many = export(&example, kind, &[&["--threads", "4"][..], &extra].concat());
        assert!(one == many, "{kind} differs between 1 and 4 threads");
    }
}

//! Output hardening: data never acts on the terminal, a CI log or a Markdown comment; the
//! push token never leaks, in any encoding; and the papercuts a new user meets.

use crate::common::{AS_OF, Repo, Run, TEST_CAPABILITIES, bin, run_env, three_envoy_fleet};
use serde_json::Value;
use std::path::{Path, PathBuf};

// ---- terminal and CI injection (item 10) ----------------------------------------------

/// A workflow command forged by data starts a line with `::` (the runner trims leading
/// space); real annotations (github format only) carry our `title=vigocli …`.
#[track_caller]
fn assert_no_forged_line(what: &str, text: &str) {
    for line in text.lines() {
        let t = line.trim_start();
        assert!(
            !t.starts_with("::") || t.contains("title=vigocli"),
            "{what}: a line forged from data: {line:?}\n{text}"
        );
    }
}

/// No control character reaches the output but our own line breaks.
#[track_caller]
fn assert_clean(what: &str, text: &str) {
    let bad: Vec<char> = text
        .chars()
        .filter(|&c| (c.is_control() && c != '\n') || ('\u{202a}'..='\u{202e}').contains(&c))
        .collect();
    assert!(
        bad.is_empty(),
        "{what}: raw control characters {bad:?} in\n{text}"
    );
    assert_no_forged_line(what, text);
}

#[track_caller]
fn assert_run_clean(what: &str, run: &Run) {
    assert_clean(&format!("{what} (stdout)"), &run.stdout);
    assert_clean(&format!("{what} (stderr)"), &run.stderr);
}

/// Repository args plus `args`, as owned strings (some carry control characters).
fn with_repo(r: &Repo, args: &[&str]) -> Vec<String> {
    let mut all = vec![
        "--repo".to_string(),
        r.path().display().to_string(),
        "--as-of".to_string(),
        AS_OF.to_string(),
    ];
    all.extend(args.iter().map(|s| s.to_string()));
    all
}

/// The three-envoy fleet with control characters in every kind of data a human output
/// shows: framework name and control titles (catalog), a configcrate's file name, a waiver's
/// owner and rationale, a Connwaer result's envoy, a label.
fn hostile_fleet() -> Repo {
    let r = three_envoy_fleet();
    let framework = crate::common::TEST_FRAMEWORK
        .replace(
            "name: Test Framework",
            "name: \"Test\\e[31m Framework\\x07\\u202e\"",
        )
        .replace(
            "title: \"One\"",
            "title: \"One\\r\\n::error file=x::title\"",
        )
        .replace(
            "title: \"Two\"",
            "title: \"Two [click](http://evil.example) <img src=x> | cell\"",
        );
    r.file("frameworks/tf.yaml", &framework)
        .file("frameworks/caps.yaml", TEST_CAPABILITIES)
        .file(
            "stacks/configcrates/ev\u{1b}[2Jil\n::error file=c::crate.vgo",
            "compliance:\n  tf: [T6]\n",
        )
        .file(
            "stacks/waivers.vgo",
            "waivers:\n  - control: \"tf:T5\"\n    rationale: \"ok\\e]0;pwned\\x07\"\n    expires: \"2026-12-01\"\n    owner: \"ops\\e[2J\\r\\n::error file=w::owner\"\n",
        )
        .file(
            "stacks/zone-a/envoys.vgo",
            "envoys:\n  - match: \"a-*\"\n    labels: { phi: \"yes\\e[8m\" }\n",
        )
        .file(
            "traits/run.jsonl",
            "{\"envoy\": \"ghost\\u001b[31m\\n::error file=t::trait\", \"capability\": \"cap-a\", \"status\": \"pass\", \"checked_at\": \"2026-11-22T01:00:00Z\"}\n",
        );
    r
}

#[test]
fn data_with_control_characters_is_escaped_in_every_human_output() {
    let r = hostile_fleet();
    let scope = "phi=yes\u{1b}[8m";
    let runs: Vec<(&str, Vec<String>)> = vec![
        (
            "check",
            with_repo(&r, &["compliance", "check", "--framework", "tf"]),
        ),
        (
            "check with a scope",
            with_repo(
                &r,
                &["--scope", scope, "compliance", "check", "--framework", "tf"],
            ),
        ),
        (
            "check --format github",
            with_repo(
                &r,
                &[
                    "compliance",
                    "check",
                    "--framework",
                    "tf",
                    "--format",
                    "github",
                ],
            ),
        ),
        (
            "report table",
            with_repo(&r, &["compliance", "report", "tf"]),
        ),
        (
            "report table with a scope",
            with_repo(&r, &["--scope", scope, "compliance", "report", "tf"]),
        ),
        (
            "status",
            with_repo(&r, &["compliance", "status", "--framework", "tf"]),
        ),
        ("waivers", with_repo(&r, &["compliance", "waivers"])),
    ];
    for (what, args) in &runs {
        let run = run_env(args, Path::new("."), &[]);
        assert!(run.code == 0 || run.code == 1, "{what}: {}", run.stderr);
        assert_run_clean(what, &run);
    }
    // The data is there, visibly escaped.
    let check = run_env(&runs[0].1, Path::new("."), &[]);
    assert!(
        check
            .stdout
            .contains("ghost\\x1b[31m\\n::error file=t::trait"),
        "{}",
        check.stdout
    );
    assert!(
        check
            .stdout
            .contains("owner ops\\x1b[2J\\r\\n::error file=w::owner"),
        "{}",
        check.stdout
    );
    assert!(
        check
            .stdout
            .contains("ev\\x1b[2Jil\\n::error file=c::crate")
    );
    let waivers = run_env(&runs[6].1, Path::new("."), &[]);
    assert!(
        waivers.stdout.contains("ops\\x1b[2J\\r\\n::error"),
        "{}",
        waivers.stdout
    );
    let table = run_env(&runs[3].1, Path::new("."), &[]);
    assert!(
        table
            .stdout
            .contains("Test\\x1b[31m Framework\\x07\\u{202e}"),
        "{}",
        table.stdout
    );
    // GitHub annotations: data stays inside its annotation, encoded.
    let gh = run_env(&runs[2].1, Path::new("."), &[]);
    let annotations: Vec<&str> = gh.stdout.lines().filter(|l| l.starts_with("::")).collect();
    assert!(!annotations.is_empty(), "{}", gh.stdout);
    for a in &annotations {
        assert!(
            a.contains(",title=vigocli ") || a.contains(" title=vigocli "),
            "{a}"
        );
    }
    assert!(
        gh.stdout.contains("ghost\\x1b[31m\\n::error file=t::trait"),
        "{}",
        gh.stdout
    );
    // The configcrate's file name is a `file=` property: escaped, then `:` encoded.
    assert!(
        gh.stdout.contains("\\n%3A%3Aerror file=c%3A%3Acrate.vgo"),
        "{}",
        gh.stdout
    );
}

/// An HTML page and a PDF show the same data visibly escaped: a bidirectional override in a
/// framework's name cannot reverse what the page shows, and an ESC reads `\x1b`. Line
/// breaks and tabs stay white space there.
#[test]
fn data_with_control_characters_is_shown_visibly_in_html_and_pdf() {
    let r = hostile_fleet();
    let dir = tempfile::tempdir().unwrap();
    let (html, pdf) = (dir.path().join("tf.html"), dir.path().join("tf.pdf"));
    for (format, out) in [("html", &html), ("pdf", &pdf)] {
        let args = with_repo(
            &r,
            &["compliance", "report", "tf", "--format", format, "--output"],
        );
        let mut args = args;
        args.push(out.display().to_string());
        let run = run_env(&args, Path::new("."), &[]);
        assert!(run.code == 0 || run.code == 1, "{format}: {}", run.stderr);
    }
    let hidden = |c: char| {
        (c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
            || ('\u{202a}'..='\u{202e}').contains(&c)
    };
    let page = std::fs::read_to_string(&html).unwrap();
    let bad: Vec<char> = page.chars().filter(|&c| hidden(c)).collect();
    assert!(bad.is_empty(), "html: raw characters {bad:?}");
    assert!(page.contains("Test\\x1b[31m Framework\\x07\\u{202e}"));
    if !crate::common::require_tool(
        "pdftotext",
        "-v",
        "hardening_output",
        "apt-get install poppler-utils",
    ) {
        return;
    }
    let out = std::process::Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    // pdftotext ends each page with a form feed.
    let bad: Vec<char> = text.chars().filter(|&c| hidden(c) && c != '\x0c').collect();
    assert!(bad.is_empty(), "pdf: raw characters {bad:?} in\n{text}");
    assert!(
        text.contains("Test\\x1b[31m Framework\\x07\\u{202e}"),
        "{text}"
    );
}

#[test]
fn diff_table_and_markdown_escape_data() {
    let r = hostile_fleet();
    let old = r.path().join("old.json");
    let new = r.path().join("new.json");
    let old_s = old.display().to_string();
    let new_s = new.display().to_string();
    r.run(&[
        "compliance",
        "report",
        "tf",
        "--format",
        "json",
        "--output",
        &old_s,
    ])
    .ok();
    // T1 and T2 regress.
    r.file("stacks/configcrates/base.vgo", "compliance:\n  tf: [T6]\n")
        .file("stacks/configcrates/extra.vgo", "compliance:\n  tf: [T3]\n");
    r.run(&[
        "compliance",
        "report",
        "tf",
        "--format",
        "json",
        "--output",
        &new_s,
    ])
    .ok();
    let table = r.run(&["compliance", "diff", &old_s, &new_s]).ok();
    assert_run_clean("diff table", &table);
    assert!(
        table.stdout.contains("One\\r\\n::error file=x::title"),
        "{}",
        table.stdout
    );

    let md = r
        .run(&["compliance", "diff", &old_s, &new_s, "--format", "markdown"])
        .ok();
    assert_run_clean("diff markdown", &md);
    // No link, no image, no HTML, no extra table cell from data.
    assert!(
        md.stdout
            .contains("Two \\[click\\](http://evil.example) \\<img src=x\\> \\| cell"),
        "{}",
        md.stdout
    );
    for line in md.stdout.lines().filter(|l| l.starts_with("| ")) {
        let cells = line.replace("\\|", "").matches('|').count();
        assert!(cells == 5 || cells == 6 || cells == 4, "{line}");
    }
    assert!(
        md.stdout.contains("Test\\\\x1b\\[31m Framework"),
        "{}",
        md.stdout
    );
}

#[test]
fn a_diagnostic_escapes_its_source_excerpt() {
    let r = three_envoy_fleet();
    r.file(
        "stacks/configcrates/bad.vgo",
        "compliance:\n  tf: [T1, \"\u{1b}[2J\u{7}\"]\n",
    );
    let run = r.run(&["compliance", "check"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert_run_clean("check", &run);
    assert!(run.stdout.contains("\\x1b[2J\\x07"), "{}", run.stdout);
}

#[test]
fn hostnames_with_control_characters_or_whitespace_are_refused_with_their_position() {
    // The attack of issue 9: a hostname with a newline printed a real `::error` line.
    let r = three_envoy_fleet();
    r.file(
        "inventory/envoys.json",
        "{\"envoys\": [\n  {\"hostname\": \"a-1\"},\n  {\"hostname\": \"x\\n::error file=x::pwned\"}\n]}",
    )
    .file(
        "inventory/more.yaml",
        "envoys:\n  - hostname: a-2\n  - hostname: \"b\\e[31m-1\"\n  - hostname: \"c 1\"\n",
    )
    .file(
        "inventory/bulk.jsonl",
        "{\"hostname\": \"d-1\"}\n{\"hostname\": \"d\\u202e-2\"}\n",
    );
    let run = r.run(&["compliance", "check"]);
    assert_eq!(run.code, 2, "{}\n{}", run.stdout, run.stderr);
    assert_run_clean("check", &run);
    for at in [
        "--> inventory/envoys.json:3:3",
        "--> inventory/more.yaml:3:15",
        "--> inventory/more.yaml:4:15",
        "--> inventory/bulk.jsonl:2:1",
    ] {
        assert!(run.stdout.contains(at), "{at}:\n{}", run.stdout);
    }
    assert_eq!(
        run.stdout.matches("error[invalid-hostname]").count(),
        4,
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("= help: "));
    // Every other command refuses too, with exit 2 and nothing on stdout.
    let run = r.run(&["compliance", "report", "tf", "--format", "json"]);
    assert_eq!(run.code, 2);
    assert!(run.stdout.is_empty());
    assert!(
        run.stderr.contains("error[invalid-hostname]"),
        "{}",
        run.stderr
    );
    assert_run_clean("report", &run);
}

// ---- push token redaction (item 11) ---------------------------------------------------

const TOKEN: &str = "Tk/9+zQ_x-y~8u%2Fpad==AbCdEfGhIjKl";

/// An HTTP server on 127.0.0.1 that answers every request with `status` and `body`, and
/// stops after `max` requests (or 30 s).
fn server(status: u16, body: String, max: usize) -> (String, std::thread::JoinHandle<usize>) {
    use std::io::{BufRead as _, BufReader, Read as _, Write as _};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/v1/evidence", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        listener.set_nonblocking(true).unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        let mut served = 0;
        while served < max {
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
            let mut len = 0;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some((k, v)) = line.split_once(':')
                    && k.eq_ignore_ascii_case("content-length")
                {
                    len = v.trim().parse().unwrap_or(0);
                }
            }
            let mut request = vec![0; len];
            reader.read_exact(&mut request).unwrap();
            write!(
                stream,
                "HTTP/1.1 {status} X\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            )
            .unwrap();
            served += 1;
        }
        served
    });
    (url, handle)
}

fn push_once(body: String) -> Run {
    let r = three_envoy_fleet();
    let (url, server) = server(401, body, 1);
    let args = with_repo(
        &r,
        &[
            "compliance",
            "push",
            "grc",
            "--vendor",
            "generic",
            "--endpoint",
            &url,
            "--token-env",
            "GRC_TOKEN",
            "--framework",
            "tf",
        ],
    );
    let run = run_env(&args, Path::new("."), &[("GRC_TOKEN", TOKEN)]);
    assert_eq!(server.join().unwrap(), 1);
    assert_eq!(run.code, 1, "{}", run.stderr);
    run
}

fn b64(bytes: &[u8], url_safe: bool) -> String {
    use base64::Engine as _;
    if url_safe {
        base64::engine::general_purpose::URL_SAFE.encode(bytes)
    } else {
        base64::engine::general_purpose::STANDARD.encode(bytes)
    }
}

/// The token's bytes in every form a server could echo them: each must be absent from the
/// output, and so must every 6-character prefix of the raw token.
#[track_caller]
fn assert_token_absent(run: &Run) {
    let out = format!("{}\n{}", run.stdout, run.stderr);
    assert!(out.contains("[redacted]"), "{out}");
    let mut forms = vec![
        TOKEN.to_string(),
        TOKEN[..6].to_string(),
        TOKEN.replace('/', "\\/"),
        url_encode(TOKEN, true),
        url_encode(TOKEN, false),
    ];
    for pad in 0..3 {
        let mut data = b"xyz"[..pad].to_vec();
        data.extend_from_slice(TOKEN.as_bytes());
        for safe in [false, true] {
            let e = b64(&data, safe);
            let inner = &e[(8 * pad).div_ceil(6)..8 * data.len() / 6];
            forms.push(inner[..12].to_string());
        }
    }
    for f in forms {
        assert!(!out.contains(&f), "`{f}` leaked:\n{out}");
    }
}

fn url_encode(s: &str, upper: bool) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else if upper {
                format!("%{b:02X}")
            } else {
                format!("%{b:02x}")
            }
        })
        .collect()
}

#[test]
fn push_redacts_a_token_echoed_across_the_200_character_cut() {
    // The token starts at character 190: cut first, a 10-character prefix showed.
    let body = format!("{}Bearer {TOKEN} and more", "x".repeat(183));
    let run = push_once(body);
    assert_token_absent(&run);
    assert!(run.stderr.contains("HTTP 401"), "{}", run.stderr);
}

#[test]
fn push_redacts_json_escaped_url_encoded_and_base64_echoes() {
    let json = serde_json::to_string(&serde_json::json!({ "auth": format!("Bearer {TOKEN}") }))
        .unwrap()
        .replace('/', "\\/");
    let bodies = [
        json,
        format!("url={}", url_encode(TOKEN, true)),
        format!("lower={}", url_encode(TOKEN, false)),
        format!("basic={}", b64(format!("user:{TOKEN}").as_bytes(), false)),
        format!("a={}", b64(TOKEN.as_bytes(), false)),
        format!("b={}", b64(format!("x{TOKEN}").as_bytes(), false)),
        format!("c={}", b64(format!("xy{TOKEN}").as_bytes(), false)),
        format!("u={}", b64(format!("xy{TOKEN}").as_bytes(), true)),
    ];
    // Each echo in its own request.
    for body in bodies {
        let run = push_once(body);
        assert_token_absent(&run);
    }
}

#[test]
fn push_redacts_a_cut_echo_and_escapes_control_characters_in_the_reply() {
    // A server that cut the token after 8 characters, and a reply that would clear the
    // screen and forge an annotation.
    let body = format!(
        "denied: {}… \u{1b}[2J\r\n::error file=p::pushed",
        &TOKEN[..8]
    );
    let run = push_once(body);
    assert_token_absent(&run);
    assert_run_clean("push", &run);
    assert!(
        run.stderr.contains("\\x1b[2J\\r\\n::error file=p::pushed"),
        "{}",
        run.stderr
    );
}

// ---- new-user papercuts (item 13) -----------------------------------------------------

#[test]
fn check_with_a_scope_typo_says_no_envoy_is_in_scope() {
    let r = three_envoy_fleet();
    let run = r.run(&[
        "--scope",
        "phy=true",
        "compliance",
        "check",
        "--framework",
        "tf",
        "--min-coverage",
        "50",
    ]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout.contains("coverage-below-minimum"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("warning[no-envoys-in-scope]: no envoy is in the scope of tf (phy=true)"),
        "{}",
        run.stdout
    );
    let json = r
        .run(&[
            "--scope",
            "phy=true",
            "compliance",
            "check",
            "--framework",
            "tf",
            "--format",
            "json",
        ])
        .json();
    let codes: Vec<&str> = json["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["code"].as_str())
        .collect();
    assert!(codes.contains(&"no-envoys-in-scope"), "{codes:?}");
}

fn example() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/healthcare-saas")
}

fn run_example(args: &[&str]) -> Run {
    let mut all = vec![
        "--repo".to_string(),
        example().display().to_string(),
        "--as-of".to_string(),
        AS_OF.to_string(),
    ];
    all.extend(args.iter().map(|s| s.to_string()));
    crate::common::run_raw(&all, &example())
}

#[test]
fn the_table_report_and_its_note_count_the_same_findings() {
    // The example's HIPAA report has input warnings and a contradicted claim.
    let table = run_example(&["compliance", "report", "hipaa"]).ok();
    let json = run_example(&["compliance", "report", "hipaa", "--format", "json"])
        .ok()
        .json();
    let count = |sev: &str| {
        json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["severity"] == sev)
            .count()
    };
    let (errors, warnings) = (count("error"), count("warning"));
    assert!(warnings > 0 && errors > 0, "the example has both");
    let said = format!("{errors} error(s) and {warnings} warning(s) under `findings`");
    for (text, line_start) in [(&table.stdout, ""), (&table.stderr, "note: ")] {
        assert!(
            text.lines()
                .any(|l| l.starts_with(&format!("{line_start}{said}"))),
            "no `{line_start}{said}` in\n{text}"
        );
    }
}

#[test]
fn status_offers_only_the_formats_it_prints() {
    let r = three_envoy_fleet();
    let help = r.run(&["compliance", "status", "--help"]).ok();
    assert!(
        help.stdout.contains("[possible values: table, json]"),
        "{}",
        help.stdout
    );
    // Asked for anyway, it is refused with a pointer to what makes HTML.
    let run = r.run(&["compliance", "status", "--format", "html"]);
    assert_eq!(run.code, 2);
    assert!(run.stdout.is_empty());
    assert!(
        run.stderr.contains("report all --format html"),
        "{}",
        run.stderr
    );
}

#[test]
fn per_envoy_siem_export_skips_profiles_that_repeat_their_base_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("events.jsonl");
    let out_s = out.display().to_string();
    let run = run_example(&[
        "compliance",
        "export",
        "siem",
        "--per-envoy",
        "--output",
        &out_s,
    ])
    .ok();
    let text = std::fs::read_to_string(&out).unwrap();
    let frameworks: std::collections::BTreeSet<String> = text
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            v["unmapped"]["framework"].as_str().unwrap().to_string()
        })
        .collect();
    assert!(frameworks.contains("nist-800-53"), "{frameworks:?}");
    assert!(
        !frameworks.contains("nist-800-53-moderate"),
        "{frameworks:?}"
    );
    assert!(
        run.stderr.contains("nist-800-53-moderate") && run.stderr.contains("--framework"),
        "{}",
        run.stderr
    );
    let lines = text.lines().count();
    assert!(
        run.stderr
            .contains(&format!("wrote {out_s}: {lines} events, ")),
        "{}",
        run.stderr
    );
    // Named explicitly, a profile is exported.
    let run = run_example(&[
        "compliance",
        "export",
        "siem",
        "--per-envoy",
        "--framework",
        "nist-800-53-low",
        "--output",
        &out_s,
    ])
    .ok();
    assert!(!run.stderr.contains("skipped"), "{}", run.stderr);
    let first: Value = serde_json::from_str(
        std::fs::read_to_string(&out)
            .unwrap()
            .lines()
            .next()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(first["unmapped"]["framework"], "nist-800-53-low");
}

#[test]
fn commands_without_a_repository_neither_show_nor_take_repository_options() {
    let dir = tempfile::tempdir().unwrap();
    for cmd in [
        &["keygen", "--help"][..],
        &["catalog", "show", "--help"],
        &["catalog", "list", "--help"],
        &["compliance", "diff", "--help"],
        &["compliance", "verify", "--help"],
    ] {
        let run = crate::common::run_raw(
            &cmd.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
            dir.path(),
        )
        .ok();
        for opt in [
            "--repo",
            "--as-of",
            "--inventory",
            "--traits",
            "--scope",
            "--threads",
        ] {
            assert!(
                !run.stdout.contains(opt),
                "{cmd:?} --help shows {opt}:\n{}",
                run.stdout
            );
        }
    }
    // Still listed where they mean something.
    let run = crate::common::run_raw(
        &["compliance".into(), "report".into(), "--help".into()],
        dir.path(),
    )
    .ok();
    assert!(run.stdout.contains("--repo"));
    // Written after the command's name, they are refused: they would change nothing.
    for args in [
        vec!["catalog", "show", "hipaa", "--repo", "."],
        vec!["catalog", "--as-of", AS_OF, "show", "hipaa"],
        vec!["keygen", "--scope", "a=b", "-o", "k"],
        vec!["compliance", "diff", "a.json", "b.json", "--threads", "2"],
    ] {
        let run = crate::common::run_raw(
            &args.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
            dir.path(),
        );
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains("error[bad-argument]"), "{}", run.stderr);
        assert!(run.stdout.is_empty());
    }
    assert!(!dir.path().join("k.key").exists());
    // Before the command, they are settings for the commands that use them: ignored here
    // (a wrapper that always passes `--repo` keeps working).
    let run = crate::common::run_raw(
        &["--as-of", AS_OF, "--repo", ".", "catalog", "show", "hipaa"]
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>(),
        dir.path(),
    )
    .ok();
    assert!(run.stdout.contains("164.312(b)"));
    // VIGO_REPO in the environment is not an argument: ignored.
    let out = std::process::Command::new(bin())
        .args(["catalog", "show", "hipaa"])
        .current_dir(dir.path())
        .env_clear()
        .env("VIGO_REPO", dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn single_file_outputs_say_what_they_wrote() {
    let r = three_envoy_fleet();
    for format in ["json", "html", "table"] {
        let out = r.path().join(format!("r.{format}"));
        let out_s = out.display().to_string();
        let run = r
            .run(&[
                "compliance",
                "report",
                "tf",
                "--format",
                format,
                "--output",
                &out_s,
            ])
            .ok();
        assert!(
            run.stderr.contains(&format!("wrote {out_s}")),
            "{format}: {}",
            run.stderr
        );
    }
    let dir = r.path().join("site");
    let dir_s = dir.display().to_string();
    let run = r
        .run(&[
            "compliance",
            "report",
            "tf",
            "--format",
            "json",
            "--output-dir",
            &dir_s,
        ])
        .ok();
    assert!(
        run.stderr
            .contains(&format!("wrote {}", dir.join("tf.json").display())),
        "{}",
        run.stderr
    );
    let out_s = r.path().join("c.json").display().to_string();
    let run = r.run(&[
        "compliance",
        "check",
        "--format",
        "json",
        "--output",
        &out_s,
    ]);
    assert!(
        run.stderr.contains(&format!("wrote {out_s}")),
        "{}",
        run.stderr
    );
    // stdout stays data only.
    let run = r
        .run(&["compliance", "report", "tf", "--format", "json"])
        .ok();
    assert!(!run.stderr.contains("wrote"), "{}", run.stderr);
}

#[test]
fn readme_says_how_to_get_vigocli_before_using_it() {
    let readme =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("README.md"))
            .unwrap();
    // The first command line (in a ```sh block) that runs a bare `vigocli`.
    let mut in_sh = false;
    let mut first_bare = None;
    for (i, l) in readme.lines().enumerate() {
        if l.starts_with("```") {
            in_sh = l == "```sh";
        } else if in_sh && l.starts_with("vigocli ") {
            first_bare = Some(i);
            break;
        }
    }
    let first_bare = first_bare.expect("a bare vigocli command");
    let install = readme
        .lines()
        .position(|l| l.contains("cargo install --path ."))
        .expect("how to install");
    assert!(
        install < first_bare,
        "README uses `vigocli` (line {}) before saying how to get it (line {})",
        first_bare + 1,
        install + 1
    );
}

#[test]
fn ci_script_honours_cargo_target_dir() {
    let script =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".ci/run")).unwrap();
    for (i, line) in script.lines().enumerate() {
        let code = line.split('#').next().unwrap_or_default();
        assert!(
            !code.contains("target/"),
            ".ci/run line {} hard-codes target/: {line}",
            i + 1
        );
    }
    assert!(script.contains("CARGO_TARGET_DIR"));
}

//! HTML reports (SPEC §5.2): one self-contained page per framework, and the static
//! dashboard site of `report all`. The browser checks live in tests/browser/.

use crate::common::*;
use std::path::Path;

/// How the templates escape text (minijinja's HTML escaping).
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#x27;")
        .replace('/', "&#x2f;")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The text of the control row `id` (from its `<tr>` to the next).
fn control_row<'a>(html: &'a str, id: &str) -> &'a str {
    let needle = format!("<span class=\"cid\">{id}</span>");
    let at = html
        .find(&needle)
        .unwrap_or_else(|| panic!("no row for control {id}"));
    let start = html[..at].rfind("<tr").unwrap();
    let end = at + html[at..].find("</tr>").unwrap();
    &html[start..end]
}

#[test]
fn clinic_html_snapshot_is_deterministic() {
    let run = run_clinic(&["compliance", "report", "hipaa", "--format", "html"]).ok();
    insta::assert_snapshot!("clinic_hipaa_html", run.stdout);
    let again = run_clinic(&["compliance", "report", "hipaa", "--format", "html"]).ok();
    assert_eq!(
        run.stdout, again.stdout,
        "same inputs and --as-of, same bytes"
    );
}

#[test]
fn html_and_json_show_the_same_numbers() {
    let json = run_clinic(&["compliance", "report", "hipaa", "--format", "json"])
        .ok()
        .json();
    let html = run_clinic(&["compliance", "report", "hipaa", "--format", "html"])
        .ok()
        .stdout;
    let s = &json["summary"];
    for key in ["coverage_pct", "covered_pct", "envoy_mean_pct"] {
        let text = format!("{:.2} %", s[key].as_f64().unwrap());
        assert!(
            html.contains(&format!("<strong>{text}</strong>")),
            "{key} {text}"
        );
        let formula = s["formulas"][key].as_str().unwrap();
        assert!(
            html.contains(&esc(formula)),
            "the formula is printed beside {key}"
        );
    }
    assert!(html.contains(s["weakest_envoy"]["hostname"].as_str().unwrap()));
    for c in json["controls"].as_array().unwrap() {
        let row = control_row(&html, c["id"].as_str().unwrap());
        let status = c["status"].as_str().unwrap();
        assert!(row.contains(&format!("data-status=\"{status}\"")), "{row}");
        // The status is a word, never only a colour.
        assert!(row.contains(&format!("</span> {status}</span>")), "{row}");
        for cc in c["configcrates"].as_array().unwrap() {
            assert!(row.contains(&format!("<li>{}</li>", cc.as_str().unwrap())));
        }
    }
    // A waived control names the waiver's owner and expiry.
    let row = control_row(&html, "164.308(a)(7)(ii)(D)");
    assert!(row.contains("ops@example.com, until 2026-12-15"), "{row}");
}

#[test]
fn html_is_self_contained() {
    let html = run_clinic(&["compliance", "report", "hipaa", "--format", "html"])
        .ok()
        .stdout;
    assert!(html.starts_with("<!DOCTYPE html>"));
    for fetch in [
        "src=\"http",
        "href=\"http",
        "url(",
        "@import",
        "<link rel=\"stylesheet\"",
    ] {
        assert!(!html.contains(fetch), "the page fetches nothing: {fetch}");
    }
    assert!(
        html.contains(&format!(
            "content=\"{}",
            esc("default-src 'none'; style-src 'sha256-")
        )),
        "a CSP forbids fetches and foreign styles and scripts"
    );
    assert_eq!(html.matches("<script").count(), 1, "our own script only");
    assert!(html.contains("@media print"), "print stylesheet");
    assert!(html.contains(AS_OF) && html.contains("vigocli 0.1.0"));
}

#[test]
fn user_text_never_becomes_markup() {
    // The clinic's expired waiver has `<script>` in its rationale.
    let html = run_clinic(&["compliance", "report", "hipaa", "--format", "html"])
        .ok()
        .stdout;
    assert!(html.contains("&lt;script&gt;alert(&#x27;integrity&#x27;)&lt;&#x2f;script&gt;"));
    assert!(!html.contains("<script>alert"));

    let r = tf_repo();
    r.file(
        "stacks/configcrates/evil.vgo",
        "name: \"<script>alert('crate')</script>\"\ncompliance:\n  tf: [T1]\n",
    )
    .file(
        "stacks/envoys.vgo",
        "envoys:\n  - match: \"*\"\n    environment: \"<b>prod</b>\"\n    configcrates: [\"<script>alert('crate')</script>\"]\n",
    )
    .file(
        "stacks/waivers.vgo",
        "waivers:\n  - control: \"tf:T2\"\n    rationale: \"<img src=x onerror=alert(1)>\"\n    expires: \"2027-01-01\"\n    owner: \"\\\"><script>alert('owner')</script>\"\n    labels: { \"<i>k</i>\": \"<u>v</u>\" }\n",
    )
    .file(
        "inventory/e.json",
        r#"[{"hostname": "h<script>1", "labels": {"<i>k</i>": "<u>v</u>"}, "status": "<em>ok</em>"}]"#,
    );
    let html = r
        .run(&["compliance", "report", "tf", "--format", "html"])
        .ok()
        .stdout;
    assert_eq!(html.matches("<script").count(), 1, "{html}");
    for raw in ["<img", "<b>prod", "<i>k", "<u>v", "<em>ok"] {
        assert!(!html.contains(raw), "{raw} must be escaped");
    }
    assert!(html.contains("<li>&lt;script&gt;alert(&#x27;crate&#x27;)&lt;&#x2f;script&gt;</li>"));
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(html.contains("h&lt;script&gt;1"));
}

#[test]
fn report_all_writes_a_static_site() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("site/nested");
    let run = run_clinic(&[
        "compliance",
        "report",
        "all",
        "--format",
        "html",
        "--output-dir",
        dir.to_str().unwrap(),
    ])
    .ok();
    assert!(run.stderr.contains("files to"), "{}", run.stderr);
    let status = run_clinic(&["compliance", "status", "--format", "json"])
        .ok()
        .json();
    let frameworks = status["frameworks"].as_array().unwrap();
    let index = read(&dir.join("index.html"));
    assert_eq!(
        index.matches("<li class=\"card\">").count(),
        frameworks.len()
    );
    for f in frameworks {
        let id = f["framework"]["id"].as_str().unwrap();
        let page = read(&dir.join(format!("{id}.html")));
        assert!(
            index.contains(&format!("href=\"{id}.html\"")),
            "card links {id}"
        );
        let pct = format!("{:.2} %", f["summary"]["coverage_pct"].as_f64().unwrap());
        assert!(
            page.contains(&format!("<strong>{pct}</strong>")),
            "{id}: {pct}"
        );
        assert!(page.contains("href=\"index.html\"") && page.contains("href=\"envoys-1.html\""));
    }
    // HIPAA: in progress = partial controls; next gap = the partial control with the
    // fewest uncovered envoys.
    let hipaa = run_clinic(&["compliance", "report", "hipaa", "--format", "json"])
        .ok()
        .json();
    let partial: Vec<&serde_json::Value> = hipaa["controls"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "partial")
        .collect();
    let gap = partial
        .iter()
        .min_by_key(|c| c["envoys_uncovered"].as_u64())
        .unwrap();
    let card = &index[index.find("href=\"hipaa.html\"").unwrap()..];
    let card = &card[..card.find("</li>").unwrap()];
    assert!(
        card.contains(&format!("<dd>{} partial controls", partial.len())),
        "{card}"
    );
    assert!(card.contains(gap["id"].as_str().unwrap()), "{card}");

    insta::assert_snapshot!("clinic_site_index_html", index);
    let envoys = read(&dir.join("envoys-1.html"));
    insta::assert_snapshot!("clinic_site_envoys_html", envoys);
    for e in hipaa["envoys"].as_array().unwrap() {
        assert!(envoys.contains(e["hostname"].as_str().unwrap()));
    }
    assert!(
        envoys.contains("not in scope"),
        "staging is outside HIPAA's phi scope"
    );
    assert!(!dir.join("envoys-2.html").exists());

    // Deterministic: a second run writes the same bytes.
    let again = out.path().join("again");
    run_clinic(&[
        "compliance",
        "report",
        "all",
        "--format",
        "html",
        "--output-dir",
        again.to_str().unwrap(),
    ])
    .ok();
    same_files(&dir, &again, "on a second run");
}

/// Asserts every file of directory `a` has the same bytes in `b`; returns how many.
#[track_caller]
fn same_files(a: &Path, b: &Path, when: &str) -> usize {
    let names: Vec<_> = std::fs::read_dir(a)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    for name in &names {
        assert!(
            std::fs::read(a.join(name)).unwrap() == std::fs::read(b.join(name)).unwrap(),
            "{name:?} differs {when}"
        );
    }
    names.len()
}

#[test]
fn report_all_json_and_single_framework_output_dir() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path();
    run_clinic(&[
        "compliance",
        "report",
        "all",
        "--format",
        "json",
        "--output-dir",
        dir.to_str().unwrap(),
    ])
    .ok();
    let one = run_clinic(&["compliance", "report", "soc2", "--format", "json"]).ok();
    assert_eq!(read(&dir.join("soc2.json")), one.stdout);
    run_clinic(&[
        "compliance",
        "report",
        "pci",
        "--format",
        "html",
        "--output-dir",
        dir.to_str().unwrap(),
    ])
    .ok();
    assert!(read(&dir.join("pci-dss.html")).contains("PCI DSS"));
}

#[test]
fn report_all_usage_errors() {
    let run = run_clinic(&["compliance", "report", "all", "--format", "html"]).invalid();
    assert!(run.stderr.contains("error[bad-argument]"), "{}", run.stderr);
    assert!(run.stderr.contains("--output-dir"), "{}", run.stderr);
    let out = tempfile::tempdir().unwrap();
    let run = run_clinic(&[
        "compliance",
        "report",
        "all",
        "--format",
        "table",
        "--output-dir",
        out.path().to_str().unwrap(),
    ])
    .invalid();
    assert!(
        run.stderr.contains("not a terminal table"),
        "{}",
        run.stderr
    );
    assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0);
    let run = run_clinic(&["compliance", "status", "--format", "html"]).invalid();
    assert!(
        run.stderr.contains("report all --format html"),
        "{}",
        run.stderr
    );
    let run = run_clinic(&[
        "compliance",
        "report",
        "hipaa",
        "--output",
        "x.html",
        "--output-dir",
        "d",
    ])
    .invalid();
    assert!(run.stderr.contains("cannot be used with"), "{}", run.stderr);
    // An output directory that is a file: exit 2, nothing half-written.
    let file = out.path().join("file");
    std::fs::write(&file, "x").unwrap();
    let run = run_clinic(&[
        "compliance",
        "report",
        "all",
        "--format",
        "html",
        "--output-dir",
        file.to_str().unwrap(),
    ])
    .invalid();
    assert!(run.stderr.contains("error[write-failed]"), "{}", run.stderr);
}

#[test]
fn large_fleets_are_summarised_and_paginated() {
    let r = tf_repo();
    let mut inv = String::new();
    for i in 0..2500 {
        // Every 7th envoy lacks the `extra` configcrate: the weakest are those.
        let crates = if i % 7 == 0 {
            r#"["base"]"#
        } else {
            r#"["base", "extra"]"#
        };
        inv.push_str(&format!(
            "{{\"hostname\": \"h-{i:05}\", \"configcrates\": {crates}}}\n"
        ));
    }
    r.file("stacks/configcrates/base.vgo", "compliance:\n  tf: [T1]\n")
        .file("stacks/configcrates/extra.vgo", "compliance:\n  tf: [T2]\n")
        .file("stacks/envoys.vgo", "envoys:\n  - match: \"*\"\n")
        .file("inventory/fleet.jsonl", &inv);
    let out = r.path().join("site");
    r.run(&[
        "compliance",
        "report",
        "all",
        "--format",
        "html",
        "--output-dir",
        out.to_str().unwrap(),
    ])
    .ok();
    let page = read(&out.join("tf.html"));
    assert!(
        page.contains("The 1000 weakest envoys"),
        "framework page lists the weakest"
    );
    assert!(page.contains("1500 more envoys are not listed"));
    assert_eq!(page.matches("<tr class=\"weakest\">").count(), 1);
    assert!(page.contains("<th scope=\"row\">h-00000 <span class=\"badge s-uncovered\"><span aria-hidden=\"true\">▼</span> weakest link</span>"));
    // 358 envoys (every 7th) at 1/6 = 16.67 %, the rest at 2/6 = 33.33 %.
    assert!(page.contains("<tr><th scope=\"row\">10 – 19.99 %</th><td class=\"num\">358</td>"));
    assert!(page.contains("<tr><th scope=\"row\">30 – 39.99 %</th><td class=\"num\">2142</td>"));
    for p in 1..=3 {
        let envoys = read(&out.join(format!("envoys-{p}.html")));
        assert!(envoys.contains(&format!("page {p} of 3")));
    }
    assert!(read(&out.join("envoys-3.html")).contains("Envoys 2001–2500 of 2500"));
    assert!(!out.join("envoys-4.html").exists());
    // Pages are rendered a few at a time in parallel and written in order: the same site
    // whatever the thread count.
    for threads in ["1", "3"] {
        let other = r.path().join(format!("site-{threads}"));
        r.run(&[
            "--threads",
            threads,
            "compliance",
            "report",
            "all",
            "--format",
            "html",
            "--output-dir",
            other.to_str().unwrap(),
        ])
        .ok();
        let files = same_files(&out, &other, &format!("at --threads {threads}"));
        assert!(files > 5, "{files} files");
    }
}

#[test]
fn declared_mode_renders() {
    let r = tf_repo();
    r.file(
        "stacks/configcrates/base.vgo",
        "compliance:\n  tf: [T1, T2]\n",
    );
    let html = r
        .run(&["compliance", "report", "tf", "--format", "html"])
        .ok()
        .stdout;
    assert!(html.contains("(repository)"));
    assert!(html.contains("no inventory: one virtual envoy holds every configcrate"));
    assert!(html.contains(&esc(
        "100 × (covered + waived) / controls_total = 100 × (2 + 0) / 6 = 33.33 %"
    )));
}

//! Evidence records and applicability decisions in every output (docs/html-report.md,
//! docs/exports.md): the HTML page, the terminal tables, OSCAL (validated against NIST's
//! schema), SIEM, CMDB and GRC, and `compliance diff`.
//!
//! The fixture is a copy of tests/fixtures/clinic (HIPAA scope `phi = true`: app-1, app-2
//! and db-1) with evidence records of every kind and state and one applicability
//! decision; none of the controls they name is covered by the clinic's configcrates.

use crate::common::*;
use crate::exports::{assert_valid_oscal, oscal_validator};
use serde_json::Value;
use std::path::PathBuf;
use vigocli::audit::bundle::sha256_hex;

pub const POLICY: &str = "# Information security policy\n\nApproved by the board.\n";
const TABLETOP: &str = "# Incident response tabletop\n\nThree actions, all closed.\n";
/// A record title that is markup: it must reach every page as text.
const SCRIPT_TITLE: &str = "Security policy <script>alert('evidence')</script>";
const DECISION: &str = "\nnot_applicable:\n  - controls: [\"hipaa:164.314(b)(1)\"]\n    rationale: \"Not the sponsor of a <b>group health plan</b>\"\n    owner: \"privacy@example.com\"\n    approved_by: \"ciso@example.com\"\n    approved_at: 2026-01-15\n    review_by: 2027-01-15\n";

fn accepted(extra: &str) -> String {
    format!(
        "    collected: 2026-02-01\n    expires: 2027-02-01\n    owner: \"security@example.com\"\n    status: accepted\n    reviewed_by: \"auditor@example.com\"\n    reviewed_at: 2026-02-03\n{extra}"
    )
}

/// The records: `policy-2026` (file, attesting, a `<script>` title) on 164.308(a)(1)(i)
/// and 164.316(a); `handbook` (url, attesting) on 164.316(a) too; `training-log` (audit
/// entry, attesting) on 164.308(a)(5)(i); `ir-tabletop` (file, edited after review:
/// changed); `risk-analysis` (pending review); `baa-2025` (expired).
fn records(tabletop_pinned: &str) -> String {
    let policy = sha256_hex(POLICY.as_bytes());
    let ok = accepted("");
    [
        "evidence:\n".to_string(),
        format!("  - id: policy-2026\n    title: \"{SCRIPT_TITLE}\"\n    controls: [\"hipaa:164.308(a)(1)(i)\", \"hipaa:164.316(a)\"]\n    kind: file\n    path: evidence/files/policy.md\n    sha256: \"{policy}\"\n{ok}"),
        format!("  - id: handbook\n    title: \"Employee handbook, security chapter\"\n    controls: [\"hipaa:164.316(a)\"]\n    kind: url\n    url: \"https://intranet.example.com/handbook?chapter=security&v=3\"\n{ok}"),
        format!("  - id: training-log\n    title: \"Training completion, audit-log entry\"\n    controls: [\"hipaa:164.308(a)(5)(i)\"]\n    kind: audit-entry\n    audit_seq: 0\n{ok}"),
        format!("  - id: ir-tabletop\n    title: \"Incident response tabletop\"\n    controls: [\"hipaa:164.308(a)(6)(i)\"]\n    kind: file\n    path: evidence/files/tabletop.md\n    sha256: \"{tabletop_pinned}\"\n{ok}"),
        "  - id: risk-analysis\n    title: \"Risk analysis 2026\"\n    controls: [\"hipaa:164.308(a)(1)(ii)(A)\"]\n    kind: file\n    path: evidence/files/policy.md\n    collected: 2026-02-01\n    expires: 2027-02-01\n    owner: \"security@example.com\"\n    status: pending_review\n".to_string(),
        "  - id: baa-2025\n    title: \"BAA register 2025\"\n    controls: [\"hipaa:164.308(b)(1)\"]\n    kind: url\n    url: \"https://legal.example.com/baa-2025\"\n    collected: 2025-01-10\n    expires: 2026-10-01\n    owner: \"legal@example.com\"\n    status: accepted\n    reviewed_by: \"auditor@example.com\"\n    reviewed_at: 2025-01-12\n".to_string(),
    ]
    .concat()
}

/// The clinic with evidence records of every kind and state and one applicability
/// decision (see [`records`]).
pub fn clinic_with_evidence() -> Repo {
    let r = Repo::new();
    copy_dir(&clinic(), r.path());
    r.run(&[
        "audit",
        "append",
        "--actor",
        "hr@example.com",
        "--action",
        "training.completed",
        "--target",
        "workforce-2026",
    ])
    .ok();
    let waivers = std::fs::read_to_string(r.path().join("stacks/waivers.vgo")).unwrap();
    r.file("evidence/files/policy.md", POLICY)
        .file(
            "evidence/files/tabletop.md",
            &format!("{TABLETOP}Edited after the review.\n"),
        )
        .file(
            "evidence/records.yaml",
            &records(&sha256_hex(TABLETOP.as_bytes())),
        )
        .file("stacks/waivers.vgo", &format!("{waivers}{DECISION}"));
    r
}

fn hipaa_json(r: &Repo) -> Value {
    r.report("hipaa", &[])
}

fn export(r: &Repo, kind: &str, extra: &[&str]) -> String {
    let out = r.path().join(format!("out-{kind}"));
    let o = out.display().to_string();
    let mut args = vec!["compliance", "export", kind, "--output", &o];
    args.extend_from_slice(extra);
    r.run(&args).ok();
    std::fs::read_to_string(&out).unwrap()
}

fn pct(v: &Value) -> String {
    format!("{:.2} %", v.as_f64().unwrap())
}

#[test]
fn the_fixture_has_every_state() {
    let rep = hipaa_json(&clinic_with_evidence());
    let states: Vec<(&str, &str)> = rep["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["id"].as_str().unwrap(), e["state"].as_str().unwrap()))
        .collect();
    assert_eq!(
        states,
        [
            ("policy-2026", "attesting"),
            ("handbook", "attesting"),
            ("training-log", "attesting"),
            ("ir-tabletop", "changed"),
            ("risk-analysis", "pending-review"),
            ("baa-2025", "expired"),
        ]
    );
    for id in ["164.308(a)(1)(i)", "164.316(a)", "164.308(a)(5)(i)"] {
        assert_eq!(status(&rep, id), "attested", "{id}");
    }
    // The decision names a heading: it covers the four specifications under it too.
    assert_eq!(rep["summary"]["not_applicable"], 5);
    assert_eq!(rep["not_applicable"][0]["id"], "164.314(b)(1)");
}

// ---- HTML -------------------------------------------------------------------------------

#[test]
fn html_lists_evidence_and_decisions_with_every_user_text_escaped() {
    let r = clinic_with_evidence();
    let json = hipaa_json(&r);
    let html = r
        .run(&["compliance", "report", "hipaa", "--format", "html"])
        .ok()
        .stdout;
    // Record titles and rationales are user input: text, never markup.
    assert!(
        !html.contains("<script>alert"),
        "a record title became markup"
    );
    assert!(html.contains("&lt;script&gt;alert(&#x27;evidence&#x27;)&lt;&#x2f;script&gt;"));
    assert!(!html.contains("<b>group health plan"));
    assert!(html.contains("&lt;b&gt;group health plan&lt;&#x2f;b&gt;"));

    // Covered, assured and coverage side by side, each with its formula.
    let s = &json["summary"];
    for key in ["covered_pct", "assured_pct", "coverage_pct"] {
        assert!(
            html.contains(&format!("<strong>{}</strong>", pct(&s[key]))),
            "{key}"
        );
        let formula = s["formulas"][key].as_str().unwrap().replace('/', "&#x2f;");
        assert!(html.contains(&formula), "the formula of {key}");
    }
    assert!(html.contains("<h3 id=\"fig-assured\">Assured</h3>"));

    // Statuses are icon and words.
    assert!(html.contains("<span aria-hidden=\"true\">✎</span> attested</span>"));
    assert!(html.contains("<span aria-hidden=\"true\">∅</span> not applicable</span>"));

    // The attested control's row names its records; the evidence column exists.
    let at = html.find("<span class=\"cid\">164.316(a)</span>").unwrap();
    let row = &html[html[..at].rfind("<tr").unwrap()..at + html[at..].find("</tr>").unwrap()];
    assert!(row.contains("data-status=\"attested\""), "{row}");
    assert!(row.contains("<code>policy-2026</code>") && row.contains("<code>handbook</code>"));
    assert!(row.contains("3 attested"), "{row}");
    assert!(html.contains("<th scope=\"col\">Evidence</th>"));

    // The Evidence section: every record, its state in words, review, expiry, hash.
    let ev = &html[html.find("<section id=\"evidence\"").unwrap()..];
    let ev = &ev[..ev.find("</section>").unwrap()];
    for (id, words) in [
        ("policy-2026", "attesting"),
        ("handbook", "attesting"),
        ("training-log", "attesting"),
        ("ir-tabletop", "changed since review"),
        ("risk-analysis", "pending review"),
        ("baa-2025", "expired"),
    ] {
        let at = ev
            .find(&format!("<code>{id}</code>"))
            .unwrap_or_else(|| panic!("{id} in the Evidence section"));
        let tr = &ev[at..at + ev[at..].find("</tr>").unwrap()];
        assert!(
            tr.contains(&format!("</span> {words}</span>")),
            "{id}: {tr}"
        );
    }
    assert!(ev.contains(&sha256_hex(POLICY.as_bytes())));
    assert!(ev.contains("by auditor@example.com on 2026-02-03"));
    assert!(ev.contains("2027-02-01</span><span class=\"sub2\">71 days left"));
    assert!(ev.contains("expired 52 days ago"));
    // A changed document shows the hash it has now beside the reviewed one.
    let now = json["evidence"][3]["current_sha256"].as_str().unwrap();
    assert!(ev.contains(&format!("now <code class=\"digest\">{now}</code>")));

    // The Not applicable section: rationale, owner, approver, review date, where.
    let na = &html[html.find("<section id=\"not-applicable\"").unwrap()..];
    let na = &na[..na.find("</section>").unwrap()];
    for text in [
        "164.314(b)(1)",
        "privacy@example.com",
        "by ciso@example.com<span class=\"sub2\">on 2026-01-15",
        "2027-01-15",
        "stacks&#x2f;waivers.vgo:",
    ] {
        assert!(na.contains(text), "{text} in {na}");
    }
    // … and the control is not among the counted rows.
    assert!(!html.contains("<tr data-status=\"not-applicable\">"));

    // On stdout the page cannot know where it will be opened: paths are text.
    assert!(!html.contains("href=\"evidence&#x2f;") && !html.contains("href=\"..&#x2f;evidence"));
    assert!(html.contains("<code>evidence&#x2f;files&#x2f;policy.md</code>"));
    // A URL record is a link (query string escaped), an audit entry names its number.
    assert!(html.contains(
        "<a href=\"https:&#x2f;&#x2f;intranet.example.com&#x2f;handbook?chapter=security&amp;v=3\">"
    ));
    assert!(html.contains("audit-log entry 0"));
}

#[test]
fn html_links_documents_relative_to_the_page_only_inside_the_repository() {
    let r = clinic_with_evidence();
    r.file("reports/keep", "");
    let inside = r.path().join("reports/hipaa.html");
    r.run(&[
        "compliance",
        "report",
        "hipaa",
        "--format",
        "html",
        "-o",
        &inside.display().to_string(),
    ])
    .ok();
    let page = std::fs::read_to_string(&inside).unwrap();
    assert!(
        page.contains("<a href=\"..&#x2f;evidence&#x2f;files&#x2f;policy.md\">"),
        "a page in reports/ links ../evidence/files/policy.md"
    );

    // The dashboard's framework pages link from the site directory.
    let site = r.path().join("site/out");
    r.run(&[
        "compliance",
        "report",
        "all",
        "--format",
        "html",
        "--output-dir",
        &site.display().to_string(),
    ])
    .ok();
    let page = std::fs::read_to_string(site.join("hipaa.html")).unwrap();
    assert!(page.contains("<a href=\"..&#x2f;..&#x2f;evidence&#x2f;files&#x2f;policy.md\">"));
    let index = std::fs::read_to_string(site.join("index.html")).unwrap();
    assert!(index.contains("<dt>Assured</dt>") && index.contains("<dt>Not applicable</dt>"));

    // Outside the repository: the path as text, no link.
    let elsewhere = tempfile::tempdir().unwrap();
    let outside = elsewhere.path().join("hipaa.html");
    r.run(&[
        "compliance",
        "report",
        "hipaa",
        "--format",
        "html",
        "-o",
        &outside.display().to_string(),
    ])
    .ok();
    let page = std::fs::read_to_string(&outside).unwrap();
    assert!(!page.contains("evidence&#x2f;files&#x2f;policy.md\">"));
    assert!(page.contains("<code>evidence&#x2f;files&#x2f;policy.md</code>"));
}

// ---- terminal ---------------------------------------------------------------------------

#[test]
fn table_and_status_show_assured_attested_and_not_applicable() {
    let r = clinic_with_evidence();
    let s = hipaa_json(&r)["summary"].clone();
    let table = r
        .run(&["compliance", "report", "hipaa", "--format", "table"])
        .ok()
        .stdout;
    assert!(
        table.contains(&format!(
            "covered {}   assured {}   coverage {}\n",
            pct(&s["covered_pct"]),
            pct(&s["assured_pct"]),
            pct(&s["coverage_pct"])
        )),
        "{table}"
    );
    assert!(table.contains(&format!(
        "controls {}: {} covered, {} attested, {} waived",
        s["controls_total"], s["covered"], s["attested"], s["waived"]
    )));
    assert!(table.contains("(5 not applicable, not counted)"));
    assert!(table.contains("not applicable, not counted: 164.314(b)(1)"));
    let header = table.lines().find(|l| l.contains("control")).unwrap();
    assert!(header.contains("attested"), "{header}");

    let status = r.run(&["compliance", "status"]).ok().stdout;
    let header = status.lines().find(|l| l.contains("framework")).unwrap();
    for col in ["attested", "n/a", "covered %", "assured %", "coverage"] {
        assert!(header.contains(col), "{col} in {header}");
    }
    let hipaa = status.lines().find(|l| l.contains(" hipaa ")).unwrap();
    let cells: Vec<&str> = hipaa.split('┆').map(str::trim).collect();
    assert_eq!(cells[4], s["attested"].to_string(), "{hipaa}");
    assert_eq!(cells[8], "5", "n/a: {hipaa}");
    assert_eq!(cells[10], pct(&s["assured_pct"]), "{hipaa}");
    assert!(status.contains("assured % = 100 × (covered + attested) / controls"));
}

// ---- exports ----------------------------------------------------------------------------

fn prop<'a>(v: &'a Value, name: &str) -> Option<&'a str> {
    v["props"].as_array()?.iter().find(|p| p["name"] == name)?["value"].as_str()
}

#[test]
fn oscal_with_evidence_and_not_applicable_validates_and_says_so() {
    let r = clinic_with_evidence();
    let doc: Value = serde_json::from_str(&export(&r, "oscal", &["--framework", "hipaa"])).unwrap();
    assert_valid_oscal(&oscal_validator(), &doc);
    let ar = &doc["assessment-results"];
    let result = &ar["results"][0];
    assert_eq!(prop(result, "not-applicable"), Some("5"));
    assert_eq!(prop(result, "attested"), Some("3"));

    // An attesting file record: an observation with the path, the pinned hash, and a
    // link to the back-matter resource that carries the hash as OSCAL hashes.
    let observations = result["observations"].as_array().unwrap();
    let policy = observations
        .iter()
        .find(|o| prop(o, "evidence-id") == Some("policy-2026"))
        .expect("an observation for policy-2026");
    let ev = &policy["relevant-evidence"][0];
    assert_eq!(ev["href"], "evidence/files/policy.md");
    let hash = sha256_hex(POLICY.as_bytes());
    assert_eq!(prop(ev, "sha256"), Some(hash.as_str()));
    let resource_ref = ev["links"][0]["href"]
        .as_str()
        .unwrap()
        .trim_start_matches('#');
    let resource = ar["back-matter"]["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["uuid"] == resource_ref)
        .expect("the linked back-matter resource");
    assert_eq!(resource["rlinks"][0]["href"], "evidence/files/policy.md");
    assert_eq!(resource["rlinks"][0]["hashes"][0]["algorithm"], "SHA-256");
    assert_eq!(resource["rlinks"][0]["hashes"][0]["value"], hash.as_str());
    assert_eq!(prop(policy, "reviewed-by"), Some("auditor@example.com"));
    assert_eq!(policy["expires"], "2027-02-01T23:59:59Z");
    // Titles are markup-escaped in OSCAL too.
    assert!(!policy["title"].as_str().unwrap().contains("<script>"));
    // A URL record points at its address; an audit entry has no href but its leaf hash.
    let handbook = observations
        .iter()
        .find(|o| prop(o, "evidence-id") == Some("handbook"))
        .unwrap();
    assert_eq!(
        handbook["relevant-evidence"][0]["href"],
        "https://intranet.example.com/handbook?chapter=security&v=3"
    );
    let log = observations
        .iter()
        .find(|o| prop(o, "evidence-id") == Some("training-log"))
        .unwrap();
    assert!(log["relevant-evidence"][0].get("href").is_none());
    assert_eq!(
        prop(&log["relevant-evidence"][0], "audit-leaf-sha256").map(str::len),
        Some(64)
    );
    // Records that attest nothing are no observation.
    for id in ["ir-tabletop", "risk-analysis", "baa-2025"] {
        assert!(
            observations
                .iter()
                .all(|o| prop(o, "evidence-id") != Some(id))
        );
    }

    // The attested control's finding is satisfied and links the record's observation.
    let findings = result["findings"].as_array().unwrap();
    let finding = findings
        .iter()
        .find(|f| prop(f, "control-id") == Some("164.308(a)(1)(i)"))
        .unwrap();
    assert_eq!(finding["target"]["status"]["state"], "satisfied");
    assert!(
        finding["related-observations"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["observation-uuid"] == policy["uuid"])
    );

    // Not applicable: no finding, excluded from the reviewed controls with the decision,
    // and the decision is an observation.
    assert!(
        findings
            .iter()
            .all(|f| prop(f, "control-id") != Some("164.314(b)(1)"))
    );
    assert_eq!(
        findings.len().to_string(),
        prop(result, "controls-total").unwrap()
    );
    let selection = &result["reviewed-controls"]["control-selections"][0];
    assert_eq!(
        selection["exclude-controls"][0]["control-id"],
        "_164.314.b.1"
    );
    let remarks = selection["remarks"].as_str().unwrap();
    assert!(remarks.contains("ciso@example.com") && remarks.contains("&lt;b&gt;group health plan"));
    let decision = observations
        .iter()
        .find(|o| prop(o, "evidence-kind") == Some("applicability-decision"))
        .expect("an observation for the decision");
    assert_eq!(prop(decision, "approved-by"), Some("ciso@example.com"));
    assert!(
        prop(decision, "controls")
            .unwrap()
            .starts_with("164.314(b)(1) 164.314(b)(2)(i)")
    );
    assert_eq!(decision["expires"], "2027-01-15T23:59:59Z");
}

#[test]
fn siem_cmdb_and_grc_carry_evidence_and_decisions() {
    let r = clinic_with_evidence();
    let events: Vec<Value> = export(&r, "siem", &["--framework", "hipaa"])
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let event = |control: &str| {
        events
            .iter()
            .find(|e| e["unmapped"]["control"] == control)
            .unwrap_or_else(|| panic!("no event for {control}"))
    };
    let e = event("164.316(a)");
    assert_eq!(e["unmapped"]["vigocli_status"], "attested");
    assert_eq!(e["compliance"]["status"], "Pass");
    assert_eq!(
        e["unmapped"]["evidence"],
        serde_json::json!(["policy-2026", "handbook"])
    );
    assert!(
        e["compliance"]["status_detail"]
            .as_str()
            .unwrap()
            .contains("3 attested by reviewed evidence (policy-2026, handbook)")
    );
    assert!(
        event("164.308(a)(6)(i)")["unmapped"]
            .get("evidence")
            .is_none()
    );
    assert!(
        events
            .iter()
            .all(|e| e["unmapped"]["control"] != "164.314(b)(1)"),
        "a control declared not applicable gets no event"
    );

    let per_envoy = export(&r, "siem", &["--framework", "hipaa", "--per-envoy"]);
    let e: Value = per_envoy
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|e| {
            e["unmapped"]["control"] == "164.308(a)(5)(i)"
                && e["resources"][0]["uid"] == "db-1.prod.example.com"
        })
        .unwrap();
    assert_eq!(e["unmapped"]["vigocli_status"], "attested");
    assert_eq!(
        e["unmapped"]["evidence"],
        serde_json::json!(["training-log"])
    );

    let cmdb: Value = serde_json::from_str(&export(&r, "cmdb", &["--framework", "hipaa"])).unwrap();
    let rec = cmdb["envoys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["hostname"] == "app-1.prod.example.com")
        .unwrap();
    let cell = &rec["coverage"]["hipaa"];
    let envoy_row = envoy(&hipaa_json(&r), "app-1.prod.example.com").clone();
    assert_eq!(cell["attested"], envoy_row["attested"]);
    assert_eq!(cell["attested"], 3);
    assert_eq!(cell["assured_pct"], envoy_row["assured_pct"]);
    assert_eq!(cell["coverage_pct"], envoy_row["coverage_pct"]);

    let grc: Value = serde_json::from_str(&export(
        &r,
        "grc",
        &["--vendor", "generic", "--framework", "hipaa"],
    ))
    .unwrap();
    let records = grc["evidence"].as_array().unwrap();
    let rec = |control: &str| records.iter().find(|e| e["control"] == control).unwrap();
    let policy = rec("164.308(a)(1)(i)");
    assert_eq!(policy["result"], "pass");
    assert_eq!(policy["status"], "attested");
    assert_eq!(policy["envoys_attested"], 3);
    let ev = &policy["evidence_records"][0];
    assert_eq!(ev["id"], "policy-2026");
    assert_eq!(ev["kind"], "file");
    assert_eq!(ev["sha256"], sha256_hex(POLICY.as_bytes()).as_str());
    assert_eq!(ev["reviewed_by"], "auditor@example.com");
    assert_eq!(ev["expires"], "2027-02-01");
    let na = rec("164.314(b)(1)");
    assert_eq!(na["result"], "not-applicable");
    assert_eq!(na["status"], "not-applicable");
    assert_eq!(na["not_applicable"]["approved_by"], "ciso@example.com");
    assert_eq!(
        na["not_applicable"]["rationale"],
        "Not the sponsor of a <b>group health plan</b>"
    );
    // Every control of the framework once, in catalog order: the decision's record sits
    // between its neighbours.
    let ids: Vec<&str> = records
        .iter()
        .map(|e| e["control"].as_str().unwrap())
        .collect();
    let at = ids.iter().position(|i| *i == "164.314(b)(1)").unwrap();
    assert_eq!(ids[at - 1], "164.314(a)(2)(iii)", "{ids:?}");
    assert_eq!(
        rec("164.308(a)(6)(i)")["result"],
        "fail",
        "changed evidence attests nothing"
    );
}

// ---- compliance diff ----------------------------------------------------------------------

fn write_report(r: &Repo, name: &str) -> String {
    let path = r.path().join(name);
    let p = path.display().to_string();
    r.run(&[
        "compliance",
        "report",
        "hipaa",
        "--format",
        "json",
        "-o",
        &p,
    ])
    .ok();
    p
}

fn change<'a>(list: &'a Value, id: &str) -> &'a Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no change for {id} in {list:#}"))
}

#[test]
fn diff_reports_lost_evidence_and_applicability_changes() {
    let r = clinic_with_evidence();
    let old = write_report(&r, "old.json");
    // The policy is edited after review (its record is now `changed`), and the
    // applicability decision is withdrawn.
    r.file(
        "evidence/files/policy.md",
        &format!("{POLICY}One more line.\n"),
    );
    let waivers = std::fs::read_to_string(r.path().join("stacks/waivers.vgo")).unwrap();
    r.file("stacks/waivers.vgo", &waivers.replace(DECISION, "\n"));
    let new = write_report(&r, "new.json");

    let run = r
        .run(&["compliance", "diff", &old, &new, "--format", "json"])
        .ok();
    let d = run.json();
    let f = &d["frameworks"][0];
    // Attested only by the policy: a status regression, with the record named.
    let c = change(&f["regressed"], "164.308(a)(1)(i)");
    assert_eq!(
        (c["old"].as_str(), c["new"].as_str()),
        (Some("attested"), Some("uncovered"))
    );
    assert_eq!(
        c["evidence_lost"],
        serde_json::json!([{"id": "policy-2026", "now": "changed"}])
    );
    // Still attested by the handbook: the status holds, the lost record is a regression.
    let c = change(&f["regressed"], "164.316(a)");
    assert_eq!(
        (c["old"].as_str(), c["new"].as_str()),
        (Some("attested"), Some("attested"))
    );
    assert_eq!(c["severity"], "medium");
    assert_eq!(c["evidence_lost"][0]["id"], "policy-2026");
    assert!(
        c["reason"]
            .as_str()
            .unwrap()
            .contains("lost evidence `policy-2026` (changed)")
    );
    // The withdrawn decision: the control counts again, and the diff says why.
    let c = change(&f["regressed"], "164.314(b)(1)");
    assert_eq!(
        (c["old"].as_str(), c["new"].as_str()),
        (Some("not-applicable"), Some("uncovered"))
    );
    assert!(
        c["reason"]
            .as_str()
            .unwrap()
            .contains("no longer declared not applicable")
    );
    assert!(f["added_controls"].as_array().unwrap().is_empty());
    // 164.308(a)(1)(i), 164.316(a), and the five controls of the withdrawn decision.
    assert_eq!(d["regressions"], 7);
    assert!(f["old_assured_pct"].as_f64().unwrap() > f["new_assured_pct"].as_f64().unwrap());

    let table = r.run(&["compliance", "diff", &old, &new]).ok().stdout;
    assert!(table.contains(", assured "), "{table}");
    assert!(
        table.contains("lost evidence `policy-2026` (changed)"),
        "{table}"
    );
    let failing = r.run(&["compliance", "diff", &old, &new, "--fail-on-regression"]);
    assert_eq!(failing.code, 1, "{}", failing.stderr);

    // The other way round: the decision is made (an improvement that names it), the
    // record attests again (improvements lose no evidence).
    let back = r
        .run(&["compliance", "diff", &new, &old, "--format", "json"])
        .ok()
        .json();
    let f = &back["frameworks"][0];
    assert_eq!(back["regressions"], 0, "{f:#}");
    let c = change(&f["improved"], "164.314(b)(1)");
    assert_eq!(c["new"], "not-applicable");
    assert!(
        c["reason"]
            .as_str()
            .unwrap()
            .contains("declared not applicable by stacks/waivers.vgo:")
    );
    assert!(c["reason"].as_str().unwrap().contains("ciso@example.com"));

    // A report written before evidence existed still reads, and without `assured_pct`
    // on one side the diff prints none.
    let pre = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/pre-evidence/clinic-hipaa.json");
    let now = run_clinic(&["compliance", "report", "hipaa", "--format", "json"])
        .ok()
        .stdout;
    let current = r.path().join("clinic-now.json");
    std::fs::write(&current, now).unwrap();
    let run = r
        .run(&[
            "compliance",
            "diff",
            &pre.display().to_string(),
            &current.display().to_string(),
            "--format",
            "json",
        ])
        .ok();
    let d = run.json();
    assert_eq!(d["regressions"], 0);
    assert!(d["frameworks"][0].get("old_assured_pct").is_none());
}

//! The built-in mappings' data (docs/catalogs.md#mappings) against their publishers' data,
//! `catalog mappings`, inference through the real mappings, and `compliance migrate-tags`
//! (docs/catalogs.md#migrating-tags-to-a-new-catalog-version). The generator's `--check` is
//! `mappings::the_mapping_generator_recreates_the_committed_files`.

use crate::common::*;
use crate::schemas::assert_valid;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `catalog mappings --from FROM --to TO --format json`: the one mapping, with its pairs.
fn mapping(from: &str, to: &str) -> Value {
    let doc = Repo::new()
        .run(&[
            "catalog", "mappings", "--from", from, "--to", to, "--format", "json",
        ])
        .ok()
        .json();
    assert_valid(
        "catalog-mappings-v1.json",
        &doc,
        "catalog mappings --format json",
    );
    let list = doc["mappings"].as_array().unwrap();
    assert_eq!(list.len(), 1, "{doc}");
    list[0].clone()
}

/// target → (relationship, sources) of a mapping's pairs.
fn pairs(m: &Value) -> BTreeMap<String, (String, Vec<String>)> {
    m["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let from = p["from"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f.as_str().unwrap().to_string())
                .collect();
            (
                p["to"].as_str().unwrap().to_string(),
                (p["relationship"].as_str().unwrap().to_string(), from),
            )
        })
        .collect()
}

fn pair(m: &BTreeMap<String, (String, Vec<String>)>, to: &str) -> (String, Vec<String>) {
    m.get(to)
        .cloned()
        .unwrap_or_else(|| panic!("no pair for {to}"))
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

// ---------------------------------------------------------------- the publisher's data

/// The text of the `<t>` elements of an XML fragment (a shared string of an .xlsx), unescaped.
fn xml_text(xml: &str) -> String {
    let mut out = String::new();
    let mut rest = xml;
    while let Some(i) = rest.find("<t") {
        let after = &rest[i + 2..];
        // `<t>` or `<t xml:space="preserve">`, not `<tag…>`.
        if !(after.starts_with('>') || after.starts_with(' ') || after.starts_with("/>")) {
            rest = after;
            continue;
        }
        if let Some(empty) = after.strip_prefix("/>") {
            rest = empty;
            continue;
        }
        let start = after.find('>').unwrap() + 1;
        let end = after.find("</t>").unwrap();
        out.push_str(&after[start..end]);
        rest = &after[end + 4..];
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

fn zip_member(zip: &mut zip::ZipArchive<std::fs::File>, name: &str) -> String {
    let mut s = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

/// Sheet "CSF 2.0" of NIST's CSF 2.0 Reference Tool export: subcategory id → its
/// "SP 800-53 Rev 5.1.1" references, as NIST spells them (`AC-02`, `CM-07(02)`).
fn nist_csf_references() -> BTreeMap<String, Vec<String>> {
    let file = std::fs::File::open(root().join("scripts/data/nist-csf-2/csf2.xlsx")).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let shared: Vec<String> = zip_member(&mut zip, "xl/sharedStrings.xml")
        .split("<si>")
        .skip(1)
        .map(|si| xml_text(si.split("</si>").next().unwrap()))
        .collect();
    let sheet = zip_member(&mut zip, "xl/worksheets/sheet2.xml");
    assert!(
        zip_member(&mut zip, "xl/workbook.xml").contains(r#"<sheet name="CSF 2.0" r:id="rId4""#)
    );
    let cell = |row: &str, col: char| -> Option<String> {
        let at = row.find(&format!("<c r=\"{col}"))?;
        let c = &row[at..];
        let c = &c[..c.find("</c>").or_else(|| c.find("/>"))?];
        if !c.contains("t=\"s\"") {
            return None;
        }
        let v = &c[c.find("<v>")? + 3..c.find("</v>")?];
        Some(shared[v.parse::<usize>().unwrap()].clone())
    };
    let mut out = BTreeMap::new();
    for row in sheet.split("<row ").skip(1) {
        let Some(sub) = cell(row, 'C') else { continue };
        let Some((id, _)) = sub.split_once(": ") else {
            continue;
        };
        if id.len() != 8 || sub.to_lowercase().contains("withdrawn") {
            continue;
        }
        let refs = cell(row, 'E')
            .unwrap_or_default()
            .lines()
            .filter_map(|l| l.strip_prefix("SP 800-53 Rev 5.1.1:"))
            .map(|r| r.trim().to_string())
            .collect();
        out.insert(id.to_string(), refs);
    }
    out
}

/// `AC-02` → `AC-2`, `CM-07(02)` → `CM-7(2)`; a family (`PT`) stays as it is.
fn catalog_spelling(nist: &str) -> String {
    let Some((fam, rest)) = nist.split_once('-') else {
        return nist.to_string();
    };
    let (num, enh) = match rest.split_once('(') {
        Some((n, e)) => (n, Some(e.trim_end_matches(')'))),
        None => (rest, None),
    };
    let num: u32 = num.parse().unwrap();
    match enh {
        Some(e) => format!("{fam}-{num}({})", e.parse::<u32>().unwrap()),
        None => format!("{fam}-{num}"),
    }
}

#[test]
fn csf_2_mapping_is_nists_informative_references_to_800_53() {
    let m = mapping("nist-800-53", "nist-csf-2");
    assert_eq!(m["id"], "nist-csf-2-from-nist-800-53");
    assert_eq!(m["pairs_total"], 102);
    assert_eq!(
        m["relationships"],
        json!({"equal": 0, "subset-of": 102, "superset-of": 0, "intersects-with": 0})
    );
    let got = pairs(&m);
    let nist = nist_csf_references();
    assert_eq!(nist.len(), 106, "CSF 2.0 has 106 subcategories");
    let mut left_out = Vec::new();
    for (sub, refs) in &nist {
        let mut want: Vec<String> = Vec::new();
        for r in refs.iter().map(|r| catalog_spelling(r)) {
            if !want.contains(&r) {
                want.push(r);
            }
        }
        match got.get(sub) {
            Some((rel, from)) => {
                assert_eq!(rel, "subset-of", "{sub}");
                assert_eq!(from, &want, "{sub}: NIST lists {refs:?}");
            }
            None => left_out.push((sub.clone(), want)),
        }
    }
    // Left out, never weakened: a whole family, or IA-13 (not in our 800-53 catalog).
    let left: Vec<&str> = left_out.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(left, ["GV.OC-03", "PR.AA-04", "PR.AA-05", "PR.IR-03"]);
    for (sub, want) in &left_out {
        assert!(
            want.iter()
                .any(|r| r == "IA-13" || r.chars().all(|c| c.is_ascii_uppercase())),
            "{sub}: {want:?}"
        );
    }
    // Spot pairs, as NIST's export lists them.
    assert_eq!(pair(&got, "GV.OC-01").1, strings(&["PM-11"]));
    assert_eq!(
        pair(&got, "DE.CM-01").1,
        strings(&["AC-2", "AU-12", "CA-7", "CM-3", "SC-5", "SC-7", "SI-4"])
    );
    assert_eq!(pair(&got, "RC.CO-04").1, strings(&["CP-2", "IR-4"]));
}

/// `note: "From 2013: …"` of each control of frameworks/iso-27001-2022.yaml.
fn table_b1_notes() -> BTreeMap<String, Vec<String>> {
    let text = std::fs::read_to_string(root().join("frameworks/iso-27001-2022.yaml")).unwrap();
    text.lines()
        .filter_map(|l| {
            let id = l.split("id: \"").nth(1)?.split('"').next()?;
            let note = l.split("note: \"").nth(1)?.split('"').next()?;
            let from = note
                .strip_prefix("From 2013: ")
                .map(|f| {
                    f.split(" (")
                        .next()
                        .unwrap()
                        .split(", ")
                        .map(String::from)
                        .collect()
                })
                .unwrap_or_default();
            Some((id.to_string(), from))
        })
        .collect()
}

#[test]
fn iso_27001_2022_mapping_is_table_b1_of_iso_27002_2022() {
    let m = mapping("iso-27001", "iso-27001-2022");
    assert_eq!(m["id"], "iso-27001-2022-from-iso-27001");
    assert_eq!(m["pairs_total"], 82);
    assert_eq!(
        m["relationships"],
        json!({"equal": 80, "subset-of": 2, "superset-of": 0, "intersects-with": 0})
    );
    let got = pairs(&m);
    let notes = table_b1_notes();
    assert_eq!(notes.len(), 93);
    for (id, from) in &notes {
        match got.get(id) {
            Some((_, f)) => assert_eq!(f, from, "{id}"),
            None => assert!(
                from.is_empty(),
                "{id} has predecessors {from:?} but no pair"
            ),
        }
    }
    // The 11 controls new in 2022 have no pair.
    let new: Vec<&String> = notes.keys().filter(|id| !got.contains_key(*id)).collect();
    assert_eq!(new.len(), 11, "{new:?}");
    // Spot pairs: renumbered, merged (where CISO Assistant's mapping differs), split.
    assert_eq!(pair(&got, "A.8.5"), ("equal".into(), strings(&["A.9.4.2"])));
    assert_eq!(
        pair(&got, "A.5.14"),
        (
            "equal".into(),
            strings(&["A.13.2.1", "A.13.2.2", "A.13.2.3"])
        )
    );
    assert_eq!(
        pair(&got, "A.8.8"),
        ("subset-of".into(), strings(&["A.12.6.1", "A.18.2.3"]))
    );
    assert_eq!(
        pair(&got, "A.5.36"),
        ("subset-of".into(), strings(&["A.18.2.2", "A.18.2.3"]))
    );
}

#[test]
fn the_earlier_mappings_keep_their_counts() {
    let m = mapping("nist-800-53", "nist-800-171r3");
    assert_eq!(m["pairs_total"], 97);
    assert_eq!(m["relationships"]["subset-of"], 97);
    assert_eq!(
        pair(&pairs(&m), "03.01.01").1,
        strings(&["AC-2", "AC-2(3)", "AC-2(5)", "AC-2(13)"])
    );
    let m = mapping("nist-800-171", "cmmc-l2");
    assert_eq!(m["pairs_total"], 110);
    assert_eq!(m["relationships"]["equal"], 110);
    assert_eq!(
        pair(&pairs(&m), "SI.L2-3.14.7"),
        ("equal".into(), strings(&["3.14.7"]))
    );
}

// ---------------------------------------------------------------- catalog mappings

#[test]
fn catalog_mappings_lists_what_maps_to_what() {
    let r = Repo::new();
    let run = r.run(&["catalog", "mappings"]).ok();
    for line in [
        "cmmc-l2-from-nist-800-171\n  nist-800-171 → cmmc-l2: 110 pairs (110 equal)\n",
        "iso-27001-2022-from-iso-27001\n  iso-27001 → iso-27001-2022: 82 pairs (80 equal, 2 subset-of)\n",
        "nist-800-171r3-from-nist-800-53\n  nist-800-53 → nist-800-171r3: 97 pairs (97 subset-of)\n",
        "nist-csf-2-from-nist-800-53\n  nist-800-53 → nist-csf-2: 102 pairs (102 subset-of)\n",
        "  source: ISO/IEC 27002:2022 Annex B, Table B.1",
    ] {
        assert!(
            run.stdout.contains(line),
            "missing {line:?} in\n{}",
            run.stdout
        );
    }
    assert_eq!(run.stderr, "");
    // One end: mappings only, no pairs; a profile means its base.
    let doc = r
        .run(&[
            "catalog",
            "mappings",
            "--from",
            "fedramp-high",
            "--format",
            "json",
        ])
        .ok()
        .json();
    assert_valid("catalog-mappings-v1.json", &doc, "catalog mappings --from");
    let ids: Vec<&str> = doc["mappings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "nist-800-171r3-from-nist-800-53",
            "nist-csf-2-from-nist-800-53"
        ]
    );
    assert!(doc["mappings"][0].get("pairs").is_none());
    assert_eq!(
        doc["mappings"][1]["origin"],
        "built-in:frameworks/mapping-nist-csf-2-from-nist-800-53.yaml"
    );
    // Both ends: the pairs, one per line: target, relationship, sources.
    let run = r
        .run(&["catalog", "mappings", "--from", "csf", "--to", "nist"])
        .ok();
    assert_eq!(
        run.stdout,
        "no built-in mapping leads from csf to nist (a repository adds its own under `mappings:` in frameworks/)\n"
    );
    let run = r
        .run(&["catalog", "mappings", "--from", "nist", "--to", "csf"])
        .ok();
    assert!(
        run.stdout
            .contains("\nDE.CM-01\tsubset-of\tAC-2, AU-12, CA-7, CM-3, SC-5, SC-7, SI-4\n"),
        "{}",
        run.stdout
    );
    assert_eq!(run.stdout.lines().count(), 3 + 102);
    // An unknown framework is a usage error; the catalog reads no repository.
    let run = r
        .run(&["catalog", "mappings", "--to", "iso-27002"])
        .invalid();
    assert!(
        run.stderr
            .contains("error[unknown-framework]: unknown framework `iso-27002`"),
        "{}",
        run.stderr
    );
    let run = run_raw(&strings(&["catalog", "mappings", "--repo", "."]), r.path()).invalid();
    assert!(
        run.stderr
            .contains("--repo means nothing to `vigocli catalog mappings`"),
        "{}",
        run.stderr
    );
}

// ---------------------------------------------------------------- inference (acceptance 2)

/// web-1 has every control below; db-1 only PM-11. Tagged in nist-800-53 only.
fn nist_tagged_fleet(web_tags: &str) -> Repo {
    let r = Repo::new();
    r.file(
        "stacks/configcrates/web.vgo",
        &format!("compliance:\n  nist-800-53: [{web_tags}]\n"),
    )
    .file(
        "stacks/configcrates/mission.vgo",
        "compliance:\n  nist-800-53: [PM-11]\n",
    )
    .file("stacks/common.vgo", "configcrates: [mission]\n")
    .file(
        "stacks/envoys.vgo",
        "envoys:\n  - match: \"web-*\"\n    configcrates: [web]\n  - match: \"db-*\"\n",
    )
    .file(
        "inventory/envoys.json",
        r#"{"envoys": [{"hostname": "db-1"}, {"hostname": "web-1"}]}"#,
    );
    r
}

const WEB_TAGS: &str = "AC-2, AU-12, CA-7, CM-3, SC-5, SC-7, SI-4, AC-2(3), AC-2(5), AC-2(13)";

const INFER: &str = "[frameworks.nist-csf-2]\ninfer_from = [\"nist-800-53\"]\n\n[frameworks.nist-800-171r3]\ninfer_from = [\"nist-800-53\"]\n";

#[test]
fn tagged_in_800_53_reports_csf_2_and_800_171_through_the_built_in_mappings() {
    let r = nist_tagged_fleet(WEB_TAGS);
    r.file("vigocli.toml", INFER);
    let csf = r.report("nist-csf-2", &[]);
    assert_valid("compliance-report-v1.json", &csf, "CSF 2.0 via mapping");
    // GV.OC-01 rests on PM-11 alone, which both envoys have.
    assert_eq!(status(&csf, "GV.OC-01"), "covered");
    assert_eq!(control(&csf, "GV.OC-01")["envoys_via_mapping"], 2);
    assert_eq!(
        control(&csf, "GV.OC-01")["via_mapping"],
        json!([{"mapping": "nist-csf-2-from-nist-800-53", "from": ["nist-800-53:PM-11"], "relationship": "subset-of"}])
    );
    // DE.CM-01 needs all seven of its controls: web-1 only.
    assert_eq!(status(&csf, "DE.CM-01"), "partial");
    assert_eq!(
        control(&csf, "DE.CM-01")["uncovered_envoys"],
        json!(["db-1"])
    );
    assert_eq!(
        control(&csf, "DE.CM-01")["via_mapping"][0]["from"],
        json!([
            "nist-800-53:AC-2",
            "nist-800-53:AU-12",
            "nist-800-53:CA-7",
            "nist-800-53:CM-3",
            "nist-800-53:SC-5",
            "nist-800-53:SC-7",
            "nist-800-53:SI-4"
        ])
    );
    assert_eq!(csf["summary"]["covered_via_mapping"], 1);
    let r3 = r.report("nist-800-171r3", &[]);
    assert_eq!(status(&r3, "03.01.01"), "partial");
    // 03.01.01 (AC-2 and three enhancements), 03.04.03 (CM-3), 03.12.03 (CA-7), 03.13.01 (SC-7).
    assert_eq!(envoy(&r3, "web-1")["covered"], 4);

    // Removing one source of a multi-control pair removes the target's coverage.
    r.file(
        "stacks/configcrates/web.vgo",
        &format!(
            "compliance:\n  nist-800-53: [{}]\n",
            WEB_TAGS.replace(", SI-4", "")
        ),
    );
    let csf = r.report("nist-csf-2", &[]);
    assert_eq!(status(&csf, "DE.CM-01"), "uncovered");
    assert!(control(&csf, "DE.CM-01").get("via_mapping").is_none());
    assert_eq!(status(&csf, "GV.OC-01"), "covered");

    // Without infer_from nothing is inferred.
    r.file("vigocli.toml", "");
    let csf = r.report("nist-csf-2", &[]);
    assert_eq!(csf["summary"]["covered"], 0);
    assert!(csf["summary"].get("covered_via_mapping").is_none());
}

#[test]
fn no_built_in_mapping_leads_from_800_53_to_800_171_rev_2() {
    // NIST publishes SP 800-171 Rev. 2's Appendix D only as tables in a PDF; no
    // machine-readable copy from NIST was found (docs/catalogs.md#mappings). Until one is,
    // asking for it is an error, not silence.
    let r = nist_tagged_fleet(WEB_TAGS);
    r.file(
        "vigocli.toml",
        "[frameworks.nist-800-171]\ninfer_from = [\"nist-800-53\"]\n",
    );
    let run = r
        .run(&["compliance", "report", "nist-800-171", "--format", "json"])
        .invalid();
    assert!(
        run.stderr
            .contains("error[bad-mapping]: no mapping leads from `nist-800-53` to `nist-800-171`"),
        "{}",
        run.stderr
    );
}

// ---------------------------------------------------------------- migrate-tags (acceptance 4)

const SSH: &str = "# SSH hardening, reviewed 2024\nname: ssh\ncompliance:\n  iso-27001: [A.9.4.2, A.9.4.3]   # log-on and passwords\n  hipaa: [\"164.312(d)\"]\nresources: []\n";
const LOGS: &str = "name: logs\ncompliance:\n  # ISO/IEC 27001:2013 Annex A\n  iso-27001:\n    - A.12.4.1    # event logging\n    - 'A.12.4.4'  # clock sync\n    - A.18.2.3\n";
const NET: &str = "# every network configcrate\ncompliance:\n  iso27001: [A.13.1.1, A.13.1.3]\n";

/// A repository tagged in ISO/IEC 27001:2013, with a waiver on a 2013 control.
fn iso_2013_repo() -> Repo {
    let r = Repo::new();
    r.file("stacks/configcrates/ssh.vgo", SSH)
        .file("stacks/configcrates/logs.vgo", LOGS)
        .file("stacks/configcrates/net/compliance.vgo", NET)
        .file("stacks/configcrates/net/fw.vgo", "name: fw\n")
        .file("stacks/common.vgo", "configcrates: [ssh, logs, fw]\n")
        .file("stacks/envoys.vgo", "envoys:\n  - match: \"*\"\n")
        .file(
            "stacks/waivers.vgo",
            "waivers:\n  - control: \"iso-27001:A.12.6.1\"\n    rationale: scanner replaced in Q1\n    owner: sec@example.com\n    expires: \"2027-06-01\"\n",
        )
        .file(
            "inventory/envoys.json",
            r#"{"envoys": [{"hostname": "web-1"}]}"#,
        );
    r
}

fn read(r: &Repo, rel: &str) -> String {
    std::fs::read_to_string(r.path().join(rel)).unwrap()
}

const MIGRATE: &[&str] = &[
    "compliance",
    "migrate-tags",
    "--from",
    "iso-27001",
    "--to",
    "iso-27001-2022",
];

#[test]
fn migrate_tags_plans_then_rewrites_the_one_to_one_tags_in_place() {
    let r = iso_2013_repo();
    let run = r.run(MIGRATE);
    assert_eq!(
        run.code, 1,
        "tags are left to decide\n{}{}",
        run.stdout, run.stderr
    );
    assert_eq!(
        run.stdout,
        "iso-27001 → iso-27001-2022 along iso-27001-2022-from-iso-27001: 7 tag(s); 4 to rewrite, 3 to decide, 1 kept

to rewrite with --write (equal, one-to-one):
  stacks/configcrates/logs.vgo:6:7             A.12.4.4 → A.8.17
  stacks/configcrates/net/compliance.vgo:3:14  A.13.1.1 → A.8.20
  stacks/configcrates/net/compliance.vgo:3:24  A.13.1.3 → A.8.22
  stacks/configcrates/ssh.vgo:4:15             A.9.4.2 → A.8.5

to decide (left as written):
  stacks/configcrates/logs.vgo:5:7             A.12.4.1  many-to-one: merged into A.8.15 (equal, with A.12.4.2, A.12.4.3)
  stacks/configcrates/logs.vgo:7:7             A.18.2.3  one-to-many: split between A.5.36 (subset-of, with A.18.2.2) or A.8.8 (subset-of, with A.12.6.1)
  stacks/configcrates/ssh.vgo:4:24             A.9.4.3  many-to-one: merged into A.5.17 (equal, with A.9.2.4, A.9.3.1)

kept (decisions about a control, never rewritten: decide them again for iso-27001-2022):
  waiver stacks/waivers.vgo:2  iso-27001:A.12.6.1
"
    );
    assert_eq!(
        run.stderr,
        "nothing was changed; run again with --write to rewrite the 4 tag(s) in 3 file(s)\n"
    );
    // The plan changes nothing.
    assert_eq!(read(&r, "stacks/configcrates/ssh.vgo"), SSH);
    let plan = r.run(&[MIGRATE, &["--format", "json"]].concat()).json();
    assert_valid("migrate-tags-v1.json", &plan, "the migration plan");
    assert_eq!(
        plan["summary"],
        json!({"tags": 7, "automatic": 4, "to_decide": 3, "files_changed": 3, "kept": 1})
    );
    assert_eq!(plan["written"], false);
    assert_eq!(
        plan["decisions"][1]["candidates"],
        json!([
            {"to": "A.5.36", "relationship": "subset-of", "from": ["A.18.2.2", "A.18.2.3"], "mapping": "iso-27001-2022-from-iso-27001"},
            {"to": "A.8.8", "relationship": "subset-of", "from": ["A.12.6.1", "A.18.2.3"], "mapping": "iso-27001-2022-from-iso-27001"}
        ])
    );

    let run = r.run(&[MIGRATE, &["--write"]].concat());
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("4 rewritten, 3 to decide, 1 kept\n\nrewritten (equal, one-to-one):\n"),
        "{}",
        run.stdout
    );
    assert_eq!(
        run.stderr,
        "wrote stacks/configcrates/logs.vgo (1 tag(s) rewritten)
wrote stacks/configcrates/net/compliance.vgo (2 tag(s) rewritten)
wrote stacks/configcrates/ssh.vgo (1 tag(s) rewritten)
the repository loads after the rewrite; `vigocli compliance report iso-27001-2022` counts the rewritten tags
"
    );
    // In place: a one-to-one list changes framework where it is written; a mixed list keeps
    // what needs a decision and the rewritten tag moves below it, comment and all. Every
    // other line is byte for byte what it was.
    let ssh = read(&r, "stacks/configcrates/ssh.vgo");
    assert_eq!(
        ssh,
        SSH.replace(
            "  iso-27001: [A.9.4.2, A.9.4.3]   # log-on and passwords\n",
            "  iso-27001: [A.9.4.3]   # log-on and passwords\n  iso-27001-2022: [A.8.5]\n"
        )
    );
    assert_eq!(
        read(&r, "stacks/configcrates/logs.vgo"),
        "name: logs\ncompliance:\n  # ISO/IEC 27001:2013 Annex A\n  iso-27001:\n    - A.12.4.1    # event logging\n    - A.18.2.3\n  iso-27001-2022:\n    - A.8.17  # clock sync\n"
    );
    assert_eq!(
        read(&r, "stacks/configcrates/net/compliance.vgo"),
        "# every network configcrate\ncompliance:\n  iso-27001-2022: [A.8.20, A.8.22]\n"
    );
    for (old, new, changed) in [
        (
            SSH,
            ssh.as_str(),
            "  iso-27001: [A.9.4.2, A.9.4.3]   # log-on and passwords",
        ),
        (
            LOGS,
            &read(&r, "stacks/configcrates/logs.vgo"),
            "    - 'A.12.4.4'  # clock sync",
        ),
        (
            NET,
            &read(&r, "stacks/configcrates/net/compliance.vgo"),
            "  iso27001: [A.13.1.1, A.13.1.3]",
        ),
    ] {
        // Every other line is still there, byte for byte, in its order.
        let kept: Vec<&str> = old.lines().filter(|l| *l != changed).collect();
        let mut rest = new.lines();
        for line in &kept {
            assert!(rest.any(|n| n == *line), "lost or moved {line:?} in\n{new}");
        }
        assert!(!new.lines().any(|n| n == changed), "{new}");
    }
    // The repository now reports on ISO/IEC 27001:2022 ...
    let rep = r.report("iso-27001-2022", &[]);
    for id in ["A.8.5", "A.8.17", "A.8.20", "A.8.22"] {
        assert_eq!(status(&rep, id), "covered", "{id}");
    }
    assert_eq!(rep["summary"]["covered"], 4);
    // ... and what is left is left: a second run rewrites nothing.
    let again = r.run(&[MIGRATE, &["--format", "json"]].concat()).json();
    assert_eq!(
        again["summary"],
        json!({"tags": 3, "automatic": 0, "to_decide": 3, "files_changed": 0, "kept": 1})
    );
}

#[test]
fn migrate_tags_exits_0_when_nothing_is_left_to_decide() {
    let r = Repo::new();
    r.file(
        "stacks/configcrates/a.vgo",
        "compliance:\n  nist-800-171: [\"3.1.1\", \"3.14.7\"]  # basic\n",
    )
    .file("stacks/common.vgo", "configcrates: [a]\n")
    .file("stacks/envoys.vgo", "envoys:\n  - match: \"*\"\n")
    .file(
        "inventory/envoys.json",
        r#"{"envoys": [{"hostname": "h"}]}"#,
    );
    let args = [
        "compliance",
        "migrate-tags",
        "--from",
        "800-171",
        "--to",
        "cmmc-l2",
        "--write",
        "--format",
        "json",
    ];
    let run = r.run(&args).ok();
    assert_eq!(run.json()["written"], true);
    assert_eq!(
        read(&r, "stacks/configcrates/a.vgo"),
        "compliance:\n  cmmc-l2: [\"AC.L2-3.1.1\", \"SI.L2-3.14.7\"]  # basic\n"
    );
    // Nothing tagged any more: nothing to do, exit 0.
    let run = r.run(&args[..6]).ok();
    assert!(run.stdout.contains(": 0 tag(s); 0 to rewrite, 0 to decide\nno tag names nist-800-171 in stacks/configcrates/\n"), "{}", run.stdout);
}

#[test]
fn migrate_tags_refuses_what_it_cannot_do() {
    let r = iso_2013_repo();
    let run = r
        .run(&[
            "compliance",
            "migrate-tags",
            "--from",
            "hipaa",
            "--to",
            "soc2",
        ])
        .invalid();
    assert!(
        run.stderr
            .contains("error[no-mapping]: no mapping leads from `hipaa` to `soc2`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("vigocli catalog mappings --to soc2"),
        "{}",
        run.stderr
    );
    let run = r
        .run(&[
            "compliance",
            "migrate-tags",
            "--from",
            "iso27001",
            "--to",
            "iso-27001-2013",
        ])
        .invalid();
    assert!(run.stderr.contains("error[bad-argument]"), "{}", run.stderr);
    // A repository that does not load is not rewritten.
    r.file(
        "stacks/configcrates/bad.vgo",
        "compliance:\n  iso-27001: [A.99]\n",
    );
    let run = r.run(&[MIGRATE, &["--write"]].concat()).invalid();
    assert!(
        run.stderr.contains("error[unknown-control]"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stdout, "");
    assert_eq!(read(&r, "stacks/configcrates/ssh.vgo"), SSH);
}

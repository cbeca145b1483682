//! The CIS Controls v8 (with its three Implementation Groups), NY DFS 23 NYCRR 500 and GDPR
//! catalogs: `catalog show` lists exactly the ids of the committed source data, tags written
//! in the spellings real tools use (`500.12.a`, `§500.06(b)`, `32.1.a`, `Art 32(1)(a)`,
//! `Article 5(1)(f)`)
//! count for the catalog's own ids, a wrong number is refused, and the generators re-create
//! the committed YAML byte for byte.

use crate::common::{Repo, status};
use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn data(rel: &str) -> Value {
    let p = root().join("scripts/data").join(rel);
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_str(&text).unwrap()
}

/// The counted ids `vigocli catalog show <id>` lists, in catalog order.
fn shown_ids(id: &str) -> Vec<String> {
    let r = Repo::new();
    let run = r.run(&["catalog", "show", id]).ok();
    run.stdout
        .lines()
        .filter(|l| l.contains('\t') && !l.ends_with("(heading)") && !l.ends_with("(withdrawn)"))
        .filter_map(|l| l.split('\t').next().map(str::to_string))
        .collect()
}

fn generator_is_current(script: &str) {
    let out = Command::new("python3")
        .arg(root().join("scripts").join(script))
        .arg("--check")
        .current_dir(root())
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{script} --check: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn counted(report: &Value) -> u64 {
    report["summary"]["controls_total"].as_u64().unwrap()
}

fn covered_ids(report: &Value) -> Vec<String> {
    report["controls"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "covered")
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect()
}

// ---------------------------------------------------------------- CIS Controls v8

/// Safeguard ids and their Implementation Groups as CIS's data gives them, with the two
/// corrections the generator documents (scripts/data/cis-controls-v8/README.md).
fn cis_safeguards() -> Vec<(String, Vec<u64>)> {
    data("cis-controls-v8/safeguards.json")["controls"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["safeguards"].as_array().unwrap().clone())
        .map(|s| {
            let id = s["id"].as_str().unwrap().to_string();
            let groups = match id.as_str() {
                "14.9" => vec![2, 3],
                "17.9" => vec![3],
                _ => s["implementation_groups"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|g| g.as_u64().unwrap())
                    .collect(),
            };
            (id, groups)
        })
        .collect()
}

#[test]
fn cis_controls_v8_lists_the_153_safeguards_and_the_three_groups() {
    let all = cis_safeguards();
    let ids: Vec<String> = all.iter().map(|(id, _)| id.clone()).collect();
    assert_eq!(ids.len(), 153);
    assert_eq!(ids.first().map(String::as_str), Some("1.1"));
    assert_eq!(ids.last().map(String::as_str), Some("18.5"));
    assert_eq!(shown_ids("cis-controls-v8"), ids);
    for (profile, group, n, last) in [
        ("cis-controls-v8-ig1", 1, 56, "17.3"),
        ("cis-controls-v8-ig2", 2, 130, "18.3"),
        ("cis-controls-v8-ig3", 3, 153, "18.5"),
    ] {
        let want: Vec<String> = all
            .iter()
            .filter(|(_, g)| g.contains(&group))
            .map(|(id, _)| id.clone())
            .collect();
        assert_eq!(want.len(), n, "{profile}: CIS's data");
        let shown = shown_ids(profile);
        assert_eq!(shown, want, "{profile}");
        assert_eq!(shown.last().map(String::as_str), Some(last), "{profile}");
    }
    // A control number is a heading: tagging it names its safeguards.
    let r = Repo::new();
    r.file(
        "stacks/configcrates/a.vgo",
        "compliance:\n  cis-controls-v8: [\"3\"]\n",
    );
    let run = r
        .run(&[
            "compliance",
            "report",
            "cis-controls-v8",
            "--format",
            "json",
        ])
        .invalid();
    assert!(run.stderr.contains("heading-control"), "{}", run.stderr);
    assert!(run.stderr.contains("3.14"), "{}", run.stderr);
}

#[test]
fn a_tag_on_cis_controls_counts_for_the_groups_that_hold_it() {
    let r = Repo::new();
    // 4.1 is IG1, 1.3 IG2, 18.5 IG3 only.
    r.file(
        "stacks/configcrates/a.vgo",
        "compliance:\n  cis-controls-v8: [\"4.1\", \"1.3\", \"18.5\"]\n",
    );
    let ig1 = r.report("cis-ig1", &[]);
    assert_eq!(counted(&ig1), 56);
    assert_eq!(covered_ids(&ig1), ["4.1"]);
    assert_eq!(ig1["framework"]["based_on"], "cis-controls-v8");
    let ig2 = r.report("cis-controls-v8-ig2", &[]);
    assert_eq!(counted(&ig2), 130);
    assert_eq!(covered_ids(&ig2), ["1.3", "4.1"]);
    let ig3 = r.report("cis-controls-v8-ig3", &[]);
    assert_eq!(covered_ids(&ig3), ["1.3", "4.1", "18.5"]);
    let all = r.report("cis-controls-v8", &[]);
    assert_eq!(counted(&all), 153);
    assert_eq!(status(&all, "18.5"), "covered");
}

#[test]
fn cis_controls_generator_recreates_the_committed_files() {
    assert!(
        root()
            .join("scripts/data/cis-controls-v8/README.md")
            .exists()
    );
    generator_is_current("gen-cis-controls-v8.py");
}

// ---------------------------------------------------------------- NY DFS 500

#[test]
fn ny_dfs_500_lists_the_amended_regulation() {
    let units: Vec<String> = data("ny-dfs-500/part500.json")["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_str().unwrap().to_string())
        .collect();
    let shown = shown_ids("ny-dfs-500");
    assert_eq!(shown.len(), 133);
    assert_eq!(shown.first().map(String::as_str), Some("500.2(a)"));
    assert_eq!(shown.last().map(String::as_str), Some("500.17(c)(2)"));
    // Every counted id is a citation of the regulation, in its order.
    let order: Vec<&String> = units.iter().filter(|u| shown.contains(u)).collect();
    assert_eq!(order.len(), shown.len());
    assert!(order.iter().zip(&shown).all(|(a, b)| *a == b));
    // Definitions and administrative sections are listed but do not count.
    let r = Repo::new();
    let all = r.run(&["catalog", "show", "ny-dfs-500"]).ok().stdout;
    for heading in ["500.1(k)\t", "500.19(a)\t", "500.23\t", "500.5(a)\t"] {
        let line = all.lines().find(|l| l.starts_with(heading)).unwrap();
        assert!(line.ends_with("(heading)"), "{line}");
    }
}

#[test]
fn ny_dfs_500_accepts_the_dotted_spellings() {
    let r = Repo::new();
    r.file(
        "stacks/configcrates/a.vgo",
        "compliance:\n  ny-dfs-500: [\"500.12.a\", \"500.7(a)(1)\", \"500.16.a.2.v\", \"500.17(b)(1)(i)\", \"§500.06(b)\"]\n  nydfs: [\"500.14 (b)(1)\"]\n",
    );
    let rep = r.report("ny-dfs-500", &[]);
    assert_eq!(counted(&rep), 133);
    assert_eq!(
        covered_ids(&rep),
        [
            "500.6(b)",
            "500.7(a)(1)",
            "500.12(a)",
            "500.14(b)(1)",
            "500.16(a)(2)(v)",
            "500.17(b)(1)"
        ]
    );
    // A subdivision 500.12 does not have is refused, not guessed.
    r.file(
        "stacks/configcrates/b.vgo",
        "compliance:\n  ny-dfs-500: [\"500.12.c\"]\n",
    );
    let run = r
        .run(&["compliance", "report", "ny-dfs-500", "--format", "json"])
        .invalid();
    assert!(run.stderr.contains("unknown-control"), "{}", run.stderr);
    assert!(run.stderr.contains("500.12.c"), "{}", run.stderr);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
}

#[test]
fn ny_dfs_500_generator_recreates_the_committed_file() {
    assert!(root().join("scripts/data/ny-dfs-500/README.md").exists());
    generator_is_current("gen-ny-dfs-500.py");
}

// ---------------------------------------------------------------- GDPR

#[test]
fn gdpr_lists_the_obligations_of_controllers_and_processors() {
    let shown = shown_ids("gdpr");
    assert_eq!(shown.len(), 175);
    assert_eq!(shown.first().map(String::as_str), Some("Art.5(1)(a)"));
    assert_eq!(shown.last().map(String::as_str), Some("Art.49(6)"));
    // Every id names a paragraph or point that exists in the Regulation's text.
    let arts = data("gdpr/gdpr-ch2-5.json")["articles"]
        .as_array()
        .unwrap()
        .clone();
    for id in &shown {
        let rest = id.strip_prefix("Art.").unwrap();
        let (art, tail) = rest.split_once('(').unwrap_or((rest, ""));
        let a = arts
            .iter()
            .find(|a| a["article"].as_u64() == art.parse().ok())
            .unwrap_or_else(|| panic!("{id}: no such article"));
        let parts: Vec<&str> = tail.trim_end_matches(')').split(")(").collect();
        if tail.is_empty() {
            assert!(a["paragraphs"].as_array().unwrap().is_empty(), "{id}");
            continue;
        }
        let p = a["paragraphs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["paragraph"].as_u64() == parts[0].parse().ok())
            .unwrap_or_else(|| panic!("{id}: no such paragraph"));
        if let Some(point) = parts.get(1) {
            assert!(
                p["points"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|x| x["point"] == *point),
                "{id}: no such point"
            );
        }
    }
}

#[test]
fn gdpr_accepts_the_spellings_tools_use() {
    let r = Repo::new();
    r.file(
        "stacks/configcrates/a.vgo",
        "compliance:\n  gdpr: [\"32.1.a\", \"Art 32(1)(b)\", \"Article 5(1)(f)\", \"Art.6(1)(f)\", \"46.2.c\", \"Art 44\"]\n",
    );
    let rep = r.report("gdpr", &[]);
    assert_eq!(counted(&rep), 175);
    assert_eq!(
        covered_ids(&rep),
        [
            "Art.5(1)(f)",
            "Art.6(1)",
            "Art.32(1)(a)",
            "Art.32(1)(b)",
            "Art.44",
            "Art.46(1)"
        ]
    );
    // An article that only groups paragraphs is a heading; a paragraph the Regulation does
    // not have is unknown.
    r.file(
        "stacks/configcrates/b.vgo",
        "compliance:\n  gdpr: [\"Article 32\", \"32.1.e\"]\n",
    );
    let run = r
        .run(&["compliance", "report", "gdpr", "--format", "json"])
        .invalid();
    assert!(run.stderr.contains("heading-control"), "{}", run.stderr);
    assert!(run.stderr.contains("Art.32(1)"), "{}", run.stderr);
    assert!(run.stderr.contains("unknown-control"), "{}", run.stderr);
    assert!(run.stderr.contains("32.1.e"), "{}", run.stderr);
}

#[test]
fn gdpr_generator_recreates_the_committed_file() {
    assert!(root().join("scripts/data/gdpr/README.md").exists());
    generator_is_current("gen-gdpr.py");
}

//! The migration rule and the text edits, on a small catalog whose mapping has one pair of
//! every kind.

use super::*;
use crate::catalog::{RawCatalogFile, parse_catalog_file};
use crate::diag::Diagnostics;

const OLD: &str = r#"id: old
name: Old
version: "1"
aliases: [old-alias]
source: "tests"
controls:
  - { id: "O1", title: "one" }
  - { id: "O2", title: "two" }
  - { id: "O3", title: "three" }
  - { id: "O4", title: "four" }
  - { id: "O5", title: "five" }
  - { id: "O6", title: "six" }
  - { id: "O7", title: "seven" }
"#;

const NEW: &str = r#"id: new
name: New
version: "2"
aliases: [new-alias]
source: "tests"
controls:
  - { id: "N1", title: "one" }
  - { id: "N2", title: "two" }
  - { id: "N3", title: "three and four" }
  - { id: "N4", title: "part of five" }
  - { id: "N5", title: "six, one way" }
  - { id: "N6", title: "six, another way" }
  - { id: "N.7(a)", title: "needs quotes? no" }
"#;

const MAP: &str = r#"mappings:
  - id: new-from-old
    from: old
    to: new
    source: "tests"
    pairs:
      "N1": { from: ["O1"], relationship: equal }
      "N2": { from: ["O2"], relationship: equal }
      "N3": { from: ["O3", "O4"], relationship: equal }
      "N4": { from: ["O5"], relationship: subset-of }
      "N5": { from: ["O6"], relationship: equal }
      "N6": { from: ["O6"], relationship: equal }
"#;

fn catalog() -> Catalog {
    catalog_with(&[])
}

fn catalog_with(extra: &[(&str, &str)]) -> Catalog {
    let mut diags = Diagnostics::default();
    let mut files: Vec<RawCatalogFile> = Vec::new();
    let base = [("old.yaml", OLD), ("new.yaml", NEW), ("map.yaml", MAP)];
    for &(name, text) in base.iter().chain(extra) {
        let (f, d) = parse_catalog_file(&SourceFile::new(name, text.to_string()), false);
        files.extend(f);
        diags.extend(d);
    }
    let cat = Catalog::build(files, &mut diags);
    assert!(!diags.has_errors(), "{:?}", diags.into_sorted());
    cat
}

/// The plan of one file: each tag as `written→target` or `written:why`, and the new text.
fn plan(text: &str) -> (Vec<String>, Option<String>) {
    let cat = catalog();
    let old = cat.framework_index("old").expect("old");
    let new = cat.framework_index("new").expect("new");
    let m = Migration::new(&cat, old, new).expect("a mapping");
    let src = SourceFile::new("c.vgo", text.to_string());
    let root = yaml::parse(&src).expect("parses");
    let p = m.file(&src, &root);
    let tags = p
        .tags
        .iter()
        .map(|t| match t.fate {
            Fate::Rewrite(to) => format!("{}→{}", t.written, m.target_id(to)),
            Fate::Decide(why) => format!("{}:{}", t.written, why.as_str()),
        })
        .collect();
    (tags, p.text)
}

#[test]
fn the_rule_rewrites_only_equal_one_to_one_pairs() {
    let (tags, _) = plan("compliance:\n  old: [O1, O2, O3, O4, O5, O6, O7]\n");
    assert_eq!(
        tags,
        [
            "O1→N1",
            "O2→N2",
            "O3:many-to-one",
            "O4:many-to-one",
            "O5:not-equal",
            "O6:one-to-many",
            "O7:no-pair"
        ]
    );
}

#[test]
fn the_same_pair_in_two_mappings_is_one_candidate() {
    let copy = "mappings:\n  - id: copy\n    from: old\n    to: new\n    source: s\n    pairs:\n      \"N1\": { from: [\"O1\"], relationship: equal }\n      \"N6\": { from: [\"O2\"], relationship: equal }\n";
    let cat = catalog_with(&[("copy.yaml", copy)]);
    let (old, new) = (cat.framework_index("old"), cat.framework_index("new"));
    let m = Migration::new(&cat, old.expect("old"), new.expect("new")).expect("mapping");
    assert_eq!(m.mappings.len(), 2);
    let o = |id: &str| {
        cat.resolve_control(old.expect("old"), id)
            .expect("control")
            .1
    };
    let n = |id: &str| {
        cat.resolve_control(new.expect("new"), id)
            .expect("control")
            .1
    };
    assert_eq!(m.fate(o("O1")), Fate::Rewrite(n("N1")));
    // Two mappings that disagree are a choice.
    assert_eq!(m.fate(o("O2")), Fate::Decide(Why::OneToMany));
}

#[test]
fn a_list_of_automatic_tags_changes_framework_in_place() {
    let text = "# header comment\nname: web\ncompliance:\n  old: [O1, \"O2\"]   # why\n  new: []\nresources: []\n";
    // `new:` already exists: the tags move there.
    let (_, out) = plan(text);
    assert_eq!(
        out.as_deref(),
        Some(
            "# header comment\nname: web\ncompliance:\n  old: []   # why\n  new: [N1, N2]\nresources: []\n"
        )
    );
    let text = "# header comment\nname: web\ncompliance:\n  old: [O1, \"O2\", 'O1']   # why\n  hipaa: []\nresources: []\n";
    let (tags, out) = plan(text);
    assert_eq!(tags, ["O1→N1", "O2→N2", "O1→N1"]);
    assert_eq!(
        out.as_deref(),
        Some(
            "# header comment\nname: web\ncompliance:\n  new: [N1, \"N2\", 'N1']   # why\n  hipaa: []\nresources: []\n"
        )
    );
}

#[test]
fn block_lists_keep_their_comments() {
    let text =
        "compliance:\n  # the 2013 tags\n  old:\n    - O1    # ssh\n    - 'O2'\nprovides: [x]\n";
    let (_, out) = plan(text);
    assert_eq!(
        out.as_deref(),
        Some(
            "compliance:\n  # the 2013 tags\n  new:\n    - N1    # ssh\n    - 'N2'\nprovides: [x]\n"
        )
    );
    // A scalar instead of a list.
    let (_, out) = plan("compliance:\n  old-alias: O2\n");
    assert_eq!(out.as_deref(), Some("compliance:\n  new: N2\n"));
}

#[test]
fn in_a_mixed_list_the_automatic_tags_move_to_the_target_list() {
    let (tags, out) = plan("compliance:\n  old: [O3, O1, O7, O2]  # mixed\nx: 1\n");
    assert_eq!(tags, ["O3:many-to-one", "O1→N1", "O7:no-pair", "O2→N2"]);
    assert_eq!(
        out.as_deref(),
        Some("compliance:\n  old: [O3, O7]  # mixed\n  new: [N1, N2]\nx: 1\n")
    );
    let text =
        "compliance:\n  old:\n    - O3   # kept\n    - O1   # moved\n    - O6\n  hipaa: []\n";
    let (_, out) = plan(text);
    assert_eq!(
        out.as_deref(),
        Some(
            "compliance:\n  old:\n    - O3   # kept\n    - O6\n  new:\n    - N1   # moved\n  hipaa: []\n"
        )
    );
}

#[test]
fn an_existing_target_list_is_extended_and_an_emptied_source_list_goes() {
    let text = "compliance:\n  old: [O1, O3]\n  new-alias: [N5]\n";
    let (_, out) = plan(text);
    assert_eq!(
        out.as_deref(),
        Some("compliance:\n  old: [O3]\n  new-alias: [N5, N1]\n")
    );
    let text = "compliance:\n  old: [O1, O2]\n  new:\n    - N5\n    - N1   # already there\n";
    let (_, out) = plan(text);
    assert_eq!(
        out.as_deref(),
        Some("compliance:\n  new:\n    - N5\n    - N1   # already there\n    - N2\n")
    );
    // Two source lists (id and alias) end in one target list.
    let text = "compliance:\n  old: [O1, O3]\n  old-alias: [O2]";
    let (_, out) = plan(text);
    assert_eq!(
        out.as_deref(),
        Some("compliance:\n  old: [O3]\n  new: [N1, N2]\n")
    );
}

#[test]
fn what_cannot_be_rewritten_faithfully_is_left_for_a_person() {
    // A flow mapping has no line to add the target list on.
    let (tags, out) = plan("compliance: {old: [O1, O3]}\n");
    assert_eq!(tags, ["O1:layout", "O3:many-to-one"]);
    assert_eq!(out, None);
    // ... but a list that changes framework as a whole is rewritten where it is.
    let (_, out) = plan("compliance: {old: [O1]}\n");
    assert_eq!(out.as_deref(), Some("compliance: {new: [N1]}\n"));
    // A comment inside a flow list that spans lines.
    let (tags, out) = plan("compliance:\n  old: [O1,  # one\n        O3]\n");
    assert_eq!(tags, ["O1:layout", "O3:many-to-one"]);
    assert_eq!(out, None);
    // Nothing to rewrite: no new text.
    let (_, out) = plan("compliance:\n  old: [O3]\n  hipaa: [\"164.308(a)(1)(ii)(A)\"]\n");
    assert_eq!(out, None);
}

#[test]
fn plain_ids_that_would_not_read_back_are_quoted() {
    assert_eq!(styled("O1", "A.8.15"), "A.8.15");
    assert_eq!(styled("O1", "AC-2(1)"), "AC-2(1)");
    assert_eq!(styled("O1", "a b: c"), "\"a b: c\"");
    assert_eq!(styled("O1", "true"), "\"true\"");
    assert_eq!(styled("'O1'", "x"), "'x'");
}

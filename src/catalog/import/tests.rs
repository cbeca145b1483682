//! The import readers: OSCAL and CSV shapes, every broken input positioned, the CSV reader
//! fuzzed, and every written file loaded back by the catalog loader.

use super::csv::{Field, records};
use super::*;
use crate::catalog::Catalog;
use proptest::prelude::*;

fn src(text: &str) -> SourceFile {
    SourceFile::new("in", text.to_string())
}

fn meta() -> Meta {
    Meta {
        id: "x".into(),
        name: "X".into(),
        version: "1".into(),
        source: "tests".into(),
        header: vec!["written by a test".into()],
    }
}

/// Writes `controls` as YAML and loads it with the catalog loader: (id, parent id,
/// assessable, withdrawn) of every control, in order.
fn load_back(controls: &[Entry]) -> Vec<(String, Option<String>, bool, bool)> {
    let yaml = to_yaml(&meta(), controls);
    assert_eq!(check_loads("x.yaml", &yaml), vec![], "{yaml}");
    let s = SourceFile::new("x.yaml", yaml);
    let (file, d) = crate::catalog::parse_catalog_file(&s, false);
    assert!(d.is_empty());
    let mut diags = crate::diag::Diagnostics::default();
    let cat = Catalog::build(file.into_iter().collect(), &mut diags);
    let f = &cat.frameworks[0];
    f.controls
        .iter()
        .map(|c| {
            (
                c.id.clone(),
                c.parent.map(|p| f.controls[p as usize].id.clone()),
                c.assessable,
                c.withdrawn,
            )
        })
        .collect()
}

fn positions(diags: &[Diagnostic]) -> Vec<(usize, usize, String)> {
    diags
        .iter()
        .map(|d| {
            let l = d.location.as_ref().expect("positioned");
            assert_eq!(d.code, Code::BadImport, "{d:?}");
            (l.line, l.col, d.message.clone())
        })
        .collect()
}

// ---------------------------------------------------------------- OSCAL

const OSCAL: &str = r##"{"catalog": {"uuid": "u", "metadata": {"title": "Tiny", "version": "9", "oscal-version": "1.1.2"},
  "groups": [
    {"id": "ac", "class": "family", "title": "Access Control", "controls": [
      {"id": "ac-1", "title": "Policy", "props": [{"name": "label", "value": "AC-01", "class": "zero-padded"}, {"name": "label", "value": "AC-1"}],
       "parts": [{"id": "ac-1_smt", "name": "statement", "parts": [{"id": "ac-1_smt.a", "name": "item"}]}]},
      {"id": "ac-2", "title": "Accounts", "controls": [
        {"id": "ac-2.1", "title": "Automated", "props": [{"name": "label", "value": "AC-2(1)"}]},
        {"id": "ac-2.10", "title": "Old", "props": [{"name": "status", "value": "withdrawn"}],
         "links": [{"href": "#ac-1", "rel": "incorporated-into"}]}
      ]}
    ]},
    {"id": "ops", "title": "Operations", "props": [{"name": "label", "value": "Operations (OPS)"}],
     "groups": [{"title": "unnamed", "controls": [{"id": "OPS-1", "title": "Run"}]}]}
  ],
  "controls": [{"id": "top", "title": "Top level"}],
  "back-matter": {"resources": []}
}}"##;

#[test]
fn oscal_groups_controls_enhancements_and_withdrawn() {
    let got = read_oscal(&src(OSCAL)).expect("reads");
    assert_eq!(got.title.as_deref(), Some("Tiny"));
    assert_eq!(got.version.as_deref(), Some("9"));
    let ids: Vec<(&str, Option<&str>, Option<&str>)> = got
        .controls
        .iter()
        .map(|e| {
            (
                e.id.as_str(),
                e.parent.as_ref().map(|(p, _)| p.as_str()),
                e.category.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        ids,
        [
            ("AC", None, None),
            ("AC-1", Some("AC"), Some("Access Control")),
            ("AC-2", Some("AC"), Some("Access Control")),
            ("AC-2(1)", Some("AC-2"), Some("Access Control")),
            ("AC-2(10)", Some("AC-2"), Some("Access Control")),
            // A label with spaces is a title, not an id; a group without id or label
            // is no heading of its own.
            ("OPS", None, None),
            ("OPS-1", Some("OPS"), Some("unnamed")),
            ("top", None, None),
        ]
    );
    let old = &got.controls[4];
    assert!(old.withdrawn);
    assert_eq!(old.incorporated_into.as_deref(), Some("AC-1"));
    assert!(!got.controls[0].assessable);
    assert_eq!(
        Counts::of(&got.controls),
        Counts {
            counted: 5,
            headings: 2,
            withdrawn: 1
        }
    );
    let back = load_back(&got.controls);
    assert_eq!(
        back[4],
        ("AC-2(10)".into(), Some("AC-2".into()), true, true)
    );
    assert_eq!(back.len(), 8);
}

#[test]
fn oscal_ids_fall_back_to_nist_spelling() {
    assert_eq!(oscal::control_id("ac-2.1"), "AC-2(1)");
    assert_eq!(oscal::control_id("pm-30"), "PM-30");
    assert_eq!(oscal::control_id("GV.OC-01"), "GV.OC-01");
    assert_eq!(
        oscal::control_id("SP_800_171_03.01.01"),
        "SP_800_171_03.01.01"
    );
    assert_eq!(oscal::control_id("ac-2.x"), "ac-2.x");
}

#[test]
fn oscal_errors_are_positioned_and_all_reported() {
    // Bad syntax: one error, at serde_json's position.
    let e = read_oscal(&src(
        "{\"catalog\": {\"groups\": [\n  {\"id\": \"a\",, }\n]}}",
    ))
    .unwrap_err();
    assert_eq!(positions(&e)[0].0, 2);
    assert_eq!(positions(&e)[0].1, 14);
    // Missing id, missing title, a wrong type and a duplicate, all in one run.
    let text = "{\"catalog\": {\"controls\": [\n {\"title\": \"no id\"},\n {\"id\": \"x-1\"},\n {\"id\": \"y-1\", \"title\": 5},\n {\"id\": \"z-1\", \"title\": \"a\"},\n {\"id\": \"Z-1\", \"title\": \"b\"}\n]}}";
    let e = read_oscal(&src(text)).unwrap_err();
    let p = positions(&e);
    assert_eq!(p.len(), 4, "{p:?}");
    assert_eq!((p[0].0, p[0].1), (2, 2));
    assert!(p[0].2.contains("no `id`"));
    assert_eq!((p[1].0, p[1].1), (3, 2));
    assert!(p[1].2.contains("no `title`"));
    assert_eq!(p[2].0, 4);
    assert!(p[2].2.contains("invalid OSCAL control"), "{}", p[2].2);
    assert_eq!((p[3].0, p[3].1), (6, 2));
    assert!(p[3].2.contains("listed twice"));
    // An empty title is no title (the catalog loader refuses empty values).
    let e = read_oscal(&src("{\"catalog\": {\"metadata\": {\"version\": \" \"}, \"groups\": [{\"id\": \"g\", \"title\": \"\", \"controls\": [{\"id\": \"a-1\", \"title\": \"  \"}]}]}}")).unwrap_err();
    assert_eq!(positions(&e).len(), 2, "{e:?}");
    // Not a catalog.
    let e = read_oscal(&src("{\"profile\": {}}")).unwrap_err();
    assert!(e[0].message.contains("profile"));
    let e = read_oscal(&src("[]")).unwrap_err();
    assert_eq!(e[0].code, Code::BadImport);
    let e = read_oscal(&src("{\"catalog\": {}}")).unwrap_err();
    assert!(e[0].message.contains("no controls"), "{e:?}");
    // Too deep for any input.
    let deep = format!("{}{}", "[".repeat(100), "]".repeat(100));
    assert_eq!(
        read_oscal(&src(&deep)).unwrap_err()[0].code,
        Code::NestingTooDeep
    );
}

// ---------------------------------------------------------------- CSV

fn fields(text: &str) -> Vec<Vec<String>> {
    let (recs, errs) = records(text);
    assert!(errs.is_empty(), "{errs:?}");
    recs.into_iter()
        .map(|r| r.into_iter().map(|f: Field| f.text).collect())
        .collect()
}

#[test]
fn csv_follows_rfc_4180() {
    assert_eq!(fields("a,b\r\nc,d\r\n"), [["a", "b"], ["c", "d"]]);
    assert_eq!(
        fields("\"a,1\",\"say \"\"hi\"\"\"\n\"two\nlines\",\n"),
        [["a,1", "say \"hi\""], ["two\nlines", ""]]
    );
    assert_eq!(fields("a\n\n\nb"), [["a"], ["b"]]);
    assert_eq!(fields("\"\""), [[""]]);
    assert_eq!(fields(",\n"), [["", ""]]);
    assert_eq!(fields(""), Vec::<Vec<String>>::new());
}

#[test]
fn csv_quoting_errors_are_positioned_and_reading_goes_on() {
    let (recs, errs) = records("a,b\"c\nok,1\n\"x\"y,2\n\"open,3\nmore");
    assert_eq!(recs.len(), 1, "{recs:?}");
    let at: Vec<(usize, usize)> = errs.iter().map(|e| (e.line, e.col)).collect();
    assert_eq!(at, [(1, 4), (3, 4), (4, 1)]);
}

#[test]
fn csv_import_reorders_parents_first_and_loads_back() {
    let text = "ID, Title ,parent,category,assessable\nA1,One,A,Cat,\nA,Heading,,,false\nB,Two,,,TRUE\nA1a,Deep,a1,,\n";
    let got = read_csv(&src(text)).expect("reads");
    let back = load_back(&got.controls);
    assert_eq!(
        back,
        [
            // A1 waited for A; A1a comes in file order, after its parent.
            ("A".into(), None, false, false),
            ("A1".into(), Some("A".into()), true, false),
            ("B".into(), None, true, false),
            ("A1a".into(), Some("A1".into()), true, false),
        ]
    );
    // The parent is written with its control's spelling.
    assert_eq!(
        got.controls[3].parent.as_ref().map(|p| p.0.as_str()),
        Some("A1")
    );
}

#[test]
fn csv_errors_are_positioned_and_all_reported() {
    let text = "id,title,parent,assessable\n,No id,,\nA,Alpha,,\nB,,,\na,Again,,\nC,Gamma,Z,\nD,Delta,,maybe\nE,Short\n";
    let e = read_csv(&src(text)).unwrap_err();
    let p = positions(&e);
    let at: Vec<(usize, usize)> = p.iter().map(|x| (x.0, x.1)).collect();
    // The unknown parent is looked for only once every row reads.
    assert_eq!(at, [(2, 1), (4, 3), (5, 1), (7, 10), (8, 1)], "{p:?}");
    assert!(p[2].2.contains("listed twice"));
    let e = read_csv(&src("id,title,parent\nA,Alpha,Z\nB,Beta,C\nC,Gamma,B\n")).unwrap_err();
    let p = positions(&e);
    assert_eq!((p[0].0, p[0].1), (2, 9));
    assert!(p[0].2.contains("not a control"));
    let e = read_csv(&src("id,title,parent\nB,Beta,C\nC,Gamma,B\nD,Self,d\n")).unwrap_err();
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(e[0].message.contains("itself"));
    let e = read_csv(&src("id,title,parent\nB,Beta,C\nC,Gamma,B\n")).unwrap_err();
    assert_eq!(positions(&e).len(), 2);
    assert!(e[0].message.contains("cycle"));
    let e = read_csv(&src("id,name\n")).unwrap_err();
    assert_eq!(positions(&e).len(), 2);
    let e = read_csv(&src("")).unwrap_err();
    assert!(e[0].message.contains("no header"));
    let e = read_csv(&src("id,title\n")).unwrap_err();
    assert!(e[0].message.contains("no controls"));
}

#[test]
fn yaml_quoting_survives_the_loader() {
    let nasty = "quote \" back\\slash\ttab\nnl \u{1b}esc \u{7f} \u{85} \u{2028} \u{202e} \u{feff} émoji 😀 # not a comment: {x}, [y]";
    let controls = vec![Entry {
        id: "a: b #c".into(),
        title: nasty.into(),
        parent: None,
        category: Some("'single'".into()),
        assessable: true,
        withdrawn: false,
        incorporated_into: None,
        loc: src("").location(1, 1),
    }];
    let yaml = to_yaml(&meta(), &controls);
    assert_eq!(check_loads("x.yaml", &yaml), vec![]);
    let s = SourceFile::new("x.yaml", yaml);
    let (file, _) = crate::catalog::parse_catalog_file(&s, false);
    let mut diags = crate::diag::Diagnostics::default();
    let cat = Catalog::build(file.into_iter().collect(), &mut diags);
    let c = &cat.frameworks[0].controls[0];
    assert_eq!(c.id, "a: b #c");
    assert_eq!(c.title, nasty);
    assert_eq!(c.category.as_deref(), Some("'single'"));
}

#[test]
fn framework_ids_name_files() {
    for ok in ["high-imported", "a", "iso.27001_x", "9"] {
        assert!(valid_framework_id(ok), "{ok}");
    }
    for no in ["", "A", "../x", "a/b", ".x", "-x", "a b", "é"] {
        assert!(!valid_framework_id(no), "{no}");
    }
}

/// An RFC 4180 encoding of `rows`.
fn encode(rows: &[Vec<String>], crlf: bool) -> String {
    let mut out = String::new();
    for r in rows {
        let line: Vec<String> = r
            .iter()
            .map(|f| {
                if f.contains(['"', ',', '\n', '\r']) || f.is_empty() {
                    format!("\"{}\"", f.replace('"', "\"\""))
                } else {
                    f.clone()
                }
            })
            .collect();
        out.push_str(&line.join(","));
        out.push_str(if crlf { "\r\n" } else { "\n" });
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Any text: records or positioned errors, never a panic, positions inside the text.
    #[test]
    fn csv_reader_never_panics(text in "[a-c,\"\r\n é]{0,40}") {
        let (_, errs) = records(&text);
        let lines = text.split('\n').count();
        for e in errs {
            prop_assert!(e.line >= 1 && e.line <= lines);
            prop_assert!(e.col >= 1);
        }
        let _ = read_csv(&src(&text));
    }

    /// Any JSON-ish text: an import or positioned errors, never a panic.
    #[test]
    fn oscal_reader_never_panics(
        text in "\\{\"catalog\": \\{\"(groups|controls)\": \\[[{}\\[\\]\":,a-c0-9 \né]{0,60}",
    ) {
        if let Err(diags) = read_oscal(&src(&text)) {
            prop_assert!(diags.iter().all(|d| d.location.as_ref().is_some_and(|l| l.line >= 1)));
        }
    }

    /// Any catalog-shaped OSCAL (ids that clash, empty or missing titles, labels with and
    /// without class, withdrawn controls with links, nesting): either positioned
    /// `bad-import` errors, or controls the catalog loader reads back, every one of them.
    #[test]
    fn oscal_imports_load_back_or_are_refused(catalog in oscal_catalog()) {
        let text = serde_json::to_string_pretty(&catalog).expect("json");
        match read_oscal(&src(&text)) {
            Ok(got) => {
                let back = load_back(&got.controls);
                prop_assert_eq!(back.len(), got.controls.len());
            }
            Err(diags) => {
                for d in diags {
                    prop_assert_eq!(d.code, Code::BadImport);
                    prop_assert!(d.location.is_some_and(|l| l.line >= 1));
                }
            }
        }
    }

    /// What an RFC 4180 writer writes reads back field for field.
    #[test]
    fn csv_round_trips(
        rows in proptest::collection::vec(
            proptest::collection::vec("[a-c,\"\r\n é]{0,6}", 1..4), 1..6),
        crlf in any::<bool>(),
    ) {
        let text = encode(&rows, crlf);
        let (recs, errs) = records(&text);
        prop_assert!(errs.is_empty(), "{:?}", errs);
        let got: Vec<Vec<String>> = recs.into_iter().map(|r| r.into_iter().map(|f| f.text).collect()).collect();
        prop_assert_eq!(got, rows);
    }

    /// Any CSV import that reads writes YAML the catalog loader reads, with the same ids.
    #[test]
    fn csv_imports_load_back(
        rows in proptest::collection::vec(("[A-Ca-c1-3]{1,3}", "[ -~]{1,8}", 0usize..5), 1..8),
    ) {
        let ids: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
        let table: Vec<Vec<String>> = std::iter::once(vec!["id".to_string(), "title".into(), "parent".into()])
            .chain(rows.iter().map(|(id, title, p)| {
                vec![id.clone(), title.clone(), ids.get(*p).cloned().unwrap_or_default()]
            }))
            .collect();
        if let Ok(got) = read_csv(&src(&encode(&table, false))) {
            let back = load_back(&got.controls);
            let mut want: Vec<String> = ids.iter().map(|i| i.to_string()).collect();
            want.sort();
            let mut have: Vec<String> = back.into_iter().map(|b| b.0).collect();
            have.sort();
            prop_assert_eq!(have, want);
        }
    }
}

/// A control (with enhancements) or a group (with groups and controls), as OSCAL JSON.
fn oscal_node() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::json;
    let id = proptest::option::weighted(0.95, "[a-dA]{1,3}(-0?[1-9](\\.[1-3])?)?");
    let title = proptest::option::weighted(0.97, "[A-Za-zé ]{0,6}[A-Za-z]");
    let label = proptest::option::weighted(
        0.3,
        (
            "(AC-1|AC-1\\(1\\)|A 1| )",
            proptest::option::of("zero-padded"),
        ),
    );
    let withdrawn = any::<bool>();
    let leaf = (id, title, label, withdrawn).prop_map(|(id, title, label, withdrawn)| {
        let mut c = serde_json::Map::new();
        if let Some(i) = id {
            c.insert("id".into(), json!(i));
        }
        if let Some(t) = title {
            c.insert("title".into(), json!(t));
        }
        let mut props = Vec::new();
        if let Some((v, class)) = label {
            props.push(match class {
                Some(k) => json!({"name": "label", "value": v, "class": k}),
                None => json!({"name": "label", "value": v}),
            });
        }
        if withdrawn {
            props.push(json!({"name": "status", "value": "withdrawn"}));
            c.insert(
                "links".into(),
                json!([{"href": "#ac-1", "rel": "moved-to"}]),
            );
        }
        c.insert("props".into(), json!(props));
        serde_json::Value::Object(c)
    });
    leaf.prop_recursive(3, 24, 4, |inner| {
        (
            inner.clone(),
            proptest::collection::vec(inner, 0..4),
            any::<bool>(),
        )
            .prop_map(|(mut node, children, group)| {
                if let Some(o) = node.as_object_mut() {
                    if group {
                        o.insert("groups".into(), serde_json::json!([]));
                    }
                    o.insert("controls".into(), serde_json::Value::Array(children));
                }
                node
            })
    })
}

fn oscal_catalog() -> impl Strategy<Value = serde_json::Value> {
    (
        proptest::collection::vec(oscal_node(), 0..4),
        proptest::collection::vec(oscal_node(), 0..3),
    )
        .prop_map(|(groups, controls)| {
            serde_json::json!({"catalog": {"metadata": {"title": "T", "version": "1"},
                "groups": groups, "controls": controls}})
        })
}

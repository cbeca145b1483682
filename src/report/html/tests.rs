use super::*;
use std::collections::BTreeMap;

#[test]
fn base64_matches_the_rfc_vectors() {
    assert_eq!(base64(b""), "");
    assert_eq!(base64(b"f"), "Zg==");
    assert_eq!(base64(b"fo"), "Zm8=");
    assert_eq!(base64(b"foo"), "Zm9v");
    assert_eq!(base64(b"foobar"), "Zm9vYmFy");
}

#[test]
fn page_names_are_safe_file_names() {
    assert_eq!(page_name("nist-800-53"), "nist-800-53.html");
    assert_eq!(page_name("../x/y"), "_x_y.html");
    assert_eq!(page_name("A B"), "a_b.html");
    assert_eq!(page_name("index"), "framework-index.html");
    assert_eq!(page_name("envoys-2"), "framework-envoys-2.html");
}

fn sample() -> Report {
    use crate::report::{FrameworkInfo, Summary, Tool, WaiverLists, Weakest};
    let waiver = WaiverRow {
        source: "stacks/waivers.vgo:2".into(),
        controls: vec!["x:C2".into()],
        rationale: "<b>why</b>".into(),
        owner: "o@example.com".into(),
        expires: "2027-01-01".into(),
        days_left: 40,
        state: crate::model::WaiverState::Active,
        envoys: 1,
        envoys_glob: None,
        labels: Default::default(),
    };
    let row = |id: &str, status: Status, waivers: Vec<String>| ControlRow {
        id: id.into(),
        title: format!("Control {id}"),
        category: None,
        status,
        envoys_covered: 1,
        envoys_attested: 0,
        envoys_waived: 0,
        envoys_uncovered: 1,
        envoys_contradicted: 0,
        configcrates: vec!["<crate>".into()],
        capabilities: vec![],
        connwaer: vec![],
        envoys_connwaer_only: 0,
        waivers,
        evidence: vec![],
        envoys_via_mapping: None,
        via_mapping: vec![],
        uncovered_envoys: vec!["b".into()],
        last_converged: None,
    };
    let envoy = |h: &str, pct: f64| EnvoyRow {
        hostname: h.into(),
        coverage_pct: pct,
        covered_pct: pct,
        assured_pct: pct,
        covered: 1,
        attested: 0,
        waived: 0,
        uncovered: 1,
        last_converged: None,
        environment: None,
        status: None,
    };
    let controls = vec![
        row("C1", Status::Partial, vec![]),
        row("C2", Status::Waived, vec![waiver.source.clone()]),
    ];
    Report {
        schema: crate::report::SCHEMA,
        tool: Tool {
            name: "vigocli",
            version: "0",
        },
        generated_at: "2026-01-01T00:00:00Z".into(),
        as_of: "2026-01-01T00:00:00Z".into(),
        mode: crate::model::Mode::Fleet,
        framework: FrameworkInfo {
            id: "x".into(),
            name: "X".into(),
            version: "1".into(),
            source: "test".into(),
            based_on: None,
        },
        scope: BTreeMap::new(),
        inputs_digest: "00".into(),
        summary: Summary {
            controls_total: 2,
            covered: 0,
            attested: 0,
            partial: 1,
            waived: 1,
            uncovered: 0,
            not_applicable: 0,
            coverage_pct: 50.0,
            covered_pct: 0.0,
            assured_pct: 0.0,
            envoys_in_scope: 2,
            envoy_mean_pct: Some(50.0),
            weakest_envoy: Some(Weakest {
                hostname: "a".into(),
                coverage_pct: 50.0,
            }),
            covered_via_mapping: None,
            formulas: BTreeMap::new(),
        },
        categories: crate::report::categories::rollup(&controls, std::iter::empty()),
        controls,
        envoys: vec![envoy("a", 50.0), envoy("b", 50.0)],
        waivers: WaiverLists {
            active: vec![waiver],
            expiring: vec![],
            expired: vec![],
        },
        evidence: vec![],
        not_applicable: vec![],
        findings: vec![],
    }
}

#[test]
fn every_page_template_renders() {
    let r = sample();
    let page = render_report(&r).expect("report page");
    assert!(page.contains("&lt;crate&gt;") && page.contains("&lt;b&gt;why"));
    assert!(page.contains("<tr class=\"weakest\">"));
    let site = render_site(std::slice::from_ref(&r)).expect("site");
    let names: Vec<&str> = site.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["index.html", "x.html", "envoys-1.html"]);
    assert!(site[0].1.contains("C1"), "next gap: the partial control");
}

#[test]
fn strict_undefined_is_an_error() {
    let env = ENV.as_ref().expect("templates compile");
    let err = env.render_str("{{ missing }}", context! {});
    assert!(
        err.is_err(),
        "an undefined variable must not render as empty"
    );
}

#[test]
fn every_template_compiles() {
    let env = ENV.as_ref().expect("templates compile");
    for (name, _) in TEMPLATES {
        env.get_template(name).expect("template is registered");
    }
}

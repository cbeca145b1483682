//! The built-in catalogs: they load cleanly, have the documented sizes, and resolve the
//! IDs the product's own documentation uses.

use super::ControlError;
use crate::catalog::builtin as builtin_catalog;

fn counted(id: &str) -> usize {
    let cat = builtin_catalog().expect("built-in catalogs load without errors");
    let fw = cat.framework_index(id).expect("framework exists");
    cat.frameworks[fw].counted.len()
}

#[test]
fn builtin_catalogs_have_their_documented_sizes() {
    for (id, n) in [
        ("hipaa", 68),
        ("soc2", 61),
        ("pci-dss", 280),
        ("iso-27001", 114),
        ("iso-27001-2022", 93),
        ("cis-ubuntu", 279),
        ("hitrust", 156),
        ("nist-800-53", 1009),
        ("nist-800-53-low", 149),
        ("nist-800-53-moderate", 287),
        ("nist-800-53-high", 370),
        ("nist-800-53-privacy", 96),
        ("fedramp-low", 156),
        ("fedramp-moderate", 323),
        ("fedramp-high", 410),
        ("fedramp-li-saas", 156),
        ("nist-800-171", 110),
        ("nist-800-171r3", 97),
        ("cmmc-l1", 15),
        ("cmmc-l2", 110),
        ("nist-csf-2", 106),
        ("cis-controls-v8", 153),
        ("cis-controls-v8-ig1", 56),
        ("cis-controls-v8-ig2", 130),
        ("cis-controls-v8-ig3", 153),
        ("ny-dfs-500", 133),
        ("gdpr", 175),
    ] {
        assert_eq!(counted(id), n, "{id}");
    }
}

#[test]
fn seed_ids_resolve_and_headings_are_refused() {
    let cat = builtin_catalog().expect("loads");
    let fw = |n: &str| cat.framework_index(n).expect(n);
    for (f, id) in [
        ("hipaa", "164.312(e)(1)"),
        ("hipaa", "164.312(e)(2)(ii)"),
        ("hipaa", "164.308(a)(1)"),
        ("pci", "2.2.7"),
        ("pci", "4.2.1"),
        ("pci", "3.5.1.1"),
        ("nist-800-53", "SC-8(1)"),
        ("nist", "sc-8.1"),
        ("iso-27001", "A.13.1.1"),
        ("iso-27001", "A.12.4.4"),
        ("iso-27001-2022", "A.8.34"),
        ("cis", "3.5.1.1"),
        ("cis-ubuntu", "3.5.1.2"),
        ("soc2", "CC9.2"),
        ("soc2", "P8.1"),
        ("hitrust", "01.a"),
        ("hitrust", "09.ab"),
    ] {
        assert!(cat.resolve_control(fw(f), id).is_ok(), "{f}:{id}");
    }
    match cat.resolve_control(fw("pci"), "2.3") {
        Err(ControlError::Heading { children }) => assert_eq!(children, ["2.3.1", "2.3.2"]),
        other => panic!("2.3 must be a heading, got {other:?}"),
    }
    assert!(matches!(
        cat.resolve_control(fw("nist"), "SC-13(1)"),
        Err(ControlError::Withdrawn { .. })
    ));
    assert!(matches!(
        cat.resolve_control(fw("hipaa"), "164.312(f)"),
        Err(ControlError::Unknown { .. })
    ));
}

#[test]
fn capabilities_and_bundles_resolve() {
    let cat = builtin_catalog().expect("loads");
    assert!(cat.capabilities.len() >= 25);
    let ts = cat.capability_index("time-sync").expect("time-sync");
    let nist = cat.framework_index("nist-800-53").expect("nist");
    let au8 = cat.resolve_control(nist, "AU-8").expect("AU-8");
    assert!(cat.capabilities[ts].controls.contains(&au8));
    let b = cat
        .bundle_index("cis-ubuntu/level1-server")
        .expect("bundle");
    assert!(!cat.bundles[b].controls.is_empty());
}

/// The counted control ids of a framework, in report order.
fn counted_ids(id: &str) -> Vec<String> {
    let cat = builtin_catalog().expect("loads");
    let fw = cat.framework_index(id).expect("framework exists");
    let base = cat.frameworks[fw].base;
    cat.frameworks[fw]
        .counted
        .iter()
        .map(|&i| cat.control(base, i).id.clone())
        .collect()
}

#[test]
fn cis_dfs_gdpr_run_from_their_first_to_their_last_id() {
    for (id, n, first, last) in [
        ("cis-controls-v8", 153, "1.1", "18.5"),
        ("cis-controls-v8-ig1", 56, "1.1", "17.3"),
        ("cis-controls-v8-ig2", 130, "1.1", "18.3"),
        ("cis-controls-v8-ig3", 153, "1.1", "18.5"),
        ("ny-dfs-500", 133, "500.2(a)", "500.17(c)(2)"),
        ("gdpr", 175, "Art.5(1)(a)", "Art.49(6)"),
    ] {
        let ids = counted_ids(id);
        assert_eq!(ids.len(), n, "{id}");
        assert_eq!(ids.first().map(String::as_str), Some(first), "{id}");
        assert_eq!(ids.last().map(String::as_str), Some(last), "{id}");
    }
    // IG1 ⊂ IG2 ⊂ IG3 = every safeguard.
    let (ig1, ig2, ig3) = (
        counted_ids("cis-ig1"),
        counted_ids("cis-ig2"),
        counted_ids("cis-ig3"),
    );
    assert!(ig1.iter().all(|x| ig2.contains(x)));
    assert!(ig2.iter().all(|x| ig3.contains(x)));
    assert_eq!(ig3, counted_ids("cis-controls-v8"));
    // The two safeguards whose groups the generator corrects.
    assert!(ig2.contains(&"14.9".to_string()) && !ig1.contains(&"14.9".to_string()));
    assert!(!ig2.contains(&"17.9".to_string()) && ig3.contains(&"17.9".to_string()));
}

#[test]
fn legal_citations_resolve_in_every_spelling() {
    let cat = builtin_catalog().expect("loads");
    let fw = |n: &str| cat.framework_index(n).expect(n);
    let canonical = |f: &str, text: &str| -> Option<String> {
        cat.resolve_control(fw(f), text)
            .ok()
            .map(|(b, i)| cat.control(b, i).id.clone())
    };
    for (f, text, want) in [
        ("ny-dfs-500", "500.12(a)", "500.12(a)"),
        ("ny-dfs-500", "500.12.a", "500.12(a)"),
        ("ny-dfs-500", "500.12 (a)(1)", "500.12(a)(1)"),
        ("nydfs", "500.13.a.1.iv", "500.13(a)(1)(iv)"),
        ("ny-dfs-500", "§ 500.16(e)", "500.16(e)"),
        ("ny-dfs-500", "§500.06(b)", "500.6(b)"),
        ("ny-dfs-500", "500.09.a", "500.9(a)"),
        ("ny-dfs-500", "500.17(b)(1)(ii)(a)", "500.17(b)(1)"),
        ("gdpr", "Art.32(1)(a)", "Art.32(1)(a)"),
        ("gdpr", "32.1.a", "Art.32(1)(a)"),
        ("gdpr", "Art 32(1)(a)", "Art.32(1)(a)"),
        ("gdpr", "Article 32(1)(a)", "Art.32(1)(a)"),
        ("gdpr", "art. 5.1.f", "Art.5(1)(f)"),
        ("gdpr", "5.1.a", "Art.5(1)(a)"),
        ("gdpr", "Art.6(1)(f)", "Art.6(1)"),
        ("gdpr", "46.2.c", "Art.46(1)"),
        ("gdpr", "Art 44", "Art.44"),
        ("cis-controls-v8", "4.1", "4.1"),
        ("cis-ig1", "5.2", "5.2"),
        // The rule helps the older catalogs too, without changing their exact matches.
        ("hipaa", "164.312.e.2.ii", "164.312(e)(2)(ii)"),
        ("pci", "2.2.7", "2.2.7"),
    ] {
        assert_eq!(canonical(f, text).as_deref(), Some(want), "{f}:{text}");
    }
    // Headings stay headings in every spelling; wrong numbers name nothing.
    for text in ["Art 32", "Article 30", "Art.5(1)", "5.1"] {
        assert!(
            matches!(
                cat.resolve_control(fw("gdpr"), text),
                Err(ControlError::Heading { .. })
            ),
            "{text}"
        );
    }
    for text in ["500.5.a", "§500.02", "500.11"] {
        assert!(
            matches!(
                cat.resolve_control(fw("ny-dfs-500"), text),
                Err(ControlError::Heading { .. })
            ),
            "{text}"
        );
    }
    for (f, text) in [
        ("gdpr", "32.5"),
        ("gdpr", "32"),
        ("gdpr", "Art.32(1)(e)"),
        ("gdpr", "Art.4(1)"),
        ("ny-dfs-500", "500.12.c"),
        ("ny-dfs-500", "500.25"),
        ("cis-controls-v8", "18.6"),
    ] {
        assert!(
            matches!(
                cat.resolve_control(fw(f), text),
                Err(ControlError::Unknown { .. })
            ),
            "{f}:{text} must not resolve"
        );
    }
}

#[test]
fn a_citation_that_could_name_two_controls_is_not_guessed() {
    use crate::diag::Diagnostics;
    use crate::yaml::SourceFile;
    let text = "id: twofold\nname: T\nversion: \"1\"\nsource: test\ncontrols:\n  - { id: \"1.2(3)\", title: a }\n  - { id: \"1(2)(3)\", title: b }\n";
    let (file, d) = super::parse_catalog_file(&SourceFile::new("t.yaml", text.to_string()), false);
    assert!(d.is_empty(), "{d:?}");
    let mut diags = Diagnostics::default();
    let cat = super::Catalog::build(file.into_iter().collect(), &mut diags);
    assert!(!diags.has_errors());
    let fw = cat.framework_index("twofold").expect("twofold");
    assert!(cat.resolve_control(fw, "1.2(3)").is_ok());
    assert!(cat.resolve_control(fw, "1(2)(3)").is_ok());
    assert!(matches!(
        cat.resolve_control(fw, "1.2.3"),
        Err(ControlError::Unknown { .. })
    ));
}

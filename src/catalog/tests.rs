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

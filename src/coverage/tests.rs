use super::*;

#[test]
fn rounding_is_half_away_from_zero() {
    assert_eq!(pct_hundredths(1, 8), 1250);
    assert_eq!(pct_hundredths(1, 3), 3333);
    assert_eq!(pct_hundredths(2, 3), 6667);
    // 100 × 1/800 = 0.125 % → 0.13 %
    assert_eq!(pct_hundredths(1, 800), 13);
    assert_eq!(pct_hundredths(1, 80_000), 0);
    assert_eq!(pct_hundredths(0, 0), 0);
    assert_eq!(pct(5, 6), 83.33);
}

#[test]
fn status_rules() {
    // (covered, attested, waived, in scope)
    assert_eq!(Status::from_counts(3, 0, 0, 3), Status::Covered);
    assert_eq!(Status::from_counts(2, 1, 0, 3), Status::Attested);
    assert_eq!(Status::from_counts(0, 3, 0, 3), Status::Attested);
    assert_eq!(Status::from_counts(2, 0, 1, 3), Status::Waived);
    assert_eq!(Status::from_counts(1, 1, 1, 3), Status::Waived);
    assert_eq!(Status::from_counts(0, 0, 3, 3), Status::Waived);
    assert_eq!(Status::from_counts(1, 0, 0, 3), Status::Partial);
    assert_eq!(Status::from_counts(0, 1, 0, 3), Status::Partial);
    assert_eq!(Status::from_counts(0, 0, 1, 3), Status::Partial);
    assert_eq!(Status::from_counts(0, 0, 0, 3), Status::Uncovered);
    assert_eq!(Status::from_counts(0, 0, 0, 0), Status::Uncovered);
}

// ---- coverage::compute on a hand-built model over the built-in catalog ----

use crate::catalog::Catalog;
use crate::model::{Claim, Configcrate, Mode, WaivedControl, Waiver, WaiverState};
use std::sync::Arc;

fn catalog() -> Catalog {
    crate::catalog::builtin().expect("built-in catalog")
}

/// A base framework, a capability mapped to one of its counted controls, and two more
/// counted controls of it (all distinct).
fn fixture(cat: &Catalog) -> (usize, usize, [u32; 3]) {
    for (cap, c) in cat.capabilities.iter().enumerate() {
        let Some(&(fw, mapped)) = c.controls.first() else {
            continue;
        };
        let counted = &cat.frameworks[fw].counted;
        let others: Vec<u32> = counted.iter().copied().filter(|&x| x != mapped).collect();
        if counted.contains(&mapped) && others.len() >= 2 {
            return (fw, cap, [mapped, others[0], others[1]]);
        }
    }
    panic!("no capability mapped to a counted control");
}

fn configcrate(name: &str, fw: usize, controls: &[u32]) -> Configcrate {
    Configcrate {
        name: name.into(),
        file: Arc::from(format!("configcrates/{name}.vgo").as_str()),
        claims: controls
            .iter()
            .map(|&control| Claim {
                framework: fw,
                control,
                source: ClaimSource::Tag,
            })
            .collect(),
    }
}

fn waiver(fw: usize, controls: &[u32]) -> Waiver {
    Waiver {
        source: "stacks/waivers.vgo:2".into(),
        loc: crate::diag::Location {
            file: Arc::from("stacks/waivers.vgo"),
            line: 2,
            col: 3,
        },
        controls: controls
            .iter()
            .map(|&control| WaivedControl {
                framework: fw,
                control,
                written: format!("x:{control}"),
            })
            .collect(),
        rationale: "because".into(),
        owner: "o@example.com".into(),
        expires: jiff::civil::date(2027, 1, 1),
        days_left: 100,
        state: WaiverState::Active,
        scope_dir: String::new(),
        envoys_glob: None,
        labels: Default::default(),
        applied_envoys: 1,
    }
}

fn envoy(host: &str, crates: &[u32], waivers: &[u32], traits: &[(usize, TraitStatus)]) -> Envoy {
    Envoy {
        hostname: host.into(),
        labels: BTreeMap::from([("env".to_string(), "prod".to_string())]).into(),
        environment: None,
        configcrates: crates.into(),
        matched: None,
        waivers: waivers.into(),
        traits: traits.to_vec(),
        last_converged: None,
        last_converged_text: None,
        status: None,
        evidence: Vec::new(),
    }
}

fn model(
    cat: Catalog,
    configcrates: Vec<Configcrate>,
    waivers: Vec<Waiver>,
    envoys: Vec<Envoy>,
) -> Model {
    Model {
        inferred: Vec::new(),
        catalog: cat,
        mode: Mode::Fleet,
        as_of: Timestamp::UNIX_EPOCH,
        configcrates,
        envoys,
        waivers,
        findings: Vec::new(),
        ignored_results: Vec::new(),
        inputs_digest: String::new(),
        fail_locations: BTreeMap::new(),
        scopes: Vec::new(),
        trait_checked_at: BTreeMap::new(),
        input_files: Vec::new(),
        evidence: Vec::new(),
        evidence_classes: Vec::new(),
        decisions: Vec::new(),
        input_groups: Default::default(),
    }
}

fn control(cov: &FrameworkCoverage, c: u32) -> &ControlCoverage {
    cov.controls
        .iter()
        .find(|x| x.control == ControlIdx(c))
        .expect("counted control")
}

#[test]
fn envoys_with_identical_inputs_share_one_group() {
    let cat = catalog();
    let (fw, _, [a, b, _]) = fixture(&cat);
    let m = model(
        cat,
        vec![configcrate("one", fw, &[a]), configcrate("two", fw, &[b])],
        Vec::new(),
        vec![
            envoy("a-1", &[0], &[], &[]),
            envoy("a-2", &[0, 1], &[], &[]),
            envoy("a-3", &[0], &[], &[]),
        ],
    );
    let cov = compute(&m, FrameworkIdx(fw), &BTreeMap::new());
    assert_eq!(cov.groups.len(), 2);
    assert_eq!(cov.groups[0].members, vec![EnvoyIdx(0), EnvoyIdx(2)]);
    assert_eq!(cov.groups[1].members, vec![EnvoyIdx(1)]);
    let groups: Vec<u32> = cov.envoys.iter().map(|e| e.group).collect();
    assert_eq!(groups, vec![0, 1, 0]);
    // Per-envoy status comes from the group; per-control counts add the members up.
    let pos = |c: u32| {
        cov.controls
            .iter()
            .position(|x| x.control == ControlIdx(c))
            .expect("pos")
    };
    assert_eq!(cov.group(&cov.envoys[0]).status(pos(b)), Status::Uncovered);
    assert_eq!(cov.group(&cov.envoys[1]).status(pos(b)), Status::Covered);
    assert_eq!(control(&cov, a).status, Status::Covered);
    assert_eq!(control(&cov, a).envoys_covered, 3);
    assert_eq!(control(&cov, b).status, Status::Partial);
    assert_eq!(control(&cov, b).envoys_uncovered, 2);
    assert_eq!(
        control(&cov, b).uncovered_envoys,
        vec![EnvoyIdx(0), EnvoyIdx(2)]
    );
    assert_eq!(control(&cov, b).configcrates, vec![1]);
}

#[test]
fn a_covered_control_is_not_waived() {
    let cat = catalog();
    let (fw, _, [a, b, c]) = fixture(&cat);
    let m = model(
        cat,
        vec![configcrate("one", fw, &[a])],
        vec![waiver(fw, &[a, b])],
        vec![envoy("a-1", &[0], &[0], &[]), envoy("a-2", &[], &[0], &[])],
    );
    let cov = compute(&m, FrameworkIdx(fw), &BTreeMap::new());
    // a: covered on a-1 (the waiver does not count there), waived on a-2.
    let ca = control(&cov, a);
    assert_eq!((ca.envoys_covered, ca.envoys_waived), (1, 1));
    assert_eq!(ca.status, Status::Waived);
    // b: waived on both; c: neither.
    assert_eq!(control(&cov, b).status, Status::Waived);
    assert_eq!(control(&cov, b).waivers, vec![0]);
    assert_eq!(control(&cov, c).status, Status::Uncovered);
    assert_eq!(cov.envoys[0].covered, 1);
    assert_eq!(cov.envoys[0].waived, 1);
}

#[test]
fn a_failing_check_contradicts_a_claim_that_stays_counted() {
    let cat = catalog();
    let (fw, cap, [a, _, _]) = fixture(&cat);
    let m = model(
        cat,
        vec![configcrate("one", fw, &[a])],
        Vec::new(),
        vec![
            envoy("a-1", &[0], &[], &[(cap, TraitStatus::Fail)]),
            envoy("a-2", &[], &[], &[(cap, TraitStatus::Pass)]),
        ],
    );
    let cov = compute(&m, FrameworkIdx(fw), &BTreeMap::new());
    let ca = control(&cov, a);
    assert_eq!(ca.status, Status::Covered);
    assert_eq!((ca.envoys_contradicted, ca.envoys_connwaer_only), (1, 1));
    assert_eq!(cov.contradicted_total, 1);
    assert_eq!(cov.contradicted.len(), 1);
    assert_eq!(cov.contradicted[0].0, EnvoyIdx(0));
    let found = contradicted_claims(&m, EnvoyIdx(0));
    assert!(found.contains(&Contradiction {
        capability: cap,
        framework: FrameworkIdx(fw),
        control: ControlIdx(a),
    }));
    assert!(contradicted_claims(&m, EnvoyIdx(1)).is_empty());
}

#[test]
fn a_profile_counts_only_its_own_controls_of_its_base() {
    let cat = catalog();
    let low = cat.framework_index("nist-800-53-low").expect("profile");
    let base = cat.frameworks[low].base;
    assert_ne!(low, base);
    let counted = cat.frameworks[low].counted.clone();
    let not_counted = (0..cat.frameworks[base].controls.len() as u32)
        .find(|c| !counted.contains(c))
        .expect("a base control outside the profile");
    let other = cat.framework_index("hipaa").expect("hipaa");
    let m = model(
        cat,
        vec![
            configcrate("in", base, &[counted[0]]),
            configcrate("out", base, &[not_counted]),
            configcrate("other", other, &[0]),
        ],
        Vec::new(),
        vec![envoy("a-1", &[0, 1, 2], &[], &[])],
    );
    let cov = compute(&m, FrameworkIdx(low), &BTreeMap::new());
    assert_eq!(cov.total(), counted.len() as u64);
    assert_eq!(cov.count(Status::Covered), 1);
    assert_eq!(control(&cov, counted[0]).configcrates, vec![0]);
    assert_eq!(cov.envoys[0].covered, 1);
    assert_eq!(cov.envoys[0].uncovered as usize, counted.len() - 1);
}

#[test]
fn scope_filters_envoys_in_fleet_mode_only() {
    let cat = catalog();
    let (fw, _, [a, _, _]) = fixture(&cat);
    let mut out = envoy("b-1", &[], &[], &[]);
    Arc::make_mut(&mut out.labels).insert("env".into(), "dev".into());
    let mut m = model(
        cat,
        vec![configcrate("one", fw, &[a])],
        Vec::new(),
        vec![envoy("a-1", &[0], &[], &[]), out],
    );
    let scope = BTreeMap::from([("env".to_string(), "prod".to_string())]);
    let cov = compute(&m, FrameworkIdx(fw), &scope);
    assert_eq!(cov.envoys.len(), 1);
    assert_eq!(control(&cov, a).status, Status::Covered);
    m.mode = Mode::Declared;
    let cov = compute(&m, FrameworkIdx(fw), &scope);
    assert_eq!(cov.envoys.len(), 2);
    assert_eq!(control(&cov, a).status, Status::Partial);
}

#[test]
fn statuses_serialise_to_the_report_words() {
    for s in Status::ALL {
        let json = serde_json::to_string(&s).expect("serialise");
        assert_eq!(json, format!("\"{}\"", s.as_str()));
        assert_eq!(Status::parse(s.as_str()), Some(s));
    }
    assert_eq!(Status::parse("contradicted"), None);
}

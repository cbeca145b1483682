//! Differential test: random repositories, the real binary (grouping, bitsets, threads)
//! against a slow, obvious implementation of SPEC §4 written from the generator's own data.

use crate::common::*;
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

const CONTROLS: [&str; 6] = ["T1", "T2", "T3", "T4", "T5", "T6"];

#[derive(Debug, Clone)]
struct Crate {
    tags: BTreeSet<usize>,
    provides_a: bool,
    provides_b: bool,
    bundle: bool,
}

impl Crate {
    /// Controls it claims, through every claim source.
    fn claims(&self) -> BTreeSet<usize> {
        let mut c = self.tags.clone();
        if self.provides_a {
            c.extend([0, 1]);
        }
        if self.provides_b {
            c.insert(2);
        }
        if self.bundle {
            c.extend([3, 4]);
        }
        c
    }
}

#[derive(Debug, Clone)]
struct EnvoySpec {
    zone: usize, // 0 = a-*, 1 = b-*, 2 = unmatched c-*
    crates: Option<BTreeSet<usize>>,
    phi: Option<bool>,
    revoked: bool,
    /// (capability 0 = cap-a / 1 = cap-b, pass, fresh)
    traits: Vec<(usize, bool, bool)>,
}

#[derive(Debug, Clone)]
struct WaiverSpec {
    control: usize,
    in_zone_a: bool,
    expired: bool,
    glob: Option<usize>, // 0 = "a-1", 1 = "*-2"
    phi: Option<bool>,
}

/// An evidence record for one control: state 0 accepted and intact, 1 pending review,
/// 2 expired, 3 accepted but its document changed since.
#[derive(Debug, Clone)]
struct EvidenceSpec {
    control: usize,
    state: usize,
    glob: Option<usize>, // 0 = "a-1", 1 = "*-2"
    phi: Option<bool>,
}

#[derive(Debug, Clone)]
struct Spec {
    crates: Vec<Crate>,
    zone_crates: [BTreeSet<usize>; 2],
    zone_phi: [bool; 2],
    envoys: Vec<EnvoySpec>,
    waivers: Vec<WaiverSpec>,
    scope_phi: bool,
    evidence: Vec<EvidenceSpec>,
    /// Applicability decisions: the controls, and whether the decision has lapsed.
    decisions: Vec<(BTreeSet<usize>, bool)>,
}

fn subset(n: usize) -> impl Strategy<Value = BTreeSet<usize>> {
    proptest::collection::btree_set(0..n, 0..=n)
}

fn spec() -> impl Strategy<Value = Spec> {
    let krate = (
        subset(6),
        any::<bool>(),
        any::<bool>(),
        proptest::bool::weighted(0.2),
    )
        .prop_map(|(tags, provides_a, provides_b, bundle)| Crate {
            tags,
            provides_a,
            provides_b,
            bundle,
        });
    (proptest::collection::vec(krate, 1..5)).prop_flat_map(|crates| {
        let n = crates.len();
        let envoy = (
            0usize..3,
            proptest::option::of(subset(n)),
            proptest::option::of(any::<bool>()),
            proptest::bool::weighted(0.1),
            proptest::collection::vec(
                (0usize..2, any::<bool>(), proptest::bool::weighted(0.7)),
                0..3,
            ),
        )
            .prop_map(|(zone, crates, phi, revoked, traits)| EnvoySpec {
                zone,
                crates,
                phi,
                revoked,
                traits,
            });
        let waiver = (
            0usize..6,
            any::<bool>(),
            proptest::bool::weighted(0.2),
            proptest::option::of(0usize..2),
            proptest::option::of(any::<bool>()),
        )
            .prop_map(|(control, in_zone_a, expired, glob, phi)| WaiverSpec {
                control,
                in_zone_a,
                expired,
                glob,
                phi,
            });
        let evidence = (
            0usize..6,
            prop_oneof![4 => Just(0usize), 1 => 1usize..4],
            proptest::option::of(0usize..2),
            proptest::option::of(any::<bool>()),
        )
            .prop_map(|(control, state, glob, phi)| EvidenceSpec {
                control,
                state,
                glob,
                phi,
            });
        let decision = (
            proptest::collection::btree_set(0usize..6, 1..3),
            proptest::bool::weighted(0.3),
        );
        (
            (
                Just(crates),
                [subset(n), subset(n)],
                [any::<bool>(), any::<bool>()],
                proptest::collection::vec(envoy, 0..9),
                proptest::collection::vec(waiver, 0..4),
                any::<bool>(),
            ),
            proptest::collection::vec(evidence, 0..5),
            proptest::collection::vec(decision, 0..2),
        )
            .prop_map(
                |(
                    (crates, zone_crates, zone_phi, envoys, waivers, scope_phi),
                    evidence,
                    decisions,
                )| {
                    Spec {
                        crates,
                        zone_crates,
                        zone_phi,
                        envoys,
                        waivers,
                        scope_phi,
                        evidence,
                        decisions,
                    }
                },
            )
    })
}

fn hostname(e: &EnvoySpec, i: usize) -> String {
    format!("{}-{i}", ["a", "b", "c"][e.zone])
}

fn list(items: impl IntoIterator<Item = String>) -> String {
    format!("[{}]", items.into_iter().collect::<Vec<_>>().join(", "))
}

fn write(spec: &Spec) -> Repo {
    let r = tf_repo();
    for (i, c) in spec.crates.iter().enumerate() {
        let mut s = format!(
            "name: c{i}\ncompliance:\n  tf: {}\n",
            list(c.tags.iter().map(|&t| CONTROLS[t].to_string()))
        );
        let mut provides = Vec::new();
        if c.provides_a {
            provides.push("cap-a".to_string());
        }
        if c.provides_b {
            provides.push("cap-b".to_string());
        }
        s.push_str(&format!("provides: {}\n", list(provides)));
        if c.bundle {
            s.push_str("bundle: tf/basic\n");
        }
        r.file(&format!("stacks/configcrates/c{i}.vgo"), &s);
    }
    for (z, dir) in ["zone-a", "zone-b"].iter().enumerate() {
        let crates = list(spec.zone_crates[z].iter().map(|c| format!("c{c}")));
        r.file(
            &format!("stacks/{dir}/envoys.vgo"),
            &format!("envoys:\n  - match: \"{}-*\"\n    configcrates: {crates}\n    labels: {{ phi: {} }}\n", ["a", "b"][z], spec.zone_phi[z]),
        );
    }
    let mut inv = String::new();
    let mut traits = String::new();
    for (i, e) in spec.envoys.iter().enumerate() {
        let host = hostname(e, i);
        let mut obj = serde_json::json!({"hostname": host, "revoked": e.revoked});
        if let Some(c) = &e.crates {
            obj["configcrates"] = c.iter().map(|x| format!("c{x}")).collect();
        }
        if let Some(p) = e.phi {
            obj["labels"] = serde_json::json!({"phi": p});
        }
        inv.push_str(&obj.to_string());
        inv.push('\n');
        for &(cap, pass, fresh) in &e.traits {
            let at = if fresh {
                "2026-11-22T06:00:00Z"
            } else {
                "2026-11-20T06:00:00Z"
            };
            traits.push_str(&format!(
                "{{\"envoy\": \"{host}\", \"capability\": \"{}\", \"status\": \"{}\", \"checked_at\": \"{at}\"}}\n",
                ["cap-a", "cap-b"][cap],
                if pass { "pass" } else { "fail" }
            ));
        }
    }
    r.file("inventory/fleet.jsonl", &inv)
        .file("traits/run.jsonl", &traits);
    let mut root = String::from("waivers:\n");
    let mut zone_a = String::from("waivers:\n");
    for w in &spec.waivers {
        let mut s = format!(
            "  - control: \"tf:{}\"\n    rationale: r\n    owner: o\n    expires: \"{}\"\n",
            CONTROLS[w.control],
            if w.expired {
                "2026-01-01"
            } else {
                "2027-01-01"
            }
        );
        if let Some(g) = w.glob {
            s.push_str(&format!("    envoys: \"{}\"\n", ["a-1", "*-2"][g]));
        }
        if let Some(p) = w.phi {
            s.push_str(&format!("    labels: {{ phi: {p} }}\n"));
        }
        if w.in_zone_a { &mut zone_a } else { &mut root }.push_str(&s);
    }
    if !spec.decisions.is_empty() {
        root.push_str("not_applicable:\n");
    }
    for (controls, lapsed) in &spec.decisions {
        root.push_str(&format!(
            "  - controls: {}\n    rationale: r\n    owner: o\n    approved_by: a\n    approved_at: 2026-01-01\n    review_by: {}\n",
            list(controls.iter().map(|&t| format!("\"tf:{}\"", CONTROLS[t]))),
            if *lapsed { "2026-11-01" } else { "2027-11-01" }
        ));
    }
    r.file("stacks/waivers.vgo", &root)
        .file("stacks/zone-a/waivers.vgo", &zone_a);
    const DOC: &str = "the reviewed document\n";
    r.file("evidence/files/doc.md", DOC);
    let mut records = String::from("evidence:\n");
    for (i, e) in spec.evidence.iter().enumerate() {
        let pinned = if e.state == 3 {
            "another document\n"
        } else {
            DOC
        };
        records.push_str(&format!(
            "  - id: e{i}\n    title: t\n    controls: [\"tf:{}\"]\n    kind: file\n    path: evidence/files/doc.md\n    collected: 2026-01-01\n    expires: {}\n    owner: o\n",
            CONTROLS[e.control],
            if e.state == 2 { "2026-11-01" } else { "2027-11-01" }
        ));
        if e.state == 1 {
            records.push_str("    status: pending_review\n");
        } else {
            records.push_str(&format!(
                "    status: accepted\n    reviewed_by: r\n    reviewed_at: 2026-01-02\n    sha256: \"{}\"\n",
                vigocli::audit::bundle::sha256_hex(pinned.as_bytes())
            ));
        }
        if let Some(g) = e.glob {
            records.push_str(&format!("    envoys: \"{}\"\n", ["a-1", "*-2"][g]));
        }
        if let Some(p) = e.phi {
            records.push_str(&format!("    labels: {{ phi: {p} }}\n"));
        }
    }
    if spec.evidence.is_empty() {
        records = String::from("evidence: []\n");
    }
    r.file("evidence/records.yaml", &records);
    r
}

fn pct(num: u64, den: u64) -> f64 {
    if den == 0 {
        return 0.0;
    }
    let h = (num as u128 * 10_000 * 2 + den as u128) / (2 * den as u128);
    h as f64 / 100.0
}

struct Expected {
    /// Per control of CONTROLS; None when a current decision removed it.
    status: Vec<Option<&'static str>>,
    /// (covered, attested, waived, uncovered) envoys.
    counts: Vec<(u64, u64, u64, u64)>,
    /// Per envoy (coverage_pct, assured_pct, covered_pct).
    envoys: BTreeMap<String, (f64, f64, f64)>,
    total: u64,
    mean: Option<f64>,
    weakest: Option<String>,
}

/// SPEC §4, the slow way: every envoy, every control.
fn expected(spec: &Spec) -> Expected {
    // 0 covered, 1 attested, 2 waived, 3 uncovered
    let mut per_envoy: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let applicable: Vec<bool> = (0..6)
        .map(|t| {
            !spec
                .decisions
                .iter()
                .any(|(c, lapsed)| !lapsed && c.contains(&t))
        })
        .collect();
    for (i, e) in spec.envoys.iter().enumerate() {
        if e.revoked {
            continue;
        }
        let host = hostname(e, i);
        let crates: BTreeSet<usize> = match (&e.crates, e.zone) {
            (Some(c), _) => c.clone(),
            (None, 2) => BTreeSet::new(),
            (None, z) => spec.zone_crates[z].clone(),
        };
        let phi = e.phi.or(if e.zone < 2 {
            Some(spec.zone_phi[e.zone])
        } else {
            None
        });
        if spec.scope_phi && phi != Some(true) {
            continue;
        }
        let mut covered: BTreeSet<usize> = crates
            .iter()
            .flat_map(|&c| spec.crates[c].claims())
            .collect();
        // All fresh results share one timestamp, so the latest result is a tie, and a
        // tie goes to `fail`: a capability passes only if none of its fresh results failed.
        for cap in 0..2 {
            let fresh: Vec<bool> = e
                .traits
                .iter()
                .filter(|t| t.0 == cap && t.2)
                .map(|t| t.1)
                .collect();
            if !fresh.is_empty() && fresh.iter().all(|&pass| pass) {
                covered.extend(if cap == 0 { vec![0, 1] } else { vec![2] });
            }
        }
        let states = (0..6)
            .map(|t| {
                if covered.contains(&t) {
                    return 0;
                }
                let attested = spec.evidence.iter().any(|ev| {
                    ev.control == t
                        && ev.state == 0
                        && match ev.glob {
                            None => true,
                            Some(0) => host == "a-1",
                            Some(_) => host.ends_with("-2"),
                        }
                        && ev.phi.is_none_or(|p| phi == Some(p))
                });
                if attested {
                    return 1;
                }
                let waived = spec.waivers.iter().any(|w| {
                    w.control == t
                        && !w.expired
                        && (!w.in_zone_a || e.zone == 0)
                        && match w.glob {
                            None => true,
                            Some(0) => host == "a-1",
                            Some(_) => host.ends_with("-2"),
                        }
                        && w.phi.is_none_or(|p| phi == Some(p))
                });
                if waived { 2 } else { 3 }
            })
            .collect();
        per_envoy.insert(host, states);
    }
    let n = per_envoy.len() as u64;
    let mut status = Vec::new();
    let mut counts = Vec::new();
    for t in 0..6 {
        let k = |x: u8| per_envoy.values().filter(|s| s[t] == x).count() as u64;
        let (c, a, w, u) = (k(0), k(1), k(2), k(3));
        counts.push((c, a, w, u));
        status.push(applicable[t].then_some(if n > 0 && c == n {
            "covered"
        } else if n > 0 && c + a == n {
            "attested"
        } else if n > 0 && u == 0 {
            "waived"
        } else if c + a + w > 0 {
            "partial"
        } else {
            "uncovered"
        }));
    }
    let total = applicable.iter().filter(|a| **a).count() as u64;
    let count =
        |s: &Vec<u8>, max: u8| (0..6).filter(|&t| applicable[t] && s[t] <= max).count() as u64;
    let good: BTreeMap<String, u64> = per_envoy
        .iter()
        .map(|(h, s)| (h.clone(), count(s, 2)))
        .collect();
    let envoys = per_envoy
        .iter()
        .map(|(h, s)| {
            (
                h.clone(),
                (
                    pct(count(s, 2), total),
                    pct(count(s, 1), total),
                    pct(count(s, 0), total),
                ),
            )
        })
        .collect();
    let sum: u64 = good.values().sum();
    let mean = (n > 0).then(|| pct(sum, n * total));
    let min = good.values().min().copied();
    let weakest = good
        .iter()
        .find(|(_, g)| Some(**g) == min)
        .map(|(h, _)| h.clone());
    Expected {
        status,
        counts,
        envoys,
        total,
        mean,
        weakest,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    #[test]
    fn engine_matches_the_obvious_implementation(spec in spec()) {
        let repo = write(&spec);
        let mut args = vec!["--threads", "1", "compliance", "report", "tf", "--format", "json"];
        if spec.scope_phi {
            args.extend(["--scope", "phi=true"]);
        }
        let one = repo.run(&args).ok();
        args[1] = "4";
        let four = repo.run(&args).ok();
        prop_assert_eq!(&one.stdout, &four.stdout, "thread count changed the output");
        let rep = one.json();
        let exp = expected(&spec);
        let listed: Vec<&str> = rep["controls"].as_array().unwrap().iter().filter_map(|c| c["id"].as_str()).collect();
        let expected_listed: Vec<&str> = CONTROLS.iter().enumerate().filter(|(t, _)| exp.status[*t].is_some()).map(|(_, id)| *id).collect();
        prop_assert_eq!(listed, expected_listed, "counted controls");
        for (t, id) in CONTROLS.iter().enumerate() {
            let Some(want) = exp.status[t] else { continue };
            let c = control(&rep, id);
            prop_assert_eq!(c["status"].as_str(), Some(want), "status of {}", id);
            let n = |k: &str| c[k].as_u64().unwrap_or(99);
            let got = (n("envoys_covered"), n("envoys_attested"), n("envoys_waived"), n("envoys_uncovered"));
            prop_assert_eq!(got, exp.counts[t], "counts of {}", id);
        }
        let got_envoys: BTreeMap<String, (f64, f64, f64)> = rep["envoys"].as_array().unwrap().iter()
            .map(|e| (e["hostname"].as_str().unwrap().to_string(), (e["coverage_pct"].as_f64().unwrap(), e["assured_pct"].as_f64().unwrap(), e["covered_pct"].as_f64().unwrap()))).collect();
        prop_assert_eq!(&got_envoys, &exp.envoys);
        prop_assert_eq!(rep["summary"]["envoy_mean_pct"].as_f64(), exp.mean);
        prop_assert_eq!(rep["summary"]["weakest_envoy"]["hostname"].as_str().map(String::from), exp.weakest);
        let k = |s: &str| exp.status.iter().filter(|x| **x == Some(s)).count() as u64;
        let (covered, attested, waived) = (k("covered"), k("attested"), k("waived"));
        prop_assert_eq!(rep["summary"]["controls_total"].as_u64(), Some(exp.total));
        prop_assert_eq!(rep["summary"]["not_applicable"].as_u64(), Some(6 - exp.total));
        prop_assert_eq!(rep["summary"]["coverage_pct"].as_f64(), Some(pct(covered + attested + waived, exp.total)));
        prop_assert_eq!(rep["summary"]["assured_pct"].as_f64(), Some(pct(covered + attested, exp.total)));
        prop_assert_eq!(rep["summary"]["covered_pct"].as_f64(), Some(pct(covered, exp.total)));
    }
}

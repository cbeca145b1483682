//! Turning the parsed inputs into envoys: tree matching, configcrate assignment,
//! labels, Connwaer freshness and waiver applicability.

use super::inventory::RawEnvoy;
use super::stacks::Tree;
use super::{InputLog, traits};
use crate::catalog::Catalog;
use crate::diag::{Code, Diagnostic, Diagnostics, Location};
use crate::model::{DECLARED_ENVOY, Envoy, Mode, Model, TraitStatus, Waiver, WaiverState};
use crate::settings::Settings;
use jiff::{SignedDuration, Timestamp};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

/// Connwaer results older than this before `as_of` are stale.
pub const TRAIT_FRESHNESS: SignedDuration = SignedDuration::from_hours(24);

pub fn build(
    settings: &Settings,
    catalog: Catalog,
    tree: Tree,
    inventory: Option<Vec<RawEnvoy>>,
    inputs: &InputLog,
    diags: &mut Diagnostics,
) -> Model {
    let mut envoys: Vec<Envoy>;
    let mut fail_locations = BTreeMap::new();
    let mut trait_checked_at = BTreeMap::new();
    let mode;
    match inventory {
        None => {
            mode = Mode::Declared;
            envoys = vec![Envoy {
                hostname: Arc::from(DECLARED_ENVOY),
                labels: BTreeMap::new(),
                environment: None,
                configcrates: (0..tree.configcrates.len() as u32).collect(),
                matched: None,
                waivers: Arc::from([]),
                traits: Vec::new(),
                last_converged: None,
                last_converged_text: None,
                status: None,
                evidence: Vec::new(),
            }];
        }
        Some(raw) => {
            mode = Mode::Fleet;
            envoys = fleet_envoys(&tree, raw, diags);
            let results = traits::load(settings, &catalog, inputs, diags);
            (fail_locations, trait_checked_at) =
                apply_traits(&mut envoys, results, settings.as_of, &catalog, diags);
        }
    }
    let mut waivers = tree.waivers;
    let blocks_dir: HashMap<&str, &Path> = tree
        .blocks
        .iter()
        .map(|b| (b.source.as_ref(), b.dir.as_path()))
        .collect();
    let applies =
        super::waiver_match::applies(&envoys, &waivers, &tree.waiver_filters, mode, &blocks_dir);
    for (e, w) in envoys.iter_mut().zip(applies) {
        for &i in w.iter() {
            waivers[i as usize].applied_envoys += 1;
        }
        e.waivers = w;
    }
    for w in &waivers {
        if w.state != WaiverState::Expired && w.applied_envoys == 0 {
            diags.push(
                Diagnostic::warning(
                    Code::UnusedWaiver,
                    format!("waiver for {} applies to no envoy", w.controls_written()),
                )
                .at(w.loc.clone())
                .help("check its directory, `envoys:` glob and `labels:` filter, or remove it"),
            );
        }
        if w.state == WaiverState::Expired {
            diags.push(expired_waiver(w));
        }
    }
    if mode == Mode::Fleet {
        let mut assigned = vec![false; tree.configcrates.len()];
        for e in &envoys {
            for &c in &e.configcrates {
                assigned[c as usize] = true;
            }
        }
        for (c, used) in tree.configcrates.iter().zip(assigned) {
            if !used && !c.claims.is_empty() {
                diags.push(
                    Diagnostic::warning(Code::UnassignedConfigcrate, format!("configcrate `{}` carries control tags but no envoy has it", c.name))
                        .at(Location::file_only(&c.file))
                        .help("assign it in the envoy tree or a role, or remove its tags: its claims count for nothing"),
                );
            }
        }
    }
    let scopes = catalog
        .frameworks
        .iter()
        .map(|f| {
            let ids: Vec<&str> = std::iter::once(f.id.as_str())
                .chain(f.aliases.iter().map(String::as_str))
                .collect();
            settings.scope_for(&ids)
        })
        .collect();
    let inferred = catalog
        .frameworks
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let ids: Vec<&str> = std::iter::once(f.id.as_str())
                .chain(f.aliases.iter().map(String::as_str))
                .collect();
            let sources: Vec<usize> = settings
                .infer_from_for(&ids)
                .iter()
                .filter_map(|name| catalog.framework_index(name))
                .collect();
            catalog.mappings_into(i, &sources)
        })
        .collect();
    Model {
        inferred,
        catalog,
        mode,
        as_of: settings.as_of,
        configcrates: tree.configcrates,
        envoys,
        waivers,
        findings: Vec::new(),
        inputs_digest: String::new(),
        fail_locations,
        scopes,
        trait_checked_at,
        input_files: Vec::new(),
        evidence: Vec::new(),
        evidence_classes: Vec::new(),
        decisions: tree.decisions,
        input_groups: Default::default(),
    }
}

fn fleet_envoys(tree: &Tree, raw: Vec<RawEnvoy>, diags: &mut Diagnostics) -> Vec<Envoy> {
    let mut raw: Vec<RawEnvoy> = raw.into_iter().filter(|e| !e.revoked).collect();
    raw.sort_by(|a, b| a.hostname.cmp(&b.hostname).then_with(|| a.loc.cmp(&b.loc)));
    let mut keep = vec![true; raw.len()];
    for i in 1..raw.len() {
        if raw[i].hostname == raw[i - 1].hostname {
            keep[i] = false;
            diags.push(
                Diagnostic::error(
                    Code::DuplicateHostname,
                    format!(
                        "envoy `{}` is listed twice in the inventory",
                        raw[i].hostname
                    ),
                )
                .at(raw[i].loc.clone())
                .related(raw[i - 1].loc.clone())
                .help("keep one record per hostname (mark decommissioned ones `revoked: true`)"),
            );
        }
    }
    let raw: Vec<RawEnvoy> = raw
        .into_iter()
        .zip(keep)
        .filter(|(_, k)| *k)
        .map(|(e, _)| e)
        .collect();
    let resolved: Vec<(Envoy, Vec<Diagnostic>)> = raw
        .into_par_iter()
        .map_init(Vec::new, |scratch, r| {
            let mut d = Vec::new();
            let block = tree.match_block(&r.hostname, scratch).map(|i| &tree.blocks[i]);
            let configcrates = match &r.configcrates {
                Some(list) => {
                    let mut v = Vec::with_capacity(list.len());
                    for (name, loc) in list {
                        match tree.crate_index.get(name) {
                            Some(&i) => v.push(i),
                            None if tree.broken_crates.contains(name) => {}
                            None => d.push(
                                Diagnostic::error(Code::UnknownConfigcrate, format!("envoy `{}` is assigned configcrate `{name}`, which the repository does not define", r.hostname))
                                    .at(loc.clone())
                                    .help("add the configcrate to configcrates/ or fix the server-side assignment"),
                            ),
                        }
                    }
                    v.sort_unstable();
                    v.dedup();
                    v
                }
                None => block.map(|b| b.configcrates.clone()).unwrap_or_default(),
            };
            let mut labels = block.map(|b| b.labels.clone()).unwrap_or_default();
            labels.extend(r.labels);
            if block.is_none() {
                d.push(
                    Diagnostic::warning(Code::UnmatchedEnvoy, format!("envoy `{}` matches no block of the envoy tree", r.hostname))
                        .at(r.loc.clone())
                        .help("add a `match:` block for it; until then it gets only fleet-wide waivers"),
                );
            }
            if let Some(s) = r.status.as_deref().filter(|s| *s != "converged") {
                d.push(
                    Diagnostic::warning(Code::EnvoyNotConverged, format!("envoy `{}` has status `{s}`", r.hostname))
                        .at(r.loc.clone())
                        .help("its configcrates are assigned but may not be applied; converge it before the audit"),
                );
            }
            let envoy = Envoy {
                hostname: Arc::from(r.hostname),
                labels,
                environment: r
                    .environment
                    .map(Arc::from)
                    .or_else(|| block.and_then(|b| b.environment.clone())),
                configcrates,
                matched: block.map(|b| b.source.clone()),
                waivers: Arc::from([]),
                traits: Vec::new(),
                last_converged: r.last_converged,
                last_converged_text: r.last_converged.map(|t| Arc::from(crate::report::timestamp(t))),
                status: r.status.map(Arc::from),
                evidence: Vec::new(),
            };
            (envoy, d)
        })
        .collect();
    let mut envoys = Vec::with_capacity(resolved.len());
    for (e, d) in resolved {
        envoys.push(e);
        diags.extend(d);
    }
    envoys
}

type FailLocations = BTreeMap<(u32, usize), Location>;
type CheckedAt = BTreeMap<(u32, usize), Timestamp>;

fn apply_traits(
    envoys: &mut [Envoy],
    results: Vec<traits::RawTrait>,
    as_of: Timestamp,
    catalog: &Catalog,
    diags: &mut Diagnostics,
) -> (FailLocations, CheckedAt) {
    let index: HashMap<&str, usize> = envoys
        .iter()
        .enumerate()
        .map(|(i, e)| (e.hostname.as_ref(), i))
        .collect();
    // Latest fresh result per (envoy, capability); a fail wins a tie.
    let mut latest: BTreeMap<(usize, usize), (Timestamp, TraitStatus, Location)> = BTreeMap::new();
    let oldest_fresh = as_of.checked_sub(TRAIT_FRESHNESS).unwrap_or(Timestamp::MIN);
    for t in results {
        let cap = &catalog.capabilities[t.capability].name;
        let Some(&ei) = index.get(t.envoy.as_str()) else {
            diags.push(
                Diagnostic::warning(
                    Code::UnknownTraitEnvoy,
                    format!(
                        "Connwaer result for `{}` ({cap}): no such envoy in the inventory",
                        t.envoy
                    ),
                )
                .at(t.loc)
                .help("the result is ignored; remove results of decommissioned hosts"),
            );
            continue;
        };
        let Some(at) = t.checked_at else {
            diags.push(
                Diagnostic::warning(
                    Code::StaleTrait,
                    format!(
                        "Connwaer result `{cap}` for `{}` has no `checked_at`; ignored as stale",
                        t.envoy
                    ),
                )
                .at(t.loc)
                .help("results must say when they were checked to count"),
            );
            continue;
        };
        if at > as_of {
            diags.push(
                Diagnostic::warning(Code::FutureTrait, format!("Connwaer result `{cap}` for `{}` was checked at {at}, after the report's as_of {as_of}; ignored", t.envoy))
                    .at(t.loc)
                    .help("evaluate with a later --as-of to count it"),
            );
            continue;
        }
        if at < oldest_fresh {
            diags.push(
                Diagnostic::warning(Code::StaleTrait, format!("Connwaer result `{cap}` for `{}` was checked at {at}, more than 24 h before {as_of}; ignored", t.envoy))
                    .at(t.loc)
                    .help("re-run the trait check: only results from the last 24 hours count"),
            );
            continue;
        }
        let entry = latest
            .entry((ei, t.capability))
            .or_insert((at, t.status, t.loc.clone()));
        if at > entry.0 || (at == entry.0 && t.status == TraitStatus::Fail) {
            *entry = (at, t.status, t.loc);
        }
    }
    let mut fail_locations = BTreeMap::new();
    let mut checked_at = BTreeMap::new();
    for ((ei, cap), (at, status, loc)) in latest {
        envoys[ei].traits.push((cap, status));
        checked_at.insert((ei as u32, cap), at);
        if status == TraitStatus::Fail {
            fail_locations.insert((ei as u32, cap), loc);
        }
    }
    (fail_locations, checked_at)
}

/// The finding for an expired waiver (it applies to nothing).
pub(super) fn expired_waiver(w: &Waiver) -> Diagnostic {
    Diagnostic::warning(
        Code::ExpiredWaiver,
        format!(
            "waiver for {} expired on {}",
            w.controls_written(),
            w.expires
        ),
    )
    .at(w.loc.clone())
    .help("renew it with a new `expires:` date and rationale, or cover the control")
}

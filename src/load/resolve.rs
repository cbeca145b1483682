//! Turning the parsed inputs into envoys: tree matching, configcrate assignment,
//! labels, Connwaer freshness and waiver applicability.

use super::inventory::RawEnvoy;
use super::stacks::Tree;
use super::traits;
use crate::catalog::Catalog;
use crate::diag::{Code, Diagnostic, Diagnostics, Location};
use crate::model::{
    DECLARED_ENVOY, Envoy, Ignored, IgnoredResult, Mode, Model, TraitStatus, Waiver, WaiverState,
};
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
    inventory: Option<(Vec<RawEnvoy>, Vec<traits::RawTrait>)>,
    diags: &mut Diagnostics,
) -> Model {
    let mut envoys: Vec<Envoy>;
    let mut fail_locations = BTreeMap::new();
    let mut trait_checked_at = BTreeMap::new();
    let mut ignored_results = Vec::new();
    let mode;
    match inventory {
        None => {
            mode = Mode::Declared;
            envoys = vec![Envoy {
                hostname: Arc::from(DECLARED_ENVOY),
                labels: Default::default(),
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
        Some((raw, results)) => {
            mode = Mode::Fleet;
            envoys = fleet_envoys(&tree, raw, diags);
            (fail_locations, trait_checked_at, ignored_results) =
                apply_traits(&mut envoys, results, settings.as_of);
        }
    }
    let mut waivers = tree.waivers;
    let blocks_dir: HashMap<&str, &Path> = tree
        .blocks
        .iter()
        .map(|b| (b.source.as_ref(), b.dir.as_path()))
        .collect();
    let applies = super::waiver_match::applies(
        &envoys,
        &waivers,
        &tree.waiver_filters,
        mode,
        &blocks_dir,
        diags,
    );
    // Envoys per distinct list (one allocation per list), then per waiver: not one count
    // per envoy and waiver, which grows with their product.
    let mut per_list: foldhash::HashMap<*const u32, (Arc<[u32]>, usize)> = Default::default();
    for (e, w) in envoys.iter_mut().zip(applies) {
        per_list
            .entry(w.as_ptr())
            .or_insert_with(|| (Arc::clone(&w), 0))
            .1 += 1;
        e.waivers = w;
    }
    for (list, n) in per_list.values() {
        for &i in list.iter() {
            waivers[i as usize].applied_envoys += n;
        }
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
            for &c in e.configcrates.iter() {
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
        ignored_results,
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
    let raw: Vec<RawEnvoy> = raw.into_iter().filter(|e| !e.revoked).collect();
    // Hostname order (then input order), sorting (hostname, index) pairs rather than the
    // records; the order is total (the index breaks the last tie), so an unstable sort
    // gives the one result.
    let mut order: Vec<(&str, u32)> = raw
        .iter()
        .enumerate()
        .map(|(i, r)| (r.hostname.as_str(), i as u32))
        .collect();
    order.par_sort_unstable_by(|a, b| {
        a.0.cmp(b.0)
            .then_with(|| raw[a.1 as usize].loc.cmp(&raw[b.1 as usize].loc))
            .then(a.1.cmp(&b.1))
    });
    let order: Vec<u32> = order.into_iter().map(|(_, i)| i).collect();
    let mut kept = Vec::with_capacity(order.len());
    for (k, &i) in order.iter().enumerate() {
        let r = &raw[i as usize];
        match k.checked_sub(1).map(|p| &raw[order[p] as usize]) {
            Some(prev) if prev.hostname == r.hostname => diags.push(
                Diagnostic::error(
                    Code::DuplicateHostname,
                    format!("envoy `{}` is listed twice in the inventory", r.hostname),
                )
                .at(r.loc.clone())
                .related(prev.loc.clone())
                .help("keep one record per hostname (mark decommissioned ones `revoked: true`)"),
            ),
            _ => kept.push(r),
        }
    }
    // The envoys and their diagnostics collected apart: the envoys are built in place.
    let (envoys, found): (Vec<Envoy>, Vec<Vec<Diagnostic>>) = kept
        .into_par_iter()
        .map_init(Default::default, |scratch, r| {
            let mut d = Vec::new();
            let block = tree.match_block(&r.hostname, scratch).map(|i| &tree.blocks[i]);
            let configcrates = match &r.configcrates {
                Some(list) => {
                    let mut v = Vec::with_capacity(list.names.len());
                    for (name, loc) in list.iter(&r.loc) {
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
                    v.into()
                }
                None => block.map(|b| b.configcrates.clone()).unwrap_or_default(),
            };
            let mut labels = block.map(|b| b.labels.clone()).unwrap_or_default();
            if !r.labels.is_empty() {
                Arc::make_mut(&mut labels).extend(r.labels.iter().cloned());
            }
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
                hostname: Arc::from(r.hostname.as_str()),
                labels,
                environment: r
                    .environment
                    .as_deref()
                    .map(Arc::from)
                    .or_else(|| block.and_then(|b| b.environment.clone())),
                configcrates,
                matched: block.map(|b| b.source.clone()),
                waivers: Arc::from([]),
                traits: Vec::new(),
                last_converged: r.last_converged,
                last_converged_text: r.last_converged.map(|t| Arc::from(crate::report::timestamp(t))),
                status: r.status.as_deref().map(Arc::from),
                evidence: Vec::new(),
            };
            (envoy, d)
        })
        .unzip();
    diags.extend(found.into_iter().flatten());
    envoys
}

type FailLocations = BTreeMap<(u32, usize), Location>;
type CheckedAt = BTreeMap<(u32, usize), Timestamp>;

/// Connwaer results that count, and those that do not, by [`apply_traits`].
type Applied = (FailLocations, CheckedAt, Vec<IgnoredResult>);

fn apply_traits(envoys: &mut [Envoy], results: Vec<traits::RawTrait>, as_of: Timestamp) -> Applied {
    let index: foldhash::HashMap<&str, u32> = envoys
        .iter()
        .enumerate()
        .map(|(i, e)| (e.hostname.as_ref(), i as u32))
        .collect();
    let oldest_fresh = as_of.checked_sub(TRAIT_FRESHNESS).unwrap_or(Timestamp::MIN);
    // Each result, in parallel: its envoy and time, or why it is ignored.
    let classified: Vec<Result<(u32, Timestamp), Ignored>> = results
        .par_iter()
        .map(|t| {
            let Some(&ei) = index.get(t.envoy.as_ref()) else {
                return Err(Ignored::UnknownEnvoy);
            };
            match t.checked_at {
                None => Err(Ignored::Undated),
                Some(at) if at > as_of => Err(Ignored::Future(at)),
                Some(at) if at < oldest_fresh => Err(Ignored::Stale(at)),
                Some(at) => Ok((ei, at)),
            }
        })
        .collect();
    // The fresh results by (envoy, capability), in input order within each.
    let mut fresh: Vec<(u32, usize, Timestamp, usize)> = Vec::with_capacity(classified.len());
    let mut ignored = Vec::new();
    for (i, c) in classified.into_iter().enumerate() {
        match c {
            Ok((ei, at)) => fresh.push((ei, results[i].capability, at, i)),
            Err(why) => ignored.push(IgnoredResult {
                loc: results[i].loc.clone(),
                envoy: results[i].envoy.clone(),
                capability: results[i].capability as u32,
                why,
            }),
        }
    }
    // In the order of every other finding (docs/semantics.md: order of findings).
    ignored.par_sort_by(|a, b| a.loc.cmp(&b.loc));
    fresh.par_sort_by_key(|&(ei, cap, _, _)| (ei, cap));
    // Latest fresh result per (envoy, capability); at the same instant a fail wins (the
    // last fail in input order, else the first pass).
    let mut fail_locations = BTreeMap::new();
    let mut checked_at = Vec::new();
    for same in fresh.chunk_by(|a, b| (a.0, a.1) == (b.0, b.1)) {
        let mut best = &same[0];
        for f in &same[1..] {
            if f.2 > best.2 || (f.2 == best.2 && results[f.3].status == TraitStatus::Fail) {
                best = f;
            }
        }
        let (ei, cap, at, i) = *best;
        let status = results[i].status;
        envoys[ei as usize].traits.push((cap, status));
        checked_at.push(((ei, cap), at));
        if status == TraitStatus::Fail {
            fail_locations.insert((ei, cap), results[i].loc.clone());
        }
    }
    (fail_locations, checked_at.into_iter().collect(), ignored)
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

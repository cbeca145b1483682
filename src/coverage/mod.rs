//! The coverage engine (docs/semantics.md): per envoy, per control, then per control over the
//! in-scope envoys. Pure: no I/O. Envoys with identical inputs (configcrates, waivers,
//! fresh Connwaer results) form one group and are computed once, on bitsets over the
//! framework's counted controls.

use crate::model::{ClaimSource, ControlIdx, Envoy, EnvoyIdx, FrameworkIdx, Model, TraitStatus};
use fixedbitset::FixedBitSet;
use jiff::Timestamp;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

mod contradicted;
mod inferred;
mod status;
pub use contradicted::{Contradiction, contradicted_claims};
pub use status::Status;

/// How many uncovered hostnames a control lists.
pub const UNCOVERED_ENVOYS_LIMIT: usize = 50;
/// How many contradicted (envoy, control) pairs are listed one by one.
pub const CONTRADICTED_LIMIT: usize = 100;

#[derive(Debug, Clone)]
pub struct ControlCoverage {
    pub control: ControlIdx,
    pub status: Status,
    pub envoys_covered: u64,
    /// In-scope envoys attested (an attesting evidence record, and not covered).
    pub envoys_attested: u64,
    pub envoys_waived: u64,
    pub envoys_uncovered: u64,
    /// In-scope envoys where a configcrate claims it but a fresh Connwaer check failed.
    pub envoys_contradicted: u64,
    /// Configcrates (indices, sorted by name) that claim it on at least one in-scope envoy.
    pub configcrates: Vec<u32>,
    /// Capabilities (indices) through which a configcrate claims it (`provides:`).
    pub capabilities: Vec<usize>,
    /// Capabilities (indices) whose fresh passing Connwaer check covers it on some envoy.
    pub connwaer: Vec<usize>,
    /// In-scope envoys covered only by a Connwaer pass (no configcrate claims it there).
    pub envoys_connwaer_only: u64,
    /// Evidence records (indices) that attest it on at least one in-scope envoy.
    pub evidence: Vec<u32>,
    /// In-scope envoys covered only through a mapping (`infer_from`).
    pub envoys_via_mapping: u64,
    /// The (mapping, pair) indices that cover it on at least one of those envoys.
    pub via_mapping: Vec<(u32, u32)>,
    /// Waivers (indices) that waive it on at least one in-scope envoy.
    pub waivers: Vec<u32>,
    /// In hostname order, at most [`UNCOVERED_ENVOYS_LIMIT`].
    pub uncovered_envoys: Vec<EnvoyIdx>,
    /// The oldest `last_converged` among the envoys that cover it: every attesting envoy
    /// converged at or after this instant.
    pub last_converged: Option<Timestamp>,
}

#[derive(Debug, Clone, Copy)]
pub struct EnvoyCoverage {
    pub envoy: EnvoyIdx,
    /// Its group in [`FrameworkCoverage::groups`].
    pub group: u32,
    pub covered: u32,
    pub attested: u32,
    pub waived: u32,
    pub uncovered: u32,
}

#[derive(Debug, Clone)]
pub struct FrameworkCoverage {
    pub framework: FrameworkIdx,
    pub scope: BTreeMap<String, String>,
    pub controls: Vec<ControlCoverage>,
    /// In-scope envoys, in hostname order.
    pub envoys: Vec<EnvoyCoverage>,
    /// The first [`CONTRADICTED_LIMIT`] (envoy, control position) pairs contradicted by
    /// a failing Connwaer check, in hostname order.
    pub contradicted: Vec<(EnvoyIdx, u32)>,
    pub contradicted_total: u64,
    /// The in-scope envoys grouped by identical inputs, in order of first member: the
    /// per-envoy, per-control status of every export reads it from here.
    pub groups: Vec<EnvoyGroup>,
    /// Counted controls that current applicability decisions remove from the count, in
    /// catalog order, each with the (first) decision's index in [`Model::decisions`].
    pub not_applicable: Vec<(ControlIdx, u32)>,
}

impl FrameworkCoverage {
    pub fn total(&self) -> u64 {
        self.controls.len() as u64
    }
    pub fn count(&self, s: Status) -> u64 {
        self.controls.iter().filter(|c| c.status == s).count() as u64
    }

    /// The group of an in-scope envoy.
    pub fn group(&self, envoy: &EnvoyCoverage) -> &EnvoyGroup {
        &self.groups[envoy.group as usize]
    }
}

type GroupKey<'a> = (&'a [u32], &'a [u32], &'a [(usize, TraitStatus)], &'a [u32]);

/// The envoys of `model` grouped by identical inputs, computed on first use.
pub fn input_groups(model: &Model) -> &crate::model::InputGroups {
    model.input_groups.get_or_init(|| {
        let mut index: foldhash::HashMap<GroupKey<'_>, u32> = Default::default();
        let mut count = 0u32;
        let group_of = model
            .envoys
            .iter()
            .map(|e| {
                let key = (
                    &e.configcrates[..],
                    &e.waivers[..],
                    e.traits.as_slice(),
                    e.evidence.as_slice(),
                );
                *index.entry(key).or_insert_with(|| {
                    count += 1;
                    count - 1
                })
            })
            .collect();
        crate::model::InputGroups {
            group_of,
            count: count as usize,
        }
    })
}

/// In-scope envoys with identical inputs (configcrates, waivers, fresh Connwaer results),
/// computed once. Each bitset is over the framework's counted controls, by position.
#[derive(Debug, Clone)]
pub struct EnvoyGroup {
    /// In hostname order.
    pub members: Vec<EnvoyIdx>,
    /// Claimed by a configcrate or passed by a fresh Connwaer check.
    pub covered: FixedBitSet,
    /// Attested by an attesting evidence record and not covered.
    pub attested: FixedBitSet,
    /// Waived by an active waiver and neither covered nor attested (covered > attested >
    /// waived).
    pub waived: FixedBitSet,
    pub uncovered: FixedBitSet,
    /// Claimed by a configcrate and failed by a fresh Connwaer check.
    pub contradicted: FixedBitSet,
    /// Covered through a Connwaer pass and not claimed by any configcrate.
    pub connwaer_only: FixedBitSet,
    /// Covered only through a mapping (part of `covered`).
    pub via_mapping: FixedBitSet,
    /// (position, mapping, pair) of the mapping pairs behind `via_mapping`.
    pub via_pairs: Vec<(usize, u32, u32)>,
    pub oldest_converged: Option<Timestamp>,
}

impl EnvoyGroup {
    /// The status of control position `p` on each member: covered, attested, waived or
    /// uncovered.
    pub fn status(&self, p: usize) -> Status {
        if self.covered.contains(p) {
            Status::Covered
        } else if self.attested.contains(p) {
            Status::Attested
        } else if self.waived.contains(p) {
            Status::Waived
        } else {
            Status::Uncovered
        }
    }
}

/// Whether an envoy is in a framework's scope (every scope label equal). Declared mode
/// ignores scope.
pub fn in_scope(model: &Model, envoy: &Envoy, scope: &BTreeMap<String, String>) -> bool {
    model.mode == crate::model::Mode::Declared
        || scope.iter().all(|(k, v)| envoy.labels.get(k) == Some(v))
}

/// Where each control of a framework sits among its counted controls (the positions of
/// [`FrameworkCoverage::controls`] and of every per-control bitset).
pub struct Positions {
    base: usize,
    pos_of: Vec<u32>,
    n: usize,
}

impl Positions {
    /// The positions of `counted` (controls of the base framework `base`, in order).
    pub fn new(cat: &crate::catalog::Catalog, base: usize, counted: &[u32]) -> Positions {
        let mut pos_of = vec![u32::MAX; cat.frameworks[base].controls.len()];
        for (p, &c) in counted.iter().enumerate() {
            pos_of[c as usize] = p as u32;
        }
        Positions {
            base,
            pos_of,
            n: counted.len(),
        }
    }

    /// The positions of a computed framework's controls.
    pub fn of(cat: &crate::catalog::Catalog, cov: &FrameworkCoverage) -> Positions {
        let counted: Vec<u32> = cov.controls.iter().map(|c| c.control.0).collect();
        Positions::new(cat, cat.frameworks[cov.framework].base, &counted)
    }

    /// The position of (base framework, control), if the framework counts it.
    pub fn get(&self, framework: usize, control: u32) -> Option<usize> {
        let p = *self.pos_of.get(control as usize)?;
        (framework == self.base && p != u32::MAX).then_some(p as usize)
    }

    /// The bitset of the counted controls among `pairs`.
    pub fn bits(&self, pairs: &mut dyn Iterator<Item = (usize, u32)>) -> FixedBitSet {
        let mut b = FixedBitSet::with_capacity(self.n);
        for (f, c) in pairs {
            if let Some(p) = self.get(f, c) {
                b.insert(p);
            }
        }
        b
    }
}

pub fn compute(
    model: &Model,
    fw: FrameworkIdx,
    scope: &BTreeMap<String, String>,
) -> FrameworkCoverage {
    let cat = &model.catalog;
    let base = cat.frameworks[fw].base;
    // Controls an applicability decision removes are listed, never counted.
    let decided = model.not_applicable(base);
    let (not_applicable, counted): (Vec<u32>, Vec<u32>) = cat.frameworks[fw]
        .counted
        .iter()
        .partition(|c| decided.contains_key(c));
    let not_applicable = not_applicable
        .into_iter()
        .map(|c| (ControlIdx(c), decided[&c]))
        .collect();
    let positions = Positions::new(cat, base, &counted);
    let n = counted.len();
    let bits_for = |pairs: &mut dyn Iterator<Item = (usize, u32)>| positions.bits(pairs);
    let crate_bits: Vec<FixedBitSet> = model
        .configcrates
        .par_iter()
        .map(|c| bits_for(&mut c.claims.iter().map(|cl| (cl.framework, cl.control))))
        .collect();
    let cap_bits: Vec<FixedBitSet> = cat
        .capabilities
        .iter()
        .map(|c| bits_for(&mut c.controls.iter().copied()))
        .collect();
    let evidence_bits: Vec<FixedBitSet> = model
        .evidence
        .iter()
        .map(|r| bits_for(&mut r.controls.iter().map(|c| (c.framework, c.control))))
        .collect();
    let class_bits: Vec<FixedBitSet> = model
        .evidence_classes
        .iter()
        .map(|class| {
            let mut b = FixedBitSet::with_capacity(n);
            for &r in &class.records {
                b.union_with(&evidence_bits[r as usize]);
            }
            b
        })
        .collect();
    let waiver_bits: Vec<FixedBitSet> = model
        .waivers
        .iter()
        .map(|w| bits_for(&mut w.controls.iter().map(|c| (c.framework, c.control))))
        .collect();

    let inference = inferred::Inference::new(model, fw.0, &positions, n);

    // Group in-scope envoys by identical inputs; groups in order of first member.
    let scoped: Vec<EnvoyIdx> = (0..model.envoys.len() as u32)
        .map(EnvoyIdx)
        .filter(|&i| in_scope(model, &model.envoys[i], scope))
        .collect();
    // The fleet's input groups are computed once per model; a framework's groups are
    // those with a member in scope, in order of first member in scope.
    let fleet = input_groups(model);
    let mut local = vec![u32::MAX; fleet.count];
    let mut members: Vec<Vec<EnvoyIdx>> = Vec::new();
    let mut group_of = vec![u32::MAX; model.envoys.len()];
    for &ei in &scoped {
        let shared = fleet.group_of[ei.0 as usize] as usize;
        if local[shared] == u32::MAX {
            local[shared] = members.len() as u32;
            members.push(Vec::new());
        }
        let g = local[shared];
        members[g as usize].push(ei);
        group_of[ei.0 as usize] = g;
    }
    let all = {
        let mut b = FixedBitSet::with_capacity(n);
        b.insert_range(..);
        b
    };
    // Each distinct waiver list once (the loader gives lists alike one allocation, so a
    // list is known by its address): the waivers in it that waive a control here, and the
    // union of their controls. Thousands of waivers over tens of thousands of groups would
    // otherwise cost their product.
    let mut list_index: foldhash::HashMap<*const u32, u32> = Default::default();
    let mut lists: Vec<&[u32]> = Vec::new();
    let group_list: Vec<u32> = members
        .iter()
        .map(|m| {
            let w = &model.envoys[m[0]].waivers;
            *list_index.entry(w.as_ptr()).or_insert_with(|| {
                lists.push(w);
                lists.len() as u32 - 1
            })
        })
        .collect();
    let (list_waivers, list_bits): (Vec<Vec<u32>>, Vec<FixedBitSet>) = lists
        .par_iter()
        .map(|list| {
            let relevant: Vec<u32> = list
                .iter()
                .copied()
                .filter(|&w| !waiver_bits[w as usize].is_clear())
                .collect();
            let mut bits = FixedBitSet::with_capacity(n);
            for &w in &relevant {
                bits.union_with(&waiver_bits[w as usize]);
            }
            (relevant, bits)
        })
        .unzip();
    let groups: Vec<EnvoyGroup> = members
        .into_par_iter()
        .zip(&group_list)
        .map(|(members, &list)| {
            let e = &model.envoys[members[0]];
            let mut claimed = FixedBitSet::with_capacity(n);
            for &c in e.configcrates.iter() {
                claimed.union_with(&crate_bits[c as usize]);
            }
            let mut covered = claimed.clone();
            let mut passed = FixedBitSet::with_capacity(n);
            let mut failed = FixedBitSet::with_capacity(n);
            for &(cap, status) in &e.traits {
                match status {
                    TraitStatus::Pass => passed.union_with(&cap_bits[cap]),
                    TraitStatus::Fail => failed.union_with(&cap_bits[cap]),
                }
            }
            covered.union_with(&passed);
            let mut connwaer_only = passed;
            connwaer_only.difference_with(&claimed);
            let (via_mapping, via_pairs) = match &inference {
                Some(inf) => {
                    let (mut via, fired) = inf.covered(e);
                    via.difference_with(&covered);
                    covered.union_with(&via);
                    let fired = fired.into_iter().filter(|f| via.contains(f.0)).collect();
                    (via, fired)
                }
                None => (FixedBitSet::with_capacity(n), Vec::new()),
            };
            let mut attested = FixedBitSet::with_capacity(n);
            for &c in &e.evidence {
                attested.union_with(&class_bits[c as usize]);
            }
            attested.difference_with(&covered);
            let mut waived = list_bits[list as usize].clone();
            waived.difference_with(&covered);
            waived.difference_with(&attested);
            let mut uncovered = all.clone();
            uncovered.difference_with(&covered);
            uncovered.difference_with(&attested);
            uncovered.difference_with(&waived);
            let mut contradicted = claimed;
            contradicted.intersect_with(&failed);
            let oldest_converged = members
                .iter()
                .filter_map(|&m| model.envoys[m].last_converged)
                .min();
            EnvoyGroup {
                oldest_converged,
                connwaer_only,
                via_mapping,
                via_pairs,
                members,
                covered,
                attested,
                waived,
                uncovered,
                contradicted,
            }
        })
        .collect();

    // Per-control counts and oldest convergence, folded in parallel and reduced in order.
    #[derive(Clone)]
    struct Acc {
        covered: Vec<u64>,
        attested: Vec<u64>,
        waived: Vec<u64>,
        contradicted: Vec<u64>,
        connwaer_only: Vec<u64>,
        via_mapping: Vec<u64>,
        oldest: Vec<Option<Timestamp>>,
    }
    let empty = Acc {
        covered: vec![0; n],
        attested: vec![0; n],
        waived: vec![0; n],
        contradicted: vec![0; n],
        connwaer_only: vec![0; n],
        via_mapping: vec![0; n],
        oldest: vec![None; n],
    };
    let acc = groups
        .par_iter()
        .fold(
            || empty.clone(),
            |mut acc, g| {
                let size = g.members.len() as u64;
                for p in g.covered.ones() {
                    acc.covered[p] += size;
                    acc.oldest[p] = min_opt(acc.oldest[p], g.oldest_converged);
                }
                for p in g.attested.ones() {
                    acc.attested[p] += size;
                }
                for p in g.waived.ones() {
                    acc.waived[p] += size;
                }
                for p in g.contradicted.ones() {
                    acc.contradicted[p] += size;
                }
                for p in g.connwaer_only.ones() {
                    acc.connwaer_only[p] += size;
                }
                for p in g.via_mapping.ones() {
                    acc.via_mapping[p] += size;
                }
                acc
            },
        )
        .reduce(
            || empty.clone(),
            |mut a, b| {
                for p in 0..n {
                    a.covered[p] += b.covered[p];
                    a.attested[p] += b.attested[p];
                    a.waived[p] += b.waived[p];
                    a.contradicted[p] += b.contradicted[p];
                    a.connwaer_only[p] += b.connwaer_only[p];
                    a.via_mapping[p] += b.via_mapping[p];
                    a.oldest[p] = min_opt(a.oldest[p], b.oldest[p]);
                }
                a
            },
        );

    // Attribution: which configcrates, capabilities and waivers stand behind each control.
    let mut crates_used = FixedBitSet::with_capacity(model.configcrates.len());
    let mut passes_used: BTreeSet<usize> = BTreeSet::new();
    let mut waivers_used: Vec<BTreeSet<u32>> = vec![BTreeSet::new(); n];
    let mut evidence_used: Vec<BTreeSet<u32>> = vec![BTreeSet::new(); n];
    let mut pairs_used: Vec<BTreeSet<(u32, u32)>> = vec![BTreeSet::new(); n];
    // A record stands behind a control where some group holding its class has the control
    // attested: the union of those groups' `attested` per class, then one intersection
    // per record (not one per record and group, which grows with groups × records).
    let mut attested_by_class: Vec<Option<FixedBitSet>> = vec![None; model.evidence_classes.len()];
    // Likewise a waiver stands behind a control where some group with its list has the
    // control waived: the union of those groups' `waived` per list.
    let mut waived_by_list: Vec<FixedBitSet> = vec![FixedBitSet::with_capacity(n); lists.len()];
    for (g, &list) in groups.iter().zip(&group_list) {
        waived_by_list[list as usize].union_with(&g.waived);
        for &(p, m, pair) in &g.via_pairs {
            pairs_used[p].insert((m, pair));
        }
        let e = &model.envoys[g.members[0]];
        for &c in e.configcrates.iter() {
            crates_used.insert(c as usize);
        }
        for &(cap, s) in &e.traits {
            if s == TraitStatus::Pass {
                passes_used.insert(cap);
            }
        }
        if g.attested.is_clear() {
            continue;
        }
        for &class in &e.evidence {
            attested_by_class[class as usize]
                .get_or_insert_with(|| FixedBitSet::with_capacity(n))
                .union_with(&g.attested);
        }
    }
    let mut hits = FixedBitSet::with_capacity(n);
    for (waivers, waived) in list_waivers.iter().zip(&waived_by_list) {
        if waived.is_clear() {
            continue;
        }
        for &w in waivers {
            hits.clone_from(&waiver_bits[w as usize]);
            hits.intersect_with(waived);
            for p in hits.ones() {
                waivers_used[p].insert(w);
            }
        }
    }
    for (class, attested) in model.evidence_classes.iter().zip(&attested_by_class) {
        let Some(attested) = attested else { continue };
        for &r in &class.records {
            for p in evidence_bits[r as usize].intersection(attested) {
                evidence_used[p].insert(r);
            }
        }
    }
    let mut crates_of: Vec<Vec<u32>> = vec![Vec::new(); n];
    let mut caps_of: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); n];
    let mut connwaer_of: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); n];
    for c in crates_used.ones() {
        for p in crate_bits[c].ones() {
            crates_of[p].push(c as u32);
        }
        for cl in &model.configcrates[c].claims {
            if let ClaimSource::Provides(cap) = cl.source
                && let Some(p) = positions.get(cl.framework, cl.control)
            {
                caps_of[p].insert(cap);
            }
        }
    }
    for &cap in &passes_used {
        for p in cap_bits[cap].ones() {
            connwaer_of[p].insert(cap);
        }
    }

    // The first uncovered hostnames of each control (envoys are in hostname order).
    let mut uncovered_envoys: Vec<Vec<EnvoyIdx>> = vec![Vec::new(); n];
    let mut need = all.clone();
    // Word by word (fixedbitset's `intersection` tests the other set bit by bit).
    let mut hits = FixedBitSet::with_capacity(n);
    for &ei in &scoped {
        if need.is_clear() {
            break;
        }
        let g = &groups[group_of[ei.0 as usize] as usize];
        hits.clone_from(&g.uncovered);
        hits.intersect_with(&need);
        for p in hits.ones() {
            uncovered_envoys[p].push(ei);
            if uncovered_envoys[p].len() == UNCOVERED_ENVOYS_LIMIT {
                need.remove(p);
            }
        }
    }

    let in_scope_count = scoped.len() as u64;
    let controls = (0..n)
        .map(|p| {
            let covered = acc.covered[p];
            let attested = acc.attested[p];
            let waived = acc.waived[p];
            ControlCoverage {
                control: ControlIdx(counted[p]),
                status: Status::from_counts(covered, attested, waived, in_scope_count),
                envoys_covered: covered,
                envoys_attested: attested,
                envoys_waived: waived,
                envoys_uncovered: in_scope_count - covered - attested - waived,
                envoys_contradicted: acc.contradicted[p],
                configcrates: std::mem::take(&mut crates_of[p]),
                capabilities: caps_of[p].iter().copied().collect(),
                connwaer: connwaer_of[p].iter().copied().collect(),
                envoys_connwaer_only: acc.connwaer_only[p],
                evidence: evidence_used[p].iter().copied().collect(),
                envoys_via_mapping: acc.via_mapping[p],
                via_mapping: pairs_used[p].iter().copied().collect(),
                waivers: waivers_used[p].iter().copied().collect(),
                uncovered_envoys: std::mem::take(&mut uncovered_envoys[p]),
                last_converged: acc.oldest[p],
            }
        })
        .collect();

    // Each group's counts once, copied to its members.
    let counts: Vec<[u32; 4]> = groups
        .iter()
        .map(|g| {
            [&g.covered, &g.attested, &g.waived, &g.uncovered].map(|b| b.count_ones(..) as u32)
        })
        .collect();
    let envoys = scoped
        .iter()
        .map(|&ei| {
            let group = group_of[ei.0 as usize];
            let [covered, attested, waived, uncovered] = counts[group as usize];
            EnvoyCoverage {
                envoy: ei,
                group,
                covered,
                attested,
                waived,
                uncovered,
            }
        })
        .collect();
    // The first contradicted (envoy, control) pairs in hostname order, and how many in all.
    let contradicted_total: u64 = acc.contradicted.iter().sum();
    let mut contradicted = Vec::new();
    for &ei in &scoped {
        if contradicted.len() >= CONTRADICTED_LIMIT {
            break;
        }
        let g = &groups[group_of[ei.0 as usize] as usize];
        for p in g
            .contradicted
            .ones()
            .take(CONTRADICTED_LIMIT - contradicted.len())
        {
            contradicted.push((ei, p as u32));
        }
    }
    FrameworkCoverage {
        framework: fw,
        scope: scope.clone(),
        controls,
        envoys,
        contradicted,
        contradicted_total,
        groups,
        not_applicable,
    }
}

fn min_opt(a: Option<Timestamp>, b: Option<Timestamp>) -> Option<Timestamp> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

/// 100 × num / den rounded to 2 decimals, half away from zero, in exact integer arithmetic.
/// Returns hundredths of a percent (e.g. 8333 for 83.33 %). A zero denominator gives 0.
pub fn pct_hundredths(num: u128, den: u128) -> u64 {
    if den == 0 {
        return 0;
    }
    let scaled = num * 10_000;
    ((scaled * 2 + den) / (2 * den)) as u64
}

/// A percentage for JSON output, from hundredths.
pub fn pct(num: u128, den: u128) -> f64 {
    pct_hundredths(num, den) as f64 / 100.0
}

#[cfg(test)]
mod tests;

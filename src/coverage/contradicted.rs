//! Contradicted claims, the one computation: a configcrate of an envoy claims a control
//! that a fresh failing Connwaer check of a mapped capability disproves. The report lists
//! them per control (in scope), `check` per failing check (every envoy); both read this.

use crate::model::{ControlIdx, EnvoyIdx, FrameworkIdx, Model, TraitStatus};
use std::collections::HashSet;

/// One contradicted claim on one envoy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Contradiction {
    /// The failing capability (index into the catalog's capabilities).
    pub capability: usize,
    /// The claimed control: its base framework and its index there.
    pub framework: FrameworkIdx,
    pub control: ControlIdx,
}

/// The contradicted claims of envoy `envoy`, by failing capability (in the envoy's trait
/// order), then in the order of the capability's mapped controls.
pub fn contradicted_claims(model: &Model, envoy: EnvoyIdx) -> Vec<Contradiction> {
    let cat = &model.catalog;
    let e = &model.envoys[envoy];
    let mut failing = e
        .traits
        .iter()
        .filter(|(_, s)| *s == TraitStatus::Fail)
        .map(|&(cap, _)| cap)
        .peekable();
    if failing.peek().is_none() {
        return Vec::new();
    }
    let claimed: HashSet<(usize, u32)> = e
        .configcrates
        .iter()
        .flat_map(|&c| model.configcrates[c as usize].claims.iter())
        .map(|cl| (cl.framework, cl.control))
        .collect();
    failing
        .flat_map(|cap| {
            cat.capabilities[cap]
                .controls
                .iter()
                .filter(|fc| claimed.contains(fc))
                .map(move |&(framework, control)| Contradiction {
                    capability: cap,
                    framework: FrameworkIdx(framework),
                    control: ControlIdx(control),
                })
        })
        .collect()
}

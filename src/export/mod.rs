//! Exports for the rest of the ecosystem (SPEC §6.3): OSCAL assessment results, SIEM
//! JSON Lines, CMDB JSON and GRC evidence payloads, plus pushing those payloads to an
//! endpoint. Every export is built from the same coverage result and report model as
//! `compliance report`, so its numbers are the report's numbers.

pub mod cmdb;
pub mod grc;
pub mod oscal;
pub mod push;
pub mod siem;

use crate::coverage::{self, FrameworkCoverage, Status};
use crate::model::{Model, TraitStatus};
use crate::report::Report;
use fixedbitset::FixedBitSet;
use std::collections::HashMap;

/// One framework's coverage and report.
pub struct Assessed {
    pub fw: usize,
    pub cov: FrameworkCoverage,
    pub report: Report,
}

/// The namespace of every UUID vigocli derives (UUIDv5 of `urn:vigocli:export`), so that the
/// same inputs and `as_of` always give the same identifiers.
fn namespace() -> uuid::Uuid {
    uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, b"urn:vigocli:export")
}

/// A deterministic UUIDv5 from the parts (joined with a separator that cannot occur in them).
pub fn uuid5(parts: &[&str]) -> String {
    uuid::Uuid::new_v5(&namespace(), parts.join("\u{1f}").as_bytes()).to_string()
}

/// Per-envoy, per-control status of one framework, computed once per group of envoys with
/// identical inputs (configcrates, waivers, fresh Connwaer results), as the engine does
/// (SPEC §4.2). A test checks that the per-envoy counts add up to the report's.
pub struct EnvoyMatrix {
    group_of: HashMap<u32, u32>,
    covered: Vec<FixedBitSet>,
    waived: Vec<FixedBitSet>,
}

impl EnvoyMatrix {
    pub fn new(model: &Model, cov: &FrameworkCoverage) -> EnvoyMatrix {
        let cat = &model.catalog;
        let n = cov.controls.len();
        let positions = crate::coverage::Positions::new(cat, cov.framework);
        let bits = |pairs: &mut dyn Iterator<Item = (usize, u32)>| positions.bits(pairs);
        type Key<'a> = (&'a [u32], &'a [u32], &'a [(usize, TraitStatus)]);
        let mut index: HashMap<Key<'_>, u32> = HashMap::new();
        let mut group_of = HashMap::new();
        let mut covered = Vec::new();
        let mut waived = Vec::new();
        for e in &cov.envoys {
            let envoy = &model.envoys[e.envoy as usize];
            let key = (
                envoy.configcrates.as_slice(),
                envoy.waivers.as_slice(),
                envoy.traits.as_slice(),
            );
            let g = *index.entry(key).or_insert_with(|| {
                let mut c = FixedBitSet::with_capacity(n);
                for &ci in &envoy.configcrates {
                    let crate_ = &model.configcrates[ci as usize];
                    c.union_with(&bits(
                        &mut crate_.claims.iter().map(|cl| (cl.framework, cl.control)),
                    ));
                }
                for &(cap, s) in &envoy.traits {
                    if s == TraitStatus::Pass {
                        c.union_with(&bits(&mut cat.capabilities[cap].controls.iter().copied()));
                    }
                }
                let mut w = FixedBitSet::with_capacity(n);
                for &wi in &envoy.waivers {
                    let waiver = &model.waivers[wi as usize];
                    w.union_with(&bits(
                        &mut waiver.controls.iter().map(|c| (c.framework, c.control)),
                    ));
                }
                w.difference_with(&c);
                covered.push(c);
                waived.push(w);
                (covered.len() - 1) as u32
            });
            group_of.insert(e.envoy, g);
        }
        EnvoyMatrix {
            group_of,
            covered,
            waived,
        }
    }

    /// Status of control position `p` on envoy `envoy` (an in-scope envoy index).
    pub fn status(&self, envoy: u32, p: usize) -> Status {
        let Some(&g) = self.group_of.get(&envoy) else {
            return Status::Uncovered;
        };
        if self.covered[g as usize].contains(p) {
            Status::Covered
        } else if self.waived[g as usize].contains(p) {
            Status::Waived
        } else {
            Status::Uncovered
        }
    }
}

/// Coverage and report of each framework, in the order given.
pub fn assess(model: &Model, frameworks: &[usize]) -> Vec<Assessed> {
    frameworks
        .iter()
        .map(|&fw| {
            let cov = coverage::compute(model, fw, model.scope(fw));
            let report = crate::report::build(model, &cov);
            Assessed { fw, cov, report }
        })
        .collect()
}

/// Escapes the characters that Markdown renderers would treat as HTML, for OSCAL markup
/// fields: entities render as the same text, but no tag from an input file survives.
/// Line breaks and other control characters become spaces, so the text also fits OSCAL's
/// one-line markup (titles).
pub fn markup(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    for ch in one_line(text).chars() {
        match ch {
            '<' => s.push_str("&lt;"),
            '>' => s.push_str("&gt;"),
            '&' => s.push_str("&amp;"),
            c => s.push(c),
        }
    }
    s
}

/// Whitespace runs (line breaks and control characters included) collapsed to one space
/// and trimmed: OSCAL strings may not start or end with whitespace, nor hold line breaks.
/// An empty result is `(empty)`, since OSCAL strings may not be empty either.
pub fn one_line(text: &str) -> String {
    let s = text
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if s.is_empty() { "(empty)".into() } else { s }
}

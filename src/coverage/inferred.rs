//! Coverage through mappings (docs/catalogs.md#mappings): a target control is covered on an
//! envoy when every source control of an `equal` or `subset-of` pair is covered there by
//! configuration (claims or fresh Connwaer passes) — never by evidence or waivers, and
//! never through a second mapping.

use super::Positions;
use crate::model::{Envoy, Model, TraitStatus};
use fixedbitset::FixedBitSet;

/// One source framework's claims as bitsets over all its controls (catalog indices).
struct Source {
    framework: usize,
    crate_bits: Vec<FixedBitSet>,
    cap_bits: Vec<FixedBitSet>,
}

/// A pair that can prove a counted control of the target.
struct Usable {
    position: usize,
    source: usize,
    from: Vec<usize>,
    mapping: u32,
    pair: u32,
}

/// The mappings a framework opted into, ready to apply per envoy group.
pub(super) struct Inference {
    sources: Vec<Source>,
    pairs: Vec<Usable>,
    n: usize,
}

impl Inference {
    /// None when the framework infers nothing.
    pub(super) fn new(
        model: &Model,
        fw: usize,
        positions: &Positions,
        n: usize,
    ) -> Option<Inference> {
        let mappings = model.inferred.get(fw)?;
        if mappings.is_empty() {
            return None;
        }
        let cat = &model.catalog;
        let base = cat.frameworks[fw].base;
        let mut sources: Vec<Source> = Vec::new();
        let mut pairs = Vec::new();
        for &mi in mappings {
            let m = &cat.mappings[mi as usize];
            let source = match sources.iter().position(|s| s.framework == m.from) {
                Some(s) => s,
                None => {
                    let size = cat.frameworks[m.from].controls.len();
                    let bits = |pairs: &mut dyn Iterator<Item = (usize, u32)>| {
                        let mut b = FixedBitSet::with_capacity(size);
                        for (f, c) in pairs {
                            if f == m.from {
                                b.insert(c as usize);
                            }
                        }
                        b
                    };
                    sources.push(Source {
                        framework: m.from,
                        crate_bits: model
                            .configcrates
                            .iter()
                            .map(|c| {
                                bits(&mut c.claims.iter().map(|cl| (cl.framework, cl.control)))
                            })
                            .collect(),
                        cap_bits: cat
                            .capabilities
                            .iter()
                            .map(|c| bits(&mut c.controls.iter().copied()))
                            .collect(),
                    });
                    sources.len() - 1
                }
            };
            for (pi, p) in m.pairs.iter().enumerate() {
                if !p.relationship.proves() {
                    continue;
                }
                if let Some(position) = positions.get(base, p.to) {
                    pairs.push(Usable {
                        position,
                        source,
                        from: p.from.iter().map(|&c| c as usize).collect(),
                        mapping: mi,
                        pair: pi as u32,
                    });
                }
            }
        }
        Some(Inference { sources, pairs, n })
    }

    /// The counted controls that mappings cover on envoys with `e`'s inputs, and the
    /// (mapping, pair) behind each, in the order of the pairs.
    pub(super) fn covered(&self, e: &Envoy) -> (FixedBitSet, Vec<(usize, u32, u32)>) {
        let covered: Vec<FixedBitSet> = self
            .sources
            .iter()
            .map(|s| {
                let mut b = FixedBitSet::with_capacity(s.crate_bits.first().map_or(0, |x| x.len()));
                for &c in e.configcrates.iter() {
                    b.union_with(&s.crate_bits[c as usize]);
                }
                for &(cap, status) in &e.traits {
                    if status == TraitStatus::Pass {
                        b.union_with(&s.cap_bits[cap]);
                    }
                }
                b
            })
            .collect();
        let mut via = FixedBitSet::with_capacity(self.n);
        let mut fired = Vec::new();
        for p in &self.pairs {
            let have = &covered[p.source];
            if p.from.iter().all(|&c| have.contains(c)) {
                via.insert(p.position);
                fired.push((p.position, p.mapping, p.pair));
            }
        }
        (via, fired)
    }
}

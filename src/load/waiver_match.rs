//! Which waivers apply to which envoy, at fleet scale: every distinct `envoys:` glob is
//! compiled once into one set, matched once per hostname, and envoys that match the same
//! globs from the same envoy block with the same labels share one computed list. The cost
//! grows with waivers + envoys (+ the lists themselves), not their product.

use super::waivers::WaiverFilter;
use crate::model::{Envoy, Mode, Waiver, WaiverState};
use globset::{Candidate, GlobSet};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

/// One set of globs, or, when the set could not be built, its globs one by one.
type Matcher = Result<Arc<GlobSet>, Vec<globset::GlobMatcher>>;

/// Globs per automaton (see [`applies`]): measured on 100,000 envoys with 10,000 mixed
/// waivers (docs/benchmarks.md), 64 was fastest (16: 3.6 s, 64: 2.8 s, 256: 3.1 s, 1,024:
/// 6.2 s, all in one: 8.4 s).
const GLOBS_PER_SET: usize = 64;

/// The ids of the waivers that apply to each envoy (same order as `envoys`), ascending.
pub(super) fn applies(
    envoys: &[Envoy],
    waivers: &[Waiver],
    filters: &[WaiverFilter],
    mode: Mode,
    blocks_dir: &HashMap<&str, &Path>,
) -> Vec<Arc<[u32]>> {
    let live: Vec<u32> = (0..waivers.len() as u32)
        .filter(|&i| waivers[i as usize].state != WaiverState::Expired)
        .collect();
    if mode == Mode::Declared {
        let live: Arc<[u32]> = live.into();
        return envoys.iter().map(|_| live.clone()).collect();
    }
    // Distinct globs by their text (the same text compiles to the same glob).
    let mut distinct: Vec<&str> = Vec::new();
    let mut globs: Vec<globset::Glob> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut by_glob: Vec<Vec<u32>> = Vec::new();
    let mut unglobbed: Vec<u32> = Vec::new();
    for &i in &live {
        let (w, f) = (&waivers[i as usize], &filters[i as usize]);
        match (w.envoys_glob.as_deref(), &f.envoys) {
            (Some(text), Some(glob)) => {
                let g = *index.entry(text).or_insert_with(|| {
                    distinct.push(text);
                    globs.push(glob.clone());
                    by_glob.push(Vec::new());
                    distinct.len() - 1
                });
                by_glob[g].push(i);
            }
            _ => unglobbed.push(i),
        }
    }
    // The globs in sets of at most GLOBS_PER_SET: one automaton over thousands of patterns
    // that may overlap (character classes, alternatives, `**`) has so many states that its
    // lazily built DFA never stays in its cache, and matching degenerates to building it
    // again for every hostname; small sets stay cached. Every glob compiled alone already;
    // a set can only fail on a size limit, and then its globs are matched one by one:
    // slower, but no waiver is ever dropped.
    let sets: Vec<(usize, Matcher)> = globs
        .chunks(GLOBS_PER_SET)
        .enumerate()
        .map(|(k, chunk)| {
            let set = crate::memo::glob_set("waivers", chunk)
                .map_err(|_| chunk.iter().map(globset::Glob::compile_matcher).collect());
            (k * GLOBS_PER_SET, set)
        })
        .collect();
    let keys: Vec<Vec<usize>> = envoys
        .par_iter()
        .map_init(
            || (Vec::new(), Vec::new()),
            |(matched, hits), e| {
                if distinct.is_empty() {
                    return Vec::new();
                }
                let candidate = Candidate::new(e.hostname.as_ref());
                matched.clear();
                for (offset, set) in &sets {
                    match set {
                        Ok(set) => {
                            set.matches_candidate_into(&candidate, hits);
                            matched.extend(hits.iter().map(|g| offset + g));
                        }
                        Err(one_by_one) => matched.extend(
                            one_by_one
                                .iter()
                                .enumerate()
                                .filter(|(_, m)| m.is_match_candidate(&candidate))
                                .map(|(g, _)| offset + g),
                        ),
                    }
                }
                let mut ids = matched.clone();
                ids.sort_unstable();
                ids
            },
        )
        .collect();
    type Key<'a> = (&'a [usize], Option<&'a str>, &'a BTreeMap<String, String>);
    // One list per distinct (matched globs, envoy block, labels), shared by its envoys.
    let mut groups: HashMap<Key<'_>, Arc<[u32]>> = HashMap::new();
    let mut out = Vec::with_capacity(envoys.len());
    for (e, ids) in envoys.iter().zip(&keys) {
        let key: Key<'_> = (ids.as_slice(), e.matched.as_deref(), &e.labels);
        let list = groups.entry(key).or_insert_with(|| {
            let dir = e.matched.as_deref().and_then(|m| blocks_dir.get(m));
            let mut cands: Vec<u32> = unglobbed.clone();
            for &g in ids {
                cands.extend_from_slice(&by_glob[g]);
            }
            cands.sort_unstable();
            cands.retain(|&i| {
                let (w, f) = (&waivers[i as usize], &filters[i as usize]);
                let in_dir = f.scope_dir.as_os_str().is_empty()
                    || dir.is_some_and(|d| d.starts_with(&f.scope_dir));
                in_dir && w.labels.iter().all(|(k, v)| e.labels.get(k) == Some(v))
            });
            cands.into()
        });
        out.push(Arc::clone(list));
    }
    out
}

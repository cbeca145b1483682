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

/// The ids of the waivers that apply to each envoy (same order as `envoys`), ascending.
pub(super) fn applies(
    envoys: &[Envoy],
    waivers: &[Waiver],
    filters: &[WaiverFilter],
    mode: Mode,
    blocks_dir: &HashMap<&str, &Path>,
) -> Vec<Vec<u32>> {
    let live: Vec<u32> = (0..waivers.len() as u32)
        .filter(|&i| waivers[i as usize].state != WaiverState::Expired)
        .collect();
    if mode == Mode::Declared {
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
    // Every glob compiled alone already; a set of them can only fail on a size limit, and
    // then each glob is matched on its own: slower, but no waiver is ever dropped.
    let set: Option<std::sync::Arc<GlobSet>> = crate::memo::glob_set("waivers", &globs).ok();
    let fallback: Vec<globset::GlobMatcher> = match set {
        Some(_) => Vec::new(),
        None => globs.iter().map(globset::Glob::compile_matcher).collect(),
    };
    let keys: Vec<Vec<usize>> = envoys
        .par_iter()
        .map_init(Vec::new, |matched, e| {
            if distinct.is_empty() {
                return Vec::new();
            }
            let candidate = Candidate::new(e.hostname.as_ref());
            match &set {
                Some(set) => set.matches_candidate_into(&candidate, matched),
                None => {
                    matched.clear();
                    matched.extend(
                        fallback
                            .iter()
                            .enumerate()
                            .filter(|(_, m)| m.is_match_candidate(&candidate))
                            .map(|(g, _)| g),
                    );
                }
            }
            let mut ids = matched.clone();
            ids.sort_unstable();
            ids
        })
        .collect();
    type Key<'a> = (&'a [usize], Option<&'a str>, &'a BTreeMap<String, String>);
    let mut groups: HashMap<Key<'_>, Vec<u32>> = HashMap::new();
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
            cands
        });
        out.push(list.clone());
    }
    out
}

//! Which waivers apply to which envoy, at fleet scale: every distinct `envoys:` glob is
//! compiled once into one matcher (`host_globs`), matched once per hostname, and envoys
//! that match the same globs from the same envoy block with the same labels share one
//! computed list. The cost grows with waivers + envoys (+ the lists themselves), not their
//! product.

use super::host_globs::{HostGlobs, Scratch};
use super::waivers::WaiverFilter;
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::model::{Envoy, Mode, Waiver, WaiverState};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

/// The ids of the waivers that apply to each envoy (same order as `envoys`), ascending.
pub(super) fn applies(
    envoys: &[Envoy],
    waivers: &[Waiver],
    filters: &[WaiverFilter],
    mode: Mode,
    blocks_dir: &HashMap<&str, &Path>,
    diags: &mut Diagnostics,
) -> Vec<Arc<[u32]>> {
    let live: Vec<u32> = (0..waivers.len() as u32)
        .filter(|&i| waivers[i as usize].state != WaiverState::Expired)
        .collect();
    if mode == Mode::Declared {
        let live: Arc<[u32]> = live.into();
        return envoys.iter().map(|_| live.clone()).collect();
    }
    // Distinct globs by their text (the same text compiles to the same glob).
    let mut globs: Vec<globset::Glob> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut by_glob: Vec<Vec<u32>> = Vec::new();
    let mut unglobbed: Vec<u32> = Vec::new();
    for &i in &live {
        let (w, f) = (&waivers[i as usize], &filters[i as usize]);
        match (w.envoys_glob.as_deref(), &f.envoys) {
            (Some(text), Some(glob)) => {
                let g = *index.entry(text).or_insert_with(|| {
                    globs.push(glob.clone());
                    by_glob.push(Vec::new());
                    globs.len() - 1
                });
                by_glob[g].push(i);
            }
            _ => unglobbed.push(i),
        }
    }
    // A glob too large to compile was reported when the waiver was read (`bad-glob`); if
    // the matcher still cannot be built, no glob-scoped waiver applies and that is an error.
    let matcher = match HostGlobs::new("waivers", &globs) {
        Ok(m) => m,
        Err((g, e)) => {
            let w = &waivers[by_glob[g][0] as usize];
            diags.push(
                Diagnostic::error(
                    Code::BadGlob,
                    format!("cannot build the hostname matcher: {e}"),
                )
                .at(w.loc.clone())
                .help("simplify the `envoys:` glob"),
            );
            HostGlobs::empty()
        }
    };
    let keys: Vec<Vec<u32>> = envoys
        .par_iter()
        .map_init(Scratch::default, |scratch, e| {
            matcher.matches_into(e.hostname.as_ref(), scratch);
            scratch.0.clone()
        })
        .collect();
    type Key<'a> = (&'a [u32], Option<&'a str>, &'a BTreeMap<String, String>);
    // One list per distinct (matched globs, envoy block, labels), shared by its envoys; and
    // lists alike share one allocation, so that one list is one pointer (the coverage
    // engine computes once per list).
    let mut groups: foldhash::HashMap<Key<'_>, Arc<[u32]>> = Default::default();
    let mut lists: foldhash::HashSet<Arc<[u32]>> = Default::default();
    let mut out = Vec::with_capacity(envoys.len());
    for (e, ids) in envoys.iter().zip(&keys) {
        let key: Key<'_> = (ids.as_slice(), e.matched.as_deref(), &e.labels);
        let list = groups.entry(key).or_insert_with(|| {
            let dir = e.matched.as_deref().and_then(|m| blocks_dir.get(m));
            let mut cands: Vec<u32> = unglobbed.clone();
            for &g in ids {
                cands.extend_from_slice(&by_glob[g as usize]);
            }
            cands.sort_unstable();
            cands.retain(|&i| {
                let (w, f) = (&waivers[i as usize], &filters[i as usize]);
                let in_dir = f.scope_dir.as_os_str().is_empty()
                    || dir.is_some_and(|d| d.starts_with(&f.scope_dir));
                in_dir && w.labels.iter().all(|(k, v)| e.labels.get(k) == Some(v))
            });
            match lists.get(cands.as_slice()) {
                Some(list) => Arc::clone(list),
                None => {
                    let list: Arc<[u32]> = cands.into();
                    lists.insert(Arc::clone(&list));
                    list
                }
            }
        });
        out.push(Arc::clone(list));
    }
    out
}

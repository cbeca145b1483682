//! Memoised work for a command that loads many versions of one repository in one process
//! (`trend --from-git`: one load per day, most files the same from one day to the next).
//! Off by default: a single load gains nothing from it and would keep what it parsed.
//! What is memoised depends only on its key (a file's text, a list of globs), never on where
//! or when it was read, so a memoised result is the result a fresh computation gives.

use globset::{Glob, GlobSet, GlobSetBuilder};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock, Mutex};

static ON: AtomicBool = AtomicBool::new(false);

/// Turns memoisation on for the rest of the process.
pub fn enable() {
    ON.store(true, Ordering::Relaxed);
}

pub fn enabled() -> bool {
    ON.load(Ordering::Relaxed)
}

type GlobKey = (&'static str, Vec<String>);
static GLOB_SETS: LazyLock<Mutex<HashMap<GlobKey, Arc<GlobSet>>>> = LazyLock::new(Default::default);

/// One matcher over `globs` (pattern i is `globs[i]`). With memoisation on, the same globs
/// built for the same `site` give the same shared matcher, whose lazily built automata stay
/// warm from one load to the next.
pub fn glob_set(site: &'static str, globs: &[Glob]) -> Result<Arc<GlobSet>, globset::Error> {
    let build = || {
        let mut b = GlobSetBuilder::new();
        for g in globs {
            b.add(g.clone());
        }
        b.build().map(Arc::new)
    };
    if !enabled() {
        return build();
    }
    let key = (site, globs.iter().map(|g| g.glob().to_string()).collect());
    if let Some(set) = GLOB_SETS.lock().ok().and_then(|m| m.get(&key).cloned()) {
        return Ok(set);
    }
    let set = build()?;
    if let Ok(mut m) = GLOB_SETS.lock() {
        m.insert(key, set.clone());
    }
    Ok(set)
}

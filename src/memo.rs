//! Memoised work for a command that loads many versions of one repository in one process
//! (`trend --from-git`: one load per day, most files the same from one day to the next):
//! parsed `.vgo` files (crate::yaml) and hostname matchers (crate::load's `host_globs`).
//! Off by default: a single load gains nothing from it and would keep what it parsed.
//! What is memoised depends only on its key (a file's text, a list of globs), never on where
//! or when it was read, so a memoised result is the result a fresh computation gives.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

static ON: AtomicBool = AtomicBool::new(false);

/// Turns memoisation on for the rest of the process.
pub fn enable() {
    ON.store(true, Ordering::Relaxed);
}

pub fn enabled() -> bool {
    ON.load(Ordering::Relaxed)
}

/// `map[key]`, made by `make` the first time (when `make` fails, nothing is kept). The lock
/// is not held while `make` runs: two threads may both make a value, and one is kept.
pub fn cached<Q, K, V, E>(
    map: &Mutex<HashMap<K, V>>,
    key: &Q,
    make: impl FnOnce() -> Result<V, E>,
) -> Result<V, E>
where
    Q: std::hash::Hash + Eq + ToOwned<Owned = K> + ?Sized,
    K: std::borrow::Borrow<Q> + std::hash::Hash + Eq,
    V: Clone,
{
    if let Some(v) = map.lock().ok().and_then(|m| m.get(key).cloned()) {
        return Ok(v);
    }
    let v = make()?;
    if let Ok(mut m) = map.lock() {
        m.insert(key.to_owned(), v.clone());
    }
    Ok(v)
}

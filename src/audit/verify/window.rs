//! The checks of the log window (chain, boundary, anchor and head) and of the series
//! (`--previous`).

use super::{Facts, Outcome, bundle};
use crate::audit::bundle::{Boundary, Statement};
use crate::audit::chain::{self, GENESIS, Hash, Verifier};
use jiff::Timestamp;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};

/// The longest audit-log line accepted inside a bundle.
const MAX_LINE: u64 = 16 * 1024 * 1024;

pub(super) struct Chained {
    pub(super) anchor: Hash,
    pub(super) head: Hash,
    pub(super) first_seq: u64,
    pub(super) count: u64,
    pub(super) first_ts: Option<Timestamp>,
    pub(super) last_ts: Option<Timestamp>,
    /// Chains of the entries at the seqs a caller asked for (a previous bundle's tail).
    pub(super) captured: BTreeMap<u64, Hash>,
    pub(super) detail: String,
}

/// Verifies the log window line by line as it streams through `r`. Reads `r` to its end
/// even after a fault, so the member is hashed whole; a read error ends it (the caller
/// reports the zip error).
pub(super) fn check_chain<R: Read>(
    r: &mut R,
    b: &Boundary,
    want: &[u64],
) -> Result<Chained, String> {
    let anchor = chain::parse_hex(&b.anchor)
        .ok_or_else(|| format!("{}: anchor is not a sha256 hex value", bundle::BOUNDARY))?;
    let mut reader = BufReader::new(r);
    let mut v = Verifier::new(anchor, b.first_seq);
    let mut captured = BTreeMap::new();
    let (mut first_ts, mut last_ts) = (None, None);
    let mut fault: Option<String> = None;
    let mut count = 0u64;
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let got = match (&mut reader).take(MAX_LINE + 1).read_until(b'\n', &mut buf) {
            Ok(n) => n,
            Err(_) => return Err("unreadable".into()),
        };
        if got == 0 {
            break;
        }
        count += 1;
        if fault.is_some() {
            continue;
        }
        let n = count;
        if buf.last() != Some(&b'\n') {
            fault = Some(if buf.len() as u64 > MAX_LINE {
                format!("{}:{n}: a line longer than {MAX_LINE} bytes", bundle::LOG)
            } else {
                format!("{}:{n}: last line has no newline", bundle::LOG)
            });
            continue;
        }
        buf.pop();
        let Ok(line) = std::str::from_utf8(&buf) else {
            fault = Some(format!("{}:{n}: not UTF-8", bundle::LOG));
            continue;
        };
        match v.push(line) {
            Ok(e) => {
                first_ts.get_or_insert(e.ts);
                last_ts = Some(e.ts);
                if want.contains(&e.seq) {
                    captured.insert(e.seq, e.chain);
                }
            }
            Err((seq, f)) => {
                let err = chain::ChainError {
                    origin: chain::Origin {
                        file: bundle::LOG.into(),
                        line: n as usize,
                    },
                    seq,
                    fault: f,
                };
                fault = Some(err.to_string());
            }
        }
    }
    if let Some(f) = fault {
        return Err(f);
    }
    // The entries around the window hold chains too.
    if let Some(before) = b
        .before
        .as_ref()
        .and_then(|e| chain::parse_line(&e.line).ok())
        && want.contains(&before.seq)
    {
        captured.entry(before.seq).or_insert(before.chain);
    }
    if let Some(after) = b.after.as_deref().and_then(|l| chain::parse_line(l).ok())
        && want.contains(&after.seq)
    {
        captured.entry(after.seq).or_insert(after.chain);
    }
    Ok(Chained {
        anchor,
        head: v.prev,
        first_seq: b.first_seq,
        count,
        first_ts,
        last_ts,
        captured,
        detail: if count == 0 {
            "the window holds no entries".into()
        } else {
            format!(
                "{} from the anchor (seq {}..{})",
                if count == 1 {
                    "1 entry links".to_string()
                } else {
                    format!("{count} entries link")
                },
                b.first_seq,
                b.first_seq + count - 1
            )
        },
    })
}

pub(super) fn parse_time(s: &Option<String>, what: &str) -> Result<Option<Timestamp>, String> {
    s.as_deref()
        .map(|t| {
            t.parse::<Timestamp>()
                .map_err(|_| format!("window {what} `{t}` is not a timestamp"))
        })
        .transpose()
}

pub(super) fn check_boundary(b: &Boundary, s: &Statement, c: &Chained) -> Result<String, String> {
    let since = parse_time(&s.predicate.window.since, "since")?;
    let until = parse_time(&s.predicate.window.until, "until")?;
    let ts = crate::report::timestamp;
    if let (Some(since), Some(first)) = (since, c.first_ts)
        && first < since
    {
        return Err(format!(
            "the first entry ({}) is before the window start {}",
            ts(first),
            ts(since)
        ));
    }
    if let (Some(until), Some(last)) = (until, c.last_ts)
        && last >= until
    {
        return Err(format!(
            "the last entry ({}) is not before the window end {}",
            ts(last),
            ts(until)
        ));
    }
    let mut notes = Vec::new();
    match &b.before {
        None => {
            if c.first_seq != 0 || c.anchor != GENESIS {
                return Err(
                    "no entry before the window is given, but the window does not start at the genesis (seq 0, zero anchor): the head of the log was cut off".into(),
                );
            }
            notes.push("window starts at the genesis".to_string());
        }
        Some(_) if since.is_none() => {
            return Err(
                "an entry before the window is given, but the window starts at the genesis".into(),
            );
        }
        Some(before) => {
            let e = chain::parse_line(&before.line)
                .map_err(|f| format!("the entry before the window: {}", f.what))?;
            let prev = chain::parse_hex(&before.previous_chain)
                .ok_or("the entry before the window: previous_chain is not sha256 hex")?;
            chain::check_link(&e, e.seq, &prev, None)
                .map_err(|f| format!("the entry before the window: {}", f.what))?;
            if e.chain != c.anchor {
                return Err(format!(
                    "the entry before the window (seq {}) has chain {}, but the anchor is {}: the anchor was altered",
                    e.seq,
                    chain::hex(&e.chain),
                    chain::hex(&c.anchor)
                ));
            }
            if e.seq + 1 != c.first_seq {
                return Err(format!(
                    "the entry before the window is seq {}, but the window starts at seq {}",
                    e.seq, c.first_seq
                ));
            }
            match since {
                Some(since) if e.ts >= since => {
                    return Err(format!(
                        "the entry before the window (seq {}, {}) lies inside the window: the window's first entries were cut off",
                        e.seq,
                        ts(e.ts)
                    ));
                }
                _ => {}
            }
            notes.push(format!("seq {} precedes the window", e.seq));
        }
    }
    let next = c.first_seq + c.count;
    match &b.after {
        None => notes.push(
            "the log ended inside the window: only an independent copy of the head proves nothing later was removed".into(),
        ),
        Some(line) => {
            let e = chain::parse_line(line)
                .map_err(|f| format!("the entry after the window: {}", f.what))?;
            chain::check_link(&e, next, &c.head, c.last_ts).map_err(|f| {
                format!(
                    "the entry after the window does not follow the head: {} (expected {}, found {}): entries at the end of the window were cut off or changed",
                    f.what,
                    f.expected.unwrap_or_default(),
                    f.found.unwrap_or_default()
                )
            })?;
            match until {
                Some(until) if e.ts < until => {
                    return Err(format!(
                        "the entry after the window (seq {}, {}) lies inside the window: the window's last entries were cut off",
                        e.seq,
                        ts(e.ts)
                    ));
                }
                None => {
                    return Err("an entry after the window is given, but the window is unbounded".into());
                }
                _ => {}
            }
            notes.push(format!("seq {} follows the window", e.seq));
        }
    }
    Ok(notes.join("; "))
}

pub(super) fn check_anchor_head(
    b: &Boundary,
    s: &Statement,
    c: &Chained,
) -> Result<String, String> {
    let log = &s.predicate.log;
    if log.format != bundle::LOG_FORMAT {
        return Err(format!(
            "log format `{}` is not `{}`",
            log.format,
            bundle::LOG_FORMAT
        ));
    }
    let head = chain::hex(&c.head);
    let pairs = [
        ("anchor", log.anchor.clone(), b.anchor.clone()),
        ("head", log.head.clone(), head.clone()),
        ("head (boundary.json)", b.head.clone(), head.clone()),
        (
            "first_seq",
            log.first_seq.to_string(),
            b.first_seq.to_string(),
        ),
        (
            "entry_count",
            log.entry_count.to_string(),
            c.count.to_string(),
        ),
        (
            "entry_count (boundary.json)",
            b.entry_count.to_string(),
            c.count.to_string(),
        ),
    ];
    for (what, claimed, found) in pairs {
        if claimed != found {
            return Err(format!(
                "manifest {what} is {claimed}, but the log gives {found}"
            ));
        }
    }
    Ok(format!("anchor {} head {head}", log.anchor))
}

pub(super) fn check_previous(
    outcome: &Outcome,
    old: Option<Facts>,
    s: &Statement,
    new: Option<&Facts>,
) -> Result<String, String> {
    if let Some(f) = outcome.first_failure() {
        return Err(format!(
            "the previous bundle does not verify: {}: {}",
            f.name, f.detail
        ));
    }
    let old = old.ok_or("the previous bundle does not verify")?;
    let Some(p) = &s.predicate.previous else {
        return Err("the manifest names no previous bundle".into());
    };
    if p.manifest.sha256 != old.manifest_sha256 {
        return Err(format!(
            "the manifest names previous manifest sha256 {}, the given bundle's is {}",
            p.manifest.sha256, old.manifest_sha256
        ));
    }
    if p.head != chain::hex(&old.head) || p.next_seq != old.next_seq {
        return Err(
            "the manifest's record of the previous head disagrees with the previous bundle".into(),
        );
    }
    let new = new.ok_or("the chain of this bundle does not verify")?;
    // Both chains verified on their own, so they agree on every shared entry exactly when
    // they agree on the highest shared one.
    let shared = match (
        old.first_known,
        old.last_known(),
        new.first_known,
        new.last_known(),
    ) {
        (Some(olo), Some(ohi), Some(nlo), Some(nhi)) if olo.max(nlo) <= ohi.min(nhi) => {
            Some((olo.max(nlo), ohi.min(nhi)))
        }
        _ => None,
    };
    if let Some((lo, hi)) = shared {
        match (old.tail.get(&hi), new.captured_at(hi)) {
            (Some(theirs), Some(mine)) if theirs != mine => {
                return Err(format!(
                    "seq {hi} has chain {} here but {} in the previous bundle: the log was rewritten between bundles",
                    chain::hex(mine),
                    chain::hex(theirs)
                ));
            }
            (Some(_), Some(_)) => {}
            _ => return Err(format!("seq {hi} is shared but its chain is not at hand")),
        }
        if new.next_seq < old.next_seq {
            return Err(format!(
                "this bundle ends at seq {} but the previous one already reached seq {}",
                new.next_seq, old.next_seq
            ));
        }
        let agreed = hi - lo + 1;
        return Ok(format!(
            "previous manifest {} matches; {agreed} shared entr{} agree",
            old.manifest_sha256,
            if agreed == 1 { "y" } else { "ies" }
        ));
    }
    if new.next_seq < old.next_seq {
        return Err(format!(
            "this bundle ends at seq {} but the previous one already reached seq {}",
            new.next_seq, old.next_seq
        ));
    }
    Ok(format!(
        "previous manifest {} matches; the bundles share no entry (gap before seq {}), so their link is not checkable",
        old.manifest_sha256,
        new.first_known.unwrap_or(new.next_seq)
    ))
}

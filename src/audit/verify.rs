//! `vigocli compliance verify`: every check of a bundle, offline and in memory.

use super::bundle::{self, Boundary, Statement};
use super::chain::{self, GENESIS, Hash, Verifier};
use super::{keys, zipread};
use ed25519_dalek::VerifyingKey;
use jiff::Timestamp;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Fail,
    Skip,
}

#[derive(Debug, Serialize)]
pub struct Check {
    pub name: &'static str,
    pub status: Status,
    pub detail: String,
}

#[derive(Debug, Serialize)]
pub struct Outcome {
    pub checks: Vec<Check>,
}

impl Outcome {
    pub fn ok(&self) -> bool {
        self.checks.iter().all(|c| c.status != Status::Fail)
    }
    pub fn first_failure(&self) -> Option<&Check> {
        self.checks.iter().find(|c| c.status == Status::Fail)
    }
    fn push(&mut self, name: &'static str, r: Result<String, String>) -> bool {
        let (status, detail) = match r {
            Ok(d) => (Status::Ok, d),
            Err(d) => (Status::Fail, d),
        };
        self.checks.push(Check {
            name,
            status,
            detail,
        });
        status == Status::Ok
    }
    fn skip(&mut self, name: &'static str, detail: impl Into<String>) {
        self.checks.push(Check {
            name,
            status: Status::Skip,
            detail: detail.into(),
        });
    }
}

/// What a verified bundle says about its log, for chaining the next bundle to it.
#[derive(Debug, Clone)]
pub struct Facts {
    pub manifest_sha256: String,
    pub head: Hash,
    pub next_seq: u64,
    /// seq → chain of every entry the bundle holds (window and boundary).
    pub chains: BTreeMap<u64, Hash>,
}

pub struct Options<'a> {
    pub key: Option<&'a VerifyingKey>,
    pub previous: Option<&'a [u8]>,
    pub max_entry: u64,
}

pub fn verify(zip: &[u8], opts: &Options) -> (Outcome, Option<Facts>) {
    let mut out = Outcome { checks: Vec::new() };
    let facts = run(zip, opts, &mut out);
    (out, facts)
}

fn run(zip: &[u8], opts: &Options, out: &mut Outcome) -> Option<Facts> {
    let members = match zipread::read_members(zip, opts.max_entry) {
        Ok(m) => {
            out.push(
                "zip-structure",
                Ok(format!(
                    "{} members; names safe, no duplicates, no links, sizes honest",
                    m.len()
                )),
            );
            m
        }
        Err(e) => {
            out.push("zip-structure", Err(e));
            return None;
        }
    };
    let statement = match parse_manifest(&members) {
        Ok(s) => {
            out.push(
                "manifest",
                Ok("in-toto Statement v1, audit-bundle predicate".into()),
            );
            s
        }
        Err(e) => {
            out.push("manifest", Err(e));
            return None;
        }
    };
    let manifest_bytes = members.get(bundle::MANIFEST).cloned().unwrap_or_default();
    out.push("subjects", check_subjects(&members, &statement));
    out.push("sha256sums", check_sums(&members));

    let boundary: Result<Boundary, String> = members
        .get(bundle::BOUNDARY)
        .ok_or_else(|| format!("{} is missing", bundle::BOUNDARY))
        .and_then(|b| serde_json::from_slice(b).map_err(|e| format!("{}: {e}", bundle::BOUNDARY)));
    let mut facts = None;
    match boundary {
        Err(e) => {
            out.push("chain", Err(e));
        }
        Ok(boundary) => {
            let chained = check_chain(&members, &boundary);
            let ok = out.push(
                "chain",
                chained
                    .as_ref()
                    .map(|c| c.detail.clone())
                    .map_err(Clone::clone),
            );
            if let Ok(c) = chained {
                out.push("boundary", check_boundary(&boundary, &statement, &c));
                out.push("anchor-head", check_anchor_head(&boundary, &statement, &c));
                if ok {
                    let mut chains = c.chains.clone();
                    let edges = boundary
                        .before
                        .iter()
                        .map(|b| b.line.as_str())
                        .chain(boundary.after.as_deref());
                    for line in edges {
                        if let Ok(e) = chain::parse_line(line) {
                            chains.entry(e.seq).or_insert(e.chain);
                        }
                    }
                    facts = Some(Facts {
                        manifest_sha256: bundle::sha256_hex(&manifest_bytes),
                        head: c.head,
                        next_seq: c.first_seq + c.count,
                        chains,
                    });
                }
            }
        }
    }
    out.push("report", check_report(&members, &statement));
    match (opts.key, members.get(bundle::SIGNATURE)) {
        (Some(key), Some(env)) => {
            out.push(
                "signature",
                keys::verify(env, &manifest_bytes, key)
                    .map(|()| format!("manifest signed by key {}", keys::key_id(key))),
            );
        }
        (Some(_), None) => {
            out.push(
                "signature",
                Err(format!("--key given but the bundle has no {}", bundle::SIGNATURE)),
            );
        }
        (None, Some(_)) => out.skip(
            "signature",
            "signed, but no --key given: pass the publisher's public key (never one from inside a bundle)",
        ),
        (None, None) => out.skip("signature", "unsigned bundle"),
    }
    match opts.previous {
        Some(old) => {
            out.push(
                "previous",
                check_previous(old, &statement, facts.as_ref(), opts.max_entry),
            );
        }
        None if statement.predicate.previous.is_some() => out.skip(
            "previous",
            "the bundle names a previous bundle; pass --previous OLD.zip to check continuity",
        ),
        None => out.skip("previous", "first bundle of its series"),
    }
    facts
}

fn parse_manifest(members: &BTreeMap<String, Vec<u8>>) -> Result<Statement, String> {
    let bytes = members
        .get(bundle::MANIFEST)
        .ok_or_else(|| format!("{} is missing", bundle::MANIFEST))?;
    let s: Statement = serde_json::from_slice(bytes)
        .map_err(|e| format!("{} does not parse: {e}", bundle::MANIFEST))?;
    if s.type_ != bundle::STATEMENT_TYPE {
        return Err(format!(
            "_type is `{}`, not `{}`",
            s.type_,
            bundle::STATEMENT_TYPE
        ));
    }
    if s.predicate_type != bundle::PREDICATE_TYPE {
        return Err(format!(
            "predicateType is `{}`, not `{}`",
            s.predicate_type,
            bundle::PREDICATE_TYPE
        ));
    }
    Ok(s)
}

fn unlisted(name: &str) -> bool {
    [bundle::MANIFEST, bundle::SIGNATURE, bundle::SUMS].contains(&name)
}

fn check_subjects(members: &BTreeMap<String, Vec<u8>>, s: &Statement) -> Result<String, String> {
    let mut listed = std::collections::HashSet::new();
    for sub in &s.subject {
        if !listed.insert(sub.name.as_str()) {
            return Err(format!("subject `{}` is listed twice", sub.name));
        }
        let Some(bytes) = members.get(&sub.name) else {
            return Err(format!("subject `{}` is missing from the zip", sub.name));
        };
        let found = bundle::sha256_hex(bytes);
        if found != sub.digest.sha256 {
            return Err(format!(
                "`{}` was changed: manifest sha256 {}, file sha256 {found}",
                sub.name, sub.digest.sha256
            ));
        }
    }
    for name in members.keys() {
        if !unlisted(name) && !listed.contains(name.as_str()) {
            return Err(format!(
                "`{name}` is in the zip but is not a subject of the manifest"
            ));
        }
    }
    for required in [bundle::REPORT, bundle::LOG, bundle::BOUNDARY] {
        if !listed.contains(required) {
            return Err(format!("`{required}` is not a subject"));
        }
    }
    Ok(format!("{} subjects match their sha256", s.subject.len()))
}

fn check_sums(members: &BTreeMap<String, Vec<u8>>) -> Result<String, String> {
    let bytes = members
        .get(bundle::SUMS)
        .ok_or_else(|| format!("{} is missing", bundle::SUMS))?;
    let text = std::str::from_utf8(bytes).map_err(|_| format!("{} is not UTF-8", bundle::SUMS))?;
    let mut listed = std::collections::HashSet::new();
    for (i, line) in text.lines().enumerate() {
        let (hash, name) = line
            .split_once("  ")
            .ok_or_else(|| format!("{}:{}: not `<sha256>  <name>`", bundle::SUMS, i + 1))?;
        let Some(file) = members.get(name) else {
            return Err(format!(
                "{}:{}: `{name}` is missing from the zip",
                bundle::SUMS,
                i + 1
            ));
        };
        let found = bundle::sha256_hex(file);
        if found != hash {
            return Err(format!(
                "{}:{}: `{name}` was changed: listed {hash}, file {found}",
                bundle::SUMS,
                i + 1
            ));
        }
        listed.insert(name);
    }
    for name in members.keys() {
        if name != bundle::SUMS && !listed.contains(name.as_str()) {
            return Err(format!(
                "`{name}` is in the zip but not in {}",
                bundle::SUMS
            ));
        }
    }
    Ok(format!("{} files match", listed.len()))
}

struct Chained {
    anchor: Hash,
    head: Hash,
    first_seq: u64,
    count: u64,
    first_ts: Option<Timestamp>,
    last_ts: Option<Timestamp>,
    chains: BTreeMap<u64, Hash>,
    detail: String,
}

fn check_chain(members: &BTreeMap<String, Vec<u8>>, b: &Boundary) -> Result<Chained, String> {
    let anchor = chain::parse_hex(&b.anchor)
        .ok_or_else(|| format!("{}: anchor is not a sha256 hex value", bundle::BOUNDARY))?;
    let bytes = members
        .get(bundle::LOG)
        .ok_or_else(|| format!("{} is missing", bundle::LOG))?;
    let text = std::str::from_utf8(bytes).map_err(|_| format!("{} is not UTF-8", bundle::LOG))?;
    let lines =
        chain::lines(text).map_err(|n| format!("{}:{n}: last line has no newline", bundle::LOG))?;
    let mut v = Verifier::new(anchor, b.first_seq);
    let mut chains = BTreeMap::new();
    let (mut first_ts, mut last_ts) = (None, None);
    for (i, line) in lines.iter().enumerate() {
        let e = v.push(line).map_err(|(seq, f)| {
            let err = chain::ChainError {
                origin: chain::Origin {
                    file: bundle::LOG.into(),
                    line: i + 1,
                },
                seq,
                fault: f,
            };
            err.to_string()
        })?;
        first_ts.get_or_insert(e.ts);
        last_ts = Some(e.ts);
        chains.insert(e.seq, e.chain);
    }
    Ok(Chained {
        anchor,
        head: v.prev,
        first_seq: b.first_seq,
        count: lines.len() as u64,
        first_ts,
        last_ts,
        chains,
        detail: if lines.is_empty() {
            "the window holds no entries".into()
        } else {
            format!(
                "{} from the anchor (seq {}..{})",
                if lines.len() == 1 {
                    "1 entry links".to_string()
                } else {
                    format!("{} entries link", lines.len())
                },
                b.first_seq,
                b.first_seq + lines.len() as u64 - 1
            )
        },
    })
}

fn parse_time(s: &Option<String>, what: &str) -> Result<Option<Timestamp>, String> {
    s.as_deref()
        .map(|t| {
            t.parse::<Timestamp>()
                .map_err(|_| format!("window {what} `{t}` is not a timestamp"))
        })
        .transpose()
}

fn check_boundary(b: &Boundary, s: &Statement, c: &Chained) -> Result<String, String> {
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

fn check_anchor_head(b: &Boundary, s: &Statement, c: &Chained) -> Result<String, String> {
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

fn check_report(members: &BTreeMap<String, Vec<u8>>, s: &Statement) -> Result<String, String> {
    let r = &s.predicate.report;
    let bytes = members
        .get(&r.name)
        .ok_or_else(|| format!("report `{}` is missing", r.name))?;
    let found = bundle::sha256_hex(bytes);
    if found != r.digest.sha256 {
        return Err(format!(
            "`{}` sha256 is {found}, the manifest's report digest is {}",
            r.name, r.digest.sha256
        ));
    }
    let v: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| format!("`{}` is not JSON: {e}", r.name))?;
    if v["schema"] != "vigocli/compliance-report/v1" {
        return Err(format!(
            "`{}` is not a vigocli/compliance-report/v1 report",
            r.name
        ));
    }
    if v["framework"]["id"] != s.predicate.framework.id.as_str() {
        return Err(format!(
            "`{}` reports framework {}, the manifest says {}",
            r.name, v["framework"]["id"], s.predicate.framework.id
        ));
    }
    Ok(format!("{} digest {found}", r.name))
}

fn check_previous(
    old: &[u8],
    s: &Statement,
    new: Option<&Facts>,
    max_entry: u64,
) -> Result<String, String> {
    let (outcome, old_facts) = verify(
        old,
        &Options {
            key: None,
            previous: None,
            max_entry,
        },
    );
    if let Some(f) = outcome.first_failure() {
        return Err(format!(
            "the previous bundle does not verify: {}: {}",
            f.name, f.detail
        ));
    }
    let old = old_facts.ok_or("the previous bundle does not verify")?;
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
    let mut agreed = 0;
    for (seq, chain) in &old.chains {
        if let Some(mine) = new.chains.get(seq) {
            if mine != chain {
                return Err(format!(
                    "seq {seq} has chain {} here but {} in the previous bundle: the log was rewritten between bundles",
                    chain::hex(mine),
                    chain::hex(chain)
                ));
            }
            agreed += 1;
        }
    }
    if new.next_seq < old.next_seq {
        return Err(format!(
            "this bundle ends at seq {} but the previous one already reached seq {}",
            new.next_seq, old.next_seq
        ));
    }
    if agreed == 0 {
        return Ok(format!(
            "previous manifest {} matches; the bundles share no entry (gap before seq {}), so their link is not checkable",
            old.manifest_sha256,
            new.chains.keys().next().copied().unwrap_or(new.next_seq)
        ));
    }
    Ok(format!(
        "previous manifest {} matches; {agreed} shared entr{} agree",
        old.manifest_sha256,
        if agreed == 1 { "y" } else { "ies" }
    ))
}

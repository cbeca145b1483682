//! `vigocli compliance verify`: every check of a bundle, offline, streaming each member
//! once (peak memory does not grow with the bundle; docs/audit.md).

use super::bundle::{self, Boundary, Statement};
use super::chain::{self, GENESIS, Hash, Verifier};
use super::keys;
use super::zipfmt::{Archive, Limits};
use ed25519_dalek::VerifyingKey;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Seek};

/// The largest manifest, signature, SHA256SUMS or boundary file a bundle can hold: they
/// are read whole, so their size is capped before they are inflated.
pub const MAX_META: u64 = 1024 * 1024;
/// The longest audit-log line accepted inside a bundle.
const MAX_LINE: u64 = 16 * 1024 * 1024;

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
    /// The lowest seq whose chain the bundle proves (the entry before the window, else the
    /// window's first), if it holds any entry.
    pub first_known: Option<u64>,
    /// seq → chain of the window's last entry and of the entry after the window. A later
    /// bundle or the log agrees with every entry this bundle holds exactly when it agrees
    /// with the highest of these it also holds: each chain value commits to all before it.
    pub tail: BTreeMap<u64, Hash>,
    /// Chains at the seqs the caller asked for while verifying (a previous bundle's tail).
    captured: BTreeMap<u64, Hash>,
}

impl Facts {
    fn captured_at(&self, seq: u64) -> Option<&Hash> {
        self.captured.get(&seq).or_else(|| self.tail.get(&seq))
    }

    /// The highest seq this bundle proves a chain for.
    fn last_known(&self) -> Option<u64> {
        self.tail.keys().next_back().copied()
    }
}

/// Anything a bundle can be read from.
pub trait Source: Read + Seek {}
impl<T: Read + Seek> Source for T {}

pub struct Options<'a> {
    pub key: Option<&'a VerifyingKey>,
    pub limits: Limits,
}

/// Verifies the bundle read from `zip`, and its link to `previous` if one is given.
pub fn verify(
    zip: &mut dyn Source,
    previous: Option<&mut dyn Source>,
    opts: &Options,
) -> (Outcome, Option<Facts>) {
    let mut out = Outcome { checks: Vec::new() };
    let old = previous.map(|p| {
        let (outcome, facts) = verify(
            p,
            None,
            &Options {
                key: None,
                limits: opts.limits,
            },
        );
        (outcome, facts)
    });
    let want: Vec<u64> = old
        .as_ref()
        .and_then(|(_, f)| f.as_ref())
        .map(|f| f.tail.keys().copied().collect())
        .unwrap_or_default();
    let facts = run(zip, opts, &want, old, &mut out);
    (out, facts)
}

/// [`verify`] on bytes in memory, without a previous bundle.
pub fn verify_bytes(zip: &[u8], opts: &Options) -> (Outcome, Option<Facts>) {
    verify(&mut std::io::Cursor::new(zip), None, opts)
}

/// A reader that hashes what passes through it and keeps the first read error, so the
/// caller can tell a broken zip member from a broken file inside it.
struct Hashing<R> {
    inner: R,
    hasher: Sha256,
    error: Option<String>,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self.inner.read(buf) {
            Ok(n) => {
                self.hasher.update(&buf[..n]);
                Ok(n)
            }
            Err(e) => {
                self.error.get_or_insert_with(|| e.to_string());
                Err(e)
            }
        }
    }
}

impl<R: Read> Hashing<R> {
    fn new(inner: R) -> Self {
        Hashing {
            inner,
            hasher: Sha256::new(),
            error: None,
        }
    }
    /// Reads to the end (so the member's size and CRC are checked) and returns the digest.
    fn finish(mut self) -> Result<String, String> {
        if self.error.is_none() {
            let _ = std::io::copy(&mut self, &mut std::io::sink());
        }
        match self.error {
            Some(e) => Err(e),
            None => Ok(chain::hex(&self.hasher.finalize().into())),
        }
    }
}

/// What the report file says of itself; every other field is skipped while streaming.
#[derive(Deserialize)]
struct ReportHead {
    #[serde(default)]
    schema: Option<String>,
    #[serde(default)]
    framework: Option<ReportFramework>,
}

#[derive(Deserialize)]
struct ReportFramework {
    #[serde(default)]
    id: Option<String>,
}

/// Everything read from the members, each member read exactly once.
struct Contents {
    count: usize,
    digests: BTreeMap<String, String>,
    meta: BTreeMap<String, Vec<u8>>,
    statement: Result<Statement, String>,
    boundary: Result<Boundary, String>,
    chained: Option<Result<Chained, String>>,
    report: Option<Result<ReportHead, String>>,
}

fn is_meta(name: &str) -> bool {
    [
        bundle::MANIFEST,
        bundle::SIGNATURE,
        bundle::SUMS,
        bundle::BOUNDARY,
    ]
    .contains(&name)
}

fn read_contents(zip: &mut dyn Source, limits: Limits, want: &[u64]) -> Result<Contents, String> {
    let mut ar = Archive::open(zip, limits)?;
    let names: Vec<String> = ar.entries().iter().map(|e| e.name.clone()).collect();
    let mut meta = BTreeMap::new();
    for (i, name) in names.iter().enumerate() {
        if is_meta(name) {
            meta.insert(name.clone(), ar.read_small(i, MAX_META)?);
        }
    }
    let statement = parse_manifest(&meta);
    let boundary: Result<Boundary, String> = meta
        .get(bundle::BOUNDARY)
        .ok_or_else(|| format!("{} is missing", bundle::BOUNDARY))
        .and_then(|b| serde_json::from_slice(b).map_err(|e| format!("{}: {e}", bundle::BOUNDARY)));
    let report_name = statement
        .as_ref()
        .ok()
        .map(|s| s.predicate.report.name.clone());
    let mut digests = BTreeMap::new();
    let (mut chained, mut report) = (None, None);
    for (i, name) in names.iter().enumerate() {
        if let Some(bytes) = meta.get(name) {
            digests.insert(name.clone(), bundle::sha256_hex(bytes));
            continue;
        }
        let mut r = Hashing::new(ar.member(i)?);
        if name == bundle::LOG
            && let Ok(b) = &boundary
        {
            chained = Some(check_chain(&mut r, b, want));
        } else if Some(name) == report_name.as_ref() {
            report = Some(
                serde_json::from_reader::<_, ReportHead>(&mut r)
                    .map_err(|e| format!("`{name}` is not JSON: {e}")),
            );
        }
        digests.insert(name.clone(), r.finish()?);
    }
    Ok(Contents {
        count: names.len(),
        digests,
        meta,
        statement,
        boundary,
        chained,
        report,
    })
}

fn run(
    zip: &mut dyn Source,
    opts: &Options,
    want: &[u64],
    old: Option<(Outcome, Option<Facts>)>,
    out: &mut Outcome,
) -> Option<Facts> {
    let c = match read_contents(zip, opts.limits, want) {
        Ok(c) => {
            out.push(
                "zip-structure",
                Ok(format!(
                    "{} members; laid out exactly as vigocli writes them (one reading for every unzip), names safe, sizes and CRCs honest",
                    c.count
                )),
            );
            c
        }
        Err(e) => {
            out.push("zip-structure", Err(e));
            return None;
        }
    };
    let statement = match c.statement {
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
    let manifest_bytes = c.meta.get(bundle::MANIFEST).cloned().unwrap_or_default();
    out.push("subjects", check_subjects(&c.digests, &statement));
    out.push("sha256sums", check_sums(&c.digests, &c.meta));

    let mut facts = None;
    match (c.boundary, c.chained) {
        (Err(e), _) => {
            out.push("chain", Err(e));
        }
        (Ok(_), None) => {
            out.push("chain", Err(format!("{} is missing", bundle::LOG)));
        }
        (Ok(boundary), Some(chained)) => {
            let ok = out.push(
                "chain",
                chained
                    .as_ref()
                    .map(|c| c.detail.clone())
                    .map_err(Clone::clone),
            );
            if let Ok(ch) = chained {
                out.push("boundary", check_boundary(&boundary, &statement, &ch));
                out.push("anchor-head", check_anchor_head(&boundary, &statement, &ch));
                if ok {
                    facts = Some(facts_of(&boundary, &ch, &manifest_bytes));
                }
            }
        }
    }
    out.push("report", check_report(&c.digests, c.report, &statement));
    match (opts.key, c.meta.get(bundle::SIGNATURE)) {
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
    match old {
        Some((old_outcome, old_facts)) => {
            out.push(
                "previous",
                check_previous(&old_outcome, old_facts, &statement, facts.as_ref()),
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

fn facts_of(b: &Boundary, c: &Chained, manifest: &[u8]) -> Facts {
    let mut tail = BTreeMap::new();
    let next_seq = c.first_seq + c.count;
    let has_before = b.before.is_some();
    if c.count > 0 || has_before {
        // The window's last entry, or (empty window) the entry before it: chain = head.
        tail.insert(next_seq - 1, c.head);
    }
    if let Some(e) = b.after.as_deref().and_then(|l| chain::parse_line(l).ok()) {
        tail.insert(e.seq, e.chain);
    }
    let first_known = if has_before {
        c.first_seq.checked_sub(1)
    } else if c.count > 0 || !tail.is_empty() {
        Some(c.first_seq)
    } else {
        None
    };
    Facts {
        manifest_sha256: bundle::sha256_hex(manifest),
        head: c.head,
        next_seq,
        first_known,
        tail,
        captured: c.captured.clone(),
    }
}

fn parse_manifest(meta: &BTreeMap<String, Vec<u8>>) -> Result<Statement, String> {
    let bytes = meta
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

fn check_subjects(digests: &BTreeMap<String, String>, s: &Statement) -> Result<String, String> {
    let mut listed = std::collections::HashSet::new();
    for sub in &s.subject {
        if !listed.insert(sub.name.as_str()) {
            return Err(format!("subject `{}` is listed twice", sub.name));
        }
        let Some(found) = digests.get(&sub.name) else {
            return Err(format!("subject `{}` is missing from the zip", sub.name));
        };
        if *found != sub.digest.sha256 {
            return Err(format!(
                "`{}` was changed: manifest sha256 {}, file sha256 {found}",
                sub.name, sub.digest.sha256
            ));
        }
    }
    for name in digests.keys() {
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

fn check_sums(
    digests: &BTreeMap<String, String>,
    meta: &BTreeMap<String, Vec<u8>>,
) -> Result<String, String> {
    let bytes = meta
        .get(bundle::SUMS)
        .ok_or_else(|| format!("{} is missing", bundle::SUMS))?;
    let text = std::str::from_utf8(bytes).map_err(|_| format!("{} is not UTF-8", bundle::SUMS))?;
    let mut listed = std::collections::HashSet::new();
    for (i, line) in text.lines().enumerate() {
        let (hash, name) = line
            .split_once("  ")
            .ok_or_else(|| format!("{}:{}: not `<sha256>  <name>`", bundle::SUMS, i + 1))?;
        let Some(found) = digests.get(name) else {
            return Err(format!(
                "{}:{}: `{name}` is missing from the zip",
                bundle::SUMS,
                i + 1
            ));
        };
        if found != hash {
            return Err(format!(
                "{}:{}: `{name}` was changed: listed {hash}, file {found}",
                bundle::SUMS,
                i + 1
            ));
        }
        if !listed.insert(name) {
            return Err(format!(
                "{}:{}: `{name}` is listed twice",
                bundle::SUMS,
                i + 1
            ));
        }
    }
    for name in digests.keys() {
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
    /// Chains of the entries at the seqs a caller asked for (a previous bundle's tail).
    captured: BTreeMap<u64, Hash>,
    detail: String,
}

/// Verifies the log window line by line as it streams through `r`. Reads `r` to its end
/// even after a fault, so the member is hashed whole; a read error ends it (the caller
/// reports the zip error).
fn check_chain<R: Read>(r: &mut R, b: &Boundary, want: &[u64]) -> Result<Chained, String> {
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

fn check_report(
    digests: &BTreeMap<String, String>,
    head: Option<Result<ReportHead, String>>,
    s: &Statement,
) -> Result<String, String> {
    let r = &s.predicate.report;
    let found = digests
        .get(&r.name)
        .ok_or_else(|| format!("report `{}` is missing", r.name))?;
    if *found != r.digest.sha256 {
        return Err(format!(
            "`{}` sha256 is {found}, the manifest's report digest is {}",
            r.name, r.digest.sha256
        ));
    }
    let head = head.ok_or_else(|| format!("report `{}` is missing", r.name))??;
    if head.schema.as_deref() != Some("vigocli/compliance-report/v1") {
        return Err(format!(
            "`{}` is not a vigocli/compliance-report/v1 report",
            r.name
        ));
    }
    let id = head.framework.and_then(|f| f.id);
    if id.as_deref() != Some(s.predicate.framework.id.as_str()) {
        return Err(format!(
            "`{}` reports framework {}, the manifest says {}",
            r.name,
            id.map_or_else(|| "null".to_string(), |i| format!("\"{i}\"")),
            s.predicate.framework.id
        ));
    }
    Ok(format!("{} digest {found}", r.name))
}

fn check_previous(
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

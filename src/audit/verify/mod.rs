//! `vigocli compliance verify`: every check of a bundle, offline, streaming each member
//! once (peak memory does not grow with the bundle; docs/audit.md). The checks of the
//! members live in `members`, those of the log window and the series in `window`, that
//! of the evidence documents in `evidence`.

mod evidence;
mod members;
mod window;

use members::{check_report, check_subjects, check_sums, parse_manifest};
use window::{Chained, check_anchor_head, check_boundary, check_chain, check_previous};

use super::bundle::{self, Boundary, Statement};
use super::chain::{self, Hash};
use super::keys;
use super::zipfmt::{Archive, Limits};
use ed25519_dalek::VerifyingKey;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::{Read, Seek};

/// The largest manifest, signature, SHA256SUMS or boundary file a bundle can hold: they
/// are read whole, so their size is capped before they are inflated. The manifest and
/// SHA256SUMS list every evidence document and record, so thousands of them fit.
pub const MAX_META: u64 = 16 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Fail,
    Skip,
    /// Passed, with something the auditor should read (the bundle discloses it).
    Warn,
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
    fn verdict(&mut self, name: &'static str, v: evidence::Verdict) {
        let (status, detail) = match v {
            evidence::Verdict::Ok(d) => (Status::Ok, d),
            evidence::Verdict::Warn(d) => (Status::Warn, d),
            evidence::Verdict::Fail(d) => (Status::Fail, d),
        };
        self.checks.push(Check {
            name,
            status,
            detail,
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
    records: Option<Result<evidence::Records, String>>,
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
    let (mut chained, mut report, mut records) = (None, None, None);
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
        } else if name == super::evidence::RECORDS {
            records = Some(
                serde_json::from_reader::<_, evidence::Records>(&mut r)
                    .map_err(|e| format!("not a records document: {e}")),
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
        records,
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
    if let Some(v) = evidence::check(&c.digests, &statement, c.records) {
        out.verdict("evidence", v);
    }
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

//! The `audit-chain/v1` log: one canonical JSON entry per line, each linked to the one
//! before by `chain = SHA-256(0x01 ‖ previous chain ‖ SHA-256(0x00 ‖ body))`.

mod append;
mod log;

pub use append::{append, append_target, append_with_clock, entry_time};
pub use log::{Log, ReadError, lines, log_files, read_log, scan_log};

use super::jcs;
use jiff::Timestamp;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::path::PathBuf;

pub type Hash = [u8; 32];
pub const GENESIS: Hash = [0; 32];
/// The fields of an entry body, in canonical order of the whole line.
const BODY_FIELDS: [&str; 6] = ["action", "actor", "details", "seq", "target", "ts"];

pub fn hex(h: &Hash) -> String {
    crate::hex::encode(h)
}

pub fn parse_hex(s: &str) -> Option<Hash> {
    if s.len() != 64 || !s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return None;
    }
    let mut h = [0u8; 32];
    for (i, byte) in h.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(h)
}

pub fn leaf_hash(body: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0x00]);
    h.update(body);
    h.finalize().into()
}

pub fn chain_hash(prev: &Hash, leaf: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([0x01]);
    h.update(prev);
    h.update(leaf);
    h.finalize().into()
}

/// One parsed, self-consistent line (its own `leaf` matches its body and the line is
/// canonical). Whether `chain` links to the previous entry is the caller's check.
#[derive(Debug, Clone)]
pub struct Entry {
    pub seq: u64,
    pub ts: Timestamp,
    pub leaf: Hash,
    pub chain: Hash,
    /// The line as written, without its newline.
    pub line: String,
}

/// What is wrong with one entry, with the expected and found values where they exist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    pub what: String,
    pub expected: Option<String>,
    pub found: Option<String>,
}

impl Fault {
    fn new(what: impl Into<String>) -> Fault {
        Fault {
            what: what.into(),
            expected: None,
            found: None,
        }
    }
    fn diff(what: impl Into<String>, expected: String, found: String) -> Fault {
        Fault {
            what: what.into(),
            expected: Some(expected),
            found: Some(found),
        }
    }
}

/// The fields a caller supplies; `seq`, `leaf` and `chain` are computed.
#[derive(Clone)]
pub struct NewEntry {
    pub ts: Timestamp,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub details: Value,
}

/// The canonical line of an entry that follows `prev` (seq `seq`).
pub fn make_line(e: &NewEntry, seq: u64, prev: &Hash) -> Result<(String, Hash), String> {
    if seq > jcs::MAX_SAFE_INTEGER as u64 {
        return Err("the log is full: seq would exceed 2^53−1".into());
    }
    let mut m = Map::new();
    m.insert("seq".into(), Value::from(seq));
    m.insert("ts".into(), Value::from(crate::report::timestamp(e.ts)));
    m.insert("actor".into(), Value::from(e.actor.clone()));
    m.insert("action".into(), Value::from(e.action.clone()));
    m.insert("target".into(), Value::from(e.target.clone()));
    m.insert("details".into(), e.details.clone());
    let body = jcs::to_string(&Value::Object(m.clone())).map_err(|e| format!("--details: {e}"))?;
    let leaf = leaf_hash(body.as_bytes());
    let chain = chain_hash(prev, &leaf);
    m.insert("leaf".into(), Value::from(hex(&leaf)));
    m.insert("chain".into(), Value::from(hex(&chain)));
    let line = jcs::to_string(&Value::Object(m)).map_err(|e| e.to_string())?;
    Ok((line, chain))
}

/// Parses one line and checks everything that does not need its neighbours.
pub fn parse_line(line: &str) -> Result<Entry, Fault> {
    let v: Value =
        serde_json::from_str(line).map_err(|e| Fault::new(format!("not a JSON object: {e}")))?;
    let Value::Object(mut m) = v else {
        return Err(Fault::new("not a JSON object"));
    };
    let take_hash = |m: &mut Map<String, Value>, k: &str| -> Result<Hash, Fault> {
        match m.remove(k) {
            Some(Value::String(s)) => parse_hex(&s)
                .ok_or_else(|| Fault::new(format!("`{k}` is not 64 lowercase hex digits"))),
            Some(_) => Err(Fault::new(format!("`{k}` is not a string"))),
            None => Err(Fault::new(format!("missing `{k}`"))),
        }
    };
    let leaf = take_hash(&mut m, "leaf")?;
    let chain = take_hash(&mut m, "chain")?;
    for k in m.keys() {
        if !BODY_FIELDS.contains(&k.as_str()) {
            return Err(Fault::new(format!("unknown field `{k}`")));
        }
    }
    for k in BODY_FIELDS {
        if !m.contains_key(k) {
            return Err(Fault::new(format!("missing `{k}`")));
        }
    }
    for k in ["actor", "action", "target", "ts"] {
        if !m[k].is_string() {
            return Err(Fault::new(format!("`{k}` is not a string")));
        }
    }
    let seq = m["seq"]
        .as_u64()
        .filter(|&s| s <= jcs::MAX_SAFE_INTEGER as u64)
        .ok_or_else(|| Fault::new("`seq` is not an integer in 0..2^53"))?;
    let ts: Timestamp = m["ts"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| Fault::new("`ts` is not an RFC 3339 timestamp"))?;
    // One pass writes both the body and the canonical line: the keys are ASCII, so their
    // UTF-16 order is their byte order, and `chain` and `leaf` slot in at fixed places.
    let (leaf_hex, chain_hex) = (hex(&leaf), hex(&chain));
    let mut body = String::with_capacity(line.len());
    let mut canonical = String::with_capacity(line.len());
    body.push('{');
    canonical.push('{');
    for (i, k) in BODY_FIELDS.iter().enumerate() {
        let value = jcs::to_string(&m[*k]).map_err(|e| Fault::new(e.0))?;
        if i > 0 {
            body.push(',');
            canonical.push(',');
        }
        match *k {
            "details" => canonical.push_str(&format!("\"chain\":\"{chain_hex}\",")),
            "seq" => canonical.push_str(&format!("\"leaf\":\"{leaf_hex}\",")),
            _ => {}
        }
        for out in [&mut body, &mut canonical] {
            out.push('"');
            out.push_str(k);
            out.push_str("\":");
            out.push_str(&value);
        }
    }
    body.push('}');
    canonical.push('}');
    let computed = leaf_hash(body.as_bytes());
    if computed != leaf {
        return Err(Fault::diff(
            "leaf does not match the entry body (the entry was edited)",
            hex(&computed),
            leaf_hex,
        ));
    }
    if canonical != line {
        return Err(Fault::diff(
            "line is not RFC 8785 canonical JSON",
            canonical,
            line.to_string(),
        ));
    }
    Ok(Entry {
        seq,
        ts,
        leaf,
        chain,
        line: line.to_string(),
    })
}

/// Checks that `e` follows an entry whose chain is `prev` and whose seq is `seq - 1`.
pub fn check_link(
    e: &Entry,
    expected_seq: u64,
    prev: &Hash,
    prev_ts: Option<Timestamp>,
) -> Result<(), Fault> {
    if e.seq != expected_seq {
        return Err(Fault::diff(
            "seq out of order (an entry was removed, inserted, duplicated or moved)",
            expected_seq.to_string(),
            e.seq.to_string(),
        ));
    }
    let computed = chain_hash(prev, &e.leaf);
    if computed != e.chain {
        return Err(Fault::diff(
            "chain does not link to the previous entry",
            hex(&computed),
            hex(&e.chain),
        ));
    }
    if let Some(p) = prev_ts
        && e.ts < p
    {
        return Err(Fault::diff(
            "ts is earlier than the previous entry's",
            format!("at or after {}", crate::report::timestamp(p)),
            crate::report::timestamp(e.ts),
        ));
    }
    Ok(())
}

/// Where an entry came from, for messages.
#[derive(Debug, Clone)]
pub struct Origin {
    pub file: PathBuf,
    pub line: usize,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file.display(), self.line)
    }
}

#[derive(Debug, Clone)]
pub struct ChainError {
    pub origin: Origin,
    pub seq: Option<u64>,
    pub fault: Fault,
}

impl std::fmt::Display for ChainError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: ", self.origin)?;
        if let Some(s) = self.seq {
            write!(f, "seq {s}: ")?;
        }
        write!(f, "{}", self.fault.what)?;
        if let (Some(e), Some(x)) = (&self.fault.expected, &self.fault.found) {
            write!(f, " (expected {e}, found {x})")?;
        }
        Ok(())
    }
}

/// Checks entries one after another.
pub struct Verifier {
    pub prev: Hash,
    pub next_seq: u64,
    pub prev_ts: Option<Timestamp>,
}

impl Verifier {
    pub fn new(anchor: Hash, first_seq: u64) -> Verifier {
        Verifier {
            prev: anchor,
            next_seq: first_seq,
            prev_ts: None,
        }
    }
    pub fn push(&mut self, line: &str) -> Result<Entry, (Option<u64>, Fault)> {
        let e = parse_line(line).map_err(|f| {
            // Name the seq the line claims, if it parses that far.
            let seq = serde_json::from_str::<Value>(line)
                .ok()
                .and_then(|v| v.get("seq").and_then(Value::as_u64));
            (seq, f)
        })?;
        check_link(&e, self.next_seq, &self.prev, self.prev_ts).map_err(|f| (Some(e.seq), f))?;
        self.prev = e.chain;
        self.next_seq = e.seq + 1;
        self.prev_ts = Some(e.ts);
        Ok(e)
    }
}

/// The file an append goes to: the log file, or the last `*.jsonl` of the directory
/// (`audit.jsonl` when there is none). A path that does not exist yet is a directory when
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_answer() {
        // An auditor's re-implementation must reproduce this entry exactly.
        let e = NewEntry {
            ts: "2026-11-22T12:00:00Z".parse().expect("ts"),
            actor: "alice".into(),
            action: "waiver.approve".into(),
            target: "hipaa:164.312(a)(1)".into(),
            details: serde_json::json!({"ticket": "SEC-1"}),
        };
        let (line, chain) = make_line(&e, 0, &GENESIS).expect("line");
        let body = r#"{"action":"waiver.approve","actor":"alice","details":{"ticket":"SEC-1"},"seq":0,"target":"hipaa:164.312(a)(1)","ts":"2026-11-22T12:00:00Z"}"#;
        let leaf = leaf_hash(body.as_bytes());
        assert_eq!(chain, chain_hash(&GENESIS, &leaf));
        let parsed = parse_line(&line).expect("parse");
        assert_eq!(parsed.leaf, leaf);
        assert!(line.contains(&hex(&leaf)));
        assert_eq!(parse_hex(&hex(&chain)), Some(chain));
    }
}

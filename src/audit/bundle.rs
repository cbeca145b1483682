//! Building an audit bundle: the report, the log window with its boundary proof, the
//! framework's evidence, `SHA256SUMS`, an in-toto Statement as manifest, an optional DSSE
//! signature and a note for the auditor, zipped byte-reproducibly.

use super::chain::{self, Entry, GENESIS, Hash, Log};
use super::{evidence, keys, zipfmt};
use ed25519_dalek::SigningKey;
use jiff::Timestamp;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub const STATEMENT_TYPE: &str = "https://in-toto.io/Statement/v1";
/// A URN rather than a URL: it names the predicate format (docs/audit.md) and resolves nowhere.
pub const PREDICATE_TYPE: &str = "urn:vigocli:audit-bundle:v1";
pub const BOUNDARY_SCHEMA: &str = "vigocli/audit-boundary/v1";
pub const LOG_FORMAT: &str = "audit-chain/v1";

pub const MANIFEST: &str = "manifest.json";
pub const SIGNATURE: &str = "manifest.dsse.json";
pub const SUMS: &str = "SHA256SUMS";
pub const LOG: &str = "audit-log.jsonl";
pub const BOUNDARY: &str = "boundary.json";
pub const REPORT: &str = "report.json";
pub const README: &str = "VERIFY.txt";

pub fn sha256_hex(bytes: &[u8]) -> String {
    chain::hex(&Sha256::digest(bytes).into())
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Statement {
    #[serde(rename = "_type")]
    pub type_: String,
    pub subject: Vec<Subject>,
    #[serde(rename = "predicateType")]
    pub predicate_type: String,
    pub predicate: Predicate,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Subject {
    pub name: String,
    pub digest: Sha256Digest,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sha256Digest {
    pub sha256: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Predicate {
    pub framework: FrameworkRef,
    pub window: Window,
    pub as_of: String,
    pub log: LogSummary,
    pub report: ReportRef,
    pub generator: Generator,
    pub previous: Option<Previous>,
    /// The evidence records of the framework, each with the member holding its document
    /// and the hash `compliance verify` checks it against; absent when there are none (so
    /// a bundle without evidence is the same as before evidence existed).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<evidence::Entry>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrameworkRef {
    pub id: String,
    pub name: String,
    pub version: String,
}

/// Half-open: entries with `since <= ts < until`; `null` = unbounded.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Window {
    pub since: Option<String>,
    pub until: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogSummary {
    pub format: String,
    pub anchor: String,
    pub head: String,
    pub first_seq: u64,
    pub entry_count: u64,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportRef {
    pub name: String,
    pub digest: Sha256Digest,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Generator {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Previous {
    pub manifest: Sha256Digest,
    pub head: String,
    /// The seq after the previous bundle's last entry.
    pub next_seq: u64,
}

/// `boundary.json`: the entries just outside the window, so an edge cannot be cut off
/// silently.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Boundary {
    pub schema: String,
    pub anchor: String,
    pub head: String,
    pub first_seq: u64,
    pub entry_count: u64,
    /// The last entry before the window, and the chain value before it.
    pub before: Option<BoundaryBefore>,
    /// The first entry after the window.
    pub after: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BoundaryBefore {
    pub line: String,
    pub previous_chain: String,
}

/// What goes into a bundle besides the log.
pub struct BundleInput<'a> {
    pub framework: FrameworkRef,
    pub report_json: String,
    /// Further renderings of the report (e.g. `report.html`), each a subject.
    pub extra_reports: Vec<(String, Vec<u8>)>,
    pub log: &'a Log,
    pub since: Option<Timestamp>,
    pub until: Option<Timestamp>,
    pub as_of: Timestamp,
    /// The zip members' modification time (SOURCE_DATE_EPOCH, else as-of).
    pub mtime: Timestamp,
    pub sign_key: Option<&'a SigningKey>,
    pub previous: Option<Previous>,
    /// The framework's evidence records and documents (empty: none).
    pub evidence: evidence::Evidence,
}

/// The index range of the window in the log (ts is non-decreasing in a verified log).
pub fn window(
    entries: &[Entry],
    since: Option<Timestamp>,
    until: Option<Timestamp>,
) -> std::ops::Range<usize> {
    let start = since.map_or(0, |s| entries.partition_point(|e| e.ts < s));
    let end = until.map_or(entries.len(), |u| {
        start + entries[start..].partition_point(|e| e.ts < u)
    });
    start..end.max(start)
}

pub fn build(input: &BundleInput) -> Result<Vec<u8>, String> {
    let entries = &input.log.entries;
    let range = window(entries, input.since, input.until);
    let anchor: Hash = if range.start == 0 {
        input.log.anchor
    } else {
        entries[range.start - 1].chain
    };
    let head = if range.is_empty() {
        anchor
    } else {
        entries[range.end - 1].chain
    };
    let first_seq = if range.start == 0 {
        entries.first().map_or(0, |e| e.seq)
    } else {
        entries[range.start - 1].seq + 1
    };
    let mut log_text = String::new();
    for e in &entries[range.clone()] {
        log_text.push_str(&e.line);
        log_text.push('\n');
    }
    let boundary = Boundary {
        schema: BOUNDARY_SCHEMA.into(),
        anchor: chain::hex(&anchor),
        head: chain::hex(&head),
        first_seq,
        entry_count: range.len() as u64,
        before: (range.start > 0).then(|| BoundaryBefore {
            line: entries[range.start - 1].line.clone(),
            previous_chain: chain::hex(&if range.start >= 2 {
                entries[range.start - 2].chain
            } else {
                GENESIS
            }),
        }),
        after: entries.get(range.end).map(|e| e.line.clone()),
    };
    let ts = |t: Option<Timestamp>| t.map(crate::report::timestamp);
    let window = Window {
        since: ts(input.since),
        until: ts(input.until),
    };

    let mut files: Vec<(String, Vec<u8>)> = vec![
        (REPORT.into(), input.report_json.clone().into_bytes()),
        (LOG.into(), log_text.into_bytes()),
        (BOUNDARY.into(), pretty(&boundary)?),
    ];
    files.extend(input.extra_reports.iter().cloned());
    files.extend(input.evidence.members.iter().cloned());
    files.push((
        README.into(),
        readme(&input.framework, &window, &boundary, &input.evidence).into_bytes(),
    ));
    files.sort();

    let statement = Statement {
        type_: STATEMENT_TYPE.into(),
        subject: files
            .iter()
            .map(|(name, bytes)| Subject {
                name: name.clone(),
                digest: Sha256Digest {
                    sha256: sha256_hex(bytes),
                },
            })
            .collect(),
        predicate_type: PREDICATE_TYPE.into(),
        predicate: Predicate {
            framework: FrameworkRef {
                id: input.framework.id.clone(),
                name: input.framework.name.clone(),
                version: input.framework.version.clone(),
            },
            window,
            as_of: crate::report::timestamp(input.as_of),
            log: LogSummary {
                format: LOG_FORMAT.into(),
                anchor: boundary.anchor.clone(),
                head: boundary.head.clone(),
                first_seq,
                entry_count: boundary.entry_count,
            },
            report: ReportRef {
                name: REPORT.into(),
                digest: Sha256Digest {
                    sha256: sha256_hex(input.report_json.as_bytes()),
                },
            },
            generator: Generator {
                name: "vigocli".into(),
                version: env!("CARGO_PKG_VERSION").into(),
            },
            previous: input.previous.as_ref().map(|p| Previous {
                manifest: p.manifest.clone(),
                head: p.head.clone(),
                next_seq: p.next_seq,
            }),
            evidence: input.evidence.entries.clone(),
        },
    };
    let manifest = pretty(&statement)?;
    if let Some(key) = input.sign_key {
        files.push((SIGNATURE.into(), keys::sign(key, &manifest).into_bytes()));
    }
    files.push((MANIFEST.into(), manifest));
    files.sort();
    let mut sums = String::new();
    for (name, bytes) in &files {
        sums.push_str(&format!("{}  {name}\n", sha256_hex(bytes)));
    }
    files.push((SUMS.into(), sums.into_bytes()));
    files.sort();
    write_zip(&files, input.mtime)
}

/// Pretty JSON with a final newline; a value that does not serialise is an error, never an
/// empty member.
fn pretty<T: Serialize>(v: &T) -> Result<Vec<u8>, String> {
    let mut s = serde_json::to_string_pretty(v).map_err(|e| format!("cannot serialise: {e}"))?;
    s.push('\n');
    Ok(s.into_bytes())
}

/// Byte-reproducible zip: members in name order, one fixed time, mode 0644, deflate at a
/// fixed level, no extra fields: the one layout `compliance verify` accepts (zipfmt).
/// Members are deflated in parallel (evidence documents can be many); the bytes are the
/// same as deflating them one by one.
fn write_zip(files: &[(String, Vec<u8>)], mtime: Timestamp) -> Result<Vec<u8>, String> {
    let mut sorted: Vec<&(String, Vec<u8>)> = files.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let deflated: Vec<Result<(Vec<u8>, u32), String>> = sorted
        .par_iter()
        .map(|(_, bytes)| zipfmt::deflate(bytes))
        .collect();
    let mut w = zipfmt::Writer::new(zipfmt::DosTime::of(mtime));
    for ((name, bytes), d) in sorted.into_iter().zip(deflated) {
        let (stream, crc) = d?;
        w.add_deflated(name, &stream, crc, bytes.len() as u64)?;
    }
    w.finish()
}

fn readme(fw: &FrameworkRef, window: &Window, b: &Boundary, ev: &evidence::Evidence) -> String {
    let or = |s: &Option<String>, d: &str| s.clone().unwrap_or_else(|| d.to_string());
    let evidence = if ev.entries.is_empty() {
        String::new()
    } else {
        let documents = ev.members.len().saturating_sub(1);
        format!(
            "Evidence: {} record(s) in {}, {documents} document(s) under {} (each as it was
when the bundle was made; verify checks each against the sha256 its record pins)
",
            ev.entries.len(),
            evidence::RECORDS,
            evidence::FILES,
        )
    };
    format!(
        "vigocli audit bundle — {name} {version} ({id})
Window: {since} .. {until} (since inclusive, until exclusive)
Audit log: {count} entries from seq {first}; anchor {anchor}; head {head}
{evidence}
To verify (offline; nothing is extracted):
  vigocli compliance verify THIS.zip --key PUBLISHER.pub [--previous EARLIER.zip]
Without vigocli:
  unzip -d b THIS.zip && (cd b && sha256sum -c SHA256SUMS)
  then recompute every audit-log.jsonl link as docs/audit.md describes
  (leaf = SHA-256(0x00 || line without leaf and chain, RFC 8785);
   chain = SHA-256(0x01 || previous chain || leaf)).

Compare the head above with a copy you obtained independently (a ticket, an e-mail,
an earlier bundle): only that proves no entry after the window was removed.
Use a public key you obtained from the publisher, never one found inside a bundle.
",
        name = fw.name,
        version = fw.version,
        id = fw.id,
        since = or(&window.since, "start of log"),
        until = or(&window.until, "end of log"),
        count = b.entry_count,
        first = b.first_seq,
        anchor = b.anchor,
        head = b.head,
    )
}

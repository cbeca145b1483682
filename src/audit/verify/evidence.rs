//! The check of the evidence a bundle carries (docs/audit.md, "Evidence in a bundle"):
//! every document hashes to what its record pins, `evidence/records.json` agrees with the
//! manifest, and nothing under `evidence/` is unaccounted for.

use crate::audit::bundle::Statement;
use crate::audit::evidence::{self, Entry, FileRef};
use serde::Deserialize;
use std::collections::BTreeMap;

/// What `evidence/records.json` says, read while it streams through the hasher; the
/// records' other fields are the report's and are skipped.
#[derive(Debug, Deserialize)]
pub(super) struct Records {
    #[serde(default)]
    schema: Option<String>,
    #[serde(default)]
    framework: Option<String>,
    #[serde(default)]
    records: Vec<Record>,
    #[serde(default)]
    files: Vec<FileRef>,
}

#[derive(Debug, Deserialize)]
struct Record {
    id: String,
    kind: String,
    state: String,
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    sha256: Option<String>,
}

/// Warnings named one by one in the check's line; the rest are counted.
const WARNINGS_SHOWN: usize = 5;

/// The outcome of the check: a record that no longer matched its pinned hash when the
/// bundle was made is disclosed in the manifest, and is a warning, not a failure.
pub(super) enum Verdict {
    Ok(String),
    Warn(String),
    Fail(String),
}

pub(super) fn check(
    digests: &BTreeMap<String, String>,
    s: &Statement,
    records: Option<Result<Records, String>>,
) -> Option<Verdict> {
    let entries = &s.predicate.evidence;
    let members: Vec<&String> = digests
        .keys()
        .filter(|n| n.starts_with(crate::audit::zipfmt::EVIDENCE_DIR))
        .collect();
    // A bundle without evidence verifies exactly as bundles did before evidence existed.
    if entries.is_empty() && members.is_empty() && records.is_none() {
        return None;
    }
    Some(match check_all(digests, s, entries, &members, records) {
        Err(why) => Verdict::Fail(why),
        Ok((detail, warnings)) if warnings.is_empty() => Verdict::Ok(detail),
        Ok((detail, warnings)) => {
            let shown = warnings.len().min(WARNINGS_SHOWN);
            let more = match warnings.len() - shown {
                0 => String::new(),
                n => format!(
                    "; and {n} more (every record's state is in the manifest and in {})",
                    evidence::RECORDS
                ),
            };
            Verdict::Warn(format!("{detail}; {}{more}", warnings[..shown].join("; ")))
        }
    })
}

fn check_all(
    digests: &BTreeMap<String, String>,
    s: &Statement,
    entries: &[Entry],
    members: &[&String],
    records: Option<Result<Records, String>>,
) -> Result<(String, Vec<String>), String> {
    let records = records
        .ok_or_else(|| format!("{} is missing", evidence::RECORDS))?
        .map_err(|e| format!("{}: {e}", evidence::RECORDS))?;
    check_records(&records, s, entries)?;
    let files: BTreeMap<&str, &FileRef> =
        records.files.iter().map(|f| (f.path.as_str(), f)).collect();
    if files.len() != records.files.len() {
        return Err(format!("{} lists a document twice", evidence::RECORDS));
    }
    for m in members {
        if m.as_str() == evidence::RECORDS {
            continue;
        }
        if !m.starts_with(evidence::FILES) || !entries.iter().any(|e| e.path.as_ref() == Some(m)) {
            return Err(format!(
                "`{m}` is in the bundle, but no evidence record of the manifest names it"
            ));
        }
    }
    let mut warnings = Vec::new();
    let mut documents = std::collections::BTreeSet::new();
    let mut pinned_ok = 0usize;
    for e in entries {
        let disclosed = match (&e.path, &e.current_sha256) {
            (Some(path), current) => {
                if e.kind != "file" || !path.starts_with(evidence::FILES) {
                    return Err(format!(
                        "record `{}` of kind {} names member `{path}`; only a file record's document is under {}",
                        e.id,
                        e.kind,
                        evidence::FILES
                    ));
                }
                let found = digests.get(path).ok_or_else(|| {
                    format!(
                        "evidence file `{path}` of record `{}` is missing from the zip",
                        e.id
                    )
                })?;
                let (want, what) = match (current, &e.sha256) {
                    (Some(c), _) => (c, "the sha256 the manifest records for it when bundled"),
                    (None, Some(p)) => (p, "its record's pinned sha256"),
                    (None, None) => {
                        return Err(format!(
                            "record `{}` names `{path}` but neither a pinned nor a bundled sha256",
                            e.id
                        ));
                    }
                };
                if found != want {
                    return Err(format!(
                        "evidence file `{path}` (record `{}`) was changed: {what} is {want}, the file's is {found}",
                        e.id
                    ));
                }
                match files.get(path.as_str()) {
                    Some(f) if f.sha256 == *found && Some(&f.source) == e.source.as_ref() => {}
                    _ => {
                        return Err(format!(
                            "{} does not list `{path}` with its source and sha256 as the manifest does",
                            evidence::RECORDS
                        ));
                    }
                }
                documents.insert(path.as_str());
                match (current, &e.sha256) {
                    (Some(c), Some(p)) => Some(format!(
                        "record `{}` ({}): `{path}` already differed from its pinned sha256 when the bundle was made (pinned {p}, bundled {c})",
                        e.id, e.state
                    )),
                    (None, Some(_)) => {
                        pinned_ok += 1;
                        None
                    }
                    _ => None,
                }
            }
            (None, Some(_)) => {
                return Err(format!(
                    "record `{}` has a bundled sha256 but no document",
                    e.id
                ));
            }
            (None, None) => None,
        };
        match disclosed {
            Some(w) => warnings.push(w),
            None if e.state == "changed" => warnings.push(format!(
                "record `{}` was already `changed` when the bundle was made{}",
                e.id,
                match (&e.kind[..], &e.source) {
                    ("file", Some(src)) if e.path.is_none() =>
                        format!(" (`{src}` did not exist, so it is not in the bundle)"),
                    _ => String::new(),
                }
            )),
            None => {}
        }
    }
    if documents.len() != records.files.len() {
        return Err(format!(
            "{} lists {} documents, the manifest's records name {}",
            evidence::RECORDS,
            records.files.len(),
            documents.len()
        ));
    }
    Ok((
        format!(
            "{} record(s), {} document(s); {pinned_ok} match their record's pinned sha256",
            entries.len(),
            documents.len()
        ),
        warnings,
    ))
}

/// `evidence/records.json` must say what the manifest says, record by record.
fn check_records(r: &Records, s: &Statement, entries: &[Entry]) -> Result<(), String> {
    let name = evidence::RECORDS;
    if r.schema.as_deref() != Some(evidence::RECORDS_SCHEMA) {
        return Err(format!(
            "{name} is not a {} document",
            evidence::RECORDS_SCHEMA
        ));
    }
    if r.framework.as_deref() != Some(s.predicate.framework.id.as_str()) {
        return Err(format!(
            "{name} is for framework {}, the manifest says {}",
            r.framework.as_deref().unwrap_or("null"),
            s.predicate.framework.id
        ));
    }
    if r.records.len() != entries.len() {
        return Err(format!(
            "{name} holds {} records, the manifest {}",
            r.records.len(),
            entries.len()
        ));
    }
    for (rec, e) in r.records.iter().zip(entries) {
        let pinned = if e.kind == "file" {
            rec.sha256.as_ref()
        } else {
            None
        };
        let same = rec.id == e.id
            && rec.kind == e.kind
            && rec.state == e.state
            && (e.kind != "file" || rec.path == e.source)
            && pinned == e.sha256.as_ref();
        if !same {
            return Err(format!(
                "{name} and the manifest disagree on record `{}` (id, kind, state, path or pinned sha256)",
                e.id
            ));
        }
    }
    Ok(())
}

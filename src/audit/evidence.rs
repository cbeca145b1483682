//! The evidence an audit bundle carries (docs/audit.md, "Evidence in a bundle"): the
//! framework's records as `evidence/records.json`, each document as it is now under
//! `evidence/files/<its repository path>`, and one manifest entry per record pinning what
//! `compliance verify` checks the document against.

use super::zipfmt::{self, Names};
use crate::report::EvidenceRow;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The records, as the report lists them, with the bundle's documents.
pub const RECORDS: &str = "evidence/records.json";
/// Where the documents go, each under its repository path.
pub const FILES: &str = "evidence/files/";
pub const RECORDS_SCHEMA: &str = "vigocli/evidence-records/v1";

/// One evidence record in the manifest's predicate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub id: String,
    /// `file`, `url` or `audit-entry`.
    pub kind: String,
    /// The record's state as of the bundle (`attesting`, `changed`, `pending-review`, …).
    pub state: String,
    /// The member holding the document: a file record whose file existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The document's repository-relative path, as the record writes it (a file record).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The SHA-256 the record pins (a file record that pins one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// What the bundled document hashes to, present only when that is not the pinned
    /// hash (the document had changed, or nothing is pinned yet): disclosed, not hidden.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_sha256: Option<String>,
}

/// A document in the bundle: its member, its repository path and its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileRef {
    pub path: String,
    pub source: String,
    pub sha256: String,
}

/// `evidence/records.json` (schema `vigocli/evidence-records/v1`).
#[derive(Debug, Serialize)]
struct RecordsDoc<'a> {
    schema: &'static str,
    framework: &'a str,
    as_of: &'a str,
    /// The report's evidence rows, byte for byte the same objects as in `report.json`.
    records: &'a [EvidenceRow],
    files: Vec<FileRef>,
}

/// The evidence members of a bundle and the manifest entries that pin them.
#[derive(Debug, Default)]
pub struct Evidence {
    pub entries: Vec<Entry>,
    /// `evidence/records.json` and every document, by member name.
    pub members: Vec<(String, Vec<u8>)>,
}

/// The member a repository path becomes: `evidence/files/` and the path, with empty and
/// `.` components dropped, every character a bundle name may not hold (anything but ASCII
/// letters, digits, `.`, `_` and `-`) replaced by `_`, and `_` put before a component
/// that starts with `.` or `-`. Two paths can meet in one name; [`member_names`] refuses
/// that rather than pick one.
pub fn member_name(source: &str) -> String {
    let mut out = String::from(FILES);
    let parts: Vec<String> = source
        .split('/')
        .filter(|c| !c.is_empty() && *c != ".")
        .map(|c| {
            let mut s: String = c
                .chars()
                .map(|ch| {
                    if ch.is_ascii_alphanumeric() || matches!(ch, '.' | '_' | '-') {
                        ch
                    } else {
                        '_'
                    }
                })
                .collect();
            if s.starts_with('.') || s.starts_with('-') {
                s.insert(0, '_');
            }
            s
        })
        .collect();
    out.push_str(&parts.join("/"));
    out
}

/// The member of each distinct repository path (ascending), and for each path that cannot
/// have one, why: its name clashes with another's once case is ignored or as file and
/// directory, or it is too long for a zip name.
pub fn member_names<'a>(
    sources: impl IntoIterator<Item = &'a str>,
) -> (BTreeMap<String, String>, Vec<(String, String)>) {
    let mut names = Names::default();
    names.insert(RECORDS).ok();
    let mut taken: BTreeMap<String, String> = BTreeMap::new();
    let mut out = BTreeMap::new();
    let mut errors = Vec::new();
    let sources: std::collections::BTreeSet<&str> = sources.into_iter().collect();
    for source in sources {
        let member = member_name(source);
        let clash = zipfmt::unsafe_name(&member)
            .map(|why| format!("its bundle name `{member}` is refused: {why}"))
            .or_else(|| {
                names.insert(&member).err().map(|why| {
                    let other = taken
                        .iter()
                        .find(|(m, _)| {
                            let (a, b) = (m.to_ascii_lowercase(), member.to_ascii_lowercase());
                            a == b
                                || b.starts_with(&format!("{a}/"))
                                || a.starts_with(&format!("{b}/"))
                        })
                        .map(|(_, s)| format!(" (`{s}` becomes `{}`)", member_name(s)))
                        .unwrap_or_default();
                    format!(
                        "its bundle name `{member}` clashes with another document's{other}: {why}"
                    )
                })
            });
        match clash {
            Some(why) => errors.push((source.to_string(), why)),
            None => {
                taken.insert(member.clone(), source.to_string());
                out.insert(source.to_string(), member);
            }
        }
    }
    (out, errors)
}

/// The evidence of one bundle: `rows` are the report's evidence rows (every record that
/// names a counted control of the framework, in every state); `documents` maps each
/// document's repository path to its member and its bytes as read for the bundle (a
/// path that is absent had no file).
pub fn build(
    framework: &str,
    as_of: &str,
    rows: &[EvidenceRow],
    documents: &BTreeMap<String, (String, Vec<u8>)>,
) -> Result<Evidence, String> {
    if rows.is_empty() {
        return Ok(Evidence::default());
    }
    let digests: BTreeMap<&str, String> = documents
        .iter()
        .map(|(source, (_, bytes))| (source.as_str(), super::bundle::sha256_hex(bytes)))
        .collect();
    let entries: Vec<Entry> = rows
        .iter()
        .map(|row| {
            let file = row.kind == crate::model::EvidenceKind::File;
            let source = row.path.clone().filter(|_| file);
            let document = source.as_deref().and_then(|s| documents.get(s));
            let pinned = row.sha256.clone().filter(|_| file);
            let current = source.as_deref().and_then(|s| digests.get(s)).cloned();
            Entry {
                id: row.id.clone(),
                kind: row.kind.as_str().to_string(),
                state: row.state.as_str().to_string(),
                path: document.map(|(member, _)| member.clone()),
                source,
                current_sha256: current.filter(|c| pinned.as_ref() != Some(c)),
                sha256: pinned,
            }
        })
        .collect();
    let files: Vec<FileRef> = documents
        .iter()
        .map(|(source, (member, _))| FileRef {
            path: member.clone(),
            source: source.clone(),
            sha256: digests.get(source.as_str()).cloned().unwrap_or_default(),
        })
        .collect();
    let doc = RecordsDoc {
        schema: RECORDS_SCHEMA,
        framework,
        as_of,
        records: rows,
        files,
    };
    let mut json = serde_json::to_string_pretty(&doc)
        .map_err(|e| format!("cannot serialise {RECORDS}: {e}"))?;
    json.push('\n');
    let mut members = vec![(RECORDS.to_string(), json.into_bytes())];
    members.extend(
        documents
            .values()
            .map(|(member, bytes)| (member.clone(), bytes.clone())),
    );
    Ok(Evidence { entries, members })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_names_keep_plain_paths_and_replace_the_rest() {
        assert_eq!(
            member_name("evidence/files/policy-2026.md"),
            "evidence/files/evidence/files/policy-2026.md"
        );
        assert_eq!(
            member_name("./docs//SOC 2 Report (2025).pdf"),
            "evidence/files/docs/SOC_2_Report__2025_.pdf"
        );
        assert_eq!(
            member_name(".github/-x/café.md"),
            "evidence/files/_.github/_-x/caf_.md"
        );
        for name in ["evidence/files/a.md", "evidence/files/_.github/_-x/caf_.md"] {
            assert_eq!(zipfmt::unsafe_name(name), None, "{name}");
        }
    }

    #[test]
    fn clashing_paths_are_refused_not_merged() {
        let (ok, err) = member_names(["b/x.md", "a/x.md"]);
        assert!(err.is_empty(), "{err:?}");
        assert_eq!(ok["a/x.md"], "evidence/files/a/x.md");
        let (ok, err) = member_names(["a/Policy.md", "a/policy.md"]);
        assert_eq!(ok.len(), 1, "the first keeps its name");
        assert_eq!(err.len(), 1);
        assert_eq!(err[0].0, "a/policy.md");
        assert!(err[0].1.contains("only in case"), "{}", err[0].1);
        assert!(err[0].1.contains("`a/Policy.md`"), "{}", err[0].1);
        let (_, err) = member_names(["a b.md", "a_b.md"]);
        assert!(err[0].1.contains("appears twice"), "{}", err[0].1);
        let (_, err) = member_names(["d", "d/e.md"]);
        assert!(err[0].1.contains("needs a directory"), "{}", err[0].1);
        let long = format!("{}.md", "x".repeat(250));
        let (_, err) = member_names([long.as_str()]);
        assert!(err[0].1.contains("longer than 255 bytes"), "{}", err[0].1);
    }
}

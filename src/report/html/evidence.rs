//! Evidence records and applicability decisions on a framework page: the evidence cell of
//! each control, the "Evidence" section (every record with its state, reviewer, expiry and
//! hash) and the "Not applicable" section (docs/html-report.md).

use crate::model::{EvidenceKind, EvidenceState};
use crate::report::{DecisionRow, EvidenceRef, EvidenceRow, Report};
use serde::Serialize;
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

/// How a page links the document of an evidence record of kind `file` (a repository
/// path). A page does not know where it will be opened from, so it links only when the
/// caller knows where the page and the repository are relative to each other.
#[derive(Clone, Copy, Default)]
pub enum EvidenceLinks<'a> {
    /// The path is shown as text (the page goes to stdout, or outside the repository).
    #[default]
    Text,
    /// `href` = this prefix + the repository path (percent-encoded): the page is written
    /// inside the repository, `prefix` leads from its directory back to the root (`../../`,
    /// or empty at the root). See [`links_for`].
    Relative(&'a str),
    /// `href` chosen by the caller per path (e.g. a member of an archive); `None` shows
    /// the path as text.
    Map(&'a (dyn Fn(&str) -> Option<String> + Sync)),
}

impl EvidenceLinks<'_> {
    fn href(&self, path: &str) -> Option<String> {
        match self {
            EvidenceLinks::Text => None,
            EvidenceLinks::Relative(prefix) => Some(format!("{prefix}{}", uri_path(path))),
            EvidenceLinks::Map(f) => f(path),
        }
    }
}

/// The prefix that leads from `out_dir` (the directory a page is written to) back to
/// `repo` (the repository root), when `out_dir` is inside the repository; `None` when it
/// is not, or when either cannot be resolved. Both are resolved through the file system
/// as far as they exist (symlinks included), so `./site` and `/abs/repo/site` agree.
pub fn links_for(repo: &Path, out_dir: &Path) -> Option<String> {
    let repo = std::fs::canonicalize(repo).ok()?;
    let out = resolve(out_dir)?;
    let inside = out.strip_prefix(&repo).ok()?;
    let depth = inside
        .components()
        .filter(|c| matches!(c, Component::Normal(_)))
        .count();
    Some("../".repeat(depth))
}

/// `path` made absolute: its longest existing ancestor canonicalised, the rest appended
/// (the output directory may not exist yet). `..` in the missing part is refused.
fn resolve(path: &Path) -> Option<PathBuf> {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().ok()?.join(path)
    };
    let mut existing = abs.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(c) = std::fs::canonicalize(existing) {
            let mut out = c;
            for part in rest.iter().rev() {
                out.push(part);
            }
            return Some(out);
        }
        let name = existing.file_name()?;
        if name == ".." {
            return None;
        }
        if name != "." {
            rest.push(name.to_os_string());
        }
        existing = existing.parent()?;
    }
}

/// A repository path as a relative URI reference: every byte that a URI path cannot hold
/// as is, percent-encoded (`#`, `?`, `%`, spaces, non-ASCII).
pub(crate) fn uri_path(path: &str) -> String {
    let mut s = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!$'*+,;=:@".contains(&b) {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s
}

/// An `http(s)` address, or nothing: only those become links (the loader checks this too).
fn web_href(url: &str) -> Option<String> {
    (url.starts_with("https://") || url.starts_with("http://")).then(|| url.to_string())
}

/// Where a record's document is, as text and (when it can be linked) as an `href`.
#[derive(Serialize)]
struct Document {
    text: String,
    href: Option<String>,
}

fn document(
    kind: EvidenceKind,
    path: Option<&str>,
    url: Option<&str>,
    audit_seq: Option<u64>,
    links: &EvidenceLinks<'_>,
) -> Document {
    match kind {
        EvidenceKind::File => {
            let p = path.unwrap_or_default();
            Document {
                text: p.to_string(),
                href: links.href(p),
            }
        }
        EvidenceKind::Url => {
            let u = url.unwrap_or_default();
            Document {
                text: u.to_string(),
                href: web_href(u),
            }
        }
        EvidenceKind::AuditEntry => Document {
            text: format!("audit-log entry {}", audit_seq.unwrap_or_default()),
            href: None,
        },
    }
}

/// An evidence record in a control's row.
#[derive(Serialize)]
pub(super) struct EvidenceCell<'a> {
    id: &'a str,
    title: &'a str,
    kind: &'static str,
    document: Document,
    reviewed_by: Option<&'a str>,
    expires: &'a str,
}

pub(super) fn cells<'a>(
    refs: &'a [EvidenceRef],
    titles: &HashMap<&str, &'a str>,
    links: &EvidenceLinks<'_>,
) -> Vec<EvidenceCell<'a>> {
    refs.iter()
        .map(|e| EvidenceCell {
            id: &e.id,
            title: titles.get(e.id.as_str()).copied().unwrap_or_default(),
            kind: e.kind.as_str(),
            document: document(
                e.kind,
                e.path.as_deref(),
                e.url.as_deref(),
                e.audit_seq,
                links,
            ),
            reviewed_by: e.reviewed_by.as_deref(),
            expires: &e.expires,
        })
        .collect()
}

/// The record titles of a report, by id.
pub(super) fn titles(r: &Report) -> HashMap<&str, &str> {
    r.evidence
        .iter()
        .map(|e| (e.id.as_str(), e.title.as_str()))
        .collect()
}

/// An evidence record in the "Evidence" section.
#[derive(Serialize)]
pub(super) struct RecordView<'a> {
    id: &'a str,
    title: &'a str,
    kind: &'static str,
    document: Document,
    controls: &'a [String],
    owner: &'a str,
    state: &'static str,
    state_words: &'static str,
    state_class: &'static str,
    state_icon: &'static str,
    attests: bool,
    review: &'static str,
    reviewed_by: Option<&'a str>,
    reviewed_at: Option<&'a str>,
    note: Option<&'a str>,
    collected: &'a str,
    expires: &'a str,
    days_left: i64,
    sha256: Option<&'a str>,
    current_sha256: Option<&'a str>,
    broken: Option<&'a str>,
    envoys: usize,
    source: &'a str,
}

/// Words, badge class and icon of a record's state: the state is always a word too.
fn state_badge(state: EvidenceState) -> (&'static str, &'static str, &'static str) {
    match state {
        EvidenceState::Attesting => ("attesting", "s-attested", "✎"),
        EvidenceState::Expiring => ("attesting, expiring", "s-partial", "⚠"),
        EvidenceState::Changed => ("changed since review", "s-uncovered", "✘"),
        EvidenceState::Expired => ("expired", "s-uncovered", "✘"),
        EvidenceState::NotYetCollected => ("not yet collected", "s-pending", "◷"),
        EvidenceState::PendingReview => ("pending review", "s-pending", "◷"),
        EvidenceState::Rejected => ("rejected", "s-uncovered", "✘"),
    }
}

pub(super) fn records<'a>(
    rows: &'a [EvidenceRow],
    links: &EvidenceLinks<'_>,
) -> Vec<RecordView<'a>> {
    rows.iter()
        .map(|e| {
            let (state_words, state_class, state_icon) = state_badge(e.state);
            RecordView {
                id: &e.id,
                title: &e.title,
                kind: e.kind.as_str(),
                document: document(
                    e.kind,
                    e.path.as_deref(),
                    e.url.as_deref(),
                    e.audit_seq,
                    links,
                ),
                controls: &e.controls,
                owner: &e.owner,
                state: e.state.as_str(),
                state_words,
                state_class,
                state_icon,
                attests: e.state.attests(),
                review: e.status.as_str(),
                reviewed_by: e.reviewed_by.as_deref(),
                reviewed_at: e.reviewed_at.as_deref(),
                note: e.note.as_deref(),
                collected: &e.collected,
                expires: &e.expires,
                days_left: e.days_left,
                sha256: e.sha256.as_deref(),
                current_sha256: e.current_sha256.as_deref(),
                broken: e.broken.as_deref(),
                envoys: e.envoys,
                source: &e.source,
            }
        })
        .collect()
}

/// A control declared not applicable, in the "Not applicable" section.
#[derive(Serialize)]
pub(super) struct DecisionView<'a> {
    id: &'a str,
    title: &'a str,
    rationale: &'a str,
    owner: &'a str,
    approved_by: &'a str,
    approved_at: &'a str,
    review_by: &'a str,
    decision: &'a str,
}

pub(super) fn decisions(rows: &[DecisionRow]) -> Vec<DecisionView<'_>> {
    rows.iter()
        .map(|d| DecisionView {
            id: &d.id,
            title: &d.title,
            rationale: &d.rationale,
            owner: &d.owner,
            approved_by: &d.approved_by,
            approved_at: &d.approved_at,
            review_by: &d.review_by,
            decision: &d.decision,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_relative_uri_references() {
        assert_eq!(
            uri_path("evidence/files/a b#1.md"),
            "evidence/files/a%20b%231.md"
        );
        assert_eq!(uri_path("é/x?.pdf"), "%C3%A9/x%3F.pdf");
        let links = EvidenceLinks::Relative("../../");
        assert_eq!(
            links.href("evidence/p.md").as_deref(),
            Some("../../evidence/p.md")
        );
        assert_eq!(EvidenceLinks::Text.href("evidence/p.md"), None);
    }

    #[test]
    fn only_web_addresses_become_links() {
        assert!(web_href("javascript:alert(1)").is_none());
        assert!(web_href("https://example.com/x").is_some());
    }

    #[test]
    fn links_lead_back_to_the_repository_only_from_inside_it() {
        let repo = tempfile::tempdir().expect("temp dir");
        let inside = repo.path().join("reports/site");
        assert_eq!(links_for(repo.path(), repo.path()).as_deref(), Some(""));
        assert_eq!(links_for(repo.path(), &inside).as_deref(), Some("../../"));
        let other = tempfile::tempdir().expect("temp dir");
        assert_eq!(links_for(repo.path(), other.path()), None);
        assert_eq!(links_for(repo.path(), &inside.join("../../..")), None);
    }
}

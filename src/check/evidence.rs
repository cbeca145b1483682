//! Evidence records for `vigocli evidence list` (the review notification, usable from cron
//! or CI, as `compliance waivers` is for waivers) and the evidence findings of
//! `compliance check` (docs/ci.md).

use super::Problem;
use crate::diag::{Code, Diagnostic};
use crate::model::{Evidence, EvidenceKind, EvidenceState, Model, ReviewStatus};
use serde::Serialize;

pub const LIST_SCHEMA: &str = "vigocli/evidence-list/v1";

/// A record's state with `window` as the expiring window: the loader dates records with
/// the configured window; a command with its own (`evidence list --expiring`,
/// `check --expiring-days`) moves records between attesting and expiring by the same rule.
pub fn state_within(e: &Evidence, window: i64) -> EvidenceState {
    if !e.state.attests() {
        e.state
    } else if e.days_left <= window {
        EvidenceState::Expiring
    } else {
        EvidenceState::Attesting
    }
}

/// Whether a record in this state needs someone to act before (or because) it stops
/// attesting: the states `evidence list --expiring` lists.
pub fn needs_attention(state: EvidenceState) -> bool {
    matches!(
        state,
        EvidenceState::Expiring | EvidenceState::Expired | EvidenceState::Changed
    )
}

#[derive(Debug, Serialize)]
pub struct EvidenceEntry {
    pub id: String,
    pub state: EvidenceState,
    pub title: String,
    pub kind: EvidenceKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audit_seq: Option<u64>,
    /// The pinned SHA-256 of a file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// What the file hashes to now, when that differs from the pinned hash.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_sha256: Option<String>,
    /// Why a `changed` record is no longer intact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub broken: Option<String>,
    pub collected: String,
    pub expires: String,
    pub days_left: i64,
    pub owner: String,
    pub status: ReviewStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reviewed_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reviewed_at: Option<String>,
    /// Every control the record names, as written.
    pub controls: Vec<String>,
    /// How many envoys it attests on (0 unless attesting).
    pub envoys: usize,
    /// `file:line` of the record.
    pub source: String,
}

#[derive(Debug, Serialize)]
pub struct EvidenceList {
    pub schema: &'static str,
    pub as_of: String,
    /// The notification window in days (`--expiring`, else vigocli.toml, else 30).
    pub expiring_days: i64,
    /// Whether only changed, expired and expiring records are listed (`--expiring` given).
    pub attention_only: bool,
    /// The framework `--framework` named (its id), when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub framework: Option<String>,
    pub evidence: Vec<EvidenceEntry>,
}

/// Whether a record names a counted control of framework `fw` (a profile counts the
/// controls of its base that it selects).
fn names_framework(model: &Model, fw: usize, e: &Evidence) -> bool {
    let f = &model.catalog.frameworks[fw];
    e.controls
        .iter()
        .any(|c| c.framework == f.base && f.counted.contains(&c.control))
}

/// The records (those naming framework `fw`, when given), sorted by expiry date (soonest
/// first), then by where they are written.
pub fn list(
    model: &Model,
    fw: Option<usize>,
    expiring_days: i64,
    attention_only: bool,
) -> EvidenceList {
    let mut evidence: Vec<EvidenceEntry> = model
        .evidence
        .iter()
        .filter(|e| fw.is_none_or(|fw| names_framework(model, fw, e)))
        .filter_map(|e| {
            let state = state_within(e, expiring_days);
            if attention_only && !needs_attention(state) {
                return None;
            }
            Some(EvidenceEntry {
                id: e.id.clone(),
                state,
                title: e.title.clone(),
                kind: e.kind,
                path: e.path.clone(),
                url: e.url.clone(),
                audit_seq: e.audit_seq,
                sha256: e.sha256.clone(),
                current_sha256: match e.kind {
                    EvidenceKind::File if e.current_sha256 != e.sha256 => e.current_sha256.clone(),
                    _ => None,
                },
                broken: e.broken.clone(),
                collected: e.collected.to_string(),
                expires: e.expires.to_string(),
                days_left: e.days_left,
                owner: e.owner.clone(),
                status: e.status,
                reviewed_by: e.reviewed_by.clone(),
                reviewed_at: e.reviewed_at.map(|d| d.to_string()),
                controls: e.controls.iter().map(|c| c.written.clone()).collect(),
                envoys: e.applied_envoys,
                source: e.source.clone(),
            })
        })
        .collect();
    // Dates are YYYY-MM-DD, so their text sorts as they do.
    evidence.sort_by(|a, b| (&a.expires, &a.source).cmp(&(&b.expires, &b.source)));
    EvidenceList {
        schema: LIST_SCHEMA,
        as_of: crate::report::timestamp(model.as_of),
        expiring_days,
        attention_only,
        framework: fw.map(|fw| model.catalog.frameworks[fw].id.clone()),
        evidence,
    }
}

pub fn render_json(l: &EvidenceList) -> serde_json::Result<String> {
    let mut s = serde_json::to_string_pretty(l)?;
    s.push('\n');
    Ok(s)
}

pub fn render_table(l: &EvidenceList) -> String {
    use comfy_table::presets::UTF8_FULL_CONDENSED;
    use comfy_table::{Cell, CellAlignment, ContentArrangement, Table};
    let count = |s: EvidenceState| l.evidence.iter().filter(|e| e.state == s).count();
    let framework = l
        .framework
        .as_deref()
        .map(|f| format!(" for {}", crate::escape::terminal(f)))
        .unwrap_or_default();
    // With --expiring only the records that need attention are listed; the line counts
    // what is listed, so it says which those are.
    let mut out = if l.attention_only {
        format!(
            "evidence needing attention as of {}{framework}: {} changed, {} expired, {} expiring within {} days\n",
            l.as_of,
            count(EvidenceState::Changed),
            count(EvidenceState::Expired),
            count(EvidenceState::Expiring),
            l.expiring_days,
        )
    } else {
        format!(
            "evidence as of {}{framework}: {} attesting ({} expiring within {} days), {} changed, {} expired, {} pending review, {} rejected, {} not yet collected\n",
            l.as_of,
            count(EvidenceState::Attesting) + count(EvidenceState::Expiring),
            count(EvidenceState::Expiring),
            l.expiring_days,
            count(EvidenceState::Changed),
            count(EvidenceState::Expired),
            count(EvidenceState::PendingReview),
            count(EvidenceState::Rejected),
            count(EvidenceState::NotYetCollected),
        )
    };
    if l.evidence.is_empty() {
        return out;
    }
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .force_no_tty()
        .set_width(160)
        .set_header(vec![
            "state",
            "id",
            "expires",
            "days left",
            "owner",
            "reviewer",
            "controls",
            "source",
        ]);
    let text = |s: &str| Cell::new(crate::escape::terminal(s));
    for e in &l.evidence {
        t.add_row(vec![
            Cell::new(e.state.as_str()),
            text(&e.id),
            text(&e.expires),
            Cell::new(e.days_left).set_alignment(CellAlignment::Right),
            text(&e.owner),
            text(e.reviewed_by.as_deref().unwrap_or("-")),
            text(&e.controls.join(", ")),
            text(&e.source),
        ]);
    }
    out.push_str(&format!("{t}\n"));
    out
}

/// The evidence findings of `check`, over every record: a changed document fails the
/// check (it is no longer the one reviewed); expired records, and records that expire
/// within `window` days, warn.
pub fn problems(model: &Model, window: i64) -> (Vec<Problem>, Vec<Problem>) {
    let mut failures = Vec::new();
    let mut warnings = Vec::new();
    for e in &model.evidence {
        match state_within(e, window) {
            EvidenceState::Changed => failures.push(changed(e).into()),
            EvidenceState::Expired => warnings.push(
                Diagnostic::warning(
                    Code::EvidenceExpired,
                    format!(
                        "evidence `{}` expired on {}; it attests nothing; owner {}",
                        e.id, e.expires, e.owner
                    ),
                )
                .at(e.loc.clone())
                .help("collect the evidence again and have it reviewed, then update `collected` and `expires`")
                .into(),
            ),
            EvidenceState::Expiring => warnings.push(
                Diagnostic::warning(
                    Code::EvidenceExpiring,
                    format!(
                        "evidence `{}` expires on {} ({} day(s) left); owner {}",
                        e.id, e.expires, e.days_left, e.owner
                    ),
                )
                .at(e.loc.clone())
                .help("collect it again and have it reviewed before it expires, or its controls lose their attestation")
                .into(),
            ),
            _ => {}
        }
    }
    (failures, warnings)
}

/// `evidence-changed`: the record, its document, and for a file both hashes.
fn changed(e: &Evidence) -> Diagnostic {
    let what = match e.kind {
        EvidenceKind::File => {
            let path = e.path.as_deref().unwrap_or_default();
            let pinned = e.sha256.as_deref().unwrap_or("none");
            match &e.current_sha256 {
                Some(now) => format!(
                    "file `{path}` has changed since it was reviewed: pinned sha256 {pinned}, current sha256 {now}"
                ),
                None => format!(
                    "file `{path}` does not exist: pinned sha256 {pinned}, current sha256 none (no file)"
                ),
            }
        }
        _ => e
            .broken
            .clone()
            .unwrap_or_else(|| "the document is not the one reviewed".into()),
    };
    Diagnostic::error(
        Code::EvidenceChanged,
        format!("evidence `{}`: {what}; it attests nothing", e.id),
    )
    .at(e.loc.clone())
    .help(format!(
        "restore the reviewed document, or have the new one reviewed: `vigocli evidence review {} --accept --reviewer WHO` pins its hash",
        e.id
    ))
}

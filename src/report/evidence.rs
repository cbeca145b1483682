//! Evidence records and applicability decisions in a framework's report: the rows that
//! list them, their findings, and the `not_applicable` formula (docs/evidence.md).

use super::Status;
use crate::coverage::FrameworkCoverage;
use crate::diag::{Code, Diagnostic, Severity};
use crate::model::{Evidence, EvidenceKind, EvidenceState, Model, ReviewStatus};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// An evidence record as a control of the report names it.
#[derive(Debug, Clone, Serialize)]
pub struct EvidenceRef {
    pub id: String,
    pub kind: EvidenceKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audit_seq: Option<u64>,
    /// The pinned SHA-256 of a file; the leaf hash of an audit entry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reviewed_by: Option<String>,
    pub expires: String,
}

impl EvidenceRef {
    pub fn of(e: &Evidence) -> EvidenceRef {
        EvidenceRef {
            id: e.id.clone(),
            kind: e.kind,
            path: e.path.clone(),
            url: e.url.clone(),
            audit_seq: e.audit_seq,
            sha256: match e.kind {
                EvidenceKind::AuditEntry => e.current_sha256.clone(),
                _ => e.sha256.clone(),
            },
            reviewed_by: e.reviewed_by.clone(),
            expires: e.expires.to_string(),
        }
    }
}

/// An evidence record in the report's `evidence` list, with its state as of the run.
#[derive(Debug, Clone, Serialize)]
pub struct EvidenceRow {
    pub id: String,
    pub title: String,
    pub source: String,
    pub kind: EvidenceKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audit_seq: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// What the document hashes to now, when that differs from the pinned hash.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_sha256: Option<String>,
    /// The controls of this framework it names.
    pub controls: Vec<String>,
    pub owner: String,
    pub collected: String,
    pub expires: String,
    pub days_left: i64,
    pub status: ReviewStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reviewed_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reviewed_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub state: EvidenceState,
    /// Why a `changed` record is no longer intact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub broken: Option<String>,
    /// How many envoys it attests on (0 unless attesting).
    pub envoys: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub envoys_glob: Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
}

/// A control removed from the count by an applicability decision.
#[derive(Debug, Clone, Serialize)]
pub struct DecisionRow {
    pub id: String,
    pub title: String,
    pub status: Status,
    /// `file:line` of the decision.
    pub decision: String,
    pub rationale: String,
    pub owner: String,
    pub approved_by: String,
    pub approved_at: String,
    pub review_by: String,
}

/// The counted controls of the report's framework, collected once per report (not once
/// per record: thousands of records would rebuild it thousands of times).
fn counted(model: &Model, cov: &FrameworkCoverage) -> BTreeSet<u32> {
    model.catalog.frameworks[cov.framework]
        .counted
        .iter()
        .copied()
        .collect()
}

/// The controls of this framework a record names, as `framework:ID` in catalog spelling.
fn relevant(
    model: &Model,
    cov: &FrameworkCoverage,
    counted: &BTreeSet<u32>,
    e: &Evidence,
) -> Vec<String> {
    let cat = &model.catalog;
    let fw = &cat.frameworks[cov.framework];
    e.controls
        .iter()
        .filter(|c| c.framework == fw.base && counted.contains(&c.control))
        .map(|c| format!("{}:{}", fw.id, cat.control(c.framework, c.control).id))
        .collect()
}

pub(super) fn rows(model: &Model, cov: &FrameworkCoverage) -> Vec<EvidenceRow> {
    let counted = counted(model, cov);
    model
        .evidence
        .iter()
        .filter_map(|e| {
            let controls = relevant(model, cov, &counted, e);
            (!controls.is_empty()).then(|| EvidenceRow {
                id: e.id.clone(),
                title: e.title.clone(),
                source: e.source.clone(),
                kind: e.kind,
                path: e.path.clone(),
                url: e.url.clone(),
                audit_seq: e.audit_seq,
                sha256: EvidenceRef::of(e).sha256,
                current_sha256: match e.kind {
                    EvidenceKind::File if e.current_sha256 != e.sha256 => e.current_sha256.clone(),
                    _ => None,
                },
                controls,
                owner: e.owner.clone(),
                collected: e.collected.to_string(),
                expires: e.expires.to_string(),
                days_left: e.days_left,
                status: e.status,
                reviewed_by: e.reviewed_by.clone(),
                reviewed_at: e.reviewed_at.map(|d| d.to_string()),
                note: e.note.clone(),
                state: e.state,
                broken: e.broken.clone(),
                envoys: e.applied_envoys,
                envoys_glob: e.envoys_glob.clone(),
                labels: e.labels.clone(),
            })
        })
        .collect()
}

pub(super) fn decision_rows(model: &Model, cov: &FrameworkCoverage) -> Vec<DecisionRow> {
    let cat = &model.catalog;
    let base = cat.frameworks[cov.framework].base;
    cov.not_applicable
        .iter()
        .map(|&(c, d)| {
            let control = cat.control(base, c.0);
            let d = &model.decisions[d as usize];
            DecisionRow {
                id: control.id.clone(),
                title: control.title.clone(),
                status: Status::NotApplicable,
                decision: d.source.clone(),
                rationale: d.rationale.clone(),
                owner: d.owner.clone(),
                approved_by: d.approved_by.clone(),
                approved_at: d.approved_at.to_string(),
                review_by: d.review_by.to_string(),
            }
        })
        .collect()
}

/// `not_applicable` with its formula: how many counted controls the decisions remove, and
/// what `controls_total` is left.
pub(super) fn not_applicable_formula(cov: &FrameworkCoverage, total: u64) -> String {
    let n = cov.not_applicable.len() as u64;
    let decisions: BTreeSet<u32> = cov.not_applicable.iter().map(|&(_, d)| d).collect();
    format!(
        "controls removed by {} current applicability decision(s) = {n}; controls_total = {} counted − {n} not applicable = {total}",
        decisions.len(),
        total + n,
    )
}

/// The findings about this framework's evidence and decisions: a changed document is an
/// error (it attests nothing, and `check` fails), an expired or expiring record and a
/// lapsed decision are warnings, records that attest nothing yet are notes.
pub(super) fn findings(model: &Model, cov: &FrameworkCoverage) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let counted_controls = counted(model, cov);
    for e in &model.evidence {
        if relevant(model, cov, &counted_controls, e).is_empty() {
            continue;
        }
        let d = match e.state {
            EvidenceState::Changed => Diagnostic::error(
                Code::EvidenceChanged,
                format!(
                    "evidence `{}`: {}{}; it attests nothing",
                    e.id,
                    e.broken.as_deref().unwrap_or("the document is not the one reviewed"),
                    match (&e.sha256, &e.current_sha256) {
                        (Some(pinned), Some(now)) if e.kind == EvidenceKind::File => {
                            format!(" (reviewed sha256 {pinned}, now {now})")
                        }
                        _ => String::new(),
                    }
                ),
            )
            .help("restore the reviewed document, or have the new one reviewed: `vigocli evidence review ID --accept --reviewer WHO`"),
            EvidenceState::Expired => Diagnostic::warning(
                Code::EvidenceExpired,
                format!(
                    "evidence `{}` expired on {}; it attests nothing",
                    e.id, e.expires
                ),
            )
            .help("collect the evidence again and have it reviewed, then update `collected` and `expires`"),
            EvidenceState::Expiring => Diagnostic::warning(
                Code::EvidenceExpiring,
                format!(
                    "evidence `{}` expires on {} ({} day(s) left)",
                    e.id, e.expires, e.days_left
                ),
            )
            .help("collect it again before it expires, or its controls lose their attestation"),
            EvidenceState::PendingReview | EvidenceState::Rejected | EvidenceState::NotYetCollected => {
                Diagnostic::new(
                    Severity::Info,
                    Code::EvidenceNotAccepted,
                    format!(
                        "evidence `{}` is {}; it attests nothing",
                        e.id,
                        match e.state {
                            EvidenceState::Rejected => "rejected".to_string(),
                            EvidenceState::NotYetCollected =>
                                format!("collected on {}, after the as-of date", e.collected),
                            _ => "pending review".to_string(),
                        }
                    ),
                )
            }
            EvidenceState::Attesting => continue,
        };
        out.push(d.at(e.loc.clone()));
    }
    let cat = &model.catalog;
    let fw = &cat.frameworks[cov.framework];
    let counted: BTreeSet<u32> = fw.counted.iter().copied().collect();
    for d in &model.decisions {
        let names_this: Vec<&str> = d
            .controls
            .iter()
            .filter(|c| c.framework == fw.base)
            .filter(|c| {
                cat.subtree(fw.base, c.control)
                    .iter()
                    .any(|x| counted.contains(x))
            })
            .map(|c| c.written.as_str())
            .collect();
        if d.lapsed && !names_this.is_empty() {
            out.push(
                Diagnostic::warning(
                    Code::ApplicabilityLapsed,
                    format!(
                        "the decision that {} do(es) not apply was to be reviewed by {}; the controls count again",
                        names_this.join(", "),
                        d.review_by
                    ),
                )
                .at(d.loc.clone())
                .help("review the decision and set a new `review_by`, or remove it"),
            );
        }
    }
    if !cov.not_applicable.is_empty() {
        let claimed: BTreeSet<u32> = model
            .configcrates
            .iter()
            .flat_map(|c| c.claims.iter())
            .filter(|cl| cl.framework == fw.base)
            .map(|cl| cl.control)
            .collect();
        for &(c, d) in &cov.not_applicable {
            if claimed.contains(&c.0) {
                let decision = &model.decisions[d as usize];
                out.push(
                    Diagnostic::warning(
                        Code::ClaimedNotApplicable,
                        format!(
                            "{} {} is declared not applicable but a configcrate claims it",
                            fw.id,
                            cat.control(fw.base, c.0).id
                        ),
                    )
                    .at(decision.loc.clone())
                    .help("why claim what does not apply? Remove the tag, or the decision"),
                );
            }
        }
    }
    out
}

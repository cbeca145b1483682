//! The validated model that the coverage engine reads. Everything here has been checked:
//! names resolve, controls exist, dates parse. Indices are stable and sorted so that
//! every later step is deterministic.

mod findings;

pub use findings::{Finding, Ignored, IgnoredResult};

use crate::catalog::Catalog;
use crate::diag::Diagnostic;
use jiff::Timestamp;
use jiff::civil::Date;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Fleet or declared; serialises as `fleet` / `declared` (the report's `mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// An inventory lists the envoys.
    Fleet,
    /// No inventory: one virtual envoy that holds every configcrate.
    Declared,
}

impl std::fmt::Display for Mode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Fleet => "fleet",
            Mode::Declared => "declared",
        }
    }
}

/// Index into [`Model::envoys`] (hostname order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EnvoyIdx(pub u32);

/// Index into the catalog's frameworks (a base framework or a profile).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FrameworkIdx(pub usize);

/// Index into a base framework's controls (a profile borrows its base's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ControlIdx(pub u32);

impl std::ops::Index<EnvoyIdx> for Vec<Envoy> {
    type Output = Envoy;
    fn index(&self, i: EnvoyIdx) -> &Envoy {
        &self[i.0 as usize]
    }
}

impl std::ops::Index<FrameworkIdx> for Vec<crate::catalog::Framework> {
    type Output = crate::catalog::Framework;
    fn index(&self, i: FrameworkIdx) -> &crate::catalog::Framework {
        &self[i.0]
    }
}

pub const DECLARED_ENVOY: &str = "(repository)";

/// Where a claim on a control comes from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum ClaimSource {
    /// `compliance:` in the configcrate itself.
    Tag,
    /// `compliance:` in a `compliance.vgo` above it (the file).
    Inherited(Arc<str>),
    /// `provides:` a capability (capability index).
    Provides(usize),
    /// `bundle:` (bundle index).
    Bundle(usize),
}

#[derive(Debug, Clone)]
pub struct Claim {
    /// Base framework index.
    pub framework: usize,
    pub control: u32,
    pub source: ClaimSource,
}

#[derive(Debug, Clone)]
pub struct Configcrate {
    pub name: String,
    pub file: Arc<str>,
    pub claims: Vec<Claim>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TraitStatus {
    Pass,
    Fail,
}

#[derive(Debug, Clone)]
pub struct Envoy {
    /// Lower case: hostnames compare case-insensitively. Shared (not copied) by every
    /// report row that names the envoy.
    pub hostname: Arc<str>,
    /// Shared with its match block (and every envoy of the block) when the inventory gives
    /// it no labels of its own.
    pub labels: Arc<BTreeMap<String, String>>,
    pub environment: Option<Arc<str>>,
    /// Sorted configcrate indices, shared with its match block when the inventory does not
    /// assign its own.
    pub configcrates: Arc<[u32]>,
    /// The winning match block (`file:line`), or None when no block matched.
    pub matched: Option<Arc<str>>,
    /// Sorted indices of the active waivers that apply to this envoy: one list shared by
    /// every envoy it applies to alike (a fleet-wide waiver is not copied per envoy).
    pub waivers: Arc<[u32]>,
    /// Fresh Connwaer results: (capability index, status), sorted.
    pub traits: Vec<(usize, TraitStatus)>,
    pub last_converged: Option<Timestamp>,
    /// `last_converged` as reports print it, formatted once.
    pub last_converged_text: Option<Arc<str>>,
    pub status: Option<Arc<str>>,
    /// Sorted indices of the [`EvidenceClass`]es that apply to this envoy (each class
    /// holds the attesting evidence records with one filter; docs/evidence.md).
    pub evidence: Vec<u32>,
}

/// Serialises as `active`, `expiring`, `expired`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum WaiverState {
    Active,
    Expiring,
    Expired,
}

impl WaiverState {
    /// The one rule for a waiver's state: expired once its date is past (`days_left`
    /// negative), expiring while at most `window` days are left, else active. The loader
    /// applies it with `[waivers] expiring_days` (default
    /// [`DEFAULT_EXPIRING_DAYS`](crate::settings::DEFAULT_EXPIRING_DAYS)); a command
    /// with its own window (`--expiring`, `--expiring-days`) applies the same rule.
    pub fn of(days_left: i64, window: i64) -> WaiverState {
        if days_left < 0 {
            WaiverState::Expired
        } else if days_left <= window {
            WaiverState::Expiring
        } else {
            WaiverState::Active
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            WaiverState::Active => "active",
            WaiverState::Expiring => "expiring",
            WaiverState::Expired => "expired",
        }
    }
}

/// A control a waiver names: resolved to its base framework, and as written in the file.
#[derive(Debug, Clone)]
pub struct WaivedControl {
    /// Base framework index.
    pub framework: usize,
    pub control: u32,
    /// The spelling used in the file (`pci-dss:9.2.1`), for messages.
    pub written: String,
}

#[derive(Debug, Clone)]
pub struct Waiver {
    /// `file:line` of the entry: the waiver's stable identifier in reports.
    pub source: String,
    pub loc: crate::diag::Location,
    pub controls: Vec<WaivedControl>,
    pub rationale: String,
    pub owner: String,
    pub expires: Date,
    pub days_left: i64,
    pub state: WaiverState,
    /// Directory scope relative to the stacks root ("" = fleet-wide).
    pub scope_dir: String,
    pub envoys_glob: Option<String>,
    pub labels: BTreeMap<String, String>,
    /// Number of envoys it applies to (0 for expired waivers).
    pub applied_envoys: usize,
}

/// `kind:` of an evidence record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EvidenceKind {
    /// A document in the repository, pinned by its SHA-256.
    File,
    /// A document elsewhere, reviewed by a person; nothing to re-check offline.
    Url,
    /// An entry of the audit log, intact while the log verifies up to it.
    AuditEntry,
}

impl EvidenceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EvidenceKind::File => "file",
            EvidenceKind::Url => "url",
            EvidenceKind::AuditEntry => "audit-entry",
        }
    }
}

/// `status:` of an evidence record: where its review stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewStatus {
    PendingReview,
    Accepted,
    Rejected,
}

impl ReviewStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewStatus::PendingReview => "pending_review",
            ReviewStatus::Accepted => "accepted",
            ReviewStatus::Rejected => "rejected",
        }
    }
}

/// What an evidence record amounts to as of the run (docs/evidence.md): only `attesting`
/// and `expiring` records attest their controls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EvidenceState {
    /// Accepted, in date, intact.
    Attesting,
    /// Attesting, and expires within the expiring window.
    Expiring,
    /// Accepted, but the document is no longer the one reviewed (changed or missing file,
    /// audit entry gone or the log broken before it): attests nothing, an error finding.
    Changed,
    /// Accepted, but `expires` is before the run's date: attests nothing, a warning.
    Expired,
    /// Accepted, but `collected` is after the run's date: it does not speak for it yet.
    NotYetCollected,
    PendingReview,
    Rejected,
}

impl EvidenceState {
    pub fn as_str(self) -> &'static str {
        match self {
            EvidenceState::Attesting => "attesting",
            EvidenceState::Expiring => "expiring",
            EvidenceState::Changed => "changed",
            EvidenceState::Expired => "expired",
            EvidenceState::NotYetCollected => "not-yet-collected",
            EvidenceState::PendingReview => "pending-review",
            EvidenceState::Rejected => "rejected",
        }
    }

    /// Whether a record in this state attests its controls.
    pub fn attests(self) -> bool {
        matches!(self, EvidenceState::Attesting | EvidenceState::Expiring)
    }
}

/// One evidence record of `evidence/*.yaml`, validated and evaluated as of the run.
#[derive(Debug, Clone)]
pub struct Evidence {
    pub id: String,
    pub title: String,
    /// `file:line` of the record.
    pub source: String,
    pub loc: crate::diag::Location,
    pub controls: Vec<WaivedControl>,
    pub kind: EvidenceKind,
    /// Kind file: the repository-relative path as written.
    pub path: Option<String>,
    /// Kind url.
    pub url: Option<String>,
    /// Kind audit-entry.
    pub audit_seq: Option<u64>,
    /// The pinned SHA-256 (hex), for a file.
    pub sha256: Option<String>,
    /// What the file hashes to now (None: missing or not a file); for an audit entry, its
    /// leaf hash when the log verifies up to it.
    pub current_sha256: Option<String>,
    /// Why a `changed` record is no longer intact, in words.
    pub broken: Option<String>,
    pub collected: Date,
    pub expires: Date,
    pub days_left: i64,
    pub owner: String,
    pub status: ReviewStatus,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<Date>,
    pub note: Option<String>,
    pub envoys_glob: Option<String>,
    pub labels: BTreeMap<String, String>,
    pub state: EvidenceState,
    /// Number of envoys it applies to (0 unless it attests).
    pub applied_envoys: usize,
}

/// Attesting evidence records that share one filter (`envoys`, `labels`): an envoy that
/// matches the filter gets them all. Envoys hold class indices, so that 100,000 envoys
/// and thousands of records cost their sum, not their product.
#[derive(Debug, Clone, Default)]
pub struct EvidenceClass {
    /// Record indices, ascending.
    pub records: Vec<u32>,
}

/// An applicability decision (`not_applicable:` at the stacks root, docs/evidence.md).
#[derive(Debug, Clone)]
pub struct Decision {
    /// `file:line` of the entry.
    pub source: String,
    pub loc: crate::diag::Location,
    /// The controls (or headings) as named; each covers its descendants.
    pub controls: Vec<WaivedControl>,
    pub rationale: String,
    pub owner: String,
    pub approved_by: String,
    pub approved_at: Date,
    pub review_by: Date,
    /// `review_by` is before the run's date: the decision counts for nothing.
    pub lapsed: bool,
    /// `approved_at` is after the run's date: the decision did not exist yet at `as_of`.
    pub approved_later: bool,
}

#[derive(Debug)]
pub struct Model {
    pub catalog: Catalog,
    pub mode: Mode,
    pub as_of: Timestamp,
    pub configcrates: Vec<Configcrate>,
    /// Sorted by hostname.
    pub envoys: Vec<Envoy>,
    pub waivers: Vec<Waiver>,
    /// Warnings and notes made while loading (unmatched envoys, expired waivers, …), sorted;
    /// [`Model::findings`] lists them with the ignored Connwaer results.
    pub findings: Vec<Diagnostic>,
    /// Connwaer results that do not count (stale, future, undated, unknown envoy), sorted
    /// by location: findings made only when listed.
    pub ignored_results: Vec<IgnoredResult>,
    /// SHA-256 over every input file (path and content), hex.
    pub inputs_digest: String,
    /// Where each fresh failing Connwaer result came from: (envoy index, capability) → file position.
    pub fail_locations: BTreeMap<(u32, usize), crate::diag::Location>,
    /// Each framework's label filter, by framework index: `--scope` over its
    /// `[frameworks.<id>] scope` (by id or alias), resolved once by the loader.
    pub scopes: Vec<BTreeMap<String, String>>,
    /// Per framework, the mappings (indices into `catalog.mappings`) whose source claims
    /// count for it (`infer_from` in vigocli.toml); empty: nothing is inferred.
    pub inferred: Vec<Vec<u32>>,
    /// When each fresh Connwaer result that counts was checked: (envoy index, capability).
    pub trait_checked_at: BTreeMap<(u32, usize), Timestamp>,
    /// Every input file read (repository-relative path, SHA-256 hex), sorted by path.
    pub input_files: Vec<(String, String)>,
    /// Evidence records in file order (docs/evidence.md).
    pub evidence: Vec<Evidence>,
    /// The filter classes of the attesting records ([`Envoy::evidence`] points here).
    pub evidence_classes: Vec<EvidenceClass>,
    /// Applicability decisions in file order.
    pub decisions: Vec<Decision>,
    /// The envoys grouped by identical inputs, computed on first use and shared by every
    /// framework's coverage (crate::coverage::input_groups). The envoys must not change
    /// after it is computed: the loader finishes them before any coverage is computed.
    pub input_groups: std::sync::OnceLock<InputGroups>,
}

/// Envoys with identical inputs (configcrates, waivers, fresh Connwaer results, evidence
/// classes): `group_of[envoy]` is its group, groups numbered in order of first member.
#[derive(Debug, Default)]
pub struct InputGroups {
    pub group_of: Vec<u32>,
    pub count: usize,
}

impl Waiver {
    /// The controls as written, comma-separated, for messages.
    pub fn controls_written(&self) -> String {
        let written: Vec<&str> = self.controls.iter().map(|c| c.written.as_str()).collect();
        written.join(", ")
    }
}

impl Model {
    /// The controls of a base framework that current (not lapsed) decisions declare not
    /// applicable, each with the first decision that does (descendants of a named heading
    /// or control included), ascending by control.
    pub fn not_applicable(&self, base: usize) -> BTreeMap<u32, u32> {
        let mut out = BTreeMap::new();
        for (d, decision) in self.decisions.iter().enumerate() {
            if decision.lapsed || decision.approved_later {
                continue;
            }
            for c in decision.controls.iter().filter(|c| c.framework == base) {
                for idx in self.catalog.subtree(base, c.control) {
                    out.entry(idx).or_insert(d as u32);
                }
            }
        }
        out
    }

    /// The label filter of a framework (empty: every envoy is in scope).
    pub fn scope(&self, framework: usize) -> &BTreeMap<String, String> {
        static EMPTY: BTreeMap<String, String> = BTreeMap::new();
        self.scopes.get(framework).unwrap_or(&EMPTY)
    }
}

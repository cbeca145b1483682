//! The validated model that the coverage engine reads. Everything here has been checked:
//! names resolve, controls exist, dates parse. Indices are stable and sorted so that
//! every later step is deterministic.

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
    /// Lower case: hostnames compare case-insensitively.
    pub hostname: String,
    pub labels: BTreeMap<String, String>,
    pub environment: Option<String>,
    /// Sorted configcrate indices.
    pub configcrates: Vec<u32>,
    /// The winning match block (`file:line`), or None when no block matched.
    pub matched: Option<Arc<str>>,
    /// Sorted indices of the active waivers that apply to this envoy.
    pub waivers: Vec<u32>,
    /// Fresh Connwaer results: (capability index, status), sorted.
    pub traits: Vec<(usize, TraitStatus)>,
    pub last_converged: Option<Timestamp>,
    pub status: Option<String>,
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

#[derive(Debug)]
pub struct Model {
    pub catalog: Catalog,
    pub mode: Mode,
    pub as_of: Timestamp,
    pub configcrates: Vec<Configcrate>,
    /// Sorted by hostname.
    pub envoys: Vec<Envoy>,
    pub waivers: Vec<Waiver>,
    /// Warnings and notes found while loading (stale traits, unmatched envoys, …).
    pub findings: Vec<Diagnostic>,
    /// SHA-256 over every input file (path and content), hex.
    pub inputs_digest: String,
    /// Where each fresh failing Connwaer result came from: (envoy index, capability) → file position.
    pub fail_locations: BTreeMap<(u32, usize), crate::diag::Location>,
    /// Each framework's label filter, by framework index: `--scope` over its
    /// `[frameworks.<id>] scope` (by id or alias), resolved once by the loader.
    pub scopes: Vec<BTreeMap<String, String>>,
    /// When each fresh Connwaer result that counts was checked: (envoy index, capability).
    pub trait_checked_at: BTreeMap<(u32, usize), Timestamp>,
    /// Every input file read (repository-relative path, SHA-256 hex), sorted by path.
    pub input_files: Vec<(String, String)>,
}

impl Waiver {
    /// The controls as written, comma-separated, for messages.
    pub fn controls_written(&self) -> String {
        let written: Vec<&str> = self.controls.iter().map(|c| c.written.as_str()).collect();
        written.join(", ")
    }
}

impl Model {
    /// The label filter of a framework (empty: every envoy is in scope).
    pub fn scope(&self, framework: usize) -> &BTreeMap<String, String> {
        static EMPTY: BTreeMap<String, String> = BTreeMap::new();
        self.scopes.get(framework).unwrap_or(&EMPTY)
    }
}

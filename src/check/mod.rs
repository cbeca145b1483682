//! `vigocli compliance check`: validate the repository, then gate on coverage thresholds,
//! must-cover controls, waivers, evidence and a baseline report (docs/ci.md). Also the `waivers` and
//! `diff` commands, which share the report reading and the regression rules.
//!
//! Which frameworks are gated: every framework with a `[frameworks.<id>]` table in
//! vigocli.toml, every `--framework`, and the framework of every `--baseline`.

pub mod diff;
pub mod evidence;
pub mod gates;
mod plan;
pub mod waivers;

use crate::diag::{Code, Diagnostic, Severity};
use crate::exit::Exit;
use crate::model::{EnvoyIdx, Finding, Mode, Model, WaiverState};
use crate::report;
pub use plan::{CheckFlags, Plan, Target, plan};

use serde::Serialize;
use std::collections::BTreeMap;

pub const SCHEMA: &str = "vigocli/check-result/v1";

/// One control named by a gate, with its status (and its baseline status for a regression).
#[derive(Debug, Clone, Serialize)]
pub struct ControlRef {
    pub id: String,
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline_status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<&'static str>,
}

impl ControlRef {
    pub fn text(&self) -> String {
        match &self.baseline_status {
            Some(old) => format!("{} ({old} → {})", self.id, self.status),
            None if self.status == "contradicted" => self.id.clone(),
            None => format!("{} ({})", self.id, self.status),
        }
    }
}

/// A gate failure (severity error), a warning, a note, or an input error.
#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    #[serde(flatten)]
    pub diag: Diagnostic,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub framework: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub controls: Vec<ControlRef>,
}

impl Problem {
    /// The message with the control IDs and the help appended, for one-line formats
    /// (SARIF results, GitHub annotations): `controls` and `help` precede each part.
    pub fn one_message(&self, controls: &str, help: (&str, &str)) -> String {
        let mut msg = self.diag.message.clone();
        if !self.controls.is_empty() {
            msg.push_str(controls);
            msg.push_str(
                &self
                    .controls
                    .iter()
                    .map(|c| c.text())
                    .collect::<Vec<_>>()
                    .join(", "),
            );
        }
        if let Some(h) = &self.diag.help {
            msg.push_str(help.0);
            msg.push_str(h);
            msg.push_str(help.1);
        }
        msg
    }
}

impl From<Diagnostic> for Problem {
    fn from(diag: Diagnostic) -> Self {
        Problem {
            diag,
            framework: None,
            controls: Vec::new(),
        }
    }
}

/// The thresholds of one gated framework, as they apply in this run.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Thresholds {
    pub min_coverage: Option<f64>,
    pub min_covered: Option<f64>,
    pub min_assured: Option<f64>,
    pub must_cover: Vec<String>,
    pub max_partial: Option<u64>,
}

/// A gated framework and how it did.
#[derive(Debug, Serialize)]
pub struct FrameworkGate {
    pub id: String,
    pub name: String,
    pub version: String,
    pub scope: BTreeMap<String, String>,
    pub controls_total: u64,
    pub covered: u64,
    pub attested: u64,
    pub waived: u64,
    pub partial: u64,
    pub uncovered: u64,
    /// Controls removed by applicability decisions (not in `controls_total`).
    pub not_applicable: u64,
    pub coverage_pct: f64,
    pub covered_pct: f64,
    pub assured_pct: f64,
    pub thresholds: Thresholds,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<String>,
    pub passed: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Passed,
    Failed,
    Invalid,
}

impl Outcome {
    pub fn exit(self) -> Exit {
        match self {
            Outcome::Passed => Exit::Ok,
            Outcome::Failed => Exit::Failed,
            Outcome::Invalid => Exit::Invalid,
        }
    }
}

/// What `check` validated: a loaded repository (in its mode), or only the given files.
/// Serialises as `fleet`, `declared` or `files`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckMode {
    Fleet,
    Declared,
    Files,
}

impl From<Mode> for CheckMode {
    fn from(mode: Mode) -> Self {
        match mode {
            Mode::Fleet => CheckMode::Fleet,
            Mode::Declared => CheckMode::Declared,
        }
    }
}

impl std::fmt::Display for CheckMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            CheckMode::Fleet => "fleet",
            CheckMode::Declared => "declared",
            CheckMode::Files => "files",
        })
    }
}

/// Everything `check` found, in the order it is printed.
#[derive(Debug, Serialize)]
pub struct CheckResult {
    pub schema: &'static str,
    pub tool: report::Tool,
    pub as_of: String,
    pub mode: CheckMode,
    pub result: Outcome,
    pub exit_code: u8,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<String>,
    pub frameworks: Vec<FrameworkGate>,
    /// Input errors (exit 2), then gate failures (exit 1), then warnings and notes.
    pub problems: Vec<Problem>,
}

impl CheckResult {
    pub fn new(
        as_of: jiff::Timestamp,
        mode: CheckMode,
        files: Vec<String>,
        frameworks: Vec<FrameworkGate>,
        problems: Vec<Problem>,
        invalid: bool,
    ) -> Self {
        let result = if invalid {
            Outcome::Invalid
        } else if problems.iter().any(|p| p.diag.severity == Severity::Error) {
            Outcome::Failed
        } else {
            Outcome::Passed
        };
        CheckResult {
            schema: SCHEMA,
            tool: report::Tool::VIGOCLI,
            as_of: report::timestamp(as_of),
            mode,
            result,
            exit_code: result.exit() as u8,
            files,
            frameworks,
            problems,
        }
    }

    /// Input errors as a result, so that every output format can carry them.
    pub fn invalid(as_of: jiff::Timestamp, mode: CheckMode, diags: Vec<Diagnostic>) -> Self {
        Self::new(
            as_of,
            mode,
            Vec::new(),
            Vec::new(),
            diags.into_iter().map(Problem::from).collect(),
            true,
        )
    }
}

/// Runs every gate of the plan over a loaded model.
pub fn evaluate(model: &Model, plan: &Plan) -> CheckResult {
    let mut frameworks = Vec::new();
    let mut failures: Vec<Problem> = Vec::new();
    let mut warnings: Vec<Problem> = Vec::new();
    for t in &plan.targets {
        let rep = report::build_for_framework_with(model, t.framework, report::Detail::SUMMARY);
        let (gate, problems) = gates::gate_framework(&model.catalog, &rep, t);
        frameworks.push(gate);
        failures.extend(problems);
        // The reason behind a 0 % gate (a scope that matches no envoy, often a typo).
        warnings.extend(
            rep.findings
                .iter()
                .filter(|d| d.code == Code::NoEnvoysInScope)
                .map(|d| Problem {
                    diag: d.clone().at_opt(t.location.clone()),
                    framework: Some(rep.framework.id.clone()),
                    controls: Vec::new(),
                }),
        );
    }
    // Ignored Connwaer results (a large fleet has hundreds of thousands) beyond the first
    // FINDINGS_PER_CODE of their code cannot be listed: they are counted, not made.
    let mut ignored_seen: BTreeMap<Code, usize> = BTreeMap::new();
    let mut unlisted: BTreeMap<Code, usize> = BTreeMap::new();
    for f in model.findings() {
        if let Finding::Ignored(_) = f {
            let n = ignored_seen.entry(f.code()).or_insert(0);
            *n += 1;
            if *n > report::FINDINGS_PER_CODE {
                *unlisted.entry(f.code()).or_insert(0) += 1;
                continue;
            }
        }
        if f.code() == Code::ExpiredWaiver {
            // Expired waivers fail the check: they hide nothing any more, and say so late.
            let mut d = f.diagnostic(model);
            d.severity = Severity::Error;
            failures.push(d.into());
        } else if f.severity() != Severity::Error {
            warnings.push(f.diagnostic(model).into());
        }
    }
    // A changed evidence document fails; expired and expiring records warn.
    let (changed, dated) = evidence::problems(model, plan.expiring_days);
    failures.extend(changed);
    warnings.extend(dated);
    for w in &model.waivers {
        if WaiverState::of(w.days_left, plan.expiring_days) == WaiverState::Expiring {
            warnings.push(
                Diagnostic::warning(
                    Code::ExpiringWaiver,
                    format!(
                        "waiver for {} expires on {} ({} day(s) left); owner {}",
                        w.controls_written(),
                        w.expires,
                        w.days_left,
                        w.owner
                    ),
                )
                .at(w.loc.clone())
                .help("renew it (new `expires:` and rationale) or cover the control before it expires")
                .into(),
            );
        }
    }
    warnings.extend(contradictions(model));
    warnings.sort_by(|a, b| {
        (&a.diag.location, a.diag.code, &a.diag.message).cmp(&(
            &b.diag.location,
            b.diag.code,
            &b.diag.message,
        ))
    });
    let mut problems = failures;
    problems.extend(report::cap_per_code_counting(
        warnings,
        |p| p.diag.code,
        "warnings",
        &unlisted,
    ));
    CheckResult::new(
        model.as_of,
        model.mode.into(),
        Vec::new(),
        frameworks,
        problems,
        false,
    )
}

/// Contradicted claims over the base frameworks, one warning per envoy and failing
/// Connwaer check (every envoy, in or out of scope), from
/// [`crate::coverage::contradicted_claims`].
fn contradictions(model: &Model) -> Vec<Problem> {
    let cat = &model.catalog;
    let mut out = Vec::new();
    // Envoys with identical inputs contradict the same claims: found once per input group.
    let groups = crate::coverage::input_groups(model);
    let mut found_in: Vec<Option<Vec<crate::coverage::Contradiction>>> = vec![None; groups.count];
    for (ei, e) in model.envoys.iter().enumerate() {
        let found = found_in[groups.group_of[ei] as usize].get_or_insert_with(|| {
            crate::coverage::contradicted_claims(model, EnvoyIdx(ei as u32))
        });
        let ei = EnvoyIdx(ei as u32);
        for same_check in found.chunk_by(|a, b| a.capability == b.capability) {
            let cap = same_check[0].capability;
            let controls: Vec<ControlRef> = same_check
                .iter()
                .map(|c| ControlRef {
                    id: format!(
                        "{}:{}",
                        cat.frameworks[c.framework].id,
                        cat.control(c.framework.0, c.control.0).id
                    ),
                    status: "contradicted".into(),
                    baseline_status: None,
                    severity: None,
                })
                .collect();
            out.push(Problem {
                diag: Diagnostic::warning(
                    Code::ContradictedClaim,
                    format!(
                        "envoy `{}`: Connwaer check {} failed, but its configcrates claim {} control(s) that the check maps to",
                        e.hostname,
                        cat.capabilities[cap].name,
                        controls.len()
                    ),
                )
                .at_opt(model.fail_locations.get(&(ei.0, cap)).cloned())
                .help("fix the envoy or the configcrate: the claims stay counted, but an auditor will ask"),
                framework: None,
                controls,
            });
        }
    }
    out
}

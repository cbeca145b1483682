//! `vigocli compliance check`: validate the repository, then gate on coverage thresholds,
//! must-cover controls, waivers and a baseline report (SPEC §7). Also the `waivers` and
//! `diff` commands, which share the report reading and the regression rules.
//!
//! Which frameworks are gated: every framework with a `[frameworks.<id>]` table in
//! vigocli.toml, every `--framework`, and the framework of every `--baseline`.

pub mod diff;
pub mod gates;
pub mod render;
pub mod sarif;
pub mod waivers;

use crate::catalog::Catalog;
use crate::diag::{Code, Diagnostic, Location, Severity};
use crate::exit::Exit;
use crate::model::{Model, TraitStatus, WaiverState};
use crate::report;
use crate::settings::Settings;
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;

pub const SCHEMA: &str = "vigocli/check-result/v1";
/// Warnings of one code beyond this many are summarised (a 100,000-envoy fleet).
pub const WARNINGS_PER_CODE: usize = 100;

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
    pub waived: u64,
    pub partial: u64,
    pub uncovered: u64,
    pub coverage_pct: f64,
    pub covered_pct: f64,
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

/// Everything `check` found, in the order it is printed.
#[derive(Debug, Serialize)]
pub struct CheckResult {
    pub schema: &'static str,
    pub tool: report::Tool,
    pub as_of: String,
    /// `fleet`, `declared`, or `files` (only the given files were validated).
    pub mode: &'static str,
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
        mode: &'static str,
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
            tool: report::Tool {
                name: "vigocli",
                version: env!("CARGO_PKG_VERSION"),
            },
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
    pub fn invalid(as_of: jiff::Timestamp, mode: &'static str, diags: Vec<Diagnostic>) -> Self {
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

/// What to gate, merged from the flags and vigocli.toml.
pub struct Plan {
    pub targets: Vec<Target>,
    pub expiring_days: i64,
}

pub struct Target {
    pub framework: usize,
    pub thresholds: Thresholds,
    /// `[frameworks.<id>]` in vigocli.toml, where the thresholds come from.
    pub location: Option<Location>,
    pub baseline: Option<(String, diff::ReportFile)>,
}

/// Flags of `check` that the plan needs (kept apart from clap types).
pub struct CheckFlags<'a> {
    pub frameworks: &'a [String],
    pub min_coverage: Option<f64>,
    pub baselines: &'a [PathBuf],
    pub expiring_days: Option<i64>,
}

fn percent_ok(v: f64) -> bool {
    v.is_finite() && (0.0..=100.0).contains(&v)
}

pub fn plan(
    settings: &Settings,
    catalog: &Catalog,
    flags: &CheckFlags<'_>,
) -> Result<Plan, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let mut targets: Vec<Target> = Vec::new();
    for (id, fc) in &settings.frameworks {
        // load() has already rejected unknown framework tables.
        let Some(fw) = catalog.framework_index(id) else {
            continue;
        };
        if targets.iter().any(|t| t.framework == fw) {
            continue;
        }
        let location = Some(fc.location.clone());
        for (key, v) in [
            ("min_coverage", fc.min_coverage),
            ("min_covered", fc.min_covered),
        ] {
            if let Some(v) = v.filter(|v| !percent_ok(*v)) {
                errors.push(
                    Diagnostic::error(
                        Code::BadConfig,
                        format!("`[frameworks.{id}] {key} = {v}` is not a percentage"),
                    )
                    .at_opt(location.clone())
                    .help("use a number from 0 to 100, e.g. 90 or 92.5"),
                );
            }
        }
        targets.push(Target {
            framework: fw,
            thresholds: Thresholds {
                min_coverage: fc.min_coverage,
                min_covered: fc.min_covered,
                must_cover: fc.must_cover.iter().map(|c| c.control.clone()).collect(),
                max_partial: fc.max_partial,
            },
            location,
            baseline: None,
        });
    }
    let mut flagged = Vec::new();
    for name in flags.frameworks {
        let Some(fw) = catalog.framework_index(name) else {
            errors.push(
                Diagnostic::error(
                    Code::UnknownFramework,
                    format!("--framework `{name}` names no framework"),
                )
                .help(crate::catalog::suggest_framework(catalog, name)),
            );
            continue;
        };
        flagged.push(fw);
        if !targets.iter().any(|t| t.framework == fw) {
            targets.push(Target {
                framework: fw,
                thresholds: Thresholds::default(),
                location: None,
                baseline: None,
            });
        }
    }
    if let Some(min) = flags.min_coverage {
        if !percent_ok(min) {
            errors.push(
                Diagnostic::error(
                    Code::BadArgument,
                    format!("--min-coverage {min} is not a percentage"),
                )
                .help("use a number from 0 to 100, e.g. --min-coverage 90"),
            );
        } else if flags.frameworks.is_empty() && targets.is_empty() {
            errors.push(
                Diagnostic::error(Code::BadArgument, "--min-coverage has no framework to gate")
                    .help("add --framework ID, or a `[frameworks.<id>]` table to vigocli.toml"),
            );
        }
        for t in &mut targets {
            if flagged.is_empty() || flagged.contains(&t.framework) {
                t.thresholds.min_coverage = Some(min);
            }
        }
    }
    for path in flags.baselines {
        match diff::read_report_file(path) {
            Ok(r) => {
                let display = path.display().to_string();
                let Some(fw) = catalog.framework_index(&r.framework.id) else {
                    errors.push(
                        Diagnostic::error(
                            Code::BadReport,
                            format!(
                                "baseline `{display}` is a report of `{}`, which no catalog defines",
                                r.framework.id
                            ),
                        )
                        .help("pass a report of a framework this repository defines"),
                    );
                    continue;
                };
                let idx = match targets.iter().position(|t| t.framework == fw) {
                    Some(i) => i,
                    None => {
                        targets.push(Target {
                            framework: fw,
                            thresholds: Thresholds::default(),
                            location: None,
                            baseline: None,
                        });
                        targets.len() - 1
                    }
                };
                if let Some((other, _)) = &targets[idx].baseline {
                    errors.push(
                        Diagnostic::error(
                            Code::BadArgument,
                            format!(
                                "two baselines for {}: `{other}` and `{display}`",
                                r.framework.id
                            ),
                        )
                        .help("pass one baseline report per framework"),
                    );
                    continue;
                }
                targets[idx].baseline = Some((display, r));
            }
            Err(d) => errors.extend(d),
        }
    }
    let expiring_days = flags.expiring_days.unwrap_or(settings.expiring_days);
    if expiring_days < 0 {
        errors.push(
            Diagnostic::error(Code::BadArgument, "--expiring-days must not be negative")
                .help("use a number of days, e.g. --expiring-days 30"),
        );
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    targets.sort_by_key(|t| t.framework);
    Ok(Plan {
        targets,
        expiring_days,
    })
}

/// Runs every gate of the plan over a loaded model.
pub fn evaluate(model: &Model, plan: &Plan) -> CheckResult {
    let mut frameworks = Vec::new();
    let mut failures: Vec<Problem> = Vec::new();
    let mut warnings: Vec<Problem> = Vec::new();
    for t in &plan.targets {
        let rep = report::build_for_framework(model, t.framework);
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
    for d in &model.findings {
        if d.code == Code::ExpiredWaiver {
            // Expired waivers fail the check: they hide nothing any more, and say so late.
            let mut d = d.clone();
            d.severity = Severity::Error;
            failures.push(d.into());
        } else if d.severity != Severity::Error {
            warnings.push(d.clone().into());
        }
    }
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
    problems.extend(cap_per_code(warnings));
    CheckResult::new(
        model.as_of,
        model.mode.as_str(),
        Vec::new(),
        frameworks,
        problems,
        false,
    )
}

/// Contradicted claims over the base frameworks: an envoy whose configcrates claim a control
/// that a fresh failing Connwaer check of a mapped capability disproves.
fn contradictions(model: &Model) -> Vec<Problem> {
    let cat = &model.catalog;
    let mut out = Vec::new();
    for (ei, e) in model.envoys.iter().enumerate() {
        let failing: Vec<usize> = e
            .traits
            .iter()
            .filter(|(_, s)| *s == TraitStatus::Fail)
            .map(|(c, _)| *c)
            .collect();
        if failing.is_empty() {
            continue;
        }
        let claimed: HashSet<(usize, u32)> = e
            .configcrates
            .iter()
            .flat_map(|&c| model.configcrates[c as usize].claims.iter())
            .map(|cl| (cl.framework, cl.control))
            .collect();
        for cap in failing {
            let controls: Vec<ControlRef> = cat.capabilities[cap]
                .controls
                .iter()
                .filter(|fc| claimed.contains(fc))
                .map(|&(fw, control)| ControlRef {
                    id: format!("{}:{}", cat.frameworks[fw].id, cat.control(fw, control).id),
                    status: "contradicted".into(),
                    baseline_status: None,
                    severity: None,
                })
                .collect();
            if controls.is_empty() {
                continue;
            }
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
                .at_opt(model.fail_locations.get(&(ei as u32, cap)).cloned())
                .help("fix the envoy or the configcrate: the claims stay counted, but an auditor will ask"),
                framework: None,
                controls,
            });
        }
    }
    out
}

fn cap_per_code(problems: Vec<Problem>) -> Vec<Problem> {
    let mut seen: BTreeMap<Code, usize> = BTreeMap::new();
    let mut out = Vec::new();
    for p in problems {
        let n = seen.entry(p.diag.code).or_insert(0);
        *n += 1;
        if *n <= WARNINGS_PER_CODE {
            out.push(p);
        }
    }
    for (code, n) in seen {
        if n > WARNINGS_PER_CODE {
            out.push(
                Diagnostic::new(
                    Severity::Info,
                    Code::FindingsTruncated,
                    format!(
                        "{} more `{code}` warnings are not listed ({n} in all)",
                        n - WARNINGS_PER_CODE
                    ),
                )
                .into(),
            );
        }
    }
    out
}

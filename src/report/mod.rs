//! The report model (schema `vigocli/compliance-report/v1`) built from a coverage
//! result, and its renderings: JSON, HTML and terminal tables.

pub mod categories;
mod evidence;
pub mod html;
pub mod snapshot;
pub mod table;

pub use evidence::{DecisionRow, EvidenceRef, EvidenceRow};

use crate::coverage::{FrameworkCoverage, Status, contradicted_claims, pct, pct_hundredths};
use crate::diag::{Code, Diagnostic, Severity};
use crate::model::{FrameworkIdx, Mode, Model, WaiverState};
use jiff::Timestamp;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

pub const SCHEMA: &str = "vigocli/compliance-report/v1";
/// Findings of one code beyond this many are summarised in one closing finding.
pub const FINDINGS_PER_CODE: usize = 100;

#[derive(Debug, Serialize)]
pub struct Report {
    pub schema: &'static str,
    pub tool: Tool,
    pub generated_at: String,
    pub as_of: String,
    pub mode: Mode,
    pub framework: FrameworkInfo,
    pub scope: BTreeMap<String, String>,
    pub inputs_digest: String,
    pub summary: Summary,
    /// The counted controls by catalog category, with the summary's counts and percentages.
    pub categories: Vec<categories::CategoryRow>,
    pub controls: Vec<ControlRow>,
    pub envoys: Vec<EnvoyRow>,
    pub waivers: WaiverLists,
    /// The evidence records that name a counted control of this framework, in file order.
    pub evidence: Vec<EvidenceRow>,
    /// The controls current applicability decisions remove, in catalog order.
    pub not_applicable: Vec<DecisionRow>,
    pub findings: Vec<Diagnostic>,
}

#[derive(Debug, Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

impl Tool {
    /// This program, as every JSON output names it.
    pub const VIGOCLI: Tool = Tool {
        name: "vigocli",
        version: env!("CARGO_PKG_VERSION"),
    };
}

#[derive(Debug, Serialize)]
pub struct FrameworkInfo {
    pub id: String,
    pub name: String,
    pub version: String,
    pub source: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub based_on: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Summary {
    pub controls_total: u64,
    pub covered: u64,
    pub attested: u64,
    pub partial: u64,
    pub waived: u64,
    pub uncovered: u64,
    /// Counted controls removed by applicability decisions (not in `controls_total`).
    pub not_applicable: u64,
    pub coverage_pct: f64,
    pub covered_pct: f64,
    pub assured_pct: f64,
    pub envoys_in_scope: u64,
    pub envoy_mean_pct: Option<f64>,
    pub weakest_envoy: Option<Weakest>,
    /// With `infer_from`: covered controls whose coverage rests on a mapping on at least
    /// one envoy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub covered_via_mapping: Option<u64>,
    /// Each number with the formula and the values it was computed from.
    pub formulas: BTreeMap<&'static str, String>,
}

#[derive(Debug, Serialize)]
pub struct Weakest {
    pub hostname: String,
    pub coverage_pct: f64,
}

#[derive(Debug, Serialize)]
pub struct ControlRow {
    pub id: String,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    pub status: Status,
    pub envoys_covered: u64,
    pub envoys_attested: u64,
    pub envoys_waived: u64,
    pub envoys_uncovered: u64,
    pub envoys_contradicted: u64,
    pub configcrates: Vec<String>,
    pub capabilities: Vec<String>,
    pub connwaer: Vec<String>,
    pub envoys_connwaer_only: u64,
    /// The evidence records that attest it on at least one in-scope envoy.
    pub evidence: Vec<EvidenceRef>,
    /// With `infer_from`: in-scope envoys covered only through a mapping.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub envoys_via_mapping: Option<u64>,
    /// The mapping pairs that cover it on those envoys.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub via_mapping: Vec<ViaMapping>,
    pub waivers: Vec<String>,
    pub uncovered_envoys: Vec<String>,
    pub last_converged: Option<String>,
}

/// A mapping pair behind a control covered through `infer_from`.
#[derive(Debug, Serialize)]
pub struct ViaMapping {
    /// The mapping's id.
    pub mapping: String,
    /// Its source controls, as `framework:ID`.
    pub from: Vec<String>,
    pub relationship: &'static str,
}

#[derive(Debug, Serialize)]
pub struct EnvoyRow {
    pub hostname: Arc<str>,
    pub coverage_pct: f64,
    pub covered_pct: f64,
    pub assured_pct: f64,
    pub covered: u32,
    pub attested: u32,
    pub waived: u32,
    pub uncovered: u32,
    pub last_converged: Option<Arc<str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment: Option<Arc<str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Arc<str>>,
}

#[derive(Debug, Default, Serialize)]
pub struct WaiverLists {
    pub active: Vec<WaiverRow>,
    pub expiring: Vec<WaiverRow>,
    pub expired: Vec<WaiverRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct WaiverRow {
    pub source: String,
    pub controls: Vec<String>,
    pub rationale: String,
    pub owner: String,
    pub expires: String,
    pub days_left: i64,
    pub state: WaiverState,
    pub envoys: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub envoys_glob: Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
}

pub fn timestamp(t: Timestamp) -> String {
    // Second precision, UTC, `Z`: stable and what auditors' tools parse. Truncated, never
    // rounded up: a time printed must never lie in the future of the instant it stands for
    // (an audit entry rounded up could be later than the next append's clock).
    t.round(
        jiff::TimestampRound::new()
            .smallest(jiff::Unit::Second)
            .mode(jiff::RoundMode::Trunc),
    )
    .map(|t| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
    .unwrap_or_else(|_| t.to_string())
}

/// The report of one framework with its resolved scope ([`Model::scope`]).
pub fn build_for_framework(model: &Model, fw: usize) -> Report {
    build_for_framework_with(model, fw, Detail::FULL)
}

/// What a report carries besides its summary, categories and control rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Detail {
    /// One row per envoy in scope.
    pub envoy_rows: bool,
    /// Every finding, instead of [`FINDINGS_PER_CODE`] per code and a count of the rest.
    pub all_findings: bool,
}

impl Detail {
    /// What `report` writes by default.
    pub const FULL: Detail = Detail {
        envoy_rows: true,
        all_findings: false,
    };
    /// No per-envoy rows (`envoys` is empty; the summary, computed from every envoy, is
    /// complete): for commands that show only summaries, categories and control rows
    /// (`status`, `check`, `snapshot`, `trend --from-git`), so that a 100,000-envoy fleet does
    /// not format 100,000 rows per framework to throw them away. Never written as a report
    /// document.
    pub const SUMMARY: Detail = Detail {
        envoy_rows: false,
        all_findings: false,
    };
}

/// The report of framework `fw` with the rows `detail` asks for.
pub fn build_for_framework_with(model: &Model, fw: usize, detail: Detail) -> Report {
    let cov = crate::coverage::compute(model, FrameworkIdx(fw), model.scope(fw));
    build_rows(model, &cov, detail)
}

pub fn build(model: &Model, cov: &FrameworkCoverage) -> Report {
    build_rows(model, cov, Detail::FULL)
}

fn build_rows(model: &Model, cov: &FrameworkCoverage, detail: Detail) -> Report {
    let cat = &model.catalog;
    let fw = &cat.frameworks[cov.framework];
    let base = fw.base;
    let total = cov.total();
    let covered = cov.count(Status::Covered);
    let attested = cov.count(Status::Attested);
    let waived = cov.count(Status::Waived);
    let partial = cov.count(Status::Partial);
    let uncovered = cov.count(Status::Uncovered);
    let n_envoys = cov.envoys.len() as u64;
    let sum_envoy: u128 = cov
        .envoys
        .iter()
        .map(|e| u128::from(e.covered + e.attested + e.waived))
        .sum();
    let weakest = cov
        .envoys
        .iter()
        .min_by(|a, b| {
            // lowest coverage; ties to the smallest hostname (envoys are in hostname order)
            (u128::from(a.covered + a.attested + a.waived))
                .cmp(&u128::from(b.covered + b.attested + b.waived))
                .then(a.envoy.cmp(&b.envoy))
        })
        .map(|e| Weakest {
            hostname: model.envoys[e.envoy].hostname.to_string(),
            coverage_pct: pct(
                u128::from(e.covered + e.attested + e.waived),
                u128::from(total as u32),
            ),
        });
    let not_applicable = cov.not_applicable.len() as u64;
    let infers = model
        .inferred
        .get(cov.framework.0)
        .is_some_and(|m| !m.is_empty());
    let covered_via_mapping = infers.then(|| {
        cov.controls
            .iter()
            .filter(|c| c.status == Status::Covered && c.envoys_via_mapping > 0)
            .count() as u64
    });
    // A repository without evidence records shows the formulas it always did (docs/evidence.md).
    let with_evidence = !model.evidence.is_empty();
    let mut formulas = BTreeMap::new();
    formulas.insert(
        "coverage_pct",
        if with_evidence {
            format!("100 × (covered + attested + waived) / controls_total = 100 × ({covered} + {attested} + {waived}) / {total} = {}", fmt_pct(covered + attested + waived, total))
        } else {
            format!("100 × (covered + waived) / controls_total = 100 × ({covered} + {waived}) / {total} = {}", fmt_pct(covered + waived, total))
        },
    );
    formulas.insert(
        "assured_pct",
        format!(
            "100 × (covered + attested) / controls_total = 100 × ({covered} + {attested}) / {total} = {}",
            fmt_pct(covered + attested, total)
        ),
    );
    formulas.insert(
        "not_applicable",
        evidence::not_applicable_formula(cov, total),
    );
    formulas.insert(
        "covered_pct",
        format!(
            "100 × covered / controls_total = 100 × {covered} / {total} = {}",
            fmt_pct(covered, total)
        ),
    );
    if let Some(k) = covered_via_mapping {
        let ids: Vec<&str> = model.inferred[cov.framework.0]
            .iter()
            .map(|&m| cat.mappings[m as usize].id.as_str())
            .collect();
        formulas.insert(
            "covered_via_mapping",
            format!(
                "covered controls whose coverage rests on a mapping on at least one envoy = {k} of covered = {covered} (infer_from, mappings: {})",
                ids.join(", ")
            ),
        );
    }
    formulas.insert(
        "envoy_mean_pct",
        if n_envoys == 0 {
            "mean of per-envoy coverage_pct over 0 envoys in scope: undefined".to_string()
        } else {
            format!(
                "mean over {n_envoys} envoys of 100 × ({}) / controls_total = 100 × {sum_envoy} / ({n_envoys} × {total}) = {}",
                if with_evidence { "covered + attested + waived" } else { "covered + waived" },
                fmt_pct_u128(sum_envoy, u128::from(n_envoys) * u128::from(total))
            )
        },
    );

    let crate_name = |i: u32| model.configcrates[i as usize].name.clone();
    let controls: Vec<ControlRow> = cov
        .controls
        .iter()
        .map(|c| {
            let ctl = cat.control(base, c.control.0);
            ControlRow {
                id: ctl.id.clone(),
                title: ctl.title.clone(),
                category: ctl.category.clone(),
                status: c.status,
                envoys_covered: c.envoys_covered,
                envoys_attested: c.envoys_attested,
                envoys_waived: c.envoys_waived,
                envoys_uncovered: c.envoys_uncovered,
                envoys_contradicted: c.envoys_contradicted,
                configcrates: c.configcrates.iter().map(|&i| crate_name(i)).collect(),
                capabilities: c
                    .capabilities
                    .iter()
                    .map(|&i| cat.capabilities[i].name.clone())
                    .collect(),
                connwaer: c
                    .connwaer
                    .iter()
                    .map(|&i| cat.capabilities[i].name.clone())
                    .collect(),
                envoys_connwaer_only: c.envoys_connwaer_only,
                evidence: c
                    .evidence
                    .iter()
                    .map(|&i| EvidenceRef::of(&model.evidence[i as usize]))
                    .collect(),
                envoys_via_mapping: infers.then_some(c.envoys_via_mapping),
                via_mapping: c
                    .via_mapping
                    .iter()
                    .map(|&(m, p)| {
                        let m = &cat.mappings[m as usize];
                        let pair = &m.pairs[p as usize];
                        let from_fw = &cat.frameworks[m.from];
                        ViaMapping {
                            mapping: m.id.clone(),
                            from: pair
                                .from
                                .iter()
                                .map(|&c| format!("{}:{}", from_fw.id, cat.control(m.from, c).id))
                                .collect(),
                            relationship: pair.relationship.as_str(),
                        }
                    })
                    .collect(),
                waivers: c
                    .waivers
                    .iter()
                    .map(|&i| model.waivers[i as usize].source.clone())
                    .collect(),
                uncovered_envoys: c
                    .uncovered_envoys
                    .iter()
                    .map(|&i| model.envoys[i].hostname.to_string())
                    .collect(),
                last_converged: c.last_converged.map(timestamp),
            }
        })
        .collect();
    let envoys = cov
        .envoys
        .iter()
        .filter(|_| detail.envoy_rows)
        .map(|e| {
            let env = &model.envoys[e.envoy];
            EnvoyRow {
                hostname: env.hostname.clone(),
                coverage_pct: pct(
                    u128::from(e.covered + e.attested + e.waived),
                    u128::from(total as u32),
                ),
                covered_pct: pct(u128::from(e.covered), u128::from(total as u32)),
                assured_pct: pct(u128::from(e.covered + e.attested), u128::from(total as u32)),
                covered: e.covered,
                attested: e.attested,
                waived: e.waived,
                uncovered: e.uncovered,
                last_converged: env.last_converged_text.clone(),
                environment: env.environment.clone(),
                status: env.status.clone(),
            }
        })
        .collect();

    let counted: BTreeSet<u32> = fw.counted.iter().copied().collect();
    let mut waivers = WaiverLists::default();
    for w in &model.waivers {
        let relevant: Vec<String> = w
            .controls
            .iter()
            .filter(|c| c.framework == base && counted.contains(&c.control))
            .map(|c| {
                let (f, id) = (c.framework, c.control);
                format!("{}:{}", cat.frameworks[f].id, cat.control(f, id).id)
            })
            .collect();
        if relevant.is_empty() {
            continue;
        }
        let row = WaiverRow {
            source: w.source.clone(),
            controls: relevant,
            rationale: w.rationale.clone(),
            owner: w.owner.clone(),
            expires: w.expires.to_string(),
            days_left: w.days_left,
            state: w.state,
            envoys: w.applied_envoys,
            envoys_glob: w.envoys_glob.clone(),
            labels: w.labels.clone(),
        };
        match w.state {
            WaiverState::Expired => waivers.expired.push(row),
            WaiverState::Expiring => {
                waivers.expiring.push(row.clone());
                waivers.active.push(row);
            }
            WaiverState::Active => waivers.active.push(row),
        }
    }

    // The model's warnings are counted, and only those listed are copied.
    let mut findings: Capped<Diagnostic> = if detail.all_findings {
        Capped::unlimited()
    } else {
        Capped::default()
    };
    for f in model.findings().filter(|f| f.severity() != Severity::Error) {
        findings.offer(f.code(), || f.diagnostic(model));
    }
    for d in contradiction_findings(model, cov, detail.all_findings)
        .into_iter()
        .chain(evidence::findings(model, cov))
    {
        findings.offer(d.code, || d);
    }
    if n_envoys == 0 {
        findings.offer(Code::NoEnvoysInScope, || {
            Diagnostic::warning(
                Code::NoEnvoysInScope,
                format!(
                    "no envoy is in the scope of {} ({}): every control is uncovered",
                    fw.id,
                    scope_text(&cov.scope, "no scope")
                ),
            )
            .help("check the framework's scope labels against the envoys' labels")
        });
    }
    let findings = findings.finish("findings");

    let tally = categories::Tally {
        covered,
        attested,
        partial,
        waived,
        uncovered,
    };
    debug_assert_eq!(tally.total(), total);
    let categories = categories::rollup(
        &controls,
        cov.not_applicable
            .iter()
            .map(|&(c, _)| cat.control(base, c.0).category.as_deref()),
    );

    Report {
        schema: SCHEMA,
        tool: Tool::VIGOCLI,
        generated_at: timestamp(model.as_of),
        as_of: timestamp(model.as_of),
        mode: model.mode,
        framework: FrameworkInfo {
            id: fw.id.clone(),
            name: fw.name.clone(),
            version: fw.version.clone(),
            source: fw.source.clone(),
            based_on: (base != cov.framework.0).then(|| cat.frameworks[base].id.clone()),
        },
        scope: cov.scope.clone(),
        inputs_digest: model.inputs_digest.clone(),
        summary: Summary {
            controls_total: total,
            covered,
            attested,
            partial,
            waived,
            uncovered,
            not_applicable,
            coverage_pct: tally.coverage_pct(),
            covered_pct: tally.covered_pct(),
            assured_pct: tally.assured_pct(),
            envoys_in_scope: n_envoys,
            envoy_mean_pct: (n_envoys > 0)
                .then(|| pct(sum_envoy, u128::from(n_envoys) * u128::from(total))),
            weakest_envoy: weakest,
            covered_via_mapping,
            formulas,
        },
        categories,
        controls,
        envoys,
        waivers,
        evidence: evidence::rows(model, cov),
        not_applicable: evidence::decision_rows(model, cov),
        findings,
    }
}

/// A scope as `k=v, k=v`, or `empty` when there is none.
/// What a report's findings amount to, one line for the table and the note on stderr
/// (the same count and words in both): its warnings, about the inputs and about this
/// framework's coverage. `None` without warnings.
pub fn warnings_line(report: &Report) -> Option<String> {
    let count = |sev: Severity| report.findings.iter().filter(|f| f.severity == sev).count();
    let (errors, warnings) = (count(Severity::Error), count(Severity::Warning));
    let what = match (errors, warnings) {
        (0, 0) => return None,
        (0, w) => format!("{w} warning(s)"),
        (e, 0) => format!("{e} error(s)"),
        (e, w) => format!("{e} error(s) and {w} warning(s)"),
    };
    Some(format!(
        "{what} under `findings` in the JSON report (about the inputs and this framework's coverage)"
    ))
}

/// One line with the three percentages side by side, for the terminal after a report was
/// written to a file: technical proof, proof, and proof plus accepted risk.
pub fn headline(report: &Report) -> String {
    let s = &report.summary;
    let mut line = format!(
        "{}: covered {} · assured {} · coverage {} of {} controls",
        report.framework.id,
        pct_text(s.covered_pct),
        pct_text(s.assured_pct),
        pct_text(s.coverage_pct),
        s.controls_total,
    );
    if s.not_applicable > 0 {
        line.push_str(&format!(" ({} not applicable)", s.not_applicable));
    }
    line
}

fn pct_text(p: f64) -> String {
    format!("{p:.2} %")
}

pub(crate) fn scope_text(scope: &BTreeMap<String, String>, empty: &str) -> String {
    if scope.is_empty() {
        empty.into()
    } else {
        scope
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

pub fn fmt_pct(num: u64, den: u64) -> String {
    fmt_pct_u128(u128::from(num), u128::from(den))
}

pub fn fmt_pct_u128(num: u128, den: u128) -> String {
    let h = pct_hundredths(num, den);
    format!("{}.{:02} %", h / 100, h % 100)
}

/// A `contradicted-claim` warning per contradicted (envoy, control): the first
/// [`crate::coverage::CONTRADICTED_LIMIT`] and a count of the rest, or with `all` every one,
/// in hostname order.
fn contradiction_findings(model: &Model, cov: &FrameworkCoverage, all: bool) -> Vec<Diagnostic> {
    let cat = &model.catalog;
    let base = cat.frameworks[cov.framework].base;
    let every: Vec<(crate::model::EnvoyIdx, u32)>;
    let pairs: &[(crate::model::EnvoyIdx, u32)] = if all {
        every = cov
            .envoys
            .iter()
            .flat_map(|e| {
                cov.groups[e.group as usize]
                    .contradicted
                    .ones()
                    .map(move |p| (e.envoy, p as u32))
            })
            .collect();
        &every
    } else {
        &cov.contradicted
    };
    pairs
        .iter()
        .map(|&(ei, p)| {
            let envoy = &model.envoys[ei];
            let control = cov.controls[p as usize].control;
            // The failing checks behind this (envoy, control), from the one computation.
            let mut failing: Vec<usize> = contradicted_claims(model, ei)
                .into_iter()
                .filter(|c| (c.framework, c.control) == (FrameworkIdx(base), control))
                .map(|c| c.capability)
                .collect();
            failing.dedup();
            let names: Vec<&str> = failing.iter().map(|&c| cat.capabilities[c].name.as_str()).collect();
            let loc = failing.first().and_then(|&c| model.fail_locations.get(&(ei.0, c))).cloned();
            Diagnostic::warning(
                Code::ContradictedClaim,
                format!(
                    "envoy `{}`: {} {} is claimed by a configcrate but Connwaer check {} failed",
                    envoy.hostname,
                    cat.frameworks[cov.framework].id,
                    cat.control(base, control.0).id,
                    names.join(", ")
                ),
            )
            .at_opt(loc)
            .help("fix the envoy or the configcrate: the claim stays counted, but an auditor will ask")
        })
        .chain((!all && cov.contradicted_total > cov.contradicted.len() as u64).then(|| {
            Diagnostic::new(
                Severity::Info,
                Code::FindingsTruncated,
                format!(
                    "{} more `contradicted-claim` findings are not listed ({} in all)",
                    cov.contradicted_total - cov.contradicted.len() as u64,
                    cov.contradicted_total
                ),
            )
        }))
        .collect()
}

/// Keeps at most [`FINDINGS_PER_CODE`] items of each code (in order) and says, in one
/// `findings-truncated` note per code, how many more `noun` there were, so that a
/// 100,000-envoy fleet still gets a readable report (and `check` a readable list).
pub fn cap_per_code<T: From<Diagnostic>>(
    items: Vec<T>,
    code: impl Fn(&T) -> Code,
    noun: &str,
) -> Vec<T> {
    cap_per_code_counting(items, code, noun, &BTreeMap::new())
}

/// [`cap_per_code`], counting also `unlisted` items per code that were left out before
/// (items that come after the first [`FINDINGS_PER_CODE`] of their code in `items`' order).
pub fn cap_per_code_counting<T: From<Diagnostic>>(
    items: Vec<T>,
    code: impl Fn(&T) -> Code,
    noun: &str,
    unlisted: &BTreeMap<Code, usize>,
) -> Vec<T> {
    let mut capped = Capped::default();
    for item in items {
        let c = code(&item);
        capped.offer(c, || item);
    }
    for (&c, &n) in unlisted {
        *capped.seen.entry(c).or_insert(0) += n;
    }
    capped.finish(noun)
}

/// [`cap_per_code`] as items arrive: an item is only made (cloned, formatted) when it is
/// kept, so the hundreds of thousands of per-envoy findings of a large fleet are counted,
/// not copied, into each report.
pub struct Capped<T> {
    seen: BTreeMap<Code, usize>,
    out: Vec<T>,
    limit: usize,
}

impl<T> Default for Capped<T> {
    fn default() -> Self {
        Capped {
            seen: BTreeMap::new(),
            out: Vec::new(),
            limit: FINDINGS_PER_CODE,
        }
    }
}

impl<T> Capped<T> {
    /// Keeps every item (`--findings all`).
    pub fn unlimited() -> Self {
        Capped {
            limit: usize::MAX,
            ..Capped::default()
        }
    }
}

impl<T: From<Diagnostic>> Capped<T> {
    /// Counts an item of `code`, and keeps it (made by `make`) if fewer than
    /// [`FINDINGS_PER_CODE`] of its code were kept before.
    pub fn offer(&mut self, code: Code, make: impl FnOnce() -> T) {
        let n = self.seen.entry(code).or_insert(0);
        *n += 1;
        if *n <= self.limit {
            self.out.push(make());
        }
    }

    /// The kept items in the order offered, then one `findings-truncated` note per code that
    /// had more, in code order.
    pub fn finish(mut self, noun: &str) -> Vec<T> {
        for (code, n) in self.seen {
            if n > self.limit {
                self.out.push(T::from(Diagnostic::new(
                    Severity::Info,
                    Code::FindingsTruncated,
                    format!(
                        "{} more `{code}` {noun} are not listed ({n} in all)",
                        n - self.limit
                    ),
                )));
            }
        }
        self.out
    }
}

/// The JSON report written to `out` as it is serialised: the bytes of [`to_json`].
pub fn write_json(report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    use std::io::Write as _;
    // The serialiser writes token by token: buffered here, each write is a copy, not a call
    // through `out`'s vtable.
    let mut buf = std::io::BufWriter::with_capacity(1 << 16, out);
    serde_json::to_writer_pretty(&mut buf, report)?;
    buf.write_all(b"\n")?;
    buf.flush()
}

pub fn to_json(report: &Report) -> serde_json::Result<String> {
    let mut s = serde_json::to_string_pretty(report)?;
    s.push('\n');
    Ok(s)
}

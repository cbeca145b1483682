//! The gates of one framework: thresholds, must-cover controls and the baseline.

use super::{ControlRef, FrameworkGate, Problem, Target};
use crate::catalog::Catalog;
use crate::coverage::Status;
use crate::diag::{Code, Diagnostic};
use crate::report::{Report, fmt_pct};
use std::collections::HashMap;

/// Severity of a regression from `old` to `new` (None when it is not one).
pub fn severity(old: Status, new: Status) -> Option<&'static str> {
    if new.rank() >= old.rank() {
        return None;
    }
    Some(match (old, new) {
        (Status::Covered, Status::Uncovered) => "critical",
        (Status::Covered, Status::Partial) | (Status::Waived, Status::Uncovered) => "high",
        _ => "medium",
    })
}

/// [`severity`] of two statuses as written in report files (None when either is not a
/// status, or when it is not a regression).
pub fn regression_severity(old: &str, new: &str) -> Option<&'static str> {
    severity(Status::parse(old)?, Status::parse(new)?)
}

/// Worst first: critical, high, then medium.
pub fn severity_order(s: &str) -> u8 {
    match s {
        "critical" => 0,
        "high" => 1,
        _ => 2,
    }
}

fn exact_pct(num: u64, den: u64) -> f64 {
    if den == 0 {
        0.0
    } else {
        100.0 * num as f64 / den as f64
    }
}

fn refs<'a>(
    report: &'a Report,
    keep: impl Fn(Status) -> bool + 'a,
) -> impl Iterator<Item = ControlRef> + 'a {
    report
        .controls
        .iter()
        .filter(move |c| keep(c.status))
        .map(|c| ControlRef {
            id: c.id.clone(),
            status: c.status.as_str().to_string(),
            baseline_status: None,
            severity: None,
        })
}

pub fn gate_framework(
    catalog: &Catalog,
    report: &Report,
    target: &Target,
) -> (FrameworkGate, Vec<Problem>) {
    let s = &report.summary;
    let id = report.framework.id.clone();
    let th = &target.thresholds;
    let mut problems = Vec::new();
    let mut fail = |code: Code, message: String, help: &str, controls: Vec<ControlRef>| {
        problems.push(Problem {
            diag: Diagnostic::error(code, message)
                .at_opt(target.location.clone())
                .help(help),
            framework: Some(id.clone()),
            controls,
        });
    };

    if let Some(min) = th.min_coverage {
        // coverage_pct counts every proof and waivers (docs/semantics.md).
        let counted = s.covered + s.attested + s.waived;
        let actual = exact_pct(counted, s.controls_total);
        if actual < min {
            fail(
                Code::CoverageBelowMinimum,
                format!(
                    "{id}: coverage {} is below the minimum {min:.2} %",
                    fmt_pct(counted, s.controls_total)
                ),
                "cover (or, with a rationale and an expiry, waive) the controls listed, or lower the threshold deliberately",
                refs(report, |st| {
                    matches!(st, Status::Partial | Status::Uncovered)
                })
                .collect(),
            );
        }
    }
    if let Some(min) = th.min_covered {
        let actual = exact_pct(s.covered, s.controls_total);
        if actual < min {
            fail(
                Code::CoveredBelowMinimum,
                format!(
                    "{id}: covered {} (waivers not counted) is below the minimum {min:.2} %",
                    fmt_pct(s.covered, s.controls_total)
                ),
                "cover the controls listed: waivers do not count towards min_covered",
                refs(report, |st| st != Status::Covered).collect(),
            );
        }
    }
    if let Some(min) = th.min_assured {
        let actual = exact_pct(s.covered + s.attested, s.controls_total);
        if actual < min {
            fail(
                Code::AssuredBelowMinimum,
                format!(
                    "{id}: assured {} (covered + attested, waivers not counted) is below the minimum {min:.2} %",
                    fmt_pct(s.covered + s.attested, s.controls_total)
                ),
                "cover the controls listed, or prove them with reviewed evidence (`vigocli evidence add`, then `evidence review --accept`): waivers do not count towards min_assured",
                refs(report, |st| {
                    !matches!(st, Status::Covered | Status::Attested)
                })
                .collect(),
            );
        }
    }
    if !th.must_cover.is_empty() {
        let by_id: HashMap<&str, Status> = report
            .controls
            .iter()
            .map(|c| (c.id.as_str(), c.status))
            .collect();
        let fw = catalog.framework_index(&id);
        let mut missing = Vec::new();
        for text in &th.must_cover {
            let canonical = fw
                .and_then(|fw| catalog.resolve_control(fw, text).ok())
                .map(|(base, c)| catalog.control(base, c).id.clone())
                .unwrap_or_else(|| text.clone());
            let status = by_id.get(canonical.as_str()).copied();
            if status != Some(Status::Covered) {
                missing.push(ControlRef {
                    id: canonical,
                    status: status
                        .map_or("not counted in this framework", Status::as_str)
                        .to_string(),
                    baseline_status: None,
                    severity: None,
                });
            }
        }
        if !missing.is_empty() {
            fail(
                Code::MustCoverNotCovered,
                format!(
                    "{id}: {} must-cover control(s) not covered: {}",
                    missing.len(),
                    missing
                        .iter()
                        .map(|c| c.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                "tag a configcrate that every in-scope envoy has with these controls (a waiver does not satisfy must_cover)",
                missing,
            );
        }
    }
    if let Some(max) = th.max_partial
        && s.partial > max
    {
        fail(
            Code::TooManyPartial,
            format!(
                "{id}: {} controls are partial, more than max_partial = {max}",
                s.partial
            ),
            "assign the claiming configcrates to the envoys listed under `uncovered_envoys` in the JSON report",
            refs(report, |st| st == Status::Partial).collect(),
        );
    }
    if let Some((file, base)) = &target.baseline {
        let old: HashMap<&str, &str> = base
            .controls
            .iter()
            .map(|c| (c.id.as_str(), c.status.as_str()))
            .collect();
        // The baseline is a file read back: its statuses are text until parsed here.
        let mut regressed: Vec<ControlRef> = report
            .controls
            .iter()
            .filter_map(|c| {
                let was = old.get(c.id.as_str())?;
                let sev = severity(Status::parse(was)?, c.status)?;
                Some(ControlRef {
                    id: c.id.clone(),
                    status: c.status.as_str().to_string(),
                    baseline_status: Some((*was).to_string()),
                    severity: Some(sev),
                })
            })
            .collect();
        // Worst first; catalog order within a severity (the sort is stable).
        regressed.sort_by_key(|c| severity_order(c.severity.unwrap_or("medium")));
        if !regressed.is_empty() {
            let d = Diagnostic::error(
                Code::ControlRegressed,
                format!(
                    "{id}: {} control(s) regressed since the baseline `{file}` (as of {})",
                    regressed.len(),
                    base.as_of
                ),
            )
            .help("restore the coverage, or refresh the baseline if the change is intended");
            problems.push(Problem {
                diag: d,
                framework: Some(id.clone()),
                controls: regressed,
            });
        }
    }

    let passed = problems.is_empty();
    let gate = FrameworkGate {
        id: id.clone(),
        name: report.framework.name.clone(),
        version: report.framework.version.clone(),
        scope: report.scope.clone(),
        controls_total: s.controls_total,
        covered: s.covered,
        attested: s.attested,
        waived: s.waived,
        partial: s.partial,
        uncovered: s.uncovered,
        not_applicable: s.not_applicable,
        coverage_pct: s.coverage_pct,
        covered_pct: s.covered_pct,
        assured_pct: s.assured_pct,
        thresholds: th.clone(),
        baseline: target.baseline.as_ref().map(|(f, _)| f.clone()),
        passed,
    };
    (gate, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regressions_rank_statuses() {
        assert_eq!(
            regression_severity("covered", "uncovered"),
            Some("critical")
        );
        assert_eq!(regression_severity("covered", "partial"), Some("high"));
        assert_eq!(regression_severity("waived", "uncovered"), Some("high"));
        assert_eq!(regression_severity("covered", "waived"), Some("medium"));
        assert_eq!(regression_severity("partial", "uncovered"), Some("medium"));
        assert_eq!(regression_severity("uncovered", "covered"), None);
        assert_eq!(regression_severity("waived", "waived"), None);
    }
}

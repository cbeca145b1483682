//! `--format markdown`: GitHub-flavoured Markdown for `$GITHUB_STEP_SUMMARY` and pull-request
//! comments: the verdict, one table row per gated framework, then the problems (input
//! errors, gate failures, warnings, notes), capped at GitHub's comment limit.

use super::{Format, counts};
use crate::check::{CheckMode, CheckResult, Outcome, Problem};
use crate::diag::{Diagnostic, Severity};
use crate::output::markdown::{GITHUB_COMMENT_LIMIT, cap, capped_list, md};
use std::fmt::Write as _;

pub struct Markdown;

impl Format for Markdown {
    fn render(&self, result: &CheckResult) -> Result<String, Vec<Diagnostic>> {
        Ok(cap(
            markdown(result),
            GITHUB_COMMENT_LIMIT,
            "Run `vigocli compliance check --format json` for every problem.",
        ))
    }
}

fn markdown(r: &CheckResult) -> String {
    let (errors, warnings) = counts(r);
    let mut out = String::new();
    let verdict = match r.result {
        Outcome::Passed => "passed".to_string(),
        Outcome::Failed => format!("failed: {errors} gate failure(s)"),
        Outcome::Invalid => format!("failed: {errors} input error(s), fix the inputs first"),
    };
    let _ = writeln!(out, "## vigocli compliance check {verdict}\n");
    let what = if r.mode == CheckMode::Files {
        format!("{} file(s)", r.files.len())
    } else {
        format!("{} mode", r.mode)
    };
    let _ = writeln!(
        out,
        "As of {}, {what}; {warnings} warning(s).\n",
        md(&r.as_of)
    );
    if !r.frameworks.is_empty() {
        out.push_str("| framework | coverage | assured | covered | partial | result | gates |\n");
        out.push_str("| --- | ---: | ---: | ---: | ---: | --- | --- |\n");
        for f in &r.frameworks {
            let th = &f.thresholds;
            let mut gates = Vec::new();
            if let Some(v) = th.min_coverage {
                gates.push(format!("min\\_coverage {v:.2} %"));
            }
            if let Some(v) = th.min_covered {
                gates.push(format!("min\\_covered {v:.2} %"));
            }
            if let Some(v) = th.min_assured {
                gates.push(format!("min\\_assured {v:.2} %"));
            }
            if !th.must_cover.is_empty() {
                gates.push(format!("must\\_cover {}", th.must_cover.len()));
            }
            if let Some(v) = th.max_partial {
                gates.push(format!("max\\_partial {v}"));
            }
            if let Some(b) = &f.baseline {
                gates.push(format!("baseline {}", md(b)));
            }
            let _ = writeln!(
                out,
                "| {} ({}) | {:.2} % | {:.2} % | {:.2} % | {} | {} | {} |",
                md(&f.id),
                md(&f.name),
                f.coverage_pct,
                f.assured_pct,
                f.covered_pct,
                f.partial,
                if f.passed { "passed" } else { "**failed**" },
                if gates.is_empty() {
                    "none".to_string()
                } else {
                    gates.join(", ")
                }
            );
        }
        out.push('\n');
    }
    let errors_title = if r.result == Outcome::Invalid {
        "Input errors"
    } else {
        "Gate failures"
    };
    for (title, severity) in [
        (errors_title, Severity::Error),
        ("Warnings", Severity::Warning),
        ("Notes", Severity::Info),
    ] {
        let list: Vec<&Problem> = r
            .problems
            .iter()
            .filter(|p| p.diag.severity == severity)
            .collect();
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(out, "### {title} ({})\n", list.len());
        for p in list {
            problem(p, &mut out);
        }
        out.push('\n');
    }
    out
}

/// One problem as a list item: code, message and place, then its controls and the fix.
fn problem(p: &Problem, out: &mut String) {
    let place = p
        .diag
        .location
        .as_ref()
        .filter(|l| !l.file.starts_with("built-in:"))
        .map(|l| {
            if l.line > 0 {
                format!(" ({}:{}:{})", md(&l.file), l.line, l.col)
            } else {
                format!(" ({})", md(&l.file))
            }
        })
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "- **{}**: {}{place}",
        p.diag.code.as_str(),
        md(&p.diag.message)
    );
    if !p.controls.is_empty() {
        let ids: Vec<String> = p.controls.iter().map(|c| md(&c.text())).collect();
        let _ = writeln!(
            out,
            "  - controls ({}): {}",
            p.controls.len(),
            capped_list(&ids)
        );
    }
    if let Some(help) = &p.diag.help {
        let _ = writeln!(out, "  - fix: {}", md(help));
    }
}

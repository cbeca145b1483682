//! Renderings of a check result: plain text, JSON, GitHub workflow annotations.
//! (SARIF lives in `sarif.rs`.)

use super::{CheckMode, CheckResult, Outcome, Problem};
use crate::diag::Severity;
use crate::escape::{github_data, github_property, terminal};
use std::fmt::Write as _;

fn counts(r: &CheckResult) -> (usize, usize) {
    let errors = r
        .problems
        .iter()
        .filter(|p| p.diag.severity == Severity::Error)
        .count();
    let warnings = r
        .problems
        .iter()
        .filter(|p| p.diag.severity == Severity::Warning)
        .count();
    (errors, warnings)
}

/// Control lists wrapped at about 100 columns, indented under the diagnostic.
fn control_lines(p: &Problem, out: &mut String) {
    if p.controls.is_empty() {
        return;
    }
    let _ = write!(out, "  = controls ({}):", p.controls.len());
    let mut width = 100;
    for (i, c) in p.controls.iter().enumerate() {
        let text = terminal(&c.text()).into_owned();
        let sep = if i + 1 < p.controls.len() { "," } else { "" };
        if width + text.len() > 96 {
            out.push_str("\n     ");
            width = 5;
        }
        let _ = write!(out, " {text}{sep}");
        width += text.len() + 2;
    }
    out.push('\n');
}

pub fn human(r: &CheckResult) -> String {
    let mut out = String::new();
    if r.mode == CheckMode::Files {
        let _ = writeln!(
            out,
            "vigocli compliance check: {} file(s), as of {}",
            r.files.len(),
            r.as_of
        );
    } else {
        let _ = writeln!(
            out,
            "vigocli compliance check: {} mode, as of {}",
            r.mode, r.as_of
        );
    }
    for f in &r.frameworks {
        let th = &f.thresholds;
        let mut limits = Vec::new();
        if let Some(v) = th.min_coverage {
            limits.push(format!("min_coverage {v:.2} %"));
        }
        if let Some(v) = th.min_covered {
            limits.push(format!("min_covered {v:.2} %"));
        }
        if !th.must_cover.is_empty() {
            limits.push(format!("must_cover {}", th.must_cover.len()));
        }
        if let Some(v) = th.max_partial {
            limits.push(format!("max_partial {v}"));
        }
        if let Some(b) = &f.baseline {
            limits.push(format!("baseline {}", terminal(b)));
        }
        let _ = writeln!(
            out,
            "  {:<16} coverage {:>6.2} %  covered {:>6.2} %  partial {:<4} {}  [{}]",
            terminal(&f.id),
            f.coverage_pct,
            f.covered_pct,
            f.partial,
            if f.passed { "passed" } else { "FAILED" },
            if limits.is_empty() {
                "no threshold".to_string()
            } else {
                limits.join(", ")
            }
        );
    }
    if !r.problems.is_empty() {
        out.push('\n');
    }
    for p in &r.problems {
        out.push_str(&p.diag.render());
        control_lines(p, &mut out);
        out.push('\n');
    }
    out.push_str(&summary_line(r));
    out
}

fn summary_line(r: &CheckResult) -> String {
    let (errors, warnings) = counts(r);
    let mut out = String::new();
    let _ = match r.result {
        Outcome::Passed => writeln!(out, "check passed: {warnings} warning(s)"),
        Outcome::Failed => writeln!(
            out,
            "check failed: {errors} gate failure(s), {warnings} warning(s)"
        ),
        Outcome::Invalid => writeln!(
            out,
            "check failed: {errors} input error(s), {warnings} warning(s); fix the inputs first"
        ),
    };
    out
}

pub fn json(r: &CheckResult) -> serde_json::Result<String> {
    let mut s = serde_json::to_string_pretty(r)?;
    s.push('\n');
    Ok(s)
}

pub fn github(r: &CheckResult) -> String {
    let mut out = String::new();
    for p in &r.problems {
        let level = match p.diag.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut props = Vec::new();
        if let Some(loc) = &p.diag.location
            && !loc.file.starts_with("built-in:")
        {
            props.push(format!("file={}", github_property(&terminal(&loc.file))));
            if loc.line > 0 {
                props.push(format!("line={}", loc.line));
                props.push(format!("col={}", loc.col));
            }
        }
        props.push(format!(
            "title={}",
            github_property(&format!("vigocli {}", p.diag.code))
        ));
        // The data's own control characters are escaped first, so only the separators
        // added here become (encoded) line breaks inside the annotation.
        let mut shown = p.clone();
        shown.diag.message = terminal(&p.diag.message).into_owned();
        shown.diag.help = p.diag.help.as_deref().map(|h| terminal(h).into_owned());
        for c in &mut shown.controls {
            c.id = terminal(&c.id).into_owned();
            c.status = terminal(&c.status).into_owned();
            c.baseline_status = c
                .baseline_status
                .as_deref()
                .map(|s| terminal(s).into_owned());
        }
        let msg = shown.one_message("\ncontrols: ", ("\nhelp: ", ""));
        let _ = writeln!(out, "::{level} {}::{}", props.join(","), github_data(&msg));
    }
    // The plain summary after the annotations, for the job log.
    for f in &r.frameworks {
        let _ = writeln!(
            out,
            "{}: coverage {:.2} %, covered {:.2} %, {} partial: {}",
            terminal(&f.id),
            f.coverage_pct,
            f.covered_pct,
            f.partial,
            if f.passed { "passed" } else { "FAILED" }
        );
    }
    out.push_str(&summary_line(r));
    out
}

//! `--format human`: plain text for people and logs.

use super::{Format, summary_line};
use crate::check::{CheckMode, CheckResult, Problem};
use crate::diag::Diagnostic;
use crate::escape::terminal;
use std::fmt::Write as _;

pub struct Human;

impl Format for Human {
    fn render(&self, result: &CheckResult) -> Result<String, Vec<Diagnostic>> {
        Ok(human(result))
    }
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

fn human(r: &CheckResult) -> String {
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
        if let Some(v) = th.min_assured {
            limits.push(format!("min_assured {v:.2} %"));
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
            "  {:<16} coverage {:>6.2} %  assured {:>6.2} %  covered {:>6.2} %  partial {:<4} {}  [{}]",
            terminal(&f.id),
            f.coverage_pct,
            f.assured_pct,
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

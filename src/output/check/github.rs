//! `--format github`: GitHub Actions workflow annotations, then the plain summary.

use super::{Format, summary_line};
use crate::check::CheckResult;
use crate::diag::{Diagnostic, Severity};
use crate::escape::{github_data, github_property, terminal};
use std::fmt::Write as _;

pub struct Github;

impl Format for Github {
    fn render(&self, result: &CheckResult) -> Result<String, Vec<Diagnostic>> {
        Ok(github(result))
    }
}

fn github(r: &CheckResult) -> String {
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
            "{}: coverage {:.2} %, assured {:.2} %, covered {:.2} %, {} partial: {}",
            terminal(&f.id),
            f.coverage_pct,
            f.assured_pct,
            f.covered_pct,
            f.partial,
            if f.passed { "passed" } else { "FAILED" }
        );
    }
    out.push_str(&summary_line(r));
    out
}

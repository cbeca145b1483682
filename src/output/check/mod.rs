//! The formats of `compliance check`. Each is one module implementing [`Format`]; a new
//! format is a new module plus one variant of [`CheckFormat`] and its arm in
//! [`CheckFormat::format`]. Shared here: the counts and the closing summary line.

mod github;
mod gitlab;
mod human;
mod json;
mod junit;
mod markdown;
mod sarif;

use super::serialise_failed;
use crate::check::{CheckResult, Outcome};
use crate::diag::{Diagnostic, Severity};
use std::fmt::Write as _;

pub use sarif::SARIF_SCHEMA;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckFormat {
    /// Plain text for people and logs.
    Human,
    /// `vigocli/check-result/v1`.
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// GitHub Actions workflow annotations.
    Github,
    /// GitHub-flavoured Markdown for a job summary or a pull-request comment (capped at 65,536 characters).
    Markdown,
    /// JUnit XML (Jenkins, GitLab test reports): a test case per gate and per failing control.
    Junit,
    /// GitLab Code Quality JSON, for the merge-request widget.
    Gitlab,
}

impl CheckFormat {
    /// The format's implementation.
    pub fn format(self) -> &'static dyn Format {
        match self {
            CheckFormat::Human => &human::Human,
            CheckFormat::Json => &json::Json,
            CheckFormat::Sarif => &sarif::Sarif,
            CheckFormat::Github => &github::Github,
            CheckFormat::Markdown => &markdown::Markdown,
            CheckFormat::Junit => &junit::Junit,
            CheckFormat::Gitlab => &gitlab::Gitlab,
        }
    }
}

/// What a check format does. Failures are `render-failed` diagnostics, never empty output.
pub trait Format: Sync {
    fn render(&self, result: &CheckResult) -> Result<String, Vec<Diagnostic>>;
}

pub(super) fn counts(r: &CheckResult) -> (usize, usize) {
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

pub(super) fn summary_line(r: &CheckResult) -> String {
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

//! `--format gitlab`: a GitLab Code Quality report (`artifacts:reports:codequality`), so
//! that findings show in the merge-request widget and inline in the diff. A JSON array, one
//! entry per error, warning and note, each valid against the schema GitLab validates entries
//! with (docs/ci.md § GitLab Code Quality).

use super::Format;
use crate::check::{CheckResult, Outcome, Problem};
use crate::diag::{Diagnostic, Severity};
use crate::output::serialise_failed;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

pub struct Gitlab;

impl Format for Gitlab {
    fn render(&self, result: &CheckResult) -> Result<String, Vec<Diagnostic>> {
        let mut text = serde_json::to_string_pretty(&entries(result))
            .map_err(|e| serialise_failed("the Code Quality report", e))?;
        text.push('\n');
        Ok(text)
    }
}

#[derive(Serialize)]
struct Entry {
    description: String,
    check_name: String,
    fingerprint: String,
    severity: &'static str,
    categories: [&'static str; 1],
    location: Location,
}

#[derive(Serialize)]
struct Location {
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
}

/// GitLab's severities: an input error blocks everything (`blocker`), a gate failure fails
/// the check (`critical`), a warning is `minor`, a note `info`.
fn severity(p: &Problem, result: Outcome) -> &'static str {
    match (p.diag.severity, result) {
        (Severity::Error, Outcome::Invalid) => "blocker",
        (Severity::Error, _) => "critical",
        (Severity::Warning, _) => "minor",
        (Severity::Info, _) => "info",
    }
}

fn entries(r: &CheckResult) -> Vec<Entry> {
    let mut seen: BTreeMap<String, u32> = BTreeMap::new();
    r.problems
        .iter()
        .map(|p| {
            let (path, line) = match &p.diag.location {
                Some(l) if !l.file.starts_with("built-in:") => {
                    (l.file.trim_start_matches("./").to_string(), l.line.max(1))
                }
                // A gate set on the command line, a built-in catalog: no file of the
                // repository to point at, so the repository itself.
                _ => (".".to_string(), 1),
            };
            let fingerprint = fingerprint(p, &path, &mut seen);
            Entry {
                description: p.one_message("; controls: ", ("; fix: ", "")),
                check_name: format!("vigocli/{}", p.diag.code.as_str()),
                fingerprint,
                severity: severity(p, r.result),
                categories: ["Security"],
                location: Location {
                    path,
                    lines: Lines { begin: line },
                },
            }
        })
        .collect()
}

/// Stable across runs while the finding is the same finding, so that GitLab can tell new
/// findings from fixed ones: a framework's gate failure by framework and code (its message
/// carries numbers that change as coverage moves); anything else by code, file and message
/// (not the line, which moves when lines are added above). Two findings that would share a
/// fingerprint get an occurrence number, since GitLab keeps one entry per fingerprint.
fn fingerprint(p: &Problem, path: &str, seen: &mut BTreeMap<String, u32>) -> String {
    let key = match &p.framework {
        Some(fw) if p.diag.severity == Severity::Error => {
            format!("gate\0{fw}\0{}", p.diag.code.as_str())
        }
        _ => format!("{}\0{path}\0{}", p.diag.code.as_str(), p.diag.message),
    };
    let n = seen.entry(key.clone()).or_insert(0);
    *n += 1;
    let key = if *n > 1 { format!("{key}\0{n}") } else { key };
    crate::hex::encode(&Sha256::digest(key.as_bytes()))
}

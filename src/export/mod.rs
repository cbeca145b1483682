//! Exports for the rest of the ecosystem (docs/exports.md): OSCAL assessment results, SIEM
//! JSON Lines, CMDB JSON, CSV tables and GRC evidence payloads, plus pushing those payloads to an
//! endpoint. Every export is built from the same coverage result and report model as
//! `compliance report`, so its numbers are the report's numbers.

pub mod cmdb;
pub mod csv;
pub mod grc;
pub mod oscal;
pub mod push;
pub mod siem;

use crate::coverage::{self, FrameworkCoverage};
use crate::model::{FrameworkIdx, Model};
use crate::report::Report;

/// One framework's coverage and report.
pub struct Assessed {
    pub fw: usize,
    pub cov: FrameworkCoverage,
    pub report: Report,
}

/// The namespace of every UUID vigocli derives (UUIDv5 of `urn:vigocli:export`), so that the
/// same inputs and `as_of` always give the same identifiers.
fn namespace() -> uuid::Uuid {
    uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, b"urn:vigocli:export")
}

/// A deterministic UUIDv5 from the parts (joined with a separator that cannot occur in them).
pub fn uuid5(parts: &[&str]) -> String {
    uuid::Uuid::new_v5(&namespace(), parts.join("\u{1f}").as_bytes()).to_string()
}

/// Coverage and report of each framework, in the order given.
pub fn assess(model: &Model, frameworks: &[usize]) -> Vec<Assessed> {
    frameworks
        .iter()
        .map(|&fw| {
            let cov = coverage::compute(model, FrameworkIdx(fw), model.scope(fw));
            let report = crate::report::build(model, &cov);
            Assessed { fw, cov, report }
        })
        .collect()
}

/// Escapes the characters that Markdown renderers would treat as HTML, for OSCAL markup
/// fields: entities render as the same text, but no tag from an input file survives.
/// Line breaks and other control characters become spaces, so the text also fits OSCAL's
/// one-line markup (titles).
pub fn markup(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    for ch in one_line(text).chars() {
        match ch {
            '<' => s.push_str("&lt;"),
            '>' => s.push_str("&gt;"),
            '&' => s.push_str("&amp;"),
            c => s.push(c),
        }
    }
    s
}

/// Whitespace runs (line breaks and control characters included) collapsed to one space
/// and trimmed: OSCAL strings may not start or end with whitespace, nor hold line breaks.
/// An empty result is `(empty)`, since OSCAL strings may not be empty either.
pub fn one_line(text: &str) -> String {
    let s = text
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if s.is_empty() { "(empty)".into() } else { s }
}

//! The model's findings: the diagnostics made while loading, and the Connwaer results the
//! evaluation ignores, kept as compact records and made into findings only when a report
//! lists them. A large fleet has hundreds of thousands of stale results; a report lists
//! 100 per code (docs/semantics.md, "findings" among the decisions), so formatting and
//! holding every one of them would cost more than the rest of the evaluation.

use super::Model;
use crate::diag::{Code, Diagnostic, Location, Severity};
use jiff::Timestamp;
use std::cmp::Ordering;

/// A Connwaer result that does not count, and why.
#[derive(Debug, Clone)]
pub struct IgnoredResult {
    pub loc: Location,
    /// The hostname as the result names it (trimmed, lower case).
    pub envoy: Box<str>,
    /// Index into the catalog's capabilities.
    pub capability: u32,
    pub why: Ignored,
}

#[derive(Debug, Clone, Copy)]
pub enum Ignored {
    /// No envoy of the inventory has its hostname.
    UnknownEnvoy,
    /// It has no `checked_at`.
    Undated,
    /// Checked after the run's `as_of`.
    Future(Timestamp),
    /// Checked more than 24 hours before `as_of`.
    Stale(Timestamp),
}

impl IgnoredResult {
    fn code(&self) -> Code {
        match self.why {
            Ignored::UnknownEnvoy => Code::UnknownTraitEnvoy,
            Ignored::Undated | Ignored::Stale(_) => Code::StaleTrait,
            Ignored::Future(_) => Code::FutureTrait,
        }
    }

    /// The finding, as the loader has always worded it.
    pub fn diagnostic(&self, model: &Model) -> Diagnostic {
        let cap = &model.catalog.capabilities[self.capability as usize].name;
        let (envoy, as_of) = (&self.envoy, model.as_of);
        let (message, help) = match self.why {
            Ignored::UnknownEnvoy => (
                format!("Connwaer result for `{envoy}` ({cap}): no such envoy in the inventory"),
                "the result is ignored; remove results of decommissioned hosts",
            ),
            Ignored::Undated => (
                format!(
                    "Connwaer result `{cap}` for `{envoy}` has no `checked_at`; ignored as stale"
                ),
                "results must say when they were checked to count",
            ),
            Ignored::Future(at) => (
                format!(
                    "Connwaer result `{cap}` for `{envoy}` was checked at {at}, after the report's as_of {as_of}; ignored"
                ),
                "evaluate with a later --as-of to count it",
            ),
            Ignored::Stale(at) => (
                format!(
                    "Connwaer result `{cap}` for `{envoy}` was checked at {at}, more than 24 h before {as_of}; ignored"
                ),
                "re-run the trait check: only results from the last 24 hours count",
            ),
        };
        Diagnostic::warning(self.code(), message)
            .at(self.loc.clone())
            .help(help)
    }
}

/// One finding of the model: made already, or made on request.
#[derive(Clone, Copy)]
pub enum Finding<'a> {
    Made(&'a Diagnostic),
    Ignored(&'a IgnoredResult),
}

impl Finding<'_> {
    pub fn code(&self) -> Code {
        match self {
            Finding::Made(d) => d.code,
            Finding::Ignored(r) => r.code(),
        }
    }

    pub fn severity(&self) -> Severity {
        match self {
            Finding::Made(d) => d.severity,
            Finding::Ignored(_) => Severity::Warning,
        }
    }

    fn location(&self) -> Option<&Location> {
        match self {
            Finding::Made(d) => d.location.as_ref(),
            Finding::Ignored(r) => Some(&r.loc),
        }
    }

    /// The finding as a diagnostic (a copy of one made already).
    pub fn diagnostic(&self, model: &Model) -> Diagnostic {
        match self {
            Finding::Made(d) => (*d).clone(),
            Finding::Ignored(r) => r.diagnostic(model),
        }
    }
}

/// The order of [`crate::diag::Diagnostics::into_sorted`]: severity, location, code,
/// message (made only to break a tie).
fn order(model: &Model, a: &Finding<'_>, b: &Finding<'_>) -> Ordering {
    (a.severity(), a.location(), a.code())
        .cmp(&(b.severity(), b.location(), b.code()))
        .then_with(|| {
            a.diagnostic(model)
                .message
                .cmp(&b.diagnostic(model).message)
        })
}

impl Model {
    /// Every finding of the loaded inputs in one sorted order (severity, location, code,
    /// message): the diagnostics made while loading merged with the ignored Connwaer
    /// results, each made into a diagnostic only when asked.
    pub fn findings(&self) -> impl Iterator<Item = Finding<'_>> + '_ {
        let mut made = self.findings.iter().map(Finding::Made).peekable();
        let mut ignored = self.ignored_results.iter().map(Finding::Ignored).peekable();
        std::iter::from_fn(move || match (made.peek(), ignored.peek()) {
            (Some(a), Some(b)) if order(self, a, b) == Ordering::Greater => ignored.next(),
            (Some(_), _) => made.next(),
            (None, _) => ignored.next(),
        })
    }
}

//! Where results leave the program: files written atomically ([`files`]) and the registries
//! of report and check formats ([`report`], [`check`]) and the PDF writer they share with
//! `audit export` ([`pdf`]), each format one module that owns its rendering and its
//! file extension (docs/architecture.md, "To add a report format").

pub mod check;
mod files;
pub mod markdown;
pub mod pdf;
pub mod report;

pub use files::*;

use crate::diag::{Code, Diagnostic};

/// A value that could not be serialised: a bug, said as such (never empty output).
pub fn serialise_failed(what: &str, e: impl std::fmt::Display) -> Vec<Diagnostic> {
    vec![
        Diagnostic::error(Code::RenderFailed, format!("cannot serialise {what}: {e}"))
            .help("this is a bug in vigocli; please report it"),
    ]
}

//! `evidence add|review|list`: evidence records (docs/evidence.md). `add` and `review`
//! edit a records file at the text level ([`text`]), write it atomically, load the
//! repository again to be sure the result is valid, and put the old file back when it is
//! not, so that a failed run changes nothing.

mod add;
mod review;
mod text;

pub use add::run as add;
pub use review::run as review;

use super::{Outcome, framework_index, serialise_failed, write_failed};
use crate::check;
use crate::cli::{EvidenceListArgs, EvidenceListFormat};
use crate::diag::{Code, Diagnostic};
use crate::exit::Exit;
use crate::load;
use crate::model::Model;
use crate::printer::Printer;
use crate::settings::Settings;
use jiff::civil::Date;
use std::path::{Path, PathBuf};

pub fn list(printer: &Printer, settings: &Settings, args: &EvidenceListArgs) -> Outcome {
    let days = args.expiring.unwrap_or(settings.expiring_days);
    if days < 0 {
        return Err(vec![
            Diagnostic::error(Code::BadArgument, "--expiring must not be negative")
                .help("give a number of days, e.g. --expiring 30"),
        ]);
    }
    let model = load::load(settings)?;
    let fw = args
        .framework
        .as_deref()
        .map(|name| framework_index(&model.catalog, name))
        .transpose()?;
    let list = check::evidence::list(&model, fw, days, args.expiring.is_some());
    let text = match args.format {
        EvidenceListFormat::Table => check::evidence::render_table(&list),
        EvidenceListFormat::Json => check::evidence::render_json(&list)
            .map_err(|e| serialise_failed("the evidence list", e))?,
    };
    printer.data(&text)?;
    Ok(if list.attention_only && !list.evidence.is_empty() {
        Exit::Failed
    } else {
        Exit::Ok
    })
}

/// The as-of date (UTC): the default of `collected` and `reviewed_at`.
fn as_of_date(settings: &Settings) -> Date {
    settings.as_of.to_zoned(jiff::tz::TimeZone::UTC).date()
}

/// A date flag (`YYYY-MM-DD`, as the records write dates), or `bad-date`.
fn parse_date(flag: &str, text: &str, errors: &mut Vec<Diagnostic>) -> Option<Date> {
    let parsed = text.trim().parse::<Date>().ok().filter(|d| d.year() >= 0);
    if parsed.is_none() {
        errors.push(
            Diagnostic::error(Code::BadDate, format!("{flag} `{text}` is not a date")).help(
                format!("write the date as YYYY-MM-DD, e.g. {flag} 2026-03-02"),
            ),
        );
    }
    parsed
}

/// A required text flag, trimmed (the loader trims values too), or `bad-argument`.
fn required_text(flag: &str, value: &str, errors: &mut Vec<Diagnostic>) -> String {
    let v = value.trim();
    if v.is_empty() {
        errors.push(
            Diagnostic::error(Code::BadArgument, format!("{flag} is empty"))
                .help(format!("give {flag} a value")),
        );
    }
    v.to_string()
}

/// The repository's root, resolved (inputs and documents must resolve inside it).
fn canonical_repo(settings: &Settings) -> Result<PathBuf, Vec<Diagnostic>> {
    settings.paths.repo.canonicalize().map_err(|e| {
        vec![
            Diagnostic::error(
                Code::UnreadableFile,
                format!(
                    "cannot resolve the repository `{}`: {e}",
                    settings.paths.repo.display()
                ),
            )
            .help("pass --repo DIR (or set VIGO_REPO) to the root of your stacks repository"),
        ]
    })
}

/// A records file as it was before this run changed it: its bytes, or absent (and, then,
/// whether its directory was created by this run).
struct Before {
    path: PathBuf,
    bytes: Option<Vec<u8>>,
    created_dir: Option<PathBuf>,
}

impl Before {
    /// Puts the file back as it was (best effort: the run is failing already).
    fn restore(&self) {
        match &self.bytes {
            Some(b) => {
                let _ = crate::output::write_atomic(&self.path, b);
            }
            None => {
                let _ = std::fs::remove_file(&self.path);
                if let Some(dir) = &self.created_dir {
                    let _ = std::fs::remove_dir(dir);
                }
            }
        }
    }
}

/// Writes `text` (with `bom` restored) over the records file atomically, then loads the
/// repository again and hands the model to `confirm`. When loading fails or `confirm`
/// refuses, the file is put back as it was and the diagnostics are returned.
fn write_and_reload(
    settings: &Settings,
    before: &Before,
    text: &str,
    bom: bool,
    confirm: impl FnOnce(&Model) -> Result<(), Vec<Diagnostic>>,
) -> Result<Model, Vec<Diagnostic>> {
    let mut bytes = Vec::with_capacity(text.len() + 3);
    if bom {
        bytes.extend_from_slice("\u{feff}".as_bytes());
    }
    bytes.extend_from_slice(text.as_bytes());
    crate::output::write_atomic(&before.path, &bytes).map_err(|e| {
        before.restore();
        write_failed(&before.path, e)
    })?;
    let reloaded = load::load(settings).and_then(|m| confirm(&m).map(|()| m));
    if reloaded.is_err() {
        before.restore();
    }
    reloaded
}

/// Reads a records file inside the repository for editing: its text without a byte-order
/// mark, and whether it had one.
fn read_records(settings: &Settings, path: &Path) -> Result<(String, bool), Vec<Diagnostic>> {
    let bytes = settings.scope.read(path).map_err(|d| vec![d])?;
    let bom = bytes.starts_with("\u{feff}".as_bytes());
    let src = load::text_source(settings.scope.display(path), bytes).map_err(|d| vec![d])?;
    Ok((src.text, bom))
}

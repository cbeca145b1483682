//! `evidence review`: a record accepted or rejected in place, and an audit-log entry.

use super::text::{self, Field, quote};
use super::{Before, as_of_date, parse_date, read_records, required_text};
use crate::audit::chain::{self, NewEntry};
use crate::cli::EvidenceReviewArgs;
use crate::commands::Outcome;
use crate::commands::audit::log_path;
use crate::diag::{Code, Diagnostic};
use crate::exit::Exit;
use crate::load;
use crate::model::{Evidence, EvidenceKind, ReviewStatus};
use crate::printer::Printer;
use crate::settings::Settings;
use serde_json::{Map, Value};

pub fn run(printer: &Printer, settings: &Settings, args: &EvidenceReviewArgs) -> Outcome {
    let status = if args.accept {
        ReviewStatus::Accepted
    } else {
        ReviewStatus::Rejected
    };
    let today = as_of_date(settings);
    let mut errors = Vec::new();
    let reviewer = required_text("--reviewer", &args.reviewer, &mut errors);
    let note = args
        .note
        .as_deref()
        .map(|n| required_text("--note", n, &mut errors));
    let at = match &args.at {
        Some(d) => parse_date("--at", d, &mut errors),
        None => Some(today),
    };
    if let Some(at) = at.filter(|at| *at > today) {
        errors.push(
            Diagnostic::error(
                Code::BadArgument,
                format!("--at {at} is after the as-of date {today}"),
            )
            .help("a review is recorded when it has happened: give its date, or leave --at out for the as-of date"),
        );
    }
    let model = match load::load(settings) {
        Ok(m) => m,
        Err(mut diags) => {
            diags.extend(errors);
            return Err(diags);
        }
    };
    let Some(record) = model.evidence.iter().find(|e| e.id == args.id.trim()) else {
        let hint = crate::diag::did_you_mean_hint(
            args.id.trim(),
            model.evidence.iter().map(|e| e.id.as_str()),
        );
        errors.push(
            Diagnostic::error(
                Code::BadArgument,
                format!("no evidence record has the id `{}`", args.id.trim()),
            )
            .help(format!(
                "{hint}`vigocli evidence list` shows every record with its id"
            )),
        );
        return Err(errors);
    };
    // What the reviewer saw: the file's hash now, or the audit entry's leaf hash.
    let hash = record.current_sha256.clone();
    if status == ReviewStatus::Accepted && record.kind != EvidenceKind::Url && hash.is_none() {
        errors.push(
            Diagnostic::error(
                Code::BadArgument,
                format!(
                    "evidence `{}` cannot be accepted: {}",
                    record.id,
                    record
                        .broken
                        .as_deref()
                        .unwrap_or("its document cannot be read")
                ),
            )
            .at(record.loc.clone())
            .help("restore the document (or point the record at it), then review it again"),
        );
    }
    let (Some(at), true) = (at, errors.is_empty()) else {
        return Err(errors);
    };

    let mut fields = vec![
        Field::new("status", status.as_str()),
        Field::new("reviewed_by", quote(&reviewer)),
        Field::new("reviewed_at", at.to_string()),
    ];
    if let Some(n) = &note {
        fields.push(Field::new("note", quote(n)));
    }
    let pinned = match (status, record.kind, &hash) {
        (ReviewStatus::Accepted, EvidenceKind::File, Some(h)) => {
            fields.push(Field::new("sha256", quote(h)));
            Some(h.clone())
        }
        _ => None,
    };

    let display = record.loc.file.to_string();
    let path = settings.paths.repo.join(&display);
    let (old, bom) = read_records(settings, &path)?;
    let src = crate::yaml::SourceFile::new(display.as_str(), old);
    let root = crate::yaml::parse(&src).map_err(|d| vec![d])?;
    let new_text = text::set_fields(&src, &root, &record.id, &fields).map_err(|d| vec![d])?;
    let before = Before {
        bytes: Some(std::fs::read(&path).map_err(|e| super::write_failed(&path, e))?),
        path,
        created_dir: None,
    };
    let id = record.id.clone();
    super::write_and_reload(settings, &before, &new_text, bom, |m| {
        match m.evidence.iter().find(|e| e.id == id) {
            Some(e) if e.status == status && e.reviewed_by.as_deref() == Some(reviewer.as_str()) => {
                Ok(())
            }
            _ => Err(vec![
                Diagnostic::error(
                    Code::BadEvidence,
                    format!("the review of `{id}` was written to `{display}`, but the repository does not read it back; nothing was changed"),
                )
                .help("check the record's layout in the file: one `key: value` line per field"),
            ]),
        }
    })?;

    // The audit entry, after the record is written and valid; if it cannot be appended,
    // the record is put back, so that no review goes unlogged.
    let entry = NewEntry {
        ts: settings.as_of,
        actor: reviewer.clone(),
        action: format!(
            "evidence.{}",
            match status {
                ReviewStatus::Accepted => "accepted",
                _ => "rejected",
            }
        ),
        target: id.clone(),
        details: details(
            record,
            status,
            hash.as_deref(),
            at,
            note.as_deref(),
            &display,
        ),
    };
    let log = log_path(settings, &args.log);
    let entries = std::slice::from_ref(&entry);
    let appended = if settings.as_of_is_clock {
        chain::append_with_clock(&log, entries, jiff::Timestamp::now)
    } else {
        chain::append(&log, entries)
    };
    let lines = appended.map_err(|e| {
        before.restore();
        vec![
            Diagnostic::error(
                Code::AuditAppendFailed,
                format!("the review of `{id}` is not recorded: {e}"),
            )
            .help("see docs/audit.md; `vigocli audit verify` checks the log. The record was left as it was"),
        ]
    })?;
    printer.note(format!(
        "evidence `{id}` {} by {reviewer} on {at}{}; wrote {display}; appended {} to {}",
        status.as_str(),
        pinned
            .map(|h| format!("; sha256 pinned: {h}"))
            .unwrap_or_default(),
        entry.action,
        log.display()
    ));
    let mut out = String::new();
    for l in lines {
        out.push_str(&l);
        out.push('\n');
    }
    // Both are written: a stdout that fails now must not make the caller review it twice.
    let _ = printer.data(&out);
    Ok(Exit::Ok)
}

/// The audit entry's details: the record, what the reviewer saw, and the verdict.
fn details(
    e: &Evidence,
    status: ReviewStatus,
    hash: Option<&str>,
    at: jiff::civil::Date,
    note: Option<&str>,
    file: &str,
) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), Value::from(e.id.clone()));
    m.insert("kind".into(), Value::from(e.kind.as_str()));
    if let Some(p) = &e.path {
        m.insert("path".into(), Value::from(p.clone()));
    }
    if let Some(u) = &e.url {
        m.insert("url".into(), Value::from(u.clone()));
    }
    if let Some(s) = e.audit_seq {
        m.insert("audit_seq".into(), Value::from(s));
    }
    if let Some(h) = hash {
        m.insert("sha256".into(), Value::from(h));
    }
    m.insert("status".into(), Value::from(status.as_str()));
    m.insert("reviewed_at".into(), Value::from(at.to_string()));
    if let Some(n) = note {
        m.insert("note".into(), Value::from(n));
    }
    m.insert("records_file".into(), Value::from(file));
    Value::Object(m)
}

//! `audit append|verify|export`: the hash-chained audit log (docs/audit.md).

use super::Outcome;
use crate::audit::chain::{self, Log, NewEntry};
use crate::cli::{
    AuditAppendArgs, AuditExportArgs, AuditExportFormat, AuditLogArg, AuditVerifyArgs,
};
use crate::diag::{Code, Diagnostic, Location};
use crate::exit::Exit;
use crate::printer::Printer;
use crate::settings::{Settings, parse_instant};
use jiff::Timestamp;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub(super) fn log_path(settings: &Settings, arg: &AuditLogArg) -> PathBuf {
    arg.audit_log
        .clone()
        .unwrap_or_else(|| settings.paths.audit.clone())
}

pub(super) fn err(code: Code, msg: impl Into<String>, help: &str) -> Vec<Diagnostic> {
    vec![Diagnostic::error(code, msg).help(help)]
}

pub(super) fn window_bound(
    s: &Option<String>,
    flag: &str,
) -> Result<Option<Timestamp>, Vec<Diagnostic>> {
    s.as_deref()
        .map(|v| {
            parse_instant(v).map_err(|e| {
                err(
                    Code::BadDate,
                    format!("{flag} `{v}` {e}"),
                    "write e.g. 2026-11-01 or 2026-11-01T00:00:00Z",
                )
            })
        })
        .transpose()
}

/// Reads and verifies the whole log; a broken chain is reported and exits 1.
pub(super) fn read_log(
    printer: &Printer,
    path: &Path,
    keep_entries: bool,
) -> Result<Result<Log, Exit>, Vec<Diagnostic>> {
    if !path.exists() {
        return Ok(Ok(Log {
            anchor: chain::GENESIS,
            entries: Vec::new(),
            count: 0,
            head: chain::GENESIS,
        }));
    }
    let files = chain::log_files(path).map_err(|e| {
        err(
            Code::UnreadableFile,
            format!("cannot list `{}`: {e}", path.display()),
            "check the path",
        )
    })?;
    // The log is an input: no output of this run may overwrite it.
    crate::source::note_input(path);
    for f in &files {
        crate::source::note_input(f);
    }
    match chain::scan_log(&files, keep_entries) {
        Ok(log) => Ok(Ok(log)),
        Err(chain::ReadError::Io(p, e)) => Err(err(
            Code::UnreadableFile,
            format!("cannot read `{}`: {e}", p.display()),
            "check the path",
        )),
        Err(chain::ReadError::Chain(c)) => {
            printer.diagnostic(&chain_diagnostic(&c));
            Ok(Err(Exit::Failed))
        }
    }
}

fn chain_diagnostic(c: &chain::ChainError) -> Diagnostic {
    let mut msg = String::new();
    if let Some(s) = c.seq {
        msg.push_str(&format!("seq {s}: "));
    }
    msg.push_str(&c.fault.what);
    let mut d = Diagnostic::error(Code::AuditLogInvalid, msg);
    if let (Some(e), Some(f)) = (&c.fault.expected, &c.fault.found) {
        d = d
            .note(format!("expected: {e}"))
            .note(format!("found:    {f}"));
    }
    d.at(Location {
        file: Arc::from(c.origin.file.display().to_string()),
        line: c.origin.line,
        col: if c.origin.line > 0 { 1 } else { 0 },
    })
    .help("restore the log from a copy you trust; entries after this one cannot be trusted either")
}

pub fn append(printer: &Printer, settings: &Settings, args: &AuditAppendArgs) -> Outcome {
    let details = match &args.details {
        None => serde_json::Value::Object(Default::default()),
        Some(s) => crate::audit::jcs::parse_unique(s).map_err(|e| {
            let what = if e.is_data() {
                "is not valid for an audit entry"
            } else {
                "is not JSON"
            };
            err(
                Code::BadArgument,
                format!("--details {what}: {e}"),
                r#"pass a JSON value, e.g. --details '{"ticket":"SEC-42"}'"#,
            )
        })?,
    };
    let entry = NewEntry {
        ts: settings.as_of,
        actor: args.actor.clone(),
        action: args.action.clone(),
        target: args.target.clone(),
        details,
    };
    let path = log_path(settings, &args.log);
    let entries = std::slice::from_ref(&entry);
    let appended = if settings.as_of_is_clock {
        chain::append_with_clock(&path, entries, Timestamp::now)
    } else {
        chain::append(&path, entries)
    };
    let lines = appended.map_err(|e| {
        err(
            Code::AuditAppendFailed,
            e,
            "see docs/audit.md; `vigocli audit verify` checks the log",
        )
    })?;
    let mut text = String::new();
    for l in lines {
        text.push_str(&l);
        text.push('\n');
    }
    // The entry is written: a stdout that fails now must not make the caller retry it.
    let _ = printer.data(&text);
    Ok(Exit::Ok)
}

pub fn verify(printer: &Printer, settings: &Settings, args: &AuditVerifyArgs) -> Outcome {
    let path = args
        .file
        .clone()
        .unwrap_or_else(|| log_path(settings, &args.log));
    if !path.exists() {
        return Err(err(
            Code::MissingPath,
            format!("audit log `{}` does not exist", path.display()),
            "pass the log file or directory, or --audit-log",
        ));
    }
    let log = match read_log(printer, &path, false)? {
        Ok(l) => l,
        Err(exit) => return Ok(exit),
    };
    let n = log.count;
    let entries = match n {
        0 => "the log is empty".to_string(),
        1 => "1 entry links from the genesis (seq 0)".to_string(),
        n => format!("{n} entries link from the genesis (seq 0..{})", n - 1),
    };
    printer.data(&format!("ok: {entries}; head {}\n", chain::hex(&log.head)))?;
    Ok(Exit::Ok)
}

pub fn export(printer: &Printer, settings: &Settings, args: &AuditExportArgs) -> Outcome {
    let since = window_bound(&args.since, "--since")?;
    let until = window_bound(&args.until, "--until")?;
    let log = match read_log(printer, &log_path(settings, &args.log), true)? {
        Ok(l) => l,
        Err(exit) => return Ok(exit),
    };
    let range = crate::audit::bundle::window(&log.entries, since, until);
    let anchor = if range.start == 0 {
        log.anchor
    } else {
        log.entries[range.start - 1].chain
    };
    let head = if range.is_empty() {
        anchor
    } else {
        log.entries[range.end - 1].chain
    };
    let entries = &log.entries[range.clone()];
    match args.format {
        AuditExportFormat::Jsonl => {
            let mut text = String::new();
            for e in entries {
                text.push_str(&e.line);
                text.push('\n');
            }
            match &args.output {
                Some(p) => super::write_file(p, text.as_bytes())?,
                None => printer.data(&text)?,
            }
        }
        AuditExportFormat::Pdf => {
            let path = log_path(settings, &args.log);
            // Relative to the repository when inside it: the same log gives the same PDF
            // wherever the repository is checked out.
            let shown = path
                .strip_prefix(&settings.paths.repo)
                .unwrap_or(&path)
                .display()
                .to_string();
            let window = crate::output::pdf::audit::Window {
                log: &shown,
                since: args.since.as_deref(),
                until: args.until.as_deref(),
                anchor: &anchor,
                head: &head,
            };
            let doc = crate::output::pdf::audit::document(&window, entries);
            let bytes = crate::output::pdf::render(&doc);
            match &args.output {
                Some(p) => super::write_file(p, &bytes)?,
                None => printer.binary(&bytes)?,
            }
        }
    }
    printer.note(format!(
        "{} entries from seq {}; anchor {}; head {}",
        range.len(),
        range.start,
        chain::hex(&anchor),
        chain::hex(&head)
    ));
    Ok(Exit::Ok)
}

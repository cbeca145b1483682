//! The audit commands: `audit append|verify|export`, `compliance report audit-bundle`,
//! `compliance verify`, `keygen`. Each returns an exit code or diagnostics (exit 2).

use super::bundle::{self, BundleInput, FrameworkRef, Previous};
use super::chain::{self, Log, NewEntry};
use super::{keys, verify, zipfmt};
use crate::cli::{
    AuditAppendArgs, AuditBundleArgs, AuditExportArgs, AuditLogArg, AuditVerifyArgs,
    BundleVerifyArgs, KeygenArgs, VerifyFormat,
};
use crate::diag::{Code, Diagnostic, Location};
use crate::exit::Exit;
use crate::model::Model;
use crate::report::Report;
use crate::settings::{Settings, parse_instant};
use jiff::Timestamp;
use std::path::{Path, PathBuf};
use std::sync::Arc;

type Outcome = Result<Exit, Vec<Diagnostic>>;

fn log_path(settings: &Settings, arg: &AuditLogArg) -> PathBuf {
    arg.audit_log
        .clone()
        .unwrap_or_else(|| settings.paths.audit.clone())
}

fn err(code: Code, msg: impl Into<String>, help: &str) -> Vec<Diagnostic> {
    vec![Diagnostic::error(code, msg).help(help)]
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), Vec<Diagnostic>> {
    crate::load::source::refuse_overwriting_inputs(&[path], &[])?;
    crate::output::write_atomic(path, bytes).map_err(|e| {
        err(
            Code::WriteFailed,
            format!("cannot write `{}`: {e}", path.display()),
            "check that the directory exists and is writable",
        )
    })
}

/// Data to stdout; a closed pipe ends the output quietly (docs/exit-codes.md).
fn print(text: &str) -> Result<(), Vec<Diagnostic>> {
    crate::output::print_stdout(text).map_err(|e| {
        err(
            Code::WriteFailed,
            format!("cannot write to stdout: {e}"),
            "write to a file instead",
        )
    })
}

/// Opens a bundle for streaming: a regular file (never a FIFO or device, which could block
/// or never end), read in place rather than whole.
fn open_bundle(path: &Path, what: &str) -> Result<std::fs::File, Vec<Diagnostic>> {
    crate::load::source::note_input(path);
    let fail = |why: String| {
        err(
            Code::UnreadableFile,
            format!("cannot read {what} `{}`: {why}", path.display()),
            "pass the path of a bundle .zip file",
        )
    };
    let meta = std::fs::metadata(path).map_err(|e| fail(e.to_string()))?;
    if !meta.is_file() {
        return Err(fail("not a regular file".into()));
    }
    let file = std::fs::File::open(path).map_err(|e| fail(e.to_string()))?;
    match file.metadata() {
        Ok(m) if m.is_file() => Ok(file),
        Ok(_) => Err(fail("not a regular file".into())),
        Err(e) => Err(fail(e.to_string())),
    }
}

fn window_bound(s: &Option<String>, flag: &str) -> Result<Option<Timestamp>, Vec<Diagnostic>> {
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
fn read_log(path: &Path, keep_entries: bool) -> Result<Result<Log, Exit>, Vec<Diagnostic>> {
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
    crate::load::source::note_input(path);
    for f in &files {
        crate::load::source::note_input(f);
    }
    match chain::scan_log(&files, keep_entries) {
        Ok(log) => Ok(Ok(log)),
        Err(chain::ReadError::Io(p, e)) => Err(err(
            Code::UnreadableFile,
            format!("cannot read `{}`: {e}", p.display()),
            "check the path",
        )),
        Err(chain::ReadError::Chain(c)) => {
            eprint!("{}", chain_diagnostic(&c).render());
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

pub fn append(settings: &Settings, args: &AuditAppendArgs) -> Outcome {
    let details = match &args.details {
        None => serde_json::Value::Object(Default::default()),
        Some(s) => super::jcs::parse_unique(s).map_err(|e| {
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
    let _ = crate::output::print_stdout(&text);
    Ok(Exit::Ok)
}

pub fn verify_log(settings: &Settings, args: &AuditVerifyArgs) -> Outcome {
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
    let log = match read_log(&path, false)? {
        Ok(l) => l,
        Err(exit) => return Ok(exit),
    };
    let n = log.count;
    let entries = match n {
        0 => "the log is empty".to_string(),
        1 => "1 entry links from the genesis (seq 0)".to_string(),
        n => format!("{n} entries link from the genesis (seq 0..{})", n - 1),
    };
    print(&format!("ok: {entries}; head {}\n", chain::hex(&log.head)))?;
    Ok(Exit::Ok)
}

pub fn export(settings: &Settings, args: &AuditExportArgs) -> Outcome {
    let since = window_bound(&args.since, "--since")?;
    let until = window_bound(&args.until, "--until")?;
    let log = match read_log(&log_path(settings, &args.log), true)? {
        Ok(l) => l,
        Err(exit) => return Ok(exit),
    };
    let range = bundle::window(&log.entries, since, until);
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
    let mut text = String::new();
    for e in &log.entries[range.clone()] {
        text.push_str(&e.line);
        text.push('\n');
    }
    match &args.output {
        Some(p) => write_file(p, text.as_bytes())?,
        None => print(&text)?,
    }
    eprintln!(
        "{} entries from seq {}; anchor {}; head {}",
        range.len(),
        range.start,
        chain::hex(&anchor),
        chain::hex(&head)
    );
    Ok(Exit::Ok)
}

/// Renderings of the report beside `report.json`, each added to the bundle as a subject.
fn extra_report_files(report: &Report) -> Result<Vec<(String, Vec<u8>)>, Vec<Diagnostic>> {
    let html = crate::report::html::render_report(report).map_err(|e| {
        err(
            Code::RenderFailed,
            format!("cannot render the HTML report: {e}"),
            "report this as a bug",
        )
    })?;
    Ok(vec![("report.html".to_string(), html.into_bytes())])
}

/// SOURCE_DATE_EPOCH when set (and valid), else as-of: the zip members' time.
fn zip_mtime(settings: &Settings) -> Timestamp {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|n| Timestamp::from_second(n).ok())
        .unwrap_or(settings.as_of)
}

pub fn bundle(settings: &Settings, model: &Model, fw: usize, args: &AuditBundleArgs) -> Outcome {
    let since = window_bound(&args.since, "--since")?;
    let until = window_bound(&args.until, "--until")?;
    if let (Some(s), Some(u)) = (since, until)
        && u < s
    {
        return Err(err(
            Code::BadArgument,
            "--until is before --since",
            "the window is since (inclusive) to until (exclusive)",
        ));
    }
    let sign_key = args
        .sign_key
        .as_deref()
        .map(|p| {
            crate::load::source::note_input(p);
            keys::read_signing_key(p)
                .map_err(|e| err(Code::BadKey, e, "make a key pair with `vigocli keygen`"))
        })
        .transpose()?;
    let path = log_path(settings, &args.log);
    let log = match read_log(&path, true)? {
        Ok(l) => l,
        Err(exit) => return Ok(exit),
    };
    if log.entries.is_empty() {
        eprintln!(
            "note: the audit log `{}` has no entries; the bundle holds the report only",
            path.display()
        );
    }
    let previous = match &args.previous {
        None => None,
        Some(p) => match previous_of(&mut open_bundle(p, "previous bundle")?, &log) {
            Ok(prev) => Some(prev),
            Err(msg) => {
                eprint!(
                    "{}",
                    Diagnostic::error(Code::PreviousBundleInvalid, msg)
                        .at(Location::file_only(&Arc::from(p.display().to_string())))
                        .help("pass the bundle published before this one")
                        .render()
                );
                return Ok(Exit::Failed);
            }
        },
    };
    let report = crate::run::build_report(model, fw);
    let f = &model.catalog.frameworks[fw];
    let input = BundleInput {
        framework: FrameworkRef {
            id: f.id.clone(),
            name: f.name.clone(),
            version: f.version.clone(),
        },
        report_json: crate::report::to_json(&report),
        extra_reports: extra_report_files(&report)?,
        log: &log,
        since,
        until,
        as_of: settings.as_of,
        mtime: zip_mtime(settings),
        sign_key: sign_key.as_ref(),
        previous,
    };
    let zip =
        bundle::build(&input).map_err(|e| err(Code::WriteFailed, e, "report this as a bug"))?;
    write_file(&args.output, &zip)?;
    let range = bundle::window(&log.entries, since, until);
    let entries = match range.len() {
        0 => "no audit entries".to_string(),
        1 => format!("1 audit entry (seq {})", range.start),
        n => format!("{n} audit entries (seq {}..{})", range.start, range.end - 1),
    };
    eprintln!(
        "wrote {}: {entries}, {}",
        args.output.display(),
        if sign_key.is_some() {
            "signed"
        } else {
            "unsigned"
        }
    );
    Ok(Exit::Ok)
}

/// The previous bundle must verify and agree with the log on every entry it holds: it
/// does when the log has its last entries' chains (each chain commits to all before it).
fn previous_of(old: &mut dyn verify::Source, log: &Log) -> Result<Previous, String> {
    let (outcome, facts) = verify::verify(
        old,
        None,
        &verify::Options {
            key: None,
            limits: zipfmt::DEFAULT_LIMITS,
        },
    );
    if let Some(f) = outcome.first_failure() {
        return Err(format!(
            "the previous bundle does not verify: {}: {}",
            f.name, f.detail
        ));
    }
    let facts = facts.ok_or("the previous bundle does not verify")?;
    for (seq, c) in &facts.tail {
        match log.entries.get(*seq as usize) {
            Some(e) if e.chain != *c => {
                return Err(format!(
                    "the previous bundle has chain {} at seq {seq}, the log has {}: the log was rewritten since",
                    chain::hex(c),
                    chain::hex(&e.chain)
                ));
            }
            Some(_) => {}
            None => {
                return Err(format!(
                    "the previous bundle holds seq {seq}, but the log ends before it: the log was cut since"
                ));
            }
        }
    }
    Ok(Previous {
        manifest: bundle::Sha256Digest {
            sha256: facts.manifest_sha256,
        },
        head: chain::hex(&facts.head),
        next_seq: facts.next_seq,
    })
}

pub fn verify_bundle(args: &BundleVerifyArgs) -> Outcome {
    let mut zip = open_bundle(&args.bundle, "bundle")?;
    let key = args
        .key
        .as_deref()
        .map(|p| {
            keys::read_verifying_key(p)
                .map_err(|e| err(Code::BadKey, e, "pass the publisher's .pub file"))
        })
        .transpose()?;
    let mut previous = args
        .previous
        .as_deref()
        .map(|p| open_bundle(p, "previous bundle"))
        .transpose()?;
    let (outcome, _) = verify::verify(
        &mut zip,
        previous.as_mut().map(|f| f as &mut dyn verify::Source),
        &verify::Options {
            key: key.as_ref(),
            limits: zipfmt::Limits {
                max_entry: args.max_entry_mib.saturating_mul(1024 * 1024),
                max_total: args.max_total_mib.saturating_mul(1024 * 1024),
            },
        },
    );
    let text = match args.format {
        VerifyFormat::Json => {
            let v = serde_json::json!({
                "schema": "vigocli/bundle-verification/v1",
                "bundle": args.bundle.display().to_string(),
                "ok": outcome.ok(),
                "first_failure": outcome.first_failure(),
                "checks": outcome.checks,
            });
            let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
            s.push('\n');
            s
        }
        VerifyFormat::Text => {
            let mut s = String::new();
            for c in &outcome.checks {
                let status = match c.status {
                    verify::Status::Ok => "ok",
                    verify::Status::Fail => "FAIL",
                    verify::Status::Skip => "skip",
                };
                s.push_str(&format!(
                    "{status:<5} {:<14} {}\n",
                    c.name,
                    crate::escape::terminal(&c.detail)
                ));
            }
            let count = |st| outcome.checks.iter().filter(|c| c.status == st).count();
            match outcome.first_failure() {
                None => s.push_str(&format!(
                    "verified: {} checks passed, {} skipped\n",
                    count(verify::Status::Ok),
                    count(verify::Status::Skip)
                )),
                Some(f) => s.push_str(&format!(
                    "NOT VERIFIED: {} check(s) failed; first: {}: {}\n",
                    count(verify::Status::Fail),
                    f.name,
                    crate::escape::terminal(&f.detail)
                )),
            }
            s
        }
    };
    print(&text)?;
    Ok(if outcome.ok() { Exit::Ok } else { Exit::Failed })
}

pub fn keygen(args: &KeygenArgs) -> Outcome {
    let mut private = args.output.clone().into_os_string();
    private.push(".key");
    let mut public = args.output.clone().into_os_string();
    public.push(".pub");
    let (private, public) = (PathBuf::from(private), PathBuf::from(public));
    for p in [&private, &public] {
        if p.exists() && !args.force {
            return Err(err(
                Code::WriteFailed,
                format!("`{}` exists; not overwriting a key", p.display()),
                "choose another --output PREFIX, or pass --force",
            ));
        }
    }
    crate::load::source::refuse_overwriting_inputs(&[&private, &public], &[])?;
    let (sk, pk) = keys::generate().map_err(|e| err(Code::WriteFailed, e, "retry"))?;
    // The private key's temporary file is created 0600: it is never readable by others.
    crate::output::write_atomic_private(&private, sk.as_bytes()).map_err(|e| {
        err(
            Code::WriteFailed,
            format!("cannot write `{}`: {e}", private.display()),
            "check that the directory exists and is writable",
        )
    })?;
    write_file(&public, pk.as_bytes())?;
    eprintln!(
        "wrote {} (keep it secret) and {} (give it to your auditors)",
        private.display(),
        public.display()
    );
    Ok(Exit::Ok)
}

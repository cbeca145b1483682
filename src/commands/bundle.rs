//! `compliance report audit-bundle FRAMEWORK`: the report, its renderings, the audit log
//! window and the framework's evidence in one reproducible zip an auditor verifies
//! offline (docs/audit.md).

use super::Outcome;
use super::audit::{err, log_path, read_log, window_bound};
use super::verify::open_bundle;
use crate::audit::bundle::{self, BundleInput, FrameworkRef, Previous};
use crate::audit::chain::{self, Log};
use crate::audit::{evidence, keys, verify, zipfmt};
use crate::cli::AuditBundleArgs;
use crate::diag::{Code, Diagnostic, Location};
use crate::exit::Exit;
use crate::model::Model;
use crate::printer::Printer;
use crate::report::Report;
use crate::settings::Settings;
use jiff::Timestamp;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

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

pub fn run(
    printer: &Printer,
    settings: &Settings,
    model: &Model,
    fw: usize,
    args: &AuditBundleArgs,
) -> Outcome {
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
            crate::source::note_input(p);
            keys::read_signing_key(p)
                .map_err(|e| err(Code::BadKey, e, "make a key pair with `vigocli keygen`"))
        })
        .transpose()?;
    let path = log_path(settings, &args.log);
    let log = match read_log(printer, &path, true)? {
        Ok(l) => l,
        Err(exit) => return Ok(exit),
    };
    if log.entries.is_empty() {
        printer.note(format!(
            "note: the audit log `{}` has no entries; the bundle holds no audit entries",
            path.display()
        ));
    }
    let previous = match &args.previous {
        None => None,
        Some(p) => match previous_of(&mut open_bundle(p, "previous bundle")?, &log) {
            Ok(prev) => Some(prev),
            Err(msg) => {
                printer.diagnostic(
                    &Diagnostic::error(Code::PreviousBundleInvalid, msg)
                        .at(Location::file_only(&Arc::from(p.display().to_string())))
                        .help("pass the bundle published before this one"),
                );
                return Ok(Exit::Failed);
            }
        },
    };
    let report = crate::report::build_for_framework(model, fw);
    let evidence = evidence_of(settings, model, &report)?;
    let f = &model.catalog.frameworks[fw];
    let records = evidence.entries.len();
    let documents = evidence.members.len().saturating_sub(1);
    let input = BundleInput {
        framework: FrameworkRef {
            id: f.id.clone(),
            name: f.name.clone(),
            version: f.version.clone(),
        },
        report_json: super::report::report_json(&report)?,
        extra_reports: extra_report_files(&report)?,
        log: &log,
        since,
        until,
        as_of: settings.as_of,
        mtime: zip_mtime(settings),
        sign_key: sign_key.as_ref(),
        previous,
        evidence,
    };
    let zip =
        bundle::build(&input).map_err(|e| err(Code::WriteFailed, e, "report this as a bug"))?;
    super::write_file(&args.output, &zip)?;
    let range = bundle::window(&log.entries, since, until);
    let entries = match range.len() {
        0 => "no audit entries".to_string(),
        1 => format!("1 audit entry (seq {})", range.start),
        n => format!("{n} audit entries (seq {}..{})", range.start, range.end - 1),
    };
    let signed = if sign_key.is_some() {
        "signed"
    } else {
        "unsigned"
    };
    let evidence = match records {
        0 => String::new(),
        n => format!(", {n} evidence record(s) with {documents} document(s)"),
    };
    super::note_wrote(
        printer,
        &args.output,
        &format!(": {entries}{evidence}, {signed}"),
    );
    Ok(Exit::Ok)
}

/// A document for the bundle: its member name and its bytes.
type Document = (String, Vec<u8>);

/// The framework's evidence for the bundle: every record the report lists (all states),
/// and each document of kind file read as it is now, once however many records name it.
/// A document that cannot be read, whose bundle name clashes with another's, or that is
/// not what loading hashed a moment ago stops the bundle (every such error in one run).
fn evidence_of(
    settings: &Settings,
    model: &Model,
    report: &Report,
) -> Result<evidence::Evidence, Vec<Diagnostic>> {
    let by_id: HashMap<&str, &crate::model::Evidence> =
        model.evidence.iter().map(|e| (e.id.as_str(), e)).collect();
    // Each document once, with the first record that names it (for positions) and what
    // loading found it hashes to; a missing document has no hash and is not bundled.
    let mut sources: BTreeMap<&str, (&crate::model::Evidence, &str)> = BTreeMap::new();
    for row in &report.evidence {
        let Some(e) = by_id.get(row.id.as_str()) else {
            continue;
        };
        if let (crate::model::EvidenceKind::File, Some(path), Some(hash)) =
            (e.kind, e.path.as_deref(), e.current_sha256.as_deref())
        {
            sources.entry(path).or_insert((e, hash));
        }
    }
    let mut diags = Vec::new();
    let (members, clashes) = evidence::member_names(sources.keys().copied());
    for (source, why) in clashes {
        let at = sources.get(source.as_str()).map(|(e, _)| e.loc.clone());
        diags.push(
            Diagnostic::error(
                Code::EvidenceNotBundlable,
                format!("evidence document `{source}` cannot go into the bundle: {why}"),
            )
            .at_opt(at)
            .help("rename one of the documents (its SHA-256 does not change) and update the record's `path:`"),
        );
    }
    let read: Vec<Result<(String, Document), Diagnostic>> = members
        .into_par_iter()
        .map(|(source, member)| {
            let Some(&(e, loaded)) = sources.get(source.as_str()) else {
                return Err(Diagnostic::error(
                    Code::RenderFailed,
                    format!("evidence document `{source}` was lost on the way into the bundle"),
                )
                .help("report this as a bug"));
            };
            let bytes = settings
                .scope
                .read(&settings.paths.repo.join(&source))
                .map_err(|d| d.at(e.loc.clone()))?;
            let now = bundle::sha256_hex(&bytes);
            if now != loaded {
                return Err(Diagnostic::error(
                    Code::EvidenceNotBundlable,
                    format!(
                        "evidence document `{source}` changed while the bundle was made (sha256 {loaded}, then {now})"
                    ),
                )
                .at(e.loc.clone())
                .help("build the bundle again once nothing is writing the document"));
            }
            Ok((source, (member, bytes)))
        })
        .collect();
    let mut documents = BTreeMap::new();
    for r in read {
        match r {
            Ok((source, doc)) => {
                documents.insert(source, doc);
            }
            Err(d) => diags.push(d),
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    evidence::build(
        &report.framework.id,
        &report.as_of,
        &report.evidence,
        &documents,
    )
    .map_err(|e| err(Code::RenderFailed, e, "report this as a bug"))
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

//! `compliance push grc`: POST per-control evidence to a GRC endpoint, in batches, each
//! request with an Idempotency-Key; `--dry-run` shows the requests instead.

use super::{Outcome, assess, grc_vendor, note_findings, serialise_failed};
use crate::cli::PushGrcArgs;
use crate::diag::{Code, Diagnostic};
use crate::exit::Exit;
use crate::export::{self, grc, push};
use crate::load;
use crate::printer::Printer;
use crate::settings::Settings;
use std::fmt::Write as _;

pub fn run(printer: &Printer, settings: &Settings, args: &PushGrcArgs) -> Outcome {
    push::check_endpoint(&args.endpoint).map_err(|m| {
        vec![
            Diagnostic::error(Code::BadArgument, format!("--endpoint: {m}")).help(
                "use an https:// URL (plain http is accepted for 127.0.0.1 and localhost only)",
            ),
        ]
    })?;
    if args.batch_size == 0 {
        return Err(vec![
            Diagnostic::error(Code::BadArgument, "--batch-size must be at least 1")
                .help("omit --batch-size to send 500 records per request"),
        ]);
    }
    let token = read_token(args)?;
    let model = load::load(settings)?;
    let assessed = assess(&model, &args.frameworks)?;
    let evidence = grc::evidence(&model, &assessed);
    let vendor = grc_vendor(args.vendor);
    let chunks: Vec<&[grc::Evidence]> = evidence.chunks(args.batch_size).collect();
    let count = chunks.len();
    let bodies: Vec<(String, String)> = chunks
        .iter()
        .enumerate()
        .map(|(index, chunk)| {
            let batch = grc::Batch {
                index,
                count,
                records_total: evidence.len(),
            };
            let body = grc::to_json(&grc::payload(&model, vendor, chunk, Some(batch)))
                .map_err(|e| serialise_failed("the GRC payload", e))?;
            let key = export::uuid5(&["grc-push", &body]);
            Ok((key, body))
        })
        .collect::<Result<_, Vec<Diagnostic>>>()?;
    if args.dry_run {
        printer.data(&push::redact(
            &dry_run(args, vendor, evidence.len(), &bodies),
            &token,
        ))?;
        return Ok(Exit::Ok);
    }
    let client = push::Client::new();
    for (i, (key, body)) in bodies.iter().enumerate() {
        let mut log = |line: String| printer.note(format!("push {}/{count}: {line}", i + 1));
        if let Err(message) = client.post(&args.endpoint, &token, key, body.as_bytes(), &mut log) {
            let d = Diagnostic::error(
                Code::PushFailed,
                push::redact(
                    &format!(
                        "push to {} failed on request {}/{count}: {message}",
                        args.endpoint,
                        i + 1
                    ),
                    &token,
                ),
            )
            .help(if i == 0 {
                "nothing was accepted; check the endpoint and the token"
            } else {
                "earlier requests were accepted; re-running is safe (each request carries an Idempotency-Key)"
            });
            printer.diagnostic(&d);
            return Ok(Exit::Failed);
        }
    }
    printer.note(format!(
        "pushed {} evidence record(s) for {} in {count} request(s)",
        evidence.len(),
        vendor.name()
    ));
    note_findings(printer, &model);
    Ok(Exit::Ok)
}

/// What `--dry-run` shows: the requests it would send, with the token redacted by the
/// caller.
fn dry_run(
    args: &PushGrcArgs,
    vendor: grc::Vendor,
    records: usize,
    bodies: &[(String, String)],
) -> String {
    let count = bodies.len();
    let mut out = format!(
        "dry run: would POST {records} evidence record(s) for {} in {count} request(s) to {}\n\
         headers: Authorization: Bearer [redacted], Content-Type: application/json, User-Agent: vigocli/{}, Idempotency-Key: <per request>\n",
        vendor.name(),
        crate::escape::terminal(&args.endpoint),
        env!("CARGO_PKG_VERSION")
    );
    for (i, (key, body)) in bodies.iter().enumerate() {
        let _ = writeln!(
            out,
            "--- request {}/{count}, Idempotency-Key: {key}, {} bytes",
            i + 1,
            body.len()
        );
        out.push_str(body);
    }
    out
}

/// The API token, from the environment variable or file named on the command line.
fn read_token(args: &PushGrcArgs) -> Result<String, Vec<Diagnostic>> {
    let (token, source) = if let Some(var) = &args.token_env {
        let t = std::env::var(var).map_err(|_| {
            vec![
                Diagnostic::error(
                    Code::BadArgument,
                    format!("--token-env: environment variable `{var}` is not set (or not UTF-8)"),
                )
                .help("export the token in that variable, or use --token-file FILE"),
            ]
        })?;
        (t, format!("environment variable `{var}`"))
    } else if let Some(file) = &args.token_file {
        let t = std::fs::read_to_string(file).map_err(|e| {
            vec![
                Diagnostic::error(
                    Code::UnreadableFile,
                    format!("--token-file: cannot read `{}`: {e}", file.display()),
                )
                .help("point --token-file at a readable file that holds only the token"),
            ]
        })?;
        (t, format!("file `{}`", file.display()))
    } else {
        return Err(vec![
            Diagnostic::error(Code::BadArgument, "no token source given")
                .help("pass --token-env VAR or --token-file FILE"),
        ]);
    };
    let token = token.trim().to_string();
    push::check_token(&token, &source).map_err(|m| {
        vec![
            Diagnostic::error(Code::BadArgument, m)
                .help("the token must be one line without spaces"),
        ]
    })?;
    Ok(token)
}

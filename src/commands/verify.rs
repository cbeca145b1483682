//! `compliance verify BUNDLE`: checks an audit bundle offline, with no repository.

use super::Outcome;
use super::audit::err;
use crate::audit::{keys, verify, zipfmt};
use crate::cli::{BundleVerifyArgs, VerifyFormat};
use crate::diag::{Code, Diagnostic};
use crate::exit::Exit;
use crate::printer::Printer;
use std::path::Path;

/// Opens a bundle for streaming: a regular file (never a FIFO or device, which could block
/// or never end), read in place rather than whole.
pub(super) fn open_bundle(path: &Path, what: &str) -> Result<std::fs::File, Vec<Diagnostic>> {
    crate::source::note_input(path);
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

pub fn run(printer: &Printer, args: &BundleVerifyArgs) -> Outcome {
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
            super::pretty_json("the verification result", &v)?
        }
        VerifyFormat::Text => {
            let mut s = String::new();
            for c in &outcome.checks {
                let status = match c.status {
                    verify::Status::Ok => "ok",
                    verify::Status::Fail => "FAIL",
                    verify::Status::Skip => "skip",
                    verify::Status::Warn => "warn",
                };
                s.push_str(&format!(
                    "{status:<5} {:<14} {}\n",
                    c.name,
                    crate::escape::terminal(&c.detail)
                ));
            }
            let count = |st| outcome.checks.iter().filter(|c| c.status == st).count();
            let warned = match count(verify::Status::Warn) {
                0 => String::new(),
                n => format!(" ({n} with a warning)"),
            };
            match outcome.first_failure() {
                None => s.push_str(&format!(
                    "verified: {} checks passed{warned}, {} skipped\n",
                    count(verify::Status::Ok) + count(verify::Status::Warn),
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
    printer.data(&text)?;
    Ok(if outcome.ok() { Exit::Ok } else { Exit::Failed })
}

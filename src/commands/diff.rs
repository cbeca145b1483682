//! `compliance diff OLD NEW`: what changed between two JSON reports.

use super::{Outcome, pretty_json};
use crate::check::diff;
use crate::cli::{DiffArgs, DiffFormat};
use crate::diag::{Code, Diagnostic};
use crate::exit::Exit;
use crate::printer::Printer;

pub fn run(printer: &Printer, args: &DiffArgs) -> Outcome {
    let old = diff::read_reports(&args.old);
    let new = diff::read_reports(&args.new);
    let (old, new) = match (old, new) {
        (Ok(o), Ok(n)) => (o, n),
        (o, n) => {
            let mut errors = o.err().unwrap_or_default();
            errors.extend(n.err().unwrap_or_default());
            return Err(errors);
        }
    };
    let result = diff::diff(&old, &new);
    if result.frameworks.is_empty() {
        return Err(vec![
            Diagnostic::error(
                Code::BadReport,
                "OLD and NEW have no framework in common: nothing to compare",
            )
            .help("compare two reports of the same framework"),
        ]);
    }
    let text = match args.format {
        DiffFormat::Table => diff::render_table(&result),
        DiffFormat::Json => pretty_json("the diff", &result)?,
        DiffFormat::Markdown => diff::render_markdown(&result),
    };
    printer.data(&text)?;
    Ok(if args.fail_on_regression && result.regressions > 0 {
        Exit::Failed
    } else {
        Exit::Ok
    })
}

//! `compliance waivers`: the waivers in force, or with `--expiring` those needing attention.

use super::{Outcome, serialise_failed};
use crate::check;
use crate::cli::{WaiversArgs, WaiversFormat};
use crate::diag::{Code, Diagnostic};
use crate::exit::Exit;
use crate::load;
use crate::printer::Printer;
use crate::settings::Settings;

pub fn run(printer: &Printer, settings: &Settings, args: &WaiversArgs) -> Outcome {
    let days = args.expiring.unwrap_or(settings.expiring_days);
    if days < 0 {
        return Err(vec![
            Diagnostic::error(Code::BadArgument, "--expiring must not be negative")
                .help("give a number of days, e.g. --expiring 30"),
        ]);
    }
    let model = load::load(settings)?;
    let list = check::waivers::list(&model, days, args.expiring.is_some());
    let text = match args.format {
        WaiversFormat::Table => check::waivers::render_table(&list),
        WaiversFormat::Json => check::waivers::render_json(&list)
            .map_err(|e| serialise_failed("the waiver list", e))?,
    };
    printer.data(&text)?;
    Ok(if list.attention_only && !list.waivers.is_empty() {
        Exit::Failed
    } else {
        Exit::Ok
    })
}

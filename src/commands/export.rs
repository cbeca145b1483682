//! `compliance export oscal|siem|cmdb|grc|csv`: coverage as files for other tools.

use super::{
    Outcome, assess, emit, framework_list, grc_vendor, note_findings, note_wrote, serialise_failed,
    stream,
};
use crate::cli::ExportCommand;
use crate::exit::Exit;
use crate::export;
use crate::load;
use crate::printer::Printer;
use crate::settings::Settings;

pub fn run(printer: &Printer, settings: &Settings, command: &ExportCommand) -> Outcome {
    let model = load::load_once(settings)?;
    match command {
        ExportCommand::Oscal(args) => {
            let assessed = assess(&model, &args.frameworks)?;
            stream(&args.output, |out| {
                export::oscal::write(&model, &assessed, out)
            })?;
            note_wrote(printer, &args.output, "");
        }
        ExportCommand::Siem(args) => {
            // One framework at a time: only its coverage is in memory while its events stream.
            let fws =
                per_envoy_frameworks(printer, &model, &args.export, args.per_envoy, "events")?;
            let mut events = 0;
            stream(&args.export.output, |out| {
                for fw in fws {
                    let one = export::assess(&model, &[fw]);
                    events += export::siem::write(&model, &one, args.per_envoy, out)?;
                }
                Ok(())
            })?;
            let size = std::fs::metadata(&args.export.output).map_or(0, |m| m.len());
            note_wrote(
                printer,
                &args.export.output,
                &format!(": {events} events, {}", human_size(size)),
            );
        }
        ExportCommand::Cmdb(args) => {
            let assessed = assess(&model, &args.frameworks)?;
            stream(&args.output, |out| {
                export::cmdb::write(&model, &assessed, out)
            })?;
            note_wrote(printer, &args.output, "");
        }
        ExportCommand::Csv(args) => {
            // As for SIEM: one framework at a time, rows streamed to the file.
            let fws = per_envoy_frameworks(printer, &model, &args.export, args.per_envoy, "rows")?;
            let mut rows = 0;
            stream(&args.export.output, |out| {
                if args.per_envoy {
                    for fw in fws {
                        let one = export::assess(&model, &[fw]);
                        rows += export::csv::write_per_envoy(&model, &one, out)?;
                    }
                } else {
                    let all = export::assess(&model, &fws);
                    rows = export::csv::write_controls(&model, &all, out)?;
                }
                Ok(())
            })?;
            let size = std::fs::metadata(&args.export.output).map_or(0, |m| m.len());
            note_wrote(
                printer,
                &args.export.output,
                &format!(": {rows} rows, {}", human_size(size)),
            );
        }
        ExportCommand::Grc(args) => {
            let assessed = assess(&model, &args.export.frameworks)?;
            let evidence = export::grc::evidence(&model, &assessed);
            let payload = export::grc::payload(&model, grc_vendor(args.vendor), &evidence, None);
            let text = export::grc::to_json(&payload)
                .map_err(|e| serialise_failed("the GRC payload", e))?;
            emit(printer, Some(&args.export.output), &text)?;
        }
    }
    note_findings(printer, &model);
    Ok(Exit::Ok)
}

/// The frameworks an export writes: those named, else all; a per-envoy export of all
/// leaves out the profiles whose rows would repeat their base framework's, and says so.
fn per_envoy_frameworks(
    printer: &Printer,
    model: &crate::model::Model,
    args: &crate::cli::ExportArgs,
    per_envoy: bool,
    what: &str,
) -> Result<Vec<usize>, Vec<crate::diag::Diagnostic>> {
    let fws = framework_list(model, &args.frameworks)?;
    if !per_envoy || !args.frameworks.is_empty() {
        return Ok(fws);
    }
    let (keep, skipped) = export::siem::without_repeated_profiles(&model.catalog, &fws);
    if !skipped.is_empty() {
        let names: Vec<&str> = skipped
            .iter()
            .map(|&fw| model.catalog.frameworks[fw].id.as_str())
            .collect();
        printer.note(format!(
            "note: --per-envoy skipped the profiles {}: their per-envoy {what} would repeat those of their base framework; name one with --framework to export it",
            names.join(", ")
        ));
    }
    Ok(keep)
}

/// A file size for people: bytes, KB or MB (decimal units, one decimal).
fn human_size(bytes: u64) -> String {
    match bytes {
        b if b < 1_000 => format!("{b} bytes"),
        b if b < 1_000_000 => format!("{:.1} KB", b as f64 / 1e3),
        b => format!("{:.1} MB", b as f64 / 1e6),
    }
}

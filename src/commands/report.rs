//! `compliance report FRAMEWORK` and `compliance report all`.

use super::{Outcome, emit, emit_binary, framework_index, note_findings, note_wrote};
use crate::cli::{FindingsArg, ReportArgs, ReportFormat, ReportGrouping, ReportKind};
use crate::diag::{Code, Diagnostic};
use crate::exit::Exit;
use crate::printer::Printer;
use crate::report::{self, Report};
use crate::settings::Settings;
use crate::{load, output};
use rayon::prelude::*;
use std::path::PathBuf;

/// The framework argument that reports every framework at once (`report all`).
const ALL_FRAMEWORKS: &str = "all";

pub fn run(printer: &Printer, settings: &Settings, args: &ReportArgs) -> Outcome {
    if args.by.is_some() && (args.format != ReportFormat::Table || args.kind.is_some()) {
        return Err(vec![
            Diagnostic::error(
                Code::BadArgument,
                "--by category groups the terminal table (--format table)",
            )
            .help("drop --by: the JSON report always has `categories`, and the HTML page groups its controls by category"),
        ]);
    }
    if args.kind.is_none() && args.framework.as_deref() == Some(ALL_FRAMEWORKS) {
        return all(printer, settings, args);
    }
    let model = load::load_once(settings)?;
    if let Some(ReportKind::AuditBundle(b)) = &args.kind {
        let fw = framework_index(&model.catalog, &b.framework)?;
        let exit = super::bundle::run(printer, settings, &model, fw, b)?;
        note_findings(printer, &model);
        return Ok(exit);
    }
    let fw = framework_index(
        &model.catalog,
        args.framework.as_deref().unwrap_or_default(),
    )?;
    let report = report::build_for_framework_with(&model, fw, detail(args));
    let format = args.format.format();
    let colour = args.output.is_none() && args.output_dir.is_none() && printer.colour();
    // Where it goes: a file in --output-dir (named after the framework), --output, or stdout.
    let target = match (&args.output_dir, &args.output) {
        (Some(dir), _) => {
            crate::source::refuse_overwriting_inputs(&[], &[dir])?;
            std::fs::create_dir_all(dir).map_err(|e| super::write_failed(dir, e))?;
            Some(dir.join(output::report::file_name(&report, format.extension())))
        }
        (None, Some(file)) => Some(file.clone()),
        (None, None) => None,
    };
    if args.by == Some(ReportGrouping::Category) {
        emit(
            printer,
            target.as_deref(),
            &report::table::render_categories(&report, colour),
        )?;
        return Ok(Exit::Ok);
    }
    if format.streams() {
        // A format that streams (JSON) goes straight to its file or stdout, never held whole.
        match &target {
            Some(path) => {
                super::stream(path, |w| format.stream(&report, w))?;
                note_wrote(printer, path, "");
            }
            None => printer.data_stream(|w| format.stream(&report, w))?,
        }
    } else {
        // The directory the file goes to (`-o hipaa.html`: the current one).
        let out_dir = target.as_deref().map(|t| match t.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        });
        let trends = if format.charts_history() {
            super::history::trends(settings, &model, &[fw])?
        } else {
            Default::default()
        };
        let place = output::report::Place {
            repo: &settings.paths.repo,
            out_dir: out_dir.as_deref(),
            trends: &trends,
        };
        let bytes = format.render_bytes(&report, colour, &place)?;
        if format.binary() {
            emit_binary(printer, target.as_deref(), &bytes)?;
        } else {
            emit(printer, target.as_deref(), &String::from_utf8_lossy(&bytes))?;
        }
    }
    if target.is_some() {
        printer.note(report::headline(&report));
    }
    if let Some(line) = report::warnings_line(&report) {
        printer.note(format!("note: {line}"));
    }
    Ok(Exit::Ok)
}

/// The rows a report carries: every envoy, and the findings --findings asks for.
fn detail(args: &ReportArgs) -> report::Detail {
    report::Detail {
        all_findings: args.findings == FindingsArg::All,
        ..report::Detail::FULL
    }
}

/// The JSON report (`compliance-report/v1`), or `render-failed`.
pub(crate) fn report_json(report: &Report) -> Result<String, Vec<Diagnostic>> {
    ReportFormat::Json.format().render(report, false)
}

/// `report all`: every framework, into `--output-dir` (HTML: the static dashboard site).
fn all(printer: &Printer, settings: &Settings, args: &ReportArgs) -> Outcome {
    let Some(dir) = &args.output_dir else {
        return Err(vec![
            Diagnostic::error(
                Code::BadArgument,
                "`compliance report all` writes one file per framework and needs --output-dir DIR",
            )
            .help("e.g. `vigocli compliance report all --format html --output-dir site/`"),
        ]);
    };
    let format = args.format.format();
    if !format.writes_all() {
        return Err(vec![
            Diagnostic::error(
                Code::BadArgument,
                "`compliance report all` writes files, not a terminal table",
            )
            .help("use --format html, json or pdf, or `vigocli compliance status` for a table"),
        ]);
    }
    let model = load::load_once(settings)?;
    let reports: Vec<Report> = (0..model.catalog.frameworks.len())
        .into_par_iter()
        .map(|fw| report::build_for_framework_with(&model, fw, detail(args)))
        .collect();
    let trends = if format.charts_history() {
        let all: Vec<usize> = (0..model.catalog.frameworks.len()).collect();
        super::history::trends(settings, &model, &all)?
    } else {
        Default::default()
    };
    let place = output::report::Place {
        repo: &settings.paths.repo,
        out_dir: Some(dir),
        trends: &trends,
    };
    // The output directory must not be an input directory; each file is checked against
    // the inputs as it is made, and written into the staging directory at once: the site is
    // never held whole, and on any error nothing replaces the directory.
    crate::source::refuse_overwriting_inputs(&[], &[dir])?;
    let mut count = 0usize;
    let written = output::write_site_with(dir, |write| {
        format.render_all_into(&reports, &place, &mut |name, bytes| {
            let path = dir.join(name);
            crate::source::refuse_overwriting_inputs(&[&path], &[])?;
            write(name, bytes).map_err(|e| super::write_failed(&path, e))?;
            count += 1;
            Ok(())
        })
    });
    match written {
        Ok(()) => {}
        Err(output::StreamError::Fill(d)) => return Err(d),
        Err(output::StreamError::Io(e)) => {
            return Err(vec![
                Diagnostic::error(
                    Code::WriteFailed,
                    format!(
                        "cannot write the site into `{}`: {e}",
                        crate::escape::terminal(&dir.display().to_string())
                    ),
                )
                .help("check that the directory and its parent are writable"),
            ]);
        }
    }
    printer.note(format!("wrote {count} files to {}", dir.display()));
    note_findings(printer, &model);
    Ok(Exit::Ok)
}

//! `compliance status`: one summary line per framework, as a table or as JSON
//! (`vigocli/compliance-status/v1`).

use super::{Outcome, framework_index, note_findings, pretty_json};
use crate::cli::{StatusArgs, StatusFormat};
use crate::diag::{Code, Diagnostic};
use crate::exit::Exit;
use crate::load;
use crate::printer::Printer;
use crate::report::{self, Report};
use crate::settings::Settings;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;

/// The JSON shape of `compliance status --format json`.
#[derive(Serialize)]
struct StatusJson<'a> {
    schema: &'static str,
    tool: report::Tool,
    as_of: String,
    mode: &'static str,
    inputs_digest: &'a str,
    frameworks: Vec<StatusRow<'a>>,
}

#[derive(Serialize)]
struct StatusRow<'a> {
    framework: &'a report::FrameworkInfo,
    scope: &'a BTreeMap<String, String>,
    summary: &'a report::Summary,
}

pub fn run(printer: &Printer, settings: &Settings, args: &StatusArgs) -> Outcome {
    let json = match args.format {
        StatusFormat::Table => false,
        StatusFormat::Json => true,
        StatusFormat::Html => {
            return Err(vec![
                Diagnostic::error(
                    Code::BadArgument,
                    "`compliance status` prints a table or JSON; the HTML dashboard is a site",
                )
                .help("use `vigocli compliance report all --format html --output-dir DIR`"),
            ]);
        }
    };
    let model = load::load_once(settings)?;
    let indices: Vec<usize> = if args.frameworks.is_empty() {
        (0..model.catalog.frameworks.len()).collect()
    } else {
        args.frameworks
            .iter()
            .map(|n| framework_index(&model.catalog, n))
            .collect::<Result<_, _>>()?
    };
    // Frameworks in parallel (each report is a pure function of the model; collected in
    // order).
    let reports: Vec<Report> = indices
        .par_iter()
        .map(|&fw| report::build_for_framework_with(&model, fw, report::Detail::SUMMARY))
        .collect();
    let text = if json {
        let status = StatusJson {
            schema: "vigocli/compliance-status/v1",
            tool: report::Tool::VIGOCLI,
            as_of: report::timestamp(model.as_of),
            mode: model.mode.as_str(),
            inputs_digest: &model.inputs_digest,
            frameworks: reports
                .iter()
                .map(|r| StatusRow {
                    framework: &r.framework,
                    scope: &r.scope,
                    summary: &r.summary,
                })
                .collect(),
        };
        pretty_json("the status", &status)?
    } else {
        report::table::render_status(&reports, printer.colour())
    };
    printer.data(&text)?;
    note_findings(printer, &model);
    Ok(Exit::Ok)
}

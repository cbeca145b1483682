//! `compliance check`: the CI gates (or, with FILES, the validity of single files).

use super::{Outcome, emit, serialise_failed};
use crate::check::{self, CheckMode, CheckResult};
use crate::cli::{CheckArgs, CheckFormat};
use crate::diag::{Diagnostic, Severity};
use crate::load;
use crate::printer::Printer;
use crate::settings::Settings;

fn render(result: &CheckResult, format: CheckFormat) -> Result<String, Vec<Diagnostic>> {
    Ok(match format {
        CheckFormat::Human => check::render::human(result),
        CheckFormat::Json => {
            check::render::json(result).map_err(|e| serialise_failed("the check result", e))?
        }
        CheckFormat::Sarif => {
            check::sarif::render(result).map_err(|e| serialise_failed("the SARIF log", e))?
        }
        CheckFormat::Github => check::render::github(result),
    })
}

pub fn run(printer: &Printer, settings: &Settings, args: &CheckArgs) -> Outcome {
    let finish = |result: CheckResult| -> Outcome {
        emit(
            printer,
            args.output.as_deref(),
            &render(&result, args.format)?,
        )?;
        Ok(result.result.exit())
    };
    if !args.files.is_empty() {
        let out = load::validate_files(settings, &args.files);
        let invalid = out
            .diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error);
        return finish(CheckResult::new(
            settings.as_of,
            CheckMode::Files,
            out.checked,
            Vec::new(),
            out.diagnostics.into_iter().map(Into::into).collect(),
            invalid,
        ));
    }
    let mode = if settings.paths.inventory.is_empty() {
        CheckMode::Declared
    } else {
        CheckMode::Fleet
    };
    let model = match load::load(settings) {
        Ok(m) => m,
        Err(diags) => return finish(CheckResult::invalid(settings.as_of, mode, diags)),
    };
    let flags = check::CheckFlags {
        frameworks: &args.frameworks,
        min_coverage: args.min_coverage,
        baselines: &args.baselines,
        expiring_days: args.expiring_days,
    };
    let plan = match check::plan(settings, &model.catalog, &flags) {
        Ok(p) => p,
        Err(diags) => return finish(CheckResult::invalid(settings.as_of, mode, diags)),
    };
    finish(check::evaluate(&model, &plan))
}

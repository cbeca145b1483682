//! `compliance check`: the CI gates (or, with FILES, the validity of single files).

use super::{Outcome, emit};
use crate::check::{self, CheckMode, CheckResult};
use crate::cli::CheckArgs;
use crate::diag::Severity;
use crate::load;
use crate::printer::Printer;
use crate::settings::Settings;

pub fn run(printer: &Printer, settings: &Settings, args: &CheckArgs) -> Outcome {
    let finish = |result: CheckResult| -> Outcome {
        emit(
            printer,
            args.output.as_deref(),
            &args.format.format().render(&result)?,
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
        min_assured: args.min_assured,
        baselines: &args.baselines,
        expiring_days: args.expiring_days,
    };
    let plan = match check::plan(settings, &model.catalog, &flags) {
        Ok(p) => p,
        Err(diags) => return finish(CheckResult::invalid(settings.as_of, mode, diags)),
    };
    let mut result = check::evaluate(&model, &plan);
    if let Some(days) = args.max_regression_days
        && result.result != check::Outcome::Invalid
    {
        super::history::regression_gate(settings, &model, days, &mut result);
    }
    finish(result)
}

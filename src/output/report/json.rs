//! `--format json`: the `vigocli/compliance-report/v1` document (schemas/).

use super::Format;
use crate::diag::Diagnostic;
use crate::report::Report;

pub struct Json;

impl Format for Json {
    fn extension(&self) -> &'static str {
        "json"
    }

    fn render(&self, report: &Report, _colour: bool) -> Result<String, Vec<Diagnostic>> {
        crate::report::to_json(report)
            .map_err(|e| crate::output::serialise_failed("the JSON report", e))
    }

    fn streams(&self) -> bool {
        true
    }

    fn stream(&self, report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        crate::report::write_json(report, out)
    }
}

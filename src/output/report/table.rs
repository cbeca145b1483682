//! `--format table`: the terminal table (colour only on a terminal that wants it).

use super::Format;
use crate::diag::Diagnostic;
use crate::report::Report;

pub struct Table;

impl Format for Table {
    fn extension(&self) -> &'static str {
        "txt"
    }

    fn render(&self, report: &Report, colour: bool) -> Result<String, Vec<Diagnostic>> {
        Ok(crate::report::table::render_report(report, colour))
    }

    fn writes_all(&self) -> bool {
        false
    }
}

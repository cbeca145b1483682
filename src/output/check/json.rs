//! `--format json`: the `vigocli/check-result/v1` document (schemas/).

use super::{Format, serialise_failed};
use crate::check::CheckResult;
use crate::diag::Diagnostic;

pub struct Json;

impl Format for Json {
    fn render(&self, result: &CheckResult) -> Result<String, Vec<Diagnostic>> {
        json(result).map_err(|e| serialise_failed("the check result", e))
    }
}

fn json(r: &CheckResult) -> serde_json::Result<String> {
    let mut s = serde_json::to_string_pretty(r)?;
    s.push('\n');
    Ok(s)
}

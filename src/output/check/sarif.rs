//! SARIF 2.1.0 for code scanning: one rule per diagnostic code that occurs, one result per
//! problem. Locations are repository-relative paths; gates without a file carry none.

use super::{Format, serialise_failed};
use crate::check::CheckResult;
use crate::diag::{Code, Diagnostic, Severity};
use serde_json::{Value, json};
use std::collections::BTreeSet;

pub const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

pub struct Sarif;

impl Format for Sarif {
    fn render(&self, result: &CheckResult) -> Result<String, Vec<Diagnostic>> {
        render(result).map_err(|e| serialise_failed("the SARIF log", e))
    }
}

fn render(r: &CheckResult) -> serde_json::Result<String> {
    let codes: BTreeSet<Code> = r.problems.iter().map(|p| p.diag.code).collect();
    let codes: Vec<Code> = codes.into_iter().collect();
    let rules: Vec<Value> = codes
        .iter()
        .map(|c| {
            json!({
                "id": c.as_str(),
                "name": c.as_str(),
                "shortDescription": { "text": c.description() },
                "help": { "text": format!("See `{}` in docs/diagnostics.md.", c.as_str()) },
            })
        })
        .collect();
    let results: Vec<Value> = r
        .problems
        .iter()
        .map(|p| {
            let level = match p.diag.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "note",
            };
            let text = p.one_message(" — controls: ", (" (help: ", ")"));
            let mut result = json!({
                "ruleId": p.diag.code.as_str(),
                "ruleIndex": codes.iter().position(|c| *c == p.diag.code).unwrap_or(0),
                "level": level,
                "message": { "text": text },
            });
            if let Some(loc) = p
                .diag
                .location
                .as_ref()
                .filter(|l| !l.file.starts_with("built-in:"))
            {
                let mut physical = json!({
                    "artifactLocation": { "uri": loc.file.as_ref(), "uriBaseId": "%SRCROOT%" },
                });
                if loc.line > 0 {
                    physical["region"] = json!({
                        "startLine": loc.line,
                        "startColumn": loc.col.max(1),
                    });
                }
                result["locations"] = json!([{ "physicalLocation": physical }]);
            }
            let mut props = serde_json::Map::new();
            if let Some(f) = &p.framework {
                props.insert("framework".into(), json!(f));
            }
            if !p.controls.is_empty() {
                props.insert(
                    "controls".into(),
                    serde_json::to_value(&p.controls).unwrap_or(Value::Null),
                );
            }
            if !props.is_empty() {
                result["properties"] = Value::Object(props);
            }
            result
        })
        .collect();
    let doc = json!({
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "vigocli",
                "version": r.tool.version,
                "rules": rules,
            }},
            "invocations": [{
                "executionSuccessful": r.result != super::Outcome::Invalid,
                "exitCode": r.exit_code,
            }],
            "results": results,
        }],
    });
    let mut s = serde_json::to_string_pretty(&doc)?;
    s.push('\n');
    Ok(s)
}

//! Connwaer trait-check results: `traits/<hostname>/<capability>.json` (one result per
//! file) or `traits/*.jsonl` (one result per line).

use super::{InputLog, ext, read_source, sorted_files};
use crate::catalog::Catalog;
use crate::diag::{Code, Diagnostic, Diagnostics, Location, did_you_mean_hint};
use crate::model::TraitStatus;
use crate::settings::Settings;
use crate::source::LineIndex;
use crate::yaml::SourceFile;
use jiff::Timestamp;
use rayon::prelude::*;
use serde::Deserialize;
use std::path::Path;

#[derive(Debug)]
pub struct RawTrait {
    pub envoy: String,
    pub capability: usize,
    pub status: TraitStatus,
    pub checked_at: Option<Timestamp>,
    pub loc: Location,
}

#[derive(Deserialize)]
struct JsonTrait {
    envoy: Option<String>,
    capability: Option<String>,
    status: String,
    checked_at: Option<String>,
}

pub fn load(
    settings: &Settings,
    catalog: &Catalog,
    inputs: &InputLog,
    diags: &mut Diagnostics,
) -> Vec<RawTrait> {
    let dir = &settings.paths.traits;
    let files = sorted_files(
        settings,
        dir,
        |p| {
            let depth = p
                .strip_prefix(dir)
                .map(|r| r.components().count())
                .unwrap_or(0);
            (ext(p) == Some("jsonl")) || (ext(p) == Some("json") && depth == 2)
        },
        diags,
    );
    let results: Vec<(Vec<RawTrait>, Vec<Diagnostic>)> = files
        .par_iter()
        .map(|path| {
            let src = match read_source(settings, path, inputs) {
                Ok(s) => s,
                Err(d) => return (Vec::new(), vec![d]),
            };
            if let Some(d) = super::inventory::json_nesting(&src, ext(path) == Some("jsonl")) {
                return (Vec::new(), vec![d]);
            }
            let mut out = Vec::new();
            let mut diags = Vec::new();
            if ext(path) == Some("jsonl") {
                for (i, line) in src.text.lines().enumerate() {
                    if line.trim().is_empty() {
                        continue;
                    }
                    one(&src, line, (i + 1, 1), None, catalog, &mut out, &mut diags);
                }
            } else {
                let rel = path.strip_prefix(dir).unwrap_or(path);
                let host = rel
                    .parent()
                    .and_then(Path::file_name)
                    .map(|s| s.to_string_lossy().into_owned());
                let cap = path.file_stem().map(|s| s.to_string_lossy().into_owned());
                let start = LineIndex::new(&src.text)
                    .line_col(src.text.len() - src.text.trim_start().len());
                one(
                    &src,
                    &src.text,
                    start,
                    host.zip(cap),
                    catalog,
                    &mut out,
                    &mut diags,
                );
            }
            (out, diags)
        })
        .collect();
    let mut out = Vec::new();
    for (t, d) in results {
        out.extend(t);
        diags.extend(d);
    }
    out
}

fn one(
    src: &SourceFile,
    text: &str,
    (line, col): (usize, usize),
    from_path: Option<(String, String)>,
    catalog: &Catalog,
    out: &mut Vec<RawTrait>,
    diags: &mut Vec<Diagnostic>,
) {
    let help = "a result is {\"envoy\": \"<hostname>\", \"capability\": \"<name>\", \"status\": \"pass\"|\"fail\", \"checked_at\": \"<RFC 3339>\"}";
    let j: JsonTrait = match serde_json::from_str(text) {
        Ok(j) => j,
        Err(e) => {
            let (l, c) = if e.line() <= 1 {
                (line, col + e.column().saturating_sub(1))
            } else {
                (line + e.line() - 1, e.column())
            };
            let msg = e.to_string();
            let msg = msg
                .rfind(" at line ")
                .map_or(msg.as_str(), |i| &msg[..i])
                .to_string();
            diags.push(
                src.diag_at(
                    Diagnostic::error(Code::BadTrait, format!("invalid Connwaer result: {msg}"))
                        .help(help),
                    l,
                    c.max(1),
                ),
            );
            return;
        }
    };
    let err = |diags: &mut Vec<Diagnostic>, code: Code, msg: String, help: String| {
        diags.push(src.diag_at(Diagnostic::error(code, msg).help(help), line, col));
    };
    let (envoy, capability) = match (&from_path, j.envoy, j.capability) {
        (Some((h, c)), e, cap) => {
            if e.as_ref().is_some_and(|e| !e.eq_ignore_ascii_case(h))
                || cap.as_ref().is_some_and(|x| x != c)
            {
                err(
                    diags,
                    Code::TraitPathMismatch,
                    format!(
                        "the result names `{}`/`{}` but lives in `{h}/{c}.json`",
                        e.unwrap_or_default(),
                        cap.unwrap_or_default()
                    ),
                    "store each result as traits/<hostname>/<capability>.json, matching its fields"
                        .into(),
                );
                return;
            }
            (h.clone(), c.clone())
        }
        (None, Some(e), Some(c)) => (e, c),
        (None, _, _) => {
            err(
                diags,
                Code::BadTrait,
                "a JSONL result needs `envoy` and `capability`".into(),
                help.into(),
            );
            return;
        }
    };
    let Some(ci) = catalog.capability_index(&capability) else {
        let hint = did_you_mean_hint(
            &capability,
            catalog.capabilities.iter().map(|c| c.name.as_str()),
        );
        err(
            diags,
            Code::UnknownCapability,
            format!("no capability catalog defines `{capability}`"),
            format!("{hint}see `vigocli catalog list`"),
        );
        return;
    };
    let status = match j.status.as_str() {
        "pass" => TraitStatus::Pass,
        "fail" => TraitStatus::Fail,
        other => {
            err(
                diags,
                Code::BadTrait,
                format!("status `{other}` is neither `pass` nor `fail`"),
                help.into(),
            );
            return;
        }
    };
    let checked_at = match j.checked_at {
        None => None,
        Some(t) => match t.parse::<Timestamp>() {
            Ok(ts) => Some(ts),
            Err(_) => {
                err(
                    diags,
                    Code::BadDate,
                    format!("`checked_at: {t}` is not an RFC 3339 timestamp"),
                    "write it as e.g. \"2026-11-21T09:00:00Z\"".into(),
                );
                return;
            }
        },
    };
    out.push(RawTrait {
        envoy: envoy.trim().to_lowercase(),
        capability: ci,
        status,
        checked_at,
        loc: src.location(line, col),
    });
}

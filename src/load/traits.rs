//! Connwaer trait-check results: `traits/<hostname>/<capability>.json` (one result per
//! file) or `traits/*.jsonl` (one result per line).

use super::{InputLog, ext, read_source_with, sorted_files};
use crate::catalog::Catalog;
use crate::diag::{Code, Diagnostic, Diagnostics, Location, did_you_mean_hint};
use crate::model::TraitStatus;
use crate::settings::Settings;
use crate::source::LineIndex;
use crate::yaml::SourceFile;
use jiff::Timestamp;
use rayon::prelude::*;
use serde::Deserialize;
use std::borrow::Cow;
use std::path::Path;

#[derive(Debug)]
pub struct RawTrait {
    /// Trimmed, in lower case.
    pub envoy: Box<str>,
    pub capability: usize,
    pub status: TraitStatus,
    pub checked_at: Option<Timestamp>,
    pub loc: Location,
}

/// Borrowed from the file's text where no escape needs decoding.
#[derive(Deserialize)]
struct JsonTrait<'a> {
    #[serde(borrow)]
    envoy: Option<Cow<'a, str>>,
    #[serde(borrow)]
    capability: Option<Cow<'a, str>>,
    #[serde(borrow)]
    status: Cow<'a, str>,
    #[serde(borrow)]
    checked_at: Option<Cow<'a, str>>,
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
            read_source_with(settings, path, inputs, |src| {
                parse_file(src, path, dir, catalog)
            })
            .unwrap_or_else(|d| (Vec::new(), vec![d]))
        })
        .collect();
    let mut out = Vec::new();
    for (t, d) in results {
        out.extend(t);
        diags.extend(d);
    }
    out
}

/// The results of one file: `traits/*.jsonl` (one per line, in parallel) or
/// `traits/<hostname>/<capability>.json`.
fn parse_file(
    src: &SourceFile,
    path: &Path,
    dir: &Path,
    catalog: &Catalog,
) -> (Vec<RawTrait>, Vec<Diagnostic>) {
    let jsonl = ext(path) == Some("jsonl");
    if let Some(d) = super::inventory::json_nesting(src, jsonl) {
        return (Vec::new(), vec![d]);
    }
    let parsed: Vec<Result<RawTrait, Diagnostic>> = if jsonl {
        super::inventory::jsonl_lines(src)
            .par_iter()
            .map(|&(line_no, line)| one(src, line, (line_no, 1), None, catalog))
            .collect()
    } else {
        let rel = path.strip_prefix(dir).unwrap_or(path);
        let host = rel
            .parent()
            .and_then(Path::file_name)
            .map(|s| s.to_string_lossy().into_owned());
        let cap = path.file_stem().map(|s| s.to_string_lossy().into_owned());
        let start =
            LineIndex::new(&src.text).line_col(src.text.len() - src.text.trim_start().len());
        vec![one(src, &src.text, start, host.zip(cap), catalog)]
    };
    let mut out = Vec::with_capacity(parsed.len());
    let mut diags = Vec::new();
    for p in parsed {
        match p {
            Ok(t) => out.push(t),
            Err(d) => diags.push(d),
        }
    }
    (out, diags)
}

fn one(
    src: &SourceFile,
    text: &str,
    (line, col): (usize, usize),
    from_path: Option<(String, String)>,
    catalog: &Catalog,
) -> Result<RawTrait, Diagnostic> {
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
            return Err(src.diag_at(
                Diagnostic::error(Code::BadTrait, format!("invalid Connwaer result: {msg}"))
                    .help(help),
                l,
                c.max(1),
            ));
        }
    };
    let err = |code: Code, msg: String, help: String| {
        Err(src.diag_at(Diagnostic::error(code, msg).help(help), line, col))
    };
    let (envoy, capability) = match (&from_path, j.envoy, j.capability) {
        (Some((h, c)), e, cap) => {
            if e.as_ref().is_some_and(|e| !e.eq_ignore_ascii_case(h))
                || cap.as_ref().is_some_and(|x| x != c)
            {
                return err(
                    Code::TraitPathMismatch,
                    format!(
                        "the result names `{}`/`{}` but lives in `{h}/{c}.json`",
                        e.unwrap_or_default(),
                        cap.unwrap_or_default()
                    ),
                    "store each result as traits/<hostname>/<capability>.json, matching its fields"
                        .into(),
                );
            }
            (Cow::Owned(h.clone()), Cow::Owned(c.clone()))
        }
        (None, Some(e), Some(c)) => (e, c),
        (None, _, _) => {
            return err(
                Code::BadTrait,
                "a JSONL result needs `envoy` and `capability`".into(),
                help.into(),
            );
        }
    };
    let Some(ci) = catalog.capability_index(&capability) else {
        let hint = did_you_mean_hint(
            &capability,
            catalog.capabilities.iter().map(|c| c.name.as_str()),
        );
        return err(
            Code::UnknownCapability,
            format!("no capability catalog defines `{capability}`"),
            format!("{hint}see `vigocli catalog list`"),
        );
    };
    let status = match j.status.as_ref() {
        "pass" => TraitStatus::Pass,
        "fail" => TraitStatus::Fail,
        other => {
            return err(
                Code::BadTrait,
                format!("status `{other}` is neither `pass` nor `fail`"),
                help.into(),
            );
        }
    };
    let checked_at = match j.checked_at {
        None => None,
        Some(t) => match t.parse::<Timestamp>() {
            Ok(ts) => Some(ts),
            Err(_) => {
                return err(
                    Code::BadDate,
                    format!("`checked_at: {t}` is not an RFC 3339 timestamp"),
                    "write it as e.g. \"2026-11-21T09:00:00Z\"".into(),
                );
            }
        },
    };
    Ok(RawTrait {
        envoy: super::inventory::lower_hostname(&envoy),
        capability: ci,
        status,
        checked_at,
        loc: src.location(line, col),
    })
}

//! The envoy inventory: JSON (`{"envoys": [...]}` or a bare array), YAML (same shapes)
//! or JSONL (one envoy per line, for large fleets). Several files are concatenated.

use super::{InputLog, ext, read_source, sorted_files};
use crate::diag::{Code, Diagnostic, Diagnostics, Location};
use crate::settings::Settings;
use crate::source::LineIndex;
use crate::yaml::{self, Node, Reader, SourceFile, Value};
use jiff::Timestamp;
use rayon::prelude::*;
use serde::Deserialize;
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::collections::BTreeMap;

#[derive(Debug)]
pub struct RawEnvoy {
    pub hostname: String,
    pub labels: Vec<(String, String)>,
    pub environment: Option<String>,
    pub last_converged: Option<Timestamp>,
    pub status: Option<String>,
    pub revoked: bool,
    pub configcrates: Option<CrateList>,
    pub loc: Location,
}

/// The configcrates an inventory record assigns, with where each is written: a JSON record
/// writes them all at its own position (`at` is empty), a YAML list item by item.
#[derive(Debug)]
pub struct CrateList {
    pub names: Vec<Box<str>>,
    at: Vec<Location>,
}

impl CrateList {
    /// Each name and where it is written (`record` for a JSON record's).
    pub fn iter<'a>(
        &'a self,
        record: &'a Location,
    ) -> impl Iterator<Item = (&'a str, &'a Location)> {
        self.names
            .iter()
            .enumerate()
            .map(move |(i, n)| (n.as_ref(), self.at.get(i).unwrap_or(record)))
    }
}

pub fn load(settings: &Settings, inputs: &InputLog, diags: &mut Diagnostics) -> Vec<RawEnvoy> {
    let mut paths = Vec::new();
    for p in &settings.paths.inventory {
        if p.is_dir() {
            paths.extend(sorted_files(
                settings,
                p,
                |f| matches!(ext(f), Some("json" | "jsonl" | "yaml" | "yml")),
                diags,
            ));
        } else {
            // One file, named by vigocli.toml or --inventory: it must resolve inside the
            // repository (or be the file given on the command line).
            match settings.scope.check_inside(p) {
                Ok(()) => paths.push(p.clone()),
                Err(d) => diags.push(d),
            }
        }
    }
    let results: Vec<(Vec<RawEnvoy>, Vec<Diagnostic>)> = paths
        .par_iter()
        .map(|path| match read_source(settings, path, inputs) {
            Err(d) => (Vec::new(), vec![d]),
            Ok(src) => match ext(path) {
                Some("jsonl") => parse_jsonl(&src),
                Some("yaml" | "yml") => parse_yaml(&src),
                _ => parse_json(&src),
            },
        })
        .collect();
    let mut out = Vec::new();
    for (envoys, d) in results {
        out.extend(envoys);
        diags.extend(d);
    }
    out
}

/// Borrowed from the file's text where no escape needs decoding.
#[derive(Deserialize)]
struct JsonEnvoy<'a> {
    #[serde(borrow)]
    hostname: Cow<'a, str>,
    #[serde(default)]
    labels: BTreeMap<String, serde_json::Value>,
    environment: Option<String>,
    #[serde(borrow)]
    last_converged: Option<Cow<'a, str>>,
    status: Option<String>,
    #[serde(default)]
    revoked: bool,
    #[serde(borrow)]
    configcrates: Option<Vec<Cow<'a, str>>>,
}

#[derive(Deserialize)]
struct JsonTop<'a> {
    #[serde(borrow)]
    envoys: Vec<&'a RawValue>,
}

fn json_error(
    src: &SourceFile,
    e: &serde_json::Error,
    base: (usize, usize),
    what: &str,
) -> Diagnostic {
    let (line, col) = if e.line() <= 1 {
        (base.0, base.1 + e.column().saturating_sub(1))
    } else {
        (base.0 + e.line() - 1, e.column())
    };
    src.diag_at(
        Diagnostic::error(Code::BadInventory, format!("invalid {what}: {}", strip_position(&e.to_string())))
            .help("each envoy is an object with a string `hostname` and optional `labels`, `last_converged`, `status`, `revoked`, `configcrates`"),
        line,
        col.max(1),
    )
}

fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

/// `nesting-too-deep` for JSON text nested deeper than the limit (serde_json would stop at
/// its own limit with a less helpful message; YAML and TOML share this one).
pub fn json_nesting(src: &SourceFile, per_line: bool) -> Option<Diagnostic> {
    let offset = crate::source::json_too_deep(&src.text, per_line)?;
    let (line, col) = LineIndex::new(&src.text).line_col(offset);
    Some(crate::yaml::nesting_too_deep(src, line, col))
}

fn parse_json(src: &SourceFile) -> (Vec<RawEnvoy>, Vec<Diagnostic>) {
    if let Some(d) = json_nesting(src, false) {
        return (Vec::new(), vec![d]);
    }
    let text = src.text.as_str();
    let trimmed = text.trim_start();
    let items: Result<Vec<&RawValue>, serde_json::Error> = if trimmed.starts_with('[') {
        serde_json::from_str(text)
    } else {
        serde_json::from_str::<JsonTop<'_>>(text).map(|t| t.envoys)
    };
    let items = match items {
        Ok(i) => i,
        Err(e) => {
            return (
                Vec::new(),
                vec![json_error(
                    src,
                    &e,
                    (1, 1),
                    "inventory JSON (expected {\"envoys\": [...]} or [...])",
                )],
            );
        }
    };
    let index = LineIndex::new(text);
    let base_ptr = text.as_ptr() as usize;
    let mut envoys = Vec::with_capacity(items.len());
    let mut diags = Vec::new();
    for raw in items {
        let offset = (raw.get().as_ptr() as usize).saturating_sub(base_ptr);
        let pos = index.line_col(offset);
        match serde_json::from_str::<JsonEnvoy>(raw.get()) {
            Ok(j) => {
                if let Some(e) = from_json(src, j, pos, &mut diags) {
                    envoys.push(e);
                }
            }
            Err(e) => diags.push(json_error(src, &e, pos, "envoy")),
        }
    }
    (envoys, diags)
}

/// The non-blank lines of a JSON Lines file with their 1-based numbers.
pub fn jsonl_lines(src: &SourceFile) -> Vec<(usize, &str)> {
    src.text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| (i + 1, l))
        .collect()
}

fn parse_jsonl(src: &SourceFile) -> (Vec<RawEnvoy>, Vec<Diagnostic>) {
    if let Some(d) = json_nesting(src, true) {
        return (Vec::new(), vec![d]);
    }
    let parsed: Vec<(Option<RawEnvoy>, Vec<Diagnostic>)> = jsonl_lines(src)
        .par_iter()
        .map(|&(line_no, line)| {
            let mut diags = Vec::new();
            let envoy = match serde_json::from_str::<JsonEnvoy<'_>>(line) {
                Ok(j) => from_json(src, j, (line_no, 1), &mut diags),
                Err(e) => {
                    diags.push(json_error(src, &e, (line_no, 1), "envoy line"));
                    None
                }
            };
            (envoy, diags)
        })
        .collect();
    let mut envoys = Vec::with_capacity(parsed.len());
    let mut diags = Vec::new();
    for (e, d) in parsed {
        envoys.extend(e);
        diags.extend(d);
    }
    (envoys, diags)
}

fn from_json(
    src: &SourceFile,
    j: JsonEnvoy,
    (line, col): (usize, usize),
    diags: &mut Vec<Diagnostic>,
) -> Option<RawEnvoy> {
    let loc = src.location(line, col);
    let mut ok = true;
    let mut labels = Vec::new();
    for (k, v) in j.labels {
        match v {
            serde_json::Value::String(s) => labels.push((k, s)),
            serde_json::Value::Bool(b) => labels.push((k, b.to_string())),
            serde_json::Value::Number(n) => labels.push((k, n.to_string())),
            serde_json::Value::Null => labels.push((k, String::new())),
            _ => {
                ok = false;
                diags.push(
                    src.diag_at(
                        Diagnostic::error(
                            Code::WrongType,
                            format!(
                                "label `{k}` of envoy `{}` must be a string, number or boolean",
                                j.hostname
                            ),
                        )
                        .help("flatten the label to one value, e.g. \"phi\": true"),
                        line,
                        col,
                    ),
                );
            }
        }
    }
    let last_converged = match j.last_converged {
        Some(t) => {
            match t.parse::<Timestamp>() {
                Ok(ts) => Some(ts),
                Err(_) => {
                    ok = false;
                    diags.push(src.diag_at(
                    Diagnostic::error(Code::BadDate, format!("`last_converged: {t}` of envoy `{}` is not an RFC 3339 timestamp", j.hostname))
                        .help("write it as e.g. \"2026-11-20T10:00:00Z\""),
                    line,
                    col,
                ));
                    None
                }
            }
        }
        None => None,
    };
    let hostname = lower_hostname(&j.hostname).into_string();
    if hostname.is_empty() {
        diags.push(
            src.diag_at(
                Diagnostic::error(Code::BadInventory, "envoy has an empty `hostname`")
                    .help("give every envoy its hostname"),
                line,
                col,
            ),
        );
        return None;
    }
    if let Some(d) = invalid_hostname(&hostname) {
        diags.push(src.diag_at(d, line, col));
        return None;
    }
    ok.then(|| RawEnvoy {
        hostname,
        labels,
        environment: j.environment,
        last_converged,
        status: j.status,
        revoked: j.revoked,
        configcrates: j.configcrates.map(|v| CrateList {
            names: v.into_iter().map(|c| c.into()).collect(),
            at: Vec::new(),
        }),
        loc,
    })
}

/// A hostname as the inventory keys it: trimmed, in lower case (copied as it is when it
/// already is).
pub fn lower_hostname(name: &str) -> Box<str> {
    let name = name.trim();
    if name
        .bytes()
        .all(|b| b.is_ascii() && !b.is_ascii_uppercase())
    {
        name.into()
    } else {
        name.to_lowercase().into()
    }
}

/// A hostname is shown in terminals, CI logs and reports and names files and globs: one
/// word, no whitespace, no control or bidirectional-formatting character.
fn invalid_hostname(hostname: &str) -> Option<Diagnostic> {
    let bad = hostname
        .chars()
        .find(|&c| c.is_whitespace() || crate::escape::is_unsafe(c))?;
    Some(
        Diagnostic::error(
            Code::InvalidHostname,
            format!(
                "hostname `{hostname}` contains {}",
                if bad.is_whitespace() && !bad.is_control() {
                    format!("whitespace (U+{:04X})", bad as u32)
                } else {
                    format!("a control character (U+{:04X})", bad as u32)
                }
            ),
        )
        .help("a hostname is one word of letters, digits, `-` and `.`, e.g. web-01.example.com"),
    )
}

fn parse_yaml(src: &SourceFile) -> (Vec<RawEnvoy>, Vec<Diagnostic>) {
    let root = match yaml::parse(src) {
        Ok(r) => r,
        Err(d) => return (Vec::new(), vec![d]),
    };
    let mut r = Reader::new(src);
    let list = match &root.value {
        Value::Seq(_) => Some(&root),
        Value::Map(_) => root.get("envoys"),
        _ => None,
    };
    let Some(Node {
        value: Value::Seq(items),
        ..
    }) = list
    else {
        r.error(
            &root,
            Code::BadInventory,
            "an inventory file holds `envoys:` with a list of envoys (or is a list)".into(),
            "write `envoys:` then `- hostname: web-01.example.com` items".into(),
        );
        return (Vec::new(), r.diags);
    };
    let mut envoys = Vec::new();
    for item in items {
        if item.as_map().is_none() {
            r.error(
                item,
                Code::WrongType,
                format!("an envoy must be a mapping, found {}", item.kind()),
                "write `- hostname: web-01.example.com`".into(),
            );
            continue;
        }
        let before = r.diags.len();
        let hostname = match item.get("hostname") {
            Some(n) => r.string(n, "hostname"),
            None => {
                r.error(
                    item,
                    Code::MissingKey,
                    "envoy has no `hostname:`".into(),
                    "add `hostname: <fqdn>`".into(),
                );
                None
            }
        };
        let labels = item
            .get("labels")
            .map(|n| r.labels(n, "labels"))
            .unwrap_or_default();
        let last_converged = item.get("last_converged").and_then(|n| {
            let s = r.string(n, "last_converged")?;
            let t = s.parse::<Timestamp>().ok();
            if t.is_none() {
                r.error(
                    n,
                    Code::BadDate,
                    format!("`last_converged: {s}` is not an RFC 3339 timestamp"),
                    "write it as e.g. \"2026-11-20T10:00:00Z\"".into(),
                );
            }
            t
        });
        let configcrates = item.get("configcrates").map(|n| {
            let (names, at) = r
                .string_list(n, "configcrates")
                .into_iter()
                .map(|(s, n)| (s.into_boxed_str(), src.location(n.line, n.col)))
                .unzip();
            CrateList { names, at }
        });
        let revoked = item
            .get("revoked")
            .and_then(|n| r.bool(n, "revoked"))
            .unwrap_or(false);
        let environment = item
            .get("environment")
            .and_then(|n| r.string(n, "environment"));
        let status = item.get("status").and_then(|n| r.string(n, "status"));
        if r.diags.len() > before {
            continue;
        }
        let Some(hostname) = hostname else { continue };
        if let Some(d) = invalid_hostname(&hostname) {
            let at = item.get("hostname").unwrap_or(item);
            r.diags.push(src.diag(d, at));
            continue;
        }
        envoys.push(RawEnvoy {
            hostname: hostname.to_lowercase(),
            labels,
            environment,
            last_converged,
            status,
            revoked,
            configcrates,
            loc: src.location(item.line, item.col),
        });
    }
    (envoys, r.diags)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_elements_carry_their_position() {
        let src = SourceFile::new(
            "inv.json",
            "{\"envoys\": [\n  {\"hostname\": \"A\"},\n  {\"hostname\": 5}\n]}".into(),
        );
        let (envoys, diags) = parse_json(&src);
        assert_eq!(envoys.len(), 1);
        assert_eq!(envoys[0].hostname, "a");
        assert_eq!((envoys[0].loc.line, envoys[0].loc.col), (2, 3));
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].location.as_ref().map(|l| l.line), Some(3));
    }
}

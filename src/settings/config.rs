//! Reading `vigocli.toml` once: typed, with the position of every part a later diagnostic
//! points at (toml spans), and with its errors collected rather than fatal.

use super::CONFIG_FILE;
use crate::diag::{Code, Diagnostic, Location};
use crate::source::{LineIndex, Scope};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use toml::Spanned;

/// `vigocli.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    #[serde(default)]
    pub paths: PathsConfig,
    #[serde(default)]
    pub frameworks: BTreeMap<Spanned<String>, Spanned<FrameworkConfig>>,
    #[serde(default)]
    pub waivers: WaiversConfig,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PathsConfig {
    pub stacks: Option<PathBuf>,
    pub inventory: Option<PathBuf>,
    pub traits: Option<PathBuf>,
    pub audit: Option<PathBuf>,
    pub frameworks: Option<PathBuf>,
    /// Accepted (a repository may already name it) but read by no command yet.
    #[allow(dead_code)]
    pub evidence: Option<PathBuf>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrameworkConfig {
    /// Label filter: the framework applies to envoys whose labels equal all of these.
    #[serde(default)]
    pub scope: BTreeMap<String, toml::Value>,
    pub min_coverage: Option<f64>,
    pub min_covered: Option<f64>,
    /// Gate on assured_pct (covered + attested, waivers not counted).
    pub min_assured: Option<f64>,
    #[serde(default)]
    pub must_cover: Vec<Spanned<String>>,
    pub max_partial: Option<u64>,
    /// Frameworks whose claims count for this one through a built-in or repository mapping.
    #[serde(default)]
    pub infer_from: Vec<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WaiversConfig {
    pub expiring_days: Option<i64>,
}

/// `[frameworks.<id>]` of vigocli.toml, resolved: where it is written, its label filter as
/// text, its gates, and where each must-cover control is named.
#[derive(Debug, Clone)]
pub struct FrameworkSettings {
    /// The table's key path (`frameworks.<id>` of its header, else `<id>`).
    pub location: Location,
    /// Label filter: the framework applies to envoys whose labels equal all of these.
    pub scope: BTreeMap<String, String>,
    pub min_coverage: Option<f64>,
    pub min_covered: Option<f64>,
    pub min_assured: Option<f64>,
    pub must_cover: Vec<MustCover>,
    pub max_partial: Option<u64>,
    /// `infer_from`: source frameworks as written, each with where it is written.
    pub infer_from: Vec<MustCover>,
}

/// One entry of `must_cover`, and where it is written.
#[derive(Debug, Clone)]
pub struct MustCover {
    pub control: String,
    pub location: Location,
}

/// The `[frameworks.*]` tables with positions taken from the spans toml reported while
/// parsing (never by searching the text again).
pub(super) fn resolve_frameworks(
    frameworks: BTreeMap<Spanned<String>, Spanned<FrameworkConfig>>,
    text: &str,
) -> BTreeMap<String, FrameworkSettings> {
    let file: Arc<str> = Arc::from(CONFIG_FILE);
    let index = LineIndex::new(text);
    let at = |offset: usize| {
        let (line, col) = index.line_col(offset);
        Location {
            file: file.clone(),
            line,
            col,
        }
    };
    frameworks
        .into_iter()
        .map(|(id, table)| {
            let start = table_start(text, id.span(), table.span());
            let table = table.into_inner();
            let resolved = FrameworkSettings {
                location: at(start),
                scope: table
                    .scope
                    .iter()
                    .map(|(k, v)| (k.clone(), toml_scalar(v)))
                    .collect(),
                min_coverage: table.min_coverage,
                min_covered: table.min_covered,
                min_assured: table.min_assured,
                must_cover: table
                    .must_cover
                    .into_iter()
                    .map(|c| MustCover {
                        location: at(c.span().start),
                        control: c.into_inner(),
                    })
                    .collect(),
                max_partial: table.max_partial,
                infer_from: table
                    .infer_from
                    .into_iter()
                    .map(|c| MustCover {
                        location: at(c.span().start),
                        control: c.into_inner(),
                    })
                    .collect(),
            };
            (id.into_inner(), resolved)
        })
        .collect()
}

/// Where a framework table is written: the key path of its `[frameworks.<id>]` header
/// (after the bracket), or its key when it is an inline table or a dotted key.
fn table_start(text: &str, key: Range<usize>, table: Range<usize>) -> usize {
    match text.get(table.clone()).and_then(|t| t.strip_prefix('[')) {
        Some(header) => table.start + 1 + (header.len() - header.trim_start().len()),
        None => key.start,
    }
}

fn toml_scalar(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// vigocli.toml as read: what could be used of it, and its errors.
pub(super) struct LoadedConfig {
    pub config: ConfigFile,
    pub frameworks: BTreeMap<String, FrameworkSettings>,
    pub text: Option<String>,
    pub errors: Vec<Diagnostic>,
    pub paths_known: bool,
}

/// `[paths]` alone, to keep reading the repository when another table of vigocli.toml is
/// wrong (its errors are then reported together with the repository's).
#[derive(Default, Deserialize)]
struct PathsOnly {
    #[serde(default)]
    paths: PathsConfig,
}

pub(super) fn load_config(repo: &Path, scope: &Scope) -> LoadedConfig {
    let path = repo.join(CONFIG_FILE);
    let failed = |d: Diagnostic, text: Option<String>| LoadedConfig {
        config: ConfigFile::default(),
        frameworks: BTreeMap::new(),
        text,
        errors: vec![d],
        paths_known: false,
    };
    if !Scope::exists(&path) {
        return LoadedConfig {
            config: ConfigFile::default(),
            frameworks: BTreeMap::new(),
            text: None,
            errors: Vec::new(),
            paths_known: true,
        };
    }
    let bytes = match scope.read(&path) {
        Ok(b) => b,
        Err(d) => return failed(d, None),
    };
    let file: Arc<str> = Arc::from(CONFIG_FILE);
    let Ok(text) = String::from_utf8(bytes) else {
        return failed(
            Diagnostic::error(Code::NotUtf8, "vigocli.toml is not valid UTF-8")
                .at(Location::file_only(&file))
                .help("save the file as UTF-8"),
            None,
        );
    };
    let src = crate::yaml::SourceFile::new(file.clone(), text.clone());
    let (d, paths) = if let Some(offset) = crate::source::toml_too_deep(&text) {
        let (line, col) = crate::source::line_col(&text, offset);
        let d = crate::yaml::nesting_too_deep(&src, line, col);
        (d, (!sets_paths(&text)).then(PathsConfig::default))
    } else {
        let e = match toml::from_str::<ConfigFile>(&text) {
            Ok(mut config) => {
                let frameworks = resolve_frameworks(std::mem::take(&mut config.frameworks), &text);
                return LoadedConfig {
                    config,
                    frameworks,
                    text: Some(text),
                    errors: Vec::new(),
                    paths_known: true,
                };
            }
            Err(e) => e,
        };
        let (line, col) = e
            .span()
            .map(|s| crate::source::line_col(&text, s.start))
            .unwrap_or((1, 1));
        let d = src.diag_at(
            Diagnostic::error(
                Code::BadConfig,
                format!("invalid vigocli.toml: {}", e.message()),
            )
            .help("see docs/file-formats.md#vigocli-toml for the keys vigocli.toml accepts"),
            line,
            col,
        );
        // Keep the paths when they parse; a file that does not parse at all is read with
        // the default paths unless it sets `[paths]` (then where the inputs are is unknown).
        let paths = match toml::from_str::<PathsOnly>(&text) {
            Ok(p) => Some(p.paths),
            Err(_) if !sets_paths(&text) => Some(PathsConfig::default()),
            Err(_) => None,
        };
        (d, paths)
    };
    LoadedConfig {
        paths_known: paths.is_some(),
        config: ConfigFile {
            paths: paths.unwrap_or_default(),
            ..ConfigFile::default()
        },
        frameworks: BTreeMap::new(),
        text: Some(text),
        errors: vec![d],
    }
}

/// Whether TOML text (that may not parse) mentions a `[paths]` table or a `paths` key.
fn sets_paths(text: &str) -> bool {
    text.lines().any(|l| {
        let l = l.trim_start().trim_start_matches('[').trim_start();
        l.strip_prefix("paths")
            .is_some_and(|rest| rest.trim_start().starts_with([']', '.', '=']))
    })
}

//! One typed value built from the command line, `vigocli.toml` and the environment.
//! The rest of the program reads only this.

use crate::cli::GlobalArgs;
use crate::diag::{Code, Diagnostic, Location};
use crate::load::source::Scope;
use jiff::Timestamp;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub const CONFIG_FILE: &str = "vigocli.toml";
pub const DEFAULT_EXPIRING_DAYS: i64 = 30;

/// `vigocli.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    #[serde(default)]
    pub paths: PathsConfig,
    #[serde(default)]
    pub frameworks: BTreeMap<String, FrameworkConfig>,
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
    #[serde(default)]
    pub must_cover: Vec<String>,
    pub max_partial: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WaiversConfig {
    pub expiring_days: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct Paths {
    pub repo: PathBuf,
    pub stacks: PathBuf,
    /// Files or directories; empty = declared mode.
    pub inventory: Vec<PathBuf>,
    pub traits: PathBuf,
    pub frameworks: PathBuf,
    /// The audit log: a `*.jsonl` file or a directory of them.
    pub audit: PathBuf,
}

#[derive(Debug)]
pub struct Settings {
    pub paths: Paths,
    /// Where inputs may live (the repository, and paths given on the command line).
    pub scope: Scope,
    /// The text of vigocli.toml, when there is one and it could be read.
    pub config_text: Option<String>,
    /// Errors of vigocli.toml, reported together with the repository's own errors.
    pub config_errors: Vec<Diagnostic>,
    /// Whether the paths of the inputs are known (false when vigocli.toml cannot be read,
    /// or its `[paths]` cannot be parsed: then only its errors are reported).
    pub paths_known: bool,
    /// No --repo (or VIGO_REPO) was given: the repository is the current directory.
    pub repo_implicit: bool,
    pub as_of: Timestamp,
    /// `as_of` is the clock (neither `--as-of` nor SOURCE_DATE_EPOCH pins it): commands
    /// that record when they ran (`audit append`) read the clock at that moment instead.
    pub as_of_is_clock: bool,
    /// framework id (as written) → label → value
    pub scopes: BTreeMap<String, BTreeMap<String, String>>,
    /// `--scope`: applies to every framework of this run, over the config's.
    pub cli_scope: BTreeMap<String, String>,
    pub expiring_days: i64,
    pub frameworks: BTreeMap<String, FrameworkConfig>,
    pub threads: Option<usize>,
}

impl Settings {
    pub fn from_args(args: &GlobalArgs) -> Result<Settings, Vec<Diagnostic>> {
        let mut diags = Vec::new();
        let repo = args.repo.clone().unwrap_or_else(|| PathBuf::from("."));
        if !repo.is_dir() {
            return Err(vec![
                Diagnostic::error(
                    Code::MissingPath,
                    format!("repository directory `{}` does not exist", repo.display()),
                )
                .help("pass --repo DIR (or set VIGO_REPO) to the root of your stacks repository"),
            ]);
        }
        let trusted: Vec<PathBuf> = args.inventory.iter().chain(&args.traits).cloned().collect();
        let scope = Scope::repository(&repo, &trusted);
        let loaded = load_config(&repo, &scope);
        let config = loaded.config;
        let rel = |p: &Option<PathBuf>, default: &str| {
            repo.join(p.clone().unwrap_or_else(|| PathBuf::from(default)))
        };

        let stacks = match &config.paths.stacks {
            Some(p) => repo.join(p),
            // A `stacks` that exists but is no directory is an error below, not a fallback.
            None if Scope::exists(&repo.join("stacks")) => repo.join("stacks"),
            None => repo.clone(),
        };
        if !loaded.paths_known {
            // Where the inputs are is unknown: only vigocli.toml's errors are reported.
        } else if !Scope::exists(&stacks) {
            diags.push(
                Diagnostic::error(
                    Code::MissingPath,
                    format!("stacks directory `{}` does not exist", stacks.display()),
                )
                .at(Location::file_only(&Arc::from(CONFIG_FILE)))
                .help("fix `[paths] stacks` in vigocli.toml"),
            );
        }
        let inventory = if !args.inventory.is_empty() {
            for f in &args.inventory {
                if !Scope::exists(f) {
                    diags.push(
                        Diagnostic::error(
                            Code::MissingPath,
                            format!("inventory `{}` does not exist", f.display()),
                        )
                        .help("pass an existing JSON, YAML or JSONL file to --inventory"),
                    );
                }
            }
            args.inventory.clone()
        } else {
            let p = rel(&config.paths.inventory, "inventory");
            if config.paths.inventory.is_some() && loaded.paths_known && !Scope::exists(&p) {
                diags.push(
                    Diagnostic::error(
                        Code::MissingPath,
                        format!("inventory `{}` does not exist", p.display()),
                    )
                    .at(Location::file_only(&Arc::from(CONFIG_FILE)))
                    .help(
                        "fix `[paths] inventory` in vigocli.toml, or remove it for declared mode",
                    ),
                );
            }
            if Scope::exists(&p) {
                vec![p]
            } else {
                Vec::new()
            }
        };
        let traits = args
            .traits
            .clone()
            .unwrap_or_else(|| rel(&config.paths.traits, "traits"));
        if args.traits.is_some() && !Scope::exists(&traits) {
            diags.push(
                Diagnostic::error(
                    Code::MissingPath,
                    format!("traits directory `{}` does not exist", traits.display()),
                )
                .help("pass the directory that holds the Connwaer results to --traits"),
            );
        }
        let frameworks = rel(&config.paths.frameworks, "frameworks");
        let audit = rel(&config.paths.audit, "audit");

        let as_of = match resolve_as_of(
            args.as_of.as_deref(),
            std::env::var("SOURCE_DATE_EPOCH").ok().as_deref(),
        ) {
            Ok(t) => t,
            Err(d) => {
                diags.push(d);
                Timestamp::UNIX_EPOCH
            }
        };

        let mut scopes = BTreeMap::new();
        for (fw, fc) in &config.frameworks {
            let scope: BTreeMap<String, String> = fc
                .scope
                .iter()
                .map(|(k, v)| (k.clone(), toml_scalar(v)))
                .collect();
            if !scope.is_empty() {
                scopes.insert(fw.clone(), scope);
            }
        }
        let mut cli_scope = BTreeMap::new();
        for s in &args.scope {
            match s.split_once('=') {
                Some((k, v)) if !k.trim().is_empty() => {
                    cli_scope.insert(k.trim().to_string(), v.trim().to_string());
                }
                _ => diags.push(
                    Diagnostic::error(Code::BadArgument, format!("--scope `{s}` is not KEY=VALUE"))
                        .help("write it as --scope phi=true"),
                ),
            }
        }
        let expiring_days = config
            .waivers
            .expiring_days
            .unwrap_or(DEFAULT_EXPIRING_DAYS);
        if expiring_days < 0 {
            diags.push(
                Diagnostic::error(
                    Code::BadConfig,
                    "`[waivers] expiring_days` must not be negative",
                )
                .at(Location::file_only(&Arc::from(CONFIG_FILE)))
                .help("use a number of days, e.g. 30"),
            );
        }
        if !diags.is_empty() {
            diags.extend(loaded.errors);
            return Err(diags);
        }
        Ok(Settings {
            paths: Paths {
                repo,
                stacks,
                inventory,
                traits,
                frameworks,
                audit,
            },
            scope,
            config_text: loaded.text,
            config_errors: loaded.errors,
            paths_known: loaded.paths_known,
            repo_implicit: args.repo.is_none(),
            as_of,
            as_of_is_clock: args.as_of.is_none()
                && std::env::var("SOURCE_DATE_EPOCH").map_or(true, |s| s.trim().is_empty()),
            scopes,
            cli_scope,
            expiring_days,
            frameworks: config.frameworks,
            threads: args.threads,
        })
    }

    /// For commands that read no repository files (audit, diff): vigocli.toml must be valid.
    pub fn require_valid_config(&self) -> Result<(), Vec<Diagnostic>> {
        if self.config_errors.is_empty() {
            Ok(())
        } else {
            Err(self.config_errors.clone())
        }
    }

    /// Running without --repo outside a repository would read whatever lies below the
    /// current directory (the whole file system from `/`): refuse, and say what marks one.
    pub fn require_repository(&self) -> Result<(), Diagnostic> {
        let repo = &self.paths.repo;
        let marked = [CONFIG_FILE, "stacks", "configcrates"]
            .iter()
            .any(|m| Scope::exists(&repo.join(m)));
        if !self.repo_implicit || marked {
            return Ok(());
        }
        let here = std::env::current_dir()
            .map(|d| d.display().to_string())
            .unwrap_or_else(|_| repo.display().to_string());
        Err(Diagnostic::error(
            Code::NotARepository,
            format!("`{here}` is not a vigocli repository: it has no vigocli.toml, no stacks/ and no configcrates/"),
        )
        .help("run vigocli in the root of your stacks repository, or pass --repo DIR (or set VIGO_REPO); a repository holds vigocli.toml, a stacks/ directory, or configcrates/ at its top"))
    }

    /// The label filter of a framework: `--scope` over `[frameworks.<id>] scope` (by id or alias).
    pub fn scope_for(&self, ids: &[&str]) -> BTreeMap<String, String> {
        let mut scope = ids
            .iter()
            .find_map(|id| self.scopes.get(*id))
            .cloned()
            .unwrap_or_default();
        scope.extend(self.cli_scope.clone());
        scope
    }
}

fn toml_scalar(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// vigocli.toml as read: what could be used of it, and its errors.
struct LoadedConfig {
    config: ConfigFile,
    text: Option<String>,
    errors: Vec<Diagnostic>,
    paths_known: bool,
}

/// `[paths]` alone, to keep reading the repository when another table of vigocli.toml is
/// wrong (its errors are then reported together with the repository's).
#[derive(Default, Deserialize)]
struct PathsOnly {
    #[serde(default)]
    paths: PathsConfig,
}

fn load_config(repo: &Path, scope: &Scope) -> LoadedConfig {
    let path = repo.join(CONFIG_FILE);
    let failed = |d: Diagnostic, text: Option<String>| LoadedConfig {
        config: ConfigFile::default(),
        text,
        errors: vec![d],
        paths_known: false,
    };
    if !Scope::exists(&path) {
        return LoadedConfig {
            config: ConfigFile::default(),
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
    let (d, paths) = if let Some(offset) = crate::load::source::toml_too_deep(&text) {
        let (line, col) = crate::load::source::line_col(&text, offset);
        let d = crate::load::source::nesting_too_deep(&src, line, col);
        (d, (!sets_paths(&text)).then(PathsConfig::default))
    } else {
        let e = match toml::from_str::<ConfigFile>(&text) {
            Ok(config) => {
                return LoadedConfig {
                    config,
                    text: Some(text),
                    errors: Vec::new(),
                    paths_known: true,
                };
            }
            Err(e) => e,
        };
        let (line, col) = e.span().map(|s| crate::load::source::line_col(&text, s.start)).unwrap_or((1, 1));
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

/// `--as-of`, else `SOURCE_DATE_EPOCH`, else the clock.
pub fn resolve_as_of(flag: Option<&str>, epoch: Option<&str>) -> Result<Timestamp, Diagnostic> {
    if let Some(s) = flag {
        return parse_instant(s).map_err(|e| {
            Diagnostic::error(Code::BadDate, format!("--as-of `{s}` {e}"))
                .help("write e.g. --as-of 2026-11-22 or --as-of 2026-11-22T09:00:00Z")
        });
    }
    if let Some(s) = epoch.filter(|s| !s.trim().is_empty()) {
        let t = s.trim();
        let digits = t.strip_prefix('-').unwrap_or(t);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Diagnostic::error(
                Code::BadDate,
                format!("SOURCE_DATE_EPOCH `{s}` is not a number of seconds"),
            )
            .help("set SOURCE_DATE_EPOCH to a Unix time, e.g. $(git log -1 --format=%ct)"));
        }
        return t
            .parse::<i64>()
            .ok()
            .and_then(|n| Timestamp::from_second(n).ok())
            .filter(|t| in_range(*t))
            .ok_or_else(|| {
                Diagnostic::error(
                    Code::BadDate,
                    format!("SOURCE_DATE_EPOCH `{s}` {}", InstantError::OutOfRange),
                )
                .help("set SOURCE_DATE_EPOCH to a Unix time, e.g. $(git log -1 --format=%ct)")
            });
    }
    Ok(Timestamp::now())
}

/// The earliest instant vigocli accepts: the first of RFC 3339's four-digit years.
pub const EARLIEST: &str = "0000-01-01T00:00:00Z";
/// The latest instant vigocli accepts (the last whole second its time library holds; the
/// 26 hours after it up to 9999-12-31T23:59:59Z cannot be represented).
pub const LATEST: &str = "9999-12-30T22:00:00Z";

fn in_range(t: Timestamp) -> bool {
    let earliest = Timestamp::from_second(-62_167_219_200).unwrap_or(Timestamp::MIN);
    t >= earliest && t <= Timestamp::MAX
}

/// Why a text is not an instant vigocli can use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstantError {
    NotAnInstant,
    OutOfRange,
}

impl std::fmt::Display for InstantError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InstantError::NotAnInstant => write!(f, "is not an RFC 3339 timestamp or a date"),
            InstantError::OutOfRange => {
                write!(f, "is outside the supported range {EARLIEST} to {LATEST}")
            }
        }
    }
}

/// An RFC 3339 timestamp, or a date meaning 00:00:00 UTC of that day, within
/// [`EARLIEST`]..=[`LATEST`] (docs/cli.md; every later date computation stays in range).
pub fn parse_instant(s: &str) -> Result<Timestamp, InstantError> {
    let s = s.trim();
    let t = if let Ok(t) = s.parse::<Timestamp>() {
        t
    } else if let Ok(d) = s.parse::<jiff::civil::Date>() {
        d.to_zoned(jiff::tz::TimeZone::UTC)
            .map_err(|_| InstantError::OutOfRange)?
            .timestamp()
    } else if jiff::fmt::temporal::Pieces::parse(s).is_ok_and(|p| p.offset().is_some()) {
        // Well-formed, but beyond what the time library represents (e.g. the last hours
        // of 9999-12-31).
        return Err(InstantError::OutOfRange);
    } else {
        return Err(InstantError::NotAnInstant);
    };
    if in_range(t) {
        Ok(t)
    } else {
        Err(InstantError::OutOfRange)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn as_of_precedence() {
        let t = resolve_as_of(Some("2026-11-22"), Some("0")).expect("date");
        assert_eq!(t.to_string(), "2026-11-22T00:00:00Z");
        let t = resolve_as_of(None, Some("86400")).expect("epoch");
        assert_eq!(t.to_string(), "1970-01-02T00:00:00Z");
        assert!(resolve_as_of(Some("yesterday"), None).is_err());
        assert!(resolve_as_of(None, Some("x")).is_err());
    }
}

//! One typed value built from the command line, `vigocli.toml` and the environment.
//! The rest of the program reads only this.

mod config;
mod instant;

pub use config::{FrameworkSettings, MustCover};
pub use instant::{EARLIEST, InstantError, LATEST, parse_instant, resolve_as_of};

use crate::diag::{Code, Diagnostic, Location};
use crate::source::Scope;
use jiff::Timestamp;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

pub const CONFIG_FILE: &str = "vigocli.toml";
pub const DEFAULT_EXPIRING_DAYS: i64 = 30;

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
    /// `--scope`: applies to every framework of this run, over the config's.
    pub cli_scope: BTreeMap<String, String>,
    pub expiring_days: i64,
    /// `[frameworks.<id>]` tables by id as written.
    pub frameworks: BTreeMap<String, FrameworkSettings>,
}

/// What the command line says about the repository and the evaluation; `run.rs` fills it
/// from the global options, so settings never depend on the command-line types.
#[derive(Debug, Clone, Default)]
pub struct Flags {
    pub repo: Option<PathBuf>,
    pub inventory: Vec<PathBuf>,
    pub traits: Option<PathBuf>,
    pub as_of: Option<String>,
    pub scope: Vec<String>,
}

impl Settings {
    pub fn from_args(args: &Flags) -> Result<Settings, Vec<Diagnostic>> {
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
        let loaded = config::load_config(&repo, &scope);
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
            cli_scope,
            expiring_days,
            frameworks: loaded.frameworks,
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

    /// The `infer_from` sources of a framework's table (by id or alias), as written.
    pub fn infer_from_for(&self, ids: &[&str]) -> Vec<String> {
        ids.iter()
            .filter_map(|id| self.frameworks.get(*id))
            .flat_map(|f| f.infer_from.iter().map(|c| c.control.clone()))
            .collect()
    }

    /// The label filter of a framework: `--scope` over `[frameworks.<id>] scope` (by id or alias).
    pub fn scope_for(&self, ids: &[&str]) -> BTreeMap<String, String> {
        let mut scope = ids
            .iter()
            .filter_map(|id| self.frameworks.get(*id))
            .map(|f| &f.scope)
            .find(|s| !s.is_empty())
            .cloned()
            .unwrap_or_default();
        scope.extend(self.cli_scope.clone());
        scope
    }
}

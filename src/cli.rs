//! Command-line types. No logic lives here: `settings` merges these with
//! `vigocli.toml` and the environment.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "vigocli",
    version,
    about = "Compliance-as-code reports for Vigo fleets",
    long_about = "Reads configcrate control tags, waivers, Connwaer trait checks and the envoy inventory of a Vigo stacks repository, and reports per-control coverage that an auditor can verify.",
    after_help = "Exit codes: 0 success, 1 a gate or verification failed, 2 invalid input or usage."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Repository root (holds vigocli.toml and stacks/).
    #[arg(
        long,
        global = true,
        env = "VIGO_REPO",
        hide_env_values = true,
        value_name = "DIR"
    )]
    pub repo: Option<PathBuf>,
    /// Inventory file(s) to use instead of <repo>/inventory/ (JSON, YAML or JSONL).
    #[arg(long, global = true, value_name = "FILE")]
    pub inventory: Vec<PathBuf>,
    /// Connwaer results directory instead of <repo>/traits/.
    #[arg(long, global = true, value_name = "DIR")]
    pub traits: Option<PathBuf>,
    /// Evaluate "now" as this instant (RFC 3339, or a date = 00:00 UTC). Default: SOURCE_DATE_EPOCH, else the clock.
    #[arg(long, global = true, value_name = "TIME")]
    pub as_of: Option<String>,
    /// Restrict the framework(s) to envoys with this label value (repeatable; all must match).
    #[arg(long, global = true, value_name = "KEY=VALUE")]
    pub scope: Vec<String>,
    /// Worker threads (default: one per core). Output never depends on it.
    #[arg(long, global = true, value_name = "N")]
    pub threads: Option<usize>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Compliance reports and checks.
    #[command(subcommand)]
    Compliance(ComplianceCommand),
    /// Inspect the framework catalogs.
    #[command(subcommand)]
    Catalog(CatalogCommand),
}

#[derive(Debug, Subcommand)]
pub enum ComplianceCommand {
    /// Report coverage of one framework (`compliance` is an alias of hipaa).
    Report(ReportArgs),
    /// One line per framework: coverage of every framework at once.
    Status(StatusArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Json,
    Table,
    /// A self-contained HTML page (with framework `all` and --output-dir: a static dashboard site).
    Html,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Framework id or alias (e.g. hipaa, soc2, pci, nist-800-53, cis), or `all` (every framework; needs --output-dir).
    pub framework: String,
    #[arg(long, value_enum, default_value = "table")]
    pub format: ReportFormat,
    /// Write to this file (atomically) instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Write into this directory (created if missing): `<framework>.html`/`.json`; with framework `all` and --format html, a static site with index.html and an envoy index.
    #[arg(long, value_name = "DIR", conflicts_with = "output")]
    pub output_dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    #[arg(long, value_enum, default_value = "table")]
    pub format: ReportFormat,
    /// Only these frameworks (default: every framework, profiles included).
    #[arg(long = "framework", value_name = "ID")]
    pub frameworks: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum CatalogCommand {
    /// List the frameworks, capabilities and bundles.
    List,
    /// Show the controls of one framework.
    Show { framework: String },
}

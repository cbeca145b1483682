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
    /// Export coverage for other tools: OSCAL assessment results, SIEM JSONL, CMDB JSON, GRC payloads.
    #[command(subcommand)]
    Export(ExportCommand),
    /// Send per-control evidence to another system.
    #[command(subcommand)]
    Push(PushCommand),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Json,
    Table,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Framework id or alias (e.g. hipaa, soc2, pci, nist-800-53, cis).
    pub framework: String,
    #[arg(long, value_enum, default_value = "table")]
    pub format: ReportFormat,
    /// Write to this file (atomically) instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
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
pub enum ExportCommand {
    /// OSCAL 1.2.1 assessment results (JSON): one result per framework, one finding per control.
    Oscal(ExportArgs),
    /// JSON Lines shaped after the OCSF Compliance Finding class (2003), one event per control.
    Siem(SiemArgs),
    /// JSON, one record per envoy: labels, configcrates, per-framework coverage.
    Cmdb(ExportArgs),
    /// Per-control pass/fail evidence payload for a GRC platform (see docs/exports.md).
    Grc(GrcArgs),
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Only these frameworks (repeatable; default: every framework, profiles included).
    #[arg(long = "framework", value_name = "ID")]
    pub frameworks: Vec<String>,
    /// Write to this file (atomically).
    #[arg(long, short, value_name = "FILE")]
    pub output: PathBuf,
}

#[derive(Debug, Args)]
pub struct SiemArgs {
    #[command(flatten)]
    pub export: ExportArgs,
    /// One event per (envoy, framework, control) instead of per (framework, control).
    #[arg(long)]
    pub per_envoy: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GrcVendor {
    Vanta,
    Drata,
    Secureframe,
    Laika,
    Thoropass,
    Servicenow,
    Generic,
}

#[derive(Debug, Args)]
pub struct GrcArgs {
    #[command(flatten)]
    pub export: ExportArgs,
    /// The GRC platform the payload is meant for (docs/exports.md says which shape each gets).
    #[arg(long, value_enum)]
    pub vendor: GrcVendor,
}

#[derive(Debug, Subcommand)]
pub enum PushCommand {
    /// POST per-control evidence to a GRC endpoint (token from an environment variable or a file).
    Grc(PushGrcArgs),
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("token").required(true).args(["token_env", "token_file"])))]
pub struct PushGrcArgs {
    /// The GRC platform (docs/exports.md).
    #[arg(long, value_enum)]
    pub vendor: GrcVendor,
    /// URL to POST to (https; plain http only to a loopback address).
    #[arg(long, value_name = "URL")]
    pub endpoint: String,
    /// Name of the environment variable that holds the API token (never the token itself).
    #[arg(long, value_name = "VAR")]
    pub token_env: Option<String>,
    /// File whose content is the API token.
    #[arg(long, value_name = "FILE")]
    pub token_file: Option<PathBuf>,
    /// Only these frameworks (repeatable; default: every framework, profiles included).
    #[arg(long = "framework", value_name = "ID")]
    pub frameworks: Vec<String>,
    /// Evidence records per request.
    #[arg(long, value_name = "N", default_value_t = 500)]
    pub batch_size: usize,
    /// Print what would be sent (token redacted) and send nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Subcommand)]
pub enum CatalogCommand {
    /// List the frameworks, capabilities and bundles.
    List,
    /// Show the controls of one framework.
    Show { framework: String },
}

//! Arguments of the reporting, gating and export commands.

use clap::{Args, Subcommand, ValueEnum};
use std::path::PathBuf;

use super::AuditBundleArgs;

/// Report formats live in the output registry, one module each.
pub use crate::output::report::ReportFormat;

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Framework id or alias (e.g. hipaa, soc2, pci, nist-800-53, cis), or `all` (every framework; needs --output-dir).
    #[arg(required = true)]
    pub framework: Option<String>,
    #[arg(long, value_enum, default_value = "table")]
    pub format: ReportFormat,
    /// Write to this file (atomically) instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Write into this directory (created if missing): `<framework>.html`/`.json`; with framework `all` and --format html, a static site with index.html and an envoy index.
    #[arg(long, value_name = "DIR", conflicts_with = "output")]
    pub output_dir: Option<PathBuf>,
    /// With --format table: one row per catalog category instead of per control (JSON always has `categories`, HTML groups by category).
    #[arg(long, value_enum, value_name = "GROUPING")]
    pub by: Option<ReportGrouping>,
    /// Which findings a report lists: at most 100 per code and how many more (the default), or every one (a large fleet has hundreds of thousands).
    #[arg(long, value_enum, value_name = "WHICH", default_value = "listed")]
    pub findings: FindingsArg,
    #[command(subcommand)]
    pub kind: Option<ReportKind>,
}

/// `--findings`: how many findings a report lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FindingsArg {
    /// At most 100 per code, then one `findings-truncated` note with the total.
    Listed,
    /// Every finding (streamed with the JSON report).
    All,
}

/// How `--format table` groups a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportGrouping {
    /// One row per catalog category (NIST family, PCI DSS requirement, HIPAA safeguard, …).
    Category,
}

#[derive(Debug, Subcommand)]
pub enum ReportKind {
    /// A zip an auditor verifies offline: report, audit-log window, boundary proof, SHA256SUMS, in-toto manifest.
    AuditBundle(AuditBundleArgs),
}
/// `status` prints a table or JSON; the HTML dashboard is `report all --format html`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatusFormat {
    Table,
    Json,
    /// Not offered: refused with a pointer to the dashboard.
    #[value(hide = true)]
    Html,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// A table or JSON; the HTML dashboard is `compliance report all --format html --output-dir DIR`.
    #[arg(long, value_enum, default_value = "table")]
    pub format: StatusFormat,
    /// Only these frameworks (default: every framework, profiles included).
    #[arg(long = "framework", value_name = "ID")]
    pub frameworks: Vec<String>,
}

/// Check formats live in the output registry, one module each.
pub use crate::output::check::CheckFormat;

#[derive(Debug, Args)]
#[command(
    after_help = "Without FILES: loads the whole repository (every input diagnostic), then gates every framework with a `[frameworks.<id>]` table in vigocli.toml, plus those given with --framework or --baseline. With FILES (as pre-commit passes them): validates only those .vgo files, quickly, and applies no gate.\nExit codes: 0 passed (warnings allowed), 1 a gate failed, 2 invalid input."
)]
pub struct CheckArgs {
    /// Gate this framework (repeatable); with --min-coverage, the threshold applies to these.
    #[arg(long = "framework", value_name = "ID")]
    pub frameworks: Vec<String>,
    /// Fail when coverage_pct of a gated framework is below PCT (overrides vigocli.toml).
    #[arg(long, value_name = "PCT")]
    pub min_coverage: Option<f64>,
    /// Fail when assured_pct (covered + attested, waivers not counted) of a gated framework is below PCT (overrides `min_assured` in vigocli.toml).
    #[arg(long, value_name = "PCT")]
    pub min_assured: Option<f64>,
    /// Fail when a control regressed against this earlier JSON report (repeatable, one per framework).
    #[arg(long = "baseline", value_name = "OLD.json")]
    pub baselines: Vec<PathBuf>,
    /// Warn about waivers and evidence records that expire within DAYS (default: `[waivers] expiring_days`, else 30).
    #[arg(long, value_name = "DAYS")]
    pub expiring_days: Option<i64>,
    /// Fail when a gated framework's history (history/<framework>.jsonl) shows a control regressed for more than DAYS days.
    #[arg(long, value_name = "DAYS")]
    pub max_regression_days: Option<u32>,
    #[arg(long, value_enum, default_value = "human")]
    pub format: CheckFormat,
    /// Write the result to this file (atomically) instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Validate only these .vgo files (paths relative to the current directory).
    #[arg(value_name = "FILES")]
    pub files: Vec<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum WaiversFormat {
    Table,
    Json,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Exit codes: without --expiring, 0. With --expiring DAYS, only expired waivers and those expiring within DAYS are listed, and the exit code is 1 when any is (for cron and CI notifications)."
)]
pub struct WaiversArgs {
    /// List only expired waivers and those that expire within DAYS; exit 1 if there are any.
    #[arg(long, value_name = "DAYS")]
    pub expiring: Option<i64>,
    #[arg(long, value_enum, default_value = "table")]
    pub format: WaiversFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    Table,
    Json,
    Markdown,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The earlier report: a JSON report file, or a directory of them (paired by framework).
    #[arg(value_name = "OLD")]
    pub old: PathBuf,
    /// The later report (file or directory, as OLD).
    #[arg(value_name = "NEW")]
    pub new: PathBuf,
    #[arg(long, value_enum, default_value = "table")]
    pub format: DiffFormat,
    /// Exit 1 when any control regressed.
    #[arg(long)]
    pub fail_on_regression: bool,
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
    /// CSV (RFC 4180) for spreadsheets: one row per control, or per envoy and control.
    Csv(CsvArgs),
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

#[derive(Debug, Args)]
pub struct CsvArgs {
    #[command(flatten)]
    pub export: ExportArgs,
    /// One row per (framework, envoy, control) instead of per (framework, control).
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MappingsFormat {
    Table,
    Json,
}

#[derive(Debug, Args)]
pub struct MappingsArgs {
    /// Only mappings whose claims come from this framework (id or alias; a profile means its base).
    #[arg(long, value_name = "FW")]
    pub from: Option<String>,
    /// Only mappings into this framework (id or alias; a profile means its base).
    #[arg(long, value_name = "FW")]
    pub to: Option<String>,
    #[arg(long, value_enum, default_value = "table")]
    pub format: MappingsFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MigrateFormat {
    Table,
    Json,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Reads every `compliance:` tag of the source framework in stacks/configcrates/ (configcrates and their compliance.vgo) and follows the mapping TO <- FROM backwards: a tag is rewritten only when its control has exactly one pair, `equal` and one-to-one; every other tag is listed with its candidates for a person to decide. Waivers, evidence records and applicability decisions are decisions about a control: they are listed, never rewritten. See docs/catalogs.md.\nExit codes: 0 nothing is left to decide (every tag was, or without --write can be, rewritten; or there is none), 1 something is left for a person (listed), 2 invalid input (the repository does not load, no mapping leads from FROM to TO)."
)]
pub struct MigrateTagsArgs {
    /// The framework the tags name now (id or alias), e.g. iso-27001.
    #[arg(long, value_name = "FW")]
    pub from: String,
    /// The framework they should name, e.g. iso-27001-2022 (a mapping must lead to it from --from).
    #[arg(long, value_name = "FW")]
    pub to: String,
    /// Rewrite the automatic tags in place (each file atomically, comments and layout kept), then reload the repository; without it, only print the plan.
    #[arg(long)]
    pub write: bool,
    #[arg(long, value_enum, default_value = "table")]
    pub format: MigrateFormat,
}

#[derive(Debug, Args)]
pub struct SnapshotArgs {
    /// Only these frameworks (repeatable; default: those with a `[frameworks.<id>]` table in vigocli.toml, else every framework with a control that is not uncovered).
    #[arg(long = "framework", value_name = "ID")]
    pub frameworks: Vec<String>,
    #[command(flatten)]
    pub log: super::AuditLogArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TrendFormat {
    Table,
    Json,
    /// GitHub-flavoured Markdown for a job summary or a pull-request comment.
    Markdown,
    /// A self-contained HTML page: an SVG chart, the numbers by day, what regressed.
    Html,
}

#[derive(Debug, Args)]
pub struct TrendArgs {
    /// Framework id or alias.
    pub framework: String,
    /// First day shown: `90d` (days before --until) or a date `YYYY-MM-DD`.
    #[arg(long, value_name = "DAYS|DATE", default_value = "90d")]
    pub since: String,
    /// Last day shown, `YYYY-MM-DD` (default: the day of --as-of, i.e. today).
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    #[arg(long, value_enum, default_value = "table")]
    pub format: TrendFormat,
    /// Write to this file (atomically) instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Check every history line against its `snapshot` entry in the audit log first (exit 1 when one has none).
    #[arg(long, conflicts_with = "from_git")]
    pub verify: bool,
    /// Build the series from the repository's git commits (the last commit of each day) instead of history/; never touches the working tree or the index.
    #[arg(long)]
    pub from_git: bool,
    #[command(flatten)]
    pub log: super::AuditLogArg,
}

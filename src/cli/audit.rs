//! Arguments of the audit commands: `audit …`, `report audit-bundle`, `compliance verify`, `keygen`.

use clap::{Args, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct AuditBundleArgs {
    /// Framework id or alias.
    pub framework: String,
    /// The zip to write (atomically).
    #[arg(long, short, value_name = "FILE")]
    pub output: PathBuf,
    /// Window start, inclusive (RFC 3339 or a date = 00:00 UTC). Default: the start of the log.
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// Window end, exclusive (RFC 3339 or a date = 00:00 UTC). Default: the end of the log.
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,
    /// Sign the manifest with this ed25519 private key (PKCS#8 PEM, see `vigocli keygen`).
    #[arg(long, value_name = "FILE")]
    pub sign_key: Option<PathBuf>,
    /// The bundle before this one: the manifest records its digest.
    #[arg(long, value_name = "OLD.zip")]
    pub previous: Option<PathBuf>,
    #[command(flatten)]
    pub log: AuditLogArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum VerifyFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct BundleVerifyArgs {
    /// The bundle (zip) to verify.
    pub bundle: PathBuf,
    /// The publisher's ed25519 public key (SPKI PEM); required to trust the signature.
    #[arg(long, value_name = "PUB")]
    pub key: Option<PathBuf>,
    /// The bundle before this one, to check continuity.
    #[arg(long, value_name = "OLD.zip")]
    pub previous: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: VerifyFormat,
    /// Refuse zip members larger than this many MiB (checked before inflating).
    #[arg(long, value_name = "MIB", default_value_t = 512)]
    pub max_entry_mib: u64,
    /// Refuse bundles whose members add up to more than this many MiB inflated.
    #[arg(long, value_name = "MIB", default_value_t = 1024)]
    pub max_total_mib: u64,
}

#[derive(Debug, Args)]
pub struct AuditLogArg {
    /// The audit log file or directory (default: `[paths] audit` in vigocli.toml, else <repo>/audit/).
    #[arg(long, value_name = "FILE")]
    pub audit_log: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Append one entry (the file is locked, so concurrent appends are safe).
    Append(AuditAppendArgs),
    /// Check every link of the log; names the first bad entry.
    Verify(AuditVerifyArgs),
    /// Print the entries of a time window (JSONL).
    Export(AuditExportArgs),
}

#[derive(Debug, Args)]
pub struct AuditAppendArgs {
    /// Who did it (a person or a service).
    #[arg(long)]
    pub actor: String,
    /// What was done (e.g. waiver.approve, report.publish).
    #[arg(long)]
    pub action: String,
    /// What it was done to (e.g. hipaa:164.312(b)).
    #[arg(long)]
    pub target: String,
    /// Extra JSON (integers only within ±(2^53−1); no fractions). Default: {}.
    #[arg(long, value_name = "JSON")]
    pub details: Option<String>,
    #[command(flatten)]
    pub log: AuditLogArg,
}

#[derive(Debug, Args)]
pub struct AuditVerifyArgs {
    /// Log file or directory (default: the repository's audit log).
    pub file: Option<PathBuf>,
    #[command(flatten)]
    pub log: AuditLogArg,
}

#[derive(Debug, Args)]
pub struct AuditExportArgs {
    /// Window start, inclusive (RFC 3339 or a date).
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// Window end, exclusive (RFC 3339 or a date). `--to` is the same.
    #[arg(long, visible_alias = "to", value_name = "TIME")]
    pub until: Option<String>,
    /// jsonl: the entries as written; pdf: a document for the auditor's file.
    #[arg(long, value_enum, default_value_t = AuditExportFormat::Jsonl)]
    pub format: AuditExportFormat,
    /// Write to this file (atomically) instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub log: AuditLogArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AuditExportFormat {
    /// The entries as they are written in the log, one per line.
    Jsonl,
    /// A PDF: the window, its anchor and head, and a table of the entries.
    Pdf,
}

#[derive(Debug, Args)]
pub struct KeygenArgs {
    /// Writes PREFIX.key (private, mode 0600) and PREFIX.pub (public).
    #[arg(long, short, value_name = "PREFIX", default_value = "vigocli-audit")]
    pub output: PathBuf,
    /// Overwrite existing key files.
    #[arg(long)]
    pub force: bool,
}

//! Arguments of `vigocli evidence add|review|list` (docs/evidence.md).

use super::AuditLogArg;
use clap::{ArgGroup, Args, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum EvidenceCommand {
    /// Record a document (FILE or --url) as evidence for controls: a `pending_review` record with the file's SHA-256.
    Add(EvidenceAddArgs),
    /// Accept or reject a record: sets its review, pins the file's SHA-256 on accept, and appends an audit-log entry.
    Review(EvidenceReviewArgs),
    /// Every record with its state, days left, owner, reviewer and controls.
    List(EvidenceListArgs),
}

#[derive(Debug, Args)]
#[command(
    group(ArgGroup::new("document").required(true).args(["file", "url"])),
    after_help = "The record is appended to evidence/records.yaml (or --into), whose comments, order and layout are kept; the file is created with a short header when absent. Nothing is written unless the repository, with the new record, loads without errors.\nExit codes: 0 the record was added, 2 invalid input (an unknown control, a duplicate id, a file outside the repository, …)."
)]
pub struct EvidenceAddArgs {
    /// The document (relative to the current directory); it must lie inside the repository.
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// The document's address instead of a file (a record of kind url).
    #[arg(long, value_name = "URL", conflicts_with = "file")]
    pub url: Option<String>,
    /// A control the document proves, as `framework:ID` (repeatable; at least one).
    #[arg(long = "control", value_name = "FW:ID", required = true)]
    pub controls: Vec<String>,
    /// What the document is.
    #[arg(long, value_name = "TITLE")]
    pub title: String,
    /// Who answers for the evidence (a person or a team).
    #[arg(long, value_name = "WHO")]
    pub owner: String,
    /// The record's id, lower-case letters, digits and `-`. Default: FILE's name without its extension (for --url, the title), lower-cased, every other run of characters turned into one `-`.
    #[arg(long, value_name = "ID")]
    pub id: Option<String>,
    /// The date the evidence speaks for (YYYY-MM-DD). Default: the as-of date.
    #[arg(long, value_name = "DATE")]
    pub collected: Option<String>,
    /// The end of its review cycle (YYYY-MM-DD). Default: one year after --collected.
    #[arg(long, value_name = "DATE")]
    pub expires: Option<String>,
    /// Apply it only to envoys whose hostname matches GLOB (repeatable; any may match).
    #[arg(long = "envoys", value_name = "GLOB")]
    pub envoys: Vec<String>,
    /// Apply it only to envoys with this label value (repeatable; all must match).
    #[arg(long = "label", value_name = "KEY=VALUE")]
    pub labels: Vec<String>,
    /// The records file to append to, a .yaml file directly in evidence/ (relative to the current directory). Default: <repo>/evidence/records.yaml.
    #[arg(long, value_name = "FILE")]
    pub into: Option<PathBuf>,
}

#[derive(Debug, Args)]
#[command(
    group(ArgGroup::new("verdict").required(true).args(["accept", "reject"])),
    after_help = "Only the record's own lines change (`status`, `reviewed_by`, `reviewed_at`, `note`, and on accept `sha256`); the rest of its file is kept byte for byte. Then one entry is appended to the audit log (action evidence.accepted or evidence.rejected, actor the reviewer, target the record id).\nExit codes: 0 reviewed, 2 invalid input (an unknown id, a file that no longer exists, an audit log that cannot take the entry; then nothing is changed)."
)]
pub struct EvidenceReviewArgs {
    /// The record's id.
    #[arg(value_name = "ID")]
    pub id: String,
    /// Accept it: pins the file's current SHA-256, and the record attests its controls.
    #[arg(long)]
    pub accept: bool,
    /// Reject it: the record attests nothing.
    #[arg(long)]
    pub reject: bool,
    /// Who reviewed it (the audit entry's actor).
    #[arg(long, value_name = "WHO")]
    pub reviewer: String,
    /// A note about the review, kept in the record and the audit entry.
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
    /// The review date (YYYY-MM-DD, not after the as-of date). Default: the as-of date.
    #[arg(long, value_name = "DATE")]
    pub at: Option<String>,
    #[command(flatten)]
    pub log: AuditLogArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EvidenceListFormat {
    Table,
    Json,
}

#[derive(Debug, Args)]
#[command(
    after_help = "States: attesting, expiring (attesting, and expires within the window: --expiring DAYS, else `[waivers] expiring_days` of vigocli.toml, else 30 days), changed (the document is not the one reviewed), expired, not-yet-collected, pending-review, rejected.\nExit codes: without --expiring, 0. With --expiring DAYS, only records that are changed, expired or expiring within DAYS are listed, and the exit code is 1 when any is (for cron and CI notifications)."
)]
pub struct EvidenceListArgs {
    /// Only records that name a counted control of this framework (id or alias).
    #[arg(long, value_name = "ID")]
    pub framework: Option<String>,
    /// List only changed and expired records and those that expire within DAYS; exit 1 if there are any.
    #[arg(long, value_name = "DAYS")]
    pub expiring: Option<i64>,
    #[arg(long, value_enum, default_value = "table")]
    pub format: EvidenceListFormat,
}

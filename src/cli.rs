//! Command-line types. No logic lives here: `settings` merges these with
//! `vigocli.toml` and the environment.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// The most `--threads` accepts: more threads than this only cost memory and start-up time
/// (each is a stack and a kernel task), and 20,000 of them took minutes to start.
pub const MAX_THREADS: u64 = 256;

#[derive(Debug, Parser)]
#[command(
    name = "vigocli",
    version,
    about = "Compliance-as-code reports for Vigo fleets",
    long_about = "Reads configcrate control tags, waivers, Connwaer trait checks and the envoy inventory of a Vigo stacks repository, and reports per-control coverage that an auditor can verify.",
    after_help = "Options given before the command apply to the commands that use them; keygen, catalog, compliance diff and compliance verify read no repository and ignore them (after their name, they are refused).\nExit codes: 0 success, 1 a gate or verification failed, 2 invalid input or usage."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Commands that read no repository and take no evaluation options: the global options
/// are not shown in their help, and refused when given (see [`command`]).
pub const WITHOUT_REPOSITORY: &[&[&str]] = &[
    &["keygen"],
    &["catalog"],
    &["catalog", "list"],
    &["catalog", "show"],
    &["compliance", "diff"],
    &["compliance", "verify"],
];

/// The command line: [`Cli`], with the global options hidden from the commands of
/// [`WITHOUT_REPOSITORY`]. There they are hidden copies (not propagated to the top), so that
/// `run` can name them in its refusal instead of clap's "unexpected argument".
pub fn command() -> clap::Command {
    use clap::CommandFactory as _;
    let mut cmd = Cli::command();
    let hidden: Vec<clap::Arg> = cmd
        .get_arguments()
        .filter(|a| a.is_global_set())
        .map(|a| a.clone().global(false).hide(true))
        .collect();
    for path in WITHOUT_REPOSITORY {
        cmd = with_subcommand(cmd, path, &|mut sc| {
            for a in &hidden {
                sc = sc.arg(a.clone());
            }
            sc
        });
    }
    cmd
}

fn with_subcommand(
    cmd: clap::Command,
    path: &[&str],
    f: &dyn Fn(clap::Command) -> clap::Command,
) -> clap::Command {
    match path.split_first() {
        None => f(cmd),
        // (`mut_subcommands` keeps the order, which the generated docs follow.)
        Some((first, rest)) => cmd.mut_subcommands(|sc| {
            if sc.get_name() == *first {
                with_subcommand(sc, rest, f)
            } else {
                sc
            }
        }),
    }
}

/// The global options, as written on the command line.
const GLOBAL_OPTIONS: &[&str] = &[
    "--repo",
    "--inventory",
    "--traits",
    "--as-of",
    "--scope",
    "--threads",
];

/// The global options written after the name of a command of [`WITHOUT_REPOSITORY`], and
/// the command's name; no options for every other command. Before the command name they
/// are settings for whichever command needs them (a wrapper or an alias that always passes
/// `--repo`), and such a command ignores them. (clap copies a global option's value to
/// every level, so where it was written is read from `args`, the command line.)
pub fn meaningless_options(
    matches: &clap::ArgMatches,
    args: &[std::ffi::OsString],
) -> (String, Vec<String>) {
    let mut path = Vec::new();
    let mut m = matches;
    while let Some((name, sub)) = m.subcommand() {
        path.push(name.to_string());
        m = sub;
    }
    let name = path.join(" ");
    if !WITHOUT_REPOSITORY.iter().any(|p| p.join(" ") == name) {
        return (name, Vec::new());
    }
    // Every option before the command's name is global and takes a value (`--x v` or
    // `--x=v`); the first other word is the command.
    let mut words = args.iter().skip(1).map(|a| a.to_string_lossy());
    while let Some(w) = words.next() {
        if GLOBAL_OPTIONS.contains(&w.as_ref()) {
            words.next();
        } else if !w.starts_with("--") || !w.contains('=') {
            break;
        }
    }
    let mut given: Vec<String> = words
        .take_while(|w| w != "--")
        .filter_map(|w| {
            GLOBAL_OPTIONS
                .iter()
                .find(|o| w == **o || w.strip_prefix(**o).is_some_and(|r| r.starts_with('=')))
                .map(|o| o.to_string())
        })
        .collect();
    given.sort();
    given.dedup();
    (name, given)
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
    /// Evaluate "now" as this instant (RFC 3339, or a date = 00:00 UTC; from 0000-01-01 to 9999-12-30T22:00:00Z). Default: SOURCE_DATE_EPOCH, else the clock.
    #[arg(long, global = true, value_name = "TIME")]
    pub as_of: Option<String>,
    /// Restrict the framework(s) to envoys with this label value (repeatable; all must match).
    #[arg(long, global = true, value_name = "KEY=VALUE")]
    pub scope: Vec<String>,
    /// Worker threads, 1 to 256 (default: one per core). Output never depends on it.
    #[arg(
        long,
        global = true,
        value_name = "N",
        value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=MAX_THREADS)
    )]
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
    /// The hash-chained audit log (audit-chain/v1, docs/audit.md).
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Make an ed25519 key pair for signing audit bundles.
    Keygen(KeygenArgs),
}

#[derive(Debug, Subcommand)]
pub enum ComplianceCommand {
    /// Report coverage of one framework (`compliance` is an alias of hipaa).
    #[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
    Report(ReportArgs),
    /// One line per framework: coverage of every framework at once.
    Status(StatusArgs),
    /// Verify an audit bundle offline (never extracts it).
    Verify(BundleVerifyArgs),
    /// Validate the repository (or just FILES) and gate on coverage, waivers and a baseline (CI, pre-commit).
    Check(CheckArgs),
    /// List active, expiring and expired waivers with owner and days left.
    Waivers(WaiversArgs),
    /// Compare two JSON reports: regressed controls first, then improved, then changed envoys.
    Diff(DiffArgs),
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
    /// A self-contained HTML page (with framework `all` and --output-dir: a static dashboard site).
    Html,
}

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
    #[command(subcommand)]
    pub kind: Option<ReportKind>,
}

#[derive(Debug, Subcommand)]
pub enum ReportKind {
    /// A zip an auditor verifies offline: report, audit-log window, boundary proof, SHA256SUMS, in-toto manifest.
    AuditBundle(AuditBundleArgs),
}

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
    /// Window end, exclusive (RFC 3339 or a date).
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,
    /// Write to this file (atomically) instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub log: AuditLogArg,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// Plain text for people and logs.
    Human,
    /// `vigocli/check-result/v1`.
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// GitHub Actions workflow annotations.
    Github,
}

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
    /// Fail when a control regressed against this earlier JSON report (repeatable, one per framework).
    #[arg(long = "baseline", value_name = "OLD.json")]
    pub baselines: Vec<PathBuf>,
    /// Warn about waivers that expire within DAYS (default: `[waivers] expiring_days`, else 30).
    #[arg(long, value_name = "DAYS")]
    pub expiring_days: Option<i64>,
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
    Show {
        /// Framework id or alias (e.g. hipaa, soc2, pci, nist-800-53, cis).
        framework: String,
    },
}

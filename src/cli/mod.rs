//! Command-line types. No logic lives here: `settings` merges these with
//! `vigocli.toml` and the environment.

mod audit;
mod catalog;
mod compliance;
mod evidence;

pub use audit::*;
pub use catalog::*;
pub use compliance::*;
pub use evidence::*;

use clap::{Args, Parser, Subcommand};
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
    after_help = "Options given before the command apply to the commands that use them; keygen, catalog list, catalog show, compliance diff and compliance verify read no repository and ignore them (after their name, they are refused).\nExit codes: 0 success, 1 a gate or verification failed, 2 invalid input or usage."
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
    &["completions"],
    &["man"],
    &["catalog", "list"],
    &["catalog", "show"],
    &["catalog", "mappings"],
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
    /// Inspect the framework catalogs, or import one (OSCAL, CSV).
    #[command(subcommand)]
    Catalog(CatalogCommand),
    /// The hash-chained audit log (audit-chain/v1, docs/audit.md).
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Evidence records: add a document, review it, list what needs attention (docs/evidence.md).
    #[command(subcommand)]
    Evidence(EvidenceCommand),
    /// Make an ed25519 key pair for signing audit bundles.
    Keygen(KeygenArgs),
    /// Print a shell completion script (e.g. `source <(vigocli completions bash)`).
    Completions(CompletionsArgs),
    /// Write the manual pages (vigocli.1 and one page per command) into a directory.
    Man(ManArgs),
}

/// Shells `completions` writes scripts for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Powershell,
    Elvish,
}

#[derive(Debug, Args)]
#[command(
    after_help = "bash: `source <(vigocli completions bash)`, or save it as /etc/bash_completion.d/vigocli.\nzsh: `vigocli completions zsh > \"${fpath[1]}/_vigocli\"`.\nfish: `vigocli completions fish > ~/.config/fish/completions/vigocli.fish`.\npowershell: `vigocli completions powershell | Out-String | Invoke-Expression`."
)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Directory to write the pages into (created if missing): vigocli.1, vigocli-compliance.1, vigocli-compliance-report.1, …
    #[arg(long, value_name = "DIR")]
    pub output_dir: PathBuf,
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
    /// Append today's numbers and control statuses to history/<framework>.jsonl (and the audit log).
    Snapshot(SnapshotArgs),
    /// Coverage over time from history/: the last snapshot of each day, what regressed or improved.
    Trend(TrendArgs),
    /// Move control tags to another framework along a mapping (e.g. ISO 27001:2013 to 2022): a plan, or the rewrite with --write.
    MigrateTags(MigrateTagsArgs),
}

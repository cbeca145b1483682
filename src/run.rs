//! Dispatch: parse the command line, build settings, run the command (`commands/`), map
//! its outcome to an exit code. Every byte shown goes through one [`Printer`]: data to
//! stdout, messages to stderr.

use crate::cli::{
    AuditCommand, CatalogCommand, Cli, Command, ComplianceCommand, EvidenceCommand, PushCommand,
};
use crate::commands::{self, Outcome};
use crate::diag::{Code, Diagnostic};
use crate::exit::Exit;
use crate::printer::Printer;
use crate::settings::{self, Settings};
use clap::FromArgMatches as _;

pub fn main() -> Exit {
    let printer = Printer::from_env();
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let parsed = crate::cli::command()
        .try_get_matches_from(&args)
        .and_then(|m| Cli::from_arg_matches(&m).map(|c| (c, m)));
    let (cli, matches) = match parsed {
        Ok(c) => c,
        Err(e) => {
            printer.clap(&e);
            return if e.use_stderr() {
                Exit::Invalid
            } else {
                Exit::Ok
            };
        }
    };
    let (name, meaningless) = crate::cli::meaningless_options(&matches, &args);
    if !meaningless.is_empty() {
        printer.diagnostics(&[Diagnostic::error(
            Code::BadArgument,
            format!(
                "{} {} nothing to `vigocli {name}`, which reads no repository",
                meaningless.join(" and "),
                if meaningless.len() == 1 { "means" } else { "mean" }
            ),
        )
        .help(
            "remove it: it would change nothing (before the command's name, a global option is ignored by the commands that do not use it)",
        )]);
        return Exit::Invalid;
    }
    match run(&printer, cli) {
        Ok(exit) => exit,
        Err(diags) => {
            printer.diagnostics(&diags);
            Exit::Invalid
        }
    }
}

fn run(printer: &Printer, cli: Cli) -> Outcome {
    if let Some(n) = cli.global.threads.filter(|&n| n > 0) {
        // Ignore the error of a pool that is already built (only possible in tests).
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global();
    }
    // Settings are read only by the commands that use a repository: an auditor verifies a
    // bundle anywhere, `catalog list|show` and keygen read no repository at all, and
    // `catalog import` reads one only to find where to write.
    let flags = settings::Flags {
        repo: cli.global.repo.clone(),
        inventory: cli.global.inventory.clone(),
        traits: cli.global.traits.clone(),
        as_of: cli.global.as_of.clone(),
        scope: cli.global.scope.clone(),
    };
    let settings = || Settings::from_args(&flags);
    match cli.command {
        Command::Catalog(CatalogCommand::Import(args)) => {
            // The repository only says where to write when --output does not.
            let settings = match args.output {
                Some(_) => None,
                None => Some(settings()?),
            };
            commands::catalog::import(printer, settings.as_ref(), &args)
        }
        Command::Catalog(CatalogCommand::List(args)) => commands::catalog::list(printer, &args),
        Command::Catalog(CatalogCommand::Show(args)) => commands::catalog::show(printer, &args),
        Command::Completions(args) => commands::manual::completions(printer, &args),
        Command::Man(args) => commands::manual::man(printer, &args),
        Command::Catalog(CatalogCommand::Mappings(args)) => {
            commands::mappings::run(printer, &crate::load::builtin_catalog()?, &args)
        }
        Command::Keygen(args) => commands::keygen::run(printer, &args),
        Command::Compliance(c) => match c {
            ComplianceCommand::Verify(args) => commands::verify::run(printer, &args),
            ComplianceCommand::Report(args) => commands::report::run(printer, &settings()?, &args),
            ComplianceCommand::Status(args) => commands::status::run(printer, &settings()?, &args),
            ComplianceCommand::Check(args) => commands::check::run(printer, &settings()?, &args),
            ComplianceCommand::Waivers(args) => {
                commands::waivers::run(printer, &settings()?, &args)
            }
            ComplianceCommand::Diff(args) => {
                settings()?.require_valid_config()?;
                commands::diff::run(printer, &args)
            }
            ComplianceCommand::Export(args) => commands::export::run(printer, &settings()?, &args),
            ComplianceCommand::Push(PushCommand::Grc(args)) => {
                commands::push::run(printer, &settings()?, &args)
            }
            ComplianceCommand::Snapshot(args) => {
                commands::history::snapshot(printer, &settings()?, &args)
            }
            ComplianceCommand::Trend(args) => {
                commands::history::trend(printer, &settings()?, &args)
            }
            ComplianceCommand::MigrateTags(args) => {
                commands::migrate::run(printer, &settings()?, &args)
            }
        },
        Command::Evidence(c) => match c {
            EvidenceCommand::Add(args) => commands::evidence::add(printer, &settings()?, &args),
            EvidenceCommand::Review(args) => {
                commands::evidence::review(printer, &settings()?, &args)
            }
            EvidenceCommand::List(args) => commands::evidence::list(printer, &settings()?, &args),
        },
        Command::Audit(c) => {
            let settings = settings()?;
            // The audit commands read no repository file but the log, whose path may be set
            // in vigocli.toml: it must be valid.
            settings.require_valid_config()?;
            match c {
                AuditCommand::Append(args) => commands::audit::append(printer, &settings, &args),
                AuditCommand::Verify(args) => commands::audit::verify(printer, &settings, &args),
                AuditCommand::Export(args) => commands::audit::export(printer, &settings, &args),
            }
        }
    }
}

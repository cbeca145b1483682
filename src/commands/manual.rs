//! `completions SHELL` and `man --output-dir DIR`: the command line's own description,
//! rendered for shells (clap_complete) and for man(1) (clap_mangen). Both come from the
//! same clap definitions as `--help` and docs/cli.md, so they cannot drift apart.

use super::{Outcome, write_failed};
use crate::cli::{CompletionsArgs, ManArgs, Shell};
use crate::diag::{Code, Diagnostic};
use crate::exit::Exit;
use crate::printer::Printer;
use std::path::{Path, PathBuf};

const BIN: &str = "vigocli";

pub fn completions(printer: &Printer, args: &CompletionsArgs) -> Outcome {
    use clap_complete::{Shell as S, generate};
    let shell = match args.shell {
        Shell::Bash => S::Bash,
        Shell::Zsh => S::Zsh,
        Shell::Fish => S::Fish,
        Shell::Powershell => S::PowerShell,
        Shell::Elvish => S::Elvish,
    };
    let mut cmd = crate::cli::command();
    let mut out = Vec::new();
    generate(shell, &mut cmd, BIN, &mut out);
    let text = String::from_utf8(out).map_err(|e| render_failed(format!("{e}")))?;
    printer.data(&text)?;
    Ok(Exit::Ok)
}

/// Every page: the top command and each subcommand at any depth, named after its path
/// (`vigocli-compliance-report.1`), in the order of the command tree.
fn pages() -> Result<Vec<(String, Vec<u8>)>, Vec<Diagnostic>> {
    let mut cmd = crate::cli::command();
    cmd.build();
    let mut out = Vec::new();
    collect(&cmd, BIN, &mut out)?;
    Ok(out)
}

fn collect(
    cmd: &clap::Command,
    name: &str,
    out: &mut Vec<(String, Vec<u8>)>,
) -> Result<(), Vec<Diagnostic>> {
    let page = cmd
        .clone()
        .name(name.to_string())
        .bin_name(name.replace('-', " "));
    let mut bytes = Vec::new();
    clap_mangen::Man::new(page)
        .render(&mut bytes)
        .map_err(|e| render_failed(format!("{e}")))?;
    out.push((format!("{name}.1"), bytes));
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        collect(sub, &format!("{name}-{}", sub.get_name()), out)?;
    }
    Ok(())
}

pub fn man(printer: &Printer, args: &ManArgs) -> Outcome {
    let dir: &Path = &args.output_dir;
    let pages = pages()?;
    let paths: Vec<PathBuf> = pages.iter().map(|(n, _)| dir.join(n)).collect();
    let targets: Vec<&Path> = paths.iter().map(PathBuf::as_path).collect();
    crate::source::refuse_overwriting_inputs(&targets, &[dir])?;
    std::fs::create_dir_all(dir).map_err(|e| write_failed(dir, e))?;
    for ((_, bytes), path) in pages.iter().zip(&paths) {
        crate::output::write_atomic(path, bytes).map_err(|e| write_failed(path, e))?;
    }
    printer.note(format!(
        "wrote {} manual pages to {} (read one with `man -l {}`)",
        pages.len(),
        dir.display(),
        dir.join("vigocli.1").display()
    ));
    Ok(Exit::Ok)
}

fn render_failed(why: String) -> Vec<Diagnostic> {
    vec![
        Diagnostic::error(Code::RenderFailed, format!("cannot render: {why}"))
            .help("this is a bug in vigocli; please report it"),
    ]
}

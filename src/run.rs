//! Dispatch: parse the command line, build settings, run the command, map the outcome to
//! an exit code. Data goes to stdout, messages to stderr.

use crate::check::CheckResult;
use crate::cli::{
    AuditCommand, CatalogCommand, CheckArgs, CheckFormat, Cli, Command, ComplianceCommand,
    DiffArgs, DiffFormat, ExportCommand, PushCommand, PushGrcArgs, ReportArgs, ReportFormat,
    ReportKind, StatusArgs, StatusFormat, WaiversArgs, WaiversFormat,
};
use crate::diag::{Code, Diagnostic, Severity};
use crate::exit::Exit;
use crate::model::Model;
use crate::settings::Settings;
use crate::{audit, check, export, load, output, report};
use clap::FromArgMatches as _;
use serde::Serialize;
use std::io::{IsTerminal as _, Write as _};

/// The report verb `compliance` means HIPAA, for historical reasons.
const VERB_ALIASES: &[(&str, &str)] = &[("compliance", "hipaa")];

pub fn main() -> Exit {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let parsed = crate::cli::command()
        .try_get_matches_from(&args)
        .and_then(|m| Cli::from_arg_matches(&m).map(|c| (c, m)));
    let (cli, matches) = match parsed {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                Exit::Invalid
            } else {
                Exit::Ok
            };
        }
    };
    let (name, meaningless) = crate::cli::meaningless_options(&matches, &args);
    if !meaningless.is_empty() {
        print_diagnostics(&[Diagnostic::error(
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
    match run(cli) {
        Ok(exit) => exit,
        Err(diags) => {
            print_diagnostics(&diags);
            Exit::Invalid
        }
    }
}

pub fn print_diagnostics(diags: &[Diagnostic]) {
    let mut err = std::io::stderr().lock();
    for d in diags {
        let _ = write!(err, "{}", d.render());
        let _ = writeln!(err);
    }
    let errors = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = diags
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
    if errors > 0 {
        let _ = writeln!(
            err,
            "error: {errors} error(s), {warnings} warning(s); nothing was written"
        );
    }
}

fn colour() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

fn run(cli: Cli) -> Result<Exit, Vec<Diagnostic>> {
    if let Some(n) = cli.global.threads.filter(|&n| n > 0) {
        // Ignore the error of a pool that is already built (only possible in tests).
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global();
    }
    match cli.command {
        Command::Catalog(c) => catalog_command(c),
        Command::Keygen(args) => audit::commands::keygen(&args),
        // An auditor verifies a bundle anywhere: no repository or settings are involved.
        Command::Compliance(ComplianceCommand::Verify(args)) => {
            audit::commands::verify_bundle(&args)
        }
        Command::Compliance(c) => {
            let settings = Settings::from_args(&cli.global)?;
            match c {
                ComplianceCommand::Report(args) => report_command(&settings, &args),
                ComplianceCommand::Status(args) => status_command(&settings, &args),
                ComplianceCommand::Verify(args) => audit::commands::verify_bundle(&args), // (above)
                ComplianceCommand::Check(args) => check_command(&settings, &args),
                ComplianceCommand::Waivers(args) => waivers_command(&settings, &args),
                ComplianceCommand::Diff(args) => {
                    settings.require_valid_config()?;
                    diff_command(&args)
                }
                ComplianceCommand::Export(args) => export_command(&settings, &args),
                ComplianceCommand::Push(PushCommand::Grc(args)) => push_command(&settings, &args),
            }
        }
        Command::Audit(c) => {
            let settings = Settings::from_args(&cli.global)?;
            // The audit commands read no repository file but the log, whose path may be set
            // in vigocli.toml: it must be valid.
            settings.require_valid_config()?;
            match c {
                AuditCommand::Append(args) => audit::commands::append(&settings, &args),
                AuditCommand::Verify(args) => audit::commands::verify_log(&settings, &args),
                AuditCommand::Export(args) => audit::commands::export(&settings, &args),
            }
        }
    }
}

fn load_model(settings: &Settings) -> Result<Model, Vec<Diagnostic>> {
    load::load(settings)
}

fn framework_index(model: &Model, name: &str) -> Result<usize, Vec<Diagnostic>> {
    let lookup = VERB_ALIASES
        .iter()
        .find(|(v, _)| *v == name)
        .map_or(name, |(_, f)| f);
    model.catalog.framework_index(lookup).ok_or_else(|| {
        vec![
            Diagnostic::error(
                Code::UnknownFramework,
                format!("unknown framework `{name}`"),
            )
            .help(crate::catalog::suggest_framework(&model.catalog, name)),
        ]
    })
}

pub use report::build_for_framework as build_report;

/// Says on stderr which file a command wrote (stdout stays data only).
fn note_wrote(path: &std::path::Path, detail: &str) {
    eprintln!(
        "wrote {}{detail}",
        crate::escape::terminal(&path.display().to_string())
    );
}

fn emit(output: Option<&std::path::Path>, text: &str) -> Result<(), Vec<Diagnostic>> {
    match output {
        Some(path) => {
            output::write_atomic(refuse_inputs(path)?, text.as_bytes()).map_err(|e| {
                vec![
                    Diagnostic::error(
                        Code::WriteFailed,
                        format!("cannot write `{}`: {e}", path.display()),
                    )
                    .help("check that the directory exists and is writable"),
                ]
            })?;
            note_wrote(path, "");
            Ok(())
        }
        None => output::print_stdout(text).map_err(|e| {
            vec![
                Diagnostic::error(Code::WriteFailed, format!("cannot write to stdout: {e}"))
                    .help("write to a file with --output instead"),
            ]
        }),
    }
}

/// Every file a command writes passes here first: an input of this run is never
/// overwritten (docs/file-formats.md § How inputs are read).
fn refuse_inputs(path: &std::path::Path) -> Result<&std::path::Path, Vec<Diagnostic>> {
    load::source::refuse_overwriting_inputs(&[path], &[])?;
    Ok(path)
}

/// The input warnings of a run that writes several reports or an export (a single report
/// notes its own findings: [`report::warnings_line`]).
fn note_findings(model: &Model) {
    let warnings = model
        .findings
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
    if warnings > 0 {
        eprintln!(
            "note: {warnings} warning(s) about the inputs are listed under `findings` in the JSON report"
        );
    }
}

/// The framework argument that reports every framework at once (`report all`).
const ALL_FRAMEWORKS: &str = "all";

fn report_command(settings: &Settings, args: &ReportArgs) -> Result<Exit, Vec<Diagnostic>> {
    if args.kind.is_none() && args.framework.as_deref() == Some(ALL_FRAMEWORKS) {
        return report_all_command(settings, args);
    }
    let model = load_model(settings)?;
    if let Some(ReportKind::AuditBundle(b)) = &args.kind {
        let fw = framework_index(&model, &b.framework)?;
        let exit = audit::commands::bundle(settings, &model, fw, b)?;
        note_findings(&model);
        return Ok(exit);
    }
    let fw = framework_index(&model, args.framework.as_deref().unwrap_or_default())?;
    let report = build_report(&model, fw);
    let text = match args.format {
        ReportFormat::Json => report::to_json(&report),
        ReportFormat::Table => {
            report::table::render_report(&report, args.output.is_none() && colour())
        }
        ReportFormat::Html => report::html::render_report(&report).map_err(render_failed)?,
    };
    match &args.output_dir {
        Some(dir) => {
            let name = report::html::page_name(&report.framework.id);
            let name = match args.format {
                ReportFormat::Html => name,
                ReportFormat::Json => name.replace(".html", ".json"),
                ReportFormat::Table => name.replace(".html", ".txt"),
            };
            write_files(dir, &[(name.clone(), text)])?;
            note_wrote(&dir.join(name), "");
        }
        None => emit(args.output.as_deref(), &text)?,
    }
    if let Some(line) = report::warnings_line(&report) {
        eprintln!("note: {line}");
    }
    Ok(Exit::Ok)
}

fn render_failed(e: String) -> Vec<Diagnostic> {
    vec![
        Diagnostic::error(
            Code::RenderFailed,
            format!("cannot render the HTML report: {e}"),
        )
        .help("this is a bug in vigocli; `--format json` still works"),
    ]
}

/// `report all`: every framework, into `--output-dir` (HTML: the static dashboard site).
fn report_all_command(settings: &Settings, args: &ReportArgs) -> Result<Exit, Vec<Diagnostic>> {
    let Some(dir) = &args.output_dir else {
        return Err(vec![
            Diagnostic::error(
                Code::BadArgument,
                "`compliance report all` writes one file per framework and needs --output-dir DIR",
            )
            .help("e.g. `vigocli compliance report all --format html --output-dir site/`"),
        ]);
    };
    if args.format == ReportFormat::Table {
        return Err(vec![
            Diagnostic::error(
                Code::BadArgument,
                "`compliance report all` writes HTML or JSON, not a terminal table",
            )
            .help("use --format html or --format json, or `vigocli compliance status` for a table"),
        ]);
    }
    let model = load_model(settings)?;
    let reports: Vec<report::Report> = (0..model.catalog.frameworks.len())
        .map(|fw| build_report(&model, fw))
        .collect();
    let files = match args.format {
        ReportFormat::Html => report::html::render_site(&reports).map_err(render_failed)?,
        _ => reports
            .iter()
            .map(|r| {
                (
                    report::html::page_name(&r.framework.id).replace(".html", ".json"),
                    report::to_json(r),
                )
            })
            .collect(),
    };
    let paths: Vec<std::path::PathBuf> = files.iter().map(|(name, _)| dir.join(name)).collect();
    let targets: Vec<&std::path::Path> = paths.iter().map(std::path::PathBuf::as_path).collect();
    load::source::refuse_overwriting_inputs(&targets, &[dir])?;
    output::write_site(dir, &files).map_err(|e| {
        vec![
            Diagnostic::error(
                Code::WriteFailed,
                format!(
                    "cannot write the site into `{}`: {e}",
                    crate::escape::terminal(&dir.display().to_string())
                ),
            )
            .help("check that the directory and its parent are writable"),
        ]
    })?;
    eprintln!(
        "wrote {} files to {}",
        files.len(),
        crate::escape::terminal(&dir.display().to_string())
    );
    note_findings(&model);
    Ok(Exit::Ok)
}

/// Writes every file into `dir` (created if missing), each atomically.
fn write_files(dir: &std::path::Path, files: &[(String, String)]) -> Result<(), Vec<Diagnostic>> {
    let fail = |path: &std::path::Path, e: std::io::Error| {
        vec![
            Diagnostic::error(
                Code::WriteFailed,
                format!("cannot write `{}`: {e}", path.display()),
            )
            .help("check that the directory is writable"),
        ]
    };
    let paths: Vec<std::path::PathBuf> = files.iter().map(|(name, _)| dir.join(name)).collect();
    let targets: Vec<&std::path::Path> = paths.iter().map(std::path::PathBuf::as_path).collect();
    load::source::refuse_overwriting_inputs(&targets, &[dir])?;
    std::fs::create_dir_all(dir).map_err(|e| fail(dir, e))?;
    for (name, text) in files {
        let path = dir.join(name);
        output::write_atomic(&path, text.as_bytes()).map_err(|e| fail(&path, e))?;
    }
    Ok(())
}

#[derive(Serialize)]
struct StatusJson<'a> {
    schema: &'static str,
    tool: report::Tool,
    as_of: String,
    mode: &'static str,
    inputs_digest: &'a str,
    frameworks: Vec<StatusRow<'a>>,
}

#[derive(Serialize)]
struct StatusRow<'a> {
    framework: &'a report::FrameworkInfo,
    scope: &'a std::collections::BTreeMap<String, String>,
    summary: &'a report::Summary,
}

fn status_command(settings: &Settings, args: &StatusArgs) -> Result<Exit, Vec<Diagnostic>> {
    let json = match args.format {
        StatusFormat::Table => false,
        StatusFormat::Json => true,
        StatusFormat::Html => {
            return Err(vec![
                Diagnostic::error(
                    Code::BadArgument,
                    "`compliance status` prints a table or JSON; the HTML dashboard is a site",
                )
                .help("use `vigocli compliance report all --format html --output-dir DIR`"),
            ]);
        }
    };
    let model = load_model(settings)?;
    let indices: Vec<usize> = if args.frameworks.is_empty() {
        (0..model.catalog.frameworks.len()).collect()
    } else {
        args.frameworks
            .iter()
            .map(|n| framework_index(&model, n))
            .collect::<Result<_, _>>()?
    };
    let reports: Vec<report::Report> = indices.iter().map(|&fw| build_report(&model, fw)).collect();
    let text = if json {
        let status = StatusJson {
            schema: "vigocli/compliance-status/v1",
            tool: report::Tool {
                name: "vigocli",
                version: env!("CARGO_PKG_VERSION"),
            },
            as_of: report::timestamp(model.as_of),
            mode: model.mode.as_str(),
            inputs_digest: &model.inputs_digest,
            frameworks: reports
                .iter()
                .map(|r| StatusRow {
                    framework: &r.framework,
                    scope: &r.scope,
                    summary: &r.summary,
                })
                .collect(),
        };
        let mut s = serde_json::to_string_pretty(&status).unwrap_or_default();
        s.push('\n');
        s
    } else {
        report::table::render_status(&reports, colour())
    };
    emit(None, &text)?;
    note_findings(&model);
    Ok(Exit::Ok)
}

fn render_check(result: &CheckResult, format: CheckFormat) -> String {
    match format {
        CheckFormat::Human => check::render::human(result),
        CheckFormat::Json => check::render::json(result),
        CheckFormat::Sarif => check::sarif::render(result),
        CheckFormat::Github => check::render::github(result),
    }
}

fn check_command(settings: &Settings, args: &CheckArgs) -> Result<Exit, Vec<Diagnostic>> {
    let finish = |result: CheckResult| -> Result<Exit, Vec<Diagnostic>> {
        emit(args.output.as_deref(), &render_check(&result, args.format))?;
        Ok(result.result.exit())
    };
    if !args.files.is_empty() {
        let out = load::validate_files(settings, &args.files);
        let invalid = out
            .diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error);
        return finish(CheckResult::new(
            settings.as_of,
            "files",
            out.checked,
            Vec::new(),
            out.diagnostics.into_iter().map(Into::into).collect(),
            invalid,
        ));
    }
    let mode = if settings.paths.inventory.is_empty() {
        "declared"
    } else {
        "fleet"
    };
    let model = match load_model(settings) {
        Ok(m) => m,
        Err(diags) => return finish(CheckResult::invalid(settings.as_of, mode, diags)),
    };
    let flags = check::CheckFlags {
        frameworks: &args.frameworks,
        min_coverage: args.min_coverage,
        baselines: &args.baselines,
        expiring_days: args.expiring_days,
    };
    let plan = match check::plan(settings, &model.catalog, &flags) {
        Ok(p) => p,
        Err(diags) => return finish(CheckResult::invalid(settings.as_of, mode, diags)),
    };
    finish(check::evaluate(&model, &plan))
}

fn waivers_command(settings: &Settings, args: &WaiversArgs) -> Result<Exit, Vec<Diagnostic>> {
    let days = args.expiring.unwrap_or(settings.expiring_days);
    if days < 0 {
        return Err(vec![
            Diagnostic::error(Code::BadArgument, "--expiring must not be negative")
                .help("give a number of days, e.g. --expiring 30"),
        ]);
    }
    let model = load_model(settings)?;
    let list = check::waivers::list(&model, days, args.expiring.is_some());
    let text = match args.format {
        WaiversFormat::Table => check::waivers::render_table(&list),
        WaiversFormat::Json => check::waivers::render_json(&list),
    };
    emit(None, &text)?;
    Ok(if list.attention_only && !list.waivers.is_empty() {
        Exit::Failed
    } else {
        Exit::Ok
    })
}

fn diff_command(args: &DiffArgs) -> Result<Exit, Vec<Diagnostic>> {
    let old = check::diff::read_reports(&args.old);
    let new = check::diff::read_reports(&args.new);
    let (old, new) = match (old, new) {
        (Ok(o), Ok(n)) => (o, n),
        (o, n) => {
            let mut errors = o.err().unwrap_or_default();
            errors.extend(n.err().unwrap_or_default());
            return Err(errors);
        }
    };
    let result = check::diff::diff(&old, &new);
    if result.frameworks.is_empty() {
        return Err(vec![
            Diagnostic::error(
                Code::BadReport,
                "OLD and NEW have no framework in common: nothing to compare",
            )
            .help("compare two reports of the same framework"),
        ]);
    }
    let text = match args.format {
        DiffFormat::Table => check::diff::render_table(&result),
        DiffFormat::Json => check::diff::render_json(&result),
        DiffFormat::Markdown => check::diff::render_markdown(&result),
    };
    emit(None, &text)?;
    Ok(if args.fail_on_regression && result.regressions > 0 {
        Exit::Failed
    } else {
        Exit::Ok
    })
}

fn catalog_command(c: CatalogCommand) -> Result<Exit, Vec<Diagnostic>> {
    let cat = load::builtin_catalog()?;
    let mut out = String::new();
    match c {
        CatalogCommand::List => {
            out.push_str("frameworks:\n");
            for (i, f) in cat.frameworks.iter().enumerate() {
                let kind = if f.is_profile(i) {
                    format!("profile of {}", cat.frameworks[f.base].id)
                } else {
                    "catalog".into()
                };
                out.push_str(&format!(
                    "  {:<22} {:>5} controls  {} {} ({kind}){}\n",
                    f.id,
                    f.counted.len(),
                    f.name,
                    f.version,
                    if f.aliases.is_empty() {
                        String::new()
                    } else {
                        format!(", aliases: {}", f.aliases.join(", "))
                    }
                ));
            }
            out.push_str("capabilities:\n");
            for c in &cat.capabilities {
                out.push_str(&format!("  {:<28} {}\n", c.name, c.description));
            }
            out.push_str("bundles:\n");
            for b in &cat.bundles {
                out.push_str(&format!(
                    "  {:<36} {} controls of {}\n",
                    b.name,
                    b.controls.len(),
                    cat.frameworks[b.framework].id
                ));
            }
        }
        CatalogCommand::Show { framework } => {
            let lookup = VERB_ALIASES
                .iter()
                .find(|(v, _)| *v == framework)
                .map_or(framework.as_str(), |(_, f)| f);
            let Some(fw) = cat.framework_index(lookup) else {
                return Err(vec![
                    Diagnostic::error(
                        Code::UnknownFramework,
                        format!("unknown framework `{framework}`"),
                    )
                    .help(crate::catalog::suggest_framework(&cat, &framework)),
                ]);
            };
            let f = &cat.frameworks[fw];
            out.push_str(&format!(
                "{} {} — {} counted controls\nsource: {}\n",
                f.name,
                f.version,
                f.counted.len(),
                f.source
            ));
            let base = &cat.frameworks[f.base];
            let counted: std::collections::HashSet<u32> = f.counted.iter().copied().collect();
            for (i, c) in base.controls.iter().enumerate() {
                let listed = fw == f.base || counted.contains(&(i as u32));
                if !listed {
                    continue;
                }
                let mark = if c.withdrawn {
                    " (withdrawn)"
                } else if !c.assessable {
                    " (heading)"
                } else {
                    ""
                };
                out.push_str(&format!("{}\t{}{}\n", c.id, c.title, mark));
            }
        }
    }
    emit(None, &out)?;
    Ok(Exit::Ok)
}

/// The frameworks named (ids or aliases), else every framework.
fn framework_list(model: &Model, names: &[String]) -> Result<Vec<usize>, Vec<Diagnostic>> {
    if names.is_empty() {
        return Ok((0..model.catalog.frameworks.len()).collect());
    }
    let mut out: Vec<usize> = Vec::new();
    for n in names {
        let fw = framework_index(model, n)?;
        if !out.contains(&fw) {
            out.push(fw);
        }
    }
    Ok(out)
}

fn assess(model: &Model, names: &[String]) -> Result<Vec<export::Assessed>, Vec<Diagnostic>> {
    let fws = framework_list(model, names)?;
    Ok(export::assess(model, &fws))
}

/// A file size for people: bytes, KB or MB (decimal units, one decimal).
fn human_size(bytes: u64) -> String {
    match bytes {
        b if b < 1_000 => format!("{b} bytes"),
        b if b < 1_000_000 => format!("{:.1} KB", b as f64 / 1e3),
        b => format!("{:.1} MB", b as f64 / 1e6),
    }
}

fn write_failed(path: &std::path::Path, e: impl std::fmt::Display) -> Vec<Diagnostic> {
    vec![
        Diagnostic::error(
            Code::WriteFailed,
            format!("cannot write `{}`: {e}", path.display()),
        )
        .help("check that the directory exists and is writable"),
    ]
}

fn stream(
    path: &std::path::Path,
    fill: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> Result<(), Vec<Diagnostic>> {
    output::write_atomic_with(refuse_inputs(path)?, fill).map_err(|e| match e {
        output::StreamError::Io(e) | output::StreamError::Fill(e) => write_failed(path, e),
    })
}

fn export_command(settings: &Settings, cmd: &ExportCommand) -> Result<Exit, Vec<Diagnostic>> {
    let model = load_model(settings)?;
    match cmd {
        ExportCommand::Oscal(args) => {
            let assessed = assess(&model, &args.frameworks)?;
            stream(&args.output, |out| {
                export::oscal::write(&model, &assessed, out)
            })?;
            note_wrote(&args.output, "");
        }
        ExportCommand::Siem(args) => {
            // One framework at a time: only its coverage is in memory while its events stream.
            let mut fws = framework_list(&model, &args.export.frameworks)?;
            if args.per_envoy && args.export.frameworks.is_empty() {
                let (keep, skipped) = export::siem::without_repeated_profiles(&model.catalog, &fws);
                if !skipped.is_empty() {
                    let names: Vec<String> = skipped
                        .iter()
                        .map(|&fw| {
                            crate::escape::terminal(&model.catalog.frameworks[fw].id).into_owned()
                        })
                        .collect();
                    eprintln!(
                        "note: --per-envoy skipped the profiles {}: their per-envoy events would repeat those of their base framework; name one with --framework to export it",
                        names.join(", ")
                    );
                }
                fws = keep;
            }
            let mut events = 0;
            stream(&args.export.output, |out| {
                for fw in fws {
                    let one = export::assess(&model, &[fw]);
                    events += export::siem::write(&model, &one, args.per_envoy, out)?;
                }
                Ok(())
            })?;
            let size = std::fs::metadata(&args.export.output).map_or(0, |m| m.len());
            note_wrote(
                &args.export.output,
                &format!(": {events} events, {}", human_size(size)),
            );
        }
        ExportCommand::Cmdb(args) => {
            let assessed = assess(&model, &args.frameworks)?;
            stream(&args.output, |out| {
                export::cmdb::write(&model, &assessed, out)
            })?;
            note_wrote(&args.output, "");
        }
        ExportCommand::Grc(args) => {
            let assessed = assess(&model, &args.export.frameworks)?;
            let evidence = export::grc::evidence(&model, &assessed);
            let payload = export::grc::payload(&model, args.vendor, &evidence, None);
            emit(Some(&args.export.output), &export::grc::to_json(&payload))?;
        }
    }
    note_findings(&model);
    Ok(Exit::Ok)
}

/// The API token, from the environment variable or file named on the command line.
fn read_token(args: &PushGrcArgs) -> Result<String, Vec<Diagnostic>> {
    let (token, source) = if let Some(var) = &args.token_env {
        let t = std::env::var(var).map_err(|_| {
            vec![
                Diagnostic::error(
                    Code::BadArgument,
                    format!("--token-env: environment variable `{var}` is not set (or not UTF-8)"),
                )
                .help("export the token in that variable, or use --token-file FILE"),
            ]
        })?;
        (t, format!("environment variable `{var}`"))
    } else if let Some(file) = &args.token_file {
        let t = std::fs::read_to_string(file).map_err(|e| {
            vec![
                Diagnostic::error(
                    Code::UnreadableFile,
                    format!("--token-file: cannot read `{}`: {e}", file.display()),
                )
                .help("point --token-file at a readable file that holds only the token"),
            ]
        })?;
        (t, format!("file `{}`", file.display()))
    } else {
        return Err(vec![
            Diagnostic::error(Code::BadArgument, "no token source given")
                .help("pass --token-env VAR or --token-file FILE"),
        ]);
    };
    let token = token.trim().to_string();
    export::push::check_token(&token, &source).map_err(|m| {
        vec![
            Diagnostic::error(Code::BadArgument, m)
                .help("the token must be one line without spaces"),
        ]
    })?;
    Ok(token)
}

fn push_command(settings: &Settings, args: &PushGrcArgs) -> Result<Exit, Vec<Diagnostic>> {
    export::push::check_endpoint(&args.endpoint).map_err(|m| {
        vec![
            Diagnostic::error(Code::BadArgument, format!("--endpoint: {m}")).help(
                "use an https:// URL (plain http is accepted for 127.0.0.1 and localhost only)",
            ),
        ]
    })?;
    if args.batch_size == 0 {
        return Err(vec![
            Diagnostic::error(Code::BadArgument, "--batch-size must be at least 1")
                .help("omit --batch-size to send 500 records per request"),
        ]);
    }
    let token = read_token(args)?;
    let model = load_model(settings)?;
    let assessed = assess(&model, &args.frameworks)?;
    let evidence = export::grc::evidence(&model, &assessed);
    let chunks: Vec<&[export::grc::Evidence]> = evidence.chunks(args.batch_size).collect();
    let count = chunks.len();
    let bodies: Vec<(String, String)> = chunks
        .iter()
        .enumerate()
        .map(|(index, chunk)| {
            let batch = export::grc::Batch {
                index,
                count,
                records_total: evidence.len(),
            };
            let body = export::grc::to_json(&export::grc::payload(
                &model,
                args.vendor,
                chunk,
                Some(batch),
            ));
            let key = export::uuid5(&["grc-push", &body]);
            (key, body)
        })
        .collect();
    let vendor = export::grc::vendor_name(args.vendor);
    if args.dry_run {
        let mut out = format!(
            "dry run: would POST {} evidence record(s) for {vendor} in {count} request(s) to {}\n\
             headers: Authorization: Bearer [redacted], Content-Type: application/json, User-Agent: vigocli/{}, Idempotency-Key: <per request>\n",
            evidence.len(),
            crate::escape::terminal(&args.endpoint),
            env!("CARGO_PKG_VERSION")
        );
        for (i, (key, body)) in bodies.iter().enumerate() {
            out.push_str(&format!(
                "--- request {}/{count}, Idempotency-Key: {key}, {} bytes\n",
                i + 1,
                body.len()
            ));
            out.push_str(body);
        }
        emit(None, &export::push::redact(&out, &token))?;
        return Ok(Exit::Ok);
    }
    let client = export::push::Client::new();
    for (i, (key, body)) in bodies.iter().enumerate() {
        let mut log = |line: String| eprintln!("push {}/{count}: {line}", i + 1);
        if let Err(message) = client.post(&args.endpoint, &token, key, body.as_bytes(), &mut log) {
            let d = Diagnostic::error(
                Code::PushFailed,
                export::push::redact(
                    &format!(
                        "push to {} failed on request {}/{count}: {message}",
                        args.endpoint,
                        i + 1
                    ),
                    &token,
                ),
            )
            .help(if i == 0 {
                "nothing was accepted; check the endpoint and the token"
            } else {
                "earlier requests were accepted; re-running is safe (each request carries an Idempotency-Key)"
            });
            eprint!("{}", d.render());
            eprintln!();
            return Ok(Exit::Failed);
        }
    }
    eprintln!(
        "pushed {} evidence record(s) for {vendor} in {count} request(s)",
        evidence.len()
    );
    note_findings(&model);
    Ok(Exit::Ok)
}

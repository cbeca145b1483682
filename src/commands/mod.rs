//! One file per command. Each takes the resolved settings and the arguments it needs,
//! shows what it has to show through the [`Printer`], and returns its [`Outcome`]: an exit
//! code, or the diagnostics that stop the run (exit 2, printed by `run`).
//!
//! Commands are the edge: they turn command-line types into domain values, call the domain
//! modules (`load`, `coverage`, `report`, `check`, `audit`, `export`, `catalog`), which
//! neither print nor know the command line, and write files through [`crate::output`].

pub mod audit;
pub mod bundle;
pub mod catalog;
pub mod check;
pub mod diff;
pub mod evidence;
pub mod export;
pub mod history;
pub mod keygen;
pub mod manual;
pub mod mappings;
pub mod migrate;
pub mod push;
pub mod report;
pub mod status;
pub mod verify;
pub mod waivers;

use crate::catalog::Catalog;
use crate::diag::{Code, Diagnostic, Severity};
use crate::exit::Exit;
use crate::model::Model;
use crate::printer::Printer;
use crate::{export as domain_export, output};
use std::path::Path;

/// What a command ends with: an exit code, or the diagnostics that make it exit 2.
pub type Outcome = Result<Exit, Vec<Diagnostic>>;

/// The one `write-failed` diagnostic for a file a command could not write.
pub(crate) fn write_failed(path: &Path, e: impl std::fmt::Display) -> Vec<Diagnostic> {
    vec![
        Diagnostic::error(
            Code::WriteFailed,
            format!("cannot write `{}`: {e}", path.display()),
        )
        .help("check that the directory exists and is writable"),
    ]
}

pub(crate) use crate::output::serialise_failed;

/// Pretty JSON with a final newline, or a `render-failed` diagnostic.
pub(crate) fn pretty_json<T: serde::Serialize>(
    what: &str,
    value: &T,
) -> Result<String, Vec<Diagnostic>> {
    let mut s = serde_json::to_string_pretty(value).map_err(|e| serialise_failed(what, e))?;
    s.push('\n');
    Ok(s)
}

/// Every file a command writes passes here first: an input of this run is never
/// overwritten (docs/file-formats.md § How inputs are read).
pub(crate) fn refuse_inputs(path: &Path) -> Result<&Path, Vec<Diagnostic>> {
    crate::source::refuse_overwriting_inputs(&[path], &[])?;
    Ok(path)
}

/// Writes `bytes` to `path` atomically (never over an input of this run).
pub(crate) fn write_file(path: &Path, bytes: &[u8]) -> Result<(), Vec<Diagnostic>> {
    output::write_atomic(refuse_inputs(path)?, bytes).map_err(|e| write_failed(path, e))
}

/// Streams into `path` atomically: see [`output::write_atomic_with`].
pub(crate) fn stream(
    path: &Path,
    fill: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> Result<(), Vec<Diagnostic>> {
    output::write_atomic_with(refuse_inputs(path)?, fill).map_err(|e| match e {
        output::StreamError::Io(e) | output::StreamError::Fill(e) => write_failed(path, e),
    })
}

/// Says on stderr which file a command wrote (stdout stays data only).
pub(crate) fn note_wrote(printer: &Printer, path: &Path, detail: &str) {
    printer.note(format!("wrote {}{detail}", path.display()));
}

/// `text` into the file `--output` names (and a note saying so), else to stdout.
pub(crate) fn emit(
    printer: &Printer,
    output: Option<&Path>,
    text: &str,
) -> Result<(), Vec<Diagnostic>> {
    match output {
        Some(path) => {
            write_file(path, text.as_bytes())?;
            note_wrote(printer, path, "");
            Ok(())
        }
        None => printer.data(text),
    }
}

/// Bytes that are not text (a PDF) to `output`, or to stdout unless it is a terminal.
pub(crate) fn emit_binary(
    printer: &Printer,
    output: Option<&Path>,
    bytes: &[u8],
) -> Result<(), Vec<Diagnostic>> {
    match output {
        Some(path) => {
            write_file(path, bytes)?;
            note_wrote(printer, path, "");
            Ok(())
        }
        None => printer.binary(bytes),
    }
}

/// The input warnings of a run that writes several reports or an export (a single report
/// notes its own findings: [`crate::report::warnings_line`]).
pub(crate) fn note_findings(printer: &Printer, model: &Model) {
    let warnings = model
        .findings()
        .filter(|f| f.severity() == Severity::Warning)
        .count();
    if warnings > 0 {
        printer.note(format!(
            "note: {warnings} warning(s) about the inputs are listed under `findings` in the JSON report"
        ));
    }
}

/// The framework a command line names, or `unknown-framework` with a suggestion.
pub(crate) fn framework_index(catalog: &Catalog, name: &str) -> Result<usize, Vec<Diagnostic>> {
    catalog.find_framework(name).ok_or_else(|| {
        vec![
            Diagnostic::error(
                Code::UnknownFramework,
                format!("unknown framework `{name}`"),
            )
            .help(crate::catalog::suggest_framework(catalog, name)),
        ]
    })
}

/// The frameworks named (ids or aliases, each once), else every framework.
pub(crate) fn framework_list(
    model: &Model,
    names: &[String],
) -> Result<Vec<usize>, Vec<Diagnostic>> {
    if names.is_empty() {
        return Ok((0..model.catalog.frameworks.len()).collect());
    }
    let mut out: Vec<usize> = Vec::new();
    for n in names {
        let fw = framework_index(&model.catalog, n)?;
        if !out.contains(&fw) {
            out.push(fw);
        }
    }
    Ok(out)
}

/// Coverage of the frameworks named (else all), each in its configured scope.
pub(crate) fn assess(
    model: &Model,
    names: &[String],
) -> Result<Vec<domain_export::Assessed>, Vec<Diagnostic>> {
    let fws = framework_list(model, names)?;
    Ok(domain_export::assess(model, &fws))
}

/// The GRC vendor of the command line, as the export domain knows it.
pub(crate) fn grc_vendor(v: crate::cli::GrcVendor) -> domain_export::grc::Vendor {
    use crate::cli::GrcVendor as Cli;
    use domain_export::grc::Vendor;
    match v {
        Cli::Vanta => Vendor::Vanta,
        Cli::Drata => Vendor::Drata,
        Cli::Secureframe => Vendor::Secureframe,
        Cli::Laika => Vendor::Laika,
        Cli::Thoropass => Vendor::Thoropass,
        Cli::Servicenow => Vendor::Servicenow,
        Cli::Generic => Vendor::Generic,
    }
}

#[cfg(test)]
mod tests {
    /// The edge stays at the edge: below `run`, `commands/`, the printer, the output
    /// registry and the settings step (which merges the flags), no module prints, writes to stdout or stderr, knows
    /// the command line or calls back up into the commands (docs/architecture.md).
    #[test]
    fn domain_modules_neither_print_nor_know_the_command_line() {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let edge = [
            "run.rs",
            "main.rs",
            "cli",
            "printer.rs",
            "settings",
            "output",
        ];
        let forbidden = [
            "print!(",
            "println!(",
            "eprint!(",
            "eprintln!(",
            "std::io::stdout",
            "std::io::stderr",
            "crate::cli",
            "crate::run",
            "crate::commands",
            "crate::printer",
        ];
        let mut offences = Vec::new();
        for entry in walkdir::WalkDir::new(&src) {
            let entry = entry.expect("walk src");
            let rel = entry.path().strip_prefix(&src).expect("under src");
            let top = rel
                .components()
                .next()
                .map(|c| c.as_os_str().to_string_lossy());
            if !entry.file_type().is_file()
                || rel.extension().is_none_or(|e| e != "rs")
                || top.is_some_and(|t| t == "commands" || edge.contains(&t.as_ref()))
            {
                continue;
            }
            let text = std::fs::read_to_string(entry.path()).expect("read source");
            for (n, line) in text.lines().enumerate() {
                for f in forbidden {
                    if line.contains(f) {
                        offences.push(format!("{}:{}: {f}", rel.display(), n + 1));
                    }
                }
            }
        }
        assert!(offences.is_empty(), "{}", offences.join("\n"));
    }

    #[test]
    fn the_compliance_verb_means_hipaa() {
        let cat = crate::load::builtin_catalog().expect("built-in catalog");
        let hipaa = cat.framework_index("hipaa").expect("hipaa");
        assert_eq!(super::framework_index(&cat, "compliance"), Ok(hipaa));
        assert_eq!(
            cat.framework_index("compliance"),
            None,
            "not a catalog alias"
        );
        assert!(super::framework_index(&cat, "no-such").is_err());
    }

    /// Imports between the top-level modules form no cycle (docs/architecture.md): the
    /// graph of `crate::<module>` references, test code included, is walked depth first.
    #[test]
    fn top_level_modules_import_no_cycle() {
        use std::collections::{BTreeMap, BTreeSet};
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for entry in walkdir::WalkDir::new(&src) {
            let entry = entry.expect("walk src");
            let rel = entry.path().strip_prefix(&src).expect("under src");
            if !entry.file_type().is_file() || rel.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let first = rel.components().next().expect("a component");
            let module = first.as_os_str().to_string_lossy();
            let module = module.trim_end_matches(".rs").to_string();
            if module == "lib" || module == "main" {
                continue;
            }
            let text = std::fs::read_to_string(entry.path()).expect("read source");
            let deps = graph.entry(module.clone()).or_default();
            for line in text.lines().filter(|l| !l.trim_start().starts_with("//")) {
                for (i, _) in line.match_indices("crate::") {
                    // A path in a string (the forbidden list above) is not an import.
                    if line[..i].ends_with('"') {
                        continue;
                    }
                    let name: String = line[i + 7..]
                        .chars()
                        .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                        .collect();
                    if !name.is_empty() && name != module {
                        deps.insert(name);
                    }
                }
            }
        }
        fn visit(
            m: &str,
            graph: &BTreeMap<String, BTreeSet<String>>,
            path: &mut Vec<String>,
            done: &mut BTreeSet<String>,
        ) {
            if let Some(at) = path.iter().position(|p| p == m) {
                panic!("import cycle: {} -> {m}", path[at..].join(" -> "));
            }
            if !done.insert(m.to_string()) {
                return;
            }
            path.push(m.to_string());
            for d in graph.get(m).into_iter().flatten() {
                visit(d, graph, path, done);
            }
            path.pop();
        }
        let mut done = BTreeSet::new();
        for m in graph.keys() {
            visit(m, &graph, &mut Vec::new(), &mut done);
        }
        assert!(graph.len() > 10, "{graph:?}");
    }
}

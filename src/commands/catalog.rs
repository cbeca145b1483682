//! `catalog list` and `catalog show FRAMEWORK`: the built-in catalog (and any catalog file
//! given with `--catalog`), for people; `catalog import`: an OSCAL catalog or a CSV list of
//! controls as a framework YAML file (docs/catalogs.md § Importing a catalog).

use super::{Outcome, framework_index, note_wrote, pretty_json, write_failed, write_file};
use crate::catalog::import::{self, Counts, Meta};
use crate::catalog::{self, Catalog};
use crate::cli::{
    CatalogImportArgs, CatalogListArgs, CatalogShowArgs, CatalogShowFormat, ImportFormat,
};
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::exit::Exit;
use crate::load;
use crate::printer::Printer;
use crate::settings::Settings;
use crate::source::Scope;
use serde::Serialize;
use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::PathBuf;

/// `catalog list`.
pub fn list(printer: &Printer, args: &CatalogListArgs) -> Outcome {
    printer.data(&list_text(&catalog_with(&args.catalog)?))?;
    Ok(Exit::Ok)
}

/// `catalog show`.
pub fn show(printer: &Printer, args: &CatalogShowArgs) -> Outcome {
    let cat = catalog_with(&args.catalog)?;
    let fw = framework_index(&cat, &args.framework)?;
    printer.data(&show_text(&cat, fw, args)?)?;
    Ok(Exit::Ok)
}

/// The built-in catalog, with the catalog files `paths` name (a file, or the YAML files of a
/// directory) read over it as a repository's `frameworks/` would be.
fn catalog_with(paths: &[PathBuf]) -> Result<Catalog, Vec<Diagnostic>> {
    if paths.is_empty() {
        return load::builtin_catalog();
    }
    let mut diags = Diagnostics::default();
    let mut files = catalog::builtin_files(&mut diags);
    let scope = Scope::anywhere();
    for path in paths {
        if !Scope::exists(path) {
            diags.push(
                Diagnostic::error(
                    Code::MissingPath,
                    format!("catalog `{}` does not exist", path.display()),
                )
                .help("pass a catalog YAML file, or a directory of them, to --catalog"),
            );
            continue;
        }
        let found = if path.is_dir() {
            let mut walk_errors = Vec::new();
            let found = scope.walk(
                path,
                |p| matches!(load::ext(p), Some("yaml" | "yml")),
                &mut walk_errors,
            );
            diags.extend(walk_errors);
            found
        } else {
            vec![path.clone()]
        };
        for file in found {
            let read = scope
                .read(&file)
                .and_then(|bytes| load::text_source(scope.display(&file), bytes));
            match read {
                Ok(src) => {
                    let (parsed, d) = catalog::parse_catalog_file(&src, false);
                    files.extend(parsed);
                    diags.extend(d);
                }
                Err(d) => diags.push(d),
            }
        }
    }
    let cat = Catalog::build(files, &mut diags);
    if diags.has_errors() {
        Err(diags.into_sorted())
    } else {
        Ok(cat)
    }
}

fn list_text(cat: &Catalog) -> String {
    let mut out = String::from("frameworks:\n");
    for (i, f) in cat.frameworks.iter().enumerate() {
        let kind = if f.is_profile(i) {
            format!("profile of {}", cat.frameworks[f.base].id)
        } else {
            "catalog".into()
        };
        let aliases = if f.aliases.is_empty() {
            String::new()
        } else {
            format!(", aliases: {}", f.aliases.join(", "))
        };
        let _ = writeln!(
            out,
            "  {:<22} {:>5} controls  {} {} ({kind}){aliases}",
            f.id,
            f.counted.len(),
            f.name,
            f.version,
        );
    }
    out.push_str("capabilities:\n");
    for c in &cat.capabilities {
        let _ = writeln!(out, "  {:<28} {}", c.name, c.description);
    }
    out.push_str("bundles:\n");
    for b in &cat.bundles {
        let _ = writeln!(
            out,
            "  {:<36} {} controls of {}",
            b.name,
            b.controls.len(),
            cat.frameworks[b.framework].id
        );
    }
    out
}

/// `catalog show --format json`: the framework, and every control it lists with all its
/// fields.
#[derive(Serialize)]
struct ShowJson<'a> {
    framework: ShowFramework<'a>,
    controls: Vec<ShowControl<'a>>,
}

#[derive(Serialize)]
struct ShowFramework<'a> {
    id: &'a str,
    name: &'a str,
    version: &'a str,
    source: &'a str,
    origin: &'a str,
    based_on: Option<&'a str>,
    counted: usize,
}

#[derive(Serialize)]
struct ShowControl<'a> {
    id: &'a str,
    title: &'a str,
    parent: Option<&'a str>,
    category: Option<&'a str>,
    assessable: bool,
    withdrawn: bool,
    incorporated_into: Option<&'a str>,
    note: Option<&'a str>,
    counted: bool,
}

fn show_text(cat: &Catalog, fw: usize, args: &CatalogShowArgs) -> Result<String, Vec<Diagnostic>> {
    let f = &cat.frameworks[fw];
    let base = &cat.frameworks[f.base];
    let counted: HashSet<u32> = f.counted.iter().copied().collect();
    let listed = base
        .controls
        .iter()
        .enumerate()
        .filter(|(i, _)| fw == f.base || counted.contains(&(*i as u32)));
    if args.format == CatalogShowFormat::Json {
        let value = ShowJson {
            framework: ShowFramework {
                id: &f.id,
                name: &f.name,
                version: &f.version,
                source: &f.source,
                origin: &f.origin,
                based_on: (fw != f.base).then_some(base.id.as_str()),
                counted: f.counted.len(),
            },
            controls: listed
                .map(|(i, c)| ShowControl {
                    id: &c.id,
                    title: &c.title,
                    parent: c.parent.map(|p| base.controls[p as usize].id.as_str()),
                    category: c.category.as_deref(),
                    assessable: c.assessable,
                    withdrawn: c.withdrawn,
                    incorporated_into: c.incorporated_into.as_deref(),
                    note: c.note.as_deref(),
                    counted: counted.contains(&(i as u32)),
                })
                .collect(),
        };
        return pretty_json("the catalog", &value);
    }
    let mut out = format!(
        "{} {} — {} counted controls\nsource: {}\n",
        f.name,
        f.version,
        f.counted.len(),
        f.source
    );
    for (_, c) in listed {
        let mark = if c.withdrawn {
            " (withdrawn)"
        } else if !c.assessable {
            " (heading)"
        } else {
            ""
        };
        let _ = writeln!(out, "{}\t{}{mark}", c.id, c.title);
    }
    Ok(out)
}

/// `catalog import`: reads FILE, writes the framework YAML (atomically, never over an
/// existing file without `--force`), and says what it wrote. `settings` is the repository's,
/// needed only when there is no `--output`.
pub fn import(printer: &Printer, settings: Option<&Settings>, args: &CatalogImportArgs) -> Outcome {
    if !import::valid_framework_id(&args.id) {
        return Err(vec![
            Diagnostic::error(
                Code::BadArgument,
                format!(
                    "--id `{}` is not a framework id",
                    crate::escape::terminal(&args.id)
                ),
            )
            .help("use lower-case letters, digits, `.`, `_` and `-`, starting with a letter or digit, at most 64 characters (it names the file <ID>.yaml)"),
        ]);
    }
    // A built-in framework's alias would name two frameworks once the file is in the
    // repository; a built-in id is fine (the repository's framework replaces it).
    let builtin = load::builtin_catalog()?;
    if let Some(i) = builtin.framework_index(&args.id)
        && builtin.frameworks[i].id != args.id
    {
        return Err(vec![
            Diagnostic::error(
                Code::BadArgument,
                format!(
                    "--id `{}` is an alias of the built-in framework `{}`",
                    args.id, builtin.frameworks[i].id
                ),
            )
            .help("choose another id (an id of a built-in framework would replace it)"),
        ]);
    }
    for (flag, value) in [
        ("--name", &args.name),
        ("--source", &args.source),
        ("--framework-version", &args.framework_version),
    ] {
        if value.as_deref().is_some_and(|v| v.trim().is_empty()) {
            return Err(vec![
                Diagnostic::error(Code::BadArgument, format!("{flag} is empty")).help(format!(
                    "give {flag} a value, or leave it out for the default"
                )),
            ]);
        }
    }
    let (target, default_target) = match (&args.output, settings) {
        (Some(p), _) => (p.clone(), false),
        (None, Some(s)) => {
            s.require_repository().map_err(|d| vec![d])?;
            s.require_valid_config()?;
            (s.paths.frameworks.join(format!("{}.yaml", args.id)), true)
        }
        (None, None) => {
            return Err(vec![
                Diagnostic::error(Code::BadArgument, "`catalog import` has nowhere to write")
                    .help("pass --output FILE, or run it in a repository (--repo DIR)"),
            ]);
        }
    };
    let mut diags = Vec::new();
    if Scope::exists(&target) && !args.force {
        diags.push(
            Diagnostic::error(
                Code::OutputExists,
                format!("`{}` already exists", target.display()),
            )
            .help("pass --force to replace it, or --output to write elsewhere"),
        );
    }
    let scope = Scope::anywhere();
    let bytes = match scope.read(&args.file) {
        Ok(b) => b,
        Err(d) => {
            diags.push(d);
            return Err(diags);
        }
    };
    let sha256 = {
        use sha2::Digest as _;
        crate::hex::encode(&sha2::Sha256::digest(&bytes))
    };
    let src = match load::text_source(args.file.display().to_string(), bytes) {
        Ok(s) => s,
        Err(d) => {
            diags.push(d);
            return Err(diags);
        }
    };
    let imported = match args.from {
        ImportFormat::Oscal => import::read_oscal(&src),
        ImportFormat::Csv => import::read_csv(&src),
    };
    let imported = match imported {
        Ok(i) if diags.is_empty() => i,
        Ok(_) => return Err(diags),
        Err(d) => {
            diags.extend(d);
            return Err(diags);
        }
    };
    let counts = Counts::of(&imported.controls);
    let meta = meta(args, &imported, &sha256, counts);
    let yaml = import::to_yaml(&meta, &imported.controls);
    // The file must load as it is written: anything else is a bug here.
    if let Some(d) = import::check_loads(&target.display().to_string(), &yaml)
        .into_iter()
        .find(|d| d.severity == crate::diag::Severity::Error)
    {
        return Err(super::serialise_failed(
            "the imported catalog",
            format!("it does not load back ({}: {})", d.code, d.message),
        ));
    }
    if default_target
        && let Some(dir) = target.parent()
        && !Scope::exists(dir)
    {
        std::fs::create_dir_all(dir).map_err(|e| write_failed(&target, e))?;
    }
    write_file(&target, yaml.as_bytes())?;
    note_wrote(
        printer,
        &target,
        &format!(
            " (framework `{}`: {} controls counted, {} headings, {} withdrawn)",
            args.id, counts.counted, counts.headings, counts.withdrawn
        ),
    );
    Ok(Exit::Ok)
}

/// The version of an import whose file gives none (a CSV file) and no --framework-version.
const UNVERSIONED: &str = "unversioned";

/// The framework's fields (the command line over what the file says) and the header.
fn meta(args: &CatalogImportArgs, imported: &import::Imported, sha256: &str, c: Counts) -> Meta {
    let file_name = args.file.file_name().map_or_else(
        || args.file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let (kind, default_source) = match args.from {
        ImportFormat::Oscal => (
            "an OSCAL catalog",
            format!(
                "OSCAL catalog {}{} ({file_name})",
                imported.title.as_deref().unwrap_or("(untitled)"),
                imported
                    .version
                    .as_deref()
                    .map(|v| format!(" {v}"))
                    .unwrap_or_default()
            ),
        ),
        ImportFormat::Csv => ("a CSV file", format!("CSV file {file_name}")),
    };
    let name = args
        .name
        .clone()
        .or_else(|| imported.title.clone())
        .unwrap_or_else(|| args.id.clone());
    let header = vec![
        format!(
            "{name} — imported from {kind} by `vigocli catalog import`; re-run the command to refresh it."
        ),
        format!("Source file: {}", args.file.display()),
        format!("SHA-256: {sha256}"),
        format!("Command: {}", command_line(args)),
        format!(
            "{} controls counted, {} headings, {} withdrawn.",
            c.counted, c.headings, c.withdrawn
        ),
    ];
    Meta {
        id: args.id.clone(),
        name,
        version: args
            .framework_version
            .clone()
            .or_else(|| imported.version.clone())
            .unwrap_or_else(|| UNVERSIONED.to_string()),
        source: args.source.clone().unwrap_or(default_source),
        header,
    }
}

/// The command that made the file, as it can be typed again.
fn command_line(args: &CatalogImportArgs) -> String {
    let from = match args.from {
        ImportFormat::Oscal => "oscal",
        ImportFormat::Csv => "csv",
    };
    let mut words = vec![
        "vigocli catalog import --from".to_string(),
        from.to_string(),
        shell_word(&args.file.display().to_string()),
        "--id".into(),
        shell_word(&args.id),
    ];
    for (flag, value) in [
        ("--name", &args.name),
        ("--source", &args.source),
        ("--framework-version", &args.framework_version),
    ] {
        if let Some(v) = value {
            words.push(flag.into());
            words.push(shell_word(v));
        }
    }
    if let Some(o) = &args.output {
        words.push("--output".into());
        words.push(shell_word(&o.display().to_string()));
    }
    words.join(" ")
}

/// `s` as one POSIX shell word: as it is when it is plain, else in single quotes.
fn shell_word(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_./:=@%+,-".contains(c));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn shell_words() {
        assert_eq!(super::shell_word("a/b-1.json"), "a/b-1.json");
        assert_eq!(super::shell_word("my file"), "'my file'");
        assert_eq!(super::shell_word("it's"), "'it'\\''s'");
        assert_eq!(super::shell_word(""), "''");
    }
}

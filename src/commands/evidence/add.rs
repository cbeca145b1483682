//! `evidence add`: a `pending_review` record appended to a records file.

use super::text::{self, Field, quote, quoted_list};
use super::{Before, as_of_date, canonical_repo, parse_date, read_records, required_text};
use crate::cli::EvidenceAddArgs;
use crate::commands::Outcome;
use crate::diag::{Code, Diagnostic};
use crate::exit::Exit;
use crate::load;
use crate::model::Model;
use crate::printer::Printer;
use crate::settings::Settings;
use crate::source::Scope;
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

/// The records file `evidence add` appends to without `--into`.
pub const DEFAULT_RECORDS: &str = "records.yaml";

pub fn run(printer: &Printer, settings: &Settings, args: &EvidenceAddArgs) -> Outcome {
    let model = load::load(settings)?;
    let repo = canonical_repo(settings)?;
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let mut errors = Vec::new();
    let today = as_of_date(settings);

    let title = required_text("--title", &args.title, &mut errors);
    let owner = required_text("--owner", &args.owner, &mut errors);
    let controls = controls(&model, &args.controls, &mut errors);
    // The document: a file inside the repository, with its hash now, or an address.
    let document = match (&args.file, &args.url) {
        (Some(file), _) => match file_document(settings, &repo, &cwd, file) {
            Ok((path, sha256)) => Some(vec![
                Field::new("kind", "file"),
                Field::new("path", quote(&path)),
                Field::new("sha256", quote(&sha256)),
            ]),
            Err(d) => {
                errors.push(d);
                None
            }
        },
        (None, Some(url)) => {
            let url = url.trim();
            if url.starts_with("https://") || url.starts_with("http://") {
                Some(vec![
                    Field::new("kind", "url"),
                    Field::new("url", quote(url)),
                ])
            } else {
                errors.push(
                    Diagnostic::error(
                        Code::BadArgument,
                        format!("--url `{url}` is not an http(s) address"),
                    )
                    .help("give the address where a reviewer can open the document, starting with https://"),
                );
                None
            }
        }
        // clap requires one of the two.
        (None, None) => None,
    };
    let id = record_id(&model, args, &title, &mut errors);
    let collected = match &args.collected {
        Some(d) => parse_date("--collected", d, &mut errors),
        None => Some(today),
    };
    let expires = match &args.expires {
        Some(d) => parse_date("--expires", d, &mut errors),
        None => collected.and_then(|c| c.checked_add(jiff::Span::new().years(1)).ok()),
    };
    if let (Some(c), Some(e)) = (collected, expires)
        && e < c
    {
        errors.push(
            Diagnostic::error(
                Code::BadArgument,
                format!("--expires {e} is before the collection date {c}"),
            )
            .help("`expires` is the end of the review cycle: a date after `collected`"),
        );
    }
    let envoys = globs(&args.envoys, &mut errors);
    let labels = labels(&args.labels, &mut errors);
    let target = records_target(settings, &repo, &cwd, args.into.as_deref());
    let target = match target {
        Ok(t) => Some(t),
        Err(d) => {
            errors.push(d);
            None
        }
    };
    let (Some(document), Some(id), Some(collected), Some(expires), Some((path, display)), true) =
        (document, id, collected, expires, target, errors.is_empty())
    else {
        return Err(errors);
    };

    let mut fields = vec![
        Field::new("id", id_scalar(&id)),
        Field::new("title", quote(&title)),
        Field::new("controls", quoted_list(&controls)),
    ];
    fields.extend(document);
    fields.extend([
        Field::new("collected", collected.to_string()),
        Field::new("expires", expires.to_string()),
        Field::new("owner", quote(&owner)),
        Field::new("status", "pending_review"),
    ]);
    if !envoys.is_empty() {
        fields.push(Field::new("envoys", quoted_list(&envoys)));
    }
    if !labels.is_empty() {
        let pairs: Vec<String> = labels
            .iter()
            .map(|(k, v)| format!("{}: {}", quote(k), quote(v)))
            .collect();
        fields.push(Field::new("labels", format!("{{ {} }}", pairs.join(", "))));
    }

    let dir = settings.paths.repo.join(load::evidence::DIR);
    let (new_text, bom, before) = if Scope::exists(&path) {
        let (old, bom) = read_records(settings, &path)?;
        let src = crate::yaml::SourceFile::new(display.as_str(), old);
        let root = crate::yaml::parse(&src).map_err(|d| vec![d])?;
        let new_text = text::append(Some((&src, &root)), &fields).map_err(|d| vec![d])?;
        let bytes = std::fs::read(&path).map_err(|e| super::write_failed(&path, e))?;
        let before = Before {
            path: path.clone(),
            bytes: Some(bytes),
            created_dir: None,
        };
        (new_text, bom, before)
    } else {
        let created_dir = (!Scope::exists(&dir)).then(|| dir.clone());
        std::fs::create_dir_all(&dir).map_err(|e| super::write_failed(&dir, e))?;
        let before = Before {
            path: path.clone(),
            bytes: None,
            created_dir,
        };
        let new_text = text::append(None, &fields).map_err(|d| {
            before.restore();
            vec![d]
        })?;
        (new_text, false, before)
    };
    let model = super::write_and_reload(settings, &before, &new_text, bom, |m| {
        // The repository must read the new record from the file it was written to.
        if m.evidence
            .iter()
            .any(|e| e.id == id && &*e.loc.file == display.as_str())
        {
            Ok(())
        } else {
            Err(vec![
                Diagnostic::error(
                    Code::BadArgument,
                    format!("the record was written to `{display}`, but the repository does not read it from there; nothing was changed"),
                )
                .help("records files are the .yaml files directly in evidence/ (not hidden)"),
            ])
        }
    })?;
    let pinned = model
        .evidence
        .iter()
        .find(|e| e.id == id)
        .and_then(|e| e.sha256.clone())
        .map(|h| format!("; sha256 {h}"))
        .unwrap_or_default();
    printer.note(format!(
        "added evidence `{id}` to {display} (pending review{pinned})"
    ));
    printer.note(format!(
        "review it: vigocli evidence review {id} --accept|--reject --reviewer WHO"
    ));
    // The record is written: a stdout that fails now must not make the caller add it twice.
    let _ = printer.data(&format!("{id}\n"));
    Ok(Exit::Ok)
}

/// Every `--control` resolved as the loader resolves a record's `controls:` (the same
/// diagnostics), each once, as written.
fn controls(model: &Model, written: &[String], errors: &mut Vec<Diagnostic>) -> Vec<String> {
    let catalog = &model.catalog;
    let mut out: Vec<String> = Vec::new();
    for text in written {
        let text = text.trim();
        let Some((fw_name, ctrl)) = text.split_once(':') else {
            errors.push(
                Diagnostic::error(
                    Code::BadArgument,
                    format!("--control `{text}` has no framework"),
                )
                .help("write it as `framework:ID`, e.g. --control \"hipaa:164.308(a)(1)(ii)(A)\""),
            );
            continue;
        };
        let Some(fw) = catalog.framework_index(fw_name.trim()) else {
            errors.push(
                Diagnostic::error(
                    Code::UnknownFramework,
                    format!("unknown framework `{fw_name}` in --control `{text}`"),
                )
                .help(crate::catalog::suggest_framework(catalog, fw_name.trim())),
            );
            continue;
        };
        match catalog.resolve_control(fw, ctrl.trim()) {
            Ok(_) => {
                if !out.iter().any(|c| c == text) {
                    out.push(text.to_string());
                }
            }
            Err(e) => errors.push(
                catalog
                    .control_diagnostic(fw, ctrl.trim(), &e)
                    .note(format!("in --control `{text}`")),
            ),
        }
    }
    out
}

/// `s` lower-cased, every run of other characters than ASCII letters and digits one `-`,
/// none at either end.
pub fn slug(s: &str) -> String {
    let mut out = String::new();
    let mut gap = false;
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            if gap && !out.is_empty() {
                out.push('-');
            }
            gap = false;
            out.push(c.to_ascii_lowercase());
        } else {
            gap = true;
        }
    }
    out
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// An id as a YAML scalar: plain, unless it starts with `-` (which YAML would read as a
/// list item).
fn id_scalar(id: &str) -> String {
    if id.starts_with('-') {
        quote(id)
    } else {
        id.to_string()
    }
}

/// `--id`, else the slug of FILE's stem (of the title for --url); unique in the repository.
fn record_id(
    model: &Model,
    args: &EvidenceAddArgs,
    title: &str,
    errors: &mut Vec<Diagnostic>,
) -> Option<String> {
    let id = match &args.id {
        Some(id) => {
            let id = id.trim().to_string();
            if !valid_id(&id) {
                errors.push(
                    Diagnostic::error(
                        Code::BadArgument,
                        format!("--id `{id}` may hold only lower-case letters, digits and `-`"),
                    )
                    .help("e.g. --id risk-assessment-2026"),
                );
                return None;
            }
            id
        }
        None => {
            let from = match &args.file {
                Some(f) => f
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                None => title.to_string(),
            };
            let id = slug(&from);
            if id.is_empty() {
                errors.push(
                    Diagnostic::error(
                        Code::BadArgument,
                        format!("no record id can be made from `{from}`"),
                    )
                    .help("give one with --id, e.g. --id risk-assessment-2026"),
                );
                return None;
            }
            id
        }
    };
    if let Some(e) = model.evidence.iter().find(|e| e.id == id) {
        errors.push(
            Diagnostic::error(
                Code::DuplicateEvidence,
                format!(
                    "evidence id `{id}` is already used by the record at {}",
                    e.source
                ),
            )
            .at(e.loc.clone())
            .help(format!(
                "give the new record its own id with --id ID; to review the existing one: vigocli evidence review {id} --accept|--reject --reviewer WHO"
            )),
        );
        return None;
    }
    Some(id)
}

/// The document FILE: its repository-relative path (with `/`) and its SHA-256 now.
fn file_document(
    settings: &Settings,
    repo: &Path,
    cwd: &Path,
    file: &Path,
) -> Result<(String, String), Diagnostic> {
    let shown = file.display().to_string();
    let full = cwd.join(file);
    if !Scope::exists(&full) {
        return Err(Diagnostic::error(
            Code::MissingPath,
            format!("document `{shown}` does not exist"),
        )
        .help("give the document's path relative to the current directory"));
    }
    let outside = || {
        Diagnostic::error(
            Code::BadArgument,
            format!(
                "document `{shown}` is outside the repository `{}`",
                settings.paths.repo.display()
            ),
        )
        .help("copy the document into the repository (e.g. evidence/files/) and add the copy: a record names its file by a path inside the repository")
    };
    let canonical = full.canonicalize().map_err(|e| {
        Diagnostic::error(
            Code::UnreadableFile,
            format!("cannot resolve document `{shown}`: {e}"),
        )
        .help("check that the file and the directories above it are readable")
    })?;
    let rel = canonical.strip_prefix(repo).map_err(|_| outside())?;
    let mut parts = Vec::new();
    for c in rel.components() {
        match c.as_os_str().to_str() {
            Some(s) if matches!(c, Component::Normal(_)) && !s.contains('\\') => {
                parts.push(s.to_string())
            }
            _ => {
                return Err(Diagnostic::error(
                    Code::BadArgument,
                    format!("document `{shown}` has a path a record cannot name (not UTF-8, or a `\\` in a name)"),
                )
                .help("rename the file or its directory"));
            }
        }
    }
    if parts.is_empty() {
        return Err(outside());
    }
    let hash = settings.scope.hash_checked(&canonical)?;
    Ok((parts.join("/"), crate::hex::encode(&hash)))
}

fn globs(written: &[String], errors: &mut Vec<Diagnostic>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for g in written {
        let g = g.trim();
        let problem = if g.is_empty() {
            Some("it is empty".to_string())
        } else {
            globset::Glob::new(g).err().map(|e| e.to_string())
        };
        if let Some(why) = problem {
            errors.push(
                Diagnostic::error(
                    Code::BadGlob,
                    format!("--envoys `{g}` is not a hostname glob: {why}"),
                )
                .help("use `*`, `?` and `[...]`, e.g. --envoys \"db-*\""),
            );
        } else if !out.iter().any(|x| x == g) {
            out.push(g.to_string());
        }
    }
    out
}

fn labels(written: &[String], errors: &mut Vec<Diagnostic>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for l in written {
        match l.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => {
                out.insert(k.trim().to_string(), v.trim().to_string());
            }
            _ => errors.push(
                Diagnostic::error(Code::BadArgument, format!("--label `{l}` is not KEY=VALUE"))
                    .help("write it as --label phi=true"),
            ),
        }
    }
    out
}

/// The records file and how it is shown: `--into` (a `.yaml`/`.yml` file directly in
/// evidence/, where the loader reads records), else evidence/records.yaml.
fn records_target(
    settings: &Settings,
    repo: &Path,
    cwd: &Path,
    into: Option<&Path>,
) -> Result<(PathBuf, String), Diagnostic> {
    let dir = settings.paths.repo.join(load::evidence::DIR);
    let Some(into) = into else {
        return Ok((
            dir.join(DEFAULT_RECORDS),
            format!("{}/{DEFAULT_RECORDS}", load::evidence::DIR),
        ));
    };
    let refuse = || {
        Diagnostic::error(
            Code::BadArgument,
            format!(
                "--into `{}` is not a records file of this repository",
                into.display()
            ),
        )
        .help(format!(
            "name a .yaml or .yml file directly in `{}` (relative to the current directory), e.g. --into {}/policies.yaml; the repository reads records only from there",
            dir.display(),
            load::evidence::DIR
        ))
    };
    let name = into
        .file_name()
        .and_then(|n| n.to_str())
        .filter(|n| !n.starts_with('.') && (n.ends_with(".yaml") || n.ends_with(".yml")))
        .ok_or_else(refuse)?;
    let full = cwd.join(into);
    let parent = full.parent().ok_or_else(refuse)?;
    let in_evidence = match parent.canonicalize() {
        Ok(p) => p == repo.join(load::evidence::DIR),
        // evidence/ does not exist yet: compare the paths as written.
        Err(_) => lexical(parent) == lexical(&cwd.join(&dir)),
    };
    if !in_evidence {
        return Err(refuse());
    }
    Ok((dir.join(name), format!("{}/{name}", load::evidence::DIR)))
}

/// `.` and `..` resolved on the text of a path.
fn lexical(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slug("Risk Assessment (2026)"), "risk-assessment-2026");
        assert_eq!(slug("--a__b--"), "a-b");
        assert_eq!(slug("Übersicht 2026"), "bersicht-2026");
        assert_eq!(slug("…"), "");
        assert!(valid_id("a-1") && !valid_id("A") && !valid_id(""));
        assert_eq!(id_scalar("-x"), "\"-x\"");
    }
}

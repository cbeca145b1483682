//! `compliance migrate-tags --from FW --to FW [--write]`: the tag changes a repository needs
//! to move to another framework (a new catalog version), along the mapping `to ← from`
//! (docs/catalogs.md#migrating-tags-to-a-new-catalog-version). The rule and the text edits
//! are `catalog::migrate`; this reads the files, prints the plan and writes the rewrites.

use super::{Outcome, framework_index, pretty_json, write_failed};
use crate::catalog::Catalog;
use crate::catalog::migrate::{Candidate, Fate, FilePlan, Migration, Why};
use crate::cli::{MigrateFormat, MigrateTagsArgs};
use crate::diag::{Code, Diagnostic};
use crate::exit::Exit;
use crate::load;
use crate::model::{Model, WaivedControl};
use crate::printer::Printer;
use crate::settings::Settings;
use crate::yaml;
use serde::Serialize;
use std::fmt::Write as _;
use std::path::PathBuf;

pub const SCHEMA: &str = "vigocli/migrate-tags/v1";

pub fn run(printer: &Printer, settings: &Settings, args: &MigrateTagsArgs) -> Outcome {
    let model = load::load(settings)?;
    let cat = &model.catalog;
    let from = framework_index(cat, &args.from)?;
    let to = framework_index(cat, &args.to)?;
    if cat.frameworks[from].base == cat.frameworks[to].base {
        return Err(vec![
            Diagnostic::error(
                Code::BadArgument,
                format!(
                    "--from {} and --to {} name the same framework",
                    args.from, args.to
                ),
            )
            .help("name the framework the tags use now and the one they should use, e.g. --from iso-27001 --to iso-27001-2022"),
        ]);
    }
    let Some(migration) = Migration::new(cat, from, to) else {
        return Err(vec![
            Diagnostic::error(
                Code::NoMapping,
                format!("no mapping leads from `{}` to `{}`", args.from, args.to),
            )
            .help(format!(
                "`vigocli catalog mappings --to {}` lists the built-in mappings into it; a repository can add its own under `mappings:` in frameworks/ (docs/catalogs.md#mappings)",
                args.to
            )),
        ]);
    };
    let files = plan_files(settings, &migration)?;
    let plan = Plan::new(cat, &migration, &model, &files, args.write);
    if args.write {
        write(printer, &files)?;
    }
    let text = match args.format {
        MigrateFormat::Table => plan.table(),
        MigrateFormat::Json => pretty_json("the migration plan", &plan)?,
    };
    printer.data(&text)?;
    if args.write {
        if plan.summary.files_changed > 0 {
            // The rewritten repository must still load: the proof the edits are sound.
            load::load(settings)?;
            printer.note(format!(
                "the repository loads after the rewrite; `vigocli compliance report {}` counts the rewritten tags",
                plan.to
            ));
        }
    } else if plan.summary.automatic > 0 {
        printer.note(format!(
            "nothing was changed; run again with --write to rewrite the {} tag(s) in {} file(s)",
            plan.summary.automatic, plan.summary.files_changed
        ));
    }
    Ok(if plan.summary.to_decide > 0 || plan.summary.kept > 0 {
        Exit::Failed
    } else {
        Exit::Ok
    })
}

/// A configcrate file with tags of the source framework: where it is, how it is shown, its plan.
struct Planned {
    path: PathBuf,
    display: String,
    plan: FilePlan,
}

/// Every `.vgo` file under `configcrates/` (configcrates and their compliance.vgo), planned.
fn plan_files(
    settings: &Settings,
    migration: &Migration<'_>,
) -> Result<Vec<Planned>, Vec<Diagnostic>> {
    let mut diags = Vec::new();
    let paths = settings.scope.walk(
        &settings.paths.stacks.join("configcrates"),
        |p| load::ext(p) == Some("vgo"),
        &mut diags,
    );
    if !diags.is_empty() {
        return Err(diags);
    }
    let inputs = load::InputLog::default();
    let mut out = Vec::new();
    for path in paths {
        let src = load::read_source(settings, &path, &inputs).map_err(|d| vec![d])?;
        let root = yaml::parse(&src).map_err(|d| vec![d])?;
        let plan = migration.file(&src, &root);
        if !plan.tags.is_empty() {
            out.push(Planned {
                path,
                display: src.display.to_string(),
                plan,
            });
        }
    }
    Ok(out)
}

/// Each rewritten file, atomically, over the file itself (a link's target, not the link),
/// keeping its permissions.
fn write(printer: &Printer, files: &[Planned]) -> Result<(), Vec<Diagnostic>> {
    for f in files {
        let Some(text) = &f.plan.text else { continue };
        let target = std::fs::canonicalize(&f.path).unwrap_or_else(|_| f.path.clone());
        let permissions = std::fs::metadata(&target).map(|m| m.permissions()).ok();
        crate::output::write_atomic(&target, text.as_bytes())
            .map_err(|e| write_failed(&f.path, e))?;
        if let Some(p) = permissions {
            let _ = std::fs::set_permissions(&target, p);
        }
        let n = f
            .plan
            .tags
            .iter()
            .filter(|t| matches!(t.fate, Fate::Rewrite(_)))
            .count();
        printer.note(format!("wrote {} ({n} tag(s) rewritten)", f.display));
    }
    Ok(())
}

#[derive(Serialize)]
struct Plan<'a> {
    schema: &'static str,
    from: &'a str,
    to: &'a str,
    /// The mappings followed (ids).
    mappings: Vec<&'a str>,
    /// Whether the rewrites were written (`--write`), or only planned.
    written: bool,
    summary: Summary,
    rewrites: Vec<Rewrite<'a>>,
    decisions: Vec<Decision<'a>>,
    kept: Vec<Kept>,
}

#[derive(Serialize)]
struct Summary {
    /// Tags of the source framework found.
    tags: usize,
    /// Rewritten (or, without --write, to be rewritten) automatically.
    automatic: usize,
    /// Left as written, for a person.
    to_decide: usize,
    /// Files that change.
    files_changed: usize,
    /// Waivers, evidence records and applicability decisions that name the source framework.
    kept: usize,
}

#[derive(Serialize)]
struct Rewrite<'a> {
    file: &'a str,
    line: usize,
    col: usize,
    from: &'a str,
    to: &'a str,
}

#[derive(Serialize)]
struct Decision<'a> {
    file: &'a str,
    line: usize,
    col: usize,
    /// The tag as written.
    tag: &'a str,
    /// The control it names, spelled as the catalog does.
    control: &'a str,
    #[serde(skip)]
    why: Why,
    reason: &'static str,
    candidates: Vec<CandidateOut<'a>>,
}

#[derive(Serialize)]
struct CandidateOut<'a> {
    to: &'a str,
    relationship: &'static str,
    /// Every source control of the pair (the tag's own among them).
    from: Vec<&'a str>,
    mapping: &'a str,
}

#[derive(Serialize)]
struct Kept {
    /// `waiver`, `evidence` or `not-applicable`.
    kind: &'static str,
    /// Where it is written, `file:line`.
    source: String,
    /// Its controls of the source framework, as written.
    controls: Vec<String>,
}

impl<'a> Plan<'a> {
    fn new(
        cat: &'a Catalog,
        m: &'a Migration<'_>,
        model: &Model,
        files: &'a [Planned],
        written: bool,
    ) -> Plan<'a> {
        let mut rewrites = Vec::new();
        let mut decisions = Vec::new();
        for f in files {
            for t in &f.plan.tags {
                match t.fate {
                    Fate::Rewrite(to) => rewrites.push(Rewrite {
                        file: &f.display,
                        line: t.line,
                        col: t.col,
                        from: &t.written,
                        to: &cat.control(cat.frameworks[m.to].base, to).id,
                    }),
                    Fate::Decide(why) => decisions.push(Decision {
                        file: &f.display,
                        line: t.line,
                        col: t.col,
                        tag: &t.written,
                        control: &cat.control(m.from, t.control).id,
                        why,
                        reason: why.as_str(),
                        candidates: t.candidates.iter().map(|c| candidate(cat, m, c)).collect(),
                    }),
                }
            }
        }
        let kept = kept(model, m.from);
        Plan {
            schema: SCHEMA,
            from: &cat.frameworks[m.from].id,
            to: &cat.frameworks[m.to].id,
            mappings: m
                .mappings
                .iter()
                .map(|&i| cat.mappings[i as usize].id.as_str())
                .collect(),
            written,
            summary: Summary {
                tags: rewrites.len() + decisions.len(),
                automatic: rewrites.len(),
                to_decide: decisions.len(),
                files_changed: files.iter().filter(|f| f.plan.text.is_some()).count(),
                kept: kept.len(),
            },
            rewrites,
            decisions,
            kept,
        }
    }

    fn table(&self) -> String {
        let mut out = format!(
            "{} → {} along {}: {} tag(s); {} {}, {} to decide",
            self.from,
            self.to,
            self.mappings.join(", "),
            self.summary.tags,
            self.summary.automatic,
            if self.written {
                "rewritten"
            } else {
                "to rewrite"
            },
            self.summary.to_decide,
        );
        if self.summary.kept > 0 {
            let _ = write!(out, ", {} kept", self.summary.kept);
        }
        out.push('\n');
        if self.summary.tags == 0 {
            let _ = writeln!(out, "no tag names {} in stacks/configcrates/", self.from);
        }
        let width = self
            .rewrites
            .iter()
            .map(|r| loc(r.file, r.line, r.col).len())
            .chain(
                self.decisions
                    .iter()
                    .map(|d| loc(d.file, d.line, d.col).len()),
            )
            .max()
            .unwrap_or(0);
        if !self.rewrites.is_empty() {
            let _ = writeln!(
                out,
                "\n{} (equal, one-to-one):",
                if self.written {
                    "rewritten"
                } else {
                    "to rewrite with --write"
                }
            );
            for r in &self.rewrites {
                let _ = writeln!(
                    out,
                    "  {:<width$}  {} → {}",
                    loc(r.file, r.line, r.col),
                    r.from,
                    r.to
                );
            }
        }
        if !self.decisions.is_empty() {
            let _ = writeln!(out, "\nto decide (left as written):");
            for d in &self.decisions {
                let _ = writeln!(
                    out,
                    "  {:<width$}  {}  {}: {}",
                    loc(d.file, d.line, d.col),
                    d.tag,
                    d.reason,
                    explain(d)
                );
            }
        }
        if !self.kept.is_empty() {
            let _ = writeln!(
                out,
                "\nkept (decisions about a control, never rewritten: decide them again for {}):",
                self.to
            );
            for k in &self.kept {
                let _ = writeln!(out, "  {} {}  {}", k.kind, k.source, k.controls.join(", "));
            }
        }
        out
    }
}

fn loc(file: &str, line: usize, col: usize) -> String {
    format!("{file}:{line}:{col}")
}

/// Why a tag is left, and what it could become.
fn explain(d: &Decision<'_>) -> String {
    let list = d
        .candidates
        .iter()
        .map(|c| {
            let others: Vec<&str> = c.from.iter().copied().filter(|f| *f != d.control).collect();
            if others.is_empty() {
                format!("{} ({})", c.to, c.relationship)
            } else {
                format!("{} ({}, with {})", c.to, c.relationship, others.join(", "))
            }
        })
        .collect::<Vec<_>>()
        .join(" or ");
    match d.why {
        Why::NoPair => "no pair of the mapping names it".into(),
        Why::OneToMany => format!("split between {list}"),
        Why::ManyToOne => format!("merged into {list}"),
        Why::NotEqual => format!("only {list}"),
        Why::Layout => format!(
            "{list}, but it cannot be moved where it is written without losing a comment or the layout"
        ),
    }
}

fn candidate<'a>(cat: &'a Catalog, m: &Migration<'_>, c: &Candidate) -> CandidateOut<'a> {
    let map = &cat.mappings[c.mapping];
    CandidateOut {
        to: &cat.control(map.to, c.to).id,
        relationship: c.relationship.as_str(),
        from: c
            .from
            .iter()
            .map(|&f| cat.control(m.from, f).id.as_str())
            .collect(),
        mapping: &map.id,
    }
}

/// Waivers, evidence records and applicability decisions that name the source framework.
fn kept(model: &Model, from: usize) -> Vec<Kept> {
    let mine = |controls: &[WaivedControl]| -> Vec<String> {
        controls
            .iter()
            .filter(|c| c.framework == from)
            .map(|c| c.written.clone())
            .collect()
    };
    let mut out = Vec::new();
    let mut push = |kind: &'static str, source: &str, controls: Vec<String>| {
        if !controls.is_empty() {
            out.push(Kept {
                kind,
                source: source.to_string(),
                controls,
            });
        }
    };
    for w in &model.waivers {
        push("waiver", &w.source, mine(&w.controls));
    }
    for e in &model.evidence {
        push("evidence", &e.source, mine(&e.controls));
    }
    for d in &model.decisions {
        push("not-applicable", &d.source, mine(&d.controls));
    }
    out
}

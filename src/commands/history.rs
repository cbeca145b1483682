//! `compliance snapshot` and `compliance trend` (docs/history.md).

use super::{Outcome, emit, framework_index, framework_list, write_file};
use crate::audit::chain::{self, NewEntry};
use crate::cli::{SnapshotArgs, TrendArgs, TrendFormat};
use crate::coverage::Status;
use crate::diag::{Code, Diagnostic, Location};
use crate::escape::terminal;
use crate::exit::Exit;
use crate::history::{self, Line, Trend};
use crate::load;
use crate::model::Model;
use crate::printer::Printer;
use crate::report;
use crate::settings::Settings;
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// `history/<framework>.jsonl` of the repository, and the same path as the audit entry and
/// messages name it (repository-relative, `/`-separated).
fn history_file(settings: &Settings, framework: &str) -> (PathBuf, String) {
    let rel = format!("history/{framework}.jsonl");
    (settings.paths.repo.join(&rel), rel)
}

/// The lines of a history file (none when it does not exist); a malformed line is
/// `bad-history` at its line.
fn read_history(path: &Path, rel: &str) -> Result<(String, Vec<Line>), Vec<Diagnostic>> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((String::new(), vec![])),
        Err(e) => {
            return Err(vec![
                Diagnostic::error(Code::UnreadableFile, format!("cannot read `{rel}`: {e}"))
                    .help("check the file's permissions"),
            ]);
        }
    };
    let lines = history::parse(&text).map_err(|(line, what)| {
        vec![
            Diagnostic::error(Code::BadHistory, format!("`{rel}` line {line}: {what}"))
                .at(Location {
                    file: Arc::from(rel),
                    line,
                    col: 1,
                })
                .help("history files are written by `vigocli compliance snapshot`; restore it from git"),
        ]
    })?;
    Ok((text, lines))
}

/// The reports a snapshot records: the frameworks named, else those configured in
/// vigocli.toml, else every framework with a control that is not uncovered. Each report is
/// built once.
fn reports_to_record(
    settings: &Settings,
    model: &Model,
    named: &[String],
) -> Result<Vec<(usize, report::Report)>, Vec<Diagnostic>> {
    let build = |fws: Vec<usize>| {
        fws.into_iter()
            .map(|fw| {
                (
                    fw,
                    report::build_for_framework_with(model, fw, report::Detail::SUMMARY),
                )
            })
            .collect::<Vec<_>>()
    };
    if !named.is_empty() {
        return Ok(build(framework_list(model, named)?));
    }
    if !settings.frameworks.is_empty() {
        let names: Vec<String> = settings.frameworks.keys().cloned().collect();
        return Ok(build(framework_list(model, &names)?));
    }
    let mut all = build((0..model.catalog.frameworks.len()).collect());
    all.retain(|(_, r)| r.controls.iter().any(|c| c.status != Status::Uncovered));
    Ok(all)
}

pub fn snapshot(printer: &Printer, settings: &Settings, args: &SnapshotArgs) -> Outcome {
    let model = load::load(settings)?;
    let reports = reports_to_record(settings, &model, &args.frameworks)?;
    // Every file is checked before any is written.
    let mut writes: Vec<(PathBuf, String, Option<String>, String)> = Vec::new();
    let mut entries = Vec::new();
    let mut unchanged = Vec::new();
    let mut errors = Vec::new();
    for (fw, r) in &reports {
        let snap = report::snapshot::of(&model.catalog, *fw, r);
        let line = serde_json::to_string(&snap)
            .map_err(|e| crate::output::serialise_failed("the snapshot", e))?;
        let (path, rel) = history_file(settings, &snap.framework);
        let (text, lines) = match read_history(&path, &rel) {
            Ok(x) => x,
            Err(d) => {
                errors.extend(d);
                continue;
            }
        };
        if let Some(same) = lines.iter().find(|l| l.snapshot.as_of == snap.as_of) {
            if same.text == line {
                unchanged.push(rel);
                continue;
            }
            errors.push(
                Diagnostic::error(
                    Code::HistoryConflict,
                    format!(
                        "`{rel}` line {} already holds a different snapshot of {} as of {}",
                        same.number, snap.framework, snap.as_of
                    ),
                )
                .help("history is append-only: take the new snapshot with a later --as-of (or without --as-of, now)"),
            );
            continue;
        }
        let mut new_text = text.clone();
        if !new_text.is_empty() && !new_text.ends_with('\n') {
            new_text.push('\n');
        }
        new_text.push_str(&line);
        new_text.push('\n');
        entries.push(NewEntry {
            ts: settings.as_of,
            actor: "vigocli".to_string(),
            action: history::AUDIT_ACTION.to_string(),
            target: rel.clone(),
            details: serde_json::json!({
                "framework": snap.framework,
                "as_of": snap.as_of,
                "sha256": history::line_digest(&line),
            }),
        });
        let before = path.exists().then_some(text);
        writes.push((path, new_text, before, rel));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if let Some(dir) = writes.first().and_then(|w| w.0.parent())
        && let Err(e) = std::fs::create_dir_all(dir)
    {
        return Err(vec![Diagnostic::error(
            Code::WriteFailed,
            format!("cannot create `{}`: {e}", dir.display()),
        )]);
    }
    let mut written: Vec<&(PathBuf, String, Option<String>, String)> = Vec::new();
    let restore = |written: &[&(PathBuf, String, Option<String>, String)]| {
        for (path, _, before, _) in written {
            let _ = match before {
                Some(t) => crate::output::write_atomic(path, t.as_bytes()),
                None => std::fs::remove_file(path),
            };
        }
    };
    for w in &writes {
        if let Err(d) = write_file(&w.0, w.1.as_bytes()) {
            restore(&written);
            return Err(d);
        }
        written.push(w);
    }
    if !entries.is_empty() {
        let log = super::audit::log_path(settings, &args.log);
        let appended = if settings.as_of_is_clock {
            chain::append_with_clock(&log, &entries, jiff::Timestamp::now)
        } else {
            chain::append(&log, &entries)
        };
        if let Err(e) = appended {
            restore(&written);
            return Err(vec![
                Diagnostic::error(
                    Code::AuditAppendFailed,
                    format!("the snapshot is not recorded: {e}"),
                )
                .help("see docs/audit.md; `vigocli audit verify` checks the log. The history files were left as they were"),
            ]);
        }
    }
    for (_, _, _, rel) in &writes {
        printer.note(format!("appended a snapshot to {rel}"));
    }
    for rel in unchanged {
        printer.note(format!("{rel} already holds this snapshot; unchanged"));
    }
    Ok(Exit::Ok)
}

/// The days of history the HTML pages chart, up to the as_of day (docs/history.md § HTML).
pub const CHART_DAYS: i64 = 90;

/// The charted history of each framework of `fws` that has a history file: its trend over
/// the [`CHART_DAYS`] days up to as_of. A malformed history file is an input error, as
/// any other input's; history is not verified against the audit log here (`trend
/// --verify` does that).
pub(crate) fn trends(
    settings: &Settings,
    model: &Model,
    fws: &[usize],
) -> Result<history::Trends, Vec<Diagnostic>> {
    let until = settings.as_of.to_zoned(jiff::tz::TimeZone::UTC).date();
    let since = until
        .checked_sub(jiff::Span::new().days(CHART_DAYS))
        .unwrap_or(until);
    let (since, until) = (since.to_string(), until.to_string());
    let mut out = history::Trends::new();
    let mut errors = Vec::new();
    for &fw in fws {
        let id = &model.catalog.frameworks[fw].id;
        let (path, rel) = history_file(settings, id);
        if !path.exists() {
            continue;
        }
        // An input of this run: an output may not overwrite it.
        crate::source::note_input(&path);
        match read_history(&path, &rel) {
            Ok((_, lines)) => {
                let t = history::trend(&model.catalog, fw, &lines, &since, &until);
                out.insert(id.clone(), t);
            }
            Err(d) => errors.extend(d),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// `--since`: `Nd` days before `until`, or a date.
fn since_date(text: &str, until: jiff::civil::Date) -> Result<jiff::civil::Date, Vec<Diagnostic>> {
    let bad = || {
        vec![
            Diagnostic::error(
                Code::BadArgument,
                format!(
                    "--since `{}` is neither a number of days nor a date",
                    terminal(text)
                ),
            )
            .help("write e.g. --since 90d or --since 2026-09-01"),
        ]
    };
    if let Some(days) = text.strip_suffix('d') {
        let n: i64 = days.parse().map_err(|_| bad())?;
        if !(0..=36_500).contains(&n) {
            return Err(bad());
        }
        return until
            .checked_sub(jiff::Span::new().days(n))
            .map_err(|_| bad());
    }
    text.parse().map_err(|_| bad())
}

/// The lines of `lines` whose SHA-256 no `snapshot` entry of the audit log names for `rel`.
fn unverified(
    printer: &Printer,
    log: &Path,
    rel: &str,
    lines: &[Line],
) -> Result<Result<Vec<Diagnostic>, Exit>, Vec<Diagnostic>> {
    let log = match super::audit::read_log(printer, log, true)? {
        Ok(l) => l,
        Err(exit) => return Ok(Err(exit)),
    };
    let recorded: BTreeSet<String> = log
        .entries
        .iter()
        .filter_map(|e| serde_json::from_str::<serde_json::Value>(&e.line).ok())
        .filter(|v| v["action"] == history::AUDIT_ACTION && v["target"] == rel)
        .filter_map(|v| v["details"]["sha256"].as_str().map(String::from))
        .collect();
    Ok(Ok(lines
        .iter()
        .filter(|l| !recorded.contains(&history::line_digest(&l.text)))
        .map(|l| {
            Diagnostic::error(
                Code::HistoryUnverified,
                format!(
                    "`{rel}` line {}: the snapshot as of {} has no `snapshot` entry with its SHA-256 in the audit log",
                    l.number, l.snapshot.as_of
                ),
            )
            .at(Location {
                file: Arc::from(rel),
                line: l.number,
                col: 1,
            })
            .help("the line was rewritten or added by hand: restore history/ and the audit log from a copy you trust")
        })
        .collect()))
}

pub fn trend(printer: &Printer, settings: &Settings, args: &TrendArgs) -> Outcome {
    let model = load::load(settings)?;
    let fw = framework_index(&model.catalog, &args.framework)?;
    let id = model.catalog.frameworks[fw].id.clone();
    let until: jiff::civil::Date = match &args.until {
        Some(t) => t.parse().map_err(|_| {
            vec![
                Diagnostic::error(
                    Code::BadArgument,
                    format!("--until `{}` is not a date", terminal(t)),
                )
                .help("write a date, e.g. --until 2026-12-01"),
            ]
        })?,
        None => settings.as_of.to_zoned(jiff::tz::TimeZone::UTC).date(),
    };
    let since = since_date(&args.since, until)?;
    let (since, until) = (since.to_string(), until.to_string());
    let lines = if args.from_git {
        from_git(printer, settings, &id, &since, &until)?
    } else {
        match recorded(printer, settings, args, &id)? {
            Ok(lines) => lines,
            Err(exit) => return Ok(exit),
        }
    };
    let t = history::trend(&model.catalog, fw, &lines, &since, &until);
    let text = match args.format {
        TrendFormat::Json => super::pretty_json("the trend", &t)?,
        TrendFormat::Table => table(&t),
        TrendFormat::Markdown => markdown(&t),
        TrendFormat::Html => {
            let f = &model.catalog.frameworks[fw];
            let as_of = report::timestamp(settings.as_of);
            let source = if args.from_git {
                "the repository's git commits (the last commit of each day)".to_string()
            } else {
                format!("history/{id}.jsonl")
            };
            crate::report::html::render_trend(
                &t,
                &crate::report::html::TrendPage {
                    name: &f.name,
                    version: &f.version,
                    tool: format!(
                        "{} {}",
                        report::Tool::VIGOCLI.name,
                        report::Tool::VIGOCLI.version
                    ),
                    as_of: &as_of,
                    source: &source,
                },
            )
            .map_err(|e| {
                vec![
                    Diagnostic::error(
                        Code::RenderFailed,
                        format!("cannot render the HTML trend: {e}"),
                    )
                    .help("this is a bug in vigocli; `--format json` still works"),
                ]
            })?
        }
    };
    emit(printer, args.output.as_deref(), &text)?;
    Ok(Exit::Ok)
}

/// The lines of `history/<id>.jsonl`, checked against the audit log first with --verify
/// (`Err(exit)`: the verification failed and was reported).
fn recorded(
    printer: &Printer,
    settings: &Settings,
    args: &TrendArgs,
    id: &str,
) -> Result<Result<Vec<Line>, Exit>, Vec<Diagnostic>> {
    let (path, rel) = history_file(settings, id);
    if !path.exists() {
        return Err(vec![
            Diagnostic::error(Code::MissingPath, format!("no history of {id}: `{rel}` does not exist"))
                .help("record one with `vigocli compliance snapshot` (docs/history.md has a nightly CI recipe), or use --from-git"),
        ]);
    }
    let (_, lines) = read_history(&path, &rel)?;
    // An input of this run: --output may not overwrite it.
    crate::source::note_input(&path);
    if args.verify {
        let log = super::audit::log_path(settings, &args.log);
        match unverified(printer, &log, &rel, &lines)? {
            Err(exit) => return Ok(Err(exit)),
            Ok(bad) if !bad.is_empty() => {
                printer.diagnostics(&bad);
                return Ok(Err(Exit::Failed));
            }
            Ok(_) => printer.note(format!(
                "verified: each of the {} lines of {rel} has its `snapshot` entry in the audit log",
                lines.len()
            )),
        }
    }
    Ok(Ok(lines))
}

fn table(t: &Trend) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}: {} point(s) from {} to {} (the last snapshot of each day)",
        terminal(&t.framework),
        t.points.len(),
        t.since,
        t.until
    );
    let mut tb = comfy_table::Table::new();
    tb.load_style(comfy_table::presets::UTF8_FULL_CONDENSED)
        .force_no_tty();
    tb.set_header(vec![
        "date", "coverage", "assured", "covered", "worse", "better", "note",
    ]);
    for p in &t.points {
        let s = &p.summary;
        tb.add_row(vec![
            p.date.clone(),
            format!("{:.2} %", s.coverage_pct),
            format!("{:.2} %", s.assured_pct),
            format!("{:.2} %", s.covered_pct),
            p.worse.len().to_string(),
            p.better.len().to_string(),
            if p.catalog_changed {
                format!(
                    "catalog changed (now {}): not compared",
                    terminal(&p.catalog_version)
                )
            } else {
                String::new()
            },
        ]);
    }
    out.push_str(&tb.to_string());
    out.push('\n');
    for p in t.points.iter().filter(|p| !p.worse.is_empty()) {
        let list: Vec<String> = p
            .worse
            .iter()
            .map(|c| format!("{} ({} → {})", terminal(&c.id), c.from, c.to))
            .collect();
        let _ = writeln!(out, "{} worse: {}", p.date, list.join(", "));
    }
    if t.regressions.is_empty() {
        out.push_str("no control is regressed at the last point\n");
    } else {
        let _ = writeln!(
            out,
            "regressed at the last point ({}):",
            t.regressions.len()
        );
        for r in &t.regressions {
            let _ = writeln!(
                out,
                "  {} {} → {} since {}{} ({} days)",
                terminal(&r.id),
                r.from,
                r.to,
                r.since,
                if r.before_window {
                    ", before the window"
                } else {
                    ""
                },
                r.days
            );
        }
    }
    out
}

/// `check --max-regression-days N`: for each gated framework, the controls its history shows
/// regressed (at its last point up to as_of) for more than `days` days are a gate failure;
/// a gated framework without history is an input error (docs/history.md).
pub fn regression_gate(
    settings: &Settings,
    model: &Model,
    days: u32,
    result: &mut crate::check::CheckResult,
) {
    use crate::check::{ControlRef, Outcome, Problem};
    let today = settings
        .as_of
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
        .to_string();
    let mut problems = Vec::new();
    let mut invalid = false;
    for gate in &mut result.frameworks {
        let Some(fw) = model.catalog.framework_index(&gate.id) else {
            continue;
        };
        let (path, rel) = history_file(settings, &gate.id);
        if !path.exists() {
            invalid = true;
            problems.push(Problem {
                diag: Diagnostic::error(
                    Code::NoHistory,
                    format!(
                        "{}: no history (`{rel}`), so --max-regression-days cannot be checked",
                        gate.id
                    ),
                )
                .help(
                    "record snapshots with `vigocli compliance snapshot` first (docs/history.md)",
                ),
                framework: Some(gate.id.clone()),
                controls: Vec::new(),
            });
            continue;
        }
        let lines = match read_history(&path, &rel) {
            Ok((_, lines)) => lines,
            Err(d) => {
                invalid = true;
                problems.extend(d.into_iter().map(|diag| Problem {
                    diag,
                    framework: Some(gate.id.clone()),
                    controls: Vec::new(),
                }));
                continue;
            }
        };
        let t = history::trend(&model.catalog, fw, &lines, &today, &today);
        // Days are counted to the as_of day, whether or not a snapshot was taken on it.
        let too_long =
            |r: &&history::Regression| history::days_between(&r.since, &today) > i64::from(days);
        let long: Vec<ControlRef> = t
            .regressions
            .iter()
            .filter(too_long)
            .map(|r| ControlRef {
                id: r.id.clone(),
                status: r.to.to_string(),
                baseline_status: Some(r.from.to_string()),
                severity: crate::check::gates::severity(
                    Status::parse(r.from).unwrap_or(Status::Covered),
                    Status::parse(r.to).unwrap_or(Status::Uncovered),
                ),
            })
            .collect();
        if long.is_empty() {
            continue;
        }
        gate.passed = false;
        let oldest = t
            .regressions
            .iter()
            .filter(too_long)
            .map(|r| r.since.as_str())
            .min()
            .unwrap_or("");
        problems.push(Problem {
            diag: Diagnostic::error(
                Code::RegressedTooLong,
                format!(
                    "{}: {} control(s) regressed for more than {days} day(s) (the oldest since {oldest}) in `{rel}`",
                    gate.id,
                    long.len()
                ),
            )
            .help("restore the controls listed, or accept the change: a regression ends when the control is back at its earlier status"),
            framework: Some(gate.id.clone()),
            controls: long,
        });
    }
    if problems.is_empty() {
        return;
    }
    // Input errors first, then gate failures, then warnings (as the check orders them).
    let mut all = problems;
    all.append(&mut result.problems);
    all.sort_by_key(|p| match p.diag.severity {
        crate::diag::Severity::Error
            if matches!(p.diag.code, Code::NoHistory | Code::BadHistory) =>
        {
            0
        }
        crate::diag::Severity::Error => 1,
        _ => 2,
    });
    result.problems = all;
    result.result = if invalid {
        Outcome::Invalid
    } else {
        Outcome::Failed
    };
    result.exit_code = result.result.exit() as u8;
}

/// The snapshots of framework `id` at the last commit of each day in `[since, until]`
/// (docs/history.md § From git).
fn from_git(
    printer: &Printer,
    settings: &Settings,
    id: &str,
    since: &str,
    until: &str,
) -> Result<Vec<Line>, Vec<Diagnostic>> {
    use crate::history::git;
    use rayon::prelude::*;
    let repo = &settings.paths.repo;
    let git_err = |e: String| {
        vec![
            Diagnostic::error(
                Code::UnreadableFile,
                format!("cannot read the git history of `{}`: {e}", repo.display()),
            )
            .help(
                "--from-git needs the repository to be (inside) a git work tree and `git` on PATH",
            ),
        ]
    };
    let days = git::day_commits(repo, since, until).map_err(git_err)?;
    // Most files are the same from one day to the next: parse each distinct text once.
    crate::memo::enable();
    // Inputs that live outside git are read from the current checkout for every day.
    let outside = |p: &Path| git::relative(repo, p);
    let inventory_rel: Vec<Option<PathBuf>> = settings
        .paths
        .inventory
        .iter()
        .map(|p| outside(p))
        .collect();
    let traits_rel = outside(&settings.paths.traits);
    let scope: Vec<String> = settings
        .cli_scope
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    // One evaluation per distinct run of equal trees: a day whose tree is the previous
    // picked day's reuses its evaluation.
    let firsts: Vec<usize> = (0..days.len())
        .filter(|&i| i == 0 || days[i].tree != days[i - 1].tree)
        .collect();
    let notes = std::sync::Mutex::new(std::collections::BTreeSet::new());
    let evaluate = |tree: &git::Worktree,
                    d: &git::DayCommit|
     -> Result<Option<history::Snapshot>, Vec<Diagnostic>> {
        let dir = tree.path();
        let mut flags = crate::settings::Flags {
            repo: Some(dir.to_path_buf()),
            as_of: Some(crate::report::timestamp(d.time)),
            scope: scope.clone(),
            ..Default::default()
        };
        // An input path missing from the commit's tree is taken from the checkout.
        for (p, rel) in settings.paths.inventory.iter().zip(&inventory_rel) {
            let in_tree = rel.as_ref().is_some_and(|r| dir.join(r).exists());
            if !in_tree && p.exists() {
                flags.inventory.push(p.clone());
                if let Ok(mut n) = notes.lock() {
                    n.insert(format!("the inventory `{}` is not in git: taken from the current checkout for every day", p.display()));
                }
            }
        }
        let traits_in_tree = traits_rel.as_ref().is_some_and(|r| dir.join(r).exists());
        if !traits_in_tree && settings.paths.traits.exists() {
            flags.traits = Some(settings.paths.traits.clone());
            if let Ok(mut n) = notes.lock() {
                n.insert(format!("the Connwaer results `{}` are not in git: taken from the current checkout for every day", settings.paths.traits.display()));
            }
        }
        let day_settings = crate::settings::Settings::from_args(&flags)?;
        let Ok(model) = load::load(&day_settings) else {
            if let Ok(mut n) = notes.lock() {
                n.insert(format!(
                    "{} (commit {}): the repository had input errors; no point that day",
                    d.day,
                    &d.commit[..12.min(d.commit.len())]
                ));
            }
            return Ok(None);
        };
        let Some(fw) = model.catalog.framework_index(id) else {
            return Ok(None);
        };
        let r = report::build_for_framework_with(&model, fw, report::Detail::SUMMARY);
        Ok(Some(report::snapshot::of(&model.catalog, fw, &r)))
    };
    // The distinct trees in contiguous runs, one per worker: each worker exports its first
    // commit once and then writes only the files each next commit changed.
    let workers = rayon::current_num_threads().clamp(1, firsts.len().max(1));
    let per_worker = firsts.len().div_ceil(workers).max(1);
    let evaluated: Vec<Result<Option<history::Snapshot>, Vec<Diagnostic>>> = firsts
        .par_chunks(per_worker)
        .map(|run| {
            let mut tree = match git::Worktree::new() {
                Ok(t) => t,
                Err(e) => return run.iter().map(|_| Err(git_err(e.clone()))).collect(),
            };
            let mut out = Vec::with_capacity(run.len());
            for &i in run {
                let d = &days[i];
                out.push(match tree.checkout(repo, &d.commit) {
                    Ok(()) => evaluate(&tree, d),
                    Err(e) => Err(git_err(e)),
                });
            }
            out
        })
        .flatten()
        .collect();
    let mut lines = Vec::new();
    let mut evaluations = 0;
    for (k, &first) in firsts.iter().enumerate() {
        let end = firsts.get(k + 1).copied().unwrap_or(days.len());
        let Some(snap) = evaluated[k].clone()? else {
            continue;
        };
        evaluations += 1;
        for d in &days[first..end] {
            let mut s = snap.clone();
            s.as_of = crate::report::timestamp(d.time);
            lines.push(Line {
                number: 0,
                text: String::new(),
                snapshot: s,
            });
        }
    }
    printer.note(format!(
        "from git: {} day(s) with commits from {since} to {until}, {evaluations} evaluation(s) ({} day(s) reused an unchanged tree); the working tree and the index were left as they were",
        days.len(),
        days.len() - firsts.len()
    ));
    if let Ok(n) = notes.into_inner() {
        for line in n {
            printer.note(format!("note: {line}"));
        }
    }
    Ok(lines)
}

/// `--format markdown`: the series and what regressed, for a job summary or a pull-request
/// comment (data escaped, capped at GitHub's comment limit like the other Markdown formats).
fn markdown(t: &Trend) -> String {
    use crate::output::markdown::{GITHUB_COMMENT_LIMIT, cap, capped_list, md};
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## {}: compliance trend from {} to {}\n\n{} point(s), the last snapshot of each day.\n",
        md(&t.framework),
        t.since,
        t.until,
        t.points.len()
    );
    if !t.points.is_empty() {
        out.push_str("| date | coverage | assured | covered | worse | better |\n");
        out.push_str("| --- | ---: | ---: | ---: | ---: | ---: |\n");
        for p in &t.points {
            let s = &p.summary;
            let _ = writeln!(
                out,
                "| {}{} | {:.2} % | {:.2} % | {:.2} % | {} | {} |",
                p.date,
                if p.catalog_changed {
                    " (catalog changed: not compared)"
                } else {
                    ""
                },
                s.coverage_pct,
                s.assured_pct,
                s.covered_pct,
                p.worse.len(),
                p.better.len()
            );
        }
        out.push('\n');
    }
    let worse: Vec<&history::Point> = t.points.iter().filter(|p| !p.worse.is_empty()).collect();
    if !worse.is_empty() {
        out.push_str("### What got worse\n\n");
        for p in worse {
            let list: Vec<String> = p
                .worse
                .iter()
                .map(|c| format!("{} ({} → {})", md(&c.id), c.from, c.to))
                .collect();
            let _ = writeln!(out, "- {}: {}", p.date, capped_list(&list));
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "### Regressed at the last point ({})\n",
        t.regressions.len()
    );
    if t.regressions.is_empty() {
        out.push_str("None.\n");
    } else {
        out.push_str("| control | was | now | since | days |\n| --- | --- | --- | --- | ---: |\n");
        for r in &t.regressions {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {}{} | {} |",
                md(&r.id),
                r.from,
                r.to,
                r.since,
                if r.before_window {
                    " (before the window)"
                } else {
                    ""
                },
                r.days
            );
        }
    }
    cap(
        out,
        GITHUB_COMMENT_LIMIT,
        "`compliance trend --format json` has every point.",
    )
}

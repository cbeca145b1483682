//! `vigocli compliance diff OLD NEW`: run-to-run drift between JSON reports, regressed
//! controls first (worst first), then improved controls, then changed envoys. A control
//! that keeps its status but loses an evidence record that attested it is a regression
//! too; controls declared not applicable (or no longer) are changes of status
//! `not-applicable`, with the decision named.

use super::gates::{regression_severity, severity_order};
use crate::coverage::Status;
use crate::diag::{Code, Diagnostic, Location};
use crate::escape::terminal;
use crate::report::SCHEMA;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

/// The part of a `vigocli/compliance-report/v1` report that drift is computed from.
#[derive(Debug, Deserialize)]
pub struct ReportFile {
    pub schema: String,
    pub as_of: String,
    pub framework: FrameworkRef,
    pub summary: SummaryRef,
    pub controls: Vec<ControlEntry>,
    #[serde(default)]
    pub envoys: Vec<EnvoyEntry>,
    /// Reports written before evidence records existed have none.
    #[serde(default)]
    pub evidence: Vec<EvidenceEntry>,
    #[serde(default)]
    pub not_applicable: Vec<DecisionEntry>,
}

/// An evidence record of a report (`evidence[]`): what drift needs of it.
#[derive(Debug, Deserialize)]
pub struct EvidenceEntry {
    pub id: String,
    pub state: String,
}

/// A control declared not applicable (`not_applicable[]`).
#[derive(Debug, Deserialize)]
pub struct DecisionEntry {
    pub id: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub decision: String,
    #[serde(default)]
    pub rationale: String,
    #[serde(default)]
    pub approved_by: String,
}

/// An evidence record as a control names it (`controls[].evidence[]`).
#[derive(Debug, Deserialize)]
pub struct EvidenceRefEntry {
    pub id: String,
}

#[derive(Debug, Deserialize)]
pub struct FrameworkRef {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Deserialize)]
pub struct SummaryRef {
    pub coverage_pct: f64,
    pub covered_pct: f64,
    #[serde(default)]
    pub assured_pct: Option<f64>,
}

#[derive(Debug, Deserialize)]
pub struct ControlEntry {
    pub id: String,
    #[serde(default)]
    pub title: String,
    pub status: String,
    #[serde(default)]
    pub evidence: Vec<EvidenceRefEntry>,
}

#[derive(Debug, Deserialize)]
pub struct EnvoyEntry {
    pub hostname: String,
    pub coverage_pct: f64,
}

fn bad(path: &Path, line: usize, col: usize, msg: String) -> Diagnostic {
    let file: Arc<str> = Arc::from(path.display().to_string().as_str());
    Diagnostic::error(Code::BadReport, msg)
        .at(Location { file, line, col })
        .help("pass a report written by `vigocli compliance report <framework> --format json`")
}

/// Reads and checks one JSON report.
pub fn read_report_file(path: &Path) -> Result<ReportFile, Vec<Diagnostic>> {
    let scope = crate::source::Scope::anywhere();
    let bytes = scope.read(path).map_err(|d| vec![d])?;
    let src = crate::load::text_source(path.display().to_string(), bytes).map_err(|d| vec![d])?;
    let text = src.text.as_str();
    if let Some(offset) = crate::source::json_too_deep(text, false) {
        let (line, col) = crate::source::line_col(text, offset);
        return Err(vec![crate::yaml::nesting_too_deep(&src, line, col)]);
    }
    let r: ReportFile = serde_json::from_str(text).map_err(|e| {
        vec![bad(
            path,
            e.line(),
            e.column(),
            format!("`{}` is not a vigocli JSON report: {e}", path.display()),
        )]
    })?;
    if r.schema != SCHEMA {
        return Err(vec![bad(
            path,
            0,
            0,
            format!(
                "`{}` has schema `{}`, expected `{SCHEMA}`",
                path.display(),
                r.schema
            ),
        )]);
    }
    if let Some(c) = r
        .controls
        .iter()
        .find(|c| Status::parse(&c.status).is_none())
    {
        return Err(vec![bad(
            path,
            0,
            0,
            format!(
                "control {} in `{}` has unknown status `{}`",
                c.id,
                path.display(),
                c.status
            ),
        )]);
    }
    Ok(r)
}

/// A report file, or every `*.json` report in a directory, keyed by framework id.
pub fn read_reports(path: &Path) -> Result<BTreeMap<String, ReportFile>, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let files: Vec<std::path::PathBuf> = if path.is_dir() {
        crate::source::Scope::anywhere().walk(
            path,
            |p| crate::load::ext(p) == Some("json"),
            &mut errors,
        )
    } else {
        vec![path.to_path_buf()]
    };
    let mut out = BTreeMap::new();
    for f in files {
        match read_report_file(&f) {
            Ok(r) => {
                if out.contains_key(&r.framework.id) {
                    errors.push(
                        Diagnostic::error(
                            Code::BadReport,
                            format!(
                                "`{}` holds two reports of {}",
                                path.display(),
                                r.framework.id
                            ),
                        )
                        .help("keep one report per framework in the directory"),
                    );
                    continue;
                }
                out.insert(r.framework.id.clone(), r);
            }
            Err(d) => errors.extend(d),
        }
    }
    if out.is_empty() && errors.is_empty() {
        errors.push(
            Diagnostic::error(
                Code::BadReport,
                format!("`{}` holds no JSON report", path.display()),
            )
            .help("pass a report file, or a directory of `*.json` reports"),
        );
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

#[derive(Debug, Serialize)]
pub struct ControlChange {
    pub id: String,
    pub title: String,
    pub old: String,
    pub new: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<&'static str>,
    /// Evidence records that attested the control in OLD and do not in NEW, with what
    /// each is now.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub evidence_lost: Vec<LostEvidence>,
    /// Why, in words, when the status alone does not say it: lost evidence, an
    /// applicability decision made or gone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct LostEvidence {
    pub id: String,
    /// The record's state in NEW (`changed`, `expired`, `pending-review`, …), `removed`
    /// when NEW has no such record, or `attesting` when it attests but no longer this
    /// control (its controls or filters changed).
    pub now: String,
}

#[derive(Debug, Serialize)]
pub struct EnvoyChange {
    pub hostname: String,
    /// None: the envoy is not in that report.
    pub old_coverage_pct: Option<f64>,
    pub new_coverage_pct: Option<f64>,
}

#[derive(Debug, Serialize)]
pub struct FrameworkDiff {
    pub framework: String,
    pub name: String,
    pub old_as_of: String,
    pub new_as_of: String,
    pub old_coverage_pct: f64,
    pub new_coverage_pct: f64,
    pub old_covered_pct: f64,
    pub new_covered_pct: f64,
    /// Absent in a report written before evidence records existed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_assured_pct: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_assured_pct: Option<f64>,
    pub regressed: Vec<ControlChange>,
    pub improved: Vec<ControlChange>,
    /// Controls in only one of the reports (a catalog change), with their status.
    pub added_controls: Vec<ControlChange>,
    pub removed_controls: Vec<ControlChange>,
    pub envoys: Vec<EnvoyChange>,
}

#[derive(Debug, Serialize)]
pub struct DiffResult {
    pub schema: &'static str,
    pub frameworks: Vec<FrameworkDiff>,
    /// Frameworks with a report on one side only.
    pub only_old: Vec<String>,
    pub only_new: Vec<String>,
    pub regressions: usize,
}

/// The status word of a declared-not-applicable control in a report file.
const NOT_APPLICABLE: &str = "not-applicable";

/// What drift compares of one control: its status and the records that attest it.
struct Side<'a> {
    status: &'a str,
    title: &'a str,
    evidence: Vec<&'a str>,
    decision: Option<&'a DecisionEntry>,
}

/// Every control of a report, counted or declared not applicable, in report order.
fn sides(r: &ReportFile) -> Vec<(&str, Side<'_>)> {
    r.controls
        .iter()
        .map(|c| {
            (
                c.id.as_str(),
                Side {
                    status: c.status.as_str(),
                    title: c.title.as_str(),
                    evidence: c.evidence.iter().map(|e| e.id.as_str()).collect(),
                    decision: None,
                },
            )
        })
        .chain(r.not_applicable.iter().map(|d| {
            (
                d.id.as_str(),
                Side {
                    status: NOT_APPLICABLE,
                    title: d.title.as_str(),
                    evidence: Vec::new(),
                    decision: Some(d),
                },
            )
        }))
        .collect()
}

fn decided(d: &DecisionEntry) -> String {
    format!(
        "declared not applicable by {} (approved by {}): {}",
        d.decision, d.approved_by, d.rationale
    )
}

pub fn diff_one(old: &ReportFile, new: &ReportFile) -> FrameworkDiff {
    let old_sides = sides(old);
    let old_by: HashMap<&str, &Side> = old_sides.iter().map(|(id, s)| (*id, s)).collect();
    let new_sides = sides(new);
    let new_ids: HashMap<&str, ()> = new_sides.iter().map(|(id, _)| (*id, ())).collect();
    let new_state: HashMap<&str, &str> = new
        .evidence
        .iter()
        .map(|e| (e.id.as_str(), e.state.as_str()))
        .collect();
    let mut regressed = Vec::new();
    let mut improved = Vec::new();
    let mut added = Vec::new();
    for (id, c) in &new_sides {
        let Some(o) = old_by.get(id) else {
            added.push(ControlChange {
                id: id.to_string(),
                title: c.title.to_string(),
                old: "absent".into(),
                new: c.status.to_string(),
                severity: None,
                evidence_lost: Vec::new(),
                reason: c.decision.map(decided),
            });
            continue;
        };
        // Records drop out of a control's list when it improves (covered wins over
        // attested); only a control that did not improve has lost them.
        let improved_status = matches!(
            (Status::parse(o.status), Status::parse(c.status)),
            (Some(a), Some(b)) if b.rank() > a.rank()
        );
        let evidence_lost: Vec<LostEvidence> = o
            .evidence
            .iter()
            .filter(|_| !improved_status)
            .filter(|e| !c.evidence.contains(e))
            .map(|e| LostEvidence {
                id: e.to_string(),
                now: new_state.get(e).map_or("removed", |s| *s).to_string(),
            })
            .collect();
        if o.status == c.status && evidence_lost.is_empty() {
            continue;
        }
        let lost_text = (!evidence_lost.is_empty()).then(|| {
            let list: Vec<String> = evidence_lost
                .iter()
                .map(|l| format!("`{}` ({})", l.id, l.now))
                .collect();
            format!("lost evidence {}", list.join(", "))
        });
        let reason = match (o.decision, c.decision) {
            (None, Some(d)) => Some(decided(d)),
            (Some(d), None) => Some(format!(
                "no longer declared not applicable (the decision at {} lapsed or was removed): the control counts again",
                d.decision
            )),
            _ => None,
        };
        let reason = match (reason, lost_text) {
            (Some(r), Some(l)) => Some(format!("{r}; {l}")),
            (r, l) => r.or(l),
        };
        // A control that keeps its status but lost a record that attested it has lost
        // proof (another record or a waiver holds it for now): a regression.
        let severity = if o.status == c.status {
            Some("medium")
        } else {
            regression_severity(o.status, c.status)
        };
        let change = ControlChange {
            id: id.to_string(),
            title: c.title.to_string(),
            old: o.status.to_string(),
            new: c.status.to_string(),
            severity,
            evidence_lost,
            reason,
        };
        if change.severity.is_some() {
            regressed.push(change);
        } else {
            improved.push(change);
        }
    }
    regressed.sort_by_key(|c| severity_order(c.severity.unwrap_or("medium")));
    let removed = old_sides
        .iter()
        .filter(|(id, _)| !new_ids.contains_key(id))
        .map(|(id, c)| ControlChange {
            id: id.to_string(),
            title: c.title.to_string(),
            old: c.status.to_string(),
            new: "absent".into(),
            severity: None,
            evidence_lost: Vec::new(),
            reason: None,
        })
        .collect();
    let mut envoys: BTreeMap<&str, (Option<f64>, Option<f64>)> = BTreeMap::new();
    for e in &old.envoys {
        envoys.entry(&e.hostname).or_default().0 = Some(e.coverage_pct);
    }
    for e in &new.envoys {
        envoys.entry(&e.hostname).or_default().1 = Some(e.coverage_pct);
    }
    let envoys = envoys
        .into_iter()
        .filter(|(_, (o, n))| o != n)
        .map(|(h, (o, n))| EnvoyChange {
            hostname: h.to_string(),
            old_coverage_pct: o,
            new_coverage_pct: n,
        })
        .collect();
    FrameworkDiff {
        framework: new.framework.id.clone(),
        name: new.framework.name.clone(),
        old_as_of: old.as_of.clone(),
        new_as_of: new.as_of.clone(),
        old_coverage_pct: old.summary.coverage_pct,
        new_coverage_pct: new.summary.coverage_pct,
        old_covered_pct: old.summary.covered_pct,
        new_covered_pct: new.summary.covered_pct,
        old_assured_pct: old.summary.assured_pct,
        new_assured_pct: new.summary.assured_pct,
        regressed,
        improved,
        added_controls: added,
        removed_controls: removed,
        envoys,
    }
}

pub fn diff(old: &BTreeMap<String, ReportFile>, new: &BTreeMap<String, ReportFile>) -> DiffResult {
    let frameworks: Vec<FrameworkDiff> = new
        .iter()
        .filter_map(|(id, n)| old.get(id).map(|o| diff_one(o, n)))
        .collect();
    let regressions = frameworks.iter().map(|f| f.regressed.len()).sum();
    DiffResult {
        schema: "vigocli/compliance-diff/v1",
        only_old: old
            .keys()
            .filter(|k| !new.contains_key(*k))
            .cloned()
            .collect(),
        only_new: new
            .keys()
            .filter(|k| !old.contains_key(*k))
            .cloned()
            .collect(),
        frameworks,
        regressions,
    }
}

/// Envoy rows shown in the table and Markdown renderings (JSON lists them all).
const ENVOYS_SHOWN: usize = 50;

fn pct(v: Option<f64>) -> String {
    v.map_or_else(|| "absent".to_string(), |v| format!("{v:.2} %"))
}

pub fn render_table(d: &DiffResult) -> String {
    use comfy_table::presets::UTF8_FULL_CONDENSED;
    use comfy_table::{ContentArrangement, Table};
    let table = |header: &[&str]| {
        let mut t = Table::new();
        t.load_style(UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic)
            .force_no_tty()
            .set_header(header.to_vec());
        t
    };
    let mut out = String::new();
    for f in &d.frameworks {
        out.push_str(&format!(
            "{} ({}): coverage {:.2} % → {:.2} %, covered {:.2} % → {:.2} %{} ({} → {})\n",
            terminal(&f.framework),
            terminal(&f.name),
            f.old_coverage_pct,
            f.new_coverage_pct,
            f.old_covered_pct,
            f.new_covered_pct,
            assured_text(f),
            terminal(&f.old_as_of),
            terminal(&f.new_as_of)
        ));
        for (title, rows, sev) in [
            ("regressed", &f.regressed, true),
            ("improved", &f.improved, false),
            ("added", &f.added_controls, false),
            ("removed", &f.removed_controls, false),
        ] {
            if rows.is_empty() && !sev {
                continue;
            }
            out.push_str(&format!("{title} controls: {}\n", rows.len()));
            if rows.is_empty() {
                continue;
            }
            let why = rows.iter().any(|c| c.reason.is_some());
            let mut header = if sev {
                vec!["severity", "control", "was", "now", "title"]
            } else {
                vec!["control", "was", "now", "title"]
            };
            if why {
                header.push("why");
            }
            let mut t = table(&header);
            for c in rows.iter() {
                let mut row = Vec::new();
                if sev {
                    row.push(c.severity.unwrap_or("").to_string());
                }
                row.extend([&c.id, &c.old, &c.new, &c.title].map(|s| terminal(s).into_owned()));
                if why {
                    row.push(terminal(c.reason.as_deref().unwrap_or("")).into_owned());
                }
                t.add_row(row);
            }
            out.push_str(&format!("{t}\n"));
        }
        out.push_str(&format!("changed envoys: {}\n", f.envoys.len()));
        if !f.envoys.is_empty() {
            let mut t = table(&["envoy", "was", "now"]);
            for e in f.envoys.iter().take(ENVOYS_SHOWN) {
                t.add_row(vec![
                    terminal(&e.hostname).into_owned(),
                    pct(e.old_coverage_pct),
                    pct(e.new_coverage_pct),
                ]);
            }
            out.push_str(&format!("{t}\n"));
            if f.envoys.len() > ENVOYS_SHOWN {
                out.push_str(&format!(
                    "… {} more envoys (see --format json)\n",
                    f.envoys.len() - ENVOYS_SHOWN
                ));
            }
        }
        out.push('\n');
    }
    out.push_str(&footer(d, |s| terminal(s).into_owned()));
    out
}

/// The footer, its data escaped by `escape` (for the terminal or for Markdown).
fn footer(d: &DiffResult, escape: fn(&str) -> String) -> String {
    let mut out = String::new();
    for id in &d.only_old {
        out.push_str(&format!("{}: only in OLD, not compared\n", escape(id)));
    }
    for id in &d.only_new {
        out.push_str(&format!("{}: only in NEW, not compared\n", escape(id)));
    }
    out.push_str(&format!(
        "{} regressed control(s) in {} framework(s)\n",
        d.regressions,
        d.frameworks.len()
    ));
    out
}

/// `, assured a → b` when both reports have `assured_pct` (reports written before
/// evidence records existed do not).
fn assured_text(f: &FrameworkDiff) -> String {
    match (f.old_assured_pct, f.new_assured_pct) {
        (Some(o), Some(n)) => format!(", assured {o:.2} % → {n:.2} %"),
        _ => String::new(),
    }
}

/// The `why` cell of a Markdown row (with its leading space), when the table has one.
fn md_why(c: &ControlChange, why: bool) -> String {
    if why {
        format!(" {} |", md_escape(c.reason.as_deref().unwrap_or("")))
    } else {
        String::new()
    }
}

/// Data in Markdown: never markup (links, images, HTML, table cells), see [`crate::escape`].
fn md_escape(s: &str) -> String {
    crate::escape::markdown(s)
}

pub fn render_markdown(d: &DiffResult) -> String {
    let mut out = String::from("# Compliance drift\n\n");
    for f in &d.frameworks {
        out.push_str(&format!(
            "## {} ({})\n\nCoverage {:.2} % → {:.2} %, covered {:.2} % → {:.2} %{} ({} → {}).\n\n",
            md_escape(&f.framework),
            md_escape(&f.name),
            f.old_coverage_pct,
            f.new_coverage_pct,
            f.old_covered_pct,
            f.new_covered_pct,
            assured_text(f),
            md_escape(&f.old_as_of),
            md_escape(&f.new_as_of)
        ));
        out.push_str(&format!("### Regressed ({})\n\n", f.regressed.len()));
        if f.regressed.is_empty() {
            out.push_str("None.\n\n");
        } else {
            let why = f.regressed.iter().any(|c| c.reason.is_some());
            out.push_str(if why {
                "| severity | control | was | now | title | why |\n| --- | --- | --- | --- | --- | --- |\n"
            } else {
                "| severity | control | was | now | title |\n| --- | --- | --- | --- | --- |\n"
            });
            for c in &f.regressed {
                out.push_str(&format!(
                    "| {} | {} | {} | {} | {} |{}\n",
                    c.severity.unwrap_or(""),
                    md_escape(&c.id),
                    md_escape(&c.old),
                    md_escape(&c.new),
                    md_escape(&c.title),
                    md_why(c, why)
                ));
            }
            out.push('\n');
        }
        for (title, rows) in [
            ("Improved", &f.improved),
            ("Added", &f.added_controls),
            ("Removed", &f.removed_controls),
        ] {
            if rows.is_empty() && title != "Improved" {
                continue;
            }
            out.push_str(&format!("### {title} ({})\n\n", rows.len()));
            if rows.is_empty() {
                out.push_str("None.\n\n");
                continue;
            }
            let why = rows.iter().any(|c| c.reason.is_some());
            out.push_str(if why {
                "| control | was | now | title | why |\n| --- | --- | --- | --- | --- |\n"
            } else {
                "| control | was | now | title |\n| --- | --- | --- | --- |\n"
            });
            for c in rows.iter() {
                out.push_str(&format!(
                    "| {} | {} | {} | {} |{}\n",
                    md_escape(&c.id),
                    md_escape(&c.old),
                    md_escape(&c.new),
                    md_escape(&c.title),
                    md_why(c, why)
                ));
            }
            out.push('\n');
        }
        out.push_str(&format!("### Changed envoys ({})\n\n", f.envoys.len()));
        if !f.envoys.is_empty() {
            out.push_str("| envoy | was | now |\n| --- | --- | --- |\n");
            for e in f.envoys.iter().take(ENVOYS_SHOWN) {
                out.push_str(&format!(
                    "| {} | {} | {} |\n",
                    md_escape(&e.hostname),
                    pct(e.old_coverage_pct),
                    pct(e.new_coverage_pct)
                ));
            }
            if f.envoys.len() > ENVOYS_SHOWN {
                out.push_str(&format!(
                    "\n… {} more envoys (see `--format json`).\n",
                    f.envoys.len() - ENVOYS_SHOWN
                ));
            }
            out.push('\n');
        }
    }
    out.push_str(&footer(d, crate::escape::markdown).replace('\n', "\n\n"));
    out
}

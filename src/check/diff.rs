//! `vigocli compliance diff OLD NEW`: run-to-run drift between JSON reports, regressed
//! controls first (worst first), then improved controls, then changed envoys.

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
}

#[derive(Debug, Deserialize)]
pub struct ControlEntry {
    pub id: String,
    #[serde(default)]
    pub title: String,
    pub status: String,
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

pub fn diff_one(old: &ReportFile, new: &ReportFile) -> FrameworkDiff {
    let old_by: HashMap<&str, &ControlEntry> =
        old.controls.iter().map(|c| (c.id.as_str(), c)).collect();
    let new_ids: HashMap<&str, ()> = new.controls.iter().map(|c| (c.id.as_str(), ())).collect();
    let mut regressed = Vec::new();
    let mut improved = Vec::new();
    let mut added = Vec::new();
    for c in &new.controls {
        let Some(o) = old_by.get(c.id.as_str()) else {
            added.push(ControlChange {
                id: c.id.clone(),
                title: c.title.clone(),
                old: "absent".into(),
                new: c.status.clone(),
                severity: None,
            });
            continue;
        };
        if o.status == c.status {
            continue;
        }
        let change = ControlChange {
            id: c.id.clone(),
            title: c.title.clone(),
            old: o.status.clone(),
            new: c.status.clone(),
            severity: regression_severity(&o.status, &c.status),
        };
        if change.severity.is_some() {
            regressed.push(change);
        } else {
            improved.push(change);
        }
    }
    regressed.sort_by_key(|c| severity_order(c.severity.unwrap_or("medium")));
    let removed = old
        .controls
        .iter()
        .filter(|c| !new_ids.contains_key(c.id.as_str()))
        .map(|c| ControlChange {
            id: c.id.clone(),
            title: c.title.clone(),
            old: c.status.clone(),
            new: "absent".into(),
            severity: None,
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
            "{} ({}): coverage {:.2} % → {:.2} %, covered {:.2} % → {:.2} % ({} → {})\n",
            terminal(&f.framework),
            terminal(&f.name),
            f.old_coverage_pct,
            f.new_coverage_pct,
            f.old_covered_pct,
            f.new_covered_pct,
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
            let mut t = if sev {
                table(&["severity", "control", "was", "now", "title"])
            } else {
                table(&["control", "was", "now", "title"])
            };
            for c in rows.iter() {
                let mut row = Vec::new();
                if sev {
                    row.push(c.severity.unwrap_or("").to_string());
                }
                row.extend([&c.id, &c.old, &c.new, &c.title].map(|s| terminal(s).into_owned()));
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

/// Data in Markdown: never markup (links, images, HTML, table cells), see [`crate::escape`].
fn md_escape(s: &str) -> String {
    crate::escape::markdown(s)
}

pub fn render_markdown(d: &DiffResult) -> String {
    let mut out = String::from("# Compliance drift\n\n");
    for f in &d.frameworks {
        out.push_str(&format!(
            "## {} ({})\n\nCoverage {:.2} % → {:.2} %, covered {:.2} % → {:.2} % ({} → {}).\n\n",
            md_escape(&f.framework),
            md_escape(&f.name),
            f.old_coverage_pct,
            f.new_coverage_pct,
            f.old_covered_pct,
            f.new_covered_pct,
            md_escape(&f.old_as_of),
            md_escape(&f.new_as_of)
        ));
        out.push_str(&format!("### Regressed ({})\n\n", f.regressed.len()));
        if f.regressed.is_empty() {
            out.push_str("None.\n\n");
        } else {
            out.push_str(
                "| severity | control | was | now | title |\n| --- | --- | --- | --- | --- |\n",
            );
            for c in &f.regressed {
                out.push_str(&format!(
                    "| {} | {} | {} | {} | {} |\n",
                    c.severity.unwrap_or(""),
                    md_escape(&c.id),
                    md_escape(&c.old),
                    md_escape(&c.new),
                    md_escape(&c.title)
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
            out.push_str("| control | was | now | title |\n| --- | --- | --- | --- |\n");
            for c in rows.iter() {
                out.push_str(&format!(
                    "| {} | {} | {} | {} |\n",
                    md_escape(&c.id),
                    md_escape(&c.old),
                    md_escape(&c.new),
                    md_escape(&c.title)
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

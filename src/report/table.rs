//! Terminal tables (comfy-table). Colour only on a TTY with `NO_COLOR` unset; every
//! status is also a word, so meaning never depends on colour.

use super::{Report, fmt_pct};
use crate::coverage::Status;
use crate::escape::terminal;
use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Cell, CellAlignment, Color, ContentArrangement, Table};

fn status_cell(status: Status, colour: bool) -> Cell {
    let cell = Cell::new(status.as_str());
    if !colour {
        return cell;
    }
    match status {
        Status::Covered => cell.fg(Color::Green),
        Status::Attested => cell.fg(Color::Blue),
        Status::Waived => cell.fg(Color::Cyan),
        Status::NotApplicable => cell.fg(Color::DarkGrey),
        Status::Partial => cell.fg(Color::Yellow),
        Status::Uncovered => cell.fg(Color::Red),
    }
}

fn new_table(colour: bool) -> Table {
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    if !colour {
        t.force_no_tty();
    }
    t
}

/// A cell of data (a control id, a hostname, a title), control characters escaped.
fn text(s: &str) -> Cell {
    Cell::new(terminal(s))
}

fn right(s: impl ToString) -> Cell {
    Cell::new(s.to_string()).set_alignment(CellAlignment::Right)
}

/// One framework: a summary block and the per-control table.
pub fn render_report(r: &Report, colour: bool) -> String {
    let mut out = summary_block(r);
    out.push_str(&control_table(r, colour));
    closing_lines(r, &mut out);
    out
}

/// One framework by catalog category (`--format table --by category`): the summary block
/// and one row per category, with the summary's numbers (they add up to it).
pub fn render_categories(r: &Report, colour: bool) -> String {
    let mut out = summary_block(r);
    let mut t = new_table(colour);
    t.set_header(vec![
        "category",
        "controls",
        "covered",
        "attested",
        "waived",
        "partial",
        "uncovered",
        "covered %",
        "assured %",
        "coverage %",
    ]);
    for c in &r.categories {
        let name = if c.not_applicable > 0 {
            format!(
                "{} ({} not applicable)",
                terminal(&c.name),
                c.not_applicable
            )
        } else {
            terminal(&c.name).into_owned()
        };
        t.add_row(vec![
            Cell::new(name),
            right(c.controls_total),
            right(c.covered),
            right(c.attested),
            right(c.waived),
            right(c.partial),
            right(c.uncovered),
            right(fmt_pct(c.covered, c.controls_total)),
            right(fmt_pct(c.covered + c.attested, c.controls_total)),
            right(fmt_pct(c.covered + c.attested + c.waived, c.controls_total)),
        ]);
    }
    out.push_str(&t.to_string());
    out.push('\n');
    closing_lines(r, &mut out);
    out
}

/// The framework, its numbers and its envoys, above either table.
fn summary_block(r: &Report) -> String {
    let s = &r.summary;
    let mut out = String::new();
    out.push_str(&format!(
        "{} {} ({} mode, as of {}){}\n",
        terminal(&r.framework.name),
        terminal(&r.framework.version),
        r.mode,
        r.as_of,
        if r.scope.is_empty() {
            String::new()
        } else {
            format!(
                ", scope {}",
                r.scope
                    .iter()
                    .map(|(k, v)| format!("{}={}", terminal(k), terminal(v)))
                    .collect::<Vec<_>>()
                    .join(",")
            )
        }
    ));
    out.push_str(&format!(
        "covered {}   assured {}   coverage {}\n",
        fmt_pct(s.covered, s.controls_total),
        fmt_pct(s.covered + s.attested, s.controls_total),
        fmt_pct(s.covered + s.attested + s.waived, s.controls_total),
    ));
    out.push_str(&format!(
        "controls {}: {} covered, {} attested, {} waived, {} partial, {} uncovered{}\n",
        s.controls_total,
        s.covered,
        s.attested,
        s.waived,
        s.partial,
        s.uncovered,
        if s.not_applicable > 0 {
            format!(" ({} not applicable, not counted)", s.not_applicable)
        } else {
            String::new()
        }
    ));
    if let Some(w) = &s.weakest_envoy {
        out.push_str(&format!(
            "envoys in scope {}   weakest {} ({:.2} %)\n",
            s.envoys_in_scope,
            terminal(&w.hostname),
            w.coverage_pct
        ));
    } else {
        out.push_str(&format!("envoys in scope {}\n", s.envoys_in_scope));
    }
    out
}

/// The per-control table.
fn control_table(r: &Report, colour: bool) -> String {
    let mut t = new_table(colour);
    t.set_header(vec![
        "control",
        "status",
        "covered",
        "attested",
        "waived",
        "uncovered",
        "configcrates",
        "title",
    ]);
    for c in &r.controls {
        let crates = if c.configcrates.len() > 3 {
            format!(
                "{} +{}",
                c.configcrates[..3].join(", "),
                c.configcrates.len() - 3
            )
        } else {
            c.configcrates.join(", ")
        };
        t.add_row(vec![
            text(&c.id),
            status_cell(c.status, colour),
            right(c.envoys_covered),
            right(c.envoys_attested),
            right(c.envoys_waived),
            right(c.envoys_uncovered),
            text(&crates),
            text(&c.title),
        ]);
    }
    let mut out = t.to_string();
    out.push('\n');
    out
}

/// Controls declared not applicable and the findings line, below either table.
fn closing_lines(r: &Report, out: &mut String) {
    if !r.not_applicable.is_empty() {
        let ids: Vec<String> = r
            .not_applicable
            .iter()
            .map(|d| terminal(&d.id).into_owned())
            .collect();
        out.push_str(&format!(
            "not applicable, not counted: {} (rationale and approver under `not_applicable` in the JSON report)\n",
            ids.join(", ")
        ));
    }
    if let Some(line) = super::warnings_line(r) {
        out.push_str(&line);
        out.push('\n');
    }
}

/// Every framework at once.
pub fn render_status(reports: &[Report], colour: bool) -> String {
    let mut t = new_table(colour);
    t.set_header(vec![
        "framework",
        "version",
        "controls",
        "covered",
        "attested",
        "waived",
        "partial",
        "uncovered",
        "n/a",
        "covered %",
        "assured %",
        "coverage",
        "envoys",
        "weakest envoy",
    ]);
    for r in reports {
        let s = &r.summary;
        t.add_row(vec![
            text(&r.framework.id),
            text(&r.framework.version),
            right(s.controls_total),
            right(s.covered),
            right(s.attested),
            right(s.waived),
            right(s.partial),
            right(s.uncovered),
            right(s.not_applicable),
            right(fmt_pct(s.covered, s.controls_total)),
            right(fmt_pct(s.covered + s.attested, s.controls_total)),
            right(fmt_pct(s.covered + s.attested + s.waived, s.controls_total)),
            right(s.envoys_in_scope),
            text(
                &s.weakest_envoy
                    .as_ref()
                    .map(|w| format!("{} ({:.2} %)", w.hostname, w.coverage_pct))
                    .unwrap_or_else(|| "-".into()),
            ),
        ]);
    }
    let mut out = format!(
        "as of {} ({} mode)\n",
        reports.first().map(|r| r.as_of.as_str()).unwrap_or(""),
        reports.first().map_or("", |r| r.mode.as_str())
    );
    out.push_str(&t.to_string());
    out.push('\n');
    out.push_str(STATUS_LEGEND);
    out
}

/// What the columns of `compliance status` mean (docs/semantics.md).
const STATUS_LEGEND: &str = "covered % = 100 × covered / controls (technical proof); \
assured % = 100 × (covered + attested) / controls (proof, no waivers); \
coverage = 100 × (covered + attested + waived) / controls; \
n/a = declared not applicable, not among the controls\n";

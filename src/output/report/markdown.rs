//! `--format markdown`: one report as GitHub-flavoured Markdown, for a job summary or a
//! pull-request comment: the summary with its formulas, the gaps first (uncovered,
//! partial, waived), then what is proven, waivers that need attention and the findings
//! count; capped at GitHub's comment limit (docs/ci.md § Markdown).

use super::Format;
use crate::coverage::Status;
use crate::diag::Diagnostic;
use crate::output::markdown::{GITHUB_COMMENT_LIMIT, cap, md};
use crate::report::{ControlRow, Report, WaiverRow};
use std::fmt::Write as _;

pub struct Markdown;

impl Format for Markdown {
    fn extension(&self) -> &'static str {
        "md"
    }

    fn render(&self, report: &Report, _colour: bool) -> Result<String, Vec<Diagnostic>> {
        Ok(cap(
            markdown(report),
            GITHUB_COMMENT_LIMIT,
            "`--format json` or `--format html` has every control.",
        ))
    }
}

fn markdown(r: &Report) -> String {
    let s = &r.summary;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## {} {}: compliance report\n",
        md(&r.framework.name),
        md(&r.framework.version)
    );
    let scope = if r.scope.is_empty() {
        "every envoy".to_string()
    } else {
        r.scope
            .iter()
            .map(|(k, v)| format!("{}={}", md(k), md(v)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let _ = writeln!(
        out,
        "Framework `{}`, as of {}, {} mode, scope {scope}: {} envoy(s). Inputs digest `{}`.\n",
        r.framework.id.replace('`', "'"),
        md(&r.as_of),
        r.mode,
        s.envoys_in_scope,
        r.inputs_digest.get(..16).unwrap_or(&r.inputs_digest)
    );
    out.push_str("| | controls |\n| --- | ---: |\n");
    for (label, n) in [
        ("covered", s.covered),
        ("attested (reviewed evidence)", s.attested),
        ("partial", s.partial),
        ("waived", s.waived),
        ("uncovered", s.uncovered),
        ("**counted**", s.controls_total),
        ("not applicable (not counted)", s.not_applicable),
    ] {
        let _ = writeln!(out, "| {label} | {n} |");
    }
    out.push('\n');
    let _ = writeln!(
        out,
        "**Coverage {:.2} %**, assured {:.2} %, covered {:.2} %.\n",
        s.coverage_pct, s.assured_pct, s.covered_pct
    );
    for (name, formula) in &s.formulas {
        let _ = writeln!(out, "- `{name}` = {}", md(formula));
    }
    out.push('\n');
    if r.categories.len() > 1 {
        let _ = writeln!(out, "### By category ({})\n", r.categories.len());
        out.push_str("| category | controls | covered | attested | waived | partial | uncovered | coverage | assured |\n");
        out.push_str("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for c in &r.categories {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} | {:.2} % | {:.2} % |",
                md(&c.name),
                c.controls_total,
                c.covered,
                c.attested,
                c.waived,
                c.partial,
                c.uncovered,
                c.coverage_pct,
                c.assured_pct
            );
        }
        out.push('\n');
    }

    let gaps: Vec<&ControlRow> = r
        .controls
        .iter()
        .filter(|c| matches!(c.status, Status::Uncovered | Status::Partial))
        .collect();
    let _ = writeln!(out, "### Gaps: uncovered and partial ({})\n", gaps.len());
    if gaps.is_empty() {
        out.push_str("None.\n\n");
    } else {
        out.push_str(
            "| control | title | status | envoys uncovered |\n| --- | --- | --- | ---: |\n",
        );
        for c in gaps {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                md(&c.id),
                md(&c.title),
                c.status,
                c.envoys_uncovered
            );
        }
        out.push('\n');
    }
    let waived: Vec<&ControlRow> = r
        .controls
        .iter()
        .filter(|c| c.status == Status::Waived)
        .collect();
    if !waived.is_empty() {
        let _ = writeln!(out, "### Waived ({})\n", waived.len());
        out.push_str("| control | title | waivers |\n| --- | --- | --- |\n");
        for c in waived {
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                md(&c.id),
                md(&c.title),
                md(&c.waivers.join(", "))
            );
        }
        out.push('\n');
    }
    let proven: Vec<&ControlRow> = r
        .controls
        .iter()
        .filter(|c| matches!(c.status, Status::Covered | Status::Attested))
        .collect();
    let _ = writeln!(out, "### Covered and attested ({})\n", proven.len());
    if proven.is_empty() {
        out.push_str("None.\n\n");
    } else {
        out.push_str("| control | title | status | proof |\n| --- | --- | --- | --- |\n");
        for c in proven {
            let mut proof: Vec<String> = c.configcrates.clone();
            proof.extend(c.capabilities.iter().map(|k| format!("capability {k}")));
            proof.extend(c.connwaer.iter().map(|k| format!("Connwaer {k}")));
            proof.extend(c.evidence.iter().map(|e| format!("evidence {}", e.id)));
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                md(&c.id),
                md(&c.title),
                c.status,
                md(&proof.join(", "))
            );
        }
        out.push('\n');
    }
    if !r.not_applicable.is_empty() {
        let _ = writeln!(
            out,
            "### Not applicable ({})\n\n{}\n",
            r.not_applicable.len(),
            r.not_applicable
                .iter()
                .map(|d| md(&d.id))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    waivers(&mut out, "Expired waivers", &r.waivers.expired);
    waivers(&mut out, "Waivers expiring soon", &r.waivers.expiring);
    if !r.findings.is_empty() {
        let _ = writeln!(
            out,
            "{} finding(s) about the inputs: see `findings` in `--format json`.",
            r.findings.len()
        );
    }
    out
}

fn waivers(out: &mut String, title: &str, rows: &[WaiverRow]) {
    if rows.is_empty() {
        return;
    }
    let _ = writeln!(out, "### {title} ({})\n", rows.len());
    out.push_str("| waiver | controls | expires | owner |\n| --- | --- | --- | --- |\n");
    for w in rows {
        let _ = writeln!(
            out,
            "| {} | {} | {} ({} day(s)) | {} |",
            md(&w.source),
            md(&w.controls.join(", ")),
            md(&w.expires),
            w.days_left,
            md(&w.owner)
        );
    }
    out.push('\n');
}

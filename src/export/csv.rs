//! CSV export (docs/exports.md § CSV): the control table of each framework, or with
//! `--per-envoy` the envoy × control matrix as one row per (framework, envoy, control).
//!
//! RFC 4180: comma-separated, CRLF line ends, a field quoted when it holds a comma, a
//! quote or a line break (quotes doubled), UTF-8 without a byte-order mark. A spreadsheet
//! reads a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return as a
//! formula, so such a text cell gets a leading `'` ([`cell`]); numbers are never escaped.
//! Rows are written one at a time to the output, so memory does not grow with the rows.

use super::Assessed;
use super::siem::{Attesting, AttestingRecords};
use crate::model::Model;
use crate::report::timestamp;
use std::io::Write;

/// Columns of the control table.
const CONTROL_COLUMNS: [&str; 19] = [
    "framework",
    "control",
    "title",
    "category",
    "status",
    "envoys_in_scope",
    "envoys_covered",
    "envoys_attested",
    "envoys_waived",
    "envoys_uncovered",
    "envoys_contradicted",
    "configcrates",
    "capabilities",
    "connwaer",
    "evidence",
    "waivers",
    "last_converged",
    "as_of",
    "inputs_digest",
];

/// Columns of the per-envoy matrix.
const ENVOY_COLUMNS: [&str; 6] = [
    "framework",
    "hostname",
    "environment",
    "control",
    "status",
    "evidence",
];

/// Separates several values in one cell (configcrates, waivers, evidence records).
const LIST_SEPARATOR: &str = "; ";

/// A text cell as a spreadsheet must read it: control characters and bidirectional
/// overrides written as visible escapes, as the HTML and PDF reports write them
/// ([`crate::escape::document`]: line breaks and tabs stay), and a value that a spreadsheet
/// would evaluate as a formula (it starts with `=`, `+`, `-`, `@`, a tab or a carriage
/// return) gets a leading `'`, which spreadsheets show as text and do not evaluate.
pub fn cell(text: &str) -> std::borrow::Cow<'_, str> {
    let text = crate::escape::document(text);
    match text.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => format!("'{text}").into(),
        _ => text,
    }
}

fn writer(out: &mut dyn Write) -> csv::Writer<&mut dyn Write> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(out)
}

fn io(e: csv::Error) -> std::io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => std::io::Error::other(format!("{other:?}")),
    }
}

/// Writes the control table of `assessed`, counted controls in catalog order followed by
/// the controls applicability decisions remove (status `not-applicable`, no counts);
/// returns the number of rows.
pub fn write_controls(
    model: &Model,
    assessed: &[Assessed],
    out: &mut dyn Write,
) -> std::io::Result<u64> {
    let mut w = writer(out);
    w.write_record(CONTROL_COLUMNS).map_err(io)?;
    let as_of = timestamp(model.as_of);
    let mut rows = 0u64;
    for a in assessed {
        let fw = cell(&a.report.framework.id);
        let in_scope = a.report.summary.envoys_in_scope.to_string();
        for c in &a.report.controls {
            let evidence: Vec<&str> = c.evidence.iter().map(|e| e.id.as_str()).collect();
            let record: [std::borrow::Cow<'_, str>; 19] = [
                fw.clone(),
                cell(&c.id),
                cell(&c.title),
                cell(c.category.as_deref().unwrap_or("")),
                c.status.as_str().into(),
                in_scope.as_str().into(),
                c.envoys_covered.to_string().into(),
                c.envoys_attested.to_string().into(),
                c.envoys_waived.to_string().into(),
                c.envoys_uncovered.to_string().into(),
                c.envoys_contradicted.to_string().into(),
                cell(&c.configcrates.join(LIST_SEPARATOR))
                    .into_owned()
                    .into(),
                cell(&c.capabilities.join(LIST_SEPARATOR))
                    .into_owned()
                    .into(),
                cell(&c.connwaer.join(LIST_SEPARATOR)).into_owned().into(),
                cell(&evidence.join(LIST_SEPARATOR)).into_owned().into(),
                cell(&c.waivers.join(LIST_SEPARATOR)).into_owned().into(),
                cell(c.last_converged.as_deref().unwrap_or("")),
                as_of.as_str().into(),
                a.report.inputs_digest.as_str().into(),
            ];
            w.write_record(record.iter().map(|s| s.as_bytes()))
                .map_err(io)?;
            rows += 1;
        }
        for d in &a.report.not_applicable {
            let mut record: Vec<std::borrow::Cow<'_, str>> = vec![
                fw.clone(),
                cell(&d.id),
                cell(&d.title),
                "".into(),
                d.status.as_str().into(),
                in_scope.as_str().into(),
            ];
            record.resize(CONTROL_COLUMNS.len() - 2, "".into());
            record.push(as_of.as_str().into());
            record.push(a.report.inputs_digest.as_str().into());
            w.write_record(record.iter().map(|s| s.as_bytes()))
                .map_err(io)?;
            rows += 1;
        }
    }
    w.flush()?;
    Ok(rows)
}

/// Writes one row per (framework, in-scope envoy, counted control) of `assessed`, envoys
/// in report order and controls in catalog order; returns the number of rows.
pub fn write_per_envoy(
    model: &Model,
    assessed: &[Assessed],
    out: &mut dyn Write,
) -> std::io::Result<u64> {
    let mut w = writer(out);
    w.write_record(ENVOY_COLUMNS).map_err(io)?;
    let mut rows = 0u64;
    for a in assessed {
        let fw = cell(&a.report.framework.id);
        let ids: Vec<std::borrow::Cow<'_, str>> =
            a.report.controls.iter().map(|c| cell(&c.id)).collect();
        let attesting = AttestingRecords::new(model, &a.cov);
        // Per engine group (its members share their evidence classes): the records that
        // attest each control on its members, computed once.
        let mut by_group: Vec<Option<Attesting>> = vec![None; a.cov.groups.len()];
        for ec in &a.cov.envoys {
            let group = a.cov.group(ec);
            let envoy = &model.envoys[ec.envoy];
            let evidence = by_group[ec.group as usize]
                .get_or_insert_with(|| attesting.of(model, envoy, group));
            let host = cell(&envoy.hostname);
            let env = cell(envoy.environment.as_deref().unwrap_or(""));
            for (p, id) in ids.iter().enumerate() {
                let status = group.status(p).as_str();
                let joined = evidence.at(p).join(LIST_SEPARATOR);
                let records = cell(&joined);
                w.write_record([
                    fw.as_bytes(),
                    host.as_bytes(),
                    env.as_bytes(),
                    id.as_bytes(),
                    status.as_bytes(),
                    records.as_bytes(),
                ])
                .map_err(io)?;
                rows += 1;
            }
        }
    }
    w.flush()?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn formula_cells_are_escaped_and_others_kept() {
        for (raw, want) in [
            ("=SUM(A1:A2)", "'=SUM(A1:A2)"),
            ("+1", "'+1"),
            ("-1", "'-1"),
            ("@cmd", "'@cmd"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("164.312(e)(1)", "164.312(e)(1)"),
            ("a=b", "a=b"),
            ("", ""),
            ("'quoted", "'quoted"),
            ("a\u{1b}[31mb\u{202e}c", "a\\x1b[31mb\\u{202e}c"),
            ("line\nbreak", "line\nbreak"),
        ] {
            assert_eq!(cell(raw), want, "{raw:?}");
        }
    }
}

//! CMDB export: one JSON document (`vigocli/cmdb/v1`) with one record per envoy: hostname,
//! labels, environment, configcrates, per-framework coverage (covered, attested, assured),
//! last converged, status.
//! Records are streamed one by one, so a large fleet is never held as one string.

use super::Assessed;
use crate::coverage::{EnvoyCoverage, pct};
use crate::model::Model;
use crate::report::timestamp;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Write;

pub const SCHEMA: &str = "vigocli/cmdb/v1";

#[derive(Serialize)]
struct Header<'a> {
    schema: &'static str,
    tool: crate::report::Tool,
    generated_at: String,
    as_of: String,
    mode: &'static str,
    inputs_digest: &'a str,
    frameworks: Vec<&'a crate::report::FrameworkInfo>,
}

#[derive(Serialize)]
struct Record<'a> {
    hostname: &'a str,
    labels: &'a BTreeMap<String, String>,
    environment: Option<&'a str>,
    configcrates: Vec<&'a str>,
    /// The envoy-tree match block (`file:line`) that assigned it, if any.
    matched: Option<&'a str>,
    waivers: Vec<&'a str>,
    coverage: BTreeMap<&'a str, FrameworkCell>,
    last_converged: Option<String>,
    status: Option<&'a str>,
}

#[derive(Serialize)]
struct FrameworkCell {
    in_scope: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    coverage_pct: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    covered_pct: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    assured_pct: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    covered: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    attested: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    waived: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    uncovered: Option<u32>,
    controls_total: u64,
}

pub fn write(model: &Model, assessed: &[Assessed], out: &mut dyn Write) -> std::io::Result<()> {
    let header = Header {
        schema: SCHEMA,
        tool: crate::report::Tool::VIGOCLI,
        generated_at: timestamp(model.as_of),
        as_of: timestamp(model.as_of),
        mode: model.mode.as_str(),
        inputs_digest: &model.inputs_digest,
        frameworks: assessed.iter().map(|a| &a.report.framework).collect(),
    };
    // The header's fields, then `"envoys": [` and one record per line.
    let head = serde_json::to_string_pretty(&header).map_err(std::io::Error::other)?;
    let head = head.trim_end().trim_end_matches('}').trim_end();
    out.write_all(head.as_bytes())?;
    out.write_all(b",\n  \"envoys\": [")?;

    // Per framework, the in-scope envoys' counts indexed by envoy.
    let per_fw: Vec<Vec<Option<EnvoyCoverage>>> = assessed
        .iter()
        .map(|a| {
            let mut v = vec![None; model.envoys.len()];
            for e in &a.cov.envoys {
                v[e.envoy.0 as usize] = Some(*e);
            }
            v
        })
        .collect();
    for (i, e) in model.envoys.iter().enumerate() {
        let coverage = assessed
            .iter()
            .zip(&per_fw)
            .map(|(a, v)| {
                let total = a.cov.total();
                let cell = match v[i] {
                    Some(c) => FrameworkCell {
                        in_scope: true,
                        coverage_pct: Some(pct(
                            u128::from(c.covered + c.attested + c.waived),
                            u128::from(total),
                        )),
                        covered_pct: Some(pct(u128::from(c.covered), u128::from(total))),
                        assured_pct: Some(pct(
                            u128::from(c.covered + c.attested),
                            u128::from(total),
                        )),
                        covered: Some(c.covered),
                        attested: Some(c.attested),
                        waived: Some(c.waived),
                        uncovered: Some(c.uncovered),
                        controls_total: total,
                    },
                    None => FrameworkCell {
                        in_scope: false,
                        coverage_pct: None,
                        covered_pct: None,
                        assured_pct: None,
                        covered: None,
                        attested: None,
                        waived: None,
                        uncovered: None,
                        controls_total: total,
                    },
                };
                (a.report.framework.id.as_str(), cell)
            })
            .collect();
        let rec = Record {
            hostname: &e.hostname,
            labels: &e.labels,
            environment: e.environment.as_deref(),
            configcrates: e
                .configcrates
                .iter()
                .map(|&c| model.configcrates[c as usize].name.as_str())
                .collect(),
            matched: e.matched.as_deref(),
            waivers: e
                .waivers
                .iter()
                .map(|&w| model.waivers[w as usize].source.as_str())
                .collect(),
            coverage,
            last_converged: e.last_converged.map(timestamp),
            status: e.status.as_deref(),
        };
        out.write_all(if i == 0 { b"\n    " } else { b",\n    " })?;
        serde_json::to_writer(&mut *out, &rec)?;
    }
    out.write_all(if model.envoys.is_empty() {
        b"]\n}\n"
    } else {
        b"\n  ]\n}\n"
    })?;
    out.flush()
}

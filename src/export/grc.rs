//! GRC evidence payloads: per-control pass/fail evidence (`vigocli/grc-evidence/v1`), with
//! the evidence records that attest each control and a record per control declared not
//! applicable (docs/exports.md).
//! Every vendor gets this generic shape for now (docs/exports.md says why): the vendors'
//! public APIs take evidence as tenant-specific resources or documents that a mapping
//! has to target, not as a per-control list.

use super::{Assessed, uuid5};
use crate::coverage::Status;
use crate::model::{ControlIdx, Model};
use crate::report::EvidenceRef;
use crate::report::timestamp;
use serde::Serialize;
use std::collections::HashMap;

pub const SCHEMA: &str = "vigocli/grc-evidence/v1";

/// The GRC platform a payload is meant for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vendor {
    Vanta,
    Drata,
    Secureframe,
    Laika,
    Thoropass,
    Servicenow,
    Generic,
}

impl Vendor {
    pub fn name(self) -> &'static str {
        match self {
            Vendor::Vanta => "vanta",
            Vendor::Drata => "drata",
            Vendor::Secureframe => "secureframe",
            Vendor::Laika => "laika",
            Vendor::Thoropass => "thoropass",
            Vendor::Servicenow => "servicenow",
            Vendor::Generic => "generic",
        }
    }
}

#[derive(Debug, Serialize)]
pub struct Payload<'a> {
    pub schema: &'static str,
    pub vendor: &'static str,
    /// Which request shape this is: `generic` for every vendor today.
    pub shape: &'static str,
    pub tool: crate::report::Tool,
    pub generated_at: String,
    pub as_of: String,
    pub inputs_digest: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch: Option<Batch>,
    pub evidence: &'a [Evidence],
}

#[derive(Debug, Serialize)]
pub struct Batch {
    pub index: usize,
    pub count: usize,
    pub records_total: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Evidence {
    pub id: String,
    pub framework: String,
    pub framework_name: String,
    pub framework_version: String,
    pub control: String,
    pub title: String,
    /// `pass` when every in-scope envoy covers the control or reviewed evidence attests it
    /// there; waived, partial and uncovered controls fail; `not-applicable` for a control
    /// an applicability decision removes (it is not counted).
    pub result: &'static str,
    pub status: &'static str,
    pub envoys_in_scope: u64,
    pub envoys_covered: u64,
    pub envoys_attested: u64,
    pub envoys_waived: u64,
    pub envoys_uncovered: u64,
    pub envoys_contradicted: u64,
    pub configcrates: Vec<String>,
    pub capabilities: Vec<String>,
    pub connwaer: Vec<String>,
    pub waivers: Vec<WaiverRef>,
    /// The evidence records that attest the control on some in-scope envoy (id, kind,
    /// document, hash, reviewer, expiry), as the report's control row names them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub evidence_records: Vec<EvidenceRef>,
    /// The applicability decision, for a `not-applicable` record.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_applicable: Option<Decision>,
    pub last_converged: Option<String>,
    pub evaluated_at: String,
    pub explanation: String,
}

/// An applicability decision as a GRC record carries it.
#[derive(Debug, Clone, Serialize)]
pub struct Decision {
    /// `file:line` of the decision.
    pub source: String,
    pub rationale: String,
    pub owner: String,
    pub approved_by: String,
    pub approved_at: String,
    pub review_by: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct WaiverRef {
    pub source: String,
    pub owner: String,
    pub expires: String,
}

pub fn evidence(model: &Model, assessed: &[Assessed]) -> Vec<Evidence> {
    let as_of = timestamp(model.as_of);
    let mut out = Vec::new();
    for a in assessed {
        let fw = &model.catalog.frameworks[a.fw];
        let in_scope = a.cov.envoys.len() as u64;
        let counted = a.report.controls.iter().zip(&a.cov.controls).map(|(row, c)| {
            let result = match c.status {
                Status::Covered | Status::Attested => "pass",
                _ => "fail",
            };
            let attested = if c.envoys_attested > 0 {
                format!(", {} attested by reviewed evidence", c.envoys_attested)
            } else {
                String::new()
            };
            let record = Evidence {
                id: uuid5(&["grc", &fw.id, &row.id]),
                framework: fw.id.clone(),
                framework_name: fw.name.clone(),
                framework_version: fw.version.clone(),
                control: row.id.clone(),
                title: row.title.clone(),
                result,
                status: c.status.as_str(),
                envoys_in_scope: in_scope,
                envoys_covered: c.envoys_covered,
                envoys_attested: c.envoys_attested,
                envoys_waived: c.envoys_waived,
                envoys_uncovered: c.envoys_uncovered,
                envoys_contradicted: c.envoys_contradicted,
                configcrates: row.configcrates.clone(),
                capabilities: row.capabilities.clone(),
                connwaer: row.connwaer.clone(),
                waivers: c
                    .waivers
                    .iter()
                    .map(|&w| {
                        let w = &model.waivers[w as usize];
                        WaiverRef {
                            source: w.source.clone(),
                            owner: w.owner.clone(),
                            expires: w.expires.to_string(),
                        }
                    })
                    .collect(),
                evidence_records: row.evidence.clone(),
                not_applicable: None,
                last_converged: row.last_converged.clone(),
                evaluated_at: as_of.clone(),
                explanation: format!(
                    "{result}: {} — {} of {in_scope} in-scope envoys covered{attested}, {} waived, {} uncovered",
                    c.status.as_str(),
                    c.envoys_covered,
                    c.envoys_waived,
                    c.envoys_uncovered
                ),
            };
            (c.control, record)
        });
        let not_applicable = a.report.not_applicable.iter().zip(&a.cov.not_applicable).map(|(d, &(control, _))| {
            let record = Evidence {
                id: uuid5(&["grc", &fw.id, &d.id]),
                framework: fw.id.clone(),
                framework_name: fw.name.clone(),
                framework_version: fw.version.clone(),
                control: d.id.clone(),
                title: d.title.clone(),
                result: "not-applicable",
                status: d.status.as_str(),
                envoys_in_scope: in_scope,
                envoys_covered: 0,
                envoys_attested: 0,
                envoys_waived: 0,
                envoys_uncovered: 0,
                envoys_contradicted: 0,
                configcrates: Vec::new(),
                capabilities: Vec::new(),
                connwaer: Vec::new(),
                waivers: Vec::new(),
                evidence_records: Vec::new(),
                not_applicable: Some(Decision {
                    source: d.decision.clone(),
                    rationale: d.rationale.clone(),
                    owner: d.owner.clone(),
                    approved_by: d.approved_by.clone(),
                    approved_at: d.approved_at.clone(),
                    review_by: d.review_by.clone(),
                }),
                last_converged: None,
                evaluated_at: as_of.clone(),
                explanation: format!(
                    "not-applicable: declared not applicable by {} (approved by {} on {}, review by {}); not counted",
                    d.decision, d.approved_by, d.approved_at, d.review_by
                ),
            };
            (control, record)
        });
        // Both lists are in catalog order; merged, every control of the framework is in
        // catalog order too.
        let mut all: Vec<(ControlIdx, Evidence)> = counted.chain(not_applicable).collect();
        if !a.report.not_applicable.is_empty() {
            let order: HashMap<u32, usize> = fw
                .counted
                .iter()
                .enumerate()
                .map(|(i, &c)| (c, i))
                .collect();
            all.sort_by_key(|(c, _)| order.get(&c.0).copied());
        }
        out.extend(all.into_iter().map(|(_, e)| e));
    }
    out
}

pub fn payload<'a>(
    model: &'a Model,
    vendor: Vendor,
    evidence: &'a [Evidence],
    batch: Option<Batch>,
) -> Payload<'a> {
    Payload {
        schema: SCHEMA,
        vendor: vendor.name(),
        shape: "generic",
        tool: crate::report::Tool::VIGOCLI,
        generated_at: timestamp(model.as_of),
        as_of: timestamp(model.as_of),
        inputs_digest: &model.inputs_digest,
        batch,
        evidence,
    }
}

pub fn to_json(p: &Payload<'_>) -> serde_json::Result<String> {
    let mut s = serde_json::to_string_pretty(p)?;
    s.push('\n');
    Ok(s)
}

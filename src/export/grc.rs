//! GRC evidence payloads: per-control pass/fail evidence (`vigocli/grc-evidence/v1`).
//! Every vendor gets this generic shape for now (docs/exports.md says why): the vendors'
//! public APIs take evidence as tenant-specific resources or documents that a mapping
//! has to target, not as a per-control list.

use super::{Assessed, uuid5};
use crate::coverage::Status;
use crate::model::Model;
use crate::report::timestamp;
use serde::Serialize;

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
    /// `pass` only when every in-scope envoy covers the control; waived controls fail.
    pub result: &'static str,
    pub status: &'static str,
    pub envoys_in_scope: u64,
    pub envoys_covered: u64,
    pub envoys_waived: u64,
    pub envoys_uncovered: u64,
    pub envoys_contradicted: u64,
    pub configcrates: Vec<String>,
    pub capabilities: Vec<String>,
    pub connwaer: Vec<String>,
    pub waivers: Vec<WaiverRef>,
    pub last_converged: Option<String>,
    pub evaluated_at: String,
    pub explanation: String,
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
        for (row, c) in a.report.controls.iter().zip(&a.cov.controls) {
            let result = if c.status == Status::Covered {
                "pass"
            } else {
                "fail"
            };
            out.push(Evidence {
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
                last_converged: row.last_converged.clone(),
                evaluated_at: as_of.clone(),
                explanation: format!(
                    "{result}: {} — {} of {in_scope} in-scope envoys covered, {} waived, {} uncovered",
                    c.status.as_str(),
                    c.envoys_covered,
                    c.envoys_waived,
                    c.envoys_uncovered
                ),
            });
        }
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

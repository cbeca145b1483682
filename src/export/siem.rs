//! SIEM export: JSON Lines shaped after the OCSF Compliance Finding class (`class_uid`
//! 2003, category Findings), one event per (framework, control), or per (envoy, framework,
//! control) with `--per-envoy`. Events are written one at a time to a buffered writer, so
//! memory does not grow with the number of events.

use super::{Assessed, uuid5};
use crate::coverage::{EnvoyGroup, FrameworkCoverage, Positions, Status};
use crate::model::{Envoy, Model};
use crate::report::{ControlRow, timestamp};
use fixedbitset::FixedBitSet;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Write;

/// The OCSF schema version the event shape follows.
pub const OCSF_VERSION: &str = "1.3.0";

#[derive(Serialize)]
struct Event<'a> {
    activity_id: u8,
    activity_name: &'static str,
    category_uid: u8,
    category_name: &'static str,
    class_uid: u32,
    class_name: &'static str,
    type_uid: u32,
    type_name: &'static str,
    time: i64,
    severity_id: u8,
    severity: &'static str,
    status_id: u8,
    status: &'static str,
    message: String,
    metadata: Metadata<'a>,
    finding_info: FindingInfo<'a>,
    compliance: Compliance<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    resources: Option<[Resource<'a>; 1]>,
    unmapped: Unmapped<'a>,
}

#[derive(Serialize)]
struct Metadata<'a> {
    version: &'static str,
    uid: String,
    product: Product,
    log_name: &'static str,
    original_time: &'a str,
}

#[derive(Serialize)]
struct Product {
    name: &'static str,
    vendor_name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct FindingInfo<'a> {
    uid: String,
    title: &'a str,
    desc: &'a str,
    types: [&'static str; 1],
}

#[derive(Serialize)]
struct Compliance<'a> {
    control: &'a str,
    standards: [&'a str; 1],
    requirements: [&'a str; 1],
    status_id: u8,
    status: &'static str,
    status_detail: &'a str,
}

#[derive(Serialize)]
struct Resource<'a> {
    uid: &'a str,
    name: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    labels: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    environment: Option<&'a str>,
}

#[derive(Serialize)]
struct Unmapped<'a> {
    framework: &'a str,
    control: &'a str,
    vigocli_status: &'static str,
    /// The evidence records that attest the control (per envoy: on this envoy).
    #[serde(skip_serializing_if = "<[&str]>::is_empty")]
    evidence: &'a [&'a str],
    #[serde(skip_serializing_if = "Option::is_none")]
    fleet: Option<&'a ControlRow>,
    inputs_digest: &'a str,
}

/// OCSF compliance status and severity for a vigocli status: covered (technical proof) and
/// attested (reviewed evidence) pass; a waiver is a warning (the gap is accepted, not
/// closed); partial and uncovered fail. Controls declared not applicable are not counted
/// and get no event.
fn ocsf_status(s: Status) -> (u8, &'static str, u8, &'static str) {
    match s {
        Status::Covered | Status::Attested => (1, "Pass", 1, "Informational"),
        Status::NotApplicable => (1, "Pass", 1, "Informational"),
        Status::Waived => (2, "Warning", 2, "Low"),
        Status::Partial => (3, "Fail", 3, "Medium"),
        Status::Uncovered => (3, "Fail", 3, "Medium"),
    }
}

/// Per-control strings computed once per framework.
struct ControlText<'a> {
    requirement: String,
    title: String,
    fleet_detail: String,
    /// The ids of the records that attest it on some in-scope envoy.
    evidence: Vec<&'a str>,
}

/// The frameworks a `--per-envoy` export without `--framework` writes, and the profiles it
/// leaves out: an envoy's status for a control is the same in a profile as in its base
/// framework (tags, capabilities and waivers name the control, not the profile), so a
/// profile's per-envoy events would repeat events of the base, which is exported.
pub fn without_repeated_profiles(
    catalog: &crate::catalog::Catalog,
    frameworks: &[usize],
) -> (Vec<usize>, Vec<usize>) {
    frameworks.iter().partition(|&&fw| {
        let f = &catalog.frameworks[fw];
        !(f.is_profile(fw) && frameworks.contains(&f.base))
    })
}

/// Writes the events of `assessed`; returns how many.
pub fn write(
    model: &Model,
    assessed: &[Assessed],
    per_envoy: bool,
    out: &mut dyn Write,
) -> std::io::Result<u64> {
    let mut events = 0u64;
    let time = model.as_of.as_millisecond();
    let as_of = timestamp(model.as_of);
    for a in assessed {
        let fw = &model.catalog.frameworks[a.fw];
        let standard = format!("{} {}", fw.name, fw.version);
        let texts: Vec<ControlText> = a
            .report
            .controls
            .iter()
            .map(|r| ControlText {
                requirement: format!("{}:{}", fw.id, r.id),
                title: format!("{} {}: {}", fw.id, r.id, r.title),
                fleet_detail: if r.envoys_attested > 0 {
                    format!(
                        "{}: {} of {} in-scope envoys covered, {} attested by reviewed evidence ({}), {} waived, {} uncovered",
                        r.status,
                        r.envoys_covered,
                        a.cov.envoys.len(),
                        r.envoys_attested,
                        r.evidence.iter().map(|e| e.id.as_str()).collect::<Vec<_>>().join(", "),
                        r.envoys_waived,
                        r.envoys_uncovered
                    )
                } else {
                    format!(
                        "{}: {} of {} in-scope envoys covered, {} waived, {} uncovered",
                        r.status,
                        r.envoys_covered,
                        a.cov.envoys.len(),
                        r.envoys_waived,
                        r.envoys_uncovered
                    )
                },
                evidence: r.evidence.iter().map(|e| e.id.as_str()).collect(),
            })
            .collect();
        let mut event = |status: Status,
                         row: &'_ ControlRow,
                         text: &'_ ControlText,
                         detail: &'_ str,
                         evidence: &'_ [&'_ str],
                         host: Option<(&'_ str, Resource<'_>)>|
         -> std::io::Result<()> {
            let (cs_id, cs, sev_id, sev) = ocsf_status(status);
            let hostname = host.as_ref().map(|(h, _)| *h);
            let uid = match hostname {
                Some(h) => uuid5(&["siem", &fw.id, &row.id, h]),
                None => uuid5(&["siem", &fw.id, &row.id]),
            };
            let message = match hostname {
                Some(h) => format!("{} on {h}: {}", text.requirement, status.as_str()),
                None => format!("{}: {}", text.requirement, status.as_str()),
            };
            let e = Event {
                activity_id: 1,
                activity_name: "Create",
                category_uid: 2,
                category_name: "Findings",
                class_uid: 2003,
                class_name: "Compliance Finding",
                type_uid: 200_301,
                type_name: "Compliance Finding: Create",
                time,
                severity_id: sev_id,
                severity: sev,
                status_id: 1,
                status: "New",
                message,
                metadata: Metadata {
                    version: OCSF_VERSION,
                    uid: uuid5(&["siem-event", &uid, &as_of, &model.inputs_digest]),
                    product: Product {
                        name: "vigocli",
                        vendor_name: "vigocli",
                        version: env!("CARGO_PKG_VERSION"),
                    },
                    log_name: "vigocli compliance",
                    original_time: &as_of,
                },
                finding_info: FindingInfo {
                    uid,
                    title: &text.title,
                    desc: &row.title,
                    types: ["Compliance"],
                },
                compliance: Compliance {
                    control: &row.id,
                    standards: [&standard],
                    requirements: [&text.requirement],
                    status_id: cs_id,
                    status: cs,
                    status_detail: detail,
                },
                resources: host.map(|(_, r)| [r]),
                unmapped: Unmapped {
                    framework: &fw.id,
                    control: &row.id,
                    vigocli_status: status.as_str(),
                    evidence,
                    fleet: (!per_envoy).then_some(row),
                    inputs_digest: &model.inputs_digest,
                },
            };
            serde_json::to_writer(&mut *out, &e)?;
            events += 1;
            out.write_all(b"\n")
        };
        if per_envoy {
            let attesting = AttestingRecords::new(model, &a.cov);
            // Per engine group (its members share their evidence classes): the records
            // that attest each control on its members, computed once.
            let mut by_group: Vec<Option<Attesting>> = vec![None; a.cov.groups.len()];
            for ec in &a.cov.envoys {
                let group = a.cov.group(ec);
                let envoy = &model.envoys[ec.envoy];
                let records = by_group[ec.group as usize]
                    .get_or_insert_with(|| attesting.of(model, envoy, group));
                let labels: Vec<String> = labels(&envoy.labels);
                for (p, row) in a.report.controls.iter().enumerate() {
                    let status = group.status(p);
                    let detail = match status {
                        Status::Covered => {
                            "covered on this envoy (configcrate claim or fresh Connwaer pass)"
                        }
                        Status::Attested => {
                            "attested on this envoy by reviewed evidence (see unmapped.evidence)"
                        }
                        Status::Waived => "waived on this envoy by an active waiver",
                        _ => "uncovered on this envoy",
                    };
                    let resource = Resource {
                        uid: &envoy.hostname,
                        name: &envoy.hostname,
                        kind: "Vigo envoy",
                        labels: labels.clone(),
                        environment: envoy.environment.as_deref(),
                    };
                    let evidence: &[&str] = records.at(p);
                    event(
                        status,
                        row,
                        &texts[p],
                        detail,
                        evidence,
                        Some((&envoy.hostname, resource)),
                    )?;
                }
            }
        } else {
            for (p, (row, c)) in a.report.controls.iter().zip(&a.cov.controls).enumerate() {
                let t = &texts[p];
                event(c.status, row, t, &t.fleet_detail, &t.evidence, None)?;
            }
        }
    }
    out.flush()?;
    Ok(events)
}

/// The attesting evidence records of a framework, each as the positions of the counted
/// controls it names.
pub(crate) struct AttestingRecords {
    positions: Vec<Option<FixedBitSet>>,
}

impl AttestingRecords {
    pub(crate) fn new(model: &Model, cov: &FrameworkCoverage) -> AttestingRecords {
        let pos = Positions::of(&model.catalog, cov);
        AttestingRecords {
            positions: model
                .evidence
                .iter()
                .map(|e| {
                    e.state
                        .attests()
                        .then(|| pos.bits(&mut e.controls.iter().map(|c| (c.framework, c.control))))
                })
                .collect(),
        }
    }

    /// Per control position, the ids of the records that attest it on `envoy` (whose
    /// group is `group`): records of the envoy's evidence classes that name the control,
    /// where the envoy's status is attested. Sparse (only attested positions), so that
    /// caching it per group costs nothing for the many groups without evidence.
    pub(crate) fn of<'m>(
        &self,
        model: &'m Model,
        envoy: &Envoy,
        group: &EnvoyGroup,
    ) -> Attesting<'m> {
        let mut found: BTreeMap<usize, Vec<u32>> = BTreeMap::new();
        for &class in &envoy.evidence {
            for &r in &model.evidence_classes[class as usize].records {
                if let Some(Some(bits)) = self.positions.get(r as usize) {
                    for p in bits.intersection(&group.attested) {
                        found.entry(p).or_default().push(r);
                    }
                }
            }
        }
        // Records in file order, each once.
        Attesting(
            found
                .into_iter()
                .map(|(p, mut rs)| {
                    rs.sort_unstable();
                    rs.dedup();
                    let ids = rs
                        .into_iter()
                        .map(|r| model.evidence[r as usize].id.as_str())
                        .collect();
                    (p, ids)
                })
                .collect(),
        )
    }
}

/// The attesting records of one envoy, by control position (only positions that have some).
#[derive(Clone, Default)]
pub(crate) struct Attesting<'m>(Vec<(usize, Vec<&'m str>)>);

impl<'m> Attesting<'m> {
    /// The ids of the records that attest the control at position `p` (file order).
    pub(crate) fn at(&self, p: usize) -> &[&'m str] {
        self.0
            .binary_search_by_key(&p, |(q, _)| *q)
            .map_or(&[], |i| self.0[i].1.as_slice())
    }
}

fn labels(l: &BTreeMap<String, String>) -> Vec<String> {
    l.iter().map(|(k, v)| format!("{k}={v}")).collect()
}

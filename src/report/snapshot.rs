//! The history snapshot of a report (docs/history.md § Snapshots): what `compliance
//! snapshot` appends and `trend --from-git` computes for each day.

use super::Report;
use crate::catalog::Catalog;
use crate::coverage::Status;
use crate::history::{
    CatalogRef, Numbers, SNAPSHOT_SCHEMA, Snapshot, catalog_digest, control_ids, letter,
};
use std::collections::BTreeMap;

/// The snapshot of a report of framework `fw`.
pub fn of(catalog: &Catalog, fw: usize, r: &Report) -> Snapshot {
    let by_id: BTreeMap<&str, Status> = r
        .controls
        .iter()
        .map(|c| (c.id.as_str(), c.status))
        .chain(
            r.not_applicable
                .iter()
                .map(|d| (d.id.as_str(), Status::NotApplicable)),
        )
        .collect();
    let statuses = control_ids(catalog, fw)
        .into_iter()
        .map(|id| letter(by_id.get(id).copied().unwrap_or(Status::Uncovered)))
        .collect();
    let s = &r.summary;
    Snapshot {
        schema: SNAPSHOT_SCHEMA.to_string(),
        as_of: r.as_of.clone(),
        framework: r.framework.id.clone(),
        catalog: CatalogRef {
            version: r.framework.version.clone(),
            digest: catalog_digest(catalog, fw),
        },
        inputs_digest: r.inputs_digest.clone(),
        summary: Numbers {
            controls_total: s.controls_total,
            covered: s.covered,
            attested: s.attested,
            partial: s.partial,
            waived: s.waived,
            uncovered: s.uncovered,
            not_applicable: s.not_applicable,
            coverage_pct: s.coverage_pct,
            covered_pct: s.covered_pct,
            assured_pct: s.assured_pct,
            envoys_in_scope: s.envoys_in_scope,
        },
        categories: r
            .categories
            .iter()
            .map(|c| {
                (
                    c.name.clone(),
                    c.controls_total,
                    c.covered,
                    c.attested,
                    c.partial,
                    c.waived,
                    c.uncovered,
                    c.not_applicable,
                )
            })
            .collect(),
        statuses,
    }
}

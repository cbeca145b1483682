//! Evidence records and applicability decisions in OSCAL (docs/exports.md): an attesting
//! record is an observation whose `relevant-evidence` points at the document (its
//! repository path or URL) with the pinned SHA-256, and a back-matter resource whose
//! `rlinks` carry the hash the way OSCAL records hashes; a decision is an observation
//! of its own and an exclusion from the reviewed controls. Controls declared not
//! applicable get no finding: an objective status is `satisfied` or `not-satisfied`, and
//! either would state a conclusion that nobody reached.

use super::*;
use crate::coverage::FrameworkCoverage;
use crate::model::EvidenceKind;
use crate::report::{DecisionRow, EvidenceRow};

/// The back-matter resource of an evidence record: its document, with the hash for a file.
pub(super) fn resource_uuid(e: &EvidenceRow) -> String {
    uuid5(&[
        "evidence-record",
        &e.id,
        e.sha256.as_deref().unwrap_or_default(),
    ])
}

/// A date as an OSCAL date-time at the start of that day (UTC).
fn start_of_day(d: &str) -> String {
    format!("{d}T00:00:00Z")
}

/// Back-matter resources for the attesting records the results name, each once, in the
/// order the results first name them.
pub(super) fn resources(assessed: &[Assessed]) -> Vec<Value> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for e in assessed
        .iter()
        .flat_map(|a| &a.report.evidence)
        .filter(|e| e.state.attests())
    {
        let id = resource_uuid(e);
        if !seen.insert(id.clone()) {
            continue;
        }
        let mut props = vec![
            prop("evidence-id", &e.id),
            prop("record-kind", e.kind.as_str()),
        ];
        if let Some(seq) = e.audit_seq {
            props.push(prop("audit-seq", seq));
        }
        if let (EvidenceKind::AuditEntry, Some(leaf)) = (e.kind, &e.sha256) {
            props.push(prop("audit-leaf-sha256", leaf));
        }
        let mut r = json!({
            "uuid": id,
            "title": markup(&e.title),
            "description": markup(&format!("Evidence record `{}` ({}), defined at {}.", e.id, e.kind.as_str(), e.source)),
            "props": props,
        });
        match (e.kind, &e.path, &e.url) {
            (EvidenceKind::File, Some(path), _) => {
                let mut link = json!({"href": uri_path(path)});
                if let Some(h) = &e.sha256 {
                    link["hashes"] = json!([{"algorithm": "SHA-256", "value": h}]);
                }
                r["rlinks"] = json!([link]);
            }
            (EvidenceKind::Url, _, Some(url)) => r["rlinks"] = json!([{"href": url}]),
            _ => {}
        }
        out.push(r);
    }
    out
}

/// Per evidence class (records with one filter): how many in-scope envoys it applies to,
/// and the first [`SUBJECTS_PER_OBSERVATION`] of them in hostname order. Each record is in
/// exactly one class, so this costs envoys × their classes, not envoys × records.
fn envoys_by_class<'m>(model: &'m Model, cov: &FrameworkCoverage) -> Vec<(usize, Vec<&'m str>)> {
    let mut out: Vec<(usize, Vec<&str>)> = vec![(0, Vec::new()); model.evidence_classes.len()];
    for ec in &cov.envoys {
        let envoy = &model.envoys[ec.envoy];
        for &c in &envoy.evidence {
            if let Some((n, hosts)) = out.get_mut(c as usize) {
                *n += 1;
                if hosts.len() < SUBJECTS_PER_OBSERVATION {
                    hosts.push(envoy.hostname.as_ref());
                }
            }
        }
    }
    out
}

/// One observation per attesting record of this framework (report order), and the
/// observation's UUID by record id for the findings to link.
pub(super) fn observations(
    model: &Model,
    a: &Assessed,
    origin: &Value,
    inventory: &mut BTreeMap<String, Value>,
) -> (Vec<Value>, HashMap<String, String>) {
    let fw = &model.catalog.frameworks[a.fw];
    let class_of: HashMap<&str, usize> = model
        .evidence_classes
        .iter()
        .enumerate()
        .flat_map(|(c, class)| {
            class
                .records
                .iter()
                .map(move |&r| (model.evidence[r as usize].id.as_str(), c))
        })
        .collect();
    let by_class = envoys_by_class(model, &a.cov);
    let none: (usize, Vec<&str>) = (0, Vec::new());
    let mut out = Vec::new();
    let mut uuid_of = HashMap::new();
    for e in a.report.evidence.iter().filter(|e| e.state.attests()) {
        let (envoys, first) = class_of
            .get(e.id.as_str())
            .and_then(|&c| by_class.get(c))
            .unwrap_or(&none);
        let envoys = *envoys;
        let subjects: Vec<Value> = first.iter().map(|h| subject(inventory, h)).collect();
        let uuid = uuid5(&["observation", "evidence", &fw.id, &e.id]);
        let reviewed = match (&e.reviewed_by, &e.reviewed_at) {
            (Some(by), Some(at)) => format!("accepted by {by} on {at}"),
            (Some(by), None) => format!("accepted by {by}"),
            _ => "accepted".to_string(),
        };
        let mut props = vec![
            prop("evidence-kind", "evidence-record"),
            prop("evidence-id", &e.id),
            prop("record-kind", e.kind.as_str()),
            prop("evidence-state", e.state.as_str()),
            prop("owner", &e.owner),
            prop("controls", e.controls.join(" ")),
            prop("envoys", envoys),
        ];
        if let Some(by) = &e.reviewed_by {
            props.push(prop("reviewed-by", by));
        }
        if let Some(at) = &e.reviewed_at {
            props.push(prop("reviewed-at", at));
        }
        let mut evidence = json!({
            "description": markup(&format!("{} ({}): {}", e.title, e.kind.as_str(), match e.kind {
                EvidenceKind::File => e.path.clone().unwrap_or_default(),
                EvidenceKind::Url => e.url.clone().unwrap_or_default(),
                EvidenceKind::AuditEntry => format!("audit-log entry {}", e.audit_seq.unwrap_or_default()),
            })),
            "links": [{"href": format!("#{}", resource_uuid(e)), "rel": "reference"}],
        });
        match e.kind {
            EvidenceKind::File => {
                if let Some(p) = &e.path {
                    evidence["href"] = json!(uri_path(p));
                }
            }
            EvidenceKind::Url => {
                if let Some(u) = &e.url {
                    evidence["href"] = json!(u);
                }
            }
            EvidenceKind::AuditEntry => {}
        }
        if let Some(h) = &e.sha256 {
            let name = match e.kind {
                EvidenceKind::AuditEntry => "audit-leaf-sha256",
                _ => "sha256",
            };
            evidence["props"] = json!([prop(name, h)]);
        }
        let mut obs = json!({
            "uuid": uuid,
            "title": markup(&format!("Evidence record {}: {}", e.id, e.title)),
            "description": markup(&format!(
                "Documentary evidence reviewed by a person, {reviewed}, collected {}, expires {}: it attests {} on the {} in-scope envoy(s) it applies to, where nothing covers them technically.",
                e.collected,
                e.expires,
                e.controls.join(", "),
                envoys
            )),
            "props": props,
            "methods": ["EXAMINE"],
            "types": ["control-objective"],
            "origins": origin,
            "relevant-evidence": [evidence],
            "collected": start_of_day(&e.collected),
            "expires": end_of_day_str(&e.expires),
        });
        if !subjects.is_empty() {
            obs["subjects"] = json!(subjects);
        }
        if envoys > SUBJECTS_PER_OBSERVATION {
            obs["remarks"] = json!(format!(
                "The first {SUBJECTS_PER_OBSERVATION} of {envoys} envoys are listed as subjects."
            ));
        }
        uuid_of.insert(e.id.clone(), uuid.clone());
        out.push(obs);
    }
    (out, uuid_of)
}

fn end_of_day_str(d: &str) -> String {
    format!("{d}T23:59:59Z")
}

/// The inventory item of an envoy (added once), as an observation subject.
pub(super) fn subject(inventory: &mut BTreeMap<String, Value>, host: &str) -> Value {
    let id = uuid5(&["envoy", host]);
    inventory.entry(id.clone()).or_insert_with(|| {
        json!({
            "uuid": id,
            "description": format!("Vigo envoy {}", markup(host)),
            "props": [prop("hostname", host)],
        })
    });
    json!({"subject-uuid": id, "type": "inventory-item", "title": markup(host)})
}

/// One observation per applicability decision that removes controls of this framework
/// (in the order of the first control each removes).
pub(super) fn decision_observations(
    fw_id: &str,
    rows: &[DecisionRow],
    origin: &Value,
) -> Vec<Value> {
    let mut by_decision: Vec<(&str, Vec<&DecisionRow>)> = Vec::new();
    for d in rows {
        match by_decision.iter_mut().find(|(src, _)| *src == d.decision) {
            Some((_, list)) => list.push(d),
            None => by_decision.push((&d.decision, vec![d])),
        }
    }
    by_decision
        .into_iter()
        .map(|(source, list)| {
            let d = list[0];
            let ids: Vec<&str> = list.iter().map(|r| r.id.as_str()).collect();
            let file = source.rsplit_once(':').map_or(source, |(f, _)| f);
            json!({
                "uuid": uuid5(&["observation", "applicability", fw_id, source]),
                "title": markup(&format!("Applicability decision {source}: {fw_id} {} not applicable", ids.join(", "))),
                "description": markup(&format!(
                    "Declared not applicable, approved by {} on {}, to be reviewed by {} (owner {}): {} These controls are not assessed and not counted; they have no finding.",
                    d.approved_by, d.approved_at, d.review_by, d.owner, sentence(&d.rationale)
                )),
                "props": [
                    prop("evidence-kind", "applicability-decision"),
                    prop("decision-source", source),
                    prop("controls", ids.join(" ")),
                    prop("owner", &d.owner),
                    prop("approved-by", &d.approved_by),
                    prop("approved-at", &d.approved_at),
                    prop("review-by", &d.review_by),
                ],
                "methods": ["EXAMINE"],
                "origins": origin,
                "relevant-evidence": [{
                    "href": uri_path(file),
                    "description": markup(&format!("the decision's entry, {source}")),
                }],
                "collected": start_of_day(&d.approved_at),
                "expires": end_of_day_str(&d.review_by),
            })
        })
        .collect()
}

/// Controls declared not applicable leave the reviewed controls: each is excluded from the
/// result's control selection, with its decision in the selection's remarks.
pub(super) fn exclude_not_applicable(result: &mut Value, fw_id: &str, rows: &[DecisionRow]) {
    if rows.is_empty() {
        return;
    }
    let sel = &mut result["reviewed-controls"]["control-selections"][0];
    sel["exclude-controls"] = json!(
        rows.iter()
            .map(|d| json!({"control-id": control_token(&d.id)}))
            .collect::<Vec<_>>()
    );
    sel["remarks"] = json!(
        rows.iter()
            .map(|d| format!(
                "- {fw_id} {}: declared not applicable by {} (approved by {} on {}, review by {}): {}",
                markup(&d.id),
                markup(&d.decision),
                markup(&d.approved_by),
                d.approved_at,
                d.review_by,
                markup(&d.rationale)
            ))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// `text` ending with one full stop (rationales are written with or without one).
fn sentence(text: &str) -> String {
    let t = text.trim_end();
    if t.ends_with(['.', '!', '?']) {
        t.to_string()
    } else {
        format!("{t}.")
    }
}

//! One framework's OSCAL result: observations of envoy groups, findings per control.

use super::*;
use crate::model::EnvoyIdx;

/// In-scope envoys with identical evidence for one framework.
struct Group {
    members: Vec<EnvoyIdx>,
    claimed: FixedBitSet,
    passed: FixedBitSet,
    failed: FixedBitSet,
    /// Configcrates that claim at least one control of this framework on some member.
    configcrates: BTreeSet<u32>,
    /// Fresh Connwaer results on some member whose capability maps to this framework.
    capabilities: BTreeSet<(usize, TraitStatus)>,
    claims_uuid: Option<String>,
    connwaer_uuid: Option<String>,
}

pub(super) fn result(model: &Model, a: &Assessed, as_of: &str, tool_uuid: &str) -> Value {
    let cat = &model.catalog;
    let fw = &cat.frameworks[a.fw];
    let base = fw.base;
    let cov = &a.cov;
    let rep = &a.report;
    let n = cov.controls.len();
    let positions = crate::coverage::Positions::of(cat, cov);
    let bits = |pairs: &mut dyn Iterator<Item = (usize, u32)>| positions.bits(pairs);
    let origin = json!([{"actors": [{"type": "tool", "actor-uuid": tool_uuid}]}]);

    // Groups of in-scope envoys with identical evidence for this framework: the same
    // claimed controls and the same controls passed or failed by Connwaer checks. The
    // engine's groups (identical inputs, waivers included) are merged by those bitsets.
    let mut index: HashMap<(FixedBitSet, FixedBitSet, FixedBitSet), usize> = HashMap::new();
    let mut groups: Vec<Group> = Vec::new();
    for engine_group in &cov.groups {
        let envoy = &model.envoys[engine_group.members[0]];
        let mut claimed = FixedBitSet::with_capacity(n);
        let mut contributing = BTreeSet::new();
        for &ci in envoy.configcrates.iter() {
            let b = bits(
                &mut model.configcrates[ci as usize]
                    .claims
                    .iter()
                    .map(|cl| (cl.framework, cl.control)),
            );
            if !b.is_clear() {
                contributing.insert(ci);
            }
            claimed.union_with(&b);
        }
        let mut passed = FixedBitSet::with_capacity(n);
        let mut failed = FixedBitSet::with_capacity(n);
        let mut caps = BTreeSet::new();
        for &(cap, s) in &envoy.traits {
            let b = bits(&mut cat.capabilities[cap].controls.iter().copied());
            if !b.is_clear() {
                caps.insert((cap, s));
            }
            match s {
                TraitStatus::Pass => passed.union_with(&b),
                TraitStatus::Fail => failed.union_with(&b),
            }
        }
        let next = groups.len();
        let g = *index
            .entry((claimed.clone(), passed.clone(), failed.clone()))
            .or_insert(next);
        if g == next {
            groups.push(Group {
                members: Vec::new(),
                claimed,
                passed,
                failed,
                configcrates: BTreeSet::new(),
                capabilities: BTreeSet::new(),
                claims_uuid: None,
                connwaer_uuid: None,
            });
        }
        groups[g].configcrates.extend(contributing);
        groups[g].capabilities.extend(caps);
        groups[g].members.extend_from_slice(&engine_group.members);
    }
    // Engine groups are in order of first member, so merged groups are too; members
    // back in hostname order.
    for g in &mut groups {
        g.members.sort_unstable();
    }

    let mut observations = Vec::new();
    let mut inventory: BTreeMap<String, Value> = BTreeMap::new();
    for g in &mut groups {
        let hosts: Vec<&str> = g
            .members
            .iter()
            .map(|&m| model.envoys[m].hostname.as_ref())
            .collect();
        let subjects: Vec<Value> = hosts
            .iter()
            .take(SUBJECTS_PER_OBSERVATION)
            .map(|h| super::evidence::subject(&mut inventory, h))
            .collect();
        let more = if hosts.len() > SUBJECTS_PER_OBSERVATION {
            format!(
                " The first {SUBJECTS_PER_OBSERVATION} of {} envoys are listed as subjects.",
                hosts.len()
            )
        } else {
            String::new()
        };
        let group_key = format!(
            "{:?}",
            (
                g.claimed.ones().collect::<Vec<_>>(),
                g.passed.ones().collect::<Vec<_>>(),
                g.failed.ones().collect::<Vec<_>>()
            )
        );
        let crates: Vec<&str> = g
            .configcrates
            .iter()
            .map(|&c| model.configcrates[c as usize].name.as_str())
            .collect();
        if !g.claimed.is_clear() {
            let converged: Vec<Timestamp> = g
                .members
                .iter()
                .filter_map(|&m| model.envoys[m].last_converged)
                .collect();
            let (collected, when) = match converged.iter().min() {
                Some(t) if converged.len() == g.members.len() => (timestamp(*t), "the oldest `last_converged` of these envoys".to_string()),
                Some(t) => (timestamp(*t), format!("the oldest `last_converged` of the {} envoys that report one ({} do not)", converged.len(), g.members.len() - converged.len())),
                None => (as_of.to_string(), "`as_of`: the inventory gives no `last_converged` (declared mode reads the repository only)".to_string()),
            };
            let files: BTreeSet<&str> = g
                .configcrates
                .iter()
                .map(|&c| model.configcrates[c as usize].file.as_ref())
                .collect();
            let id = uuid5(&["observation", "claims", &fw.id, &group_key]);
            observations.push(json!({
                "uuid": id,
                "title": format!("Configcrate claims on {} envoy(s)", hosts.len()),
                "description": markup(&format!(
                    "{} envoy(s) with the same claimed {} controls: configcrates {} (control tags, inherited compliance.vgo, provides: capabilities and bundles) claim {} of the {} counted controls.{more}",
                    hosts.len(),
                    fw.id,
                    crates.join(", "),
                    g.claimed.count_ones(..),
                    n,
                )),
                "props": [
                    prop("evidence-kind", "configcrate-claims"),
                    prop("envoys", hosts.len()),
                    prop("configcrates", crates.join(" ")),
                    prop("controls-claimed", g.claimed.count_ones(..)),
                ],
                "methods": ["EXAMINE"],
                "types": ["control-objective"],
                "origins": origin,
                "subjects": subjects,
                "relevant-evidence": files.iter().map(|f| json!({
                    "href": uri_path(f),
                    "description": format!("configcrate file {}", markup(f)),
                })).collect::<Vec<_>>(),
                "collected": collected,
                "remarks": format!("`collected` is {when}."),
            }));
            g.claims_uuid = Some(id);
        }
        if !g.capabilities.is_empty() {
            let mut checked: Vec<Timestamp> = Vec::new();
            for &m in &g.members {
                for &(cap, s) in &model.envoys[m].traits {
                    if g.capabilities.contains(&(cap, s))
                        && let Some(t) = model.trait_checked_at.get(&(m.0, cap))
                    {
                        checked.push(*t);
                    }
                }
            }
            let collected = checked
                .iter()
                .min()
                .map_or_else(|| as_of.to_string(), |t| timestamp(*t));
            let list = |want: TraitStatus| -> Vec<&str> {
                g.capabilities
                    .iter()
                    .filter(|(_, s)| *s == want)
                    .map(|(c, _)| cat.capabilities[*c].name.as_str())
                    .collect()
            };
            let (pass, fail) = (list(TraitStatus::Pass), list(TraitStatus::Fail));
            let id = uuid5(&["observation", "connwaer", &fw.id, &group_key]);
            observations.push(json!({
                "uuid": id,
                "title": format!("Connwaer trait checks on {} envoy(s)", hosts.len()),
                "description": markup(&format!(
                    "Fresh Connwaer results (checked within 24 hours before as_of) on {} envoy(s): passed [{}], failed [{}]. A pass covers every {} control its capability maps to ({} here); a fail marks configcrate claims on those controls as contradicted.{more}",
                    hosts.len(),
                    pass.join(", "),
                    fail.join(", "),
                    fw.id,
                    g.passed.count_ones(..)
                )),
                "props": [
                    prop("evidence-kind", "connwaer-results"),
                    prop("envoys", hosts.len()),
                    prop("passed", if pass.is_empty() { "(none)".to_string() } else { pass.join(" ") }),
                    prop("failed", if fail.is_empty() { "(none)".to_string() } else { fail.join(" ") }),
                ],
                "methods": ["TEST"],
                "types": ["control-objective"],
                "origins": origin,
                "subjects": subjects,
                "collected": collected,
                "remarks": "`collected` is the oldest `checked_at` among the results of these envoys.",
            }));
            g.connwaer_uuid = Some(id);
        }
    }

    // Attesting evidence records and applicability decisions are observations too.
    let (evidence_observations, evidence_uuid) =
        super::evidence::observations(model, a, &origin, &mut inventory);
    observations.extend(evidence_observations);
    observations.extend(super::evidence::decision_observations(
        &fw.id,
        &rep.not_applicable,
        &origin,
    ));

    // Waivers that name a counted control of this framework become risks.
    let counted: BTreeSet<u32> = fw.counted.iter().copied().collect();
    let mut risk_of: HashMap<u32, String> = HashMap::new();
    let mut risks = Vec::new();
    for (wi, w) in model.waivers.iter().enumerate() {
        let controls: Vec<String> = w
            .controls
            .iter()
            .filter(|c| c.framework == base && counted.contains(&c.control))
            .map(|c| cat.control(base, c.control).id.clone())
            .collect();
        if controls.is_empty() {
            continue;
        }
        let id = uuid5(&["risk", &fw.id, &w.source]);
        let (status, statement) = match w.state {
            WaiverState::Expired => (
                "open",
                format!(
                    "The waiver expired on {}: it no longer applies, and {} {} count as uncovered wherever nothing else covers them.",
                    w.expires,
                    fw.id,
                    controls.join(", ")
                ),
            ),
            _ => (
                "deviation-approved",
                format!(
                    "Where no configcrate or Connwaer check covers {} {}, the gap is accepted by {} on {} envoy(s) until {} ({} days after as_of).",
                    fw.id,
                    controls.join(", "),
                    w.owner,
                    w.applied_envoys,
                    w.expires,
                    w.days_left
                ),
            ),
        };
        let mut props = vec![
            prop("waiver-source", &w.source),
            prop("waiver-state", w.state.as_str()),
            prop("owner", &w.owner),
            prop("envoys", w.applied_envoys),
            prop("controls", controls.join(" ")),
        ];
        if let Some(g) = &w.envoys_glob {
            props.push(prop("envoys-glob", g));
        }
        risks.push(json!({
            "uuid": id,
            "title": markup(&format!("Waiver {}: {} {}", w.source, fw.id, controls.join(", "))),
            "description": markup(&w.rationale),
            "statement": markup(&statement),
            "props": props,
            "status": status,
            "origins": origin,
            "deadline": end_of_day(w.expires),
        }));
        risk_of.insert(wi as u32, id);
    }

    let findings: Vec<Value> = cov
        .controls
        .iter()
        .enumerate()
        .map(|(p, c)| {
            let row = &rep.controls[p];
            let token = control_token(&row.id);
            let related: Vec<&String> = groups
                .iter()
                .flat_map(|g| {
                    let claims = g.claimed.contains(p).then_some(g.claims_uuid.as_ref()).flatten();
                    let conn = (g.passed.contains(p) || g.failed.contains(p))
                        .then_some(g.connwaer_uuid.as_ref())
                        .flatten();
                    claims.into_iter().chain(conn)
                })
                .chain(row.evidence.iter().filter_map(|e| evidence_uuid.get(&e.id)))
                .collect();
            let total_related = related.len();
            let (state, reason) = match c.status {
                Status::Covered | Status::Attested => ("satisfied", "pass"),
                Status::NotApplicable => ("satisfied", "other"),
                Status::Waived => ("not-satisfied", "other"),
                Status::Partial | Status::Uncovered => ("not-satisfied", "fail"),
            };
            let mut finding = json!({
                "uuid": uuid5(&["finding", &fw.id, &row.id]),
                "title": markup(&format!("{} {}: {}", fw.id, row.id, row.title)),
                "description": markup(&format!(
                    "{} of {} in-scope envoy(s) cover {} {}, {}{} are waived, {} uncovered ({} contradicted by a failing Connwaer check). Configcrates: {}. Capabilities: {}. Connwaer passes: {}.{}",
                    c.envoys_covered,
                    cov.envoys.len(),
                    fw.id,
                    row.id,
                    if c.envoys_attested > 0 {
                        format!("{} are attested by reviewed evidence, ", c.envoys_attested)
                    } else {
                        String::new()
                    },
                    c.envoys_waived,
                    c.envoys_uncovered,
                    c.envoys_contradicted,
                    list_or_none(&row.configcrates),
                    list_or_none(&row.capabilities),
                    list_or_none(&row.connwaer),
                    if row.evidence.is_empty() {
                        String::new()
                    } else {
                        let ids: Vec<String> = row.evidence.iter().map(|e| e.id.clone()).collect();
                        format!(" Evidence records: {}.", ids.join(", "))
                    },
                )),
                "props": [
                    prop("vigocli-status", c.status.as_str()),
                    prop("control-id", &row.id),
                    prop("envoys-covered", c.envoys_covered),
                    prop("envoys-attested", c.envoys_attested),
                    prop("envoys-waived", c.envoys_waived),
                    prop("envoys-uncovered", c.envoys_uncovered),
                    prop("envoys-contradicted", c.envoys_contradicted),
                ],
                "origins": origin,
                "target": {
                    "type": "objective-id",
                    "target-id": token,
                    "title": markup(&format!("{} {}", fw.id, row.id)),
                    "status": {"state": state, "reason": reason},
                },
            });
            if let Some(t) = &row.last_converged {
                push_prop(&mut finding, prop("last-converged", t));
            }
            if !related.is_empty() {
                finding["related-observations"] = json!(related
                    .iter()
                    .take(OBSERVATIONS_PER_FINDING)
                    .map(|u| json!({"observation-uuid": u}))
                    .collect::<Vec<_>>());
                if total_related > OBSERVATIONS_PER_FINDING {
                    finding["remarks"] = json!(format!(
                        "{OBSERVATIONS_PER_FINDING} of {total_related} supporting observations are linked."
                    ));
                }
            }
            let risks: Vec<Value> = c
                .waivers
                .iter()
                .filter_map(|w| risk_of.get(w))
                .map(|u| json!({"risk-uuid": u}))
                .collect();
            if !risks.is_empty() {
                finding["related-risks"] = json!(risks);
            }
            finding
        })
        .collect();

    let s = &rep.summary;
    let scope = if cov.scope.is_empty() {
        "every envoy".to_string()
    } else {
        cov.scope
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut result = json!({
        "uuid": uuid5(&["result", &fw.id, &model.inputs_digest, as_of]),
        "title": markup(&format!("{} {} coverage", fw.name, fw.version)),
        "description": markup(&format!(
            "Coverage of {} ({} counted controls{}) over {} in-scope envoy(s) (scope: {scope}), evaluated as of {as_of}. covered_pct = {}; assured_pct = {}; coverage_pct = {}.",
            fw.id,
            s.controls_total,
            if s.not_applicable > 0 {
                format!(", {} more declared not applicable and not counted", s.not_applicable)
            } else {
                String::new()
            },
            s.envoys_in_scope,
            formula(s, "covered_pct"),
            formula(s, "assured_pct"),
            formula(s, "coverage_pct"),
        )),
        "start": as_of,
        "end": as_of,
        "props": [
            prop("framework-id", &fw.id),
            prop("framework-version", &fw.version),
            prop("controls-total", s.controls_total),
            prop("covered", s.covered),
            prop("attested", s.attested),
            prop("waived", s.waived),
            prop("partial", s.partial),
            prop("uncovered", s.uncovered),
            prop("not-applicable", s.not_applicable),
            prop("coverage-pct", s.coverage_pct),
            prop("covered-pct", s.covered_pct),
            prop("assured-pct", s.assured_pct),
            prop("envoys-in-scope", s.envoys_in_scope),
            prop("scope", &scope),
        ],
        "local-definitions": {
            "components": [{
                "uuid": tool_uuid,
                "type": "software",
                "title": "vigocli",
                "description": "Compliance-as-code coverage from configcrate control tags, waivers, Connwaer trait checks and the envoy inventory.",
                "props": [prop("version", env!("CARGO_PKG_VERSION"))],
                "status": {"state": "operational"},
            }],
        },
        "reviewed-controls": {
            "control-selections": [{
                "description": markup(&format!("The counted (assessable, not withdrawn) controls of {} {}.", fw.name, fw.version)),
                "include-controls": rep.controls.iter().map(|r| json!({"control-id": control_token(&r.id)})).collect::<Vec<_>>(),
            }],
        },
        "findings": findings,
    });
    super::evidence::exclude_not_applicable(&mut result, &fw.id, &rep.not_applicable);
    if let Some(based) = &rep.framework.based_on {
        push_prop(&mut result, prop("based-on", based));
    }
    if !inventory.is_empty() {
        result["local-definitions"]["inventory-items"] =
            json!(inventory.into_values().collect::<Vec<_>>());
    }
    if !observations.is_empty() {
        result["observations"] = json!(observations);
    }
    if !risks.is_empty() {
        result["risks"] = json!(risks);
    }
    if findings_is_empty(&result) {
        result.as_object_mut().map(|o| o.remove("findings"));
    }
    result
}

/// A number's formula with its values, as the JSON report's `summary.formulas` gives it.
fn formula<'a>(s: &'a crate::report::Summary, key: &str) -> &'a str {
    s.formulas.get(key).map_or("", String::as_str)
}

//! OSCAL assessment results (NIST OSCAL 1.2.1, JSON): one `result` per framework, one
//! `finding` per counted control, `observations` per group of envoys with identical
//! configcrates and Connwaer results, waivers as `risks`, and the inputs' SHA-256 digests
//! in `back-matter`. UUIDs are UUIDv5 of the content, timestamps come from `as_of`: the
//! same inputs give the same bytes. docs/exports.md maps every field to its source.

use super::{Assessed, markup, one_line, uuid5};
use crate::coverage::Status;
use crate::model::{Model, TraitStatus, WaiverState};
use crate::report::timestamp;
use fixedbitset::FixedBitSet;
use jiff::Timestamp;
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet, HashMap};

pub const OSCAL_VERSION: &str = "1.2.1";
/// Namespace of the vigocli-specific `props`.
pub const NS: &str = "urn:vigocli:oscal";
/// Hostnames listed as subjects of one observation (the count is always given).
const SUBJECTS_PER_OBSERVATION: usize = 10;
/// Observations linked from one finding (the total is given in a remark beyond this).
const OBSERVATIONS_PER_FINDING: usize = 25;
/// Input files listed one by one in back-matter (the aggregate digest covers them all).
const INPUT_FILES_LISTED: usize = 1000;

fn prop(name: &str, value: impl ToString) -> Value {
    json!({"name": name, "ns": NS, "value": one_line(&value.to_string())})
}

/// An OSCAL token (XML NCName) for a control ID, in the form OSCAL catalogs use:
/// `SC-8(1)` → `sc-8.1`, `164.312(e)(1)` → `_164.312.e.1` (a token cannot start with a digit).
pub fn control_token(id: &str) -> String {
    let mut s = String::with_capacity(id.len() + 1);
    for ch in id.trim().chars() {
        match ch {
            c if c.is_ascii_alphanumeric() || c == '-' || c == '_' => {
                s.push(c.to_ascii_lowercase())
            }
            '.' | '(' => {
                if !s.ends_with('.') && !s.is_empty() {
                    s.push('.')
                }
            }
            ')' | ' ' => {}
            _ => s.push('_'),
        }
    }
    while s.ends_with('.') {
        s.pop();
    }
    if !s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        s.insert(0, '_');
    }
    s
}

/// A date-time for a waiver's expiry: the waiver counts through the whole `expires` day.
fn end_of_day(d: jiff::civil::Date) -> String {
    format!("{d}T23:59:59Z")
}

/// In-scope envoys with identical evidence for one framework.
struct Group {
    members: Vec<u32>,
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

/// Writes the document (pretty-printed JSON and a final newline).
pub fn write(
    model: &Model,
    assessed: &[Assessed],
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &document(model, assessed))?;
    out.write_all(b"\n")?;
    out.flush()
}

/// The document, with `results` built one framework at a time while it is serialised, so
/// that only one result is in memory at once.
#[derive(Serialize)]
struct Document<'a> {
    #[serde(rename = "assessment-results")]
    assessment_results: AssessmentResults<'a>,
}

#[derive(Serialize)]
struct AssessmentResults<'a> {
    uuid: String,
    metadata: Value,
    #[serde(rename = "import-ap")]
    import_ap: Value,
    results: LazyResults<'a>,
    #[serde(rename = "back-matter")]
    back_matter: Value,
}

struct LazyResults<'a> {
    model: &'a Model,
    assessed: &'a [Assessed],
    as_of: String,
    tool_uuid: String,
}

impl Serialize for LazyResults<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq as _;
        let mut seq = s.serialize_seq(Some(self.assessed.len()))?;
        for a in self.assessed {
            seq.serialize_element(&result(self.model, a, &self.as_of, &self.tool_uuid))?;
        }
        seq.end()
    }
}

fn document<'a>(model: &'a Model, assessed: &'a [Assessed]) -> Document<'a> {
    let as_of = timestamp(model.as_of);
    let fw_ids: Vec<&str> = assessed
        .iter()
        .map(|a| model.catalog.frameworks[a.fw].id.as_str())
        .collect();
    let tool_uuid = uuid5(&["tool", "vigocli"]);
    let plan_uuid = uuid5(&["assessment-plan", "vigocli coverage semantics"]);

    let mut resources = vec![
        json!({
            "uuid": plan_uuid,
            "title": "Assessment method: vigocli coverage semantics",
            "description": "There is no separate OSCAL assessment plan. Coverage is established as vigocli documents it (docs/semantics.md): a control is covered on an envoy when a configcrate assigned to it claims the control or a fresh passing Connwaer check escalates it, waived when an active waiver applies, and uncovered otherwise; per control over the in-scope envoys it is covered, waived, partial or uncovered.",
            "props": [prop("generator", format!("vigocli {}", env!("CARGO_PKG_VERSION")))],
        }),
        json!({
            "uuid": uuid5(&["inputs-digest", &model.inputs_digest]),
            "title": "Digest of all inputs",
            "description": "SHA-256 over every input file read, sorted by repository-relative path: for each file, the path's UTF-8 bytes, a zero byte, and the file's raw 32-byte SHA-256. Same value as `inputs_digest` in the JSON report.",
            "props": [prop("inputs-digest", &model.inputs_digest), prop("input-files", model.input_files.len())],
        }),
    ];
    for (path, digest) in model.input_files.iter().take(INPUT_FILES_LISTED) {
        resources.push(json!({
            "uuid": uuid5(&["input-file", path, digest]),
            "title": markup(path),
            "props": [prop("input-kind", input_kind(path))],
            "rlinks": [{
                "href": uri_path(path),
                "hashes": [{"algorithm": "SHA-256", "value": digest}],
            }],
        }));
    }
    if model.input_files.len() > INPUT_FILES_LISTED
        && let Some(r) = resources.get_mut(1)
    {
        r["remarks"] = json!(format!(
            "{} input files are listed one by one below; the other {} are covered by this digest only.",
            INPUT_FILES_LISTED,
            model.input_files.len() - INPUT_FILES_LISTED
        ));
    }

    Document {
        assessment_results: AssessmentResults {
            uuid: uuid5(&[
                "assessment-results",
                &model.inputs_digest,
                &as_of,
                &fw_ids.join(","),
            ]),
            metadata: json!({
                "title": format!("vigocli compliance assessment results: {}", fw_ids.join(", ")),
                "published": as_of,
                "last-modified": as_of,
                "version": format!("{as_of} inputs sha256:{}", &model.inputs_digest),
                "oscal-version": OSCAL_VERSION,
                "props": [
                    prop("mode", model.mode.as_str()),
                    prop("inputs-digest", &model.inputs_digest),
                    prop("as-of", &as_of),
                ],
            }),
            import_ap: json!({
                "href": format!("#{plan_uuid}"),
                "remarks": "vigocli has no separate assessment plan; this back-matter resource states the method.",
            }),
            results: LazyResults {
                model,
                assessed,
                as_of: as_of.clone(),
                tool_uuid,
            },
            back_matter: json!({"resources": resources}),
        },
    }
}

fn input_kind(path: &str) -> &'static str {
    let first = path.split('/').next().unwrap_or_default();
    if path == crate::settings::CONFIG_FILE {
        "config"
    } else if path.ends_with(".vgo") {
        "stacks"
    } else if first == "inventory" || path.ends_with(".jsonl") && first != "traits" {
        "inventory"
    } else if first == "traits" {
        "connwaer"
    } else if first == "frameworks" {
        "catalog"
    } else {
        "input"
    }
}

/// A relative URI reference for a repository path (percent-encodes what a URI cannot hold).
fn uri_path(path: &str) -> String {
    let mut s = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!$'*+,;=:@".contains(&b) {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s
}

fn result(model: &Model, a: &Assessed, as_of: &str, tool_uuid: &str) -> Value {
    let cat = &model.catalog;
    let fw = &cat.frameworks[a.fw];
    let base = fw.base;
    let cov = &a.cov;
    let rep = &a.report;
    let n = cov.controls.len();
    let positions = crate::coverage::Positions::new(cat, cov.framework);
    let bits = |pairs: &mut dyn Iterator<Item = (usize, u32)>| positions.bits(pairs);
    let origin = json!([{"actors": [{"type": "tool", "actor-uuid": tool_uuid}]}]);

    // Groups of in-scope envoys with identical evidence for this framework: the same
    // claimed controls and the same controls passed or failed by Connwaer checks. Envoys
    // are first grouped by their raw inputs (cheap), then those groups by their bitsets.
    type Key<'a> = (&'a [u32], &'a [(usize, TraitStatus)]);
    let mut raw: HashMap<Key<'_>, usize> = HashMap::new();
    let mut index: HashMap<(FixedBitSet, FixedBitSet, FixedBitSet), usize> = HashMap::new();
    let mut groups: Vec<Group> = Vec::new();
    for e in &cov.envoys {
        let envoy = &model.envoys[e.envoy as usize];
        let key = (envoy.configcrates.as_slice(), envoy.traits.as_slice());
        let g = match raw.get(&key) {
            Some(&g) => g,
            None => {
                let mut claimed = FixedBitSet::with_capacity(n);
                let mut contributing = BTreeSet::new();
                for &ci in &envoy.configcrates {
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
                raw.insert(key, g);
                g
            }
        };
        groups[g].members.push(e.envoy);
    }

    let mut observations = Vec::new();
    let mut inventory: BTreeMap<String, Value> = BTreeMap::new();
    for g in &mut groups {
        let hosts: Vec<&str> = g
            .members
            .iter()
            .map(|&m| model.envoys[m as usize].hostname.as_str())
            .collect();
        let subjects: Vec<Value> = hosts
            .iter()
            .take(SUBJECTS_PER_OBSERVATION)
            .map(|h| {
                let id = uuid5(&["envoy", h]);
                inventory.entry(id.clone()).or_insert_with(|| {
                    json!({
                        "uuid": id,
                        "description": format!("Vigo envoy {}", markup(h)),
                        "props": [prop("hostname", h)],
                    })
                });
                json!({"subject-uuid": id, "type": "inventory-item", "title": markup(h)})
            })
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
                .filter_map(|&m| model.envoys[m as usize].last_converged)
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
                for &(cap, s) in &model.envoys[m as usize].traits {
                    if g.capabilities.contains(&(cap, s))
                        && let Some(t) = model.trait_checked_at.get(&(m, cap))
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
                .collect();
            let total_related = related.len();
            let (state, reason) = match c.status {
                Status::Covered => ("satisfied", "pass"),
                Status::Waived => ("not-satisfied", "other"),
                Status::Partial | Status::Uncovered => ("not-satisfied", "fail"),
            };
            let mut finding = json!({
                "uuid": uuid5(&["finding", &fw.id, &row.id]),
                "title": markup(&format!("{} {}: {}", fw.id, row.id, row.title)),
                "description": markup(&format!(
                    "{} of {} in-scope envoy(s) cover {} {}, {} are waived, {} uncovered ({} contradicted by a failing Connwaer check). Configcrates: {}. Capabilities: {}. Connwaer passes: {}.",
                    c.envoys_covered,
                    cov.envoys.len(),
                    fw.id,
                    row.id,
                    c.envoys_waived,
                    c.envoys_uncovered,
                    c.envoys_contradicted,
                    list_or_none(&row.configcrates),
                    list_or_none(&row.capabilities),
                    list_or_none(&row.connwaer),
                )),
                "props": [
                    prop("vigocli-status", c.status.as_str()),
                    prop("control-id", &row.id),
                    prop("envoys-covered", c.envoys_covered),
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
            "Coverage of {} ({} counted controls) over {} in-scope envoy(s) (scope: {scope}), evaluated as of {as_of}. coverage_pct = 100 × (covered + waived) / controls_total = {} %; covered_pct = 100 × covered / controls_total = {} %.",
            fw.id, s.controls_total, s.envoys_in_scope, s.coverage_pct, s.covered_pct
        )),
        "start": as_of,
        "end": as_of,
        "props": [
            prop("framework-id", &fw.id),
            prop("framework-version", &fw.version),
            prop("controls-total", s.controls_total),
            prop("covered", s.covered),
            prop("waived", s.waived),
            prop("partial", s.partial),
            prop("uncovered", s.uncovered),
            prop("coverage-pct", s.coverage_pct),
            prop("covered-pct", s.covered_pct),
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

fn findings_is_empty(v: &Value) -> bool {
    v["findings"].as_array().is_some_and(Vec::is_empty)
}

fn push_prop(v: &mut Value, p: Value) {
    if let Some(a) = v["props"].as_array_mut() {
        a.push(p);
    }
}

fn list_or_none(v: &[String]) -> String {
    if v.is_empty() {
        "none".into()
    } else {
        v.join(", ")
    }
}

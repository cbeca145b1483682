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
            "description": "There is no separate OSCAL assessment plan. Coverage is established as vigocli documents it (docs/semantics.md): a control is covered on an envoy when a configcrate assigned to it claims the control or a fresh passing Connwaer check escalates it, attested when an accepted, current and intact evidence record names it, waived when an active waiver applies, and uncovered otherwise; per control over the in-scope envoys it is covered, attested, waived, partial or uncovered. Controls declared not applicable by an approved applicability decision are excluded from the reviewed controls and not counted.",
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
    resources.extend(evidence::resources(assessed));
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
    } else if first == "evidence" {
        "evidence"
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

mod evidence;
mod result;
use result::result;

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

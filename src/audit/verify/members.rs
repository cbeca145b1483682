//! The checks of the bundle's files: manifest, subjects, SHA256SUMS, report.

use super::{ReportHead, bundle};
use crate::audit::bundle::Statement;
use std::collections::BTreeMap;

pub(super) fn parse_manifest(meta: &BTreeMap<String, Vec<u8>>) -> Result<Statement, String> {
    let bytes = meta
        .get(bundle::MANIFEST)
        .ok_or_else(|| format!("{} is missing", bundle::MANIFEST))?;
    let s: Statement = serde_json::from_slice(bytes)
        .map_err(|e| format!("{} does not parse: {e}", bundle::MANIFEST))?;
    if s.type_ != bundle::STATEMENT_TYPE {
        return Err(format!(
            "_type is `{}`, not `{}`",
            s.type_,
            bundle::STATEMENT_TYPE
        ));
    }
    if s.predicate_type != bundle::PREDICATE_TYPE {
        return Err(format!(
            "predicateType is `{}`, not `{}`",
            s.predicate_type,
            bundle::PREDICATE_TYPE
        ));
    }
    Ok(s)
}

pub(super) fn unlisted(name: &str) -> bool {
    [bundle::MANIFEST, bundle::SIGNATURE, bundle::SUMS].contains(&name)
}

pub(super) fn check_subjects(
    digests: &BTreeMap<String, String>,
    s: &Statement,
) -> Result<String, String> {
    let mut listed = std::collections::HashSet::new();
    for sub in &s.subject {
        if !listed.insert(sub.name.as_str()) {
            return Err(format!("subject `{}` is listed twice", sub.name));
        }
        let Some(found) = digests.get(&sub.name) else {
            return Err(format!("subject `{}` is missing from the zip", sub.name));
        };
        if *found != sub.digest.sha256 {
            return Err(format!(
                "`{}` was changed: manifest sha256 {}, file sha256 {found}",
                sub.name, sub.digest.sha256
            ));
        }
    }
    for name in digests.keys() {
        if !unlisted(name) && !listed.contains(name.as_str()) {
            return Err(format!(
                "`{name}` is in the zip but is not a subject of the manifest"
            ));
        }
    }
    for required in [bundle::REPORT, bundle::LOG, bundle::BOUNDARY] {
        if !listed.contains(required) {
            return Err(format!("`{required}` is not a subject"));
        }
    }
    Ok(format!("{} subjects match their sha256", s.subject.len()))
}

pub(super) fn check_sums(
    digests: &BTreeMap<String, String>,
    meta: &BTreeMap<String, Vec<u8>>,
) -> Result<String, String> {
    let bytes = meta
        .get(bundle::SUMS)
        .ok_or_else(|| format!("{} is missing", bundle::SUMS))?;
    let text = std::str::from_utf8(bytes).map_err(|_| format!("{} is not UTF-8", bundle::SUMS))?;
    let mut listed = std::collections::HashSet::new();
    for (i, line) in text.lines().enumerate() {
        let (hash, name) = line
            .split_once("  ")
            .ok_or_else(|| format!("{}:{}: not `<sha256>  <name>`", bundle::SUMS, i + 1))?;
        let Some(found) = digests.get(name) else {
            return Err(format!(
                "{}:{}: `{name}` is missing from the zip",
                bundle::SUMS,
                i + 1
            ));
        };
        if found != hash {
            return Err(format!(
                "{}:{}: `{name}` was changed: listed {hash}, file {found}",
                bundle::SUMS,
                i + 1
            ));
        }
        if !listed.insert(name) {
            return Err(format!(
                "{}:{}: `{name}` is listed twice",
                bundle::SUMS,
                i + 1
            ));
        }
    }
    for name in digests.keys() {
        if name != bundle::SUMS && !listed.contains(name.as_str()) {
            return Err(format!(
                "`{name}` is in the zip but not in {}",
                bundle::SUMS
            ));
        }
    }
    Ok(format!("{} files match", listed.len()))
}

pub(super) fn check_report(
    digests: &BTreeMap<String, String>,
    head: Option<Result<ReportHead, String>>,
    s: &Statement,
) -> Result<String, String> {
    let r = &s.predicate.report;
    let found = digests
        .get(&r.name)
        .ok_or_else(|| format!("report `{}` is missing", r.name))?;
    if *found != r.digest.sha256 {
        return Err(format!(
            "`{}` sha256 is {found}, the manifest's report digest is {}",
            r.name, r.digest.sha256
        ));
    }
    let head = head.ok_or_else(|| format!("report `{}` is missing", r.name))??;
    if head.schema.as_deref() != Some("vigocli/compliance-report/v1") {
        return Err(format!(
            "`{}` is not a vigocli/compliance-report/v1 report",
            r.name
        ));
    }
    let id = head.framework.and_then(|f| f.id);
    if id.as_deref() != Some(s.predicate.framework.id.as_str()) {
        return Err(format!(
            "`{}` reports framework {}, the manifest says {}",
            r.name,
            id.map_or_else(|| "null".to_string(), |i| format!("\"{i}\"")),
            s.predicate.framework.id
        ));
    }
    Ok(format!("{} digest {found}", r.name))
}

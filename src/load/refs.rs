//! `framework:ID` references, as waivers, evidence records and applicability decisions
//! name controls: the framework by id or alias, the control in that framework's catalog.

use crate::catalog::Catalog;
use crate::diag::Code;
use crate::model::WaivedControl;
use crate::yaml::{Node, Reader};

/// Resolves each `framework:ID` of `refs` (a `what` names the kind of entry in messages;
/// `malformed` is the code for a reference without a framework). With `headings`, a
/// section heading is accepted (it stands for the controls under it). Every bad reference
/// is a diagnostic in `r`; the good ones are returned.
pub(super) fn resolve(
    r: &mut Reader<'_>,
    refs: &[(String, &Node)],
    catalog: &Catalog,
    what: &str,
    malformed: Code,
    headings: bool,
) -> Vec<WaivedControl> {
    let mut controls = Vec::new();
    for (text, node) in refs {
        let Some((fw_name, ctrl)) = text.split_once(':') else {
            r.error(
                node,
                malformed,
                format!("{what} control `{text}` has no framework"),
                "write it as `framework:ID`, e.g. \"pci-dss:9.2.1\"".into(),
            );
            continue;
        };
        let Some(fw) = catalog.framework_index(fw_name.trim()) else {
            r.error(
                node,
                Code::UnknownFramework,
                format!("unknown framework `{fw_name}` in {what}"),
                crate::catalog::suggest_framework(catalog, fw_name.trim()),
            );
            continue;
        };
        let resolved = if headings {
            catalog.resolve_control_or_heading(fw, ctrl.trim())
        } else {
            catalog.resolve_control(fw, ctrl.trim())
        };
        match resolved {
            Ok((base, c)) => controls.push(WaivedControl {
                framework: base,
                control: c,
                written: text.clone(),
            }),
            Err(e) => {
                let d = r
                    .file
                    .diag(catalog.control_diagnostic(fw, ctrl.trim(), &e), node);
                r.diags.push(d);
            }
        }
    }
    controls
}

/// A required date field (`YYYY-MM-DD`, four-digit year) of `item`, or a diagnostic.
pub(super) fn date(
    r: &mut Reader<'_>,
    item: &Node,
    key: &str,
    what: &str,
    example: &str,
) -> Option<jiff::civil::Date> {
    let Some(node) = item.get(key) else {
        r.error(
            item,
            Code::MissingKey,
            format!("{what} has no `{key}:`"),
            format!("add `{key}: {example}`"),
        );
        return None;
    };
    let text = r.string(node, key)?;
    let parsed = text
        .parse::<jiff::civil::Date>()
        .ok()
        .filter(|d| d.year() >= 0);
    if parsed.is_none() {
        r.error(
            node,
            Code::BadDate,
            format!("`{key}: {text}` is not a date"),
            format!("write the date as YYYY-MM-DD, e.g. {example}"),
        );
    }
    parsed
}

/// A required non-empty string field of `item`, or a diagnostic with `help`.
pub(super) fn required(
    r: &mut Reader<'_>,
    item: &Node,
    key: &str,
    what: &str,
    help: &str,
) -> Option<String> {
    match item.get(key) {
        Some(n) => r.string(n, key),
        None => {
            r.error(
                item,
                Code::MissingKey,
                format!("{what} has no `{key}:`"),
                help.to_string(),
            );
            None
        }
    }
}

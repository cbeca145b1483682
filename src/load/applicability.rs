//! Applicability decisions: `not_applicable:` in stacks/waivers.vgo or
//! stacks/compliance.vgo at the stacks root (docs/evidence.md). A decision removes the
//! controls it names, and every control under a named heading, from their framework's
//! count until its `review_by` date; after that it lapses and the controls count again.

use super::refs;
use super::stacks::{Kind, Parsed};
use crate::catalog::Catalog;
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::model::Decision;
use crate::settings::Settings;
use crate::yaml::{Node, Reader, Value};

const KEYS: &[&str] = &[
    "control",
    "controls",
    "rationale",
    "owner",
    "approved_by",
    "approved_at",
    "review_by",
];

/// The decisions of the stacks root's waivers.vgo and compliance.vgo, in file order; a
/// `not_applicable:` anywhere else is an error (a decision is the organisation's, not a
/// directory's).
pub(super) fn load(
    files: &[Parsed],
    catalog: &Catalog,
    settings: &Settings,
    diags: &mut Diagnostics,
) -> Vec<Decision> {
    let as_of = settings.as_of.to_zoned(jiff::tz::TimeZone::UTC).date();
    let mut out = Vec::new();
    for p in files {
        let Some(list) = p.root.get("not_applicable") else {
            continue;
        };
        let at_root =
            p.kind == Kind::Waivers && p.rel.parent().is_none_or(|d| d.as_os_str().is_empty());
        if !at_root {
            diags.push(
                p.src.diag(
                    Diagnostic::error(
                        Code::BadApplicability,
                        format!(
                            "`not_applicable:` is read only from waivers.vgo or compliance.vgo at the stacks root, not from `{}`",
                            p.src.display
                        ),
                    )
                    .help("move the decision to stacks/waivers.vgo (a decision is about the whole organisation, not one directory)"),
                    list,
                ),
            );
            continue;
        }
        let mut r = Reader::new(&p.src);
        out.extend(parse(&mut r, list, catalog, as_of));
        diags.extend(r.diags);
    }
    out
}

fn parse(
    r: &mut Reader<'_>,
    list: &Node,
    catalog: &Catalog,
    as_of: jiff::civil::Date,
) -> Vec<Decision> {
    let mut out = Vec::new();
    if list.is_null() {
        return out;
    }
    let Value::Seq(items) = &list.value else {
        r.error(
            list,
            Code::WrongType,
            format!("`not_applicable` must be a list, found {}", list.kind()),
            "write `- controls: [\"pci-dss:A1\"]` items".into(),
        );
        return out;
    };
    let what = "applicability decision";
    for item in items {
        if r.strict_map(item, "an applicability decision", KEYS)
            .is_none()
        {
            continue;
        }
        let before = r.diags.len();
        let written: Vec<(String, &Node)> = match (item.get("control"), item.get("controls")) {
            (Some(c), None) | (None, Some(c)) => r.string_or_list(c, "controls"),
            (Some(_), Some(cs)) => {
                r.error(
                    cs,
                    Code::BadApplicability,
                    "a decision has `control:` or `controls:`, not both".into(),
                    "merge them into one `controls:` list".into(),
                );
                Vec::new()
            }
            (None, None) => {
                r.error(
                    item,
                    Code::MissingKey,
                    "applicability decision has no `controls:`".into(),
                    "name the controls or headings that do not apply, e.g. controls: [\"pci-dss:A1\"]".into(),
                );
                Vec::new()
            }
        };
        let controls = refs::resolve(r, &written, catalog, what, Code::BadApplicability, true);
        let rationale = refs::required(
            r,
            item,
            "rationale",
            what,
            "say why the controls cannot apply",
        );
        let owner = refs::required(
            r,
            item,
            "owner",
            what,
            "name who answers for the decision, e.g. owner: \"grc@example.com\"",
        );
        let approved_by = refs::required(
            r,
            item,
            "approved_by",
            what,
            "name who approved it, e.g. approved_by: \"ciso@example.com\"",
        );
        let approved_at = refs::date(r, item, "approved_at", what, "2026-01-15");
        let review_by = refs::date(r, item, "review_by", what, "2027-01-15");
        if let (Some(a), Some(b), Some(n)) = (approved_at, review_by, item.get("review_by"))
            && b < a
        {
            r.error(
                n,
                Code::BadApplicability,
                format!("the decision is to be reviewed ({b}) before it was approved ({a})"),
                "`review_by` is when the decision lapses: a date after `approved_at`".into(),
            );
        }
        if r.diags.len() > before {
            continue;
        }
        let (Some(rationale), Some(owner), Some(approved_by), Some(approved_at), Some(review_by)) =
            (rationale, owner, approved_by, approved_at, review_by)
        else {
            continue;
        };
        out.push(Decision {
            source: format!("{}:{}", r.file.display, item.line),
            loc: r.file.location(item.line, item.col),
            controls,
            rationale,
            owner,
            approved_by,
            approved_at,
            review_by,
            lapsed: review_by < as_of,
            approved_later: approved_at > as_of,
        });
    }
    out
}

//! Waivers: parsed from the `waivers:` lists of waivers.vgo and compliance.vgo files, then
//! dated once against the run's date (days left, and the state [`WaiverState::of`] decides).

use super::envoy_tree::compile_glob;
use super::stacks::{Kind, Parsed};
use crate::catalog::Catalog;
use crate::diag::{Code, Diagnostics, Location};
use crate::model::{WaivedControl, Waiver, WaiverState};
use crate::settings::Settings;
use crate::yaml::{Node, Reader, Value};
use globset::Glob;
use jiff::civil::Date;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Which envoys a waiver can apply to, besides its labels.
#[derive(Debug)]
pub struct WaiverFilter {
    pub scope_dir: PathBuf,
    /// Compiled once into one matcher with every waiver's glob (see `waiver_match`), never
    /// per waiver.
    pub envoys: Option<Glob>,
}

/// A waiver as written, every field checked, not yet dated.
struct Written {
    loc: Location,
    source: String,
    controls: Vec<WaivedControl>,
    rationale: String,
    owner: String,
    expires: Date,
    scope_dir: PathBuf,
    envoys: Option<(String, Glob)>,
    labels: BTreeMap<String, String>,
}

/// The waivers of the tree, in file order, each with its filter (same index).
pub(super) fn load(
    files: &[Parsed],
    catalog: &Catalog,
    settings: &Settings,
    diags: &mut Diagnostics,
) -> (Vec<Waiver>, Vec<WaiverFilter>) {
    let mut waivers = Vec::new();
    let mut filters = Vec::new();
    for p in files.iter().filter(|p| p.kind == Kind::Waivers) {
        let mut r = Reader::new(&p.src);
        for (w, f) in read(&mut r, p, catalog, settings) {
            waivers.push(w);
            filters.push(f);
        }
        diags.extend(r.diags);
    }
    (waivers, filters)
}

/// The waivers of one waivers.vgo or compliance.vgo file, dated as of the run: the validator
/// `check FILES` uses too.
pub(super) fn read(
    r: &mut Reader<'_>,
    p: &Parsed,
    catalog: &Catalog,
    settings: &Settings,
) -> Vec<(Waiver, WaiverFilter)> {
    let Some(list) = p.root.get("waivers") else {
        return Vec::new();
    };
    let as_of_date = settings.as_of.to_zoned(jiff::tz::TimeZone::UTC).date();
    let dir = super::stacks::parent_dir(&p.rel);
    parse(r, list, catalog, &dir)
        .into_iter()
        .map(|w| evaluate(w, as_of_date, settings.expiring_days))
        .collect()
}

const WAIVER_KEYS: &[&str] = &[
    "control",
    "controls",
    "rationale",
    "expires",
    "owner",
    "envoys",
    "labels",
];

/// Parses a `waivers:` list of a file in directory `dir` of the stacks tree: every field
/// checked, controls resolved; entries with an error are left out (their diagnostics are
/// in `r`).
fn parse(r: &mut Reader<'_>, list: &Node, catalog: &Catalog, dir: &Path) -> Vec<Written> {
    let mut out = Vec::new();
    if list.is_null() {
        return out;
    }
    let Value::Seq(items) = &list.value else {
        r.error(
            list,
            Code::WrongType,
            format!("`waivers` must be a list, found {}", list.kind()),
            "write `- control: \"pci-dss:9.2.1\"` items".into(),
        );
        return out;
    };
    for item in items {
        if r.strict_map(item, "a waiver", WAIVER_KEYS).is_none() {
            continue;
        }
        let before = r.diags.len();
        let mut refs: Vec<(String, &Node)> = Vec::new();
        match (item.get("control"), item.get("controls")) {
            (Some(c), None) => refs.extend(r.string(c, "control").map(|s| (s, c))),
            (None, Some(cs)) => refs.extend(r.string_list(cs, "controls")),
            (Some(_), Some(cs)) => r.error(
                cs,
                Code::BadWaiver,
                "a waiver has `control:` or `controls:`, not both".into(),
                "merge them into one `controls:` list".into(),
            ),
            (None, None) => r.error(
                item,
                Code::MissingKey,
                "waiver has no `control:`".into(),
                "add `control: \"framework:ID\"`, e.g. \"pci-dss:9.2.1\"".into(),
            ),
        }
        let controls = super::refs::resolve(r, &refs, catalog, "waiver", Code::BadWaiver, false);
        let mut req = |key: &str, help: &str| match item.get(key) {
            Some(n) => r.string(n, key),
            None => {
                r.error(
                    item,
                    Code::MissingKey,
                    format!("waiver has no `{key}:`"),
                    help.to_string(),
                );
                None
            }
        };
        let rationale = req(
            "rationale",
            "say why the control cannot be met and what compensates for it",
        );
        let owner = req(
            "owner",
            "name who answers for the waiver, e.g. owner: \"compliance@example.com\"",
        );
        let expires_text = req(
            "expires",
            "give an expiry date, e.g. expires: \"2027-04-01\"",
        );
        let expires = expires_text.as_ref().and_then(|t| {
            // ISO 8601 four-digit years only (jiff also reads e.g. `-009999-01-01`).
            let parsed = t
                .parse::<jiff::civil::Date>()
                .ok()
                .filter(|d| d.year() >= 0);
            if parsed.is_none()
                && let Some(n) = item.get("expires")
            {
                r.error(
                    n,
                    Code::BadDate,
                    format!("`expires: {t}` is not a date"),
                    "write the date as YYYY-MM-DD, e.g. \"2027-04-01\"".into(),
                );
            }
            parsed
        });
        let envoys = match item.get("envoys") {
            Some(n) => r.string(n, "envoys").and_then(|g| match compile_glob(&g) {
                Ok(glob) => Some((g, glob)),
                Err(e) => {
                    r.error(
                        n,
                        Code::BadGlob,
                        format!("invalid hostname glob `{g}`: {e}"),
                        "use `*`, `?` and `[...]`, e.g. \"cde-*\"".into(),
                    );
                    None
                }
            }),
            None => None,
        };
        let labels: BTreeMap<String, String> = item
            .get("labels")
            .map(|n| r.labels(n, "labels").into_iter().collect())
            .unwrap_or_default();
        if r.diags.len() > before {
            continue;
        }
        let (Some(rationale), Some(owner), Some(expires)) = (rationale, owner, expires) else {
            continue;
        };
        out.push(Written {
            loc: r.file.location(item.line, item.col),
            source: format!("{}:{}", r.file.display, item.line),
            controls,
            rationale,
            owner,
            expires,
            scope_dir: dir.to_path_buf(),
            envoys,
            labels,
        });
    }
    out
}

/// Dates a parsed waiver: days left until it expires (as of the run), and its state.
fn evaluate(w: Written, as_of_date: Date, expiring_days: i64) -> (Waiver, WaiverFilter) {
    // Any two dates' distance fits a span of days; saturate rather than panic anyway.
    let days_left = match w.expires.since(as_of_date) {
        Ok(span) => i64::from(span.get_days()),
        Err(_) if w.expires < as_of_date => i64::MIN,
        Err(_) => i64::MAX,
    };
    let waiver = Waiver {
        source: w.source,
        loc: w.loc,
        controls: w.controls,
        rationale: w.rationale,
        owner: w.owner,
        expires: w.expires,
        days_left,
        state: WaiverState::of(days_left, expiring_days),
        scope_dir: w
            .scope_dir
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/"),
        envoys_glob: w.envoys.as_ref().map(|(g, _)| g.clone()),
        labels: w.labels,
        applied_envoys: 0,
    };
    let filter = WaiverFilter {
        scope_dir: w.scope_dir,
        envoys: w.envoys.map(|(_, m)| m),
    };
    (waiver, filter)
}

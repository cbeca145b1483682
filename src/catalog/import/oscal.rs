//! OSCAL import: a catalog, or a resolved profile catalog (the same shape). Groups become
//! headings (nested groups nest), controls and their enhancements become controls with
//! their parent, `status: withdrawn` controls are marked (with the control an
//! `incorporated-into` or `moved-to` link names), parts stay inside their control.
//!
//! The file is deserialised into typed structs holding only the fields used (everything
//! else is skipped); nested groups and controls are kept as raw JSON slices first, so that
//! each one's position in the file is known for its diagnostics.

use super::{Entry, Imported, bad, finish};
use crate::diag::Diagnostic;
use crate::source::LineIndex;
use crate::yaml::SourceFile;
use serde::Deserialize;
use serde_json::value::RawValue;
use std::collections::HashMap;

#[derive(Deserialize)]
struct Root<'a> {
    #[serde(borrow, default)]
    catalog: Option<&'a RawValue>,
    #[serde(borrow, default)]
    profile: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct Catalog<'a> {
    #[serde(default)]
    metadata: Option<Metadata>,
    #[serde(borrow, default)]
    groups: Vec<&'a RawValue>,
    #[serde(borrow, default)]
    controls: Vec<&'a RawValue>,
}

#[derive(Deserialize)]
struct Metadata {
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    version: Option<String>,
}

#[derive(Deserialize)]
struct Group<'a> {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    props: Vec<Prop>,
    #[serde(borrow, default)]
    groups: Vec<&'a RawValue>,
    #[serde(borrow, default)]
    controls: Vec<&'a RawValue>,
}

#[derive(Deserialize)]
struct Control<'a> {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    props: Vec<Prop>,
    #[serde(default)]
    links: Vec<Link>,
    #[serde(borrow, default)]
    controls: Vec<&'a RawValue>,
}

#[derive(Deserialize)]
struct Prop {
    name: String,
    value: String,
    #[serde(default)]
    class: Option<String>,
}

#[derive(Deserialize)]
struct Link {
    href: String,
    #[serde(default)]
    rel: Option<String>,
}

/// The link relations that name the control a withdrawn one went to.
const INCORPORATED: &[&str] = &[
    "incorporated-into",
    "incorporated_into",
    "moved-to",
    "moved_to",
];

const SHAPE_HELP: &str = "`catalog import --from oscal` reads an OSCAL catalog in JSON: {\"catalog\": {\"metadata\": …, \"groups\": […], \"controls\": […]}}; a resolved profile catalog has the same shape";

struct Reader<'t> {
    src: &'t SourceFile,
    index: LineIndex<'t>,
    diags: Vec<Diagnostic>,
    controls: Vec<Entry>,
    /// OSCAL id → our id, for `incorporated-into` links.
    by_oscal_id: HashMap<String, String>,
    /// (entry index, the OSCAL id a link names).
    links: Vec<(usize, String)>,
}

impl<'t> Reader<'t> {
    /// Byte offset of `raw` in the file (it is a slice of the file's text).
    fn offset(&self, raw: &RawValue) -> usize {
        (raw.get().as_ptr() as usize).saturating_sub(self.src.text.as_ptr() as usize)
    }

    fn at(&self, offset: usize) -> (usize, usize) {
        self.index.line_col(offset)
    }

    /// A serde_json error inside `raw` (or the whole file, at offset 0), at its position
    /// in the file.
    fn json_error(&mut self, base: usize, text: &str, e: &serde_json::Error, what: &str) {
        // serde_json counts lines from 1 and columns in bytes from 1 within `text`.
        let mut off = 0;
        for _ in 1..e.line() {
            match text[off..].find('\n') {
                Some(i) => off += i + 1,
                None => break,
            }
        }
        let off = (off + e.column().saturating_sub(1)).min(text.len());
        let (line, col) = self.at(base + off);
        let msg = e.to_string();
        let msg = msg.rfind(" at line ").map_or(msg.as_str(), |i| &msg[..i]);
        self.diags.push(bad(
            self.src,
            line,
            col,
            format!("invalid {what}: {msg}"),
            SHAPE_HELP,
        ));
    }

    fn parse<T: Deserialize<'t>>(&mut self, raw: &'t RawValue, what: &str) -> Option<T> {
        match serde_json::from_str::<T>(raw.get()) {
            Ok(v) => Some(v),
            Err(e) => {
                let base = self.offset(raw);
                self.json_error(base, raw.get(), &e, what);
                None
            }
        }
    }

    fn group(&mut self, raw: &'t RawValue, parent: Option<&str>) {
        let Some(g) = self.parse::<Group<'t>>(raw, "OSCAL group") else {
            return;
        };
        let (line, col) = self.at(self.offset(raw));
        let title = text(g.title.clone()).unwrap_or_default();
        // A group without an id or label groups nothing we can name: its controls keep the
        // enclosing heading.
        let heading = label(&g.props).or_else(|| text(g.id.clone()).map(|id| group_id(&id)));
        let here = match heading {
            Some(id) => {
                if title.is_empty() {
                    self.diags.push(bad(
                        self.src,
                        line,
                        col,
                        format!("OSCAL group \"{id}\" has no `title`"),
                        "every OSCAL group has a title",
                    ));
                }
                self.controls.push(Entry {
                    id: id.clone(),
                    title: title.clone(),
                    parent: parent.map(|p| (p.to_string(), self.src.location(line, col))),
                    category: None,
                    assessable: false,
                    withdrawn: false,
                    incorporated_into: None,
                    loc: self.src.location(line, col),
                });
                Some(id)
            }
            None => parent.map(str::to_string),
        };
        for sub in g.groups {
            self.group(sub, here.as_deref());
        }
        let category = (!title.is_empty()).then_some(title);
        for c in g.controls {
            self.control(c, here.as_deref(), category.as_deref());
        }
    }

    fn control(&mut self, raw: &'t RawValue, parent: Option<&str>, category: Option<&str>) {
        let Some(c) = self.parse::<Control<'t>>(raw, "OSCAL control") else {
            return;
        };
        let (line, col) = self.at(self.offset(raw));
        let id = match (label(&c.props), c.id.as_deref()) {
            (Some(l), _) => l,
            (None, Some(oid)) if !oid.trim().is_empty() => control_id(oid),
            (None, _) => {
                self.diags.push(bad(
                    self.src,
                    line,
                    col,
                    "an OSCAL control has no `id`".into(),
                    "every OSCAL control has an id (and usually a `label` prop, used as its id here)",
                ));
                return;
            }
        };
        let Some(title) = text(c.title.clone()) else {
            self.diags.push(bad(
                self.src,
                line,
                col,
                format!("OSCAL control \"{id}\" has no `title`"),
                "every OSCAL control has a title",
            ));
            return;
        };
        if let Some(oid) = &c.id {
            self.by_oscal_id.insert(oid.clone(), id.clone());
        }
        let withdrawn = c
            .props
            .iter()
            .any(|p| p.name == "status" && p.value.trim().eq_ignore_ascii_case("withdrawn"));
        if withdrawn
            && let Some(l) = c
                .links
                .iter()
                .find(|l| l.rel.as_deref().is_some_and(|r| INCORPORATED.contains(&r)))
        {
            let target = l.href.trim().trim_start_matches('#').to_string();
            if !target.is_empty() {
                self.links.push((self.controls.len(), target));
            }
        }
        self.controls.push(Entry {
            id: id.clone(),
            title,
            parent: parent.map(|p| (p.to_string(), self.src.location(line, col))),
            category: category.map(str::to_string),
            assessable: true,
            withdrawn,
            incorporated_into: None,
            loc: self.src.location(line, col),
        });
        for sub in c.controls {
            self.control(sub, Some(&id), category);
        }
    }
}

/// A text field trimmed, and `None` when nothing is left (the catalog loader refuses an
/// empty value).
fn text(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// The `label` prop to use as an id: the one without a class (NIST's own spelling,
/// `AC-2(1)`, beside `AC-02(01)` of class `zero-padded` or `sp800-53a`), else the first;
/// only a label without white space (some catalogs label with a title:
/// `Account Management (03.01.01)`).
fn label(props: &[Prop]) -> Option<String> {
    let labels: Vec<&Prop> = props.iter().filter(|p| p.name == "label").collect();
    let chosen = labels
        .iter()
        .find(|p| p.class.is_none())
        .or_else(|| labels.first())?;
    let v = chosen.value.trim();
    (!v.is_empty() && !v.chars().any(char::is_whitespace)).then(|| v.to_string())
}

/// An OSCAL control id in NIST's spelling when it is a NIST one (`ac-2.1` → `AC-2(1)`,
/// `ac-2` → `AC-2`); any other id as it is.
pub(super) fn control_id(oid: &str) -> String {
    let oid = oid.trim();
    let nist = |s: &str| {
        let (fam, num) = s.split_once('-')?;
        ((2..=3).contains(&fam.len())
            && fam.bytes().all(|b| b.is_ascii_lowercase())
            && !num.is_empty()
            && num.bytes().all(|b| b.is_ascii_digit()))
        .then(|| format!("{}-{num}", fam.to_ascii_uppercase()))
    };
    match oid.split_once('.') {
        None => nist(oid),
        Some((base, enh)) if !enh.is_empty() && enh.bytes().all(|b| b.is_ascii_digit()) => {
            nist(base).map(|b| format!("{b}({enh})"))
        }
        Some(_) => None,
    }
    .unwrap_or_else(|| oid.to_string())
}

/// A group id as a heading id: a NIST family (`ac`) in capitals, any other as it is.
fn group_id(gid: &str) -> String {
    let gid = gid.trim();
    if (2..=3).contains(&gid.len()) && gid.bytes().all(|b| b.is_ascii_lowercase()) {
        gid.to_ascii_uppercase()
    } else {
        gid.to_string()
    }
}

/// Reads an OSCAL catalog (JSON): every problem, positioned, or its controls.
pub fn read_oscal(src: &SourceFile) -> Result<Imported, Vec<Diagnostic>> {
    if let Some(offset) = crate::source::json_too_deep(&src.text, false) {
        let (line, col) = LineIndex::new(&src.text).line_col(offset);
        return Err(vec![crate::yaml::nesting_too_deep(src, line, col)]);
    }
    let mut r = Reader {
        src,
        index: LineIndex::new(&src.text),
        diags: Vec::new(),
        controls: Vec::new(),
        by_oscal_id: HashMap::new(),
        links: Vec::new(),
    };
    let root = match serde_json::from_str::<Root<'_>>(&src.text) {
        Ok(root) => root,
        Err(e) => {
            r.json_error(0, &src.text, &e, "OSCAL JSON");
            return Err(r.diags);
        }
    };
    let Some(raw) = root.catalog else {
        let (msg, help) = if root.profile.is_some() {
            (
                "this is an OSCAL profile, not a catalog".to_string(),
                "resolve the profile first (NIST publishes resolved profile catalogs, `…-resolved-profile_catalog.json`), or import the catalog it selects from",
            )
        } else {
            (
                "the file has no top-level `catalog`".to_string(),
                SHAPE_HELP,
            )
        };
        r.diags.push(bad(src, 1, 1, msg, help));
        return Err(r.diags);
    };
    let Some(cat) = r.parse::<Catalog<'_>>(raw, "OSCAL catalog") else {
        return Err(r.diags);
    };
    for g in cat.groups {
        r.group(g, None);
    }
    for c in cat.controls {
        r.control(c, None, None);
    }
    let Reader {
        diags,
        mut controls,
        by_oscal_id,
        links,
        ..
    } = r;
    for (i, target) in links {
        let into = by_oscal_id
            .get(&target)
            .cloned()
            .unwrap_or_else(|| control_id(&target));
        if let Some(e) = controls.get_mut(i) {
            e.incorporated_into = Some(into);
        }
    }
    let meta = cat.metadata.unwrap_or(Metadata {
        title: None,
        version: None,
    });
    Ok(Imported {
        title: text(meta.title),
        version: text(meta.version),
        controls: finish(src, controls, diags)?,
    })
}

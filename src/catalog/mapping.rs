//! Mappings between frameworks (crosswalks, docs/catalogs.md#mappings): which controls of
//! one framework, covered together, provide a control of another. A catalog file holds
//! them under `mappings:`; a framework uses them only when `vigocli.toml` opts in with
//! `infer_from`.

use super::{Catalog, suggest_framework};
use crate::diag::{Code, Diagnostic, Diagnostics, Location};
use crate::yaml::{Node, Reader, Value};
use std::collections::HashSet;

/// How the target control relates to its source controls, in the set-theory terms of
/// NIST's OLIR program (NIST IR 8278A): what the target asks for, compared with what the
/// source controls together ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Relationship {
    /// The same requirement.
    Equal,
    /// The target asks for part of what the sources ask for: covering every source
    /// covers the target.
    SubsetOf,
    /// The target asks for more than the sources.
    SupersetOf,
    /// They overlap; neither contains the other.
    IntersectsWith,
}

impl Relationship {
    pub const ALL: [Relationship; 4] = [
        Relationship::Equal,
        Relationship::SubsetOf,
        Relationship::SupersetOf,
        Relationship::IntersectsWith,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Relationship::Equal => "equal",
            Relationship::SubsetOf => "subset-of",
            Relationship::SupersetOf => "superset-of",
            Relationship::IntersectsWith => "intersects-with",
        }
    }

    /// Whether covering every source control proves the target: `equal` and `subset-of`.
    pub fn proves(self) -> bool {
        matches!(self, Relationship::Equal | Relationship::SubsetOf)
    }
}

/// One target control and the source controls that provide it.
#[derive(Debug, Clone)]
pub struct Pair {
    /// A control of the target framework (base catalog index).
    pub to: u32,
    /// Controls of the source framework (base catalog indices), in the order written.
    pub from: Vec<u32>,
    pub relationship: Relationship,
}

#[derive(Debug, Clone)]
pub struct Mapping {
    pub id: String,
    /// Base framework index of the source.
    pub from: usize,
    /// Base framework index of the target.
    pub to: usize,
    pub source: String,
    /// The file it comes from (`built-in:frameworks/…` for embedded ones).
    pub origin: String,
    /// In the order written.
    pub pairs: Vec<Pair>,
}

#[derive(Debug, Clone)]
pub struct RawPair {
    pub to: (String, Location),
    pub from: Vec<(String, Location)>,
    pub relationship: Option<Relationship>,
}

#[derive(Debug, Clone)]
pub struct RawMapping {
    pub id: String,
    pub from: (String, Location),
    pub to: (String, Location),
    pub source: String,
    pub origin: String,
    pub builtin: bool,
    pub pairs: Vec<RawPair>,
    pub loc: Location,
}

const MAPPING_KEYS: &[&str] = &["id", "from", "to", "source", "description", "pairs"];
const PAIR_KEYS: &[&str] = &["from", "relationship", "note"];

/// The `mappings:` list of a catalog file.
pub fn parse(r: &mut Reader<'_>, node: &Node, builtin: bool) -> Vec<RawMapping> {
    let file = r.file;
    let loc = |n: &Node| file.location(n.line, n.col);
    let Value::Seq(items) = &node.value else {
        if !node.is_null() {
            r.error(
                node,
                Code::WrongType,
                format!("`mappings` must be a list, found {}", node.kind()),
                "write `- id: …` items, each with from, to, source and pairs".into(),
            );
        }
        return Vec::new();
    };
    let mut out = Vec::new();
    for item in items {
        if r.strict_map(item, "a mapping", MAPPING_KEYS).is_none() {
            continue;
        }
        let field = |r: &mut Reader<'_>, key: &str, help: &str| match item.get(key) {
            Some(n) => r.string(n, key).map(|s| (s, loc(n))),
            None => {
                r.error(
                    item,
                    Code::MissingKey,
                    format!("a mapping has no `{key}:`"),
                    help.into(),
                );
                None
            }
        };
        let id = field(
            r,
            "id",
            "give it an id, e.g. id: nist-800-171r2-from-800-53r5",
        );
        let from = field(
            r,
            "from",
            "name the framework whose claims count, e.g. from: nist-800-53",
        );
        let to = field(
            r,
            "to",
            "name the framework they count for, e.g. to: nist-800-171",
        );
        let source = field(
            r,
            "source",
            "name the publication the mapping comes from, e.g. source: \"NIST SP 800-171 Rev. 2, Appendix D\"",
        );
        let pairs = match item.get("pairs") {
            Some(p) => parse_pairs(r, p),
            None => {
                r.error(
                    item,
                    Code::MissingKey,
                    "a mapping has no `pairs:`".into(),
                    "list `\"target-id\": { from: [source ids], relationship: subset-of }`".into(),
                );
                Vec::new()
            }
        };
        if let (Some(id), Some(from), Some(to), Some(source)) = (id, from, to, source) {
            out.push(RawMapping {
                id: id.0,
                from,
                to,
                source: source.0,
                // Built-in files are already shown as `built-in:frameworks/…`.
                origin: file.display.to_string(),
                builtin,
                pairs,
                loc: loc(item),
            });
        }
    }
    out
}

fn parse_pairs(r: &mut Reader<'_>, node: &Node) -> Vec<RawPair> {
    let file = r.file;
    let mut out = Vec::new();
    for (knode, to, v) in r.map(node, "pairs") {
        if r.strict_map(v, &format!("pair `{to}`"), PAIR_KEYS)
            .is_none()
        {
            continue;
        }
        let from: Vec<(String, Location)> = match v.get("from") {
            Some(f) => r
                .string_or_list(f, "from")
                .into_iter()
                .map(|(s, n)| (s, file.location(n.line, n.col)))
                .collect(),
            None => {
                r.error(
                    v,
                    Code::MissingKey,
                    format!("pair `{to}` has no `from:`"),
                    "list the source controls, e.g. from: [\"AC-2\", \"AC-3\"]".into(),
                );
                continue;
            }
        };
        if from.is_empty() {
            r.error(
                v,
                Code::BadMapping,
                format!("pair `{to}` names no source control"),
                "list at least one source control in `from:`".into(),
            );
        }
        let relationship = match v.get("relationship") {
            Some(n) => match r.string(n, "relationship") {
                Some(s) => match Relationship::ALL.iter().find(|x| x.as_str() == s) {
                    Some(&rel) => Some(rel),
                    None => {
                        r.error(
                            n,
                            Code::BadMapping,
                            format!("`relationship: {s}` is not a mapping relationship"),
                            "use equal, subset-of, superset-of or intersects-with".into(),
                        );
                        None
                    }
                },
                None => None,
            },
            None => {
                r.error(
                    v,
                    Code::MissingKey,
                    format!("pair `{to}` has no `relationship:`"),
                    "say how the target relates to its sources: equal, subset-of, superset-of or intersects-with".into(),
                );
                None
            }
        };
        out.push(RawPair {
            to: (to, file.location(knode.line, knode.col)),
            from,
            relationship,
        });
    }
    out
}

/// Resolves raw mappings against the built catalog: frameworks by id or alias (a profile
/// stands for its base), controls with the catalog's ID matching. References in built-in
/// mappings to a framework a repository replaced are dropped quietly, as for capabilities.
pub fn build(cat: &Catalog, raw: Vec<RawMapping>, diags: &mut Diagnostics) -> Vec<Mapping> {
    let mut out = Vec::new();
    for m in raw {
        let framework = |(name, loc): &(String, Location), diags: &mut Diagnostics| {
            let fw = cat.framework_index(name);
            if fw.is_none() {
                diags.push(
                    Diagnostic::error(
                        Code::UnknownFramework,
                        format!("mapping `{}` names unknown framework `{name}`", m.id),
                    )
                    .at(loc.clone())
                    .help(suggest_framework(cat, name)),
                );
            }
            fw
        };
        let (Some(from_fw), Some(to_fw)) = (framework(&m.from, diags), framework(&m.to, diags))
        else {
            continue;
        };
        let replaced = |fw: usize| !cat.base_of(fw).origin.starts_with("built-in:");
        let quiet = m.builtin && (replaced(from_fw) || replaced(to_fw));
        let mut local = Diagnostics::default();
        let mut pairs = Vec::new();
        let mut seen = HashSet::new();
        for p in m.pairs {
            let to = match cat.resolve_control(to_fw, &p.to.0) {
                Ok((_, c)) => Some(c),
                Err(e) => {
                    local.push(
                        cat.control_diagnostic(to_fw, &p.to.0, &e)
                            .at(p.to.1.clone()),
                    );
                    None
                }
            };
            if let Some(c) = to
                && !seen.insert(c)
            {
                local.push(
                    Diagnostic::error(
                        Code::BadMapping,
                        format!("mapping `{}` lists target `{}` twice", m.id, p.to.0),
                    )
                    .at(p.to.1.clone())
                    .help("give each target control one pair; list all its sources in `from:`"),
                );
            }
            let mut from = Vec::new();
            for (text, loc) in &p.from {
                match cat.resolve_control(from_fw, text) {
                    Ok((_, c)) => {
                        if !from.contains(&c) {
                            from.push(c)
                        }
                    }
                    Err(e) => local.push(cat.control_diagnostic(from_fw, text, &e).at(loc.clone())),
                }
            }
            if let (Some(to), Some(relationship)) = (to, p.relationship)
                && from.len() == p.from.len()
            {
                pairs.push(Pair {
                    to,
                    from,
                    relationship,
                });
            }
        }
        if !quiet {
            diags.extend(local.into_sorted());
        }
        out.push(Mapping {
            id: m.id,
            from: cat.frameworks[from_fw].base,
            to: cat.frameworks[to_fw].base,
            source: m.source,
            origin: m.origin,
            pairs,
        });
    }
    out
}

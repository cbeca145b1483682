//! Parsing catalog YAML files (frameworks, profiles, capability and bundle catalogs)
//! into raw values, with a diagnostic for every problem.

use crate::diag::{Code, Diagnostic, Location};
use crate::yaml::{Node, Reader, SourceFile, Value};

#[derive(Debug, Clone)]
pub struct RawControl {
    pub id: String,
    pub title: String,
    pub parent: Option<(String, Location)>,
    pub category: Option<String>,
    pub assessable: bool,
    pub withdrawn: bool,
    pub incorporated_into: Option<String>,
    pub note: Option<String>,
    pub aliases: Vec<String>,
    pub loc: Location,
}

#[derive(Debug, Clone)]
pub enum RawBody {
    Controls(Vec<RawControl>),
    Profile {
        based_on: (String, Location),
        include: Vec<(String, Location)>,
    },
}

#[derive(Debug, Clone)]
pub struct RawFramework {
    pub id: String,
    pub name: String,
    pub version: String,
    pub aliases: Vec<String>,
    pub source: String,
    pub origin: String,
    pub builtin: bool,
    pub body: RawBody,
    pub loc: Location,
}

#[derive(Debug, Clone)]
pub struct RawCapability {
    pub name: String,
    pub description: String,
    /// (framework name, control text, location)
    pub controls: Vec<(String, String, Location)>,
    pub builtin: bool,
    pub loc: Location,
}

#[derive(Debug, Clone)]
pub struct RawBundle {
    pub name: String,
    pub framework: (String, Location),
    pub controls: Vec<(String, Location)>,
    pub builtin: bool,
    pub loc: Location,
}

#[derive(Debug, Clone)]
pub enum RawCatalogFile {
    Framework(Box<RawFramework>),
    Catalog {
        capabilities: Vec<RawCapability>,
        bundles: Vec<RawBundle>,
        mappings: Vec<super::mapping::RawMapping>,
    },
}

const FRAMEWORK_KEYS: &[&str] = &[
    "id",
    "name",
    "version",
    "aliases",
    "source",
    "description",
    "controls",
    "based_on",
    "include",
];
const CONTROL_KEYS: &[&str] = &[
    "id",
    "title",
    "parent",
    "category",
    "assessable",
    "withdrawn",
    "incorporated_into",
    "aliases",
    "note",
];

/// Parses one catalog file. `builtin` marks the embedded catalogs.
/// Returns what could be read and every problem found, so later checks still run.
pub fn parse_catalog_file(
    file: &SourceFile,
    builtin: bool,
) -> (Option<RawCatalogFile>, Vec<Diagnostic>) {
    let root = match parse_root(file) {
        Ok(r) => r,
        Err(d) => return (None, d),
    };
    let mut r = Reader::new(file);
    let loc = |n: &Node| file.location(n.line, n.col);
    let out = if root.get("id").is_some() {
        parse_framework(&mut r, &root, builtin).map(|f| RawCatalogFile::Framework(Box::new(f)))
    } else if root.get("capabilities").is_some()
        || root.get("bundles").is_some()
        || root.get("mappings").is_some()
    {
        let mut capabilities = Vec::new();
        let mut bundles = Vec::new();
        r.strict_map(
            &root,
            "a capability catalog",
            &["capabilities", "bundles", "mappings"],
        );
        let mappings = root
            .get("mappings")
            .map(|m| super::mapping::parse(&mut r, m, builtin))
            .unwrap_or_default();
        if let Some(caps) = root.get("capabilities") {
            for (knode, name, v) in r.map(caps, "capabilities") {
                if r.strict_map(
                    v,
                    &format!("capability `{name}`"),
                    &["description", "controls"],
                )
                .is_none()
                {
                    continue;
                }
                let description = v
                    .get("description")
                    .and_then(|d| r.string(d, "description"))
                    .unwrap_or_default();
                let mut controls = Vec::new();
                if let Some(c) = v.get("controls") {
                    for (_, fw, list) in r.map(c, "controls") {
                        for (text, n) in r.string_list(list, &format!("controls.{fw}")) {
                            controls.push((fw.clone(), text, loc(n)));
                        }
                    }
                }
                capabilities.push(RawCapability {
                    name,
                    description,
                    controls,
                    builtin,
                    loc: loc(knode),
                });
            }
        }
        if let Some(bs) = root.get("bundles") {
            for (knode, name, v) in r.map(bs, "bundles") {
                if r.strict_map(
                    v,
                    &format!("bundle `{name}`"),
                    &["framework", "controls", "description"],
                )
                .is_none()
                {
                    continue;
                }
                let Some(fw_node) = v.get("framework") else {
                    r.error(
                        knode,
                        Code::MissingKey,
                        format!("bundle `{name}` has no `framework:`"),
                        "add `framework: <id>`".into(),
                    );
                    continue;
                };
                let Some(fw) = r.string(fw_node, "framework") else {
                    continue;
                };
                let controls = v
                    .get("controls")
                    .map(|c| r.string_list(c, "controls"))
                    .unwrap_or_default()
                    .into_iter()
                    .map(|(t, n)| (t, loc(n)))
                    .collect();
                bundles.push(RawBundle {
                    name,
                    framework: (fw, loc(fw_node)),
                    controls,
                    builtin,
                    loc: loc(knode),
                });
            }
        }
        Some(RawCatalogFile::Catalog {
            capabilities,
            bundles,
            mappings,
        })
    } else {
        r.error(
            &root,
            Code::BadCatalogFile,
            "this file is neither a framework (top-level `id:`) nor a catalog of capabilities, bundles or mappings (`capabilities:`, `bundles:`, `mappings:`)".into(),
            "add `id:` and `controls:` for a framework, or move the file out of frameworks/".into(),
        );
        None
    };
    (out, r.diags)
}

fn parse_root(file: &SourceFile) -> Result<Node, Vec<Diagnostic>> {
    let root = crate::yaml::parse(file).map_err(|d| vec![d])?;
    if root.as_map().is_none() {
        return Err(vec![
            file.diag(
                Diagnostic::error(
                    Code::WrongType,
                    format!("a catalog file must be a mapping, found {}", root.kind()),
                )
                .help("start the file with `id:` (a framework) or `capabilities:` / `bundles:`"),
                &root,
            ),
        ]);
    }
    Ok(root)
}

fn required_string(r: &mut Reader<'_>, map: &Node, key: &str, what: &str) -> Option<String> {
    match map.get(key) {
        Some(n) => r.string(n, key),
        None => {
            r.error(
                map,
                Code::MissingKey,
                format!("{what} has no `{key}:`"),
                format!("add `{key}:`"),
            );
            None
        }
    }
}

fn parse_framework(r: &mut Reader<'_>, root: &Node, builtin: bool) -> Option<RawFramework> {
    let file = r.file;
    r.strict_map(root, "a framework", FRAMEWORK_KEYS);
    let id = required_string(r, root, "id", "a framework")?;
    let name = required_string(r, root, "name", "a framework").unwrap_or_else(|| id.clone());
    let version = required_string(r, root, "version", "a framework").unwrap_or_default();
    let source = required_string(r, root, "source", "a framework").unwrap_or_default();
    let aliases = root
        .get("aliases")
        .map(|a| {
            r.string_list(a, "aliases")
                .into_iter()
                .map(|(s, _)| s)
                .collect()
        })
        .unwrap_or_default();
    let loc = |n: &Node| file.location(n.line, n.col);
    let body = match (root.get("controls"), root.get("based_on")) {
        (Some(_), Some(b)) => {
            r.error(
                b,
                Code::BadProfile,
                "a framework has either `controls:` or `based_on:` + `include:`, not both".into(),
                "remove one of them".into(),
            );
            return None;
        }
        (None, Some(b)) => {
            let based_on = r.string(b, "based_on")?;
            let include = match root.get("include") {
                Some(i) => r
                    .string_list(i, "include")
                    .into_iter()
                    .map(|(s, n)| (s, loc(n)))
                    .collect(),
                None => {
                    r.error(
                        root,
                        Code::MissingKey,
                        "a profile needs `include:` (the ids it selects)".into(),
                        "add `include: [ids…]`".into(),
                    );
                    Vec::new()
                }
            };
            RawBody::Profile {
                based_on: (based_on, loc(b)),
                include,
            }
        }
        (Some(c), None) => RawBody::Controls(parse_controls(r, c)),
        (None, None) => {
            r.error(
                root,
                Code::MissingKey,
                format!("framework `{id}` has neither `controls:` nor `based_on:`"),
                "list its controls under `controls:`".into(),
            );
            return None;
        }
    };
    Some(RawFramework {
        id,
        name,
        version,
        aliases,
        source,
        origin: if builtin {
            format!("built-in:{}", file.display)
        } else {
            file.display.to_string()
        },
        builtin,
        body,
        loc: loc(root),
    })
}

fn parse_controls(r: &mut Reader<'_>, node: &Node) -> Vec<RawControl> {
    let file = r.file;
    let Value::Seq(items) = &node.value else {
        r.error(
            node,
            Code::WrongType,
            format!("`controls` must be a list, found {}", node.kind()),
            "write `- { id: \"…\", title: \"…\" }` lines".into(),
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for item in items {
        if r.strict_map(item, "a control", CONTROL_KEYS).is_none() {
            continue;
        }
        let Some(id) = required_string(r, item, "id", "a control") else {
            continue;
        };
        let title = required_string(r, item, "title", "a control").unwrap_or_default();
        let opt = |r: &mut Reader<'_>, k: &str| item.get(k).and_then(|n| r.string(n, k));
        let flag = |r: &mut Reader<'_>, k: &str, d: bool| {
            item.get(k).and_then(|n| r.bool(n, k)).unwrap_or(d)
        };
        let parent = item.get("parent").and_then(|n| {
            r.string(n, "parent")
                .map(|s| (s, file.location(n.line, n.col)))
        });
        let aliases = item
            .get("aliases")
            .map(|a| {
                r.string_list(a, "aliases")
                    .into_iter()
                    .map(|(s, _)| s)
                    .collect()
            })
            .unwrap_or_default();
        out.push(RawControl {
            id,
            title,
            parent,
            category: opt(r, "category"),
            assessable: flag(r, "assessable", true),
            withdrawn: flag(r, "withdrawn", false),
            incorporated_into: opt(r, "incorporated_into"),
            note: opt(r, "note"),
            aliases,
            loc: file.location(item.line, item.col),
        });
    }
    out
}

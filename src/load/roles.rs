//! Roles (a global namespace of configcrate sets, resolved through `includes`) and the
//! resolution of configcrate and role names used by the envoy tree.

use super::stacks::Parsed;
use crate::diag::{Code, Diagnostic, Diagnostics, Location, did_you_mean_hint};
use crate::yaml::{Node, Reader, SourceFile};
use std::collections::{BTreeMap, HashMap, HashSet};

pub(super) struct Names<'a> {
    pub crates: &'a HashMap<String, u32>,
    pub broken_crates: &'a HashSet<String>,
    /// A roles.vgo failed to parse: an unknown role may be one of its roles.
    pub roles_broken: bool,
}

impl Names<'_> {
    pub fn configcrate(&self, r: &mut Reader<'_>, name: &str, node: &Node) -> Option<u32> {
        if let Some(&i) = self.crates.get(name) {
            return Some(i);
        }
        if self.broken_crates.contains(name) {
            return None;
        }
        let hint = did_you_mean_hint(name, self.crates.keys().map(String::as_str));
        r.error(
            node,
            Code::UnknownConfigcrate,
            format!("no configcrate is named `{name}`"),
            format!("{hint}configcrates are the .vgo files under configcrates/ (their `name:` or file stem)"),
        );
        None
    }
}

struct RawRole<'n> {
    crates: Vec<u32>,
    includes: Vec<(String, &'n Node)>,
}

pub(super) fn load<'p>(
    files: impl Iterator<Item = &'p Parsed>,
    names: &Names<'_>,
    diags: &mut Diagnostics,
) -> HashMap<String, Vec<u32>> {
    let mut raw: BTreeMap<String, (RawRole<'p>, &'p SourceFile)> = BTreeMap::new();
    for p in files {
        let Some(roles) = p.root.get("roles") else {
            continue;
        };
        let mut r = Reader::new(&p.src);
        for (knode, name, def) in r.map(roles, "roles") {
            if r.strict_map(
                def,
                &format!("role `{name}`"),
                &["configcrates", "includes", "description"],
            )
            .is_none()
            {
                continue;
            }
            let mut crates = Vec::new();
            if let Some(n) = def.get("configcrates") {
                for (c, item) in r.string_list(n, "configcrates") {
                    if let Some(i) = names.configcrate(&mut r, &c, item) {
                        crates.push(i);
                    }
                }
            }
            let includes = def
                .get("includes")
                .map(|n| r.string_list(n, "includes"))
                .unwrap_or_default()
                .into_iter()
                .collect();
            if let Some((_, prev_src)) = raw.get(&name) {
                let d = p.src.diag(
                    Diagnostic::error(
                        Code::DuplicateRole,
                        format!("role `{name}` is defined twice"),
                    )
                    .related(Location::file_only(&prev_src.display))
                    .help("role names are global: rename or merge one of them"),
                    knode,
                );
                r.diags.push(d);
                continue;
            }
            raw.insert(name, (RawRole { crates, includes }, &p.src));
        }
        diags.extend(r.diags);
    }
    // Resolve includes depth-first, reporting unknown names and cycles.
    let mut resolved: HashMap<String, Vec<u32>> = HashMap::new();
    for name in raw.keys() {
        let mut stack = Vec::new();
        resolve_role(
            name,
            &raw,
            &mut resolved,
            &mut stack,
            names.roles_broken,
            diags,
        );
    }
    resolved
}

fn resolve_role(
    name: &str,
    raw: &BTreeMap<String, (RawRole<'_>, &SourceFile)>,
    done: &mut HashMap<String, Vec<u32>>,
    stack: &mut Vec<String>,
    roles_broken: bool,
    diags: &mut Diagnostics,
) -> Vec<u32> {
    if let Some(v) = done.get(name) {
        return v.clone();
    }
    let Some((role, src)) = raw.get(name) else {
        return Vec::new();
    };
    stack.push(name.to_string());
    let mut crates = role.crates.clone();
    for (inc, node) in &role.includes {
        if stack.iter().any(|s| s == inc) {
            diags.push(
                src.diag(
                    Diagnostic::error(
                        Code::RoleCycle,
                        format!("role `{name}` includes `{inc}`, which includes `{name}` again"),
                    )
                    .help(format!("break the cycle: {} → {inc}", stack.join(" → "))),
                    node,
                ),
            );
            continue;
        }
        if !raw.contains_key(inc) {
            if roles_broken {
                continue;
            }
            let hint = did_you_mean_hint(inc, raw.keys().map(String::as_str));
            diags.push(
                src.diag(
                    Diagnostic::error(
                        Code::UnknownRole,
                        format!("role `{name}` includes unknown role `{inc}`"),
                    )
                    .help(format!("{hint}define it in roles.vgo")),
                    node,
                ),
            );
            continue;
        }
        crates.extend(resolve_role(inc, raw, done, stack, roles_broken, diags));
    }
    stack.pop();
    crates.sort_unstable();
    crates.dedup();
    done.insert(name.to_string(), crates.clone());
    crates
}

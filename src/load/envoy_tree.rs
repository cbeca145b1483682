//! The envoy tree: `common.vgo` inheritance per directory and the match blocks of the leaf
//! files, in match order, with everything inherited folded into each block.

use super::host_globs::HostGlobs;
use super::roles::Names;
use super::stacks::{Kind, Parsed, parent_dir};
use crate::diag::{Code, Diagnostic, Diagnostics, did_you_mean_hint};
use crate::yaml::{Node, Reader, Value};
use globset::GlobBuilder;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// An envoy match block, with everything inherited already folded in.
#[derive(Debug)]
pub struct Block {
    /// `file:line`, the block's identifier in reports.
    pub source: Arc<str>,
    /// The leaf file's directory relative to the stacks root.
    pub dir: PathBuf,
    pub configcrates: Arc<[u32]>,
    pub labels: Arc<BTreeMap<String, String>>,
    pub environment: Option<Arc<str>>,
}

/// The match blocks and one matcher over all their globs (pattern i is block i).
pub(super) struct EnvoyTree {
    pub blocks: Vec<Block>,
    pub globs: Arc<HostGlobs>,
}

pub(super) fn load(
    files: &[Parsed],
    names: &Names<'_>,
    roles: &HashMap<String, Vec<u32>>,
    diags: &mut Diagnostics,
) -> EnvoyTree {
    let of = |k: Kind| files.iter().filter(move |p| p.kind == k);
    // common.vgo per directory.
    let mut commons: BTreeMap<PathBuf, Inherit> = BTreeMap::new();
    for p in of(Kind::Common) {
        let mut r = Reader::new(&p.src);
        let inh = read_inherit(&mut r, &p.root, names, roles);
        diags.extend(r.diags);
        commons.insert(parent_dir(&p.rel), inh);
    }

    // Match blocks, leaf files in path order (component-wise), blocks in file order.
    let mut leaves: Vec<&Parsed> = of(Kind::Leaf).collect();
    leaves.sort_by(|a, b| a.rel.cmp(&b.rel));
    let mut blocks = Vec::new();
    let mut globs: Vec<globset::Glob> = Vec::new();
    let mut glob_at = Vec::new();
    for p in leaves {
        let Some(list) = p.root.get("envoys").filter(|l| !l.is_null()) else {
            continue;
        };
        let mut r = Reader::new(&p.src);
        let dir = parent_dir(&p.rel);
        let chain = inherit_chain(&commons, &dir);
        let Value::Seq(items) = &list.value else {
            r.error(
                list,
                Code::WrongType,
                format!(
                    "`envoys` must be a list of match blocks, found {}",
                    list.kind()
                ),
                "write `- match: \"web-*\"` items".into(),
            );
            diags.extend(r.diags);
            continue;
        };
        for item in items {
            if item.as_map().is_none() {
                r.error(
                    item,
                    Code::WrongType,
                    format!("a match block must be a mapping, found {}", item.kind()),
                    "write `- match: \"web-*\"`".into(),
                );
                continue;
            }
            let Some(mnode) = item.get("match") else {
                r.error(
                    item,
                    Code::MissingKey,
                    "match block has no `match:` hostname glob".into(),
                    "add `match: \"host-*.example.com\"`".into(),
                );
                continue;
            };
            let Some(pattern) = r.string(mnode, "match") else {
                continue;
            };
            let glob = match compile_glob(&pattern) {
                Ok(g) => g,
                Err(e) => {
                    r.error(
                        mnode,
                        Code::BadGlob,
                        format!("invalid hostname glob `{pattern}`: {e}"),
                        "use `*`, `?` and `[...]` classes, e.g. \"web-*.prod.example.com\"".into(),
                    );
                    continue;
                }
            };
            let own = read_inherit(&mut r, item, names, roles);
            let mut crates: Vec<u32> = chain
                .iter()
                .flat_map(|c| c.configcrates.iter().copied())
                .collect();
            crates.extend(own.configcrates.iter().copied());
            crates.sort_unstable();
            crates.dedup();
            let mut labels = BTreeMap::new();
            for c in &chain {
                labels.extend(c.labels.clone());
            }
            labels.extend(own.labels);
            let environment = item
                .get("environment")
                .and_then(|n| r.string(n, "environment"))
                .map(Arc::from);
            globs.push(glob);
            glob_at.push(p.src.location(mnode.line, mnode.col));
            blocks.push(Block {
                source: Arc::from(format!("{}:{}", p.src.display, item.line)),
                dir: dir.clone(),
                configcrates: crates.into(),
                labels: Arc::new(labels),
                environment,
            });
        }
        diags.extend(r.diags);
    }
    let globs = HostGlobs::new("envoy-tree", &globs).unwrap_or_else(|(i, e)| {
        diags.push(
            Diagnostic::error(
                Code::BadGlob,
                format!("cannot build the hostname matcher: {e}"),
            )
            .at(glob_at[i].clone())
            .help("simplify the match glob"),
        );
        HostGlobs::empty()
    });
    EnvoyTree { blocks, globs }
}

#[derive(Debug, Default, Clone)]
struct Inherit {
    configcrates: Vec<u32>,
    labels: BTreeMap<String, String>,
}

fn inherit_chain<'a>(commons: &'a BTreeMap<PathBuf, Inherit>, dir: &Path) -> Vec<&'a Inherit> {
    // Parent before child: the stacks root, then each directory down to `dir`.
    let mut out = Vec::new();
    let mut acc = PathBuf::new();
    if let Some(c) = commons.get(&acc) {
        out.push(c);
    }
    for comp in dir.components() {
        acc.push(comp);
        if let Some(c) = commons.get(&acc) {
            out.push(c);
        }
    }
    out
}

fn read_inherit(
    r: &mut Reader<'_>,
    node: &Node,
    names: &Names<'_>,
    roles: &HashMap<String, Vec<u32>>,
) -> Inherit {
    let mut out = Inherit::default();
    if let Some(n) = node.get("configcrates") {
        for (name, item) in r.string_list(n, "configcrates") {
            if let Some(i) = names.configcrate(r, &name, item) {
                out.configcrates.push(i);
            }
        }
    }
    if let Some(n) = node.get("roles") {
        for (name, item) in r.string_list(n, "roles") {
            match roles.get(&name) {
                Some(crates) => out.configcrates.extend(crates.iter().copied()),
                None if names.roles_broken => {}
                None => {
                    let hint = did_you_mean_hint(&name, roles.keys().map(String::as_str));
                    r.error(
                        item,
                        Code::UnknownRole,
                        format!("no role is named `{name}`"),
                        format!("{hint}roles are defined in roles.vgo under `roles:`"),
                    );
                }
            }
        }
    }
    if let Some(n) = node.get("labels") {
        out.labels = r.labels(n, "labels").into_iter().collect();
    }
    out.configcrates.sort_unstable();
    out.configcrates.dedup();
    out
}

pub fn compile_glob(pattern: &str) -> Result<globset::Glob, globset::Error> {
    GlobBuilder::new(pattern)
        .case_insensitive(true)
        .literal_separator(false)
        .backslash_escape(true)
        .build()
}

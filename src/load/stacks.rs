//! The stacks tree, read in stages: every `.vgo` file is classified and parsed once
//! ([`parse_file`]), then configcrates, roles, the envoy tree and waivers are read from the
//! parsed files, each by its own module.

use super::configcrates::{self, probable_names};
use super::envoy_tree::{self, Block};
use super::host_globs::{HostGlobs, Scratch};
use super::roles::{self, Names};
use super::waivers::{self, WaiverFilter};
use super::{InputLog, display_path, read_source, sorted_files};
use crate::catalog::Catalog;
use crate::diag::{Code, Diagnostic, Diagnostics, Location};
use crate::model::{Configcrate, Waiver};
use crate::settings::Settings;
use crate::yaml::{self, Node, SourceFile};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub struct Tree {
    pub configcrates: Vec<Configcrate>,
    pub crate_index: HashMap<String, u32>,
    /// Names of configcrates whose file failed to read or parse: references to them are not
    /// errors of their own (the file's error says it all).
    pub broken_crates: HashSet<String>,
    pub blocks: Vec<Block>,
    pub globs: Arc<HostGlobs>,
    pub waivers: Vec<Waiver>,
    pub decisions: Vec<crate::model::Decision>,
    pub waiver_filters: Vec<WaiverFilter>,
}

impl Tree {
    /// The index of the first block whose glob matches (blocks are in match order).
    pub fn match_block(&self, hostname: &str, scratch: &mut Scratch) -> Option<usize> {
        self.globs.matches_into(hostname, scratch);
        scratch.0.first().map(|&i| i as usize)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Configcrate,
    CrateCompliance,
    Common,
    Roles,
    Waivers,
    Leaf,
}

pub(super) fn classify(rel: &Path, stacks_is_repo: bool) -> Option<Kind> {
    let first = rel.components().next()?.as_os_str().to_str()?;
    let name = rel.file_name()?.to_str()?;
    if rel.components().count() > 1 {
        match first {
            "configcrates" => {
                return Some(if name == "compliance.vgo" {
                    Kind::CrateCompliance
                } else {
                    Kind::Configcrate
                });
            }
            "usercrates" | "templates" => return None,
            "inventory" | "traits" | "audit" | "frameworks" | "evidence" | "target"
                if stacks_is_repo =>
            {
                return None;
            }
            _ => {}
        }
    }
    Some(match name {
        "common.vgo" => Kind::Common,
        "roles.vgo" => Kind::Roles,
        "waivers.vgo" | "compliance.vgo" => Kind::Waivers,
        _ => Kind::Leaf,
    })
}

/// A `.vgo` file read and parsed into a mapping.
pub(super) struct Parsed {
    /// Path relative to the stacks root.
    pub rel: PathBuf,
    pub kind: Kind,
    pub src: SourceFile,
    pub root: Node,
}

/// A .vgo file that could not be read or parsed: its diagnostic, and its text if it was read.
pub(super) struct Failed {
    pub diag: Diagnostic,
    pub text: Option<String>,
}

pub(super) fn parent_dir(rel: &Path) -> PathBuf {
    rel.parent().map(Path::to_path_buf).unwrap_or_default()
}

/// Reads and parses one `.vgo` file of the stacks tree (`rel` under it): the stage every
/// file goes through, in `load` and in `check FILES`.
pub(super) fn parse_file(
    settings: &Settings,
    rel: &Path,
    kind: Kind,
    inputs: &InputLog,
) -> Result<Parsed, Failed> {
    let path = settings.paths.stacks.join(rel);
    let src = read_source(settings, &path, inputs).map_err(|diag| Failed { diag, text: None })?;
    let root = match yaml::parse(&src) {
        Ok(root) => root,
        Err(diag) => {
            let text = Some(src.text);
            return Err(Failed { diag, text });
        }
    };
    if root.as_map().is_none() {
        let diag = src.diag(
            Diagnostic::error(
                Code::WrongType,
                format!(
                    "a .vgo file must be a mapping of keys, found {}",
                    root.kind()
                ),
            )
            .help("start the file with `name:` or another key"),
            &root,
        );
        return Err(Failed { diag, text: None });
    }
    Ok(Parsed {
        rel: rel.to_path_buf(),
        kind,
        src,
        root,
    })
}

/// `waivers:` in a file that is not read for waivers would be silently ignored: say so.
pub(super) fn misplaced_waivers(p: &Parsed) -> Option<Diagnostic> {
    if matches!(p.kind, Kind::Waivers | Kind::CrateCompliance) {
        return None;
    }
    let n = p.root.get("waivers")?;
    Some(p.src.diag(
        Diagnostic::warning(Code::MisplacedWaivers, "`waivers:` is only read from waivers.vgo and compliance.vgo files of the envoy tree; these are ignored")
            .help("move them to a waivers.vgo in the directory whose envoys they cover"),
        n,
    ))
}

pub fn load(
    settings: &Settings,
    catalog: &Catalog,
    inputs: &InputLog,
    diags: &mut Diagnostics,
) -> Tree {
    let stacks = &settings.paths.stacks;
    let repo = &settings.paths.repo;
    let stacks_is_repo = stacks.canonicalize().ok() == repo.canonicalize().ok();
    let files = sorted_files(settings, stacks, |p| super::ext(p) == Some("vgo"), diags);
    let parsed: Vec<(PathBuf, Kind, Result<Parsed, Failed>)> = files
        .par_iter()
        .filter_map(|path| {
            let rel = path.strip_prefix(stacks).unwrap_or(path).to_path_buf();
            let kind = classify(&rel, stacks_is_repo)?;
            let p = parse_file(settings, &rel, kind, inputs);
            Some((rel, kind, p))
        })
        .collect();
    let mut files = Vec::new();
    let mut broken_crates = HashSet::new();
    let mut roles_broken = false;
    for (rel, kind, p) in parsed {
        match p {
            Ok(p) => files.push(p),
            Err(Failed { diag, text }) => {
                diags.push(diag);
                match kind {
                    Kind::Configcrate => {
                        broken_crates.extend(probable_names(&rel, text.as_deref()))
                    }
                    Kind::Roles => roles_broken = true,
                    _ => {}
                }
            }
        }
    }

    let crates = configcrates::load(&files, catalog, diags);
    if crates.list.is_empty() && diags.error_count() == 0 {
        let shown = display_path(repo, stacks);
        diags.push(
            Diagnostic::error(Code::NoConfigcrates, format!("no configcrates found under `{shown}/configcrates/`"))
                .at(Location::file_only(&Arc::from(shown.as_str())))
                .help("point --repo at a Vigo stacks repository (configcrates are stacks/configcrates/**/*.vgo)"),
        );
    }
    let names = Names {
        crates: &crates.index,
        broken_crates: &broken_crates,
        roles_broken,
    };
    let roles = roles::load(
        files.iter().filter(|p| p.kind == Kind::Roles),
        &names,
        diags,
    );
    let envoy_tree = envoy_tree::load(&files, &names, &roles, diags);
    let (waivers, waiver_filters) = waivers::load(&files, catalog, settings, diags);
    let decisions = super::applicability::load(&files, catalog, settings, diags);
    diags.extend(files.iter().filter_map(misplaced_waivers));
    Tree {
        configcrates: crates.list,
        crate_index: crates.index,
        broken_crates,
        blocks: envoy_tree.blocks,
        globs: envoy_tree.globs,
        waivers,
        waiver_filters,
        decisions,
    }
}

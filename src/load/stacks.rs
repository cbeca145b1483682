//! The stacks tree: configcrates (with inherited `compliance.vgo`), roles, `common.vgo`
//! inheritance, envoy match blocks and waivers.

use super::{InputLog, display_path, read_source, sorted_files};
use crate::catalog::Catalog;
use crate::diag::{Code, Diagnostic, Diagnostics, Location, did_you_mean};
use crate::model::{Claim, ClaimSource, Configcrate, WaivedControl, Waiver, WaiverState};
use crate::settings::Settings;
use crate::yaml::{self, Node, Reader, SourceFile, Value};
use globset::{GlobBuilder, GlobMatcher, GlobSet, GlobSetBuilder};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// An envoy match block, with everything inherited already folded in.
#[derive(Debug)]
pub struct Block {
    /// `file:line`, the block's identifier in reports.
    pub source: Arc<str>,
    /// The leaf file's directory relative to the stacks root.
    pub dir: PathBuf,
    pub configcrates: Vec<u32>,
    pub labels: BTreeMap<String, String>,
    pub environment: Option<String>,
}

#[derive(Debug)]
pub struct WaiverFilter {
    pub scope_dir: PathBuf,
    pub envoys: Option<GlobMatcher>,
}

pub struct Tree {
    pub configcrates: Vec<Configcrate>,
    pub crate_index: HashMap<String, u32>,
    /// Names of configcrates whose file failed to read or parse: references to them are not
    /// errors of their own (the file's error says it all).
    pub broken_crates: HashSet<String>,
    pub blocks: Vec<Block>,
    pub globs: GlobSet,
    pub waivers: Vec<Waiver>,
    pub waiver_filters: Vec<WaiverFilter>,
}

impl Tree {
    /// The index of the first block whose glob matches (blocks are in match order).
    pub fn match_block(&self, hostname: &str, scratch: &mut Vec<usize>) -> Option<usize> {
        self.globs.matches_into(hostname, scratch);
        scratch.iter().copied().min()
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

struct Parsed {
    rel: PathBuf,
    kind: Kind,
    src: SourceFile,
    root: Node,
}

fn parent_dir(rel: &Path) -> PathBuf {
    rel.parent().map(Path::to_path_buf).unwrap_or_default()
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
            let src = match read_source(settings, path, inputs) {
                Ok(src) => src,
                Err(diag) => return Some((rel, kind, Err(Failed { diag, text: None }))),
            };
            let root = match yaml::parse(&src) {
                Ok(root) => root,
                Err(diag) => {
                    let text = Some(src.text);
                    return Some((rel, kind, Err(Failed { diag, text })));
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
                return Some((rel, kind, Err(Failed { diag, text: None })));
            }
            Some((
                rel.clone(),
                kind,
                Ok(Parsed {
                    rel,
                    kind,
                    src,
                    root,
                }),
            ))
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
    let of = |k: Kind| files.iter().filter(move |p| p.kind == k);

    // Configcrates and the claims they inherit.
    let inherited: Vec<(PathBuf, Vec<Claim>)> = of(Kind::CrateCompliance)
        .map(|p| {
            let mut r = Reader::new(&p.src);
            let claims = read_claims(
                &mut r,
                &p.root,
                catalog,
                ClaimSource::Inherited(p.src.display.clone()),
            );
            diags.extend(r.diags);
            (parent_dir(&p.rel), claims)
        })
        .collect();
    let mut configcrates: Vec<(Configcrate, Location)> = Vec::new();
    for p in of(Kind::Configcrate) {
        let mut r = Reader::new(&p.src);
        let name = ["name", "configcrate"]
            .iter()
            .find_map(|k| p.root.get(k).map(|n| (k, n)))
            .and_then(|(k, n)| r.string(n, k))
            .unwrap_or_else(|| {
                p.rel
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default()
            });
        let name_node = p.root.get("name").or_else(|| p.root.get("configcrate"));
        let loc = match name_node {
            Some(n) => p.src.location(n.line, n.col),
            None => p.src.location(1, 1),
        };
        let mut claims = read_claims(&mut r, &p.root, catalog, ClaimSource::Tag);
        let dir = parent_dir(&p.rel);
        for (idir, icl) in &inherited {
            if dir.starts_with(idir) {
                claims.extend(icl.iter().cloned());
            }
        }
        diags.extend(r.diags);
        configcrates.push((
            Configcrate {
                name,
                file: p.src.display.clone(),
                claims,
            },
            loc,
        ));
    }
    configcrates.sort_by(|a, b| a.0.name.cmp(&b.0.name).then(a.1.cmp(&b.1)));
    let mut crate_index = HashMap::new();
    let mut unique: Vec<Configcrate> = Vec::new();
    let mut first_loc: Vec<Location> = Vec::new();
    for (c, loc) in configcrates {
        if unique.last().is_some_and(|u| u.name == c.name) {
            let prev = first_loc.last().cloned();
            diags.push(
                Diagnostic::error(
                    Code::DuplicateConfigcrate,
                    format!("configcrate name `{}` is used by two files", c.name),
                )
                .at(loc)
                .related(prev.unwrap_or_else(|| Location::file_only(&c.file)))
                .help(
                    "rename one of them with `name:` (names must be unique across configcrates/)",
                ),
            );
            continue;
        }
        crate_index.insert(c.name.clone(), unique.len() as u32);
        unique.push(c);
        first_loc.push(loc);
    }
    if unique.is_empty() && diags.error_count() == 0 {
        let shown = display_path(repo, stacks);
        diags.push(
            Diagnostic::error(Code::NoConfigcrates, format!("no configcrates found under `{shown}/configcrates/`"))
                .at(Location::file_only(&Arc::from(shown.as_str())))
                .help("point --repo at a Vigo stacks repository (configcrates are stacks/configcrates/**/*.vgo)"),
        );
    }
    let names = Names {
        crates: &crate_index,
        broken_crates: &broken_crates,
        roles_broken,
    };

    // Roles (a global namespace), resolved transitively through `includes`.
    let roles = load_roles(of(Kind::Roles), &names, diags);

    // common.vgo per directory.
    let mut commons: BTreeMap<PathBuf, Inherit> = BTreeMap::new();
    for p in of(Kind::Common) {
        let mut r = Reader::new(&p.src);
        let inh = read_inherit(&mut r, &p.root, &names, &roles);
        diags.extend(r.diags);
        commons.insert(parent_dir(&p.rel), inh);
    }

    // Match blocks, leaf files in path order (component-wise), blocks in file order.
    let mut leaves: Vec<&Parsed> = of(Kind::Leaf).collect();
    leaves.sort_by(|a, b| a.rel.cmp(&b.rel));
    let mut blocks = Vec::new();
    let mut globs = GlobSetBuilder::new();
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
            let own = read_inherit(&mut r, item, &names, &roles);
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
                .and_then(|n| r.string(n, "environment"));
            globs.add(glob);
            blocks.push(Block {
                source: Arc::from(format!("{}:{}", p.src.display, item.line)),
                dir: dir.clone(),
                configcrates: crates,
                labels,
                environment,
            });
        }
        diags.extend(r.diags);
    }
    let globs = globs.build().unwrap_or_else(|e| {
        diags.push(
            Diagnostic::error(
                Code::BadGlob,
                format!("cannot build the hostname matcher: {e}"),
            )
            .help("simplify the match globs"),
        );
        GlobSet::empty()
    });

    // Waivers.
    let mut waivers = Vec::new();
    let mut waiver_filters = Vec::new();
    for p in of(Kind::Waivers) {
        let Some(list) = p.root.get("waivers") else {
            continue;
        };
        let mut r = Reader::new(&p.src);
        read_waivers(
            &mut r,
            list,
            catalog,
            settings,
            &parent_dir(&p.rel),
            &mut waivers,
            &mut waiver_filters,
        );
        diags.extend(r.diags);
    }
    // A `waivers:` key anywhere else would be silently ignored: say so.
    for p in files
        .iter()
        .filter(|p| !matches!(p.kind, Kind::Waivers | Kind::CrateCompliance))
    {
        if let Some(n) = p.root.get("waivers") {
            diags.push(p.src.diag(
                Diagnostic::warning(Code::MisplacedWaivers, "`waivers:` is only read from waivers.vgo and compliance.vgo files of the envoy tree; these are ignored")
                    .help("move them to a waivers.vgo in the directory whose envoys they cover"),
                n,
            ));
        }
    }
    Tree {
        configcrates: unique,
        crate_index,
        broken_crates,
        blocks,
        globs,
        waivers,
        waiver_filters,
    }
}

pub fn compile_glob(pattern: &str) -> Result<globset::Glob, globset::Error> {
    GlobBuilder::new(pattern)
        .case_insensitive(true)
        .literal_separator(false)
        .backslash_escape(true)
        .build()
}

/// A .vgo file that could not be read or parsed: its diagnostic, and its text if it was read.
struct Failed {
    diag: Diagnostic,
    text: Option<String>,
}

/// The names a configcrate file that failed to parse would have defined: its file stem and
/// the value of a top-level `name:` or `configcrate:` line.
fn probable_names(rel: &Path, text: Option<&str>) -> Vec<String> {
    let mut names: Vec<String> = rel
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .into_iter()
        .collect();
    for line in text.unwrap_or_default().lines() {
        for key in ["name:", "configcrate:"] {
            if let Some(v) = line.strip_prefix(key) {
                let v = v.split(" #").next().unwrap_or_default().trim();
                let v = v.trim_matches(|c| c == '"' || c == '\'');
                if !v.is_empty() {
                    names.push(v.to_string());
                }
            }
        }
    }
    names
}

struct Names<'a> {
    crates: &'a HashMap<String, u32>,
    broken_crates: &'a HashSet<String>,
    /// A roles.vgo failed to parse: an unknown role may be one of its roles.
    roles_broken: bool,
}

impl Names<'_> {
    fn configcrate(&self, r: &mut Reader<'_>, name: &str, node: &Node) -> Option<u32> {
        if let Some(&i) = self.crates.get(name) {
            return Some(i);
        }
        if self.broken_crates.contains(name) {
            return None;
        }
        let hint = did_you_mean(name, self.crates.keys().map(String::as_str))
            .map(|s| format!("did you mean `{s}`? "))
            .unwrap_or_default();
        r.error(
            node,
            Code::UnknownConfigcrate,
            format!("no configcrate is named `{name}`"),
            format!("{hint}configcrates are the .vgo files under configcrates/ (their `name:` or file stem)"),
        );
        None
    }
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
                    let hint = did_you_mean(&name, roles.keys().map(String::as_str))
                        .map(|s| format!("did you mean `{s}`? "))
                        .unwrap_or_default();
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

struct RawRole<'n> {
    crates: Vec<u32>,
    includes: Vec<(String, &'n Node)>,
}

fn load_roles<'p>(
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
            let hint = did_you_mean(inc, raw.keys().map(String::as_str))
                .map(|s| format!("did you mean `{s}`? "))
                .unwrap_or_default();
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

/// `compliance:`, `provides:` and `bundle:` of a configcrate or configcrates/compliance.vgo.
pub(super) fn read_claims(
    r: &mut Reader<'_>,
    root: &Node,
    catalog: &Catalog,
    source: ClaimSource,
) -> Vec<Claim> {
    let mut claims = Vec::new();
    if let Some(comp) = root.get("compliance") {
        for (knode, fw_name, list) in r.map(comp, "compliance") {
            let Some(fw) = catalog.framework_index(&fw_name) else {
                r.error(
                    knode,
                    Code::UnknownFramework,
                    format!("unknown framework `{fw_name}` in `compliance:`"),
                    crate::catalog::suggest_framework(catalog, &fw_name),
                );
                continue;
            };
            for (text, item) in r.string_or_list(list, &format!("compliance.{fw_name}")) {
                match catalog.resolve_control(fw, &text) {
                    Ok((base, control)) => claims.push(Claim {
                        framework: base,
                        control,
                        source: source.clone(),
                    }),
                    Err(e) => {
                        let d = r.file.diag(catalog.control_diagnostic(fw, &text, &e), item);
                        r.diags.push(d);
                    }
                }
            }
        }
    }
    if let Some(p) = root.get("provides") {
        for (name, item) in r.string_or_list(p, "provides") {
            match catalog.capability_index(&name) {
                Some(ci) => {
                    for &(fw, control) in &catalog.capabilities[ci].controls {
                        claims.push(Claim {
                            framework: fw,
                            control,
                            source: ClaimSource::Provides(ci),
                        });
                    }
                }
                None => {
                    let hint =
                        did_you_mean(&name, catalog.capabilities.iter().map(|c| c.name.as_str()))
                            .map(|s| format!("did you mean `{s}`? "))
                            .unwrap_or_default();
                    r.error(
                        item,
                        Code::UnknownCapability,
                        format!("no capability catalog defines `{name}`"),
                        format!(
                            "{hint}see `vigocli catalog list` or add it to frameworks/ in your repo"
                        ),
                    );
                }
            }
        }
    }
    if let Some(b) = root.get("bundle") {
        for (name, item) in r.string_or_list(b, "bundle") {
            match catalog.bundle_index(&name) {
                Some(bi) => {
                    let bundle = &catalog.bundles[bi];
                    for &control in &bundle.controls {
                        claims.push(Claim {
                            framework: bundle.framework,
                            control,
                            source: ClaimSource::Bundle(bi),
                        });
                    }
                }
                None => {
                    let hint = did_you_mean(&name, catalog.bundles.iter().map(|c| c.name.as_str()))
                        .map(|s| format!("did you mean `{s}`? "))
                        .unwrap_or_default();
                    r.error(
                        item,
                        Code::UnknownBundle,
                        format!("no bundle catalog defines `{name}`"),
                        format!(
                            "{hint}see `vigocli catalog list` or add it to frameworks/ in your repo"
                        ),
                    );
                }
            }
        }
    }
    claims
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

pub(super) fn read_waivers(
    r: &mut Reader<'_>,
    list: &Node,
    catalog: &Catalog,
    settings: &Settings,
    dir: &Path,
    out: &mut Vec<Waiver>,
    filters: &mut Vec<WaiverFilter>,
) {
    if list.is_null() {
        return;
    }
    let Value::Seq(items) = &list.value else {
        r.error(
            list,
            Code::WrongType,
            format!("`waivers` must be a list, found {}", list.kind()),
            "write `- control: \"pci-dss:9.2.1\"` items".into(),
        );
        return;
    };
    let as_of_date = settings.as_of.to_zoned(jiff::tz::TimeZone::UTC).date();
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
        let mut controls = Vec::new();
        for (text, node) in &refs {
            let Some((fw_name, ctrl)) = text.split_once(':') else {
                r.error(
                    node,
                    Code::BadWaiver,
                    format!("waiver control `{text}` has no framework"),
                    "write it as `framework:ID`, e.g. \"pci-dss:9.2.1\"".into(),
                );
                continue;
            };
            let Some(fw) = catalog.framework_index(fw_name.trim()) else {
                r.error(
                    node,
                    Code::UnknownFramework,
                    format!("unknown framework `{fw_name}` in waiver"),
                    crate::catalog::suggest_framework(catalog, fw_name.trim()),
                );
                continue;
            };
            match catalog.resolve_control(fw, ctrl.trim()) {
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
                Ok(glob) => Some((g, glob.compile_matcher())),
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
        // Any two dates' distance fits a span of days; saturate rather than panic anyway.
        let days_left = match expires.since(as_of_date) {
            Ok(span) => i64::from(span.get_days()),
            Err(_) if expires < as_of_date => i64::MIN,
            Err(_) => i64::MAX,
        };
        let state = WaiverState::of(days_left, settings.expiring_days);
        out.push(Waiver {
            source: format!("{}:{}", r.file.display, item.line),
            loc: r.file.location(item.line, item.col),
            controls,
            rationale,
            owner,
            expires,
            days_left,
            state,
            scope_dir: dir
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/"),
            envoys_glob: envoys.as_ref().map(|(g, _)| g.clone()),
            labels,
            applied_envoys: 0,
        });
        filters.push(WaiverFilter {
            scope_dir: dir.to_path_buf(),
            envoys: envoys.map(|(_, m)| m),
        });
    }
}

//! Configcrates: their names, the claims they make (`compliance:`, `provides:`, `bundle:`)
//! and the claims they inherit from a `configcrates/**/compliance.vgo` above them.

use super::stacks::{Kind, Parsed, parent_dir};
use crate::catalog::Catalog;
use crate::diag::{Code, Diagnostic, Diagnostics, Location, did_you_mean_hint};
use crate::model::{Claim, ClaimSource, Configcrate};
use crate::yaml::{Node, Reader};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The configcrates of the tree: unique by name, sorted by name, and their index by name.
pub(super) struct Configcrates {
    pub list: Vec<Configcrate>,
    pub index: HashMap<String, u32>,
}

/// Every configcrate with its own and inherited claims; a name used by two files is an error.
pub(super) fn load(files: &[Parsed], catalog: &Catalog, diags: &mut Diagnostics) -> Configcrates {
    let of = |k: Kind| files.iter().filter(move |p| p.kind == k);
    let inherited: Vec<(PathBuf, Vec<Claim>)> = of(Kind::CrateCompliance)
        .map(|p| {
            let mut r = Reader::new(&p.src);
            let claims = read_inherited(&mut r, p, catalog);
            diags.extend(r.diags);
            (parent_dir(&p.rel), claims)
        })
        .collect();
    let mut configcrates: Vec<(Configcrate, Location)> = Vec::new();
    for p in of(Kind::Configcrate) {
        let mut r = Reader::new(&p.src);
        let (name, loc, mut claims) = read_configcrate(&mut r, p, catalog);
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
    let mut index = HashMap::new();
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
        index.insert(c.name.clone(), unique.len() as u32);
        unique.push(c);
        first_loc.push(loc);
    }
    Configcrates {
        list: unique,
        index,
    }
}

/// One configcrate file: its name (`name:` or `configcrate:`, else the file stem), where
/// the name is written, and the claims it makes itself. `check FILES` validates with it too.
pub(super) fn read_configcrate(
    r: &mut Reader<'_>,
    p: &Parsed,
    catalog: &Catalog,
) -> (String, Location, Vec<Claim>) {
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
    let claims = read_claims(r, &p.root, catalog, ClaimSource::Tag);
    (name, loc, claims)
}

/// A `configcrates/**/compliance.vgo`: the claims every configcrate below it inherits.
pub(super) fn read_inherited(r: &mut Reader<'_>, p: &Parsed, catalog: &Catalog) -> Vec<Claim> {
    read_claims(
        r,
        &p.root,
        catalog,
        ClaimSource::Inherited(p.src.display.clone()),
    )
}

/// `compliance:`, `provides:` and `bundle:` of a configcrate or configcrates/compliance.vgo.
fn read_claims(
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
                    let hint = did_you_mean_hint(
                        &name,
                        catalog.capabilities.iter().map(|c| c.name.as_str()),
                    );
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
                    let hint =
                        did_you_mean_hint(&name, catalog.bundles.iter().map(|c| c.name.as_str()));
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

/// The names a configcrate file that failed to parse would have defined: its file stem and
/// the value of a top-level `name:` or `configcrate:` line.
pub(super) fn probable_names(rel: &Path, text: Option<&str>) -> Vec<String> {
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

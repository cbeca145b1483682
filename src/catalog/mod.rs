//! Framework catalogs, profiles, capabilities and bundles: what a control ID means.
//!
//! Built-in catalogs live in `frameworks/` and are embedded at build time; a repository
//! can add its own in `<repo>/frameworks/`, and a repo framework with a built-in id
//! replaces it.

mod build;
mod builtin;
pub mod ids;
pub mod import;
pub mod mapping;
mod parse;
mod subtree;

use crate::diag::{Code, Diagnostic, Diagnostics, Location};
use build::{build_base, replace_or_push};
use std::collections::HashMap;

pub use builtin::{builtin, builtin_files};
pub use parse::{RawCatalogFile, parse_catalog_file};

/// Names a command line accepts for a framework besides its ids and aliases: the report
/// verb `compliance` means HIPAA, for historical reasons. Kept out of the catalog files so
/// that it names no scope table, and out of `catalog list`.
const VERB_ALIASES: &[(&str, &str)] = &[("compliance", "hipaa")];

#[derive(Debug, Clone)]
pub struct Control {
    pub id: String,
    pub title: String,
    pub parent: Option<u32>,
    pub category: Option<String>,
    pub assessable: bool,
    pub withdrawn: bool,
    pub incorporated_into: Option<String>,
    pub note: Option<String>,
}

impl Control {
    pub fn counts(&self) -> bool {
        self.assessable && !self.withdrawn
    }
}

#[derive(Debug, Clone)]
pub struct Framework {
    pub id: String,
    pub name: String,
    pub version: String,
    pub aliases: Vec<String>,
    pub source: String,
    /// Where it was defined: `built-in:frameworks/x.yaml` or a repo path.
    pub origin: String,
    /// Index of the framework whose controls this one uses (itself unless a profile).
    pub base: usize,
    /// Controls (base frameworks only; a profile borrows its base's).
    pub controls: Vec<Control>,
    /// The controls that count, as indices into the base's controls, in report order.
    pub counted: Vec<u32>,
    index: HashMap<String, u32>,
    nist_style: bool,
}

impl Framework {
    pub fn is_profile(&self, my_index: usize) -> bool {
        self.base != my_index
    }
}

#[derive(Debug, Clone)]
pub struct Capability {
    pub name: String,
    pub description: String,
    /// (base framework index, control index)
    pub controls: Vec<(usize, u32)>,
    pub origin: String,
}

#[derive(Debug, Clone)]
pub struct Bundle {
    pub name: String,
    pub framework: usize,
    pub controls: Vec<u32>,
    pub origin: String,
}

#[derive(Debug, Default)]
pub struct Catalog {
    pub frameworks: Vec<Framework>,
    names: HashMap<String, usize>,
    pub capabilities: Vec<Capability>,
    capability_index: HashMap<String, usize>,
    pub bundles: Vec<Bundle>,
    bundle_index: HashMap<String, usize>,
    /// Crosswalks between frameworks, by id.
    pub mappings: Vec<mapping::Mapping>,
}

/// Why a control reference did not resolve. `Ambiguous`: the spelling reads as two
/// different controls (canonical ids), an SP 800-53A assessment objective of `base` or
/// the enhancement `enhancement`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ControlError {
    Unknown { suggestion: Option<String> },
    Heading { children: Vec<String> },
    Withdrawn { into: Option<String> },
    Ambiguous { base: String, enhancement: String },
}

impl Catalog {
    /// The mappings (indices) that lead into framework `fw` from any of `sources`
    /// (framework indices; profiles stand for their base).
    pub fn mappings_into(&self, fw: usize, sources: &[usize]) -> Vec<u32> {
        let to = self.frameworks[fw].base;
        let from: Vec<usize> = sources.iter().map(|&s| self.frameworks[s].base).collect();
        (0..self.mappings.len() as u32)
            .filter(|&m| {
                let m = &self.mappings[m as usize];
                m.to == to && from.contains(&m.from)
            })
            .collect()
    }

    pub fn framework_index(&self, name: &str) -> Option<usize> {
        self.names.get(&ids::key(name)).copied()
    }

    /// A framework named on the command line: an id, an alias or a [verb alias](VERB_ALIASES).
    pub fn find_framework(&self, name: &str) -> Option<usize> {
        let name = VERB_ALIASES
            .iter()
            .find(|(verb, _)| *verb == name)
            .map_or(name, |(_, id)| id);
        self.framework_index(name)
    }

    pub fn framework_names(&self) -> impl Iterator<Item = &str> {
        self.frameworks.iter().flat_map(|f| {
            std::iter::once(f.id.as_str()).chain(f.aliases.iter().map(String::as_str))
        })
    }

    pub fn capability_index(&self, name: &str) -> Option<usize> {
        self.capability_index.get(name).copied()
    }

    pub fn bundle_index(&self, name: &str) -> Option<usize> {
        self.bundle_index.get(name).copied()
    }

    pub fn base_of(&self, fw: usize) -> &Framework {
        &self.frameworks[self.frameworks[fw].base]
    }

    pub fn control(&self, base: usize, idx: u32) -> &Control {
        &self.frameworks[base].controls[idx as usize]
    }

    /// Resolves a control reference in framework `fw` (or its base, for a profile) to the
    /// base framework and control index.
    pub fn resolve_control(&self, fw: usize, text: &str) -> Result<(usize, u32), ControlError> {
        let base_i = self.frameworks[fw].base;
        let base = &self.frameworks[base_i];
        let idx = self.lookup(base_i, text)?;
        let c = &base.controls[idx as usize];
        if c.withdrawn {
            return Err(ControlError::Withdrawn {
                into: c.incorporated_into.clone(),
            });
        }
        if !c.assessable {
            let children = base
                .controls
                .iter()
                .filter(|x| x.parent == Some(idx) && !x.withdrawn)
                .map(|x| x.id.clone())
                .collect();
            return Err(ControlError::Heading { children });
        }
        Ok((base_i, idx))
    }

    /// The control a spelling names in the base framework `base_i`, whatever it is
    /// (heading and withdrawn included): the exact key, else the NIST-style readings
    /// ([`ids::nist_reading`]; two readings that both name a control are refused). A
    /// spelling that names nothing but stands above controls of the catalog (HIPAA
    /// `164.310(d)(2)` above `164.310(d)(2)(i)`–`(iv)`) is a heading of them.
    fn lookup(&self, base_i: usize, text: &str) -> Result<u32, ControlError> {
        let base = &self.frameworks[base_i];
        let k = ids::key(text);
        if let Some(&idx) = base.index.get(&k) {
            return Ok(idx);
        }
        let found = if base.nist_style {
            match ids::nist_reading(text) {
                ids::NistReading::NotNist => None,
                ids::NistReading::One(c) => base.index.get(&c).copied(),
                ids::NistReading::Either {
                    objective_of,
                    enhancement,
                } => match (base.index.get(&objective_of), base.index.get(&enhancement)) {
                    (Some(&a), Some(&b)) if a != b => {
                        return Err(ControlError::Ambiguous {
                            base: base.controls[a as usize].id.clone(),
                            enhancement: base.controls[b as usize].id.clone(),
                        });
                    }
                    (a, b) => a.or(b).copied(),
                },
            }
        } else {
            // A legal citation spelled another way (`500.12.a`, `Art 32(1)(a)`): only when
            // every candidate that names a control names the same one.
            let mut hits = ids::legal_candidates(text)
                .into_iter()
                .filter_map(|c| base.index.get(&c).copied());
            hits.next().filter(|&first| hits.all(|h| h == first))
        };
        if let Some(idx) = found {
            return Ok(idx);
        }
        let children = implied_children(base, &k);
        if !children.is_empty() {
            return Err(ControlError::Heading { children });
        }
        let suggestion = crate::diag::did_you_mean(
            text,
            base.controls
                .iter()
                .filter(|c| c.counts())
                .map(|c| c.id.as_str()),
        )
        .map(str::to_string);
        Err(ControlError::Unknown { suggestion })
    }

    /// The diagnostic for a control reference that did not resolve.
    pub fn control_diagnostic(&self, fw: usize, text: &str, err: &ControlError) -> Diagnostic {
        let f = &self.frameworks[fw];
        let base = self.base_of(fw);
        match err {
            ControlError::Unknown { suggestion } => {
                let help = match suggestion {
                    Some(s) => format!(
                        "did you mean \"{s}\"? {} controls are listed in `vigocli catalog show {}`",
                        base.name, f.id
                    ),
                    None => format!(
                        "use a control ID of {} {} (see `vigocli catalog show {}`)",
                        base.name, base.version, f.id
                    ),
                };
                Diagnostic::error(
                    Code::UnknownControl,
                    format!(
                        "\"{text}\" is not a control of {} {}",
                        base.name, base.version
                    ),
                )
                .help(help)
            }
            ControlError::Heading { children } => {
                let list = if children.is_empty() {
                    "it has no requirements under it".to_string()
                } else {
                    format!(
                        "tag the requirements under it instead: {}",
                        children.join(", ")
                    )
                };
                Diagnostic::error(
                    Code::HeadingControl,
                    format!(
                        "\"{text}\" is a heading of {} {}, not an assessable control",
                        base.name, base.version
                    ),
                )
                .help(list)
            }
            ControlError::Ambiguous {
                base: control,
                enhancement,
            } => Diagnostic::error(
                Code::AmbiguousControl,
                format!(
                    "\"{text}\" could name two controls of {} {}",
                    base.name, base.version
                ),
            )
            .help(format!(
                "{text} reads as an assessment objective of {control}, or as enhancement {enhancement}; write {control} or {enhancement}"
            )),
            ControlError::Withdrawn { into } => Diagnostic::error(
                Code::WithdrawnControl,
                format!(
                    "\"{text}\" is withdrawn from {} {}",
                    base.name, base.version
                ),
            )
            .help(match into {
                Some(i) => format!("it was incorporated into {i}; tag \"{i}\" instead"),
                None => "remove the tag: the control no longer exists".to_string(),
            }),
        }
    }

    /// Builds a catalog from parsed files: built-ins first, then repo files (which replace
    /// built-in frameworks, capabilities and bundles of the same name).
    pub fn build(files: Vec<RawCatalogFile>, diags: &mut Diagnostics) -> Catalog {
        let mut raw_fw: Vec<parse::RawFramework> = Vec::new();
        let mut raw_caps: Vec<parse::RawCapability> = Vec::new();
        let mut raw_bundles: Vec<parse::RawBundle> = Vec::new();
        let mut raw_mappings: Vec<mapping::RawMapping> = Vec::new();
        for file in files {
            match file {
                RawCatalogFile::Framework(f) => {
                    let f = *f;
                    if let Some(pos) = raw_fw.iter().position(|x| x.id == f.id) {
                        if raw_fw[pos].builtin && !f.builtin {
                            raw_fw[pos] = f;
                        } else {
                            diags.push(
                                Diagnostic::error(
                                    Code::DuplicateFramework,
                                    format!("framework `{}` is defined twice", f.id),
                                )
                                .at(f.loc.clone())
                                .related(raw_fw[pos].loc.clone())
                                .help("give one of them another `id:`"),
                            );
                        }
                    } else {
                        raw_fw.push(f);
                    }
                }
                RawCatalogFile::Catalog {
                    capabilities,
                    bundles,
                    mappings,
                } => {
                    for m in mappings {
                        replace_or_push(
                            &mut raw_mappings,
                            m,
                            |x| &x.id,
                            |x| x.builtin,
                            |x| &x.loc,
                            "mapping",
                            diags,
                        );
                    }
                    for c in capabilities {
                        replace_or_push(
                            &mut raw_caps,
                            c,
                            |x| &x.name,
                            |x| x.builtin,
                            |x| &x.loc,
                            "capability",
                            diags,
                        );
                    }
                    for b in bundles {
                        replace_or_push(
                            &mut raw_bundles,
                            b,
                            |x| &x.name,
                            |x| x.builtin,
                            |x| &x.loc,
                            "bundle",
                            diags,
                        );
                    }
                }
            }
        }
        raw_fw.sort_by(|a, b| a.id.cmp(&b.id));
        let mut cat = Catalog::default();

        // Names first, so that profiles can find their base.
        for (i, f) in raw_fw.iter().enumerate() {
            for name in std::iter::once(&f.id).chain(f.aliases.iter()) {
                if let Some(prev) = cat.names.insert(ids::key(name), i)
                    && prev != i
                {
                    diags.push(
                        Diagnostic::error(
                            Code::DuplicateFramework,
                            format!(
                                "framework name `{name}` is used by `{}` and `{}`",
                                raw_fw[prev].id, f.id
                            ),
                        )
                        .at(f.loc.clone())
                        .help("framework ids and aliases must be unique"),
                    );
                }
            }
        }
        for (i, f) in raw_fw.iter().enumerate() {
            cat.frameworks.push(build_base(f, i, diags));
        }
        for (i, f) in raw_fw.iter().enumerate() {
            if let parse::RawBody::Profile { based_on, include } = &f.body {
                let Some(base) = cat.framework_index(&based_on.0) else {
                    diags.push(
                        Diagnostic::error(
                            Code::UnknownFramework,
                            format!("`based_on: {}` names no framework", based_on.0),
                        )
                        .at(based_on.1.clone())
                        .help(suggest_framework(&cat, &based_on.0)),
                    );
                    continue;
                };
                let base = cat.frameworks[base].base;
                if matches!(raw_fw[base].body, parse::RawBody::Profile { .. }) {
                    diags.push(
                        Diagnostic::error(
                            Code::ProfileOfProfile,
                            format!("profile `{}` is based on another profile", f.id),
                        )
                        .at(based_on.1.clone())
                        .help("base a profile on a framework that has `controls:`"),
                    );
                    continue;
                }
                let mut counted = Vec::new();
                let mut seen = std::collections::HashSet::new();
                for (text, loc) in include {
                    match cat.resolve_control(base, text) {
                        Ok((_, idx)) => {
                            if seen.insert(idx) {
                                counted.push(idx);
                            }
                        }
                        Err(e) => {
                            diags.push(cat.control_diagnostic(base, text, &e).at(loc.clone()))
                        }
                    }
                }
                // Report order is the base catalog's order.
                counted.sort_unstable();
                let fw = &mut cat.frameworks[i];
                fw.base = base;
                fw.counted = counted;
            }
        }

        raw_caps.sort_by(|a, b| a.name.cmp(&b.name));
        for c in raw_caps {
            let controls = cat.resolve_refs(&c.controls, c.builtin, diags);
            cat.capability_index
                .insert(c.name.clone(), cat.capabilities.len());
            cat.capabilities.push(Capability {
                name: c.name,
                description: c.description,
                controls,
                origin: c.loc.file.to_string(),
            });
        }
        raw_bundles.sort_by(|a, b| a.name.cmp(&b.name));
        for b in raw_bundles {
            let Some(fw) = cat.framework_index(&b.framework.0) else {
                diags.push(
                    Diagnostic::error(
                        Code::UnknownFramework,
                        format!(
                            "bundle `{}` names unknown framework `{}`",
                            b.name, b.framework.0
                        ),
                    )
                    .at(b.framework.1.clone())
                    .help(suggest_framework(&cat, &b.framework.0)),
                );
                continue;
            };
            let refs: Vec<_> = b
                .controls
                .iter()
                .map(|(t, l)| (b.framework.0.clone(), t.clone(), l.clone()))
                .collect();
            let resolved = cat.resolve_refs(&refs, b.builtin, diags);
            cat.bundle_index.insert(b.name.clone(), cat.bundles.len());
            cat.bundles.push(Bundle {
                name: b.name,
                framework: cat.frameworks[fw].base,
                controls: resolved.into_iter().map(|(_, c)| c).collect(),
                origin: b.loc.file.to_string(),
            });
        }
        raw_mappings.sort_by(|a, b| a.id.cmp(&b.id));
        cat.mappings = mapping::build(&cat, raw_mappings, diags);
        cat
    }

    /// Resolves (framework, control) references. References in built-in catalogs to a
    /// framework a repo replaced are dropped quietly: the repo owns that framework now.
    fn resolve_refs(
        &self,
        refs: &[(String, String, Location)],
        builtin: bool,
        diags: &mut Diagnostics,
    ) -> Vec<(usize, u32)> {
        let mut out = Vec::new();
        for (fw_name, text, loc) in refs {
            let Some(fw) = self.framework_index(fw_name) else {
                if !builtin {
                    diags.push(
                        Diagnostic::error(
                            Code::UnknownFramework,
                            format!("unknown framework `{fw_name}`"),
                        )
                        .at(loc.clone())
                        .help(suggest_framework(self, fw_name)),
                    );
                }
                continue;
            };
            match self.resolve_control(fw, text) {
                Ok(r) => {
                    if !out.contains(&r) {
                        out.push(r);
                    }
                }
                Err(e) => {
                    let replaced = !self.base_of(fw).origin.starts_with("built-in:");
                    if !(builtin && replaced) {
                        diags.push(self.control_diagnostic(fw, text, &e).at(loc.clone()));
                    }
                }
            }
        }
        out
    }
}

/// The controls directly beneath a spelling that is no control of `base` but prefixes
/// some (`164.310(d)(2)` → `164.310(d)(2)(i)`, …; `3.1` → `3.1.1`, …), those that count,
/// in catalog order: the shortest ids below it, not their own children.
fn implied_children(base: &Framework, k: &str) -> Vec<String> {
    if k.is_empty() {
        return Vec::new();
    }
    let below: Vec<(String, &Control)> = base
        .controls
        .iter()
        .filter(|c| c.counts())
        .map(|c| (ids::key(&c.id), c))
        .filter(|(ck, _)| {
            ck.strip_prefix(k)
                .is_some_and(|rest| rest.starts_with('(') || rest.starts_with('.'))
        })
        .collect();
    below
        .iter()
        .filter(|(ck, _)| {
            !below.iter().any(|(other, _)| {
                other != ck
                    && ck
                        .strip_prefix(other.as_str())
                        .is_some_and(|rest| rest.starts_with('(') || rest.starts_with('.'))
            })
        })
        .map(|(_, c)| c.id.clone())
        .collect()
}

pub fn suggest_framework(cat: &Catalog, name: &str) -> String {
    format!(
        "{}known frameworks: {}",
        crate::diag::did_you_mean_hint(name, cat.framework_names()),
        known_frameworks(cat)
    )
}

fn known_frameworks(cat: &Catalog) -> String {
    cat.frameworks
        .iter()
        .map(|f| f.id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests;

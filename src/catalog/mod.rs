//! Framework catalogs, profiles, capabilities and bundles: what a control ID means.
//!
//! Built-in catalogs live in `frameworks/` and are embedded at build time; a repository
//! can add its own in `<repo>/frameworks/`, and a repo framework with a built-in id
//! replaces it.

mod build;
pub mod ids;
mod parse;

use crate::diag::{Code, Diagnostic};
use std::collections::HashMap;

pub use parse::{RawCatalogFile, parse_catalog_file};

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
}

/// Why a control reference did not resolve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ControlError {
    Unknown { suggestion: Option<String> },
    Heading { children: Vec<String> },
    Withdrawn { into: Option<String> },
}

/// Names a command line accepts for a framework besides its ids and aliases: the report
/// verb `compliance` means HIPAA, for historical reasons. Kept out of the catalog files so
/// that it names no scope table, and out of `catalog list`.
const VERB_ALIASES: &[(&str, &str)] = &[("compliance", "hipaa")];

impl Catalog {
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
        let k = ids::key(text);
        let found = base.index.get(&k).copied().or_else(|| {
            if base.nist_style {
                ids::nist_candidates(text)
                    .iter()
                    .find_map(|c| base.index.get(c).copied())
            } else {
                None
            }
        });
        let Some(idx) = found else {
            let suggestion = crate::diag::did_you_mean(
                text,
                base.controls
                    .iter()
                    .filter(|c| c.counts())
                    .map(|c| c.id.as_str()),
            )
            .map(str::to_string);
            return Err(ControlError::Unknown { suggestion });
        };
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
                        "\"{text}\" is a section heading of {} {}, not an assessable control",
                        base.name, base.version
                    ),
                )
                .help(list)
            }
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
}

pub fn suggest_framework(cat: &Catalog, name: &str) -> String {
    match crate::diag::did_you_mean(name, cat.framework_names()) {
        Some(s) => format!(
            "did you mean `{s}`? known frameworks: {}",
            known_frameworks(cat)
        ),
        None => format!("known frameworks: {}", known_frameworks(cat)),
    }
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

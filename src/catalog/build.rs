//! Building a [`Catalog`] from parsed catalog files: built-ins first, then repository
//! files, which replace built-in frameworks, capabilities and bundles of the same name;
//! then every (framework, control) reference is resolved.

use super::{
    Bundle, Capability, Catalog, Control, Framework, RawCatalogFile, ids, parse, suggest_framework,
};
use crate::diag::{Code, Diagnostic, Diagnostics, Location};
use std::collections::HashMap;

impl Catalog {
    /// Builds a catalog from parsed files: built-ins first, then repo files (which replace
    /// built-in frameworks, capabilities and bundles of the same name).
    pub fn build(files: Vec<RawCatalogFile>, diags: &mut Diagnostics) -> Catalog {
        let mut raw_fw: Vec<parse::RawFramework> = Vec::new();
        let mut raw_caps: Vec<parse::RawCapability> = Vec::new();
        let mut raw_bundles: Vec<parse::RawBundle> = Vec::new();
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
                } => {
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

fn replace_or_push<T>(
    items: &mut Vec<T>,
    item: T,
    name: impl Fn(&T) -> &String,
    builtin: impl Fn(&T) -> bool,
    loc: impl Fn(&T) -> &Location,
    what: &str,
    diags: &mut Diagnostics,
) {
    if let Some(pos) = items.iter().position(|x| name(x) == name(&item)) {
        if builtin(&items[pos]) && !builtin(&item) {
            items[pos] = item;
        } else {
            diags.push(
                Diagnostic::error(
                    Code::DuplicateCatalogEntry,
                    format!("{what} `{}` is defined twice", name(&item)),
                )
                .at(loc(&item).clone())
                .related(loc(&items[pos]).clone())
                .help(format!("remove one of the two definitions of this {what}")),
            );
        }
    } else {
        items.push(item);
    }
}

fn build_base(f: &parse::RawFramework, i: usize, diags: &mut Diagnostics) -> Framework {
    let mut fw = Framework {
        id: f.id.clone(),
        name: f.name.clone(),
        version: f.version.clone(),
        aliases: f.aliases.clone(),
        source: f.source.clone(),
        origin: f.origin.clone(),
        base: i,
        controls: Vec::new(),
        counted: Vec::new(),
        index: HashMap::new(),
        nist_style: false,
    };
    let parse::RawBody::Controls(raw) = &f.body else {
        return fw;
    };
    let mut nist = 0usize;
    for rc in raw {
        let idx = fw.controls.len() as u32;
        let parent = rc
            .parent
            .as_ref()
            .and_then(|(p, loc)| match fw.index.get(&ids::key(p)) {
                Some(&pi) => Some(pi),
                None => {
                    diags.push(
                        Diagnostic::error(
                            Code::UnknownParent,
                            format!(
                                "parent \"{p}\" of control \"{}\" is not an earlier control",
                                rc.id
                            ),
                        )
                        .at(loc.clone())
                        .help("list the parent before its children, with the same spelling"),
                    );
                    None
                }
            });
        for name in std::iter::once(&rc.id).chain(rc.aliases.iter()) {
            if fw.index.insert(ids::key(name), idx).is_some() {
                diags.push(
                    Diagnostic::error(
                        Code::DuplicateControl,
                        format!("control \"{name}\" is listed twice in framework `{}`", f.id),
                    )
                    .at(rc.loc.clone())
                    .help("control ids and aliases must be unique within a framework"),
                );
            }
        }
        if ids::is_nist_style(&rc.id) {
            nist += 1;
        }
        fw.controls.push(Control {
            id: rc.id.clone(),
            title: rc.title.clone(),
            parent,
            category: rc.category.clone(),
            assessable: rc.assessable,
            withdrawn: rc.withdrawn,
            incorporated_into: rc.incorporated_into.clone(),
            note: rc.note.clone(),
        });
    }
    fw.nist_style = nist * 2 > fw.controls.len();
    fw.counted = fw
        .controls
        .iter()
        .enumerate()
        .filter(|(_, c)| c.counts())
        .map(|(i, _)| i as u32)
        .collect();
    fw
}

//! Building one framework of the catalog from its parsed file, and the rule for two
//! definitions of one name (a repository's replaces a built-in one; otherwise an error).

use super::{Control, Framework, ids, parse};
use crate::diag::{Code, Diagnostic, Diagnostics, Location};
use std::collections::HashMap;

pub(super) fn replace_or_push<T>(
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

pub(super) fn build_base(f: &parse::RawFramework, i: usize, diags: &mut Diagnostics) -> Framework {
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

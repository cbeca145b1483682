//! `catalog list` and `catalog show FRAMEWORK`: the built-in catalog, for people.

use super::{Outcome, framework_index};
use crate::catalog::Catalog;
use crate::cli::CatalogCommand;
use crate::exit::Exit;
use crate::load;
use crate::printer::Printer;
use std::collections::HashSet;
use std::fmt::Write as _;

pub fn run(printer: &Printer, command: &CatalogCommand) -> Outcome {
    let cat = load::builtin_catalog()?;
    let text = match command {
        CatalogCommand::List => list(&cat),
        CatalogCommand::Show { framework } => show(&cat, framework_index(&cat, framework)?),
        CatalogCommand::Mappings(args) => return super::mappings::run(printer, &cat, args),
    };
    printer.data(&text)?;
    Ok(Exit::Ok)
}

fn list(cat: &Catalog) -> String {
    let mut out = String::from("frameworks:\n");
    for (i, f) in cat.frameworks.iter().enumerate() {
        let kind = if f.is_profile(i) {
            format!("profile of {}", cat.frameworks[f.base].id)
        } else {
            "catalog".into()
        };
        let aliases = if f.aliases.is_empty() {
            String::new()
        } else {
            format!(", aliases: {}", f.aliases.join(", "))
        };
        let _ = writeln!(
            out,
            "  {:<22} {:>5} controls  {} {} ({kind}){aliases}",
            f.id,
            f.counted.len(),
            f.name,
            f.version,
        );
    }
    out.push_str("capabilities:\n");
    for c in &cat.capabilities {
        let _ = writeln!(out, "  {:<28} {}", c.name, c.description);
    }
    out.push_str("bundles:\n");
    for b in &cat.bundles {
        let _ = writeln!(
            out,
            "  {:<36} {} controls of {}",
            b.name,
            b.controls.len(),
            cat.frameworks[b.framework].id
        );
    }
    out
}

fn show(cat: &Catalog, fw: usize) -> String {
    let f = &cat.frameworks[fw];
    let mut out = format!(
        "{} {} — {} counted controls\nsource: {}\n",
        f.name,
        f.version,
        f.counted.len(),
        f.source
    );
    let base = &cat.frameworks[f.base];
    let counted: HashSet<u32> = f.counted.iter().copied().collect();
    for (i, c) in base.controls.iter().enumerate() {
        let listed = fw == f.base || counted.contains(&(i as u32));
        if !listed {
            continue;
        }
        let mark = if c.withdrawn {
            " (withdrawn)"
        } else if !c.assessable {
            " (heading)"
        } else {
            ""
        };
        let _ = writeln!(out, "{}\t{}{mark}", c.id, c.title);
    }
    out
}

//! `catalog mappings [--from FW] [--to FW]`: the built-in mappings between frameworks
//! (docs/catalogs.md#mappings), and with both ends named, their pairs.

use super::{Outcome, framework_index, pretty_json};
use crate::catalog::Catalog;
use crate::catalog::mapping::{Mapping, Relationship};
use crate::cli::{MappingsArgs, MappingsFormat};
use crate::exit::Exit;
use crate::printer::Printer;
use serde::Serialize;
use std::fmt::Write as _;

pub const SCHEMA: &str = "vigocli/catalog-mappings/v1";

pub fn run(printer: &Printer, cat: &Catalog, args: &MappingsArgs) -> Outcome {
    let base = |name: &Option<String>| -> Result<Option<usize>, _> {
        name.as_deref()
            .map(|n| framework_index(cat, n).map(|fw| cat.frameworks[fw].base))
            .transpose()
    };
    let (from, to) = (base(&args.from)?, base(&args.to)?);
    let listed: Vec<&Mapping> = cat
        .mappings
        .iter()
        .filter(|m| from.is_none_or(|f| m.from == f) && to.is_none_or(|t| m.to == t))
        .collect();
    let with_pairs = from.is_some() && to.is_some();
    let text = match args.format {
        MappingsFormat::Table => table(cat, &listed, with_pairs, args),
        MappingsFormat::Json => pretty_json("the mapping list", &json(cat, &listed, with_pairs))?,
    };
    printer.data(&text)?;
    Ok(Exit::Ok)
}

/// How many pairs of each relationship, in the order of [`Relationship::ALL`].
fn counts(m: &Mapping) -> [usize; 4] {
    let mut n = [0; 4];
    for p in &m.pairs {
        if let Some(i) = Relationship::ALL.iter().position(|r| *r == p.relationship) {
            n[i] += 1;
        }
    }
    n
}

fn table(cat: &Catalog, listed: &[&Mapping], with_pairs: bool, args: &MappingsArgs) -> String {
    if listed.is_empty() {
        let between = match (&args.from, &args.to) {
            (Some(f), Some(t)) => format!(" leads from {f} to {t}"),
            (Some(f), None) => format!(" leads from {f}"),
            (None, Some(t)) => format!(" leads to {t}"),
            (None, None) => String::new(),
        };
        return format!(
            "no built-in mapping{between} (a repository adds its own under `mappings:` in frameworks/)\n"
        );
    }
    let mut out = String::new();
    for (i, m) in listed.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let by_kind: Vec<String> = Relationship::ALL
            .iter()
            .zip(counts(m))
            .filter(|(_, n)| *n > 0)
            .map(|(r, n)| format!("{n} {}", r.as_str()))
            .collect();
        let _ = writeln!(
            out,
            "{}\n  {} → {}: {} pairs ({})\n  source: {}",
            m.id,
            cat.frameworks[m.from].id,
            cat.frameworks[m.to].id,
            m.pairs.len(),
            by_kind.join(", "),
            m.source
        );
        if with_pairs {
            for p in &m.pairs {
                let from: Vec<&str> = p
                    .from
                    .iter()
                    .map(|&c| cat.control(m.from, c).id.as_str())
                    .collect();
                let _ = writeln!(
                    out,
                    "{}\t{}\t{}",
                    cat.control(m.to, p.to).id,
                    p.relationship.as_str(),
                    from.join(", ")
                );
            }
        }
    }
    out
}

#[derive(Serialize)]
struct Listing<'a> {
    schema: &'static str,
    mappings: Vec<Item<'a>>,
}

#[derive(Serialize)]
struct Item<'a> {
    id: &'a str,
    from: &'a str,
    to: &'a str,
    source: &'a str,
    origin: &'a str,
    pairs_total: usize,
    relationships: Counts,
    #[serde(skip_serializing_if = "Option::is_none")]
    pairs: Option<Vec<PairOut<'a>>>,
}

#[derive(Serialize)]
struct Counts {
    equal: usize,
    #[serde(rename = "subset-of")]
    subset_of: usize,
    #[serde(rename = "superset-of")]
    superset_of: usize,
    #[serde(rename = "intersects-with")]
    intersects_with: usize,
}

#[derive(Serialize)]
struct PairOut<'a> {
    to: &'a str,
    relationship: &'static str,
    from: Vec<&'a str>,
}

fn json<'a>(cat: &'a Catalog, listed: &[&'a Mapping], with_pairs: bool) -> Listing<'a> {
    let mappings = listed
        .iter()
        .map(|m| {
            let [equal, subset_of, superset_of, intersects_with] = counts(m);
            Item {
                id: &m.id,
                from: &cat.frameworks[m.from].id,
                to: &cat.frameworks[m.to].id,
                source: &m.source,
                origin: &m.origin,
                pairs_total: m.pairs.len(),
                relationships: Counts {
                    equal,
                    subset_of,
                    superset_of,
                    intersects_with,
                },
                pairs: with_pairs.then(|| {
                    m.pairs
                        .iter()
                        .map(|p| PairOut {
                            to: &cat.control(m.to, p.to).id,
                            relationship: p.relationship.as_str(),
                            from: p
                                .from
                                .iter()
                                .map(|&c| cat.control(m.from, c).id.as_str())
                                .collect(),
                        })
                        .collect()
                }),
            }
        })
        .collect();
    Listing {
        schema: SCHEMA,
        mappings,
    }
}

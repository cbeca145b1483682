//! `catalog import`: an OSCAL catalog (or a resolved profile catalog) or a CSV list of
//! controls becomes a framework YAML file (docs/catalogs.md § Importing a catalog).
//!
//! Each reader turns its file into [`Entry`] values with the position each came from,
//! collecting every problem as a `bad-import` diagnostic; [`finish`] applies the rules both
//! share (ids unique after case folding, parents that exist, parents before their
//! children); [`to_yaml`] writes the framework file, and [`check_loads`] proves that the
//! catalog loader reads it back.

mod csv;
mod oscal;
#[cfg(test)]
mod tests;

pub use csv::read_csv;
pub use oscal::read_oscal;

use super::ids;
use crate::diag::{Code, Diagnostic, Diagnostics, Location};
use crate::yaml::SourceFile;
use std::collections::HashMap;

/// One control (or heading) read from an import file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub id: String,
    pub title: String,
    /// The parent as the file names it, and where.
    pub parent: Option<(String, Location)>,
    pub category: Option<String>,
    pub assessable: bool,
    pub withdrawn: bool,
    pub incorporated_into: Option<String>,
    pub loc: Location,
}

/// What an import file holds: its controls, and the title and version its metadata gives
/// (OSCAL; a CSV file has none).
#[derive(Debug, Clone, Default)]
pub struct Imported {
    pub title: Option<String>,
    pub version: Option<String>,
    pub controls: Vec<Entry>,
}

/// The framework's own fields, and the header comment lines (without `# `).
#[derive(Debug, Clone)]
pub struct Meta {
    pub id: String,
    pub name: String,
    pub version: String,
    pub source: String,
    pub header: Vec<String>,
}

/// How many controls of each kind an import holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub counted: usize,
    pub headings: usize,
    pub withdrawn: usize,
}

impl Counts {
    pub fn of(controls: &[Entry]) -> Counts {
        let mut c = Counts::default();
        for e in controls {
            if e.withdrawn {
                c.withdrawn += 1;
            } else if !e.assessable {
                c.headings += 1;
            } else {
                c.counted += 1;
            }
        }
        c
    }
}

/// The rule a framework id given to `--id` follows: it names the file `<id>.yaml`, so
/// lower-case letters, digits, `.`, `_` and `-`, starting with a letter or digit.
pub fn valid_framework_id(id: &str) -> bool {
    id.len() <= 64
        && id.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'))
}

/// A `bad-import` error at a position of `src`.
pub(crate) fn bad(
    src: &SourceFile,
    line: usize,
    col: usize,
    msg: String,
    help: &str,
) -> Diagnostic {
    src.diag_at(
        Diagnostic::error(Code::BadImport, msg).help(help.to_string()),
        line,
        col.max(1),
    )
}

/// The rules every import follows, whatever its format: at least one control; ids
/// non-empty and unique after case folding and white space ([`ids::key`], as tags are
/// matched); every parent names a control of the file (written with that control's
/// spelling) and no control is its own ancestor. Controls come back in file order, except
/// that a control listed before its parent moves to just after it (the catalog loader
/// reads parents first). Every problem is a diagnostic, added to `prior` (the reader's
/// own): when there are such, only duplicates are looked for (a parent may be a row that
/// did not read).
pub fn finish(
    src: &SourceFile,
    controls: Vec<Entry>,
    prior: Vec<Diagnostic>,
) -> Result<Vec<Entry>, Vec<Diagnostic>> {
    let mut diags = Diagnostics::default();
    let had_errors = !prior.is_empty();
    diags.extend(prior);
    if controls.is_empty() && !had_errors {
        diags.push(bad(
            src,
            1,
            1,
            format!("`{}` defines no controls", src.display),
            "an import needs at least one control",
        ));
        return Err(diags.into_sorted());
    }
    let mut index: HashMap<String, usize> = HashMap::new();
    for (i, e) in controls.iter().enumerate() {
        let k = ids::key(&e.id);
        if let Some(&first) = index.get(&k) {
            diags.push(
                src.diag_at(
                    Diagnostic::error(
                        Code::BadImport,
                        format!(
                            "control id \"{}\" is listed twice (first as \"{}\")",
                            e.id, controls[first].id
                        ),
                    )
                    .related(controls[first].loc.clone())
                    .help("control ids must be unique (ignoring case and white space); remove or rename one"),
                    e.loc.line,
                    e.loc.col,
                ),
            );
        } else {
            index.insert(k, i);
        }
    }
    if diags.has_errors() {
        return Err(diags.into_sorted());
    }
    // Each control's parent, as an index.
    let mut parent_of: Vec<Option<usize>> = vec![None; controls.len()];
    for (i, e) in controls.iter().enumerate() {
        let Some((p, loc)) = &e.parent else { continue };
        match index.get(&ids::key(p)) {
            Some(&pi) if pi == i => diags.push(
                src.diag_at(
                    Diagnostic::error(
                        Code::BadImport,
                        format!("control \"{}\" names itself as its parent", e.id),
                    )
                    .help("leave `parent` empty for a top-level control"),
                    loc.line,
                    loc.col,
                ),
            ),
            Some(&pi) => parent_of[i] = Some(pi),
            None => {
                let hint = crate::diag::did_you_mean(p, controls.iter().map(|c| c.id.as_str()))
                    .map(|s| format!("did you mean \"{s}\"? "))
                    .unwrap_or_default();
                diags.push(src.diag_at(
                    Diagnostic::error(
                        Code::BadImport,
                        format!("parent \"{p}\" of control \"{}\" is not a control of this file", e.id),
                    )
                    .help(format!("{hint}a parent must be the id of another control in the file (earlier or later)")),
                    loc.line,
                    loc.col,
                ));
            }
        }
    }
    if diags.has_errors() {
        return Err(diags.into_sorted());
    }
    // Parents first, file order otherwise.
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); controls.len()];
    for (i, p) in parent_of.iter().enumerate() {
        if let Some(p) = p {
            children[*p].push(i);
        }
    }
    let mut placed = vec![false; controls.len()];
    let mut order = Vec::with_capacity(controls.len());
    for i in 0..controls.len() {
        let ready = parent_of[i].is_none_or(|p| placed[p]);
        if placed[i] || !ready {
            continue;
        }
        // This control, then (depth first) the descendants that were passed over while
        // they waited for it; later ones are reached in file order.
        let mut stack = vec![i];
        while let Some(j) = stack.pop() {
            if placed[j] {
                continue;
            }
            placed[j] = true;
            order.push(j);
            for &c in children[j].iter().rev() {
                if !placed[c] && c < i {
                    stack.push(c);
                }
            }
        }
    }
    // Whatever is left is on a cycle of parents.
    for (i, e) in controls.iter().enumerate() {
        if !placed[i] {
            let (_, loc) = e
                .parent
                .as_ref()
                .map_or(("", &e.loc), |(p, l)| (p.as_str(), l));
            diags.push(
                src.diag_at(
                    Diagnostic::error(
                        Code::BadImport,
                        format!(
                            "control \"{}\" is its own ancestor: its parents form a cycle",
                            e.id
                        ),
                    )
                    .help(
                        "break the cycle: one of these controls must have another parent, or none",
                    ),
                    loc.line,
                    loc.col,
                ),
            );
        }
    }
    if diags.has_errors() {
        return Err(diags.into_sorted());
    }
    let mut slots: Vec<Option<Entry>> = controls.into_iter().map(Some).collect();
    let canonical: Vec<String> = slots
        .iter()
        .map(|e| e.as_ref().map(|e| e.id.clone()).unwrap_or_default())
        .collect();
    let mut out = Vec::with_capacity(order.len());
    for i in order {
        if let Some(mut e) = slots[i].take() {
            if let (Some((p, _)), Some(pi)) = (e.parent.as_mut(), parent_of[i]) {
                *p = canonical[pi].clone();
            }
            out.push(e);
        }
    }
    Ok(out)
}

/// The framework file: the header comment, the framework's fields, then one flow mapping
/// per control in the style of the built-in catalogs. Every value is double-quoted.
pub fn to_yaml(meta: &Meta, controls: &[Entry]) -> String {
    let mut out = String::new();
    for line in &meta.header {
        out.push_str("# ");
        out.push_str(&crate::escape::terminal(line));
        out.push('\n');
    }
    out.push_str(&format!("id: {}\n", quote(&meta.id)));
    out.push_str(&format!("name: {}\n", quote(&meta.name)));
    out.push_str(&format!("version: {}\n", quote(&meta.version)));
    out.push_str(&format!("source: {}\n", quote(&meta.source)));
    if controls.is_empty() {
        out.push_str("controls: []\n");
        return out;
    }
    out.push_str("controls:\n");
    for e in controls {
        let mut fields = vec![
            format!("id: {}", quote(&e.id)),
            format!("title: {}", quote(&e.title)),
        ];
        if let Some((p, _)) = &e.parent {
            fields.push(format!("parent: {}", quote(p)));
        }
        if let Some(c) = &e.category {
            fields.push(format!("category: {}", quote(c)));
        }
        if !e.assessable {
            fields.push("assessable: false".into());
        }
        if e.withdrawn {
            fields.push("withdrawn: true".into());
        }
        if let Some(i) = &e.incorporated_into {
            fields.push(format!("incorporated_into: {}", quote(i)));
        }
        out.push_str("  - { ");
        out.push_str(&fields.join(", "));
        out.push_str(" }\n");
    }
    out
}

/// `s` as a YAML double-quoted scalar: `"` and `\` escaped, and every character that is
/// not printable in YAML, or that a terminal acts on (controls, line separators,
/// bidirectional marks, a byte-order mark), written as an escape.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if crate::escape::is_unsafe(c) || !yaml_printable(c) || c == '\u{feff}' => {
                let n = c as u32;
                if n <= 0xffff {
                    out.push_str(&format!("\\u{n:04x}"));
                } else {
                    out.push_str(&format!("\\U{n:08x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// YAML 1.2's printable characters (c-printable).
fn yaml_printable(c: char) -> bool {
    matches!(c as u32,
        0x09 | 0x0a | 0x0d | 0x20..=0x7e | 0x85 | 0xa0..=0xd7ff | 0xe000..=0xfffd | 0x10000..=0x10ffff)
}

/// Loads `yaml` with the catalog loader, alone: the diagnostics it gives (none, for a
/// file [`to_yaml`] wrote from entries that passed [`finish`]).
pub fn check_loads(display: &str, yaml: &str) -> Vec<Diagnostic> {
    let src = SourceFile::new(display.to_string(), yaml.to_string());
    let (file, mut d) = super::parse_catalog_file(&src, false);
    let mut diags = Diagnostics::default();
    diags.extend(std::mem::take(&mut d));
    let _ = super::Catalog::build(file.into_iter().collect(), &mut diags);
    diags.into_sorted()
}

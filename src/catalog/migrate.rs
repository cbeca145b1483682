//! Moving a repository's control tags from one framework to another along a mapping
//! (docs/catalogs.md#migrating-tags-to-a-new-catalog-version): what becomes of each tag, and
//! the text edits that rewrite the automatic ones where they are written, comments and
//! layout kept. Pure: a file's text and parsed tree in, a plan and the new text out.
//!
//! Only a tag whose control has exactly one pair, `equal` and one-to-one, is rewritten; every
//! other tag is left as written, for a person to decide with the candidates in hand.

use super::Catalog;
use super::mapping::Relationship;
use crate::yaml::{self, Node, SourceFile, Value};
use std::collections::{BTreeSet, HashMap};

/// A control of the target that a source tag may become: one pair of a mapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// Index into the catalog's mappings.
    pub mapping: usize,
    /// The target control (base catalog index).
    pub to: u32,
    pub relationship: Relationship,
    /// Every source control of the pair, in the order written.
    pub from: Vec<u32>,
}

/// Why a tag is left for a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    /// No pair of the mapping names the control.
    NoPair,
    /// Several pairs name it: which target is meant depends on what the tag proves.
    OneToMany,
    /// Its pair needs other source controls too.
    ManyToOne,
    /// Its one pair is not `equal` (subset-of, superset-of, intersects-with).
    NotEqual,
    /// It could be rewritten, but not where it is written without losing something (a
    /// comment, the layout); it is listed instead of being moved by guesswork.
    Layout,
}

impl Why {
    pub fn as_str(self) -> &'static str {
        match self {
            Why::NoPair => "no-pair",
            Why::OneToMany => "one-to-many",
            Why::ManyToOne => "many-to-one",
            Why::NotEqual => "not-equal",
            Why::Layout => "layout",
        }
    }
}

/// What becomes of one tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    /// Rewritten to this target control.
    Rewrite(u32),
    Decide(Why),
}

/// One tag of the source framework, where it is written.
#[derive(Debug, Clone)]
pub struct Tag {
    pub line: usize,
    pub col: usize,
    /// The tag as written.
    pub written: String,
    /// The source control (base catalog index).
    pub control: u32,
    pub fate: Fate,
    pub candidates: Vec<Candidate>,
}

/// A file's tags and, when any is rewritten, its new text.
#[derive(Debug)]
pub struct FilePlan {
    pub tags: Vec<Tag>,
    pub text: Option<String>,
}

/// Tags of `from` becoming tags of `to` along the mappings that lead between them.
pub struct Migration<'c> {
    cat: &'c Catalog,
    /// Base framework of the source.
    pub from: usize,
    /// The target framework as named (a profile stays a profile: tags are written for it).
    pub to: usize,
    /// Indices into the catalog's mappings, `to ← from`.
    pub mappings: Vec<u32>,
    index: HashMap<u32, Vec<Candidate>>,
}

impl<'c> Migration<'c> {
    /// `None` when no mapping leads from `from` to `to` (framework indices; profiles stand
    /// for their base on the source side).
    pub fn new(cat: &'c Catalog, from: usize, to: usize) -> Option<Migration<'c>> {
        let mappings = cat.mappings_into(to, &[from]);
        if mappings.is_empty() {
            return None;
        }
        let mut index: HashMap<u32, Vec<Candidate>> = HashMap::new();
        for &m in &mappings {
            for p in &cat.mappings[m as usize].pairs {
                for &f in &p.from {
                    let list = index.entry(f).or_default();
                    // The same pair in two mappings (a repository's copy of a built-in one)
                    // is one candidate, not a choice.
                    if !list.iter().any(|c| {
                        c.to == p.to && c.relationship == p.relationship && c.from == p.from
                    }) {
                        list.push(Candidate {
                            mapping: m as usize,
                            to: p.to,
                            relationship: p.relationship,
                            from: p.from.clone(),
                        });
                    }
                }
            }
        }
        Some(Migration {
            cat,
            from: cat.frameworks[from].base,
            to,
            mappings,
            index,
        })
    }

    /// The pairs that name source control `control`.
    pub fn candidates(&self, control: u32) -> &[Candidate] {
        self.index.get(&control).map_or(&[], Vec::as_slice)
    }

    /// The rule: rewritten only through one `equal` pair whose only source it is.
    pub fn fate(&self, control: u32) -> Fate {
        match self.candidates(control) {
            [] => Fate::Decide(Why::NoPair),
            [c] if c.from.len() > 1 => Fate::Decide(Why::ManyToOne),
            [c] if c.relationship != Relationship::Equal => Fate::Decide(Why::NotEqual),
            [c] => Fate::Rewrite(c.to),
            _ => Fate::Decide(Why::OneToMany),
        }
    }

    fn to_base(&self) -> usize {
        self.cat.frameworks[self.to].base
    }

    /// The canonical spelling of a target control.
    pub fn target_id(&self, control: u32) -> &str {
        &self.cat.control(self.to_base(), control).id
    }

    /// The tags of the source framework in one configcrate (or `configcrates/**/compliance.vgo`)
    /// file, and its new text when some are rewritten. A rewrite is kept only if the new text
    /// parses and claims exactly what the old one did, with the rewritten tags swapped.
    pub fn file(&self, src: &SourceFile, root: &Node) -> FilePlan {
        let entries = self.entries(root);
        let mut tags = Vec::new();
        let mut located: Vec<Located<'_>> = Vec::new();
        for e in entries.iter().filter(|e| self.is_source(e)) {
            for &(ref text, node) in &e.items {
                let Ok((_, control)) = self.cat.resolve_control(e.fw, text) else {
                    continue;
                };
                let fate = self.fate(control);
                located.push(Located {
                    tag: tags.len(),
                    node,
                    entry: e,
                });
                tags.push(Tag {
                    line: node.line,
                    col: node.col,
                    written: text.clone(),
                    control,
                    fate,
                    candidates: self.candidates(control).to_vec(),
                });
            }
        }
        if !tags.iter().any(|t| matches!(t.fate, Fate::Rewrite(_))) {
            return FilePlan { tags, text: None };
        }
        let editor = Editor::new(&src.text);
        let text = self
            .edits(&editor, &entries, &located, &tags)
            .and_then(|edits| apply(&src.text, edits))
            .filter(|new| self.verify(src, root, new, &tags));
        if text.is_none() {
            for t in &mut tags {
                if matches!(t.fate, Fate::Rewrite(_)) {
                    t.fate = Fate::Decide(Why::Layout);
                }
            }
        }
        FilePlan { tags, text }
    }

    fn is_source(&self, e: &Entry<'_>) -> bool {
        self.cat.frameworks[e.fw].base == self.from
    }

    /// The entries of `compliance:` whose key names a framework.
    fn entries<'n>(&self, root: &'n Node) -> Vec<Entry<'n>> {
        let Some(map) = root.get("compliance").and_then(Node::as_map) else {
            return Vec::new();
        };
        map.iter()
            .filter_map(|(k, v)| {
                let fw = self.cat.framework_index(k.as_str()?)?;
                let items = match &v.value {
                    Value::Scalar(s, _) => vec![(s.trim().to_string(), v)],
                    Value::Seq(items) => items
                        .iter()
                        .filter_map(|n| n.as_str().map(|s| (s.trim().to_string(), n)))
                        .collect(),
                    _ => Vec::new(),
                };
                Some(Entry {
                    key: k,
                    value: v,
                    fw,
                    items,
                })
            })
            .collect()
    }

    fn edits(
        &self,
        ed: &Editor<'_>,
        entries: &[Entry<'_>],
        located: &[Located<'_>],
        tags: &[Tag],
    ) -> Option<Vec<Edit>> {
        let sources: Vec<&Entry<'_>> = entries.iter().filter(|e| self.is_source(e)).collect();
        let target = entries.iter().find(|e| e.fw == self.to);
        let target_of = |l: &Located<'_>| match tags[l.tag].fate {
            Fate::Rewrite(to) => Some(to),
            Fate::Decide(_) => None,
        };
        let all_rewritten = located.iter().all(|l| target_of(l).is_some());
        let to_key = self.cat.frameworks[self.to].id.as_str();
        if let ([only], None, true) = (sources.as_slice(), target, all_rewritten) {
            // The simple case: the list itself changes framework, in place.
            let mut edits = vec![ed.replace_scalar(only.key, to_key)?];
            for l in located {
                edits.push(ed.replace_scalar(l.node, self.target_id(target_of(l)?))?);
            }
            return Some(edits);
        }
        // Otherwise the rewritten tags move to the target's list (found or added after the
        // last source list); the others stay where they are.
        let mut edits = Vec::new();
        let mut moved: Vec<Moved> = Vec::new();
        for e in &sources {
            let mine: Vec<&Located<'_>> = located
                .iter()
                .filter(|l| std::ptr::eq(l.entry, *e))
                .collect();
            let going: Vec<&Located<'_>> = mine
                .iter()
                .copied()
                .filter(|l| target_of(l).is_some())
                .collect();
            if going.is_empty() {
                continue;
            }
            let staying: Vec<&Node> = e
                .items
                .iter()
                .map(|(_, n)| *n)
                .filter(|n| !going.iter().any(|l| std::ptr::eq(l.node, *n)))
                .collect();
            edits.extend(ed.remove_items(e, &going, &staying)?);
            for l in going {
                moved.push(Moved {
                    to: target_of(l)?,
                    comment: ed.item_comment(e, l.node)?,
                    indent: ed.item_indent(e, l.node),
                });
            }
        }
        let present: BTreeSet<u32> = target
            .map(|t| {
                t.items
                    .iter()
                    .filter_map(|(s, _)| self.cat.resolve_control(t.fw, s).ok())
                    .map(|(_, c)| c)
                    .collect()
            })
            .unwrap_or_default();
        let mut seen = BTreeSet::new();
        moved.retain(|m| !present.contains(&m.to) && seen.insert(m.to));
        let ids: Vec<(&str, &str, Option<&str>)> = moved
            .iter()
            .map(|m| {
                (
                    self.target_id(m.to),
                    m.comment.as_str(),
                    m.indent.as_deref(),
                )
            })
            .collect();
        if !ids.is_empty() {
            let last = sources.last()?;
            edits.push(match target {
                Some(t) => ed.append_items(t, &ids)?,
                None => ed.add_entry(last, to_key, &ids)?,
            });
        }
        Some(edits)
    }

    /// The new text parses, keeps every top-level key, and claims what the old text claimed
    /// with each rewritten tag swapped for its target.
    fn verify(&self, src: &SourceFile, root: &Node, new: &str, tags: &[Tag]) -> bool {
        let file = SourceFile::new(src.display.clone(), new.to_string());
        let Ok(new_root) = yaml::parse(&file) else {
            return false;
        };
        let keys = |n: &Node| -> Vec<String> {
            n.as_map()
                .map(|m| {
                    m.iter()
                        .filter_map(|(k, _)| k.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        if keys(root) != keys(&new_root) {
            return false;
        }
        let (Some(mut expected), Some(got)) = (self.claims(root), self.claims(&new_root)) else {
            return false;
        };
        for t in tags {
            if let Fate::Rewrite(to) = t.fate {
                expected.remove(&(self.from, t.control));
                expected.insert((self.to_base(), to));
            }
        }
        got == expected
    }

    /// Every (base framework, control) the `compliance:` of a file claims; `None` if an
    /// entry is not a tag list or a tag does not resolve.
    fn claims(&self, root: &Node) -> Option<BTreeSet<(usize, u32)>> {
        let mut out = BTreeSet::new();
        for e in self.entries(root) {
            if !matches!(
                e.value.value,
                Value::Scalar(..) | Value::Seq(_) | Value::Null
            ) {
                return None;
            }
            for (text, _) in &e.items {
                out.insert(self.cat.resolve_control(e.fw, text).ok()?);
            }
        }
        Some(out)
    }
}

/// One `framework: tags` entry of `compliance:`.
struct Entry<'n> {
    key: &'n Node,
    value: &'n Node,
    fw: usize,
    items: Vec<(String, &'n Node)>,
}

/// A tag of the source framework and the entry it is written in.
struct Located<'a> {
    tag: usize,
    node: &'a Node,
    entry: &'a Entry<'a>,
}

/// A rewritten tag on its way to the target's list.
struct Moved {
    to: u32,
    /// What followed it on its line (`  # why`), kept with it.
    comment: String,
    /// The indentation of its `- ` line, when it came from a block list.
    indent: Option<String>,
}

/// Replace `text[start..end]` with `with`.
#[derive(Debug)]
struct Edit {
    start: usize,
    end: usize,
    with: String,
}

/// Applies non-overlapping edits; `None` if two overlap.
fn apply(text: &str, mut edits: Vec<Edit>) -> Option<String> {
    edits.sort_by_key(|e| (e.start, e.end));
    let mut out = String::with_capacity(text.len() + 64);
    let mut pos = 0;
    for e in edits {
        if e.start < pos || e.end < e.start || e.end > text.len() {
            return None;
        }
        out.push_str(text.get(pos..e.start)?);
        out.push_str(&e.with);
        pos = e.end;
    }
    out.push_str(text.get(pos..)?);
    Some(out)
}

/// Byte positions in a file's text. YAML nodes carry a line and a character column; edits
/// need byte offsets (the inverse of `source::position`, which goes from offsets to lines).
struct Editor<'t> {
    text: &'t str,
    starts: Vec<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SeqStyle {
    Flow,
    Block,
}

impl<'t> Editor<'t> {
    fn new(text: &'t str) -> Editor<'t> {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Editor { text, starts }
    }

    /// Byte offset of a node's first character.
    fn offset(&self, node: &Node) -> Option<usize> {
        let start = *self.starts.get(node.line.checked_sub(1)?)?;
        let line = &self.text[start..self.line_end(start)];
        let skip = node.col.checked_sub(1)?;
        if skip == 0 {
            return Some(start);
        }
        line.char_indices()
            .nth(skip)
            .map(|(i, _)| start + i)
            .or_else(|| (line.chars().count() == skip).then_some(start + line.len()))
    }

    /// The end of the line holding `at` (the position of its `\n`, or the end of the text).
    fn line_end(&self, at: usize) -> usize {
        self.text[at..]
            .find('\n')
            .map_or(self.text.len(), |i| at + i)
    }

    fn line_start(&self, at: usize) -> usize {
        self.text[..at].rfind('\n').map_or(0, |i| i + 1)
    }

    /// The start of the line after the one holding `at` (the end of the text on the last).
    fn next_line(&self, at: usize) -> usize {
        let end = self.line_end(at);
        (end + 1).min(self.text.len())
    }

    /// The byte range of a scalar as written (quotes included); single-line scalars only.
    fn scalar(&self, node: &Node) -> Option<(usize, usize)> {
        let Value::Scalar(value, quoted) = &node.value else {
            return None;
        };
        let start = self.offset(node)?;
        let rest = &self.text[start..];
        let end = match rest.chars().next()? {
            '"' => {
                let mut it = rest.char_indices().skip(1);
                loop {
                    match it.next()? {
                        (_, '\\') => {
                            it.next()?;
                        }
                        (i, '"') => break i + 1,
                        (_, '\n') => return None,
                        _ => {}
                    }
                }
            }
            '\'' => {
                let b = rest.as_bytes();
                let mut i = 1;
                loop {
                    match b.get(i)? {
                        b'\'' if b.get(i + 1) == Some(&b'\'') => i += 2,
                        b'\'' => break i + 1,
                        b'\n' => return None,
                        _ => i += 1,
                    }
                }
            }
            _ if !quoted && rest.starts_with(value.as_str()) => value.len(),
            _ => return None,
        };
        Some((start, start + end))
    }

    /// `node` (a scalar) spelled `new`, in the same quoting style.
    fn replace_scalar(&self, node: &Node, new: &str) -> Option<Edit> {
        let (start, end) = self.scalar(node)?;
        Some(Edit {
            start,
            end,
            with: styled(&self.text[start..end], new),
        })
    }

    fn style(&self, e: &Entry<'_>) -> Option<SeqStyle> {
        match &e.value.value {
            Value::Seq(_) => {
                let at = self.offset(e.value)?;
                Some(if self.text[at..].starts_with('[') {
                    SeqStyle::Flow
                } else {
                    SeqStyle::Block
                })
            }
            _ => None,
        }
    }

    /// `[` … `]` of a flow list written on one line, without comments.
    fn flow_bounds(&self, e: &Entry<'_>) -> Option<(usize, usize)> {
        let open = self.offset(e.value)?;
        let line_end = self.line_end(open);
        let mut in_quote: Option<char> = None;
        for (i, c) in self.text[open + 1..line_end].char_indices() {
            match (in_quote, c) {
                (Some(q), c) if c == q => in_quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => in_quote = Some(c),
                (None, '[' | '{' | '#') => return None,
                (None, ']') => return Some((open, open + 1 + i)),
                _ => {}
            }
        }
        None
    }

    /// The indentation before `at` on its line, if only spaces precede it.
    fn indent_before(&self, at: usize) -> Option<&'t str> {
        let start = self.line_start(at);
        let lead = &self.text[start..at];
        lead.chars().all(|c| c == ' ').then_some(lead)
    }

    /// What follows a block item on its line: nothing, or spaces and a comment.
    fn item_comment(&self, e: &Entry<'_>, node: &Node) -> Option<String> {
        if self.style(e) != Some(SeqStyle::Block) {
            return Some(String::new());
        }
        let (_, end) = self.scalar(node)?;
        let tail = &self.text[end..self.line_end(end)];
        let trimmed = tail.trim_start();
        (trimmed.is_empty() || trimmed.starts_with('#')).then(|| tail.trim_end().to_string())
    }

    /// The indentation of a block item's `- ` line.
    fn item_indent(&self, e: &Entry<'_>, node: &Node) -> Option<String> {
        if self.style(e) != Some(SeqStyle::Block) {
            return None;
        }
        let at = self.offset(node)?;
        let start = self.line_start(at);
        let lead = &self.text[start..at];
        let indent = lead.strip_suffix("- ").or_else(|| lead.strip_suffix('-'))?;
        indent.chars().all(|c| c == ' ').then(|| indent.to_string())
    }

    /// Removes the `going` items of a source entry, keeping `staying`. An entry left empty
    /// loses its key line too when nothing else is written on it.
    fn remove_items(
        &self,
        e: &Entry<'_>,
        going: &[&Located<'_>],
        staying: &[&Node],
    ) -> Option<Vec<Edit>> {
        let key_at = self.offset(e.key)?;
        self.indent_before(key_at)?;
        let mut edits = Vec::new();
        let whole_line = |start: usize| {
            let end = self.next_line(start);
            if end == self.text.len() && !self.text.ends_with('\n') && start > 0 {
                // The last line has no newline: the one before it goes instead.
                Edit {
                    start: start - 1,
                    end,
                    with: String::new(),
                }
            } else {
                Edit {
                    start,
                    end,
                    with: String::new(),
                }
            }
        };
        let key_line_alone = |last: usize| {
            let tail = &self.text[last..self.line_end(last)];
            tail.trim().is_empty()
        };
        match (&e.value.value, self.style(e)) {
            (Value::Scalar(..), _) => {
                let (start, end) = self.scalar(e.value)?;
                if self.line_start(start) != self.line_start(key_at) {
                    return None;
                }
                if key_line_alone(end) {
                    edits.push(whole_line(self.line_start(key_at)));
                } else {
                    edits.push(Edit {
                        start,
                        end,
                        with: "[]".into(),
                    });
                }
            }
            (Value::Seq(_), Some(SeqStyle::Flow)) => {
                let (open, close) = self.flow_bounds(e)?;
                if staying.is_empty() {
                    if self.line_start(open) == self.line_start(key_at) && key_line_alone(close + 1)
                    {
                        edits.push(whole_line(self.line_start(key_at)));
                    } else {
                        edits.push(Edit {
                            start: open,
                            end: close + 1,
                            with: "[]".into(),
                        });
                    }
                } else {
                    let ranges: Vec<(usize, usize)> = e
                        .items
                        .iter()
                        .map(|(_, n)| self.scalar(n))
                        .collect::<Option<_>>()?;
                    let (first, last) = (ranges.first()?.0, ranges.last()?.1);
                    let sep = match ranges.as_slice() {
                        [a, b, ..] => &self.text[a.1..b.0],
                        _ => ", ",
                    };
                    let kept: Vec<&str> = e
                        .items
                        .iter()
                        .zip(&ranges)
                        .filter(|((_, n), _)| staying.iter().any(|s| std::ptr::eq(*s, *n)))
                        .map(|(_, &(s, t))| &self.text[s..t])
                        .collect();
                    edits.push(Edit {
                        start: first,
                        end: last,
                        with: kept.join(sep),
                    });
                }
            }
            (Value::Seq(_), Some(SeqStyle::Block)) => {
                for l in going {
                    self.item_indent(e, l.node)?;
                    self.item_comment(e, l.node)?;
                    let at = self.offset(l.node)?;
                    edits.push(whole_line(self.line_start(at)));
                }
                let key_end = self.scalar(e.key)?.1;
                let after_key = &self.text[key_end..self.line_end(key_end)];
                if staying.is_empty() && after_key.trim() == ":" {
                    edits.push(whole_line(self.line_start(key_at)));
                }
            }
            _ => return None,
        }
        Some(edits)
    }

    /// Where a source entry ends: the start of the line after its value.
    fn entry_end(&self, e: &Entry<'_>) -> Option<usize> {
        match (&e.value.value, self.style(e)) {
            (Value::Scalar(..), _) => Some(self.next_line(self.scalar(e.value)?.1)),
            (Value::Seq(_), Some(SeqStyle::Flow)) => Some(self.next_line(self.flow_bounds(e)?.1)),
            (Value::Seq(items), Some(SeqStyle::Block)) => {
                Some(self.next_line(self.scalar(items.last()?)?.1))
            }
            _ => None,
        }
    }

    /// A new `to_key:` entry after the last source entry, in the style of the tags it gets.
    fn add_entry(
        &self,
        after: &Entry<'_>,
        to_key: &str,
        ids: &[(&str, &str, Option<&str>)],
    ) -> Option<Edit> {
        let indent = self.indent_before(self.offset(after.key)?)?;
        let at = self.entry_end(after)?;
        let mut with = String::new();
        if at == self.text.len() && !self.text.ends_with('\n') {
            with.push('\n');
        }
        let key = styled(to_key, to_key);
        if ids
            .iter()
            .all(|(_, comment, i)| comment.is_empty() && i.is_none())
        {
            let list: Vec<String> = ids.iter().map(|(id, ..)| styled(id, id)).collect();
            with.push_str(&format!("{indent}{key}: [{}]\n", list.join(", ")));
        } else {
            let item_indent = ids
                .iter()
                .find_map(|(_, _, i)| *i)
                .map_or_else(|| format!("{indent}  "), str::to_string);
            with.push_str(&format!("{indent}{key}:\n"));
            for (id, comment, _) in ids {
                with.push_str(&format!("{item_indent}- {}{comment}\n", styled(id, id)));
            }
        }
        Some(Edit {
            start: at,
            end: at,
            with,
        })
    }

    /// The rewritten tags appended to the target's existing list.
    fn append_items(&self, target: &Entry<'_>, ids: &[(&str, &str, Option<&str>)]) -> Option<Edit> {
        match (&target.value.value, self.style(target)) {
            (Value::Seq(items), Some(SeqStyle::Flow)) => {
                if ids.iter().any(|(_, comment, _)| !comment.is_empty()) {
                    return None;
                }
                let (_, close) = self.flow_bounds(target)?;
                let list: Vec<String> = ids.iter().map(|(id, ..)| styled(id, id)).collect();
                let with = match items.as_slice() {
                    [] => list.join(", "),
                    [a, b, ..] => {
                        let sep = &self.text[self.scalar(a)?.1..self.scalar(b)?.0];
                        format!("{sep}{}", list.join(sep))
                    }
                    [_] => format!(", {}", list.join(", ")),
                };
                let at = if items.is_empty() {
                    close
                } else {
                    self.scalar(items.last()?)?.1
                };
                Some(Edit {
                    start: at,
                    end: at,
                    with,
                })
            }
            (Value::Seq(items), Some(SeqStyle::Block)) => {
                let last = items.last()?;
                let indent = self.item_indent(target, last)?;
                let at = self.next_line(self.scalar(last)?.1);
                let mut with = String::new();
                if at == self.text.len() && !self.text.ends_with('\n') {
                    with.push('\n');
                }
                for (id, comment, _) in ids {
                    with.push_str(&format!("{indent}- {}{comment}\n", styled(id, id)));
                }
                Some(Edit {
                    start: at,
                    end: at,
                    with,
                })
            }
            _ => None,
        }
    }
}

/// `new` written in the quoting style of `written`: quoted alike, or plain when that is safe.
fn styled(written: &str, new: &str) -> String {
    match written.chars().next() {
        Some('\'') => format!("'{new}'"),
        Some('"') => format!("\"{}\"", new.replace('\\', "\\\\").replace('"', "\\\"")),
        _ if plain_safe(new) => new.to_string(),
        _ => format!("\"{}\"", new.replace('\\', "\\\\").replace('"', "\\\"")),
    }
}

/// Whether `s` reads back as the same text when written as a plain scalar, in a block or a
/// flow collection: control IDs such as `A.8.15`, `AC-2(1)`, `GV.OC-01`, `500.12(a)`.
fn plain_safe(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || ".()-_/".contains(c))
        && !matches!(
            s,
            "null" | "Null" | "NULL" | "true" | "True" | "TRUE" | "false" | "False" | "FALSE"
        )
}

#[cfg(test)]
mod tests;

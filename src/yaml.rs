//! Reading YAML with positions. Every value keeps its line and column so that a
//! diagnostic can point at the exact tag that is wrong. Scalars keep their source
//! text (no core-schema guessing): `2.3` stays the string "2.3", `1.10` stays "1.10".

use crate::diag::{Code, Diagnostic, Location};
use saphyr::{MarkedYaml, YamlData, YamlLoader};
use saphyr_parser::{Event, Parser, ScalarStyle, Span, SpannedEventReceiver};
use std::sync::Arc;

/// One input file: its display path (relative to the repository) and its text.
#[derive(Debug)]
pub struct SourceFile {
    pub display: Arc<str>,
    pub text: String,
}

impl SourceFile {
    pub fn new(display: impl Into<Arc<str>>, text: String) -> Self {
        SourceFile {
            display: display.into(),
            text,
        }
    }

    pub fn location(&self, line: usize, col: usize) -> Location {
        Location {
            file: self.display.clone(),
            line,
            col,
        }
    }

    pub fn line_text(&self, line: usize) -> Option<String> {
        if line == 0 {
            return None;
        }
        self.text
            .lines()
            .nth(line - 1)
            .map(|l| l.trim_end_matches('\r').to_string())
    }

    /// A diagnostic at a position of this file, with the source line attached.
    pub fn diag_at(&self, d: Diagnostic, line: usize, col: usize) -> Diagnostic {
        d.at(self.location(line, col))
            .with_line(self.line_text(line))
    }

    pub fn diag(&self, d: Diagnostic, node: &Node) -> Diagnostic {
        self.diag_at(d, node.line, node.col)
    }
}

/// A YAML value with its position.
#[derive(Debug, Clone)]
pub struct Node {
    pub line: usize,
    pub col: usize,
    pub value: Value,
}

#[derive(Debug, Clone)]
pub enum Value {
    Null,
    /// The scalar's text exactly as written (quotes removed), and whether it was quoted.
    Scalar(String, bool),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

impl Node {
    pub fn kind(&self) -> &'static str {
        match &self.value {
            Value::Null => "null",
            Value::Scalar(..) => "a scalar",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }

    pub fn as_map(&self) -> Option<&[(Node, Node)]> {
        match &self.value {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar(s, _) => Some(s),
            _ => None,
        }
    }

    /// Looks up a key in a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_map()?
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(_, v)| v)
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }
}

fn convert(m: MarkedYaml<'_>) -> Node {
    let line = m.span.start.line();
    let col = m.span.start.col() + 1;
    let value = match m.data {
        YamlData::Representation(text, style, _tag) => {
            let quoted = !matches!(style, ScalarStyle::Plain);
            if !quoted && matches!(text.as_ref(), "" | "~" | "null" | "Null" | "NULL") {
                Value::Null
            } else {
                Value::Scalar(text.into_owned(), quoted)
            }
        }
        YamlData::Value(s) => match s {
            saphyr::Scalar::Null => Value::Null,
            saphyr::Scalar::Boolean(b) => Value::Scalar(b.to_string(), false),
            saphyr::Scalar::Integer(i) => Value::Scalar(i.to_string(), false),
            saphyr::Scalar::FloatingPoint(f) => Value::Scalar(f.to_string(), false),
            saphyr::Scalar::String(s) => Value::Scalar(s.into_owned(), true),
        },
        YamlData::Sequence(items) => Value::Seq(items.into_iter().map(convert).collect()),
        YamlData::Mapping(map) => Value::Map(
            map.into_iter()
                .map(|(k, v)| (convert(k), convert(v)))
                .collect(),
        ),
        YamlData::Tagged(_, inner) => return convert(*inner),
        YamlData::Alias(_) | YamlData::BadValue => Value::Null,
    };
    Node { line, col, value }
}

/// Feeds the loader only while lists and mappings nest at most `MAX_NESTING` deep: deeper
/// trees would overflow the stack (saphyr's own `Parser::load` recurses per level, and so
/// do converting and dropping a tree). The parser is driven event by event instead, which
/// keeps its state on the heap.
struct DepthLimit<'input> {
    loader: YamlLoader<'input, MarkedYaml<'input>>,
    depth: usize,
    too_deep: Option<saphyr_parser::Marker>,
}

impl<'input> SpannedEventReceiver<'input> for DepthLimit<'input> {
    fn on_event(&mut self, ev: Event<'input>, span: Span) {
        if self.too_deep.is_some() {
            return;
        }
        match ev {
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                self.depth += 1;
                if self.depth > crate::source::MAX_NESTING {
                    self.too_deep = Some(span.start);
                    return;
                }
            }
            Event::SequenceEnd | Event::MappingEnd => self.depth = self.depth.saturating_sub(1),
            _ => {}
        }
        self.loader.on_event(ev, span);
    }
}

/// Documents parsed so far, by text, when memoisation is on ([`crate::memo`]). Nodes carry
/// positions but not the file's name, so one text parses to one node wherever it is read.
type Parsed = std::sync::Mutex<std::collections::HashMap<String, Arc<Node>>>;
static MEMO: std::sync::LazyLock<Parsed> = std::sync::LazyLock::new(Default::default);

/// Parses a YAML document. An empty file is an empty mapping; several documents are an error.
/// With memoisation on, each distinct text is parsed once per process.
pub fn parse(file: &SourceFile) -> Result<Node, Diagnostic> {
    if !crate::memo::enabled() {
        return parse_text(file);
    }
    crate::memo::cached(&MEMO, file.text.as_str(), || parse_text(file).map(Arc::new))
        .map(|node| (*node).clone())
}

fn parse_text(file: &SourceFile) -> Result<Node, Diagnostic> {
    let mut parser = Parser::new_from_str(&file.text);
    let mut loader: YamlLoader<'_, MarkedYaml<'_>> = YamlLoader::default();
    loader.early_parse(false);
    let mut limited = DepthLimit {
        loader,
        depth: 0,
        too_deep: None,
    };
    let mut res = Ok(());
    for event in &mut parser {
        match event {
            Ok((ev, span)) => {
                limited.on_event(ev, span);
                if limited.too_deep.is_some() {
                    break;
                }
            }
            Err(e) => {
                res = Err(e);
                break;
            }
        }
    }
    if let Some(m) = limited.too_deep {
        return Err(nesting_too_deep(file, m.line(), m.col() + 1));
    }
    let loader = limited.loader;
    let err = match res {
        Err(e) => Some(e),
        Ok(()) => loader.error().cloned(),
    };
    if let Some(e) = err {
        let m = e.marker();
        // The scanner's own limit on flow nesting (`[[[…`) is the same problem as ours.
        if e.info().contains("recursion limit") {
            return Err(nesting_too_deep(file, m.line(), m.col() + 1));
        }
        return Err(file.diag_at(
            Diagnostic::error(Code::YamlSyntax, format!("invalid YAML: {}", e.info()))
                .help("fix the YAML syntax at this position (indentation, quotes, ':' after keys, duplicate keys)"),
            m.line(),
            m.col() + 1,
        ));
    }
    let mut docs = loader.into_documents();
    match docs.len() {
        0 => Ok(Node {
            line: 1,
            col: 1,
            value: Value::Map(Vec::new()),
        }),
        1 => {
            let doc = convert(docs.remove(0));
            if doc.is_null() {
                Ok(Node {
                    line: 1,
                    col: 1,
                    value: Value::Map(Vec::new()),
                })
            } else {
                Ok(doc)
            }
        }
        _ => {
            let second = convert(docs.remove(1));
            Err(file.diag(
                Diagnostic::error(
                    Code::YamlSyntax,
                    "a .vgo file holds one YAML document, this one has several",
                )
                .help("remove the `---` separator or split the file in two"),
                &second,
            ))
        }
    }
}

/// Typed access to YAML nodes that records a diagnostic for every wrong type.
pub struct Reader<'f> {
    pub file: &'f SourceFile,
    pub diags: Vec<Diagnostic>,
}

impl<'f> Reader<'f> {
    pub fn new(file: &'f SourceFile) -> Self {
        Reader {
            file,
            diags: Vec::new(),
        }
    }

    pub fn error(&mut self, node: &Node, code: Code, msg: String, help: String) {
        let d = self
            .file
            .diag(Diagnostic::error(code, msg).help(help), node);
        self.diags.push(d);
    }

    fn wrong_type(&mut self, node: &Node, what: &str, expected: &str, example: &str) {
        self.error(
            node,
            Code::WrongType,
            format!("`{what}` must be {expected}, found {}", node.kind()),
            format!("write it as {example}"),
        );
    }

    /// A mapping whose keys must all be in `allowed`; unknown keys are reported.
    pub fn strict_map<'n>(
        &mut self,
        node: &'n Node,
        what: &str,
        allowed: &[&str],
    ) -> Option<&'n [(Node, Node)]> {
        let Some(map) = node.as_map() else {
            self.wrong_type(node, what, "a mapping", "`key: value` lines");
            return None;
        };
        for (k, _) in map {
            match k.as_str() {
                Some(key) if allowed.contains(&key) => {}
                Some(key) => {
                    let hint = crate::diag::did_you_mean_hint(key, allowed.iter().copied());
                    self.error(
                        k,
                        Code::UnknownKey,
                        format!("unknown key `{key}` in {what}"),
                        format!("{hint}allowed keys: {}", allowed.join(", ")),
                    );
                }
                None => {
                    self.wrong_type(k, &format!("a key of {what}"), "a string", "`name: value`")
                }
            }
        }
        Some(map)
    }

    /// A mapping of any keys (string keys required).
    pub fn map<'n>(&mut self, node: &'n Node, what: &str) -> Vec<(&'n Node, String, &'n Node)> {
        let Some(map) = node.as_map() else {
            self.wrong_type(node, what, "a mapping", "`key: value` lines");
            return Vec::new();
        };
        let mut out = Vec::new();
        for (k, v) in map {
            match k.as_str() {
                Some(key) => out.push((k, key.to_string(), v)),
                None => {
                    self.wrong_type(k, &format!("a key of {what}"), "a string", "`name: value`")
                }
            }
        }
        out
    }

    pub fn string(&mut self, node: &Node, what: &str) -> Option<String> {
        match &node.value {
            Value::Scalar(s, _) if !s.trim().is_empty() => Some(s.trim().to_string()),
            Value::Scalar(..) | Value::Null => {
                self.error(
                    node,
                    Code::WrongType,
                    format!("`{what}` must not be empty"),
                    format!("give `{what}` a value"),
                );
                None
            }
            _ => {
                self.wrong_type(node, what, "a string", "`key: \"text\"`");
                None
            }
        }
    }

    pub fn bool(&mut self, node: &Node, what: &str) -> Option<bool> {
        match &node.value {
            Value::Scalar(s, false) => match s.as_str() {
                "true" | "True" | "TRUE" => Some(true),
                "false" | "False" | "FALSE" => Some(false),
                _ => {
                    self.wrong_type(node, what, "true or false", "`true` or `false` (unquoted)");
                    None
                }
            },
            _ => {
                self.wrong_type(node, what, "true or false", "`true` or `false` (unquoted)");
                None
            }
        }
    }

    /// A string or a list of strings (both spellings are accepted where the format allows it).
    pub fn string_or_list<'n>(&mut self, node: &'n Node, what: &str) -> Vec<(String, &'n Node)> {
        match &node.value {
            Value::Scalar(..) => self
                .string(node, what)
                .map(|s| vec![(s, node)])
                .unwrap_or_default(),
            Value::Seq(_) => self.string_list(node, what),
            Value::Null => Vec::new(),
            _ => {
                self.wrong_type(node, what, "a string or a list of strings", "`[a, b]`");
                Vec::new()
            }
        }
    }

    /// A list of strings, each with its own node for precise diagnostics.
    pub fn string_list<'n>(&mut self, node: &'n Node, what: &str) -> Vec<(String, &'n Node)> {
        match &node.value {
            Value::Seq(items) => items
                .iter()
                .filter_map(|item| {
                    self.string(item, &format!("an item of {what}"))
                        .map(|s| (s, item))
                })
                .collect(),
            Value::Null => Vec::new(),
            _ => {
                self.wrong_type(node, what, "a list of strings", "`[a, b]` or `- a` lines");
                Vec::new()
            }
        }
    }

    /// Label maps: scalar values, compared as text (`true`, `"true"` and `True` differ only in case).
    pub fn labels(&mut self, node: &Node, what: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (_, key, v) in self.map(node, what) {
            match &v.value {
                Value::Scalar(s, _) => out.push((key, s.clone())),
                Value::Null => out.push((key, String::new())),
                _ => self.wrong_type(
                    v,
                    &format!("label `{key}`"),
                    "a scalar (string, number or boolean)",
                    "`phi: true`",
                ),
            }
        }
        out
    }
}

/// The diagnostic for input nested too deeply, at `(line, col)` of `file`.
pub fn nesting_too_deep(file: &SourceFile, line: usize, col: usize) -> Diagnostic {
    file.diag_at(
        Diagnostic::error(
            Code::NestingTooDeep,
            format!(
                "`{}` nests lists and mappings more than {} levels deep here",
                file.display,
                crate::source::MAX_NESTING
            ),
        )
        .help("no vigocli input needs that depth: flatten the structure (is the file generated by mistake?)"),
        line,
        col,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_scalar_text_and_positions() {
        let f = SourceFile::new("t.vgo", "a:\n  pci: [2.3, 1.10, \"x\"]\n".into());
        let root = parse(&f).expect("parses");
        let pci = root.get("a").and_then(|a| a.get("pci")).expect("key");
        let Value::Seq(items) = &pci.value else {
            panic!("seq")
        };
        let texts: Vec<_> = items.iter().filter_map(|n| n.as_str()).collect();
        assert_eq!(texts, ["2.3", "1.10", "x"]);
        assert_eq!((items[1].line, items[1].col), (2, 14));
    }

    #[test]
    fn syntax_error_has_a_position() {
        let f = SourceFile::new("t.vgo", "a: [1, 2\nb: c\n".into());
        let d = parse(&f).expect_err("bad yaml");
        assert_eq!(d.code, Code::YamlSyntax);
        assert!(d.location.is_some_and(|l| l.line >= 1));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 2000, .. Default::default() })]
        /// The YAML reader never panics, whatever the text; errors carry a position.
        #[test]
        fn never_panics(text in "[ -~\\n\\t\u{e9}\u{1f600}:{}\\[\\]\"'#&*!|>%@`-]{0,120}") {
            let f = SourceFile::new("t.vgo", text);
            if let Err(d) = parse(&f) {
                proptest::prop_assert!(d.location.is_some());
            }
        }
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let f = SourceFile::new("t.vgo", "a: 1\na: 2\n".into());
        assert!(parse(&f).is_err());
    }
}

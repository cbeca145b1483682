//! Diagnostics: every problem the loader or the engine finds, with a stable code,
//! a location and a fix. Errors stop the run (exit 2) only after all of them are
//! collected; warnings and notes become report findings.

mod code;

pub use code::Code;
use serde::Serialize;
use std::fmt::Write as _;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// A position in an input file. `line` and `col` are 1-based; `col` counts characters.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Location {
    pub file: Arc<str>,
    pub line: usize,
    pub col: usize,
}

impl Location {
    pub fn file_only(file: &Arc<str>) -> Self {
        Location {
            file: file.clone(),
            line: 0,
            col: 0,
        }
    }
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line == 0 {
            write!(f, "{}", self.file)
        } else {
            write!(f, "{}:{}:{}", self.file, self.line, self.col)
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: Code,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// Other places that belong to this diagnostic (e.g. the first definition of a duplicate).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Location>,
    /// The source line the location points into, for the terminal rendering only.
    #[serde(skip)]
    pub source_line: Option<String>,
    /// Further lines of detail (`expected: …`, `found: …`), for the terminal rendering only:
    /// a message is one line.
    #[serde(skip)]
    pub notes: Vec<String>,
}

impl Diagnostic {
    pub fn new(severity: Severity, code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            code,
            message: message.into(),
            location: None,
            help: None,
            related: Vec::new(),
            source_line: None,
            notes: Vec::new(),
        }
    }
    pub fn error(code: Code, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, code, message)
    }
    pub fn warning(code: Code, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, code, message)
    }
    pub fn at(mut self, location: Location) -> Self {
        self.location = Some(location);
        self
    }
    pub fn at_opt(mut self, location: Option<Location>) -> Self {
        self.location = location;
        self
    }
    pub fn with_line(mut self, line: Option<String>) -> Self {
        self.source_line = line;
        self
    }
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }
    pub fn related(mut self, location: Location) -> Self {
        self.related.push(location);
        self
    }

    /// Compiler-style plain text: stable, greppable, colour-free (meaning never depends on
    /// colour). Every piece of data (message, paths, the source excerpt, help) has its control
    /// characters escaped, so a diagnostic is always these lines and nothing else.
    pub fn render(&self) -> String {
        use crate::escape::terminal;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{}[{}]: {}",
            self.severity.as_str(),
            self.code,
            terminal(&self.message)
        );
        if let Some(loc) = &self.location {
            let _ = writeln!(out, "  --> {}", terminal(&loc.to_string()));
            if let (Some(src), true) = (&self.source_line, loc.line > 0) {
                let (src, caret_pad) = excerpt(src, loc.col);
                let num = loc.line.to_string();
                let pad = " ".repeat(num.len());
                let _ = writeln!(out, "{pad} |");
                let _ = writeln!(out, "{num} | {src}");
                let _ = writeln!(out, "{pad} | {caret_pad}^");
            }
        }
        for note in &self.notes {
            let _ = writeln!(out, "  = {}", terminal(note));
        }
        for rel in &self.related {
            let _ = writeln!(out, "  = also: {}", terminal(&rel.to_string()));
        }
        if let Some(help) = &self.help {
            let _ = writeln!(out, "  = help: {}", terminal(help));
        }
        out
    }
}

/// The source line as shown under a diagnostic, escaped, and the padding that puts a caret
/// under character `col` (1-based). A very long line is shown as a window around the column.
fn excerpt(src: &str, col: usize) -> (String, String) {
    const WIDTH: usize = 100;
    let chars: Vec<char> = src.chars().collect();
    let (start, end) = if chars.len() > WIDTH {
        let start = col
            .saturating_sub(1)
            .saturating_sub(WIDTH / 2)
            .min(chars.len().saturating_sub(WIDTH));
        (start, (start + WIDTH).min(chars.len()))
    } else {
        (0, chars.len())
    };
    let mut line = String::new();
    let mut pad = String::new();
    if start > 0 {
        line.push('…');
        pad.push(' ');
    }
    for (i, &c) in chars[start..end].iter().enumerate() {
        crate::escape::push_char(&mut line, c);
        if start + i + 1 < col {
            pad.push_str(&" ".repeat(crate::escape::escaped_width(c)));
        }
    }
    if end < chars.len() {
        line.push('…');
    }
    (line, pad)
}

/// Collects diagnostics across a whole run so that every problem is reported at once.
#[derive(Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }
    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(other);
    }
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }
    pub fn error_count(&self) -> usize {
        self.items
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }
    /// Sorted by location then code, so output never depends on discovery or thread order.
    pub fn into_sorted(mut self) -> Vec<Diagnostic> {
        use rayon::slice::ParallelSliceMut;
        self.items.par_sort_by(|a, b| {
            (a.severity, &a.location, a.code, &a.message).cmp(&(
                b.severity,
                &b.location,
                b.code,
                &b.message,
            ))
        });
        self.items.dedup();
        self.items
    }
}

/// The closest candidate by edit distance, when it is close enough to be a plausible typo.
/// The start of a `help:` line that suggests the closest candidate ("did you mean `x`? "),
/// or nothing when no candidate is close: the one spelling of the hint.
pub fn did_you_mean_hint<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    did_you_mean(input, candidates)
        .map(|s| format!("did you mean `{s}`? "))
        .unwrap_or_default()
}

pub fn did_you_mean<'a>(
    input: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let input_l = input.to_lowercase();
    let mut best: Option<(usize, &'a str)> = None;
    for cand in candidates {
        let d = strsim::levenshtein(&input_l, &cand.to_lowercase());
        let limit = (input.chars().count().max(3) / 3).max(1);
        if d <= limit && best.is_none_or(|(bd, bc)| (d, cand) < (bd, bc)) {
            best = Some((d, cand));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_points_at_the_column() {
        let d = Diagnostic::error(Code::UnknownControl, "unknown control")
            .at(Location {
                file: "a.vgo".into(),
                line: 3,
                col: 5,
            })
            .with_line(Some("  - X".into()))
            .help("fix it");
        assert_eq!(
            d.render(),
            "error[unknown-control]: unknown control\n  --> a.vgo:3:5\n  |\n3 |   - X\n  |     ^\n  = help: fix it\n"
        );
    }

    #[test]
    fn long_lines_are_windowed() {
        let line = format!("{}X{}", "a".repeat(500), "b".repeat(500));
        let d = Diagnostic::error(Code::YamlSyntax, "x")
            .at(Location {
                file: "a".into(),
                line: 1,
                col: 501,
            })
            .with_line(Some(line));
        let r = d.render();
        let src = r.lines().nth(3).unwrap_or_default();
        let caret = r.lines().nth(4).unwrap_or_default();
        assert!(src.chars().count() < 120, "{src}");
        assert_eq!(
            src.chars().position(|c| c == 'X'),
            caret.chars().position(|c| c == '^')
        );
    }

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(did_you_mean("hipa", ["hipaa", "soc2"]), Some("hipaa"));
        assert_eq!(did_you_mean("xyz", ["hipaa", "soc2"]), None);
    }
}

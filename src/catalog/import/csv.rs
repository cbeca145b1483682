//! CSV import: a header `id,title[,parent,category,assessable]` (any order, names case
//! insensitive), then one control a row. Quoting is RFC 4180's: a field in double quotes
//! may hold commas, line breaks and doubled quotes (`""`); records end with LF or CRLF.
//! Hand-written (it is this small) and fuzzed by the unit tests: any text gives records or
//! positioned errors, never a panic.

use super::{Entry, Imported, bad, finish};
use crate::diag::Diagnostic;
use crate::yaml::SourceFile;

/// One field: its text (unquoted) and where it starts (1-based line, character column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Field {
    pub text: String,
    pub line: usize,
    pub col: usize,
    pub quoted: bool,
}

/// A syntax error: where, what, how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct SyntaxError {
    pub line: usize,
    pub col: usize,
    pub message: String,
    pub help: &'static str,
}

/// Where the reader is in the text.
struct Cursor<'t> {
    text: &'t str,
    pos: usize,
    line: usize,
    col: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<char> {
        self.text[self.pos..].chars().next()
    }
    fn at_line_end(&self) -> bool {
        let rest = &self.text[self.pos..];
        rest.starts_with('\n') || rest.starts_with("\r\n")
    }
    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        if c == '\n' {
            self.line += 1;
            self.col = 1;
        } else {
            self.col += 1;
        }
        Some(c)
    }
    /// Consumes a line end (LF or CRLF) if one is next.
    fn line_end(&mut self) -> bool {
        if self.text[self.pos..].starts_with("\r\n") {
            self.bump();
            self.bump();
            true
        } else if self.peek() == Some('\n') {
            self.bump();
            true
        } else {
            false
        }
    }
    /// Skips the rest of the physical line and its line end (after an error).
    fn skip_line(&mut self) {
        while let Some(c) = self.bump() {
            if c == '\n' {
                break;
            }
        }
    }
}

const QUOTE_HELP: &str = "in CSV a field that holds a quote, a comma or a line break is written in double quotes, with each quote inside doubled: \"say \"\"hi\"\"\"";

/// The records of `text` (blank lines skipped) and every syntax error; a record with an
/// error is left out, and reading goes on at the next line.
pub(super) fn records(text: &str) -> (Vec<Vec<Field>>, Vec<SyntaxError>) {
    let mut cur = Cursor {
        text,
        pos: 0,
        line: 1,
        col: 1,
    };
    let mut records = Vec::new();
    let mut errors = Vec::new();
    while cur.peek().is_some() {
        let mut fields = Vec::new();
        let mut broken = false;
        loop {
            let (line, col) = (cur.line, cur.col);
            let mut value = String::new();
            let quoted = cur.peek() == Some('"');
            if quoted {
                cur.bump();
                let mut closed = false;
                while let Some(c) = cur.bump() {
                    if c == '"' {
                        if cur.peek() == Some('"') {
                            cur.bump();
                            value.push('"');
                        } else {
                            closed = true;
                            break;
                        }
                    } else {
                        value.push(c);
                    }
                }
                if !closed {
                    errors.push(SyntaxError {
                        line,
                        col,
                        message: "this quoted field is never closed".into(),
                        help: "add the closing double quote (a quote inside a quoted field is written twice: \"\")",
                    });
                    broken = true;
                    break;
                }
                match cur.peek() {
                    None | Some(',') => {}
                    Some(_) if cur.at_line_end() => {}
                    Some(c) => {
                        errors.push(SyntaxError {
                            line: cur.line,
                            col: cur.col,
                            message: format!(
                                "`{}` after the closing quote of a field",
                                crate::escape::terminal(&c.to_string())
                            ),
                            help: QUOTE_HELP,
                        });
                        cur.skip_line();
                        broken = true;
                        break;
                    }
                }
            } else {
                while let Some(c) = cur.peek() {
                    if c == ',' || cur.at_line_end() {
                        break;
                    }
                    if c == '"' {
                        errors.push(SyntaxError {
                            line: cur.line,
                            col: cur.col,
                            message: "a double quote inside a field that does not start with one"
                                .into(),
                            help: QUOTE_HELP,
                        });
                        cur.skip_line();
                        broken = true;
                        break;
                    }
                    value.push(c);
                    cur.bump();
                }
                if broken {
                    break;
                }
            }
            fields.push(Field {
                text: value,
                line,
                col,
                quoted,
            });
            if cur.peek() == Some(',') {
                cur.bump();
                continue;
            }
            cur.line_end();
            break;
        }
        let blank = fields.len() == 1 && fields[0].text.is_empty() && !fields[0].quoted;
        if !broken && !blank {
            records.push(fields);
        }
    }
    (records, errors)
}

/// The columns a CSV import knows.
const COLUMNS: &[&str] = &["id", "title", "parent", "category", "assessable"];

/// Reads a CSV import file: every problem, positioned, or the controls in an order the
/// catalog loader reads (parents first).
pub fn read_csv(src: &SourceFile) -> Result<Imported, Vec<Diagnostic>> {
    let (records, errors) = records(&src.text);
    let mut diags: Vec<Diagnostic> = errors
        .into_iter()
        .map(|e| bad(src, e.line, e.col, e.message, e.help))
        .collect();
    let mut rows = records.into_iter();
    let Some(header) = rows.next() else {
        diags.push(bad(
            src,
            1,
            1,
            format!("`{}` has no header line", src.display),
            "start the file with the header `id,title` (optionally also parent, category, assessable)",
        ));
        return Err(diags);
    };
    // Column index of each known name.
    let mut col_of: [Option<usize>; 5] = [None; 5];
    for (i, f) in header.iter().enumerate() {
        let name = f.text.trim().to_ascii_lowercase();
        match COLUMNS.iter().position(|c| *c == name) {
            Some(k) if col_of[k].is_some() => diags.push(bad(
                src,
                f.line,
                f.col,
                format!("column `{name}` appears twice in the header"),
                "name each column once",
            )),
            Some(k) => col_of[k] = Some(i),
            None => diags.push(bad(
                src,
                f.line,
                f.col,
                format!(
                    "unknown column `{}` in the header",
                    crate::escape::terminal(f.text.trim())
                ),
                "the columns are id, title, parent, category and assessable (id and title required)",
            )),
        }
    }
    let (h_line, h_col) = header.first().map_or((1, 1), |f| (f.line, f.col));
    for (k, name) in COLUMNS.iter().enumerate().take(2) {
        if col_of[k].is_none() {
            diags.push(bad(
                src,
                h_line,
                h_col,
                format!("the header has no `{name}` column"),
                "start the file with the header `id,title` (optionally also parent, category, assessable)",
            ));
        }
    }
    let width = header.len();
    let mut controls = Vec::new();
    for row in rows {
        let (line, col) = (row[0].line, row[0].col);
        if row.len() != width {
            diags.push(bad(
                src,
                line,
                col,
                format!(
                    "this row has {} field(s), the header has {width}",
                    row.len()
                ),
                "give every row one value per header column (an empty value is allowed); quote a value that holds a comma",
            ));
            continue;
        }
        let get = |k: usize| col_of[k].map(|i| &row[i]);
        let value = |k: usize| get(k).map(|f| f.text.trim()).filter(|t| !t.is_empty());
        let Some(id_field) = get(0) else { continue };
        let Some(id) = value(0) else {
            diags.push(bad(
                src,
                id_field.line,
                id_field.col,
                "this row has no id".into(),
                "every control needs an id in the `id` column",
            ));
            continue;
        };
        let Some(title) = value(1) else {
            let f = get(1).unwrap_or(id_field);
            diags.push(bad(
                src,
                f.line,
                f.col,
                format!("control \"{id}\" has no title"),
                "every control needs a title in the `title` column",
            ));
            continue;
        };
        let assessable = match value(4) {
            None => true,
            Some(v) if v.eq_ignore_ascii_case("true") => true,
            Some(v) if v.eq_ignore_ascii_case("false") => false,
            Some(v) => {
                let f = get(4).unwrap_or(id_field);
                diags.push(bad(
                    src,
                    f.line,
                    f.col,
                    format!(
                        "`assessable` of control \"{id}\" is `{}`, not true or false",
                        crate::escape::terminal(v)
                    ),
                    "write true (a control that counts, the default when empty) or false (a heading)",
                ));
                continue;
            }
        };
        let parent = get(2).and_then(|f| {
            let t = f.text.trim();
            (!t.is_empty()).then(|| (t.to_string(), src.location(f.line, f.col)))
        });
        controls.push(Entry {
            id: id.to_string(),
            title: title.to_string(),
            parent,
            category: value(3).map(str::to_string),
            assessable,
            withdrawn: false,
            incorporated_into: None,
            loc: src.location(line, col),
        });
    }
    Ok(Imported {
        title: None,
        version: None,
        controls: finish(src, controls, diags)?,
    })
}

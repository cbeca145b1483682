//! Text-level edits of an evidence records file (`evidence/*.yaml`): a new record appended
//! under `evidence:`, or fields of one record set. Everything else in the file — comments,
//! order, quoting, blank lines, line endings — is kept byte for byte, so that a reviewed
//! file's history stays readable (docs/evidence.md).
//!
//! Positions come from the parsed file (`crate::yaml`); the edits are made on its lines.

use crate::diag::{Code, Diagnostic};
use crate::yaml::{Node, SourceFile, Value};

/// The header of a records file that `evidence add` creates.
pub const HEADER: &str = "# Evidence records (docs/evidence.md): documents an auditor reviews, each proving controls.\n# `vigocli evidence add` appends records here; `vigocli evidence review` accepts or rejects them.\n";

/// One `key: value` line of a record, its value already YAML ([`quote`] for text).
#[derive(Debug, Clone)]
pub struct Field {
    pub key: &'static str,
    pub value: String,
}

impl Field {
    pub fn new(key: &'static str, value: impl Into<String>) -> Field {
        Field {
            key,
            value: value.into(),
        }
    }
}

/// `s` as a YAML double-quoted scalar: `"` and `\` escaped, and every character YAML does
/// not allow as it is (control characters, DEL, C1, the byte-order mark, line and
/// paragraph separators) written as an escape, so that the loader reads `s` back.
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
            c if (c as u32) < 0x20
                || (0x7f..=0x9f).contains(&(c as u32))
                || matches!(c, '\u{feff}' | '\u{2028}' | '\u{2029}') =>
            {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A flow list of quoted strings: `["a", "b"]`.
pub fn quoted_list(items: &[String]) -> String {
    let inner: Vec<String> = items.iter().map(|s| quote(s)).collect();
    format!("[{}]", inner.join(", "))
}

/// The line ending a file uses (CRLF when it has any), for the lines added to it.
fn line_ending(text: &str) -> &'static str {
    if text.contains("\r\n") { "\r\n" } else { "\n" }
}

/// Lines with their endings (the last may have none).
fn split_lines(text: &str) -> Vec<String> {
    text.split_inclusive('\n').map(str::to_string).collect()
}

fn content(line: &str) -> &str {
    line.trim_end_matches(['\n', '\r'])
}

/// A line that holds no YAML content: blank, or only a comment.
fn is_filler(line: &str) -> bool {
    let t = content(line).trim();
    t.is_empty() || t.starts_with('#')
}

/// The byte offset of 1-based character column `col` in `line`.
fn byte_of(line: &str, col: usize) -> usize {
    line.char_indices()
        .nth(col.saturating_sub(1))
        .map_or(line.len(), |(b, _)| b)
}

/// The character at 1-based `(line, col)` of `lines`.
fn char_at(lines: &[String], line: usize, col: usize) -> Option<char> {
    let l = lines.get(line.checked_sub(1)?)?;
    l[byte_of(l, col)..].chars().next()
}

/// The lines of one record (1-based, inclusive), without the blank and comment lines
/// that follow it.
fn record_lines(lines: &[String], items: &[Node], i: usize) -> (usize, usize) {
    let start = items[i].line;
    let mut end = match items.get(i + 1) {
        Some(next) => next.line - 1,
        None => lines.len(),
    };
    // A record may be followed by comments, blank lines, or the next item's lone dash.
    while end > start && (is_filler(&lines[end - 1]) || content(&lines[end - 1]).trim() == "-") {
        end -= 1;
    }
    (start, end)
}

/// The `evidence:` list of a parsed records file, with the key's node.
fn evidence_entry(root: &Node) -> Option<(&Node, &Node)> {
    root.as_map()?
        .iter()
        .find(|(k, _)| k.as_str() == Some("evidence"))
        .map(|(k, v)| (k, v))
}

fn refuse(src: &SourceFile, node: &Node, what: String, help: &str) -> Diagnostic {
    src.diag(
        Diagnostic::error(Code::BadEvidence, what).help(help.to_string()),
        node,
    )
}

const FLOW_HELP: &str = "write the records as a block list, one `- id: …` item per record with one `key: value` line per field, as docs/evidence.md shows";

/// The text of a records file with a new record (`fields`, `id` first) appended to its
/// `evidence:` list; `None` is a file that does not exist yet (it gets [`HEADER`]).
pub fn append(file: Option<(&SourceFile, &Node)>, fields: &[Field]) -> Result<String, Diagnostic> {
    let Some((src, root)) = file else {
        return Ok(format!("{HEADER}evidence:\n{}", item(fields, 2, 4, "\n")));
    };
    let nl = line_ending(&src.text);
    let mut lines = split_lines(&src.text);
    let (dash, key) = match evidence_entry(root) {
        // Only comments (or nothing): the list starts here.
        None => {
            ensure_final_newline(&mut lines, nl);
            lines.push(format!("evidence:{nl}"));
            (2, 4)
        }
        Some((k, list)) => match &list.value {
            Value::Seq(items) if !items.is_empty() => {
                if char_at(&lines, list.line, list.col) == Some('[') {
                    return Err(refuse(
                        src,
                        list,
                        format!(
                            "`{}` writes its `evidence:` list in flow style (`[…]`); `vigocli evidence add` appends to a block list",
                            src.display
                        ),
                        FLOW_HELP,
                    ));
                }
                let first = &items[0];
                let dash = dash_column(&lines, first);
                let key = if first.as_map().is_some()
                    && char_at(&lines, first.line, first.col) != Some('{')
                {
                    first.col - 1
                } else {
                    dash + 2
                };
                ensure_final_newline(&mut lines, nl);
                (dash, key)
            }
            // `evidence:` with no item yet (empty, `~`, `null` or `[]`): an empty value
            // written on the key's line is removed, and the list starts below it.
            Value::Null | Value::Seq(_) => {
                let original = lines[k.line - 1].clone();
                let ending = &original[content(&original).len()..];
                let (body, comment) = split_comment(content(&original));
                let Some(colon) = body.find(':') else {
                    return Err(refuse(
                        src,
                        k,
                        "`evidence:` is not followed by a list vigocli can append to".into(),
                        FLOW_HELP,
                    ));
                };
                let value = body[colon + 1..].trim();
                if !value.is_empty() {
                    let empty = matches!(value, "~" | "null" | "Null" | "NULL")
                        || value
                            .strip_prefix('[')
                            .and_then(|v| v.strip_suffix(']'))
                            .is_some_and(|v| v.trim().is_empty());
                    if !empty {
                        return Err(refuse(
                            src,
                            k,
                            "`evidence:` is not followed by a list vigocli can append to".into(),
                            FLOW_HELP,
                        ));
                    }
                    let rest = if comment.is_empty() {
                        String::new()
                    } else {
                        format!(" {comment}")
                    };
                    lines[k.line - 1] = format!("{}{rest}{ending}", &body[..=colon]);
                }
                ensure_final_newline(&mut lines, nl);
                (k.col + 1, k.col + 3)
            }
            _ => {
                return Err(refuse(
                    src,
                    list,
                    "`evidence` is not a list".into(),
                    FLOW_HELP,
                ));
            }
        },
    };
    let mut out: String = lines.concat();
    out.push_str(&item(fields, dash, key, nl));
    Ok(out)
}

/// The column (0-based) of the dash that starts list item `item`: on its line before it,
/// or alone on a line above it. (The parser places an indentless list at its first item,
/// so the list's own position does not tell.)
fn dash_column(lines: &[String], item: &Node) -> usize {
    let on_line = lines.get(item.line - 1).and_then(|l| {
        let before = &l[..byte_of(l, item.col)];
        before.rfind('-').map(|b| before[..b].chars().count())
    });
    on_line
        .or_else(|| {
            lines[..item.line - 1]
                .iter()
                .rev()
                .find(|l| !is_filler(l))
                .and_then(|l| content(l).find('-'))
        })
        .unwrap_or(0)
}

fn ensure_final_newline(lines: &mut [String], nl: &str) {
    if let Some(last) = lines.last_mut()
        && !last.ends_with('\n')
    {
        last.push_str(nl);
    }
}

/// A line's YAML and its trailing comment (`#` after a space, outside quotes).
fn split_comment(line: &str) -> (&str, &str) {
    let mut quote: Option<char> = None;
    let mut prev = ' ';
    for (i, c) in line.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '#' && prev.is_whitespace() => {
                return (line[..i].trim_end(), &line[i..]);
            }
            None => {}
        }
        prev = c;
    }
    (line, "")
}

/// A record as block-style lines: the dash at column `dash`, its keys at column `key`.
fn item(fields: &[Field], dash: usize, key: usize, nl: &str) -> String {
    let key = key.max(dash + 2);
    let mut out = String::new();
    for (i, f) in fields.iter().enumerate() {
        if i == 0 {
            out.push_str(&" ".repeat(dash));
            out.push('-');
            out.push_str(&" ".repeat(key - dash - 1));
        } else {
            out.push_str(&" ".repeat(key));
        }
        out.push_str(&format!("{}: {}{nl}", f.key, f.value));
    }
    out
}

/// Where one written scalar ends on its line (byte offset), or None when it goes on
/// past the line.
fn scalar_end(line: &str, start: usize) -> Option<usize> {
    let rest = &line[start..];
    let mut chars = rest.char_indices();
    match chars.next() {
        Some((_, '"')) => {
            let mut escaped = false;
            for (i, c) in chars {
                match c {
                    _ if escaped => escaped = false,
                    '\\' => escaped = true,
                    '"' => return Some(start + i + 1),
                    _ => {}
                }
            }
            None
        }
        Some((_, '\'')) => {
            let b = rest.as_bytes();
            let mut i = 1;
            while i < b.len() {
                if b[i] == b'\'' {
                    if b.get(i + 1) == Some(&b'\'') {
                        i += 2;
                        continue;
                    }
                    return Some(start + i + 1);
                }
                i += 1;
            }
            None
        }
        Some((_, '|' | '>' | '[' | '{')) => None,
        Some(_) => Some(start + split_comment(rest).0.trim_end().len()),
        None => Some(start),
    }
}

enum Edit {
    /// Replace bytes `from..to` of one line.
    Inline {
        line: usize,
        from: usize,
        to: usize,
        text: String,
    },
    /// Replace lines `first..=last` with these.
    Lines {
        first: usize,
        last: usize,
        text: String,
    },
    /// Insert after line `after`.
    Insert { after: usize, text: String },
}

/// The text of a records file with `fields` set on the record with id `id`: a field the
/// record has gets its new value in place (a trailing comment on its line is kept); a
/// field it lacks is added after its last line, at its indentation. No other line changes.
pub fn set_fields(
    src: &SourceFile,
    root: &Node,
    id: &str,
    fields: &[Field],
) -> Result<String, Diagnostic> {
    let nl = line_ending(&src.text);
    let mut lines = split_lines(&src.text);
    let not_found = || {
        Diagnostic::error(
            Code::BadArgument,
            format!("`{}` holds no record with id `{id}`", src.display),
        )
        .help("`vigocli evidence list` shows every record and where it is written")
    };
    let Some((_, list)) = evidence_entry(root) else {
        return Err(not_found());
    };
    let Value::Seq(items) = &list.value else {
        return Err(not_found());
    };
    let Some(i) = items
        .iter()
        .position(|it| it.get("id").and_then(Node::as_str).map(str::trim) == Some(id))
    else {
        return Err(not_found());
    };
    let record = &items[i];
    let Some(map) = record.as_map() else {
        return Err(not_found());
    };
    if char_at(&lines, list.line, list.col) == Some('[')
        || char_at(&lines, record.line, record.col) == Some('{')
    {
        return Err(refuse(
            src,
            record,
            format!(
                "evidence `{id}` is written in flow style (`{{…}}`); `vigocli evidence review` edits block-style records"
            ),
            FLOW_HELP,
        ));
    }
    let (_, record_end) = record_lines(&lines, items, i);
    let mut edits = Vec::new();
    let mut added = String::new();
    for f in fields {
        let rendered = format!("{}: {}", f.key, f.value);
        let Some(at) = map.iter().position(|(k, _)| k.as_str() == Some(f.key)) else {
            added.push_str(&" ".repeat(record.col - 1));
            added.push_str(&rendered);
            added.push_str(nl);
            continue;
        };
        let (k, v) = &map[at];
        let mut last = map
            .get(at + 1)
            .map_or(record_end, |(next, _)| next.line - 1);
        while last > k.line && is_filler(&lines[last - 1]) {
            last -= 1;
        }
        let line = &lines[k.line - 1];
        let inline = match &v.value {
            Value::Scalar(..) if last == k.line && v.line == k.line => {
                let from = byte_of(line, v.col);
                scalar_end(content(line), from).map(|to| (from, to))
            }
            _ => None,
        };
        edits.push(match inline {
            Some((from, to)) => Edit::Inline {
                line: k.line,
                from,
                to,
                text: f.value.clone(),
            },
            None => Edit::Lines {
                first: k.line,
                last,
                text: format!("{}{rendered}{nl}", " ".repeat(k.col - 1)),
            },
        });
    }
    if !added.is_empty() {
        edits.push(Edit::Insert {
            after: record_end,
            text: added,
        });
    }
    // From the bottom up, so that earlier line numbers stay valid; the insertion after
    // the record comes after every line of it.
    edits.sort_by_key(|e| {
        std::cmp::Reverse(match e {
            Edit::Inline { line, .. } => (*line, 0),
            Edit::Lines { first, .. } => (*first, 0),
            Edit::Insert { after, .. } => (*after, 1),
        })
    });
    for e in edits {
        match e {
            Edit::Inline {
                line,
                from,
                to,
                text,
            } => lines[line - 1].replace_range(from..to, &text),
            Edit::Lines { first, last, text } => {
                lines.splice(first - 1..last, [text]);
            }
            Edit::Insert { after, text } => {
                if !lines[after - 1].ends_with('\n') {
                    lines[after - 1].push_str(nl);
                }
                lines.insert(after, text);
            }
        }
    }
    Ok(lines.concat())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> (SourceFile, Node) {
        let src = SourceFile::new("evidence/records.yaml", text.to_string());
        let root = crate::yaml::parse(&src).expect("valid YAML");
        (src, root)
    }

    fn fields() -> Vec<Field> {
        vec![
            Field::new("id", "new-one"),
            Field::new("title", quote("New")),
            Field::new("status", "pending_review"),
        ]
    }

    fn append_to(text: &str) -> String {
        let (src, root) = parsed(text);
        let out = append(Some((&src, &root)), &fields()).expect("appends");
        // The result parses and holds the new record last.
        let (_, root) = parsed(&out);
        let Some(Value::Seq(items)) = root.get("evidence").map(|n| &n.value) else {
            panic!("no list in {out}");
        };
        assert_eq!(
            items
                .last()
                .and_then(|i| i.get("id"))
                .and_then(Node::as_str),
            Some("new-one"),
            "{out}"
        );
        out
    }

    #[test]
    fn quotes_what_yaml_cannot_hold_plainly() {
        assert_eq!(quote("a \"b\" \\ c"), r#""a \"b\" \\ c""#);
        assert_eq!(
            quote("x\u{7}\u{7f}\u{85}\u{feff}\n"),
            r#""x\u0007\u007f\u0085\ufeff\n""#
        );
        let (_, root) = parsed(&format!("k: {}\n", quote("é \u{1} \" \\ #")));
        assert_eq!(
            root.get("k").and_then(Node::as_str),
            Some("é \u{1} \" \\ #")
        );
    }

    #[test]
    fn a_new_file_gets_a_header_and_a_list() {
        let out = append(None, &fields()).expect("new");
        assert_eq!(
            out,
            format!(
                "{HEADER}evidence:\n  - id: new-one\n    title: \"New\"\n    status: pending_review\n"
            )
        );
    }

    #[test]
    fn appending_keeps_every_byte_and_follows_the_indentation() {
        let text = "# top\nevidence:   # the list\n- id: a   # first\n  title: A\n\n  # trailing comment\n";
        let out = append_to(text);
        assert_eq!(
            out,
            format!("{text}- id: new-one\n  title: \"New\"\n  status: pending_review\n")
        );
        let text = "evidence:\n    -   id: a\n        title: A";
        let out = append_to(text);
        assert_eq!(
            out,
            format!(
                "{text}\n    -   id: new-one\n        title: \"New\"\n        status: pending_review\n"
            )
        );
        let text = "evidence:\r\n  -\r\n    id: a\r\n";
        let out = append_to(text);
        assert!(out.starts_with(text), "{out}");
        assert!(
            out.ends_with(
                "  - id: new-one\r\n    title: \"New\"\r\n    status: pending_review\r\n"
            ),
            "{out:?}"
        );
    }

    #[test]
    fn empty_lists_become_block_lists() {
        assert_eq!(
            append_to("# nothing yet\n"),
            format!("# nothing yet\nevidence:\n{}", item(&fields(), 2, 4, "\n"))
        );
        assert_eq!(
            append_to("evidence: []  # none\n"),
            format!("evidence: # none\n{}", item(&fields(), 2, 4, "\n"))
        );
        assert_eq!(
            append_to("evidence:\n"),
            format!("evidence:\n{}", item(&fields(), 2, 4, "\n"))
        );
        assert_eq!(
            append_to("evidence: ~"),
            format!("evidence:\n{}", item(&fields(), 2, 4, "\n"))
        );
    }

    #[test]
    fn flow_lists_are_refused() {
        let (src, root) = parsed("evidence: [{id: a}]\n");
        let d = append(Some((&src, &root)), &fields()).expect_err("refused");
        assert_eq!(d.code, Code::BadEvidence);
        let (src, root) = parsed("evidence:\n  - {id: a, status: pending_review}\n");
        let d = set_fields(&src, &root, "a", &fields()).expect_err("refused");
        assert!(d.message.contains("flow style"), "{}", d.message);
    }

    #[test]
    fn setting_fields_touches_only_the_record() {
        let text = "\
# keep me
evidence:
  - id: a
    status: pending_review   # set by add
    note: |
      old
      note
    title: 'it''s'

  # about b
  - id: b
    status: 'pending_review'
    title: B
";
        let (src, root) = parsed(text);
        let f = vec![
            Field::new("status", "accepted"),
            Field::new("reviewed_by", quote("ann")),
            Field::new("note", quote("fine")),
            Field::new("title", quote("T")),
        ];
        let out = set_fields(&src, &root, "a", &f).expect("edits");
        assert_eq!(
            out,
            "\
# keep me
evidence:
  - id: a
    status: accepted   # set by add
    note: \"fine\"
    title: \"T\"
    reviewed_by: \"ann\"

  # about b
  - id: b
    status: 'pending_review'
    title: B
"
        );
        let out = set_fields(&src, &root, "b", &f[..2]).expect("edits");
        assert_eq!(
            out,
            text.replace(
                "    status: 'pending_review'\n    title: B\n",
                "    status: accepted\n    title: B\n    reviewed_by: \"ann\"\n"
            )
        );
        assert!(set_fields(&src, &root, "c", &f).is_err());
    }

    #[test]
    fn the_last_record_without_a_final_newline() {
        let (src, root) = parsed("evidence:\n- id: a\n  status: pending_review");
        let out = set_fields(
            &src,
            &root,
            "a",
            &[
                Field::new("status", "rejected"),
                Field::new("sha256", quote("ab")),
            ],
        )
        .expect("edits");
        assert_eq!(
            out,
            "evidence:\n- id: a\n  status: rejected\n  sha256: \"ab\"\n"
        );
    }
}

//! Escaping data for the place it is shown. Hostnames, labels, waiver fields, file names,
//! catalog titles and server responses are data: in a terminal, a CI log or a Markdown
//! comment they must read as text and never act — no ESC sequence that recolours or
//! rewrites the screen, no carriage return that overwrites a line, no newline that starts
//! a forged `::error` workflow command, no Markdown link or HTML.
//!
//! Every human-readable rendering passes data through [`terminal`] where it interpolates
//! it; machine formats (JSON, SARIF, JSONL) escape through their serialiser instead.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Characters a terminal or a log viewer acts on: C0 and C1 controls and DEL, plus the
/// Unicode line and paragraph separators and the bidirectional marks, embeddings,
/// overrides and isolates (which reorder what is displayed).
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200e}' | '\u{200f}' | '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

/// `s` with every [unsafe](is_unsafe) character written as a visible escape: `\n`, `\r`,
/// `\t`, `\x1b` (below U+0100) or `\u{202e}`. Everything else, backslashes included, is
/// unchanged, so ordinary text (and a Windows path) reads as it is.
pub fn terminal(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        push_char(&mut out, c);
    }
    Cow::Owned(out)
}

/// `s` for a document that lays out white space itself (an HTML page, a PDF): every
/// [unsafe](is_unsafe) character written as a visible escape, as [`terminal`] writes it,
/// except the line breaks and tabs such a document shows as white space. A bidirectional
/// override in a waiver's owner cannot reverse what a page shows, and an ESC reads `\x1b`.
pub fn document(s: &str) -> Cow<'_, str> {
    let hidden = |c: char| is_unsafe(c) && !matches!(c, '\n' | '\r' | '\t');
    if !s.chars().any(hidden) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if hidden(c) {
            push_char(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Appends `c`, escaped when it is unsafe.
pub fn push_char(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if is_unsafe(c) && (c as u32) < 0x100 => {
            let _ = write!(out, "\\x{:02x}", c as u32);
        }
        c if is_unsafe(c) => {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
        c => out.push(c),
    }
}

/// How many columns `c` takes once escaped (for carets under a source excerpt).
pub fn escaped_width(c: char) -> usize {
    let mut s = String::new();
    push_char(&mut s, c);
    s.chars().count()
}

/// GitHub workflow-command data (the message after `::`): the runner's `escapeData`
/// (`%`, CR, LF), after [`terminal`] so that data never ends the line.
pub fn github_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A GitHub workflow-command property value (`file=`, `title=`): the runner's
/// `escapeProperty` (`%`, CR, LF, `:` and `,`).
pub fn github_property(s: &str) -> String {
    github_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// Data as Markdown text: [`terminal`], then a backslash before every character that
/// could start markup (links, images, HTML, entities, emphasis, code, table cells).
pub fn markdown(s: &str) -> String {
    let s = terminal(s);
    let mut out = String::with_capacity(s.len() + 4);
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '!' | '|' | '&' | '#' | '~'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_keeps_white_space_and_shows_what_would_act() {
        assert_eq!(document("plain\ttext\r\n"), "plain\ttext\r\n");
        assert_eq!(
            document("a\u{1b}[2J\u{7}\u{202e}b\nc"),
            "a\\x1b[2J\\x07\\u{202e}b\nc"
        );
    }

    #[test]
    fn controls_become_visible() {
        assert_eq!(terminal("web-01"), "web-01");
        assert_eq!(
            terminal("a\nb\rc\td\u{1b}[31m\u{7}\u{9b}\u{202e}"),
            "a\\nb\\rc\\td\\x1b[31m\\x07\\x9b\\u{202e}"
        );
        assert_eq!(escaped_width('\u{1b}'), 4);
        assert_eq!(escaped_width('x'), 1);
    }

    #[test]
    fn markdown_cannot_carry_markup() {
        assert_eq!(
            markdown("[x](http://e) <img> | a\nb"),
            "\\[x\\](http://e) \\<img\\> \\| a\\\\nb"
        );
    }
}

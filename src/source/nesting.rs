//! The nesting limit every parser shares: JSON and TOML are measured before parsing (YAML
//! while parsing), so that a hostile file is refused with one clear diagnostic.

use super::MAX_NESTING;

/// The position of the first opening bracket nested deeper than [`MAX_NESTING`] in JSON
/// text (`[`/`{` outside strings), as a byte offset. `per_line`: JSON Lines, each line a
/// value of its own.
pub fn json_too_deep(text: &str, per_line: bool) -> Option<usize> {
    // Text with no more opening brackets than the limit cannot nest deeper; JSON Lines are
    // checked line by line, each on its own. The brackets are found by a vectorised search,
    // and only a line (or text) with more of them than the limit is scanned byte by byte.
    let bytes = text.as_bytes();
    if !per_line {
        let openers = memchr::memchr2_iter(b'[', b'{', bytes).count();
        return if openers > MAX_NESTING {
            scan(text)
        } else {
            None
        };
    }
    let (mut line_start, mut openers) = (0, 0);
    for i in memchr::memchr3_iter(b'[', b'{', b'\n', bytes) {
        if bytes[i] == b'\n' {
            (line_start, openers) = (i + 1, 0);
            continue;
        }
        openers += 1;
        if openers == MAX_NESTING + 1 {
            let end =
                memchr::memchr(b'\n', &bytes[line_start..]).map_or(text.len(), |e| line_start + e);
            if let Some(at) = scan(&text[line_start..end]) {
                return Some(line_start + at);
            }
        }
    }
    None
}

/// The byte-by-byte scan behind [`json_too_deep`], of one JSON text (or line).
fn scan(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, b) in text.bytes().enumerate() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// Like [`json_too_deep`] for TOML: arrays and inline tables, outside strings and comments.
pub fn toml_too_deep(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    let mut line_start = true;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'\n' => {
                line_start = true;
                i += 1;
                continue;
            }
            b' ' | b'\t' | b'\r' => {
                i += 1;
                continue;
            }
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'"' | b'\'' => {
                let triple = bytes.get(i..i + 3).is_some_and(|s| s == [b, b, b]);
                let quote_len = if triple { 3 } else { 1 };
                i += quote_len;
                while i < bytes.len() {
                    if b == b'"' && bytes[i] == b'\\' {
                        i += 2;
                        continue;
                    }
                    if triple {
                        if bytes.get(i..i + 3).is_some_and(|s| s == [b, b, b]) {
                            i += 3;
                            break;
                        }
                    } else if bytes[i] == b || bytes[i] == b'\n' {
                        i += 1;
                        break;
                    }
                    i += 1;
                }
                line_start = false;
                continue;
            }
            // `[table]` and `[[array.of.tables]]` headers are not nesting of values.
            b'[' if line_start && depth == 0 => {
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'#' {
                    i += 1;
                }
                continue;
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        line_start = false;
        i += 1;
    }
    None
}

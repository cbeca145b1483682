//! What the Markdown formats share (`report --format markdown`, `check --format
//! markdown`): GitHub-flavoured Markdown for `$GITHUB_STEP_SUMMARY` and pull-request
//! comments, data escaped by [`crate::escape::markdown`], and a cap at GitHub's comment
//! limit that says what it cut (docs/ci.md § Markdown).

/// GitHub refuses a comment (or issue body) longer than 65,536 characters. The cap is
/// measured in bytes, which are never fewer than characters, so a capped text fits.
pub const GITHUB_COMMENT_LIMIT: usize = 65_536;

/// How many controls one list shows before it says how many more there are.
pub const CONTROLS_LISTED: usize = 50;

/// Data as Markdown text (never markup; on one line, so it also fits a table cell).
pub fn md(s: &str) -> String {
    crate::escape::markdown(s)
}

/// `items` joined with `, `, at most [`CONTROLS_LISTED`] of them, then `and N more`.
pub fn capped_list(items: &[String]) -> String {
    let mut out = items
        .iter()
        .take(CONTROLS_LISTED)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > CONTROLS_LISTED {
        out.push_str(&format!(" and {} more", items.len() - CONTROLS_LISTED));
    }
    out
}

/// `text` cut at a line boundary so that it fits in `limit` bytes with a closing note that
/// says how many lines were cut and where the whole result is. Unchanged when it fits.
pub fn cap(text: String, limit: usize, whole: &str) -> String {
    if text.len() <= limit {
        return text;
    }
    let total_lines = text.lines().count();
    // The note is at most this long (its numbers have at most 20 digits each).
    let note_room = 300 + whole.len();
    let budget = limit.saturating_sub(note_room);
    let mut end = 0;
    for (i, _) in text.match_indices('\n') {
        if i + 1 > budget {
            break;
        }
        end = i + 1;
    }
    let kept = &text[..end];
    let kept_lines = kept.lines().count();
    let mut out = kept.to_string();
    if !out.ends_with("\n\n") {
        out.push('\n');
    }
    out.push_str(&format!(
        "**Cut:** {} of {total_lines} lines are not shown, to stay within GitHub's {} character limit for a comment. {whole}\n",
        total_lines - kept_lines,
        fmt_thousands(GITHUB_COMMENT_LIMIT as u64),
    ));
    out
}

/// `65536` as `65,536`.
pub fn fmt_thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cap_keeps_whole_lines_and_says_what_it_cut() {
        let text: String = (0..1000).map(|i| format!("line {i}\n")).collect();
        let capped = cap(text.clone(), 2_000, "See the JSON.");
        assert!(capped.len() <= 2_000, "{}", capped.len());
        assert!(capped.starts_with("line 0\nline 1\n"));
        let kept = capped.lines().filter(|l| l.starts_with("line ")).count();
        assert!(capped.ends_with(&format!(
            "**Cut:** {} of 1000 lines are not shown, to stay within GitHub's 65,536 character limit for a comment. See the JSON.\n",
            1000 - kept
        )));
        assert_eq!(cap("short\n".into(), 2_000, "x"), "short\n");
    }

    #[test]
    fn lists_say_how_many_more() {
        let items: Vec<String> = (0..52).map(|i| i.to_string()).collect();
        assert!(capped_list(&items).ends_with("48, 49 and 2 more"));
        assert_eq!(fmt_thousands(1_009), "1,009");
        assert_eq!(fmt_thousands(65_536), "65,536");
        assert_eq!(fmt_thousands(12), "12");
    }
}

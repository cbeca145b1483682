//! Control-ID spellings. Matching is exact after trimming and case folding, and
//! NIST-style ids also accept `SC-8 (1)`, the OSCAL form `sc-8.1` and statement-part
//! references such as `CM-6(a)` or `ac-2_smt.a`, which count for the control they belong to.

/// The lookup key of an id: lower case, no white space.
pub fn key(id: &str) -> String {
    id.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether an id looks like a NIST 800-53 / 800-171-style identifier (`ac-2`, `sc-8(1)`).
pub fn is_nist_style(id: &str) -> bool {
    nist_parts(&key(id)).is_some()
}

/// Splits a NIST-style key into (family, number, enhancement, rest-is-statement-part).
fn nist_parts(k: &str) -> Option<(&str, &str, Option<&str>, &str)> {
    let dash = k.find('-')?;
    let fam = &k[..dash];
    if !(2..=3).contains(&fam.len()) || !fam.bytes().all(|b| b.is_ascii_lowercase()) {
        return None;
    }
    let rest = &k[dash + 1..];
    let num_len = rest.bytes().take_while(u8::is_ascii_digit).count();
    if num_len == 0 {
        return None;
    }
    let (num, mut rest) = rest.split_at(num_len);
    let mut enh = None;
    if let Some(r) = rest.strip_prefix('(') {
        let n = r.bytes().take_while(u8::is_ascii_digit).count();
        if n > 0 && r[n..].starts_with(')') {
            enh = Some(&r[..n]);
            rest = &r[n + 1..];
        }
    } else if let Some(r) = rest.strip_prefix('.') {
        let n = r.bytes().take_while(u8::is_ascii_digit).count();
        if n > 0 {
            enh = Some(&r[..n]);
            rest = &r[n..];
        }
    }
    Some((fam, num, enh, rest))
}

/// Alternative keys to try for a NIST-style spelling, most specific first.
/// `sc-8.1` → `sc-8(1)`; `cm-6(a)` → `cm-6`; `ac-2(1)(a)` → `ac-2(1)`; `ac-2_smt.a` → `ac-2`.
pub fn nist_candidates(input: &str) -> Vec<String> {
    let k = key(input);
    let Some((fam, num, enh, rest)) = nist_parts(&k) else {
        return Vec::new();
    };
    if !rest.is_empty() && !is_statement_part(rest) {
        return Vec::new();
    }
    let base = format!("{fam}-{num}");
    match enh {
        Some(e) => vec![format!("{base}({e})")],
        None => vec![base],
    }
}

/// `(a)`, `(a)(1)`, `.a`, `a`, `_smt`, `_smt.a.1`: a reference into a control's statement.
fn is_statement_part(rest: &str) -> bool {
    let rest = rest.strip_prefix("_smt").unwrap_or(rest);
    if rest.is_empty() {
        return true;
    }
    let ok_chars = rest
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '(' | ')' | '.'));
    let starts_ok = rest.starts_with('(')
        || rest.starts_with('.')
        || rest.starts_with(|c: char| c.is_ascii_lowercase());
    ok_chars
        && starts_ok
        && rest.chars().filter(|&c| c == '(').count() == rest.chars().filter(|&c| c == ')').count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_fold_case_and_space() {
        assert_eq!(key(" SC-8 (1) "), "sc-8(1)");
        assert_eq!(key("A.13.1.1"), "a.13.1.1");
    }

    #[test]
    fn nist_spellings() {
        assert_eq!(nist_candidates("sc-8.1"), ["sc-8(1)"]);
        assert_eq!(nist_candidates("SC-8 (1)"), ["sc-8(1)"]);
        assert_eq!(nist_candidates("CM-6(a)"), ["cm-6"]);
        assert_eq!(nist_candidates("AC-2(1)(a)"), ["ac-2(1)"]);
        assert_eq!(nist_candidates("ac-2_smt.a"), ["ac-2"]);
        assert_eq!(nist_candidates("AC-2a.1"), ["ac-2"]);
        assert!(nist_candidates("164.312(b)").is_empty());
        assert!(nist_candidates("CC6.1").is_empty());
        assert!(nist_candidates("AC-2(x!)").is_empty());
    }
}

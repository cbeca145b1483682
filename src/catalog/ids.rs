//! Control-ID spellings. Matching is exact after trimming and case folding, and
//! NIST-style ids also accept `SC-8 (1)`, the OSCAL form `sc-8.1` and statement-part
//! references such as `CM-6(a)` or `ac-2_smt.a`, which count for the control they belong to.
//! Other catalogs accept the spellings of a legal citation ([`legal_candidates`]): dotted
//! and parenthesised paragraphs are the same (`500.12.a` is `500.12(a)`, `32.1.a` is
//! `Art.32(1)(a)`), leading zeros do not matter (`500.02` is `500.2`), and an `Art.` /
//! `Article` / `§` / `Section` word in front is optional.

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

/// Words that may stand before a legal citation's number (after [`key`]), longest first.
const CITATION_WORDS: &[&str] = &["article", "section", "art.", "art", "§"];

/// Alternative keys for a spelling of a legal citation, to try when the exact key names no
/// control: every split of its parts into a dotted head and parenthesised tail, each also
/// with an `art.` prefix, and the same again without leading zeros. `32.1.a`, `Art 32(1)(a)`
/// and `Article 32.1(a)` all yield `art.32(1)(a)`; `500.12.b.1` yields `500.12(b)(1)` and
/// `§500.02(a)` yields `500.2(a)`. The parts must be letters and digits,
/// the first starting with a digit, and parentheses must each hold one part; anything else
/// (an ISO `A.5.1`, a NIST `AC-2`) yields nothing. A caller that finds two different controls
/// among the candidates must not pick one.
pub fn legal_candidates(input: &str) -> Vec<String> {
    let k = key(input);
    let worded = CITATION_WORDS.iter().find_map(|w| {
        k.strip_prefix(w)
            .filter(|r| r.starts_with(|c: char| c.is_ascii_digit()))
    });
    let Some(parts) = citation_parts(worded.unwrap_or(&k)) else {
        return Vec::new();
    };
    // A bare number (`32`) is no citation; `Art 32` is.
    if parts.len() < 2 && worded.is_none() {
        return Vec::new();
    }
    // Leading zeros of a number are a spelling too: `500.02` is `500.2`.
    let unpadded: Vec<&str> = parts
        .iter()
        .map(|p| match p.trim_start_matches('0') {
            "" => "0",
            t if t.starts_with(|c: char| c.is_ascii_digit()) => t,
            _ => p,
        })
        .collect();
    let mut out: Vec<String> = Vec::new();
    for parts in [&parts, &unpadded] {
        for split in (1..=parts.len()).rev() {
            let mut s = parts[..split].join(".");
            for p in &parts[split..] {
                s.push('(');
                s.push_str(p);
                s.push(')');
            }
            for c in [format!("art.{s}"), s] {
                if c != k && !out.contains(&c) {
                    out.push(c);
                }
            }
        }
    }
    out
}

/// `500.12(b)(1)` → `["500", "12", "b", "1"]`; `None` unless it is a well-formed citation
/// whose first part starts with a digit.
fn citation_parts(body: &str) -> Option<Vec<&str>> {
    let mut parts = Vec::new();
    let mut rest = body;
    let mut in_paren = false;
    while !rest.is_empty() {
        let n = rest.bytes().take_while(u8::is_ascii_alphanumeric).count();
        if n == 0 {
            return None;
        }
        parts.push(&rest[..n]);
        rest = &rest[n..];
        match rest.as_bytes().first() {
            None if !in_paren => {}
            Some(b')') if in_paren => {
                rest = &rest[1..];
                in_paren = false;
                match rest.as_bytes().first() {
                    None => {}
                    Some(b'(') => {
                        rest = &rest[1..];
                        in_paren = true;
                    }
                    Some(b'.') => rest = &rest[1..],
                    Some(_) => return None,
                }
            }
            Some(b'.') if !in_paren => rest = &rest[1..],
            Some(b'(') if !in_paren => {
                rest = &rest[1..];
                in_paren = true;
            }
            _ => return None,
        }
        if rest.is_empty() && (in_paren || body.ends_with('.')) {
            return None;
        }
    }
    let first_ok = parts
        .first()
        .is_some_and(|p| p.starts_with(|c: char| c.is_ascii_digit()));
    first_ok.then_some(parts)
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

    #[test]
    fn legal_citation_spellings() {
        let has = |input: &str, want: &str| {
            let c = legal_candidates(input);
            assert!(c.iter().any(|x| x == want), "{input}: {c:?}");
        };
        has("500.12.a", "500.12(a)");
        has("500.12.b.1", "500.12(b)(1)");
        has("500.17(b)(1)(i)(a)", "500.17.b.1.i.a");
        has("32.1.a", "art.32(1)(a)");
        has("Art 32(1)(a)", "art.32(1)(a)");
        has("Article 32(1)(a)", "art.32(1)(a)");
        has("article 32.1.a", "art.32(1)(a)");
        has("Art. 5.1.f", "art.5(1)(f)");
        has("5.1.a", "art.5(1)(a)");
        has("Art 32", "art.32");
        has("§ 164.312(a)(1)", "164.312(a)(1)");
        has("164.312.e.2.ii", "164.312(e)(2)(ii)");
        has("§500.02", "500.2");
        has("500.02(a)", "500.2(a)");
        has("500.00", "500.0");
        assert!(!legal_candidates("500.10").contains(&"500.1".to_string()));
        // The exact spelling itself is not a candidate; nothing is invented for other styles.
        assert!(!legal_candidates("500.12(a)").contains(&"500.12(a)".to_string()));
        for no in [
            "A.5.1", "AC-2", "CC6.1", "GV.OC-01", "500.12(a", "500.12()", "500..12", "500.12.",
            "32(1)a", "(1)(a)", "art.", "x", "32", "",
        ] {
            assert!(
                legal_candidates(no).is_empty(),
                "{no}: {:?}",
                legal_candidates(no)
            );
        }
    }
}

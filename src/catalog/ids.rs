//! Control-ID spellings. Matching is exact after trimming and case folding, and
//! NIST-style ids also accept `SC-8 (1)`, the OSCAL form `sc-8.1`, zero-padded numbers
//! (`AC-02(01)`, as NIST's own assessment labels write them) and statement-part references
//! such as `CM-6(a)` or `ac-2_smt.a`, which count for the control they belong to.
//! Other catalogs accept the spellings of a legal citation ([`legal_candidates`]): dotted
//! and parenthesised paragraphs are the same (`500.12.a` is `500.12(a)`, `32.1.a` is
//! `Art.32(1)(a)`), leading zeros do not matter (`500.02` is `500.2`), and an `Art.` /
//! `Article` / `§` / `Section` word in front is optional.
//!
//! One spelling reads two ways and is never guessed: a dotted number followed by more
//! (`AU-12.1(ii)`) is an SP 800-53A assessment-objective reference to the base control
//! (AU-12, objective 1, item ii) or the OSCAL form of an enhancement with a statement part
//! (AU-12(1), item ii). [`nist_reading`] returns both; the catalog refuses the spelling when
//! both name a control (docs/catalogs.md § Control-ID matching).

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

/// How an enhancement number is written: `(1)` or the OSCAL `.1`.
#[derive(Debug, Clone, Copy)]
enum Enhancement<'a> {
    Parenthesised(&'a str),
    Dotted(&'a str),
}

/// Splits a NIST-style key into (family, number, enhancement, rest-is-statement-part).
fn nist_parts(k: &str) -> Option<(&str, &str, Option<Enhancement<'_>>, &str)> {
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
            enh = Some(Enhancement::Parenthesised(&r[..n]));
            rest = &r[n + 1..];
        }
    } else if let Some(r) = rest.strip_prefix('.') {
        let n = r.bytes().take_while(u8::is_ascii_digit).count();
        if n > 0 {
            enh = Some(Enhancement::Dotted(&r[..n]));
            rest = &r[n..];
        }
    }
    Some((fam, num, enh, rest))
}

/// How a NIST-style spelling may be read, as lookup keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NistReading {
    /// Not a NIST-style spelling (or a malformed one).
    NotNist,
    /// One control: its key.
    One(String),
    /// An assessment-objective reference to the base control, or an enhancement with a
    /// statement part: `AU-12.1(ii)` reads as `au-12` or as `au-12(1)`.
    Either {
        objective_of: String,
        enhancement: String,
    },
}

/// The control(s) a NIST-style spelling may name. `sc-8.1` → `sc-8(1)`; `AC-02(01)` →
/// `ac-2(1)`; `cm-6(a)` → `cm-6`; `ac-2(1)(a)` → `ac-2(1)`; `ac-2_smt.a` → `ac-2`;
/// `AU-12.1(ii)` → `au-12` or `au-12(1)`.
pub fn nist_reading(input: &str) -> NistReading {
    let k = key(input);
    let Some((fam, num, enh, rest)) = nist_parts(&k) else {
        return NistReading::NotNist;
    };
    if !rest.is_empty() && !is_statement_part(rest) {
        return NistReading::NotNist;
    }
    let base = format!("{fam}-{}", unpadded(num));
    match enh {
        None => NistReading::One(base),
        Some(Enhancement::Parenthesised(e)) => NistReading::One(format!("{base}({})", unpadded(e))),
        // The OSCAL form alone (`sc-8.1`), or with an OSCAL statement id (`sc-8.1_smt.a`).
        Some(Enhancement::Dotted(e)) if rest.is_empty() || rest.starts_with("_smt") => {
            NistReading::One(format!("{base}({})", unpadded(e)))
        }
        Some(Enhancement::Dotted(e)) => NistReading::Either {
            enhancement: format!("{base}({})", unpadded(e)),
            objective_of: base,
        },
    }
}

/// Alternative keys to try for a NIST-style spelling: the one control it names, or both
/// readings of an [ambiguous](NistReading::Either) one (the caller decides).
pub fn nist_candidates(input: &str) -> Vec<String> {
    match nist_reading(input) {
        NistReading::NotNist => Vec::new(),
        NistReading::One(k) => vec![k],
        NistReading::Either {
            objective_of,
            enhancement,
        } => vec![objective_of, enhancement],
    }
}

/// `02` → `2`, `0` → `0`: NIST's zero-padded numbers are the same control.
fn unpadded(digits: &str) -> &str {
    let t = digits.trim_start_matches('0');
    if t.is_empty() {
        &digits[digits.len() - 1..]
    } else {
        t
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
    fn zero_padded_numbers_are_the_same_control() {
        assert_eq!(nist_reading("AC-02"), NistReading::One("ac-2".into()));
        assert_eq!(
            nist_reading("AC-02(01)"),
            NistReading::One("ac-2(1)".into())
        );
        assert_eq!(nist_reading("ac-02.01"), NistReading::One("ac-2(1)".into()));
        assert_eq!(
            nist_reading("SC-7(010)"),
            NistReading::One("sc-7(10)".into())
        );
        assert_eq!(nist_reading("AC-10"), NistReading::One("ac-10".into()));
        assert_eq!(nist_reading("AC-0"), NistReading::One("ac-0".into()));
        assert_eq!(nist_reading("AC-00"), NistReading::One("ac-0".into()));
    }

    #[test]
    fn a_dotted_number_with_more_after_it_reads_two_ways() {
        for (spelling, base, enh) in [
            ("AU-12.1(ii)", "au-12", "au-12(1)"),
            ("AU-5.1(ii)", "au-5", "au-5(1)"),
            ("CM-6.1(iv)", "cm-6", "cm-6(1)"),
            ("CM-7.1(ii)", "cm-7", "cm-7(1)"),
            ("cm-7.1 (ii)", "cm-7", "cm-7(1)"),
            ("AC-2.1.a", "ac-2", "ac-2(1)"),
            ("AC-02.01(i)", "ac-2", "ac-2(1)"),
        ] {
            assert_eq!(
                nist_reading(spelling),
                NistReading::Either {
                    objective_of: base.into(),
                    enhancement: enh.into()
                },
                "{spelling}"
            );
            assert_eq!(nist_candidates(spelling), [base, enh], "{spelling}");
        }
        // The OSCAL forms stay one control: the enhancement alone, or with an OSCAL
        // statement id; the parenthesised enhancement is never ambiguous.
        assert_eq!(nist_reading("sc-8.1"), NistReading::One("sc-8(1)".into()));
        assert_eq!(
            nist_reading("ac-2.1_smt.a"),
            NistReading::One("ac-2(1)".into())
        );
        assert_eq!(
            nist_reading("AU-12(1)(ii)"),
            NistReading::One("au-12(1)".into())
        );
        assert_eq!(
            nist_reading("AU-12(1).1(ii)"),
            NistReading::One("au-12(1)".into())
        );
        assert_eq!(nist_reading("AU-12(ii)"), NistReading::One("au-12".into()));
        assert_eq!(nist_reading("164.310(d)(2)"), NistReading::NotNist);
    }

    /// Against the built-in catalogs: what resolves, what is refused, and how.
    mod catalog {
        use crate::catalog::{Catalog, ControlError, builtin};

        fn resolved(cat: &Catalog, fw: &str, text: &str) -> Result<String, ControlError> {
            let f = cat.framework_index(fw).expect(fw);
            cat.resolve_control(f, text)
                .map(|(b, i)| cat.control(b, i).id.clone())
        }

        #[test]
        fn assessment_objective_references_are_refused_with_both_readings() {
            let cat = builtin().expect("built-in catalogs");
            for (fw, text, base, enh) in [
                ("nist-800-53", "AU-12.1(ii)", "AU-12", "AU-12(1)"),
                ("nist-800-53", "AU-5.1(ii)", "AU-5", "AU-5(1)"),
                ("nist-800-53", "CM-6.1(iv)", "CM-6", "CM-6(1)"),
                ("nist-800-53", "CM-7.1(ii)", "CM-7", "CM-7(1)"),
                ("nist-800-53-high", "au-12.1 (ii)", "AU-12", "AU-12(1)"),
                ("fedramp-moderate", "CM-07.01(ii)", "CM-7", "CM-7(1)"),
            ] {
                let err = resolved(&cat, fw, text).expect_err(text);
                assert_eq!(
                    err,
                    ControlError::Ambiguous {
                        base: base.into(),
                        enhancement: enh.into()
                    },
                    "{fw}:{text}"
                );
                let f = cat.framework_index(fw).expect(fw);
                let d = cat.control_diagnostic(f, text, &err);
                assert_eq!(d.code, crate::diag::Code::AmbiguousControl);
                assert_eq!(
                    d.help.as_deref(),
                    Some(
                        format!(
                            "{text} reads as an assessment objective of {base}, or as enhancement {enh}; write {base} or {enh}"
                        )
                        .as_str()
                    )
                );
            }
            // One reading names no control: the other is the only one.
            assert_eq!(resolved(&cat, "nist", "AC-1.1(i)"), Ok("AC-1".into()));
        }

        #[test]
        fn accepted_spellings_keep_working() {
            let cat = builtin().expect("built-in catalogs");
            for (text, id) in [
                ("SC-8(1)", "SC-8(1)"),
                ("SC-8 (1)", "SC-8(1)"),
                ("sc-8.1", "SC-8(1)"),
                ("sc-8.1_smt.a", "SC-8(1)"),
                ("CM-6(a)", "CM-6"),
                ("ac-2_smt.a", "AC-2"),
                ("AC-2a.1", "AC-2"),
                ("AC-2(1)(a)", "AC-2(1)"),
                ("AU-12(1)(ii)", "AU-12(1)"),
                ("AU-12(ii)", "AU-12"),
                ("AC-02", "AC-2"),
                ("AC-02(01)", "AC-2(1)"),
                ("ac-02.01", "AC-2(1)"),
                ("SC-07(010)", "SC-7(10)"),
            ] {
                assert_eq!(resolved(&cat, "nist-800-53", text), Ok(id.into()), "{text}");
            }
            assert!(matches!(
                resolved(&cat, "nist-800-53", "SC-013(01)"),
                Err(ControlError::Withdrawn { .. })
            ));
        }

        #[test]
        fn a_paragraph_that_only_groups_requirements_is_a_heading() {
            let cat = builtin().expect("built-in catalogs");
            let err = resolved(&cat, "hipaa", "164.310(d)(2)").expect_err("heading");
            assert_eq!(
                err,
                ControlError::Heading {
                    children: [
                        "164.310(d)(2)(i)",
                        "164.310(d)(2)(ii)",
                        "164.310(d)(2)(iii)",
                        "164.310(d)(2)(iv)"
                    ]
                    .map(String::from)
                    .to_vec()
                }
            );
            let hipaa = cat.framework_index("hipaa").expect("hipaa");
            let d = cat.control_diagnostic(hipaa, "164.310(d)(2)", &err);
            assert_eq!(d.code, crate::diag::Code::HeadingControl);
            assert!(d.message.contains("is a heading of HIPAA"), "{}", d.message);
            assert_eq!(
                d.help.as_deref(),
                Some(
                    "tag the requirements under it instead: 164.310(d)(2)(i), 164.310(d)(2)(ii), 164.310(d)(2)(iii), 164.310(d)(2)(iv)"
                )
            );
            // Any paragraph above listed controls: 164.308(a)(1)(ii) holds (A)–(D).
            match resolved(&cat, "hipaa", "164.308(a)(1)(ii)") {
                Err(ControlError::Heading { children }) => {
                    assert_eq!(children.len(), 4, "{children:?}")
                }
                other => panic!("{other:?}"),
            }
            // Nothing beneath: still unknown; a real heading still names its children.
            assert!(matches!(
                resolved(&cat, "hipaa", "164.312(f)"),
                Err(ControlError::Unknown { .. })
            ));
            assert!(matches!(
                resolved(&cat, "pci", "2.3"),
                Err(ControlError::Heading { children }) if children == ["2.3.1", "2.3.2"]
            ));
        }
    }
}

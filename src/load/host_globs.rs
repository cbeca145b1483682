//! Hostname globs (envoy-tree `match:` blocks, waiver `envoys:` filters) matched against a
//! whole fleet. Every glob is case-insensitive (docs/file-formats.md), and globset compiles
//! case-insensitive globs into one regular-expression automaton with none of its literal
//! shortcuts; over hundreds of overlapping patterns that automaton never stays in its
//! lazily built cache and is rebuilt for every hostname. So the globs are indexed by what
//! they must start or end with: a hostname is tested only against the globs whose literal
//! prefix or suffix it carries, plus, in small sets, the few globs that have neither
//! (`*`, `**/web-*`). What matches is exactly what each glob alone matches.

use globset::{Candidate, Glob, GlobSet, GlobSetBuilder};
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

/// Globs per automaton for the globs without a literal prefix or suffix: measured on
/// 100,000 envoys with 10,000 mixed waivers (docs/benchmarks.md), 64 was fastest.
const GLOBS_PER_SET: usize = 64;

/// Characters that end a glob's literal prefix or suffix: every glob syntax character,
/// `/` (`**/x` also matches `x`) and `,` (an alternative's separator).
const SYNTAX: &[char] = &['*', '?', '[', ']', '{', '}', '\\', '/', ','];

/// The globs of one kind of matcher, by index (glob `i` is `globs[i]` given to [`new`]).
///
/// [`new`]: HostGlobs::new
pub struct HostGlobs {
    /// Each glob alone (a one-glob set: building it reports a pattern too large to compile,
    /// where a single matcher would panic).
    one: Vec<GlobSet>,
    /// What each glob's literal text already decides (see [`Shape`]).
    shapes: Vec<Shape>,
    /// The globs that match every hostname (`*`).
    everything: Vec<u32>,
    prefixes: Affixes,
    suffixes: Affixes,
    /// The globs with neither, in sets: (glob of each set pattern, set).
    rest: Vec<(Vec<u32>, GlobSet)>,
}

/// A glob whose literal text decides its match: `web-*` matches exactly the hostnames with
/// its prefix, `*.example.com` those with its suffix, `web-*.example.com` those at least as
/// long as both with both (its `*` matches any text, `.` and `/` included). Others are
/// matched by their automaton.
#[derive(Clone, PartialEq, Debug)]
enum Shape {
    Prefix,
    Suffix,
    /// The prefix and the suffix (lower case).
    Both(Box<str>, Box<str>),
    Automaton,
}

fn shape(pattern: &str, prefix: &str, suffix: &str) -> Shape {
    let n = pattern.len();
    let (p, s) = (prefix.len(), suffix.len());
    if p + 1 == n && pattern.ends_with('*') {
        Shape::Prefix
    } else if s + 1 == n && pattern.starts_with('*') {
        Shape::Suffix
    } else if p > 0 && s > 0 && p + s + 1 == n && pattern.as_bytes()[p] == b'*' {
        Shape::Both(prefix.into(), suffix.into())
    } else {
        Shape::Automaton
    }
}

/// Globs by a literal prefix (or suffix) in lower case: the affix lengths present, and the
/// globs (ascending) of each affix.
#[derive(Default)]
struct Affixes {
    lens: Vec<usize>,
    globs: foldhash::HashMap<Box<str>, Vec<u32>>,
}

impl Affixes {
    fn add(&mut self, affix: &str, glob: u32) {
        if !self.lens.contains(&affix.len()) {
            self.lens.push(affix.len());
            self.lens.sort_unstable();
        }
        self.globs.entry(affix.into()).or_default().push(glob);
    }

    /// The globs whose affix is `host`'s prefix (`prefix`) or suffix.
    fn candidates<'a>(&'a self, host: &'a str, prefix: bool) -> impl Iterator<Item = u32> + 'a {
        self.lens
            .iter()
            .take_while(move |&&l| l <= host.len())
            .filter_map(move |&l| {
                let part = if prefix {
                    host.get(..l)
                } else {
                    host.get(host.len() - l..)
                };
                self.globs.get(part?)
            })
            .flatten()
            .copied()
    }
}

/// The ASCII literal text a glob starts with, lower-cased ("web-" of "web-*.example.com").
/// It stops at the first syntax or non-ASCII character: under case-insensitive matching a
/// non-ASCII character can match an ASCII one (the Kelvin sign matches `k`), an ASCII one
/// only its two ASCII cases.
fn literal_prefix(pattern: &str) -> String {
    pattern
        .chars()
        .take_while(|&c| c.is_ascii() && !SYNTAX.contains(&c))
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The ASCII literal text a glob ends with, lower-cased (".example.com" of "web-*.example.com").
fn literal_suffix(pattern: &str) -> String {
    let tail: Vec<char> = pattern
        .chars()
        .rev()
        .take_while(|&c| c.is_ascii() && !SYNTAX.contains(&c))
        .collect();
    tail.iter().rev().map(|c| c.to_ascii_lowercase()).collect()
}

fn set_of<'a>(globs: impl IntoIterator<Item = &'a Glob>) -> Result<GlobSet, globset::Error> {
    let mut b = GlobSetBuilder::new();
    for g in globs {
        b.add(g.clone());
    }
    b.build()
}

/// Reusable buffers for [`HostGlobs::matches_into`]: the matches, and scratch space.
pub type Scratch = (Vec<u32>, Vec<usize>);

type MemoKey = (&'static str, Vec<String>);
static MEMO: LazyLock<Mutex<HashMap<MemoKey, Arc<HostGlobs>>>> = LazyLock::new(Default::default);

impl HostGlobs {
    /// The matcher over `globs`, or the index of a glob too large to compile and why. With
    /// memoisation on (crate::memo), the same globs for the same `site` give the same shared
    /// matcher, whose automata stay warm from one load to the next.
    pub fn new(
        site: &'static str,
        globs: &[Glob],
    ) -> Result<Arc<HostGlobs>, (usize, globset::Error)> {
        if !crate::memo::enabled() {
            return Self::build(globs).map(Arc::new);
        }
        let key: MemoKey = (site, globs.iter().map(|g| g.glob().to_string()).collect());
        crate::memo::cached(&MEMO, &key, || Self::build(globs).map(Arc::new))
    }

    fn build(globs: &[Glob]) -> Result<HostGlobs, (usize, globset::Error)> {
        use rayon::prelude::*;
        let one = globs
            .par_iter()
            .enumerate()
            .map(|(i, g)| set_of([g]).map_err(|e| (i, e)))
            .collect::<Result<Vec<GlobSet>, _>>()?;
        let mut prefixes = Affixes::default();
        let mut suffixes = Affixes::default();
        let mut rest = Vec::new();
        let mut shapes = Vec::with_capacity(globs.len());
        let mut everything = Vec::new();
        for (i, g) in globs.iter().enumerate() {
            let (p, s) = (literal_prefix(g.glob()), literal_suffix(g.glob()));
            shapes.push(shape(g.glob(), &p, &s));
            if g.glob() == "*" {
                everything.push(i as u32);
            } else if !p.is_empty() && p.len() >= s.len() {
                prefixes.add(&p, i as u32);
            } else if !s.is_empty() {
                suffixes.add(&s, i as u32);
            } else {
                rest.push(i as u32);
            }
        }
        let rest = rest
            .chunks(GLOBS_PER_SET)
            .flat_map(|ids| {
                // Every glob compiled alone above: a set that cannot be built (too large
                // together) is split into one set per glob, never dropped.
                match set_of(ids.iter().map(|&i| &globs[i as usize])) {
                    Ok(set) => vec![(ids.to_vec(), set)],
                    Err(_) => ids
                        .iter()
                        .map(|&i| (vec![i], one[i as usize].clone()))
                        .collect(),
                }
            })
            .collect();
        Ok(HostGlobs {
            one,
            shapes,
            everything,
            prefixes,
            suffixes,
            rest,
        })
    }

    /// The matcher over no glob.
    pub fn empty() -> Arc<HostGlobs> {
        Arc::new(HostGlobs {
            one: Vec::new(),
            shapes: Vec::new(),
            everything: Vec::new(),
            prefixes: Affixes::default(),
            suffixes: Affixes::default(),
            rest: Vec::new(),
        })
    }

    /// Every glob that matches `host`, ascending, into `scratch.0` (cleared first).
    pub fn matches_into(&self, host: &str, (out, hits): &mut Scratch) {
        out.clear();
        if self.one.is_empty() {
            return;
        }
        let candidate = Candidate::new(host);
        if host.is_ascii() {
            let lower;
            let key = if host.bytes().any(|b| b.is_ascii_uppercase()) {
                lower = host.to_ascii_lowercase();
                lower.as_str()
            } else {
                host
            };
            // A candidate carries the glob's prefix (or suffix): for a glob of that shape
            // alone, that is the match; a glob with both needs the other and the length.
            let decided = |g: u32| match &self.shapes[g as usize] {
                Shape::Prefix | Shape::Suffix => true,
                Shape::Both(p, s) => {
                    key.len() >= p.len() + s.len() && key.starts_with(&**p) && key.ends_with(&**s)
                }
                Shape::Automaton => self.one[g as usize].is_match_candidate(&candidate),
            };
            let affixed = self
                .prefixes
                .candidates(key, true)
                .chain(self.suffixes.candidates(key, false));
            out.extend(affixed.filter(|&g| decided(g)));
            out.extend_from_slice(&self.everything);
            for (ids, set) in &self.rest {
                set.matches_candidate_into(&candidate, hits);
                out.extend(hits.iter().map(|&k| ids[k]));
            }
        } else {
            // A non-ASCII hostname may match a glob its letters do not spell: every glob.
            out.extend(
                (0..self.one.len() as u32)
                    .filter(|&g| self.one[g as usize].is_match_candidate(&candidate)),
            );
        }
        out.sort_unstable();
        out.dedup();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::envoy_tree::compile_glob;

    /// Every glob, matched alone, against every host: the reference.
    fn alone(patterns: &[&str], host: &str) -> Vec<u32> {
        (0..patterns.len() as u32)
            .filter(|&i| {
                compile_glob(patterns[i as usize])
                    .map(|g| g.compile_matcher().is_match(host))
                    .unwrap_or(false)
            })
            .collect()
    }

    #[test]
    fn affixes_stop_at_syntax_and_non_ascii() {
        assert_eq!(literal_prefix("Web-*.Example.com"), "web-");
        assert_eq!(literal_suffix("Web-*.Example.com"), ".example.com");
        assert_eq!(literal_prefix("**/web-*"), "");
        assert_eq!(literal_suffix("**/web"), "web");
        assert_eq!(literal_suffix("a/**"), "");
        assert_eq!(literal_prefix("\u{212a}ube-*"), "");
        assert_eq!(literal_prefix("ku\u{212a}e-*"), "ku");
        assert_eq!(literal_suffix("web{1,2}"), "");
        assert_eq!(literal_suffix("web-\\*"), "");
        let both = |p: &str| shape(p, &literal_prefix(p), &literal_suffix(p));
        assert_eq!(
            both("Web-*.Example.com"),
            Shape::Both("web-".into(), ".example.com".into())
        );
        assert_eq!(both("web-**.example.com"), Shape::Automaton);
        assert_eq!(both("web-?.example.com"), Shape::Automaton);
        assert_eq!(both("a*b*c"), Shape::Automaton);
        assert_eq!(both("web-*"), Shape::Prefix);
    }

    #[test]
    fn the_index_matches_what_each_glob_matches_alone() {
        let patterns = [
            "web-*.example.com",
            "*",
            "**/web-*",
            "WEB-0[1-3].example.com",
            "*.example.com",
            "web-{01,02}.*",
            "db?-*",
            "\u{212a}afka-*",
            "kafka-*",
            "*-prod",
            "web-\\*",
            "web",
            "a/**",
            "**/b",
            "web*",
            "WEB-0*",
            "*.ORG",
            "*-\\*",
            "\\*x",
            "web-0?.example.com",
            "ab*ba",
            "Web-*.Example.COM",
            "a*/b",
            "x*\\*",
        ];
        let globs: Vec<Glob> = patterns.iter().map(|p| compile_glob(p).unwrap()).collect();
        let m = HostGlobs::build(&globs).unwrap();
        let hosts = [
            "web-01.example.com",
            "WEB-02.example.com",
            "web-*",
            "web",
            "db1-eu",
            "kafka-1",
            "\u{212a}afka-2",
            "ſ-prod",
            "x-prod",
            "a/b",
            "b",
            "",
            "web-04.example.org",
            "web-0*",
            "*x",
            "x-*",
            "web/x.org",
            "aba",
            "abba",
            "ab-x/y-ba",
            "web-.example.com",
            "a/b/b",
            "x*",
            "xyz*",
        ];
        let mut scratch = Scratch::default();
        for host in hosts {
            m.matches_into(host, &mut scratch);
            assert_eq!(scratch.0, alone(&patterns, host), "{host}");
        }
    }
}

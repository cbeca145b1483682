//! `--format junit`: JUnit XML, as Jenkins (the xUnit plugin's `junit-10.xsd`) and GitLab
//! (`artifacts:reports:junit`) read it. One test suite per gated framework, with one test
//! case per gate (`min_coverage`, `must_cover`, …; a framework without a threshold gets
//! one passing case that reports its numbers) and one per failing control; one suite for
//! the rest (repository-wide gates such as expired waivers, and input errors, which are
//! `<error>`s); warnings and notes go to that suite's `<system-out>`. See docs/ci.md.

use super::Format;
use crate::check::{CheckMode, CheckResult, FrameworkGate, Outcome, Problem};
use crate::diag::{Code, Diagnostic, Severity};
use crate::escape::terminal;
use std::fmt::Write as _;

pub struct Junit;

impl Format for Junit {
    fn render(&self, result: &CheckResult) -> Result<String, Vec<Diagnostic>> {
        Ok(junit(result))
    }
}

/// A test case: its name, class name and, when it did not pass, its `<failure>` or `<error>`.
struct Case {
    name: String,
    classname: String,
    outcome: Option<(&'static str, String, String, String)>,
}

struct Suite {
    name: String,
    cases: Vec<Case>,
    system_out: String,
}

/// The gate each code belongs to, as the threshold is named in vigocli.toml.
fn gate_of(code: Code) -> Option<&'static str> {
    Some(match code {
        Code::CoverageBelowMinimum => "min_coverage",
        Code::CoveredBelowMinimum => "min_covered",
        Code::AssuredBelowMinimum => "min_assured",
        Code::MustCoverNotCovered => "must_cover",
        Code::TooManyPartial => "max_partial",
        Code::ControlRegressed => "baseline",
        _ => return None,
    })
}

fn junit(r: &CheckResult) -> String {
    let mut suites: Vec<Suite> = r.frameworks.iter().map(|f| framework_suite(r, f)).collect();
    suites.push(repository_suite(r));

    let tests: usize = suites.iter().map(|s| s.cases.len()).sum();
    let failures = count(&suites, "failure");
    let errors = count(&suites, "error");
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"vigocli compliance check\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\">"
    );
    for s in &suites {
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"0\" timestamp=\"{}\">",
            attr(&s.name),
            s.cases.len(),
            count(std::slice::from_ref(s), "failure"),
            count(std::slice::from_ref(s), "error"),
            attr(r.as_of.trim_end_matches('Z')),
        );
        for c in &s.cases {
            match &c.outcome {
                None => {
                    let _ = writeln!(
                        out,
                        "    <testcase name=\"{}\" classname=\"{}\"/>",
                        attr(&c.name),
                        attr(&c.classname)
                    );
                }
                Some((element, kind, message, body)) => {
                    let _ = writeln!(
                        out,
                        "    <testcase name=\"{}\" classname=\"{}\">\n      <{element} type=\"{}\" message=\"{}\">{}</{element}>\n    </testcase>",
                        attr(&c.name),
                        attr(&c.classname),
                        attr(kind),
                        attr(message),
                        text(body)
                    );
                }
            }
        }
        if !s.system_out.is_empty() {
            let _ = writeln!(out, "    <system-out>{}</system-out>", text(&s.system_out));
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

fn count(suites: &[Suite], element: &str) -> usize {
    suites
        .iter()
        .flat_map(|s| &s.cases)
        .filter(|c| c.outcome.as_ref().is_some_and(|o| o.0 == element))
        .count()
}

/// The body of a failure: the message, the place, the controls and the fix, one per line.
fn body(p: &Problem) -> String {
    let mut b = terminal(&p.diag.message).into_owned();
    if let Some(l) = &p.diag.location {
        let _ = write!(b, "\n  --> {}", terminal(&l.file));
        if l.line > 0 {
            let _ = write!(b, ":{}:{}", l.line, l.col);
        }
    }
    if !p.controls.is_empty() {
        let ids: Vec<String> = p
            .controls
            .iter()
            .map(|c| terminal(&c.text()).into_owned())
            .collect();
        let _ = write!(b, "\ncontrols ({}): {}", ids.len(), ids.join(", "));
    }
    if let Some(h) = &p.diag.help {
        let _ = write!(b, "\nhelp: {}", terminal(h));
    }
    b
}

/// A control a gate names: its id, its text (`ID (status)`) and each gate it fails, with
/// that gate's message.
type FailingControl<'a> = (String, String, Vec<(&'a str, String)>);

fn framework_suite(r: &CheckResult, f: &FrameworkGate) -> Suite {
    let fw = terminal(&f.id).into_owned();
    let problems: Vec<&Problem> = r
        .problems
        .iter()
        .filter(|p| p.diag.severity == Severity::Error && p.framework.as_deref() == Some(&f.id))
        .collect();
    let numbers = format!(
        "coverage {:.2} %, assured {:.2} %, covered {:.2} %, {} partial",
        f.coverage_pct, f.assured_pct, f.covered_pct, f.partial
    );
    let th = &f.thresholds;
    let mut gates: Vec<(&str, String)> = Vec::new();
    if let Some(v) = th.min_coverage {
        gates.push(("min_coverage", format!("coverage >= {v:.2} %")));
    }
    if let Some(v) = th.min_covered {
        gates.push(("min_covered", format!("covered >= {v:.2} %")));
    }
    if let Some(v) = th.min_assured {
        gates.push(("min_assured", format!("assured >= {v:.2} %")));
    }
    if !th.must_cover.is_empty() {
        gates.push((
            "must_cover",
            format!("{} must-cover control(s) covered", th.must_cover.len()),
        ));
    }
    if let Some(v) = th.max_partial {
        gates.push(("max_partial", format!("at most {v} partial control(s)")));
    }
    if let Some(b) = &f.baseline {
        gates.push((
            "baseline",
            format!("no control regressed since {}", terminal(b)),
        ));
    }
    let gate_class = format!("vigocli.{fw}.gates");
    let mut cases: Vec<Case> = Vec::new();
    if gates.is_empty() {
        cases.push(Case {
            name: format!("no threshold ({numbers})"),
            classname: gate_class.clone(),
            outcome: None,
        });
    }
    for (gate, name) in gates {
        let failed = problems.iter().find(|p| gate_of(p.diag.code) == Some(gate));
        cases.push(Case {
            name: format!("{gate}: {name}"),
            classname: gate_class.clone(),
            outcome: failed.map(|p| {
                (
                    "failure",
                    p.diag.code.as_str().to_string(),
                    terminal(&p.diag.message).into_owned(),
                    body(p),
                )
            }),
        });
    }
    // Gate failures of this framework that no threshold names (none today): their own case.
    for p in problems.iter().filter(|p| gate_of(p.diag.code).is_none()) {
        cases.push(problem_case(p, &gate_class, "failure"));
    }
    // One case per failing control, in the order the gates list them, with every gate it fails.
    let mut controls: Vec<FailingControl> = Vec::new();
    for p in &problems {
        for c in &p.controls {
            let entry = match controls.iter_mut().position(|(id, ..)| *id == c.id) {
                Some(i) => &mut controls[i],
                None => {
                    controls.push((c.id.clone(), terminal(&c.text()).into_owned(), Vec::new()));
                    let last = controls.len() - 1;
                    &mut controls[last]
                }
            };
            entry.2.push((
                gate_of(p.diag.code).unwrap_or(p.diag.code.as_str()),
                terminal(&p.diag.message).into_owned(),
            ));
        }
    }
    for (id, text, fails) in controls {
        cases.push(Case {
            name: terminal(&id).into_owned(),
            classname: format!("vigocli.{fw}.controls"),
            outcome: Some((
                "failure",
                "control".to_string(),
                format!(
                    "{text} fails {}",
                    fails.iter().map(|f| f.0).collect::<Vec<_>>().join(", ")
                ),
                fails
                    .iter()
                    .map(|(gate, message)| format!("{text} fails {gate}: {message}"))
                    .collect::<Vec<_>>()
                    .join("\n"),
            )),
        });
    }
    Suite {
        name: format!("vigocli.{fw}"),
        cases,
        system_out: format!(
            "{} ({} {}): {numbers}\n",
            fw,
            terminal(&f.name),
            terminal(&f.version)
        ),
    }
}

fn problem_case(p: &Problem, classname: &str, element: &'static str) -> Case {
    let place = p
        .diag
        .location
        .as_ref()
        .map(|l| {
            if l.line > 0 {
                format!(" at {}:{}", terminal(&l.file), l.line)
            } else {
                format!(" at {}", terminal(&l.file))
            }
        })
        .unwrap_or_default();
    Case {
        name: format!("{}{place}", p.diag.code.as_str()),
        classname: classname.to_string(),
        outcome: Some((
            element,
            p.diag.code.as_str().to_string(),
            terminal(&p.diag.message).into_owned(),
            body(p),
        )),
    }
}

/// Problems that belong to no gated framework: repository-wide gate failures (expired
/// waivers, changed evidence, …) as failures, input errors as errors, and one passing case
/// when there are none, so the suite always says what was checked.
fn repository_suite(r: &CheckResult) -> Suite {
    let (name, classname) = if r.mode == CheckMode::Files {
        ("vigocli.files", "vigocli.files")
    } else {
        ("vigocli.repository", "vigocli.repository")
    };
    let element = if r.result == Outcome::Invalid {
        "error"
    } else {
        "failure"
    };
    let mut cases: Vec<Case> = r
        .problems
        .iter()
        .filter(|p| {
            p.diag.severity == Severity::Error
                && !r
                    .frameworks
                    .iter()
                    .any(|f| p.framework.as_deref() == Some(&f.id))
        })
        .map(|p| problem_case(p, classname, element))
        .collect();
    if cases.is_empty() {
        let what = if r.mode == CheckMode::Files {
            format!("{} file(s) valid", r.files.len())
        } else {
            "inputs valid, no repository-wide gate failed".to_string()
        };
        cases.push(Case {
            name: what,
            classname: classname.to_string(),
            outcome: None,
        });
    }
    let mut system_out = String::new();
    for p in r
        .problems
        .iter()
        .filter(|p| p.diag.severity != Severity::Error)
    {
        let _ = writeln!(
            system_out,
            "{}[{}]: {}",
            p.diag.severity.as_str(),
            p.diag.code.as_str(),
            body(p).replace('\n', "\n    ")
        );
    }
    Suite {
        name: name.to_string(),
        cases,
        system_out,
    }
}

/// Text for an XML attribute value (data already made printable by `terminal`).
fn attr(s: &str) -> String {
    xml(s, true)
}

/// Text for XML element content.
fn text(s: &str) -> String {
    xml(s, false)
}

/// XML 1.0 escaping. Every character XML 1.0 cannot carry (C0 controls other than tab,
/// line feed and carriage return; U+FFFE, U+FFFF) is written as a visible escape, as
/// [`terminal`] writes it, so the document always parses; in attributes, line breaks and
/// tabs are character references so that they survive attribute normalisation.
fn xml(s: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\n' | '\t' => out.push(c),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            '\u{fffe}' | '\u{ffff}' => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::xml;

    #[test]
    fn xml_escapes_markup_and_characters_xml_cannot_carry() {
        assert_eq!(xml("a<b>&\"c\"", true), "a&lt;b&gt;&amp;&quot;c&quot;");
        assert_eq!(xml("a\nb\u{1}\u{ffff}", true), "a&#10;b\\x01\\u{ffff}");
        assert_eq!(xml("a\nb\tc\r", false), "a\nb\tc&#13;");
    }
}

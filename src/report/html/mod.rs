//! HTML renderings of [`Report`]s: one self-contained page per framework and a static
//! dashboard site (`report all`). Everything is computed from the same `Report` the JSON
//! is serialised from, so the two can never disagree.
//!
//! Templates are files under `templates/`, embedded at build time, rendered with strict
//! undefined behaviour and HTML auto-escaping: tags, names and waiver text are user input.
//! The stylesheet and script are inlined and pinned by a Content-Security-Policy hash, so
//! the page fetches nothing and runs no script but its own.

use super::{ControlRow, EnvoyRow, Report, WaiverRow};
use crate::coverage::Status;
use crate::history::{Trend, Trends};
use minijinja::value::{Serde, Value};
use minijinja::{AutoEscape, Environment, UndefinedBehavior, context};
use serde::Serialize;
use sha2::{Digest as _, Sha256};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::LazyLock;

/// A framework page lists at most this many envoys (the weakest first) and summarises the
/// rest, so that a 100,000-envoy fleet still gives a page of a few megabytes.
pub const ENVOYS_LISTED: usize = 1000;
/// Rows per page of the site's envoy index.
pub const ENVOYS_PER_PAGE: usize = 1000;
/// A control row names at most this many uncovered envoys (the report's own cap is 50).
const UNCOVERED_LISTED: usize = 50;

const TEMPLATES: &[(&str, &str)] = &[
    (
        "base.html.j2",
        include_str!("../../../templates/base.html.j2"),
    ),
    (
        "macros.html.j2",
        include_str!("../../../templates/macros.html.j2"),
    ),
    (
        "report.html.j2",
        include_str!("../../../templates/report.html.j2"),
    ),
    (
        "index.html.j2",
        include_str!("../../../templates/index.html.j2"),
    ),
    (
        "envoys.html.j2",
        include_str!("../../../templates/envoys.html.j2"),
    ),
    (
        "trend.html.j2",
        include_str!("../../../templates/trend.html.j2"),
    ),
];
const STYLE: &str = include_str!("../../../templates/report.css");
const SCRIPT: &str = include_str!("../../../templates/report.js");

static ENV: LazyLock<Result<Environment<'static>, String>> = LazyLock::new(|| {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| AutoEscape::Html);
    // Data is HTML-escaped by minijinja; before that, characters a browser would act on
    // rather than show (bidirectional overrides, escape sequences) become visible escapes,
    // as in every other human output (`escape::document`).
    env.set_formatter(
        |out, state, value| match value.as_str().map(crate::escape::document) {
            Some(Cow::Owned(shown)) if !value.is_safe() => {
                minijinja::escape_formatter(out, state, &Value::from(shown))
            }
            _ => minijinja::escape_formatter(out, state, value),
        },
    );
    for (name, source) in TEMPLATES {
        env.add_template(name, source)
            .map_err(|e| format!("template {name}: {e:#}"))?;
    }
    Ok(env)
});

fn csp() -> String {
    format!(
        "default-src 'none'; style-src 'sha256-{}'; script-src 'sha256-{}'; img-src data:; base-uri 'none'; form-action 'none'",
        base64(&Sha256::digest(STYLE.as_bytes())),
        base64(&Sha256::digest(SCRIPT.as_bytes()))
    )
}

fn base64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn render(template: &str, page: &PageMeta<'_>, body: Value) -> Result<String, String> {
    let env = ENV.as_ref().map_err(Clone::clone)?;
    let tmpl = env.get_template(template).map_err(|e| format!("{e:#}"))?;
    tmpl.render(context! {
        page => Value::from(Serde(page)),
        body => body,
        csp => csp(),
        style => Value::from_safe_string(STYLE.to_string()),
        script => Value::from_safe_string(SCRIPT.to_string()),
    })
    .map_err(|e| format!("{template}: {e:#}"))
}

/// Metadata every page shows in its footer, and the site navigation when there is one.
#[derive(Serialize)]
struct PageMeta<'a> {
    title: String,
    schema: &'a str,
    tool: String,
    generated_at: &'a str,
    as_of: &'a str,
    /// The report's mode and input digest (a trend page has no mode; its digest is its last
    /// point's).
    mode: Option<&'a str>,
    inputs_digest: Option<&'a str>,
    nav: Option<Nav>,
}

#[derive(Serialize)]
struct Nav {
    index: &'static str,
    envoys: String,
}

impl<'a> PageMeta<'a> {
    fn new(r: &'a Report, title: String, nav: Option<Nav>) -> Self {
        PageMeta {
            title,
            schema: r.schema,
            tool: format!("{} {}", r.tool.name, r.tool.version),
            generated_at: &r.generated_at,
            as_of: &r.as_of,
            mode: Some(r.mode.as_str()),
            inputs_digest: Some(&r.inputs_digest),
            nav,
        }
    }
}

fn pct_text(p: f64) -> String {
    format!("{p:.2} %")
}

pub(super) fn status_icon(status: Status) -> &'static str {
    match status {
        Status::Covered => "✔",
        Status::Attested => "✎",
        Status::Waived => "⚑",
        Status::NotApplicable => "∅",
        Status::Partial => "◐",
        Status::Uncovered => "✘",
    }
}

/// The coverage ring: a circle of circumference 100, so that dash lengths are percentages.
/// One arc per counted kind of proof, in the order of the statuses: covered, attested,
/// waived; the grey rest is partial or uncovered.
#[derive(Serialize)]
struct Ring {
    arcs: Vec<Arc>,
}

#[derive(Serialize)]
struct Arc {
    class: &'static str,
    length: String,
    gap: String,
    offset: String,
}

fn ring(r: &Report) -> Ring {
    let total = r.summary.controls_total.max(1) as f64;
    let mut start = 0.0;
    let mut arcs = Vec::new();
    for (class, count) in [
        ("ring-covered", r.summary.covered),
        ("ring-attested", r.summary.attested),
        ("ring-waived", r.summary.waived),
    ] {
        let length = 100.0 * count as f64 / total;
        // Arcs start at 12 o'clock (offset 25 on a circle of length 100) and run clockwise.
        if count > 0 || class != "ring-attested" {
            arcs.push(Arc {
                class,
                length: format!("{length:.3}"),
                gap: format!("{:.3}", 100.0 - length),
                offset: format!("{:.3}", 25.0 - start),
            });
        }
        start += length;
    }
    Ring { arcs }
}

/// One entry of the legend under the ring.
#[derive(Serialize)]
struct LegendItem {
    key: &'static str,
    label: &'static str,
    count: u64,
}

fn legend(r: &Report) -> Vec<LegendItem> {
    let s = &r.summary;
    let mut items = vec![LegendItem {
        key: "k-covered",
        label: "covered",
        count: s.covered,
    }];
    if s.attested > 0 {
        items.push(LegendItem {
            key: "k-attested",
            label: "attested",
            count: s.attested,
        });
    }
    items.push(LegendItem {
        key: "k-waived",
        label: "waived",
        count: s.waived,
    });
    items.push(LegendItem {
        key: "k-rest",
        label: "partial or uncovered",
        count: s.partial + s.uncovered,
    });
    items
}

#[derive(Serialize)]
struct StatusCount {
    status: &'static str,
    words: &'static str,
    icon: &'static str,
    count: u64,
    meaning: &'static str,
}

#[derive(Serialize)]
struct SummaryView<'a> {
    controls_total: u64,
    coverage_pct: String,
    covered_pct: String,
    assured_pct: String,
    formula_coverage: &'a str,
    formula_covered: &'a str,
    formula_assured: &'a str,
    formula_envoy_mean: &'a str,
    formula_not_applicable: &'a str,
    covered: u64,
    attested: u64,
    waived: u64,
    uncovered: u64,
    not_applicable: u64,
    statuses: Vec<StatusCount>,
    legend: Vec<LegendItem>,
    envoys_in_scope: u64,
    envoy_mean_pct: Option<String>,
    weakest: Option<WeakestView<'a>>,
    ring: Ring,
}

#[derive(Serialize)]
struct WeakestView<'a> {
    hostname: &'a str,
    coverage_pct: String,
}

fn formula<'a>(r: &'a Report, key: &str) -> &'a str {
    r.summary.formulas.get(key).map_or("", String::as_str)
}

fn summary_view(r: &Report) -> SummaryView<'_> {
    let s = &r.summary;
    SummaryView {
        controls_total: s.controls_total,
        coverage_pct: pct_text(s.coverage_pct),
        covered_pct: pct_text(s.covered_pct),
        assured_pct: pct_text(s.assured_pct),
        formula_coverage: formula(r, "coverage_pct"),
        formula_covered: formula(r, "covered_pct"),
        formula_assured: formula(r, "assured_pct"),
        formula_envoy_mean: formula(r, "envoy_mean_pct"),
        formula_not_applicable: formula(r, "not_applicable"),
        covered: s.covered,
        attested: s.attested,
        waived: s.waived,
        uncovered: s.uncovered,
        not_applicable: s.not_applicable,
        legend: legend(r),
        statuses: Status::ALL
            .into_iter()
            .map(|status| StatusCount {
                status: status.as_str(),
                words: status.words(),
                icon: status_icon(status),
                count: match status {
                    Status::Covered => s.covered,
                    Status::Attested => s.attested,
                    Status::Waived => s.waived,
                    Status::Partial => s.partial,
                    Status::Uncovered => s.uncovered,
                    Status::NotApplicable => s.not_applicable,
                },
                meaning: match status {
                    Status::Covered => "every in-scope envoy covered",
                    Status::Attested => {
                        "every envoy covered or attested by reviewed evidence, at least one attested"
                    }
                    Status::Waived => {
                        "every envoy covered, attested or waived, at least one waived"
                    }
                    Status::Partial => {
                        "some envoys covered, attested or waived, some uncovered"
                    }
                    Status::Uncovered => "no envoy covered, attested or waived",
                    Status::NotApplicable => {
                        "removed by an approved applicability decision: listed, not counted"
                    }
                },
            })
            // Statuses that only evidence and decisions produce appear when they occur.
            .filter(|c| {
                c.count > 0
                    || !matches!(c.status, "attested" | "not-applicable")
            })
            .collect(),
        envoys_in_scope: s.envoys_in_scope,
        envoy_mean_pct: s.envoy_mean_pct.map(pct_text),
        weakest: s.weakest_envoy.as_ref().map(|w| WeakestView {
            hostname: &w.hostname,
            coverage_pct: pct_text(w.coverage_pct),
        }),
        ring: ring(r),
    }
}

#[derive(Serialize)]
struct WaiverRef<'a> {
    source: &'a str,
    owner: &'a str,
    expires: &'a str,
    days_left: i64,
    state: &'a str,
}

#[derive(Serialize)]
struct ControlView<'a> {
    id: &'a str,
    title: &'a str,
    category: Option<&'a str>,
    status: &'a str,
    words: &'static str,
    icon: &'static str,
    configcrates: &'a [String],
    capabilities: &'a [String],
    connwaer: &'a [String],
    envoys_connwaer_only: u64,
    envoys_covered: u64,
    envoys_attested: u64,
    envoys_waived: u64,
    envoys_uncovered: u64,
    envoys_contradicted: u64,
    envoys_in_scope: u64,
    uncovered_envoys: &'a [String],
    uncovered_not_listed: u64,
    evidence: Vec<evidence::EvidenceCell<'a>>,
    waivers: Vec<WaiverRef<'a>>,
    last_converged: Option<&'a str>,
}

/// What a control row needs from the rest of the report.
struct Lookups<'a, 'l> {
    waivers: HashMap<&'a str, &'a WaiverRow>,
    titles: HashMap<&'a str, &'a str>,
    links: &'l EvidenceLinks<'l>,
}

fn control_view<'a>(c: &'a ControlRow, look: &Lookups<'a, '_>) -> ControlView<'a> {
    let listed = &c.uncovered_envoys[..c.uncovered_envoys.len().min(UNCOVERED_LISTED)];
    let waivers = &look.waivers;
    ControlView {
        id: &c.id,
        title: &c.title,
        category: c.category.as_deref(),
        status: c.status.as_str(),
        words: c.status.words(),
        icon: status_icon(c.status),
        configcrates: &c.configcrates,
        capabilities: &c.capabilities,
        connwaer: &c.connwaer,
        envoys_connwaer_only: c.envoys_connwaer_only,
        envoys_covered: c.envoys_covered,
        envoys_attested: c.envoys_attested,
        envoys_waived: c.envoys_waived,
        envoys_uncovered: c.envoys_uncovered,
        envoys_contradicted: c.envoys_contradicted,
        envoys_in_scope: c.envoys_covered
            + c.envoys_attested
            + c.envoys_waived
            + c.envoys_uncovered,
        uncovered_envoys: listed,
        uncovered_not_listed: c.envoys_uncovered.saturating_sub(listed.len() as u64),
        evidence: evidence::cells(&c.evidence, &look.titles, look.links),
        waivers: c
            .waivers
            .iter()
            .map(|src| match waivers.get(src.as_str()) {
                Some(w) => WaiverRef {
                    source: &w.source,
                    owner: &w.owner,
                    expires: &w.expires,
                    days_left: w.days_left,
                    state: w.state.as_str(),
                },
                None => WaiverRef {
                    source: src,
                    owner: "",
                    expires: "",
                    days_left: 0,
                    state: "",
                },
            })
            .collect(),
        last_converged: c.last_converged.as_deref(),
    }
}

#[derive(Serialize)]
struct EnvoyView<'a> {
    hostname: &'a str,
    coverage_pct: String,
    covered: u32,
    attested: u32,
    waived: u32,
    uncovered: u32,
    environment: Option<&'a str>,
    status: Option<&'a str>,
    last_converged: Option<&'a str>,
    weakest: bool,
}

#[derive(Serialize)]
struct Bucket {
    label: &'static str,
    count: usize,
    /// Bar length in the 0–100 range of the histogram's SVG.
    bar: String,
}

const BUCKETS: [&str; 11] = [
    "0 – 9.99 %",
    "10 – 19.99 %",
    "20 – 29.99 %",
    "30 – 39.99 %",
    "40 – 49.99 %",
    "50 – 59.99 %",
    "60 – 69.99 %",
    "70 – 79.99 %",
    "80 – 89.99 %",
    "90 – 99.99 %",
    "100 %",
];

fn histogram(envoys: &[EnvoyRow]) -> Vec<Bucket> {
    let mut counts = [0usize; 11];
    for e in envoys {
        // Bucket on the hundredths the report prints, so a row's printed value and its
        // bucket always agree.
        let h = (e.coverage_pct * 100.0).round() as u64;
        let i = if h >= 10_000 { 10 } else { (h / 1000) as usize };
        counts[i.min(10)] += 1;
    }
    let max = counts.iter().copied().max().unwrap_or(0).max(1);
    BUCKETS
        .iter()
        .zip(counts)
        .map(|(label, count)| Bucket {
            label,
            count,
            bar: format!("{:.1}", 100.0 * count as f64 / max as f64),
        })
        .collect()
}

#[derive(Serialize)]
struct EnvoysView<'a> {
    total: usize,
    listed: Vec<EnvoyView<'a>>,
    not_listed: usize,
    histogram: Vec<Bucket>,
}

fn envoys_view<'a>(r: &'a Report) -> EnvoysView<'a> {
    let weakest = r
        .summary
        .weakest_envoy
        .as_ref()
        .map(|w| w.hostname.as_str());
    // Weakest first (the same order as `weakest_envoy`: lowest coverage, then hostname).
    let mut order: Vec<&EnvoyRow> = r.envoys.iter().collect();
    order.sort_by(|a, b| {
        (a.covered + a.attested + a.waived)
            .cmp(&(b.covered + b.attested + b.waived))
            .then_with(|| a.hostname.cmp(&b.hostname))
    });
    order.truncate(ENVOYS_LISTED);
    EnvoysView {
        total: r.envoys.len(),
        not_listed: r.envoys.len() - order.len(),
        listed: order
            .into_iter()
            .map(|e| EnvoyView {
                hostname: &e.hostname,
                coverage_pct: pct_text(e.coverage_pct),
                covered: e.covered,
                attested: e.attested,
                waived: e.waived,
                uncovered: e.uncovered,
                environment: e.environment.as_deref(),
                status: e.status.as_deref(),
                last_converged: e.last_converged.as_deref(),
                weakest: Some(e.hostname.as_ref()) == weakest,
            })
            .collect(),
        histogram: histogram(&r.envoys),
    }
}

#[derive(Serialize)]
struct FindingView<'a> {
    severity: &'a str,
    code: &'a str,
    message: &'a str,
    location: Option<String>,
    help: Option<&'a str>,
}

#[derive(Serialize)]
struct ReportView<'a> {
    framework: &'a super::FrameworkInfo,
    scope: String,
    summary: SummaryView<'a>,
    /// Whether any evidence record names a control of this framework: the evidence column
    /// and the attested counts appear only then.
    with_evidence: bool,
    status_options: Vec<&'static str>,
    controls_count: usize,
    /// The controls by catalog category, each group with its numbers and bar.
    groups: Vec<GroupView<'a>>,
    envoys: EnvoysView<'a>,
    waivers: &'a super::WaiverLists,
    evidence: Vec<evidence::RecordView<'a>>,
    not_applicable: Vec<evidence::DecisionView<'a>>,
    findings: Vec<FindingView<'a>>,
    /// The chart of the framework's history, when it has one (docs/history.md § HTML).
    trend: Option<trend::TrendView<'a>>,
}

/// Groups of more controls than this are folded when the page opens (search and the status
/// filter unfold the groups with matching rows; print unfolds every group).
const GROUP_OPEN_MAX: usize = 25;

/// One category of the controls table.
#[derive(Serialize)]
struct GroupView<'a> {
    name: &'a str,
    anchor: String,
    open: bool,
    row: CategoryView<'a>,
    controls: Vec<ControlView<'a>>,
}

/// A category's numbers as the page shows them, with the segments of its bar.
#[derive(Serialize)]
pub(super) struct CategoryView<'a> {
    name: &'a str,
    total: u64,
    covered: u64,
    attested: u64,
    waived: u64,
    partial: u64,
    uncovered: u64,
    not_applicable: u64,
    coverage_pct: String,
    covered_pct: String,
    assured_pct: String,
    /// 0 (coverage below 20 %) to 4 (80 % and more): the heat-map shade.
    heat: u8,
    segments: Vec<Segment>,
}

/// One status's part of a bar (SVG user units out of 100).
#[derive(Serialize)]
pub(super) struct Segment {
    class: &'static str,
    x: String,
    width: String,
}

pub(super) fn category_view(c: &super::categories::CategoryRow) -> CategoryView<'_> {
    let mut x = 0.0;
    let mut segments = Vec::new();
    for (class, n) in [
        ("seg-covered", c.covered),
        ("seg-attested", c.attested),
        ("seg-waived", c.waived),
        ("seg-partial", c.partial),
        ("seg-uncovered", c.uncovered),
    ] {
        if n == 0 || c.controls_total == 0 {
            continue;
        }
        let width = 100.0 * n as f64 / c.controls_total as f64;
        segments.push(Segment {
            class,
            x: format!("{x:.3}"),
            width: format!("{width:.3}"),
        });
        x += width;
    }
    CategoryView {
        name: &c.name,
        total: c.controls_total,
        covered: c.covered,
        attested: c.attested,
        waived: c.waived,
        partial: c.partial,
        uncovered: c.uncovered,
        not_applicable: c.not_applicable,
        coverage_pct: pct_text(c.coverage_pct),
        covered_pct: pct_text(c.covered_pct),
        assured_pct: pct_text(c.assured_pct),
        heat: ((c.coverage_pct / 20.0).floor() as u8).min(4),
        segments,
    }
}

/// The report's controls by category, in the order of `categories` (catalog order within).
fn groups<'a>(r: &'a Report, look: &Lookups<'a, '_>) -> Vec<GroupView<'a>> {
    let counted: Vec<&super::categories::CategoryRow> = r
        .categories
        .iter()
        .filter(|c| c.controls_total > 0)
        .collect();
    let single = counted.len() <= 1;
    counted
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            let controls: Vec<ControlView<'a>> = r
                .controls
                .iter()
                .filter(|row| {
                    row.category
                        .as_deref()
                        .unwrap_or(super::categories::UNCATEGORISED)
                        == c.name
                })
                .map(|row| control_view(row, look))
                .collect();
            GroupView {
                name: &c.name,
                anchor: format!("cat-{}", i + 1),
                open: single || controls.len() <= GROUP_OPEN_MAX,
                row: category_view(c),
                controls,
            }
        })
        .collect()
}

fn report_view<'a>(
    r: &'a Report,
    links: &EvidenceLinks<'_>,
    history: Option<&'a Trend>,
) -> ReportView<'a> {
    let look = Lookups {
        waivers: r
            .waivers
            .active
            .iter()
            .chain(&r.waivers.expired)
            .map(|w| (w.source.as_str(), w))
            .collect(),
        titles: evidence::titles(r),
        links,
    };
    let with_evidence = !r.evidence.is_empty();
    ReportView {
        framework: &r.framework,
        scope: super::scope_text(&r.scope, "every envoy (no scope)"),
        summary: summary_view(r),
        with_evidence,
        // The statuses a row of the controls table can have (attested only with evidence).
        status_options: [
            Status::Covered,
            Status::Attested,
            Status::Waived,
            Status::Partial,
            Status::Uncovered,
        ]
        .into_iter()
        .filter(|s| *s != Status::Attested || with_evidence)
        .map(Status::as_str)
        .collect(),
        controls_count: r.controls.len(),
        groups: groups(r, &look),
        envoys: envoys_view(r),
        waivers: &r.waivers,
        evidence: evidence::records(&r.evidence, links),
        not_applicable: evidence::decisions(&r.not_applicable),
        findings: r
            .findings
            .iter()
            .map(|d| FindingView {
                severity: d.severity.as_str(),
                code: d.code.as_str(),
                message: &d.message,
                location: d.location.as_ref().map(ToString::to_string),
                help: d.help.as_deref(),
            })
            .collect(),
        trend: history.map(|t| trend::view(t, "trend", "", HISTORY_SOURCE)),
    }
}

/// Where the charts of a report's page come from.
const HISTORY_SOURCE: &str = "the snapshots in history/";

fn report_title(r: &Report) -> String {
    format!(
        "{} {} — compliance report",
        r.framework.name, r.framework.version
    )
}

/// One framework as a standalone page (no links to other pages; evidence documents named
/// as text).
pub fn render_report(r: &Report) -> Result<String, String> {
    render_report_with(r, &EvidenceLinks::Text, None)
}

/// One framework as a standalone page, linking evidence documents as `links` says, with
/// the chart of its history when there is one.
pub fn render_report_with(
    r: &Report,
    links: &EvidenceLinks<'_>,
    history: Option<&Trend>,
) -> Result<String, String> {
    render_report_page(r, None, links, history)
}

fn render_report_page(
    r: &Report,
    nav: Option<Nav>,
    links: &EvidenceLinks<'_>,
    history: Option<&Trend>,
) -> Result<String, String> {
    let meta = PageMeta::new(r, report_title(r), nav);
    render(
        "report.html.j2",
        &meta,
        Value::from(Serde(&report_view(r, links, history))),
    )
}

/// The file name of a framework's page in the site: its id, with anything that is not
/// safe in a file name replaced.
pub fn page_name(framework_id: &str) -> String {
    let safe: String = framework_id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    let safe = safe.trim_start_matches('.');
    // Never shadow the dashboard's own pages.
    if safe == "index" || safe.starts_with("envoys-") || safe.is_empty() {
        format!("framework-{safe}.html")
    } else {
        format!("{safe}.html")
    }
}

mod evidence;
mod site;
mod trend;
pub use evidence::{EvidenceLinks, links_for};
pub use site::{SiteError, render_site, render_site_into};
pub use trend::{TrendPage, render_trend};

#[cfg(test)]
mod tests;

//! The trend chart (docs/history.md § HTML): an inline SVG of the coverage, assured and
//! covered percentages of each point of a [`Trend`], with the same numbers in a table
//! behind it for screen readers, print and JavaScript-off. Each day of the chart is a link
//! to its table row, which lists what got worse that day; nothing is fetched and no script
//! draws anything.

use super::*;
use crate::history::{Point, Trend};

/// The chart's drawing area, in SVG user units (the SVG scales to its box).
const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 250.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 704.0;
const TOP: f64 = 14.0;
/// The 0 % line: 200 units below the 100 % line, so one percentage point is two units.
const BOTTOM: f64 = 214.0;
/// A day lists at most this many controls that got worse; `trend --format json` has all.
const WORSE_LISTED: usize = 50;
/// Dates written under the x axis, at most (the first and last always).
const X_LABELS: usize = 6;

/// The y coordinate of a percentage.
fn y_of(pct: f64) -> f64 {
    BOTTOM - (BOTTOM - TOP) * pct.clamp(0.0, 100.0) / 100.0
}

fn num(v: f64) -> String {
    format!("{v:.2}")
}

#[derive(Serialize)]
struct GridLine {
    y: String,
    label: &'static str,
}

#[derive(Serialize)]
struct XLabel {
    x: String,
    /// `start` for the first label, `end` for the last, so neither runs off the chart.
    anchor: &'static str,
    label: String,
}

#[derive(Serialize)]
struct Series {
    class: &'static str,
    label: &'static str,
    points: String,
}

/// One day of the chart: its markers and the link to its row.
#[derive(Serialize)]
struct Day {
    href: String,
    label: String,
    x: String,
    /// The left edge and width of the day's click target (half-way to its neighbours).
    hit_x: String,
    hit_w: String,
    coverage_y: String,
    assured_y: String,
    covered_y: String,
    worse: bool,
}

/// A row of the data table: one point.
#[derive(Serialize)]
struct Row {
    date: String,
    anchor: String,
    coverage_pct: String,
    assured_pct: String,
    covered_pct: String,
    worse_count: usize,
    worse: Vec<String>,
    worse_not_listed: usize,
    better_count: usize,
    note: Option<String>,
}

#[derive(Serialize)]
struct RegressionRow<'a> {
    id: &'a str,
    from: &'a str,
    to: &'a str,
    since: &'a str,
    before_window: bool,
    days: i64,
}

/// What the `trend_chart` macro draws.
#[derive(Serialize)]
pub(super) struct TrendView<'a> {
    framework: &'a str,
    since: &'a str,
    until: &'a str,
    /// The ids of the chart's title and table caption (unique on the page).
    id: String,
    width: f64,
    height: f64,
    left: f64,
    right: f64,
    bottom: f64,
    grid: Vec<GridLine>,
    x_labels: Vec<XLabel>,
    series: Vec<Series>,
    days: Vec<Day>,
    rows: Vec<Row>,
    regressions: Vec<RegressionRow<'a>>,
    /// Where the history came from, for the caption.
    source: &'a str,
    /// Whether the table rows carry the anchors the days link to (false when the days link
    /// to another page's table).
    anchors: bool,
    /// Where the labels of the axes go.
    y_label_x: f64,
    x_label_y: f64,
    top: f64,
    plot_height: f64,
}

/// The anchor of a day's table row.
fn row_anchor(date: &str) -> String {
    format!("trend-{date}")
}

fn changes(p: &Point) -> Vec<String> {
    p.worse
        .iter()
        .take(WORSE_LISTED)
        .map(|c| format!("{} ({} → {})", c.id, c.from, c.to))
        .collect()
}

/// The chart and table of `t`. `id` makes the element ids unique on the page; `rows_page`
/// is the page whose table rows the days link to (`""`: this page).
pub(super) fn view<'a>(t: &'a Trend, id: &str, rows_page: &str, source: &'a str) -> TrendView<'a> {
    let since = t.since.parse::<jiff::civil::Date>().ok();
    let until = t.until.parse::<jiff::civil::Date>().ok();
    let span = match (since, until) {
        (Some(a), Some(b)) => (b - a).get_days().max(0) as f64,
        _ => 0.0,
    };
    // Days are placed by date, so a gap in the history is a gap in the chart.
    let x_of = |date: &str| -> f64 {
        let d = match (since, date.parse::<jiff::civil::Date>().ok()) {
            (Some(a), Some(d)) => (d - a).get_days() as f64,
            _ => 0.0,
        };
        if span == 0.0 {
            (LEFT + RIGHT) / 2.0
        } else {
            LEFT + (RIGHT - LEFT) * (d / span).clamp(0.0, 1.0)
        }
    };
    let xs: Vec<f64> = t.points.iter().map(|p| x_of(&p.date)).collect();
    let series = [
        ("line-coverage", "coverage", 0usize),
        ("line-assured", "assured", 1),
        ("line-covered", "covered", 2),
    ]
    .into_iter()
    .map(|(class, label, k)| Series {
        class,
        label,
        points: t
            .points
            .iter()
            .zip(&xs)
            .map(|(p, x)| {
                let s = &p.summary;
                let v = [s.coverage_pct, s.assured_pct, s.covered_pct][k];
                format!("{},{}", num(*x), num(y_of(v)))
            })
            .collect::<Vec<_>>()
            .join(" "),
    })
    .collect();
    let days = t
        .points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let x = xs[i];
            let lo = if i == 0 { LEFT } else { (xs[i - 1] + x) / 2.0 };
            let hi = if i + 1 == xs.len() {
                RIGHT
            } else {
                (x + xs[i + 1]) / 2.0
            };
            let s = &p.summary;
            Day {
                href: format!("{rows_page}#{}", row_anchor(&p.date)),
                label: format!(
                    "{}: coverage {}, assured {}, covered {}; {} control(s) worse, {} better",
                    p.date,
                    pct_text(s.coverage_pct),
                    pct_text(s.assured_pct),
                    pct_text(s.covered_pct),
                    p.worse.len(),
                    p.better.len()
                ),
                x: num(x),
                hit_x: num(lo),
                hit_w: num((hi - lo).max(1.0)),
                coverage_y: num(y_of(s.coverage_pct)),
                assured_y: num(y_of(s.assured_pct)),
                covered_y: num(y_of(s.covered_pct)),
                worse: !p.worse.is_empty(),
            }
        })
        .collect();
    // The x labels: the window's first and last day and evenly spaced days between.
    let mut x_labels = Vec::new();
    if let (Some(a), Some(_)) = (since, until) {
        let steps = if span == 0.0 {
            0
        } else {
            (X_LABELS - 1).min(span as usize)
        };
        for k in 0..=steps {
            let d = (span as usize * k).checked_div(steps).unwrap_or(0) as i64;
            if let Ok(date) = a.checked_add(jiff::Span::new().days(d)) {
                let label = date.to_string();
                x_labels.push(XLabel {
                    x: num(x_of(&label)),
                    anchor: match k {
                        _ if steps == 0 => "middle",
                        0 => "start",
                        k if k == steps => "end",
                        _ => "middle",
                    },
                    label,
                });
            }
        }
    }
    TrendView {
        framework: &t.framework,
        since: &t.since,
        until: &t.until,
        id: id.to_string(),
        width: WIDTH,
        height: HEIGHT,
        left: LEFT,
        right: RIGHT,
        bottom: BOTTOM,
        grid: [
            (0.0, "0 %"),
            (25.0, "25 %"),
            (50.0, "50 %"),
            (75.0, "75 %"),
            (100.0, "100 %"),
        ]
        .into_iter()
        .map(|(v, label)| GridLine {
            y: num(y_of(v)),
            label,
        })
        .collect(),
        x_labels,
        series,
        days,
        rows: t
            .points
            .iter()
            .map(|p| Row {
                date: p.date.clone(),
                anchor: row_anchor(&p.date),
                coverage_pct: pct_text(p.summary.coverage_pct),
                assured_pct: pct_text(p.summary.assured_pct),
                covered_pct: pct_text(p.summary.covered_pct),
                worse_count: p.worse.len(),
                worse: changes(p),
                worse_not_listed: p.worse.len().saturating_sub(WORSE_LISTED),
                better_count: p.better.len(),
                note: p.catalog_changed.then(|| {
                    format!(
                        "catalog changed (now version {}): not compared with the day before",
                        p.catalog_version
                    )
                }),
            })
            .collect(),
        regressions: t
            .regressions
            .iter()
            .map(|r| RegressionRow {
                id: &r.id,
                from: r.from,
                to: r.to,
                since: &r.since,
                before_window: r.before_window,
                days: r.days,
            })
            .collect(),
        source,
        anchors: rows_page.is_empty(),
        y_label_x: LEFT - 6.0,
        x_label_y: BOTTOM + 20.0,
        top: TOP,
        plot_height: BOTTOM - TOP,
    }
}

/// What the standalone trend page (`trend --format html`) says about itself.
pub struct TrendPage<'a> {
    pub name: &'a str,
    pub version: &'a str,
    pub tool: String,
    pub as_of: &'a str,
    /// Where the points came from (`history/<framework>.jsonl`, or git commits).
    pub source: &'a str,
}

#[derive(Serialize)]
struct TrendPageView<'a> {
    name: &'a str,
    version: &'a str,
    points: usize,
    trend: TrendView<'a>,
}

/// `compliance trend --format html`: the chart, its table and what is regressed, as one
/// self-contained page.
pub fn render_trend(t: &Trend, about: &TrendPage<'_>) -> Result<String, String> {
    let meta = PageMeta {
        title: format!("{} {} — compliance trend", about.name, about.version),
        schema: t.schema,
        tool: about.tool.clone(),
        generated_at: about.as_of,
        as_of: about.as_of,
        mode: None,
        inputs_digest: t.points.last().map(|p| p.inputs_digest.as_str()),
        nav: None,
    };
    let body = TrendPageView {
        name: about.name,
        version: about.version,
        points: t.points.len(),
        trend: view(t, "trend", "", about.source),
    };
    render("trend.html.j2", &meta, Value::from(Serde(&body)))
}

//! The static dashboard: `index.html`, one page per framework, the envoy index.

use super::*;
use rayon::prelude::*;

fn envoy_page_name(page: usize) -> String {
    format!("envoys-{page}.html")
}

#[derive(Serialize)]
struct NextGap<'a> {
    id: &'a str,
    title: &'a str,
    status: &'a str,
    words: &'static str,
    icon: &'static str,
    envoys_uncovered: u64,
}

/// The control to close next: the partial control with the fewest uncovered envoys
/// (closest to done), else the first uncovered control in catalog order.
fn next_gap(r: &Report) -> Option<NextGap<'_>> {
    let partial = r
        .controls
        .iter()
        .filter(|c| c.status == Status::Partial)
        .min_by_key(|c| c.envoys_uncovered);
    partial
        .or_else(|| r.controls.iter().find(|c| c.status == Status::Uncovered))
        .map(|c| NextGap {
            id: &c.id,
            title: &c.title,
            status: c.status.as_str(),
            words: c.status.words(),
            icon: status_icon(c.status),
            envoys_uncovered: c.envoys_uncovered,
        })
}

#[derive(Serialize)]
struct Card<'a> {
    href: String,
    framework: &'a crate::report::FrameworkInfo,
    scope: String,
    summary: SummaryView<'a>,
    in_progress: u64,
    next_gap: Option<NextGap<'a>>,
    /// The heat map: coverage of each category that has counted controls.
    categories: Vec<super::CategoryView<'a>>,
    /// The chart of the framework's history, its days linking to the framework page.
    trend: Option<super::trend::TrendView<'a>>,
}

#[derive(Serialize)]
struct IndexView<'a> {
    cards: Vec<Card<'a>>,
    envoys_total: usize,
    envoy_pages: usize,
}

#[derive(Serialize)]
struct EnvoyIndexRow<'a> {
    hostname: &'a str,
    environment: Option<&'a str>,
    status: Option<&'a str>,
    last_converged: Option<&'a str>,
    /// One cell per framework, `None` when the envoy is outside its scope.
    cells: Vec<Option<EnvoyCell>>,
}

#[derive(Serialize)]
struct EnvoyCell {
    coverage_pct: String,
    detail: String,
}

#[derive(Serialize)]
struct FrameworkHead<'a> {
    id: &'a str,
    name: &'a str,
    href: String,
}

#[derive(Serialize)]
struct EnvoyIndexView<'a> {
    frameworks: &'a [FrameworkHead<'a>],
    rows: &'a [EnvoyIndexRow<'a>],
    page: usize,
    pages: usize,
    first: usize,
    last: usize,
    total: usize,
    prev: Option<String>,
    next: Option<String>,
    page_links: Vec<(usize, String)>,
}

/// The static dashboard: `index.html`, one page per framework, and the envoy index in
/// pages of [`ENVOYS_PER_PAGE`]. Returns (file name, content) pairs in a stable order.
/// Evidence documents are named as text.
pub fn render_site(reports: &[Report]) -> Result<Vec<(String, String)>, String> {
    let mut files = Vec::new();
    render_site_into(
        reports,
        &EvidenceLinks::Text,
        &Trends::new(),
        &mut |name, page| {
            files.push((name.to_string(), page));
            Ok::<(), std::convert::Infallible>(())
        },
    )
    .map_err(|e| match e {
        SiteError::Render(e) => e,
        SiteError::Put(never) => match never {},
    })?;
    Ok(files)
}

/// Why a site could not be produced: a page did not render, or `put` refused it.
pub enum SiteError<E> {
    Render(String),
    Put(E),
}

/// [`render_site`], each page handed to `put(file name, page)` as soon as it is rendered (in
/// the same order), so that a large site is never held whole; the framework pages link
/// evidence documents as `links` says, and the dashboard and framework pages chart the
/// history of each framework in `trends`.
pub fn render_site_into<E>(
    reports: &[Report],
    links: &EvidenceLinks<'_>,
    trends: &Trends,
    put: &mut dyn FnMut(&str, String) -> Result<(), E>,
) -> Result<(), SiteError<E>> {
    let rendered = |r: Result<String, String>| r.map_err(SiteError::Render);
    let Some(first) = reports.first() else {
        return Err(SiteError::Render("no framework to report".into()));
    };
    // Every envoy in the scope of at least one framework, in hostname order.
    let mut slot: foldhash::HashMap<&str, usize> = Default::default();
    let mut hosts: Vec<(&str, Vec<Option<&EnvoyRow>>)> = Vec::new();
    for (i, r) in reports.iter().enumerate() {
        for e in &r.envoys {
            let s = *slot.entry(e.hostname.as_ref()).or_insert_with(|| {
                hosts.push((e.hostname.as_ref(), vec![None; reports.len()]));
                hosts.len() - 1
            });
            hosts[s].1[i] = Some(e);
        }
    }
    drop(slot);
    hosts.par_sort_unstable_by(|a, b| a.0.cmp(b.0));
    let pages = hosts.len().div_ceil(ENVOYS_PER_PAGE).max(1);
    let nav = || Nav {
        index: "index.html",
        envoys: envoy_page_name(1),
    };

    let index = IndexView {
        cards: reports
            .iter()
            .map(|r| Card {
                href: page_name(&r.framework.id),
                framework: &r.framework,
                scope: crate::report::scope_text(&r.scope, "every envoy (no scope)"),
                summary: summary_view(r),
                in_progress: r.summary.partial,
                next_gap: next_gap(r),
                categories: r
                    .categories
                    .iter()
                    .filter(|c| c.controls_total > 0)
                    .map(super::category_view)
                    .collect(),
                trend: trends.get(&r.framework.id).map(|t| {
                    let page = page_name(&r.framework.id);
                    let id = format!("trend-{}", page.trim_end_matches(".html"));
                    super::trend::view(t, &id, &page, HISTORY_SOURCE)
                }),
            })
            .collect(),
        envoys_total: hosts.len(),
        envoy_pages: pages,
    };
    let meta = PageMeta::new(first, "Compliance dashboard".into(), Some(nav()));
    let page = rendered(render("index.html.j2", &meta, Value::from(Serde(&index))))?;
    put("index.html", page).map_err(SiteError::Put)?;
    in_order(reports, put, |r| {
        let page = render_report_page(r, Some(nav()), links, trends.get(&r.framework.id))?;
        Ok((page_name(&r.framework.id), page))
    })?;

    let heads: Vec<FrameworkHead<'_>> = reports
        .iter()
        .map(|r| FrameworkHead {
            id: &r.framework.id,
            name: &r.framework.name,
            href: page_name(&r.framework.id),
        })
        .collect();
    // Rows are built a page at a time (a few pages at once, one per thread): a
    // 100,000-envoy fleet never holds every row's cells.
    let page_links: Vec<(usize, String)> = (1..=pages).map(|p| (p, envoy_page_name(p))).collect();
    let numbers: Vec<usize> = (1..=pages).collect();
    in_order(&numbers, put, |&page| {
        let start = (page - 1) * ENVOYS_PER_PAGE;
        let end = (start + ENVOYS_PER_PAGE).min(hosts.len());
        let rows: Vec<EnvoyIndexRow<'_>> = hosts[start..end]
            .iter()
            .map(|(host, cells)| index_row(host, cells))
            .collect();
        let view = EnvoyIndexView {
            frameworks: &heads,
            rows: &rows,
            page,
            pages,
            first: start + 1,
            last: end,
            total: hosts.len(),
            prev: (page > 1).then(|| envoy_page_name(page - 1)),
            next: (page < pages).then(|| envoy_page_name(page + 1)),
            page_links: page_links.clone(),
        };
        let meta = PageMeta::new(
            first,
            format!("Envoys — page {page} of {pages}"),
            Some(nav()),
        );
        let html = render("envoys.html.j2", &meta, Value::from(Serde(&view)))?;
        Ok((envoy_page_name(page), html))
    })
}

/// Renders a page per job, as many at once as there are threads, and hands the pages to
/// `put` in job order (the site's bytes do not depend on the thread count).
fn in_order<T: Sync, E>(
    jobs: &[T],
    put: &mut dyn FnMut(&str, String) -> Result<(), E>,
    render: impl Fn(&T) -> Result<(String, String), String> + Sync,
) -> Result<(), SiteError<E>> {
    for batch in jobs.chunks(rayon::current_num_threads().max(1)) {
        let pages: Vec<Result<(String, String), String>> = batch.par_iter().map(&render).collect();
        for page in pages {
            let (name, html) = page.map_err(SiteError::Render)?;
            put(&name, html).map_err(SiteError::Put)?;
        }
    }
    Ok(())
}

/// One row of the envoy index: its envoy's cell in each framework (`None`: out of scope).
fn index_row<'a>(host: &'a str, cells: &[Option<&'a EnvoyRow>]) -> EnvoyIndexRow<'a> {
    let any = cells.iter().flatten().next();
    EnvoyIndexRow {
        hostname: host,
        environment: any.and_then(|e| e.environment.as_deref()),
        status: any.and_then(|e| e.status.as_deref()),
        last_converged: any.and_then(|e| e.last_converged.as_deref()),
        cells: cells
            .iter()
            .map(|c| {
                c.map(|e| EnvoyCell {
                    coverage_pct: pct_text(e.coverage_pct),
                    detail: if e.attested > 0 {
                        format!(
                            "{} covered, {} attested, {} waived, {} uncovered",
                            e.covered, e.attested, e.waived, e.uncovered
                        )
                    } else {
                        format!(
                            "{} covered, {} waived, {} uncovered",
                            e.covered, e.waived, e.uncovered
                        )
                    },
                })
            })
            .collect(),
    }
}

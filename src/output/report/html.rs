//! `--format html`: one self-contained page, and with `report all` the static dashboard
//! site (index, a page per framework, the envoy index).

use super::{Format, Place, evidence_links};
use crate::diag::{Code, Diagnostic};
use crate::report::Report;

pub struct Html;

fn render_failed(e: String) -> Vec<Diagnostic> {
    vec![
        Diagnostic::error(
            Code::RenderFailed,
            format!("cannot render the HTML report: {e}"),
        )
        .help("this is a bug in vigocli; `--format json` still works"),
    ]
}

impl Format for Html {
    fn extension(&self) -> &'static str {
        "html"
    }

    fn charts_history(&self) -> bool {
        true
    }

    fn render(&self, report: &Report, _colour: bool) -> Result<String, Vec<Diagnostic>> {
        crate::report::html::render_report(report).map_err(render_failed)
    }

    fn render_all(&self, reports: &[Report]) -> Result<Vec<(String, String)>, Vec<Diagnostic>> {
        crate::report::html::render_site(reports).map_err(render_failed)
    }

    fn render_at(
        &self,
        report: &Report,
        _colour: bool,
        place: &Place<'_>,
    ) -> Result<String, Vec<Diagnostic>> {
        let prefix = place.repo_prefix();
        crate::report::html::render_report_with(
            report,
            &evidence_links(&prefix),
            place.trends.get(&report.framework.id),
        )
        .map_err(render_failed)
    }

    /// `report all`: the dashboard site, each page written as it is rendered.
    fn render_all_into(
        &self,
        reports: &[Report],
        place: &Place<'_>,
        put: &mut super::PutFile<'_>,
    ) -> Result<(), Vec<Diagnostic>> {
        let prefix = place.repo_prefix();
        crate::report::html::render_site_into(
            reports,
            &evidence_links(&prefix),
            place.trends,
            &mut |name, page| put(name, page.as_bytes()),
        )
        .map_err(|e| match e {
            crate::report::html::SiteError::Render(e) => render_failed(e),
            crate::report::html::SiteError::Put(d) => d,
        })
    }
}

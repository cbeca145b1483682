//! The report formats of `compliance report`. Each format is one module implementing
//! [`Format`]: its rendering of one report, of every framework at once (`report all`), and
//! its file extension. A new format is a new module here plus one variant of
//! [`ReportFormat`] and its arm in [`ReportFormat::format`]; the command does not change.

mod html;
mod json;
mod markdown;
mod pdf;
mod table;

use crate::diag::Diagnostic;
use crate::report::Report;
use crate::report::html::EvidenceLinks;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Json,
    Table,
    /// A self-contained HTML page (with framework `all` and --output-dir: a static dashboard site).
    Html,
    /// A PDF document (with framework `all` and --output-dir: one per framework).
    Pdf,
    /// GitHub-flavoured Markdown for a job summary or a pull-request comment (capped at 65,536 characters).
    Markdown,
}

impl ReportFormat {
    /// The format's implementation.
    pub fn format(self) -> &'static dyn Format {
        match self {
            ReportFormat::Json => &json::Json,
            ReportFormat::Table => &table::Table,
            ReportFormat::Html => &html::Html,
            ReportFormat::Pdf => &pdf::Pdf,
            ReportFormat::Markdown => &markdown::Markdown,
        }
    }
}

/// Receives one file of `report all` (its name in the output directory and its bytes).
pub type PutFile<'a> = dyn FnMut(&str, &[u8]) -> Result<(), Vec<Diagnostic>> + 'a;

/// What a report format does. Failures are `render-failed` diagnostics, never empty output.
pub trait Format: Sync {
    /// The extension of its files in `--output-dir`, without the dot.
    fn extension(&self) -> &'static str;

    /// One report; `colour` is true only when the text goes to a terminal that wants it.
    fn render(&self, report: &Report, colour: bool) -> Result<String, Vec<Diagnostic>>;

    /// One report written into `out_dir` (None: to stdout) of the repository `repo`: a
    /// format that links repository files (HTML links evidence documents) does so relative
    /// to where it is written. By default the same as [`Format::render`].
    fn render_at(
        &self,
        report: &Report,
        colour: bool,
        _place: &Place<'_>,
    ) -> Result<String, Vec<Diagnostic>> {
        self.render(report, colour)
    }

    /// [`Format::render_all`] into `place`'s output directory. By default the same.
    fn render_all_at(
        &self,
        reports: &[Report],
        _place: &Place<'_>,
    ) -> Result<Vec<(String, String)>, Vec<Diagnostic>> {
        self.render_all(reports)
    }

    /// Whether `report all` can write it (a terminal table cannot).
    fn writes_all(&self) -> bool {
        true
    }

    /// Every framework at once (`report all`): the files of the output directory, by name.
    /// By default one file per report, named after its framework.
    fn render_all(&self, reports: &[Report]) -> Result<Vec<(String, String)>, Vec<Diagnostic>> {
        reports
            .iter()
            .map(|r| Ok((file_name(r, self.extension()), self.render(r, false)?)))
            .collect()
    }

    /// Whether [`Format::stream`] writes the report as it is produced (JSON): the command
    /// then never holds the whole document.
    fn streams(&self) -> bool {
        false
    }

    /// Writes one report to `out` as it is produced: exactly the bytes of
    /// [`Format::render_bytes`]. Only called when [`Format::streams`].
    fn stream(&self, _report: &Report, _out: &mut dyn std::io::Write) -> std::io::Result<()> {
        Err(std::io::Error::other("this format does not stream"))
    }

    /// [`Format::render_all_bytes`] handed to `put` one file at a time, in order; a format
    /// that can make them one by one (HTML) never holds the whole site. By default the
    /// files of [`Format::render_all_bytes`].
    fn render_all_into(
        &self,
        reports: &[Report],
        place: &Place<'_>,
        put: &mut PutFile<'_>,
    ) -> Result<(), Vec<Diagnostic>> {
        for (name, bytes) in self.render_all_bytes(reports, place)? {
            put(&name, &bytes)?;
        }
        Ok(())
    }

    /// Whether it charts the history of the frameworks ([`Place::trends`]): only then does
    /// the command read `history/`.
    fn charts_history(&self) -> bool {
        false
    }

    /// Whether its output is bytes rather than text (PDF): never shown on a terminal.
    fn binary(&self) -> bool {
        false
    }

    /// The bytes of one report written at `place`: what the command writes. By default
    /// the text of [`Format::render_at`]; a binary format renders here.
    fn render_bytes(
        &self,
        report: &Report,
        colour: bool,
        place: &Place<'_>,
    ) -> Result<Vec<u8>, Vec<Diagnostic>> {
        self.render_at(report, colour, place)
            .map(String::into_bytes)
    }

    /// The files of `report all` as bytes. By default those of [`Format::render_all_at`].
    fn render_all_bytes(
        &self,
        reports: &[Report],
        place: &Place<'_>,
    ) -> Result<Vec<(String, Vec<u8>)>, Vec<Diagnostic>> {
        Ok(self
            .render_all_at(reports, place)?
            .into_iter()
            .map(|(name, text)| (name, text.into_bytes()))
            .collect())
    }
}

/// Where a rendering goes: the repository it was computed from, and the directory the
/// file is written to (`None`: stdout).
pub struct Place<'a> {
    pub repo: &'a Path,
    pub out_dir: Option<&'a Path>,
    /// The history of the frameworks that have one (`history/`), for formats that chart
    /// it (HTML: docs/history.md § HTML).
    pub trends: &'a crate::history::Trends,
}

impl Place<'_> {
    /// The prefix that leads from the output directory back to the repository root, when
    /// the output is a file inside the repository (docs/html-report.md, "Evidence").
    pub fn repo_prefix(&self) -> Option<String> {
        crate::report::html::links_for(self.repo, self.out_dir?)
    }
}

/// How an HTML page written at `place` links evidence documents: relative to the page
/// when it is written inside the repository, else the paths are shown as text.
pub fn evidence_links<'a>(prefix: &'a Option<String>) -> EvidenceLinks<'a> {
    match prefix {
        Some(p) => EvidenceLinks::Relative(p),
        None => EvidenceLinks::Text,
    }
}

/// The file name of a report in `--output-dir`: the framework id made safe for a file name
/// (the dashboard's page name) with the format's extension.
pub fn file_name(report: &Report, extension: &str) -> String {
    let page = crate::report::html::page_name(&report.framework.id);
    let stem = page.strip_suffix(".html").unwrap_or(&page);
    format!("{stem}.{extension}")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The smallest format there is: proof that a format needs nothing but its own module.
    struct Lines;

    impl Format for Lines {
        fn extension(&self) -> &'static str {
            "txt"
        }
        fn render(&self, report: &Report, _colour: bool) -> Result<String, Vec<Diagnostic>> {
            Ok(report
                .controls
                .iter()
                .map(|c| format!("{} {}\n", c.id, serde_json::json!(c.status)))
                .collect())
        }
    }

    #[test]
    fn a_format_is_one_implementation_and_report_all_comes_free() {
        let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/clinic");
        let args = crate::settings::Flags {
            repo: Some(repo),
            as_of: Some("2026-11-22T12:00:00Z".into()),
            ..Default::default()
        };
        let settings = crate::settings::Settings::from_args(&args).expect("settings");
        let model = crate::load::load(&settings).expect("clinic loads");
        let hipaa = model.catalog.framework_index("hipaa").expect("hipaa");
        let report = crate::report::build_for_framework(&model, hipaa);
        let files = Lines
            .render_all(std::slice::from_ref(&report))
            .expect("render");
        assert_eq!(files[0].0, "hipaa.txt");
        assert!(files[0].1.starts_with("164.308(a)(1)(i) "));
        assert_eq!(ReportFormat::Json.format().extension(), "json");
        assert_eq!(file_name(&report, "html"), "hipaa.html");
    }
}

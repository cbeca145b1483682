//! The one output sink. Every byte a command shows goes through a [`Printer`]: data to
//! stdout, messages and diagnostics to stderr (docs/exit-codes.md).
//!
//! - Pipe-safe: a reader that has gone away (`vigocli … | head`) ends the output quietly;
//!   the command still ends with the exit code of its outcome.
//! - Colour policy: colour only on a terminal, and never when `NO_COLOR` is set.
//! - Messages are one line each, with control characters escaped ([`crate::escape`]):
//!   a file name or a server response cannot rewrite the terminal.

use crate::diag::{Code, Diagnostic, Severity};
use std::io::{IsTerminal as _, Write as _};

#[derive(Debug, Clone, Copy)]
pub struct Printer {
    colour: bool,
}

impl Printer {
    /// The printer of this process: colour when stdout is a terminal and `NO_COLOR` is
    /// unset or empty.
    pub fn from_env() -> Printer {
        Printer {
            colour: std::io::stdout().is_terminal() && no_color_unset(),
        }
    }

    /// Whether data written to stdout may be coloured.
    pub fn colour(&self) -> bool {
        self.colour
    }

    /// Writes data to stdout. A closed pipe is not an error; any other write error is a
    /// `write-failed` diagnostic.
    pub fn data(&self, text: &str) -> Result<(), Vec<Diagnostic>> {
        self.data_stream(|out| out.write_all(text.as_bytes()))
    }

    /// Streams data to stdout through a buffer, as `fill` produces it (a large JSON report is
    /// never held whole). A closed pipe is not an error; any other write error is a
    /// `write-failed` diagnostic.
    pub fn data_stream(
        &self,
        fill: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
    ) -> Result<(), Vec<Diagnostic>> {
        let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
        match fill(&mut out).and_then(|()| out.flush()) {
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(vec![
                Diagnostic::error(Code::WriteFailed, format!("cannot write to stdout: {e}"))
                    .help("write to a file with --output instead"),
            ]),
            _ => Ok(()),
        }
    }

    /// Writes bytes that are not text (a PDF) to stdout; refused when stdout is a terminal,
    /// where they would only garble the screen.
    pub fn binary(&self, bytes: &[u8]) -> Result<(), Vec<Diagnostic>> {
        if std::io::stdout().is_terminal() {
            return Err(vec![
                Diagnostic::error(
                    Code::BadArgument,
                    "this output is binary (PDF) and stdout is a terminal",
                )
                .help("write it to a file with --output FILE, or redirect stdout"),
            ]);
        }
        self.data_stream(|out| out.write_all(bytes))
    }

    pub fn note(&self, line: impl AsRef<str>) {
        let line = crate::escape::terminal(line.as_ref());
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "{line}");
    }

    /// A diagnostic on stderr, followed by a blank line. Diagnostics escape their own data.
    pub fn diagnostic(&self, d: &Diagnostic) {
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "{}", d.render());
    }

    /// The diagnostics that stop a run (exit 2), then the count of errors and warnings.
    pub fn diagnostics(&self, diags: &[Diagnostic]) {
        for d in diags {
            self.diagnostic(d);
        }
        let count = |s| diags.iter().filter(|d| d.severity == s).count();
        let (errors, warnings) = (count(Severity::Error), count(Severity::Warning));
        if errors > 0 {
            let mut err = std::io::stderr().lock();
            let _ = writeln!(
                err,
                "error: {errors} error(s), {warnings} warning(s); nothing was written"
            );
        }
    }

    /// clap's usage error (stderr) or its help and version text (stdout).
    pub fn clap(&self, e: &clap::Error) {
        let styled = e.render();
        if e.use_stderr() {
            let colour = std::io::stderr().is_terminal() && no_color_unset();
            let text = if colour {
                styled.ansi().to_string()
            } else {
                styled.to_string()
            };
            let _ = std::io::stderr().lock().write_all(text.as_bytes());
        } else {
            let text = if self.colour {
                styled.ansi().to_string()
            } else {
                styled.to_string()
            };
            let _ = self.data(&text);
        }
    }
}

fn no_color_unset() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

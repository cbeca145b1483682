//! "Now" for a run: `--as-of`, else `SOURCE_DATE_EPOCH`, else the clock, within the range
//! of instants vigocli accepts.

use crate::diag::{Code, Diagnostic};
use jiff::Timestamp;

/// `--as-of`, else `SOURCE_DATE_EPOCH`, else the clock.
pub fn resolve_as_of(flag: Option<&str>, epoch: Option<&str>) -> Result<Timestamp, Diagnostic> {
    if let Some(s) = flag {
        return parse_instant(s).map_err(|e| {
            Diagnostic::error(Code::BadDate, format!("--as-of `{s}` {e}"))
                .help("write e.g. --as-of 2026-11-22 or --as-of 2026-11-22T09:00:00Z")
        });
    }
    if let Some(s) = epoch.filter(|s| !s.trim().is_empty()) {
        let t = s.trim();
        let digits = t.strip_prefix('-').unwrap_or(t);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Diagnostic::error(
                Code::BadDate,
                format!("SOURCE_DATE_EPOCH `{s}` is not a number of seconds"),
            )
            .help("set SOURCE_DATE_EPOCH to a Unix time, e.g. $(git log -1 --format=%ct)"));
        }
        return t
            .parse::<i64>()
            .ok()
            .and_then(|n| Timestamp::from_second(n).ok())
            .filter(|t| in_range(*t))
            .ok_or_else(|| {
                Diagnostic::error(
                    Code::BadDate,
                    format!("SOURCE_DATE_EPOCH `{s}` {}", InstantError::OutOfRange),
                )
                .help("set SOURCE_DATE_EPOCH to a Unix time, e.g. $(git log -1 --format=%ct)")
            });
    }
    Ok(Timestamp::now())
}

/// The earliest instant vigocli accepts: the first of RFC 3339's four-digit years.
pub const EARLIEST: &str = "0000-01-01T00:00:00Z";
/// The latest instant vigocli accepts (the last whole second its time library holds; the
/// 26 hours after it up to 9999-12-31T23:59:59Z cannot be represented).
pub const LATEST: &str = "9999-12-30T22:00:00Z";

fn in_range(t: Timestamp) -> bool {
    let earliest = Timestamp::from_second(-62_167_219_200).unwrap_or(Timestamp::MIN);
    t >= earliest && t <= Timestamp::MAX
}

/// Why a text is not an instant vigocli can use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstantError {
    NotAnInstant,
    OutOfRange,
}

impl std::fmt::Display for InstantError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InstantError::NotAnInstant => write!(f, "is not an RFC 3339 timestamp or a date"),
            InstantError::OutOfRange => {
                write!(f, "is outside the supported range {EARLIEST} to {LATEST}")
            }
        }
    }
}

/// An RFC 3339 timestamp, or a date meaning 00:00:00 UTC of that day, within
/// [`EARLIEST`]..=[`LATEST`] (docs/cli.md; every later date computation stays in range).
pub fn parse_instant(s: &str) -> Result<Timestamp, InstantError> {
    let s = s.trim();
    let t = if let Ok(t) = s.parse::<Timestamp>() {
        t
    } else if let Ok(d) = s.parse::<jiff::civil::Date>() {
        d.to_zoned(jiff::tz::TimeZone::UTC)
            .map_err(|_| InstantError::OutOfRange)?
            .timestamp()
    } else if jiff::fmt::temporal::Pieces::parse(s).is_ok_and(|p| p.offset().is_some()) {
        // Well-formed, but beyond what the time library represents (e.g. the last hours
        // of 9999-12-31).
        return Err(InstantError::OutOfRange);
    } else {
        return Err(InstantError::NotAnInstant);
    };
    if in_range(t) {
        Ok(t)
    } else {
        Err(InstantError::OutOfRange)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn as_of_precedence() {
        let t = resolve_as_of(Some("2026-11-22"), Some("0")).expect("date");
        assert_eq!(t.to_string(), "2026-11-22T00:00:00Z");
        let t = resolve_as_of(None, Some("86400")).expect("epoch");
        assert_eq!(t.to_string(), "1970-01-02T00:00:00Z");
        assert!(resolve_as_of(Some("yesterday"), None).is_err());
        assert!(resolve_as_of(None, Some("x")).is_err());
    }
}

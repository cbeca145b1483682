//! History and trend (docs/history.md): one compact snapshot line per framework and day in
//! `history/<framework>.jsonl`, each recorded in the audit log by its SHA-256, and the trend
//! read back from them: the last snapshot of each day, what got worse or better from one
//! point to the next, and since when each control has been regressed.

pub mod git;

use crate::catalog::Catalog;
use crate::coverage::Status;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

pub const SNAPSHOT_SCHEMA: &str = "vigocli/snapshot/v1";
pub const TREND_SCHEMA: &str = "vigocli/trend/v1";
/// The audit-log action of a snapshot.
pub const AUDIT_ACTION: &str = "snapshot";

/// One line of `history/<framework>.jsonl`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Snapshot {
    pub schema: String,
    pub as_of: String,
    pub framework: String,
    pub catalog: CatalogRef,
    pub inputs_digest: String,
    pub summary: Numbers,
    /// Per category: `[name, controls_total, covered, attested, partial, waived, uncovered,
    /// not_applicable]`, in the report's order.
    pub categories: Vec<CategoryCounts>,
    /// One letter per counted control of the catalog, in catalog order ([`letter`]).
    pub statuses: String,
}

/// One category of a snapshot: `[name, controls_total, covered, attested, partial, waived,
/// uncovered, not_applicable]`.
pub type CategoryCounts = (String, u64, u64, u64, u64, u64, u64, u64);

/// The control list a snapshot's `statuses` are positioned against.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CatalogRef {
    pub version: String,
    /// SHA-256 of the framework id, version and counted control IDs ([`catalog_digest`]).
    pub digest: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Numbers {
    pub controls_total: u64,
    pub covered: u64,
    pub attested: u64,
    pub partial: u64,
    pub waived: u64,
    pub uncovered: u64,
    pub not_applicable: u64,
    pub coverage_pct: f64,
    pub covered_pct: f64,
    pub assured_pct: f64,
    pub envoys_in_scope: u64,
}

/// The letter of a status in `statuses`.
pub fn letter(s: Status) -> char {
    match s {
        Status::Covered => 'C',
        Status::Attested => 'A',
        Status::Waived => 'W',
        Status::Partial => 'P',
        Status::Uncovered => 'U',
        Status::NotApplicable => 'N',
    }
}

/// The status of a letter of `statuses`.
pub fn status_of(c: char) -> Option<Status> {
    Some(match c {
        'C' => Status::Covered,
        'A' => Status::Attested,
        'W' => Status::Waived,
        'P' => Status::Partial,
        'U' => Status::Uncovered,
        'N' => Status::NotApplicable,
        _ => return None,
    })
}

/// The counted control IDs of framework `fw`, in catalog order (controls declared not
/// applicable included): the positions of `statuses`.
pub fn control_ids(catalog: &Catalog, fw: usize) -> Vec<&str> {
    let f = &catalog.frameworks[fw];
    f.counted
        .iter()
        .map(|&c| catalog.control(f.base, c).id.as_str())
        .collect()
}

/// SHA-256 (hex) of the framework id, its version and its counted control IDs, one per line:
/// two snapshots with the same digest have comparable `statuses`.
pub fn catalog_digest(catalog: &Catalog, fw: usize) -> String {
    let f = &catalog.frameworks[fw];
    let mut h = Sha256::new();
    h.update(f.id.as_bytes());
    h.update(b"\n");
    h.update(f.version.as_bytes());
    for id in control_ids(catalog, fw) {
        h.update(b"\n");
        h.update(id.as_bytes());
    }
    crate::hex::encode(&h.finalize())
}

/// The SHA-256 (hex) of a history line (without its newline): what the audit entry records.
pub fn line_digest(line: &str) -> String {
    crate::hex::encode(&Sha256::digest(line.as_bytes()))
}

/// A line of a history file, parsed, with its 1-based line number.
pub struct Line {
    pub number: usize,
    pub text: String,
    pub snapshot: Snapshot,
}

/// Parses a history file; errors name the line.
pub fn parse(text: &str) -> Result<Vec<Line>, (usize, String)> {
    let mut out = Vec::new();
    for (i, l) in text.split('\n').enumerate() {
        if l.is_empty() {
            continue;
        }
        let snapshot: Snapshot = serde_json::from_str(l).map_err(|e| (i + 1, e.to_string()))?;
        if snapshot.schema != SNAPSHOT_SCHEMA {
            return Err((
                i + 1,
                format!("schema `{}` is not {SNAPSHOT_SCHEMA}", snapshot.schema),
            ));
        }
        let utc = snapshot.as_of.len() == 20
            && snapshot.as_of.ends_with('Z')
            && snapshot.as_of.parse::<jiff::Timestamp>().is_ok();
        if !utc {
            return Err((
                i + 1,
                format!("as_of `{}` is not a UTC timestamp", snapshot.as_of),
            ));
        }
        if let Some(c) = snapshot.statuses.chars().find(|&c| status_of(c).is_none()) {
            return Err((i + 1, format!("`{c}` in statuses is not a status letter")));
        }
        out.push(Line {
            number: i + 1,
            text: l.to_string(),
            snapshot,
        });
    }
    Ok(out)
}

/// One control whose status changed between two points.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub id: String,
    pub from: &'static str,
    pub to: &'static str,
}

/// One point of the trend: the last snapshot of a day.
#[derive(Debug, Serialize)]
pub struct Point {
    pub date: String,
    pub as_of: String,
    pub inputs_digest: String,
    pub catalog_version: String,
    /// The catalog changed since the previous point: no control is compared across it.
    pub catalog_changed: bool,
    pub summary: Numbers,
    pub categories: Vec<CategoryCounts>,
    /// Controls whose status is worse than at the previous point (from → to).
    pub worse: Vec<Change>,
    /// Controls whose status is better than at the previous point.
    pub better: Vec<Change>,
}

/// A control regressed at the last point, and since when.
#[derive(Debug, Serialize)]
pub struct Regression {
    pub id: String,
    /// Its status before the regression began, and now.
    pub from: &'static str,
    pub to: &'static str,
    /// The date of the first point of the regression; with `before_window`, the regression
    /// began on this date, which is before the first point shown.
    pub since: String,
    pub before_window: bool,
    /// Whole days from `since` to the last point.
    pub days: i64,
}

#[derive(Debug, Serialize)]
pub struct Trend {
    pub schema: &'static str,
    pub framework: String,
    pub since: String,
    pub until: String,
    pub points: Vec<Point>,
    pub regressions: Vec<Regression>,
}

/// The trends of several frameworks, by framework id: what the HTML pages chart.
pub type Trends = BTreeMap<String, Trend>;

fn date_of(as_of: &str) -> &str {
    as_of.get(..10).unwrap_or(as_of)
}

/// The trend of framework `fw` over `[since, until]` (dates, inclusive) from its history
/// lines: the last snapshot of each day is the day's point; regressions are followed over
/// every point up to `until`, so one that began before `since` is reported as such.
pub fn trend(catalog: &Catalog, fw: usize, lines: &[Line], since: &str, until: &str) -> Trend {
    // The last snapshot of each day up to `until` (by as_of, then by line order).
    let mut by_day: BTreeMap<&str, &Line> = BTreeMap::new();
    for l in lines {
        let day = date_of(&l.snapshot.as_of);
        if day > until {
            continue;
        }
        match by_day.get(day) {
            Some(prev) if prev.snapshot.as_of > l.snapshot.as_of => {}
            _ => {
                by_day.insert(day, l);
            }
        }
    }
    let ids: Vec<&str> = control_ids(catalog, fw);
    let current_digest = catalog_digest(catalog, fw);
    // Per control position: (status before the regression, first date) while regressed.
    let mut open: Vec<Option<(Status, String)>> = Vec::new();
    let mut points = Vec::new();
    // The previous point's snapshot and its statuses, parsed once.
    let mut prev: Option<(&Snapshot, Vec<Status>)> = None;
    for (day, l) in &by_day {
        let s = &l.snapshot;
        let statuses: Vec<Status> = s.statuses.chars().filter_map(status_of).collect();
        let comparable = prev
            .as_ref()
            .is_some_and(|(p, _)| p.catalog.digest == s.catalog.digest);
        let mut worse = Vec::new();
        let mut better = Vec::new();
        if let Some((_, before)) = prev.as_ref().filter(|_| comparable) {
            for (i, (&a, &b)) in before.iter().zip(&statuses).enumerate() {
                let id = if s.catalog.digest == current_digest {
                    ids.get(i).copied().unwrap_or("?").to_string()
                } else {
                    format!("#{}", i + 1)
                };
                if b.rank() < a.rank() {
                    worse.push(Change {
                        id: id.clone(),
                        from: a.as_str(),
                        to: b.as_str(),
                    });
                    if open[i].is_none() {
                        open[i] = Some((a, day.to_string()));
                    }
                } else if b.rank() > a.rank() {
                    better.push(Change {
                        id,
                        from: a.as_str(),
                        to: b.as_str(),
                    });
                }
                if open[i]
                    .as_ref()
                    .is_some_and(|(was, _)| b.rank() >= was.rank())
                {
                    open[i] = None;
                }
            }
        } else {
            open = vec![None; statuses.len()];
        }
        if *day >= since {
            points.push(Point {
                date: day.to_string(),
                as_of: s.as_of.clone(),
                inputs_digest: s.inputs_digest.clone(),
                catalog_version: s.catalog.version.clone(),
                catalog_changed: prev.is_some() && !comparable,
                summary: s.summary.clone(),
                categories: s.categories.clone(),
                worse,
                better,
            });
        }
        prev = Some((s, statuses));
    }
    let last_day = by_day.keys().next_back().copied().unwrap_or(until);
    let mut regressions = Vec::new();
    if let Some((last, now)) = prev {
        for (i, o) in open.iter().enumerate() {
            let Some((was, first)) = o else { continue };
            let id = if last.catalog.digest == current_digest {
                ids.get(i).copied().unwrap_or("?").to_string()
            } else {
                format!("#{}", i + 1)
            };
            regressions.push(Regression {
                id,
                from: was.as_str(),
                to: now.get(i).copied().unwrap_or(Status::Uncovered).as_str(),
                since: first.clone(),
                before_window: first.as_str() < since,
                days: days_between(first, last_day),
            });
        }
    }
    Trend {
        schema: TREND_SCHEMA,
        framework: catalog.frameworks[fw].id.clone(),
        since: since.to_string(),
        until: until.to_string(),
        points,
        regressions,
    }
}

/// Whole days from `a` to `b` (dates `YYYY-MM-DD`); 0 when either does not parse.
pub fn days_between(a: &str, b: &str) -> i64 {
    match (
        a.parse::<jiff::civil::Date>(),
        b.parse::<jiff::civil::Date>(),
    ) {
        (Ok(a), Ok(b)) => (b - a).get_days() as i64,
        _ => 0,
    }
}

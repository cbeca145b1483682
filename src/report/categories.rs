//! Category roll-ups (docs/semantics.md § Categories): a report's counted controls grouped
//! by their catalog `category` (NIST families, PCI DSS principal requirements, ISO themes,
//! HIPAA safeguards, CSF functions, …), each group with the summary's counts and
//! percentages computed by the same formulas, so the groups add up to the summary.

use super::ControlRow;
use crate::coverage::{Status, pct};
use serde::Serialize;

/// The group of counted controls whose catalog entry names no category.
pub const UNCATEGORISED: &str = "(no category)";

/// The counts of a set of counted controls by status, and the percentages of the summary.
#[derive(Debug, Clone, Copy, Default)]
pub struct Tally {
    pub covered: u64,
    pub attested: u64,
    pub partial: u64,
    pub waived: u64,
    pub uncovered: u64,
}

impl Tally {
    pub fn add(&mut self, status: Status) {
        match status {
            Status::Covered => self.covered += 1,
            Status::Attested => self.attested += 1,
            Status::Partial => self.partial += 1,
            Status::Waived => self.waived += 1,
            Status::Uncovered => self.uncovered += 1,
            // Not counted: never in a tally of counted controls.
            Status::NotApplicable => {}
        }
    }

    /// controls_total: every counted control.
    pub fn total(&self) -> u64 {
        self.covered + self.attested + self.partial + self.waived + self.uncovered
    }

    /// 100 × (covered + attested + waived) / controls_total.
    pub fn coverage_pct(&self) -> f64 {
        pct(
            u128::from(self.covered + self.attested + self.waived),
            u128::from(self.total()),
        )
    }

    /// 100 × covered / controls_total.
    pub fn covered_pct(&self) -> f64 {
        pct(u128::from(self.covered), u128::from(self.total()))
    }

    /// 100 × (covered + attested) / controls_total.
    pub fn assured_pct(&self) -> f64 {
        pct(
            u128::from(self.covered + self.attested),
            u128::from(self.total()),
        )
    }
}

/// One category of a report (`categories[]` of the JSON report).
#[derive(Debug, Serialize)]
pub struct CategoryRow {
    /// The catalog's `category`, or [`UNCATEGORISED`].
    pub name: String,
    pub controls_total: u64,
    pub covered: u64,
    pub attested: u64,
    pub partial: u64,
    pub waived: u64,
    pub uncovered: u64,
    /// Controls of the category that applicability decisions remove (not counted).
    pub not_applicable: u64,
    pub coverage_pct: f64,
    pub covered_pct: f64,
    pub assured_pct: f64,
}

/// The categories of `controls` (the report's counted controls, in catalog order) and of
/// the controls declared not applicable (their categories, in catalog order): in order of
/// first appearance among the counted controls, then categories that only hold controls
/// declared not applicable.
pub fn rollup<'a>(
    controls: &[ControlRow],
    not_applicable: impl IntoIterator<Item = Option<&'a str>>,
) -> Vec<CategoryRow> {
    let mut groups: Vec<(String, Tally, u64)> = Vec::new();
    let mut group = |name: Option<&str>| -> usize {
        let name = name.unwrap_or(UNCATEGORISED);
        match groups.iter().position(|(n, ..)| n == name) {
            Some(i) => i,
            None => {
                groups.push((name.to_string(), Tally::default(), 0));
                groups.len() - 1
            }
        }
    };
    let mut indices: Vec<usize> = Vec::with_capacity(controls.len());
    for c in controls {
        indices.push(group(c.category.as_deref()));
    }
    let na: Vec<usize> = not_applicable.into_iter().map(&mut group).collect();
    for (c, &i) in controls.iter().zip(&indices) {
        groups[i].1.add(c.status);
    }
    for i in na {
        groups[i].2 += 1;
    }
    groups
        .into_iter()
        .map(|(name, t, not_applicable)| CategoryRow {
            name,
            controls_total: t.total(),
            covered: t.covered,
            attested: t.attested,
            partial: t.partial,
            waived: t.waived,
            uncovered: t.uncovered,
            not_applicable,
            coverage_pct: t.coverage_pct(),
            covered_pct: t.covered_pct(),
            assured_pct: t.assured_pct(),
        })
        .collect()
}

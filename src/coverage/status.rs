//! The status of a control, typed; text only when serialised or rendered.

use serde::{Deserialize, Serialize};

/// A control's status over the in-scope envoys (docs/semantics.md). Serialises as
/// `covered`, `attested`, `waived`, `partial`, `uncovered`, `not-applicable` (the report
/// schema); everything else matches on the variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Covered,
    Attested,
    Waived,
    Partial,
    Uncovered,
    /// Removed from the framework's report by an approved, current applicability
    /// decision: listed, never counted.
    NotApplicable,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::Covered,
        Status::Attested,
        Status::Waived,
        Status::Partial,
        Status::Uncovered,
        Status::NotApplicable,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Covered => "covered",
            Status::Attested => "attested",
            Status::Waived => "waived",
            Status::Partial => "partial",
            Status::Uncovered => "uncovered",
            Status::NotApplicable => "not-applicable",
        }
    }

    /// The status in words for people (`not applicable`).
    pub fn words(self) -> &'static str {
        match self {
            Status::NotApplicable => "not applicable",
            s => s.as_str(),
        }
    }

    /// The status written as `text` (a report read back, e.g. a baseline), if it is one.
    pub fn parse(text: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// How good a status is; a control regresses when its rank drops. Technical proof
    /// ranks above reviewed documents, which rank above accepted risk. A control declared
    /// not applicable ranks highest: it left the framework by an approved decision, and
    /// when the decision lapses the control's fall back into the count is a regression.
    pub fn rank(self) -> u8 {
        match self {
            Status::Uncovered => 0,
            Status::Partial => 1,
            Status::Waived => 2,
            Status::Attested => 3,
            Status::Covered => 4,
            Status::NotApplicable => 5,
        }
    }

    /// docs/semantics.md (per control), from the per-envoy counts of one control.
    pub fn from_counts(covered: u64, attested: u64, waived: u64, in_scope: u64) -> Status {
        if in_scope > 0 && covered == in_scope {
            Status::Covered
        } else if in_scope > 0 && covered + attested == in_scope {
            Status::Attested
        } else if in_scope > 0 && covered + attested + waived == in_scope {
            Status::Waived
        } else if covered + attested + waived > 0 {
            Status::Partial
        } else {
            Status::Uncovered
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

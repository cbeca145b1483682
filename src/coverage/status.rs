//! The status of a control, typed; text only when serialised or rendered.

use serde::{Deserialize, Serialize};

/// A control's status over the in-scope envoys. Serialises as `covered`, `waived`,
/// `partial`, `uncovered` (the report schema); everything else matches on the variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Covered,
    Waived,
    Partial,
    Uncovered,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Covered,
        Status::Waived,
        Status::Partial,
        Status::Uncovered,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Covered => "covered",
            Status::Waived => "waived",
            Status::Partial => "partial",
            Status::Uncovered => "uncovered",
        }
    }

    /// The status written as `text` (a report read back, e.g. a baseline), if it is one.
    pub fn parse(text: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// How good a status is; a control regresses when its rank drops.
    pub fn rank(self) -> u8 {
        match self {
            Status::Uncovered => 0,
            Status::Partial => 1,
            Status::Waived => 2,
            Status::Covered => 3,
        }
    }

    /// docs/semantics.md (per control), from the per-envoy counts of one control.
    pub fn from_counts(covered: u64, waived: u64, in_scope: u64) -> Status {
        if in_scope > 0 && covered == in_scope {
            Status::Covered
        } else if in_scope > 0 && covered + waived == in_scope {
            Status::Waived
        } else if covered + waived > 0 {
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

//! Diagnostic codes.

/// Every diagnostic code, with its one-line description (docs/diagnostics.md has a heading
/// for each; a test keeps the two in step). Codes are stable: never rename one.
macro_rules! codes {
    ($($variant:ident = $code:literal: $desc:literal,)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $($variant,)* }
        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];
            pub fn as_str(self) -> &'static str { match self { $(Code::$variant => $code,)* } }
            pub fn description(self) -> &'static str { match self { $(Code::$variant => $desc,)* } }
        }
    };
}

codes! {
    YamlSyntax = "yaml-syntax": "A .vgo or catalog file is not valid YAML (or holds several documents, or repeats a key).",
    WrongType = "wrong-type": "A key has a value of the wrong type (e.g. a string where a list is expected).",
    UnknownKey = "unknown-key": "A key that vigocli validates strictly (waivers, catalogs, roles, vigocli.toml) is misspelt or unsupported.",
    MissingKey = "missing-key": "A required key is absent (a waiver's `owner:`, a match block's `match:`, an envoy's `hostname`, …).",
    NotUtf8 = "not-utf8": "An input file is not valid UTF-8.",
    UnreadableFile = "unreadable-file": "An input file cannot be read.",
    MissingPath = "missing-path": "A path given on the command line or in vigocli.toml does not exist.",
    InputTooLarge = "input-too-large": "An input file is larger than 256 MiB, the limit for one input file; it is not read.",
    OutsideRepository = "outside-repository": "A symbolic link in the repository, or a `[paths]` entry of vigocli.toml, resolves outside the repository; it is not followed.",
    NestingTooDeep = "nesting-too-deep": "A YAML, JSON or TOML input nests lists and mappings more than 64 levels deep.",
    NotARepository = "not-a-repository": "No --repo was given and the current directory is not a vigocli repository (no vigocli.toml, stacks/ or configcrates/).",
    OutputIsInput = "output-is-input": "An output file (--output, -o, --output-dir) is one of the command's inputs; nothing is written.",
    OutputExists = "output-exists": "The file `catalog import` would write already exists; nothing is written without --force.",
    BadArgument = "bad-argument": "A command-line value is malformed.",
    BadConfig = "bad-config": "vigocli.toml is invalid.",
    BadDate = "bad-date": "A date or timestamp does not parse (`expires`, `last_converged`, `checked_at`, `--as-of`, `SOURCE_DATE_EPOCH`).",
    BadGlob = "bad-glob": "A hostname glob (`match:` or a waiver's `envoys:`) is invalid.",
    NoConfigcrates = "no-configcrates": "The repository has no configcrates: --repo probably points at the wrong directory.",
    UnknownFramework = "unknown-framework": "A framework id or alias is not defined by any catalog.",
    UnknownControl = "unknown-control": "A control ID is not in the framework's catalog.",
    HeadingControl = "heading-control": "A control ID names a heading (a section, or a paragraph that only groups requirements), which is not assessable; the requirements under it are listed.",
    WithdrawnControl = "withdrawn-control": "A control ID names a withdrawn control; the control it was incorporated into is named.",
    AmbiguousControl = "ambiguous-control": "A control ID could name two different controls (`AU-12.1(ii)`: an SP 800-53A assessment objective of AU-12, or enhancement AU-12(1)); it is refused, never guessed.",
    UnknownCapability = "unknown-capability": "A capability (in `provides:` or a Connwaer result) is not defined by any capability catalog.",
    UnknownBundle = "unknown-bundle": "A bundle named in `bundle:` is not defined by any bundle catalog.",
    UnknownConfigcrate = "unknown-configcrate": "A configcrate name (in the envoy tree, a role or the inventory) is not defined.",
    UnknownRole = "unknown-role": "A role name (in the envoy tree or a role's `includes:`) is not defined.",
    RoleCycle = "role-cycle": "Roles include each other in a cycle.",
    DuplicateConfigcrate = "duplicate-configcrate": "Two configcrate files have the same name.",
    DuplicateRole = "duplicate-role": "A role is defined twice.",
    InvalidHostname = "invalid-hostname": "An inventory hostname contains whitespace or a control character.",
    DuplicateHostname = "duplicate-hostname": "The inventory lists one hostname twice (after revoked envoys are removed).",
    DuplicateFramework = "duplicate-framework": "Two catalogs define the same framework id or alias.",
    DuplicateControl = "duplicate-control": "A catalog lists a control id or alias twice.",
    DuplicateCatalogEntry = "duplicate-catalog-entry": "A capability or bundle is defined twice.",
    UnknownParent = "unknown-parent": "A catalog control names a parent that is not an earlier control.",
    BadCatalogFile = "bad-catalog-file": "A file in frameworks/ is neither a framework nor a capability/bundle catalog.",
    BadProfile = "bad-profile": "A framework has both `controls:` and `based_on:`.",
    BadMapping = "bad-mapping": "A mapping between frameworks (`mappings:` in a catalog file) is malformed, or `infer_from` names a framework no mapping leads from.",
    NoMapping = "no-mapping": "`compliance migrate-tags` names two frameworks that no mapping leads between (from --from to --to).",
    ProfileOfProfile = "profile-of-profile": "A profile is based on another profile.",
    BadImport = "bad-import": "A file given to `catalog import` (OSCAL JSON or CSV) is malformed: bad syntax, a control without an id, a duplicate id, an unknown or circular parent, a bad `assessable` value.",
    BadInventory = "bad-inventory": "An inventory file or record is malformed.",
    BadTrait = "bad-trait": "A Connwaer result is malformed (bad JSON, missing fields, status not pass/fail).",
    TraitPathMismatch = "trait-path-mismatch": "A per-file Connwaer result names another envoy or capability than its path.",
    BadWaiver = "bad-waiver": "A waiver's `control:` is malformed (no `framework:` prefix, or both `control` and `controls`).",
    BadEvidence = "bad-evidence": "An evidence record is malformed: a bad id, a kind without its field (path, url, audit_seq), accepted without a reviewer or a hash, expiry before collection, a path outside the repository.",
    DuplicateEvidence = "duplicate-evidence": "Two evidence records have the same id.",
    EvidenceChanged = "evidence-changed": "An accepted evidence record's document is no longer the one reviewed (the file's SHA-256 differs from the pinned one, the file is missing, or the audit entry is gone or the log is broken before it); it attests nothing.",
    EvidenceExpired = "evidence-expired": "An accepted evidence record's `expires` date is before the as-of date; it attests nothing.",
    EvidenceExpiring = "evidence-expiring": "An attesting evidence record expires within the notification window (30 days unless configured).",
    EvidenceNotAccepted = "evidence-not-accepted": "An evidence record is pending review, rejected, or collected after the as-of date; it attests nothing.",
    UnusedEvidence = "unused-evidence": "An attesting evidence record applies to no envoy (its `envoys:`/`labels:` filters match none).",
    EvidenceNotBundlable = "evidence-not-bundlable": "An evidence document cannot go into an audit bundle: its path becomes the same bundle name as another document's (names are compared ignoring case, and one cannot be both a file and a directory), its name is longer than a zip name may be, or the file changed while the bundle was made.",
    BadApplicability = "bad-applicability": "A `not_applicable:` decision is malformed or is not at the stacks root (stacks/waivers.vgo or stacks/compliance.vgo).",
    ApplicabilityLapsed = "applicability-lapsed": "An applicability decision's `review_by` date is before the as-of date; its controls count again.",
    ClaimedNotApplicable = "claimed-not-applicable": "A control declared not applicable is also claimed (tagged, provided or escalated): why claim what does not apply?",
    AssuredBelowMinimum = "assured-below-minimum": "`check`: a gated framework's assured_pct (covered + attested, waivers not counted) is below `min_assured` (vigocli.toml) or `--min-assured`.",
    WriteFailed = "write-failed": "An output file cannot be written.",
    RenderFailed = "render-failed": "An HTML template failed to render; this is a bug in vigocli, please report it.",
    MisplacedWaivers = "misplaced-waivers": "`waivers:` appears in a file that is not waivers.vgo or an envoy-tree compliance.vgo, so it is ignored.",
    UnusedWaiver = "unused-waiver": "An active waiver applies to no envoy.",
    ExpiredWaiver = "expired-waiver": "A waiver's `expires` date is before the as-of date; it applies to nothing.",
    UnassignedConfigcrate = "unassigned-configcrate": "A configcrate carries control tags but no envoy has it, so its claims count for nothing.",
    UnmatchedEnvoy = "unmatched-envoy": "An inventory envoy matches no block of the envoy tree.",
    EnvoyNotConverged = "envoy-not-converged": "An envoy's status is not `converged`.",
    StaleTrait = "stale-trait": "A Connwaer result is older than 24 hours before as-of, or undated; it is ignored.",
    FutureTrait = "future-trait": "A Connwaer result was checked after as-of; it is ignored.",
    UnknownTraitEnvoy = "unknown-trait-envoy": "A Connwaer result names a hostname that is not in the inventory; it is ignored.",
    ContradictedClaim = "contradicted-claim": "A configcrate claims a control on an envoy where a fresh Connwaer check of a capability mapped to that control failed.",
    NoEnvoysInScope = "no-envoys-in-scope": "No envoy is in the framework's scope, so every control is uncovered.",
    AuditLogInvalid = "audit-log-invalid": "The audit log fails verification (a link, a seq, a canonical line), so no entry is appended and no bundle is built.",
    BadHistory = "bad-history": "A line of a history file (`history/<framework>.jsonl`) is not a snapshot vigocli wrote: not JSON, another schema, a malformed field.",
    HistoryConflict = "history-conflict": "`compliance snapshot`: the history already holds a different snapshot of the framework for the same as_of; nothing is written.",
    RegressedTooLong = "regressed-too-long": "`check --max-regression-days N`: the framework's history shows controls regressed for more than N days.",
    NoHistory = "no-history": "`check --max-regression-days`: a gated framework has no history (`history/<framework>.jsonl`), so the gate cannot be evaluated.",
    HistoryUnverified = "history-unverified": "`compliance trend --verify`: a history line has no `snapshot` entry with its SHA-256 in the audit log (rewritten, added by hand, or its entry is missing).",
    AuditAppendFailed = "audit-append-failed": "An audit entry cannot be appended (unreadable or locked log, a time earlier than the last entry's, a malformed --details).",
    BadKey = "bad-key": "A signing or verification key file is not an ed25519 key in PEM.",
    PreviousBundleInvalid = "previous-bundle-invalid": "The --previous bundle does not verify or disagrees with the audit log.",
    FindingsTruncated = "findings-truncated": "More findings of one code than the report lists.",
    ExpiringWaiver = "expiring-waiver": "An active waiver expires within the notification window (30 days unless configured).",
    CoverageBelowMinimum = "coverage-below-minimum": "`check`: a gated framework's coverage_pct is below `min_coverage` (vigocli.toml) or `--min-coverage`.",
    CoveredBelowMinimum = "covered-below-minimum": "`check`: a gated framework's covered_pct (waivers not counted) is below `min_covered`.",
    MustCoverNotCovered = "must-cover-not-covered": "`check`: a control listed in `must_cover` is not covered on every in-scope envoy.",
    TooManyPartial = "too-many-partial": "`check`: more controls are partial than `max_partial` allows.",
    ControlRegressed = "control-regressed": "`check --baseline`: a control's status is worse than in the baseline report.",
    BadReport = "bad-report": "A file given to `check --baseline` or `diff` is not a vigocli JSON report (schema vigocli/compliance-report/v1).",
    PushFailed = "push-failed": "A GRC push was rejected by the endpoint, or the endpoint could not be reached after the retries.",
}

impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

//! Evidence records (`evidence/*.yaml`, docs/evidence.md): parsed strictly, then evaluated
//! as of the run — the review status, the dates and whether the document is still the
//! one that was reviewed (a file's SHA-256, an audit entry in a log that verifies) — and
//! finally applied to the envoys through filter classes.

use super::{InputLog, read_source, refs};
use crate::catalog::Catalog;
use crate::diag::{Code, Diagnostic, Diagnostics, Location};
use crate::model::{
    Evidence, EvidenceClass, EvidenceKind, EvidenceState, Mode, Model, ReviewStatus,
};
use crate::settings::Settings;
use crate::yaml::{self, Node, Reader, Value};
use globset::{GlobSet, GlobSetBuilder};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::path::{Component, Path, PathBuf};

/// The directory of evidence records, under the repository.
pub const DIR: &str = "evidence";

const KEYS: &[&str] = &[
    "id",
    "title",
    "controls",
    "kind",
    "path",
    "sha256",
    "url",
    "audit_seq",
    "collected",
    "expires",
    "owner",
    "status",
    "reviewed_by",
    "reviewed_at",
    "note",
    "envoys",
    "labels",
];

/// Which envoys a record applies to: hostname globs (any may match) and labels (all must).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Filter {
    pub globs: Vec<String>,
    pub labels: Vec<(String, String)>,
}

/// The records of every `evidence/*.yaml` file (not its subdirectories, where the
/// documents live), in path and file order, each with its filter (same index).
pub(super) fn load(
    settings: &Settings,
    catalog: &Catalog,
    inputs: &InputLog,
    diags: &mut Diagnostics,
) -> (Vec<Evidence>, Vec<Filter>) {
    let dir = settings.paths.repo.join(DIR);
    let files = super::sorted_files(
        settings,
        &dir,
        |p| matches!(super::ext(p), Some("yaml" | "yml")) && p.parent() == Some(dir.as_path()),
        diags,
    );
    // Files are parsed in parallel (thousands of records), then taken in path order.
    let parsed: Vec<Parsed> = files
        .par_iter()
        .map(|path| {
            let src = read_source(settings, path, inputs)?;
            let root = yaml::parse(&src)?;
            let mut r = Reader::new(&src);
            let records = parse_file(&mut r, &root, catalog);
            Ok((ids_of(&src, &root), records, r.diags))
        })
        .collect();
    let mut records = Vec::new();
    let mut ids = Vec::new();
    for p in parsed {
        match p {
            Ok((file_ids, file_records, file_diags)) => {
                ids.extend(file_ids);
                records.extend(file_records);
                diags.extend(file_diags);
            }
            Err(d) => diags.push(d),
        }
    }
    duplicates(&ids, diags);
    let as_of = settings.as_of.to_zoned(jiff::tz::TimeZone::UTC).date();
    let repo = settings.paths.repo.canonicalize().ok();
    let audit = AuditLog::new(settings, &records);
    let documents = inspect_documents(settings, repo.as_deref(), &records);
    let evaluated: Vec<(Result<Evidence, Diagnostic>, Filter)> = records
        .into_iter()
        .map(|(w, f)| (evaluate(w, settings, &documents, &audit, as_of), f))
        .collect();
    let mut out = Vec::new();
    let mut kept = Vec::new();
    for (e, f) in evaluated {
        match e {
            Ok(e) => {
                out.push(e);
                kept.push(f);
            }
            Err(d) => diags.push(d),
        }
    }
    (out, kept)
}

/// One evidence file: its ids with positions, its records, its diagnostics; or why it
/// could not be read or parsed.
type Parsed = Result<
    (
        Vec<(String, Location)>,
        Vec<(Written, Filter)>,
        Vec<Diagnostic>,
    ),
    Diagnostic,
>;

/// A record as written, every field checked, not yet evaluated.
pub(super) struct Written {
    pub evidence: Evidence,
    /// The node of `path:`, for positioned errors about the file.
    pub path_loc: Option<Location>,
}

/// The records of one parsed evidence file: the validator `check FILES` uses too.
pub(super) fn parse_file(
    r: &mut Reader<'_>,
    root: &Node,
    catalog: &Catalog,
) -> Vec<(Written, Filter)> {
    let Some(_) = r.strict_map(root, "an evidence file", &["evidence"]) else {
        return Vec::new();
    };
    let Some(list) = root.get("evidence") else {
        r.error(
            root,
            Code::MissingKey,
            "an evidence file has no `evidence:` list".into(),
            "start the file with `evidence:` and a list of records".into(),
        );
        return Vec::new();
    };
    let Value::Seq(items) = &list.value else {
        if !list.is_null() {
            r.error(
                list,
                Code::WrongType,
                format!("`evidence` must be a list, found {}", list.kind()),
                "write `- id: risk-assessment-2026` items".into(),
            );
        }
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|item| parse_record(r, item, catalog))
        .collect()
}

fn parse_record(r: &mut Reader<'_>, item: &Node, catalog: &Catalog) -> Option<(Written, Filter)> {
    r.strict_map(item, "an evidence record", KEYS)?;
    let before = r.diags.len();
    let what = "evidence record";
    let id = refs::required(
        r,
        item,
        "id",
        what,
        "give it a unique id of lower-case letters, digits and dashes, e.g. id: risk-assessment-2026",
    );
    if let (Some(id), Some(node)) = (&id, item.get("id"))
        && (id.is_empty()
            || !id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'))
    {
        r.error(
            node,
            Code::BadEvidence,
            format!("evidence id `{id}` may hold only lower-case letters, digits and `-`"),
            "e.g. id: risk-assessment-2026".into(),
        );
    }
    let title = refs::required(r, item, "title", what, "say what the document is");
    let owner = refs::required(
        r,
        item,
        "owner",
        what,
        "name who answers for the evidence, e.g. owner: \"security@example.com\"",
    );
    let refs_written: Vec<(String, &Node)> = match item.get("controls") {
        Some(n) => r.string_or_list(n, "controls"),
        None => {
            r.error(
                item,
                Code::MissingKey,
                "evidence record has no `controls:`".into(),
                "list the controls it proves, e.g. controls: [\"hipaa:164.308(a)(1)(ii)(A)\"]"
                    .into(),
            );
            Vec::new()
        }
    };
    if refs_written.is_empty()
        && let Some(n) = item.get("controls")
    {
        r.error(
            n,
            Code::BadEvidence,
            "an evidence record proves no control".into(),
            "list at least one control as `framework:ID`".into(),
        );
    }
    let controls = refs::resolve(
        r,
        &refs_written,
        catalog,
        "evidence record",
        Code::BadEvidence,
        false,
    );
    let kind = match item.get("kind") {
        None => {
            r.error(
                item,
                Code::MissingKey,
                "evidence record has no `kind:`".into(),
                "add `kind: file`, `kind: url` or `kind: audit-entry`".into(),
            );
            None
        }
        Some(n) => match r.string(n, "kind").as_deref() {
            Some("file") => Some(EvidenceKind::File),
            Some("url") => Some(EvidenceKind::Url),
            Some("audit-entry") => Some(EvidenceKind::AuditEntry),
            Some(other) => {
                r.error(
                    n,
                    Code::BadEvidence,
                    format!("`kind: {other}` is not a kind of evidence"),
                    "use `file`, `url` or `audit-entry`".into(),
                );
                None
            }
            None => None,
        },
    };
    let status = match item.get("status") {
        None => {
            r.error(
                item,
                Code::MissingKey,
                "evidence record has no `status:`".into(),
                "add `status: pending_review` (`vigocli evidence review` accepts or rejects it)"
                    .into(),
            );
            None
        }
        Some(n) => match r.string(n, "status").as_deref() {
            Some("pending_review") => Some(ReviewStatus::PendingReview),
            Some("accepted") => Some(ReviewStatus::Accepted),
            Some("rejected") => Some(ReviewStatus::Rejected),
            Some(other) => {
                r.error(
                    n,
                    Code::BadEvidence,
                    format!("`status: {other}` is not a review status"),
                    "use `pending_review`, `accepted` or `rejected`".into(),
                );
                None
            }
            None => None,
        },
    };
    let collected = refs::date(r, item, "collected", what, "2026-03-02");
    let expires = refs::date(r, item, "expires", what, "2027-03-02");
    if let (Some(c), Some(e), Some(n)) = (collected, expires, item.get("expires"))
        && e < c
    {
        r.error(
            n,
            Code::BadEvidence,
            format!("the record expires ({e}) before it was collected ({c})"),
            "`expires` is the end of the review cycle: a date after `collected`".into(),
        );
    }
    let optional = |r: &mut Reader<'_>, key: &str| item.get(key).and_then(|n| r.string(n, key));
    let path = optional(r, "path");
    let url = optional(r, "url");
    let sha256 = optional(r, "sha256").map(|s| s.to_ascii_lowercase());
    let reviewed_by = optional(r, "reviewed_by");
    let note = optional(r, "note");
    let reviewed_at = match item.get("reviewed_at") {
        Some(_) => refs::date(r, item, "reviewed_at", what, "2026-03-05"),
        None => None,
    };
    let audit_seq = item.get("audit_seq").and_then(|n| match &n.value {
        Value::Scalar(s, false) => match s.parse::<u64>() {
            Ok(v) => Some(v),
            Err(_) => {
                r.error(
                    n,
                    Code::BadEvidence,
                    format!("`audit_seq: {s}` is not an entry number"),
                    "give the `seq` of the audit-log entry, e.g. audit_seq: 1234".into(),
                );
                None
            }
        },
        _ => {
            r.error(
                n,
                Code::WrongType,
                format!("`audit_seq` must be a whole number, found {}", n.kind()),
                "write it unquoted, e.g. audit_seq: 1234".into(),
            );
            None
        }
    });
    if let (Some(s), Some(n)) = (&sha256, item.get("sha256"))
        && (s.len() != 64 || !s.bytes().all(|b| b.is_ascii_hexdigit()))
    {
        r.error(
            n,
            Code::BadEvidence,
            format!("`sha256: {s}` is not a SHA-256 digest"),
            "give 64 hexadecimal digits, as `sha256sum` prints them (or let `vigocli evidence review` pin it)".into(),
        );
    }
    // Each kind has its one field, and only that one.
    if let Some(kind) = kind {
        let fields: [(&str, bool, EvidenceKind); 3] = [
            ("path", path.is_some(), EvidenceKind::File),
            ("url", url.is_some(), EvidenceKind::Url),
            (
                "audit_seq",
                item.get("audit_seq").is_some(),
                EvidenceKind::AuditEntry,
            ),
        ];
        for (key, present, owner_kind) in fields {
            if present && owner_kind != kind {
                if let Some(n) = item.get(key) {
                    r.error(
                        n,
                        Code::BadEvidence,
                        format!(
                            "`{key}:` belongs to `kind: {}`, not `kind: {}`",
                            owner_kind.as_str(),
                            kind.as_str()
                        ),
                        format!("remove `{key}:` or change the kind"),
                    );
                }
            } else if !present && owner_kind == kind {
                r.error(
                    item,
                    Code::MissingKey,
                    format!("evidence record of kind {} has no `{key}:`", kind.as_str()),
                    match kind {
                        EvidenceKind::File => "give the document's repository-relative path, e.g. path: evidence/files/risk-assessment-2026.md",
                        EvidenceKind::Url => "give the document's address, e.g. url: \"https://…\"",
                        EvidenceKind::AuditEntry => "give the `seq` of the audit-log entry, e.g. audit_seq: 1234",
                    }
                    .into(),
                );
            }
        }
        if kind != EvidenceKind::File
            && let Some(n) = item.get("sha256")
        {
            r.error(
                n,
                Code::BadEvidence,
                format!(
                    "`sha256:` pins a file; a record of kind {} has none",
                    kind.as_str()
                ),
                "remove `sha256:`".into(),
            );
        }
    }
    if let (Some(u), Some(n)) = (&url, item.get("url"))
        && !(u.starts_with("https://") || u.starts_with("http://"))
    {
        r.error(
            n,
            Code::BadEvidence,
            format!("`url: {u}` is not an http(s) address"),
            "give the address where a reviewer can open the document, starting with https://"
                .into(),
        );
    }
    if let (Some(p), Some(n)) = (&path, item.get("path"))
        && let Some(why) = lexically_outside(p)
    {
        r.error(
            n,
            Code::BadEvidence,
            format!("evidence path `{p}` {why}"),
            "give a path relative to the repository root, inside it, e.g. evidence/files/policy.md"
                .into(),
        );
    }
    if let Some(status) = status
        && status != ReviewStatus::PendingReview
    {
        for (key, present) in [
            ("reviewed_by", reviewed_by.is_some()),
            ("reviewed_at", item.get("reviewed_at").is_some()),
        ] {
            if !present {
                r.error(
                    item,
                    Code::BadEvidence,
                    format!("a record with `status: {}` has no `{key}:`", status.as_str()),
                    "`vigocli evidence review ID --accept|--reject --reviewer WHO` records the review".into(),
                );
            }
        }
        if status == ReviewStatus::Accepted && kind == Some(EvidenceKind::File) && sha256.is_none()
        {
            r.error(
                item,
                Code::BadEvidence,
                "an accepted file record has no `sha256:`: nothing pins the document that was reviewed".into(),
                "accept it with `vigocli evidence review ID --accept --reviewer WHO`, which pins the file's hash".into(),
            );
        }
    }
    let globs: Vec<(String, &Node)> = item
        .get("envoys")
        .map(|n| r.string_or_list(n, "envoys"))
        .unwrap_or_default();
    for (g, n) in &globs {
        if let Err(e) = super::envoy_tree::compile_glob(g) {
            r.error(
                n,
                Code::BadGlob,
                format!("invalid hostname glob `{g}`: {e}"),
                "use `*`, `?` and `[...]`, e.g. \"db-*\"".into(),
            );
        }
    }
    let labels: BTreeMap<String, String> = item
        .get("labels")
        .map(|n| r.labels(n, "labels").into_iter().collect())
        .unwrap_or_default();
    if r.diags.len() > before {
        return None;
    }
    let (id, title, owner, kind, status, collected, expires) =
        (id?, title?, owner?, kind?, status?, collected?, expires?);
    let mut glob_list: Vec<String> = globs.into_iter().map(|(g, _)| g).collect();
    glob_list.sort();
    glob_list.dedup();
    let filter = Filter {
        globs: glob_list.clone(),
        labels: labels.clone().into_iter().collect(),
    };
    let evidence = Evidence {
        id,
        title,
        source: format!("{}:{}", r.file.display, item.line),
        loc: r.file.location(item.line, item.col),
        controls,
        kind,
        path,
        url,
        audit_seq,
        sha256,
        current_sha256: None,
        broken: None,
        collected,
        expires,
        days_left: 0,
        owner,
        status,
        reviewed_by,
        reviewed_at,
        note,
        envoys_glob: (!glob_list.is_empty()).then(|| glob_list.join(", ")),
        labels,
        state: EvidenceState::PendingReview,
        applied_envoys: 0,
    };
    let path_loc = item.get("path").map(|n| r.file.location(n.line, n.col));
    Some((Written { evidence, path_loc }, filter))
}

/// Why a written path cannot name a file inside the repository, judged on its text alone.
fn lexically_outside(p: &str) -> Option<&'static str> {
    let path = Path::new(p);
    if path.is_absolute()
        || p.starts_with('\\')
        || p.contains(':') && p.len() > 1 && p.as_bytes()[1] == b':'
    {
        return Some("is absolute");
    }
    if p.contains('\\') {
        return Some("uses `\\`; write `/` between directories");
    }
    if path.components().any(|c| {
        matches!(
            c,
            Component::ParentDir | Component::RootDir | Component::Prefix(_)
        )
    }) {
        return Some("leaves the repository (`..`)");
    }
    None
}

/// Every written `id:` of a file's records with its position, valid record or not, so that
/// a duplicate is reported in the same run as the records' other mistakes.
fn ids_of(src: &crate::yaml::SourceFile, root: &Node) -> Vec<(String, Location)> {
    let Some(Value::Seq(items)) = root.get("evidence").map(|l| &l.value) else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|item| match &item.get("id")?.value {
            Value::Scalar(id, _) => Some((id.clone(), src.location(item.line, item.col))),
            _ => None,
        })
        .collect()
}

fn duplicates(ids: &[(String, Location)], diags: &mut Diagnostics) {
    let mut first: HashMap<&str, &Location> = HashMap::new();
    for (id, loc) in ids {
        match first.get(id.as_str()) {
            Some(prev) => diags.push(
                Diagnostic::error(
                    Code::DuplicateEvidence,
                    format!("evidence id `{id}` is used twice"),
                )
                .at(loc.clone())
                .related((*prev).clone())
                .help(format!(
                    "the first record with this id is at {}:{}; give each record its own id",
                    prev.file, prev.line
                )),
            ),
            None => {
                first.insert(id, loc);
            }
        }
    }
}

/// The audit log, read once and only when a record names one of its entries: the leaf
/// hash of every entry that the log verifies up to.
struct AuditLog {
    leaves: Vec<String>,
    /// Why the log stops verifying where it does (None: it verifies to its end).
    broken: Option<String>,
}

impl AuditLog {
    fn new(settings: &Settings, records: &[(Written, Filter)]) -> AuditLog {
        let mut log = AuditLog {
            leaves: Vec::new(),
            broken: None,
        };
        if !records
            .iter()
            .any(|(w, _)| w.evidence.kind == EvidenceKind::AuditEntry)
        {
            return log;
        }
        use crate::audit::chain::{ReadError, log_files, scan_log};
        let path = &settings.paths.audit;
        let files = match log_files(path) {
            Ok(f) => f,
            Err(e) => {
                log.broken = Some(format!("the audit log cannot be read: {e}"));
                return log;
            }
        };
        match scan_log(&files, true) {
            Ok(l) => {
                log.leaves = l
                    .entries
                    .iter()
                    .map(|e| crate::hex::encode(&e.leaf))
                    .collect()
            }
            Err(ReadError::Io(p, e)) => {
                log.broken = Some(format!("`{}` cannot be read: {e}", p.display()));
            }
            Err(ReadError::Chain(e)) => {
                // Entries before the first bad one verify; re-read up to there.
                let good = e.seq.unwrap_or(0) as usize;
                log.broken = Some(format!(
                    "the audit log fails verification at entry {}: {}",
                    e.seq.map_or_else(|| "?".to_string(), |s| s.to_string()),
                    e.fault.what
                ));
                if let Ok(l) = scan_prefix(&files, good) {
                    log.leaves = l;
                }
            }
        }
        log
    }
}

/// The leaf hashes of the first `n` entries of a log whose later entries do not verify.
fn scan_prefix(files: &[PathBuf], n: usize) -> Result<Vec<String>, ()> {
    let mut v = crate::audit::chain::Verifier::new(crate::audit::chain::GENESIS, 0);
    let mut leaves = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(file).map_err(|_| ())?;
        for line in text.lines() {
            if leaves.len() == n {
                return Ok(leaves);
            }
            let e = v.push(line).map_err(|_| ())?;
            leaves.push(crate::hex::encode(&e.leaf));
        }
    }
    Ok(leaves)
}

/// What a document of kind file is as of the run, found once per distinct path.
enum Document {
    /// Nothing at the path.
    Missing,
    /// The path resolves outside the repository; it is not read.
    Outside,
    /// Its SHA-256, hex.
    Hashed(String),
    /// It cannot be hashed (not a regular file, unreadable): the diagnostic, positioned
    /// at each record that names it.
    Unreadable(Diagnostic),
}

/// Every distinct document the records name, each hashed once and all in parallel (with
/// the run's thread count): thousands of records over one document cost one hash.
fn inspect_documents(
    settings: &Settings,
    repo: Option<&Path>,
    records: &[(Written, Filter)],
) -> HashMap<PathBuf, Document> {
    let mut paths: Vec<PathBuf> = records
        .iter()
        .filter(|(w, _)| w.evidence.kind == EvidenceKind::File)
        .map(|(w, _)| document_path(settings, &w.evidence))
        .collect();
    paths.sort_unstable();
    paths.dedup();
    paths
        .into_par_iter()
        .map(|full| {
            let found = if std::fs::symlink_metadata(&full).is_err() {
                Document::Missing
            } else if !full
                .canonicalize()
                .ok()
                .zip(repo)
                .is_some_and(|(c, r)| c.starts_with(r))
            {
                Document::Outside
            } else {
                match settings.scope.hash_checked(&full) {
                    Ok(h) => Document::Hashed(crate::hex::encode(&h)),
                    Err(d) => Document::Unreadable(d),
                }
            };
            (full, found)
        })
        .collect()
}

/// Where a file record's document is: its path as written, under the repository.
fn document_path(settings: &Settings, e: &Evidence) -> PathBuf {
    settings
        .paths
        .repo
        .join(e.path.as_deref().unwrap_or_default())
}

/// Dates a record and checks that its document is intact.
fn evaluate(
    w: Written,
    settings: &Settings,
    documents: &HashMap<PathBuf, Document>,
    audit: &AuditLog,
    as_of: jiff::civil::Date,
) -> Result<Evidence, Diagnostic> {
    let mut e = w.evidence;
    e.days_left = match e.expires.since(as_of) {
        Ok(span) => i64::from(span.get_days()),
        Err(_) if e.expires < as_of => i64::MIN,
        Err(_) => i64::MAX,
    };
    // Intact: what the document hashes to now.
    match e.kind {
        EvidenceKind::File => {
            let written = e.path.clone().unwrap_or_default();
            match documents.get(&document_path(settings, &e)) {
                Some(Document::Hashed(h)) => e.current_sha256 = Some(h.clone()),
                Some(Document::Outside) => {
                    return Err(Diagnostic::error(
                        Code::BadEvidence,
                        format!("evidence path `{written}` resolves outside the repository; vigocli does not read it"),
                    )
                    .at_opt(w.path_loc.clone())
                    .help("copy the document into the repository (e.g. evidence/files/) and point `path:` at the copy"));
                }
                Some(Document::Unreadable(d)) => return Err(d.clone().at_opt(w.path_loc.clone())),
                Some(Document::Missing) | None => {
                    e.broken = Some(format!("`{written}` does not exist"));
                }
            }
            if e.broken.is_none() && e.sha256.is_some() && e.sha256 != e.current_sha256 {
                e.broken = Some(format!("`{written}` has changed since it was reviewed"));
            }
        }
        EvidenceKind::AuditEntry => {
            let seq = e.audit_seq.unwrap_or(u64::MAX);
            match usize::try_from(seq).ok().and_then(|s| audit.leaves.get(s)) {
                Some(leaf) => e.current_sha256 = Some(leaf.clone()),
                None => {
                    e.broken = Some(match &audit.broken {
                        Some(why) => format!("audit entry {seq} does not verify: {why}"),
                        None => format!("the audit log has no entry {seq}"),
                    })
                }
            }
        }
        EvidenceKind::Url => {}
    }
    let reviewed_in_time = e.reviewed_at.is_none_or(|d| d <= as_of);
    e.state = match e.status {
        ReviewStatus::PendingReview => EvidenceState::PendingReview,
        ReviewStatus::Rejected if reviewed_in_time => EvidenceState::Rejected,
        ReviewStatus::Rejected => EvidenceState::PendingReview,
        ReviewStatus::Accepted if !reviewed_in_time => EvidenceState::PendingReview,
        ReviewStatus::Accepted if e.broken.is_some() => EvidenceState::Changed,
        ReviewStatus::Accepted if e.days_left < 0 => EvidenceState::Expired,
        ReviewStatus::Accepted if e.collected > as_of => EvidenceState::NotYetCollected,
        ReviewStatus::Accepted if e.days_left <= settings.expiring_days => EvidenceState::Expiring,
        ReviewStatus::Accepted => EvidenceState::Attesting,
    };
    Ok(e)
}

/// Gives each envoy the classes of attesting records whose filter it matches (in declared
/// mode, every class: filters are not used), and counts each record's envoys. Records
/// with the same filter form one class; each distinct glob is compiled once into one
/// matcher for all, so the cost grows with hosts + filters, not their product.
pub(super) fn apply(model: &mut Model, filters: Vec<Filter>, diags: &mut Diagnostics) {
    let mut class_of: BTreeMap<&Filter, u32> = BTreeMap::new();
    let mut classes: Vec<(Filter, EvidenceClass)> = Vec::new();
    for (i, (e, f)) in model.evidence.iter().zip(&filters).enumerate() {
        if !e.state.attests() {
            continue;
        }
        let c = *class_of.entry(f).or_insert_with(|| {
            classes.push((f.clone(), EvidenceClass::default()));
            (classes.len() - 1) as u32
        });
        classes[c as usize].1.records.push(i as u32);
    }
    if classes.is_empty() {
        return;
    }
    let mut distinct: Vec<&str> = classes
        .iter()
        .flat_map(|(f, _)| f.globs.iter().map(String::as_str))
        .collect();
    distinct.sort_unstable();
    distinct.dedup();
    let mut builder = GlobSetBuilder::new();
    for g in &distinct {
        if let Ok(glob) = super::envoy_tree::compile_glob(g) {
            builder.add(glob);
        }
    }
    let set = builder.build().unwrap_or_else(|_| GlobSet::empty());
    let glob_ids: Vec<Vec<usize>> = classes
        .iter()
        .map(|(f, _)| {
            f.globs
                .iter()
                .filter_map(|g| distinct.binary_search(&g.as_str()).ok())
                .collect()
        })
        .collect();
    // Classes share few label filters: each distinct one is checked once per envoy. An
    // envoy then visits only the classes of the globs it matches and of the label filters
    // without globs it passes, never all of them (thousands of records make hundreds).
    let mut label_sets: Vec<&[(String, String)]> =
        classes.iter().map(|(f, _)| f.labels.as_slice()).collect();
    label_sets.sort_unstable();
    label_sets.dedup();
    let label_of: Vec<usize> = classes
        .iter()
        .map(|(f, _)| {
            label_sets
                .binary_search(&f.labels.as_slice())
                .unwrap_or_default()
        })
        .collect();
    let mut by_glob: Vec<Vec<u32>> = vec![Vec::new(); distinct.len()];
    let mut unglobbed: Vec<Vec<u32>> = vec![Vec::new(); label_sets.len()];
    for (c, ((f, _), ids)) in classes.iter().zip(&glob_ids).enumerate() {
        if f.globs.is_empty() {
            unglobbed[label_of[c]].push(c as u32);
        }
        for &g in ids {
            by_glob[g].push(c as u32);
        }
    }
    let declared = model.mode == Mode::Declared;
    let per_envoy: Vec<Vec<u32>> = model
        .envoys
        .par_iter()
        .map_init(
            || (Vec::new(), vec![false; label_sets.len()]),
            |(matched, label_hit), envoy| {
                if declared {
                    return (0..classes.len() as u32).collect();
                }
                for (hit, labels) in label_hit.iter_mut().zip(&label_sets) {
                    *hit = labels.iter().all(|(k, v)| envoy.labels.get(k) == Some(v));
                }
                let mut out: Vec<u32> = Vec::new();
                for (l, cs) in unglobbed.iter().enumerate() {
                    if label_hit[l] {
                        out.extend_from_slice(cs);
                    }
                }
                if !distinct.is_empty() {
                    set.matches_candidate_into(
                        &globset::Candidate::new(envoy.hostname.as_ref()),
                        matched,
                    );
                    for &g in matched.iter() {
                        out.extend(
                            by_glob[g]
                                .iter()
                                .filter(|&&c| label_hit[label_of[c as usize]]),
                        );
                    }
                }
                out.sort_unstable();
                out.dedup();
                out
            },
        )
        .collect();
    let mut envoys_per_class = vec![0usize; classes.len()];
    for (envoy, list) in model.envoys.iter_mut().zip(per_envoy) {
        for &c in &list {
            envoys_per_class[c as usize] += 1;
        }
        envoy.evidence = list;
    }
    for ((_, class), n) in classes.iter().zip(&envoys_per_class) {
        for &r in &class.records {
            model.evidence[r as usize].applied_envoys = *n;
        }
    }
    model.evidence_classes = classes.into_iter().map(|(_, c)| c).collect();
    for e in &model.evidence {
        if e.state.attests() && e.applied_envoys == 0 {
            diags.push(
                Diagnostic::warning(
                    Code::UnusedEvidence,
                    format!("evidence `{}` applies to no envoy", e.id),
                )
                .at(e.loc.clone())
                .help("check its `envoys:` globs and `labels:` filter"),
            );
        }
    }
}

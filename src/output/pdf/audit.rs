//! The PDF of an audit-log window (`audit export --format pdf`, docs/audit.md): the window,
//! its anchor and head (what `compliance verify` and a second export compare), then one row
//! per entry with its chain value, so a printed page can still be checked against the log.

use super::{Block, Document, Table};
use crate::audit::chain::{self, Entry, Hash};

/// What the window is: the log it was cut from and its bounds as the user gave them.
pub struct Window<'a> {
    pub log: &'a str,
    pub since: Option<&'a str>,
    pub until: Option<&'a str>,
    pub anchor: &'a Hash,
    pub head: &'a Hash,
}

pub fn document(window: &Window<'_>, entries: &[Entry]) -> Document {
    let first = entries.first().map(|e| e.seq);
    let seqs = match (first, entries.last().map(|e| e.seq)) {
        (Some(a), Some(b)) => format!("{} ({a}..={b})", entries.len()),
        _ => "0".to_string(),
    };
    let about = vec![
        ("Audit log".to_string(), window.log.to_string()),
        (
            "Since".to_string(),
            window.since.unwrap_or("the first entry").to_string(),
        ),
        (
            "Until".to_string(),
            window.until.unwrap_or("the last entry").to_string(),
        ),
        ("Entries".to_string(), seqs),
        (
            "Anchor".to_string(),
            format!(
                "{} (the chain value before the first entry)",
                chain::hex(window.anchor)
            ),
        ),
        (
            "Head".to_string(),
            format!(
                "{} (the chain value after the last entry)",
                chain::hex(window.head)
            ),
        ),
        (
            "Format".to_string(),
            "audit-chain/v1; the hashing rules are in docs/audit.md".to_string(),
        ),
    ];
    let rows = entries
        .iter()
        .map(|e| {
            let v: serde_json::Value = serde_json::from_str(&e.line).unwrap_or_default();
            let field = |k: &str| match v.get(k) {
                Some(serde_json::Value::String(s)) => s.clone(),
                Some(other) => other.to_string(),
                None => String::new(),
            };
            vec![
                e.seq.to_string(),
                crate::report::timestamp(e.ts),
                field("actor"),
                field("action"),
                field("target"),
                field("details"),
                chain::hex(&e.chain),
            ]
        })
        .collect();
    Document {
        title: "Audit log export".to_string(),
        blocks: vec![
            Block::Pairs(about),
            Block::Heading(format!("Entries ({})", entries.len())),
            Block::Table(Table {
                columns: vec![
                    ("Seq".into(), 0.45),
                    ("Time (UTC)".into(), 1.55),
                    ("Actor".into(), 1.3),
                    ("Action".into(), 1.2),
                    ("Target".into(), 1.3),
                    ("Details".into(), 1.7),
                    ("Chain".into(), 1.6),
                ],
                rows,
            }),
        ],
    }
}

//! Reading a whole log (one file, or a directory of rotated `*.jsonl` parts) and
//! verifying it from the genesis.

use super::*;
use std::path::{Path, PathBuf};

/// A verified log: every entry in order, with the chain before the first.
#[derive(Debug, Clone)]
pub struct Log {
    pub anchor: Hash,
    /// Every entry, unless read with `keep_entries = false`.
    pub entries: Vec<Entry>,
    pub count: usize,
    pub head: Hash,
}

/// The files of a log: a file, or a directory's `*.jsonl` in name order (rotated parts of
/// one chain).
pub fn log_files(path: &Path) -> std::io::Result<Vec<PathBuf>> {
    if !path.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(path)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl") && p.is_file())
        .collect();
    files.sort();
    Ok(files)
}

#[derive(Debug)]
pub enum ReadError {
    Io(PathBuf, std::io::Error),
    Chain(Box<ChainError>),
}

/// Splits text into lines; every line must end with a newline (a missing one means a
/// write was cut short).
pub fn lines(text: &str) -> Result<Vec<&str>, usize> {
    if text.is_empty() {
        return Ok(Vec::new());
    }
    let mut out: Vec<&str> = text.split('\n').collect();
    if out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
        Ok(out)
    } else {
        Err(out.len())
    }
}

/// Reads and verifies a whole log that starts at genesis, keeping every entry.
pub fn read_log(files: &[PathBuf]) -> Result<Log, ReadError> {
    scan_log(files, true)
}

/// Reads and verifies a whole log; `keep_entries = false` only counts them (less memory).
pub fn scan_log(files: &[PathBuf], keep_entries: bool) -> Result<Log, ReadError> {
    let mut v = Verifier::new(GENESIS, 0);
    let mut entries = Vec::new();
    let mut count = 0;
    for file in files {
        let bytes = std::fs::read(file).map_err(|e| ReadError::Io(file.clone(), e))?;
        let at = |line: usize, seq: Option<u64>, fault: Fault| {
            ReadError::Chain(Box::new(ChainError {
                origin: Origin {
                    file: file.clone(),
                    line,
                },
                seq,
                fault,
            }))
        };
        let text = String::from_utf8(bytes)
            .map_err(|e| at(0, None, Fault::new(format!("not UTF-8: {e}"))))?;
        let ls = lines(&text).map_err(|n| {
            at(
                n,
                None,
                Fault::new("last line has no newline (a write was cut short)"),
            )
        })?;
        for (i, line) in ls.into_iter().enumerate() {
            let e = v.push(line).map_err(|(seq, fault)| at(i + 1, seq, fault))?;
            count += 1;
            if keep_entries {
                entries.push(e);
            }
        }
    }
    Ok(Log {
        anchor: GENESIS,
        entries,
        count,
        head: v.prev,
    })
}

//! Appending entries under an exclusive lock, with the clock read inside the lock.

use super::*;
use std::io::{Read as _, Seek as _, SeekFrom, Write as _};
use std::path::{Path, PathBuf};

/// it has no extension (the default `audit/`), else a file.
pub fn append_target(path: &Path) -> std::io::Result<PathBuf> {
    if path.is_dir() || (!path.exists() && path.extension().is_none()) {
        if !path.exists() {
            std::fs::create_dir_all(path)?;
        }
        return Ok(log_files(path)?
            .pop()
            .unwrap_or_else(|| path.join("audit.jsonl")));
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    Ok(path.to_path_buf())
}

/// The last complete line of a file, read from its end.
fn last_line(f: &mut std::fs::File) -> std::io::Result<Option<String>> {
    let len = f.seek(SeekFrom::End(0))?;
    if len == 0 {
        return Ok(None);
    }
    let mut chunk = 4096u64;
    loop {
        let start = len.saturating_sub(chunk);
        f.seek(SeekFrom::Start(start))?;
        let mut buf = Vec::with_capacity((len - start) as usize);
        f.take(len - start).read_to_end(&mut buf)?;
        let body = buf.strip_suffix(b"\n").unwrap_or(&buf);
        if let Some(nl) = body.iter().rposition(|&b| b == b'\n') {
            return Ok(Some(String::from_utf8_lossy(&body[nl + 1..]).into_owned()));
        }
        if start == 0 {
            return Ok(Some(String::from_utf8_lossy(body).into_owned()));
        }
        chunk *= 4;
    }
}

/// Appends entries under an exclusive lock on the log file, so concurrent appenders
/// serialise. Returns the lines written. The new entries link to the file's last entry
/// (or, for a fresh file in a rotated directory, to the previous file's last entry).
pub fn append(path: &Path, entries: &[NewEntry]) -> Result<Vec<String>, String> {
    append_inner(path, entries, None)
}

/// Like [`append`], but every entry's time is `clock()` read once the lock is held: the
/// appender that gets the lock last also reads the clock last, so concurrent appenders
/// never write times out of order (docs/audit.md#appending).
pub fn append_with_clock(
    path: &Path,
    entries: &[NewEntry],
    clock: fn() -> Timestamp,
) -> Result<Vec<String>, String> {
    append_inner(path, entries, Some(clock))
}

/// An entry's time as written: whole seconds, truncated (never rounded up).
pub fn entry_time(t: Timestamp) -> Timestamp {
    t.round(
        jiff::TimestampRound::new()
            .smallest(jiff::Unit::Second)
            .mode(jiff::RoundMode::Trunc),
    )
    .unwrap_or(t)
}

fn append_inner(
    path: &Path,
    entries: &[NewEntry],
    clock: Option<fn() -> Timestamp>,
) -> Result<Vec<String>, String> {
    let target = append_target(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .read(true)
        .append(true)
        .open(&target)
        .map_err(|e| format!("cannot open `{}`: {e}", target.display()))?;
    f.lock()
        .map_err(|e| format!("cannot lock `{}`: {e}", target.display()))?;
    let io = |e: std::io::Error| format!("`{}`: {e}", target.display());
    let mut last = last_line(&mut f).map_err(io)?;
    if last.is_none() && path.is_dir() {
        // A new part of a rotated log continues the previous part's chain.
        let files = log_files(path).map_err(io)?;
        for prev in files.iter().rev().filter(|p| **p != target) {
            let mut pf = std::fs::File::open(prev).map_err(io)?;
            if let Some(l) = last_line(&mut pf).map_err(io)? {
                last = Some(l);
                break;
            }
        }
    }
    let len = f.seek(SeekFrom::End(0)).map_err(io)?;
    if len > 0 {
        f.seek(SeekFrom::Start(len - 1)).map_err(io)?;
        let mut b = [0u8; 1];
        f.read_exact(&mut b).map_err(io)?;
        if b[0] != b'\n' {
            return Err(format!(
                "`{}` ends without a newline (an earlier write was cut short); run `vigocli audit verify` and repair the last line",
                target.display()
            ));
        }
    }
    let (mut prev, mut seq, mut prev_ts) = match &last {
        None => (GENESIS, 0, None),
        Some(l) => {
            let e = parse_line(l).map_err(|f| {
                format!(
                    "the last entry of `{}` is invalid ({}); run `vigocli audit verify`",
                    target.display(),
                    f.what
                )
            })?;
            (e.chain, e.seq + 1, Some(e.ts))
        }
    };
    let now = clock.map(|c| entry_time(c()));
    let mut out = String::new();
    let mut written = Vec::with_capacity(entries.len());
    for e in entries {
        let ts = now.unwrap_or_else(|| entry_time(e.ts));
        if let Some(p) = prev_ts
            && ts < p
        {
            return Err(match now {
                Some(_) => format!(
                    "the clock ({}) is behind the last entry's time {}; check the system clock, or pass --as-of at or after it",
                    crate::report::timestamp(ts),
                    crate::report::timestamp(p)
                ),
                None => format!(
                    "the entry's time {} is earlier than the last entry's {}; pass --as-of at or after it",
                    crate::report::timestamp(ts),
                    crate::report::timestamp(p)
                ),
            });
        }
        let (line, chain) = make_line(&NewEntry { ts, ..e.clone() }, seq, &prev)?;
        out.push_str(&line);
        out.push('\n');
        written.push(line);
        prev = chain;
        seq += 1;
        prev_ts = Some(ts);
    }
    // One write, then fsync: a reader never sees half an entry unless the disk fails.
    f.write_all(out.as_bytes()).map_err(io)?;
    f.sync_data().map_err(io)?;
    Ok(written)
}

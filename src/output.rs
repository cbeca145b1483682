//! Writing output files atomically: a temporary file in the target's directory, renamed
//! over the target only once it is complete, so no reader ever sees half a report.

use std::io::Write as _;
use std::path::Path;

pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".vigocli-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Streams output into a temporary file in the target's directory through a buffer and
/// renames it over the target only when `fill` succeeded: bounded memory for large
/// exports, and still no half-written file. On error the temporary file is removed.
pub fn write_atomic_with<E>(
    path: &Path,
    fill: impl FnOnce(&mut dyn std::io::Write) -> Result<(), E>,
) -> Result<(), StreamError<E>> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let tmp = tempfile::Builder::new()
        .prefix(".vigocli-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(StreamError::Io)?;
    let mut out = std::io::BufWriter::with_capacity(1 << 16, tmp);
    fill(&mut out).map_err(StreamError::Fill)?;
    let tmp = out
        .into_inner()
        .map_err(|e| StreamError::Io(e.into_error()))?;
    tmp.as_file().sync_all().map_err(StreamError::Io)?;
    tmp.persist(path).map_err(|e| StreamError::Io(e.error))?;
    Ok(())
}

/// Why a streamed write failed: the file system, or the producer.
#[derive(Debug)]
pub enum StreamError<E> {
    Io(std::io::Error),
    Fill(E),
}

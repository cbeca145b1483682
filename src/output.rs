//! Writing output files atomically: a temporary file in the target's directory, renamed
//! over the target only once it is complete, so no reader ever sees half a report.

use std::io::Write as _;
use std::path::Path;

/// A temporary file beside `path`. Created with mode 0644 (less the umask), like any file a
/// command writes: reports are meant to be read by others (tempfile's default is 0600).
fn temp_beside(path: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    temp_beside_mode(path, 0o644)
}

fn temp_beside_mode(path: &Path, mode: u32) -> std::io::Result<tempfile::NamedTempFile> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".vigocli-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        builder.permissions(std::fs::Permissions::from_mode(mode));
    }
    #[cfg(not(unix))]
    let _ = mode;
    builder.tempfile_in(dir)
}

pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomic_mode(path, bytes, 0o644)
}

/// Like [`write_atomic`], for secrets: readable by the owner only, from the first byte.
pub fn write_atomic_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomic_mode(path, bytes, 0o600)
}

fn write_atomic_mode(path: &Path, bytes: &[u8], mode: u32) -> std::io::Result<()> {
    let mut tmp = temp_beside_mode(path, mode)?;
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
    let tmp = temp_beside(path).map_err(StreamError::Io)?;
    let mut out = std::io::BufWriter::with_capacity(1 << 16, tmp);
    fill(&mut out).map_err(StreamError::Fill)?;
    let tmp = out
        .into_inner()
        .map_err(|e| StreamError::Io(e.into_error()))?;
    tmp.as_file().sync_all().map_err(StreamError::Io)?;
    tmp.persist(path).map_err(|e| StreamError::Io(e.error))?;
    Ok(())
}

/// Writes `text` to stdout. A reader that has gone away (`vigocli … | head`) is not an
/// error: the rest of the output is dropped and the command ends with the exit code of its
/// outcome (docs/exit-codes.md). Any other write error is returned.
pub fn print_stdout(text: &str) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// Why a streamed write failed: the file system, or the producer.
#[derive(Debug)]
pub enum StreamError<E> {
    Io(std::io::Error),
    Fill(E),
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt as _;

    #[test]
    fn written_files_are_readable_by_others() {
        let dir = tempfile::tempdir().expect("tmp");
        let p = dir.path().join("r.json");
        super::write_atomic(&p, b"{}").expect("write");
        let mode = std::fs::metadata(&p).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode & 0o044, 0o044, "mode {mode:o}");
    }
}

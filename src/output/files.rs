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
    let dir = parent_of(path);
    sweep_stale(dir);
    let mut builder = tempfile::Builder::new();
    builder.prefix(TEMP_PREFIX).suffix(TEMP_SUFFIX);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        builder.permissions(std::fs::Permissions::from_mode(mode));
    }
    #[cfg(not(unix))]
    let _ = mode;
    let tmp = builder.tempfile_in(dir)?;
    // Held until the file is renamed and closed: tells a sweep in another process that
    // this temporary file is in use.
    tmp.as_file().lock()?;
    Ok(tmp)
}

fn parent_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Temporary files and staging directories are named `.vigocli-*.tmp`.
const TEMP_PREFIX: &str = ".vigocli-";
const TEMP_SUFFIX: &str = ".tmp";
/// A temporary entry untouched for this long, and not locked, was left by a process that
/// died (kill -9, power loss): the next write into its directory removes it.
pub const STALE_AFTER: std::time::Duration = std::time::Duration::from_secs(60 * 60);

/// Removes the `.vigocli-*.tmp` files and directories of `dir` that no live writer holds:
/// older than [`STALE_AFTER`] and not locked (every writer locks its temporary entry from
/// creation until it is renamed). Best effort: an entry that cannot be checked is kept.
pub fn sweep_stale(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let now = std::time::SystemTime::now();
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(name) = name.to_str() else { continue };
        if !(name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX)) {
            continue;
        }
        let path = e.path();
        // Never follow a symlink: only real files and directories of ours are removed.
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        let old = meta
            .modified()
            .ok()
            .and_then(|m| now.duration_since(m).ok())
            .is_some_and(|age| age > STALE_AFTER);
        if !old || !(meta.is_file() || meta.is_dir()) {
            continue;
        }
        let Ok(f) = std::fs::File::open(&path) else {
            continue;
        };
        if f.try_lock().is_err() {
            continue;
        }
        let _ = if meta.is_dir() {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
    }
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

/// The list of files a `report all` run wrote into its output directory.
pub const SITE_MANIFEST: &str = ".vigocli-site";

/// Replaces directory `dir` with one holding the files `fill` makes, as a whole: they are written
/// into a staging directory beside `dir`, which is then swapped in with one rename, so a
/// reader (or a run killed midway) sees the old site or the new one, never a mix.
///
/// Files vigocli did not write survive: every entry of the old `dir` that the old
/// [`SITE_MANIFEST`] does not list (and the new site does not overwrite) is hard-linked
/// (or copied) into the new one. Old files the manifest lists but the new run does not
/// write (e.g. `envoys-7.html` of a larger fleet) are removed. See docs/html-report.md.
///
/// The files are produced one at a time: `fill` calls `put(name, bytes)` for each, and each
/// is on disk (in the staging directory) before the next is made, so a large site is never
/// held whole. If `fill` fails, nothing replaces `dir`.
pub fn write_site_with<E>(
    dir: &Path,
    fill: impl FnOnce(&mut dyn FnMut(&str, &[u8]) -> std::io::Result<()>) -> Result<(), E>,
) -> Result<(), StreamError<E>> {
    use std::io::{Error, ErrorKind};
    if std::fs::symlink_metadata(dir).is_err() {
        std::fs::create_dir_all(dir)?;
    }
    // The real directory (through symlinks), so that its parent is a real directory too.
    let dir = std::fs::canonicalize(dir)?;
    if !dir.is_dir() {
        return Err(Error::new(ErrorKind::AlreadyExists, "exists and is not a directory").into());
    }
    // Replacing the directory a shell (or this process) is in would strand it in a deleted
    // directory; `--output-dir .` is refused rather than swapped.
    if std::env::current_dir()
        .and_then(std::fs::canonicalize)
        .is_ok_and(|cwd| cwd.starts_with(&dir))
    {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            "it is the current directory or one of its parents; `report all` replaces its output directory as a whole, so pass a subdirectory such as site/",
        ).into());
    }
    let parent = dir
        .parent()
        .ok_or_else(|| Error::new(ErrorKind::InvalidInput, "cannot replace the root directory"))?;
    sweep_stale(parent);
    let staging = Staging::create(parent)?;
    let mut written: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    let mut put = |name: &str, bytes: &[u8]| -> std::io::Result<()> {
        let mut f = std::fs::File::create_new(staging.path.join(name))?;
        f.write_all(bytes)?;
        f.sync_all()?;
        written.insert(name.to_string());
        Ok(())
    };
    fill(&mut put).map_err(StreamError::Fill)?;
    let mut manifest = String::from(
        "# Files written by `vigocli compliance report all`; the next run replaces exactly these.\n",
    );
    for name in &written {
        manifest.push_str(name);
        manifest.push('\n');
    }
    std::fs::write(staging.path.join(SITE_MANIFEST), manifest)?;
    let ours: std::collections::BTreeSet<String> = std::fs::read_to_string(dir.join(SITE_MANIFEST))
        .map(|m| {
            m.lines()
                .filter(|l| !l.starts_with('#') && !l.is_empty())
                .map(String::from)
                .collect()
        })
        .unwrap_or_default();
    for e in std::fs::read_dir(&dir)? {
        let e = e?;
        let name = e.file_name();
        let keep = name
            .to_str()
            .is_none_or(|n| n != SITE_MANIFEST && !ours.contains(n) && !written.contains(n));
        if keep {
            link_tree(&e.path(), &staging.path.join(&name))?;
        }
    }
    #[cfg(unix)]
    {
        let mode = std::fs::metadata(&dir)?.permissions();
        std::fs::set_permissions(&staging.path, mode)?;
    }
    sync_dir(&staging.path);
    swap_dirs(&staging.path, &dir)?;
    // `staging.path` now holds the old site; dropping `staging` removes it.
    sync_dir(parent);
    Ok(())
}

/// A `.vigocli-*.tmp` directory, locked while this process uses it and removed on drop.
struct Staging {
    path: std::path::PathBuf,
    _lock: std::fs::File,
}

impl Staging {
    fn create(parent: &Path) -> std::io::Result<Staging> {
        let pid = std::process::id();
        for attempt in 0u32..100 {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.subsec_nanos());
            let path = parent.join(format!(
                "{TEMP_PREFIX}site-{pid}-{nanos}-{attempt}{TEMP_SUFFIX}"
            ));
            match std::fs::create_dir(&path) {
                Ok(()) => {
                    let lock = std::fs::File::open(&path)?;
                    lock.lock()?;
                    return Ok(Staging { path, _lock: lock });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
        Err(std::io::Error::other("cannot create a staging directory"))
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// Recreates `from` at `to`: directories entry by entry, files as hard links (copies
/// across file systems), symlinks as symlinks. Other kinds of file are left out.
fn link_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    let meta = std::fs::symlink_metadata(from)?;
    if meta.is_dir() {
        std::fs::create_dir(to)?;
        std::fs::set_permissions(to, meta.permissions())?;
        for e in std::fs::read_dir(from)? {
            let e = e?;
            link_tree(&e.path(), &to.join(e.file_name()))?;
        }
    } else if meta.is_file() {
        if std::fs::hard_link(from, to).is_err() {
            std::fs::copy(from, to)?;
        }
    } else if meta.file_type().is_symlink() {
        #[cfg(unix)]
        std::os::unix::fs::symlink(std::fs::read_link(from)?, to)?;
    }
    Ok(())
}

/// Exchanges two directories: atomically where the kernel can (Linux `renameat2`), else
/// by two renames (for an instant `b` does not exist; the old site is never half-written).
fn swap_dirs(a: &Path, b: &Path) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
            Ok(()) => return Ok(()),
            // Not supported by this file system or kernel: fall back.
            Err(e) if e == rustix::io::Errno::INVAL || e == rustix::io::Errno::NOSYS => {}
            Err(e) => return Err(e.into()),
        }
    }
    let aside = a.with_extension("old.tmp");
    std::fs::rename(b, &aside)?;
    if let Err(e) = std::fs::rename(a, b) {
        let _ = std::fs::rename(&aside, b);
        return Err(e);
    }
    std::fs::rename(&aside, a)
}

fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Why a streamed write failed: the file system, or the producer.
#[derive(Debug)]
pub enum StreamError<E> {
    Io(std::io::Error),
    Fill(E),
}

impl<E> From<std::io::Error> for StreamError<E> {
    fn from(e: std::io::Error) -> Self {
        StreamError::Io(e)
    }
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

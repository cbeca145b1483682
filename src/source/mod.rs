//! How every input file is found and read (docs/file-formats.md § How inputs are read).
//!
//! One set of rules for every loader, so that no input is ever skipped in silence:
//! a file or directory that cannot be read or walked is an error naming it; only regular
//! files are read (a directory, FIFO, socket or device where a file is expected is an
//! error, and a FIFO is opened non-blocking so nothing ever waits on it); no file is read
//! past [`MAX_INPUT_BYTES`]; symbolic links are followed only while they stay inside the
//! repository (or inside a path given on the command line), so no diagnostic ever quotes a
//! file from elsewhere. Every file read and every directory walked is remembered by
//! identity (device and inode), so that no output of the same run can overwrite an input
//! ([`refuse_overwriting_inputs`]).

mod inputs;
mod nesting;
mod position;

pub use inputs::{note_input, refuse_overwriting_inputs};
pub use nesting::{json_too_deep, toml_too_deep};
pub use position::{LineIndex, line_col};

use crate::diag::{Code, Diagnostic, Location};
use inputs::note;
use std::io::Read as _;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// The largest input file vigocli reads: 256 MiB.
pub const MAX_INPUT_BYTES: u64 = 256 * 1024 * 1024;

/// The deepest nesting of lists and mappings (YAML), arrays and objects (JSON) or arrays
/// and inline tables (TOML) in an input file.
pub const MAX_NESTING: usize = 64;

/// Where inputs may live, and how their paths are shown.
#[derive(Debug, Clone)]
pub struct Scope {
    /// Paths in diagnostics are shown relative to this directory (the repository).
    base: Option<PathBuf>,
    /// Canonical directories (or files) an input may resolve into; `None`: anywhere.
    allowed: Option<Vec<PathBuf>>,
}

impl Scope {
    /// Inputs of a repository: inside it, or inside one of the `trusted` paths (given on
    /// the command line, so chosen by the user, not by the repository's content).
    pub fn repository(repo: &Path, trusted: &[PathBuf]) -> Scope {
        let allowed = std::iter::once(repo)
            .chain(trusted.iter().map(PathBuf::as_path))
            .filter_map(|p| p.canonicalize().ok())
            .collect();
        Scope {
            base: Some(repo.to_path_buf()),
            allowed: Some(allowed),
        }
    }

    /// Files named on the command line outside any repository (`compliance diff`): links
    /// may point anywhere, every other rule holds.
    pub fn anywhere() -> Scope {
        Scope {
            base: None,
            allowed: None,
        }
    }

    pub fn display(&self, path: &Path) -> String {
        match &self.base {
            Some(base) => display_path(base, path),
            None => path.display().to_string(),
        }
    }

    fn allows(&self, canonical: &Path) -> bool {
        self.allowed
            .as_ref()
            .is_none_or(|roots| roots.iter().any(|r| canonical.starts_with(r)))
    }

    /// Whether `path` exists (a dangling link exists: it is an error to read, not absent).
    pub fn exists(path: &Path) -> bool {
        std::fs::symlink_metadata(path).is_ok()
    }

    /// Checks that `path` (which exists) resolves inside the scope.
    pub fn check_inside(&self, path: &Path) -> Result<(), Diagnostic> {
        if self.allowed.is_none() {
            return Ok(());
        }
        match path.canonicalize() {
            Ok(canon) if self.allows(&canon) => Ok(()),
            Ok(canon) => Err(self.outside(path, &canon)),
            Err(e) => Err(self.unresolvable(path, &e)),
        }
    }

    /// The first symbolic link on the way from the scope's base to `path`, and its target.
    fn first_link(&self, path: &Path) -> Option<(PathBuf, PathBuf)> {
        let mut acc = PathBuf::new();
        for c in path.components() {
            acc.push(c);
            let inside_base = self.base.as_ref().is_none_or(|b| acc.starts_with(b));
            if inside_base
                && std::fs::symlink_metadata(&acc).is_ok_and(|m| m.file_type().is_symlink())
            {
                let target = std::fs::read_link(&acc).ok()?;
                return Some((acc, target));
            }
        }
        None
    }

    fn outside(&self, path: &Path, canonical: &Path) -> Diagnostic {
        let (msg, file) = match self.first_link(path) {
            Some((link, target)) => {
                let shown = self.display(&link);
                let resolved = if target == canonical {
                    String::new()
                } else {
                    format!(", which resolves to `{}`", canonical.display())
                };
                (
                    format!(
                        "`{shown}` is a symbolic link to `{}`{resolved}, outside the repository; vigocli does not follow it",
                        target.display()
                    ),
                    shown,
                )
            }
            None => {
                let shown = self.display(path);
                (
                    format!(
                        "`{shown}` resolves to `{}`, outside the repository; vigocli does not read it",
                        canonical.display()
                    ),
                    shown,
                )
            }
        };
        Diagnostic::error(Code::OutsideRepository, msg)
            .at(Location::file_only(&Arc::from(file.as_str())))
            .help("copy the file into the repository, or pass it on the command line (--inventory, --traits) if you mean to read it from there")
    }

    fn unresolvable(&self, path: &Path, e: &std::io::Error) -> Diagnostic {
        let shown = self.display(path);
        let msg = match self.first_link(path) {
            Some((link, target)) => {
                let link_shown = self.display(&link);
                // A dangling link that points out of the repository is still refused as such.
                let from = match (
                    link.parent().and_then(|p| p.canonicalize().ok()),
                    link.file_name(),
                ) {
                    (Some(parent), Some(name)) => parent.join(name),
                    _ => link.clone(),
                };
                if !self.allows(&lexical_target(&from, &target)) {
                    return Diagnostic::error(
                        Code::OutsideRepository,
                        format!(
                            "`{link_shown}` is a symbolic link to `{}`, outside the repository; vigocli does not follow it",
                            target.display()
                        ),
                    )
                    .at(Location::file_only(&Arc::from(link_shown.as_str())))
                    .help("copy the file into the repository, or remove the link");
                }
                format!(
                    "cannot read `{shown}`: `{link_shown}` is a symbolic link to `{}`, which does not resolve ({e})",
                    target.display()
                )
            }
            None => format!("cannot read `{shown}`: {e}"),
        };
        Diagnostic::error(Code::UnreadableFile, msg)
            .at(Location::file_only(&Arc::from(shown.as_str())))
            .help("fix or remove the link, or restore the file it points to")
    }

    fn unreadable(&self, path: &Path, what: String, help: &str) -> Diagnostic {
        let shown = self.display(path);
        Diagnostic::error(
            Code::UnreadableFile,
            format!("cannot read `{shown}`: {what}"),
        )
        .at(Location::file_only(&Arc::from(shown.as_str())))
        .help(help.to_string())
    }

    /// Reads an input file named by a path (a default path, a path from vigocli.toml or the
    /// command line): it must resolve inside the scope.
    pub fn read(&self, path: &Path) -> Result<Vec<u8>, Diagnostic> {
        if Self::exists(path) {
            self.check_inside(path)?;
        }
        self.read_checked(path)
    }

    /// Reads a file found by [`Scope::walk`] (already known to be inside the scope).
    pub fn read_checked(&self, path: &Path) -> Result<Vec<u8>, Diagnostic> {
        let meta = std::fs::metadata(path).map_err(|e| {
            if std::fs::symlink_metadata(path).is_ok() {
                self.unresolvable(path, &e)
            } else {
                self.unreadable(
                    path,
                    e.to_string(),
                    "check that the file exists and is readable",
                )
            }
        })?;
        self.regular(path, &meta)?;
        let file = open_nonblocking(path).map_err(|e| {
            self.unreadable(
                path,
                e.to_string(),
                "check that the file exists and is readable",
            )
        })?;
        // The path may have changed between the two looks: trust only the open file.
        let meta = file
            .metadata()
            .map_err(|e| self.unreadable(path, e.to_string(), "check that the file is readable"))?;
        self.regular(path, &meta)?;
        let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
        file.take(MAX_INPUT_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| self.unreadable(path, e.to_string(), "check that the file is readable"))?;
        if bytes.len() as u64 > MAX_INPUT_BYTES {
            return Err(self.too_large(path));
        }
        note(&meta, &self.display(path), false);
        Ok(bytes)
    }

    /// The SHA-256 of a file found inside the scope, read as a stream (no size limit:
    /// evidence documents may be large) under the other rules every input follows: a
    /// regular file, opened without blocking, the open file checked again.
    pub fn hash_checked(&self, path: &Path) -> Result<[u8; 32], Diagnostic> {
        use sha2::Digest as _;
        let unreadable = |e: std::io::Error| {
            self.unreadable(
                path,
                e.to_string(),
                "check that the file exists and is readable",
            )
        };
        let meta = std::fs::metadata(path).map_err(unreadable)?;
        if let Some(kind) = not_regular(&meta) {
            return Err(self.unreadable(
                path,
                format!("it is {kind}, not a regular file"),
                "point the record at a regular file",
            ));
        }
        let mut file = open_nonblocking(path).map_err(unreadable)?;
        let meta = file.metadata().map_err(unreadable)?;
        if let Some(kind) = not_regular(&meta) {
            return Err(self.unreadable(
                path,
                format!("it is {kind}, not a regular file"),
                "point the record at a regular file",
            ));
        }
        let mut hasher = sha2::Sha256::new();
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = match file.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    return Err(unreadable(e));
                }
                Err(e) => return Err(unreadable(e)),
            };
            hasher.update(&buf[..n]);
        }
        Ok(hasher.finalize().into())
    }

    /// Only regular files of at most [`MAX_INPUT_BYTES`] are read.
    fn regular(&self, path: &Path, meta: &std::fs::Metadata) -> Result<(), Diagnostic> {
        if let Some(kind) = not_regular(meta) {
            return Err(self.unreadable(
                path,
                format!("it is {kind}, not a regular file"),
                "vigocli reads only regular files: replace it with a file, or rename it so that vigocli does not take it for an input",
            ));
        }
        if meta.len() > MAX_INPUT_BYTES {
            return Err(self.too_large(path));
        }
        Ok(())
    }

    fn too_large(&self, path: &Path) -> Diagnostic {
        let shown = self.display(path);
        Diagnostic::error(
            Code::InputTooLarge,
            format!(
                "`{shown}` is larger than {} MiB, the limit for one input file; it was not read",
                MAX_INPUT_BYTES / (1024 * 1024)
            ),
        )
        .at(Location::file_only(&Arc::from(shown.as_str())))
        .help("split it into several files (an inventory directory may hold many JSONL files)")
    }

    /// Every entry under `root` (recursively, hidden entries skipped) accepted by `keep`,
    /// in path order. Entries `keep` accepts that are not regular files are returned too, so
    /// that reading them reports what they are. Every directory that cannot be walked, and
    /// every link that leaves the scope or dangles, is a diagnostic. A missing `root` is
    /// empty (the caller decides whether that is an error).
    pub fn walk(
        &self,
        root: &Path,
        keep: impl Fn(&Path) -> bool,
        diags: &mut Vec<Diagnostic>,
    ) -> Vec<PathBuf> {
        if !Self::exists(root) {
            return Vec::new();
        }
        if let Err(d) = self.check_inside(root) {
            diags.push(d);
            return Vec::new();
        }
        match std::fs::metadata(root) {
            Ok(m) if m.is_dir() => note(&m, &self.display(root), true),
            Ok(m) => {
                let kind = not_regular(&m).unwrap_or("a file");
                diags.push(self.unreadable(
                    root,
                    format!("it is {kind}, not a directory"),
                    "make it a directory, or point the setting at a directory",
                ));
                return Vec::new();
            }
            Err(e) => {
                diags.push(self.unresolvable(root, &e));
                return Vec::new();
            }
        }
        let mut link_errors = Vec::new();
        let mut out = Vec::new();
        let walker = walkdir::WalkDir::new(root)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                if e.depth() > 0 && e.file_name().to_string_lossy().starts_with('.') {
                    return false;
                }
                if e.depth() > 0
                    && e.path_is_symlink()
                    && let Err(d) = self.check_inside(e.path())
                {
                    link_errors.push(d);
                    return false;
                }
                true
            });
        for entry in walker {
            match entry {
                Ok(e) => {
                    if e.depth() > 0 && keep(e.path()) {
                        out.push(e.into_path());
                    }
                }
                Err(e) => {
                    let path = e.path().unwrap_or(root).to_path_buf();
                    let d = if let Some(ancestor) = e.loop_ancestor() {
                        self.unreadable(
                            &path,
                            format!("it links back to `{}`, a loop", self.display(ancestor)),
                            "remove the link that makes the loop",
                        )
                    } else {
                        let io = e
                            .io_error()
                            .map(|io| std::io::Error::new(io.kind(), io.to_string()))
                            .unwrap_or_else(|| std::io::Error::other(e.to_string()));
                        if std::fs::symlink_metadata(&path)
                            .is_ok_and(|m| m.file_type().is_symlink())
                        {
                            self.unresolvable(&path, &io)
                        } else {
                            self.unreadable(
                                &path,
                                io.to_string(),
                                "check that the directory can be listed and its files read",
                            )
                        }
                    };
                    diags.push(d);
                }
            }
        }
        diags.append(&mut link_errors);
        out.sort();
        out
    }
}

/// What a non-regular file is, for a message.
fn not_regular(meta: &std::fs::Metadata) -> Option<&'static str> {
    use std::os::unix::fs::FileTypeExt as _;
    let t = meta.file_type();
    if t.is_file() {
        None
    } else if t.is_dir() {
        Some("a directory")
    } else if t.is_fifo() {
        Some("a FIFO (named pipe)")
    } else if t.is_socket() {
        Some("a socket")
    } else if t.is_char_device() || t.is_block_device() {
        Some("a device")
    } else {
        Some("not a regular file")
    }
}

/// Opening a FIFO for reading waits for a writer unless it is opened non-blocking.
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt as _;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

/// Where a link points, without touching the file system (`..` resolved by name).
fn lexical_target(link: &Path, target: &Path) -> PathBuf {
    let joined = match link.parent() {
        Some(parent) if target.is_relative() => parent.join(target),
        _ => target.to_path_buf(),
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Paths relative to the repository, with `/` separators, for diagnostics and reports.
pub fn display_path(repo: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(repo).unwrap_or(path);
    let s: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let joined = s.join("/");
    if joined.is_empty() {
        ".".into()
    } else {
        joined
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_depth_ignores_strings() {
        let deep = format!("{}{}", "[".repeat(65), "]".repeat(65));
        assert_eq!(json_too_deep(&deep, false), Some(64));
        let quoted = format!("[\"{}\"]", "[".repeat(100));
        assert_eq!(json_too_deep(&quoted, false), None);
        let lines = format!(
            "{0}\n{0}\n",
            format!("{}{}", "[".repeat(40), "]".repeat(30))
        );
        assert_eq!(json_too_deep(&lines, true), None);
        // Line by line: the offset is in the whole text, a string cut by a newline ends.
        let first = "{\"a\": \"[[[\n";
        let deep = format!("{first}{}{}\n", "[".repeat(65), "]".repeat(65));
        assert_eq!(json_too_deep(&deep, true), Some(first.len() + 64));
        assert_eq!(json_too_deep(&deep, false), None);
    }

    #[test]
    fn toml_depth_skips_headers_strings_and_comments() {
        let ok = "[a.b]\nx = \"[[[[\" # [[[[\ny = '''\n[[[\n'''\n[[t]]\nz = [[1], {a = [2]}]\n";
        assert_eq!(toml_too_deep(ok), None);
        let deep = format!("x = {}{}\n", "[".repeat(65), "]".repeat(65));
        assert_eq!(toml_too_deep(&deep), Some(4 + 64));
    }

    #[test]
    fn lexical_targets() {
        assert_eq!(
            lexical_target(Path::new("/r/a/link"), Path::new("../b/f")),
            PathBuf::from("/r/b/f")
        );
        assert_eq!(
            lexical_target(Path::new("/r/a/link"), Path::new("/etc/x")),
            PathBuf::from("/etc/x")
        );
    }
}

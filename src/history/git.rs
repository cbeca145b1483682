//! `trend --from-git` (docs/history.md § From git): the series rebuilt from the repository's
//! own commits, one evaluation per day at the last commit of that day.
//!
//! Git is read with the `git` binary (`git log`, `git rev-parse`, `git archive`): it reads
//! objects only, so the working tree, the index and the refs are never touched, and it
//! understands every repository format git itself does (packs, alternates, partial clones,
//! SHA-256 object names), which a reimplementation would have to chase. Each worker exports
//! the first commit of its run of days with `git archive` into a temporary directory, then
//! brings it to each next commit by writing only the files that changed ([`Worktree`]);
//! each copy is evaluated like any checkout. Days whose tree equals the previous picked
//! day's reuse its evaluation.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A commit picked for a day: the day (UTC), the commit, its committer time and its tree
/// (of the repository's directory).
#[derive(Debug, Clone)]
pub struct DayCommit {
    pub day: String,
    pub commit: String,
    pub time: jiff::Timestamp,
    pub tree: String,
}

fn git(repo: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "`git {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    String::from_utf8(out.stdout).map_err(|_| format!("`git {}` printed non-UTF-8", args.join(" ")))
}

/// The repository's directory inside its git work tree (`""` at the top, else `a/b/`).
pub fn prefix(repo: &Path) -> Result<String, String> {
    Ok(git(repo, &["rev-parse", "--show-prefix"])?
        .trim()
        .to_string())
}

/// The last commit of each UTC day in `[since, until]` on the first-parent history of HEAD,
/// by committer date, oldest day first.
pub fn day_commits(repo: &Path, since: &str, until: &str) -> Result<Vec<DayCommit>, String> {
    let log = git(repo, &["log", "--first-parent", "--format=%H %ct", "HEAD"])?;
    let prefix = prefix(repo)?;
    let mut by_day: std::collections::BTreeMap<String, (i64, String)> = Default::default();
    for line in log.lines() {
        let Some((commit, ct)) = line.split_once(' ') else {
            continue;
        };
        let Ok(secs) = ct.parse::<i64>() else {
            continue;
        };
        let Ok(t) = jiff::Timestamp::from_second(secs) else {
            continue;
        };
        let day = t.to_zoned(jiff::tz::TimeZone::UTC).date().to_string();
        if day.as_str() < since || day.as_str() > until {
            continue;
        }
        let e = by_day.entry(day).or_insert((secs, commit.to_string()));
        if secs > e.0 {
            *e = (secs, commit.to_string());
        }
    }
    by_day
        .into_iter()
        .map(|(day, (secs, commit))| {
            let tree = git(repo, &["rev-parse", &format!("{commit}:{prefix}")])?
                .trim()
                .to_string();
            Ok(DayCommit {
                day,
                time: jiff::Timestamp::from_second(secs).map_err(|e| e.to_string())?,
                commit,
                tree,
            })
        })
        .collect()
}

/// Exports the repository's directory at `commit` into `dest` (which must exist).
pub fn export(repo: &Path, commit: &str, dest: &Path) -> Result<(), String> {
    let prefix = prefix(repo)?;
    let spec = if prefix.is_empty() {
        commit.to_string()
    } else {
        format!("{commit}:{prefix}")
    };
    let mut archive = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(["archive", "--format=tar", &spec])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run git: {e}"))?;
    let stdout = archive.stdout.take().ok_or("git archive has no output")?;
    let tar = Command::new("tar")
        .arg("-x")
        .arg("-C")
        .arg(dest)
        .stdin(stdout)
        .output()
        .map_err(|e| format!("cannot run tar: {e}"))?;
    let git_status = archive.wait().map_err(|e| e.to_string())?;
    if !git_status.success() {
        return Err(format!("`git archive {spec}` failed"));
    }
    if !tar.status.success() {
        return Err(format!(
            "tar could not extract `{spec}`: {}",
            String::from_utf8_lossy(&tar.stderr).trim()
        ));
    }
    Ok(())
}

/// `path` (inside `repo`) relative to the repository, when it is inside it.
pub fn relative(repo: &Path, path: &Path) -> Option<PathBuf> {
    let repo = repo.canonicalize().ok()?;
    let path = path.canonicalize().ok()?;
    path.strip_prefix(&repo).ok().map(Path::to_path_buf)
}

/// A copy of the repository's directory that follows picked commits: exported once with
/// `git archive`, then brought to each later commit by writing only the files that
/// changed (`git diff-tree --raw`, blobs from one `git cat-file --batch`). Days are
/// evaluated in order on one copy per worker, so a day costs its evaluation and a handful
/// of writes instead of a whole export.
pub struct Worktree {
    dir: tempfile::TempDir,
    at: Option<String>,
}

/// One change of a `git diff-tree --raw -z` listing.
struct Change {
    mode: String,
    blob: String,
    deleted: bool,
    path: PathBuf,
}

impl Worktree {
    pub fn new() -> Result<Worktree, String> {
        Ok(Worktree {
            dir: tempfile::tempdir()
                .map_err(|e| format!("cannot create a temporary directory: {e}"))?,
            at: None,
        })
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Makes the copy hold the repository's directory at `commit`.
    pub fn checkout(&mut self, repo: &Path, commit: &str) -> Result<(), String> {
        match self.at.take() {
            None => export(repo, commit, self.dir.path())?,
            Some(prev) if prev == commit => {}
            Some(prev) => self.apply(repo, &prev, commit)?,
        }
        self.at = Some(commit.to_string());
        Ok(())
    }

    fn apply(&self, repo: &Path, from: &str, to: &str) -> Result<(), String> {
        let raw = git(
            repo,
            &[
                "diff-tree",
                "-r",
                "-z",
                "--raw",
                "--no-renames",
                "--relative",
                from,
                to,
            ],
        )?;
        let changes = parse_raw(&raw)?;
        let root = self.dir.path();
        // Deletions first: a path that turns from a file into a directory (or back) is a
        // deletion and an addition.
        for c in changes.iter().filter(|c| c.deleted) {
            let target = inside(root, &c.path)?;
            match std::fs::remove_file(&target) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(format!("cannot remove `{}`: {e}", target.display())),
            }
        }
        let wanted: Vec<&Change> = changes
            .iter()
            .filter(|c| !c.deleted && c.mode != "160000")
            .collect();
        let blobs = cat_blobs(repo, wanted.iter().map(|c| c.blob.as_str()))?;
        for (c, bytes) in wanted.iter().zip(blobs) {
            let target = inside(root, &c.path)?;
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| format!("cannot create `{}`: {e}", parent.display()))?;
            }
            if let Ok(m) = std::fs::symlink_metadata(&target)
                && !m.is_file()
            {
                if m.is_dir() {
                    std::fs::remove_dir_all(&target)
                } else {
                    std::fs::remove_file(&target)
                }
                .map_err(|e| format!("cannot replace `{}`: {e}", target.display()))?;
            }
            if c.mode == "120000" {
                let _ = std::fs::remove_file(&target);
                let link = String::from_utf8(bytes).map_err(|_| {
                    format!("the symbolic link `{}` is not UTF-8", c.path.display())
                })?;
                std::os::unix::fs::symlink(link, &target)
                    .map_err(|e| format!("cannot create `{}`: {e}", target.display()))?;
            } else {
                std::fs::write(&target, bytes)
                    .map_err(|e| format!("cannot write `{}`: {e}", target.display()))?;
            }
        }
        Ok(())
    }
}

/// `root/rel`, refusing a path that could leave `root`: only plain components, and no
/// symbolic link among its existing ancestors (a link committed on an earlier day must
/// not carry a later day's file out of the copy).
fn inside(root: &Path, rel: &Path) -> Result<PathBuf, String> {
    use std::path::Component;
    if rel.as_os_str().is_empty() || !rel.components().all(|c| matches!(c, Component::Normal(_))) {
        return Err(format!(
            "git lists the path `{}`, which is not a plain relative path",
            rel.display()
        ));
    }
    let mut at = root.to_path_buf();
    let parts: Vec<_> = rel.components().collect();
    for part in &parts[..parts.len() - 1] {
        at.push(part);
        if std::fs::symlink_metadata(&at).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(format!(
                "`{}` is a symbolic link in the commit's tree: not followed",
                at.display()
            ));
        }
    }
    Ok(root.join(rel))
}

/// The changes of `git diff-tree -r -z --raw`: `:MODE MODE SHA SHA STATUS\0PATH\0` each.
fn parse_raw(raw: &str) -> Result<Vec<Change>, String> {
    let mut out = Vec::new();
    let mut fields = raw.split('\0');
    while let Some(head) = fields.next() {
        if head.is_empty() {
            continue;
        }
        let bad = || format!("unexpected `git diff-tree` output: `{head}`");
        let parts: Vec<&str> = head.trim_start_matches(':').split(' ').collect();
        let [_, mode, _, blob, status] = parts.as_slice() else {
            return Err(bad());
        };
        let path = fields.next().ok_or_else(bad)?;
        out.push(Change {
            mode: (*mode).to_string(),
            blob: (*blob).to_string(),
            deleted: status.starts_with('D'),
            path: PathBuf::from(path),
        });
    }
    Ok(out)
}

/// The contents of `blobs`, in order, from one `git cat-file --batch`.
fn cat_blobs<'a>(
    repo: &Path,
    blobs: impl Iterator<Item = &'a str>,
) -> Result<Vec<Vec<u8>>, String> {
    use std::io::{BufRead, Read, Write};
    let list: Vec<&str> = blobs.collect();
    if list.is_empty() {
        return Ok(Vec::new());
    }
    let mut child = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot run git: {e}"))?;
    let mut stdin = child.stdin.take().ok_or("git cat-file has no input")?;
    let input = list.join("\n") + "\n";
    // Written from another thread: git answers while it reads, and a full pipe must not
    // block both sides.
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let stdout = child.stdout.take().ok_or("git cat-file has no output")?;
    let mut reader = std::io::BufReader::new(stdout);
    let mut out = Vec::with_capacity(list.len());
    for blob in &list {
        let mut header = String::new();
        reader
            .read_line(&mut header)
            .map_err(|e| format!("git cat-file: {e}"))?;
        let parts: Vec<&str> = header.trim_end().split(' ').collect();
        let size: usize = match parts.as_slice() {
            [_, "blob", size] => size
                .parse()
                .map_err(|_| format!("git cat-file: bad header `{}`", header.trim_end()))?,
            _ => {
                return Err(format!(
                    "git cat-file cannot read blob {blob}: `{}`",
                    header.trim_end()
                ));
            }
        };
        let mut bytes = vec![0; size];
        reader
            .read_exact(&mut bytes)
            .map_err(|e| format!("git cat-file: {e}"))?;
        let mut newline = [0u8; 1];
        reader
            .read_exact(&mut newline)
            .map_err(|e| format!("git cat-file: {e}"))?;
        out.push(bytes);
    }
    let _ = writer.join();
    let status = child.wait().map_err(|e| e.to_string())?;
    if !status.success() {
        return Err("`git cat-file --batch` failed".into());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_listings_parse_with_their_paths() {
        let raw = ":100644 100644 aaa bbb M\0stacks/a b.vgo\0:100644 000000 ccc 000 D\0gone.vgo\0:000000 120000 000 ddd A\0link\0";
        let c = parse_raw(raw).expect("parses");
        assert_eq!(c.len(), 3);
        assert_eq!(c[0].path, Path::new("stacks/a b.vgo"));
        assert!(!c[0].deleted && c[1].deleted && !c[2].deleted);
        assert_eq!((c[2].mode.as_str(), c[2].blob.as_str()), ("120000", "ddd"));
        assert!(parse_raw(":100644 M\0x\0").is_err());
    }

    #[test]
    fn paths_never_leave_the_copy() {
        let root = tempfile::tempdir().expect("tempdir");
        assert!(inside(root.path(), Path::new("a/b.vgo")).is_ok());
        assert!(inside(root.path(), Path::new("../b.vgo")).is_err());
        assert!(inside(root.path(), Path::new("/etc/passwd")).is_err());
        assert!(inside(root.path(), Path::new("")).is_err());
        // A symbolic link committed on an earlier day is never written through.
        std::os::unix::fs::symlink("/tmp", root.path().join("out")).expect("symlink");
        assert!(inside(root.path(), Path::new("out/x.vgo")).is_err());
    }
}

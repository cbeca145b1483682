//! `trend --from-git` (docs/history.md § From git): the series rebuilt from the repository's
//! own commits, one evaluation per day at the last commit of that day.
//!
//! Git is read with the `git` binary (`git log`, `git rev-parse`, `git archive`): it reads
//! objects only, so the working tree, the index and the refs are never touched, and it
//! understands every repository format git itself does (packs, alternates, partial clones,
//! SHA-256 object names), which a reimplementation would have to chase. Each picked commit's
//! tree is exported with `git archive` into a temporary directory and evaluated there like
//! any checkout; days whose tree equals the previous picked day's reuse its evaluation.

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

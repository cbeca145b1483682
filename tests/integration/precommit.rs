//! The shipped `.pre-commit-hooks.yaml`, run by the real `pre-commit` (from PyPI) in a
//! temporary git repository: a commit with an unknown control ID is rejected with its
//! file:line:col, a good commit passes.
//!
//! The hook repository is a git repository made from this crate's sources (so the test
//! covers the working tree, not only the last commit). `language: rust` makes pre-commit
//! `cargo install` the tool; the build directory and pre-commit's cache live under
//! `target/tmp/`, so a re-run with unchanged sources builds nothing, and the build is
//! unoptimised (the hook's behaviour, not its speed, is under test here).

use crate::common::require_tool;
use std::path::{Path, PathBuf};
use std::process::Command;

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn git(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "vigocli tests")
        .env("GIT_AUTHOR_EMAIL", "tests@example.com")
        .env("GIT_COMMITTER_NAME", "vigocli tests")
        .env("GIT_COMMITTER_EMAIL", "tests@example.com")
        // Fixed dates: unchanged sources give the same revision, so pre-commit's cache hits.
        .env("GIT_AUTHOR_DATE", "2026-11-22T12:00:00Z")
        .env("GIT_COMMITTER_DATE", "2026-11-22T12:00:00Z")
        .env("PRE_COMMIT_HOME", tmp().join("pre-commit-home"))
        .env("CARGO_TARGET_DIR", tmp().join("pre-commit-build"))
        // The hook's `cargo install` builds the release profile; unoptimised is enough to
        // test the hook and several times faster to build.
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0")
        .env("CARGO_PROFILE_RELEASE_DEBUG", "false")
        .output()
        .expect("run git")
}

#[track_caller]
fn git_ok(dir: &Path, args: &[&str]) -> String {
    let out = git(dir, args);
    assert!(
        out.status.success(),
        "git {args:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn tmp() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
}

/// A git repository holding what `cargo install --path .` needs, plus the hooks file.
fn hook_repo() -> (PathBuf, String) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let repo = tmp().join("pre-commit-hook-repo");
    let _ = std::fs::remove_dir_all(&repo);
    std::fs::create_dir_all(&repo).unwrap();
    for file in [
        "Cargo.toml",
        "Cargo.lock",
        "build.rs",
        "README.md",
        ".pre-commit-hooks.yaml",
    ] {
        std::fs::copy(root.join(file), repo.join(file)).unwrap();
    }
    for dir in ["src", "frameworks", "templates"] {
        if root.join(dir).is_dir() {
            copy_tree(&root.join(dir), &repo.join(dir));
        }
    }
    git_ok(&repo, &["init", "-q", "-b", "main"]);
    git_ok(&repo, &["add", "-A"]);
    git_ok(
        &repo,
        &["commit", "-q", "-m", "vigocli sources for the hook test"],
    );
    let rev = git_ok(&repo, &["rev-parse", "HEAD"]);
    (repo, rev)
}

#[test]
fn pre_commit_hook_rejects_an_unknown_control_and_passes_a_good_commit() {
    let test = "pre_commit_hook_rejects_an_unknown_control_and_passes_a_good_commit";
    if !require_tool("git", "--version", test, "install git")
        || !require_tool(
            "pre-commit",
            "--version",
            test,
            "pip install pre-commit; .ci/run installs it",
        )
    {
        return;
    }
    let (hook, rev) = hook_repo();
    let user = tempfile::tempdir().unwrap();
    let dir = user.path();
    git_ok(dir, &["init", "-q", "-b", "main"]);
    std::fs::write(
        dir.join(".pre-commit-config.yaml"),
        format!(
            "repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: vigocli-check\n",
            hook.display()
        ),
    )
    .unwrap();
    std::fs::create_dir_all(dir.join("stacks/configcrates")).unwrap();
    std::fs::write(
        dir.join("stacks/configcrates/openvpn.vgo"),
        "name: openvpn\ncompliance:\n  hipaa: [\"164.312(e)(1)\"]\n  nist-800-53: [SC-8, \"SC-8(1)\"]\nresources: []\n",
    )
    .unwrap();
    let out = Command::new("pre-commit")
        .args(["install"])
        .current_dir(dir)
        .env("PRE_COMMIT_HOME", tmp().join("pre-commit-home"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");

    git_ok(dir, &["add", "-A"]);
    let good = git(dir, &["commit", "-m", "good tags"]);
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&good.stdout),
        String::from_utf8_lossy(&good.stderr)
    );
    assert!(good.status.success(), "good commit rejected:\n{log}");
    assert!(log.contains("vigocli compliance check"), "{log}");
    assert!(log.contains("Passed"), "{log}");

    std::fs::write(
        dir.join("stacks/configcrates/nginx.vgo"),
        "name: nginx\ncompliance:\n  pci-dss: [\"2.2.7\", \"4.2.9\"]\n",
    )
    .unwrap();
    git_ok(dir, &["add", "-A"]);
    let bad = git(dir, &["commit", "-m", "bad tag"]);
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&bad.stdout),
        String::from_utf8_lossy(&bad.stderr)
    );
    assert!(!bad.status.success(), "bad commit accepted:\n{log}");
    assert!(log.contains("Failed"), "{log}");
    assert!(log.contains("error[unknown-control]"), "{log}");
    assert!(
        log.contains("--> stacks/configcrates/nginx.vgo:3:22"),
        "{log}"
    );
    // The rejected commit did not happen.
    assert_eq!(git_ok(dir, &["rev-list", "--count", "HEAD"]), "1");
}

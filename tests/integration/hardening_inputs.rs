//! Inputs are never skipped and never clobbered: an output that is an input, unreadable and
//! non-regular inputs, symlinks that leave the repository, nesting limits, and errors of
//! vigocli.toml reported with the rest (docs/file-formats.md § How inputs are read).

use crate::common::*;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Runs vigocli like `run_raw`, but kills it after `limit`: a read that hangs (a FIFO) must
/// fail the test, not the whole suite.
fn run_bounded(args: &[String], cwd: &Path, limit: Duration) -> Run {
    let mut child = Command::new(bin())
        .args(args)
        .current_dir(cwd)
        .env_clear()
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn vigocli");
    let start = Instant::now();
    loop {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("vigocli {args:?} still ran after {limit:?} (a read blocked?)");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().expect("output");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn repo_args(r: &Repo, args: &[&str]) -> Vec<String> {
    let mut all = vec![
        "--repo".to_string(),
        r.path().display().to_string(),
        "--as-of".to_string(),
        AS_OF.to_string(),
    ];
    all.extend(args.iter().map(|s| s.to_string()));
    all
}

fn run_10s(r: &Repo, args: &[&str]) -> Run {
    run_bounded(&repo_args(r, args), r.path(), Duration::from_secs(10))
}

#[track_caller]
fn has(run: &Run, needles: &[&str]) {
    // `check` prints input errors in its result (stdout), the other commands on stderr.
    for n in needles {
        assert!(
            run.stderr.contains(n) || run.stdout.contains(n),
            "output lacks {n:?}\nstdout:\n{}\nstderr:\n{}",
            run.stdout,
            run.stderr
        );
    }
}

fn mkfifo(path: &Path) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    let ok = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("run mkfifo")
        .success();
    assert!(ok, "mkfifo {}", path.display());
}

fn symlink(target: impl AsRef<Path>, link: &Path) {
    std::fs::create_dir_all(link.parent().expect("parent")).expect("mkdir");
    std::os::unix::fs::symlink(target, link).expect("symlink");
}

fn read(r: &Repo, rel: &str) -> String {
    std::fs::read_to_string(r.path().join(rel)).expect("read")
}

// ---- item 6: an output path that is an input is refused ----

#[test]
fn output_that_is_an_input_is_refused() {
    let r = three_envoy_fleet();
    let inventory = read(&r, "inventory/envoys.json");
    let common = read(&r, "stacks/common.vgo");

    // The inventory, by its own spelling, by another spelling and through a symlink.
    symlink(
        r.path().join("inventory/envoys.json"),
        &r.path().join("out/link.json"),
    );
    let spellings = [
        "inventory/envoys.json".to_string(),
        r.path()
            .join("stacks/../inventory/./envoys.json")
            .display()
            .to_string(),
        r.path().join("out/link.json").display().to_string(),
    ];
    for out in &spellings {
        let run = r
            .run(&[
                "compliance",
                "report",
                "tf",
                "--format",
                "json",
                "--output",
                out,
            ])
            .invalid();
        has(
            &run,
            &[
                "error[output-is-input]",
                "inventory/envoys.json",
                "nothing was written",
            ],
        );
        assert_eq!(read(&r, "inventory/envoys.json"), inventory, "{out}");
    }
    // Every command that writes: exports, check, a whole directory of reports.
    for args in [
        &[
            "compliance",
            "export",
            "cmdb",
            "--output",
            "stacks/common.vgo",
        ][..],
        &[
            "compliance",
            "export",
            "siem",
            "--output",
            "stacks/common.vgo",
        ][..],
        &[
            "compliance",
            "export",
            "oscal",
            "--output",
            "stacks/common.vgo",
        ][..],
        &[
            "compliance",
            "export",
            "grc",
            "--vendor",
            "generic",
            "--output",
            "stacks/common.vgo",
        ][..],
        &["compliance", "check", "--output", "stacks/common.vgo"][..],
        &[
            "compliance",
            "report",
            "tf",
            "--format",
            "json",
            "--output",
            "frameworks/tf.yaml",
        ][..],
    ] {
        let run = r.run(args).invalid();
        has(&run, &["error[output-is-input]"]);
    }
    assert_eq!(read(&r, "stacks/common.vgo"), common);
    let run = r
        .run(&[
            "compliance",
            "report",
            "all",
            "--format",
            "json",
            "--output-dir",
            "inventory",
        ])
        .invalid();
    has(&run, &["error[output-is-input]", "inventory"]);
    let names: Vec<_> = std::fs::read_dir(r.path().join("inventory"))
        .expect("ls")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(names.len(), 1, "nothing added to inventory/: {names:?}");
    // vigocli.toml is an input too.
    r.file("vigocli.toml", "[waivers]\nexpiring_days = 30\n");
    let run = r
        .run(&[
            "compliance",
            "report",
            "tf",
            "--format",
            "json",
            "--output",
            "vigocli.toml",
        ])
        .invalid();
    has(&run, &["error[output-is-input]", "vigocli.toml"]);
    // An unrelated output is still written.
    r.run(&[
        "compliance",
        "report",
        "tf",
        "--format",
        "json",
        "--output",
        "out/tf.json",
    ])
    .ok();
}

#[test]
fn audit_outputs_never_overwrite_the_audit_log() {
    let r = three_envoy_fleet();
    for i in 0..2 {
        r.run(&[
            "audit",
            "append",
            "--actor",
            "a",
            "--action",
            "x",
            "--target",
            &format!("t{i}"),
        ])
        .ok();
    }
    let log = read(&r, "audit/audit.jsonl");
    assert_eq!(log.lines().count(), 2);
    let run = r
        .run(&[
            "audit",
            "export",
            "-o",
            "audit/audit.jsonl",
            "--since",
            "2026-11-23",
        ])
        .invalid();
    has(&run, &["error[output-is-input]", "audit/audit.jsonl"]);
    assert_eq!(read(&r, "audit/audit.jsonl"), log);
    let run = r
        .run(&[
            "compliance",
            "report",
            "audit-bundle",
            "tf",
            "--output",
            "audit/audit.jsonl",
        ])
        .invalid();
    has(&run, &["error[output-is-input]"]);
    assert_eq!(read(&r, "audit/audit.jsonl"), log);
    // Through a hard link: the same file by identity.
    std::fs::hard_link(
        r.path().join("audit/audit.jsonl"),
        r.path().join("copy.jsonl"),
    )
    .expect("hard link");
    let run = r.run(&["audit", "export", "-o", "copy.jsonl"]).invalid();
    has(&run, &["error[output-is-input]"]);
    assert_eq!(read(&r, "audit/audit.jsonl"), log);
    r.run(&["audit", "verify"]).ok();
}

// ---- item 7: unreadable or non-regular inputs are errors ----

/// A repository whose vigocli.toml gate fails: 1 of 6 controls covered.
fn gated_repo() -> Repo {
    let r = three_envoy_fleet();
    r.file("vigocli.toml", "[frameworks.tf]\nmin_coverage = 90\n");
    r
}

#[test]
fn a_config_that_cannot_be_read_is_an_error_not_the_defaults() {
    let r = gated_repo();
    assert_eq!(
        run_10s(&r, &["compliance", "check"]).code,
        1,
        "the gate fails"
    );

    std::fs::remove_file(r.path().join("vigocli.toml")).expect("rm");
    std::fs::create_dir(r.path().join("vigocli.toml")).expect("mkdir");
    let run = run_10s(&r, &["compliance", "check"]).invalid();
    has(
        &run,
        &["error[unreadable-file]", "vigocli.toml", "directory"],
    );
    std::fs::remove_dir(r.path().join("vigocli.toml")).expect("rmdir");

    mkfifo(&r.path().join("vigocli.toml"));
    let run = run_10s(&r, &["compliance", "check"]).invalid();
    has(&run, &["error[unreadable-file]", "vigocli.toml", "FIFO"]);
    std::fs::remove_file(r.path().join("vigocli.toml")).expect("rm");

    symlink("/dev/zero", &r.path().join("vigocli.toml"));
    let run = run_10s(&r, &["compliance", "check"]).invalid();
    has(&run, &["vigocli.toml", "/dev/zero"]);
    std::fs::remove_file(r.path().join("vigocli.toml")).expect("rm");

    symlink("missing.toml", &r.path().join("vigocli.toml"));
    let run = run_10s(&r, &["compliance", "check"]).invalid();
    has(&run, &["error[unreadable-file]", "vigocli.toml"]);
}

#[test]
fn an_unreadable_directory_or_file_of_the_repository_is_an_error() {
    // A directory of the envoy tree that cannot be walked (a dangling link here).
    let r = three_envoy_fleet();
    symlink("gone", &r.path().join("stacks/production"));
    let run = run_10s(&r, &["compliance", "report", "tf"]).invalid();
    has(&run, &["error[unreadable-file]", "stacks/production"]);

    // A Connwaer result that cannot be read: its failing check must not vanish.
    let r = three_envoy_fleet();
    mkfifo(&r.path().join("traits/a-1/cap-a.json"));
    let run = run_10s(&r, &["compliance", "report", "tf"]).invalid();
    has(
        &run,
        &["error[unreadable-file]", "traits/a-1/cap-a.json", "FIFO"],
    );

    // A .vgo that is a directory, an inventory file that is a FIFO.
    let r = three_envoy_fleet();
    std::fs::create_dir_all(r.path().join("stacks/configcrates/odd.vgo")).expect("mkdir");
    mkfifo(&r.path().join("inventory/more.jsonl"));
    let run = run_10s(&r, &["compliance", "report", "tf"]).invalid();
    has(
        &run,
        &[
            "stacks/configcrates/odd.vgo",
            "inventory/more.jsonl",
            "2 error(s)",
        ],
    );

    // The traits directory is a file.
    let r = three_envoy_fleet();
    r.file("traits", "not a directory\n");
    let run = run_10s(&r, &["compliance", "report", "tf"]).invalid();
    has(&run, &["traits"]);
}

#[test]
fn an_input_over_the_size_limit_is_refused_unread() {
    let r = three_envoy_fleet();
    let big = std::fs::File::create(r.path().join("inventory/huge.jsonl")).expect("create");
    big.set_len(256 * 1024 * 1024 + 1).expect("sparse file");
    let run = run_10s(&r, &["compliance", "report", "tf"]).invalid();
    has(
        &run,
        &["error[input-too-large]", "inventory/huge.jsonl", "256 MiB"],
    );
}

// ---- item 8: symlinks that leave the repository are refused ----

#[test]
fn symlinks_out_of_the_repository_are_refused_without_quoting_the_target() {
    let outside = tempfile::tempdir().expect("tmp");
    let secret = outside.path().join("shadow");
    std::fs::write(&secret, "root:$6$s3cr3tHash:19000:0:99999:7:::\n").expect("write");
    let r = three_envoy_fleet();
    symlink(&secret, &r.path().join("stacks/configcrates/evil.vgo"));
    let run = run_10s(&r, &["compliance", "report", "tf"]).invalid();
    has(
        &run,
        &[
            "error[outside-repository]",
            "stacks/configcrates/evil.vgo",
            &secret.display().to_string(),
        ],
    );
    assert!(!run.stderr.contains("s3cr3t"), "{}", run.stderr);

    // A linked directory that leaves the repository, and a linked inventory.
    let r = three_envoy_fleet();
    std::fs::create_dir(outside.path().join("dir")).expect("mkdir");
    std::fs::copy(&secret, outside.path().join("dir/x.vgo")).expect("copy");
    symlink(outside.path().join("dir"), &r.path().join("stacks/linked"));
    symlink(&secret, &r.path().join("inventory/more.json"));
    let run = run_10s(&r, &["compliance", "report", "tf"]).invalid();
    has(
        &run,
        &[
            "stacks/linked",
            "inventory/more.json",
            "error[outside-repository]",
        ],
    );
    assert!(!run.stderr.contains("s3cr3t"), "{}", run.stderr);

    // A `[paths]` entry of vigocli.toml that leaves the repository is refused the same way;
    // the same file given on the command line is the user's choice.
    let r = three_envoy_fleet();
    std::fs::write(
        outside.path().join("inv.json"),
        read(&r, "inventory/envoys.json"),
    )
    .expect("write");
    let outside_inv = outside.path().join("inv.json").display().to_string();
    r.file(
        "vigocli.toml",
        &format!("[paths]\ninventory = \"{outside_inv}\"\n"),
    );
    let run = run_10s(&r, &["compliance", "report", "tf"]).invalid();
    has(&run, &["error[outside-repository]", "inv.json"]);
    std::fs::remove_file(r.path().join("vigocli.toml")).expect("rm");
    run_10s(
        &r,
        &["--inventory", &outside_inv, "compliance", "report", "tf"],
    )
    .ok();

    // Links that stay inside the repository are followed.
    let r = three_envoy_fleet();
    r.file("shared/extra2.vgo", "compliance:\n  tf: [T4]\n");
    symlink(
        r.path().join("shared/extra2.vgo"),
        &r.path().join("stacks/configcrates/extra2.vgo"),
    );
    r.file(
        "stacks/zone-b/envoys.vgo",
        "envoys:\n  - match: \"b-*\"\n    configcrates: [extra, extra2]\n",
    );
    let rep = r.report("tf", &[]);
    assert_eq!(status(&rep, "T4"), "partial");
}

// ---- item 9: nesting limits ----

#[test]
fn deep_nesting_is_a_positioned_error_not_a_crash() {
    let r = three_envoy_fleet();
    // 2,000 levels of block mappings.
    let mut block = String::new();
    for i in 0..2000 {
        block.push_str(&" ".repeat(i));
        block.push_str("k:\n");
    }
    r.file("stacks/configcrates/deep.vgo", &block);
    // Flow nesting, 100,000 levels.
    r.file(
        "stacks/configcrates/flow.vgo",
        &format!(
            "resources: {}{}\n",
            "[".repeat(100_000),
            "]".repeat(100_000)
        ),
    );
    let run = run_10s(&r, &["compliance", "report", "tf"]).invalid();
    has(
        &run,
        &[
            "error[nesting-too-deep]",
            "stacks/configcrates/deep.vgo:65:",
            "stacks/configcrates/flow.vgo:1:",
        ],
    );

    // JSON inventory and JSONL, TOML config.
    let r = three_envoy_fleet();
    r.file(
        "inventory/deep.json",
        &format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)),
    );
    r.file(
        "inventory/deep.jsonl",
        &format!(
            "{{\"hostname\": \"x\", \"labels\": {{\"a\": {}1{}}}}}\n",
            "[".repeat(5000),
            "]".repeat(5000)
        ),
    );
    r.file(
        "vigocli.toml",
        &format!("x = {}{}\n", "[".repeat(100_000), "]".repeat(100_000)),
    );
    let run = run_10s(&r, &["compliance", "report", "tf"]).invalid();
    has(
        &run,
        &[
            "error[nesting-too-deep]",
            "inventory/deep.json:1:65",
            "inventory/deep.jsonl:1:",
            "vigocli.toml:1:",
        ],
    );

    // A report given to `diff`.
    let r = three_envoy_fleet();
    let good = r.path().join("good.json");
    let out = r
        .run(&["compliance", "report", "tf", "--format", "json"])
        .ok();
    std::fs::write(&good, &out.stdout).expect("write");
    r.file(
        "deep.json",
        &format!("{}{}", "{\"a\":".repeat(50_000), "}".repeat(50_000)),
    );
    let deep = r.path().join("deep.json").display().to_string();
    let run = run_10s(
        &r,
        &["compliance", "diff", &good.display().to_string(), &deep],
    )
    .invalid();
    has(&run, &["error[nesting-too-deep]", "deep.json:1:"]);
}

// ---- item 13 ----

#[test]
fn config_errors_are_reported_with_the_repositorys_errors() {
    let r = three_envoy_fleet();
    r.file("vigocli.toml", "[frameworks.tf]\nmin_coverag = 90\n");
    r.file("stacks/configcrates/base.vgo", "compliance:\n  tf: [T7]\n");
    let run = run_10s(&r, &["compliance", "check"]).invalid();
    has(
        &run,
        &[
            "error[bad-config]",
            "vigocli.toml:2:1",
            "error[unknown-control]",
            "2 input error(s)",
        ],
    );
    // A TOML syntax error without [paths]: the repository is read with the default paths.
    r.file("vigocli.toml", "[frameworks.tf\nmin_coverage = 90\n");
    let run = run_10s(&r, &["compliance", "report", "tf"]).invalid();
    has(&run, &["error[bad-config]", "error[unknown-control]"]);
    // With a broken [paths], where the repository's files are is unknown: only that error.
    r.file("vigocli.toml", "[paths]\nstack = \"x\"\n");
    let run = run_10s(&r, &["compliance", "report", "tf"]).invalid();
    has(&run, &["error[bad-config]", "1 error(s)"]);
}

#[test]
fn no_repo_outside_a_repository_is_refused() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::create_dir(dir.path().join("home")).expect("mkdir");
    std::fs::write(dir.path().join("home/notes.vgo"), "envoys: 1\n").expect("write");
    let args: Vec<String> = ["--as-of", AS_OF, "compliance", "status"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let run = run_bounded(&args, dir.path(), Duration::from_secs(10)).invalid();
    has(
        &run,
        &[
            "error[not-a-repository]",
            "vigocli.toml",
            "stacks/",
            "--repo",
        ],
    );
    assert!(
        !run.stderr.contains("notes.vgo"),
        "nothing was read: {}",
        run.stderr
    );
    // A repository marker is enough (here: a stacks/ directory).
    let r = three_envoy_fleet();
    let args: Vec<String> = ["--as-of", AS_OF, "compliance", "report", "tf"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let run = run_bounded(&args, r.path(), Duration::from_secs(10));
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn a_configcrate_that_fails_to_parse_causes_no_follow_on_errors() {
    let r = three_envoy_fleet();
    r.file(
        "stacks/configcrates/nginx-tls.vgo",
        "name: nginx-tls\ncompliance: [tf: T1\n",
    );
    r.file(
        "stacks/configcrates/web/named.vgo",
        "configcrate: web-x\ncompliance: {tf: [T2]\n",
    );
    r.file(
        "stacks/roles.vgo",
        "roles:\n  web:\n    configcrates: [nginx-tls]\n",
    );
    r.file(
        "stacks/zone-a/envoys.vgo",
        "envoys:\n  - match: \"a-*\"\n    configcrates: [nginx-tls, web-x]\n    roles: [web]\n",
    );
    let run = run_10s(&r, &["compliance", "report", "tf"]).invalid();
    has(
        &run,
        &[
            "error[yaml-syntax]",
            "stacks/configcrates/nginx-tls.vgo:",
            "2 error(s)",
        ],
    );
    assert!(
        !run.stderr.contains("unknown-configcrate"),
        "{}",
        run.stderr
    );
    // A name that is truly unknown is still reported.
    r.file(
        "stacks/zone-b/envoys.vgo",
        "envoys:\n  - match: \"b-*\"\n    configcrates: [nginx-tl]\n",
    );
    let run = run_10s(&r, &["compliance", "report", "tf"]).invalid();
    has(&run, &["error[unknown-configcrate]", "nginx-tl`"]);
}

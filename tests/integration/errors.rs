//! Malformed input: exit 2, file:line:col, a fix, every error in one run, no output file.

use crate::common::*;

/// Runs a JSON report into a file and checks that it failed cleanly without writing it.
fn fails(r: &Repo, extra: &[&str]) -> String {
    let out_file = r.path().join("out.json");
    let mut args = vec!["compliance", "report", "tf", "--format", "json", "--output"];
    let out_str = out_file.display().to_string();
    args.push(&out_str);
    args.extend_from_slice(extra);
    let run = r.run(&args).invalid();
    assert!(!out_file.exists(), "no output file may be written on error");
    assert!(run.stdout.is_empty(), "nothing on stdout: {}", run.stdout);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert!(run.stderr.contains("nothing was written"), "{}", run.stderr);
    run.stderr
}

#[track_caller]
fn has(stderr: &str, needles: &[&str]) {
    for n in needles {
        assert!(stderr.contains(n), "expected `{n}` in:\n{stderr}");
    }
}

#[test]
fn bad_yaml_points_at_the_position() {
    let r = tf_repo();
    r.file(
        "stacks/configcrates/a.vgo",
        "name: a\ncompliance:\n  tf: [T1\n",
    );
    let err = fails(&r, &[]);
    has(&err, &["error[yaml-syntax]", "stacks/configcrates/a.vgo:"]);
}

#[test]
fn every_error_in_one_run_with_positions_and_fixes() {
    let r = tf_repo();
    r.file(
        "stacks/configcrates/a.vgo",
        "name: a\ncompliance:\n  tf: [T1, T7, T9, T]\n  tff: [T1]\nprovides: [cap-x]\nbundle: tf/basci\n",
    )
    .file("stacks/configcrates/sub/a.vgo", "compliance:\n  tf: [T2]\n")
    .file("stacks/roles.vgo", "roles:\n  web:\n    configcrates: [a, nope]\n    includes: [dbb]\n  db:\n    configcrates: [a]\n")
    .file("stacks/envoys.vgo", "envoys:\n  - match: \"web-*\"\n    roles: [wbe]\n  - match: \"[\"\n  - configcrates: [a]\n")
    .file(
        "stacks/waivers.vgo",
        "waivers:\n  - control: \"tf:T5\"\n    rationale: r\n    expires: \"next year\"\n    owner: o\n  - control: \"T5\"\n    rationale: r\n    expires: \"2027-01-01\"\n  - control: \"tf:T5\"\n    rationale: r\n    expire: \"2027-01-01\"\n    owner: o\n",
    );
    let err = fails(&r, &[]);
    has(
        &err,
        &[
            "error[unknown-control]: \"T7\" is not a control of Test Framework 1\n  --> stacks/configcrates/a.vgo:3:12",
            "did you mean \"T1\"",
            "error[withdrawn-control]",
            "tag \"T1\" instead",
            "error[heading-control]",
            "T1, T2, T3, T4, T5, T6",
            "error[unknown-framework]: unknown framework `tff`",
            "did you mean `tf`",
            "error[unknown-capability]",
            "did you mean `cap-a`",
            "error[unknown-bundle]",
            "did you mean `tf/basic`",
            "error[duplicate-configcrate]",
            "stacks/configcrates/sub/a.vgo",
            "error[unknown-configcrate]: no configcrate is named `nope`",
            "error[unknown-role]: role `web` includes unknown role `dbb`",
            "error[unknown-role]: no role is named `wbe`",
            "error[bad-glob]",
            "error[missing-key]: match block has no `match:`",
            "error[bad-date]: `expires: next year` is not a date",
            "error[bad-waiver]",
            "waiver has no `owner:`",
            "error[unknown-key]: unknown key `expire` in a waiver",
            "did you mean `expires`",
        ],
    );
    // The caret line shows the source line.
    has(&err, &["3 |   tf: [T1, T7, T9, T]"]);
}

#[test]
fn wrong_types_are_reported() {
    let r = tf_repo();
    r.file("stacks/configcrates/a.vgo", "name: [a]\ncompliance: [T1]\n")
        .file("stacks/configcrates/b.vgo", "compliance:\n  tf: { x: 1 }\n")
        .file(
            "stacks/envoys.vgo",
            "envoys:\n  - match: \"*\"\n    labels: [phi]\n    configcrates: b\n",
        )
        .file(
            "inventory/e.json",
            r#"{"envoys": [{"hostname": "h", "revoked": "yes"}]}"#,
        );
    let err = fails(&r, &[]);
    has(
        &err,
        &[
            "error[wrong-type]: `name` must be a string",
            "`compliance` must be a mapping",
            "`compliance.tf` must be a string or a list",
            "`labels` must be a mapping",
            "`configcrates` must be a list",
            "inventory/e.json:1:",
            "expected a boolean",
        ],
    );
}

#[test]
fn inventory_errors() {
    let r = tf_repo();
    r.file("stacks/configcrates/a.vgo", "name: a\n")
        .file("stacks/envoys.vgo", "envoys:\n  - match: \"*\"\n")
        .file(
            "inventory/a.json",
            "{\"envoys\": [\n  {\"hostname\": \"h1\"},\n  {\"hostname\": \"h1\"},\n  {\"hostname\": \"h2\", \"last_converged\": \"yesterday\"},\n  {\"hostname\": \"h3\", \"configcrates\": [\"zz\"]}\n]}",
        )
        .file("inventory/b.jsonl", "{\"hostname\": \"H1\"}\n{\"hostname\": \n")
        .file("inventory/c.yaml", "envoys:\n  - labels: {}\n");
    let err = fails(&r, &[]);
    has(
        &err,
        &[
            "error[duplicate-hostname]: envoy `h1` is listed twice",
            "inventory/a.json:3:3",
            "error[unknown-configcrate]: envoy `h3` is assigned configcrate `zz`",
            "inventory/a.json:5:3",
            "error[bad-date]: `last_converged: yesterday`",
            "inventory/a.json:4:3",
            "error[bad-inventory]",
            "inventory/b.jsonl:2:",
            "error[missing-key]: envoy has no `hostname:`",
            "inventory/c.yaml:2:5",
        ],
    );
}

#[test]
fn trait_errors() {
    let r = tf_repo();
    r.file("stacks/configcrates/a.vgo", "name: a\n")
        .file("stacks/envoys.vgo", "envoys:\n  - match: \"*\"\n")
        .file("inventory/a.json", r#"[{"hostname": "h"}]"#)
        .file("traits/h/cap-z.json", r#"{"status": "pass", "checked_at": "2026-11-22T00:00:00Z"}"#)
        .file("traits/h/cap-a.json", r#"{"envoy": "other", "status": "pass"}"#)
        .file("traits/x.jsonl", "{\"envoy\": \"h\", \"capability\": \"cap-a\", \"status\": \"ok\"}\n{\"envoy\": \"h\", \"capability\": \"cap-a\", \"status\": \"pass\", \"checked_at\": \"noon\"}\n");
    let err = fails(&r, &[]);
    has(
        &err,
        &[
            "error[unknown-capability]: no capability catalog defines `cap-z`",
            "error[trait-path-mismatch]",
            "error[bad-trait]: status `ok`",
            "traits/x.jsonl:1:1",
            "error[bad-date]",
            "traits/x.jsonl:2:1",
        ],
    );
}

#[test]
fn non_utf8_and_bad_catalog_files() {
    let r = tf_repo();
    r.bytes("stacks/configcrates/a.vgo", b"name: a\ncompliance: \xff\xfe\n")
        .file("frameworks/notes.yaml", "hello: world\n")
        .file("frameworks/bad.yaml", "id: bad\nname: Bad\nversion: \"1\"\nsource: s\ncontrols:\n  - { id: \"B1\", title: \"x\", parent: \"B0\", assesable: false }\n");
    let err = fails(&r, &[]);
    // Catalog errors stop the run first: they would make every tag wrong.
    has(
        &err,
        &[
            "error[bad-catalog-file]",
            "frameworks/notes.yaml:1:1",
            "error[unknown-key]: unknown key `assesable` in a control",
            "did you mean `assessable`",
            "error[unknown-parent]",
        ],
    );
    let r2 = tf_repo();
    r2.bytes(
        "stacks/configcrates/a.vgo",
        b"name: a\ncompliance: \xff\xfe\n",
    );
    let err = fails(&r2, &[]);
    has(
        &err,
        &[
            "error[not-utf8]: `stacks/configcrates/a.vgo` is not valid UTF-8",
            "stacks/configcrates/a.vgo:2:13",
        ],
    );
}

#[test]
fn empty_repo_missing_paths_and_bad_flags() {
    let r = Repo::new();
    let run = r.run(&["compliance", "report", "hipaa"]).invalid();
    assert!(
        run.stderr.contains("error[no-configcrates]"),
        "{}",
        run.stderr
    );

    let r = tf_repo();
    r.file("stacks/configcrates/a.vgo", "name: a\n");
    let missing = r.path().join("nope.json").display().to_string();
    let run = r
        .run(&["--inventory", &missing, "compliance", "report", "tf"])
        .invalid();
    assert!(
        run.stderr.contains("error[missing-path]: inventory"),
        "{}",
        run.stderr
    );
    let run = r
        .run(&["compliance", "report", "tf", "--scope", "phi"])
        .invalid();
    assert!(run.stderr.contains("error[bad-argument]"), "{}", run.stderr);
    let run = r.run(&["compliance", "report", "hipa"]).invalid();
    assert!(
        run.stderr.contains("did you mean `hipaa`"),
        "{}",
        run.stderr
    );
    let run = run_raw(
        &[
            "--repo".into(),
            r.path().display().to_string(),
            "--as-of".into(),
            "tomorrow".into(),
            "compliance".into(),
            "report".into(),
            "tf".into(),
        ],
        r.path(),
    )
    .invalid();
    assert!(
        run.stderr.contains("error[bad-date]: --as-of `tomorrow`"),
        "{}",
        run.stderr
    );
    let run = run_raw(&["compliance".into(), "frobnicate".into()], r.path()).invalid();
    assert!(
        run.stderr.contains("unrecognized subcommand"),
        "{}",
        run.stderr
    );
    let run = run_raw(
        &[
            "--repo".into(),
            "/definitely/not/here".into(),
            "compliance".into(),
            "status".into(),
        ],
        r.path(),
    )
    .invalid();
    assert!(run.stderr.contains("error[missing-path]"), "{}", run.stderr);
    r.file("vigocli.toml", "[frameworks.tf]\nmust_cover = [\"T1\", \"T8\"]\n\n[frameworks.hipa]\nscope = { phi = true }\n");
    let run = r.run(&["compliance", "report", "tf"]).invalid();
    assert!(
        run.stderr.contains("error[unknown-control]: \"T8\"")
            && run.stderr.contains("vigocli.toml:2:21"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("`[frameworks.hipa]` in vigocli.toml names no framework")
            && run.stderr.contains("vigocli.toml:4:2"),
        "{}",
        run.stderr
    );
    r.file("vigocli.toml", "[paths]\nstack = \"x\"\n");
    let run = r.run(&["compliance", "report", "tf"]).invalid();
    assert!(
        run.stderr.contains("error[bad-config]") && run.stderr.contains("vigocli.toml:2:1"),
        "{}",
        run.stderr
    );
}

#[test]
fn output_to_a_missing_directory_fails_cleanly() {
    let r = tf_repo();
    r.file("stacks/configcrates/a.vgo", "name: a\n");
    let target = r.path().join("no/such/dir/out.json").display().to_string();
    let run = r.run(&[
        "compliance",
        "report",
        "tf",
        "--format",
        "json",
        "--output",
        &target,
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("error[write-failed]"), "{}", run.stderr);
}

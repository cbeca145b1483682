//! `compliance snapshot` and `compliance trend`: history lines, their audit entries, the
//! series, per-day changes, open regressions and tamper detection.

use crate::common::*;
use serde_json::Value;

/// Runs `vigocli --repo R --as-of AS_OF ARGS`.
fn at(r: &Repo, as_of: &str, args: &[&str]) -> Run {
    run_repo(r.path(), as_of, args)
}

/// Three days of the three-envoy fleet: T1 covered everywhere on day 1 and lost on day 2
/// (a regression), T2/T3 partial, then T2 covered everywhere on day 3 (an improvement);
/// day 2 has two snapshots, of which the later counts.
fn three_days() -> Repo {
    let r = three_envoy_fleet();
    at(
        &r,
        "2026-11-20T10:00:00Z",
        &["compliance", "snapshot", "--framework", "tf"],
    )
    .ok();
    r.file("stacks/configcrates/base.vgo", "compliance:\n  tf: [T4]\n");
    at(
        &r,
        "2026-11-21T08:00:00Z",
        &["compliance", "snapshot", "--framework", "tf"],
    )
    .ok();
    r.file(
        "stacks/configcrates/base.vgo",
        "compliance:\n  tf: [T4, T5]\n",
    );
    at(
        &r,
        "2026-11-21T18:00:00Z",
        &["compliance", "snapshot", "--framework", "tf"],
    )
    .ok();
    r.file(
        "stacks/configcrates/base.vgo",
        "compliance:\n  tf: [T2, T4, T5]\n",
    );
    at(
        &r,
        "2026-11-22T10:00:00Z",
        &["compliance", "snapshot", "--framework", "tf"],
    )
    .ok();
    r
}

fn trend(r: &Repo, extra: &[&str]) -> Value {
    let mut args = vec!["compliance", "trend", "tf", "--format", "json"];
    args.extend_from_slice(extra);
    at(r, "2026-11-22T12:00:00Z", &args).ok().json()
}

fn ids(changes: &Value) -> Vec<String> {
    changes
        .as_array()
        .map(|a| {
            a.iter()
                .map(|c| {
                    format!(
                        "{}:{}>{}",
                        c["id"].as_str().unwrap_or(""),
                        c["from"].as_str().unwrap_or(""),
                        c["to"].as_str().unwrap_or("")
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn three_days_of_snapshots_give_the_series_changes_and_regressions() {
    let r = three_days();
    let history = std::fs::read_to_string(r.path().join("history/tf.jsonl")).expect("history");
    assert_eq!(history.lines().count(), 4, "{history}");
    for l in history.lines() {
        assert!(l.len() < 4096, "a snapshot line is small: {}", l.len());
    }
    let t = trend(&r, &[]);
    assert_eq!(t["schema"], "vigocli/trend/v1");
    let points = t["points"].as_array().expect("points");
    let dates: Vec<&str> = points.iter().filter_map(|p| p["date"].as_str()).collect();
    assert_eq!(dates, ["2026-11-20", "2026-11-21", "2026-11-22"]);
    // Day 2 is its last snapshot (18:00, with T5 tagged).
    assert_eq!(points[1]["as_of"], "2026-11-21T18:00:00Z");
    let covered: Vec<u64> = points
        .iter()
        .map(|p| p["summary"]["covered"].as_u64().unwrap_or(99))
        .collect();
    assert_eq!(covered, [1, 2, 3], "T1; T4+T5; T2+T4+T5");
    assert_eq!(ids(&points[0]["worse"]), Vec::<String>::new());
    assert_eq!(ids(&points[1]["worse"]), ["T1:covered>uncovered"]);
    assert_eq!(
        ids(&points[1]["better"]),
        ["T4:uncovered>covered", "T5:uncovered>covered"]
    );
    assert_eq!(ids(&points[2]["better"]), ["T2:partial>covered"]);
    assert_eq!(ids(&points[2]["worse"]), Vec::<String>::new());
    // T1 is still regressed, since day 2.
    let regs = t["regressions"].as_array().expect("regressions");
    assert_eq!(regs.len(), 1, "{regs:?}");
    assert_eq!(regs[0]["id"], "T1");
    assert_eq!(regs[0]["since"], "2026-11-21");
    assert_eq!(regs[0]["before_window"], false);
    assert_eq!(regs[0]["days"], 1);
    // Per-category counts ride along: tf has one category-less group.
    assert_eq!(points[2]["categories"][0][0], "(no category)");
    assert_eq!(points[2]["categories"][0][2], 3);

    // A window that starts after the regression began says so.
    let late = trend(&r, &["--since", "2026-11-22"]);
    assert_eq!(late["points"].as_array().map(Vec::len), Some(1));
    assert_eq!(late["regressions"][0]["since"], "2026-11-21");
    assert_eq!(late["regressions"][0]["before_window"], true);

    // Markdown, for a job summary.
    let md = at(
        &r,
        "2026-11-22T12:00:00Z",
        &["compliance", "trend", "tf", "--format", "markdown"],
    )
    .ok();
    insta::assert_snapshot!("trend_markdown", md.stdout);

    // The table says the same.
    let table = at(&r, "2026-11-22T12:00:00Z", &["compliance", "trend", "tf"]).ok();
    assert!(
        table
            .stdout
            .contains("2026-11-21 worse: T1 (covered → uncovered)"),
        "{}",
        table.stdout
    );
    assert!(
        table
            .stdout
            .contains("  T1 covered → uncovered since 2026-11-21 (1 days)"),
        "{}",
        table.stdout
    );
}

#[test]
fn a_rerun_for_the_same_as_of_keeps_one_line_and_a_different_one_is_refused() {
    let r = three_envoy_fleet();
    let snap = |r: &Repo| {
        at(
            r,
            "2026-11-20T10:00:00Z",
            &["compliance", "snapshot", "--framework", "tf"],
        )
    };
    snap(&r).ok();
    let again = snap(&r).ok();
    assert!(
        again
            .stderr
            .contains("history/tf.jsonl already holds this snapshot; unchanged"),
        "{}",
        again.stderr
    );
    let history = std::fs::read_to_string(r.path().join("history/tf.jsonl")).expect("history");
    assert_eq!(history.lines().count(), 1);
    let audit = std::fs::read_to_string(r.path().join("audit/audit.jsonl")).expect("audit log");
    assert_eq!(
        audit.matches("\"action\":\"snapshot\"").count(),
        1,
        "{audit}"
    );
    // Same instant, different inputs: refused, nothing written.
    r.file("stacks/configcrates/base.vgo", "compliance:\n  tf: [T4]\n");
    let clash = snap(&r).invalid();
    assert!(
        clash.stderr.contains("error[history-conflict]"),
        "{}",
        clash.stderr
    );
    assert_eq!(
        std::fs::read_to_string(r.path().join("history/tf.jsonl")).expect("history"),
        history
    );
}

#[test]
fn a_rewritten_history_line_fails_verification() {
    let r = three_days();
    let ok = at(
        &r,
        "2026-11-22T12:00:00Z",
        &["compliance", "trend", "tf", "--verify"],
    )
    .ok();
    assert!(
        ok.stderr
            .contains("verified: each of the 4 lines of history/tf.jsonl"),
        "{}",
        ok.stderr
    );
    // Someone improves day 1's numbers by hand.
    let path = r.path().join("history/tf.jsonl");
    let text = std::fs::read_to_string(&path).expect("history");
    let forged = text.replacen("\"covered\":1,", "\"covered\":6,", 1);
    assert_ne!(forged, text);
    std::fs::write(&path, forged).expect("write");
    let bad = at(
        &r,
        "2026-11-22T12:00:00Z",
        &["compliance", "trend", "tf", "--verify"],
    );
    assert_eq!(bad.code, 1, "{}", bad.stderr);
    assert!(
        bad.stderr.contains("error[history-unverified]: `history/tf.jsonl` line 1: the snapshot as of 2026-11-20T10:00:00Z has no `snapshot` entry with its SHA-256 in the audit log"),
        "{}",
        bad.stderr
    );
    assert!(bad.stdout.is_empty(), "no trend from unverified history");
    // Without --verify the trend is still shown (the check is opt-in).
    at(&r, "2026-11-22T12:00:00Z", &["compliance", "trend", "tf"]).ok();
    // A line that is not a snapshot is an input error.
    std::fs::write(&path, "{\"schema\":\"something/else\"}\n").expect("write");
    let broken = at(&r, "2026-11-22T12:00:00Z", &["compliance", "trend", "tf"]).invalid();
    assert!(
        broken.stderr.contains("error[bad-history]"),
        "{}",
        broken.stderr
    );
}

#[test]
fn trend_without_history_and_with_bad_windows() {
    let r = three_envoy_fleet();
    let none = at(&r, "2026-11-22T12:00:00Z", &["compliance", "trend", "tf"]).invalid();
    assert!(
        none.stderr
            .contains("no history of tf: `history/tf.jsonl` does not exist"),
        "{}",
        none.stderr
    );
    at(
        &r,
        "2026-11-20T10:00:00Z",
        &["compliance", "snapshot", "--framework", "tf"],
    )
    .ok();
    for bad in [["--since", "soon"], ["--until", "2026-13-01"]] {
        let mut args = vec!["compliance", "trend", "tf"];
        args.extend_from_slice(&bad);
        let run = at(&r, "2026-11-22T12:00:00Z", &args).invalid();
        assert!(run.stderr.contains("error[bad-argument]"), "{}", run.stderr);
    }
}

#[test]
fn snapshot_json_lines_match_the_schema_fields() {
    let r = three_days();
    let history = std::fs::read_to_string(r.path().join("history/tf.jsonl")).expect("history");
    let first: Value = serde_json::from_str(history.lines().next().unwrap_or("")).expect("JSON");
    assert_eq!(first["schema"], "vigocli/snapshot/v1");
    assert_eq!(first["framework"], "tf");
    // T1..T6 counted, in catalog order: T1 covered, T2 and T3 partial, the rest uncovered.
    assert_eq!(first["statuses"], "CPPUUU");
    assert_eq!(first["catalog"]["version"], "1");
    assert_eq!(first["catalog"]["digest"].as_str().map(str::len), Some(64));
}

#[test]
fn check_fails_when_a_control_stays_regressed_too_long() {
    let r = three_days();
    let gate = |days: &str, as_of: &str| {
        at(
            &r,
            as_of,
            &[
                "compliance",
                "check",
                "--framework",
                "tf",
                "--max-regression-days",
                days,
            ],
        )
    };
    // T1 regressed on 2026-11-21: one day by 2026-11-22.
    let ok = gate("1", "2026-11-22T12:00:00Z");
    assert_eq!(ok.code, 0, "{}", ok.stdout);
    let fail = gate("0", "2026-11-22T12:00:00Z");
    assert_eq!(fail.code, 1, "{}", fail.stdout);
    assert!(
        fail.stdout.contains("error[regressed-too-long]: tf: 1 control(s) regressed for more than 0 day(s) (the oldest since 2026-11-21) in `history/tf.jsonl`"),
        "{}",
        fail.stdout
    );
    assert!(
        fail.stdout.contains("T1 (covered → uncovered)"),
        "{}",
        fail.stdout
    );
    // Days count to the as_of day even without a snapshot that day.
    assert_eq!(gate("1", "2026-11-25T12:00:00Z").code, 1);
    // A gated framework without history cannot be checked.
    let none = three_envoy_fleet();
    let run = at(
        &none,
        "2026-11-22T12:00:00Z",
        &[
            "compliance",
            "check",
            "--framework",
            "tf",
            "--max-regression-days",
            "7",
        ],
    );
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(run.stdout.contains("error[no-history]"), "{}", run.stdout);
}

/// `git` in `dir` with fixed identities and the given commit date.
fn git(dir: &std::path::Path, args: &[&str], date: &str) -> String {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "a")
        .env("GIT_AUTHOR_EMAIL", "a@example.com")
        .env("GIT_COMMITTER_NAME", "a")
        .env("GIT_COMMITTER_EMAIL", "a@example.com")
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The three-envoy fleet as a git repository with its first commit ("day 1") at `date`; the
/// inventory stays out of git, as fleets often keep it.
fn git_fleet(date: &str) -> Repo {
    let r = three_envoy_fleet();
    let d = r.path();
    std::fs::write(d.join(".gitignore"), "inventory/\n").expect("write");
    git(d, &["init", "-q", "-b", "main"], date);
    git(d, &["add", "-A"], date);
    git(d, &["commit", "-q", "-m", "day 1"], date);
    r
}

#[test]
fn trend_from_git_evaluates_the_last_commit_of_each_day_without_touching_the_checkout() {
    if !require_tool("git", "--version", "trend --from-git", "install git") {
        return;
    }
    let r = git_fleet("2026-11-10T09:00:00Z");
    let d = r.path();
    // Day 2: two commits, T1 dropped in the first and T4 added in the last.
    r.file("stacks/configcrates/base.vgo", "compliance:\n  tf: [T5]\n");
    git(
        d,
        &["commit", "-q", "-am", "day 2 a"],
        "2026-11-12T08:00:00Z",
    );
    r.file(
        "stacks/configcrates/base.vgo",
        "compliance:\n  tf: [T4, T5]\n",
    );
    git(
        d,
        &["commit", "-q", "-am", "day 2 b"],
        "2026-11-12T17:00:00Z",
    );
    // Day 3 changes only a file vigocli does not read: its tree differs, its numbers not.
    std::fs::write(d.join("NOTES.md"), "hello\n").expect("write");
    git(d, &["add", "NOTES.md"], "2026-11-13T10:00:00Z");
    git(d, &["commit", "-q", "-m", "day 3"], "2026-11-13T10:00:00Z");
    // Uncommitted work in the checkout: not part of any day.
    r.file(
        "stacks/configcrates/base.vgo",
        "compliance:\n  tf: [T1, T2, T3, T4, T5, T6]\n",
    );
    r.file("stacks/configcrates/new.vgo", "compliance:\n  tf: [T6]\n");
    let status_before = git(d, &["status", "--porcelain"], "2026-11-13T10:00:00Z");
    let index_before = std::fs::read(d.join(".git/index")).expect("index");

    let run = at(
        &r,
        "2026-11-14T12:00:00Z",
        &[
            "compliance",
            "trend",
            "tf",
            "--from-git",
            "--since",
            "10d",
            "--format",
            "json",
        ],
    )
    .ok();
    let t = run.json();
    let points = t["points"].as_array().expect("points");
    let dates: Vec<&str> = points.iter().filter_map(|p| p["date"].as_str()).collect();
    assert_eq!(dates, ["2026-11-10", "2026-11-12", "2026-11-13"]);
    assert_eq!(
        points[1]["as_of"], "2026-11-12T17:00:00Z",
        "the day's last commit"
    );
    let covered: Vec<u64> = points
        .iter()
        .map(|p| p["summary"]["covered"].as_u64().unwrap_or(99))
        .collect();
    assert_eq!(
        covered,
        [1, 2, 2],
        "T1; T4+T5; the same (uncommitted work not counted)"
    );
    assert_eq!(ids(&points[1]["worse"]), ["T1:covered>uncovered"]);
    assert_eq!(t["regressions"][0]["id"], "T1");
    assert_eq!(t["regressions"][0]["since"], "2026-11-12");
    assert!(
        run.stderr.contains(
            "from git: 3 day(s) with commits from 2026-11-04 to 2026-11-14, 3 evaluation(s)"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("is not in git: taken from the current checkout for every day"),
        "{}",
        run.stderr
    );
    // The checkout and the index are exactly as they were.
    assert_eq!(
        git(d, &["status", "--porcelain"], "2026-11-13T10:00:00Z"),
        status_before
    );
    assert_eq!(
        std::fs::read(d.join(".git/index")).expect("index"),
        index_before
    );
    assert!(!d.join("history").exists(), "--from-git writes no history");

    // Outside a git work tree it says so.
    let plain = three_envoy_fleet();
    let err = at(
        &plain,
        "2026-11-14T12:00:00Z",
        &["compliance", "trend", "tf", "--from-git"],
    )
    .invalid();
    assert!(
        err.stderr.contains("cannot read the git history"),
        "{}",
        err.stderr
    );
}

/// The HTML trend and the charts on the report pages: drawn from the same points as the
/// JSON trend, the days linking to their rows; a report without history has no chart and a
/// broken history file is an input error of the report.
#[test]
fn html_trend_page_and_report_charts_show_the_json_numbers() {
    let r = three_days();
    let json = trend(&r, &[]);
    let html_of = |r: &Repo, command: &str| {
        at(
            r,
            "2026-11-22T12:00:00Z",
            &["compliance", command, "tf", "--format", "html"],
        )
        .ok()
        .stdout
    };
    let page = html_of(&r, "trend");
    assert!(page.starts_with("<!DOCTYPE html>"), "{page}");
    assert!(page.contains("<svg class=\"trend-chart\""), "{page}");
    assert_eq!(page.matches("<a class=\"day\"").count(), 3);
    for p in json["points"].as_array().expect("points") {
        let date = p["date"].as_str().unwrap_or("");
        let s = &p["summary"];
        let pct = |k: &str| format!("{:.2} %", s[k].as_f64().unwrap_or(-1.0));
        // The day's link, its label with the numbers, and its row with the same numbers.
        let label = format!(
            "aria-label=\"{date}: coverage {}, assured {}, covered {};",
            pct("coverage_pct"),
            pct("assured_pct"),
            pct("covered_pct")
        );
        assert!(page.contains(&label), "{label}\n{page}");
        assert!(page.contains(&format!("href=\"#trend-{date}\"")), "{date}");
        let row = format!(
            "<tr id=\"trend-{date}\"><th scope=\"row\"><time datetime=\"{date}\">{date}</time></th><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>",
            pct("coverage_pct"),
            pct("assured_pct"),
            pct("covered_pct")
        );
        assert!(page.contains(&row), "{row}\n{page}");
    }
    // Day 2 got worse (T1) and is marked; the open regression is listed.
    assert!(page.contains("1: T1 (covered → uncovered)"), "{page}");
    assert_eq!(page.matches("\"pt pt-coverage pt-worse\"").count(), 1);
    assert!(page.contains("<th scope=\"row\" class=\"cid\">T1</th><td>covered</td><td>uncovered</td><td><a href=\"#trend-2026-11-21\">2026-11-21</a>"), "{page}");
    assert!(
        page.contains("<code>vigocli&#x2f;trend&#x2f;v1</code>"),
        "{page}"
    );

    // The framework page and the dashboard chart the same history, 90 days up to as_of.
    let html = html_of(&r, "report");
    assert!(html.contains("<section id=\"trend\""), "{html}");
    assert!(html.contains("from 2026-08-24 to 2026-11-22"), "{html}");
    assert_eq!(html.matches("<a class=\"day\"").count(), 3);
    let site = r.path().join("site");
    at(
        &r,
        "2026-11-22T12:00:00Z",
        &[
            "compliance",
            "report",
            "all",
            "--format",
            "html",
            "--output-dir",
            site.to_str().unwrap_or("site"),
        ],
    )
    .ok();
    let index = std::fs::read_to_string(site.join("index.html")).expect("index");
    assert_eq!(
        index.matches("<figure class=\"trend\"").count(),
        1,
        "only tf has history"
    );
    assert!(
        index.contains("href=\"tf.html#trend-2026-11-21\""),
        "{index}"
    );
    let tf_page = std::fs::read_to_string(site.join("tf.html")).expect("tf page");
    assert!(tf_page.contains("id=\"trend-2026-11-21\""));

    // Without history: no chart; the JSON report never carries one.
    let plain = three_envoy_fleet();
    let html = html_of(&plain, "report");
    assert!(!html.contains("id=\"trend\""));
    let report = r.report("tf", &[]);
    assert!(report.get("trend").is_none());

    // A broken history file is an input error of the HTML report, with its line.
    r.file("history/tf.jsonl", "{\"schema\":\"vigocli/snapshot/v1\"}\n");
    let bad = at(
        &r,
        "2026-11-22T12:00:00Z",
        &["compliance", "report", "tf", "--format", "html"],
    )
    .invalid();
    assert!(bad.stderr.contains("bad-history"), "{}", bad.stderr);
    assert!(bad.stderr.contains("history/tf.jsonl"), "{}", bad.stderr);
}

/// `--from-git` brings one copy of the repository from commit to commit by writing only
/// what changed: files added in new directories, modified, renamed, deleted, whole
/// directories removed. Every day's point must equal a report of a fresh export of that
/// day's commit, at one thread (one copy walks every day) and at several.
#[test]
fn trend_from_git_points_equal_reports_of_each_commit() {
    if !require_tool("git", "--version", "trend --from-git", "install git") {
        return;
    }
    let r = git_fleet("2026-11-01T09:00:00Z");
    let d = r.path();
    let head = |date: &str| git(d, &["rev-parse", "HEAD"], date).trim().to_string();
    let mut commits: Vec<(&str, String)> =
        vec![("2026-11-01T09:00:00Z", head("2026-11-01T09:00:00Z"))];
    let mut commit = |date: &'static str, msg: &str| {
        git(d, &["add", "-A"], date);
        git(d, &["commit", "-q", "-m", msg], date);
        commits.push((date, head(date)));
    };
    // A configcrate in a new directory, assigned to zone a.
    r.file(
        "stacks/configcrates/more/new.vgo",
        "compliance:\n  tf: [T2]\n",
    );
    r.file("stacks/common.vgo", "configcrates: [base, new]\n");
    commit("2026-11-02T09:00:00Z", "day 2");
    // T1 dropped; the new configcrate renamed (a deletion and an addition).
    r.file("stacks/configcrates/base.vgo", "compliance:\n  tf: [T5]\n");
    std::fs::rename(
        d.join("stacks/configcrates/more/new.vgo"),
        d.join("stacks/configcrates/more/renamed.vgo"),
    )
    .expect("rename");
    r.file("stacks/common.vgo", "configcrates: [base, renamed]\n");
    commit("2026-11-03T09:00:00Z", "day 3");
    // The whole directory removed again.
    std::fs::remove_dir_all(d.join("stacks/configcrates/more")).expect("remove");
    r.file("stacks/common.vgo", "configcrates: [base]\n");
    commit("2026-11-04T09:00:00Z", "day 4");
    // A directory becomes a file (not an input) of the same name, then a directory again.
    r.file("stacks/configcrates/more", "notes, not a configcrate\n");
    commit("2026-11-04T18:00:00Z", "day 4 b");
    std::fs::remove_file(d.join("stacks/configcrates/more")).expect("remove");
    r.file(
        "stacks/configcrates/more/x.vgo",
        "compliance:\n  tf: [T6]\n",
    );
    r.file("stacks/common.vgo", "configcrates: [base, x]\n");
    commit("2026-11-05T09:00:00Z", "day 5");

    let trend_at = |threads: &str| {
        at(
            &r,
            "2026-11-06T12:00:00Z",
            &[
                "--threads",
                threads,
                "compliance",
                "trend",
                "tf",
                "--from-git",
                "--since",
                "10d",
                "--format",
                "json",
            ],
        )
        .ok()
        .json()
    };
    let one = trend_at("1");
    assert_eq!(one, trend_at("3"), "the same series at any thread count");
    let points = one["points"].as_array().expect("points");
    // Day 4 has two commits: its point is the later one.
    commits.retain(|(date, _)| *date != "2026-11-04T09:00:00Z");
    assert_eq!(points.len(), commits.len());
    let inventory = d.join("inventory/envoys.json");
    for (p, (date, sha)) in points.iter().zip(&commits) {
        let fresh = tempfile::tempdir().expect("tempdir");
        let clone = fresh.path().join("repo");
        git(
            fresh.path(),
            &["clone", "-q", d.to_str().unwrap_or("."), "repo"],
            date,
        );
        git(&clone, &["checkout", "-q", sha], date);
        let report = run_repo(
            &clone,
            date,
            &[
                "--inventory",
                inventory.to_str().unwrap_or(""),
                "compliance",
                "report",
                "tf",
                "--format",
                "json",
            ],
        )
        .ok()
        .json();
        for k in [
            "covered",
            "partial",
            "waived",
            "uncovered",
            "coverage_pct",
            "covered_pct",
        ] {
            assert_eq!(p["summary"][k], report["summary"][k], "{date}: {k}");
        }
    }
    let covered: Vec<u64> = points
        .iter()
        .map(|p| p["summary"]["covered"].as_u64().unwrap_or(99))
        .collect();
    assert_eq!(covered, [1, 2, 2, 1, 2], "T1; T1+T2; T5+T2; T5; T5+T6");
}

//! `completions` and `man`: generated from the same clap definitions as `--help`.

use crate::common::*;
use std::process::Command;

#[test]
fn bash_loads_the_completion_script_and_completes_commands() {
    let dir = tempfile::tempdir().unwrap();
    let run = vig(dir.path(), &["completions", "bash"], &[]).ok();
    assert!(run.stdout.contains("_vigocli"), "{}", run.stdout);
    let script = dir.path().join("vigocli.bash");
    std::fs::write(&script, &run.stdout).unwrap();
    // Source it, then ask the completion function what follows `vigocli compliance re`.
    let probe = format!(
        "source {} && complete -p vigocli && COMP_WORDS=(vigocli compliance re) COMP_CWORD=2 COMP_LINE='vigocli compliance re' COMP_POINT=21 && _vigocli vigocli re compliance && printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script.display()
    );
    let out = Command::new("bash")
        .arg("-c")
        .arg(&probe)
        .output()
        .expect("bash runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("complete -o bashdefault"), "{text}");
    assert!(text.lines().any(|l| l == "report"), "{text}");
}

#[test]
fn every_shell_gets_a_script_that_names_the_commands() {
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let run = vig(dir.path(), &["completions", shell], &[]).ok();
        for word in ["compliance", "evidence", "migrate-tags", "min-assured"] {
            assert!(run.stdout.contains(word), "{shell}: no {word}");
        }
    }
    let bad = vig(dir.path(), &["completions", "tcsh"], &[]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
}

#[test]
fn man_writes_one_page_per_command_deterministically() {
    let dir = tempfile::tempdir().unwrap();
    let run = vig(dir.path(), &["man", "--output-dir", "pages"], &[]).ok();
    assert!(run.stderr.contains("manual pages"), "{}", run.stderr);
    let read = |d: &str| -> Vec<(String, Vec<u8>)> {
        let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir.path().join(d))
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                (
                    e.file_name().to_string_lossy().into_owned(),
                    std::fs::read(e.path()).unwrap(),
                )
            })
            .collect();
        v.sort();
        v
    };
    let pages = read("pages");
    let names: Vec<&str> = pages.iter().map(|(n, _)| n.as_str()).collect();
    for want in [
        "vigocli.1",
        "vigocli-compliance-report.1",
        "vigocli-evidence-add.1",
        "vigocli-catalog-import.1",
    ] {
        assert!(names.contains(&want), "{names:?}");
    }
    for (name, bytes) in &pages {
        let text = String::from_utf8_lossy(bytes);
        assert!(
            text.starts_with(".ie") || text.contains("\n.TH "),
            "{name} is not a man page"
        );
    }
    let add = String::from_utf8_lossy(
        &pages
            .iter()
            .find(|(n, _)| n == "vigocli-evidence-add.1")
            .unwrap()
            .1,
    )
    .into_owned();
    assert!(add.contains("control"), "{add}");
    vig(dir.path(), &["man", "--output-dir", "again"], &[]).ok();
    assert_eq!(pages, read("again"), "two runs give the same bytes");
}

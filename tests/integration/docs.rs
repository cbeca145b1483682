//! Generated documentation is committed and kept fresh here. Regenerate with
//! `VIGOCLI_BLESS=1 cargo test --test integration docs`.

use std::path::PathBuf;
use vigocli::diag::Code;

fn docs(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("docs")
        .join(name)
}

fn check_fresh(name: &str, generated: &str) {
    let path = docs(name);
    if std::env::var_os("VIGOCLI_BLESS").is_some() {
        std::fs::write(&path, generated).expect("write doc");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/{name} is out of date: run `VIGOCLI_BLESS=1 cargo test --test integration docs` and commit it"
    );
}

fn walk(cmd: &mut clap::Command, path: &str, out: &mut String) {
    let full = if path.is_empty() {
        cmd.get_name().to_string()
    } else {
        format!("{path} {}", cmd.get_name())
    };
    out.push_str(&format!(
        "\n## `{full}`\n\n```text\n{}\n```\n",
        cmd.render_long_help().to_string().trim_end()
    ));
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .filter(|n| n != "help")
        .collect();
    for n in names {
        if let Some(sub) = cmd.find_subcommand_mut(&n) {
            walk(sub, &full, out);
        }
    }
}

#[test]
fn cli_reference_is_fresh() {
    let mut cmd = vigocli::cli::command();
    cmd.build();
    let mut out = String::from(
        "# CLI reference\n\nGenerated from the command-line definition by the test suite \
         (`VIGOCLI_BLESS=1 cargo test --test integration docs`); do not edit by hand.\n\
         Exit codes for every command: see [exit-codes.md](exit-codes.md).\n",
    );
    walk(&mut cmd, "", &mut out);
    check_fresh("cli.md", &out);
}

#[test]
fn every_diagnostic_code_is_documented() {
    let text = std::fs::read_to_string(docs("diagnostics.md")).expect("docs/diagnostics.md");
    let missing: Vec<&str> = Code::ALL
        .iter()
        .map(|c| c.as_str())
        .filter(|c| !text.contains(&format!("\n## `{c}`\n")))
        .collect();
    assert!(
        missing.is_empty(),
        "codes without a heading in docs/diagnostics.md: {missing:?}"
    );
    for c in Code::ALL {
        assert!(
            text.contains(c.description()),
            "docs/diagnostics.md must carry the description of `{}`",
            c.as_str()
        );
    }
}

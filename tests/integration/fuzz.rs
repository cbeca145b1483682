//! Fuzzing the parsers through the real binary: arbitrary and mutated inputs must give a
//! report (exit 0) or positioned errors (exit 2), never a panic or a hang.
//! More cases: `PROPTEST_CASES=2000 cargo test --release --test integration fuzz`.

use crate::common::*;
use proptest::prelude::*;

/// Valid files to mutate, one per input kind.
const SEEDS: &[(&str, &str)] = &[
    (
        "stacks/configcrates/a.vgo",
        "name: a\ncompliance:\n  tf: [T1, \"T2\"]\nprovides: [cap-a]\nbundle: tf/basic\n",
    ),
    (
        "stacks/configcrates/compliance.vgo",
        "compliance:\n  testfw: [T3]\n",
    ),
    (
        "stacks/roles.vgo",
        "roles:\n  web:\n    configcrates: [a]\n    includes: []\n",
    ),
    (
        "stacks/common.vgo",
        "configcrates: [a]\nlabels: { phi: true }\n",
    ),
    (
        "stacks/zone/envoys.vgo",
        "envoys:\n  - match: \"h-*\"\n    roles: [web]\n    labels: { env: prod }\n",
    ),
    (
        "stacks/waivers.vgo",
        "waivers:\n  - control: \"tf:T5\"\n    rationale: r\n    expires: \"2027-01-01\"\n    owner: o\n    envoys: \"h-1\"\n",
    ),
    (
        "inventory/e.json",
        "{\"envoys\": [{\"hostname\": \"h-1\", \"labels\": {\"phi\": true}, \"last_converged\": \"2026-11-21T00:00:00Z\"}]}",
    ),
    (
        "inventory/f.jsonl",
        "{\"hostname\": \"h-2\", \"configcrates\": [\"a\"]}\n",
    ),
    (
        "inventory/g.yaml",
        "envoys:\n  - hostname: h-3\n    revoked: false\n",
    ),
    (
        "traits/t.jsonl",
        "{\"envoy\": \"h-1\", \"capability\": \"cap-a\", \"status\": \"pass\", \"checked_at\": \"2026-11-22T01:00:00Z\"}\n",
    ),
    (
        "traits/h-1/cap-b.json",
        "{\"status\": \"fail\", \"checked_at\": \"2026-11-22T02:00:00Z\"}",
    ),
    ("vigocli.toml", "[frameworks.tf]\nscope = { phi = true }\n"),
];

#[derive(Debug, Clone)]
enum Mutation {
    /// Replace a byte range with arbitrary bytes.
    Splice(usize, usize, Vec<u8>),
    /// Replace the whole file with arbitrary text.
    Replace(String),
    /// Truncate.
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (
            any::<usize>(),
            0usize..8,
            proptest::collection::vec(any::<u8>(), 0..6)
        )
            .prop_map(|(a, n, b)| Mutation::Splice(a, n, b)),
        "[ -~\\n\\t:{}\\[\\]\"'#&*!|>-]{0,80}".prop_map(Mutation::Replace),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn apply(seed: &str, m: &Mutation) -> Vec<u8> {
    let mut b = seed.as_bytes().to_vec();
    match m {
        Mutation::Splice(at, n, bytes) => {
            let at = at % (b.len() + 1);
            let end = (at + n).min(b.len());
            b.splice(at..end, bytes.iter().copied());
        }
        Mutation::Replace(s) => b = s.as_bytes().to_vec(),
        Mutation::Truncate(at) => b.truncate(at % (b.len() + 1)),
    }
    b
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    #[test]
    fn mutated_repositories_never_panic(which in 0..SEEDS.len(), m in mutation(), second in proptest::option::of((0..SEEDS.len(), mutation()))) {
        let r = tf_repo();
        for (path, content) in SEEDS {
            r.file(path, content);
        }
        r.bytes(SEEDS[which].0, &apply(SEEDS[which].1, &m));
        if let Some((w2, m2)) = &second {
            r.bytes(SEEDS[*w2].0, &apply(SEEDS[*w2].1, m2));
        }
        let out = r.path().join("out.json");
        let o = out.display().to_string();
        let run = r.run(&["compliance", "report", "tf", "--format", "json", "--output", &o]);
        prop_assert!(!run.stderr.contains("panicked"), "panic:\n{}", run.stderr);
        prop_assert!(run.code == 0 || run.code == 2, "exit {}:\n{}", run.code, run.stderr);
        if run.code == 2 {
            prop_assert!(run.stderr.contains("error["), "{}", run.stderr);
            prop_assert!(!out.exists(), "half-written output on error");
        } else {
            prop_assert!(out.exists());
        }
    }
}

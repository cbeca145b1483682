//! Audit chain throughput: append N entries (in batches, one lock per batch) and verify
//! them all, through the library. Run by `benches/audit_chain.sh`.
//!
//!   cargo bench --bench audit_chain -- DIR [N]

use std::time::Instant;
use vigocli::audit::chain::{self, NewEntry};

fn main() {
    let mut args = std::env::args().skip(1).filter(|a| a != "--bench");
    let dir = std::path::PathBuf::from(args.next().unwrap_or_else(|| "target/bench-audit".into()));
    let n: usize = args
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let _ = std::fs::remove_dir_all(&dir);
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("cannot create {}: {e}", dir.display());
        std::process::exit(2);
    }
    let log = dir.join("audit.jsonl");
    let start: jiff::Timestamp = "2026-01-01T00:00:00Z".parse().unwrap_or_default();
    const BATCH: usize = 10_000;
    let t = Instant::now();
    let mut done = 0;
    while done < n {
        let batch: Vec<NewEntry> = (done..(done + BATCH).min(n))
            .map(|i| NewEntry {
                ts: start + jiff::SignedDuration::from_secs(i as i64),
                actor: format!("user{}", i % 97),
                action: "waiver.approve".into(),
                target: format!("hipaa:164.312({})", i % 13),
                details: serde_json::json!({"ticket": format!("SEC-{i}"), "n": i}),
            })
            .collect();
        if let Err(e) = chain::append(&log, &batch) {
            eprintln!("append: {e}");
            std::process::exit(1);
        }
        done += batch.len();
    }
    let append = t.elapsed().as_secs_f64();
    let size = std::fs::metadata(&log).map(|m| m.len()).unwrap_or(0);

    let t = Instant::now();
    let verified = match chain::read_log(std::slice::from_ref(&log)) {
        Ok(l) => l.entries.len(),
        Err(e) => {
            eprintln!("verify: {e:?}");
            std::process::exit(1);
        }
    };
    let verify = t.elapsed().as_secs_f64();
    assert_eq!(verified, n);

    // Single-entry appends pay a lock, a tail read and an fsync each.
    let single = 2_000.min(n);
    let t = Instant::now();
    for i in 0..single {
        let e = NewEntry {
            ts: start + jiff::SignedDuration::from_secs((n + i) as i64),
            actor: "alice".into(),
            action: "report.publish".into(),
            target: "hipaa".into(),
            details: serde_json::Value::Null,
        };
        if let Err(e) = chain::append(&log, std::slice::from_ref(&e)) {
            eprintln!("append: {e}");
            std::process::exit(1);
        }
    }
    let one = t.elapsed().as_secs_f64();

    println!(
        "entries: {n} ({:.1} MiB, {} bytes/entry)",
        size as f64 / 1048576.0,
        size / n.max(1) as u64
    );
    println!(
        "append (batches of {BATCH}): {append:.2} s, {:.0} entries/s",
        n as f64 / append
    );
    println!("verify: {verify:.2} s, {:.0} entries/s", n as f64 / verify);
    println!(
        "append one entry per call (lock + fsync each), {single} calls: {:.0} entries/s",
        single as f64 / one
    );
}

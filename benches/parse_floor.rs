//! The parse floor of the scale benchmark: read every input file of a generated repository
//! and parse it into generic values (JSON lines through `serde_json`, `.vgo`/`.yaml`/`.yml`
//! through the project's YAML reader), on one thread, and nothing else. `benches/fleet_table.sh`
//! runs it in the same run as vigocli and reports every command as a ratio to it.
//!
//!   cargo bench --bench parse_floor -- REPO

use std::path::{Path, PathBuf};
use std::time::Instant;
use vigocli::yaml::{self, SourceFile};

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn main() {
    let mut args = std::env::args().skip(1).filter(|a| a != "--bench");
    let repo = PathBuf::from(args.next().unwrap_or_else(|| "target/bench-fleet".into()));
    let t = Instant::now();
    let mut files = Vec::new();
    for sub in ["stacks", "inventory", "traits", "evidence", "frameworks"] {
        walk(&repo.join(sub), &mut files);
    }
    let (mut bytes, mut values, mut parsed) = (0usize, 0usize, 0usize);
    for path in &files {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        bytes += text.len();
        match path.extension().and_then(|e| e.to_str()) {
            Some("jsonl") => {
                for line in text.lines().filter(|l| !l.trim().is_empty()) {
                    if serde_json::from_str::<serde_json::Value>(line).is_ok() {
                        values += 1;
                    }
                }
            }
            Some("json") => {
                values += usize::from(serde_json::from_str::<serde_json::Value>(&text).is_ok())
            }
            Some("vgo" | "yaml" | "yml") => {
                let file = SourceFile::new(path.display().to_string(), text);
                values += usize::from(yaml::parse(&file).is_ok());
            }
            _ => continue,
        }
        parsed += 1;
    }
    eprintln!(
        "parse floor: {parsed} files, {bytes} bytes, {values} values in {:.3} s",
        t.elapsed().as_secs_f64()
    );
}

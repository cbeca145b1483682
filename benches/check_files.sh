#!/usr/bin/env bash
# Pre-commit latency: `compliance check FILE` on one configcrate of a generated repository
# with 2,000 configcrates (benches/gen_fleet.py; no inventory, no Connwaer results: what a
# pre-commit hook sees). Target (issue: CI gate): < 100 ms on 2 cores. Also times one
# envoy-tree file (which loads the whole stacks tree) and the whole-repository check.
#
#   benches/check_files.sh [CONFIGCRATES]
set -euo pipefail
cd "$(dirname "$0")/.."
crates=${1:-2000}
out=target/bench-check
rm -rf "$out"
python3 benches/gen_fleet.py "$out" --envoys 10 --configcrates "$crates" >/dev/null
rm -rf "$out/inventory" "$out/traits" "$out/vigocli.toml"
cargo build --release --locked -q
bin=$(pwd)/target/release/vigocli
one=stacks/configcrates/group-07/crate-0007.vgo
tree=stacks/production/us-east/envoys.vgo
cd "$out"
echo "repository: $crates configcrates, $(nproc) cores"
if command -v hyperfine >/dev/null; then
  hyperfine --warmup 3 --runs 30 -N --export-json hyperfine.json \
    "$bin --as-of 2026-11-22 compliance check $one" \
    "$bin --as-of 2026-11-22 compliance check $tree" \
    -i "$bin --as-of 2026-11-22 compliance check"   # exits 1: the generated waivers include expired ones
else
  for cmd in "compliance check $one" "compliance check $tree" "compliance check"; do
    runs=20
    start=$(date +%s%N)
    for _ in $(seq $runs); do "$bin" --as-of 2026-11-22 $cmd >/dev/null || true; done
    end=$(date +%s%N)
    echo "$cmd: $(( (end - start) / runs / 1000000 )) ms mean over $runs runs"
  done
fi
if [ -f hyperfine.json ]; then
  python3 - <<'PY'
import json, statistics
for r in json.load(open("hyperfine.json"))["results"]:
    t = sorted(r["times"])
    print(f'{r["command"].split("compliance ")[1]:<70} median {statistics.median(t)*1000:6.1f} ms  min {t[0]*1000:6.1f} ms  user+sys {(r["user"]+r["system"])*1000:6.1f} ms')
PY
fi

#!/usr/bin/env bash
# Audit chain throughput: append and verify 1,000,000 entries through the library, then
# time the CLI on the same log (`audit verify`, a bundle of the whole log, and
# `compliance verify` of that bundle).
#
#   benches/audit_chain.sh [ENTRIES]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
out=target/bench-audit
cargo bench --locked -q --bench audit_chain -- "$out" "$n"
cargo build --release --locked -q
bin=target/release/vigocli
timeit() {
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f "    wall %e s, peak RSS %M KiB" "$@"
  else
    time "$@"
  fi
}
repo=examples/healthcare-saas
echo "vigocli audit verify ($n+ entries):"
timeit "$bin" --repo "$repo" audit verify "$out/audit.jsonl"
echo "compliance report audit-bundle hipaa (whole log):"
timeit "$bin" --repo "$repo" --as-of 2026-11-22T12:00:00Z compliance report audit-bundle hipaa \
  --audit-log "$out/audit.jsonl" --output "$out/bundle.zip"
ls -l "$out/bundle.zip" | awk '{print "  bundle size: " $5 " bytes"}'
echo "compliance verify:"
timeit "$bin" compliance verify "$out/bundle.zip" >/dev/null

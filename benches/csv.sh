#!/usr/bin/env bash
# CSV export benchmark: `compliance export csv --per-envoy` streams the envoy x control
# matrix row by row, so its peak memory is that of the loaded fleet, not of the rows it
# writes. For each fleet size it prints wall time, peak RSS and output size of the matrix
# next to `report --format json` of the same framework (the memory of the loaded model).
#
#   benches/csv.sh [FRAMEWORK] [ENVOYS...]     # default: hipaa 10000 100000
set -euo pipefail
cd "$(dirname "$0")/.."
framework=${1:-hipaa}
shift || true
sizes=("${@:-10000 100000}")
read -r -a sizes <<<"${sizes[*]}"
cargo build --release --locked -q
target_dir=$(cargo metadata --format-version 1 --no-deps --locked |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
bin="$target_dir/release/vigocli"
out="$target_dir/bench-csv"

run() { # label, then the vigocli arguments after the repository
  local label=$1 file=$2
  shift 2
  /usr/bin/time -f "%e %M" -o "$out/time" "$bin" --repo "$out/fleet" --as-of 2026-11-22T12:00:00Z \
    "$@" 2>"$out/stderr" || { cat "$out/stderr" >&2; exit 1; }
  read -r wall kib <"$out/time"
  printf '| %s | %s | %s s | %s MiB | %s MB |\n' "$envoys" "$label" "$wall" "$((kib / 1024))" \
    "$(python3 -c "import os; print(round(os.path.getsize('$file') / 1e6, 1))")"
}

echo "| envoys | command | wall | peak RSS | output |"
echo "| ---: | --- | ---: | ---: | ---: |"
for envoys in "${sizes[@]}"; do
  rm -rf "$out"
  mkdir -p "$out"
  python3 benches/gen_fleet.py "$out/fleet" --envoys "$envoys" --configcrates 2000 >/dev/null
  run "report $framework --format json" "$out/report.json" \
    compliance report "$framework" --format json --output "$out/report.json"
  run "export csv --framework $framework" "$out/controls.csv" \
    compliance export csv --framework "$framework" --output "$out/controls.csv"
  run "export csv --framework $framework --per-envoy" "$out/matrix.csv" \
    compliance export csv --framework "$framework" --per-envoy --output "$out/matrix.csv"
done
rm -rf "$out"

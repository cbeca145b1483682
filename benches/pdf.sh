#!/usr/bin/env bash
# PDF rendering benchmark: `report nist-800-53 --format pdf` (1,009 controls, about 40
# pages) on the example repository, against `--format json` of the same report, so the
# difference is what laying out and writing the PDF costs. Target: <= 2 s for the PDF.
#
#   benches/pdf.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
cargo build --release --locked -q
target_dir=$(cargo metadata --format-version 1 --no-deps --locked |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
bin="$target_dir/release/vigocli"
out="$target_dir/bench-pdf"
mkdir -p "$out"
repo=examples/healthcare-saas

# Prints the median and the minimum wall time (s) and the median user+sys (s) of $runs runs.
measure() {
  local format=$1 walls=() cpus=()
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %U %S" -o "$out/time" "$bin" --repo "$repo" --as-of 2026-11-22T12:00:00Z \
      compliance report nist-800-53 --format "$format" --output "$out/nist.$format" 2>/dev/null
    read -r wall user sys <"$out/time"
    walls+=("$wall")
    cpus+=("$(python3 -c "print(round($user + $sys, 2))")")
  done
  python3 - "${walls[*]}" "${cpus[*]}" <<'PY'
import statistics, sys
walls = [float(x) for x in sys.argv[1].split()]
cpus = [float(x) for x in sys.argv[2].split()]
print(f"median {statistics.median(walls):.3f} s, min {min(walls):.3f} s, user+sys median {statistics.median(cpus):.3f} s")
PY
}

echo "report nist-800-53 ($repo, $(nproc) cores, $runs runs each):"
printf '  --format json: '
measure json
printf '  --format pdf:  '
measure pdf
pages=$(python3 -c "import re,sys; print(len(re.findall(rb'/Type\s*/Page\b', open(sys.argv[1],'rb').read())))" "$out/nist.pdf")
echo "  the PDF: $(wc -c <"$out/nist.pdf") bytes, $pages pages"

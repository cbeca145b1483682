#!/usr/bin/env bash
# Fleet-scale ratios, measured side by side in one run: the parse floor (benches/parse_floor.rs:
# read and parse every input into generic values, one thread) and vigocli on the same
# generated fleet, then the same fleet plus WAIVERS glob-scoped waivers. Prints a table:
# command, wall (best of RUNS), peak RSS, ratio to the floor.
#
#   benches/fleet_table.sh [ENVOYS] [CONFIGCRATES] [RESULTS] [WAIVERS] [RUNS]
#   (defaults: 100000 2000 200000 10000 3; BIN=path to compare another vigocli build)
set -euo pipefail
cd "$(dirname "$0")/.."
envoys=${1:-100000}
crates=${2:-2000}
results=${3:-200000}
nwaivers=${4:-10000}
runs=${5:-3}
target=${CARGO_TARGET_DIR:-target}
out=$target/bench-fleet-table
rm -rf "$out" "$out-w"
python3 benches/gen_fleet.py "$out" --envoys "$envoys" --configcrates "$crates" --results "$results" >/dev/null
python3 benches/gen_fleet.py "$out-w" --envoys "$envoys" --configcrates "$crates" --results "$results" \
  --waivers "$nwaivers" --waiver-globs mixed >/dev/null
cargo build --release --locked -q --bin vigocli
cargo bench --locked -q --bench parse_floor --no-run 2>/dev/null
floor_bin=$(ls -t "$target"/release/deps/parse_floor-* | grep -v '\.d$' | head -1)
bin=${BIN:-$target/release/vigocli}
as_of=2026-11-22T12:00:00Z
# best wall and its peak RSS (KiB) over $runs runs of "$@"
measure() {
  local best= rss=
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %M" -o "$out.time" "$@" >/dev/null 2>&1 || true
    read -r w m < <(tail -1 "$out.time")
    if [ -z "$best" ] || awk "BEGIN{exit !($w < $best)}"; then best=$w rss=$m; fi
  done
  echo "$best $rss"
}
read -r fw fm < <(measure "$floor_bin" "$out")
printf '%-52s %8s %10s %7s\n' command "wall s" "peak MiB" ratio
row() {
  local name=$1; shift
  read -r w m < <(measure "$@")
  printf '%-52s %8.2f %10.1f %7.2f\n' "$name" "$w" "$(awk "BEGIN{print $m/1024}")" "$(awk "BEGIN{print $w/$fw}")"
}
printf '%-52s %8.2f %10.1f %7.2f\n' "parse floor ($envoys envoys)" "$fw" "$(awk "BEGIN{print $fm/1024}")" 1
row "report nist-800-53 --format json" "$bin" --repo "$out" --as-of $as_of compliance report nist-800-53 --format json --output "$out/nist.json"
row "status" "$bin" --repo "$out" --as-of $as_of compliance status
row "check" "$bin" --repo "$out" --as-of $as_of compliance check
row "report all --format html --output-dir" "$bin" --repo "$out" --as-of $as_of compliance report all --format html --output-dir "$out/site"
row "report nist-800-53 --format json + $nwaivers mixed waivers" "$bin" --repo "$out-w" --as-of $as_of compliance report nist-800-53 --format json --output "$out-w/nist.json"

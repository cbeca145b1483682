#!/usr/bin/env bash
# `trend --from-git` benchmark: a generated fleet (benches/gen_fleet.py: 2,000 configcrates)
# turned into a git repository with one commit a day for 90 days (benches/gen_history.py),
# then `compliance trend nist-800-53 --from-git --since 90d`, timed (target: <= 10 s on 2
# cores), and `compliance snapshot` against `compliance report` on the same fleet (target:
# <= 10 % more).
#
#   benches/history.sh [ENVOYS] [DAYS]      # default: 10000 90
#   RUNS=5 benches/history.sh               # best of 5 runs of each command (default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
envoys=${1:-10000}
days=${2:-90}
cargo build --release --locked -q
target_dir=$(cargo metadata --format-version 1 --no-deps --locked |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
bin="$target_dir/release/vigocli"
out="$target_dir/bench-history"
rm -rf "$out"
mkdir -p "$out"
python3 benches/gen_fleet.py "$out/repo" --envoys "$envoys" --configcrates 2000 >/dev/null
python3 benches/gen_history.py "$out/repo" --days "$days"
as_of=$(git -C "$out/repo" log -1 --format=%cI)
runs=${RUNS:-3}
time_it() { # label, then the vigocli arguments; the best of $runs runs
  local label=$1 best="" best_kib=0
  shift
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %M" -o "$out/time" "$bin" --repo "$out/repo" --as-of "$as_of" "$@" \
      >"$out/stdout" 2>"$out/stderr" || { cat "$out/stderr" >&2; exit 1; }
    read -r wall kib <"$out/time"
    if [ -z "$best" ] || awk -v a="$wall" -v b="$best" 'BEGIN { exit !(a < b) }'; then
      best=$wall
      best_kib=$kib
    fi
  done
  printf '| %s | %s s | %s MiB |\n' "$label" "$best" "$((best_kib / 1024))"
}
echo "$envoys envoys, 2,000 configcrates, $days daily commits, $(nproc) cores"
echo "| command | wall | peak RSS |"
echo "| --- | ---: | ---: |"
time_it "trend nist-800-53 --from-git --since ${days}d" compliance trend nist-800-53 --from-git --since "${days}d"
grep -h "^from git" "$out/stderr" >&2 || true
time_it "report nist-800-53 --format json" compliance report nist-800-53 --format json --output "$out/r.json"
time_it "snapshot --framework nist-800-53" compliance snapshot --framework nist-800-53

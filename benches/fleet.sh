#!/usr/bin/env bash
# Scale benchmark: a generated fleet of 100,000 envoys and 2,000 configcrates over the 8
# built-in frameworks. Prints wall time and peak RSS of `report nist-800-53 --format json`
# (target: <= 5 s and <= 1 GB on 2 cores), plus `compliance status` over every framework,
# and the HTML renderings: the page size of `report nist-800-53 --format html` (target:
# <= 10 MB) and the static site of `report all --format html`.
#
# With --evidence it measures what evidence costs instead: the same fleet plus 5,000
# evidence records over 2,000 documents of 64 KiB, `report nist-800-53 --format json`
# timed with and without them in alternating runs (target: evidence adds <= 20 %), then
# an audit bundle carrying the documents and its verification.
#
#   benches/fleet.sh [ENVOYS] [CONFIGCRATES]
#   benches/fleet.sh --evidence [ENVOYS] [CONFIGCRATES] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
evidence=
if [ "${1:-}" = --evidence ]; then
  evidence=1
  shift
fi
envoys=${1:-100000}
crates=${2:-2000}
out=target/bench-fleet
rm -rf "$out"
if [ -n "$evidence" ]; then
  python3 benches/gen_fleet.py "$out" --envoys "$envoys" --configcrates "$crates" \
    --evidence 5000 --evidence-files 2000 --evidence-kib 64
else
  python3 benches/gen_fleet.py "$out" --envoys "$envoys" --configcrates "$crates"
fi
cargo build --release --locked -q
bin=target/release/vigocli
if [ -n "$evidence" ]; then
  runs=${3:-5}
  report() {
    if ! /usr/bin/time -f "%e %M %U %S" -o "$out/time" "$bin" --repo "$out" --as-of 2026-11-22T12:00:00Z \
      compliance report nist-800-53 --format json --output "$out/nist.json" 2>"$out/stderr"; then
      cat "$out/stderr" >&2
      exit 1
    fi
    cat "$out/time"
  }
  echo "report nist-800-53 --format json ($envoys envoys, $crates configcrates, $(nproc) cores), $runs alternating runs:"
  echo "  run  without evidence (wall s, peak KiB, user s, sys s)  with evidence (same)"
  without=()
  with=()
  for i in $(seq "$runs"); do
    mv "$out/evidence" "$out/evidence.off"
    a=$(report)
    mv "$out/evidence.off" "$out/evidence"
    b=$(report)
    echo "  $i    $a    $b"
    without+=("$a")
    with+=("$b")
  done
  python3 - "$(printf '%s\n' "${without[@]}")" "$(printf '%s\n' "${with[@]}")" <<'PY'
import statistics, sys
rows = lambda s: [[float(x) for x in line.split()] for line in s.splitlines() if line.strip()]
a, b = rows(sys.argv[1]), rows(sys.argv[2])
wa, wb = [r[0] for r in a], [r[0] for r in b]
ca, cb = [r[2] + r[3] for r in a], [r[2] + r[3] for r in b]
ma, mb = statistics.median(wa), statistics.median(wb)
print(f"  median wall: without {ma:.2f} s, with {mb:.2f} s: evidence adds {100 * (mb - ma) / ma:+.1f} % (target <= +20 %)")
print(f"  best wall:   without {min(wa):.2f} s, with {min(wb):.2f} s: {100 * (min(wb) - min(wa)) / min(wa):+.1f} %")
xa, xb = statistics.median(ca), statistics.median(cb)
print(f"  median CPU (user+sys): without {xa:.2f} s, with {xb:.2f} s: {100 * (xb - xa) / xa:+.1f} %")
PY
  python3 -c "import json,collections,sys; r=json.load(open(sys.argv[1])); print('  report:', len(r['evidence']), 'evidence rows', dict(collections.Counter(e['state'] for e in r['evidence'])), '; attested', r['summary']['attested'])" "$out/nist.json"
  echo "audit-bundle nist-800-53 (with the framework's evidence documents), then verify:"
  /usr/bin/time -f "    wall %e s, peak RSS %M KiB" "$bin" --repo "$out" --as-of 2026-11-22T12:00:00Z \
    compliance report audit-bundle nist-800-53 --output "$out/bundle.zip" 2>&1 | grep -v '^note'
  ls -l "$out/bundle.zip" | awk '{print "  bundle size: " $5 " bytes"}'
  /usr/bin/time -f "    wall %e s, peak RSS %M KiB" "$bin" compliance verify "$out/bundle.zip" | grep -E 'evidence|verified|VERIFIED'
  exit 0
fi
timeit() {
  # GNU time if present, else bash's time (no RSS).
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f "    wall %e s, peak RSS %M KiB" "$@"
  else
    time "$@"
  fi
}
echo "report nist-800-53 --format json ($envoys envoys, $crates configcrates, $(nproc) cores):"
for threads in 1 "$(nproc)"; do
  echo "  --threads $threads"
  timeit "$bin" --repo "$out" --as-of 2026-11-22T12:00:00Z --threads "$threads" \
    compliance report nist-800-53 --format json --output "$out/nist.json"
done
ls -l "$out/nist.json" | awk '{print "  report size: " $5 " bytes"}'
echo "compliance status (every framework):"
timeit "$bin" --repo "$out" --as-of 2026-11-22T12:00:00Z compliance status >/dev/null
echo "report nist-800-53 --format html:"
timeit "$bin" --repo "$out" --as-of 2026-11-22T12:00:00Z \
  compliance report nist-800-53 --format html --output "$out/nist.html"
ls -l "$out/nist.html" | awk '{print "  page size: " $5 " bytes"}'
echo "report all --format html (the static dashboard site):"
timeit "$bin" --repo "$out" --as-of 2026-11-22T12:00:00Z \
  compliance report all --format html --output-dir "$out/site"
echo "  $(find "$out/site" -name '*.html' | wc -l) pages, $(du -sb "$out/site" | cut -f1) bytes in all"
ls -lS "$out/site" | awk 'NR==2 {print "  largest page: " $9 " " $5 " bytes"}'
echo "exports (streamed through a buffered temp file; peak RSS must not grow with the output):"
for args in "siem --framework hipaa --per-envoy" "siem --framework soc2 --per-envoy" "siem" "cmdb" "oscal" "grc --vendor generic"; do
  echo "  export $args"
  # shellcheck disable=SC2086
  timeit "$bin" --repo "$out" --as-of 2026-11-22T12:00:00Z compliance export $args --output "$out/export.out"
  wc -lc < "$out/export.out" | awk '{print "    " $1 " lines, " $2 " bytes"}'
  rm -f "$out/export.out"
done

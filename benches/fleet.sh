#!/usr/bin/env bash
# Scale benchmark: a generated fleet of 100,000 envoys and 2,000 configcrates over the 8
# built-in frameworks. Prints wall time and peak RSS of `report nist-800-53 --format json`
# (target: <= 5 s and <= 1 GB on 2 cores), plus `compliance status` over every framework,
# and the HTML renderings: the page size of `report nist-800-53 --format html` (target:
# <= 10 MB) and the static site of `report all --format html`.
#
#   benches/fleet.sh [ENVOYS] [CONFIGCRATES]
set -euo pipefail
cd "$(dirname "$0")/.."
envoys=${1:-100000}
crates=${2:-2000}
out=target/bench-fleet
rm -rf "$out"
python3 benches/gen_fleet.py "$out" --envoys "$envoys" --configcrates "$crates"
cargo build --release --locked -q
bin=target/release/vigocli
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

#!/bin/sh
# fetch-split.sh - mare-fetch gbif past the offset cap, on 127.0.0.1
#
# tests/cli/httpd.py's synthetic GBIF search backend serves N records
# (default 20,000); the same query is fetched once under a cap above N
# (plain offset paging, pages of 300) and once under a cap of 1,000, which
# splits it into parts by year and area (the server enforces no cap here:
# mare-fetch splits on its own --offset-cap). Reports wall time, records/s and
# the requests each needed (the split's count requests included).
# Called by run.sh; MARE_BUILDDIR and MARE_BENCH_DIR as there.
set -eu

: "${MARE_BUILDDIR:?run through make bench}"
src=$(cd "$(dirname "$0")/.." && pwd)
dir=${MARE_BENCH_DIR:-/tmp/mare-bench}
runs=${MARE_BENCH_RUNS:-5}
n=${MARE_BENCH_SPLIT_N:-20000}
fetch=$MARE_BUILDDIR/mare-fetch
out=$dir/results.md
mkdir -p "$dir"
export no_proxy='*' NO_PROXY='*'

pf=$dir/split-httpd.port
rm -f "$pf"
python3 "$src/tests/cli/httpd.py" --synth "$n" --gbif-cap 1000000 \
	--no-gzip --port-file "$pf" --max-seconds 600 >/dev/null &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
i=0
while [ ! -s "$pf" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
url=http://127.0.0.1:$(cat "$pf")/synth/v1

hyperfine -N --warmup 1 --runs "$runs" --export-json "$dir/split.json" \
	-n "cap above N: offset paging" \
	"$fetch gbif -q --base-url $url --offset-cap 1000000 -o /dev/null" \
	-n "cap 1000: split" \
	"$fetch gbif -q --base-url $url --offset-cap 1000 -o /dev/null"
req() {
	"$fetch" gbif --base-url "$url" --offset-cap "$1" -o /dev/null 2>&1 |
	    sed -n 's/.*requests \([0-9]*\).*/\1/p'
}
r1=$(req 1000000)
r2=$(req 1000)
{
	echo "## mare-fetch gbif, $n synthetic records from 127.0.0.1"
	s=$(jq -r '.results[0].mean' "$dir/split.json")
	echo "- cap above N (offset paging): $(awk -v n="$n" -v s="$s" 'BEGIN { printf "%.3f s, %.0f records/s", s, n / s }'), $r1 requests"
	s=$(jq -r '.results[1].mean' "$dir/split.json")
	echo "- cap 1000 (split by year and area): $(awk -v n="$n" -v s="$s" 'BEGIN { printf "%.3f s, %.0f records/s", s, n / s }'), $r2 requests (records without a year left out)"
} | tee -a "$out"

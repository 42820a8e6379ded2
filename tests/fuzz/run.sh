#!/bin/sh
# run.sh - run each libFuzzer target for a bounded time (make fuzz-smoke)
#
# usage: run.sh BUILDDIR SECONDS TARGET...
# BUILDDIR holds the targets built with --enable-fuzz (TARGET is its
# relative path, tests/fuzz/fuzz-NAME). Seeds come from seeds.sh; new
# inputs go to BUILDDIR/fuzz-out/NAME/corpus, crashes, leaks and timeouts
# to BUILDDIR/fuzz-out/NAME/ (crash-*, leak-*, timeout-*). Prints one line
# per target (runs, corpus size, result) and exits 1 when any target found
# something.
set -u

build=$1 secs=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
out=$(cd "$build" && pwd)/fuzz-out
seeds=$(cd "$build" && pwd)/fuzz-seeds
sh "$here/seeds.sh" "$src" "$build" "$seeds" || exit 1
mkdir -p "$out/tmp"
TMPDIR=$out/tmp
export TMPDIR
status=0
printf '%-10s %8s %8s %8s  %s\n' target runs seeds corpus result
for t in "$@"; do
	name=${t##*/fuzz-}
	d=$out/$name
	mkdir -p "$d/corpus"
	dict=
	case $name in
	jsonl|rules|featspec|cache) dict=-dict=$here/json.dict ;;
	esac
	"$build/$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	    -max_len=65536 -print_final_stats=1 -artifact_prefix="$d/" \
	    $dict "$d/corpus" "$seeds/$name" > "$d/log" 2>&1
	rc=$?
	runs=$(awk '/stat::number_of_executed_units:/ { print $2 }' "$d/log")
	nseeds=$(ls "$seeds/$name" | wc -l)
	ncorp=$(ls "$d/corpus" | wc -l)
	if [ "$rc" -eq 0 ]; then
		result=ok
	else
		result="FAILED (exit $rc): $(ls "$d" | grep -E '^(crash|leak|timeout|oom)-' | head -1)"
		status=1
		grep -E 'ERROR|SUMMARY|fuzz:' "$d/log" | head -5
	fi
	printf '%-10s %8s %8s %8s  %s\n' "$name" "${runs:-?}" "$nseeds" \
	    "$ncorp" "$result"
done
rm -rf "$out/tmp"
exit $status

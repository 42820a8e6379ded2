#!/bin/sh
# run.sh - run each libFuzzer target for a bounded time (make fuzz-smoke)
#
# usage: run.sh BUILDDIR SECONDS TARGET...
# BUILDDIR holds the targets built with --enable-fuzz (TARGET is its
# relative path, tests/fuzz/fuzz-NAME). Seeds come from seeds.sh; new
# inputs go to BUILDDIR/fuzz-out/NAME/corpus, crashes, leaks, timeouts and
# out-of-memory inputs to BUILDDIR/fuzz-out/NAME/ (crash-*, leak-*,
# timeout-*, oom-*), the log to BUILDDIR/fuzz-out/NAME/log. FUZZ_JOBS
# targets (default: the number of CPUs) run at once, each on one CPU.
# Prints one line per target (runs, seeds, corpus size, result) and exits
# 1 when any target found something.
set -u

here=$(cd "$(dirname "$0")" && pwd)

# one BUILD OUT SEEDS SECONDS TARGET: run one target, write its line
if [ "$1" = --one ]; then
	build=$2 out=$3 seeds=$4 secs=$5 t=$6
	name=${t##*/fuzz-}
	d=$out/$name
	mkdir -p "$d/corpus" "$d/tmp"
	dict=
	case $name in
	api|jscan|jsonl|model|rules|featspec|cache) dict=-dict=$here/json.dict ;;
	esac
	rm -f "$d"/crash-* "$d"/leak-* "$d"/timeout-* "$d"/oom-*
	TMPDIR=$d/tmp "$build/$t" -max_total_time="$secs" -timeout=10 \
	    -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
	    -artifact_prefix="$d/" $dict "$d/corpus" "$seeds/$name" \
	    > "$d/log" 2>&1
	rc=$?
	rm -rf "$d/tmp"
	runs=$(awk '/stat::number_of_executed_units:/ { print $2 }' "$d/log")
	if [ "$rc" -eq 0 ]; then
		result=ok
	else
		result="FAILED (exit $rc): $(ls "$d" |
		    grep -E '^(crash|leak|timeout|oom)-' | head -1)"
	fi
	printf '%-10s %8s %8s %8s  %s\n' "$name" "${runs:-?}" \
	    "$(ls "$seeds/$name" | wc -l)" "$(ls "$d/corpus" | wc -l)" \
	    "$result" > "$d/result"
	exit 0
fi

build=$1 secs=$2
shift 2
src=$(cd "$here/../.." && pwd)
abs=$(cd "$build" && pwd)
out=$abs/fuzz-out
seeds=$abs/fuzz-seeds
sh "$here/seeds.sh" "$src" "$build" "$seeds" || exit 1
mkdir -p "$out"
for t in "$@"; do
	rm -f "$out/${t##*/fuzz-}/result"
done
printf '%s\n' "$@" | xargs -P "${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}" \
    -I '{}' sh "$here/run.sh" --one "$abs" "$out" "$seeds" "$secs" '{}'
status=0
printf '%-10s %8s %8s %8s  %s\n' target runs seeds corpus result
for t in "$@"; do
	d=$out/${t##*/fuzz-}
	if [ -f "$d/result" ]; then
		cat "$d/result"
		grep -q ' ok$' "$d/result" ||
		    { status=1; grep -E 'ERROR|SUMMARY|fuzz:' "$d/log" | head -5; }
	else
		echo "${t##*/fuzz-}: no result"
		status=1
	fi
done
exit $status

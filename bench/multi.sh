#!/bin/sh
# multi.sh - pipelines/multi.mk figures (called by bench/run.sh, or alone
# with MARE_BUILDDIR set): the wall time of the whole multi-species DAG
# over MARE_BENCH_SPECIES (default 1000) synthetic species drawn from the
# bundled layers by pipelines/tools/synth-species, with make -j
# MARE_BENCH_JOBS (default: the number of cores), from clean, with the
# settings of tests/cli/pipeline-multi.bats (BACKGROUND=2000 FEATURES=lq
# CV=3). The species are cached in $MARE_BENCH_DIR/multi.
set -eu

: "${MARE_BUILDDIR:?set MARE_BUILDDIR to the build tree}"
src=$(cd "$(dirname "$0")/.." && pwd)
n=${MARE_BENCH_SPECIES:-1000}
jobs=${MARE_BENCH_JOBS:-$(nproc)}
dir=${MARE_BENCH_DIR:-/tmp/mare-bench}/multi
mkdir -p "$dir"

layers=$src/pipelines/data/layers
[ -d "$layers/present" ] && layers=$layers/present
if [ ! -s "$dir/list-$n.txt" ]; then
	echo "bench: drawing $n synthetic species in $dir (once)"
	"$src/pipelines/tools/synth-species" --layers "$layers" \
	    --out "$dir/rec-$n" --count "$n" --seed 1 --min 30 --max 80 \
	    --list "$dir/list-$n.txt"
fi

run="make --no-print-directory -s -k -j$jobs -f $src/pipelines/multi.mk \
    MARE_BIN=$MARE_BUILDDIR RECORDS=$dir/rec-$n SPECIES_LIST=$dir/list-$n.txt \
    OUT=$dir/out-$n BACKGROUND=2000 FEATURES=lq CV=3"
echo "== pipelines/multi.mk: $n synthetic species, make -j$jobs, from clean"
if command -v hyperfine >/dev/null 2>&1; then
	# -i: a failed species makes make exit 2; the summary still counts.
	hyperfine -N -i --runs 1 --prepare "rm -rf $dir/out-$n" \
	    --export-json "$dir/multi-$n.json" -n "multi.mk $n species" \
	    "sh -c '$run >$dir/make-$n.log 2>&1'" >/dev/null
	s=$(sed -n 's/.*"mean": *\([0-9.]*\).*/\1/p' "$dir/multi-$n.json" | head -n 1)
	u=$(sed -n 's/.*"user": *\([0-9.]*\).*/\1/p' "$dir/multi-$n.json" | head -n 1)
	y=$(sed -n 's/.*"system": *\([0-9.]*\).*/\1/p' "$dir/multi-$n.json" | head -n 1)
	cpu=$(awk -v u="$u" -v y="$y" 'BEGIN { printf "%.0f", u + y }')
else
	rm -rf "$dir/out-$n"
	t0=$(date +%s.%N)
	sh -c "$run" >"$dir/make-$n.log" 2>&1 || true
	t1=$(date +%s.%N)
	cpu='?'
	s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
fi
ok=$(awk -F'\t' 'NR > 1 && $2 == "ok"' "$dir/out-$n/summary.tsv" | wc -l)
awk -v s="$s" -v n="$n" -v ok="$ok" -v cpu="$cpu" 'BEGIN {
	printf "- %d species (%d ok): %.1f s wall, %.0f ms per species, " \
	    "%s s CPU (user + system)\n", n, ok, s, 1000 * s / n, cpu }'

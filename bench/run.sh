#!/bin/sh
# run.sh - mare's benchmarks (make bench); never part of make check
#
# Inputs come from shared/bench/gen.py (Debian's python3-numpy), cached in
# $MARE_BENCH_DIR (default /tmp/mare-bench). Timings by hyperfine; peak
# memory by GNU time. Results are printed and kept in
# $MARE_BENCH_DIR/results.md.
set -eu

: "${MARE_BUILDDIR:?run through make bench}"
src=$(cd "$(dirname "$0")/.." && pwd)
dir=${MARE_BENCH_DIR:-/tmp/mare-bench}
gen=${MARE_BENCH_GEN:-$src/../shared/bench/gen.py}
runs=${MARE_BENCH_RUNS:-5}
tensor=$MARE_BUILDDIR/mare-tensor
jcat=$MARE_BUILDDIR/bench/jsonl-cat
mkdir -p "$dir"
out=$dir/results.md
: >"$out"

need() { command -v "$1" >/dev/null 2>&1 || { echo "bench: $1 not found (apt-get install $2)" >&2; exit 1; }; }
need hyperfine hyperfine
need /usr/bin/time time
need jq jq

if [ ! -f "$dir/train_X.npy" ] || [ ! -f "$dir/occ_1m.jsonl" ]; then
	[ -f "$gen" ] || { echo "bench: $gen not found (set MARE_BENCH_GEN)" >&2; exit 1; }
	echo "bench: generating inputs in $dir (a few minutes, once)"
	/usr/bin/python3 "$gen" --out "$dir" --only all
fi

# shellcheck disable=SC2016
mb_s() { awk -v b="$1" -v s="$2" 'BEGIN { printf "%.1f", b / s / 1e6 }'; }
mean_of() { jq -r ".results[$2].mean" "$1"; }
peak_kb() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -n 1; }

# --- 1. mare-tensor cat of a 1M x 20 float32 tensor through a pipe
t=$dir/train_X.tensor
[ -f "$t" ] || "$tensor" from-npy -q -o "$t" "$dir/train_X.npy"
size=$(stat -c %s "$t")
hyperfine -N --warmup 1 --runs "$runs" --export-json "$dir/cat.json" \
	-n "cat | cat" "sh -c 'cat $t | cat >/dev/null'" \
	-n "cat | mare-tensor cat" "sh -c 'cat $t | $tensor cat >/dev/null'" \
	-n "cat | mare-tensor verify" "sh -c 'cat $t | $tensor verify -q'"
{
	echo "## mare-tensor cat, 1M x 20 float32 ($size bytes) through a pipe"
	for i in 0 1 2; do
		name=$(jq -r ".results[$i].command" "$dir/cat.json")
		s=$(mean_of "$dir/cat.json" $i)
		echo "- $name: $(awk -v b="$size" -v s="$s" 'BEGIN { printf "%.2f GB/s (%.3f s)", b / s / 1e9, s }')"
	done
} | tee -a "$out"

# --- 2. JSONL read + write round trip of 1M occurrence records vs jq -c .
for n in 100k 1m; do
	f=$dir/occ_$n.jsonl
	size=$(stat -c %s "$f")
	hyperfine -N --warmup 1 --runs "$runs" --export-json "$dir/jsonl_$n.json" \
		-n "jq -c ." "sh -c 'jq -c . $f >/dev/null'" \
		-n "mare jsonl round trip" "sh -c '$jcat $f >/dev/null'"
	{
		echo "## JSONL read+write, occ_$n.jsonl ($size bytes)"
		for i in 0 1; do
			name=$(jq -r ".results[$i].command" "$dir/jsonl_$n.json")
			s=$(mean_of "$dir/jsonl_$n.json" $i)
			echo "- $name: $(mb_s "$size" "$s") MB/s ($s s)"
		done
		echo "- peak RSS, mare: $(peak_kb "$jcat" "$f") KiB; jq: $(peak_kb jq -c . "$f") KiB"
	} | tee -a "$out"
done
# --- mare-featurize: a 4320 x 2160 stack of 5 layers, 100k records
MARE_BUILDDIR=$MARE_BUILDDIR MARE_BENCH_DIR=$dir sh "$src/bench/featurize.sh" |
    tee -a "$out"
MARE_BENCH_DIR=$dir sh "$src/bench/validate.sh"
MARE_BUILDDIR=$MARE_BUILDDIR MARE_BENCH_DIR=$dir sh "$src/bench/pipeline.sh" |
    tee -a "$out"
# --- pipelines/multi.mk over 1,000 synthetic species
MARE_BUILDDIR=$MARE_BUILDDIR MARE_BENCH_DIR=$dir sh "$src/bench/multi.sh" |
    tee -a "$out"
MARE_BUILDDIR=$MARE_BUILDDIR MARE_BENCH_DIR=$dir sh "$src/bench/fetch-split.sh" |
    tee -a "$out"
MARE_BUILDDIR=$MARE_BUILDDIR MARE_BENCH_DIR=$dir sh "$src/bench/drift.sh" |
    tee -a "$out"
# --- mare-predict: rows/s, peak RSS, --line-buffered latency
MARE_BUILDDIR=$MARE_BUILDDIR MARE_BENCH_DIR=$dir sh "$src/bench/predict.sh" |
    tee -a "$out"
echo "bench: results in $out"

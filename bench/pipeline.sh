#!/bin/sh
# pipeline.sh - pipelines/sdm.mk figures (called by bench/run.sh, or alone
# with MARE_BUILDDIR set): the demo from clean, each step of it, and a
# REGMULT change (retrain and report only). Outputs in
# $MARE_BENCH_DIR/pipeline.
set -eu

: "${MARE_BUILDDIR:?set MARE_BUILDDIR to the build tree}"
src=$(cd "$(dirname "$0")/.." && pwd)
dir=${MARE_BENCH_DIR:-/tmp/mare-bench}/pipeline
runs=${MARE_BENCH_RUNS:-5}
mkdir -p "$dir"
unset MAKEFLAGS MFLAGS MAKELEVEL
sdm="make -s -f $src/pipelines/sdm.mk MARE_BIN=$MARE_BUILDDIR OUT=$dir/out"

hyperfine --warmup 1 --runs "$runs" --export-json "$dir/demo.json" \
    --prepare "rm -rf $dir/out" -n "sdm.mk from clean (the demo)" \
    "$sdm >/dev/null"
hyperfine --runs "$runs" --export-json "$dir/regmult.json" \
    --prepare "$sdm >/dev/null" -n "REGMULT=2 after a run" \
    "$sdm REGMULT=2 >/dev/null"
echo "## pipelines/sdm.mk (the demo)"
echo "- from clean: $(jq -r '.results[0].mean' "$dir/demo.json") s"
echo "- REGMULT=2 after a run (train, predict, drift, report):" \
    "$(jq -r '.results[0].mean' "$dir/regmult.json") s"
rm -rf "$dir/out"
for step in fetch validate featurize train predict drift report; do
	s=$( { /usr/bin/time -f %e $sdm "$step" >/dev/null; } 2>&1 | tail -n 1)
	echo "- step $step: $s s"
done

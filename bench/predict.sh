#!/bin/sh
# predict.sh - mare-predict figures (called by bench/run.sh, or alone with
# MARE_BUILDDIR set): an lqph maxent model of the 20 generated variables
# (2190 features, most coefficients zero) trained on 3,000 rows, then
#   1. rows/s and peak RSS predicting the 1,000,000 x 20 tensor
#      (train_X.tensor, raw variables f0..f19), JSON Lines and .npy out,
#      beside a pure read of the same tensor (mare-tensor cat);
#   2. 100,000 JSON Lines records;
#   3. p50/p95/p99 latency per record with --line-buffered, 10,000
#      records written one at a time, each answer awaited (bench/latency.py;
#      the max includes the first record, which waits for start-up).
# MARE_PREDICT_OTHER=/path/to/mare-predict adds that build to the timings
# (e.g. an older one, to compare). Inputs cached in $MARE_BENCH_DIR/predict.
set -eu

: "${MARE_BUILDDIR:?set MARE_BUILDDIR to the build tree}"
src=$(cd "$(dirname "$0")/.." && pwd)
top=${MARE_BENCH_DIR:-/tmp/mare-bench}
dir=$top/predict
runs=${MARE_BENCH_RUNS:-5}
pr=$MARE_BUILDDIR/mare-predict
mkdir -p "$dir"

if [ ! -f "$dir/m.json" ] || [ ! -f "$dir/rec_100k.jsonl" ]; then
	echo "bench: making the model and records in $dir (once)"
	/usr/bin/python3 - "$top" "$dir" <<'PY'
import json, sys
import numpy as np
top, d = sys.argv[1], sys.argv[2]
X = np.load(top + '/train_X.npy', mmap_mode='r')
y = np.load(top + '/train_y.npy', mmap_mode='r')
with open(d + '/train.jsonl', 'w') as f:
    for i in range(3000):
        r = {"label": int(y[i])}
        r.update({"f%d" % j: float(X[i, j]) for j in range(20)})
        f.write(json.dumps(r) + "\n")
with open(d + '/rec_100k.jsonl', 'w') as f:
    for i in range(100000):
        r = {"id": i}
        r.update({"f%d" % j: float(X[i, j]) for j in range(20)})
        f.write(json.dumps(r) + "\n")
PY
	cols=label,$(seq -s, -f 'f%g' 0 19)
	"$MARE_BUILDDIR/mare-tensor" from-jsonl -q --dtype f8 --columns "$cols" \
	    -o "$dir/train.tensor" "$dir/train.jsonl"
	"$MARE_BUILDDIR/mare-train" -q -m maxent --features lqph \
	    -o "$dir/m.json" "$dir/train.tensor"
fi
t=$top/train_X.tensor
[ -f "$t" ] || "$MARE_BUILDDIR/mare-tensor" from-npy -q -o "$t" \
    "$top/train_X.npy"
head -n 10000 "$dir/rec_100k.jsonl" >"$dir/rec_10k.jsonl"

nz=$(jq '[.link.beta[] | select(. != 0)] | length' "$dir/m.json")
nf=$(jq '.link.beta | length' "$dir/m.json")
echo "== mare-predict: maxent lqph, $nf features, $nz nonzero"

set -- -n "mare-tensor cat (read only)" \
    "$MARE_BUILDDIR/mare-tensor cat -q -o /dev/null $t" \
    -n "mare-predict tensor -> jsonl" \
    "$pr -q -m $dir/m.json -o /dev/null $t" \
    -n "mare-predict tensor -> npy" \
    "$pr -q -m $dir/m.json --format npy -o $dir/p.npy $t" \
    -n "mare-predict 100k jsonl -> jsonl" \
    "$pr -q -m $dir/m.json -o /dev/null $dir/rec_100k.jsonl"
if [ -n "${MARE_PREDICT_OTHER:-}" ]; then
	set -- "$@" -n "other: tensor -> jsonl" \
	    "$MARE_PREDICT_OTHER -q -m $dir/m.json -o /dev/null $t" \
	    -n "other: 100k jsonl -> jsonl" \
	    "$MARE_PREDICT_OTHER -q -m $dir/m.json -o /dev/null $dir/rec_100k.jsonl"
fi
hyperfine -N --warmup 1 --runs "$runs" --export-json "$dir/predict.json" "$@" \
    >/dev/null
# wall and CPU (user + system) time: on a shared machine the CPU time is
# the steadier figure
jq -r '.results[] | .command as $c | .mean as $m | .stddev as $s |
    (.user + .system) as $u |
    ($c | test("100k") | if . then 100000 else 1000000 end) as $n |
    "- \($c): \($m * 1000 | floor) ms +- \($s * 1000 | floor) wall, " +
    "\($n / $m | floor) rows/s; CPU \($u * 1000 | floor) ms, " +
    "\($n / $u | floor) rows/s per CPU second"' "$dir/predict.json"
peak() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -n 1; }
echo "- peak RSS, tensor -> jsonl: $(peak "$pr" -q -m "$dir/m.json" -o /dev/null "$t") KiB"
echo "- peak RSS, 100k jsonl -> jsonl: $(peak "$pr" -q -m "$dir/m.json" -o /dev/null "$dir/rec_100k.jsonl") KiB"
echo "  (the libtool wrapper execs the binary, so this is the binary's)"
printf -- '- --line-buffered latency, 10,000 records one at a time: '
/usr/bin/python3 "$src/bench/latency.py" "$dir/rec_10k.jsonl" \
    "$pr" -q --line-buffered -m "$dir/m.json"

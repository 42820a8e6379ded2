#!/bin/sh
# drift.sh - mare-drift figures (called by bench/run.sh, or alone with
# MARE_BUILDDIR set): 1,000,000 x 20 current rows against a 1,000,000-row
# raw reference and against its stored profile, beside PSI + KS computed
# with numpy/scipy on the same data (shared/bench/gen.py's drift_ref.npy
# and drift_cur.npy). Prints wall time (hyperfine), and CPU time and peak
# RSS (GNU time): on a shared machine the CPU time is the steadier figure.
# mare-drift runs on one thread and on its default (one a processor):
# the CPU time is about the same, the wall time shorter on an idle box.
set -eu

: "${MARE_BUILDDIR:?set MARE_BUILDDIR to the build tree}"
dir=${MARE_BENCH_DIR:-/tmp/mare-bench}
runs=${MARE_BENCH_RUNS:-3}
drift=$MARE_BUILDDIR/mare-drift
tensor=$MARE_BUILDDIR/mare-tensor
w=$dir/drift
mkdir -p "$w"

[ -f "$dir/drift_ref.npy" ] || { echo "bench: $dir/drift_ref.npy missing" \
    "(run shared/bench/gen.py --out $dir --only train)" >&2; exit 1; }
[ -f "$w/ref.tensor" ] || "$tensor" from-npy -q -o "$w/ref.tensor" \
    "$dir/drift_ref.npy"
[ -f "$w/cur.tensor" ] || "$tensor" from-npy -q -o "$w/cur.tensor" \
    "$dir/drift_cur.npy"
"$drift" -q --reference "$w/ref.tensor" --profile-out "$w/prof.json" \
    -o /dev/null "$w/cur.tensor" || true
cat >"$w/np_drift.py" <<'PY'
import sys
import numpy as np
from scipy import stats
R = np.load(sys.argv[1]).astype(np.float64)
C = np.load(sys.argv[2]).astype(np.float64)
for j in range(R.shape[1]):
    r = R[:, j]; c = C[:, j]
    e = np.unique(np.quantile(r, np.linspace(0, 1, 31)))
    rp = np.histogram(r, e)[0] / len(r)
    cp = np.histogram(np.clip(c, e[0], e[-1]), e)[0] / len(c)
    rp[rp == 0] = 1e-4; cp[cp == 0] = 1e-4
    psi = np.sum((cp - rp) * np.log(cp / rp))
    ks = stats.ks_2samp(r, c)
PY

measure() {
	/usr/bin/time -f '%e s wall, %U s user + %S s sys, peak RSS %M KB' \
	    "$@" 2>&1 >/dev/null | tail -n 1
}

hyperfine -N -i --warmup 1 --runs "$runs" --export-json "$w/times.json" \
	-n "numpy/scipy PSI+KS" \
	"/usr/bin/python3 $w/np_drift.py $dir/drift_ref.npy $dir/drift_cur.npy" \
	-n "mare-drift, raw reference" \
	"$drift -q --reference $w/ref.tensor -o /dev/null $w/cur.tensor" \
	-n "mare-drift, stored profile" \
	"$drift -q --reference $w/prof.json -o /dev/null $w/cur.tensor" \
	-n "mare-drift, raw reference, 1 thread" \
	"$drift -q --threads 1 --reference $w/ref.tensor -o /dev/null $w/cur.tensor" \
	-n "mare-drift, stored profile, 1 thread" \
	"$drift -q --threads 1 --reference $w/prof.json -o /dev/null $w/cur.tensor" \
	>/dev/null
echo "== mare-drift: 1,000,000 x 20 current rows"
for i in 0 1 2 3 4; do
	printf '%s: %s s (mean of %s)\n' \
	    "$(jq -r ".results[$i].command" "$w/times.json")" \
	    "$(jq -r ".results[$i].mean" "$w/times.json")" "$runs"
done
printf 'numpy/scipy: '
measure /usr/bin/python3 "$w/np_drift.py" "$dir/drift_ref.npy" \
    "$dir/drift_cur.npy"
printf 'mare-drift, raw reference: '
measure "$drift" -q --reference "$w/ref.tensor" -o /dev/null "$w/cur.tensor"
printf 'mare-drift, stored profile: '
measure "$drift" -q --reference "$w/prof.json" -o /dev/null "$w/cur.tensor"
printf 'mare-drift, raw reference, 1 thread: '
measure "$drift" -q --threads 1 --reference "$w/ref.tensor" -o /dev/null \
    "$w/cur.tensor"
printf 'mare-drift, stored profile, 1 thread: '
measure "$drift" -q --threads 1 --reference "$w/prof.json" -o /dev/null \
    "$w/cur.tensor"

#!/bin/sh
# train.sh - mare-train's benchmarks; never part of make check
#
#   MARE_BUILDDIR=$PWD sh bench/train.sh [demo|1m|scale|big|lqph|all]
#
# demo: the default maxent fit of the demo (pipelines/data: 246 lionfish
# presences, 8,543 background cells, 5 layers -> 510 candidate features),
# with 1 OpenBLAS thread and the default.
# 1m: the 1,000,000 x 20 presence/background set of shared/bench/gen.py
# (cached in $MARE_BENCH_DIR, default /tmp/mare-bench): penalised logistic
# regression, L2 at C = 1 against liblinear-train -s 0 -c 1 -B 1 and L1
# against -s 6 (Debian liblinear-tools). liblinear penalises its bias
# column (-B 1) where mare fits a free intercept, so the objectives differ
# slightly; both are printed. Timings by hyperfine, peak RSS by GNU time
# (mare-train's whole run: the fit plus training figures, ROC, permutation
# importance and the drift profile, which liblinear does not compute);
# results are appended to $MARE_BENCH_DIR/train.md.
# scale: the issue's yardstick, default maxent features on 180 presences
# (the first 180 samples of tests/data/coral) + 10,000 background cells of
# its layers (510 candidate features), against R glmnet as in lqph, and
# the fit phase alone (mare_train_phase_seconds, median of the runs). big:
# the same on 100,000 presences (its 702 samples repeated, --no-thin; ~1
# GB, tens of seconds; no glmnet; not part of all).
# lqph: the issue's maxent-against-glmnet figure: 1,000 presences (the
# coral samples repeated, --no-thin) + 10,000 background cells, --features
# lqph (510 candidate features).
# R maxnet is not in Debian, so R glmnet (r-base-core, r-cran-glmnet; jq)
# is given the design matrix mare fitted (mare-featurize --spec with the
# model's spec and --weights, checked by spec_sha256), mare's penalties and
# maxnet's call (bench/glmnet_maxent.R: weights 1 and 100, the 200-lambda
# path, pmin 1e-8, fdev 0). hyperfine times whole processes (mare-train
# with 1 thread and the default; Rscript with the .npy read and one fit);
# glmnet() alone is timed by system.time in R; CPU (user + sys) is
# printed, as the machine may be shared. Then the check: mare's penalties,
# lambdas and non-linear features against maxnet's rules recomputed in R,
# and the two fits (selected features, objective at the last lambda,
# betas, entropy, cloglog); a disagreement is said on standard error and
# makes the exit status 1.
set -eu

: "${MARE_BUILDDIR:?set MARE_BUILDDIR to the build tree}"
src=$(cd "$(dirname "$0")/.." && pwd)
dir=${MARE_BENCH_DIR:-/tmp/mare-bench}
gen=${MARE_BENCH_GEN:-$src/../shared/bench/gen.py}
runs=${MARE_BENCH_RUNS:-5}
what=${1:-all}
train=$MARE_BUILDDIR/mare-train
mkdir -p "$dir"
out=$dir/train.md

need() { command -v "$1" >/dev/null 2>&1 || { echo "bench: $1 not found (apt-get install $2)" >&2; exit 1; }; }
need hyperfine hyperfine
need /usr/bin/time time
peak_kb() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -n 1; }

if [ "$what" = demo ] || [ "$what" = all ]; then
	t=$dir/demo-train.tensor
	[ -f "$t" ] || "$MARE_BUILDDIR/mare-featurize" --layers \
	    "$src/pipelines/data/layers/present" --features l --seed 1 -q -o "$t" \
	    "$src/pipelines/data/lionfish/presences.jsonl"
	hyperfine -N -w 1 -r "$runs" --export-markdown "$dir/demo.md" \
	    -n "maxent, 1 thread" "$train -q --threads 1 -m maxent -o /dev/null $t" \
	    -n "maxent, default threads" "$train -q -m maxent -o /dev/null $t"
	{
		echo "## default maxent fit, demo data"
		cat "$dir/demo.md"
		echo
		echo "peak RSS (KB): $(peak_kb "$train" -q --threads 1 -m maxent -o /dev/null "$t")"
	} >>"$out"
fi

# coral_tensor np: $dir/coral-$np.tensor, raw variables (--features l) of the
# first np of the coral samples repeated (--no-thin) + 10,000 background
# cells; the records are kept in $dir/coral-$np.jsonl
coral=$src/tests/data/coral
coral_tensor() {
	if [ ! -f "$dir/coral-$1.tensor" ]; then
		awk -F, 'NR > 1 { printf "{\"scientificName\":\"coral\",\"decimalLongitude\":%s,\"decimalLatitude\":%s}\n", $1, $2 }' \
		    "$coral/present_coral_samplePredictions.csv" >"$dir/coral.jsonl"
		i=0
		while [ $i -lt 143 ]; do cat "$dir/coral.jsonl"; i=$((i + 1)); done |
		    head -n "$1" >"$dir/coral-$1.jsonl"
		"$MARE_BUILDDIR/mare-featurize" --layers "$coral/layers" \
		    --features l --seed 1 --no-thin -q -o "$dir/coral-$1.tensor" \
		    "$dir/coral-$1.jsonl"
	fi
}

# against_glmnet NAME NP [OPTION...]: mare-train -m maxent OPTION... on
# $dir/coral-NP.tensor against R glmnet on the design matrix mare fitted
# (mare-featurize --spec with the model's spec and --weights, checked by
# spec_sha256; bench/glmnet_maxent.R), timed by hyperfine, then the check
# of the two fits; the Markdown goes to standard output, the files to
# $dir/NAME-*
against_glmnet() {
	name=$1 np=$2
	shift 2
	need Rscript r-base-core
	need jq jq
	Rscript -e 'suppressMessages(library(glmnet))' >/dev/null 2>&1 ||
	    { echo "bench: R package glmnet not found (apt-get install r-cran-glmnet)" >&2; exit 1; }
	t=$dir/coral-$np.tensor
	coral_tensor "$np"
	m=$dir/$name-model.json
	"$train" -q --threads 1 -m maxent "$@" -o "$m" "$t"
	jq -c .features "$m" >"$dir/$name-spec.json"
	"$MARE_BUILDDIR/mare-featurize" --layers "$coral/layers" \
	    --spec "$dir/$name-spec.json" --weights --seed 1 --no-thin -q \
	    -o "$dir/$name-design.tensor" "$dir/coral-$np.jsonl"
	"$MARE_BUILDDIR/mare-tensor" info --json "$dir/$name-design.tensor" \
	    >"$dir/$name-design.json"
	if [ "$(jq -r .spec_sha256 "$dir/$name-design.json")" != "$(jq -r .spec_sha256 "$m")" ] ||
	    [ "$(jq -r .rows "$dir/$name-design.json")" != "$(jq -r .training.rows "$m")" ]; then
		echo "bench: the design tensor is not the matrix mare fitted" >&2
		exit 1
	fi
	jq -r '.columns[].name' "$dir/$name-design.json" >"$dir/$name-names.txt"
	jq -r '.maxent.penalty[]' "$m" >"$dir/$name-penalty.txt"
	jq -r '.maxent.glmnet_intercept, .link.beta[], .entropy, .maxent.alpha, .maxent.lambda_first, .maxent.lambda_last' \
	    "$m" >"$dir/$name-mare.txt"
	"$MARE_BUILDDIR/mare-tensor" to-npy "$dir/$name-design.tensor" \
	    >"$dir/$name-design.npy"
	rargs="$src/bench/glmnet_maxent.R $dir/$name-design.npy $dir/$name-names.txt $dir/$name-penalty.txt $dir/$name-mare.txt $dir/$name-times.txt"
	: >"$dir/$name-times.txt"
	hyperfine -N -w 1 -r "$runs" --export-markdown "$dir/$name.md" \
	    --export-json "$dir/$name.json" \
	    -n "mare-train maxent ${*:-(default features)}, 1 thread" "$train -q --threads 1 -m maxent $* -o /dev/null $t" \
	    -n "mare-train maxent ${*:-(default features)}, default threads" "$train -q -m maxent $* -o /dev/null $t" \
	    -n "Rscript: read the .npy, glmnet (maxnet's call)" "Rscript $rargs" >&2
	# shellcheck disable=SC2086
	{
		cat "$dir/$name.md"
		echo
		echo "CPU (user + sys, mean of the runs above):"
		jq -r '.results[] | "- \(.command): \(.user + .system | . * 1000 | round / 1000) s"' "$dir/$name.json"
		echo "- glmnet() alone (system.time in R), per run, the first being hyperfine's warm-up: $(awk '{ printf "%s%.2f", (NR > 1 ? ", " : ""), $1 + $2 } END { print " s" }' "$dir/$name-times.txt")"
		echo
		echo "CPU and peak RSS of one run:"
		echo "- mare-train, 1 thread: $(/usr/bin/time -f '%U user %S sys, %M KB' "$train" -q --threads 1 -m maxent "$@" -o /dev/null "$t" 2>&1 >/dev/null | tail -n 1)"
		echo "- mare-train, default threads: $(/usr/bin/time -f '%U user %S sys, %M KB' "$train" -q -m maxent "$@" -o /dev/null "$t" 2>&1 >/dev/null | tail -n 1)"
		/usr/bin/time -f '%U user %S sys, %M KB' -o "$dir/$name-r.time" \
		    Rscript $rargs check >"$dir/$name-check.md"
		echo "- Rscript (with the comparison below): $(tail -n 1 "$dir/$name-r.time")"
		echo "- the design matrix: $(jq -r '.training.rows' "$m") rows x $(jq -r '.training.features' "$m") features, $(($(jq -r '.training.rows * .training.features' "$m") * 8 / 1024)) KB as f8"
		echo
		echo "Agreement (glmnet's fit at its last lambda, as maxnet keeps it):"
		cat "$dir/$name-check.md"
	}
	if grep -q DISAGREE "$dir/$name-check.md"; then
		echo "bench: mare's maxent fit and glmnet's disagree: see $out" >&2
		disagree=1
	fi
}
disagree=0

if [ "$what" = scale ] || [ "$what" = big ] || [ "$what" = all ]; then
	np=180
	[ "$what" = big ] && np=100000
	t=$dir/coral-$np.tensor
	coral_tensor $np
	r=$runs
	if [ "$what" = big ]; then
		r=1
		hyperfine -N -w 0 -r "$r" --export-markdown "$dir/big.md" \
		    -n "maxent, $np presences, 1 thread" "$train -q --threads 1 -m maxent -o /dev/null $t" \
		    -n "maxent, $np presences, default threads" "$train -q -m maxent -o /dev/null $t"
		{
			echo "## default maxent fit, $np coral presences + 10,000 background"
			cat "$dir/big.md"
			echo
			echo "CPU and peak RSS: $(/usr/bin/time -f '%U user %S sys, %M KB' "$train" -q --threads 1 -m maxent -o /dev/null "$t" 2>&1 >/dev/null | tail -n 1)"
		} >>"$out"
	else
		{
			echo "## default maxent fit, $np coral presences + 10,000 background: mare against R glmnet on the same design matrix"
			against_glmnet scale $np
		} >>"$out"
	fi
	# the fit alone (mare_train_phase_seconds): the median of r runs
	echo >>"$out"
	for th in 1 default; do
		thr=
		[ "$th" = 1 ] && thr="--threads 1"
		for i in $(seq "$r"); do
			# shellcheck disable=SC2086 # $thr: an option or none
			"$train" -q $thr -m maxent -o /dev/null \
			    --metrics-file "$dir/scale.prom" "$t"
			sed -n 's/^mare_train_phase_seconds{phase="fit"} //p' \
			    "$dir/scale.prom"
		done | sort -g | awk -v th="$th" '{ v[NR] = $1 }
		    END { printf "- fit phase, %s: median %.3f s, min %.3f s (%d runs)\n",
			th == 1 ? "1 thread" : "default threads",
			v[int((NR + 1) / 2)], v[1], NR }'
	done >>"$out"
fi

if [ "$what" = lqph ] || [ "$what" = all ]; then
	{
		echo "## maxent lqph, 1000 coral presences + 10,000 background: mare against R glmnet on the same design matrix"
		against_glmnet lqph 1000 --features lqph
	} >>"$out"
fi

if [ "$what" = 1m ] || [ "$what" = all ]; then
	need liblinear-train liblinear-tools
	if [ ! -f "$dir/train_X.npy" ]; then
		echo "bench: generating inputs in $dir (once)"
		/usr/bin/python3 "$gen" --out "$dir" --only train
	fi
	t=$dir/train_1m.tensor
	if [ ! -f "$t" ]; then
		/usr/bin/python3 -c "
import numpy as np, sys
X = np.load('$dir/train_X.npy').astype(np.float64)
y = np.load('$dir/train_y.npy').astype(np.float64).reshape(-1, 1)
np.save('$dir/train_1m.npy', np.hstack([y, X]))"
		cols=label$(i=0; while [ $i -lt 20 ]; do printf ',f%d' $i; i=$((i + 1)); done)
		"$MARE_BUILDDIR/mare-tensor" from-npy -q --columns "$cols" \
		    -o "$t" "$dir/train_1m.npy"
	fi
	hyperfine -N -w 1 -r "$runs" --export-markdown "$dir/1m.md" \
	    -n "mare logistic L2, 1 thread" "$train -q --threads 1 -m logistic -C 1 -o /dev/null $t" \
	    -n "mare logistic L2, 2 threads" "$train -q --threads 2 -m logistic -C 1 -o /dev/null $t" \
	    -n "liblinear -s 0 -c 1 -B 1" "liblinear-train -q -s 0 -c 1 -B 1 $dir/train.libsvm $dir/ll-l2.model" \
	    -n "mare logistic L1, 1 thread" "$train -q --threads 1 -m logistic --penalty l1 -C 1 -o /dev/null $t" \
	    -n "mare logistic L1, 2 threads" "$train -q --threads 2 -m logistic --penalty l1 -C 1 -o /dev/null $t" \
	    -n "liblinear -s 6 -c 1 -B 1" "liblinear-train -q -s 6 -c 1 -B 1 $dir/train.libsvm $dir/ll-l1.model"
	{
		echo "## 1M x 20 logistic"
		cat "$dir/1m.md"
		echo
		echo "peak RSS (KB): mare L2 $(peak_kb "$train" -q --threads 1 -m logistic -C 1 -o /dev/null "$t"), liblinear -s 0 $(peak_kb liblinear-train -q -s 0 -c 1 -B 1 "$dir/train.libsvm" "$dir/ll-l2.model");"
		echo "mare L1 $(peak_kb "$train" -q --threads 1 -m logistic --penalty l1 -C 1 -o /dev/null "$t"), liblinear -s 6 $(peak_kb liblinear-train -q -s 6 -c 1 -B 1 "$dir/train.libsvm" "$dir/ll-l1.model");"
		echo "feature matrix $((1000000 * 20 * 8 / 1024)) KB as f8 ($((1000000 * 21 * 8 / 1024)) KB with the label)"
	} >>"$out"
fi
cat "$out"
[ "$disagree" = 0 ]

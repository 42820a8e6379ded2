#!/bin/sh
# validate.sh - mare-validate against jq, mlr and pandas on occ_1m.jsonl
#
# The same rule in each tool: gen.py's reference rule (decimalLatitude and
# decimalLongitude numeric and in range, not both 0; year numeric in
# [1900, 2026]), which keeps 973,248 of the 1,000,000 records. Each tool
# runs once (they take minutes); wall time and peak RSS from GNU time.
# mare-validate also runs with its default built-in checks.
# Called by run.sh; MARE_BUILDDIR and MARE_BENCH_DIR as there.
set -eu

: "${MARE_BUILDDIR:?run through make bench}"
src=$(cd "$(dirname "$0")/.." && pwd)
dir=${MARE_BENCH_DIR:-/tmp/mare-bench}
f=$dir/occ_1m.jsonl
out=$dir/results.md
validate=$MARE_BUILDDIR/mare-validate
[ -f "$f" ] || /usr/bin/python3 "${MARE_BENCH_GEN:-$src/../shared/bench/gen.py}" \
	--out "$dir" --only occ
size=$(stat -L -c %s "$f")
nrec=$(wc -l <"$f")

rules=$dir/validate-rules.json
cat >"$rules" <<'JSON'
{"builtins": "none",
 "expectations": [
  {"expectation_type": "builtin", "kwargs": {"check": "NO_COORD"}},
  {"expectation_type": "builtin", "kwargs": {"check": "COORD_NOT_NUMERIC"}},
  {"expectation_type": "builtin", "kwargs": {"check": "LAT_OUT_OF_RANGE"}},
  {"expectation_type": "builtin", "kwargs": {"check": "LON_OUT_OF_RANGE"}},
  {"expectation_type": "builtin", "kwargs": {"check": "ZERO_COORD"}},
  {"expectation_type": "expect_column_values_to_be_of_type",
   "kwargs": {"column": "year", "type_": "number"}},
  {"expectation_type": "expect_column_values_to_not_be_null",
   "kwargs": {"column": "year"}},
  {"expectation_type": "expect_column_values_to_be_between",
   "kwargs": {"column": "year", "min_value": 1900, "max_value": 2026}}
 ]}
JSON
# COORD_NOT_NUMERIC also accepts numeric strings; gen.py writes none.

jqf='select((.decimalLatitude|type)=="number" and (.decimalLongitude|type)=="number"
 and .decimalLatitude>=-90 and .decimalLatitude<=90
 and .decimalLongitude>=-180 and .decimalLongitude<=180
 and ((.decimalLatitude==0 and .decimalLongitude==0)|not)
 and (.year|type)=="number" and .year>=1900 and .year<=2026)'
mlrf='is_numeric($decimalLatitude) && is_numeric($decimalLongitude)
 && $decimalLatitude >= -90 && $decimalLatitude <= 90
 && $decimalLongitude >= -180 && $decimalLongitude <= 180
 && !($decimalLatitude == 0 && $decimalLongitude == 0)
 && is_numeric($year) && $year >= 1900 && $year <= 2026'

# one NAME KEPT-FILE CMD...: run once, print records/s, MB/s, peak RSS, kept
one() {
	name=$1 kept=$2
	shift 2
	/usr/bin/time -f '%e %M' -o "$dir/time.txt" "$@" >"$kept" 2>/dev/null ||
	    { echo "- $name: failed" ; return 0; }
	read -r s kb <"$dir/time.txt"
	n=$(wc -l <"$kept")
	awk -v name="$name" -v s="$s" -v kb="$kb" -v b="$size" -v r="$nrec" \
	    -v n="$n" 'BEGIN { printf "- %s: %.0f records/s, %.1f MB/s, " \
	    "%.1f s, peak RSS %.1f MB, kept %d\n", name, r / s, b / s / 1e6, s,
	    kb / 1024, n }'
}

{
	echo "## validation, occ_1m.jsonl ($size bytes, $nrec records; reference rule keeps 973248)"
	one "mare-validate (reference rule)" "$dir/v-mare.jsonl" \
	    "$validate" -q --rules "$rules" -R "$dir/v-mare-rej.jsonl" "$f"
	one "mare-validate (reference rule, --no-dedup)" "$dir/v-mare.jsonl" \
	    "$validate" -q --no-dedup --rules "$rules" -R /dev/null "$f"
	one "mare-validate (default checks)" "$dir/v-mare-def.jsonl" \
	    "$validate" -q -R /dev/null "$f"
	one "jq -c" "$dir/v-jq.jsonl" jq -c "$jqf" "$f"
	if command -v mlr >/dev/null 2>&1; then
		one "mlr filter" "$dir/v-mlr.jsonl" mlr --ijsonl --ojsonl \
		    filter "$mlrf" "$f"
	else
		echo "- mlr: not installed (apt-get install miller)"
	fi
	if /usr/bin/python3 -c 'import pandas' 2>/dev/null; then
		one "pandas" "$dir/v-pandas.jsonl" /usr/bin/python3 \
		    "$src/bench/validate_pandas.py" "$f"
	else
		echo "- pandas: not installed (apt-get install python3-pandas)"
	fi
	one "mare-validate (default checks, --full-parse)" \
	    "$dir/v-mare-full.jsonl" "$validate" -q --full-parse -R /dev/null "$f"
} | tee -a "$out"

# hyperfine on the 100,000-record file: the selective scanner against
# --full-parse (jansson decodes everything) and jq, the same reference
# rule; MB/s from the mean wall time and from the mean user CPU time (the
# machine may be shared: user time is what the program itself spends)
small=$dir/occ_100k.jsonl
if command -v hyperfine >/dev/null 2>&1 && [ -f "$small" ]; then
	ssize=$(stat -L -c %s "$small")
	hyperfine -N --warmup 1 --runs "${MARE_BENCH_RUNS:-5}" \
	    --export-json "$dir/validate-hf.json" \
	    -n "mare-validate (reference rule)" \
	    "$validate -q --rules $rules -R /dev/null -o /dev/null $small" \
	    -n "mare-validate --full-parse (reference rule)" \
	    "$validate -q --full-parse --rules $rules -R /dev/null -o /dev/null $small" \
	    -n "mare-validate (default checks)" \
	    "$validate -q -R /dev/null -o /dev/null $small" \
	    -n "jq -c (reference rule)" \
	    "jq -c '$(printf '%s' "$jqf" | tr '\n' ' ')' $small" \
	    >/dev/null 2>&1 || echo "- hyperfine failed"
	[ -f "$dir/validate-hf.json" ] && jq -r --argjson b "$ssize" \
	    '.results[] | "- hyperfine, occ_100k: \(.command): " +
	    "\(($b / .mean / 1e6) * 10 | floor / 10) MB/s wall, " +
	    "\(($b / .user / 1e6) * 10 | floor / 10) MB/s user CPU " +
	    "(mean \(.mean * 1000 | floor) ms, user \(.user * 1000 | floor) ms)"' \
	    "$dir/validate-hf.json" | tee -a "$out"
fi

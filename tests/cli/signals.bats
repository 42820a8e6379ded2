#!/usr/bin/env bats
# signals.bats - kill -9 and SIGTERM at spread-out points of fetch,
# featurize, train and predict runs: afterwards the output file is either
# absent or complete (never half-written), SIGTERM leaves no temporary
# file behind, and a rerun gives exactly the output of an undisturbed run.
#
# The kill points are fractions of the undisturbed run's own wall time, so
# the loop probes early, middle and late points on any machine speed.

load helper

CROP="$DATA/grid/crop"
OCC="$MARE_SRCDIR/pipelines/data/lionfish/presences.jsonl"
KILLS=5

setup() {
	mkdir "$BATS_TEST_TMPDIR/w"
	cd "$BATS_TEST_TMPDIR/w"
	export SOURCE_DATE_EPOCH=0
}

teardown() {
	stop_httpd
}

# now_ms: wall clock in milliseconds
now_ms() {
	local s
	s=$(date +%s%N)
	echo $((s / 1000000))
}

# ms_sleep MS: sleep MS milliseconds
ms_sleep() {
	sleep "$(printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)))"
}

# files_besides FILE...: the names in . other than the given ones
files_besides() {
	local f keep
	for f in .* *; do
		[[ $f == . || $f == .. || ! -e $f ]] && continue
		for keep in "$@"; do
			[[ $f == "$keep" ]] && continue 2
		done
		echo "$f"
	done
}

# torture OUT CMD ARGS...: run CMD ARGS -o OUT undisturbed into ref.OUT,
# then $KILLS times each with SIGKILL and SIGTERM at spread points; check
# each interrupted run's OUT, then rerun and compare with the reference.
torture() {
	local out=$1 t0 t1 span sig i at pid rc
	shift
	# the same -o name every time: provenance records the command line
	t0=$(now_ms)
	"$@" -o "$out"
	t1=$(now_ms)
	mv "$out" "ref.$out"
	span=$((t1 - t0))
	((span > 0)) || span=1
	for sig in KILL TERM; do
		for ((i = 0; i < KILLS; i++)); do
			at=$((span * i / KILLS))
			rm -f "$out"
			# exec: the signal must reach the command, not a subshell
			(exec "$@" -o "$out" 3>&-) &
			pid=$!
			ms_sleep "$at"
			kill -s "$sig" "$pid" 2>/dev/null || true
			rc=0
			wait "$pid" 2>/dev/null || rc=$?
			# either it finished first (0) or the signal ended it
			if ((rc != 0 && rc != 128 + $(kill -l "$sig"))); then
				echo "SIG$sig at ${at}ms: exit $rc" >&2
				return 1
			fi
			if [[ -e $out ]] && ! cmp -s "ref.$out" "$out"; then
				echo "SIG$sig at ${at}ms: '$out' is half-written" >&2
				return 1
			fi
			if [[ $sig == TERM ]]; then
				local left
				left=$(files_besides "ref.$out" "$out" $KEEP)
				if [[ -n $left ]]; then
					echo "SIGTERM at ${at}ms left: $left" >&2
					return 1
				fi
			fi
			# a killed run's temporary file is the one thing kill -9
			# can leave; it never takes the output's name
			rm -f ".$out".??????
			"$@" -o "$out"
			cmp "ref.$out" "$out"
		done
	done
}

@test "signals: featurize killed anywhere leaves no half-written tensor" {
	KEEP=
	torture f.tensor "$MARE_BUILDDIR/mare-featurize" --layers "$CROP" \
	    --features lqh --seed 1 -q "$OCC"
}

@test "signals: train killed anywhere leaves no half-written model" {
	unchecked mare-featurize --layers "$CROP" --features l --seed 1 -q \
	    -o f.tensor "$OCC"
	KEEP=f.tensor
	torture m.json "$MARE_BUILDDIR/mare-train" -q -m maxent --features lq \
	    f.tensor
}

@test "signals: predict killed anywhere leaves no half-written map" {
	unchecked mare-featurize --layers "$CROP" --features l --seed 1 -q \
	    -o f.tensor "$OCC"
	unchecked mare-train -q -m maxent --features lq -o m.json f.tensor
	KEEP="f.tensor m.json"
	torture s.asc "$MARE_BUILDDIR/mare-predict" -q -m m.json --layers "$CROP"
}

# fetch appends page by page under --state (resumable); without --state
# its output is atomic like the others'.
@test "signals: fetch killed anywhere, rerun with --state: the clean output" {
	local i pid at rc
	printf '[{"fault":"slow","delay":0.1,"times":1000}]\n' >faults.json
	start_httpd --faults faults.json
	# exec_fetch ARGS: becomes mare-fetch (run it in a subshell)
	exec_fetch() {
		exec "$MARE_BUILDDIR/mare-fetch" gbif --base-url "$HTTPD_URL/v1" \
		    --taxon-key 3118771 --limit 750 --page-size 250 -q \
		    --fields key,scientificName,decimalLatitude "$@"
	}
	(exec_fetch -o out.jsonl)
	mv out.jsonl ref.jsonl
	for ((i = 0; i < 2 * KILLS; i++)); do
		rm -f out.jsonl st.json
		at=$((60 * i))
		(exec_fetch --state st.json -o out.jsonl 3>&-) &
		pid=$!
		ms_sleep "$at"
		if ((i % 2)); then
			kill -s TERM "$pid" 2>/dev/null || true
		else
			kill -s KILL "$pid" 2>/dev/null || true
		fi
		rc=0
		wait "$pid" 2>/dev/null || rc=$?
		((rc == 0 || rc == 137 || rc == 143)) || {
			echo "kill at ${at}ms: exit $rc" >&2
			return 1
		}
		(exec_fetch --state st.json -o out.jsonl)
		if ! cmp ref.jsonl out.jsonl; then
			echo "kill -$((i % 2 ? 15 : 9)) at ${at}ms" >&2
			cat st.json >&2
			return 1
		fi
		# and without --state the output is all or nothing
		rm -f out.jsonl
		(exec_fetch -o out.jsonl 3>&-) &
		pid=$!
		ms_sleep "$at"
		kill -s KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		if [[ -e out.jsonl ]]; then
			cmp ref.jsonl out.jsonl
		fi
		rm -f .out.jsonl.??????
	done
}

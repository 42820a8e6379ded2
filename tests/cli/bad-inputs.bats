#!/usr/bin/env bats
# bad-inputs.bats - every malformed input of tests/bad/MANIFEST through its
# command: the expected exit status (never a signal, >= 128), exactly one
# line on stderr starting with the expected words, and nothing left in the
# working folder but the input (no output file, no .NAME.XXXXXX temporary).
# Under make check-valgrind each command runs under valgrind (helper.bash),
# so a leak or an invalid read fails the entry with status 99. Valgrind
# costs about 2 s a run, so there only every MARE_BAD_STRIDE-th entry of
# each format runs (default 3; MARE_BAD_STRIDE=1 runs them all): every
# entry runs under ASan and UBSan in make check-asan.

load helper

BAD="$MARE_SRCDIR/tests/bad"
if [[ -n ${MARE_VALGRIND:-} ]]; then
	stride=${MARE_BAD_STRIDE:-3}
else
	stride=${MARE_BAD_STRIDE:-1}
fi

# check_entries DIR: run the MANIFEST entries whose file is under DIR/;
# report every failing entry, then fail once.
check_entries() {
	local file cmd want prefix argv n=0 bad=0 w line k=-1
	while IFS=$'\t' read -r file cmd want prefix; do
		[[ -z $file || $file == \#* || $file != "$1"/* ]] && continue
		k=$((k + 1))
		(( k % stride == 0 )) || continue
		read -ra argv <<<"$cmd"
		if ! declare -F "${argv[0]}" >/dev/null; then
			echo "# $file: ${argv[0]} is not built, skipped" >&3
			continue
		fi
		n=$((n + 1))
		w="$BATS_TEST_TMPDIR/w$n"
		mkdir "$w"
		cp "$BAD/$file" "$w/"
		pushd "$w" >/dev/null
		run --separate-stderr "${argv[@]}"
		popd >/dev/null
		line=${stderr_lines[0]-}
		if [[ $status != "$want" || $status -ge 128 ]]; then
			echo "$file: exit $status, expected $want: $stderr"
			bad=$((bad + 1))
		elif [[ ${#stderr_lines[@]} != 1 ]]; then
			echo "$file: ${#stderr_lines[@]} lines on stderr: $stderr"
			bad=$((bad + 1))
		elif [[ $line != "$prefix"* ]]; then
			echo "$file: stderr '$line', expected it to start" \
			    "with '$prefix'"
			bad=$((bad + 1))
		elif [[ $(ls -A "$w") != "${file##*/}" ]]; then
			echo "$file: left behind:" $(ls -A "$w")
			bad=$((bad + 1))
		fi
		rm -rf "$w"
	done < "$BAD/MANIFEST"
	echo "# $1: $n entries run, $bad failed" >&3
	[[ $n -gt 0 ]] || skip "no command for $1 inputs is built"
	[[ $bad == 0 ]]
}

@test "bad inputs: the corpus has at least 60 entries, each file present" {
	run -0 awk -F'\t' '!/^#/ && NF { n++; if (NF != 4) print "bad line " NR }
	    END { print n }' "$BAD/MANIFEST"
	assert_output --regexp '^[0-9]+$'
	[ "$output" -ge 60 ]
	while IFS=$'\t' read -r file _; do
		[[ -z $file || $file == \#* ]] && continue
		[ -f "$BAD/$file" ] || { echo "missing $file"; return 1; }
	done < "$BAD/MANIFEST"
}

@test "bad inputs: tensor streams" {
	check_entries tensor
}

@test "bad inputs: .npy arrays" {
	check_entries npy
}

@test "bad inputs: JSON Lines records" {
	check_entries jsonl
}

@test "bad inputs: model files" {
	check_entries model
}

@test "bad inputs: .asc grids" {
	check_entries grid
}

@test "bad inputs: rules files" {
	check_entries rules
}

@test "bad inputs: Darwin Core Archives (zip bombs included)" {
	check_entries dwca
}

@test "bad inputs: CSV tables" {
	check_entries csv
}

# Too big to keep in the corpus: made here.
@test "bad inputs: a JSON line of 100000 nested arrays stops at jansson's depth limit" {
	cd "$BATS_TEST_TMPDIR"
	mkdir w && cd w
	head -c 100000 /dev/zero | tr '\0' '[' > deep.jsonl
	run -65 --separate-stderr mare-tensor from-jsonl --columns a \
	    -o out.tensor deep.jsonl
	assert_equal "$stderr" "mare-tensor: deep.jsonl:1:2049: invalid JSON: maximum parsing depth reached near '['"
	run ls -A
	assert_output "deep.jsonl"
}

@test "bad inputs: a tensor stream on a pipe claiming 2^50 rows fails at its end" {
	cd "$BATS_TEST_TMPDIR"
	run -65 --separate-stderr bash -c "cat '$BAD/tensor/verify-2p50-rows.tensor' | '$MARE_BUILDDIR/mare-tensor' verify"
	assert_equal "$stderr" "mare-tensor: <stdin>: truncated: stream ends at offset 184 inside chunk 1"
}

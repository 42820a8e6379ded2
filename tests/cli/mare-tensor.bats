#!/usr/bin/env bats
# mare-tensor.bats - the tensor command: real data through every
# subcommand, the numpy round trip, and each kind of bad input (exit code,
# one line on stderr, no output file or temporary file left behind)

load helper

PRES="$DATA/tensor/presences.jsonl"
COLS=SST_present_crop,salinity_present_crop,PAR_present_crop,pH_present_crop,currentspeed_present_crop
PY=/usr/bin/python3

# Work in a subfolder: bats keeps its own files in $BATS_TEST_TMPDIR.
setup() {
	mkdir "$BATS_TEST_TMPDIR/w"
	cd "$BATS_TEST_TMPDIR/w"
}

# The folder holds exactly the files named (no .NAME.XXXXXX left over).
only_files() {
	run ls -A "$BATS_TEST_TMPDIR/w"
	assert_output "$(printf '%s\n' "$@" | sort)"
}

good_tensor() {
	run -0 --separate-stderr mare-tensor from-jsonl --columns "$COLS" \
	    --dtype f8 -o good.tensor "$PRES"
}

@test "tensor: from-jsonl of 246 real records, info, verify, to-jsonl" {
	run -0 --separate-stderr mare-tensor from-jsonl --columns "$COLS" \
	    --dtype f8 -o p.tensor "$PRES"
	assert_equal "$output" ""
	assert_equal "$stderr" \
	    "mare-tensor: 246 records in, 246 rows out, 0 rejected"
	run -0 --separate-stderr mare-tensor info p.tensor
	assert_line "rows:     246"
	assert_line "columns:  5"
	assert_line "dtype:    f64"
	assert_line --regexp '^SST_present_crop +246 +0 +25\.95369 '
	run -0 --separate-stderr mare-tensor info --json p.tensor
	run -0 jq -r '.rows, (.columns | length), .columns[4].name' <<<"$output"
	assert_output "$(printf '246\n5\ncurrentspeed_present_crop')"
	run -0 --separate-stderr mare-tensor verify p.tensor
	assert_output "p.tensor: ok, 246 rows, 5 columns"
	run -0 --separate-stderr mare-tensor to-jsonl -o back.jsonl p.tensor
	# the same values as the input, key by key, exactly
	run -0 jq -n --slurpfile a "$PRES" --slurpfile b back.jsonl \
	    '[$a[] | {SST_present_crop, salinity_present_crop, PAR_present_crop,
	      pH_present_crop, currentspeed_present_crop}] == $b'
	assert_output "true"
}

@test "tensor: f4 tensors print the shortest float text" {
	run -0 --separate-stderr mare-tensor from-jsonl -q --columns "$COLS" \
	    -o p.tensor "$PRES"
	assert_equal "$stderr" ""
	run -0 --separate-stderr mare-tensor head -n 2 p.tensor
	assert_line --index 0 --regexp '^SST_present_crop +salinity_present_crop'
	assert_line --index 1 --regexp '^ +27\.145174 +36\.01238 +39\.649567 +8\.209519 +0\.8820171$'
	assert_equal "${#lines[@]}" 3
	run -0 --separate-stderr mare-tensor to-jsonl p.tensor
	assert_line --index 0 '{"SST_present_crop":27.145174,"salinity_present_crop":36.01238,"PAR_present_crop":39.649567,"pH_present_crop":8.209519,"currentspeed_present_crop":0.8820171}'
}

@test "tensor: cat through pipes keeps every row; stdin and stdout" {
	good_tensor
	run -0 bash -c "cat good.tensor | '$MARE_BUILDDIR/mare-tensor' cat |
	    '$MARE_BUILDDIR/mare-tensor' verify"
	assert_output "<stdin>: ok, 246 rows, 5 columns"
	run -0 --separate-stderr mare-tensor cat -o copy.tensor good.tensor
	run -0 cmp good.tensor copy.tensor
}

@test "tensor: from-jsonl sends unusable records to --reject with reasons" {
	printf '%s\n' '{"a": 1, "b": 2}' '{"a": "x", "c": 3}' '{"b": 5, "a": 4.5}' > in.jsonl
	run -0 --separate-stderr mare-tensor from-jsonl --columns a,b \
	    -R rej.jsonl -o t.tensor in.jsonl
	assert_equal "$stderr" "mare-tensor: 3 records in, 2 rows out, 1 rejected"
	run -0 cat rej.jsonl
	assert_output '{"a": "x", "c": 3,"_rejected":[{"field":"a","message":"expected a number, got a string"},{"field":"b","message":"missing"}]}'
	run -0 --separate-stderr mare-tensor to-jsonl t.tensor
	assert_output "$(printf '%s\n' '{"a":1,"b":2}' '{"a":4.5,"b":5}')"
}

@test "tensor: from-jsonl without --reject stops at the bad record" {
	printf '%s\n' '{"a": 1}' '{"a": null}' > in.jsonl
	run -65 --separate-stderr mare-tensor from-jsonl --columns a -o t.tensor in.jsonl
	assert_equal "$stderr" "mare-tensor: in.jsonl:2: a: expected a number, got null"
	only_files in.jsonl
}

@test "tensor: numpy round trip: from-npy, to-npy, identical array and dtype" {
	for dt in '<f4' '<f8'; do
		run -0 "$PY" -c "import numpy as np
a = (np.arange(3000, dtype='$dt').reshape(1000, 3) / 7) - 100
a[5, 1] = np.nan
np.save('in.npy', a)"
		run -0 --separate-stderr mare-tensor from-npy --columns a,b,c \
		    -o t.tensor in.npy
		run -0 --separate-stderr mare-tensor to-npy -o out.npy t.tensor
		run -0 "$PY" -c "import numpy as np
a, b = np.load('in.npy'), np.load('out.npy')
print(np.array_equal(a, b, equal_nan=True), a.dtype == b.dtype, b.shape)"
		assert_output "True True (1000, 3)"
	done
	run -0 --separate-stderr mare-tensor info t.tensor
	assert_line --regexp '^b +999 +1 '
}

@test "tensor: to-npy to a pipe spools and still gives a loadable array" {
	run -0 "$PY" -c "import numpy as np; np.save('in.npy', np.eye(4, dtype='<f4'))"
	run -0 bash -c "'$MARE_BUILDDIR/mare-tensor' from-npy in.npy |
	    '$MARE_BUILDDIR/mare-tensor' to-npy | cat > out.npy"
	run -0 "$PY" -c "import numpy as np; print(np.array_equal(np.load('out.npy'), np.eye(4, dtype='<f4')))"
	assert_output "True"
	run -0 --separate-stderr mare-tensor head <(mare-tensor from-npy in.npy)
	assert_line --index 0 "f0  f1  f2  f3"
}

# Bad tensor inputs: cat -o out.tensor must fail with exit 65, one line on
# stderr, and leave no output behind.
bad_tensor() {
	run -65 --separate-stderr mare-tensor cat -o out.tensor bad.tensor
	assert_equal "$output" ""
	assert_equal "${#stderr_lines[@]}" 1
	assert_equal "$stderr" "$1"
	[ ! -e out.tensor ]
}

@test "tensor: a truncated stream is refused" {
	good_tensor
	head -c 5000 good.tensor > bad.tensor
	rm good.tensor
	bad_tensor "mare-tensor: bad.tensor: offset 200: truncated: chunk 1 claims 246 rows (9840 bytes) but the file has 4792 bytes left"
	only_files bad.tensor
	run -65 --separate-stderr bash -c "'$MARE_BUILDDIR/mare-tensor' cat < bad.tensor > /dev/null"
	assert_equal "$stderr" "mare-tensor: <stdin>: offset 200: truncated: chunk 1 claims 246 rows (9840 bytes) but the file has 4792 bytes left"
	run -65 --separate-stderr bash -c "cat bad.tensor | '$MARE_BUILDDIR/mare-tensor' verify"
	assert_equal "$stderr" "mare-tensor: <stdin>: truncated: stream ends at offset 5000 inside chunk 1"
}

@test "tensor: wrong magic is refused" {
	good_tensor
	{ printf 'PK'; tail -c +3 good.tensor; } > bad.tensor
	rm good.tensor
	bad_tensor "mare-tensor: bad.tensor: offset 0: not a tensor stream (wrong magic)"
	only_files bad.tensor
}

@test "tensor: a header claiming 2^40 columns is refused" {
	good_tensor
	{ head -c 16 good.tensor; printf '\0\0\0\0\0\1\0\0'; tail -c +25 good.tensor; } > bad.tensor
	rm good.tensor
	bad_tensor "mare-tensor: bad.tensor: offset 16: header claims 1099511627776 columns (limit 1048576)"
	only_files bad.tensor
}

@test "tensor: a checksum mismatch is refused" {
	good_tensor
	# flip one byte of data (offset 1000) in the single chunk
	"$PY" -c "import sys
b = bytearray(open('good.tensor', 'rb').read()); b[1000] ^= 1
open('bad.tensor', 'wb').write(b)"
	rm good.tensor
	run -65 --separate-stderr mare-tensor verify bad.tensor
	assert_equal "$output" ""
	assert_regex "$stderr" '^mare-tensor: bad.tensor: offset [0-9]+: chunk 1 checksum mismatch \(stored [0-9a-f]{8}, computed [0-9a-f]{8}\)$'
	bad_tensor "$stderr"
	only_files bad.tensor
}

@test "tensor: an empty file is refused" {
	: > bad.tensor
	bad_tensor "mare-tensor: bad.tensor: offset 0: empty input: not a tensor stream"
	only_files bad.tensor
}

@test "tensor: .npy big-endian, Fortran order and object dtype are refused" {
	run -0 "$PY" -c "import numpy as np
np.save('be.npy', np.arange(4, dtype='>f4'))
np.save('fo.npy', np.asfortranarray(np.ones((2, 3), dtype='<f4')))
np.save('ob.npy', np.array([1, 'a'], dtype=object), allow_pickle=True)"
	for f in be fo ob; do
		run -65 --separate-stderr mare-tensor from-npy -o out.tensor $f.npy
		assert_equal "${#stderr_lines[@]}" 1
		case $f in
		be) assert_regex "$stderr" "^mare-tensor: be.npy: offset [0-9]+: big-endian dtype '>f4' is not supported" ;;
		fo) assert_regex "$stderr" "^mare-tensor: fo.npy: offset [0-9]+: Fortran order is not supported" ;;
		ob) assert_regex "$stderr" "^mare-tensor: ob.npy: offset [0-9]+: unsupported dtype '\|O'" ;;
		esac
	done
	only_files be.npy fo.npy ob.npy
}

@test "tensor: bad JSON Lines stop with exit 65 at file:line" {
	printf '{"a": 1}\n[1, 2]\n' > array.jsonl
	run -65 --separate-stderr mare-tensor from-jsonl --columns a -o out.tensor array.jsonl
	assert_equal "$stderr" "mare-tensor: array.jsonl:2: expected a JSON object, got an array"
	printf '{"a": 1}\n{"a": "\xff"}\n' > utf8.jsonl
	run -65 --separate-stderr mare-tensor from-jsonl --columns a -o out.tensor utf8.jsonl
	assert_equal "${#stderr_lines[@]}" 1
	assert_regex "$stderr" '^mare-tensor: utf8.jsonl:2(:[0-9]+)?: invalid JSON: .*UTF-8'
	"$PY" -c "print('{\"a\": \"' + 'x' * (5 << 20) + '\"}')" > long.jsonl
	run -65 --separate-stderr mare-tensor from-jsonl --columns a -o out.tensor long.jsonl
	assert_equal "${#stderr_lines[@]}" 1
	assert_regex "$stderr" '^mare-tensor: long.jsonl:1: .*(long|limit)'
	# a larger --max-line lets it through to the number check
	run -65 --separate-stderr mare-tensor from-jsonl --columns a --max-line 6M -o out.tensor long.jsonl
	assert_equal "$stderr" "mare-tensor: long.jsonl:1: a: expected a number, got a string"
	only_files array.jsonl long.jsonl utf8.jsonl
}

@test "tensor: an output folder that cannot exist gives 73" {
	good_tensor
	run -73 --separate-stderr mare-tensor cat -o /nonexistent-dir/x.tensor good.tensor
	assert_equal "$stderr" "mare-tensor: cannot create '/nonexistent-dir/x.tensor': No such file or directory"
	run -73 --separate-stderr mare-tensor cat -o good.tensor/x.tensor good.tensor
	assert_equal "${#stderr_lines[@]}" 1
	only_files good.tensor
}

@test "tensor: a read-only output folder gives 73 (not as root)" {
	[ "$(id -u)" != 0 ] || skip "root can write anywhere"
	good_tensor
	mkdir ro && chmod 555 ro
	run -73 --separate-stderr mare-tensor cat -o ro/x.tensor good.tensor
	assert_equal "${#stderr_lines[@]}" 1
	run ls -A ro
	assert_output ""
}

@test "tensor: a missing input gives 66" {
	run -66 --separate-stderr mare-tensor info nope.tensor
	assert_equal "$stderr" "mare-tensor: 'nope.tensor': No such file or directory"
	only_files
}

@test "tensor: --help, unknown option, unknown subcommand, misplaced option" {
	run -0 --separate-stderr mare-tensor --help
	assert_line --index 0 "Usage:"
	assert_equal "$stderr" ""
	run -64 --separate-stderr mare-tensor --bogus
	assert_equal "$output" ""
	assert_equal "${stderr_lines[1]}" "Try 'mare-tensor --help' for more information."
	run -64 --separate-stderr mare-tensor frobnicate
	assert_equal "$stderr" "$(printf '%s\n' "mare-tensor: unknown subcommand 'frobnicate'" \
	    "Try 'mare-tensor --help' for more information.")"
	run -64 --separate-stderr mare-tensor from-jsonl x.jsonl
	assert_equal "${stderr_lines[0]}" "mare-tensor: from-jsonl needs --columns"
	run -64 --separate-stderr mare-tensor info --rows 3 x.tensor
	assert_equal "${stderr_lines[0]}" "mare-tensor: an option given does not apply to 'info' (see --help)"
}

@test "tensor: --metrics-file counts rows in, out and rejected, atomically" {
	good_tensor
	run -0 --separate-stderr mare-tensor cat --metrics-file m.prom \
	    -o copy.tensor good.tensor
	run -0 grep -E '^mare_tensor_rows_total\{direction="(in|out)"\} 246$' \
	    m.prom
	assert_equal "${#lines[@]}" 2
	run -0 grep -c '^# TYPE mare_tensor_rows_total counter$' m.prom
	assert_output 1
	run -0 grep -E '^mare_run_exit_status\{command="mare-tensor"\} 0$' m.prom
	only_files copy.tensor good.tensor m.prom
}

@test "tensor: a failed run still writes its exit status to the metrics file" {
	printf 'not a tensor' >bad.tensor
	run -65 --separate-stderr mare-tensor verify --metrics-file m.prom \
	    bad.tensor
	run -0 grep -E '^mare_run_exit_status\{command="mare-tensor"\} 65$' m.prom
}

@test "tensor: --progress draws a bar on stderr and clears it before messages" {
	run -0 --separate-stderr mare-tensor from-jsonl --progress \
	    --columns "$COLS" -o p.tensor "$PRES"
	# The bar may or may not be drawn in so short a run; the summary line
	# must come out whole either way.
	[[ $stderr == *"mare-tensor: 246 records in, 246 rows out, 0 rejected" ]]
	run -0 --separate-stderr mare-tensor from-jsonl --no-progress \
	    --columns "$COLS" -o p.tensor "$PRES"
	assert_equal "$stderr" \
	    "mare-tensor: 246 records in, 246 rows out, 0 rejected"
}

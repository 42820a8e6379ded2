#!/usr/bin/env bats
# mare-featurize.bats - the feature store: a hand-made 4 x 3 stack where
# every sampled value is known, thinning, reject reasons, background draws,
# the real lionfish records against the real crop layers, the spec round
# trip, seeds, --grid, and each kind of bad input

load helper

FZ="$DATA/featurize"
STACK="$FZ/stack"
PRES="$DATA/tensor/presences.jsonl"
CROP="$DATA/grid/crop"
PY=/usr/bin/python3
export SOURCE_DATE_EPOCH=1700000000

setup() {
	mkdir "$BATS_TEST_TMPDIR/w"
	cd "$BATS_TEST_TMPDIR/w"
}

only_files() {
	run ls -A "$BATS_TEST_TMPDIR/w"
	assert_output "$(printf '%s\n' "$@" | sort)"
}

# Line N of the last run's stderr is TEXT; some line of stderr is TEXT.
err_line() {
	assert_equal "${stderr_lines[$1]}" "$2"
}
err_has() {
	grep -qxF -- "$1" <<<"$stderr" || fail "no line '$1' in: $stderr"
}

# The rows of a tensor as JSON Lines.
rows() {
	mare-tensor to-jsonl "$1"
}

# The bytes after the header (chunks and end record): the header is
# 28 + L + 4 bytes, L the JSON length at offset 24 (mare-tensor(5)).
body() {
	local l
	l=$(od -An -tu4 -j24 -N4 "$1" | tr -d ' ')
	tail -c +$((28 + l + 4 + 1)) "$1"
}

# The hand-made stack (see tests/data/featurize/README.md): a = 1..12 in
# row-major order, b = 10 a, except b's NODATA at row 1, col 1; x 0..4,
# y 0..3, cellsize 1.

@test "featurize: every sampled value, thinning, rejects and counts on the 4x3 stack" {
	run -0 --separate-stderr mare-featurize --layers "$STACK" \
	    --species 'Aus bus' -R rej.jsonl --features l --background 0 \
	    --no-add-presences -o t.mt "$FZ/occ.jsonl"
	assert_equal "$stderr" "mare-featurize: 8 records in = 3 presences + 1 thinned + 3 rejected + 1 other species
mare-featurize: 0 background rows (0 of them presences added)"
	run -0 rows t.mt
	# record 1 (0.5, 2.5): row 0 col 0; record 2 is in the same cell
	# (thinned); record 6 (2, 1) lies on two cell edges: the cell east
	# and south of it, row 2 col 2 (a 11), not row 1 (a 7); record 7
	# (4, 0) is the outer south-east corner: the last row and column
	assert_output '{"label":1.0,"a":1.0,"b":10.0,"longitude":0.5,"latitude":2.5}
{"label":1.0,"a":11.0,"b":110.0,"longitude":2.0,"latitude":1.0}
{"label":1.0,"a":12.0,"b":120.0,"longitude":4.0,"latitude":0.0}'
	run -0 cat rej.jsonl
	assert_output '{"occurrenceID":"3","scientificName":"Aus bus","decimalLongitude":1.5,"decimalLatitude":1.5,"_rejected":[{"field":"b","message":"no value (NODATA) at row 1, col 1"}]}
{"occurrenceID":"4","scientificName":"Aus bus","decimalLongitude":5,"decimalLatitude":1,"_rejected":[{"field":"decimalLongitude,decimalLatitude","message":"outside the layers"}]}
{"occurrenceID":"5","scientificName":"Aus bus","decimalLongitude":2.5,"_rejected":[{"field":"decimalLatitude","message":"missing"}]}'
	only_files rej.jsonl t.mt
}

@test "featurize: --no-thin keeps both presences of one cell" {
	run -0 --separate-stderr mare-featurize --layers "$STACK" --no-thin \
	    --species 'Aus bus' -R rej.jsonl --features l --background 0 \
	    -o t.mt "$FZ/occ.jsonl"
	err_line 0 "mare-featurize: 8 records in = 4 presences + 0 thinned + 3 rejected + 1 other species"
	run -0 rows t.mt
	assert_line --index 1 '{"label":1.0,"a":1.0,"b":10.0,"longitude":0.7,"latitude":2.2}'
	# presences 1 and 2 share their values: maxnet's setdiff adds that
	# row to the background once
	assert_equal "${#lines[@]}" 7
	run -0 jq -s -c '[.[] | [.label, .a]]' < <(rows t.mt)
	assert_output '[[1,1],[1,1],[1,11],[1,12],[0,1],[0,11],[0,12]]'
}

@test "featurize: without -R the first unusable record stops the run" {
	run -65 --separate-stderr mare-featurize --layers "$STACK" \
	    -o t.mt "$FZ/occ.jsonl"
	assert_equal "$stderr" "mare-featurize: $FZ/occ.jsonl:3: b: no value (NODATA) at row 1, col 1 (use -R to set such records aside)"
	only_files
}

@test "featurize: background cells are distinct valid cells with their own values" {
	run -0 --separate-stderr mare-featurize --layers "$STACK" -q \
	    --species 'Aus bus' -R rej.jsonl --features l --background 4 \
	    --weights -o t.mt "$FZ/occ.jsonl"
	assert_equal "$stderr" ""
	# 3 presences, 4 background cells (row-major), then the 3
	# presences added to the background (none of them was drawn)
	run -0 rows t.mt
	assert_equal "${#lines[@]}" 10
	assert_output '{"label":1.0,"weight":1.0,"a":1.0,"b":10.0,"longitude":0.5,"latitude":2.5}
{"label":1.0,"weight":1.0,"a":11.0,"b":110.0,"longitude":2.0,"latitude":1.0}
{"label":1.0,"weight":1.0,"a":12.0,"b":120.0,"longitude":4.0,"latitude":0.0}
{"label":0.0,"weight":100.0,"a":2.0,"b":20.0,"longitude":1.5,"latitude":2.5}
{"label":0.0,"weight":100.0,"a":8.0,"b":80.0,"longitude":3.5,"latitude":1.5}
{"label":0.0,"weight":100.0,"a":9.0,"b":90.0,"longitude":0.5,"latitude":0.5}
{"label":0.0,"weight":100.0,"a":10.0,"b":100.0,"longitude":1.5,"latitude":0.5}
{"label":0.0,"weight":100.0,"a":1.0,"b":10.0,"longitude":0.5,"latitude":2.5}
{"label":0.0,"weight":100.0,"a":11.0,"b":110.0,"longitude":2.0,"latitude":1.0}
{"label":0.0,"weight":100.0,"a":12.0,"b":120.0,"longitude":4.0,"latitude":0.0}'
	# every background row is its cell centre's value: a = row*4+col+1
	run -0 jq -s '[.[3:7][] |
	    (.a == (2 - (.latitude | floor)) * 4 + (.longitude | floor) + 1
	     and .b == 10 * .a)] | all' < <(rows t.mt)
	assert_output true
	run -0 --separate-stderr mare-tensor info --json t.mt
	run -0 jq -c '.meta."mare-featurize" | [.columns, .background, .weights]' <<<"$output"
	assert_output '[{"label":0,"weight":1,"features":{"first":2,"count":2},"longitude":4,"latitude":5},{"source":"layers","rows":4,"added_presences":3,"add_presences":true,"asked":4},{"presence":1,"background":100}]'
}

@test "featurize: more background than valid cells takes all 11, once each" {
	run -0 --separate-stderr mare-featurize --layers "$STACK" \
	    --species 'Aus bus' -R rej.jsonl --features l --background 20 \
	    -o t.mt "$FZ/occ.jsonl"
	err_line 0 "mare-featurize: only 11 cells are eligible for the background (20 asked for): all are used"
	err_line 2 "mare-featurize: 11 background rows (0 of them presences added)"
	run -0 jq -s -c '[.[] | select(.label == 0) | .a]' < <(rows t.mt)
	assert_output '[1,2,3,4,5,7,8,9,10,11,12]'
}

@test "featurize: --bias draws only where the bias is positive" {
	run -0 --separate-stderr mare-featurize --layers "$STACK" \
	    --bias "$FZ/bias.asc" --no-add-presences --species 'Aus bus' \
	    -R rej.jsonl --features l --background 5 -o t.mt "$FZ/occ.jsonl"
	err_line 0 "mare-featurize: only 2 cells are eligible for the background (5 asked for): all are used"
	run -0 jq -s -c '[.[] | select(.label == 0) | [.a, .longitude, .latitude]]' < <(rows t.mt)
	assert_output '[[7,2.5,1.5],[9,0.5,0.5]]'
}

@test "featurize: --background-from samples the given points; rejects named" {
	run -0 --separate-stderr mare-featurize --layers "$STACK" \
	    --background-from "$FZ/bg.jsonl" --no-add-presences \
	    --species 'Aus bus' -R rej.jsonl --features l -o t.mt \
	    "$FZ/occ.jsonl"
	err_line 1 "mare-featurize: 3 background records in = 2 used + 1 rejected"
	run -0 jq -s -c '[.[] | select(.label == 0) | [.a, .b]]' < <(rows t.mt)
	assert_output '[[4,40],[9,90]]'
	run -0 tail -n 1 rej.jsonl
	assert_output '{"decimalLongitude":1.5,"decimalLatitude":1.5,"_rejected":[{"field":"b","message":"no value (NODATA) at row 1, col 1"}]}'
}

@test "featurize: --columns alone takes the covariates from the records" {
	printf '%s\n' '{"decimalLongitude":1,"decimalLatitude":2,"sst":20.5}' \
	    '{"decimalLongitude":3,"decimalLatitude":4,"sst":"x"}' > p.jsonl
	printf '%s\n' '{"decimalLongitude":5,"decimalLatitude":6,"sst":10}' > b.jsonl
	run -0 --separate-stderr mare-featurize --columns sst -R rej.jsonl \
	    --background-from b.jsonl -o t.mt p.jsonl
	run -0 rows t.mt
	assert_output '{"label":1.0,"sst":20.5,"longitude":1.0,"latitude":2.0}
{"label":0.0,"sst":10.0,"longitude":5.0,"latitude":6.0}
{"label":0.0,"sst":20.5,"longitude":1.0,"latitude":2.0}'
	run -0 cat rej.jsonl
	assert_output '{"decimalLongitude":3,"decimalLatitude":4,"sst":"x","_rejected":[{"field":"sst","message":"expected a number, got a string"}]}'
}

@test "featurize: the lionfish records sample the crop layers to the values they carry" {
	run -0 --separate-stderr mare-featurize --layers "$CROP" \
	    --features l --background 0 --no-add-presences -o t.mt "$PRES"
	err_line 0 "mare-featurize: 246 records in = 246 presences + 0 thinned + 0 rejected + 0 other species"
	rows t.mt > t.jsonl
	# the layers store float32 (as MaxEnt): the records' values, made by
	# the reference script from the same .asc text, round to the same
	# floats, for every record and every layer present
	run -0 "$PY" -c '
import json, struct, sys
f = lambda v: struct.unpack("<f", struct.pack("<f", v))[0]
recs = [json.loads(l) for l in open(sys.argv[1])]
rows = [json.loads(l) for l in open("t.jsonl")]
n = bad = 0
for r, t in zip(recs, rows):
    assert (r["decimalLongitude"], r["decimalLatitude"]) == (t["longitude"], t["latitude"])
    for k in ("SST_present_crop", "PAR_present_crop", "pH_present_crop"):
        n += 1
        bad += f(r[k]) != t[k]
print(len(recs), len(rows), n, bad)' "$PRES"
	assert_output "246 246 738 0"
}

@test "featurize: lionfish with default classes: lqph, 8543 cells, spec hash in header" {
	run -0 --separate-stderr mare-featurize --layers "$CROP" \
	    --spec-out spec.json -o t.mt "$PRES"
	err_line 0 "mare-featurize: only 8543 cells are eligible for the background (10000 asked for): all are used"
	run -0 --separate-stderr mare-tensor info t.mt
	assert_line "rows:     8789"
	assert_line "columns:  306"
	assert_line "spec:     $(sha256sum spec.json | cut -d' ' -f1)"
	# maxnet's duplicate hinge name gets R's make.unique() suffix
	assert_line --regexp '^hinge\(PAR_present_crop\):35\.2269706726074:46\.8929710388184\.1 '
	run -0 jq -r '.classes, .classes_requested, .presences' spec.json
	assert_output "$(printf 'lqph\ndefault\n246')"
}

@test "featurize: spec round trip: --spec on the same input gives the same rows" {
	for dt in f4 f8; do
		run -0 --separate-stderr mare-featurize --layers "$CROP" \
		    --background 500 --features lqpht --weights --dtype $dt \
		    --spec-out spec.json -o fit.mt "$PRES"
		run -0 --separate-stderr mare-featurize --layers "$CROP" \
		    --background 500 --weights --dtype $dt --spec spec.json \
		    -o apply.mt "$PRES"
		body fit.mt > fit.body
		body apply.mt > apply.body
		run -0 cmp fit.body apply.body
		[[ $(stat -c %s fit.body) -gt 100000 ]]
		run -0 --separate-stderr mare-tensor info apply.mt
		assert_line "spec:     $(sha256sum spec.json | cut -d' ' -f1)"
		if [[ $dt == f4 ]]; then
			assert_line "dtype:    f32"
		else
			assert_line "dtype:    f64"
		fi
	done
}

@test "featurize: same --seed gives identical bytes, another seed another background" {
	for s in 7 7 8; do
		run -0 --separate-stderr mare-featurize --layers "$CROP" \
		    --background 100 --seed $s -o s$s.mt "$PRES"
		mv s$s.mt s$s-$RANDOM.mt
	done
	run -0 bash -c 'cmp s7-*.mt'
	run -0 bash -c 'ls s7-*.mt | head -1'
	a=$output
	run -1 cmp <(body "$a") <(body s8-*.mt)
}

@test "featurize: --grid writes every valid cell in row order through the spec" {
	run -0 --separate-stderr mare-featurize --layers "$STACK" \
	    --species 'Aus bus' -R rej.jsonl --features lq --background 0 \
	    --spec-out spec.json -o t.mt "$FZ/occ.jsonl"
	run -0 --separate-stderr mare-featurize --grid --spec spec.json \
	    --layers "$STACK" -o g.mt
	assert_equal "$stderr" ""
	run -0 jq -s -c '[.[] | [.a, ."I(a^2)", .longitude, .latitude]]' < <(rows g.mt)
	# cells 0..11 minus cell 5 (row 1, col 1); a clamped to the training
	# range 1..12 (all inside); centres
	assert_output '[[1,1,0.5,2.5],[2,4,1.5,2.5],[3,9,2.5,2.5],[4,16,3.5,2.5],[5,25,0.5,1.5],[7,49,2.5,1.5],[8,64,3.5,1.5],[9,81,0.5,0.5],[10,100,1.5,0.5],[11,121,2.5,0.5],[12,144,3.5,0.5]]'
	run -0 --separate-stderr mare-tensor info --json g.mt
	run -0 jq -c '.meta."mare-featurize" | [.mode, .columns, .clamp]' <<<"$output"
	assert_output '["grid",{"label":null,"weight":null,"features":{"first":0,"count":4},"longitude":4,"latitude":5},true]'
}

@test "featurize: --spec clamps values outside the training range, --no-clamp does not" {
	# trained on two cells: a 11..12, b 110..120
	printf '%s\n' '{"scientificName":"Aus bus","decimalLongitude":3.5,"decimalLatitude":0.5}' \
	    '{"scientificName":"Aus bus","decimalLongitude":2.5,"decimalLatitude":0.5}' > two.jsonl
	run -0 --separate-stderr mare-featurize --layers "$STACK" --features l \
	    --background 0 --no-add-presences --spec-out narrow.json -o n.mt two.jsonl
	run -0 --separate-stderr mare-featurize --layers "$STACK" --spec narrow.json \
	    --background 0 --no-add-presences -R rej.jsonl -o c.mt "$FZ/occ.jsonl"
	err_has "mare-featurize: 1 rows outside the spec's training range (clamped)"
	run -0 jq -s -c '[.[] | [.a, .b]]' < <(rows c.mt)
	assert_output '[[11,110],[11,110],[12,120]]'
	run -0 --separate-stderr mare-featurize --layers "$STACK" --spec narrow.json \
	    --no-clamp --background 0 --no-add-presences -R rej.jsonl -o c.mt "$FZ/occ.jsonl"
	err_has "mare-featurize: 1 rows outside the spec's training range (not clamped)"
	run -0 jq -s -c '[.[] | [.a, .b]]' < <(rows c.mt)
	assert_output '[[1,10],[11,110],[12,120]]'
}

@test "featurize: misaligned layers are refused naming the difference" {
	run -65 --separate-stderr mare-featurize --layers "$STACK" \
	    -l "$FZ/bad/shifted.asc" -o t.mt "$FZ/occ.jsonl"
	assert_equal "$stderr" "mare-featurize: $FZ/bad/shifted.asc: layer 'shifted' is not aligned with layer 'a' ($STACK/a.asc): xllcorner 0.5 vs 0"
	only_files
}

@test "featurize: a corrupt layer is one error with its line" {
	printf 'ncols 2\nnrows 2\nxllcorner 0\nyllcorner 0\ncellsize 1\n1 2\n3 x\n' > bad.asc
	run -65 --separate-stderr mare-featurize -l bad.asc -o t.mt "$FZ/occ.jsonl"
	assert_equal "$stderr" "mare-featurize: bad.asc:7: expected a number, got 'x'"
	only_files bad.asc
}

@test "featurize: malformed JSON, a spec that does not fit, usage errors" {
	printf '{"decimalLongitude": 1,\n' > bad.jsonl
	run -65 --separate-stderr mare-featurize --layers "$STACK" -o t.mt bad.jsonl
	assert_equal "$stderr" "mare-featurize: bad.jsonl:1:23: invalid JSON: string or '}' expected near end of file"
	printf '%s\n' '{"decimalLongitude":1,"decimalLatitude":2,"sst":20.5}' > p.jsonl
	run -0 --separate-stderr mare-featurize --columns sst --spec-out s.json -o t.mt p.jsonl
	run -65 --separate-stderr mare-featurize --grid --spec s.json --layers "$STACK" -o g.mt
	assert_equal "$stderr" "mare-featurize: spec variable 'sst' is not a layer (--grid reads layers only)"
	run -64 --separate-stderr mare-featurize --grid --layers "$STACK"
	assert_equal "$stderr" "mare-featurize: --grid needs --spec
Try 'mare-featurize --help' for more information."
	run -64 --separate-stderr mare-featurize p.jsonl
	err_line 0 "mare-featurize: no variables: give layers (--layers, -l) or --columns"
	run -64 --separate-stderr mare-featurize --columns sst --background 5 p.jsonl
	err_line 0 "mare-featurize: --background draws layer cells: give layers, or use --background-from"
	run -64 --separate-stderr mare-featurize --layers "$STACK" --dtype f2 p.jsonl
	err_line 0 "mare-featurize: invalid --dtype value 'f2': expected f4 or f8"
	only_files bad.jsonl p.jsonl s.json t.mt
}

@test "featurize: reads records from stdin and writes the tensor to stdout" {
	run -0 bash -c "'$MARE_BUILDDIR/mare-featurize' -q --layers '$CROP' \
	    --background 10 --no-add-presences < '$PRES' | '$MARE_BUILDDIR/mare-tensor' verify"
	assert_output "<stdin>: ok, 256 rows, 306 columns"
}

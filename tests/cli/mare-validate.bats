#!/usr/bin/env bats
# mare-validate.bats - the validation filter on real OBIS and GBIF records
# and hand-made ones: every test checks that in = passed + rejected (line
# counts) and that kept lines are the input's bytes, unchanged and in order.

load helper

V="$DATA/validate"
export SOURCE_DATE_EPOCH=1748736000	# 2025-06-01T00:00:00Z

setup() {
	mkdir "$BATS_TEST_TMPDIR/w"
	cd "$BATS_TEST_TMPDIR/w"
}

# conserve OUT REJ INPUT...: every non-blank input line is in exactly one
# of OUT and REJ; OUT holds input lines byte for byte, in input order; a
# reject line is an input line with only ,"_rejected":[...] added.
conserve() {
	local out=$1 rej=$2 nin nout nrej
	shift 2
	nin=$(cat "$@" | grep -cv '^[[:space:]]*$' || true)
	nout=$(wc -l <"$out")
	nrej=$(wc -l <"$rej")
	[ "$nin" -eq $((nout + nrej)) ] ||
	    fail "conservation: $nin in, $nout out + $nrej rejected"
	# kept lines: the input's lines, same bytes, same order
	cat "$@" | grep -Fx -f "$out" >kept.check || true
	cmp kept.check "$out" || fail "kept lines differ from the input"
	# rejects minus the spliced array, with the kept lines: the input
	if ! grep -q '"_line":' "$rej"; then
		sed 's/,\{0,1\}"_rejected":\[.*\]}/}/' "$rej" | cat "$out" - | sort >all.check
		cat "$@" | grep -v '^[[:space:]]*$' | sort | cmp - all.check ||
		    fail "reject lines are not the input lines plus _rejected"
	fi
}

@test "validate: 100 real OBIS records, 7 dates with a space, counts vs jq" {
	f="$V/obis-no-filter-100.jsonl"
	run -0 --separate-stderr mare-validate -R rej.jsonl --summary s.json \
	    -o out.jsonl "$f"
	assert_equal "$stderr" "mare-validate: 100 in, 93 passed, 7 rejected"
	conserve out.jsonl rej.jsonl "$f"
	# independent count: eventDate parts not of ISO 8601's shapes
	R='^[0-9]{4}(-[0-9]{2}(-[0-9]{2}(T[0-9]{2}(:[0-9]{2}(:[0-9]{2}([.,][0-9]+)?)?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?)?)?)?$'
	n=$(jq -s --arg re "$R" '[.[]|select((.eventDate|type)=="string" and .eventDate!="" and (.eventDate|split("/")|length>2 or any(test($re)|not)))]|length' "$f")
	assert_equal "$n" 7
	run -0 jq -c '[.records_in, .passed, .rejected, .by_rule.DATE_INVALID.records, (.by_rule|keys), .by_field.eventDate.findings]' s.json
	assert_output "[100,93,7,$n,[\"DATE_INVALID\"],7]"
	run -0 jq -r '._rejected[0] | [.rule, .field] | @tsv' rej.jsonl
	assert_equal "${lines[0]}" "$(printf 'DATE_INVALID\teventDate')"
	run -0 jq -r 'select(.id == null) | 1' out.jsonl
	assert_output ""
}

@test "validate: 250 real GBIF records all pass; 5 without coordinates all rejected" {
	f="$V/gbif-encelia-250.jsonl"
	run -0 --separate-stderr mare-validate -R rej.jsonl "$f"
	assert_equal "$stderr" "mare-validate: 250 in, 250 passed, 0 rejected"
	printf '%s\n' "$output" >out.jsonl
	conserve out.jsonl rej.jsonl "$f"
	cmp out.jsonl "$f"
	f="$V/gbif-accipiter-nocoord-5.jsonl"
	run -0 --separate-stderr mare-validate -R rej.jsonl --summary s.json \
	    -o out.jsonl "$f"
	conserve out.jsonl rej.jsonl "$f"
	# independent: records whose coordinates are absent, null or ""
	n=$(jq -s '[.[]|select([.decimalLatitude,.decimalLongitude]|any(.==null or .==""))]|length' "$f")
	run -0 jq -c '[.rejected, .by_rule.NO_COORD.records, .by_rule.NO_COORD.findings]' s.json
	assert_output "[$n,5,10]"
	run -0 jq -c '[._rejected[].field]' rej.jsonl
	assert_line --index 0 '["decimalLatitude","decimalLongitude"]'
}

@test "validate: each hand-made record trips exactly the checks it lists" {
	f="$V/one-per-check.jsonl"
	run -0 --separate-stderr mare-validate -R rej.jsonl -o out.jsonl "$f"
	assert_equal "$stderr" "mare-validate: 49 in, 15 passed, 34 rejected"
	conserve out.jsonl rej.jsonl "$f"
	run -0 jq -c 'select(._expect != [._rejected[]?.rule]) | .occurrenceID' out.jsonl rej.jsonl
	assert_output ""
	run -0 jq -s 'map(select(._expect == [])) | length' "$f"
	assert_output 15
}

@test "validate: the reject line is the raw line plus _rejected, nothing re-serialised" {
	printf '%s\n' \
	    '{"b":1.50,"a":"\u00e9","decimalLatitude":12.5e0,"decimalLongitude":95.2500,"x":[1,{"y":null}]}' \
	    '{"decimalLatitude":100, "decimalLongitude":5.25 ,"k":"\"}"}  ' \
	    '{}' >in.jsonl
	run -0 --separate-stderr mare-validate -R rej.jsonl in.jsonl
	assert_output '{"b":1.50,"a":"\u00e9","decimalLatitude":12.5e0,"decimalLongitude":95.2500,"x":[1,{"y":null}]}'
	printf '%s\n' "$output" >out.jsonl
	conserve out.jsonl rej.jsonl in.jsonl
	run -0 cat rej.jsonl
	assert_line --index 0 '{"decimalLatitude":100, "decimalLongitude":5.25 ,"k":"\"}","_rejected":[{"rule":"LAT_OUT_OF_RANGE","field":"decimalLatitude","message":"decimalLatitude 100 is outside [-90, 90]"},{"rule":"COORD_SWAPPED","field":null,"message":"decimalLatitude 100 and decimalLongitude 5.25 look swapped"}]}  '
	assert_line --index 1 '{"_rejected":[{"rule":"NO_COORD","field":"decimalLatitude","message":"decimalLatitude is missing"},{"rule":"NO_COORD","field":"decimalLongitude","message":"decimalLongitude is missing"}]}'
	assert_equal "${#lines[@]}" 2
	# a reject file validated again: the old reasons are kept
	run -0 --separate-stderr mare-validate -R rej2.jsonl rej.jsonl
	run -0 jq -c '[._rejected[].rule]' rej2.jsonl
	assert_line --index 1 '["NO_COORD","NO_COORD","NO_COORD","NO_COORD"]'
}

@test "validate: a line that is not a JSON object is an INVALID_JSON reject" {
	printf '%s\n' '{"decimalLatitude":1.5,"decimalLongitude":2.5}' \
	    '{"decimalLatitude":1.5,' '' '[1,2]' \
	    '{"a":1,"a":2}' '{"decimalLatitude":3.5,"decimalLongitude":2.5}' \
	    >in.jsonl
	printf '{"x":"\377"}\n' >>in.jsonl
	run -0 --separate-stderr mare-validate -R rej.jsonl -o out.jsonl in.jsonl
	assert_equal "$stderr" "mare-validate: 6 in, 2 passed, 4 rejected"
	conserve out.jsonl rej.jsonl in.jsonl
	run -0 jq -c '[._line, ._raw, ._rejected[0].rule, ._rejected[0].message]' rej.jsonl
	assert_line --index 0 '[2,"{\"decimalLatitude\":1.5,","INVALID_JSON","in.jsonl:2:23: invalid JSON: string or '"'"'}'"'"' expected near end of file"]'
	assert_line --index 1 '[4,"[1,2]","INVALID_JSON","in.jsonl:4: expected a JSON object, got an array"]'
	assert_line --index 2 --regexp '^\[5,"\{\\"a\\":1,\\"a\\":2\}","INVALID_JSON","in.jsonl:5:.*duplicate object key'
	run -0 jq -c '[._line, ._raw, ._raw_base64]' rej.jsonl
	assert_line --index 3 '[7,null,"eyJ4Ijoi/yJ9"]'
}

@test "validate: a rules file with every expectation type, GE results in the summary" {
	f="$V/rules-sample.jsonl"
	run -0 --separate-stderr mare-validate --rules "$V/rules-every-type.json" \
	    -R rej.jsonl --summary s.json -o out.jsonl "$f"
	assert_equal "$stderr" "mare-validate: 8 of 9 expectations failed (see --summary)
mare-validate: 5 in, 2 passed, 3 rejected"
	conserve out.jsonl rej.jsonl "$f"
	run -0 jq -r '.rules_file.sha256' s.json
	assert_output "$(sha256sum <"$V/rules-every-type.json" | cut -d' ' -f1)"
	run -0 jq -c '.expectations[] | [.index, .expectation_type, .element_count, .missing_count, .unexpected_count, .success]' s.json
	assert_line --index 0 '[0,"expect_column_to_exist",5,0,1,false]'
	assert_line --index 1 '[1,"expect_column_values_to_not_be_null",5,0,1,true]'
	assert_line --index 5 '[5,"expect_column_values_to_match_regex",5,1,2,false]'
	assert_line --index 8 '[8,"expect_column_value_lengths_to_be_between",5,1,1,false]'
	run -0 jq -c '[.success, .expectations[1].success_fraction, .expectations[1].mostly]' s.json
	assert_output '[false,0.8,0.5]'
	# independent: value lengths of countryCode outside [2, 2]
	run -0 jq -s '[.[]|select(.countryCode!=null and (.countryCode|length)!=2)]|length' "$f"
	assert_output 1
	run -0 jq -r '.occurrenceID // "-"' out.jsonl
	assert_output "$(printf 'a\nc')"
	# --strict: the suite failed and records were rejected
	run -1 --separate-stderr mare-validate --strict -q \
	    --rules "$V/rules-every-type.json" -R rej.jsonl -o out.jsonl "$f"
	assert_equal "$stderr" ""
	conserve out.jsonl rej.jsonl "$f"
}

@test "validate: --strict exits 1 only when something was rejected" {
	f="$V/gbif-encelia-250.jsonl"
	run -0 mare-validate --strict -q -R rej.jsonl -o out.jsonl "$f"
	conserve out.jsonl rej.jsonl "$f"
	f="$V/obis-no-filter-100.jsonl"
	run -1 --separate-stderr mare-validate --strict -R rej.jsonl -o out.jsonl "$f"
	assert_equal "$stderr" "mare-validate: 100 in, 93 passed, 7 rejected"
	conserve out.jsonl rej.jsonl "$f"
	[ -s out.jsonl ] && [ -s rej.jsonl ]
}

@test "validate: --warn-only counts without rejecting, --disable switches off" {
	f="$V/obis-no-filter-100.jsonl"
	run -0 --separate-stderr mare-validate --warn-only DATE_INVALID \
	    --summary s.json -R rej.jsonl -o out.jsonl "$f"
	assert_equal "$stderr" "mare-validate: 100 in, 100 passed, 0 rejected"
	conserve out.jsonl rej.jsonl "$f"
	cmp out.jsonl "$f"
	run -0 jq -c '[.passed_with_warnings, .by_rule.DATE_INVALID.findings, .by_rule.DATE_INVALID.rejecting]' s.json
	assert_output '[7,7,0]'
	run -0 --separate-stderr mare-validate --disable DATE_INVALID,NO_COORD \
	    --summary s.json -R rej.jsonl -o out.jsonl "$f"
	assert_equal "$stderr" "mare-validate: 100 in, 100 passed, 0 rejected"
	run -0 jq -c '.by_rule' s.json
	assert_output '{}'
	run -64 --separate-stderr mare-validate --warn-only INVALID_JSON -R r "$f"
	assert_equal "$stderr" "mare-validate: --warn-only INVALID_JSON: a line that is not JSON cannot be kept
Try 'mare-validate --help' for more information."
	run -64 --separate-stderr mare-validate --disable NO_SUCH -R r "$f"
	assert_equal "$stderr" "mare-validate: unknown check 'NO_SUCH'
Try 'mare-validate --help' for more information."
}

@test "validate: check parameters as options; dates judged at SOURCE_DATE_EPOCH" {
	printf '%s\n' \
	    '{"occurrenceID":"1","scientificName":"A","decimalLatitude":10.25,"decimalLongitude":5.5,"eventDate":"2025-05-31","coordinateUncertaintyInMeters":500}' \
	    '{"occurrenceID":"2","scientificName":"A","decimalLatitude":10.2501,"decimalLongitude":5.5,"eventDate":"2025-05-31"}' \
	    '{"occurrenceID":"3","scientificName":"A","decimalLatitude":10.3,"decimalLongitude":5.5,"eventDate":"1850"}' \
	    '{"occurrenceID":"4","scientificName":"A","decimalLatitude":10.3,"decimalLongitude":5.5,"eventDate":"2025-06-02"}' \
	    >in.jsonl
	run -0 --separate-stderr mare-validate -R rej.jsonl -o out.jsonl in.jsonl
	conserve out.jsonl rej.jsonl in.jsonl
	run -0 jq -c '[.occurrenceID, [._rejected[].rule]]' rej.jsonl
	assert_output '["4",["DATE_IN_FUTURE"]]'
	run -0 --separate-stderr mare-validate --min-decimals 2 --max-uncertainty 100 \
	    --earliest 1900-01-01 --dup-decimals 3 -R rej.jsonl -o out.jsonl in.jsonl
	conserve out.jsonl rej.jsonl in.jsonl
	run -0 jq -c '[.occurrenceID, [._rejected[].rule]]' rej.jsonl
	assert_output "$(printf '%s\n' '["1",["UNCERTAINTY_TOO_HIGH"]]' \
	    '["3",["LOW_PRECISION","DATE_BEFORE_MIN"]]' \
	    '["4",["LOW_PRECISION","DATE_IN_FUTURE"]]')"
	run -0 --separate-stderr mare-validate --dup-decimals 3 --no-dedup \
	    --disable DATE_IN_FUTURE -R rej.jsonl -o out.jsonl in.jsonl
	assert_equal "$stderr" "mare-validate: 4 in, 4 passed, 0 rejected"
	SOURCE_DATE_EPOCH=1748908800 run -0 --separate-stderr \
	    mare-validate -R rej.jsonl -o out.jsonl in.jsonl
	assert_equal "$stderr" "mare-validate: 4 in, 4 passed, 0 rejected"
	run -64 --separate-stderr mare-validate --earliest 1900-13 -R r in.jsonl
	assert_equal "$stderr" "mare-validate: invalid --earliest value '1900-13': not an ISO 8601 date
Try 'mare-validate --help' for more information."
}

@test "validate: ON_LAND and DEPTH_EXCEEDS_BATH on tiny grids, untested records counted" {
	f="$V/grid-points.jsonl"
	run -0 --separate-stderr mare-validate --land-mask "$V/land-3x2.asc" \
	    --disable LOW_PRECISION,LAT_EQUALS_LON --summary s.json -R rej.jsonl -o out.jsonl "$f"
	assert_equal "$stderr" "mare-validate: warning: ON_LAND: 1 records without usable coordinates not tested (see NO_COORD and the range checks)
mare-validate: warning: ON_LAND: 1 records outside $V/land-3x2.asc's extent not tested
mare-validate: 8 in, 4 passed, 4 rejected"
	conserve out.jsonl rej.jsonl "$f"
	run -0 jq -c '[.occurrenceID, [._rejected[].rule]]' rej.jsonl
	assert_output "$(printf '%s\n' '["g2",["ON_LAND"]]' '["g3",["ON_LAND"]]' \
	    '["g6",["ON_LAND"]]' '["g8",["NO_COORD"]]')"
	run -0 jq -c '.ON_LAND | [.tested, .untested_no_coordinates, .untested_outside_grid, (.sha256|length)]' s.json
	assert_output '[6,1,1,64]'
	run -0 --separate-stderr mare-validate --bathymetry "$V/bath-3x2.asc" -q \
	    --disable LOW_PRECISION,LAT_EQUALS_LON --summary s.json -R rej.jsonl -o out.jsonl "$f"
	conserve out.jsonl rej.jsonl "$f"
	run -0 jq -c '[.occurrenceID, [._rejected[] | .rule, .field]]' rej.jsonl
	assert_output "$(printf '%s\n' '["g4",["DEPTH_EXCEEDS_BATH","maximumDepthInMeters"]]' \
	    '["g5",["DEPTH_EXCEEDS_BATH","depth"]]' '["g8",["NO_COORD","decimalLatitude"]]')"
	run -0 jq -c '.DEPTH_EXCEEDS_BATH | [.tested, .untested_no_coordinates, .untested_outside_grid, .untested_no_depth]' s.json
	assert_output '[5,1,1,1]'
	run -0 --separate-stderr mare-validate --bathymetry "$V/bath-3x2.asc" -q \
	    --bathymetry-margin 10 --disable LOW_PRECISION,LAT_EQUALS_LON -R rej.jsonl -o out.jsonl "$f"
	run -0 jq -r .occurrenceID rej.jsonl
	assert_output g8
	printf 'ncols 2\nnrows 1\nxllcorner 0\nyllcorner 0\ncellsize 1\n0 x\n' >bad.asc
	run -65 --separate-stderr mare-validate --land-mask bad.asc -R r.jsonl "$f"
	assert_equal "$output" ""
	[[ $stderr == "mare-validate: bad.asc:6: "* ]]
	[ ! -e r.jsonl ]
}

@test "validate: metrics per rule in Prometheus format" {
	f="$V/obis-no-filter-100.jsonl"
	run -0 mare-validate -q --metrics-file m.prom -R rej.jsonl -o out.jsonl "$f"
	conserve out.jsonl rej.jsonl "$f"
	run -0 grep -E '^mare_validate_(records|findings)' m.prom
	assert_line 'mare_validate_records_in_total 100'
	assert_line 'mare_validate_records_rejected_total 7'
	assert_line 'mare_validate_findings_total{rule="DATE_INVALID"} 7'
}

@test "validate: several inputs and stdin; summary reproducible with SOURCE_DATE_EPOCH" {
	a="$V/gbif-accipiter-nocoord-5.jsonl" b="$V/obis-no-filter-100.jsonl"
	run -0 --separate-stderr mare-validate -R rej.jsonl --summary s1.json \
	    -o out.jsonl "$a" "$b"
	assert_equal "$stderr" "mare-validate: 105 in, 93 passed, 12 rejected"
	conserve out.jsonl rej.jsonl "$a" "$b"
	mv s1.json s0.json
	run -0 --separate-stderr mare-validate -R rej.jsonl --summary s1.json \
	    -o out.jsonl "$a" "$b"
	cmp s0.json s1.json
	run -0 jq -c '[.provenance.created, (.provenance.inputs|length), .provenance.inputs[1].sha256 == "'"$(sha256sum <"$b" | cut -d' ' -f1)"'"]' s1.json
	assert_output '["2025-06-01T00:00:00Z",2,true]'
	run -0 --separate-stderr mare-validate -R rej.jsonl - <"$a"
	assert_equal "$stderr" "mare-validate: 5 in, 0 passed, 5 rejected"
	assert_output ""
}

@test "validate: bad rules file 65 with the position; missing input 66; no -R 64" {
	f="$V/obis-no-filter-100.jsonl"
	printf '{"expectations":[{"expectation_type":"expect_column_to_exist","kwargs":{"column":"a"}},\n{"expectation_type":"expect_column_values_to_match_regex","kwargs":{"column":"b","regex":"(["}}]}\n' >bad.json
	run -65 --separate-stderr mare-validate --rules bad.json -R rej.jsonl -o out.jsonl "$f"
	assert_equal "$output" ""
	[[ $stderr == "mare-validate: bad.json: expectations[1] (expect_column_values_to_match_regex): bad regex '(['"* ]]
	[ ! -e rej.jsonl ] && [ ! -e out.jsonl ]
	printf '{"expectations":[{"expectation_type":"expect_no_such"}]}' >bad2.json
	run -65 --separate-stderr mare-validate --rules bad2.json -R rej.jsonl "$f"
	[[ $stderr == "mare-validate: bad2.json: expectations[0]"*"expect_no_such"* ]]
	run -66 --separate-stderr mare-validate --rules nope.json -R rej.jsonl "$f"
	run -66 --separate-stderr mare-validate -R rej.jsonl -o out.jsonl no-such.jsonl
	assert_equal "$stderr" "mare-validate: 'no-such.jsonl': No such file or directory"
	[ ! -e rej.jsonl ] && [ ! -e out.jsonl ]
	run -64 --separate-stderr mare-validate "$f"
	assert_equal "$stderr" "mare-validate: no --reject file given (use -R /dev/null to drop rejected records)
Try 'mare-validate --help' for more information."
	run ls -A
	assert_output "$(printf 'bad.json\nbad2.json')"
}

# same ARGS...: the selective scanner and --full-parse (jansson decodes
# every field) give the same output, rejects and summary counts
same() {
	mare-validate -q -R rej1.jsonl --summary s1.json -o out1.jsonl "$@"
	mare-validate -q --full-parse -R rej2.jsonl --summary s2.json \
	    -o out2.jsonl "$@"
	cmp out1.jsonl out2.jsonl || fail "kept records differ: $*"
	cmp rej1.jsonl rej2.jsonl || fail "rejects differ: $*"
	jq -S 'del(.provenance)' s1.json >c1.json
	jq -S 'del(.provenance)' s2.json >c2.json
	cmp c1.json c2.json || fail "summaries differ: $*"
}

@test "validate: the scanner and --full-parse agree on real, hand-made and bad records" {
	for f in "$V"/*.jsonl; do
		same "$f"
		same --rules "$V/rules-every-type.json" "$f"
	done
	same --land-mask "$V/land-3x2.asc" --bathymetry "$V/bath-3x2.asc" \
	    "$V/grid-points.jsonl"
	cat "$MARE_SRCDIR"/tests/bad/jsonl/*.jsonl >bad.jsonl
	same bad.jsonl
	# a reject file validated again (records holding _rejected)
	cp rej1.jsonl again.jsonl
	same again.jsonl
	mare-validate -q -R rej.jsonl "$V/one-per-check.jsonl" >/dev/null
	same rej.jsonl
	[ "$(grep -c '"_rejected"' rej2.jsonl)" -gt 0 ]
}

@test "validate: --near rejects records within a point's radius (hand-worked haversine)" {
	f="$V/near-records.jsonl"
	run -0 --separate-stderr mare-validate --near "$V/near-points.csv" \
	    --no-dedup -R rej.jsonl --summary s.json -o out.jsonl "$f"
	conserve out.jsonl rej.jsonl "$f"
	# n1: dlat 0.001 deg = 111.2 m, dlon 0.001 deg * cos(55.67) = 62.7 m:
	# 127.7 m from (55.67, 12.58); n2 0.01 deg = 1112 m, beyond 1 km;
	# n3 7.8 km from a capital (default 10 km), n4 11.1 km; n5 55.6 m
	# from an institution (default 100 m), n6 111.2 m
	[ "$(jq -r .occurrenceID out.jsonl | tr '\n' ' ')" = "n2 n4 n6 " ]
	[ "$(jq -r 'select(._rejected[0].rule == "NEAR_POINT") | .occurrenceID' rej.jsonl | tr '\n' ' ')" = "n1 n3 n5 " ]
	grep -F '"55.671 12.581 is 128 m from '"'"'GBIF headquarters (cc_gbif point)'"'"' (gbif, radius 1000 m)"' rej.jsonl
	grep -F 'is 7803 m from '"'"'Testville'"'"' (capital, radius 10000 m)' rej.jsonl
	grep -F 'is 56 m from '"'"'Museum, with a comma'"'"' (institution, radius 100 m)' rej.jsonl
	[ "$(jq -c '.NEAR_POINT | [.points, .tested, .untested_no_coordinates]' s.json)" = "[3,6,1]" ]
	[[ $stderr == *"NEAR_POINT: 1 records without usable coordinates not tested"* ]]
	# switched off by name; warn-only keeps them
	run -0 mare-validate -q --near "$V/near-points.csv" --no-dedup \
	    --disable NEAR_POINT -R rej.jsonl -o out.jsonl "$f"
	[ "$(wc -l <out.jsonl)" -eq 6 ]
	run -0 mare-validate -q --near "$V/near-points.csv" --no-dedup \
	    --warn-only NEAR_POINT -R rej.jsonl -o out.jsonl "$f"
	[ "$(wc -l <out.jsonl)" -eq 6 ]
	# the bundled GBIF point
	run -0 mare-validate -q --near "$MARE_SRCDIR/data/near/gbif-hq.csv" \
	    --no-dedup -R rej.jsonl -o out.jsonl "$f"
	[ "$(jq -r .occurrenceID rej.jsonl | tr '\n' ' ')" = "n1 n7 " ]
}

@test "validate: --near rejects a bad points file with file:line" {
	printf 'name,lat,lon\nA,91,3\n' >b1.csv
	run -65 --separate-stderr mare-validate --near b1.csv -R r /dev/null
	[ "$stderr" = "mare-validate: b1.csv:2: lat '91' is not a number in [-90, 90]" ]
	printf 'name,lat,lon,kind\nA,1,3,zoo\n' >b2.csv
	run -65 --separate-stderr mare-validate --near b2.csv -R r /dev/null
	[ "$stderr" = "mare-validate: b2.csv:2: no radius_m, and kind 'zoo' has no default radius (capital, centroid, institution, gbif)" ]
	printf 'name,lat,lon,radius_m\nA,1,3,-5\n' >b3.csv
	run -65 --separate-stderr mare-validate --near b3.csv -R r /dev/null
	[ "$stderr" = "mare-validate: b3.csv:2: radius_m '-5' is not a number in (0, 20037509]" ]
	printf 'name,latitude,lon\n' >b4.csv
	run -65 --separate-stderr mare-validate --near b4.csv -R r /dev/null
	[ "$stderr" = "mare-validate: b4.csv:1: the header has no 'lat' column (name,lat,lon,radius_m,kind)" ]
	printf 'name,lat,lon,radius_m\n' >b5.csv
	run -65 --separate-stderr mare-validate --near b5.csv -R r /dev/null
	[[ $stderr == *"b5.csv: no points" ]]
	printf 'name,lat,lon,radius_m\nA,1,2\n' >b6.csv
	run -65 --separate-stderr mare-validate --near b6.csv -R r /dev/null
	[[ $stderr == "mare-validate: b6.csv:2: "* ]]
	run -66 mare-validate --near missing.csv -R r /dev/null
	[ ! -e r ]
}

@test "validate: --outliers quantile and distance against an independent numpy computation" {
	f="$V/outliers.jsonl"
	# expected: python3 tests/data/validate/outliers-ref.py outliers.jsonl
	# (a7: mean 3358 km > limit 558 km; g8: 6874 km > 1622 km)
	run -0 --separate-stderr mare-validate --outliers quantile --no-dedup \
	    -R rej.jsonl --summary s.json -o out.jsonl "$f"
	conserve out.jsonl rej.jsonl "$f"
	[ "$(jq -r 'select(._rejected[0].rule == "SPECIES_OUTLIER") | .occurrenceID' rej.jsonl | tr '\n' ' ')" = "a7 g8 " ]
	grep -F 'mean distance 3358 km to the other records of its species is above 558 km' rej.jsonl
	grep -F 'mean distance 6874 km to the other records of its species is above 1622 km' rej.jsonl
	[ "$(jq -c '.SPECIES_OUTLIER | [.species, .species_tested, .species_too_few, .records_tested, .records_untested, .outliers]' s.json)" = "[3,2,1,17,5,2]" ]
	[[ $stderr == *"SPECIES_OUTLIER: 2 records without usable coordinates or scientificName not tested"* ]]
	# distance method: nearest other record beyond 1000 km (a7 3325, g8 6837)
	run -0 mare-validate -q --outliers distance --no-dedup -R rej.jsonl \
	    -o out.jsonl "$f"
	[ "$(jq -r 'select(._rejected[0].rule == "SPECIES_OUTLIER") | .occurrenceID' rej.jsonl | tr '\n' ' ')" = "a7 g8 " ]
	grep -F 'distance 3325 km to the other records of its species is above 1000 km' rej.jsonl
	# 8 records needed: Alpha one (8) is tested, Gamma three (9) too
	run -0 mare-validate -q --outliers quantile --outlier-min-records 9 \
	    --no-dedup -R rej.jsonl --summary s.json -o out.jsonl "$f"
	[ "$(jq -r 'select(._rejected[0].rule == "SPECIES_OUTLIER") | .occurrenceID' rej.jsonl)" = "g8" ]
	# too many records: untested, and said so
	run -0 --separate-stderr mare-validate --outliers quantile \
	    --outlier-max-records 8 --no-dedup -R rej.jsonl -o out.jsonl "$f"
	[[ $stderr == *"SPECIES_OUTLIER: 1 species with more than 8 records not tested (--outlier-max-records)"* ]]
	# a smaller multiplier flags more; switched off by name
	run -0 mare-validate -q --outliers quantile --disable SPECIES_OUTLIER \
	    --no-dedup -R rej.jsonl -o out.jsonl "$f"
	! grep -q SPECIES_OUTLIER rej.jsonl
}

@test "validate: --outliers needs regular files and refuses bad values" {
	run -64 --separate-stderr mare-validate --outliers quantile -R r \
	    < "$V/outliers.jsonl"
	[[ $stderr == "mare-validate: --outliers reads its input twice: give files, not standard input"* ]]
	[ ! -e r ]
	run -64 --separate-stderr mare-validate --outliers quantile -R r \
	    <(cat "$V/outliers.jsonl")
	[[ $stderr == *"is not a regular file"* ]]
	run -64 --separate-stderr mare-validate --outliers median -R r x
	[[ $stderr == "mare-validate: --outliers: expected quantile or distance, got 'median'"* ]]
	run -64 mare-validate --outliers quantile --outlier-min-records 1 -R r x
}

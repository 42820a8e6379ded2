#!/usr/bin/env bats
# mare-fetch.bats - every source through the command: the real DwC-A zips
# and CSV exports, bad inputs (one line, exact code, rejects counted), and
# the GBIF and OBIS APIs replayed by tests/cli/httpd.py on 127.0.0.1 with
# faults injected, kill -9 and resume, and the offline cache. Every API
# call passes --base-url (or --offline): nothing leaves the machine.

load helper

DW="$DATA/dwca"
EXP="mare-fetch"
ENC_FIELDS=key,scientificName,decimalLatitude,decimalLongitude,eventDate,year,basisOfRecord,countryCode,source
OBIS_FIELDS=id,scientificName,decimalLatitude,decimalLongitude,eventDate,date_year,basisOfRecord,source

setup() {
	mkdir "$BATS_TEST_TMPDIR/w"
	cd "$BATS_TEST_TMPDIR/w"
}

teardown() {
	stop_httpd
}

only_files() {
	run ls -A "$BATS_TEST_TMPDIR/w"
	assert_output "$(printf '%s\n' "$@" | sort)"
}

# faults 'RULE,...': start the server with these fault rules.
faults() {
	printf '[%s]\n' "$1" >"$BATS_TEST_TMPDIR/faults.json"
	start_httpd --faults "$BATS_TEST_TMPDIR/faults.json"
}

# The Encelia californica query: 3 recorded pages of 250 (count 18596).
encelia() {
	mare-fetch gbif --base-url "$HTTPD_URL/v1" --taxon-key 3118771 \
	    --limit 750 --page-size 250 --retry-wait 10 "$@"
}

# ------------------------------------------------------------------
# dwca

@test "fetch dwca: the real archives parse to their record counts" {
	for pair in obis_ipt_nsbs-v1.6_event_occurrence_emof:16846 \
	    obis_ipt_test_pieter-v1.1_event_emof_tiny:8 \
	    obis_ipt_gelatinous_macrozoo_blacksea-v1.1_occurrence_mof:331 \
	    obis_ipt_ewing_valdivia_bank-v1.1_occurrence_mof:1716 \
	    obis_ipt_tawitawi_reeffishes-v1.10_taxon_core_occurrence_ext:135 \
	    gbif_download_0009886-250127130748423_simplecsv:91 \
	    gbif_download_2013_tetraodon_fluviatilis_dwca:158; do
		n=${pair##*:}
		# the 16,846 North Sea records run under valgrind in the next test
		check=
		[[ $n = 16846 ]] && check=heavy
		run -0 --separate-stderr $check mare-fetch dwca -o out.jsonl \
		    "$DW/${pair%:*}.zip"
		assert_equal "$stderr" \
		    "mare-fetch: $n records in, $n out, 0 rejected"
		run -0 wc -l <out.jsonl
		assert_output "$n"
	done
}

@test "fetch dwca: North Sea Benthos occurrences inherit station and date" {
	run -0 --separate-stderr mare-fetch dwca -q \
	    "$DW/obis_ipt_nsbs-v1.6_event_occurrence_emof.zip"
	assert_equal "$stderr" ""
	records=$output
	# checked by hand in the archive: occurrence NSBS_8076 belongs to a
	# sample of station "ICES 135", dated 1985-01-01, in the North Sea
	run -0 jq -c 'select(.occurrenceID == "NSBS_8076") |
	    [.eventDate, .locality, .waterBody, .source,
	     (.decimalLatitude | type), (.decimalLongitude | type)]' \
	    <<<"$output"
	assert_output '["1985-01-01","Station: ICES 135","North Sea","dwca","number","number"]'
	run -0 jq -s '[.[] | select(.decimalLatitude == null)] | length' \
	    <<<"$records"
	assert_output 0
}

@test "fetch dwca: the tiny OBIS archive gives the expected JSONL" {
	run -0 mare-fetch dwca -q -o pieter.jsonl \
	    "$DW/obis_ipt_test_pieter-v1.1_event_emof_tiny.zip"
	golden pieter.jsonl "$EXP/pieter.jsonl"
}

@test "fetch dwca: --fields and --drop-personal shape the records" {
	run -0 --separate-stderr mare-fetch dwca -q --drop-personal \
	    "$DW/obis_ipt_gelatinous_macrozoo_blacksea-v1.1_occurrence_mof.zip"
	run -0 jq -s '[.[] | select(has("recordedBy") or
	    has("identifiedBy"))] | length' <<<"$output"
	assert_output 0
	run -0 --separate-stderr mare-fetch dwca -q \
	    --fields scientificName,year,nope \
	    "$DW/obis_ipt_gelatinous_macrozoo_blacksea-v1.1_occurrence_mof.zip"
	# first row of occurrence.txt, by hand: Aurelia aurita, year 2010
	assert_line --index 0 '{"scientificName":"Aurelia aurita","year":2010}'
	assert_equal "${#lines[@]}" 331
}

@test "fetch dwca: a short row goes to -R with its reason; in = out + rejected" {
	run -0 --separate-stderr mare-fetch dwca -R rej.jsonl -o out.jsonl \
	    "$DW/derived_short_row.zip"
	assert_equal "$stderr" "mare-fetch: 8 records in, 7 out, 1 rejected"
	run -0 cat rej.jsonl
	assert_output "{\"_rejected\":\"expected 6 columns, got 4\",\"_where\":\"$DW/derived_short_row.zip!occurrence.txt:4\",\"_raw\":\"sample_2\\tHumanObservation\\toccurrence_3\\tsample_2\"}"
	only_files out.jsonl rej.jsonl
}

@test "fetch dwca: without -R a short row is an error (65), no output" {
	run -65 --separate-stderr mare-fetch dwca -o out.jsonl \
	    "$DW/derived_short_row.zip"
	assert_equal "$stderr" "mare-fetch: $DW/derived_short_row.zip!occurrence.txt:4: expected 6 columns, got 4"
	only_files
}

@test "fetch dwca: each broken archive gives one clear line and exit 65" {
	run -65 --separate-stderr mare-fetch dwca -o o "$DW/derived_no_meta_two_files.zip"
	assert_equal "$stderr" "mare-fetch: $DW/derived_no_meta_two_files.zip: no meta.xml and 2 data files (event.txt, occurrence.txt): cannot tell which holds the occurrences"
	run -65 --separate-stderr mare-fetch dwca -o o "$DW/derived_missing_file.zip"
	assert_equal "$stderr" "mare-fetch: $DW/derived_missing_file.zip!meta.xml: meta.xml names 'occurrence.txt', which is not in the archive"
	run -65 --separate-stderr mare-fetch dwca -o o "$DW/derived_bad_separator.zip"
	assert_equal "$stderr" "mare-fetch: $DW/derived_bad_separator.zip!meta.xml: bad separator fieldsTerminatedBy=\"\\t;\": expected one character such as \\t or ,"
	run -65 --separate-stderr mare-fetch dwca -o o "$DW/derived_latin1.zip"
	assert_equal "$stderr" "mare-fetch: $DW/derived_latin1.zip!occurrence.txt:4: invalid UTF-8 (byte 0xE0): the file looks like Latin-1 or Windows-1252: use --encoding"
	run -66 --separate-stderr mare-fetch dwca -o o missing.zip
	assert_equal "${#stderr_lines[@]}" 1
	only_files
}

@test "fetch dwca: --encoding reads the Latin-1 archive" {
	run -0 --separate-stderr mare-fetch dwca --encoding ISO-8859-1 \
	    "$DW/derived_latin1.zip"
	assert_equal "$stderr" "mare-fetch: 8 records in, 8 out, 0 rejected"
	assert_line --partial '"scientificName":"Tellina fàbula"'
}

# ------------------------------------------------------------------
# csv

@test "fetch csv: a real OBIS export, --map renames columns to terms" {
	f="$DATA/csv/obis_export_2015_pterois_volitans_lionfish.csv"
	run -0 --separate-stderr mare-fetch csv --map latitude=decimalLatitude \
	    --map longitude=decimalLongitude --map sname=scientificName \
	    --fields scientificName,decimalLatitude,decimalLongitude,source \
	    "$f"
	assert_equal "$stderr" \
	    "mare-fetch: 3672 records in, 3672 out, 0 rejected"
	# first data row of the file, by hand
	assert_line --index 0 '{"scientificName":"Pterois volitans","decimalLatitude":-0.0235591009259224,"decimalLongitude":37.9062004089355,"source":"csv"}'
}

@test "fetch csv: -d and a counted reject for a short row" {
	run -0 --separate-stderr mare-fetch csv -d , -R rej.jsonl -o out.jsonl \
	    "$DATA/csv/derived_too_few.csv"
	assert_equal "$stderr" "mare-fetch: 5 records in, 4 out, 1 rejected"
	run -0 jq -r '._where + " " + ._rejected' rej.jsonl
	assert_output --regexp "derived_too_few.csv:[0-9]+ expected [0-9]+ (columns|fields), got [0-9]+"
}

@test "fetch csv: non-UTF-8 is refused with the line and a hint; --encoding converts" {
	run -65 --separate-stderr mare-fetch csv -o out.jsonl \
	    "$DATA/csv/derived_latin1.csv"
	assert_equal "$stderr" "mare-fetch: $DATA/csv/derived_latin1.csv:4: invalid UTF-8 (byte 0xFC): the file looks like Latin-1 or Windows-1252: use --encoding"
	only_files
	run -0 --separate-stderr mare-fetch csv --encoding WINDOWS-1252 \
	    "$DATA/csv/derived_latin1.csv"
	assert_output --partial 'ü'
}

@test "fetch: options for another source are refused (64)" {
	run -64 --separate-stderr mare-fetch csv --taxon-key 1 x.csv
	assert_equal "$stderr" "mare-fetch: a gbif filter does not apply to 'csv' (see --help)
Try 'mare-fetch --help' for more information."
	run -64 --separate-stderr mare-fetch gbif --page-size 301 \
	    --base-url http://127.0.0.1:9
	assert_equal "${stderr_lines[0]}" "mare-fetch: invalid --page-size value '301': GBIF serves at most 300 records a page"
	run -64 --separate-stderr mare-fetch gbif --state s \
	    --base-url http://127.0.0.1:9
	assert_equal "${stderr_lines[0]}" "mare-fetch: --state needs -o <file>: standard output cannot be resumed"
}

# ------------------------------------------------------------------
# gbif

@test "fetch gbif: 3 pages of Encelia, records as recorded, golden output" {
	start_httpd
	run -0 --separate-stderr heavy encelia -o all.jsonl
	assert_equal "$stderr" \
	    "mare-fetch: 750 records out; pages 3, requests 3"
	run -0 wc -l <all.jsonl
	assert_output 750
	# every record is the recorded result, key for key, plus source
	for off in 0 250 500; do
		jq -c '.results[] | {key, decimalLatitude, eventDate,
		    scientificName}' "$DATA/gbif/occurrence_search/encelia_californica_taxonKey3118771_limit250_offset$off.json"
	done >want.txt
	jq -c '{key, decimalLatitude, eventDate, scientificName}' all.jsonl \
	    >got.txt
	run -0 cmp want.txt got.txt
	run -0 jq -s '[.[].key] | unique | length' all.jsonl
	assert_output 750
	run -0 encelia -q --fields "$ENC_FIELDS" -o f.jsonl
	golden f.jsonl "$EXP/encelia_750_fields.jsonl"
	run -0 cut -f6 "$HTTPD_LOG"
	assert_line --index 0 "occurrenceStatus=PRESENT&taxonKey=3118771&limit=250&offset=0"
	assert_line --index 2 "occurrenceStatus=PRESENT&taxonKey=3118771&limit=250&offset=500"
}

@test "fetch gbif: pages of 5 give whole records exactly" {
	start_httpd
	run -0 mare-fetch gbif --base-url "$HTTPD_URL/v1" --taxon-key 3118771 \
	    --limit 10 --page-size 5 -q -o ten.jsonl
	golden ten.jsonl "$EXP/encelia_10.jsonl"
}

@test "fetch gbif: --taxon resolves through species/match; no match is 65" {
	start_httpd
	run -65 --separate-stderr mare-fetch gbif --base-url "$HTTPD_URL/v1" \
	    --taxon Aso
	assert_equal "$stderr" \
	    "mare-fetch: --taxon 'Aso': GBIF found no match (matchType NONE)"
	# Helianthus annuus is key 9206251; its occurrences are not recorded,
	# so the server answers 404, which is not retried (69)
	run -69 --separate-stderr mare-fetch gbif --base-url "$HTTPD_URL/v1" \
	    --taxon "Helianthus annuus" --max-retries 0
	assert_equal "$stderr" "mare-fetch: GET $HTTPD_URL/v1/occurrence/search?occurrenceStatus=PRESENT&taxonKey=9206251&limit=300&offset=0: 404 Not Found: {\"error\": \"not recorded\", \"path\": \"/v1/occurrence/search\", \"query\": \"occurrenceStatus=PRESENT&taxonKey=9206251&limit=300&offset=0\"}"
}

# fault_run NAME RULE: the Encelia query survives RULE with the clean output
fault_run() {
	faults "$2"
	run -0 --separate-stderr heavy encelia -q --timeout 1 \
	    --fields "$ENC_FIELDS" --metrics-file m.prom -o f.jsonl
	assert_equal "$stderr" ""
	golden f.jsonl "$EXP/encelia_750_fields.jsonl"
	run -0 grep -c "	$1	" "$HTTPD_LOG"
	[[ $output -ge 1 ]]
}

@test "fetch gbif: 429 with Retry-After is waited out" {
	fault_run status '{"fault":"status","status":429,"retry_after":"1","query":"offset=250"}'
	run -0 grep -E '^mare_fetch_(requests|retries)_total ' m.prom
	assert_output "mare_fetch_requests_total 4
mare_fetch_retries_total 1"
}

@test "fetch gbif: a burst of three 503 is survived with the defaults" {
	fault_run status '{"fault":"status","status":503,"times":3,"query":"offset=250"}'
	run -0 grep -E '^mare_fetch_(requests|retries|pages|records)_total' m.prom
	assert_output --partial "mare_fetch_requests_total 6"
	assert_output --partial "mare_fetch_retries_total 3"
	assert_output --partial "mare_fetch_pages_total 3"
}

@test "fetch gbif: a connection reset mid-body is retried" {
	fault_run reset '{"fault":"reset","query":"offset=250"}'
}

@test "fetch gbif: a truncated body is retried" {
	fault_run truncate '{"fault":"truncate","query":"offset=500"}'
}

@test "fetch gbif: a response slower than --timeout is retried" {
	fault_run slow '{"fault":"slow","delay":3,"query":"offset=0"}'
}

@test "fetch gbif: an HTML error page served with 200 is retried" {
	fault_run html '{"fault":"html","query":"offset=250"}'
}

@test "fetch gbif: retries spent exit 75 saying how far it got, nothing written" {
	faults '{"fault":"status","status":503,"times":50,"query":"offset=500"}'
	run -75 --separate-stderr encelia --max-retries 2 -o out.jsonl
	assert_equal "$stderr" "mare-fetch: GET $HTTPD_URL/v1/occurrence/search?occurrenceStatus=PRESENT&taxonKey=3118771&limit=250&offset=500: 503 Service Unavailable after 3 attempts; stopped after 500 records (2 pages): nothing written, use --state to keep what was fetched"
	only_files
}

# ------------------------------------------------------------------
# --state: kill -9 and resume

@test "fetch gbif: kill -9 during page 3, rerun with --state: exactly the clean output" {
	faults '{"fault":"slow","delay":30,"query":"offset=500"}'
	"$MARE_BUILDDIR/mare-fetch" gbif --base-url "$HTTPD_URL/v1" \
	    --taxon-key 3118771 --limit 750 --page-size 250 -q \
	    --fields "$ENC_FIELDS" --state st.json -o out.jsonl 3>&- &
	pid=$!
	for ((i = 0; i < 100; i++)); do
		grep -q 'offset=500' "$HTTPD_LOG" 2>/dev/null && break
		sleep 0.1
	done
	kill -9 "$pid"
	wait "$pid" 2>/dev/null || true
	run -0 jq -c '[.records, .pages, .offset, .complete]' st.json
	assert_output '[500,2,500,false]'
	run -0 wc -l <out.jsonl
	assert_output 500
	# the slow rule fired once and is spent; a different query is refused
	run -64 --separate-stderr mare-fetch gbif --base-url "$HTTPD_URL/v1" \
	    --taxon-key 3118771 --limit 700 --page-size 250 \
	    --fields "$ENC_FIELDS" --state st.json -o out.jsonl
	assert_equal "$stderr" "mare-fetch: state file 'st.json' belongs to another query ($HTTPD_URL/v1/occurrence/search?occurrenceStatus=PRESENT&taxonKey=3118771 limit=750); remove it or use another
Try 'mare-fetch --help' for more information."
	run -0 --separate-stderr encelia --fields "$ENC_FIELDS" \
	    --state st.json -o out.jsonl
	assert_equal "$stderr" "mare-fetch: resuming after 500 records (2 pages) from 'st.json'
mare-fetch: 250 records out; pages 3, requests 1"
	golden out.jsonl "$EXP/encelia_750_fields.jsonl"
	run -0 encelia --fields "$ENC_FIELDS" --state st.json -o out.jsonl
	assert_output "mare-fetch: st.json: already complete, 750 records in 'out.jsonl'"
	golden out.jsonl "$EXP/encelia_750_fields.jsonl"
}

@test "fetch gbif: a page written but not yet in the state is dropped on resume" {
	start_httpd
	run -0 heavy encelia -q --fields "$ENC_FIELDS" --state st.json \
	    -o out.jsonl
	# make it look like a crash after page 2's state was saved and page 3
	# was written: state back at 500 records, output holding all 750
	size=$(head -n 500 out.jsonl | wc -c)
	jq -c ".complete = false | .offset = 500 | .records = 500 |
	    .pages = 2 | .bytes = $size" st.json >st2.json
	mv st2.json st.json
	run -0 --separate-stderr encelia --fields "$ENC_FIELDS" \
	    --state st.json -o out.jsonl
	golden out.jsonl "$EXP/encelia_750_fields.jsonl"
}

# ------------------------------------------------------------------
# gbif past the offset cap: httpd.py's synthetic backend, 400 records, 14
# of them without a year, a cap of 50 (GBIF: 100,000)

synth() {
	mare-fetch gbif --base-url "$HTTPD_URL/synth/v1" --offset-cap 50 \
	    --page-size 20 --retry-wait 10 "$@"
}

# synth_all JQ-FILTER: keys of the backend's records selected by the filter
synth_all() {
	"${PYTHON3:-python3}" -c 'import sys, urllib.request
sys.stdout.write(urllib.request.urlopen(sys.argv[1]).read().decode())' \
	    "$HTTPD_URL/synth/_all" | jq -r "select($1) | .key" | sort -n
}

@test "fetch gbif: past the offset cap the query is split; every record with a year, once" {
	start_httpd --synth 400 --gbif-cap 50
	run -0 --separate-stderr synth -o out.jsonl
	assert_equal "$stderr" "mare-fetch: 400 records, above the 50 GBIF serves of one query: splitting it
mare-fetch: 14 parts (41 count requests), 386 records
mare-fetch: warning: 14 of the 400 records are in no part: records without a year cannot be selected by GBIF's search; 'mare-fetch gbif-download' gets them
mare-fetch: 386 records out; pages 26, requests 68"
	synth_all '.year != null' >want
	jq -r .key out.jsonl | sort -n >got
	run -0 diff want got
	run -0 wc -l <out.jsonl
	assert_output 386
	# the year 2000 (137 records) was halved in space, its 5 records
	# without coordinates were one part, and the server never said 400
	run -0 grep -c 'year=2000&hasCoordinate=false&limit=20' "$HTTPD_LOG"
	assert_output 1
	run -0 grep -c 'decimalLongitude=4.9406564584124654e-324%2C180&decimalLatitude=-90%2C0&limit=20&offset=20' "$HTTPD_LOG"
	assert_output 1
	run -1 grep -c $'\t400\t' "$HTTPD_LOG"
}

@test "fetch gbif: a split keeps --year and --bbox in every part; nothing unreachable" {
	start_httpd --synth 400 --gbif-cap 50
	synth_all '.year >= 1995 and .year <= 2010 and .decimalLatitude != null' >want
	run -0 wc -l <want
	assert_output 253
	run -0 --separate-stderr synth --year 1995,2010 --bbox -180,-90,180,90 \
	    -o out.jsonl
	assert_equal "${stderr%%$'\n'*}" "mare-fetch: 253 records, above the 50 GBIF serves of one query: splitting it"
	refute [ -n "$(grep warning <<<"$stderr")" ]
	jq -r .key out.jsonl | sort -n >got
	run -0 diff want got
	# every search carried the box
	run -1 grep -v -e 'decimalLongitude=[^&]*&decimalLatitude=' \
	    -e /synth/_all "$HTTPD_LOG"
}

@test "fetch gbif: a part that cannot be split under the cap exits 69" {
	start_httpd --synth 400 --gbif-cap 4
	run -69 --separate-stderr synth --offset-cap 4 --page-size 4 -o out.jsonl
	assert_equal "${stderr##*$'\n'}" "mare-fetch: cannot split the query under the 4-record cap: year 2000 has 5 records without coordinates; use gbif-download"
	only_files
}

@test "fetch gbif: kill -9 inside a part, rerun with --state: exactly the clean output" {
	start_httpd --synth 400 --gbif-cap 50
	run -0 synth -q -o clean.jsonl
	printf '[{"fault":"slow","delay":30,"path":"/synth/v1/occurrence/search","query":"year=2001%%2C2004&limit=20&offset=20"}]' \
	    >faults.json
	stop_httpd
	rm "$HTTPD_LOG"
	start_httpd --synth 400 --gbif-cap 50 --faults faults.json
	"$MARE_BUILDDIR/mare-fetch" gbif --base-url "$HTTPD_URL/synth/v1" \
	    --offset-cap 50 --page-size 20 -q --state st.json \
	    -o out.jsonl 3>&- &
	pid=$!
	for ((i = 0; i < 100; i++)); do
		grep -q '2004&limit=20&offset=20' "$HTTPD_LOG" 2>/dev/null && break
		sleep 0.1
	done
	kill -9 "$pid"
	wait "$pid" 2>/dev/null || true
	run -0 jq -c '[(.parts | length), .part, .offset, .complete]' st.json
	assert_output '[14,9,20,false]'
	run -0 --separate-stderr synth --state st.json -o out.jsonl
	assert_equal "${stderr%%$'\n'*}" "mare-fetch: resuming after 239 records (17 pages) from 'st.json'"
	run -0 cmp clean.jsonl out.jsonl
	rm faults.json
}

@test "fetch gbif: records met in two overlapping parts are written once" {
	start_httpd --synth 400 --gbif-cap 50
	run -0 synth -q -o clean.jsonl --state st.json
	# parts 1 (1989-1992) and 2 (1993-1996) made to overlap on 1993
	jq -c '.parts[0] = "&year=1989%2C1993" | .part = 0 | .offset = 0 |
	    .records = 0 | .pages = 0 | .bytes = 0 | .complete = false' \
	    st.json >st2.json
	mv st2.json st.json
	: >out.jsonl
	n=$(synth_all '.year == 1993' | wc -l)
	run -0 --separate-stderr synth --state st.json -o out.jsonl
	assert_equal "$(grep 'written once' <<<"$stderr")" "mare-fetch: $n records seen in two parts written once"
	# the same records, in another order (1993 comes with part 1 now)
	sort clean.jsonl >a
	sort out.jsonl >b
	run -0 cmp a b
}

# ------------------------------------------------------------------
# gbif-download: the recorded download API responses, real zips

DLKEY=0012150-260108223611665
DLCITE="GBIF.org (4 September 2025) GBIF Occurrence Download https://doi.org/10.15468/dl.np3k7j"

dl() {
	GBIF_USER=mare GBIF_PWD=secret MARE_GBIF_POLL_SECONDS=0.05 \
	    TMPDIR="$BATS_TEST_TMPDIR" mare-fetch gbif-download \
	    --base-url "$HTTPD_URL/v1" --retry-wait 10 "$@"
}

last_post() {
	"${PYTHON3:-python3}" -c 'import sys, urllib.request
sys.stdout.write(urllib.request.urlopen(sys.argv[1]).read().decode())' \
	    "$HTTPD_URL/_last_post"
}

@test "fetch gbif-download: request, PREPARING, RUNNING, SUCCEEDED, zip: the archive's records" {
	start_httpd
	run -0 --separate-stderr dl --taxon-key 5 --year 1990,2000 \
	    --bbox 1,2,3,4 --country DE --basis-of-record PRESERVED_SPECIMEN \
	    --has-coordinate -o out.jsonl --provenance prov.json
	assert_equal "$stderr" "mare-fetch: GBIF download $DLKEY requested
mare-fetch: GBIF download $DLKEY: 22235 records, DOI 10.15468/dl.np3k7j; cite as: $DLCITE
mare-fetch: 158 records in, 158 out, 0 rejected"
	run -0 cut -f1-4 "$HTTPD_LOG"
	assert_output "POST	/v1/occurrence/download/request	201	-
GET	/v1/occurrence/download/$DLKEY	200	-
GET	/v1/occurrence/download/$DLKEY	200	-
GET	/v1/occurrence/download/$DLKEY	200	-
GET	/v1/occurrence/download/request/$DLKEY.zip	200	-"
	run -0 last_post
	assert_output '{"creator":"mare","sendNotification":false,"format":"DWCA","predicate":{"type":"and","predicates":[{"type":"equals","key":"OCCURRENCE_STATUS","value":"PRESENT"},{"type":"equals","key":"TAXON_KEY","value":"5"},{"type":"within","geometry":"POLYGON((1 2,3 2,3 4,1 4,1 2))"},{"type":"greaterThanOrEquals","key":"YEAR","value":"1990"},{"type":"lessThanOrEquals","key":"YEAR","value":"2000"},{"type":"equals","key":"HAS_COORDINATE","value":"true"},{"type":"equals","key":"BASIS_OF_RECORD","value":"PRESERVED_SPECIMEN"},{"type":"equals","key":"COUNTRY","value":"DE"}]}}'
	# the archive is kept, byte for byte; the records are its records
	run -0 cmp "$DW/gbif_download_2013_tetraodon_fluviatilis_dwca.zip" \
	    "$DLKEY.zip"
	run -0 mare-fetch dwca -q -o want.jsonl "$DLKEY.zip"
	run -0 cmp want.jsonl out.jsonl
	run -0 jq -r '.gbif_download | .key, .doi, .citation, .format,
	    .size, .predicate.predicates[1].value' prov.json
	assert_output "$DLKEY
10.15468/dl.np3k7j
$DLCITE
DWCA
42233
5"
	sum=$(sha256sum "$DLKEY.zip")
	run -0 jq -r '(.provenance.inputs[0] | .path + " " + .sha256),
	    (.provenance.command | join(" ")), .records' prov.json
	assert_output "./$DLKEY.zip ${sum%% *}
mare-fetch gbif-download --base-url $HTTPD_URL/v1 --retry-wait 10 --taxon-key 5 --year 1990,2000 --bbox 1,2,3,4 --country DE --basis-of-record PRESERVED_SPECIMEN --has-coordinate -o out.jsonl --provenance prov.json
158"
	# the password is in no file and no message
	run -1 grep -r secret . --exclude-dir=nothing
}

@test "fetch gbif-download: --format SIMPLE_CSV, --taxon resolved, --download-dir" {
	start_httpd
	mkdir zips
	run -0 --separate-stderr dl --taxon 'Helianthus annuus' \
	    --format SIMPLE_CSV --download-dir zips -o out.jsonl
	assert_equal "${stderr##*$'\n'}" "mare-fetch: 91 records in, 91 out, 0 rejected"
	run -0 jq -c '[.format, .predicate.predicates[1]]' <<<"$(last_post)"
	assert_output '["SIMPLE_CSV",{"type":"equals","key":"TAXON_KEY","value":"9206251"}]'
	run -0 cmp "$DW/gbif_download_0009886-250127130748423_simplecsv.zip" \
	    zips/0040513-240906103802322.zip
	run -0 mare-fetch dwca -q -o want.jsonl zips/0040513-240906103802322.zip
	run -0 cmp want.jsonl out.jsonl
}

@test "fetch gbif-download: a FAILED download is exit 69 with its key, nothing written" {
	start_httpd --download-statuses RUNNING,FAILED
	run -69 --separate-stderr dl --taxon-key 5 -o out.jsonl
	assert_equal "$stderr" "mare-fetch: GBIF download $DLKEY requested
mare-fetch: GBIF download $DLKEY ended FAILED: nothing to fetch (see https://www.gbif.org/occurrence/download/$DLKEY)"
	only_files
}

@test "fetch gbif-download: bad credentials are a 401, exit 69, the password not shown" {
	start_httpd
	GBIF_PWD=hunter2 run -69 --separate-stderr env GBIF_USER=mare \
	    GBIF_PWD=hunter2 TMPDIR="$BATS_TEST_TMPDIR" \
	    "$MARE_BUILDDIR/mare-fetch" gbif-download --taxon-key 5 \
	    --base-url "$HTTPD_URL/v1" -o out.jsonl
	assert_equal "$stderr" "mare-fetch: POST $HTTPD_URL/v1/occurrence/download/request: 401 Unauthorized: Failed to authenticate user foobar (check GBIF_USER and GBIF_PWD)"
	run -0 cut -f1-3 "$HTTPD_LOG"
	assert_output "POST	/v1/occurrence/download/request	401"
	only_files
}

@test "fetch gbif-download: without GBIF_USER and GBIF_PWD exit 64 before any request" {
	start_httpd
	run -64 --separate-stderr env -u GBIF_USER -u GBIF_PWD \
	    "$MARE_BUILDDIR/mare-fetch" gbif-download --taxon-key 5 \
	    --base-url "$HTTPD_URL/v1" -o out.jsonl
	assert_equal "$stderr" "mare-fetch: gbif-download needs a GBIF account: set GBIF_USER and GBIF_PWD in the environment
Try 'mare-fetch --help' for more information."
	run -0 cat "$HTTPD_LOG"
	assert_output ""
	run -64 --separate-stderr mare-fetch gbif-download --format CSV
	assert_equal "${stderr%%$'\n'*}" "mare-fetch: invalid --format value 'CSV': expected DWCA or SIMPLE_CSV"
	run -64 --separate-stderr mare-fetch gbif-download --limit 5
	assert_equal "${stderr%%$'\n'*}" "mare-fetch: --limit, --page-size or --offline does not apply to 'gbif-download' (see --help)"
}

@test "fetch gbif-download: a zip cut mid-body resumes with Range, in the run and across runs" {
	faults "{\"fault\":\"reset\",\"path\":\"/v1/occurrence/download/request/$DLKEY.zip\"}"
	run -0 --separate-stderr dl --taxon-key 5 -o out.jsonl
	run -0 grep -c $'zip\t206\t' "$HTTPD_LOG"
	assert_output 1
	run -0 cmp "$DW/gbif_download_2013_tetraodon_fluviatilis_dwca.zip" \
	    "$DLKEY.zip"
	run -0 mare-fetch dwca -q -o want.jsonl "$DLKEY.zip"
	run -0 cmp want.jsonl out.jsonl
	# across runs: no retries, the partial zip stays; the rerun with
	# --state polls the same key (no second POST) and asks for the rest
	rm "$DLKEY.zip" out.jsonl
	stop_httpd
	rm "$HTTPD_LOG"
	faults "{\"fault\":\"reset\",\"path\":\"/v1/occurrence/download/request/$DLKEY.zip\"}"
	run -75 --separate-stderr dl --taxon-key 5 --max-retries 0 \
	    --state st.json -o out.jsonl
	# (curl words the reset as a receive failure or a short transfer)
	msg=${stderr##*$'\n'}
	assert [ "${msg%%.zip: *}" = "mare-fetch: GET $HTTPD_URL/v1/occurrence/download/request/$DLKEY" ]
	assert [ "${msg##* after }" = "1 attempt; './$DLKEY.zip' kept: rerun to resume" ]
	run -0 stat -c %s "$DLKEY.zip"
	assert [ "$output" -gt 0 ] && assert [ "$output" -lt 42233 ]
	run -0 --separate-stderr dl --taxon-key 5 --state st.json -o out.jsonl
	assert_equal "${stderr%%$'\n'*}" "mare-fetch: GBIF download $DLKEY: polling"
	run -0 grep -c POST "$HTTPD_LOG"
	assert_output 1
	run -0 grep -c $'zip\t206\t' "$HTTPD_LOG"
	assert_output 1
	run -0 cmp "$DW/gbif_download_2013_tetraodon_fluviatilis_dwca.zip" \
	    "$DLKEY.zip"
	run -0 cmp want.jsonl out.jsonl
}

@test "fetch gbif-download: with 3 downloads in flight a fourth waits for a slot" {
	local holders=() i
	start_httpd
	for i in 0 1 2; do
		flock "$BATS_TEST_TMPDIR/mare-gbif-mare.slot$i" sleep 6 3>&- &
		holders+=($!)
	done
	sleep 0.5
	run -0 --separate-stderr dl --taxon-key 5 -o out.jsonl
	assert_equal "${stderr%%$'\n'*}" "mare-fetch: 3 GBIF downloads of 'mare' in flight: waiting for one to end"
	# only the lock holders: a bare wait would also wait for the server,
	# which ends by itself after two minutes
	wait "${holders[@]}"
}

# ------------------------------------------------------------------
# cache

@test "fetch gbif: --offline from a cache seeded with the recorded files" {
	run -0 --separate-stderr mare-fetch seed-cache --cache-dir c \
	    "$DATA/gbif/INDEX.tsv" "$DATA/obis/INDEX.tsv"
	assert_equal "$stderr" "mare-fetch: 16 responses stored in 'c'"
	# the default https://api.gbif.org/v1 is never contacted: offline
	run -0 --separate-stderr mare-fetch gbif --offline --cache-dir c \
	    --taxon-key 3118771 --limit 750 --page-size 250 \
	    --fields "$ENC_FIELDS" -o out.jsonl
	golden out.jsonl "$EXP/encelia_750_fields.jsonl"
	run -66 --separate-stderr mare-fetch gbif --offline --cache-dir c \
	    --taxon-key 3118771 --limit 751 --page-size 250 -o out2.jsonl
	assert_equal "$stderr" "mare-fetch: not in cache (offline): https://api.gbif.org/v1/occurrence/search?occurrenceStatus=PRESENT&taxonKey=3118771&limit=1&offset=750"
}

@test "fetch gbif: --cache-dir fills the cache online, then serves offline" {
	start_httpd
	run -0 encelia -q --cache-dir c --fields "$ENC_FIELDS" -o a.jsonl
	stop_httpd
	run -0 --separate-stderr heavy mare-fetch gbif \
	    --base-url "$HTTPD_URL/v1" --taxon-key 3118771 --limit 750 \
	    --page-size 250 --offline --cache-dir c --fields "$ENC_FIELDS" \
	    -o b.jsonl
	golden b.jsonl "$EXP/encelia_750_fields.jsonl"
}

# ------------------------------------------------------------------
# obis

@test "fetch obis: after-cursor pages of 30 equal the recorded page of 100" {
	start_httpd
	run -0 --separate-stderr mare-fetch obis --base-url "$HTTPD_URL/v3" \
	    --limit 100 --page-size 30 -o paged.jsonl
	assert_equal "$stderr" \
	    "mare-fetch: 100 records out; pages 4, requests 4"
	run -0 mare-fetch obis --base-url "$HTTPD_URL/v3" --limit 100 \
	    --page-size 100 -q -o one.jsonl
	run -0 cmp paged.jsonl one.jsonl
	run -0 jq -c '.results[] | .id' \
	    "$DATA/obis/occurrence/no_filter_size100.json"
	want=$output
	run -0 jq -c '.id' paged.jsonl
	assert_output "$want"
	run -0 cut -f6 "$HTTPD_LOG"
	assert_line --index 1 "size=30&after=0000030f-a23d-4985-b713-6f627c1e820f"
	run -0 mare-fetch obis --base-url "$HTTPD_URL/v3" --limit 100 \
	    --page-size 30 -q --fields "$OBIS_FIELDS" -o f.jsonl
	golden f.jsonl "$EXP/obis_100_fields.jsonl"
}

@test "fetch obis: --taxon and --taxon-id, faults survived" {
	faults '{"fault":"truncate","query":"after="},{"fault":"html","query":"after="}'
	run -0 --separate-stderr mare-fetch obis --base-url "$HTTPD_URL/v3" \
	    --taxon "Mola mola,Gadus morhua" --taxon-id 127405,126436 \
	    --limit 100 --page-size 40 --retry-wait 10 -q \
	    --fields "$OBIS_FIELDS" -o f.jsonl
	run -0 jq -r '.results[].scientificName' \
	    "$DATA/obis/occurrence/mola_mola_gadus_morhua_size100.json"
	want=$output
	run -0 jq -r '.scientificName' f.jsonl
	assert_output "$want"
	run -0 cut -f4 "$HTTPD_LOG"
	assert_output --partial truncate
	assert_output --partial html
}

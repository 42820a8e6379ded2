#!/usr/bin/env bats
# mare-drift.bats - the drift command: real layers (present vs RCP8.5),
# identical data, a stored profile, the edge cases, alerts through the
# loopback server (tests/cli/httpd.py) and a failing alert endpoint

load helper

D="$DATA/drift"
PRES="$D/crop_present.jsonl"
FUT="$D/crop_rcp85.jsonl"

setup() {
	mkdir "$BATS_TEST_TMPDIR/w"
	cd "$BATS_TEST_TMPDIR/w"
}

teardown() {
	if [[ -f pid ]]; then
		kill "$(cat pid)" 2>/dev/null || true
	fi
}

start_httpd() {
	"${PYTHON3:-python3}" "$MARE_SRCDIR/tests/cli/httpd.py" \
	    --port-file port --log http.log --max-seconds 60 "$@" \
	    >/dev/null 2>&1 &
	echo $! > pid
	for _ in $(seq 50); do
		[[ -s port ]] && break
		sleep 0.1
	done
	PORT=$(cat port)
}

@test "drift: SST and pH of the RCP8.5 layers drift from the present (exit 1)" {
	run -1 --separate-stderr mare-drift --format json --reference "$PRES" "$FUT"
	assert_equal "$stderr" ""
	run jq -c '[.columns[] | [.column, .test, .drift, .exact, .out_of_range]]' <<<"$output"
	assert_output '[["SST","wasserstein",true,true,1],["pH","wasserstein",true,true,1]]'
}

@test "drift: each column's means, as Python computes them (SST +2.86 C)" {
	run -1 --separate-stderr mare-drift --format json --reference "$PRES" "$FUT"
	run -0 jq -r '.columns[] | [.column, .mean_reference, .mean_current] | @tsv' <<<"$output"
	got=$(awk '{ printf "%s %.9f %.9f\n", $1, $2, $3 }' <<<"$output")
	want=$(/usr/bin/python3 - "$PRES" "$FUT" <<'PY'
import json, sys
rows = [[json.loads(l) for l in open(f)] for f in sys.argv[1:3]]
for c in ('SST', 'pH'):
    m = [sum(v) / len(v) for v in
         ([r[c] for r in rs if r.get(c) is not None] for rs in rows)]
    print('%s %.9f %.9f' % (c, m[0], m[1]))
PY
)
	assert_equal "$got" "$want"
	assert_equal "$want" "$(printf '%s\n' 'SST 27.241840840 30.101700150' \
	    'pH 8.212049329 7.925345136')"
}

@test "drift: identical data does not drift (exit 0) and the table says so" {
	run -0 --separate-stderr mare-drift --reference "$PRES" "$PRES"
	assert_equal "$(jq -c .dataset <<<"$output")" \
	    '{"columns":2,"tested":2,"drifted":0,"share":0,"threshold":0.5,"drift":false}'
	assert_equal "$(tail -n 1 <<<"$stderr")" \
	    "0 of 2 columns drifted (share 0, threshold 0.5): no drift"
}

@test "drift: against a stored profile, SST's W1/sd within 0.01 of the raw value" {
	run -0 mare-drift -q --reference "$PRES" --profile-out prof.json "$PRES"
	run -0 jq -r '.format, .rows, (.columns | length)' prof.json
	assert_output $'mare-profile\n8623\n2'
	echo "{\"model\":1,\"profile\":$(cat prof.json)}" > model.json
	run -1 --separate-stderr mare-drift --format json --reference model.json "$FUT"
	run jq -r '.reference.raw, (.columns[0].statistic * 100 | round)' <<<"$output"
	assert_output $'false\n407'
}

@test "drift: --test overrides the test and threshold of one column" {
	run -1 --separate-stderr mare-drift --format json --test SST=psi:0.2 \
	    --test pH=ks --reference "$PRES" "$FUT"
	run jq -c '[.columns[] | [.test, .threshold, .drift]]' <<<"$output"
	assert_output '[["psi",0.2,true],["ks",0.05,true]]'
}

# x: scipy.stats.ks_2samp(a, b) (scipy 1.10.1) = (0.5555555555555556,
# 0.0785684903331962); y: wasserstein_distance(a, a + 1) / np.std(a) =
# 0.4493247650413843, with a = the reference x, b = the current x.
@test "drift: --format text shows the statistic and the p-value apart" {
	a=(1.5 2.25 3 4.5 5 6.75 7 8)
	b=(4 5.5 6 7.5 8.25 9 10 11.5 12)
	for i in "${!a[@]}"; do
		printf '{"x":%s,"y":%s}\n' "${a[i]}" "${a[i]}"
	done > ref.jsonl
	for i in "${!b[@]}"; do
		y=$(awk -v v="${a[i]:-}" 'BEGIN { print v == "" ? "null" : v + 1 }')
		printf '{"x":%s,"y":%s}\n' "${b[i]}" "$y"
	done > cur.jsonl
	run -1 --separate-stderr mare-drift --format text --test y=wasserstein \
	    --reference ref.jsonl cur.jsonl
	assert_equal "$stderr" ""
	assert_equal "$output" "$(cat <<'EOF'
column test           statistic   p-value threshold  outside verdict
x      ks              0.555556    0.0786      0.05   55.56% ok
y      wasserstein     0.449325         -       0.1   12.50% DRIFT
1 of 2 columns drifted (share 0.5, threshold 0.5): DRIFT
EOF
)"
}

@test "drift: --columns and --share decide the verdict" {
	run -0 --separate-stderr mare-drift --format json --columns SST \
	    --test SST=psi:1000 --reference "$PRES" "$FUT"
	assert_equal "$(jq -c '.dataset.drift' <<<"$output")" false
}

@test "drift: a constant column, an all-NaN column and a missing value" {
	printf '{"c":1,"n":null,"x":%d}\n' $(seq 1 50) > ref.jsonl
	printf '{"c":1,"n":null,"x":%d}\n' $(seq 1 50) > cur.jsonl
	run -0 --separate-stderr mare-drift --format json --reference ref.jsonl cur.jsonl
	run jq -c '[.columns[] | [.column, .test, .drift, .skipped]]' <<<"$output"
	assert_output '[["c","z",false,null],["x","ks",false,null]]'
}

@test "drift: an all-NaN reference column is skipped with its reason" {
	printf '{"x":%d,"n":0}\n' $(seq 1 50) > ref.jsonl
	printf '{"x":%d,"n":null}\n' $(seq 1 50) > cur.jsonl
	run -0 --separate-stderr mare-drift --format json --reference ref.jsonl cur.jsonl
	run jq -c '[.columns[] | [.column, .test, .skipped]]' <<<"$output"
	assert_output '[["x","ks",null],["n","none","no finite current values"]]'
}

@test "drift: an empty current set exits 65 with one line" {
	: > empty.jsonl
	run -65 --separate-stderr mare-drift --reference "$PRES" empty.jsonl
	assert_equal "$stderr" "mare-drift: empty.jsonl: no current rows to test"
	assert_equal "$output" ""
}

@test "drift: a reference column missing from CURRENT exits 65 naming it" {
	printf '{"SST":%d}\n' $(seq 1 5) > cur.jsonl
	run -65 --separate-stderr mare-drift --reference "$PRES" cur.jsonl
	assert_equal "$stderr" \
	    "mare-drift: cur.jsonl: column \"pH\" of the reference is missing"
}

@test "drift: a bad value in CURRENT names file and line" {
	printf '{"SST":1,"pH":8}\n{"SST":"warm","pH":8}\n' > cur.jsonl
	run -65 --separate-stderr mare-drift --reference "$PRES" cur.jsonl
	assert_equal "$stderr" \
	    "mare-drift: cur.jsonl:2: SST: expected a number or null"
}

@test "drift: a damaged profile names the JSON path" {
	run -0 mare-drift -q --reference "$PRES" --profile-out prof.json "$PRES"
	jq -c '.columns[1].quantiles[3] = "x"' prof.json > bad.json
	run -65 --separate-stderr mare-drift --reference bad.json "$FUT"
	assert_equal "$stderr" \
	    "mare-drift: bad.json: profile: columns[1].quantiles[3]: expected a number"
}

@test "drift: bad --test and --columns are usage errors" {
	run -64 --separate-stderr mare-drift --test SST=foo --reference "$PRES" "$FUT"
	assert_equal "$(head -n 1 <<<"$stderr")" \
	    "mare-drift: --test SST: unknown test 'foo' (expected ks, psi, wasserstein, js, chisquare or z)"
	run -64 --separate-stderr mare-drift --columns zz --reference "$PRES" "$FUT"
	assert_equal "$(head -n 1 <<<"$stderr")" \
	    "mare-drift: --columns: no column \"zz\" in the reference"
}

@test "drift: the alert reaches the server with a PagerDuty v2 payload" {
	start_httpd
	MARE_DRIFT_ROUTING_KEY=rk123 run -1 --separate-stderr mare-drift -vv \
	    --format json --alert-url "http://127.0.0.1:$PORT/_echo" \
	    --reference "$PRES" "$FUT"
	run jq -c '.body | fromjson | [.routing_key, .event_action, .payload.severity, .payload.summary, .payload.custom_details.dataset.drift]' \
	    <<<"$(sed -n 's/^alert response: //p' <<<"$stderr")"
	assert_output "[\"rk123\",\"trigger\",\"warning\",\"mare-drift: 2 of 2 columns drifted in $FUT\",true]"
	run cut -f 1-3 http.log
	assert_output $'POST\t/_echo\t200'
}

@test "drift: a failing alert endpoint is reported and the verdict stays 1" {
	echo '[{"path": "/alert", "times": 10, "fault": "status", "status": 503}]' > faults.json
	start_httpd --faults faults.json
	run -1 --separate-stderr mare-drift --format json \
	    --alert-url "http://127.0.0.1:$PORT/alert" --reference "$PRES" "$FUT"
	assert_regex "$stderr" "^mare-drift: warning: alert to http://127.0.0.1:$PORT/alert failed: .*503"
	assert_equal "$(jq -c .dataset.drift <<<"$output")" true
}

@test "drift: --metrics-file writes per-column gauges" {
	run -1 mare-drift -q --metrics-file m.prom --reference "$PRES" "$FUT"
	run grep -E '^mare_drift_(detected|dataset)' m.prom
	assert_output $'mare_drift_detected{column="SST",test="wasserstein"} 1\nmare_drift_detected{column="pH",test="wasserstein"} 1\nmare_drift_dataset 1'
}

# A 2 x 2 stack against raw rows a = 1..10, b = 10..100, worked by hand:
# f = share strictly below x; a=5 -> 2 x 40, b=50 -> 2 x 40: 80;
# a=0 below the range -> 100 (0 - 1) / 9; a NODATA cell; a=8 -> 2 x 30,
# b=30 -> 2 x 20: 40.
mess_stack() {
	mkdir -p L
	for i in $(seq 1 10); do
		printf '{"a":%d,"b":%d}\n' "$i" $((10 * i))
	done > ref.jsonl
	printf 'ncols 2\nnrows 2\nxllcorner 0\nyllcorner 0\ncellsize 1\nNODATA_value -9999\n5 0\n-9999 8\n' > L/a.asc
	printf 'ncols 2\nnrows 2\nxllcorner 0\nyllcorner 0\ncellsize 1\nNODATA_value -9999\n50 100\n3 30\n' > L/b.asc
}

@test "drift: --map writes MESS of every cell of --layers (hand-worked)" {
	mess_stack
	run -0 --separate-stderr mare-drift --reference ref.jsonl --layers L --map mess.asc
	assert_equal "$output" ""
	run cat mess.asc
	assert_output $'ncols 2\nnrows 2\nxllcorner 0\nyllcorner 0\ncellsize 1\nNODATA_value -9999\n80 -11.111111\n-9999 40'
}

@test "drift: --map against a stored profile uses its quantiles" {
	mess_stack
	run -0 mare-drift -q --reference ref.jsonl --profile-out prof.json ref.jsonl
	run -0 mare-drift -q --reference prof.json --layers L --map mess.asc
	# a=5: F = (5 - 1) / 9 on the type-7 quantiles, 2 x 44.44 = 88.89
	run sed -n 7p mess.asc
	assert_output '88.888885 -11.111111'
}

@test "drift: --map needs --layers, and a layer per column" {
	mess_stack
	run -64 --separate-stderr mare-drift --reference ref.jsonl --map m.asc
	assert_equal "$(head -n 1 <<<"$stderr")" "mare-drift: --map needs --layers"
	rm L/b.asc
	run -65 --separate-stderr mare-drift --reference ref.jsonl --layers L --map m.asc
	assert_equal "$stderr" "mare-drift: L: no layer 'b' for the reference's column"
	[[ ! -e m.asc ]]
}

# A model as REF: golden-maxent-lq.json (tests/data/train) profiles its 246
# presences and its predictions on them. The reference values were
# computed from mare-predict's predictions on the same records with
# Debian's numpy 1.24.2 / scipy 1.10.1:
#   mare-predict -q -m golden-maxent-lq.json --field p pres.jsonl | jq .p > pp
#   (same for bg.jsonl > pb); numpy.mean(pp) = 0.6228201904643871,
#   scipy.stats.ks_2samp(pp, pb).statistic = 0.3487660224840572
# (numpy sums pairwise, mare in order: the means may differ in the last
# bit, hence 1e-15)
MODEL="$DATA/train/golden-maxent-lq.json"

@test "drift: a model REF takes records through its spec; prediction drift" {
	jq -c 'select(.label == 1)' "$DATA/train/swd.jsonl" > pres.jsonl
	jq -c 'select(.label == 0)' "$DATA/train/swd.jsonl" > bg.jsonl
	run -0 jq -c '.profile.prediction |
	    [.n, (.mean - 0.6228201904643871 | fabs < 1e-15)]' "$MODEL"
	assert_output '[246,true]'
	run -0 --separate-stderr mare-drift --reference "$MODEL" pres.jsonl
	run jq -c '[.dataset.drift, .prediction.test, .prediction.drift, .prediction.n_current, .prediction.statistic < 0.011]' <<<"$output"
	assert_output '[false,"ks",false,246,true]'
	assert_regex "$stderr" $'\nprediction +ks +0.0101839 +1 +0.05 +0.00% ok\n'
	run -1 --separate-stderr mare-drift --reference "$MODEL" bg.jsonl
	# against the profile: within 0.01 of the raw KS statistic
	run jq -c '[.prediction.drift, .prediction.n_current, (.prediction.statistic - 0.3487660224840572 | fabs < 0.01), (.columns | length)]' <<<"$output"
	assert_output '[true,8543,true,5]'
	run -0 --separate-stderr mare-drift --format json \
	    --test prediction=psi:100 --reference "$MODEL" pres.jsonl
	assert_equal "$(jq -c '[.prediction.test, .prediction.threshold]' <<<"$output")" '["psi",100]'
}

@test "drift: a record without the model's variables names line and field" {
	printf '{"SST_present_crop":27,"salinity_present_crop":36,"PAR_present_crop":40,"pH_present_crop":8.2,"currentspeed_present_crop":0.5}\n{"SST_present_crop":27}\n' > cur.jsonl
	run -65 --separate-stderr mare-drift --reference "$MODEL" cur.jsonl
	assert_equal "$stderr" \
	    "mare-drift: cur.jsonl:2: salinity_present_crop: missing"
}

@test "drift: records without the variables are sampled from --layers" {
	CROP="$DATA/grid/crop"
	VARS=SST_present_crop,PAR_present_crop,pH_present_crop
	export SOURCE_DATE_EPOCH=0
	unchecked mare-tensor from-jsonl -q --dtype f8 --columns "label,$VARS" \
	    -o t.tensor "$DATA/train/swd.jsonl"
	unchecked mare-train -q -m maxent --features lq t.tensor -o m.json
	# the same 40 cells as coordinates (cell centres) and as values
	python3 - "$CROP" <<'PY'
import json, struct, sys
names = ['PAR_present_crop', 'SST_present_crop', 'pH_present_crop']
def asc(n):
    f = open('%s/%s.asc' % (sys.argv[1], n)); h = {}
    for i in range(6):
        k, v = f.readline().split(); h[k.lower()] = float(v)
    return h, f.read().split()
L = {n: asc(n) for n in names}
h = L[names[0]][0]; nc = int(h['ncols']); nr = int(h['nrows'])
cs = h['cellsize']; nd = h['nodata_value']
pts = open('points.jsonl', 'w'); vals = open('values.jsonl', 'w')
k = 0
for c in range(0, nc * nr, 37):
    if any(float(L[n][1][c]) == nd for n in names):
        continue
    r, q = divmod(c, nc)
    x = h['xllcorner'] + (q + 0.5) * cs
    y = h['yllcorner'] + nr * cs - (r + 0.5) * cs
    pts.write(json.dumps({"decimalLongitude": x, "decimalLatitude": y}) + "\n")
    vals.write(json.dumps({n: struct.unpack('f', struct.pack('f',
        float(L[n][1][c])))[0] for n in names}) + "\n")
    k += 1
    if k == 40:
        break
PY
	run --separate-stderr mare-drift --format json --reference m.json values.jsonl
	# the same verdict; only the current source and the provenance
	# (command line, input files) differ
	jq -c 'del(.current, .provenance)' <<<"$output" > a.json
	run --separate-stderr mare-drift --format json --reference m.json \
	    --layers "$CROP" points.jsonl
	jq -c 'del(.current, .provenance)' <<<"$output" > b.json
	run -0 jq -r '.current.rows' <<<"$output"
	assert_output 40
	run -0 cmp a.json b.json
	run -0 jq -c '[.prediction.n_current, (.columns | map(.n_current))]' a.json
	assert_output '[40,[40,40,40]]'
}

@test "drift: --window gives a verdict per window; the shifted one drifts" {
	for i in $(seq 1 200); do printf '{"x":%d}\n' "$i"; done > ref.jsonl
	{
		for i in $(seq 1 100); do printf '{"x":%d}\n' $((2 * i)); done
		for i in $(seq 1 100); do printf '{"x":%d}\n' $((2 * i + 300)); done
		for i in $(seq 1 30); do printf '{"x":%d}\n' $((6 * i)); done
	} > cur.jsonl
	run -1 --separate-stderr mare-drift --window 100 --reference ref.jsonl cur.jsonl
	assert_equal "$stderr" ""
	assert_equal "${#lines[@]}" 3
	run jq -c '[.window.index, .window.first_record, .window.records, .window.partial, .current.rows, .columns[0].test, .dataset.drift]' <<<"$output"
	assert_output $'[0,1,100,false,100,"ks",false]\n[1,101,100,false,100,"ks",true]\n[2,201,30,true,30,"ks",false]'
	# the same windows from a tensor
	unchecked mare-tensor from-jsonl -q --columns x -o cur.tensor cur.jsonl
	run -1 --separate-stderr mare-drift --window 100 --reference ref.jsonl cur.tensor
	assert_equal "$(jq -c .dataset.drift <<<"$output" | tr '\n' ' ')" 'false true false '
	run -64 --separate-stderr mare-drift --window 0 --reference ref.jsonl cur.jsonl
}

@test "drift: --window writes the last window's gauges" {
	for i in $(seq 1 200); do printf '{"x":%d}\n' "$i"; done > ref.jsonl
	{
		for i in $(seq 1 100); do printf '{"x":%d}\n' $((2 * i + 300)); done
		for i in $(seq 1 100); do printf '{"x":%d}\n' $((2 * i)); done
	} > cur.jsonl
	run -1 mare-drift -q --metrics-file m.prom --window 100 --reference ref.jsonl cur.jsonl
	run grep -E '^mare_drift_(detected|dataset)' m.prom
	assert_output $'mare_drift_detected{column="x",test="ks"} 0\nmare_drift_dataset 1'
}

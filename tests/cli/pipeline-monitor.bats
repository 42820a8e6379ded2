#!/usr/bin/env bats
# pipeline-monitor.bats - pipelines/monitor.mk, the cron job: records from
# an inbox folder (real lionfish presences of pipelines/data, split by
# latitude: the northern ones train the model and bring no drift, the
# southern ones drift), retraining only on drift, the atomic model swap,
# the lock, and a failed retraining that leaves everything as it was.

load helper

PIPE="$MARE_SRCDIR/pipelines"
# The bundled present-day layers (data/layers/present when the folder
# holds more than one stack).
LAYERS="$PIPE/data/layers"
[[ -d $LAYERS/present ]] && LAYERS+=/present

setup() {
	mkdir "$BATS_TEST_TMPDIR/w"
	cd "$BATS_TEST_TMPDIR/w"
	# the tests' own make, not the one running make check (whose
	# jobserver descriptors bats does not pass on)
	unset MAKEFLAGS MFLAGS MAKELEVEL
	export SOURCE_DATE_EPOCH=0
	mkdir inbox batches
	# north-a, north-b: every other one of the 186 northernmost
	# presences; south: the 60 southernmost.
	/usr/bin/python3 - "$PIPE/data/lionfish/presences.jsonl" <<'PY'
import json, sys
lines = open(sys.argv[1]).readlines()
lines.sort(key=lambda l: json.loads(l)["decimalLatitude"])
open("batches/south.jsonl", "w").writelines(lines[:60])
open("batches/north-a.jsonl", "w").writelines(lines[-186:][0::2])
open("batches/north-b.jsonl", "w").writelines(lines[-186:][1::2])
PY
}

teardown() {
	stop_httpd
}

# jget FILE EXPR: a Python expression over the JSON document d.
jget() {
	/usr/bin/python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(json.dumps(eval(sys.argv[2]), separators=(",", ":")))' "$@"
}

mon() {
	make --no-print-directory -s -f "$PIPE/monitor.mk" \
	    MARE_BIN="$MARE_BUILDDIR" STATE=state BACKGROUND=2000 \
	    FEATURES=lq CV=3 "$@"
}

# arrive NAME: a batch lands in the inbox, newer than anything before.
arrive() {
	sleep 0.01
	cp "batches/$1.jsonl" "inbox/$1.jsonl"
}

@test "monitor: the test batches are what they claim (60 south, 93 + 93 north)" {
	run -0 wc -l batches/south.jsonl batches/north-a.jsonl batches/north-b.jsonl
	assert_line --index 0 --regexp '^ *60 batches/south.jsonl$'
	assert_line --index 1 --regexp '^ *93 batches/north-a.jsonl$'
	assert_line --index 2 --regexp '^ *93 batches/north-b.jsonl$'
	# Every southern record lies south of every northern one.
	run -0 /usr/bin/python3 -c '
import json
lat = lambda f: [json.loads(l)["decimalLatitude"] for l in open(f)]
print(max(lat("batches/south.jsonl")) < min(lat("batches/north-a.jsonl") + lat("batches/north-b.jsonl")))'
	assert_output True
}

@test "monitor: the first run trains; no new records and a no-drift batch do not retrain" {
	arrive north-a
	run -0 mon
	assert_output "$(printf '%s\n' '  batch: inbox/north-a.jsonl' \
	    'monitor: 93 new records, 93 valid' \
	    'monitor: no model yet: training the first one' \
	    'monitor: new model in state/model.json')"
	[[ -s state/model.json ]]
	cp -p state/model.json first.json
	run -0 mon
	assert_output "$(printf '%s\n' 'monitor: 0 new records, 0 valid' \
	    'monitor: no new records')"
	arrive north-b
	run -0 mon ALERT_CMD='cat >alerted'
	assert_output "$(printf '%s\n' '  batch: inbox/north-b.jsonl' \
	    'monitor: 93 new records, 93 valid' \
	    'monitor: no drift against state/model.json')"
	run -0 cmp state/model.json first.json
	[[ ! -e alerted && ! -e state/models ]]
	run -0 jget state/batch/drift.json 'd["dataset"]["drift"]'
	assert_output false
	run -0 cut -f 2- state/monitor.log
	assert_output "$(printf '%s\n' \
	    'new=93	valid=93	verdict=initial	retrained=yes' \
	    'new=0	valid=0	verdict=empty	retrained=no' \
	    'new=93	valid=93	verdict=none	retrained=no')"
	run -0 cmp state/records.jsonl <(cat batches/north-a.jsonl batches/north-b.jsonl)
}

@test "monitor: a drifted batch alerts, retrains on every record and replaces the model" {
	arrive north-a
	run -0 mon
	cp -p state/model.json first.json
	arrive south
	start_httpd
	mkdir prom
	MARE_DRIFT_ROUTING_KEY=k run -0 mon ALERT_CMD='cat >alerted' \
	    ALERT_URL="$HTTPD_URL/_echo" METRICS_DIR=prom
	assert_output "$(printf '%s\n' '  batch: inbox/south.jsonl' \
	    'monitor: 60 new records, 60 valid' \
	    'monitor: DRIFT against state/model.json: retraining' \
	    'monitor: new model in state/model.json')"
	run -0 jget alerted '[d["dataset"]["drift"], d["current"]["rows"]]'
	assert_output '[true,60]'
	# The PagerDuty event went to ALERT_URL; the gauges to METRICS_DIR.
	run -0 cut -f 1-3 "$HTTPD_LOG"
	assert_output "$(printf 'POST\t/_echo\t200')"
	run -0 grep '^mare_drift_dataset' prom/mare_drift.prom
	assert_output 'mare_drift_dataset 1'
	run -1 cmp -s state/model.json first.json
	# The old model is archived unchanged; the new one saw 93 + 60
	# presences (one per cell: the thinned count of the same records).
	run -0 sh -c 'cmp state/models/model-*.json first.json && ls state/models | wc -l'
	assert_output 1
	cat batches/north-a.jsonl batches/south.jsonl >both.jsonl
	unchecked mare-featurize -q --layers "$LAYERS" --features l \
	    --background 2000 -o both.tensor both.jsonl
	want=$(unchecked mare-tensor info both.tensor |
	    sed -n 's/.*"used":\([0-9]*\).*/\1/p')
	[[ $want -gt 140 ]]
	run -0 jget state/model.json 'd["training"]["presences"]'
	assert_output "$want"
	run -0 tail -n 1 state/monitor.log
	assert_output --regexp '	new=60	valid=60	verdict=drift	retrained=yes$'
}

@test "monitor: a failed retraining keeps the old model, the records and the watermark" {
	arrive north-a
	run -0 mon
	cp -p state/model.json first.json
	cp -p state/watermark first.watermark
	cp state/monitor.log first.log
	arrive south
	run -2 --separate-stderr mon MARE_TRAIN=false
	run -0 cmp state/model.json first.json
	run -0 cmp state/records.jsonl batches/north-a.jsonl
	run -0 cmp state/monitor.log first.log
	[[ ! state/watermark -nt first.watermark && ! -e state/models ]]
	# The next run takes the same batch again and retrains.
	run -0 mon
	assert_line --index 0 '  batch: inbox/south.jsonl'
	assert_line 'monitor: new model in state/model.json'
	run -1 cmp -s state/model.json first.json
}

@test "monitor: a run finding the lock held skips without touching anything" {
	arrive north-a
	mkdir state
	flock state/lock sleep 1.5 &
	sleep 0.3
	run -0 --separate-stderr mon
	assert_equal "$stderr" 'monitor: state/lock is held by another run; skipping this one'
	assert_output ''
	run ls -A state
	assert_output lock
	wait
}

@test "monitor: two overlapping runs: one works, the other skips" {
	cp batches/north-a.jsonl slow.jsonl
	mon SOURCE=command FETCH='sleep 2; cat slow.jsonl' UNTIL=2030-01-07 \
	    >run1.out 2>run1.err &
	sleep 0.5
	run -0 --separate-stderr mon SOURCE=command FETCH='cat slow.jsonl' UNTIL=2030-01-07
	assert_equal "$stderr" 'monitor: state/lock is held by another run; skipping this one'
	wait $!
	run -0 cat run1.out
	assert_line 'monitor: new model in state/model.json'
	run -0 grep -c '' state/monitor.log
	assert_output 1
	run -0 cat state/watermark
	assert_output 2030-01-07
}

@test "monitor: SOURCE=obis fetches from the day after the watermark to UNTIL" {
	cat >fetch <<'EOF'
#!/bin/sh
printf '%s\n' "$*" >>fetch.args
while [ $# -gt 1 ]; do [ "$1" = -o ] && : >"$2"; shift; done
EOF
	chmod +x fetch
	run -0 mon SOURCE=obis TAXON='Pterois volitans' MARE_FETCH=./fetch \
	    UNTIL=2030-01-07 FETCH_FLAGS='--bbox -84,20,-74,27'
	run -0 mon SOURCE=obis TAXON='Pterois volitans' MARE_FETCH=./fetch \
	    UNTIL=2030-01-14
	run -0 cat fetch.args
	assert_output "$(printf '%s\n' \
	    'obis --taxon Pterois volitans --start-date 1900-01-01 --end-date 2030-01-07 --bbox -84,20,-74,27 -q -o state/batch/new.jsonl' \
	    'obis --taxon Pterois volitans --start-date 2030-01-08 --end-date 2030-01-14 -q -o state/batch/new.jsonl')"
	run -0 cat state/watermark
	assert_output 2030-01-14
}

@test "monitor: an inbox batch older than the watermark is not taken again" {
	arrive north-a
	run -0 mon
	cp batches/north-b.jsonl inbox/old.jsonl
	touch -d '2000-01-01' inbox/old.jsonl
	run -0 mon
	assert_line 'monitor: no new records'
}

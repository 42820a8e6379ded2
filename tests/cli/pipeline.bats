#!/usr/bin/env bats
# pipeline.bats - pipelines/sdm.mk: reproducible to the byte, reruns
# exactly what a changed input or parameter invalidates, stops at a step;
# mare lineage follows the provenance of its report back to the data.
#
# A small model (linear and quadratic features, 2 folds) keeps it quick;
# the data are copies of pipelines/data so that touching them is safe.

load helper

setup_file() {
	export SOURCE_DATE_EPOCH=1700000000
	local d="$BATS_FILE_TMPDIR/data"
	cp -R "$MARE_SRCDIR/pipelines/data" "$d"
	chmod -R u+w "$d"	# make distcheck's source tree is read-only
	# the tests' own make, not the one running make check
	unset MAKEFLAGS MFLAGS MAKELEVEL
	cd "$BATS_FILE_TMPDIR"
	sdm OUT=a >a.log 2>&1 || { cat a.log >&3; return 1; }
	sdm OUT=b >b.log 2>&1 || { cat b.log >&3; return 1; }
}

# sdm ARGS...: run pipelines/sdm.mk on the copied data, small settings.
sdm() {
	${MAKE:-make} -f "$MARE_SRCDIR/pipelines/sdm.mk" \
	    MARE_BIN="$MARE_BUILDDIR" DATA="$BATS_FILE_TMPDIR/data" \
	    FEATURES=lq CV=2 TUNE= "$@"
}

# steps ARGS...: the steps `make -n` would run, one a line.
steps() {
	sdm -n "$@" | sed -n "s/^printf 'sdm: %-9s %s\\\\n' '\([a-z]*\)' '\(.*\)'$/\1 \2/p"
}

setup() {
	export SOURCE_DATE_EPOCH=1700000000
	unset MAKEFLAGS MFLAGS MAKELEVEL
	cd "$BATS_FILE_TMPDIR"
}

@test "pipeline: one line per step, then where the report is" {
	run -0 cat a.log
	assert_output "$(cat <<'EOF'
sdm: fetch     obis_export_2015_pterois_volitans_lionfish.csv -> records.jsonl
sdm: validate  records.jsonl -> valid.jsonl, rejects.jsonl, validation.json
sdm: featurize valid.jsonl + layers present/ -> train.tensor, spec.json
sdm: train     train.tensor -> model.json (maxent, features lq, regmult 1, 2-fold CV)
sdm: predict   model.json + layers present/ -> present.asc
sdm: project   model.json + layers rcp85-2075/ -> future.asc
sdm: featurize layers rcp85-2075/ -> future-env.tensor
sdm: drift     future-env.tensor vs model.json -> drift.json
sdm: report    -> report.html, report.txt
sdm: the report is a/report.html
EOF
)"
	# the real rejects: 3,672 records in, 824 kept in the region
	run -0 jq -c '[.records_in, .passed, .rejected]' a/validation.json
	assert_output '[3672,824,2848]'
	run -0 jq -c '.dataset.drift' a/drift.json
	assert_output 'true'
	grep -qF '<h2>Suitability maps</h2>' a/report.html
	grep -qF '<tr><td>DUPLICATE_RECORD</td><td class="n">171</td></tr>' a/report.html
	# the future's SST against the model's presences: +3.1 C
	grep -qF '<td>SST</td><td>ks</td><td class="n">1.0000</td><td class="n">0.05</td><td class="n">100.0%</td><td class="n">26.9735 → 30.1017 (+3.12819)</td>' a/report.html
}

@test "pipeline: two clean runs into two folders are byte-identical" {
	run -0 diff <(cd a && ls -A) <(cd b && ls -A)
	[[ $(cd a && ls -A | wc -l) -ge 25 ]]
	for f in $(cd a && ls -A); do
		cmp "a/$f" "b/$f"
	done
}

@test "pipeline: nothing to do after a run; each step stops early" {
	run -0 sdm -q OUT=a a/report.html a/report.txt
	run -0 sdm -q OUT=a report
	run -0 sdm OUT=c train
	[[ -f c/model.json && ! -e c/present.asc && ! -e c/report.html ]]
	run -0 steps OUT=c
	assert_output "$(printf '%s\n' \
	    'predict model.json + layers present/ -> present.asc' \
	    'project model.json + layers rcp85-2075/ -> future.asc' \
	    'featurize layers rcp85-2075/ -> future-env.tensor' \
	    'drift future-env.tensor vs model.json -> drift.json' \
	    'report -> report.html, report.txt')"
}

@test "pipeline: changing REGMULT retrains and re-reports, nothing before" {
	rm -rf r && cp -Rp a r
	run -0 steps OUT=r REGMULT=2
	assert_output "$(printf '%s\n' \
	    'train train.tensor -> model.json (maxent, features lq, regmult 2, 2-fold CV)' \
	    'predict model.json + layers present/ -> present.asc' \
	    'project model.json + layers rcp85-2075/ -> future.asc' \
	    'drift future-env.tensor vs model.json -> drift.json' \
	    'report -> report.html, report.txt')"
	run -0 sdm -s OUT=r REGMULT=2
	run -0 jq '.hyperparameters.regmult' r/model.json
	assert_output 2
	for f in records.jsonl valid.jsonl train.tensor future-env.tensor; do
		cmp "a/$f" "r/$f"
		[[ ! r/$f -nt a/$f ]]
	done
	run -0 cat r/.param-REGMULT
	assert_output 2
	run -0 sdm -q OUT=r REGMULT=2 report
	# back to 1: retrained to the first run's model
	run -0 sdm -s OUT=r REGMULT=1
	cmp a/model.json r/model.json
	run -0 sdm -q OUT=r report
}

@test "pipeline: mare lineage follows the report back to the data" {
	run -0 mare lineage a/report.html
	h() { sha256sum "$1" | cut -d' ' -f1; }
	local L="$BATS_FILE_TMPDIR/data/layers/present"
	assert_line --index 0 "a/report.html  $(h a/report.html)"
	assert_line --index 1 --partial '  $ mare-report -q --model model.json --map present.asc --map future.asc --drift drift.json --validation validation.json --occurrences valid.jsonl --title '\''Pterois volitans: habitat today'
	assert_line --index 2 "  a/model.json  $(h a/model.json)"
	assert_line --index 3 '    $ mare-train -q -m maxent --features lq --regmult 1 --cv 2 --seed 1 -o model.json train.tensor'
	assert_line --index 4 "    a/train.tensor  $(h a/train.tensor)"
	assert_line --index 5 "      \$ mare-featurize -q --layers $L --features l --seed 1 -R featurize-rejects.jsonl --spec-out spec.json -o train.tensor valid.jsonl"
	assert_line --index 6 "      $L/PAR.asc  $(h "$L/PAR.asc")"
	assert_line --index 10 "      a/valid.jsonl  $(h a/valid.jsonl)"
	assert_line --index 11 '        $ mare-validate -q --rules rules.json -R rejects.jsonl --summary validation.json -o valid.jsonl records.jsonl   # recorded in a/validation.json'
	assert_line --index 12 "        a/records.jsonl  $(h a/records.jsonl)"
	assert_line --index 13 "        a/rules.json  $(h a/rules.json)"
	assert_line --index 14 "  a/present.asc  $(h a/present.asc)"
	assert_line --index 16 "  a/valid.jsonl  $(h a/valid.jsonl)  (above)"
	assert_line --index 17 "  a/drift.json  $(h a/drift.json)"
	assert_line --index 18 '    $ mare-drift -q --reference model.json -o drift.json future-env.tensor'
	assert_line --index 19 "    a/model.json  $(h a/model.json)  (above)"
	assert_line --index 20 "    a/future-env.tensor  $(h a/future-env.tensor)"
	[[ ${#lines[@]} -eq 37 ]]
	run -0 mare lineage --format json a/model.json
	run -0 jq -r '[.status, .inputs[0].path, .inputs[0].inputs[-1].via] | join(" ")' <<<"$output"
	assert_output 'ok a/train.tensor a/validation.json'
}

@test "pipeline: mare lineage marks inputs missing or changed, exit 1" {
	rm -rf m && cp -Rp a m
	rm m/train.tensor
	printf 'x\n' >>m/rules.json
	run -1 mare lineage m/report.html
	assert_line --index 4 "    train.tensor  $(jq -r '.provenance.inputs[0].sha256' m/model.json)  NOT FOUND"
	assert_line --regexp '^    m/rules.json  [0-9a-f]{64}  CHANGED \(now [0-9a-f]{64}\)$'
	run -1 mare lineage --format json m/model.json
	run -0 jq -r '.inputs[0].status' <<<"$output"
	assert_output missing
	run -64 mare lineage --format yaml m/model.json
	assert_output --partial "invalid --format value 'yaml'"
	run -66 mare lineage m/none.html
	assert_output "mare: 'm/none.html': No such file or directory"
}

# Last: it touches the data the other tests share.
@test "pipeline: touching an input reruns exactly its dependants" {
	rm -rf t && cp -Rp a t
	touch data/layers/rcp85-2075/SST.asc
	run -1 sdm -q OUT=t report
	run -0 steps OUT=t
	assert_output "$(printf '%s\n' \
	    'project model.json + layers rcp85-2075/ -> future.asc' \
	    'featurize layers rcp85-2075/ -> future-env.tensor' \
	    'drift future-env.tensor vs model.json -> drift.json' \
	    'report -> report.html, report.txt')"
	touch data/layers/present/pH.asc
	run -0 steps OUT=t train
	assert_output "$(printf '%s\n' \
	    'featurize valid.jsonl + layers present/ -> train.tensor, spec.json' \
	    'train train.tensor -> model.json (maxent, features lq, regmult 1, 2-fold CV)')"
	touch data/lionfish/obis_export_2015_pterois_volitans_lionfish.csv
	run -0 steps OUT=t validate
	assert_output "$(printf '%s\n' \
	    'fetch obis_export_2015_pterois_volitans_lionfish.csv -> records.jsonl' \
	    'validate records.jsonl -> valid.jsonl, rejects.jsonl, validation.json')"
	# a rerun brings it up to date, to the same bytes
	run -0 sdm -s OUT=t
	for f in $(cd a && ls -A); do
		cmp "a/$f" "t/$f"
	done
	run -0 sdm -q OUT=t report
}

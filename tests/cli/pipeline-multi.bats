#!/usr/bin/env bats
# pipeline-multi.bats - pipelines/multi.mk over 100 synthetic species drawn
# from the bundled layers by pipelines/tools/synth-species, plus one broken
# species (an empty records file) that must fail alone under make -k; the
# summary table; parameter changes rerunning only their dependants; a
# species with too few presences and one whose model did not converge.
# Timing is bench/multi.sh's job, not this file's.

load helper

PIPE="$MARE_SRCDIR/pipelines"
# The bundled present-day layers (data/layers/present when the folder
# holds more than one stack).
LAYERS="$PIPE/data/layers"
[[ -d $LAYERS/present ]] && LAYERS+=/present
PY=/usr/bin/python3
# Small, fast models: the pipeline is under test here, not MaxEnt.
FAST=(BACKGROUND=2000 FEATURES=lq CV=3)

multi() {
	make --no-print-directory -f "$PIPE/multi.mk" MARE_BIN="$MARE_BUILDDIR" \
	    "${FAST[@]}" "$@"
}

setup_file() {
	$PY -c 'import numpy' 2>/dev/null || return 0
	unset MAKEFLAGS MFLAGS MAKELEVEL
	local w="$BATS_FILE_TMPDIR/big"
	mkdir -p "$w" && cd "$w" || return 1
	"$PIPE/tools/synth-species" --layers "$LAYERS" --out rec \
	    --count 100 --seed 3 --min 30 --max 80 --list list.txt
	: >rec/broken.jsonl
	echo broken >>list.txt
	export SOURCE_DATE_EPOCH=0
	local rc=0
	multi -k -j2 RECORDS=rec SPECIES_LIST=list.txt OUT=out \
	    >make.out 2>make.err || rc=$?
	echo $rc >make.rc
}

setup() {
	$PY -c 'import numpy' 2>/dev/null || skip "python3-numpy not installed"
	mkdir "$BATS_TEST_TMPDIR/w"
	cd "$BATS_TEST_TMPDIR/w"
	# the tests' own make, not the one running make check (whose
	# jobserver descriptors bats does not pass on)
	unset MAKEFLAGS MFLAGS MAKELEVEL
	export SOURCE_DATE_EPOCH=0
	BIG="$BATS_FILE_TMPDIR/big"
}

small() {
	"$PIPE/tools/synth-species" --layers "$LAYERS" --out rec \
	    --count 3 --seed 5 --min 40 --max 60 --list list.txt
}

@test "synth-species: the same seed gives the same files, byte for byte" {
	small
	mv rec rec1
	small
	run -0 diff -r rec1 rec
	run -0 cat list.txt
	assert_output "$(printf 'sp0001\nsp0002\nsp0003')"
	# Every presence of a species is a record of it inside the layers'
	# extent; the truth file names the species' 1 to 3 variables.
	run -0 $PY - <<'PY'
import json
for sp in ("sp0001", "sp0002", "sp0003"):
    recs = [json.loads(l) for l in open("rec/%s.jsonl" % sp)]
    t = json.load(open("rec/%s.truth.json" % sp))
    assert 40 <= len(recs) <= 60 and t["presences"] == len(recs), sp
    assert 1 <= len(t["variables"]) <= 3, t
    for r in recs:
        assert r["scientificName"] == "Synthetica " + sp
        assert -83.96371042 < r["decimalLongitude"] < -83.96371042 + 120 * 0.083
        assert 19.99211657 < r["decimalLatitude"] < 19.99211657 + 84 * 0.083
print("ok")
PY
	assert_output ok
}

@test "synth-species: presences sit where the known niche is suitable" {
	small
	# The layer values at the presences (sampled by mare-featurize) are
	# nearer the true optimum mu than the background's, in sd units.
	for sp in sp0001 sp0002 sp0003; do
		unchecked mare-featurize -q --layers "$LAYERS" \
		    --features l --no-thin -o "$sp.tensor" "rec/$sp.jsonl"
		unchecked mare-tensor to-jsonl -o "$sp.out.jsonl" "$sp.tensor"
	done
	run -0 $PY - <<'PY'
import json
for sp in ("sp0001", "sp0002", "sp0003"):
    t = json.load(open("rec/%s.truth.json" % sp))
    rows = [json.loads(l) for l in open("%s.out.jsonl" % sp)]
    for v, mu, s in zip(t["variables"], t["mu"], t["sigma"]):
        p = [abs(r[v] - mu) / s for r in rows if r["label"] == 1]
        b = [abs(r[v] - mu) / s for r in rows if r["label"] == 0]
        assert len(p) == t["presences"], (sp, len(p))
        assert sum(p) / len(p) < sum(b) / len(b), (sp, v)
print("ok")
PY
	assert_output ok
}

@test "multi: 100 species and a broken one under make -k -j2: only the broken one fails" {
	run cat "$BIG/make.rc"
	assert_output 2
	run -0 grep -c '' "$BIG/out/summary.tsv"
	assert_output 102
	run -0 awk -F'\t' 'NR > 1 && $2 == "ok"' "$BIG/out/summary.tsv"
	assert_equal "${#lines[@]}" 100
	run -0 awk -F'\t' '$2 != "ok"' "$BIG/out/summary.tsv"
	assert_output "$(printf '%s\n' \
	    'species	status	presences	background	cv_auc_mean	cv_auc_sd	cv_tss_mean	train_auc	features	nonzero	converged	reason' \
	    'broken	failed	NA	NA	NA	NA	NA	NA	NA	NA	NA	featurize: mare-featurize: no presences (rows with label 1) to fit on')"
	run -0 grep -c '^broken: ' "$BIG/make.err"
	assert_output 1
	run -0 tail -n 2 "$BIG/make.err"
	assert_line --index 0 'multi: 100 of 101 species ok, 1 failed, 0 not run; summary in out/summary.tsv'
	# Every good species has its model and map; the broken one has neither.
	run -0 sh -c "ls $BIG/out/sp*/model.json | wc -l; ls $BIG/out/sp*/suitability.asc | wc -l"
	assert_output "$(printf '100\n100')"
	[[ ! -e $BIG/out/broken/model.json && ! -e $BIG/out/broken/train.tensor ]]
}

@test "multi: the summary's rows are the models' own figures" {
	run -0 $PY - "$BIG/out" <<'PY'
import json, sys
out = sys.argv[1]
s = json.load(open(out + "/summary.json"))
assert s["species"] == 101 and s["counts"] == {"ok": 100, "failed": 1, "not-run": 0}, s["counts"]
tsv = [l.rstrip("\n").split("\t") for l in open(out + "/summary.tsv")]
assert tsv[0] == s["columns"]
for r, t in zip(s["rows"], tsv[1:]):
    assert r["species"] == t[0]
    if r["status"] != "ok":
        continue
    m = json.load(open("%s/%s/model.json" % (out, r["species"])))
    cv = m["cv"]["summary"]
    want = [m["training"]["presences"], m["maxent"]["background"],
            cv["auc_val"]["mean"], cv["auc_val"]["sd"], cv["max_tss"]["mean"],
            m["training"]["auc"], m["training"]["features"],
            m["training"]["nonzero"], m["convergence"]["converged"]]
    got = [r[c] for c in s["columns"][2:11]]
    assert got == want, (r["species"], got, want)
    assert t[4] == "%.4f" % want[2] and t[10] == "true", t
    assert m["cv"]["k"] == 3 and m["hyperparameters"]["classes"] == "lq"
print("ok")
PY
	assert_output ok
}

@test "multi: a second run does nothing for the species that succeeded" {
	cd "$BIG"
	run -0 multi -q RECORDS=rec SPECIES_LIST=list.txt OUT=out \
	    out/sp0001/metrics.json out/sp0100/metrics.json
	run -1 multi -q RECORDS=rec SPECIES_LIST=list.txt OUT=out species
	run -0 multi -n RECORDS=rec SPECIES_LIST=list.txt OUT=out V=1 species
	assert_output --partial 'out/broken/train.tensor'
	refute_output --regexp 'sp[0-9]{4}'
}

@test "multi: REGMULT retrains without re-featurizing; SEED re-featurizes" {
	small
	printf 'sp0001\n' >one.txt
	run -0 multi RECORDS=rec SPECIES_LIST=one.txt OUT=out
	run -0 multi -n RECORDS=rec SPECIES_LIST=one.txt OUT=out REGMULT=2 V=1 species
	assert_output --partial 'mare-train -q -m maxent'
	assert_output --partial '--features lq --regmult 2 --cv 3'
	assert_output --partial 'mare-predict'
	refute_output --partial 'mare-featurize'
	refute_output --partial 'mare-validate'
	run -0 multi -n RECORDS=rec SPECIES_LIST=one.txt OUT=out SEED=2 V=1 species
	assert_output --partial 'mare-featurize -q'
	refute_output --partial 'mare-validate'
	# Touching the records reruns the whole chain of that species.
	touch rec/sp0001.jsonl
	run -0 multi -n RECORDS=rec SPECIES_LIST=one.txt OUT=out V=1 species
	assert_output --partial 'mare-validate'
}

@test "multi: a changed layer re-featurizes and re-maps; one layer fewer too" {
	small
	printf 'sp0001\n' >one.txt
	mkdir lay
	cp "$LAYERS"/*.asc lay/
	run -0 multi RECORDS=rec SPECIES_LIST=one.txt OUT=out LAYERS=lay
	run -0 multi -q RECORDS=rec SPECIES_LIST=one.txt OUT=out LAYERS=lay species
	first=$(ls lay/*.asc | head -n 1)
	touch "$first"
	run -0 multi -n RECORDS=rec SPECIES_LIST=one.txt OUT=out LAYERS=lay V=1 species
	assert_output --partial 'mare-featurize -q'
	assert_output --partial 'mare-predict -q'
	refute_output --partial 'mare-validate'
	run -0 multi RECORDS=rec SPECIES_LIST=one.txt OUT=out LAYERS=lay species
	# One layer fewer: the parameters changed, so the chain reruns.
	rm "$first"
	run -1 multi -q RECORDS=rec SPECIES_LIST=one.txt OUT=out LAYERS=lay species
}

@test "multi: too few presences and a model that did not converge fail their species only" {
	small
	printf 'sp0001\nsp0002\nnone\n' >two.txt
	run -2 --separate-stderr multi -k RECORDS=rec SPECIES_LIST=two.txt \
	    OUT=out MIN_PRESENCES=1000
	run -0 cut -f 1,2,12 out/summary.tsv
	assert_output "$(printf '%s\n' 'species	status	reason' \
	    "sp0001	failed	presences: too few presences: $(wc -l <rec/sp0001.jsonl) < 1000" \
	    "sp0002	failed	presences: too few presences: $(wc -l <rec/sp0002.jsonl) < 1000" \
	    'none	failed	records: rec/none.jsonl: no such file')"
	# One iteration at the tightest tolerance does not converge: failed,
	# the model kept.
	run -2 --separate-stderr multi -k RECORDS=rec SPECIES_LIST=two.txt \
	    OUT=out TRAIN_FLAGS='--max-iter 1 --tol 1e-15'
	run -0 cut -f 1,2,12 out/summary.tsv
	assert_line --index 1 --regexp '^sp0001	failed	metrics: multi-summary: out/sp0001/model.json: model did not converge \(1 iterations\)$'
	[[ -s out/sp0001/model.json && ! -e out/sp0001/metrics.json ]]
	# Allowed, the same models count; the FAILED marks go.
	run -2 --separate-stderr multi -k RECORDS=rec SPECIES_LIST=two.txt \
	    OUT=out TRAIN_FLAGS='--max-iter 1 --tol 1e-15' ALLOW_NONCONVERGED=yes
	run -0 cut -f 1,2,11 out/summary.tsv
	assert_output "$(printf '%s\n' 'species	status	converged' \
	    'sp0001	ok	false' 'sp0002	ok	false' 'none	failed	NA')"
	[[ ! -e out/sp0001/FAILED ]]
}

@test "multi: a missing species list is one clear error" {
	run -2 multi SPECIES_LIST=nope.txt
	assert_output --partial 'nope.txt: no such species list (set SPECIES_LIST, or make synth)'
}

@test "multi: make synth writes N species and the list" {
	run -0 multi synth N=4 RECORDS=s SPECIES_LIST=s/list.txt
	run -0 cat s/list.txt
	assert_output "$(printf 'sp0001\nsp0002\nsp0003\nsp0004')"
}

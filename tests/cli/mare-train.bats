#!/usr/bin/env bats
# mare-train.bats - fitting on the real lionfish table (tests/data/train):
# golden model files byte for byte, the CV table, and bad inputs (exit
# code, one line on stderr, no output file left behind)

load helper

PY=/usr/bin/python3
SWD="$DATA/train/swd.jsonl"
COLS=label,SST_present_crop,salinity_present_crop,PAR_present_crop,pH_present_crop,currentspeed_present_crop,lon,lat

setup() {
	mkdir "$BATS_TEST_TMPDIR/w"
	cd "$BATS_TEST_TMPDIR/w"
	export SOURCE_DATE_EPOCH=0
}

tensor() {
	run -0 --separate-stderr unchecked mare-tensor from-jsonl -q --dtype f8 \
	    --columns "$1" -o "$2" "$SWD"
}

only_files() {
	run ls -A "$BATS_TEST_TMPDIR/w"
	assert_output "$(printf '%s\n' "$@" | sort)"
}

@test "train: logistic L2 with 3-fold CV gives the golden model, byte for byte" {
	tensor "$COLS" swd.tensor
	run -0 --separate-stderr mare-train -m logistic --penalty l2 \
	    --seed 7 --cv 3 swd.tensor -o logistic.json
	local log=("${stderr_lines[@]}")
	run cmp logistic.json "$DATA/train/golden-logistic.json"
	assert_success
	[[ ${log[0]} =~ ^fold\ +AUCtr\ +AUCval ]]
	[[ ${log[4]} =~ ^mean\ +0\.7368\ +0\.7324\  ]]
	assert_equal "${log[-1]}" "mare-train: logistic: 8789 rows (246 presences), 5 features, 5 non-zero; training AUC 0.7353"
}

@test "train: maxent lq gives the golden model, byte for byte" {
	tensor "$COLS" swd.tensor
	run -0 --separate-stderr mare-train -q -m maxent --features lq \
	    swd.tensor -o maxent-lq.json
	assert_equal "$stderr" ""
	run cmp maxent-lq.json "$DATA/train/golden-maxent-lq.json"
	assert_success
}

# own_blas CMD...: CMD with the processor's own OpenBLAS kernels, not the
# Haswell ones helper.bash pins for the goldens
own_blas() { (unset OPENBLAS_CORETYPE; "$@"); }

# Any kernels must give the golden models but for rounding, and the same
# bytes on every run. convergence.kkt, the largest KKT violation at the
# optimum, is rounding noise near zero: left out.
@test "train: the processor's own BLAS kernels give the golden models to 1e-9, the same bytes twice" {
	local close=("$PY" "$MARE_SRCDIR/tests/cli/json-close.py")
	tensor "$COLS" swd.tensor
	run -0 --separate-stderr own_blas mare-train -q -m maxent \
	    --features lq swd.tensor -o a.json
	mv a.json b.json
	run -0 --separate-stderr own_blas mare-train -q -m maxent \
	    --features lq swd.tensor -o a.json
	run -0 cmp a.json b.json
	run -0 "${close[@]}" a.json "$DATA/train/golden-maxent-lq.json" 1e-9 \
	    --skip .provenance --skip .convergence.kkt
	run -0 --separate-stderr own_blas mare-train -q -m logistic \
	    --penalty l2 --seed 7 --cv 3 swd.tensor -o l.json
	run -0 "${close[@]}" l.json "$DATA/train/golden-logistic.json" 1e-9 \
	    --skip .provenance --skip .convergence.kkt
	# and the comparison can fail
	run -1 "${close[@]}" a.json "$DATA/train/golden-logistic.json" 1e-9 \
	    --skip .provenance
	assert_output --partial ".type: 'maxent' against 'logistic'"
	jq '.link.intercept *= 1.000001' a.json > c.json
	run -1 "${close[@]}" c.json "$DATA/train/golden-maxent-lq.json" 1e-9 \
	    --skip .provenance --skip .convergence.kkt
	assert_output --partial "at .link.intercept"
}

@test "train: --spec with a golden model's spec refits that model" {
	# the spec's variables are taken from the table by name; lon and lat
	# are then left out as any column the spec does not name
	tensor "$COLS" swd.tensor
	jq .features "$DATA/train/golden-maxent-lq.json" > lq.json
	run -0 --separate-stderr mare-train -q -m maxent --spec lq.json \
	    swd.tensor -o m.json
	assert_equal "$stderr" ""
	run -0 diff <(jq -S 'del(.provenance)' m.json) \
	    <(jq -S 'del(.provenance)' "$DATA/train/golden-maxent-lq.json")
	jq .features "$DATA/train/golden-logistic.json" > l.json
	run -0 --separate-stderr mare-train -q -m logistic --penalty l2 \
	    --seed 7 --cv 3 --spec l.json swd.tensor -o m.json
	run -0 diff <(jq -S 'del(.provenance)' m.json) \
	    <(jq -S 'del(.provenance)' "$DATA/train/golden-logistic.json")
	only_files swd.tensor lq.json l.json m.json
}

@test "train: maxent default features give the same bytes on 1 and 2 threads" {
	tensor "$COLS" swd.tensor
	run -0 --separate-stderr heavy mare-train -q --threads 1 -m maxent \
	    swd.tensor -o m1.json
	run -0 --separate-stderr heavy mare-train -q --threads 2 -m maxent \
	    swd.tensor -o m2.json
	run -0 diff <(jq -S 'del(.provenance)' m1.json) \
	    <(jq -S 'del(.provenance)' m2.json)
}

@test "train: --metrics-file has the wall time of every phase" {
	# every 8th row: the phases are what is checked, not the fit
	awk 'NR % 8 == 1' "$SWD" >few.jsonl
	run -0 --separate-stderr unchecked mare-tensor from-jsonl -q --dtype f8 \
	    --columns "$COLS" -o few.tensor few.jsonl
	run -0 --separate-stderr mare-train -q -m maxent --features lq --cv 2 \
	    --metrics-file m.prom few.tensor -o m.json
	run -0 sed -n 's/^mare_train_phase_seconds{phase="\([a-z]*\)"} [0-9.e-]*$/\1/p' m.prom
	assert_output "$(printf '%s\n' read features fit figures cv importance \
	    profile save)"
	run -0 grep -c '^# TYPE mare_train_phase_seconds gauge$' m.prom
	assert_output 1
}

# Presences beyond the background (swd's presences above the median
# presence SST, background at or below it) and --no-add-samples (maxnet's
# addsamplestobackground = FALSE): the links reach 2234, where maxnet's own
# transforms overflow (NaN entropy and predictions). The references are R
# glmnet's fit with maxnet's call on mare's design (separable-glmnet.txt;
# tests/data/train/README.md).
@test "train: maxent converges on presences beyond the background, where maxnet's outputs overflow" {
	cut=26.9451274035943
	jq -c "select((.label == 1 and .SST_present_crop > $cut) or
	    (.label == 0 and .SST_present_crop <= $cut))" "$SWD" >sep.jsonl
	run -0 --separate-stderr unchecked mare-tensor from-jsonl -q --dtype f8 \
	    --columns "$COLS" -o sep.tensor sep.jsonl
	run -0 --separate-stderr mare-train -q -m maxent --features lq \
	    --no-add-samples sep.tensor -o m.json
	assert_equal "$stderr" ""
	ref="$DATA/train/separable-glmnet.txt"
	run -0 grep -c '^maxnet_entropy NaN$' "$ref"
	run -0 jq -c --arg sel "$(sed -n 's/^selected //p' "$ref")" \
	    --argjson obj "$(sed -n 's/^objective //p' "$ref")" \
	    --argjson H "$(sed -n 's/^entropy //p' "$ref")" \
	    '[.convergence.converged, .maxent.added_presences,
	    ([.features.features[].name] as $n | [.link.beta | to_entries[] |
	    select(.value != 0) | $n[.key]] | join(" ") == $sel),
	    ((.convergence.objective - $obj) / $obj | fabs < 1e-5),
	    ((.entropy - $H) | fabs < 1e-4)]' m.json
	assert_output '[true,0,true,true,true]'
	# every prediction is a number in [0, 1]
	run -0 --separate-stderr mare-predict -q -m m.json --field p sep.jsonl
	run -0 jq -s '[.[].p | select(type == "number" and . >= 0 and . <= 1)]
	    | length' <<<"$output"
	assert_output 2900
}

@test "train: a tensor without a label column exits 65" {
	tensor SST_present_crop,salinity_present_crop x.tensor
	run -65 --separate-stderr mare-train -m maxent x.tensor -o m.json
	assert_equal "$stderr" "mare-train: x.tensor: no label column 'label'"
	only_files x.tensor
}

@test "train: all labels equal exits 65" {
	tensor lon,SST_present_crop x.tensor
	run -65 --separate-stderr mare-train -m logistic --label lon \
	    x.tensor -o m.json
	assert_equal "$stderr" "mare-train: x.tensor: row 1: label -80.0663 is not 0 or 1"
	printf '{"label":0,"a":1,"b":2}\n{"label":0,"a":2,"b":1}\n' |
	    unchecked mare-tensor from-jsonl -q --columns label,a,b -o z.tensor
	run -65 --separate-stderr mare-train -m logistic z.tensor -o m.json
	assert_equal "$stderr" "mare-train: z.tensor: all 2 labels are 0: need both presences (1) and absences (0)"
	only_files x.tensor z.tensor
}

@test "train: NaN or Inf in a variable exits 65 naming row and column" {
	# from-jsonl has no NaN or Inf to write: numpy's .npy through from-npy
	run -0 "$PY" -c "import numpy as np
a = np.array([[1, 1, 2], [0, 4, 1], [1, 3, 0], [0, 0, 5]], dtype='<f8')
for name, r, c, v in (('nan', 1, 1, np.nan), ('inf', 2, 2, np.inf),
                      ('ninf', 3, 1, -np.inf)):
    b = a.copy()
    b[r, c] = v
    np.save(name + '.npy', b)"
	for f in nan inf ninf; do
		run -0 --separate-stderr unchecked mare-tensor from-npy -q \
		    --columns label,a,b -o $f.tensor $f.npy
		rm $f.npy
	done
	for m in logistic maxent poisson; do
		run -65 --separate-stderr mare-train -m $m nan.tensor -o m.json
		assert_equal "$stderr" "mare-train: nan.tensor: row 2: 'a': not a finite number"
		run -65 --separate-stderr mare-train -m $m inf.tensor -o m.json
		assert_equal "$stderr" "mare-train: inf.tensor: row 3: 'b': not a finite number"
		run -65 --separate-stderr mare-train -m $m ninf.tensor -o m.json
		assert_equal "$stderr" "mare-train: ninf.tensor: row 4: 'a': not a finite number"
	done
	# with a spec the rows go through it (linear: as they are; lq: its
	# features) without the constant-column pass: the same message
	printf '{"label":1,"a":1,"b":2}\n{"label":0,"a":4,"b":1}\n{"label":1,"a":3,"b":0}\n{"label":0,"a":0,"b":5}\n' |
	    unchecked mare-tensor from-jsonl -q --dtype f8 --columns label,a,b -o ok.tensor
	for c in l lq; do
		run -0 mare-train -q -m maxent --features $c ok.tensor -o s.json
		jq .features s.json > spec.json
		rm s.json
		run -65 --separate-stderr mare-train -m logistic --spec spec.json \
		    nan.tensor -o m.json
		assert_equal "$stderr" "mare-train: nan.tensor: row 2: 'a': not a finite number"
		run -65 --separate-stderr mare-train -m maxent --spec spec.json \
		    inf.tensor -o m.json
		assert_equal "$stderr" "mare-train: inf.tensor: row 3: 'b': not a finite number"
	done
	only_files nan.tensor inf.tensor ninf.tensor ok.tensor spec.json
}

@test "train: a constant variable is dropped with a warning" {
	printf '{"label":1,"a":1,"b":5}\n{"label":0,"a":2,"b":5}\n{"label":1,"a":3,"b":5}\n{"label":0,"a":0,"b":5}\n' |
	    unchecked mare-tensor from-jsonl -q --columns label,a,b -o z.tensor
	run -0 --separate-stderr mare-train -m logistic z.tensor -o m.json
	assert_equal "${stderr_lines[0]}" "mare-train: warning: z.tensor: variable 'b' is constant (5): dropped"
}

@test "train: --cv larger than the presences exits 65" {
	printf '{"label":1,"a":1}\n{"label":0,"a":2}\n{"label":1,"a":3}\n{"label":0,"a":0}\n' |
	    unchecked mare-tensor from-jsonl -q --columns label,a -o z.tensor
	run -65 --separate-stderr mare-train -m logistic --cv 5 z.tensor -o m.json
	assert_equal "$stderr" "mare-train: z.tensor: --cv 5: only 2 presences, each fold needs one"
	only_files z.tensor
}

@test "train: maxent refuses --lambda (exit 64)" {
	run -64 --separate-stderr mare-train -m maxent --lambda 1
	assert_equal "${stderr_lines[0]}" "mare-train: maxent sets its own penalties: use --regmult, not --lambda, -C or --penalty"
}

@test "train: --folds-column takes the user's folds; 0 is never held out" {
	# folds 1 2 1 0 1 2 2 0 2: fold 1 holds out 3 rows (6 train), fold 2
	# holds out 4 (5 train); presences in fold 1: rows 1, 5; fold 2: 2, 9
	for r in '1 1 1' '1 2 2' '0 3 1' '1 4 0' '1 5 1' '0 6 2' '0 7 2' \
	    '0 8 0' '1 9 2'; do
		set -- $r
		printf '{"label":%s,"a":%s,"f":%s}\n' "$1" "$(( ($2 * 7) % 5 ))" "$3"
	done | unchecked mare-tensor from-jsonl -q --columns label,a,f -o z.tensor
	run -0 --separate-stderr mare-train -q -m logistic --folds-column f \
	    z.tensor -o m.json
	run -0 jq -c '[.cv.scheme, .cv.k, [.cv.folds[] | .train_rows,
	    .test_presences], .training.features]' m.json
	assert_output '["user",2,[6,2,5,2],1]'
	run -64 --separate-stderr mare-train -m logistic --folds-column f \
	    --cv-scheme block z.tensor -o m.json
	assert_equal "${stderr_lines[0]}" "mare-train: --folds-column and --cv-scheme user go together"
	run -65 --separate-stderr mare-train -m logistic --folds-column g \
	    z.tensor -o m.json
	assert_equal "$stderr" "mare-train: z.tensor: no folds column 'g'"
}

# presences per fold counted independently in Python: floor((lon + 180) / g),
# floor((90 - lat) / g), parity, for g = 0.5 and 1 (see tests/data/train/README.md)
@test "train: checkerboards on the lionfish points" {
	tensor "$COLS" swd.tensor
	run -0 --separate-stderr mare-train -q -m maxent --features l \
	    --cv-scheme checkerboard1 --cv-grid 0.5 swd.tensor -o m.json
	run -0 jq -c '[.cv.scheme, .cv.k, [.cv.folds[].test_presences]]' m.json
	assert_output '["checkerboard1",2,[125,121]]'
	run -0 --separate-stderr heavy mare-train -q -m maxent --features l \
	    --cv-scheme checkerboard2 --cv-grid 0.5 swd.tensor -o m.json
	run -0 jq -c '[.cv.scheme, .cv.k, [.cv.folds[].test_presences]]' m.json
	assert_output '["checkerboard2",4,[67,58,61,60]]'
	run -64 --separate-stderr mare-train -m maxent \
	    --cv-scheme checkerboard swd.tensor -o m.json
	assert_equal "${stderr_lines[0]}" "mare-train: --cv-scheme checkerboard1 needs --cv-grid, the cell size in degrees"
}

# AICc reference 4266.00231423622 (regmult 1) and 4268.192247083298
# (regmult 2): computed in Python from mare-predict's exponential output at
# the 246 presences (see tests/data/train/README.md)
@test "train: --tune regmult cross-validates each cell; AICc as ENMeval" {
	tensor "$COLS" swd.tensor
	run -0 --separate-stderr heavy mare-train -m maxent --features lq \
	    --tune regmult=1,2 --seed 3 swd.tensor -o m.json
	[[ ${stderr_lines[0]} =~ ^features\ +regmult\ +AUCval ]]
	[[ ${stderr_lines[2]} =~ ^lq\ +2\ .*\ 4268\.19\ +6\ \*$ ]]
	run -0 jq -c '[.tuning.metric, .tuning.selected,
	    [.tuning.rows[] | .regmult, .features, .nonzero, .converged],
	    .hyperparameters.regmult, (.tuning.rows[1].auc_val_mean ==
	    .cv.summary.auc_val.mean)]' m.json
	assert_output '["auc_val",1,[1,"lq",6,true,2,"lq",6,true],2,true]'
	run -0 jq '.tuning.rows[] | .aicc' m.json
	assert_output "$(printf '4266.00231423622\n4268.192247083298')"
	run -0 --separate-stderr heavy mare-train -q -m maxent --features lq \
	    --tune regmult=1,2 --select aicc --seed 3 swd.tensor -o m.json
	run -0 jq -c '[.tuning.metric, .tuning.selected,
	    .hyperparameters.regmult]' m.json
	assert_output '["aicc",0,1]'
}

# the tests above run their fits unchecked under check-valgrind (heavy);
# this one takes the same tuning path on 600 rows, under valgrind there
@test "train: --tune on a small table keeps each cell's CV and refits the best" {
	{ head -n 100 "$SWD"; sed -n '247,746p' "$SWD"; } >small.jsonl
	unchecked mare-tensor from-jsonl -q --dtype f8 --columns "$COLS" \
	    -o small.tensor small.jsonl
	run -0 --separate-stderr mare-train -q -m maxent --features l \
	    --tune regmult=1,4 --cv 3 --seed 3 small.tensor -o m.json
	assert_equal "$stderr" ""
	run -0 jq -c '[.tuning.metric, (.tuning.rows | length),
	    [.tuning.rows[] | .regmult, .features, .converged],
	    .hyperparameters.regmult == .tuning.rows[.tuning.selected].regmult,
	    .tuning.rows[.tuning.selected].auc_val_mean ==
	    .cv.summary.auc_val.mean, .cv.k]' m.json
	assert_output '["auc_val",2,[1,"l",true,4,"l",true],true,true,3]'
	# cells run in parallel on --threads; the model does not change
	run -0 --separate-stderr mare-train -q -m maxent --features l \
	    --tune regmult=1,4 --cv 3 --seed 3 --threads 1 small.tensor \
	    -o m1.json
	run -0 diff <(jq -S 'del(.provenance)' m.json) \
	    <(jq -S 'del(.provenance)' m1.json)
}

@test "train: --tune features refits the spec per cell; bad --tune exits 64" {
	tensor "$COLS" swd.tensor
	run -0 --separate-stderr heavy mare-train -q -m maxent \
	    --tune 'features=l,lq;regmult=1' swd.tensor -o m.json
	run -0 jq -c '[[.tuning.rows[] | .features, .nonzero],
	    .hyperparameters.classes]' m.json
	assert_output '[["l",5,"lq",6],"lq"]'
	run -64 --separate-stderr mare-train -m maxent --tune 'fc=l' \
	    swd.tensor -o m.json
	assert_equal "${stderr_lines[0]}" "mare-train: invalid --tune parameter 'fc': expected regmult, lambda or features"
	run -64 --separate-stderr mare-train -m logistic --tune 'regmult=1' \
	    swd.tensor -o m.json
	assert_equal "${stderr_lines[0]}" "mare-train: --tune regmult is for maxent"
	run -64 --separate-stderr mare-train -m maxent --tune 'features=lx' \
	    swd.tensor -o m.json
	assert_equal "${stderr_lines[0]}" "mare-train: invalid --tune features value 'lx': expected default or letters of lqpht"
}

@test "train: the ROC curve in the model is scikit-learn's, thinned" {
	tensor "$COLS" swd.tensor
	run -0 --separate-stderr heavy mare-train -q -m maxent --features lqh \
	    --seed 5 swd.tensor -o m.json
	run -0 jq -r '.roc.train | [.fpr, .tpr] | transpose[] | @csv' m.json
	printf '%s\n' "$output" > model-roc.csv
	assert_equal "${#lines[@]}" 200
	assert_equal "${lines[0]}" "0,0"
	assert_equal "${lines[199]}" "1,1"
	# every point of the thinned curve is a point of sklearn's, in order
	run awk -F, 'NR == FNR { f[NR] = $1; t[NR] = $2; n = NR; next }
	    { while (j < n && !(f[j + 1] == $1 && t[j + 1] == $2)) j++
	      if (j == n) { print "not on the curve: " $0; exit 1 } }
	    END { print "ok" }' "$DATA/train/roc/sklearn-roc.csv" model-roc.csv
	assert_output ok
	run -0 jq -r --argjson ref "$(cat "$DATA/train/roc/sklearn-auc.txt")" \
	    '(.roc.train.auc - $ref) | fabs < 1e-12' m.json
	assert_output true
	run -0 jq -c '[.roc.cv, (.importance | length),
	    ([.importance[].permutation] | add | . * 1e9 | round)]' m.json
	assert_output '[null,5,100000000000]'
}

@test "train: a 1.0 model file without tuning, roc, importance still loads" {
	jq -c 'del(.tuning, .roc, .importance) | .version = "1.0"' \
	    "$DATA/train/golden-maxent-lq.json" > old.json
	head -n 3 "$SWD" > rows.jsonl
	run -0 --separate-stderr mare-predict -q -m old.json --field p rows.jsonl
	old=$output
	run -0 --separate-stderr mare-predict -q \
	    -m "$DATA/train/golden-maxent-lq.json" --field p rows.jsonl
	assert_equal "$output" "$old"
	jq -c '.roc = 3' "$DATA/train/golden-maxent-lq.json" > bad.json
	run -65 --separate-stderr mare-predict -q -m bad.json rows.jsonl
	assert_equal "$stderr" "mare-predict: bad.json: \$.roc: expected an object or null"
}

@test "train: a tensor of mare-featurize's derived features is refused, with the way out" {
	unchecked mare-featurize -q --layers "$DATA/grid/crop" --features lq \
	    --seed 1 -o f.tensor "$DATA/tensor/presences.jsonl"
	spec=$(unchecked mare-tensor info f.tensor | sed -n 's/^spec: *//p')
	run -65 --separate-stderr mare-train -m maxent f.tensor -o m.json
	assert_equal "$stderr" "mare-train: f.tensor: holds mare-featurize's 'lq' features (spec ${spec:0:12}), not raw variables: mare-train makes the features itself; featurize with --features l and train with --features lq"
	only_files f.tensor
	# raw variables (--features l) train as before
	unchecked mare-featurize -q --layers "$DATA/grid/crop" --features l \
	    --seed 1 -o l.tensor "$DATA/tensor/presences.jsonl"
	run -0 --separate-stderr mare-train -q -m maxent --features lq \
	    l.tensor -o m.json
}

@test "train: block CV of a tensor without lon/lat names the missing columns" {
	tensor label,SST_present_crop,salinity_present_crop x.tensor
	run -65 --separate-stderr mare-train -m logistic --cv-scheme block \
	    -o m.json x.tensor
	assert_equal "$stderr" "mare-train: x.tensor: --cv-scheme block needs lon and lat columns"
	only_files x.tensor
}

# reference: tests/data/ref/offset_ref.csv, R glmnet with the same offset
# (Rscript make_ref_offset.R, see tests/data/ref/README.md)
@test "train: poisson --offset gives glmnet's fit and dev.ratio" {
	jq -c '.off = (.currentspeed_present_crop | log)' "$SWD" >s.jsonl
	unchecked mare-tensor from-jsonl -q --dtype f8 --columns \
	    label,SST_present_crop,salinity_present_crop,PAR_present_crop,pH_present_crop,off \
	    -o s.tensor s.jsonl
	run -0 --separate-stderr mare-train -m poisson --penalty l1 \
	    --lambda 0.001 --tol 1e-12 --offset off --cv 3 s.tensor -o m.json
	assert_equal "${stderr_lines[-1]}" "mare-train: poisson: 8789 rows (246 with counts > 0), 4 features, 3 non-zero; training deviance explained 0.0949"
	ref=$(tail -n 1 "$DATA/ref/offset_ref.csv")
	run -0 jq -r --arg ref "$ref" '($ref | split(",") | map(tonumber)) as $r |
	    [.link.intercept] + .link.beta + [.training.deviance_explained] |
	    to_entries | map(if $r[.key] == 0 then .value == 0 else
	    ((.value - $r[.key]) / $r[.key] | fabs) < 1e-6 end) | all' m.json
	assert_output true
	run -0 jq -c '[.hyperparameters.offset, (.cv.folds | length),
	    ([.cv.folds[].deviance_explained | . > 0 and . < 0.2] | all)]' m.json
	assert_output '["off",3,true]'
	# without --offset, off is one more variable
	run -0 --separate-stderr mare-train -q -m poisson --penalty l1 \
	    --lambda 0.001 --tol 1e-12 s.tensor -o plain.json
	run -0 jq -c '[.training.features, .hyperparameters.offset]' plain.json
	assert_output '[5,null]'
}

@test "train: --offset is for poisson, and must name a column" {
	tensor "$COLS" swd.tensor
	run -64 --separate-stderr mare-train -m logistic --offset lon \
	    swd.tensor -o m.json
	assert_equal "${stderr_lines[0]}" "mare-train: --offset is for poisson"
	run -65 --separate-stderr mare-train -m poisson --offset exposure \
	    swd.tensor -o m.json
	assert_equal "$stderr" "mare-train: swd.tensor: no offset column 'exposure'"
	only_files swd.tensor
}

# each cell of the table is the CV of a plain run at that lambda
@test "train: --tune lambda for logistic: each cell is its lambda's own CV" {
	tensor "$COLS" swd.tensor
	run -0 --separate-stderr mare-train -m logistic --penalty l1 \
	    --tune lambda=0.0001,0.001,0.01 --cv 3 --seed 2 swd.tensor -o t.json
	[[ ${stderr_lines[0]} =~ ^features\ +lambda\ +AUCval ]]
	[[ ${stderr_lines[2]} =~ \ \*$ ]]
	for lam in 0.0001 0.001 0.01; do
		run -0 --separate-stderr mare-train -q -m logistic \
		    --penalty l1 --lambda $lam --cv 3 --seed 2 swd.tensor \
		    -o l.json
		run -0 jq -r --slurpfile t t.json --argjson lam $lam \
		    '.cv.summary.auc_val.mean == ($t[0].tuning.rows[] |
		    select(.lambda == $lam) | .auc_val_mean)' l.json
		assert_output true
	done
	# the selected cell has the highest mean validation AUC
	run -0 jq -c '[.tuning.selected == ([.tuning.rows[].auc_val_mean] |
	    index(max)), .hyperparameters.lambda ==
	    .tuning.rows[.tuning.selected].lambda,
	    [.tuning.rows[].regmult]]' t.json
	assert_output '[true,true,[null,null,null]]'
}

@test "train: --tune lambda for poisson selects by deviance explained" {
	jq -c '.off = (.currentspeed_present_crop | log)' "$SWD" >s.jsonl
	unchecked mare-tensor from-jsonl -q --dtype f8 --columns \
	    label,SST_present_crop,salinity_present_crop,PAR_present_crop,pH_present_crop,off \
	    -o s.tensor s.jsonl
	run -0 --separate-stderr mare-train -q -m poisson --penalty l1 \
	    --offset off --tune lambda=0.0001,0.01 --cv 3 s.tensor -o p.json
	run -0 jq -c '[.tuning.metric, .tuning.selected == ([.tuning.rows[] |
	    .deviance_mean] | index(max)), (.tuning.rows | length)]' p.json
	assert_output '["deviance",true,2]'
	run -64 --separate-stderr mare-train -m poisson --select auc_val \
	    s.tensor -o p.json
	assert_equal "${stderr_lines[0]}" "mare-train: poisson models are selected by --select deviance"
	run -64 --separate-stderr mare-train -m logistic --select deviance \
	    s.tensor -o p.json
	assert_equal "${stderr_lines[0]}" "mare-train: --select deviance is for poisson"
	run -64 --separate-stderr mare-train -m maxent --tune lambda=1 \
	    s.tensor -o p.json
	assert_equal "${stderr_lines[0]}" "mare-train: --tune lambda is for logistic and poisson (maxent: --tune regmult)"
	run -64 --separate-stderr mare-train -m logistic --lambda 1 \
	    --tune lambda=1,2 s.tensor -o p.json
	assert_equal "${stderr_lines[0]}" "mare-train: --tune lambda excludes --lambda and --cost"
	run -64 --separate-stderr mare-train -m logistic \
	    --tune 'lambda=1;regmult=2' s.tensor -o p.json
	assert_equal "${stderr_lines[0]}" "mare-train: --tune: regmult and lambda exclude each other"
}

@test "train: the model is the same bits for --threads 1, 2 and 3" {
	# lq: 10 features, so the 8789 rows are 3 blocks of the L2 passes;
	# importance and the profile run variables and columns on threads
	tensor "$COLS" swd.tensor
	for t in 1 2 3; do
		run -0 --separate-stderr mare-train -q -m logistic \
		    --features lq --cv 3 --seed 7 --threads "$t" swd.tensor \
		    -o "m$t.json"
	done
	run -0 jq -c '[.training.features, (.importance | length),
	    (.profile.columns | length)]' m1.json
	assert_output '[10,5,5]'
	# byte for byte, but for the command line in the provenance
	for t in 1 2 3; do
		sed 's/"--threads","[0-9]",//; s/"m[0-9]\.json"/"m.json"/' \
		    "m$t.json" >"s$t.json"
	done
	run -1 grep -c -e '"--threads"' -e '"m1.json"' s1.json
	run -0 cmp s1.json s2.json
	run -0 cmp s1.json s3.json
}

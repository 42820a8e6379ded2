#!/usr/bin/env bats
# maxent-coral.bats - mare against a complete MaxEnt 3.3.3k run
# (tests/data/coral/README.md): MaxEnt's 702 training samples and its
# layers through mare-featurize, mare-train -m maxent with MaxEnt's
# settings (features lqp, regmult 1, 10,000 background cells plus the
# samples) and mare-predict. mare's background is its own random draw, so
# figures agree to the tolerance a new background allows, not to rounding.

load helper

CORAL="$DATA/coral"

setup_file() {
	cd "$BATS_FILE_TMPDIR"
	awk -F, 'NR > 1 { printf "{\"scientificName\":\"coral\",\"decimalLongitude\":%s,\"decimalLatitude\":%s}\n", $1, $2 }' \
	    "$CORAL/present_coral_samplePredictions.csv" >samples.jsonl
	unchecked mare-featurize -q --layers "$CORAL/layers" --features l \
	    --seed 1 -o train.tensor samples.jsonl
	unchecked mare-train -q -m maxent --features lqp --seed 1 \
	    -o model.json train.tensor
}

setup() {
	cd "$BATS_FILE_TMPDIR"
}

@test "coral: 702 samples, 10,000 background cells plus the samples, as MaxEnt" {
	# MaxEnt: 702 samples, 10660 background points; mare adds the 659
	# samples that are not already one of its 10,000 cells
	run -0 --separate-stderr unchecked mare-featurize --layers \
	    "$CORAL/layers" --features l --seed 1 -o again.tensor samples.jsonl
	assert_equal "$stderr" "mare-featurize: 702 records in = 702 presences + 0 thinned + 0 rejected + 0 other species
mare-featurize: 10659 background rows (659 of them presences added)"
	run -0 jq -c '[.maxent.presences, .maxent.background]' model.json
	assert_output '[702,10659]'
}

@test "coral: the features MaxEnt kept are exactly the features mare keeps" {
	# MaxEnt writes x^2 and x*y; maxnet (and mare) I(x^2) and x:y
	run -0 awk -F', ' 'NF == 4 && $2 != 0 {
	    n = $1
	    if (sub(/\^2$/, "", n)) n = "I(" n "^2)"
	    gsub(/\*/, ":", n)
	    print n }' "$CORAL/present_coral_lambdas.txt"
	want=$(sort <<<"$output")
	run -0 jq -r '[.features.features[].name] as $n | .link.beta |
	    to_entries[] | select(.value != 0) | $n[.key]' model.json
	assert_equal "$(sort <<<"$output")" "$want"
	assert_equal "${#lines[@]}" 6
}

@test "coral: training AUC and entropy close to MaxEnt's 0.7217 and 9.0113" {
	auc=$(awk -F, 'NR == 2 { print $6 }' "$CORAL/present_maxentResults.csv")
	assert_equal "$auc" 0.7217
	run -0 jq --argjson auc "$auc" \
	    '(.training.auc - $auc | fabs) < 0.005 and
	     (.entropy - 9.011339853693348 | fabs) < 0.02' model.json
	assert_output true
}

@test "coral: logistic output at the samples within 0.01 of MaxEnt's on average" {
	run -0 --separate-stderr unchecked mare-predict -m model.json \
	    --layers "$CORAL/layers" --type logistic --field p samples.jsonl
	jq -r .p <<<"$output" >mare.txt
	cut -d, -f6 "$CORAL/present_coral_samplePredictions.csv" |
	    tail -n +2 >maxent.txt
	run -0 paste -d, mare.txt maxent.txt
	assert_equal "${#lines[@]}" 702
	run -0 awk -F, '{ d = $1 - $2; if (d < 0) d = -d; s += d
	    if (d > m) m = d } END { printf "%d %s %s\n", NR, (s / NR < 0.01),
	    (m < 0.03) }' <(paste -d, mare.txt maxent.txt)
	assert_output "702 1 1"
}

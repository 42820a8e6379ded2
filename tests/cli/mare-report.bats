#!/usr/bin/env bats
# mare-report.bats - the page parses, holds its sections and the inputs'
# numbers, escapes text, links nowhere; text format; bad inputs

load helper

MODEL="$DATA/train/golden-logistic.json"

setup() {
	mkdir "$BATS_TEST_TMPDIR/w"
	cd "$BATS_TEST_TMPDIR/w"
	export SOURCE_DATE_EPOCH=0
}

parses() {
	/usr/bin/python3 -c 'import html5lib' 2>/dev/null ||
	    skip "python3-html5lib not installed"
	run -0 /usr/bin/python3 -c '
import sys, html5lib
p = html5lib.HTMLParser(strict=True)
p.parse(open(sys.argv[1], "rb"))' "$1"
}

@test "report: a model gives a page that parses, with its CV AUC" {
	run -0 --separate-stderr mare-report -q --model "$MODEL" -o r.html
	parses r.html
	run -0 grep -c '<h2>Summary</h2>\|<h2>Cross-validation</h2>\|<h2>Response curves</h2>\|<h2>Provenance</h2>' r.html
	assert_output 4
	want=$(/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); s=d["cv"]["summary"]["auc_val"]; print("%.4f ± %.4f" % (s["mean"], s["sd"]))' "$MODEL")
	assert_equal "$want" "0.7324 ± 0.0309"
	grep -qF "<td>$want</td>" r.html
	run -1 grep -c '<h2>Suitability map</h2>' r.html
	run -1 grep -ci 'http\|<script' r.html
}

@test "report: the map of a tiny grid has one rect per block, title escaped" {
	run -0 --separate-stderr mare-report -q --map "$DATA/report/tiny.asc" \
	    --map-width 3 --title '<script>alert(1)</script> & co' -o r.html
	parses r.html
	cells=$(sed -n 's/.*<g class="cells"[^>]*>\(.*\)<\/g>.*/\1/p' r.html | sed 's/<\/g>.*//' | grep -o '<rect' | wc -l)
	assert_equal "$cells" 5
	grep -qF '<h1>&lt;script&gt;alert(1)&lt;/script&gt; &amp; co</h1>' r.html
	run -1 grep -ci 'http\|<script' r.html
	run -0 --separate-stderr mare-report --map "$DATA/report/tiny.asc" \
	    --map-width 3 --format json
	assert_output '{"title":"mare report","map":{"layer":"tiny","blocks_x":3,"blocks_y":2,"block":2,"valid":20,"min":1.0,"max":24.0,"mean":11.3}}'
}

@test "report: text format of the golden model" {
	run -0 --separate-stderr mare-report --model "$MODEL" --format text
	assert_line --index 0 "mare report"
	assert_line --index 12 "AUC cross-validated    0.7324 ± 0.0309"
	assert_line --index 20 "mean       0.7368       0.7324       0.0044       0.3363"
	# the golden model carries its ROC curves (mare-model 1.1)
	assert_line --index 23 "training               AUC 0.7353 (200 points)"
	assert_line --index 26 "SST_present_crop              25.0599 █▇▇▆▆▅▅▅▄▄▄▃▃▃▃▃▂▂▂▂▂▂▂▂▁▁▁▁▁▁▁▁▁ 28.5028    max 0.1312"
}

@test "report: drift and validation JSON of any tolerated shape" {
	printf '{"columns":[{"column":"SST","statistic":"PSI","value":0.31,"threshold":0.2,"verdict":"drift","histogram":{"edges":[0,1,2],"reference":[5,5],"current":[2,8]}}]}\n' > d.json
	printf '{"in":10,"passed":7,"rejected":3,"rules":{"zero_coords":2,"bad_date":1}}\n' > v.json
	run -0 --separate-stderr mare-report -q --drift d.json --validation v.json -o r.html
	parses r.html
	grep -qF '<p>1 of 1 columns drifted.</p>' r.html
	grep -qF '<td>zero_coords</td><td class="n">2</td>' r.html
	run -0 --separate-stderr mare-report --drift d.json --validation v.json --format json
	assert_output '{"title":"mare report","validation":{"in":10.0,"passed":7.0,"rejected":3.0,"rules":{"zero_coords":2.0,"bad_date":1.0}},"drift":[{"column":"SST","statistic":"PSI","value":0.31,"threshold":0.2,"verdict":"drift"}]}'
}

@test "report: corrupt or foreign inputs exit 65 with one line, no output" {
	printf '{"format":"mare-drift","version":"2.0"}\n' > d.json
	run -65 --separate-stderr mare-report --drift d.json -o r.html
	assert_equal "$stderr" "mare-report: d.json: version '2.0' is not supported (major version 1 is)"
	printf '{"a":\n' > e.json
	run -65 --separate-stderr mare-report --validation e.json -o r.html
	[[ $stderr == "mare-report: e.json:2:"*"invalid JSON: "* ]]
	printf '{"format":"other"}\n' > f.json
	run -65 --separate-stderr mare-report --drift f.json -o r.html
	assert_equal "$stderr" "mare-report: f.json: format 'other' is not mare-drift"
	run -66 --separate-stderr mare-report --model nope.json -o r.html
	[ ! -e r.html ]
}

FULL="$DATA/report/maxent-full.json"

@test "report: ROC, tuning and importance of a tuned model, drawn from its numbers" {
	run -0 --separate-stderr mare-report -q --model "$FULL" -o r.html
	parses r.html
	run -0 grep -c '<h2>ROC curve</h2>\|<h2>Model tuning</h2>\|<h2>Variable importance</h2>' r.html
	assert_output 3
	# polyline points = fpr/tpr through the diagonal's pixels; tables
	# and legend show the file's numbers; bars sorted and proportional
	run -0 /usr/bin/python3 "$MARE_SRCDIR/tests/cli/report-sections.py" \
	    r.html "$FULL"
	grep -qF 'training, AUC 0.7462</text>' r.html
	grep -qF 'cross-validated, AUC 0.6825</text>' r.html
	grep -qF '<tr class="sel"><td><span title="selected">' r.html
	run -0 grep -c 'class="sel"' r.html
	assert_output 1
}

@test "report: a logistic model tuned over lambda shows its lambda column" {
	unchecked mare-tensor from-jsonl -q --dtype f8 --columns \
	    label,SST_present_crop,salinity_present_crop,PAR_present_crop,pH_present_crop \
	    -o swd.tensor "$DATA/train/swd.jsonl"
	unchecked mare-train -q -m logistic --penalty l1 \
	    --tune lambda=0.001,0.01 --cv 3 swd.tensor -o t.json
	run -0 --separate-stderr mare-report -q --model t.json -o r.html
	parses r.html
	run -0 /usr/bin/python3 "$MARE_SRCDIR/tests/cli/report-sections.py" \
	    r.html t.json
	grep -qF '<th class="n">lambda</th>' r.html
	grep -qF 'one setting of the penalty (lambda) and feature classes' r.html
	run -0 --separate-stderr mare-report -q --model t.json --format text
	run -0 grep -E '^ +lambda features +AUC test' <<<"$output"
}

@test "report: without a CV curve, contributions or tuning, sections say less" {
	jq -c '.roc.cv = null | .importance[].contribution = null |
	    .tuning = null' "$FULL" >m.json
	run -0 --separate-stderr mare-report -q --model m.json -o r.html
	parses r.html
	run -0 /usr/bin/python3 "$MARE_SRCDIR/tests/cli/report-sections.py" \
	    r.html m.json
	grep -qF 'no cross-validated curve in the model' r.html
	run -1 grep -c 'Model tuning\|roc-cv\|contribution</text>' r.html
	jq -c 'del(.roc, .importance, .tuning)' "$FULL" >n.json
	run -0 --separate-stderr mare-report -q --model n.json -o r.html
	run -1 grep -c 'id="roc"\|id="tuning"\|id="importance"' r.html
}

@test "report: text and json formats carry ROC, tuning and importance" {
	run -0 --separate-stderr mare-report --model "$FULL" --format text
	assert_line '== ROC'
	assert_line 'training               AUC 0.7462 (10 points)'
	assert_line 'cross-validated        AUC 0.6825 (8 points)'
	assert_line '== Tuning (* selected by auc_val)'
	assert_line '*        1 lq         0.7336 ± 0.0274    0.7380    4866.3       6 yes'
	assert_line '         2 l          0.7054 ± 0.0312    0.7195         -       3 no'
	assert_line 'salinity_present_crop             41.3 ██████████████████████████████ 35.8'
	assert_line 'PAR_present_crop                   6.3 █████                          8.5'
	run -0 --separate-stderr mare-report --model "$FULL" --format json
	printf '%s\n' "$output" >r.json
	run -0 jq -e --slurpfile m "$FULL" '.roc == $m[0].roc and
	    .tuning == $m[0].tuning and
	    .importance == ($m[0].importance | sort_by(-.permutation))' r.json
}

@test "report: a malformed roc, importance or tuning key: one line naming its JSON path, exit 65" {
	bad() {
		jq -c "$1" "$FULL" >b.json
		run -65 --separate-stderr mare-report --model b.json -o r.html
		assert_equal "$stderr" "mare-report: b.json: $2"
		[ ! -e r.html ]
	}
	bad '.roc.cv.tpr |= .[1:]' '$.roc.cv.tpr: 7 values but $.roc.cv.fpr has 8'
	bad '.roc.train.auc = 1.2' '$.roc.train.auc: 1.2 is outside [0, 1]'
	bad '.roc.train.auc = -0.5' '$.roc.train.auc: -0.5 is outside [0, 1]'
	bad '.roc.cv.fpr[2] = "x"' '$.roc.cv.fpr[2]: expected a number'
	bad '.roc.train.tpr[4] = 1.5' '$.roc.train.tpr[4]: 1.5 is outside [0, 1]'
	bad '.roc.train.fpr = [0]' '$.roc.train.fpr: 1 values; a curve needs at least 2'
	bad '.roc.cv = 3' '$.roc.cv: expected an object or null'
	bad 'del(.importance[1].variable)' '$.importance[1].variable: missing'
	bad '.importance[0].permutation = null' '$.importance[0].permutation: expected a number'
	bad '.importance[2].contribution = "a"' '$.importance[2].contribution: expected a number or null'
	bad '.tuning.selected = 6' '$.tuning.selected: expected a row index from 0 to 5'
	bad '.tuning.rows[1].converged = 1' '$.tuning.rows[1].converged: expected true or false'
	bad '.tuning.rows = []' '$.tuning.rows: expected a non-empty array'
}

@test "report: headless Chromium renders the full page, no console error, not blank" {
	command -v chromium >/dev/null || skip "chromium not installed"
	/usr/bin/python3 -c 'import PIL' 2>/dev/null || skip "python3-pil not installed"
	run -0 --separate-stderr mare-report -q --model "$FULL" -o r.html
	HOME=$PWD timeout 120 chromium --headless --no-sandbox --disable-gpu \
	    --disable-background-networking --enable-logging=stderr --v=0 \
	    --screenshot="$PWD/r.png" --window-size=1200,3000 \
	    "file://$PWD/r.html" 2>chrome.log >/dev/null || true
	[ -s r.png ]
	run -1 grep 'CONSOLE' chrome.log
	# not blank: the curves' blue and orange are there in quantity
	run -0 /usr/bin/python3 -c '
import sys
from PIL import Image
im = Image.open("r.png").convert("RGB")
px = list(im.getdata())
blue = sum(1 for p in px if p == (0, 114, 178))
orange = sum(1 for p in px if p == (230, 159, 0))
print(blue > 500 and orange > 500, len(set(px)) > 50)'
	assert_output 'True True'
}

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
	assert_line --index 23 "SST_present_crop              25.0599 █▇▇▆▆▅▅▅▄▄▄▃▃▃▃▃▂▂▂▂▂▂▂▂▁▁▁▁▁▁▁▁▁ 28.5028    max 0.1312"
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

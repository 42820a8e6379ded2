#!/usr/bin/env bats
# mare-predict.bats - a small maxent model trained here on the lionfish
# table, predicted from a tensor, JSON Lines values, layer sampling and as
# a map: the same bits every way; refusals, rejects and --line-buffered

load helper

SWD="$DATA/train/swd.jsonl"
CROP="$DATA/grid/crop"
VARS=SST_present_crop,PAR_present_crop,pH_present_crop
CELLS=5000,5001,6000,7000,7777

setup() {
	mkdir "$BATS_TEST_TMPDIR/w"
	cd "$BATS_TEST_TMPDIR/w"
	export SOURCE_DATE_EPOCH=0
	unchecked mare-tensor from-jsonl -q --dtype f8 --columns "label,$VARS" \
	    -o t.tensor "$SWD"
	unchecked mare-train -q -m maxent --features lq t.tensor -o m.json
	# points.jsonl: cell centres; values.jsonl: the layers' float
	# values there, as doubles
	python3 - "$CROP" "$CELLS" <<'PY'
import json, struct, sys
names = ['PAR_present_crop', 'SST_present_crop', 'pH_present_crop']
def asc(n):
    f = open('%s/%s.asc' % (sys.argv[1], n)); h = {}
    for i in range(6):
        k, v = f.readline().split(); h[k.lower()] = float(v)
    return h, f.read().split()
L = {n: asc(n) for n in names}
h = L[names[0]][0]; nc = int(h['ncols']); nr = int(h['nrows'])
cs = h['cellsize']
pts = open('points.jsonl', 'w'); vals = open('values.jsonl', 'w')
for c in [int(c) for c in sys.argv[2].split(',')]:
    r, k = divmod(c, nc)
    x = h['xllcorner'] + (k + 0.5) * cs
    y = h['yllcorner'] + nr * cs - (r + 0.5) * cs
    pts.write(json.dumps({"id": c, "decimalLongitude": x,
        "decimalLatitude": y}) + "\n")
    rec = {"id": c}
    for n in names:
        rec[n] = struct.unpack('f', struct.pack('f', float(L[n][1][c])))[0]
    vals.write(json.dumps(rec) + "\n")
PY
}

# the values of field $2 in the JSON Lines file $1, one per line
field() {
	python3 -c 'import json, sys
for l in open(sys.argv[1]):
    print(repr(json.loads(l)[sys.argv[2]]))' "$1" "$2"
}

@test "predict: tensor, JSON Lines and layer sampling give the same bits" {
	run -0 --separate-stderr mare-predict -m m.json values.jsonl
	assert_equal "${lines[0]}" '{"id": 5000, "PAR_present_crop": 43.03596878051758, "SST_present_crop": 27.271238327026367, "pH_present_crop": 8.226259231567383,"m":0.470846991682765}'
	assert_equal "$stderr" "mare-predict: 5 in, 5 predicted, 0 rejected; 0 outside the training range (clamped)"
	printf '%s\n' "$output" >a.jsonl
	unchecked mare-tensor from-jsonl -q --dtype f8 --columns "$VARS" -o v.tensor \
	    values.jsonl
	run -0 mare-predict -q -m m.json --format jsonl v.tensor
	printf '%s\n' "$output" >b.jsonl
	run -0 mare-predict -q -m m.json --layers "$CROP" points.jsonl
	printf '%s\n' "$output" >c.jsonl
	field a.jsonl m >a.txt
	field b.jsonl m >b.txt
	field c.jsonl m >c.txt
	run cat a.txt
	assert_output "$(printf '%s\n' 0.470846991682765 0.470595326778045 \
	    0.48643151064819923 0.2194364122889655 0.28036319062297477)"
	cmp a.txt b.txt
	cmp a.txt c.txt
}

@test "predict: tensor output has one f64 column per model" {
	unchecked mare-tensor from-jsonl -q --dtype f8 --columns "$VARS" -o v.tensor \
	    values.jsonl
	run -0 mare-predict -q -m m.json -m m.json --field a --field b \
	    v.tensor -o p.tensor
	run -0 mare-tensor to-jsonl p.tensor
	assert_line -n 0 '{"a":0.470846991682765,"b":0.470846991682765}'
	run -0 mare-predict -q -m m.json v.tensor -o p.npy
	run -0 python3 -c 'import struct
d = open("p.npy", "rb").read()
n = struct.unpack("<H", d[8:10])[0]
print(d[10:10 + n].decode().strip(), len(d) - 10 - n)
print(repr(struct.unpack("<d", d[10 + n:18 + n])[0]))'
	assert_line -n 0 "{'descr': '<f8', 'fortran_order': False, 'shape': (5, 1), } 40"
	assert_line -n 1 "0.470846991682765"
	# to stdout the rows are spooled until the count is known
	mare-predict -q -m m.json --format npy v.tensor >q.npy
	cmp p.npy q.npy
	mare-predict -q -m m.json --format npy values.jsonl >r.npy
	cmp p.npy r.npy
}

@test "predict: the map has the layers' header, NODATA where a layer has none, the point values at cell centres" {
	run -0 --separate-stderr mare-predict -m m.json --layers "$CROP" \
	    -o map.asc
	assert_equal "$stderr" "mare-predict: map: 8543 cells predicted, 1537 without a value in some layer"
	run -0 diff <(head -6 map.asc) <(head -6 "$CROP/SST_present_crop.asc")
	cat >check.py <<'PY'
import struct, sys
def cells(p):
    return open(p).read().split()[12:]
m = cells('map.asc')
L = [cells('%s/%s.asc' % (sys.argv[1], n))
    for n in ('PAR_present_crop', 'SST_present_crop', 'pH_present_crop')]
bad = [i for i in range(len(m))
    if (m[i] == '-9999') != any(l[i] == '-9999' for l in L)]
print(len(m), m.count('-9999'), len(bad))
f = lambda s: struct.unpack('f', struct.pack('f', float(s)))[0]
print(' '.join(repr(f(m[int(c)])) for c in sys.argv[2].split(',')))
PY
	run -0 python3 check.py "$CROP" "$CELLS"
	assert_line -n 0 "10080 1537 0"
	mare-predict -q -m m.json values.jsonl >a.jsonl
	expect=$(python3 -c 'import json, struct, sys
f = lambda s: struct.unpack("f", struct.pack("f", s))[0]
print(" ".join(repr(f(json.loads(l)["m"])) for l in open("a.jsonl")))')
	assert_line -n 1 "$expect"
}

@test "predict: a feature tensor of another spec is refused, naming both hashes" {
	python3 -c 'import json
for l in open("points.jsonl"):
    r = json.loads(l); r["scientificName"] = "P"; print(json.dumps(r))' \
	    >occ.jsonl
	mare-featurize -q --layers "$CROP" --background 20 --features l \
	    occ.jsonl -o f.tensor
	spec=$(mare-tensor info f.tensor | sed -n 's/^spec: *//p')
	mspec=$(python3 -c 'import json; print(json.load(open("m.json"))["spec_sha256"])')
	run -65 --separate-stderr mare-predict -m m.json f.tensor -o p.tensor
	assert_equal "$stderr" "mare-predict: f.tensor: features of spec $spec, but model m.json has spec $mspec"
	[[ ! -e p.tensor ]]
}

@test "predict: a missing variable is rejected with its reason, or stops without -R" {
	printf '%s\n' '{"id":1,"SST_present_crop":27,"PAR_present_crop":40}' \
	    '{"id":2,"SST_present_crop":27,"PAR_present_crop":40,"pH_present_crop":8.2}' \
	    '{"id":3,"SST_present_crop":"x","PAR_present_crop":40,"pH_present_crop":8.2}' >in.jsonl
	run -0 --separate-stderr mare-predict -m m.json -R rej.jsonl \
	    --field p in.jsonl
	assert_output '{"id":2,"SST_present_crop":27,"PAR_present_crop":40,"pH_present_crop":8.2,"p":0.8167497555048707}'
	assert_equal "$stderr" "mare-predict: 3 in, 1 predicted, 2 rejected; 0 outside the training range (clamped)"
	run cat rej.jsonl
	assert_line -n 0 '{"id":1,"SST_present_crop":27,"PAR_present_crop":40,"_rejected":[{"field":"pH_present_crop","message":"missing"}]}'
	assert_line -n 1 '{"id":3,"SST_present_crop":"x","PAR_present_crop":40,"pH_present_crop":8.2,"_rejected":[{"field":"SST_present_crop","message":"expected a number, got a string"}]}'
	run -65 --separate-stderr mare-predict -m m.json in.jsonl -o out.jsonl
	assert_equal "$stderr" "mare-predict: in.jsonl:1: 'pH_present_crop': missing (use -R to set such rows aside)"
	[[ ! -e out.jsonl ]]
	run -0 --separate-stderr mare-predict -m m.json -R rej.jsonl \
	    --layers "$CROP" in.jsonl
	run cat rej.jsonl
	assert_line -n 0 '{"id":1,"SST_present_crop":27,"PAR_present_crop":40,"_rejected":[{"field":"decimalLongitude","message":"missing"}]}'
}

@test "predict: --line-buffered answers each record before the next is written" {
	mkfifo in out
	mare-predict -q -m m.json --line-buffered <in >out &
	pid=$!
	exec 7>in 8<out
	while read -r line; do
		printf '%s\n' "$line" >&7
		# generous: under valgrind on a loaded machine the first
		# answer waits for a start-up of several seconds
		read -r -t 60 answer <&8
		[[ $answer == *',"m":'* ]]
		printf '%s\n' "$answer" >>got.jsonl
	done <values.jsonl
	exec 7>&-
	wait "$pid"
	exec 8<&-
	mare-predict -q -m m.json values.jsonl >want.jsonl
	cmp got.jsonl want.jsonl
}

@test "predict: two models give two fields; --type class uses the model's threshold" {
	cp m.json other.json
	run -0 mare-predict -q -m m.json -m other.json values.jsonl
	assert_line -n 0 '{"id": 5000, "PAR_present_crop": 43.03596878051758, "SST_present_crop": 27.271238327026367, "pH_present_crop": 8.226259231567383,"m":0.470846991682765,"other":0.470846991682765}'
	run -0 mare-predict -q -m m.json --type class --field c values.jsonl
	assert_line -n 0 '{"id": 5000, "PAR_present_crop": 43.03596878051758, "SST_present_crop": 27.271238327026367, "pH_present_crop": 8.226259231567383,"c":1}'
	assert_line -n 3 '{"id": 7000, "PAR_present_crop": 45.09294128417969, "SST_present_crop": 28.16948699951172, "pH_present_crop": 8.224702835083008,"c":0}'
	run -0 mare-predict -q -m m.json --type class --threshold maxtss \
	    --field c values.jsonl
	assert_line -n 0 '{"id": 5000, "PAR_present_crop": 43.03596878051758, "SST_present_crop": 27.271238327026367, "pH_present_crop": 8.226259231567383,"c":0}'
	run -64 --separate-stderr mare-predict -m m.json --threshold 0.5 \
	    values.jsonl
	assert_equal "${stderr_lines[0]}" "mare-predict: --threshold needs --type class"
}

#!/bin/sh
# seeds.sh - make the fuzz targets' seed corpora from the real test data
#
# usage: seeds.sh SRCDIR BUILDDIR OUT
# Writes OUT/<target>/ for every target: small real files of tests/data
# (large ones cut to their first lines or skipped), the hand-made seeds of
# tests/fuzz/seeds, and tensor streams and .npy files made by BUILDDIR's
# mare-tensor from tests/data/tensor/presences.jsonl. Nothing is committed:
# corpora are rebuilt on every run.
set -eu

src=$1 build=$2 out=$3
data=$src/tests/data
rm -rf "$out"
for t in api cache csv date dwca featspec grid jscan jsonl model npy rules tensor; do
	mkdir -p "$out/$t"
done

# cp_small DIR FILE...: copy the files of at most 512 KiB
cp_small() {
	d=$1
	shift
	for f in "$@"; do
		[ -f "$f" ] || continue
		[ "$(wc -c < "$f")" -le 524288 ] || continue
		cp "$f" "$out/$d/"
	done
}

# JSON Lines: the first 20 records of each file
for f in "$data"/validate/*.jsonl "$data"/tensor/*.jsonl; do
	head -n 20 "$f" > "$out/jsonl/${f##*/}"
done
# GBIF/OBIS page bodies are JSON too: good jsonl seeds as one-line objects
for f in "$data"/obis/occurrence/*size1.json "$data"/gbif/errors/*; do
	[ -f "$f" ] && tr -d '\n' < "$f" > "$out/jsonl/page-${f##*/}" && echo >> "$out/jsonl/page-${f##*/}"
done

# GBIF/OBIS API bodies: the recorded pages (those over 64 KiB, the fuzzers'
# max_len, cut to their first 3 results with the paging members kept), the
# download statuses and request keys, species/match and the error bodies
for f in "$data"/gbif/occurrence_search/*.json "$data"/obis/occurrence/*.json; do
	if [ "$(wc -c < "$f")" -le 65536 ]; then
		cp "$f" "$out/api/"
	else
		python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
d["results"] = d["results"][:3]
json.dump(d, sys.stdout)' "$f" > "$out/api/cut-${f##*/}"
	fi
done
cp_small api "$data"/gbif/occurrence_download/* \
    "$data"/gbif/species_match/*.json "$data"/gbif/errors/* \
    "$data"/obis/taxon_complete_mola_mola.json

# jscan takes one line: single records of the real data, the bad corpus
for f in "$data"/validate/*.jsonl; do
	head -n 8 "$f" | split -l 1 - "$out/jscan/${f##*/}."
done
cp_small jscan "$src"/tests/bad/jsonl/*.jsonl

cp_small csv "$data"/csv/*.csv "$data"/features/newrows.csv
for f in "$data"/csv/*.csv "$data"/features/swd.csv; do
	head -n 30 "$f" > "$out/csv/head-${f##*/}"
done
cp_small dwca "$data"/dwca/*.zip
cp_small grid "$data"/grid/*.asc "$data"/grid/*.asc.gz \
    "$data"/grid/crop/*.asc
cp_small npy "$data"/npy/*.npy
cp_small rules "$data"/validate/rules-*.json
cp_small model "$data"/train/golden-*.json "$src"/tests/bad/model-good.json
cp_small featspec "$src"/tests/fuzz/seeds/featspec/*
cp_small cache "$src"/tests/fuzz/seeds/cache/*
i=0
while IFS= read -r line; do
	i=$((i + 1))
	printf '%s' "$line" > "$out/date/d$i"
done < "$src/tests/fuzz/seeds/date/examples.txt"

# Tensors and .npy from the real presences, through the built command
t=$build/mare-tensor
pres=$data/tensor/presences.jsonl
head -n 12 "$pres" > "$out/p12.jsonl"
cols=SST_present_crop,salinity_present_crop,PAR_present_crop
"$t" from-jsonl -q --columns "$cols" -o "$out/tensor/f4.tensor" "$out/p12.jsonl"
"$t" from-jsonl -q --columns "$cols" --dtype f8 \
    -o "$out/tensor/f8.tensor" "$out/p12.jsonl"
"$t" from-jsonl -q --columns "$cols" < "$out/p12.jsonl" | cat \
    > "$out/tensor/pipe.tensor"
"$t" to-npy -q -o "$out/npy/f4.npy" "$out/tensor/f4.tensor"
"$t" to-npy -q -o "$out/npy/f8.npy" "$out/tensor/f8.tensor"
rm -f "$out/p12.jsonl"

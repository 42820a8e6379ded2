#!/usr/bin/python3
# layers2jsonl.py - ESRI ASCII layers of one scenario -> JSON Lines records
#
# Usage: layers2jsonl.py DIR SCENARIO VAR... > out.jsonl
# Reads DIR/VAR_SCENARIO_crop.asc for each VAR and writes one record per
# cell valid in every layer: {"SST": 27.1, "pH": 8.05}. Standard library.
# SPDX-License-Identifier: MIT
import json
import sys


def read(path):
    hdr, vals = {}, []
    with open(path) as f:
        for line in f:
            t = line.split()
            if t and t[0][0].isalpha():
                hdr[t[0].lower()] = t[1]
            else:
                vals.extend(t)
    return float(hdr.get("nodata_value", "-9999")), vals


d, scen, names = sys.argv[1], sys.argv[2], sys.argv[3:]
layers = [read(f"{d}/{v}_{scen}_crop.asc") for v in names]
for i in range(len(layers[0][1])):
    rec = {}
    for v, (nd, vals) in zip(names, layers):
        x = float(vals[i])
        if x == nd:
            break
        rec[v] = float(vals[i])
    else:
        print(json.dumps(rec, separators=(",", ":")))

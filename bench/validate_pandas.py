#!/usr/bin/python3
"""validate_pandas.py - gen.py's reference rule as a pandas script (make bench).

Keeps the records with numeric decimalLatitude/decimalLongitude in range,
not both 0, and a numeric year in [1900, 2026]; prints the kept lines as
they were read and the count on stderr. Reads the whole file into memory,
as pandas does.
"""
import json
import sys

import pandas as pd

path = sys.argv[1]
with open(path, encoding="utf-8") as fh:
    lines = fh.read().splitlines()
df = pd.DataFrame.from_records(
    (json.loads(s) for s in lines),
    columns=["decimalLatitude", "decimalLongitude", "year"])


def numeric(col):
    # JSON numbers only: strings and booleans are not numeric
    return col.map(lambda v: isinstance(v, (int, float))
                   and not isinstance(v, bool) and v == v)


lat = pd.to_numeric(df["decimalLatitude"].where(numeric(df["decimalLatitude"])))
lon = pd.to_numeric(df["decimalLongitude"].where(numeric(df["decimalLongitude"])))
yr = pd.to_numeric(df["year"].where(numeric(df["year"])))
keep = (lat.between(-90, 90) & lon.between(-180, 180)
        & ~((lat == 0) & (lon == 0)) & yr.between(1900, 2026))
out = sys.stdout
for s, k in zip(lines, keep.tolist()):
    if k:
        out.write(s)
        out.write("\n")
print("kept %d" % int(keep.sum()), file=sys.stderr)

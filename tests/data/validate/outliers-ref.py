#!/usr/bin/python3
"""Independent reference for SPECIES_OUTLIER on outliers.jsonl.

Run: /usr/bin/python3 outliers-ref.py outliers.jsonl [quantile|distance [KM]]
Prints the occurrenceIDs flagged, one a line. CoordinateCleaner's cc_outl
(method "quantile", mltpl 5, min_occs 7; "distance", tdi 1000 km) computed
with numpy: haversine distances on a sphere of 6371008.8 m, zero distances
left out, the quartiles as R's quantile() type 7 (numpy's default linear).
"""
import json
import sys

import numpy as np

R = 6371.0088
method = sys.argv[2] if len(sys.argv) > 2 else "quantile"
sp = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    la, lo, name = (r.get("decimalLatitude"), r.get("decimalLongitude"),
                    r.get("scientificName"))
    if not isinstance(la, (int, float)) or not isinstance(lo, (int, float)):
        continue
    if not name:
        continue
    sp.setdefault(name, []).append((r["occurrenceID"], la, lo))
out = []
for name, v in sp.items():
    if len(v) < 7:
        continue
    lat = np.radians([x[1] for x in v])
    lon = np.radians([x[2] for x in v])
    dlat = lat[:, None] - lat[None, :]
    dlon = lon[:, None] - lon[None, :]
    a = (np.sin(dlat / 2) ** 2 + np.cos(lat[:, None]) * np.cos(lat[None, :])
         * np.sin(dlon / 2) ** 2)
    d = 2 * R * np.arcsin(np.sqrt(np.minimum(a, 1)))
    d[d == 0] = np.nan
    if method == "quantile":
        s = np.nanmean(d, axis=1)
        q1, q3 = np.nanquantile(s, [0.25, 0.75])
        lim = q3 + 5 * (q3 - q1)
    else:
        s = np.nanmin(d, axis=1)
        lim = float(sys.argv[3]) if len(sys.argv) > 3 else 1000
    for i, x in enumerate(v):
        if not np.isnan(s[i]) and s[i] > lim:
            out.append(x[0])
            print(x[0], "%.0f" % s[i], "%.0f" % lim, file=sys.stderr)
for o in sorted(out):
    print(o)

#!/bin/sh
# featurize.sh - mare-featurize figures (called by bench/run.sh, or alone
# with MARE_BUILDDIR set): read a generated 4320 x 2160 stack of 5 layers,
# then featurize 100,000 records plus 10,000 background cells with lqph.
# Prints time and peak RSS; inputs cached in $MARE_BENCH_DIR/featurize.
set -eu

: "${MARE_BUILDDIR:?set MARE_BUILDDIR to the build tree}"
dir=${MARE_BENCH_DIR:-/tmp/mare-bench}/featurize
fz=$MARE_BUILDDIR/mare-featurize
mkdir -p "$dir/layers"

if [ ! -f "$dir/occ_100k.jsonl" ]; then
	echo "bench: generating a 4320x2160 stack of 5 layers in $dir (once)"
	/usr/bin/python3 - "$dir" <<'PY'
import json, sys
import numpy as np
d = sys.argv[1]
rng = np.random.default_rng(7)
nc, nr, cs = 4320, 2160, 1 / 12
y, x = np.mgrid[0:nr, 0:nc]
land = (np.sin(x / 300.0) + np.cos(y / 200.0)) > 1.2
for k in range(5):
    v = 10 * np.sin(x / (400.0 + 50 * k)) + 5 * np.cos(y / (300.0 + 30 * k)) \
        + rng.normal(0, 0.5, (nr, nc))
    v = np.round(v, 4)
    v[land] = -9999
    with open(f"{d}/layers/v{k}.asc", "w") as f:
        f.write(f"ncols {nc}\nnrows {nr}\nxllcorner -180\nyllcorner -90\n"
                f"cellsize {cs!r}\nNODATA_value -9999\n")
        np.savetxt(f, v, fmt="%.4f")
with open(f"{d}/occ_100k.jsonl", "w") as f:
    for lon, lat in zip(rng.uniform(-180, 180, 100000),
                        rng.uniform(-90, 90, 100000)):
        f.write(json.dumps({"scientificName": "Bench bench",
                            "decimalLongitude": lon,
                            "decimalLatitude": lat}) + "\n")
PY
fi

measure() {
	/usr/bin/time -f '%e s, peak RSS %M KB' "$@" 2>&1 >/dev/null | tail -n 1
}

echo "== mare-featurize: 5 layers of 4320 x 2160 ($(du -sh "$dir/layers" | cut -f1) of .asc)"
printf 'read and hash the 5 layers, no records (the fit then fails): '
measure "$fz" -q --layers "$dir/layers" --background 1 --features l \
    --no-add-presences -o /dev/null /dev/null 2>/dev/null || true
printf 'read + 100,000 records + 10,000 background, lqph, no thinning: '
measure "$fz" -q --layers "$dir/layers" --features lqph --no-thin \
    --background 10000 -R "$dir/rejects.jsonl" -o "$dir/out.mt" \
    "$dir/occ_100k.jsonl"
printf 'the same with 10,000 records (memory must barely change): '
head -n 10000 "$dir/occ_100k.jsonl" > "$dir/occ_10k.jsonl"
measure "$fz" -q --layers "$dir/layers" --features lqph --no-thin \
    --background 10000 -R "$dir/rejects.jsonl" -o "$dir/out.mt" \
    "$dir/occ_10k.jsonl"

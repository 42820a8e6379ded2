#!/usr/bin/python3
"""json-close.py - are two JSON documents the same but for rounding?

    json-close.py A B TOL [--skip PATH]...

The two must have the same keys, array lengths, strings, booleans and
nulls; each pair of numbers must agree within TOL relative to the larger
magnitude. PATH is a jq-like path (.provenance, .convergence.kkt) left out.
Prints the largest relative difference and where; exits 1 with the first
structural difference or the worst number over TOL, 2 on bad usage.
"""
import json
import sys


def walk(a, b, path, skip, out):
    if path in skip:
        return
    if isinstance(a, dict):
        if not isinstance(b, dict) or list(a) != list(b):
            raise ValueError(f"{path or '.'}: the keys differ")
        for k in a:
            walk(a[k], b[k], f"{path}.{k}", skip, out)
    elif isinstance(a, list):
        if not isinstance(b, list) or len(a) != len(b):
            raise ValueError(f"{path}: the lengths differ")
        for i, (x, y) in enumerate(zip(a, b)):
            walk(x, y, f"{path}[{i}]", skip, out)
    elif isinstance(a, (int, float)) and not isinstance(a, bool):
        if isinstance(b, bool) or not isinstance(b, (int, float)):
            raise ValueError(f"{path}: {a!r} against {b!r}")
        d = 0.0 if a == b else abs(a - b) / max(abs(a), abs(b))
        if d > out[0]:
            out[0], out[1] = d, path
    elif a != b or type(a) is not type(b):
        raise ValueError(f"{path}: {a!r} against {b!r}")


def main(argv):
    if len(argv) < 4 or len(argv) % 2 or any(
            argv[i] != "--skip" for i in range(4, len(argv), 2)):
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    tol = float(argv[3])
    skip = {argv[i + 1] for i in range(4, len(argv), 2)}
    a, b = (json.load(open(p)) for p in argv[1:3])
    out = [0.0, ""]
    try:
        walk(a, b, "", skip, out)
    except ValueError as e:
        print(f"json-close: {argv[1]} against {argv[2]}: {e}")
        return 1
    print(f"largest relative difference {out[0]:.3g}"
          + (f" at {out[1]}" if out[1] else ""))
    return 0 if out[0] <= tol else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))

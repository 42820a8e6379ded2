#!/usr/bin/python3
# make.py - write the .npy fixtures of tests/unit/test-npy.c with real numpy
#
# Run from this folder:  /usr/bin/python3 make.py
# The good files and the bad-dtype/order/shape files come straight from
# np.save or np.lib.format.write_array; the damaged ones (bad magic,
# truncated, trailing bytes, 2 GiB header length, empty) are numpy output
# changed byte by byte below, so that every byte is accounted for.
# The values are exact in binary floating point or computed the same way
# in the C test, which compares them with ==.
#
# SPDX-License-Identifier: MIT
import io
import numpy as np


def save(name, a, **kw):
    with open(name, "wb") as f:
        np.lib.format.write_array(f, a, **kw)


def npy_bytes(a):
    b = io.BytesIO()
    np.save(b, a)
    return b.getvalue()


# Good files.  f4: 5x3, value i*10 + j + 0.25 (exact in float32).
f4 = np.array([[i * 10 + j + 0.25 for j in range(3)] for i in range(5)],
              dtype="<f4")
save("f4-2d.npy", f4)
# f8: 4x2, value (i*10 + j) / 3.0 - 1.5: full double precision matters.
f8 = np.array([[(i * 10 + j) / 3.0 - 1.5 for j in range(2)] for i in range(4)],
              dtype="<f8")
save("f8-2d.npy", f8)
# f4 1-D: 7 values i * 0.5 - 1.
save("f4-1d.npy", np.array([i * 0.5 - 1 for i in range(7)], dtype="<f4"))
# Format 2.0 and 3.0 headers: f8 2x3, value i*3 + j + 0.125.
v = np.array([[i * 3 + j + 0.125 for j in range(3)] for i in range(2)],
             dtype="<f8")
save("v2.npy", v, version=(2, 0))
save("v3.npy", v, version=(3, 0))
# An empty 0x4 float32 array.
save("empty-rows.npy", np.zeros((0, 4), dtype="<f4"))

# Refused: dtype, order, dimensions.
save("be-f4.npy", f4.astype(">f4"))
save("fortran.npy", np.asfortranarray(f4))
save("object.npy", np.array([1, "a", None], dtype=object), allow_pickle=True)
save("i8.npy", np.arange(6, dtype="<i8").reshape(2, 3))
save("u3.npy", np.array(["abc", "de"], dtype="<U3"))
save("3d.npy", np.zeros((2, 2, 2), dtype="<f4"))
save("0d.npy", np.array(1.5, dtype="<f4"))

# Damaged copies of f4-2d.npy (128-byte header + 60 data bytes).
good = npy_bytes(f4)
assert len(good) == 128 + 60
with open("truncated.npy", "wb") as f:
    f.write(good[:-5])                      # 5 data bytes missing
with open("trailing.npy", "wb") as f:
    f.write(good + b"\0\0\0")               # 3 bytes too many
with open("bad-magic.npy", "wb") as f:
    f.write(b"\x93NUMPX" + good[6:])
# Version 2.0 preamble whose header length claims 2 GiB.
v2 = open("v2.npy", "rb").read()
with open("header-2g.npy", "wb") as f:
    f.write(v2[:8] + (2**31).to_bytes(4, "little") + v2[12:])
open("empty.npy", "wb").close()

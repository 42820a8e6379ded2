#!/usr/bin/env python3
# make-bad.py - regenerate the malformed inputs of tests/bad (run from here)
#
# Each entry is (file, bytes, command line). The files are small: a "huge"
# input is a small file that claims a huge size. The command line names the
# file as the bats test sees it (copied into an empty folder); the expected
# exit code and message were recorded from the commands and checked by hand,
# and live in MANIFEST, which this script does not touch. Built from
# mare-tensor(5) and the .npy format description (numpy NEP 1).
#
# SPDX-License-Identifier: MIT
import json
import os
import struct
import sys
import zlib

MAGIC = b"\x89MTN\r\n\x1a\n"
entries = []


def add(path, data, cmd):
    entries.append((path, data, cmd))


# ----------------------------------------------------------------------
# tensor streams (mare-tensor(5))

def header(ncols=2, dtype=1, major=1, minor=0, text=None, length=None,
           crc=None, cols=None, pad=True):
    if text is None:
        if cols is None:
            cols = ["a", "b"][:ncols] if ncols <= 2 else \
                ["c%d" % i for i in range(ncols)]
        text = json.dumps({"columns": cols, "spec_sha256": None,
                           "meta": {}}, separators=(",", ":")).encode()
    if pad:
        while (28 + len(text) + 4) % 64:
            text += b" "
    head = MAGIC + struct.pack("<HHIQI", major, minor, dtype, ncols,
                               len(text) if length is None else length)
    head += text
    c = zlib.crc32(head) if crc is None else crc
    return head + struct.pack("<I", c)


def chunk(rows, ncols=2, fmt="<f", nrows=None, tag=b"ROWS", reserved=0,
          crc=None):
    data = b"".join(struct.pack(fmt, v) for r in rows for v in r)
    rec = tag + struct.pack("<IQ", reserved,
                            len(rows) if nrows is None else nrows) + data
    c = zlib.crc32(rec) if crc is None else crc
    return rec + struct.pack("<I", c)


def end(total, crc=None, tag=b"END\0"):
    rec = tag + struct.pack("<IQ", 0, total)
    c = zlib.crc32(rec) if crc is None else crc
    return rec + struct.pack("<I", c)


ROWS = [[1.0, 2.0], [3.0, 4.0]]
good = header() + chunk(ROWS) + end(2)
cat = "mare-tensor cat -o out.tensor %s"
T = "tensor/"
add(T + "empty.tensor", b"", cat)
add(T + "magic-only.tensor", MAGIC, cat)
add(T + "png-magic.tensor", b"\x89PNG\r\n\x1a\n" + good[8:], cat)
add(T + "text-mode-lf.tensor", good.replace(b"\r\n", b"\n", 1), cat)
add(T + "major-2.tensor", header(major=2) + chunk(ROWS) + end(2), cat)
add(T + "dtype-3.tensor", header(dtype=3) + chunk(ROWS) + end(2), cat)
add(T + "dtype-0.tensor", header(dtype=0) + chunk(ROWS) + end(2), cat)
add(T + "ncols-0.tensor", header(ncols=0, cols=[]) + end(0), cat)
add(T + "ncols-2p40.tensor", header(ncols=1 << 40, cols=["a"]) + end(0),
    cat)
add(T + "ncols-max.tensor", header(ncols=(1 << 64) - 1, cols=["a"]) +
    end(0), cat)
add(T + "json-len-2g.tensor", MAGIC + struct.pack("<HHIQI", 1, 0, 1, 2,
    1 << 31) + b'{"columns":["a","b"]}', cat)
add(T + "json-len-4g.tensor", MAGIC + struct.pack("<HHIQI", 1, 0, 1, 2,
    0xffffffff) + b'{"columns":["a","b"]}', cat)
add(T + "header-crc.tensor", header(crc=0x12345678) + chunk(ROWS) + end(2),
    cat)
add(T + "json-array.tensor", header(text=b'["a","b"]') + chunk(ROWS) +
    end(2), cat)
add(T + "json-truncated.tensor", header(text=b'{"columns":["a","b"') +
    chunk(ROWS) + end(2), cat)
add(T + "json-bad-utf8.tensor", header(text=b'{"columns":["a","\xff\xfe"]}')
    + chunk(ROWS) + end(2), cat)
add(T + "json-nested.tensor", header(text=b'{"columns":["a","b"],"meta":'
    + b"[" * 3000 + b"]" * 3000 + b"}") + chunk(ROWS) + end(2), cat)
add(T + "json-nan.tensor", header(text=b'{"columns":["a","b"],'
    b'"meta":{"x":NaN}}') + chunk(ROWS) + end(2), cat)
add(T + "columns-count.tensor", header(cols=["a", "b", "c"]) +
    chunk(ROWS) + end(2), cat)
add(T + "columns-missing.tensor", header(text=b'{"meta":{}}') +
    chunk(ROWS) + end(2), cat)
add(T + "columns-number.tensor", header(text=b'{"columns":["a",7]}') +
    chunk(ROWS) + end(2), cat)
add(T + "columns-dup.tensor", header(cols=["a", "a"]) + chunk(ROWS) +
    end(2), cat)
add(T + "columns-empty-name.tensor", header(cols=["a", ""]) + chunk(ROWS) +
    end(2), cat)
add(T + "columns-long-name.tensor", header(cols=["a", "n" * 300]) +
    chunk(ROWS) + end(2), cat)
add(T + "spec-not-hex.tensor", header(text=b'{"columns":["a","b"],'
    b'"spec_sha256":"xyz"}') + chunk(ROWS) + end(2), cat)
add(T + "chunk-tag.tensor", header() + chunk(ROWS, tag=b"ROWX") + end(2),
    cat)
add(T + "chunk-reserved.tensor", header() + chunk(ROWS, reserved=1) +
    end(2), cat)
add(T + "chunk-0-rows.tensor", header() + chunk([], nrows=0) + end(0), cat)
add(T + "chunk-unfinished.tensor", header() +
    chunk(ROWS, nrows=(1 << 64) - 1) + end(2), cat)
add(T + "chunk-2p50-rows.tensor", header() + chunk(ROWS, nrows=1 << 50) +
    end(2), cat)
add(T + "verify-2p50-rows.tensor", header() +
    chunk(ROWS, nrows=1 << 50) + end(2), "mare-tensor verify %s")
add(T + "chunk-crc.tensor", header() + chunk(ROWS, crc=1) + end(2), cat)
add(T + "truncated-chunk.tensor", (header() + chunk(ROWS))[:-9], cat)
add(T + "truncated-no-end.tensor", header() + chunk(ROWS), cat)
add(T + "truncated-header.tensor", header()[:40], cat)
add(T + "end-total.tensor", header() + chunk(ROWS) + end(3), cat)
add(T + "end-crc.tensor", header() + chunk(ROWS) + end(2, crc=7), cat)
add(T + "trailing.tensor", good + b"\n", cat)
add(T + "two-ends.tensor", good + end(2), cat)
add(T + "unpadded.tensor", header(pad=False, text=b'{"columns":["a","b"]}')
    + chunk(ROWS) + end(2), cat)
add(T + "info-truncated.tensor", (header() + chunk(ROWS))[:-9],
    "mare-tensor info %s")
add(T + "to-jsonl-crc.tensor", header() + chunk(ROWS, crc=1) + end(2),
    "mare-tensor to-jsonl -o out.jsonl %s")
add(T + "to-npy-end.tensor", header() + chunk(ROWS) + end(3),
    "mare-tensor to-npy -o out.npy %s")
add(T + "head-magic.tensor", b"PK\3\4" + good[4:], "mare-tensor head %s")

# ----------------------------------------------------------------------
# .npy arrays

def npy(d, major=1, minor=0, hlen=None, pad=True, data=b""):
    text = d if isinstance(d, bytes) else d.encode()
    if pad:
        pre = 10 if major == 1 else 12
        text += b" " * ((-(pre + len(text) + 1)) % 64) + b"\n"
    n = len(text) if hlen is None else hlen
    if major == 1:
        head = b"\x93NUMPY" + bytes([major, minor]) + struct.pack("<H", n)
    else:
        head = b"\x93NUMPY" + bytes([major, minor]) + struct.pack("<I", n)
    return head + text + data


def hdr(descr="'<f4'", fortran="False", shape="(2, 2)"):
    return "{'descr': %s, 'fortran_order': %s, 'shape': %s, }" % (
        descr, fortran, shape)


F4 = struct.pack("<4f", 1, 2, 3, 4)
fn = "mare-tensor from-npy -o out.tensor %s"
N = "npy/"
add(N + "empty.npy", b"", fn)
add(N + "magic.npy", b"\x93NUMPX\1\0" + npy(hdr(), data=F4)[8:], fn)
add(N + "magic-only.npy", b"\x93NUMPY", fn)
add(N + "version-4.npy", npy(hdr(), major=4, data=F4), fn)
add(N + "hlen-2g.npy", npy(hdr(), major=2, hlen=1 << 31, data=F4), fn)
add(N + "hlen-short.npy", npy(hdr(), hlen=20, data=F4), fn)
add(N + "header-truncated.npy", npy(hdr(), data=F4)[:40], fn)
add(N + "header-list.npy", npy("['<f4', False, (2, 2)]", data=F4), fn)
add(N + "header-no-shape.npy", npy("{'descr': '<f4', "
    "'fortran_order': False, }", data=F4), fn)
add(N + "big-endian.npy", npy(hdr("'>f4'"), data=F4), fn)
add(N + "int32.npy", npy(hdr("'<i4'"), data=F4), fn)
add(N + "object.npy", npy(hdr("'|O'"), data=F4), fn)
add(N + "descr-number.npy", npy(hdr("4"), data=F4), fn)
add(N + "fortran.npy", npy(hdr(fortran="True"), data=F4), fn)
add(N + "fortran-string.npy", npy(hdr(fortran="'no'"), data=F4), fn)
add(N + "shape-3d.npy", npy(hdr(shape="(1, 2, 2)"), data=F4), fn)
add(N + "shape-0d.npy", npy(hdr(shape="()"), data=F4[:4]), fn)
add(N + "shape-negative.npy", npy(hdr(shape="(-2, 2)"), data=F4), fn)
add(N + "shape-nan.npy", npy(hdr(shape="(nan, 2)"), data=F4), fn)
add(N + "shape-float.npy", npy(hdr(shape="(2.0, 2)"), data=F4), fn)
add(N + "shape-huge-number.npy", npy(hdr(shape="(99999999999999999999999"
    "999, 2)"), data=F4), fn)
add(N + "shape-2p40-squared.npy", npy(hdr(shape="(1099511627776, "
    "1099511627776)"), data=F4), fn)
add(N + "rows-2g.npy", npy(hdr(shape="(2147483648, 2)"), data=F4), fn)
add(N + "data-truncated.npy", npy(hdr(), data=F4[:10]), fn)
add(N + "trailing.npy", npy(hdr(), data=F4 + b"\0"), fn)
add(N + "header-bad-utf8.npy", npy("{'descr': '<f4\xff', "
    "'fortran_order': False, 'shape': (2, 2), }".encode("latin-1"),
    data=F4), fn)
add(N + "header-nested.npy", npy(hdr(shape="(" * 500 + "2" + ")" * 500),
    data=F4), fn)
add(N + "header-nul.npy", npy(hdr().replace("descr", "de\0cr"), data=F4), fn)

# ----------------------------------------------------------------------
# JSON Lines for from-jsonl

fj = "mare-tensor from-jsonl --columns a,b -o out.tensor %s"
J = "jsonl/"
ok = b'{"a": 1, "b": 2}\n'
add(J + "invalid.jsonl", ok + b'{"a": 1, "b": }\n', fj)
add(J + "array.jsonl", ok + b"[1, 2]\n", fj)
add(J + "string.jsonl", b'"a"\n', fj)
add(J + "number.jsonl", b"42\n", fj)
add(J + "null.jsonl", ok + b"null\n", fj)
add(J + "nan-literal.jsonl", b'{"a": NaN, "b": 2}\n', fj)
add(J + "infinity-literal.jsonl", b'{"a": Infinity, "b": 2}\n', fj)
add(J + "real-overflow.jsonl", b'{"a": 1e999, "b": 2}\n', fj)
add(J + "integer-overflow.jsonl", b'{"a": 99999999999999999999999999, '
    b'"b": 2}\n', fj)
add(J + "value-string.jsonl", b'{"a": "1.5", "b": 2}\n', fj)
add(J + "value-null.jsonl", b'{"a": null, "b": 2}\n', fj)
add(J + "value-bool.jsonl", b'{"a": true, "b": 2}\n', fj)
add(J + "value-object.jsonl", b'{"a": {"v": 1}, "b": 2}\n', fj)
add(J + "value-array.jsonl", b'{"a": [1], "b": 2}\n', fj)
add(J + "missing-key.jsonl", ok + b'{"a": 1}\n', fj)
add(J + "bad-utf8-string.jsonl", b'{"a": 1, "b": 2, "c": "\xff"}\n', fj)
add(J + "bad-utf8-key.jsonl", b'{"a": 1, "b": 2, "\xc3\x28": 1}\n', fj)
add(J + "overlong-utf8.jsonl", b'{"a": 1, "b": 2, "c": "\xc0\xaf"}\n', fj)
add(J + "lone-surrogate.jsonl", b'{"a": 1, "b": 2, "c": "\\ud800"}\n', fj)
add(J + "nul-escape-key.jsonl", b'{"a": 1, "b": 2, "x\\u0000y": 1}\n', fj)
add(J + "nul-byte.jsonl", b'{"a": 1, "b": 2}\0\n', fj)
add(J + "nested-arrays.jsonl", b"[" * 3000 + b"]" * 3000 + b"\n", fj)
add(J + "nested-objects.jsonl", b'{"a":' * 3000 + b"1" + b"}" * 3000 +
    b"\n", fj)
add(J + "truncated.jsonl", ok + b'{"a": 1, "b"', fj)
add(J + "two-objects.jsonl", b'{"a": 1, "b": 2} {"a": 3, "b": 4}\n', fj)
add(J + "trailing-garbage.jsonl", b'{"a": 1, "b": 2}x\n', fj)
add(J + "bom.jsonl", b'\xef\xbb\xbf{"a": 1, "b": 2}\n', fj)
add(J + "long-line.jsonl", b'{"a": 1, "b": 2, "c": "' + b"x" * 2000 +
    b'"}\n', "mare-tensor from-jsonl --columns a,b --max-line 1K "
    "-o out.tensor %s")
add(J + "f4-overflow.jsonl", b'{"a": 1e39, "b": 2}\n', fj)
add(J + "binary.jsonl", bytes(range(256)), fj)

if __name__ == "__main__":
    for path, data, cmd in entries:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
    # the first two columns of MANIFEST, for recording new entries
    if len(sys.argv) > 1 and sys.argv[1] == "--commands":
        for path, data, cmd in entries:
            print("%s\t%s" % (path, cmd % os.path.basename(path)))

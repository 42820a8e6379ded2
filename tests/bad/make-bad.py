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


# ----------------------------------------------------------------------
# model files (mare-model(5)), through the one reader every command uses
import json, gzip, io, zipfile

M = "model/"
rm = "mare-report --model %s -o out.html"
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                       "model-good.json"), "rb") as f:
    good_model = f.read()


def mutate(fn):
    m = json.loads(good_model)
    fn(m)
    return json.dumps(m).encode() + b"\n"


def setk(path, value):
    def f(m):
        o = m
        for k in path[:-1]:
            o = o[k]
        o[path[-1]] = value
    return f


def delk(*path):
    def f(m):
        o = m
        for k in path[:-1]:
            o = o[k]
        del o[path[-1]]
    return f


add(M + "empty.json", b"", rm)
add(M + "truncated.json", good_model[:len(good_model) // 2], rm)
add(M + "array.json", b"[" + good_model + b"]", rm)
add(M + "format-other.json", mutate(setk(["format"], "mare-profile")), rm)
add(M + "version-2.json", mutate(setk(["version"], "2.0")), rm)
add(M + "version-number.json", mutate(setk(["version"], 1)), rm)
add(M + "type-unknown.json", mutate(setk(["type"], "randomforest")), rm)
add(M + "link-missing.json", mutate(delk("link")), rm)
add(M + "beta-short.json",
    mutate(lambda m: m["link"]["beta"].pop()), rm)
add(M + "beta-string.json", mutate(lambda m: m["link"]["beta"].__setitem__(
    0, "0.5")), rm)
add(M + "beta-overflow.json", good_model.replace(b'"beta":[-0.84', b'"beta":[1e999', 1), rm)
add(M + "beta-nan.json", good_model.replace(b'"beta":[-0.84', b'"beta":[NaN', 1), rm)
add(M + "spec-sha-short.json", mutate(setk(["spec_sha256"], "abc")), rm)
add(M + "features-missing.json", mutate(delk("features")), rm)
add(M + "bad-utf8.json", good_model.replace(b'"logistic"', b'"logi\xffstic"', 1), rm)
add(M + "nested.json", b'{"format": "mare-model", "x": ' + b"[" * 3000 +
    b"]" * 3000 + b"}\n", rm)
add(M + "duplicate-key.json", good_model.replace(b'{', b'{"format": "x", ', 1), rm)
add(M + "trailing.json", good_model + b"{}\n", rm)

# ----------------------------------------------------------------------
# ESRI ASCII grids (.asc, .asc.gz)
G = "grid/"
mp = "mare-report --map %s -o out.html"
hdr = (b"ncols 3\nnrows 2\nxllcorner -80\nyllcorner 20\ncellsize 0.5\n"
       b"NODATA_value -9999\n")
vals = b"1 2 3\n4 -9999 6\n"
add(G + "empty.asc", b"", mp)
add(G + "no-ncols.asc", hdr.replace(b"ncols 3\n", b""), mp)
add(G + "ncols-zero.asc", hdr.replace(b"ncols 3", b"ncols 0") + vals, mp)
add(G + "ncols-negative.asc", hdr.replace(b"ncols 3", b"ncols -3") + vals, mp)
add(G + "ncols-huge.asc", hdr.replace(b"ncols 3", b"ncols 1099511627776") +
    vals, mp)
add(G + "nrows-text.asc", hdr.replace(b"nrows 2", b"nrows two") + vals, mp)
add(G + "cellsize-zero.asc", hdr.replace(b"cellsize 0.5", b"cellsize 0") +
    vals, mp)
add(G + "cellsize-negative.asc", hdr.replace(b"cellsize 0.5",
    b"cellsize -0.5") + vals, mp)
add(G + "corner-nan.asc", hdr.replace(b"xllcorner -80", b"xllcorner nan") +
    vals, mp)
add(G + "too-few-values.asc", hdr + b"1 2 3\n4 5\n", mp)
add(G + "too-many-values.asc", hdr + vals + b"7\n", mp)
add(G + "value-text.asc", hdr + b"1 2 3\n4 x 6\n", mp)
add(G + "value-overflow.asc", hdr + b"1 2 3\n4 1e999 6\n", mp)
add(G + "value-f4-overflow.asc", hdr + b"1 2 3\n4 1e39 6\n", mp)
add(G + "value-inf.asc", hdr + b"1 2 3\n4 inf 6\n", mp)
add(G + "value-minus-inf.asc", hdr + b"1 2 3\n4 -inf 6\n", mp)
add(G + "value-nul.asc", hdr + b"1 2 3\n4 \0 6\n", mp)
add(G + "binary.asc", bytes(range(256)), mp)
add(G + "header-repeated.asc", hdr + b"ncols 3\n" + vals, mp)
add(G + "claim-2p34-cells.asc.gz", gzip.compress(hdr.replace(b"ncols 3",
    b"ncols 131072").replace(b"nrows 2", b"nrows 131072") + vals, mtime=0),
    mp)
add(G + "bad-gzip.asc.gz", b"\x1f\x8b\x08\x00" + b"\x00" * 20, mp)
add(G + "truncated.asc.gz", gzip.compress(hdr + vals, mtime=0)[:-12], mp)

# ----------------------------------------------------------------------
# rules files (mare-rules(5)) for mare-validate
R = "rules/"
rv = "mare-validate --rules %s -R rej.jsonl -o out.jsonl /dev/null"
def rule(t, **kw):
    return {"expectation_type": t, "kwargs": kw}
def suite(*e, **top):
    d = {"expectations": list(e)}
    d.update(top)
    return json.dumps(d).encode() + b"\n"
add(R + "empty.json", b"", rv)
add(R + "not-object.json", b"[]\n", rv)
add(R + "expectations-object.json", b'{"expectations": {}}\n', rv)
add(R + "unknown-type.json", suite(rule("expect_magic", column="a")), rv)
add(R + "no-column.json", suite(rule("expect_column_to_exist")), rv)
add(R + "between-no-bounds.json",
    suite(rule("expect_column_values_to_be_between", column="a")), rv)
add(R + "mostly-2.json", suite(rule("expect_column_to_exist", column="a",
    mostly=2)), rv)
add(R + "unknown-kwarg.json", suite(rule("expect_column_to_exist",
    column="a", colum="b")), rv)
add(R + "row-condition.json", suite(rule("expect_column_to_exist",
    column="a", row_condition="a>1")), rv)
add(R + "regex-bad.json", suite(rule("expect_column_values_to_match_regex",
    column="a", regex="(")), rv)
add(R + "version-2.json", suite(mare_rules_version=2), rv)
add(R + "builtins-some.json", suite(builtins="some"), rv)
add(R + "duplicate-key.json", b'{"expectations": [], "expectations": []}\n',
    rv)
add(R + "truncated.json", b'{"expectations": [{"expectation_type": ', rv)

# ----------------------------------------------------------------------
# Darwin Core Archives (zip) and CSV for mare-fetch
D = "dwca/"
fd = "mare-fetch dwca -o out.jsonl %s"
META = (b'<?xml version="1.0"?>\n<archive xmlns="http://rs.tdwg.org/dwc/text/">'
        b'<core encoding="UTF-8" fieldsTerminatedBy="\\t" '
        b'linesTerminatedBy="\\n" ignoreHeaderLines="1" '
        b'rowType="http://rs.tdwg.org/dwc/terms/Occurrence">'
        b'<files><location>occurrence.txt</location></files>'
        b'<id index="0"/>'
        b'<field index="0" term="http://rs.tdwg.org/dwc/terms/occurrenceID"/>'
        b'<field index="1" term="http://rs.tdwg.org/dwc/terms/decimalLatitude"/>'
        b'</core></archive>\n')
OCC = b"occurrenceID\tdecimalLatitude\nA\t1.5\nB\t2.5\n"
def zipof(members, method=zipfile.ZIP_DEFLATED):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", method) as z:
        for name, data in members:
            zi = zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0))
            zi.compress_type = method
            z.writestr(zi, data)
    return b.getvalue()
add(D + "empty.zip", b"", fd)
add(D + "not-zip.zip", b"occurrenceID\n", fd)
add(D + "empty-archive.zip", zipof([]), fd)
add(D + "truncated.zip", zipof([("meta.xml", META),
    ("occurrence.txt", OCC)])[:150], fd)
add(D + "meta-malformed.zip", zipof([("meta.xml", META[:-20]),
    ("occurrence.txt", OCC)]), fd)
add(D + "meta-no-core.zip", zipof([("meta.xml",
    b'<archive xmlns="http://rs.tdwg.org/dwc/text/"></archive>'),
    ("occurrence.txt", OCC)]), fd)
add(D + "core-file-missing.zip", zipof([("meta.xml", META)]), fd)
add(D + "field-index-huge.zip", zipof([("meta.xml", META.replace(
    b'field index="1"', b'field index="99999999999"')),
    ("occurrence.txt", OCC)]), fd)
add(D + "billion-laughs.zip", zipof([("meta.xml",
    b'<?xml version="1.0"?>\n<!DOCTYPE a [<!ENTITY l0 "ha">' +
    b"".join(b'<!ENTITY l%d "&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;'
             b'&l%d;&l%d;">' % ((i,) + (i - 1,) * 10) for i in range(1, 10))
    + b']>\n<archive>&l9;</archive>\n'), ("occurrence.txt", OCC)]), fd)
# 64 MiB of one line of zeros deflates to 64 KiB; the reader must stop at
# its line limit, not swallow it
add(D + "zip-bomb-line.zip", zipof([("meta.xml", META),
    ("occurrence.txt", OCC[:30] + b"0" * (64 << 20))]), fd)
add(D + "bad-crc.zip", zipof([("meta.xml", META), ("occurrence.txt", OCC)],
    zipfile.ZIP_STORED).replace(b"A\t1.5", b"A\t9.5"), fd)
add(D + "bad-utf8.zip", zipof([("meta.xml", META),
    ("occurrence.txt", OCC.replace(b"B\t", b"B\xff\t"))]), fd)

C = "csv/"
fc = "mare-fetch csv -o out.jsonl %s"
CSVH = b"occurrenceID,decimalLatitude,decimalLongitude\n"
add(C + "empty.csv", b"", fc)
add(C + "unterminated-quote.csv", CSVH + b'A,"1.5,2\n', fc)
add(C + "extra-field.csv", CSVH + b"A,1.5,2,9\n", fc)
add(C + "bad-utf8.csv", CSVH + b"A\xff,1.5,2\n", fc)
add(C + "nul-byte.csv", CSVH + b"A\0,1.5,2\n", fc)
add(C + "duplicate-header.csv", b"occurrenceID,occurrenceID\nA,B\n", fc)
add(C + "binary.csv", bytes(range(256)), fc)

if __name__ == "__main__":
    for path, data, cmd in entries:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
    # the first two columns of MANIFEST, for recording new entries
    if len(sys.argv) > 1 and sys.argv[1] == "--commands":
        for path, data, cmd in entries:
            print("%s\t%s" % (path, cmd % os.path.basename(path)))

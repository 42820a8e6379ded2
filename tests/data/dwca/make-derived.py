#!/usr/bin/env python3
"""make-derived.py - build the small broken archives and tables of the
dwca and csv unit tests from the real files next to them.

Run from tests/data/dwca: python3 make-derived.py. Deterministic: fixed
zip timestamps. Every derived file starts from
obis_ipt_test_pieter-v1.1_event_emof_tiny.zip (CC0) or
../csv/ioos_caricoos_sargassum_occurrence_dwc.csv (MIT)."""
import zipfile

SRC = "obis_ipt_test_pieter-v1.1_event_emof_tiny.zip"
src = zipfile.ZipFile(SRC)
m = {n: src.read(n) for n in src.namelist()}


def write(name, members):
    with zipfile.ZipFile(name, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in members:
            zi = zipfile.ZipInfo(n, date_time=(2018, 6, 8, 16, 8, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(zi, data)


# no meta.xml, two data files
write("derived_no_meta_two_files.zip",
      [("event.txt", m["event.txt"]), ("occurrence.txt", m["occurrence.txt"])])
# meta.xml names occurrence.txt, which is left out
write("derived_missing_file.zip",
      [(n, m[n]) for n in ("meta.xml", "event.txt", "eml.xml")])
# a separator of two characters
write("derived_bad_separator.zip",
      [(n, m[n].replace(b'fieldsTerminatedBy="\\t"',
                        b'fieldsTerminatedBy="\\t;"', 1)
        if n == "meta.xml" else m[n]) for n in m])
# line 4 of occurrence.txt loses its last two columns
occ = m["occurrence.txt"].split(b"\n")
occ[3] = b"\t".join(occ[3].split(b"\t")[:4])
write("derived_short_row.zip",
      [(n, b"\n".join(occ) if n == "occurrence.txt" else m[n]) for n in m])
# line 4 of occurrence.txt in Latin-1
occ = m["occurrence.txt"].split(b"\n")
occ[3] = occ[3].replace(b"Tellina fabula", "Tellina fàbula".encode("latin-1"))
write("derived_latin1.zip",
      [(n, b"\n".join(occ) if n == "occurrence.txt" else m[n]) for n in m])

# CSV: the first 5 data rows of the IOOS table, then broken copies
lines = open("../csv/ioos_caricoos_sargassum_occurrence_dwc.csv", "rb") \
    .read().split(b"\n")[:6]
# line 4: Latin-1 e acute in the scientific name
lat = list(lines)
lat[3] = lat[3].replace(b"Sargassum", "Sargassüm".encode("latin-1"), 1)
open("../csv/derived_latin1.csv", "wb").write(b"\n".join(lat) + b"\n")
# line 3: only 3 columns
few = list(lines)
few[2] = b",".join(few[2].split(b",")[:3])
open("../csv/derived_too_few.csv", "wb").write(b"\n".join(few) + b"\n")
# quoted fields with newlines (CRLF file): rows start on lines 2, 4, 7
q = [lines[0],
     lines[1].replace(b"Varadero_2021-01-13", b'"Varadero\n2021-01-13"', 1),
     lines[2].replace(b"HumanObservation", b'"Human\n""Observation""\n"', 1),
     lines[3]]
open("../csv/derived_quoted_newlines.csv", "wb").write(
    b"\r\n".join(x.rstrip(b"\r") for x in q) + b"\r\n")

#!/usr/bin/env python3
# httpd.py - loopback HTTP server replaying recorded GBIF and OBIS responses,
# with faults injected on demand
#
# The tests of lib/http, lib/cache and mare-fetch start this server, point
# the client at http://127.0.0.1:PORT and script what goes wrong. It binds
# 127.0.0.1 on an ephemeral port, announces the port on its first stdout
# line (and in --port-file, written atomically), and exits by itself after
# --max-seconds so that it can never outlive a test run. Python 3 standard
# library only.
#
# Routes (the data come from tests/data/{gbif,obis}/INDEX.tsv, which maps
# each recorded file to its request URL, status and content type):
#   /v1/occurrence/search  a recording whose query matches (parameter order
#                          and the defaults occurrenceStatus=PRESENT,
#                          facetLimit=, offset=0 ignored) is served byte for
#                          byte; another offset/limit of a recorded family
#                          (the Encelia pages 0/250/500, the Accipiter pages
#                          0/5) is cut out of the recorded pages (limit
#                          capped at 300, as GBIF does); else 404 JSON
#   /v1/species/match      the recorded names
#   /v3/occurrence         OBIS: the recorded queries; after=ID&size=N pages
#                          are cut out of the id-sorted size=100 recordings
#   anything recorded      served with its recorded status and content type
#   /synth/v1/occurrence/search
#                          a synthetic GBIF search backend over --synth N
#                          generated records (see synth_records()): honours
#                          year (A, A,B, * for an open end), decimalLongitude
#                          and decimalLatitude ranges (inclusive),
#                          hasCoordinate, offset and limit (at most 300), and
#                          refuses offset + limit above --gbif-cap (default
#                          100000, as GBIF) with 400; a repeated parameter is
#                          a 400 too (GBIF would OR the values)
#   /synth/_all            every synthetic record, one JSON object a line
#   POST /v1/occurrence/download/request
#                          GBIF's download API: basic auth must match
#                          --gbif-auth (default mare:secret), else 401 with
#                          the recorded body; answers 201 with the recorded
#                          key of the "format" asked (DWCA or SIMPLE_CSV)
#   GET /v1/occurrence/download/KEY
#                          the recorded status documents, the Nth poll of
#                          KEY giving the Nth of --download-statuses
#                          (default PREPARING,RUNNING,SUCCEEDED; the last
#                          repeats), with key, downloadLink (to this server),
#                          size and request.format rewritten; FAILED,
#                          KILLED... are SUCCEEDED with the status changed
#                          and no downloadLink; CANCELLED is the recording
#   GET /v1/occurrence/download/request/KEY.zip
#                          a real archive of tests/data/dwca (the DwC-A or
#                          the simple CSV download), honouring Range:
#                          bytes=N- with 206
#   GET /_last_post        the body of the last download request
#   /_echo                 GET or POST: a JSON object with the method, path,
#                          query, the request headers and the request body
#   POST /_control         a JSON object: {"reset": true} clears the rules,
#                          the per-path counters and the log; {"faults":
#                          [...]} appends rules (same format as --faults)
#
# Faults: --faults FILE holds a JSON list of rules (or {"faults": [...]}).
# A rule:
#   {"path": "/v1/occurrence/search",   exact path, or "*" for any path
#    "query": "offset=250",             optional substring of the raw query
#    "on": [2, 3],                      fire on these request numbers (the
#                                       server counts requests per path, from
#                                       1), or
#    "times": 3,                        fire on the next 3 matching requests
#                                       (default 1 when "on" is absent)
#    "fault": "status",                 see below
#    "status": 503, "retry_after": "1", "delay": 2.0, "body": "..."}
# The first rule that applies to a request fires. Faults:
#   status    answer with "status" (default 503), a small JSON body (or
#             "body"), and Retry-After: "retry_after" when given
#   reset     send the headers and half of the body, then reset the
#             connection (SO_LINGER 0: the client sees ECONNRESET)
#   truncate  Content-Length of the whole body, send half of it, close
#   slow      sleep "delay" seconds (default 2) before the headers, then
#             answer normally
#   html      200 with Content-Type text/html and an HTML error page
#   gzip      gzip the body even when the client did not ask for it
# Without a fault, a response is gzip-encoded when the client sends
# Accept-Encoding: gzip (--no-gzip turns that off).
#
# Log (--log FILE): one tab-separated line per request, flushed at once:
#   METHOD PATH STATUS FAULT ENCODING QUERY
# with FAULT "-" when none fired and ENCODING "gzip" or "identity". Control
# requests are not logged.
#
# Usage: httpd.py [--data DIR] [--port-file FILE] [--faults FILE]
#                 [--log FILE] [--max-seconds N] [--no-gzip]
#                 [--synth N] [--gbif-cap N] [--gbif-auth USER:PWD]
#                 [--download-statuses S,S,...]
#
# SPDX-License-Identifier: MIT

import argparse
import gzip
import json
import os
import socket
import socketserver
import struct
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer

# Parameters whose value here is the API's default: dropped before matching.
DEFAULTS = {
    ("occurrenceStatus", "PRESENT"), ("facetLimit", ""), ("offset", "0"),
    ("mof", "False"), ("mof", "false"), ("strict", "false"),
    ("verbose", "false"), ("verbose", "FALSE"),
}
GBIF_MAX_LIMIT = 300
FAULTS = {"status", "reset", "truncate", "slow", "html", "gzip"}
HTML_PAGE = (b"<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title>"
             b"</head>\n<body><h1>Bad Gateway</h1><p>The proxy server "
             b"received an invalid response from an upstream server.</p>"
             b"</body></html>\n")


def norm_params(query, drop=()):
    """Sorted (key, value) pairs of a query, defaults and drop keys out."""
    pairs = urllib.parse.parse_qsl(query, keep_blank_values=True)
    return tuple(sorted((k, v) for k, v in pairs
                        if (k, v) not in DEFAULTS and k not in drop))


class Recording:
    def __init__(self, datadir, row):
        self.file = os.path.join(datadir, row["file"])
        self.method = row["method"]
        self.status = int(row["status"])
        url = urllib.parse.urlsplit(row["url"])
        self.path = url.path
        self.query = url.query
        headers = {}
        if row.get("headers"):
            headers = {k.lower(): v for k, v in
                       json.loads(row["headers"]).items()}
        self.content_type = headers.get("content-type", "application/json")
        self.retry_after = headers.get("retry-after")
        self._body = None

    def body(self):
        if self._body is None:
            with open(self.file, "rb") as f:
                self._body = f.read()
        return self._body


class Store:
    """The recorded responses, indexed for matching."""

    def __init__(self, datadir):
        self.recs = []
        for sub in ("gbif", "obis"):
            index = os.path.join(datadir, sub, "INDEX.tsv")
            if not os.path.exists(index):
                continue
            with open(index, encoding="utf-8") as f:
                header = f.readline().rstrip("\n").split("\t")
                for line in f:
                    row = dict(zip(header, line.rstrip("\n").split("\t")))
                    row["file"] = os.path.join(sub, row["file"].split(
                        "/", 1)[1])
                    self.recs.append(Recording(datadir, row))

    def exact(self, method, path, query):
        # species/match recordings carry limit=100, which a match ignores
        drop = ("limit",) if path.endswith("/species/match") else ()
        want = norm_params(query, drop)
        for r in self.recs:
            if r.method == method and r.path == path and \
                    norm_params(r.query, drop) == want:
                return r
        return None

    def gbif_page(self, query):
        """Cut offset/limit out of a recorded family of GBIF pages."""
        params = dict(urllib.parse.parse_qsl(query, keep_blank_values=True))
        try:
            offset = int(params.get("offset", "0"))
            limit = int(params.get("limit", "20"))
        except ValueError:
            return None
        if offset < 0 or limit < 0:
            return None
        limit = min(limit, GBIF_MAX_LIMIT)
        family = norm_params(query, drop=("offset", "limit"))
        pages = {}
        for r in self.recs:
            if r.path == "/v1/occurrence/search" and r.status == 200 and \
                    norm_params(r.query, ("offset", "limit")) == family:
                p = dict(urllib.parse.parse_qsl(r.query))
                pages[int(p.get("offset", "0"))] = r
        if not pages:
            return None
        records, first, count, pos = [], None, 0, min(pages)
        while pos in pages:
            doc = json.loads(pages[pos].body())
            if first is None:
                first = doc
            count = doc.get("count", count)
            records.extend(doc["results"])
            if not doc["results"]:
                break
            pos += len(doc["results"])
        base = min(pages)
        lo, hi = offset - base, offset - base + limit
        if lo < 0 or hi > len(records):
            return None
        out = {"offset": offset, "limit": limit,
               "endOfRecords": offset + limit >= count,
               "count": count, "results": records[lo:hi],
               "facets": first.get("facets", [])}
        return json.dumps(out, ensure_ascii=False,
                          separators=(",", ":")).encode("utf-8")

    def obis_page(self, query):
        """Cut an after=/size= page out of an id-sorted OBIS recording."""
        params = dict(urllib.parse.parse_qsl(query, keep_blank_values=True))
        try:
            size = int(params.get("size", "10"))
        except ValueError:
            return None
        after = params.get("after")
        family = norm_params(query, drop=("after", "size", "offset"))
        for r in self.recs:
            if r.path != "/v3/occurrence" or r.status != 200:
                continue
            if norm_params(r.query, ("size", "offset")) != family:
                continue
            doc = json.loads(r.body())
            res = doc["results"]
            ids = [x["id"] for x in res]
            if ids != sorted(ids):
                continue
            if after is not None:
                res = [x for x in res if x["id"] > after]
            # Past the end of the recording nothing is known: refuse rather
            # than claim the end of the data.
            if len(res) < size and len(doc["results"]) < doc["total"]:
                return None
            out = {"total": doc["total"], "results": res[:size]}
            return json.dumps(out, ensure_ascii=False,
                              separators=(",", ":")).encode("utf-8")
        return None


def synth_records(n):
    """n deterministic GBIF-like records: about a third in the year 2000
    (so that one year needs splitting in space), some exactly on the
    0/0 midpoints, every 23rd without coordinates, every 29th without a
    year."""
    out = []
    for i in range(n):
        r = {"key": 100000 + i, "gbifID": str(100000 + i),
             "scientificName": "Synthetica testis",
             "basisOfRecord": "HUMAN_OBSERVATION"}
        if i % 29 != 0:
            r["year"] = 2000 if i % 3 == 0 else 1990 + (i * 7) % 31
        if i % 11 == 0 and i % 23 != 0:
            r["decimalLongitude"], r["decimalLatitude"] = 0.0, 0.0
        elif i % 23 != 0:
            r["decimalLongitude"] = ((i * 97) % 3600) / 10 - 180
            r["decimalLatitude"] = ((i * 53) % 1800) / 10 - 90
        out.append(r)
    return out


def synth_search(recs, cap, query):
    """(status, body) of a search over recs."""
    pairs = urllib.parse.parse_qsl(query, keep_blank_values=True)
    keys = [k for k, _ in pairs]
    dup = [k for k in set(keys) if keys.count(k) > 1]
    if dup:
        return 400, ("repeated parameter %s" % dup[0]).encode()
    q = dict(pairs)

    def rng(text):
        a, _, b = text.partition(",")
        b = b or a
        return (None if a == "*" else float(a), None if b == "*" else
                float(b))

    def inside(v, r):
        return v is not None and (r[0] is None or v >= r[0]) and \
            (r[1] is None or v <= r[1])
    sel = recs
    if "year" in q:
        r = rng(q["year"])
        sel = [x for x in sel if inside(x.get("year"), r)]
    for k in ("decimalLongitude", "decimalLatitude"):
        if k in q:
            r = rng(q[k])
            sel = [x for x in sel if inside(x.get(k), r)]
    if "hasCoordinate" in q:
        want = q["hasCoordinate"].lower() == "true"
        sel = [x for x in sel if ("decimalLatitude" in x) == want]
    offset = int(q.get("offset", "0"))
    limit = min(int(q.get("limit", "20")), GBIF_MAX_LIMIT)
    if offset + limit > cap:
        return 400, ("offset + limit must not exceed %d" % cap).encode()
    doc = {"offset": offset, "limit": limit,
           "endOfRecords": offset + limit >= len(sel), "count": len(sel),
           "results": sel[offset:offset + limit]}
    return 200, json.dumps(doc, separators=(",", ":")).encode()


DOWNLOAD_ZIPS = {
    "DWCA": "dwca/gbif_download_2013_tetraodon_fluviatilis_dwca.zip",
    "SIMPLE_CSV": "dwca/gbif_download_0009886-250127130748423_simplecsv.zip",
}
DL = "gbif/occurrence_download/"


class Downloads:
    """The download API's state: keys issued, polls counted."""

    def __init__(self, datadir, auth, statuses):
        self.datadir = datadir
        self.auth = auth
        self.statuses = statuses
        self.keys = {}          # key -> format
        self.polls = {}
        self.last_post = b""
        self.lock = threading.Lock()
        for fmt in DOWNLOAD_ZIPS:
            key = self.read(DL + "request_201_key_%s.txt" % fmt).strip()
            self.keys[key.decode()] = fmt

    def read(self, name):
        with open(os.path.join(self.datadir, name), "rb") as f:
            return f.read()

    def request(self, headers, body):
        import base64
        self.last_post = body
        want = "Basic " + base64.b64encode(self.auth.encode()).decode()
        if headers.get("Authorization") != want:
            return 401, "text/plain", self.read(
                "gbif/errors/http401_download_list_unauthorized.txt")
        try:
            fmt = json.loads(body).get("format", "DWCA")
        except ValueError:
            return 400, "text/plain", b"Invalid JSON\n"
        if fmt not in DOWNLOAD_ZIPS:
            return 400, "text/plain", b"Unsupported format\n"
        return 201, "application/json", self.read(
            DL + "request_201_key_%s.txt" % fmt)

    def status(self, key, base):
        fmt = self.keys.get(key)
        if fmt is None:
            return 404, "text/plain", b"Not found\n"
        with self.lock:
            n = self.polls.get(key, 0)
            self.polls[key] = n + 1
        st = self.statuses[min(n, len(self.statuses) - 1)]
        name = {"PREPARING": "status_PREPARING.json",
                "RUNNING": "status_RUNNING.json",
                "CANCELLED": "status_CANCELLED_with_polygon_predicate.json"
                }.get(st, "status_SUCCEEDED.json")
        doc = json.loads(self.read(DL + name))
        doc["key"] = key
        doc["status"] = st
        doc.setdefault("request", {})["format"] = fmt
        if st == "SUCCEEDED":
            doc["downloadLink"] = "%s/v1/occurrence/download/request/" \
                "%s.zip" % (base, key)
            doc["size"] = len(self.read(DOWNLOAD_ZIPS[fmt]))
        else:
            doc.pop("downloadLink", None)
        return 200, "application/json", json.dumps(doc).encode()

    def zipfile(self, key, rng):
        fmt = self.keys.get(key)
        if fmt is None:
            return 404, "text/plain", b"Not found\n", {}
        data = self.read(DOWNLOAD_ZIPS[fmt])
        if rng and rng.startswith("bytes=") and rng.endswith("-"):
            start = int(rng[6:-1])
            if start >= len(data):
                return 416, "text/plain", b"", {
                    "Content-Range": "bytes */%d" % len(data)}
            return 206, "application/zip", data[start:], {
                "Content-Range": "bytes %d-%d/%d" % (
                    start, len(data) - 1, len(data))}
        return 200, "application/zip", data, {}


class Faults:
    def __init__(self):
        self.lock = threading.Lock()
        self.rules = []
        self.counts = {}

    def add(self, spec):
        if isinstance(spec, dict):
            spec = spec.get("faults", [])
        if not isinstance(spec, list):
            raise ValueError("faults: expected a list of rules")
        with self.lock:
            for r in spec:
                if not isinstance(r, dict) or r.get("fault") not in FAULTS:
                    raise ValueError("faults: a rule needs \"fault\", one "
                                     "of " + ", ".join(sorted(FAULTS)))
                r = dict(r)
                if "on" not in r:
                    r.setdefault("times", 1)
                self.rules.append(r)

    def reset(self):
        with self.lock:
            self.rules = []
            self.counts = {}

    def pick(self, path, query):
        """Count the request, return the rule that fires or None."""
        with self.lock:
            n = self.counts.get(path, 0) + 1
            self.counts[path] = n
            for r in self.rules:
                if r.get("path", "*") not in ("*", path):
                    continue
                if r.get("query") and r["query"] not in query:
                    continue
                if "on" in r:
                    if n in r["on"]:
                        return r
                    continue
                if r["times"] > 0:
                    r["times"] -= 1
                    return r
            return None


class Server(socketserver.ThreadingMixIn, HTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        # A client that hung up (timeout, reset) is what the faults are
        # for; anything else is a bug worth a traceback.
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "mare-test-httpd/1"

    def log_message(self, fmt, *args):  # quiet: the log file is ours
        pass

    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def handle_any(self, method):
        url = urllib.parse.urlsplit(self.path)
        path, query = url.path, url.query
        reqbody = self.read_body() if method == "POST" else b""
        if path == "/_control" and method == "POST":
            return self.control(reqbody)
        rule = self.server.faults.pick(path, query)
        fault = rule["fault"] if rule else "-"
        status, ctype, body, extra = self.route(method, path, query,
                                                reqbody)
        if fault == "status":
            status = int(rule.get("status", 503))
            ctype = "application/json"
            body = rule.get("body", json.dumps(
                {"error": "injected fault", "status": status})).encode()
            if rule.get("retry_after") is not None:
                extra["Retry-After"] = str(rule["retry_after"])
        elif fault == "html":
            status, ctype, body = 200, "text/html; charset=utf-8", HTML_PAGE
        encoding = "identity"
        accept = self.headers.get("Accept-Encoding", "")
        if fault == "gzip" or ("gzip" in accept and self.server.gzip):
            body = gzip.compress(body, mtime=0)
            encoding = "gzip"
        self.server.log(method, path, status, fault, encoding, query)
        if fault == "slow":
            time.sleep(float(rule.get("delay", 2)))
        try:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            if encoding == "gzip":
                self.send_header("Content-Encoding", "gzip")
            for k, v in extra.items():
                self.send_header(k, v)
            if fault in ("reset", "truncate"):
                self.send_header("Connection", "close")
            self.end_headers()
            if fault in ("reset", "truncate"):
                self.wfile.write(body[:len(body) // 2])
                self.wfile.flush()
                if fault == "reset":
                    self.connection.setsockopt(
                        socket.SOL_SOCKET, socket.SO_LINGER,
                        struct.pack("ii", 1, 0))
                self.close_connection = True
                return
            self.wfile.write(body)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def route(self, method, path, query, reqbody):
        store = self.server.store
        extra = {}
        if path == "/_echo":
            doc = {"method": method, "path": path, "query": query,
                   "headers": {k: v for k, v in self.headers.items()},
                   "body": reqbody.decode("utf-8", "replace")}
            return 200, "application/json", json.dumps(doc).encode(), extra
        rec = store.exact(method, path, query)
        if rec is not None:
            if rec.retry_after:
                extra["Retry-After"] = rec.retry_after
            return rec.status, rec.content_type, rec.body(), extra
        if method == "GET" and path == "/synth/v1/occurrence/search":
            status, body = synth_search(self.server.synth,
                                        self.server.gbif_cap, query)
            return status, ("application/json" if status == 200 else
                            "text/plain"), body, extra
        dls = self.server.downloads
        dlpath = "/v1/occurrence/download/"
        if method == "POST" and path == dlpath + "request":
            status, ctype, body = dls.request(self.headers, reqbody)
            return status, ctype, body, extra
        if method == "GET" and path.startswith(dlpath + "request/") and \
                path.endswith(".zip"):
            key = path[len(dlpath + "request/"):-4]
            status, ctype, body, extra = dls.zipfile(
                key, self.headers.get("Range"))
            return status, ctype, body, extra
        if method == "GET" and path.startswith(dlpath) and \
                "/" not in path[len(dlpath):]:
            base = "http://%s:%d" % self.server.server_address[:2]
            status, ctype, body = dls.status(path[len(dlpath):], base)
            return status, ctype, body, extra
        if method == "GET" and path == "/_last_post":
            return 200, "application/json", dls.last_post, extra
        if method == "GET" and path == "/synth/_all":
            body = b"".join(json.dumps(r, separators=(",", ":")).encode()
                            + b"\n" for r in self.server.synth)
            return 200, "application/x-ndjson", body, extra
        body = None
        if method == "GET" and path == "/v1/occurrence/search":
            body = store.gbif_page(query)
        elif method == "GET" and path == "/v3/occurrence":
            body = store.obis_page(query)
        if body is not None:
            return 200, "application/json", body, extra
        msg = {"error": "not recorded", "path": path, "query": query}
        return 404, "application/json", json.dumps(msg).encode(), extra

    def control(self, reqbody):
        try:
            spec = json.loads(reqbody or b"{}")
            if not isinstance(spec, dict):
                raise ValueError("control: expected a JSON object")
            if spec.get("reset"):
                self.server.faults.reset()
                self.server.truncate_log()
            if "faults" in spec:
                self.server.faults.add(spec["faults"])
            status, body = 200, b'{"ok":true}'
        except ValueError as e:
            status = 400
            body = json.dumps({"error": str(e)}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description="mare test HTTP server")
    ap.add_argument("--data", default=os.path.join(here, "..", "data"))
    ap.add_argument("--port-file")
    ap.add_argument("--faults")
    ap.add_argument("--log")
    ap.add_argument("--max-seconds", type=float, default=300)
    ap.add_argument("--no-gzip", action="store_true")
    ap.add_argument("--synth", type=int, default=0)
    ap.add_argument("--gbif-cap", type=int, default=100000)
    ap.add_argument("--gbif-auth", default="mare:secret")
    ap.add_argument("--download-statuses",
                    default="PREPARING,RUNNING,SUCCEEDED")
    args = ap.parse_args()

    srv = Server(("127.0.0.1", 0), Handler)
    srv.store = Store(args.data)
    srv.faults = Faults()
    srv.gzip = not args.no_gzip
    srv.synth = synth_records(args.synth)
    srv.gbif_cap = args.gbif_cap
    srv.downloads = Downloads(args.data, args.gbif_auth,
                              args.download_statuses.split(","))
    if args.faults:
        try:
            with open(args.faults, encoding="utf-8") as f:
                srv.faults.add(json.load(f))
        except (OSError, ValueError) as e:
            sys.exit("httpd.py: %s: %s" % (args.faults, e))
    loglock = threading.Lock()
    logf = open(args.log, "a", encoding="utf-8") if args.log else None

    def log(method, path, status, fault, encoding, query):
        if logf is None:
            return
        with loglock:
            logf.write("%s\t%s\t%d\t%s\t%s\t%s\n" % (
                method, path, status, fault, encoding, query))
            logf.flush()

    def truncate_log():
        if logf is not None:
            with loglock:
                logf.seek(0)
                logf.truncate()

    srv.log = log
    srv.truncate_log = truncate_log

    port = srv.server_address[1]
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % port)
        os.rename(tmp, args.port_file)
    print(port, flush=True)

    def stop():
        time.sleep(args.max_seconds)
        os._exit(0)
    threading.Thread(target=stop, daemon=True).start()
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())

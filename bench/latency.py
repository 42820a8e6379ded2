#!/usr/bin/python3
"""latency.py RECORDS CMD... - per-record latency of a line-buffered filter.

Starts CMD, writes the lines of RECORDS one at a time and waits for each
answer line before writing the next; prints p50/p95/p99/max in
milliseconds (time from the write to the answer's arrival).
"""
import os
import subprocess
import sys
import time


def main():
    recs = open(sys.argv[1], 'rb').read().splitlines(keepends=True)
    p = subprocess.Popen(sys.argv[2:], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, bufsize=0)
    out = p.stdout.fileno()
    inp = p.stdin.fileno()
    lat = []
    buf = b''
    for r in recs:
        t0 = time.perf_counter()
        os.write(inp, r)
        while b'\n' not in buf:
            chunk = os.read(out, 65536)
            if not chunk:
                sys.exit('latency: the command ended early')
            buf += chunk
        lat.append(time.perf_counter() - t0)
        buf = buf[buf.index(b'\n') + 1:]
    p.stdin.close()
    p.wait()
    lat.sort()
    q = lambda f: lat[min(len(lat) - 1, int(f * len(lat)))] * 1e3
    print('p50 %.3f ms, p95 %.3f ms, p99 %.3f ms, max %.3f ms (%d records)'
          % (q(.50), q(.95), q(.99), lat[-1] * 1e3, len(lat)))


main()

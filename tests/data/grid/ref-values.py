# Reference values for tests/unit/test-grid.c, pure Python:
#   cd tests/data/grid/crop && python3 ../ref-values.py
# A cell is float(token) (the nearest double) rounded to float32 by struct.
import struct
def f32(tok):
    return struct.unpack('<f', struct.pack('<f', float(tok)))[0]
def read(p):
    with open(p) as f:
        hdr = [next(f).split() for _ in range(6)]
        toks = f.read().split()
    h = {k.lower(): float(x) for k, x in hdr}
    nc = int(h['ncols'])
    return h, nc, toks
masks = []
for name in ('SST_present_crop', 'PAR_present_crop', 'pH_present_crop'):
    h, nc, toks = read(name + '.asc')
    nd = f32(h['nodata_value'])
    m = [f32(t) != nd for t in toks]
    masks.append(m)
    print(name, h, 'valid', sum(m))
    for r, c in ((0, 0), (41, 60), (83, 119), (10, 100), (50, 5)):
        t = toks[r * nc + c]
        print('  ', r, c, t, '%.9g' % f32(t),
              '0x%08x' % struct.unpack('<I', struct.pack('<f', f32(t)))[0])
print('valid in all three', sum(all(x) for x in zip(*masks)))

#!/usr/bin/python3
"""Independent reference values for tests/unit/test-featspec.c.

Computes a selection of maxnet 0.1.4 features (linear, quadratic, hinge,
threshold, product) of swd.csv with numpy, straight from maxnet's R
definitions, without any of mare's code:

  knots        = seq(min, max, length = 50)          -> numpy.linspace
  hingeval     = pmin(1, pmax(0, (x - lo) / (hi - lo)))
  left hinges  = hingeval(x, k[i], max), i = 0..48
  right hinges = hingeval(x, min, k[j]), j = 1..49
  thresholds   = x >= k for k in seq(min, max, length = 52)[2:50+1]
                 (CRAN maxnet 0.1.4, R precedence: elements 3..51)
  clamp=TRUE   = variables clamped to [min, max] over all rows, then
                 features to their [min, max] over all rows

Writes ref.csv (row, clamp, class, var, var2, lo, hi, value; row is a
0-based data row of swd.csv, or newN for a row of newrows.csv) and
newrows.csv (raw rows outside the training range, to test clamping).
Run:  cd tests/data/features && /usr/bin/python3 make_ref.py
"""
import numpy as np

names = ['SST_present_crop', 'salinity_present_crop', 'PAR_present_crop',
         'pH_present_crop', 'currentspeed_present_crop']
d = np.genfromtxt('swd.csv', delimiter=',', names=True)
X = np.column_stack([d[n] for n in names]).astype(np.float64)
vmin, vmax = X.min(axis=0), X.max(axis=0)
N = 50


def hingeval(x, lo, hi):
    return np.minimum(1.0, np.maximum(0.0, (x - lo) / (hi - lo)))


def features(x):
    """The selected features of rows x: list of (class, v, v2, lo, hi, col)."""
    out = []
    for v, n in enumerate(names):
        out.append(('linear', n, '', '', '', x[:, v]))
    for v, n in enumerate(names):
        out.append(('quadratic', n, '', '', '', x[:, v] * x[:, v]))
    for n in ('SST_present_crop', 'pH_present_crop',
              'currentspeed_present_crop'):
        v = names.index(n)
        k = np.linspace(vmin[v], vmax[v], N)
        for i in (0, 1, 10, 48):
            out.append(('hinge', n, '', k[i], vmax[v],
                        hingeval(x[:, v], k[i], vmax[v])))
        for j in (1, 25, 48, 49):
            out.append(('hinge', n, '', vmin[v], k[j],
                        hingeval(x[:, v], vmin[v], k[j])))
    for n in ('salinity_present_crop', 'PAR_present_crop'):
        v = names.index(n)
        t = np.linspace(vmin[v], vmax[v], N + 2)[2:N + 1]
        assert len(t) == 49
        for j in (0, 1, 24, 48):
            out.append(('threshold', n, '', t[j], '',
                        (x[:, v] >= t[j]).astype(np.float64)))
    for a, b in ((0, 1), (0, 3), (2, 4), (3, 4)):
        out.append(('product', names[a], names[b], '', '',
                    x[:, a] * x[:, b]))
    return out


train = features(X)
fmin = [f[5].min() for f in train]
fmax = [f[5].max() for f in train]

new = np.array([
    [31.5, 35.0, 50.0, 8.0, 1.5],      # above/below every range
    [20.0, 38.0, 30.0, 8.3, 0.0],
    [27.0, 36.0, 40.0, 8.2, 0.5],      # inside every range
])


def g(v):
    return '' if v == '' else '%.17g' % v


rows = [0, 1, 245, 246, 3000, 8788]
with open('ref.csv', 'w') as f:
    f.write('row,clamp,class,var,var2,lo,hi,value\n')
    for r in rows:
        for c, n, n2, lo, hi, col in train:
            f.write('%d,0,%s,%s,%s,%s,%s,%s\n'
                    % (r, c, n, n2, g(lo), g(hi), g(col[r])))
    raw = features(new)
    cl = features(np.clip(new, vmin, vmax))
    for r in range(len(new)):
        for k, (c, n, n2, lo, hi, col) in enumerate(raw):
            f.write('new%d,0,%s,%s,%s,%s,%s,%s\n'
                    % (r, c, n, n2, g(lo), g(hi), g(col[r])))
        for k, (c, n, n2, lo, hi, col) in enumerate(cl):
            y = min(max(col[r], fmin[k]), fmax[k])
            f.write('new%d,1,%s,%s,%s,%s,%s,%s\n'
                    % (r, c, n, n2, g(lo), g(hi), g(y)))
with open('newrows.csv', 'w') as f:
    f.write(','.join(names) + '\n')
    for r in new:
        f.write(','.join('%.17g' % v for v in r) + '\n')

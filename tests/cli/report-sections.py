#!/usr/bin/python3
"""report-sections.py PAGE MODEL - check the ROC, tuning and importance
sections of a mare-report page against the model file it was made from.

Parses PAGE with html5lib (strict) and checks, printing one line per
failure and exiting 1 if any:
  - the ROC chart: one polyline per curve given, whose points are the
    model's fpr/tpr mapped through the chance diagonal's end points (the
    pixels of (0,0) and (1,1)), to the 0.1 px the page prints; the legend
    and caption show each AUC as "%.4f"; a missing curve is said so;
  - the tuning table: one row per tuning row, the selected one (only)
    marked, every number as given;
  - the importance table and bars: sorted by permutation importance, the
    numbers as given, each blue bar's width proportional to its value.
"""
import json
import sys

import html5lib

NS = '{http://www.w3.org/1999/xhtml}'
SVG = '{http://www.w3.org/2000/svg}'
errors = []


def fail(msg):
    errors.append(msg)


def text(e):
    return ''.join(e.itertext()).strip()


def num(v):
    return '\u2013' if v is None else ('%.6g' % v)


page = html5lib.HTMLParser(strict=True).parse(open(sys.argv[1], 'rb'))
model = json.load(open(sys.argv[2]))
sections = {s.get('id'): s for s in page.iter(NS + 'section')}
roc, tuning, imp = model.get('roc'), model.get('tuning'), model.get('importance')

# ROC
if roc is None:
    if 'roc' in sections:
        fail('roc: section without roc in the model')
else:
    sec = sections['roc']
    diag = [e for e in sec.iter(SVG + 'line') if e.get('class') == 'diag']
    if len(diag) != 1:
        fail('roc: %d diagonals' % len(diag))
    else:
        d = diag[0]
        x0, y0 = float(d.get('x1')), float(d.get('y1'))
        x1, y1 = float(d.get('x2')), float(d.get('y2'))
        for key, name in (('train', 'training'), ('cv', 'cross-validated')):
            c = roc.get(key)
            groups = [g for g in sec.iter(SVG + 'g')
                      if g.get('class') == 'roc-' + key]
            if c is None:
                if groups:
                    fail('roc %s: drawn but null in the model' % key)
                if 'no %s curve in the model' % name not in text(sec):
                    fail('roc %s: missing curve not said' % key)
                continue
            lines = list(groups[0].iter(SVG + 'polyline')) if groups else []
            if len(lines) != 1:
                fail('roc %s: %d polylines' % (key, len(lines)))
                continue
            pts = [tuple(map(float, p.split(',')))
                   for p in lines[0].get('points').split()]
            if len(pts) != len(c['fpr']):
                fail('roc %s: %d points, %d in the model'
                     % (key, len(pts), len(c['fpr'])))
            for (px, py), f, t in zip(pts, c['fpr'], c['tpr']):
                wx, wy = x0 + f * (x1 - x0), y0 + t * (y1 - y0)
                if abs(px - wx) > 0.05 + 1e-9 or abs(py - wy) > 0.05 + 1e-9:
                    fail('roc %s: point (%g, %g) drawn at (%g, %g), want '
                         '(%.2f, %.2f)' % (key, f, t, px, py, wx, wy))
            auc = '%.4f' % c['auc']
            legend = [text(e) for e in sec.iter(SVG + 'text')]
            if '%s, AUC %s' % (name, auc) not in legend:
                fail('roc %s: legend lacks AUC %s: %r' % (key, auc, legend))
            cap = [e for e in sec.iter(NS + 'b') if e.get('class') == 'auc-' + key]
            if not cap or text(cap[0]) != auc:
                fail('roc %s: caption AUC is not %s' % (key, auc))

# Tuning
if tuning is None:
    if 'tuning' in sections:
        fail('tuning: section without tuning in the model')
else:
    body = list(sections['tuning'].iter(NS + 'tbody'))[0]
    trs = list(body.iter(NS + 'tr'))
    if len(trs) != len(tuning['rows']):
        fail('tuning: %d rows, %d in the model' % (len(trs), len(tuning['rows'])))
    for i, (tr, r) in enumerate(zip(trs, tuning['rows'])):
        sel = tr.get('class') == 'sel'
        if sel != (i == tuning['selected']):
            fail('tuning: row %d marked %s' % (i, sel))
        cells = [text(td) for td in tr.iter(NS + 'td')]
        want = ['\u25b6' if i == tuning['selected'] else '',
                num(r['regmult'] if r.get('lambda') is None else r['lambda']),
                r['features'],
                '%.4f \u00b1 %.4f' % (r['auc_val_mean'], r['auc_val_sd']),
                '%.4f' % r['auc_train'],
                '\u2013' if r['aicc'] is None else '%.1f' % r['aicc'],
                str(r['nonzero']), 'yes' if r['converged'] else 'no']
        if cells != want:
            fail('tuning: row %d shows %r, want %r' % (i, cells, want))

# Importance
if not imp:
    if 'importance' in sections:
        fail('importance: section without importance in the model')
else:
    sec = sections['importance']
    order = sorted(imp, key=lambda e: -e['permutation'])
    body = list(sec.iter(NS + 'tbody'))[0]
    got = [[text(td) for td in tr.iter(NS + 'td')] for tr in body.iter(NS + 'tr')]
    want = [[e['variable'], num(e['permutation']), num(e.get('contribution'))]
            for e in order]
    if got != want:
        fail('importance: table %r, want %r' % (got, want))
    bars = [g for g in sec.iter(SVG + 'g') if g.get('class') == 'bars'][0]
    blue = [float(r.get('width')) for r in bars.iter(SVG + 'rect')
            if r.get('fill') == '#0072b2']
    names = [text(t) for t in bars.iter(SVG + 'text')
             if t.get('text-anchor') == 'end']
    if names != [e['variable'] for e in order]:
        fail('importance: bars labelled %r' % names)
    if len(blue) != len(order):
        fail('importance: %d bars' % len(blue))
    else:
        k = blue[0] / order[0]['permutation']
        for w, e in zip(blue, order):
            if abs(w - k * e['permutation']) > 0.1:
                fail('importance: bar of %s is %g px, want %.2f'
                     % (e['variable'], w, k * e['permutation']))

for e in errors:
    print(e)
sys.exit(1 if errors else 0)

#!/usr/bin/python3
# scipy_cases.py - reference values for mare's drift statistics
#
# Run with Debian's python3-scipy: /usr/bin/python3 scipy_cases.py > cases.json
# Writes the samples and scipy's answers (KS statistic and p-value exact
# and asymptotic, Wasserstein-1, Jensen-Shannon distance with the default
# base e, chi-square) as JSON; tests/unit/test-drift.c reads it.
# SPDX-License-Identifier: MIT
import json
import sys

import numpy as np
import scipy
from scipy import stats
from scipy.spatial import distance

rng = np.random.default_rng(20260817)


def r(a):
    return [float(v) for v in a]


cases = []
for name, n1, n2, shift in [("ks_small_exact", 40, 30, 0.5),
                            ("ks_equal_n", 50, 50, 0.4),
                            ("ks_ties", 200, 150, 0.0),
                            ("ks_mid_exact", 3000, 2000, 0.05),
                            ("ks_asymp", 20000, 15000, 0.03),
                            ("ks_asymp_far", 30000, 12000, 0.1),
                            ("ks_asymp_same", 12000, 11000, 0.0)]:
    a = rng.normal(0, 1, n1)
    b = rng.normal(shift, 1, n2)
    if name == "ks_ties":
        a = np.round(a * 4) / 4
        b = np.round(b * 4) / 4
    ks = stats.ks_2samp(a, b, method="auto")
    cases.append({"name": name, "a": r(a), "b": r(b),
                  "ks": float(ks.statistic), "p": float(ks.pvalue),
                  "wd": float(stats.wasserstein_distance(a, b))})

# Jensen-Shannon on count vectors, base e (scipy's default)
js = []
for p, q in [([10, 20, 30, 40], [40, 30, 20, 10]),
             ([5, 0, 5], [1, 1, 8]),
             ([1, 2, 3], [1, 2, 3])]:
    js.append({"p": p, "q": q,
               "js": float(distance.jensenshannon(p, q))})

# chi-square goodness of fit, expected = reference scaled to current total
chi = []
for ref, cur in [([30, 50, 20], [20, 60, 20]), ([100, 100, 100, 100],
                                                [90, 110, 80, 120])]:
    exp = np.array(ref, float) * sum(cur) / sum(ref)
    s = stats.chisquare(cur, exp)
    chi.append({"ref": ref, "cur": cur, "stat": float(s.statistic),
                "p": float(s.pvalue)})

json.dump({"numpy": np.__version__, "scipy": scipy.__version__,
           "python": sys.version.split()[0],
           "cases": cases, "js": js, "chisquare": chi}, sys.stdout)
print()

#!/usr/bin/python3
"""make_ref.py - reference fits for tests/unit/test-optim.c and test-metrics.c

Run from this folder with Debian's python and tools:
    /usr/bin/python3 make_ref.py        (needs liblinear-tools, python3-sklearn)
    Rscript make_ref.R                  (needs r-cran-glmnet; appends to refs.csv)

X = the 5 layer columns of swd.csv, y = p. Every row of refs.csv is one
fit: how to pose it to mare (intercept mode, standardize, lambda, alpha,
weights) and the coefficients on the original scale with the objective in
mare's (glmnet) scaling, F = (1/W) sum w l + lambda sum (alpha|b~| +
(1-alpha)/2 b~^2), b~ = standardised coefficients when standardize = 1.

intercept = 1: an unpenalised intercept; intercept = 0: liblinear's -B 1,
i.e. no intercept but a constant column of 1 appended to X as feature 6
(whose weight liblinear penalises like any other) -- mare poses exactly
that problem, so the comparison needs no approximation.
"""
import os
import subprocess
import sys

import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss, roc_auc_score

HERE = os.path.dirname(os.path.abspath(__file__))
d = np.genfromtxt(os.path.join(HERE, "swd.csv"), delimiter=",", names=True)
cols = d.dtype.names[3:]
X = np.column_stack([d[c] for c in cols])
y = d["p"]
n, p = X.shape
rows = []


def logl(eta, y):
    return np.logaddexp(0, eta) - y * eta


def objective(b0, b, lam, alpha, w, std, icpt):
    w = np.ones(n) if w is None else w
    Xa = X if icpt else np.column_stack([X, np.ones(n)])
    W = w.sum()
    eta = b0 + Xa @ b
    L = (w * logl(eta, y)).sum() / W
    if std:
        m = (w @ Xa) / W
        s = np.sqrt((w @ (Xa - m) ** 2) / W)
        bt = b * s
    else:
        bt = b
    return L + lam * (alpha * np.abs(bt).sum() + (1 - alpha) / 2 * (bt ** 2).sum())


def add(case, tool, icpt, std, lam, alpha, weights, b0, b):
    w = None if weights == "none" else np.where(y == 1, 1.0, 100.0)
    f = objective(b0, np.asarray(b), lam, alpha, w, std, icpt)
    bb = list(b) + ([0.0] if icpt else [])
    rows.append([case, tool, "logistic", str(icpt), str(std), repr(lam),
                 repr(alpha), weights, repr(float(b0))] +
                [repr(float(v)) for v in bb] + [repr(float(f))])


def liblinear(s, C):
    path = os.path.join("/tmp", "mare_ref_swd.libsvm")
    with open(path, "w") as fp:
        for i in range(n):
            fp.write("%d %s\n" % (y[i], " ".join("%d:%.17g" % (j + 1, X[i, j])
                                                for j in range(p))))
    model = "/tmp/mare_ref_swd.model"
    subprocess.run(["liblinear-train", "-q", "-s", str(s), "-c", repr(C),
                    "-B", "1", "-e", "1e-8", path, model], check=True)
    lines = open(model).read().split("\n")
    k = lines.index("w")
    label = [l for l in lines if l.startswith("label")][0].split()[1:]
    w = np.array([float(v) for v in lines[k + 1:k + 1 + p + 1]])
    # liblinear's weights are for the first label it saw (1 here)
    if label[0] != "1":
        w = -w
    return w


# 1. liblinear -s 0 -c 1 -B 1: mare lambda = 1/(C n), intercept as column
C = 1.0
w = liblinear(0, C)
add("l2_liblinear_B1", "liblinear-train -s 0 -c 1 -B 1 -e 1e-8", 0, 0,
    1 / (C * n), 0.0, "none", 0.0, w)

# 2. liblinear -s 6 (L1): ||w||_1 + C sum l  ->  lambda = 1/(C n), alpha 1
C6 = 0.05
w = liblinear(6, C6)
add("l1_liblinear_B1", "liblinear-train -s 6 -c 0.05 -B 1 -e 1e-8", 0, 0,
    1 / (C6 * n), 1.0, "none", 0.0, w)

# 3. sklearn L2, unpenalised intercept, raw features, newton-cg
C = 1.0
m = LogisticRegression(C=C, solver="newton-cg", tol=1e-12,
                       max_iter=100000).fit(X, y)
add("l2_sklearn_raw", "sklearn newton-cg C=1", 1, 0, 1 / (C * n), 0.0,
    "none", m.intercept_[0], m.coef_[0])

# 4. sklearn L2 on standardised X (population sd), mapped back
mu = X.mean(axis=0)
sd = X.std(axis=0)
Z = (X - mu) / sd
C = 0.01
m = LogisticRegression(C=C, solver="newton-cg", tol=1e-12,
                       max_iter=100000).fit(Z, y)
b = m.coef_[0] / sd
add("l2_sklearn_std", "sklearn newton-cg C=0.01 on standardised X", 1, 1,
    1 / (C * n), 0.0, "none", m.intercept_[0] - mu @ b, b)

# 5. sklearn L1 (saga: unpenalised intercept) on standardised X
C = 0.02
m = LogisticRegression(C=C, penalty="l1", solver="saga", tol=1e-13,
                       max_iter=200000).fit(Z, y)
b = m.coef_[0] / sd
add("l1_sklearn_std", "sklearn saga l1 C=0.02 on standardised X", 1, 1,
    1 / (C * n), 1.0, "none", m.intercept_[0] - mu @ b, b)

with open(os.path.join(HERE, "refs.csv"), "w") as fp:
    fp.write("case,tool,family,intercept,standardize,lambda,alpha,weights,"
             "b0,b1,b2,b3,b4,b5,b6,objective\n")
    for r in rows:
        fp.write(",".join(r) + "\n")

# Metrics: scores with many ties (rounded model scores) and labels
rng = np.random.RandomState(20240601)
sc = np.round(1 / (1 + np.exp(-(Z @ np.array([1.0, -0.5, 0.3, 0.2, -0.1]) - 3))), 2)
wt = rng.uniform(0.5, 2.0, n).round(3)
with open(os.path.join(HERE, "metrics_cases.csv"), "w") as fp:
    fp.write("y,score,w\n")
    for i in range(n):
        fp.write("%d,%r,%r\n" % (y[i], float(sc[i]), float(wt[i])))
with open(os.path.join(HERE, "metrics_ref.txt"), "w") as fp:
    fp.write("auc %r\n" % roc_auc_score(y, sc))
    fp.write("auc_weighted %r\n" % roc_auc_score(y, sc, sample_weight=wt))
    fp.write("logloss %r\n" % log_loss(y, sc, eps=1e-15))
    fp.write("logloss_weighted %r\n" % log_loss(y, sc, eps=1e-15,
                                              sample_weight=wt))
with open(os.path.join(HERE, "VERSIONS"), "w") as fp:
    fp.write("python %s\nnumpy %s\nscikit-learn %s\n" % (
        sys.version.split()[0], np.__version__, sklearn.__version__))
    v = subprocess.run(["dpkg-query", "-W", "liblinear-tools",
                        "r-cran-glmnet", "r-base-core"],
                       capture_output=True, text=True).stdout
    fp.write(v)

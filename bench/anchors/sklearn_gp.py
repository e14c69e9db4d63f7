#!/usr/bin/env python3
"""scikit-learn anchor for the surrogates suite of `paretonas bench` (src/bench/suites/surrogates.ts):
a Gaussian process fitted and asked for mean + std on the data files the suite wrote, timed
the way the suite times its own.

Usage: sklearn_gp.py D N M DIR FIT_RUNS PREDICT_RUNS
DIR holds x.f64 (N x D), y.f64 (N), xq.f64 (M x D), little-endian float64. Writes mu.f64 and
sd.f64 (the last predict) there and prints one JSON object: fit and predict times (seconds, the
first call first), the log marginal likelihood and the fitted hyperparameters.

The model: GaussianProcessRegressor(ConstantKernel() * Matern(nu=2.5, length_scale=ones(D))
+ WhiteKernel(), normalize_y=True, n_restarts_optimizer=0), default bounds 1e-5..1e5.
"""
import json, sys, time, warnings
import numpy as np
import sklearn
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel

warnings.filterwarnings("ignore")
d, n, m, path, fit_runs, predict_runs = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5]), int(sys.argv[6])
x = np.fromfile(path + "/x.f64", dtype="<f8").reshape(n, d)
y = np.fromfile(path + "/y.f64", dtype="<f8")
xq = np.fromfile(path + "/xq.f64", dtype="<f8").reshape(m, d)
fit = []
for _ in range(fit_runs):
    gpr = GaussianProcessRegressor(ConstantKernel() * Matern(nu=2.5, length_scale=np.ones(d)) + WhiteKernel(), normalize_y=True, n_restarts_optimizer=0)
    t = time.perf_counter(); gpr.fit(x, y); fit.append(time.perf_counter() - t)
predict = []
for _ in range(predict_runs):
    t = time.perf_counter(); mu, sd = gpr.predict(xq, return_std=True); predict.append(time.perf_counter() - t)
k = gpr.kernel_
mu.astype("<f8").tofile(path + "/mu.f64"); sd.astype("<f8").tofile(path + "/sd.f64")
print(json.dumps({"version": sklearn.__version__, "fit": fit, "predict": predict, "lml": float(gpr.log_marginal_likelihood_value_),
  "constant": float(k.k1.k1.constant_value), "lengthscales": [float(v) for v in np.atleast_1d(k.k1.k2.length_scale)],
  "noise": float(k.k2.noise_level)}))

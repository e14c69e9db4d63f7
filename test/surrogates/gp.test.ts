// Gaussian-process regression: the WebAssembly kernels against the plain-TS twin, the gradient
// against finite differences, fitting, jitter, errors, and interpolation.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/random/rng.ts';
import {
  BOTORCH_PRIORS, GaussianProcess, cholesky, gpKernelMatrix, gpLogMarginalLikelihood, hyperparametersOf, thetaOf,
  type GpHyperparameters,
} from '../../src/surrogates/gp.ts';
import { choleskyReference, kernelMatrixReference, lmlReference, predictReference } from '../../src/surrogates/reference/gp.ts';

function data(seed: number, n: number, d: number, noise = 0.05): { x: Float64Array; y: Float64Array } {
  const rng = new Rng(seed);
  const x = Float64Array.from({ length: n * d }, () => rng.random());
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += Math.sin(3 * x[i * d + k] + k) / (k + 1);
    y[i] = s + noise * rng.normal();
  }
  return { x, y };
}

function hyper(seed: number, d: number, noise = 0.03): GpHyperparameters {
  const rng = new Rng(seed);
  return { mean: 0.2, lengthscales: Array.from({ length: d }, () => 0.2 + rng.random()), outputscale: 0.7 + rng.random(), noise };
}

function maxAbs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let e = 0;
  for (let i = 0; i < a.length; i++) e = Math.max(e, Math.abs(a[i] - b[i]));
  return e;
}

// sizes around the 4-row and 2-lane blocking of the kernels
const SIZES: [number, number][] = [[1, 1], [2, 1], [3, 2], [4, 3], [5, 1], [7, 4], [8, 2], [9, 13], [13, 5], [16, 3], [31, 6], [64, 13], [101, 7]];

describe('GP kernels vs the plain-TS twin', () => {
  it.each(SIZES)('kernel matrix, n = %i, d = %i', (n, d) => {
    const { x } = data(n * 31 + d, n, d);
    const q = data(n + 7, n + 3, d).x;
    const h = hyper(n, d);
    expect(maxAbs(gpKernelMatrix(q, x, d, h), kernelMatrixReference(q, x, d, thetaOf(h)))).toBeLessThan(1e-14);
    const k = gpKernelMatrix(x, x, d, h);
    for (let i = 0; i < n; i++) expect(k[i * n + i]).toBeCloseTo(h.outputscale, 14);
  });

  it.each(SIZES)('Cholesky: L Lᵀ = A and L matches the twin, n = %i', (n, d) => {
    const { x } = data(n + 100 * d, n, d);
    const h = hyper(n + 1, d, 0.1);
    const a = gpKernelMatrix(x, x, d, h);
    for (let i = 0; i < n; i++) a[i * n + i] += h.noise;
    const { l, jitter } = cholesky(a, n);
    expect(jitter).toBe(0);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        if (j > i) expect(l[i * n + j]).toBe(0);
        let s = 0;
        for (let k = 0; k < n; k++) s += l[i * n + k] * l[j * n + k];
        expect(Math.abs(s - a[i * n + j])).toBeLessThan(1e-13 * (1 + Math.abs(a[i * n + j])));
      }
    }
    expect(maxAbs(l, choleskyReference(a, n)!)).toBeLessThan(1e-12);
  });

  it('Cholesky of a larger matrix (n = 257)', () => {
    const n = 257, d = 4;
    const { x } = data(5, n, d);
    const h = hyper(3, d, 1e-2);
    const a = gpKernelMatrix(x, x, d, h);
    for (let i = 0; i < n; i++) a[i * n + i] += h.noise;
    const { l } = cholesky(a, n);
    let err = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        let s = 0;
        for (let k = 0; k <= j; k++) s += l[i * n + k] * l[j * n + k];
        err = Math.max(err, Math.abs(s - a[i * n + j]));
      }
    }
    expect(err).toBeLessThan(1e-12);
  });

  it.each(SIZES)('log marginal likelihood and gradient, n = %i, d = %i', (n, d) => {
    const { x, y } = data(n * 7 + d, n, d);
    const h = hyper(n + d, d);
    const ours = gpLogMarginalLikelihood(x, y, d, h, { gradient: true });
    const twin = lmlReference(x, y, d, thetaOf(h))!;
    expect(ours.jitter).toBe(0);
    expect(Math.abs(ours.lml - twin.lml)).toBeLessThan(1e-10 * (1 + Math.abs(twin.lml)));
    for (let p = 0; p < d + 3; p++) expect(Math.abs(ours.gradient![p] - twin.gradient[p])).toBeLessThan(1e-9 * (1 + Math.abs(twin.gradient[p])));
  });

  it.each([[12, 3], [40, 5], [70, 13]])('gradient matches central finite differences, n = %i, d = %i', (n, d) => {
    const { x, y } = data(n, n, d);
    const theta = thetaOf(hyper(n, d, 0.05));
    const at = (t: Float64Array) => gpLogMarginalLikelihood(x, y, d, hyperparametersOf(t, d)).lml;
    const { gradient } = gpLogMarginalLikelihood(x, y, d, hyperparametersOf(theta, d), { gradient: true });
    const h = 1e-5;
    for (let p = 0; p < d + 3; p++) {
      const tp = Float64Array.from(theta), tm = Float64Array.from(theta);
      tp[p] += h;
      tm[p] -= h;
      const fd = (at(tp) - at(tm)) / (2 * h);
      expect(Math.abs(gradient![p] - fd)).toBeLessThan(1e-6 * (1 + Math.abs(fd)));
    }
  });

  it.each(SIZES)('predictions match the twin, n = %i, d = %i', (n, d) => {
    const { x, y } = data(n * 3 + d, n, d);
    const h = hyper(n * 5, d);
    const model = GaussianProcess.fromHyperparameters(x, y, d, h);
    const q = data(n + 11, 2 * n + 69, d).x; // more than one 64-point block for the larger n
    const ours = model.predict(q);
    const twin = predictReference(x, y, d, thetaOf(h), q);
    expect(maxAbs(ours.mean, twin.mean)).toBeLessThan(1e-11);
    expect(maxAbs(ours.variance, twin.variance)).toBeLessThan(1e-11);
    const noisy = model.predict(q, { observationNoise: true });
    expect(maxAbs(noisy.variance, twin.variance.map((v) => v + h.noise))).toBeLessThan(1e-11);
    expect(maxAbs(noisy.mean, ours.mean)).toBe(0);
    expect(model.predict(q, { variance: false }).variance.length).toBe(0);
    expect(model.predict(new Float64Array(0)).mean.length).toBe(0);
    model.dispose();
  });

  it.each([[1, 1], [5, 2], [9, 13], [40, 5], [101, 15]])(
    'posterior mean and variance gradients w.r.t. the test point match central finite differences, n = %i, d = %i',
    (n, d) => {
      const { x, y } = data(n * 7 + d, n, d);
      const rawY = y.map((v) => 3 + 5 * v);
      const h = hyper(n * 3 + 1, d);
      // standardised targets (the scale enters the gradients) and an exact copy of the model
      const model = GaussianProcess.fromHyperparameters(x, rawY, d, h, { normalizeY: true });
      const q = data(n + 5, 6, d).x;
      // a training point and a point beside it (r = 0 and tiny r: the kernel is smooth there)
      const at = Float64Array.from(x.subarray(0, d));
      const beside = Float64Array.from(at, (v, k) => v + (k === 0 ? 1e-9 : 0));
      const pts = Float64Array.from([...q, ...at, ...beside]);
      const m = pts.length / d;
      const g = model.predictGradient(pts);
      const p = model.predict(pts);
      expect(maxAbs(g.mean, p.mean)).toBeLessThan(1e-11 * 5);
      expect(maxAbs(g.variance, p.variance)).toBeLessThan(1e-11 * 25);
      const step = 1e-6;
      for (let i = 0; i < m; i++) {
        for (let k = 0; k < d; k++) {
          const xp = Float64Array.from(pts.subarray(i * d, (i + 1) * d)), xm = Float64Array.from(xp);
          xp[k] += step;
          xm[k] -= step;
          const pp = model.predict(xp), pm = model.predict(xm);
          const fdMean = (pp.mean[0] - pm.mean[0]) / (2 * step);
          const fdVar = (pp.variance[0] - pm.variance[0]) / (2 * step);
          expect(Math.abs(g.meanGrad[i * d + k] - fdMean)).toBeLessThan(2e-6 * (1 + Math.abs(fdMean)));
          expect(Math.abs(g.varianceGrad[i * d + k] - fdVar)).toBeLessThan(2e-6 * (1 + Math.abs(fdVar)));
        }
      }
      expect(model.predictGradient(new Float64Array(0)).meanGrad.length).toBe(0);
      model.dispose();
      expect(() => model.predictGradient(q)).toThrow(/GaussianProcess.predictGradient: the model has been disposed/);
    },
  );

  it('posterior gradients of a fitted model (MS-EHVI settings) match finite differences', () => {
    const n = 30, d = 15;
    const { x, y } = data(77, n, d, 0.01);
    const model = GaussianProcess.fit(x, y, d, { priors: true, fixedNoise: 1e-7, restarts: 2, seed: 3 });
    const q = data(78, 4, d).x;
    const g = model.predictGradient(q);
    const step = 1e-6;
    for (let i = 0; i < 4; i++) {
      for (let k = 0; k < d; k++) {
        const xp = Float64Array.from(q.subarray(i * d, (i + 1) * d)), xm = Float64Array.from(xp);
        xp[k] += step;
        xm[k] -= step;
        const pp = model.predict(xp), pm = model.predict(xm);
        const fdMean = (pp.mean[0] - pm.mean[0]) / (2 * step);
        const fdVar = (pp.variance[0] - pm.variance[0]) / (2 * step);
        expect(Math.abs(g.meanGrad[i * d + k] - fdMean)).toBeLessThan(1e-5 * (1 + Math.abs(fdMean)));
        expect(Math.abs(g.varianceGrad[i * d + k] - fdVar)).toBeLessThan(1e-5 * (1 + Math.abs(fdVar)));
      }
    }
    model.dispose();
  });

  it('normalizeY: predictions are de-standardised and the LML is that of the standardised targets', () => {
    const n = 30, d = 2;
    const { x, y } = data(1, n, d);
    const yRaw = y.map((v) => 100 + 7 * v);
    const h = hyper(2, d);
    const model = GaussianProcess.fromHyperparameters(x, yRaw, d, h, { normalizeY: true });
    let mu = 0;
    for (const v of yRaw) mu += v;
    mu /= n;
    let s2 = 0;
    for (const v of yRaw) s2 += (v - mu) ** 2;
    const sd = Math.sqrt(s2 / n);
    const z = yRaw.map((v) => (v - mu) / sd);
    expect(model.yShift).toBeCloseTo(mu, 12);
    expect(model.yScale).toBeCloseTo(sd, 12);
    expect(model.lml).toBeCloseTo(lmlReference(x, z, d, thetaOf(h))!.lml, 9);
    expect(model.lmlRaw).toBeCloseTo(model.lml - n * Math.log(sd), 9);
    const q = data(9, 5, d).x;
    const twin = predictReference(x, z, d, thetaOf(h), q);
    const p = model.predict(q);
    for (let i = 0; i < 5; i++) {
      expect(p.mean[i]).toBeCloseTo(mu + sd * twin.mean[i], 9);
      expect(p.variance[i]).toBeCloseTo(sd * sd * twin.variance[i], 9);
    }
    model.dispose();
  });
});

describe('GP fitting', () => {
  it('improves the log marginal likelihood over its starting point, and over a single start', () => {
    const n = 60, d = 4;
    const { x, y } = data(11, n, d, 0.02);
    const start = GaussianProcess.fromHyperparameters(x, y, d, { mean: 0, lengthscales: [1, 1, 1, 1], outputscale: 1, noise: 0.01 }, { normalizeY: true });
    const one = GaussianProcess.fit(x, y, d, { restarts: 1, rawSamples: 0 });
    const many = GaussianProcess.fit(x, y, d, { restarts: 4, rawSamples: 16, seed: 3 });
    expect(one.lml).toBeGreaterThan(start.lml + 1);
    expect(many.lml).toBeGreaterThanOrEqual(one.lml - 1e-6);
    expect(many.fitInfo!.runs.length).toBe(4);
    // the optimum is stationary: the gradient is small in every free direction
    const z = y.map((v) => (v - many.yShift) / many.yScale);
    const { gradient } = gpLogMarginalLikelihood(x, z, d, many.hyperparameters, { gradient: true });
    for (const g of gradient!) expect(Math.abs(g)).toBeLessThan(1e-2);
    for (const m of [start, one, many]) m.dispose();
  });

  it('is deterministic given the data, options and seed', () => {
    const { x, y } = data(4, 40, 3);
    const a = GaussianProcess.fit(x, y, 3, { seed: 9 });
    const b = GaussianProcess.fit(x, y, 3, { seed: 9 });
    expect(a.hyperparameters).toEqual(b.hyperparameters);
    expect(a.lml).toBe(b.lml);
    a.dispose();
    b.dispose();
  });

  it('respects bounds, a fixed noise, a zero mean and warm starts', () => {
    const { x, y } = data(6, 50, 3);
    const m = GaussianProcess.fit(x, y, 3, { fixedNoise: 1e-4, mean: 'zero', bounds: { lengthscale: [0.2, 0.5], outputscale: [0.5, 2] } });
    expect(m.hyperparameters.noise).toBeCloseTo(1e-4, 15);
    expect(m.hyperparameters.mean).toBe(0);
    const range = (k: number) => {
      let lo = Infinity, hi = -Infinity;
      for (let i = 0; i < 50; i++) {
        lo = Math.min(lo, x[i * 3 + k]);
        hi = Math.max(hi, x[i * 3 + k]);
      }
      return hi - lo;
    };
    m.hyperparameters.lengthscales.forEach((l, k) => {
      expect(l).toBeGreaterThanOrEqual(0.2 * range(k) * (1 - 1e-12));
      expect(l).toBeLessThanOrEqual(0.5 * range(k) * (1 + 1e-12));
    });
    expect(m.hyperparameters.outputscale).toBeGreaterThanOrEqual(0.5 * (1 - 1e-12));
    // the profiled constant mean is clamped to its bounds
    const clamped = GaussianProcess.fit(x, y, 3, { bounds: { mean: [0.5, 0.6] } });
    expect(clamped.hyperparameters.mean).toBe(0.5);
    clamped.dispose();
    // and otherwise is the generalised least-squares estimate 1ᵀK⁻¹z / 1ᵀK⁻¹1 at the fitted θ
    const free = GaussianProcess.fit(x, y, 3);
    const z = y.map((v) => (v - free.yShift) / free.yScale);
    const h0 = { ...free.hyperparameters, mean: 0 };
    const ones = new Float64Array(50).fill(1);
    const a1 = lmlReference(x, ones, 3, thetaOf(h0))!.alpha, az = lmlReference(x, z, 3, thetaOf(h0))!.alpha;
    const gls = az.reduce((t, v) => t + v, 0) / a1.reduce((t, v) => t + v, 0);
    expect(free.hyperparameters.mean).toBeCloseTo(gls, 10);
    free.dispose();
    const warm = GaussianProcess.fit(x, y, 3, { init: m.hyperparameters, fixedNoise: 1e-4, mean: 'zero', bounds: { lengthscale: [0.2, 0.5], outputscale: [0.5, 2] }, restarts: 1, rawSamples: 0 });
    expect(warm.fitInfo!.runs[0].start).toBe('init');
    expect(warm.lml).toBeGreaterThanOrEqual(m.lml - 1e-6);
    m.dispose();
    warm.dispose();
  });

  it('priors: the MAP objective is the LML plus the Gamma log densities, and pulls length scales towards the prior', () => {
    const { x, y } = data(8, 25, 5, 0.2);
    const ml = GaussianProcess.fit(x, y, 5);
    const map = GaussianProcess.fit(x, y, 5, { priors: true });
    const [a, b] = BOTORCH_PRIORS.lengthscale!, [as, bs] = BOTORCH_PRIORS.outputscale!;
    const h = map.hyperparameters;
    let lp = (as - 1) * Math.log(h.outputscale) - bs * h.outputscale;
    for (const l of h.lengthscales) lp += (a - 1) * Math.log(l) - b * l;
    expect(map.objective).toBeCloseTo(map.lml + lp, 8);
    expect(ml.objective).toBe(ml.lml);
    expect(Math.max(...h.lengthscales)).toBeLessThan(5);
    ml.dispose();
    map.dispose();
  });

  it('interpolates a smooth function', () => {
    const d = 2, n = 60;
    const f = (u: number, v: number) => Math.sin(4 * u) * Math.cos(3 * v) + u * v;
    const rng = new Rng(2);
    const x = Float64Array.from({ length: n * d }, () => rng.random());
    const y = Float64Array.from({ length: n }, (_, i) => f(x[2 * i], x[2 * i + 1]));
    const m = GaussianProcess.fit(x, y, d);
    const q = Float64Array.from({ length: 400 }, () => 0.05 + 0.9 * rng.random());
    const p = m.predict(q);
    let se = 0;
    for (let i = 0; i < 200; i++) se += (p.mean[i] - f(q[2 * i], q[2 * i + 1])) ** 2;
    expect(Math.sqrt(se / 200)).toBeLessThan(0.02);
    // at the training points: the mean reproduces y, the latent variance is small
    const t = m.predict(x);
    for (let i = 0; i < n; i++) {
      expect(Math.abs(t.mean[i] - y[i])).toBeLessThan(0.01);
      expect(t.variance[i]).toBeLessThan(1e-3);
    }
    m.dispose();
  });
});

describe('GP jitter and errors', () => {
  it('adds jitter on duplicated inputs with (almost) no noise, and predicts finitely', () => {
    const d = 2;
    const { x: base, y: yb } = data(3, 10, d);
    const x = new Float64Array(40 * d), y = new Float64Array(40);
    for (let r = 0; r < 4; r++) {
      x.set(base, r * 10 * d);
      y.set(yb, r * 10);
    }
    const h = { mean: 0, lengthscales: [0.5, 0.5], outputscale: 1, noise: 1e-300 };
    const r = gpLogMarginalLikelihood(x, y, d, h);
    expect(r.jitter).toBeGreaterThan(0);
    expect(Number.isFinite(r.lml)).toBe(true);
    const m = GaussianProcess.fromHyperparameters(x, y, d, h);
    expect(m.jitter).toBe(r.jitter);
    const p = m.predict(data(5, 7, d).x);
    expect(p.mean.every(Number.isFinite) && p.variance.every((v) => v >= 0 && Number.isFinite(v))).toBe(true);
    m.dispose();
    // fitting such data works too (the noise bound keeps it PD, or jitter does)
    const f = GaussianProcess.fit(x, y, d, { fixedNoise: 1e-12 });
    expect(Number.isFinite(f.lml)).toBe(true);
    f.dispose();
  });

  it('the jitter escalation on a nearly singular matrix, and a clear error when jitter cannot fix it', () => {
    // rank-1 PSD matrix: needs a little jitter
    const v = [1, 2, 3, 4, 5];
    const a = new Float64Array(25);
    for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) a[i * 5 + j] = v[i] * v[j];
    const { l, jitter } = cholesky(a, 5);
    expect(jitter).toBeGreaterThan(0);
    expect(l.every(Number.isFinite)).toBe(true);
    // indefinite: eigenvalues -1 and 3
    expect(() => cholesky([1, 2, 2, 1], 2)).toThrow(/cholesky: the matrix is not positive definite, even with jitter/);
    expect(() => cholesky([1, 0, 0, -1], 2, { maxJitterTries: 1 })).toThrow(/largest tried: none/);
  });

  it('validates its arguments, naming the function and argument', () => {
    const { x, y } = data(1, 5, 2);
    expect(() => GaussianProcess.fit(x, y, 3)).toThrow(/GaussianProcess.fit: x has 10 values, expected n \* d = 5 \* 3/);
    expect(() => GaussianProcess.fit(x, y.subarray(0, 0), 2)).toThrow(/GaussianProcess.fit: y is empty/);
    expect(() => GaussianProcess.fit(x, Float64Array.of(1, 2, Number.NaN, 4, 5), 2)).toThrow(/GaussianProcess.fit: y\[2\] must be a finite number/);
    expect(() => GaussianProcess.fit(x, y, 2, { restarts: 0 })).toThrow(/options.restarts/);
    expect(() => GaussianProcess.fit(x, y, 2, { bounds: { noise: [1, 0.1] } })).toThrow(/options.bounds.noise/);
    expect(() => GaussianProcess.fit(x, y, 2, { priors: { lengthscale: [0, 1] } })).toThrow(/options.priors.lengthscale/);
    expect(() => gpLogMarginalLikelihood(x, y, 2, { mean: 0, lengthscales: [1], outputscale: 1, noise: 1 })).toThrow(/gpLogMarginalLikelihood: hyperparameters.lengthscales must hold 2 values/);
    expect(() => cholesky([1, 2, 3], 2)).toThrow(/cholesky: a has 3 values/);
    const m = GaussianProcess.fit(x, y, 2);
    expect(() => m.predict([1, 2, 3])).toThrow(/GaussianProcess.predict: x has 3 values, not a multiple of d = 2/);
    m.dispose();
    m.dispose();
    expect(m.disposed).toBe(true);
    expect(() => m.predict([0.5, 0.5])).toThrow(/disposed/);
  });
});

// The blocked prediction kernel (assembly/gp/batch.ts) and the prediction threads: against the
// plain-TS float64 twin (forward substitution), against the per-point kernel (predict of fewer
// than 4 points), at the training points (where the variance is a difference of nearly equal
// numbers), and the threaded path against the single-threaded one (identical values).
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/random/rng.ts';
import { GaussianProcess, gpLastThreadedPredict, gpPredictThreads, thetaOf, type GpHyperparameters } from '../../src/surrogates/gp.ts';
import { predictReference } from '../../src/surrogates/reference/gp.ts';

function data(seed: number, n: number, d: number): { x: Float64Array; y: Float64Array } {
  const rng = new Rng(seed);
  const x = Float64Array.from({ length: n * d }, () => rng.random());
  const y = Float64Array.from({ length: n }, (_, i) => {
    let s = 0;
    for (let k = 0; k < d; k++) s += Math.sin(3 * x[i * d + k] + k) / (k + 1);
    return s + 0.05 * rng.normal();
  });
  return { x, y };
}

function hyper(seed: number, d: number, noise: number): GpHyperparameters {
  const rng = new Rng(seed);
  return { mean: 0.3, lengthscales: Array.from({ length: d }, () => 0.3 + rng.random()), outputscale: 0.5 + rng.random(), noise };
}

/** The per-point kernel: predict() of one point at a time (fewer than 4 points take it). */
function onePerCall(model: GaussianProcess, q: Float64Array, d: number, observationNoise = false): { mean: Float64Array; variance: Float64Array } {
  const m = q.length / d;
  const mean = new Float64Array(m), variance = new Float64Array(m);
  for (let p = 0; p < m; p++) {
    const r = model.predict(q.subarray(p * d, (p + 1) * d), { observationNoise, threads: 1 });
    mean[p] = r.mean[0];
    variance[p] = r.variance[0];
  }
  return { mean, variance };
}

function maxAbs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let e = 0;
  for (let i = 0; i < a.length; i++) e = Math.max(e, Math.abs(a[i] - b[i]));
  return e;
}

// n around the 4-row panels, m around the 4-point panels and 48-point blocks, d from 1 to 13
const CASES: [number, number, number][] = [[1, 1, 4], [2, 3, 5], [3, 2, 7], [4, 13, 9], [5, 4, 47], [7, 1, 48], [8, 6, 49], [13, 13, 97], [50, 5, 101], [97, 13, 150], [130, 7, 203]];

describe('GP prediction, blocked kernel', () => {
  it.each(CASES)('matches the float64 twin and the per-point kernel, n = %i, d = %i, m = %i', (n, d, m) => {
    const { x, y } = data(n * 13 + d, n, d);
    const h = hyper(n + 3 * d, d, 0.02);
    const model = GaussianProcess.fromHyperparameters(x, y, d, h);
    const q = data(m + 5, m, d).x;
    const ours = model.predict(q, { threads: 1 });
    const twin = predictReference(x, y, d, thetaOf(h), q);
    const old = onePerCall(model, q, d);
    expect(maxAbs(ours.mean, twin.mean)).toBeLessThan(1e-11);
    expect(maxAbs(ours.variance, twin.variance)).toBeLessThan(1e-11);
    expect(maxAbs(ours.mean, old.mean)).toBeLessThan(1e-12);
    expect(maxAbs(ours.variance, old.variance)).toBeLessThan(1e-12);
    const noisy = model.predict(q, { observationNoise: true, threads: 1 });
    expect(maxAbs(noisy.mean, ours.mean)).toBe(0);
    expect(maxAbs(noisy.variance, twin.variance.map((v) => v + h.noise))).toBeLessThan(1e-11);
    const meanOnly = model.predict(q, { variance: false, threads: 1 });
    expect(meanOnly.variance.length).toBe(0);
    expect(maxAbs(meanOnly.mean, ours.mean)).toBe(0);
    model.dispose();
  });

  it.each([[60, 3, 1e-6], [200, 13, 1e-5], [333, 5, 1e-8]])(
    'at the training points (a small difference of nearly equal numbers), n = %i, d = %i, noise = %s',
    (n, d, noise) => {
      const { x, y } = data(n + d, n, d);
      const h = hyper(n, d, noise);
      const model = GaussianProcess.fromHyperparameters(x, y, d, h);
      const ours = model.predict(x, { threads: 1 });
      const old = onePerCall(model, x, d);
      const twin = predictReference(x, y, d, thetaOf(h), x);
      let errOurs = 0, errOld = 0, smallest = Infinity;
      for (let i = 0; i < n; i++) {
        // relative to the variance itself, which is about the noise here (s is ~1)
        const scale = Math.max(twin.variance[i], 1e-300);
        errOurs = Math.max(errOurs, Math.abs(ours.variance[i] - twin.variance[i]) / scale);
        errOld = Math.max(errOld, Math.abs(old.variance[i] - twin.variance[i]) / scale);
        smallest = Math.min(smallest, twin.variance[i]);
        expect(ours.variance[i]).toBeGreaterThanOrEqual(0);
      }
      expect(smallest).toBeLessThan(Math.max(10 * noise, 1e-6)); // the case is the intended one
      // as close to the twin as the per-point kernel is, and close in absolute terms
      expect(errOurs).toBeLessThan(Math.max(4 * errOld, 1e-6));
      expect(maxAbs(ours.variance, twin.variance)).toBeLessThan(1e-11);
      expect(maxAbs(ours.mean, twin.mean)).toBeLessThan(1e-9);
      model.dispose();
    },
  );

  it('normalizeY: de-standardised like the per-point kernel', () => {
    const d = 4, n = 90;
    const { x, y } = data(11, n, d);
    const raw = y.map((v) => 10 + 7 * v);
    const model = GaussianProcess.fromHyperparameters(x, raw, d, hyper(2, d, 0.01), { normalizeY: true });
    const q = data(12, 77, d).x;
    const ours = model.predict(q, { observationNoise: true, threads: 1 });
    const old = onePerCall(model, q, d, true);
    expect(maxAbs(ours.mean, old.mean)).toBeLessThan(1e-11);
    expect(maxAbs(ours.variance, old.variance)).toBeLessThan(1e-11);
    model.dispose();
  });

  it('rejects a bad threads option', () => {
    const { x, y } = data(1, 5, 2);
    const model = GaussianProcess.fromHyperparameters(x, y, 2, hyper(1, 2, 0.1));
    expect(() => model.predict([0.5, 0.5], { threads: 0 })).toThrow(/options.threads must be at least 1/);
    model.dispose();
  });
});

describe('GP prediction on threads', () => {
  it('gives the values of the single-threaded path, across models and options', async () => {
    const ready = await gpPredictThreads();
    const d = 6;
    const a = data(21, 300, d), b = data(22, 257, d);
    const ma = GaussianProcess.fromHyperparameters(a.x, a.y, d, hyper(5, d, 1e-4), { normalizeY: true });
    const mb = GaussianProcess.fromHyperparameters(b.x, b.y, d, hyper(6, d, 1e-2));
    const q = data(23, 1201, d).x; // m n² ≥ 3e7: the threaded path when there are workers
    for (const [model, opts] of [[ma, {}], [mb, { observationNoise: true }], [ma, { variance: false }], [mb, {}]] as const) {
      const one = model.predict(q, { ...opts, threads: 1 });
      const many = model.predict(q, opts);
      expect(maxAbs(many.mean, one.mean)).toBe(0);
      expect(maxAbs(many.variance, one.variance)).toBe(0);
      if (ready > 0) expect(gpLastThreadedPredict().chunks).toBeGreaterThan(1);
    }
    // queries at the training points through the threads
    const atTrain = ma.predict(a.x.subarray(0, 200 * d), { threads: 1 });
    const big = new Float64Array(q.length + 200 * d);
    big.set(q);
    big.set(a.x.subarray(0, 200 * d), q.length);
    const many = ma.predict(big);
    expect(maxAbs(many.variance.subarray(1201), atTrain.variance)).toBe(0);
    ma.dispose();
    mb.dispose();
    expect(() => ma.predict(q)).toThrow(/disposed/);
  });
});

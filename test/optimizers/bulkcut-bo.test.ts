// Bulk & Cut's learning-rate optimisers (docs/methods.md#bulkcut-bo) on the project's GP:
// dictated dimensions, the random start, the length scale against a float64 twin of the
// isotropic Matérn-5/2 log marginal likelihood, the LCB minimum against a dense grid of the
// same GP, degenerate targets, warnings for out-of-bounds dictated values, determinism.
import { describe, expect, it } from 'vitest';
import { ConstrainedBo, optimizerOneTwo, optimizerThree } from '../../src/optimizers/bulkcut/bo.ts';
import { GaussianProcess } from '../../src/surrogates/gp.ts';

/** Float64 twin: log marginal likelihood of standardised targets under k(r) = Matérn-5/2(r/ℓ) + 1e-6·δ. */
function lmlTwin(x: number[][], y: number[], l: number): number {
  const n = y.length;
  const mu = y.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(y.reduce((a, b) => a + (b - mu) ** 2, 0) / n) || 1;
  const z = y.map((v) => (v - mu) / sd);
  const k = x.map((a) => x.map((b) => {
    const r = Math.sqrt(a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0)) / l;
    return (1 + Math.sqrt(5) * r + (5 / 3) * r * r) * Math.exp(-Math.sqrt(5) * r);
  }));
  for (let i = 0; i < n; i++) k[i][i] += 1e-6;
  // Cholesky
  const L = k.map(() => new Array(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = k[i][j];
      for (let p = 0; p < j; p++) s -= L[i][p] * L[j][p];
      L[i][j] = i === j ? Math.sqrt(s) : s / L[j][j];
    }
  }
  const a = new Array(n).fill(0);
  for (let i = 0; i < n; i++) {
    let s = z[i];
    for (let p = 0; p < i; p++) s -= L[i][p] * a[p];
    a[i] = s / L[i][i];
  }
  return -0.5 * a.reduce((s, v) => s + v * v, 0) - L.reduce((s, r, i) => s + Math.log(r[i]), 0) - (n / 2) * Math.log(2 * Math.PI);
}

const target = (lr: number) => (lr + 3) ** 2 + 0.1 * Math.sin(3 * lr);

/** Register (lr, depth, size) triples with the target `f`; returns the rows and targets registered. */
function feed(bo: ConstrainedBo, rows: [number, number, number][], f: (lr: number) => number): { xs: number[][]; ys: number[] } {
  for (const [lr, depth, size] of rows) bo.register({ lr_exp: lr, depth, log_npars: size }, f(lr));
  return { xs: rows.map((r) => [...r]), ys: rows.map((r) => f(r[0])) };
}

/**
 * The fitted length scale against the twin's likelihood on a 0.001-decade grid over the bounds,
 * and the proposal's LCB against the LCB of the same GP (rebuilt from that length scale) on a
 * 0.001 grid of lr_exp at the dictated depth and size; returns the proposal's LCB.
 */
function checkFitAndProposal(xs: number[][], ys: number[], l: number, next: Record<string, number>, depth: number, size: number): number {
  let best = -Infinity, bestL = 0;
  for (let i = 0; i <= 10_000; i++) {
    const e = -5 + i / 1000;
    const v = lmlTwin(xs, ys, 10 ** e);
    if (v > best) [best, bestL] = [v, 10 ** e];
  }
  expect(lmlTwin(xs, ys, l)).toBeGreaterThanOrEqual(best - 1e-9 * Math.max(1, Math.abs(best)));
  expect(Math.abs(Math.log10(l) - Math.log10(bestL))).toBeLessThan(0.01);
  const mu = ys.reduce((a, b) => a + b, 0) / ys.length;
  const gp = GaussianProcess.fromHyperparameters(xs.flat(), ys, 3, { mean: 0, lengthscales: [l, l, l], outputscale: 1, noise: 1e-6 }, { normalizeY: true });
  try {
    const grid = Array.from({ length: 5001 }, (_, i) => [-5 + i / 1000, depth, size]).flat();
    const p = gp.predict(grid);
    let gridMin = Infinity;
    for (let i = 0; i < p.mean.length; i++) gridMin = Math.min(gridMin, p.mean[i] - 2.5 * Math.sqrt(Math.max(p.variance[i], 0)));
    const q = gp.predict([next.lr_exp, depth, size]);
    const lcb = q.mean[0] - 2.5 * Math.sqrt(Math.max(q.variance[0], 0));
    expect(lcb).toBeLessThanOrEqual(gridMin + 1e-6 * Math.max(1, Math.abs(mu)));
    expect(next).toMatchObject({ depth, log_npars: size });
    return lcb;
  } finally {
    gp.dispose();
  }
}

describe('Bulk & Cut constrained Bayesian optimiser', () => {
  it('draws uniformly within the bounds before two observations, returning the dictated values exactly', () => {
    const bo = optimizerOneTwo({ seed: 1 });
    const draws: number[] = [];
    for (let i = 0; i < 200; i++) {
      if (i === 100) bo.register({ lr_exp: -1, depth: 4, log_npars: 5.25 }, 0.7);
      const x = bo.next({ depth: 4, log_npars: 5.25 });
      expect(Object.keys(x).sort()).toEqual(['depth', 'log_npars', 'lr_exp']);
      expect(x.depth).toBe(4);
      expect(x.log_npars).toBe(5.25);
      expect(x.lr_exp).toBeGreaterThanOrEqual(-5);
      expect(x.lr_exp).toBeLessThanOrEqual(0);
      draws.push(x.lr_exp);
    }
    expect(bo.lengthscale).toBeUndefined();
    // uniform over [-5, 0]: both halves visited, the mean near the middle
    expect(draws.filter((v) => v < -2.5).length).toBeGreaterThan(70);
    expect(draws.filter((v) => v > -2.5).length).toBeGreaterThan(70);
    expect(Math.abs(draws.reduce((a, b) => a + b, 0) / draws.length + 2.5)).toBeLessThan(0.4);
    const three = optimizerThree({ seed: 1 });
    for (let i = 0; i < 50; i++) {
      const x = three.next({ depth: 2, log_npars: 3 });
      expect(x.lr_exp).toBeGreaterThanOrEqual(-5);
      expect(x.lr_exp).toBeLessThanOrEqual(-2);
    }
  });

  it('with depth and size fixed, fits the marginal-likelihood length scale (twin) and proposes the LCB minimum near (lr_exp + 3)²\'s', () => {
    const bo = optimizerOneTwo({ seed: 4 });
    const rows = [-4.6, -0.5, -2.2, -3.9, -1.4, -2.8, -0.1, -4.2].map((lr): [number, number, number] => [lr, 5, 4.5]);
    const { xs, ys } = feed(bo, rows, (lr) => (lr + 3) ** 2);
    const next = bo.next({ depth: 5, log_npars: 4.5 });
    checkFitAndProposal(xs, ys, bo.lengthscale!, next, 5, 4.5);
    // the data pin the quadratic down: the optimistic bound stays near its minimum
    expect(Math.abs(next.lr_exp + 3)).toBeLessThan(0.5);
  });

  it('with depth and size varying, fits the length scale and proposes the LCB minimum at other dictated values', () => {
    const bo = optimizerOneTwo({ seed: 2 });
    const rows = [-4.6, -0.5, -2.2, -3.9, -1.4, -2.8, -0.1, -4.2].map((lr, i): [number, number, number] => [lr, 3 + (i % 3), 4 + 0.3 * (i % 4)]);
    const { xs, ys } = feed(bo, rows, target);
    const next = bo.next({ depth: 4, log_npars: 4.3 });
    checkFitAndProposal(xs, ys, bo.lengthscale!, next, 4, 4.3);
  });

  it('handles equal targets (standard deviation 0, kept at 1 as scikit-learn does) and repeated points', () => {
    const bo = optimizerOneTwo({ seed: 9 });
    const rows: [number, number, number][] = [[-4, 3, 4], [-2, 3, 4], [-2, 3, 4], [-1, 6, 2]];
    const { xs, ys } = feed(bo, rows, () => 1.25);
    const next = bo.next({ depth: 3, log_npars: 4 });
    expect(next.lr_exp).toBeGreaterThanOrEqual(-5);
    expect(next.lr_exp).toBeLessThanOrEqual(0);
    checkFitAndProposal(xs, ys, bo.lengthscale!, next, 3, 4);
    // identical inputs only: the likelihood does not depend on ℓ, which stays at the reference's start
    const flat = optimizerOneTwo({ seed: 9 });
    feed(flat, [[-2, 3, 4], [-2, 3, 4]], (lr) => lr);
    flat.next({ depth: 3, log_npars: 4 });
    expect(flat.lengthscale).toBe(1);
  });

  it('lists its observations as copies', () => {
    const bo = optimizerThree({ seed: 1 });
    bo.register({ lr_exp: -3, depth: 2, log_npars: 3, extra: 1 }, 0.5);
    const obs = bo.observations;
    expect(obs).toEqual([{ config: { lr_exp: -3, depth: 2, log_npars: 3 }, target: 0.5 }]);
    (obs[0].config as Record<string, number>).lr_exp = 0;
    expect(bo.observations[0].config.lr_exp).toBe(-3);
  });

  it('is deterministic given the seed and the calls (a replay answers the same), different under another seed', () => {
    const run = (seed: number) => {
      const bo = optimizerOneTwo({ seed });
      const out: Record<string, number>[] = [];
      for (let i = 0; i < 8; i++) {
        const x = bo.next({ depth: 1 + (i % 4), log_npars: 3 + 0.5 * i });
        out.push(x);
        bo.register(x, target(x.lr_exp) + 0.05 * x.depth);
      }
      return { out, lengthscale: bo.lengthscale };
    };
    const a = run(5);
    expect(run(5)).toEqual(a);
    expect(run(6).out.map((x) => x.lr_exp)).not.toEqual(a.out.map((x) => x.lr_exp));
  });

  it('warns of out-of-bounds dictated values: clipped by default, used as is in the paper variant', () => {
    const warnings: string[] = [];
    const fixed = optimizerOneTwo({ seed: 1, onWarning: (m) => warnings.push(m) });
    expect(fixed.next({ depth: 20, log_npars: 9.2 })).toMatchObject({ depth: 15, log_npars: 8 });
    expect(warnings).toEqual([expect.stringMatching(/depth = 20 is outside its bounds \[1, 15\]; clipped to 15/), expect.stringMatching(/log_npars = 9.2 is outside its bounds \[0, 8\]; clipped to 8/)]);
    warnings.length = 0;
    const paper = optimizerOneTwo({ seed: 1, variant: 'paper', onWarning: (m) => warnings.push(m) });
    expect(paper.next({ depth: 20, log_npars: 4 })).toMatchObject({ depth: 20, log_npars: 4 });
    expect(warnings).toEqual(['depth = 20 is outside its bounds [1, 15]']);
    // past the random start too: the GP is asked at the dictated value as given
    paper.register({ lr_exp: -1, depth: 16, log_npars: 4 }, 1);
    paper.register({ lr_exp: -4, depth: 16, log_npars: 4 }, 2);
    const x = paper.next({ depth: 16, log_npars: 4 });
    expect(x).toMatchObject({ depth: 16, log_npars: 4 });
    expect(x.lr_exp).toBeGreaterThanOrEqual(-5);
    expect(x.lr_exp).toBeLessThanOrEqual(0);
    expect(warnings).toHaveLength(2);
    // within the bounds: no warning
    optimizerOneTwo({ seed: 1, onWarning: (m) => warnings.push(m) }).next({ depth: 15, log_npars: 0 });
    expect(warnings).toHaveLength(2);
  });

  it('rejects bad input naming it', () => {
    const bo = new ConstrainedBo({ a: [0, 1] }, { seed: 0 });
    expect(() => bo.register({ a: Number.NaN }, 1)).toThrow(/config.a must be a finite number/);
    expect(() => bo.register({}, 1)).toThrow(/config.a must be a finite number/);
    expect(() => bo.register({ a: 0.5 }, Number.POSITIVE_INFINITY)).toThrow(/target must be a finite number/);
    expect(() => bo.register({ a: 0.5 }, Number.NaN)).toThrow(/target must be a finite number/);
    expect(bo.observations).toEqual([]);
    expect(() => bo.next({ b: 1 })).toThrow(/dictated 'b' is not a dimension/);
    expect(() => bo.next({ a: Number.NaN })).toThrow(/dictated a must be a finite number/);
    expect(() => new ConstrainedBo({ a: [1, 0] }, { seed: 0 })).toThrow(/bounds.a must be \[low, high\]/);
    expect(() => new ConstrainedBo({}, { seed: 0 })).toThrow(/bounds must name at least one dimension/);
    expect(() => new ConstrainedBo({ a: [0, 1] }, { seed: Number.NaN })).toThrow(/options.seed must be a finite number/);
    expect(() => new ConstrainedBo({ a: [0, 1] }, { seed: 0, variant: 'exact' as never })).toThrow(/options.variant must be 'fixed' or 'paper'/);
    expect(() => new ConstrainedBo({ a: [0, 1] }, { seed: 0, rawSamples: 0 })).toThrow(/options.rawSamples must be an integer >= 1/);
    expect(() => new ConstrainedBo({ a: [0, 1] }, { seed: 0, restarts: 1.5 })).toThrow(/options.restarts must be an integer >= 0/);
  });

  it('times one proposal at 50 and 200 observations (printed, not asserted)', () => {
    for (const n of [50, 200]) {
      const bo = optimizerOneTwo({ seed: 3 });
      for (let i = 0; i < n; i++) {
        const lr = -5 + (5 * ((i * 0.618) % 1));
        bo.register({ lr_exp: lr, depth: 1 + (i % 15), log_npars: (i * 0.37) % 8 }, target(lr) + 0.01 * (i % 7));
      }
      const t0 = performance.now();
      const x = bo.next({ depth: 5, log_npars: 5 });
      console.log(`ConstrainedBo.next at ${n} observations: ${(performance.now() - t0).toFixed(0)} ms`);
      expect(Number.isFinite(x.lr_exp)).toBe(true);
    }
  });
});

// Bulk & Cut's learning-rate optimisers (docs/methods.md#bulkcut-bo) on the project's GP:
// dictated dimensions, the random start, the length scale against a float64 twin of the
// isotropic Matérn-5/2 log marginal likelihood, the LCB minimum against a dense grid, warnings
// for out-of-bounds dictated values, determinism.
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

describe('Bulk & Cut constrained Bayesian optimiser', () => {
  it('draws uniformly within the bounds before two observations, returning the dictated values exactly', () => {
    const bo = optimizerOneTwo({ seed: 1 });
    for (let i = 0; i < 50; i++) {
      const x = bo.next({ depth: 4, log_npars: 5.25 });
      expect(x.depth).toBe(4);
      expect(x.log_npars).toBe(5.25);
      expect(x.lr_exp).toBeGreaterThanOrEqual(-5);
      expect(x.lr_exp).toBeLessThanOrEqual(0);
    }
    expect(optimizerThree({ seed: 1 }).next({ depth: 2, log_npars: 3 }).lr_exp).toBeLessThanOrEqual(-2);
  });

  it('fits the length scale that maximises the marginal likelihood (twin on a fine grid) and proposes the LCB minimum (dense grid)', () => {
    const bo = optimizerOneTwo({ seed: 2 });
    const xs: number[][] = [];
    const ys: number[] = [];
    for (const lr of [-4.6, -0.5, -2.2, -3.9, -1.4, -2.8, -0.1, -4.2]) {
      const depth = 3 + (xs.length % 3), size = 4 + 0.3 * (xs.length % 4);
      bo.register({ lr_exp: lr, depth, log_npars: size }, target(lr));
      xs.push([lr, depth, size]);
      ys.push(target(lr));
    }
    const next = bo.next({ depth: 4, log_npars: 4.3 });
    // the length scale: the twin's likelihood there is the best of a fine log grid over the bounds
    const l = bo.lengthscale!;
    let best = -Infinity, bestL = 0;
    for (let e = -5; e <= 5; e += 0.01) {
      const v = lmlTwin(xs, ys, 10 ** e);
      if (v > best) [best, bestL] = [v, 10 ** e];
    }
    expect(lmlTwin(xs, ys, l)).toBeGreaterThanOrEqual(best - 1e-6 * Math.abs(best));
    expect(Math.abs(Math.log10(l) - Math.log10(bestL))).toBeLessThan(0.02);
    // the proposal's LCB is the grid's minimum (same GP, rebuilt from the fitted length scale)
    const mu = ys.reduce((a, b) => a + b, 0) / ys.length;
    const gp = GaussianProcess.fromHyperparameters(xs.flat(), ys, 3, { mean: 0, lengthscales: [l, l, l], outputscale: 1, noise: 1e-6 }, { normalizeY: true });
    const lcb = (lr: number) => {
      const p = gp.predict([lr, 4, 4.3]);
      return p.mean[0] - 2.5 * Math.sqrt(Math.max(p.variance[0], 0));
    };
    let gridMin = Infinity;
    for (let lr = -5; lr <= 0; lr += 0.001) gridMin = Math.min(gridMin, lcb(lr));
    expect(lcb(next.lr_exp)).toBeLessThanOrEqual(gridMin + 1e-6 * Math.max(1, Math.abs(mu)));
    expect(next).toMatchObject({ depth: 4, log_npars: 4.3 });
    gp.dispose();
  });

  it('is deterministic given the seed and the calls; out-of-bounds dictated values warn (clipped by default, kept in paper)', () => {
    const run = (seed: number) => {
      const bo = optimizerOneTwo({ seed });
      const out: number[] = [];
      for (let i = 0; i < 6; i++) {
        const x = bo.next({ depth: 3, log_npars: 4 });
        out.push(x.lr_exp);
        bo.register(x, target(x.lr_exp));
      }
      return out;
    };
    expect(run(5)).toEqual(run(5));
    expect(run(5)).not.toEqual(run(6));
    const warnings: string[] = [];
    const fixed = optimizerOneTwo({ seed: 1, onWarning: (m) => warnings.push(m) });
    expect(fixed.next({ depth: 20, log_npars: 9.2 })).toMatchObject({ depth: 15, log_npars: 8 });
    expect(warnings).toEqual([expect.stringMatching(/depth = 20 is outside its bounds \[1, 15\]; clipped to 15/), expect.stringMatching(/log_npars = 9.2 is outside/)]);
    const paper = optimizerOneTwo({ seed: 1, variant: 'paper', onWarning: (m) => warnings.push(m) });
    expect(paper.next({ depth: 20, log_npars: 4 })).toMatchObject({ depth: 20 });
  });

  it('rejects bad input naming it', () => {
    const bo = new ConstrainedBo({ a: [0, 1] }, { seed: 0 });
    expect(() => bo.register({ a: Number.NaN }, 1)).toThrow(/config.a must be a finite number/);
    expect(() => bo.register({ a: 0.5 }, Number.POSITIVE_INFINITY)).toThrow(/target must be a finite number/);
    expect(() => bo.next({ b: 1 })).toThrow(/dictated 'b' is not a dimension/);
    expect(() => new ConstrainedBo({ a: [1, 0] }, { seed: 0 })).toThrow(/bounds.a must be \[low, high\]/);
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

import { describe, expect, it } from 'vitest';
import { fromRows } from '../../src/pareto/fromRows.ts';
import { hypervolume } from '../../src/pareto/hypervolume.ts';
import { Rng } from '../../src/random/rng.ts';
import { ehvi2, ehvi2Gradient, ehvi3, ehviQmc, gaussTail, normalBaseSamples, staircase2 } from '../../src/surrogates/ehvi.ts';
import { ehviReference, expectedOverlap, hviReference } from '../../src/surrogates/reference/ehvi.ts';
import { expectClose } from '../helpers/tolerance.ts';

type Rows = number[][];

const flat = (rows: Rows): Float64Array => (rows.length ? fromRows(rows) : new Float64Array(0));
const ehvi = (d: number, front: Rows, ref: number[], mean: Rows, std: Rows): Float64Array =>
  (d === 2 ? ehvi2 : ehvi3)(flat(front), ref, flat(mean), flat(std));

/** HV(front ∪ {y}) − HV(front) with the library's exact hypervolume kernel. */
function hvImprovement(front: Rows, ref: number[], y: number[]): number {
  const d = ref.length;
  const before = front.length ? hypervolume(fromRows(front), d, ref) : 0;
  return hypervolume(fromRows([...front, y]), d, ref) - before;
}

/** A random front: non-dominated points near a simplex-like surface, plus dominated ones and some outside the reference. */
function randomFront(rng: Rng, n: number, d: number, extra = true): Rows {
  const rows: Rows = [];
  for (let i = 0; i < n; i++) {
    const w = Array.from({ length: d }, () => rng.random() + 0.05);
    const s = w.reduce((a, b) => a + b, 0);
    rows.push(w.map((v) => v / s));
  }
  if (extra) {
    for (let i = 0; i < 3; i++) rows.push(rows[rng.int(n)].map((v) => v + 0.1 * rng.random())); // dominated
    rows.push(Array.from({ length: d }, (_, j) => (j === 0 ? 1.5 : 0.01))); // beyond the reference in objective 0
    rows.push([...rows[0]]); // a duplicate
  }
  return rows;
}

function randomCandidate(rng: Rng, d: number, zeroStd = 0.15): { mean: number[]; std: number[] } {
  return {
    mean: Array.from({ length: d }, () => rng.uniform(-0.2, 1.1)),
    std: Array.from({ length: d }, () => (rng.random() < zeroStd ? 0 : rng.uniform(0.005, 0.5))),
  };
}

describe('EHVI closed forms and limits', () => {
  it('empty front: the product of E[(r_j − Y_j)⁺]; standard normals at the reference give φ(0)^d', () => {
    expectClose(ehvi2([], [0, 0], [0, 0], [1, 1])[0], 1 / (2 * Math.PI), 1e-15);
    expectClose(ehvi3([], [0, 0, 0], [0, 0, 0], [1, 1, 1])[0], (2 * Math.PI) ** -1.5, 1e-15);
    const v = ehvi2([], [1, 2], [0.3, 1.1], [0.2, 0.7])[0];
    expectClose(v, expectedOverlap(-Infinity, 1, 0.3, 0.2) * expectedOverlap(-Infinity, 2, 1.1, 0.7), 1e-13);
  });

  it.each([2, 3])('std = 0 gives the hypervolume improvement of the mean point (d = %i), computed with the hypervolume kernel', (d) => {
    const rng = new Rng(10 + d);
    for (let trial = 0; trial < 40; trial++) {
      const front = randomFront(rng, 1 + rng.int(15), d);
      const ref = Array.from({ length: d }, () => 1 + 0.2 * rng.random());
      const means: Rows = [];
      for (let i = 0; i < 20; i++) means.push(Array.from({ length: d }, () => rng.uniform(-0.1, 1.2)));
      // exactly on front coordinates too (ties)
      means.push([...front[0]], front[1].map((v, j) => (j === 0 ? v : front[0][j])));
      const got = ehvi(d, front, ref, means, means.map((m) => m.map(() => 0)));
      means.forEach((m, i) => expectClose(got[i], hvImprovement(front, ref, m), 1e-12, 1e-15, `trial ${trial} candidate ${i}`));
      // and the limit std → 0 is continuous
      const tiny = ehvi(d, front, ref, means, means.map((m) => m.map(() => 1e-12)));
      means.forEach((_, i) => expectClose(tiny[i], got[i], 0, 1e-10, `std 1e-12, candidate ${i}`));
    }
  });

  it.each([[2, 2000], [3, 400]])('large fronts: std = 0 agrees with the hypervolume kernel (d = %i, n = %i)', (d, n) => {
    const rng = new Rng(d * n);
    const front = randomFront(rng, n, d);
    const ref = Array.from({ length: d }, () => 1.05);
    const means: Rows = Array.from({ length: 30 }, () => Array.from({ length: d }, () => rng.uniform(0, 0.7)));
    const got = ehvi(d, front, ref, means, means.map((m) => m.map(() => 0)));
    means.forEach((m, i) => expectClose(got[i], hvImprovement(front, ref, m), 1e-10, 1e-15, `candidate ${i}`));
  });

  it('one deterministic objective (MS-EHVI): equals the 1-D integral of the improvement over the Gaussian objective', () => {
    const rng = new Rng(5);
    const front = randomFront(rng, 8, 2);
    const ref = [1.1, 1.05];
    for (const [mu, sigma, known] of [[0.4, 0.1, 0.35], [0.2, 0.3, 0.6], [0.9, 0.05, 0.1], [-0.2, 0.5, 0.5]]) {
      // objective 0 Gaussian, objective 1 known
      const got = ehvi2(fromRows(front), ref, [mu, known], [sigma, 0])[0];
      // Simpson over ±12σ; the integrand is piecewise linear and continuous, so the rule's error is tiny
      const a = mu - 12 * sigma, b = mu + 12 * sigma, N = 20000, h = (b - a) / N;
      let s = 0;
      for (let k = 0; k <= N; k++) {
        const y = a + k * h;
        const w = k === 0 || k === N ? 1 : k % 2 ? 4 : 2;
        s += w * hvImprovement(front, ref, [y, known]) * Math.exp(-0.5 * ((y - mu) / sigma) ** 2);
      }
      const integral = (s * h) / 3 / (sigma * Math.sqrt(2 * Math.PI));
      expectClose(got, integral, 1e-7, 1e-12, `mu ${mu} sigma ${sigma}`);
      // and the roles swapped
      const swapped = ehvi2(fromRows(front.map(([x, y]) => [y, x])), [ref[1], ref[0]], [known, mu], [0, sigma])[0];
      expectClose(swapped, got, 1e-13);
    }
  });
});

describe('EHVI kernels vs the grid-cell twin', () => {
  it.each([2, 3])('random fronts and candidates, some std 0 (d = %i)', (d) => {
    const rng = new Rng(100 + d);
    for (let trial = 0; trial < 60; trial++) {
      const front = trial === 0 ? [] : randomFront(rng, 1 + rng.int(d === 2 ? 20 : 10), d, trial % 2 === 0);
      const ref = Array.from({ length: d }, () => 0.9 + 0.3 * rng.random());
      const cands = Array.from({ length: 5 }, () => randomCandidate(rng, d));
      const got = ehvi(d, front, ref, cands.map((c) => c.mean), cands.map((c) => c.std));
      cands.forEach((c, i) => expectClose(got[i], ehviReference(front, ref, c.mean, c.std), 1e-9, 1e-14, `trial ${trial} candidate ${i}`));
    }
  });

  it('3-D fronts with many ties in every coordinate (lattice)', () => {
    const rng = new Rng(7);
    for (let trial = 0; trial < 30; trial++) {
      const front: Rows = Array.from({ length: 12 }, () => [rng.int(4) / 4, rng.int(4) / 4, rng.int(4) / 4]);
      const cands = Array.from({ length: 4 }, () => randomCandidate(rng, 3, 0.3));
      const got = ehvi(3, front, [1, 1, 1], cands.map((c) => c.mean), cands.map((c) => c.std));
      cands.forEach((c, i) => expectClose(got[i], ehviReference(front, [1, 1, 1], c.mean, c.std), 1e-9, 1e-14, `trial ${trial}`));
    }
  });
});

describe('EHVI vs Monte Carlo', () => {
  it.each([2, 3])('agrees with a 40,000-sample Monte Carlo estimate within 4.5 standard errors (d = %i)', (d) => {
    const rng = new Rng(42 + d);
    const front = randomFront(rng, 10, d);
    const ref = Array.from({ length: d }, () => 1.1);
    const cands = [
      { mean: Array.from({ length: d }, () => 0.3), std: Array.from({ length: d }, () => 0.2) },
      { mean: Array.from({ length: d }, (_, j) => (j === 0 ? 0.1 : 0.6)), std: Array.from({ length: d }, (_, j) => (j === 1 ? 0 : 0.3)) },
      { mean: Array.from({ length: d }, () => 0.8), std: Array.from({ length: d }, () => 0.4) },
    ];
    const got = ehvi(d, front, ref, cands.map((c) => c.mean), cands.map((c) => c.std));
    const N = 40000;
    cands.forEach((c, i) => {
      let sum = 0, sum2 = 0;
      for (let s = 0; s < N; s++) {
        const y = c.mean.map((m, j) => m + c.std[j] * rng.normal());
        const v = hvImprovement(front, ref, y);
        sum += v;
        sum2 += v * v;
      }
      const mean = sum / N;
      const se = Math.sqrt((sum2 / N - mean * mean) / (N - 1));
      expect(se).toBeGreaterThan(0);
      expect(Math.abs(got[i] - mean), `candidate ${i}: exact ${got[i]}, MC ${mean} ± ${se}`).toBeLessThan(4.5 * se);
    });
  });
});

describe('EHVI properties', () => {
  const rng = new Rng(2024);
  const fronts = { 2: randomFront(rng, 12, 2), 3: randomFront(rng, 10, 3) } as Record<number, Rows>;

  it.each([2, 3])('is invariant to the order of the objectives (d = %i)', (d) => {
    const perms = d === 2 ? [[1, 0]] : [[0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
    const ref = d === 2 ? [1.1, 1.2] : [1.1, 1.2, 1.05];
    const cands = Array.from({ length: 8 }, () => randomCandidate(rng, d));
    const base = ehvi(d, fronts[d], ref, cands.map((c) => c.mean), cands.map((c) => c.std));
    for (const p of perms) {
      const pr = (r: number[]) => p.map((j) => r[j]);
      const got = ehvi(d, fronts[d].map(pr), pr(ref), cands.map((c) => pr(c.mean)), cands.map((c) => pr(c.std)));
      for (let i = 0; i < cands.length; i++) expectClose(got[i], base[i], 1e-12, 1e-16, `perm ${p}`);
    }
  });

  it.each([2, 3])('is invariant to translation, scales with each objective, ignores row order and non-contributing rows (d = %i)', (d) => {
    const ref = Array.from({ length: d }, () => 1.15);
    const cands = Array.from({ length: 8 }, () => randomCandidate(rng, d));
    const means = cands.map((c) => c.mean), stds = cands.map((c) => c.std);
    const base = ehvi(d, fronts[d], ref, means, stds);
    // translation
    const shift = Array.from({ length: d }, (_, j) => 3.5 - j);
    const tr = (r: number[]) => r.map((v, j) => v + shift[j]);
    const moved = ehvi(d, fronts[d].map(tr), tr(ref), means.map(tr), stds);
    for (let i = 0; i < 8; i++) expectClose(moved[i], base[i], 1e-9, 1e-13, 'translated');
    // scaling objective j by a power of two scales the EHVI exactly
    for (let j = 0; j < d; j++) {
      const sc = (r: number[]) => r.map((v, k) => (k === j ? 4 * v : v));
      const scaled = ehvi(d, fronts[d].map(sc), sc(ref), means.map(sc), stds.map(sc));
      for (let i = 0; i < 8; i++) expectClose(scaled[i], 4 * base[i], 1e-14, 0, `scaled objective ${j}`);
    }
    // shuffled rows, plus dominated rows and rows outside the reference
    const shuffled = [...fronts[d]];
    new Rng(1).shuffle(shuffled);
    shuffled.push(fronts[d][2].map((v) => v + 0.05), ref.map((r) => r + 1), ref.map((r, k) => (k === d - 1 ? r : 0)));
    const same = ehvi(d, shuffled, ref, means, stds);
    for (let i = 0; i < 8; i++) expectClose(same[i], base[i], 1e-14, 0, 'shuffled');
  });

  it.each([2, 3])('does not decrease when a mean improves, and is non-negative and finite for extreme inputs (d = %i)', (d) => {
    const ref = Array.from({ length: d }, () => 1.1);
    for (let trial = 0; trial < 10; trial++) {
      const c = randomCandidate(rng, d, 0.3);
      for (let j = 0; j < d; j++) {
        const means: Rows = [];
        for (let k = 0; k <= 60; k++) means.push(c.mean.map((v, l) => (l === j ? -0.5 + k * 0.03 : v)));
        const got = ehvi(d, fronts[d], ref, means, means.map(() => c.std));
        for (let k = 1; k < got.length; k++) expect(got[k]).toBeLessThanOrEqual(got[k - 1] * (1 + 1e-14) + 1e-300);
      }
    }
    const extremes = [-1e6, -3, 0, 0.5, 1.1, 5, 1e6];
    const sds = [0, 1e-300, 1e-8, 0.3, 50, 1e6];
    const means: Rows = [], stds: Rows = [];
    for (let i = 0; i < 400; i++) {
      means.push(Array.from({ length: d }, () => extremes[rng.int(extremes.length)]));
      stds.push(Array.from({ length: d }, () => sds[rng.int(sds.length)]));
    }
    const got = ehvi(d, fronts[d], ref, means, stds);
    for (let i = 0; i < got.length; i++) {
      expect(Number.isFinite(got[i]), `candidate ${means[i]} / ${stds[i]}`).toBe(true);
      expect(got[i]).toBeGreaterThanOrEqual(0);
    }
    // a mean far beyond the reference with tiny std: exactly 0; far better with std 0: the full improvement
    const far = ehvi(d, fronts[d], ref, [ref.map((r) => r + 1)], [ref.map(() => 1e-3)]);
    expect(far[0]).toBe(0);
  });
});

describe('2-objective EHVI gradient', () => {
  /** Central differences of ehvi2 in each mean and std (forward in a std at 0, which must stay >= 0). */
  function finiteDifferences(front: Float64Array, ref: number[], mean: number[], std: number[], h: number): { dMean: number[]; dStd: number[] } {
    const at = (mu: number[], sd: number[]) => ehvi2(front, ref, mu, sd)[0];
    const dMean = [0, 1].map((k) => {
      const p = [...mean], m = [...mean];
      p[k] += h;
      m[k] -= h;
      return (at(p, std) - at(m, std)) / (2 * h);
    });
    const dStd = [0, 1].map((k) => {
      const p = [...std], m = [...std];
      p[k] += h;
      if (std[k] > h) {
        m[k] -= h;
        return (at(mean, p) - at(mean, m)) / (2 * h);
      }
      return (at(mean, p) - at(mean, std)) / h;
    });
    return { dMean, dStd };
  }

  it('matches finite differences of ehvi2: uncertain, one deterministic objective (MS-EHVI), far from and beside the front', () => {
    const rng = new Rng(11);
    const ref = [1.2, 1.1];
    let checked = 0, sloped = 0;
    for (let t = 0; t < 300; t++) {
      const front = flat(randomFront(rng, 1 + rng.int(12), 2));
      const mean = [rng.uniform(-0.5, 1.5), rng.uniform(-0.5, 1.5)];
      const kind = t % 4;
      // both uncertain; objective 1 known (std 0); objective 0 known; small std beside the front
      const std = kind === 0 ? [rng.uniform(0.05, 0.6), rng.uniform(0.05, 0.6)] : kind === 1 ? [rng.uniform(0.02, 0.5), 0] : kind === 2 ? [0, rng.uniform(0.02, 0.5)] : [rng.uniform(0.01, 0.05), rng.uniform(0.01, 0.05)];
      const g = ehvi2Gradient(front, ref, mean, std);
      expect(g.value[0]).toBe(ehvi2(front, ref, mean, std)[0]);
      const h = 1e-6;
      const fd = finiteDifferences(front, ref, mean, std, h);
      for (let k = 0; k < 2; k++) {
        // a deterministic coordinate within h of a kink (a staircase corner) has no derivative
        if (std[k] === 0 && Array.from(front).some((v, i) => i % 2 === k && Math.abs(v - mean[k]) < 1e-4)) continue;
        expect(Math.abs(g.dMean[k] - fd.dMean[k])).toBeLessThan(1e-6 * (1 + Math.abs(fd.dMean[k])));
        expect(Math.abs(g.dStd[k] - fd.dStd[k])).toBeLessThan(1e-5 * (1 + Math.abs(fd.dStd[k])));
        checked++;
        if (Math.abs(fd.dMean[k]) > 1e-3 && (std[k] === 0 || Math.abs(fd.dStd[k]) > 1e-3)) sloped++;
      }
      // improving a mean never lowers EHVI; more spread never lowers it either for a candidate beyond the front
      expect(g.dMean[0] <= 1e-15 && g.dMean[1] <= 1e-15).toBe(true);
    }
    expect(checked).toBeGreaterThan(550);
    expect(sloped).toBeGreaterThan(300);
  });

  it('is zero where EHVI is flat, the slope of the improvement for std 0, and batches candidates', () => {
    const front = Float64Array.of(0.2, 0.8, 0.5, 0.5, 0.8, 0.2);
    const ref = [1, 1];
    // a deterministic point dominated by the front: nothing to gain locally
    let g = ehvi2Gradient(front, ref, [0.9, 0.9], [0, 0]);
    expect(Array.from(g.dMean)).toEqual([0, 0]);
    expect(g.value[0]).toBe(0);
    // a deterministic point in the strip [0.5, 0.8) x (-inf, 0.5): improvement (0.8 - x)(0.5 - y)
    g = ehvi2Gradient(front, ref, [0.6, 0.3], [0, 0]);
    const hvi = (x: number, y: number) => ehvi2(front, ref, [x, y], [0, 0])[0];
    expect(g.dMean[0]).toBeCloseTo((hvi(0.6 + 1e-7, 0.3) - hvi(0.6 - 1e-7, 0.3)) / 2e-7, 6);
    expect(g.dMean[0]).toBeCloseTo(-(0.5 - 0.3), 12);
    expect(g.dMean[1]).toBeCloseTo(-(0.8 - 0.6), 12);
    // a point far outside the reference box with tiny spread: EHVI and gradient vanish
    g = ehvi2Gradient(front, ref, [50, 50], [0.1, 0.1]);
    expect([g.value[0], ...g.dMean, ...g.dStd]).toEqual([0, 0, 0, 0, 0]);
    // m candidates at once equal m single calls; an empty front is the product of the two ψ
    const rng = new Rng(5);
    const mean = Array.from({ length: 10 }, () => rng.uniform(0, 1));
    const std = Array.from({ length: 10 }, (_, i) => (i % 3 === 0 ? 0 : rng.uniform(0.01, 0.3)));
    const all = ehvi2Gradient(front, ref, mean, std);
    for (let i = 0; i < 5; i++) {
      const one = ehvi2Gradient(front, ref, mean.slice(2 * i, 2 * i + 2), std.slice(2 * i, 2 * i + 2));
      expect([...all.dMean.subarray(2 * i, 2 * i + 2), ...all.dStd.subarray(2 * i, 2 * i + 2)]).toEqual([...one.dMean, ...one.dStd]);
    }
    const e = ehvi2Gradient(new Float64Array(0), [0, 0], [0, 0], [1, 1]);
    expect(e.value[0]).toBeCloseTo(gaussTail(0) ** 2, 14);
    expect(e.dStd[0]).toBeCloseTo(gaussTail(0) / Math.sqrt(2 * Math.PI), 14);
    expect(e.dMean[0]).toBeCloseTo(-0.5 * gaussTail(0), 14);
  });

  it('staircase2 keeps the non-dominated points inside the box, sorted by f1, and leaves EHVI unchanged', () => {
    const front = Float64Array.of(1, 5, 2, 3, 4, 2, 3, 4, 9, 9, 2, 3);
    expect(Array.from(staircase2(front, [6, 7]))).toEqual([1, 5, 2, 3, 4, 2]);
    expect(staircase2(new Float64Array(0), [6, 7]).length).toBe(0);
    expect(ehvi2(staircase2(front, [6, 7]), [6, 7], [2.5, 2.5], [0.7, 0.3])[0]).toBe(ehvi2(front, [6, 7], [2.5, 2.5], [0.7, 0.3])[0]);
  });

  it('validates its arguments like ehvi2', () => {
    expect(() => ehvi2Gradient(new Float64Array(0), [1, 1], [0, 0], [-1, 0])).toThrow(/ehvi2Gradient: std\[0\]\[0\] must be >= 0/);
    expect(() => ehvi2Gradient(new Float64Array(0), [1, 1], [0, 0, 0], [0, 0])).toThrow(/ehvi2Gradient: mean/);
  });
});

describe('quasi-Monte Carlo EHVI', () => {
  it.each([2, 3])('is within 4 standard errors of the exact value; deterministic per seed (d = %i)', (d) => {
    const rng = new Rng(77 + d);
    const front = randomFront(rng, 10, d);
    const ref = Array.from({ length: d }, () => 1.1);
    const cands = Array.from({ length: 6 }, () => randomCandidate(rng, d, 0.2));
    const means = fromRows(cands.map((c) => c.mean)), stds = fromRows(cands.map((c) => c.std));
    const exact = d === 2 ? ehvi2(fromRows(front), ref, means, stds) : ehvi3(fromRows(front), ref, means, stds);
    const est = ehviQmc(fromRows(front), d, ref, means, stds, { samples: 1024, seed: 3 });
    let checked = 0;
    for (let i = 0; i < cands.length; i++) {
      // a candidate with a tiny EHVI is a rare event that no sample may hit (estimate 0 ± 0)
      if (exact[i] < 1e-4) continue;
      checked++;
      expect(Math.abs(est.values[i] - exact[i]), `candidate ${i}: ${est.values[i]} ± ${est.stdError[i]} vs ${exact[i]}`)
        .toBeLessThanOrEqual(4 * est.stdError[i] + 1e-12);
    }
    expect(checked).toBeGreaterThanOrEqual(4);
    const again = ehviQmc(fromRows(front), d, ref, means, stds, { samples: 1024, seed: 3 });
    expect(Array.from(again.values)).toEqual(Array.from(est.values));
    const other = ehviQmc(fromRows(front), d, ref, means, stds, { samples: 1024, seed: 4 });
    expect(Array.from(other.values)).not.toEqual(Array.from(est.values));
    // more samples, smaller error
    const more = ehviQmc(fromRows(front), d, ref, means, stds, { samples: 16384, seed: 3 });
    const meanSe = (e: { stdError: Float64Array }) => e.stdError.reduce((a, b) => a + b, 0);
    expect(meanSe(more)).toBeLessThan(meanSe(est) / 4);
    if (d === 3) expect(Array.from(ehvi3(fromRows(front), ref, means, stds, { samples: 1024, seed: 3 }))).toEqual(Array.from(est.values));
  });

  it('base samples are standard normal and low-discrepancy', () => {
    const z = normalBaseSamples(3, 256, 4, 9);
    expect(z.length).toBe(3 * 256 * 4);
    let s = 0, s2 = 0;
    for (const v of z) {
      s += v;
      s2 += v * v;
    }
    expect(Math.abs(s / z.length)).toBeLessThan(0.01);
    expect(Math.abs(s2 / z.length - 1)).toBeLessThan(0.02);
  });
});

describe('EHVI input validation', () => {
  const f = fromRows([[0.2, 0.5], [0.5, 0.2]]);
  it('names the function and the argument', () => {
    expect(() => ehvi2(f, [1], [0, 0], [1, 1])).toThrow(/ehvi2: reference has length 1/);
    expect(() => ehvi2(Float64Array.of(1, 2, 3), [1, 1], [0, 0], [1, 1])).toThrow(/ehvi2: front has 3 values/);
    expect(() => ehvi2(f, [1, 1], [0, Number.NaN], [1, 1])).toThrow(/ehvi2: mean\[0\]\[1\] must be a finite number/);
    expect(() => ehvi2(f, [1, 1], [0, 0], [1, -1])).toThrow(/ehvi2: std\[0\]\[1\] must be >= 0/);
    expect(() => ehvi2(f, [1, 1], [0, 0, 1, 1], [1, 1])).toThrow(/ehvi2: std has 1 rows, mean has 2/);
    expect(() => ehvi2(f, [1, 1], [0, 0], [1, 1], new Float64Array(0))).toThrow(/ehvi2: out has length 0/);
    expect(() => ehvi3(f, [1, 1, 1], [0, 0, 0], [1, 1, 1])).toThrow(/ehvi3: front has 4 values, not a multiple of nObj = 3/);
    expect(() => ehvi2([0, Number.POSITIVE_INFINITY], [1, 1], [0, 0], [1, 1])).toThrow(/ehvi2: front\[0\]\[1\] must be a finite number/);
    expect(() => ehvi2({} as never, [1, 1], [0, 0], [1, 1])).toThrow(/ehvi2: front must be a row-major Float64Array/);
    expect(() => ehviQmc(f, 4, [1, 1, 1, 1], [0, 0, 0, 0], [1, 1, 1, 1])).toThrow(/ehviQmc: nObj must be 2 or 3/);
    expect(() => ehviQmc(f, 2, [1, 1], [0, 0], [1, 1], { samples: 3 })).toThrow(/ehviQmc: options.samples/);
    expect(() => ehvi3(fromRows([[0, 0, 0]]), [1, 1, 1], [0, 0, 0], [1, 1, 1], { samples: 64, replicates: 1 })).toThrow(/ehvi3: options.replicates/);
  });

  it('accepts an empty candidate set and an empty front', () => {
    expect(ehvi2(f, [1, 1], [], []).length).toBe(0);
    expect(ehvi2([], [1, 1], [0, 0], [0, 0])[0]).toBe(1);
    expect(hviReference([], [1, 1], [0, 0])).toBe(1);
  });
});

import { describe, expect, it } from 'vitest';
import { rankSum } from '../../src/math/ranksum.ts';
import { Rng } from '../../src/random/rng.ts';

/** The exact two-sided p-value by enumerating every split of the pooled values (the definition). */
function enumerated(x: number[], y: number[]): number {
  const pooled = [...x, ...y];
  const m = x.length, N = pooled.length;
  const uOf = (idx: number[]) => {
    const set = new Set(idx);
    let u = 0;
    for (const i of idx) for (let j = 0; j < N; j++) if (!set.has(j)) u += pooled[i] > pooled[j] ? 1 : pooled[i] === pooled[j] ? 0.5 : 0;
    return u;
  };
  const observed = uOf(x.map((_, i) => i));
  const dev = Math.abs(observed - (m * (N - m)) / 2);
  let extreme = 0, total = 0;
  const pick = (start: number, chosen: number[]) => {
    if (chosen.length === m) {
      total++;
      if (Math.abs(uOf(chosen) - (m * (N - m)) / 2) >= dev - 1e-12) extreme++;
      return;
    }
    for (let i = start; i < N; i++) pick(i + 1, [...chosen, i]);
  };
  pick(0, []);
  return extreme / total;
}

describe('rankSum', () => {
  it('rankSum([4, 5, 6], [1, 2, 3]): U = 9, p = 2 / C(6, 3) = 0.1 (complete separation)', () => {
    expect(rankSum([4, 5, 6], [1, 2, 3])).toEqual({ u: 9, p: 0.1, method: 'exact' });
    expect(rankSum([1, 2, 3], [4, 5, 6]).p).toBeCloseTo(0.1, 15);
  });

  it('exact p-values equal the enumeration of every split, on random samples without ties', () => {
    const rng = new Rng(7);
    for (let t = 0; t < 25; t++) {
      const m = 1 + rng.int(5), n = 1 + rng.int(6);
      const x = Array.from({ length: m }, () => rng.random()), y = Array.from({ length: n }, () => rng.random() + 0.2 * rng.random());
      const r = rankSum(x, y);
      expect(r.method).toBe('exact');
      expect(r.p).toBeCloseTo(enumerated(x, y), 12);
    }
  });

  it('with ties: the normal approximation with tie and continuity corrections (scipy.stats.mannwhitneyu gives U = 12.5, p = 0.0795647345931905)', () => {
    const r = rankSum([1, 2, 2, 3, 4, 4, 5], [2, 3, 3, 5, 6, 6, 7, 8]);
    expect(r.method).toBe('normal');
    expect(r.u).toBe(12.5);
    expect(r.p).toBeCloseTo(0.0795647345931905, 6);
    expect(rankSum([1, 1, 1], [1, 1]).p).toBe(1); // all tied: no evidence
  });

  it('names the bad argument', () => {
    expect(() => rankSum([], [1])).toThrow(/rankSum: x is empty/);
    expect(() => rankSum([1], [NaN])).toThrow(/rankSum: y holds a non-finite value/);
  });
});

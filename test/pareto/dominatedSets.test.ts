import { describe, expect, it } from 'vitest';
import { compareSets, dominatedSets, fromRows, nonDominatedPoints } from '../../src/index.ts';
import { firstDominatedPoint } from '../../src/pareto/dominatedSets.ts';
import { Rng } from '../../src/random/rng.ts';
import { latticePoints } from '../helpers/fronts.ts';

// Brute-force oracle: a covers b when every point of b is no better than some point of a.
function rows(p: Float64Array, d: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < p.length; i += d) out.push(Array.from(p.subarray(i, i + d)));
  return out;
}
const covers = (a: number[][], b: number[][]) => b.every((y) => a.some((x) => x.every((v, k) => v <= y[k])));
function betterOracle(a: Float64Array, b: Float64Array, d: number): -1 | 0 | 1 {
  const A = rows(a, d), B = rows(b, d);
  const ab = covers(A, B), ba = covers(B, A);
  return ab && !ba ? 1 : ba && !ab ? -1 : 0;
}

describe('compareSets', () => {
  it('better, worse, equal and incomparable sets', () => {
    const A = fromRows([[1, 2], [2, 1]]);
    expect(compareSets(fromRows([[1, 1]]), A, 2)).toBe(1);
    expect(compareSets(A, fromRows([[1, 1]]), 2)).toBe(-1);
    expect(compareSets(A, fromRows([[2, 1], [1, 2]]), 2)).toBe(0); // equal as sets
    expect(compareSets(A, fromRows([[0, 3], [3, 0]]), 2)).toBe(0); // incomparable
    expect(compareSets(fromRows([[1, 2], [2, 1], [0, 3]]), A, 2)).toBe(1); // a superset is better
    expect(compareSets(A, fromRows([[1, 2]]), 2)).toBe(1);
    expect(compareSets(A, new Float64Array(0), 2)).toBe(1);
    expect(compareSets(new Float64Array(0), new Float64Array(0), 2)).toBe(0);
    // dominated points and duplicates do not change the relation
    expect(compareSets(fromRows([[1, 2], [2, 1], [2, 2], [1, 2]]), A, 2)).toBe(0);
    // maximise
    expect(compareSets(fromRows([[1, 1]]), A, 2, { maximise: true })).toBe(-1);
    expect(compareSets(fromRows([[1, 1]]), A, 2, { maximise: [false, true] })).toBe(-1); // (1, 2) dominates (1, 1)
    expect(compareSets(fromRows([[0, 1]]), A, 2, { maximise: [false, true] })).toBe(0);
  });

  it('agrees with brute force on random lattice sets, d = 2..5 (duplicates and dominated points included)', () => {
    const rng = new Rng(3);
    for (let d = 2; d <= 5; d++) {
      for (let t = 0; t < 60; t++) {
        const a = latticePoints(rng, 1 + rng.int(8), d, 0, 3);
        const b = t % 3 === 0 ? a.slice().reverse() : latticePoints(rng, 1 + rng.int(8), d, 0, 3);
        expect(compareSets(a, b, d), `d=${d} t=${t}`).toBe(betterOracle(a, b, d));
      }
    }
  });
  it('agrees with brute force on large fronts too, which go through the non-dominated kernel (d = 2, 3)', () => {
    // fronts of about 300 points (integer points of a simplex: mutually non-dominated): more than
    // 2^14 pairs, past the pair-by-pair path; one set a perturbed or thinned copy of the other,
    // or another front, so that every outcome occurs
    const rng = new Rng(11);
    const simplex = (d: number) => {
      const p = new Float64Array(300 * d);
      for (let i = 0; i < 300; i++) {
        let sum = 0;
        for (let k = 0; k < d - 1; k++) sum += p[i * d + k] = rng.int(400);
        p[i * d + d - 1] = 2000 - sum;
      }
      return nonDominatedPoints(p, d, { keepDuplicates: false });
    };
    const seen = new Set<number>();
    for (const d of [2, 3]) {
      for (let t = 0; t < 24; t++) {
        const a = simplex(d);
        let b: Float64Array;
        if (t % 4 === 0) b = a.slice();
        else if (t % 4 === 1) b = a.map((v) => v + (rng.random() < 0.02 ? 1 : 0)); // a few points worse: a is better
        else if (t % 4 === 2) b = a.filter((_, i) => Math.floor(i / d) % 3 !== 0); // a subset: a is better
        else b = simplex(d);
        expect(a.length / d * (b.length / d), `d=${d} t=${t}: fronts large enough for the kernel path`).toBeGreaterThan(1 << 14);
        const want = betterOracle(a, b, d);
        seen.add(want);
        expect(compareSets(a, b, d), `d=${d} t=${t}`).toBe(want);
        expect(compareSets(b, a, d), `d=${d} t=${t} (swapped)`).toBe(want === 0 ? 0 : -want);
      }
    }
    expect(seen.has(1)).toBe(true);
  });
});

describe('dominatedSets', () => {
  it('counts, percentages and ranks match the pairwise relation', () => {
    const rng = new Rng(5);
    const d = 3;
    const group = (k: number) => Array.from({ length: k }, () => nonDominatedPoints(latticePoints(rng, 6, d, 0, 4), d, { keepDuplicates: false }));
    const groups = [group(4), group(3), group(5)];
    const r = dominatedSets(groups, d);
    for (let k = 0; k < 3; k++) {
      expect(r.better[k][k]).toBeNaN();
      expect(r.percent[k][k]).toBeNaN();
      for (let j = 0; j < 3; j++) {
        if (j === k) continue;
        let count = 0;
        for (const a of groups[k]) for (const b of groups[j]) count += betterOracle(a, b, d) === 1 ? 1 : 0;
        expect(r.better[k][j], `${k} vs ${j}`).toBe(count);
        expect(r.percent[k][j]).toBeCloseTo((100 * count) / (groups[k].length * groups[j].length), 12);
      }
      expect(r.ranks[k]).toBe([0, 1, 2].filter((j) => j !== k).reduce((s, j) => s + r.better[j][k], 0));
    }
  });

  it('checks each set unless check: false, and names the argument', () => {
    const good = fromRows([[1, 2], [2, 1]]);
    const dup = fromRows([[1, 1], [1, 1]]);
    const dominated = fromRows([[1, 2], [2, 2]]);
    expect(() => dominatedSets([[good], [dup]], 2)).toThrow(/groups\[1\]\[0\]: point 1 is dominated or duplicated/);
    expect(() => dominatedSets([[good, dominated], [good]], 2)).toThrow(/groups\[0\]\[1\]: point 1 is dominated/);
    expect(dominatedSets([[dup], [good]], 2, { check: false }).better).toEqual([[NaN, 1], [0, NaN]]);
    expect(firstDominatedPoint(dominated, 2)).toBe(1);
    expect(firstDominatedPoint(good, 2)).toBe(-1);
    expect(firstDominatedPoint(fromRows([[2, 2], [1, 1], [3, 0]]), 2)).toBe(0);
    expect(() => dominatedSets([[good]], 2)).toThrow(/at least two groups/);
    expect(() => dominatedSets([[good], []], 2)).toThrow(/groups\[1\] must be a non-empty array of sets/);
    expect(() => dominatedSets([[good], [fromRows([[1, 2, 3]])]], 2)).toThrow(/groups\[1\]\[0\] has 3 values, not a multiple of nObj = 2/);
    expect(() => dominatedSets([[good], [new Float64Array([1, NaN])]], 2)).toThrow(/groups\[1\]\[0\]\[0\]\[1\] must be a finite number/);
    // @ts-expect-error check must be a boolean
    expect(() => dominatedSets([[good], [good]], 2, { check: 1 })).toThrow(/options.check must be a boolean/);
  });
});

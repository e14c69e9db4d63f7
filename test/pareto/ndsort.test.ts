import { describe, expect, it } from 'vitest';
import { ndsort } from '../../src/pareto/ndsort.ts';
import { isNonDominated } from '../../src/pareto/nonDominated.ts';
import { fromRows } from '../../src/pareto/fromRows.ts';
import { dominates, ndsortReference } from '../../src/pareto/reference/ndsort.ts';
import { Rng } from '../../src/random/rng.ts';
import { duplicatePoints, latticePoints, spherePoints, uniformPoints } from '../helpers/fronts.ts';

/** Compare the kernel with the reference twin; report the first differing row. */
function expectSameRanks(points: Float64Array, d: number, what: string): Int32Array {
  const got = ndsort(points, d);
  const { ranks } = ndsortReference(points, d);
  expect(got.length, `${what}: length`).toBe(ranks.length);
  for (let i = 0; i < ranks.length; i++) {
    if (got[i] !== ranks[i]) {
      const row = Array.from(points.subarray(i * d, i * d + d));
      expect.fail(`${what}: row ${i} (${row.join(', ')}) has rank ${got[i]}, reference ${ranks[i]}`);
    }
  }
  return got;
}

/** A random point set of one of several kinds, n rows, d columns. */
function randomSet(rng: Rng, n: number, d: number, kind: number): Float64Array {
  switch (kind % 5) {
    case 0: return uniformPoints(rng, n, d);
    case 1: return uniformPoints(rng, n, d, -1e3, -1); // negative coordinates
    case 2: return latticePoints(rng, n, d, -2, 1 + rng.int(4)); // heavy ties and duplicates
    case 3: return duplicatePoints(rng, n, d, 1 + rng.int(12));
    default: return spherePoints(rng, n, d).map((v, i) => (i % 3 === 0 ? -v : v)); // mixed signs
  }
}

const max = (a: Int32Array): number => a.reduce((m, v) => (v > m ? v : m), -1);

describe('ndsort vs the reference twin', () => {
  for (let d = 1; d <= 6; d++) {
    it(`d = ${d}: random sets, n = 1..300`, () => {
      const rng = new Rng(100 + d);
      for (let trial = 0; trial < 60; trial++) {
        const n = trial < 8 ? trial + 1 : 1 + rng.int(300);
        const pts = randomSet(rng, n, d, trial);
        expectSameRanks(pts, d, `d=${d} trial=${trial} kind=${trial % 5} n=${n}`);
      }
    });
  }

  it('larger sets that reach every branch of the divide and conquer (d = 3..6, n up to 2500)', () => {
    const rng = new Rng(7);
    for (let d = 3; d <= 6; d++) {
      for (let kind = 0; kind < 5; kind++) {
        const n = 1200 + rng.int(1300);
        expectSameRanks(randomSet(rng, n, d, kind), d, `d=${d} kind=${kind} n=${n}`);
      }
    }
  });

  it('very coarse lattices: few distinct values per objective', () => {
    const rng = new Rng(8);
    for (let d = 2; d <= 6; d++) {
      for (const hi of [1, 2]) expectSameRanks(latticePoints(rng, 700, d, 0, hi), d, `d=${d} hi=${hi}`);
    }
  });

  it('values one ulp apart are distinct, not ties', () => {
    const rng = new Rng(9);
    const eps = 2 ** -52;
    for (let d = 1; d <= 6; d++) {
      const lat = latticePoints(rng, 600, d, 0, 3);
      const near = lat.map((k, i) => (i % 2 === 0 ? 1 + k * eps : -1 - k * 2 * eps));
      expectSameRanks(near, d, `ulp lattice d=${d}`);
    }
  });

  it('chains and antichains: n fronts, one front', () => {
    for (const d of [2, 3, 4, 5]) {
      const n = 400;
      const chain = new Float64Array(n * d);
      for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) chain[i * d + j] = n - i + (j === 0 ? 0 : 0.5 * (i % 2));
      const ranks = expectSameRanks(chain, d, `chain d=${d}`);
      expect(max(ranks)).toBeGreaterThan(n / 2);
      const anti = spherePoints(new Rng(d), 500, d);
      expect(max(expectSameRanks(anti, d, `sphere d=${d}`))).toBe(0);
    }
  });
});

describe('ndsort: definitions and examples', () => {
  it('known ranks (the union of moocore\'s ndsort example sets)', () => {
    const pts = fromRows([[3, 1], [1, 3], [2, 2], [2, 2], [2.5, 2.5], [1, 3], [0.5, 4], [1, 1], [2, 2]]);
    expect(Array.from(ndsort(pts, 2))).toEqual([1, 1, 1, 1, 2, 1, 0, 0, 1]);
  });

  it('d = 1 ranks are dense ranks of the values; duplicates share a rank', () => {
    expect(Array.from(ndsort([3, -1, 3, 0, -1, 7], 1))).toEqual([2, 0, 2, 1, 0, 3]);
  });

  it('weak dominance: equal in all but one objective still dominates', () => {
    expect(Array.from(ndsort(fromRows([[1, 1, 2], [1, 1, 1], [1, 1, 1], [0, 5, 5]]), 3))).toEqual([1, 0, 0, 0]);
  });

  it('-0 and +0 are the same value', () => {
    expect(Array.from(ndsort([0, 1, -0, 1, -0, 0.5], 2))).toEqual([1, 1, 0]);
    expect(Array.from(ndsort([0, 1, 2, -0, 1, 2], 3))).toEqual([0, 0]);
  });

  it('empty input gives an empty result; a flat number array is accepted', () => {
    expect(ndsort(new Float64Array(0), 3).length).toBe(0);
    expect(Array.from(ndsort([1, 2, 2, 1, 3, 3], 2))).toEqual([0, 0, 1]);
  });
});

describe('ndsort: invariances', () => {
  it('row order: shuffling the rows permutes the ranks', () => {
    const rng = new Rng(21);
    for (let d = 1; d <= 6; d++) {
      const n = 500;
      const pts = randomSet(rng, n, d, d);
      // Tag each row with its index through a shuffled copy built from a known order.
      const order = Array.from({ length: n }, (_, i) => i);
      rng.shuffle(order);
      const shuffled = new Float64Array(n * d);
      order.forEach((src, dst) => shuffled.set(pts.subarray(src * d, src * d + d), dst * d));
      const a = ndsort(pts, d), b = ndsort(shuffled, d);
      for (let dst = 0; dst < n; dst++) expect(b[dst]).toBe(a[order[dst]]);
    }
  });

  it('maximise: flipping signs and maximising gives the same ranks', () => {
    const rng = new Rng(22);
    for (let d = 1; d <= 5; d++) {
      const pts = randomSet(rng, 400, d, d + 1);
      const neg = pts.map((v) => -v);
      expect(Array.from(ndsort(neg, d, { maximise: true }))).toEqual(Array.from(ndsort(pts, d)));
      const mask = Array.from({ length: d }, (_, j) => j % 2 === 1);
      const mixed = pts.map((v, i) => (mask[i % d] ? -v : v));
      expect(Array.from(ndsort(mixed, d, { maximise: mask }))).toEqual(Array.from(ndsort(pts, d)));
    }
  });

  it('strictly increasing transforms of an objective leave the ranks unchanged', () => {
    const rng = new Rng(23);
    const pts = latticePoints(rng, 800, 4, -5, 5);
    const t = pts.map((v, i) => (i % 4 === 1 ? Math.exp(v) : i % 4 === 2 ? v * v * v - 100 : v));
    expect(Array.from(ndsort(t, 4))).toEqual(Array.from(ndsort(pts, 4)));
  });

  it('does not modify its input', () => {
    const rng = new Rng(24);
    for (const d of [1, 2, 3, 5]) {
      const pts = randomSet(rng, 300, d, 2);
      const copy = pts.slice();
      ndsort(pts, d, { maximise: true });
      expect(pts).toEqual(copy);
      const arr = Array.from(pts);
      ndsort(arr, d);
      expect(arr).toEqual(Array.from(copy));
    }
  });
});

describe('ndsort: out buffer', () => {
  it('writes into out and returns it; reuse across calls', () => {
    const rng = new Rng(31);
    const out = new Int32Array(200);
    for (const d of [2, 3, 4]) {
      const pts = uniformPoints(rng, 200, d);
      const res = ndsort(pts, d, undefined, out);
      expect(res).toBe(out);
      expect(Array.from(res)).toEqual(Array.from(ndsort(pts, d)));
    }
  });

  it('a longer out gets its first n elements written and a subarray back', () => {
    const out = new Int32Array(10).fill(-7);
    const res = ndsort([1, 2, 2, 1, 3, 3], 2, {}, out);
    expect(res.length).toBe(3);
    expect(res.buffer).toBe(out.buffer);
    expect(Array.from(out)).toEqual([0, 0, 1, -7, -7, -7, -7, -7, -7, -7]);
  });
});

describe('ndsort: validation', () => {
  it('names the function and the argument', () => {
    expect(() => ndsort([1, 2, 3], 2)).toThrow(/ndsort: points has 3 values, not a multiple of nObj = 2/);
    expect(() => ndsort([1, NaN], 2)).toThrow(/ndsort: points\[0\]\[1\] must be a finite number/);
    expect(() => ndsort([1, Infinity], 1)).toThrow(/ndsort: points\[1\]\[0\]/);
    expect(() => ndsort([1, 2], 0)).toThrow(/ndsort: nObj must be a positive integer/);
    expect(() => ndsort([1, 2], 1.5)).toThrow(RangeError);
    expect(() => ndsort('12' as never, 1)).toThrow(/ndsort: points must be a row-major Float64Array/);
    expect(() => ndsort([[1, 2], [3, 4]] as never, 2)).toThrow(/ndsort: points\[0\]\[0\] must be a finite number/);
    expect(() => ndsort([1, 2], 2, 'max' as never)).toThrow(/ndsort: options must be an object/);
    expect(() => ndsort([1, 2], 2, { maximise: [true] })).toThrow(/ndsort: options.maximise/);
    expect(() => ndsort([1, 2, 3, 4], 2, {}, new Int32Array(1))).toThrow(/ndsort: out has length 1, needs at least 2/);
    expect(() => ndsort([1, 2], 2, {}, new Float64Array(1) as never)).toThrow(/ndsort: out must be a Int32Array/);
  });
});

describe('ndsort: large inputs (WebAssembly memory grows)', () => {
  /** Sampled checks of the definition on a large set, plus agreement with isNonDominated. */
  function checkLarge(pts: Float64Array, d: number, ranks: Int32Array, seed: number): void {
    const n = ranks.length;
    const fronts = max(ranks) + 1;
    // Every rank 0..fronts-1 occurs.
    const count = new Int32Array(fronts);
    for (let i = 0; i < n; i++) count[ranks[i]]++;
    expect(count.every((c) => c > 0)).toBe(true);
    // Rank 0 is exactly the non-dominated set.
    const nd = isNonDominated(pts, d);
    for (let i = 0; i < n; i++) if ((ranks[i] === 0) !== (nd[i] === 1)) expect.fail(`row ${i}: rank ${ranks[i]}, flag ${nd[i]}`);
    const rng = new Rng(seed);
    // A point of rank k > 0 has a dominator of rank k - 1.
    for (let s = 0; s < 200; s++) {
      const i = rng.int(n);
      if (ranks[i] === 0) continue;
      let found = false;
      for (let j = 0; j < n && !found; j++) found = ranks[j] === ranks[i] - 1 && dominates(pts, d, j, i);
      if (!found) expect.fail(`row ${i} of rank ${ranks[i]} has no dominator of rank ${ranks[i] - 1}`);
    }
    // No point of rank >= k dominates a point of rank k.
    for (let s = 0; s < 12; s++) {
      const i = rng.int(n);
      for (let j = 0; j < n; j++) {
        if (ranks[j] >= ranks[i] && dominates(pts, d, j, i)) expect.fail(`row ${j} (rank ${ranks[j]}) dominates row ${i} (rank ${ranks[i]})`);
      }
    }
  }

  it('3-D, 1,000,000 uniform points', () => {
    const pts = uniformPoints(new Rng(41), 1_000_000, 3);
    const ranks = ndsort(pts, 3);
    checkLarge(pts, 3, ranks, 42);
    // About 2.2 n^(1/3) fronts for uniform 3-D points.
    expect(max(ranks) + 1).toBeGreaterThan(150);
  });

  it('2-D, 2,000,000 lattice points (ties everywhere)', () => {
    const pts = latticePoints(new Rng(43), 2_000_000, 2, 0, 100_000);
    const ranks = ndsort(pts, 2);
    checkLarge(pts, 2, ranks, 44);
    // A small set afterwards still works (no stale views of the grown memory).
    expect(Array.from(ndsort([2, 1, 1, 2, 2, 2], 2))).toEqual([0, 0, 1]);
  });
});

import { describe, expect, it } from 'vitest';
import { isNonDominated, nonDominatedPoints } from '../../src/pareto/nonDominated.ts';
import { ndsort } from '../../src/pareto/ndsort.ts';
import { fromRows } from '../../src/pareto/fromRows.ts';
import { nonDominatedReference } from '../../src/pareto/reference/nonDominated.ts';
import { Rng } from '../../src/random/rng.ts';
import { duplicatePoints, latticePoints, spherePoints, uniformPoints } from '../helpers/fronts.ts';

/** Compare the kernel with the reference twin (both duplicate modes); report the first difference. */
function expectSameFlags(points: Float64Array, d: number, what: string): void {
  for (const keepDuplicates of [true, false]) {
    const got = isNonDominated(points, d, { keepDuplicates });
    const want = nonDominatedReference(points, d, keepDuplicates);
    expect(got.length, `${what}: length`).toBe(want.length);
    for (let i = 0; i < want.length; i++) {
      if (got[i] !== want[i]) {
        const row = Array.from(points.subarray(i * d, i * d + d));
        expect.fail(`${what} keepDuplicates=${keepDuplicates}: row ${i} (${row.join(', ')}) flag ${got[i]}, reference ${want[i]}`);
      }
    }
  }
}

function randomSet(rng: Rng, n: number, d: number, kind: number): Float64Array {
  switch (kind % 5) {
    case 0: return uniformPoints(rng, n, d);
    case 1: return uniformPoints(rng, n, d, -1e3, -1);
    case 2: return latticePoints(rng, n, d, -2, 1 + rng.int(4));
    case 3: return duplicatePoints(rng, n, d, 1 + rng.int(12));
    default: {
      // A mutually non-dominated set with duplicated rows mixed in.
      const s = spherePoints(rng, n, d).map((v) => -v);
      for (let i = 1; i < n; i += 3) s.copyWithin(i * d, (i - 1) * d, i * d);
      return s;
    }
  }
}

describe('isNonDominated vs the reference twin', () => {
  for (let d = 1; d <= 6; d++) {
    it(`d = ${d}: random sets, n = 1..300`, () => {
      const rng = new Rng(200 + d);
      for (let trial = 0; trial < 60; trial++) {
        const n = trial < 8 ? trial + 1 : 1 + rng.int(300);
        expectSameFlags(randomSet(rng, n, d, trial), d, `d=${d} trial=${trial} kind=${trial % 5} n=${n}`);
      }
    });
  }

  it('large non-dominated sets (the d >= 4 filter hands over to divide and conquer)', () => {
    const rng = new Rng(11);
    for (const [d, n] of [[4, 1500], [5, 1300], [6, 1100], [3, 2000]]) {
      expectSameFlags(spherePoints(rng, n, d), d, `sphere d=${d}`);
      // The same with dominated points and copies mixed in.
      const s = spherePoints(rng, n, d);
      for (let i = 0; i < n; i += 7) s[i * d] += 0.5;
      for (let i = 3; i < n; i += 11) s.copyWithin(i * d, (i - 2) * d, (i - 1) * d);
      expectSameFlags(s, d, `perturbed sphere d=${d}`);
    }
  });

  it('values one ulp apart are distinct', () => {
    const rng = new Rng(12);
    const eps = 2 ** -52;
    for (let d = 1; d <= 6; d++) {
      const lat = latticePoints(rng, 500, d, 0, 3);
      expectSameFlags(lat.map((k) => 1 + k * eps), d, `ulp lattice d=${d}`);
    }
  });

  it('agrees with rank 0 of ndsort', () => {
    const rng = new Rng(13);
    for (let d = 1; d <= 6; d++) {
      for (let kind = 0; kind < 5; kind++) {
        const pts = randomSet(rng, 2000, d, kind);
        const ranks = ndsort(pts, d);
        const flags = isNonDominated(pts, d);
        for (let i = 0; i < ranks.length; i++) if ((ranks[i] === 0) !== (flags[i] === 1)) expect.fail(`d=${d} kind=${kind} row ${i}`);
      }
    }
  });
});

describe('isNonDominated: duplicates, options, examples', () => {
  it('keepDuplicates: false keeps the lowest index of identical non-dominated points', () => {
    const pts = fromRows([[3, 1], [1, 3], [2, 2], [2, 2], [2.5, 2.5], [1, 3], [0.5, 4]]);
    expect(Array.from(isNonDominated(pts, 2))).toEqual([1, 1, 1, 1, 0, 1, 1]);
    expect(Array.from(isNonDominated(pts, 2, { keepDuplicates: true }))).toEqual([1, 1, 1, 1, 0, 1, 1]);
    expect(Array.from(isNonDominated(pts, 2, { keepDuplicates: false }))).toEqual([1, 1, 1, 0, 0, 0, 1]);
    // The same in 4-D (moocore's nondominated -f example): only the first copy of (1, 2, 3, 4).
    const p4 = fromRows([[1, 2, 3, 4], [4, 3, 2, 1], [1, 2, 3, 4], [2, 2, 3, 4], [0, 5, 5, 5], [1, 2, 3, 4]]);
    expect(Array.from(isNonDominated(p4, 4, { keepDuplicates: false }))).toEqual([1, 1, 0, 0, 1, 0]);
    expect(Array.from(isNonDominated(p4, 4))).toEqual([1, 1, 1, 0, 1, 1]);
  });

  it('d = 1: the minimum, all copies or the first', () => {
    expect(Array.from(isNonDominated([3, -1, 2, -1], 1))).toEqual([0, 1, 0, 1]);
    expect(Array.from(isNonDominated([3, -1, 2, -1], 1, { keepDuplicates: false }))).toEqual([0, 1, 0, 0]);
  });

  it('-0 and +0 are the same value', () => {
    expect(Array.from(isNonDominated([0, 1, -0, 1], 2, { keepDuplicates: false }))).toEqual([1, 0]);
    expect(Array.from(isNonDominated([0, 1, 1, -0, 1, 1, 0, 0, 2], 3))).toEqual([1, 1, 1]);
  });

  it('maximise: flipping signs and maximising gives the same flags', () => {
    const rng = new Rng(14);
    for (let d = 1; d <= 5; d++) {
      const pts = randomSet(rng, 400, d, d);
      const want = Array.from(isNonDominated(pts, d, { keepDuplicates: false }));
      expect(Array.from(isNonDominated(pts.map((v) => -v), d, { maximise: true, keepDuplicates: false }))).toEqual(want);
      const mask = Array.from({ length: d }, (_, j) => j % 2 === 0);
      const mixed = pts.map((v, i) => (mask[i % d] ? -v : v));
      expect(Array.from(isNonDominated(mixed, d, { maximise: mask, keepDuplicates: false }))).toEqual(want);
    }
  });

  it('row order: shuffling the rows permutes the flags (all copies kept)', () => {
    const rng = new Rng(15);
    for (let d = 1; d <= 6; d++) {
      const n = 500;
      const pts = randomSet(rng, n, d, d + 2);
      const order = Array.from({ length: n }, (_, i) => i);
      rng.shuffle(order);
      const shuffled = new Float64Array(n * d);
      order.forEach((src, dst) => shuffled.set(pts.subarray(src * d, src * d + d), dst * d));
      const a = isNonDominated(pts, d), b = isNonDominated(shuffled, d);
      for (let dst = 0; dst < n; dst++) expect(b[dst]).toBe(a[order[dst]]);
    }
  });

  it('does not modify its input; empty input gives an empty result', () => {
    const rng = new Rng(16);
    for (const d of [1, 2, 3, 4]) {
      const pts = randomSet(rng, 300, d, 3);
      const copy = pts.slice();
      isNonDominated(pts, d, { maximise: true, keepDuplicates: false });
      nonDominatedPoints(pts, d, { maximise: true });
      expect(pts).toEqual(copy);
    }
    expect(isNonDominated(new Float64Array(0), 2).length).toBe(0);
    expect(nonDominatedPoints([], 3).length).toBe(0);
  });
});

describe('nonDominatedPoints', () => {
  it('returns the kept rows in input order with their original values', () => {
    const rows = [[3, 1], [1, 3], [2, 2], [2, 2], [2.5, 2.5], [1, 3], [0.5, 4]];
    expect(Array.from(nonDominatedPoints(fromRows(rows), 2))).toEqual([3, 1, 1, 3, 2, 2, 2, 2, 1, 3, 0.5, 4]);
    expect(Array.from(nonDominatedPoints(fromRows(rows), 2, { keepDuplicates: false }))).toEqual([3, 1, 1, 3, 2, 2, 0.5, 4]);
    // Maximising: the values come back unflipped.
    expect(Array.from(nonDominatedPoints(fromRows(rows), 2, { maximise: true, keepDuplicates: false }))).toEqual([3, 1, 1, 3, 2.5, 2.5, 0.5, 4]);
  });

  it('matches the flags on random sets (flat number arrays too)', () => {
    const rng = new Rng(17);
    for (let d = 1; d <= 5; d++) {
      const pts = randomSet(rng, 700, d, d);
      const flags = isNonDominated(pts, d, { keepDuplicates: false });
      const kept = nonDominatedPoints(Array.from(pts), d, { keepDuplicates: false });
      const want: number[] = [];
      for (let i = 0; i < flags.length; i++) if (flags[i]) want.push(...pts.subarray(i * d, i * d + d));
      expect(Array.from(kept)).toEqual(want);
    }
  });
});

describe('isNonDominated: out buffer and validation', () => {
  it('writes into out and returns it; a longer out gets a subarray back', () => {
    const rng = new Rng(18);
    const out = new Uint8Array(300);
    for (const d of [2, 3, 5]) {
      const pts = uniformPoints(rng, 300, d);
      const res = isNonDominated(pts, d, undefined, out);
      expect(res).toBe(out);
      expect(Array.from(res)).toEqual(Array.from(isNonDominated(pts, d)));
    }
    const long = new Uint8Array(6).fill(9);
    const res = isNonDominated([1, 2, 2, 1, 3, 3], 2, {}, long);
    expect(res.length).toBe(3);
    expect(Array.from(long)).toEqual([1, 1, 0, 9, 9, 9]);
  });

  it('names the function and the argument', () => {
    expect(() => isNonDominated([1, 2, 3], 2)).toThrow(/isNonDominated: points has 3 values, not a multiple of nObj = 2/);
    expect(() => isNonDominated([1, NaN], 1)).toThrow(/isNonDominated: points\[1\]\[0\] must be a finite number/);
    expect(() => isNonDominated([1, 2], -1)).toThrow(/isNonDominated: nObj must be a positive integer/);
    expect(() => isNonDominated(new Int32Array(2) as never, 1)).toThrow(/isNonDominated: points must be a row-major Float64Array/);
    expect(() => isNonDominated([1, 2], 2, { keepDuplicates: 1 as never })).toThrow(/isNonDominated: options.keepDuplicates must be a boolean/);
    expect(() => isNonDominated([1, 2], 2, { maximise: 'yes' as never })).toThrow(/isNonDominated: options.maximise/);
    expect(() => isNonDominated([1, 2], 2, null as never)).toThrow(/isNonDominated: options must be an object/);
    expect(() => isNonDominated([1, 2, 3, 4], 2, {}, new Uint8Array(1))).toThrow(/isNonDominated: out has length 1, needs at least 2/);
    expect(() => isNonDominated([1, 2], 2, {}, new Int32Array(1) as never)).toThrow(/isNonDominated: out must be a Uint8Array/);
    expect(() => nonDominatedPoints([1, 2, 3], 2)).toThrow(/nonDominatedPoints: points has 3 values/);
    expect(() => nonDominatedPoints([1, 2], 2, { keepDuplicates: 'no' as never })).toThrow(/nonDominatedPoints: options.keepDuplicates/);
  });
});

describe('isNonDominated: large inputs (WebAssembly memory grows)', () => {
  it('2-D, 2,000,000 points: agrees with ndsort and with a direct sweep', () => {
    const n = 2_000_000;
    const pts = uniformPoints(new Rng(51), n, 2);
    const flags = isNonDominated(pts, 2);
    const ranks = ndsort(pts, 2);
    let count = 0;
    for (let i = 0; i < n; i++) {
      count += flags[i];
      if ((ranks[i] === 0) !== (flags[i] === 1)) expect.fail(`row ${i}: rank ${ranks[i]}, flag ${flags[i]}`);
    }
    // The kept points form a staircase: sorted by x, y strictly falls; every other point is above it.
    const kept: number[] = [];
    for (let i = 0; i < n; i++) if (flags[i]) kept.push(i);
    kept.sort((a, b) => pts[2 * a] - pts[2 * b]);
    for (let t = 1; t < kept.length; t++) expect(pts[2 * kept[t] + 1]).toBeLessThan(pts[2 * kept[t - 1] + 1]);
    expect(count).toBe(kept.length);
    expect(count).toBeGreaterThan(5);
  });

  it('3-D, 1,000,000 lattice points with duplicates: agrees with ndsort', () => {
    const n = 1_000_000;
    const pts = latticePoints(new Rng(52), n, 3, 0, 300);
    const flags = isNonDominated(pts, 3);
    const first = isNonDominated(pts, 3, { keepDuplicates: false });
    const ranks = ndsort(pts, 3);
    let all = 0, once = 0;
    for (let i = 0; i < n; i++) {
      all += flags[i];
      once += first[i];
      if ((ranks[i] === 0) !== (flags[i] === 1)) expect.fail(`row ${i}: rank ${ranks[i]}, flag ${flags[i]}`);
      if (first[i] > flags[i]) expect.fail(`row ${i} kept only without duplicates`);
    }
    // Distinct kept rows: once; all copies: all.
    const distinct = new Set<string>();
    for (let i = 0; i < n; i++) if (flags[i]) distinct.add(`${pts[3 * i]},${pts[3 * i + 1]},${pts[3 * i + 2]}`);
    expect(once).toBe(distinct.size);
    expect(all).toBeGreaterThanOrEqual(once);
  });
});

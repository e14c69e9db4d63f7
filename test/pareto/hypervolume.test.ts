import { describe, expect, it } from 'vitest';
import { fromRows, hypervolume } from '../../src/index.ts';
import {
  hypervolumeGrid, hypervolumeInclusionExclusion, hypervolumeReference,
} from '../../src/pareto/reference/hypervolume.ts';
import { Rng } from '../../src/random/rng.ts';
import { latticePoints, shuffleRows, spherePoints, uniformPoints } from '../helpers/fronts.ts';
import { expectClose } from '../helpers/tolerance.ts';

// The kernels sum volumes in different orders than the twins; allow rounding relative to the
// size of the reference box as well as to the result.
function expectHv(actual: number, expected: number, boxScale: number, what: string): void {
  expectClose(actual, expected, 1e-12, 1e-13 * boxScale, what);
}

function rowsOf(points: Float64Array, d: number): number[][] {
  const rows: number[][] = [];
  for (let i = 0; i < points.length; i += d) rows.push(Array.from(points.subarray(i, i + d)));
  return rows;
}

/** Volume of the box spanned by the lowest coordinates and the reference point. */
function boxScale(points: Float64Array, d: number, ref: readonly number[]): number {
  let vol = 1;
  for (let j = 0; j < d; j++) {
    let lo = ref[j];
    for (let i = j; i < points.length; i += d) lo = Math.min(lo, points[i]);
    vol *= Math.max(ref[j] - lo, 1);
  }
  return vol;
}

/** Insert a constant coordinate `c` at position `at` of every row. */
function withConstant(points: Float64Array, d: number, at: number, c: number): Float64Array {
  const n = points.length / d;
  const out = new Float64Array(n * (d + 1));
  for (let i = 0; i < n; i++) {
    for (let j = 0, k = 0; j <= d; j++) out[i * (d + 1) + j] = j === at ? c : points[i * d + k++];
  }
  return out;
}

function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

/** All integer points of {0..k-1}^d with coordinate sum k - 1 (a mutually non-dominated set). */
function simplexLattice(d: number, k: number): Float64Array {
  const rows: number[][] = [];
  const rec = (prefix: number[], left: number): void => {
    if (prefix.length === d - 1) {
      rows.push([...prefix, left]);
      return;
    }
    for (let v = 0; v <= left; v++) rec([...prefix, v], left - v);
  };
  rec([], k - 1);
  return fromRows(rows);
}

// Largest random set per dimension that the twin handles quickly.
const MAX_N = [0, 40, 40, 40, 40, 40, 40, 32, 16, 14];

describe('hypervolume: reference twin', () => {
  it('inclusion–exclusion and the cell grid agree with each other and with hand-computed values', () => {
    expect(hypervolumeGrid([[1, 2], [2, 1]], [3, 3])).toBe(3);
    expect(hypervolumeInclusionExclusion([[1, 2], [2, 1]], [3, 3])).toBe(3);
    expect(hypervolumeGrid([[0, 0, 0]], [1, 2, 3])).toBe(6);
    expect(hypervolumeGrid([], [1, 1])).toBe(0);
    const rng = new Rng(1);
    for (let t = 0; t < 40; t++) {
      const d = 1 + (t % 6), n = 1 + rng.int(10);
      const pts = t % 2 ? latticePoints(rng, n, d, -1, 3) : uniformPoints(rng, n, d, -1, 2);
      const ref = Array.from({ length: d }, () => 1 + rng.int(2));
      const rows = rowsOf(pts, d);
      expectClose(hypervolumeGrid(rows, ref), hypervolumeInclusionExclusion(rows, ref), 1e-12, 1e-12, `t=${t}`);
    }
  });
});

describe('hypervolume', () => {
  it('matches hand-computed values in 1 to 6 dimensions', () => {
    expect(hypervolume(fromRows([[1], [0.5], [2]]), 1, [1.5])).toBe(1);
    expect(hypervolume(fromRows([[1, 2], [2, 1]]), 2, [3, 3])).toBe(3);
    expect(hypervolume(fromRows([[1, 2, 3]]), 3, [2, 4, 6])).toBe(6);
    expect(hypervolume(fromRows([[0, 0, 0, 0], [1, 1, 1, 1]]), 4, [2, 2, 2, 2])).toBe(16);
    // Two boxes of volumes 16 and 2 meeting in a unit cube.
    expect(hypervolume(fromRows([[0, 0, 0, 0, 1], [1, 1, 1, 1, 0]]), 5, [2, 2, 2, 2, 2])).toBe(17);
    expect(hypervolume(fromRows([[0, 1, 0, 1, 0, 1], [1, 0, 1, 0, 1, 0]]), 6, [2, 2, 2, 2, 2, 2])).toBe(15);
  });

  it('ignores points that do not strictly dominate the reference point (0 when none does)', () => {
    for (let d = 1; d <= 7; d++) {
      const ref = new Array<number>(d).fill(1);
      // On the reference point's boundary, beyond it, or beyond it in one objective only.
      const rows = [ref.slice(), ref.map((v) => v + 1), ref.map((v, j) => (j === d - 1 ? v + 0.5 : v - 0.5))];
      if (d === 1) rows.pop();
      expect(hypervolume(fromRows(rows), d, ref), `d=${d}`).toBe(0);
      const inside = ref.map(() => 0.5);
      expect(hypervolume(fromRows([...rows, inside]), d, ref), `d=${d}`).toBeCloseTo(0.5 ** d, 15);
    }
  });

  it('agrees with the twin on seeded random sets (n 0..40, d 1..9; ties, duplicates, negatives, points beyond the reference)', () => {
    const rng = new Rng(2024);
    let cases = 0;
    for (let d = 1; d <= 9; d++) {
      const trials = d <= 7 ? 48 : 8;
      for (let t = 0; t < trials; t++) {
        const n = t === 0 ? 1 : t === 1 ? MAX_N[d] : rng.int(MAX_N[d] + 1);
        const kind = t % 4;
        let pts: Float64Array;
        let ref: number[];
        if (kind === 0) {
          // Integer lattice: many equal coordinates and duplicate points, some on or past the reference.
          pts = latticePoints(rng, n, d, -1, 3);
          ref = Array.from({ length: d }, () => 2 + rng.int(2));
        } else if (kind === 1) {
          pts = uniformPoints(rng, n, d, -1, 1.5);
          ref = Array.from({ length: d }, () => rng.uniform(0.5, 1.5));
        } else if (kind === 2) {
          // A non-dominated front, plus copies of some of its points.
          const front = spherePoints(rng, n, d);
          const extra = Math.min(n, rng.int(4));
          pts = new Float64Array((n + extra) * d);
          pts.set(front);
          pts.set(front.subarray(0, extra * d), n * d);
          pts = shuffleRows(rng, pts, d);
          ref = new Array<number>(d).fill(1);
        } else {
          // Mixed: a coarse lattice with a few continuous points, all past the reference when n is small.
          pts = latticePoints(rng, n, d, 0, 4).map((v) => (rng.random() < 0.2 ? v + rng.uniform(-0.5, 0.5) : v));
          ref = new Array<number>(d).fill(n < 4 ? 0 : 3);
        }
        if (n === 0) pts = new Float64Array(d).fill(5); // one point, past the reference
        const expected = hypervolumeReference(pts, d, ref);
        expectHv(hypervolume(pts, d, ref), expected, boxScale(pts, d, ref), `d=${d} n=${n} kind=${kind}`);
        cases++;
      }
    }
    expect(cases).toBe(7 * 48 + 2 * 8);
  });

  it('handles many objectives (d = 66, beyond one bit per objective in the kernel masks)', () => {
    const rng = new Rng(66);
    for (let t = 0; t < 6; t++) {
      const d = 66, n = 3 + t;
      const pts = latticePoints(rng, n, d, 0, 2).map((v) => v + (t % 2 ? rng.uniform(0, 0.5) : 0));
      const ref = new Array<number>(d).fill(3);
      const rows = rowsOf(pts, d);
      expectHv(hypervolume(pts, d, ref), hypervolumeInclusionExclusion(rows, ref), 3 ** d, `n=${n}`);
    }
  });

  it('gives the closed-form volume of simplex lattice fronts, with duplicates and in any row order', () => {
    const rng = new Rng(7);
    // Points of {0..k-1}^d with coordinate sum k-1, reference k: the dominated unit cells are those
    // with coordinate sum >= k-1, so HV = k^d - C(k+d-2, d).
    const cases: [number, number][] = [[2, 40], [3, 12], [4, 9], [5, 6], [6, 5], [7, 4]];
    for (const [d, k] of cases) {
      const front = simplexLattice(d, k);
      const n = front.length / d;
      const doubled = new Float64Array(2 * n * d);
      doubled.set(front);
      doubled.set(front, n * d);
      const ref = new Array<number>(d).fill(k);
      const expected = k ** d - binomial(k + d - 2, d);
      expect(hypervolume(front, d, ref), `d=${d} k=${k}`).toBe(expected);
      expect(hypervolume(shuffleRows(rng, doubled, d), d, ref), `d=${d} k=${k} doubled`).toBe(expected);
    }
  });

  it('is invariant to row order and to adding dominated points', () => {
    const rng = new Rng(99);
    for (const [d, n] of [[2, 500], [3, 400], [4, 150], [5, 60], [6, 30], [7, 16]]) {
      const pts = spherePoints(rng, n, d);
      const ref = new Array<number>(d).fill(1.1);
      const hv = hypervolume(pts, d, ref);
      expectClose(hypervolume(shuffleRows(rng, pts, d), d, ref), hv, 1e-12, 0, `shuffled d=${d}`);
      // Each point pushed back by a non-negative offset is dominated by the original.
      const dominated = pts.map((v) => v + (rng.random() < 0.5 ? 0 : rng.uniform(0, 0.3)));
      const both = new Float64Array(2 * pts.length);
      both.set(dominated);
      both.set(pts, pts.length);
      expectClose(hypervolume(shuffleRows(rng, both, d), d, ref), hv, 1e-12, 0, `with dominated d=${d}`);
    }
  });

  it('maximise flags equal negating the data and the reference point of those objectives', () => {
    const rng = new Rng(5);
    for (const d of [1, 2, 3, 4, 5, 6]) {
      const pts = latticePoints(rng, 30, d, 0, 5).map((v) => v + rng.uniform(-0.25, 0.25));
      const ref = new Array<number>(d).fill(4);
      const hv = hypervolume(pts, d, ref);
      expect(hypervolume(pts.map((v) => -v), d, ref.map((v) => -v), { maximise: true }), `d=${d}`).toBe(hv);
      const flags = Array.from({ length: d }, (_, j) => j % 2 === 1);
      const flip = pts.map((v, i) => (flags[i % d] ? -v : v));
      expect(hypervolume(flip, d, ref.map((v, j) => (flags[j] ? -v : v)), { maximise: flags }), `d=${d} mixed`).toBe(hv);
    }
  });

  it('a constant extra objective c with reference c + 1 leaves the volume unchanged (every kernel against the next)', () => {
    const rng = new Rng(31);
    for (const [d, n] of [[1, 50], [2, 3000], [3, 1500], [4, 200], [5, 60], [6, 25]]) {
      const pts = d === 1 ? uniformPoints(rng, n, 1) : spherePoints(rng, n, d);
      const ref = new Array<number>(d).fill(1);
      const hv = hypervolume(pts, d, ref);
      for (const at of [0, d]) {
        const c = -2.5;
        const lifted = withConstant(pts, d, at, c);
        const liftedRef = [...ref];
        liftedRef.splice(at, 0, c + 1);
        expectClose(hypervolume(lifted, d + 1, liftedRef), hv, 1e-12, 0, `d=${d} -> ${d + 1} at ${at}`);
      }
    }
    // Lattice sets with many ties, 3-D through 4-D and 5-D.
    const lat = latticePoints(rng, 400, 3, 0, 6);
    const hv3 = hypervolume(lat, 3, [5, 5, 5]);
    expect(hypervolume(withConstant(lat, 3, 1, 0), 4, [5, 1, 5, 5])).toBe(hv3);
    expect(hypervolume(withConstant(withConstant(lat, 3, 3, 0), 4, 0, 0), 5, [1, 5, 5, 5, 1])).toBe(hv3);
  });

  it('handles 2,000,000 points (growing WebAssembly memory) and agrees with the 3-D kernel', () => {
    const n = 2_000_000;
    const rng = new Rng(77);
    const pts = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      const a = (Math.PI / 2) * rng.random();
      const r = 1 + 0.05 * rng.random(); // a thin shell: a front plus dominated points
      pts[2 * i] = r * Math.cos(a);
      pts[2 * i + 1] = r * Math.sin(a);
    }
    const hv2 = hypervolume(pts, 2, [1.2, 1.2]);
    const hv3 = hypervolume(withConstant(pts, 2, 2, 0), 3, [1.2, 1.2, 1]);
    expectClose(hv3, hv2, 1e-12, 0, '2-D vs 3-D');
    // Quarter disc of radius 1 removed from the 1.2 x 1.2 square, up to the sampling gaps.
    expect(Math.abs(hv2 - (1.44 - Math.PI / 4))).toBeLessThan(1e-3);
    // Memory views stay valid after growth.
    expect(hypervolume(fromRows([[1, 2], [2, 1]]), 2, [3, 3])).toBe(3);
  });

  it('agrees across kernels on larger fronts (3-D set as 4-D, 4-D set as 5-D)', () => {
    const rng = new Rng(13);
    const s3 = spherePoints(rng, 3000, 3);
    expectClose(hypervolume(withConstant(s3, 3, 3, 0.5), 4, [1, 1, 1, 1.5]), hypervolume(s3, 3, [1, 1, 1]), 1e-12, 0, '3 as 4');
    const s4 = spherePoints(rng, 400, 4);
    expectClose(hypervolume(withConstant(s4, 4, 2, 0.5), 5, [1, 1, 1.5, 1, 1]), hypervolume(s4, 4, [1, 1, 1, 1]), 1e-12, 0, '4 as 5');
  });

  it('never writes to its inputs', () => {
    const rng = new Rng(3);
    for (const d of [2, 3, 4, 5, 6]) {
      const pts = latticePoints(rng, 25, d, 0, 4);
      const ref = new Array<number>(d).fill(3);
      const pCopy = pts.slice(), rCopy = ref.slice();
      const flags = Array.from({ length: d }, (_, j) => j === 0);
      const flagsCopy = flags.slice();
      hypervolume(pts, d, ref);
      hypervolume(pts, d, ref, { maximise: flags });
      expect(pts).toEqual(pCopy);
      expect(ref).toEqual(rCopy);
      expect(flags).toEqual(flagsCopy);
    }
    const flat = [0.5, 0.25, 0.25, 0.5];
    hypervolume(flat, 2, [1, 1], { maximise: true });
    expect(flat).toEqual([0.5, 0.25, 0.25, 0.5]);
  });

  it('accepts a flat number array and a typed-array reference point', () => {
    expect(hypervolume([1, 2, 2, 1], 2, new Float64Array([3, 3]))).toBe(3);
  });

  it('rejects invalid input with errors naming hypervolume and the argument', () => {
    const ok = fromRows([[1, 2], [2, 1]]);
    const cases: [() => unknown, ErrorConstructor, RegExp][] = [
      [() => hypervolume(new Float64Array(0), 2, [3, 3]), RangeError, /hypervolume: points is empty/],
      [() => hypervolume([], 2, [3, 3]), RangeError, /hypervolume: points is empty/],
      [() => hypervolume(fromRows([[1, 2], [3]], 'hypervolume'), 2, [3, 3]), RangeError, /hypervolume: rows\[1\].*ragged/],
      [() => hypervolume(new Float64Array([1, 2, 3]), 2, [3, 3]), RangeError, /hypervolume: points has 3 values/],
      [() => hypervolume(new Float64Array([1, NaN]), 2, [3, 3]), RangeError, /hypervolume: points\[0\]\[1\].*NaN/],
      [() => hypervolume(new Float64Array([1, 2, Infinity, 0]), 2, [3, 3]), RangeError, /hypervolume: points\[1\]\[0\].*Infinity/],
      [() => hypervolume([1, -Infinity], 2, [3, 3]), RangeError, /hypervolume: points\[0\]\[1\].*-Infinity/],
      [() => hypervolume(ok, 2, [3]), RangeError, /hypervolume: reference has length 1, expected nObj = 2/],
      [() => hypervolume(ok, 2, [3, 3, 3]), RangeError, /hypervolume: reference has length 3/],
      [() => hypervolume(ok, 2, [3, NaN]), RangeError, /hypervolume: reference\[1\].*NaN/],
      [() => hypervolume(ok, 2, [Infinity, 3]), RangeError, /hypervolume: reference\[0\].*Infinity/],
      [() => hypervolume(ok, 2, 3 as unknown as number[]), TypeError, /hypervolume: reference must be an array/],
      [() => hypervolume([[1, 2], [3, 4]] as unknown as number[], 2, [3, 3]), RangeError, /hypervolume: points\[0\]\[0\]/],
      [() => hypervolume('12' as unknown as number[], 2, [3, 3]), TypeError, /hypervolume: points must be/],
      [() => hypervolume(ok, 0, []), RangeError, /hypervolume: nObj must be a positive integer/],
      [() => hypervolume(ok, 1.5, [3]), RangeError, /hypervolume: nObj/],
      [() => hypervolume(ok, 2, [3, 3], { maximise: [true] }), RangeError, /hypervolume: options.maximise/],
      [() => hypervolume(ok, 2, [3, 3], 'max' as unknown as object), TypeError, /hypervolume: options must be an object/],
    ];
    for (const [call, ctor, message] of cases) {
      expect(call).toThrow(ctor);
      expect(call).toThrow(message);
    }
  });
});

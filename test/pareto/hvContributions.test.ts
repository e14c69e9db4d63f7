// hvContributions: the WASM kernel (through the public facade) against the pure-TS reference
// twin, identities, option handling, buffers, large inputs and validation.
import { describe, expect, it } from 'vitest';
import { fromRows } from '../../src/pareto/fromRows.ts';
import { hypervolume } from '../../src/pareto/hypervolume.ts';
import { hvContributions } from '../../src/pareto/hvContributions.ts';
import { isNonDominated, nonDominatedPoints } from '../../src/pareto/nonDominated.ts';
import { hvContributionsReference } from '../../src/pareto/reference/hvContributions.ts';
import { hypervolumeReference } from '../../src/pareto/reference/hypervolume.ts';
import { Rng } from '../../src/random/rng.ts';
import { pareto as wasm } from '../../src/wasm/pareto.ts';
import { latticePoints, spherePoints, uniformPoints } from '../helpers/fronts.ts';
import { expectAllClose } from '../helpers/tolerance.ts';


/** The literal definition HV(S) - HV(S \\ {i}) over all points (what the twin computes). */
const hvcLiteral = (
  points: Parameters<typeof hvContributions>[0], nObj: number, reference: ArrayLike<number>,
  options?: Parameters<typeof hvContributions>[3], out?: Float64Array,
): Float64Array => hvContributions(points, nObj, reference, { ...options, ignoreDominated: false }, out);

/** Volume of the box spanned by the points' minima and the reference (a scale for tolerances). */
function boxScale(pts: ArrayLike<number>, d: number, ref: ArrayLike<number>): number {
  let v = 1;
  for (let k = 0; k < d; k++) {
    let lo = ref[k];
    for (let i = k; i < pts.length; i += d) lo = Math.min(lo, pts[i]);
    v *= Math.max(ref[k] - lo, 1e-300);
  }
  return v;
}

/** Kernel vs twin: relative 1e-12 per value, absolute 1e-12 of the bounding box volume. */
function expectMatchesTwin(pts: Float64Array, d: number, ref: number[], what: string): Float64Array {
  const got = hvcLiteral(pts, d, ref);
  const want = hvContributionsReference(pts, d, ref);
  expectAllClose(got, want, 1e-12, 1e-12 * boxScale(pts, d, ref), what);
  return got;
}

/** A random reference point: sometimes inside the data range (points beyond it), sometimes not. */
function randomRef(rng: Rng, d: number, lo: number, hi: number): number[] {
  const ref: number[] = [];
  for (let k = 0; k < d; k++) ref.push(rng.int(3) === 0 ? lo + (hi - lo) * (0.5 + 0.5 * rng.random()) : hi + rng.random());
  return ref;
}

function latticeRef(rng: Rng, d: number, hi: number): number[] {
  const ref: number[] = [];
  for (let k = 0; k < d; k++) ref.push(hi - 1 + rng.int(3)); // on, inside or beyond the lattice
  return ref;
}

/** i weakly dominated by some other point j (j <= i everywhere, a duplicate included). */
function weaklyDominated(pts: ArrayLike<number>, d: number, i: number): boolean {
  const n = pts.length / d;
  for (let j = 0; j < n; j++) {
    if (j === i) continue;
    let le = true;
    for (let k = 0; k < d && le; k++) le = pts[j * d + k] <= pts[i * d + k];
    if (le) return true;
  }
  return false;
}

/** {max(p, q) : p != q} of the rows. */
function pairwiseMaxima(pts: ArrayLike<number>, d: number): Float64Array {
  const n = pts.length / d;
  const out = new Float64Array((n * (n - 1)) / 2 * d);
  let o = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      for (let k = 0; k < d; k++) out[o++] = Math.max(pts[i * d + k], pts[j * d + k]);
    }
  }
  return out;
}

function permuteRows(pts: Float64Array, d: number, order: number[]): Float64Array {
  const out = new Float64Array(pts.length);
  order.forEach((src, dst) => out.set(pts.subarray(src * d, src * d + d), dst * d));
  return out;
}

describe('hvContributions: worked examples', () => {
  it('2-D: two points, a dominated point, duplicates, points beyond the reference', () => {
    expect(Array.from(hvcLiteral(fromRows([[1, 2], [2, 1]]), 2, [3, 3]))).toEqual([1, 1]);
    // (1,2) is duplicated: both copies 0; (3,3) is dominated by both others: 0.
    expect(Array.from(hvcLiteral(fromRows([[1, 2], [2, 1], [1, 2], [3, 3]]), 2, [4, 4]))).toEqual([0, 2, 0, 0]);
    // A point dominated by a single point cuts that point's contribution: HV 4, 1 without (1,1).
    expect(Array.from(hvcLiteral(fromRows([[1, 1], [2, 2]]), 2, [3, 3]))).toEqual([3, 0]);
    // On or beyond the reference in some objective: contributes 0 and cuts nothing.
    expect(Array.from(hvcLiteral(fromRows([[1, 1], [3, 0], [0, 5], [2, 3]]), 2, [3, 3]))).toEqual([4, 0, 0, 0]);
  });

  it('3-D and 1-D', () => {
    const c = hvcLiteral(fromRows([[0.5, 0.5, 0.5], [0.2, 0.8, 0.4]]), 3, [1, 1, 1]);
    expectAllClose(c, [0.075, 0.046], 1e-14);
    expect(Array.from(hvcLiteral([3, 1, 2, 7], 1, [5]))).toEqual([0, 1, 0, 0]);
    expect(Array.from(hvcLiteral([1, 3, 1], 1, [5]))).toEqual([0, 0, 0]);
    expect(Array.from(hvcLiteral([4], 1, [5]))).toEqual([1]);
  });

  it('-0 and 0 are the same coordinate', () => {
    expect(Array.from(hvcLiteral([0, 1, -0, 1], 2, [2, 2]))).toEqual([0, 0]);
    expect(Array.from(hvcLiteral([-0, 1, 1, 0, 1, 1], 3, [2, 2, 2]))).toEqual([0, 0]);
    // (0, 1, 0) dominates (-0, 1, 1): 4 - 2 left to it, 0 to the dominated one.
    expect(Array.from(hvcLiteral([-0, 1, 1, 0, 1, -0], 3, [2, 2, 2]))).toEqual([0, 2]);
  });

  it('a single point contributes its whole box; nothing inside the reference gives zeros', () => {
    expect(Array.from(hvcLiteral([1, 2, 3], 3, [2, 4, 6]))).toEqual([6]);
    expect(Array.from(hvcLiteral([1, 2, 3, 0, 0, 9], 3, [2, 4, 6]))).toEqual([6, 0]);
    expect(Array.from(hvcLiteral([5, 5, 1, 9], 2, [5, 5]))).toEqual([0, 0]);
  });
});

describe('hvContributions: WASM kernel vs reference twin', () => {
  it('d = 2: uniform (negative coordinates, points beyond the reference), n = 1..150', () => {
    const rng = new Rng(2001);
    for (let t = 0; t < 120; t++) {
      const n = 1 + rng.int(t < 100 ? 40 : 150);
      const pts = uniformPoints(rng, n, 2, -2, 1);
      expectMatchesTwin(pts, 2, randomRef(rng, 2, -2, 1), `uniform t=${t} n=${n}`);
    }
  });

  it('d = 2: lattice points (ties in every coordinate, duplicates)', () => {
    const rng = new Rng(2002);
    for (let t = 0; t < 300; t++) {
      const n = 1 + rng.int(60);
      const hi = 2 + rng.int(8);
      const pts = latticePoints(rng, n, 2, -1, hi);
      expectMatchesTwin(pts, 2, latticeRef(rng, 2, hi), `lattice t=${t} n=${n}`);
    }
  });

  it('d = 2: fronts with dominated points, n up to 300', () => {
    const rng = new Rng(2003);
    for (let t = 0; t < 20; t++) {
      const n = 50 + rng.int(250);
      const pts = spherePoints(rng, n, 2);
      for (let i = 0; i < n; i++) if (rng.int(3) === 0) pts[2 * i + rng.int(2)] += 0.2 * rng.random();
      expectMatchesTwin(pts, 2, [1.1, 1.1], `front t=${t} n=${n}`);
    }
  });

  it('d = 3: uniform (negative coordinates, points beyond the reference), n = 1..70', () => {
    const rng = new Rng(3001);
    for (let t = 0; t < 400; t++) {
      const n = 1 + rng.int(t < 370 ? 30 : 70);
      const pts = uniformPoints(rng, n, 3, -1, 1);
      expectMatchesTwin(pts, 3, randomRef(rng, 3, -1, 1), `uniform t=${t} n=${n}`);
    }
  });

  it('d = 3: lattice points (ties in every coordinate, duplicates)', () => {
    const rng = new Rng(3002);
    for (let t = 0; t < 2000; t++) {
      const n = 1 + rng.int(45);
      const hi = 2 + rng.int(6);
      const pts = latticePoints(rng, n, 3, -1, hi);
      expectMatchesTwin(pts, 3, latticeRef(rng, 3, hi), `lattice t=${t} n=${n}`);
    }
  });

  it('d = 3: mixed ties (some coordinates quantised, copied coordinates, duplicated rows)', () => {
    const rng = new Rng(3003);
    for (let t = 0; t < 1000; t++) {
      const n = 1 + rng.int(25);
      const pts = uniformPoints(rng, n, 3);
      for (let i = 0; i < n; i++) {
        const mode = rng.int(4);
        for (let k = 0; k < 3; k++) {
          if (mode === 1) pts[3 * i + k] = Math.round(pts[3 * i + k] * 4) / 4;
          if (mode === 2 && i > 0 && rng.int(2) === 0) pts[3 * i + k] = pts[3 * rng.int(i) + k];
        }
        if (mode === 3 && i > 0) pts.copyWithin(3 * i, 3 * (i - 1), 3 * i);
      }
      expectMatchesTwin(pts, 3, [0.5 + rng.random(), 0.5 + rng.random(), rng.int(2) ? 1 : 0.75], `mixed t=${t} n=${n}`);
    }
  });

  it('d = 3: fronts with dominated points, n = 60', () => {
    const rng = new Rng(3004);
    for (let t = 0; t < 6; t++) {
      const pts = spherePoints(rng, 60, 3);
      for (let i = 0; i < 60; i++) if (rng.int(3) === 0) pts[3 * i + rng.int(3)] += 0.3 * rng.random();
      expectMatchesTwin(pts, 3, [1.1, 1.1, 1.1], `front t=${t}`);
    }
  });

  it('d = 1', () => {
    const rng = new Rng(1001);
    for (let t = 0; t < 100; t++) {
      const n = 1 + rng.int(10);
      const pts = latticePoints(rng, n, 1, -3, 3);
      expectMatchesTwin(pts, 1, [rng.int(5) - 2], `t=${t}`);
    }
  });

  // d = 4 goes through the 4-D sweep (hvc4d.ts), d >= 5 through the per-point path on top of
  // the n-D hypervolume kernel.
  it('d = 4', () => {
    const rng = new Rng(4001);
    for (let t = 0; t < 40; t++) {
      const n = 1 + rng.int(12);
      const pts = t % 2 === 0 ? uniformPoints(rng, n, 4, -1, 1) : latticePoints(rng, n, 4, 0, 3);
      expectMatchesTwin(pts, 4, t % 2 === 0 ? randomRef(rng, 4, -1, 1) : latticeRef(rng, 4, 3), `t=${t} n=${n}`);
    }
  });

  it('d = 5', () => {
    const rng = new Rng(5001);
    for (let t = 0; t < 20; t++) {
      const n = 1 + rng.int(8);
      const pts = t % 2 === 0 ? uniformPoints(rng, n, 5, -1, 1) : latticePoints(rng, n, 5, 0, 2);
      expectMatchesTwin(pts, 5, t % 2 === 0 ? randomRef(rng, 5, -1, 1) : latticeRef(rng, 5, 2), `t=${t} n=${n}`);
    }
  });
});

describe('hvContributions: d >= 4 on larger sets', () => {
  // The literal definition HV(S) - HV(S \ {i}) with the WASM hypervolume (its own kernels and
  // tests), on fronts large enough for the reductions of the limited sets to matter.
  function hvDifferences(pts: Float64Array, d: number, ref: number[]): Float64Array {
    const n = pts.length / d;
    const all = hypervolume(pts, d, ref);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const rest = new Float64Array((n - 1) * d);
      rest.set(pts.subarray(0, i * d));
      rest.set(pts.subarray((i + 1) * d), i * d);
      out[i] = all - (n > 1 ? hypervolume(rest, d, ref) : 0);
    }
    return out;
  }

  it('4-D, 5-D and 6-D perturbed spheres with dominated points and copies (ignoreDominated: false)', () => {
    const rng = new Rng(6003);
    for (const [d, n] of [[4, 120], [5, 60], [6, 30]] as const) {
      const pts = spherePoints(rng, n, d);
      for (let i = 0; i < n; i += 4) pts[d * i + rng.int(d)] += 0.1 * rng.random(); // some dominated
      for (let i = 1; i < n; i += 9) pts.copyWithin(d * i, d * (i - 1), d * i); // copies of their predecessor
      const ref = new Array<number>(d).fill(1.05);
      expectAllClose(hvcLiteral(pts, d, ref), hvDifferences(pts, d, ref), 1e-9, 1e-13, `d=${d}`);
    }
  });

  it('4-D lattices: ties in every objective, many copies of one point, points on the reference', () => {
    const rng = new Rng(6004);
    for (let t = 0; t < 30; t++) {
      const n = 20 + rng.int(40);
      const pts = latticePoints(rng, n, 4, 0, 3);
      const ref = [3, 3, 3, 3];
      expectAllClose(hvContributions(pts, 4, ref, { ignoreDominated: false }), hvContributionsReference(pts, 4, ref), 1e-12, 1e-12 * boxScale(pts, 4, ref), `t=${t}`);
    }
  });

  it('d = 6, 7 against the twin (the per-point path above four objectives)', () => {
    const rng = new Rng(6005);
    for (const d of [6, 7]) {
      for (let t = 0; t < 12; t++) {
        const n = 1 + rng.int(9);
        const lattice = t % 2 === 1;
        const pts = lattice ? latticePoints(rng, n, d, 0, 2) : uniformPoints(rng, n, d, -1, 1);
        const ref = lattice ? latticeRef(rng, d, 2) : randomRef(rng, d, -1, 1);
        expectMatchesTwin(pts, d, ref, `d=${d} t=${t}`);
      }
    }
  });
});

describe('hvContributions: identities', () => {
  it('sum of contributions = HV(S) - HV(pairwise maxima), d = 2 (WASM hypervolume)', () => {
    const rng = new Rng(7001);
    for (let t = 0; t < 30; t++) {
      const n = 2 + rng.int(150);
      const pts = t % 3 === 0 ? latticePoints(rng, n, 2, 0, 9) : t % 3 === 1 ? uniformPoints(rng, n, 2) : spherePoints(rng, n, 2);
      const ref = [1.05, 1.05];
      if (t % 3 === 0) ref.fill(9);
      const sum = hvcLiteral(pts, 2, ref).reduce((a, b) => a + b, 0);
      const expected = hypervolume(pts, 2, ref) - hypervolume(pairwiseMaxima(pts, 2), 2, ref);
      expectAllClose([sum], [expected], 1e-12, 1e-13, `t=${t}`);
      if (n >= 2) expect(sum).toBeLessThanOrEqual(hypervolume(pts, 2, ref) * (1 + 1e-15));
    }
  });

  it('sum of contributions = HV(S) - HV(pairwise maxima), d = 3 (twin hypervolume)', () => {
    const rng = new Rng(7002);
    for (let t = 0; t < 20; t++) {
      const n = 2 + rng.int(7);
      const pts = t % 2 === 0 ? latticePoints(rng, n, 3, 0, 4) : uniformPoints(rng, n, 3);
      const ref = t % 2 === 0 ? [4, 4, 4] : [1, 1, 1];
      const sum = hvcLiteral(pts, 3, ref).reduce((a, b) => a + b, 0);
      const expected = hypervolumeReference(pts, 3, ref) - hypervolumeReference(pairwiseMaxima(pts, 3), 3, ref);
      expectAllClose([sum], [expected], 1e-12, 1e-13, `t=${t}`);
    }
  });

  it('weakly dominated points and duplicates contribute 0 (d = 2, 3)', () => {
    const rng = new Rng(7003);
    for (const d of [2, 3]) {
      for (let t = 0; t < 20; t++) {
        const n = 20 + rng.int(200);
        const pts = latticePoints(rng, n, d, 0, 6);
        const c = hvcLiteral(pts, d, new Array(d).fill(7));
        let zeros = 0;
        for (let i = 0; i < n; i++) {
          if (weaklyDominated(pts, d, i)) {
            expect(c[i], `d=${d} row ${i}`).toBe(0);
            zeros++;
          } else {
            expect(c[i], `d=${d} row ${i}`).toBeGreaterThan(0);
          }
        }
        expect(zeros).toBeGreaterThan(0);
      }
    }
  });

  it('row order does not matter (d = 2, 3)', () => {
    const rng = new Rng(7004);
    for (const d of [2, 3]) {
      for (let t = 0; t < 10; t++) {
        const n = 100 + rng.int(400);
        const pts = t % 2 ? latticePoints(rng, n, d, 0, 12) : spherePoints(rng, n, d);
        const ref = new Array(d).fill(t % 2 ? 12 : 1.1);
        const base = hvcLiteral(pts, d, ref);
        const order = Array.from({ length: n }, (_, i) => i);
        rng.shuffle(order);
        const shuffled = hvcLiteral(permuteRows(pts, d, order), d, ref);
        // Tie order inside the sorts may change the floating-point path slightly in 3-D.
        expectAllClose(shuffled, order.map((src) => base[src]), 1e-12, 1e-18, `d=${d} t=${t}`);
      }
    }
  });

  it('translation and power-of-two scaling act exactly; adding a point never increases a contribution', () => {
    const rng = new Rng(7005);
    for (const d of [2, 3]) {
      const n = 300;
      const pts = latticePoints(rng, n, d, 0, 20);
      const ref = new Array(d).fill(20);
      const base = hvcLiteral(pts, d, ref);
      const scale = [2, 0.25, 8].slice(0, d);
      const moved = pts.map((v, i) => v * scale[i % d] - 5);
      const movedRef = ref.map((v, k) => v * scale[k] - 5);
      const factor = scale.reduce((a, b) => a * b, 1);
      expect(Array.from(hvcLiteral(moved, d, movedRef))).toEqual(Array.from(base, (v) => v * factor));
      const extra = new Float64Array(pts.length + d);
      extra.set(pts);
      for (let k = 0; k < d; k++) extra[n * d + k] = 1 + rng.int(18);
      const after = hvcLiteral(extra, d, ref);
      for (let i = 0; i < n; i++) expect(after[i]).toBeLessThanOrEqual(base[i]);
    }
  });
});

describe('hvContributions: options, buffers, inputs', () => {
  it('maximise flips objectives (all, or per objective) with the reference in the same space', () => {
    const rng = new Rng(8001);
    for (const d of [2, 3]) {
      const n = 80;
      const pts = latticePoints(rng, n, d, 0, 8);
      const ref = new Array(d).fill(8);
      const base = hvcLiteral(pts, d, ref);
      const neg = pts.map((v) => -v);
      expect(Array.from(hvcLiteral(neg, d, ref.map((v) => -v), { maximise: true }))).toEqual(Array.from(base));
      const mask = Array.from({ length: d }, (_, k) => k % 2 === 0);
      const part = pts.map((v, i) => (mask[i % d] ? -v : v));
      const partRef = ref.map((v, k) => (mask[k] ? -v : v));
      expect(Array.from(hvcLiteral(part, d, partRef, { maximise: mask }))).toEqual(Array.from(base));
      expect(Array.from(hvcLiteral(pts, d, ref, { maximise: false }))).toEqual(Array.from(base));
    }
  });

  it('writes into a given out buffer (reused, longer than n) and returns it', () => {
    const rng = new Rng(8002);
    const out = new Float64Array(50).fill(123);
    for (let t = 0; t < 5; t++) {
      const n = 10 + rng.int(30);
      const pts = uniformPoints(rng, n, 3);
      const res = hvcLiteral(pts, 3, [1, 1, 1], undefined, out);
      expect(res).toBe(out);
      expect(Array.from(out.subarray(0, n))).toEqual(Array.from(hvcLiteral(pts, 3, [1, 1, 1])));
    }
    const exact = new Float64Array(2);
    expect(hvcLiteral(fromRows([[1, 2], [2, 1]]), 2, [3, 3], {}, exact)).toBe(exact);
    expect(Array.from(exact)).toEqual([1, 1]);
    // Longer buffers keep their tail.
    expect(out[45]).toBe(123);
  });

  it('never writes the inputs; accepts flat number arrays', () => {
    const rng = new Rng(8003);
    const pts = latticePoints(rng, 100, 3, 0, 5);
    const copy = pts.slice();
    const ref = new Float64Array([5, 5, 5]);
    const res = hvcLiteral(pts, 3, ref, { maximise: [false, true, false] }, undefined);
    expect(res.length).toBe(100);
    expect(Array.from(pts)).toEqual(Array.from(copy));
    expect(Array.from(ref)).toEqual([5, 5, 5]);
    const flat = Array.from(copy);
    expect(Array.from(hvcLiteral(flat, 3, [5, 5, 5]))).toEqual(Array.from(hvcLiteral(copy, 3, [5, 5, 5])));
    expect(flat).toEqual(Array.from(copy));
  });

  it('releases its scratch memory (repeated calls do not grow the WASM memory)', () => {
    const pts = spherePoints(new Rng(8004), 20000, 3);
    hvcLiteral(pts, 3, [1, 1, 1]);
    const bytes = wasm.memory.buffer.byteLength;
    for (let t = 0; t < 30; t++) hvcLiteral(pts, 3, [1, 1, 1]);
    expect(wasm.memory.buffer.byteLength).toBe(bytes);
  });
});

describe('hvContributions: large inputs', () => {
  it('2-D, 1,000,000 points (grows the WASM memory) against an independent sorted sweep', () => {
    // Points on the quarter circle at sorted random angles: x increases and y decreases along
    // the angle order, so the exclusive box of each is (x_next - x) * (y_prev - y). The rows
    // are then shuffled with a known permutation.
    const n = 1_000_000;
    const rng = new Rng(9001);
    const ang = new Float64Array(n);
    for (let i = 0; i < n; i++) ang[i] = (Math.PI / 2) * rng.random();
    ang.sort();
    const order = Array.from({ length: n }, (_, i) => i);
    rng.shuffle(order);
    const pts = new Float64Array(2 * n);
    const ref = [1.01, 1.02];
    const want = new Float64Array(n);
    // Sorted by angle = sorted by decreasing x (cos) and increasing y (sin): walk it backwards.
    for (let s = 0; s < n; s++) {
      const x = Math.cos(ang[s]), y = Math.sin(ang[s]);
      const xNext = s > 0 ? Math.cos(ang[s - 1]) : ref[0];
      const yPrev = s + 1 < n ? Math.sin(ang[s + 1]) : ref[1];
      const row = order[s];
      pts[2 * row] = x;
      pts[2 * row + 1] = y;
      want[row] = x === xNext || y === yPrev ? 0 : (xNext - x) * (yPrev - y);
    }
    const before = wasm.memory.buffer.byteLength;
    const got = hvcLiteral(pts, 2, ref);
    expect(wasm.memory.buffer.byteLength).toBeGreaterThanOrEqual(Math.max(before, 16 * n));
    expectAllClose(got, want, 1e-12, 1e-20, '1e6');
  });

  it('3-D, 200,000 points: a flat layer z = c gives (rz - c) times the 2-D contributions', () => {
    const n = 200_000;
    const rng = new Rng(9002);
    const flat = spherePoints(rng, n, 2);
    for (let i = 0; i < n; i += 7) flat[2 * i] += 0.01 * rng.random(); // some dominated points
    const pts = new Float64Array(3 * n);
    for (let i = 0; i < n; i++) {
      pts[3 * i] = flat[2 * i];
      pts[3 * i + 1] = flat[2 * i + 1];
      pts[3 * i + 2] = 0.25;
    }
    const c2 = hvcLiteral(flat, 2, [1, 1]);
    const c3 = hvcLiteral(pts, 3, [1, 1, 1.25]);
    expectAllClose(c3, Array.from(c2), 1e-12, 1e-20, 'flat layer');
  });
});

describe('hvContributions: 3-D layers against 2-D contributions', () => {
  // With points on K planes z = z_1 < ... < z_K, the cross-section at height z in [z_i, z_i+1)
  // is the 2-D set of layers 1..i, so the 3-D contribution of a point of layer j is
  // sum_{i >= j} (z_{i+1} - z_i) * (its 2-D contribution among layers 1..i), z_{K+1} = rz.
  it('interleaved fronts on 5 planes, 40,000 points (heavy domination, ties in z)', () => {
    const rng = new Rng(9101);
    const K = 5, per = 8000;
    const zs = [0.1, 0.2, 0.45, 0.5, 0.9];
    const rz = 1.5;
    const layers: Float64Array[] = [];
    for (let j = 0; j < K; j++) {
      const f = spherePoints(rng, per, 2);
      const s = 0.97 + 0.06 * rng.random();
      for (let i = 0; i < f.length; i++) f[i] *= s;
      for (let i = 0; i < per; i += 11) f[2 * i] = Math.round(f[2 * i] * 64) / 64; // ties in x
      layers.push(f);
    }
    // Rows interleave the layers so the input is not sorted by z.
    const n = K * per;
    const pts = new Float64Array(3 * n);
    for (let j = 0; j < K; j++) {
      for (let i = 0; i < per; i++) {
        const row = i * K + j;
        pts[3 * row] = layers[j][2 * i];
        pts[3 * row + 1] = layers[j][2 * i + 1];
        pts[3 * row + 2] = zs[j];
      }
    }
    const want = new Float64Array(n);
    for (let i = 0; i < K; i++) {
      const prefix = new Float64Array(2 * per * (i + 1));
      for (let j = 0; j <= i; j++) prefix.set(layers[j], 2 * per * j);
      const c2 = hvcLiteral(prefix, 2, [1.1, 1.1]);
      const dz = (i + 1 < K ? zs[i + 1] : rz) - zs[i];
      for (let j = 0; j <= i; j++) {
        for (let t = 0; t < per; t++) want[t * K + j] += dz * c2[per * j + t];
      }
    }
    const got = hvcLiteral(pts, 3, [1.1, 1.1, rz]);
    let positive = 0;
    for (let i = 0; i < n; i++) if (want[i] > 0) positive++;
    expect(positive).toBeGreaterThan(per / 2);
    expectAllClose(got, want, 1e-12, 1e-22, 'layers');
  });
});

describe('hvContributions: validation', () => {
  const ok = fromRows([[1, 2], [2, 1]]);
  const cases: [string, () => unknown, RegExp][] = [
    ['nObj 0', () => hvcLiteral(ok, 0, []), /hvContributions: nObj must be a positive integer/],
    ['nObj 1.5', () => hvcLiteral(ok, 1.5, [3]), /hvContributions: nObj must be a positive integer/],
    ['rows', () => hvcLiteral([[1, 2], [2, 1]] as unknown as number[], 2, [3, 3]), /hvContributions: points\[0\]\[0\] must be a finite number/],
    ['not an array', () => hvcLiteral('12' as unknown as number[], 2, [3, 3]), /hvContributions: points must be a row-major Float64Array/],
    ['empty', () => hvcLiteral(new Float64Array(0), 2, [3, 3]), /hvContributions: points is empty/],
    ['ragged', () => hvcLiteral(new Float64Array(3), 2, [3, 3]), /hvContributions: points has 3 values, not a multiple of nObj = 2/],
    ['NaN', () => hvcLiteral([1, NaN], 2, [3, 3]), /hvContributions: points\[0\]\[1\] must be a finite number, got NaN/],
    ['Infinity', () => hvcLiteral([1, 2, Infinity, 1], 2, [3, 3]), /hvContributions: points\[1\]\[0\] must be a finite number/],
    ['reference length', () => hvcLiteral(ok, 2, [3]), /hvContributions: reference has length 1, expected nObj = 2/],
    ['reference value', () => hvcLiteral(ok, 2, [3, NaN]), /hvContributions: reference\[1\] must be a finite number/],
    ['reference type', () => hvcLiteral(ok, 2, 3 as unknown as number[]), /hvContributions: reference must be an array of 2 numbers/],
    ['options', () => hvContributions(ok, 2, [3, 3], 'max' as never), /hvContributions: options must be an object/],
    ['maximise', () => hvcLiteral(ok, 2, [3, 3], { maximise: [true] }), /hvContributions: options.maximise must be a boolean or 2 booleans/],
    ['out type', () => hvcLiteral(ok, 2, [3, 3], undefined, [0, 0] as unknown as Float64Array), /hvContributions: out must be a Float64Array/],
    ['out kind', () => hvcLiteral(ok, 2, [3, 3], undefined, new Float32Array(2) as unknown as Float64Array), /hvContributions: out must be a Float64Array/],
    ['out length', () => hvcLiteral(ok, 2, [3, 3], undefined, new Float64Array(1)), /hvContributions: out has length 1, needs at least 2/],
  ];
  it.each(cases)('%s', (_name, call, message) => {
    expect(call).toThrow(message);
  });

  it('a failed call leaves the out buffer untouched', () => {
    const out = new Float64Array(2).fill(5);
    expect(() => hvcLiteral(ok, 2, [3, NaN], undefined, out)).toThrow();
    expect(Array.from(out)).toEqual([5, 5]);
  });
});

describe('hvContributions with ignoreDominated (the default, as moocore)', () => {
  it('gives dominated points 0 without changing the others; duplicates still zero each other', () => {
    expect(Array.from(hvContributions(fromRows([[1, 1], [1.5, 1.5], [2, 0]]), 2, [3, 3]))).toEqual([2, 0, 1]);
    expect(Array.from(hvContributions(fromRows([[1, 1], [1, 1], [2, 0], [0.5, 2.5]]), 2, [3, 3]))).toEqual([0, 0, 1, 0.25]);
  });

  it('equals the literal contributions of the non-dominated subset, on random sets with ties', () => {
    const rng = new Rng(77);
    for (let t = 0; t < 60; t++) {
      const d = 2 + (t % 3), n = 1 + rng.int(40);
      const pts = latticePoints(rng, n, d, 0, 5);
      const ref = new Array(d).fill(6);
      const keep = isNonDominated(pts, d, { keepDuplicates: true });
      const sub = nonDominatedPoints(pts, d, { keepDuplicates: true });
      const lit = hvcLiteral(sub, d, ref);
      const got = hvContributions(pts, d, ref);
      let j = 0;
      for (let i = 0; i < n; i++) expect(got[i]).toBe(keep[i] ? lit[j++] : 0);
    }
  });
});

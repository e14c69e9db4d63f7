import { describe, expect, it } from 'vitest';
import { crowdingDistance, epsilonAdditive, fromRows, igd, igdPlus } from '../../src/index.ts';
import { crowdingDistanceReference } from '../../src/pareto/reference/crowdingDistance.ts';
import { epsilonAdditiveReference, igdReference } from '../../src/pareto/reference/indicators.ts';
import { Rng } from '../../src/random/rng.ts';
import { latticePoints, uniformPoints } from '../helpers/fronts.ts';
import { expectAllClose, expectClose } from '../helpers/tolerance.ts';

describe('igd, igdPlus, epsilonAdditive', () => {
  it('igd(A, R) matches hand-computed values on a 2-D example', () => {
    const A = fromRows([[1, 1]]);
    const R = fromRows([[0, 1], [1, 0]]);
    expect(igd(A, R, 2)).toBe(1);
    expect(igdPlus(A, R, 2)).toBe(1);
    expect(epsilonAdditive(A, R, 2)).toBe(1);
    // A point better than every reference point: IGD counts the distance, IGD+ does not.
    const B = fromRows([[-1, -1]]);
    expectClose(igd(B, R, 2), Math.hypot(1, 2));
    expect(igdPlus(B, R, 2)).toBe(0);
    expect(epsilonAdditive(B, R, 2)).toBe(-1);
  });

  it('each indicator of a set against itself is 0', () => {
    const A = uniformPoints(new Rng(3), 40, 3);
    expect(igd(A, A, 3)).toBe(0);
    expect(igdPlus(A, A, 3)).toBe(0);
    expect(epsilonAdditive(A, A, 3)).toBe(0);
  });

  it('agree with the reference twins on seeded random sets', () => {
    const rng = new Rng(11);
    for (let t = 0; t < 60; t++) {
      const d = 1 + (t % 6);
      const n = 1 + rng.int(30), m = 1 + rng.int(30);
      const lattice = t % 3 === 0;
      const A = lattice ? latticePoints(rng, n, d, -3, 3) : uniformPoints(rng, n, d, -2, 2);
      const R = lattice ? latticePoints(rng, m, d, -3, 3) : uniformPoints(rng, m, d, -2, 2);
      expectClose(igd(A, R, d), igdReference(A, R, d), 1e-13, 1e-15, `igd t=${t}`);
      expectClose(igdPlus(A, R, d), igdReference(A, R, d, true), 1e-13, 1e-15, `igd+ t=${t}`);
      expect(epsilonAdditive(A, R, d)).toBe(epsilonAdditiveReference(A, R, d));
    }
  });

  it('maximise flags equal negating the data of those objectives', () => {
    const rng = new Rng(5);
    const A = uniformPoints(rng, 20, 3), R = uniformPoints(rng, 25, 3);
    const flip = (p: Float64Array) => p.map((v, i) => (i % 3 === 1 ? -v : v));
    const opts = { maximise: [false, true, false] };
    expect(igd(A, R, 3, opts)).toBe(igd(flip(A), flip(R), 3));
    expect(igdPlus(A, R, 3, opts)).toBe(igdPlus(flip(A), flip(R), 3));
    expect(epsilonAdditive(A, R, 3, opts)).toBe(epsilonAdditive(flip(A), flip(R), 3));
  });

  it('reject bad input naming the function and argument', () => {
    const A = fromRows([[1, 2]]);
    expect(() => igd(A, new Float64Array(3), 2)).toThrow(/igd: referenceSet has 3 values/);
    expect(() => igdPlus(new Float64Array(0), A, 2)).toThrow(/igdPlus: points is empty/);
    expect(() => epsilonAdditive(A, [1, Number.NaN], 2)).toThrow(/epsilonAdditive: referenceSet\[0\]\[1\] must be a finite/);
    expect(() => igd(A, A, 2, { maximise: [true] })).toThrow(RangeError);
    expect(() => igd(A, A, 0)).toThrow(/igd: nObj must be a positive integer/);
  });
});

describe('crowdingDistance', () => {
  it('crowdingDistance(3 points on a line) gives the middle one the normalised gaps', () => {
    const out = crowdingDistance(fromRows([[0, 3], [1, 1], [3, 0]]), 2);
    expect(Array.from(out)).toEqual([Infinity, 2, Infinity]);
  });

  it('agrees with the reference twin, with ties and constant objectives', () => {
    const rng = new Rng(7);
    for (let t = 0; t < 40; t++) {
      const d = 1 + (t % 4), n = 1 + rng.int(80);
      const P = t % 2 ? latticePoints(rng, n, d, 0, 4) : uniformPoints(rng, n, d);
      expectAllClose(crowdingDistance(P, d), crowdingDistanceReference(P, d), 1e-14, 1e-15, `t=${t}`);
    }
    const flat = fromRows([[1, 0], [1, 1], [1, 2], [1, 4]]);
    expect(Array.from(crowdingDistance(flat, 2))).toEqual([Infinity, 0.5, 0.75, Infinity]);
  });

  it('fills and returns a given out buffer and never mutates its input', () => {
    const P = uniformPoints(new Rng(1), 50, 2);
    const copy = P.slice();
    const out = new Float64Array(60).fill(-1);
    const res = crowdingDistance(P, 2, out);
    expect(res).toBe(out);
    expect(out[55]).toBe(-1);
    expect(P).toEqual(copy);
    expect(() => crowdingDistance(P, 2, new Float64Array(10))).toThrow(/crowdingDistance: out has length 10/);
    expect(() => crowdingDistance(P, 2, new Int32Array(50) as never)).toThrow(TypeError);
  });
});

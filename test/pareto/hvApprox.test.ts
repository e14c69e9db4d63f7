import { describe, expect, it } from 'vitest';
import { fromRows, hvApprox, hypervolume } from '../../src/index.ts';
import { HV_APPROX_DEFAULT_SAMPLES } from '../../src/pareto/hvApprox.ts';
import {
  fangWangPlus, hvApproxReference, inverseSinPowerIntegral, powChain, rphiAlphas, rphiStep, RPHI_SIGNIFICAND,
  SERIES_LIMIT, SIN_POWER_INTEGRAL, sinPowerCoefficients, sinPowerIntegral,
} from '../../src/pareto/reference/hvApprox.ts';
import { Rng } from '../../src/random/rng.ts';
import { spherePoints, uniformPoints } from '../helpers/fronts.ts';
import { expectClose } from '../helpers/tolerance.ts';

const METHOD_ID = { montecarlo: 1, 'hua-wang': 2, 'rphi-fwe': 3 } as const;

/** A seeded test set: n points on the unit sphere's positive part, reference 1.2 everywhere. */
function sphereCase(seed: number, n: number, d: number): { pts: Float64Array; ref: number[] } {
  return { pts: spherePoints(new Rng(seed), n, d), ref: new Array<number>(d).fill(1.2) };
}

describe('hvApprox: the estimate', () => {
  it('Monte Carlo agrees with the exact hypervolume within 4 standard errors, d = 3..8', () => {
    for (let d = 3; d <= 8; d++) {
      const { pts, ref } = sphereCase(100 + d, 40, d);
      const exact = hypervolume(pts, d, ref);
      const r = hvApprox(pts, d, ref, { method: 'montecarlo', samples: 20_000, seed: 3 });
      expect(r.method).toBe('montecarlo');
      expect(r.samples).toBe(20_000);
      expect(r.standardError!).toBeGreaterThan(0);
      expect(r.standardError! / exact, `d=${d}: relative standard error`).toBeLessThan(0.01);
      expect(Math.abs(r.value - exact), `d=${d}: ${r.value} vs ${exact}, se ${r.standardError}`).toBeLessThanOrEqual(4 * r.standardError!);
    }
  });

  it('the quasi-Monte Carlo methods land within 1.5% of the exact value, d = 3..8', () => {
    for (let d = 3; d <= 8; d++) {
      const { pts, ref } = sphereCase(100 + d, 40, d);
      const exact = hypervolume(pts, d, ref);
      for (const method of ['hua-wang', 'rphi-fwe'] as const) {
        const r = hvApprox(pts, d, ref, { method, samples: 20_000 });
        expect(r.standardError).toBeUndefined();
        expect(Math.abs(r.value / exact - 1), `d=${d} ${method}`).toBeLessThan(0.015);
      }
    }
  });

  it('converges: the Monte Carlo standard error halves with 4x samples, the quasi-Monte Carlo error shrinks', () => {
    const d = 6;
    const { pts, ref } = sphereCase(7, 50, d);
    const exact = hypervolume(pts, d, ref);
    const mc = [4000, 16_000, 64_000].map((samples) => hvApprox(pts, d, ref, { method: 'montecarlo', samples, seed: 11 }));
    for (let i = 0; i < 3; i++) expect(Math.abs(mc[i].value - exact)).toBeLessThanOrEqual(4 * mc[i].standardError!);
    for (let i = 1; i < 3; i++) {
      expect(mc[i].standardError! / mc[i - 1].standardError!).toBeGreaterThan(0.4);
      expect(mc[i].standardError! / mc[i - 1].standardError!).toBeLessThan(0.6);
    }
    // The QMC error is not monotone in N: compare mean errors two decades apart (d = 6 and 8).
    for (const [seed, dd, n] of [[7, 6, 50], [10, 8, 40]]) {
      const c = sphereCase(seed, n, dd);
      const hv = hypervolume(c.pts, dd, c.ref);
      for (const method of ['hua-wang', 'rphi-fwe'] as const) {
        const err = (samples: number) => Math.abs(hvApprox(c.pts, dd, c.ref, { method, samples }).value / hv - 1);
        const mean = (ns: number[]) => ns.map(err).reduce((a, b) => a + b) / ns.length;
        const coarse = mean([1000, 1300, 1600, 1900]), fine = mean([200_000, 230_000, 260_000, 290_000]);
        expect(fine, `d=${dd} ${method}: ${coarse} -> ${fine}`).toBeLessThan(coarse / 3);
        expect(fine).toBeLessThan(1e-3);
      }
    }
  });

  it('ignores points that do not strictly dominate the reference point; dominated points and duplicates change nothing', () => {
    const d = 5;
    const { pts, ref } = sphereCase(21, 30, d);
    const base = hvApprox(pts, d, ref, { samples: 3000 }).value;
    const extra = new Float64Array(pts.length + 3 * d);
    extra.set(pts);
    for (let j = 0; j < d; j++) {
      extra[pts.length + j] = pts[j] + 0.01; // dominated by point 0
      extra[pts.length + d + j] = pts[d + j]; // duplicate of point 1
      extra[pts.length + 2 * d + j] = j === 0 ? 1.2 : 0; // on the reference boundary: ignored
    }
    for (const method of ['montecarlo', 'hua-wang', 'rphi-fwe'] as const) {
      expect(hvApprox(extra, d, ref, { method, samples: 3000, seed: 2 }).value).toBe(hvApprox(pts, d, ref, { method, samples: 3000, seed: 2 }).value);
    }
    expect(base).toBeGreaterThan(0);
    const none = hvApprox(fromRows([[2, 2, 2], [1.2, 0, 0]]), 3, [1.2, 1.2, 1.2], { method: 'montecarlo', samples: 100 });
    expect(none.value).toBe(0);
    expect(none.standardError).toBe(0);
  });

  it('maximise flips objectives (the reference point is in the same space)', () => {
    const d = 4;
    const { pts, ref } = sphereCase(5, 25, d);
    const neg = pts.map((v) => -v);
    const a = hvApprox(pts, d, ref, { samples: 5000 });
    expect(hvApprox(neg, d, ref.map((v) => -v), { samples: 5000, maximise: true }).value).toBe(a.value);
    const mixed = pts.map((v, i) => (i % d === 1 ? -v : v));
    const refMixed = ref.map((v, k) => (k === 1 ? -v : v));
    expect(hvApprox(mixed, d, refMixed, { samples: 5000, maximise: [false, true, false, false] }).value).toBe(a.value);
  });

  it('is deterministic: one seed, one value; the seed matters only to Monte Carlo', () => {
    const d = 7;
    const { pts, ref } = sphereCase(9, 30, d);
    const a = hvApprox(pts, d, ref, { method: 'montecarlo', samples: 5000, seed: 42 });
    const b = hvApprox(pts, d, ref, { method: 'montecarlo', samples: 5000, seed: 42 });
    const c = hvApprox(pts, d, ref, { method: 'montecarlo', samples: 5000, seed: 43 });
    expect(b).toEqual(a);
    expect(c.value).not.toBe(a.value);
    expect(Math.abs(c.value - a.value)).toBeLessThan(6 * Math.hypot(a.standardError!, c.standardError!));
    // the low 32 bits of the seed are used, as by Rng
    expect(hvApprox(pts, d, ref, { method: 'montecarlo', samples: 500, seed: 2 ** 32 + 42 }).value)
      .toBe(hvApprox(pts, d, ref, { method: 'montecarlo', samples: 500, seed: 42 }).value);
    for (const method of ['hua-wang', 'rphi-fwe'] as const) {
      expect(hvApprox(pts, d, ref, { method, samples: 3000, seed: 1 }).value).toBe(hvApprox(pts, d, ref, { method, samples: 3000, seed: 2 }).value);
    }
    expect(hvApprox(pts, d, ref, { samples: 1000 }).method).toBe('rphi-fwe');
  });
});

describe('hvApprox: the WebAssembly kernel against its TypeScript twin', () => {
  // Same directions, same arithmetic order; the kernel's Math.sin/cos/pow/log (AssemblyScript's)
  // may differ from V8's by an ulp, so agreement is to rounding, not bitwise.
  it('all three methods, d = 2..8 and d = 13, 31 (uniform points, some outside the reference box)', () => {
    for (const d of [2, 3, 4, 5, 6, 7, 8, 13, 31]) {
      const rng = new Rng(d);
      const pts = uniformPoints(rng, 23, d, 0, 1.1);
      const ref = new Array<number>(d).fill(1.05);
      for (const method of ['montecarlo', 'hua-wang', 'rphi-fwe'] as const) {
        const N = 1501;
        const ours = hvApprox(pts, d, ref, { method, samples: N, seed: 7 });
        const twin = hvApproxReference(pts, d, ref, METHOD_ID[method], N, 7);
        expectClose(ours.value, twin.value, 1e-13, 0, `d=${d} ${method}`);
        if (method === 'montecarlo') expectClose(ours.standardError!, twin.standardError!, 1e-9, 0, `d=${d} se`);
      }
    }
  });

  it('the twin: Rphi long-double steps, powers and the Fang-Wang mapping are what they claim', () => {
    // alpha_k = (1/phi_s)^(k+1) within one unit in the 64th bit of the exact power
    for (const s of [1, 2, 7, 30]) {
      const alpha = rphiAlphas(s);
      const r = Number(RPHI_SIGNIFICAND[s - 1]) / 2 ** 64;
      alpha.forEach((a, k) => expectClose(Number(a) / 2 ** 64, r ** (k + 1), 1e-14, 0, `s=${s} k=${k}`));
      // 1/phi_s solves r^s + r^(s+1) = 1
      expectClose(r ** s + r ** (s + 1), 1, 1e-14, 0);
    }
    // frac(u + alpha) with ties and carries
    expect(rphiStep(0.5, 1n << 63n)).toBe(0); // 0.5 + 0.5 = 1
    expect(rphiStep(0.25, 3n << 62n)).toBe(0); // 0.25 + 0.75
    expect(rphiStep(0.5, (1n << 63n) + 2n)).toBe(2 ** -63); // 1 + 2^-63: exact
    expect(rphiStep(0.5, (1n << 63n) + 1n)).toBe(0); // 1 + 2^-64: a tie, to even (1)
    expect(rphiStep(0.5, (1n << 63n) + 3n)).toBe(2 ** -62); // 1 + 3 2^-64: a tie, to even
    expect(rphiStep(0.1, 1n << 63n)).toBe(0.6);
    // the chains equal repeated multiplication to rounding
    for (let e = 0; e <= 40; e++) expectClose(powChain(1.01, e), 1.01 ** e, 1e-14, 0, `e=${e}`);
    // int_0^b sin^m: the series and the closed form meet at SERIES_LIMIT, F(pi/2) = I_m, small b
    // keeps relative accuracy (F ~ b^(m+1) / (m+1)), and Newton inverts it
    for (const m of [1, 2, 5, 8, 9, 16, 29]) {
      const c = sinPowerCoefficients(m);
      const below = sinPowerIntegral(m, SERIES_LIMIT * (1 - 1e-15), c), at = sinPowerIntegral(m, SERIES_LIMIT, c);
      expectClose(below, at, 1e-12, 0, `m=${m} at the switch`);
      expectClose(sinPowerIntegral(m, Math.PI / 2, c), SIN_POWER_INTEGRAL[m], 1e-15, 0, `m=${m} at pi/2`);
      const b = 1e-4;
      expectClose(sinPowerIntegral(m, b, c), (b ** (m + 1) / (m + 1)) * (1 - (m * (m + 1) * b * b) / (6 * (m + 3))), 1e-12, 0, `m=${m} small b`);
      // Newton stops at |F(y) - t| <= 1e-15 (moocore's rule), from above the root (F is convex)
      for (const x of [0.3, 0.7, 1.1, 1.5]) {
        const t = sinPowerIntegral(m, x, c), y = inverseSinPowerIntegral(m, t, c);
        expect(Math.abs(sinPowerIntegral(m, y, c) - t), `m=${m} x=${x}`).toBeLessThanOrEqual(1e-15);
        expect(y).toBeGreaterThanOrEqual(x * (1 - 1e-12));
      }
    }
    // Fang-Wang+ lands on the unit sphere, in the positive orthant
    const rng = new Rng(4);
    for (const d of [2, 3, 4, 5, 10, 31]) {
      const u = Array.from({ length: d - 1 }, () => rng.random());
      const w = new Float64Array(d);
      fangWangPlus(u, d, w);
      expect(Math.min(...w)).toBeGreaterThanOrEqual(0);
      expectClose(Math.hypot(...w), 1, 1e-14, 0, `d=${d}`);
    }
  });
});

describe('hvApprox: input checks', () => {
  const pts = fromRows([[1, 2, 3], [3, 2, 1]]);
  it('names the argument', () => {
    expect(() => hvApprox(pts, 3, [4, 4, 4])).not.toThrow();
    expect(HV_APPROX_DEFAULT_SAMPLES).toBe(262_144);
    expect(() => hvApprox(fromRows([[1], [2]]), 1, [3])).toThrow(/nObj must be between 2 and 31, got 1/);
    expect(() => hvApprox(new Float64Array(32), 32, new Array(32).fill(1))).toThrow(/nObj must be between 2 and 31, got 32/);
    expect(() => hvApprox(pts, 0, [4])).toThrow(/nObj must be a positive integer/);
    expect(() => hvApprox(new Float64Array(0), 3, [4, 4, 4])).toThrow(/points is empty/);
    expect(() => hvApprox(pts.subarray(0, 5), 3, [4, 4, 4])).toThrow(/not a multiple of nObj = 3/);
    expect(() => hvApprox(new Float64Array([1, NaN, 3]), 3, [4, 4, 4])).toThrow(/points\[0\]\[1\] must be a finite number/);
    expect(() => hvApprox(pts, 3, [4, 4])).toThrow(/reference has length 2/);
    expect(() => hvApprox(pts, 3, [4, 4, Infinity])).toThrow(/reference\[2\] must be a finite number/);
    expect(() => hvApprox(pts, 3, [4, 4, 4], { samples: 0 })).toThrow(/options.samples must be an integer in \[1, 2147483647\], got 0/);
    expect(() => hvApprox(pts, 3, [4, 4, 4], { samples: 1.5 })).toThrow(/options.samples/);
    expect(() => hvApprox(pts, 3, [4, 4, 4], { samples: 2 ** 31 })).toThrow(/options.samples/);
    // @ts-expect-error a bad method name
    expect(() => hvApprox(pts, 3, [4, 4, 4], { method: 'quasi' })).toThrow(/options.method must be one of 'montecarlo', 'hua-wang', 'rphi-fwe', got "quasi"/);
    expect(() => hvApprox(pts, 3, [4, 4, 4], { seed: 0.5 })).toThrow(/options.seed must be an integer, got 0.5/);
    expect(() => hvApprox(pts, 3, [4, 4, 4], { maximise: [true] })).toThrow(/options.maximise must be a boolean or 3 booleans/);
    // @ts-expect-error options must be an object
    expect(() => hvApprox(pts, 3, [4, 4, 4], 5)).toThrow(/options must be an object/);
  });

  it('one sample: Monte Carlo has no standard error', () => {
    const r = hvApprox(pts, 3, [4, 4, 4], { method: 'montecarlo', samples: 1 });
    expect(r.value).toBeGreaterThan(0);
    expect(r.standardError).toBeNaN();
  });
});

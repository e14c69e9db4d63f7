// Every tolerance of the numerical tests, in one place. Exact oracles come first (lattice
// fronts, identities, bitwise twins: expectEqual); where arithmetic forces a tolerance it comes
// from here, stated in one of three ways:
//   - double precision, relative + absolute: expectClose / expectAllClose (kernels against
//     their float64 twins, which round differently);
//   - double precision, in ulps of the expected value: expectUlps (special functions against
//     high-precision reference values);
//   - float32 (the training kernels on WebGPU and WebAssembly against float64 twins and tfjs):
//     expectCloseF32 for element-wise work and short reductions, expectSumsCloseF32 for long
//     sums of products, both scaled from F32_EPS.
import { expect } from 'vitest';

// ---- double precision --------------------------------------------------------------------

/** The relative tolerance for comparing two exact algorithms in double precision. */
export const REL_EXACT = 1e-12;

/**
 * Expect |actual − expected| <= rel·max(|actual|, |expected|) + abs; equal values (infinities
 * included) always pass, NaN never does.
 */
export function expectClose(actual: number, expected: number, rel = REL_EXACT, abs = 1e-15, what = ''): void {
  if (actual === expected) return;
  const tol = rel * Math.max(Math.abs(actual), Math.abs(expected)) + abs;
  if (!(Math.abs(actual - expected) <= tol)) {
    expect.fail(`${what ? what + ': ' : ''}expected ${expected}, got ${actual} (|diff| ${Math.abs(actual - expected)} > tol ${tol})`);
  }
}

/** expectClose on every element, after checking the lengths agree. */
export function expectAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rel = REL_EXACT, abs = 1e-15, what = ''): void {
  expect(actual.length, `${what} length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expectClose(actual[i], expected[i], rel, abs, `${what}[${i}]`);
}

/** The spacing of doubles at x: the distance from |x| to the next double up (2^-1074 at 0). */
export function ulp(x: number): number {
  const a = Math.abs(x);
  if (!Number.isFinite(a)) return NaN;
  const b = new Float64Array([a]);
  const bits = new BigUint64Array(b.buffer);
  bits[0] += 1n;
  return b[0] - a;
}

/**
 * Expect actual within `ulps` units in the last place of expected (a correctly rounded
 * reference value): |actual − expected| <= ulps·ulp(expected). Equal values always pass.
 */
export function expectUlps(actual: number, expected: number, ulps: number, what = ''): void {
  if (actual === expected) return;
  const err = Math.abs(actual - expected) / ulp(expected);
  if (!(err <= ulps)) {
    expect.fail(`${what ? what + ': ' : ''}expected ${expected}, got ${actual} (${err.toFixed(1)} ulps > ${ulps})`);
  }
}

// ---- float32 -----------------------------------------------------------------------------

/** float32 machine epsilon (2^-23). */
export const F32_EPS = 2 ** -23;

export interface F32CloseOptions {
  /** terms summed into each value (reductions): the tolerance grows like √terms */
  terms?: number;
  /** multiples of F32_EPS before the √terms factor (default 16: rounding, exp/log, FMA contraction) */
  ulps?: number;
  /** absolute floor added to |expected|: default max|expected| (errors relative to the tensor's scale) */
  scale?: number;
  label?: string;
}

/** Relative float32 tolerance for values accumulated from `terms` terms. */
export function f32Tolerance(terms = 1, ulps = 16): number {
  return ulps * F32_EPS * Math.sqrt(Math.max(1, terms));
}

/**
 * Expect |actual_i − expected_i| <= tol·(|expected_i| + scale) for every i, with tol from
 * f32Tolerance and scale = max|expected| unless given; NaN never passes. The failure message
 * names the worst element.
 */
export function expectCloseF32(actual: ArrayLike<number>, expected: ArrayLike<number>, opts: F32CloseOptions = {}): void {
  const label = opts.label ?? 'values';
  expect(actual.length, `${label}: length`).toBe(expected.length);
  let maxAbs = 0;
  for (let i = 0; i < expected.length; i++) maxAbs = Math.max(maxAbs, Math.abs(expected[i]));
  const scale = opts.scale ?? maxAbs;
  const tol = f32Tolerance(opts.terms, opts.ulps);
  let worst = -1, worstRatio = 0;
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    const bound = tol * (Math.abs(expected[i]) + scale) + Number.MIN_VALUE;
    const ratio = Number.isNaN(err) ? Infinity : err / bound;
    if (ratio > worstRatio) {
      worstRatio = ratio;
      worst = i;
    }
  }
  if (worstRatio > 1) {
    expect.fail(
      `${label}: element ${worst} is ${actual[worst]}, expected ${expected[worst]} ` +
        `(error ${Math.abs(actual[worst] - expected[worst]).toExponential(3)} is ${worstRatio.toFixed(1)}× the tolerance ${tol.toExponential(2)}·(|e| + ${scale.toExponential(2)}))`,
    );
  }
}

/**
 * The float32 tolerance of one output that is a sum of L products:
 * |got − want| <= 2^−20 · √L · mag + 2^−40, with mag = Σ|terms| (the same sum over the absolute
 * values, so cancellation cannot shrink it). Why: each float32 sum of L terms errs by about
 * u·√L·mag (u = 2^−24, the probabilistic bound of Higham & Mary 2019, whatever the summation
 * order or FMA use); two float32 implementations differ by at most the sum of two such errors,
 * and 2^−20 = 16u leaves a factor 8 of headroom per side. A missing or doubled term errs by about
 * mag/L, far above this for the L < 10^4 of these tests, so real bugs cannot hide under it.
 */
export const F32_SUM_REL = 2 ** -20;

/** Expect every got[i] within the F32_SUM_REL tolerance of want[i] for sums of `terms` products of magnitude mag[i]. */
export function expectSumsCloseF32(what: string, got: ArrayLike<number>, want: ArrayLike<number>, mag: ArrayLike<number>, terms: number): void {
  expect(got.length, `${what}: length`).toBe(want.length);
  const scale = F32_SUM_REL * Math.sqrt(terms);
  const bad: string[] = [];
  for (let i = 0; i < want.length; i++) {
    const tol = scale * mag[i] + 2 ** -40;
    if (!(Math.abs(got[i] - want[i]) <= tol)) {
      if (bad.length < 5) bad.push(`[${i}] got ${got[i]}, want ${want[i]} (|diff| ${Math.abs(got[i] - want[i]).toExponential(2)} > ${tol.toExponential(2)})`);
      else if (bad.length === 5) bad.push('…');
    }
  }
  if (bad.length) expect.fail(`${what}: ${bad.join('; ')}`);
}

/** Round to float32 element-wise (inputs the kernels see exactly). */
export function f32(values: ArrayLike<number>): Float32Array {
  return Float32Array.from(values);
}

// ---- exact -------------------------------------------------------------------------------

/** Expect exact equality (integer outputs, copies, selections). */
export function expectEqual(actual: ArrayLike<number>, expected: ArrayLike<number>, label = 'values'): void {
  expect(Array.from(actual), label).toEqual(Array.from(expected));
}

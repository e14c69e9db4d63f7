// Small SIMD helpers for the GP kernels: horizontal sums, a contiguous dot product, and a
// two-lane exp for non-positive arguments (the Matérn factor exp(-sqrt(5) r)).

// @ts-ignore: decorator
@inline
export function hsum(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

/** Σ a[k] b[k] for k < len (f64 arrays at byte addresses a, b). */
export function dot(a: usize, b: usize, len: i32): f64 {
  let s0 = f64x2.splat(0), s1 = f64x2.splat(0);
  let k = 0;
  for (; k + 4 <= len; k += 4) {
    const o = <usize>k << 3;
    s0 = f64x2.add(s0, f64x2.mul(v128.load(a + o), v128.load(b + o)));
    s1 = f64x2.add(s1, f64x2.mul(v128.load(a + o, 16), v128.load(b + o, 16)));
  }
  if (k + 2 <= len) {
    const o = <usize>k << 3;
    s0 = f64x2.add(s0, f64x2.mul(v128.load(a + o), v128.load(b + o)));
    k += 2;
  }
  let s = hsum(f64x2.add(s0, s1));
  if (k < len) s += load<f64>(a + (<usize>k << 3)) * load<f64>(b + (<usize>k << 3));
  return s;
}

// Cody-Waite split of ln 2 (fdlibm): k * LN2_HI is exact for |k| < 2^11.
const LN2_HI: f64 = 6.93147180369123816490e-01;
const LN2_LO: f64 = 1.90821492927058770002e-10;
const LOG2E: f64 = 1.44269504088896338700e+00;

/** 2^52 + 1023: adding it to y (|y| < 2^50) rounds y to the nearest integer k and leaves k + 1023 in the low mantissa bits. */
const SHIFTER: f64 = 4503599627371519.0;

/**
 * exp(x) per lane for x <= 0 (x below -708 is clamped there: the result is then ~3e-308
 * instead of 0, harmless for kernel values). Range reduction x = k ln2 + r, |r| <= ln2/2, and
 * the degree-12 Taylor polynomial of e^r (truncation error < 2.5e-16 relative); k is rounded by
 * the shifter trick, whose low mantissa bits shifted into the exponent field give 2^k.
 * Within a few ulp of Math.exp.
 */
// @ts-ignore: decorator
@inline
export function expNonPos(x: v128): v128 {
  x = f64x2.pmax(x, f64x2.splat(-708.0));
  const t = f64x2.add(f64x2.mul(x, f64x2.splat(LOG2E)), f64x2.splat(SHIFTER));
  const k = f64x2.sub(t, f64x2.splat(SHIFTER));
  let r = f64x2.sub(x, f64x2.mul(k, f64x2.splat(LN2_HI)));
  r = f64x2.sub(r, f64x2.mul(k, f64x2.splat(LN2_LO)));
  let p = f64x2.splat(2.08767569878680989792e-09); // 1/12!
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(2.50521083854417187751e-08)); // 1/11!
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(2.75573192239858906526e-07)); // 1/10!
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(2.75573192239858906526e-06)); // 1/9!
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(2.48015873015873015873e-05)); // 1/8!
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.98412698412698412698e-04)); // 1/7!
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.38888888888888888889e-03)); // 1/6!
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(8.33333333333333333333e-03)); // 1/5!
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(4.16666666666666666667e-02)); // 1/4!
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.66666666666666666667e-01)); // 1/3!
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(0.5));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0));
  return f64x2.mul(p, i64x2.shl(t, 52));
}

/** Scalar version of expNonPos (same arithmetic, lane 0). */
export function expNonPos1(x: f64): f64 {
  return f64x2.extract_lane(expNonPos(f64x2.splat(x)), 0);
}

// The constants of expNonPosE as a table in linear memory: in a hot loop V8 rebuilds every
// f64x2.splat(constant) from an immediate (three instructions, through a general register) on
// each use, while a splatting load from this table is a single vmovddup.
const EXP_TAB = memory.data<f64>([
  -708.0, LOG2E, SHIFTER, LN2_HI, LN2_LO,
  1.0, 1.0, 0.5, 1.66666666666666666667e-01, 4.16666666666666666667e-02, 8.33333333333333333333e-03,
  1.38888888888888888889e-03, 1.98412698412698412698e-04, 2.48015873015873015873e-05, 2.75573192239858906526e-06,
  2.75573192239858906526e-07, 2.50521083854417187751e-08, 2.08767569878680989792e-09,
]);

// @ts-ignore: decorator
@inline
function expCoef(i: i32): v128 {
  return v128.load64_splat(EXP_TAB + (<usize>(5 + i) << 3));
}

/**
 * expNonPos with the polynomial evaluated by Estrin's scheme instead of Horner's: the same
 * range reduction and degree-12 Taylor polynomial (1/i!), but a dependency chain of four
 * multiply-add levels instead of twelve, so that successive independent calls in a loop overlap
 * (twice the throughput there). Within an ulp or two of expNonPos (≤ 5e-16 relative to Math.exp).
 */
// @ts-ignore: decorator
@inline
export function expNonPosE(x: v128): v128 {
  x = f64x2.pmax(x, v128.load64_splat(EXP_TAB));
  const shifter = v128.load64_splat(EXP_TAB, 16);
  const t = f64x2.add(f64x2.mul(x, v128.load64_splat(EXP_TAB, 8)), shifter);
  const k = f64x2.sub(t, shifter);
  let r = f64x2.sub(x, f64x2.mul(k, v128.load64_splat(EXP_TAB, 24)));
  r = f64x2.sub(r, f64x2.mul(k, v128.load64_splat(EXP_TAB, 32)));
  const r2 = f64x2.mul(r, r);
  const r4 = f64x2.mul(r2, r2);
  const r8 = f64x2.mul(r4, r4);
  const q0 = f64x2.add(expCoef(0), f64x2.mul(expCoef(1), r));
  const q1 = f64x2.add(expCoef(2), f64x2.mul(expCoef(3), r));
  const q2 = f64x2.add(expCoef(4), f64x2.mul(expCoef(5), r));
  const q3 = f64x2.add(expCoef(6), f64x2.mul(expCoef(7), r));
  const q4 = f64x2.add(expCoef(8), f64x2.mul(expCoef(9), r));
  const q5 = f64x2.add(expCoef(10), f64x2.mul(expCoef(11), r));
  const s0 = f64x2.add(q0, f64x2.mul(q1, r2));
  const s1 = f64x2.add(q2, f64x2.mul(q3, r2));
  const s2 = f64x2.add(q4, f64x2.mul(q5, r2));
  const t0 = f64x2.add(s0, f64x2.mul(s1, r4));
  const t1 = f64x2.add(s2, f64x2.mul(expCoef(12), r4));
  return f64x2.mul(f64x2.add(t0, f64x2.mul(t1, r8)), i64x2.shl(t, 52));
}

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

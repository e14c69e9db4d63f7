// The standard normal distribution in plain TypeScript: density, distribution function, the
// mass of an interval, the quantile, and the Gaussian tail function of the expected-improvement
// formulas. The last is the TypeScript twin of assembly/ehvi/normal.ts (same name, same
// definition); the WebAssembly one is the fast path of the EHVI kernels, this one serves code
// that has no module at hand (and the tests, which diff the two).
//
// Everything is built on erfc, which keeps its relative precision in the tails: Φ(−8) is
// 6.2e-16 to twelve digits and more, where 1 − Φ(8) would be 0.

const SQRT2 = Math.SQRT2;
const SQRT_2PI = Math.sqrt(2 * Math.PI);
const INV_SQRT_PI = 1 / Math.sqrt(Math.PI);

/**
 * erfc(x) = 1 − erf(x): the non-alternating series
 * erf(x) = 2/√π e^{-x²} Σ (2x²)^n x / (1·3···(2n+1)) below 2.5, Lentz's continued fraction
 * erfc(x) = e^{-x²}/√π · 1/(x + ½/(x + 1/(x + 3/2/(x + ...)))) above; erfc(−x) = 2 − erfc(x).
 * Relative error (against mpmath): a few ulps for x < 0.5, up to 1.8e-12 just below 2.5 (where
 * 1 − erf cancels), and from 2.5 on a few ulps plus the x² ulps that rounding x² costs e^{−x²}.
 *
 * @example erfc(1) // 0.157299207050285
 */
export function erfc(x: number): number {
  if (x !== x) return x;
  if (x < 0) return 2 - erfc(-x);
  if (x < 2.5) {
    const x2 = x * x;
    let term = x;
    let sum = x;
    for (let n = 1; n < 200; n++) {
      term *= (2 * x2) / (2 * n + 1);
      sum += term;
      if (term < 1e-17 * sum) break;
    }
    return 1 - 2 * INV_SQRT_PI * Math.exp(-x2) * sum;
  }
  if (x > 27) return 0; // e^{-729} underflows
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let i = 1; i < 500; i++) {
    const a = 0.5 * i;
    d = x + a * d;
    if (d === 0) d = tiny;
    c = x + a / c;
    if (c === 0) c = tiny;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return (Math.exp(-x * x) * INV_SQRT_PI) / f;
}

/**
 * φ(z) = e^{−z²/2} / √(2π), the standard normal density; 0 at ±∞.
 *
 * @example normalPdf(0) // 0.3989422804014327
 */
export function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z) / SQRT_2PI;
}

/**
 * Φ(z), the standard normal distribution function, with erfc's relative precision in both
 * tails (relative error below 1.1e-12, worst near z = −3.4).
 *
 * @example normalCdf(-8) // 6.220960574271826e-16
 */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / SQRT2);
}

/**
 * Φ(b) − Φ(a), the standard normal mass of [a, b]; 0 unless a < b. Computed on the tail the
 * interval lies in, so that it keeps its relative precision: normalMass(8, 9) is
 * 6.219831985865873e-16 (true: 6.21983198586583e-16) where normalCdf(9) − normalCdf(8) gives 6.7e-16.
 *
 * @example normalMass(-1, 1) // 0.6826894921370861
 */
export function normalMass(a: number, b: number): number {
  if (!(b > a)) return 0;
  if (a >= 0) return 0.5 * (erfc(a / SQRT2) - erfc(b / SQRT2));
  if (b <= 0) return 0.5 * (erfc(-b / SQRT2) - erfc(-a / SQRT2));
  return 1 - 0.5 * erfc(-a / SQRT2) - 0.5 * erfc(b / SQRT2);
}

/**
 * Φ⁻¹(p), the standard normal quantile: the rational starting value of Abramowitz & Stegun
 * 26.2.23 (error < 4.5e-4), then three Halley steps on the lower tail (cubic convergence).
 * Relative error below 2.5e-14 (against mpmath; worst next to p = 1/2, where the result is
 * near 0, and for p > 1/2 where 1 − p rounds).
 * Φ⁻¹(0) = −∞, Φ⁻¹(1) = ∞.
 *
 * @throws RangeError unless 0 <= p <= 1
 * @example normalQuantile(0.025) // -1.959963984540056
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) {
    if (p === 0) return -Infinity;
    if (p === 1) return Infinity;
    throw new RangeError(`normalQuantile: p must be in [0, 1], got ${p}`);
  }
  if (p > 0.5) return -normalQuantile(1 - p);
  const t = Math.sqrt(-2 * Math.log(p));
  let x = -(t - (2.515517 + t * (0.802853 + t * 0.010328)) / (1 + t * (1.432788 + t * (0.189269 + t * 0.001308))));
  for (let it = 0; it < 3; it++) {
    const e = (normalCdf(x) - p) / normalPdf(x);
    x -= e / (1 + (x * e) / 2);
  }
  return x;
}

/** Below this t, gaussTail subtracts directly (it cancels little there); above, the continued fraction. */
const TAIL_DIRECT_BELOW = 0.5;

/**
 * The Gaussian tail function of the expected-improvement formulas,
 * tail(t) = φ(t) − t·Φ(−t) = E[(−t − Z)⁺] for Z standard normal, to a few ulps (relative;
 * plus the t²/2 ulps that rounding t² costs e^{−t²/2}). The function that
 * assembly/ehvi/normal.ts computes with piecewise polynomials; here, for 0 <= t < 0.5 the
 * difference itself, and for t >= 0.5 tail(t) = φ(t) / (t·R + 1) with
 * R = t + 2/(t + 3/(t + 4/(t + ...))), from Laplace's continued fraction of the Mills ratio
 * Φ(−t)/φ(t) = 1/(t + 1/R), evaluated backwards from term K(t) = ⌈500/t²⌉ + 20 (converged to
 * the last bit: four times as many terms change nothing). The difference would cancel in the
 * tail (at t = 8 its two terms agree to 15 digits). For t < 0, tail(t) = −t + tail(−t). It is
 * 0 where φ(t) underflows (t > 38.6).
 *
 * @example gaussTail(0) // 0.3989422804014327
 * @example gaussTail(8) // 7.5502624119465e-17
 */
export function gaussTail(t: number): number {
  if (t !== t) return t;
  if (t < 0) return -t + gaussTail(-t);
  const pdf = normalPdf(t);
  if (pdf === 0) return 0;
  if (t < TAIL_DIRECT_BELOW) return pdf - 0.5 * t * erfc(t / SQRT2);
  const terms = Math.ceil(500 / (t * t)) + 20;
  let r = t;
  for (let k = terms; k >= 2; k--) r = t + k / r;
  return pdf / (t * r + 1);
}

// Plain-TypeScript twin of the approximate-hypervolume kernel (assembly/hvapprox/), the test
// oracle: the same estimator over the same sample directions, written for clarity (rows,
// BigInt for the 80-bit arithmetic that moocore's Rphi sequence uses), not speed. Minimisation
// throughout; maximised objectives are flipped by the caller.
//
// Estimator (Deng and Zhang 2019): with q = ref - p for the points p that strictly dominate the
// reference point and theta uniform on the positive part of the unit sphere S+ in d dimensions,
//   HV = c_d * E_theta[ max_p min_j (q_j / theta_j)^d ],   c_d = pi^(d/2) / (Gamma(d/2 + 1) 2^d),
// the volume of the part of the unit ball in the positive orthant. The methods differ only in
// the directions theta: 1 = Monte Carlo (normal vectors folded into S+), 2 = Hua-Wang polar
// lattice, 3 = Rphi-FWE+ (generalised golden-ratio sequence through the Fang-Wang mapping).
import { Rng } from '../../random/rng.ts';

export type HvApproxMethodId = 1 | 2 | 3;

/** Largest number of objectives (moocore's MOOCORE_HVAPPROX_DIMENSION_MAX). */
export const HVAPPROX_MAX_DIM = 31;

/** Weights below this are raised to it before inverting (as moocore). */
const TINY_WEIGHT = 1e-20;

/** c_d = pi^(d/2) / (Gamma(d/2 + 1) 2^d) for d = 0..31, correctly rounded (mpmath, 300 bits). */
export const ORTHANT_BALL_VOLUME: readonly number[] = [
  1, 1, 0.7853981633974483, 0.5235987755982989, 0.30842513753404244, 0.16449340668482265,
  0.08074551218828079, 0.036912234143214075, 0.015854344243815502, 0.006442400200661537,
  0.0024903945701927202, 0.0009199725973583498, 0.00032599188692739, 0.00011116073666788125,
  3.657620418217725e-05, 1.1640725122781509e-05, 3.59086044859151e-06, 1.075600486123192e-06,
  3.1336168903781217e-07, 8.892364698426923e-08, 2.4611369504942e-08, 6.651473240385533e-09,
  1.757247673443401e-09, 4.5426564059878885e-10, 1.1501159127974052e-10, 2.8542351985668327e-11,
  6.948453273886629e-12, 1.6605267280435122e-12, 3.8980731712596753e-13, 8.994307879156888e-14,
  2.0410263396641442e-14, 4.5574921866587215e-15,
];

/** The integral of sin^m over [0, pi/2] for m = 0..30, correctly rounded. */
export const SIN_POWER_INTEGRAL: readonly number[] = [
  1.5707963267948966, 1, 0.7853981633974483, 0.6666666666666666, 0.5890486225480862,
  0.5333333333333333, 0.4908738521234052, 0.45714285714285713, 0.42951462060797957,
  0.40634920634920635, 0.3865631585471816, 0.3694083694083694, 0.35434956200158313,
  0.340992340992341, 0.32903887900147005, 0.31825951825951826, 0.30847394906387815,
  0.29953837012660545, 0.29133650744921824, 0.2837731927515209, 0.27676968207675734,
  0.27026018357287707, 0.26418924198235927, 0.25850974080883893, 0.253181356899761,
  0.2481693511764854, 0.24344361240361634, 0.23897789372550443, 0.23474919767491575,
  0.23073727670048705, 0.22692422441908522,
];

/**
 * 1/phi_s for s = 1..31, where phi_s > 1 solves x^(s+1) = x + 1, as the 64-bit significand M of
 * the 80-bit long double nearest to it (value M / 2^64). Computed with mpmath; these are the
 * long doubles moocore's Rphi sequence starts from.
 */
export const RPHI_SIGNIFICAND: readonly bigint[] = [
  0x9e3779b97f4a7c16n, 0xc13fa9a902a6328fn, 0xd1b54a32d192ed04n, 0xdb4f0b9175ae2165n,
  0xe19b01aa9d42c633n, 0xe60e2b722b53aeecn, 0xe95e1dd17d35800en, 0xebedeed9d803c815n,
  0xedf84ed4185625aen, 0xefa239aadff080ffn, 0xf104272092f57c5dn, 0xf22eecf611d9436en,
  0xf32e81f362a69fdcn, 0xf40ba295557eb087n, 0xf4ccd627d640c91bn, 0xf57716bc263d1509n,
  0xf60e40931cdda7e5n, 0xf6955e0400b91807n, 0xf70edc6ab8a796dbn, 0xf77cb1d641353e21n,
  0xf7e0785b8323f5f8n, 0xf83b8239bbcd5195n, 0xf88ee8ec947b71b5n, 0xf8db9899f68dde5cn,
  0xf92258d8459008cdn, 0xf963d37e4fa5d6e2n, 0xf9a099fb4affdc5bn, 0xf9d9299227c1491en,
  0xfa0deebb02ba3470n, 0xfa3f47dc2ff8cc57n, 0xfa6d877fe594b79an,
];

/**
 * b^e for a non-negative integer e, by fixed multiplication chains for e <= 31 (the ones
 * moocore's pow_uint uses, so that each sample's value is bitwise the same) and square-and-
 * multiply above.
 */
export function powChain(b: number, e: number): number {
  const b2 = b * b;
  switch (e) {
    case 0: return 1;
    case 1: return b;
    case 2: return b2;
    case 3: return b2 * b;
    case 4: return b2 * b2;
    case 5: return b2 * b2 * b;
    case 6: return b2 * b2 * b2;
    case 7: return b2 * b2 * b2 * b;
    case 8: { const b4 = b2 * b2; return b4 * b4; }
    case 9: { const b3 = b2 * b; return b3 * b3 * b3; }
    case 10: { const b4 = b2 * b2; return b4 * b4 * b2; }
    case 11: { const b4 = b2 * b2; return b4 * b4 * b2 * b; }
    case 12: { const b4 = b2 * b2; return b4 * b4 * b4; }
    case 13: { const b4 = b2 * b2; return b4 * b4 * b4 * b; }
    case 14: { const b4 = b2 * b2; return b4 * b4 * b4 * b2; }
    case 15: { const b5 = b2 * b2 * b; return b5 * b5 * b5; }
    case 16: { const b4 = b2 * b2, b8 = b4 * b4; return b8 * b8; }
    case 17: return powChain(b, 16) * b;
    case 18: { const x = powChain(b, 9); return x * x; }
    case 19: { const x = powChain(b, 9); return x * x * b; }
    case 20: { const x = powChain(b, 10); return x * x; }
    case 21: { const x = powChain(b, 10); return x * x * b; }
    case 22: { const b5 = b2 * b2 * b, b10 = b5 * b5; return b10 * b10 * b2; }
    case 23: { const b3 = b2 * b, b5 = b2 * b3, b10 = b5 * b5; return b10 * b10 * b3; }
    case 24: { const x = powChain(b, 12); return x * x; }
    case 25: { const x = powChain(b, 12); return x * x * b; }
    case 26: { const x = powChain(b, 13); return x * x; }
    case 27: { const b3 = b2 * b, b6 = b3 * b3, b12 = b6 * b6; return b12 * b12 * b3; }
    case 28: { const x = powChain(b, 14); return x * x; }
    case 29: { const x = powChain(b, 14); return x * x * b; }
    case 30: { const x = powChain(b, 15); return x * x; }
    case 31: { const x = powChain(b, 15); return x * x * b; }
    default: {
      let r = e & 1 ? b : 1, x = b;
      for (let k = e >> 1; k > 0; k >>= 1) {
        x *= x;
        if (k & 1) r *= x;
      }
      return r;
    }
  }
}

/** q = ref - p for each row that strictly dominates ref (all q_j > 0). */
function transformRows(points: ArrayLike<number>, d: number, ref: ArrayLike<number>): number[][] {
  const rows: number[][] = [];
  for (let i = 0; i < points.length; i += d) {
    const q = Array.from({ length: d }, (_, j) => ref[j] - points[i + j]);
    if (q.every((v) => v > 0)) rows.push(q);
  }
  return rows;
}

/** max over rows of min_j q_j * invTheta_j, raised to d: one sample's value. */
function sampleValue(rows: number[][], invTheta: ArrayLike<number>, d: number): number {
  let best = 0;
  for (const q of rows) {
    let m = Infinity;
    for (let j = 0; j < d; j++) m = Math.min(m, q[j] * invTheta[j]);
    best = Math.max(best, m);
  }
  return powChain(best, d);
}

// ---- method 1: Monte Carlo ------------------------------------------------------------------

/** Directions |z| / ||z|| for z standard normal (Marsaglia 1972), from Rng(seed).normal(). */
export function* monteCarloDirections(d: number, seed: number): Generator<Float64Array> {
  const rng = new Rng(seed);
  const w = new Float64Array(d);
  for (;;) {
    for (let j = 0; j < d; j++) w[j] = rng.normal();
    let norm = 0;
    for (let j = 0; j < d; j++) {
      w[j] = Math.max(Math.abs(w[j]), TINY_WEIGHT);
      norm += w[j] * w[j];
    }
    norm = Math.sqrt(norm);
    for (let j = 0; j < d; j++) w[j] = norm / w[j];
    yield w;
  }
}

// ---- method 2: Hua-Wang polar lattice ---------------------------------------------------------

/** Smallest prime p with (p - 1) / 2 >= s. */
function latticePrime(s: number): number {
  for (let p = 2 * s + 1; ; p++) {
    let prime = p > 1;
    for (let q = 2; q * q <= p; q++) if (p % q === 0) prime = false;
    if (prime) return p;
  }
}

/** Generator vector of the Hua-Wang lattice: a_0 = 1, a_k = round(N frac|2 cos(2 pi k / p)|). */
export function huaWangGenerator(s: number, nSamples: number): number[] {
  const p = latticePrime(s);
  const a = [1];
  for (let k = 1; k < s; k++) {
    const c = Math.abs(2 * Math.cos((2 * Math.PI * k) / p));
    a.push(Math.round(nSamples * (c - Math.trunc(c))));
  }
  return a;
}

/** Terms of the power series of F_m used below SERIES_LIMIT. */
export const SERIES_TERMS = 40;
/** F_m(b) is summed as a power series for b < SERIES_LIMIT, in closed form above. */
export const SERIES_LIMIT = 1;

export interface SinPowerCoefficients {
  /** closed form: odd m: the polynomial in cos^2 b; even m: the polynomial in sin^2 b, then lead */
  closed: number[];
  /** power series: F_m(b) = b^(m+1) sum_k series[k] b^(2k) */
  series: number[];
}

/**
 * Coefficients of F_m(b) = int_0^b sin^m x dx. The closed forms (those moocore evaluates) lose
 * all accuracy for small b (F ~ b^(m+1) / (m+1) is a difference of O(1) terms); the series,
 * from (sin x / x)^m = sum_k g_k x^(2k) by J. C. P. Miller's recurrence for powers of a series
 * (g_k = (1/k) sum_{j=1..k} (j (m+1) - k) f_j g_(k-j), f_j = (-1)^j / (2j+1)!), keeps relative
 * accuracy there (about 1e-13 or better for m <= 29 and b < 1).
 */
export function sinPowerCoefficients(m: number): SinPowerCoefficients {
  const closed: number[] = [];
  if (m % 2 === 1) {
    // F = I_m - cos b * sum_j (-1)^j C(h, j) cos^(2j) b / (2j + 1),  m = 2h + 1
    const h = (m - 1) / 2;
    let binom = 1;
    for (let j = 0; j <= h; j++) {
      closed.push((j % 2 ? -binom : binom) / (2 * j + 1));
      binom = (binom * (h - j)) / (j + 1);
    }
  } else {
    // F = lead b - cos b sin b * sum_{i=1..h} beta_i sin^(2i-2) b,  m = 2h, from the recurrence
    // F_m = -sin^(m-1) b cos b / m + (m-1)/m F_{m-2}: beta_i = prod_{l=i+1..h} (2l-1)/(2l) / (2i)
    // and lead = prod_{l=1..h} (2l-1)/(2l) (stored last).
    const h = m / 2;
    for (let i = 1; i <= h; i++) {
      let beta = 1 / (2 * i);
      for (let l = i + 1; l <= h; l++) beta *= (2 * l - 1) / (2 * l);
      closed.push(beta);
    }
    let lead = 1;
    for (let l = 1; l <= h; l++) lead *= (2 * l - 1) / (2 * l);
    closed.push(lead);
  }
  const f: number[] = [];
  let fact = 1;
  for (let j = 0; j < SERIES_TERMS; j++) {
    f.push((j % 2 ? -1 : 1) / fact);
    fact *= (2 * j + 2) * (2 * j + 3);
  }
  const g = [1];
  for (let k = 1; k < SERIES_TERMS; k++) {
    let sum = 0;
    for (let j = 1; j <= k; j++) sum += (j * (m + 1) - k) * f[j] * g[k - j];
    g.push(sum / k);
  }
  return { closed, series: g.map((gk, k) => gk / (m + 1 + 2 * k)) };
}

/** F_m(b) = int_0^b sin^m x dx (m >= 1), with coefficients from sinPowerCoefficients(m). */
export function sinPowerIntegral(m: number, b: number, coef: SinPowerCoefficients): number {
  if (b < SERIES_LIMIT) {
    const y = b * b, c = coef.series;
    let sum = 0;
    for (let k = c.length - 1; k >= 0; k--) sum = sum * y + c[k];
    return sum * powChain(b, m + 1);
  }
  const cb = Math.cos(b), c = coef.closed;
  if (m % 2 === 1) {
    const y = cb * cb;
    let poly = 0;
    for (let j = c.length - 1; j >= 0; j--) poly = poly * y + c[j];
    return SIN_POWER_INTEGRAL[m] - cb * poly;
  }
  const sb = Math.sin(b), y = sb * sb;
  let poly = 0;
  for (let i = c.length - 2; i >= 0; i--) poly = poly * y + c[i];
  return c[c.length - 1] * b - cb * sb * poly;
}

/**
 * The angle x in [0, pi/2] with F_m(x) = t: Newton's method from pi/2 until |F_m(x) - t| <=
 * 1e-15, as moocore (where F is accurate this is moocore's angle to rounding; at most 100 steps).
 */
export function inverseSinPowerIntegral(m: number, t: number, coef: SinPowerCoefficients): number {
  if (m === 0) return t;
  let x = Math.PI / 2;
  let f = SIN_POWER_INTEGRAL[m] - t;
  for (let it = 0; it < 100 && Math.abs(f) > 1e-15; it++) {
    x -= f / powChain(Math.sin(x), m);
    f = sinPowerIntegral(m, x, coef) - t;
  }
  return x;
}

const TWO64M1 = (1n << 64n) - 1n;

/** A positive value M * 2^e with a 64-bit significand M (2^63 <= M < 2^64): an x87 long double. */
interface LongDouble { M: bigint; e: number }

/** The long double nearest (ties to even) to (x / div) * 2^e, for x / div >= 2^64. */
export function roundToLongDouble(x: bigint, e: number, div = 1n): LongDouble {
  let q = x / div;
  const inexact = q * div !== x;
  const len = q.toString(2).length;
  const shift = BigInt(len - 64);
  const rem = q & ((1n << shift) - 1n), half = 1n << (shift - 1n);
  q >>= shift;
  if (rem > half || (rem === half && (inexact || (q & 1n) === 1n))) q += 1n;
  if (q > TWO64M1) return { M: q >> 1n, e: e + Number(shift) + 1 };
  return { M: q, e: e + Number(shift) };
}

/**
 * frac(f * a) as moocore computes it in long double, f = i / N already rounded: the product
 * rounded to 64 bits, then its fractional part (exact), then rounded to a double. The rounding
 * matters: where i a / N is an integer the product can land just below it (fraction ~1).
 */
export function latticeFraction(f: LongDouble, a: number): number {
  if (a === 0) return 0;
  let v: LongDouble = { M: f.M * BigInt(a), e: f.e };
  if (v.M > TWO64M1) v = roundToLongDouble(v.M, v.e);
  if (v.e >= 0) return 0;
  const bits = -v.e;
  const frac = bits >= 128 ? v.M : v.M & ((1n << BigInt(bits)) - 1n);
  return Number(frac) * 2 ** v.e;
}

/**
 * Hua-Wang directions: the lattice points frac(i a / N), i = 1..N (the last one is 0), mapped to
 * polar angles whose sines are distributed as on the sphere (angle k has density sin^(d-2-k)).
 */
export function* huaWangDirections(d: number, nSamples: number): Generator<Float64Array> {
  const s = d - 1;
  const a = huaWangGenerator(s, nSamples);
  const coef = Array.from({ length: s }, (_, k) => sinPowerCoefficients(d - 2 - k));
  const sin = new Float64Array(s), cos = new Float64Array(s), w = new Float64Array(d);
  for (let i = 1; i <= nSamples; i++) {
    const factor = i < nSamples ? roundToLongDouble(BigInt(i) << 128n, -128, BigInt(nSamples)) : undefined;
    for (let k = 0; k < s; k++) {
      const u = factor ? latticeFraction(factor, a[k]) : 0;
      const m = d - 2 - k;
      const theta = inverseSinPowerIntegral(m, u * SIN_POWER_INTEGRAL[m], coef[k]);
      sin[k] = Math.sin(theta);
      cos[k] = Math.cos(theta);
    }
    // w_{d-1} = cos t_0, w_j = cos t_{d-1-j} prod_{l < d-1-j} sin t_l, w_0 = prod_l sin t_l
    w[d - 2] = sin[0];
    for (let j = d - 2; j > 0; j--) w[j - 1] = sin[d - 1 - j] * w[j];
    for (let j = 1; j < d - 1; j++) w[j] *= cos[d - 1 - j];
    w[d - 1] = cos[0];
    for (let j = 0; j < d; j++) w[j] = Math.abs(w[j]) <= TINY_WEIGHT ? 1 / TINY_WEIGHT : 1 / w[j];
    yield w;
  }
}

// ---- method 3: Rphi-FWE+ --------------------------------------------------------------------

const TWO64 = 1n << 64n;
const TWO63 = 1n << 63n;

/** alpha_k = (1/phi_s)^(k+1), k < s, each product rounded to a 64-bit significand (x87 long double). */
export function rphiAlphas(s: number): bigint[] {
  const r = RPHI_SIGNIFICAND[s - 1];
  const out = [r];
  for (let k = 1; k < s; k++) {
    const p = out[k - 1] * r; // value p / 2^128, known to be in [1/2, 1)
    let q = p >> 64n;
    const rem = p & (TWO64 - 1n);
    if (rem > TWO63 || (rem === TWO63 && (q & 1n) === 1n)) q += 1n;
    out.push(q);
  }
  return out;
}

/**
 * One step of u <- frac(u + alpha) where u is a double, alpha = A / 2^64 a long double, the sum
 * rounded to a 64-bit significand (nearest, ties to even) and the fraction then to a double:
 * what `(double) fractl(u + alpha)` computes on x86-64.
 */
export function rphiStep(u: number, A: bigint): number {
  const s = u * 2 ** 64;
  const whole = Math.floor(s);
  const part = s - whole; // below 2^-64, exact
  let T = A + BigInt(whole);
  if (T < TWO64) { // sum in [1/2, 1): unit 2^-64
    if (part > 0.5 || (part === 0.5 && (T & 1n) === 1n)) T += 1n;
    return T >= TWO64 ? 0 : Number(T) * 2 ** -64;
  }
  T -= TWO64; // sum in [1, 2): unit 2^-63
  let R = T >> 1n;
  if ((T & 1n) === 1n && (part > 0 || (R & 1n) === 1n)) R += 1n;
  return R >= TWO63 ? 0 : Number(R) * 2 ** -63;
}

/**
 * Fang-Wang mapping of u in [0,1)^(d-1) onto the positive part of the unit sphere (Fang and
 * Wang 1994, as modified by Lopez-Ibanez 2026 to stay in the positive orthant).
 */
export function fangWangPlus(u: ArrayLike<number>, d: number, w: Float64Array): void {
  let product = 1;
  const pairs = Math.floor(d / 2) - 1;
  for (let i = 0; i < pairs; i++) {
    const l = d - 2 * i - 2;
    const t = Math.pow(u[l - 1], 1 / l);
    const dl = Math.sqrt(1 - t * t) * product;
    product *= t;
    const angle = (Math.PI / 2) * u[l];
    w[2 * i] = dl * Math.sin(angle);
    w[2 * i + 1] = dl * Math.cos(angle);
  }
  let angle: number;
  if (d % 2 === 0) {
    angle = (Math.PI / 2) * u[0];
  } else {
    w[d - 3] = product * u[0];
    product *= Math.sqrt(1 - u[0] * u[0]);
    angle = (Math.PI / 2) * u[1];
  }
  w[d - 2] = product * Math.sin(angle);
  w[d - 1] = product * Math.cos(angle);
}

export function* rphiDirections(d: number): Generator<Float64Array> {
  const s = d - 1;
  const alpha = rphiAlphas(s);
  const u = new Array<number>(s).fill(0.5);
  const w = new Float64Array(d);
  for (;;) {
    for (let k = 0; k < s; k++) u[k] = rphiStep(u[k], alpha[k]);
    fangWangPlus(u, d, w);
    for (let j = 0; j < d; j++) w[j] = 1 / w[j];
    yield w;
  }
}

// ---- the estimate ---------------------------------------------------------------------------

export interface HvApproxReferenceResult {
  value: number;
  /** c_d * sample standard deviation / sqrt(N) (method 1 only; NaN for N < 2). */
  standardError?: number;
}

/**
 * Approximate hypervolume of a minimisation point set (row-major, d columns) with `nSamples`
 * directions of `method`; 0 when no point strictly dominates `ref`.
 */
export function hvApproxReference(
  points: ArrayLike<number>, d: number, ref: ArrayLike<number>, method: HvApproxMethodId, nSamples: number, seed = 0,
): HvApproxReferenceResult {
  const rows = transformRows(points, d, ref);
  const c = ORTHANT_BALL_VOLUME[d];
  if (rows.length === 0) return method === 1 ? { value: 0, standardError: 0 } : { value: 0 };
  const dirs = method === 1 ? monteCarloDirections(d, seed) : method === 2 ? huaWangDirections(d, nSamples) : rphiDirections(d);
  let sum = 0, mean = 0, m2 = 0;
  for (let i = 0; i < nSamples; i++) {
    const v = sampleValue(rows, dirs.next().value as Float64Array, d);
    sum += v;
    const delta = v - mean;
    mean += delta / (i + 1);
    m2 += delta * (v - mean);
  }
  const value = c * (sum / nSamples);
  if (method !== 1) return { value };
  return { value, standardError: nSamples < 2 ? NaN : c * Math.sqrt(m2 / (nSamples - 1) / nSamples) };
}

// Sample directions theta on the positive part of the unit sphere S+ for the approximate
// hypervolume, written into w as inverse weights w_j = 1 / theta_j (so the kernel multiplies).
// Three generators, as moocore's hvapprox (same numbers for the deterministic two):
//   1. Monte Carlo: |z| / ||z|| for z standard normal (Marsaglia 1972), z from xoshiro128**
//      with the seeding and Box-Muller transform of src/random/rng.ts (the host's Rng);
//   2. Hua-Wang: the rank-1 lattice frac(i a / N) mapped to polar angles (Deng and Zhang 2019);
//   3. Rphi-FWE+: the generalised golden-ratio sequence frac(u + alpha) mapped by Fang and
//      Wang's efficient mapping restricted to S+ (Lopez-Ibanez 2026).
// moocore computes part of 2 and 3 in x87 long double; that arithmetic is reproduced exactly
// here with 64-bit integers (see rphiStep, latticeFactor, latticeFraction).
import { RPHI_SIGNIFICAND, SIN_POWER_INTEGRAL } from './constants';

/** Weights below this are raised to it before inverting (as moocore). */
const TINY_WEIGHT: f64 = 1e-20;
const HALF_PI: f64 = 1.5707963267948966;
const TWO_POW_64: f64 = 18446744073709551616.0;
const TOP: u64 = 0x8000000000000000;

/** 2^e for -1022 <= e <= 1023. */
@inline function pow2(e: i32): f64 {
  return reinterpret<f64>(<u64>(1023 + e) << 52);
}

/**
 * b^e for e >= 0 by fixed multiplication chains up to 31 (those of moocore's pow_uint, so each
 * sample's value is bitwise moocore's), square-and-multiply above.
 */
export function powChain(b: f64, e: i32): f64 {
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
      let r: f64 = (e & 1) != 0 ? b : 1, x = b;
      for (let k = e >> 1; k > 0; k >>= 1) {
        x *= x;
        if ((k & 1) != 0) r *= x;
      }
      return r;
    }
  }
}

// ---- 1. Monte Carlo ---------------------------------------------------------------------------

let ra: u32 = 0, rb: u32 = 0, rc: u32 = 0, rd: u32 = 0, rs: u32 = 0;

@inline function splitmix32(): u32 {
  rs += 0x9e3779b9;
  let z = rs;
  z = (z ^ (z >>> 16)) * 0x85ebca6b;
  z = (z ^ (z >>> 13)) * 0xc2b2ae35;
  return z ^ (z >>> 16);
}

/** Seed the generator as `new Rng(seed)` does (seed: the low 32 bits of the integer seed). */
export function rngSeed(seed: u32): void {
  rs = seed ^ 0x9e3779b9;
  ra = splitmix32();
  rb = splitmix32();
  rc = splitmix32();
  rd = splitmix32();
  if ((ra | rb | rc | rd) == 0) ra = 1;
}

@inline function rngU32(): u32 {
  const r = rotl<u32>(rb * 5, 7) * 9;
  const t = rb << 9;
  rc ^= ra;
  rd ^= rb;
  rb ^= rc;
  ra ^= rd;
  rc ^= t;
  rd = rotl<u32>(rd, 11);
  return r;
}

/** Uniform in [0, 1) with 53 bits (Rng.random()). */
@inline function rngRandom(): f64 {
  const hi = rngU32() >>> 5;
  const lo = rngU32() >>> 6;
  return (<f64>hi * 67108864.0 + <f64>lo) / 9007199254740992.0;
}

/** Standard normal by Box-Muller (Rng.normal()). */
@inline function rngNormal(): f64 {
  let u: f64 = 0;
  while (u == 0) u = rngRandom();
  const radius = Math.sqrt(-2 * Math.log(u));
  return radius * Math.cos(2 * Math.PI * rngRandom());
}

/** Next Monte Carlo direction into w (f64[d]), as inverse weights. */
export function monteCarloDirection(w: usize, d: i32): void {
  for (let j = 0; j < d; j++) store<f64>(w + (<usize>j << 3), rngNormal());
  let norm: f64 = 0;
  for (let j = 0; j < d; j++) {
    const p = w + (<usize>j << 3);
    const v = Math.max(Math.abs(load<f64>(p)), TINY_WEIGHT);
    store<f64>(p, v);
    norm += v * v;
  }
  norm = Math.sqrt(norm);
  for (let j = 0; j < d; j++) {
    const p = w + (<usize>j << 3);
    store<f64>(p, norm / load<f64>(p));
  }
}

// ---- 2. Hua-Wang ------------------------------------------------------------------------------

/** Slots of the closed-form coefficients per angle (m <= 29 needs at most 15). */
const CLOSED_SLOTS: i32 = 16;
/** Terms of the power series of F_m (used for b < SERIES_LIMIT). */
const SERIES_TERMS: i32 = 40;
const SERIES_LIMIT: f64 = 1;
/** f64 slots per angle in the Hua-Wang coefficient table: closed form, then series. */
export const HW_COEF_STRIDE: i32 = CLOSED_SLOTS + SERIES_TERMS;

/** Smallest prime p with (p - 1) / 2 >= s. */
function latticePrime(s: i32): i32 {
  let p = 2 * s + 1;
  for (;;) {
    let prime = p > 1;
    for (let q = 2; q * q <= p; q++) if (p % q == 0) prime = false;
    if (prime) break;
    p++;
  }
  return p;
}

/**
 * Set up the Hua-Wang lattice for s = d - 1 angles and N points: a (u32[s]) = the generator
 * a_0 = 1, a_k = round(N frac|2 cos(2 pi k / p)|); coef (f64[s * HW_COEF_STRIDE]) = for angle k
 * (exponent m = d - 2 - k) the coefficients of int_0^b sin^m (see sinPowerIntegral); coef needs
 * HW_COEF_STRIDE slots of slack after the s angles.
 */
export function huaWangSetup(d: i32, n: i32, a: usize, coef: usize): void {
  const s = d - 1;
  const p = latticePrime(s);
  store<u32>(a, 1);
  for (let k = 1; k < s; k++) {
    const c = Math.abs(2 * Math.cos((2 * Math.PI * <f64>k) / <f64>p));
    store<u32>(a + (<usize>k << 2), <u32>Math.round(<f64>n * (c - Math.trunc(c))));
  }
  for (let k = 0; k < s; k++) {
    const m = d - 2 - k;
    const c = coef + (<usize>(k * HW_COEF_STRIDE) << 3);
    if (m == 0) continue;
    if ((m & 1) == 1) {
      // F = I_m - cos b * sum_j (-1)^j C(h, j) cos^(2j) b / (2j + 1),  m = 2h + 1
      const h = (m - 1) >> 1;
      let binom: f64 = 1;
      for (let j = 0; j <= h; j++) {
        store<f64>(c + (<usize>j << 3), ((j & 1) != 0 ? -binom : binom) / <f64>(2 * j + 1));
        binom = (binom * <f64>(h - j)) / <f64>(j + 1);
      }
    } else {
      // F = lead b - cos b sin b * sum_{i=1..h} beta_i sin^(2i-2) b,  m = 2h,
      // beta_i = prod_{l=i+1..h} (2l-1)/(2l) / (2i), lead = prod_{l=1..h} (2l-1)/(2l) (slot h)
      const h = m >> 1;
      for (let i = 1; i <= h; i++) {
        let beta: f64 = 1 / <f64>(2 * i);
        for (let l = i + 1; l <= h; l++) beta *= <f64>(2 * l - 1) / <f64>(2 * l);
        store<f64>(c + (<usize>(i - 1) << 3), beta);
      }
      let lead: f64 = 1;
      for (let l = 1; l <= h; l++) lead *= <f64>(2 * l - 1) / <f64>(2 * l);
      store<f64>(c + (<usize>h << 3), lead);
    }
    // Series: (sin x / x)^m = sum_k g_k x^(2k) by Miller's recurrence for powers of a series,
    // g_k = (1/k) sum_{j=1..k} (j (m+1) - k) f_j g_(k-j), f_j = (-1)^j / (2j+1)!; stored as
    // g_k / (m + 1 + 2k), the coefficients of F_m(b) / b^(m+1) in b^2. g_k goes in the slot
    // first (the recurrence reads earlier g), the division after.
    const g = c + (<usize>CLOSED_SLOTS << 3);
    const f = g + (<usize>SERIES_TERMS << 3); // scratch: the next angle's slots (or the tail slack)
    let fact: f64 = 1;
    for (let j = 0; j < SERIES_TERMS; j++) {
      store<f64>(f + (<usize>j << 3), ((j & 1) != 0 ? -1 : 1) / fact);
      fact *= <f64>((2 * j + 2) * (2 * j + 3));
    }
    store<f64>(g, 1);
    for (let k = 1; k < SERIES_TERMS; k++) {
      let sum: f64 = 0;
      for (let j = 1; j <= k; j++) {
        sum += <f64>(j * (m + 1) - k) * load<f64>(f + (<usize>j << 3)) * load<f64>(g + (<usize>(k - j) << 3));
      }
      store<f64>(g + (<usize>k << 3), sum / <f64>k);
    }
    for (let k = 0; k < SERIES_TERMS; k++) {
      const p = g + (<usize>k << 3);
      store<f64>(p, load<f64>(p) / <f64>(m + 1 + 2 * k));
    }
  }
}

/**
 * F_m(b) = int_0^b sin^m x dx (m >= 1) from the coefficients at c: the power series below
 * SERIES_LIMIT (the closed forms, moocore's, lose all accuracy for small b), the closed form above.
 */
function sinPowerIntegral(m: i32, b: f64, c: usize): f64 {
  if (b < SERIES_LIMIT) {
    const y = b * b, g = c + (<usize>CLOSED_SLOTS << 3);
    let sum: f64 = 0;
    for (let k = SERIES_TERMS - 1; k >= 0; k--) sum = sum * y + load<f64>(g + (<usize>k << 3));
    return sum * powChain(b, m + 1);
  }
  const cb = Math.cos(b);
  if ((m & 1) == 1) {
    const y = cb * cb;
    let poly: f64 = 0;
    for (let j = (m - 1) >> 1; j >= 0; j--) poly = poly * y + load<f64>(c + (<usize>j << 3));
    return load<f64>(SIN_POWER_INTEGRAL + (<usize>m << 3)) - cb * poly;
  }
  const h = m >> 1;
  const sb = Math.sin(b), y = sb * sb;
  let poly: f64 = 0;
  for (let i = h - 1; i >= 0; i--) poly = poly * y + load<f64>(c + (<usize>i << 3));
  return load<f64>(c + (<usize>h << 3)) * b - cb * sb * poly;
}

/** The angle x with F_m(x) = t: Newton's method from pi/2 until |F - t| <= 1e-15 (as moocore). */
function inverseSinPowerIntegral(m: i32, t: f64, c: usize): f64 {
  if (m == 0) return t;
  let x = HALF_PI;
  let f = load<f64>(SIN_POWER_INTEGRAL + (<usize>m << 3)) - t;
  for (let it = 0; it < 100 && Math.abs(f) > 1e-15; it++) {
    x -= f / powChain(Math.sin(x), m);
    f = sinPowerIntegral(m, x, c) - t;
  }
  return x;
}

// i / N as moocore's long double: significand and exponent (value lfM * 2^lfE).
let lfM: u64 = 0;
let lfE: i32 = 0;

/** lfM, lfE = i / N rounded to a 64-bit significand (nearest, ties to even); 0 < i < N < 2^31. */
export function latticeFactor(i: i32, n: i32): void {
  const nn = <u64>n;
  let r = <u64>i << 32;
  const q1 = r / nn;
  r = (r % nn) << 32;
  const q2 = r / nn;
  r = (r % nn) << 32;
  const q3 = r / nn;
  r = r % nn;
  // Q = q1 2^64 + q2 2^32 + q3 = floor(i 2^96 / N), q1 >= 1; sticky r.
  const lo = (q2 << 32) | q3;
  let sh = <i32>(64 - clz<u64>(q1));
  let m = (q1 << <u64>(64 - sh)) | (lo >> <u64>sh);
  const rem = lo & ((<u64>1 << <u64>sh) - 1), half = <u64>1 << <u64>(sh - 1);
  if (rem > half || (rem == half && (r != 0 || (m & 1) != 0))) {
    m += 1;
    if (m == 0) {
      m = TOP;
      sh += 1;
    }
  }
  lfM = m;
  lfE = sh - 96;
}

/**
 * frac(f a) for f = (lfM, lfE): the product rounded to a 64-bit significand, its fractional part
 * (exact), rounded to a double. Where i a / N is an integer the rounded product may fall just
 * below it, giving a fraction near 1 as in moocore.
 */
export function latticeFraction(a: u32): f64 {
  if (a == 0) return 0;
  const aa = <u64>a;
  const pl = (lfM & 0xffffffff) * aa;
  const ph = (lfM >> 32) * aa;
  const lo = pl + (ph << 32);
  const hi = (ph >> 32) + (lo < pl ? 1 : 0);
  let v: u64;
  let e = lfE;
  if (hi == 0) {
    v = lo;
  } else {
    let sh = <i32>(64 - clz<u64>(hi));
    v = (hi << <u64>(64 - sh)) | (lo >> <u64>sh);
    const rem = lo & ((<u64>1 << <u64>sh) - 1), half = <u64>1 << <u64>(sh - 1);
    if (rem > half || (rem == half && (v & 1) != 0)) {
      v += 1;
      if (v == 0) {
        v = TOP;
        sh += 1;
      }
    }
    e += sh;
  }
  if (e >= 0) return 0;
  if (e <= -64) return <f64>v * pow2(e);
  return <f64>(v & ((<u64>1 << <u64>(-e)) - 1)) * pow2(e);
}

/**
 * Hua-Wang direction i (1-based, i <= N) into w: angle k solves F_m(theta) = u_k I_m with
 * u = frac(i a / N) (all 0 for i = N), then w_{d-1} = cos t_0, w_j = cos t_{d-1-j} prod_{l <
 * d-1-j} sin t_l, w_0 = prod_l sin t_l, inverted. sc: scratch f64[2 (d - 1)].
 */
export function huaWangDirection(i: i32, n: i32, d: i32, a: usize, coef: usize, sc: usize, w: usize): void {
  const s = d - 1;
  const sinT = sc, cosT = sc + (<usize>s << 3);
  if (i < n) latticeFactor(i, n);
  for (let k = 0; k < s; k++) {
    const u = i < n ? latticeFraction(load<u32>(a + (<usize>k << 2))) : 0;
    const m = d - 2 - k;
    const t = inverseSinPowerIntegral(m, u * load<f64>(SIN_POWER_INTEGRAL + (<usize>m << 3)), coef + (<usize>(k * HW_COEF_STRIDE) << 3));
    store<f64>(sinT + (<usize>k << 3), Math.sin(t));
    store<f64>(cosT + (<usize>k << 3), Math.cos(t));
  }
  store<f64>(w + (<usize>(d - 2) << 3), load<f64>(sinT));
  for (let j = d - 2; j > 0; j--) {
    store<f64>(w + (<usize>(j - 1) << 3), load<f64>(sinT + (<usize>(d - 1 - j) << 3)) * load<f64>(w + (<usize>j << 3)));
  }
  for (let j = 1; j < d - 1; j++) {
    const p = w + (<usize>j << 3);
    store<f64>(p, load<f64>(p) * load<f64>(cosT + (<usize>(d - 1 - j) << 3)));
  }
  store<f64>(w + (<usize>(d - 1) << 3), load<f64>(cosT));
  for (let j = 0; j < d; j++) {
    const p = w + (<usize>j << 3);
    const x = load<f64>(p);
    store<f64>(p, Math.abs(x) <= TINY_WEIGHT ? 1 / TINY_WEIGHT : 1 / x);
  }
}

// ---- 3. Rphi-FWE+ -----------------------------------------------------------------------------

/**
 * alpha (u64[s]): significands of alpha_k = (1/phi_s)^(k+1), each product rounded to 64 bits as
 * x87 long double multiplication does (all lie in [1/2, 1): value alpha_k / 2^64).
 */
export function rphiSetup(s: i32, alpha: usize): void {
  const r = load<u64>(RPHI_SIGNIFICAND + (<usize>(s - 1) << 3));
  let x = r;
  store<u64>(alpha, x);
  const r0 = r & 0xffffffff, r1 = r >> 32;
  for (let k = 1; k < s; k++) {
    // 128-bit product x * r by 32-bit limbs
    const x0 = x & 0xffffffff, x1 = x >> 32;
    const p00 = x0 * r0, p01 = x0 * r1, p10 = x1 * r0, p11 = x1 * r1;
    const mid = (p00 >> 32) + (p01 & 0xffffffff) + (p10 & 0xffffffff);
    const lo = (p00 & 0xffffffff) | (mid << 32);
    let hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
    if (lo > TOP || (lo == TOP && (hi & 1) != 0)) hi += 1;
    x = hi;
    store<u64>(alpha + (<usize>k << 3), x);
  }
}

/**
 * u <- (double) frac(u + alpha) with the sum rounded to a 64-bit significand (ties to even), as
 * moocore's `fractl(u + alpha)` with u a double and alpha = A / 2^64 a long double.
 */
@inline function rphiStep(u: f64, A: u64): f64 {
  const s = u * TWO_POW_64;
  let t: u64;
  let part: f64 = 0;
  if (s >= TWO_POW_64) { // u rounded up to 1.0: the sum is 1 + alpha
    t = A;
  } else {
    const whole = Math.floor(s);
    part = s - whole;
    t = A + <u64>whole;
    if (t >= A) { // no carry: sum in [1/2, 1), unit 2^-64
      if (part > 0.5 || (part == 0.5 && (t & 1) != 0)) {
        t += 1;
        if (t == 0) return 0;
      }
      return <f64>t * 5.421010862427522e-20;
    }
  }
  // sum in [1, 2), unit 2^-63; t holds the sum - 1 in units of 2^-64
  let r = t >> 1;
  if ((t & 1) != 0 && (part > 0 || (r & 1) != 0)) r += 1;
  if (r >= TOP) return 0;
  return <f64>r * 1.0842021724855044e-19;
}

/**
 * Next Rphi-FWE+ direction into w: u (f64[d-1], starts at 0.5) advances by alpha, then the
 * Fang-Wang mapping onto S+, inverted.
 */
export function rphiDirection(u: usize, alpha: usize, d: i32, w: usize): void {
  const s = d - 1;
  for (let k = 0; k < s; k++) {
    const p = u + (<usize>k << 3);
    store<f64>(p, rphiStep(load<f64>(p), load<u64>(alpha + (<usize>k << 3))));
  }
  let product: f64 = 1;
  const pairs = (d >> 1) - 1;
  for (let i = 0; i < pairs; i++) {
    const l = d - 2 * i - 2;
    const t = Math.pow(load<f64>(u + (<usize>(l - 1) << 3)), 1 / <f64>l);
    const dl = Math.sqrt(1 - t * t) * product;
    product *= t;
    const angle = HALF_PI * load<f64>(u + (<usize>l << 3));
    store<f64>(w + (<usize>(2 * i) << 3), dl * Math.sin(angle));
    store<f64>(w + (<usize>(2 * i + 1) << 3), dl * Math.cos(angle));
  }
  let angle: f64;
  const u0 = load<f64>(u);
  if ((d & 1) == 0) {
    angle = HALF_PI * u0;
  } else {
    store<f64>(w + (<usize>(d - 3) << 3), product * u0);
    product *= Math.sqrt(1 - u0 * u0);
    angle = HALF_PI * load<f64>(u, 8);
  }
  store<f64>(w + (<usize>(d - 2) << 3), product * Math.sin(angle));
  store<f64>(w + (<usize>(d - 1) << 3), product * Math.cos(angle));
  for (let j = 0; j < d; j++) {
    const p = w + (<usize>j << 3);
    store<f64>(p, 1 / load<f64>(p));
  }
}

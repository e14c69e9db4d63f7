// Approximate hypervolume (Deng and Zhang 2019): with q = ref - p for the points p that strictly
// dominate ref and theta uniform on the positive part S+ of the unit sphere,
//   HV = c_d E_theta[ max_p min_j (q_j / theta_j)^d ],   c_d = pi^(d/2) / (Gamma(d/2 + 1) 2^d),
// estimated by the mean over N directions (directions.ts). Per direction the work is the max
// over points of the min over objectives of q_j w_j (w = 1 / theta): that loop runs on points
// stored column by column, 8 points (4 f64x2) at a time.
import { HVAPPROX_MAX_DIM, ORTHANT_BALL_VOLUME } from './constants';
import {
  HW_COEF_STRIDE, huaWangDirection, huaWangSetup, monteCarloDirection, powChain, rngSeed, rphiDirection,
  rphiSetup,
} from './directions';

/** max over points of min_j q_j w_j: cols holds q by objective (f64[d][np], np % 8 == 0). */
function maxMin(cols: usize, np: i32, d: i32, w: usize): f64 {
  const stride = <usize>np << 3;
  let b0 = f64x2.splat(0), b1 = f64x2.splat(0), b2 = f64x2.splat(0), b3 = f64x2.splat(0);
  const w0 = v128.load64_splat(w);
  for (let i = 0; i < np; i += 8) {
    let p = cols + (<usize>i << 3);
    let m0 = f64x2.mul(v128.load(p), w0);
    let m1 = f64x2.mul(v128.load(p, 16), w0);
    let m2 = f64x2.mul(v128.load(p, 32), w0);
    let m3 = f64x2.mul(v128.load(p, 48), w0);
    for (let k = 1; k < d; k++) {
      p += stride;
      const wk = v128.load64_splat(w + (<usize>k << 3));
      // pmin(a, b) = b < a ? b : a: products are never NaN (q > 0 finite, 1 <= w <= inf)
      m0 = f64x2.pmin(m0, f64x2.mul(v128.load(p), wk));
      m1 = f64x2.pmin(m1, f64x2.mul(v128.load(p, 16), wk));
      m2 = f64x2.pmin(m2, f64x2.mul(v128.load(p, 32), wk));
      m3 = f64x2.pmin(m3, f64x2.mul(v128.load(p, 48), wk));
    }
    b0 = f64x2.pmax(b0, m0);
    b1 = f64x2.pmax(b1, m1);
    b2 = f64x2.pmax(b2, m2);
    b3 = f64x2.pmax(b3, m3);
  }
  const b = f64x2.pmax(f64x2.pmax(b0, b1), f64x2.pmax(b2, b3));
  return Math.max(f64x2.extract_lane(b, 0), f64x2.extract_lane(b, 1));
}

/**
 * Approximate hypervolume of n points (row-major f64[n*d], minimised) w.r.t. ref (f64[d]) from
 * nSamples directions of `method` (1 Monte Carlo with `seed`, 2 Hua-Wang, 3 Rphi-FWE+). Writes
 * out[0] = standard error of the estimate (method 1: NaN for nSamples = 1, 0 when no point
 * dominates ref; other methods: NaN) and out[1] = the
 * number of points that strictly dominate ref. Returns the estimate (0 when no point dominates
 * ref; NaN for d outside [2, 31], nSamples < 1 or an unknown method).
 */
export function hvApprox(pts: usize, n: i32, d: i32, ref: usize, nSamples: i32, method: i32, seed: u32, out: usize): f64 {
  store<f64>(out, NaN);
  store<f64>(out, 0, 8);
  if (d < 2 || d > HVAPPROX_MAX_DIM || nSamples < 1 || method < 1 || method > 3) return NaN;
  const du = <usize>d;
  // Points that strictly dominate ref, as q = ref - p.
  let kept = 0;
  for (let i = 0; i < n; i++) {
    const p = pts + ((<usize>i * du) << 3);
    let k = 0;
    for (; k < d; k++) if (!(load<f64>(ref + (<usize>k << 3)) - load<f64>(p + (<usize>k << 3)) > 0)) break;
    if (k == d) kept++;
  }
  store<f64>(out, <f64>kept, 8);
  if (kept == 0) {
    if (method == 1) store<f64>(out, 0);
    return 0;
  }
  // Column layout padded to a multiple of 8 points with copies of the first kept point.
  const np = (kept + 7) & ~7;
  const cols = heap.alloc((<usize>np * du) << 3);
  let c = 0;
  for (let i = 0; i < n; i++) {
    const p = pts + ((<usize>i * du) << 3);
    let k = 0;
    for (; k < d; k++) if (!(load<f64>(ref + (<usize>k << 3)) - load<f64>(p + (<usize>k << 3)) > 0)) break;
    if (k < d) continue;
    for (k = 0; k < d; k++) {
      store<f64>(cols + ((<usize>k * <usize>np + <usize>c) << 3), load<f64>(ref + (<usize>k << 3)) - load<f64>(p + (<usize>k << 3)));
    }
    c++;
  }
  for (let k = 0; k < d; k++) {
    const col = cols + ((<usize>k * <usize>np) << 3);
    const first = load<f64>(col);
    for (let i = kept; i < np; i++) store<f64>(col + (<usize>i << 3), first);
  }

  const s = d - 1;
  const w = heap.alloc(du << 3);
  let sum: f64 = 0, mean: f64 = 0, m2: f64 = 0;
  if (method == 1) {
    rngSeed(seed);
    for (let i = 0; i < nSamples; i++) {
      monteCarloDirection(w, d);
      const v = powChain(maxMin(cols, np, d, w), d);
      sum += v;
      const delta = v - mean;
      mean += delta / <f64>(i + 1);
      m2 += delta * (v - mean);
    }
  } else if (method == 2) {
    const a = heap.alloc(<usize>s << 2);
    const coef = heap.alloc(<usize>(s * HW_COEF_STRIDE + HW_COEF_STRIDE) << 3); // + slack: setup scratch
    const sc = heap.alloc(<usize>(2 * s) << 3);
    huaWangSetup(d, nSamples, a, coef);
    for (let i = 1; i <= nSamples; i++) {
      huaWangDirection(i, nSamples, d, a, coef, sc, w);
      sum += powChain(maxMin(cols, np, d, w), d);
    }
    heap.free(sc);
    heap.free(coef);
    heap.free(a);
  } else {
    const alpha = heap.alloc(<usize>s << 3);
    const u = heap.alloc(<usize>s << 3);
    rphiSetup(s, alpha);
    for (let k = 0; k < s; k++) store<f64>(u + (<usize>k << 3), 0.5);
    for (let i = 0; i < nSamples; i++) {
      rphiDirection(u, alpha, d, w);
      sum += powChain(maxMin(cols, np, d, w), d);
    }
    heap.free(u);
    heap.free(alpha);
  }
  heap.free(w);
  heap.free(cols);
  const cd = load<f64>(ORTHANT_BALL_VOLUME + (du << 3));
  if (method == 1 && nSamples >= 2) store<f64>(out, cd * Math.sqrt(m2 / <f64>(nSamples - 1) / <f64>nSamples));
  return cd * (sum / <f64>nSamples);
}

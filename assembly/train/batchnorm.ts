// BatchNorm2d over NCHW f32 activations, PyTorch semantics (twin: src/train/reference/batchnorm.ts,
// GPU: shaders/batchnorm.wgsl): training normalises with the batch mean and biased variance and
// moves the running estimates towards the mean and the unbiased variance; evaluation uses the
// running estimates.
//
// Statistics: per channel the corrected two-pass scheme (Chan, Golub & LeVeque 1983): the mean
// μ' from an f64 sum, rounded to f32, then Σ(x − μ')² and Σ(x − μ') in f32 SIMD lanes flushed to
// f64 every 64 values; M2 = Σ(x − μ')² − (Σ(x − μ'))²/M removes the error of μ'. No E[x²] − E[x]²
// cancellation; the WGSL kernel gets the same from per-chunk two-pass partials merged with Chan's
// pairwise update. Per-channel coefficients are computed in f64 and rounded once to f32.
import { madd } from './simd';
import { lanesSum, sumF32, widen } from './global-avg-pool';

const BLOCK = 64;

// Second result of the paired reductions below (a global: kernels allocate nothing).
let second: f64 = 0;

/** Σ(x − μ)² over len values at p; Σ(x − μ) goes to `second`. */
function devSums(p: usize, len: i32, mu: f32): f64 {
  const muv = f32x4.splat(mu);
  const vend = len & ~3;
  let sq = f64x2.splat(0), sd = f64x2.splat(0);
  let i = 0;
  while (i < vend) {
    const end = min(i + BLOCK, vend);
    let a = f32x4.splat(0), b = f32x4.splat(0);
    for (; i < end; i += 4) {
      const d = f32x4.sub(v128.load(p + (<usize>i << 2)), muv);
      a = f32x4.add(a, d);
      b = madd(d, d, b);
    }
    sd = f64x2.add(sd, widen(a));
    sq = f64x2.add(sq, widen(b));
  }
  let s = lanesSum(sd), q = lanesSum(sq);
  for (; i < len; i++) {
    const d = <f64>(load<f32>(p + (<usize>i << 2)) - mu);
    s += d;
    q += d * d;
  }
  second = s;
  return q;
}

/** Σdy·(x − μ) over len values; Σdy goes to `second`. */
function gradSums(x: usize, dy: usize, len: i32, mu: f32): f64 {
  const muv = f32x4.splat(mu);
  const vend = len & ~3;
  let sg = f64x2.splat(0), sb = f64x2.splat(0);
  let i = 0;
  while (i < vend) {
    const end = min(i + BLOCK, vend);
    let a = f32x4.splat(0), b = f32x4.splat(0);
    for (; i < end; i += 4) {
      const o = <usize>i << 2;
      const g = v128.load(dy + o);
      a = f32x4.add(a, g);
      b = madd(g, f32x4.sub(v128.load(x + o), muv), b);
    }
    sb = f64x2.add(sb, widen(a));
    sg = f64x2.add(sg, widen(b));
  }
  let s = lanesSum(sb), q = lanesSum(sg);
  for (; i < len; i++) {
    const o = <usize>i << 2;
    const g = <f64>load<f32>(dy + o);
    s += g;
    q += g * <f64>(load<f32>(x + o) - mu);
  }
  second = s;
  return q;
}

/** y = (x − μ)·k + β over one plane (x == y allowed). */
// @ts-ignore: decorator
@inline
function applyPlane(x: usize, y: usize, len: i32, mu: f32, k: f32, b: f32): void {
  const muv = f32x4.splat(mu), kv = f32x4.splat(k), bv = f32x4.splat(b);
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const o = <usize>i << 2;
    v128.store(y + o, madd(f32x4.sub(v128.load(x + o), muv), kv, bv));
  }
  for (; i < len; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, (load<f32>(x + o) - mu) * k + b);
  }
}

// @ts-ignore: decorator
@inline
function at(p: usize, i: i32): f32 {
  return load<f32>(p + (<usize>i << 2));
}

// @ts-ignore: decorator
@inline
function put(p: usize, i: i32, v: f32): void {
  store<f32>(p + (<usize>i << 2), v);
}

/**
 * Training forward on x [n, c, hw] (x == y allowed): batch statistics per channel, saveMean and
 * saveInvstd = 1/√(biased var + eps) for the backward, and the running estimates updated in place:
 * r ← (1 − momentum)·r + momentum·b with the batch mean, and the unbiased variance (M − 1 divisor,
 * M = n·hw; the biased one when M = 1).
 */
export function batchnormForwardTrain(
  x: usize, y: usize, gamma: usize, beta: usize, runMean: usize, runVar: usize, saveMean: usize, saveInvstd: usize,
  n: i32, c: i32, hw: i32, momentum: f64, eps: f64,
): void {
  const m = <f64>n * <f64>hw;
  const plane = <usize>hw << 2;
  const stride = <usize>c * plane;
  for (let ch = 0; ch < c; ch++) {
    const off = <usize>ch * plane;
    let s: f64 = 0;
    for (let k = 0; k < n; k++) s += sumF32(x + off + <usize>k * stride, hw);
    const mu = <f32>(s / m);
    let q: f64 = 0, d: f64 = 0;
    for (let k = 0; k < n; k++) {
      q += devSums(x + off + <usize>k * stride, hw, mu);
      d += second;
    }
    const mean = <f64>mu + d / m;
    const m2 = max(q - (d * d) / m, 0.0);
    const invstd = 1.0 / Math.sqrt(m2 / m + eps);
    const unbiased = m > 1 ? m2 / (m - 1) : m2 / m;
    put(saveMean, ch, <f32>mean);
    put(saveInvstd, ch, <f32>invstd);
    put(runMean, ch, <f32>((1 - momentum) * <f64>at(runMean, ch) + momentum * mean));
    put(runVar, ch, <f32>((1 - momentum) * <f64>at(runVar, ch) + momentum * unbiased));
    // normalise while the channel's planes are still in cache
    const mf = <f32>mean, k = <f32>(<f64>at(gamma, ch) * invstd), b = at(beta, ch);
    for (let j = 0; j < n; j++) applyPlane(x + off + <usize>j * stride, y + off + <usize>j * stride, hw, mf, k, b);
  }
}

/** Evaluation forward: y = (x − runMean)/√(runVar + eps)·γ + β (x == y allowed). */
export function batchnormForwardEval(
  x: usize, y: usize, gamma: usize, beta: usize, runMean: usize, runVar: usize, n: i32, c: i32, hw: i32, eps: f64,
): void {
  const plane = <usize>hw << 2;
  const stride = <usize>c * plane;
  for (let ch = 0; ch < c; ch++) {
    const off = <usize>ch * plane;
    const k = <f32>(<f64>at(gamma, ch) / Math.sqrt(<f64>at(runVar, ch) + eps));
    const mu = at(runMean, ch), b = at(beta, ch);
    for (let j = 0; j < n; j++) applyPlane(x + off + <usize>j * stride, y + off + <usize>j * stride, hw, mu, k, b);
  }
}

/**
 * Training-mode backward with the forward's saveMean/saveInvstd: dβ = Σdy, dγ = Σdy·x̂ (both
 * overwritten) and dx = γ·invstd/M·(M·dy − dβ − x̂·dγ), x̂ = (x − mean)·invstd, M = n·hw, written
 * as a·dy − k·(x − mean) − d (a = γ·invstd, k = a·invstd·dγ/M, d = a·dβ/M) as the WGSL kernel
 * does. dx may alias dy.
 */
export function batchnormBackward(
  x: usize, dy: usize, dx: usize, gamma: usize, saveMean: usize, saveInvstd: usize, dgamma: usize, dbeta: usize,
  n: i32, c: i32, hw: i32,
): void {
  const m = <f64>n * <f64>hw;
  const plane = <usize>hw << 2;
  const stride = <usize>c * plane;
  for (let ch = 0; ch < c; ch++) {
    const off = <usize>ch * plane;
    const mu = at(saveMean, ch), invstd = <f64>at(saveInvstd, ch);
    let sg: f64 = 0, sb: f64 = 0;
    for (let j = 0; j < n; j++) {
      sg += gradSums(x + off + <usize>j * stride, dy + off + <usize>j * stride, hw, mu);
      sb += second;
    }
    const dg = sg * invstd;
    put(dgamma, ch, <f32>dg);
    put(dbeta, ch, <f32>sb);
    const a = <f64>at(gamma, ch) * invstd;
    const af = <f32>a, nk = <f32>(-a * invstd * dg / m), nd = <f32>(-a * sb / m);
    const av = f32x4.splat(af), nkv = f32x4.splat(nk), ndv = f32x4.splat(nd), muv = f32x4.splat(mu);
    for (let j = 0; j < n; j++) {
      const px = x + off + <usize>j * stride, pg = dy + off + <usize>j * stride, pd = dx + off + <usize>j * stride;
      let i = 0;
      for (; i + 4 <= hw; i += 4) {
        const o = <usize>i << 2;
        const t = f32x4.sub(v128.load(px + o), muv);
        v128.store(pd + o, madd(av, v128.load(pg + o), madd(nkv, t, ndv)));
      }
      for (; i < hw; i++) {
        const o = <usize>i << 2;
        store<f32>(pd + o, af * load<f32>(pg + o) + (nk * (load<f32>(px + o) - mu) + nd));
      }
    }
  }
}

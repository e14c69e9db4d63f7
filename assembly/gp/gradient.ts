// Gradients of a fitted GP's posterior w.r.t. the test input (for gradient-based acquisition
// optimisation). With k_j = k(x, x_j), r_j the scaled distance, z = x / ℓ:
//   ∂k_j/∂x_k = −g_j (z_k − z_jk) / ℓ_k,   g_j = s (5/3) (1 + √5 r_j) exp(−√5 r_j)
// (smooth at r = 0: the Matérn-5/2 kernel is twice differentiable), so
//   mean(x) = c + Σ_j α_j k_j                ∂mean/∂x_k = −(1/ℓ_k) Σ_j α_j g_j (z_k − z_jk)
//   var(x)  = s − ‖v‖², v = L⁻¹ k           ∂var/∂x_k  = −2 wᵀ ∂k/∂x_k,  w = L⁻ᵀ v = K⁻¹ k
//                                                       = (2/ℓ_k) Σ_j w_j g_j (z_k − z_jk).
// The variance is that of the latent function; where it is clamped at 0 its gradient is 0.
// Model layout: see predict.ts (M = L⁻¹ lower triangular, row-major).
import { dot, expNonPos1, hsum } from './simd';

const SQRT5: f64 = 2.23606797749978969641;
const FIVE_THIRDS: f64 = 1.66666666666666666667;

/** Scratch bytes of gpPredictGrad for n training points in d dimensions. */
export function gpPredictGradScratchBytes(n: i32, d: i32): usize {
  return (4 * <usize>n + <usize>d) << 3;
}

/**
 * Posterior mean and latent variance at m points xq (f64[m*d], raw inputs) into meanOut,
 * varOut (f64[m]), and their gradients w.r.t. the point into dMeanOut, dVarOut (f64[m*d]).
 * `scratch` has gpPredictGradScratchBytes(n, d) bytes.
 */
export function gpPredictGrad(model: usize, xq: usize, m: i32, meanOut: usize, varOut: usize, dMeanOut: usize, dVarOut: usize, scratch: usize): void {
  const n = <i32>load<f64>(model), d = <i32>load<f64>(model, 8);
  const c = load<f64>(model, 16), s = load<f64>(model, 24);
  const invls = model + 64;
  const zt = invls + (<usize>d << 3);
  const alpha = zt + ((<usize>d * <usize>n) << 3);
  const M = alpha + (<usize>n << 3);
  const rs = <usize>n << 3;
  const kv = scratch;
  const gv = kv + rs;
  const vv = gv + rs;
  const wv = vv + rs;
  const zq = wv + rs;
  for (let p = 0; p < m; p++) {
    const xrow = xq + ((<usize>p * <usize>d) << 3);
    for (let k = 0; k < d; k++) store<f64>(zq + (<usize>k << 3), load<f64>(xrow + (<usize>k << 3)) * load<f64>(invls + (<usize>k << 3)));
    // squared scaled distances into kv (coordinate-major, contiguous), then kernel values
    // and derivative factors
    memory.fill(kv, 0, rs);
    for (let k = 0; k < d; k++) {
      const row = zt + ((<usize>k * <usize>n) << 3);
      const zk = load<f64>(zq + (<usize>k << 3));
      const zs = f64x2.splat(zk);
      let j = 0;
      for (; j + 2 <= n; j += 2) {
        const o = <usize>j << 3;
        const t = f64x2.sub(zs, v128.load(row + o));
        v128.store(kv + o, f64x2.add(v128.load(kv + o), f64x2.mul(t, t)));
      }
      if (j < n) {
        const o = <usize>j << 3;
        const t = zk - load<f64>(row + o);
        store<f64>(kv + o, load<f64>(kv + o) + t * t);
      }
    }
    for (let j = 0; j < n; j++) {
      const o = <usize>j << 3;
      const r2 = load<f64>(kv + o);
      const r = Math.sqrt(r2);
      const e = expNonPos1(-SQRT5 * r);
      store<f64>(kv + o, s * (1 + SQRT5 * r + FIVE_THIRDS * r2) * e);
      store<f64>(gv + o, s * FIVE_THIRDS * (1 + SQRT5 * r) * e);
    }
    store<f64>(meanOut + (<usize>p << 3), c + dot(kv, alpha, n));
    // v = M k (M lower triangular), var = s − ‖v‖²; w = Mᵀ v
    let q = 0.0;
    for (let i = 0; i < n; i++) {
      const t = dot(M + <usize>i * rs, kv, i + 1);
      store<f64>(vv + (<usize>i << 3), t);
      q += t * t;
    }
    let variance = s - q;
    const clamped = !(variance > 0);
    if (clamped) variance = 0;
    store<f64>(varOut + (<usize>p << 3), variance);
    memory.fill(wv, 0, rs);
    if (!clamped) {
      // w[0..i] += v_i · M[i][0..i], two lanes at a time
      for (let i = 0; i < n; i++) {
        const vi = load<f64>(vv + (<usize>i << 3));
        const vs = f64x2.splat(vi);
        const mrow = M + <usize>i * rs;
        let j = 0;
        for (; j + 2 <= i + 1; j += 2) {
          const o = <usize>j << 3;
          v128.store(wv + o, f64x2.add(v128.load(wv + o), f64x2.mul(vs, v128.load(mrow + o))));
        }
        if (j <= i) {
          const o = <usize>j << 3;
          store<f64>(wv + o, load<f64>(wv + o) + vi * load<f64>(mrow + o));
        }
      }
    }
    // a_j = α_j g_j and b_j = w_j g_j, in place
    for (let j = 0; j < n; j++) {
      const o = <usize>j << 3;
      const g = load<f64>(gv + o);
      store<f64>(kv + o, load<f64>(alpha + o) * g);
      store<f64>(wv + o, load<f64>(wv + o) * g);
    }
    const dm = dMeanOut + ((<usize>p * <usize>d) << 3);
    const dv = dVarOut + ((<usize>p * <usize>d) << 3);
    for (let k = 0; k < d; k++) {
      const zk = load<f64>(zq + (<usize>k << 3));
      const row = zt + ((<usize>k * <usize>n) << 3);
      const zs = f64x2.splat(zk);
      let va = f64x2.splat(0), vb = f64x2.splat(0);
      let j = 0;
      for (; j + 2 <= n; j += 2) {
        const o = <usize>j << 3;
        const diff = f64x2.sub(zs, v128.load(row + o));
        va = f64x2.add(va, f64x2.mul(v128.load(kv + o), diff));
        vb = f64x2.add(vb, f64x2.mul(v128.load(wv + o), diff));
      }
      let sa = hsum(va), sb = hsum(vb);
      if (j < n) {
        const o = <usize>j << 3;
        const diff = zk - load<f64>(row + o);
        sa += load<f64>(kv + o) * diff;
        sb += load<f64>(wv + o) * diff;
      }
      const il = load<f64>(invls + (<usize>k << 3));
      store<f64>(dm + (<usize>k << 3), -il * sa);
      store<f64>(dv + (<usize>k << 3), clamped ? 0.0 : 2 * il * sb);
    }
  }
}

// Adam, torch.optim.Adam's default single-tensor update without weight decay or amsgrad (twin:
// src/train/reference/adam.ts, GPU: shaders/adam.wgsl), over a flat range of parameters:
//   m ← m + (1 − β1)·(g − m)     (PyTorch: exp_avg.lerp_(grad, 1 − β1))
//   v ← β2·v + (1 − β2)·g²
//   p ← p − (lr / bc1)·(m / (√v / √bc2 + eps)),   bc_i = 1 − β_i^t
// The step constants are formed in f64 from the step count (no cancellation in 1 − β^t for the
// t of a training run) and rounded once to f32; the WGSL kernel needs an expm1 series instead.
import { madd } from './simd';

/**
 * One Adam step t (1-based: the number of steps taken including this one) on len parameters p
 * with gradients g and state m, v (zero before step 1), all updated in place.
 */
export function adamStep(p: usize, g: usize, m: usize, v: usize, len: i32, lr: f64, beta1: f64, beta2: f64, eps: f64, t: i32): void {
  adamStepScaled(p, g, m, v, len, lr, beta1, beta2, eps, t, 1.0);
}

/** adamStep on the gradient g·gradScale (the twin's and the WGSL kernel's gradScale option). */
export function adamStepScaled(
  p: usize, g: usize, m: usize, v: usize, len: i32, lr: f64, beta1: f64, beta2: f64, eps: f64, t: i32, gradScale: f64,
): void {
  const bc1 = 1.0 - Math.pow(beta1, <f64>t), bc2 = 1.0 - Math.pow(beta2, <f64>t);
  const step = <f32>(lr / bc1), rs = <f32>(1.0 / Math.sqrt(bc2));
  const c1 = <f32>(1.0 - beta1), b2 = <f32>beta2, c2 = <f32>(1.0 - beta2), e = <f32>eps, gs = <f32>gradScale;
  const stepv = f32x4.splat(step), rsv = f32x4.splat(rs), c1v = f32x4.splat(c1), b2v = f32x4.splat(b2);
  const c2v = f32x4.splat(c2), ev = f32x4.splat(e), gsv = f32x4.splat(gs);
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const o = <usize>i << 2;
    const gi = f32x4.mul(v128.load(g + o), gsv);
    let mi = v128.load(m + o);
    mi = madd(c1v, f32x4.sub(gi, mi), mi);
    const vi = madd(f32x4.mul(c2v, gi), gi, f32x4.mul(b2v, v128.load(v + o)));
    v128.store(m + o, mi);
    v128.store(v + o, vi);
    const den = madd(f32x4.sqrt(vi), rsv, ev);
    v128.store(p + o, f32x4.sub(v128.load(p + o), f32x4.mul(stepv, f32x4.div(mi, den))));
  }
  for (; i < len; i++) {
    const o = <usize>i << 2;
    const gi = load<f32>(g + o) * gs;
    let mi = load<f32>(m + o);
    mi += c1 * (gi - mi);
    const vi = b2 * load<f32>(v + o) + c2 * gi * gi;
    store<f32>(m + o, mi);
    store<f32>(v + o, vi);
    store<f32>(p + o, load<f32>(p + o) - step * (mi / (Mathf.sqrt(vi) * rs + e)));
  }
}

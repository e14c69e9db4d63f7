// A fitted GP as one block of memory owned by the host (a "model"), and batched prediction:
//   mean(x) = c + k(x)ᵀ α,   var(x) = s - ‖L⁻¹ k(x)‖² (+ σ² with observation noise).
// The model keeps M = L⁻¹ (lower triangular, zeros above), so the variance of a block of
// query points is a dense triangular matrix product; query points are processed in blocks
// of PB so that M streams once per block, four rows of M times two points in registers.
// The host uses gpPredict for fewer than 4 points; for more, gpPredictBatch (batch.ts), which
// reads M from its own copy in row panels (the model's extension, written by gpFinalize).
//
// Model layout (f64 units): hdr (8: n, d, c, s, σ², jitter), invls (d), zt (d*n), alpha (n),
// M (n*n), then the extension of the batched path (batch.ts: M again in row panels).
import { batchExtraValues, batchPack } from './batch';
import { invTransposeLower } from './linalg';
import { gpWorkspaceBytes, wsAlpha, wsHdr, wsInvd, wsInvls, wsK, wsU, wsZt } from './lml';
import { kernelRow, scaleTranspose } from './matern';
import { dot, hsum } from './simd';

/** Query points per block. */
const PB: i32 = 64;

export function gpModelBytes(n: i32, d: i32): usize {
  return (8 + <usize>d + <usize>d * <usize>n + <usize>n + <usize>n * <usize>n + batchExtraValues(n, d)) << 3;
}

/** Scratch bytes gpPredict needs for n training points and m queries. */
export function gpPredictScratchBytes(n: i32, d: i32, m: i32): usize {
  return ((<usize>min(PB, max(m, 1)) * <usize>n + <usize>d + 2 * <usize>PB) << 3);
}

/**
 * Build the model from a workspace whose last gpLml (at the model's θ) succeeded.
 * Returns 0, or -1 when it had failed.
 */
export function gpFinalize(n: i32, d: i32, ws: usize, model: usize): i32 {
  const hw = wsHdr(ws, n, d);
  if (load<f64>(hw, 4 << 3) != 1) return -1;
  const U = wsU(ws, n);
  invTransposeLower(wsK(ws, n), n, wsInvd(ws, n, d), U);
  store<f64>(model, <f64>n);
  store<f64>(model, <f64>d, 8);
  store<f64>(model, load<f64>(hw, 3 << 3), 16); // c
  store<f64>(model, load<f64>(hw, 1 << 3), 24); // s
  store<f64>(model, load<f64>(hw, 2 << 3), 32); // noise
  store<f64>(model, load<f64>(hw, 0), 40); // jitter
  const invls = model + 64;
  memory.copy(invls, wsInvls(ws, n, d), <usize>d << 3);
  const zt = invls + (<usize>d << 3);
  memory.copy(zt, wsZt(ws, n), (<usize>d * <usize>n) << 3);
  const alpha = zt + ((<usize>d * <usize>n) << 3);
  memory.copy(alpha, wsAlpha(ws, n, d), <usize>n << 3);
  const M = alpha + (<usize>n << 3);
  const rs = <usize>n << 3;
  for (let i = 0; i < n; i++) {
    const mrow = M + <usize>i * rs;
    for (let j = 0; j <= i; j++) store<f64>(mrow + (<usize>j << 3), load<f64>(U + <usize>j * rs + (<usize>i << 3)));
    if (i + 1 < n) memory.fill(mrow + (<usize>(i + 1) << 3), 0, <usize>(n - i - 1) << 3);
  }
  batchPack(model);
  return 0;
}

/**
 * Predict at m points xq (f64[m*d], raw inputs): mean (f64[m]) and, when varOut != 0, the
 * variance of the latent function (+ σ² when withNoise != 0) into varOut (f64[m]).
 * `scratch` has gpPredictScratchBytes(n, d, m) bytes.
 */
export function gpPredict(model: usize, xq: usize, m: i32, meanOut: usize, varOut: usize, withNoise: i32, scratch: usize): void {
  const n = <i32>load<f64>(model), d = <i32>load<f64>(model, 8);
  const c = load<f64>(model, 16), s = load<f64>(model, 24), noise = load<f64>(model, 32);
  const invls = model + 64;
  const zt = invls + (<usize>d << 3);
  const alpha = zt + ((<usize>d * <usize>n) << 3);
  const M = alpha + (<usize>n << 3);
  const rs = <usize>n << 3;
  const kq = scratch;
  const zq = kq + ((<usize>min(PB, max(m, 1)) * <usize>n) << 3);
  const acc = zq + (<usize>d << 3);
  for (let pb = 0; pb < m; pb += PB) {
    const P = min(PB, m - pb);
    for (let p = 0; p < P; p++) {
      const xrow = xq + ((<usize>(pb + p) * <usize>d) << 3);
      for (let k = 0; k < d; k++) store<f64>(zq + (<usize>k << 3), load<f64>(xrow + (<usize>k << 3)) * load<f64>(invls + (<usize>k << 3)));
      const krow = kq + <usize>p * rs;
      kernelRow(zt, n, d, zq, s, krow);
      store<f64>(meanOut + (<usize>(pb + p) << 3), c + dot(krow, alpha, n));
    }
    if (varOut == 0) continue;
    memory.fill(acc, 0, <usize>P << 3);
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      const m0 = M + <usize>i * rs;
      const m1 = m0 + rs, m2 = m1 + rs, m3 = m2 + rs;
      const len = i + 4;
      let p = 0;
      for (; p + 2 <= P; p += 2) {
        const q0 = kq + <usize>p * rs, q1 = q0 + rs;
        let s00 = f64x2.splat(0), s01 = f64x2.splat(0), s10 = f64x2.splat(0), s11 = f64x2.splat(0);
        let s20 = f64x2.splat(0), s21 = f64x2.splat(0), s30 = f64x2.splat(0), s31 = f64x2.splat(0);
        for (let k = 0; k < len; k += 2) {
          const o = <usize>k << 3;
          const b0 = v128.load(q0 + o), b1 = v128.load(q1 + o);
          let xv = v128.load(m0 + o);
          s00 = f64x2.add(s00, f64x2.mul(xv, b0));
          s01 = f64x2.add(s01, f64x2.mul(xv, b1));
          xv = v128.load(m1 + o);
          s10 = f64x2.add(s10, f64x2.mul(xv, b0));
          s11 = f64x2.add(s11, f64x2.mul(xv, b1));
          xv = v128.load(m2 + o);
          s20 = f64x2.add(s20, f64x2.mul(xv, b0));
          s21 = f64x2.add(s21, f64x2.mul(xv, b1));
          xv = v128.load(m3 + o);
          s30 = f64x2.add(s30, f64x2.mul(xv, b0));
          s31 = f64x2.add(s31, f64x2.mul(xv, b1));
        }
        const t00 = hsum(s00), t10 = hsum(s10), t20 = hsum(s20), t30 = hsum(s30);
        const t01 = hsum(s01), t11 = hsum(s11), t21 = hsum(s21), t31 = hsum(s31);
        const a0 = acc + (<usize>p << 3);
        store<f64>(a0, load<f64>(a0) + (t00 * t00 + t10 * t10 + t20 * t20 + t30 * t30));
        store<f64>(a0, load<f64>(a0, 8) + (t01 * t01 + t11 * t11 + t21 * t21 + t31 * t31), 8);
      }
      if (p < P) {
        const q0 = kq + <usize>p * rs;
        const t0 = dot(m0, q0, len), t1 = dot(m1, q0, len), t2 = dot(m2, q0, len), t3 = dot(m3, q0, len);
        const a0 = acc + (<usize>p << 3);
        store<f64>(a0, load<f64>(a0) + (t0 * t0 + t1 * t1 + t2 * t2 + t3 * t3));
      }
    }
    for (; i < n; i++) {
      const mi = M + <usize>i * rs;
      for (let p = 0; p < P; p++) {
        const t = dot(mi, kq + <usize>p * rs, i + 1);
        const a0 = acc + (<usize>p << 3);
        store<f64>(a0, load<f64>(a0) + t * t);
      }
    }
    for (let p = 0; p < P; p++) {
      let v = s - load<f64>(acc + (<usize>p << 3));
      if (!(v > 0)) v = 0;
      if (withNoise != 0) v += noise;
      store<f64>(varOut + (<usize>(pb + p) << 3), v);
    }
  }
}

/**
 * Kernel matrix out[p][j] = s · Matérn52(x1_p, x2_j) (f64[n1*n2]) for θ (f64[d+3]; only the
 * length scales and output scale are used). Scratch is allocated here.
 */
export function gpKernelMatrix(x1: usize, n1: i32, x2: usize, n2: i32, d: i32, theta: usize, out: usize): void {
  const invls = heap.alloc(<usize>d << 3);
  const zq = heap.alloc(<usize>d << 3);
  const zt = heap.alloc(max<usize>(8, (<usize>d * <usize>n2) << 3));
  for (let k = 0; k < d; k++) store<f64>(invls + (<usize>k << 3), Math.exp(-load<f64>(theta + (<usize>(1 + k) << 3))));
  const s = Math.exp(load<f64>(theta + (<usize>(d + 1) << 3)));
  scaleTranspose(x2, n2, d, invls, zt);
  for (let p = 0; p < n1; p++) {
    for (let k = 0; k < d; k++) store<f64>(zq + (<usize>k << 3), load<f64>(x1 + ((<usize>p * <usize>d + <usize>k) << 3)) * load<f64>(invls + (<usize>k << 3)));
    kernelRow(zt, n2, d, zq, s, out + ((<usize>p * <usize>n2) << 3));
  }
  heap.free(zt);
  heap.free(zq);
  heap.free(invls);
}

// Re-exported for the workspace size query.
export { gpWorkspaceBytes };

// Batched GP prediction for many query points at once (the fast path of predict):
//   mean(x) = c + k(x)ᵀ α,   var(x) = s - ‖M k(x)‖²,   M = L⁻¹ (lower triangular).
// The variance of m points is m·n² flops, a triangular matrix product, so the data are laid out
// for it: M is kept a second time in row panels of R = 4 rows (for every column j, the four
// values M[4t..4t+3][j] side by side, up to the panel's diagonal), and the kernel values of a
// block of queries are built directly in query panels of Q = 4 points (for every training point
// j, the four values k(x_p, x_j) side by side, two f64x2). The micro-kernel keeps a 4 x 4 tile
// of M K*ᵀ in eight f64x2 accumulators: per column j, four splatted values of M and two vectors
// of kernel values (6 loads for 8 multiply-adds), both streams unit stride. The squares of a
// finished tile go straight into the variance sums, so M K*ᵀ is never stored. Blocks of BQ
// queries keep their kernel panels in L2 while M streams by once per block.
//
// Why 4 x 4 and one column per pass: V8 gives wasm 15 vector registers on x64 (xmm15 is its
// scratch) and hoists every load of a loop body to its top; the 8 accumulators, 2 kernel
// vectors, 4 splats and a product fill exactly 15. Larger tiles (4 x 6, 5 x 4) or a loop
// unrolled over two columns spill accumulators to the stack and run 20-40% slower (measured).
// Without fused multiply-add (not in baseline wasm SIMD) the loop is 6 loads, 16 arithmetic and
// ~10 loop-control instructions per 8 multiply-adds: at the core's 6 instructions per cycle that
// is 1.5 f64x2 multiply-adds, 6 flops, per cycle (~21 GFLOP/s at 3.6 GHz, what it reaches).
//
// The kernel panel is built with the queries in the SIMD lanes: squared distances first (the
// scaled query coordinates transposed, d x 4, against splatted training coordinates, three
// training points per pass), then the Matérn transform in place, with the exp polynomial in
// Estrin form and its constants loaded from a table (simd.ts), the mean accumulated on the way.
//
// Model extension (after M, see predict.ts; f64 units): zr (n*d, the scaled training inputs
// row-major), then the row panels of M: panel t (rows 4t..4t+3, rows past n zero) has
// 4 (t + 1) columns of 4 values at offset 16 t (t + 1) / 2; only columns j < min(4t + 4, n) are
// read.
import { expNonPosE } from './simd';

const SQRT5: f64 = 2.23606797749978969641;
const FIVE_THIRDS: f64 = 1.66666666666666666667;

/** Rows of M per panel. */
const R: i32 = 4;
/** Query points per panel (two f64x2). */
const Q: i32 = 4;
/** Query points per block (a multiple of Q): the kernel panels of a block stay in L2 while M streams by. */
const BQ: i32 = 48;

// @ts-ignore: decorator
@inline
function panelCount(n: i32): usize {
  return <usize>((n + R - 1) / R);
}

/** f64 values of the model extension for n points in d dimensions. */
export function batchExtraValues(n: i32, d: i32): usize {
  const T = panelCount(n);
  return <usize>n * <usize>d + (<usize>(R * R) * T * (T + 1)) / 2;
}

/** Offset (bytes) of the extension in a model: after the header, invls, zt, alpha and M (predict.ts). */
// @ts-ignore: decorator
@inline
export function batchExtraOffset(n: i32, d: i32): usize {
  return (8 + <usize>d + <usize>d * <usize>n + <usize>n + <usize>n * <usize>n) << 3;
}

/** Byte offset of the extension in a model (what a copy of the model for gpPredictBatch needs: [0, offset of M) and [this, gpModelBytes)). */
export function gpBatchExtOffset(n: i32, d: i32): usize {
  return batchExtraOffset(n, d);
}

/** Fill the extension of a model whose header, invls, zt and M are set. */
export function batchPack(model: usize): void {
  const n = <i32>load<f64>(model), d = <i32>load<f64>(model, 8);
  const zt = model + 64 + (<usize>d << 3);
  const M = zt + ((<usize>d * <usize>n + <usize>n) << 3);
  const zr = model + batchExtraOffset(n, d);
  for (let j = 0; j < n; j++) {
    for (let k = 0; k < d; k++) {
      store<f64>(zr + ((<usize>j * <usize>d + <usize>k) << 3), load<f64>(zt + ((<usize>k * <usize>n + <usize>j) << 3)));
    }
  }
  const rs = <usize>n << 3;
  let panel = zr + ((<usize>n * <usize>d) << 3);
  const T = <i32>panelCount(n);
  for (let t = 0; t < T; t++) {
    const cols = R * (t + 1);
    for (let r = 0; r < R; r++) {
      const i = R * t + r;
      for (let j = 0; j < cols; j++) {
        const v = i < n && j <= i ? load<f64>(M + <usize>i * rs + (<usize>j << 3)) : 0.0;
        store<f64>(panel + ((<usize>(j * R + r)) << 3), v);
      }
    }
    panel += (<usize>(cols * R)) << 3;
  }
}

/** Scratch bytes of gpPredictBatch for n training points and d dimensions (any m). */
export function gpPredictBatchScratchBytes(n: i32, d: i32): usize {
  // kernel panels of one block, the transposed scaled queries of one panel, the block's mean and
  // variance accumulators
  return ((<usize>BQ * <usize>n + <usize>d * <usize>Q + 2 * <usize>BQ) << 3) + 16;
}

/**
 * Kernel values of the Q queries of one panel (scaled, transposed: zqT, d x Q) against all n
 * training points into `panel` (n x Q), and their mean Σ_j α_j k(x_p, x_j) into meanAcc (f64[Q]).
 * Two passes with short loop bodies, so that out-of-order execution overlaps the long latency
 * chains (d dependent adds, sqrt, the exp polynomial) of successive points: squared distances
 * first, three training points at a time, then the Matérn transform in place.
 */
function buildPanel(zr: usize, n: i32, d: i32, zqT: usize, s: f64, alpha: usize, panel: usize, meanAcc: usize): void {
  const rowBytes = <usize>d << 3;
  let j = 0;
  for (; j + 3 <= n; j += 3) {
    const z0 = zr + <usize>j * rowBytes;
    const z1 = z0 + rowBytes, z2 = z1 + rowBytes;
    let a0 = f64x2.splat(0), a1 = f64x2.splat(0), b0 = f64x2.splat(0), b1 = f64x2.splat(0);
    let e0 = f64x2.splat(0), e1 = f64x2.splat(0);
    let q = zqT;
    for (let k = 0; k < d; k++) {
      const ko = <usize>k << 3;
      const u0 = v128.load(q), u1 = v128.load(q, 16);
      let w = v128.load64_splat(z0 + ko);
      let t = f64x2.sub(u0, w);
      a0 = f64x2.add(a0, f64x2.mul(t, t));
      t = f64x2.sub(u1, w);
      a1 = f64x2.add(a1, f64x2.mul(t, t));
      w = v128.load64_splat(z1 + ko);
      t = f64x2.sub(u0, w);
      b0 = f64x2.add(b0, f64x2.mul(t, t));
      t = f64x2.sub(u1, w);
      b1 = f64x2.add(b1, f64x2.mul(t, t));
      w = v128.load64_splat(z2 + ko);
      t = f64x2.sub(u0, w);
      e0 = f64x2.add(e0, f64x2.mul(t, t));
      t = f64x2.sub(u1, w);
      e1 = f64x2.add(e1, f64x2.mul(t, t));
      q += <usize>Q << 3;
    }
    const o = panel + <usize>j * (<usize>Q << 3);
    v128.store(o, a0);
    v128.store(o, a1, 16);
    v128.store(o, b0, 32);
    v128.store(o, b1, 48);
    v128.store(o, e0, 64);
    v128.store(o, e1, 80);
  }
  for (; j < n; j++) {
    const z0 = zr + <usize>j * rowBytes;
    let a0 = f64x2.splat(0), a1 = f64x2.splat(0);
    let q = zqT;
    for (let k = 0; k < d; k++) {
      const w = v128.load64_splat(z0 + (<usize>k << 3));
      let t = f64x2.sub(v128.load(q), w);
      a0 = f64x2.add(a0, f64x2.mul(t, t));
      t = f64x2.sub(v128.load(q, 16), w);
      a1 = f64x2.add(a1, f64x2.mul(t, t));
      q += <usize>Q << 3;
    }
    const o = panel + <usize>j * (<usize>Q << 3);
    v128.store(o, a0);
    v128.store(o, a1, 16);
  }
  const sv = f64x2.splat(s), r5 = f64x2.splat(SQRT5), c53 = f64x2.splat(FIVE_THIRDS), one = f64x2.splat(1);
  let m0 = f64x2.splat(0), m1 = f64x2.splat(0);
  let o = panel;
  const end = panel + <usize>n * (<usize>Q << 3);
  let ap = alpha;
  while (o < end) {
    const al = v128.load64_splat(ap);
    const k0 = matern(v128.load(o), sv, r5, c53, one), k1 = matern(v128.load(o, 16), sv, r5, c53, one);
    v128.store(o, k0);
    v128.store(o, k1, 16);
    m0 = f64x2.add(m0, f64x2.mul(al, k0));
    m1 = f64x2.add(m1, f64x2.mul(al, k1));
    o += <usize>Q << 3;
    ap += 8;
  }
  v128.store(meanAcc, m0);
  v128.store(meanAcc, m1, 16);
}

/** s (1 + √5 r + 5/3 r²) exp(-√5 r) per lane, from r². */
// @ts-ignore: decorator
@inline
function matern(r2: v128, sv: v128, r5: v128, c53: v128, one: v128): v128 {
  const a = f64x2.mul(r5, f64x2.sqrt(r2));
  const e = expNonPosE(f64x2.neg(a));
  return f64x2.mul(f64x2.mul(sv, f64x2.add(f64x2.add(one, a), f64x2.mul(c53, r2))), e);
}

/**
 * Σ_i (M K*ᵀ)[i][p]² for the np panels of a block (panels: np * n * Q values) into acc
 * (f64[np * Q], overwritten).
 */
function quadBlock(mpanels: usize, n: i32, panels: usize, np: i32, acc: usize): void {
  memory.fill(acc, 0, (<usize>np * <usize>Q) << 3);
  const T = <i32>panelCount(n);
  const pb = (<usize>n * <usize>Q) << 3;
  let mp = mpanels;
  for (let t = 0; t < T; t++) {
    const len = min(R * (t + 1), n);
    for (let u = 0; u < np; u++) {
      let c00 = f64x2.splat(0), c01 = f64x2.splat(0), c10 = f64x2.splat(0), c11 = f64x2.splat(0);
      let c20 = f64x2.splat(0), c21 = f64x2.splat(0), c30 = f64x2.splat(0), c31 = f64x2.splat(0);
      let a = mp;
      let b = panels + <usize>u * pb;
      // one column per pass: 6 loads and 8 multiply-adds; V8 keeps the 8 accumulators, the 2
      // kernel vectors and the 4 splats in 15 registers (an unrolled pass would spill)
      const end = a + ((<usize>len * <usize>R) << 3);
      while (a < end) {
        const b0 = v128.load(b), b1 = v128.load(b, 16);
        let x = v128.load64_splat(a);
        c00 = f64x2.add(c00, f64x2.mul(x, b0));
        c01 = f64x2.add(c01, f64x2.mul(x, b1));
        x = v128.load64_splat(a, 8);
        c10 = f64x2.add(c10, f64x2.mul(x, b0));
        c11 = f64x2.add(c11, f64x2.mul(x, b1));
        x = v128.load64_splat(a, 16);
        c20 = f64x2.add(c20, f64x2.mul(x, b0));
        c21 = f64x2.add(c21, f64x2.mul(x, b1));
        x = v128.load64_splat(a, 24);
        c30 = f64x2.add(c30, f64x2.mul(x, b0));
        c31 = f64x2.add(c31, f64x2.mul(x, b1));
        a += 32;
        b += 32;
      }
      const o = acc + <usize>u * (<usize>Q << 3);
      const s0 = f64x2.add(f64x2.add(f64x2.mul(c00, c00), f64x2.mul(c10, c10)), f64x2.add(f64x2.mul(c20, c20), f64x2.mul(c30, c30)));
      const s1 = f64x2.add(f64x2.add(f64x2.mul(c01, c01), f64x2.mul(c11, c11)), f64x2.add(f64x2.mul(c21, c21), f64x2.mul(c31, c31)));
      v128.store(o, f64x2.add(v128.load(o), s0));
      v128.store(o, f64x2.add(v128.load(o, 16), s1), 16);
    }
    mp += (<usize>(R * (t + 1) * R)) << 3;
  }
}

/**
 * Predict at m points xq (f64[m*d], raw inputs): mean (f64[m]) and, when varOut != 0, the
 * variance of the latent function (+ σ² when withNoise != 0) into varOut (f64[m]). The model
 * needs its extension (gpFinalize writes it); `scratch` has gpPredictBatchScratchBytes(n, d)
 * bytes. Same results as gpPredict up to rounding.
 */
export function gpPredictBatch(model: usize, xq: usize, m: i32, meanOut: usize, varOut: usize, withNoise: i32, scratch: usize): void {
  const n = <i32>load<f64>(model), d = <i32>load<f64>(model, 8);
  const c = load<f64>(model, 16), s = load<f64>(model, 24), noise = load<f64>(model, 32);
  const invls = model + 64;
  const alpha = invls + ((<usize>d + <usize>d * <usize>n) << 3);
  const zr = model + batchExtraOffset(n, d);
  const mpanels = zr + ((<usize>n * <usize>d) << 3);
  const pb = (<usize>n * <usize>Q) << 3;
  const panels = (scratch + 15) & ~(<usize>15);
  const zqT = panels + <usize>(BQ / Q) * pb;
  const meanAcc = zqT + ((<usize>d * <usize>Q) << 3);
  const qAcc = meanAcc + (<usize>BQ << 3);
  for (let p0 = 0; p0 < m; p0 += BQ) {
    const P = min(BQ, m - p0);
    const np = (P + Q - 1) / Q;
    for (let u = 0; u < np; u++) {
      // scaled queries of the panel, transposed; missing ones (past m) repeat the last point
      for (let i = 0; i < Q; i++) {
        const p = min(p0 + u * Q + i, m - 1);
        const xrow = xq + ((<usize>p * <usize>d) << 3);
        for (let k = 0; k < d; k++) {
          const ko = <usize>k << 3;
          store<f64>(zqT + ((<usize>(k * Q + i)) << 3), load<f64>(xrow + ko) * load<f64>(invls + ko));
        }
      }
      buildPanel(zr, n, d, zqT, s, alpha, panels + <usize>u * pb, meanAcc + ((<usize>(u * Q)) << 3));
    }
    for (let p = 0; p < P; p++) store<f64>(meanOut + (<usize>(p0 + p) << 3), c + load<f64>(meanAcc + (<usize>p << 3)));
    if (varOut == 0) continue;
    quadBlock(mpanels, n, panels, np, qAcc);
    for (let p = 0; p < P; p++) {
      let v = s - load<f64>(qAcc + (<usize>p << 3));
      if (!(v > 0)) v = 0;
      if (withNoise != 0) v += noise;
      store<f64>(varOut + (<usize>(p0 + p) << 3), v);
    }
  }
}

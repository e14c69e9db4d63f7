// Global average pooling [N, C, H, W] → [N, C] and its backward (twin:
// src/train/reference/global-avg-pool.ts, GPU: shaders/global-avg-pool.wgsl), and the blocked
// f32 → f64 row sum that the batch-norm and loss kernels share.

// f32 values summed in SIMD lanes (16 per lane) before the partial moves to f64: the f32 error
// stays that of a 16-term sum however long the row, at almost the speed of a plain f32 sum.
const BLOCK = 64;

/** The four f32 lanes of a, summed in f64 (as two f64 lanes). */
// @ts-ignore: decorator
@inline
export function widen(a: v128): v128 {
  return f64x2.add(f64x2.promote_low_f32x4(a), f64x2.promote_low_f32x4(f32x4.shuffle(a, a, 2, 3, 2, 3)));
}

// @ts-ignore: decorator
@inline
export function lanesSum(a: v128): f64 {
  return f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1);
}

/** Σ p[0..len) of f32 values, accumulated in f64 across blocks of BLOCK. */
export function sumF32(p: usize, len: i32): f64 {
  const vend = len & ~3;
  let acc = f64x2.splat(0);
  let i = 0;
  while (i < vend) {
    const end = min(i + BLOCK, vend);
    let a = f32x4.splat(0), b = f32x4.splat(0);
    for (; i + 8 <= end; i += 8) {
      const q = p + (<usize>i << 2);
      a = f32x4.add(a, v128.load(q));
      b = f32x4.add(b, v128.load(q, 16));
    }
    if (i < end) {
      a = f32x4.add(a, v128.load(p + (<usize>i << 2)));
      i += 4;
    }
    acc = f64x2.add(acc, widen(f32x4.add(a, b)));
  }
  let s = lanesSum(acc);
  for (; i < len; i++) s += <f64>load<f32>(p + (<usize>i << 2));
  return s;
}

/** Fill len f32 values at p with v. */
// @ts-ignore: decorator
@inline
export function fillF32(p: usize, len: i32, v: f32): void {
  const s = f32x4.splat(v);
  let i = 0;
  for (; i + 4 <= len; i += 4) v128.store(p + (<usize>i << 2), s);
  for (; i < len; i++) store<f32>(p + (<usize>i << 2), v);
}

/** y[r] = mean of x[r·hw, (r + 1)·hw) for the nc = N·C planes (sum in f64, as the twin). */
export function globalAvgPoolForward(x: usize, y: usize, nc: i32, hw: i32): void {
  const rowBytes = <usize>hw << 2;
  for (let r = 0; r < nc; r++) {
    store<f32>(y + (<usize>r << 2), <f32>(sumF32(x + <usize>r * rowBytes, hw) / <f64>hw));
  }
}

/** dx[r·hw + k] = dy[r] / hw (the f32 division the WGSL kernel does). */
export function globalAvgPoolBackward(dy: usize, dx: usize, nc: i32, hw: i32): void {
  const rowBytes = <usize>hw << 2;
  const len = <f32>hw;
  for (let r = 0; r < nc; r++) fillF32(dx + <usize>r * rowBytes, hw, load<f32>(dy + (<usize>r << 2)) / len);
}

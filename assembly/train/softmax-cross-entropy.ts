// Losses on logits [rows, classes] with their gradients, each returning the mean loss (twins:
// src/train/reference/softmax-cross-entropy.ts, GPU: shaders/softmax-cross-entropy.wgsl with
// its default loss_weight and grad_scale):
//   softmaxCrossEntropy  L = mean_i (logsumexp(z_i) − z_i[y_i]),       dz = (softmax(z_i) − onehot(y_i))/rows
//   softCrossEntropy     L = mean_i Σ_c t_ic·(logsumexp(z_i) − z_ic),  dz = (softmax(z_i)·Σ_c t_ic − t_i)/rows
//   mseLoss              L = mean over all rows·classes of (z − t)²,   dz = 2(z − t)/(rows·classes)
// exp, log and the sums run in f64 (classes are few: the cost is in the convolutions); exp(z − max)
// is parked in dlogits, then scaled there with SIMD.
import { lanesSum, widen } from './global-avg-pool';

const BLOCK = 64;

/** max of len f32 values (NaN propagates, as Math.max in the twin). */
function rowMax(p: usize, len: i32): f32 {
  let mv = f32x4.splat(-Infinity);
  let i = 0;
  for (; i + 4 <= len; i += 4) mv = f32x4.max(mv, v128.load(p + (<usize>i << 2)));
  let m = max(max(f32x4.extract_lane(mv, 0), f32x4.extract_lane(mv, 1)), max(f32x4.extract_lane(mv, 2), f32x4.extract_lane(mv, 3)));
  for (; i < len; i++) m = max(m, load<f32>(p + (<usize>i << 2)));
  return m;
}

/** d[k] = exp(z[k] − mx) for len values; returns their f64 sum. */
function expShifted(z: usize, d: usize, len: i32, mx: f32): f64 {
  const m = <f64>mx;
  let s: f64 = 0;
  for (let k = 0; k < len; k++) {
    const o = <usize>k << 2;
    const e = Math.exp(<f64>load<f32>(z + o) - m);
    s += e;
    store<f32>(d + o, <f32>e);
  }
  return s;
}

/**
 * Mean hard-label cross-entropy over rows; dlogits = (softmax − onehot)/rows (overwritten).
 * labels: i32 [rows], each in [0, classes).
 */
export function softmaxCrossEntropy(logits: usize, labels: usize, dlogits: usize, rows: i32, classes: i32): f32 {
  const rowBytes = <usize>classes << 2;
  const invRows = 1.0 / <f64>rows;
  let total: f64 = 0;
  for (let r = 0; r < rows; r++) {
    const z = logits + <usize>r * rowBytes, d = dlogits + <usize>r * rowBytes;
    const mx = rowMax(z, classes);
    const s = expShifted(z, d, classes, mx);
    const y = <usize>load<i32>(labels + (<usize>r << 2)) << 2;
    total += <f64>mx + Math.log(s) - <f64>load<f32>(z + y);
    const ey = <f64>load<f32>(d + y);
    const sc = <f32>(invRows / s);
    const scv = f32x4.splat(sc);
    let k = 0;
    for (; k + 4 <= classes; k += 4) {
      const o = <usize>k << 2;
      v128.store(d + o, f32x4.mul(v128.load(d + o), scv));
    }
    for (; k < classes; k++) {
      const o = <usize>k << 2;
      store<f32>(d + o, load<f32>(d + o) * sc);
    }
    // the label's entry in f64: p − 1 cancels when p is near 1
    store<f32>(d + y, <f32>((ey / s - 1.0) * invRows));
  }
  return <f32>(total * invRows);
}

/**
 * Mean soft-target cross-entropy; dlogits = (softmax·Σt − t)/rows (overwritten): the exact
 * gradient of the loss, softmax − t for probability targets. targets: f32 [rows, classes].
 */
export function softCrossEntropy(logits: usize, targets: usize, dlogits: usize, rows: i32, classes: i32): f32 {
  const rowBytes = <usize>classes << 2;
  const invRows = 1.0 / <f64>rows;
  const negB = f32x4.splat(<f32>-invRows);
  let total: f64 = 0;
  for (let r = 0; r < rows; r++) {
    const z = logits + <usize>r * rowBytes, d = dlogits + <usize>r * rowBytes, t = targets + <usize>r * rowBytes;
    const mx = rowMax(z, classes);
    const s = expShifted(z, d, classes, mx);
    const lse = <f64>mx + Math.log(s);
    let tl: f64 = 0, ts: f64 = 0;
    for (let k = 0; k < classes; k++) {
      const o = <usize>k << 2;
      const tk = <f64>load<f32>(t + o);
      tl += tk * (lse - <f64>load<f32>(z + o));
      ts += tk;
    }
    total += tl;
    const a = <f32>((ts / s) * invRows);
    const av = f32x4.splat(a);
    let k = 0;
    for (; k + 4 <= classes; k += 4) {
      const o = <usize>k << 2;
      v128.store(d + o, f32x4.add(f32x4.mul(v128.load(d + o), av), f32x4.mul(v128.load(t + o), negB)));
    }
    for (; k < classes; k++) {
      const o = <usize>k << 2;
      store<f32>(d + o, <f32>(<f64>load<f32>(d + o) * <f64>a - <f64>load<f32>(t + o) * invRows));
    }
  }
  return <f32>(total * invRows);
}

/**
 * Mean squared error over all rows·classes elements; dlogits = 2(z − t)/(rows·classes)
 * (overwritten; may alias logits). targets: f32 [rows, classes].
 */
export function mseLoss(logits: usize, targets: usize, dlogits: usize, rows: i32, classes: i32): f32 {
  const len = rows * classes;
  const inv = 1.0 / (<f64>rows * <f64>classes);
  const g = <f32>(2.0 * inv);
  const gv = f32x4.splat(g);
  const vend = len & ~3;
  let acc = f64x2.splat(0);
  let i = 0;
  while (i < vend) {
    const end = min(i + BLOCK, vend);
    let a = f32x4.splat(0);
    for (; i < end; i += 4) {
      const o = <usize>i << 2;
      const e = f32x4.sub(v128.load(logits + o), v128.load(targets + o));
      a = f32x4.add(a, f32x4.mul(e, e));
      v128.store(dlogits + o, f32x4.mul(e, gv));
    }
    acc = f64x2.add(acc, widen(a));
  }
  let q = lanesSum(acc);
  for (; i < len; i++) {
    const o = <usize>i << 2;
    const e = load<f32>(logits + o) - load<f32>(targets + o);
    q += <f64>e * <f64>e;
    store<f32>(dlogits + o, e * g);
  }
  return <f32>(q * inv);
}

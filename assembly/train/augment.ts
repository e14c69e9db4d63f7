// Training augmentation on an NCHW batch (twin: src/train/reference/augment.ts, GPU:
// shaders/augment.wgsl): per-sample horizontal flip, then mixup with a partner sample,
//   out_i[c, h, w] = λ_i·x_i[c, h, f_i(w)] + (1 − λ_i)·x_j[c, h, f_j(w)],  j = partner_i,
// f_k(w) = W − 1 − w when sample k is flipped (the partner enters flipped by its own flag), and
// the matching soft targets t_i = λ_i·onehot(y_i) + (1 − λ_i)·onehot(y_j). λ and 1 − λ are f32,
// as in the WGSL kernel. The random draws (flags, partners, λ) come from the host.
import { madd } from './simd';

// @ts-ignore: decorator
@inline
function rowVec(row: usize, w: i32, k: i32, flipped: bool): v128 {
  if (!flipped) return v128.load(row + (<usize>k << 2));
  const v = v128.load(row + (<usize>(w - 4 - k) << 2));
  return f32x4.shuffle(v, v, 3, 2, 1, 0);
}

// @ts-ignore: decorator
@inline
function rowAt(row: usize, w: i32, k: i32, flipped: bool): f32 {
  return load<f32>(row + (<usize>(flipped ? w - 1 - k : k) << 2));
}

// @ts-ignore: decorator
@inline
function flagOf(flip: usize, i: i32): bool {
  return flip != 0 && load<u32>(flip + (<usize>i << 2)) != 0;
}

/**
 * out [n, c, h, w] (≠ x) from x: flip (u32 [n], non-zero flips sample i along w; 0 = no flips),
 * lambda (f32 [n]) and partner (u32 [n]) for mixup (either 0 = no mixup, λ = 1).
 */
export function augmentBatch(x: usize, out: usize, flip: usize, lambda: usize, partner: usize, n: i32, c: i32, h: i32, w: i32): void {
  const rows = c * h;
  const rowBytes = <usize>w << 2;
  const sampleBytes = <usize>rows * rowBytes;
  const mix = lambda != 0 && partner != 0;
  for (let i = 0; i < n; i++) {
    const fi = flagOf(flip, i);
    const xi = x + <usize>i * sampleBytes, oi = out + <usize>i * sampleBytes;
    if (!mix && !fi) {
      memory.copy(oi, xi, sampleBytes);
      continue;
    }
    let j = i, fj = fi;
    let lam: f32 = 1;
    if (mix) {
      j = <i32>load<u32>(partner + (<usize>i << 2));
      fj = flagOf(flip, j);
      lam = load<f32>(lambda + (<usize>i << 2));
    }
    const oml: f32 = 1 - lam;
    const xj = x + <usize>j * sampleBytes;
    const lv = f32x4.splat(lam), ov = f32x4.splat(oml);
    for (let r = 0; r < rows; r++) {
      const ri = xi + <usize>r * rowBytes, rj = xj + <usize>r * rowBytes, ro = oi + <usize>r * rowBytes;
      let k = 0;
      if (!mix) {
        for (; k + 4 <= w; k += 4) v128.store(ro + (<usize>k << 2), rowVec(ri, w, k, true));
        for (; k < w; k++) store<f32>(ro + (<usize>k << 2), rowAt(ri, w, k, true));
        continue;
      }
      for (; k + 4 <= w; k += 4) {
        v128.store(ro + (<usize>k << 2), madd(lv, rowVec(ri, w, k, fi), f32x4.mul(ov, rowVec(rj, w, k, fj))));
      }
      for (; k < w; k++) store<f32>(ro + (<usize>k << 2), lam * rowAt(ri, w, k, fi) + oml * rowAt(rj, w, k, fj));
    }
  }
}

/**
 * targets [n, classes] (overwritten) = λ_i·onehot(y_i) + (1 − λ_i)·onehot(y_partner(i)); plain
 * one-hot rows when lambda or partner is 0. labels: i32 [n].
 */
export function mixTargets(labels: usize, lambda: usize, partner: usize, targets: usize, n: i32, classes: i32): void {
  const rowBytes = <usize>classes << 2;
  memory.fill(targets, 0, <usize>n * rowBytes);
  const mix = lambda != 0 && partner != 0;
  for (let i = 0; i < n; i++) {
    const row = targets + <usize>i * rowBytes;
    const yi = <usize>load<i32>(labels + (<usize>i << 2)) << 2;
    if (!mix) {
      store<f32>(row + yi, 1);
      continue;
    }
    const lam = load<f32>(lambda + (<usize>i << 2));
    const j = <usize>load<u32>(partner + (<usize>i << 2));
    const yj = <usize>load<i32>(labels + (j << 2)) << 2;
    store<f32>(row + yi, lam);
    store<f32>(row + yj, load<f32>(row + yj) + (1 - lam));
  }
}

// CPU twin of shaders/augment.wgsl.
import type { AugmentShape } from '../kernels/augment.ts';

/** x'_i = λ_i·flip_i(x_i) + (1 − λ_i)·flip_j(x_j), j = partner_i (λ = 1 without mixup). */
export function augmentBatchReference(
  s: AugmentShape, x: ArrayLike<number>, flip?: ArrayLike<number>, lambda?: ArrayLike<number>, partner?: ArrayLike<number>,
): Float64Array {
  const out = new Float64Array(s.n * s.c * s.h * s.w);
  const src = (k: number, c: number, h: number, w: number) => x[((k * s.c + c) * s.h + h) * s.w + (flip && flip[k] ? s.w - 1 - w : w)];
  for (let i = 0; i < s.n; i++) {
    for (let c = 0; c < s.c; c++) {
      for (let h = 0; h < s.h; h++) {
        for (let w = 0; w < s.w; w++) {
          const o = ((i * s.c + c) * s.h + h) * s.w + w;
          const xi = src(i, c, h, w);
          if (!lambda || !partner) out[o] = xi;
          else out[o] = lambda[i] * xi + (1 - lambda[i]) * src(partner[i], c, h, w);
        }
      }
    }
  }
  return out;
}

/** t_i = λ_i·onehot(y_i) + (1 − λ_i)·onehot(y_j). */
export function mixTargetsReference(n: number, classes: number, labels: ArrayLike<number>, lambda?: ArrayLike<number>, partner?: ArrayLike<number>): Float64Array {
  const t = new Float64Array(n * classes);
  for (let i = 0; i < n; i++) {
    if (!lambda || !partner) {
      t[i * classes + labels[i]] = 1;
    } else {
      t[i * classes + labels[i]] += lambda[i];
      t[i * classes + labels[partner[i]]] += 1 - lambda[i];
    }
  }
  return t;
}

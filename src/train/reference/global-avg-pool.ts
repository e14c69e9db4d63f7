// CPU twin of shaders/global-avg-pool.wgsl.
import type { GapShape } from '../kernels/global-avg-pool.ts';

/** y[n, c] = mean of x[n, c, :, :] */
export function globalAvgPoolForwardReference(s: GapShape, x: ArrayLike<number>): Float64Array {
  const len = s.h * s.w, y = new Float64Array(s.n * s.c);
  for (let r = 0; r < y.length; r++) {
    let sum = 0;
    for (let k = 0; k < len; k++) sum += x[r * len + k];
    y[r] = sum / len;
  }
  return y;
}

/** dx[n, c, h, w] = dy[n, c] / (H·W) */
export function globalAvgPoolBackwardReference(s: GapShape, dy: ArrayLike<number>): Float64Array {
  const len = s.h * s.w, dx = new Float64Array(s.n * s.c * len);
  for (let i = 0; i < dx.length; i++) dx[i] = dy[Math.floor(i / len)] / len;
  return dx;
}

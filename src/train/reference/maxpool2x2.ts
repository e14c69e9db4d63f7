// CPU twin of shaders/maxpool2x2.wgsl: MaxPool2d(2, 2, floor) on NCHW.
import type { PoolShape } from '../kernels/maxpool2x2.ts';

/** y and the argmax (0..3, row-major in the window, first maximum wins). */
export function maxpool2x2ForwardReference(s: PoolShape, x: ArrayLike<number>): { y: Float64Array; argmax: Uint32Array } {
  const ho = Math.floor(s.h / 2), wo = Math.floor(s.w / 2);
  const y = new Float64Array(s.n * s.c * ho * wo), argmax = new Uint32Array(y.length);
  for (let nc = 0; nc < s.n * s.c; nc++) {
    for (let oh = 0; oh < ho; oh++) {
      for (let ow = 0; ow < wo; ow++) {
        const o = (nc * ho + oh) * wo + ow;
        let best = -Infinity, arg = 0;
        for (let k = 0; k < 4; k++) {
          const v = x[nc * s.h * s.w + (2 * oh + (k >> 1)) * s.w + 2 * ow + (k & 1)];
          if (k === 0 || v > best) {
            best = v;
            arg = k;
          }
        }
        y[o] = best;
        argmax[o] = arg;
      }
    }
  }
  return { y, argmax };
}

/** dx: dy routed to each window's argmax, zero elsewhere. */
export function maxpool2x2BackwardReference(s: PoolShape, dy: ArrayLike<number>, argmax: ArrayLike<number>): Float64Array {
  const ho = Math.floor(s.h / 2), wo = Math.floor(s.w / 2);
  const dx = new Float64Array(s.n * s.c * s.h * s.w);
  for (let nc = 0; nc < s.n * s.c; nc++) {
    for (let oh = 0; oh < ho; oh++) {
      for (let ow = 0; ow < wo; ow++) {
        const o = (nc * ho + oh) * wo + ow, k = argmax[o];
        dx[nc * s.h * s.w + (2 * oh + (k >> 1)) * s.w + 2 * ow + (k & 1)] = dy[o];
      }
    }
  }
  return dx;
}

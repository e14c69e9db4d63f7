// CPU twin of shaders/dense.wgsl in float64: Linear with W [out, in].
import type { DenseShape } from '../kernels/dense.ts';

/** y[b, o] = Σ_i x[b, i]·W[o, i] + bias[o], then ReLU if asked. */
export function denseForwardReference(s: DenseShape, x: ArrayLike<number>, w: ArrayLike<number>, bias?: ArrayLike<number>, relu = false): Float64Array {
  const y = new Float64Array(s.batch * s.outFeatures);
  for (let b = 0; b < s.batch; b++) {
    for (let o = 0; o < s.outFeatures; o++) {
      let v = bias ? bias[o] : 0;
      for (let i = 0; i < s.inFeatures; i++) v += x[b * s.inFeatures + i] * w[o * s.inFeatures + i];
      y[b * s.outFeatures + o] = relu && v < 0 ? 0 : v;
    }
  }
  return y;
}

/** dx = dy·W, dW = dyᵀ·x, db = Σ_b dy. */
export function denseBackwardReference(s: DenseShape, x: ArrayLike<number>, w: ArrayLike<number>, dy: ArrayLike<number>): { dx: Float64Array; dw: Float64Array; db: Float64Array } {
  const { batch: nb, inFeatures: ni, outFeatures: no } = s;
  const dx = new Float64Array(nb * ni), dw = new Float64Array(no * ni), db = new Float64Array(no);
  for (let b = 0; b < nb; b++) {
    for (let o = 0; o < no; o++) {
      const g = dy[b * no + o];
      db[o] += g;
      for (let i = 0; i < ni; i++) {
        dx[b * ni + i] += g * w[o * ni + i];
        dw[o * ni + i] += g * x[b * ni + i];
      }
    }
  }
  return { dx, dw, db };
}

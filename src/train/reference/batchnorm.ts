// CPU twin of shaders/batchnorm.wgsl in float64: BatchNorm2d on NCHW, PyTorch semantics.
import type { BatchNormShape } from '../kernels/batchnorm.ts';

export interface BatchNormTrainResult {
  y: Float64Array;
  /** batch mean per channel */
  mean: Float64Array;
  /** 1/√(biased var + eps) per channel */
  invstd: Float64Array;
  runningMean: Float64Array;
  runningVar: Float64Array;
}

/** Training forward: batch statistics, biased variance to normalise, unbiased into the running variance. */
export function batchnormForwardTrainReference(
  s: BatchNormShape, x: ArrayLike<number>, gamma: ArrayLike<number>, beta: ArrayLike<number>,
  runningMean: ArrayLike<number>, runningVar: ArrayLike<number>, eps = 1e-5, momentum = 0.1,
): BatchNormTrainResult {
  const hw = s.h * s.w, m = s.n * hw;
  const mean = new Float64Array(s.c), invstd = new Float64Array(s.c);
  const rm = Float64Array.from(runningMean), rv = Float64Array.from(runningVar);
  const y = new Float64Array(x.length);
  for (let c = 0; c < s.c; c++) {
    let sum = 0;
    for (let n = 0; n < s.n; n++) for (let k = 0; k < hw; k++) sum += x[(n * s.c + c) * hw + k];
    const mu = sum / m;
    let q = 0;
    for (let n = 0; n < s.n; n++) for (let k = 0; k < hw; k++) q += (x[(n * s.c + c) * hw + k] - mu) ** 2;
    mean[c] = mu;
    invstd[c] = 1 / Math.sqrt(q / m + eps);
    rm[c] = (1 - momentum) * rm[c] + momentum * mu;
    rv[c] = (1 - momentum) * rv[c] + momentum * (m > 1 ? q / (m - 1) : q / m);
    for (let n = 0; n < s.n; n++) {
      for (let k = 0; k < hw; k++) {
        const i = (n * s.c + c) * hw + k;
        y[i] = (x[i] - mu) * invstd[c] * gamma[c] + beta[c];
      }
    }
  }
  return { y, mean, invstd, runningMean: rm, runningVar: rv };
}

/** Evaluation forward with running statistics. */
export function batchnormForwardEvalReference(
  s: BatchNormShape, x: ArrayLike<number>, gamma: ArrayLike<number>, beta: ArrayLike<number>,
  runningMean: ArrayLike<number>, runningVar: ArrayLike<number>, eps = 1e-5,
): Float64Array {
  const hw = s.h * s.w;
  const y = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const c = Math.floor(i / hw) % s.c;
    y[i] = ((x[i] - runningMean[c]) / Math.sqrt(runningVar[c] + eps)) * gamma[c] + beta[c];
  }
  return y;
}

/**
 * Training-mode backward: dβ = Σdy, dγ = Σdy·x̂, dx = γ·invstd/M·(M·dy − dβ − x̂·dγ),
 * with x̂ = (x − mean)·invstd and M = N·H·W.
 */
export function batchnormBackwardReference(
  s: BatchNormShape, x: ArrayLike<number>, dy: ArrayLike<number>, gamma: ArrayLike<number>,
  mean: ArrayLike<number>, invstd: ArrayLike<number>,
): { dx: Float64Array; dgamma: Float64Array; dbeta: Float64Array } {
  const hw = s.h * s.w, m = s.n * hw;
  const dgamma = new Float64Array(s.c), dbeta = new Float64Array(s.c), dx = new Float64Array(x.length);
  for (let c = 0; c < s.c; c++) {
    let sb = 0, sg = 0;
    for (let n = 0; n < s.n; n++) {
      for (let k = 0; k < hw; k++) {
        const i = (n * s.c + c) * hw + k;
        sb += dy[i];
        sg += dy[i] * (x[i] - mean[c]) * invstd[c];
      }
    }
    dbeta[c] = sb;
    dgamma[c] = sg;
    for (let n = 0; n < s.n; n++) {
      for (let k = 0; k < hw; k++) {
        const i = (n * s.c + c) * hw + k;
        const xhat = (x[i] - mean[c]) * invstd[c];
        dx[i] = ((gamma[c] * invstd[c]) / m) * (m * dy[i] - sb - xhat * sg);
      }
    }
  }
  return { dx, dgamma, dbeta };
}

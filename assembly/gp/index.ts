// Gaussian-process regression kernels (see lml.ts, predict.ts): exports of the module.
import { cholLower } from './linalg';

export { gpWorkspaceBytes, gpLml, gpLmlGrad, gpJitter } from './lml';
export { gpModelBytes, gpPredictScratchBytes, gpFinalize, gpPredict, gpKernelMatrix } from './predict';
export { gpPredictGradScratchBytes, gpPredictGrad } from './gradient';
export { gpPredictBatchScratchBytes, gpPredictBatch, gpBatchExtOffset } from './batch';

/**
 * Cholesky factor of a symmetric matrix a (f64[n*n], lower triangle read) into out (f64[n*n]:
 * lower factor, zeros above), with jitter escalation: attempt t (1 <= t < maxTries) adds
 * mean(diag a) * 10^(t-10) to the diagonal. Returns the jitter added, or -1 when every attempt
 * failed (the matrix is not positive definite, or not finite).
 */
export function gpCholesky(a: usize, n: i32, maxTries: i32, out: usize): f64 {
  const rs = <usize>n << 3;
  const invd = heap.alloc(max<usize>(8, <usize>n << 3));
  let meanDiag = 0.0;
  for (let i = 0; i < n; i++) meanDiag += load<f64>(a + <usize>i * rs + (<usize>i << 3));
  meanDiag /= <f64>max(n, 1);
  let result = -1.0;
  for (let t = 0; t < maxTries; t++) {
    const jitter = t == 0 ? 0.0 : Math.abs(meanDiag) * Math.pow(10.0, <f64>(t - 10));
    // lower triangle of a into out, mirrored above (the factorisation reads the lower part only)
    for (let i = 0; i < n; i++) {
      memory.copy(out + <usize>i * rs, a + <usize>i * rs, <usize>(i + 1) << 3);
      const io = <usize>i * rs + (<usize>i << 3);
      store<f64>(out + io, load<f64>(out + io) + jitter);
    }
    if (cholLower(out, n, invd) == 0) {
      result = jitter;
      break;
    }
  }
  for (let i = 0; i < n; i++) {
    if (i + 1 < n) memory.fill(out + <usize>i * rs + (<usize>(i + 1) << 3), 0, <usize>(n - i - 1) << 3);
  }
  heap.free(invd);
  return result;
}

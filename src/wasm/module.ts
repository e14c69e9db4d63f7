// Loads build/surrogates.wasm (expected improvement, the MLP, Gaussian processes) once per realm
// (top-level await). The Pareto kernels are a module of their own (pareto.ts), so code that
// needs only them loads none of this.
import { loadKernels, type KernelMemory } from './load.ts';
import { packageFile } from '../platform/package-file.ts';

/** Raw exports of the surrogate kernels (pointers are byte offsets into `memory`). */
export interface KernelExports extends KernelMemory {
  /** Bytes of the workspace of gpLml / gpLmlGrad for n points in d dimensions. */
  gpWorkspaceBytes(n: number, d: number): number;
  /**
   * GP log marginal likelihood at θ (f64[d+3]); NaN when not positive definite even with jitter.
   * profileMean != 0: the mean is its GLS optimum clamped to [meanLo, meanHi], written into θ[0].
   */
  gpLml(x: number, y: number, n: number, d: number, theta: number, ws: number, maxTries: number, profileMean: number, meanLo: number, meanHi: number): number;
  /** Gradient (f64[d+3]) at the θ of the last gpLml on ws; returns 0, or -1 after a failed gpLml. */
  gpLmlGrad(n: number, d: number, ws: number, grad: number): number;
  /** Jitter the last gpLml on ws added (-1: failed). */
  gpJitter(ws: number, n: number, d: number): number;
  gpModelBytes(n: number, d: number): number;
  gpPredictScratchBytes(n: number, d: number, m: number): number;
  /** Build a model block from ws after a successful gpLml; returns 0 or -1. */
  gpFinalize(n: number, d: number, ws: number, model: number): number;
  /** Posterior mean (and variance when variance != 0) at m points. */
  gpPredict(model: number, xq: number, m: number, mean: number, variance: number, withNoise: number, scratch: number): void;
  /** Scratch bytes of gpPredictBatch (any m). */
  gpPredictBatchScratchBytes(n: number, d: number): number;
  /** As gpPredict, blocked over many points (assembly/gp/batch.ts); the same values up to rounding. */
  gpPredictBatch(model: number, xq: number, m: number, mean: number, variance: number, withNoise: number, scratch: number): void;
  /** Byte offset of the model's extension: gpPredictBatch reads [0, offset of M) and [this, gpModelBytes). */
  gpBatchExtOffset(n: number, d: number): number;
  gpKernelMatrix(x1: number, n1: number, x2: number, n2: number, d: number, theta: number, out: number): void;
  /** Cholesky with jitter escalation into out; returns the jitter added or -1. */
  gpCholesky(a: number, n: number, maxTries: number, out: number): number;
  [name: string]: unknown;
}

/** The surrogate kernel module of this realm. */
export const wasm: KernelExports = await loadKernels<KernelExports>(packageFile('build/surrogates.wasm'));

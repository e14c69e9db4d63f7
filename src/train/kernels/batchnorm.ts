// BatchNorm2d forward (training and evaluation) and backward (shaders/batchnorm.wgsl), NCHW
// float32, PyTorch semantics. See the shader header for the deterministic two-level reduction.
import type { DispatchSpec } from '../../gpu/runtime.ts';
import { UniformStruct } from '../../gpu/uniforms.ts';
import { bufferOf, checkBatchnormBackward, checkBatchnormForwardEval, checkBatchnormForwardTrain, gridFor, offsetOf, WG, type TensorRef } from './kernel-args.ts';

export const BATCHNORM_SHADERS = ['batchnorm'] as const;

/** The uniform struct of shaders/batchnorm.wgsl (all its entry points). */
export const BATCHNORM_UNIFORMS = new UniformStruct('batchnorm', 'BnParams', {
  n: 'u32', c: 'u32', hw: 'u32', m: 'u32', parts: 'u32', chunk: 'u32', total: 'u32', update_running: 'u32',
  off_gamma: 'u32', off_beta: 'u32', off_rmean: 'u32', off_rvar: 'u32', off_dgamma: 'u32', off_dbeta: 'u32', off_bcoef: 'u32',
  eps: 'f32', momentum: 'f32',
});

export interface BatchNormShape {
  n: number;
  c: number;
  h: number;
  w: number;
}

export interface BatchNormOptions {
  /** default 1e-5 */
  eps?: number;
  /** weight of the batch statistic in the running estimates, default 0.1 */
  momentum?: number;
  /** update the running estimates (training forward only), default true */
  updateRunning?: boolean;
}

export type BatchNormEvalOptions = Pick<BatchNormOptions, 'eps'>;

/**
 * The per-channel tensors, [C] each. γ and β are read through one binding, so they lie in one
 * buffer (e.g. the network's flat parameter buffer) at element offsets; so do the running mean
 * and variance, in another buffer (not the parameters': WebGPU forbids binding one buffer both
 * read-only and writable in a dispatch).
 */
export interface BatchNormParamsIo {
  gamma: TensorRef;
  beta: TensorRef;
  runningMean: TensorRef;
  runningVar: TensorRef;
  /** [4·C] floats: (mean, invstd, γ·invstd, β) per channel, written by the forward, read by the backward */
  coef: GPUBuffer;
}

export interface BatchNormForwardEvalIo extends BatchNormParamsIo {
  /** [N, C, H, W] */
  x: GPUBuffer;
  /** [N, C, H, W], ≠ x */
  y: GPUBuffer;
}

export interface BatchNormForwardTrainIo extends BatchNormForwardEvalIo {
  /** scratch of batchnormWorkspaceFloats(shape) floats */
  workspace: GPUBuffer;
}

export interface BatchNormBackwardIo {
  /** the forward's input */
  x: GPUBuffer;
  dy: GPUBuffer;
  /** as the training forward left it */
  coef: GPUBuffer;
  workspace: GPUBuffer;
  /** dL/dx (≠ dy, ≠ x) */
  dx: GPUBuffer;
  /** dL/dγ and dL/dβ (overwritten), in one buffer */
  dgamma: TensorRef;
  dbeta: TensorRef;
}

/** Elements per partial reduction, and the most partials per channel. */
const CHUNK_MIN = 2048;
const MAX_PARTS = 64;

function partition(m: number): { parts: number; chunk: number } {
  const want = Math.min(MAX_PARTS, Math.max(1, Math.ceil(m / CHUNK_MIN)));
  const chunk = Math.ceil(m / want);
  return { parts: Math.ceil(m / chunk), chunk };
}

/** Floats of scratch the training forward and the backward need for this shape. */
export function batchnormWorkspaceFloats(s: BatchNormShape): number {
  return bcoefOffset(s) + 4 * s.c;
}

/** Start of the backward coefficients in the workspace (after the partials, vec4-aligned). */
function bcoefOffset(s: BatchNormShape): number {
  const { parts } = partition(s.n * s.h * s.w);
  return Math.ceil((3 * s.c * parts) / 4) * 4;
}

/** The element offsets of the per-channel tensors a dispatch reads (the others at their defaults). */
interface Offsets {
  gamma?: TensorRef;
  beta?: TensorRef;
  runningMean?: TensorRef;
  runningVar?: TensorRef;
  dgamma?: TensorRef;
  dbeta?: TensorRef;
}

function uniforms(s: BatchNormShape, t: Offsets, o: BatchNormOptions) {
  const hw = s.h * s.w, m = s.n * hw;
  const { parts, chunk } = partition(m);
  const at = (r: TensorRef | undefined, fallback: number) => (r ? offsetOf(r) : fallback);
  return BATCHNORM_UNIFORMS.pack({
    n: s.n, c: s.c, hw, m, parts, chunk, total: s.n * s.c * hw, update_running: o.updateRunning === false ? 0 : 1,
    off_gamma: at(t.gamma, 0), off_beta: at(t.beta, s.c), off_rmean: at(t.runningMean, 0), off_rvar: at(t.runningVar, s.c),
    off_dgamma: at(t.dgamma, 0), off_dbeta: at(t.dbeta, s.c), off_bcoef: bcoefOffset(s),
    eps: o.eps ?? 1e-5, momentum: o.momentum ?? 0.1,
  });
}

/**
 * Training forward: batch statistics over (N, H, W), y = (x − mean)/√(var + eps)·γ + β, the
 * running estimates updated (unbiased variance), and `coef` saved for the backward.
 * Three dispatches: partial statistics, per-channel merge, element-wise apply.
 * @throws RangeError or TypeError naming the argument (see kernel-args.ts)
 * @example batchnormForwardTrain({ n: 8, c: 3, h: 7, w: 7 }, { x, y, gamma, beta, runningMean, runningVar, coef, workspace }) // three dispatches
 */
export function batchnormForwardTrain(shape: BatchNormShape, io: BatchNormForwardTrainIo, options: BatchNormOptions = {}): DispatchSpec[] {
  checkBatchnormForwardTrain(shape, io, options, batchnormWorkspaceFloats);
  const u = uniforms(shape, io, options);
  const { parts } = partition(shape.n * shape.h * shape.w);
  const total = shape.n * shape.c * shape.h * shape.w;
  const constants = { WG };
  return [
    { shader: 'batchnorm', entry: 'stats_partial', constants, uniforms: u, buffers: [io.x, io.workspace], workgroups: [parts, shape.c] },
    {
      shader: 'batchnorm', entry: 'stats_finalize', constants, uniforms: u,
      buffers: [io.workspace, bufferOf(io.gamma), bufferOf(io.runningMean), io.coef],
      workgroups: [Math.ceil(shape.c / WG)],
    },
    { shader: 'batchnorm', entry: 'apply', constants, uniforms: u, buffers: [io.x, io.coef, io.y], workgroups: gridFor(Math.ceil(total / 4)) },
  ];
}

/**
 * Evaluation forward with the running estimates (writes `coef`).
 * @throws RangeError or TypeError naming the argument (see kernel-args.ts)
 */
export function batchnormForwardEval(shape: BatchNormShape, io: BatchNormForwardEvalIo, options: BatchNormEvalOptions = {}): DispatchSpec[] {
  checkBatchnormForwardEval(shape, io, options);
  const u = uniforms(shape, io, options);
  const total = shape.n * shape.c * shape.h * shape.w;
  const constants = { WG };
  return [
    {
      shader: 'batchnorm', entry: 'eval_coeffs', constants, uniforms: u,
      buffers: [bufferOf(io.gamma), bufferOf(io.runningMean), io.coef],
      workgroups: [Math.ceil(shape.c / WG)],
    },
    { shader: 'batchnorm', entry: 'apply', constants, uniforms: u, buffers: [io.x, io.coef, io.y], workgroups: gridFor(Math.ceil(total / 4)) },
  ];
}

/**
 * Training-mode backward from the forward's input `x`, `coef` and `dy`:
 * dβ = Σdy, dγ = Σdy·x̂, dx = γ·invstd/M·(M·dy − dβ − x̂·dγ) with x̂ = (x − mean)·invstd.
 * Three dispatches: partial sums, per-channel merge, element-wise dx.
 * @throws RangeError or TypeError naming the argument (see kernel-args.ts)
 */
export function batchnormBackward(shape: BatchNormShape, io: BatchNormBackwardIo): DispatchSpec[] {
  checkBatchnormBackward(shape, io, batchnormWorkspaceFloats);
  const u = uniforms(shape, { dgamma: io.dgamma, dbeta: io.dbeta }, {});
  const { parts } = partition(shape.n * shape.h * shape.w);
  const total = shape.n * shape.c * shape.h * shape.w;
  const constants = { WG };
  return [
    { shader: 'batchnorm', entry: 'backward_partial', constants, uniforms: u, buffers: [io.x, io.dy, io.coef, io.workspace], workgroups: [parts, shape.c] },
    {
      shader: 'batchnorm', entry: 'backward_finalize', constants, uniforms: u,
      buffers: [io.workspace, io.coef, bufferOf(io.dgamma)],
      workgroups: [Math.ceil(shape.c / WG)],
    },
    { shader: 'batchnorm', entry: 'backward_apply', constants, uniforms: u, buffers: [io.x, io.dy, io.workspace, io.dx], workgroups: gridFor(Math.ceil(total / 4)) },
  ];
}

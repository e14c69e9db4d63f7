// BatchNorm2d forward (training and evaluation) and backward (shaders/batchnorm.wgsl), NCHW
// float32, PyTorch semantics. See the shader header for the deterministic two-level reduction.
import { packUniforms, type DispatchSpec } from '../../gpu/runtime.ts';
import { checkDistinct, checkInt, checkSize, gridFor, WG } from './kernel-args.ts';

export const BATCHNORM_SHADERS = ['batchnorm'] as const;

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

/**
 * Per-channel parameters and state. γ and β live in one buffer (e.g. the network's flat
 * parameter buffer) at element offsets, the running mean and variance in another (not the
 * parameter buffer: WebGPU forbids binding one buffer both read-only and writable in a dispatch).
 */
export interface BatchNormParams {
  /** holds γ at gammaOffset and β at betaOffset */
  weights: GPUBuffer;
  /** default 0 */
  gammaOffset?: number;
  /** default C */
  betaOffset?: number;
  /** holds the running mean at meanOffset and the running variance at varOffset */
  running: GPUBuffer;
  /** default 0 */
  meanOffset?: number;
  /** default C */
  varOffset?: number;
  /** [4·C] floats: (mean, invstd, γ·invstd, β) per channel, written by the forward, read by the backward */
  coef: GPUBuffer;
  /** scratch of batchnormWorkspaceFloats(shape) floats */
  workspace: GPUBuffer;
}

export interface BatchNormGrads {
  /** dL/dx (≠ dy, ≠ x) */
  dx: GPUBuffer;
  /** holds dL/dγ at dgammaOffset and dL/dβ at dbetaOffset (both overwritten) */
  grads: GPUBuffer;
  /** default 0 */
  dgammaOffset?: number;
  /** default C */
  dbetaOffset?: number;
}

/** Elements per partial reduction, and the most partials per channel. */
const CHUNK_MIN = 2048;
const MAX_PARTS = 64;

function partition(m: number): { parts: number; chunk: number } {
  const want = Math.min(MAX_PARTS, Math.max(1, Math.ceil(m / CHUNK_MIN)));
  const chunk = Math.ceil(m / want);
  return { parts: Math.ceil(m / chunk), chunk };
}

function validate(fn: string, s: BatchNormShape): void {
  checkInt(fn, 'shape.n', s.n);
  checkInt(fn, 'shape.c', s.c, 1, 65535);
  checkInt(fn, 'shape.h', s.h);
  checkInt(fn, 'shape.w', s.w);
}

function checkParams(fn: string, s: BatchNormShape, p: Omit<BatchNormParams, 'workspace'> & { workspace?: GPUBuffer }): void {
  checkSize(fn, 'params.weights (γ)', { buffer: p.weights, offset: p.gammaOffset ?? 0 }, s.c);
  checkSize(fn, 'params.weights (β)', { buffer: p.weights, offset: p.betaOffset ?? s.c }, s.c);
  checkSize(fn, 'params.running (mean)', { buffer: p.running, offset: p.meanOffset ?? 0 }, s.c);
  checkSize(fn, 'params.running (var)', { buffer: p.running, offset: p.varOffset ?? s.c }, s.c);
  checkSize(fn, 'params.coef', p.coef, 4 * s.c);
  if (p.workspace) checkSize(fn, 'params.workspace', p.workspace, batchnormWorkspaceFloats(s));
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

function uniforms(s: BatchNormShape, p: Partial<BatchNormParams>, o: BatchNormOptions, g: Partial<BatchNormGrads> = {}): ArrayBuffer {
  const hw = s.h * s.w, m = s.n * hw;
  const { parts, chunk } = partition(m);
  return packUniforms(
    [
      s.n, s.c, hw, m, parts, chunk, s.n * s.c * hw, o.updateRunning === false ? 0 : 1,
      p.gammaOffset ?? 0, p.betaOffset ?? s.c, p.meanOffset ?? 0, p.varOffset ?? s.c,
      g.dgammaOffset ?? 0, g.dbetaOffset ?? s.c, bcoefOffset(s),
      o.eps ?? 1e-5, o.momentum ?? 0.1,
    ],
    [15, 16],
  );
}

/**
 * Training forward: batch statistics over (N, H, W), y = (x − mean)/√(var + eps)·γ + β, the
 * running estimates updated (unbiased variance), and `coef` saved for the backward.
 * Three dispatches: partial statistics, per-channel merge, element-wise apply. `y` ≠ `x`.
 */
export function batchnormForwardTrain(shape: BatchNormShape, x: GPUBuffer, y: GPUBuffer, p: BatchNormParams, opts: BatchNormOptions = {}): DispatchSpec[] {
  const fn = 'batchnormForwardTrain';
  validate(fn, shape);
  checkParams(fn, shape, p);
  checkSize(fn, 'x', x, shape.n * shape.c * shape.h * shape.w);
  checkSize(fn, 'y', y, shape.n * shape.c * shape.h * shape.w);
  checkDistinct(fn, { y, 'params.running': p.running, 'params.coef': p.coef, 'params.workspace': p.workspace }, { x, 'params.weights': p.weights });
  const u = uniforms(shape, p, opts);
  const { parts } = partition(shape.n * shape.h * shape.w);
  const total = shape.n * shape.c * shape.h * shape.w;
  const constants = { WG };
  return [
    { shader: 'batchnorm', entry: 'stats_partial', constants, uniforms: u, buffers: [x, p.workspace], workgroups: [parts, shape.c] },
    {
      shader: 'batchnorm', entry: 'stats_finalize', constants, uniforms: u,
      buffers: [p.workspace, p.weights, p.running, p.coef],
      workgroups: [Math.ceil(shape.c / WG)],
    },
    { shader: 'batchnorm', entry: 'apply', constants, uniforms: u, buffers: [x, p.coef, y], workgroups: gridFor(Math.ceil(total / 4)) },
  ];
}

/** Evaluation forward with the running estimates (writes `coef`; the workspace is not used). */
export function batchnormForwardEval(shape: BatchNormShape, x: GPUBuffer, y: GPUBuffer, p: Omit<BatchNormParams, 'workspace'>, opts: Pick<BatchNormOptions, 'eps'> = {}): DispatchSpec[] {
  const fn = 'batchnormForwardEval';
  validate(fn, shape);
  checkParams(fn, shape, p);
  checkSize(fn, 'x', x, shape.n * shape.c * shape.h * shape.w);
  checkSize(fn, 'y', y, shape.n * shape.c * shape.h * shape.w);
  checkDistinct(fn, { y, 'params.coef': p.coef }, { x, 'params.weights': p.weights, 'params.running': p.running });
  const u = uniforms(shape, p, opts);
  const total = shape.n * shape.c * shape.h * shape.w;
  const constants = { WG };
  return [
    {
      shader: 'batchnorm', entry: 'eval_coeffs', constants, uniforms: u,
      buffers: [p.weights, p.running, p.coef],
      workgroups: [Math.ceil(shape.c / WG)],
    },
    { shader: 'batchnorm', entry: 'apply', constants, uniforms: u, buffers: [x, p.coef, y], workgroups: gridFor(Math.ceil(total / 4)) },
  ];
}

/**
 * Training-mode backward from the forward's input `x`, `coef` and `dy`:
 * dβ = Σdy, dγ = Σdy·x̂, dx = γ·invstd/M·(M·dy − dβ − x̂·dγ) with x̂ = (x − mean)·invstd.
 * Three dispatches: partial sums, per-channel merge, element-wise dx.
 */
export function batchnormBackward(shape: BatchNormShape, x: GPUBuffer, dy: GPUBuffer, p: Pick<BatchNormParams, 'coef' | 'workspace'>, g: BatchNormGrads): DispatchSpec[] {
  const fn = 'batchnormBackward';
  validate(fn, shape);
  const total = shape.n * shape.c * shape.h * shape.w;
  for (const [name, b] of [['x', x], ['dy', dy], ['grads.dx', g.dx]] as const) checkSize(fn, name, b, total);
  checkSize(fn, 'params.coef', p.coef, 4 * shape.c);
  checkSize(fn, 'params.workspace', p.workspace, batchnormWorkspaceFloats(shape));
  checkSize(fn, 'grads.grads (dγ)', { buffer: g.grads, offset: g.dgammaOffset ?? 0 }, shape.c);
  checkSize(fn, 'grads.grads (dβ)', { buffer: g.grads, offset: g.dbetaOffset ?? shape.c }, shape.c);
  checkDistinct(fn, { 'grads.dx': g.dx, 'grads.grads': g.grads, 'params.workspace': p.workspace }, { x, dy, 'params.coef': p.coef });
  const u = uniforms(shape, {}, {}, g);
  const { parts } = partition(shape.n * shape.h * shape.w);
  const constants = { WG };
  return [
    { shader: 'batchnorm', entry: 'backward_partial', constants, uniforms: u, buffers: [x, dy, p.coef, p.workspace], workgroups: [parts, shape.c] },
    {
      shader: 'batchnorm', entry: 'backward_finalize', constants, uniforms: u,
      buffers: [p.workspace, p.coef, g.grads],
      workgroups: [Math.ceil(shape.c / WG)],
    },
    { shader: 'batchnorm', entry: 'backward_apply', constants, uniforms: u, buffers: [x, dy, p.workspace, g.dx], workgroups: gridFor(Math.ceil(total / 4)) },
  ];
}

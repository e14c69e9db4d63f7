// Losses on logits [N, C] and their gradients (shaders/softmax-cross-entropy.wgsl): softmax
// cross-entropy with integer labels (training and loss-only), with soft targets (mixup), and
// the mean squared error to a teacher's logits (distillation). Each is two dispatches: per-row
// losses (with the gradient), then a deterministic one-workgroup reduction into a scalar slot.
import type { DispatchSpec } from '../../gpu/runtime.ts';
import { UniformStruct } from '../../gpu/uniforms.ts';
import { bufferOf, checkMseLoss, checkSoftCrossEntropy, checkSoftmaxCrossEntropy, grid1d, lanesFor, offsetOf, WG, type TensorRef } from './kernel-args.ts';

export const SOFTMAX_CROSS_ENTROPY_SHADERS = ['softmax-cross-entropy'] as const;

/** The uniform struct of shaders/softmax-cross-entropy.wgsl (all its entry points). */
export const SOFTMAX_CROSS_ENTROPY_UNIFORMS = new UniformStruct('softmax-cross-entropy', 'LossParams', {
  rows: 'u32', cols: 'u32', out_index: 'u32', accumulate: 'u32', grad_scale: 'f32', loss_weight: 'f32',
});

export interface LossShape {
  /** N */
  rows: number;
  /** C */
  classes: number;
}

/** The tensors every loss reads and writes. */
interface LossIo {
  /** [N, C] */
  logits: GPUBuffer;
  /** scratch of N floats: the per-row losses */
  rowLoss: GPUBuffer;
  /**
   * where the reduced loss goes (a buffer and an element index, e.g. one slot per batch of an
   * epoch so that one read-back serves the epoch)
   */
  loss: TensorRef;
}

export interface SoftmaxCrossEntropyIo extends LossIo {
  /** u32 [N], each < C */
  labels: GPUBuffer;
  /** [N, C]; omitted for the loss only */
  dlogits?: GPUBuffer;
}

export interface SoftCrossEntropyIo extends LossIo {
  /** [N, C] soft targets */
  targets: GPUBuffer;
  dlogits: GPUBuffer;
}

export interface MseLossIo extends LossIo {
  /** [N, C] a teacher's logits */
  teacher: GPUBuffer;
  dlogits: GPUBuffer;
}

export interface LossOptions {
  /** loss = accumulate ? loss + w·ΣL_i : w·ΣL_i; default false */
  accumulate?: boolean;
  /** w: default 1/N (cross-entropy) or 1/(N·C) (MSE), the PyTorch 'mean' reductions */
  lossWeight?: number;
  /** factor of the gradient: default 1/N (cross-entropy) or 2/(N·C) (MSE) */
  gradScale?: number;
}

function specs(entry: string, shape: LossShape, io: LossIo, second: GPUBuffer, dlogits: GPUBuffer | undefined, options: LossOptions, lossWeight: number, gradScale: number): DispatchSpec[] {
  const lanes = lanesFor(shape.classes);
  const u = SOFTMAX_CROSS_ENTROPY_UNIFORMS.pack({
    rows: shape.rows, cols: shape.classes, out_index: offsetOf(io.loss), accumulate: options.accumulate ? 1 : 0, grad_scale: gradScale, loss_weight: lossWeight,
  });
  const buffers = [io.logits, second, io.rowLoss, ...(dlogits ? [dlogits] : [])];
  return [
    { shader: 'softmax-cross-entropy', entry, constants: { WG, LANES: lanes }, uniforms: u, buffers, workgroups: grid1d(Math.ceil(shape.rows / (WG / lanes))) },
    { shader: 'softmax-cross-entropy', entry: 'mean_loss', constants: { WG }, uniforms: u, buffers: [io.rowLoss, bufferOf(io.loss)], workgroups: [1] },
  ];
}

/**
 * Softmax cross-entropy with integer labels: the mean loss, and, when `io.dlogits` is given,
 * dlogits = (softmax − onehot)/N.
 * @throws RangeError or TypeError naming the argument (see kernel-args.ts)
 * @example softmaxCrossEntropy({ rows: 128, classes: 17 }, { logits, labels, rowLoss, loss: { buffer: losses, offset: step }, dlogits }) // two dispatches
 */
export function softmaxCrossEntropy(shape: LossShape, io: SoftmaxCrossEntropyIo, options: LossOptions = {}): DispatchSpec[] {
  checkSoftmaxCrossEntropy(shape, io, options);
  const n = shape.rows;
  return specs(io.dlogits ? 'ce_hard' : 'ce_hard_loss', shape, io, io.labels, io.dlogits, options, options.lossWeight ?? 1 / n, options.gradScale ?? 1 / n);
}

/**
 * Soft-target cross-entropy (mixup): mean_i Σ_c t_ic·(−log softmax(z_i)_c) and
 * dlogits = (softmax·Σ_c t_ic − t)/N (= (softmax − t)/N for targets that sum to 1).
 * @throws RangeError or TypeError naming the argument (see kernel-args.ts)
 */
export function softCrossEntropy(shape: LossShape, io: SoftCrossEntropyIo, options: LossOptions = {}): DispatchSpec[] {
  checkSoftCrossEntropy(shape, io, options);
  const n = shape.rows;
  return specs('ce_soft', shape, io, io.targets, io.dlogits, options, options.lossWeight ?? 1 / n, options.gradScale ?? 1 / n);
}

/**
 * MSE to a teacher's logits, PyTorch's MSELoss (mean over N·C): loss and dlogits = 2(z − t)/(N·C).
 * @throws RangeError or TypeError naming the argument (see kernel-args.ts)
 */
export function mseLoss(shape: LossShape, io: MseLossIo, options: LossOptions = {}): DispatchSpec[] {
  checkMseLoss(shape, io, options);
  const nc = shape.rows * shape.classes;
  return specs('mse', shape, io, io.teacher, io.dlogits, options, options.lossWeight ?? 1 / nc, options.gradScale ?? 2 / nc);
}

// Losses on logits [N, C] and their gradients (shaders/softmax-cross-entropy.wgsl): softmax
// cross-entropy with integer labels (training and loss-only), with soft targets (mixup), and
// the mean squared error to a teacher's logits (distillation). Each is two dispatches: per-row
// losses (with the gradient), then a deterministic one-workgroup reduction into a scalar slot.
import { packUniforms, type DispatchSpec } from '../../gpu/runtime.ts';
import { bufferOf, checkDistinct, checkInt, checkSize, grid1d, lanesFor, offsetOf, WG, type TensorRef } from './kernel-args.ts';

export const SOFTMAX_CROSS_ENTROPY_SHADERS = ['softmax-cross-entropy'] as const;

export interface LossArgs {
  /** N */
  rows: number;
  /** C */
  classes: number;
  /** [N, C] */
  logits: GPUBuffer;
  /** scratch of N floats: the per-row losses */
  rowLoss: GPUBuffer;
  /**
   * where the reduced loss goes (a buffer and an element index, e.g. one slot per batch of an
   * epoch so that one read-back serves the epoch)
   */
  loss: TensorRef;
  /** loss = accumulate ? loss + w·ΣL_i : w·ΣL_i; default false */
  accumulate?: boolean;
  /** w: default 1/N (cross-entropy) or 1/(N·C) (MSE), the PyTorch 'mean' reductions */
  lossWeight?: number;
  /** factor of the gradient: default 1/N (cross-entropy) or 2/(N·C) (MSE) */
  gradScale?: number;
}

function validate(fn: string, a: LossArgs, second: [string, GPUBuffer, number], dlogits?: GPUBuffer): void {
  checkInt(fn, 'rows', a.rows);
  checkInt(fn, 'classes', a.classes);
  const nc = a.rows * a.classes;
  checkSize(fn, 'logits', a.logits, nc);
  checkSize(fn, second[0], second[1], second[2]);
  checkSize(fn, 'rowLoss', a.rowLoss, a.rows);
  checkSize(fn, 'loss', a.loss, 1);
  if (dlogits) checkSize(fn, 'dlogits', dlogits, nc);
  checkDistinct(fn, { rowLoss: a.rowLoss, loss: a.loss, dlogits }, { logits: a.logits, [second[0]]: second[1] });
}

function specs(entry: string, a: LossArgs, second: GPUBuffer, dlogits: GPUBuffer | undefined, lossWeight: number, gradScale: number): DispatchSpec[] {
  const lanes = lanesFor(a.classes);
  const u = packUniforms([a.rows, a.classes, offsetOf(a.loss), a.accumulate ? 1 : 0, gradScale, lossWeight], [4, 5]);
  const buffers = [a.logits, second, a.rowLoss, ...(dlogits ? [dlogits] : [])];
  return [
    { shader: 'softmax-cross-entropy', entry, constants: { WG, LANES: lanes }, uniforms: u, buffers, workgroups: grid1d(Math.ceil(a.rows / (WG / lanes))) },
    { shader: 'softmax-cross-entropy', entry: 'mean_loss', constants: { WG }, uniforms: u, buffers: [a.rowLoss, bufferOf(a.loss)], workgroups: [1] },
  ];
}

/**
 * Softmax cross-entropy with integer labels (u32 [N], each < C): the mean loss, and, when
 * `dlogits` is given, dlogits = (softmax − onehot)/N.
 */
export function softmaxCrossEntropy(a: LossArgs & { labels: GPUBuffer; dlogits?: GPUBuffer }): DispatchSpec[] {
  validate('softmaxCrossEntropy', a, ['labels', a.labels, a.rows], a.dlogits);
  return specs(a.dlogits ? 'ce_hard' : 'ce_hard_loss', a, a.labels, a.dlogits, a.lossWeight ?? 1 / a.rows, a.gradScale ?? 1 / a.rows);
}

/**
 * Soft-target cross-entropy (mixup): mean_i Σ_c t_ic·(−log softmax(z_i)_c) and
 * dlogits = (softmax·Σ_c t_ic − t)/N (= (softmax − t)/N for targets that sum to 1).
 */
export function softCrossEntropy(a: LossArgs & { targets: GPUBuffer; dlogits: GPUBuffer }): DispatchSpec[] {
  validate('softCrossEntropy', a, ['targets', a.targets, a.rows * a.classes], a.dlogits);
  return specs('ce_soft', a, a.targets, a.dlogits, a.lossWeight ?? 1 / a.rows, a.gradScale ?? 1 / a.rows);
}

/** MSE to a teacher's logits, PyTorch's MSELoss (mean over N·C): loss and dlogits = 2(z − t)/(N·C). */
export function mseLoss(a: LossArgs & { teacher: GPUBuffer; dlogits: GPUBuffer }): DispatchSpec[] {
  validate('mseLoss', a, ['teacher', a.teacher, a.rows * a.classes], a.dlogits);
  const nc = a.rows * a.classes;
  return specs('mse', a, a.teacher, a.dlogits, a.lossWeight ?? 1 / nc, a.gradScale ?? 2 / nc);
}

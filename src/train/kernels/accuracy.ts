// Top-1 / top-3 accuracy counters (shaders/accuracy.wgsl): one dispatch per batch, counts
// accumulated atomically on the GPU, read back once per evaluation pass.
import { packUniforms, type DispatchSpec } from '../../gpu/runtime.ts';
import { bufferOf, checkDistinct, checkInt, checkSize, grid1d, lanesFor, offsetOf, WG, type TensorRef } from './kernel-args.ts';

export const ACCURACY_SHADERS = ['accuracy'] as const;

export interface AccuracyArgs {
  rows: number;
  classes: number;
  /** [N, C] */
  logits: GPUBuffer;
  /** u32 [N], each < C */
  labels: GPUBuffer;
  /**
   * two u32 counters at the offset: [#top-k1 hits, #top-k2 hits], incremented (zero them before
   * a pass)
   */
  counters: TensorRef;
  /** default 1 */
  k1?: number;
  /** default 3 */
  k2?: number;
}

/**
 * Count the samples whose label is within the top k1 and top k2 logits. A label is within the
 * top k when fewer than k logits are strictly greater than its own (ties favour the label).
 */
export function accuracy(a: AccuracyArgs): DispatchSpec[] {
  checkInt('accuracy', 'rows', a.rows);
  checkInt('accuracy', 'classes', a.classes);
  const k1 = a.k1 ?? 1, k2 = a.k2 ?? 3;
  checkInt('accuracy', 'k1', k1);
  checkInt('accuracy', 'k2', k2);
  checkSize('accuracy', 'logits', a.logits, a.rows * a.classes);
  checkSize('accuracy', 'labels', a.labels, a.rows);
  checkSize('accuracy', 'counters', a.counters, 2);
  checkDistinct('accuracy', { counters: a.counters }, { logits: a.logits, labels: a.labels });
  const lanes = lanesFor(a.classes);
  return [{
    shader: 'accuracy', entry: 'topk', constants: { WG, LANES: lanes },
    uniforms: packUniforms([a.rows, a.classes, k1, k2, offsetOf(a.counters)]),
    buffers: [a.logits, a.labels, bufferOf(a.counters)], workgroups: grid1d(Math.ceil(a.rows / (WG / lanes))),
  }];
}

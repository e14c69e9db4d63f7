// Top-1 / top-3 accuracy counters (shaders/accuracy.wgsl): one dispatch per batch, counts
// accumulated atomically on the GPU, read back once per evaluation pass.
import type { DispatchSpec } from '../../gpu/runtime.ts';
import { UniformStruct } from '../../gpu/uniforms.ts';
import { bufferOf, checkAccuracy, grid1d, lanesFor, offsetOf, WG, type TensorRef } from './kernel-args.ts';

export const ACCURACY_SHADERS = ['accuracy'] as const;

/** The uniform struct of shaders/accuracy.wgsl. */
export const ACCURACY_UNIFORMS = new UniformStruct('accuracy', 'AccParams', { rows: 'u32', cols: 'u32', k1: 'u32', k2: 'u32', off: 'u32' });

export interface AccuracyShape {
  /** N */
  rows: number;
  /** C */
  classes: number;
}

export interface AccuracyIo {
  /** [N, C] */
  logits: GPUBuffer;
  /** u32 [N], each < C */
  labels: GPUBuffer;
  /**
   * two u32 counters at the offset: [#top-k1 hits, #top-k2 hits], incremented (zero them before
   * a pass)
   */
  counters: TensorRef;
}

export interface AccuracyOptions {
  /** default 1 */
  k1?: number;
  /** default 3 */
  k2?: number;
}

/**
 * Count the samples whose label is within the top k1 and top k2 logits. A label is within the
 * top k when fewer than k logits are strictly greater than its own (ties favour the label).
 * @throws RangeError or TypeError naming the argument (see kernel-args.ts)
 * @example accuracy({ rows: 128, classes: 17 }, { logits, labels, counters }) // one dispatch
 */
export function accuracy(shape: AccuracyShape, io: AccuracyIo, options: AccuracyOptions = {}): DispatchSpec[] {
  checkAccuracy(shape, io, options);
  const lanes = lanesFor(shape.classes);
  return [{
    shader: 'accuracy', entry: 'topk', constants: { WG, LANES: lanes },
    uniforms: ACCURACY_UNIFORMS.pack({ rows: shape.rows, cols: shape.classes, k1: options.k1 ?? 1, k2: options.k2 ?? 3, off: offsetOf(io.counters) }),
    buffers: [io.logits, io.labels, bufferOf(io.counters)], workgroups: grid1d(Math.ceil(shape.rows / (WG / lanes))),
  }];
}

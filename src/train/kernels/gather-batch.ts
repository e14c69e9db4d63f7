// Batches gathered on the GPU from a resident dataset and a shuffled index buffer
// (shaders/gather-batch.wgsl), with the NHWC → NCHW permutation, plus the host helpers that
// prepare the resident copy (bytes packed four to a word, and their decode table).
import { packUniforms, type DispatchSpec } from '../../gpu/runtime.ts';
import { checkDistinct, checkInt, checkSize, gridFor, WG } from './kernel-args.ts';

export const GATHER_BATCH_SHADERS = ['gather-batch'] as const;

export interface GatherBatchArgs {
  /** samples in this batch (the last batch of an epoch may be short) */
  batch: number;
  c: number;
  h: number;
  w: number;
  /** the resident dataset, sample-major */
  data: GPUBuffer;
  /** 'f32': float32 values; 'u8': bytes packed four per u32 (little-endian), decoded by `table` */
  format: 'f32' | 'u8';
  /** f32 [256] decode table for 'u8' (see unitByteTable) */
  table?: GPUBuffer;
  /** layout of each resident sample: 'nhwc' (as the dataset files) or 'nchw'; default 'nhwc' */
  layout?: 'nhwc' | 'nchw';
  /** elements ('f32') or bytes ('u8') before sample 0 in `data`; default 0 */
  dataOffset?: number;
  /** u32 dataset rows in epoch order; this batch is indices[start, start + batch) */
  indices: GPUBuffer;
  start: number;
  /** u32 [dataset size] class indices */
  labels: GPUBuffer;
  /** out: f32 [batch, C, H, W] */
  x: GPUBuffer;
  /** out: u32 [batch] */
  y: GPUBuffer;
}

/** x[b] = data[indices[start + b]] (as NCHW), y[b] = labels[indices[start + b]]: one dispatch. */
export function gatherBatch(a: GatherBatchArgs): DispatchSpec[] {
  for (const k of ['batch', 'c', 'h', 'w'] as const) checkInt('gatherBatch', k, a[k]);
  checkInt('gatherBatch', 'start', a.start, 0);
  if (a.format === 'u8' && !a.table) throw new TypeError("gatherBatch: format 'u8' needs a decode table");
  const total = a.batch * a.c * a.h * a.w;
  checkSize('gatherBatch', 'indices', a.indices, a.start + a.batch);
  if (a.table) checkSize('gatherBatch', 'table', a.table, 256);
  checkSize('gatherBatch', 'x', a.x, total);
  checkSize('gatherBatch', 'y', a.y, a.batch);
  checkDistinct('gatherBatch', { x: a.x, y: a.y }, { data: a.data, indices: a.indices, labels: a.labels, table: a.table });
  const uniforms = packUniforms([a.batch, a.c, a.h, a.w, a.start, (a.layout ?? 'nhwc') === 'nhwc' ? 1 : 0, total, a.dataOffset ?? 0]);
  const workgroups = gridFor(Math.max(total, a.batch));
  if (a.format === 'u8') {
    return [{ shader: 'gather-batch', entry: 'gather_u8', constants: { WG }, uniforms, buffers: [a.data, a.indices, a.labels, a.table!, a.x, a.y], workgroups }];
  }
  return [{ shader: 'gather-batch', entry: 'gather_f32', constants: { WG }, uniforms, buffers: [a.data, a.indices, a.labels, a.x, a.y], workgroups }];
}

/** Decode table k → float32(k/255): what converting a [0, 1] image stored as k/255 in float64 gives. */
export function unitByteTable(): Float32Array {
  return Float32Array.from({ length: 256 }, (_, k) => k / 255);
}

/**
 * The bytes k of values that are all exactly k/255 (float64, as the Flowers and Fashion-MNIST
 * files hold), or undefined when any value is not (then keep the dataset as float32).
 */
export function toUnitBytes(values: ArrayLike<number>): Uint8Array | undefined {
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const k = Math.round(values[i] * 255);
    if (!(k >= 0 && k <= 255) || k / 255 !== values[i]) return undefined;
    out[i] = k;
  }
  return out;
}

/** Bytes packed four per u32, little-endian (byte e in word e >> 2 at bits 8·(e & 3)), zero-padded. */
export function packBytes(bytes: Uint8Array): Uint32Array {
  const words = new Uint32Array(Math.ceil(bytes.length / 4));
  for (let e = 0; e < bytes.length; e++) words[e >> 2] |= bytes[e] << (8 * (e & 3));
  return words;
}

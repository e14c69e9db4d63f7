// Batches gathered on the GPU from a resident dataset and a shuffled index buffer
// (shaders/gather-batch.wgsl), with the NHWC → NCHW permutation, plus the host helpers that
// prepare the resident copy (bytes packed four to a word, and their decode table).
import type { DispatchSpec } from '../../gpu/runtime.ts';
import { UniformStruct } from '../../gpu/uniforms.ts';
import { bufferOf, checkGatherBatch, gridFor, offsetOf, WG, type TensorRef } from './kernel-args.ts';

export const GATHER_BATCH_SHADERS = ['gather-batch'] as const;

/** The uniform struct of shaders/gather-batch.wgsl. */
export const GATHER_BATCH_UNIFORMS = new UniformStruct('gather-batch', 'GatherParams', {
  b: 'u32', c: 'u32', h: 'u32', w: 'u32', start: 'u32', src_nhwc: 'u32', total: 'u32', data_offset: 'u32',
});

export interface GatherBatchShape {
  /** samples in this batch (the last batch of an epoch may be short) */
  batch: number;
  c: number;
  h: number;
  w: number;
}

export interface GatherBatchIo {
  /** the resident dataset, sample-major, from its offset (in 32-bit words) */
  data: TensorRef;
  /** u32 dataset rows in epoch order; this batch is the `batch` rows from the offset */
  indices: TensorRef;
  /** u32 [dataset size] class indices */
  labels: GPUBuffer;
  /** f32 [256] decode table, needed for the 'u8' format (see unitByteTable) */
  table?: GPUBuffer;
  /** out: f32 [batch, C, H, W] */
  x: GPUBuffer;
  /** out: u32 [batch] */
  y: GPUBuffer;
}

export interface GatherBatchOptions {
  /** 'f32' (default): float32 values; 'u8': bytes packed four per u32 (little-endian), decoded by `io.table` */
  format?: 'f32' | 'u8';
  /** layout of each resident sample: 'nhwc' (default, as the dataset files) or 'nchw' */
  layout?: 'nhwc' | 'nchw';
}

/**
 * x[b] = data[indices[b]] (as NCHW), y[b] = labels[indices[b]], for b < batch: one dispatch.
 * @throws RangeError or TypeError naming the argument (see kernel-args.ts)
 * @example gatherBatch({ batch: 128, c: 3, h: 16, w: 16 }, { data, indices: { buffer: order, offset: 256 }, labels, table, x, y }, { format: 'u8' })
 */
export function gatherBatch(shape: GatherBatchShape, io: GatherBatchIo, options: GatherBatchOptions = {}): DispatchSpec[] {
  checkGatherBatch(shape, io, options);
  const { batch, c, h, w } = shape;
  const u8 = options.format === 'u8';
  const total = batch * c * h * w;
  const uniforms = GATHER_BATCH_UNIFORMS.pack({
    b: batch, c, h, w, start: offsetOf(io.indices), src_nhwc: (options.layout ?? 'nhwc') === 'nhwc' ? 1 : 0, total,
    // the u8 kernel indexes bytes
    data_offset: u8 ? 4 * offsetOf(io.data) : offsetOf(io.data),
  });
  const workgroups = gridFor(Math.max(total, batch));
  const data = bufferOf(io.data), indices = bufferOf(io.indices);
  if (u8) {
    return [{ shader: 'gather-batch', entry: 'gather_u8', constants: { WG }, uniforms, buffers: [data, indices, io.labels, io.table!, io.x, io.y], workgroups }];
  }
  return [{ shader: 'gather-batch', entry: 'gather_f32', constants: { WG }, uniforms, buffers: [data, indices, io.labels, io.x, io.y], workgroups }];
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

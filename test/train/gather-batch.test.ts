import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Rng } from '../../src/random/rng.ts';
import { GATHER_BATCH_SHADERS, gatherBatch, packBytes, toUnitBytes, unitByteTable } from '../../src/train/kernels/gather-batch.ts';
import { gatherBatchReference } from '../../src/train/reference/gather-batch.ts';
import { openGpu, readU32, upF32, upU32, zeros } from '../helpers/gpu.ts';
import { expectEqual, f32 } from '../helpers/tolerance.ts';

await tf.setBackend('cpu');
const { env, skip } = await openGpu(GATHER_BATCH_SHADERS);
afterAll(() => env?.close());

const DATASET = 50;

describe.skipIf(!env)(`gather-batch on WebGPU${skip ? ` (${skip})` : ''}`, () => {
  it('gatherBatch builds NCHW batches from NHWC float32 and packed-byte datasets, like the twin and tf.gather', async () => {
    const { rt } = env!;
    const rng = new Rng(91);
    for (const [c, h, w] of [[1, 1, 1], [3, 5, 4], [1, 7, 7], [3, 16, 16]] as const) {
      const chw = c * h * w;
      // a dataset of k/255 values stored NHWC, as the .npy files hold it (float64)
      const raw = Float64Array.from({ length: DATASET * chw }, () => rng.int(256) / 255);
      const labels = Uint32Array.from({ length: DATASET }, () => rng.int(17));
      const perm = Uint32Array.from({ length: DATASET }, (_, i) => i);
      rng.shuffle(perm);
      const bytes = toUnitBytes(raw)!;
      expect(bytes).toBeDefined();
      const table = unitByteTable();
      const dataF = upF32(rt, raw), dataU = upU32(rt, packBytes(bytes)), tb = upF32(rt, table);
      const ib = upU32(rt, perm), lb = upU32(rt, labels);
      for (const [start, batch] of [[0, 8], [7, 8], [DATASET - 3, 3]]) {
        const total = batch * chw;
        const x1 = zeros(rt, total), x2 = zeros(rt, total), y1 = zeros(rt, batch), y2 = zeros(rt, batch);
        const shape = { batch, c, h, w }, common = { indices: { buffer: ib, offset: start }, labels: lb };
        rt.run([
          ...gatherBatch(shape, { ...common, data: dataF, x: x1, y: y1 }, { format: 'f32' }),
          ...gatherBatch(shape, { ...common, data: dataU, table: tb, x: x2, y: y2 }, { format: 'u8' }),
        ]);
        const L = `[${c},${h},${w}] start ${start} batch ${batch}`;
        const twin = gatherBatchReference(batch, c, h, w, f32(raw), 'nhwc', perm, start, labels);
        const gx = await rt.readF32(x1, total);
        expectEqual(gx, twin.x, `f32 x ${L}`);
        expectEqual(await rt.readF32(x2, total), twin.x, `u8 x ${L} (bit-identical to float32(k/255))`);
        expectEqual(await readU32(rt, y1, batch), twin.y, `y ${L}`);
        expectEqual(await readU32(rt, y2, batch), twin.y, `y (u8) ${L}`);
        const nhwc = tf.tensor4d(f32(raw), [DATASET, h, w, c]);
        const ref = tf.transpose(tf.gather(nhwc, tf.tensor1d(Array.from(perm.subarray(start, start + batch)), 'int32')), [0, 3, 1, 2]);
        expectEqual(gx, ref.dataSync(), `x vs tfjs ${L}`);
        [x1, x2, y1, y2].forEach((b) => rt.release(b));
      }
      [dataF, dataU, tb, ib, lb].forEach((b) => rt.release(b));
    }
  });

  it('gatherBatch reads NCHW-resident samples at a data offset', async () => {
    const { rt } = env!;
    const rng = new Rng(92);
    const [c, h, w, batch] = [3, 5, 4, 5];
    const chw = c * h * w;
    const data = f32(Array.from({ length: 3 + DATASET * chw }, () => rng.normal()));
    const perm = Uint32Array.from({ length: DATASET }, (_, i) => DATASET - 1 - i);
    const labels = Uint32Array.from({ length: DATASET }, (_, i) => i);
    const x = zeros(rt, batch * chw), y = zeros(rt, batch);
    rt.run(gatherBatch(
      { batch, c, h, w },
      { data: { buffer: upF32(rt, data), offset: 3 }, indices: { buffer: upU32(rt, perm), offset: 10 }, labels: upU32(rt, labels), x, y },
      { layout: 'nchw' },
    ));
    const twin = gatherBatchReference(batch, c, h, w, data.subarray(3), 'nchw', perm, 10, labels);
    expectEqual(await rt.readF32(x, batch * chw), twin.x, 'x');
    expectEqual(await readU32(rt, y, batch), [39, 38, 37, 36, 35], 'y');
  });

  it('gatherBatch reads packed bytes at a word offset', async () => {
    const { rt } = env!;
    const [c, h, w, batch] = [1, 3, 3, 2];
    const raw = Float64Array.from({ length: 4 * 9 }, (_, i) => (i * 7) % 256 / 255);
    const bytes = toUnitBytes(raw)!;
    const words = packBytes(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, ...bytes])); // two words before sample 0
    const perm = [3, 1], labels = [0, 1, 2, 3];
    const x = zeros(rt, batch * 9), y = zeros(rt, batch);
    rt.run(gatherBatch(
      { batch, c, h, w },
      { data: { buffer: upU32(rt, words), offset: 2 }, indices: upU32(rt, perm), labels: upU32(rt, labels), table: upF32(rt, unitByteTable()), x, y },
      { format: 'u8' },
    ));
    expectEqual(await rt.readF32(x, batch * 9), gatherBatchReference(batch, c, h, w, f32(raw), 'nhwc', perm, 0, labels).x, 'x');
    expectEqual(await readU32(rt, y, batch), [3, 1], 'y');
  });

  it('gatherBatch names a bad argument', () => {
    const { rt } = env!;
    const [d, i, l, x, y] = [zeros(rt, 64), zeros(rt, 64), zeros(rt, 64), zeros(rt, 64), zeros(rt, 64)];
    expect(() => gatherBatch({ batch: 2, c: 1, h: 2, w: 2 }, { data: d, indices: i, labels: l, x, y }, { format: 'u8' })).toThrow(/gatherBatch: io.table is required/);
    expect(() => gatherBatch({ batch: 2, c: 1, h: 2, w: 2 }, { data: d, indices: { buffer: i, offset: 63 }, labels: l, x, y })).toThrow(/gatherBatch: io.indices holds 256 bytes, needs 260/);
    expect(() => gatherBatch({ batch: 2, c: 1, h: 2, w: 2 }, { data: d, indices: i, labels: l, x, y }, { layout: 'hwc' as never })).toThrow(/gatherBatch: options.layout must be one of 'nhwc', 'nchw'/);
    expect(() => gatherBatch({ batch: 2, c: 1, h: 2, w: 2 }, { data: d, indices: i, labels: l, x, y: x })).toThrow(/gatherBatch: io.y and io.x must be different buffers/);
  });

  it('toUnitBytes refuses values that are not exactly k/255', () => {
    expect(toUnitBytes([0, 1, 128 / 255])).toEqual(new Uint8Array([0, 255, 128]));
    expect(toUnitBytes([0.5])).toBeUndefined();
    expect(toUnitBytes([-1 / 255])).toBeUndefined();
  });
});

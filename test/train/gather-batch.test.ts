import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Rng } from '../../src/random/rng.ts';
import { GATHER_BATCH_SHADERS, gatherBatch, packBytes, toUnitBytes, unitByteTable } from '../../src/train/kernels/gather-batch.ts';
import { gatherBatchRef } from '../../src/train/reference/gather-batch.ts';
import { expectEqual, f32, openGpu, readU32, upF32, upU32, zeros } from './tolerance.ts';

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
        const common = { batch, c, h, w, indices: ib, start, labels: lb };
        rt.run([
          ...gatherBatch({ ...common, data: dataF, format: 'f32', x: x1, y: y1 }),
          ...gatherBatch({ ...common, data: dataU, format: 'u8', table: tb, x: x2, y: y2 }),
        ]);
        const L = `[${c},${h},${w}] start ${start} batch ${batch}`;
        const twin = gatherBatchRef(batch, c, h, w, f32(raw), 'nhwc', perm, start, labels);
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
    rt.run(gatherBatch({ batch, c, h, w, data: upF32(rt, data), format: 'f32', layout: 'nchw', dataOffset: 3, indices: upU32(rt, perm), start: 10, labels: upU32(rt, labels), x, y }));
    const twin = gatherBatchRef(batch, c, h, w, data.subarray(3), 'nchw', perm, 10, labels);
    expectEqual(await rt.readF32(x, batch * chw), twin.x, 'x');
    expectEqual(await readU32(rt, y, batch), [39, 38, 37, 36, 35], 'y');
  });

  it('toUnitBytes refuses values that are not exactly k/255', () => {
    expect(toUnitBytes([0, 1, 128 / 255])).toEqual(new Uint8Array([0, 255, 128]));
    expect(toUnitBytes([0.5])).toBeUndefined();
    expect(toUnitBytes([-1 / 255])).toBeUndefined();
  });
});

import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Rng } from '../../src/random/rng.ts';
import { ACCURACY_SHADERS, accuracy } from '../../src/train/kernels/accuracy.ts';
import { accuracyReference } from '../../src/train/reference/accuracy.ts';
import { openGpu, readU32, upF32, upU32 } from '../helpers/gpu.ts';
import { expectEqual, f32 } from '../helpers/tolerance.ts';

await tf.setBackend('cpu');
const { env, skip } = await openGpu(ACCURACY_SHADERS);
afterAll(() => env?.close());

describe.skipIf(!env)(`accuracy on WebGPU${skip ? ` (${skip})` : ''}`, () => {
  it('accuracy counts top-1 and top-3 hits like the twin and tf.inTopKAsync, accumulated over batches', async () => {
    const { rt } = env!;
    const rng = new Rng(71);
    for (const [n, c] of [[1, 1], [3, 3], [8, 10], [300, 17], [5, 130], [2000, 10]] as const) {
      const counters = upU32(rt, [5, 0, 0, 5]);
      const expected = [0, 0];
      for (let batch = 0; batch < 2; batch++) {
        const z = f32(Array.from({ length: n * c }, () => rng.normal()));
        const labels = Uint32Array.from({ length: n }, () => rng.int(c));
        const zb = upF32(rt, z), lb = upU32(rt, labels);
        rt.run(accuracy({ rows: n, classes: c }, { logits: zb, labels: lb, counters: { buffer: counters, offset: 1 } }));
        const [h1, h3] = accuracyReference(n, c, z, labels);
        expected[0] += h1;
        expected[1] += h3;
        const zt = tf.tensor2d(z, [n, c]), lt = tf.tensor1d(Array.from(labels), 'int32');
        const hits = async (k: number) => Array.from((await tf.inTopKAsync(zt, lt, Math.min(k, c))).dataSync()).reduce((s, v) => s + Number(v), 0);
        const t1 = await hits(1), t3 = await hits(3);
        expect([h1, h3], `twin vs tfjs [${n}, ${c}]`).toEqual([t1, t3]);
        rt.release(zb);
        rt.release(lb);
      }
      expectEqual(await readU32(rt, counters, 4), [5, ...expected, 5], `counters [${n}, ${c}]`);
      rt.release(counters);
    }
  });

  it('accuracy resolves ties in favour of the label and treats NaN as greater', async () => {
    const { rt } = env!;
    const c = 5;
    const rows = [
      [1, 1, 1, 1, 1], // all tied: top-1 and top-3 hit (label 2)
      [3, 3, 1, 0, 0], // label 1 ties the max: top-1 hit
      [5, 4, 3, 3, 0], // label 3: two greater → top-3 hit, not top-1
      [5, 4, 3, 2, 0], // label 4: four greater → miss
      [NaN, 1, 0, 0, 0], // label 1: NaN counts as greater → top-3 only
      [NaN, 1, 0, 0, 0], // label 0 is NaN → miss
    ];
    const labels = [2, 1, 3, 4, 1, 0];
    const z = f32(rows.flat());
    const counters = upU32(rt, [0, 0]);
    rt.run(accuracy({ rows: rows.length, classes: c }, { logits: upF32(rt, z), labels: upU32(rt, labels), counters }));
    const ref = accuracyReference(rows.length, c, z, labels);
    expect(ref).toEqual([2, 4]);
    expectEqual(await readU32(rt, counters, 2), ref, 'tie counts');
  });
});

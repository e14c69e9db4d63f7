import { afterAll, describe, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { Rng } from '../../src/random/rng.ts';
import { GLOBAL_AVG_POOL_SHADERS, globalAvgPoolBackward, globalAvgPoolForward, type GapShape } from '../../src/train/kernels/global-avg-pool.ts';
import { globalAvgPoolBackwardReference, globalAvgPoolForwardReference } from '../../src/train/reference/global-avg-pool.ts';
import { openGpu, upF32, zeros } from '../helpers/gpu.ts';
import { expectCloseF32, f32 } from '../helpers/tolerance.ts';

await tf.setBackend('cpu');
const { env, skip } = await openGpu(GLOBAL_AVG_POOL_SHADERS);
afterAll(() => env?.close());

const SHAPES: GapShape[] = [
  { n: 1, c: 1, h: 1, w: 1 },
  { n: 1, c: 3, h: 3, w: 3 },
  { n: 3, c: 17, h: 5, w: 4 },
  { n: 8, c: 3, h: 7, w: 7 },
  { n: 3, c: 5, h: 28, w: 28 }, // rows longer than the lanes
  { n: 8, c: 130, h: 2, w: 2 }, // many rows per workgroup
];
const label = (s: GapShape) => `[${s.n},${s.c},${s.h},${s.w}]`;

describe.skipIf(!env)(`global-avg-pool on WebGPU${skip ? ` (${skip})` : ''}`, () => {
  it('globalAvgPoolForward and globalAvgPoolBackward match the twin and tf.mean / tf.grad', async () => {
    const { rt } = env!;
    const rng = new Rng(31);
    for (const s of SHAPES) {
      const rows = s.n * s.c, len = s.h * s.w;
      const x = f32(Array.from({ length: rows * len }, () => rng.normal()));
      const dy = f32(Array.from({ length: rows }, () => rng.normal()));
      const xb = upF32(rt, x), yb = zeros(rt, rows), dyb = upF32(rt, dy), dxb = zeros(rt, rows * len);
      rt.run([...globalAvgPoolForward(s, { x: xb, y: yb }), ...globalAvgPoolBackward(s, { dy: dyb, dx: dxb })]);
      const y = await rt.readF32(yb, rows), dx = await rt.readF32(dxb, rows * len);
      expectCloseF32(y, globalAvgPoolForwardReference(s, x), { terms: len, label: `y ${label(s)}` });
      expectCloseF32(dx, globalAvgPoolBackwardReference(s, dy), { label: `dx ${label(s)}` });
      // tfjs on NHWC: mean over H and W
      const nhwc = tf.transpose(tf.tensor4d(x, [s.n, s.c, s.h, s.w]), [0, 2, 3, 1]);
      const f = (t: tf.Tensor) => tf.mean(t, [1, 2]);
      expectCloseF32(y, f(nhwc).dataSync(), { terms: len, label: `y vs tfjs ${label(s)}` });
      const g = tf.grad(f)(nhwc, tf.tensor2d(dy, [s.n, s.c]));
      expectCloseF32(dx, tf.transpose(g, [0, 3, 1, 2]).dataSync(), { label: `dx vs tfjs ${label(s)}` });
      [xb, yb, dyb, dxb].forEach((b) => rt.release(b));
    }
  });
});

import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { Rng } from '../../src/random/rng.ts';
import { MAXPOOL2X2_SHADERS, maxpool2x2Backward, maxpool2x2Forward, maxpool2x2OutShape, type PoolShape } from '../../src/train/kernels/maxpool2x2.ts';
import { maxpool2x2BackwardReference, maxpool2x2ForwardReference } from '../../src/train/reference/maxpool2x2.ts';
import { openGpu, readU32, upF32, zeros } from '../helpers/gpu.ts';
import { expectCloseF32, expectEqual, f32 } from '../helpers/tolerance.ts';

await tf.setBackend('cpu');
const { env, skip } = await openGpu(MAXPOOL2X2_SHADERS);
afterAll(() => env?.close());

const SHAPES: PoolShape[] = [
  { n: 1, c: 1, h: 2, w: 2 },
  { n: 1, c: 3, h: 3, w: 3 },
  { n: 3, c: 17, h: 5, w: 4 },
  { n: 8, c: 3, h: 7, w: 7 },
  { n: 2, c: 4, h: 28, w: 28 },
];
const numel = (s: PoolShape) => s.n * s.c * s.h * s.w;
const label = (s: PoolShape) => `[${s.n},${s.c},${s.h},${s.w}]`;

describe.skipIf(!env)(`maxpool2x2 on WebGPU${skip ? ` (${skip})` : ''}`, () => {
  it('maxpool2x2Forward and maxpool2x2Backward match the twin and tf.maxPool (floor, odd sizes)', async () => {
    const { rt } = env!;
    const rng = new Rng(21);
    for (const s of SHAPES) {
      const o = maxpool2x2OutShape(s), no = numel(o), ni = numel(s);
      const x = f32(Array.from({ length: ni }, () => rng.normal()));
      const dy = f32(Array.from({ length: no }, () => rng.normal()));
      const xb = upF32(rt, x), yb = zeros(rt, no), ye = zeros(rt, no), ab = zeros(rt, no), dyb = upF32(rt, dy);
      const dxb = upF32(rt, new Float32Array(ni).fill(7)); // stale values must be overwritten
      rt.run([...maxpool2x2Forward(s, { x: xb, y: yb, argmax: ab }), ...maxpool2x2Forward(s, { x: xb, y: ye }), ...maxpool2x2Backward(s, { dy: dyb, argmax: ab, dx: dxb })]);
      const y = await rt.readF32(yb, no), yEval = await rt.readF32(ye, no), arg = await readU32(rt, ab, no), dx = await rt.readF32(dxb, ni);
      const twin = maxpool2x2ForwardReference(s, x);
      expectEqual(y, twin.y, `y ${label(s)}`);
      expectEqual(yEval, twin.y, `y (eval) ${label(s)}`);
      expectEqual(arg, twin.argmax, `argmax ${label(s)}`);
      expectEqual(dx, maxpool2x2BackwardReference(s, dy, twin.argmax), `dx ${label(s)}`);
      const nhwc = tf.transpose(tf.tensor4d(x, [s.n, s.c, s.h, s.w]), [0, 2, 3, 1]) as tf.Tensor4D;
      const pool = (t: tf.Tensor) => tf.maxPool(t as tf.Tensor4D, 2, 2, 'valid');
      expectEqual(y, tf.transpose(pool(nhwc), [0, 3, 1, 2]).dataSync(), `y vs tfjs ${label(s)}`);
      const dyNhwc = tf.transpose(tf.tensor4d(dy, [o.n, o.c, o.h, o.w]), [0, 2, 3, 1]);
      const g = tf.grad(pool)(nhwc, dyNhwc);
      expectCloseF32(dx, tf.transpose(g, [0, 3, 1, 2]).dataSync(), { label: `dx vs tfjs ${label(s)}` });
      [xb, yb, ye, ab, dyb, dxb].forEach((b) => rt.release(b));
    }
  });

  it('maxpool2x2Forward breaks ties towards the first element of the window, like PyTorch', async () => {
    const { rt } = env!;
    const s = { n: 1, c: 1, h: 2, w: 4 };
    const x = [1, 5, 2, 2, 5, 5, 2, 2];
    const xb = upF32(rt, x), yb = zeros(rt, 2), ab = zeros(rt, 2);
    rt.run(maxpool2x2Forward(s, { x: xb, y: yb, argmax: ab }));
    expectEqual(await rt.readF32(yb, 2), [5, 2], 'y');
    expectEqual(await readU32(rt, ab, 2), [1, 0], 'argmax');
  });

  it('maxpool2x2Forward(shape with h or w < 2) throws a RangeError naming the argument', () => {
    const { rt } = env!;
    expect(() => maxpool2x2Forward({ n: 1, c: 1, h: 1, w: 1 }, { x: rt.buffer(4), y: rt.buffer(4) })).toThrow(/maxpool2x2Forward: shape.h/);
    const b = rt.buffer(4);
    expect(() => maxpool2x2Forward({ n: 1, c: 1, h: 2, w: 2 }, { x: rt.buffer(16), y: b, argmax: b })).toThrow(/maxpool2x2Forward: io.argmax and io.y must be different buffers/);
  });
});

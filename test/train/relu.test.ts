import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { Rng } from '../../src/random/rng.ts';
import { gridFor } from '../../src/train/kernels/kernel-args.ts';
import { RELU_SHADERS, reluBackward, reluForward } from '../../src/train/kernels/relu.ts';
import { reluBackwardReference, reluForwardReference } from '../../src/train/reference/relu.ts';
import { openGpu, upF32, zeros } from '../helpers/gpu.ts';
import { expectCloseF32, expectEqual, f32 } from '../helpers/tolerance.ts';

await tf.setBackend('cpu');
const { env, skip } = await openGpu(RELU_SHADERS);
afterAll(() => env?.close());

function randn(rng: Rng, n: number): Float32Array {
  return f32(Array.from({ length: n }, () => rng.normal()));
}

describe.skipIf(!env)(`relu on WebGPU${skip ? ` (${skip})` : ''}`, () => {
  const sizes = [1, 3, 17 * 7 * 7, 1000];

  it('reluForward({ n }, { x, y }) matches the twin and tf.relu, out of place and in place', async () => {
    const { rt } = env!;
    const rng = new Rng(1);
    for (const n of sizes) {
      const x = randn(rng, n);
      const xb = upF32(rt, x), yb = zeros(rt, n), ib = upF32(rt, x);
      rt.run([...reluForward({ n }, { x: xb, y: yb }), ...reluForward({ n }, { x: ib })]);
      const y = await rt.readF32(yb, n), yi = await rt.readF32(ib, n);
      const twin = reluForwardReference(x);
      expectEqual(y, twin, `relu forward n=${n}`);
      expectEqual(yi, twin, `relu forward in place n=${n}`);
      expectEqual(y, tf.relu(tf.tensor1d(x)).dataSync(), `relu vs tfjs n=${n}`);
      [xb, yb, ib].forEach((b) => rt.release(b));
    }
  });

  it('reluBackward({ n }, { y, dy, dx }) gives dy·[y > 0] like tf.grad(relu), also in place', async () => {
    const { rt } = env!;
    const rng = new Rng(2);
    for (const n of sizes) {
      const x = randn(rng, n), dy = randn(rng, n);
      const y = f32(reluForwardReference(x));
      const yb = upF32(rt, y), dyb = upF32(rt, dy), dxb = zeros(rt, n), dyi = upF32(rt, dy);
      rt.run([...reluBackward({ n }, { y: yb, dy: dyb, dx: dxb }), ...reluBackward({ n }, { y: yb, dy: dyi })]);
      const dx = await rt.readF32(dxb, n), dxi = await rt.readF32(dyi, n);
      const twin = reluBackwardReference(y, dy);
      expectEqual(dx, twin, `relu backward n=${n}`);
      expectEqual(dxi, twin, `relu backward in place n=${n}`);
      const g = tf.grad((t: tf.Tensor) => tf.relu(t))(tf.tensor1d(x), tf.tensor1d(dy));
      expectCloseF32(dx, g.dataSync(), { label: `relu grad vs tfjs n=${n}` });
      [yb, dyb, dxb, dyi].forEach((b) => rt.release(b));
    }
  });

  it('gridFor(n) covers more than 65535 workgroups through the 2-D grid', () => {
    const n = 65536 * 256 + 300; // 65538 workgroups of 256
    const [x, y] = gridFor(n);
    expect(x).toBeLessThanOrEqual(65535);
    expect(x * y * 256).toBeGreaterThanOrEqual(n);
    expect((x - 1) * y * 256).toBeLessThan(n);
  });

  it('reluForward and reluBackward check sizes and aliasing, naming the argument', () => {
    const { rt } = env!;
    const small = rt.buffer(4), big = rt.buffer(4096);
    expect(() => reluForward({ n: 1000 }, { x: big, y: small })).toThrow(/reluForward: io.y holds 256 bytes, needs 4000/);
    expect(() => reluBackward({ n: 10 }, { y: big, dy: small, dx: big })).toThrow(/reluBackward: io.y and io.dx must be different buffers \(io.dx is written\)/);
    expect(() => reluForward({ n: 0 }, { x: big })).toThrow(/reluForward: shape.n must be an integer in \[1, /);
    expect(() => reluForward({ n: 10 }, { x: big, z: small } as never)).toThrow(/reluForward: io.z is not an argument of reluForward/);
    expect(() => reluBackward({ n: 10 }, { dy: big } as never)).toThrow(/reluBackward: io.y is required/);
  });
});

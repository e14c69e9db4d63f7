import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Rng } from '../../src/random/rng.ts';
import { AUGMENT_SHADERS, augmentBatch, mixTargets, type AugmentShape } from '../../src/train/kernels/augment.ts';
import { augmentBatchReference, mixTargetsReference } from '../../src/train/reference/augment.ts';
import { openGpu, upF32, upU32, zeros } from '../helpers/gpu.ts';
import { expectCloseF32, expectEqual, f32 } from '../helpers/tolerance.ts';

await tf.setBackend('cpu');
const { env, skip } = await openGpu(AUGMENT_SHADERS);
afterAll(() => env?.close());

const SHAPES: AugmentShape[] = [
  { n: 1, c: 1, h: 1, w: 1 },
  { n: 3, c: 3, h: 5, w: 4 },
  { n: 8, c: 1, h: 7, w: 7 },
  { n: 8, c: 3, h: 16, w: 16 },
];

function draws(rng: Rng, n: number) {
  const flip = Uint32Array.from({ length: n }, () => (rng.random() < 0.5 ? 1 : 0));
  const lambda = f32(Array.from({ length: n }, () => rng.random()));
  const partner = Uint32Array.from({ length: n }, (_, i) => i);
  rng.shuffle(partner);
  return { flip, lambda, partner };
}

describe.skipIf(!env)(`augment on WebGPU${skip ? ` (${skip})` : ''}`, () => {
  it('augmentBatch flips and mixes per sample like the twin and a tfjs composition', async () => {
    const { rt } = env!;
    const rng = new Rng(81);
    for (const s of SHAPES) {
      const total = s.n * s.c * s.h * s.w;
      const x = f32(Array.from({ length: total }, () => rng.random()));
      const { flip, lambda, partner } = draws(rng, s.n);
      const xb = upF32(rt, x), fb = upU32(rt, flip), lb = upF32(rt, lambda), pb = upU32(rt, partner);
      const o1 = zeros(rt, total), o2 = zeros(rt, total), o3 = zeros(rt, total);
      rt.run([
        ...augmentBatch(s, { x: xb, out: o1, flip: fb, lambda: lb, partner: pb }),
        ...augmentBatch(s, { x: xb, out: o2, flip: fb }),
        ...augmentBatch(s, { x: xb, out: o3, lambda: lb, partner: pb }),
      ]);
      const L = `[${s.n},${s.c},${s.h},${s.w}]`;
      const mixed = await rt.readF32(o1, total);
      expectCloseF32(mixed, augmentBatchReference(s, x, flip, lambda, partner), { label: `flip + mixup ${L}` });
      expectEqual(await rt.readF32(o2, total), augmentBatchReference(s, x, flip), `flip only ${L}`);
      expectCloseF32(await rt.readF32(o3, total), augmentBatchReference(s, x, undefined, lambda, partner), { label: `mixup only ${L}` });
      // tfjs: flip by reversing W where the flag is set, then λ·x + (1 − λ)·x[perm]
      const xt = tf.tensor4d(x, [s.n, s.c, s.h, s.w]);
      const flipped = tf.where(tf.tensor4d(Array.from(flip).flatMap((f) => new Array(s.c * s.h * s.w).fill(f === 1)), [s.n, s.c, s.h, s.w], 'bool'), tf.reverse(xt, 3), xt);
      const lam = tf.tensor4d(lambda, [s.n, 1, 1, 1]);
      const ref = tf.add(tf.mul(lam, flipped), tf.mul(tf.sub(1, lam), tf.gather(flipped, tf.tensor1d(Array.from(partner), 'int32'))));
      expectCloseF32(mixed, ref.dataSync(), { label: `flip + mixup vs tfjs ${L}` });
      [xb, fb, lb, pb, o1, o2, o3].forEach((b) => rt.release(b));
    }
  });

  it('mixTargets builds λ·onehot(y_i) + (1 − λ)·onehot(y_partner) and plain one-hot targets', async () => {
    const { rt } = env!;
    const rng = new Rng(82);
    for (const [n, classes] of [[1, 1], [8, 10], [85, 17]] as const) {
      const labels = Uint32Array.from({ length: n }, () => rng.int(classes));
      const { lambda, partner } = draws(rng, n);
      const yb = upU32(rt, labels), lb = upF32(rt, lambda), pb = upU32(rt, partner);
      const t1 = zeros(rt, n * classes), t2 = zeros(rt, n * classes);
      rt.run([...mixTargets({ n, classes }, { labels: yb, lambda: lb, partner: pb, targets: t1 }), ...mixTargets({ n, classes }, { labels: yb, targets: t2 })]);
      const mixed = await rt.readF32(t1, n * classes);
      expectCloseF32(mixed, mixTargetsReference(n, classes, labels, lambda, partner), { label: `mixed targets [${n}, ${classes}]` });
      expectEqual(await rt.readF32(t2, n * classes), mixTargetsReference(n, classes, labels), `one-hot [${n}, ${classes}]`);
      for (let i = 0; i < n; i++) {
        const rowSum = mixed.subarray(i * classes, (i + 1) * classes).reduce((a, b) => a + b, 0);
        expect(Math.abs(rowSum - 1)).toBeLessThan(1e-6);
      }
      [yb, lb, pb, t1, t2].forEach((b) => rt.release(b));
    }
  });

  it('augmentBatch(lambda without partner) throws a TypeError naming the function', () => {
    const { rt } = env!;
    const b = rt.buffer(4);
    expect(() => augmentBatch({ n: 1, c: 1, h: 1, w: 1 }, { x: b, out: rt.buffer(4), lambda: b })).toThrow(/augmentBatch: io.lambda and io.partner must be given together/);
    expect(() => mixTargets({ n: 1, classes: 2 }, { labels: b, partner: b, targets: rt.buffer(8) })).toThrow(/mixTargets: io.lambda and io.partner must be given together/);
  });
});

import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { Rng } from '../../src/random/rng.ts';
import { mseLoss, SOFTMAX_CROSS_ENTROPY_SHADERS, softCrossEntropy, softmaxCrossEntropy } from '../../src/train/kernels/softmax-cross-entropy.ts';
import { mseLossRef, softCrossEntropyRef, softmaxCrossEntropyRef } from '../../src/train/reference/softmax-cross-entropy.ts';
import { expectClose, f32, openGpu, upF32, upU32, zeros } from './tolerance.ts';

await tf.setBackend('cpu');
const { env, skip } = await openGpu(SOFTMAX_CROSS_ENTROPY_SHADERS);
afterAll(() => env?.close());

const SHAPES: [number, number][] = [[1, 1], [3, 3], [8, 10], [3, 17], [8, 33], [5, 130], [1000, 10]];

function softTargets(rng: Rng, n: number, c: number): Float32Array {
  const t = new Float32Array(n * c);
  for (let i = 0; i < n; i++) {
    // a mixup target: λ·onehot(a) + (1 − λ)·onehot(b)
    const lam = rng.random();
    t[i * c + rng.int(c)] += lam;
    t[i * c + rng.int(c)] += 1 - lam;
  }
  return t;
}

describe.skipIf(!env)(`softmax-cross-entropy on WebGPU${skip ? ` (${skip})` : ''}`, () => {
  it('softmaxCrossEntropy, softCrossEntropy and mseLoss match the twins and tf.losses (loss and gradient)', async () => {
    const { rt } = env!;
    const rng = new Rng(51);
    for (const [n, c] of SHAPES) {
      const z = f32(Array.from({ length: n * c }, () => 3 * rng.normal()));
      const labels = Uint32Array.from({ length: n }, () => rng.int(c));
      const t = softTargets(rng, n, c), teacher = f32(Array.from({ length: n * c }, () => 3 * rng.normal()));
      const zb = upF32(rt, z), lb = upU32(rt, labels), tb = upF32(rt, t), teb = upF32(rt, teacher);
      const rowLoss = zeros(rt, n), loss = zeros(rt, 8), d1 = zeros(rt, n * c), d2 = zeros(rt, n * c), d3 = zeros(rt, n * c);
      const base = { rows: n, classes: c, logits: zb, rowLoss };
      rt.run([
        ...softmaxCrossEntropy({ ...base, labels: lb, dlogits: d1, loss: { buffer: loss, offset: 1 } }),
        ...softmaxCrossEntropy({ ...base, labels: lb, loss: { buffer: loss, offset: 2 } }),
        ...softCrossEntropy({ ...base, targets: tb, dlogits: d2, loss: { buffer: loss, offset: 3 } }),
        ...mseLoss({ ...base, teacher: teb, dlogits: d3, loss: { buffer: loss, offset: 4 } }),
      ]);
      const L = await rt.readF32(loss, 5);
      const g1 = await rt.readF32(d1, n * c), g2 = await rt.readF32(d2, n * c), g3 = await rt.readF32(d3, n * c);
      const tag = `[${n}, ${c}]`;
      const hard = softmaxCrossEntropyRef(n, c, z, labels), soft = softCrossEntropyRef(n, c, z, t), mse = mseLossRef(n, c, z, teacher);
      expectClose([L[1], L[2]], [hard.loss, hard.loss], { terms: n, label: `CE loss ${tag}` });
      expectClose(g1, hard.dlogits, { terms: c, label: `CE grad ${tag}` });
      expectClose([L[3]], [soft.loss], { terms: n * c, label: `soft CE loss ${tag}` });
      expectClose(g2, soft.dlogits, { terms: c, label: `soft CE grad ${tag}` });
      expectClose([L[4]], [mse.loss], { terms: n * c, label: `MSE loss ${tag}` });
      expectClose(g3, mse.dlogits, { label: `MSE grad ${tag}` });
      expect(L[0], 'loss slots other than the index untouched').toBe(0);

      const zt = tf.tensor2d(z, [n, c]);
      const oneHot = tf.tensor2d(Float32Array.from({ length: n * c }, (_, i) => (labels[Math.floor(i / c)] === i % c ? 1 : 0)), [n, c]);
      const ce = (onehot: tf.Tensor) => (x: tf.Tensor) => tf.losses.softmaxCrossEntropy(onehot, x);
      const softT = tf.tensor2d(t, [n, c]), teachT = tf.tensor2d(teacher, [n, c]);
      expectClose([L[1]], ce(oneHot)(zt).dataSync(), { terms: n, label: `CE loss vs tfjs ${tag}` });
      expectClose(g1, tf.grad(ce(oneHot))(zt).dataSync(), { terms: c, label: `CE grad vs tfjs ${tag}` });
      expectClose([L[3]], ce(softT)(zt).dataSync(), { terms: n * c, label: `soft CE loss vs tfjs ${tag}` });
      expectClose(g2, tf.grad(ce(softT))(zt).dataSync(), { terms: c, label: `soft CE grad vs tfjs ${tag}` });
      const ms = (x: tf.Tensor) => tf.losses.meanSquaredError(teachT, x);
      expectClose([L[4]], ms(zt).dataSync(), { terms: n * c, label: `MSE vs tfjs ${tag}` });
      expectClose(g3, tf.grad(ms)(zt).dataSync(), { label: `MSE grad vs tfjs ${tag}` });
      [zb, lb, tb, teb, rowLoss, loss, d1, d2, d3].forEach((b) => rt.release(b));
    }
  });

  it('softmaxCrossEntropy is stable for large logits and accumulates weighted batch losses', async () => {
    const { rt } = env!;
    const n = 4, c = 17;
    const z = f32(Array.from({ length: n * c }, (_, i) => 500 + 40 * Math.sin(i)));
    const labels = [0, 5, 16, 9];
    const zb = upF32(rt, z), lb = upU32(rt, labels), rowLoss = zeros(rt, n), loss = upF32(rt, [0.5]), d = zeros(rt, n * c);
    // epoch-style: two batches accumulated with weights 4/10 and 6/10 into one slot
    rt.run([
      ...softmaxCrossEntropy({ rows: n, classes: c, logits: zb, labels: lb, rowLoss, loss, dlogits: d, accumulate: true, lossWeight: 0.1 }),
      ...softmaxCrossEntropy({ rows: n, classes: c, logits: zb, labels: lb, rowLoss, loss, accumulate: true, lossWeight: 0.15 }),
    ]);
    const ref = softmaxCrossEntropyRef(n, c, z, labels);
    expectClose(await rt.readF32(loss, 1), [0.5 + ref.loss * n * 0.25], { terms: n * c, label: 'accumulated loss' });
    const g = await rt.readF32(d, n * c);
    expect(g.every(Number.isFinite)).toBe(true);
    expectClose(g, ref.dlogits, { terms: c, label: 'gradient at large logits' });
  });
});

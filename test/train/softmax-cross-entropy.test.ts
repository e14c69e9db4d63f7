import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { Rng } from '../../src/random/rng.ts';
import { mseLoss, SOFTMAX_CROSS_ENTROPY_SHADERS, softCrossEntropy, softmaxCrossEntropy } from '../../src/train/kernels/softmax-cross-entropy.ts';
import { mseLossReference, softCrossEntropyReference, softmaxCrossEntropyReference } from '../../src/train/reference/softmax-cross-entropy.ts';
import { openGpu, upF32, upU32, zeros } from '../helpers/gpu.ts';
import { expectCloseF32, f32 } from '../helpers/tolerance.ts';

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
      const shape = { rows: n, classes: c }, base = { logits: zb, rowLoss };
      rt.run([
        ...softmaxCrossEntropy(shape, { ...base, labels: lb, dlogits: d1, loss: { buffer: loss, offset: 1 } }),
        ...softmaxCrossEntropy(shape, { ...base, labels: lb, loss: { buffer: loss, offset: 2 } }),
        ...softCrossEntropy(shape, { ...base, targets: tb, dlogits: d2, loss: { buffer: loss, offset: 3 } }),
        ...mseLoss(shape, { ...base, teacher: teb, dlogits: d3, loss: { buffer: loss, offset: 4 } }),
      ]);
      const L = await rt.readF32(loss, 5);
      const g1 = await rt.readF32(d1, n * c), g2 = await rt.readF32(d2, n * c), g3 = await rt.readF32(d3, n * c);
      const tag = `[${n}, ${c}]`;
      const hard = softmaxCrossEntropyReference(n, c, z, labels), soft = softCrossEntropyReference(n, c, z, t), mse = mseLossReference(n, c, z, teacher);
      expectCloseF32([L[1], L[2]], [hard.loss, hard.loss], { terms: n, label: `CE loss ${tag}` });
      expectCloseF32(g1, hard.dlogits, { terms: c, label: `CE grad ${tag}` });
      expectCloseF32([L[3]], [soft.loss], { terms: n * c, label: `soft CE loss ${tag}` });
      expectCloseF32(g2, soft.dlogits, { terms: c, label: `soft CE grad ${tag}` });
      expectCloseF32([L[4]], [mse.loss], { terms: n * c, label: `MSE loss ${tag}` });
      expectCloseF32(g3, mse.dlogits, { label: `MSE grad ${tag}` });
      expect(L[0], 'loss slots other than the index untouched').toBe(0);

      const zt = tf.tensor2d(z, [n, c]);
      const oneHot = tf.tensor2d(Float32Array.from({ length: n * c }, (_, i) => (labels[Math.floor(i / c)] === i % c ? 1 : 0)), [n, c]);
      const ce = (onehot: tf.Tensor) => (x: tf.Tensor) => tf.losses.softmaxCrossEntropy(onehot, x);
      const softT = tf.tensor2d(t, [n, c]), teachT = tf.tensor2d(teacher, [n, c]);
      expectCloseF32([L[1]], ce(oneHot)(zt).dataSync(), { terms: n, label: `CE loss vs tfjs ${tag}` });
      expectCloseF32(g1, tf.grad(ce(oneHot))(zt).dataSync(), { terms: c, label: `CE grad vs tfjs ${tag}` });
      expectCloseF32([L[3]], ce(softT)(zt).dataSync(), { terms: n * c, label: `soft CE loss vs tfjs ${tag}` });
      expectCloseF32(g2, tf.grad(ce(softT))(zt).dataSync(), { terms: c, label: `soft CE grad vs tfjs ${tag}` });
      const ms = (x: tf.Tensor) => tf.losses.meanSquaredError(teachT, x);
      expectCloseF32([L[4]], ms(zt).dataSync(), { terms: n * c, label: `MSE vs tfjs ${tag}` });
      expectCloseF32(g3, tf.grad(ms)(zt).dataSync(), { label: `MSE grad vs tfjs ${tag}` });
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
      ...softmaxCrossEntropy({ rows: n, classes: c }, { logits: zb, labels: lb, rowLoss, loss, dlogits: d }, { accumulate: true, lossWeight: 0.1 }),
      ...softmaxCrossEntropy({ rows: n, classes: c }, { logits: zb, labels: lb, rowLoss, loss }, { accumulate: true, lossWeight: 0.15 }),
    ]);
    const ref = softmaxCrossEntropyReference(n, c, z, labels);
    expectCloseF32(await rt.readF32(loss, 1), [0.5 + ref.loss * n * 0.25], { terms: n * c, label: 'accumulated loss' });
    const g = await rt.readF32(d, n * c);
    expect(g.every(Number.isFinite)).toBe(true);
    expectCloseF32(g, ref.dlogits, { terms: c, label: 'gradient at large logits' });
  });

  it('softmaxCrossEntropy, softCrossEntropy and mseLoss name a bad argument', () => {
    const { rt } = env!;
    const [z, l, r, t] = [zeros(rt, 64), zeros(rt, 4), zeros(rt, 4), zeros(rt, 64)];
    const shape = { rows: 4, classes: 16 };
    expect(() => softmaxCrossEntropy(shape, { logits: z, labels: l, rowLoss: r, loss: { buffer: t, offset: 64 } })).toThrow(/softmaxCrossEntropy: io.loss holds 256 bytes, needs 260/);
    expect(() => softCrossEntropy(shape, { logits: z, targets: t, rowLoss: r, loss: t } as never)).toThrow(/softCrossEntropy: io.dlogits is required/);
    expect(() => mseLoss(shape, { logits: z, teacher: t, rowLoss: r, loss: l, dlogits: z })).toThrow(/mseLoss: io.logits and io.dlogits must be different buffers/);
    expect(() => softmaxCrossEntropy(shape, { logits: z, labels: l, rowLoss: r, loss: t }, { lossWeight: NaN })).toThrow(/softmaxCrossEntropy: options.lossWeight must be a finite number/);
  });
});

// Bulk & Cut's training mode and what a training measures, on both backends (the real WebGPU
// adapter, software in CI, and the real WebAssembly module) with real Flowers images: the
// Gamma/Beta sampler of the mixup weights against its closed-form moments; the trainer's draws;
// one augmented step's loss and every gradient against tfjs (soft cross-entropy on the flipped
// and mixed batch with BatchNorm in training mode, and MSE to a teacher's evaluation-mode
// logits); evaluation's summed hard cross-entropy and top-k counts on every split (train too)
// against the float64 twin, across partial batches; a training of 0 epochs from a given state; a
// plain training (hard labels) resumed from any epoch's checkpoint ends bit-identical.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { type Dataset, type Split } from '../../src/datasets/index.ts';
import { Rng } from '../../src/random/rng.ts';
import type { ModelState, StepDraws } from '../../src/train/backend.ts';
import type { Checkpoint } from '../../src/train/checkpoint.ts';

import { initParameters, layoutSpec, type NetworkLayout, type NetworkSpec } from '../../src/train/network.ts';
import { buildPlan, splitParameters } from '../../src/train/plan.ts';
import { accuracyReference } from '../../src/train/reference/accuracy.ts';
import { augmentBatchReference, mixTargetsReference } from '../../src/train/reference/augment.ts';
import { networkForwardReference } from '../../src/train/reference/network.ts';
import { softmaxCrossEntropyReference } from '../../src/train/reference/softmax-cross-entropy.ts';
import { augmentationRng, drawAugmentation, trainAndEvaluate } from '../../src/train/trainer.ts';
import { TRAINING_KINDS, useTrainingBackends } from '../helpers/training.ts';

const t = useTrainingBackends();
const KINDS = TRAINING_KINDS;
const CLASSES = 17;
const SAMPLE = 3 * 16 * 16;

/** n samples of a split, every `stride`-th (several classes). */
function sub(s: Split, n: number, stride: number): Split {
  const x = new Float32Array(n * SAMPLE), labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const src = (i * stride) % s.n;
    x.set(s.x.subarray(src * SAMPLE, (src + 1) * SAMPLE), i * SAMPLE);
    labels[i] = s.labels[src];
  }
  return { x, labels, n };
}

/** Small distinct splits: 12 training, 7 validation, 9 test images. */
const smallData = (ds: Dataset): Dataset => ({ ...ds, train: sub(ds.train, 12, 37), val: sub(ds.val, 7, 11), test: sub(ds.test, 9, 13) });

/** Bulk & Cut's shape: two cells in the first section (one max-pool after both), then one. */
const cell = (cout: number, pool: boolean, batchNorm: boolean) => ({ cout, k: 3, batchNorm, pool });
const layout = (batchNorm: boolean, widths = [4, 5, 6]): NetworkLayout => ({
  input: [3, 16, 16], numClasses: CLASSES,
  convs: [cell(widths[0], false, batchNorm), cell(widths[1], true, batchNorm), cell(widths[2], true, batchNorm)],
  globalAvgPooling: true, fcWidths: [7],
});

/** PyTorch's initialisation from `seed`, with spread-out γ, β and running statistics where there is BatchNorm. */
function stateOf(spec: NetworkSpec, seed: number): ModelState {
  const plan = buildPlan(spec, 1, 1e-3);
  const state = splitParameters(plan, initParameters(spec, seed));
  const rng = new Rng(seed + 1000);
  for (const p of plan.params) {
    if (!/^bn\d+$/.test(p.name)) continue;
    const c = p.size / 2;
    state.set(p.name, Float32Array.from({ length: 2 * c }, () => rng.uniform(-0.5, 1.5)));
    state.set(`${p.name}.running`, Float32Array.from({ length: 2 * c }, (_, i) => (i < c ? rng.uniform(0, 0.5) : rng.uniform(0.05, 0.3))));
  }
  return state;
}

const bits = (t: Float32Array) => new Uint32Array(t.slice().buffer);

/** |a − b| ≤ rel·max|b| elementwise, naming the first element that is not. */
function close(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, rel: number): void {
  expect(actual.length, what).toBe(expected.length);
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i] - expected[i]) <= rel * scale + 1e-7)) expect.fail(`${what}[${i}]: ${actual[i]} vs ${expected[i]} (scale ${scale})`);
  }
}

describe('the mixup weights: Rng.gamma and Rng.beta against their closed-form moments', () => {
  /** Sample mean and variance of `draw` with their standard errors (from the sample's own moments). */
  function moments(draw: () => number, n: number) {
    const xs = Float64Array.from({ length: n }, draw);
    const mean = xs.reduce((s, x) => s + x, 0) / n;
    let m2 = 0, m4 = 0;
    for (const x of xs) {
      m2 += (x - mean) ** 2;
      m4 += (x - mean) ** 4;
    }
    m2 /= n;
    m4 /= n;
    return { xs, mean, variance: m2, seMean: Math.sqrt(m2 / n), seVariance: Math.sqrt((m4 - m2 * m2) / n) };
  }

  it.for([0.25, 0.7, 1, 2.5, 9])('Gamma(%s, 1): mean k and variance k within 5 standard errors', (k) => {
    const rng = new Rng(17);
    const m = moments(() => rng.gamma(k), 100_000);
    expect(m.xs.every((x) => x >= 0 && Number.isFinite(x))).toBe(true);
    expect(Math.abs(m.mean - k)).toBeLessThan(5 * m.seMean);
    expect(Math.abs(m.variance - k)).toBeLessThan(5 * m.seVariance);
  });

  it.for([[0.25, 0.25], [0.5, 3], [2, 5], [1, 1]] as const)('Beta(%s, %s): mean a/(a+b) and variance ab/((a+b)²(a+b+1)) within 5 standard errors', ([a, b]) => {
    const rng = new Rng(23);
    const m = moments(() => rng.beta(a, b), 100_000);
    expect(m.xs.every((x) => x >= 0 && x <= 1)).toBe(true);
    const mean = a / (a + b), variance = (a * b) / ((a + b) ** 2 * (a + b + 1));
    expect(Math.abs(m.mean - mean)).toBeLessThan(5 * m.seMean);
    expect(Math.abs(m.variance - variance)).toBeLessThan(5 * m.seVariance);
    if (a === 0.25) {
      // U-shaped: P(X < 0.1) = I_0.1(1/4, 1/4) = 0.30809 (the regularised incomplete beta), within
      // 5 standard errors (0.0073) of a proportion of 100 000
      const low = m.xs.filter((x) => x < 0.1).length / m.xs.length;
      expect(Math.abs(low - 0.30809)).toBeLessThan(5 * Math.sqrt((0.30809 * 0.69191) / m.xs.length));
    }
  });

  it('rejects shapes that are not positive numbers, naming the argument', () => {
    const rng = new Rng(1);
    for (const bad of [0, -1, NaN, Infinity]) expect(() => rng.gamma(bad)).toThrow(/Rng\.gamma: shape must be a positive number/);
  });
});

describe("the trainer's augmentation draws", () => {
  it('depend on (seed, epoch) only: flips with probability 1/2, a permutation of partners, λ ~ Beta(α, α); flip: false draws the same λ and partners', () => {
    const n = 64;
    const make = () => ({ flip: new Uint32Array(n), lambda: new Float32Array(n), partner: new Uint32Array(n) });
    let flips = 0, count = 0, sum = 0, sum2 = 0;
    for (let epoch = 0; epoch < 40; epoch++) {
      const a = make(), b = make(), c = make();
      const ra = augmentationRng(5, epoch), rb = augmentationRng(5, epoch), rc = augmentationRng(5, epoch);
      drawAugmentation(ra, 0.25, true, n, a);
      drawAugmentation(rb, 0.25, true, n, b);
      drawAugmentation(rc, 0.25, false, n, c);
      expect(bits(a.lambda)).toEqual(bits(b.lambda));
      expect(a.partner).toEqual(b.partner);
      expect(a.flip).toEqual(b.flip);
      expect(c.flip.every((f) => f === 0)).toBe(true);
      expect(bits(c.lambda)).toEqual(bits(a.lambda));
      expect(c.partner).toEqual(a.partner);
      expect([...a.partner].sort((x, y) => x - y)).toEqual(Array.from({ length: n }, (_, i) => i));
      for (let i = 0; i < n; i++) {
        flips += a.flip[i];
        sum += a.lambda[i];
        sum2 += a.lambda[i] ** 2;
        count++;
      }
      // another epoch, or another seed, draws otherwise
      const d = make();
      drawAugmentation(augmentationRng(5, epoch + 1), 0.25, true, n, d);
      expect(bits(d.lambda)).not.toEqual(bits(a.lambda));
    }
    // 2560 draws: the flip rate within 5 standard errors (0.01) of 1/2; λ's mean and variance of Beta(1/4, 1/4): 1/2 and 1/6
    expect(Math.abs(flips / count - 0.5)).toBeLessThan(0.05);
    const mean = sum / count, variance = sum2 / count - mean * mean;
    expect(Math.abs(mean - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 6 / count));
    expect(Math.abs(variance - 1 / 6)).toBeLessThan(0.02);
  });
});

/** Logits of the network in tfjs (NHWC input), BatchNorm with batch statistics (train) or running ones. */
function tfLogits(spec: NetworkSpec, x: tf.Tensor4D, p: Record<string, tf.Tensor>, running?: ModelState): tf.Tensor2D {
  let a: tf.Tensor4D = x;
  spec.convs.forEach((l, i) => {
    const filter = tf.transpose(tf.reshape(p[`conv${i}.weight`], [l.cout, l.cin, l.k, l.k]), [2, 3, 1, 0]) as tf.Tensor4D;
    a = tf.relu(tf.add(tf.conv2d(a, filter, 1, 'same'), p[`conv${i}.bias`])) as tf.Tensor4D;
    if (l.batchNorm) {
      const gb = p[`bn${i}`];
      const gamma = tf.slice(gb, [0], [l.cout]), beta = tf.slice(gb, [l.cout], [l.cout]);
      let mean: tf.Tensor, variance: tf.Tensor;
      if (running) {
        const r = running.get(`bn${i}.running`)!;
        mean = tf.tensor1d(r.subarray(0, l.cout));
        variance = tf.tensor1d(r.subarray(l.cout));
      } else ({ mean, variance } = tf.moments(a, [0, 1, 2]));
      a = tf.add(tf.mul(tf.div(tf.sub(a, mean), tf.sqrt(tf.add(variance, 1e-5))), gamma), beta) as tf.Tensor4D;
    }
    if (l.pool) a = tf.maxPool(a, 2, 2, 'valid');
  });
  let z: tf.Tensor2D = spec.globalAvgPooling ? tf.mean(a, [1, 2]) as tf.Tensor2D : tf.reshape(tf.transpose(a, [0, 3, 1, 2]), [a.shape[0], spec.flatten]);
  spec.dense.forEach((d, j) => {
    z = tf.add(tf.matMul(z, tf.reshape(p[`fc${j}.weight`], [d.out, d.in]), false, true), p[`fc${j}.bias`]) as tf.Tensor2D;
    if (d.relu) z = tf.relu(z);
  });
  return z;
}

/** NCHW float64 images as an NHWC float32 tensor. */
const nhwc = (x: ArrayLike<number>, n: number) => tf.transpose(tf.tensor4d(Float32Array.from(x), [n, 3, 16, 16]), [0, 2, 3, 1]) as tf.Tensor4D;

describe.for(KINDS)('Bulk & Cut training on %s', (kind) => {
  it.for(['soft cross-entropy', 'distillation'] as const)('one augmented step (%s): the loss and every gradient match tfjs on the flipped and mixed batch, BatchNorm in training mode', async (mode, ctx) => {
    const backend = t.backends[kind];
    if (!backend) return ctx.skip(t.skip);
    await tf.setBackend('cpu');
    const n = 10;
    const ds = smallData(t.flowers);
    const data = backend.upload(ds);
    const spec = layoutSpec(layout(true));
    const state = stateOf(spec, 31);
    const rng = new Rng(41);
    const draws: StepDraws = { flip: new Uint32Array(n), lambda: new Float32Array(n), partner: new Uint32Array(n) };
    drawAugmentation(rng, 0.25, true, n, draws);
    expect(new Set(draws.flip).size).toBe(2); // some flipped, some not
    // the batch is order[0, n) of the training split: a shuffled order tests that partners index the batch
    const order = Uint32Array.from({ length: 12 }, (_, i) => (i * 5) % 12);
    const labels = Int32Array.from({ length: n }, (_, i) => ds.train.labels[order[i]]);
    const raw = new Float64Array(n * SAMPLE);
    for (let i = 0; i < n; i++) raw.set(ds.train.x.subarray(order[i] * SAMPLE, (order[i] + 1) * SAMPLE), i * SAMPLE);
    const x = augmentBatchReference({ n, c: 3, h: 16, w: 16 }, raw, draws.flip, draws.lambda, draws.partner);
    const teacherSpec = layoutSpec(layout(true, [5, 3, 4]));
    const teacherState = stateOf(teacherSpec, 43);
    const teacher = mode === 'distillation' ? backend.build(buildPlan(teacherSpec, n, 1e-3), teacherState, data) : undefined;
    const program = backend.build(buildPlan(spec, n, 1e-3), state, data, teacher ? { teacher } : { augment: true });
    try {
      program.setOrder(order);
      program.trainStep(0, 0, n, 1, draws);
      const [loss] = await program.epochLosses(1);
      const names = [...buildPlan(spec, n, 1e-3).params.map((p) => p.name)];
      const grads = new Map<string, Float32Array>();
      for (const name of names) grads.set(name, await program.read(name, 'grad'));

      const xt = nhwc(x, n);
      const target = mode === 'distillation'
        ? tf.tensor2d(Float32Array.from(networkForwardReference(teacherSpec, teacherState, x, n)), [n, CLASSES]) // the teacher in evaluation mode
        : tf.tensor2d(Float32Array.from(mixTargetsReference(n, CLASSES, labels, draws.lambda, draws.partner)), [n, CLASSES]);
      const lossOf = (...ts: tf.Tensor[]) => {
        const z = tfLogits(spec, xt, Object.fromEntries(names.map((name, i) => [name, ts[i]])));
        return (mode === 'distillation' ? tf.mean(tf.square(tf.sub(z, target))) : tf.mean(tf.neg(tf.sum(tf.mul(target, tf.logSoftmax(z)), 1)))) as tf.Scalar;
      };
      const { value, grads: g } = tf.valueAndGrads(lossOf)(names.map((name) => tf.tensor1d(state.get(name)!)));
      const want = value.dataSync()[0];
      expect(Math.abs(loss - want), `loss ${loss} vs tfjs ${want}`).toBeLessThanOrEqual(1e-4 * Math.abs(want));
      names.forEach((name, i) => close(grads.get(name)!, g[i].dataSync(), `${kind} ${mode}: ${name} gradient`, 2e-3));
      if (teacher) {
        // the teacher ran in evaluation mode: its running statistics are untouched
        const after = await teacher.state('model');
        for (const [k, t] of teacherState) expect(bits(after.get(k)!), k).toEqual(bits(t));
      }
    } finally {
      program.dispose();
      teacher?.dispose();
      backend.release(data);
    }
  });
});

describe.for(KINDS)('evaluation on %s', (kind) => {
  it('sums the hard cross-entropy over each split (train included) and counts top-1/top-3 as the float64 twin does, across partial batches', async (ctx) => {
    const backend = t.backends[kind];
    if (!backend) return ctx.skip(t.skip);
    const ds = smallData(t.flowers);
    const data = backend.upload(ds);
    const spec = layoutSpec(layout(true));
    const state = stateOf(spec, 53);
    // batches of 5: 12 = 5 + 5 + 2, 7 = 5 + 2, 9 = 5 + 4
    const program = backend.build(buildPlan(spec, 5, 1e-3), state, data);
    try {
      for (const split of ['train', 'val', 'test'] as const) {
        const s = ds[split];
        const z = networkForwardReference(spec, state, Float64Array.from(s.x), s.n);
        const want = softmaxCrossEntropyReference(s.n, CLASSES, z, s.labels).loss * s.n;
        const [top1, top3] = accuracyReference(s.n, CLASSES, z, s.labels);
        const got = await program.evaluate(split);
        expect(Math.abs(got.loss - want), `${split} loss ${got.loss} vs ${want}`).toBeLessThanOrEqual(1e-4 * want);
        expect([got.top1, got.top3], split).toEqual([top1, top3]);
        close(await program.logits(split, 0, s.n), z, `${split} logits`, 1e-4);
      }
      await expect(program.logits('val', 5, 3)).rejects.toThrow(/samples \[5, 8\) are not within the val split's 7/);
    } finally {
      program.dispose();
      backend.release(data);
    }
  });

  it('a training of 0 epochs from a given state: pre-training loss = validation loss, the training split measured, the state returned bit-exact', async (ctx) => {
    const backend = t.backends[kind];
    if (!backend) return ctx.skip(t.skip);
    const ds = smallData(t.flowers);
    const data = backend.upload(ds);
    const spec = layoutSpec(layout(true));
    const init = stateOf(spec, 59);
    try {
      const r = await trainAndEvaluate(backend, data, spec, { epochs: 0, batchSize: 5, lr: 1e-3, seed: 1, init, preTrainingLoss: true, evaluateTrain: true, keepState: true });
      expect(r.preTrainingValLoss).toBe(r.valLoss);
      const mean = (s: Split) => softmaxCrossEntropyReference(s.n, CLASSES, networkForwardReference(spec, init, Float64Array.from(s.x), s.n), s.labels).loss;
      expect(Math.abs(r.valLoss - mean(ds.val))).toBeLessThanOrEqual(1e-4 * mean(ds.val));
      expect(Math.abs(r.testLoss - mean(ds.test))).toBeLessThanOrEqual(1e-4 * mean(ds.test));
      expect(Math.abs(r.trainEvalLoss! - mean(ds.train))).toBeLessThanOrEqual(1e-4 * mean(ds.train));
      const z = networkForwardReference(spec, init, Float64Array.from(ds.train.x), 12);
      expect(r.trainEvalTop1).toBe(accuracyReference(12, CLASSES, z, ds.train.labels)[0] / 12);
      expect([...r.state!.keys()].sort()).toEqual([...init.keys()].sort());
      for (const [k, t] of init) expect(bits(r.state!.get(k)!), k).toEqual(bits(t));
      expect(r.losses).toEqual([]);
    } finally {
      backend.release(data);
    }
  });
});

describe.for(KINDS)('resuming on %s', (kind) => {
  it("a plain training (hard labels, BatchNorm, a partial last batch) resumed from each epoch's checkpoint ends bit-identical to the uninterrupted one", async (ctx) => {
    const backend = t.backends[kind];
    if (!backend) return ctx.skip(t.skip);
    const ds = smallData(t.flowers);
    const data = backend.upload(ds);
    const spec = layoutSpec(layout(true, [3, 4, 4]));
    // 12 samples in batches of 5: steps of 5, 5, 2
    const base = { epochs: 3, batchSize: 5, lr: 3e-3, seed: 7, keepState: true, preTrainingLoss: true, evaluateTrain: true };
    try {
      const checkpoints: Checkpoint[] = [];
      const whole = await trainAndEvaluate(backend, data, spec, { ...base, onCheckpoint: async (c) => void checkpoints.push(c) });
      expect(checkpoints.map((c) => c.epoch)).toEqual([1, 2, 3]);
      expect(checkpoints[2].losses).toEqual(whole.losses);
      // the training moved the weights, so an identical end is not a trivial one
      expect(bits(whole.state!.get('conv0.weight')!)).not.toEqual(bits(splitParameters(buildPlan(spec, 5, 3e-3), initParameters(spec, 7)).get('conv0.weight')!));
      for (const c of checkpoints.slice(0, 2)) {
        const resumed = await trainAndEvaluate(backend, data, spec, { ...base, resume: c });
        expect(resumed.resumedFromEpoch).toBe(c.epoch);
        for (const [k, t] of whole.state!) expect(bits(resumed.state!.get(k)!), `${k} resumed at epoch ${c.epoch}`).toEqual(bits(t));
        expect(resumed.losses).toEqual(whole.losses);
        expect([resumed.valLoss, resumed.testLoss, resumed.trainEvalLoss, resumed.valTop1]).toEqual([whole.valLoss, whole.testLoss, whole.trainEvalLoss, whole.valTop1]);
        expect(resumed.preTrainingValLoss).toBe(whole.preTrainingValLoss);
      }
      // the checkpoint of the last epoch: nothing is left to train, the result is the same
      const done = await trainAndEvaluate(backend, data, spec, { ...base, resume: checkpoints[2] });
      for (const [k, t] of whole.state!) expect(bits(done.state!.get(k)!), k).toEqual(bits(t));
    } finally {
      backend.release(data);
    }
  });
});

describe('trainAndEvaluate refuses bad Bulk & Cut options, naming them', () => {
  it('mixupAlpha, flip, a teacher of other shapes, a checkpoint whose losses do not match its epoch, a state without a parameter', async () => {
    const backend = t.backends.wasm!;
    const ds = smallData(t.flowers);
    const data = backend.upload(ds);
    const spec = layoutSpec(layout(false));
    const base = { epochs: 1, batchSize: 5, lr: 1e-3, seed: 1 };
    try {
      await expect(trainAndEvaluate(backend, data, spec, { ...base, augment: { mixupAlpha: 0 } })).rejects.toThrow(/augment\.mixupAlpha must be a positive number, got 0/);
      await expect(trainAndEvaluate(backend, data, spec, { ...base, augment: { mixupAlpha: 0.25, flip: 1 as unknown as boolean } })).rejects.toThrow(/augment\.flip must be a boolean/);
      const other = layoutSpec({ ...layout(false), numClasses: 10 });
      await expect(trainAndEvaluate(backend, data, spec, { ...base, teacher: { spec: other, state: stateOf(other, 1) } })).rejects.toThrow(/the teacher expects 3x16x16 inputs and 10 classes, the data has 3x16x16 and 17/);
      await expect(trainAndEvaluate(backend, data, spec, { ...base, resume: { epoch: 1, losses: [], state: stateOf(spec, 1) } })).rejects.toThrow(/resume must be a checkpoint of epoch 0\.\.1 with one loss per epoch/);
      const partial = stateOf(spec, 1);
      partial.delete('fc0.bias');
      await expect(trainAndEvaluate(backend, data, spec, { ...base, init: partial })).rejects.toThrow(/the state has no parameter tensor 'fc0\.bias'/);
      const wrong = stateOf(spec, 1);
      wrong.set('conv1.weight', new Float32Array(3));
      await expect(trainAndEvaluate(backend, data, spec, { ...base, init: wrong })).rejects.toThrow(/state tensor 'conv1\.weight' must be a Float32Array of 180 values, got 3/);
    } finally {
      backend.release(data);
    }
  });
});

// The whole training loop on both backends — the real WebGPU adapter (the software one in CI)
// and the real WebAssembly module: one step against tfjs (gradients and the Adam update), for the
// paper's CNN and for layouts with several conv cells per max-pool (Bulk & Cut's sections), the
// loss falling over epochs on Flowers, the two backends agreeing after a few epochs, and
// configurations too large to fit.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { type Dataset } from '../../src/datasets/index.ts';
import { initParameters, layoutSpec, networkSpec, type NetworkLayout, type NetworkSpec } from '../../src/train/network.ts';
import { trainAndEvaluate } from '../../src/train/trainer.ts';
import { denseWorkspaceFloats } from '../../src/train/kernels/dense.ts';
import { DoesNotFitError, type TrainingBackend } from '../../src/train/backend.ts';
import { WasmBackend } from '../../src/train/backends/index.ts';
import type { NetworkConfig } from '../../src/space/nas.ts';
import { TRAINING_KINDS, useTrainingBackends } from '../helpers/training.ts';

const t = useTrainingBackends();
const KINDS = TRAINING_KINDS;

/** The first n training images (of several classes: every 40th) as a dataset of their own. */
function slice(ds: Dataset, n: number): Dataset {
  const [c, h, w] = ds.shape;
  const size = c * h * w;
  const x = new Float32Array(n * size), labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const src = (i * 40) % ds.train.n;
    x.set(ds.train.x.subarray(src * size, (src + 1) * size), i * size);
    labels[i] = ds.train.labels[src];
  }
  const split = { x, labels, n };
  return { ...ds, train: split, val: split, test: split };
}

/** The loss of the network in tfjs (NHWC), from parameters laid out as the GPU's. */
function tfLoss(spec: NetworkSpec, x: tf.Tensor4D, labels: Int32Array, p: Record<string, tf.Tensor>): tf.Scalar {
  let a: tf.Tensor4D = x;
  spec.convs.forEach((l, i) => {
    const filter = tf.transpose(tf.reshape(p[`conv${i}.weight`], [l.cout, l.cin, l.k, l.k]), [2, 3, 1, 0]) as tf.Tensor4D;
    a = tf.relu(tf.add(tf.conv2d(a, filter, 1, 'same'), p[`conv${i}.bias`])) as tf.Tensor4D;
    if (l.batchNorm) {
      const { mean, variance } = tf.moments(a, [0, 1, 2]);
      a = tf.add(tf.mul(tf.div(tf.sub(a, mean), tf.sqrt(tf.add(variance, 1e-5))), p[`bn${i}.gamma`]), p[`bn${i}.beta`]) as tf.Tensor4D;
    }
    if (l.pool) a = tf.maxPool(a, 2, 2, 'valid');
  });
  // PyTorch flattens NCHW
  let z: tf.Tensor2D = spec.globalAvgPooling ? tf.mean(a, [1, 2]) as tf.Tensor2D : tf.reshape(tf.transpose(a, [0, 3, 1, 2]), [a.shape[0], spec.flatten]);
  spec.dense.forEach((d, j) => {
    z = tf.add(tf.matMul(z, tf.reshape(p[`fc${j}.weight`], [d.out, d.in]), false, true), p[`fc${j}.bias`]) as tf.Tensor2D;
    if (d.relu) z = tf.relu(z);
  });
  const onehot = tf.oneHot(tf.tensor1d(Array.from(labels), 'int32'), spec.numClasses);
  return tf.mean(tf.neg(tf.sum(tf.mul(onehot, tf.logSoftmax(z)), 1))) as tf.Scalar;
}

function close(actual: Float32Array, expected: ArrayLike<number>, what: string, rel = 2e-3, who = 'backend'): void {
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i] - expected[i]) <= rel * scale + 1e-6)) {
      expect.fail(`${what}[${i}]: ${who} ${actual[i]} vs tfjs ${expected[i]} (scale ${scale})`);
    }
  }
}

const STEP_CASES = [
  ['BN, no GAP, k=3', { convWidths: [4, 5], fcWidths: [6], kernelSize: 3, batchNorm: true, globalAvgPooling: false }],
  ['GAP, no BN, k=5, 3 conv', { convWidths: [3, 6, 4], fcWidths: [7, 5], kernelSize: 5, batchNorm: false, globalAvgPooling: true }],
  ['k=7, 1 conv, no dense hidden', { convWidths: [5], fcWidths: [], kernelSize: 7, batchNorm: true, globalAvgPooling: true }],
  ['widths off the tiles, BN, k=5', { convWidths: [13, 19], fcWidths: [21, 9], kernelSize: 5, batchNorm: true, globalAvgPooling: false }],
] as const;

/** Several conv cells per max-pool (`pool` on the last cell of a section only), as Bulk & Cut's models are. */
const cell = (cout: number, pool: boolean, batchNorm: boolean, k = 3) => ({ cout, k, batchNorm, pool });
const LAYOUT_CASES: [string, NetworkLayout][] = [
  ['sections [4, 5] + [6], BN, GAP', { input: [3, 16, 16], numClasses: 17, convs: [cell(4, false, true), cell(5, true, true), cell(6, true, true)], globalAvgPooling: true, fcWidths: [7] }],
  ['sections [3] + [5, 5, 4], no BN, flatten, k=5', { input: [3, 16, 16], numClasses: 17, convs: [cell(3, true, false, 5), cell(5, false, false, 5), cell(5, false, false, 5), cell(4, true, false, 5)], globalAvgPooling: false, fcWidths: [] }],
];

/**
 * One training step of `spec` on 8 Flowers images against tfjs: every gradient (conv, dense,
 * BatchNorm's γ and β) and the Adam update of every weight whose gradient is not tiny.
 */
async function stepMatchesTfjs(backend: TrainingBackend, kind: string, spec: NetworkSpec): Promise<void> {
  await tf.setBackend('cpu');
  const ds = slice(t.flowers, 8);
  const data = backend.upload(ds);
  const lr = 0.01, seed = 3;
  const convNames = spec.convs.flatMap((l, i) => [`conv${i}.weight`, `conv${i}.bias`]);
  const denseNames = spec.dense.flatMap((_, j) => [`fc${j}.weight`, `fc${j}.bias`]);
  const bnNames = spec.convs.flatMap((l, i) => (l.batchNorm ? [`bn${i}`] : []));
  const tensorNames = [...convNames, ...bnNames, ...denseNames];
  const gpu: Record<string, { p: Float32Array; g: Float32Array }> = {};
  await trainAndEvaluate(backend, data, spec, {
    epochs: 1, batchSize: 8, lr, seed,
    inspect: async (read) => {
      for (const name of tensorNames) gpu[name] = { p: await read.param(name), g: await read.grad(name) };
    },
  });
  backend.release(data);

  const init = initParameters(spec, seed);
  const params: Record<string, tf.Tensor> = {};
  for (const t of spec.params) {
    const v = init.subarray(t.offset, t.offset + t.size);
    params[t.name.replace(/^(bn\d+)\.weight$/, '$1.gamma').replace(/^(bn\d+)\.bias$/, '$1.beta')] = tf.tensor1d(v);
  }
  const x = tf.transpose(tf.tensor4d(ds.train.x, [8, 3, 16, 16]), [0, 2, 3, 1]) as tf.Tensor4D;
  const names = Object.keys(params);
  const grads = tf.grads((...ts: tf.Tensor[]) => tfLoss(spec, x, ds.train.labels, Object.fromEntries(names.map((n, i) => [n, ts[i]]))))(names.map((n) => params[n]));
  const g = Object.fromEntries(names.map((n, i) => [n, grads[i].dataSync()]));
  const p0 = Object.fromEntries(names.map((n) => [n, params[n].dataSync()]));
  const adam = (p: ArrayLike<number>, gr: ArrayLike<number>) => Float64Array.from(p, (v, i) => v - (lr * gr[i]) / (Math.abs(gr[i]) + 1e-8));
  for (const name of [...convNames, ...denseNames]) {
    close(gpu[name].g, g[name], `${name} gradient`, 2e-3, kind);
    // Adam's first step moves each weight by lr * g / (|g| + eps): compare where |g| is not tiny
    const upd = adam(p0[name], g[name]);
    const keep = Array.from(g[name], (v) => Math.abs(v) > 1e-4);
    close(gpu[name].p.filter((_, i) => keep[i]), upd.filter((_, i) => keep[i]), `${name} after Adam`, 1e-4, kind);
  }
  for (const bn of bnNames) close(gpu[bn].g, [...g[`${bn}.gamma`], ...g[`${bn}.beta`]], `${bn} (gamma, beta) gradient`, 2e-3, kind);
}

describe.for(KINDS)('trainAndEvaluate on %s', (kind) => {
  it.for(STEP_CASES)('one training step matches tfjs: every gradient and the Adam update (%s)', async ([, shape], ctx) => {
    const backend = t.backends[kind];
    if (!backend) return ctx.skip(t.skip);
    const net: NetworkConfig = { ...shape, convWidths: [...shape.convWidths], fcWidths: [...shape.fcWidths], lr: 0.01, batchSize: 8 };
    await stepMatchesTfjs(backend, kind, networkSpec(net, [3, 16, 16], 17));
  });

  it.for(LAYOUT_CASES)('several conv cells per max-pool: one step matches tfjs (%s)', async ([, layout], ctx) => {
    const backend = t.backends[kind];
    if (!backend) return ctx.skip(t.skip);
    const spec = layoutSpec(layout);
    // the spatial size halves only after a section's last cell
    expect(spec.features[1]).toBe(16 / 2 ** layout.convs.filter((c) => c.pool).length);
    await stepMatchesTfjs(backend, kind, spec);
  });

  it('learns: the loss of a small network falls clearly within a few epochs on Flowers', async (ctx) => {
    const backend = t.backends[kind];
    if (!backend) return ctx.skip(t.skip);
    const net: NetworkConfig = { convWidths: [16], fcWidths: [32], kernelSize: 3, batchNorm: true, globalAvgPooling: false, lr: 3e-3, batchSize: 32 };
    const data = backend.upload(t.flowers);
    const r = await trainAndEvaluate(backend, data, networkSpec(net, [3, 16, 16], 17), { epochs: 4, batchSize: 32, lr: 3e-3, seed: 1 });
    backend.release(data);
    learned[kind] = r;
    expect(r.losses.length).toBe(4);
    expect(r.losses[3]).toBeLessThan(0.6 * r.losses[0]);
    expect(r.valTop1).toBeGreaterThan(2 / 17); // well above chance (1/17)
    expect(r.valTop3).toBeGreaterThanOrEqual(r.valTop1);
    expect(r.numParams).toBe(networkSpec(net, [3, 16, 16], 17).numParams);
    expect(r.imagesPerSecond).toBeGreaterThan(0);
    expect(r.backend).toBe(kind);
  });
});

const learned: Partial<Record<'webgpu' | 'wasm', Awaited<ReturnType<typeof trainAndEvaluate>>>> = {};

describe('the two backends', () => {
  it('train the same network, seed and data to validation accuracies within 1 point after 4 epochs', (ctx) => {
    // only a missing WebGPU adapter skips this; a backend that did not train fails it
    if (t.skip) return ctx.skip(t.skip);
    if (!learned.webgpu || !learned.wasm) throw new Error(`the ${learned.webgpu ? 'wasm' : 'webgpu'} backend did not train (see the failure above)`);
    // Same initialisation and order; float32 rounding differs (summation orders), so only
    // nearby, not identical, results can be asked for.
    expect(Math.abs(learned.webgpu.valTop1 - learned.wasm.valTop1)).toBeLessThanOrEqual(0.01);
    for (let e = 0; e < 4; e++) expect(Math.abs(learned.webgpu.losses[e] - learned.wasm.losses[e])).toBeLessThan(0.05 * learned.webgpu.losses[e]);
  });

  it.for(KINDS)('trains an epoch whose last batch splits a dense product more finely than a full batch (%s)', async (kind, ctx) => {
    const backend = t.backends[kind];
    if (!backend) return ctx.skip(t.skip);
    // 32 channels x 8 x 8 = 2048 features into 356 units at batch 200: the last batch of 351
    // images has 151 rows, whose split over K needs more workspace than a batch of 200
    // (denseWorkspaceFloatsUpTo); the GPU once refused it ("io.workspace holds ... needs ...").
    expect(denseWorkspaceFloats({ batch: 151, inFeatures: 2048, outFeatures: 356 })).toBeGreaterThan(denseWorkspaceFloats({ batch: 200, inFeatures: 2048, outFeatures: 356 }));
    const net: NetworkConfig = { convWidths: [32], fcWidths: [356], kernelSize: 3, batchNorm: false, globalAvgPooling: false, lr: 1e-3, batchSize: 200 };
    const data = backend.upload(slice(t.flowers, 351));
    const r = await trainAndEvaluate(backend, data, networkSpec(net, [3, 16, 16], 17), { epochs: 1, batchSize: 200, lr: 1e-3, seed: 1 });
    backend.release(data);
    expect(r.losses.length).toBe(1);
    expect(Number.isFinite(r.losses[0])).toBe(true);
    expect(r.valTop1).toBeGreaterThanOrEqual(0);
  });

  it('the CPU backend refuses a network too large for WebAssembly memory, before allocating', async () => {
    const backend = t.backends.wasm!;
    const net: NetworkConfig = { convWidths: [1024, 1024, 1024], fcWidths: [512], kernelSize: 7, batchNorm: false, globalAvgPooling: true, lr: 1e-3, batchSize: 1024 };
    const data = backend.upload(t.flowers);
    const before = (backend as WasmBackend).module.exports.memory.buffer.byteLength;
    await expect(trainAndEvaluate(backend, data, networkSpec(net, [3, 16, 16], 17), { epochs: 1, batchSize: 1024, lr: 1e-3, seed: 1 })).rejects.toThrow(
      /the network needs \d+ MiB of WebAssembly memory \(largest: conv0, \d+ MiB\).*lower batch_size \(680\)/,
    );
    expect((backend as WasmBackend).module.exports.memory.buffer.byteLength).toBe(before);
    backend.release(data);
  });

  it('a configuration too large for the GPU fails with a reason, before allocating', async (ctx) => {
    if (!t.env) return ctx.skip(t.skip);
    const backend = t.backends.webgpu!;
    const net: NetworkConfig = { convWidths: [1024, 1024, 1024], fcWidths: [512], kernelSize: 7, batchNorm: false, globalAvgPooling: true, lr: 1e-3, batchSize: 512 };
    const spec = networkSpec(net, [3, 16, 16], 17);
    const limit = t.env.gpu.device.limits.maxStorageBufferBindingSize;
    if (512 * 1024 * 256 * 4 <= limit) return ctx.skip(`the device binds ${limit} bytes: this configuration fits`);
    const fullData = backend.upload(t.flowers);
    await expect(trainAndEvaluate(backend, fullData, spec, { epochs: 1, batchSize: 512, lr: 1e-3, seed: 1 })).rejects.toThrow(DoesNotFitError);
    await expect(trainAndEvaluate(backend, fullData, spec, { epochs: 1, batchSize: 512, lr: 1e-3, seed: 1 })).rejects.toThrow(/conv0 output of 512\.0 MiB exceeds the device's largest storage binding/);
    backend.release(fullData);
  });
});

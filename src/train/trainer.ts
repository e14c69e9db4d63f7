// Training and evaluating one network of the paper (METHODS.md §4.2) on the GPU: the dataset
// resident on the device, batches gathered there from a shuffled index buffer, one command
// buffer per training step, no read-back inside an epoch (the per-step losses land in a buffer
// read once per epoch), then top-1/top-3 accuracy on validation and test with atomic counters.
import type { GpuRuntime, PreparedDispatch, DispatchSpec } from '../gpu/runtime.ts';
import { Rng } from '../random/rng.ts';
import type { Dataset, Split } from '../problems/datasets/index.ts';
import { ACCURACY_SHADERS, accuracy } from './kernels/accuracy.ts';
import { ADAM_SHADERS, adamStep } from './kernels/adam.ts';
import { BATCHNORM_SHADERS, batchnormBackward, batchnormForwardEval, batchnormForwardTrain, batchnormWorkspaceFloats } from './kernels/batchnorm.ts';
import { CONV2D_SHADERS, conv2dForward, conv2dGradInput, conv2dGradWeight, conv2dGradWeightScratchBytes } from './kernels/conv2d.ts';
import { DENSE_SHADERS, denseBackward, denseForward, denseWorkspaceFloats } from './kernels/dense.ts';
import { GATHER_BATCH_SHADERS, gatherBatch, packBytes, toUnitBytes, unitByteTable } from './kernels/gather-batch.ts';
import { GLOBAL_AVG_POOL_SHADERS, globalAvgPoolBackward, globalAvgPoolForward } from './kernels/global-avg-pool.ts';
import { MAXPOOL2X2_SHADERS, maxpool2x2Backward, maxpool2x2Forward } from './kernels/maxpool2x2.ts';
import { RELU_SHADERS, reluBackward, reluForward } from './kernels/relu.ts';
import { SOFTMAX_CROSS_ENTROPY_SHADERS, softmaxCrossEntropy } from './kernels/softmax-cross-entropy.ts';
import { initParameters, type NetworkSpec } from './network.ts';

/** Every shader the trainer uses. */
export const TRAINER_SHADERS: readonly string[] = [
  ...CONV2D_SHADERS, ...RELU_SHADERS, ...BATCHNORM_SHADERS, ...MAXPOOL2X2_SHADERS, ...GLOBAL_AVG_POOL_SHADERS,
  ...DENSE_SHADERS, ...SOFTMAX_CROSS_ENTROPY_SHADERS, ...ADAM_SHADERS, ...ACCURACY_SHADERS, ...GATHER_BATCH_SHADERS,
];

/** A configuration that cannot be trained on this device (too large); the message says why. */
export class DoesNotFitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DoesNotFitError';
  }
}

interface GpuSplit {
  data: GPUBuffer;
  format: 'f32' | 'u8';
  labels: GPUBuffer;
  n: number;
}

/** A dataset resident on the GPU (uploaded once, used by every evaluation). */
export interface GpuDataset {
  name: string;
  shape: [number, number, number];
  numClasses: number;
  train: GpuSplit;
  val: GpuSplit;
  test: GpuSplit;
  /** byte decode table for 'u8' splits */
  table: GPUBuffer;
  /** 0, 1, 2, ... (for the evaluation passes) */
  identity: GPUBuffer;
}

/** Upload a dataset: bytes (four per word) where every pixel is k/255 exactly, else float32. */
export function uploadDataset(rt: GpuRuntime, ds: Dataset): GpuDataset {
  const up = (s: Split, label: string): GpuSplit => {
    const bytes = toUnitBytes(s.x);
    const data = bytes ? rt.upload(packBytes(bytes), `${ds.name} ${label} images`) : rt.upload(s.x, `${ds.name} ${label} images`);
    return { data, format: bytes ? 'u8' : 'f32', labels: rt.upload(new Uint32Array(s.labels), `${ds.name} ${label} labels`), n: s.n };
  };
  const maxN = Math.max(ds.train.n, ds.val.n, ds.test.n);
  return {
    name: ds.name,
    shape: ds.shape,
    numClasses: ds.numClasses,
    train: up(ds.train, 'train'),
    val: up(ds.val, 'val'),
    test: up(ds.test, 'test'),
    table: rt.upload(unitByteTable(), 'byte table'),
    identity: rt.upload(Uint32Array.from({ length: maxN }, (_, i) => i), 'identity indices'),
  };
}

export function releaseDataset(rt: GpuRuntime, d: GpuDataset): void {
  for (const s of [d.train, d.val, d.test]) {
    rt.release(s.data);
    rt.release(s.labels);
  }
  rt.release(d.table);
  rt.release(d.identity);
}

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  lr: number;
  seed: number;
  /** called after every epoch with its mean training loss (one read-back per epoch) */
  onEpoch?: (info: { epoch: number; loss: number; seconds: number }) => void;
  signal?: AbortSignal;
  /**
   * Called after training, before evaluation, with readers of the parameters and their last
   * gradients by name (conv0.weight, conv0.bias, bn0 (gamma then beta), fc0.weight, ...): for tests.
   */
  inspect?: (read: { param(name: string): Promise<Float32Array>; grad(name: string): Promise<Float32Array> }) => Promise<void>;
}

export interface TrainResult {
  valTop1: number;
  valTop3: number;
  testTop1: number;
  testTop3: number;
  numParams: number;
  /** mean training loss of each epoch */
  losses: number[];
  trainSeconds: number;
  seconds: number;
  imagesPerSecond: number;
}

interface Tensor {
  param: GPUBuffer;
  grad: GPUBuffer;
  m: GPUBuffer;
  v: GPUBuffer;
  n: number;
}

/** One step's dispatches; `dynamic` ones get new uniforms each step (batch start, loss slot, Adam's t). */
interface Plan {
  steps: PreparedDispatch[];
  dynamic: { at: number; make: (step: number, t: number) => DispatchSpec[] }[];
}

/**
 * Train `spec` on `data` for `epochs` epochs with Adam and the configuration's batch size and
 * learning rate (shuffled each epoch from the seed, last partial batch kept), then measure
 * top-1/top-3 accuracy on the validation and test splits (BatchNorm in evaluation mode).
 * @throws DoesNotFitError when a buffer would exceed the device's limits
 */
export async function trainAndEvaluate(rt: GpuRuntime, data: GpuDataset, spec: NetworkSpec, opts: TrainOptions): Promise<TrainResult> {
  const fn = 'trainAndEvaluate';
  if (!Number.isInteger(opts.epochs) || opts.epochs < 0) throw new RangeError(`${fn}: epochs must be a non-negative integer, got ${opts.epochs}`);
  if (!Number.isInteger(opts.batchSize) || opts.batchSize < 1) throw new RangeError(`${fn}: batchSize must be a positive integer, got ${opts.batchSize}`);
  if (!(opts.lr > 0) || !Number.isFinite(opts.lr)) throw new RangeError(`${fn}: lr must be a positive number, got ${opts.lr}`);
  const t0 = performance.now();
  const device = rt.device;
  const [C0, H0, W0] = spec.input;
  const nTrain = data.train.n;
  const B = Math.min(opts.batchSize, nTrain);
  const maxBinding = device.limits.maxStorageBufferBindingSize;

  // Every buffer and its size, checked against the device before anything is allocated.
  const owned: GPUBuffer[] = [];
  const sizes: [string, number][] = [];
  const plan = (label: string, floats: number) => sizes.push([label, floats * 4]);
  const L = spec.convs.length;
  plan('input batch', B * C0 * H0 * W0);
  spec.convs.forEach((c, i) => {
    plan(`conv${i} output`, B * c.cout * c.h * c.w);
  });
  for (const [label, bytes] of sizes) {
    if (bytes > maxBinding) {
      throw new DoesNotFitError(
        `${label} of ${(bytes / 2 ** 20).toFixed(1)} MiB exceeds the device's largest storage binding (${(maxBinding / 2 ** 20).toFixed(0)} MiB): lower batch_size (${opts.batchSize}) or the widths`,
      );
    }
  }
  const buf = (floats: number, label: string): GPUBuffer => {
    const b = rt.buffer(Math.max(1, floats) * 4, label);
    owned.push(b);
    return b;
  };

  try {
    // Parameters, gradients and Adam state, one buffer each per tensor (γ and β of a BN share one).
    const init = initParameters(spec, opts.seed);
    const tensor = (offset: number, n: number, label: string): Tensor => {
      const param = buf(n, `${label}`);
      if (n > 0) device.queue.writeBuffer(param, 0, init.subarray(offset, offset + n) as Float32Array<ArrayBuffer>);
      const zero = new Float32Array(n);
      const mk = (what: string) => {
        const b = buf(n, `${label} ${what}`);
        if (n > 0) device.queue.writeBuffer(b, 0, zero);
        return b;
      };
      return { param, grad: buf(n, `${label} grad`), m: mk('adam m'), v: mk('adam v'), n };
    };
    const byName = new Map(spec.params.map((p) => [p.name, p]));
    const P = (name: string) => byName.get(name)!;
    const convW = spec.convs.map((_, i) => tensor(P(`conv${i}.weight`).offset, P(`conv${i}.weight`).size, `conv${i}.weight`));
    const convB = spec.convs.map((_, i) => tensor(P(`conv${i}.bias`).offset, P(`conv${i}.bias`).size, `conv${i}.bias`));
    const bn = spec.convs.map((c, i) => {
      if (!c.batchNorm) return undefined;
      // γ (ones) then β (zeros), contiguous, with their gradient and Adam state
      const n = 2 * c.cout;
      const gb = new Float32Array(n);
      gb.fill(1, 0, c.cout);
      const state = (what: string) => {
        const b = buf(n, `bn${i} ${what}`);
        device.queue.writeBuffer(b, 0, what === 'weights' ? gb : new Float32Array(n));
        return b;
      };
      const t: Tensor = { param: state('weights'), grad: buf(n, `bn${i} grad`), m: state('adam m'), v: state('adam v'), n };
      const running = buf(n, `bn${i} running`);
      const rv = new Float32Array(n);
      rv.fill(1, c.cout); // running mean 0, running variance 1
      device.queue.writeBuffer(running, 0, rv);
      const shape = { n: B, c: c.cout, h: c.h, w: c.w };
      return { t, running, coef: buf(4 * c.cout, `bn${i} coef`), workspace: buf(batchnormWorkspaceFloats(shape), `bn${i} workspace`) };
    });
    const denseW = spec.dense.map((_, j) => tensor(P(`fc${j}.weight`).offset, P(`fc${j}.weight`).size, `fc${j}.weight`));
    const denseB = spec.dense.map((_, j) => tensor(P(`fc${j}.bias`).offset, P(`fc${j}.bias`).size, `fc${j}.bias`));
    const tensors: Tensor[] = [...convW, ...convB, ...bn.filter((x) => x).map((x) => x!.t), ...denseW, ...denseB];

    // Activations and their gradients for batches of up to B samples.
    const X0 = buf(B * C0 * H0 * W0, 'input batch');
    const Y = buf(B, 'labels batch');
    const R = spec.convs.map((c, i) => buf(B * c.cout * c.h * c.w, `conv${i} out`));
    const NB = spec.convs.map((c, i) => (c.batchNorm ? buf(B * c.cout * c.h * c.w, `bn${i} out`) : undefined));
    const pooled = (i: number) => B * spec.convs[i].cout * Math.floor(spec.convs[i].h / 2) * Math.floor(spec.convs[i].w / 2);
    const Pl = spec.convs.map((_, i) => buf(pooled(i), `pool${i} out`));
    const A = spec.convs.map((_, i) => buf(pooled(i), `pool${i} argmax`));
    const G = spec.convs.map((c, i) => buf(B * c.cout * c.h * c.w, `conv${i} grad`));
    const G2 = spec.convs.map((c, i) => (c.batchNorm ? buf(B * c.cout * c.h * c.w, `bn${i} grad out`) : undefined));
    const GP = spec.convs.map((_, i) => buf(pooled(i), `pool${i} grad`));
    const [Cf] = spec.features;
    const F = spec.globalAvgPooling ? buf(B * Cf, 'gap out') : undefined;
    const dF = spec.globalAvgPooling ? buf(B * Cf, 'gap grad') : undefined;
    const Z = spec.dense.map((d, j) => buf(B * d.out, `fc${j} out`));
    const dZ = spec.dense.map((d, j) => buf(B * d.out, `fc${j} grad`));
    const rowLoss = buf(B, 'row losses');
    const stepsPerEpoch = Math.ceil(nTrain / B);
    const epochLoss = buf(stepsPerEpoch, 'epoch losses');
    const indices = buf(nTrain, 'epoch order');
    const counters = buf(4, 'accuracy counters');
    const denseWs = Math.max(0, ...spec.dense.map((d) => denseWorkspaceFloats({ batch: B, inFeatures: d.in, outFeatures: d.out })));
    const denseWorkspace = denseWs > 0 ? buf(denseWs, 'dense split-K workspace') : undefined;
    const convShape = (i: number, b: number) => ({ batch: b, inChannels: spec.convs[i].cin, outChannels: spec.convs[i].cout, height: spec.convs[i].h, width: spec.convs[i].w, kernelSize: spec.convs[i].k });
    const gwScratchBytes = Math.max(0, ...spec.convs.map((_, i) => conv2dGradWeightScratchBytes(convShape(i, B))));
    const gwScratch = gwScratchBytes > 0 ? buf(gwScratchBytes / 4, 'conv grad-weight scratch') : undefined;
    const denseIn = (j: number): GPUBuffer => (j > 0 ? Z[j - 1] : spec.globalAvgPooling ? F! : Pl[L - 1]);

    /** Forward (train or eval) for a batch of b samples, then the loss or the accuracy. */
    const forward = (b: number, train: boolean, split: GpuSplit, evalIndices?: GPUBuffer): { specs: DispatchSpec[]; dynamic: Plan['dynamic'] } => {
      const specs: DispatchSpec[] = [];
      const dynamic: Plan['dynamic'] = [];
      const gather = (start: number) =>
        gatherBatch({
          batch: b, c: C0, h: H0, w: W0, data: split.data, format: split.format, table: data.table, layout: 'nchw',
          indices: evalIndices ?? indices, start, labels: split.labels, x: X0, y: Y,
        });
      dynamic.push({ at: specs.length, make: (step) => gather(step * B) });
      specs.push(...gather(0));
      spec.convs.forEach((c, i) => {
        const input = i === 0 ? X0 : Pl[i - 1];
        specs.push(...conv2dForward(convShape(i, b), { x: input, w: convW[i].param, b: convB[i].param, y: R[i] }));
        specs.push(...reluForward(b * c.cout * c.h * c.w, R[i]));
        let poolIn = R[i];
        const shape = { n: b, c: c.cout, h: c.h, w: c.w };
        const norm = bn[i];
        if (norm) {
          const params = { weights: norm.t.param, running: norm.running, coef: norm.coef, workspace: norm.workspace };
          specs.push(...(train ? batchnormForwardTrain(shape, R[i], NB[i]!, params) : batchnormForwardEval(shape, R[i], NB[i]!, params)));
          poolIn = NB[i]!;
        }
        specs.push(...maxpool2x2Forward(shape, poolIn, Pl[i], A[i]));
      });
      if (spec.globalAvgPooling) {
        const c = spec.convs[L - 1];
        specs.push(...globalAvgPoolForward({ n: b, c: c.cout, h: spec.features[1], w: spec.features[2] }, Pl[L - 1], F!));
      }
      spec.dense.forEach((d, j) => {
        specs.push(...denseForward({ batch: b, inFeatures: d.in, outFeatures: d.out, x: denseIn(j), weight: denseW[j].param, bias: denseB[j].param, y: Z[j], relu: d.relu, workspace: denseWorkspace }));
      });
      const logits = Z[spec.dense.length - 1];
      if (train) {
        const loss = (step: number) =>
          softmaxCrossEntropy({ rows: b, classes: data.numClasses, logits, labels: Y, dlogits: dZ[spec.dense.length - 1], rowLoss, loss: { buffer: epochLoss, offset: step } });
        dynamic.push({ at: specs.length, make: (step) => loss(step) });
        specs.push(...loss(0));
      } else {
        specs.push(...accuracy({ rows: b, classes: data.numClasses, logits, labels: Y, counters }));
      }
      return { specs, dynamic };
    };

    const backward = (b: number, specs: DispatchSpec[], dynamic: Plan['dynamic']): void => {
      for (let j = spec.dense.length - 1; j >= 0; j--) {
        const d = spec.dense[j];
        if (d.relu) specs.push(...reluBackward(b * d.out, Z[j], dZ[j]));
        const dx = j > 0 ? dZ[j - 1] : spec.globalAvgPooling ? dF! : GP[L - 1];
        specs.push(...denseBackward({ batch: b, inFeatures: d.in, outFeatures: d.out, x: denseIn(j), weight: denseW[j].param, dy: dZ[j], dx, dweight: denseW[j].grad, dbias: denseB[j].grad, workspace: denseWorkspace }));
      }
      if (spec.globalAvgPooling) {
        const c = spec.convs[L - 1];
        specs.push(...globalAvgPoolBackward({ n: b, c: c.cout, h: spec.features[1], w: spec.features[2] }, dF!, GP[L - 1]));
      }
      for (let i = L - 1; i >= 0; i--) {
        const c = spec.convs[i];
        const shape = { n: b, c: c.cout, h: c.h, w: c.w };
        const norm = bn[i];
        specs.push(...maxpool2x2Backward(shape, GP[i], A[i], norm ? G2[i]! : G[i]));
        if (norm) {
          specs.push(...batchnormBackward(shape, R[i], G2[i]!, { coef: norm.coef, workspace: norm.workspace }, { dx: G[i], grads: norm.t.grad }));
        }
        specs.push(...reluBackward(b * c.cout * c.h * c.w, R[i], G[i]));
        const input = i === 0 ? X0 : Pl[i - 1];
        specs.push(...conv2dGradWeight(convShape(i, b), { x: input, dy: G[i], dw: convW[i].grad, db: convB[i].grad, scratch: gwScratch }));
        if (i > 0) specs.push(...conv2dGradInput(convShape(i, b), { dy: G[i], w: convW[i].param, dx: GP[i - 1] }));
      }
      for (const t of tensors) {
        const make = (_step: number, tt: number) => adamStep({ params: t.param, grads: t.grad, m: t.m, v: t.v }, t.n, tt, { lr: opts.lr });
        dynamic.push({ at: specs.length, make });
        specs.push(...make(0, 1));
      }
    };

    const prepare = (specs: DispatchSpec[], dynamic: Plan['dynamic']): Plan => ({ steps: specs.map((s) => rt.prepare(s)), dynamic });
    const trainPlan = (b: number): Plan => {
      const { specs, dynamic } = forward(b, true, data.train);
      backward(b, specs, dynamic);
      return prepare(specs, dynamic);
    };
    const evalPlan = (b: number, split: GpuSplit): Plan => {
      const { specs, dynamic } = forward(b, false, split, data.identity);
      return prepare(specs, dynamic);
    };
    const run = (p: Plan, step: number, t: number) => {
      for (const d of p.dynamic) {
        d.make(step, t).forEach((s, k) => {
          const u = s.uniforms;
          const view = ArrayBuffer.isView(u) ? u : new Uint8Array(u);
          device.queue.writeBuffer(p.steps[d.at + k].uniform, 0, new Uint8Array(view.buffer, view.byteOffset, view.byteLength) as Uint8Array<ArrayBuffer>);
        });
      }
      const enc = device.createCommandEncoder({ label: 'paretonas step' });
      rt.encode(enc, p.steps);
      device.queue.submit([enc.finish()]);
    };
    const errors: string[] = [];
    device.pushErrorScope('validation');
    device.pushErrorScope('out-of-memory');

    // Training.
    const full = trainPlan(B);
    const rest = nTrain % B;
    const last = rest > 0 ? trainPlan(rest) : undefined;
    const shuffle = new Rng(opts.seed ^ 0x5bd1e995);
    const order = Uint32Array.from({ length: nTrain }, (_, i) => i);
    const losses: number[] = [];
    const tTrain = performance.now();
    let t = 0;
    for (let epoch = 0; epoch < opts.epochs; epoch++) {
      if (opts.signal?.aborted) throw opts.signal.reason ?? new Error('aborted');
      shuffle.shuffle(order);
      device.queue.writeBuffer(indices, 0, order);
      for (let s = 0; s < stepsPerEpoch; s++) {
        t++;
        run(s === stepsPerEpoch - 1 && last ? last : full, s, t);
      }
      const l = await rt.readF32(epochLoss, stepsPerEpoch);
      // batch losses weighted by their sizes: the epoch's mean loss per sample
      let sum = 0;
      for (let s = 0; s < stepsPerEpoch; s++) sum += l[s] * (s === stepsPerEpoch - 1 && rest > 0 ? rest : B);
      const loss = sum / nTrain;
      losses.push(loss);
      opts.onEpoch?.({ epoch: epoch + 1, loss, seconds: (performance.now() - tTrain) / 1000 });
    }
    await device.queue.onSubmittedWorkDone();
    const trainSeconds = (performance.now() - tTrain) / 1000;
    if (opts.inspect) {
      const named = new Map<string, Tensor>();
      spec.convs.forEach((_, i) => {
        named.set(`conv${i}.weight`, convW[i]);
        named.set(`conv${i}.bias`, convB[i]);
        if (bn[i]) named.set(`bn${i}`, bn[i]!.t);
      });
      spec.dense.forEach((_, j) => {
        named.set(`fc${j}.weight`, denseW[j]);
        named.set(`fc${j}.bias`, denseB[j]);
      });
      const get = (name: string) => {
        const t = named.get(name);
        if (!t) throw new RangeError(`${fn}: no parameter tensor '${name}'`);
        return t;
      };
      await opts.inspect({
        param: (name) => rt.readF32(get(name).param, get(name).n),
        grad: (name) => rt.readF32(get(name).grad, get(name).n),
      });
    }

    // Evaluation: one pass per split, counters read once.
    const evaluate = async (split: GpuSplit): Promise<[number, number]> => {
      device.queue.writeBuffer(counters, 0, new Uint32Array(4));
      const steps = Math.ceil(split.n / B);
      const r = split.n % B;
      const planFull = evalPlan(B, split);
      const planLast = r > 0 ? evalPlan(r, split) : undefined;
      for (let s = 0; s < steps; s++) run(s === steps - 1 && planLast ? planLast : planFull, s, 0);
      const c = new Uint32Array(await rt.read(counters, 8));
      for (const p of [planFull, planLast]) if (p) for (const d of p.steps) rt.release(d.uniform);
      return [c[0] / split.n, c[1] / split.n];
    };
    const [valTop1, valTop3] = await evaluate(data.val);
    const [testTop1, testTop3] = await evaluate(data.test);
    for (const p of [full, last]) if (p) for (const d of p.steps) rt.release(d.uniform);
    const oom = await device.popErrorScope();
    const invalid = await device.popErrorScope();
    if (oom) errors.push(`out of GPU memory: ${oom.message}`);
    if (invalid) errors.push(`GPU validation error: ${invalid.message}`);
    if (errors.length) {
      if (oom) throw new DoesNotFitError(errors.join('; '));
      throw new Error(errors.join('; '));
    }
    return {
      valTop1, valTop3, testTop1, testTop3,
      numParams: spec.numParams,
      losses,
      trainSeconds,
      seconds: (performance.now() - t0) / 1000,
      imagesPerSecond: opts.epochs > 0 ? (opts.epochs * nTrain) / trainSeconds : 0,
    };
  } finally {
    for (const b of owned) rt.release(b);
  }
}


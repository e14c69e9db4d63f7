// The training executor (docs: README "Training CNNs"): validate the options, build the plan of
// a network once, let the backend allocate it, then run the epoch loop — shuffle from the seed,
// one Adam step per batch (last partial batch kept), one loss read-back per epoch, an abort check
// between steps — and measure top-1/top-3 on the validation and test splits. The backend
// (WebGPU or WebAssembly) only implements ops; cleanup is always in `finally`.
import { Rng } from '../random/rng.ts';
import type { NetworkProgram, ResidentDataset, TrainingBackend } from './backend.ts';
import { initParameters, type NetworkSpec } from './network.ts';
import { buildPlan, splitParameters } from './plan.ts';

export interface EpochInfo {
  /** 1-based */
  epoch: number;
  epochs: number;
  /** mean training loss of the epoch */
  loss: number;
  /** seconds since training started */
  seconds: number;
  /** training images per second so far */
  imagesPerSecond: number;
}

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  lr: number;
  seed: number;
  /** called after every epoch (one read-back per epoch) */
  onEpoch?: (info: EpochInfo) => void;
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
  /** which backend trained it ('webgpu' | 'wasm') and on what */
  backend: string;
  device: string;
}

/** Resolves at the next macrotask: lets timers and messages run during a long CPU training. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * Train `spec` on `data` for `epochs` epochs with Adam and the configuration's batch size and
 * learning rate (shuffled each epoch from the seed, last partial batch kept), then measure
 * top-1/top-3 accuracy on the validation and test splits (BatchNorm in evaluation mode).
 * @throws RangeError naming the option when one is invalid
 * @throws DoesNotFitError when the network does not fit the backend
 */
export async function trainAndEvaluate(backend: TrainingBackend, data: ResidentDataset, spec: NetworkSpec, opts: TrainOptions): Promise<TrainResult> {
  const fn = 'trainAndEvaluate';
  if (!Number.isInteger(opts.epochs) || opts.epochs < 0) throw new RangeError(`${fn}: epochs must be a non-negative integer, got ${opts.epochs}`);
  if (!Number.isInteger(opts.batchSize) || opts.batchSize < 1) throw new RangeError(`${fn}: batchSize must be a positive integer, got ${opts.batchSize}`);
  if (!(opts.lr > 0) || !Number.isFinite(opts.lr)) throw new RangeError(`${fn}: lr must be a positive number, got ${opts.lr}`);
  if (!Number.isInteger(opts.seed)) throw new RangeError(`${fn}: seed must be an integer, got ${opts.seed}`);
  const shape = spec.input.join('x'), dataShape = data.shape.join('x');
  if (shape !== dataShape || spec.numClasses !== data.numClasses) {
    throw new RangeError(`${fn}: the network expects ${shape} inputs and ${spec.numClasses} classes, the data has ${dataShape} and ${data.numClasses}`);
  }
  const t0 = performance.now();
  const nTrain = data.sizes.train;
  const B = Math.min(opts.batchSize, nTrain);
  const plan = buildPlan(spec, B, opts.lr);
  let program: NetworkProgram | undefined;
  try {
    program = backend.build(plan, splitParameters(plan, initParameters(spec, opts.seed)), data);
    const stepsPerEpoch = Math.ceil(nTrain / B);
    const rest = nTrain % B;
    const shuffle = new Rng(opts.seed ^ 0x5bd1e995);
    const order = Uint32Array.from({ length: nTrain }, (_, i) => i);
    const losses: number[] = [];
    const tTrain = performance.now();
    let t = 0, lastYield = tTrain;
    for (let epoch = 0; epoch < opts.epochs; epoch++) {
      shuffle.shuffle(order);
      program.setOrder(order);
      for (let s = 0; s < stepsPerEpoch; s++) {
        if (opts.signal?.aborted) throw opts.signal.reason ?? new Error('aborted');
        t++;
        program.trainStep(s, s * B, s === stepsPerEpoch - 1 && rest > 0 ? rest : B, t);
        // A CPU backend blocks its thread while it computes: let timers and messages (progress,
        // an abort) through every 50 ms or so.
        if (backend.kind === 'wasm' && performance.now() - lastYield > 50) {
          await yieldToEventLoop();
          lastYield = performance.now();
        }
      }
      const l = await program.epochLosses(stepsPerEpoch);
      // batch losses weighted by their sizes: the epoch's mean loss per sample
      let sum = 0;
      for (let s = 0; s < stepsPerEpoch; s++) sum += l[s] * (s === stepsPerEpoch - 1 && rest > 0 ? rest : B);
      const loss = sum / nTrain;
      losses.push(loss);
      const seconds = (performance.now() - tTrain) / 1000;
      opts.onEpoch?.({ epoch: epoch + 1, epochs: opts.epochs, loss, seconds, imagesPerSecond: ((epoch + 1) * nTrain) / seconds });
    }
    await program.check();
    const trainSeconds = (performance.now() - tTrain) / 1000;
    if (opts.inspect) {
      const p = program;
      await opts.inspect({ param: (name) => p.read(name, 'param'), grad: (name) => p.read(name, 'grad') });
    }
    const [v1, v3] = await program.evaluate('val');
    const [t1, t3] = await program.evaluate('test');
    await program.check();
    return {
      valTop1: v1 / data.sizes.val, valTop3: v3 / data.sizes.val,
      testTop1: t1 / data.sizes.test, testTop3: t3 / data.sizes.test,
      numParams: spec.numParams,
      losses,
      trainSeconds,
      seconds: (performance.now() - t0) / 1000,
      imagesPerSecond: opts.epochs > 0 ? (opts.epochs * nTrain) / trainSeconds : 0,
      backend: backend.kind,
      device: backend.description,
    };
  } finally {
    program?.dispose();
  }
}

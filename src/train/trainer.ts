// The training executor (docs: README "Training CNNs"): validate the options, build the plan of
// a network once, let the backend allocate it, then run the epoch loop — shuffle from the seed,
// one Adam step per batch (last partial batch kept), one loss read-back per epoch, an abort check
// between steps — and measure top-1/top-3 and the hard cross-entropy on the validation and test
// splits. Bulk & Cut's mode (flips, mixup, soft targets or a teacher's logits) takes its draws
// per step from a generator of (seed, epoch); a checkpoint after every epoch lets a training
// resume bit-identically. The backend (WebGPU or WebAssembly) only implements ops; cleanup is
// always in `finally`.
import { Rng } from '../random/rng.ts';
import type { ModelState, NetworkProgram, ResidentDataset, StepDraws, TrainingBackend } from './backend.ts';
import type { Checkpoint } from './checkpoint.ts';
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
  /** the network's first state (default: PyTorch's initialisation from the seed) */
  init?: ModelState;
  /**
   * continue a training from its checkpoint: the epochs it finished are not trained again (their
   * shuffles are replayed from the seed, Adam's step count goes on), so the result is the one the
   * uninterrupted training would have given
   */
  resume?: Checkpoint;
  /** called after every epoch with the training's checkpoint (awaited: a kill after it loses nothing) */
  onCheckpoint?: (c: Checkpoint) => Promise<void> | void;
  /**
   * Bulk & Cut's augmentation (docs/methods.md#bulkcut-training): each image flipped with
   * probability 1/2, then mixed with a partner of a random permutation with λ ~ Beta(α, α),
   * targets alike, soft cross-entropy. Draws come from a generator of (seed, epoch). `flip:
   * false` keeps the images unflipped (the flip is still drawn, so the other draws stay the same).
   */
  augment?: { flip?: boolean; mixupAlpha: number };
  /** distil from this network (its logits in evaluation mode on the same augmented batch, MSE); implies augment */
  teacher?: { spec: NetworkSpec; state: ModelState };
  /** measure the validation loss before the first epoch */
  preTrainingLoss?: boolean;
  /** also measure the training split after training (no augmentation) */
  evaluateTrain?: boolean;
  /** return the final state (parameters and BatchNorm statistics) */
  keepState?: boolean;
}

export interface TrainResult {
  valTop1: number;
  valTop3: number;
  testTop1: number;
  testTop3: number;
  /** mean hard cross-entropy on the validation and test splits */
  valLoss: number;
  testLoss: number;
  /** the validation loss before training (preTrainingLoss) */
  preTrainingValLoss?: number;
  /** the training split after training (evaluateTrain): mean cross-entropy and top-1 */
  trainEvalLoss?: number;
  trainEvalTop1?: number;
  /** the final state (keepState) */
  state?: ModelState;
  /** the epoch a resumed training started from (its checkpoint's) */
  resumedFromEpoch?: number;
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
 * top-1/top-3 accuracy and the mean hard cross-entropy on the validation and test splits
 * (BatchNorm in evaluation mode, no augmentation).
 * @throws RangeError naming the option when one is invalid, or when `init`, `resume.state` or
 *   `teacher.state` lacks a parameter tensor or holds one of the wrong size
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
  const start = opts.resume?.epoch ?? 0;
  if (opts.resume && !(Number.isInteger(start) && start >= 0 && start <= opts.epochs && opts.resume.losses.length === start)) {
    throw new RangeError(`${fn}: resume must be a checkpoint of epoch 0..${opts.epochs} with one loss per epoch, got epoch ${start} and ${opts.resume.losses.length} losses`);
  }
  const alpha = opts.teacher ? (opts.augment?.mixupAlpha ?? 0.25) : opts.augment?.mixupAlpha;
  if (alpha !== undefined && !(alpha > 0 && Number.isFinite(alpha))) throw new RangeError(`${fn}: augment.mixupAlpha must be a positive number, got ${alpha}`);
  const flip = opts.augment?.flip ?? true;
  if (typeof flip !== 'boolean') throw new RangeError(`${fn}: augment.flip must be a boolean, got ${flip}`);
  if (opts.teacher) {
    const ts = opts.teacher.spec;
    if (ts.input.join('x') !== dataShape || ts.numClasses !== data.numClasses) {
      throw new RangeError(`${fn}: the teacher expects ${ts.input.join('x')} inputs and ${ts.numClasses} classes, the data has ${dataShape} and ${data.numClasses}`);
    }
  }
  let program: NetworkProgram | undefined, teacher: NetworkProgram | undefined;
  try {
    if (opts.teacher) teacher = backend.build(buildPlan(opts.teacher.spec, B, opts.lr), opts.teacher.state, data);
    const init = opts.resume?.state ?? opts.init ?? splitParameters(plan, initParameters(spec, opts.seed));
    program = backend.build(plan, init, data, { augment: alpha !== undefined, teacher });
    const stepsPerEpoch = Math.ceil(nTrain / B);
    const rest = nTrain % B;
    const shuffle = new Rng(opts.seed ^ 0x5bd1e995);
    const order = Uint32Array.from({ length: nTrain }, (_, i) => i);
    const losses: number[] = [...(opts.resume?.losses ?? [])];
    const nVal = data.sizes.val;
    let preTrainingValLoss = opts.resume?.preTrainingValLoss;
    if (opts.preTrainingLoss && !opts.resume) preTrainingValLoss = (await program.evaluate('val')).loss / nVal;
    // the epochs a checkpoint already holds: their shuffles are replayed, not their steps
    for (let epoch = 0; epoch < start; epoch++) shuffle.shuffle(order);
    const draws: StepDraws | undefined = alpha !== undefined ? { flip: new Uint32Array(B), lambda: new Float32Array(B), partner: new Uint32Array(B) } : undefined;
    const tTrain = performance.now();
    let t = start * stepsPerEpoch, lastYield = tTrain;
    for (let epoch = start; epoch < opts.epochs; epoch++) {
      shuffle.shuffle(order);
      program.setOrder(order);
      const augRng = augmentationRng(opts.seed, epoch);
      for (let s = 0; s < stepsPerEpoch; s++) {
        if (opts.signal?.aborted) throw opts.signal.reason ?? new Error('aborted');
        t++;
        const size = s === stepsPerEpoch - 1 && rest > 0 ? rest : B;
        if (draws) drawAugmentation(augRng, alpha!, flip, size, draws);
        program.trainStep(s, s * B, size, t, draws);
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
      opts.onEpoch?.({ epoch: epoch + 1, epochs: opts.epochs, loss, seconds, imagesPerSecond: ((epoch + 1 - start) * nTrain) / seconds });
      if (opts.onCheckpoint) await opts.onCheckpoint({ epoch: epoch + 1, losses: [...losses], state: await program.state('checkpoint'), preTrainingValLoss });
    }
    await program.check();
    const trainSeconds = (performance.now() - tTrain) / 1000;
    if (opts.inspect) {
      const p = program;
      await opts.inspect({ param: (name) => p.read(name, 'param'), grad: (name) => p.read(name, 'grad') });
    }
    const val = await program.evaluate('val');
    const test = await program.evaluate('test');
    const train = opts.evaluateTrain ? await program.evaluate('train') : undefined;
    const state = opts.keepState ? await program.state('model') : undefined;
    await program.check();
    const trained = opts.epochs - start;
    return {
      valTop1: val.top1 / nVal, valTop3: val.top3 / nVal,
      testTop1: test.top1 / data.sizes.test, testTop3: test.top3 / data.sizes.test,
      valLoss: val.loss / nVal, testLoss: test.loss / data.sizes.test,
      ...(preTrainingValLoss !== undefined ? { preTrainingValLoss } : {}),
      ...(train ? { trainEvalLoss: train.loss / nTrain, trainEvalTop1: train.top1 / nTrain } : {}),
      ...(state ? { state } : {}),
      ...(opts.resume ? { resumedFromEpoch: start } : {}),
      numParams: spec.numParams,
      losses,
      trainSeconds,
      seconds: (performance.now() - t0) / 1000,
      imagesPerSecond: trained > 0 ? (trained * nTrain) / trainSeconds : 0,
      backend: backend.kind,
      device: backend.description,
    };
  } finally {
    program?.dispose();
    teacher?.dispose();
  }
}

/**
 * The generator of the augmentation draws of epoch `epoch` (0-based): a function of the seed and
 * the epoch only, so that a training resumed at any epoch draws what the uninterrupted one drew.
 */
export function augmentationRng(seed: number, epoch: number): Rng {
  return new Rng((seed ^ 0x68e31da4) + 7919 * (epoch + 1));
}

/**
 * One step's draws into `d` (its first `size` entries): flips with probability 1/2 (all 0 without
 * `flip`, drawn all the same so the stream does not depend on it), a partner permutation
 * (Fisher–Yates), λ_i ~ Beta(α, α).
 */
export function drawAugmentation(rng: Rng, alpha: number, flip: boolean, size: number, d: StepDraws): void {
  for (let i = 0; i < size; i++) {
    d.flip[i] = rng.random() < 0.5 && flip ? 1 : 0;
    d.lambda[i] = rng.beta(alpha, alpha);
    d.partner[i] = i;
  }
  const p = d.partner.subarray(0, size);
  for (let i = size - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const x = p[i];
    p[i] = p[j];
    p[j] = x;
  }
}

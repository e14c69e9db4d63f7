// What a training backend implements (src/train/backends/webgpu.ts, src/train/backends/wasm.ts):
// a resident copy of a dataset, and a network program built from a TrainingPlan that runs one
// Adam step on a slice of the epoch's order, the epoch's per-step losses, and evaluation counts.
// The executor (trainer.ts) validates the options and owns the loop; backends trust their input.
import type { Dataset } from '../datasets/index.ts';
import type { TrainingPlan } from './plan.ts';

export type BackendKind = 'webgpu' | 'wasm';

/** A configuration that cannot be trained on this backend (too large); the message says why. */
export class DoesNotFitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DoesNotFitError';
  }
}

/**
 * A network's state by tensor name: the plan's parameter tensors (conv{i}.weight, conv{i}.bias,
 * bn{i} = γ then β, fc{j}.weight, fc{j}.bias), `bn{i}.running` (running mean then running
 * variance) for every BatchNorm, and in a checkpoint Adam's moments `adam.m:<name>`, `adam.v:<name>`.
 */
export type ModelState = Map<string, Float32Array>;

/** A dataset uploaded once and used by every training on the backend that uploaded it. */
export interface ResidentDataset {
  readonly name: string;
  readonly shape: [number, number, number];
  readonly numClasses: number;
  readonly sizes: { train: number; val: number; test: number };
}

/** One training step's random draws for Bulk & Cut's augmentation (one entry per sample of the batch). */
export interface StepDraws {
  /** non-zero: flip the sample horizontally */
  flip: Uint32Array;
  /** the sample's mixup weight λ_i */
  lambda: Float32Array;
  /** its mixup partner, a permutation of 0..size-1 */
  partner: Uint32Array;
}

/** What a split's evaluation measures (BatchNorm in evaluation mode, no augmentation). */
export interface SplitEvaluation {
  top1: number;
  top3: number;
  /** the summed hard cross-entropy of the split's samples */
  loss: number;
}

export interface BuildOptions {
  /**
   * Bulk & Cut's training (docs/methods.md#bulkcut-training): every step flips and mixes the
   * batch with the draws given to trainStep, against mixed one-hot targets (soft cross-entropy)
   */
  augment?: boolean;
  /** distil: the loss is the MSE to this program's logits (evaluation mode) on the same augmented batch */
  teacher?: NetworkProgram;
}

export interface NetworkProgram {
  /** The epoch's order of training samples (a permutation of 0..n-1). */
  setOrder(order: Uint32Array): void;
  /**
   * One training step (forward, loss, backward, Adam step t >= 1) on the samples
   * order[start, start + size); the batch's mean loss goes to slot `step` of the epoch's losses.
   * A program built with `augment` needs the step's draws.
   */
  trainStep(step: number, start: number, size: number, t: number, draws?: StepDraws): void;
  /** The mean losses of steps 0..steps-1 of this epoch (one read-back per epoch). */
  epochLosses(steps: number): Promise<Float32Array>;
  /** Top-1 and top-3 hits and the summed cross-entropy on a split. */
  evaluate(split: 'train' | 'val' | 'test'): Promise<SplitEvaluation>;
  /** The logits [count, classes] of samples start.. of a split (evaluation mode). */
  logits(split: 'train' | 'val' | 'test', start: number, count: number): Promise<Float32Array>;
  /** A copy of a parameter tensor or of its last gradient, by plan name. */
  read(name: string, what: 'param' | 'grad'): Promise<Float32Array>;
  /** The network's state: 'model' (parameters, BatchNorm statistics) or 'checkpoint' (and Adam's moments). */
  state(what: 'model' | 'checkpoint'): Promise<ModelState>;
  /** Throws what went wrong asynchronously (GPU validation / out-of-memory), if anything. */
  check(): Promise<void>;
  dispose(): void;
}

export interface TrainingBackend {
  readonly kind: BackendKind;
  /** e.g. "llvmpipe (LLVM 15.0.6, 256 bits) [Dawn (OpenGL ES)]" or "WebAssembly SIMD (relaxed, FMA)" */
  readonly description: string;
  upload(ds: Dataset): ResidentDataset;
  release(data: ResidentDataset): void;
  /**
   * Allocate and initialise the network of `plan` on `data` from a state: its parameters are
   * required; BatchNorm statistics (default mean 0, variance 1) and Adam's moments (default 0)
   * are taken when present. A teacher must be a program of the same backend and batch size.
   * @throws DoesNotFitError when a buffer would exceed what the backend can hold
   * @throws RangeError when the state lacks a parameter or a tensor has the wrong size
   */
  build(plan: TrainingPlan, init: ModelState, data: ResidentDataset, options?: BuildOptions): NetworkProgram;
  dispose(): void;
}

/**
 * The tensors of `init` for a plan, checked: parameters (required), BatchNorm running statistics
 * and Adam moments (optional, defaults filled in). Shared by the backends.
 */
export function initialTensors(plan: TrainingPlan, init: ModelState): Map<string, { param: Float32Array; m: Float32Array; v: Float32Array; running?: Float32Array }> {
  const out = new Map<string, { param: Float32Array; m: Float32Array; v: Float32Array; running?: Float32Array }>();
  const sized = (name: string, t: Float32Array | undefined, n: number, fallback: () => Float32Array): Float32Array => {
    if (t === undefined) return fallback();
    if (!(t instanceof Float32Array) || t.length !== n) throw new RangeError(`build: state tensor '${name}' must be a Float32Array of ${n} values, got ${t instanceof Float32Array ? t.length : typeof t}`);
    return t;
  };
  for (const p of plan.params) {
    const param = sized(p.name, init.get(p.name), p.size, () => {
      throw new RangeError(`build: the state has no parameter tensor '${p.name}'`);
    });
    const zero = () => new Float32Array(p.size);
    out.set(p.name, { param, m: sized(`adam.m:${p.name}`, init.get(`adam.m:${p.name}`), p.size, zero), v: sized(`adam.v:${p.name}`, init.get(`adam.v:${p.name}`), p.size, zero) });
  }
  for (const o of plan.forward) {
    if (o.op !== 'batchnorm') continue;
    out.get(o.params)!.running = sized(`${o.params}.running`, init.get(`${o.params}.running`), 2 * o.c, () => new Float32Array(2 * o.c).fill(1, o.c));
  }
  return out;
}

/** Adam's constants (PyTorch's defaults); the learning rate comes from the configuration. */
export const ADAM = { beta1: 0.9, beta2: 0.999, eps: 1e-8 } as const;
/** BatchNorm2d's constants (PyTorch's defaults). */
export const BATCHNORM = { eps: 1e-5, momentum: 0.1 } as const;

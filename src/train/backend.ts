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

/** A dataset uploaded once and used by every training on the backend that uploaded it. */
export interface ResidentDataset {
  readonly name: string;
  readonly shape: [number, number, number];
  readonly numClasses: number;
  readonly sizes: { train: number; val: number; test: number };
}

export interface NetworkProgram {
  /** The epoch's order of training samples (a permutation of 0..n-1). */
  setOrder(order: Uint32Array): void;
  /**
   * One training step (forward, loss, backward, Adam step t >= 1) on the samples
   * order[start, start + size); the batch's mean loss goes to slot `step` of the epoch's losses.
   */
  trainStep(step: number, start: number, size: number, t: number): void;
  /** The mean losses of steps 0..steps-1 of this epoch (one read-back per epoch). */
  epochLosses(steps: number): Promise<Float32Array>;
  /** Top-1 and top-3 hit counts on a split (BatchNorm in evaluation mode). */
  evaluate(split: 'val' | 'test'): Promise<[number, number]>;
  /** A copy of a parameter tensor or of its last gradient, by plan name. */
  read(name: string, what: 'param' | 'grad'): Promise<Float32Array>;
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
   * Allocate and initialise the network of `plan` (parameters from `params`, Adam state zero,
   * BatchNorm running mean 0 / variance 1) on `data`.
   * @throws DoesNotFitError when a buffer would exceed what the backend can hold
   */
  build(plan: TrainingPlan, params: Map<string, Float32Array>, data: ResidentDataset): NetworkProgram;
  dispose(): void;
}

/** Adam's constants (PyTorch's defaults); the learning rate comes from the configuration. */
export const ADAM = { beta1: 0.9, beta2: 0.999, eps: 1e-8 } as const;
/** BatchNorm2d's constants (PyTorch's defaults). */
export const BATCHNORM = { eps: 1e-5, momentum: 0.1 } as const;

// What a study optimises: a search space, objectives with directions, a reference point,
// an optional fidelity range, and an evaluation.
import type { Config } from '../space/types.ts';
import type { SearchSpace } from '../space/space.ts';

export type Direction = 'minimize' | 'maximize';

export interface ObjectiveSpec {
  name: string;
  direction: Direction;
}

/** Where a training evaluation stands, reported after every epoch. */
export interface TrainingProgress {
  /** epochs done (1-based) out of `epochs` */
  epoch: number;
  epochs: number;
  /** mean training loss of the last epoch */
  loss: number;
  /** training images per second over the last epoch */
  imagesPerSecond: number;
  /** seconds since the evaluation started */
  seconds: number;
}

export interface EvaluateOptions {
  /** fidelity in [minBudget, maxBudget] (epochs for the CNN problems); default maxBudget */
  budget?: number;
  /** seed for the evaluation's own randomness (noise, weight init, shuffling) */
  seed?: number;
  signal?: AbortSignal;
  /** called after every epoch by the problems that train (the CNN problems) */
  onProgress?: (p: TrainingProgress) => void;
  /** a stable identity of this evaluation within its run (a search: the trial number), e.g. for a queue to re-attach to it */
  id?: string;
  /** the files of a training evaluation (the CNN problems; a search sets them in its run directory) */
  files?: EvaluationFiles;
  /**
   * a method's own training job instead of the configuration's network trained from scratch
   * (Bulk & Cut: a model grown or cut from a saved parent, see src/optimizers/bulkcut/job.ts); JSON
   */
  job?: Record<string, unknown>;
}

/** Where a training evaluation keeps its files (all optional). */
export interface EvaluationFiles {
  /**
   * its checkpoint, written after every epoch and removed when the evaluation ends: an
   * evaluation that finds one (its previous run was killed) continues from its last epoch
   */
  checkpoint?: string;
  /** save the trained model here (safetensors) */
  model?: string;
  /** the folder of the run's saved models, where a job finds its parents */
  models?: string;
}

/** The result of one evaluation, in the problem's own directions. */
export interface Evaluation {
  /** one value per objective */
  values: number[];
  /** extra metrics (test accuracy, parameter count, ...) */
  metrics?: Record<string, number | string>;
  /** cost of the evaluation in arbitrary units (proportional to the budget for the synthetic problems) */
  cost?: number;
}

export interface Problem {
  readonly name: string;
  readonly space: SearchSpace;
  readonly objectives: readonly ObjectiveSpec[];
  /** reference point in the problem's own directions */
  readonly referencePoint: readonly number[];
  readonly minBudget?: number;
  readonly maxBudget?: number;
  evaluate(config: Config, options?: EvaluateOptions): Evaluation | Promise<Evaluation>;
  /** n points of the true Pareto front (in the problem's directions), where known */
  paretoFront?(n: number): Float64Array;
}

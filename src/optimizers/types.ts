// The contract between a study and an optimisation method (a "sampler" in Optuna's words).
import type { Config } from '../space/types.ts';
import type { SearchSpace } from '../space/space.ts';

/** What a method proposes: a configuration and, for multi-fidelity methods, its budget. */
export interface Suggestion {
  params: Config;
  /** fidelity (epochs for the CNN problems); undefined = the problem's full budget */
  budget?: number;
  /** method bookkeeping stored with the trial (bracket, stage, parent, ...); JSON-serialisable */
  info?: Record<string, unknown>;
}

/**
 * The answer to ask(): a suggestion; 'wait' while the method needs results of running trials
 * first (e.g. the end of a successive-halving stage); 'done' when the method has finished.
 * An ask() that answers 'wait' or 'done' must not change the method's state.
 */
export type AskResult = { kind: 'suggest'; suggestion: Suggestion } | { kind: 'wait' } | { kind: 'done' };

export type TrialState = 'running' | 'complete' | 'failed' | 'pruned';

/** A finished trial as a method sees it: values already normalised to minimisation. */
export interface FinishedTrial {
  number: number;
  params: Config;
  budget?: number;
  info?: Record<string, unknown>;
  state: Exclude<TrialState, 'running'>;
  /** objective values, every objective minimised; present when state = 'complete' */
  values?: number[];
  /** the evaluation's further metrics as the objective reported them (losses, counts, ...) */
  metrics?: Record<string, number | string>;
}

/** Everything a method is built from. Methods must be deterministic given these and the ask/tell sequence. */
export interface OptimizerContext {
  space: SearchSpace;
  /** number of objectives */
  nObj: number;
  /** reference point in the minimisation space */
  referencePoint: number[];
  seed: number;
  /** fidelity range for multi-fidelity methods (the problem's) */
  minBudget?: number;
  maxBudget?: number;
  /** the problem's name ('flowers' and 'fashion' select the paper's settings under variant 'paper') */
  problem?: string;
  /** the objectives' names, in order (e.g. ['val_acc_1', 'num_params']) */
  objectives?: readonly string[];
}

/**
 * A method driven through ask/tell. ask(number) proposes trial `number` (numbers increase by
 * one per suggestion); tell() reports every trial it proposed exactly once, in any order.
 * Resuming replays the journal's ask/tell sequence on a fresh instance with the same seed, so
 * a method keeps no state other than what that sequence determines. A method that plans by the
 * clock (Bulk & Cut's phases) reads `elapsed`, the study's seconds when the trial is asked, which
 * the replay passes as journalled.
 */
export interface Optimizer {
  readonly method: string;
  ask(number: number, elapsed?: number): AskResult;
  tell(trial: FinishedTrial): void;
}

export type OptimizerFactory<O = Record<string, unknown>> = (ctx: OptimizerContext, options?: O) => Optimizer;

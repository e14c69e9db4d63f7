// MO-SH-BANANAS's options: defaults, the paper's example presets (METHODS.md §13), validation.
import { budgetRange } from '../common.ts';
import { NOT_MUTABLE } from '../../space/nas.ts';
import type { MlpInit } from '../../surrogates/mlp.ts';
import type { OptimizerContext } from '../types.ts';

/**
 * 'paper' reproduces the reference code with its bugs (§15 items 32-36 kept); 'fixed' (the
 * default) repairs them — see the comments in ./index.ts.
 */
export type MobananasVariant = 'paper' | 'fixed';

export interface MobananasOptions {
  /** start from one of the paper's example settings (§13); explicit options override it */
  preset?: keyof typeof MOBANANAS_PRESETS;
  /** default 'fixed' */
  variant?: MobananasVariant;
  /** N_init: random configurations evaluated at the maximum budget first (default 10) */
  nInit?: number;
  /** smallest / largest fidelity of the halving ladder (default: the problem's; clamped into it) */
  minBudget?: number;
  maxBudget?: number;
  /**
   * The method's own evaluation total, the reference's function_evaluations (default 400, the
   * Fashion script's). 'paper': the iteration count is (total − nInit) // (selectModels // eta)
   * as coded, although an iteration makes more evaluations than that (§15.35), so the run
   * overshoots the total several times unless a study's cap stops it; 'fixed': the number of
   * iterations that fits the total exactly when nothing fails.
   */
  functionEvaluations?: number;
  /** num_arch: parents taken from the top of the sorted archive each iteration (default 20) */
  numArch?: number;
  /** select_models: children chosen by the predictor to enter successive halving (default 10) */
  selectModels?: number;
  /**
   * eta (default 3). 'paper': only the iteration formula uses it; successive halving has its
   * own hard-coded 3. 'fixed': the halving rate everywhere.
   */
  eta?: number;
  /**
   * false runs the plain MO-BANANAS loop instead (every chosen child evaluated once at the
   * maximum budget and added to the archive); the reference's get_MOBANANAS crashes (§15.31).
   * Default true (MO-SH-BANANAS).
   */
  successiveHalving?: boolean;
  /** networks in the predictor ensemble (default 5) */
  ensembleSize?: number;
  /** hidden layer widths of each network (default [10]) */
  hidden?: readonly number[];
  /** training epochs per iteration (default 80), Adam step size (default 0.1), minibatch (default 32) */
  epochs?: number;
  lr?: number;
  batchSize?: number;
  /** initial weights (default 'normal' = N(0, 1), the paper's; 'uniform' = PyTorch's default) */
  init?: MlpInit;
  /** keys drawn by the Gaussian mutation (default 3) */
  mutatedKeys?: number;
  /**
   * 'fixed' only: the standard deviation of the Gaussian mutation on a hyperparameter's unit
   * coordinate (default 1/3, the paper's (upper − lower)/3 relative to the range)
   */
  mutationSd?: number;
  /**
   * hyperparameters never mutated. Default: 'paper' those of NOT_MUTABLE present in the space
   * (n_conv_l, n_fc_l: depths frozen, §15.34); 'fixed' none (depths mutate too).
   */
  notMutable?: readonly string[];
}

/** The paper's example scripts (§13). */
export const MOBANANAS_PRESETS = {
  flowers: {
    nInit: 10, minBudget: 5, maxBudget: 25, functionEvaluations: 10000, numArch: 20, selectModels: 10, eta: 3,
    ensembleSize: 5, hidden: [10], epochs: 80, lr: 0.1, batchSize: 32, init: 'normal', mutatedKeys: 3,
  },
  fashion: {
    nInit: 10, minBudget: 5, maxBudget: 25, functionEvaluations: 400, numArch: 20, selectModels: 10, eta: 3,
    ensembleSize: 5, hidden: [10], epochs: 80, lr: 0.1, batchSize: 32, init: 'normal', mutatedKeys: 3,
  },
} as const satisfies Record<string, Omit<MobananasOptions, 'preset' | 'variant'>>;

/** Options with every default filled in and checked against the context. */
export interface ResolvedMobananasOptions {
  variant: MobananasVariant;
  nInit: number;
  /** undefined: the problem has no fidelity, every suggestion is at full budget */
  range: { minBudget: number; maxBudget: number } | undefined;
  functionEvaluations: number;
  numArch: number;
  selectModels: number;
  eta: number;
  successiveHalving: boolean;
  ensembleSize: number;
  hidden: number[];
  epochs: number;
  lr: number;
  batchSize: number;
  init: MlpInit;
  mutatedKeys: number;
  mutationSd: number;
  notMutable: ReadonlySet<string>;
}

const FN = 'createMobananas';

function fail(msg: string): never {
  throw new RangeError(`${FN}: ${msg}`);
}

function intAtLeast(name: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) fail(`options.${name} must be an integer >= ${min}, got ${JSON.stringify(v)}`);
  return v;
}

function positive(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || !(v > 0)) fail(`${name} must be a finite number > 0, got ${JSON.stringify(v)}`);
  return v;
}

function finite(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${name} must be a finite number, got ${JSON.stringify(v)}`);
  return v;
}

const KNOWN = new Set([
  'preset', 'variant', 'nInit', 'minBudget', 'maxBudget', 'functionEvaluations', 'numArch', 'selectModels', 'eta', 'successiveHalving',
  'ensembleSize', 'hidden', 'epochs', 'lr', 'batchSize', 'init', 'mutatedKeys', 'mutationSd', 'notMutable',
]);

/**
 * Fill defaults (preset first, explicit options over it) and check everything.
 * @throws RangeError naming the option for a bad value, or a context MO-BANANAS cannot serve
 *   (it is defined for exactly 2 objectives)
 */
export function resolveOptions(ctx: OptimizerContext, options: MobananasOptions | undefined): ResolvedMobananasOptions {
  if (!ctx || typeof ctx !== 'object' || !ctx.space) throw new TypeError(`${FN}: ctx must be an OptimizerContext with a search space`);
  if (ctx.nObj !== 2) {
    fail(`MO-BANANAS is defined for exactly 2 objectives (its predictor has 2 outputs and its ranking uses 2-D fronts and crowding), got nObj = ${ctx.nObj}`);
  }
  if (!Number.isFinite(ctx.seed)) fail(`ctx.seed must be a finite number, got ${ctx.seed}`);
  const given = options ?? {};
  if (typeof given !== 'object' || Array.isArray(given)) throw new TypeError(`${FN}: options must be an object`);
  for (const key of Object.keys(given)) if (!KNOWN.has(key)) fail(`unknown option '${key}' (known: ${[...KNOWN].join(', ')})`);
  let base: MobananasOptions = {};
  if (given.preset !== undefined) {
    if (!Object.prototype.hasOwnProperty.call(MOBANANAS_PRESETS, given.preset)) {
      fail(`options.preset must be one of ${Object.keys(MOBANANAS_PRESETS).join(', ')}, got ${JSON.stringify(given.preset)}`);
    }
    base = MOBANANAS_PRESETS[given.preset];
  }
  const defined = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) as MobananasOptions;
  const o: MobananasOptions = { ...base, ...defined };

  const variant = o.variant ?? 'fixed';
  if (variant !== 'paper' && variant !== 'fixed') fail(`options.variant must be 'paper' or 'fixed', got ${JSON.stringify(variant)}`);
  const nInit = intAtLeast('nInit', o.nInit ?? 10, 1);
  const functionEvaluations = intAtLeast('functionEvaluations', o.functionEvaluations ?? 400, 1);
  if (functionEvaluations < nInit) fail(`options.functionEvaluations (${functionEvaluations}) must be at least nInit (${nInit})`);
  const numArch = intAtLeast('numArch', o.numArch ?? 20, 1);
  const selectModels = intAtLeast('selectModels', o.selectModels ?? 10, 1);
  const eta = o.eta ?? 3;
  if (typeof eta !== 'number' || !Number.isFinite(eta) || !(eta > 1)) fail(`options.eta must be a finite number > 1, got ${JSON.stringify(eta)}`);
  const successiveHalving = o.successiveHalving ?? true;
  if (typeof successiveHalving !== 'boolean') fail(`options.successiveHalving must be a boolean, got ${JSON.stringify(successiveHalving)}`);
  if (variant === 'paper' && successiveHalving && Math.floor(selectModels / eta) < 1) {
    fail(`the paper's iteration count (functionEvaluations − nInit) // (selectModels // eta) needs selectModels >= eta, got ${selectModels} < ${eta}`);
  }
  const ensembleSize = intAtLeast('ensembleSize', o.ensembleSize ?? 5, 1);
  const hidden = o.hidden ?? [10];
  if (!Array.isArray(hidden) || !hidden.every((h) => Number.isInteger(h) && h >= 1)) fail(`options.hidden must be an array of positive integers, got ${JSON.stringify(hidden)}`);
  const epochs = intAtLeast('epochs', o.epochs ?? 80, 1);
  const lr = positive('options.lr', o.lr ?? 0.1);
  const batchSize = intAtLeast('batchSize', o.batchSize ?? 32, 1);
  const init = o.init ?? 'normal';
  if (init !== 'normal' && init !== 'uniform') fail(`options.init must be 'normal' or 'uniform', got ${JSON.stringify(init)}`);
  const mutatedKeys = intAtLeast('mutatedKeys', o.mutatedKeys ?? 3, 1);
  const mutationSd = positive('options.mutationSd', o.mutationSd ?? 1 / 3);

  let notMutable: string[];
  if (o.notMutable === undefined) notMutable = variant === 'paper' ? NOT_MUTABLE.filter((n) => ctx.space.has(n)) : [];
  else {
    if (!Array.isArray(o.notMutable)) fail(`options.notMutable must be an array of hyperparameter names`);
    for (const n of o.notMutable) if (typeof n !== 'string' || !ctx.space.has(n)) fail(`options.notMutable names unknown hyperparameter ${JSON.stringify(n)}`);
    notMutable = [...o.notMutable];
  }

  return {
    variant,
    nInit,
    range: resolveRange(ctx, o),
    functionEvaluations,
    numArch,
    selectModels,
    eta,
    successiveHalving,
    ensembleSize,
    hidden: [...hidden],
    epochs,
    lr,
    batchSize,
    init,
    mutatedKeys,
    mutationSd,
    notMutable: new Set(notMutable),
  };
}

/**
 * The fidelity range: the options' values clamped into the problem's [minBudget, maxBudget],
 * defaulting to the problem's. Without any range the problem has no fidelity (one rung at full
 * budget, suggestions without a budget).
 */
function resolveRange(ctx: OptimizerContext, o: MobananasOptions): ResolvedMobananasOptions['range'] {
  return budgetRange(FN, ctx, o);
}

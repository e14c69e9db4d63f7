// MO-SH-BANANAS's options: defaults, the paper's example presets (docs/methods.md#presets), validation.
import { budgetRange } from '../common.ts';
import { mergeOptions, type CommonOptions, type OptionRules, type Presets, type Variant } from '../options.ts';
import { NOT_MUTABLE } from '../../space/nas.ts';
import type { MlpInit } from '../../surrogates/mlp.ts';
import type { OptimizerContext } from '../types.ts';

/**
 * 'paper' reproduces the reference code with its bugs (docs/methods.md#oddities items 32-36 kept); 'fixed' (the
 * default) repairs them — see the comments in ./index.ts.
 */
export type MobananasVariant = Variant;

export interface MobananasOptions extends CommonOptions {
  /** N_init: random configurations evaluated at the maximum budget first (default 10) */
  nInit?: number;
  /** smallest / largest fidelity of the halving ladder (default: the problem's; clamped into it) */
  minBudget?: number;
  maxBudget?: number;
  /**
   * The method's own evaluation total, the reference's function_evaluations (default 400, the
   * Fashion script's). 'paper': the iteration count is (total − nInit) // (selectModels // eta)
   * as coded, although an iteration makes more evaluations than that (docs/methods.md#odd-35), so the run
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
   * maximum budget and added to the archive); the reference's get_MOBANANAS crashes (docs/methods.md#odd-31).
   * Default true (MO-SH-BANANAS). The method 'mobananas-plain' is that loop with its own
   * defaults and presets.
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
   * (n_conv_l, n_fc_l: depths frozen, docs/methods.md#odd-34); 'fixed' none (depths mutate too).
   */
  notMutable?: readonly string[];
}

/** The paper's example scripts (docs/methods.md#presets). */
export const MOBANANAS_PRESETS = {
  flowers: {
    nInit: 10, minBudget: 5, maxBudget: 25, functionEvaluations: 10000, numArch: 20, selectModels: 10, eta: 3,
    ensembleSize: 5, hidden: [10], epochs: 80, lr: 0.1, batchSize: 32, init: 'normal', mutatedKeys: 3,
  },
  fashion: {
    nInit: 10, minBudget: 5, maxBudget: 25, functionEvaluations: 400, numArch: 20, selectModels: 10, eta: 3,
    ensembleSize: 5, hidden: [10], epochs: 80, lr: 0.1, batchSize: 32, init: 'normal', mutatedKeys: 3,
  },
} as const satisfies Presets<MobananasOptions>;

/**
 * Plain MO-BANANAS as the reference's get_MOBANANAS sets it up (docs/methods.md#mobananas; that function crashes as
 * written, docs/methods.md#odd-31): 20 initial configurations, 8 parents, 4 chosen and evaluated at the full
 * budget per iteration, 100 evaluations. The reference gives one setting for both problems.
 */
const PLAIN_SETTINGS = {
  nInit: 20, maxBudget: 25, functionEvaluations: 100, numArch: 8, selectModels: 4,
  ensembleSize: 5, hidden: [10], epochs: 80, lr: 0.1, batchSize: 32, init: 'normal', mutatedKeys: 3,
} as const;

export const MOBANANAS_PLAIN_PRESETS = { flowers: PLAIN_SETTINGS, fashion: PLAIN_SETTINGS } as const satisfies Presets<MobananasOptions>;

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

const KNOWN: OptionRules<MobananasOptions>['known'] = [
  'nInit', 'minBudget', 'maxBudget', 'functionEvaluations', 'numArch', 'selectModels', 'eta', 'successiveHalving',
  'ensembleSize', 'hidden', 'epochs', 'lr', 'batchSize', 'init', 'mutatedKeys', 'mutationSd', 'notMutable',
];

/** How MO-SH-BANANAS reads its options (known keys, presets). */
export const MOBANANAS_OPTIONS: OptionRules<MobananasOptions> = { fn: FN, known: KNOWN, presets: MOBANANAS_PRESETS };

/** How plain MO-BANANAS reads its options: those of MO-SH-BANANAS but successiveHalving, its own presets. */
export const MOBANANAS_PLAIN_OPTIONS: OptionRules<Omit<MobananasOptions, 'successiveHalving'>> = {
  fn: 'createMobananasPlain',
  known: KNOWN.filter((k): k is Exclude<typeof k, 'successiveHalving'> => k !== 'successiveHalving'),
  presets: MOBANANAS_PLAIN_PRESETS,
};

/**
 * Fill defaults (preset first, explicit options over it; under 'paper' the problem's preset
 * when none is given) and check everything. `plain` reads the options of plain MO-BANANAS
 * (its own presets; successive halving off).
 * @throws RangeError naming the option for a bad value, or a context MO-BANANAS cannot serve
 *   (it is defined for exactly 2 objectives), or a halving plan in which nobody survives
 */
export function resolveOptions(ctx: OptimizerContext, options: unknown, plain = false): ResolvedMobananasOptions {
  const rules: OptionRules<MobananasOptions> = plain ? MOBANANAS_PLAIN_OPTIONS : MOBANANAS_OPTIONS;
  const { values: o, variant, check } = mergeOptions(rules, ctx, options);
  if (ctx.nObj !== 2) {
    check.fail(`MO-BANANAS is defined for exactly 2 objectives (its predictor has 2 outputs and its ranking uses 2-D fronts and crowding), got nObj = ${ctx.nObj}`);
  }
  const nInit = check.int('nInit', o.nInit ?? (plain ? 20 : 10), 1);
  const functionEvaluations = check.int('functionEvaluations', o.functionEvaluations ?? (plain ? 100 : 400), 1);
  if (functionEvaluations < nInit) check.fail(`options.functionEvaluations (${functionEvaluations}) must be at least nInit (${nInit})`);
  const numArch = check.int('numArch', o.numArch ?? (plain ? 8 : 20), 1);
  const selectModels = check.int('selectModels', o.selectModels ?? (plain ? 4 : 10), 1);
  const eta = check.number('eta', o.eta ?? 3, { above: 1 });
  const successiveHalving = plain ? false : check.bool('successiveHalving', o.successiveHalving ?? true);
  if (variant === 'paper' && successiveHalving && Math.floor(selectModels / eta) < 1) {
    check.fail(`the paper's iteration count (functionEvaluations − nInit) // (selectModels // eta) needs selectModels >= eta, got ${selectModels} < ${eta}`);
  }
  const hidden = check.ints('hidden', o.hidden ?? [10], 1);
  const init = check.oneOf('init', o.init ?? 'normal', ['normal', 'uniform'] as const);
  // depths (n_conv_l, n_fc_l) are frozen only in the paper's variant (docs/methods.md#odd-34)
  const notMutable = o.notMutable === undefined
    ? (variant === 'paper' ? NOT_MUTABLE.filter((n) => ctx.space.has(n)) : [])
    : check.hyperparameters('notMutable', o.notMutable, ctx.space);

  return {
    variant,
    nInit,
    range: budgetRange(rules.fn, ctx, o),
    functionEvaluations,
    numArch,
    selectModels,
    eta,
    successiveHalving,
    ensembleSize: check.int('ensembleSize', o.ensembleSize ?? 5, 1),
    hidden,
    epochs: check.int('epochs', o.epochs ?? 80, 1),
    lr: check.number('lr', o.lr ?? 0.1, { above: 0 }),
    batchSize: check.int('batchSize', o.batchSize ?? 32, 1),
    init,
    mutatedKeys: check.int('mutatedKeys', o.mutatedKeys ?? 3, 1),
    mutationSd: check.number('mutationSd', o.mutationSd ?? 1 / 3, { above: 0 }),
    notMutable: new Set(notMutable),
  };
}

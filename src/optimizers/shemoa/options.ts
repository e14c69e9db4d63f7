// SH-EMOA's options: defaults, the paper's example presets (docs/methods.md#presets), validation.
import { budgetRange } from '../common.ts';
import { mergeOptions, type CommonOptions, type OptionRules, type Presets, type Variant } from '../options.ts';
import { NOT_MUTABLE } from '../../space/nas.ts';
import type { OptimizerContext } from '../types.ts';

/**
 * 'paper' reproduces the reference code with its oddities (docs/methods.md#oddities items 7, 9-14 kept);
 * 'fixed' (the default) repairs them — see the comments in ./index.ts.
 */
export type ShemoaVariant = Variant;

export interface ShemoaOptions extends CommonOptions {
  /** N, the population kept by survival; also the size of the initial random sample (default 10) */
  populationSize?: number;
  /** smallest / largest fidelity of the ladder (default: the problem's; clamped into it) */
  minBudget?: number;
  maxBudget?: number;
  /** ratio between rungs (default 2; must be > 1) */
  eta?: number;
  /**
   * The method's own evaluation total (default 200, the reference class default). 'paper':
   * the reference's total_number_of_function_evaluations, which its schedule overshoots
   * (docs/methods.md#shemoa-evaluations); 'fixed': the exact number of evaluations made when nothing fails. A study's own
   * maxEvaluations may stop the run earlier.
   */
  maxEvaluations?: number;
  /**
   * parent selection (default 'tournament', the reference's choice); 'neutral' draws the parent
   * uniformly. The reference's third kind, FITNESS, is broken for 2-D fitness and not offered.
   */
  selection?: 'tournament' | 'neutral';
  /** mutation operator: only the reference's 'uniform' (default) */
  mutation?: 'uniform';
  /** recombination operator: only the reference's 'uniform' (default) */
  recombination?: 'uniform';
  /** probability that a step mutates its parent rather than recombining it (fraction_mutation, default 0.5) */
  mutationProbability?: number;
  /** per-key probability that recombination takes the partner's value (default 0.5; see operators.ts) */
  recombinationProbability?: number;
  /** k of the tournament (default 3) */
  tournamentSize?: number;
  /** keys drawn by UNIFORM mutation (default 5, the reference's constant) */
  mutatedKeys?: number;
  /**
   * hyperparameters never changed by variation. Default: 'paper' those of NOT_MUTABLE present in
   * the space (n_conv_l, n_fc_l: depths frozen, docs/methods.md#odd-11); 'fixed' none (depths vary too, with the
   * widths that become active drawn from the prior)
   */
  notMutable?: readonly string[];
  /** children per steady-state step: only 1 is supported (the reference's only value) */
  childrenPerStep?: number;
  /**
   * 'paper' only: which objectives (indices into the problem's) play the reference's
   * [size, accuracy] = [f0, f1] in its scalar key and HV2D. Default: from the problem, the
   * objective named num_params first ([1, 0] on the CNN problems), else [0, 1].
   */
  objectiveOrder?: readonly [number, number];
  /** 'paper' only: c of the key (c − f0)·(f1 − r1) (default r0 + 7, i.e. 15 for the paper's r0 = 8) */
  keyConstant?: number;
}

/** The paper's example scripts (docs/methods.md#presets). */
export const SHEMOA_PRESETS = {
  flowers: {
    populationSize: 100, minBudget: 5, maxBudget: 25, eta: 2, maxEvaluations: 15000,
    mutation: 'uniform', recombination: 'uniform', selection: 'tournament', tournamentSize: 3,
    mutationProbability: 0.5, recombinationProbability: 0.5, childrenPerStep: 1, mutatedKeys: 5,
  },
  fashion: {
    populationSize: 10, minBudget: 5, maxBudget: 25, eta: 2, maxEvaluations: 150,
    mutation: 'uniform', recombination: 'uniform', selection: 'tournament', tournamentSize: 3,
    mutationProbability: 0.5, recombinationProbability: 0.5, childrenPerStep: 1, mutatedKeys: 5,
  },
} as const satisfies Presets<ShemoaOptions>;

/** Options with every default filled in and checked against the context. */
export interface ResolvedShemoaOptions {
  variant: ShemoaVariant;
  populationSize: number;
  /** undefined: the problem has no fidelity, every suggestion is at full budget */
  range: { minBudget: number; maxBudget: number } | undefined;
  eta: number;
  maxEvaluations: number;
  mutationProbability: number;
  recombinationProbability: number;
  selection: 'tournament' | 'neutral';
  tournamentSize: number;
  mutatedKeys: number;
  notMutable: ReadonlySet<string>;
  objectiveOrder: [number, number];
  /** the reference point, minimised */
  reference: [number, number];
  keyConstant: number;
}

const FN = 'createShemoa';

/** How SH-EMOA reads its options (known keys, presets). */
export const SHEMOA_OPTIONS: OptionRules<ShemoaOptions> = {
  fn: FN,
  known: [
    'selection', 'mutation', 'recombination', 'populationSize', 'minBudget', 'maxBudget', 'eta', 'maxEvaluations', 'mutationProbability',
    'recombinationProbability', 'tournamentSize', 'mutatedKeys', 'notMutable', 'childrenPerStep', 'objectiveOrder', 'keyConstant',
  ],
  presets: SHEMOA_PRESETS,
};

/** The objective named num_params is the size (the reference's f0), the other the accuracy. */
function problemOrder(ctx: OptimizerContext): [number, number] {
  const size = ctx.objectives?.indexOf('num_params') ?? -1;
  return size === 1 ? [1, 0] : [0, 1];
}

/**
 * Fill defaults (preset first, explicit options over it; under 'paper' the problem's preset
 * when none is given) and check everything.
 * @throws RangeError naming the option for a bad value or a context SH-EMOA cannot serve
 */
export function resolveOptions(ctx: OptimizerContext, options: unknown): ResolvedShemoaOptions {
  const { values: o, variant, check } = mergeOptions(SHEMOA_OPTIONS, ctx, options);
  if (ctx.nObj !== 2) check.fail(`SH-EMOA is defined for exactly 2 objectives (its survival uses the 2-D hypervolume), got nObj = ${ctx.nObj}`);
  if (!Array.isArray(ctx.referencePoint) || ctx.referencePoint.length !== 2) check.fail(`ctx.referencePoint must hold 2 values, got ${JSON.stringify(ctx.referencePoint)}`);
  const reference: [number, number] = [ctx.referencePoint[0], ctx.referencePoint[1]];
  if (!reference.every(Number.isFinite)) check.fail(`ctx.referencePoint must be finite, got ${JSON.stringify(ctx.referencePoint)}`);

  const populationSize = check.int('populationSize', o.populationSize ?? 10, 1);
  const eta = check.number('eta', o.eta ?? 2, { above: 1 });
  const maxEvaluations = check.int('maxEvaluations', o.maxEvaluations ?? 200, 1);
  if (maxEvaluations < populationSize) check.fail(`options.maxEvaluations (${maxEvaluations}) must be at least populationSize (${populationSize})`);
  const selection = check.oneOf('selection', o.selection ?? 'tournament', ['tournament', 'neutral'] as const);
  check.oneOf('mutation', o.mutation ?? 'uniform', ['uniform'] as const);
  check.oneOf('recombination', o.recombination ?? 'uniform', ['uniform'] as const);
  const tournamentSize = check.int('tournamentSize', o.tournamentSize ?? 3, 1);
  const mutatedKeys = check.int('mutatedKeys', o.mutatedKeys ?? 5, 1);
  if ((o.childrenPerStep ?? 1) !== 1) {
    check.fail(`options.childrenPerStep must be 1 (the reference removes one member per step whatever the number of children), got ${JSON.stringify(o.childrenPerStep)}`);
  }
  // depths (n_conv_l, n_fc_l) are frozen only in the paper's variant (docs/methods.md#odd-11)
  const notMutable = o.notMutable === undefined
    ? (variant === 'paper' ? NOT_MUTABLE.filter((n) => ctx.space.has(n)) : [])
    : check.hyperparameters('notMutable', o.notMutable, ctx.space);

  const order = o.objectiveOrder ?? problemOrder(ctx);
  if (!Array.isArray(order) || order.length !== 2 || !((order[0] === 0 && order[1] === 1) || (order[0] === 1 && order[1] === 0))) {
    check.fail(`options.objectiveOrder must be [0, 1] or [1, 0], got ${JSON.stringify(order)}`);
  }
  const keyConstant = check.number('keyConstant', o.keyConstant ?? reference[order[0]] + 7);

  return {
    variant,
    populationSize,
    range: budgetRange(FN, ctx, o),
    eta,
    maxEvaluations,
    mutationProbability: check.probability('mutationProbability', o.mutationProbability ?? 0.5),
    recombinationProbability: check.probability('recombinationProbability', o.recombinationProbability ?? 0.5),
    selection,
    tournamentSize,
    mutatedKeys,
    notMutable: new Set(notMutable),
    objectiveOrder: [order[0], order[1]],
    reference,
    keyConstant,
  };
}

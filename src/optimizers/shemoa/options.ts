// SH-EMOA's options: defaults, the paper's example presets (METHODS.md §13), validation.
import { budgetRange } from '../common.ts';
import { NOT_MUTABLE } from '../../space/nas.ts';
import type { OptimizerContext } from '../types.ts';

/**
 * 'paper' reproduces the reference code with its oddities (§15 items 7, 9-14 kept);
 * 'fixed' (the default) repairs them — see the comments in ./index.ts.
 */
export type ShemoaVariant = 'paper' | 'fixed';

export interface ShemoaOptions {
  /** start from one of the paper's example settings (§13); explicit options override it */
  preset?: keyof typeof SHEMOA_PRESETS;
  /** default 'fixed' */
  variant?: ShemoaVariant;
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
   * (§8.6); 'fixed': the exact number of evaluations made when nothing fails. A study's own
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
  /** hyperparameters never changed by variation (default: those of NOT_MUTABLE present in the space) */
  notMutable?: readonly string[];
  /** children per steady-state step: only 1 is supported (the reference's only value) */
  childrenPerStep?: number;
  /**
   * 'paper' only: which objectives (indices into the problem's) play the reference's
   * [size, accuracy] = [f0, f1] in its scalar key and HV2D (default [0, 1]).
   */
  objectiveOrder?: readonly [number, number];
  /** 'paper' only: c of the key (c − f0)·(f1 − r1) (default r0 + 7, i.e. 15 for the paper's r0 = 8) */
  keyConstant?: number;
}

/**
 * The paper's example scripts (§13). They also set objectiveOrder [1, 0]: the CNN problems
 * list their objectives as [val_acc_1, num_params] (§1.1), and the reference's fitness is
 * [num_params, val_acc_1] (§1.3); it only matters for the 'paper' variant.
 */
export const SHEMOA_PRESETS = {
  flowers: {
    populationSize: 100, minBudget: 5, maxBudget: 25, eta: 2, maxEvaluations: 15000,
    mutation: 'uniform', recombination: 'uniform', selection: 'tournament', tournamentSize: 3,
    mutationProbability: 0.5, recombinationProbability: 0.5, childrenPerStep: 1, mutatedKeys: 5,
    objectiveOrder: [1, 0],
  },
  fashion: {
    populationSize: 10, minBudget: 5, maxBudget: 25, eta: 2, maxEvaluations: 150,
    mutation: 'uniform', recombination: 'uniform', selection: 'tournament', tournamentSize: 3,
    mutationProbability: 0.5, recombinationProbability: 0.5, childrenPerStep: 1, mutatedKeys: 5,
    objectiveOrder: [1, 0],
  },
} as const satisfies Record<string, Omit<ShemoaOptions, 'preset' | 'variant'>>;

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

function fail(msg: string): never {
  throw new RangeError(`${FN}: ${msg}`);
}

function intAtLeast(name: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) fail(`options.${name} must be an integer >= ${min}, got ${JSON.stringify(v)}`);
  return v;
}

function probability(name: string, v: unknown): number {
  if (typeof v !== 'number' || !(v >= 0 && v <= 1)) fail(`options.${name} must be a probability in [0, 1], got ${JSON.stringify(v)}`);
  return v;
}

function finite(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${name} must be a finite number, got ${JSON.stringify(v)}`);
  return v;
}

const KNOWN = new Set([
  'preset', 'variant', 'selection', 'mutation', 'recombination', 'populationSize', 'minBudget', 'maxBudget', 'eta', 'maxEvaluations', 'mutationProbability',
  'recombinationProbability', 'tournamentSize', 'mutatedKeys', 'notMutable', 'childrenPerStep', 'objectiveOrder', 'keyConstant',
]);

/**
 * Fill defaults (preset first, explicit options over it) and check everything.
 * @throws RangeError naming the option for a bad value or a context SH-EMOA cannot serve
 */
export function resolveOptions(ctx: OptimizerContext, options: ShemoaOptions | undefined): ResolvedShemoaOptions {
  if (!ctx || typeof ctx !== 'object' || !ctx.space) throw new TypeError(`${FN}: ctx must be an OptimizerContext with a search space`);
  if (ctx.nObj !== 2) fail(`SH-EMOA is defined for exactly 2 objectives (its survival uses the 2-D hypervolume), got nObj = ${ctx.nObj}`);
  if (!Array.isArray(ctx.referencePoint) || ctx.referencePoint.length !== 2) fail(`ctx.referencePoint must hold 2 values, got ${JSON.stringify(ctx.referencePoint)}`);
  const reference: [number, number] = [finite('ctx.referencePoint[0]', ctx.referencePoint[0]), finite('ctx.referencePoint[1]', ctx.referencePoint[1])];
  if (!Number.isFinite(ctx.seed)) fail(`ctx.seed must be a finite number, got ${ctx.seed}`);

  const given = options ?? {};
  if (typeof given !== 'object' || Array.isArray(given)) throw new TypeError(`${FN}: options must be an object`);
  for (const key of Object.keys(given)) if (!KNOWN.has(key)) fail(`unknown option '${key}' (known: ${[...KNOWN].join(', ')})`);
  let base: ShemoaOptions = {};
  if (given.preset !== undefined) {
    if (!Object.prototype.hasOwnProperty.call(SHEMOA_PRESETS, given.preset)) {
      fail(`options.preset must be one of ${Object.keys(SHEMOA_PRESETS).join(', ')}, got ${JSON.stringify(given.preset)}`);
    }
    base = SHEMOA_PRESETS[given.preset];
  }
  const defined = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) as ShemoaOptions;
  const o: ShemoaOptions = { ...base, ...defined };

  const variant = o.variant ?? 'fixed';
  if (variant !== 'paper' && variant !== 'fixed') fail(`options.variant must be 'paper' or 'fixed', got ${JSON.stringify(variant)}`);
  const populationSize = intAtLeast('populationSize', o.populationSize ?? 10, 1);
  const eta = o.eta ?? 2;
  if (typeof eta !== 'number' || !(eta > 1) || !Number.isFinite(eta)) fail(`options.eta must be a finite number > 1, got ${JSON.stringify(eta)}`);
  const maxEvaluations = intAtLeast('maxEvaluations', o.maxEvaluations ?? 200, 1);
  if (maxEvaluations < populationSize) fail(`options.maxEvaluations (${maxEvaluations}) must be at least populationSize (${populationSize})`);
  const selection = o.selection ?? 'tournament';
  if (selection !== 'tournament' && selection !== 'neutral') fail(`options.selection must be 'tournament' or 'neutral', got ${JSON.stringify(selection)}`);
  if ((o.mutation ?? 'uniform') !== 'uniform') fail(`options.mutation must be 'uniform' (the only operator of the reference in use), got ${JSON.stringify(o.mutation)}`);
  if ((o.recombination ?? 'uniform') !== 'uniform') fail(`options.recombination must be 'uniform', got ${JSON.stringify(o.recombination)}`);
  const tournamentSize = intAtLeast('tournamentSize', o.tournamentSize ?? 3, 1);
  const mutatedKeys = intAtLeast('mutatedKeys', o.mutatedKeys ?? 5, 1);
  if ((o.childrenPerStep ?? 1) !== 1) {
    fail(`options.childrenPerStep must be 1 (the reference removes one member per step whatever the number of children), got ${JSON.stringify(o.childrenPerStep)}`);
  }

  let notMutable: string[];
  if (o.notMutable === undefined) notMutable = NOT_MUTABLE.filter((n) => ctx.space.has(n));
  else {
    if (!Array.isArray(o.notMutable)) fail(`options.notMutable must be an array of hyperparameter names`);
    for (const n of o.notMutable) if (typeof n !== 'string' || !ctx.space.has(n)) fail(`options.notMutable names unknown hyperparameter ${JSON.stringify(n)}`);
    notMutable = [...o.notMutable];
  }

  const order = o.objectiveOrder ?? [0, 1];
  if (!Array.isArray(order) || order.length !== 2 || !((order[0] === 0 && order[1] === 1) || (order[0] === 1 && order[1] === 0))) {
    fail(`options.objectiveOrder must be [0, 1] or [1, 0], got ${JSON.stringify(order)}`);
  }
  const keyConstant = o.keyConstant ?? reference[order[0]] + 7;
  finite('options.keyConstant', keyConstant);

  return {
    variant,
    populationSize,
    range: resolveRange(ctx, o),
    eta,
    maxEvaluations,
    mutationProbability: probability('mutationProbability', o.mutationProbability ?? 0.5),
    recombinationProbability: probability('recombinationProbability', o.recombinationProbability ?? 0.5),
    selection,
    tournamentSize,
    mutatedKeys,
    notMutable: new Set(notMutable),
    objectiveOrder: [order[0], order[1]],
    reference,
    keyConstant,
  };
}

/**
 * The fidelity range: the options' values clamped into the problem's [minBudget, maxBudget],
 * defaulting to the problem's. Without any range the problem has no fidelity (one rung at full
 * budget). A maximum alone gives one rung at that budget.
 */
function resolveRange(ctx: OptimizerContext, o: ShemoaOptions): ResolvedShemoaOptions['range'] {
  return budgetRange(FN, ctx, o);
}

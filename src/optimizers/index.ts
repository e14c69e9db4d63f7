// Methods by name, with their presets, for the CLI, studies and resuming from a journal.
import { BULKCUT_OPTIONS, createBulkCut } from './bulkcut/index.ts';
import { createMobananas, createMobananasPlain, MOBANANAS_OPTIONS, MOBANANAS_PLAIN_OPTIONS } from './mobananas/index.ts';
import { createMobohb, MOBOHB_OPTIONS } from './mobohb/index.ts';
import { createMsehvi, MSEHVI_OPTIONS } from './msehvi/index.ts';
import { createNsga2, NSGA2_OPTIONS } from './nsga2/index.ts';
import { assertKnownOptions, PAPER_PROBLEMS, VARIANTS, type OptionRules, type PaperProblem } from './options.ts';
import { createRandom, RANDOM_OPTIONS, type RandomOptions } from './random/index.ts';
import { createShemoa, SHEMOA_OPTIONS } from './shemoa/index.ts';
import type { Optimizer, OptimizerContext, OptimizerFactory } from './types.ts';

/**
 * The form of the NAS search space a method searched in the paper (docs/methods.md#space-forms):
 * 'configspace' (conditional widths absent when inactive), 'uniform' (choices as integers) or
 * 'ax' (all 13 hyperparameters always present).
 */
export type SpaceForm = 'configspace' | 'uniform' | 'ax';

/** A method as the registry holds it. */
export interface MethodEntry {
  readonly summary: string;
  /** the problems with a preset of the paper's settings */
  readonly presets: readonly PaperProblem[];
  /** the space form the method searches on the CNN problems */
  readonly spaceForm: SpaceForm;
  /** whether the method has a 'paper' variant */
  readonly paperVariant: boolean;
  /** the method splits a wall-clock budget (option timeBudget; a search passes --max-seconds) */
  readonly timeBudgeted?: boolean;
  /**
   * Build the method. The options are checked by the method itself (unknown keys, values),
   * so they may come from JSON.
   */
  create(ctx: OptimizerContext, options?: unknown): Optimizer;
}

/**
 * A registry entry from a typed factory and the rules it reads its options by. The keys are
 * checked here (assertKnownOptions narrows the JSON object to the method's options type) and
 * every value by the factory itself, so options may come from JSON.
 */
function entry<O>(create: OptimizerFactory<O>, rules: OptionRules<O>, summary: string, spaceForm: SpaceForm, extra: { timeBudgeted?: boolean } = {}): MethodEntry {
  return {
    summary,
    spaceForm,
    ...extra,
    paperVariant: (rules.variants ?? VARIANTS).includes('paper'),
    presets: rules.presets ? PAPER_PROBLEMS.filter((p) => Object.prototype.hasOwnProperty.call(rules.presets, p)) : [],
    create(ctx, options) {
      assertKnownOptions<O>(rules.fn, options, rules.known);
      return create(ctx, options);
    },
  };
}

const createSobol: OptimizerFactory<Omit<RandomOptions, 'sampler'>> = (ctx, o = {}) => createRandom(ctx, { ...o, sampler: 'sobol' });

const METHODS = new Map<string, MethodEntry>([
  ['random', entry(createRandom, RANDOM_OPTIONS, 'Random Search (uniform prior draws; sampler: sobol for a scrambled Sobol sequence)', 'ax')],
  ['sobol', entry(createSobol, { fn: 'createRandom', known: ['maxEvaluations'], variants: ['fixed'] }, 'Random Search on a scrambled Sobol sequence', 'ax')],
  ['nsga2', entry(createNsga2, NSGA2_OPTIONS, 'NSGA-II (SBX + polynomial mutation in the unit-cube encoding; not in the paper)', 'configspace')],
  ['shemoa', entry(createShemoa, SHEMOA_OPTIONS, 'SH-EMOA: steady-state evolution with hypervolume survival, budgets raised by successive halving', 'configspace')],
  ['mobohb', entry(createMobohb, MOBOHB_OPTIONS, 'MO-BOHB: Hyperband brackets, non-dominated promotion, multi-objective TPE sampler', 'uniform')],
  ['mobananas', entry(createMobananas, MOBANANAS_OPTIONS,
    "MO-SH-BANANAS: mutation of the archive's best, neural-ensemble Thompson selection, successive halving", 'configspace')],
  ['mobananas-plain', entry(createMobananasPlain, MOBANANAS_PLAIN_OPTIONS,
    'MO-BANANAS without successive halving: every chosen child evaluated at the full budget', 'configspace')],
  ['msehvi', entry(createMsehvi, MSEHVI_OPTIONS,
    'MS-EHVI: GP surrogate (known size objective on the NAS spaces), exact expected hypervolume improvement', 'ax')],
  ['bulkcut', entry(createBulkCut, BULKCUT_OPTIONS,
    'Bulk & Cut: naive networks, grown by morphism, cut by pruning with distillation, over a wall-clock budget (flowers/fashion only)', 'ax', { timeBudgeted: true })],
]);

/** Add a method of your own (it can then be run by name and resumed from a journal). */
export function registerMethod(name: string, method: MethodEntry): void {
  if (typeof name !== 'string' || name.length === 0) throw new TypeError(`registerMethod: name must be a non-empty string, got ${JSON.stringify(name)}`);
  METHODS.set(name, method);
}

export function methodNames(): { name: string; summary: string }[] {
  return [...METHODS].map(([name, m]) => ({ name, summary: m.summary }));
}

export function getMethod(name: string): MethodEntry {
  const m = METHODS.get(name);
  if (!m) throw new RangeError(`unknown method '${name}' (known: ${[...METHODS.keys()].join(', ')})`);
  return m;
}

/**
 * Options of a method with a preset named: the method applies the preset's values under the
 * explicit ones when it is built (and journals only what was given).
 * @throws RangeError for an unknown method or a preset the method does not have
 */
export function methodOptions(name: string, preset?: string, options: Record<string, unknown> = {}): Record<string, unknown> {
  const m = getMethod(name);
  if (preset === undefined) return { ...options };
  if (!m.presets.some((p) => p === preset)) throw new RangeError(`method '${name}' has no preset '${preset}' (presets: ${m.presets.join(', ') || 'none'})`);
  return { ...options, preset };
}

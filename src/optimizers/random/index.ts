// Random Search (docs/methods.md#random): every trial an independent draw from the prior at the full
// budget. `sampler: 'sobol'` walks one scrambled Sobol sequence through the unit-cube encoding
// instead (better coverage for small budgets; the paper's Ax draws amount to the uniform one).
import { Rng } from '../../random/rng.ts';
import { Sobol } from '../../space/sobol.ts';
import { mergeOptions, type CommonOptions, type OptionRules, type Presets } from '../options.ts';
import type { AskResult, Optimizer, OptimizerFactory } from '../types.ts';

export interface RandomOptions extends CommonOptions {
  /** 'uniform' (default): independent prior draws; 'sobol': one scrambled Sobol sequence */
  sampler?: 'uniform' | 'sobol';
  /** stop after this many suggestions (default: never; the study's caps stop it) */
  maxEvaluations?: number;
}

/** The example scripts (docs/methods.md#presets): 20000 independent draws, stopped by the wall clock in practice. */
export const RANDOM_PRESETS: Presets<RandomOptions> = Object.freeze({
  flowers: Object.freeze({ sampler: 'uniform', maxEvaluations: 20000 }),
  fashion: Object.freeze({ sampler: 'uniform', maxEvaluations: 20000 }),
});

/** How Random Search reads its options (known keys, presets). */
export const RANDOM_OPTIONS: OptionRules<RandomOptions> = { fn: 'createRandom', known: ['sampler', 'maxEvaluations'], presets: RANDOM_PRESETS };

/** Random Search; both variants are the same method (the reference has nothing to repair here). */
export const createRandom: OptimizerFactory<RandomOptions> = (ctx, options = {}) => {
  const { values: o, check } = mergeOptions(RANDOM_OPTIONS, ctx, options);
  const sampler = check.oneOf('sampler', o.sampler ?? 'uniform', ['uniform', 'sobol'] as const);
  const max = o.maxEvaluations === undefined ? Infinity : check.int('maxEvaluations', o.maxEvaluations, 0);
  const rng = new Rng(ctx.seed);
  const sobol = sampler === 'sobol' ? new Sobol(ctx.space.dim, { seed: ctx.seed }) : undefined;
  let asked = 0;
  const opt: Optimizer = {
    method: 'random',
    ask(): AskResult {
      if (asked >= max) return { kind: 'done' };
      asked++;
      const params = sobol ? ctx.space.decode(sobol.next()) : ctx.space.sample(rng);
      return { kind: 'suggest', suggestion: { params, budget: ctx.maxBudget } };
    },
    tell(): void {},
  };
  return opt;
};

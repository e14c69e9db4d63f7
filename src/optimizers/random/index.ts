// Random Search (METHODS.md §7): every trial an independent draw from the prior at the full
// budget. `sampler: 'sobol'` walks one scrambled Sobol sequence through the unit-cube encoding
// instead (better coverage for small budgets; the paper's Ax draws amount to the uniform one).
import { Rng } from '../../random/rng.ts';
import { Sobol } from '../../space/sobol.ts';
import type { AskResult, Optimizer, OptimizerFactory } from '../types.ts';

export interface RandomOptions {
  sampler?: 'uniform' | 'sobol';
  /** stop after this many suggestions (default: never; the study's caps stop it) */
  maxEvaluations?: number;
}

export const createRandom: OptimizerFactory<RandomOptions> = (ctx, options = {}) => {
  const sampler = options.sampler ?? 'uniform';
  if (sampler !== 'uniform' && sampler !== 'sobol') throw new RangeError(`random: options.sampler must be 'uniform' or 'sobol', got ${JSON.stringify(sampler)}`);
  const max = options.maxEvaluations ?? Infinity;
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
